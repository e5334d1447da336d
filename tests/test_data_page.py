"""The Data page: templates, upload, problems, preview, commit, versions and rollback, run headlessly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lib import importer
from lib import store as stores
from lib.audit import open_audit
from lib.store import StoreBusy, current_version_id, open_store
from tests.support.accounts import ADMIN, ADMIN_PW, ROOT, add_account, session_of
from tests.support.pages import click_downloads, frames_with, texts
from tests.support.store import commit_files, snapshot

FILES = ROOT / "tests" / "files"
DEMO = ROOT / "data" / "demo"
CSV = "text/csv"


@pytest.fixture(autouse=True)
def admin(data_dir, cheap_hashes, served):
    add_account(ADMIN, ADMIN_PW, "admin")


def upload(name: str, folder: Path = DEMO) -> tuple[str, bytes, str]:
    return (name, (folder / name).read_bytes(), CSV)


def data_page():
    at = session_of(ADMIN)
    at.switch_page("pages/data.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_valid_upload_is_previewed_then_saved_as_the_version_in_use():
    at = data_page()
    assert "Belum ada data yang diimpor" in texts(at.info)
    assert current_version_id(open_store()) is None

    at.file_uploader(key="data_berkas").set_value(
        [upload("participants.csv"), upload("outcomes.csv"), upload("budget.csv")]).run()
    assert not at.error, texts(at.error)
    (changes,) = frames_with(at, "Ditambah")
    assert changes["Ditambah"].tolist() == [888, 2097, 468] and changes["Baris sebelum"].tolist() == [0, 0, 0]
    (totals,) = frames_with(at, "Sesudah")
    assert totals.set_index("Ukuran").loc["Pendaftaran pelatihan", "Sesudah"] == "888"
    assert current_version_id(open_store()) is None  # nothing is stored before the confirmation

    at.button(key="data_simpan").click().run()
    assert "Versi 1 disimpan" in texts(at.success)
    assert current_version_id(open_store()) == "0001"
    assert "sudah disimpan" in texts(at.info)  # the same files are not offered again
    assert not [b for b in at.button if b.key == "data_simpan"]
    imports = open_audit().events(action="import")
    assert imports["actor"].tolist() == [ADMIN] and '"version": "0001"' in imports["detail"].iloc[0]

    # The analysis pages use the new version at once, without a restart.
    at.switch_page("pages/ringkasan.py").run()
    assert "versi 1" in texts(at.caption) and not at.warning


def test_file_with_errors_shows_every_problem_and_changes_nothing(data_dir, deferred):
    commit_files(FILES / "clean" / "participants.csv")
    before = snapshot(data_dir / "store")
    at = data_page()
    at.file_uploader(key="data_berkas").set_value(upload("peserta_salah.csv", FILES / "bad")).run()

    assert "kesalahan" in texts(at.error) and "Tidak ada yang disimpan" in texts(at.error)
    (problems,) = frames_with(at, "saran")
    assert {"berkas", "lembar", "baris", "kolom", "nilai", "yang diterima", "saran"} <= set(problems.columns)
    assert set(problems["berkas"]) == {"peserta_salah.csv"} and len(problems) >= 5
    assert "Paree" in problems["nilai"].tolist()
    assert not [b for b in at.button if b.key == "data_simpan"]
    assert not frames_with(at, "Ditambah")  # no preview of a file that cannot be saved

    (problems_button,) = [b for b in at.get("download_button") if b.proto.id.endswith("data_unduh_masalah")]
    csv = next(f for f in click_downloads(at, deferred) if b"Paree" in f)
    assert csv.startswith("\ufeff".encode()) and "baris" in csv.decode("utf-8-sig")
    assert problems_button.label == "Unduh daftar masalah (CSV)"
    assert snapshot(data_dir / "store") == before
    assert current_version_id(open_store()) == "0001"


def test_warnings_are_listed_apart_and_do_not_block(tmp_path):
    over = tmp_path / "anggaran.csv"
    over.write_text(
        "tahun,program,penyelenggara,desa,kategori,uraian,jumlah,pagu,realisasi,sumber_dana\n"
        "2024,Konveksi,Dinas Koperasi dan UMKM Kota Kediri,Semampir,Peralatan,Mesin jahit,2,"
        "1000000,1500000,APBD Kota\n",
        encoding="utf-8")
    at = data_page()
    at.file_uploader(key="data_berkas").set_value(upload("anggaran.csv", tmp_path)).run()
    assert "peringatan" in texts(at.warning) and not at.error
    (warnings,) = frames_with(at, "saran")
    assert set(warnings["jenis"]) == {"peringatan"}
    at.button(key="data_simpan").click().run()
    assert current_version_id(open_store()) == "0001"


def test_a_preview_made_stale_by_another_import_is_checked_again_before_saving():
    at = data_page()
    at.file_uploader(key="data_berkas").set_value(upload("participants.csv")).run()
    assert [b for b in at.button if b.key == "data_simpan"]
    commit_files(FILES / "clean" / "participants.csv")  # another admin, meanwhile

    at.button(key="data_simpan").click().run()
    assert "berubah sejak berkas ini diperiksa" in texts(at.warning)
    assert current_version_id(open_store()) == "0001"  # the out-of-date preview saved nothing
    (changes,) = frames_with(at, "Ditambah")
    assert changes["Baris sebelum"].tolist()[0] == 4  # the new preview starts from the other import

    at.button(key="data_simpan").click().run()
    assert current_version_id(open_store()) == "0002"


def test_a_busy_store_says_try_again(monkeypatch):
    at = data_page()
    at.file_uploader(key="data_berkas").set_value(upload("participants.csv")).run()

    def busy(*args, **kwargs):
        raise StoreBusy()

    monkeypatch.setattr(importer, "commit_import", busy)
    at.button(key="data_simpan").click().run()
    assert "coba lagi" in texts(at.error)
    assert current_version_id(open_store()) is None
    monkeypatch.undo()


def test_rollback_to_an_earlier_version_after_confirming():
    commit_files(FILES / "clean" / "participants.csv")
    commit_files(DEMO / "participants.csv")
    at = data_page()
    (listed,) = frames_with(at, "Versi")
    assert listed["Versi"].tolist() == [2, 1] and listed["Status"].tolist() == ["dipakai", ""]
    assert listed["Oleh"].tolist() == ["lain", "lain"]

    at.selectbox(key="data_kembali_pilih").set_value("0001").run()
    assert at.button(key="data_kembali").disabled  # confirm first
    at.checkbox(key="data_kembali_yakin").check().run()
    at.button(key="data_kembali").click().run()
    assert "Versi 1 dipakai lagi" in texts(at.success)
    assert current_version_id(open_store()) == "0001"
    rollbacks = open_audit().events(action="rollback")
    assert rollbacks["actor"].tolist() == [ADMIN] and '"version": "0001"' in rollbacks["detail"].iloc[0]

    at.switch_page("pages/ringkasan.py").run()
    assert "versi 1" in texts(at.caption)


def test_templates_are_offered_for_every_table(deferred):
    at = data_page()
    keys = {b.proto.id.rsplit("-", 1)[-1] for b in at.get("download_button")}
    tables = ("participants", "outcomes", "budget", "targets")
    assert {f"data_templat_{t}_{e}" for t in tables for e in ("xlsx", "csv")} <= keys
    files = click_downloads(at, deferred)
    assert sum(f[:2] == b"PK" for f in files) == 4
    assert sum(f.startswith("\ufeff".encode()) for f in files) == 4
    assert len(open_audit().events(action="download")) == 8


def test_a_store_that_cannot_be_read_is_explained(data_dir):
    commit_files(FILES / "clean" / "participants.csv")
    version = data_dir / "store" / "versions" / "0001"
    damaged = next(version.glob("participants*.parquet"))
    damaged.write_bytes(b"rusak")
    at = data_page()
    at.file_uploader(key="data_berkas").set_value(upload("budget.csv", FILES / "clean")).run()
    assert not at.exception
    assert "rusak" in texts(at.error) or "berubah" in texts(at.error)
    assert stores.current_version_id(open_store()) == "0001"


def test_a_year_chosen_before_an_import_that_drops_it_is_reported_not_replaced():
    at = session_of(ADMIN, tahun="2015")  # a demo year
    assert at.selectbox(key="tahun").value == "2015" and at.metric
    commit_files(FILES / "clean" / "participants.csv")  # 2023 and 2024 only, meanwhile
    at.run()
    assert "tahun “2015”" in texts(at.error)
    assert not at.metric and at.selectbox(key="tahun").value is None
    at.selectbox(key="tahun").set_value("").run()  # every year: now 2023 and 2024
    assert not at.error and at.metric and "versi 1" in texts(at.caption)
    assert at.selectbox(key="tahun").options[-2:] == ["2023", "2024"]


@pytest.mark.parametrize("page", ["pages/ringkasan.py", "pages/panduan.py", "pages/laporan.py"])
def test_the_version_in_use_is_named_in_the_readers_language(page):
    commit_files(DEMO / "participants.csv", DEMO / "outcomes.csv", DEMO / "budget.csv")
    at = session_of(ADMIN, bahasa="en").switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    shown = texts(at.caption) + " " + texts(at.markdown)
    assert "version 1 (" in shown and not re.search(r"\bversi\b", shown), shown
