"""A department head's journey through the dashboard in a real browser, figures checked against lib.

The expected figures are computed here from lib, as the pages do: load the
demo of the server's data folder, prepare, filter, indicator table,
``privacy.publishable``, then ``lib.fmt`` / ``lib.export`` for what is
written on screen and in downloads.
"""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from lib import charts, export, fmt
from lib.filters import Filters, filtered
from lib.indicators import indicator_table
from lib.loading import load_folder
from lib.measures import BY_NAME
from lib.prepare import prepared
from lib.privacy import HIDDEN, hidden_reasons, publishable
from lib.schema import Dataset, load_reference
from lib.texts import text
from tests.e2e import (WAIT_MS, chart_traces, chosen, eventually, frames, full_page_screenshot, grid_frame,
                       metric, nav_link, open_app, pick, query, runs_started, settle)
from tests.e2e.conftest import K

pytestmark = pytest.mark.browser

# (page title key, URL path, what proves a figure rendered there)
CHART = ".js-plotly-plot, [data-testid='stPlotlyChart']"
PAGES = [
    ("page_ringkasan", "ringkasan", "[data-testid='stMetric']"),
    ("page_desa", "desa", CHART),
    ("page_program", "program", CHART),
    ("page_asal", "daerah-asal", CHART),
    ("page_anggaran", "anggaran", "[data-testid='stMetric']"),
    ("page_hasil", "hasil", CHART),
    ("page_panduan", "panduan", "[data-testid='stDataFrame']"),  # the guide explains; it draws no figure
]
DEMO_BANNER = re.compile(r"Data demo \(sintetis\)")
HEADLINE = ["participants", "completion_rate", "working_rate", "relapse_rate", "migrant_share",
            "allocated_idr", "realized_idr", "absorption_rate", "cost_per_participant"]
DESA_PEOPLE = ["participants", "enrollments", "completion_rate", "migrant_share", "working_rate", "relapse_rate",
               "returned_home"]
MAX_TILE_CHARS = 12  # as pages/common.py: longer rupiah amounts are shown compact in a row of four tiles


# --- what lib says the page must show --------------------------------------------
@pytest.fixture(scope="module")
def demo(server) -> Dataset:
    """The server's data, prepared: the demo in the temporary data folder it was started on."""
    folder = server.data_dir
    return prepared(load_folder(folder / "demo", load_reference(folder / "reference.toml"), label="demo",
                                is_demo=True))


def published(demo: Dataset, filters: Filters, table: str, by=(), measures=()) -> pd.DataFrame:
    """The publishable table of a figure: its measures and the counts they rest on, suppressed with k."""
    raw = indicator_table(filtered(demo, filters), table, list(by))
    if measures:
        wanted = set(measures)
        for name in measures:
            wanted |= {c for c in (BY_NAME[name].numerator, BY_NAME[name].base) if c}
        raw = raw[[c for c in raw.columns if c not in BY_NAME or c in wanted]]
    return publishable(raw, [c for c in raw.columns if c not in BY_NAME], K)


def cell_text(pub: pd.DataFrame, name: str, row: int = 0, short: bool = False) -> str:
    """A figure as a tile or bar label writes it: formatted, or ``<5`` / "disembunyikan" when hidden."""
    reason = hidden_reasons(pub)[name].iloc[row]
    if reason:
        return charts.hidden_text(reason, K, "id")
    value, kind = pub[name].iloc[row], BY_NAME[name].kind
    full = fmt.value(value, kind, "id")
    if short and kind in fmt.MONEY_KINDS and len(full) > MAX_TILE_CHARS:
        return fmt.rupiah_compact(value, "id", digits=2)
    return full


def screen_table(pub: pd.DataFrame) -> pd.DataFrame:
    """The table under a figure as the reader sees it: the download's cells written in the reader's format."""
    dims = [c for c in pub.columns if c not in BY_NAME and c != HIDDEN]
    frame = export.display_frame(pub, dims, K, "id")
    kinds = [None] * len(dims) + [BY_NAME[c].kind for c in pub.columns if c in BY_NAME]
    return fmt.screen_frame(frame, [fmt.column_format(kind) for kind in kinds] + ["text"], "id")


