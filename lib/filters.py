"""The dashboard's filters and the rows they select.

The year filter selects enrollment years (cohorts) for participants and
outcomes and budget years for the budget; village, program and organizer apply
to all three tables; role and origin apply to participants and outcomes only.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from lib.prepare import ENROLLMENT_ROW
from lib.schema import (
    BUDGET,
    OUTCOMES_TABLE,
    PARTICIPANTS,
    TABLES,
    Budget,
    Dataset,
    Outcomes,
    Participants,
    TableName,
)


@dataclass(frozen=True)
class Filters:
    """An active selection; an empty tuple means "all"."""

    years: tuple[int, int] | None = None
    villages: tuple[str, ...] = ()
    programs: tuple[str, ...] = ()
    organizers: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    origin_provinces: tuple[str, ...] = ()
    origin_regencies: tuple[str, ...] = ()

    def label(self) -> str:
        """A short ASCII-friendly summary for file names, e.g. ``2019-2024_Pare-Gurah``."""
        parts = []
        if self.years:
            lo, hi = self.years
            parts.append(str(lo) if lo == hi else f"{lo}-{hi}")
        for values in (self.villages, self.programs, self.organizers, self.roles,
                       self.origin_provinces, self.origin_regencies):
            if values:
                parts.append("-".join(values) if len(values) <= 3 else f"{len(values)}pilihan")
        return "_".join(parts) or "semua"

    def describe(self, lang: str = "id") -> list[str]:
        """One line per active filter, in the user's words (for downloads and notes)."""
        names = {
            "id": ("Tahun", "Desa", "Program", "Penyelenggara", "Peran", "Provinsi asal", "Kabupaten/kota asal", "Semua data"),
            "en": ("Year", "Village", "Program", "Organizer", "Role", "Origin province", "Origin regency", "All data"),
        }[lang]
        lines = []
        if self.years:
            lines.append(f"{names[0]}: {self.years[0]}–{self.years[1]}")
        for name, values in zip(names[1:7], (self.villages, self.programs, self.organizers, self.roles,
                                              self.origin_provinces, self.origin_regencies)):
            if values:
                lines.append(f"{name}: {', '.join(values)}")
        return lines or [names[7]]


