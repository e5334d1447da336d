"""The dashboard's own accounts: Argon2id password hashes, roles, village limits, lockout, sessions.

Accounts live in SQLite (``accounts.sqlite3`` in the data folder), or in the
PostgreSQL database of ``DASBOR_DATABASE_URL`` (``lib.backend``), where every
dashboard process shares them and their lockout. The functions below take the
connection ``open_accounts()`` gives, of either kind. A password is never
stored, logged or printed; only its Argon2id hash is kept. After
``MAX_FAILURES`` wrong passwords in a row an account is locked, first for
``FIRST_LOCK`` and twice as long after each further run of failures; the
count is updated in one write transaction, so failures through several
processes at once are all counted. Every change is recorded in the audit log
when one is given.

A refused login reveals nothing: whether the name is unknown, the password
wrong or the account locked, the same full Argon2id verification is done (an
unknown name against a fixed dummy hash) and the same ``LoginRefused`` message
is given. Lockout is therefore not observable from outside, and an unknown
name needs no failure count of its own. Only the audit log says which it was.

Signed-in sessions (``new_session``, ``session_user``, ``revoke_session``) and
one-time sign-in codes are kept beside the accounts, as hashes only.

Command line (run ``python -m lib.accounts --help``)::

    python -m lib.accounts add budi --role viewer --village Pare --village Gurah
    python -m lib.accounts list | remove USER | set-password USER | unlock USER
    python -m lib.accounts set-villages USER [DESA ...]   # no village = all villages
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import functools
import getpass
import json
import os
import hashlib
import hmac
import re
import secrets
import sqlite3
import sys
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from lib import backend, settings
from lib.audit import ACCOUNT_CREATE, ACCOUNT_DELETE, ACCOUNT_UPDATE, LOGIN, LOGIN_FAILED, AuditLog, open_audit

ADMIN, VIEWER = "admin", "viewer"
ACCOUNT_ROLES = (ADMIN, VIEWER)
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # Argon2 hashes anything; this only bounds the work per attempt
MAX_FAILURES = 5
FIRST_LOCK = dt.timedelta(minutes=5)
LONGEST_LOCK = dt.timedelta(hours=24)
WRONG, LOCKED = "salah", "terkunci"  # reasons of a refusal, kept in the audit log only
CLI_ACTOR = "cli"
SIGN_IN_CODE_LIFETIME = dt.timedelta(minutes=1)
TOKEN_BYTES = 32
# Every refused login reads the same, whatever the reason.
REFUSAL_MESSAGE = (
    "Nama pengguna atau kata sandi salah, atau akun sementara terkunci karena terlalu banyak percobaan "
    "yang gagal. Periksa lalu coba lagi nanti, atau minta admin membuka kuncinya."
)

# Lower case, starting with a letter or digit: usernames appear in the audit CSV,
# where a leading '=', '+', '-' or '@' would be read as a formula.
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._@-]{2,63}")
_HASHER = PasswordHasher()  # Argon2id with the library's current recommended cost

_SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    username      TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'viewer')),
    villages      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(villages)),
    created_at    TEXT NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,  -- wrong passwords since the last success or lock
    lockouts      INTEGER NOT NULL DEFAULT 0,  -- locks since the last success; doubles the next lock
    locked_until  TEXT
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,  -- sha256 of the token; the token itself is never stored
    username   TEXT NOT NULL REFERENCES accounts (username) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX IF NOT EXISTS sessions_username ON sessions (username);
CREATE TABLE IF NOT EXISTS sign_in_codes (
    code_hash    TEXT PRIMARY KEY,
    username     TEXT NOT NULL REFERENCES accounts (username) ON DELETE CASCADE,
    browser_hash TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
"""

