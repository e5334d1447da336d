"""The data contract's rules, checked on raw sheets, every problem at once.

Column rules (required, vocabularies, integers, rupiah, dates, NIK-like codes)
are made from the table declarations of ``lib.schema`` and run as one lazy
pandera schema per sheet over the raw text cells; its failure cases become
problem rows in the reader's language. A formula cell whose result was never saved is named
as such, not as an empty cell. Problems are written in the reader's language (``lang``, Indonesian by
default), their words taken from ``lib.texts``. The typed frames of a valid file satisfy
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
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pandera.pandas as pa
from babel.numbers import format_decimal

from lib import fmt, texts
from lib.fmt import Lang
from lib.ingest import (
    ERROR,
    QUIET_HEADERS,
    WARNING,
    Sheet,
    concat_problems,
    nik_cells,
    problem,
    problem_frame,
    table_label,
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
NIK_VALUE = texts.text("ingest_nik_value")  # a NIK is never echoed back, not even in a problem list
VOCABULARIES = ("programs", "sites", "organizers", "roles", "statuses", "outcomes", "categories", "funding_sources",
                "indicators")
# How a problem names each vocabulary: "desa (lokasi)" (en: "village (site)").
VOCABULARY_LABELS = {vocab: texts.text(f"vocabulary_{vocab}") for vocab in VOCABULARIES}
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


def _indicator_problem(value: str, lang: Lang = "id") -> str:
    if _indicator_key(value) in _OTHER_FIGURES:
        return texts.text("check_figure_without_target", lang, value=value)
    return texts.text("check_not_an_indicator", lang, value=value)


def indicator_name(label: str, lang: Lang = "id") -> str:
    """A target indicator as the reader names it: its Indonesian label as stored, or its English label."""
    name = _TARGET_LABELS.get(label)
    return BY_NAME[name].label_en if lang == "en" and name is not None else label


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


def _thousands(n: int, lang: Lang = "id") -> str:
    """``1000000`` -> ``1.000.000`` (en: ``1,000,000``)."""
    return f"{n:,}".replace(",", "." if lang == "id" else ",")


def column_rules(spec: ColumnSpec, reference: Reference, today: dt.date, lang: Lang = "id") -> ColumnRules:
    """The checks, the accepted-values sentence and the typing of one contract column, worded in ``lang``."""
    def words(key: str, **values: object) -> str:
        return texts.text(key, lang, **values)

    optional = "" if spec.required else " " + words("check_optional")
    if spec.vocab == "indicators":
        labels = ", ".join(indicator_name(label, lang) for label in reference.vocabulary(spec.vocab))
        rule = Rule("vocabulary", lambda cells, values: values.notna(), lambda v: _indicator_problem(v, lang),
                    _closest_indicator)
        return ColumnRules(spec, words("check_one_of_indicators", labels=labels), (rule,),
                           lambda s: by_distinct(s, indicators, categorical=True))
    if spec.kind == "number":
        rules = (Rule("number", lambda cells, values: values.notna(),
                      lambda v: words("check_not_a_number", value=v)),
                 Rule("bounds", lambda cells, values: (values >= 0).fillna(True).astype(bool),
                      lambda v: words("check_negative", value=v)))
        return ColumnRules(spec, words("check_target_number") + optional, rules,
                           lambda s: by_distinct(s, numbers))
    if spec.vocab:
        allowed_values = reference.vocabulary(spec.vocab)
        label = words(f"vocabulary_{spec.vocab}")
        extra = " " + words("check_reference_first") if spec.vocab in REFERENCE_VOCABULARIES else ""
        rule = Rule("vocabulary", lambda cells, values: values.notna(),
                    lambda v, lbl=label: words("check_not_in_list", value=v, list=lbl),
                    lambda v, a=allowed_values: closest(v, a))
        return ColumnRules(spec, words("check_one_of", values=", ".join(allowed_values)) + extra + optional, (rule,),
                           lambda s, a=allowed_values: by_distinct(s, lambda u: canonical(u, a), categorical=True))
    if spec.kind in ("int", "rupiah"):
        currency = spec.kind == "rupiah"
        parse = (lambda s: by_distinct(s, lambda u: integers(u, currency)))
        low, high = spec.bounds(today)
        low = 0 if low is None else low
        if currency:
            allowed = words("check_rupiah")
            unreadable = lambda v: words("check_not_rupiah", value=v)  # noqa: E731
        else:
            allowed = (words("check_whole_between", low=low, high=high) if high is not None
                       else words("check_whole"))
            if spec.high == PLAN_YEAR:
                allowed += " " + words("check_years_ahead", n=TARGET_YEARS_AHEAD)
            unreadable = lambda v: words("check_not_whole", value=v)  # noqa: E731
        if spec.name == Participants.year:
            out_of_range = lambda v: words("check_year_outside", value=v, low=low, high=high)  # noqa: E731
        elif spec.name == Participants.age:
            out_of_range = lambda v: words("check_age_outside", value=v, low=low, high=high)  # noqa: E731
        else:
            out_of_range = lambda v: words("check_negative", value=v)  # noqa: E731

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
            Rule("date", lambda cells, values: values.notna(), lambda v: words("check_not_a_date", value=v)),
            Rule("future", lambda cells, values: values.isna() | (values <= limit),
                 lambda v: words("check_future_date", value=v, today=f"{today:%d/%m/%Y}")),
        )
        return ColumnRules(spec, words("check_date") + optional, rules, parse)
    if spec.name == Participants.participant_id:
        nik = Rule("nik", lambda cells, values: ~nik_cells(cells), lambda v: words("check_nik_code"),
                   hide_value=True)
        return ColumnRules(spec, words("check_participant_code"), (nik,), lambda s: s)
    if spec.name in (Participants.origin_regency, Participants.origin_province):
        known = [UNKNOWN] + (sorted(set(reference.sites.values()))
                             if spec.name == Participants.origin_regency else [])
        example = words("check_regency_example") if spec.name == Participants.origin_regency else "Jawa Timur"
        # An open list: only the spellings the dashboard compares against are made canonical.
        return ColumnRules(spec, words("check_region", example=example, unknown=UNKNOWN), (),
                           lambda s: by_distinct(s, lambda u: canonical(u, known).fillna(u), categorical=True))
    return ColumnRules(spec, words("check_item") if spec.name == Budget.item else words("check_text") + optional,
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


def check_sheet(sheet: Sheet, reference: Reference, today: dt.date,
                lang: Lang = "id") -> tuple[Located, pd.DataFrame]:
    """The sheet's typed columns and its column problems (missing, empty, unreadable, not allowed), in ``lang``."""
    table = sheet.table
    raw = sheet.frame.reset_index(drop=True)
    columns = {spec.name: column_rules(spec, reference, today, lang) for spec in column_specs(table)}
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

    found = [_ignored_columns(sheet, lang), _unsaved_formulas(sheet, columns, lang)]
    if raw.empty:
        found.append(problem_frame([problem(
            ERROR, sheet.file, texts.text("check_header_only", lang, table=table_label(table, lang)),
            texts.text("check_header_only_do", lang), sheet=sheet.sheet, table=table)]))
    rejected: dict[str, np.ndarray] = {}
    if failures is not None:
        found.append(_translate(failures, sheet, columns, lang))
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


