"""The data contract's rules, checked on raw sheets, every problem at once.

Column rules (required, vocabularies, integers, rupiah, dates, NIK-like codes)
are made from the table declarations of ``lib.schema`` and run as one lazy
pandera schema per sheet over the raw text cells; its failure cases become
Indonesian problem rows. A formula cell whose result was never saved is named
as such, not as an empty cell. The typed frames of a valid file satisfy
``lib.schema.frame_schema``, made from the same declarations. Rules that span rows or tables (keys,
an outcome's enrollment, an observation date against the enrollment year,
realisation above allocation, a target that does not fit its indicator) are
plain pandas, each saying why.

Parsing runs once per distinct cell value (``by_distinct``): a column of a
million cells holds a few dozen distinct years or programs.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pandera.pandas as pa
from babel.numbers import format_decimal

from lib.ingest import (
    ERROR,
    QUIET_HEADERS,
    TABLE_LABELS,
    WARNING,
    Sheet,
    concat_problems,
    nik_cells,
    problem,
    problem_frame,
)
from lib.measures import BY_NAME, MEASURES
from lib.schema import (
    ALL_TABLES,
    BUDGET,
    ENROLLMENT_KEY,
    KEYS,
    OUTCOMES_TABLE,
    PARTICIPANTS,
    PLAN_YEAR,
    TARGET_INDICATORS,
    TARGET_YEARS_AHEAD,
    TARGETS,
    UNKNOWN,
    Budget,
    ColumnSpec,
    Dataset,
    Outcomes,
    Participants,
    Reference,
    TableName,
    Targets,
    column_specs,
    frame_schema,
    normalise_header,
    typed_frame,
)

# Excel serial day numbers accepted as dates: 1 January 2000 to 31 December 9999.
# Smaller numbers are far more likely a typo (a year, an amount) than a date.
EXCEL_SERIAL_RANGE = (36526, 2958465)
EXCEL_EPOCH = "1899-12-30"
MAX_DIGITS = 15  # an amount beyond 10^15 rupiah is a typo, and stays exact in float64
NIK_VALUE = "(16 digit, disembunyikan)"  # a NIK is never echoed back, not even in a problem list
VOCABULARY_LABELS = {
    "programs": "program",
    "sites": "desa (lokasi)",
    "organizers": "penyelenggara",
    "roles": "peran",
    "statuses": "status",
    "outcomes": "hasil",
    "categories": "kategori",
    "funding_sources": "sumber dana",
    "indicators": "indikator yang dapat diberi target",
}
REFERENCE_VOCABULARIES = ("programs", "sites", "organizers")


@dataclass
class Validation:
    """The typed tables read from the sheets, and every problem found in them.

    ``frames`` holds every row of each table given, with cells that broke a
    rule left empty; use them only when ``ok``.
    """

    frames: dict[TableName, pd.DataFrame]
    problems: pd.DataFrame

    @property
    def errors(self) -> pd.DataFrame:
        return self.problems[self.problems["severity"] == ERROR].reset_index(drop=True)

    @property
    def warnings(self) -> pd.DataFrame:
        return self.problems[self.problems["severity"] == WARNING].reset_index(drop=True)

    @property
    def ok(self) -> bool:
        return not (self.problems["severity"] == ERROR).any()


# --- parsing cell text into values ------------------------------------------------
def by_distinct(cells: pd.Series, parse: Callable[[pd.Series], pd.Series], categorical: bool = False) -> pd.Series:
    """``parse`` run once per distinct non-empty cell, spread back over all rows (empty stays missing).

    With ``categorical`` the text ``parse`` returns comes back as a categorical,
    without hashing a million strings a second time.
    """
    codes, uniques = pd.factorize(cells)
    parsed = parse(pd.Series(uniques).astype("str"))
    if not categorical:
        return pd.Series(parsed.array.take(codes, allow_fill=True), index=cells.index, name=cells.name)
    category_codes, categories = pd.factorize(parsed)
    spread = np.append(category_codes, -1)[codes]  # code -1 (an empty cell) picks the appended -1
    return pd.Series(pd.Categorical.from_codes(spread, categories=categories), index=cells.index,
                     name=cells.name)


def _matches(text: pd.Series, pattern: str) -> pd.Series:
    return text.str.fullmatch(pattern).fillna(False).astype(bool)


def integers(text: pd.Series, currency: bool = False) -> pd.Series:
    """'2024', '1.000', '125,000,000', 'Rp 125.000.000,-' (with ``currency``) -> Int64; missing if not an integer.

    Thousands may be grouped with dots (Indonesian) or commas; a decimal part
    is accepted only when it is zero. A leading minus or parentheses give a
    negative number, for the range check to report.
    """
    s = text.str.strip()
    plain = _matches(s, rf"\d{{1,{MAX_DIGITS}}}")
    number = pd.to_numeric(s.where(plain), errors="coerce").astype("Int64")
    rest = s.notna() & ~plain
    if rest.any():  # the common case, plain digits, skips the regular expressions below
        number[rest] = _formatted_integers(s[rest], currency)
    return number


def _formatted_integers(s: pd.Series, currency: bool) -> pd.Series:
    if currency:
        s = s.str.replace(r"^(?:[Rr][Pp]\.?|IDR)", "", regex=True)
    s = s.str.replace(r"\s", "", regex=True).str.replace(r",-$", "", regex=True)
    negative = _matches(s, r"-.*|\(.*\)")
    s = s.str.replace(r"^[-+(]|\)$", "", regex=True)
    ok = (_matches(s, r"\d+(?:[.,]0{1,2})?")
          | _matches(s, r"\d{1,3}(?:\.\d{3})+(?:,0{1,2})?")
          | _matches(s, r"\d{1,3}(?:,\d{3})+(?:\.0{1,2})?"))
    digits = s.where(ok).str.replace(r"[.,]0{1,2}$", "", regex=True).str.replace(r"[.,]", "", regex=True)
    digits = digits.where(digits.str.len() <= MAX_DIGITS)
    number = pd.to_numeric(digits, errors="coerce").astype("Int64")
    return number.where(~negative, -number)


def dates(text: pd.Series) -> pd.Series:
    """'2024-03-31', '31/03/2024' or an Excel serial day ('45382') -> datetime64[ns]; NaT if not a date."""
    s = text.str.strip()
    iso = s.str.extract(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
    dmy = s.str.extract(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
    parts = pd.DataFrame({"year": iso[0].fillna(dmy[2]), "month": iso[1].fillna(dmy[1]),
                          "day": iso[2].fillna(dmy[0])}, index=s.index)
    calendar = pd.to_datetime(parts.apply(pd.to_numeric), errors="coerce")
    serial = pd.to_numeric(s.where(_matches(s, r"\d+(?:\.\d+)?")), errors="coerce")
    serial = np.floor(serial.where(serial.between(*EXCEL_SERIAL_RANGE)))
    excel = pd.to_datetime(serial, unit="D", origin=EXCEL_EPOCH)
    return calendar.fillna(excel).astype("datetime64[ns]")


# Decimal numbers that are not whole: (pattern of the cell, thousands mark, decimal mark).
_DECIMALS = (
    (r"\d+,\d+", "", ","),                    # 80,5
    (r"\d+\.\d+", "", "."),                   # 82.5
    (r"\d{1,3}(?:\.\d{3})+,\d+", ".", ","),    # 1.000,5
    (r"\d{1,3}(?:,\d{3})+\.\d+", ",", "."),    # 1,000.5
)


def numbers(text: pd.Series) -> pd.Series:
    """'80', '80%', '80,5', '82.5', '1.000', 'Rp 5.000.000', '5,000,000' -> Float64; missing if not a number.

    Whole numbers are read as ``integers`` reads them (a comma or a dot followed
    by exactly three digits groups thousands); any other comma or dot is the
    decimal mark. A leading ``Rp`` and a trailing ``%`` are dropped: a target is
    written in its indicator's own unit.
    """
    s = text.str.strip().str.replace(r"^(?:[Rr][Pp]\.?|IDR)", "", regex=True).str.replace(r"%$", "", regex=True)
    s = s.str.replace(r"\s", "", regex=True).str.replace(r",-$", "", regex=True)
    number = integers(s, currency=True).astype("Float64")
    sign = pd.Series(np.where(s.str.startswith("-").fillna(False).astype(bool), -1.0, 1.0), index=s.index)
    body = s.str.removeprefix("-")
    for pattern, thousands, mark in _DECIMALS:
        fits = _matches(body, pattern) & number.isna()
        if fits.any():
            plain = body[fits].str.replace(thousands, "", regex=False) if thousands else body[fits]
            number[fits] = pd.to_numeric(plain.str.replace(mark, ".", regex=False)) * sign[fits]
    return number


# The figures a target may name, by every spelling a file may use -> the Indonesian label it is stored as.
_INDICATOR_UNIT = re.compile(r"\([^()]*\)\s*$")  # "Tingkat bekerja (%)": the unit of a header copied along


def _indicator_key(text: object) -> str:
    return normalise_header(_INDICATOR_UNIT.sub("", str(text)))


_TARGET_LABELS = {BY_NAME[name].label_id: name for name in TARGET_INDICATORS}
_INDICATOR_SPELLINGS = {_indicator_key(spelling): BY_NAME[name].label_id for name in TARGET_INDICATORS
                        for spelling in (BY_NAME[name].label_id, BY_NAME[name].label_en, name)}
_OTHER_FIGURES = {_indicator_key(s) for m in MEASURES if m.name not in TARGET_INDICATORS
                  for s in (m.label_id, m.label_en, m.name)}


def indicators(text: pd.Series) -> pd.Series:
    """'Tingkat bekerja', 'working rate', 'Working Rate (%)' -> 'Tingkat bekerja'; missing if not a target indicator."""
    return pd.Series([_INDICATOR_SPELLINGS.get(_indicator_key(v)) for v in text], index=text.index, dtype="str")


def _indicator_problem(value: str) -> str:
    if _indicator_key(value) in _OTHER_FIGURES:
        return f"'{value}' adalah angka dasbor yang tidak dapat diberi target."
    return f"'{value}' bukan indikator yang dapat diberi target."


def _closest_indicator(value: str) -> str:
    """The Indonesian label of the indicator nearest to a near miss, in Indonesian or English ('Working rat')."""
    match = difflib.get_close_matches(_indicator_key(value), list(_INDICATOR_SPELLINGS), n=1, cutoff=0.6)
    return _INDICATOR_SPELLINGS[match[0]] if match else ""


def vocabulary_key(text: object) -> str:
    """'  tata   RIAS ' -> 'tata rias': how vocabulary values are compared."""
    return " ".join(str(text).split()).casefold()


def canonical(text: pd.Series, allowed: Sequence[str]) -> pd.Series:
    """Each cell in the spelling of ``allowed`` (compared case-insensitively); missing if not allowed."""
    lookup = {vocabulary_key(v): v for v in allowed}
    return pd.Series([lookup.get(vocabulary_key(v)) for v in text], index=text.index, dtype="str")


def closest(value: str, allowed: Sequence[str]) -> str:
    """The allowed value nearest to a near miss ('Tata Rais' -> 'Tata Rias'), or ''."""
    keys = {vocabulary_key(v): v for v in allowed}
    match = difflib.get_close_matches(vocabulary_key(value), list(keys), n=1, cutoff=0.6)
    return keys[match[0]] if match else ""


# --- the rules of one column ----------------------------------------------------------
@dataclass(frozen=True)
class Rule:
    """One check of a column's cells, with the words a user reads when a cell fails it."""

    name: str
    passes: Callable[[pd.Series, pd.Series], pd.Series]  # (cells, their loaded values) -> True where accepted
    problem: Callable[[str], str]
    suggestion: Callable[[str], str] = lambda value: ""
    hide_value: bool = False


