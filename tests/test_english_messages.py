"""English mode is English in the messages lib writes too, and Indonesian mode reads as before.

Four areas: account errors (``lib.accounts``), store and database errors
(``lib.store``, ``lib.backend``), import problems with their table and CSV
(``lib.ingest``, ``lib.validate``, ``lib.importer``, ``lib.templates``), and
the audit log's details (``lib.audit``); then the admin pages' navigation
titles and the signed-in account line (``pages.auth``). Each is checked in lib
and on its page run headlessly (``tests/support``): in English no word of
``INDONESIAN`` is left once the data's own values (villages, programs, column
aliases, file names, what a user typed) are taken out; in Indonesian the words
are those lib wrote before (quoted here), so the list is not empty by accident.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import io
import json
import re
from collections.abc import Iterable

import openpyxl
import pandas as pd
import pytest

from lib import accounts, importer, ingest
from lib import store as stores
from lib.audit import audit_download_frame, detail_in, open_audit
from lib.backend import DatabaseUnavailable
from lib.loading import read_files
from lib.measures import MEASURES
from lib.schema import ALL_TABLES, TARGET_INDICATORS, UNKNOWN, column_specs, load_reference
from lib.sign_in import describe_account
from lib.templates import template_csv, template_filename, template_xlsx
from lib.texts import MESSAGES, text
from tests.support.accounts import ADMIN, ADMIN_PW, VIEWER, VIEWER_PW, add_account, session_of
from tests.support.pages import click_downloads, texts

REFERENCE = load_reference()
TODAY = dt.date(2025, 6, 30)

# Indonesian words that no English sentence uses (matched as whole words, case as written).
INDONESIAN = (
    "tidak", "dan", "atau", "yang", "dengan", "ada", "ini", "Ini", "dari", "untuk", "sampai", "bukan", "harus",
    "lagi", "coba", "berkas", "Berkas", "kolom", "Kolom", "baris", "Baris", "tabel", "Tabel", "lembar", "sel",
    "peserta", "Peserta", "tahun", "Tahun", "desa", "Desa", "akun", "Akun", "sandi", "Nama", "nama", "pengguna",
    "Pengguna", "terakhir", "wajib", "Wajib", "diisi", "kosong", "ditolak", "unggah", "Unggah", "hapus", "Hapus",
    "acuan", "versi", "Versi", "Basis", "salah", "terkunci", "anonim", "terdaftar", "Semua", "semua", "tanggal",
    "Tanggal", "aksi", "Aksi", "masalah", "kesalahan", "peringatan", "saran", "nilai", "judul", "templat",
    "Pilihan", "Boleh", "samaran", "misalnya", "ganda", "pagu", "melebihi", "Diterima", "pemantauan",
    "penyelenggara", "anggaran", "bulat", "Bilangan", "Pembaca", "Keluar", "Masuk", "Kode", "Rincian", "Waktu",
    "Dasbor", "dasbor", "s.d.", "jenis", "Halaman",
)

# The data's own words, which a message names as they are written in a file: taken out before the check.
VOCABULARY = {value for vocab in ("programs", "sites", "organizers", "roles", "statuses", "outcomes", "categories",
                                  "funding_sources", "indicators") for value in REFERENCE.vocabulary(vocab)}
ALIASES = {spec.alias for table in ALL_TABLES for spec in column_specs(table)}  # Indonesian column names
DATA_WORDS = sorted(VOCABULARY | {UNKNOWN, "Kabupaten Blitar", "Kota Surabaya", "Jawa Timur", "Mesin jahit"},
                    key=len, reverse=True)


def indonesian_in(words: Iterable[object], data: Iterable[object] = ()) -> dict[str, str]:
    """The words of ``INDONESIAN`` found in ``words`` (word -> where), after taking out ``data`` and DATA_WORDS."""
    found = {}
    taken_out = sorted({str(d) for d in data if d is not None and str(d)}, key=len, reverse=True) + DATA_WORDS
    for said in words:
        shown = str(said)
        for value in taken_out:
            shown = shown.replace(value, " ")
        for word in INDONESIAN:
            if re.search(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", shown):
                found[word] = str(said)
    return found


def test_every_message_lib_writes_has_english_without_an_indonesian_word():
    english = {key: re.sub(r"\{[^}]*\}", " ", words["en"]) for key, words in MESSAGES.items()}
    found = {key: hit for key, said in english.items() if (hit := indonesian_in([said]))}
    assert not found, found
    assert indonesian_in(words["id"] for words in MESSAGES.values())  # the list names the Indonesian ones


# --- 1. account errors ----------------------------------------------------------------------------------------
@pytest.fixture
def conn(tmp_path, cheap_hashes):
    with accounts.open_accounts(tmp_path / "accounts.sqlite3") as connection:
        yield connection


def account_errors(conn) -> list[accounts.AccountError]:
    """Every refusal of the account rules, as the Akun page and the command line meet them."""
    attempts = [
        lambda: accounts.create_account(conn, "budi", "panjang-sekali-1", "viewer", actor="cli"),
        lambda: accounts.checked_username("Budi Santoso!"),
        lambda: accounts.checked_password("pendek"),
        lambda: accounts.checked_password("x" * (accounts.MAX_PASSWORD_LENGTH + 1)),
        lambda: accounts.checked_password("ani.kediri", "ani.kediri"),
        lambda: accounts.checked_role("kepala"),
        lambda: accounts.checked_villages(["Paree"], REFERENCE.villages),
        lambda: accounts.checked_villages(["Zzz"], REFERENCE.villages),
        lambda: accounts.create_account(conn, "ani", "kuda-lumping-2024", "admin", ["Pare"], actor="cli"),
        lambda: accounts.create_account(conn, "ani", "kuda-lumping-2024", "admin", actor="cli"),
        lambda: accounts.set_role_and_villages(conn, "ani", "viewer", actor="cli"),
        lambda: accounts.delete_account(conn, "ani", actor="cli"),
        lambda: accounts.unlock_account(conn, "siapa", actor="cli"),
    ]
    errors = []
    for attempt in attempts:
        with pytest.raises(accounts.AccountError) as caught:
            attempt()
        errors.append(caught.value)
        if attempt is attempts[0]:
            accounts.create_account(conn, "ani", "kuda-lumping-2024", "admin", actor="cli")
    return errors


# What lib said before it spoke English: Indonesian mode says exactly this still.
ACCOUNT_ERRORS_ID = [
    "Akun pertama harus admin, agar ada yang dapat mengelola akun dan data.",
    "Nama pengguna harus 3 sampai 64 karakter: huruf kecil, angka, titik, garis bawah, @ atau tanda hubung, "
    "diawali huruf atau angka.",
    "Kata sandi terlalu pendek: minimal 10 karakter.",
    "Kata sandi terlalu panjang: maksimal 1024 karakter.",
    "Kata sandi tidak boleh sama dengan nama pengguna.",
    "Peran 'kepala' tidak dikenal; pilih 'admin' atau 'viewer'.",
    "Desa 'Paree' tidak ada di data acuan. Maksud Anda 'Pare'?",
    f"Desa 'Zzz' tidak ada di data acuan. Pilihan: {', '.join(REFERENCE.villages)}.",
    "Admin selalu melihat semua desa; batas desa hanya untuk peran 'viewer'.",
    "Akun 'ani' sudah ada.",
    "Ini admin terakhir; jadikan akun lain admin dahulu.",
    "Ini admin terakhir dan tidak dapat dihapus; buat admin lain dahulu.",
    "Akun 'siapa' tidak ada.",
]


def test_account_errors_are_english_in_english_and_unchanged_in_indonesian(conn):
    errors = account_errors(conn)
    assert [str(e) for e in errors] == ACCOUNT_ERRORS_ID
    assert [e.message("id") for e in errors] == ACCOUNT_ERRORS_ID
    english = [e.message("en") for e in errors]
    assert not indonesian_in(english, ["Paree", "Pare", "Zzz", "kepala", "siapa", *REFERENCE.villages]), english
    assert english[6] == "The village 'Paree' is not in the reference data. Did you mean 'Pare'?"


@pytest.fixture
def with_admin(data_dir, cheap_hashes, served):
    add_account(ADMIN, ADMIN_PW, "admin")
    add_account(VIEWER, VIEWER_PW, "viewer", ("Pare",))
    return ADMIN


def create_on_the_akun_page(lang: str | None, name: str, password: str):
    at = session_of(ADMIN, **({"bahasa": lang} if lang else {})).switch_page("pages/akun.py").run()
    at.text_input(key="akun_buat_nama").input(name)
    at.text_input(key="akun_buat_sandi").input(password)
    at.text_input(key="akun_buat_sandi_ulang").input(password)
    return at.button(key="akun_buat_kirim").click().run()


@pytest.mark.parametrize("name, password, english, indonesian", [
    ("citra", "pendek", "The password is too short: at least 10 characters.",
     "Kata sandi terlalu pendek: minimal 10 karakter."),
    ("Citra Dewi", "panjang-sekali-1", "A user name has 3 to 64 characters",
     "Nama pengguna harus 3 sampai 64 karakter"),
    (VIEWER, "panjang-sekali-1", f"The account '{VIEWER}' exists already.", f"Akun '{VIEWER}' sudah ada."),
])
def test_the_akun_page_says_why_an_account_is_refused_in_the_readers_language(with_admin, name, password, english,
                                                                              indonesian):
    at = create_on_the_akun_page("en", name, password)
    assert not at.exception, [e.message for e in at.exception]
    assert english in texts(at.error) and not indonesian_in([texts(at.error)], [name]), texts(at.error)
    assert indonesian in texts(create_on_the_akun_page(None, name, password).error)


# --- 2. store and database errors --------------------------------------------------------------------------------
def store_errors() -> list[Exception]:
    return [
        stores.StoreBusy(),
        stores.StaleImport(None, "0002"),
        stores.StaleImport("0001", "0002"),
        stores.UnknownVersion("v9"),
        stores.StoreWriteFailed(OSError(errno.ENOSPC, "No space left on device")),
        stores.StoreWriteFailed(OSError(errno.EACCES, "Permission denied")),
        stores.ReferenceMismatch("0003", {"participants": {"village": ["Gurah Lama"]}}),
        stores.StoreCorrupt("store_file_changed", path="/data/store/versions/0001/budget.parquet"),
        stores.StoreCorrupt("store_table_missing", table="budget", version="0001"),
        stores.StoreUnavailable("store_database_failed", reason="server closed the connection"),
        stores.StoreUnavailable.unreachable(DatabaseUnavailable("postgresql://dasbor@db/dasbor", "OperationalError")),
        DatabaseUnavailable("postgresql://dasbor@db/dasbor", "PoolTimeout"),
    ]


STORE_ERRORS_ID = [
    "Data sedang diperbarui oleh pengguna lain. Tidak ada yang berubah; coba lagi sebentar lagi.",
    "Data yang dipakai sudah berganti (belum ada data menjadi versi 2) sejak berkas ini diperiksa. Tidak ada yang "
    "berubah; coba lagi: unggah dan periksa berkasnya sekali lagi.",
    "Data yang dipakai sudah berganti (versi 1 menjadi versi 2) sejak berkas ini diperiksa. Tidak ada yang "
    "berubah; coba lagi: unggah dan periksa berkasnya sekali lagi.",
    "Versi 'v9' tidak ada. Lihat daftar versi untuk nomor yang benar.",
    "Data gagal disimpan (disk penuh). Data yang dipakai tidak berubah; kosongkan ruang disk atau hubungi admin, "
    "lalu coba lagi.",
    "Data gagal disimpan (Permission denied). Data yang dipakai tidak berubah; kosongkan ruang disk atau hubungi "
    "admin, lalu coba lagi.",
    "Versi 3 memakai nilai yang tidak ada di data acuan (participants.village: Gurah Lama). Kembalikan nilai itu ke "
    "data acuan, atau impor ulang data yang sudah diperbaiki.",
    "Berkas /data/store/versions/0001/budget.parquet berubah atau rusak sejak disimpan (sidik sha256 tidak cocok).",
    "Tabel budget hilang dari versi 0001 di basis data.",
    "Basis data data tidak dapat dibaca (server closed the connection). Data yang dipakai tidak berubah; coba lagi "
    "atau hubungi admin.",
    "Basis data postgresql://dasbor@db/dasbor tidak dapat dihubungi (OperationalError). Periksa DASBOR_DATABASE_URL "
    "dan server PostgreSQL, lalu coba lagi.",
    "Basis data postgresql://dasbor@db/dasbor tidak dapat dihubungi (PoolTimeout). Periksa DASBOR_DATABASE_URL dan "
    "server PostgreSQL, lalu coba lagi.",
]


def test_store_and_database_errors_are_english_in_english_and_unchanged_in_indonesian():
    errors = store_errors()
    assert [str(e) for e in errors] == STORE_ERRORS_ID
    assert [e.message("id") for e in errors] == STORE_ERRORS_ID
    english = [e.message("en") for e in errors]
    assert not indonesian_in(english, ["Gurah Lama", "postgresql://dasbor@db/dasbor"]), english
    assert english[1].startswith("The data in use changed (no data yet became version 2)")
    assert "(the disk is full)" in english[4]


def test_a_busy_store_says_try_again_on_the_data_page_in_the_readers_language(with_admin, monkeypatch):
    def busy(*args, **kwargs):
        raise stores.StoreBusy()

    said = {}
    for lang in ("en", "id"):
        at = session_of(ADMIN, bahasa=lang).switch_page("pages/data.py").run()
        at.file_uploader(key="data_berkas").set_value(
            [("participants.csv", template_csv("participants", REFERENCE, today=TODAY), "text/csv")]).run()
        with monkeypatch.context() as patched:
            patched.setattr(importer, "commit_import", busy)
            said[lang] = texts(at.button(key="data_simpan").click().run().error)
    assert "try again in a moment" in said["en"] and not indonesian_in([said["en"]]), said["en"]
    assert "coba lagi sebentar lagi" in said["id"]


# --- 3. import problems, their table and CSV, the templates --------------------------------------------------
def csv_file(*rows: Iterable[object]) -> bytes:
    return "\n".join(",".join(str(c) for c in row) for row in rows).encode("utf-8")


def xlsx_file(*rows: Iterable[object]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


PARTICIPANT = ["KDR-0001", 2024, "Tata Rias", "Kandangan", "Dinas Sosial Kabupaten Kediri", "WPS",
               "Kabupaten Blitar", "Jawa Timur", 30, "Selesai"]
PARTICIPANT_HEADER = [spec.name for spec in column_specs("participants")]
OUTCOME_HEADER = [spec.name for spec in column_specs("outcomes")]
OUTCOME = ["KDR-0001", 2024, "Tata Rias", "2024-12-31", "Bekerja", 1500000]
BUDGET_HEADER = [spec.name for spec in column_specs("budget")]
BUDGET_LINE = [2024, "Tata Rias", "Dinas Sosial Kabupaten Kediri", "Kandangan", "Peralatan", "Mesin jahit", 26,
               125000000, 120000000, "APBD Kabupaten"]
NOT_A_TARGET = next(m.label_en for m in MEASURES if m.name not in TARGET_INDICATORS)


def changed(row: list, at: int, value: object) -> list:
    return [value if i == at else v for i, v in enumerate(row)]


def bad_files() -> dict[str, bytes]:
    """Files that meet (nearly) every problem an import reports, with English headers and file names."""
    workbook_with_formula = openpyxl.Workbook()
    workbook_with_formula.active.append(PARTICIPANT_HEADER)
    workbook_with_formula.active.append(changed(PARTICIPANT, 8, "=20+10"))
    formula = io.BytesIO()
    workbook_with_formula.save(formula)
    return {
        "participants_bad.csv": csv_file(
            [*PARTICIPANT_HEADER, "remarks"], [*PARTICIPANT, ""], [*PARTICIPANT, ""],
            changed(PARTICIPANT, 1, "20x4") + [""], changed(PARTICIPANT, 1, 1990) + [""],
            changed(PARTICIPANT, 2, "Tata Rais") + [""], changed(PARTICIPANT, 3, "") + [""],
            changed(changed(PARTICIPANT, 0, "KDR-0009"), 8, 150) + [""],
            changed(PARTICIPANT, 0, "3506012345678901") + [""], changed(PARTICIPANT, 9, "Selesay") + [""]),
        "participants_typo.csv": csv_file(
            [h if h != "program" else "progam" for h in PARTICIPANT_HEADER], PARTICIPANT),
        "outcomes_bad.csv": csv_file(
            OUTCOME_HEADER, OUTCOME, OUTCOME, changed(OUTCOME, 0, "KDR-0404"), changed(OUTCOME, 3, "2023-05-01"),
            changed(OUTCOME, 3, "2099-01-01"), changed(OUTCOME, 3, "31-31-2024"), changed(OUTCOME, 4, "Kerja"),
            changed(OUTCOME, 5, "abc")),
        "budget_bad.csv": csv_file(
            BUDGET_HEADER, changed(BUDGET_LINE, 8, 130000000), changed(BUDGET_LINE, 7, "12.5"),
            changed(BUDGET_LINE, 8, -5), changed(BUDGET_LINE, 4, "Lain")),
        "targets_bad.csv": csv_file(
            ["year", "indicator", "village", "program", "target"], [2025, "Peserta", "", "", 100],
            [2025, "Peserta", "", "", 120], [2025, "Tingkat bekerja", "Pare", "", 150],
            [2025, "Peserta", "Pare", "Tata Rias", 10.5], [2025, "Biaya per peserta", "", "", "100.5"],
            [2025, "Tingkat kelulusan", "", "", "0.5"], [2025, NOT_A_TARGET, "", "", 5],
            [2025, "Working rat", "", "", 5], [2099, "Daya serap", "", "", 90]),
        "empty.csv": b"",
        "old.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
        "broken.xlsx": b"PK\x03\x04 cut off",
        "encoding.csv": b"participant_id,year\nKDR\x81\x8d\x8f,2024\n",
        "binary.csv": bytes(range(256)) * 4,
        "title.csv": b"Report 2024\n",
        "wide.csv": csv_file(PARTICIPANT_HEADER, [*PARTICIPANT, "extra", "cells"]),
        "personal.csv": csv_file([*PARTICIPANT_HEADER, "nama"], [*PARTICIPANT, "Someone"]),
        "nik.csv": csv_file([*PARTICIPANT_HEADER, "card"], [*PARTICIPANT, "3506012345678901"]),
        "twice.csv": csv_file([*PARTICIPANT_HEADER, "year"], [*PARTICIPANT, 2023]),
        "unknown.csv": csv_file(["foo", "bar"], [1, 2]),
        "participants_header.csv": csv_file(PARTICIPANT_HEADER),
        "nothing.xlsx": xlsx_file(),
        "title.xlsx": xlsx_file(["Report 2024"]),
        "formula.xlsx": formula.getvalue(),
    }


def problem_words(problems: pd.DataFrame) -> dict[str, str]:
    """The Indonesian words left in the problems' sentences, once each row's own data is taken out."""
    found = {}
    for row in problems.itertuples(index=False):
        # What the file holds, where, and what the problem quotes of it ('Tata Rais', a header as written); a
        # suggestion that is a value or a column name to write.
        quoted = re.findall(r"'([^']*)'", f"{row.problem} {row.allowed}")
        named = [row.suggestion] if row.suggestion in VOCABULARY | ALIASES else []
        found |= indonesian_in([row.problem, row.allowed, row.suggestion],
                               [row.file, row.sheet, row.column, row.value, *quoted, *named])
    return found


def test_every_import_problem_is_english_in_english_and_unchanged_in_indonesian(monkeypatch):
    files = bad_files()
    english = read_files(files, REFERENCE, today=TODAY, lang="en").problems
    indonesian = read_files(files, REFERENCE, today=TODAY, lang="id").problems
    before = read_files(files, REFERENCE, today=TODAY).problems  # as every caller asked before
    pd.testing.assert_frame_equal(indonesian, before)
    assert len(english) == len(indonesian) >= 40
    assert not problem_words(english), problem_words(english)
    assert len(problem_words(indonesian)) > 20
    # Where a problem is, and what the file holds, is the same in both languages; only the words differ.
    where = ["severity", "file", "sheet", "table", "row", "column"]
    pd.testing.assert_frame_equal(english[where], indonesian[where])
    assert (english["problem"] != indonesian["problem"]).all()

    # A file beyond a limit, and an import without tables or leaving a table empty.
    monkeypatch.setattr(ingest, "ROWS", dataclasses.replace(ingest.ROWS, value=2))
    limit = read_files({"participants.csv": csv_file(PARTICIPANT_HEADER, PARTICIPANT, PARTICIPANT)}, REFERENCE,
                       today=TODAY, lang="en").problems
    assert limit["problem"].str.contains("limit of 2 rows per sheet").all() and not problem_words(limit)


def test_an_import_without_tables_or_leaving_one_empty_says_so_in_the_readers_language(data_dir):
    store = stores.open_store()
    for files in ({}, {"targets.csv": template_csv("targets", REFERENCE, today=TODAY, lang="en")}):
        english = importer.plan_import(files, store, REFERENCE, today=TODAY, lang="en").problems
        indonesian = importer.plan_import(files, store, REFERENCE, today=TODAY).problems
        assert len(english) == len(indonesian) >= 1
        assert not problem_words(english), problem_words(english)
        assert problem_words(indonesian)


def test_the_problems_table_and_csv_speak_the_readers_language():
    problems = read_files(bad_files(), REFERENCE, today=TODAY, lang="en").problems
    table = importer.problem_table(problems, "en")
    assert list(table.columns) == ["severity", "file", "sheet", "table", "row", "column", "value", "problem",
                                   "accepted", "suggestion"]
    assert set(table["severity"]) == {"error", "warning"}
    assert set(table["table"].dropna()) == {"participants", "follow-ups", "budget", "targets"}
    csv = importer.problems_csv(problems, "en").decode("utf-8-sig")
    assert csv.splitlines()[0] == '"severity","file","sheet","table","row","column","value","problem",' \
                                  '"accepted","suggestion"'
    indonesian = importer.problem_table(read_files(bad_files(), REFERENCE, today=TODAY).problems)
    assert list(indonesian.columns) == ["jenis", "berkas", "lembar", "tabel", "baris", "kolom", "nilai", "masalah",
                                        "yang diterima", "saran"]
    assert set(indonesian["jenis"]) == {"kesalahan", "peringatan"}
    assert importer.problems_csv(problems).decode("utf-8-sig").startswith('"jenis","berkas"')


def test_the_data_page_lists_problems_and_their_csv_in_the_readers_language(with_admin, deferred):
    upload = [(name, files, "text/csv") for name, files in bad_files().items() if name.startswith("participants_")]
    for lang in ("en", "id"):
        at = session_of(ADMIN, bahasa=lang).switch_page("pages/data.py").run()
        at.file_uploader(key="data_berkas").set_value(upload).run()
        assert not at.exception, [e.message for e in at.exception]
        shown = pd.concat([d.value for d in at.dataframe if d.value.shape[1] == 10])  # errors, then warnings
        downloaded = [f.decode("utf-8-sig", errors="ignore") for f in click_downloads(at, deferred)]
        csv = next(f for f in downloaded if f.startswith(('"severity"', '"jenis"')))
        if lang == "en":
            frame = shown.rename(columns={"accepted": "allowed"})
            assert list(shown.columns)[0] == "severity" and set(shown["severity"]) <= {"error", "warning"}
            assert not problem_words(frame), problem_words(frame)
            assert not indonesian_in([texts(at.error), texts(at.warning)])
            assert csv.startswith('"severity","file"') and "not in the list of programs" in csv
        else:
            assert list(shown.columns)[0] == "jenis" and "kesalahan" in set(shown["jenis"])
            assert "tidak ada dalam daftar program" in " ".join(shown["masalah"])
            assert csv.startswith('"jenis","berkas"') and "tidak ada dalam daftar program" in csv


def test_english_templates_are_english_and_import_back():
    for table in ALL_TABLES:
        book = openpyxl.load_workbook(io.BytesIO(template_xlsx(table, REFERENCE, today=TODAY, lang="en")))
        sheet = book.worksheets[0]
        notes = [cell.comment.text for cell in sheet[1]]
        choices = [cell.value for cell in book["Choices"][1] if cell.value]
        errors = [v.error for v in sheet.data_validations.dataValidation]
        assert [cell.value for cell in sheet[1]] == [spec.name for spec in column_specs(table)]
        assert not indonesian_in([sheet.title, *notes, *choices, *errors]), (notes, choices, errors)
        assert template_filename(table, "xlsx", "en").startswith("template_")
    for extension, writer in (("csv", template_csv), ("xlsx", template_xlsx)):
        files = {template_filename(t, extension, "en"): writer(t, REFERENCE, today=TODAY, lang="en")
                 for t in ALL_TABLES}
        checked = read_files(files, REFERENCE, today=TODAY)
        assert checked.ok and set(checked.frames) == set(ALL_TABLES), checked.problems.to_dict("records")
    assert template_filename("participants", "csv") == "templat_peserta.csv"
    indonesian = openpyxl.load_workbook(io.BytesIO(template_xlsx("participants", REFERENCE, today=TODAY)))
    assert indonesian.sheetnames == ["peserta", "Pilihan"]
    assert indonesian.worksheets[0]["A1"].comment.text == "Wajib diisi; teks. Kode samaran, bukan nama atau NIK."


# --- 4. the audit log's details ----------------------------------------------------------------------------------
def test_audit_details_use_the_readers_words_and_keep_the_log_as_recorded():
    detail = json.dumps({"reason": "salah", "known_user": False})
    assert detail_in(detail, "id") == detail
    assert json.loads(detail_in(detail, "en")) == {"reason": "wrong", "known_user": False}
    nested = json.dumps({"filters": {"tanggal": "2025-06-01 – 2025-06-30 WIB", "pengguna": "Semua"},
                         "what": "Peserta menurut desa"}, ensure_ascii=False)
    assert json.loads(detail_in(nested, "en")) == {
        "filters": {"dates": "2025-06-01 – 2025-06-30 WIB", "user": "All"},
        "what": "Peserta menurut desa"}  # a figure's title as it was shown stays as recorded


def audit_page(lang: str | None):
    at = session_of(ADMIN, **({"bahasa": lang} if lang else {})).switch_page("pages/audit.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_the_audit_page_shows_every_detail_the_dashboard_records_in_the_readers_language(with_admin, deferred,
                                                                                        tmp_path):
    from streamlit.testing.v1 import AppTest

    from tests.support.accounts import ROOT

    for name, password in (("nobody", "wrong-password-1"), (VIEWER, "wrong-password-1")):  # unknown, wrong
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        at.query_params["bahasa"] = "en"
        at.run()
        at.text_input(key="masuk_nama").input(name)
        at.text_input(key="masuk_sandi").input(password)
        at.button(key="masuk_kirim").click().run()
    log = open_audit()
    with accounts.open_accounts() as conn:
        for _ in range(accounts.MAX_FAILURES):
            with pytest.raises(accounts.LoginRefused):
                accounts.authenticate(conn, VIEWER, "still-wrong-123", audit=log)
        with pytest.raises(accounts.LoginRefused):  # locked now
            accounts.authenticate(conn, VIEWER, VIEWER_PW, audit=log)
        accounts.unlock_account(conn, VIEWER, actor=ADMIN, audit=log)
        accounts.set_password(conn, VIEWER, "a-new-password-9", actor=ADMIN, audit=log)
        accounts.create_account(conn, "citra", "kuda-lumping-2025", "viewer", ["Pare"], actor=ADMIN, audit=log)
        accounts.delete_account(conn, "citra", actor=ADMIN, audit=log)
    log.record(None, "login_failed", method="oidc", reason="tidak terdaftar", email="x@dinas.go.id")
    log.record(ADMIN, "logout", method="sandi")
    click_downloads(audit_page("en"), deferred)  # what and which filters, as the page records them
    at = session_of(ADMIN, bahasa="en").switch_page("pages/data.py").run()
    click_downloads(at, deferred)  # the templates

    english = audit_page("en").dataframe[0].value
    assert list(english.columns) == ["Time (UTC)", "User", "Action", "Details"]
    assert len(english) >= 20 and "anonymous" in set(english["User"])
    cells = [*english["User"], *english["Details"]]
    assert not indonesian_in(cells, [ADMIN, VIEWER, "citra", "x@dinas.go.id", "Pare"]), indonesian_in(cells)
    assert any('"reason": "wrong"' in d for d in english["Details"])
    assert any('"reason": "locked"' in d for d in english["Details"])

    indonesian = audit_page(None).dataframe[0].value
    assert list(indonesian.columns) == ["Waktu (UTC)", "Pengguna", "Aksi", "Rincian"]
    assert "anonim" in set(indonesian["Pengguna"])
    assert any('"reason": "salah"' in d for d in indonesian["Rincian"])
    assert indonesian["Rincian"].tolist() == open_audit().events()["detail"].head(len(indonesian)).tolist()
    assert list(audit_download_frame(open_audit().events()).columns) == list(indonesian.columns)


# --- 5. the admin pages' navigation and the signed-in account line ----------------------------------------------
def navigation_titles() -> None:
    """The titles of the navigation ``auth.allowed_pages`` gives the account and language in the session."""
    import streamlit as st

    from pages import auth

    pages = auth.allowed_pages(st.session_state["who"], auth.PASSWORD, [], (), st.session_state["lang"])
    sections = pages if isinstance(pages, dict) else {"": pages}
    st.session_state["titles"] = {heading: [p.title for p in group] for heading, group in sections.items()}


def titles_for(account, lang: str) -> dict[str, list[str]]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(navigation_titles, default_timeout=60)
    at.session_state["who"], at.session_state["lang"] = account, lang
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at.session_state["titles"]


def test_navigation_titles_and_the_account_line_follow_the_language(with_admin):
    with accounts.open_accounts() as conn:
        admin, viewer = accounts.account_named(conn, ADMIN), accounts.account_named(conn, VIEWER)
    assert titles_for(admin, "en")["Administration"] == ["Data", "Accounts", "Audit"]
    assert titles_for(None, "en") == {"": ["Sign in"] * 4}
    assert titles_for(admin, "id")["Pengelolaan"] == ["Data", "Akun", "Audit"]
    assert titles_for(None, "id") == {"": ["Masuk"] * 4}
    assert describe_account(admin, "en") == f"**{ADMIN}** · Admin · every village"
    assert describe_account(viewer, "en") == f"**{VIEWER}** · Viewer · Pare"

    at = session_of(ADMIN, bahasa="en")
    assert texts(at.sidebar.caption).count(f"Signed in as **{ADMIN}** · Admin · every village") == 1
    assert [b.label for b in at.sidebar.button if b.key == "auth_logout"] == ["Sign out"]
    assert not indonesian_in([texts(at.sidebar.caption)], [ADMIN])
    at = session_of(ADMIN)
    assert f"Masuk sebagai **{ADMIN}** · Admin · semua desa" in texts(at.sidebar.caption)
    assert [b.label for b in at.sidebar.button if b.key == "auth_logout"] == ["Keluar"]


def refused_page() -> None:
    """An admin page's first step, as a viewer meets it (the navigation offers a viewer no admin page)."""
    import streamlit as st

    from pages import auth

    auth.require_admin(st.query_params.get("bahasa", "id"))
    st.write("never shown")


def test_the_demo_data_page_names_the_command_to_make_an_admin_in_the_readers_language(data_dir, served):
    from tests.support.pages import run

    assert texts(run("pages/data.py", bahasa="en").code) == "python -m lib.accounts add NAME --role admin"
    assert texts(run("pages/data.py").code) == "python -m lib.accounts add NAMA --role admin"


def test_a_viewer_on_an_admin_page_is_refused_in_the_readers_language(with_admin):
    from streamlit.testing.v1 import AppTest

    from pages import auth

    with accounts.open_accounts() as conn:
        viewer = accounts.account_named(conn, VIEWER)
    for lang, words in (("en", "This page is for admins only."), ("id", "Halaman ini hanya untuk admin.")):
        at = AppTest.from_function(refused_page, default_timeout=60)
        at.session_state[auth.ACCOUNT_KEY] = viewer
        at.query_params["bahasa"] = lang
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        assert texts(at.error) == words and not at.markdown
