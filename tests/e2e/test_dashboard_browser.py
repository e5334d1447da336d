"""A department head's journey through the dashboard in a real browser, figures checked against lib.

The expected figures are computed here from lib, as the pages do: load the
demo of the server's data folder, prepare it with the server's secret, filter,
indicator table, ``lib.figures.published``, then ``lib.fmt`` / ``lib.export``
for what is written on screen and in downloads. Each filter takes one value, one
named group or everything; a link asking anything else is answered with a
message, not figures.
"""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from playwright.sync_api import Page, WebSocketRoute, expect

from lib import charts, export, figures, fmt, keys
from lib.filters import Filters, filtered
from lib.indicators import indicator_table
from lib.loading import load_folder
from lib.measures import BY_NAME
from lib.prepare import prepared
from lib.privacy import Rules, hidden_reasons
from lib.schema import Dataset, load_reference
from lib.texts import text
from pages.server import browsers
from tests.e2e import (
    FIGURES,
    PROFILE,
    WAIT_MS,
    chart_traces,
    eventually,
    frames,
    full_page_screenshot,
    grid_frame,
    metric,
    nav_link,
    open_app,
    query,
    runs_started,
    settle,
)
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
MAX_TILE_CHARS = 12  # as lib.figures: longer rupiah amounts are shown compact in a row of four tiles
RULES = Rules(k=K, b=5)  # the server's DASBOR_PRIVACY_K and the default DASBOR_PRIVACY_B
UNIT = re.compile(r" \((Rp|%)\)$")


def choice(page: Page, key: str) -> str:
    """What the filter keyed ``key`` shows as chosen ("" when it shows nothing)."""
    return page.locator(f".st-key-{key} input").input_value()


def choose(page: Page, key: str, option: str) -> None:
    """Choose ``option`` in the filter keyed ``key`` as a keyboard user does: type it, then Enter.

    A named group's option reads its name and its size: ``Kabupaten Kediri (kelompok 9 desa)``.
    """
    field = page.locator(f".st-key-{key} input")
    field.click()
    field.press_sequentially(option)
    expect(page.get_by_role("option").first).to_have_text(re.compile(rf"^{re.escape(option)}( \(.*\))?$"))
    field.press("Enter")


# --- what lib says the page must show --------------------------------------------
@pytest.fixture(scope="module")
def demo(server) -> Dataset:
    """The server's data, prepared with the server's own secret (read, or made first here: the server then reads it)."""
    folder = server.data_dir
    secret = keys.installation_secret(folder, keys.DEMO_SECRET)
    return prepared(load_folder(folder / "demo", load_reference(folder / "reference.toml"), label="demo",
                                is_demo=True), secret, RULES)


def published(demo: Dataset, filters: Filters, table: str, by=(), measures=()) -> pd.DataFrame:
    """The published table of a figure: its measures and the counts they rest on, as the page publishes them."""
    return figures.published(indicator_table(filtered(demo, filters), table, list(by)), measures, RULES)


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
    return figures.screen_table(pub, RULES, "id")


def read_csv(content: bytes) -> pd.DataFrame:
    """A downloaded Indonesian CSV as pandas reads it (``;``, BOM dropped), every cell as text, units off the headers."""
    frame = pd.read_csv(io.BytesIO(content), sep=";", encoding="utf-8-sig", dtype="string", keep_default_na=False)
    return frame.rename(columns=lambda header: UNIT.sub("", header))


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
    choose(page, "desa", "Pare")
    expect(page).to_have_url(re.compile(r"[?&]desa=Pare(&|$)"))
    pare = published(demo, Filters.of(village="Pare"), "summary", (), HEADLINE)
    assert cell_text(pare, "participants") != everyone, "the demo must make the filter visible"
    expect(participants).to_have_text(cell_text(pare, "participants"))
    settle(page)
    for name in HEADLINE:
        expect(metric(page, "ringkasan_kpi", BY_NAME[name].label_id)).to_have_text(
            cell_text(pare, name, short=True))
    expect(page.get_by_text("Filter aktif: Desa/kelurahan: Pare")).to_be_visible()
    assert query(page)["desa"] == ["Pare"]
    assert runs_started(page) > runs, "a filter change reruns the page (and the run counter sees it)"


def test_a_shared_link_opens_with_its_filters_applied(server, browser, demo):
    # A colleague's link, opened in a browser that has never seen the dashboard.
    fresh = browser.new_context(viewport={"width": 1400, "height": 900}, locale="id-ID", **PROFILE)
    fresh.set_default_timeout(WAIT_MS)
    try:
        page = fresh.new_page()
        open_app(page, server.at("desa?desa=Gurah&tahun=2021-2025"), "Desa")
        assert choice(page, "desa") == "Gurah"
        assert choice(page, "tahun") == "2021-2025 (periode 5 tahun)"
        expect(page.get_by_text("Filter aktif: Tahun: 2021-2025; Desa/kelurahan: Gurah")).to_be_visible()

        filters = Filters.of(year="2021-2025", village="Gurah")
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
        assert query(page) == {"desa": ["Gurah"], "tahun": ["2021-2025"]}
    finally:
        fresh.close()


