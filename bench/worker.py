"""One stage of the benchmark for one data folder, in its own process: ``python -m bench.worker STAGE ...``.

Each stage writes its figures as JSON to ``--out``; its process's peak memory
is part of them, so stages never share a process.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from dataclasses import asdict
from pathlib import Path

VILLAGES = ("Pare", "Gurah", "Wates", "Kandangan", "Ngasem", "Keras", "Grogol", "Wonojoyo", "Ngadiluwih", "Semampir")


def generate(args) -> dict:
    from bench.data import facts_dict, make_data

    return facts_dict(make_data(args.folder, args.size))


def plans(args) -> dict:
    from bench.apptest import page_plans

    return page_plans(args.folder)


def cold_csv(args) -> dict:
    from bench.compute import cold_start

    _, figures = cold_start(args.folder, "csv")
    return {**asdict(figures), "total_s": figures.total_s}


def compute(args) -> dict:
    from bench.compute import cold_start, peak_memory_mb, time_pages
    from bench.duck import connect

    dataset, figures = cold_start(args.folder, "store")
    page_plans = json.loads(Path(args.plans).read_text(encoding="utf-8"))
    time_pages(dataset, page_plans, 1)  # every page once, before DuckDB holds a copy of the data
    lib_peak = peak_memory_mb()
    began = time.perf_counter()
    con = connect(dataset)
    duck_load = time.perf_counter() - began
    pages = time_pages(dataset, page_plans, args.runs, con)
    return {
        "cold_store": {**asdict(figures), "total_s": figures.total_s},
        "budget_cells": len(dataset.budget),  # the prepared budget: one row per cell of equal lines
        "lib_peak_mb": lib_peak,
        "peak_with_duckdb_mb": peak_memory_mb(),
        "duckdb_load_s": duck_load,
        "duckdb_threads": con.execute("SELECT current_setting('threads')").fetchone()[0],
        "pages": [{**asdict(p), "lib_median_s": p.lib_median_s, "duck_median_s": p.duck_median_s,
                   "ratio": p.ratio} for p in pages],
    }


def apptest(args) -> dict:
    from bench.apptest import page_reruns
    from bench.compute import peak_memory_mb

    first, reruns = page_reruns(args.folder, list(VILLAGES), args.runs)
    return {"first_run_s": first, "peak_mb": peak_memory_mb(),
            "pages": {r.page: {"first_s": r.first_run_s, "reruns_s": r.reruns_s, "median_s": r.median_s}
                      for r in reruns}}


def browser(args) -> dict:
    from bench.browser import browser_times

    return asdict(browser_times(args.folder, list(VILLAGES), args.runs))


STAGES = {"generate": generate, "plans": plans, "cold-csv": cold_csv, "compute": compute,
          "apptest": apptest, "browser": browser}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.worker")
    parser.add_argument("stage", choices=sorted(STAGES))
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--size", type=int, default=0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--plans", type=Path)
    args = parser.parse_args(argv)
    began = time.perf_counter()
    result = STAGES[args.stage](args)
    if isinstance(result, dict) and args.stage != "plans":
        result["stage_s"] = time.perf_counter() - began
        result["load_average"] = os.getloadavg()
    args.out.write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
