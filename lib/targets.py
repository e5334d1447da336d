"""Targets and achievement (capaian kinerja): the published figure of a year against the target set for it.

A department sets targets (the optional ``targets`` table, ``docs/data.md``)
per year for the whole area, one village or one program. Under the active
filters a target applies when it was set for exactly what they select
(``place``): a village's target when the village filter is that village, the
whole area's when it is "everything", and none under a named group of
villages, an organizer or a role, whose figures no target describes.

The realised figure is the one the dashboard publishes for that year (the
``summary`` table by year through ``lib.privacy.publishable``): a hidden
realised figure hides the achievement too, with its reason. Achievement
follows the polarity rule of Indonesian performance reports (LKjIP):
realised / target where more is better, (2 x target - realised) / target where
less is better; a target of 0 has none. Each achievement falls in a band,
told by a word (Tercapai, Hampir tercapai, Belum tercapai) and a colour that
colour-blind readers can tell apart, never by the colour alone.

Targets are stored as written (a rate in percent: 80 is 80%); ``applicable``
gives them in their figure's own unit (a rate as the fraction 0.8).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lib import charts, export, fmt
from lib.filters import PROGRAM, VILLAGE, YEAR, Filters, Scope, members
from lib.measures import BY_NAME, label
from lib.privacy import Rules, hidden_reasons, reason_words
from lib.schema import SITE_LIST, TARGET_INDICATORS, Participants, Reference, Targets
from lib.texts import text

# Figures where less is better: their achievement is (2 x target - realised) / target.
LESS_IS_BETTER = frozenset({"relapse_rate", "cost_per_participant", "cost_per_working"})
_BY_LABEL = {BY_NAME[name].label_id: name for name in TARGET_INDICATORS}

# What became of a target (a code; its words are made at the edge, ``status_words``).
ACHIEVED, NEARLY, NOT_YET = "achieved", "nearly", "not_yet"
NO_FIGURE = "no_figure"      # no realised figure that year: no data, or a rate whose denominator is 0
ZERO_TARGET = "zero_target"  # a target of 0: no achievement is computed
HIDDEN = "hidden"            # the realised figure is hidden, so is its achievement
# LKjIP's scale: the least achievement of each band, highest first.
BANDS: tuple[tuple[float, str], ...] = ((1.0, ACHIEVED), (0.85, NEARLY))
# Okabe-Ito hues (lib.charts), told apart by colour-blind readers; the word always comes with them.
STATUS_COLOURS = {ACHIEVED: charts.OKABE_ITO["blue"], NEARLY: charts.OKABE_ITO["orange"],
                  NOT_YET: charts.OKABE_ITO["vermillion"]}
TARGET_COLOUR = charts.OKABE_ITO["black"]

EVERY_VILLAGE = Scope()  # an account without a village limit

# Columns of ``applicable`` and ``achievement``.
TARGET_COLUMNS = ["year", "measure", "target"]
ACHIEVEMENT_COLUMNS = [*TARGET_COLUMNS, "realised", "capaian", "status", "reason"]


# --- which targets apply --------------------------------------------------------------------
def target_measure(indicator: str) -> str:
    """The figure an indicator names, as targets store it: ``'Tingkat bekerja'`` -> ``'working_rate'``."""
    return _BY_LABEL[indicator]


def in_figure_unit(measure: str, target: float) -> float:
    """A target as written in the unit of its figure: a rate's percent as a fraction (80 -> 0.8), others as they are."""
    return target / 100 if BY_NAME[measure].kind in fmt.RATE_KINDS else target


def place(filters: Filters, reference: Reference, scope: Scope = EVERY_VILLAGE) -> tuple[str, str] | None:
    """The (village, program) a target must name to apply under ``filters`` ("" for the whole area or every program);
    None when they select what no target is set for.

    A village-limited account's "everything" is its scope (one village, or a
    named group); a named group of villages counts as the whole area only when
    it holds every village. Any other filter but the year (organizer, role)
    narrows the figures below every target.
    """
    if any(spec.name not in (YEAR.name, VILLAGE.name, PROGRAM.name) for spec, _ in filters.specs()):
        return None
    village, program = filters.get(VILLAGE.name) or scope.name, filters.get(PROGRAM.name) or ""
    if village and village not in reference.villages:
        group = next((g for g in reference.named_groups(SITE_LIST) if g.name == village), None)
        if group is None or set(group.members) != set(reference.villages):
            return None
        village = ""
    if program and program not in reference.programs:
        return None
    return village, program