POSTGRES_SCHEMA = backend.Schema(("accounts", "sessions", "sign_in_codes"), """
CREATE TABLE IF NOT EXISTS accounts (
    username      text PRIMARY KEY,
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('admin', 'viewer')),
    villages      jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(villages) = 'array'),
    created_at    timestamptz NOT NULL,
    failed_logins integer NOT NULL DEFAULT 0,
    lockouts      integer NOT NULL DEFAULT 0,
    locked_until  timestamptz
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash text PRIMARY KEY,
    username   text NOT NULL REFERENCES accounts (username) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX IF NOT EXISTS sessions_username ON sessions (username);
CREATE TABLE IF NOT EXISTS sign_in_codes (
    code_hash    text PRIMARY KEY,
    username     text NOT NULL REFERENCES accounts (username) ON DELETE CASCADE,
    browser_hash text NOT NULL,
    expires_at   timestamptz NOT NULL
);
""", "GRANT SELECT, INSERT, UPDATE, DELETE ON accounts, sessions, sign_in_codes TO {role};")

Connection = sqlite3.Connection | backend.Database


class AccountError(ValueError):
    """An account cannot be created or changed: ``key`` names why (a message of ``lib.texts``), ``values`` fill it in.

    ``message(lang)`` says it in the reader's language; ``str()`` says it in Indonesian (the command line).
    """

    def __init__(self, key: str, **values: object):
        self.key, self.values = key, values
        super().__init__(self.message("id"))

    def message(self, lang: str = "id") -> str:
        """Why, in ``lang``."""
        from lib.texts import text  # here: lib.texts pulls in pandera, which signing in does without

        return text(self.key, lang, **self.values)


class LoginRefused(Exception):
    """A login was refused. It carries no reason: unknown name, wrong password and locked account read the same."""

    def __init__(self):
        super().__init__(REFUSAL_MESSAGE)


@dataclass(frozen=True)
class Account:
    """A user of the dashboard; ``villages`` empty means every village."""

    username: str
    role: str
    villages: tuple[str, ...]
    created_at: dt.datetime
    locked_until: dt.datetime | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    def can_see(self, village: str) -> bool:
        return self.is_admin or not self.villages or village in self.villages

    def allowed_villages(self, all_villages: Iterable[str]) -> tuple[str, ...]:
        """The villages of ``all_villages`` this account may see, in their order."""
        return tuple(v for v in all_villages if self.can_see(v))

    def is_locked(self, now: dt.datetime | None = None) -> bool:
        return self.locked_until is not None and self.locked_until > _utc(now)


# --- storage -----------------------------------------------------------------
def default_path() -> Path:
    return settings.data_dir() / "accounts.sqlite3"


def default_location() -> str | Path | None:
    """Where the accounts are kept: the database URL, else the accounts file, or None while that file is missing.

    Open demo mode creates no file, so None means there is no account.
    """
    url = backend.database_url()
    if url:
        return url
    path = default_path()
    return path if path.exists() else None


def open_accounts(path: Path | None = None) -> Connection:
    """A connection to the account store: ``path``, else the database of DASBOR_DATABASE_URL, else the data folder.

    SQLite files are made with mode 0600 in WAL mode; close the connection when done
    (a database connection goes back to its pool).
    """
    if path is None and (url := backend.database_url()):
        return backend.connect(url, POSTGRES_SCHEMA)
    path = Path(path) if path is not None else default_path()
    new = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    if new:
        os.chmod(path, 0o600)  # hashes are still worth guarding
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")  # a removed account takes its sessions with it
    conn.executescript(_SCHEMA)
    return conn


@contextmanager
def _transaction(conn: Connection) -> Iterator[Connection]:
    """Run the block as one write transaction, taking the accounts' write lock up front.

    SQLite: ``BEGIN IMMEDIATE``. PostgreSQL: a transaction holding an advisory lock,
    so that account changes from several processes follow one another as on SQLite
    (the last admin stays an admin, simultaneous failures are all counted).
    """
    if isinstance(conn, backend.Database):
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(?)", (backend.LOCK_ACCOUNTS,))
            yield conn
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _utc(moment: dt.datetime | None) -> dt.datetime:
    if moment is None:
        return dt.datetime.now(dt.timezone.utc)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc)


