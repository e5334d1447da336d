"""Signed-in browsers: a random session token in an HttpOnly cookie, only its hash on the server.

A password login in the page hands the browser a one-time sign-in code; the
browser brings it to the dashboard's own address (``/_dasbor/session``), which
redeems it for a session token and sets that as a cookie. Every script run then
reads the cookie and asks :func:`session_user` who it belongs to, so a reload or
a bookmark in the same browser stays signed in until the user signs out
(:func:`revoke_session`) or ``DASBOR_SESSION_HOURS`` have passed since the login.

Neither a token nor a code is stored: only their SHA-256 (both are 256 random
bits, so a plain hash cannot be reversed by guessing). A code lives one minute,
works once, and only in the browser it was made for (``browser``: the hash of the
browser's own cookie), so a code seen in a log or sent by someone else signs in
nobody. Both tables live in the account store (``accounts.sqlite3``, autocommit:
each statement is its own transaction).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import sqlite3
from pathlib import Path

from lib import accounts

CODE_LIFETIME = dt.timedelta(minutes=1)
TOKEN_BYTES = 32

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    username   TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX IF NOT EXISTS sessions_username ON sessions (username);
CREATE TABLE IF NOT EXISTS sign_in_codes (
    code_hash    TEXT PRIMARY KEY,
    username     TEXT NOT NULL,
    browser_hash TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
"""


def open_sessions(path: Path | None = None) -> sqlite3.Connection:
    """A connection to the account store at ``path`` (default: data folder) with the session tables created."""
    conn = accounts.open_accounts(path)
    conn.executescript(_SCHEMA)
    return conn


def digest(secret: str) -> str:
    """The SHA-256 of a token, code or browser cookie, as stored: 64 hex digits."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _utc(moment: dt.datetime | None) -> dt.datetime:
    if moment is None:
        return dt.datetime.now(dt.timezone.utc)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc)


def _iso(moment: dt.datetime) -> str:
    return _utc(moment).isoformat(timespec="seconds")


def _remove_expired(conn: sqlite3.Connection, now: dt.datetime) -> None:
    """Forget sessions and codes that can no longer be used (expired; revoked sessions once expired)."""
    conn.execute("DELETE FROM sessions WHERE expires_at <= ?", (_iso(now),))
    conn.execute("DELETE FROM sign_in_codes WHERE expires_at <= ?", (_iso(now),))


# --- sessions ------------------------------------------------------------------------
def new_session(conn: sqlite3.Connection, username: str, hours: float, now: dt.datetime | None = None) -> str:
    """A new session token for ``username``, valid ``hours`` from ``now``; only its hash is stored."""
    if hours <= 0:
        raise ValueError("A session must last a positive number of hours.")
    now = _utc(now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    _remove_expired(conn, now)
    conn.execute(
        "INSERT INTO sessions (token_hash, username, created_at, expires_at) VALUES (?, ?, ?, ?)",
        (digest(token), accounts.normalised_username(username), _iso(now), _iso(now + dt.timedelta(hours=hours))),
    )
    return token


def session_user(conn: sqlite3.Connection, token: str | None, now: dt.datetime | None = None) -> str | None:
    """The username whose live session ``token`` is; None when unknown, expired, revoked or its account is gone."""
    if not token:
        return None
    row = conn.execute(
        "SELECT s.username FROM sessions AS s JOIN accounts AS a ON a.username = s.username "
        "WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ?",
        (digest(token), _iso(_utc(now))),
    ).fetchone()
    return row[0] if row is not None else None


def revoke_session(conn: sqlite3.Connection, token: str | None, now: dt.datetime | None = None) -> bool:
    """End the session of ``token`` (sign-out); whether a live session was ended."""
    if not token:
        return False
    done = conn.execute(
        "UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
        (_iso(_utc(now)), digest(token)),
    )
    return done.rowcount == 1


def revoke_user_sessions(conn: sqlite3.Connection, username: str, now: dt.datetime | None = None) -> int:
    """End every session of ``username`` (e.g. after a password change); how many were ended."""
    done = conn.execute(
        "UPDATE sessions SET revoked_at = ? WHERE username = ? AND revoked_at IS NULL",
        (_iso(_utc(now)), accounts.normalised_username(username)),
    )
    return done.rowcount


# --- one-time sign-in codes ----------------------------------------------------------------
def new_sign_in_code(conn: sqlite3.Connection, username: str, browser: str, now: dt.datetime | None = None) -> str:
    """A one-time code that signs ``username`` in, within a minute, in the browser whose cookie is ``browser``."""
    if not browser:
        raise ValueError("A sign-in code belongs to one browser: its cookie is missing.")
    now = _utc(now)
    code = secrets.token_urlsafe(TOKEN_BYTES)
    _remove_expired(conn, now)
    conn.execute(
        "INSERT INTO sign_in_codes (code_hash, username, browser_hash, expires_at) VALUES (?, ?, ?, ?)",
        (digest(code), accounts.normalised_username(username), digest(browser), _iso(now + CODE_LIFETIME)),
    )
    return code


def redeem_sign_in_code(
    conn: sqlite3.Connection, code: str | None, browser: str | None, now: dt.datetime | None = None
) -> str | None:
    """The username ``code`` signs in, used up now; None when unknown, used, expired or made for another browser."""
    if not code or not browser:
        return None
    # One statement takes the code out and reads it, so two redemptions at once cannot both succeed.
    rows = conn.execute(
        "DELETE FROM sign_in_codes WHERE code_hash = ? RETURNING username, browser_hash, expires_at",
        (digest(code),),
    ).fetchall()
    if not rows:
        return None
    username, browser_hash, expires_at = rows[0]
    if dt.datetime.fromisoformat(expires_at) <= _utc(now):
        return None
    if not hmac.compare_digest(browser_hash, digest(browser)):
        return None
    return username
