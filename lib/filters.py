"""The dashboard's filters and the rows they select.

The year filter selects enrollment years (cohorts) for participants and
outcomes and budget years for the budget; village, program and organizer apply
to all three tables; role and origin apply to participants and outcomes only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from lib.schema import Budget, Dataset, Outcomes, Participants


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


def _isin(series: pd.Series, values: tuple) -> pd.Series:
    return series.isin(values) if values else pd.Series(True, index=series.index)


def participants_mask(participants: pd.DataFrame, filters: Filters) -> pd.Series:
    """Boolean per enrollment: selected by every filter."""
    mask = (
        _isin(participants[Participants.village], filters.villages)
        & _isin(participants[Participants.program], filters.programs)
        & _isin(participants[Participants.organizer], filters.organizers)
        & _isin(participants[Participants.role], filters.roles)
        & _isin(participants[Participants.origin_province], filters.origin_provinces)
        & _isin(participants[Participants.origin_regency], filters.origin_regencies)
    )
    if filters.years:
        year = participants[Participants.year]
        mask &= (year >= filters.years[0]) & (year <= filters.years[1])
    return mask.fillna(False).astype(bool)


def budget_mask(budget: pd.DataFrame, filters: Filters) -> pd.Series:
    """Boolean per (attributed) budget row: selected by the year, village, program and organizer filters.

    An unattributed row has no village, so any village filter leaves it out.
    """
    mask = (
        _isin(budget[Budget.village], filters.villages)
        & _isin(budget[Budget.program], filters.programs)
        & _isin(budget[Budget.organizer], filters.organizers)
    )
    if filters.years:
        year = budget[Budget.year]
        mask &= (year >= filters.years[0]) & (year <= filters.years[1])
    return mask.fillna(False).astype(bool)


def filtered(dataset: Dataset, filters: Filters) -> Dataset:
    """The dataset restricted to the rows the filters select (prepare it first: see lib.prepare)."""
    participants = dataset.participants[participants_mask(dataset.participants, filters)]
    outcomes = dataset.outcomes
    if len(participants) != len(dataset.participants):
        keys = participants[[Participants.participant_id, Participants.year, Participants.program]]
        outcomes = outcomes.merge(
            keys.astype({Participants.program: "object"}),
            on=[Outcomes.participant_id, Outcomes.year, Outcomes.program],
            how="inner",
        ) if len(outcomes) else outcomes
    budget = dataset.budget[budget_mask(dataset.budget, filters)]
    return replace(dataset, participants=participants, outcomes=outcomes, budget=budget)


def scoped(dataset: Dataset, villages: tuple[str, ...]) -> Dataset:
    """Only the given villages' rows: what a village-limited account may ever read (empty: all)."""
    if not villages:
        return dataset
    return filtered(dataset, Filters(villages=tuple(villages)))
