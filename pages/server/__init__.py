"""The web server around the dashboard script: the dashboard's own routes and middleware for ``st.App``.

``streamlit run dashboard.py`` finds ``app = st.App(...)`` in ``dashboard.py`` and
serves that application (Streamlit's own routes plus these), running the same
file as the page script. The modules, by concern:

- ``browsers``: every browser gets a random cookie of its own (``BROWSER_COOKIE``)
  on its first request; a download or image address (``/media/...``) is served
  only to a browser whose websocket was sent that address, so a link copied
  elsewhere returns no file (Streamlit serves ``/media/`` to anyone holding the link);
  the file a download click makes is kept for that browser for ten minutes
  (Streamlit would delete it when two script runs end in the process);
- ``sessions``: ``/_dasbor/session?code=...&next=...`` redeems the one-time
  sign-in code made after a password login in this browser and sets the
  session cookie (``SESSION_COOKIE``); ``/_dasbor/keluar`` ends that session;
- ``static``: Streamlit's scripts and styles (``/static/...``) go out compressed
  (Brotli or gzip, as the browser accepts), from a copy compressed once per
  installed Streamlit (``deploy/compress.py``, made by a child process at start);
- ``document``: the page's HTML names the reader's language (``<html lang="id">``,
  ``"en"`` with ``?bahasa=en``) and the dashboard's title, and carries a small
  script that keeps ``lang`` with the link when the reader switches language;
- ``site``: the path prefix the dashboard is served under, and whether over https;
- ``wire``: what a websocket connection writes within a millisecond leaves in one
  write to the socket (a rerun sends 70 to 110 messages), outermost so that it
  is handed the server's own connection.

Here: the first page by its name (``/ringkasan``), and what ``st.App`` gets.
The page script reads both cookies with ``st.context.cookies`` (``pages.auth``).
Nothing here imports a page; ``pages.auth`` imports the names it needs from here.
"""

from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from pages.server.browsers import BROWSER_COOKIE, BrowserMiddleware, browser_value
from pages.server.document import DocumentLanguage
from pages.server.sessions import (
    SESSION_COOKIE,
    SESSION_PATH,
    SIGN_OUT_PATH,
    session_address,
    sign_in,
    sign_out,
    sign_out_address,
)
from pages.server.site import base_path
from pages.server.static import CompressedStatic
from pages.server.wire import GatheringWebsocket

# The first page's URL path. Streamlit serves the default page only at the root ("/"), so a link or bookmark
# naming it (/ringkasan?desa=Pare) is sent there with its filters instead of reading "Page not found".
HOME_PATH = "ringkasan"

# What the entry point (``dashboard.py``) and the page edge (``pages.auth``) use, as ``server.NAME``.
__all__ = [
    "BROWSER_COOKIE", "HOME_PATH", "SESSION_COOKIE", "browser_value", "middleware", "routes", "session_address",
    "sign_out_address",
]


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
    return [Middleware(GatheringWebsocket), Middleware(CompressedStatic), Middleware(DocumentLanguage),
            Middleware(BrowserMiddleware)]
