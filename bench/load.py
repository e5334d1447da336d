"""Many people at once, without browsers: simulated users speaking Streamlit's own websocket protocol.

Each simulated user is what one browser tab sends and receives, nothing more:
it loads the page's HTML (which gives it the dashboard's browser cookie, as
every browser gets one; nginx keeps a browser on one dashboard process by it),
opens ``/_stcore/stream`` with that cookie, asks for one analysis page (a ``BackMsg`` whose
``rerun_script`` carries a ``ClientState``: query string, page, widget states,
the hashes of the messages it holds), logs in through the login form if the
dashboard asks, and reads ``ForwardMsg``s until the run has finished
(``script_finished``). Then, every 2 to 5 seconds (think time), it changes the
village filter through the widget, as the browser does: the widget is found in
the deltas it received (by its key or URL parameter, whatever its kind: a
multiselect or a selectbox) and its new value goes into ``widget_states``
(changing the URL alone does not change a widget after its first run). Each
change is timed from sending to the finished rerun, its bytes are counted, and
a hash of the figures it received (metrics, charts, tables) must differ from
the figures of the village before.

Users arrive spread over a ramp-up, then a measuring window counts: changes
served per second, p50/p95/max from change to finished rerun, first-page
latency, errors and time-outs, the server's CPU time and memory (psutil on its
process ids, when it runs on this machine; in sum and per process) and bytes per rerun.

    python -m bench.load --folder DATA --users 1,10,25 --out load.json   # one server per level on DATA
    python -m bench.load --target https://host:8443/dasbor --users 25 --pids 1234,1235 --out load.json

``python -m bench --only load`` runs it at 100 thousand enrollments and writes
its tables into docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
from concurrent.futures import ThreadPoolExecutor
import contextlib
import datetime as dt
import hashlib
import http.cookies
import json
import math
import os
import random
import re
import ssl
import statistics
import subprocess
import sys
import time
import tomllib
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psutil
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ContextInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import WebSocketException

ROOT = Path(__file__).resolve().parent.parent
STREAM_PATH = "_stcore/stream"
# The analysis pages (URL paths); simulated users are spread over them in this order.
PAGES = ("ringkasan", "desa", "program", "daerah-asal", "anggaran", "hasil")
VILLAGE_KEY = "desa"  # the sidebar's village filter: its widget key, the same as its URL parameter
# The login form of pages/masuk.py: widget keys of the username, the password and the submit button.
LOGIN_KEYS = ("masuk_nama", "masuk_sandi", "masuk_kirim")
PASSWORD_FILE = "bench-password.txt"  # written by bench.data next to the benchmark's data
USERNAME = "bench-admin"
# Elements whose content is a figure: a change of filter must change at least one of them.
FIGURE_KINDS = frozenset({"metric", "plotly_chart", "dataframe", "table", "vega_lite_chart", "deck_gl_json_chart",
                          "echarts_chart"})
# Choice widgets and the WidgetState field the browser fills for each (Streamlit's serde value_type).
CHOICE_KINDS = {"multiselect": "string_array_value", "selectbox": "string_value", "radio": "string_value",
                "button_group": "string_array_value"}
DEFAULT_LEVELS = (1, 10, 25, 50, 100)
IDLE_S = 20.0  # how long a server's idle CPU is measured before the users come
MB = 1024 * 1024


# --- where the dashboard is -----------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """The dashboard's address: scheme, host:port and path prefix (``https://host:8443/dasbor``)."""

    url: str
    verify_tls: bool = True

    @property
    def stream_url(self) -> str:
        """The websocket of Streamlit's protocol under this address (ws:// or wss://)."""
        parts = urlsplit(self.url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        return urlunsplit((scheme, parts.netloc, parts.path.rstrip("/") + "/" + STREAM_PATH, "", ""))

    def page_url(self, path: str) -> str:
        return self.url.rstrip("/") + "/" + path

    def tls_context(self) -> ssl.SSLContext | None:
        """The TLS settings of an https address (None for http): the certificate checked unless told not to."""
        if urlsplit(self.url).scheme != "https":
            return None
        context = ssl.create_default_context()
        if not self.verify_tls:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context


def browser_cookies(where: Target, timeout_s: float = 60.0) -> str:
    """The cookies the dashboard's page sets, as a ``Cookie`` header ("" when it sets none).

    A browser loads the page before opening its websocket; the dashboard gives it
    a random cookie of its own then (``pages/server/browsers.py``), and nginx's sticky
    sessions hash on that cookie. Without it every simulated user behind one
    address would reach the same dashboard process.
    """
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=where.tls_context()))
    with opener.open(where.page_url(""), timeout=timeout_s) as response:
        response.read()
        jar = http.cookies.SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or ():
            jar.load(header)
    return "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items())


