"""Plotly figures drawn from publishable tables (see ``lib.privacy.publishable``).

A figure is drawn from the suppressed table only, so no chart can carry a
figure the table hides: a hidden bar has zero height and reads as the table
does (``<5`` for a small count, "disembunyikan" for a figure hidden to
protect one), and its hover text says the same. Every
program, outcome and origin keeps one colour on every page (Okabe–Ito, a
palette that colour-blind readers can tell apart). Numbers on labels, hovers
and axes are written by ``lib.fmt`` in the reader's language.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import zlib
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lib import fmt
from lib.export import HIDDEN_WORD, download_name
from lib.labels import TICK_WIDTH, wrapped_label
from lib.measures import BY_NAME, label
from lib.palette import COLOURS, DEFAULT_COLOUR, GREY, HIDDEN_COLOUR, OKABE_ITO, PALETTE  # noqa: F401 (lib.charts.*)
from lib.privacy import SMALL, Rules, as_rules, hidden_reasons, small_label
from lib.texts import value_label

# How hidden segments of a stacked bar are drawn: a hatched block that reads as hidden, not as a value.
HATCHED = {"color": "#FFFFFF", "line": {"color": HIDDEN_COLOUR, "width": 1},
           "pattern": {"shape": "/", "fgcolor": HIDDEN_COLOUR}}
FONT = "Source Sans Pro, Segoe UI, Arial, sans-serif"


def colour(dimension: str, value: object) -> str:
    """The colour of ``value`` of ``dimension``: fixed where listed, else a stable pick from the palette."""
    fixed = COLOURS.get(dimension, {})
    if str(value) in fixed:
        return fixed[str(value)]
    # A value outside the fixed lists (e.g. a program another regency adds)
    # still gets the same colour on every page: it is picked from its name.
    return PALETTE[zlib.crc32(str(value).encode("utf-8")) % len(PALETTE)]


# --- cells: what a chart may draw ----------------------------------------------
def _kind(measure: str) -> str:
    return BY_NAME[measure].kind if measure in BY_NAME else "count"


def _reasons(pub: pd.DataFrame, measure: str) -> pd.Series:
    """Why each cell of ``measure`` is hidden ("" where shown), as lib.privacy records it."""
    reasons = hidden_reasons(pub)
    return reasons[measure] if measure in reasons else pd.Series("", index=pub.index, dtype=object)


def hidden_text(reason: str, k: int | Rules, lang: str = "id") -> str:
    """What a hidden cell reads, as in the tables and downloads: ``<5`` for a small count, else "disembunyikan"."""
    return small_label(as_rules(k).k) if reason == SMALL else HIDDEN_WORD["en" if lang == "en" else "id"]


def cells(pub: pd.DataFrame, measure: str, k: int, lang: str = "id", compact: bool = True) -> pd.DataFrame:
    """Per row of ``pub``: height (0 when hidden or none), text (formatted, ``<5``, hidden word or —), hidden."""
    reasons = _reasons(pub, measure).fillna("").to_numpy(dtype=object)
    hidden = reasons != ""
    values = pd.to_numeric(pub[measure], errors="coerce").astype("float64").to_numpy()
    kind = _kind(measure)
    shown = [
        hidden_text(reason, k, lang) if reason else fmt.value(v, kind, lang, compact=compact)
        for v, reason in zip(values, reasons)
    ]
    heights = [0.0 if (is_hidden or math.isnan(v)) else float(v) for v, is_hidden in zip(values, hidden)]
    return pd.DataFrame({"height": heights, "text": shown, "hidden": hidden}, index=pub.index)


def any_hidden(pub: pd.DataFrame, measures: Sequence[str]) -> bool:
    """True when a chart of ``measures`` from ``pub`` has a hidden cell (the page adds a note)."""
    return any(bool((_reasons(pub, m) != "").any()) for m in measures if m in pub)


# --- axes --------------------------------------------------------------------------
def _nice_step(top: float, ticks: int = 4) -> float:
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def value_axis(top: float, kind: str, lang: str = "id") -> dict:
    """Tick values and labels of a value axis from 0 to ``top``, written as ``kind`` asks (``Rp 125 jt``, ``50%``)."""
    if kind in fmt.RATE_KINDS:
        top = max(top, 0.0)
        step = 0.25 if top > 0.5 else (0.1 if top > 0.2 else 0.05)
        end = max(step, math.ceil(top / step) * step)
    else:
        if top <= 0:
            top = 1.0
        step = _nice_step(top)
        if kind == "count":
            step = max(1.0, round(step))
        end = math.ceil(top / step) * step
    n = int(round(end / step))
    ticks = [i * step for i in range(n + 1)]
    if kind in fmt.RATE_KINDS:
        labels = [fmt.decimal(t * 100, lang, 0) + "%" for t in ticks]
    else:
        labels = [fmt.value(t, kind, lang, compact=True) for t in ticks]
    return {"tickvals": ticks, "ticktext": labels, "range": [0, end * 1.15]}


def category_labels(values: pd.Series, lang: str = "id") -> list[str]:
    """Category axis labels: years as text (no ``2,015``), vocabulary values in the reader's language."""
    return [value_label(v, lang) if not isinstance(v, (int, float)) else str(int(v)) for v in values.tolist()]


