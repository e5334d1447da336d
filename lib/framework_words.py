"""Streamlit's own interface words, with the Indonesian the dashboard shows for them.

Streamlit (1.67) writes a few words of its own that an app cannot set: the
toolbar over tables and charts (and its full-screen button in a chart's own
toolbar), a table's column menu and search bar, the main menu, the file
uploader, the running and connection status, the sidebar's buttons, the (?)
help icons, the headings' anchor links, a selectbox's buttons, its default
placeholder and its empty list. The page's script
(``pages.server.document.framework_words_script``) writes the Indonesian in
their place when the page is Indonesian, and Streamlit's English back when it
is English. Only the words below, and only in the places ``PLACES`` names: the
app's own content is never touched.
"""

from __future__ import annotations

# Streamlit's English, exactly as its 1.67 frontend writes it (aria-label, title or text), and its Indonesian.
WORDS: dict[str, dict[str, str]] = {
    # the element toolbar over a table or chart, and its tooltips
    "fullscreen": {"en": "Fullscreen", "id": "Layar penuh"},
    "close_fullscreen": {"en": "Close fullscreen", "id": "Tutup layar penuh"},
    "search": {"en": "Search", "id": "Cari"},
    "show_hide_columns": {"en": "Show/hide columns", "id": "Tampilkan/sembunyikan kolom"},
    # a table's search bar
    "type_to_search": {"en": "Type to search", "id": "Ketik untuk mencari"},
    "previous_result": {"en": "Previous Result", "id": "Hasil sebelumnya"},
    "next_result": {"en": "Next Result", "id": "Hasil berikutnya"},
    "close_search": {"en": "Close Search", "id": "Tutup pencarian"},
    "over_1000": {"en": "over 1000", "id": "lebih dari 1000"},
    # a table's column menu (a click on a column's header)
    "column_menu": {"en": "Dataframe column menu", "id": "Menu kolom tabel"},
    "copy_column_name": {"en": "Copy column name", "id": "Salin nama kolom"},
    "sort_ascending": {"en": "Sort ascending", "id": "Urutkan naik"},
    "sort_descending": {"en": "Sort descending", "id": "Urutkan turun"},
    "statistics": {"en": "Statistics", "id": "Statistik"},
    "autosize": {"en": "Autosize", "id": "Lebar otomatis"},
    "pin_column": {"en": "Pin column", "id": "Sematkan kolom"},
    "unpin_column": {"en": "Unpin column", "id": "Lepas sematan kolom"},
    "hide_column": {"en": "Hide column", "id": "Sembunyikan kolom"},
    # the main menu (⋮) with toolbarMode = "viewer"
    "main_menu": {"en": "Main menu", "id": "Menu utama"},
    "print": {"en": "Print", "id": "Cetak"},
    "record_screen": {"en": "Record screen", "id": "Rekam layar"},
    "stop_recording": {"en": "Stop recording", "id": "Hentikan rekaman"},
    "cancel_recording": {"en": "Cancel recording", "id": "Batalkan rekaman"},
    "made_with": {"en": "Made with Streamlit v", "id": "Dibuat dengan Streamlit v"},
    "copy_version": {"en": "Copy version to clipboard", "id": "Salin versi ke papan klip"},
    "copied": {"en": "Copied", "id": "Tersalin"},
    # the file uploader
    "upload": {"en": "Upload", "id": "Unggah"},
    "file_upload": {"en": "file upload", "id": "unggah berkas"},
    "drop_files": {"en": "Drag and drop files here", "id": "Seret dan lepas berkas di sini"},
    "drop_a_file": {"en": "Drag and drop a file here", "id": "Seret dan lepas satu berkas di sini"},
    "add_files": {"en": "Add files", "id": "Tambah berkas"},
    "add_icon": {"en": "add icon", "id": "ikon tambah"},
    "retry_upload": {"en": "Click to retry upload", "id": "Klik untuk mengunggah ulang"},
    # the running and connection status in the header
    "running": {"en": "Running...", "id": "Sedang berjalan..."},
    "stop": {"en": "Stop", "id": "Hentikan"},
    "stopping": {"en": "Stopping...", "id": "Menghentikan..."},
    "connecting": {"en": "Connecting", "id": "Menyambung"},
    "connecting_server": {"en": "Connecting to Streamlit server", "id": "Menyambung ke server"},
    "connection_error": {"en": "Error", "id": "Galat"},
    "unable_to_connect": {"en": "Unable to connect to Streamlit server", "id": "Tidak dapat tersambung ke server"},
    # the sidebar's buttons and the skip link
    "collapse_sidebar": {"en": "Collapse sidebar", "id": "Ciutkan bilah samping"},
    "expand_sidebar": {"en": "Expand sidebar", "id": "Buka bilah samping"},
    "skip_to_content": {"en": "Skip to main content", "id": "Langsung ke isi utama"},
    # the (?) help icon beside a label or a heading ("Help for <label>" below), and a heading's anchor link
    "help": {"en": "Help", "id": "Bantuan"},
    "link_to_heading": {"en": "Link to heading", "id": "Tautan ke judul ini"},
    # a selectbox: its buttons, the placeholder it shows without one of the app's, its list when a search finds nothing
    "open": {"en": "Open", "id": "Buka pilihan"},
    "clear_value": {"en": "Clear value", "id": "Kosongkan pilihan"},
    "choose_an_option": {"en": "Choose an option", "id": "Pilih salah satu"},
    "no_results": {"en": "No results", "id": "Tidak ada hasil"},
    "dismiss": {"en": "Dismiss", "id": "Tutup"},
}