def target(text: str, verify_tls: bool = True) -> Target:
    """A Target from ``host:port``, ``http://host:port/prefix`` or ``https://...``."""
    text = text.strip()
    if "://" not in text:
        text = "http://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not a dashboard address: {text!r} (expected host:port or http(s)://host:port/prefix)")
    return Target(urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", "")), verify_tls)


# --- what one run sent ----------------------------------------------------------------------
@dataclass(frozen=True)
class Widget:
    """A widget as the deltas describe it: id, element kind, user key, label, options, URL parameter."""

    id: str
    kind: str
    key: str
    label: str
    options: tuple[str, ...] = ()
    query_param_key: str = ""


@dataclass
class Run:
    """One finished script run as a browser receives it (after any reruns it chains)."""

    seconds: float
    bytes: int
    messages: int
    widgets: dict[str, Widget]
    figures: str  # hash of every figure element drawn, in order
    exceptions: list[str]
    page_script_hash: str
    compile_error: bool = False


def user_key(element_id: str) -> str:
    """The key a page gave a widget, from its id (``$$ID-<hash>-<key>``); "" for a widget without one."""
    parts = element_id.split("-", 2)
    return parts[2] if len(parts) == 3 and parts[0] == "$$ID" else ""


def find_widget(widgets: dict[str, Widget], key: str, kinds: Sequence[str] = tuple(CHOICE_KINDS),
                label: str | None = None) -> Widget | None:
    """The widget keyed (or bound to URL parameter) ``key`` of one of ``kinds``, else the one labelled ``label``."""
    for widget in widgets.values():
        if widget.kind in kinds and key in (widget.key, widget.query_param_key):
            return widget
    if label is not None:
        for widget in widgets.values():
            if widget.kind in kinds and widget.label == label:
                return widget
    return None


def choice_state(widget: Widget, value: str) -> WidgetState:
    """The WidgetState a browser sends when ``value`` is picked alone in ``widget``."""
    state = WidgetState(id=widget.id)
    field_name = CHOICE_KINDS[widget.kind]
    if field_name == "string_array_value":
        state.string_array_value.data.append(value)
    else:
        setattr(state, field_name, value)
    return state


def _widget(kind: str, element) -> Widget | None:
    element_id = getattr(element, "id", "")
    if not element_id:
        return None
    options = tuple(getattr(element, "options", ()) or ())
    if kind == "button_group":
        options = tuple(o.content for o in element.options)
    return Widget(element_id, kind, user_key(element_id), getattr(element, "label", ""), options,
                  getattr(element, "query_param_key", ""))


class RunFailed(RuntimeError):
    """The run cannot be used: the connection closed, the script did not compile, or the page lacks a widget."""


# --- one browser tab ------------------------------------------------------------------------
class Tab:
    """One browser tab's side of the protocol: its websocket, message cache, widget states, page and URL."""

    def __init__(self, where: Target, locale: str = "id-ID"):
        self.target = where
        self.locale = locale
        self.ws: ClientConnection | None = None
        self.cookies: str | None = None  # the browser's cookies, once its first page load has set them
        self.page_script_hash = ""
        self.query_string = ""
        self.pages: dict[str, str] = {}  # URL path -> page script hash, from the navigation message
        self.widget_states: dict[str, WidgetState] = {}
        # The browser's ForwardMsg cache: hash -> (encoded message, run count when last used).
        self._cache: dict[str, tuple[bytes, int]] = {}
        self._runs = 0
        self._max_age = 2

    async def open(self, timeout_s: float = 60.0) -> None:
        if self.cookies is None:  # a browser's first visit loads the page, and keeps its cookies afterwards
            self.cookies = await asyncio.to_thread(browser_cookies, self.target, timeout_s)
        # Browsers send no websocket pings and wait as long as a run takes: neither does this tab.
        self.ws = await connect(self.target.stream_url, subprotocols=["streamlit"], max_size=None,
                                ping_interval=None, open_timeout=timeout_s, proxy=None,
                                ssl=self.target.tls_context(),
                                additional_headers={"Cookie": self.cookies} if self.cookies else None)

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await self.ws.close()
            self.ws = None

    def _client_state(self, msg: BackMsg, page_name: str | None) -> None:
        state = msg.rerun_script
        state.query_string = self.query_string
        state.page_script_hash = self.page_script_hash
        if page_name is not None:  # a URL typed or bookmarked: the server finds the page by its path
            state.page_name = page_name
            state.page_script_hash = ""
        state.widget_states.widgets.extend(self.widget_states.values())
        state.cached_message_hashes.extend(self._cache)
        path = page_name if page_name is not None else next(
            (p for p, h in self.pages.items() if h == self.page_script_hash), "")
        state.context_info.CopyFrom(ContextInfo(timezone="Asia/Jakarta", timezone_offset=-420, locale=self.locale,
                                                url=self.target.page_url(path), is_embedded=False,
                                                color_scheme="light"))

    def bind(self, widget: Widget, values: Sequence[str]) -> None:
        """Write a URL-bound widget's new value into the query string, as the browser does when it changes."""
        if not widget.query_param_key:
            return
        params = [(k, v) for k, v in parse_qsl(self.query_string, keep_blank_values=True)
                  if k != widget.query_param_key]
        self.query_string = urlencode(params + [(widget.query_param_key, v) for v in values])

    async def rerun(self, changes: Sequence[WidgetState] = (), page_name: str | None = None,
                    timeout_s: float = 60.0) -> Run:
        """Send one rerun request (with ``changes`` to widget values) and read until its run has finished.

        Raises TimeoutError after ``timeout_s`` and RunFailed when the connection closes.
        """
        if self.ws is None:
            raise RunFailed("not connected")
        for state in changes:
            self.widget_states[state.id] = state
        msg = BackMsg()
        self._client_state(msg, page_name)
        for state in changes:  # a trigger (a button press) fires once
            if state.WhichOneof("value") in ("trigger_value", "string_trigger_value", "json_trigger_value"):
                self.widget_states.pop(state.id, None)
        began = time.perf_counter()
        try:
            await self.ws.send(msg.SerializeToString())
            async with asyncio.timeout(timeout_s):
                return await self._read_run(began)
        except WebSocketException as exc:
            raise RunFailed(f"connection closed: {exc}") from exc

    def _resolved(self, data: bytes) -> ForwardMsg:
        """The message, a reference to a cached one replaced by it (as the browser's ForwardMsgCache does)."""
        msg = ForwardMsg.FromString(data)
        if msg.HasField("ref_hash"):
            cached = self._cache.get(msg.ref_hash)
            if cached is None:
                raise RunFailed(f"cached message missing: {msg.ref_hash}")
            self._cache[msg.ref_hash] = (cached[0], self._runs)
            full = ForwardMsg.FromString(cached[0])
            full.metadata.CopyFrom(msg.metadata)
            return full
        if msg.metadata.cacheable and msg.hash:
            self._cache[msg.hash] = (data, self._runs)
        return msg

    def _finished_run(self) -> None:
        """Age the message cache by one run and drop what the browser would drop."""
        self._runs += 1
        for digest, (_, used) in list(self._cache.items()):
            if self._runs - used > self._max_age:
                del self._cache[digest]

    async def _read_run(self, began: float) -> Run:
        total = count = 0
        widgets: dict[str, Widget] = {}
        exceptions: list[str] = []
        figures = hashlib.blake2b(digest_size=16)
        while True:
            data = await self.ws.recv()
            if isinstance(data, str):
                raise RunFailed("text frame received")
            total += len(data)
            count += 1
            msg = self._resolved(data)
            kind = msg.WhichOneof("type")
            if kind == "new_session":  # a run starts: what counts is the last run of the chain
                widgets, exceptions = {}, []
                figures = hashlib.blake2b(digest_size=16)
                self.page_script_hash = msg.new_session.page_script_hash
                if msg.new_session.config.max_cached_message_age:
                    self._max_age = msg.new_session.config.max_cached_message_age
            elif kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
            elif kind == "page_info_changed":
                self.query_string = msg.page_info_changed.query_string
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element_kind = msg.delta.new_element.WhichOneof("type")
                element = getattr(msg.delta.new_element, element_kind)
                if element_kind in FIGURE_KINDS:
                    figures.update(bytes(msg.metadata.delta_path))
                    figures.update(element.SerializeToString(deterministic=True))
                elif element_kind == "exception":
                    exceptions.append(f"{element.type}: {element.message}"[:300])
                if (widget := _widget(element_kind, element)) is not None:
                    widgets[widget.id] = widget
            elif kind == "script_finished":
                status = msg.script_finished
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue
                if status == ForwardMsg.FINISHED_SUCCESSFULLY:
                    self._finished_run()
                    # Like the browser's WidgetStateManager: forget the states of widgets no longer drawn.
                    self.widget_states = {k: v for k, v in self.widget_states.items() if k in widgets}
                return Run(time.perf_counter() - began, total, count, widgets, figures.hexdigest(), exceptions,
                           self.page_script_hash, compile_error=status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR)


@dataclass(frozen=True)
class Login:
    """An account of the dashboard's own login form."""

    username: str
    password: str


async def open_page(tab: Tab, path: str, login: Login | None, timeout_s: float) -> Run:
    """Open the page at URL ``path``; log in through the form when it shows; the run that draws the page."""
    run = await tab.rerun(page_name=path, timeout_s=timeout_s)
    name, password, submit = (find_widget(run.widgets, key, ("text_input", "button")) for key in LOGIN_KEYS)
    if name is not None and password is not None and submit is not None:
        if login is None:
            raise RunFailed("the dashboard asks to log in and no account was given")
        run = await tab.rerun([WidgetState(id=name.id, string_value=login.username),
                               WidgetState(id=password.id, string_value=login.password),
                               WidgetState(id=submit.id, trigger_value=True)], timeout_s=timeout_s)
        if find_widget(run.widgets, LOGIN_KEYS[0], ("text_input",)) is not None:
            raise RunFailed("login refused")
    if path in tab.pages and tab.page_script_hash != tab.pages[path]:  # landed elsewhere: follow the menu link
        tab.query_string = ""
        tab.page_script_hash = tab.pages[path]
        run = await tab.rerun(timeout_s=timeout_s)
    return run


# --- one simulated user -----------------------------------------------------------------------
@dataclass
class Change:
    """One filter change: when it was sent (seconds since the start), its latency or None, bytes, figures changed."""

    sent_at: float
    seconds: float | None
    bytes: int = 0
    changed: bool = True
    error: str = ""


@dataclass
class UserRecord:
    page: str
    first_page_s: float | None = None
    changes: list[Change] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    reconnects: int = 0


@dataclass(frozen=True)
class Plan:
    """How a load run goes: users, ramp-up, measuring window, think time, time-out, pages, account, seed."""

    users: int
    ramp_s: float = 20.0
    window_s: float = 60.0
    think_s: tuple[float, float] = (2.0, 5.0)
    timeout_s: float = 60.0  # a change slower than this counts as a time-out
    give_up_s: float = 300.0  # a first page or change still unanswered after this ends the tab, which reloads
    pages: tuple[str, ...] = PAGES
    login: Login | None = None
    seed: int = 2015
    village_key: str = VILLAGE_KEY
    # The choices to switch between (single villages: a named group of one village shows that village's
    # figures); every option of the widget when none of these is offered.
    values: tuple[str, ...] = ()


@dataclass
class Window:
    """The measuring window in seconds since ``origin``: it opens after the ramp-up, once every user has a page."""

    origin: float = field(default_factory=time.perf_counter)
    start: float = math.inf
    end: float = math.inf

    def now(self) -> float:
        return time.perf_counter() - self.origin

    def open(self, length_s: float) -> None:
        self.start = self.now()
        self.end = self.start + length_s


def _next_value(widget: Widget, current: str | None, allowed: Sequence[str], rng: random.Random) -> str:
    """Another of ``allowed`` than ``current`` among the widget's options (any other option if none is allowed)."""
    candidates = [o for o in widget.options if o != current and o in allowed]
    if not candidates:
        candidates = [o for o in widget.options if o != current]
    if not candidates:
        raise RunFailed(f"widget {widget.key or widget.label!r} offers nothing else to choose")
    return rng.choice(candidates)


async def _visit(tab: Tab, record: UserRecord, plan: Plan) -> Run:
    began = time.perf_counter()
    await tab.open(plan.timeout_s)
    run = await open_page(tab, record.page, plan.login, plan.give_up_s)  # a first page is waited for
    if run.exceptions:
        raise RunFailed("the page shows an error: " + run.exceptions[0])
    if find_widget(run.widgets, plan.village_key) is None:
        raise RunFailed(f"no village filter on page {record.page!r}")
    if record.first_page_s is None:
        record.first_page_s = time.perf_counter() - began
    return run


async def simulated_user(index: int, plan: Plan, where: Target, window: Window, record: UserRecord,
                         ready: asyncio.Event) -> None:
    """Arrive during the ramp-up, open one page, then change the village filter every few seconds until the end.

    ``ready`` is set once the first visit has ended (with the page or without).
    """
    rng = random.Random(plan.seed * 1000 + index)
    await asyncio.sleep(max(0.0, plan.ramp_s * index / max(plan.users, 1) - window.now()))
    tab = Tab(where)
    current: str | None = None
    run: Run | None = None
    try:
        while window.now() < window.end:
            if run is None:  # first visit, or the tab reloaded after a failure
                try:
                    run = await _visit(tab, record, plan)
                    current = None
                except (RunFailed, TimeoutError, OSError, WebSocketException) as exc:
                    record.errors.append(f"opening {record.page}: {type(exc).__name__}: {exc}"[:300])
                    await tab.close()
                    ready.set()
                    await asyncio.sleep(rng.uniform(*plan.think_s))
                    continue
                ready.set()
            await asyncio.sleep(rng.uniform(*plan.think_s))
            sent_at = window.now()
            if sent_at >= window.end:
                break
            widget = find_widget(run.widgets, plan.village_key)
            if widget is None:
                record.errors.append(f"village filter gone from {record.page}")
                run = None
                await tab.close()
                continue
            value = _next_value(widget, current, plan.values, rng)
            tab.bind(widget, [value])
            try:  # like the browser, wait for a slow run (it counts as a time-out) until giving up
                after = await tab.rerun([choice_state(widget, value)], timeout_s=plan.give_up_s)
            except (TimeoutError, RunFailed, OSError, WebSocketException) as exc:
                error = "no answer" if isinstance(exc, TimeoutError) else f"{type(exc).__name__}: {exc}"[:300]
                record.changes.append(Change(sent_at, None, error=error))
                record.reconnects += 1
                run = None
                await tab.close()  # the browser reloads the page
                continue
            error = ("the page shows an error: " + after.exceptions[0]) if after.exceptions else (
                "compile error" if after.compile_error else "time-out" if after.seconds > plan.timeout_s else "")
            record.changes.append(Change(sent_at, after.seconds, after.bytes, after.figures != run.figures, error))
            run, current = after, value
    finally:
        ready.set()
        await tab.close()


# --- the server's process ---------------------------------------------------------------------
def _processes(pids: Sequence[int]) -> list[psutil.Process]:
    out = []
    for pid in pids:
        try:
            process = psutil.Process(pid)
            out += [process, *process.children(recursive=True)]
        except psutil.NoSuchProcess:
            pass
    return out


def cpu_seconds(pids: Sequence[int]) -> float:
    """CPU time (user + system) used so far by the processes ``pids`` and their children."""
    total = 0.0
    for process in _processes(pids):
        with contextlib.suppress(psutil.Error):
            times = process.cpu_times()
            total += times.user + times.system
    return total


def rss_mb(pids: Sequence[int]) -> float:
    """Resident memory now of ``pids`` and their children, in MB."""
    total = 0
    for process in _processes(pids):
        with contextlib.suppress(psutil.Error):
            total += process.memory_info().rss
    return total / MB


def peak_rss_mb(pids: Sequence[int]) -> float:
    """The highest resident memory each of ``pids`` reached (VmHWM), summed, in MB."""
    total = 0.0
    for process in _processes(pids):
        with contextlib.suppress(OSError, psutil.Error):
            for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1]) / 1024
    return total