def read_csv(content: bytes) -> pd.DataFrame:
    """A downloaded CSV as pandas reads it (BOM dropped), every cell as text, empty cells as ""."""
    return pd.read_csv(io.BytesIO(content), encoding="utf-8-sig", dtype="string", keep_default_na=False)


def row_of(pub: pd.DataFrame, column: str, value: str) -> int:
    return pub[column].astype(str).tolist().index(value)


# --- the journey -----------------------------------------------------------------------
def test_every_page_through_the_sidebar_shows_figures_and_the_demo_banner(server, page: Page):
    open_app(page, server.at(), text("page_ringkasan", "id"))
    for title_key, path, figure in PAGES:
        title = text(title_key, "id")
        nav_link(page, title).click()
        address = "(ringkasan)?" if path == "ringkasan" else path  # the default page may keep the bare address
        expect(page).to_have_url(re.compile(rf"//[^/]+/{address}(\?|$)"))
        expect(page.locator("h1").first).to_have_text(title)
        settle(page)
        expect(page.locator(figure).first).to_be_visible()
        expect(page.locator("[data-testid='stAlert']").filter(has_text=DEMO_BANNER)).to_be_visible()
        assert not page.locator("[data-testid='stException']").count(), f"{title} shows an error"
        full_page_screenshot(page, path)


def test_a_village_filter_goes_into_the_url_and_changes_the_headline(server, page: Page, demo):
    open_app(page, server.at(), "Ringkasan")
    participants = metric(page, "ringkasan_kpi", "Peserta")
    everyone = cell_text(published(demo, Filters(), "summary", (), HEADLINE), "participants")
    expect(participants).to_have_text(everyone)

    runs = runs_started(page)
    pick(page, "desa", "Pare")
    expect(page).to_have_url(re.compile(r"[?&]desa=Pare(&|$)"))
    pare = published(demo, Filters(villages=("Pare",)), "summary", (), HEADLINE)
    assert cell_text(pare, "participants") != everyone, "the demo must make the filter visible"
    expect(participants).to_have_text(cell_text(pare, "participants"))
    settle(page)
    for name in HEADLINE:
        expect(metric(page, "ringkasan_kpi", BY_NAME[name].label_id)).to_have_text(
            cell_text(pare, name, short=True))
    expect(page.get_by_text("Filter aktif: Desa: Pare")).to_be_visible()
    assert query(page)["desa"] == ["Pare"]
    assert runs_started(page) > runs, "a filter change reruns the page (and the run counter sees it)"


def test_a_shared_link_opens_with_its_filters_applied(server, browser, demo):
    # A colleague's link, opened in a browser that has never seen the dashboard.
    fresh = browser.new_context(viewport={"width": 1400, "height": 900}, locale="id-ID")
    fresh.set_default_timeout(WAIT_MS)
    try:
        page = fresh.new_page()
        open_app(page, server.at("desa?desa=Gurah&tahun=2019&tahun=2024"), "Desa")
        assert chosen(page, "desa") == ["Gurah"]
        expect(page.locator(".st-key-tahun [data-testid='stSliderThumbValue']")).to_have_text(["2019", "2024"])
        expect(page.get_by_text("Filter aktif: Tahun: 2019–2024; Desa: Gurah")).to_be_visible()

        filters = Filters(years=(2019, 2024), villages=("Gurah",))
        by_village = published(demo, filters, "summary", ["village"], DESA_PEOPLE)
        assert by_village["village"].astype(str).tolist() == ["Gurah"]

        def bars_are_gurahs():
            bars = chart_traces(page, "desa_semua")[0]
            assert bars["x"] == ["Gurah"] or bars["y"] == ["Gurah"], bars
            assert bars["text"] == [cell_text(by_village, "participants")], bars
        eventually(bars_are_gurahs)

        # The same link on the overview: its headline is Gurah's in 2019–2024.
        nav_link(page, "Ringkasan").click()
        expect(page.locator("h1").first).to_have_text("Ringkasan")
        total = published(demo, filters, "summary", (), HEADLINE)
        expect(metric(page, "ringkasan_kpi", "Peserta")).to_have_text(cell_text(total, "participants"))
        assert query(page) == {"desa": ["Gurah"], "tahun": ["2019", "2024"]}
    finally:
        fresh.close()


