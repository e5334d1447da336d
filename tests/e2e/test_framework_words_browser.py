"""Streamlit's own interface words in the reader's language, in a real browser.

Streamlit writes English an app cannot set (the toolbar over a table, the ⋮
menu, the file uploader, the (?) help icons, the headings' links, a
selectbox's buttons, default placeholder and empty list); the page's script
writes the Indonesian of
``lib.framework_words`` in its place while the page is Indonesian, and
Streamlit's English back when the reader chooses English.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Locator, Page, expect

from lib.framework_words import PATTERNS, WORDS
from lib.texts import LANGUAGES, text
from tests.e2e import HOVER_MS, eventually, hover_centred, log_in, nav_link, open_app, settle
from tests.e2e.conftest import ADMIN

pytestmark = pytest.mark.browser

TOOLBAR = ("show_hide_columns", "search", "fullscreen")
MENU = ("print", "record_screen")
ENGLISH = {word["en"] for word in WORDS.values()}
INDONESIAN = {word["id"] for word in WORDS.values()}

# Every aria-label, title and text of an element and all inside it.
_WORDS_IN = """root => [root, ...root.querySelectorAll('*')].flatMap(e => [
  e.getAttribute('aria-label'), e.getAttribute('title'),
  ...[...e.childNodes].filter(n => n.nodeType === Node.TEXT_NODE).map(n => n.nodeValue.trim())
]).filter(w => w)"""


def words_in(place: Locator) -> set[str]:
    return set(place.evaluate(_WORDS_IN))


def word(key: str, lang: str) -> str:
    return WORDS[key][lang]


def open_table(page: Page) -> Locator:
    """The table under the chart of every village (Desa page), opened, in the middle of the window."""
    figure = page.locator(".st-key-desa_semua")
    figure.locator("summary").first.click()
    table = figure.locator("[data-testid='stDataFrame']")
    expect(table).to_be_visible()
    settle(page)
    table.evaluate("e => e.scrollIntoView({block: 'center'})")
    return figure


def toolbar_speaks(page: Page, figure: Locator, lang: str) -> None:
    other = "en" if lang == "id" else "id"
    buttons = figure.locator("[data-testid='stElementToolbar'] button")
    expect(buttons).to_have_count(len(TOOLBAR))
    for index, key in enumerate(TOOLBAR):
        expect(buttons.nth(index)).to_have_attribute("aria-label", word(key, lang))
    toolbar = figure.locator("[data-testid='stElementToolbar']")
    assert not words_in(toolbar) & {word(key, other) for key in TOOLBAR}, words_in(toolbar)
    # The tooltip of a button, and the button that closes the full screen, reached with the keyboard: a
    # pointer aimed at the small toolbar could land on the page's fixed header or on the table when a late
    # rerun on a busy machine moved the page (seen, for 90 s of retries). A late rerun can also draw the
    # toolbar anew after the button was focused, and the tooltip then never shows (seen, on a machine running
    # two suites at once): each try focuses the button again.
    search = buttons.nth(TOOLBAR.index("search"))
    tooltip = page.locator("[data-testid='stTooltipContent']")

    def tooltip_on_focus() -> None:
        search.evaluate("button => button.blur()")
        search.focus()
        expect(tooltip).to_have_text(word("search", lang), timeout=HOVER_MS)

    eventually(tooltip_on_focus)
    buttons.nth(TOOLBAR.index("fullscreen")).press("Enter")
    close = page.locator(f"[data-testid='stElementToolbar'] button[aria-label='{word('close_fullscreen', lang)}']")
    expect(close).to_have_count(1)
    close.press("Enter")
    expect(close).to_have_count(0)


def main_menu_speaks(page: Page, lang: str) -> None:
    other = "en" if lang == "id" else "id"
    button = page.locator("[data-testid='stMainMenu'] button")
    expect(button).to_have_attribute("aria-label", word("main_menu", lang))
    button.click()
    popover = page.locator("[data-testid='stMainMenuPopover']")
    expect(popover.locator("[data-testid='stMainMenuItemLabel']")).to_have_text([word(key, lang) for key in MENU])
    expect(popover).to_contain_text(word("made_with", lang))
    expect(popover.locator(".stMenuVersionCopyButton")).to_have_attribute("aria-label", word("copy_version", lang))
    shown = words_in(popover)
    assert not shown & ({WORDS[key][other] for key in (*MENU, "made_with", "copy_version", "main_menu")}), shown
    page.keyboard.press("Escape")
    expect(popover).to_have_count(0)


def chart_toolbar_speaks(page: Page, lang: str) -> None:
    """The buttons of the first chart's own toolbar (Plotly's, with Streamlit's full-screen button in it)."""
    chart = page.locator("[data-testid='stPlotlyChart']").first
    hover_centred(chart)
    buttons = chart.locator(".modebar-btn")
    expect(buttons).to_have_count(2)
    titles = {"id": ["Unduh grafik sebagai PNG", word("fullscreen", "id")],
              "en": ["Download plot as a PNG", word("fullscreen", "en")]}[lang]
    for index, title in enumerate(titles):
        expect(buttons.nth(index)).to_have_attribute("data-title", title)