# --- one load run -------------------------------------------------------------------------------
@dataclass
class ProcessFigures:
    """One server process's part of a load run (with its children): CPU in the window, memory in MB."""

    pid: int
    cpu_s: float
    cpu_percent: float      # of one core, over the window
    rss_start_mb: float
    rss_end_mb: float
    peak_rss_mb: float      # the highest it reached since it started (VmHWM)


@dataclass
class LoadFigures:
    """What one load run measured (times in seconds, memory in MB)."""

    users: int
    window_s: float
    changes: int            # changes sent in the window
    served: int             # changes finished in the window
    changes_per_s: float
    p50_s: float | None
    p95_s: float | None
    max_s: float | None
    first_page_p50_s: float | None
    first_page_p95_s: float | None
    first_page_max_s: float | None
    errors: int
    timeouts: int           # changes slower than the plan's time-out (still waited for, and in the latencies)
    unchanged: int          # changes after which no figure differed from the village before
    bytes_per_rerun: float | None
    server_cpu_s: float | None
    cpu_per_change_ms: float | None
    server_cpu_percent: float | None
    rss_start_mb: float | None
    rss_end_mb: float | None
    peak_rss_mb: float | None
    generator_cpu_percent: float
    ramp_s: float           # when the window opened: the ramp-up and every user's first page
    users_without_page: int
    warm_up_s: float | None = None  # how long the server's start-up warm-up took (pages.edge.warm), waited for
    event_loop: str | None = None  # the server's event loop as its log names it ("uvloop", "asyncio")
    # The server's CPU while nobody used it, in ms per second (measured before the users came), and the CPU per
    # change without it: what the changes cost, not the server's own timers spread over few changes.
    idle_cpu_ms_per_s: float | None = None
    cpu_per_change_net_ms: float | None = None
    error_examples: list[str] = field(default_factory=list)
    memory_samples: list[tuple[float, float]] = field(default_factory=list)  # (seconds into the window, MB)
    processes: list[ProcessFigures] = field(default_factory=list)  # each of the server's process ids, in order


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100) by the nearest-rank method; None without values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def summary(plan: Plan, records: Sequence[UserRecord], window: Window, *, cpu_s: float | None,
            rss_start: float | None, rss_end: float | None, peak: float | None, generator_cpu_s: float,
            samples: Sequence[tuple[float, float]] = (), processes: Sequence[ProcessFigures] = ()
            ) -> LoadFigures:
    """The figures of a load run from its users' records: only changes sent inside the measuring window count."""
    start, end = window.start, window.end
    measured = [c for r in records for c in r.changes if start <= c.sent_at < end]
    done = [c for c in measured if c.seconds is not None]
    served = [c for c in done if c.sent_at + c.seconds < end]
    latencies = [c.seconds for c in done]
    firsts = [r.first_page_s for r in records if r.first_page_s is not None]
    errors = [c.error for c in measured if c.error and c.error != "time-out"]  # a slow change is a time-out
    examples = sorted({*errors, *(e for r in records for e in r.errors)})[:5]
    return LoadFigures(
        users=plan.users, window_s=plan.window_s, changes=len(measured), served=len(served),
        changes_per_s=len(served) / plan.window_s,
        p50_s=statistics.median(latencies) if latencies else None, p95_s=percentile(latencies, 95),
        max_s=max(latencies) if latencies else None,
        first_page_p50_s=statistics.median(firsts) if firsts else None, first_page_p95_s=percentile(firsts, 95),
        first_page_max_s=max(firsts) if firsts else None,
        errors=len(errors) + sum(len(r.errors) for r in records),
        timeouts=sum(1 for c in measured if c.error == "time-out"),
        unchanged=sum(1 for c in done if c.error in ("", "time-out") and not c.changed),
        bytes_per_rerun=statistics.mean(c.bytes for c in done) if done else None,
        server_cpu_s=cpu_s, cpu_per_change_ms=cpu_s / len(served) * 1000 if cpu_s is not None and served else None,
        server_cpu_percent=cpu_s / plan.window_s * 100 if cpu_s is not None else None,
        rss_start_mb=rss_start, rss_end_mb=rss_end, peak_rss_mb=peak,
        generator_cpu_percent=generator_cpu_s / plan.window_s * 100,
        ramp_s=start, users_without_page=sum(1 for r in records if r.first_page_s is None),
        error_examples=examples, memory_samples=list(samples), processes=list(processes),
    )


