"""What a page shows, described as data, and the pure steps from an indicator table to the screen.

A page describes each figure with a ``FigureSpec`` (which table, broken down by
what, which measures, drawn how) and each row of headline tiles with a
``TilesSpec``; the page edge (``pages/edge``) computes the table through its
caches and calls the functions below. ``published`` is the one step from a raw
indicator table to a table that may be shown: nothing reaches a chart, a tile,
a table or a download any other way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd
import plotly.graph_objects as go

from lib import charts, export, fmt, privacy
from lib.measures import BY_NAME, label, measure
from lib.periods import FigureChange
from lib.privacy import Rules
from lib.texts import text

ChartKind = Literal["bar", "grouped", "stacked", "funnel", "map", "table"]


@dataclass(frozen=True)
class Chart:
    """How a figure is drawn.

    ``kind``: bar (one measure), grouped (every measure side by side), stacked
    (``part`` stacked on ``x``), funnel, map (``x`` is the regency column) or
    table only. ``x`` defaults to the first breakdown; ``largest_first`` orders
    bars by their shown value.
    """

    kind: ChartKind = "bar"
    x: str | None = None
    part: str | None = None
    colour_by: str | None = None
    horizontal: bool | None = None
    largest_first: bool = False


@dataclass(frozen=True)
class FigureSpec:
    """One figure of a page: a title, a chart, its table a click away, and its CSV/XLSX downloads.

    ``key`` names its container (CSS class ``st-key-<key>``; its widgets are
    ``<key>_ukuran``, ``<key>_grafik``, ``<key>_tabel``, ``<key>_csv`` and
    ``<key>_xlsx``). ``title`` and ``caption`` are keys of ``lib.texts``.
    ``table`` names an indicator table broken down ``by``; ``measures`` are the
    figures shown (the counts they rest on come along); ``pick_measure`` lets
    the reader choose which of them the chart draws.
    """

    key: str
    title: str
    table: str
    by: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()
    chart: Chart = Chart()
    pick_measure: bool = False
    caption: str | None = None


@dataclass(frozen=True)
class TilesSpec:
    """A row of headline tiles: each measure of ``table`` over the filters, with its change from the previous period."""

    key: str
    measures: tuple[str, ...]
    table: str = "summary"
    columns: int = 4


def counting_note(spec: FigureSpec) -> str | None:
    """The text key of the note a figure showing both people and enrollments carries (which counts which)."""
    return "people_vs_enrollments" if {"participants", "enrollments"} <= set(spec.measures) else None


# --- the one step to a table that may be shown ------------------------------------------
def needed_columns(measures: Sequence[str]) -> list[str]:
    """``measures`` plus the counts they rest on (a rate needs its base and numerator)."""
    out: list[str] = []
    for name in measures:
        m = BY_NAME.get(name)
        for column in (m.numerator, m.base) if m else ():
            if column and column not in out and column not in measures:
                out.append(column)
        if name not in out:
            out.append(name)
    return out


def published(raw: pd.DataFrame, measures: Sequence[str], rules: Rules) -> pd.DataFrame:
    """The table ``raw`` as it may be shown: its dimensions and ``measures`` (all if none), published under ``rules``."""
    if measures:
        wanted = set(needed_columns(measures))
        raw = raw[[c for c in raw.columns if c not in BY_NAME or c in wanted]]
    return privacy.publishable(raw, privacy.dimension_columns(raw), rules)


def dimensions(pub: pd.DataFrame) -> list[str]:
    """The dimension columns of a published table."""
    return privacy.dimension_columns(pub)


def figures_of(pub: pd.DataFrame) -> list[str]:
    """The figure columns of a published table, in table order."""
    return privacy.figure_columns(pub)


def display_table(pub: pd.DataFrame, rules: Rules, lang: str = "id") -> pd.DataFrame:
    """The download: labelled headers, ``<5`` and the hidden word, numbers as numbers, the privacy note last."""
    return export.display_frame(pub, dimensions(pub), rules, lang)


def screen_table(pub: pd.DataFrame, rules: Rules, lang: str = "id") -> pd.DataFrame:
    """The same table as the download, its numbers written in the reader's format (``1.234``, ``12,5%``)."""
    frame = display_table(pub, rules, lang)
    kinds = [None] * len(dimensions(pub)) + [BY_NAME[c].kind for c in figures_of(pub)]
    return fmt.screen_frame(frame, [fmt.column_format(kind) for kind in kinds] + ["text"], lang)


# --- charts -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class MapLayers:
    """What the map of origins is drawn on: regency coordinates (regency, lat, lon) and land outlines."""

    coordinates: pd.DataFrame
    basemap: pd.DataFrame


def shown_measure(spec: FigureSpec, pub: pd.DataFrame, picked: str | None = None) -> str:
    """The measure a one-measure chart draws: the one picked, else the spec's first, else the table's first."""
    if picked is not None and picked in spec.measures:
        return picked
    return spec.measures[0] if spec.measures else figures_of(pub)[0]


def drawn_measures(spec: FigureSpec, shown: str) -> list[str]:
    """The measures the chart draws: every one for a grouped chart, else the shown one."""
    return list(spec.measures) if spec.chart.kind == "grouped" else [shown]


def _bar(pub: pd.DataFrame, spec: FigureSpec, x: str, shown: str, k: int, lang: str,
         layers: MapLayers | None) -> go.Figure:
    chart = spec.chart
    return charts.bar_chart(pub, x, shown, k=k, lang=lang, colour_by=chart.colour_by, horizontal=chart.horizontal,
                            largest_first=chart.largest_first)