def _translate(failures: pd.DataFrame, sheet: Sheet, columns: dict[str, ColumnRules],
               lang: Lang = "id") -> pd.DataFrame:
    """pandera failure cases as problem rows a clerk can act on, in ``lang``."""
    table = sheet.table
    out = []
    for (name, check), cases in failures.groupby(["column", "check"], sort=False, dropna=False):
        if check == "column_in_dataframe":
            out += [_missing_column(sheet, columns[missing].spec, lang) for missing in cases["failure_case"]]
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
                                    texts.text("check_empty_cell", lang, column=header), c.allowed))
            continue
        rule = next(r for r in c.rules if r.name == check)
        values = cases["failure_case"].astype(str).reset_index(drop=True)
        out.append(problem_rows(ERROR, where, table, header,
                                pd.Series([texts.text("ingest_nik_value", lang)] * len(values)) if rule.hide_value
                                else values,
                                _per_value(values, rule.problem), c.allowed,
                                _per_value(values, rule.suggestion)))
    return concat_problems([f if isinstance(f, pd.DataFrame) else problem_frame([f]) for f in out])


def _unsaved_formulas(sheet: Sheet, columns: dict[str, ColumnRules], lang: Lang = "id") -> pd.DataFrame:
    """An error for each formula cell whose result was never saved: its value is not in the file."""
    out = []
    for name, cells in sheet.formulas.items():
        positions = list(cells)
        header = sheet.headers.get(name, columns[name].spec.alias)
        out.append(problem_rows(
            ERROR, _where(sheet, pd.Index(positions)), sheet.table, header,
            pd.Series([cells[p][:200] for p in positions]),
            texts.text("check_unsaved_formula", lang), texts.text("check_unsaved_formula_do", lang)))
    return concat_problems(out)