async def _sample_memory(pids: Sequence[int], window: Window, every_s: float,
                         samples: list[tuple[float, float]]) -> None:
    while True:
        samples.append((window.now() - window.start, rss_mb(pids)))
        await asyncio.sleep(every_s)


async def load(plan: Plan, where: Target, pids: Sequence[int] = (), sample_every_s: float | None = None
               ) -> LoadFigures:
    """Run ``plan.users`` simulated users against ``where``; the server's figures from ``pids`` when given.

    The window opens when the ramp-up is over and every user has opened its page
    (logging in included), or has given up; it never waits longer than ``plan.give_up_s``.
    """
    if not plan.values:
        plan = replace(plan, values=villages_in())
    me = psutil.Process()
    records = [UserRecord(plan.pages[i % len(plan.pages)]) for i in range(plan.users)]
    readies = [asyncio.Event() for _ in records]
    window = Window()
    users = [asyncio.create_task(simulated_user(i, plan, where, window, r, e))
             for i, (r, e) in enumerate(zip(records, readies))]
    await asyncio.sleep(plan.ramp_s)
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(plan.give_up_s):
            await asyncio.gather(*(e.wait() for e in readies))
    window.open(plan.window_s)
    # Each process's CPU is read once at each end of the window, first thing: the total is their sum, so the
    # parts add up to it however busy the machine is between two readings.
    cpu_each_start = [cpu_seconds([pid]) for pid in pids]
    cpu_start = sum(cpu_each_start) if pids else None
    rss_start = rss_mb(pids) if pids else None
    rss_each_start = [rss_mb([pid]) for pid in pids]
    own_start = sum(me.cpu_times()[:2])
    samples: list[tuple[float, float]] = []
    sampler = asyncio.create_task(_sample_memory(pids, window, sample_every_s, samples)) \
        if pids and sample_every_s else None
    await asyncio.sleep(plan.window_s)
    cpu_each_end = [cpu_seconds([pid]) for pid in pids]
    cpu_end = sum(cpu_each_end) if pids else None
    rss_end, peak = (rss_mb(pids), peak_rss_mb(pids)) if pids else (None, None)
    processes = []
    for pid, start, end, rss in zip(pids, cpu_each_start, cpu_each_end, rss_each_start):
        used = end - start
        processes.append(ProcessFigures(pid, used, used / plan.window_s * 100, rss, rss_mb([pid]), peak_rss_mb([pid])))
    own = sum(me.cpu_times()[:2]) - own_start
    if sampler is not None:
        sampler.cancel()
        samples.append((window.now() - window.start, rss_end))
    # Changes still on their way finish (or time out) before the tabs close; they are not in the window's count.
    await asyncio.gather(*users, return_exceptions=True)
    return summary(plan, records, window, cpu_s=None if cpu_start is None else cpu_end - cpu_start,
                   rss_start=rss_start, rss_end=rss_end, peak=peak, generator_cpu_s=own, samples=samples,
                   processes=processes)


