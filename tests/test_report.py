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

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from PIL import Image as PILImage
from pypdf import PdfReader
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from lib import fmt, report
from lib.audit import DOWNLOAD, open_audit
from lib.charts import hidden_text
from lib.demo import DEMO_DIR
from lib.figures import published
from lib.filters import Filters, filtered
from lib.indicators import indicator_table
from lib.keys import DEMO_SECRET
from lib.loading import load_folder
from lib.measures import BY_NAME, label
from lib.privacy import dimension_columns, hidden_reasons, publishable
from lib.schema import load_reference
from lib.texts import text, value_label
from tests.conftest import TEST_RULES, TEST_SECRET, install_secret, prepare_for_tests

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
def demo():
    return prepare_for_tests(load_folder(DEMO_DIR, load_reference(), label="demo", is_demo=True))


@pytest.fixture(scope="module")
def layers():
    return report.map_layers(ROOT / "data")


def blank_png() -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (90, 40), "white").save(out, format="PNG")
    return out.getvalue()


BLANK = blank_png()


def blank_images(figures, each):
    """Stands in for Kaleido: one blank picture per chart."""
    for i, _ in enumerate(figures):
        each(i)
    return [BLANK] * len(figures)


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text, whitespace collapsed to single spaces."""
    return [re.sub(r"\s+", " ", page.extract_text() or "").strip() for page in PdfReader(io.BytesIO(pdf)).pages]


def squeezed(words: str) -> str:
    return re.sub(r"\s+", " ", words).strip()


_BUILT: dict[tuple[str, str], bytes] = {}


def built(demo, layers, state: str, lang: str = "id") -> bytes:
    """The report of a filter state (built once per module run)."""
    if (state, lang) not in _BUILT:
        _BUILT[(state, lang)] = report.build_report(
            demo, STATES[state], TEST_RULES, lang=lang, department="Dinas Sosial Kabupaten Kediri", today=TODAY,
            layers=layers, images=blank_images)
    return _BUILT[(state, lang)]


# --- what the screen shows, computed here without lib.report or lib.figures -----------------------------
def published_here(demo, filters: Filters, table: str, by) -> pd.DataFrame:
    raw = indicator_table(filtered(demo, filters), table, [str(b) for b in by])
    return publishable(raw, dimension_columns(raw), TEST_RULES)


def cell_text(value, name: str, reason: str, lang: str) -> str:
    """One figure as the screen writes it: ``<5`` or the hidden word, else in the reader's format."""
    if reason:
        return hidden_text(reason, TEST_RULES.k, lang)
    kind = BY_NAME[name].kind
    if fmt.is_none(value) or not np.isfinite(float(value)):
        return fmt.NONE
    if kind in fmt.RATE_KINDS:  # as downloads hold it (one decimal), then written with the reader's mark
        return fmt.decimal(round(float(value) * 100, 1), lang, 1) + "%"
    return fmt.value(value, kind, lang)


def dimension_text(value, lang: str = "id") -> str:
    if fmt.is_none(value):
        return ""
    if isinstance(value, (int, np.integer)) or (isinstance(value, float) and float(value).is_integer()):
        return str(int(value))
    return value_label(value, lang)  # vocabulary in the reader's language, as every table writes it


def expected_rows(demo, filters: Filters, spec, lang: str) -> list[str]:
    """Each row of the figure's table as the report should print it, cells separated by one space."""
    pub = published_here(demo, filters, spec.table, spec.by)
    dims = dimension_columns(pub)
    measures = [str(m) for m in spec.measures] if spec.measures else [c for c in pub.columns if c in BY_NAME]
    reasons = hidden_reasons(pub)
    rows = []
    for i in range(len(pub)):
        cells = [dimension_text(pub[d].iloc[i], lang) for d in dims]
        cells += [cell_text(pub[m].iloc[i], m, reasons[m].iloc[i], lang) for m in measures]
        rows.append(squeezed(" ".join(c for c in cells if c != "")))
    return rows


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
def test_the_report_page_makes_the_pdf_of_the_sidebar_filters(tmp_path, monkeypatch, demo):
    monkeypatch.setenv("DASBOR_DATA_DIR", str(tmp_path))  # no imported version: the bundled demo, the tests' secret
    monkeypatch.delenv("DASBOR_DATABASE_URL", raising=False)
    monkeypatch.setenv("DASBOR_PRIVACY_K", "5")
    monkeypatch.setenv("DASBOR_PRIVACY_B", "5")
    install_secret(tmp_path)
    monkeypatch.setattr(report, "chart_images", blank_images)
    # AppTest makes every run a first run of the process, whose page asks for one rerun through the entry
    # point (pages.edge.page.through_entrypoint), which would drop the button's click. A server leaves
    # that first-run mode once per process; here every run starts out of it.
    original = PagesManager.__init__

    def out_of_first_run_mode(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", out_of_first_run_mode)
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
    assert detail["file"] == "laporan.pdf" and detail["filters"] == ["Tahun: 2022", "Desa/kelurahan: Pare"]
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
