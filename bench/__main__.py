"""``python -m bench``: measure the dashboard at 10 thousand, 100 thousand and 1 million enrollments.

Writes docs/performance.md (see that file for what is measured and how). Each
stage of each size runs in its own process (``bench.worker``, ``bench.load``);
generated data lives in a temporary folder that is removed afterwards unless
``--keep``. The load stage (simulated users over Streamlit's websocket) runs at
one of the sizes, ``--load-size`` (100 thousand), or against ``--target``;
``--only load`` runs nothing else and rewrites only its section of the report.
The deployed stage (``bench/deployed.py``: two processes on a throwaway PostgreSQL
behind nginx, the same simulated users) runs on the load stage's data;
``--only deployed`` likewise.
The first-visit stage (``bench/first_visit.py``: a slow link, an empty cache)
runs once, not per size; ``--only first-visit`` likewise rewrites only its section.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.first_visit import write_section as write_first_visit_section
from bench import deployed
from bench.load import DEFAULT_LEVELS, IDLE_S
from bench.report import write_load_section, write_report

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
PLAN_SIZE = 2_000  # the pages' lib calls are recorded on a small copy of the data
LOAD_SIZE = 100_000  # the size the load stage runs at
STAGES = ("cold-csv", "compute", "apptest", "browser", "load", "first-visit", "deployed")


def _sizes(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def _stages(text: str) -> set[str]:
    chosen = {part.strip() for part in text.split(",") if part.strip()}
    unknown = chosen - set(STAGES)
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown stage(s) {sorted(unknown)}; choose from {', '.join(STAGES)}")
    return chosen


def _levels(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=_sizes, default=list(DEFAULT_SIZES),
                   help="enrollments per size, comma-separated (default: 10000,100000,1000000)")
    p.add_argument("--runs", type=int, default=5, help="runs per page computation, median reported (default: 5)")
    p.add_argument("--ui-runs", type=int, default=3,
                   help="filter changes per page through AppTest and in the browser (default: 3)")
    p.add_argument("--skip", type=_stages, default=set(),
                   help=f"stages to leave out, comma-separated: {', '.join(STAGES)}")
    p.add_argument("--only", choices=("load", "first-visit", "deployed"), default=None,
                   help="run only this stage and rewrite only its section of --out (load, first-visit, deployed)")
    load = p.add_argument_group("load stage (simulated users speaking Streamlit's websocket protocol)")
    load.add_argument("--load-size", type=int, default=LOAD_SIZE,
                      help="enrollments of the load stage's data (default: 100000)")
    load.add_argument("--users", type=_levels, default=list(DEFAULT_LEVELS),
                      help="simulated users per level, comma-separated (default: 1,10,25,50,100)")
    load.add_argument("--window", type=float, default=60.0, help="measuring window per level, seconds (default: 60)")
    load.add_argument("--ramp", type=float, default=20.0, help="ramp-up before each window, seconds (default: 20)")
    load.add_argument("--idle", type=float, default=IDLE_S,
                      help=f"seconds a fresh server's idle CPU is measured before the users come (default: {IDLE_S:g})")
    load.add_argument("--soak", type=float, default=30.0,
                      help="minutes of the memory soak at 25 users, 0 for none (default: 30)")
    load.add_argument("--soak-reference", type=float, default=5.0,
                      help="the soak's memory after this many minutes is compared with its end (default: 5)")
    load.add_argument("--server-option", action="append", default=[], metavar="NAME=VALUE",
                      help="a Streamlit setting for the load stage's servers, e.g. runner.postScriptGC=true")
    load.add_argument("--target", default=None,
                      help="measure a dashboard already running there (host:port or http(s)://host:port/prefix) "
                           "instead of starting one; no soak")
    load.add_argument("--deployed-users", type=_levels, default=list(deployed.DEFAULT_LEVELS),
                      help="simulated users per level of the deployed stage (two processes behind nginx), "
                           "comma-separated (default: 1,10,25,50)")
    load.add_argument("--pids", default="", help="with --target: its server process ids, for CPU and memory")
    load.add_argument("--insecure", action="store_true", help="with an https --target: accept any certificate")
    p.add_argument("--out", type=Path, default=ROOT / "docs" / "performance.md",
                   help="the report to write (default: docs/performance.md)")
    p.add_argument("--json", type=Path, default=None, help="also write every figure as JSON here")
    p.add_argument("--workdir", type=Path, default=None,
                   help="folder for the generated data (default: a new temporary folder)")
    p.add_argument("--keep", action="store_true", help="keep the generated data afterwards")
    return p


def run_stage(stage: str, folder: Path, out: Path, log, **options) -> dict:
    """Run one stage in a fresh Python process and return its figures."""
    command = [sys.executable, "-m", "bench.worker", stage, "--folder", str(folder), "--out", str(out)]
    for name, value in options.items():
        command += [f"--{name}", str(value)]
    print(f"  {stage} ({folder.name}) ...", end="", flush=True, file=log)
    began = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True)
    print(f" {time.perf_counter() - began:.0f} s", file=log, flush=True)
    if done.returncode != 0:
        raise RuntimeError(f"stage {stage} failed for {folder}:\n{done.stderr[-4000:]}")
    return json.loads(out.read_text(encoding="utf-8"))


def load_command(args, folder: Path | None, out: Path) -> list[str]:
    """The ``python -m bench.load`` command of the load stage: own servers on ``folder``, or ``--target``."""
    command = [sys.executable, "-m", "bench.load", "--out", str(out), "--users", ",".join(map(str, args.users)),
               "--window", str(args.window), "--ramp", str(args.ramp)]
    if args.target:
        command += ["--target", args.target]
        if args.pids:
            command += ["--pids", args.pids]
        if args.insecure:
            command.append("--insecure")
        return command
    command += ["--folder", str(folder), "--idle", str(args.idle)]
    for option in args.server_option:
        command += ["--server-option", option]
    if args.soak > 0:
        command += ["--soak", str(args.soak * 60), "--soak-reference", str(args.soak_reference * 60)]
    return command


def run_load(args, folder: Path | None, out: Path, log) -> dict:
    """The load stage in its own process; its figures, with the size of the data it ran on."""
    print(f"  load ({folder.name if folder else args.target}) ...", file=log, flush=True)
    began = time.perf_counter()
    # Its progress (one line per level) goes straight to the terminal: a full run takes the best part of an hour.
    done = subprocess.run(load_command(args, folder, out), cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    print(f"  load: {time.perf_counter() - began:.0f} s", file=log, flush=True)
    if done.returncode != 0:
        raise RuntimeError(f"the load stage failed (exit code {done.returncode}; its messages are above)")
    return {**json.loads(out.read_text(encoding="utf-8")), "size": None if args.target else args.load_size}


def run_only_load(args, log=sys.stdout) -> dict:
    """Only the load stage: its data (unless ``--target``), then the simulated users."""
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="dasbor-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        folder = None
        if not args.target:
            folder = workdir / f"n{args.load_size}"
            print(f"{args.load_size:,} enrollments", file=log, flush=True)
            run_stage("generate", folder, workdir / f"{args.load_size}-generate.json", log, size=args.load_size)
        return run_load(args, folder, workdir / "load.json", log)
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)


def run_only_deployed(args, log=sys.stdout) -> dict:
    """Only the deployed stage: its data, then two processes behind nginx under the simulated users."""
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="dasbor-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        folder = workdir / f"n{args.load_size}"
        print(f"{args.load_size:,} enrollments", file=log, flush=True)
        run_stage("generate", folder, workdir / f"{args.load_size}-generate.json", log, size=args.load_size)
        return deployed.run_stage(folder, workdir / "deployed.json", args.deployed_users, args.window, args.ramp,
                                  args.load_size, log)
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)


def run_first_visit(out: Path, log=sys.stdout) -> dict:
    """The first-visit stage in its own process (``bench.first_visit``); its figures."""
    print("  first-visit ...", file=log, flush=True)
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "bench.first_visit", "--out", str(out)], cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    print(f"  first-visit: {time.perf_counter() - began:.0f} s", file=log, flush=True)
    if done.returncode != 0:
        raise RuntimeError(f"the first-visit stage failed (exit code {done.returncode}; its messages are above)")
    return json.loads(out.read_text(encoding="utf-8"))


def run(args, log=sys.stdout) -> dict:
    """Every stage for every size; returns all figures (what the report is written from)."""
    started = dt.datetime.now().astimezone()
    began = time.perf_counter()
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="dasbor-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results: dict = {"started": started.isoformat(timespec="seconds"), "sizes": {}, "options": {
        "runs": args.runs, "ui_runs": args.ui_runs, "skip": sorted(args.skip), "load_size": args.load_size},
        "load_before": os.getloadavg()}
    try:
        plan_folder = workdir / "plans"
        print(f"recording the pages' lib calls on {PLAN_SIZE:,} enrollments", file=log, flush=True)
        run_stage("generate", plan_folder, workdir / "plan-data.json", log, size=PLAN_SIZE)
        plans_file = workdir / "plans.json"
        results["plans"] = run_stage("plans", plan_folder, plans_file, log)
        for size in args.sizes:
            print(f"{size:,} enrollments", file=log, flush=True)
            folder = workdir / f"n{size}"
            figures = {"data": run_stage("generate", folder, workdir / f"{size}-generate.json", log, size=size)}
            if "cold-csv" not in args.skip:
                figures["cold_csv"] = run_stage("cold-csv", folder, workdir / f"{size}-cold-csv.json", log)
            if "compute" not in args.skip:
                figures["compute"] = run_stage("compute", folder, workdir / f"{size}-compute.json", log,
                                               plans=plans_file, runs=args.runs)
            if "apptest" not in args.skip:
                figures["apptest"] = run_stage("apptest", folder, workdir / f"{size}-apptest.json", log,
                                               runs=args.ui_runs)
            if "browser" not in args.skip:
                figures["browser"] = run_stage("browser", folder, workdir / f"{size}-browser.json", log,
                                               runs=args.ui_runs)
            if "load" not in args.skip and size == args.load_size and not args.target:
                results["load"] = run_load(args, folder, workdir / f"{size}-load.json", log)
            if "deployed" not in args.skip and size == args.load_size:
                results["deployed"] = deployed.run_stage(folder, workdir / f"{size}-deployed.json",
                                                         args.deployed_users, args.window, args.ramp, size, log)
            results["sizes"][str(size)] = figures
            if not args.keep:
                shutil.rmtree(folder, ignore_errors=True)
        if "load" not in args.skip and args.target:
            results["load"] = run_load(args, None, workdir / "load.json", log)
        if "first-visit" not in args.skip:
            results["first_visit"] = run_first_visit(workdir / "first-visit.json", log)
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    results["duration_s"] = time.perf_counter() - began
    results["load_after"] = os.getloadavg()
    return results


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.only == "load":
        figures = run_only_load(args)
        if args.json:
            args.json.write_text(json.dumps(figures, indent=1, default=str), encoding="utf-8")
        write_load_section(figures, args.out)
        print(f"wrote the load section of {args.out} ({figures['stage_s'] / 60:.1f} min)")
        return 0
    if args.only == "first-visit":
        with tempfile.TemporaryDirectory(prefix="dasbor-bench-") as workdir:
            figures = run_first_visit(Path(workdir) / "first-visit.json")
        if args.json:
            args.json.write_text(json.dumps(figures, indent=1, default=str), encoding="utf-8")
        write_first_visit_section(figures, args.out)
        print(f"wrote the first-visit section of {args.out}")
        return 0
    if args.only == "deployed":  # beside the one-process figures of an earlier --json, when it holds them
        one_process = deployed.earlier_load(args.json)
        figures = run_only_deployed(args)
        if args.json:
            args.json.write_text(json.dumps({"load": one_process, "deployed": figures}, indent=1, default=str),
                                 encoding="utf-8")
        deployed.write_section(figures, args.out, one_process)
        print(f"wrote the deployed section of {args.out} ({figures['stage_s'] / 60:.1f} min)")
        return 0
    results = run(args)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    write_report(results, args.out)
    if results.get("deployed"):
        deployed.write_section(results["deployed"], args.out, results.get("load"))
    if results.get("first_visit"):
        write_first_visit_section(results["first_visit"], args.out)
    print(f"wrote {args.out} ({results['duration_s'] / 60:.1f} min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