def _missing_column(sheet: Sheet, spec: ColumnSpec, lang: Lang = "id") -> dict:
    """A required column the sheet lacks, with the header that was probably meant if one is close."""
    names = [normalise_header(spec.alias), normalise_header(spec.name)]
    near = next((h for h in sheet.ignored
                 if difflib.get_close_matches(normalise_header(h), names, n=1, cutoff=0.75)), None)
    hint = " " + texts.text("check_typo", lang, column=near) if near else ""
    return problem(
        ERROR, sheet.file, texts.text("check_missing_column", lang, alias=spec.alias, name=spec.name,
                                      table=table_label(sheet.table, lang)) + hint,
        texts.text("check_missing_column_do", lang, alias=spec.alias, name=spec.name),
        sheet=sheet.sheet, table=sheet.table, column=spec.alias, suggestion=spec.alias if near else "")


def _column_names(table: TableName, lang: Lang = "id") -> str:
    """The data format's column names of ``table``: the Indonesian ones (en: the English ones), both accepted."""
    return ", ".join(s.name if lang == "en" else s.alias for s in column_specs(table))


def _ignored_columns(sheet: Sheet, lang: Lang = "id") -> pd.DataFrame:
    """A warning for each column the contract does not know (dropped, not loaded)."""
    names = _column_names(sheet.table, lang)
    return problem_frame(problem(
        WARNING, sheet.file, texts.text("check_ignored_column", lang, column=header),
        texts.text("check_ignored_column_do", lang, table=table_label(sheet.table, lang), names=names),
        sheet=sheet.sheet, table=sheet.table, column=header)
        for header in sheet.ignored if normalise_header(header) not in QUIET_HEADERS)


def _unrecognised(sheet: Sheet, lang: Lang = "id") -> pd.DataFrame:
    tables = "; ".join(f"{table_label(t, lang)}: {_column_names(t, lang)}" for t in ALL_TABLES)
    return problem_frame([problem(
        ERROR, sheet.file, texts.text("check_unrecognised", lang), texts.text("check_unrecognised_do", lang,
                                                                                tables=tables),
        sheet=sheet.sheet)])


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


def _place(where: pd.Series, of: pd.Series, lang: Lang = "id") -> str:
    """'12', or '12 (peserta_b.csv)' when the row is in another file or sheet than ``of``."""
    if where["file"] == of["file"] and where["sheet"] == of["sheet"]:
        return str(where["row"])
    named = isinstance(where["sheet"], str)
    sheet = ", " + texts.text("check_sheet_named", lang, sheet=where["sheet"]) if named else ""
    return f"{where['row']} ({where['file']}{sheet})"


def _each_row(template: str, **values: pd.Series) -> pd.Series:
    """``template`` (``str.format`` fields) filled in from ``values``, one row each, without a loop over rows."""
    index = next(iter(values.values())).index
    out = pd.Series("", index=index, dtype="object")
    for literal, name, _, _ in string.Formatter().parse(template):
        out = out + literal
        if name is not None:
            out = out + values[name].astype(str)
    return out


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


def duplicate_keys(table: TableName, located: Located, lang: Lang = "id") -> pd.DataFrame:
    """An error for every row whose key another row repeats, naming the other rows."""
    key = list(KEYS[table])
    if not key:
        return problem_frame()
    if table == TARGETS:
        return duplicate_targets(located, lang)
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
    said = []
    for index, group in groups.items():
        others = ", ".join(_place(located.where.loc[o], located.where.loc[index], lang)
                           for o in members[group] if o != index)
        r = rows.loc[index]
        if table == PARTICIPANTS:
            said.append(texts.text("check_twice_enrolled", lang, code=r[Participants.participant_id],
                                   year=r[Participants.year], program=r[Participants.program], rows=others))
        else:
            said.append(texts.text("check_twice_followed", lang, code=r[Outcomes.participant_id],
                                   year=r[Outcomes.year], program=r[Outcomes.program],
                                   date=f"{r[Outcomes.observed_on]:%d/%m/%Y}", rows=others))
    allowed = texts.text("check_twice_enrolled_do" if table == PARTICIPANTS else "check_twice_followed_do", lang)
    header = located.headers.get(Participants.participant_id, "kode_peserta")
    return problem_rows(ERROR, where, table, header, rows[Participants.participant_id].astype(str), pd.Series(said),
                        allowed)


