"""What a page shows, described as data: names, figure and tile specs, the one step to a published table, downloads.

Pages name tables, measures and dimensions through ``lib.names``; every name
exists in its registry, and no page writes one as bare text.
"""

from __future__ import annotations

import ast
import threading
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from lib import figures
from lib.audit import open_audit
from lib.downloads import (
    CSV_MIME,
    XLSX_MIME,
    DownloadFile,
    Requester,
    audited,
    filters_detail,
    table_files,
)
from lib.figures import Chart, FigureSpec, TilesSpec
from lib.filters import Filters, filtered
from lib.indicators import TABLES_BY_NAME, indicator_table
from lib.measures import BY_NAME, DIMENSION_LABELS, MEASURES
from lib.names import Dim, Measure, Table
from lib.privacy import Rules, hidden_reasons, is_published, reason_column
from lib.texts import TEXTS
from tests.conftest import prepare_for_tests

ROOT = Path(__file__).resolve().parent.parent
# The pages' scripts (the web server around them, pages/server/, is a package of its own: HTTP and ASGI words).
PAGE_FILES = sorted((ROOT / "pages").glob("*.py"))
LAYOUTS = ROOT / "pages" / "edge" / "layouts.py"  # the analysis pages' figures, named once
RULES = Rules(k=5, b=5)


@pytest.fixture
def ready(tiny):
    return prepare_for_tests(tiny)


# --- names ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("names", "registry"), [
    (Table, set(TABLES_BY_NAME)),
    (Measure, {m.name for m in MEASURES}),
    (Dim, set(DIMENSION_LABELS)),
])
def test_every_name_is_in_its_registry_and_every_registered_name_has_one(names, registry):
    assert {str(n) for n in names} == registry


def _text_key_nodes(tree: ast.AST) -> set[int]:
    """The string constants a page uses as keys of lib.texts (a figure's title and caption, ``tr``'s key) or chart kinds."""
    out = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", "")
        if name == "FigureSpec" and len(node.args) > 1:
            out.add(id(node.args[1]))
        if name in ("tr", "start", "Chart") and node.args:
            out.add(id(node.args[0]))
        out |= {id(kw.value) for kw in node.keywords if kw.arg == "caption"}
    return out


def _page_strings(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string constant of a page that is neither a docstring nor a key of lib.texts."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _text_key_nodes(tree) | {
        id(node.body[0].value) for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body
        and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped]


@pytest.mark.parametrize("path", [*PAGE_FILES, LAYOUTS], ids=lambda p: p.name)
def test_no_page_names_a_table_measure_or_dimension_as_bare_text(path):
    names = set(TABLES_BY_NAME) | set(BY_NAME) | set(DIMENSION_LABELS)
    bare = [(line, value) for line, value in _page_strings(path) if value in names]
    assert not bare, f"{path.name} names {bare}: use lib.names"


def _specs(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "FigureSpec"]


def test_every_figure_of_every_page_has_its_words_in_both_languages():
    keys = []
    for path in (*PAGE_FILES, LAYOUTS):
        for call in _specs(path):
            keys.append(call.args[1].value)  # the title
            keys += [kw.value.value for kw in call.keywords if kw.arg == "caption"]
    assert len(keys) >= 25, keys  # the pages' figures were found
    missing = [k for k in keys if k not in TEXTS or set(TEXTS[k]) != {"id", "en"}]
    assert not missing, missing


def test_figure_keys_are_unique_across_pages():
    keys = [call.args[0].value for path in (*PAGE_FILES, LAYOUTS) for call in _specs(path)]
    assert len(keys) == len(set(keys)), keys


# --- the one step to a published table --------------------------------------------------------------
def test_needed_columns_bring_the_counts_a_figure_rests_on():
    assert figures.needed_columns([Measure.WORKING_RATE, Measure.PARTICIPANTS]) == [
        "working", "followed_up", "working_rate", "participants"]
    assert figures.needed_columns([Measure.COST_PER_PARTICIPANT]) == ["participants", "cost_per_participant"]


def test_published_keeps_the_dimensions_the_measures_and_their_counts_only(ready):
    raw = indicator_table(ready, Table.SUMMARY, [Dim.VILLAGE])
    pub = figures.published(raw, (Measure.WORKING_RATE,), RULES)
    assert is_published(pub)
    assert figures.dimensions(pub) == ["village"]
    assert figures.figures_of(pub) == ["followed_up", "working", "working_rate"]
    assert reason_column("working_rate") in pub.columns
    every = figures.published(raw, (), RULES)
    assert set(figures.figures_of(every)) == {c for c in raw.columns if c in BY_NAME}


