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
- ``/_dasbor/keluar`` ends that session and clears the cookie;
- Streamlit's scripts and styles (``/static/...``) go out compressed (Brotli or
  gzip, as the browser accepts), from a copy compressed once per installed
  Streamlit (``deploy/compress.py``, made by a child process at start);
  Streamlit itself sends them uncompressed;
- the page's HTML names the reader's language (``<html lang="id">``, ``"en"``
  with ``?bahasa=en``) and the dashboard's title in it, and carries a small
  script that keeps ``lang`` with the link when the reader switches language.

The page script reads both cookies with ``st.context.cookies`` (``pages.auth``).
Nothing here imports a page; ``pages.auth`` imports the names it needs from here.
"""

from __future__ import annotations

import functools
import gzip
import html
import json
import re
import secrets
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.requests import Request, cookie_parser
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from streamlit import config
from streamlit.logger import get_logger

from lib import accounts, settings
from lib.fmt import Lang
from lib.texts import LANGUAGES, language_of, text

ROOT = Path(__file__).resolve().parent.parent
_LOG = get_logger(__name__)

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


# --- Streamlit's static files, compressed once ------------------------------------------------------------
class StaticCopy:
    """The compressed copy of Streamlit's static files (``deploy/compress.py``): found, or made once.

    Making it (a minute or two for Brotli at its best quality, the first time a
    Streamlit version starts) runs in a child process at low priority, so the
    dashboard answers meanwhile, uncompressed, and its own memory does not grow
    by what the compressor needs.
    """

    def __init__(self) -> None:
        self._folder: Path | None = None
        self._started = False
        self._lock = threading.Lock()
        self.ready_event = threading.Event()

    def start(self) -> None:
        """Look for the copy, or start making it, in the background (once per process)."""
        with self._lock:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._find_or_make, name="dasbor-static-copy", daemon=True).start()

    def _find_or_make(self) -> None:
        from deploy import compress

        try:
            source = compress.streamlit_static()
            folder = compress.default_folder(source)
            if folder is None:
                _LOG.warning("No writable cache folder for compressed static files; they are sent uncompressed.")
                return
            target = folder / compress.copy_name(source)
            if not compress.is_complete(target):
                done = subprocess.run([sys.executable, "-m", "deploy.compress", "--out", str(folder), "--nice", "10"],
                                      cwd=ROOT, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                                      check=False)
                if done.returncode != 0 or not compress.is_complete(target):
                    _LOG.warning("Compressing static files failed; they are sent uncompressed.\n%s", done.stderr[-2000:])
                    return
            self._folder = target
        finally:
            self.ready_event.set()

    def ready(self) -> Path | None:
        """The finished copy, or None while it is being made (or could not be)."""
        return self._folder


STATIC_COPY = StaticCopy()


class CompressedStatic:
    """Pure ASGI middleware: ``/static/...`` from the compressed copy once it exists (ServeStatic), else Streamlit.

    ServeStatic picks the ``.br`` or ``.gz`` file the browser accepts, says
    ``Vary: Accept-Encoding``, answers ``If-None-Match`` and ranges, and marks the
    content-hashed files immutable, as Streamlit does. A path the copy does not
    hold goes on to Streamlit.
    """

    def __init__(self, app: ASGIApp, copy: StaticCopy | None = None) -> None:
        self.app = app
        self.copy = copy if copy is not None else STATIC_COPY
        self.prefix = f"{base_path()}/static/"
        self._serving: ASGIApp | None = None
        self.copy.start()

    def _served(self) -> ASGIApp | None:
        if self._serving is None and (folder := self.copy.ready()) is not None:
            from servestatic import ServeStaticASGI

            self._serving = ServeStaticASGI(self.app, root=folder / "static", prefix=self.prefix,
                                            immutable_file_test=lambda path, url: True, allow_all_origins=False)
        return self._serving

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("path", "").startswith(self.prefix):
            serving = self._served()
            if serving is not None:
                await serving(scope, receive, send)
                return
        await self.app(scope, receive, send)


# --- the document in the reader's language -----------------------------------------------------------------
_HTML_LANG = re.compile(r'<html\b[^>]*?\blang="[^"]*"', re.IGNORECASE)
_TITLE = re.compile(r"<title>.*?</title>", re.IGNORECASE | re.DOTALL)
# Paths that never answer with the page's HTML: left exactly as Streamlit serves them.
_NOT_PAGES = ("/static/", "/_stcore/", "/media/", "/component/", "/app/static/", "/_dasbor/", "/auth/",
              "/oauth2callback")


# Streamlit finds its server by trying each prefix of the page's path in turn (/desa/_stcore/health, then
# /_stcore/health): a round trip lost on every page but the first, 100 ms and more on a slow link. Its
# embedding setting ``window.__streamlit.BACKEND_BASE_URL`` names the server at once: the folder the page
# is in (a page's path is one level below the dashboard's, with or without server.baseUrlPath).
SERVER_SCRIPT = ("\nwindow.__streamlit = {...(window.__streamlit || {}), "
                 "BACKEND_BASE_URL: new URL('./', window.location.href).href};\n")


def language_script() -> str:
    """The inline script that keeps ``<html lang>`` with the link's ``bahasa`` as Streamlit rewrites the URL.

    Streamlit changes the URL with ``history.pushState``/``replaceState`` (a
    page change, ``st.query_params``) without loading the document again; the
    script reads the language the way ``lib.texts.language_of`` does.
    """
    words = {key.casefold(): code for code, name in LANGUAGES.items() for key in (code, name)}
    return (
        "\n(() => {\n"
        f"  const words = {json.dumps(words, sort_keys=True)};\n"
        "  const follow = () => {\n"
        "    const asked = new URLSearchParams(window.location.search).getAll('bahasa')\n"
        "      .map((word) => word.trim()).filter((word) => word);\n"
        "    const last = asked.length ? asked[asked.length - 1].toLowerCase() : '';\n"
        "    document.documentElement.lang = words[last] || 'id';\n"
        "  };\n"
        "  for (const name of ['pushState', 'replaceState']) {\n"
        "    const original = window.history[name];\n"
        "    window.history[name] = function (...args) {\n"
        "      const result = original.apply(this, args);\n"
        "      follow();\n"
        "      return result;\n"
        "    };\n"
        "  }\n"
        "  window.addEventListener('popstate', follow);\n"
        "})();\n"
    )


def document_in_language(page: str, lang: Lang, preload: Iterable[str] = ()) -> str:
    """Streamlit's ``index.html`` naming ``lang`` and the dashboard's title in it, with the language script.

    ``preload``: scripts (``static/js/...``) the browser fetches at once, beside Streamlit's own.
    """
    page = _HTML_LANG.sub(lambda m: m.group(0)[: m.group(0).rfind('lang="')] + f'lang="{lang}"', page, count=1)
    links = "".join(f'\n    <link rel="modulepreload" crossorigin href="./{html.escape(path)}">' for path in preload)
    title = (f"<title>{html.escape(text('app_title', lang))}</title>\n    <script>{language_script()}</script>"
             f"\n    <script>{SERVER_SCRIPT}</script>{links}")
    return _TITLE.sub(lambda _m: title, page, count=1)


@functools.cache
def chart_scripts() -> tuple[str, ...]:
    """Streamlit's Plotly chunk (``static/js/PlotlyChart.<hash>.js``), which every analysis page needs.

    Streamlit fetches it only once the first chart arrives over the websocket:
    1 MB even compressed, a second or two on a slow link after the page's script
    has run. Named in the page, it is fetched while the script runs.
    """
    from deploy import compress

    return tuple(f"static/js/{path.name}" for path in sorted((compress.streamlit_static() / "static" / "js").glob(
        "PlotlyChart.*.js")))


def asked_language(query_string: bytes) -> Lang:
    """The reader's language as the page script will read it from the link (``?bahasa=en``)."""
    asked = parse_qs(query_string.decode("latin-1"), keep_blank_values=True).get("bahasa", [])
    return language_of(asked)[0]


