"""Files that must never harm the system (docs/data.md): each hostile file is built here, small, and read
through ``lib.importer`` in a child process under a hard memory limit and a time limit, against a store that
already holds data. What the user would see is asserted: every row read, or a refusal naming the limit or
the problem; never a partial version, and the store byte-identical afterwards."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from lib import ingest, limits, xlsx
from lib.importer import EXIT_DATA, main
from lib.limits import (
    CELL_CHARS,
    CELLS,
    COLUMNS,
    LIMITS,
    MERGED_RANGES,
    ROWS,
    TEXTS,
    UNPACKED_BYTES,
    ZIP_MEMBERS,
    Limit,
    limit_text,
    limits_frame,
)
from lib.loading import read_files
from lib.schema import load_reference
from tests.support.workbooks import (
    HEADER,
    SHEET,
    billion_laughs,
    header_only_workbook,
    huge_inline_cell,
    huge_shared_string,
    many_parts,
    many_shared_texts,
    participant,
    participants_workbook,
    rewritten,
    title_only_workbook,
    unsaved_formulas,
    with_dimension,
    with_directory_size,
    with_end_record,
    with_merges,
    with_rows,
    workbook,
)

ROOT = Path(__file__).resolve().parent.parent
FILES = Path(__file__).parent / "files"
MEMORY_LIMIT = 1_500_000_000   # bytes of address space the child may map (RLIMIT_AS): generous
TIME_LIMIT = 60                # seconds: generous; a regression fails instead of filling the machine
TODAY = "2025-06-30"
REFERENCE_TOML = """
programs = ["Tata Rias", "Tata Boga", "Tata Busana", "Konveksi"]
organizers = ["Dinas Sosial Kabupaten Kediri", "Dinas Koperasi dan UMKM Kota Kediri", "UPT RSBKW Kediri"]
[[sites]]
name = "Pare"
regency = "Kabupaten Kediri"
[[sites]]
name = "Gurah"
regency = "Kabupaten Kediri"
[[sites]]
name = "Semampir"
regency = "Kota Kediri"
"""
# Reads the files given with lib.importer's plan, under the memory limit; a plan with errors is committed
# anyway, which must refuse. Prints what the user would see, and the peak memory and time it took.
CHILD = r"""
import datetime as dt, json, resource, sys, time
from pathlib import Path
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from lib import store as st
from lib.importer import commit_import, plan_import
from lib.loading import DataError
from lib.schema import load_reference
store = st.open_store(Path(sys.argv[2]))
reference = load_reference(Path(sys.argv[3]))
files = {Path(p).name: Path(p).read_bytes() for p in sys.argv[5:]}
began = time.perf_counter()
plan = plan_import(files, store, reference, today=dt.date.fromisoformat(sys.argv[4]))
refused = False
if not plan.ok:
    try:
        commit_import(plan, store, author="uji")
    except DataError:
        refused = True
problems = plan.problems.astype(object).where(plan.problems.notna(), None).to_dict("records")
# The high-water mark of this process's memory (ru_maxrss would count the parent's, from before exec).
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps({"ok": plan.ok, "refused": refused, "problems": problems,
                  "rows": {table: len(frame) for table, frame in plan.validation.frames.items()},
                  "seconds": round(time.perf_counter() - began, 2), "peak_mb": round(peak_kb / 1024)}))
