"""The store survives kill -9 at any moment of a commit, and two simultaneous imports, on both back ends.

Commits run in child processes (a fork server keeps them cheap) that are
killed with SIGKILL at every named step and after random small delays; the
store must then open to a complete version, old or new, byte for byte (files)
or row for row (PostgreSQL).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import signal
import sys
import time
from pathlib import Path

import pytest

from lib import backend as B
from lib import store as S
from lib.schema import PARTICIPANTS, TABLES, load_reference
from tests.postgres import BACKENDS, FILES, POSTGRES
from tests.support.store import snapshot as store_snapshot

OLD_FILES, NEW_FILES = ["lama.xlsx"], ["baru.xlsx"]
STEPS = {
    FILES: [f"{table} written" for table in TABLES] + [
        "manifest written", "version in place", "pointer written", "pointer replaced"],
    # One transaction: the version row, its tables, the history row, then the commit.
    POSTGRES: ["manifest written", *(f"{table} written" for table in TABLES), "pointer written",
               "pointer replaced"],
}
RANDOM_RUNS = 30

_context = mp.get_context("forkserver")
_context.set_forkserver_preload(["pandas", "pyarrow.parquet", "lib.store", "tests.conftest", __name__])
# Streamlit's script runner (used by the page tests) installs the page script as
# __main__; a fork server started after that would re-run dashboard.py in the
# child. Collection happens before any test runs, so this is pytest's own.
_PYTEST_MAIN = sys.modules["__main__"]


@pytest.fixture(autouse=True)
def _real_main(monkeypatch):
    monkeypatch.setitem(sys.modules, "__main__", _PYTEST_MAIN)


def old_frames() -> dict:
    from tests.conftest import tiny_dataset
    dataset = tiny_dataset(load_reference())
    return {table: dataset.table(table) for table in TABLES}


def new_frames() -> dict:
    frames = old_frames()
    return {**frames, PARTICIPANTS: frames[PARTICIPANTS].head(7).reset_index(drop=True)}


def _commit_in_child(root, mode: str, param, ready) -> None:
    """Commit the new frames on top of version 0001, stopping as ``mode`` says."""
    frames = new_frames()
    if mode == "kill_at":
        def checkpoint(step):
            if step == param:
                os.kill(os.getpid(), signal.SIGKILL)
    else:
        rng = random.Random(param)

        def checkpoint(step):
            time.sleep(rng.uniform(0, 0.004))  # spread the commit so kills land everywhere
    S._checkpoint = checkpoint
    ready.set()
    S.commit_version(root, frames, author="uji", base="0001", files=NEW_FILES)


def snapshot(store) -> dict:
    return store_snapshot(store if isinstance(store, (S.DatabaseStore, S.Store)) else Path(store))


def handle(store):
    """What a child process is given: a folder's path, or the database store itself."""
    return store if isinstance(store, S.DatabaseStore) else str(store.root)


def new_version_files(store) -> dict:
    """The new version's table bytes: files of versions/0002 (manifest aside), or rows of store_tables."""
    if isinstance(store, S.DatabaseStore):
        return {name: bytes(data) for version, name, data in snapshot(store)["store_tables"] if version == "0002"}
    return {Path(name).name: data for name, data in snapshot(store).items()
            if name.startswith("versions/0002/") and not name.endswith(S.MANIFEST)}


def unchanged_old_part(store, after: dict, old_snapshot: dict) -> None:
    """Everything of version 0001 is still there, unchanged."""
    if isinstance(store, S.DatabaseStore):
        for table, rows in old_snapshot.items():
            assert after[table][:len(rows)] == rows
        return
    assert {k: v for k, v in after.items() if k in old_snapshot and k != S.CURRENT} == {
        k: v for k, v in old_snapshot.items() if k != S.CURRENT}


@pytest.fixture(scope="module")
def expected_new(tmp_path_factory):
    """What the new version's tables must hold, byte for byte (Parquet is written the same way by both)."""
    root = tmp_path_factory.mktemp("crash") / "reference"
    S.commit_version(S.open_store(root), old_frames(), author="uji", base=None, files=OLD_FILES)
    S.commit_version(root, new_frames(), author="uji", base="0001", files=NEW_FILES)
    return {f"{table}.parquet": (root / "versions" / "0002" / f"{table}.parquet").read_bytes() for table in TABLES}