@dataclass(frozen=True)
class ColumnRules:
    """How one contract column is checked and typed."""

    spec: ColumnSpec
    allowed: str
    rules: tuple[Rule, ...]
    value: Callable[[pd.Series], pd.Series]  # raw cells -> loaded values (missing when invalid)


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def column_rules(spec: ColumnSpec, reference: Reference, today: dt.date) -> ColumnRules:
    """The checks, the accepted-values sentence and the typing of one contract column."""
    optional = "" if spec.required else " Boleh kosong."
    if spec.vocab == "indicators":
        labels = ", ".join(reference.vocabulary(spec.vocab))
        rule = Rule("vocabulary", lambda cells, values: values.notna(), _indicator_problem, _closest_indicator)
        return ColumnRules(spec, f"Salah satu dari: {labels} (atau nama Inggrisnya).", (rule,),
                           lambda s: by_distinct(s, indicators, categorical=True))
    if spec.kind == "number":
        rules = (Rule("number", lambda cells, values: values.notna(),
                      lambda v: f"'{v}' bukan angka yang dapat dibaca."),
                 Rule("bounds", lambda cells, values: (values >= 0).fillna(True).astype(bool),
                      lambda v: f"Nilai {v} negatif; hanya 0 atau lebih yang diterima."))
        return ColumnRules(spec, "Angka 0 atau lebih dalam satuan indikatornya: jumlah orang (100), persen (80, 80% "
                           "atau 80,5) atau rupiah (5000000 atau Rp 5.000.000)." + optional, rules,
                           lambda s: by_distinct(s, numbers))
    if spec.vocab:
        allowed_values = reference.vocabulary(spec.vocab)
        label = VOCABULARY_LABELS[spec.vocab]
        extra = (" Nilai baru harus ditambahkan lebih dulu ke data acuan."
                 if spec.vocab in REFERENCE_VOCABULARIES else "")
        rule = Rule("vocabulary", lambda cells, values: values.notna(),
                    lambda v, lbl=label: f"'{v}' tidak ada dalam daftar {lbl}.",
                    lambda v, a=allowed_values: closest(v, a))
        return ColumnRules(spec, f"Salah satu dari: {', '.join(allowed_values)}.{extra}{optional}", (rule,),
                           lambda s, a=allowed_values: by_distinct(s, lambda u: canonical(u, a), categorical=True))
    if spec.kind in ("int", "rupiah"):
        currency = spec.kind == "rupiah"
        parse = (lambda s: by_distinct(s, lambda u: integers(u, currency)))
        low, high = spec.bounds(today)
        low = 0 if low is None else low
        if currency:
            allowed = ("Rupiah tanpa desimal, 0 atau lebih, misalnya 125000000, 125.000.000, "
                       "Rp 125.000.000 atau 125,000,000.")
            unreadable = lambda v: f"'{v}' bukan jumlah rupiah yang dapat dibaca."  # noqa: E731
        else:
            allowed = (f"Bilangan bulat dari {low} sampai {high}." if high is not None
                       else "Bilangan bulat 0 atau lebih.")
            if spec.high == PLAN_YEAR:
                allowed += f" Target boleh ditetapkan sampai {TARGET_YEARS_AHEAD} tahun ke depan."
            unreadable = lambda v: f"'{v}' bukan bilangan bulat."  # noqa: E731
        if spec.name == Participants.year:
            out_of_range = lambda v: f"Tahun {v} di luar rentang {low} sampai {high}."  # noqa: E731
        elif spec.name == Participants.age:
            out_of_range = lambda v: f"Usia {v} di luar rentang {low} sampai {high} tahun."  # noqa: E731
        else:
            out_of_range = lambda v: f"Nilai {v} negatif; hanya 0 atau lebih yang diterima."  # noqa: E731

        def within_bounds(cells: pd.Series, number: pd.Series) -> pd.Series:
            inside = number >= low if high is None else number.between(low, high)
            return inside.fillna(True).astype(bool)  # unreadable cells fail the format rule instead

        rules = (Rule("number", lambda cells, values: values.notna(), unreadable),
                 Rule("bounds", within_bounds, out_of_range))
        return ColumnRules(spec, allowed + optional, rules, parse)
    if spec.kind == "date":
        parse = (lambda s: by_distinct(s, dates))
        limit = pd.Timestamp(today)
        rules = (
            Rule("date", lambda cells, values: values.notna(), lambda v: f"'{v}' bukan tanggal yang dikenali."),
            Rule("future", lambda cells, values: values.isna() | (values <= limit),
                 lambda v: f"Tanggal {v} ada di masa depan (hari ini {today:%d/%m/%Y})."),
        )
        allowed = ("Tanggal seperti 2024-03-31 atau 31/03/2024, atau sel tanggal Excel; dari 1 Januari "
                   "tahun pelatihan sampai hari ini.")
        return ColumnRules(spec, allowed + optional, rules, parse)
    if spec.name == Participants.participant_id:
        nik = Rule("nik", lambda cells, values: ~nik_cells(cells),
                   lambda v: "Kode peserta 16 angka tampak seperti NIK. Dasbor hanya menyimpan kode samaran "
                             "peserta, bukan nomor identitas.", hide_value=True)
        return ColumnRules(spec, "Kode samaran peserta, misalnya P-0001 (bukan NIK, bukan nama).", (nik,),
                           lambda s: s)
    if spec.name in (Participants.origin_regency, Participants.origin_province):
        known = [UNKNOWN] + (sorted(set(reference.sites.values()))
                             if spec.name == Participants.origin_regency else [])
        example = ("Kabupaten Blitar atau Kota Surabaya" if spec.name == Participants.origin_regency
                   else "Jawa Timur")
        # An open list: only the spellings the dashboard compares against are made canonical.
        return ColumnRules(spec, f"Nama daerah, misalnya {example}; isi {UNKNOWN} bila tidak diketahui.", (),
                           lambda s: by_distinct(s, lambda u: canonical(u, known).fillna(u), categorical=True))
    return ColumnRules(spec, "Teks, misalnya Mesin jahit." if spec.name == Budget.item else "Teks." + optional,
                       (), lambda s: s)


