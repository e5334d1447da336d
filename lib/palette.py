"""The dashboard's colours: chart series colour-blind readers can tell apart, and text that reads at 4.5:1.

Series colours are Okabe & Ito's (2008) "Color Universal Design" palette:
every program, outcome and origin keeps one colour on every page, and the
colours next to each other in a legend or a stacked bar stay apart for readers
with deuteranopia or protanopia (``tests/test_palette.py`` simulates both).
A colour never carries a meaning alone: bars carry their value as text, and a
target's rating carries its word.

The interface's text colour is the theme's (``.streamlit/config.toml``,
``[theme] textColor``). Streamlit draws captions and other secondary text in
that colour at 60% opacity (its "fadedText60"), so the text colour is chosen
dark enough that even the faded text reads at 4.5:1 (WCAG 2.1, 1.4.3) on the
page and on the sidebar.
"""

from __future__ import annotations

# Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}
GREY = "#999999"  # "unknown" and "unattributed": no value of their own
HIDDEN_COLOUR = "#BBBBBB"  # a hidden bar or segment (always with its ``<5`` / hidden word)
# The order a value outside the fixed lists picks from: neighbours differ in hue and in lightness.
PALETTE = tuple(OKABE_ITO[name] for name in (
    "blue", "orange", "bluish_green", "reddish_purple", "sky_blue", "vermillion", "yellow", "black"))

# dimension -> value -> colour: the same program or outcome has the same colour on every page. Each mapping is in
# the order its values are drawn (the data's vocabulary), so neighbours here are neighbours in a stacked bar.
COLOURS: dict[str, dict[str, str]] = {
    "program": {
        "Tata Rias": OKABE_ITO["reddish_purple"],
        "Tata Boga": OKABE_ITO["orange"],
        "Tata Busana": OKABE_ITO["sky_blue"],
        "Konveksi": OKABE_ITO["blue"],
    },
    "outcome": {
        "Bekerja": OKABE_ITO["bluish_green"],
        "Usaha Mandiri": OKABE_ITO["blue"],
        "Magang": OKABE_ITO["sky_blue"],
        "Kembali ke Daerah Asal": OKABE_ITO["orange"],
        "Belum Bekerja": OKABE_ITO["yellow"],
        "Kembali Beroperasi": OKABE_ITO["vermillion"],
        "Tidak Diketahui": GREY,
    },
    "origin_type": {
        "Lokal": OKABE_ITO["bluish_green"],
        "Pendatang": OKABE_ITO["orange"],
        "Tidak Diketahui": GREY,
    },
    "budget_share": {
        "langsung": OKABE_ITO["blue"],
        "dibagi": OKABE_ITO["sky_blue"],
        "tidak teratribusi": GREY,
    },
    "measure": {
        "allocated_idr": OKABE_ITO["sky_blue"],
        "realized_idr": OKABE_ITO["blue"],
        "cost_per_participant": OKABE_ITO["bluish_green"],
        "cost_per_working": OKABE_ITO["reddish_purple"],
    },
}
DEFAULT_COLOUR = OKABE_ITO["blue"]

# --- text -----------------------------------------------------------------------------------------
# The theme of .streamlit/config.toml (a test checks the two agree). Streamlit's own default text colour
# (#2f2d2b) makes its captions #828180 on white, 3.9:1.
TEXT_COLOUR = "#111111"
BACKGROUND = "#FFFFFF"
SIDEBAR_BACKGROUND = "#F8F8F7"  # Streamlit's light sidebar while backgroundColor is left at its default
FADED_TEXT_OPACITY = 0.6  # Streamlit's "fadedText60": captions, help, widget hints
MIN_CONTRAST = 4.5  # WCAG 2.1, 1.4.3 (AA), normal-size text