def test_the_published_counts_are_zero_hidden_or_multiples_of_b(ready):
    pub = figures.published(indicator_table(ready, Table.SUMMARY, [Dim.VILLAGE]), (Measure.PARTICIPANTS,), RULES)
    reasons = hidden_reasons(pub)["participants"]
    shown = pub.loc[reasons == "", "participants"].astype(int)
    assert (shown % RULES.b == 0).all() and not ((shown > 0) & (shown < RULES.k)).any()
    assert (reasons == "small").any(), "the tiny data has a village below k"


def test_screen_and_download_tables_are_the_same_rows_and_hidden_cells(ready):
    pub = figures.published(indicator_table(ready, Table.SUMMARY, [Dim.VILLAGE]), (Measure.PARTICIPANTS,), RULES)
    screen, download = figures.screen_table(pub, RULES, "id"), figures.display_table(pub, RULES, "id")
    assert list(screen.columns) == list(download.columns) == ["Desa/kelurahan", "Peserta", "Catatan privasi"]
    assert (screen["Peserta"] == "<5").tolist() == (download["Peserta"] == "<5").tolist()
    assert list(figures.screen_table(pub, RULES, "en").columns)[:2] == ["Village", "Participants"]


@pytest.mark.parametrize(("spec", "traces"), [
    (FigureSpec("f", "by_village", Table.SUMMARY, (Dim.VILLAGE,), (Measure.PARTICIPANTS,)), 1),
    (FigureSpec("f", "budget_by_year", Table.BUDGET, (Dim.YEAR,), (Measure.ALLOCATED, Measure.REALIZED),
                Chart("grouped")), 2),
    (FigureSpec("f", "mix_by_year", Table.OUTCOME_MIX, (Dim.YEAR,), (Measure.OUTCOME_SHARE, Measure.OUTCOME_COUNT),
                Chart("stacked", part=Dim.OUTCOME)), None),
    (FigureSpec("f", "funnel", Table.FUNNEL, (), (Measure.ENROLLMENTS,), Chart("funnel", x=Dim.STAGE)), 1),
])
def test_a_spec_draws_its_chart_from_the_published_table(ready, spec, traces):
    pub = figures.published(indicator_table(ready, spec.table, list(spec.by)), spec.measures, RULES)
    drawn = figures.chart_figure(pub, spec, figures.shown_measure(spec, pub), RULES, "id")
    assert isinstance(drawn, go.Figure)
    assert traces is None or len(drawn.data) == traces


def test_a_table_only_figure_draws_no_chart(ready):
    spec = FigureSpec("f", "equipment", Table.EQUIPMENT, chart=Chart("table"))
    pub = figures.published(indicator_table(ready, spec.table, []), spec.measures, RULES)
    assert figures.chart_figure(pub, spec, figures.shown_measure(spec, pub), RULES) is None


def test_the_shown_measure_is_the_picked_one_else_the_first():
    spec = FigureSpec("f", "trend", Table.SUMMARY, (Dim.YEAR,), (Measure.PARTICIPANTS, Measure.WORKING_RATE))
    assert figures.shown_measure(spec, pd.DataFrame(), "working_rate") == "working_rate"
    assert figures.shown_measure(spec, pd.DataFrame(), "not_offered") == "participants"
    assert figures.drawn_measures(spec, "participants") == ["participants"]
    grouped = FigureSpec("g", "trend", Table.SUMMARY, (Dim.YEAR,), (Measure.ALLOCATED, Measure.REALIZED),
                         Chart("grouped"))
    assert figures.drawn_measures(grouped, "allocated_idr") == ["allocated_idr", "realized_idr"]


def test_a_chart_that_hides_a_figure_says_so(ready):
    pub = figures.published(indicator_table(ready, Table.SUMMARY, [Dim.VILLAGE]), (Measure.PARTICIPANTS,), RULES)
    assert "<5" in figures.hidden_caption(pub, ["participants"], RULES, "id")
    assert figures.hidden_caption(pub.iloc[:0], ["participants"], RULES) is None