# --- one sheet ------------------------------------------------------------------------
@dataclass
class Located:
    """A table's typed rows and where each came from (file, sheet, spreadsheet row)."""

    frame: pd.DataFrame
    where: pd.DataFrame  # columns file, sheet, row; same index as frame
    headers: dict[str, str]  # contract column -> header as written (first sheet's)
    # contract column -> positions in frame of the cells that broke a rule (left empty in frame)
    rejected: dict[str, np.ndarray] = field(default_factory=dict)


def _where(sheet: Sheet, index: pd.Index | None = None) -> pd.DataFrame:
    rows = np.asarray(sheet.rows, dtype="int64")
    if index is not None:
        rows = rows[np.asarray(index, dtype="int64")]
    return pd.DataFrame({"file": sheet.file, "sheet": sheet.sheet, "row": rows})


def problem_rows(severity: str, where: pd.DataFrame, table: TableName, column: str, values: pd.Series,
                 texts: pd.Series | str, allowed: str, suggestions: pd.Series | str = "") -> pd.DataFrame:
    """Problem rows (PROBLEM_COLUMNS), one per row of ``where``."""
    n = len(where)
    return problem_frame(pd.DataFrame({
        "severity": [severity] * n, "file": where["file"].to_numpy(), "sheet": where["sheet"].to_numpy(),
        "table": [table] * n, "row": where["row"].to_numpy(), "column": [column] * n,
        "value": np.asarray(values, dtype=object),
        "problem": np.asarray(texts, dtype=object) if not isinstance(texts, str) else [texts] * n,
        "allowed": [allowed] * n,
        "suggestion": (np.asarray(suggestions, dtype=object) if not isinstance(suggestions, str)
                       else [suggestions] * n),
    }))


