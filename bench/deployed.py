"""Two dashboard processes behind nginx on one PostgreSQL database, under ``bench.load``'s simulated users.

The installation of docs/deploy.md, made on this machine and thrown away afterwards:

1. a PostgreSQL cluster of its own (``tests/postgres.py``'s ``start_server``: ``initdb`` and ``pg_ctl`` as an
   unprivileged user, a Unix socket in a temporary folder) and one database;
2. its tables (``python -m lib.backend init``), the benchmark's admin account (``python -m lib.accounts add``)
   and the data folder's CSV files imported the way an installation imports them, from the command line
   (``python -m lib.importer --yes``);
3. per level of users, fresh ``streamlit run dashboard.py`` processes on that database
   (``DASBOR_DATABASE_URL``; the command of docs/deploy.md), each warmed by one visitor of its own, and nginx
   rendered from ``deploy/`` in front of them (``tests/support/nginx.py``'s ``running_nginx``: TLS with a
   self-signed certificate, sticky sessions on the dashboard's browser cookie);
4. ``bench.load``'s users through nginx over https, as browsers come: each loads the page (and gets its
   browser cookie), then opens Streamlit's websocket. Measured per process: CPU and memory (psutil), and the
   sessions nginx sent it (its access log); for the machine: the CPU nginx and PostgreSQL used.

    python -m bench.deployed --folder DATA --users 1,10,25,50 --out deployed.json

``DATA`` is a benchmark data folder (``bench.data.make_data``). ``python -m bench --only deployed``
generates 100 thousand enrollments, runs this and rewrites the report's section (docs/performance.md); the
one-process figures of the load stage stand beside it when the run's JSON holds them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, replace
from pathlib import Path

from bench.load import (
    PAGES,
    STREAM_PATH,
    Plan,
    _commit,
    _ints,
    cpu_seconds,
    login_for,
    project_settings,
    run_coroutine,
    run_load,
    target,
    villages_in,
    warm,
)
from tests.support.processes import stop_group

ROOT = Path(__file__).resolve().parent.parent
SECTION = "deployed"  # the report's section: <!-- section: deployed --> ... <!-- /section: deployed -->
BEGIN, END = f"<!-- section: {SECTION} -->", f"<!-- /section: {SECTION} -->"
DEFAULT_LEVELS = (1, 10, 25, 50)
PROCESSES = 2
PRIVACY_K = "5"  # as the one-process load stage's server (bench.browser.Server)
STARTUP_S = 180
DASH = "—"
# nginx's access log (deploy/nginx.conf.template, format "dasbor"): a websocket nginx passed to a process.
_SESSION_LINE = re.compile(rf'"GET /{re.escape(STREAM_PATH)}" 101 .*\bupstream=\S*:(\d+)\b')


# --- the installation ---------------------------------------------------------------------------------
def _command(module: str, args: Sequence[str], env: Mapping[str, str], stdin: str | None = None) -> str:
    """``python -m <module> <args>`` as an administrator runs it on the server; its output (fails loudly)."""
    done = subprocess.run([sys.executable, "-m", module, *args], input=stdin, cwd=ROOT, env=dict(env),
                          capture_output=True, text=True, timeout=3600, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"python -m {module} {' '.join(args[:3])} ... failed ({done.returncode}):\n"
                           f"{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return done.stdout


@contextlib.contextmanager
def database() -> Iterator[tuple[str, object]]:
    """A throwaway PostgreSQL cluster and an empty database in it: (its URL, the cluster); removed at exit."""
    from tests.postgres import postgres_bin, start_server

    bin_dir = postgres_bin()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL is not installed: apt-get install postgresql")
    server = start_server(bin_dir)
    try:
        yield server.create_database(), server
    finally:
        server.stop()
        shutil.rmtree(server.root, ignore_errors=True)


def install(folder: Path, url: str, data_dir: Path) -> tuple[dict[str, str], float]:
    """The benchmark's data and admin in the database at ``url``, as docs/deploy.md installs them.

    Returns the dashboard processes' environment and the seconds the command-line import took.
    """
    login = login_for(folder)
    if login is None:
        raise RuntimeError(f"{folder} is not a benchmark data folder (no password file; see bench/data.py)")
    data_dir.mkdir(parents=True, exist_ok=True)
    for name in ("reference.toml", "regencies.csv"):
        shutil.copy(folder / name, data_dir / name)
    env = {**os.environ, "DASBOR_DATA_DIR": str(data_dir), "DASBOR_DATABASE_URL": url,
           "DASBOR_PRIVACY_K": PRIVACY_K, "PYTHONPATH": str(ROOT)}
    _command("lib.backend", ["init"], env)
    _command("lib.accounts", ["add", login.username, "--role", "admin", "--password-stdin"], env,
             stdin=login.password + "\n")
    files = sorted(str(p) for p in (folder / "demo").glob("*.csv"))
    began = time.perf_counter()
    _command("lib.importer", ["--yes", "--author", login.username, "--note", "benchmark",
                              "--problems-out", str(data_dir / "problems.csv"), *files], env)
    return env, time.perf_counter() - began




@contextlib.contextmanager
def dashboard_processes(count: int, env: Mapping[str, str], logs: Path) -> Iterator[list[tuple[int, int]]]:
    """``count`` dashboard processes as docs/deploy.md starts them, on 127.0.0.1: [(port, process id)]."""
    from tests.e2e import healthy
    from tests.support.ports import free_ports

    started: list[tuple[int, subprocess.Popen]] = []
    try:
        for port in free_ports(count):  # all asked for before any process takes its own: each one different
            with open(logs / f"dashboard-{port}.log", "wb") as out:
                started.append((port, subprocess.Popen(
                    [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
                     "--server.address", "127.0.0.1", "--server.headless", "true",
                     "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
                    cwd=ROOT, env=dict(env), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                    start_new_session=True)))
        deadline = time.monotonic() + STARTUP_S
        for port, process in started:
            while not healthy(f"http://127.0.0.1:{port}"):
                if process.poll() is not None or time.monotonic() > deadline:
                    tail = (logs / f"dashboard-{port}.log").read_text(errors="replace")[-3000:]
                    raise RuntimeError(f"the dashboard process on port {port} did not start:\n{tail}")
                time.sleep(0.25)
        yield [(port, process.pid) for port, process in started]
    finally:
        for _, process in started:
            stop_group(process)


def sessions_per_port(lines: Sequence[str], ports: Sequence[int]) -> list[int]:
    """How many websocket sessions nginx passed to each of ``ports``, from its access log's ``lines``."""
    counted = Counter(int(m.group(1)) for line in lines if (m := _SESSION_LINE.search(line)))
    return [counted[port] for port in ports]