def _iso(moment: dt.datetime) -> str:
    return _utc(moment).isoformat(timespec="seconds")


def _moment(value: str | dt.datetime | None) -> dt.datetime | None:
    """A stored moment (ISO text in SQLite, timestamptz in PostgreSQL) as a UTC datetime."""
    if value is None or value == "":
        return None
    return _utc(value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value))


def _account(row) -> Account:
    return Account(
        username=row["username"],
        role=row["role"],
        villages=tuple(json.loads(row["villages"])),
        created_at=_moment(row["created_at"]),
        locked_until=_moment(row["locked_until"]),
    )


def _row(conn: Connection, username: str):
    return conn.execute("SELECT * FROM accounts WHERE username = ?", (username,)).fetchone()


def _existing_row(conn: Connection, username: str):
    row = _row(conn, normalised_username(username))
    if row is None:
        raise AccountError("account_unknown", name=username)
    return row


def _admin_count(conn: Connection) -> int:
    return conn.execute("SELECT count(*) FROM accounts WHERE role = 'admin'").fetchone()[0]


def _record(audit: AuditLog | None, actor: str, action: str, **detail) -> None:
    if audit is not None:
        audit.record(actor, action, **detail)


# --- rules -------------------------------------------------------------------
def normalised_username(username: str) -> str:
    """The stored form of a username: trimmed, lower case."""
    return str(username).strip().lower()


def checked_username(username: str) -> str:
    """The normalised username, or AccountError when it breaks the naming rule."""
    name = normalised_username(username)
    if not _USERNAME.fullmatch(name):
        raise AccountError("account_bad_name")
    return name


