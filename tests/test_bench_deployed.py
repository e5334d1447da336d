"""The benchmark's ``deployed`` stage at a small size: two dashboard processes on one PostgreSQL behind nginx.

The stage itself (``bench.deployed.measure``: a throwaway cluster, the command-line import, two
``streamlit run`` processes, nginx from ``deploy/``, simulated users through it) runs with 2 users for a few
seconds: every change is served, changes the figures, and each process is measured. Simulated users reach
both processes through nginx because, like browsers, they load the page first and carry its cookie. Nothing
here asserts speed: the figures are the benchmark's (``python -m bench --only deployed``).

Needs Debian's ``postgresql`` and ``nginx``: skipped without them on a developer's machine, failed under
``CI=true`` (``.ci/run`` installs both).
"""

from __future__ import annotations

import io
from collections import Counter

import pytest

from bench import deployed as D
from bench.__main__ import parser as bench_parser
from bench.data import make_data
from bench.load import Plan, Tab, login_for, run_coroutine, target, villages_in
from bench.report import kept_sections
from tests.postgres import require_postgres
from tests.support.nginx import nginx_or_skip, running_nginx

SMALL = 2_000


def _level(users: int, changes_per_s: float, p95: float, processes: list[dict] | None = None) -> dict:
    """A level's figures as the JSON holds them (only what the section reads)."""
    return {"users": users, "users_without_page": 0, "changes_per_s": changes_per_s, "p50_s": p95 / 2,
            "p95_s": p95, "max_s": p95 * 1.5, "errors": 0, "timeouts": 1, "unchanged": 0,
            "server_cpu_percent": 90.0, "peak_rss_mb": 700.0, "processes": processes or []}


DEPLOYED = {
    "options": {"processes": 2, "window_s": 60, "ramp_s": 20, "think_s": [2, 5], "timeout_s": 60},
    "size": 100_000, "postgres": "15.18", "nginx": "nginx/1.22.1", "import_s": 41.0, "started": "2026-01-01",
    "commit": "abc1234", "stage_s": 600, "load_average_start": [0.5, 0.4, 0.3], "load_average": [1.9, 1.2, 0.6],
    "machine": "Linux, 2 CPU",
    "levels": [_level(10, 3.1, 0.8, [{"cpu_percent": 55.0, "peak_rss_mb": 910.0, "sessions": 6},
                                     {"cpu_percent": 41.0, "peak_rss_mb": 870.0, "sessions": 4}])],
}
ONE_PROCESS = {"levels": [_level(10, 2.5, 1.2), _level(100, 3.0, 9.0)]}


# --- the section and the wiring (no server) ----------------------------------------------------------------
def test_nginx_access_log_lines_count_the_websockets_passed_to_each_process():
    lines = [
        '127.0.0.1 [01/Jan/2026:10:00:00 +0000] "GET /_stcore/stream" 101 5120 upstream=127.0.0.1:8501 12.5',
        '127.0.0.1 [01/Jan/2026:10:00:01 +0000] "GET /_stcore/stream" 101 4096 upstream=127.0.0.1:8502 11.0',
        '127.0.0.1 [01/Jan/2026:10:00:01 +0000] "GET /_stcore/stream" 101 4096 upstream=127.0.0.1:8501 3.0',
        '127.0.0.1 [01/Jan/2026:10:00:02 +0000] "GET /" 200 1890 upstream=127.0.0.1:8502 0.010',
        '127.0.0.1 [01/Jan/2026:10:00:02 +0000] "GET /_stcore/stream" 502 150 upstream=127.0.0.1:8502 0.001',
    ]
    assert D.sessions_per_port(lines, [8501, 8502, 8503]) == [2, 1, 0]


def test_the_section_shows_each_process_and_one_process_beside_it_at_the_same_level(tmp_path):
    text = D.section(DEPLOYED, ONE_PROCESS)
    assert text.startswith(D.BEGIN) and text.rstrip().endswith(D.END)
    rows = [line for line in text.splitlines() if line.startswith("| 10 |")]
    assert len(rows) == 2
    assert "2 proses + nginx" in rows[0] and "10 (6 / 4)" in rows[0] and "55% / 41%" in rows[0]
    assert "910 / 870" in rows[0] and "0 / 1 / 0" in rows[0]
    assert "1 proses" in rows[1] and "90%" in rows[1] and "700" in rows[1]
    assert "| 100 |" not in text  # a level measured one way only is not compared
    assert "×1.24" in text  # 3.1 changes per second against 2.5
    assert "100.000 pendaftaran" in text and "41 detik" in text
    without = D.section(DEPLOYED)
    assert "1 proses |" not in without and "--only deployed --json" in without


def test_the_section_replaces_its_earlier_text_and_survives_a_rewritten_report(tmp_path):
    report = tmp_path / "performance.md"
    report.write_text("# Kinerja\n\nangka lain\n", encoding="utf-8")
    D.write_section({**DEPLOYED, "import_s": 99.0}, report)
    D.write_section(DEPLOYED, report, ONE_PROCESS)
    text = report.read_text(encoding="utf-8")
    assert text.count(D.BEGIN) == 1 and "41 detik" in text and "99 detik" not in text and "angka lain" in text
    assert kept_sections(text) == [D.section(DEPLOYED, ONE_PROCESS)]