def _per_value(values: pd.Series, words: Callable[[str], str]) -> pd.Series:
    """``words`` of each value, computed once per distinct value."""
    distinct = {v: words(v) for v in values.unique()}
    return values.map(distinct)


def check_sheet(sheet: Sheet, reference: Reference, today: dt.date) -> tuple[Located, pd.DataFrame]:
    """The sheet's typed columns and its column problems (missing, empty, unreadable, not allowed)."""
    table = sheet.table
    raw = sheet.frame.reset_index(drop=True)
    columns = {spec.name: column_rules(spec, reference, today) for spec in column_specs(table)}
    # Each column is parsed once; its rules then judge cells and values together.
    typed = pd.DataFrame({name: c.value(raw[name]) for name, c in columns.items() if name in raw},
                         index=raw.index)
    schema = pa.DataFrameSchema({
        name: pa.Column(None, nullable=not c.spec.required, required=c.spec.required,
                        checks=[_check(rule, typed[name]) for rule in c.rules] if name in typed else [])
        for name, c in columns.items()})
    try:
        schema.validate(raw, lazy=True)
        failures = None
    except pa.errors.SchemaErrors as exc:
        failures = exc.failure_cases

    found = [_ignored_columns(sheet), _unsaved_formulas(sheet, columns)]
    if raw.empty:
        found.append(problem_frame([problem(
            ERROR, sheet.file, f"Tabel {TABLE_LABELS[table]} hanya berisi judul kolom, tanpa baris data.",
            "Sedikitnya satu baris data di bawah baris judul kolom.", sheet=sheet.sheet, table=table)]))
    rejected: dict[str, np.ndarray] = {}
    if failures is not None:
        found.append(_translate(failures, sheet, columns))
        # A cell that broke a rule is not loaded (a NIK-like code never is).
        cells = failures[failures["column"].notna() & failures["index"].notna()]
        for name, index in cells.groupby("column")["index"]:
            rejected[name] = index.astype("int64").to_numpy()
            typed.loc[rejected[name], name] = None
    return Located(typed, _where(sheet), dict(sheet.headers), rejected), concat_problems(found)


