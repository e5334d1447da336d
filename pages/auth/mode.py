"""How the dashboard runs: open demo, its own accounts (password), or single sign-on (OIDC)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import streamlit as st

from lib import accounts
from pages.auth.stores import accounts_db

DEMO, PASSWORD, OIDC = "demo", "sandi", "oidc"

# Account files known to hold an account. The last admin cannot be deleted, so
# once configured a store stays configured: later checks need not open it.
_CONFIGURED: set[Path | str] = set()


def oidc_settings() -> Mapping | None:
    """The ``[auth]`` section of secrets.toml, or None when single sign-on is not configured."""
    try:
        if not st.secrets.load_if_toml_exists() or "auth" not in st.secrets:
            return None
        section = st.secrets["auth"]
    except Exception:  # a malformed secrets file must not open the dashboard to everyone
        return None
    return section if isinstance(section, Mapping) and section else None


def oidc_providers() -> list[str | None]:
    """Providers to offer: None for one unnamed ``[auth]`` provider, else each ``[auth.NAME]``."""
    section = oidc_settings() or {}
    named = [name for name, value in section.items() if isinstance(value, Mapping)]
    return [None] if "client_id" in section or not named else named


def accounts_exist() -> bool:
    """Whether any account exists; without one the dashboard runs in demo mode."""
    path = accounts.default_location()  # the accounts file or the shared database
    if path is None:  # demo mode creates no file
        return False
    if path in _CONFIGURED:
        return True
    with accounts_db() as conn:
        found = accounts.has_accounts(conn)
    if found:
        _CONFIGURED.add(path)
    return found


def login_mode() -> str:
    """DEMO without accounts; else OIDC when ``[auth]`` is configured, else PASSWORD."""
    if not accounts_exist():
        return DEMO
    return OIDC if oidc_settings() is not None else PASSWORD


def is_demo() -> bool:
    """Whether the dashboard runs in open demo mode (no account configured)."""
    return not accounts_exist()
