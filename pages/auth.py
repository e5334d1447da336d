"""The page edge of accounts and the audit log: who is using the dashboard and what they may open.

Three ways to run:

- demo: no account exists. Anyone may look at the bundled synthetic demo data;
  nothing real can be imported.
- sandi: the dashboard's own accounts (``lib.accounts``); a visitor logs in with
  a username and password on the "Masuk" page.
- oidc: ``[auth]`` is configured in ``.streamlit/secrets.toml``; the visitor logs
  in with the department's identity provider (``st.login``) and the email
  given by it must be the username of an account an admin created.

The logged-in account lives in ``st.session_state[ACCOUNT_KEY]`` and is re-read
from the account store on every run, so a role, village or deletion made by an
admin applies at once. Database connections are opened per call: a SQLite
connection must stay in the thread that opened it.

Staying signed in (own accounts): after a password login the browser is sent
through ``/_dasbor/session`` with a one-time code (``pages.server``), which sets
an HttpOnly session cookie; every run reads it with ``st.context.cookies``, so a
reload or a bookmark in the same browser needs no password until the user
signs out (the session is revoked and the cookie cleared) or
``DASBOR_SESSION_HOURS`` have passed. Served without those routes (AppTest),
a login lasts as long as the Streamlit session. Single sign-on keeps
Streamlit's own identity cookie.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import streamlit as st
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.scriptrunner import get_script_run_ctx

from lib import accounts, settings
from lib.accounts import Account, LoginRefused
from lib.audit import LOGIN, LOGIN_FAILED, LOGOUT, AuditLog, open_audit
from lib.schema import DEFAULT_REFERENCE_FILE, Reference, load_reference
from lib.texts import text
from pages import server

DEMO, PASSWORD, OIDC = "demo", "sandi", "oidc"

ACCOUNT_KEY = "auth_account"
PAGE_KEY = "auth_page"
_OIDC_SEEN_KEY = "auth_oidc_seen"  # the OIDC email whose login (or refusal) is already audited
_LOGOUT_KEY = "auth_logout"
_FROM_COOKIE_KEY = "auth_from_cookie"  # the account was restored from the browser's session cookie

PAGES_DIR = Path(__file__).resolve().parent

# Kediri keeps West Indonesian Time (UTC+7, no daylight saving); a fixed offset
# needs no time-zone database on the server.
WIB = dt.timezone(dt.timedelta(hours=7), "WIB")

ADD_ADMIN_COMMAND = "python -m lib.accounts add NAMA --role admin"


# --- stores --------------------------------------------------------------------
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


# --- mode and account --------------------------------------------------------------
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


# Account files known to hold an account. The last admin cannot be deleted, so
# once configured a store stays configured: later checks need not open it.
_CONFIGURED: set[Path | str] = set()


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


def current_account() -> Account | None:
    """The logged-in account of this session, or None (demo mode or not logged in)."""
    account = st.session_state.get(ACCOUNT_KEY)
    return account if isinstance(account, Account) else None


def is_demo() -> bool:
    """Whether the dashboard runs in open demo mode (no account configured)."""
    return not accounts_exist()


def require_login() -> Account | None:
    """The account allowed to read data now (None in demo mode); a visitor not logged in stops the run here.

    Called where the data is read, so a page that runs by any route shows
    nothing of the data to a visitor who has not logged in.
    """
    account = current_account()
    if account is None and not is_demo():
        st.stop()
    return account


def sync_session() -> Account | None:
    """Bring the session's account up to date with the store and the login mode; returns it.

    Call once per run, before navigation: it decides which pages exist.
    """
    mode = login_mode()
    if mode == DEMO:
        st.session_state.pop(ACCOUNT_KEY, None)
        return None
    if mode == OIDC:
        return _sync_oidc()
    with accounts_db() as conn:
        username = _signed_in_username(conn)
        fresh = accounts.account_named(conn, username) if username is not None else None
    if fresh is None:  # not signed in, or deleted by an admin: the session ends with it
        _forget_login()
        return None
    st.session_state[ACCOUNT_KEY] = fresh
    return fresh


def _signed_in_username(conn) -> str | None:
    """Who this session is signed in as: the browser's live session cookie, else a password login made here.

    The cookie is checked on every run, so a sign-out elsewhere in this browser,
    a revoked or an expired session signs this one out too.
    """
    stored = current_account()
    token = session_cookie()
    if token:
        name = accounts.session_user(conn, token)
        if name is not None:
            st.session_state[_FROM_COOKIE_KEY] = True
            return name
        if st.session_state.get(_FROM_COOKIE_KEY):  # its session ended: so does this login
            return None
    return stored.username if stored is not None else None


def _forget_login() -> None:
    for key in (ACCOUNT_KEY, _FROM_COOKIE_KEY):
        st.session_state.pop(key, None)


# --- the browser's cookies ------------------------------------------------------------
def _cookies() -> dict[str, str]:
    """The cookies the browser sent when this session connected (none in a headless AppTest)."""
    try:
        sent = dict(st.context.cookies.to_dict())
    except (TypeError, ValueError):
        return {}
    return {name: value for name, value in sent.items() if isinstance(name, str) and isinstance(value, str)}


def browser_cookie() -> str | None:
    """This browser's own random cookie; present only when the dashboard's routes serve it (``pages.server``)."""
    return server.browser_value(_cookies())


def session_cookie() -> str | None:
    """The session token the browser sent when this session connected, or None."""
    return _cookies().get(server.SESSION_COOKIE) or None


def current_address() -> str:
    """The page the browser shows, path and query, e.g. ``/hasil?desa=Pare`` (the login page's own path is "/")."""
    path = urlsplit(st.context.url or "").path or "/"
    if path.rstrip("/").rsplit("/", 1)[-1] == LOGIN_PATH:
        path = path.rstrip("/")[: -len(LOGIN_PATH)] or "/"
    query = urlencode([(key, value) for key in st.query_params for value in st.query_params.get_all(key)])
    return f"{path}?{query}" if query else path


def send_browser_to(address: str) -> None:
    """Load ``address`` in the browser now, as a full page load (Streamlit's own ``st.login`` redirect message)."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return
    message = ForwardMsg()
    message.auth_redirect.url = address
    ctx.enqueue(message)


def keep_signed_in(account: Account) -> bool:
    """Send the browser through the sign-in route so that it stays signed in; False when not served with it."""
    browser = browser_cookie()
    if browser is None:
        return False
    with accounts_db() as conn:
        code = accounts.new_sign_in_code(conn, account.username, browser)
    send_browser_to(server.session_address(code, current_address()))
    return True


def oidc_email() -> str | None:
    """The verified email the identity provider gave, or None when not logged in there."""
    user = st.user
    if not user.get("is_logged_in"):
        return None
    if user.get("email_verified") is False:
        return None
    email = user.get("email")
    return accounts.normalised_username(email) if email else None


def _sync_oidc() -> Account | None:
    email = oidc_email()
    if email is None:
        st.session_state.pop(ACCOUNT_KEY, None)
        st.session_state.pop(_OIDC_SEEN_KEY, None)
        return None
    with accounts_db() as conn:
        account = accounts.account_named(conn, email)
    first_time = st.session_state.get(_OIDC_SEEN_KEY) != email
    st.session_state[_OIDC_SEEN_KEY] = email
    if account is None:
        st.session_state.pop(ACCOUNT_KEY, None)
        if first_time:
            audit_log().record(None, LOGIN_FAILED, method=OIDC, reason="tidak terdaftar", email=email)
        return None
    if first_time:
        audit_log().record(account.username, LOGIN, method=OIDC)
    st.session_state[ACCOUNT_KEY] = account
    return account


def password_login(username: str, password: str) -> Account:
    """Log this session in with the dashboard's own accounts (audited); raises LoginRefused."""
    with accounts_db() as conn:
        account = accounts.authenticate(conn, username, password, audit=audit_log())
    st.session_state[ACCOUNT_KEY] = account
    st.session_state.pop(_FROM_COOKIE_KEY, None)
    keep_signed_in(account)
    return account


def logout() -> None:
    """End this session's login (audited) and the browser's session; with single sign-on also at the provider."""
    account = current_account()
    if account is not None:
        audit_log().record(account.username, LOGOUT, method=login_mode())
    token = session_cookie()
    if token:
        with accounts_db() as conn:
            accounts.revoke_session(conn, token)
    _forget_login()
    st.session_state.pop(_OIDC_SEEN_KEY, None)
    if oidc_settings() is not None and st.user.get("is_logged_in"):
        st.logout()
    elif browser_cookie() is not None:
        send_browser_to(server.sign_out_address())  # clears the cookie, then the home page asks to sign in
        st.stop()
    else:
        st.rerun()


# --- messages -------------------------------------------------------------------
def wib(moment: dt.datetime) -> str:
    """A moment as local Kediri time, e.g. ``2024-05-01 10:05 WIB``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return f"{moment.astimezone(WIB):%Y-%m-%d %H:%M} WIB"


def refusal_message(refused: LoginRefused) -> str:
    """What the login form says when a login is refused: always the same words, so they reveal nothing."""
    return accounts.REFUSAL_MESSAGE


ROLE_LABELS = {accounts.ADMIN: "Admin", accounts.VIEWER: "Pembaca"}


def describe_account(account: Account) -> str:
    """One line for the sidebar: name, role and village limit."""
    scope = ", ".join(account.villages) if account.villages and not account.is_admin else "semua desa"
    return f"**{account.username}** · {ROLE_LABELS.get(account.role, account.role)} · {scope}"


# --- navigation ------------------------------------------------------------------
LOGIN_PATH = "masuk"


def login_page(url_path: str = LOGIN_PATH, hidden: bool = False) -> st.Page:
    return st.Page(PAGES_DIR / "masuk.py", title="Masuk", icon=":material/login:", url_path=url_path,
                   visibility="hidden" if hidden else "visible")


# (file, title, URL path, icon) of the admin pages, in menu order.
ADMIN_PAGES = (
    ("data.py", "Data", "data", ":material/upload_file:"),
    ("akun.py", "Akun", "akun", ":material/manage_accounts:"),
    ("audit.py", "Audit", "audit", ":material/history:"),
)
ADMIN_PATHS = tuple(path for _, _, path, _ in ADMIN_PAGES)


def admin_pages() -> list[st.Page]:
    """Data, Akun and Audit, in that order."""
    return [st.Page(PAGES_DIR / file, title=title, url_path=path, icon=icon) for file, title, path, icon in ADMIN_PAGES]


def allowed_pages(
    account: Account | None, mode: str, analysis: Sequence[st.Page], analysis_paths: Sequence[str] = (),
    lang: str = "id",
) -> list[st.Page] | dict[str, list[st.Page]]:
    """The navigation this visitor gets: only "Masuk" until logged in (outside demo mode), else sections.

    Before login every other page's address (``analysis_paths`` and the admin
    pages) shows the login form too, hidden from the menu: a bookmark such as
    ``/hasil`` asks to log in, then shows Hasil, instead of "page not found".
    """
    if mode == DEMO:
        # The Data page explains how to leave demo mode; it cannot import anything.
        return {text("nav_analysis", lang): list(analysis), text("nav_admin", lang): admin_pages()[:1]}
    if account is None:
        return [login_page()] + [login_page(path, hidden=True) for path in (*analysis_paths, *ADMIN_PATHS)]
    if account.is_admin:
        return {text("nav_analysis", lang): list(analysis), text("nav_admin", lang): admin_pages()}
    return {text("nav_analysis", lang): list(analysis)}


def remember_page(page: st.Page) -> None:
    """Note the page this run draws (its title goes into the audit row of a download)."""
    st.session_state[PAGE_KEY] = page.title


def current_page() -> str:
    """The title of the page this run draws, or "" before navigation."""
    return str(st.session_state.get(PAGE_KEY) or "")


def account_sidebar(account: Account | None, mode: str) -> None:
    """Who is logged in and a logout button, in the sidebar."""
    if mode == DEMO or account is None:
        return
    with st.sidebar:
        st.caption(f"Masuk sebagai {describe_account(account)}")
        if st.button("Keluar", key=_LOGOUT_KEY, icon=":material/logout:"):
            logout()


def demo_banner(lang: str = "id") -> None:
    """The notice every page shows in demo mode (in the sidebar, beside each page's own demo-data banner).

    It speaks to department heads: how to make the first admin stays in the README and on the Data page.
    """
    st.sidebar.warning(text("demo_mode", lang), icon=":material/science:")


def require_admin() -> Account:
    """The logged-in admin; anyone else gets a refusal and the page stops."""
    account = current_account()
    if account is None or not account.is_admin:
        st.error("Halaman ini hanya untuk admin.")
        st.stop()
    return account
