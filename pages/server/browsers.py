"""Every browser's own random cookie, and media addresses served only to the browsers they were sent to.

Streamlit serves ``/media/...`` (downloads, images) to anyone holding the link;
here a browser gets a random cookie (``BROWSER_COOKIE``) on its first request,
the media addresses its websocket is sent are granted to that cookie, and any
other browser asking for one is answered as if there were no such file.

A download is made when its button is clicked (``pages.edge.downloads``).
Streamlit ties the file it makes then to no session, and deletes it when a
second script run ends in its process, any reader's: on a busy server another
reader's filter changes could delete it before the browser's fetch arrived,
and the download failed. Here such a file is kept (``KeptDownloads``) from the
moment its address is sent to the browser that clicked, and served to that
browser from the copy, for ``KEPT_DOWNLOAD_SECONDS``.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import quote

from google.protobuf.message import DecodeError
from starlette.datastructures import Headers
from starlette.requests import cookie_parser
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime import Runtime

from lib import accounts
from pages.server.site import base_path, is_https

BROWSER_COOKIE = "dasbor_peramban"  # random per browser; binds media addresses and sign-in codes to it
MEDIA_PREFIX = "/media/"
MAX_GRANTED_FILES = 20_000
GRANT_SECONDS = 24 * 3600
KEPT_DOWNLOAD_SECONDS = 10 * 60  # a clicked download stays fetchable this long by the browser that clicked
MAX_KEPT_DOWNLOAD_BYTES = 256 * 1024 * 1024  # per process; the oldest kept files go first

# A media address as Streamlit writes it into the messages of a session: /media/<file id>.<extension>
_MEDIA_ADDRESS = re.compile(rb"/media/([A-Za-z0-9_-]{1,128}(?:\.[A-Za-z0-9]{1,16})?)")
_BROWSER_VALUE = re.compile(r"[A-Za-z0-9_-]{32,128}")
# A download name Streamlit would not write inside quotes: a quote, a backslash or a control character.
_UNQUOTABLE_NAME = re.compile(r'["\\\x00-\x1f\x7f]')


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


def clicked_download(message: bytes) -> str | None:
    """The media file (``<id>.<ext>``) made by a download click, when ``message`` is Streamlit's answer to the click."""
    if b"/media/" not in message:
        return None
    answer = ForwardMsg()
    try:
        answer.ParseFromString(message)
    except DecodeError:
        return None
    if answer.WhichOneof("type") != "backend_operation_response":
        return None
    found = _MEDIA_ADDRESS.search(answer.backend_operation_response.deferred_file.url.encode("utf-8"))
    return found.group(1).decode("ascii") if found else None


@dataclass(frozen=True)
class KeptFile:
    """A download's bytes, type and file name, as Streamlit stored them."""

    content: bytes
    mimetype: str
    filename: str

    def response(self) -> Response:
        """The file as Streamlit's ``/media`` route answers for a download: an attachment under its own name."""
        if self.filename.isascii() and not _UNQUOTABLE_NAME.search(self.filename):
            disposition = f'filename="{self.filename}"'
        else:
            disposition = f"filename*=utf-8''{quote(self.filename, safe='')}"
        return Response(self.content, media_type=self.mimetype or "application/octet-stream",
                        headers={"Content-Disposition": f"attachment; {disposition}", "Cache-Control": "no-store"})


def streamlit_file(name: str) -> KeptFile | None:
    """The file ``name`` (``<id>.<ext>``) in this process's Streamlit media store now, or None if it is gone."""
    if not Runtime.exists():
        return None
    manager = Runtime.instance().media_file_mgr
    stored = manager.read_file(name) if manager.can_read_files else None
    if stored is None:
        return None
    return KeptFile(stored.content, stored.mimetype, stored.filename or name)


class KeptDownloads:
    """Files made on a download click, kept for ``seconds`` after their address was sent to the browser.

    Only the browsers granted the address are served the copy (``MediaGrants``). Bounded: the oldest files go
    first when more than ``max_bytes`` are kept.
    """

    def __init__(self, read: Callable[[str], KeptFile | None] = streamlit_file,
                 max_bytes: int = MAX_KEPT_DOWNLOAD_BYTES, seconds: float = KEPT_DOWNLOAD_SECONDS):
        self._files: OrderedDict[str, tuple[float, KeptFile]] = OrderedDict()  # name: (when kept, file)
        self._lock = threading.Lock()
        self._read = read
        self._max_bytes = max_bytes
        self._seconds = seconds

    def keep(self, name: str, now: float | None = None) -> None:
        """Keep a copy of the download ``name`` as it is stored now (nothing, if it is gone already)."""
        file = self._read(name)
        if file is None or len(file.content) > self._max_bytes:
            return
        now = time.monotonic() if now is None else now
        with self._lock:
            self._files.pop(name, None)
            self._files[name] = (now, file)
            while sum(len(kept.content) for _, kept in self._files.values()) > self._max_bytes:
                self._files.popitem(last=False)

    def get(self, name: str, now: float | None = None) -> KeptFile | None:
        """The kept download ``name``, or None when there is none or it has lapsed."""
        now = time.monotonic() if now is None else now
        with self._lock:
            while self._files:  # the oldest first: drop what has lapsed
                kept_at, _ = next(iter(self._files.values()))
                if now - kept_at < self._seconds:
                    break
                self._files.popitem(last=False)
            kept = self._files.get(name)
        return kept[1] if kept else None


GRANTS = MediaGrants()
KEPT_DOWNLOADS = KeptDownloads()


class BrowserMiddleware:
    """Pure ASGI middleware (it sees the websocket too): browser cookie, media grants, media guard, kept downloads."""

    def __init__(self, app: ASGIApp, grants: MediaGrants | None = None, kept: KeptDownloads | None = None) -> None:
        self.app = app
        self.grants = grants if grants is not None else GRANTS
        self.kept = kept if kept is not None else KEPT_DOWNLOADS

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
        if path.startswith(media):
            name = path[len(media):]
            if not self.grants.allowed(browser, name):
                # Not this browser's file: answer as if there were none.
                await PlainTextResponse("File not found", status_code=404, headers={"Cache-Control": "no-store"})(
                    scope, receive, send)
                return
            kept = self.kept.get(name) if scope.get("method") in ("GET", "HEAD") else None
            if kept is not None:
                await kept.response()(scope, receive, send)
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
                    clicked = clicked_download(message["bytes"])
                    if clicked is not None:
                        self.kept.keep(clicked)
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
