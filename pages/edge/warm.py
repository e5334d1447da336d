"""What the analysis pages show for each single choice of a filter, computed ahead of the first visitor.

A filter change that asks a view nobody was shown before computes its tables,
tiles and charts (a fifth of a second on 100 thousand enrollments, seconds at
national scale); a view already shown costs a few milliseconds
(``pages.edge.cache``). On a morning when a whole department opens the
dashboard at once, those first computations queue behind each other.

So a background thread computes what each analysis page shows with no
filter, then for each village or village group, then for each year or period,
into the same caches the pages read, one view at a time: when the server
starts (the data in use, every village, in Indonesian: ``at_start``), and on
the first run of an analysis page for any other data version, scope or
language (``begin``: a new import, a village-limited account, English), once
per process. It draws nothing and sends nothing; a view a visitor asks
meanwhile is computed once, by whichever comes first (``lib.memo``). A failure
is logged and skips that view only; the log says when it is done. On a 2-core
machine it takes about 25 s on 100 thousand enrollments. ``DASBOR_WARM_UP=0``
turns it off. A server that shuts down stops its warm-ups after the view each is
computing (``stop``).

``WARMED`` says what each page computes, in the order its script (``pages/*.py``)
asks it; ``tests/test_warm.py`` runs every page after a warm-up and fails if
any of them computes something new.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace

from streamlit.logger import get_logger

from lib import settings
from lib.filters import VILLAGE, YEAR, Filters, Scope, chosen_values
from pages import auth
from pages.edge import cache, targets
from pages.edge.figures import computed_figure
from pages.edge.layouts import Anggaran, DaerahAsal, Desa, Hasil, Program, Ringkasan
from pages.edge.page import NEEDS_ANY, NEEDS_BUDGET, NEEDS_PARTICIPANTS, data_in_use, local_today
from pages.edge.tiles import tiles_of
from pages.edge.view import View

LOG = get_logger(__name__)  # Streamlit's own format and level (logger.level), in the server's output
DONE = "warm-up done"  # the start of the line the log gets when a warm-up has finished
EVENT_LOOP = "server event loop"  # the start of the line naming the event loop, logged as the server starts


def _ringkasan(view: View) -> None:
    achieved = targets.achievement(view)
    targets.tile_notes(view, achieved, Ringkasan.HEADLINE.measures)
    tiles_of(view, Ringkasan.HEADLINE)
    computed_figure(view, Ringkasan.TREND, targets.target_line(view, achieved))
    if not cache.source(view).targets.empty and not achieved.empty:
        targets.styled_table(view, achieved)


def _desa(view: View) -> None:
    for spec in Desa.BY_VILLAGE:
        computed_figure(view, spec)
    choices = chosen_values(view.filters, view.offer(VILLAGE.name))
    if len(choices) != 1:  # the profile opens by itself only when one village is chosen
        return
    village = choices[0]
    one = view.narrowed(view.filters.with_choice(VILLAGE.name, village))
    if cache.has_rows(one):
        tiles_of(view, Desa.PROFILE_TILES, village)
        for spec in (*Desa.ONE_VILLAGE, Desa.PROFILE_BUDGET):
            computed_figure(one, spec, village=village)


def _figures_of(*specs) -> Callable[[View], None]:
    def compute(view: View) -> None:
        for spec in specs:
            computed_figure(view, spec)
    return compute


def _with_tiles(tiles, *specs) -> Callable[[View], None]:
    figures = _figures_of(*specs)

    def compute(view: View) -> None:
        tiles_of(view, tiles)
        figures(view)
    return compute


# page title key -> (which rows its figures need, what its first visit computes): pages/*.py in drawing order.
WARMED: dict[str, tuple[str, Callable[[View], None]]] = {
    "page_ringkasan": (NEEDS_ANY, _ringkasan),
    "page_desa": (NEEDS_ANY, _desa),
    "page_program": (NEEDS_ANY, _figures_of(*Program.FIGURES)),
    "page_asal": (NEEDS_PARTICIPANTS, _figures_of(*DaerahAsal.FIGURES)),
    "page_anggaran": (NEEDS_BUDGET, _with_tiles(Anggaran.TOTAL, *Anggaran.FIGURES)),
    "page_hasil": (NEEDS_PARTICIPANTS, _with_tiles(Hasil.HEADLINE, *Hasil.FIGURES)),
}


def single_choices(view: View) -> Iterator[Filters]:
    """No filter, then each village and village group, then each year and period the view's account is offered."""
    yield Filters()
    for spec in (VILLAGE, YEAR):
        for choice in view.offer(spec.name).names():
            yield Filters().with_choice(spec.name, choice)


