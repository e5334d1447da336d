"""An XLSX workbook's cells, read as a stream within ``lib.limits``, whatever the file claims about itself.

The zip is checked from its directory (number of parts, unpacked size) and
again while each part is inflated, since a directory can lie; every part is
parsed with expat as it streams, so no limit is passed before the reader
notices. A sheet's stated size (``<dimension>``) is ignored: every ``<row>`` it
holds is read. Merged ranges are filled with their top-left value, as Excel
shows them, but only within the rows and columns that hold values, so a range
reaching the sheet's last cell adds nothing. A formula cell whose result was
never saved (a file written by a program, not by Excel) is kept apart, so that
it can be named as such instead of passing for an empty cell.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import struct
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601

from lib.limits import (
    CELL_CHARS,
    CELLS,
    COLUMNS,
    MERGED_RANGES,
    ROWS,
    TEXTS,
    UNPACKED_BYTES,
    ZIP_MEMBERS,
    LimitExceeded,
    Megabytes,
)

CHUNK = 1 << 20  # bytes inflated and parsed at a time
DIRECTORY_ENTRY_BYTES = 1_000  # room for one part in a zip's directory: 46 bytes, its name and extras
_END_OF_DIRECTORY = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_END = b"PK\x06\x06"
_DOCUMENT_TYPE = "/officeDocument"
_DEFAULT_WORKBOOK = "xl/workbook.xml"


class BrokenWorkbook(Exception):
    """The bytes are not a readable XLSX workbook: truncated, not a workbook, or malformed inside."""


@dataclass
class Grid:
    """One worksheet as text cells.

    ``rows`` runs from row 1 to the last row holding a value, every row as wide
    as the widest, ``None`` where a cell is empty, merged ranges filled.
    ``formulas`` maps (row, column), both 0-based, of each formula cell whose
    result was never saved to its formula (``=SUM(J5:J9)``); the cell itself is
    ``None``.
    """

    title: str
    rows: list[list[str | None]]
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)


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


def column_letter(position: int) -> str:
    """0 -> 'A', 26 -> 'AA': the spreadsheet letter of a 0-based column position."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# --- the zip --------------------------------------------------------------------------
def directory_extent(content: bytes) -> tuple[int, int] | None:
    """(parts, bytes) of a zip's directory as its end record states them; None without an end record."""
    end = content.rfind(_END_OF_DIRECTORY, max(0, len(content) - 65_557))
    if end < 0 or end + 22 > len(content):
        return None
    entries, size = struct.unpack_from("<HI", content, end + 10)
    locator = end - 20
    if locator >= 0 and content[locator:locator + 4] == _ZIP64_LOCATOR:
        offset = struct.unpack_from("<Q", content, locator + 8)[0]
        if content[offset:offset + 4] == _ZIP64_END and offset + 48 <= len(content):
            entries, size = struct.unpack_from("<QQ", content, offset + 32)
    return entries, size


def workbook_grids(content: bytes) -> list[Grid]:
    """Every worksheet of an XLSX workbook, in workbook order.

    Raises ``LimitExceeded`` for a file beyond one of ``lib.limits``, and
    ``BrokenWorkbook`` for bytes that are not a readable workbook.
    """
    extent = directory_extent(content)
    if extent is not None and extent[0] > ZIP_MEMBERS.value:
        raise LimitExceeded(ZIP_MEMBERS, "limit_xlsx_parts", n=extent[0])
    if extent is not None and extent[1] > ZIP_MEMBERS.value * DIRECTORY_ENTRY_BYTES:
        # zipfile reads the whole directory whatever count it states: its size bounds the parts too.
        raise LimitExceeded(ZIP_MEMBERS, "limit_xlsx_directory", size=Megabytes(extent[1]), n=ZIP_MEMBERS.value)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = [info for info in archive.infolist() if not info.is_dir()]
            if len(parts) > ZIP_MEMBERS.value:
                raise LimitExceeded(ZIP_MEMBERS, "limit_xlsx_parts", n=len(parts))
            declared = sum(info.file_size for info in parts)
            if declared > UNPACKED_BYTES.value:
                raise LimitExceeded(UNPACKED_BYTES, "limit_xlsx_unpacked", size=Megabytes(declared))
            return _Package(archive, parts).grids()
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError,
            expat.ExpatError, KeyError) as exc:
        # Truncated, encrypted, an unknown compression, a part missing, XML that does not parse.
        raise BrokenWorkbook(f"{type(exc).__name__}: {exc}") from exc