def _grouped(pub: pd.DataFrame, spec: FigureSpec, x: str, shown: str, k: int, lang: str,
             layers: MapLayers | None) -> go.Figure:
    return charts.grouped_bar_chart(pub, x, list(spec.measures), k=k, lang=lang, horizontal=spec.chart.horizontal)


def _stacked(pub: pd.DataFrame, spec: FigureSpec, x: str, shown: str, k: int, lang: str,
             layers: MapLayers | None) -> go.Figure:
    part = spec.chart.part or next(d for d in dimensions(pub) if d != x and d not in spec.by)
    return charts.stacked_chart(pub, x, part, shown, k=k, lang=lang, horizontal=spec.chart.horizontal)


def _funnel(pub: pd.DataFrame, spec: FigureSpec, x: str, shown: str, k: int, lang: str,
            layers: MapLayers | None) -> go.Figure:
    return charts.funnel_chart(pub, x, shown, k=k, lang=lang)


def _map(pub: pd.DataFrame, spec: FigureSpec, x: str, shown: str, k: int, lang: str,
         layers: MapLayers | None) -> go.Figure:
    layers = layers or MapLayers(pd.DataFrame(columns=["regency", "lat", "lon"]),
                                 pd.DataFrame(columns=["shape", "lon", "lat"]))
    return charts.origin_map(pub, layers.coordinates, shown, k=k, lang=lang, regency=x, basemap=layers.basemap)


# chart kind -> how it is drawn from the published table (a table-only figure draws none)
DRAW = {"bar": _bar, "grouped": _grouped, "stacked": _stacked, "funnel": _funnel, "map": _map}


def chart_figure(pub: pd.DataFrame, spec: FigureSpec, shown: str, rules: Rules, lang: str = "id",
                 layers: MapLayers | None = None) -> go.Figure | None:
    """The plotly figure of ``spec`` drawn from the published ``pub``; None for a table-only figure."""
    draw = DRAW.get(spec.chart.kind)
    if draw is None:
        return None
    x = spec.chart.x or (spec.by[0] if spec.by else dimensions(pub)[0])
    return draw(pub, spec, x, shown, rules.k, lang, layers)


def hidden_caption(pub: pd.DataFrame, drawn: Sequence[str], rules: Rules, lang: str = "id") -> str | None:
    """The note under a chart that hides a figure (what ``<5`` means); None when it hides nothing."""
    if not charts.any_hidden(pub, list(drawn)):
        return None
    return text("hidden_note", lang, k_minus=rules.k - 1, small=privacy.small_label(rules.k))


# --- headline tiles -----------------------------------------------------------------------------
DELTA_COLOURS = {"relapse_rate": "inverse", "cost_per_participant": "off", "cost_per_working": "off",
                 "allocated_idr": "off", "realized_idr": "off"}
MAX_TILE_CHARS = 12  # longer rupiah amounts do not fit a tile in a row of four
TILE_HIDDEN = {"id": "tersembunyi", "en": "hidden"}  # a hidden figure on a tile (the help says why)


@dataclass(frozen=True)
class Tile:
    """One headline tile as shown: label, value, change from the year before, and its help."""

    label: str
    value: str
    help: str
    delta: str | None = None
    delta_description: str | None = None
    delta_color: str = "normal"


def metric_text(pub: pd.DataFrame, name: str, rules: Rules, lang: str = "id", short: bool = False) -> str:
    """A figure of a one-row published table as a tile writes it: formatted, or ``<5`` / the hidden word.

    ``short``: a long rupiah amount in compact form (``Rp 2,53 M``) to fit a narrow tile.
    """
    reasons = privacy.hidden_reasons(pub)
    if name in reasons and reasons[name].iloc[0]:
        return charts.hidden_text(reasons[name].iloc[0], rules.k, lang)
    value, kind = pub[name].iloc[0], measure(name).kind
    full = fmt.value(value, kind, lang)
    if short and kind in fmt.MONEY_KINDS and len(full) > MAX_TILE_CHARS:
        return fmt.rupiah_compact(value, lang)
    return full


def help_words(name: str, lang: str = "id") -> str:
    """The registry's explanation of measure ``name`` in ``lang``."""
    m = measure(name)
    return m.help_en if lang == "en" else m.help_id


def tiles(total: pd.DataFrame, spec: TilesSpec, rules: Rules, lang: str = "id",
          changes: Mapping[str, FigureChange] | None = None) -> list[Tile]:
    """The tiles of ``spec`` from its one-row published table ``total``, each with its change (``lib.periods``).

    A shortened value keeps its full form in the help.
    """
    out = []
    for name in spec.measures:
        change = (changes or {}).get(name)
        words = help_words(name, lang) + (f"\n\n{change.help}" if change else "")
        delta, description = (change.delta, change.description) if change else (None, None)
        reasons = privacy.hidden_reasons(total)
        code = str(reasons[name].iloc[0]) if name in reasons and reasons[name].iloc[0] else ""
        if code and code != privacy.SMALL:
            # The hidden word does not fit a narrow tile: a short one, and the reason in the help.
            shown = exact = TILE_HIDDEN["en" if lang == "en" else "id"]
        else:
            shown = metric_text(total, name, rules, lang, short=spec.columns >= 4)
            exact = metric_text(total, name, rules, lang)
        if shown != exact:
            words += f"\n\n**{exact}**"
        if code:
            words += "\n\n" + text("tile_hidden_help", lang, why=privacy.reason_words(code, name, rules, lang))
        out.append(Tile(label(name, lang), shown, words, delta, description, DELTA_COLOURS.get(name, "normal")))
    return out


def row_of(pub: pd.DataFrame, column: str, value: str) -> pd.DataFrame:
    """The one-row table of ``pub`` where ``column`` is ``value`` (empty when there is none)."""
    return pub[pub[column].astype("object") == value].reset_index(drop=True)
