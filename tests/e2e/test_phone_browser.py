"""The dashboard on a phone (390 px wide) and on a desk (1400 px): the headline tiles in one reading order and
written whole, no chart toolbar over a legend, and the filters within reach.

A phone stacks Streamlit's columns one under the other, so tiles laid out column by column read in a jumbled
order there; they are laid out row by row, people first, then rates, then money. The sidebar, where the
filters are, folds behind an unlabelled "»" on a phone: the head of every page says where they are; choosing a
page in it folds it away again.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from lib.texts import text
from tests.e2e import PROFILE, RUN_COUNTER, WAIT_MS, frames, nav_link, open_app, settle

pytestmark = pytest.mark.browser

WIDTHS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
              "device_scale_factor": 2},
    "desk": {"viewport": {"width": 1400, "height": 900}},
}
# Ringkasan's tiles as they must read, on both widths: people, then rates, then money.
READING_ORDER = ["Peserta", "Tingkat kelulusan", "Tingkat bekerja", "Tingkat kembali beroperasi", "Porsi pendatang",
                 "Pagu", "Realisasi", "Daya serap", "Biaya per peserta"]


@pytest.fixture(params=list(WIDTHS))
def width(request) -> str:
    return request.param


@pytest.fixture
def screen(browser, width) -> Iterator[Page]:
    """A page in a fresh profile at the width of a phone or of a desk."""
    context = browser.new_context(locale="id-ID", **WIDTHS[width], **PROFILE)
    context.set_default_timeout(WAIT_MS)
    context.add_init_script(RUN_COUNTER)
    try:
        yield context.new_page()
    finally:
        context.close()


def _reading_order(boxes: list[tuple[str, dict]]) -> list[str]:
    """Labels ordered as a reader reads them: top to bottom, then left to right within a row."""
    return [name for name, box in sorted(boxes, key=lambda item: (round(item[1]["y"] / 20), item[1]["x"]))]


def _overlap(a: dict, b: dict) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def headline_tiles_read_people_rates_money(screen: Page, width: str) -> None:
    tiles = screen.locator(".st-key-ringkasan_kpi [data-testid='stMetric']")
    expect(tiles).to_have_count(len(READING_ORDER))
    boxes = []
    for i in range(tiles.count()):  # read without scrolling: every box in the same coordinates
        tile = tiles.nth(i)
        name = tile.locator("[data-testid='stMetricLabel']").inner_text().strip()
        box = tile.bounding_box()
        boxes.append((name, box))
        assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTHS[width]["viewport"]["width"] + 1, (name, box)
    assert _reading_order(boxes) == READING_ORDER
    if width == "phone":  # one tile per line, each the width of the screen less its margins
        assert len({round(box["y"]) for _, box in boxes}) == len(READING_ORDER)
    # Nothing a tile writes is cut short with "…": its name, its figure, its change and what that is compared with
    # (without a year filter "2025 dibanding 2024", beside a change in rupiah in a quarter of the page), measured
    # in the page's own fonts once they have loaded.
    screen.evaluate("() => document.fonts.ready.then(() => true)")
    cut = tiles.evaluate_all("""tiles => tiles.flatMap(tile => [...tile.querySelectorAll('.stMarkdownEllipsis')])
        .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)""")
    assert cut == [], cut


def filters_are_within_reach(screen: Page, width: str) -> None:
    hint = text("filters_where", "id")
    expect(screen.get_by_text(hint)).to_be_visible()
    year = screen.locator(".st-key-tahun")
    if width == "phone":  # the sidebar is folded away, behind the "»" the hint speaks of
        expect(year).not_to_be_in_viewport()
        screen.locator("[data-testid='stExpandSidebarButton']").click()
    year.scroll_into_view_if_needed()  # below the page list and the language, as on a desk
    expect(year).to_be_in_viewport()
    box = year.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTHS[width]["viewport"]["width"]
    year.click()
    expect(screen.get_by_role("option").first).to_be_visible()
    screen.keyboard.press("Escape")
    expect(screen.get_by_role("option")).to_have_count(0)


def no_chart_toolbar_covers_a_legend(screen: Page) -> None:
    plots = screen.locator(".js-plotly-plot").filter(has=screen.locator("g.legend"))
    expect(plots.first).to_be_visible()
    assert plots.count() >= 1
    for i in range(plots.count()):
        plot = plots.nth(i)
        plot.scroll_into_view_if_needed()
        # The toolbar shows while the pointer (or a finger) is on the chart: that is when it could cover.
        plot.hover(position={"x": 20, "y": 20})
        frames(screen)
        legend = plot.locator("g.legend").bounding_box()
        toolbar = plot.locator(".modebar").first.bounding_box()  # the bar of buttons, not its full-width holder
        assert legend is not None and toolbar is not None and toolbar["height"] > 0
        assert not _overlap(legend, toolbar), (i, legend, toolbar)


# One load of the app per width (a fresh load costs Chromium about 4 CPU-seconds): Ringkasan's tiles and filters,
# then Anggaran's charts, reached through the page list the filters sit under, as a reader does.
def test_tiles_read_in_order_the_filters_are_within_reach_and_no_toolbar_covers_a_legend(server, screen, width):
    open_app(screen, server.url, "Ringkasan")
    headline_tiles_read_people_rates_money(screen, width)
    filters_are_within_reach(screen, width)
    nav_link(screen, "Anggaran").click()
    expect(screen.locator("h1").first).to_have_text("Anggaran")
    # A phone's sidebar lies over the page: once a page is chosen it folds away, as Streamlit's own menu does; a
    # desk's stays open beside the page.
    expect(screen.locator("[data-testid='stSidebar']")).to_have_attribute(
        "data-collapsed", "true" if width == "phone" else "false")
    settle(screen)
    no_chart_toolbar_covers_a_legend(screen)
