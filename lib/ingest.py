"""Turning the bytes of an uploaded file into raw sheets.

A file is CSV (comma, semicolon or tab; UTF-8 with or without BOM, UTF-16 or
Windows-1252) or XLSX (every sheet, read by ``lib.xlsx``). Every file is read
within ``lib.limits``: one beyond a limit is refused whole, with a problem
naming the limit. In each sheet the header row is looked for among the first
rows, so title rows above it are skipped; the table (participants, outcomes,
budget or targets) is recognised from which headers match best. Empty rows, empty columns
and a total row at the bottom are dropped, cells are stripped.

Problems are worded in the reader's language (``lang``, Indonesian by default).

Nothing here checks values against the contract (that is ``lib.validate``),
with one exception: a file that holds personal identifiers (a name, NIK,
address or phone column, or a column of 16-digit codes) is refused here, so
that such values never reach a frame.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import NamedTuple

import numpy as np
import pandas as pd

from lib import texts
from lib.fmt import Lang
from lib.limits import CELL_CHARS, CELLS, COLUMNS, ROWS, UNPACKED_BYTES, LimitExceeded, Megabytes
from lib.schema import (
    ALL_TABLES,
    BUDGET,
    NIK_PATTERN,
    OUTCOMES_TABLE,
    PARTICIPANTS,
    PII_HEADERS,
    TARGETS,
    TOTAL_ROW_WORDS,
    Participants,
    TableName,
    column_specs,
    header_lookup,
    normalise_header,
)
from lib.xlsx import BrokenWorkbook, column_letter, workbook_grids
from lib.xlsx import cell_text  # noqa: F401  (how a cell reads as text: part of this module's interface)

PROBLEM_COLUMNS = ["severity", "file", "sheet", "table", "row", "column", "value", "problem", "allowed",
                   "suggestion"]
ERROR = "error"
WARNING = "warning"

TABLE_LABELS: dict[TableName, str] = {
    PARTICIPANTS: "peserta",
    OUTCOMES_TABLE: "hasil pemantauan",
    BUDGET: "anggaran",
    TARGETS: "target",
}
# Words in a file name that say which table it holds; used only to break a tie
# between tables whose headers match equally well (participants and outcomes
# share kode_peserta, tahun, program).
NAME_HINTS: dict[TableName, tuple[str, ...]] = {
    PARTICIPANTS: ("participant", "peserta"),
    OUTCOMES_TABLE: ("outcome", "hasil", "pemantauan"),
    BUDGET: ("budget", "anggaran"),
    TARGETS: ("target", "sasaran", "capaian"),
}
HEADER_SEARCH_ROWS = 20
CSV_DELIMITERS = (",", ";", "\t")   # tab: Excel's "Unicode Text" export
SAMPLE_BYTES = 1 << 22              # a CSV's header is looked for in its first 4 MB at most
TITLE_ROWS = 5                      # a sheet of at most this many one-cell rows holds only a title
NIK_LENGTH = 16  # the length NIK_PATTERN asks for; checked first because it is cheap
# "Nama Peserta", "Alamat Rumah", "No HP Peserta": a personal-identifier word
# followed by one of these is a personal identifier too.
PII_SUFFIXES = ("peserta", "lengkap", "penerima", "anggota", "rumah", "domisili", "ktp", "wa",
                "whatsapp", "hp", "telp", "telepon", "ponsel")
# Row-number columns that staff add to every sheet; not worth a warning.
QUIET_HEADERS = frozenset({"no", "nomor", "nourut", "urut", "nomorurut"})

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, or an .xlsx protected by a password
_ZIP_MAGIC = b"PK\x03\x04"
_LOOKUPS = {table: header_lookup(table) for table in ALL_TABLES}
_REQUIRED = {table: {s.name for s in column_specs(table) if s.required} for table in ALL_TABLES}
_PII_WORDS = PII_HEADERS | {word + suffix for word in PII_HEADERS for suffix in PII_SUFFIXES}


@dataclass
class Sheet:
    """One table found in an uploaded file, as raw text cells.

    ``table`` is None for a sheet whose headers match no table; ``lib.validate``
    reports it. ``frame`` holds stripped strings (missing where the cell is
    empty) under contract column names; ``rows`` the spreadsheet row number of
    each frame row; ``headers`` the header as written for each contract column;
    ``ignored`` the headers that are not in the contract (dropped from ``frame``);
    ``formulas`` the formula cells whose result was never saved, by contract
    column and frame position (their cell in ``frame`` is missing).
    """

    file: str
    sheet: str | None
    table: TableName | None
    frame: pd.DataFrame
    rows: list[int]
    headers: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    formulas: dict[str, dict[int, str]] = field(default_factory=dict)


# --- problems -----------------------------------------------------------------
def table_label(table: TableName, lang: Lang = "id") -> str:
    """How problems name a table: ``peserta``, ``hasil pemantauan`` (en: ``participants``, ``follow-ups``)."""
    return texts.admin_word(TABLE_LABELS[table], lang)


def problem(severity: str, file: str, text: str, allowed: str = "", *, sheet: str | None = None,
            table: str | None = None, row: int | None = None, column: str = "", value: str = "",
            suggestion: str = "") -> dict:
    """One problem row as a dict keyed by PROBLEM_COLUMNS."""
    return {"severity": severity, "file": file, "sheet": sheet, "table": table, "row": row,
            "column": column, "value": value, "problem": text, "allowed": allowed,
            "suggestion": suggestion}


def problem_frame(rows: Iterable[dict] | pd.DataFrame | None = None) -> pd.DataFrame:
    """Problems with exactly PROBLEM_COLUMNS: ``row`` Int64, the rest strings."""
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows or []),
                                                                     columns=PROBLEM_COLUMNS)
    out = {}
    for name in PROBLEM_COLUMNS:
        col = frame[name] if name in frame else pd.Series([None] * len(frame), index=frame.index)
        if name == "row":
            out[name] = pd.array(col.astype("object").where(col.notna(), None), dtype="Int64")
        elif name in ("sheet", "table"):
            out[name] = col.astype("object").where(col.notna(), None).astype(pd.StringDtype())
        else:
            out[name] = col.astype("object").where(col.notna(), "").astype(pd.StringDtype())
    return pd.DataFrame(out).reset_index(drop=True)


def concat_problems(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Problems of several steps in one frame, ordered by file, sheet and row (file-level first)."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return problem_frame()
    out = pd.concat(frames, ignore_index=True)
    order = out.assign(_n=np.arange(len(out))).sort_values(
        ["file", "sheet", "row", "_n"], na_position="first", kind="stable").index
    return out.loc[order].reset_index(drop=True)


# --- entry point ----------------------------------------------------------------
def read_sheets(name: str, content: bytes, lang: Lang = "id") -> tuple[list[Sheet], pd.DataFrame]:
    """Every table found in one uploaded file (CSV or XLSX), plus file-level problems (PROBLEM_COLUMNS) in ``lang``."""
    suffix = PurePath(name).suffix.casefold()
    hint = table_hint(name)
    if not _NOT_BLANK.search(content):  # (not content.strip(): no copy of a large file)
        return [], problem_frame([problem(
            ERROR, name, texts.text("ingest_empty", lang), texts.text("ingest_empty_do", lang))])
    if content.startswith(_OLE_MAGIC) or suffix == ".xls":
        return [], problem_frame([problem(
            ERROR, name, texts.text("ingest_old_excel", lang), texts.text("ingest_old_excel_do", lang))])
    try:
        if len(content) > UNPACKED_BYTES.value:
            raise LimitExceeded(UNPACKED_BYTES, "limit_file_size", size=Megabytes(len(content)))
        if content.startswith(_ZIP_MAGIC):
            return _read_xlsx(name, content, hint, lang)
        if suffix in (".xlsx", ".xlsm"):
            return [], problem_frame([_broken_xlsx(name, lang)])
        return _read_csv(name, content, hint, lang)
    except LimitExceeded as exc:
        return [], problem_frame([limit_problem(name, exc, lang)])
    except Exception as exc:  # noqa: BLE001 - an upload no reader foresaw is still the user's to fix, not a crash
        return [], problem_frame([problem(
            ERROR, name, texts.text("ingest_unreadable", lang, kind=type(exc).__name__),
            texts.text("ingest_unreadable_do", lang))])


def limit_problem(file: str, exc: LimitExceeded, lang: Lang = "id") -> dict:
    """The problem of a file beyond one of ``lib.limits``: which limit, what was met, and what to do, in ``lang``;
    the problem's sheet, row and column say where."""
    return problem(ERROR, file, exc.message(lang), exc.limit.advice[lang], sheet=exc.sheet, row=exc.row,
                   column=exc.column)