def settled_log(nginx, before: int, quiet_s: float = 1.0, most_s: float = 15.0) -> list[str]:
    """The access log's lines after the first ``before``, once nginx has logged the closed websockets."""
    deadline = time.monotonic() + most_s
    lines = nginx.logged()
    while time.monotonic() < deadline:
        time.sleep(quiet_s)
        now = nginx.logged()
        if len(now) == len(lines):
            break
        lines = now
    return lines[before:]


def _pid_in(path: Path) -> list[int]:
    """The process id in a pid file (nginx.pid, postmaster.pid's first line); none when unreadable."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        return [int(path.read_text().split()[0])]
    return []


async def _warm_each(ports: Sequence[int], plan: Plan) -> None:
    """One visitor per process, straight to its port: every process has loaded and prepared the data."""
    await asyncio.gather(*(warm(target(f"http://127.0.0.1:{port}"), plan) for port in ports))


def level(users: int, plan: Plan, env: Mapping[str, str], logs: Path, processes: int = PROCESSES,
          helper_pids: Sequence[int] = (), log=sys.stderr) -> dict:
    """``users`` simulated users through nginx in front of ``processes`` fresh dashboard processes; the figures."""
    from tests.support.nginx import running_nginx

    plan = replace(plan, users=users)
    with dashboard_processes(processes, env, logs) as started, \
            running_nginx([port for port, _ in started]) as nginx:
        ports, pids = [port for port, _ in started], [pid for _, pid in started]
        run_coroutine(_warm_each(ports, plan))
        print(f"    {users} users through nginx ...", end="", flush=True, file=log)
        helpers = [*helper_pids, *_pid_in(nginx.prefix / "nginx.pid")]
        before, helpers_cpu, began = len(nginx.logged()), cpu_seconds(helpers), time.perf_counter()
        figures = run_load(plan, target(nginx.https, verify_tls=False), pids)
        helpers_percent = (cpu_seconds(helpers) - helpers_cpu) / (time.perf_counter() - began) * 100
        sessions = sessions_per_port(settled_log(nginx, before), ports)
    print(f" {figures.changes_per_s:.1f} changes/s, p95 {_s(figures.p95_s)}, sessions "
          f"{' / '.join(map(str, sessions))}", file=log, flush=True)
    out = asdict(figures)
    for process, port, count in zip(out["processes"], ports, sessions):
        process.update(port=port, sessions=count)
    out["helpers_cpu_percent"] = helpers_percent
    return out


def _enrollments(folder: Path) -> int | None:
    """Rows of the data folder's participants.csv (one per enrollment)."""
    path = folder / "demo" / "participants.csv"
    if not path.exists():
        return None
    with open(path, "rb") as handle:
        return sum(1 for _ in handle) - 1