# plotly_white's look, only what these charts draw: naming "plotly_white" copies that whole
# template (the defaults of every kind of trace) into each figure, ten times the cost of this one.
_AXIS = {"gridcolor": "#EBF0F8", "linecolor": "#EBF0F8", "zerolinecolor": "#EBF0F8", "zerolinewidth": 2,
         "ticks": "", "automargin": True, "title": {"standoff": 15}}
TEMPLATE = go.layout.Template({
    "layout": {"font": {"color": "#2a3f5f"}, "paper_bgcolor": "white", "plot_bgcolor": "white",
               "hovermode": "closest", "hoverlabel": {"align": "left"}, "xaxis": _AXIS, "yaxis": _AXIS},
    "data": {"bar": [{"marker": {"line": {"color": "white", "width": 0.5}}}]},
})


def _figure(traces: Sequence[go.Bar], height: int, horizontal: bool, value_axis_spec: dict, show_legend: bool,
            value_title: str | None = None, categories: Sequence[str] = (), **layout: object) -> go.Figure:
    """A bar figure of ``traces`` with the dashboard's layout, built in one step.

    Plotly validates a layout once when a figure is made from it; setting the
    same layout afterwards (``update_layout``) walks every path again and costs
    several times more, per figure, per drawing. ``categories``: the category
    axis's labels; long ones are written on at most two short lines
    (``lib.labels.wrapped_label``) so they leave a phone's chart to the bars,
    while the hover keeps each full name.
    """
    value_key = "xaxis" if horizontal else "yaxis"
    cat_key = "yaxis" if horizontal else "xaxis"
    base = dict(
        template=TEMPLATE,
        font={"family": FONT, "size": 13},
        height=height,
        margin={"l": 8, "r": 24, "t": 16, "b": 8},
        showlegend=show_legend,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "title": None},
        hoverlabel={"font": {"family": FONT}},
        bargap=0.25,
        uniformtext={"minsize": 10, "mode": "hide"},
        **{
            value_key: {**value_axis_spec, "showgrid": True, "zeroline": True, "fixedrange": True,
                        "title": {"text": value_title} if value_title else None},
            cat_key: {"type": "category", "fixedrange": True, "title": None, "automargin": True,
                      **({"autorange": "reversed"} if horizontal else {}), **_ticks(categories)},
        },
    )
    return go.Figure(data=list(traces), layout={**base, **layout})


def _ticks(categories: Sequence[str]) -> dict:
    """Tick labels of a category axis: the names as given, or wrapped where one is too long for a phone."""
    if not any(len(c) > TICK_WIDTH for c in categories):
        return {}
    return {"tickmode": "array", "tickvals": list(categories), "ticktext": [wrapped_label(c) for c in categories]}


def _auto_horizontal(labels: Sequence[str]) -> bool:
    return len(labels) > 8 or max((len(s) for s in labels), default=0) > 14


def _height(n: int, horizontal: bool, base: int = 380) -> int:
    return max(180, 70 + 30 * n) if horizontal else base



