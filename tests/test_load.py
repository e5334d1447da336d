"""The load generator speaks Streamlit's protocol to a real server: every filter change is served and changes the figures.

A real ``streamlit run dashboard.py`` on a free port serves a copy of the
demo data (open demo mode, or with one account to log in with). Nothing here
asserts speed: the figures are the benchmark's business (``python -m bench
--only load``, docs/performance.md).
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
import sys
from contextlib import closing
from dataclasses import asdict
from pathlib import Path

import pytest

import bench.load
from bench.load import (
    PASSWORD_FILE,
    USERNAME,
    Change,
    LoadFigures,
    Plan,
    Tab,
    UserRecord,
    Widget,
    Window,
    choice_state,
    event_loop,
    find_widget,
    login_for,
    open_page,
    percentile,
    run_coroutine,
    run_load,
    served,
    soak_verdict,
    summary,
    target,
    warm,
    without_idle,
)
from bench.report import (
    LOAD_BEGIN,
    LOAD_END,
    load_section,
    load_table,
    load_targets,
    write_load_section,
    write_report,
)
from lib import accounts
from pages.server.wire import GATHERED_LINE, NOT_GATHERED_LINE

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


def demo_folder(folder: Path) -> Path:
    """A data folder holding the bundled reference lists and demo data, and nothing else (open demo mode)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("reference.toml", "regencies.csv"):
        shutil.copy(DATA / name, folder / name)
    shutil.copytree(DATA / "demo", folder / "demo")
    return folder


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """(address, process id, log file) of the dashboard serving a copy of the demo data in open demo mode."""
    with served(demo_folder(tmp_path_factory.mktemp("load-demo"))) as (where, pid, log):
        run_coroutine(warm(where, Plan(users=1, timeout_s=300.0)))  # as the benchmark does: the data loaded once
        yield where, pid, log


# --- against a real server (slow: a server start each) ----------------------------------------------
@pytest.mark.slow
def test_three_users_every_change_served_and_changed(demo_server):
    where, pid, _ = demo_server
    plan = Plan(users=3, ramp_s=2.0, window_s=6.0, think_s=(0.5, 1.5), timeout_s=120.0)
    figures = run_load(plan, where, [pid])
    assert figures.users_without_page == 0, figures.error_examples
    assert figures.errors == 0, figures.error_examples
    assert figures.timeouts == 0
    assert figures.changes >= 3  # each user changed the filter at least once in the window
    assert figures.unchanged == 0  # every change changed what the page shows
    assert figures.p95_s is not None and figures.bytes_per_rerun > 0
    assert figures.server_cpu_s > 0 and figures.peak_rss_mb > 0


@pytest.mark.slow
def test_the_servers_cpu_is_the_sum_of_its_processes_however_busy_the_machine(demo_server, monkeypatch):
    """Each reading of a process's CPU finds a second more used than the reading before, as on a busy machine
    between two readings: the window's server CPU is still exactly the sum of its processes' parts."""
    where, pid, _ = demo_server
    readings = itertools.count(1.0)
    monkeypatch.setattr(bench.load, "cpu_seconds", lambda pids: next(readings))
    figures = run_load(Plan(users=1, ramp_s=0.0, window_s=1.0, timeout_s=120.0), where, [pid, pid])
    assert len(figures.processes) == 2
    assert figures.server_cpu_s == sum(p.cpu_s for p in figures.processes)


@pytest.mark.slow
def test_the_server_runs_on_uvloop(demo_server):
    """``streamlit run dashboard.py`` serves on uvloop (Streamlit's ``performance`` extra): a rerun's messages
    leave through the event loop, and asyncio's own loop cost a tenth more CPU per filter change."""
    _, _, log = demo_server
    assert event_loop(log) == "uvloop", log.read_text(encoding="utf-8", errors="replace")[-2000:]