# Words with a part of their own (a file's name, a size, a count): JavaScript regular expressions over the
# whole English text and the Indonesian that replaces it ($1, $2: the parts kept).
PATTERNS: dict[str, dict[str, str]] = {
    "per_file": {"en": r"^(\S+) per file$", "id": "$1 per berkas"},
    "remove_file": {"en": r"^Remove (.+)$", "id": "Hapus $1"},
    "results": {"en": r"^(\d+) results?$", "id": "$1 hasil"},
    "result_of": {"en": r"^(\d+) of (\d+) results?$", "id": "$1 dari $2 hasil"},
    "result_of_many": {"en": r"^(\d+) of over 1000$", "id": "$1 dari lebih dari 1000"},
    "help_for": {"en": r"^Help for (.+)$", "id": "Bantuan untuk $1"},
}

# Where Streamlit writes them (CSS selectors; an element inside one of them, or the element itself).
# The file uploader's own box carries the app's label: only what is inside it. A selectbox's list holds the app's
# options: only its buttons, and the list itself when it is empty (a search that found nothing).
PLACES: tuple[str, ...] = (
    "[data-testid='stElementToolbar']",
    "[data-testid='stPlotlyChart'] .modebar",  # a chart's own toolbar: Streamlit adds its full-screen button there
    "[data-testid='stTooltipContent']",
    "[data-testid='stDataFrame'] .gdg-search-bar",
    "[role='menu'][aria-label='Dataframe column menu']",
    "[role='menu'][aria-label='Menu kolom tabel']",
    "[data-testid='stMainMenu']",
    "[data-testid='stMainMenuPopover']",
    "[data-testid='stFileUploaderDropzone'] > *",
    "[data-testid='stStatusWidget']",
    "[data-testid='stConnectionStatus']",
    "[data-testid='stSidebarCollapseButton']",
    "[data-testid='stExpandSidebarButton']",
    "[data-testid='stSkipToContent']",
    "[data-testid='stTooltipIcon']",
    "[data-testid='stHeaderActionElements']",
    "[data-testid='stSelectbox'] button",
    "[data-testid='stSelectbox'] input",
    "[data-testid='stSelectboxVirtualDropdown'] [role='listbox'][data-empty='true']",
    "[data-testid='stSelectboxVirtualDropdown'] button",
)

# The attributes that carry them, besides the text (a chart toolbar's tooltip is its button's data-title).
ATTRIBUTES: tuple[str, ...] = ("aria-label", "title", "placeholder", "data-title")


def indonesian(english: str) -> str | None:
    """The Indonesian the page shows for Streamlit's ``english`` (None: not one of its known words).

    The same reading as the page's script, for tests and documentation.
    """
    import re

    for word in WORDS.values():
        if word["en"] == english:
            return word["id"]
    for pattern in PATTERNS.values():
        found = re.match(pattern["en"], english)
        if found:
            return re.sub(r"\$(\d)", lambda m: found.group(int(m.group(1))), pattern["id"])
    return None
