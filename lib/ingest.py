"""Turning the bytes of an uploaded file into raw sheets.

A file is CSV (comma or semicolon, UTF-8 with or without BOM, or Windows-1252)
or XLSX (every sheet). In each sheet the header row is looked for among the
first rows, so title rows above it are skipped; the table (participants,
outcomes or budget) is recognised from which headers match best. Empty rows,
empty columns and a total row at the bottom are dropped, cells are stripped.

Nothing here checks values against the contract (that is ``lib.validate``),
with one exception: a file that holds personal identifiers (a name, NIK,
address or phone column, or a column of 16-digit codes) is refused here, so
that such values never reach a frame.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import NamedTuple
from xml.etree.ElementTree import ParseError

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.utils.exceptions import InvalidFileException

from lib.schema import (
    BUDGET,
    NIK_PATTERN,
    OUTCOMES_TABLE,
    PARTICIPANTS,
    PII_HEADERS,
    TABLES,
    TOTAL_ROW_WORDS,
    Participants,
    TableName,
    column_specs,
    header_lookup,
    normalise_header,
)

PROBLEM_COLUMNS = ["severity", "file", "sheet", "table", "row", "column", "value", "problem", "allowed",
                   "suggestion"]
ERROR = "error"
WARNING = "warning"

TABLE_LABELS: dict[TableName, str] = {
    PARTICIPANTS: "peserta",
    OUTCOMES_TABLE: "hasil pemantauan",
    BUDGET: "anggaran",
}
# Words in a file name that say which table it holds; used only to break a tie
# between tables whose headers match equally well (participants and outcomes
# share kode_peserta, tahun, program).
NAME_HINTS: dict[TableName, tuple[str, ...]] = {
    PARTICIPANTS: ("participant", "peserta"),
    OUTCOMES_TABLE: ("outcome", "hasil", "pemantauan"),
    BUDGET: ("budget", "anggaran"),
}
HEADER_SEARCH_ROWS = 20
NIK_LENGTH = 16  # the length NIK_PATTERN asks for; checked first because it is cheap
# "Nama Peserta", "Alamat Rumah", "No HP Peserta": a personal-identifier word
# followed by one of these is a personal identifier too.
PII_SUFFIXES = ("peserta", "lengkap", "penerima", "anggota", "rumah", "domisili", "ktp", "wa",
                "whatsapp", "hp", "telp", "telepon", "ponsel")
# Row-number columns that staff add to every sheet; not worth a warning.
QUIET_HEADERS = frozenset({"no", "nomor", "nourut", "urut", "nomorurut"})

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, or an .xlsx protected by a password
_ZIP_MAGIC = b"PK\x03\x04"
_LOOKUPS = {table: header_lookup(table) for table in TABLES}
_REQUIRED = {table: {s.name for s in column_specs(table) if s.required} for table in TABLES}
_PII_WORDS = PII_HEADERS | {word + suffix for word in PII_HEADERS for suffix in PII_SUFFIXES}


@dataclass
class Sheet:
    """One table found in an uploaded file, as raw text cells.

    ``table`` is None for a sheet whose headers match no table; ``lib.validate``
    reports it. ``frame`` holds stripped strings (missing where the cell is
    empty) under contract column names; ``rows`` the spreadsheet row number of
    each frame row; ``headers`` the header as written for each contract column;
    ``ignored`` the headers that are not in the contract (dropped from ``frame``).
    """

    file: str
    sheet: str | None
    table: TableName | None
    frame: pd.DataFrame
    rows: list[int]
    headers: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)


# --- problems -----------------------------------------------------------------
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


def column_letter(position: int) -> str:
    """0 -> 'A', 26 -> 'AA': the spreadsheet letter of a column position."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# --- entry point ----------------------------------------------------------------
