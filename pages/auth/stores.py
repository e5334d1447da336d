"""The stores the account pages read and write: accounts, the audit log, the reference lists.

Database connections are opened per call: a SQLite connection must stay in the
thread that opened it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing, contextmanager

from lib import accounts, backend, settings
from lib.audit import AuditLog, default_path, open_audit
from lib.schema import DEFAULT_REFERENCE_FILE, Reference, load_reference


@contextmanager
def accounts_db() -> Iterator:
    """A fresh connection to the account store, closed on exit."""
    with closing(accounts.open_accounts()) as conn:
        yield conn


_OPENED: dict[str, AuditLog] = {}  # where -> the log opened there (its tables made), for the life of the process


def audit_log() -> AuditLog:
    """The audit log in use: in the database of DASBOR_DATABASE_URL, else in the data folder.

    Each event opens its own connection; the log itself (making its tables) is
    opened once per place, not on every run of every page that has a download
    button, and again if its file was removed.
    """
    where = backend.database_url() or str(default_path())
    log = _OPENED.get(where)
    if log is None or (log.path is not None and not log.path.exists()):
        log = _OPENED[where] = open_audit()
    return log


def reference() -> Reference:
    """The reference lists of the data folder, else the bundled ones."""
    path = settings.data_dir() / "reference.toml"
    return load_reference(path if path.exists() else DEFAULT_REFERENCE_FILE)
