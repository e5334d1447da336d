"""The sidebar's page links (pages/edge/navigation.py), run headlessly through ``dashboard.py``.

The dashboard hides Streamlit's own menu and draws a heading per section and a
link per visible page at the top of the sidebar; each link carries the view in
its address (the filters to an analysis page, the language to every page).
The browser side (click, Enter, the address bar) is tests/e2e/test_navigation_browser.py.
"""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from lib.texts import text
from pages.edge import navigation
from tests.support.accounts import ADMIN, ROOT, VIEWER, add_account, session_of
from tests.support.pages import run

ANALYSIS_IN_MENU = [("Ringkasan", "ringkasan"), ("Desa", "desa"), ("Program", "program"),
                    ("Daerah Asal", "daerah-asal"), ("Anggaran", "anggaran"), ("Hasil", "hasil"),
                    ("Laporan", "laporan"), ("Panduan", "panduan")]
ANALYSIS, ADMINISTRATION = text("nav_analysis", "id"), text("nav_admin", "id")  # the section headings


def links(at: AppTest) -> list[tuple[str, str, dict[str, list[str]]]]:
    """(label, address, query) of every page link drawn, in order."""
    return [(link.proto.label, link.proto.page, parse_qs(link.proto.query_string)) for link in at.get("page_link")]


def sidebar_order(at: AppTest) -> list[str]:
    """The sidebar's headings, page links and widgets, top to bottom, as "type:text"."""
    def walk(node):
        for child in getattr(node, "children", {}).values():
            kind = type(child).__name__
            if kind == "PageLink":
                yield f"link:{child.proto.label}"
            elif kind == "Header":
                yield f"heading:{child.value}"
            elif kind in ("Radio", "Selectbox"):
                yield f"widget:{child.key}"
            yield from walk(child)
    return list(walk(at.sidebar))


def test_the_links_come_first_in_the_sidebar_a_heading_per_section():
    order = sidebar_order(run())
    assert order[:12] == [f"heading:{ANALYSIS}", *(f"link:{title}" for title, _ in ANALYSIS_IN_MENU),
                          f"heading:{ADMINISTRATION}", "link:Data", "widget:bahasa"]
    assert order.index("heading:Filter") > order.index("link:Data")


def test_every_analysis_link_carries_the_filters_and_the_admin_link_only_the_language():
    at = run(desa="Pare", tahun="2022", bahasa="en")
    shown = links(at)
    assert [(label, page) for label, page, _ in shown] == [
        (text(key, "en"), path) for key, path in [("page_ringkasan", "ringkasan"), ("page_desa", "desa"),
                                                   ("page_program", "program"), ("page_asal", "daerah-asal"),
                                                   ("page_anggaran", "anggaran"), ("page_hasil", "hasil"),
                                                   ("page_laporan", "laporan"), ("page_panduan", "panduan")]
    ] + [("Data", "data")]
    for label, _, query in shown[:-1]:
        assert query == {"desa": ["Pare"], "tahun": ["2022"], "bahasa": ["en"]}, label
    assert shown[-1][2] == {"bahasa": ["en"]}


def test_a_filter_chosen_in_the_sidebar_is_in_every_link_at_once():
    at = run()
    assert all(query == {} for _, _, query in links(at))
    at.selectbox(key="desa").set_value("Pare").run()
    assert [query for _, _, query in links(at)][:8] == [{"desa": ["Pare"]}] * 8
    at.switch_page("pages/data.py").run()  # on a page without filters, the links still carry them
    assert [query for _, _, query in links(at)][:8] == [{"desa": ["Pare"]}] * 8


def test_the_first_page_is_linked_by_its_own_address_and_opens_as_the_default():
    at = run()
    first = at.get("page_link")[0].proto
    assert first.page == "ringkasan"  # not "" (which a browser reads as the address of the page shown)
    # Streamlit identifies a page by its URL path, so the link opens the default page (clicked in
    # tests/e2e/test_navigation_browser.py); the address itself is sent to the root by the dashboard's route.
    assert first.page_script_hash not in {link.proto.page_script_hash for link in at.get("page_link")[1:]}


def test_sections_leave_out_hidden_pages_and_empty_sections():
    shown, hidden = st.Page("pages/desa.py", url_path="desa"), st.Page("pages/hasil.py", url_path="hasil",
                                                                         visibility="hidden")
    assert navigation.sections({"A": [shown, hidden], "B": [hidden]}) == {"A": [shown]}
    assert navigation.sections([hidden, shown]) == {"": [shown]}


# --- with accounts ---------------------------------------------------------------------------------------
@pytest.mark.usefixtures("data_dir", "cheap_hashes", "served")
def test_a_visitor_gets_no_links_a_viewer_the_analysis_pages_an_admin_every_page():
    add_account(ADMIN, "kunci-admin-uji-2024", "admin")
    add_account(VIEWER, "kunci-pembaca-uji-2024", "viewer")
    visitor = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    assert links(visitor) == [] and not visitor.sidebar.header  # "Masuk" alone needs no menu
    viewer = session_of(VIEWER)
    assert [label for label, _, _ in links(viewer)] == [title for title, _ in ANALYSIS_IN_MENU]
    assert [h.value for h in viewer.sidebar.header] == [ANALYSIS, "Filter"]
    admin = session_of(ADMIN)
    assert [label for label, _, _ in links(admin)][-3:] == ["Data", "Akun", "Audit"]
    assert [h.value for h in admin.sidebar.header] == [ANALYSIS, ADMINISTRATION, "Filter"]


@pytest.mark.usefixtures("data_dir", "cheap_hashes", "served")
def test_a_rerun_makes_no_page_again_but_runs_on_its_own_page_objects(monkeypatch):
    # Making a page resolves and checks its file on disk; every rerun of every session made all of them again.
    from streamlit.navigation.page import StreamlitPage

    add_account(ADMIN, "kunci-admin-uji-2024", "admin")
    admin = session_of(ADMIN).switch_page("pages/desa.py").run()
    english = session_of(ADMIN, bahasa="en").switch_page("pages/desa.py").run()
    made, navigated = [], []
    original_init, original_navigation = StreamlitPage.__init__, st.navigation

    def counting_init(self, *args, **kwargs):
        made.append(self)
        original_init(self, *args, **kwargs)

    def watching_navigation(pages, **kwargs):
        navigated.append(pages)
        return original_navigation(pages, **kwargs)

    monkeypatch.setattr(StreamlitPage, "__init__", counting_init)
    monkeypatch.setattr(st, "navigation", watching_navigation)
    for at in (admin.run(), english.run(), admin.run()):
        assert not at.exception
    assert made == [], "every page of the menu (analysis and admin), in each language, is made once"
    assert admin.title[0].value == "Desa" and english.title[0].value == "Villages"
    assert len(links(admin)) == len(links(english)) == len(ANALYSIS_IN_MENU) + 3
    # st.navigation marks the page it runs on the object: no two runs (or sessions) share one.
    first, last = ([p for group in pages.values() for p in group] for pages in (navigated[0], navigated[-1]))
    assert not {id(p) for p in first} & {id(p) for p in last}
