"""The single source of table names, column names, types, aliases and vocabularies.

Each table is declared once, as a class of ``Column`` attributes (alias, kind,
whether required, vocabulary, bounds). Everything else is made from that
declaration: the header lookup, the rules ``lib.validate`` checks raw cells
against, the loaded dtypes (``dtypes``), and the pandera schema the loaded
frames satisfy (``frame_schema``). Code says ``Participants.village``, never
``"village"``: a ``Column`` read from its class is its column name. The data
contract these encode is the product's own ``docs/data.md``.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

import pandas as pd
import pandera.pandas as pa

from lib.measures import label as measure_label

UNKNOWN = "Tidak Diketahui"
FIRST_YEAR = 2010

# --- fixed vocabularies, in the spelling the data is stored in --------------
ROLES = ("WPS", "Mucikari", "Pemilik Wisma", "Warga Terdampak")
STATUSES = ("Selesai", "Tidak Selesai", "Berjalan")
STATUS_COMPLETED, STATUS_DROPPED, STATUS_ONGOING = STATUSES
OUTCOMES = (
    "Bekerja",
    "Usaha Mandiri",
    "Magang",
    "Kembali ke Daerah Asal",
    "Belum Bekerja",
    "Kembali Beroperasi",
    UNKNOWN,
)
OUTCOME_EMPLOYED = "Bekerja"
OUTCOME_OWN_BUSINESS = "Usaha Mandiri"
OUTCOME_RETURNED_HOME = "Kembali ke Daerah Asal"
OUTCOME_RELAPSE = "Kembali Beroperasi"
WORKING_OUTCOMES = (OUTCOME_EMPLOYED, OUTCOME_OWN_BUSINESS)
CATEGORIES = (
    "Peralatan",
    "Bahan",
    "Narasumber",
    "Konsumsi dan Uang Saku",
    "Transportasi",
    "Magang",
    "Lainnya",
)
CATEGORY_EQUIPMENT = "Peralatan"
FUNDING_SOURCES = ("APBD Kabupaten", "APBD Kota", "APBD Provinsi", "APBN", "Lainnya")

TableName = Literal["participants", "outcomes", "budget", "targets"]
PARTICIPANTS: TableName = "participants"
OUTCOMES_TABLE: TableName = "outcomes"
BUDGET: TableName = "budget"
TABLES: tuple[TableName, ...] = (PARTICIPANTS, OUTCOMES_TABLE, BUDGET)  # every version holds these three
TARGETS: TableName = "targets"
OPTIONAL_TABLES: tuple[TableName, ...] = (TARGETS,)  # a department that sets no targets has none
ALL_TABLES: tuple[TableName, ...] = (*TABLES, *OPTIONAL_TABLES)

# The figures of lib.measures a department may set a target for (column ``indicator`` of targets);
# a file names them by their Indonesian label as the dashboard shows it, or their English one.
TARGET_INDICATORS = ("participants", "completion_rate", "working_rate", "relapse_rate", "returned_home",
                     "absorption_rate", "cost_per_participant", "cost_per_working")


Kind = Literal["text", "int", "rupiah", "date", "number"]
# The upper bound of a year column: the year of the day the file is checked.
CURRENT_YEAR = "current_year"
# The upper bound of a target's year: targets are set ahead, up to this many years after the current one.
TARGET_YEARS_AHEAD = 5
PLAN_YEAR = "plan_year"


@dataclass(frozen=True)
class Column:
    """One column of a table as a file gives it, declared as a class attribute of its table.

    ``vocab`` names a fixed or reference list (``Reference.vocabulary``);
    ``low``/``high`` bound an ``int`` or ``rupiah`` column (``high`` may be
    ``CURRENT_YEAR``). Read from its class, a Column is its column name:
    ``Participants.village == "village"``.
    """

    alias: str
    kind: Kind
    required: bool = True
    vocab: str | None = None
    low: int | None = None
    high: int | str | None = None
    name: str = ""

    def __set_name__(self, owner: type, name: str) -> None:
        object.__setattr__(self, "name", name)

    def __get__(self, instance: object, owner: type) -> Any:
        return self.name


class Table:
    """A table's declaration: its Column attributes, in contract order."""

    table: ClassVar[TableName]

    @classmethod
    def columns(cls) -> list[Column]:
        return [value for value in vars(cls).values() if isinstance(value, Column)]