# --- a saved chart image says what it shows ----------------------------------------------
def image_config(title: str, filters: str, day: dt.date) -> dict:
    """The Plotly config of a chart: no logo, no scroll zoom, and a camera button that saves a PNG named after it.

    ``("Peserta menurut desa", "2022_Pare", 2026-12-05)`` saves
    ``peserta-menurut-desa_2022_Pare_2026-12-05.png`` at twice the size on screen.
    """
    stem = download_name(title, f"{filters} {day.isoformat()}", "png").removesuffix(".png")
    return {"displaylogo": False, "scrollZoom": False,
            "toImageButtonOptions": {"format": "png", "filename": stem, "scale": 2}}


def captioned(fig: go.Figure, title: str, filters: str, day: dt.date, lang: str = "id") -> go.Figure:
    """A copy of ``fig`` with its title and, beneath it, the filters and the date: a saved image says what it shows.

    The legend moves to the right of the plot, where the title cannot cover it.
    """
    subtitle = f"{filters} · {fmt.date(day, lang)}" if filters else fmt.date(day, lang)
    layout = fig.layout.to_plotly_json()  # a copy: the figure given is left as it was
    layout.update(
        title={"text": f"<b>{html.escape(title)}</b>", "subtitle": {"text": html.escape(subtitle)},
               "x": 0, "xanchor": "left", "xref": "paper", "font": {"size": 15}, "automargin": True},
        legend={**layout.get("legend", {}), "orientation": "v", "x": 1.02, "xanchor": "left", "y": 1,
                "yanchor": "top"},
        height=(fig.layout.height or 380) + 48,
    )
    return go.Figure(data=fig.data, layout=layout)

# --- figures -------------------------------------------------------------------------
def bar_chart(
    pub: pd.DataFrame,
    x: str,
    measure: str,
    *,
    k: int,
    lang: str = "id",
    colour_by: str | None = None,
    horizontal: bool | None = None,
    largest_first: bool = False,
) -> go.Figure:
    """One bar per row of ``pub``: ``measure`` against dimension ``x``; hidden bars flat with ``<5``.

    ``largest_first``: bars by shown value, largest first; hidden ones last, in
    table order (their order must not hint at their size).
    """
    if largest_first:
        heights = cells(pub, measure, k, lang)
        order = heights.assign(_pos=range(len(heights))).sort_values(
            ["hidden", "height", "_pos"], ascending=[True, False, True], kind="stable").index
        pub = pub.loc[order]
    drawn = cells(pub, measure, k, lang)
    labels = category_labels(pub[x], lang)
    horizontal = _auto_horizontal(labels) if horizontal is None else horizontal
    colours = [
        HIDDEN_COLOUR if hidden else (colour(colour_by, v) if colour_by else DEFAULT_COLOUR)
        for v, hidden in zip(pub[colour_by].tolist() if colour_by else [None] * len(pub), drawn["hidden"])
    ]
    name = label(measure, lang)
    bar = go.Bar(
        x=drawn["height"] if horizontal else labels,
        y=labels if horizontal else drawn["height"],
        orientation="h" if horizontal else "v",
        marker={"color": colours},
        text=drawn["text"],
        textposition="outside",
        cliponaxis=False,
        customdata=drawn["text"],
        hovertemplate=f"<b>%{{{'y' if horizontal else 'x'}}}</b><br>{name}: %{{customdata}}<extra></extra>",
        name=name,
    )
    top = max(drawn["height"].max() if len(drawn) else 0.0, 0.0)
    return _figure([bar], _height(len(pub), horizontal), horizontal, value_axis(top, _kind(measure), lang), False,
                   categories=labels)


