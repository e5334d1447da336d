"""A reader without a mouse: filters, pages, a figure's table and its download with Tab, Enter and arrow keys only.

Nothing here clicks, fills or focuses an element: the test presses keys as a
keyboard user does and reads where the focus is, so anything the keyboard
cannot reach, open or press fails it.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from lib import export
from lib.audit import DOWNLOAD, open_audit
from lib.filters import Filters
from lib.texts import text
from tests.e2e import open_app, query, settle

pytestmark = pytest.mark.browser

MAX_KEYS = 120  # more Tab presses than the page has stops: a stop never reached fails instead of looping

# What has the focus: the element, the Streamlit key of the widget around it, its text.
_FOCUS = """() => {
  const e = document.activeElement || document.body;
  const keyed = e.closest('[class*="st-key-"]');
  const key = keyed ? (keyed.className.match(/st-key-([\\w-]+)/) || [, ''])[1] : '';
  return {tag: e.tagName.toLowerCase(), key, text: (e.innerText || e.value || e.getAttribute('aria-label') || '').trim(),
          href: e.tagName === 'A' ? e.href : '', inside: (e.closest('[data-testid]') || {dataset: {}}).dataset.testid || ''};
}"""

# The option a combobox highlights now (aria-activedescendant, or the list's selected item).
_HIGHLIGHTED = """() => {
  const input = document.activeElement;
  const id = input && input.getAttribute('aria-activedescendant');
  const option = (id && document.getElementById(id))
              || document.querySelector('[role="option"][aria-selected="true"]');
  return option ? option.textContent.trim() : null;
}"""


def focus(page: Page) -> dict:
    return page.evaluate(_FOCUS)


def press_until(page: Page, key: str, reached, what: str) -> dict:
    """Press ``key`` until ``reached(focus)`` holds; fails when ``MAX_KEYS`` presses never get there."""
    seen = []
    for _ in range(MAX_KEYS):
        page.keyboard.press(key)
        now = focus(page)
        if reached(now):
            return now
        seen.append(f"{now['tag']}.{now['key']}:{now['text'][:30]}")
    raise AssertionError(f"{key} never reached {what}; the focus went through: {seen}")


def pick_with_arrows(page: Page, key: str, option: str) -> None:
    """In the filter keyed ``key`` (focused), open the list with ArrowDown, move to ``option`` and press Enter."""
    options = page.get_by_role("option").first
    for _ in range(3):
        # On a busy machine a late rerun can redraw the filter between the Tab and the key: the list stays shut,
        # as it would for a reader, who presses the key again.
        assert focus(page)["key"] == key, f"the focus left the filter {key}: {focus(page)}"
        page.keyboard.press("ArrowDown")
        try:
            options.wait_for(state="visible", timeout=10_000)
            break
        except PlaywrightTimeout:
            settle(page)
    expect(options).to_be_visible()
    seen = []
    for _ in range(MAX_KEYS):
        shown = page.evaluate(_HIGHLIGHTED)
        if shown is not None and re.fullmatch(rf"{re.escape(option)}( \(.*\))?", shown):
            page.keyboard.press("Enter")
            return
        seen.append(shown)
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"the arrow keys never highlighted {option!r} in {key}: {seen}")


def test_filters_a_page_a_figures_table_and_its_download_with_the_keyboard_alone(server, page: Page):
    open_app(page, server.at(), text("page_ringkasan", "id"))

    # The village and the year: Tab to each filter, arrows to the choice, Enter.
    press_until(page, "Tab", lambda f: f["key"] == "desa" and f["tag"] == "input", "the village filter")
    pick_with_arrows(page, "desa", "Pare")
    expect(page).to_have_url(re.compile(r"[?&]desa=Pare(&|$)"))
    settle(page)
    press_until(page, "Shift+Tab", lambda f: f["key"] == "tahun" and f["tag"] == "input", "the year filter")
    pick_with_arrows(page, "tahun", "2022")
    expect(page).to_have_url(re.compile(r"[?&]tahun=2022(&|$)"))
    settle(page)
    expect(page.get_by_text("Filter aktif: Tahun: 2022; Desa/kelurahan: Pare")).to_be_visible()

    # Another page: back to its link in the sidebar navigation, Enter. The filters come along.
    press_until(page, "Shift+Tab", lambda f: f["tag"] == "a" and re.search(r"/desa(\?|$)", f["href"]),
                "the link of the page Desa")
    page.keyboard.press("Enter")
    expect(page.locator("h1").first).to_have_text(text("page_desa", "id"))
    settle(page)
    assert query(page) == {"desa": ["Pare"], "tahun": ["2022"]}

    # The table under the chart of every village: Tab to "Lihat tabel", Enter opens it.
    figure = page.locator(".st-key-desa_semua")
    press_until(page, "Tab", lambda f: f["tag"] == "summary" and f["key"] == "desa_semua",
                "the table of the chart by village")
    page.keyboard.press("Enter")
    expect(figure.locator("[data-testid='stDataFrame']")).to_be_visible()
    settle(page)

    # Its CSV: Tab to the button, Enter; the file arrives and the download is in the audit log.
    press_until(page, "Tab", lambda f: f["tag"] == "button" and f["key"] == "desa_semua_csv", "the CSV download")
    with page.expect_download() as started:
        page.keyboard.press("Enter")
    download = started.value
    content = open(download.path(), "rb").read()
    assert content.startswith("\ufeff".encode("utf-8")) and b"Pare" in content
    assert download.suggested_filename == export.download_name(
        text("by_village", "id"), Filters.of(year=2022, village="Pare").label(), "csv")
    events = open_audit(server.data_dir / "audit.sqlite3").events(action=DOWNLOAD)
    assert download.suggested_filename in [json.loads(d)["file"] for d in events["detail"]]
