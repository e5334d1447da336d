"""Where the shared state lives: files in the data folder (the default) or one PostgreSQL database.

With ``DASBOR_DATABASE_URL`` unset, every process keeps its state in files of
the data folder, as a single dashboard process on one machine needs: the data
versions (``store/``), ``accounts.sqlite3`` (accounts, lockout, sessions),
``audit.sqlite3`` and ``secrets/``. With it set to a PostgreSQL URL, all of that
lives in that one database, so several dashboard processes on several machines
share it: an import, a lockout or an audit row made through one is seen by all.

This module holds what both back ends share: the choice, one SQL dialect over a
pooled PostgreSQL connection (``?`` placeholders, rows read by position or name,
as ``sqlite3`` does), each module's PostgreSQL tables created once per process,
and the installation secrets (``secret(name)``). The data versions, accounts and
audit log use it from ``lib.store``, ``lib.accounts`` and ``lib.audit``.

Command line: ``python -m lib.backend init`` creates every table in the
database of ``DASBOR_DATABASE_URL`` (each process also does so on first use).
"""

from __future__ import annotations

import errno
import functools
import os
import re
import secrets as _secrets
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lib import settings

FILES, POSTGRES = "files", "postgres"
SECRET_BYTES = 32
MIN_SECRET_BYTES = 16  # what a readable secret holds at least (one made here holds SECRET_BYTES)
SECRETS_DIR = "secrets"
_SECRET_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_URL = re.compile(r"postgres(ql)?://", re.IGNORECASE)

# Fixed keys of PostgreSQL advisory locks (any 64-bit number; these spell "dasbor" and a purpose).
LOCK_SCHEMA = 0x6461_7362_6F72_0001
LOCK_STORE = 0x6461_7362_6F72_0002
LOCK_ACCOUNTS = 0x6461_7362_6F72_0003

POOL_MAX = 8          # connections per process: each call holds one only for its few statements
POOL_TIMEOUT_S = 15   # waiting longer for a connection means the database is unreachable


class DatabaseUnavailable(RuntimeError):
    """The database of DASBOR_DATABASE_URL cannot be reached; the message says so without the password.

    ``shown_url`` (the URL without its password) and ``kind`` (the driver's error class) fill in the message
    ``database_unreachable`` of ``lib.texts``; ``message(lang)`` says it in ``lang``, ``str()`` in Indonesian.
    """

    def __init__(self, shown_url: str, kind: str):
        self.shown_url, self.kind = shown_url, kind
        super().__init__(self.message("id"))

    def message(self, lang: str = "id") -> str:
        """Which database cannot be reached and what to check, in ``lang``."""
        from lib.texts import text  # here: lib.texts pulls in pandas, which this module's users may do without

        return text("database_unreachable", lang, url=self.shown_url, kind=self.kind)


# --- the choice -------------------------------------------------------------------
def database_url() -> str | None:
    """The PostgreSQL URL of the shared store, or None for the files of the data folder."""
    url = settings.setting("DASBOR_DATABASE_URL").strip()
    if not url:
        return None
    if not _URL.match(url):
        raise ValueError("DASBOR_DATABASE_URL harus URL PostgreSQL, mis. postgresql://dasbor@db.dinas/dasbor.")
    return url


def kind() -> str:
    """"postgres" when DASBOR_DATABASE_URL is set, else "files"."""
    return POSTGRES if database_url() else FILES