"""


def csv_bytes(rows: list[list], separator: str = ",", encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=separator, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


BUDGET_ROWS = [row.split(",") for row in (FILES / "clean" / "budget.csv").read_text(encoding="utf-8").splitlines()]


# --- the cases ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Read:
    """Every row read: the plan is valid and holds ``rows`` rows per table."""

    rows: dict[str, int]


@dataclass(frozen=True)
class Refused:
    """Refused, with a problem holding ``words`` (and naming ``limit``), at spreadsheet ``row`` if given."""

    words: str
    limit: Limit | None = None
    row: int | None = None
    at_least: int = 1      # problems of that kind


CASES: dict[str, tuple[Callable[[], dict[str, bytes]], Read | Refused]] = {
    # The issue: a 200-row sheet declaring A1:J11 became a version of 10 rows, its error in row 150 unseen.
    "stale dimension": (lambda: {"peserta.xlsx": with_dimension(participants_workbook(200), "A1:J11")},
                        Read({"participants": 200})),
    "stale dimension, error in row 150": (
        lambda: {"peserta.xlsx": with_dimension(participants_workbook(200, row150={"program": "Tata Rais"}),
                                                "A1:J11")},
        Refused("'Tata Rais' tidak ada dalam daftar program", row=150)),
    "no dimension, bad rows past the first": (
        lambda: {"peserta.xlsx": rewritten(
            participants_workbook(3000, **{f"row{r}": {"tahun": 1999} for r in range(22, 3002)}),
            {SHEET: lambda xml: re.sub(rb"<dimension [^>]*/>", b"", xml)})},
        Refused("Tahun 1999 di luar rentang", row=3001, at_least=2980)),
    # A 6 KB file with one merged range to the sheet's last cell passed 9 GB.
    "merged range to the last cell": (
        lambda: {"peserta.xlsx": with_merges(participants_workbook(200), ["K30:XFD1048576"])},
        Read({"participants": 200})),
    "merged ranges beyond the limit": (
        lambda: {"peserta.xlsx": with_merges(participants_workbook(2),
                                             [f"A{r}:B{r}" for r in range(10, 10 + MERGED_RANGES.value + 1)])},
        Refused("sel gabungan", MERGED_RANGES)),
    "a value in the last column": (
        lambda: {"peserta.xlsx": with_rows(participants_workbook(2), '<row r="9"><c r="XFD9"><v>1</v></c></row>')},
        Refused("kolom XFD", COLUMNS, row=9)),
    "values in far corners": (
        lambda: {"peserta.xlsx": with_rows(
            participants_workbook(2),
            '<row r="9"><c r="ALL9"><v>1</v></c></row><row r="1048576"><c r="A1048576"><v>1</v></c></row>')},
        Refused("membentang 1.048.576 baris × 1.000 kolom", CELLS)),
    "a row number beyond the limit": (
        lambda: {"peserta.xlsx": with_rows(participants_workbook(2),
                                           f'<row r="{ROWS.value + 1}"><c><v>1</v></c></row>')},
        Refused("berisi data di baris 5.000.001", ROWS, row=ROWS.value + 1)),
    # A 310 KB file unpacking to one 300 MB cell passed 9 GB.
    "one 300 MB cell": (lambda: {"peserta.xlsx": huge_inline_cell(300)},
                        Refused("sel A1 di lembar 'Peserta' berisi lebih dari 32.767 karakter", CELL_CHARS, row=1)),
    "one 300 MB shared text": (lambda: {"peserta.xlsx": huge_shared_string(300)},
                               Refused("sebuah teks di berkas ini berisi lebih dari 32.767 karakter", CELL_CHARS)),
    "a directory stating 3 GB": (
        lambda: {"peserta.xlsx": with_directory_size(participants_workbook(2), SHEET, 3_000_000_000)},
        Refused("setelah dibuka", UNPACKED_BYTES)),
    "a directory understating a 300 MB part": (
        lambda: {"peserta.xlsx": with_directory_size(huge_inline_cell(300), SHEET, 2_000)},
        Refused("rusak atau tidak lengkap")),
    "too many parts": (lambda: {"peserta.xlsx": many_parts(ZIP_MEMBERS.value)},
                       Refused("bagian", ZIP_MEMBERS)),
    "an end record stating one part in a 20 MB directory": (
        lambda: {"peserta.xlsx": with_end_record(participants_workbook(2), 1, 20_000_000)},
        Refused("daftar isi berkas XLSX ini berukuran 20 MB", ZIP_MEMBERS)),
    "entities that expand without end": (lambda: {"peserta.xlsx": billion_laughs()},
                                         Refused("rusak atau tidak lengkap")),
    # A header alone crashed the import when data was already in use.
    "header only (XLSX)": (lambda: {"peserta.xlsx": header_only_workbook()},
                           Refused("hanya berisi judul kolom, tanpa baris data")),
    "header only (CSV)": (lambda: {"peserta.csv": csv_bytes([HEADER])},
                          Refused("hanya berisi judul kolom, tanpa baris data")),
    "title only (XLSX)": (lambda: {"peserta.xlsx": title_only_workbook()},
                          Refused("hanya berisi judul, tanpa baris judul kolom dan baris data")),
    "title only (CSV)": (lambda: {"peserta.csv": b"DATA PESERTA PELATIHAN 2024\r\n\r\n"},
                         Refused("hanya berisi judul, tanpa baris judul kolom dan baris data")),
    "formulas without saved results": (lambda: {"peserta.xlsx": unsaved_formulas()},
                                       Refused("rumus yang hasilnya belum pernah disimpan", at_least=2)),
    "UTF-16 CSV from Excel's Unicode Text": (lambda: {"anggaran.txt.csv": csv_bytes(BUDGET_ROWS, "\t", "utf-16")},
                                             Read({"budget": len(BUDGET_ROWS) - 1})),
    "Windows-1252 CSV": (lambda: {"anggaran.csv": csv_bytes(BUDGET_ROWS, ";", "cp1252")},
                         Read({"budget": len(BUDGET_ROWS) - 1})),
    "CSV in an encoding not read": (lambda: {"anggaran.csv": csv_bytes(BUDGET_ROWS).replace(b"jahit", b"j\x81hit")},
                                    Refused("CSV UTF-8")),
    "CSV beyond the rows limit": (lambda: {"peserta.csv": csv_bytes([HEADER]) + b"\n" * ROWS.value},
                                  Refused("berisi 5.000.001 baris", ROWS)),
    "CSV beyond the cells limit": (lambda: {"peserta.csv": csv_bytes([HEADER]) + b"\n" * 2_000_000},
                                   Refused("lebih dari 20.000.000 sel", CELLS)),
    "CSV beyond the columns limit": (
        lambda: {"peserta.csv": csv_bytes([HEADER + [f"x{i}" for i in range(COLUMNS.value)], participant(1)])},
        Refused("1.010 kolom", COLUMNS, row=1)),
    "CSV with a 1 MB cell": (
        lambda: {"peserta.csv": csv_bytes([HEADER, participant(1), participant(2, peran="W" * 1_000_000)])},
        Refused("sel F3 berisi 1.000.000 karakter", CELL_CHARS, row=3)),
}


@pytest.fixture(scope="module")
def place(tmp_path_factory) -> dict[str, Path]:
    """A data folder with a reference file and a store already holding a version."""
    root = tmp_path_factory.mktemp("hostile")
    (root / "reference.toml").write_text(REFERENCE_TOML, encoding="utf-8")
    store = root / "store"
    files = [str(FILES / "clean" / f"{table}.csv") for table in ("participants", "outcomes", "budget")]
    env = {"DASBOR_DATA_DIR": str(root)}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        patch.delenv("DASBOR_DATABASE_URL", raising=False)
        assert main([*files, "--yes", "--store", str(store), "--reference", str(root / "reference.toml"),
                     "--today", TODAY], stdout=io.StringIO()) == 0
    return {"root": root, "store": store, "reference": root / "reference.toml"}


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def child_plan(place: dict[str, Path], files: dict[str, bytes], tmp_path: Path) -> dict:
    """lib.importer's plan of ``files`` (and an attempt to commit it when it has errors), in a child process
    that may map no more than MEMORY_LIMIT and must finish within TIME_LIMIT."""
    paths = []
    for name, content in files.items():
        path = tmp_path / name
        path.write_bytes(content)
        paths.append(str(path))
    env = {k: v for k, v in os.environ.items() if k != "DASBOR_DATABASE_URL"} | {
        "DASBOR_DATA_DIR": str(place["root"])}
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(MEMORY_LIMIT), str(place["store"]), str(place["reference"]), TODAY,
         *paths], cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIME_LIMIT)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_file_is_read_whole_or_refused_naming_why_in_bounded_memory(place, tmp_path, case):
    build, expected = CASES[case]
    files = build()
    assert sum(len(c) for c in files.values()) < 8_000_000, "hostile files stay small"
    before = snapshot(place["root"])
    seen = child_plan(place, files, tmp_path)
    summary = f"{case}: {seen['seconds']} s, peak {seen['peak_mb']} MB"
    print(summary)
    assert snapshot(place["root"]) == before, "the store and data folder are byte-identical"
    if isinstance(expected, Read):
        assert seen["ok"], (summary, seen["problems"][:5])
        assert {t: seen["rows"][t] for t in expected.rows} == expected.rows, summary
        return
    assert not seen["ok"] and seen["refused"], summary
    errors = [p for p in seen["problems"] if p["severity"] == "error"]
    matching = [p for p in errors if expected.words in p["problem"] or expected.words in p["allowed"]]
    assert len(matching) >= expected.at_least, (summary, errors[:5])
    if expected.limit is not None:
        assert limit_text(expected.limit) in matching[0]["problem"], matching[0]
        assert matching[0]["allowed"] == expected.limit.advice["id"]
        assert len(errors) == 1, "a file beyond a limit is refused whole, with one problem"
    if expected.row is not None:
        assert expected.row in [p["row"] for p in matching], matching[:5]


# --- the same, in detail, in process ------------------------------------------------------------
@pytest.fixture(scope="module")
def reference(place):
    return load_reference(place["reference"])


def test_every_row_past_a_stale_dimension_is_read_with_its_own_row_number(reference):
    content = with_dimension(participants_workbook(200, row150={"program": "Tata Rais"}), "A1:J11")
    result = read_files({"peserta.xlsx": content}, reference)
    assert len(result.frames["participants"]) == 200
    assert result.errors[["row", "column", "value"]].values.tolist() == [[150, "program", "Tata Rais"]]


def test_an_unsaved_formula_is_named_as_such_not_as_an_empty_cell(reference):
    result = read_files({"peserta.xlsx": unsaved_formulas()}, reference)
    errors = result.errors
    assert errors[["row", "column", "value"]].values.tolist() == [[3, "usia", "=20+7"], [4, "tahun", "=2020+3"]]
    assert all("rumus yang hasilnya belum pernah disimpan" in text for text in errors["problem"])
    assert all(text.startswith("Buka dan simpan berkas di Excel") for text in errors["allowed"])
    assert not errors["problem"].str.contains("kosong").any()


def test_a_row_of_unsaved_formulas_only_is_reported_not_dropped_as_empty(reference):
    formulas = ["=A1"] * len(HEADER)
    result = read_files({"peserta.xlsx": workbook([HEADER, participant(1), formulas, participant(3)])}, reference)
    assert sorted(set(result.errors["row"])) == [3]
    assert len(result.errors) == len(HEADER)


def test_a_formula_with_its_saved_result_is_read_as_that_result(reference):
    content = rewritten(unsaved_formulas(), {SHEET: lambda xml: xml.replace(
        b"<f>20+7</f><v />", b"<f>20+7</f><v>27</v>").replace(b"<f>2020+3</f><v />", b"<f>2020+3</f><v>2023</v>")})
    result = read_files({"peserta.xlsx": content}, reference)
    assert result.ok, result.errors.to_dict("records")
    assert result.frames["participants"]["age"].tolist() == [27, 27, 27, 27]


@pytest.mark.parametrize("separator, encoding", [(",", "utf-16"), ("\t", "utf-16"), (";", "utf-16-le"),
                                                 (";", "cp1252"), (",", "utf-8-sig")])
def test_csv_in_utf16_or_windows_1252_reads_exactly_like_utf8(reference, separator, encoding):
    clean = read_files({"anggaran.csv": (FILES / "clean" / "budget.csv").read_bytes()}, reference)
    result = read_files({"anggaran.csv": csv_bytes(BUDGET_ROWS, separator, encoding)}, reference)
    assert result.ok, result.errors.to_dict("records")
    pd.testing.assert_frame_equal(result.frames["budget"], clean.frames["budget"])
    assert "Mesin jahit – high speed" in result.frames["budget"]["item"].tolist()


def test_a_csv_in_another_encoding_is_refused_with_advice_to_save_as_csv_utf8(reference):
    result = read_files({"anggaran.csv": "Mesin jahit – Juki".encode().join([b"\x81", b""])}, reference)
    assert result.errors["problem"].str.contains("pengodean yang tidak dikenali").all()
    assert result.errors["allowed"].str.contains('"CSV UTF-8 (Comma delimited) (*.csv)"', regex=False).all()


def test_an_honest_directory_beyond_the_unpacked_limit_is_refused_before_inflating(monkeypatch, reference):
    small = dataclasses.replace(UNPACKED_BYTES, value=100_000)
    monkeypatch.setattr(xlsx, "UNPACKED_BYTES", small)
    result = read_files({"peserta.xlsx": huge_inline_cell(1)}, reference)
    assert result.errors["problem"].tolist() == [(
        "Berkas ditolak seluruhnya karena melampaui batas 100.000 byte isi berkas (XLSX setelah dibuka, atau CSV): "
        "isi berkas XLSX ini 1 MB setelah dibuka. Tidak ada isi berkas yang dipakai.")]


def test_inflated_bytes_are_counted_while_reading_as_well(monkeypatch):
    # What the directory states is checked first (here: a limit it passes); what is inflated is counted too
    # (here: against a smaller limit), so that a part inflating beyond its stated size could not pass either.
    content = huge_inline_cell(1)
    monkeypatch.setattr(xlsx, "UNPACKED_BYTES", dataclasses.replace(UNPACKED_BYTES, value=10 ** 12))
    package_parse = xlsx._Package.parse

    def parse_with_a_smaller_limit(self, path, handler):
        monkeypatch.setattr(xlsx, "UNPACKED_BYTES", dataclasses.replace(UNPACKED_BYTES, value=100_000))
        return package_parse(self, path, handler)

    monkeypatch.setattr(xlsx._Package, "parse", parse_with_a_smaller_limit)
    with pytest.raises(limits.LimitExceeded) as refused:
        xlsx.workbook_grids(content)
    assert refused.value.limit.value == 100_000 and "lebih dari" in refused.value.found


def test_more_different_texts_than_the_limit_are_refused_as_they_are_read(monkeypatch, reference):
    # Five million entries take half a minute to parse on a busy machine: the limit is made smaller here.
    monkeypatch.setattr(xlsx, "TEXTS", dataclasses.replace(TEXTS, value=1_000))
    result = read_files({"peserta.xlsx": many_shared_texts(1_001)}, reference)
    assert result.errors["problem"].tolist() == [(
        "Berkas ditolak seluruhnya karena melampaui batas 1.000 teks berbeda per berkas XLSX: berkas ini berisi "
        "lebih dari 1.000 teks berbeda. Tidak ada isi berkas yang dipakai.")]
    assert read_files({"peserta.xlsx": many_shared_texts(1_000)}, reference).ok


def test_a_file_larger_than_the_unpacked_limit_is_refused_unread(monkeypatch):
    monkeypatch.setattr(ingest, "UNPACKED_BYTES", dataclasses.replace(UNPACKED_BYTES, value=1_000))
    sheets, problems = ingest.read_sheets("peserta.csv", csv_bytes([HEADER] + [participant(i) for i in range(20)]))
    assert sheets == [] and len(problems) == 1
    assert "melampaui batas 1.000 byte isi berkas" in problems.loc[0, "problem"]


def test_header_only_participants_with_data_in_use_exit_1_with_a_clear_problem(place, tmp_path):
    path = tmp_path / "peserta.csv"
    path.write_bytes(csv_bytes([HEADER]))
    before = snapshot(place["root"])
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DASBOR_DATA_DIR", str(place["root"]))
        patch.delenv("DASBOR_DATABASE_URL", raising=False)
        code = main([str(path), "--yes", "--store", str(place["store"]), "--reference", str(place["reference"]),
                     "--today", TODAY], stdout=out, stderr=err)
    assert code == EXIT_DATA
    assert "hanya berisi judul kolom" in out.getvalue() and "tidak berubah" in err.getvalue()
    assert snapshot(place["root"]) == before


# --- the problems list the command line writes -----------------------------------------------------
NASTY = ["Paree;=1+1", "=HYPERLINK(\"http://x\")", "+62 812", "@SUM(A1)", "-5", "Pare,=2+2", "Pa\nre\n=3+3",
         "Pare\t@x", 'Pa"re";=4']


def _fields(text: str) -> list[str]:
    """The raw fields of a CSV text (separator ','), quotes kept, to see how each was written."""
    fields, at = [], 0
    while at < len(text):
        if text[at] == '"':
            end = at + 1
            while True:
                end = text.index('"', end)
                if text[end + 1:end + 2] == '"':
                    end += 2
                    continue
                break
            fields.append(text[at:end + 1])
            at = end + 1
        else:
            end = min([i for i in (text.find(",", at), text.find("\r\n", at)) if i >= 0] or [len(text)])
            fields.append(text[at:end])
            at = end
        at += 2 if text.startswith("\r\n", at) else 1
    return fields


def test_problems_out_is_written_by_the_downloads_safe_writer(place, tmp_path):
    rows = [HEADER] + [participant(i + 1, desa=value) for i, value in enumerate(NASTY)]
    path, problems_path = tmp_path / "peserta.csv", tmp_path / "masalah.csv"
    path.write_bytes(csv_bytes(rows, ";"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DASBOR_DATA_DIR", str(place["root"]))
        patch.delenv("DASBOR_DATABASE_URL", raising=False)
        code = main([str(path), "--yes", "--problems-out", str(problems_path), "--store", str(place["store"]),
                     "--reference", str(place["reference"]), "--today", TODAY], stdout=io.StringIO(),
                    stderr=io.StringIO())
    assert code == EXIT_DATA
    data = problems_path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    # Every text is quoted; only row numbers stand bare.
    assert all(f.startswith('"') or re.fullmatch(r"\d+", f) for f in _fields(text)), _fields(text)[:20]
    problems = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    values = problems.loc[problems["kolom"] == "desa", "nilai"]
    assert len(values) == len(NASTY)
    for separator in (",", ";"):
        # Split as a spreadsheet would, at either separator: no cell may start a formula.
        for record in csv.reader(io.StringIO(text), delimiter=separator):
            for cell in record:
                assert not re.match(r"\s*[=+\-@]", cell), (separator, cell)
    assert "'=HYPERLINK(\"http://x\")" in values.tolist() and "Paree;'=1+1" in values.tolist()


# --- the limits, as documented ----------------------------------------------------------------------------
def test_every_limit_is_documented_in_both_languages():
    docs = (ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    for limit in LIMITS:
        assert f"| {limit_text(limit, 'id')} | {limit_text(limit, 'en')} |" in docs, limit.name
    assert limits_frame("en")["limit"].tolist() == [limit_text(limit, "en") for limit in LIMITS]


@pytest.mark.parametrize("limit", LIMITS, ids=lambda limit: limit.name)
def test_each_limit_is_far_above_a_real_departments_file(limit):
    # Kediri's files hold hundreds of rows of ten columns; a province's hundreds of thousands.
    floor = {"unpacked_bytes": 100_000_000, "zip_members": 1_000, "rows": 1_000_000, "columns": 200,
             "cells": 10_000_000, "texts": 2_000_000, "merged_ranges": 1_000, "cell_chars": 32_767}[limit.name]
    assert limit.value >= floor and limit.advice["id"] and limit.advice["en"]
