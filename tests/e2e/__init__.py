"""End-to-end tests in a real Chromium driving the dashboard served as the README starts it.

Shared helpers for the test modules: waiting for Streamlit to finish a run,
reading what the page shows (metrics, charts, data grids) and full-page
screenshots. The fixtures (server, browser, pages) live in ``conftest.py``.
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pandas as pd
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

ROOT = Path(__file__).resolve().parent.parent.parent
SCREENSHOTS = ROOT / "tests" / "artifacts" / "screenshots"

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps trying hosts this closed network refuses.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Every test profile asks for reduced motion, as a reader may in their system's settings: Streamlit's loading
# animations then stand still. Six fresh loads of Desa took 8.0 s of Chromium's CPU without it and 5.8 s with it
# (three tries each); no test looks at an animation.
PROFILE = {"reduced_motion": "reduce"}

# The machine is slow (2 cores shared with the server): generous, but every wait ends early when its condition holds.
WAIT_MS = 90_000
POLL_S = 0.2
HOVER_MS = 5_000  # one try of hover_centred
expect.set_options(timeout=WAIT_MS)

T = TypeVar("T")

# Counts finished script runs in the page (attribute set by Streamlit on stApp), so a test can tell
# whether an action reran the app. Installed before any page script runs.
RUN_COUNTER = """
(() => {
  window.__stRunsStarted = 0;
  const watch = () => {
    new MutationObserver(records => {
      for (const r of records) {
        if (r.target.getAttribute('data-test-script-state') === 'running') window.__stRunsStarted += 1;
      }
    }).observe(document.documentElement, {subtree: true, attributes: true,
                                           attributeFilter: ['data-test-script-state']});
  };
  if (document.documentElement) watch(); else document.addEventListener('DOMContentLoaded', watch);
})();
"""

_IDLE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (document.querySelector('[data-testid="stException"]')) return true;  // reported by settle()
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
         && app.getAttribute('data-test-connection-state') === 'CONNECTED'
         && !document.querySelector('[data-stale="true"]')
         // an element whose code is still being fetched is drawn as a skeleton
         && !document.querySelector('[data-testid="stSkeleton"]');
}"""


def settle(page: Page, timeout: float = WAIT_MS) -> None:
    """Wait until the app is connected, its script has finished running, and every element is drawn (none stale).

    Fails at once, with the message, when the app shows a Python exception.
    """
    page.wait_for_function(_IDLE, timeout=timeout)
    errors = page.locator("[data-testid='stException']")
    if errors.count():
        raise AssertionError(f"the app shows an exception at {page.url}:\n{errors.first.inner_text()[:2000]}")


def frames(page: Page, count: int = 2) -> None:
    """Wait for the browser to paint ``count`` frames (lets a grid or chart draw what the last run sent)."""
    page.evaluate(
        "n => new Promise(done => { const step = i => i ? requestAnimationFrame(() => step(i - 1)) : done(); step(n); })",
        count,
    )


def runs_started(page: Page) -> int:
    """How many script runs the page has seen start since it was loaded."""
    return int(page.evaluate("() => window.__stRunsStarted || 0"))


def open_app(page: Page, url: str, title: str | None = None) -> None:
    """Load ``url`` and wait until the app has finished its first run (and shows ``title`` as its heading)."""
    page.goto(url)
    settle(page)
    if title is not None:
        expect(page.locator("h1").first).to_have_text(title, timeout=WAIT_MS)
        settle(page)


def eventually(check: Callable[[], T], timeout_s: float = WAIT_MS / 1000,
               retried: type[Exception] | tuple[type[Exception], ...] = AssertionError) -> T:
    """Retry ``check`` until it stops raising ``retried`` (like Playwright's expect, for values read in Python)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return check()
        except retried:
            if time.monotonic() > deadline:
                raise
            time.sleep(POLL_S)


def hover_centred(*places: Locator, timeout_s: float = WAIT_MS / 1000) -> None:
    """Put the pointer on each of ``places`` in turn (the last is the target), each first scrolled to the middle.

    A toolbar shows while the pointer is over its element, so the element comes first. Playwright scrolls a
    target only into view, and on a busy machine a late rerun can leave it under the page's fixed header,
    which then takes the pointer on every retry (seen: 90 s of it). So a hover that does not land within a
    few seconds starts again from the first place, centred anew.
    """
    def each_in_turn() -> None:
        for place in places:
            place.evaluate("e => e.scrollIntoView({block: 'center'})")
            place.hover(timeout=HOVER_MS)

    eventually(each_in_turn, timeout_s, retried=PlaywrightTimeout)


def metric(page: Page, container: str, label: str) -> Locator:
    """The value of the KPI tile labelled exactly ``label`` inside the container keyed ``container``."""
    tile = page.locator(f".st-key-{container} [data-testid='stMetric']").filter(
        has=page.locator("[data-testid='stMetricLabel']").get_by_text(label, exact=True))
    return tile.locator("[data-testid='stMetricValue']")


# The links of the sidebar's page navigation (drawn by pages/edge/navigation.py in the container keyed "navigasi").
NAV_LINKS = ".st-key-navigasi [data-testid='stPageLink-NavLink']"


def nav_link(page: Page, title: str) -> Locator:
    """The sidebar navigation link of the page titled ``title``."""
    return page.locator(NAV_LINKS).filter(has=page.get_by_text(title, exact=True))


def chosen(page: Page, key: str) -> list[str]:
    """The values a multiselect keyed ``key`` shows as chosen (its tags)."""
    return page.locator(f".st-key-{key} [data-tag] span[title]").all_inner_texts()


def pick(page: Page, key: str, option: str) -> None:
    """Choose ``option`` in the multiselect keyed ``key`` as a keyboard user does: type it, Enter, Escape.

    (Typing rather than clicking the option: the option list can be redrawn under the pointer.)
    """
    field = page.locator(f".st-key-{key} input")
    field.click()
    field.press_sequentially(option)
    expect(page.get_by_role("option").first).to_have_text(option)
    field.press("Enter")
    page.keyboard.press("Escape")


def chart_traces(page: Page, key: str) -> list[dict]:
    """The Plotly traces drawn in the figure container keyed ``key`` (categories, texts, type)."""
    traces = page.locator(f".st-key-{key} .js-plotly-plot").first.evaluate(
        """plot => plot.data && plot.data.map(t => ({
             type: t.type, orientation: t.orientation || null, name: t.name || null,
             x: Array.isArray(t.x) ? t.x : null, y: Array.isArray(t.y) ? t.y : null,
             text: Array.isArray(t.text) ? t.text : (t.text == null ? null : [t.text]),
           }))"""
    )
    # Between two runs Plotly may hold the element before it has data: a figure not drawn yet, for eventually().
    assert traces is not None, f"the figure {key} has no data drawn yet"
    return traces


def query(page: Page) -> dict[str, list[str]]:
    """The URL's query parameters, each with all its values."""
    from urllib.parse import parse_qs, urlsplit

    return parse_qs(urlsplit(page.url).query)