def _nginx_version() -> str:
    from tests.support.nginx import NGINX

    done = subprocess.run([str(NGINX), "-v"], capture_output=True, text=True, timeout=30, check=False)
    return (done.stderr or done.stdout).strip().removeprefix("nginx version: ")


def measure(folder: Path, levels: Sequence[int], plan: Plan, processes: int = PROCESSES, log=sys.stderr) -> dict:
    """Every level of users against the installation on ``folder``'s data; every figure, as JSON values."""
    from tests.support.nginx import NGINX

    if not os.access(NGINX, os.X_OK):
        raise RuntimeError(f"{NGINX} not found: apt-get install nginx")
    folder = Path(folder)
    began = time.perf_counter()
    result: dict = {
        "options": {"window_s": plan.window_s, "ramp_s": plan.ramp_s, "think_s": list(plan.think_s),
                    "timeout_s": plan.timeout_s, "pages": list(plan.pages), "processes": processes,
                    "login": plan.login is not None, "project_settings": project_settings()},
        "started": dt.datetime.now().astimezone().isoformat(timespec="seconds"), "commit": _commit(),
        "enrollments": _enrollments(folder), "nginx": _nginx_version(),
        "machine": f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPU",
        "load_average_start": os.getloadavg(),
    }
    work = Path(tempfile.mkdtemp(prefix="dasbor-deployed-"))
    try:
        with database() as (url, server):
            result["postgres"] = server.admin_sql("SHOW server_version")
            print("    installing: tables, account, command-line import ...", end="", flush=True, file=log)
            env, result["import_s"] = install(folder, url, work / "data")
            print(f" {result['import_s']:.0f} s", file=log, flush=True)
            postmaster = _pid_in(server.data / "postmaster.pid")
            result["levels"] = [level(users, plan, env, work, processes, postmaster, log) for users in levels]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result["stage_s"] = time.perf_counter() - began
    result["load_average"] = os.getloadavg()
    return result


# --- as a stage of python -m bench ----------------------------------------------------------------------
def stage_command(folder: Path, out: Path, users: Sequence[int], window_s: float, ramp_s: float) -> list[str]:
    """The ``python -m bench.deployed`` command of the benchmark's ``deployed`` stage."""
    return [sys.executable, "-m", "bench.deployed", "--folder", str(folder), "--out", str(out),
            "--users", ",".join(map(str, users)), "--window", str(window_s), "--ramp", str(ramp_s)]


