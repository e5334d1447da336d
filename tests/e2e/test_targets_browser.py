"""Targets in a real browser: the Overview's trend draws the target line of the shown figure, and the table
"Target dan capaian" lists what lib computes for the same filters."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from lib import keys, targets
from lib.figures import published
from lib.filters import Filters, filtered
from lib.indicators import indicator_table
from lib.loading import load_folder
from lib.prepare import prepared
from lib.privacy import Rules
from lib.schema import Dataset, load_reference
from tests.e2e import (
    chart_traces,
    eventually,
    frames,
    full_page_screenshot,
    grid_frame,
    open_app,
    settle,
)
from tests.e2e.conftest import K

pytestmark = pytest.mark.browser

RULES = Rules(k=K, b=5)  # the server's DASBOR_PRIVACY_K and the default DASBOR_PRIVACY_B
TREND = "ringkasan_tren"


@pytest.fixture(scope="module")
def demo(server) -> Dataset:
    """The server's data, prepared with the server's own secret, as the pages publish it."""
    folder = server.data_dir
    secret = keys.installation_secret(folder, keys.DEMO_SECRET)
    return prepared(load_folder(folder / "demo", load_reference(folder / "reference.toml"), label="demo",
                                is_demo=True), secret, RULES)


def achieved(demo: Dataset, filters: Filters):
    return targets.achievement_of(demo.targets, filters, demo.reference, lambda measures: published(
        indicator_table(filtered(demo, filters), "summary", ["year"]), measures, RULES))


def drawn_target_line(page: Page) -> dict:
    """How the browser drew the trend's target trace: its points and whether its dashed line has a path."""
    return page.locator(f".st-key-{TREND} .js-plotly-plot").first.evaluate(
        """plot => {
             const traces = [...plot.querySelectorAll('.scatterlayer .trace')];
             const line = traces.map(t => t.querySelector('path.js-line')).find(p => p);
             const points = traces.flatMap(t => [...t.querySelectorAll('.points path')]);
             return {line: line ? line.getAttribute('d') || '' : '',
                     dash: line ? line.style.strokeDasharray || '' : '', points: points.length};
           }"""
    )


def test_the_trend_draws_the_target_line_and_the_table_lists_the_achievement(server, page: Page, demo):
    open_app(page, server.at("ringkasan?program=Konveksi"), "Ringkasan")
    filters = Filters.of(program="Konveksi")
    achievement = achieved(demo, filters)
    participants = achievement[achievement["measure"] == "participants"]

    def line_is_drawn():
        traces = chart_traces(page, TREND)
        line = next(t for t in traces if t["name"] == "Target")
        assert line["type"] == "scatter", traces
        years = traces[0]["x"]
        wanted = participants[participants["year"].astype(str).isin(years)]
        assert line["x"] == wanted["year"].astype(str).tolist() and line["y"] == wanted["target"].tolist()
        drawn = drawn_target_line(page)
        assert drawn["line"].startswith("M") and drawn["dash"] and drawn["points"] == len(wanted), drawn
    eventually(line_is_drawn)
    expect(page.locator(f".st-key-{TREND} .legend").get_by_text("Target")).to_be_visible()

    # One year's targets fit the table's window: every cell is read off the grid.
    open_app(page, server.at("ringkasan?program=Konveksi&tahun=2023"), "Ringkasan")
    table = page.locator(".st-key-ringkasan_target [data-testid='stDataFrame']")
    table.scroll_into_view_if_needed()
    frames(page)
    shown = grid_frame(page, table)
    expected = targets.screen_table(achieved(demo, Filters.of(program="Konveksi", year=2023)), RULES)
    assert len(expected) == 3
    assert shown.columns.tolist() == expected.columns.tolist()
    assert shown.astype(str).values.tolist() == expected.astype(str).values.tolist()
    settle(page)
    full_page_screenshot(page, "ringkasan-target")


def test_the_target_line_follows_the_figure_the_reader_picks(server, page: Page, demo):
    open_app(page, server.at(), "Ringkasan")
    achievement = achieved(demo, Filters())
    field = page.locator(f".st-key-{TREND}_ukuran input")
    field.click()
    field.press_sequentially("Tingkat kembali beroperasi")
    field.press("Enter")
    settle(page)
    relapse = achievement[achievement["measure"] == "relapse_rate"]

    def relapse_targets_drawn():
        traces = chart_traces(page, TREND)
        assert traces[0]["name"] == "Tingkat kembali beroperasi", traces[0]
        line = next(t for t in traces if t["name"] == "Target")
        wanted = relapse[relapse["year"].astype(str).isin(traces[0]["x"])]
        assert line["y"] == pytest.approx(wanted["target"].tolist())
        assert drawn_target_line(page)["line"].startswith("M")
    eventually(relapse_targets_drawn)