def _check(rule: Rule, values: pd.Series) -> pa.Check:
    """A pandera check running ``rule`` on the cells pandera hands it and their parsed values."""
    def contract_rule(cells: pd.Series) -> pd.Series:
        aligned = values if cells.index.equals(values.index) else values.reindex(cells.index)
        return rule.passes(cells, aligned)
    return pa.Check(contract_rule, name=rule.name)


def _translate(failures: pd.DataFrame, sheet: Sheet, columns: dict[str, ColumnRules]) -> pd.DataFrame:
    """pandera failure cases as problem rows a clerk can act on."""
    table = sheet.table
    out = []
    for (name, check), cases in failures.groupby(["column", "check"], sort=False, dropna=False):
        if check == "column_in_dataframe":
            out += [_missing_column(sheet, columns[missing].spec) for missing in cases["failure_case"]]
            continue
        if cases["index"].isna().any():  # a rule raised instead of answering: a bug, not bad data
            raise RuntimeError(f"Rule {check} of {name} failed: {cases['failure_case'].iloc[0]}")
        c = columns[name]
        header = sheet.headers.get(name, c.spec.alias)
        where = _where(sheet, cases["index"])
        if check == "not_nullable":
            # An unsaved formula is empty here too, but it has its own problem (_unsaved_formulas).
            empty = ~cases["index"].astype("int64").isin(list(sheet.formulas.get(name, {}))).to_numpy()
            where = where[empty]
            out.append(problem_rows(ERROR, where, table, header, pd.Series([""] * len(where)),
                                    f"Kolom {header} wajib diisi, tetapi sel ini kosong.", c.allowed))
            continue
        rule = next(r for r in c.rules if r.name == check)
        values = cases["failure_case"].astype(str).reset_index(drop=True)
        out.append(problem_rows(ERROR, where, table, header,
                                pd.Series([NIK_VALUE] * len(values)) if rule.hide_value else values,
                                _per_value(values, rule.problem), c.allowed,
                                _per_value(values, rule.suggestion)))
    return concat_problems([f if isinstance(f, pd.DataFrame) else problem_frame([f]) for f in out])


def _unsaved_formulas(sheet: Sheet, columns: dict[str, ColumnRules]) -> pd.DataFrame:
    """An error for each formula cell whose result was never saved: its value is not in the file."""
    out = []
    for name, cells in sheet.formulas.items():
        positions = list(cells)
        header = sheet.headers.get(name, columns[name].spec.alias)
        out.append(problem_rows(
            ERROR, _where(sheet, pd.Index(positions)), sheet.table, header,
            pd.Series([cells[p][:200] for p in positions]),
            "Sel ini berisi rumus yang hasilnya belum pernah disimpan: berkas ini dibuat oleh program, bukan "
            "disimpan dari Excel, sehingga nilainya tidak ada di berkas.",
            "Buka dan simpan berkas di Excel (atau LibreOffice), lalu unggah lagi; nilai rumus ikut tersimpan."))
    return concat_problems(out)


def _missing_column(sheet: Sheet, spec: ColumnSpec) -> dict:
    """A required column the sheet lacks, with the header that was probably meant if one is close."""
    names = [normalise_header(spec.alias), normalise_header(spec.name)]
    near = next((h for h in sheet.ignored
                 if difflib.get_close_matches(normalise_header(h), names, n=1, cutoff=0.75)), None)
    hint = f" Kolom '{near}' mungkin salah ketik." if near else ""
    return problem(
        ERROR, sheet.file, f"Kolom wajib {spec.alias} ({spec.name}) tidak ada di tabel "
        f"{TABLE_LABELS[sheet.table]}.{hint}",
        f"Judul kolom '{spec.alias}' atau '{spec.name}' (huruf besar/kecil, spasi dan garis bawah bebas).",
        sheet=sheet.sheet, table=sheet.table, column=spec.alias, suggestion=spec.alias if near else "")


def _ignored_columns(sheet: Sheet) -> pd.DataFrame:
    """A warning for each column the contract does not know (dropped, not loaded)."""
    names = ", ".join(s.alias for s in column_specs(sheet.table))
    return problem_frame(problem(
        WARNING, sheet.file, f"Kolom '{header}' tidak termasuk format data dan diabaikan.",
        f"Kolom tabel {TABLE_LABELS[sheet.table]}: {names}.", sheet=sheet.sheet, table=sheet.table,
        column=header)
        for header in sheet.ignored if normalise_header(header) not in QUIET_HEADERS)


