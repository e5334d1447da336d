"""The dashboard's own accounts: Argon2id password hashes, roles, village limits, lockout.

Accounts live in SQLite (``accounts.sqlite3`` in the data folder). A password
is never stored, logged or printed; only its Argon2id hash is kept. After
``MAX_FAILURES`` wrong passwords in a row an account is locked, first for
``FIRST_LOCK`` and twice as long after each further run of failures. Every
change is recorded in the audit log when one is given.

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

from lib import settings
from lib.audit import ACCOUNT_CREATE, ACCOUNT_DELETE, ACCOUNT_UPDATE, LOGIN, LOGIN_FAILED, AuditLog, open_audit

ADMIN, VIEWER = "admin", "viewer"
ACCOUNT_ROLES = (ADMIN, VIEWER)
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # Argon2 hashes anything; this only bounds the work per attempt
MAX_FAILURES = 5
FIRST_LOCK = dt.timedelta(minutes=5)
LONGEST_LOCK = dt.timedelta(hours=24)
WRONG, LOCKED = "salah", "terkunci"
CLI_ACTOR = "cli"

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
"""


class AccountError(ValueError):
    """An account cannot be created or changed; the message says why, in Indonesian."""


class LoginRefused(Exception):
    """A login was refused: ``reason`` is "salah" (wrong name or password) or "terkunci" (locked until ``until``)."""

    def __init__(self, reason: str, until: dt.datetime | None = None):
        self.reason = reason
        self.until = until
        if reason == LOCKED:
            message = (
                "Terlalu banyak percobaan masuk yang gagal. Akun terkunci sampai "
                f"{until:%Y-%m-%d %H:%M} UTC; coba lagi nanti atau minta admin membukanya."
            )
        else:
            message = "Nama pengguna atau kata sandi salah."
        super().__init__(message)


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


def open_accounts(path: Path | None = None) -> sqlite3.Connection:
    """A connection to the account store at ``path`` (default: data folder), schema created, WAL mode."""
    path = Path(path) if path is not None else default_path()
    new = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    if new:
        os.chmod(path, 0o600)  # hashes are still worth guarding
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.executescript(_SCHEMA)
    return conn


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Run the block as one write transaction, taking the write lock up front."""
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


def _account(row: sqlite3.Row) -> Account:
    return Account(
        username=row["username"],
        role=row["role"],
        villages=tuple(json.loads(row["villages"])),
        created_at=dt.datetime.fromisoformat(row["created_at"]),
        locked_until=dt.datetime.fromisoformat(row["locked_until"]) if row["locked_until"] else None,
    )


def _row(conn: sqlite3.Connection, username: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM accounts WHERE username = ?", (username,)).fetchone()


def _existing_row(conn: sqlite3.Connection, username: str) -> sqlite3.Row:
    row = _row(conn, normalised_username(username))
    if row is None:
        raise AccountError(f"Akun {username!r} tidak ada.")
    return row


def _admin_count(conn: sqlite3.Connection) -> int:
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
        raise AccountError(
            "Nama pengguna harus 3 sampai 64 karakter: huruf kecil, angka, titik, garis bawah, "
            "@ atau tanda hubung, diawali huruf atau angka."
        )
    return name


def checked_password(password: str, username: str = "") -> str:
    """The password unchanged, or AccountError when it is too short, too long or the username."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Kata sandi terlalu pendek: minimal {MIN_PASSWORD_LENGTH} karakter.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"Kata sandi terlalu panjang: maksimal {MAX_PASSWORD_LENGTH} karakter.")
    if username and password.strip().lower() == normalised_username(username):
        raise AccountError("Kata sandi tidak boleh sama dengan nama pengguna.")
    return password


def checked_role(role: str) -> str:
    if role not in ACCOUNT_ROLES:
        raise AccountError(f"Peran {role!r} tidak dikenal; pilih 'admin' atau 'viewer'.")
    return role


def checked_villages(villages: Iterable[str], known: Iterable[str] | None = None) -> tuple[str, ...]:
    """Villages trimmed and deduplicated in order; with ``known``, each must be one of them (nearest name suggested)."""
    chosen = tuple(dict.fromkeys(str(v).strip() for v in villages if str(v).strip()))
    if known is not None:
        known = tuple(known)
        for village in chosen:
            if village not in known:
                nearest = difflib.get_close_matches(village, known, n=1, cutoff=0.5)
                hint = f" Maksud Anda {nearest[0]!r}?" if nearest else f" Pilihan: {', '.join(known)}."
                raise AccountError(f"Desa {village!r} tidak ada di data acuan.{hint}")
    return chosen