class Participants(Table):
    """participants: one row per enrollment (a person in one training)."""

    table = "participants"
    participant_id = Column("kode_peserta", "text")
    year = Column("tahun", "int", low=FIRST_YEAR, high=CURRENT_YEAR)
    program = Column("program", "text", vocab="programs")
    village = Column("desa", "text", vocab="sites")
    organizer = Column("penyelenggara", "text", vocab="organizers")
    role = Column("peran", "text", vocab="roles")
    origin_regency = Column("kabupaten_asal", "text")
    origin_province = Column("provinsi_asal", "text")
    age = Column("usia", "int", required=False, low=15, high=80)
    status = Column("status", "text", vocab="statuses")


class Outcomes(Table):
    """outcomes: one row per follow-up of an enrollment."""

    table = "outcomes"
    participant_id = Column("kode_peserta", "text")
    year = Column("tahun", "int", low=FIRST_YEAR, high=CURRENT_YEAR)
    program = Column("program", "text", vocab="programs")
    observed_on = Column("tanggal_pemantauan", "date")
    outcome = Column("hasil", "text", vocab="outcomes")
    monthly_income_idr = Column("penghasilan_bulanan", "rupiah", required=False, low=0)


class Budget(Table):
    """budget: one row per budget line."""

    table = "budget"
    year = Column("tahun", "int", low=FIRST_YEAR, high=CURRENT_YEAR)
    program = Column("program", "text", vocab="programs")
    organizer = Column("penyelenggara", "text", vocab="organizers")
    village = Column("desa", "text", required=False, vocab="sites")
    category = Column("kategori", "text", vocab="categories")
    item = Column("uraian", "text")
    quantity = Column("jumlah", "int", required=False, low=0)
    allocated_idr = Column("pagu", "rupiah", low=0)
    realized_idr = Column("realisasi", "rupiah", low=0)
    funding_source = Column("sumber_dana", "text", vocab="funding_sources")


class Targets(Table):
    """targets: one row per target a department set (Renstra, RPJMD); optional."""

    table = "targets"
    year = Column("tahun", "int", low=FIRST_YEAR, high=PLAN_YEAR)
    indicator = Column("indikator", "text", vocab="indicators")
    village = Column("desa", "text", required=False, vocab="sites")    # empty: the whole area
    program = Column("program", "text", required=False, vocab="programs")  # empty: every program
    target = Column("target", "number", low=0)  # people, percent (80 is 80%) or rupiah, as fits the indicator


DECLARATIONS: dict[TableName, type[Table]] = {
    PARTICIPANTS: Participants,
    OUTCOMES_TABLE: Outcomes,
    BUDGET: Budget,
    TARGETS: Targets,
}
# Columns whose values form an open list: stored as categoricals of whatever values arrive.
OPEN_VOCABULARIES = frozenset({Participants.origin_regency, Participants.origin_province})

# Keys: a second row with the same key is an error.
KEYS: dict[TableName, tuple[str, ...]] = {
    PARTICIPANTS: (Participants.participant_id, Participants.year, Participants.program),
    OUTCOMES_TABLE: (
        Outcomes.participant_id,
        Outcomes.year,
        Outcomes.program,
        Outcomes.observed_on,
    ),
    BUDGET: (),
    TARGETS: (Targets.year, Targets.indicator, Targets.village, Targets.program),  # empty village/program too
}
ENROLLMENT_KEY: tuple[str, ...] = KEYS[PARTICIPANTS]