def table_hint(name: str) -> TableName | None:
    """The table a file name points to (``peserta_2024.csv`` -> participants), if any."""
    stem = normalise_header(PurePath(name).stem)
    for table, words in NAME_HINTS.items():
        if any(word in stem for word in words):
            return table
    return None


def _broken_xlsx(name: str, lang: Lang = "id") -> dict:
    return problem(ERROR, name, texts.text("ingest_broken_xlsx", lang), texts.text("ingest_broken_xlsx_do", lang))


SAVE_AS_CSV_UTF8 = texts.text("ingest_save_as_csv")


def _not_a_spreadsheet(name: str, lang: Lang = "id") -> dict:
    return problem(
        ERROR, name, texts.text("ingest_not_a_table", lang),
        texts.text("ingest_not_a_table_do", lang) + " " + texts.text("ingest_save_as_csv", lang))


def _unknown_encoding(name: str, lang: Lang = "id") -> dict:
    return problem(ERROR, name, texts.text("ingest_encoding", lang), texts.text("ingest_save_as_csv", lang))


def _title_only(name: str, lang: Lang = "id") -> dict:
    return problem(ERROR, name, texts.text("ingest_title_only", lang), texts.text("ingest_title_only_do", lang))


def is_title_only(rows: Sequence[Sequence[str | None]]) -> bool:
    """Whether the rows hold only a title: a few rows of one non-empty cell each (and at least one)."""
    filled = 0
    for cells in rows:
        texts = sum(1 for c in cells if c is not None and str(c).strip())
        if texts > 1:
            return False
        filled += texts
        if filled > TITLE_ROWS:
            return False
    return filled > 0