def grouped_bar_chart(
    pub: pd.DataFrame,
    x: str,
    measures: Sequence[str],
    *,
    k: int,
    lang: str = "id",
    horizontal: bool | None = None,
) -> go.Figure:
    """Side-by-side bars of the measures of the first one's kind (e.g. allocated vs realised) per row of ``pub``."""
    measures = [m for m in measures if _kind(m) == _kind(measures[0])]
    labels = category_labels(pub[x], lang)
    horizontal = _auto_horizontal(labels) if horizontal is None else horizontal
    traces = []
    top = 0.0
    for measure in measures:
        drawn = cells(pub, measure, k, lang)
        top = max(top, float(drawn["height"].max()) if len(drawn) else 0.0)
        name = label(measure, lang)
        traces.append(go.Bar(
            x=drawn["height"] if horizontal else labels,
            y=labels if horizontal else drawn["height"],
            orientation="h" if horizontal else "v",
            name=name,
            marker={"color": [HIDDEN_COLOUR if h else colour("measure", measure) for h in drawn["hidden"]]},
            text=drawn["text"],
            textposition="outside",
            cliponaxis=False,
            customdata=drawn["text"],
            hovertemplate=f"<b>%{{{'y' if horizontal else 'x'}}}</b><br>{name}: %{{customdata}}<extra></extra>",
        ))
    height = _height(len(pub) * len(measures), horizontal)
    return _figure(traces, height, horizontal, value_axis(top, _kind(measures[0]), lang), True, categories=labels,
                   barmode="group")


def stacked_chart(
    pub: pd.DataFrame,
    x: str,
    part: str,
    measure: str,
    *,
    k: int,
    lang: str = "id",
    horizontal: bool | None = None,
) -> go.Figure:
    """Bars of ``x`` stacked by ``part`` (e.g. outcome per program); hidden segments are never drawn small.

    A bar of shares draws what its hidden segments add up to as one hatched
    block; a bar of counts or amounts draws one hatched block of a fixed
    nominal size reading ``<5`` / the hidden word, so no bar reads as whole
    without them.
    """
    xs = pub[x].drop_duplicates()
    labels = category_labels(xs, lang)
    horizontal = _auto_horizontal(labels) if horizontal is None else horizontal
    drawn = cells(pub, measure, k, lang)
    frame = pub[[x, part]].assign(_h=drawn["height"], _t=drawn["text"])
    kind = _kind(measure)
    traces = []
    parts = pub[part].drop_duplicates().tolist()
    for value in parts:
        rows = frame[frame[part].astype("object") == value]
        rows = rows.set_index(rows[x].astype("object")).reindex(xs.astype("object").tolist())
        heights = rows["_h"].fillna(0.0)
        shown = rows["_t"].fillna(fmt.NONE)
        name = value_label(value, lang)
        traces.append(go.Bar(
            x=heights if horizontal else labels,
            y=labels if horizontal else heights,
            orientation="h" if horizontal else "v",
            name=name,
            marker={"color": colour(part, value)},
            text=[t if h > 0 else "" for t, h in zip(shown, heights)],
            textposition="inside",
            insidetextanchor="middle",
            customdata=shown,
            hovertemplate=f"<b>%{{{'y' if horizontal else 'x'}}}</b><br>{name}: %{{customdata}}<extra></extra>",
        ))
    if kind in fmt.RATE_KINDS:
        # Shares of one bar sum to 100%, so what the hidden segments add up to
        # is known from the shown ones anyway: draw it as one hatched block
        # rather than leave the bar short. Which segment hides what stays unknown.
        hidden_share = frame.assign(_x=frame[x].astype("object"), _hid=drawn["hidden"]).groupby("_x", sort=False)
        rest = [
            max(0.0, 1.0 - float(group["_h"].sum())) if bool(group["_hid"].any()) else 0.0
            for _, group in (
                (key, hidden_share.get_group(key)) for key in xs.astype("object").tolist()
            )
        ]
        if any(r > 0 for r in rest):
            name = HIDDEN_WORD["en" if lang == "en" else "id"]
            traces.append(go.Bar(
                x=rest if horizontal else labels,
                y=labels if horizontal else rest,
                orientation="h" if horizontal else "v",
                name=name,
                marker=HATCHED,
                hovertemplate=f"<b>%{{{'y' if horizontal else 'x'}}}</b><br>{name}<extra></extra>",
            ))
    else:
        traces.extend(_hidden_block(frame.assign(_x=frame[x].astype("object"), _hid=drawn["hidden"]), xs, labels,
                                    horizontal, lang))
    if kind in fmt.RATE_KINDS:
        top = 1.0
    else:
        totals = frame.groupby(frame[x].astype("object"), sort=False)["_h"].sum()
        top = float(totals.max()) if len(totals) else 0.0
    spec = value_axis(top, kind, lang)
    if kind in fmt.RATE_KINDS:
        spec["range"] = [0, 1.0]
    # The stacks are parts; the value axis says which measure they add up (the one a picker chose).
    return _figure(traces, _height(len(xs), horizontal), horizontal, spec, True, value_title=label(measure, lang),
                   categories=labels, barmode="stack", legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "title": None,
                                            "traceorder": "normal"})


