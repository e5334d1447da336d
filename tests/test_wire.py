"""A rerun's messages leave for the browser together (pages/server/wire.py).

The transport is a recording stand-in and the clock is the test's own: which
writes go out together is decided by when the held writes' timer fires, never
by how fast this machine runs. ``tests/test_load.py`` checks that a real
server gathers (its log), and every browser test goes through it.
"""

from __future__ import annotations

import asyncio

# asyncio.run on a thread of its own: Playwright's synchronous API keeps a loop running in the test process.
from bench.load import run_coroutine
from pages.server import middleware
from pages.server.wire import (
    GATHER_S,
    GatheredWrites,
    GatheringWebsocket,
    gather_writes,
)


class Transport:
    """What uvicorn's connection has under it: every call recorded."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []
        self.closing = False

    def write(self, data: bytes) -> None:
        self.calls.append(("write", data))

    def writelines(self, pieces) -> None:
        self.calls.append(("writelines", list(pieces)))

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.calls.append(("close", None))
        self.closing = True

    def abort(self) -> None:
        self.calls.append(("abort", None))
        self.closing = True

    def get_write_buffer_size(self) -> int:
        return 7

    def get_extra_info(self, name: str, default=None):
        return ("127.0.0.1", 8501) if name == "peername" else default


class Timer:
    def __init__(self, callback) -> None:
        self.callback = callback
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class Clock:
    """An event loop's ``call_later`` whose timers fire when the test says."""

    def __init__(self) -> None:
        self.timers: list[tuple[float, Timer]] = []

    def call_later(self, delay: float, callback) -> Timer:
        timer = Timer(callback)
        self.timers.append((delay, timer))
        return timer

    def fire(self) -> None:
        due, self.timers = self.timers, []
        for _, timer in due:
            if not timer.cancelled:
                timer.callback()


def frames(n: int) -> list[bytes]:
    return [f"frame {i}".encode() for i in range(n)]


def test_what_is_written_before_the_timer_fires_leaves_in_one_call_in_order():
    transport, clock = Transport(), Clock()
    gathered = GatheredWrites(transport, clock)
    for frame in frames(40):  # a round of a rerun's messages, as Streamlit hands them over
        gathered.write(frame)
    assert transport.calls == []  # nothing has left yet
    assert [delay for delay, _ in clock.timers] == [GATHER_S]  # one timer for the whole round
    clock.fire()
    assert transport.calls == [("writelines", frames(40))]
    gathered.write(b"next round")  # the next write starts a new wait
    clock.fire()
    assert transport.calls[-1] == ("writelines", [b"next round"])
    assert len(transport.calls) == 2


def test_closing_sends_what_is_held_first_and_a_closed_connection_gets_nothing():
    transport, clock = Transport(), Clock()
    gathered = GatheredWrites(transport, clock)
    gathered.write(b"last message")
    gathered.write(b"close frame")
    gathered.close()
    assert transport.calls == [("writelines", [b"last message", b"close frame"]), ("close", None)]
    gathered.write(b"too late")
    clock.fire()
    assert transport.calls[-1] == ("close", None)  # written after closing: dropped, as the transport would


def test_abort_drops_what_is_held():
    transport, clock = Transport(), Clock()
    gathered = GatheredWrites(transport, clock)
    gathered.write(b"held")
    gathered.abort()
    clock.fire()
    assert transport.calls == [("abort", None)]


def test_everything_but_writing_is_the_transports_own():
    transport, clock = Transport(), Clock()
    gathered = GatheredWrites(transport, clock)
    gathered.write(b"12345")
    assert gathered.get_write_buffer_size() == 7 + 5  # what the transport holds and what is held here
    assert gathered.get_extra_info("peername") == ("127.0.0.1", 8501)
    assert not gathered.is_closing()
    gathered.write(b"")  # an empty write is no write
    clock.fire()
    assert transport.calls == [("writelines", [b"12345"])]


def test_on_a_real_event_loop_the_held_writes_leave():
    async def round_of_messages() -> Transport:
        transport = Transport()
        gathered = GatheredWrites(transport, asyncio.get_running_loop())
        for frame in frames(5):
            gathered.write(frame)
            await asyncio.sleep(0)  # Streamlit yields to the event loop between two messages
        await asyncio.sleep(GATHER_S * 20)
        return transport

    transport = run_coroutine(round_of_messages())
    sent = [piece for kind, pieces in transport.calls if kind == "writelines" for piece in pieces]
    assert sent == frames(5)
    assert all(kind == "writelines" for kind, _ in transport.calls)


class Protocol:
    """uvicorn's websocket protocol as the application sees it: its own bound ``send``, its ``transport``."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        self.sent: list[dict] = []

    async def send(self, message: dict) -> None:
        self.sent.append(message)
        self.transport.write(message.get("bytes", b""))


def test_the_middleware_gathers_a_websockets_writes_and_leaves_http_alone():
    seen: list[str] = []

    async def app(scope, receive, send) -> None:
        seen.append(scope["type"])
        await send({"type": "websocket.send", "bytes": b"delta"})

    async def receive() -> dict:
        return {}

    async def connect(kind: str) -> Protocol:
        protocol = Protocol(Transport())
        await GatheringWebsocket(app)({"type": kind}, receive, protocol.send)
        return protocol

    websocket = run_coroutine(connect("websocket"))
    assert isinstance(websocket.transport, GatheredWrites)
    assert websocket.sent == [{"type": "websocket.send", "bytes": b"delta"}]
    http = run_coroutine(connect("http"))
    assert isinstance(http.transport, Transport) and http.transport.calls == [("write", b"delta")]
    assert seen == ["websocket", "http"]


def test_a_send_that_is_not_a_servers_own_is_left_as_it_is():
    async def plain_send(message: dict) -> None:
        pass

    async def check() -> tuple[bool, bool, bool, bool]:
        protocol = Protocol(Transport())
        first = gather_writes(protocol.send)
        again = gather_writes(protocol.send)  # a connection is wrapped once
        wrapped_once = isinstance(protocol.transport._transport, Transport)
        return first, again, wrapped_once, gather_writes(plain_send)

    assert run_coroutine(check()) == (True, True, True, False)


def test_it_is_the_outermost_of_the_dashboards_middleware():
    # Outermost, it is handed the server's own send (Starlette's error middleware passes a websocket's through).
    assert middleware()[0].cls is GatheringWebsocket