class DocumentLanguage:
    """Pure ASGI middleware: the page's HTML (Streamlit's ``index.html``) rewritten by ``document_in_language``.

    Streamlit answers any page path (``/``, ``/desa``) with the same file, with
    an ETag of its own; the answer here depends on the link, so it is sent
    without ETag or Last-Modified and conditional requests are not passed on
    (a browser never reuses the other language's page). Small: gzipped here
    when the browser accepts it.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.base = base_path()

    def _page_request(self, scope: Scope) -> bool:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or scope.get("method") != "GET" or not path.startswith(self.base):
            return False
        return not path[len(self.base):].startswith(_NOT_PAGES)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._page_request(scope):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        accepts_gzip = "gzip" in headers.get("accept-encoding", "").lower()
        lang = asked_language(scope.get("query_string", b""))
        dropped = {b"accept-encoding", b"if-none-match", b"if-modified-since"}
        inner = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k.lower() not in dropped]}
        started: Message | None = None
        body: list[bytes] = []

        async def sending(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                kind = Headers(raw=message.get("headers", [])).get("content-type", "")
                if message.get("status") == 200 and kind.startswith("text/html"):
                    started = message
                    return
            elif message["type"] == "http.response.body" and started is not None:
                body.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                page = document_in_language(b"".join(body).decode("utf-8"), lang, chart_scripts()).encode("utf-8")
                extra: list[tuple[bytes, bytes]] = [(b"vary", b"Accept-Encoding")]
                if accepts_gzip:
                    page = gzip.compress(page, compresslevel=6, mtime=0)
                    extra.append((b"content-encoding", b"gzip"))
                skip = {b"content-length", b"etag", b"last-modified", b"content-encoding", b"vary"}
                kept = [(k, v) for k, v in started.get("headers", []) if k.lower() not in skip]
                await send({**started, "headers": [*kept, *extra, (b"content-length", str(len(page)).encode())]})
                await send({"type": "http.response.body", "body": page})
                return
            await send(message)

        await self.app(inner, receive, sending)


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
    return [Middleware(CompressedStatic), Middleware(DocumentLanguage), Middleware(BrowserMiddleware)]
