"""Every page, run headlessly on the demo data, shows the publishable figures lib computes, and nothing else.

Each page runs with the default filters, one village, one named group of
villages, one year, one named period and a selection that matches nothing;
the expected figures are computed here directly from lib (load, prepare,
filter, indicator, publish, fmt). A link asking what the dashboard does not
answer shows why, and no figure.
"""

from __future__ import annotations

import contextlib
import io
import json
import re

import pandas as pd
import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from lib import figures, fmt
from lib import filters as flt
from lib.accounts import Account
from lib.filters import Filters, filtered
from lib.measures import BY_NAME, MEASURES
from lib.privacy import hidden_reasons
from lib.texts import text
from pages import auth
from pages.edge import page as edge_page
from pages.edge import sidebar
from tests.conftest import keep_download_callables
from tests.support.filters import STATUS
from tests.support.pages import ROOT, RULES, SCENARIOS, SMALL_VILLAGE, charts_of, expected, metrics, run

pytestmark = pytest.mark.usefixtures("pages_on_demo")
PAGES = {
    "pages/ringkasan.py": "Ringkasan",
    "pages/desa.py": "Desa",
    "pages/program.py": "Program",
    "pages/daerah_asal.py": "Daerah Asal",
    "pages/anggaran.py": "Anggaran",
    "pages/hasil.py": "Hasil",
    "pages/panduan.py": "Panduan",
}
FIGURES = ("plotly_chart", "metric", "arrow_data_frame", "download_button")
KAB_VILLAGES = ("Kandangan", "Pare", "Gurah", "Wonojoyo", "Ngasem", "Ngadiluwih", "Keras", "Grogol", "Wates")
EMPTY_WORDS = text("empty", "id")


def shown(pub: pd.DataFrame, measure: str, row: int = 0) -> str:
    reason = hidden_reasons(pub)[measure].iloc[row]
    if reason:
        return "<5" if reason == "small" else "disembunyikan"
    return fmt.value(pub[measure].iloc[row], BY_NAME[measure].kind, "id")


def tile_shown(pub: pd.DataFrame, measure: str, row: int = 0) -> str:
    """What a tile reads: as ``shown``, a figure hidden for another reason than ``<5`` reads the short word."""
    reason = hidden_reasons(pub)[measure].iloc[row]
    return figures.TILE_HIDDEN["id"] if reason and reason != "small" else shown(pub, measure, row)


def chart_texts(at: AppTest) -> list[str]:
    return [str(t) for spec in charts_of(at) for trace in spec["data"] for t in trace.get("text") or []]


def categories(trace: dict) -> list[str]:
    """The category axis of a bar trace (the other one is a typed array of heights)."""
    return next(trace[axis] for axis in ("x", "y") if isinstance(trace.get(axis), list))


def no_figure(at: AppTest) -> bool:
    return not any(at.get(kind) for kind in FIGURES)


# --- every page, every filter state --------------------------------------------
@pytest.mark.parametrize("scenario", list(SCENARIOS))
@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_runs_and_says_demo(demo, page, scenario):
    params, filters = SCENARIOS[scenario]
    at = run(page, **params)
    assert at.title[0].value == PAGES[page]
    assert any("Data demo (sintetis)" in w.value for w in at.warning)
    assert any(filters.describe("id")[0] in c.value for c in at.main.caption)
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


@pytest.mark.parametrize("scenario", ["default", "village", "group", "year", "period"])
def test_ringkasan_headline_figures_are_the_publishable_ones(demo, scenario):
    params, filters = SCENARIOS[scenario]
    at = run(**params)
    total = expected(demo, filters, "summary")
    tiles = metrics(at)
    for name in ("participants", "completion_rate", "working_rate", "relapse_rate", "migrant_share",
                 "absorption_rate", "cost_per_participant"):
        assert tiles[BY_NAME[name].label_id] == tile_shown(total, name), name
    assert tiles["Pagu"] in (fmt.rupiah(total["allocated_idr"].iloc[0]),
                             fmt.rupiah_compact(total["allocated_idr"].iloc[0], digits=2))


