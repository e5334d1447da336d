"""The dashboard's filters, the questions they let a user ask, and the rows they select.

Each filter takes **one value, one named group of the reference data, or
everything** (``docs/data.md``, "Data acuan"): a user who could choose any set
of villages or any span of years could subtract one answer from another, or
average many of them, and find a small number again. ``FILTERS`` is the one
registry: the Filters type, the labels and URL names, the rows each choice
selects, what the sidebar offers and how a link is read are all made from it.
Adding a filter is adding one ``FilterSpec`` here (``tests/test_filters.py``
shows it).

The year filter selects enrollment years (cohorts) for participants and
outcomes and budget years for the budget; village, program and organizer apply
to all three tables; role applies to participants and outcomes only. Outcomes
are always selected through their enrollment.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from lib.prepare import ENROLLMENT_ROW
from lib.schema import (
    BUDGET,
    ORGANIZER_LIST,
    OUTCOMES_TABLE,
    PARTICIPANTS,
    PERIOD_LIST,
    SITE_LIST,
    TABLES,
    Budget,
    Dataset,
    NamedGroup,
    Outcomes,
    Participants,
    Reference,
    TableName,
)

YEARS = "years"  # FilterSpec.values: the years the data holds, not a list of the reference data


# --- the registry ------------------------------------------------------------------
@dataclass(frozen=True)
class FilterSpec:
    """One filter: its name, URL parameter, words, the column it selects in each table, and where its choices come from.

    ``values`` names a vocabulary of the reference data (``Reference.vocabulary``)
    or YEARS; ``groups`` names the reference list whose named groups it offers
    (SITE_LIST, ORGANIZER_LIST, PERIOD_LIST), or None. ``group_id`` and
    ``group_en`` describe a group in the sidebar: ``{n}`` is its size, ``{s}``
    the English plural ending.
    """

    name: str
    param: str
    label_id: str
    label_en: str
    columns: tuple[tuple[TableName, str], ...]
    values: str
    groups: str | None = None
    group_id: str = "kelompok {n}"
    group_en: str = "group of {n}"
    help_id: str = ""
    help_en: str = ""

    def label(self, lang: str = "id") -> str:
        return self.label_en if lang == "en" else self.label_id

    def help(self, lang: str = "id") -> str | None:
        return (self.help_en if lang == "en" else self.help_id) or None

    def group_words(self, size: int, lang: str = "id") -> str:
        """How the sidebar describes a group of ``size`` members, e.g. ``kelompok 9 desa``."""
        return (self.group_en if lang == "en" else self.group_id).format(n=size, s="" if size == 1 else "s")

    def column(self, table: TableName) -> str | None:
        """The column this filter selects in ``table``; None when it does not apply to that table."""
        return dict(self.columns).get(table)

    @property
    def tables(self) -> tuple[TableName, ...]:
        return tuple(table for table, _ in self.columns)


YEAR = FilterSpec(
    "year", "tahun", "Tahun", "Year", ((PARTICIPANTS, Participants.year), (BUDGET, Budget.year)), YEARS, PERIOD_LIST,
    group_id="periode {n} tahun", group_en="period of {n} year{s}",
    help_id="Tahun angkatan untuk peserta dan hasil; tahun anggaran untuk anggaran. Satu tahun, satu periode, "
            "atau semua tahun.",
    help_en="Cohort year for participants and outcomes; budget year for the budget. One year, one period, or "
            "every year.",
)
VILLAGE = FilterSpec(
    "village", "desa", "Desa/kelurahan", "Village", ((PARTICIPANTS, Participants.village), (BUDGET, Budget.village)),
    "sites", SITE_LIST, group_id="kelompok {n} desa", group_en="group of {n} village{s}",
)
PROGRAM = FilterSpec(
    "program", "program", "Program", "Program", ((PARTICIPANTS, Participants.program), (BUDGET, Budget.program)),
    "programs",
)
ORGANIZER = FilterSpec(
    "organizer", "penyelenggara", "Penyelenggara", "Organizer",
    ((PARTICIPANTS, Participants.organizer), (BUDGET, Budget.organizer)), "organizers", ORGANIZER_LIST,
    group_id="kelompok {n} penyelenggara", group_en="group of {n} organizer{s}",
)
ROLE = FilterSpec(
    "role", "peran", "Peran", "Role", ((PARTICIPANTS, Participants.role),), "roles",
    help_id="Berlaku untuk peserta dan hasil saja, tidak untuk anggaran.",
    help_en="Applies to participants and outcomes only, not to the budget.",
)
FILTERS: tuple[FilterSpec, ...] = (YEAR, VILLAGE, PROGRAM, ORGANIZER, ROLE)
SCOPED = VILLAGE  # the filter an account's limit narrows (see Scope)


def spec_of_param(param: str) -> FilterSpec | None:
    """The registry entry whose URL parameter (``desa``) is ``param``; None when no filter has it."""
    return next((spec for spec in FILTERS if spec.param == param), None)


def spec_named(name: str) -> FilterSpec:
    """The registry entry of filter ``name``."""
    for spec in FILTERS:
        if spec.name == name:
            return spec
    raise KeyError(f"no filter named {name!r}; known: {[s.name for s in FILTERS]}")


# --- what the user chose -------------------------------------------------------------
@dataclass(frozen=True)
class Filters:
    """One choice per filter, by name: a value or a named group; a filter not named chooses everything.

    ``Filters.of(village="Pare", year="2021-2025")``. ``chosen`` holds
    (filter name, choice) pairs in registry order, so equal choices make equal
    (and equally hashed) Filters.
    """

    chosen: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, **choices: str | int | None) -> Filters:
        """Filters choosing ``choices`` (filter name -> value or group name; None: everything)."""
        unknown = set(choices) - {spec.name for spec in FILTERS}
        if unknown:
            raise KeyError(f"no filter named {sorted(unknown)}; known: {[s.name for s in FILTERS]}")
        return cls(tuple((spec.name, str(choices[spec.name])) for spec in FILTERS
                         if choices.get(spec.name) not in (None, "")))

    def get(self, name: str) -> str | None:
        """The choice of filter ``name``; None when it chooses everything."""
        return dict(self.chosen).get(name)

    def with_choice(self, name: str, choice: str | int | None) -> Filters:
        """These filters with filter ``name`` choosing ``choice`` instead (None: everything)."""
        return Filters.of(**{**dict(self.chosen), name: choice})

    def specs(self) -> list[tuple[FilterSpec, str]]:
        """(registry entry, choice) of every filter that chooses something."""
        return [(spec_named(name), choice) for name, choice in self.chosen]

    def label(self, lang: str = "id") -> str:
        """A short summary for file names, e.g. ``2021-2025_Pare``; ``semua`` (en: ``all``) when nothing is chosen."""
        return "_".join(choice for _, choice in self.chosen) or ("all" if lang == "en" else "semua")

    def describe(self, lang: str = "id") -> list[str]:
        """One line per active filter, in the user's words (for the page, downloads and the audit log)."""
        lines = [f"{spec.label(lang)}: {choice}" for spec, choice in self.specs()]
        return lines or ["All data" if lang == "en" else "Semua data"]


