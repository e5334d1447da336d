"""The page edge of accounts and the audit log: who is using the dashboard and what they may open.

Three ways to run (``mode``):

- demo: no account exists. Anyone may look at the bundled synthetic demo data;
  nothing real can be imported.
- sandi: the dashboard's own accounts (``lib.accounts``); a visitor logs in with
  a username and password on the "Masuk" page.
- oidc: ``[auth]`` is configured in ``.streamlit/secrets.toml``; the visitor logs
  in with the department's identity provider (``st.login``) and the email
  given by it must be the username of an account an admin created.

The modules, by concern:

- ``stores``: the account store, the audit log and the reference lists, opened per call;
- ``mode``: demo, own accounts or single sign-on;
- ``browser``: the browser's cookies and address, and sending it elsewhere;
- ``session``: who this session is signed in as, kept up to date each run; signing in and out;
- ``access``: the navigation a visitor gets, and the checks a page makes before showing data;
- ``sidebar``: the signed-in account and the sign-out button, or the demo notice.

What needs no Streamlit lives in ``lib.sign_in`` (the account line, the address
to return to) and ``lib.local_time`` (WIB). The names below are what pages and
the entry point use, as ``auth.NAME``.
"""

from lib.local_time import WIB, wib
from lib.sign_in import ADD_ADMIN_COMMAND, LOGIN_PATH, ROLE_LABELS, describe_account
from pages.auth.access import (
                               ADMIN_PAGES,
                               ADMIN_PATHS,
                               admin_pages,
                               allowed_pages,
                               login_page,
                               made_pages,
                               require_admin,
                               require_login,
)
from pages.auth.mode import (
                               DEMO,
                               OIDC,
                               PASSWORD,
                               accounts_exist,
                               is_demo,
                               login_mode,
                               oidc_providers,
                               oidc_settings,
)
from pages.auth.session import (
                               ACCOUNT_KEY,
                               current_account,
                               logout,
                               oidc_email,
                               password_login,
                               refusal_message,
                               sync_session,
)
from pages.auth.sidebar import account_sidebar, demo_banner
from pages.auth.stores import accounts_db, audit_log, reference

__all__ = [
    "ACCOUNT_KEY", "ADD_ADMIN_COMMAND", "ADMIN_PAGES", "ADMIN_PATHS", "DEMO", "LOGIN_PATH", "OIDC", "PASSWORD",
    "ROLE_LABELS", "WIB", "account_sidebar", "accounts_db", "accounts_exist", "admin_pages", "allowed_pages",
    "audit_log", "current_account", "demo_banner", "describe_account", "is_demo", "login_mode", "login_page",
    "logout", "made_pages", "oidc_email", "oidc_providers", "oidc_settings", "password_login", "reference",
    "refusal_message", "require_admin", "require_login", "sync_session", "wib",
]
