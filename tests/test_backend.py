"""The choice of back end, the installation secrets, and the database's command line."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest

from lib import backend as B

ROOT = Path(__file__).resolve().parent.parent

SECRET_OF_CHILD = """
import sys
from lib import backend
print(backend.secret(sys.argv[1]).hex(), flush=True)
"""


@pytest.mark.parametrize("value, expected", [
    ("", None),
    ("  ", None),
    ("postgresql://dasbor@db.dinas/dasbor", "postgresql://dasbor@db.dinas/dasbor"),
    ("postgres://dasbor:rahasia@10.0.0.5:5432/dasbor", "postgres://dasbor:rahasia@10.0.0.5:5432/dasbor"),
])
def test_database_url_is_read_from_the_setting(monkeypatch, value, expected):
    monkeypatch.setenv("DASBOR_DATABASE_URL", value)
    assert B.database_url() == expected
    assert B.kind() == (B.POSTGRES if expected else B.FILES)


@pytest.mark.parametrize("value", ["mysql://x@y/z", "/var/lib/dasbor.sqlite3", "host=db dbname=dasbor"])
def test_a_database_url_that_is_not_postgresql_is_refused(monkeypatch, value):
    monkeypatch.setenv("DASBOR_DATABASE_URL", value)
    with pytest.raises(ValueError, match="URL PostgreSQL"):
        B.database_url()


@pytest.mark.parametrize("url, shown", [
    ("postgresql://dasbor:rahasia@db/dasbor", "postgresql://dasbor:***@db/dasbor"),
    ("postgresql://dasbor@db/dasbor", "postgresql://dasbor@db/dasbor"),
    ("postgresql:///dasbor?host=/tmp", "postgresql:///dasbor?host=/tmp"),
])
def test_a_url_is_shown_without_its_password(url, shown):
    assert B.redacted(url) == shown


def test_the_secret_is_made_once_and_kept(backend):
    first = B.secret("installation")
    assert len(first) == B.SECRET_BYTES
    B._database_secret.cache_clear()  # as a new process would ask
    assert B.secret("installation") == first
    assert B.secret("demo") != first
    if not backend.is_postgres:
        path = backend.data_dir / "secrets" / "installation.key"
        assert path.read_bytes() == first
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    else:
        assert not (backend.data_dir / "secrets").exists()  # the database holds it, no file does


def test_processes_asking_at_the_same_moment_get_the_same_secret(backend):
    children = [subprocess.Popen([sys.executable, "-c", SECRET_OF_CHILD, "installation"], cwd=ROOT,
                                 env=backend.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(4)]
    answers = set()
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        answers.add(out.strip())
    assert len(answers) == 1
    assert answers == {B.secret("installation").hex()}


@pytest.mark.parametrize("name", ["", "../kunci", "Installation", "a b", "x" * 70])
def test_a_secret_name_must_be_plain(backend, name):
    with pytest.raises(ValueError):
        B.secret(name)


def test_a_damaged_secret_file_is_refused_not_replaced(tmp_path, monkeypatch):
    monkeypatch.setenv("DASBOR_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DASBOR_DATABASE_URL", raising=False)
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "installation.key").write_bytes(b"pendek")
    with pytest.raises(RuntimeError, match="rusak"):
        B.secret("installation")
    assert (tmp_path / "secrets" / "installation.key").read_bytes() == b"pendek"


def test_a_secret_written_by_the_keys_layout_is_read_as_it_is(tmp_path, monkeypatch):
    monkeypatch.setenv("DASBOR_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DASBOR_DATABASE_URL", raising=False)
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "demo.key").write_bytes(b"k" * 32)
    assert B.secret("demo") == b"k" * 32


def test_rows_are_read_by_position_and_by_name(postgres_url):
    with B.connect(postgres_url) as db:
        row = db.execute("SELECT 1 AS satu, 'dua' AS dua, ?::text AS tiga", ("100%",)).fetchone()
    assert tuple(row) == (1, "dua", "100%") and row["dua"] == "dua" and row[2] == "100%"
    assert row.keys() == ["satu", "dua", "tiga"]


def run_backend(env, *args):
    return subprocess.run([sys.executable, "-m", "lib.backend", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_init_makes_every_table(backend):
    done = run_backend(backend.env, "init")
    if not backend.is_postgres:
        assert done.returncode == 2 and "DASBOR_DATABASE_URL" in done.stderr
        return
    assert done.returncode == 0, done.stderr
    with B.connect(backend.url) as db:
        tables = {r[0] for r in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    assert tables == {"store_versions", "store_tables", "store_history", "accounts", "sessions",
                      "sign_in_codes", "audit_events", "installation_secrets"}