# Bounds of the contract.
AGE_RANGE = (vars(Participants)["age"].low, vars(Participants)["age"].high)
NIK_PATTERN = r"^\d{16}$"
# Header words that mark a column of personal identifiers (normalised, see
# ``normalise_header``); such a file is refused whole.
PII_HEADERS = frozenset(
    {"nama", "name", "namalengkap", "fullname", "nik", "noktp", "ktp", "alamat", "address",
     "telepon", "telp", "phone", "hp", "nohp", "nomorhp", "notelp", "notelepon", "email"}
)
# First-cell words of a total row at the bottom of a sheet.
TOTAL_ROW_WORDS = frozenset({"jumlah", "total", "grandtotal", "jumlahtotal"})


@dataclass(frozen=True)
class ColumnSpec:
    """One column of the contract, as the loader and the docs need it."""

    table: TableName
    name: str
    alias: str
    kind: str
    required: bool
    vocab: str | None
    low: int | None = None
    high: int | str | None = None

    def bounds(self, today: dt.date | None = None) -> tuple[int | None, int | None]:
        """(low, high) of an int, rupiah or number column, ``CURRENT_YEAR`` read as the year of ``today``
        (``PLAN_YEAR``: TARGET_YEARS_AHEAD years after it)."""
        ahead = {CURRENT_YEAR: 0, PLAN_YEAR: TARGET_YEARS_AHEAD}
        high = current_year(today) + ahead[self.high] if self.high in ahead else self.high
        return self.low, high  # type: ignore[return-value]


def column_specs(table: TableName) -> list[ColumnSpec]:
    """The contract's columns of ``table``, in contract order."""
    return [ColumnSpec(table, c.name, c.alias, c.kind, c.required, c.vocab, c.low, c.high)
            for c in DECLARATIONS[table].columns()]


def column_names(table: TableName) -> list[str]:
    """The contract's column names of ``table``, in order."""
    return [spec.name for spec in column_specs(table)]


def normalise_header(text: object) -> str:
    """``' Kode Peserta '`` -> ``'kodepeserta'``: case, spaces, punctuation ignored."""
    return "".join(ch for ch in str(text).casefold() if ch.isalnum())


def header_lookup(table: TableName) -> dict[str, str]:
    """Normalised English name or Indonesian alias -> column name."""
    lookup: dict[str, str] = {}
    for spec in column_specs(table):
        lookup[normalise_header(spec.name)] = spec.name
        lookup[normalise_header(spec.alias)] = spec.name
    return lookup


def current_year(today: dt.date | None = None) -> int:
    """The last year a row may carry."""
    return (today or dt.date.today()).year


# --- reference data ----------------------------------------------------------
# The reference lists a named group can gather, and the named periods of years.
SITE_LIST, ORGANIZER_LIST, PERIOD_LIST = "sites", "organizers", "periods"
LAST_PERIOD_YEAR = 2100


@dataclass(frozen=True)
class NamedGroup:
    """A named choice of several values a filter offers: its name, its kind, and its members.

    Groups of one kind never share a member (a department may keep several
    kinds, e.g. by regency and by kecamatan). A period's members are its years,
    written as text (``"2021"``).
    """

    name: str
    kind: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class Reference:
    """The editable lists: sites with their regency or city, programs, organizers, and their named groups."""

    sites: dict[str, str]  # site (village) -> its regency or city
    programs: tuple[str, ...]
    organizers: tuple[str, ...]
    extra: dict = field(default_factory=dict, compare=False)
    # list name (SITE_LIST, ORGANIZER_LIST, PERIOD_LIST) -> its named groups, in file order
    groups: dict[str, tuple[NamedGroup, ...]] = field(default_factory=dict)

    @property
    def villages(self) -> tuple[str, ...]:
        return tuple(self.sites)

    def vocabulary(self, name: str) -> tuple[str, ...]:
        """The allowed values of a vocabulary named in a column's metadata."""
        fixed = {
            "roles": ROLES,
            "statuses": STATUSES,
            "outcomes": OUTCOMES,
            "categories": CATEGORIES,
            "funding_sources": FUNDING_SOURCES,
            "programs": self.programs,
            "organizers": self.organizers,
            "sites": self.villages,
            "indicators": target_indicator_labels(),
        }
        return fixed[name]

    def named_groups(self, list_name: str) -> tuple[NamedGroup, ...]:
        """The named groups of ``list_name`` (SITE_LIST, ORGANIZER_LIST or PERIOD_LIST); none if the file has none."""
        return self.groups.get(list_name, ())


