"""The printed report: every figure it prints is the published figure of the same filters, hidden ones included.

The PDF is read back as text (pypdf) and compared with tables computed here
from lib directly (filter, indicator table, publishable, lib.fmt), for several
filter states and in English. Charts are drawn by Kaleido with Debian's
Chromium in one test (skipped on a developer machine without it, a failure in
CI); the others stand a blank picture in for each chart, which is quicker.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import plotly.graph_objects as go
import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from lib import fmt, report
from lib.audit import DOWNLOAD, open_audit
from lib.figures import published
from lib.filters import Filters, filtered
from lib.indicators import indicator_table
from lib.keys import DEMO_SECRET
from lib.measures import BY_NAME, label
from lib.privacy import hidden_reasons
from lib.texts import text
from tests.conftest import TEST_RULES, TEST_SECRET, install_secret
from tests.support.report import blank_images, cell_text, expected_rows, pages_text, published_here, squeezed

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts" / "report"
TODAY = dt.date(2026, 12, 5)
CHROMIUM = Path("/usr/bin/chromium")

STATES = {
    "all": Filters(),
    "year": Filters.of(year="2022"),
    "village": Filters.of(village="Pare"),
    "period-program": Filters.of(year="2021-2025", program="Konveksi"),
    "group-role": Filters.of(village="Kabupaten Kediri", role="Pemilik Wisma"),
}


@pytest.fixture(scope="module")
def layers():
    return report.map_layers(ROOT / "data")


_BUILT: dict[tuple[str, str], bytes] = {}


def built(demo, layers, state: str, lang: str = "id") -> bytes:
    """The report of a filter state (built once per module run)."""
    if (state, lang) not in _BUILT:
        _BUILT[(state, lang)] = report.build_report(
            demo, STATES[state], TEST_RULES, lang=lang, department="Dinas Sosial Kabupaten Kediri", today=TODAY,
            layers=layers, images=blank_images)
    return _BUILT[(state, lang)]


# --- the figures ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("state", list(STATES))
def test_every_table_holds_the_published_figures_of_the_same_filters(demo, layers, state):
    pdf = built(demo, layers, state)
    whole = " ".join(pages_text(pdf))
    hidden_seen = 0
    for section in report.SECTIONS:
        for spec in section.figures:
            assert squeezed(text(spec.title, "id")) in whole, spec.title
            for row in expected_rows(demo, STATES[state], spec, "id"):
                assert row in whole, f"{spec.key}: row {row!r} is not in the report"
                hidden_seen += row.count("<5")
    if state != "all":
        assert hidden_seen, "a narrow filter state must hide some small counts"


@pytest.mark.parametrize("state", ["all", "year", "period-program"])
def test_the_headline_is_the_published_totals_and_their_change(demo, layers, state):
    filters = STATES[state]
    whole = " ".join(pages_text(built(demo, layers, state)))
    total = published_here(demo, filters, "summary", ())
    by_year = published_here(demo, filters, "summary", ("year",))
    compared = report.comparison(demo, filters, by_year)
    assert compared is not None
    latest = total if compared.latest_filters == filters else published_here(demo, compared.latest_filters,
                                                                              "summary", ())
    before = published_here(demo, compared.before_filters, "summary", ())
    for name in report.HEADLINE:
        values = [total] + ([latest] if compared.latest_filters != filters else []) + [before]
        cells = [cell_text(v[name].iloc[0], name, hidden_reasons(v)[name].iloc[0], "id") for v in values]
        a, b = (None if hidden_reasons(t)[name].iloc[0] else t[name].iloc[0] for t in (latest, before))
        change = fmt.NONE if fmt.is_none(a) or fmt.is_none(b) else fmt.change(float(a) - float(b),
                                                                               BY_NAME[name].kind, "id")
        row = squeezed(" ".join([label(name, "id"), *cells, change]))
        assert row in whole, f"headline row {row!r} is not in the report"


def test_every_section_is_there_and_every_page_is_numbered(demo, layers):
    pages = pages_text(built(demo, layers, "year"))
    whole = " ".join(pages)
    for n, section in enumerate(report.SECTIONS, start=1):
        assert f"{n}. {text(section.title, 'id')}" in whole
    assert f"{len(report.SECTIONS) + 1}. Perlindungan privasi" in whole
    assert "dibulatkan ke kelipatan 5" in whole and "tertulis <5" in whole and "tidak selalu berjumlah sama" in whole
    assert "Realisasi menurut atribusi:" in whole and "tidak teratribusi" in whole
    for i, page in enumerate(pages, start=1):
        assert f"Halaman {i} dari {len(pages)}" in page
    assert len(pages) >= 1 + len(report.SECTIONS) + 1


def test_the_cover_says_what_the_report_covers(demo, layers):
    cover = pages_text(built(demo, layers, "period-program"))[0]
    for words in ("Laporan Pelatihan Alih Profesi", "Dinas Sosial Kabupaten Kediri", "Periode 2021-2025",
                  "Tahun: 2021-2025", "Program: Konveksi", "demo — data demo (sintetis)", "Dicetak 5 Desember 2026"):
        assert words in cover, words


def test_in_english(demo, layers):
    pdf = built(demo, layers, "village", "en")
    pages = pages_text(pdf)
    whole = " ".join(pages)
    assert "Vocational Retraining Report" in pages[0] and "Printed December 5, 2026" in pages[0]
    assert "1. Overview" in whole and "7. Privacy protection" in whole and "Page 1 of" in pages[0]
    for section in report.SECTIONS:
        for spec in section.figures:
            assert squeezed(text(spec.title, "en")) in whole
            for row in expected_rows(demo, STATES["village"], spec, "en"):
                assert row in whole, f"{spec.key}: row {row!r} is not in the English report"


def test_the_tables_can_come_from_the_page_edges_caches(demo, layers):
    asked = []

    def cached(filters, table, by, measures):  # what the page passes: its caches of the same published tables
        asked.append((filters, table, tuple(by)))
        return published(indicator_table(filtered(demo, filters), table, list(by)), measures, TEST_RULES)

    pdf = report.build_report(demo, STATES["year"], TEST_RULES, department="Dinas Sosial Kabupaten Kediri",
                              today=TODAY, layers=layers, images=blank_images, tables=cached)
    assert pdf == built(demo, layers, "year")  # the same report, byte for byte
    assert (STATES["year"], "summary", ("village",)) in asked
    assert (Filters.of(year="2021"), "summary", ()) in asked  # the previous year, for the headline's change


def test_progress_is_reported_step_by_step(demo, layers):
    steps: list[tuple[float, str]] = []
    report.build_report(demo, STATES["year"], TEST_RULES, today=TODAY, layers=layers, images=blank_images,
                        progress=lambda fraction, words: steps.append((fraction, words)))
    fractions = [f for f, _ in steps]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0 and fractions == sorted(fractions)
    assert steps[-1][1] == "Selesai" and any(w == "Menyusun PDF" for _, w in steps)
    assert any(w.startswith("Menggambar grafik") for _, w in steps)
    assert len(steps) > len([s for sec in report.SECTIONS for s in sec.figures])


def test_without_a_browser_the_report_says_the_charts_are_missing(demo, layers):
    def no_browser(figures, each):
        raise report.ChartsUnavailable("no chromium")

    pdf = report.build_report(demo, STATES["year"], TEST_RULES, today=TODAY, layers=layers, images=no_browser)
    whole = " ".join(pages_text(pdf))
    assert whole.count("Grafik tidak dapat digambar") == 18
    assert not any(page.images for page in PdfReader(io.BytesIO(pdf)).pages)


# --- the previous period ------------------------------------------------------------------------------------
@pytest.mark.parametrize("filters,expected", [
    (Filters.of(year="2022"), ("2022", "2021")),
    (Filters.of(year="2021-2025", village="Pare"), ("2021-2025", "2016-2020")),
    (Filters.of(year="2016-2020"), None),   # the data holds no named period before it
    (Filters.of(year="2015"), None),        # the first year of the data
    (Filters(), ("2025", "2024")),          # every year: the last year against the one before
])
def test_the_change_compares_with_the_previous_period_of_the_same_kind(demo, filters, expected):
    by_year = published_here(demo, filters, "summary", ("year",))
    compared = report.comparison(demo, filters, by_year)
    if expected is None:
        assert compared is None
    else:
        assert (compared.latest, compared.before) == expected
        assert compared.before_filters == filters.with_choice("year", expected[1])


# --- chart images drawn by Kaleido in Chromium ----------------------------------------------------------------
@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} not found: install Debian's chromium to draw report charts"
        if os.environ.get("CI"):
            pytest.fail(message + " — CI must run this test")
        pytest.skip(message)
    return CHROMIUM


@pytest.mark.browser  # Kaleido starts Debian's Chromium
def test_the_charts_are_the_pages_figures_drawn_by_chromium(demo, layers, chromium):
    pdf = report.build_report(demo, STATES["village"], TEST_RULES, department="Dinas Sosial Kabupaten Kediri",
                              today=TODAY, layers=layers)
    reader = PdfReader(io.BytesIO(pdf))
    pictures = [image for page in reader.pages for image in page.images]
    assert len(pictures) == 18
    assert all(image.image.width == report.CHART_WIDTH_PX * report.CHART_SCALE for image in pictures)
    # the images are charts, not blank: many colours
    assert all(len(image.image.convert("RGB").getcolors(maxcolors=1 << 16) or range(1 << 16)) > 20
               for image in pictures)
    assert "Grafik tidak dapat digambar" not in " ".join(pages_text(pdf))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "laporan-pare.pdf").write_bytes(pdf)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "60", "-l", "4", "-png", str(ARTIFACTS / "laporan-pare.pdf"),
                        str(ARTIFACTS / "laporan-pare")], check=True, timeout=120)


@pytest.mark.browser  # Kaleido starts Debian's Chromium
def test_charts_are_drawn_even_where_an_event_loop_is_running(chromium):
    # A browser test driving Playwright runs an event loop in pytest's thread; so may any caller.
    figure = go.Figure(go.Bar(x=["Pare"], y=[10]))
    drawn = []

    async def inside_a_loop():
        return report.chart_images([figure], drawn.append)

    with ThreadPoolExecutor(1) as thread:  # a thread of its own: pytest's may hold Playwright's loop already
        images = thread.submit(asyncio.run, inside_a_loop()).result()
    assert images[0].startswith(b"\x89PNG") and drawn == [0]


# --- the report page ---------------------------------------------------------------------------------------
def test_the_report_page_makes_the_pdf_of_the_sidebar_filters(pages_on_demo, served, monkeypatch, demo):
    # pages_on_demo: no imported version, so the bundled demo, published with the tests' secret. served: every
    # run starts out of a first run's mode, whose rerun through the entry point would drop the button's click.
    monkeypatch.delenv("DASBOR_DATABASE_URL", raising=False)
    monkeypatch.setattr(report, "chart_images", blank_images)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
    at.query_params["tahun"] = "2022"
    at.query_params["desa"] = "Pare"
    at.run()
    at.switch_page("pages/laporan.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == "Laporan"
    assert not any("Laporan siap" in s.value for s in at.success)  # nothing is offered before it is made
    at.button(key="laporan_buat").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("Laporan siap" in s.value for s in at.success)
    _, file_name, content = at.session_state["_laporan_pdf"]
    assert re.fullmatch(r"laporan-pelatihan-alih-profesi_2022_Pare_\d{4}-\d{2}-\d{2}\.pdf", file_name)
    whole = " ".join(pages_text(content))
    assert "Tahun: 2022" in whole and "Desa/kelurahan: Pare" in whole
    for row in expected_rows(demo, Filters.of(year="2022", village="Pare"), report.SECTIONS[1].figures[0], "id"):
        assert row in whole
    # Other filters: the report made for 2022 is not offered for them.
    at.selectbox(key="tahun").set_value("2021").run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("Tahun: 2021" in c.value for c in at.main.caption)
    assert not any("Laporan siap" in s.value for s in at.success)


# --- command line -------------------------------------------------------------------------------------------
@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    folder.mkdir()
    install_secret(folder, DEMO_SECRET, TEST_SECRET)
    monkeypatch.setenv("DASBOR_DATA_DIR", str(folder))
    monkeypatch.delenv("DASBOR_DATABASE_URL", raising=False)
    monkeypatch.setenv("DASBOR_PRIVACY_K", "5")
    monkeypatch.setenv("DASBOR_PRIVACY_B", "5")
    monkeypatch.setattr(report, "chart_images", blank_images)
    return folder


def test_the_command_line_writes_the_report_of_the_named_filters_and_audits_it(data_dir, demo, capsys):
    out = data_dir.parent / "laporan.pdf"
    assert report.main(["--out", str(out), "--desa", "Pare", "--tahun", "2022", "--dinas", "Dinas Sosial"]) == 0
    pages = pages_text(out.read_bytes())
    assert "Desa/kelurahan: Pare" in pages[0] and "Tahun: 2022" in pages[0] and "Dinas Sosial" in pages[0]
    # the same figures as the page for those filters, with the installation's demo secret
    spec = report.SECTIONS[1].figures[0]
    for row in expected_rows(demo, Filters.of(village="Pare", year="2022"), spec, "id"):
        assert row in " ".join(pages)
    events = open_audit(data_dir / "audit.sqlite3").events(action=DOWNLOAD)
    assert len(events) == 1
    detail = json.loads(events["detail"].iloc[0])
    assert detail["file"] == "laporan.pdf" and detail["filters"] == {"tahun": "2022", "desa": "Pare"}
    assert "100%" in capsys.readouterr().err


@pytest.mark.parametrize("argv,words", [
    (["--desa", "Atlantis"], "--desa: Atlantis bukan satu nilai"),
    (["--tahun", "2017-2023"], "--tahun: 2017-2023 bukan satu nilai"),
])
def test_the_command_line_refuses_a_choice_the_dashboard_does_not_offer(data_dir, capsys, argv, words):
    out = data_dir.parent / "laporan.pdf"
    assert report.main(["--out", str(out), *argv]) == 2
    assert words in capsys.readouterr().err and not out.exists()
    assert not (data_dir / "audit.sqlite3").exists() or open_audit(data_dir / "audit.sqlite3").events().empty


def test_the_report_file_name_says_what_and_when():
    assert report.report_file_name(Filters.of(year="2022", village="Pare"), TODAY) == \
        "laporan-pelatihan-alih-profesi_2022_Pare_2026-12-05.pdf"