def redacted(url: str) -> str:
    """``url`` without its password, for messages and logs."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url)


# --- one dialect over PostgreSQL ------------------------------------------------------
class Row(tuple):
    """A result row read by position or by column name, as ``sqlite3.Row`` is."""

    def __new__(cls, values: Sequence, index: dict[str, int]):
        row = super().__new__(cls, values)
        row._index = index
        return row

    def __getitem__(self, key):
        return super().__getitem__(self._index[key] if isinstance(key, str) else key)

    def keys(self) -> list[str]:
        return list(self._index)


def _row_factory(cursor):
    index = {column.name: i for i, column in enumerate(cursor.description or ())}
    return lambda values: Row(values, index)


def _placeholders(sql: str) -> str:
    """sqlite's ``?`` placeholders as psycopg's ``%s`` (a literal ``%`` doubled first)."""
    return sql.replace("%", "%%").replace("?", "%s")


class Database:
    """A pooled PostgreSQL connection that speaks like ``sqlite3.Connection``: ``execute`` with ``?``.

    Autocommit outside ``transaction()``; ``close()`` hands the connection back to the pool.
    """

    kind = POSTGRES

    def __init__(self, url: str):
        self.url = url
        self._pool = _pool(url)
        try:
            self.raw = self._pool.getconn()
        except Exception as exc:
            raise _unavailable(url, exc) from exc

    def execute(self, sql: str, params: Sequence[Any] = (), *, binary: bool = False):
        """Run ``sql`` (``?`` placeholders); ``binary`` asks for results in binary form (bytea as is)."""
        return self.raw.execute(_placeholders(sql), tuple(params), binary=binary)

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        with self.raw.transaction():
            yield self

    def close(self) -> None:
        if self.raw is not None:
            self._pool.putconn(self.raw)
            self.raw = None

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def is_database_error(exc: BaseException) -> bool:
    """Whether ``exc`` came from the PostgreSQL driver or its pool."""
    return type(exc).__module__.split(".")[0] in ("psycopg", "psycopg_pool")


def _unavailable(url: str, exc: BaseException) -> DatabaseUnavailable:
    return DatabaseUnavailable(redacted(url), type(exc).__name__)


def _configure(conn) -> None:
    """Every pooled connection: rows like sqlite3's, JSON read as its text, UTC."""
    from psycopg.types.string import TextLoader

    conn.row_factory = _row_factory
    for json_type in ("json", "jsonb"):
        conn.adapters.register_loader(json_type, TextLoader)
    conn.execute("SET TIME ZONE 'UTC'")


_POOLS: dict[tuple[int, str], Any] = {}
_POOLS_LOCK = threading.Lock()


def _pool(url: str):
    """This process's pool for ``url`` (a forked child makes its own)."""
    key = (os.getpid(), url)
    with _POOLS_LOCK:
        found = _POOLS.get(key)
        if found is None:
            from psycopg_pool import ConnectionPool

            found = ConnectionPool(
                url, min_size=1, max_size=POOL_MAX, timeout=POOL_TIMEOUT_S, open=True,
                kwargs={"autocommit": True, "application_name": "dasbor"},
                configure=_configure, check=ConnectionPool.check_connection, name="dasbor")
            _POOLS[key] = found
    return found


def close_pools(url: str | None = None) -> None:
    """Close this process's connections (to ``url``, or to every database): tests, a process about to end."""
    with _POOLS_LOCK:
        mine = [key for key in _POOLS if key[0] == os.getpid() and url in (None, key[1])]
        pools = [_POOLS.pop(key) for key in mine]
    for pool in pools:
        pool.close(timeout=1)


@dataclass(frozen=True)
class Schema:
    """A module's PostgreSQL tables: their names, and the script that creates them when one is missing."""

    tables: tuple[str, ...]
    sql: str
    grants: str = ""  # what the application's role needs, "{role}" standing for it (``grant``)


_READY: set[tuple[int, str, Schema]] = set()


def connect(url: str | None = None, schema: Schema | None = None) -> Database:
    """A pooled connection to ``url`` (default: DASBOR_DATABASE_URL) on which ``schema``'s tables exist.

    The script runs once per process and only while a table is missing, under an
    advisory lock so that processes starting together do not race; a role that may
    not create tables (see ``grant``) therefore works once they exist.
    """
    url = url or database_url()
    if url is None:
        raise ValueError("DASBOR_DATABASE_URL tidak diisi.")
    db = Database(url)
    key = (os.getpid(), url, schema)
    if schema is not None and key not in _READY:
        try:
            if not _tables_exist(db, schema.tables):
                with db.raw.transaction():
                    db.raw.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_SCHEMA,))
                    db.raw.execute(schema.sql)
        except BaseException:
            db.close()
            raise
        _READY.add(key)
    return db


def _tables_exist(db: Database, tables: Sequence[str]) -> bool:
    (missing,) = db.raw.execute(
        "SELECT count(*) FILTER (WHERE to_regclass(name) IS NULL) FROM unnest(%s::text[]) AS name", (list(tables),)
    ).fetchone()
    return missing == 0


# --- installation secrets -----------------------------------------------------------
SECRETS_SCHEMA = Schema(("installation_secrets",), """
CREATE TABLE IF NOT EXISTS installation_secrets (
    name        text PRIMARY KEY,
    value       bytea NOT NULL CHECK (length(value) >= 16),
    created_at  timestamptz NOT NULL DEFAULT now()
);
""", "GRANT SELECT, INSERT ON installation_secrets TO {role};")


