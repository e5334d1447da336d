"""Who this session is signed in as: kept up to date on every run, signing in and signing out (audited).

The signed-in account lives in ``st.session_state[ACCOUNT_KEY]`` and is re-read
from the account store on every run, so a role, village or deletion made by an
admin applies at once.

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

import streamlit as st

from lib import accounts
from lib.accounts import Account, LoginRefused
from lib.audit import LOGIN, LOGIN_FAILED, LOGOUT
from pages import server
from pages.auth import browser
from pages.auth.mode import DEMO, OIDC, login_mode, oidc_settings
from pages.auth.stores import accounts_db, audit_log

ACCOUNT_KEY = "auth_account"
_OIDC_SEEN_KEY = "auth_oidc_seen"  # the OIDC email whose login (or refusal) is already audited
_FROM_COOKIE_KEY = "auth_from_cookie"  # the account was restored from the browser's session cookie


def current_account() -> Account | None:
    """The logged-in account of this session, or None (demo mode or not logged in)."""
    account = st.session_state.get(ACCOUNT_KEY)
    return account if isinstance(account, Account) else None


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
    token = browser.session_cookie()
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


def keep_signed_in(account: Account) -> bool:
    """Send the browser through the sign-in route so that it stays signed in; False when not served with it."""
    cookie = browser.browser_cookie()
    if cookie is None:
        return False
    with accounts_db() as conn:
        code = accounts.new_sign_in_code(conn, account.username, cookie)
    browser.send_browser_to(server.session_address(code, browser.current_address()))
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


def refusal_message(refused: LoginRefused) -> str:
    """What the login form says when a login is refused: always the same words, so they reveal nothing."""
    return accounts.REFUSAL_MESSAGE


def logout() -> None:
    """End this session's login (audited) and the browser's session; with single sign-on also at the provider."""
    account = current_account()
    if account is not None:
        audit_log().record(account.username, LOGOUT, method=login_mode())
    token = browser.session_cookie()
    if token:
        with accounts_db() as conn:
            accounts.revoke_session(conn, token)
    _forget_login()
    st.session_state.pop(_OIDC_SEEN_KEY, None)
    if oidc_settings() is not None and st.user.get("is_logged_in"):
        st.logout()
    elif browser.browser_cookie() is not None:
        browser.send_browser_to(server.sign_out_address())  # clears the cookie, then the home page asks to sign in
        st.stop()
    else:
        st.rerun()