def checked_password(password: str, username: str = "") -> str:
    """The password unchanged, or AccountError when it is too short, too long or the username."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("account_password_short", n=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError("account_password_long", n=MAX_PASSWORD_LENGTH)
    if username and password.strip().lower() == normalised_username(username):
        raise AccountError("account_password_is_name")
    return password


def checked_role(role: str) -> str:
    if role not in ACCOUNT_ROLES:
        raise AccountError("account_role_unknown", role=role)
    return role


def checked_villages(villages: Iterable[str], known: Iterable[str] | None = None) -> tuple[str, ...]:
    """Villages trimmed and deduplicated in order; with ``known``, each must be one of them (nearest name suggested)."""
    chosen = tuple(dict.fromkeys(str(v).strip() for v in villages if str(v).strip()))
    if known is not None:
        known = tuple(known)
        for village in chosen:
            if village not in known:
                nearest = difflib.get_close_matches(village, known, n=1, cutoff=0.5)
                if nearest:
                    raise AccountError("account_village_near", village=village, nearest=nearest[0])
                raise AccountError("account_village_choices", village=village, choices=", ".join(known))
    return chosen


def _checked_scope(role: str, villages: Iterable[str]) -> tuple[str, ...]:
    villages = checked_villages(villages)
    if checked_role(role) == ADMIN and villages:
        raise AccountError("account_admin_unlimited")
    return villages


# --- queries -----------------------------------------------------------------
def has_accounts(conn: Connection) -> bool:
    """Whether any account exists (without one the dashboard runs in demo mode)."""
    return conn.execute("SELECT EXISTS (SELECT 1 FROM accounts)").fetchone()[0] == 1


def list_accounts(conn: Connection) -> list[Account]:
    """Every account, by username."""
    return [_account(r) for r in conn.execute("SELECT * FROM accounts ORDER BY username")]


def account_named(conn: Connection, username: str) -> Account | None:
    """The account called ``username``, or None."""
    row = _row(conn, normalised_username(username))
    return _account(row) if row is not None else None


# --- changes -----------------------------------------------------------------
def create_account(
    conn: Connection,
    username: str,
    password: str,
    role: str,
    villages: Iterable[str] = (),
    *,
    actor: str,
    audit: AuditLog | None = None,
    now: dt.datetime | None = None,
) -> Account:
    """A new account with a hashed password; the first account must be an admin."""
    name = checked_username(username)
    checked_password(password, name)
    villages = _checked_scope(role, villages)
    hashed = _HASHER.hash(password)
    with _transaction(conn):
        if _row(conn, name) is not None:
            raise AccountError("account_exists", name=name)
        if role != ADMIN and not has_accounts(conn):
            raise AccountError("account_first_admin")
        conn.execute(
            "INSERT INTO accounts (username, password_hash, role, villages, created_at) VALUES (?, ?, ?, ?, ?)",
            (name, hashed, role, json.dumps(villages, ensure_ascii=False), _iso(_utc(now))),
        )
    _record(audit, actor, ACCOUNT_CREATE, username=name, role=role, villages=list(villages))
    return account_named(conn, name)


def set_password(
    conn: Connection, username: str, password: str, *, actor: str, audit: AuditLog | None = None
) -> Account:
    """The account with a new password hash; a lock and failure count are cleared too."""
    name = _existing_row(conn, username)["username"]
    hashed = _HASHER.hash(checked_password(password, name))
    with _transaction(conn):
        conn.execute(
            "UPDATE accounts SET password_hash = ?, failed_logins = 0, lockouts = 0, locked_until = NULL "
            "WHERE username = ?",
            (hashed, name),
        )
        revoke_user_sessions(conn, name)  # whoever knew the old password is signed out everywhere
    _record(audit, actor, ACCOUNT_UPDATE, username=name, change="password")
    return account_named(conn, name)


def set_role_and_villages(
    conn: Connection,
    username: str,
    role: str,
    villages: Iterable[str] = (),
    *,
    actor: str,
    audit: AuditLog | None = None,
) -> Account:
    """The account with a new role and village limit (empty = all villages)."""
    villages = _checked_scope(role, villages)
    with _transaction(conn):
        row = _existing_row(conn, username)
        if row["role"] == ADMIN and role != ADMIN and _admin_count(conn) == 1:
            raise AccountError("account_last_admin_role")
        conn.execute(
            "UPDATE accounts SET role = ?, villages = ? WHERE username = ?",
            (role, json.dumps(villages, ensure_ascii=False), row["username"]),
        )
    _record(audit, actor, ACCOUNT_UPDATE, username=row["username"], role=role, villages=list(villages))
    return account_named(conn, row["username"])


def unlock_account(conn: Connection, username: str, *, actor: str, audit: AuditLog | None = None) -> Account:
    """The account with its lock and failure count cleared."""
    with _transaction(conn):
        name = _existing_row(conn, username)["username"]
        conn.execute(
            "UPDATE accounts SET failed_logins = 0, lockouts = 0, locked_until = NULL WHERE username = ?", (name,)
        )
    _record(audit, actor, ACCOUNT_UPDATE, username=name, change="unlock")
    return account_named(conn, name)


def delete_account(conn: Connection, username: str, *, actor: str, audit: AuditLog | None = None) -> None:
    """Remove an account; the last admin cannot be removed."""
    with _transaction(conn):
        row = _existing_row(conn, username)
        if row["role"] == ADMIN and _admin_count(conn) == 1:
            raise AccountError("account_last_admin_delete")
        conn.execute("DELETE FROM accounts WHERE username = ?", (row["username"],))
    _record(audit, actor, ACCOUNT_DELETE, username=row["username"])


# --- login -------------------------------------------------------------------
@functools.cache
def _dummy_hash() -> str:
    """A hash of a random secret, so an unknown username costs one full verification too."""
    return _HASHER.hash(secrets.token_urlsafe(24))


def _verified(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def lock_duration(lockouts: int) -> dt.timedelta:
    """How long the account is locked after its ``lockouts``-th earlier lock (0 = first)."""
    return min(FIRST_LOCK * 2 ** min(lockouts, 20), LONGEST_LOCK)


def authenticate(
    conn: Connection,
    username: str,
    password: str,
    now: dt.datetime | None = None,
    audit: AuditLog | None = None,
) -> Account:
    """The account whose password this is; otherwise raises LoginRefused (and counts the failure).

    The password is verified first, whatever follows: against the account's hash,
    or a dummy hash of the same cost for an unknown name. Every refusal is the same
    ``LoginRefused``; the audit log records why (unknown name, wrong, locked).
    """
    now = _utc(now)
    name = normalised_username(username)
    row = _row(conn, name)
    right = _verified(row["password_hash"] if row is not None else _dummy_hash(), password)
    if row is None:
        # The typed name is not logged: people sometimes type their password into it.
        _record(audit, None, LOGIN_FAILED, reason=WRONG, known_user=False)
        raise LoginRefused()

    locked_until = _moment(row["locked_until"])
    if locked_until is not None and locked_until > now:
        # Even the right password; and a locked account counts no further failures.
        _record(audit, name, LOGIN_FAILED, reason=LOCKED, locked_until=_iso(locked_until))
        raise LoginRefused()

    if right:
        # Upgrade the hash when the library's recommended cost has grown.
        new_hash = _HASHER.hash(password) if _HASHER.check_needs_rehash(row["password_hash"]) else row["password_hash"]
        with _transaction(conn):
            conn.execute(
                "UPDATE accounts SET password_hash = ?, failed_logins = 0, lockouts = 0, locked_until = NULL "
                "WHERE username = ?",
                (new_hash, name),
            )
        _record(audit, name, LOGIN)
        return account_named(conn, name)

    with _transaction(conn):
        # One increment in the write transaction: failures through several processes at once all
        # count, and one that arrives after another process locked the account does not.
        counted = conn.execute(
            "UPDATE accounts SET failed_logins = failed_logins + 1 "
            "WHERE username = ? AND (locked_until IS NULL OR locked_until <= ?) "
            "RETURNING failed_logins, lockouts",
            (name, _iso(now)),
        ).fetchone()
        until = None
        if counted is not None and counted[0] >= MAX_FAILURES:
            until = now + lock_duration(counted[1])
            conn.execute(
                "UPDATE accounts SET failed_logins = 0, lockouts = lockouts + 1, locked_until = ? WHERE username = ?",
                (_iso(until), name),
            )
    if until is None:
        _record(audit, name, LOGIN_FAILED, reason=WRONG)
    else:
        _record(audit, name, LOGIN_FAILED, reason=WRONG, locked_until=_iso(until))
    raise LoginRefused()


# --- sessions -------------------------------------------------------------------
# A signed-in browser holds a random token (and, for one minute, a one-time sign-in
# code that it redeems for one); only their SHA-256 is stored. Both are 256 random
# bits, so a plain hash cannot be reversed by guessing.
def digest(secret: str) -> str:
    """The SHA-256 of a token, code or browser cookie, as stored: 64 hex digits."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _remove_expired(conn: Connection, now: dt.datetime) -> None:
    """Forget sessions and codes that can no longer be used."""
    conn.execute("DELETE FROM sessions WHERE expires_at <= ?", (_iso(now),))
    conn.execute("DELETE FROM sign_in_codes WHERE expires_at <= ?", (_iso(now),))


