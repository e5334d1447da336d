"""The audit log: who logged in, downloaded, imported or changed an account, and when.

One SQLite row per event (``audit.sqlite3`` in the data folder), or one row of
``audit_events`` in the PostgreSQL database of ``DASBOR_DATABASE_URL``, which
every dashboard process writes. The log is append-only from the application:
triggers abort every UPDATE and DELETE (and, in PostgreSQL, TRUNCATE), and in
PostgreSQL those privileges are revoked too. Each event is its own committed
transaction (SQLite: WAL mode with ``synchronous=FULL``; PostgreSQL: a commit is
durable), so an event that was recorded survives a crash or power cut. Several
processes may append at the same time.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

from lib import backend, settings

if TYPE_CHECKING:  # pandas is imported where a frame is made: the account command line starts without it
    import pandas as pd

ANONYMOUS = "anonim"

LOGIN = "login"
LOGIN_FAILED = "login_failed"
LOGOUT = "logout"
DOWNLOAD = "download"
IMPORT = "import"
ROLLBACK = "rollback"
EXPORT = "export"
BACKUP = "backup"
RESTORE = "restore"
SETTINGS_CHANGE = "settings_change"
ACCOUNT_CREATE = "account_create"
ACCOUNT_UPDATE = "account_update"
ACCOUNT_DELETE = "account_delete"
ACTIONS = (
    LOGIN, LOGIN_FAILED, LOGOUT, DOWNLOAD, IMPORT, ROLLBACK, EXPORT, BACKUP, RESTORE,
    SETTINGS_CHANGE, ACCOUNT_CREATE, ACCOUNT_UPDATE, ACCOUNT_DELETE,
)

# A detail key that looks like a secret is refused outright: the log is read by
# people, exported to CSV and kept forever.
_SECRET_WORDS = ("password", "sandi", "secret", "rahasia")

# The detail key of a download's filters (``lib.downloads.filters_detail``).
FILTERS = "filters"

# Columns of the frame returned by AuditLog.events.
AT, ACTOR, ACTION, DETAIL = "at", "actor", "action", "detail"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    at     TEXT NOT NULL,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail))
);
CREATE INDEX IF NOT EXISTS events_at ON events (at);
CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'Log audit hanya dapat ditambah, tidak dapat diubah.'); END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'Log audit hanya dapat ditambah, tidak dapat dihapus.'); END;
"""

POSTGRES_SCHEMA = backend.Schema(("audit_events",), """
CREATE TABLE IF NOT EXISTS audit_events (
    id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at     timestamptz NOT NULL,
    actor  text NOT NULL,
    action text NOT NULL,
    detail json NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS audit_events_at ON audit_events (at);
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'Log audit hanya dapat ditambah, tidak dapat diubah atau dihapus.'
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE OR REPLACE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE OR REPLACE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
-- Not even the owner that created it (and each process connecting as it) may change a row.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM PUBLIC, CURRENT_USER;
""", "GRANT SELECT, INSERT ON audit_events TO {role};")


def default_path() -> Path:
    return settings.data_dir() / "audit.sqlite3"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def iso_utc(moment: dt.datetime) -> str:
    """``moment`` as UTC ISO text with seconds, e.g. 2024-05-01T03:00:00+00:00 (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


def connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode that waits for other writers and syncs every commit."""
    new = not Path(path).exists()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    if new:
        # Only the service account may read who did what.
        os.chmod(path, 0o600)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    return conn


class AuditLog:
    """An append-only event log in one SQLite file (``path``) or a PostgreSQL database (``url``); open it
    with ``open_audit``."""

    def __init__(self, path: Path | None, clock: Callable[[], dt.datetime] = utc_now, url: str | None = None):
        if (path is None) == (url is None):
            raise ValueError("An audit log is either a file (path) or a database (url).")
        self.path = Path(path) if path is not None else None
        self.url = url
        self.clock = clock

    def _connect(self):
        """A connection for one event or one query: a fresh SQLite one, or one from the pool."""
        return backend.connect(self.url, POSTGRES_SCHEMA) if self.url else connect(self.path)

    def __repr__(self) -> str:
        return f"AuditLog({backend.redacted(self.url) if self.url else str(self.path)!r})"

    def record(self, actor: str | None, action: str, **detail) -> None:
        """Append one event, committed before returning."""
        if action not in ACTIONS:
            raise ValueError(f"Aksi audit tidak dikenal: {action!r}. Pilihan: {', '.join(ACTIONS)}.")
        secret = [k for k in detail if any(word in k.lower() for word in _SECRET_WORDS)]
        if secret:
            raise ValueError(f"Rincian audit tidak boleh memuat rahasia: {', '.join(secret)}.")
        text = json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
        # A connection per event: safe from any thread or process, and the
        # single INSERT in autocommit mode is its own durable transaction.
        with closing(self._connect()) as conn:
            conn.execute(
                f"INSERT INTO {self._table} (at, actor, action, detail) VALUES (?, ?, ?, ?)",
                (iso_utc(self.clock()), actor or ANONYMOUS, action, text),
            )

    @property
    def _table(self) -> str:
        return "audit_events" if self.url else "events"

    def events(
        self,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        actor: str | None = None,
        action: str | None = None,
        limit: int | None = None,
    ) -> pd.DataFrame:
        """Events newest first, ``since`` inclusive, ``until`` exclusive: columns at (UTC), actor, action, detail (JSON)."""
        where, params = [], []
        if since is not None:
            where.append("at >= ?")
            params.append(iso_utc(since))
        if until is not None:
            where.append("at < ?")
            params.append(iso_utc(until))
        if actor is not None:
            where.append("actor = ?")
            params.append(actor)
        if action is not None:
            where.append("action = ?")
            params.append(action)
        sql = f"SELECT at, actor, action, detail FROM {self._table}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        with closing(self._connect()) as conn:
            rows = [(iso_utc(at) if isinstance(at, dt.datetime) else at, *rest)
                    for at, *rest in conn.execute(sql, params).fetchall()]
        import pandas as pd

        frame = pd.DataFrame(rows, columns=[AT, ACTOR, ACTION, DETAIL])
        return frame.assign(
            **{
                AT: pd.to_datetime(frame[AT], utc=True, format="ISO8601").astype("datetime64[ns, UTC]"),
                ACTOR: frame[ACTOR].astype("string"),
                ACTION: frame[ACTION].astype("string"),
                DETAIL: frame[DETAIL].astype("string"),
            }
        )


