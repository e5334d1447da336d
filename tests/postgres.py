"""A throwaway PostgreSQL server for the tests, and the fixture that runs a test on both back ends.

The server is Debian's ``postgresql`` package (``initdb`` and ``pg_ctl`` from
``/usr/lib/postgresql/*/bin``), started once per test session in a temporary
folder as an unprivileged user (``postgres``, else ``nobody``, when the tests run
as root, as CI does), listening only on a Unix socket in that folder, and stopped
at the end. Each test that asks for it gets a database of its own.

Without the package a developer's run skips the PostgreSQL half of each test;
under ``CI=true`` it fails instead (``.ci/run`` installs the package).

Fixtures: ``postgres_server`` (session), ``postgres_url`` (a fresh database),
``backend`` (parametrized "files" / "postgres": sets or clears
``DASBOR_DATABASE_URL`` and points ``DASBOR_DATA_DIR`` at a fresh folder).
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

FILES, POSTGRES = "files", "postgres"
APP_ROLE = "dasbor"  # the dashboard connects as this role: no superuser, owner of its database
BACKENDS = (FILES, POSTGRES)


def postgres_bin() -> Path | None:
    """The newest installed PostgreSQL server's bin folder, or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else None


def _server_user() -> str | None:
    """Who runs the server: the current user, or an unprivileged one when running as root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("Tidak ada pengguna tanpa hak root (postgres/nobody) untuk menjalankan PostgreSQL.")


@dataclass
class Server:
    """A running throwaway cluster: ``url(database)`` connects as the application's role."""

    bin: Path
    root: Path
    user: str | None
    _databases = itertools.count(1)

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root

    def url(self, database: str = "postgres", role: str = APP_ROLE) -> str:
        return f"postgresql://{role}@/{database}?host={self.socket_dir}"

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", self.user, "--"] if self.user else []
        return subprocess.run([*prefix, *command], capture_output=True, text=True, check=check, timeout=120)

    def admin_sql(self, sql: str, database: str = "postgres") -> str:
        """Run ``sql`` as the cluster's superuser; its output."""
        import psycopg

        with psycopg.connect(self.url(database, role=self.superuser), autocommit=True) as conn:
            cursor = conn.execute(sql)
            return "" if cursor.description is None else "\n".join("|".join(map(str, r)) for r in cursor)

    @property
    def superuser(self) -> str:
        return self.user or pwd.getpwuid(os.geteuid()).pw_name

    def create_database(self) -> str:
        """A new empty database owned by the application's role; its URL."""
        name = f"t{os.getpid()}_{next(self._databases)}"
        self.admin_sql(f"CREATE DATABASE {name} OWNER {APP_ROLE}")
        return self.url(name)

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop", check=False)


def start_server(bin_dir: Path) -> Server:
    """initdb, start, and create the application's role; the caller stops it."""
    user = _server_user()
    root = Path(tempfile.mkdtemp(prefix="dasbor-pg-"))
    os.chmod(root, 0o755)  # the tests' own user reaches the socket in it
    if user:
        shutil.chown(root, user)
    server = Server(bin_dir, root, user)
    server._run(str(bin_dir / "initdb"), "-D", str(server.data), "-U", server.superuser, "--auth=trust",
                "--encoding=UTF8", "--locale=C", "--no-sync")
    options = " ".join([
        "-c listen_addresses=''", f"-c unix_socket_directories={server.socket_dir}",
        # A test server: nothing here must survive a power cut, so skip the waits that would.
        "-c fsync=off", "-c full_page_writes=off", "-c synchronous_commit=off",
        "-c max_connections=200",
    ])
    server._run(str(bin_dir / "pg_ctl"), "-D", str(server.data), "-l", str(root / "server.log"),
                "-o", options, "-w", "-t", "60", "start")
    server.admin_sql(f"CREATE ROLE {APP_ROLE} LOGIN")
    return server


def require_postgres() -> Path:
    """The server binaries, else skip (developer machine) or fail (CI)."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        message = "PostgreSQL (paket Debian postgresql) tidak terpasang: /usr/lib/postgresql/*/bin/pg_ctl"
        if os.environ.get("CI"):
            pytest.fail(message + " — di CI wajib ada (.ci/run memasangnya).")
        pytest.skip(message)
    return bin_dir


@pytest.fixture(scope="session")
def postgres_server():
    server = start_server(require_postgres())
    yield server
    from lib import backend

    backend.close_pools()
    server.stop()
    shutil.rmtree(server.root, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server):
    """A fresh database of its own for this test (this process's connections to it closed afterwards)."""
    from lib import backend

    url = postgres_server.create_database()
    yield url
    backend.close_pools(url)


@dataclass(frozen=True)
class Backend:
    """Where a test's shared state lives: ``kind`` is "files" or "postgres"; ``url`` is set for postgres."""

    kind: str
    data_dir: Path
    url: str | None

    @property
    def is_postgres(self) -> bool:
        return self.kind == POSTGRES

    @property
    def env(self) -> dict[str, str]:
        """The environment of a child process using this back end."""
        env = {k: v for k, v in os.environ.items() if k != "DASBOR_DATABASE_URL"}
        env["DASBOR_DATA_DIR"] = str(self.data_dir)
        if self.url:
            env["DASBOR_DATABASE_URL"] = self.url
        return env


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path, monkeypatch) -> Backend:
    """Each test using this runs twice: on the embedded files and on a fresh PostgreSQL database."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    monkeypatch.setenv("DASBOR_DATA_DIR", str(data_dir))
    if request.param == POSTGRES:
        url = request.getfixturevalue("postgres_url")
        monkeypatch.setenv("DASBOR_DATABASE_URL", url)
        return Backend(POSTGRES, data_dir, url)
    monkeypatch.delenv("DASBOR_DATABASE_URL", raising=False)
    return Backend(FILES, data_dir, None)