@pytest.mark.slow
def test_a_websockets_writes_are_gathered(demo_server):
    """The server gathers what a session's websocket writes (``pages.server.wire``): a rerun's 70 to 110
    messages leave in a few writes to the socket instead of one write each."""
    _, _, log = demo_server  # warmed up through a websocket
    text = log.read_text(encoding="utf-8", errors="replace")
    assert GATHERED_LINE in text and NOT_GATHERED_LINE not in text, text[-2000:]


@pytest.mark.slow
def test_figures_hash_follows_the_village_and_nothing_else(demo_server):
    """The check "the figures changed" is meaningful: the same filter twice gives the same hash, another one not."""
    where, _, _ = demo_server

    async def visit() -> tuple[str, ...]:
        tab = Tab(where)
        await tab.open()
        try:
            first = await open_page(tab, "desa", None, 120.0)
            again = await tab.rerun(timeout_s=120.0)
            village = find_widget(again.widgets, "desa")
            assert village is not None and village.kind in ("multiselect", "selectbox")
            assert "Pare" in village.options and "Gurah" in village.options
            tab.bind(village, ["Pare"])
            pare = await tab.rerun([choice_state(village, "Pare")], timeout_s=120.0)
            pare_again = await tab.rerun(timeout_s=120.0)
            gurah = await tab.rerun([choice_state(find_widget(pare_again.widgets, "desa"), "Gurah")],
                                    timeout_s=120.0)
            assert not any(run.exceptions for run in (first, again, pare, pare_again, gurah))
            assert "desa=Gurah" in tab.query_string  # the tab's URL follows the filter, as the address bar does
            return first.figures, again.figures, pare.figures, pare_again.figures, gurah.figures
        finally:
            await tab.close()

    first, again, pare, pare_again, gurah = run_coroutine(visit())
    assert first == again and pare == pare_again
    assert len({first, pare, gurah}) == 3


@pytest.fixture(scope="module")
def account_server(tmp_path_factory):
    """(address, process id, data folder) of the dashboard on the demo data with one admin account."""
    folder = demo_folder(tmp_path_factory.mktemp("load-account"))
    password = "kata-sandi-uji-beban"
    (folder / PASSWORD_FILE).write_text(password, encoding="utf-8")
    with closing(accounts.open_accounts(folder / "accounts.sqlite3")) as conn:
        accounts.create_account(conn, USERNAME, password, accounts.ADMIN, actor="test")
    with served(folder) as (where, pid, _):
        run_coroutine(warm(where, Plan(users=1, timeout_s=300.0, login=login_for(folder))))
        yield where, pid, folder


@pytest.mark.slow
def test_users_log_in_through_the_form(account_server):
    where, pid, folder = account_server
    plan = Plan(users=2, ramp_s=1.0, window_s=4.0, think_s=(0.5, 1.0), timeout_s=120.0, pages=("hasil", "anggaran"),
                login=login_for(folder))
    figures = run_load(plan, where, [pid])
    assert figures.users_without_page == 0 and figures.errors == 0, figures.error_examples
    assert figures.changes >= 2 and figures.unchanged == 0


@pytest.mark.slow
def test_without_the_account_the_login_form_is_an_error(account_server):
    where, pid, _ = account_server
    figures = run_load(Plan(users=1, ramp_s=0.0, window_s=2.0, timeout_s=120.0), where, [pid])
    assert figures.users_without_page == 1
    assert any("log in" in e for e in figures.error_examples)


@pytest.mark.slow
def test_only_load_writes_its_section_of_the_report(tmp_path):
    """``python -m bench --only load`` makes its data, runs the users and rewrites only its section."""
    out = tmp_path / "performance.md"
    out.write_text("# Kinerja\n\nbefore\n\n## Banyak pengguna sekaligus / Many users at once\n\n"
                   f"{LOAD_BEGIN}\nold\n{LOAD_END}\n\n## Memori puncak / Peak memory\n\nafter\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--only", "load", "--load-size", "2000", "--users", "2", "--window", "3",
         "--ramp", "1", "--idle", "2", "--soak", "0", "--out", str(out), "--workdir", str(tmp_path / "work")],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    text = out.read_text(encoding="utf-8")
    assert "before" in text and "after" in text and "old" not in text
    assert text.count(LOAD_BEGIN) == 1 and "| 2 |" in text
    assert "per detik selama 2 detik sebelum pengguna datang" in " ".join(text.split())  # --idle, as asked