def test_a_csv_download_is_the_table_on_screen(server, page: Page, demo):
    # The server's answer to the click (the address of the file it has just made) is held on its way to the
    # browser until another reader's page has run twice in the same server: Streamlit deletes a clicked download's
    # file when two runs end in its process, and the dashboard keeps it for the browser that clicked
    # (pages/server/browsers.py), so the download still arrives.
    socket: list[WebSocketRoute] = []
    held: list[bytes] = []

    def hold_the_answer_to_a_click(route: WebSocketRoute) -> None:
        server_side = route.connect_to_server()
        server_side.on_message(lambda message: held.append(message)
                               if isinstance(message, bytes) and browsers.clicked_download(message)
                               else route.send(message))
        socket.append(route)

    page.route_web_socket(re.compile(r"/_stcore/stream"), hold_the_answer_to_a_click)
    # One year: some villages fall below k, so the table hides some cells and shows others.
    year = Filters.of(year=2021)
    open_app(page, server.at("desa?tahun=2021"), "Desa")
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
        for _ in range(WAIT_MS // 50):  # Playwright hands over messages while it waits, not while Python sleeps
            if held:
                break
            page.wait_for_timeout(50)
        other = page.context.new_page()
        open_app(other, server.at("desa?tahun=2022"), "Desa")
        other.locator(".st-key-reset_filter button").click()
        expect(other).to_have_url(re.compile(r"/desa$"))
        settle(other)
        other.close()
        [answer] = held
        socket[0].send(answer)
    download = started.value
    content = open(download.path(), "rb").read()

    assert content.startswith("\ufeff".encode("utf-8")), "CSV must start with the UTF-8 BOM for Excel"
    assert download.suggested_filename == export.download_name(text("by_village", "id"), year.label(), "csv")
    csv = read_csv(content)
    # lib's published table, as the download writes it.
    dims = figures.dimensions(pub)
    pd.testing.assert_frame_equal(csv, read_csv(export.csv_file(export.download_sheet(pub, dims, RULES, "id"))))
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
    open_app(page, server.at("hasil?desa=Pare&tahun=2021-2025&peran=WPS"), "Hasil")
    assert choice(page, "desa") == "Pare" and choice(page, "peran") == "WPS"
    page.locator(".st-key-reset_filter button").click()
    expect(page).to_have_url(re.compile(r"/hasil$"))
    settle(page)
    assert [choice(page, key) for key in ("tahun", "desa", "peran")] == ["Semua"] * 3
    expect(page.get_by_text("Filter aktif: Semua data")).to_be_visible()


def test_switching_to_english_changes_titles_and_labels(server, page: Page):
    open_app(page, server.at(), "Ringkasan")
    page.locator(".st-key-bahasa").get_by_text("English", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]bahasa=en(&|$)"))
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
    assert query(page).get("bahasa") == ["en"]


def test_a_link_asking_for_a_list_shows_why_and_no_figure_until_one_choice_is_made(server, page: Page, demo):
    open_app(page, server.at("?desa=Pare&desa=Gurah&tahun=2019&tahun=2024"), "Ringkasan")
    alerts = page.locator("[data-testid='stAlert']")
    expect(alerts.filter(has_text="beberapa pilihan desa/kelurahan sekaligus (Pare, Gurah)")).to_be_visible()
    expect(alerts.filter(has_text="rentang tahun 2019–2024, yang bukan periode bernama")).to_be_visible()
    assert page.locator(f"[data-testid='stMain'] :is({FIGURES})").count() == 0
    assert choice(page, "desa") == "" and choice(page, "tahun") == ""  # nothing chosen rather than a false choice
    assert query(page) == {"desa": ["Pare", "Gurah"], "tahun": ["2019", "2024"]}  # the link stays as it asked
    full_page_screenshot(page, "tautan-tidak-dijawab")

    choose(page, "desa", "Kabupaten Kediri")
    choose(page, "tahun", "2021-2025")
    expect(page).to_have_url(re.compile(r"[?&]tahun=2021-2025(&|$)"))
    settle(page)
    expect(alerts.filter(has_text="sekaligus")).to_have_count(0)
    assert query(page) == {"desa": ["Kabupaten Kediri"], "tahun": ["2021-2025"]}
    group = published(demo, Filters.of(village="Kabupaten Kediri", year="2021-2025"), "summary", (), HEADLINE)
    expect(metric(page, "ringkasan_kpi", "Peserta")).to_have_text(cell_text(group, "participants"))


def test_the_filters_are_one_choice_each_groups_marked_and_keyboard_usable(server, page: Page):
    open_app(page, server.at(), "Ringkasan")
    field = page.locator(".st-key-desa input")
    field.focus()
    field.press("ArrowDown")
    options = page.get_by_role("option").all_inner_texts()
    assert options[:4] == ["Semua", "Kabupaten Kediri (kelompok 9 desa)", "Kota Kediri (kelompok 1 desa)", "Kandangan"]
    page.keyboard.press("Escape")
    full_page_screenshot(page, "filter-desa")


def test_back_and_forward_bring_the_filters_of_that_address_back(server, page: Page):
    open_app(page, server.at(), "Ringkasan")
    choose(page, "desa", "Pare")
    expect(page).to_have_url(re.compile(r"[?&]desa=Pare(&|$)"))
    settle(page)
    choose(page, "desa", "Semampir")
    expect(page).to_have_url(re.compile(r"[?&]desa=Semampir(&|$)"))
    settle(page)
    page.go_back()
    expect(page).to_have_url(re.compile(r"[?&]desa=Pare(&|$)"))
    settle(page)
    eventually(lambda: _shows(page, "desa", "Pare"))
    expect(page.get_by_text("Filter aktif: Desa/kelurahan: Pare")).to_be_visible()


def _shows(page: Page, key: str, value: str) -> None:
    assert choice(page, key) == value