def run_coroutine(coroutine):
    """Run ``coroutine`` to its end on an event loop of its own, on a thread of its own.

    A caller whose thread already runs an event loop (Playwright's synchronous API keeps one
    running in the test process) cannot call ``asyncio.run`` itself.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="load") as pool:
        return pool.submit(asyncio.run, coroutine).result()


def run_load(plan: Plan, where: Target, pids: Sequence[int] = (), sample_every_s: float | None = None
             ) -> LoadFigures:
    """``load`` from synchronous code (its own event loop)."""
    return run_coroutine(load(plan, where, pids, sample_every_s))


# --- a server of our own on a data folder --------------------------------------------------------
@contextlib.contextmanager
def served(folder: Path, options: dict[str, str] | None = None) -> Iterator[tuple[Target, int, Path]]:
    """``streamlit run dashboard.py`` on ``folder`` (as bench.browser starts it); (its address, its process id,
    its log file).

    ``options``: Streamlit settings for this server only (``{"runner.postScriptGC": "true"}``),
    passed as Streamlit's STREAMLIT_* environment variables over .streamlit/config.toml.
    """
    from streamlit import config

    from bench.browser import Server

    known = config.get_config_options()
    unknown = set(options or {}) - set(known)
    if unknown:
        raise ValueError(f"unknown Streamlit setting(s): {sorted(unknown)}")
    names = {known[name].env_var: value for name, value in (options or {}).items()}
    saved = {k: os.environ.get(k) for k in names}
    os.environ.update(names)
    try:
        with Server(folder) as server:
            yield target(server.url), server.process.pid, server.log
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def project_settings(root: Path = ROOT) -> dict[str, object]:
    """The Streamlit settings .streamlit/config.toml gives every server of the dashboard, as ``section.name``."""
    path = root / ".streamlit" / "config.toml"
    if not path.exists():
        return {}
    parsed = tomllib.loads(path.read_text(encoding="utf-8"))
    return {f"{section}.{name}": value for section, values in parsed.items() if isinstance(values, dict)
            for name, value in values.items()}


def villages_in(folder: Path | None = None) -> tuple[str, ...]:
    """The villages of the reference lists in ``folder`` (the bundled lists without one): what the users pick."""
    from lib.schema import DEFAULT_REFERENCE_FILE, load_reference

    path = Path(folder) / "reference.toml" if folder is not None else DEFAULT_REFERENCE_FILE
    return load_reference(path if path.exists() else DEFAULT_REFERENCE_FILE).villages


def login_for(folder: Path | None, username: str = USERNAME) -> Login | None:
    """The benchmark's account when ``folder`` holds its password file, else None (open demo mode)."""
    if folder is None or not (Path(folder) / PASSWORD_FILE).exists():
        return None
    return Login(username, (Path(folder) / PASSWORD_FILE).read_text(encoding="utf-8").strip())