def _member(column: pd.Series, values: tuple) -> np.ndarray:
    """Boolean per row: the value is one of ``values`` (missing never is)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy()
        wanted = np.flatnonzero(column.cat.categories.isin(list(values)))
        if len(wanted) <= 4:  # a few values: compare the small integer codes directly
            mask = np.zeros(len(codes), dtype=bool)
            for code in wanted:
                mask |= codes == code
            return mask
        # Decided once per category, then looked up by code (-1, missing, picks the appended False).
        allowed = np.append(column.cat.categories.isin(list(values)), False)
        return allowed[codes]
    return column.isin(values).fillna(False).to_numpy(dtype=bool)


def _in_years(year: pd.Series, years: tuple[int, int]) -> np.ndarray:
    inside = (year >= years[0]) & (year <= years[1])
    return inside.fillna(False).to_numpy(dtype=bool)


def _mask(frame: pd.DataFrame, selections: tuple[tuple[str, tuple], ...], year: str,
          years: tuple[int, int] | None) -> pd.Series:
    """Boolean per row: every non-empty selection holds (only active filters cost anything)."""
    mask = np.ones(len(frame), dtype=bool)
    for column, values in selections:
        if values:
            mask &= _member(frame[column], values)
    if years:
        mask &= _in_years(frame[year], years)
    return pd.Series(mask, index=frame.index)


def participant_selections(filters: Filters) -> tuple[tuple[str, tuple], ...]:
    """(column, chosen values) of every list filter on participants and their follow-ups; empty values: all."""
    return (
        (Participants.village, filters.villages),
        (Participants.program, filters.programs),
        (Participants.organizer, filters.organizers),
        (Participants.role, filters.roles),
        (Participants.origin_province, filters.origin_provinces),
        (Participants.origin_regency, filters.origin_regencies),
    )


def budget_selections(filters: Filters) -> tuple[tuple[str, tuple], ...]:
    """(column, chosen values) of every list filter on the budget: village, program and organizer."""
    return (
        (Budget.village, filters.villages),
        (Budget.program, filters.programs),
        (Budget.organizer, filters.organizers),
    )


def participants_mask(participants: pd.DataFrame, filters: Filters) -> pd.Series:
    """Boolean per enrollment: selected by every filter."""
    return _mask(participants, participant_selections(filters), Participants.year, filters.years)


def budget_mask(budget: pd.DataFrame, filters: Filters) -> pd.Series:
    """Boolean per (attributed) budget row: selected by the year, village, program and organizer filters.

    An unattributed row has no village, so any village filter leaves it out.
    """
    return _mask(budget, budget_selections(filters), Budget.year, filters.years)


def _selected_rows(frame: pd.DataFrame, mask: pd.Series) -> pd.DataFrame:
    """frame[mask], without copying anything when every row is selected."""
    return frame if bool(mask.all()) else frame[mask]


def _outcomes_of(outcomes: pd.DataFrame, everyone: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """The follow-ups of the enrollments ``mask`` selects from ``everyone``, in file order."""
    if not len(outcomes):
        return outcomes
    labels = everyone.index
    if ENROLLMENT_ROW in outcomes.columns and pd.api.types.is_integer_dtype(labels.dtype):
        # Prepared data: each follow-up carries its enrollment's index label (-1: none).
        rows = outcomes[ENROLLMENT_ROW].to_numpy()
        wanted = labels.to_numpy(dtype=np.int64)[mask]
        top = max(int(labels.max()) if len(labels) else 0, int(rows.max()))
        if len(labels) == 0 or (int(labels.min()) >= 0 and top < 4 * len(labels) + 1024):
            # One flag per label; a follow-up without enrollment (-1) reads the last flag, never set.
            lookup = np.zeros(top + 2, dtype=bool)
            lookup[wanted] = True
            keep = lookup[rows]
        else:
            keep = np.isin(rows, wanted)
        return outcomes[keep].reset_index(drop=True)
    keys = everyone.loc[mask, [Participants.participant_id, Participants.year, Participants.program]]
    return outcomes.merge(
        keys.astype({Participants.program: "object"}),
        on=[Outcomes.participant_id, Outcomes.year, Outcomes.program],
        how="inner",
    )


# Picking the follow-ups of a selection runs beside picking its participants and budget rows:
# copying columns releases the GIL, so on two cores a filter change costs the longer of the two.
_BESIDE = ThreadPoolExecutor(max_workers=1, thread_name_prefix="filters")


def filtered(dataset: Dataset, filters: Filters, tables: Collection[TableName] = TABLES) -> Dataset:
    """The dataset restricted to the rows the filters select (prepare it first: see lib.prepare).

    Only ``tables`` are selected; every other table comes back with no rows,
    never unfiltered, so a page that reads the budget alone does not pay for
    selecting a million enrollments and cannot see rows outside the filters.
    """
    frames: dict[TableName, pd.DataFrame] = {}
    follow_ups = None
    if PARTICIPANTS in tables or OUTCOMES_TABLE in tables:
        chosen = participants_mask(dataset.participants, filters)
        chosen_rows = chosen.to_numpy()
        if OUTCOMES_TABLE in tables:
            frames[OUTCOMES_TABLE] = dataset.outcomes
            if not chosen_rows.all():
                follow_ups = _BESIDE.submit(_outcomes_of, dataset.outcomes, dataset.participants, chosen_rows)
        if PARTICIPANTS in tables:
            frames[PARTICIPANTS] = _selected_rows(dataset.participants, chosen)
    if BUDGET in tables:
        frames[BUDGET] = _selected_rows(dataset.budget, budget_mask(dataset.budget, filters))
    if follow_ups is not None:
        frames[OUTCOMES_TABLE] = follow_ups.result()
    return with_tables(dataset, frames)


def with_tables(dataset: Dataset, frames: Mapping[TableName, pd.DataFrame]) -> Dataset:
    """``dataset`` holding ``frames`` for the tables they name; every other table with no rows."""
    return replace(dataset, **{name: frames[name] if name in frames else dataset.table(name).iloc[:0]
                               for name in TABLES})


def scoped(dataset: Dataset, villages: tuple[str, ...]) -> Dataset:
    """Only the given villages' rows: what a village-limited account may ever read (empty: all)."""
    if not villages:
        return dataset
    return filtered(dataset, Filters(villages=tuple(villages)))