def applicable(targets: pd.DataFrame, filters: Filters, reference: Reference,
               scope: Scope = EVERY_VILLAGE) -> pd.DataFrame:
    """year (int), measure, target (in its figure's unit): the targets set for exactly what ``filters`` select, in
    their years, ordered by year and indicator."""
    where = place(filters, reference, scope)
    if where is None or targets.empty:
        return pd.DataFrame({"year": pd.Series([], dtype="int64"), "measure": pd.Series([], dtype="str"),
                             "target": pd.Series([], dtype="float64")})
    village, program = where
    choice = filters.get(YEAR.name)
    years = set(members(YEAR, choice, reference)) if choice is not None else None
    named = (targets[Targets.village].astype("object").fillna("").eq(village)
             & targets[Targets.program].astype("object").fillna("").eq(program))
    if years is not None:
        named &= targets[Targets.year].isin(years).fillna(False)
    rows = targets[named.to_numpy(dtype=bool)]
    measures = [target_measure(i) for i in rows[Targets.indicator].astype(str)]
    out = pd.DataFrame({
        "year": rows[Targets.year].astype("int64").to_numpy(),
        "measure": pd.Series(measures, dtype="str"),
        "target": [in_figure_unit(m, float(t)) for m, t in zip(measures, rows[Targets.target])],
    })
    order = out.assign(_i=out["measure"].map(TARGET_INDICATORS.index)).sort_values(["year", "_i"], kind="stable")
    return order[TARGET_COLUMNS].reset_index(drop=True).astype({"target": "float64"})


def target_measures(applicable_targets: pd.DataFrame) -> tuple[str, ...]:
    """The figures ``applicable_targets`` set targets for, in the order of the indicator list."""
    found = set(applicable_targets["measure"])
    return tuple(m for m in TARGET_INDICATORS if m in found)


# --- achievement ----------------------------------------------------------------------------
def capaian(realised: float, target: float, less_is_better: bool) -> float | None:
    """Achievement as a fraction, to one decimal of a percentage (0.925 is 92,5%); None for a target of 0 or no figure.

    realised / target where more is better, (2 x target - realised) / target where less is better.
    """
    if target == 0 or realised is None or math.isnan(realised):
        return None
    ratio = (2 * target - realised) / target if less_is_better else realised / target
    return round(ratio, 3)


def band(achievement: float) -> str:
    """The band of an achievement: ACHIEVED (100% or more), NEARLY (85% or more) or NOT_YET."""
    return next((status for least, status in BANDS if achievement >= least - 1e-9), NOT_YET)


def achievement(applicable_targets: pd.DataFrame, realised: pd.DataFrame) -> pd.DataFrame:
    """year, measure, target, realised, capaian, status, reason: each target of ``applicable_targets`` against the
    published figure of its year in ``realised`` (a published table by year holding its measures).

    ``realised`` is NaN where there is no figure or it is hidden; ``capaian`` NaN
    where there is none; ``reason`` the privacy reason code of a hidden figure.
    """
    reasons = hidden_reasons(realised) if len(realised.columns) else pd.DataFrame(index=realised.index)
    row_of_year = ({int(y): i for i, y in enumerate(realised[Participants.year].astype("int64"))}
                   if Participants.year in realised else {})
    rows = []
    for year, measure, target in applicable_targets[TARGET_COLUMNS].itertuples(index=False, name=None):
        i = row_of_year.get(int(year))
        found = i is not None and measure in realised
        why = str(reasons[measure].iloc[i]) if found and measure in reasons else ""
        value = math.nan
        if found and not why and pd.notna(realised[measure].iloc[i]):
            value = float(realised[measure].iloc[i])
        if why:
            status, achieved = HIDDEN, None
        elif math.isnan(value):
            status, achieved = NO_FIGURE, None
        elif target == 0:
            status, achieved = ZERO_TARGET, None
        else:
            achieved = capaian(value, target, measure in LESS_IS_BETTER)
            status = band(achieved)
        rows.append((int(year), measure, float(target), value, math.nan if achieved is None else achieved, status, why))
    frame = pd.DataFrame(rows, columns=ACHIEVEMENT_COLUMNS)
    return frame.astype({"year": "int64", "measure": "str", "target": "float64", "realised": "float64",
                         "capaian": "float64", "status": "str", "reason": "str"})


