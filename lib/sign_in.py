"""What signing in shows and where it leads, without Streamlit: the account line, the address to return to.

``pages.auth`` uses these at the page edge.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlencode, urlsplit

from lib import accounts
from lib.accounts import Account
from lib.texts import text

# The login page's URL path ("Masuk"); every other page's address shows the login form too until signed in.
LOGIN_PATH = "masuk"
# How the first admin is made (no account yet: the dashboard runs in demo mode).
ADD_ADMIN_COMMAND = "python -m lib.accounts add NAMA --role admin"
ROLE_LABELS = {accounts.ADMIN: "Admin", accounts.VIEWER: "Pembaca"}


def describe_account(account: Account, lang: str = "id") -> str:
    """One line for the sidebar: name, role and village limit, e.g. ``**ani** · Admin · semua desa`` (en:
    ``**ani** · Admin · every village``)."""
    limited = account.villages and not account.is_admin
    scope = ", ".join(account.villages) if limited else text("account_line_every_village", lang)
    role = text(f"role_{account.role}", lang) if account.role in ROLE_LABELS else account.role
    return text("account_line", lang, name=account.username, role=role, villages=scope)


def return_address(url: str, query: Iterable[tuple[str, str]]) -> str:
    """The address to come back to after signing in: path and query of ``url``, e.g. ``/hasil?desa=Pare``.

    ``query`` is the page's query as (name, value) pairs. The login page's own
    path leads back to the home page ("/").
    """
    path = urlsplit(url or "").path or "/"
    if path.rstrip("/").rsplit("/", 1)[-1] == LOGIN_PATH:
        path = path.rstrip("/")[: -len(LOGIN_PATH)] or "/"
    encoded = urlencode(list(query))
    return f"{path}?{encoded}" if encoded else path
