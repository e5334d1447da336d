"""Files and folders into checked tables: messy-but-valid files load exactly like their clean twins."""

import datetime as dt
import io
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from lib.loading import DataError, load_folder, read_files
from lib.schema import Dataset, Reference, dtypes

FILES = Path(__file__).parent / "files"
REFERENCE = Reference(
    sites={"Pare": "Kabupaten Kediri", "Gurah": "Kabupaten Kediri", "Semampir": "Kota Kediri"},
    programs=("Tata Rias", "Tata Boga", "Tata Busana", "Konveksi"),
    organizers=("Dinas Sosial Kabupaten Kediri", "Dinas Koperasi dan UMKM Kota Kediri", "UPT RSBKW Kediri"),
)
TODAY = dt.date(2025, 6, 30)


def files_in(folder: str, *names: str) -> dict[str, bytes]:
    paths = [FILES / folder / n for n in names] if names else sorted((FILES / folder).iterdir())
    return {p.name: p.read_bytes() for p in paths}


@pytest.fixture(scope="module")
def clean():
    result = read_files(files_in("clean"), REFERENCE, today=TODAY)
    assert result.ok and result.problems.empty
    return result.frames


@pytest.mark.parametrize("table, name", [
    ("participants", "peserta.csv"),           # BOM, CRLF, title rows, No column, spacer column, blank rows,
                                               # trailing spaces, any-case vocabulary, unit in header, total row
    ("outcomes", "hasil_pemantauan.csv"),      # semicolon, 31/03/2024 and Excel serial dates, Rp 1.500.000
    ("budget", "anggaran.csv"),                # semicolon + Windows-1252, every rupiah style, TOTAL row
])
def test_messy_file_loads_like_its_clean_twin(clean, table, name):
    files = files_in("messy", name)
    if table == "outcomes":
        files |= files_in("clean", "participants.csv")
    result = read_files(files, REFERENCE, today=TODAY)
    assert result.ok, result.errors.to_dict("records")
    assert result.warnings.empty
    pd.testing.assert_frame_equal(result.frames[table], clean[table])


def _clean_rows(table: str) -> list[list[str]]:
    text = (FILES / "clean" / f"{table}.csv").read_text(encoding="utf-8")
    return [line.split(",") for line in text.splitlines()]