@pytest.fixture(scope="module")
def upload_file(accounts_server, tmp_path_factory) -> Path:
    """A few rows of the server's demo participants, as a CSV to put in the Data page's uploader."""
    demo = pd.read_csv(accounts_server.data_dir / "demo" / "participants.csv", dtype=str, keep_default_na=False)
    path = tmp_path_factory.mktemp("unggah") / "peserta-sebagian.csv"
    demo.head(20).to_csv(path, index=False)
    return path


def uploader_speaks(page: Page, path: Path, lang: str, label: str) -> None:
    other = "en" if lang == "id" else "id"
    uploader = page.locator(".st-key-data_berkas [data-testid='stFileUploader']")
    dropzone = uploader.locator("[data-testid='stFileUploaderDropzone']")
    expect(dropzone.locator("button")).to_have_text(re.compile(rf"{word('upload', lang)}$"))
    per_file = "per berkas" if lang == "id" else "per file"
    expect(dropzone.locator("[data-testid='stFileUploaderDropzoneInstructions']")).to_have_text(
        re.compile(rf"^\d+MB {per_file} • CSV, XLSX$"))
    expect(dropzone.locator("input[type='file']")).to_have_attribute("aria-label", word("file_upload", lang))
    # The app's own label stays as the app wrote it.
    expect(dropzone).to_have_attribute("aria-label", label)
    shown = words_in(uploader)
    assert not shown & {word(key, other) for key in ("upload", "file_upload")}, shown
    assert not any(w.endswith("per berkas" if lang == "en" else "per file") for w in shown), shown

    dropzone.locator("input[type='file']").set_input_files(str(path))
    remove = uploader.locator("[data-testid='stFileChipDeleteBtn'] button")
    expect(remove).to_have_attribute("aria-label", f"{'Hapus' if lang == 'id' else 'Remove'} {path.name}")
    expect(uploader.locator("[data-testid='stFileChip']")).to_have_attribute(
        "aria-label", re.compile(rf"^{re.escape(path.name)},"))
    expect(uploader.locator(f"button[aria-label='{word('add_files', lang)}']")).to_have_count(1)
    settle(page)
    remove.click()
    expect(remove).to_have_count(0)
    settle(page)


def help_for(label: str, lang: str) -> str:
    """What a (?) icon beside the label ``label`` is called: Streamlit's ``Help for <label>``, or its Indonesian."""
    return f"Help for {label}" if lang == "en" else re.sub(r"\$1", label, PATTERNS["help_for"]["id"])


def labels_speak(page: Page, lang: str) -> None:
    """The (?) icons, the headings' links and the selectboxes' buttons of the Desa page, and a search finding nothing."""
    other = "en" if lang == "id" else "id"
    sidebar = page.locator("[data-testid='stSidebar']")
    box = sidebar.locator("[data-testid='stSelectbox']").first
    label = box.locator("[data-testid='stWidgetLabel']").inner_text().strip()
    expect(box.locator("[data-testid='stTooltipIcon'] button")).to_have_attribute("aria-label", help_for(label, lang))
    heading_help = page.locator("[data-testid='stHeaderActionElements'] [data-testid='stTooltipIcon'] button")
    expect(heading_help.first).to_have_attribute("aria-label", word("help", lang))
    links = page.locator("[data-testid='stHeaderActionElements'] a")
    expect(links.first).to_have_attribute("aria-label", word("link_to_heading", lang))
    opens = page.locator("[data-testid='stSelectbox'] button[aria-haspopup='listbox']")
    assert opens.count() > 1
    assert set(opens.evaluate_all("es => es.map(e => e.getAttribute('aria-label'))")) == {word("open", lang)}
    for place in (sidebar, page.locator("[data-testid='stMain']")):
        shown = words_in(place)
        assert not shown & {word(key, other) for key in ("help", "link_to_heading", "open")}, shown
        assert not any(w.startswith(help_for("", other)) for w in shown), shown

    # A search that finds nothing says so; the list's options (the app's) stay as the app wrote them.
    box.locator("input").click()
    page.keyboard.type("zzzz")
    listbox = page.locator("[data-testid='stSelectboxVirtualDropdown'] [role='listbox']")
    expect(listbox).to_have_text(word("no_results", lang))
    dismiss = page.locator("[data-testid='stSelectboxVirtualDropdown'] button")
    expect(dismiss).to_have_attribute("aria-label", word("dismiss", lang))
    for _ in "zzzz":
        page.keyboard.press("Backspace")
    expect(listbox.locator("[role='option'][data-key]").first).to_have_text(text("filter_all", lang))
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    expect(listbox).to_have_count(0)


