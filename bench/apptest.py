"""Full page reruns through Streamlit's ``AppTest``, and the lib calls each page makes (recorded, not guessed).

The dashboard runs as in production: the data folder holds an imported
version (the Parquet store) and an admin account, and the session is logged
in. Before each timed rerun every filter-keyed cache of ``pages.edge.cache`` is
emptied, so the rerun computes the new selection from the prepared data,
as the first visitor choosing that filter would; the loaded and prepared
dataset stays cached, as it does in a running server.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.data import USERNAME

ROOT = Path(__file__).resolve().parent.parent
# (page file, URL path) of every analysis page, in the navigation's order.
PAGES = (
    ("ringkasan.py", "ringkasan"),
    ("desa.py", "desa"),
    ("program.py", "program"),
    ("daerah_asal.py", "daerah-asal"),
    ("anggaran.py", "anggaran"),
    ("hasil.py", "hasil"),
)
VILLAGE_KEY = "desa"            # the sidebar's village selectbox (lib.filters.VILLAGE.param)
ONE_VILLAGE = "Pare"            # the one-village filter of the lib measurements
# Caches of pages.edge.cache keyed by the filters: emptied before each timed rerun.
FILTER_CACHES = ("selected_table", "raw_table", "published_table", "drawn_figure")


@dataclass(frozen=True)
class Call:
    """One published table a page asked for: filters (as Filters fields), table name, breakdown, measure columns."""

    filters: dict
    table: str
    by: tuple[str, ...]
    columns: tuple[str, ...]


def _filters_dict(filters) -> dict:
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(filters).items()}


@contextmanager
def recorded_calls() -> Iterator[list[Call]]:
    """Every ``pages.edge.cache.published_table`` call made meanwhile (cache hits included), in order."""
    from lib.figures import needed_columns
    from pages.edge import cache

    calls: list[Call] = []
    original = cache.published_table

    def recording(data, rules, scope, filters, table, by, measures):
        columns = tuple(needed_columns(measures)) if measures else ()
        calls.append(Call(_filters_dict(filters), table, tuple(by), columns))
        return original(data, rules, scope, filters, table, by, measures)

    cache.published_table = recording
    try:
        yield calls
    finally:
        cache.published_table = original


def clear_filter_caches() -> None:
    from pages.edge import cache

    for name in FILTER_CACHES:
        getattr(cache, name).clear()  # a renamed cache fails here rather than staying warm


def logged_in_app(folder: Path):
    """An AppTest of dashboard.py on ``folder``, its session logged in as the benchmark's admin."""
    from streamlit.testing.v1 import AppTest

    from lib import accounts
    from pages import auth

    os.environ["DASBOR_DATA_DIR"] = str(folder)
    with closing(accounts.open_accounts(Path(folder) / "accounts.sqlite3")) as conn:
        account = accounts.account_named(conn, USERNAME)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
    at.session_state[auth.ACCOUNT_KEY] = account
    return at


def _checked(at) -> None:
    if at.exception:
        raise RuntimeError("; ".join(e.message for e in at.exception))


def _choose(at, villages: list[str]) -> None:
    at.selectbox(key=VILLAGE_KEY).set_value(villages[0] if villages else "")  # one village, or everything


def page_plans(folder: Path, village: str = ONE_VILLAGE) -> dict[str, dict[str, list[dict]]]:
    """Per page, the published tables it asks for with the default filters and with ``village`` chosen."""
    at = logged_in_app(folder)
    at.run()
    _checked(at)
    plans: dict[str, dict[str, list[dict]]] = {}
    for file, _ in PAGES:
        at.switch_page(f"pages/{file}")
        _choose(at, [])
        with recorded_calls() as default:
            at.run()
        _checked(at)
        _choose(at, [village])
        with recorded_calls() as one:
            at.run()
        _checked(at)
        plans[file] = {"default": [asdict(c) for c in default], "village": [asdict(c) for c in one]}
    return plans


@dataclass(frozen=True)
class RerunTimes:
    """Seconds of a full page rerun after choosing one village (a selection not computed before)."""

    page: str
    first_run_s: float
    reruns_s: list[float]

    @property
    def median_s(self) -> float:
        return statistics.median(self.reruns_s)


def page_reruns(folder: Path, villages: list[str], runs: int,
                clock: Callable[[], float] = time.perf_counter) -> tuple[float, list[RerunTimes]]:
    """(the first run's seconds: loading and preparing the data, then the default page), and each page's reruns."""
    at = logged_in_app(folder)
    began = clock()
    at.run()
    first = clock() - began
    _checked(at)
    results = []
    for file, _ in PAGES:
        _choose(at, [])
        at.switch_page(f"pages/{file}")
        began = clock()
        at.run()
        first_page = clock() - began
        _checked(at)
        times = []
        for run in range(runs):
            _choose(at, [villages[run % len(villages)]])
            clear_filter_caches()
            began = clock()
            at.run()
            times.append(clock() - began)
            _checked(at)
        results.append(RerunTimes(file, first_page, times))
    return first, results
