"""In a real browser: the time from choosing a village to the page's first chart showing the new figures.

The dashboard is served by ``streamlit run dashboard.py`` on the benchmark's
data folder (an imported version and an admin account, as in production) and
driven by Debian's Chromium through Playwright. Each measurement adds one
village to the village filter (typed into the list, picked with Enter), a
selection the server has not seen before, so nothing is answered from a cache.
Times are taken inside the page (``performance.now()``): from the Enter key
to the first chart holding different data (``chart_s``), and to the whole page
having finished its run with nothing left greyed out (``page_s``).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.apptest import PAGES, VILLAGE_KEY
from bench.data import PASSWORD_FILE, USERNAME
from tests.e2e import CHROMIUM, CHROMIUM_ARGS, NAV_LINKS, healthy  # the browser the end-to-end tests drive
from tests.support.ports import free_port
from tests.support.processes import stop_group

ROOT = Path(__file__).resolve().parent.parent
WAIT_MS = int(os.environ.get("BENCH_WAIT_MS", "180000"))
STARTUP_S = 120

_IDLE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
         && app.getAttribute('data-test-connection-state') === 'CONNECTED'
         && !document.querySelector('[data-stale="true"]');
}"""
# Everything the first chart of the main area draws (traces, sizes, hover texts): it changes when new figures arrive.
_SIGNATURE = """() => {
  const plot = document.querySelector('[data-testid="stMain"] .js-plotly-plot');
  if (!plot || !plot.data) return null;
  return JSON.stringify(plot.data);
}"""
_ARM = """() => {
  window.__benchPressed = null; window.__benchChart = null; window.__benchDone = null;
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && window.__benchPressed === null) window.__benchPressed = performance.now();
  }, {capture: true});
}"""
_CHART_CHANGED = """(before) => {
  const plot = document.querySelector('[data-testid="stMain"] .js-plotly-plot');
  if (!plot || !plot.data) return false;
  const now = JSON.stringify(plot.data);
  if (now === before) return false;
  if (window.__benchChart === null) window.__benchChart = performance.now();
  return true;
}"""
_PAGE_DONE = "() => { const idle = (" + _IDLE + ")(); if (idle && window.__benchDone === null) " \
             "window.__benchDone = performance.now(); return idle; }"


@dataclass
class BrowserTimes:
    """Per page: seconds from the click to the updated chart and to the finished page; the server's peak memory."""

    first_load_s: float = 0.0
    pages: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    server_peak_mb: float = 0.0
    relogins: int = 0  # sessions that ended midway and were logged in again

    def median(self, page: str, what: str = "chart_s") -> float:
        return statistics.median(self.pages[page][what])


def peak_memory_mb(pid: int) -> float:
    """A process's peak resident memory (VmHWM), read from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Server:
    """``streamlit run dashboard.py`` on ``folder``, in its own process group, stopped on exit."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = self.folder / f"server-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        env = {**os.environ, "DASBOR_DATA_DIR": str(self.folder), "DASBOR_PRIVACY_K": "5"}
        command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"),
                   "--server.headless", "true", "--server.port", str(self.port),
                   "--browser.gatherUsageStats", "false"]
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + STARTUP_S
        while not healthy(self.url):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.__exit__(None, None, None)
                raise RuntimeError(f"dashboard did not start; see {self.log}")
            time.sleep(0.25)
        return self

    def __exit__(self, *exc) -> None:
        if self.process is not None:
            stop_group(self.process)


def _settle(page) -> None:
    page.wait_for_function(_IDLE, timeout=WAIT_MS, polling="raf")


def _login(page, url: str, password: str) -> None:
    page.goto(url)
    page.locator(".st-key-masuk_nama input").fill(USERNAME)
    page.locator(".st-key-masuk_sandi input").fill(password)
    page.locator(".st-key-masuk_kirim button").click()
    page.locator(NAV_LINKS).first.wait_for(timeout=WAIT_MS)
    page.locator("[data-testid='stMain'] .js-plotly-plot").first.wait_for(timeout=WAIT_MS)
    _settle(page)