# --- pieces, without a server ------------------------------------------------------------------------
@pytest.mark.parametrize("text, url, stream", [
    ("127.0.0.1:8501", "http://127.0.0.1:8501", "ws://127.0.0.1:8501/_stcore/stream"),
    ("http://host:80/", "http://host:80", "ws://host:80/_stcore/stream"),
    ("https://host:8443/dasbor/", "https://host:8443/dasbor", "wss://host:8443/dasbor/_stcore/stream"),
])
def test_target_addresses(text, url, stream):
    where = target(text)
    assert where.url == url and where.stream_url == stream


def test_target_refuses_other_schemes():
    with pytest.raises(ValueError):
        target("ftp://host:21")


WIDGETS = {w.id: w for w in (
    Widget("$$ID-a-desa", "multiselect", "desa", "Desa", ("Pare", "Gurah"), "desa"),
    Widget("$$ID-b-profil_desa", "selectbox", "profil_desa", "Profil desa", ("Pare", "Gurah")),
    Widget("$$ID-c", "selectbox", "", "Desa atau kelompok", ("Semua", "Pare")),
)}


@pytest.mark.parametrize("key, label, expected", [
    ("desa", None, "$$ID-a-desa"),          # by key, never the widget whose key merely ends in it
    ("profil_desa", None, "$$ID-b-profil_desa"),
    ("kelompok", "Desa atau kelompok", "$$ID-c"),  # a widget without a key, by its label
    ("kelompok", None, None),
])
def test_find_widget(key, label, expected):
    found = find_widget(WIDGETS, key, label=label)
    assert (found.id if found else None) == expected


def test_choice_state_as_the_browser_sends_it():
    multi = choice_state(WIDGETS["$$ID-a-desa"], "Pare")
    assert list(multi.string_array_value.data) == ["Pare"]
    single = choice_state(WIDGETS["$$ID-c"], "Pare")
    assert single.WhichOneof("value") == "string_value" and single.string_value == "Pare"


def test_percentile_nearest_rank():
    assert percentile([], 95) is None
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert percentile(list(range(1, 101)), 95) == 95


def test_only_changes_sent_in_the_window_count():
    window = Window(origin=0.0, start=10.0, end=20.0)
    record = UserRecord("desa", first_page_s=1.0, changes=[
        Change(5.0, 0.5),                  # during the ramp-up
        Change(11.0, 0.5),                 # served in the window
        Change(12.0, 0.4, changed=False),  # served, but showed the same figures
        Change(19.5, 1.0),                 # sent in the window, finished after it
        Change(15.0, 70.0, error="time-out"),  # waited for, slower than the time-out
        Change(16.0, None, error="no answer"),  # given up
        Change(21.0, 0.1),                 # after the window
    ])
    figures = summary(Plan(users=1, window_s=10.0), [record], window, cpu_s=2.0, rss_start=100.0, rss_end=110.0,
                      peak=120.0, generator_cpu_s=0.1)
    assert (figures.changes, figures.served, figures.timeouts, figures.errors, figures.unchanged) == (5, 2, 1, 1, 1)
    assert figures.changes_per_s == pytest.approx(0.2) and figures.cpu_per_change_ms == pytest.approx(1000.0)
    assert figures.max_s == 70.0


def _figures(samples) -> LoadFigures:
    return summary(Plan(users=25, window_s=600.0), [], Window(0.0, 0.0, 600.0), cpu_s=None, rss_start=None,
                   rss_end=None, peak=None, generator_cpu_s=0.0, samples=samples)


