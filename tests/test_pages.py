"""Every page, run headlessly on the demo data, shows the publishable figures lib computes, and nothing else.

Each page runs with the default filters, a single village, one year and a
selection that matches nothing; the expected figures are computed here
directly from lib (load, prepare, filter, indicator, publishable, fmt).
"""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from lib import fmt
from lib.demo import DEMO_DIR
from lib.filters import Filters, filtered
from lib.indicators import indicator_table
from lib.loading import load_folder
from lib.measures import BY_NAME, MEASURES
from lib.prepare import prepared
from lib.privacy import hidden_reasons, publishable
from lib.schema import load_reference
from lib.texts import text
from pages import common

ROOT = Path(__file__).resolve().parent.parent
K = 5
PAGES = {
    "pages/ringkasan.py": "Ringkasan",
    "pages/desa.py": "Desa",
    "pages/program.py": "Program",
    "pages/daerah_asal.py": "Daerah Asal",
    "pages/anggaran.py": "Anggaran",
    "pages/hasil.py": "Hasil",
    "pages/panduan.py": "Panduan",
}
# URL query parameters of each filter state the pages are run with.
SMALL_VILLAGE = "Wonojoyo"
ONE_YEAR = 2020
SCENARIOS = {
    "default": ({}, Filters()),
    "village": ({common.PARAM_VILLAGES: SMALL_VILLAGE}, Filters(villages=(SMALL_VILLAGE,))),
    "year": ({common.PARAM_YEARS: [str(ONE_YEAR), str(ONE_YEAR)]}, Filters(years=(ONE_YEAR, ONE_YEAR))),
    "empty": ({common.PARAM_VILLAGES: "Kandangan", common.PARAM_PROGRAMS: "Konveksi"},
              Filters(villages=("Kandangan",), programs=("Konveksi",))),
}
EMPTY_WORDS = text("empty", "id")


@pytest.fixture(scope="module")
def demo():
    return prepared(load_folder(DEMO_DIR, load_reference(), label="demo", is_demo=True))


@pytest.fixture(autouse=True)
def settings(tmp_path, monkeypatch):
    # An empty data folder: no imported version, so the bundled demo and reference are used.
    monkeypatch.setenv("DASBOR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DASBOR_PRIVACY_K", str(K))