def _quiet(page) -> None:
    """Wait until the app has finished running and stays so a moment (a rerun may follow a widget change)."""
    _settle(page)
    page.wait_for_timeout(300)
    _settle(page)


def _add_village(page, village: str, attempts: int = 3) -> tuple[float, float]:
    """Choose ``village`` in the sidebar's village list; (seconds to the updated chart, to the finished page)."""
    from playwright.sync_api import Error as PlaywrightError

    for attempt in range(attempts):
        _quiet(page)
        before = page.evaluate(_SIGNATURE)
        try:
            box = page.locator(f".st-key-{VILLAGE_KEY} input")
            box.click(timeout=10_000)
            box.fill(village)  # the list narrows to this village, which Enter then picks
            page.get_by_role("option", name=village, exact=True).wait_for(timeout=10_000)
            page.evaluate(_ARM)
            box.press("Enter", timeout=10_000)
            break
        except PlaywrightError:  # the list was redrawn meanwhile: open it again
            page.keyboard.press("Escape")
            if attempt == attempts - 1:
                raise
    page.wait_for_function(_CHART_CHANGED, arg=before, timeout=WAIT_MS, polling="raf")
    page.wait_for_function(_PAGE_DONE, timeout=WAIT_MS, polling="raf")
    pressed, chart, done = page.evaluate("() => [window.__benchPressed, window.__benchChart, window.__benchDone]")
    page.keyboard.press("Escape")
    return (chart - pressed) / 1000, (done - pressed) / 1000


class SessionLost(RuntimeError):
    """The page shows the login form again: the browser's session ended (e.g. a dropped connection)."""


def _logged_out(page) -> bool:
    return page.locator(".st-key-masuk_nama input").count() > 0


def _open(page, url: str, path: str, first: bool) -> None:
    """Show the analysis page at ``path`` with every filter off."""
    if not first:
        # The dashboard's own page links (pages/edge/navigation.py) name pages relative to it, with the view's query.
        page.locator(f"{NAV_LINKS}[href^='{path}'], {NAV_LINKS}[href*='/{path}']").first.click()
        page.wait_for_url(f"{url}/{path}*", timeout=WAIT_MS)
    page.locator("[data-testid='stMain'] .js-plotly-plot").first.wait_for(timeout=WAIT_MS)
    _settle(page)
    page.locator(".st-key-reset_filter button").click()
    _settle(page)


def _page_times(page, villages: list[str], runs: int) -> dict[str, list[float]]:
    times = {"chart_s": [], "page_s": []}
    for village in villages[:runs]:
        if _logged_out(page):
            raise SessionLost()
        if os.environ.get("BENCH_DEBUG"):
            print(page.url, village, flush=True)
        chart, done = _add_village(page, village)
        times["chart_s"].append(chart)
        times["page_s"].append(done)
    return times


def browser_times(folder: Path, villages: list[str], runs: int) -> BrowserTimes:
    """Log in, then on each analysis page add ``runs`` villages one by one, timing each.

    Villages rotate with the page, so every selection is new to the server. Should
    the session end midway (the login form shows again), the page is measured
    once more after logging in, starting from villages no page has used.
    """
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    password = (Path(folder) / PASSWORD_FILE).read_text(encoding="utf-8").strip()
    result = BrowserTimes()
    with Server(folder) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="id-ID")
            context.set_default_timeout(WAIT_MS)
            page = context.new_page()
            began = time.perf_counter()
            _login(page, server.url, password)
            result.first_load_s = time.perf_counter() - began
            for i, (file, path) in enumerate(PAGES):
                for attempt in range(2):
                    start = (i + len(PAGES) * attempt) % len(villages)
                    order = villages[start:] + villages[:start]
                    try:
                        _open(page, server.url, path, first=i == 0)  # logging in lands on the first page
                        result.pages[file] = _page_times(page, order, runs)
                        break
                    except (SessionLost, PlaywrightError):
                        page.screenshot(path=str(Path(folder) / f"failed-{path}-{attempt}.png"), full_page=True)
                        if attempt or not _logged_out(page):
                            raise
                        result.relogins += 1
                        _login(page, server.url, password)
        finally:
            browser.close()
        result.server_peak_mb = peak_memory_mb(server.process.pid)
    return result