def target_indicator_labels() -> tuple[str, ...]:
    """The figures a target may be set for, by their Indonesian label (the spelling targets are stored in)."""
    return tuple(measure_label(name, "id") for name in TARGET_INDICATORS)


DEFAULT_REFERENCE_FILE = Path(__file__).resolve().parent.parent / "data" / "reference.toml"


class ReferenceDataError(ValueError):
    """The reference file cannot be used; the message says what to fix, in Indonesian (``str``) and English."""

    def __init__(self, id_message: str, en_message: str):
        super().__init__(id_message)
        self.en_message = en_message

    def message(self, lang: str = "id") -> str:
        """What to fix, in ``lang``."""
        return self.en_message if lang == "en" else str(self)


# TOML table of each list's named groups -> (list name, the key holding the members, what a member is called)
_GROUP_TABLES = {
    "site_groups": (SITE_LIST, "sites", "lokasi"),
    "organizer_groups": (ORGANIZER_LIST, "organizers", "penyelenggara"),
}


def _named_groups(raw: dict, table: str, known: tuple[str, ...], path: Path) -> tuple[NamedGroup, ...]:
    """The ``[[table]]`` entries of the file as groups of ``known`` values, checked."""
    _, key, word = _GROUP_TABLES[table]
    groups = []
    for entry in raw.get(table, []):
        try:
            name, members = str(entry["name"]).strip(), tuple(str(m).strip() for m in entry[key])
        except (KeyError, TypeError) as exc:
            raise ReferenceDataError(f"Berkas data acuan {path}: setiap [[{table}]] perlu 'name' dan '{key}' "
                                     f"(kurang: {exc}).",
                                     f"Reference file {path}: every [[{table}]] needs 'name' and '{key}' "
                                     f"(missing: {exc}).") from exc
        unknown = [m for m in members if m not in known]
        if unknown:
            raise ReferenceDataError(f"Berkas data acuan {path}: kelompok {name!r} di [[{table}]] memuat {word} yang "
                                     f"tidak ada di daftar: {', '.join(unknown)}.",
                                     f"Reference file {path}: group {name!r} in [[{table}]] holds {key} that are not "
                                     f"on the list: {', '.join(unknown)}.")
        groups.append(NamedGroup(name, str(entry.get("kind", "")).strip(), members))
    return _checked_groups(tuple(groups), table, known, path)