def open_audit(path: Path | None = None, clock: Callable[[], dt.datetime] = utc_now) -> AuditLog:
    """The audit log at ``path``, else in the database of DASBOR_DATABASE_URL, else data folder / audit.sqlite3;
    created if missing."""
    if path is None and (url := backend.database_url()):
        backend.connect(url, POSTGRES_SCHEMA).close()
        return AuditLog(None, clock, url=url)
    path = Path(path) if path is not None else default_path()
    with closing(connect(path)) as conn:
        conn.executescript(_SCHEMA)
    return AuditLog(path, clock)


def audit_download_frame(events: pd.DataFrame, lang: str = "id") -> pd.DataFrame:
    """Events as text for the Audit page and its downloads: columns Waktu (UTC), Pengguna, Aksi, Rincian.

    In English (``lang="en"``) the columns are Time (UTC), User, Action, Details, and the log's own words in
    the user and the details (``anonim``, a refusal's reason ``salah``, ...) are English too (``detail_in``);
    the actions are their codes (``login``) in both.
    """
    import pandas as pd

    frame = pd.DataFrame(
        {
            "Waktu (UTC)": events[AT].dt.strftime("%Y-%m-%d %H:%M:%S"),
            "Pengguna": events[ACTOR],
            "Aksi": events[ACTION],
            "Rincian": events[DETAIL],
        }
    ).reset_index(drop=True)
    if lang == "id":
        return frame
    from lib.texts import admin_word, audit_word  # here: lib.texts pulls in pandera, which accounts do without

    return frame.assign(
        Pengguna=frame["Pengguna"].map(lambda actor: audit_word(actor, lang), na_action="ignore"),
        Rincian=frame["Rincian"].map(lambda detail: detail_in(detail, lang), na_action="ignore"),
    ).rename(columns=lambda column: admin_word(column, lang))


def detail_in(detail: str, lang: str = "id") -> str:
    """An event's detail (JSON) with the words the log itself writes in ``lang``, its structure unchanged.

    ``{"known_user": false, "reason": "salah"}`` -> ``{"known_user": false, "reason": "wrong"}`` (en). Only
    whole keys and values the dashboard records are worded (``lib.texts.AUDIT_WORDS_EN``), and a download's
    filters, kept as query parameters, by the filters' names (``{"desa": "Pare"}`` -> ``{"Village": "Pare"}``);
    what a user named (a file, a figure's title as it was shown) and older free-text details stay as recorded.
    """
    if lang == "id":
        return detail
    # here: lib.texts and lib.filters pull in pandera, which accounts do without
    from lib.filters import spec_of_param
    from lib.texts import audit_word, value_label

    def filter_worded(key: str, choice: object) -> tuple[str, object]:
        spec = spec_of_param(key)
        if spec is None:
            return audit_word(key, lang), worded(choice)
        return spec.label(lang), value_label(choice, lang) if isinstance(choice, str) else choice

    def worded(value: object, key: str | None = None) -> object:
        if isinstance(value, dict) and key == FILTERS:
            return dict(filter_worded(str(k), item) for k, item in value.items())
        if isinstance(value, dict):
            return {audit_word(k, lang): worded(item, k) for k, item in value.items()}
        if isinstance(value, list):
            return [worded(item) for item in value]
        return audit_word(value, lang) if isinstance(value, str) else value

    try:
        parsed = json.loads(detail)
    except ValueError:
        return detail
    return json.dumps(worded(parsed), ensure_ascii=False, sort_keys=True, default=str)