class _Handler(Protocol):
    def start(self, name: str, attrs: dict[str, str]) -> None: ...
    def end(self, name: str) -> None: ...
    def text(self, data: str) -> None: ...


def _local(name: str) -> str:
    """'x:c' -> 'c', 'c' -> 'c': an element or attribute name without its prefix."""
    return name[name.find(":") + 1:]


def _attribute(attrs: Mapping[str, str], local: str) -> str | None:
    """The attribute whose name without prefix is ``local`` ('r:id' for 'id')."""
    for key, value in attrs.items():
        if _local(key) == local:
            return value
    return None


def _no_declarations(*_args) -> None:
    # An XLSX part never declares a document type or entities; one that does is
    # not from a spreadsheet program (and could expand entities without end).
    raise BrokenWorkbook("XML declares a document type or entities")


class Relationship(NamedTuple):
    type: str
    path: str   # the part it points to, inside the zip


class _Package:
    """The parts of an open workbook zip, each inflated and parsed within UNPACKED_BYTES in all."""

    def __init__(self, archive: zipfile.ZipFile, parts: list[zipfile.ZipInfo]):
        self.archive = archive
        # Part names are case-insensitive in the package format.
        self.names = {info.filename.casefold(): info.filename for info in parts}
        self.inflated = 0
        self.cells = 0

    def parse(self, path: str, handler: _Handler) -> None:
        """Stream the XML part at ``path`` through ``handler``; count its inflated bytes."""
        name = self.names.get(path.casefold())
        if name is None:
            raise BrokenWorkbook(f"part {path} is missing")
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.buffer_size = 1 << 16
        parser.StartElementHandler = handler.start
        parser.EndElementHandler = handler.end
        parser.CharacterDataHandler = handler.text
        parser.StartDoctypeDeclHandler = _no_declarations
        parser.EntityDeclHandler = _no_declarations
        with self.archive.open(name) as part:
            while chunk := part.read(CHUNK):
                # zipfile stops at the size the directory states; this counts what was really inflated.
                self.inflated += len(chunk)
                if self.inflated > UNPACKED_BYTES.value:
                    raise LimitExceeded(UNPACKED_BYTES, "limit_xlsx_inflated", size=Megabytes(UNPACKED_BYTES.value))
                parser.Parse(chunk, False)
        parser.Parse(b"", True)

    def relationships(self, source: str) -> dict[str, Relationship]:
        """Id -> Relationship of the part at ``source`` ('' for the package itself)."""
        folder, base = posixpath.split(source)
        rels = posixpath.join(folder, "_rels", base + ".rels")
        if rels.casefold() not in self.names:
            return {}
        found = _Relationships()
        self.parse(rels, found)
        out = {}
        for rel_id, kind, target, mode in found.items:
            if mode == "External" or not target:
                continue
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join(folder, target))
            out[rel_id] = Relationship(kind, path)
        return out

    def grids(self) -> list[Grid]:
        document = next((r.path for r in self.relationships("").values() if r.type.endswith(_DOCUMENT_TYPE)),
                        _DEFAULT_WORKBOOK)
        workbook = _WorkbookPart()
        self.parse(document, workbook)
        related = self.relationships(document)
        strings = _StringsPart()
        styles = _StylesPart()
        for rel in related.values():
            if rel.type.endswith("/sharedStrings"):
                self.parse(rel.path, strings)
            elif rel.type.endswith("/styles"):
                self.parse(rel.path, styles)
        dates, durations = styles.date_styles()
        epoch = CALENDAR_MAC_1904 if workbook.date1904 else CALENDAR_WINDOWS_1900
        grids = []
        for title, rel_id in workbook.sheets:
            rel = related.get(rel_id or "")
            if rel is None or not rel.type.endswith("/worksheet"):
                continue  # a chart sheet or dialog sheet holds no table
            sheet = _SheetPart(title, strings.strings, dates, durations, epoch)
            self.parse(rel.path, sheet)
            grid = sheet.grid()
            self.cells += len(grid.rows) * (len(grid.rows[0]) if grid.rows else 0)
            if self.cells > CELLS.value:
                raise LimitExceeded(CELLS, "limit_sheets_cells", sheet=title, n=CELLS.value)
            grids.append(grid)
        return grids