def _checked_scope(role: str, villages: Iterable[str]) -> tuple[str, ...]:
    villages = checked_villages(villages)
    if checked_role(role) == ADMIN and villages:
        raise AccountError("Admin selalu melihat semua desa; batas desa hanya untuk peran 'viewer'.")
    return villages


# --- queries -----------------------------------------------------------------
def has_accounts(conn: sqlite3.Connection) -> bool:
    """Whether any account exists (without one the dashboard runs in demo mode)."""
    return conn.execute("SELECT EXISTS (SELECT 1 FROM accounts)").fetchone()[0] == 1


def list_accounts(conn: sqlite3.Connection) -> list[Account]:
    """Every account, by username."""
    return [_account(r) for r in conn.execute("SELECT * FROM accounts ORDER BY username")]


def account_named(conn: sqlite3.Connection, username: str) -> Account | None:
    """The account called ``username``, or None."""
    row = _row(conn, normalised_username(username))
    return _account(row) if row is not None else None


# --- changes -----------------------------------------------------------------
def create_account(
    conn: sqlite3.Connection,
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
            raise AccountError(f"Akun {name!r} sudah ada.")
        if role != ADMIN and not has_accounts(conn):
            raise AccountError("Akun pertama harus admin, agar ada yang dapat mengelola akun dan data.")
        conn.execute(
            "INSERT INTO accounts (username, password_hash, role, villages, created_at) VALUES (?, ?, ?, ?, ?)",
            (name, hashed, role, json.dumps(villages, ensure_ascii=False), _iso(_utc(now))),
        )
    _record(audit, actor, ACCOUNT_CREATE, username=name, role=role, villages=list(villages))
    return account_named(conn, name)


def set_password(
    conn: sqlite3.Connection, username: str, password: str, *, actor: str, audit: AuditLog | None = None
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
    _record(audit, actor, ACCOUNT_UPDATE, username=name, change="password")
    return account_named(conn, name)


def set_role_and_villages(
    conn: sqlite3.Connection,
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
            raise AccountError("Ini admin terakhir; jadikan akun lain admin dahulu.")
        conn.execute(
            "UPDATE accounts SET role = ?, villages = ? WHERE username = ?",
            (role, json.dumps(villages, ensure_ascii=False), row["username"]),
        )
    _record(audit, actor, ACCOUNT_UPDATE, username=row["username"], role=role, villages=list(villages))
    return account_named(conn, row["username"])


def unlock_account(conn: sqlite3.Connection, username: str, *, actor: str, audit: AuditLog | None = None) -> Account:
    """The account with its lock and failure count cleared."""
    with _transaction(conn):
        name = _existing_row(conn, username)["username"]
        conn.execute(
            "UPDATE accounts SET failed_logins = 0, lockouts = 0, locked_until = NULL WHERE username = ?", (name,)
        )
    _record(audit, actor, ACCOUNT_UPDATE, username=name, change="unlock")
    return account_named(conn, name)


def delete_account(conn: sqlite3.Connection, username: str, *, actor: str, audit: AuditLog | None = None) -> None:
    """Remove an account; the last admin cannot be removed."""
    with _transaction(conn):
        row = _existing_row(conn, username)
        if row["role"] == ADMIN and _admin_count(conn) == 1:
            raise AccountError("Ini admin terakhir dan tidak dapat dihapus; buat admin lain dahulu.")
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
    conn: sqlite3.Connection,
    username: str,
    password: str,
    now: dt.datetime | None = None,
    audit: AuditLog | None = None,
) -> Account:
    """The account whose password this is; otherwise raises LoginRefused (and counts the failure)."""
    now = _utc(now)
    name = normalised_username(username)
    row = _row(conn, name)
    if row is None:
        _verified(_dummy_hash(), password)
        # The typed name is not logged: people sometimes type their password into it.
        _record(audit, None, LOGIN_FAILED, reason=WRONG, known_user=False)
        raise LoginRefused(WRONG)

    locked_until = _account(row).locked_until
    if locked_until is not None and locked_until > now:
        _record(audit, name, LOGIN_FAILED, reason=LOCKED, locked_until=_iso(locked_until))
        raise LoginRefused(LOCKED, locked_until)

    if _verified(row["password_hash"], password):
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
        # Re-read inside the write lock so simultaneous failures are all counted.
        failed, lockouts = conn.execute(
            "SELECT failed_logins, lockouts FROM accounts WHERE username = ?", (name,)
        ).fetchone()
        failed, until = failed + 1, None
        if failed >= MAX_FAILURES:
            until = now + lock_duration(lockouts)
            failed, lockouts = 0, lockouts + 1
        conn.execute(
            "UPDATE accounts SET failed_logins = ?, lockouts = ?, locked_until = coalesce(?, locked_until) "
            "WHERE username = ?",
            (failed, lockouts, _iso(until) if until else None, name),
        )
    if until is None:
        _record(audit, name, LOGIN_FAILED, reason=WRONG)
        raise LoginRefused(WRONG)
    _record(audit, name, LOGIN_FAILED, reason=WRONG, locked_until=_iso(until))
    raise LoginRefused(LOCKED, until)


# --- command line --------------------------------------------------------------
def _password_from_user(args: argparse.Namespace) -> str:
    if args.password_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Kata sandi baru: ")
    if getpass.getpass("Ulangi kata sandi: ") != first:
        raise AccountError("Kedua kata sandi tidak sama.")
    return first


def _known_villages(reference: Path | None) -> tuple[str, ...]:
    from lib.schema import load_reference  # imported here: it pulls in pandas and pandera

    return load_reference(reference or settings.data_dir() / "reference.toml").villages


def _describe(account: Account, now: dt.datetime) -> str:
    scope = ", ".join(account.villages) if account.villages else "semua desa"
    state = f"  terkunci sampai {account.locked_until:%Y-%m-%d %H:%M} UTC" if account.is_locked(now) else ""
    return f"{account.username:<20} {account.role:<7} {scope}{state}"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m lib.accounts", description="Kelola akun dasbor.")
    parser.add_argument("--db", type=Path, help="berkas akun (bawaan: folder data/accounts.sqlite3)")
    parser.add_argument("--audit", type=Path, help="berkas log audit (bawaan: folder data/audit.sqlite3)")
    parser.add_argument("--reference", type=Path, help="data acuan untuk memeriksa nama desa")
    parser.add_argument("--actor", default=CLI_ACTOR, help="nama yang dicatat di log audit (bawaan: cli)")
    commands = parser.add_subparsers(dest="command", required=True)

    add = commands.add_parser("add", help="buat akun")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=ACCOUNT_ROLES)
    add.add_argument("--village", action="append", default=[], help="batasi viewer ke desa ini (boleh berulang)")
    add.add_argument("--password-stdin", action="store_true", help="baca kata sandi dari stdin")

    commands.add_parser("list", help="daftar akun")
    commands.add_parser("remove", help="hapus akun").add_argument("username")

    set_pw = commands.add_parser("set-password", help="ganti kata sandi")
    set_pw.add_argument("username")
    set_pw.add_argument("--password-stdin", action="store_true", help="baca kata sandi dari stdin")

    set_villages = commands.add_parser("set-villages", help="ganti batas desa (tanpa desa = semua desa)")
    set_villages.add_argument("username")
    set_villages.add_argument("villages", nargs="*")

    commands.add_parser("unlock", help="buka akun yang terkunci").add_argument("username")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the account command line; returns the exit status."""
    args = _parser().parse_args(argv)
    now = _utc(None)
    try:
        with closing(open_accounts(args.db)) as conn:
            audit = open_audit(args.audit)
            actor = args.actor
            if args.command == "add":
                villages = checked_villages(args.village, _known_villages(args.reference))
                done = create_account(
                    conn, args.username, _password_from_user(args), args.role, villages, actor=actor, audit=audit
                )
                print(f"Akun dibuat: {_describe(done, now)}")
            elif args.command == "list":
                for account in list_accounts(conn):
                    print(_describe(account, now))
            elif args.command == "remove":
                delete_account(conn, args.username, actor=actor, audit=audit)
                print(f"Akun {normalised_username(args.username)} dihapus.")
            elif args.command == "set-password":
                done = set_password(conn, args.username, _password_from_user(args), actor=actor, audit=audit)
                print(f"Kata sandi {done.username} diganti.")
            elif args.command == "set-villages":
                current = _account(_existing_row(conn, args.username))
                villages = checked_villages(args.villages, _known_villages(args.reference))
                done = set_role_and_villages(conn, current.username, current.role, villages, actor=actor, audit=audit)
                print(f"Batas desa diganti: {_describe(done, now)}")
            elif args.command == "unlock":
                done = unlock_account(conn, args.username, actor=actor, audit=audit)
                print(f"Akun {done.username} dibuka.")
    except (AccountError, ValueError) as exc:
        print(f"Gagal: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
