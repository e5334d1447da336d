"""Every browser's own random cookie, and media addresses served only to the browsers they were sent to.

Streamlit serves ``/media/...`` (downloads, images) to anyone holding the link;
here a browser gets a random cookie (``BROWSER_COOKIE``) on its first request,
the media addresses its websocket is sent are granted to that cookie, and any
other browser asking for one is answered as if there were no such file.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable

from starlette.datastructures import Headers
from starlette.requests import cookie_parser
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lib import accounts
from pages.server.site import base_path, is_https

BROWSER_COOKIE = "dasbor_peramban"  # random per browser; binds media addresses and sign-in codes to it
MEDIA_PREFIX = "/media/"
MAX_GRANTED_FILES = 20_000
GRANT_SECONDS = 24 * 3600

# A media address as Streamlit writes it into the messages of a session: /media/<file id>.<extension>
_MEDIA_ADDRESS = re.compile(rb"/media/([A-Za-z0-9_-]{1,128}(?:\.[A-Za-z0-9]{1,16})?)")
_BROWSER_VALUE = re.compile(r"[A-Za-z0-9_-]{32,128}")


def browser_value(cookies: dict[str, str]) -> str | None:
    """The browser cookie among ``cookies`` when well formed, else None."""
    value = cookies.get(BROWSER_COOKIE)
    return value if value and _BROWSER_VALUE.fullmatch(value) else None


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
