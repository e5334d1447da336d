"""Download files of a published table: the same rows and the same hidden figures as the page.

``display_frame`` turns a table published by ``lib.privacy.publishable`` into
what a reader downloads (user labels as headers, ``<5`` and "disembunyikan"
where figures are hidden, rates as percentages); ``csv_bytes`` and
``xlsx_bytes`` write it so that Excel opens it correctly and no cell can run
as a formula (OWASP CSV injection).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import unicodedata
from collections.abc import Sequence

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from lib.fmt import RATE_KINDS, is_none
from lib.measures import BY_NAME, label
from lib.privacy import SMALL, Rules, as_rules, figure_columns, hidden_reasons, privacy_note, small_label

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
            cells = [_plain(value) for value in values]
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