async def warm(where: Target, plan: Plan) -> None:
    """One visitor opens a page first, so the data is loaded and prepared before the users arrive.

    On a fresh server it also takes the process out of Streamlit's older multipage
    mode (``pages.edge.page.through_entrypoint``) before several first visitors race for it.
    """
    tab = Tab(where)
    try:
        await tab.open(plan.timeout_s)
        await open_page(tab, plan.pages[0], plan.login, max(plan.timeout_s, 600.0))
    finally:
        await tab.close()


def warmed_up(log: Path, timeout_s: float = 900.0) -> float | None:
    """Wait until the server logging to ``log`` has finished its start-up warm-up (``pages.edge.warm``); the
    seconds it reports, or None when the warm-up is turned off. A department's server starts before the meeting
    that uses it: the users come to a warmed server, and the warm-up's own duration is reported beside them."""
    from pages.edge.warm import DONE, turned_on

    if not turned_on():
        return None
    deadline = time.monotonic() + timeout_s
    pattern = re.compile(re.escape(DONE) + r": \d+ views in ([\d.]+) s")
    while time.monotonic() < deadline:
        found = pattern.search(log.read_text(encoding="utf-8", errors="replace")) if log.exists() else None
        if found:
            return float(found.group(1))
        time.sleep(0.5)
    raise RuntimeError(f"the server did not finish its warm-up within {timeout_s:.0f} s; see {log}")