def placeholders(page: Page) -> set[str]:
    return set(page.locator("[data-testid='stSelectbox'] input").evaluate_all(
        "es => es.map(e => e.getAttribute('placeholder'))"))


def origins_placeholder_speaks(page: Page, lang: str) -> None:
    """The Origins page's chart measure: a selectbox the app gives no placeholder of its own shows Streamlit's."""
    other = "en" if lang == "id" else "id"
    nav_link(page, text("page_asal", lang)).click()
    expect(page.locator("h1").first).to_have_text(text("page_asal", lang))
    settle(page)
    expect(page.locator(f"[data-testid='stSelectbox'] input[placeholder='{word('choose_an_option', lang)}']").first
           ).to_be_attached()
    assert word("choose_an_option", other) not in placeholders(page)


def switch_language(page: Page, lang: str) -> None:
    """Choose ``lang`` in the sidebar's language switch, as a reader does, and wait for the page in it."""
    page.locator(".st-key-bahasa").get_by_text(LANGUAGES[lang], exact=True).click()
    if lang == "en":
        expect(page).to_have_url(re.compile(r"[?&]bahasa=en(&|$)"))
    else:
        expect(page).not_to_have_url(re.compile(r"bahasa=en"))
    settle(page)


def desa_speaks(page: Page, lang: str) -> None:
    """Every Streamlit word on the Desa page: help icons, heading links, selectboxes, both toolbars, the ⋮ menu."""
    labels_speak(page, lang)
    chart_toolbar_speaks(page, lang)
    toolbar_speaks(page, open_table(page), lang)
    main_menu_speaks(page, lang)


# One load of the app per language: each test reads one page's words after another, as a reader meets them,
# and reaches the next page through the dashboard's menu (a fresh load costs Chromium about 4 CPU-seconds).
def test_in_indonesian_streamlits_words_are_indonesian_and_follow_a_switch_of_language(server, page: Page):
    open_app(page, server.at("desa"), text("page_desa", "id"))
    desa_speaks(page, "id")

    switch_language(page, "en")
    main_menu_speaks(page, "en")
    chart_toolbar_speaks(page, "en")
    toolbar = page.locator("[data-testid='stElementToolbar']").first
    assert not words_in(toolbar) & INDONESIAN, words_in(toolbar)

    switch_language(page, "id")
    main_menu_speaks(page, "id")
    origins_placeholder_speaks(page, "id")


def test_with_bahasa_en_streamlits_words_are_its_english(server, page: Page):
    open_app(page, server.at("desa?bahasa=en"), text("page_desa", "en"))
    desa_speaks(page, "en")
    origins_placeholder_speaks(page, "en")


def test_the_admin_pages_speak_the_readers_language(accounts_server, page: Page, upload_file):
    """The Data page's file uploader, and the Accounts and Audit pages' selectboxes with the app's own placeholders."""
    log_in(page, accounts_server.at(), ADMIN.username, ADMIN.password)
    for lang in ("id", "en"):
        if lang == "en":
            switch_language(page, "en")
        own = {text(key, lang) for key in ("choose_one", "akun_limit_pick", "filter_pick")}
        for key, title in (("nav_akun", "akun_title"), ("nav_audit", "audit_title")):
            nav_link(page, text(key, lang)).click()
            expect(page.locator("h1").first).to_have_text(text(title, lang))
            settle(page)
            expect(page.locator("[data-testid='stSelectbox'] input").first).to_be_attached()
            assert placeholders(page) <= own, (key, lang, placeholders(page))
        nav_link(page, text("nav_data", lang)).click()
        expect(page.locator("h1").first).to_have_text("Data")
        settle(page)
        label = page.locator(".st-key-data_berkas [data-testid='stWidgetLabel']").inner_text().strip()
        uploader_speaks(page, upload_file, lang, label)