def run_stage(folder: Path, out: Path, users: Sequence[int], window_s: float, ramp_s: float, size: int | None,
              log=sys.stdout) -> dict:
    """The stage in its own process (its progress goes to the terminal); its figures, with the data's size."""
    print(f"  deployed ({folder.name}) ...", file=log, flush=True)
    began = time.perf_counter()
    done = subprocess.run(stage_command(folder, out, users, window_s, ramp_s), cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
    print(f"  deployed: {time.perf_counter() - began:.0f} s", file=log, flush=True)
    if done.returncode != 0:
        raise RuntimeError(f"the deployed stage failed (exit code {done.returncode}; its messages are above)")
    return {**json.loads(out.read_text(encoding="utf-8")), "size": size}


def earlier_load(path: Path | None) -> dict | None:
    """The one-process load figures in a benchmark JSON at ``path`` (``python -m bench --json``, with or
    without ``--only load``), else None."""
    if path is None or not Path(path).exists():
        return None
    with contextlib.suppress(ValueError, OSError):
        figures = json.loads(Path(path).read_text(encoding="utf-8"))
        load = figures.get("load") if isinstance(figures, dict) else None
        if load is None and isinstance(figures, dict) and "levels" in figures and "processes" not in figures.get(
                "options", {}):
            load = figures  # written by --only load: the load figures themselves
        return load if isinstance(load, dict) and load.get("levels") else None
    return None


# --- the report's section -----------------------------------------------------------------------------
def _s(value: float | None) -> str:
    return DASH if value is None else f"{value:.2f} s"


def _n(number: int | None) -> str:
    return DASH if number is None else f"{number:,}".replace(",", ".")


def _times(lv: dict) -> str:
    return " / ".join(DASH if lv.get(k) is None else f"{lv[k]:.2f}" for k in ("p50_s", "p95_s", "max_s")) + " s"


def _each(lv: dict, key: str, fmt: str) -> str:
    """One figure of each process, as ``a / b``; the sum's when the level has no per-process figures."""
    processes = lv.get("processes") or []
    if processes:
        return " / ".join(fmt.format(p[key]) for p in processes)
    total = {"cpu_percent": "server_cpu_percent", "peak_rss_mb": "peak_rss_mb"}[key]
    return DASH if lv.get(total) is None else fmt.format(lv[total])


def _row(lv: dict, setup: str) -> list[str]:
    sessions = lv["users"] - lv["users_without_page"]
    per = [p.get("sessions") for p in lv.get("processes") or []]
    held = f"{sessions} ({' / '.join(map(str, per))})" if per and None not in per else str(sessions)
    return [str(lv["users"]), setup, held, f"{lv['changes_per_s']:.2f}", _times(lv),
            f"{lv['errors']} / {lv['timeouts']} / {lv['unchanged']}", _each(lv, "cpu_percent", "{:.0f}%"),
            _each(lv, "peak_rss_mb", "{:.0f}")]


def table(deployed: dict, one_process: dict | None = None) -> list[str]:
    """Per level: the processes behind nginx, and one process alone at the same level when it was measured."""
    alone = {lv["users"]: lv for lv in (one_process or {}).get("levels", [])}
    count = deployed.get("options", {}).get("processes", PROCESSES)
    rows = []
    for lv in deployed["levels"]:
        rows.append(_row(lv, f"{count} proses + nginx"))
        if lv["users"] in alone:
            rows.append(_row(alone[lv["users"]], "1 proses"))
    header = ["pengguna", "susunan", "sesi (per proses)", "perubahan dilayani per detik", "p50 / p95 / maks",
              "galat / time-out / angka tak berubah", "CPU per proses", "memori puncak per proses (MB)"]
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
            *("| " + " | ".join(row) + " |" for row in rows), ""]


def comparison(deployed: dict, one_process: dict | None) -> list[str]:
    """One sentence per level measured both ways: changes served per second and p95, two processes to one."""
    alone = {lv["users"]: lv for lv in (one_process or {}).get("levels", [])}
    out = []
    for lv in deployed["levels"]:
        one = alone.get(lv["users"])
        if one is None:
            continue
        ratio = lv["changes_per_s"] / one["changes_per_s"] if one["changes_per_s"] else None
        out.append(f"{lv['users']} pengguna: {lv['changes_per_s']:.2f} perubahan per detik "
                   f"(satu proses {one['changes_per_s']:.2f}" + (f", ×{ratio:.2f}" if ratio else "")
                   + f"), p95 {_s(lv['p95_s'])} (satu proses {_s(one['p95_s'])}).")
    return out


COMMAND = (".venv/bin/python -m bench --only load --json bench.json && "
           ".venv/bin/python -m bench --only deployed --json bench.json")


