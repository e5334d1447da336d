"""The limits on what one data file may unpack to, each far above any real department's file.

Kediri's files hold hundreds of rows; a province combining every regency holds
hundreds of thousands. A file beyond a limit is refused while it is being
unpacked or parsed, before anything beyond the limit is held in memory, with a
message naming the limit (``LimitExceeded``). The web upload and the command
line read through the same path, so both refuse the same files.
``docs/data.md`` lists every limit; a test checks it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lib.fmt import Lang, count
from lib.texts import text


@dataclass(frozen=True)
class Limit:
    """One limit: its value, what it counts (``unit``) and what to do about a file beyond it, in id and en."""

    name: str
    value: int
    unit: dict[str, str]     # "baris per lembar": read after the value
    advice: dict[str, str]


UNPACKED_BYTES = Limit(
    "unpacked_bytes", 500_000_000,
    {"id": "byte isi berkas (XLSX setelah dibuka, atau CSV)",
     "en": "bytes of content (an XLSX once unpacked, or a CSV)"},
    {"id": "Pisahkan data ke beberapa berkas, misalnya satu berkas per tahun, lalu unggah bergantian.",
     "en": "Split the data into several files, e.g. one per year, and upload them in turn."},
)
ZIP_MEMBERS = Limit(
    "zip_members", 10_000,
    {"id": "bagian di dalam satu berkas XLSX", "en": "parts inside one XLSX file"},
    {"id": "Buka berkasnya di Excel, salin tabelnya ke buku kerja baru, simpan sebagai .xlsx lalu unggah lagi.",
     "en": "Open the file in Excel, copy the table into a new workbook, save it as .xlsx and upload again."},
)
ROWS = Limit(
    "rows", 5_000_000,
    {"id": "baris per lembar atau per berkas CSV", "en": "rows per sheet or per CSV file"},
    {"id": "Pisahkan data ke beberapa berkas, misalnya satu berkas per tahun; hapus isi sel jauh di bawah tabel.",
     "en": "Split the data into several files, e.g. one per year; clear any cells far below the table."},
)
COLUMNS = Limit(
    "columns", 1_000,
    {"id": "kolom per lembar atau per berkas CSV", "en": "columns per sheet or per CSV file"},
    {"id": "Tabel data cukup memakai kolom format data; hapus isi sel jauh di sebelah kanan tabel.",
     "en": "A data table needs only the data format's columns; clear any cells far to the right of the table."},
)
CELLS = Limit(
    "cells", 20_000_000,
    {"id": "sel per berkas (baris × kolom, termasuk sel gabungan)",
     "en": "cells per file (rows × columns, merged cells included)"},
    {"id": "Hapus isi sel dan sel gabungan (merge) jauh di kanan atau di bawah tabel, atau pisahkan data ke "
           "beberapa berkas.",
     "en": "Clear cells and merged cells far to the right of or below the table, or split the data into "
           "several files."},
)
TEXTS = Limit(
    "texts", 5_000_000,
    {"id": "teks berbeda per berkas XLSX", "en": "different texts per XLSX file"},
    {"id": "Pisahkan data ke beberapa berkas, misalnya satu berkas per tahun, lalu unggah bergantian.",
     "en": "Split the data into several files, e.g. one per year, and upload them in turn."},
)
MERGED_RANGES = Limit(
    "merged_ranges", 10_000,
    {"id": "sel gabungan (merge) per lembar", "en": "merged cells per sheet"},
    {"id": "Di Excel pilih seluruh lembar, Unmerge Cells, simpan lalu unggah lagi.",
     "en": "In Excel select the whole sheet, Unmerge Cells, save and upload again."},
)
CELL_CHARS = Limit(
    "cell_chars", 32_767,  # also the most Excel itself lets a cell hold
    {"id": "karakter per sel", "en": "characters per cell"},
    {"id": "Satu sel berisi satu nilai: kode, angka, tanggal atau teks pendek.",
     "en": "One cell holds one value: a code, a number, a date or a short text."},
)
LIMITS: tuple[Limit, ...] = (UNPACKED_BYTES, ZIP_MEMBERS, ROWS, COLUMNS, CELLS, TEXTS, MERGED_RANGES, CELL_CHARS)


def limit_text(limit: Limit, lang: Lang = "id") -> str:
    """'5.000.000 baris per lembar atau per berkas CSV' (id) / '5,000,000 rows per sheet or per CSV file' (en)."""
    return f"{count(limit.value, lang)} {limit.unit[lang]}"


def limits_frame(lang: Lang = "id") -> pd.DataFrame:
    """Every limit as a reader sees it: columns ``batas``/``limit`` (the value and what it counts)."""
    header = {"id": "batas", "en": "limit"}[lang]
    return pd.DataFrame({header: [limit_text(limit, lang) for limit in LIMITS]})


def limits_sentence(lang: Lang = "id") -> str:
    """Every limit in one sentence, for a page to show beside its file upload."""
    words = {"id": ("Batas satu berkas", "Berkas yang melampaui salah satunya ditolak seluruhnya."),
             "en": ("Limits of one file", "A file beyond any of them is refused whole.")}[lang]
    return f"{words[0]}: {'; '.join(limit_text(limit, lang) for limit in LIMITS)}. {words[1]}"


@dataclass(frozen=True)
class Megabytes:
    """A size in bytes, read as decimal megabytes: ``1.235 MB`` (id), ``1,235 MB`` (en)."""

    size: int

    def text(self, lang: Lang = "id") -> str:
        return f"{count(self.size / 1e6, lang)} MB"


def _shown(value: object, lang: Lang) -> str:
    """A value of what a file was found to hold, as ``lang`` writes it: numbers and sizes in its digits."""
    if isinstance(value, Megabytes):
        return value.text(lang)
    if isinstance(value, int) and not isinstance(value, bool):
        return count(value, lang)
    return str(value)


class LimitExceeded(Exception):
    """A file beyond ``limit``; ``found_key`` (a ``lib.texts`` key) with ``values`` (and ``sheet``, ``row``) says
    what was met and where (e.g. ``limit_sheet_cell_chars``: "sel B150 di lembar 'Peserta' berisi lebih dari 32.767
    karakter"), in any language (``found_in``); ``sheet``/``row``/``column`` place it when known."""

    def __init__(self, limit: Limit, found_key: str, *, sheet: str | None = None, row: int | None = None,
                 column: str = "", **values: object):
        self.limit, self.found_key, self.values = limit, found_key, values
        self.sheet, self.row, self.column = sheet, row, column
        super().__init__(f"{limit.name}: {self.found}")

    def found_in(self, lang: Lang = "id") -> str:
        """What was met and where, in ``lang``: numbers (``int``) and sizes (``Megabytes``) in its digits."""
        values = {"sheet": self.sheet or "", "row": self.row, **self.values}
        return text(self.found_key, lang, **{name: _shown(value, lang) for name, value in values.items()})

    @property
    def found(self) -> str:
        """What was met and where, in Indonesian."""
        return self.found_in("id")

    def message(self, lang: Lang = "id") -> str:
        """The problem as a user reads it in ``lang``, naming the limit and what was met."""
        return text("ingest_limit", lang, limit=limit_text(self.limit, lang), found=self.found_in(lang))

    @property
    def text(self) -> str:
        """The problem as a user reads it in Indonesian (``message`` for another language)."""
        return self.message("id")