class _Relationships:
    def __init__(self):
        self.items: list[tuple[str, str, str, str]] = []

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if _local(name) == "Relationship":
            self.items.append((attrs.get("Id", ""), attrs.get("Type", ""), attrs.get("Target", ""),
                               attrs.get("TargetMode", "")))

    def end(self, name: str) -> None:
        pass

    def text(self, data: str) -> None:
        pass


class _WorkbookPart:
    def __init__(self):
        self.sheets: list[tuple[str, str | None]] = []   # (title, relationship id)
        self.date1904 = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "sheet":
            self.sheets.append((attrs.get("name", ""), _attribute(attrs, "id")))
        elif local == "workbookPr":
            self.date1904 = attrs.get("date1904", "").strip().casefold() in ("1", "true")

    def end(self, name: str) -> None:
        pass

    def text(self, data: str) -> None:
        pass


class _StylesPart:
    """The number format of each cell style, to tell a date cell from a number."""

    def __init__(self):
        self.custom: dict[int, str] = {}
        self.formats: list[int] = []   # cellXfs: style index -> number format id
        self.in_cell_styles = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "numFmt":
            self.custom[_number(attrs.get("numFmtId"))] = attrs.get("formatCode", "")
        elif local == "cellXfs":
            self.in_cell_styles = True
        elif local == "xf" and self.in_cell_styles:
            self.formats.append(_number(attrs.get("numFmtId")))

    def end(self, name: str) -> None:
        if _local(name) == "cellXfs":
            self.in_cell_styles = False

    def text(self, data: str) -> None:
        pass

    def date_styles(self) -> tuple[frozenset[str], frozenset[str]]:
        """The style indexes (as written in a cell's ``s``) of dates, and of durations among them."""
        dates, durations = set(), set()
        for index, format_id in enumerate(self.formats):
            code = self.custom.get(format_id) or BUILTIN_FORMATS.get(format_id)
            if code and is_date_format(code):
                dates.add(str(index))
                if is_timedelta_format(code):
                    durations.add(str(index))
        return frozenset(dates), frozenset(durations)