def test_a_named_group_is_the_same_question_as_its_members_together(demo):
    at = run(desa="Kabupaten Kediri")
    members = Filters.of(village="Kabupaten Kediri")
    assert metrics(at)["Peserta"] == shown(expected(demo, members, "summary"), "participants")
    # ... and not the whole data: Semampir is outside it
    assert metrics(at)["Peserta"] != shown(expected(demo, Filters(), "summary"), "participants")


def test_ringkasan_participants_on_all_demo_data_are_rounded(demo):
    total = expected(demo, Filters(), "summary")
    value = metrics(run())["Peserta"]
    assert value == fmt.count(total["participants"].iloc[0])
    assert int(value.replace(".", "")) % RULES.b == 0


def test_year_on_year_change_comes_from_the_publishable_years(demo):
    by_year = expected(demo, Filters(), "summary", ["year"])
    last, before = by_year["participants"].iloc[-1], by_year["participants"].iloc[-2]
    tile = next(m for m in run().metric if m.label == "Peserta")
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


def test_desa_group_draws_each_of_its_villages():
    at = run("pages/desa.py", **SCENARIOS["group"][0])
    assert sorted(categories(charts_of(at)[0]["data"][0])) == sorted(KAB_VILLAGES)
    assert at.selectbox(key="profil_desa").options == list(KAB_VILLAGES)  # the profile offers the group's villages


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
    assert tiles["Tingkat bekerja"] == tile_shown(by_village, "working_rate", row)
    budget = expected(demo, Filters.of(village="Pare"), "budget", ["budget_share"])
    assert set(budget["budget_share"].astype(str)) >= {"langsung", "dibagi"}


def test_anggaran_budget_total_is_exact(demo):
    at = run("pages/anggaran.py")
    total = expected(demo, Filters(), "budget")
    assert metrics(at)["Pagu"] == fmt.rupiah(total["allocated_idr"].iloc[0])
    assert metrics(at)["Realisasi"] == fmt.rupiah(total["realized_idr"].iloc[0])
    equipment = at.dataframe[-1].value
    assert "Uraian" in equipment.columns and "Jumlah unit" in equipment.columns
    assert not at.info  # no filter that leaves the budget whole


def test_anggaran_says_which_filters_do_not_apply_to_the_budget(demo):
    at = run("pages/anggaran.py", peran="WPS")
    assert [i.value for i in at.info] == [text("not_budget", "id", filters="Peran")]
    assert metrics(at)["Pagu"] == fmt.rupiah(expected(demo, Filters(), "budget")["allocated_idr"].iloc[0])


def test_hasil_funnel_starts_with_every_enrollment(demo):
    at = run("pages/hasil.py")
    funnel = next(spec for spec in charts_of(at) if spec["data"][0].get("orientation") == "h")
    first = expected(demo, Filters(), "funnel")["enrollments"].iloc[0]
    assert funnel["data"][0]["text"][0] == f"{fmt.count(first)} (100,0%)"
    assert metrics(at)["Median penghasilan bulanan"] == shown(expected(demo, Filters(), "outcomes"),
                                                             "median_income")


def test_daerah_asal_map_draws_hidden_origins_at_a_fixed_size():
    at = run("pages/daerah_asal.py", **SCENARIOS["year"][0])
    geo = charts_of(at)[0]
    traces = [t for t in geo["data"] if t["type"] == "scattergeo" and t.get("mode") == "markers"]
    hidden = [t for t in traces if set(t.get("customdata") or []) == {"<5"}]
    assert hidden and all(t["marker"]["size"] == 9 for t in hidden)
    assert not geo["layout"]["geo"].get("showland")


def test_panduan_explains_every_figure_and_the_filters():
    at = run("pages/panduan.py")
    glossary = at.dataframe[0].value
    assert len(glossary) == len(MEASURES)
    assert "Tingkat kembali beroperasi" in set(glossary["Angka"])
    assert any("<5" in m.value for m in at.markdown)
    assert any("satu nilai, satu kelompok bernama, atau semua" in m.value for m in at.markdown)