@pytest.fixture
def make_old_store(request, tmp_path):
    """Makes a store whose version 0001 is current: a folder, or a fresh PostgreSQL database."""
    made = []

    def make(kind: str, name: str = "store"):
        if kind == POSTGRES:
            server = request.getfixturevalue("postgres_server")
            store = S.open_store(S.DatabaseStore(server.create_database()))
        else:
            store = S.open_store(tmp_path / name)
        S.commit_version(store, old_frames(), author="uji", base=None, files=OLD_FILES)
        made.append(store)
        return store, snapshot(store)

    yield make
    for store in made:
        if isinstance(store, S.DatabaseStore):
            B.close_pools(store.url)


def next_commit_goes_through(store, current: str) -> str:
    """The next import succeeds once the dead writer's lock is gone (PostgreSQL ends its session in a moment)."""
    deadline = time.monotonic() + 10
    while True:
        try:
            return S.commit_version(store, old_frames(), author="uji", base=current)
        except S.StoreBusy:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def assert_complete_old_or_new(store, old_snapshot: dict, expected_new: dict) -> str:
    S.open_store(store)
    current = S.current_version_id(store)
    after = snapshot(store)
    if current == "0001":
        assert after == old_snapshot  # byte for byte, leftovers gone
    else:
        assert current == "0002"
        unchanged_old_part(store, after, old_snapshot)
        found = new_version_files(store)
        assert {name.removesuffix(".parquet"): data for name, data in found.items()} == {
            name.removesuffix(".parquet"): data for name, data in expected_new.items()}
        manifest = S.read_manifest(store, "0002")
        assert (manifest["parent"], manifest["files"], manifest["rows"][PARTICIPANTS]) == ("0001", NEW_FILES, 7)
    assert set(S.versions(store)["id"]) == {"0001", current}
    if isinstance(store, S.Store):
        assert not any(p.name.startswith(S.TEMP_PREFIX) for p in store.versions_dir.iterdir())
    S.read_version(store, current, load_reference())  # every hash checks out
    # The lock died with the process: the next import goes through.
    assert next_commit_goes_through(store, current) == f"{int(current) + 1:04d}"
    return current


def run_child(store, mode: str, param, kill_after: float | None = None) -> int:
    ready = _context.Event()
    child = _context.Process(target=_commit_in_child, args=(handle(store), mode, param, ready))
    child.start()
    assert ready.wait(60), "child did not start"
    if kill_after is not None:
        time.sleep(kill_after)
        child.kill()
    child.join(60)
    return child.exitcode


@pytest.mark.parametrize("kind, step", [(kind, step) for kind in BACKENDS for step in STEPS[kind]])
def test_kill_at_each_step_leaves_old_or_new(make_old_store, expected_new, kind, step):
    store, old_snapshot = make_old_store(kind)
    assert run_child(store, "kill_at", step) == -signal.SIGKILL
    current = assert_complete_old_or_new(store, old_snapshot, expected_new)
    # Only the pointer's rename (the transaction's commit) publishes the new version.
    assert current == ("0002" if step == "pointer replaced" else "0001")


@pytest.mark.slow
@pytest.mark.parametrize("kind", BACKENDS)
def test_kill_at_random_moments_leaves_old_or_new(make_old_store, expected_new, kind):
    rng = random.Random(20261122)
    outcomes = []
    for run in range(RANDOM_RUNS):
        store, old_snapshot = make_old_store(kind, f"store{run}")
        run_child(store, "random", run, kill_after=rng.uniform(0, 0.05))
        outcomes.append(assert_complete_old_or_new(store, old_snapshot, expected_new))
    assert set(outcomes) <= {"0001", "0002"}


def _import_at_barrier(root, barrier, results) -> None:
    frames = new_frames()
    barrier.wait()
    try:
        results.put(("ok", S.commit_version(root, frames, author=f"pid{os.getpid()}", base="0001")))
    except S.StoreBusy as exc:  # StaleImport is a StoreBusy too
        results.put((type(exc).__name__, str(exc)))


@pytest.mark.parametrize("kind", BACKENDS)
@pytest.mark.parametrize("round_", range(3))
def test_two_simultaneous_imports_one_wins_one_retries(make_old_store, kind, round_):
    store, _ = make_old_store(kind)
    barrier, results = _context.Barrier(2), _context.Queue()
    children = [_context.Process(target=_import_at_barrier, args=(handle(store), barrier, results))
                for _ in range(2)]
    for child in children:
        child.start()
    got = sorted([results.get(timeout=60), results.get(timeout=60)])
    for child in children:
        child.join(60)
    assert [kind for kind, _ in got][1] == "ok"
    assert got[0][0] in {"StoreBusy", "StaleImport"} and "coba lagi" in got[0][1]
    assert S.current_version_id(store) == "0002"
    assert S.versions(store)["id"].tolist() == ["0002", "0001"]
