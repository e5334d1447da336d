"""The versioned store: commit, read back with exact dtypes, list, roll back, refuse safely.

Every test of the store's behaviour runs on both back ends (the ``backend``
fixture: files of the data folder, and PostgreSQL); what only one back end has
(files: leftovers of a crash, the pointer file; the database: a failing
statement) is tested on that one.
"""

from __future__ import annotations

import errno
import json
from dataclasses import replace

import pandas as pd
import pytest

from lib import backend as B
from lib import store as S
from lib.schema import BUDGET, OUTCOMES_TABLE, PARTICIPANTS, TABLES, dtypes
from tests.support.store import snapshot

def frames_of(dataset, participants_rows: int | None = None) -> dict:
    """The three tables of ``dataset``; optionally only the first participants rows."""
    frames = {table: dataset.table(table) for table in TABLES}
    if participants_rows is not None:
        frames[PARTICIPANTS] = frames[PARTICIPANTS].head(participants_rows).reset_index(drop=True)
    return frames


def fresh_handle(store):
    """Another handle on the same store, as another process would make."""
    return S.DatabaseStore(store.url) if isinstance(store, S.DatabaseStore) else S.Store(store.root)


@pytest.fixture
def store(backend):
    """The configured store of the back end under test (DASBOR_DATABASE_URL set or not)."""
    return S.open_store()


@pytest.fixture
def file_store(tmp_path) -> S.Store:
    return S.open_store(tmp_path / "store")


def test_the_setting_chooses_the_back_end(backend, store):
    assert isinstance(store, S.DatabaseStore if backend.is_postgres else S.Store)
    assert S.default_store() == store


def test_empty_store_has_no_version(store, reference):
    assert S.current_version_id(store) is None
    assert S.current_dataset(store, reference) is None
    listed = S.versions(store)
    assert listed.empty and list(listed.columns) == S.VERSION_COLUMNS


def test_commit_reads_back_exact_frames_and_dtypes(store, tiny, reference):
    version = S.commit_version(store, frames_of(tiny), author="admin", base=None, files=["peserta.xlsx"])
    dataset = S.current_dataset(store, reference)
    assert version == "0001" and not dataset.is_demo
    assert dataset.label.startswith("versi 1 (")
    for table in TABLES:
        pd.testing.assert_frame_equal(dataset.table(table), tiny.table(table))
        assert dict(dataset.table(table).dtypes) == dtypes(table, reference)
    # Unused categories survive: the vocabulary, not the data, decides them.
    assert list(dataset.participants["role"].cat.categories) == list(reference.vocabulary("roles"))


def test_manifest_records_the_import(store, tiny):
    S.commit_version(store, frames_of(tiny), author="admin", base=None, files=["a.xlsx", "b.csv"], note="awal")
    second = S.commit_version(store, frames_of(tiny, 3), author="budi", base="0001", files=["c.csv"])
    manifest = S.read_manifest(store, second)
    assert {k: manifest[k] for k in ("id", "author", "files", "parent", "note")} == {
        "id": "0002", "author": "budi", "files": ["c.csv"], "parent": "0001", "note": ""}
    assert manifest["rows"] == {PARTICIPANTS: 3, OUTCOMES_TABLE: len(tiny.outcomes), BUDGET: len(tiny.budget)}
    assert manifest["created_at"].endswith("+00:00")


def test_versions_lists_newest_first_with_current_flag(store, tiny):
    S.commit_version(store, frames_of(tiny), author="admin", base=None, files=["a.xlsx", "b.csv"])
    S.commit_version(store, frames_of(tiny, 3), author="budi", base="0001", files=["c.csv"])
    listed = S.versions(store)
    assert listed["id"].tolist() == ["0002", "0001"]
    assert listed["is_current"].tolist() == [True, False]
    assert listed["author"].tolist() == ["budi", "admin"]
    assert listed["files"].tolist() == ["c.csv", "a.xlsx, b.csv"]
    assert listed[PARTICIPANTS].tolist() == [3, len(tiny.participants)]
    assert str(listed["created_at"].dtype) == "datetime64[ns, UTC]"


def test_current_version_id_changes_after_commit(store, tiny):
    seen = [S.current_version_id(store)]
    seen.append(S.commit_version(store, frames_of(tiny), author="a", base=None))
    assert S.current_version_id(store) == seen[-1]
    seen.append(S.commit_version(store, frames_of(tiny, 2), author="a", base=seen[-1]))
    assert S.current_version_id(fresh_handle(store)) == seen[-1]  # a fresh handle sees it too
    assert seen == [None, "0001", "0002"]


class FakeAudit:
    def __init__(self):
        self.events = []

    def record(self, actor, action, **detail):
        self.events.append((actor, action, detail))


