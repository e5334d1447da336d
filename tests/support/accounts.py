"""The dashboard's own accounts in tests, and a headless session (AppTest) already signed in as one of them.

Use with the ``data_dir`` and ``cheap_hashes`` fixtures of ``tests/conftest.py``:
the accounts are made in the data folder's own account store.
"""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

from streamlit.testing.v1 import AppTest

from lib import accounts
from pages import auth

ROOT = Path(__file__).resolve().parents[2]
ADMIN, ADMIN_PW = "ani", "kuda-lumping-2024"
VIEWER, VIEWER_PW = "budi", "tahu-kuning-kediri"
KADES, KADES_PW = "kades.pare", "gethuk-pisang-pare"


def add_account(name: str, password: str, role: str, villages=()) -> None:
    """An account made from the command line (``python -m lib.accounts add``)."""
    with closing(accounts.open_accounts()) as conn:
        accounts.create_account(conn, name, password, role, villages, actor="cli")


def session_of(username: str, **params) -> AppTest:
    """A session already logged in as ``username`` that opens the dashboard with URL ``params``."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    with closing(accounts.open_accounts()) as conn:
        at.session_state[auth.ACCOUNT_KEY] = accounts.account_named(conn, username)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at