def achievement_of(targets: pd.DataFrame, filters: Filters, reference: Reference,
                   realised: Callable[[tuple[str, ...]], pd.DataFrame], scope: Scope = EVERY_VILLAGE) -> pd.DataFrame:
    """``achievement`` of the targets that apply to ``filters``: ``realised(measures)`` gives the published summary
    by year of those measures under the same filters (a page's or a report's cache of published tables)."""
    found = applicable(targets, filters, reference, scope)
    measures = target_measures(found)
    return achievement(found, realised(measures) if measures else pd.DataFrame())


# --- words --------------------------------------------------------------------------------------
def status_words(status: str, lang: str = "id") -> str:
    """The predicate of a status in ``lang`` (the hidden word for a hidden one)."""
    if status == HIDDEN:
        return export.HIDDEN_WORD["en" if lang == "en" else "id"]
    return text(f"capaian_{status}", lang)


def _figure_text(value: float, measure: str, lang: str) -> str:
    return fmt.value(value, BY_NAME[measure].kind, lang)


def _realised_text(row: pd.Series, rules: Rules, lang: str) -> str:
    if row["status"] == HIDDEN:
        return charts.hidden_text(row["reason"], rules, lang)
    return _figure_text(row["realised"], row["measure"], lang)


def _capaian_text(row: pd.Series, lang: str) -> str:
    if row["status"] == HIDDEN:
        return export.HIDDEN_WORD["en" if lang == "en" else "id"]
    return fmt.percent(row["capaian"], lang)


def tile_note(achieved: pd.DataFrame, measure: str, rules: Rules, lang: str = "id") -> str | None:
    """What the headline tile of ``measure`` says of its target: the latest year that has a realised figure (shown
    or hidden) against its target; None when no such target applies."""
    rows = achieved[(achieved["measure"] == measure) & (achieved["status"] != NO_FIGURE)]
    if rows.empty:
        return None
    row = rows.sort_values("year").iloc[-1]
    year, target = int(row["year"]), _figure_text(row["target"], measure, lang)
    if row["status"] == HIDDEN:
        return text("target_tile_hidden", lang, year=year, target=target,
                    why=reason_words(row["reason"], measure, rules, lang))
    realised = _realised_text(row, rules, lang)
    if row["status"] == ZERO_TARGET:
        return text("target_tile_zero", lang, year=year, realised=realised)
    return text("target_tile", lang, year=year, target=target, realised=realised,
                capaian=_capaian_text(row, lang), predicate=status_words(row["status"], lang))


def tile_notes(achieved: pd.DataFrame, measures: Sequence[str], rules: Rules, lang: str = "id") -> dict[str, str]:
    """measure -> its tile's note (``tile_note``), for the ``measures`` that have one."""
    notes = {m: tile_note(achieved, m, rules, lang) for m in measures}
    return {m: note for m, note in notes.items() if note}


# --- the table ------------------------------------------------------------------------------------
def headers(lang: str = "id") -> list[str]:
    """The target table's headers in ``lang``: year, indicator, target, realised, achievement, rating, privacy note."""
    keys = ("target_year", "target_indicator", "target_target", "target_realised", "target_capaian",
            "target_predicate")
    return [text(k, lang) for k in keys] + [export.NOTE_LABEL["en" if lang == "en" else "id"]]


# Per column of ``target_frame``: the measure kind its numbers are (the achievement is a percentage),
# and which columns a printed table aligns right (target, realised, achievement).
TABLE_KINDS: tuple[str | None, ...] = (None, None, None, None, "rate", None, None)
NUMERIC_COLUMNS: tuple[bool, ...] = (False, False, True, True, True, False, False)