def heading(processes: int) -> str:
    """The section's heading for ``processes`` dashboard processes."""
    if processes == 2:
        return "## Dua proses di belakang nginx / Two processes behind nginx"
    return f"## {processes} proses di belakang nginx / {processes} processes behind nginx"


def pending_section() -> str:
    """The section before the stage has run on a quiet machine: what it measures and how to run it."""
    return "\n".join([
        BEGIN,
        heading(PROCESSES),
        "",
        *textwrap.wrap(
            "Belum diukur. Tahap `deployed` (`bench/deployed.py`) memasang docs/deploy.md di mesin ini: PostgreSQL "
            "sementara, data 100 ribu pendaftaran diimpor dari baris perintah, dua proses `streamlit run "
            "dashboard.py` dengan `DASBOR_DATABASE_URL` di belakang nginx dari `deploy/`, lalu pengguna tiruan "
            "tahap `load` (1, 10, 25 dan 50) datang lewat nginx seperti peramban. Angkanya (sesi per proses, "
            "perubahan dilayani per detik, p50/p95/maks, galat dan time-out, CPU dan memori puncak setiap proses, "
            "di samping satu proses pada tingkat yang sama) ditulis di sini oleh perintah berikut, pada mesin "
            "yang tenang (load average di bawah 2):", 110, break_on_hyphens=False),
        "",
        f"    {COMMAND}",
        "",
        "*Not measured yet: the command above writes this section on a quiet machine.*",
        END,
        "",
    ])


def section(deployed: dict | None, one_process: dict | None = None) -> str:
    """The report's section, between the markers ``python -m bench`` keeps (``pending_section`` without figures)."""
    if not deployed:
        return pending_section()
    opts = deployed.get("options", {})
    count = opts.get("processes", PROCESSES)
    think = opts.get("think_s", [2, 5])
    size = deployed.get("size") or deployed.get("enrollments")
    postgres = str(deployed.get("postgres", DASH)).split()[0]  # "15.18 (Debian 15.18-0+deb12u1)"
    nginx = str(deployed.get("nginx", DASH)).removeprefix("nginx/")
    words = (
        f"Pemasangan docs/deploy.md di mesin ini, dibuang setelahnya (`bench/deployed.py`): PostgreSQL sementara "
        f"({postgres}, soket Unix), tabelnya dibuat dengan `python -m lib.backend init`, data "
        f"{_n(size)} pendaftaran diimpor dari baris perintah (`python -m lib.importer --yes`, "
        f"{deployed.get('import_s', 0):.0f} detik), {count} proses `streamlit run dashboard.py` dengan "
        f"`DASBOR_DATABASE_URL` dan nginx {nginx} dari `deploy/` di depannya (TLS, sesi lengket "
        "pada kuki peramban dasbor). Setiap tingkat memakai proses baru, masing-masing dipanaskan oleh satu "
        "pengunjung langsung ke port-nya; lalu pengguna tiruan `bench/load.py` datang lewat nginx (https) seperti "
        "peramban: memuat halaman (dan mendapat kuki peramban), membuka websocket Streamlit, masuk, lalu setiap "
        f"{think[0]:g}-{think[1]:g} detik mengganti filter desa; ramp-up {opts.get('ramp_s', 20):g} detik, jendela "
        f"pengukuran {opts.get('window_s', 60):g} detik, time-out {opts.get('timeout_s', 60):g} detik, seperti "
        "tahap satu proses. *Sesi* = pengguna yang mendapat halamannya, dan dalam kurung websocket yang diteruskan "
        "nginx ke setiap proses (log aksesnya); *CPU per proses* = waktu CPU proses itu di dalam jendela ÷ "
        "panjangnya (100% = satu inti); *memori puncak* = VmHWM setiap proses."
    )
    lines = [
        BEGIN,
        heading(count),
        "",
        *textwrap.wrap(words, 110, break_on_hyphens=False),
        "",
        *textwrap.wrap(
            f"*The installation of docs/deploy.md on this machine: a throwaway PostgreSQL, the data imported from "
            f"the command line, {count} dashboard processes on it behind nginx (TLS, sticky sessions); the simulated "
            "users of the load stage come through nginx as browsers do. Rows \"1 proses\" are the load stage's one "
            "process at the same level, when the run measured it.*", 110, break_on_hyphens=False),
        "",
        *table(deployed, one_process),
    ]
    compared = comparison(deployed, one_process)
    if compared:
        lines += ["**Dibanding satu proses / Against one process.** " + " ".join(compared), ""]
    else:
        lines += [("Angka satu proses tidak ada dalam JSON jalan ini (`python -m bench` penuh mengukur keduanya; "
                   "`--only deployed --json F` memakai angka `--only load --json F` sebelumnya)."), ""]
    helpers = [lv.get("helpers_cpu_percent") for lv in deployed["levels"]]
    started = deployed.get("started", "")
    lines += [
        *textwrap.wrap(
            f"Semua di satu mesin ({deployed.get('machine', DASH)}): pengguna tiruan, nginx, PostgreSQL dan kedua "
            "proses berbagi intinya, sehingga dua proses di sini tidak dapat melipatduakan kapasitas satu proses; "
            "CPU per proses menunjukkan bagaimana kerja terbagi. CPU nginx + PostgreSQL per tingkat: "
            + ", ".join(f"{lv['users']} pengguna {h:.0f}%" for lv, h in zip(deployed["levels"], helpers)
                        if h is not None) + ". "
            + f"Dijalankan {started}" + (f" pada commit {deployed['commit']}" if deployed.get("commit") else "")
            + f"; lama tahap ini {deployed.get('stage_s', 0) / 60:.0f} menit; beban mesin (load average 1/5/15 "
            f"menit) di awal {', '.join(f'{v:.1f}' for v in deployed.get('load_average_start', []))}, di akhir "
            f"{', '.join(f'{v:.1f}' for v in deployed.get('load_average', []))}.", 110, break_on_hyphens=False),
        f"Perintah: `{COMMAND}` (juga bagian dari `python -m bench`).",
        END,
        "",
    ]
    return "\n".join(lines)