def run(page: str | None = None, **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def expected(demo, filters: Filters, table: str, by=(), measure: str = "participants") -> pd.DataFrame:
    raw = indicator_table(filtered(demo, filters), table, list(by))
    return publishable(raw, [c for c in raw.columns if c not in BY_NAME], K)


def shown(pub: pd.DataFrame, measure: str, row: int = 0) -> str:
    reason = hidden_reasons(pub)[measure].iloc[row]
    if reason:
        return "<5" if reason == "small" else "disembunyikan"
    return fmt.value(pub[measure].iloc[row], BY_NAME[measure].kind, "id")


def charts_of(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def chart_texts(at: AppTest) -> list[str]:
    return [str(t) for spec in charts_of(at) for trace in spec["data"] for t in trace.get("text") or []]


def categories(trace: dict) -> list[str]:
    """The category axis of a bar trace (the other one is a typed array of heights)."""
    return next(trace[axis] for axis in ("x", "y") if isinstance(trace.get(axis), list))


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


# --- every page, every filter state --------------------------------------------
@pytest.mark.parametrize("scenario", list(SCENARIOS))
@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_runs_and_says_demo(demo, page, scenario):
    params, filters = SCENARIOS[scenario]
    at = run(page, **params)
    assert at.title[0].value == PAGES[page]
    assert any("Data demo (sintetis)" in w.value for w in at.warning)
    if scenario == "empty" and page == "pages/panduan.py":
        assert not any(i.value == EMPTY_WORDS for i in at.info)  # the guide explains, whatever the filters
    elif scenario == "empty":
        assert len(filtered(demo, filters).participants) == len(filtered(demo, filters).budget) == 0
        assert [i.value for i in at.info] == [EMPTY_WORDS]
        assert not at.get("plotly_chart") and not at.metric
    else:
        assert not any(i.value == EMPTY_WORDS for i in at.info)
    # No chart anywhere carries a count of 1 to k-1 people.
    for label in chart_texts(at):
        assert not re.match(r"^[1-4]( |$)", label), f"{page} draws a small count: {label!r}"


@pytest.mark.parametrize("scenario", ["default", "village", "year"])
def test_ringkasan_headline_figures_are_the_publishable_ones(demo, scenario):
    params, filters = SCENARIOS[scenario]
    at = run(**params)
    total = expected(demo, filters, "summary")
    tiles = metrics(at)
    for name in ("participants", "completion_rate", "working_rate", "relapse_rate", "migrant_share",
                 "absorption_rate", "cost_per_participant"):
        assert tiles[BY_NAME[name].label_id] == shown(total, name), name
    assert tiles["Pagu"] in (fmt.rupiah(total["allocated_idr"].iloc[0]),
                             fmt.rupiah_compact(total["allocated_idr"].iloc[0], digits=2))


def test_ringkasan_participants_on_all_demo_data(demo):
    total = expected(demo, Filters(), "summary")
    assert metrics(run())["Peserta"] == fmt.count(total["participants"].iloc[0]) == "830"


def test_year_on_year_change_comes_from_the_publishable_years(demo):
    by_year = expected(demo, Filters(), "summary", ["year"])
    last, before = by_year["participants"].iloc[-1], by_year["participants"].iloc[-2]
    at = run()
    tile = next(m for m in at.metric if m.label == "Peserta")
    assert tile.delta == fmt.change(last - before, "count")


def test_desa_shows_small_villages_as_small(demo):
    filters = SCENARIOS["year"][1]
    by_village = expected(demo, filters, "summary", ["village"])
    small = by_village[hidden_reasons(by_village)["participants"] == "small"]["village"].astype(str).tolist()
    assert small, "the demo year must have a village below k"
    at = run("pages/desa.py", **SCENARIOS["year"][0])
    first = charts_of(at)[0]["data"][0]
    drawn = dict(zip(categories(first), first["text"]))
    for village in small:
        assert drawn[village] == "<5"
    table = at.dataframe[0].value
    village_column, participants_column = table.columns[0], "Peserta"
    for village in small:
        assert table.loc[table[village_column] == village, participants_column].astype(str).iloc[0] == "<5"


def test_desa_single_village_draws_only_that_village(demo):
    at = run("pages/desa.py", **SCENARIOS["village"][0])
    bars = charts_of(at)[0]["data"][0]
    assert categories(bars) == [SMALL_VILLAGE]
    total = expected(demo, SCENARIOS["village"][1], "summary", ["village"])
    assert bars["text"] == [shown(total, "participants")]


def test_village_profile(demo):
    at = run("pages/desa.py")
    at.selectbox(key="profil_desa").set_value("Pare").run()
    assert not at.exception
    titles = [s.value for s in at.subheader]
    assert "Program di Pare" in titles and "Anggaran Pare menurut atribusi" in titles
    # The tiles are Pare's row of the by-village table on the same page, hidden alike.
    by_village = expected(demo, Filters(), "summary", ["village"])
    row = list(by_village["village"].astype(str)).index("Pare")
    tiles = metrics(at)
    assert tiles["Peserta"] == shown(by_village, "participants", row)
    assert tiles["Tingkat bekerja"] == shown(by_village, "working_rate", row)
    budget = expected(demo, Filters(villages=("Pare",)), "budget", ["budget_share"])
    assert set(budget["budget_share"].astype(str)) >= {"langsung", "dibagi"}


def test_anggaran_budget_total_is_exact(demo):
    at = run("pages/anggaran.py")
    total = expected(demo, Filters(), "budget")
    assert metrics(at)["Pagu"] == fmt.rupiah(total["allocated_idr"].iloc[0])
    assert metrics(at)["Realisasi"] == fmt.rupiah(total["realized_idr"].iloc[0])
    equipment = at.dataframe[-1].value
    assert "Uraian" in equipment.columns and "Jumlah unit" in equipment.columns


def test_hasil_funnel_starts_with_every_enrollment(demo):
    at = run("pages/hasil.py")
    funnel = next(spec for spec in charts_of(at) if spec["data"][0].get("orientation") == "h")
    first = expected(demo, Filters(), "funnel")["enrollments"].iloc[0]
    assert funnel["data"][0]["text"][0] == f"{fmt.count(first)} (100,0%)"
    assert metrics(at)["Median penghasilan bulanan"] == shown(expected(demo, Filters(), "outcomes"),
                                                             "median_income")


def test_daerah_asal_map_draws_hidden_origins_at_a_fixed_size(demo):
    at = run("pages/daerah_asal.py", **SCENARIOS["year"][0])
    geo = charts_of(at)[0]
    traces = [t for t in geo["data"] if t["type"] == "scattergeo" and t.get("mode") == "markers"]
    hidden = [t for t in traces if set(t.get("customdata") or []) == {"<5"}]
    assert hidden and all(t["marker"]["size"] == 9 for t in hidden)
    assert not geo["layout"]["geo"].get("showland")


def test_panduan_explains_every_figure():
    at = run("pages/panduan.py")
    glossary = at.dataframe[0].value
    assert len(glossary) == len(MEASURES)
    assert "Tingkat kembali beroperasi" in set(glossary["Angka"])
    assert any("<5" in m.value for m in at.markdown)


# --- behaviour -----------------------------------------------------------------
def test_english_switch():
    at = run(**{common.PARAM_LANG: "English"})
    assert at.title[0].value == "Overview"
    assert "Participants" in metrics(at)
    assert any("Demo data (synthetic)" in w.value for w in at.warning)


def test_filters_survive_a_page_change_and_reset():
    at = run()
    at.multiselect(key=common.PARAM_VILLAGES).set_value(["Pare"]).run()
    at.switch_page("pages/hasil.py").run()
    assert at.multiselect(key=common.PARAM_VILLAGES).value == ["Pare"]
    assert any("Desa: Pare" in c.value for c in at.caption)
    at.button(key=common.KEY_RESET).click().run()
    assert at.multiselect(key=common.PARAM_VILLAGES).value == []
    assert any("Semua data" in c.value for c in at.caption)


def test_downloads_do_not_rerun_and_build_on_click():
    at = run("pages/program.py")
    buttons = at.get("download_button")
    keys = {b.proto.id.rsplit("-", 1)[-1] for b in buttons}
    assert {"program_semua_csv", "program_semua_xlsx", "program_biaya_csv"} <= keys
    for button in buttons:
        assert button.proto.ignore_rerun and button.proto.deferred_file_id


def test_download_is_the_displayed_table_and_is_recorded(monkeypatch):
    recorded = []
    monkeypatch.setattr(common, "record_download", lambda *args: recorded.append(args))
    frame = pd.DataFrame({"Desa/kelurahan": ["Pare", "Gurah"], "Peserta": ["12", "<5"]})
    filters = Filters(years=(2019, 2024), villages=("Pare", "Gurah"))
    csv, xlsx = common.download_files(frame, "Peserta menurut desa", filters, notes=("Tahun: 2019–2024",))
    content = csv.build()
    assert content.startswith("\ufeff".encode("utf-8"))
    assert "<5" in content.decode("utf-8-sig") and "Gurah" in content.decode("utf-8-sig")
    assert xlsx.build()[:2] == b"PK"
    assert filters.label() in csv.file_name and csv.file_name.endswith(".csv")
    assert xlsx.file_name.endswith(".xlsx")
    assert [(args[1], args[2], args[3]) for args in recorded] == [
        ("Peserta menurut desa", filters, csv.file_name), ("Peserta menurut desa", filters, xlsx.file_name)]


def test_village_limited_account_cannot_reach_other_villages(monkeypatch):
    from lib.accounts import Account

    account = Account(username="kades", role="viewer", villages=("Pare",), created_at=pd.Timestamp("2026-01-01"))
    monkeypatch.setattr(common, "current_account", lambda: account)
    at = run(**{common.PARAM_VILLAGES: "Semampir"})
    assert at.multiselect(key=common.PARAM_VILLAGES).options == ["Pare"]
    pare = expected(prepared(load_folder(DEMO_DIR, load_reference())), Filters(villages=("Pare",)), "summary")
    assert metrics(at)["Peserta"] == shown(pare, "participants")


def test_reading_the_data_says_so_while_it_takes(monkeypatch):
    shown = []

    @contextlib.contextmanager
    def spinner(words, **options):
        shown.append((words, options))
        yield

    monkeypatch.setattr(common.st, "spinner", spinner)
    run("pages/ringkasan.py")
    assert (text("loading_data", "id"), {"show_time": True}) in shown


def test_an_invalid_privacy_setting_is_explained_not_a_traceback(monkeypatch):
    monkeypatch.setenv("DASBOR_PRIVACY_K", "1")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    assert not at.exception
    assert any("Hubungi admin" in e.value for e in at.error)
    assert not at.metric


def test_a_deep_link_on_a_fresh_server_still_runs_through_the_entry_point(monkeypatch):
    # Until some session has called st.navigation, Streamlit would run a file of pages/ on its own.
    monkeypatch.setattr(PagesManager, "uses_pages_directory", True)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.switch_page("pages/hasil.py").run()
    assert not at.exception
    assert at.title[0].value == "Hasil"
    assert len(at.sidebar.multiselect) == 4  # the entry point's filters are there