# --- links ------------------------------------------------------------------------
@pytest.mark.parametrize(("params", "words"), [
    ({"desa": ["Pare", "Gurah"]}, "beberapa pilihan desa/kelurahan sekaligus (Pare, Gurah)"),
    ({"desa": "Surabaya"}, "meminta desa/kelurahan “Surabaya”"),
    ({"tahun": ["2019", "2024"]}, "rentang tahun 2019–2024, yang bukan periode bernama"),
    ({"tahun": "2019-2024"}, "rentang tahun 2019-2024, yang bukan periode bernama"),
    ({"peran": ["WPS", "Mucikari"]}, "beberapa pilihan peran sekaligus"),
])
@pytest.mark.parametrize("page", ["pages/ringkasan.py", "pages/desa.py", "pages/anggaran.py"])
def test_a_link_the_dashboard_does_not_answer_shows_why_and_no_figure(page, params, words):
    at = run(page, **params)
    assert any(words in e.value for e in at.error), [e.value for e in at.error]
    assert no_figure(at)
    assert all(at.query_params[k] == v for k, v in params.items())  # the link stays as it was, not replaced
    troubled = next(iter(params))
    assert at.selectbox(key=troubled).value is None  # the filter shows no choice rather than a false one


def test_a_link_problem_is_said_in_the_readers_language():
    at = run(desa=["Pare", "Gurah"], bahasa="en")
    assert any("several village choices at once (Pare, Gurah)" in e.value for e in at.error)
    assert no_figure(at)


def test_choosing_in_the_sidebar_answers_again_and_writes_the_link(demo):
    at = run(desa=["Pare", "Gurah"])
    at.selectbox(key="desa").set_value("Kota Kediri").run()
    assert not at.error and at.query_params["desa"] == "Kota Kediri"
    assert metrics(at)["Peserta"] == shown(expected(demo, Filters.of(village="Kota Kediri"), "summary"),
                                           "participants")


@pytest.mark.parametrize(("params", "filters"), [
    ({"tahun": ["2021", "2025"]}, Filters.of(year="2021-2025")),  # an older link's span that is a named period
    ({"tahun": ["2020", "2020"]}, Filters.of(year=2020)),
    ({"desa": "kabupaten kediri"}, Filters.of(village="Kabupaten Kediri")),
])
def test_an_older_link_asking_the_same_question_is_answered(demo, params, filters):
    at = run(**params)
    assert not at.error
    assert metrics(at)["Peserta"] == shown(expected(demo, filters, "summary"), "participants")


@pytest.mark.parametrize("value", ["en", "English"])
def test_english_switch(value):
    at = run(bahasa=value)
    assert at.title[0].value == "Overview"
    assert "Participants" in metrics(at)
    assert any("Demo data (synthetic)" in w.value for w in at.warning)
    assert at.selectbox(key="desa").options[0] == "All"


def test_an_unknown_language_says_so_in_indonesian():
    at = run(bahasa="fr")
    assert at.title[0].value == "Ringkasan"
    assert any("bahasa “fr”" in w.value for w in at.sidebar.warning)


def test_the_language_switch_writes_the_link():
    at = run()
    at.radio(key=sidebar.PARAM_LANG).set_value("en").run()
    assert at.query_params["bahasa"] == "en" and at.title[0].value == "Overview"
    at.radio(key=sidebar.PARAM_LANG).set_value("id").run()
    assert "bahasa" not in at.query_params and at.title[0].value == "Ringkasan"


def test_filters_survive_a_page_change_and_reset():
    at = run()
    at.selectbox(key="desa").set_value("Pare").run()
    assert at.query_params["desa"] == "Pare"
    at.switch_page("pages/hasil.py").run()
    assert at.selectbox(key="desa").value == "Pare" and at.query_params["desa"] == "Pare"
    assert any("Desa/kelurahan: Pare" in c.value for c in at.caption)
    at.button(key=sidebar.KEY_RESET).click().run()
    assert at.selectbox(key="desa").value == sidebar.ALL and "desa" not in at.query_params
    assert any("Semua data" in c.value for c in at.caption)