def idle_cpu_ms_per_s(pids: Sequence[int], seconds: float = IDLE_S) -> float:
    """The CPU time ``pids`` use per second while nobody uses them, over ``seconds``, in ms."""
    began = cpu_seconds(pids)
    time.sleep(seconds)
    return (cpu_seconds(pids) - began) / seconds * 1000


def without_idle(figures: LoadFigures, idle_ms_per_s: float) -> LoadFigures:
    """``figures`` with the server's idle CPU rate and the CPU per served change net of it."""
    net = None
    if figures.server_cpu_s is not None and figures.served:
        used = figures.server_cpu_s - idle_ms_per_s / 1000 * figures.window_s
        net = max(used, 0.0) / figures.served * 1000
    return replace(figures, idle_cpu_ms_per_s=idle_ms_per_s, cpu_per_change_net_ms=net)


def event_loop(log: Path) -> str | None:
    """The event loop the server logging to ``log`` runs on, as it logs it at start (``pages.edge.warm.at_start``)."""
    from pages.edge.warm import EVENT_LOOP

    if not log.exists():
        return None
    found = re.search(re.escape(EVENT_LOOP) + r": (\w+)", log.read_text(encoding="utf-8", errors="replace"))
    return found.group(1) if found else None


def levels_on_folder(folder: Path, levels: Sequence[int], plan: Plan, options: dict[str, str] | None = None,
                     log=sys.stderr, idle_s: float = IDLE_S) -> list[LoadFigures]:
    """Each number of users against a fresh server on ``folder`` (warmed by one visitor first, then left idle
    ``idle_s`` seconds to measure its idle CPU)."""
    out = []
    for users in levels:
        level = replace(plan, users=users)
        with served(folder, options) as (where, pid, server_log):
            run_coroutine(warm(where, level))
            warm_up_s = warmed_up(server_log)
            idle = idle_cpu_ms_per_s([pid], idle_s)
            print(f"    {users} users ...", end="", flush=True, file=log)
            figures = replace(without_idle(run_load(level, where, [pid]), idle), warm_up_s=warm_up_s,
                              event_loop=event_loop(server_log))
            print(f" {figures.changes_per_s:.1f} changes/s, p95 {_fmt(figures.p95_s)}", file=log, flush=True)
            out.append(figures)
    return out


def soak_on_folder(folder: Path, users: int, soak_s: float, reference_s: float, plan: Plan,
                   options: dict[str, str] | None = None, every_s: float = 10.0) -> dict:
    """``users`` for ``soak_s`` seconds on one server: its memory after ``reference_s`` and at the end."""
    level = replace(plan, users=users, window_s=soak_s)
    with served(folder, options) as (where, pid, server_log):
        run_coroutine(warm(where, level))
        warmed_up(server_log)
        figures = run_load(level, where, [pid], sample_every_s=every_s)
    return soak_verdict(figures, reference_s)


