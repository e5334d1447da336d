"""A rerun's messages leave for the browser together: one write to the socket, not one per element.

Streamlit sends every element of a rerun as a websocket message of its own (70
to 110 per filter change on the analysis pages) and hands them to the
connection one at a time, yielding to the event loop between two
(``Runtime._loop_coroutine``, every 5 ms). The server wrote each message to
its socket at once: a system call apiece, and through loopback (nginx in front
of the dashboard, or a browser on the same machine) the kernel delivers each
write in the writer's own time. Those writes were a sixth of a profile of the
server under load; gathering them took about a tenth off the server's CPU time
per filter change (measured paired against the same code without it).

``GatheringWebsocket``, the outermost middleware, gives each websocket
connection a transport that holds what is written for ``GATHER_S`` after the
first unsent write and sends it all in one ``writelines`` (one ``writev``). A
message waits at most that long; closing the connection sends what is held
first. uvicorn (which ``streamlit run`` starts for ``st.App``) hands the
application its protocol's own bound ``send``; through any other server the
connection is left as it is, and the server log says which it was.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send
from streamlit.logger import get_logger

GATHER_S = 0.001  # how long the first unsent write waits for the ones after it
LOG = get_logger(__name__)  # Streamlit's own format and level, in the server's output
GATHERED_LINE = "websocket writes: gathered"  # logged once, at the first websocket; tests/test_load.py reads it
NOT_GATHERED_LINE = "websocket writes: one per message (the server's transport is not reachable)"


class GatheredWrites:
    """``transport`` whose writes within ``GATHER_S`` of the first unsent one leave in one ``writelines``.

    Everything but writing and closing is the transport's own. ``transport`` is asyncio's or uvloop's (whose
    classes are not asyncio's).
    """

    def __init__(self, transport: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: list[bytes] = []
        self._timer: asyncio.TimerHandle | None = None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not data:
            return
        self._held.append(data if isinstance(data, bytes) else bytes(data))  # a caller may reuse its buffer
        if self._timer is None:
            self._timer = self._loop.call_later(GATHER_S, self.flush)

    def writelines(self, list_of_data: Iterable[bytes | bytearray | memoryview]) -> None:
        for data in list_of_data:
            self.write(data)

    def flush(self) -> None:
        """Send what is held, in one call (nothing once the connection is closing)."""
        self._stop_timer()
        held, self._held = self._held, []
        if held and not self._transport.is_closing():
            self._transport.writelines(held)

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + sum(len(data) for data in self._held)

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def abort(self) -> None:
        self._stop_timer()
        self._held = []
        self._transport.abort()

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def __getattr__(self, name: str) -> Any:  # is_closing, get_extra_info, pause_reading, resume_reading, ...
        return getattr(self._transport, name)


def gather_writes(send: Send) -> bool:
    """Make the connection behind ``send`` gather its writes; whether it could.

    uvicorn's protocols give the application their own bound ``send``, whose
    object holds the connection's ``transport``.
    """
    protocol = getattr(send, "__self__", None)
    transport = getattr(protocol, "transport", None)
    if isinstance(transport, GatheredWrites):
        return True
    if not all(callable(getattr(transport, name, None)) for name in ("write", "writelines", "is_closing")):
        return False  # uvloop's transports are not asyncio's classes: asked for what they can do
    protocol.transport = GatheredWrites(transport, asyncio.get_running_loop())  # type: ignore[union-attr]
    return True


class GatheringWebsocket:
    """Pure ASGI middleware, outermost: every websocket connection's writes gathered (``GatheredWrites``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._told = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            gathered = gather_writes(send)
            if not self._told:
                self._told = True
                LOG.info(GATHERED_LINE if gathered else NOT_GATHERED_LINE)
        await self.app(scope, receive, send)