def observed_before_year(located: Located, lang: Lang = "id") -> pd.DataFrame:
    """An error for each follow-up dated before 1 January of its enrollment year."""
    # Two columns of one row: pandera's column checks see one column at a time.
    frame = located.frame
    if Outcomes.observed_on not in frame or Outcomes.year not in frame:
        return problem_frame()
    early = (frame[Outcomes.observed_on].dt.year < frame[Outcomes.year]).fillna(False).astype(bool)
    if not early.any():
        return problem_frame()
    dates_, years = frame.loc[early, Outcomes.observed_on], frame.loc[early, Outcomes.year]
    said = [texts.text("check_before_training_year", lang, date=f"{d:%d/%m/%Y}", year=y)
            for d, y in zip(dates_, years)]
    header = located.headers.get(Outcomes.observed_on, "tanggal_pemantauan")
    return problem_rows(ERROR, located.where[early], OUTCOMES_TABLE, header,
                        dates_.dt.strftime("%Y-%m-%d"), pd.Series(said),
                        texts.text("check_before_training_year_do", lang))


def unmatched_outcomes(located: Located, enrollments: pd.DataFrame | None, lang: Lang = "id") -> pd.DataFrame:
    """An error for each follow-up whose (participant_id, year, program) is not an enrollment."""
    # A rule across two tables: a join, not a column check.
    key = list(ENROLLMENT_KEY)
    frame = located.frame
    if not all(c in frame for c in key) or frame.empty:
        return problem_frame()
    if enrollments is None:
        return problem_frame([problem(
            ERROR, located.where["file"].iloc[0], texts.text("check_no_participants_yet", lang),
            texts.text("check_no_participants_yet_do", lang), table=OUTCOMES_TABLE)])
    missing = ~is_in(frame, enrollments, key) & frame[key].notna().all(axis=1)
    if not missing.any():
        return problem_frame()
    rows = frame[missing]
    first = enrollments.drop_duplicates(Participants.participant_id).set_index(Participants.participant_id)
    other = _each_row(texts.text("check_enrolled_as", lang), year=first[Participants.year],
                      program=first[Participants.program])
    suggestions = rows[Outcomes.participant_id].astype(str).map(other).fillna("")
    said = _each_row(texts.text("check_not_enrolled", lang), code=rows[Outcomes.participant_id],
                     year=rows[Outcomes.year], program=rows[Outcomes.program])
    header = located.headers.get(Outcomes.participant_id, "kode_peserta")
    return problem_rows(ERROR, located.where[missing], OUTCOMES_TABLE, header,
                        rows[Outcomes.participant_id].astype(str), said,
                        texts.text("check_not_enrolled_do", lang), suggestions)


def orphaned_outcomes(participants: pd.DataFrame, outcomes: pd.DataFrame, file: str,
                      lang: Lang = "id") -> pd.DataFrame:
    """A warning when follow-ups already in use no longer match the new participants (none for a table
    without rows: that is an error of its own)."""
    key = list(ENROLLMENT_KEY)
    if outcomes.empty or participants.empty or not all(c in participants for c in key):
        return problem_frame()
    lost = int((~is_in(outcomes, participants, key)).sum())
    if not lost:
        return problem_frame()
    return problem_frame([problem(
        WARNING, file, texts.text("check_orphaned", lang, n=lost), texts.text("check_orphaned_do", lang),
        table=PARTICIPANTS)])


def overspent_lines(located: Located, lang: Lang = "id") -> pd.DataFrame:
    """A warning (not an error) for each budget line whose realisation exceeds its allocation."""
    frame = located.frame
    if Budget.realized_idr not in frame or Budget.allocated_idr not in frame:
        return problem_frame()
    # Two columns of one row, and a warning: pandera's lazy report has no warnings.
    over = (frame[Budget.realized_idr] > frame[Budget.allocated_idr]).fillna(False).astype(bool)
    if not over.any():
        return problem_frame()
    rows = frame[over]
    said = [texts.text("check_overspent", lang, realised=_thousands(r, lang), allocated=_thousands(a, lang))
            for r, a in zip(rows[Budget.realized_idr], rows[Budget.allocated_idr])]
    header = located.headers.get(Budget.realized_idr, "realisasi")
    return problem_rows(WARNING, located.where[over], BUDGET, header, rows[Budget.realized_idr].astype(str),
                        pd.Series(said), texts.text("check_overspent_do", lang))


def _place_names(frame: pd.DataFrame) -> pd.DataFrame:
    """A targets frame whose empty village and program read "" (the whole area, every program): a key value too."""
    return frame.assign(**{c: frame[c].astype("object").where(frame[c].notna(), "")
                           for c in (Targets.village, Targets.program) if c in frame})