# --- tiles ------------------------------------------------------------------------------------------------
def test_tiles_show_the_published_figures_and_the_change_from_the_year_before(ready):
    from lib import periods

    spec = TilesSpec("t", (Measure.PARTICIPANTS, Measure.ALLOCATED), columns=4)
    total = figures.published(indicator_table(ready, Table.SUMMARY, []), spec.measures, RULES)
    by_year = figures.published(indicator_table(ready, Table.SUMMARY, [Dim.YEAR]), spec.measures, RULES)
    compared = periods.comparison(ready, Filters(), by_year)
    latest, before = (figures.published(indicator_table(filtered(ready, f), Table.SUMMARY, []), spec.measures, RULES)
                      for f in (compared.latest_filters, compared.before_filters))

    def changes(lang):
        return {m: periods.figure_change(compared, latest, before, m, RULES, lang) for m in spec.measures}

    people, money = figures.tiles(total, spec, RULES, "id", changes("id"))
    assert people.label == "Peserta" and people.value == figures.metric_text(total, "participants", RULES)
    assert int(people.value) % RULES.b == 0
    assert people.delta is None  # 2022 counts fewer than k people: no change is worked out from it
    assert money.delta == "-Rp 131 jt" and money.delta_description == "2022 dibanding 2021"
    assert "2022 dibanding 2021" in money.help and money.delta_color == "off"
    assert money.value == "Rp 148 jt" and "**Rp 148.000.000**" in money.help  # shortened in a row of four
    english = figures.tiles(total, spec, RULES, "en", changes("en"))
    assert english[0].label == "Participants" and english[1].delta_description == "2022 vs 2021"


def test_a_hidden_tile_reads_as_the_table_does(ready):
    pare = filtered(ready, Filters.of(village="Gurah"))
    total = figures.published(indicator_table(pare, Table.SUMMARY, []), (Measure.PARTICIPANTS,), RULES)
    assert figures.metric_text(total, "participants", RULES) == "<5"


def test_row_of_picks_one_row_of_a_breakdown(ready):
    pub = figures.published(indicator_table(ready, Table.SUMMARY, [Dim.VILLAGE]), (Measure.PARTICIPANTS,), RULES)
    assert figures.row_of(pub, "village", "Semampir")["village"].astype(str).tolist() == ["Semampir"]
    assert figures.row_of(pub, "village", "Nowhere").empty


# --- downloads ---------------------------------------------------------------------------------------------
def test_a_table_downloads_as_csv_and_xlsx_named_after_it_and_its_filters(ready):
    import io

    import openpyxl

    pub = figures.published(indicator_table(ready, Table.SUMMARY, [Dim.VILLAGE]), (Measure.PARTICIPANTS,), RULES)
    filters = Filters.of(year="2021-2025", village="Kabupaten Kediri")
    csv, xlsx = table_files(pub, RULES, "id", "Peserta menurut desa", filters, context=("Tahun: 2021-2025",))
    assert csv.file_name == "peserta-menurut-desa_2021-2025_Kabupaten_Kediri.csv" and csv.mime == CSV_MIME
    assert xlsx.file_name.endswith(".xlsx") and xlsx.mime == XLSX_MIME
    table = pd.read_csv(io.BytesIO(csv.build()), sep=";", decimal=",", encoding="utf-8-sig", dtype=str)
    assert table.iloc[:, 0].tolist() == pub["village"].astype(str).tolist()
    assert (table["Peserta"] == "<5").tolist() == (hidden_reasons(pub)["participants"] == "small").tolist()
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.build())).active
    assert sheet.title == "Peserta menurut desa" and sheet["A2"].value == "Tahun: 2021-2025"
    english = table_files(pub, RULES, "en", "Participants by village", filters)[0].build().decode("utf-8-sig")
    assert english.splitlines()[0].startswith('"Village","Participants"')


def test_an_audited_download_records_who_what_and_which_filters_when_built(tmp_path):
    from lib.accounts import Account

    log = open_audit(tmp_path / "audit.sqlite3")
    account = Account(username="ani", role="admin", villages=(), created_at=pd.Timestamp("2026-01-01"))
    file = DownloadFile("x.csv", CSV_MIME, lambda: b"isi")
    done = audited(file, Requester(account, "Ringkasan", log), "Tren", Filters.of(village="Pare"))
    assert log.events(action="download").empty  # nothing recorded until the bytes are built
    built = []
    worker = threading.Thread(target=lambda: built.append(done.build()))  # Streamlit builds on its own thread
    worker.start()
    worker.join()
    assert built == [b"isi"]
    row = log.events(action="download").iloc[0]
    assert row["actor"] == "ani"
    for words in ('"page": "Ringkasan"', '"what": "Tren"', '"file": "x.csv"', '"filters": {"desa": "Pare"}'):
        assert words in row["detail"]


@pytest.mark.parametrize(("filters", "detail"), [
    (Filters.of(village="Pare", year="2021-2025"), {"tahun": "2021-2025", "desa": "Pare"}),
    (Filters(), {}),
    ({"berkas": ["a.csv"]}, {"berkas": ["a.csv"]}),
    (None, None),
    (("a", "b"), ["a", "b"]),
])
def test_the_audit_keeps_the_filters_as_facts(filters, detail):
    assert filters_detail(filters) == detail