def _messy_workbook() -> bytes:
    """The clean tables as staff keep them in Excel: titles, merged two-level headers, typed cells,
    dates as date cells and as serial numbers, a total row with a formula, a notes sheet."""
    workbook = openpyxl.Workbook()
    notes = workbook.active
    notes.title = "Catatan"
    notes.append(["Disusun oleh", "Bidang Rehabilitasi Sosial"])

    people = workbook.create_sheet("Peserta")
    people["A1"] = "DATA PESERTA PELATIHAN ALIH PROFESI"
    people.merge_cells("A1:J1")
    people.append([])
    people.append(["Kode Peserta", "Pelatihan", None, None, "Penyelenggara", "Peran", "Daerah Asal", None,
                   "Usia", "Status"])
    people.append([None, "Tahun", "Program", "Desa", None, None, "Kabupaten Asal", "Provinsi Asal", None, None])
    for column in "AEFIJ":
        people.merge_cells(f"{column}3:{column}4")
    people.merge_cells("B3:D3")
    people.merge_cells("G3:H3")
    for row in _clean_rows("participants")[1:]:
        people.append([row[0], int(row[1]), *row[2:8], float(row[8]) if row[8] else None, row[9]])
    people.append(["Jumlah", None, None, None, None, None, None, None, "=SUM(I5:I8)", None])

    follow_ups = workbook.create_sheet("Hasil")
    follow_ups.append(["Rekap pemantauan"])
    follow_ups.append(["kode peserta", "tahun", "program", "tanggal pemantauan", "hasil", "penghasilan bulanan"])
    for number, row in enumerate(_clean_rows("outcomes")[1:]):
        day = dt.date.fromisoformat(row[3])
        when = (dt.datetime.combine(day, dt.time()) if number % 2 == 0
                else (day - dt.date(1899, 12, 30)).days)  # a date typed as a plain number
        follow_ups.append([row[0], float(row[1]), row[2].upper(), when, row[4], int(row[5]) if row[5] else None])

    money = workbook.create_sheet("Anggaran")
    money.append(_clean_rows("budget")[0])
    for number, row in enumerate(_clean_rows("budget")[1:]):
        allocated = int(row[7]) if number % 2 else f"Rp {int(row[7]):,}".replace(",", ".")
        money.append([int(row[0]), *row[1:6], int(row[6]) if row[6] else None, allocated, int(row[8]), row[9]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_messy_workbook_loads_like_the_clean_csv_files(clean):
    result = read_files({"data_2024.xlsx": _messy_workbook()}, REFERENCE, today=TODAY)
    assert result.ok, result.errors.to_dict("records")
    assert result.warnings.empty
    for table in clean:
        pd.testing.assert_frame_equal(result.frames[table], clean[table])


def test_load_folder_gives_a_typed_dataset(tmp_path):
    dataset = load_folder(FILES / "clean", REFERENCE, label="versi 3", is_demo=False, today=TODAY)
    assert isinstance(dataset, Dataset)
    assert (dataset.label, dataset.is_demo) == ("versi 3", False)
    assert len(dataset.participants) == 4 and len(dataset.outcomes) == 4 and len(dataset.budget) == 4
    for table in ("participants", "outcomes", "budget"):
        assert dataset.table(table).dtypes.to_dict() == dtypes(table, REFERENCE)


def test_load_folder_finds_tables_by_their_headers_whatever_the_file_names(tmp_path):
    for source, target in (("participants.csv", "a.csv"), ("outcomes.csv", "b.csv"), ("budget.csv", "c.csv")):
        shutil.copy(FILES / "clean" / source, tmp_path / target)
    (tmp_path / "~$a.csv").write_bytes(b"\x00lock")   # Excel's lock file is not data
    (tmp_path / "catatan.txt").write_text("bukan data")
    dataset = load_folder(tmp_path, REFERENCE, today=TODAY)
    assert len(dataset.participants) == 4


def test_load_folder_raises_with_every_problem(tmp_path):
    shutil.copy(FILES / "clean" / "outcomes.csv", tmp_path)
    shutil.copy(FILES / "clean" / "budget.csv", tmp_path)
    shutil.copy(FILES / "bad" / "peserta_salah.csv", tmp_path / "participants.csv")
    with pytest.raises(DataError) as raised:
        load_folder(tmp_path, REFERENCE, today=TODAY)
    problems = raised.value.problems
    # the file's own 9 errors, and the 4 outcomes whose enrollments are not in it
    assert problems["file"].value_counts().to_dict() == {"participants.csv": 9, "outcomes.csv": 4}
    assert str(raised.value) == ("Data ditolak: 13 kesalahan. Pertama: outcomes.csv, baris 2: Tidak ada peserta "
                                 "P-0001 tahun 2023 program Tata Rias di data peserta.")


def test_load_folder_without_a_table_names_it(tmp_path):
    shutil.copy(FILES / "clean" / "participants.csv", tmp_path)
    shutil.copy(FILES / "clean" / "outcomes.csv", tmp_path)
    with pytest.raises(DataError) as raised:
        load_folder(tmp_path, REFERENCE, today=TODAY)
    assert raised.value.problems["problem"].tolist() == ["Tabel anggaran (budget) tidak ditemukan di folder."]
    assert str(raised.value) == ("Data ditolak: 1 kesalahan. Pertama: "
                                 f"{tmp_path}: Tabel anggaran (budget) tidak ditemukan di folder.")


def test_load_folder_on_a_missing_folder(tmp_path):
    with pytest.raises(DataError, match="Folder data tidak ditemukan"):
        load_folder(tmp_path / "tidak-ada", REFERENCE)


def test_read_files_reports_file_problems_and_table_problems_together():
    files = files_in("bad", "empty.csv", "pii_header.csv") | files_in("clean", "budget.csv")
    result = read_files(files, REFERENCE, today=TODAY)
    assert not result.ok
    assert result.errors["file"].tolist() == ["empty.csv", "pii_header.csv"]
    assert list(result.frames) == ["budget"]


def test_a_file_with_personal_identifiers_loads_nothing_from_it():
    result = read_files(files_in("bad", "nik_column.csv"), REFERENCE, today=TODAY)
    assert result.frames == {}
    assert "1234567890123456" not in result.problems.to_string()