def warm_views(view: View, pause_s: float = 0.0, stopping: threading.Event | None = None) -> tuple[int, int]:
    """Compute every analysis page for every single choice (``single_choices``) in ``view``'s data, rules, scope
    and language; returns (views computed, views that failed). ``pause_s`` between views lets visitors' runs in;
    once ``stopping`` is set, no further view is begun."""
    done = failed = 0
    for filters in single_choices(view):
        each = replace(view, filters=filters, problems=())
        for title, (needs, compute) in WARMED.items():
            if stopping is not None and stopping.is_set():
                return done, failed
            try:
                if cache.has_rows(each, needs):
                    compute(each)
                done += 1
            except Exception:  # noqa: BLE001 - a view that fails here is computed (and reported) when asked
                LOG.exception("warm-up of %s under %s failed", title, filters)
                failed += 1
            time.sleep(pause_s)
    return done, failed


_STARTED: dict[tuple, threading.Thread] = {}
_LOCK = threading.Lock()
_STOPPING = threading.Event()  # set when the server shuts down (``stop``)


def turned_on() -> bool:
    """Whether the warm-up is on (``DASBOR_WARM_UP``, on unless ``0``)."""
    return settings.setting("DASBOR_WARM_UP").strip() != "0"


def _key(view: View) -> tuple:
    return view.data, view.rules, view.scope, view.lang, view.today


def _claimed(view: View, thread: threading.Thread) -> bool:
    """Whether ``thread`` is the first to warm ``view``'s data, rules, scope, language and day in this process."""
    key = _key(view)
    with _LOCK:
        if key in _STARTED:
            return False
        _STARTED[key] = thread
        return True


def begin(view: View) -> threading.Thread | None:
    """Start warming ``view``'s data, rules, scope and language in the background, once per process; the thread
    (None when turned off or already started)."""
    if not turned_on() or _key(view) in _STARTED:  # every analysis-page run asks: most find it started
        return None
    thread = threading.Thread(target=_run, args=(view,), name="dasbor-warm-up", daemon=True)
    if not _claimed(view, thread):
        return None
    thread.start()
    return thread


def _run(view: View) -> None:
    began = time.perf_counter()
    done, failed = warm_views(view, pause_s=0.005, stopping=_STOPPING)
    if _STOPPING.is_set():
        LOG.info("warm-up stopped (the server is shutting down) after %d views", done)
        return
    LOG.info("%s: %d views in %.1f s (%d failed)", DONE, done, time.perf_counter() - began, failed)


def start_view() -> View:
    """The view a server warms when it starts: the data in use, every village, in Indonesian, no filter."""
    data = data_in_use(auth.is_demo())
    rules = settings.privacy_rules()
    scope = Scope()
    return View(data, None, scope, "id", Filters(), rules, offered=cache.offered(data, rules, scope),
                today=local_today())


def _at_start() -> None:
    try:
        view = start_view()  # reads and prepares the data: the first visitor does not wait for it either
    except Exception:  # noqa: BLE001 - the first visitor is told why the data cannot be read
        LOG.exception("no warm-up: the data in use could not be read")
        return
    if _claimed(view, threading.current_thread()):
        _run(view)


def loop_name(loop: asyncio.AbstractEventLoop) -> str:
    """The package whose event loop ``loop`` is: "uvloop" (Streamlit's ``performance`` extra) or "asyncio"."""
    return type(loop).__module__.split(".")[0]


@contextlib.asynccontextmanager
async def at_start(_app) -> AsyncIterator[None]:
    """``st.App``'s lifespan: log which event loop serves the sessions (``EVENT_LOOP``), then warm the data in
    use in the background as the server starts."""
    LOG.info("%s: %s", EVENT_LOOP, loop_name(asyncio.get_running_loop()))
    if turned_on():
        threading.Thread(target=_at_start, name="dasbor-warm-up", daemon=True).start()
    yield
    stop(wait_s=0.0)  # a server that shuts down computes no further view


def stop(wait_s: float = 60.0) -> None:
    """Stop every warm-up of this process after the view it is computing, waiting up to ``wait_s`` for each;
    once all have ended, warm-ups begun later run again."""
    _STOPPING.set()
    try:
        for thread in started():
            if thread.is_alive() and thread is not threading.current_thread():
                thread.join(timeout=wait_s)
    finally:
        with _LOCK:
            if not any(thread.is_alive() for thread in _STARTED.values()):
                _STOPPING.clear()


def started() -> list[threading.Thread]:
    """The warm-up threads started in this process (for tests)."""
    with _LOCK:
        return list(_STARTED.values())
