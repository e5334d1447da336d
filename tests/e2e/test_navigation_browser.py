"""The sidebar's page links in Chromium: the dashboard's own menu in place of Streamlit's, carrying the view.

Streamlit's menu (``stSidebarNav``) is hidden; the dashboard draws a heading
per section and a link per page at the top of the sidebar
(pages/edge/navigation.py). A click or Enter on a link changes page with the
chosen filters and language kept in the address, as Streamlit's menu did, and
the link's own address opens the same view in a new tab.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from lib.texts import text
from tests.e2e import NAV_LINKS, nav_link, open_app, query, settle

pytestmark = pytest.mark.browser

ANALYSIS_TITLES = ["page_ringkasan", "page_desa", "page_program", "page_asal", "page_anggaran", "page_hasil",
                   "page_laporan", "page_panduan"]
MAX_KEYS = 60  # more Tab presses than the sidebar has stops before the filters

_FOCUSED_LINK = "() => { const e = document.activeElement; return e && e.tagName === 'A' ? e.innerText.trim() : ''; }"


def choose(page: Page, key: str, option: str) -> None:
    """Choose ``option`` in the filter keyed ``key``: type it, then Enter."""
    field = page.locator(f".st-key-{key} input")
    field.click()
    field.press_sequentially(option)
    expect(page.get_by_role("option").first).to_have_text(re.compile(rf"^{re.escape(option)}( \(.*\))?$"))
    field.press("Enter")


def heading(page: Page, title: str) -> None:
    expect(page.locator("h1").first).to_have_text(title)
    settle(page)


def test_the_menu_is_the_dashboards_own_a_heading_per_section_the_current_page_marked(server, page: Page):
    open_app(page, server.at("desa"), text("page_desa", "id"))
    expect(page.locator("[data-testid='stSidebarNav']")).to_have_count(0)  # Streamlit's own menu is hidden
    menu = page.locator(".st-key-navigasi")
    expect(menu.locator("h2")).to_have_text([text("nav_analysis", "id"), text("nav_admin", "id")])
    labels = [text(key, "id") for key in ANALYSIS_TITLES] + ["Data"]
    expect(page.locator(NAV_LINKS)).to_have_text([re.compile(rf"{re.escape(label)}$") for label in labels])
    # At the top of the sidebar: above the language switch and the filters.
    top = page.evaluate("""() => ['.st-key-navigasi', '.st-key-bahasa', '.st-key-desa'].map(
        s => document.querySelector(s).getBoundingClientRect().top)""")
    assert top == sorted(top), top
    # Streamlit marks the link of the page shown (its label bold), and only that one.
    weights = page.locator(NAV_LINKS).evaluate_all(
        "links => links.map(a => Number(getComputedStyle(a.querySelector('p') || a).fontWeight))")
    current = labels.index(text("page_desa", "id"))
    assert weights[current] >= 600 and all(w < 600 for i, w in enumerate(weights) if i != current), weights


def test_a_chosen_village_survives_a_click_on_another_pages_link(server, page: Page):
    open_app(page, server.at(), text("page_ringkasan", "id"))
    choose(page, "desa", "Pare")
    expect(page).to_have_url(re.compile(r"[?&]desa=Pare(&|$)"))
    settle(page)
    expect(nav_link(page, "Program")).to_have_attribute("href", re.compile(r"(^|/)program\?desa=Pare$"))

    nav_link(page, "Program").click()
    heading(page, "Program")
    assert query(page) == {"desa": ["Pare"]}
    expect(page.locator(".st-key-desa input")).to_have_value("Pare")
    expect(page.get_by_text("Filter aktif: Desa/kelurahan: Pare")).to_be_visible()

    # A page without filters (Data) leaves them out of its address, as Streamlit's menu did; they come back after.
    nav_link(page, "Data").click()
    heading(page, "Data")
    assert "desa" not in query(page)
    nav_link(page, "Ringkasan").click()
    heading(page, "Ringkasan")
    expect(page).to_have_url(re.compile(r"//[^/]+/(ringkasan)?\?desa=Pare$"))
    expect(page.get_by_text("Filter aktif: Desa/kelurahan: Pare")).to_be_visible()


def test_a_links_address_opens_the_same_view_in_a_new_tab(server, page: Page, context):
    open_app(page, server.at("desa?desa=Pare&bahasa=en"), text("page_desa", "en"))
    for key in ("page_ringkasan", "page_hasil"):
        address = nav_link(page, text(key, "en")).evaluate("a => a.href")
        tab = context.new_page()
        try:
            open_app(tab, address, text(key, "en"))
            assert query(tab) == {"desa": ["Pare"], "bahasa": ["en"]}, address
            expect(tab.get_by_text("Active filters: Village: Pare")).to_be_visible()
        finally:
            tab.close()


def test_a_link_is_reached_with_tab_and_followed_with_enter(server, page: Page):
    open_app(page, server.at("?tahun=2022"), text("page_ringkasan", "id"))
    seen = []
    for _ in range(MAX_KEYS):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(_FOCUSED_LINK))
        if seen[-1].endswith(text("page_hasil", "id")):
            break
    else:
        raise AssertionError(f"Tab never reached the link of Hasil; links focused on the way: {seen}")
    page.keyboard.press("Enter")
    heading(page, text("page_hasil", "id"))
    assert query(page) == {"tahun": ["2022"]}


# Records whether Streamlit's own menu of the pages/ folder is ever drawn, from the first byte of the page on.
_WATCH_STREAMLIT_MENU = """(() => {
  window.__streamlitMenuSeen = false;
  new MutationObserver(() => {
    if (document.querySelector('[data-testid="stSidebarNav"]')) window.__streamlitMenuSeen = true;
  }).observe(document, {childList: true, subtree: true});
})();"""


def test_a_fresh_server_never_shows_streamlits_own_menu(tmp_path, chromium, context):
    """The first page a new server sends shows the dashboard's menu only, not for a moment the pages/ folder's."""
    from tests.e2e.conftest import copy_data, running_server

    with running_server(copy_data(tmp_path / "data")) as fresh:
        context.add_init_script(_WATCH_STREAMLIT_MENU)
        page = context.new_page()
        for address, title in ((fresh.at(), "page_ringkasan"), (fresh.at("desa"), "page_desa")):
            open_app(page, address, text(title, "id"))  # the observer starts again with every page load
            expect(page.locator(NAV_LINKS).first).to_be_visible()
            assert page.evaluate("window.__streamlitMenuSeen") is False, address