@pytest.mark.parametrize("end_mb, bounded", [(105.0, True), (115.0, False)])
def test_soak_verdict_compares_the_end_with_the_reference(end_mb, bounded):
    verdict = soak_verdict(_figures([(0.0, 90.0), (60.0, 100.0), (300.0, 104.0), (600.0, end_mb)]), 60.0)
    assert verdict["reference_mb"] == 100.0 and verdict["bounded"] is bounded


def test_cpu_per_change_leaves_out_the_servers_idle_cpu():
    """One user changing the filter every 3.5 s on a server whose timers use 4 ms/s: 17 changes in 60 s used
    0.68 s, of which 0.24 s the server uses with nobody on it; a change cost 26 ms, not 40."""
    window = Window(0.0, 0.0, 60.0)
    records = [UserRecord("desa", 1.0, [Change(1.0 + 3.5 * i, 0.05) for i in range(17)])]
    figures = summary(Plan(users=1, window_s=60.0), records, window, cpu_s=0.68, rss_start=None, rss_end=None,
                      peak=None, generator_cpu_s=0.0)
    net = without_idle(figures, 4.0)
    assert figures.cpu_per_change_ms == pytest.approx(40.0)
    assert net.idle_cpu_ms_per_s == 4.0 and net.cpu_per_change_net_ms == pytest.approx(440 / 17)
    level = {**asdict(net), "timeouts": 0}
    rows, met = load_targets({"levels": [level]})
    cpu_row = next(row for row in rows if row.startswith("| CPU server"))
    assert "tanpa CPU server saat diam" in cpu_row and "26 ms" in cpu_row and met["cpu"] is True
    assert "40 / 26 ms" in "\n".join(load_table({"levels": [level]}))
    rows, met = load_targets({"levels": [{**level, "cpu_per_change_net_ms": None}]})  # a run without the idle figure
    assert met["cpu"] is False


def test_load_section_is_rewritten_alone(tmp_path):
    path = tmp_path / "performance.md"
    path.write_text("# T\n\n## Memori puncak / Peak memory\n\nx\n", encoding="utf-8")
    load = {"size": 100_000, "options": {"window_s": 60}, "levels": [{
        "users": 50, "changes_per_s": 5.0, "p50_s": 0.3, "p95_s": 0.8, "max_s": 1.2, "first_page_p50_s": 1.0,
        "first_page_p95_s": 2.0, "errors": 0, "timeouts": 0, "unchanged": 0, "cpu_per_change_ms": 25.0,
        "server_cpu_percent": 90.0, "rss_end_mb": 500.0, "peak_rss_mb": 600.0, "bytes_per_rerun": 40_000.0,
        "generator_cpu_percent": 3.0, "event_loop": "uvloop"}]}
    write_load_section(load, path)
    write_load_section(load, path)  # a second run replaces the first
    text = path.read_text(encoding="utf-8")
    assert text.count(LOAD_BEGIN) == 1 and text.index(LOAD_END) < text.index("## Memori puncak")
    target_rows = [line for line in text.splitlines() if line.startswith("| 50 pengguna")]
    assert len(target_rows) == 1 and "**terpenuhi**" in target_rows[0]
    assert "loop peristiwa server: uvloop" in " ".join(text.split())  # the report says which loop served
    assert "Tidak diukur" in "\n".join(load_section(None))


def test_a_full_report_without_the_load_stage_keeps_its_last_figures(tmp_path):
    path = tmp_path / "performance.md"
    path.write_text(f"# old\n\n## Banyak pengguna sekaligus\n\n{LOAD_BEGIN}\nlast figures\n{LOAD_END}\n", encoding="utf-8")
    results = {"started": "2026-01-01T00:00:00+07:00", "sizes": {}, "duration_s": 60.0, "load_before": [0, 0, 0],
               "load_after": [0, 0, 0], "options": {"runs": 1, "ui_runs": 1, "skip": ["load"]}}
    write_report(results, path)
    text = path.read_text(encoding="utf-8")
    assert "# old" not in text and text.count(LOAD_BEGIN) == 1 and "last figures" in text
