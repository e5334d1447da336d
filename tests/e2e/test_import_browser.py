"""The Data page in a real browser: an admin imports a file, sees the preview, saves it, and rolls back.

The files are copies of the demo's participants table: one keeps the cohorts
up to 2019, one is the whole table, and a broken one names an unknown village
and a year in words. The headline "Peserta" on Ringkasan must follow the
version in use (distinct participant codes of the file).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from playwright.sync_api import Locator, Page, expect

from lib import fmt
from lib.keys import DEMO_SECRET, INSTALLATION_SECRET, installation_secret, person_keys
from lib.privacy import Rules, rounded_counts
from lib import store as stores
from lib.audit import IMPORT, ROLLBACK, open_audit
from tests.e2e import full_page_screenshot, grid_frame, log_in, metric, nav_link, settle
from tests.e2e.conftest import ADMIN

pytestmark = pytest.mark.browser

UNKNOWN_VILLAGE = "Atlantis"
YEAR_IN_WORDS = "dua ribu"


@pytest.fixture(scope="module")
def files(accounts_server, tmp_path_factory) -> dict[str, Path]:
    """Upload files made from the server's demo participants: ``early`` (to 2019), ``all``, ``bad``."""
    demo = pd.read_csv(accounts_server.data_dir / "demo" / "participants.csv", dtype=str, keep_default_na=False)
    folder = tmp_path_factory.mktemp("unggah")
    early = demo[demo["year"].astype(int) <= 2019]
    bad = demo.copy()
    bad.loc[bad.index[:3], "village"] = UNKNOWN_VILLAGE
    bad.loc[bad.index[5], "year"] = YEAR_IN_WORDS
    made = {"early": (early, "peserta-2015-2019.csv"), "all": (demo, "peserta-semua.csv"),
            "bad": (bad, "peserta-salah.csv")}
    out = {}
    for name, (frame, file_name) in made.items():
        frame.to_csv(folder / file_name, index=False)
        out[name] = folder / file_name
    return out


def people(path: Path, data_dir: Path, secret: str = INSTALLATION_SECRET) -> str:
    """The headline participant count of a participants file as the tile writes it: its distinct codes, published.

    The count is rounded by its cell key, the sum of the person keys made with the data folder's
    secret (the demo's own, or the installation's for an imported version).
    """
    codes = pd.Series(pd.read_csv(path, dtype=str)["participant_id"].unique())
    cell_key = person_keys(codes, installation_secret(data_dir, secret)).sum()
    shown, _ = rounded_counts(np.array([len(codes)]), np.array([cell_key]), Rules())
    return fmt.count(shown[0])


def open_data_page(page: Page) -> None:
    nav_link(page, "Data").click()
    expect(page.locator("h1").first).to_have_text("Data")
    settle(page)


def upload(page: Page, path: Path) -> None:
    """Put ``path`` alone in the uploader (any file left from before is removed first)."""
    chips = page.locator(".st-key-data_berkas [data-testid='stFileChipDeleteBtn'] button")
    while left := chips.count():
        chips.first.click()
        expect(chips).to_have_count(left - 1)
    settle(page)
    page.locator(".st-key-data_berkas input[type='file']").set_input_files(str(path))
    chip = page.locator(".st-key-data_berkas [data-testid='stFileChip']")
    expect(chip).to_have_count(1)
    expect(chip).to_have_attribute("aria-label", re.compile(rf"^{re.escape(path.name)},"))
    settle(page)


def save_version(page: Page, path: Path, number: int | None = None, opened: bool = False) -> None:
    """Upload ``path`` on the Data page, check the preview, save it, and wait for "Versi N disimpan"."""
    if not opened:
        open_data_page(page)
    upload(page, path)
    expect(page.get_by_text("Pratinjau perubahan")).to_be_visible()
    if number == 1:
        full_page_screenshot(page, "data-pratinjau")
    page.locator(".st-key-data_simpan button").click()
    saved = re.compile(rf"Versi {number if number is not None else r'[0-9]+'} disimpan")
    expect(page.locator("[data-testid='stAlert']").filter(has_text=saved)).to_be_visible()
    settle(page)


def headline(page: Page) -> Locator:
    nav_link(page, "Ringkasan").click()
    expect(page.locator("h1").first).to_have_text("Ringkasan")
    settle(page)
    return metric(page, "ringkasan_kpi", "Peserta")


def test_admin_imports_previews_saves_and_rolls_back(accounts_server, page: Page, files):
    store = accounts_server.data_dir / "store"
    log_in(page, accounts_server.at(), ADMIN.username, ADMIN.password)
    data_dir = accounts_server.data_dir
    expect(headline(page)).to_have_text(people(files["all"], data_dir, DEMO_SECRET))

    # A broken file: the problems are listed, nothing is stored.
    open_data_page(page)
    upload(page, files["bad"])
    expect(page.locator("[data-testid='stAlert']").filter(has_text="kesalahan")).to_be_visible()
    problems = grid_frame(page, page.locator("[data-testid='stMain'] [data-testid='stDataFrame']").first)
    listed = " ".join(problems.astype(str).to_numpy().ravel())
    assert UNKNOWN_VILLAGE in listed and YEAR_IN_WORDS in listed, problems
    full_page_screenshot(page, "data-masalah")
    expect(page.locator(".st-key-data_simpan")).to_have_count(0)
    assert stores.current_version_id(store) is None

    # A valid file: preview, save, and the dashboard shows its figures.
    save_version(page, files["early"], 1, opened=True)
    first = stores.current_version_id(store)
    assert first is not None
    tile = headline(page)
    expect(tile).to_have_text(people(files["early"], data_dir))
    assert people(files["early"], data_dir) != people(files["all"], data_dir)
    expect(page.get_by_text("Data demo (sintetis)")).to_have_count(0)  # no longer the demo

    # A second version (all cohorts), then back to the first.
    save_version(page, files["all"], 2)
    tile = headline(page)
    expect(page.get_by_text(re.compile(r"Data yang dipakai: versi 2\b"))).to_be_visible()
    # The first version's years were the whole range then; clear the year range it left (see the test below).
    page.locator(".st-key-reset_filter button").click()
    expect(tile).to_have_text(people(files["all"], data_dir))

    open_data_page(page)
    expect(page.locator(".st-key-data_kembali_pilih input")).to_have_value("versi 1")
    page.locator(".st-key-data_kembali_yakin label").click()
    expect(page.locator(".st-key-data_kembali button")).to_be_enabled()
    page.locator(".st-key-data_kembali button").click()
    expect(page.locator("[data-testid='stAlert']").filter(has_text="Versi 1 dipakai lagi")).to_be_visible()
    assert stores.current_version_id(store) == first
    expect(headline(page)).to_have_text(people(files["early"], data_dir))

    log = open_audit(accounts_server.data_dir / "audit.sqlite3")
    assert (log.events(action=IMPORT)["actor"] == ADMIN.username).sum() == 2
    assert (log.events(action=ROLLBACK)["actor"] == ADMIN.username).sum() == 1


def test_an_import_with_later_years_shows_them_without_a_reset(accounts_server, page: Page, files):
    data_dir = accounts_server.data_dir
    log_in(page, accounts_server.at(), ADMIN.username, ADMIN.password)
    save_version(page, files["early"])
    expect(headline(page)).to_have_text(people(files["early"], data_dir))
    save_version(page, files["all"])
    tile = headline(page)
    expect(page.get_by_text("Filter aktif: Semua data")).to_be_visible(timeout=15_000)
    expect(tile).to_have_text(people(files["all"], data_dir), timeout=15_000)