def _unrecognised(sheet: Sheet) -> pd.DataFrame:
    tables = "; ".join(f"{TABLE_LABELS[t]}: {', '.join(s.alias for s in column_specs(t))}" for t in ALL_TABLES)
    return problem_frame([problem(
        ERROR, sheet.file, "Tabel tidak dikenali: judul kolomnya tidak cocok dengan tabel peserta, hasil "
        "pemantauan, anggaran, atau target.",
        f"Baris judul kolom dengan nama kolom format data ({tables}).", sheet=sheet.sheet)])


# --- rules across rows and tables ------------------------------------------------------------
def _combined(parts: list[Located]) -> Located:
    if len(parts) == 1:
        return parts[0]
    frame = pd.concat([p.frame for p in parts], ignore_index=True)
    where = pd.concat([p.where for p in parts], ignore_index=True)
    headers = {k: v for p in reversed(parts) for k, v in p.headers.items()}
    starts = np.cumsum([0] + [len(p.frame) for p in parts])
    rejected = {name: np.concatenate([p.rejected[name] + start for p, start in zip(parts, starts)
                                      if name in p.rejected])
                for name in {n for p in parts for n in p.rejected}}
    return Located(frame, where, headers, rejected)


def _place(where: pd.Series, of: pd.Series) -> str:
    """'12', or '12 (peserta_b.csv)' when the row is in another file or sheet than ``of``."""
    if where["file"] == of["file"] and where["sheet"] == of["sheet"]:
        return str(where["row"])
    sheet = f", lembar {where['sheet']}" if isinstance(where["sheet"], str) else ""
    return f"{where['row']} ({where['file']}{sheet})"


def key_codes(frames: Sequence[pd.DataFrame], key: Sequence[str]) -> list[np.ndarray]:
    """For each frame, an integer per row naming its key, the same across frames; -1 when a part is missing."""
    # Integer codes from one groupby over all frames: comparing and counting
    # them is much quicker than joining a million keys into strings.
    parts = [f[list(key)] if all(c in f for c in key) else pd.DataFrame({c: pd.Series(pd.NA, index=f.index)
                                                                          for c in key}) for f in frames]
    codes = (pd.concat(parts, ignore_index=True)
             .groupby(list(key), sort=False, dropna=True, observed=True).ngroup()
             .fillna(-1).to_numpy(dtype="int64"))
    bounds = np.cumsum([0] + [len(f) for f in frames])
    return [codes[start:end] for start, end in zip(bounds[:-1], bounds[1:])]


def is_in(frame: pd.DataFrame, known: pd.DataFrame, key: Sequence[str]) -> pd.Series:
    """Whether the key of each row of ``frame`` is the key of a row of ``known`` (incomplete keys never are)."""
    codes, known_codes = key_codes([frame, known], key)
    return pd.Series(np.isin(codes, known_codes[known_codes >= 0]) & (codes >= 0), index=frame.index)


def duplicate_keys(table: TableName, located: Located) -> pd.DataFrame:
    """An error for every row whose key another row repeats, naming the other rows."""
    key = list(KEYS[table])
    if not key:
        return problem_frame()
    if table == TARGETS:
        return duplicate_targets(located)
    # pandera's unique= reports the repeated rows but not which rows they repeat; groupby does.
    codes = pd.Series(key_codes([located.frame], key)[0], index=located.frame.index)
    repeated = codes.duplicated(keep=False) & (codes >= 0)
    if not repeated.any():
        return problem_frame()
    rows = located.frame.loc[repeated, key]
    where = located.where[repeated]
    groups = rows.groupby(key, observed=True, sort=False).ngroup()
    members: dict[int, list[int]] = {}
    for index, group in groups.items():
        members.setdefault(group, []).append(index)
    texts = []
    for index, group in groups.items():
        others = ", ".join(_place(located.where.loc[o], located.where.loc[index])
                           for o in members[group] if o != index)
        r = rows.loc[index]
        if table == PARTICIPANTS:
            texts.append(f"Peserta {r[Participants.participant_id]} tercatat lebih dari sekali untuk tahun "
                         f"{r[Participants.year]}, program {r[Participants.program]}: sama dengan baris {others}.")
        else:
            texts.append(f"Pemantauan ganda: peserta {r[Outcomes.participant_id]}, tahun {r[Outcomes.year]}, "
                         f"program {r[Outcomes.program]}, tanggal {r[Outcomes.observed_on]:%d/%m/%Y} juga ada "
                         f"di baris {others}.")
    allowed = ("Satu baris per peserta, tahun dan program." if table == PARTICIPANTS else
               "Satu hasil per pendaftaran per tanggal pemantauan; hapus salah satu atau perbaiki tanggalnya.")
    header = located.headers.get(Participants.participant_id, "kode_peserta")
    return problem_rows(ERROR, where, table, header, rows[Participants.participant_id].astype(str), pd.Series(texts),
                        allowed)


def observed_before_year(located: Located) -> pd.DataFrame:
    """An error for each follow-up dated before 1 January of its enrollment year."""
    # Two columns of one row: pandera's column checks see one column at a time.
    frame = located.frame
    if Outcomes.observed_on not in frame or Outcomes.year not in frame:
        return problem_frame()
    early = (frame[Outcomes.observed_on].dt.year < frame[Outcomes.year]).fillna(False).astype(bool)
    if not early.any():
        return problem_frame()
    dates_, years = frame.loc[early, Outcomes.observed_on], frame.loc[early, Outcomes.year]
    texts = [f"Tanggal pemantauan {d:%d/%m/%Y} sebelum 1 Januari {y}, tahun pelatihannya."
             for d, y in zip(dates_, years)]
    header = located.headers.get(Outcomes.observed_on, "tanggal_pemantauan")
    return problem_rows(ERROR, located.where[early], OUTCOMES_TABLE, header,
                        dates_.dt.strftime("%Y-%m-%d"), pd.Series(texts),
                        "Tanggal dari 1 Januari tahun pelatihan sampai hari ini.")