HIDDEN_BLOCK = 0.04  # a hidden segment of counts or amounts, drawn at this share of the tallest bar


def _hidden_block(frame: pd.DataFrame, xs: pd.Series, labels: list[str], horizontal: bool,
                  lang: str) -> list[go.Bar]:
    """Per bar with hidden segments, one hatched block of a fixed nominal size reading what is hidden.

    Its size is the same for every bar and says nothing of the hidden value;
    without it a bar whose segments are hidden would read as if they were 0.
    """
    groups = frame.groupby("_x", sort=False)
    tallest = float(groups["_h"].sum().max()) if len(frame) else 0.0
    size = tallest * HIDDEN_BLOCK if tallest > 0 else 1.0
    blocks, words = [], []
    for key in xs.astype("object").tolist():
        rows = groups.get_group(key) if key in groups.groups else frame.iloc[0:0]
        hidden = rows[rows["_hid"].astype(bool)]
        blocks.append(size if len(hidden) else 0.0)
        words.append(", ".join(dict.fromkeys(hidden["_t"].astype(str))) if len(hidden) else "")
    if not any(blocks):
        return []
    name = HIDDEN_WORD["en" if lang == "en" else "id"]
    return [go.Bar(
        x=blocks if horizontal else labels,
        y=labels if horizontal else blocks,
        orientation="h" if horizontal else "v",
        name=name,
        marker=HATCHED,
        text=words,
        textposition="outside" if horizontal else "auto",
        customdata=words,
        hovertemplate=f"<b>%{{{'y' if horizontal else 'x'}}}</b><br>{name}: %{{customdata}}<extra></extra>",
    )]


def funnel_chart(pub: pd.DataFrame, stage: str, measure: str, *, k: int, lang: str = "id") -> go.Figure:
    """The stages top to bottom as horizontal bars, each labelled with its share of the first stage when shown."""
    drawn = cells(pub, measure, k, lang, compact=False)
    first = drawn["height"].iloc[0] if len(drawn) and not drawn["hidden"].iloc[0] else 0.0
    shown = [
        t if (hidden or first <= 0) else f"{t} ({fmt.percent(h / first, lang)})"
        for t, h, hidden in zip(drawn["text"], drawn["height"], drawn["hidden"])
    ]
    drawn = drawn.assign(text=shown)
    labels = category_labels(pub[stage], lang)
    name = label(measure, lang)
    bar = go.Bar(
        x=drawn["height"], y=labels, orientation="h",
        marker={"color": [HIDDEN_COLOUR if h else DEFAULT_COLOUR for h in drawn["hidden"]]},
        text=drawn["text"], textposition="outside", cliponaxis=False, customdata=drawn["text"],
        hovertemplate=f"<b>%{{y}}</b><br>{name}: %{{customdata}}<extra></extra>",
    )
    top = float(drawn["height"].max()) if len(drawn) else 0.0
    return _figure([bar], 300, True, value_axis(top, _kind(measure), lang), False, categories=labels)