# --- what each filter offers ----------------------------------------------------------
@dataclass(frozen=True)
class Scope:
    """The villages an account may see: every village, one village, or one named group of villages.

    A limited viewer's "everything" is their scope. ``name`` is the village or
    the group ("" for every village); ``villages`` its villages (() for all).
    """

    name: str = ""
    villages: tuple[str, ...] = ()


class ScopeError(ValueError):
    """An account's village limit is neither one village nor one named group of the reference data."""

    def __init__(self, villages: Sequence[str]):
        self.villages = tuple(villages)
        super().__init__(f"Batas desa {', '.join(self.villages)} bukan satu desa atau satu kelompok desa bernama "
                         "di data acuan.")


def scope_of(villages: Sequence[str], reference: Reference) -> Scope:
    """The scope an account limited to ``villages`` has: all (none given), one village, or the group they form."""
    wanted = tuple(dict.fromkeys(v for v in villages if v))
    if not wanted:
        return Scope()
    if len(wanted) == 1:
        return Scope(wanted[0], wanted)
    for group in reference.named_groups(SITE_LIST):
        if set(group.members) == set(wanted):
            return Scope(group.name, group.members)
    raise ScopeError(wanted)


@dataclass(frozen=True)
class Offer:
    """What one filter offers: everything, then its named groups, then its values."""

    spec: FilterSpec
    groups: tuple[NamedGroup, ...]
    values: tuple[str, ...]

    def names(self) -> tuple[str, ...]:
        """Every choice but everything: group names, then values (they never coincide)."""
        return tuple(g.name for g in self.groups) + self.values

    def group(self, choice: str) -> NamedGroup | None:
        return next((g for g in self.groups if g.name == choice), None)


def data_years(dataset: Dataset) -> tuple[str, ...]:
    """The enrollment and budget years the dataset holds, oldest first, as text."""
    years = pd.concat([dataset.participants[Participants.year], dataset.budget[Budget.year]]).dropna()
    return tuple(str(y) for y in sorted({int(y) for y in years.unique()}))


