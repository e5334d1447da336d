"""The report page in a real browser: the sidebar's filters pick what it covers, a click makes the PDF, and it downloads.

The PDF is read back (pypdf) and one of its tables compared with the published
table lib computes for the same filters on the server's data; its first pages
are turned into PNG (Poppler's ``pdftoppm``) under tests/artifacts/ for review.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from lib.report import SECTIONS
from lib import keys
from lib.audit import DOWNLOAD, open_audit
from lib.filters import Filters
from lib.loading import load_folder
from lib.prepare import prepared
from lib.privacy import Rules
from lib.schema import load_reference
from tests.e2e import ROOT, WAIT_MS, full_page_screenshot, open_app, settle
from tests.e2e.conftest import K
from tests.support.report import expected_rows, pages_text

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "tests" / "artifacts" / "report"


@pytest.fixture(scope="module")
def pdftoppm():
    """Poppler's pdftoppm (Debian poppler-utils); skipped on a developer machine without it, a failure in CI."""
    found = shutil.which("pdftoppm")
    if found is None:
        message = "pdftoppm not found: install Debian's poppler-utils to picture the report's pages"
        if os.environ.get("CI"):
            pytest.fail(message + " — CI must run this test")
        pytest.skip(message)
    return found


def test_the_report_page_makes_the_pdf_of_the_sidebar_filters_and_downloads_it(server, page: Page, pdftoppm):
    open_app(page, server.at("laporan?tahun=2022&desa=Pare"), "Laporan")
    expect(page.get_by_text("Filter aktif: Tahun: 2022; Desa/kelurahan: Pare")).to_be_visible()
    page.locator(".st-key-laporan_buat button").click()
    download_button = page.locator(".st-key-laporan_unduh button")
    expect(download_button).to_be_visible(timeout=4 * WAIT_MS)  # the charts are drawn in Chromium on the server
    settle(page)
    full_page_screenshot(page, "laporan")
    with page.expect_download() as started:
        download_button.click()
    download = started.value
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"%PDF-")
    assert re.fullmatch(r"laporan-pelatihan-alih-profesi_2022_Pare_\d{4}-\d{2}-\d{2}\.pdf", download.suggested_filename)

    pages = pages_text(content)
    assert "Tahun: 2022" in pages[0] and "Desa/kelurahan: Pare" in pages[0]
    assert f"Halaman 1 dari {len(pages)}" in pages[0]
    charts = sum(1 for section in SECTIONS for spec in section.figures if spec.chart.kind != "table")
    assert sum(len(p.images) for p in PdfReader(io.BytesIO(content)).pages) == charts  # every chart drawn
    # The figures are the server's published figures for those filters (its own demo secret).
    folder = server.data_dir
    demo = prepared(load_folder(folder / "demo", load_reference(folder / "reference.toml"), label="demo",
                                is_demo=True),
                    keys.installation_secret(folder, keys.DEMO_SECRET), Rules(k=K, b=5))
    from lib import report

    whole = " ".join(pages)
    for spec in (report.SECTIONS[1].figures[0], report.SECTIONS[5].figures[0]):
        for row in expected_rows(demo, Filters.of(year="2022", village="Pare"), spec, "id"):
            assert row in whole, f"{spec.key}: row {row!r} is not in the downloaded report"

    # Audited like every download: who, what, which filters, which file.
    events = open_audit(folder / "audit.sqlite3").events(action=DOWNLOAD)
    details = [json.loads(d) for d in events["detail"]]
    assert any(d["file"] == download.suggested_filename and d["filters"] == {"tahun": "2022", "desa": "Pare"}
               for d in details)

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    saved = ARTIFACTS / "laporan-browser.pdf"
    saved.write_bytes(content)
    subprocess.run([pdftoppm, "-r", "70", "-l", "3", "-png", str(saved), str(ARTIFACTS / "laporan-browser")],
                   check=True, timeout=120)
    assert (ARTIFACTS / "laporan-browser-1.png").exists() or (ARTIFACTS / "laporan-browser-01.png").exists()
