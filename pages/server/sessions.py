"""Signing in and out: the routes that set and clear the session cookie of a password login.

``/_dasbor/session?code=...&next=...`` redeems the one-time sign-in code made
after a password login in this browser (``lib.accounts``), sets the session
cookie (``SESSION_COOKIE``: HttpOnly, SameSite=Strict, Secure over https) and
goes back to the page, with its filters, that the login was made on;
``/_dasbor/keluar`` ends that session and clears the cookie. Both ignore a
navigation another site started.
"""

from __future__ import annotations

from contextlib import closing
from urllib.parse import urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from lib import accounts, settings
from pages.server.browsers import browser_value
from pages.server.site import base_path, is_https

SESSION_COOKIE = "dasbor_sesi"      # the session token of a password login
SESSION_PATH = "/_dasbor/session"
SIGN_OUT_PATH = "/_dasbor/keluar"


def session_address(code: str, back_to: str) -> str:
    """Where the browser goes after a password login: the sign-in route with its code and the page to return to."""
    return f"{base_path()}{SESSION_PATH}?{urlencode({'code': code, 'next': back_to})}"


def sign_out_address() -> str:
    """Where the browser goes to sign out: the route that clears the session cookie, then the home page."""
    return f"{base_path()}{SIGN_OUT_PATH}"


def safe_next(target: str | None) -> str:
    """``target`` when it is a path on this site (``/hasil?desa=Pare``), else the home page: never another site."""
    home = f"{base_path()}/"
    if not target or any(c in target for c in "\r\n\\") or not target.startswith("/") or target.startswith("//"):
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return home
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _same_site_request(request: Request) -> bool:
    """False for a navigation another site started (a link or form elsewhere); browsers say so in Sec-Fetch-Site."""
    return request.headers.get("sec-fetch-site", "none") in ("same-origin", "none")


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def sign_in(request: Request) -> Response:
    """Redeem a one-time sign-in code made in this browser, set the session cookie, go back to the page."""
    back = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    if not _same_site_request(request):
        return _no_store(back)
    browser = browser_value(request.cookies)
    hours = settings.session_hours()
    with closing(accounts.open_accounts()) as conn:
        username = accounts.redeem_sign_in_code(conn, request.query_params.get("code"), browser)
        token = accounts.new_session(conn, username, hours) if username else None
    if token is not None:
        back.set_cookie(SESSION_COOKIE, token, max_age=int(hours * 3600), path=f"{base_path()}/",
                        secure=is_https(request.headers, request.scope), httponly=True, samesite="strict")
    return _no_store(back)


def sign_out(request: Request) -> Response:
    """End this browser's session (if it still has one), clear the cookie, go to the home page."""
    back = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    if not _same_site_request(request):
        return _no_store(back)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with closing(accounts.open_accounts()) as conn:
            accounts.revoke_session(conn, token)
    back.delete_cookie(SESSION_COOKIE, path=f"{base_path()}/", secure=is_https(request.headers, request.scope),
                       httponly=True, samesite="strict")
    return _no_store(back)