def _periods(raw: dict, path: Path) -> tuple[NamedGroup, ...]:
    """The ``[[periods]]`` entries of the file, each as the group of its years, checked."""
    periods = []
    for entry in raw.get("periods", []):
        try:
            name, first, last = str(entry["name"]).strip(), int(entry["first"]), int(entry["last"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ReferenceDataError(f"Berkas data acuan {path}: setiap [[periods]] perlu 'name', serta 'first' dan "
                                     f"'last' berupa tahun (masalah: {exc}).",
                                     f"Reference file {path}: every [[periods]] needs 'name', and 'first' and "
                                     f"'last' as years (problem: {exc}).") from exc
        if not FIRST_YEAR <= first <= last <= LAST_PERIOD_YEAR:
            raise ReferenceDataError(f"Berkas data acuan {path}: periode {name!r} harus di antara tahun {FIRST_YEAR} "
                                     f"dan {LAST_PERIOD_YEAR}, dengan 'first' tidak sesudah 'last' ({first}–{last}).",
                                     f"Reference file {path}: period {name!r} must lie between {FIRST_YEAR} and "
                                     f"{LAST_PERIOD_YEAR}, with 'first' not after 'last' ({first}–{last}).")
        periods.append(NamedGroup(name, str(entry.get("kind", "")).strip(),
                                  tuple(str(y) for y in range(first, last + 1))))
    years = tuple(str(y) for y in range(FIRST_YEAR, LAST_PERIOD_YEAR + 1))
    return _checked_groups(tuple(periods), "periods", years, path)


def _checked_groups(groups: tuple[NamedGroup, ...], table: str, values: tuple[str, ...],
                    path: Path) -> tuple[NamedGroup, ...]:
    """``groups`` if each has a name of its own and no two of one kind share a member; else ReferenceDataError."""
    names: set[str] = set()
    owner: dict[tuple[str, str], str] = {}  # (kind, member) -> the group holding it
    for group in groups:
        if not group.name or not group.members:
            raise ReferenceDataError(f"Berkas data acuan {path}: setiap [[{table}]] perlu nama dan anggota.",
                                     f"Reference file {path}: every [[{table}]] needs a name and members.")
        if group.name in names or group.name in values:
            raise ReferenceDataError(f"Berkas data acuan {path}: nama {group.name!r} di [[{table}]] sudah dipakai; "
                                     "setiap kelompok perlu nama yang bukan nama kelompok lain atau nilai daftar.",
                                     f"Reference file {path}: the name {group.name!r} in [[{table}]] is already "
                                     "taken; each group needs a name that is neither another group's nor a value "
                                     "of the list.")
        names.add(group.name)
        for member in group.members:
            other = owner.setdefault((group.kind, member), group.name)
            if other != group.name:
                kind = group.kind or "(tanpa jenis)"
                raise ReferenceDataError(
                    f"Berkas data acuan {path}: {member!r} ada di dua kelompok jenis {kind!r} di [[{table}]]: "
                    f"{other!r} dan {group.name!r}. Kelompok satu jenis tidak boleh berbagi anggota.",
                    f"Reference file {path}: {member!r} is in two groups of kind {group.kind or '(no kind)'!r} in "
                    f"[[{table}]]: {other!r} and {group.name!r}. Groups of one kind may not share members.",
                )
    return groups


def load_reference(path: Path = DEFAULT_REFERENCE_FILE) -> Reference:
    """Read the reference lists and their named groups from a TOML file (see ``data/reference.toml``)."""
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ReferenceDataError(f"Berkas data acuan {path} tidak dapat dibaca: {exc}",
                                 f"Reference file {path} cannot be read: {exc}") from exc
    try:
        sites = {str(s["name"]).strip(): str(s["regency"]).strip() for s in raw["sites"]}
        programs = tuple(str(p).strip() for p in raw["programs"])
        organizers = tuple(str(o).strip() for o in raw["organizers"])
    except (KeyError, TypeError) as exc:
        raise ReferenceDataError(
            f"Berkas data acuan {path} harus berisi 'programs', 'organizers' dan "
            f"[[sites]] dengan 'name' dan 'regency' (kurang: {exc}).",
            f"Reference file {path} must hold 'programs', 'organizers' and [[sites]] with 'name' and 'regency' "
            f"(missing: {exc}).",
        ) from exc
    if not sites or not programs or not organizers:
        raise ReferenceDataError(f"Berkas data acuan {path}: daftar desa, program dan penyelenggara tidak boleh "
                                 "kosong.",
                                 f"Reference file {path}: the lists of villages, programs and organizers may not be "
                                 "empty.")
    groups = {
        SITE_LIST: _named_groups(raw, "site_groups", tuple(sites), path),
        ORGANIZER_LIST: _named_groups(raw, "organizer_groups", organizers, path),
        PERIOD_LIST: _periods(raw, path),
    }
    return Reference(sites=sites, programs=programs, organizers=organizers, groups=groups)


def categorical(values, categories) -> pd.Categorical:
    """A categorical with a fixed category order (the vocabulary's order)."""
    return pd.Categorical(values, categories=list(categories))


def dtypes(table: TableName, reference: Reference) -> dict[str, object]:
    """The in-memory dtype of every column of ``table`` once loaded."""
    out: dict[str, object] = {}
    for spec in column_specs(table):
        if spec.vocab:
            out[spec.name] = pd.CategoricalDtype(list(reference.vocabulary(spec.vocab)))
        elif spec.name in OPEN_VOCABULARIES:
            out[spec.name] = "category"  # open vocabulary, few distinct values
        elif spec.kind == "date":
            out[spec.name] = "datetime64[ns]"
        elif spec.kind in ("int", "rupiah"):
            out[spec.name] = "Int64"
        elif spec.kind == "number":
            out[spec.name] = "Float64"
        else:
            out[spec.name] = pd.StringDtype()
    return out


def empty_frame(table: TableName, reference: Reference) -> pd.DataFrame:
    """A frame with no rows and the loaded dtypes of ``table``."""
    return pd.DataFrame({name: pd.Series([], dtype=d) for name, d in dtypes(table, reference).items()})


def typed_frame(table: TableName, frame: pd.DataFrame, reference: Reference) -> pd.DataFrame:
    """``frame`` (already valid) with exactly the contract's columns and dtypes."""
    out = {}
    for name, dtype in dtypes(table, reference).items():
        col = frame[name] if name in frame else pd.Series([pd.NA] * len(frame), index=frame.index)
        if isinstance(dtype, pd.CategoricalDtype) and isinstance(col.dtype, pd.CategoricalDtype):
            col = col.cat.set_categories(dtype.categories)  # already coded: no string hashing
        elif isinstance(dtype, pd.CategoricalDtype):
            col = pd.Series(pd.Categorical(col.astype("object").where(col.notna(), None),
                                           categories=dtype.categories), index=frame.index)
        elif dtype == "datetime64[ns]":
            col = pd.to_datetime(col).astype("datetime64[ns]")
        else:
            col = col.astype(dtype)  # "category" infers the open vocabularies
        out[name] = col
    return pd.DataFrame(out).reset_index(drop=True)


def frame_schema(table: TableName, reference: Reference, today: dt.date | None = None) -> pa.DataFrameSchema:
    """The pandera schema every loaded frame of ``table`` satisfies: exactly the contract's columns in order,
    with their loaded dtypes (``dtypes``), required columns never empty, and the declared bounds."""
    columns = {}
    for spec, dtype in zip(column_specs(table), dtypes(table, reference).values()):
        low, high = spec.bounds(today)
        checks = ([pa.Check.ge(low)] if low is not None else []) + ([pa.Check.le(high)] if high is not None else [])
        columns[spec.name] = pa.Column(dtype, nullable=not spec.required, checks=checks)
    return pa.DataFrameSchema(columns, strict=True, ordered=True, name=table)


# Derived column names added by lib/ (not part of any file a user hands in).
SITE_REGENCY = "site_regency"          # the regency or city of the enrollment's site
BUDGET_SHARE = "budget_share"           # how a budget row was attributed to a village
SHARE_DIRECT = "langsung"               # line names its village
SHARE_SHARED = "dibagi"                 # village-less line shared by enrollments
SHARE_UNATTRIBUTED = "tidak teratribusi"  # village-less line with no enrollments


@dataclass(frozen=True)
class Dataset:
    """The three typed tables in use and the targets (none: a table without rows), with the reference lists
    they were checked against."""

    participants: pd.DataFrame
    outcomes: pd.DataFrame
    budget: pd.DataFrame
    reference: Reference
    label: str = "demo"       # what the user is told: "data demo" or the version in use
    is_demo: bool = True      # synthetic demo data: every page says so
    targets: pd.DataFrame | None = None  # the department's targets; filters never select in it

    def __post_init__(self) -> None:
        if self.targets is None:
            object.__setattr__(self, "targets", empty_frame(TARGETS, self.reference))

    def table(self, name: TableName) -> pd.DataFrame:
        return {PARTICIPANTS: self.participants, OUTCOMES_TABLE: self.outcomes, BUDGET: self.budget,
                TARGETS: self.targets}[name]