def read_sheets(name: str, content: bytes) -> tuple[list[Sheet], pd.DataFrame]:
    """Every table found in one uploaded file (CSV or XLSX), plus file-level problems (PROBLEM_COLUMNS)."""
    suffix = PurePath(name).suffix.casefold()
    hint = table_hint(name)
    if not content.strip():
        return [], problem_frame([problem(
            ERROR, name, "Berkas kosong.",
            "Berkas CSV atau XLSX berisi baris judul kolom dan sedikitnya satu baris data.")])
    if content.startswith(_OLE_MAGIC) or suffix == ".xls":
        return [], problem_frame([problem(
            ERROR, name, "Berkas ini berformat Excel lama (.xls) atau dilindungi kata sandi, "
            "sehingga tidak dapat dibaca.",
            "Buka di Excel, hapus kata sandinya bila ada, lalu simpan sebagai .xlsx atau CSV.")])
    try:
        if content.startswith(_ZIP_MAGIC):
            return _read_xlsx(name, content, hint)
        if suffix in (".xlsx", ".xlsm"):
            return [], problem_frame([_broken_xlsx(name)])
        return _read_csv(name, content, hint)
    except Exception as exc:  # noqa: BLE001 - an upload no reader foresaw is still the user's to fix, not a crash
        return [], problem_frame([problem(
            ERROR, name, f"Berkas tidak dapat dibaca ({type(exc).__name__}).",
            "Simpan ulang dari Excel sebagai .xlsx atau CSV lalu unggah lagi.")])


def table_hint(name: str) -> TableName | None:
    """The table a file name points to (``peserta_2024.csv`` -> participants), if any."""
    stem = normalise_header(PurePath(name).stem)
    for table, words in NAME_HINTS.items():
        if any(word in stem for word in words):
            return table
    return None


def _broken_xlsx(name: str) -> dict:
    return problem(
        ERROR, name, "Berkas XLSX rusak atau tidak lengkap (mungkin terpotong saat diunggah), "
        "atau bukan berkas Excel.",
        "Buka berkasnya di Excel, simpan ulang sebagai .xlsx atau CSV, lalu unggah lagi.")


def _not_a_spreadsheet(name: str) -> dict:
    return problem(
        ERROR, name, "Berkas ini bukan tabel CSV atau XLSX yang dapat dibaca.",
        "Berkas .csv (dipisah koma atau titik koma) atau .xlsx dari Excel.")


