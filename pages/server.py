"""The web server around the dashboard script: the dashboard's own routes and middleware for ``st.App``.

``streamlit run dashboard.py`` finds ``app = st.App(...)`` in ``dashboard.py`` and
serves that application (Streamlit's own routes plus these), running the same
file as the page script. What it adds:

- every browser gets a random cookie of its own (``BROWSER_COOKIE``) on its first
  request: a download or image address (``/media/...``) is served only to a
  browser whose websocket was sent that address, so a link copied elsewhere
  returns no file (Streamlit serves ``/media/`` to anyone holding the link);
- ``/_dasbor/session?code=...&next=...`` redeems the one-time sign-in code made
  after a password login in this browser (``lib.accounts``), sets the session
  cookie (``SESSION_COOKIE``: HttpOnly, SameSite=Strict, Secure over https) and
  goes back to the page, with its filters, that the login was made on;
- ``/_dasbor/keluar`` ends that session and clears the cookie.

The page script reads both cookies with ``st.context.cookies`` (``pages.auth``).
Nothing here imports a page; ``pages.auth`` imports the names it needs from here.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from contextlib import closing
from urllib.parse import urlencode, urlsplit

from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.requests import Request, cookie_parser
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from streamlit import config

from lib import accounts, settings

BROWSER_COOKIE = "dasbor_peramban"  # random per browser; binds media addresses and sign-in codes to it
SESSION_COOKIE = "dasbor_sesi"      # the session token of a password login
SESSION_PATH = "/_dasbor/session"
SIGN_OUT_PATH = "/_dasbor/keluar"
MEDIA_PREFIX = "/media/"
# The first page's URL path. Streamlit serves the default page only at the root ("/"), so a link or bookmark
# naming it (/ringkasan?desa=Pare) is sent there with its filters instead of reading "Page not found".
HOME_PATH = "ringkasan"

# A media address as Streamlit writes it into the messages of a session: /media/<file id>.<extension>
_MEDIA_ADDRESS = re.compile(rb"/media/([A-Za-z0-9_-]{1,128}(?:\.[A-Za-z0-9]{1,16})?)")
_BROWSER_VALUE = re.compile(r"[A-Za-z0-9_-]{32,128}")
MAX_GRANTED_FILES = 20_000
GRANT_SECONDS = 24 * 3600


def base_path() -> str:
    """Streamlit's ``server.baseUrlPath`` as a path prefix: "" or e.g. "/dasbor"."""
    base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


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


def browser_value(cookies: dict[str, str]) -> str | None:
    """The browser cookie among ``cookies`` when well formed, else None."""
    value = cookies.get(BROWSER_COOKIE)
    return value if value and _BROWSER_VALUE.fullmatch(value) else None


def is_https(headers: Headers, scope: Scope) -> bool:
    """Whether the browser reached us over https (directly, or through a proxy saying so)."""
    forwarded = headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return scope.get("scheme") in ("https", "wss") or forwarded == "https"


def _same_site_request(request: Request) -> bool:
    """False for a navigation another site started (a link or form elsewhere); browsers say so in Sec-Fetch-Site."""
    return request.headers.get("sec-fetch-site", "none") in ("same-origin", "none")


# --- media addresses per browser ---------------------------------------------------------------
class MediaGrants:
    """Which browsers were sent which media addresses, so that only they may fetch them.

    Kept in this process's memory, like Streamlit's media files themselves
    (nginx sends a browser to the same process every time). Bounded: the oldest
    addresses are forgotten first, and every grant lapses after a day.
    """

    def __init__(self, max_files: int = MAX_GRANTED_FILES, seconds: float = GRANT_SECONDS):
        self._files: OrderedDict[str, dict[str, float]] = OrderedDict()
        self._lock = threading.Lock()
        self._max_files = max_files
        self._seconds = seconds

    def grant(self, browser: str, files: Iterable[str], now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            for name in files:
                holders = self._files.pop(name, {})
                holders[accounts.digest(browser)] = now
                self._files[name] = holders
            while len(self._files) > self._max_files:
                self._files.popitem(last=False)

    def allowed(self, browser: str | None, name: str, now: float | None = None) -> bool:
        if not browser:
            return False
        now = time.monotonic() if now is None else now
        with self._lock:
            granted = self._files.get(name, {}).get(accounts.digest(browser))
        return granted is not None and now - granted < self._seconds


def media_addresses(message: bytes) -> set[str]:
    """The media files (``<id>.<ext>``) whose address appears in one message to the browser."""
    if b"/media/" not in message:
        return set()
    return {m.decode("ascii") for m in _MEDIA_ADDRESS.findall(message)}


GRANTS = MediaGrants()


class BrowserMiddleware:
    """Pure ASGI middleware (it sees the websocket too): browser cookie, media grants, media guard."""

    def __init__(self, app: ASGIApp, grants: MediaGrants | None = None) -> None:
        self.app = app
        self.grants = grants if grants is not None else GRANTS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        browser = browser_value(cookie_parser(headers.get("cookie", "")))
        if scope["type"] == "websocket":
            await self.app(scope, receive, self._granting(send, browser))
            return
        media = f"{base_path()}{MEDIA_PREFIX}"
        path: str = scope.get("path", "")
        if path.startswith(media) and not self.grants.allowed(browser, path[len(media):]):
            # Not this browser's file: answer as if there were none.
            await PlainTextResponse("File not found", status_code=404, headers={"Cache-Control": "no-store"})(
                scope, receive, send)
            return
        if browser is None:
            send = self._giving_cookie(send, is_https(headers, scope))
        await self.app(scope, receive, send)

    def _granting(self, send: Send, browser: str | None) -> Send:
        async def sending(message: Message) -> None:
            if browser is not None and message["type"] == "websocket.send" and message.get("bytes"):
                files = media_addresses(message["bytes"])
                if files:
                    self.grants.grant(browser, files)
            await send(message)
        return sending

    @staticmethod
    def _giving_cookie(send: Send, secure: bool) -> Send:
        header = _set_cookie_header(BROWSER_COOKIE, secrets.token_urlsafe(32), secure=secure)

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), header]}
            await send(message)
        return sending


def _set_cookie_header(name: str, value: str, *, secure: bool) -> tuple[bytes, bytes]:
    """One ``Set-Cookie`` header for the whole dashboard: HttpOnly, SameSite=Strict, Secure over https."""
    response = Response()
    response.set_cookie(name, value, path=f"{base_path()}/", secure=secure, httponly=True, samesite="strict")
    return next(header for header in response.raw_headers if header[0] == b"set-cookie")


# --- sign-in and sign-out routes -----------------------------------------------------------------
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


def home(request: Request) -> Response:
    """The first page by its name: the root, where Streamlit serves it, with the link's filters."""
    query = request.url.query
    return RedirectResponse(f"{base_path()}/" + (f"?{query}" if query else ""), status_code=302)


def routes() -> list[Route]:
    """The dashboard's own routes (sync handlers: Starlette runs them in its thread pool)."""
    return [
        Route(f"{base_path()}{SESSION_PATH}", sign_in, methods=["GET"]),
        Route(f"{base_path()}{SIGN_OUT_PATH}", sign_out, methods=["GET"]),
        Route(f"{base_path()}/{HOME_PATH}", home, methods=["GET"]),
        Route(f"{base_path()}/{HOME_PATH}/", home, methods=["GET"]),
    ]


def middleware() -> list[Middleware]:
    """The dashboard's own middleware, outermost first."""
    return [Middleware(BrowserMiddleware)]