_READ_GRID = """grid => {
  const table = grid.querySelector('table[role="grid"]');
  const cells = [];
  for (const row of table.querySelectorAll('tr[aria-rowindex]')) {
    const r = Number(row.getAttribute('aria-rowindex'));
    for (const cell of row.querySelectorAll('[aria-colindex]')) {
      cells.push([r, Number(cell.getAttribute('aria-colindex')), cell.textContent]);
    }
  }
  return {rows: Number(table.getAttribute('aria-rowcount')), cols: Number(table.getAttribute('aria-colcount')), cells};
}"""


_WHOLE_GRID_SHOWN = """grid => {
  const table = grid.querySelector('table[role="grid"]');
  if (!table) return false;
  const rows = table.querySelectorAll('tr[aria-rowindex]').length;
  const cols = table.querySelectorAll('thead [aria-colindex]').length;
  return rows === Number(table.getAttribute('aria-rowcount')) && cols === Number(table.getAttribute('aria-colcount'));
}"""


def grid_frame(page: Page, grid: Locator) -> pd.DataFrame:
    """Every cell of a Streamlit data grid as text, header row as columns.

    The grid draws on a canvas and lists only the cells in view in its
    accessible table; the window is widened until the whole grid is in view,
    then restored. Meant for grids of a screenful of rows.
    """
    grid.locator("table[role='grid']").wait_for(state="attached", timeout=WAIT_MS)
    hidden_width = int(grid.locator(".dvn-scroller").first.evaluate("e => e.scrollWidth - e.clientWidth"))
    size = page.viewport_size or {"width": 1400, "height": 900}
    if hidden_width > 0:
        page.set_viewport_size({"width": size["width"] + hidden_width + 64, "height": size["height"]})
    try:
        try:
            page.wait_for_function(_WHOLE_GRID_SHOWN, arg=grid.element_handle(), timeout=WAIT_MS)
        except PlaywrightTimeout:
            raise AssertionError("the data grid never showed all its rows and columns at once") from None
        shown = grid.evaluate(_READ_GRID)
    finally:
        page.set_viewport_size(size)
    cells = {(r, c): value for r, c, value in shown["cells"]}
    rows, cols = shown["rows"], shown["cols"]
    header = [cells[(1, c)] for c in range(1, cols + 1)]
    body = [[cells[(r, c)] for c in range(1, cols + 1)] for r in range(2, rows + 1)]
    return pd.DataFrame(body, columns=header, dtype="string")


def full_page_screenshot(page: Page, name: str) -> Path:
    """Save the whole page (main area and sidebar scroll inside the window) as tests/artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_-]+', '_', name)}.png"
    size = page.viewport_size or {"width": 1400, "height": 900}
    tall = page.evaluate(
        """() => Math.max(...['stMain', 'stSidebarContent'].map(
             id => (document.querySelector(`[data-testid="${id}"]`) || {scrollHeight: 0}).scrollHeight))""")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(int(tall), 16_000))})
    try:
        frames(page, 3)
        settle(page)
        page.screenshot(path=str(path), full_page=True, animations="disabled")
    finally:
        page.set_viewport_size(size)
    return path


def log_in(page: Page, url: str, username: str, password: str) -> None:
    """Open ``url`` (the login page shows there), log in, and wait until a dashboard page replaces it."""
    open_app(page, url, "Masuk")
    page.locator(".st-key-masuk_nama input").fill(username)
    page.locator(".st-key-masuk_sandi input").fill(password)
    page.locator(".st-key-masuk_kirim button").click()
    expect(page.locator("h1").first).not_to_have_text("Masuk", timeout=WAIT_MS)
    settle(page)


FIGURES = "[data-testid='stPlotlyChart'], .js-plotly-plot, [data-testid='stMetric'], [data-testid='stDataFrame']"


def shows_no_figure(page: Page) -> None:
    """Assert the page draws no chart, KPI tile or table."""
    settle(page)
    assert page.locator(FIGURES).count() == 0, "a figure is shown"


def healthy(url: str) -> bool:
    """Whether the Streamlit server at ``url`` answers its health check."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.read().strip() == b"ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False