# --- CSV --------------------------------------------------------------------------
def decode_text(content: bytes) -> str:
    """The text of a CSV file: UTF-8 (BOM or not), else Windows-1252, else Latin-1."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            pass
    return content.decode("latin-1")  # never fails: every byte is a character


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


def _read_csv(name: str, content: bytes, hint: TableName | None) -> tuple[list[Sheet], pd.DataFrame]:
    if _looks_binary(content):
        return [], problem_frame([_not_a_spreadsheet(name)])
    text = decode_text(content)
    if "\n" not in text:
        text = text.replace("\r", "\n")  # classic Mac line ends
    candidates = []
    for delimiter in (",", ";"):
        records, ends = _records(text, delimiter, HEADER_SEARCH_ROWS)
        found = find_header(records, hint)
        widest = max((len(r) for r in records), default=0)
        candidates.append(((found is not None, found.matched if found else 0, widest), delimiter, records,
                           ends, found))
    _, delimiter, records, ends, found = max(candidates, key=lambda c: c[0])
    if found is None:
        pii = _unrecognised_pii(name, None, records)
        if pii:
            return [], problem_frame(pii)
        header_at = next((i for i, r in enumerate(records) if any(c.strip() for c in r)), None)
        if header_at is None:
            return [], problem_frame([_not_a_spreadsheet(name)])
        header = [c.strip() for c in records[header_at]]
        return [Sheet(name, None, None, pd.DataFrame(columns=header, dtype="str"), [])], problem_frame()
    lines_before_body = ends[found.index]
    offset = sum(len(line) + 1 for line in text.split("\n", lines_before_body)[:lines_before_body])
    body, ragged = _csv_body(text[offset:], delimiter, len(found.cells), found.index + 2, name)
    if ragged:
        return [], problem_frame(ragged)
    return _finish_sheet(name, None, found.table, found.cells, found.index + 1, body)


def _csv_body(text: str, delimiter: str, width: int, first_row: int,
              name: str) -> tuple[pd.DataFrame, list[dict]]:
    """The cells below the header as strings; rows with more cells than headers are problems."""
    if not text.strip():
        return pd.DataFrame(columns=range(width), dtype="str"), []
    try:
        body = pd.read_csv(io.StringIO(text), sep=delimiter, header=None, names=range(width), dtype="str",
                           na_filter=False, skip_blank_lines=False, quotechar='"', engine="c")
        return body, []
    except pd.errors.ParserError:
        pass
    # Slow path, for files with rows wider than the header: extra cells that are
    # empty (a trailing separator) are harmless, others are reported per row.
    rows, problems = [], []
    for number, record in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=first_row):
        if len(record) > width and any(c.strip() for c in record[width:]):
            problems.append(problem(
                ERROR, name, f"Baris ini berisi {len(record)} sel, padahal judul kolom hanya {width}.",
                "Satu sel per judul kolom. Teks yang berisi koma atau titik koma harus diapit tanda kutip "
                '("...").', row=number))
        rows.append((record + [""] * width)[:width])
    return pd.DataFrame(rows, columns=range(width), dtype="str"), problems


# --- XLSX -------------------------------------------------------------------------
_MERGE_REF = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+[0-9]+):([A-Z]+[0-9]+)\"")


def _read_xlsx(name: str, content: bytes, hint: TableName | None) -> tuple[list[Sheet], pd.DataFrame]:
    try:
        grids = _xlsx_grids(content)
    except (zipfile.BadZipFile, EOFError, KeyError, OSError, InvalidFileException, ParseError):
        return [], problem_frame([_broken_xlsx(name)])  # truncated, or a zip that is no workbook

    sheets, problems, unrecognised = [], [], []
    for title, grid in grids:
        found = find_header(grid[:HEADER_SEARCH_ROWS], hint)
        if found is None:
            problems.append(problem_frame(_unrecognised_pii(name, title, grid)))
            header_at = next((i for i, r in enumerate(grid) if any(r)), None)
            if header_at is not None:
                header = [c or "" for c in grid[header_at]]
                unrecognised.append(Sheet(name, title, None, pd.DataFrame(columns=header, dtype="str"), []))
            continue
        body = pd.DataFrame(grid[found.index + 1:], columns=range(len(found.cells)), dtype="str")
        found_sheets, found_problems = _finish_sheet(name, title, found.table, found.cells, found.index + 1, body)
        sheets += found_sheets
        problems.append(found_problems)
    problems = concat_problems(problems)
    if (problems["severity"] == ERROR).any():
        return [], problems  # personal identifiers anywhere refuse the whole workbook
    if not sheets and not unrecognised:
        return [], problem_frame([problem(ERROR, name, "Berkas XLSX tidak berisi data di lembar mana pun.",
                                          "Lembar dengan baris judul kolom dan baris data.")])
    return (sheets or unrecognised), problems


def _xlsx_grids(content: bytes) -> list[tuple[str, list[list[str | None]]]]:
    """(sheet name, rows of cell texts) of every worksheet, merged ranges filled."""
    # read_only streams the rows (a big sheet never sits in memory as cell
    # objects); merged ranges are not exposed in that mode, so they are read
    # from the sheet's XML, where they follow the rows.
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    grids = []
    try:
        for ws in workbook.worksheets:
            grid = [[cell_text(v) for v in row] for row in ws.iter_rows(min_row=1, values_only=True)]
            merged = [(coordinate_to_tuple(a.decode()), coordinate_to_tuple(b.decode()))
                      for a, b in _merged_refs(ws)]
            grids.append((ws.title, _fill_merged(grid, merged)))
    finally:
        workbook.close()
    return grids


def _merged_refs(ws) -> set[tuple[bytes, bytes]]:
    """('A3', 'A4') for each merged range of a read-only worksheet, scanning its XML in chunks."""
    refs: set[tuple[bytes, bytes]] = set()
    tail = b""
    with ws._get_source() as source:  # read-only sheets keep no merged ranges; their XML does
        while chunk := source.read(1 << 20):
            data = tail + chunk
            refs.update(m.groups() for m in _MERGE_REF.finditer(data))
            tail = data[-200:]
    return refs


def _fill_merged(grid: list[list], merged: list[tuple[tuple[int, int], tuple[int, int]]]) -> list[list]:
    """Rows of equal width, each merged range's cells holding its top-left value, as Excel shows them."""
    width = max([len(r) for r in grid] + [c for _, (_, c) in merged] + [0])
    height = max([len(grid)] + [r for _, (r, _) in merged])
    grid = [list(r) + [None] * (width - len(r)) for r in grid]
    grid += [[None] * width for _ in range(height - len(grid))]
    for (top, left), (bottom, right) in merged:
        value = grid[top - 1][left - 1]
        for r in range(top - 1, bottom):
            for c in range(left - 1, right):
                grid[r][c] = value
    return grid