def test_rollback_makes_an_earlier_version_current(store, tiny, reference):
    S.commit_version(store, frames_of(tiny), author="a", base=None)
    S.commit_version(store, frames_of(tiny, 2), author="a", base="0001")
    audit = FakeAudit()
    assert S.rollback(store, "1", author="kepala", audit=audit) == "0001"
    assert S.current_version_id(store) == "0001"
    assert len(S.current_dataset(store, reference).participants) == len(tiny.participants)
    assert S.versions(store)["is_current"].tolist() == [False, True]  # nothing deleted
    assert S.history(store)[["version", "author", "action"]].values.tolist() == [
        ["0001", "a", "import"], ["0002", "a", "import"], ["0001", "kepala", "rollback"]]
    assert audit.events == [("kepala", "rollback", {"version": "0001", "previous": "0002"})]
    # The next import builds on the version in use and gets a new number.
    assert S.commit_version(store, frames_of(tiny, 5), author="a", base="0001") == "0003"
    assert S.read_manifest(store, "0003")["parent"] == "0001"


@pytest.mark.parametrize("target", ["7", "0", "abc"])
def test_rollback_to_unknown_version_is_refused(store, tiny, target):
    S.commit_version(store, frames_of(tiny), author="a", base=None)
    before = snapshot(store)
    with pytest.raises(S.UnknownVersion):
        S.rollback(store, target, author="a")
    assert snapshot(store) == before


@pytest.mark.parametrize("text,expected", [("3", "0003"), (3, "0003"), ("0012", "0012"),
                                           ("v3", "0003"), ("versi 3", "0003")])
def test_normalise_version_id(text, expected):
    assert S.normalise_version_id(text) == expected


def test_version_label_uses_local_time():
    manifest = {"id": "0003", "created_at": "2026-11-22T03:15:00+00:00"}
    assert S.version_label(manifest) == "versi 3 (2026-11-22 10:15 WIB)"


def test_stale_import_is_refused_and_changes_nothing(store, tiny):
    S.commit_version(store, frames_of(tiny), author="a", base=None)
    S.commit_version(store, frames_of(tiny, 2), author="b", base="0001")
    before = snapshot(store)
    with pytest.raises(S.StaleImport) as caught:
        S.commit_version(store, frames_of(tiny, 4), author="c", base="0001")
    assert "coba lagi" in str(caught.value)
    assert (caught.value.planned, caught.value.current) == ("0001", "0002")
    assert snapshot(store) == before


def test_import_while_store_is_locked_is_busy(store, tiny):
    S.commit_version(store, frames_of(tiny), author="a", base=None)
    before = snapshot(store)
    with S._exclusive(fresh_handle(store)):
        with pytest.raises(S.StoreBusy) as caught:
            S.commit_version(store, frames_of(tiny, 2), author="b", base="0001")
        with pytest.raises(S.StoreBusy):
            S.rollback(store, "1", author="b")
    assert "coba lagi" in str(caught.value)
    assert snapshot(store) == before
    assert S.commit_version(store, frames_of(tiny, 2), author="b", base="0001") == "0002"


