"""Cold start and each page's computation in lib, against DuckDB answering the same breakdowns.

A page's computation is what ``pages.common`` does for the tables the page
asks for (recorded by ``bench.apptest.page_plans``) when nothing is cached:
``filtered`` once per (selection, table read), ``indicator_table`` once per (table,
breakdown), then the measure columns and ``privacy.publishable`` per figure.
That is mirrored here, outside Streamlit, from the same lib functions.
"""

from __future__ import annotations

import gc
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lib import store as data_store
from lib.filters import Filters, filtered, with_tables
from lib.indicators import TABLE_READS, indicator_table
from lib.loading import load_folder
from lib.measures import BY_NAME
from lib.prepare import prepared
from lib.keys import DEMO_SECRET, INSTALLATION_SECRET, installation_secret
from lib.privacy import Rules, dimension_columns, publishable
from lib.schema import Dataset, load_reference

K = 5  # the dashboard's default privacy threshold
RULES = Rules(k=K, b=5)  # and its default rounding base


def peak_memory_mb() -> float:
    """This process's peak resident memory so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass(frozen=True)
class ColdStart:
    """Seconds to read the data into frames, then to prepare them (once per dataset), and the peak memory after."""

    path: str
    load_s: float
    prepare_s: float
    peak_mb: float

    @property
    def total_s(self) -> float:
        return self.load_s + self.prepare_s


def cold_start(folder: Path, path: str, clock: Callable[[], float] = time.perf_counter) -> tuple[Dataset, ColdStart]:
    """Load ``folder``'s data as the dashboard does (``path`` "store": the imported version; "csv": the files), then prepare."""
    reference = load_reference(folder / "reference.toml")
    began = clock()
    if path == "store":
        dataset = data_store.current_dataset(folder / "store", reference)
    else:
        dataset = load_folder(folder / "demo", reference, label="demo", is_demo=True)
    loaded = clock()
    # The secret the dashboard itself reads from this data folder: the demo's, or the installation's.
    secret = installation_secret(folder, DEMO_SECRET if path != "store" else INSTALLATION_SECRET)
    ready = prepared(dataset, secret, RULES)
    done = clock()
    return ready, ColdStart(path, loaded - began, done - loaded, peak_memory_mb())


def as_filters(fields: dict) -> Filters:
    """Filters from their recorded fields: ``{"chosen": [["village", "Pare"]]}``."""
    return Filters(tuple(tuple(pair) for pair in fields.get("chosen", ())))


def published_table(selection: Dataset, table: str, by: tuple[str, ...], columns: tuple[str, ...],
                    raw: pd.DataFrame | None = None) -> pd.DataFrame:
    """What the page edge's cache returns (``lib.figures.published``): the table's measure columns, published."""
    raw = indicator_table(selection, table, by) if raw is None else raw
    if columns:
        raw = raw[[c for c in raw.columns if c not in BY_NAME or c in columns]]
    return publishable(raw, dimension_columns(raw), RULES)


def page_computation(dataset: Dataset, calls: list[dict],
                     clock: Callable[[], float] = time.perf_counter) -> tuple[dict[tuple, pd.DataFrame], float]:
    """Every table of one page run from scratch: the raw tables by (filters, table, by), and the seconds spent suppressing."""
    suppressing = 0.0
    tables: dict[tuple, pd.DataFrame] = {}  # (filters, table name) -> its selected rows
    raws: dict[tuple, pd.DataFrame] = {}
    done: set[tuple] = set()
    for call in calls:
        filters = as_filters(call["filters"])
        by, columns = tuple(call["by"]), tuple(call["columns"])
        reads = TABLE_READS[call["table"]]
        for name in reads:
            if (filters, name) not in tables:
                tables[filters, name] = filtered(dataset, filters, (name,)).table(name)
        selection = with_tables(dataset, {name: tables[filters, name] for name in reads})
        key = (filters, call["table"], by)
        if key not in raws:
            raws[key] = indicator_table(selection, call["table"], by)
        if (key, columns) not in done:
            began = clock()
            published_table(selection, call["table"], by, columns, raws[key])
            suppressing += clock() - began
            done.add((key, columns))
    return raws, suppressing


def duck_computation(con, calls: list[dict]) -> dict[tuple, pd.DataFrame]:
    """The same (filters, table, by) breakdowns answered by DuckDB, one query each."""
    from bench.duck import query

    out: dict[tuple, pd.DataFrame] = {}
    for call in calls:
        filters = as_filters(call["filters"])
        key = (filters, call["table"], tuple(call["by"]))
        if key not in out:
            out[key] = con.execute(query(call["table"], key[2], filters)).df()
    return out


@dataclass(frozen=True)
class PageTimes:
    """One page and filter state: median seconds in lib and in DuckDB, and whether their figures agree."""

    page: str
    scenario: str
    tables: int
    lib_s: list[float]
    suppress_s: list[float]
    duck_s: list[float]
    same: bool

    @property
    def lib_median_s(self) -> float:
        return statistics.median(self.lib_s)

    @property
    def duck_median_s(self) -> float:
        return statistics.median(self.duck_s)

    @property
    def ratio(self) -> float:
        return self.lib_median_s / self.duck_median_s if self.duck_median_s > 0 else float("nan")


def time_pages(dataset: Dataset, plans: dict, runs: int, con=None,
               clock: Callable[[], float] = time.perf_counter) -> list[PageTimes]:
    """Each page's computation (lib, and DuckDB when ``con`` is given), ``runs`` times each, runs interleaved."""
    from bench.duck import same_figures

    results = []
    for page, scenarios in plans.items():
        for scenario, calls in scenarios.items():
            lib_times, suppress_times, duck_times, same = [], [], [], True
            for run in range(runs):
                gc.collect()  # a collection left over from the previous run is not this page's cost
                began = clock()
                raws, suppressing = page_computation(dataset, calls)
                lib_times.append(clock() - began)
                suppress_times.append(suppressing)
                if con is not None:
                    gc.collect()
                    began = clock()
                    answers = duck_computation(con, calls)
                    duck_times.append(clock() - began)
                    if run == 0:
                        same = all(same_figures(raws[key], answers[key]) for key in raws)
            results.append(PageTimes(page, scenario, len({(c["table"], tuple(c["by"])) for c in calls}),
                                     lib_times, suppress_times, duck_times, same if con is not None else False))
    return results