def soak_verdict(figures: LoadFigures, reference_s: float, tolerance: float = 0.10) -> dict:
    """Memory at ``reference_s`` into the window and at its end; bounded when the end is within ``tolerance``."""
    samples = figures.memory_samples
    if not samples:
        return {"figures": asdict(figures), "reference_s": reference_s, "bounded": None}
    reference = min(samples, key=lambda s: abs(s[0] - reference_s))
    end = samples[-1]
    return {"figures": asdict(figures), "reference_s": reference_s, "reference_mb": reference[1],
            "end_s": end[0], "end_mb": end[1], "growth": end[1] / reference[1] - 1,
            "bounded": end[1] <= reference[1] * (1 + tolerance), "tolerance": tolerance}


def _commit() -> str | None:
    """The commit the dashboard's code is at (None outside a git checkout)."""
    try:
        done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f} s"


# --- command line ---------------------------------------------------------------------------------
def _ints(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def _options(items: Sequence[str]) -> dict[str, str]:
    out = {}
    for item in items:
        name, _, value = item.partition("=")
        if not value:
            raise argparse.ArgumentTypeError(f"expected name=value, got {item!r}")
        out[name.strip()] = value.strip()
    return out


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--folder", type=Path, help="data folder: start one server per level on it (DASBOR_DATA_DIR)")
    where.add_argument("--target", help="a running dashboard: host:port or http(s)://host:port/prefix")
    p.add_argument("--users", type=_ints, default=list(DEFAULT_LEVELS), help="simulated users per level (1,10,25,50,100)")
    p.add_argument("--window", type=float, default=60.0, help="measuring window per level, seconds (60)")
    p.add_argument("--ramp", type=float, default=20.0, help="ramp-up before the window, seconds (20)")
    p.add_argument("--idle", type=float, default=IDLE_S,
                   help=f"with --folder: seconds each fresh server's idle CPU is measured first ({IDLE_S:g})")
    p.add_argument("--think", type=float, nargs=2, default=(2.0, 5.0), metavar=("MIN", "MAX"),
                   help="seconds between one user's changes (2 5)")
    p.add_argument("--timeout", type=float, default=60.0, help="a change not finished after this is a time-out (60)")
    p.add_argument("--pages", default=",".join(PAGES), help="URL paths of the pages the users open")
    p.add_argument("--user", default=USERNAME, help="account for the login form (with --password-file)")
    p.add_argument("--password-file", type=Path, help="its password (default: the folder's bench-password.txt)")
    p.add_argument("--pids", type=_ints, default=[], help="with --target: server process ids for CPU and memory")
    p.add_argument("--insecure", action="store_true", help="with https: accept any certificate")
    p.add_argument("--server-option", action="append", default=[], metavar="NAME=VALUE",
                   help="with --folder: a Streamlit setting for the server, e.g. runner.postScriptGC=true")
    p.add_argument("--soak", type=float, default=0.0, help="with --folder: also a soak of this many seconds")
    p.add_argument("--soak-users", type=int, default=25, help="users during the soak (25)")
    p.add_argument("--soak-reference", type=float, default=60.0,
                   help="the soak's memory at this many seconds is compared with its end (60)")
    p.add_argument("--seed", type=int, default=2015)
    p.add_argument("--out", type=Path, help="write every figure here as JSON")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    options = _options(args.server_option)
    login = None
    if args.password_file is not None:
        login = Login(args.user, args.password_file.read_text(encoding="utf-8").strip())
    elif args.folder is not None:
        login = login_for(args.folder, args.user)
    plan = Plan(users=0, ramp_s=args.ramp, window_s=args.window, think_s=tuple(args.think), timeout_s=args.timeout,
                pages=tuple(p.strip() for p in args.pages.split(",") if p.strip()), login=login, seed=args.seed,
                values=villages_in(args.folder))
    result: dict = {"options": {"window_s": args.window, "ramp_s": args.ramp, "think_s": list(args.think),
                                "idle_s": args.idle,
                                "timeout_s": args.timeout, "pages": list(plan.pages),
                                "server_options": options, "login": login is not None,
                                "project_settings": project_settings()}}
    result["started"] = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    result["commit"] = _commit()
    began = time.perf_counter()
    if args.folder is not None:
        result["target"] = "streamlit run dashboard.py (one process per level)"
        levels = levels_on_folder(args.folder, args.users, plan, options, idle_s=args.idle)
        result["levels"] = [asdict(f) for f in levels]
        if args.soak > 0:
            print(f"    soak: {args.soak_users} users for {args.soak / 60:.0f} min ...", file=sys.stderr, flush=True)
            result["soak"] = soak_on_folder(args.folder, args.soak_users, args.soak, args.soak_reference, plan,
                                            options)
    else:
        where = target(args.target, verify_tls=not args.insecure)
        result["target"] = where.url
        result["levels"] = []
        for users in args.users:
            figures = run_load(replace(plan, users=users), where, args.pids)
            result["levels"].append(asdict(figures))
    result["stage_s"] = time.perf_counter() - began
    result["load_average"] = os.getloadavg()
    text = json.dumps(result, indent=1, default=str)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