def _values(spec: FilterSpec, dataset: Dataset, scope: Scope) -> tuple[str, ...]:
    """The values filter ``spec`` offers: the data's years or a reference list, the scoped one narrowed to the scope."""
    values = data_years(dataset) if spec.values == YEARS else tuple(dataset.reference.vocabulary(spec.values))
    if spec == SCOPED and scope.villages:
        return tuple(v for v in values if v in scope.villages)
    return values


def _groups(spec: FilterSpec, reference: Reference, values: tuple[str, ...], scope: Scope) -> tuple[NamedGroup, ...]:
    """The named groups filter ``spec`` offers: those holding an offered value (and, when scoped, wholly inside)."""
    groups = reference.named_groups(spec.groups) if spec.groups else ()
    inside = set(scope.villages) if spec == SCOPED and scope.villages else None
    return tuple(g for g in groups if set(g.members) & set(values) and (inside is None or set(g.members) <= inside))


def offers(dataset: Dataset, scope: Scope = Scope()) -> tuple[Offer, ...]:
    """What every filter of FILTERS offers on ``dataset`` to an account limited to ``scope``.

    The scoped filter offers only the scope's values and the groups wholly
    inside it; a group is offered when it holds at least one offered value.
    """
    out = []
    for spec in FILTERS:
        values = _values(spec, dataset, scope)
        out.append(Offer(spec, _groups(spec, dataset.reference, values, scope), values))
    return tuple(out)


# --- reading a link ---------------------------------------------------------------------
LIST, UNKNOWN, SPAN = "list", "unknown", "span"  # why a link's choice is not answered


@dataclass(frozen=True)
class Problem:
    """A filter a link asks for in a way the dashboard does not answer: which filter, why (a code), what it asked."""

    filter: str
    code: str
    asked: tuple[str, ...]


_SPAN = re.compile(r"^(\d{4})\s*[-–—]\s*(\d{4})$")
_YEAR = re.compile(r"^\d{4}$")


def _span(asked: Sequence[str]) -> tuple[int, int] | None:
    """The years a span asks for: ``2019-2024`` or, as older links wrote it, ``tahun=2019&tahun=2024``."""
    if len(asked) == 1 and (match := _SPAN.match(asked[0])):
        lo, hi = int(match[1]), int(match[2])
    elif len(asked) == 2 and all(_YEAR.match(a) for a in asked):
        lo, hi = int(asked[0]), int(asked[1])
    else:
        return None
    return (min(lo, hi), max(lo, hi))


def _named(offer: Offer, asked: str) -> str | None:
    """The offered name ``asked`` means: itself, or the one name it matches ignoring case."""
    names = offer.names()
    if asked in names:
        return asked
    same = [n for n in names if n.casefold() == asked.casefold()]
    return same[0] if len(same) == 1 else None


def _span_choice(offer: Offer, span: tuple[int, int], asked: tuple[str, ...]) -> str | Problem:
    """The year or named period a span of years is exactly; else a Problem."""
    years = tuple(str(y) for y in range(span[0], span[1] + 1))
    if len(years) == 1 and years[0] in offer.values:
        return years[0]
    same = [g.name for g in offer.groups if g.members == years]
    return same[0] if same else Problem(offer.spec.name, SPAN, asked)


def choice_of(offer: Offer, asked: Sequence[str]) -> str | None | Problem:
    """What ``asked`` (a URL parameter's values) chooses of ``offer``: a name, None (everything), or a Problem.

    Old links asking for a span of years that is exactly one year or one named
    period read as that year or period; any other span, list or unknown value
    is a Problem, never a silent fallback to something else.
    """
    asked = tuple(dict.fromkeys(a.strip() for a in asked if a and a.strip()))
    if not asked:
        return None
    if len(asked) == 1 and (name := _named(offer, asked[0])) is not None:
        return name
    span = _span(asked) if offer.spec.groups == PERIOD_LIST else None
    if span is not None:
        return _span_choice(offer, span, asked)
    return Problem(offer.spec.name, LIST if len(asked) > 1 else UNKNOWN, asked)


def parse_query(query: Mapping[str, Sequence[str]], offered: Sequence[Offer]) -> tuple[Filters, tuple[Problem, ...]]:
    """The Filters a link's query asks for (``{"desa": ["Pare"]}``), and what of it cannot be answered.

    A filter with a problem chooses nothing here: the page shows the problem
    and no figure (see the page edge).
    """
    chosen: dict[str, str] = {}
    problems = []
    for offer in offered:
        found = choice_of(offer, query.get(offer.spec.param, ()))
        if isinstance(found, Problem):
            problems.append(found)
        elif found is not None:
            chosen[offer.spec.name] = found
    return Filters.of(**chosen), tuple(problems)