def duplicate_targets(located: Located, lang: Lang = "id") -> pd.DataFrame:
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
    said = []
    for index in frame.index[repeated]:
        others = ", ".join(_place(located.where.loc[o], located.where.loc[index], lang)
                           for o in frame.index[repeated & (codes == codes[index])] if o != index)
        r = frame.loc[index]
        place = (texts.text("check_target_village", lang, village=r[Targets.village]) if r[Targets.village]
                 else texts.text("check_target_whole_area", lang))
        program = (texts.text("check_target_program", lang, program=r[Targets.program]) if r[Targets.program]
                   else texts.text("check_target_every_program", lang))
        said.append(texts.text("check_twice_targeted", lang, year=r[Targets.year],
                               indicator=indicator_name(r[Targets.indicator], lang), place=place, program=program,
                               rows=others))
    header = located.headers.get(Targets.indicator, "indikator")
    return problem_rows(ERROR, located.where[repeated], TARGETS, header,
                        frame.loc[repeated, Targets.indicator].astype(str), pd.Series(said),
                        texts.text("check_twice_targeted_do", lang))


def _number_text(value: float, lang: Lang = "id") -> str:
    """``2.5`` -> ``2,5``; ``1000000`` -> ``1.000.000`` (en: ``2.5``, ``1,000,000``)."""
    return format_decimal(value, locale=fmt.locale(lang))


def target_values(located: Located, lang: Lang = "id") -> pd.DataFrame:
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
    checks = (  # (severity, which rows, the problem's words, the accepted values' words)
        (ERROR, rate & (target > 100).fillna(False), "check_target_above_100", "check_target_above_100_do"),
        (ERROR, kinds.eq("count") & ~whole, "check_target_fraction_people", "check_target_fraction_people_do"),
        (ERROR, kinds.isin(["money", "money_per_person"]) & ~whole, "check_target_cents", "check_target_cents_do"),
        (WARNING, rate & (target > 0).fillna(False) & (target < 1).fillna(False), "check_target_tiny_rate",
         "check_target_tiny_rate_do"),
    )
    out = []
    for severity, wrong, words, allowed in checks:
        wrong = wrong.fillna(False).astype(bool)
        if not wrong.any():
            continue
        rows = frame[wrong]
        said = [texts.text(words, lang, value=_number_text(float(v), lang), indicator=indicator_name(str(i), lang))
                for v, i in zip(rows[Targets.target], rows[Targets.indicator])]
        out.append(problem_rows(severity, located.where[wrong], TARGETS, header,
                                rows[Targets.target].map(lambda v: _number_text(float(v), lang)), pd.Series(said),
                                texts.text(allowed, lang)))
    return concat_problems(out)


# --- entry point ------------------------------------------------------------------------------
def validate_sheets(sheets: list[Sheet], reference: Reference, today: dt.date | None = None,
                    existing: Dataset | None = None, lang: Lang = "id") -> Validation:
    """Checks all rules, problems worded in ``lang``; cross-table rules (an outcome must match an enrollment) use
    `existing`'s table when that table is not among the sheets."""
    today = today or dt.date.today()
    found: list[pd.DataFrame] = []
    parts: dict[TableName, list[Located]] = {}
    for sheet in sheets:
        if sheet.table is None:
            found.append(_unrecognised(sheet, lang))
            continue
        located, problems = check_sheet(sheet, reference, today, lang)
        parts.setdefault(sheet.table, []).append(located)
        found.append(problems)
    tables = {table: _combined(p) for table, p in parts.items()}

    for table, located in tables.items():
        found.append(duplicate_keys(table, located, lang))
    if OUTCOMES_TABLE in tables:
        found.append(observed_before_year(tables[OUTCOMES_TABLE], lang))
        enrollments = (tables[PARTICIPANTS].frame if PARTICIPANTS in tables
                       else existing.participants if existing is not None else None)
        found.append(unmatched_outcomes(tables[OUTCOMES_TABLE], enrollments, lang))
    elif PARTICIPANTS in tables and existing is not None:
        files = ", ".join(dict.fromkeys(s.file for s in sheets if s.table == PARTICIPANTS))
        found.append(orphaned_outcomes(tables[PARTICIPANTS].frame, existing.outcomes, files, lang))
    if BUDGET in tables:
        found.append(overspent_lines(tables[BUDGET], lang))
    if TARGETS in tables:
        found.append(target_values(tables[TARGETS], lang))

    frames = {table: typed_frame(table, located.frame, reference) for table, located in tables.items()}
    checked = Validation(frames, concat_problems(found))
    if checked.ok:
        for table, frame in frames.items():
            frame_schema(table, reference, today).validate(frame)  # a failure here is a bug, not bad data
    return checked