def _checked_secret_name(name: str) -> str:
    if not _SECRET_NAME.fullmatch(name):
        raise ValueError(f"Nama rahasia {name!r} tidak sah: huruf kecil, angka, '_' atau '-'.")
    return name


def secret(name: str) -> bytes:
    """The installation's secret ``name``: 32 random bytes made once, then the same in every process.

    Embedded back end: the file ``secrets/<name>.key`` of the data folder (mode 0600,
    the layout ``lib.keys`` reads). PostgreSQL: a row of ``installation_secrets``. Either way the first process to
    ask creates it and every other one, at the same moment or later, gets that one.
    Never show, log or export it.
    """
    return secret_of(settings.data_dir(), name)


def secret_of(data_dir: Path, name: str) -> bytes:
    """The secret ``name`` of the installation whose data folder is ``data_dir`` (see ``secret``)."""
    _checked_secret_name(name)
    url = database_url()
    return _database_secret(url, name) if url else _file_secret(Path(data_dir).resolve(), name)


@functools.lru_cache(maxsize=64)
def _database_secret(url: str, name: str) -> bytes:
    """Kept per process once read: a secret never changes, and keys are derived on every load."""
    with connect(url, SECRETS_SCHEMA) as db:
        db.execute("INSERT INTO installation_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                   (name, _secrets.token_bytes(SECRET_BYTES)))
        (value,) = db.execute("SELECT value FROM installation_secrets WHERE name = ?", (name,)).fetchone()
    return bytes(value)


def _file_secret(data_dir: Path, name: str) -> bytes:
    folder = data_dir / SECRETS_DIR
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{name}.key"
    if not path.exists():
        # Written whole under a private name, then linked into place: link() fails when
        # another process got there first, so nobody ever reads half a secret.
        temp = folder / f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, _secrets.token_bytes(SECRET_BYTES))
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(temp, path)
        except OSError as exc:
            if exc.errno != errno.EEXIST:
                raise
        finally:
            temp.unlink(missing_ok=True)
        dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    value = path.read_bytes()
    if len(value) < MIN_SECRET_BYTES:
        # Making a new one would silently change every key derived from it.
        raise RuntimeError(f"Berkas rahasia {path} rusak (hanya {len(value)} bita). Pulihkan dari cadangan.")
    return value


# --- command line ---------------------------------------------------------------------
def schemas() -> list[Schema]:
    """Every module's PostgreSQL tables, in an order that satisfies their references."""
    from lib import accounts, audit, store

    return [store.POSTGRES_SCHEMA, accounts.POSTGRES_SCHEMA, audit.POSTGRES_SCHEMA, SECRETS_SCHEMA]


def grant(url: str, role: str) -> None:
    """Create every table (as the owner connecting with ``url``) and let ``role`` use them, no more.

    The dashboards then connect as ``role``: it may read and append, change
    accounts and sessions, but never update or delete an audit row or a stored
    version, nor change a table, a trigger or a privilege.
    """
    from psycopg import sql

    with connect(url) as db:
        for schema in schemas():
            connect(url, schema).close()
            if schema.grants:
                db.raw.execute(sql.SQL(schema.grants).format(role=sql.Identifier(role)))


def main(argv: list[str] | None = None) -> int:
    """Run the database command line (``--lang id|en``); returns the exit status."""
    from lib.texts import add_language_option, command_language, command_parser, text  # lib.texts pulls in pandas

    lang = command_language(argv)
    parser = command_parser(lang, prog="python -m lib.backend", description=text("backend_cli", lang),
                                     epilog=text("backend_cli_epilog", lang))
    add_language_option(parser, lang)
    parser.add_argument("command", choices=["init"], help=text("backend_cli_init", lang))
    parser.add_argument("--app-role", metavar=text("backend_cli_role", lang), help=text("backend_cli_app_role", lang))
    args = parser.parse_args(argv)
    lang = args.lang
    url = database_url()
    if url is None:
        print(text("backend_cli_no_url", lang), file=sys.stderr)
        return 2
    try:
        if args.app_role:
            grant(url, args.app_role)
        else:
            for schema in schemas():
                connect(url, schema).close()
    except DatabaseUnavailable as exc:
        print(exc.message(lang), file=sys.stderr)
        return 1
    if args.app_role:
        print(text("backend_cli_ready_role", lang, url=redacted(url), role=args.app_role))
    else:
        print(text("backend_cli_ready", lang, url=redacted(url)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