def query_of(filters: Filters) -> dict[str, str]:
    """The URL query parameters that ask for ``filters``: one value per chosen filter (``{"desa": "Pare"}``).

    Also how the audit log keeps the filters of a download: facts, not sentences, named in the reader's words
    only when shown (``lib.audit.detail_in``).
    """
    return {spec.param: choice for spec, choice in filters.specs()}


# --- the rows a choice selects --------------------------------------------------------------
def members(spec: FilterSpec, choice: str, reference: Reference) -> tuple:
    """The values ``choice`` of filter ``spec`` selects: a named group's members, else the value itself (years as int)."""
    groups = reference.named_groups(spec.groups) if spec.groups else ()
    chosen = next((g.members for g in groups if g.name == choice), (choice,))
    return tuple(int(v) for v in chosen) if spec.values == YEARS else chosen


def table_selections(filters: Filters, reference: Reference, table: TableName) -> tuple[tuple[str, tuple], ...]:
    """(column, values it may hold) of every chosen filter that applies to ``table``; e.g. (("village", ("Pare",)),)."""
    return tuple((column, members(spec, choice, reference)) for spec, choice in filters.specs()
                 if (column := spec.column(table)) is not None)


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


def _mask(frame: pd.DataFrame, selections: tuple[tuple[str, tuple], ...]) -> pd.Series:
    """Boolean per row: every selection holds (only chosen filters cost anything)."""
    mask = np.ones(len(frame), dtype=bool)
    for column, values in selections:
        mask &= _member(frame[column], values)
    return pd.Series(mask, index=frame.index)


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


def selected(dataset: Dataset, selections: Mapping[TableName, tuple[tuple[str, tuple], ...]],
             tables: Collection[TableName] = TABLES) -> Dataset:
    """The dataset restricted to the rows ``selections`` (table -> (column, values) pairs) select, in ``tables``.

    Outcomes follow their enrollments; every table not in ``tables`` comes back
    with no rows, never unfiltered.
    """
    frames: dict[TableName, pd.DataFrame] = {}
    follow_ups = None
    if PARTICIPANTS in tables or OUTCOMES_TABLE in tables:
        chosen = _mask(dataset.participants, selections.get(PARTICIPANTS, ()))
        chosen_rows = chosen.to_numpy()
        if OUTCOMES_TABLE in tables:
            frames[OUTCOMES_TABLE] = dataset.outcomes
            if not chosen_rows.all():
                follow_ups = _BESIDE.submit(_outcomes_of, dataset.outcomes, dataset.participants, chosen_rows)
        if PARTICIPANTS in tables:
            frames[PARTICIPANTS] = _selected_rows(dataset.participants, chosen)
    if BUDGET in tables:
        frames[BUDGET] = _selected_rows(dataset.budget, _mask(dataset.budget, selections.get(BUDGET, ())))
    if follow_ups is not None:
        frames[OUTCOMES_TABLE] = follow_ups.result()
    return with_tables(dataset, frames)


def filtered(dataset: Dataset, filters: Filters, tables: Collection[TableName] = TABLES) -> Dataset:
    """The dataset restricted to the rows the filters select (prepare it first: see lib.prepare).

    Only ``tables`` are selected; every other table comes back with no rows,
    never unfiltered, so a page that reads the budget alone does not pay for
    selecting a million enrollments and cannot see rows outside the filters.
    A budget line with no village is left out by any village choice.
    """
    reference = dataset.reference
    return selected(dataset, {table: table_selections(filters, reference, table) for table in (PARTICIPANTS, BUDGET)},
                    tables)


def with_tables(dataset: Dataset, frames: Mapping[TableName, pd.DataFrame]) -> Dataset:
    """``dataset`` holding ``frames`` for the tables they name; every other table with no rows."""
    return replace(dataset, **{name: frames[name] if name in frames else dataset.table(name).iloc[:0]
                               for name in TABLES})


def scoped(dataset: Dataset, scope: Scope | Sequence[str]) -> Dataset:
    """Only the scope's rows: what a village-limited account may ever read (every village: the dataset itself).

    ``scope`` is a Scope, or the villages of an account's limit, which must be
    one village or one named group (else ScopeError).
    """
    if not isinstance(scope, Scope):
        scope = scope_of(scope, dataset.reference)
    if not scope.villages:
        return dataset
    return selected(dataset, {table: ((column, scope.villages),) for table in (PARTICIPANTS, BUDGET)
                              if (column := SCOPED.column(table)) is not None})


def chosen_values(filters: Filters, offer: Offer) -> tuple[str, ...]:
    """The values ``filters`` select of ``offer``'s filter: the chosen group's members, the chosen value, or all offered."""
    choice = filters.get(offer.spec.name)
    if choice is None:
        return offer.values
    group = offer.group(choice)
    return tuple(v for v in group.members if v in offer.values) if group else (choice,)
