"""Streamlit's scripts and styles (``/static/...``) sent compressed, from a copy compressed once.

Streamlit itself sends them uncompressed. The copy (``deploy/compress.py``:
Brotli and gzip) is made once per installed Streamlit, by a child process at
start; until it exists, Streamlit's own answers go out.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from starlette.types import ASGIApp, Receive, Scope, Send
from streamlit.logger import get_logger

from pages.server.site import base_path

ROOT = Path(__file__).resolve().parents[2]
_LOG = get_logger(__name__)


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
