"""Colours every reader can tell apart and read: chart series under simulated colour blindness, text at 4.5:1.

Colour science by ColorAide: colour-vision deficiency simulated with Brettel,
Viénot and Mollon (1997) at full severity (a reader with no working L or M
cones), differences measured as CIEDE2000, contrast as WCAG 2.1 defines it.
"""

from __future__ import annotations

import itertools
import tomllib
from pathlib import Path

import pytest
from coloraide import Color

from lib import charts, palette, targets
from lib.schema import OUTCOMES

ROOT = Path(__file__).resolve().parent.parent

DEFICIENCIES = ("deutan", "protan")  # red-green colour blindness: about 1 man in 12
# Two series colours side by side must stay this far apart for a colour-blind reader. A CIEDE2000 difference of
# about 1 is just noticeable for large patches side by side; 10 keeps neighbours apart in a thin bar segment or a
# legend swatch too.
MIN_DIFFERENCE = 10.0


def seen_with(colour: str, deficiency: str | None) -> Color:
    """``colour`` as a reader with ``deficiency`` (None: typical vision) sees it."""
    seen = Color(colour)
    return seen if deficiency is None else seen.filter(deficiency, method="brettel").fit("srgb")


def difference(a: str, b: str, deficiency: str | None) -> float:
    """CIEDE2000 between two colours as a reader with ``deficiency`` sees them."""
    return seen_with(a, deficiency).delta_e(seen_with(b, deficiency), method="2000")


def contrast(text: str, background: str, opacity: float = 1.0) -> float:
    """WCAG 2.1 contrast of ``text`` drawn at ``opacity`` over ``background``."""
    drawn = Color.layer([Color(text).set("alpha", opacity), background])
    return drawn.contrast(background, method="wcag21")


def neighbours(colours: list[str]) -> list[tuple[str, str]]:
    return list(itertools.pairwise(colours))


# Every sequence of series colours a reader sees side by side: a stacked bar's parts and a legend in the
# data's order, and the fallback palette for values outside the fixed lists.
SERIES = {f"colours of {dimension}": list(mapping.values()) for dimension, mapping in palette.COLOURS.items()}
SERIES["palette"] = list(palette.PALETTE)
SERIES["outcomes in the data's order"] = [palette.COLOURS["outcome"][o] for o in OUTCOMES]


@pytest.mark.parametrize("deficiency", DEFICIENCIES)
@pytest.mark.parametrize("series", sorted(SERIES))
def test_neighbouring_series_colours_stay_apart_for_colour_blind_readers(series, deficiency):
    too_close = [(a, b, round(difference(a, b, deficiency), 1)) for a, b in neighbours(SERIES[series])
                 if difference(a, b, deficiency) < MIN_DIFFERENCE]
    assert not too_close, f"{series}, as a reader with {deficiency}opia sees them: {too_close}"


def test_a_hidden_bar_is_told_apart_from_every_series_colour():
    for colour, deficiency in itertools.product(palette.PALETTE + (palette.GREY,), (None, *DEFICIENCIES)):
        assert difference(colour, palette.HIDDEN_COLOUR, deficiency) >= MIN_DIFFERENCE / 2, (colour, deficiency)


def test_the_check_tells_red_from_green_only_with_typical_vision():
    # The simulation is real: a pure red and a green of the same lightness differ to a typical eye and
    # come close for a deutan reader (what a palette of reds and greens would fail on).
    red, green = "#D62728", "#2CA02C"
    assert difference(red, green, None) >= MIN_DIFFERENCE
    assert difference(red, green, "deutan") < MIN_DIFFERENCE


def test_every_series_colour_is_okabe_ito_or_grey():
    allowed = set(palette.OKABE_ITO.values()) | {palette.GREY}
    for mapping in palette.COLOURS.values():
        assert set(mapping.values()) <= allowed
    assert set(palette.PALETTE) == set(palette.OKABE_ITO.values())


def test_charts_draw_with_the_palette():
    assert charts.PALETTE is palette.PALETTE and charts.COLOURS is palette.COLOURS
    assert charts.colour("outcome", "Bekerja") == palette.OKABE_ITO["bluish_green"]


# --- text ---------------------------------------------------------------------------------------------------
def theme() -> dict:
    return tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["theme"]


def test_the_theme_is_the_palette():
    configured = theme()
    assert configured["textColor"].upper() == palette.TEXT_COLOUR.upper()
    assert [c.upper() for c in configured["chartCategoricalColors"]] == list(palette.PALETTE)
    assert configured.get("backgroundColor", palette.BACKGROUND).upper() == palette.BACKGROUND


@pytest.mark.parametrize("background", [palette.BACKGROUND, palette.SIDEBAR_BACKGROUND])
@pytest.mark.parametrize("opacity", [1.0, palette.FADED_TEXT_OPACITY])
def test_text_and_captions_read_at_4_5_to_1(background, opacity):
    assert contrast(palette.TEXT_COLOUR, background, opacity) >= palette.MIN_CONTRAST


def test_streamlits_default_text_colour_left_captions_unreadable():
    # What the theme fixes: Streamlit's default #2f2d2b at 60% is #828180 on white.
    assert Color.layer([Color("#2f2d2b").set("alpha", 0.6), "white"]).to_string(hex=True) == "#828180"
    assert contrast("#2f2d2b", palette.BACKGROUND, palette.FADED_TEXT_OPACITY) < palette.MIN_CONTRAST


def test_chart_text_reads_at_4_5_to_1_on_white():
    assert contrast(charts.TEMPLATE.layout.font.color, palette.BACKGROUND) >= palette.MIN_CONTRAST


@pytest.mark.parametrize("status", [targets.ACHIEVED, targets.NEARLY, targets.NOT_YET])
def test_a_rating_cell_keeps_its_text_readable_on_its_tint(status):
    assert contrast(palette.TEXT_COLOUR, targets.status_colour(status)) >= palette.MIN_CONTRAST
