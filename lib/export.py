"""Download files of a published table: the same rows and the same hidden figures as the page.

``display_frame`` turns a table published by ``lib.privacy.publishable`` into
what a reader downloads (user labels as headers, ``<5`` and "disembunyikan"
where figures are hidden, rates as percentages). ``download_sheet`` adds what
a file needs to stand on its own (title, data version, active filters, each
column's kind), and two writers make the files a department head takes to a
hearing:

- ``csv_file``: the reader's regional convention, because Excel splits a CSV
  by the separator of the computer's regional settings. Indonesian: ``;``
  between fields and a decimal comma (``12,5``); English: ``,`` and a decimal
  point. UTF-8 with a byte-order mark, every text quoted, formula starts
  neutralised (OWASP CSV injection), units in the headers (``Pagu (Rp)``,
  ``Tingkat bekerja (%)``).
- ``xlsx_file``: the title, data version and active filters above the table,
  rupiah and percentage number formats (a rate is stored as a fraction with a
  ``0.0%`` format, so Excel computes with it as a percentage), a sheet named
  after the title, an autofilter on the header row and the header repeated on
  every printed page.

``csv_bytes`` and ``xlsx_bytes`` are the earlier writers of a bare frame
(comma separated; notes below the table), kept for callers that have not moved.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from lib.fmt import MONEY_KINDS, RATE_KINDS, is_none
from lib.measures import BY_NAME, label
from lib.privacy import (
    SMALL,
    Rules,
    as_rules,
    figure_columns,
    hidden_reasons,
    privacy_note,
    small_label,
)
from lib.texts import value_label

HIDDEN_WORD = {"id": "disembunyikan", "en": "hidden"}
NOTE_LABEL = {"id": "Catatan privasi", "en": "Privacy note"}
MAX_NAME = 120

# A cell starting with one of these runs as a formula in a spreadsheet; so does
# one where such a character follows a double quote, a separator or a line
# break inside the cell (the text may be split again on opening).
FORMULA_CHARS = "=+-@\t\r"
_FORMULA = re.compile(r'(?:^|[",;\t\r\n]) *[=+\-@\t\r]')


def neutralised(text: str) -> str:
    """``text`` with a leading single quote when a spreadsheet could read it as a formula."""
    return "'" + text if _FORMULA.search(text) else text


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "id"


def _plain(value: object) -> object:
    """A cell as a plain Python number or text; "" for a missing value."""
    if is_none(value):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else ""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def _figure(value: object, kind: str) -> object:
    """A shown figure as the number a reader sums: rates in percent (one decimal), the rest whole."""
    if is_none(value):
        return ""
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number):
        return ""
    if kind in RATE_KINDS:
        return round(number * 100, 1)
    return int(round(number))


def _unique_headers(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for header in headers:
        seen[header] = seen.get(header, 0) + 1
        out.append(header if seen[header] == 1 else f"{header} ({seen[header]})")
    return out


def display_frame(pub: pd.DataFrame, dims: Sequence[str], k: int | Rules, lang: str = "id") -> pd.DataFrame:
    """Download-ready table: dims, then figures, then the privacy note, under user labels (``lang``).

    Hidden small counts read ``<k``, other hidden figures "disembunyikan"
    ("hidden"); a rate with no value reads ""; rates are percentages with one
    decimal (12.5), counts and rupiah whole numbers; numbers stay numbers.
    ``pub`` must come from ``lib.privacy.publishable`` (else NotPublishedError).
    """
    lang = _lang(lang)
    rules = as_rules(k)
    k = rules.k
    dims = list(dims)
    reasons = hidden_reasons(pub)
    hidden_word = HIDDEN_WORD[lang]
    columns = dims + [c for c in figure_columns(pub) if c not in dims]
    data: list[list[object]] = []
    for column in columns:
        values = pub[column].tolist()
        if column in reasons.columns:
            kind = BY_NAME[column].kind
            why = reasons[column].tolist()
            cells = [
                (small_label(k) if code == SMALL else hidden_word) if code else _figure(value, kind)
                for value, code in zip(values, why)
            ]
        else:
            # Vocabulary values (outcomes, attribution, ...) in the reader's language, as the charts write them.
            cells = [value_label(value, lang) if isinstance(value, str) else _plain(value) for value in values]
        data.append(cells)
    data.append(privacy_note(reasons, rules, lang).tolist())
    headers = _unique_headers([label(c, lang) for c in columns] + [NOTE_LABEL[lang]])
    return pd.DataFrame({h: pd.Series(cells, dtype=object) for h, cells in zip(headers, data)},
                        index=pd.RangeIndex(len(pub)))


def _cell(value: object) -> object:
    """A cell to write: int / float as numbers, everything else neutralised text ("" when missing)."""
    plain = _plain(value)
    return plain if isinstance(plain, (int, float)) else neutralised(plain)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as CSV: UTF-8 with BOM (for Excel), comma separated, text quoted and neutralised."""
    buffer = io.StringIO()
    # QUOTE_NONNUMERIC quotes every text cell and leaves numbers bare, so
    # numbers stay numbers and a neutralised text is always one quoted cell.
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    writer.writerow([neutralised(str(c)) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def _sheet_title(sheet: str) -> str:
    title = re.sub(r"[\[\]:*?/\\]", " ", sheet).strip()[:31]
    return title or "Data"


def _write(cell, value: object) -> None:
    """Numbers as numbers; text as text (never a formula), without characters XLSX cannot hold."""
    value = _cell(value)
    if isinstance(value, str):
        if not value:
            return
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
    else:
        cell.value = value


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "Data", notes: Sequence[str] = ()) -> bytes:
    """The frame as an XLSX workbook: bold header, then rows, then ``notes`` one a line below the table."""
    book = Workbook()
    ws = book.active
    ws.title = _sheet_title(sheet)
    bold, italic = Font(bold=True), Font(italic=True)
    for j, name in enumerate(frame.columns, start=1):
        _write(ws.cell(row=1, column=j), str(name))
        ws.cell(row=1, column=j).font = bold
    for i, row in enumerate(frame.itertuples(index=False, name=None), start=2):
        for j, value in enumerate(row, start=1):
            _write(ws.cell(row=i, column=j), value)
    first_note = len(frame) + 3  # one blank row between the table and its notes
    for i, note in enumerate(notes):
        cell = ws.cell(row=first_note + i, column=1)
        _write(cell, str(note))
        cell.font = italic
    for j, name in enumerate(frame.columns, start=1):
        longest = max([len(str(name))] + [len(str(_plain(v))) for v in frame.iloc[:1000, j - 1]])
        ws.column_dimensions[get_column_letter(j)].width = min(max(longest + 2, 8), 60)
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- files that stand on their own -----------------------------------------------------
# A column's unit in its header, by measure kind: "Pagu (Rp)", "Tingkat bekerja (%)". A count needs none.
UNITS: dict[str, str] = {"money": "Rp", "money_per_person": "Rp", "median": "Rp", "rate": "%", "money_rate": "%"}
# Excel's number format codes always write "," for grouping and "." for decimals; Excel shows them
# in the reader's convention (Rp 125.000.000 and 12,5% on a computer set to Indonesian).
COUNT_FORMAT = "#,##0"
RUPIAH_FORMAT = '"Rp "#,##0'
PERCENT_FORMAT = "0.0%"
# lang -> (field separator, decimal mark) of a CSV as Excel reads it with that language's regional settings.
CSV_CONVENTIONS = {"id": (";", ","), "en": (",", ".")}
ROUNDING_NOTE = {
    "id": "Jumlah orang 1 sampai {k_minus} tertulis {small}; jumlah orang lain dibulatkan ke kelipatan {b}, "
          "sehingga rincian tidak selalu berjumlah sama dengan totalnya.",
    "en": "Counts of 1 to {k_minus} people read {small}; other counts of people are rounded to a multiple of {b}, "
          "so parts need not add up to their total.",
}
MAX_SHEET_NAME = 31
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


def rounding_note(rules: Rules | int, lang: str = "id") -> str:
    """How counts of people are published, in one sentence: ``<5`` and rounding to a multiple of b."""
    rules = as_rules(rules)
    return ROUNDING_NOTE[_lang(lang)].format(k_minus=rules.k - 1, small=small_label(rules.k), b=rules.b)


def with_unit(header: str, kind: str | None) -> str:
    """A column header with the unit of its measure kind: ``Pagu (Rp)``, ``Tingkat bekerja (%)``; others unchanged."""
    unit = UNITS.get(kind or "")
    return f"{header} ({unit})" if unit else header


@dataclass(frozen=True)
class Sheet:
    """A published table ready to be a file of its own.

    ``frame`` is a ``display_frame``; ``kinds`` gives, per column of it, the
    measure kind (None for a dimension and the privacy note); ``context`` are
    the lines written above the table (data version, active filters, date).
    """

    frame: pd.DataFrame
    kinds: tuple[str | None, ...]
    title: str = ""
    context: tuple[str, ...] = ()
    lang: str = "id"

    def headers(self) -> list[str]:
        """The column headers with their units."""
        return _unique_headers([with_unit(str(c), kind) for c, kind in zip(self.frame.columns, self.kinds)])


def download_sheet(pub: pd.DataFrame, dims: Sequence[str], rules: Rules | int, lang: str = "id", *,
                   title: str = "", context: Sequence[str] = ()) -> Sheet:
    """The download of a published table: its ``display_frame``, column kinds, ``title`` and ``context`` lines.

    A table of counts of people also says how they are published (``rounding_note``).
    """
    lang = _lang(lang)
    frame = display_frame(pub, dims, rules, lang)
    figures = [c for c in figure_columns(pub) if c not in dims]
    kinds = (*([None] * len(dims)), *(BY_NAME[c].kind for c in figures), None)
    if any(BY_NAME[c].kind == "count" for c in figures):
        context = (*context, rounding_note(rules, lang))
    return Sheet(frame, kinds, title, tuple(context), lang)


def _number_text(value: float, decimal_mark: str) -> str:
    """A number as a spreadsheet reads it: no grouping, no exponent, the decimal mark of the convention."""
    if isinstance(value, int):
        return str(value)
    return np.format_float_positional(value, trim="-").replace(".", decimal_mark)


def _quoted(text: str) -> str:
    return '"' + neutralised(text).replace('"', '""') + '"'


def csv_file(sheet: Sheet) -> bytes:
    """The sheet's table as CSV in its language's convention (id: ``;`` and ``12,5``; en: ``,`` and ``12.5``).

    UTF-8 with a byte-order mark, headers with units, every text quoted and
    neutralised, numbers bare so Excel reads them as numbers.
    """
    separator, decimal_mark = CSV_CONVENTIONS[_lang(sheet.lang)]
    lines = [separator.join(_quoted(h) for h in sheet.headers())]
    for row in sheet.frame.itertuples(index=False, name=None):
        cells = (_plain(value) for value in row)
        lines.append(separator.join(
            _number_text(c, decimal_mark) if isinstance(c, (int, float)) else _quoted(c) for c in cells))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def sheet_name(title: str) -> str:
    """A worksheet name from a title: at most 31 characters, none of ``[]:*?/\\``, cut between words where it can be."""
    name = re.sub(r"\s+", " ", _NOT_IN_SHEET_NAMES.sub(" ", title)).strip().strip("'").strip()
    if len(name) > MAX_SHEET_NAME:
        head = name[: MAX_SHEET_NAME + 1]
        name = (head.rsplit(" ", 1)[0] if " " in head else head)[:MAX_SHEET_NAME].rstrip()
    if name.casefold() == "history":  # a name Excel keeps for itself
        name = f"{name} (1)"
    return name or "Data"


def _number_format(kind: str | None) -> str | None:
    if kind in RATE_KINDS:
        return PERCENT_FORMAT
    if kind in MONEY_KINDS or kind == "median":
        return RUPIAH_FORMAT
    return COUNT_FORMAT if kind == "count" else None


def xlsx_file(sheet: Sheet) -> bytes:
    """The sheet as an XLSX workbook: title, context lines, a blank row, then the table with formats and an autofilter.

    Counts read ``1.234``, rupiah ``Rp 125.000.000`` and rates ``12,5%`` in
    Indonesian Excel (a rate is stored as the fraction 0.125); hidden figures
    stay the text ``<5`` or "disembunyikan", right-aligned with the numbers.
    The header row is frozen, filtered and printed on every page.
    """
    book = Workbook()
    ws = book.active
    ws.title = sheet_name(sheet.title)
    book.properties.title = sheet.title or None
    row = 1
    if sheet.title:
        _write(ws.cell(row=row, column=1), sheet.title)
        ws.cell(row=row, column=1).font = Font(bold=True, size=14)
        row += 1
    for line in sheet.context:
        _write(ws.cell(row=row, column=1), str(line))
        ws.cell(row=row, column=1).font = Font(italic=True, color="555555")
        row += 1
    header_row = row + 1 if row > 1 else row  # one blank row between the lines above and the table
    headers = sheet.headers()
    for j, name in enumerate(headers, start=1):
        cell = ws.cell(row=header_row, column=j)
        _write(cell, name)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8EEF7")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    formats = [_number_format(kind) for kind in sheet.kinds]
    right = Alignment(horizontal="right")
    for i, values in enumerate(sheet.frame.itertuples(index=False, name=None), start=header_row + 1):
        for j, (value, kind, form) in enumerate(zip(values, sheet.kinds, formats), start=1):
            cell = ws.cell(row=i, column=j)
            plain = _plain(value)
            if kind is not None and isinstance(plain, (int, float)):
                cell.value = round(plain / 100, 6) if kind in RATE_KINDS else plain
                cell.number_format = form
            else:
                _write(cell, value)
                if kind is not None:
                    cell.alignment = right
    last_column = get_column_letter(max(len(headers), 1))
    ws.auto_filter.ref = f"A{header_row}:{last_column}{header_row + len(sheet.frame)}"
    ws.freeze_panes = f"A{header_row + 1}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    for j, name in enumerate(headers, start=1):
        cells = [len(str(_plain(v))) + (4 if formats[j - 1] else 0) for v in sheet.frame.iloc[:1000, j - 1]]
        longest = max([min(len(name), 30)] + cells)
        ws.column_dimensions[get_column_letter(j)].width = min(max(longest + 2, 8), 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text.translate(_DASHES)).encode("ascii", "ignore").decode()


def download_name(what: str, filters_label: str, ext: str) -> str:
    """A safe ASCII file name of at most 120 characters.

    ``("Peserta per desa", "2019–2024 · Pare", "csv")`` -> ``peserta-per-desa_2019-2024_Pare.csv``.
    """
    stem = re.sub(r"[^a-z0-9]+", "-", _ascii(what).lower()).strip("-") or "data"
    parts = [re.sub(r"-{2,}", "-", p).strip("-") for p in re.split(r"[^A-Za-z0-9-]+", _ascii(filters_label))]
    name = "_".join([stem, *(p for p in parts if p)])
    suffix = re.sub(r"[^a-z0-9]", "", ext.lower()) or "csv"
    return name[: MAX_NAME - len(suffix) - 1].rstrip("_-") + "." + suffix
