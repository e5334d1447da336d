"""The previous period a figure is compared with, and the change between two published figures.

One rule for the tiles on screen and the printed report's headline, in the
way DHIS2's and Metabase's "previous period" reads:

- one year chosen: that year against the year before (2022 against 2021);
- a named period chosen (the reference data's plan periods, ``2021-2025``):
  against the named period of the same length just before it (``2016-2020``).
  The dashboard answers only one year, one named period or every year
  (``privacy.md``, "The questions a user can ask"), so the previous period is
  one of those too: an arbitrary span of years is never computed, not even to
  compare with;
- every year (no year filter): the figure covers every year, and its change is
  the last year against the one before (2025 against 2024), which the tile
  says beside the change.

A change is the difference of two *published* figures, each computed through
``lib.privacy`` like any figure shown (``privacy.md``: a year-on-year change is
the difference of two published figures): a figure hidden on either side
gives no change, and says why. Counts change in people, rates in percentage
points, money in rupiah.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

from lib import charts, fmt, privacy
from lib.filters import YEAR, Filters, data_years
from lib.measures import measure
from lib.privacy import Rules
from lib.schema import PERIOD_LIST, Dataset, NamedGroup, Participants
from lib.texts import text

# Why a figure shows no change: "" it shows one; the data holds no previous period; a figure of either period is
# hidden to protect privacy; or has no value (a rate over nothing).
NoChange = Literal["", "no_previous", "hidden", "no_value"]
NO_PREVIOUS, HIDDEN, NO_VALUE = "no_previous", "hidden", "no_value"


@dataclass(frozen=True)
class Comparison:
    """Two periods a change compares: ``latest`` against ``before`` (a label and the filters of each).

    ``every_year``: no year was chosen, so the figure itself covers every year
    and ``latest`` is only its last year.
    """

    latest: str
    latest_filters: Filters
    before: str
    before_filters: Filters
    every_year: bool = False


def _years(period: NamedGroup) -> list[int]:
    return sorted(int(y) for y in period.members)


def previous_named_period(periods: tuple[NamedGroup, ...], current: NamedGroup,
                          years: set[str]) -> NamedGroup | None:
    """The named period of ``current``'s length that ends last before ``current`` begins and holds some of ``years``."""
    first, length = _years(current)[0], len(current.members)
    earlier = [p for p in periods if len(p.members) == length and _years(p)[-1] < first and set(p.members) & years]
    return max(earlier, key=lambda p: _years(p)[-1]) if earlier else None


def comparison(dataset: Dataset, filters: Filters, by_year: pd.DataFrame) -> Comparison | None:
    """What a change compares under ``filters``, within the questions the filters may ask; None when nothing before.

    ``by_year``: the published table by year under ``filters`` (its years are
    the ones every-year compares, last against the one before).
    """
    choice = filters.get(YEAR.name)
    years = set(data_years(dataset))
    if choice is None:
        shown = sorted(int(y) for y in by_year[Participants.year].dropna().tolist()) if len(by_year) else []
        if len(shown) < 2:
            return None
        latest, before = str(shown[-1]), str(shown[-2])
        return Comparison(latest, filters.with_choice(YEAR.name, latest), before,
                          filters.with_choice(YEAR.name, before), every_year=True)
    periods = dataset.reference.named_groups(PERIOD_LIST)
    current = next((p for p in periods if p.name == choice), None)
    if current is None:  # one year
        before = str(int(choice) - 1)
        return Comparison(choice, filters, before, filters.with_choice(YEAR.name, before)) if before in years else None
    previous = previous_named_period(periods, current, years)
    if previous is None:
        return None
    return Comparison(choice, filters, previous.name, filters.with_choice(YEAR.name, previous.name))


# --- the change of one figure ------------------------------------------------------------------------
def published_value(pub: pd.DataFrame, name: str) -> float | None:
    """Figure ``name`` of a one-row published table as a number; None when it is hidden, has no value or no row."""
    if pub.empty or privacy.hidden_reasons(pub)[name].iloc[0]:
        return None
    value = pub[name].iloc[0]
    return None if fmt.is_none(value) else float(value)


def no_change_reason(latest: pd.DataFrame, before: pd.DataFrame, name: str) -> NoChange:
    """Why figure ``name`` shows no change between two one-row published tables ("" when it shows one)."""
    tables = (latest, before)
    if any(len(t) and privacy.hidden_reasons(t)[name].iloc[0] for t in tables):
        return HIDDEN
    return NO_VALUE if any(published_value(t, name) is None for t in tables) else ""


def change(latest: pd.DataFrame, before: pd.DataFrame, name: str) -> float | None:
    """Published figure ``name`` of ``latest`` less that of ``before``; None when either is hidden or has no value."""
    a, b = published_value(latest, name), published_value(before, name)
    return None if a is None or b is None else a - b


def change_text(latest: pd.DataFrame, before: pd.DataFrame, name: str, lang: str = "id") -> str | None:
    """The change as written: ``+15`` people, ``-2,5 poin``, ``+Rp 5 jt``; None when there is none."""
    return fmt.change(change(latest, before, name), measure(name).kind, lang)


# --- the change as a tile shows it ------------------------------------------------------------------------
@dataclass(frozen=True)
class FigureChange:
    """A figure's change as a tile shows it: the change (None: none), what it compares, and words for its help."""

    delta: str | None
    description: str | None
    help: str


def written(pub: pd.DataFrame, name: str, rules: Rules, lang: str = "id") -> str:
    """Figure ``name`` of a one-row published table as a table writes it: formatted, ``<5``, the hidden word or —."""
    if pub.empty:
        return fmt.NONE
    reason = privacy.hidden_reasons(pub)[name].iloc[0]
    if reason:
        return charts.hidden_text(str(reason), rules.k, lang)
    return fmt.value(pub[name].iloc[0], measure(name).kind, lang)


def figure_change(compared: Comparison | None, latest: pd.DataFrame, before: pd.DataFrame, name: str,
                  rules: Rules, lang: str = "id") -> FigureChange:
    """The change of figure ``name`` between the published one-row tables of ``compared``'s two periods.

    The help names the two periods and their published figures, and, when
    there is no change, why: no previous period, a figure hidden to protect
    privacy, or a figure with no value.
    """
    if compared is None:
        return FigureChange(None, None, text("change_no_previous", lang))
    if compared.every_year:
        description = text("change_years", lang, latest=compared.latest, before=compared.before)
        words = [text("change_every_year_help", lang, latest=compared.latest, before=compared.before)]
    else:
        description = text("versus", lang, year=compared.before)
        words = [text("change_period_help", lang, latest=compared.latest, before=compared.before)]
    words.append(text("change_figures", lang, latest=compared.latest, a=written(latest, name, rules, lang),
                      before=compared.before, b=written(before, name, rules, lang)))
    reason = no_change_reason(latest, before, name)
    if reason:
        words.append(text(f"change_{reason}", lang))
        return FigureChange(None, None, " ".join(words))
    delta = change_text(latest, before, name, lang)
    if measure(name).kind in fmt.RATE_KINDS:
        words.append(text("change_points", lang))
    return FigureChange(delta, description, " ".join(words))