def test_the_sidebar_offers_all_then_groups_marked_then_values():
    at = run()
    village = at.selectbox(key="desa")
    assert village.options[:4] == ["Semua", "Kabupaten Kediri (kelompok 9 desa)", "Kota Kediri (kelompok 1 desa)",
                                   "Kandangan"]
    assert at.selectbox(key="tahun").options[:3] == ["Semua", "2016-2020 (periode 5 tahun)",
                                                     "2021-2025 (periode 5 tahun)"]
    assert [s.key for s in at.sidebar.selectbox] == [spec.param for spec in flt.FILTERS]


def test_a_filter_added_to_the_registry_appears_in_the_sidebar_and_the_link(demo, monkeypatch):
    monkeypatch.setattr(flt, "FILTERS", (*flt.FILTERS, STATUS))
    at = run(status="Berjalan")
    assert at.selectbox(key="status").value == "Berjalan"
    assert any("Status: Berjalan" in c.value for c in at.main.caption)
    ongoing = Filters.of(status="Berjalan")
    assert metrics(at)["Peserta"] == shown(expected(demo, ongoing, "summary"), "participants")


# --- the View is read once -----------------------------------------------------------
def test_one_rerun_reads_the_link_the_data_key_and_the_rules_once(monkeypatch):
    at = run("pages/desa.py")
    at.selectbox(key="profil_desa").set_value("Pare").run()
    calls: dict[str, int] = {}

    def counted(module, name):
        original = getattr(module, name)

        def counting(*args, **kwargs):
            calls[name] = calls.get(name, 0) + 1
            return original(*args, **kwargs)
        monkeypatch.setattr(module, name, counting)

    counted(sidebar, "asked")
    counted(edge_page, "data_key")
    counted(edge_page, "privacy_rules")
    counted(auth, "sync_session")
    at.run()
    assert not at.exception
    assert calls == {"asked": 1, "data_key": 1, "privacy_rules": 1, "sync_session": 1}


# --- behaviour -----------------------------------------------------------------
def test_downloads_do_not_rerun_and_build_on_click():
    at = run("pages/program.py")
    buttons = at.get("download_button")
    keys = {b.proto.id.rsplit("-", 1)[-1] for b in buttons}
    assert {"program_semua_csv", "program_semua_xlsx", "program_biaya_csv"} <= keys
    for button in buttons:
        assert button.proto.ignore_rerun and button.proto.deferred_file_id