# The writes of one commit, in order: three tables, manifest, pointer.
@pytest.mark.parametrize("failing_write", range(5))
def test_full_disk_leaves_old_version_byte_for_byte(file_store, tiny, reference, monkeypatch, failing_write):
    S.commit_version(file_store, frames_of(tiny), author="a", base=None)
    before = snapshot(file_store.root)
    real_write = S._write_durably
    calls = []

    def write_until_disk_full(path, data):
        calls.append(path.name)
        if len(calls) - 1 == failing_write:
            path.write_bytes(data[: len(data) // 2])  # what a full disk leaves behind
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real_write(path, data)

    monkeypatch.setattr(S, "_write_durably", write_until_disk_full)
    with pytest.raises(S.StoreWriteFailed) as caught:
        S.commit_version(file_store, frames_of(tiny, 2), author="b", base="0001")
    assert caught.value.errno == errno.ENOSPC and "disk penuh" in str(caught.value)
    assert len(calls) == failing_write + 1
    assert snapshot(file_store.root) == before
    assert S.current_version_id(file_store) == "0001"
    assert len(S.current_dataset(file_store, reference).participants) == len(tiny.participants)
    monkeypatch.undo()
    assert S.commit_version(file_store, frames_of(tiny, 2), author="b", base="0001") == "0002"


def test_full_disk_on_rollback_keeps_current(file_store, tiny, monkeypatch):
    S.commit_version(file_store, frames_of(tiny), author="a", base=None)
    S.commit_version(file_store, frames_of(tiny, 2), author="a", base="0001")
    before = snapshot(file_store.root)

    def disk_full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(S, "_write_durably", disk_full)
    with pytest.raises(S.StoreWriteFailed):
        S.rollback(file_store, "1", author="a")
    assert snapshot(file_store.root) == before


def test_leftovers_are_never_listed_and_removed_at_open(file_store, tiny):
    S.commit_version(file_store, frames_of(tiny), author="a", base=None)
    before = snapshot(file_store.root)
    # A half-written folder, a complete folder never made current, a half-written pointer.
    half = file_store.versions_dir / f"{S.TEMP_PREFIX}0002-dead"
    half.mkdir()
    (half / "participants.parquet").write_bytes(b"PAR1 half")
    orphan = file_store.versions_dir / "0002"
    orphan.mkdir()
    for name in ("participants.parquet", "outcomes.parquet", "budget.parquet", S.MANIFEST):
        (orphan / name).write_bytes((file_store.version_dir("0001") / name).read_bytes())
    (file_store.root / "CURRENT.tmp").write_text("{")
    assert S.versions(file_store)["id"].tolist() == ["0001"]
    assert S.current_version_id(file_store) == "0001"
    S.open_store(file_store.root)
    assert snapshot(file_store.root) == before
    # The number of the removed folder is free again.
    assert S.commit_version(file_store, frames_of(tiny, 2), author="a", base="0001") == "0002"


def damage(store, table: str) -> None:
    """Flip one byte in the middle of a stored table of version 0001, as a failing disk would."""
    if isinstance(store, S.DatabaseStore):
        with B.connect(store.url) as db:
            db.execute("UPDATE store_tables SET data = set_byte(data, length(data) / 2, "
                       "get_byte(data, length(data) / 2) # 255) WHERE version = '0001' AND name = ?", (table,))
        return
    path = store.version_dir("0001") / f"{table}.parquet"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def test_damaged_file_is_detected_not_read(store, tiny, reference):
    S.commit_version(store, frames_of(tiny), author="a", base=None)
    damage(store, BUDGET)
    with pytest.raises(S.StoreCorrupt):
        S.current_dataset(store, reference)
    with pytest.raises(S.StoreCorrupt):
        S.rollback(store, "1", author="a")


def test_values_missing_from_reference_are_reported_not_blanked(store, tiny, reference):
    S.commit_version(store, frames_of(tiny), author="a", base=None)
    smaller = replace(reference, sites={k: v for k, v in reference.sites.items() if k != "Gurah"})
    with pytest.raises(S.ReferenceMismatch) as caught:
        S.current_dataset(store, smaller)
    assert caught.value.missing == {PARTICIPANTS: {"village": ["Gurah"]}}
    assert "Gurah" in str(caught.value)


@pytest.mark.parametrize("broken", [
    lambda f: {k: v for k, v in f.items() if k != BUDGET},
    lambda f: {**f, BUDGET: f[BUDGET].drop(columns=["item"])},
    lambda f: {**f, BUDGET: f[BUDGET].assign(extra=1)},
])
def test_frames_must_be_the_three_contract_tables(store, tiny, broken):
    with pytest.raises(ValueError):
        S.commit_version(store, broken(frames_of(tiny)), author="a", base=None)
    assert S.current_version_id(store) is None


def test_pointer_holds_current_and_history(file_store, tiny):
    S.commit_version(file_store, frames_of(tiny), author="a", base=None)
    pointer = json.loads(file_store.pointer.read_text())
    assert pointer["current"] == "0001"
    assert [e["version"] for e in pointer["history"]] == ["0001"]


# --- the PostgreSQL back end only ---------------------------------------------------------
DATABASE_STEPS = ["manifest written", *(f"{table} written" for table in TABLES), "pointer written"]


@pytest.fixture
def database_store(postgres_url) -> S.DatabaseStore:
    return S.open_store(S.DatabaseStore(postgres_url))


@pytest.mark.parametrize("step", DATABASE_STEPS)
def test_database_failing_mid_commit_leaves_old_version_row_for_row(database_store, tiny, reference,
                                                                   monkeypatch, step):
    from psycopg.errors import DiskFull

    store = database_store
    S.commit_version(store, frames_of(tiny), author="a", base=None)
    before = snapshot(store)

    def fail_at(reached):
        if reached == step:
            raise DiskFull("could not extend file: No space left on device")

    monkeypatch.setattr(S, "_checkpoint", fail_at)
    with pytest.raises(S.StoreWriteFailed, match="disk penuh"):
        S.commit_version(store, frames_of(tiny, 2), author="b", base="0001")
    assert snapshot(store) == before
    assert len(S.current_dataset(store, reference).participants) == len(tiny.participants)
    monkeypatch.undo()
    assert S.commit_version(store, frames_of(tiny, 2), author="b", base="0001") == "0002"


def test_database_asked_for_the_version_in_use_reads_one_small_row(database_store, tiny, monkeypatch):
    S.commit_version(database_store, frames_of(tiny), author="a", base=None)
    statements = []
    real_execute = B.Database.execute

    def counting(self, sql, params=(), **kwargs):
        statements.append(sql)
        return real_execute(self, sql, params, **kwargs)

    monkeypatch.setattr(B.Database, "execute", counting)
    assert S.current_version_id(database_store) == "0001"
    assert len(statements) == 1 and "store_tables" not in statements[0] and "LIMIT 1" in statements[0]


def test_unreachable_database_is_a_store_error_not_a_crash(tmp_path, tiny, monkeypatch):
    monkeypatch.setattr(B, "POOL_TIMEOUT_S", 0.5)
    store = S.DatabaseStore(f"postgresql://dasbor:rahasia@/dasbor?host={tmp_path}")
    with pytest.raises(S.StoreUnavailable) as caught:
        S.current_version_id(store)
    assert "rahasia" not in str(caught.value) and "tidak dapat dihubungi" in str(caught.value)
    with pytest.raises(S.StoreWriteFailed):
        S.commit_version(store, frames_of(tiny), author="a", base=None)
