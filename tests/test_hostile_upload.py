"""Through the web page: the Data page reads an upload by the same path as the command line, so a hostile file
is refused there too, naming its limit, with the limits shown beside the upload and nothing stored."""

from __future__ import annotations

import pytest

from lib.limits import CELL_CHARS, COLUMNS, limit_text, limits_sentence
from lib.store import current_version_id, open_store
from tests.support.accounts import ADMIN, ADMIN_PW, ROOT, add_account, session_of
from tests.support.pages import frames_with, texts
from tests.support.store import commit_files, snapshot
from tests.support.workbooks import huge_inline_cell, participants_workbook, with_rows

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def admin(data_dir, cheap_hashes, served):
    add_account(ADMIN, ADMIN_PW, "admin")


@pytest.mark.parametrize("content, limit", [
    (huge_inline_cell(40), CELL_CHARS),   # a 40 MB cell packed into some 40 KB
    (with_rows(participants_workbook(2), '<row r="9"><c r="XFD9"><v>1</v></c></row>'), COLUMNS),
], ids=["one huge cell", "a value in the last column"])
def test_a_hostile_upload_is_refused_on_the_data_page_naming_its_limit(data_dir, content, limit):
    commit_files(ROOT / "tests" / "files" / "clean" / "participants.csv")
    before = snapshot(data_dir / "store")
    at = session_of(ADMIN)
    at.switch_page("pages/data.py").run()
    assert limits_sentence() in texts(at.caption)
    at.file_uploader(key="data_berkas").set_value([("peserta.xlsx", content, XLSX)]).run()
    assert not at.exception, [e.message for e in at.exception]
    assert "Tidak ada yang disimpan" in texts(at.error)
    (problems,) = frames_with(at, "saran")
    assert len(problems) == 1 and limit_text(limit) in problems["masalah"].iloc[0]
    assert problems["yang diterima"].iloc[0] == limit.advice["id"]
    assert not [b for b in at.button if b.key == "data_simpan"]
    assert snapshot(data_dir / "store") == before and current_version_id(open_store()) == "0001"