def test_a_download_is_the_table_on_screen_and_is_audited(monkeypatch):
    from lib.audit import open_audit

    found: dict = {}
    keep_download_callables(monkeypatch, found)
    at = run("pages/desa.py", desa="Kabupaten Kediri")
    button = next(b for b in at.get("download_button") if b.proto.id.endswith("desa_semua_csv"))
    content = found[button.proto.deferred_file_id]()
    table = pd.read_csv(io.BytesIO(content), sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    screen = at.dataframe[0].value
    assert table.iloc[:, 0].tolist() == screen.iloc[:, 0].tolist()
    assert (table["Peserta"] == "<5").tolist() == (screen["Peserta"] == "<5").tolist()
    row = open_audit().events(action="download").iloc[0]
    assert '"page": "Desa"' in row["detail"] and '"desa": "Kabupaten Kediri"' in row["detail"]


def account(*villages: str) -> Account:
    return Account(username="kades", role="viewer", villages=villages, created_at=pd.Timestamp("2026-01-01"))


def test_village_limited_account_cannot_reach_other_villages(monkeypatch, demo):
    monkeypatch.setattr(auth, "sync_session", lambda: account("Pare"))
    at = run()
    assert at.selectbox(key="desa").options == ["Semua", "Pare"]
    pare = expected(flt.scoped(demo, ("Pare",)), Filters(), "summary")
    assert metrics(at)["Peserta"] == shown(pare, "participants")
    # A link to another village is not answered, neither with that village nor with the account's own.
    other = run(desa="Semampir")
    assert any("“Semampir”" in e.value for e in other.error) and no_figure(other)


def test_a_group_limited_account_sees_its_group_and_its_villages(monkeypatch, demo):
    monkeypatch.setattr(auth, "sync_session", lambda: account(*KAB_VILLAGES))
    at = run("pages/desa.py")
    assert at.selectbox(key="desa").options == ["Semua", "Kabupaten Kediri (kelompok 9 desa)", *KAB_VILLAGES]
    assert "Semampir" not in json.dumps(charts_of(at))
    assert any("Kabupaten Kediri" in c.value for c in at.sidebar.caption)


def test_an_account_limited_to_an_unnamed_set_of_villages_sees_no_figure(monkeypatch):
    monkeypatch.setattr(auth, "sync_session", lambda: account("Pare", "Gurah"))
    at = run()
    assert any("bukan satu desa atau satu kelompok desa bernama" in e.value for e in at.error)
    assert no_figure(at)


def test_reading_the_data_says_so_while_it_takes(monkeypatch):
    seen = []

    @contextlib.contextmanager
    def spinner(words, **options):
        seen.append((words, options))
        yield

    monkeypatch.setattr(edge_page.st, "spinner", spinner)
    run("pages/ringkasan.py")
    assert (text("loading_data", "id"), {"show_time": True}) in seen
    seen.clear()
    run("pages/ringkasan.py")
    assert seen == [], "data already read and prepared: no spinner (it costs every rerun a timer)"


@pytest.mark.parametrize("setting", [("DASBOR_PRIVACY_K", "1"), ("DASBOR_PRIVACY_B", "9")])
def test_an_invalid_privacy_setting_is_explained_not_a_traceback(monkeypatch, setting):
    monkeypatch.setenv(*setting)
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
    assert len(at.sidebar.selectbox) == len(flt.FILTERS)  # the entry point's filters are there


# --- a new figure is one spec ------------------------------------------------------------
NEW_FIGURE_PAGE = """
from lib.figures import FigureSpec
from lib.filters import Scope, Filters
from lib.names import Dim, Measure, Table
from lib.privacy import Rules
from pages.edge.figures import show_figure
from pages.edge.view import DataKey, View

view = View(DataKey({folder!r}, None), None, Scope(), "id", Filters(), Rules(5, 5), "Uji")
show_figure(view, FigureSpec("uji_peran", "profile_roles", Table.PARTICIPATION, (Dim.ROLE,),
                             (Measure.PARTICIPANTS, Measure.COMPLETION_RATE)), village="semua desa")
"""


def test_a_new_figure_is_one_spec_with_its_title_chart_table_and_downloads(tmp_path, demo):
    at = AppTest.from_string(NEW_FIGURE_PAGE.format(folder=str(tmp_path)), default_timeout=120).run()
    assert not at.exception, [e.message for e in at.exception]
    assert [s.value for s in at.subheader] == ["Peran peserta di semua desa"]
    assert len(at.get("plotly_chart")) == 1 and len(at.dataframe) == 1
    assert {b.proto.id.rsplit("-", 1)[-1] for b in at.get("download_button")} == {"uji_peran_csv", "uji_peran_xlsx"}
    pub = expected(demo, Filters(), "participation", ["role"], ("participants", "completion_rate"))
    assert at.dataframe[0].value["Peserta"].tolist() == [shown(pub, "participants", i) for i in range(len(pub))]


def test_a_saved_chart_image_says_what_it_shows():
    at = run(desa="Pare")
    chart = at.get("plotly_chart")[0]
    saved = json.loads(chart.proto.config)["toImageButtonOptions"]
    assert re.fullmatch(r"tren-menurut-tahun_Pare_\d{4}-\d{2}-\d{2}", saved["filename"]), saved
    title = json.loads(chart.proto.spec)["layout"]["title"]
    assert "Tren menurut tahun" in title["text"] and "Desa/kelurahan: Pare" in title["subtitle"]["text"]