# --- CSV --------------------------------------------------------------------------
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
         (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_UTF8_BOM = b"\xef\xbb\xbf"


def as_utf8(content: bytes) -> bytes | None:
    """A CSV file's bytes as UTF-8 without BOM, from UTF-8, UTF-16 or UTF-32 (with BOM, or UTF-16 without)
    or Windows-1252; None when it is none of these."""
    if content.startswith(_UTF8_BOM):
        content = content[len(_UTF8_BOM):]
    else:
        bom, encoding = next(((b, e) for b, e in _BOMS if content.startswith(b)), (b"", None))
        skip = len(bom)
        encoding = encoding or _utf16_without_bom(content[:4096])
        if encoding:
            try:
                return content[skip:].decode(encoding).encode("utf-8")
            except UnicodeError:
                return None
    if _is_utf8(content):
        return content
    try:
        return content.decode("cp1252").encode("utf-8")
    except UnicodeDecodeError:
        return None  # bytes Windows-1252 leaves undefined: some other encoding, or no text at all


def _utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when every other byte is zero, as in UTF-16 text without a BOM."""
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.3 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.3 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _is_utf8(content: bytes) -> bool:
    """Whether ``content`` is valid UTF-8, checked a piece at a time (no copy of the whole text)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(content)
    try:
        for start in range(0, len(view), 1 << 20):
            decoder.decode(view[start:start + (1 << 20)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _looks_binary(content: bytes) -> bool:
    head = content[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 13))
    return controls > len(head) // 100


def _records(text: str, delimiter: str, limit: int) -> tuple[list[list[str]], list[int]]:
    """The first ``limit`` CSV records, and the physical line count consumed after each."""
    lines = text.split("\n", limit * 2)[: limit * 2]
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    records, ends = [], []
    try:
        for record in reader:
            records.append(record)
            ends.append(reader.line_num)
            if len(records) == limit:
                break
    except csv.Error:
        pass  # a sample cut inside a quoted cell: the records so far are enough
    return records, ends


def _sample(data: bytes) -> str:
    """The text of a CSV's first lines, where its header is looked for."""
    end = 0
    for _ in range(2 * HEADER_SEARCH_ROWS):
        found = data.find(b"\n", end, SAMPLE_BYTES)
        if found < 0:
            end = min(len(data), SAMPLE_BYTES)
            break
        end = found + 1
    return data[:end].decode("utf-8", errors="ignore")  # only a character cut at the end can be lost


def _line_offset(data: bytes, lines: int) -> int:
    """The byte position after the first ``lines`` lines."""
    position = 0
    for _ in range(lines):
        found = data.find(b"\n", position)
        if found < 0:
            return len(data)
        position = found + 1
    return position


def _read_csv(name: str, content: bytes, hint: TableName | None,
              lang: Lang = "id") -> tuple[list[Sheet], pd.DataFrame]:
    data = as_utf8(content)
    if data is None:
        return [], problem_frame([_not_a_spreadsheet(name, lang) if _looks_binary(content)
                                  else _unknown_encoding(name, lang)])
    if _looks_binary(data):
        return [], problem_frame([_not_a_spreadsheet(name, lang)])
    if b"\n" not in data:
        data = data.replace(b"\r", b"\n")  # classic Mac line ends
    lines = data.count(b"\n") + (not data.endswith(b"\n"))
    if lines > ROWS.value:
        raise LimitExceeded(ROWS, "limit_file_rows", n=lines)
    text = _sample(data)
    candidates = []
    for delimiter in CSV_DELIMITERS:
        records, ends = _records(text, delimiter, HEADER_SEARCH_ROWS)
        found = find_header(records, hint)
        widest = max((len(r) for r in records), default=0)
        candidates.append(((found is not None, found.matched if found else 0, widest), delimiter, records,
                           ends, found))
    _, delimiter, records, ends, found = max(candidates, key=lambda c: c[0])
    if found is None:
        pii = _unrecognised_pii(name, None, records, lang)
        if pii:
            return [], problem_frame(pii)
        header_at = next((i for i, r in enumerate(records) if any(c.strip() for c in r)), None)
        if header_at is None:
            return [], problem_frame([_not_a_spreadsheet(name, lang)])
        if len(records) < HEADER_SEARCH_ROWS and is_title_only(records):
            return [], problem_frame([_title_only(name, lang)])
        header = [c.strip() for c in records[header_at]]
        return [Sheet(name, None, None, pd.DataFrame(columns=header, dtype="str"), [])], problem_frame()
    width = len(found.cells)
    _check_csv_size(data, lines, width, delimiter, found.index + 1)
    _check_cell_lengths(pd.DataFrame([found.cells]), found.index + 1)
    body, ragged = _csv_body(data, _line_offset(data, ends[found.index]), delimiter, width, found.index + 2,
                             name, lang)
    if ragged:
        return [], problem_frame(ragged)
    _check_cell_lengths(body, found.index + 2)
    return _finish_sheet(name, None, found.table, found.cells, found.index + 1, body, lang=lang)


def _check_csv_size(data: bytes, lines: int, width: int, delimiter: str, header_row: int) -> None:
    """Refuse a CSV whose header is wider than COLUMNS, or that holds more than CELLS cells."""
    if width > COLUMNS.value:
        raise LimitExceeded(COLUMNS, "limit_header_columns", row=header_row, n=width)
    # Each line becomes a row as wide as the header; a line wider than that is read
    # whole before it is reported, so the separators bound the cells too.
    if lines * width > CELLS.value or data.count(delimiter.encode()) > CELLS.value:
        raise LimitExceeded(CELLS, "limit_file_cells", n=CELLS.value)


def _check_cell_lengths(cells: pd.DataFrame, first_row: int) -> None:
    """Refuse cells longer than CELL_CHARS, naming the first one (``first_row``: the row of ``cells``' first)."""
    for position, column in enumerate(cells.columns):
        lengths = cells[column].astype("str").str.len()
        too_long = (lengths > CELL_CHARS.value).fillna(False).to_numpy(dtype=bool)
        if too_long.any():
            at = int(np.argmax(too_long))
            letter = column_letter(position)
            raise LimitExceeded(CELL_CHARS, "limit_cell_chars", row=first_row + at, column=letter,
                                cell=f"{letter}{first_row + at}", n=int(lengths.iloc[at]))


_NOT_BLANK = re.compile(rb"\S")


def _csv_body(data: bytes, offset: int, delimiter: str, width: int, first_row: int,
              name: str, lang: Lang = "id") -> tuple[pd.DataFrame, list[dict]]:
    """The cells below the header (from byte ``offset``) as strings; rows with more cells than headers are
    problems."""
    if not _NOT_BLANK.search(data, offset):
        return pd.DataFrame(columns=range(width), dtype="str"), []
    source = io.BytesIO(data)
    source.seek(offset)
    try:
        with warnings.catch_warnings():
            # A first row wider than the header is cut by pandas with only a warning (without index_col=False,
            # its first cells would even become the index, shifting every value): read it on the slow path.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            body = pd.read_csv(source, sep=delimiter, header=None, names=range(width), dtype="str", index_col=False,
                               na_filter=False, skip_blank_lines=False, quotechar='"', engine="c", encoding="utf-8")
        return body, []
    except (pd.errors.ParserError, pd.errors.ParserWarning):
        pass
    # Slow path, for files with rows wider than the header: extra cells that are
    # empty (a trailing separator) are harmless, others are reported per row.
    source.seek(offset)
    rows, problems = [], []
    reader = csv.reader(io.TextIOWrapper(source, encoding="utf-8", newline=""), delimiter=delimiter)
    try:
        for number, record in enumerate(reader, start=first_row):
            if len(record) > width and any(c.strip() for c in record[width:]):
                problems.append(problem(
                    ERROR, name, texts.text("ingest_wide_row", lang, n=len(record), width=width),
                    texts.text("ingest_wide_row_do", lang), row=number))
            rows.append((record + [""] * width)[:width])
    except csv.Error as exc:
        if "field larger than field limit" not in str(exc):
            raise
        raise LimitExceeded(CELL_CHARS, "limit_cell_near_row", row=first_row + len(rows),
                            n=CELL_CHARS.value) from None
    return pd.DataFrame(rows, columns=range(width), dtype="str"), problems


# --- XLSX -------------------------------------------------------------------------
def _read_xlsx(name: str, content: bytes, hint: TableName | None,
               lang: Lang = "id") -> tuple[list[Sheet], pd.DataFrame]:
    try:
        grids = workbook_grids(content)
    except BrokenWorkbook:
        return [], problem_frame([_broken_xlsx(name, lang)])  # truncated, or a zip that is no workbook

    sheets, problems, unrecognised, titles = [], [], [], 0
    for grid in grids:
        rows = grid.rows
        found = find_header(rows[:HEADER_SEARCH_ROWS], hint)
        if found is None:
            problems.append(problem_frame(_unrecognised_pii(name, grid.title, rows, lang)))
            if is_title_only(rows):
                titles += 1
                continue
            header_at = next((i for i, r in enumerate(rows) if any(r)), None)
            if header_at is not None:
                header = [c or "" for c in rows[header_at]]
                unrecognised.append(Sheet(name, grid.title, None, pd.DataFrame(columns=header, dtype="str"), []))
            continue
        body = pd.DataFrame(rows[found.index + 1:], columns=range(len(found.cells)), dtype="str")
        formulas = {(row + 1, column): text for (row, column), text in grid.formulas.items()}
        found_sheets, found_problems = _finish_sheet(name, grid.title, found.table, found.cells, found.index + 1,
                                                     body, formulas, lang)
        sheets += found_sheets
        problems.append(found_problems)
    problems = concat_problems(problems)
    if (problems["severity"] == ERROR).any():
        return [], problems  # personal identifiers anywhere refuse the whole workbook
    if not sheets and not unrecognised:
        if titles:
            return [], problem_frame([_title_only(name, lang)])
        return [], problem_frame([problem(ERROR, name, texts.text("ingest_no_sheet", lang),
                                          texts.text("ingest_no_sheet_do", lang))])
    return (sheets or unrecognised), problems


# --- header row and table ----------------------------------------------------------
class Header(NamedTuple):
    """The header row found in a sheet: its position, the table it names, and its cells."""

    index: int              # 0-based position among the rows searched; spreadsheet row index + 1
    table: TableName
    matched: int            # how many contract columns it names
    cells: list[str | None]


def find_header(rows: Sequence[Sequence[str | None]], hint: TableName | None = None) -> Header | None:
    """The row that best looks like a table's header, if any.

    A table qualifies when the row names at least half of its required columns,
    or, for the table the file name points to, at least two of its columns.
    A two-level header exported from merged Excel cells (``Kode Peserta`` above
    an empty cell, ``Tahun`` below ``Pelatihan``) is read as one row, the upper
    cell standing in for an empty lower one.
    """
    best, best_score = None, None
    for index, cells in enumerate(rows):
        candidates = [list(cells)]
        if index:
            above = list(rows[index - 1]) + [None] * len(cells)
            candidates.append([cell or above[j] for j, cell in enumerate(cells)])
        for table in ALL_TABLES:
            for combined, header in enumerate(candidates):
                matched = {contract_column(table, c) for c in header if c} - {None}
                required = len(matched & _REQUIRED[table])
                if not (2 * required >= len(_REQUIRED[table]) or (table == hint and len(matched) >= 2)):
                    continue
                # The row alone wins a tie: a title above is not part of the header.
                score = (len(matched), table == hint, required / len(_REQUIRED[table]), -combined)
                if best_score is None or score > best_score:
                    best, best_score = Header(index, table, len(matched), header), score
    return best


def contract_column(table: TableName, header: object) -> str | None:
    """The contract column a header names ('Kode Peserta', 'Pagu (Rp)' -> allocated_idr), if any."""
    lookup = _LOOKUPS[table]
    text = str(header)
    name = lookup.get(normalise_header(text))
    if name is None and _UNIT.search(text):  # units in brackets: 'Pagu (Rp)', 'Usia (tahun)'
        name = lookup.get(normalise_header(_UNIT.sub("", text)))
    return name


_UNIT = re.compile(r"\([^()]*\)\s*$")


def is_pii_header(text: object) -> bool:
    """Whether a header names a personal identifier (nama, NIK, alamat, telepon, ...)."""
    return normalise_header(text) in _PII_WORDS


def _pii_problems(file: str, sheet: str | None, header: Sequence[str | None], row: int,
                  lang: Lang = "id") -> list[dict]:
    return [problem(
        ERROR, file, texts.text("ingest_personal_column", lang, column=str(cell).strip()),
        texts.text("ingest_personal_column_do", lang), sheet=sheet, row=row, column=str(cell).strip())
        for cell in header if cell and is_pii_header(cell)]


def _nik_column_problem(file: str, sheet: str | None, header: str, row: int | None, lang: Lang = "id") -> dict:
    return problem(
        ERROR, file, texts.text("ingest_nik_column", lang, column=header), texts.text("ingest_nik_column_do", lang),
        sheet=sheet, row=row, column=header, value=texts.text("ingest_nik_value", lang))


def column_name(position: int, lang: Lang = "id") -> str:
    """How a problem names a column without a header: ``kolom C`` (en: ``column C``)."""
    return texts.text("ingest_column_letter", lang, letter=column_letter(position))


def _unrecognised_pii(file: str, sheet: str, grid: list[list[str | None]], lang: Lang = "id") -> list[dict]:
    """Personal identifiers in a sheet that is not one of our tables: a header-like row naming one,
    or any cell holding a 16-digit code."""
    for index, cells in enumerate(grid[:HEADER_SEARCH_ROWS]):
        texts = [c for c in cells if c]
        if len(texts) >= 2 and not any(_NUMBER.fullmatch(c.strip()) for c in texts):
            if problems := _pii_problems(file, sheet, cells, index + 1, lang):
                return problems
    for index, cells in enumerate(grid):
        for position, cell in enumerate(cells):
            if cell and _NIK.match(cell.strip()):
                return [_nik_column_problem(file, sheet, column_name(position, lang), index + 1, lang)]
    return []


_NUMBER = re.compile(r"[\d.,\s-]+")
_NIK = re.compile(NIK_PATTERN)


# --- from raw cells to a Sheet --------------------------------------------------------
def _finish_sheet(file: str, sheet: str | None, table: TableName, header: Sequence[str | None],
                  header_row: int, body: pd.DataFrame, formulas: Mapping[tuple[int, int], str] | None = None,
                  lang: Lang = "id") -> tuple[list[Sheet], pd.DataFrame]:
    """The cleaned Sheet of ``body`` (cells below ``header``, on spreadsheet row ``header_row``),
    or the problems that refuse the file (in ``lang``). ``formulas``: (spreadsheet row, column position) ->
    formula of each cell whose result was never saved."""
    rows = np.arange(header_row + 1, header_row + 1 + len(body))
    pii = _pii_problems(file, sheet, header, header_row, lang)
    if pii:
        return [], problem_frame(pii)
    body = body.apply(_stripped)
    unsaved = {(row, column): text for (row, column), text in (formulas or {}).items() if row > header_row}
    # A row whose only cells are unsaved formulas is not empty: its values are missing, and must be reported.
    keep = body.notna().any(axis=1).to_numpy() | np.isin(rows, [row for row, _ in unsaved])
    body, rows = body[keep], rows[keep]
    body, rows = _without_total_rows(body, rows)

    columns, headers, ignored, problems, found_formulas = {}, {}, [], [], {}
    for position, raw_header in enumerate(header):
        text = str(raw_header).strip() if raw_header is not None else ""
        values = body[position]
        if not text and values.isna().all():
            continue  # an empty spacer column
        name = contract_column(table, text)
        nik = nik_cells(values)
        # A code column of NIKs, or any other column holding one, refuses the file; a few NIK-like
        # codes among pseudonymous ones are reported cell by cell instead (lib.validate).
        if nik.any() and (name != Participants.participant_id or nik[values.notna()].all()):
            problems.append(_nik_column_problem(file, sheet, text or column_name(position, lang), header_row,
                                                lang))
            continue
        if name is None:
            ignored.append(text or column_name(position, lang))
        elif name in columns:
            if values.notna().any() and columns[name].notna().any():
                problems.append(problem(
                    ERROR, file, texts.text("ingest_column_twice", lang, column=name, first=headers[name],
                                            second=text),
                    texts.text("ingest_column_twice_do", lang), sheet=sheet, table=table, row=header_row,
                    column=text))
            elif values.notna().any():
                columns[name], headers[name] = values, text
                found_formulas[name] = _frame_positions(unsaved, position, rows)
        else:
            columns[name], headers[name] = values, text
            found_formulas[name] = _frame_positions(unsaved, position, rows)
    if problems:
        return [], problem_frame(problems)
    frame = pd.DataFrame(columns, index=body.index).reset_index(drop=True)
    formulas_by_column = {name: cells for name, cells in found_formulas.items() if cells}
    return [Sheet(file, sheet, table, frame, rows.tolist(), headers, ignored, formulas_by_column)], problem_frame()


def _frame_positions(unsaved: Mapping[tuple[int, int], str], position: int, rows: np.ndarray) -> dict[int, str]:
    """Frame position -> formula of the unsaved formula cells of column ``position`` in the kept ``rows``."""
    out = {}
    for (row, column), text in unsaved.items():
        if column == position:
            at = int(np.searchsorted(rows, row))
            if at < len(rows) and rows[at] == row:
                out[at] = text
    return out


def _stripped(column: pd.Series) -> pd.Series:
    """Cells without surrounding spaces; empty cells missing."""
    text = column.astype("str").str.strip()
    return text.mask(text == "")


def nik_cells(values: pd.Series) -> pd.Series:
    """Which cells are 16-digit codes, like a NIK (length first: the regular expression runs on few cells)."""
    found = (values.str.len() == NIK_LENGTH).fillna(False).astype(bool)
    if found.any():
        found[found] = values[found].str.match(NIK_PATTERN).fillna(False).astype(bool)
    return found


def _without_total_rows(body: pd.DataFrame, rows: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """``body`` without the total rows (first cell 'Jumlah', 'Total', ...) at its bottom."""
    end = len(body)
    while end:
        cells = body.iloc[end - 1]
        filled = cells[cells.notna()]
        if filled.empty or normalise_header(filled.iloc[0]) not in TOTAL_ROW_WORDS:
            break  # (empty: a row of unsaved formulas only)
        end -= 1
    return body.iloc[:end], rows[:end]