def origin_map(
    pub: pd.DataFrame,
    coordinates: pd.DataFrame,
    measure: str,
    *,
    k: int,
    lang: str = "id",
    regency: str = "origin_regency",
    basemap: pd.DataFrame | None = None,
) -> go.Figure:
    """Origins as circles on a map (scatter_geo, nothing fetched from the internet), sized by the publishable count.

    ``coordinates`` has columns regency, lat, lon; ``basemap`` (shape, lon, lat)
    the outlines of the land drawn beneath. A hidden count is drawn grey at one
    fixed small size, never at its true size; a zero is not drawn.
    """
    drawn = cells(pub, measure, k, lang, compact=False)
    points = pub[[regency]].assign(**drawn).astype({regency: "object"})
    coords = coordinates.rename(columns={"regency": regency})[[regency, "lat", "lon"]]
    points = points.merge(coords.astype({regency: "object"}), on=regency, how="inner")
    visible = points[~points["hidden"] & (points["height"] > 0)]
    hidden = points[points["hidden"]]
    name = label(measure, lang)
    top = float(visible["height"].max()) if len(visible) else 1.0
    traces = [_land(basemap)] if basemap is not None and len(basemap) else []
    traces.append(go.Scattergeo(
        lat=visible["lat"], lon=visible["lon"], text=visible[regency], customdata=visible["text"],
        mode="markers", name=name,
        marker={"size": [10 + 34 * math.sqrt(v / top) for v in visible["height"]],
                "color": OKABE_ITO["blue"], "opacity": 0.7, "line": {"color": "white", "width": 1}},
        hovertemplate=f"<b>%{{text}}</b><br>{name}: %{{customdata}}<extra></extra>",
    ))
    if len(hidden):
        traces.append(go.Scattergeo(
            lat=hidden["lat"], lon=hidden["lon"], text=hidden[regency], customdata=hidden["text"],
            mode="markers", name=f"{name}: {small_label(k)}",
            marker={"size": 9, "color": HIDDEN_COLOUR, "symbol": "circle-open", "line": {"width": 2}},
            hovertemplate=f"<b>%{{text}}</b><br>{name}: %{{customdata}}<extra></extra>",
        ))
    # Every built-in layer off: plotly would fetch its world map from the internet
    # for any of them. The land comes from ``basemap`` instead, drawn as a trace.
    lon_range, lat_range = _map_window(points)
    geo = {"projection": {"type": "mercator"}, "lonaxis": {"range": lon_range, "showgrid": False},
           "lataxis": {"range": lat_range, "showgrid": False}, "showland": False, "showocean": False,
           "showcountries": False, "showcoastlines": False, "showlakes": False, "showrivers": False,
           "showsubunits": False, "showframe": True, "framecolor": "#DDDDDD", "bgcolor": "#EAF4FB"}
    return go.Figure(data=traces, layout=dict(
        template=TEMPLATE, font={"family": FONT, "size": 13}, height=460, geo=geo,
        margin={"l": 0, "r": 0, "t": 8, "b": 0},
        legend={"orientation": "h", "yanchor": "bottom", "y": 0.01, "x": 0.01},
        showlegend=bool(len(hidden)),
    ))


def _land(basemap: pd.DataFrame) -> go.Scattergeo:
    """The land outlines as one filled trace: shapes separated by gaps (None)."""
    # Arrays with a NaN (drawn as a gap) after each shape: plotly keeps numpy arrays as they are,
    # where a list of thousands of points would be checked point by point.
    number = pd.factorize(basemap["shape"])[0]
    if len(number) and (np.diff(number) < 0).any():  # a shape's rows apart: bring each shape's rows together
        basemap = basemap.iloc[np.argsort(number, kind="stable")]
        number = np.sort(number, kind="stable")
    ends = np.flatnonzero(np.r_[number[1:] != number[:-1], True]) + 1 if len(number) else number
    # Single precision: the outlines are drawn to a hundredth of a degree, and every reader of the map is sent them.
    lon = np.insert(basemap["lon"].to_numpy(dtype="float32"), ends, np.nan)
    lat = np.insert(basemap["lat"].to_numpy(dtype="float32"), ends, np.nan)
    return go.Scattergeo(lon=lon, lat=lat, mode="lines", fill="toself", fillcolor="#F4F1EA",
                         line={"color": "#B9B2A5", "width": 0.6}, hoverinfo="skip", showlegend=False)


def _map_window(points: pd.DataFrame, pad: float = 1.0) -> tuple[list[float], list[float]]:
    """Longitude and latitude ranges around ``points`` (Java when there are none)."""
    if points.empty:
        return [104.5, 116.5], [-9.5, -4.5]
    lon = [float(points["lon"].min()) - pad, float(points["lon"].max()) + pad]
    lat = [float(points["lat"].min()) - pad, float(points["lat"].max()) + pad]
    # Keep a landscape window so a single region does not zoom in to a blank square.
    if lon[1] - lon[0] < 6:
        middle = sum(lon) / 2
        lon = [middle - 3, middle + 3]
    if lat[1] - lat[0] < 3:
        middle = sum(lat) / 2
        lat = [middle - 1.5, middle + 1.5]
    return lon, lat