def new_session(conn: Connection, username: str, hours: float, now: dt.datetime | None = None) -> str:
    """A new session token for the account ``username``, valid ``hours`` from ``now``; only its hash is stored."""
    if hours <= 0:
        raise ValueError("Sesi harus berlaku sejumlah jam yang positif.")
    now = _utc(now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with _transaction(conn):
        name = _existing_row(conn, username)["username"]
        _remove_expired(conn, now)
        conn.execute(
            "INSERT INTO sessions (token_hash, username, created_at, expires_at) VALUES (?, ?, ?, ?)",
            (digest(token), name, _iso(now), _iso(now + dt.timedelta(hours=hours))),
        )
    return token


def session_user(conn: Connection, token: str | None, now: dt.datetime | None = None) -> str | None:
    """The username whose live session ``token`` is; None when unknown, expired, revoked or its account is gone."""
    if not token:
        return None
    row = conn.execute(
        "SELECT s.username FROM sessions AS s JOIN accounts AS a ON a.username = s.username "
        "WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ?",
        (digest(token), _iso(_utc(now))),
    ).fetchone()
    return row[0] if row is not None else None


def revoke_session(conn: Connection, token: str | None, now: dt.datetime | None = None) -> bool:
    """End the session of ``token`` (sign-out); whether a live session was ended."""
    if not token:
        return False
    done = conn.execute(
        "UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
        (_iso(_utc(now)), digest(token)),
    )
    return done.rowcount == 1


def revoke_user_sessions(conn: Connection, username: str, now: dt.datetime | None = None) -> int:
    """End every session of ``username`` (a new password, a removed account); how many were ended."""
    done = conn.execute(
        "UPDATE sessions SET revoked_at = ? WHERE username = ? AND revoked_at IS NULL",
        (_iso(_utc(now)), normalised_username(username)),
    )
    return done.rowcount


def new_sign_in_code(conn: Connection, username: str, browser: str, now: dt.datetime | None = None) -> str:
    """A one-time code that signs ``username`` in, within a minute, in the browser whose cookie is ``browser``."""
    if not browser:
        raise ValueError("Kode masuk milik satu peramban: kukinya tidak ada.")
    now = _utc(now)
    code = secrets.token_urlsafe(TOKEN_BYTES)
    with _transaction(conn):
        name = _existing_row(conn, username)["username"]
        _remove_expired(conn, now)
        conn.execute(
            "INSERT INTO sign_in_codes (code_hash, username, browser_hash, expires_at) VALUES (?, ?, ?, ?)",
            (digest(code), name, digest(browser), _iso(now + SIGN_IN_CODE_LIFETIME)),
        )
    return code


def redeem_sign_in_code(
    conn: Connection, code: str | None, browser: str | None, now: dt.datetime | None = None
) -> str | None:
    """The username ``code`` signs in, used up now; None when unknown, used, expired or made for another browser."""
    if not code or not browser:
        return None
    # One statement takes the code out and reads it, so two redemptions at once cannot both succeed.
    row = conn.execute(
        "DELETE FROM sign_in_codes WHERE code_hash = ? RETURNING username, browser_hash, expires_at",
        (digest(code),),
    ).fetchone()
    if row is None or _moment(row[2]) <= _utc(now) or not hmac.compare_digest(row[1], digest(browser)):
        return None
    return row[0]


# --- command line --------------------------------------------------------------
def _password_from_user(args: argparse.Namespace) -> str:
    if args.password_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(_say("accounts_cli_new_password", args.lang))
    if getpass.getpass(_say("accounts_cli_repeat_password", args.lang)) != first:
        raise AccountError("akun_mismatch")
    return first


def _known_villages(chosen: list[str], reference: Path | None) -> tuple[str, ...] | None:
    """The villages of the reference data, to check ``chosen`` against; None when none is chosen (nothing to check)."""
    if not chosen:
        return None
    from lib.schema import load_reference  # imported here: it pulls in pandas and pandera

    return load_reference(reference or settings.data_dir() / "reference.toml").villages


def _say(key: str, lang: str, **values: object) -> str:
    from lib.texts import text  # imported here: it pulls in pandas and pandera, which signing in does without

    return text(key, lang, **values)


def _describe(account: Account, now: dt.datetime, lang: str = "id") -> str:
    scope = ", ".join(account.villages) if account.villages else _say("accounts_cli_every_village", lang)
    locked = f"{account.locked_until:%Y-%m-%d %H:%M}" if account.is_locked(now) else ""
    state = "  " + _say("accounts_cli_locked", lang, moment=locked) if locked else ""
    return f"{account.username:<20} {account.role:<7} {scope}{state}"


def _parser(lang: str) -> argparse.ArgumentParser:
    from lib.texts import add_language_option, command_parser

    def say(key: str) -> str:
        return _say(key, lang)

    parser = command_parser(lang, prog="python -m lib.accounts", description=say("accounts_cli"))
    add_language_option(parser, lang)
    parser.add_argument("--db", type=Path, help=say("accounts_cli_db"))
    parser.add_argument("--audit", type=Path, help=say("accounts_cli_audit"))
    parser.add_argument("--reference", type=Path, help=say("accounts_cli_reference"))
    parser.add_argument("--actor", default=CLI_ACTOR, help=say("accounts_cli_actor"))
    commands = parser.add_subparsers(dest="command", required=True)

    add = commands.add_parser("add", help=say("accounts_cli_add"))
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=ACCOUNT_ROLES)
    add.add_argument("--village", action="append", default=[], help=say("accounts_cli_village"))
    add.add_argument("--password-stdin", action="store_true", help=say("accounts_cli_password_stdin"))

    commands.add_parser("list", help=say("accounts_cli_list"))
    commands.add_parser("remove", help=say("accounts_cli_remove")).add_argument("username")

    set_pw = commands.add_parser("set-password", help=say("accounts_cli_set_password"))
    set_pw.add_argument("username")
    set_pw.add_argument("--password-stdin", action="store_true", help=say("accounts_cli_password_stdin"))

    set_villages = commands.add_parser("set-villages", help=say("accounts_cli_set_villages"))
    set_villages.add_argument("username")
    set_villages.add_argument("villages", nargs="*")

    commands.add_parser("unlock", help=say("accounts_cli_unlock")).add_argument("username")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the account command line (``--lang id|en``); returns the exit status."""
    from lib.texts import command_language

    args = _parser(command_language(argv)).parse_args(argv)
    lang = args.lang
    now = _utc(None)
    try:
        with closing(open_accounts(args.db)) as conn:
            audit = open_audit(args.audit)
            actor = args.actor
            if args.command == "add":
                villages = checked_villages(args.village, _known_villages(args.village, args.reference))
                done = create_account(
                    conn, args.username, _password_from_user(args), args.role, villages, actor=actor, audit=audit
                )
                print(_say("accounts_cli_created", lang, account=_describe(done, now, lang)))
            elif args.command == "list":
                for account in list_accounts(conn):
                    print(_describe(account, now, lang))
            elif args.command == "remove":
                delete_account(conn, args.username, actor=actor, audit=audit)
                print(_say("accounts_cli_removed", lang, name=normalised_username(args.username)))
            elif args.command == "set-password":
                done = set_password(conn, args.username, _password_from_user(args), actor=actor, audit=audit)
                print(_say("accounts_cli_password_set", lang, name=done.username))
            elif args.command == "set-villages":
                current = _account(_existing_row(conn, args.username))
                villages = checked_villages(args.villages, _known_villages(args.villages, args.reference))
                done = set_role_and_villages(conn, current.username, current.role, villages, actor=actor, audit=audit)
                print(_say("accounts_cli_villages_set", lang, account=_describe(done, now, lang)))
            elif args.command == "unlock":
                done = unlock_account(conn, args.username, actor=actor, audit=audit)
                print(_say("accounts_cli_unlocked", lang, name=done.username))
    except (AccountError, ValueError) as exc:
        error = exc.message(lang) if isinstance(exc, AccountError) else str(exc)
        print(_say("cli_failed", lang, error=error), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
