"""The import workflow: plan (check + preview), commit, refuse safely; and its command line."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from lib import store as S
from lib import templates as T
from lib.importer import (
    ACTION_KEEP,
    ACTION_REPLACE,
    EXIT_BUSY,
    EXIT_DATA,
    EXIT_OK,
    EXIT_USAGE,
    commit_import,
    main,
    plan_import,
    problem_table,
    row_changes,
    totals_frame,
)
from lib.loading import DataError
from lib.schema import BUDGET, OUTCOMES_TABLE, PARTICIPANTS, TABLES
from tests.support.store import snapshot
from tests.support.uploads import assert_same_table, upload

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 1, 31)


@pytest.fixture
def store(tmp_path) -> S.Store:
    return S.open_store(tmp_path / "store")


class FakeAudit:
    def __init__(self):
        self.events = []

    def record(self, actor, action, **detail):
        self.events.append((actor, action, detail))


# --- the preview, on tiny frames ----------------------------------------------------
@pytest.mark.parametrize("edit,expected", [
    (lambda f: f, {"added": 0, "changed": 0, "removed": 0}),
    (lambda f: f.iloc[1:], {"added": 0, "changed": 0, "removed": 1}),
    (lambda f: f.assign(status=f["status"].where(f.index != 0, "Berjalan")), {"added": 0, "changed": 1, "removed": 0}),
    (lambda f: f.assign(participant_id=f["participant_id"].where(f.index != 0, "Z99")),
     {"added": 1, "changed": 0, "removed": 1}),
    (lambda f: f.assign(age=f["age"].where(f.index != 2, 40)), {"added": 0, "changed": 1, "removed": 0}),
])
def test_participant_changes_by_key(tiny, edit, expected):
    assert row_changes(PARTICIPANTS, tiny.participants, edit(tiny.participants)) == expected


def test_outcome_changes_by_key_include_the_date(tiny):
    after = tiny.outcomes.assign(observed_on=tiny.outcomes["observed_on"].where(
        tiny.outcomes.index != 0, pd.Timestamp("2021-02-01")))
    assert row_changes(OUTCOMES_TABLE, tiny.outcomes, after) == {"added": 1, "changed": 0, "removed": 1}


@pytest.mark.parametrize("edit,expected", [
    (lambda f: f, {"added": 0, "changed": 0, "removed": 0}),
    (lambda f: pd.concat([f, f.iloc[[0]]], ignore_index=True), {"added": 1, "changed": 0, "removed": 0}),
    (lambda f: f.iloc[::-1], {"added": 0, "changed": 0, "removed": 0}),  # order is not a change
    (lambda f: f.assign(realized_idr=f["realized_idr"] + 1), {"added": 6, "changed": 0, "removed": 6}),
])
def test_budget_changes_by_whole_row(tiny, edit, expected):
    assert row_changes(BUDGET, tiny.budget, edit(tiny.budget)) == expected


def test_totals_before_and_after(tiny, reference):
    from lib.schema import empty_frame
    empty = {t: empty_frame(t, reference) for t in TABLES}
    frame = totals_frame(empty, {t: tiny.table(t) for t in TABLES})
    assert frame.set_index("measure")["after"].to_dict() == {
        "enrollments": 16, "participants": 15, "follow_ups": 13,
        "budget_allocated_idr": 148_000_000, "budget_realized_idr": 145_000_000}
    assert frame["before"].tolist() == [0] * 5


# --- plan and commit -------------------------------------------------------------------
@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_first_import_stores_all_uploaded_tables(store, tiny, reference, extension):
    plan = plan_import(upload(tiny, extension=extension), store, reference, today=TODAY)
    assert plan.ok, plan.problems.to_string()
    assert plan.base is None and set(plan.uploaded) == set(TABLES)
    changes = plan.changes.set_index("table")
    assert changes["action"].tolist() == [ACTION_REPLACE] * 3
    assert changes.loc[PARTICIPANTS, "added"] == 16 and changes.loc[BUDGET, "removed"] == 0
    audit = FakeAudit()
    version = commit_import(plan, store, author="admin", audit=audit)
    assert version == "0001" == S.current_version_id(store)
    dataset = S.current_dataset(store, reference)
    for table in TABLES:
        assert_same_table(dataset.table(table), tiny.table(table))
    assert audit.events[0][:2] == ("admin", "import")
    assert audit.events[0][2]["version"] == "0001" and audit.events[0][2]["previous"] is None
    manifest = S.read_manifest(store, version)
    assert manifest["files"] == list(plan.files) and manifest["author"] == "admin"


@pytest.mark.parametrize("tables, empty", [
    ([PARTICIPANTS], [OUTCOMES_TABLE, BUDGET]),
    ([PARTICIPANTS, OUTCOMES_TABLE], [BUDGET]),
    (list(TABLES), []),
])
def test_a_version_missing_a_table_is_warned_about_before_storing(store, tiny, reference, tables, empty):
    plan = plan_import(upload(tiny, tables=tables), store, reference, today=TODAY)
    assert plan.ok  # a warning: the import can still go ahead
    warned = plan.warnings[plan.warnings["problem"].str.startswith("Versi baru tidak akan berisi")]
    assert sorted(warned["table"]) == sorted(empty)
    if BUDGET in empty:
        assert "Rp 0" in " ".join(warned["problem"])


def test_uploaded_table_replaces_and_others_are_kept(store, tiny, reference):
    commit_import(plan_import(upload(tiny), store, reference, today=TODAY), store, author="a")
    budget = tiny.budget.iloc[:2]
    smaller = type(tiny)(tiny.participants, tiny.outcomes, budget, reference)
    plan = plan_import(upload(smaller, tables=[BUDGET]), store, reference, today=TODAY)
    assert plan.ok and plan.uploaded == (BUDGET,) and plan.base == "0001"
    changes = plan.changes.set_index("table")
    assert changes.loc[PARTICIPANTS, ["action", "added", "changed", "removed"]].tolist() == [ACTION_KEEP, 0, 0, 0]
    assert changes.loc[BUDGET, ["action", "rows_before", "rows_after", "removed"]].tolist() == [
        ACTION_REPLACE, 6, 2, 4]
    totals = plan.totals.set_index("measure")
    assert totals.loc["budget_allocated_idr"].tolist() == [148_000_000, 14_000_000]
    assert totals.loc["enrollments"].tolist() == [16, 16]
    commit_import(plan, store, author="a")
    dataset = S.current_dataset(store, reference)
    assert_same_table(dataset.budget, budget.reset_index(drop=True))
    assert_same_table(dataset.participants, tiny.participants)


def test_changed_row_is_previewed_as_changed(store, tiny, reference):
    commit_import(plan_import(upload(tiny), store, reference, today=TODAY), store, author="a")
    edited = tiny.participants.assign(status=tiny.participants["status"].where(
        tiny.participants.index != 14, "Selesai"))
    changed = type(tiny)(edited, tiny.outcomes, tiny.budget, reference)
    plan = plan_import(upload(changed, tables=[PARTICIPANTS]), store, reference, today=TODAY)
    assert plan.ok, plan.problems.to_string()
    row = plan.changes.set_index("table").loc[PARTICIPANTS]
    assert (row["added"], row["changed"], row["removed"]) == (0, 1, 0)


BAD_FILES = {
    "unknown village": lambda text: text.replace(";Pare;", ";Paree;", 1),
    "personal identifier column": lambda text: text.replace("kode_peserta;", "nama;kode_peserta;", 1).replace(
        "\r\nA01;", "\r\nSiti;A01;", 1),
    "NIK as code": lambda text: text.replace("\r\nA01;", "\r\n3506012345678901;", 1),
}


@pytest.mark.parametrize("breakage", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_plan_with_errors_cannot_be_committed_and_changes_nothing(store, tiny, reference, breakage):
    commit_import(plan_import(upload(tiny), store, reference, today=TODAY), store, author="a")
    before = snapshot(store.root)
    name = T.template_filename(PARTICIPANTS, "csv")
    text = upload(tiny, tables=[PARTICIPANTS])[name].decode("utf-8-sig")
    plan = plan_import({name: breakage(text).encode("utf-8-sig")}, store, reference, today=TODAY)
    assert not plan.ok and len(plan.errors)
    audit = FakeAudit()
    with pytest.raises(DataError):
        commit_import(plan, store, author="a", audit=audit)
    assert snapshot(store.root) == before and audit.events == []


def test_problems_of_a_csv_file_name_no_sheet(store, tiny, reference):
    name = T.template_filename(PARTICIPANTS, "csv")
    text = upload(tiny, tables=[PARTICIPANTS])[name].decode("utf-8-sig")
    plan = plan_import({name: BAD_FILES["unknown village"](text).encode("utf-8-sig")}, store, reference, today=TODAY)
    shown = problem_table(plan.errors)
    assert len(shown) and shown["lembar"].tolist() == [""] * len(shown)  # shown empty, never "None"


def test_a_file_wide_problem_names_no_row(store, tiny, reference):
    plan = plan_import(upload(tiny, tables=[PARTICIPANTS]), store, reference, today=TODAY)
    shown = problem_table(plan.warnings)
    assert len(shown) and shown["baris"].tolist() == [""] * len(shown)


def test_personal_identifiers_never_reach_the_store(store, tiny, reference):
    name = T.template_filename(PARTICIPANTS, "csv")
    text = upload(tiny, tables=[PARTICIPANTS])[name].decode("utf-8-sig")
    text = text.replace("kode_peserta;", "nama;kode_peserta;", 1).replace("\r\nA01;", "\r\nSiti Aminah;A01;")
    plan = plan_import({name: text.encode("utf-8-sig")}, store, reference, today=TODAY)
    assert not plan.ok and plan.frames == {}
    with pytest.raises(DataError):
        commit_import(plan, store, author="a")
    assert not any(b"Siti" in data for data in snapshot(store.root).values())


@pytest.mark.parametrize("files", [{}, {"catatan.csv": b"judul;isi\r\nrapat;anggaran\r\n"}])
def test_files_without_any_table_are_refused(store, reference, files):
    plan = plan_import(files, store, reference, today=TODAY)
    assert not plan.ok and len(plan.errors)
    with pytest.raises(DataError):
        commit_import(plan, store, author="a")
    assert S.current_version_id(store) is None


def test_second_of_two_plans_on_the_same_version_must_retry(store, tiny, reference):
    commit_import(plan_import(upload(tiny), store, reference, today=TODAY), store, author="a")
    first = plan_import(upload(tiny, tables=[BUDGET]), store, reference, today=TODAY)
    second = plan_import(upload(tiny, tables=[PARTICIPANTS]), store, reference, today=TODAY)
    commit_import(first, store, author="a")
    before = snapshot(store.root)
    with pytest.raises(S.StaleImport, match="coba lagi"):
        commit_import(second, store, author="b")
    assert snapshot(store.root) == before


def test_real_audit_log_records_import(store, tiny, reference, tmp_path):
    from lib.audit import open_audit
    audit = open_audit(tmp_path / "audit.sqlite3")
    commit_import(plan_import(upload(tiny), store, reference, today=TODAY), store, author="admin", audit=audit)
    events = audit.events()
    assert events["action"].tolist() == ["import"] and events["actor"].tolist() == ["admin"]
    assert '"version": "0001"' in events["detail"].iloc[0]


# --- the command line ----------------------------------------------------------------------
@pytest.fixture
def files_on_disk(tmp_path, tiny):
    folder = tmp_path / "berkas"
    folder.mkdir()
    for name, data in upload(tiny).items():
        (folder / name).write_bytes(data)
    return sorted(str(p) for p in folder.iterdir())


def run(args, answer="", store=None, tmp=None):
    out, err = io.StringIO(), io.StringIO()
    common = ["--store", str(store.root), "--audit", str(store.root.parent / "audit.sqlite3"),
              "--today", TODAY.isoformat()]
    code = main([*args, *common], stdin=io.StringIO(answer), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_cli_imports_with_yes_lists_and_rolls_back(store, files_on_disk):
    code, out, _ = run([*files_on_disk, "--yes", "--author", "budi"], store=store)
    assert code == EXIT_OK and "versi 1" in out and "Perubahan per tabel" in out
    code, out, _ = run([files_on_disk[0], "--yes"], store=store)
    assert code == EXIT_OK and S.current_version_id(store) == "0002"
    code, out, _ = run(["--list"], store=store)
    lines = out.splitlines()
    assert code == EXIT_OK and len(lines) == 3 and "budi" in lines[2]
    assert lines[1].split()[0] == "2" and lines[1].rstrip().endswith("dipakai")
    code, out, _ = run(["--rollback", "1"], store=store)
    assert code == EXIT_OK and S.current_version_id(store) == "0001" and "versi 1" in out
    from lib.audit import open_audit
    assert open_audit(store.root.parent / "audit.sqlite3").events()["action"].tolist() == [
        "rollback", "import", "import"]


@pytest.mark.parametrize("answer,code,stored", [("y\n", EXIT_OK, True), ("ya\n", EXIT_OK, True),
                                                ("t\n", EXIT_OK, False), ("", EXIT_USAGE, False)])
def test_cli_asks_before_storing(store, files_on_disk, answer, code, stored):
    got, out, _ = run(files_on_disk, answer=answer, store=store)
    assert got == code and "Simpan sebagai versi baru?" in out
    assert (S.current_version_id(store) is not None) == stored


def test_cli_reports_problems_and_exits_1(store, tmp_path, tiny):
    path = tmp_path / "peserta.csv"
    text = upload(tiny, tables=[PARTICIPANTS])[T.template_filename(PARTICIPANTS, "csv")].decode("utf-8-sig")
    path.write_bytes(text.replace(";Pare;", ";=Paree;", 1).encode("utf-8-sig"))
    code, out, err = run([str(path), "--yes"], store=store)
    assert code == EXIT_DATA and "Paree" in out and "tidak berubah" in err
    problems_csv = tmp_path / "masalah.csv"
    code, _, _ = run([str(path), "--yes", "--problems-out", str(problems_csv)], store=store)
    data = problems_csv.read_bytes()
    assert code == EXIT_DATA and data.startswith(b"\xef\xbb\xbf")
    problems = pd.read_csv(problems_csv, encoding="utf-8-sig", dtype=str)
    assert "'=Paree" in problems["nilai"].tolist()  # never a formula in a spreadsheet
    assert S.current_version_id(store) is None


def test_cli_busy_store_exits_3(store, files_on_disk):
    with S._exclusive(store):
        code, _, err = run([*files_on_disk, "--yes"], store=store)
    assert code == EXIT_BUSY and "coba lagi" in err
    assert S.current_version_id(store) is None


@pytest.mark.parametrize("args", [[], ["--list", "x.csv"], ["tidak-ada.csv"], ["--rollback", "9"]])
def test_cli_usage_errors_exit_2(store, args):
    try:
        code, _, _ = run(args, store=store)
    except SystemExit as exc:
        code = exc.code
    assert code == EXIT_USAGE


def test_cli_runs_as_a_module(store):
    result = subprocess.run([sys.executable, "-m", "lib.importer", "--list", "--store", str(store.root)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == EXIT_OK and "Belum ada versi" in result.stdout
