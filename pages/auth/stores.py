"""The stores the account pages read and write: accounts, the audit log, the reference lists.

Database connections are opened per call: a SQLite connection must stay in the
thread that opened it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing, contextmanager

from lib import accounts, settings
from lib.audit import AuditLog, open_audit
from lib.schema import DEFAULT_REFERENCE_FILE, Reference, load_reference


@contextmanager
def accounts_db() -> Iterator:
    """A fresh connection to the account store, closed on exit."""
    with closing(accounts.open_accounts()) as conn:
        yield conn


def audit_log() -> AuditLog:
    """The audit log in the data folder (each event opens its own connection)."""
    return open_audit()


def reference() -> Reference:
    """The reference lists of the data folder, else the bundled ones."""
    path = settings.data_dir() / "reference.toml"
    return load_reference(path if path.exists() else DEFAULT_REFERENCE_FILE)