def test_a_csv_download_is_the_table_on_screen(server, page: Page, demo):
    # One year: some villages fall below k, so the table hides some cells and shows others.
    year = Filters(years=(2021, 2021))
    open_app(page, server.at("desa?tahun=2021&tahun=2021"), "Desa")
    figure = page.locator(".st-key-desa_semua")
    figure.locator("summary").filter(has_text="Lihat tabel").click()
    on_screen = grid_frame(page, figure.locator("[data-testid='stDataFrame']"))

    pub = published(demo, year, "summary", ["village"], DESA_PEOPLE)
    expected = screen_table(pub)
    pd.testing.assert_frame_equal(on_screen, expected.reset_index(drop=True), check_dtype=False)
    assert on_screen["Peserta"].isin(["<5"]).any() and not on_screen["Peserta"].isin(["<5"]).all(), \
        "the chosen year must hide some villages' counts and show others"

    before = runs_started(page)
    with page.expect_download() as started:
        figure.locator(".st-key-desa_semua_csv button").click()
    download = started.value
    content = open(download.path(), "rb").read()

    assert content.startswith("\ufeff".encode("utf-8")), "CSV must start with the UTF-8 BOM for Excel"
    assert download.suggested_filename == export.download_name(text("by_village", "id"), year.label(), "csv")
    csv = read_csv(content)
    # lib's publishable table, as the download writes it.
    pd.testing.assert_frame_equal(csv, read_csv(export.csv_bytes(export.display_frame(
        pub, [c for c in pub.columns if c not in BY_NAME and c != HIDDEN], K, "id"))))
    # The table on screen: same header, same rows, the same cells hidden.
    assert list(csv.columns) == list(on_screen.columns)
    assert csv.iloc[:, 0].tolist() == on_screen.iloc[:, 0].tolist()
    hidden_words = {"<5", "disembunyikan"}
    assert (csv.isin(hidden_words)).equals(on_screen.isin(hidden_words))
    # Downloading did not rerun the page.
    frames(page, 3)
    settle(page)
    assert runs_started(page) == before


def test_reset_clears_the_filters_from_the_url(server, page: Page):
    open_app(page, server.at("hasil?desa=Pare&tahun=2019&tahun=2024&peran=WPS"), "Hasil")
    assert chosen(page, "desa") == ["Pare"] and chosen(page, "peran") == ["WPS"]
    page.locator(".st-key-reset_filter button").click()
    expect(page).to_have_url(re.compile(r"/hasil$"))
    settle(page)
    assert chosen(page, "desa") == [] and chosen(page, "peran") == []
    expect(page.locator(".st-key-tahun [data-testid='stSliderThumbValue']")).to_have_text(["2015", "2025"])
    expect(page.get_by_text("Filter aktif: Semua data")).to_be_visible()


def test_switching_to_english_changes_titles_and_labels(server, page: Page):
    open_app(page, server.at(), "Ringkasan")
    page.locator(".st-key-bahasa").get_by_text("English", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]bahasa=English(&|$)"))
    expect(page.locator("h1").first).to_have_text(text("page_ringkasan", "en"))
    settle(page)
    titles = [text(key, "en") for key, _, _ in PAGES]
    for title in titles:
        expect(nav_link(page, title)).to_be_visible()
    expect(metric(page, "ringkasan_kpi", BY_NAME["participants"].label_en)).to_be_visible()
    expect(page.locator("[data-testid='stAlert']").filter(has_text="Demo data (synthetic)")).to_be_visible()
    expect(page.locator(".st-key-reset_filter button")).to_have_text(re.compile(text("reset", "en")))

    nav_link(page, text("page_desa", "en")).click()  # the language stays on the next page
    expect(page.locator("h1").first).to_have_text(text("page_desa", "en"))
    assert query(page).get("bahasa") == ["English"]