def unmatched_outcomes(located: Located, enrollments: pd.DataFrame | None) -> pd.DataFrame:
    """An error for each follow-up whose (participant_id, year, program) is not an enrollment."""
    # A rule across two tables: a join, not a column check.
    key = list(ENROLLMENT_KEY)
    frame = located.frame
    if not all(c in frame for c in key) or frame.empty:
        return problem_frame()
    if enrollments is None:
        return problem_frame([problem(
            ERROR, located.where["file"].iloc[0], "Hasil pemantauan tidak dapat dicocokkan karena data peserta "
            "belum ada.", "Unggah data peserta lebih dulu, atau bersamaan dengan hasil pemantauan.",
            table=OUTCOMES_TABLE)])
    missing = ~is_in(frame, enrollments, key) & frame[key].notna().all(axis=1)
    if not missing.any():
        return problem_frame()
    rows = frame[missing]
    first = enrollments.drop_duplicates(Participants.participant_id).set_index(Participants.participant_id)
    other = ("tahun " + first[Participants.year].astype(str) + ", program "
             + first[Participants.program].astype(str))
    suggestions = rows[Outcomes.participant_id].astype(str).map(other).fillna("")
    texts = ("Tidak ada peserta " + rows[Outcomes.participant_id].astype(str) + " tahun "
             + rows[Outcomes.year].astype(str) + " program " + rows[Outcomes.program].astype(str)
             + " di data peserta.")
    header = located.headers.get(Outcomes.participant_id, "kode_peserta")
    return problem_rows(ERROR, located.where[missing], OUTCOMES_TABLE, header,
                        rows[Outcomes.participant_id].astype(str), texts,
                        "Kode peserta, tahun dan program yang sama dengan satu baris di data peserta.",
                        suggestions)


def orphaned_outcomes(participants: pd.DataFrame, outcomes: pd.DataFrame, file: str) -> pd.DataFrame:
    """A warning when follow-ups already in use no longer match the new participants (none for a table
    without rows: that is an error of its own)."""
    key = list(ENROLLMENT_KEY)
    if outcomes.empty or participants.empty or not all(c in participants for c in key):
        return problem_frame()
    lost = int((~is_in(outcomes, participants, key)).sum())
    if not lost:
        return problem_frame()
    return problem_frame([problem(
        WARNING, file, f"{lost} hasil pemantauan yang sudah ada tidak cocok dengan peserta di berkas ini.",
        "Setiap hasil pemantauan merujuk ke satu pendaftaran di data peserta; unggah juga hasil pemantauan "
        "yang sesuai.", table=PARTICIPANTS)])


def overspent_lines(located: Located) -> pd.DataFrame:
    """A warning (not an error) for each budget line whose realisation exceeds its allocation."""
    frame = located.frame
    if Budget.realized_idr not in frame or Budget.allocated_idr not in frame:
        return problem_frame()
    # Two columns of one row, and a warning: pandera's lazy report has no warnings.
    over = (frame[Budget.realized_idr] > frame[Budget.allocated_idr]).fillna(False).astype(bool)
    if not over.any():
        return problem_frame()
    rows = frame[over]
    texts = [f"Realisasi Rp {_thousands(r)} melebihi pagu Rp {_thousands(a)}."
             for r, a in zip(rows[Budget.realized_idr], rows[Budget.allocated_idr])]
    header = located.headers.get(Budget.realized_idr, "realisasi")
    return problem_rows(WARNING, located.where[over], BUDGET, header, rows[Budget.realized_idr].astype(str),
                        pd.Series(texts), "Diterima; periksa kembali bila realisasi memang melebihi pagu.")


def _place_names(frame: pd.DataFrame) -> pd.DataFrame:
    """A targets frame whose empty village and program read "" (the whole area, every program): a key value too."""
    return frame.assign(**{c: frame[c].astype("object").where(frame[c].notna(), "")
                           for c in (Targets.village, Targets.program) if c in frame})


def duplicate_targets(located: Located) -> pd.DataFrame:
    """An error for every target whose year, indicator, village and program another row repeats."""
    key = list(KEYS[TARGETS])
    frame = _place_names(located.frame)
    if not all(c in frame for c in key):
        return problem_frame()
    codes = pd.Series(key_codes([frame], key)[0], index=frame.index)
    # A village or program that broke a rule is empty here, but it is not the whole area: no key at all.
    for column in (Targets.village, Targets.program):
        codes.iloc[located.rejected.get(column, [])] = -1
    repeated = codes.duplicated(keep=False) & (codes >= 0)
    if not repeated.any():
        return problem_frame()
    texts = []
    for index in frame.index[repeated]:
        others = ", ".join(_place(located.where.loc[o], located.where.loc[index])
                           for o in frame.index[repeated & (codes == codes[index])] if o != index)
        r = frame.loc[index]
        texts.append(f"Target ganda: tahun {r[Targets.year]}, {r[Targets.indicator]}, "
                     f"{'desa ' + r[Targets.village] if r[Targets.village] else 'seluruh wilayah'}, "
                     f"{'program ' + r[Targets.program] if r[Targets.program] else 'semua program'} juga ada di "
                     f"baris {others}.")
    header = located.headers.get(Targets.indicator, "indikator")
    return problem_rows(ERROR, located.where[repeated], TARGETS, header,
                        frame.loc[repeated, Targets.indicator].astype(str), pd.Series(texts),
                        "Satu target per tahun, indikator, desa dan program; hapus salah satu barisnya.")