def _number(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        raise BrokenWorkbook(f"not a number: {text[:20]!r}") from None


def _too_long(sheet: str | None = None, row: int | None = None, column: str = "") -> LimitExceeded:
    """A text longer than CELL_CHARS: in the cell of ``sheet`` at ``column``/``row``, or a shared text (none)."""
    if sheet is None:
        return LimitExceeded(CELL_CHARS, "limit_text_chars", n=CELL_CHARS.value)
    return LimitExceeded(CELL_CHARS, "limit_sheet_cell_chars", sheet=sheet, row=row, column=column,
                         cell=f"{column}{row}", n=CELL_CHARS.value)


class _StringsPart:
    """The shared strings: the text of each ``<si>``, without its phonetic guide (``<rPh>``)."""

    def __init__(self):
        self.strings: list[str] = []
        self.parts: list[str] | None = None
        self.collecting = False
        self.length = 0
        self.phonetic = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = name[name.find(":") + 1:]  # _local, inline: called once per text
        if local == "si":
            self.parts, self.length = [], 0
        elif local == "t":
            self.collecting = self.parts is not None and not self.phonetic
        elif local == "rPh":
            self.phonetic += 1

    def text(self, data: str) -> None:
        if self.collecting:
            self.length += len(data)
            if self.length > CELL_CHARS.value:
                raise _too_long()
            self.parts.append(data)

    def end(self, name: str) -> None:
        local = name[name.find(":") + 1:]
        if local == "t":
            self.collecting = False
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "si" and self.parts is not None:
            self.strings.append("".join(self.parts))
            self.parts = None
            if len(self.strings) > TEXTS.value:
                # Each holds memory of its own: a real file repeats few texts beyond its codes.
                raise LimitExceeded(TEXTS, "limit_file_texts", n=TEXTS.value)


_DIGITS = "0123456789"
_COLUMNS: dict[str, int] = {}   # 'AB' -> 28, filled as met


def _column_number(letters: str) -> int:
    """'A' -> 1, 'AB' -> 28: the 1-based column of a cell reference's letters."""
    number = _COLUMNS.get(letters)
    if number is None:
        number = 0
        for char in letters.upper():
            digit = ord(char) - 64
            if not 1 <= digit <= 26 or number > 1_000_000:
                raise BrokenWorkbook(f"bad cell reference {letters[:20]!r}")
            number = number * 26 + digit
        if len(_COLUMNS) < 100_000:
            _COLUMNS[letters] = number
    return number


def _reference(ref: str) -> tuple[int, int]:
    """'B12' -> (12, 2): the 1-based row and column of a cell reference."""
    ref = ref.replace("$", "")
    letters = ref.rstrip(_DIGITS)
    digits = ref[len(letters):]
    if not letters or not digits:
        raise BrokenWorkbook(f"bad cell reference {ref[:20]!r}")
    return int(digits), _column_number(letters)


class _SheetPart:
    """One worksheet's cells, checked against the limits as they stream past."""

    def __init__(self, title: str, strings: list[str], dates: frozenset[str], durations: frozenset[str],
                 epoch: dt.datetime):
        self.title, self.strings, self.dates, self.durations, self.epoch = title, strings, dates, durations, epoch
        self.rows: dict[int, list[str | None]] = {}
        self.formulas: dict[tuple[int, int], str] = {}
        self.merges: list[tuple[int, int, int, int]] = []
        self.cells = 0
        self.width = 0
        self.memo: dict[tuple[str, str | None], str | None] = {}   # number text and style -> cell text
        # The row being read.
        self.row = 0
        self.row_from_cells = False
        self.values: list[str | None] | None = None
        # The cell being read.
        self.column = 0
        self.kind = "n"
        self.style: str | None = None
        self.value: list[str] | None = None
        self.formula: list[str] | None = None
        self.inline: list[str] | None = None
        self.buffer: list[str] | None = None
        self.length = 0
        self.phonetic = 0

    # --- expat handlers
    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = name[name.find(":") + 1:]
        if local == "c":
            ref = attrs.get("r")
            if ref:
                row, self.column = _reference(ref)
                if self.row_from_cells:
                    self.row, self.row_from_cells = row, False
            else:
                self.column += 1
            self.kind = attrs.get("t", "n")
            self.style = attrs.get("s")
            self.value = self.formula = self.inline = None
            self.length = 0
        elif local == "v":
            self.value = self.buffer = []
            self.length = 0
        elif local == "f":
            self.formula = self.buffer = []
            self.length = 0
        elif local == "row":
            ref = attrs.get("r")
            if ref:
                self.row = _number(ref)
                self.row_from_cells = False
            else:
                self.row += 1
                self.row_from_cells = True
            self.values = []
            self.column = 0
        elif local == "is":
            self.inline = []
            self.length = 0
        elif local == "t":
            if self.inline is not None and not self.phonetic:
                self.buffer = self.inline
        elif local == "rPh":
            self.phonetic += 1
        elif local == "mergeCell":
            self._merge(attrs.get("ref", ""))

    def text(self, data: str) -> None:
        if self.buffer is not None:
            self.length += len(data)
            if self.length > CELL_CHARS.value:
                letter = column_letter(self.column - 1)
                raise _too_long(self.title, self.row, letter)
            self.buffer.append(data)

    def end(self, name: str) -> None:
        local = name[name.find(":") + 1:]
        if local == "c":
            self._end_cell()
        elif local in ("v", "f", "t"):
            self.buffer = None
        elif local == "row":
            self._end_row()
        elif local == "rPh":
            self.phonetic -= 1

    # --- cells and rows
    def _cell_value(self) -> str | None:
        kind = self.kind
        if kind == "inlineStr":
            return "".join(self.inline) if self.inline else None
        if not self.value:
            return None
        text = "".join(self.value)
        if kind == "s":
            try:
                return self.strings[int(text)]
            except (ValueError, IndexError):
                raise BrokenWorkbook(f"shared string {text[:20]!r} does not exist") from None
        if kind == "str" or kind == "e":
            return text
        if kind == "b":
            return "TRUE" if text.strip() in ("1", "true") else "FALSE"
        if kind == "d":
            try:
                return cell_text(from_ISO8601(text))
            except ValueError:
                return text
        key = (text, self.style)
        if key in self.memo:
            return self.memo[key]
        value = self._number_text(text)
        if len(self.memo) < 1_000_000:
            self.memo[key] = value
        return value

    def _number_text(self, text: str) -> str:
        try:
            number: int | float = float(text) if ("." in text or "e" in text or "E" in text) else int(text)
        except ValueError:
            return text
        if self.style in self.dates:
            try:
                return cell_text(from_excel(number, self.epoch, timedelta=self.style in self.durations))
            except (OverflowError, ValueError):
                return "#VALUE!"  # marked as a date, but no date has this number (as openpyxl reads it)
        return cell_text(number)

    def _end_cell(self) -> None:
        values = self.values
        if values is None:
            return  # a cell outside any row
        value = self._cell_value()
        # No result, or an empty one (``<v/>``, as programs write it), except a text result that is empty.
        unsaved = self.formula is not None and not self.value and self.kind not in ("str", "inlineStr")
        if not value and not unsaved:
            return
        column = self.column
        if column > COLUMNS.value:
            letter = column_letter(column - 1)
            raise LimitExceeded(COLUMNS, "limit_sheet_column", sheet=self.title, row=self.row, column=letter,
                                letter=letter, n=column)
        if len(values) < column:
            values.extend([None] * (column - len(values)))
        values[column - 1] = value or None
        if unsaved:
            self.formulas[(self.row, column)] = "=" + "".join(self.formula or [])

    def _end_row(self) -> None:
        values, self.values = self.values, None
        if not values:
            return
        row = self.row
        if row > ROWS.value:
            raise LimitExceeded(ROWS, "limit_sheet_row", sheet=self.title, row=row, n=row)
        if row in self.rows:
            raise BrokenWorkbook(f"row {row} appears twice")
        self.rows[row] = values
        self.cells += len(values)
        if self.cells > CELLS.value:
            raise LimitExceeded(CELLS, "limit_sheet_cells", sheet=self.title, row=row, n=CELLS.value)
        self.width = max(self.width, len(values))

    def _merge(self, ref: str) -> None:
        if len(self.merges) >= MERGED_RANGES.value:
            raise LimitExceeded(MERGED_RANGES, "limit_sheet_merged", sheet=self.title, n=MERGED_RANGES.value)
        first, _, last = ref.partition(":")
        try:
            top, left = _reference(first)
            bottom, right = _reference(last) if last else (top, left)
        except BrokenWorkbook:
            return  # a malformed range merges nothing, as Excel repairs it
        self.merges.append((min(top, bottom), min(left, right), max(top, bottom), max(left, right)))

    # --- the sheet
    def grid(self) -> Grid:
        """The rows as a dense grid: empty rows and short rows filled up, merged ranges filled."""
        height, width = max(self.rows, default=0), self.width
        if height * width > CELLS.value:
            raise LimitExceeded(CELLS, "limit_sheet_span", sheet=self.title, height=height, width=width)
        rows: list[list[str | None]] = []
        for number in range(1, height + 1):
            values = self.rows.pop(number, None)
            if values is None:
                rows.append([None] * width)
            else:
                values.extend([None] * (width - len(values)))
                rows.append(values)
        filled = 0
        for top, left, bottom, right in self.merges:
            if top > height or left > width:
                continue  # wholly outside the cells that hold values: nothing to show
            bottom, right = min(bottom, height), min(right, width)
            filled += (bottom - top + 1) * (right - left + 1)
            if filled > CELLS.value:
                raise LimitExceeded(CELLS, "limit_sheet_merged_cells", sheet=self.title, n=CELLS.value)
            span = [rows[top - 1][left - 1]] * (right - left + 1)
            for index in range(top - 1, bottom):
                rows[index][left - 1:right] = span
        formulas = {(row - 1, column - 1): text for (row, column), text in self.formulas.items()}
        return Grid(self.title, rows, formulas)
