"""English mode is English in what is left: a file beyond a limit, a download's filters in the audit log, the data
version in use, the command-line tools and a data folder that cannot be read; and one place computes local time
(``lib.local_time``).

Each English text is checked for a few Indonesian words (``INDONESIAN``) once the data's own words are taken out;
each Indonesian text is checked to read as it did before (quoted here).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import pickle
import re
from collections.abc import Iterable

import openpyxl
import pytest

from lib import accounts, backend, demo, importer, ingest, local_time, report, texts, xlsx
from lib import store as stores
from lib.audit import audit_download_frame, detail_in, open_audit
from lib.downloads import CSV_MIME, DownloadFile, Requester, audited, filters_detail
from lib.filters import Filters
from lib.limits import CELL_CHARS, ROWS, LimitExceeded, Megabytes
from lib.loading import DataError, load_folder, read_files
from lib.schema import ReferenceDataError, column_specs, load_reference
from tests.support.accounts import ROOT

REFERENCE = load_reference()
DEMO_FILES = sorted((ROOT / "data" / "demo").glob("*.csv"))

# Indonesian words no English sentence of these texts uses (whole words, as written).
INDONESIAN = (
    "berkas", "Berkas", "baris", "ditolak", "versi", "Desa:", "Tahun:", "Desa/kelurahan", "lembar", "kolom", "sel",
    "berisi", "lebih", "dari", "tidak", "dan", "atau", "yang", "bawaan", "akun", "Akun", "sandi", "desa", "Gagal",
    "dipakai", "Tersimpan", "Pilihan", "bukan", "dibuat", "ditulis", "pesan", "bahasa", "tabel", "sebelum", "sesudah",
    "tindakan", "Belum", "kesalahan", "semua", "ini", "Tabel", "peran", "Kelola", "Tulis",
)


def indonesian_in(said: Iterable[str], data: Iterable[str] = ()) -> dict[str, str]:
    """The words of ``INDONESIAN`` in ``said`` (word -> where), once ``data`` (the data's own words) is taken out."""
    found = {}
    for sentence in said:
        shown = sentence
        for value in sorted(data, key=len, reverse=True):
            shown = shown.replace(value, " ")
        for word in INDONESIAN:
            if re.search(rf"(?<![\w/-]){re.escape(word)}(?![\w/])", shown):
                found[word] = sentence
    return found


def csv_file(*rows: Iterable[object]) -> bytes:
    return "\n".join(",".join(str(c) for c in row) for row in rows).encode()


PARTICIPANTS = ([spec.name for spec in column_specs("participants")],
                ["KDR-0001", 2024, "Tata Rias", "Kandangan", "Dinas Sosial Kabupaten Kediri", "WPS",
                 "Kabupaten Blitar", "Jawa Timur", 30, "Selesai"])


# --- 1. a file beyond a limit ---------------------------------------------------------------------------------------
# Every place a limit is met, with what lib wrote there before it spoke English (Indonesian mode still says it).
FOUND = [
    (("limit_file_size", {"size": Megabytes(612_345_678)}), "berkas ini berukuran 612 MB"),
    (("limit_file_rows", {"n": 5_000_001}), "berkas ini berisi 5.000.001 baris"),
    (("limit_file_cells", {"n": 20_000_000}), "berkas ini berisi lebih dari 20.000.000 sel"),
    (("limit_file_texts", {"n": 5_000_000}), "berkas ini berisi lebih dari 5.000.000 teks berbeda"),
    (("limit_header_columns", {"n": 1_200}), "baris judul kolom berisi 1.200 kolom"),
    (("limit_cell_chars", {"cell": "B150", "n": 40_000}), "sel B150 berisi 40.000 karakter"),
    (("limit_cell_near_row", {"row": 1_500, "n": 32_767}),
     "sebuah sel sekitar baris 1.500 berisi lebih dari 32.767 karakter"),
    (("limit_text_chars", {"n": 32_767}), "sebuah teks di berkas ini berisi lebih dari 32.767 karakter"),
    (("limit_sheet_cell_chars", {"sheet": "Peserta", "cell": "B150", "n": 32_767}),
     "sel B150 di lembar 'Peserta' berisi lebih dari 32.767 karakter"),
    (("limit_xlsx_parts", {"n": 12_000}), "berkas XLSX ini berisi 12.000 bagian"),
    (("limit_xlsx_directory", {"size": Megabytes(12_000_000), "n": 10_000}),
     "daftar isi berkas XLSX ini berukuran 12 MB, cukup untuk lebih dari 10.000 bagian"),
    (("limit_xlsx_unpacked", {"size": Megabytes(700_000_000)}), "isi berkas XLSX ini 700 MB setelah dibuka"),
    (("limit_xlsx_inflated", {"size": Megabytes(500_000_000)}), "isi berkas XLSX ini lebih dari 500 MB setelah dibuka"),
    (("limit_sheets_cells", {"sheet": "Peserta", "n": 20_000_000}),
     "lembar-lembar berkas ini bersama-sama berisi lebih dari 20.000.000 sel"),
    (("limit_sheet_column", {"sheet": "Peserta", "letter": "AMM", "n": 1_001}),
     "lembar 'Peserta' berisi data di kolom AMM (kolom ke-1.001)"),
    (("limit_sheet_row", {"sheet": "Peserta", "n": 5_000_001}), "lembar 'Peserta' berisi data di baris 5.000.001"),
    (("limit_sheet_cells", {"sheet": "Peserta", "n": 20_000_000}), "lembar 'Peserta' berisi lebih dari 20.000.000 sel"),
    (("limit_sheet_merged", {"sheet": "Peserta", "n": 10_000}), "lembar 'Peserta' berisi lebih dari 10.000 sel gabungan"),
    (("limit_sheet_span", {"sheet": "Peserta", "height": 5_000, "width": 5_000}),
     "data di lembar 'Peserta' membentang 5.000 baris × 5.000 kolom"),
    (("limit_sheet_merged_cells", {"sheet": "Peserta", "n": 20_000_000}),
     "sel gabungan di lembar 'Peserta' mencakup lebih dari 20.000.000 sel"),
]


def refusal(key: str, values: dict) -> LimitExceeded:
    values = dict(values)
    return LimitExceeded(CELL_CHARS, key, sheet=values.pop("sheet", None), **values)


@pytest.mark.parametrize(("found", "indonesian"), FOUND, ids=[key for (key, _), _ in FOUND])
def test_a_file_beyond_a_limit_is_refused_in_the_readers_language(found, indonesian):
    refused = refusal(*found)
    assert refused.text == refused.message("id") == (
        f"Berkas ditolak seluruhnya karena melampaui batas 32.767 karakter per sel: {indonesian}. "
        "Tidak ada isi berkas yang dipakai.")
    assert refused.found == indonesian
    english = refused.message("en")
    assert english.startswith("The file is refused whole because it goes beyond the limit of 32,767 characters "
                              "per cell: ")
    assert not indonesian_in([english], ["Peserta"]), english


def test_every_limit_the_readers_read_is_listed_above():
    assert {key for key in texts.MESSAGES if key.startswith("limit_")} == {key for (key, _), _ in FOUND}


def test_a_csv_beyond_a_limit_says_what_it_holds_in_english(monkeypatch):
    monkeypatch.setattr(ingest, "ROWS", dataclasses.replace(ROWS, value=2))
    files = {"peserta.csv": csv_file(*PARTICIPANTS, PARTICIPANTS[1], PARTICIPANTS[1])}
    english = read_files(files, REFERENCE, lang="en").problems["problem"].tolist()
    assert english == ["The file is refused whole because it goes beyond the limit of 2 rows per sheet or per CSV "
                       "file: this file holds 4 rows. Nothing of the file is used."]
    indonesian = read_files(files, REFERENCE).problems["problem"].tolist()
    assert indonesian == ["Berkas ditolak seluruhnya karena melampaui batas 2 baris per lembar atau per berkas CSV: "
                          "berkas ini berisi 4 baris. Tidak ada isi berkas yang dipakai."]


def test_an_xlsx_beyond_a_limit_says_where_in_english(monkeypatch):
    monkeypatch.setattr(xlsx, "ROWS", dataclasses.replace(ROWS, value=2))
    book = openpyxl.Workbook()
    book.active.title = "Peserta"
    for row in (*PARTICIPANTS, PARTICIPANTS[1]):
        book.active.append(row)
    content = io.BytesIO()
    book.save(content)
    files = {"peserta.xlsx": content.getvalue()}
    english = read_files(files, REFERENCE, lang="en").problems
    assert english["problem"].tolist() == [
        "The file is refused whole because it goes beyond the limit of 2 rows per sheet or per CSV file: the sheet "
        "'Peserta' holds data in row 3. Nothing of the file is used."]
    assert english[["sheet", "row"]].values.tolist() == [["Peserta", 3]]
    indonesian = read_files(files, REFERENCE).problems["problem"].iloc[0]
    assert "lembar 'Peserta' berisi data di baris 3" in indonesian


# --- 2. a download's filters in the audit log -----------------------------------------------------------------------
def test_the_audit_log_keeps_a_downloads_filters_as_facts_and_shows_them_in_the_readers_words(tmp_path):
    log = open_audit(tmp_path / "audit.sqlite3")
    file = DownloadFile("x.csv", CSV_MIME, lambda: b"isi")
    chosen = Filters.of(village="Pare", year="2021-2025", role="Mucikari")
    audited(file, Requester(None, "Desa", log), "Peserta menurut desa", chosen).build()
    log.record(None, "download", what="Tren", filters=["Desa/kelurahan: Pare", "Tahun: 2022"])  # as kept before
    log.record(None, "download", what="Tren", filters=filters_detail(Filters()))

    kept, _, everything = (json.loads(d) for d in log.events()["detail"].iloc[::-1])  # oldest first
    assert kept["filters"] == {"tahun": "2021-2025", "desa": "Pare", "peran": "Mucikari"}
    assert everything["filters"] == {}

    english = audit_download_frame(log.events(), "en")["Details"].tolist()
    assert json.loads(english[2])["filters"] == {"Year": "2021-2025", "Village": "Pare", "Role": "Pimp"}
    assert not indonesian_in([english[2]], ["Peserta menurut desa", "Pare"]), english[2]
    assert json.loads(english[1])["filters"] == ["Desa/kelurahan: Pare", "Tahun: 2022"]  # an older row, as recorded
    indonesian = audit_download_frame(log.events())["Rincian"].tolist()
    assert indonesian == log.events()["detail"].tolist()  # the log as recorded


def test_the_audit_pages_own_choices_stay_worded_as_before():
    detail = json.dumps({"filters": {"tanggal": "2025-06-01 – 2025-06-30 WIB", "pengguna": "Semua", "aksi": "login"}})
    assert json.loads(detail_in(detail, "en"))["filters"] == {
        "dates": "2025-06-01 – 2025-06-30 WIB", "user": "All", "action": "login"}


# --- 3. the data version in use -------------------------------------------------------------------------------------
MANIFEST = {"id": "0003", "created_at": "2026-11-22T03:15:00+00:00"}


def test_the_version_label_speaks_the_readers_language():
    assert stores.version_label(MANIFEST) == "versi 3 (2026-11-22 10:15 WIB)"
    assert stores.version_label(MANIFEST, "en") == "version 3 (2026-11-22 10:15 WIB)"
    label = stores.version_of(MANIFEST)  # as a Dataset keeps it, shared by readers of both languages
    assert label == "versi 3 (2026-11-22 10:15 WIB)"
    assert stores.label_in(label, "en") == "version 3 (2026-11-22 10:15 WIB)"
    assert stores.label_in(pickle.loads(pickle.dumps(label)), "en") == "version 3 (2026-11-22 10:15 WIB)"
    assert stores.label_in("demo", "en") == "demo"


def test_the_version_a_dataset_is_read_from_is_labelled_in_either_language(tmp_path):
    store = stores.open_store(tmp_path / "store")
    files = {path.name: path.read_bytes() for path in DEMO_FILES}
    plan = importer.plan_import(files, store, REFERENCE)
    version = importer.commit_import(plan, store, "admin")
    label = stores.read_version(store, version, REFERENCE).label
    assert re.fullmatch(r"versi 1 \(\d{4}-\d\d-\d\d \d\d:\d\d WIB\)", label)
    assert stores.label_in(label, "en") == label.replace("versi", "version")


# --- 4. the command-line tools --------------------------------------------------------------------------------------
def help_of(module, capsys, *argv: str) -> str:
    with pytest.raises(SystemExit) as done:
        module.main([*argv, "--help"])
    assert done.value.code == 0
    return capsys.readouterr().out


# The tools' own words that are names, not sentences: options, the example department, the demo folder.
NAMES = ("--tahun", "--desa", "--penyelenggara", "--peran", "--dinas", "DINAS", "Dinas Sosial Kabupaten Kediri",
         str(demo.DEMO_DIR))


@pytest.mark.parametrize("module", [accounts, importer, backend, demo, report], ids=lambda m: m.__name__)
def test_every_tools_help_speaks_the_language_asked(module, capsys, monkeypatch):
    monkeypatch.setenv("LANG", "C.UTF-8")
    english = help_of(module, capsys, "--lang", "en")
    assert not indonesian_in([english], NAMES), english
    indonesian = help_of(module, capsys)
    assert indonesian_in([indonesian], NAMES)  # Indonesian, as the dashboard, unless the locale is English
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert help_of(module, capsys) == english


def test_the_command_line_language_comes_from_the_locale_unless_asked():
    assert texts.environment_language({}) == "id"
    assert texts.environment_language({"LANG": "C.UTF-8"}) == "id"
    assert texts.environment_language({"LANG": "id_ID.UTF-8"}) == "id"
    assert texts.environment_language({"LANG": "en_GB.UTF-8"}) == "en"
    assert texts.environment_language({"LC_ALL": "id_ID.UTF-8", "LANG": "en_US.UTF-8"}) == "id"
    assert texts.command_language(["--lang", "en", "list"]) == "en"


def test_the_accounts_tool_speaks_english_when_asked(tmp_path, cheap_hashes, monkeypatch, capsys):
    common = ["--lang", "en", "--db", str(tmp_path / "accounts.sqlite3"), "--audit", str(tmp_path / "audit.sqlite3"),
              "--reference", str(ROOT / "data" / "reference.toml")]
    monkeypatch.setattr("sys.stdin", io.StringIO("kuda-lumping-2024\n"))
    assert accounts.main([*common, "add", "ani", "--role", "admin", "--password-stdin"]) == 0
    assert accounts.main([*common, "list"]) == 0
    assert accounts.main([*common, "remove", "ani"]) == 1  # the last admin
    said = capsys.readouterr()
    assert said.out.startswith("Account created: ani") and "every village" in said.out
    assert said.err == "Failed: This is the last admin and cannot be deleted; make another admin first.\n"
    assert not indonesian_in([said.out, said.err], ["ani"])


def test_the_importer_speaks_english_when_asked(tmp_path, capsys):
    common = ["--lang", "en", "--store", str(tmp_path / "store"), "--audit", str(tmp_path / "audit.sqlite3")]
    out, err = io.StringIO(), io.StringIO()
    assert importer.main([*common, "--list"], stdout=out, stderr=err) == importer.EXIT_OK
    assert importer.main([*common, "--yes", *map(str, DEMO_FILES)], stdout=out, stderr=err) == importer.EXIT_OK
    assert importer.main([*common, "--list"], stdout=out, stderr=err) == importer.EXIT_OK
    assert importer.main([*common, "--rollback", "7"], stdout=out, stderr=err) == importer.EXIT_USAGE
    assert importer.main([*common, str(tmp_path / "nowhere.csv")], stdout=out, stderr=err) == importer.EXIT_USAGE
    said = out.getvalue()
    assert said.startswith("No versions yet") and "Changes per table:" in said and "rows before" in said
    assert re.search(r"Stored: version 1 \(.* WIB\) is in use now\.", said)
    assert not indonesian_in([said, err.getvalue()], [str(tmp_path), *(p.name for p in DEMO_FILES)]), said
    with pytest.raises(SystemExit):
        importer.main(["--lang", "en"])
    assert "name the files to import" in capsys.readouterr().err


def test_the_database_and_demo_tools_speak_english_when_asked(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("DASBOR_DATABASE_URL", raising=False)
    assert backend.main(["--lang", "en", "init"]) == 2
    demo.main(["--lang", "en", "--out", str(tmp_path), "--enrollments", "200"])
    said = capsys.readouterr()
    assert said.err == "DASBOR_DATABASE_URL is not set: the dashboard uses files in the data folder.\n"
    assert re.fullmatch(rf"{tmp_path}: participants: 200, .* \(made in [\d.]+ s, written in [\d.]+ s\)\n", said.out)


def test_the_report_tool_refuses_a_choice_in_english(data_dir, capsys):
    out = data_dir.parent / "report.pdf"
    assert report.main(["--out", str(out), "--lang", "en", "--desa", "Atlantis"]) == 2
    said = capsys.readouterr().err
    assert said.startswith("--desa: Atlantis is not one value or one named group of village. Choices: ")
    assert not indonesian_in([said.split("Choices:")[0]], ["--desa"]), said


# --- 5. local time, computed in one place ---------------------------------------------------------------------------
def test_every_local_time_is_read_in_lib_local_time(monkeypatch):
    moment = dt.datetime(2026, 11, 22, 3, 15, tzinfo=dt.UTC)
    assert stores.local_time_text(moment) == local_time.wib(moment) == "2026-11-22 10:15 WIB"
    assert stores.local_time_text(moment.replace(tzinfo=None)) == "2026-11-22 10:15 WIB"  # without a zone: UTC
    assert report.today_local() == local_time.today()
    # One place: a different offset there moves every reader's time.
    monkeypatch.setattr(local_time, "WIB", dt.timezone(dt.timedelta(hours=-12)))
    assert stores.local_time_text(moment) == "2026-11-21 15:15 WIB"
    assert stores.version_label(MANIFEST) == "versi 3 (2026-11-21 15:15 WIB)"
    assert report.today_local() == dt.datetime.now(dt.timezone(dt.timedelta(hours=-12))).date()


# --- 6. a data folder that cannot be read ---------------------------------------------------------------------------
# The dataset is read once for every reader (Indonesian), so the error says itself again in the reader's language.
def refused(folder, lang: str = "id") -> DataError:
    with pytest.raises(DataError) as raised:
        load_folder(folder, REFERENCE, lang=lang)
    return raised.value


def test_a_missing_data_folder_is_named_in_the_readers_language(tmp_path):
    folder = tmp_path / "tidak-ada"
    error = refused(folder)
    assert str(error) == error.message("id") == f"Data ditolak: 1 kesalahan. Pertama: {folder}: Folder data tidak ditemukan."
    assert error.message("en") == f"Data refused: 1 error. First: {folder}: The data folder was not found."
    assert error.problems_in("en")["allowed"].tolist() == [
        "A folder holding participants, outcomes and budget (.csv or .xlsx)."]
    assert refused(folder, "en").problems.equals(error.problems_in("en"))


def test_a_missing_table_is_named_in_the_readers_language(tmp_path):
    for name in ("participants.csv", "outcomes.csv"):
        (tmp_path / name).write_bytes((ROOT / "data" / "demo" / name).read_bytes())
    error = refused(tmp_path)
    assert error.problems["problem"].tolist() == ["Tabel anggaran (budget) tidak ditemukan di folder."]
    assert error.problems["allowed"].tolist() == [
        "Berkas budget.csv atau budget.xlsx dengan judul kolom tabel anggaran."]
    english = error.problems_in("en")
    assert english["problem"].tolist() == ["The budget table (budget) is not in the folder."]
    assert english["allowed"].tolist() == ["A file budget.csv or budget.xlsx with the column headers of the budget table."]
    assert error.message("en") == f"Data refused: 1 error. First: {tmp_path}: The budget table (budget) is not in the folder."
    assert error.message("id") == str(error)


def test_a_folder_with_wrong_rows_is_refused_in_the_readers_language(tmp_path):
    files = ROOT / "tests" / "files"
    for source, name in (("clean/outcomes.csv", "outcomes.csv"), ("clean/budget.csv", "budget.csv"),
                         ("bad/peserta_salah.csv", "participants.csv")):
        (tmp_path / name).write_bytes((files / source).read_bytes())
    error = refused(tmp_path)
    assert str(error) == ("Data ditolak: 13 kesalahan. Pertama: outcomes.csv, baris 2: Tidak ada peserta P-0001 tahun "
                          "2023 program Tata Rias di data peserta.")
    said = error.message("en")
    assert said.startswith("Data refused: 13 errors. First: outcomes.csv, row 2: "), said
    english = error.problems_in("en")
    assert english[["file", "row", "column"]].equals(error.problems[["file", "row", "column"]])
    data = {cell for path in tmp_path.iterdir() for line in path.read_text().splitlines() for cell in line.split(",")}
    assert not indonesian_in([said, *english["problem"], *english["allowed"]], data), said


def test_a_page_on_a_data_folder_missing_a_table_says_so_in_the_readers_language(data_dir):
    from tests.support.pages import run

    (data_dir / "demo" / "budget.csv").unlink()
    english = " ".join(e.value for e in run(None, bahasa="en").error)
    assert "budget" in english and not [w for w in INDONESIAN if re.search(rf"\b{re.escape(w)}\b", english)], english
    indonesian = " ".join(e.value for e in run(None).error)
    assert "tidak ditemukan di folder" in indonesian


BROKEN_REFERENCES = {
    "unreadable": "programs = [",
    "missing lists": "programs = ['Tata Boga']\n",
    "empty lists": "programs = []\norganizers = []\nsites = []\n",
    "group without members": ("programs = ['Tata Boga']\norganizers = ['Dinsos']\n"
                              "[[sites]]\nname = 'Pare'\nregency = 'Kabupaten Kediri'\n"
                              "[[site_groups]]\nname = 'Kelompok'\n"),
    "unknown member": ("programs = ['Tata Boga']\norganizers = ['Dinsos']\n"
                       "[[sites]]\nname = 'Pare'\nregency = 'Kabupaten Kediri'\n"
                       "[[site_groups]]\nname = 'Kelompok'\nsites = ['Atlantis']\n"),
    "bad period": ("programs = ['Tata Boga']\norganizers = ['Dinsos']\n"
                   "[[sites]]\nname = 'Pare'\nregency = 'Kabupaten Kediri'\n"
                   "[[periods]]\nname = 'Lama'\nfirst = 1990\nlast = 1995\n"),
}


@pytest.mark.parametrize("broken", BROKEN_REFERENCES.values(), ids=BROKEN_REFERENCES.keys())
def test_a_reference_file_that_cannot_be_used_says_why_in_english(tmp_path, broken):
    path = tmp_path / "reference.toml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ReferenceDataError) as refused:
        load_reference(path)
    english = refused.value.message("en")
    assert english.startswith(f"Reference file {path}")
    assert not indonesian_in([english], [str(path), "Tata Boga", "Kelompok", "Lama", "Atlantis"]), english
    assert refused.value.message("id") == str(refused.value)
    assert str(refused.value).startswith(f"Berkas data acuan {path}")


def test_a_page_on_a_broken_reference_file_says_why_in_english(pages_on_demo):
    from tests.support.pages import run

    (pages_on_demo / "reference.toml").write_text("programs = [", encoding="utf-8")
    at = run(bahasa="en")
    said = [e.value for e in at.error]
    assert any(f"Reference file {pages_on_demo / 'reference.toml'} cannot be read" in s for s in said), said
    assert not indonesian_in(said, [str(pages_on_demo)]), said


def test_the_importer_explains_a_broken_reference_file_in_english(tmp_path):
    path = tmp_path / "reference.toml"
    path.write_text("programs = [", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    common = ["--lang", "en", "--store", str(tmp_path / "store"), "--audit", str(tmp_path / "audit.sqlite3")]
    assert importer.main([*common, "--reference", str(path), *map(str, DEMO_FILES)], stdout=out,
                         stderr=err) == importer.EXIT_USAGE
    assert err.getvalue().startswith(f"Reference file {path} cannot be read")


CLI_MAINS = {"accounts": accounts.main, "importer": importer.main, "report": report.main, "backend": backend.main,
             "demo": demo.main}


@pytest.mark.parametrize("tool", CLI_MAINS)
def test_a_command_line_speaks_indonesian_in_its_own_words_too(tool, capsys):
    for lang, words, foreign in (("id", ("cara pakai:", "pilihan:", "tampilkan bantuan ini"),
                                  ("usage:", "options:", "show this help")),
                                 ("en", ("usage:", "options:", "show this help"), ("cara pakai:", "pilihan:"))):
        with pytest.raises(SystemExit):
            CLI_MAINS[tool](["--lang", lang, "--help"])
        said = capsys.readouterr().out
        assert all(w in said for w in words), said
        assert not any(w in said for w in foreign), said


def test_a_command_line_refuses_in_indonesian(capsys):
    with pytest.raises(SystemExit):
        accounts.main(["--lang", "id", "add"])
    said = capsys.readouterr().err
    assert "galat: argumen ini wajib diisi: username, --role" in said and "error" not in said
    with pytest.raises(SystemExit):
        accounts.main(["--lang", "id", "list", "--bogus"])
    assert "argumen tidak dikenal: --bogus" in capsys.readouterr().err