def test_until_it_is_measured_the_section_says_how_to_measure_it(tmp_path):
    report = tmp_path / "performance.md"
    D.write_section(None, report)
    text = report.read_text(encoding="utf-8")
    assert "Belum diukur" in text and D.COMMAND in text and "| pengguna |" not in text
    D.write_section(DEPLOYED, report, ONE_PROCESS)
    text = report.read_text(encoding="utf-8")
    assert "Belum diukur" not in text and text.count(D.BEGIN) == 1 and "| 10 | 2 proses + nginx |" in text


def test_the_one_process_figures_are_found_in_either_json_the_benchmark_writes(tmp_path):
    full, only_load, other = tmp_path / "full.json", tmp_path / "load.json", tmp_path / "other.json"
    full.write_text('{"sizes": {}, "load": {"levels": [{"users": 1}]}}', encoding="utf-8")
    only_load.write_text('{"options": {"window_s": 60}, "levels": [{"users": 1}]}', encoding="utf-8")
    other.write_text('{"sizes": {}}', encoding="utf-8")
    assert D.earlier_load(full) == {"levels": [{"users": 1}]}
    assert D.earlier_load(only_load)["levels"] == [{"users": 1}]
    assert D.earlier_load(other) is None and D.earlier_load(tmp_path / "missing.json") is None
    assert D.earlier_load(None) is None


def test_the_benchmark_runs_the_stage_alone_or_leaves_it_out(tmp_path):
    args = bench_parser().parse_args(["--only", "deployed", "--deployed-users", "2,4"])
    assert args.only == "deployed" and args.deployed_users == [2, 4]
    assert "deployed" in bench_parser().parse_args(["--skip", "deployed"]).skip
    assert bench_parser().parse_args([]).deployed_users == list(D.DEFAULT_LEVELS)
    command = D.stage_command(tmp_path / "n100000", tmp_path / "d.json", [2, 4], 30.0, 5.0)
    assert command[1:3] == ["-m", "bench.deployed"]
    assert command[command.index("--users") + 1] == "2,4" and command[command.index("--window") + 1] == "30.0"


# --- the stage against a real installation ----------------------------------------------------------------
@pytest.fixture(scope="module")
def data_folder(tmp_path_factory):
    require_postgres()
    nginx_or_skip()
    folder = tmp_path_factory.mktemp("deployed") / f"n{SMALL}"
    make_data(folder, SMALL)
    return folder


def _plan(folder, users: int = 0) -> Plan:
    return Plan(users=users, ramp_s=2.0, window_s=6.0, think_s=(0.5, 1.5), timeout_s=120.0, login=login_for(folder),
                values=villages_in(folder))


@pytest.mark.slow
def test_two_processes_behind_nginx_serve_every_change_and_each_is_measured(data_folder, tmp_path):
    figures = D.measure(data_folder, [2], _plan(data_folder), processes=2, log=io.StringIO())
    assert figures["import_s"] > 0 and figures["enrollments"] == SMALL and figures["postgres"]
    [level] = figures["levels"]
    assert level["users_without_page"] == 0, level["error_examples"]
    assert level["errors"] == 0, level["error_examples"]
    assert level["timeouts"] == 0
    assert level["changes"] >= 2 and level["served"] >= 1  # each user changed the village in the window
    assert level["unchanged"] == 0  # every change changed the figures received
    processes = level["processes"]
    assert len(processes) == 2 and len({p["pid"] for p in processes}) == 2
    assert len({p["port"] for p in processes}) == 2
    assert all(p["peak_rss_mb"] > 0 and p["rss_end_mb"] > 0 for p in processes)
    # Every session went through nginx to one of the two processes, once (no change failed, so no reload).
    assert sum(p["sessions"] for p in processes) == 2
    assert level["server_cpu_s"] == pytest.approx(sum(p["cpu_s"] for p in processes), abs=0.05)
    report = tmp_path / "performance.md"
    D.write_section(figures, report)
    assert "| 2 | 2 proses + nginx | 2 (" in report.read_text(encoding="utf-8")


async def _stream_upstreams(where, tabs: int, with_cookie: bool) -> None:
    """Open and close ``tabs`` websockets through nginx, as browsers do (page first) or with no cookie at all."""
    for _ in range(tabs):
        tab = Tab(where)
        if not with_cookie:
            tab.cookies = ""
        await tab.open(120.0)
        await tab.close()


@pytest.mark.slow
def test_simulated_users_carry_the_browser_cookie_so_nginx_spreads_them_over_the_processes(data_folder, tmp_path):
    """Without the cookie every user behind one address reaches one process; with it, nginx spreads them.

    Twenty tabs hashed on random cookies all reaching the same of two processes has a chance of about one in
    a million: the test does not depend on luck.
    """
    with D.database() as (url, _server):
        env, _ = D.install(data_folder, url, tmp_path / "data")
        with D.dashboard_processes(2, env, tmp_path) as started, \
                running_nginx([port for port, _ in started]) as nginx:
            where = target(nginx.https, verify_tls=False)
            ports = [port for port, _ in started]
            for with_cookie in (False, True):
                before = len(nginx.logged())
                run_coroutine(_stream_upstreams(where, 20, with_cookie))
                sessions = D.sessions_per_port(D.settled_log(nginx, before), ports)
                assert sum(sessions) == 20
                spread = Counter(count > 0 for count in sessions)[True]
                assert spread == (2 if with_cookie else 1), (with_cookie, sessions)
