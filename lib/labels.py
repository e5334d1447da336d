"""What keeps a page readable on a phone (390 px): short tick labels, tiles in reading order, a quiet chart toolbar.

- ``wrapped_label``: a long category name (an organizer, a program) as a tick
  label of at most two short lines, so it does not squeeze the bars; the
  chart's hover keeps the full name.
- ``tile_order`` and ``tile_rows``: the headline tiles people first, then
  rates, then money, filled row by row, so the columns a phone stacks read in
  the same order as the rows of a wide screen.
- ``chart_config``: the Plotly config entries that keep the mode bar off the
  legend (shown on hover only) and give its buttons' tooltips in the reader's
  language. plotly.js ships Indonesian only as a locale file the dashboard
  does not load, and that file's dictionary is empty; the words are passed
  with the chart instead (``config.locales``).
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence

from lib.measures import measure

TICK_WIDTH = 16  # characters per line of a tick label: two lines of it leave most of a 390 px chart to the bars
TICK_LINES = 2
ELLIPSIS = "…"


def wrapped_label(name: str, width: int = TICK_WIDTH, lines: int = TICK_LINES) -> str:
    """``name`` as a Plotly tick label: at most ``lines`` lines of ``width`` characters, joined by ``<br>``.

    ``"Dinas Koperasi dan UMKM Kota Kediri"`` -> ``"Dinas Koperasi<br>dan UMKM Kota…"``. Words are kept
    whole where they fit; what does not fit ends in an ellipsis. Text is HTML-escaped (Plotly reads tick
    labels as HTML).
    """
    words = " ".join(str(name).split())
    parts = textwrap.wrap(words, width=width, break_long_words=True, break_on_hyphens=False) or [""]
    if len(parts) > lines:
        kept, rest = parts[: lines - 1], words
        for line in kept:  # what the kept lines leave of the name, as written
            rest = rest[rest.index(line) + len(line):].lstrip()
        short = textwrap.shorten(rest, width=width, placeholder=ELLIPSIS, break_on_hyphens=False)
        if short == ELLIPSIS:  # its first word alone is longer than a line
            short = rest[: width - 1] + ELLIPSIS
        parts = [*kept, short]
    return "<br>".join(html.escape(p, quote=False) for p in parts)


# --- headline tiles -----------------------------------------------------------------------------------
# A measure kind's group among the tiles: people first, then rates, then money.
TILE_GROUPS = {"count": 0, "rate": 1, "median": 2, "money": 2, "money_rate": 2, "money_per_person": 2}


def tile_order(measures: Sequence[str]) -> tuple[str, ...]:
    """``measures`` people first (counts), then rates, then money; the given order kept within each group."""
    return tuple(sorted(measures, key=lambda name: TILE_GROUPS.get(measure(name).kind, len(TILE_GROUPS))))


def tile_rows(measures: Sequence[str], columns: int) -> list[tuple[str, ...]]:
    """``tile_order(measures)`` in rows of ``columns``: a phone stacks each row's columns in the same order."""
    ordered = tile_order(measures)
    return [ordered[i:i + columns] for i in range(0, len(ordered), max(1, columns))]


# --- the chart toolbar --------------------------------------------------------------------------------
# The tooltips of the buttons the dashboard's charts show (axes are fixed, so zoom and pan are not among them),
# and the notices around saving an image, in plotly.js's own English as keys.
PLOTLY_ID = {
    "Download plot as a PNG": "Unduh grafik sebagai PNG",
    "Download plot as a png": "Unduh grafik sebagai PNG",
    "Download plot": "Unduh grafik",
    "Preparing image - this may take a few seconds": "Menyiapkan gambar, tunggu beberapa detik",
    "Taking snapshot - this may take a few seconds": "Menyiapkan gambar, tunggu beberapa detik",
    "Snapshot succeeded": "Gambar tersimpan",
    "Sorry, there was a problem downloading your snapshot!": "Maaf, gambar gagal diunduh.",
    "Autoscale": "Skala otomatis",
    "Reset axes": "Kembalikan sumbu",
    "Zoom in": "Perbesar",
    "Zoom out": "Perkecil",
    "Zoom": "Perbesar area",
    "Pan": "Geser",
    "Show closest data on hover": "Tampilkan data terdekat saat kursor di atasnya",
    "Compare data on hover": "Bandingkan data saat kursor di atasnya",
    "Double-click on legend to isolate one trace": "Klik dua kali pada legenda untuk menampilkan satu seri saja",
    "Double-click to zoom back out": "Klik dua kali untuk kembali",
}


def chart_config(lang: str = "id") -> dict:
    """Plotly config entries for every chart: the mode bar only while the pointer is on the chart, in ``lang``.

    Merged into the chart's own config (``{**image_config(...), **chart_config(lang)}``).
    """
    out: dict = {"displayModeBar": "hover"}
    if lang != "en":
        out |= {"locale": "id", "locales": {"id": {"dictionary": dict(PLOTLY_ID)}}}
    return out