def write_section(deployed: dict | None, path: Path, one_process: dict | None = None) -> None:
    """Rewrite only this stage's section of the report at ``path`` (added at the end when missing)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8") if path.exists() else "# Kinerja / Performance\n\n"
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END) + r"\n?", re.DOTALL)
    new = section(deployed, one_process)
    text = pattern.sub(lambda _m: new, text, count=1) if pattern.search(text) else text.rstrip("\n") + "\n\n" + new
    path.write_text(text, encoding="utf-8")


# --- command line -------------------------------------------------------------------------------------
def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench.deployed", description=__doc__.splitlines()[0])
    p.add_argument("--folder", type=Path, required=True, help="a benchmark data folder (bench.data.make_data)")
    p.add_argument("--users", type=_ints, default=list(DEFAULT_LEVELS), help="simulated users per level (1,10,25,50)")
    p.add_argument("--processes", type=int, default=PROCESSES, help="dashboard processes behind nginx (2)")
    p.add_argument("--window", type=float, default=60.0, help="measuring window per level, seconds (60)")
    p.add_argument("--ramp", type=float, default=20.0, help="ramp-up before the window, seconds (20)")
    p.add_argument("--think", type=float, nargs=2, default=(2.0, 5.0), metavar=("MIN", "MAX"),
                   help="seconds between one user's changes (2 5)")
    p.add_argument("--timeout", type=float, default=60.0, help="a change not finished after this is a time-out (60)")
    p.add_argument("--pages", default=",".join(PAGES), help="URL paths of the pages the users open")
    p.add_argument("--seed", type=int, default=2015)
    p.add_argument("--out", type=Path, help="write every figure here as JSON (default: print it)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    plan = Plan(users=0, ramp_s=args.ramp, window_s=args.window, think_s=tuple(args.think), timeout_s=args.timeout,
                pages=tuple(p.strip() for p in args.pages.split(",") if p.strip()), login=login_for(args.folder),
                seed=args.seed, values=villages_in(args.folder))
    result = measure(args.folder, args.users, plan, args.processes)
    text = json.dumps(result, indent=1, default=str)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
