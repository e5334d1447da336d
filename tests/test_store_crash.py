"""The store survives kill -9 at any moment of a commit, and two simultaneous imports.

Commits run in child processes (a fork server keeps them cheap) that are
killed with SIGKILL at every named step and after random small delays; the
store must then open to a complete version, old or new, byte for byte.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import shutil
import signal
import sys
import time
from pathlib import Path

import pytest

from lib import store as S
from lib.schema import PARTICIPANTS, TABLES, load_reference

OLD_FILES, NEW_FILES = ["lama.xlsx"], ["baru.xlsx"]
STEPS = [f"{table} written" for table in TABLES] + [
    "manifest written", "version in place", "pointer written", "pointer replaced"]
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


def _commit_in_child(root: str, mode: str, param, ready) -> None:
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


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and p.name != S.LOCK}


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """An old store (version 0001 current) and what the new version's files must be."""
    base = tmp_path_factory.mktemp("crash")
    old = base / "old"
    S.commit_version(S.open_store(old), old_frames(), author="uji", base=None, files=OLD_FILES)
    reference_new = base / "reference_new"
    shutil.copytree(old, reference_new)
    S.commit_version(reference_new, new_frames(), author="uji", base="0001", files=NEW_FILES)
    expected_new = {name: data for name, data in snapshot(reference_new).items()
                    if name.startswith("versions/0002/") and not name.endswith(S.MANIFEST)}
    return old, snapshot(old), expected_new


def assert_complete_old_or_new(root: Path, old_snapshot: dict, expected_new: dict) -> str:
    S.open_store(root)
    current = S.current_version_id(root)
    after = snapshot(root)
    if current == "0001":
        assert after == old_snapshot  # byte for byte, leftovers gone
    else:
        assert current == "0002"
        assert {k: v for k, v in after.items() if k in old_snapshot and k != S.CURRENT} == {
            k: v for k, v in old_snapshot.items() if k != S.CURRENT}
        assert {k: v for k, v in after.items() if k.startswith("versions/0002/")
                and not k.endswith(S.MANIFEST)} == expected_new
        manifest = S.read_manifest(root, "0002")
        assert (manifest["parent"], manifest["files"], manifest["rows"][PARTICIPANTS]) == ("0001", NEW_FILES, 7)
    assert set(S.versions(root)["id"]) == {"0001", current}
    assert not any(p.name.startswith(S.TEMP_PREFIX) for p in S.Store(root).versions_dir.iterdir())
    S.read_version(root, current, load_reference())  # every hash checks out
    # The lock died with the process: the next import goes through.
    assert S.commit_version(root, old_frames(), author="uji", base=current) == f"{int(current) + 1:04d}"
    return current


def run_child(root: Path, mode: str, param, kill_after: float | None = None) -> int:
    ready = _context.Event()
    child = _context.Process(target=_commit_in_child, args=(str(root), mode, param, ready))
    child.start()
    assert ready.wait(60), "child did not start"
    if kill_after is not None:
        time.sleep(kill_after)
        child.kill()
    child.join(60)
    return child.exitcode


@pytest.mark.parametrize("step", STEPS)
def test_kill_at_each_step_leaves_old_or_new(stores, tmp_path, step):
    old, old_snapshot, expected_new = stores
    root = tmp_path / "store"
    shutil.copytree(old, root)
    assert run_child(root, "kill_at", step) == -signal.SIGKILL
    current = assert_complete_old_or_new(root, old_snapshot, expected_new)
    # Only the pointer's rename publishes the new version.
    assert current == ("0002" if step == "pointer replaced" else "0001")


def test_kill_at_random_moments_leaves_old_or_new(stores, tmp_path):
    old, old_snapshot, expected_new = stores
    rng = random.Random(20261122)
    outcomes = []
    for run in range(RANDOM_RUNS):
        root = tmp_path / f"store{run}"
        shutil.copytree(old, root)
        run_child(root, "random", run, kill_after=rng.uniform(0, 0.05))
        outcomes.append(assert_complete_old_or_new(root, old_snapshot, expected_new))
    assert set(outcomes) <= {"0001", "0002"}


def _import_at_barrier(root: str, barrier, results) -> None:
    frames = new_frames()
    barrier.wait()
    try:
        results.put(("ok", S.commit_version(root, frames, author=f"pid{os.getpid()}", base="0001")))
    except S.StoreBusy as exc:  # StaleImport is a StoreBusy too
        results.put((type(exc).__name__, str(exc)))


@pytest.mark.parametrize("round_", range(3))
def test_two_simultaneous_imports_one_wins_one_retries(stores, tmp_path, round_):
    old, old_snapshot, _ = stores
    root = tmp_path / "store"
    shutil.copytree(old, root)
    barrier, results = _context.Barrier(2), _context.Queue()
    children = [_context.Process(target=_import_at_barrier, args=(str(root), barrier, results))
                for _ in range(2)]
    for child in children:
        child.start()
    got = sorted([results.get(timeout=60), results.get(timeout=60)])
    for child in children:
        child.join(60)
    assert [kind for kind, _ in got][1] == "ok"
    assert got[0][0] in {"StoreBusy", "StaleImport"} and "coba lagi" in got[0][1]
    assert S.current_version_id(root) == "0002"
    assert S.versions(root)["id"].tolist() == ["0002", "0001"]