def target_frame(achieved: pd.DataFrame, rules: Rules, lang: str = "id") -> pd.DataFrame:
    """The table "Target dan capaian" as a download holds it: year, indicator, target and realised as written,
    achievement in percent with one decimal ("" where none, the hidden word where hidden), rating, privacy note."""
    rows = []
    for _, row in achieved.iterrows():
        shown = row["status"] not in (HIDDEN, NO_FIGURE, ZERO_TARGET)
        rows.append((
            int(row["year"]), label(row["measure"], lang), _figure_text(row["target"], row["measure"], lang),
            _realised_text(row, rules, lang),
            round(float(row["capaian"]) * 100, 1) if shown else (_capaian_text(row, lang) if row["status"] == HIDDEN
                                                                 else ""),
            status_words(row["status"], lang),
            reason_words(row["reason"], row["measure"], rules, lang),
        ))
    frame = pd.DataFrame(rows, columns=headers(lang), dtype=object)
    return frame.set_axis(pd.RangeIndex(len(frame)))


def screen_table(achieved: pd.DataFrame, rules: Rules, lang: str = "id") -> pd.DataFrame:
    """``target_frame`` as text in the reader's format (``92,5%``, ``—`` where there is no achievement)."""
    frame = target_frame(achieved, rules, lang)
    return fmt.screen_frame(frame, [fmt.column_format(kind) for kind in TABLE_KINDS], lang)


def target_sheet(achieved: pd.DataFrame, rules: Rules, lang: str = "id", *, title: str = "",
                 context: Sequence[str] = ()) -> export.Sheet:
    """The table as a file of its own (``lib.export.csv_file`` / ``xlsx_file``): the achievement a percentage."""
    frame = target_frame(achieved, rules, lang)
    return export.Sheet(frame, TABLE_KINDS, title, tuple(context), "en" if lang == "en" else "id")


def _tint(colour: str, strength: float = 0.3) -> str:
    """``colour`` (``#RRGGBB``) mixed with white: a background dark text stays readable on."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - (255 - c) * strength):02X}" for c in rgb)


def status_colour(status: str) -> str | None:
    """The background colour of a rating's cell (a tint of its band's colour); None for no band."""
    colour = STATUS_COLOURS.get(status)
    return _tint(colour) if colour else None


def rating_styles(achieved: pd.DataFrame) -> list[str]:
    """Per row of ``achieved``: the CSS of its rating cell (its band's background), "" for a row without a band."""
    return [f"background-color: {colour}" if (colour := status_colour(s)) else "" for s in achieved["status"]]


# --- the target line on a chart by year --------------------------------------------------------------
def with_targets(fig: go.Figure, achieved: pd.DataFrame, measure: str, lang: str = "id") -> go.Figure:
    """A copy of ``fig`` (bars of ``measure`` by year) with that measure's targets as a dashed line of diamonds,
    named in the legend, its hover saying the target and the achievement; ``fig`` itself when none applies.

    Only years the chart draws get a marker; the value axis is stretched to the highest target.
    """
    if not fig.data or measure not in set(achieved["measure"]):
        return fig
    bars = fig.data[0]
    horizontal = bars.orientation == "h"
    categories, heights = (bars.y, bars.x) if horizontal else (bars.x, bars.y)
    drawn = [str(c) for c in (categories if categories is not None else ())]
    rows = achieved[(achieved["measure"] == measure) & achieved["year"].astype(str).isin(drawn)]
    if rows.empty:
        return fig
    kind = BY_NAME[measure].kind
    years = rows["year"].astype(str).tolist()
    hover = [text("target_hover", lang, target=_figure_text(r["target"], measure, lang),
                  capaian=f"{_capaian_text(r, lang)} ({status_words(r['status'], lang)})")
             for _, r in rows.iterrows()]
    values = rows["target"].tolist()
    line = go.Scatter(
        x=values if horizontal else years, y=years if horizontal else values, mode="lines+markers",
        name=text("target_target", lang), line={"color": TARGET_COLOUR, "dash": "dash", "width": 1.5},
        marker={"symbol": "diamond", "size": 10, "color": TARGET_COLOUR}, customdata=hover,
        hovertemplate=f"<b>%{{{'y' if horizontal else 'x'}}}</b><br>%{{customdata}}<extra></extra>",
    )
    out = go.Figure(fig)
    out.add_trace(line)
    drawn_heights = pd.to_numeric(pd.Series(list(heights if heights is not None else ())), errors="coerce")
    top = float(np.nanmax([drawn_heights.max() if drawn_heights.notna().any() else 0.0, max(values)]))
    axis = charts.value_axis(top, kind, lang)
    out.update_layout(showlegend=True, **{"xaxis" if horizontal else "yaxis": axis})
    return out