def cell_text(value: object) -> str | None:
    """An XLSX cell as the text a CSV export would hold: 2024.0 -> '2024', a date -> '2024-03-31'."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e18 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


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
        for table in TABLES:
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


def _pii_problems(file: str, sheet: str | None, header: Sequence[str | None], row: int) -> list[dict]:
    return [problem(
        ERROR, file, f"Kolom '{str(cell).strip()}' berisi data pribadi. Berkas ditolak seluruhnya: dasbor hanya "
        "menyimpan kode samaran peserta, bukan nama, NIK, alamat atau nomor telepon.",
        "Hapus kolom ini dari berkas, lalu unggah lagi. Identitas peserta cukup berupa kode peserta.",
        sheet=sheet, row=row, column=str(cell).strip())
        for cell in header if cell and is_pii_header(cell)]


def _nik_column_problem(file: str, sheet: str | None, header: str, row: int | None) -> dict:
    return problem(
        ERROR, file, f"Kolom '{header}' berisi angka 16 digit yang tampak seperti NIK. Berkas ditolak "
        "seluruhnya: dasbor hanya menyimpan kode samaran peserta, bukan nomor identitas.",
        "Hapus kolom ini, atau ganti isinya dengan kode samaran peserta.",
        sheet=sheet, row=row, column=header, value="(16 digit, disembunyikan)")


def _unrecognised_pii(file: str, sheet: str, grid: list[list[str | None]]) -> list[dict]:
    """Personal identifiers in a sheet that is not one of our tables: a header-like row naming one,
    or any cell holding a 16-digit code."""
    for index, cells in enumerate(grid[:HEADER_SEARCH_ROWS]):
        texts = [c for c in cells if c]
        if len(texts) >= 2 and not any(_NUMBER.fullmatch(c.strip()) for c in texts):
            if problems := _pii_problems(file, sheet, cells, index + 1):
                return problems
    for index, cells in enumerate(grid):
        for position, cell in enumerate(cells):
            if cell and _NIK.match(cell.strip()):
                return [_nik_column_problem(file, sheet, f"kolom {column_letter(position)}", index + 1)]
    return []


_NUMBER = re.compile(r"[\d.,\s-]+")
_NIK = re.compile(NIK_PATTERN)


# --- from raw cells to a Sheet --------------------------------------------------------
def _finish_sheet(file: str, sheet: str | None, table: TableName, header: Sequence[str | None],
                  header_row: int, body: pd.DataFrame) -> tuple[list[Sheet], pd.DataFrame]:
    """The cleaned Sheet of ``body`` (cells below ``header``, on spreadsheet row ``header_row``),
    or the problems that refuse the file."""
    rows = np.arange(header_row + 1, header_row + 1 + len(body))
    pii = _pii_problems(file, sheet, header, header_row)
    if pii:
        return [], problem_frame(pii)
    body = body.apply(_stripped)
    keep = body.notna().any(axis=1).to_numpy()
    body, rows = body[keep], rows[keep]
    body, rows = _without_total_rows(body, rows)

    columns, headers, ignored, problems = {}, {}, [], []
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
            problems.append(_nik_column_problem(file, sheet, text or f"kolom {column_letter(position)}",
                                                header_row))
            continue
        if name is None:
            ignored.append(text or f"kolom {column_letter(position)}")
        elif name in columns:
            if values.notna().any() and columns[name].notna().any():
                problems.append(problem(
                    ERROR, file, f"Kolom {name} muncul dua kali ('{headers[name]}' dan '{text}').",
                    "Setiap kolom cukup satu kali; hapus salah satunya.",
                    sheet=sheet, table=table, row=header_row, column=text))
            elif values.notna().any():
                columns[name], headers[name] = values, text
        else:
            columns[name], headers[name] = values, text
    if problems:
        return [], problem_frame(problems)
    frame = pd.DataFrame(columns, index=body.index).reset_index(drop=True)
    return [Sheet(file, sheet, table, frame, rows.tolist(), headers, ignored)], problem_frame()


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
        first = cells[cells.notna()].iloc[0]
        if normalise_header(first) not in TOTAL_ROW_WORDS:
            break
        end -= 1
    return body.iloc[:end], rows[:end]
