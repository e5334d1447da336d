"""Several dashboard processes on one PostgreSQL database, as a province runs them.

Each "process" here is a real child process with ``DASBOR_DATABASE_URL`` set,
as the dashboards on several machines are: an import or rollback through one is
seen by another within seconds without a restart; failed logins through two
lock the account; two imports at once, one wins and the other is told to retry
(exit code 3). (kill -9 in the middle of an import: tests/test_store_crash.py.)
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lib import accounts
from lib import store as S
from lib.audit import open_audit
from lib.importer import EXIT_BUSY, EXIT_OK
from tests.postgres import POSTGRES, Backend
from tests.support.uploads import upload

pytestmark = pytest.mark.slow  # dashboard processes started and stopped per test
ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-01-31"
SEEN_WITHIN_S = 10


@pytest.fixture
def shared(postgres_url, tmp_path, tiny, monkeypatch):
    """The PostgreSQL back end (this process and its children use it), and the canonical data as files to import."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    monkeypatch.setenv("DASBOR_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DASBOR_DATABASE_URL", postgres_url)
    backend = Backend(POSTGRES, data_dir, postgres_url)
    folder = tmp_path / "berkas"
    folder.mkdir()
    for name, data in upload(tiny).items():
        (folder / name).write_bytes(data)
    return backend, sorted(str(p) for p in folder.iterdir())


def importer(backend, *args: str, stdin=subprocess.DEVNULL) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "lib.importer", *args, "--today", TODAY], cwd=ROOT,
                            env=backend.env, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finished(process: subprocess.Popen) -> tuple[int, str]:
    out, err = process.communicate(timeout=120)
    return process.returncode, out + err


WATCHER = """
import sys, time
from lib import store
while True:
    print(store.current_version_id(store.default_store()), flush=True)
    time.sleep(0.1)
"""


class Watcher:
    """Another dashboard process: asks for the version in use, as a page does on each rerun."""

    def __init__(self, backend):
        self.process = subprocess.Popen([sys.executable, "-c", WATCHER], cwd=ROOT, env=backend.env,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def sees(self, version: str | None) -> float:
        """Seconds until this process reports ``version`` as in use."""
        began = time.monotonic()
        while time.monotonic() - began < SEEN_WITHIN_S:
            line = self.process.stdout.readline()
            if not line:
                raise AssertionError(self.process.stderr.read())
            if line.strip() == str(version):
                return time.monotonic() - began
        raise AssertionError(f"version {version} not seen within {SEEN_WITHIN_S} s")

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(30)


def test_an_import_and_a_rollback_through_one_process_are_seen_by_another(shared):
    backend, files = shared
    watcher = Watcher(backend)
    try:
        watcher.sees(None)
        code, out = finished(importer(backend, *files, "--yes", "--author", "budi"))
        assert code == EXIT_OK, out
        watcher.sees("0001")
        code, out = finished(importer(backend, files[0], "--yes", "--author", "budi"))
        assert code == EXIT_OK, out
        watcher.sees("0002")
        code, out = finished(importer(backend, "--rollback", "1", "--author", "ani"))
        assert code == EXIT_OK and "versi 1" in out, out
        watcher.sees("0001")
    finally:
        watcher.stop()
    # The folder holds no store: the versions are in the database, and so is their audit trail.
    assert not (backend.data_dir / "store").exists()
    assert open_audit().events()["action"].tolist() == ["rollback", "import", "import"]


def test_two_imports_at_once_through_two_processes_one_wins_one_is_told_to_retry(shared):
    backend, files = shared
    # Both check their files against "no data yet" and wait at the question; then both say yes.
    first, second = (importer(backend, *files, stdin=subprocess.PIPE) for _ in range(2))
    for process in (first, second):
        shown = ""
        while "Simpan sebagai versi baru?" not in shown:
            char = process.stdout.read(1)
            assert char, finished(process)
            shown += char
    for process in (first, second):
        process.stdin.write("y\n")
        process.stdin.flush()
    results = sorted([finished(first), finished(second)])
    assert [code for code, _ in results] == [EXIT_OK, EXIT_BUSY], results
    assert "coba lagi" in results[1][1]
    assert S.versions(S.default_store())["id"].tolist() == ["0001"]


FAILER = """
import sys
from lib import accounts
from lib.audit import open_audit
conn, log = accounts.open_accounts(), open_audit()
for _ in range(int(sys.argv[1])):
    try:
        accounts.authenticate(conn, "ani", "bukan-sandinya", audit=log)
    except accounts.LoginRefused:
        pass
"""


def test_failed_logins_through_two_processes_lock_the_account(shared, monkeypatch):
    backend, _ = shared
    with accounts.open_accounts() as conn:
        accounts.create_account(conn, "ani", "kuda-lumping-2024", "admin", actor="cli")
    failers = [subprocess.Popen([sys.executable, "-c", FAILER, str(n)], cwd=ROOT, env=backend.env,
                                stderr=subprocess.PIPE, text=True) for n in (3, 3)]
    for failer in failers:
        _, err = failer.communicate(timeout=120)
        assert failer.returncode == 0, err
    with accounts.open_accounts() as conn:
        assert accounts.account_named(conn, "ani").is_locked()
        (lockouts,) = conn.execute("SELECT lockouts FROM accounts WHERE username = 'ani'").fetchone()
    assert lockouts == 1  # five failures locked it once; the sixth met the lock
    failed = open_audit().events(action="login_failed")
    reasons = [json.loads(d)["reason"] for d in failed["detail"]]
    assert len(reasons) == 6 and sum("locked_until" in json.loads(d) for d in failed["detail"]) >= 1
