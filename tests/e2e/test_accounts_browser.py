"""Accounts in a real browser: a village head sees only their village, downloads are audited, logging out hides all.

The server runs with accounts (created with ``python -m lib.accounts add``):
an admin and a viewer limited to Pare. Expected figures come from lib, over
the data scoped to the viewer's villages as the pages read it.
"""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from lib import charts, figures, fmt, keys
from lib.audit import DOWNLOAD, LOGIN, LOGOUT, open_audit
from lib.filters import Filters, filtered, scoped
from lib.indicators import indicator_table
from lib.loading import load_folder
from lib.prepare import prepared
from lib.privacy import Rules, hidden_reasons
from lib.schema import Dataset, load_reference
from tests.e2e import (
    NAV_LINKS,
    chart_traces,
    eventually,
    full_page_screenshot,
    log_in,
    metric,
    nav_link,
    open_app,
    settle,
    shows_no_figure,
)
from tests.e2e.conftest import VIEWER_PARE, K

pytestmark = pytest.mark.browser

ANALYSIS_PATHS = ["", "desa", "program", "daerah-asal", "anggaran", "hasil", "panduan"]
OTHER_VILLAGE = "Gurah"
RULES = Rules(k=K, b=5)  # the server's DASBOR_PRIVACY_K and the default DASBOR_PRIVACY_B


@pytest.fixture(scope="module")
def pare(accounts_server) -> Dataset:
    """The data the Pare viewer may see: the server's demo, prepared, scoped to Pare."""
    folder = accounts_server.data_dir
    dataset = prepared(load_folder(folder / "demo", load_reference(folder / "reference.toml"), label="demo",
                                   is_demo=True), keys.installation_secret(folder, keys.DEMO_SECRET), RULES)
    return scoped(dataset, VIEWER_PARE.villages)


def participants_text(dataset: Dataset, by=()) -> list[str]:
    """The participants figure per row of the summary table, as the page writes it (``<5`` when hidden)."""
    pub = figures.published(indicator_table(filtered(dataset, Filters()), "summary", list(by)), (), RULES)
    reasons = hidden_reasons(pub)["participants"]
    return [charts.hidden_text(r, K) if r else fmt.count(v) for v, r in zip(pub["participants"], reasons)]


def only_pare_drawn(page: Page, pare: Dataset) -> None:
    """The by-village chart of the Desa page draws one bar, Pare's, with Pare's figure."""
    bars = chart_traces(page, "desa_semua")[0]
    assert (bars["x"] or bars["y"]) == ["Pare"], bars
    assert bars["text"] == participants_text(pare, ["village"]), bars


def audit_events(server, action: str) -> pd.DataFrame:
    return open_audit(server.data_dir / "audit.sqlite3").events(action=action)


def test_a_visitor_who_has_not_logged_in_sees_no_figure_anywhere(accounts_server, page: Page):
    for path in ANALYSIS_PATHS:
        open_app(page, accounts_server.at(f"{path}?desa={OTHER_VILLAGE}"), "Masuk")
        shows_no_figure(page)
        expect(page.locator(NAV_LINKS)).to_have_count(0)
        assert OTHER_VILLAGE not in page.locator("[data-testid='stMain']").inner_text()
    full_page_screenshot(page, "masuk")


def test_a_village_viewer_sees_only_their_village_and_downloads_are_audited(accounts_server, page: Page, pare):
    log_in(page, accounts_server.at(), VIEWER_PARE.username, VIEWER_PARE.password)
    expect(page.locator("h1").first).to_have_text("Ringkasan")
    expect(metric(page, "ringkasan_kpi", "Peserta")).to_have_text(participants_text(pare)[0])
    expect(page.get_by_text(f"Masuk sebagai {VIEWER_PARE.username}")).to_be_visible()

    # The village filter offers nothing but the viewer's own: everything they may see, which is Pare.
    page.locator(".st-key-desa input").click()
    expect(page.get_by_role("option")).to_have_text(["Semua", "Pare"])
    page.keyboard.press("Escape")

    nav_link(page, "Desa").click()
    expect(page.locator("h1").first).to_have_text("Desa")
    settle(page)

    eventually(lambda: only_pare_drawn(page, pare))

    # Download the table: only Pare in it, and an audit row names the viewer and the file.
    page.locator(".st-key-desa_semua summary").click()
    with page.expect_download() as started:
        page.locator(".st-key-desa_semua_csv button").click()
    download = started.value
    table = pd.read_csv(io.BytesIO(open(download.path(), "rb").read()), sep=";", encoding="utf-8-sig", dtype="string")
    assert table.iloc[:, 0].tolist() == ["Pare"]
    rows = audit_events(accounts_server, DOWNLOAD)
    mine = rows[rows["actor"] == VIEWER_PARE.username]
    assert [json.loads(d)["file"] for d in mine["detail"]] == [download.suggested_filename]
    assert (audit_events(accounts_server, LOGIN)["actor"] == VIEWER_PARE.username).any()


def test_editing_the_url_to_another_village_shows_nothing_of_it(accounts_server, page: Page, pare):
    log_in(page, accounts_server.at(), VIEWER_PARE.username, VIEWER_PARE.password)
    # Typing another village into the address bar loads the page anew ...
    open_app(page, accounts_server.at(f"desa?desa={OTHER_VILLAGE}"))
    if page.locator("h1").first.inner_text() == "Masuk":  # a browser that does not stay signed in asks again
        shows_no_figure(page)
        page.locator(".st-key-masuk_nama input").fill(VIEWER_PARE.username)
        page.locator(".st-key-masuk_sandi input").fill(VIEWER_PARE.password)
        page.locator(".st-key-masuk_kirim button").click()
        expect(page.locator("h1").first).not_to_have_text("Masuk")
        settle(page)
    # ... and the link is not answered: neither with that village nor, silently, with the viewer's own.
    expect(page.locator("[data-testid='stAlert']").filter(has_text=f"“{OTHER_VILLAGE}”")).to_be_visible()
    shows_no_figure(page)
    assert OTHER_VILLAGE not in page.locator(".st-key-desa").inner_text()
    # Choosing in the sidebar shows the viewer's village, and only it.
    page.locator(".st-key-reset_filter button").click()
    settle(page)
    if page.locator("h1").first.inner_text() != "Desa":
        nav_link(page, "Desa").click()
        expect(page.locator("h1").first).to_have_text("Desa")
        settle(page)
    expect(page.locator(".st-key-desa_semua .js-plotly-plot")).to_be_visible()
    for key in ("desa_semua", "desa_anggaran"):
        for trace in chart_traces(page, key):
            assert OTHER_VILLAGE not in (trace["x"] or []) + (trace["y"] or []), (key, trace)
    eventually(lambda: only_pare_drawn(page, pare))


def test_logging_out_hides_every_figure(accounts_server, page: Page):
    log_in(page, accounts_server.at(), VIEWER_PARE.username, VIEWER_PARE.password)
    expect(page.locator(".st-key-ringkasan_kpi [data-testid='stMetric']").first).to_be_visible()
    page.locator(".st-key-auth_logout button").click()
    expect(page.locator("h1").first).to_have_text("Masuk")
    shows_no_figure(page)
    assert (audit_events(accounts_server, LOGOUT)["actor"] == VIEWER_PARE.username).any()
    # Nor does any page show one afterwards in this browser.
    for path in ("desa", "hasil"):
        open_app(page, accounts_server.at(path), "Masuk")
        shows_no_figure(page)