def _number_text(value: float) -> str:
    """``2.5`` -> ``2,5``; ``1000000`` -> ``1.000.000``."""
    return format_decimal(value, locale="id")


def target_values(located: Located) -> pd.DataFrame:
    """Targets that do not fit their indicator: a percentage above 100 for a rate, a fraction of a person or of
    a rupiah (errors), and a rate target below 1, which is likely a fraction written for a percentage (a warning)."""
    # Two columns of one row: the unit of ``target`` depends on ``indicator``.
    frame = located.frame
    if Targets.indicator not in frame or Targets.target not in frame:
        return problem_frame()
    kinds = frame[Targets.indicator].astype("object").map(
        lambda v: BY_NAME[_TARGET_LABELS[v]].kind if isinstance(v, str) else None)
    target = frame[Targets.target].astype("Float64")
    rate = kinds.isin(["rate", "money_rate"])
    whole = (target.round() == target).fillna(True).astype(bool)
    header = located.headers.get(Targets.target, "target")
    checks = (
        (ERROR, rate & (target > 100).fillna(False),
         lambda v, i: f"Target {_number_text(v)}% untuk {i} di atas 100%: tingkat ditulis dalam persen, "
                      "dari 0 sampai 100.",
         "Persen dari 0 sampai 100, misalnya 80, 80% atau 80,5."),
        (ERROR, kinds.eq("count") & ~whole,
         lambda v, i: f"Target {i} {_number_text(v)} bukan bilangan bulat: target ini jumlah orang.",
         "Jumlah orang, bilangan bulat 0 atau lebih, misalnya 100."),
        (ERROR, kinds.isin(["money", "money_per_person"]) & ~whole,
         lambda v, i: f"Target {i} {_number_text(v)} berdesimal: target ini rupiah tanpa sen.",
         "Rupiah tanpa desimal, misalnya 5000000 atau Rp 5.000.000."),
        (WARNING, rate & (target > 0).fillna(False) & (target < 1).fillna(False),
         lambda v, i: f"Target {_number_text(v)}% untuk {i} sangat kecil; tingkat ditulis dalam persen "
                      f"(80 berarti 80%), bukan pecahan.",
         "Diterima; bila yang dimaksud pecahan (0,8 untuk 80%), tulis persennya."),
    )
    out = []
    for severity, wrong, words, allowed in checks:
        wrong = wrong.fillna(False).astype(bool)
        if not wrong.any():
            continue
        rows = frame[wrong]
        texts = [words(float(v), str(i)) for v, i in zip(rows[Targets.target], rows[Targets.indicator])]
        out.append(problem_rows(severity, located.where[wrong], TARGETS, header,
                                rows[Targets.target].map(lambda v: _number_text(float(v))), pd.Series(texts),
                                allowed))
    return concat_problems(out)


# --- entry point ------------------------------------------------------------------------------
def validate_sheets(sheets: list[Sheet], reference: Reference, today: dt.date | None = None,
                    existing: Dataset | None = None) -> Validation:
    """Checks all rules; cross-table rules (an outcome must match an enrollment) use `existing`'s
    table when that table is not among the sheets."""
    today = today or dt.date.today()
    found: list[pd.DataFrame] = []
    parts: dict[TableName, list[Located]] = {}
    for sheet in sheets:
        if sheet.table is None:
            found.append(_unrecognised(sheet))
            continue
        located, problems = check_sheet(sheet, reference, today)
        parts.setdefault(sheet.table, []).append(located)
        found.append(problems)
    tables = {table: _combined(p) for table, p in parts.items()}

    for table, located in tables.items():
        found.append(duplicate_keys(table, located))
    if OUTCOMES_TABLE in tables:
        found.append(observed_before_year(tables[OUTCOMES_TABLE]))
        enrollments = (tables[PARTICIPANTS].frame if PARTICIPANTS in tables
                       else existing.participants if existing is not None else None)
        found.append(unmatched_outcomes(tables[OUTCOMES_TABLE], enrollments))
    elif PARTICIPANTS in tables and existing is not None:
        files = ", ".join(dict.fromkeys(s.file for s in sheets if s.table == PARTICIPANTS))
        found.append(orphaned_outcomes(tables[PARTICIPANTS].frame, existing.outcomes, files))
    if BUDGET in tables:
        found.append(overspent_lines(tables[BUDGET]))
    if TARGETS in tables:
        found.append(target_values(tables[TARGETS]))

    frames = {table: typed_frame(table, located.frame, reference) for table, located in tables.items()}
    checked = Validation(frames, concat_problems(found))
    if checked.ok:
        for table, frame in frames.items():
            frame_schema(table, reference, today).validate(frame)  # a failure here is a bug, not bad data
    return checked
