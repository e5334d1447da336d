"""What a department head tripped over: sums that fall short, hidden parts that vanish, half-English screens.

Pages are run headlessly on the demo data as in ``tests/test_pages.py``; the
expected figures come from lib directly.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from lib.demo import DEMO_DIR
from lib.filters import Filters
from lib.indicators import UNATTRIBUTED
from lib.privacy import hidden_reasons
from tests.support.pages import SCENARIOS, charts_of, expected, metrics, run

pytestmark = pytest.mark.usefixtures("pages_on_demo")  # the pages show the demo data (tests/conftest.py)

BUDGET_FILTERS = ["default", "group", "year", "period", "village"]


def _rupiah(cell: str) -> int:
    """``Rp 1.234.567`` as 1234567."""
    return int(re.sub(r"[^0-9]", "", cell))


def _table_with(at, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


# --- 1. the budget by village adds up to the total -------------------------------------------
@pytest.mark.parametrize("scenario", BUDGET_FILTERS)
def test_village_budget_rows_and_the_unattributed_row_add_up_to_the_total(demo, scenario):
    params, filters = SCENARIOS[scenario]
    total = expected(demo, filters, "budget")["allocated_idr"].iloc[0]
    shown_total = _rupiah(metrics(run("pages/anggaran.py", **params))["Pagu"])
    assert abs(shown_total - total) <= 1
    table = _table_with(run("pages/desa.py", **params), "Atribusi")
    rows = [_rupiah(c) for c in table["Pagu"]]
    assert abs(sum(rows) - shown_total) <= len(rows), (sum(rows), shown_total)


def test_the_unattributed_part_is_a_row_of_its_own_and_the_shared_part_is_stated(demo):
    by_village = expected(demo, Filters(), "budget", ["village", "budget_share"])
    assert UNATTRIBUTED in by_village["village"].astype(str).tolist(), "the demo must hold an unattributed line"
    table = _table_with(run("pages/desa.py"), "Atribusi")
    assert UNATTRIBUTED in table.iloc[:, 0].tolist()
    assert {"langsung", "dibagi", "tidak teratribusi"} <= set(table["Atribusi"])
    english = _table_with(run("pages/desa.py", bahasa="en"), "Attribution")
    assert "Unattributed" in english.iloc[:, 0].tolist()


# --- 2. equipment bought on lines without a village keeps its quantity ----------------------------
def test_shared_equipment_line_shows_its_whole_quantity_once(tiny):
    from dataclasses import replace

    from lib import indicators as ind
    from tests.conftest import prepare_for_tests

    budget = tiny.budget.copy()
    line = budget.index[budget["item"] == "Mesin jahit"][0]
    budget.loc[line, "village"] = pd.NA  # the machines serve every village of the program
    ready = prepare_for_tests(replace(tiny, budget=budget))
    assert ready.budget["budget_share"].astype(str).eq("dibagi").sum() >= 1
    table = ind.equipment_lines(ready.budget)
    row = table[table["item"] == "Mesin jahit"]
    assert len(row) == 1
    assert (row["budget_share"].astype(str).iloc[0], row["quantity"].iloc[0]) == ("dibagi", 10)
    assert row["allocated_idr"].iloc[0] == pytest.approx(100_000_000)


def test_anggaran_equipment_table_has_every_recorded_quantity(demo):
    recorded = pd.read_csv(DEMO_DIR / "budget.csv")
    equipment = recorded[recorded["category"] == "Peralatan"]
    table = _table_with(run("pages/anggaran.py"), "Jumlah unit")
    shown = [int(re.sub(r"[^0-9]", "", q)) for q in table["Jumlah unit"].tolist() if re.search(r"[0-9]", q)]
    # Every recorded unit once: none lost on shared lines, none counted once per village.
    assert sum(shown) == int(equipment["quantity"].sum())
    assert len(shown) == equipment["quantity"].notna().sum() - _merged_lines(equipment)


def _merged_lines(equipment: pd.DataFrame) -> int:
    """Recorded lines with a quantity that share a table row with another (same year, program, organizer, item)."""
    known = equipment[equipment["quantity"].notna()].assign(shared=equipment["village"].isna())
    keys = ["year", "program", "organizer", "item", "shared"]
    return int(len(known) - len(known.drop_duplicates(keys)))


# --- 3. a stacked chart of counts draws its hidden segments ------------------------------------
@pytest.mark.parametrize("scenario", ["default", "year"])
def test_local_and_migrant_per_site_draws_hidden_segments(demo, scenario):
    params, filters = SCENARIOS[scenario]
    pub = expected(demo, filters, "origin_split", ["village"], ["enrollments"])
    reasons = hidden_reasons(pub)["enrollments"]
    with_hidden = set(pub.loc[reasons != "", "village"].astype(str))
    assert with_hidden, "the demo must hide a segment here"
    at = run("pages/daerah_asal.py", **params)
    spec = next(c for c in charts_of(at) if any(t.get("name") == "Pendatang" for t in c["data"]))
    block = next(t for t in spec["data"] if t.get("name") == "disembunyikan")
    assert block["marker"]["pattern"]["shape"] == "/"
    across, along = ("y", "x") if block.get("orientation") == "h" else ("x", "y")
    sizes = dict(zip(block[across], _heights(block[along])))
    assert {v for v, size in sizes.items() if size > 0} == with_hidden


def _heights(values) -> list[float]:
    if isinstance(values, dict):  # a typed array
        import base64

        import numpy as np
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


# --- 4. one amount is written the same way on a tile and in a chart -------------------------------
@pytest.mark.parametrize("amount, written", [(21_260_000, "Rp 21,26 jt"), (1_030_000_000, "Rp 1,03 M"),
                                             (2_532_425_000, "Rp 2,53 M"), (125_000_000, "Rp 125 jt")])
def test_a_tile_and_a_chart_write_one_amount_alike(amount, written):
    from lib import charts
    from lib.figures import metric_text
    from lib.privacy import Rules, publishable

    raw = pd.DataFrame({"allocated_idr": [float(amount)], "realized_idr": [float(amount)]})
    pub = publishable(raw, [], Rules(k=5, b=5))
    tile = metric_text(pub, "allocated_idr", Rules(k=5, b=5), short=True)
    label = charts.cells(pub, "allocated_idr", 5)["text"].iloc[0]
    assert tile == label == written


# --- 5. a hidden tile is short and says why ----------------------------------------------------
def test_a_hidden_tile_reads_a_short_word_and_its_help_says_why(demo):
    from lib.measures import BY_NAME
    from lib.privacy import Rules, reason_words

    params, filters = SCENARIOS["village"]
    code = hidden_reasons(expected(demo, filters, "summary"))["relapse_rate"].iloc[0]
    assert code and code != "small", "the demo village must hide its relapse rate for a reason other than <5"
    for lang, word in (("id", "tersembunyi"), ("en", "hidden")):
        at = run(**params, **({"bahasa": "en"} if lang == "en" else {}))
        name = BY_NAME["relapse_rate"].label_en if lang == "en" else BY_NAME["relapse_rate"].label_id
        tile = next(m for m in at.metric if m.label == name)
        assert tile.value == word
        assert reason_words(code, "relapse_rate", Rules(k=5, b=5), lang) in tile.proto.help


# --- 6. people and enrollments said apart ---------------------------------------------------------
@pytest.mark.parametrize("page, lang", [("pages/desa.py", "id"), ("pages/daerah_asal.py", "en"),
                                        ("pages/program.py", "id")])
def test_figures_showing_people_and_enrollments_say_which_is_which(page, lang):
    from lib.texts import text

    at = run(page, **({"bahasa": "en"} if lang == "en" else {}))
    assert text("people_vs_enrollments", lang) in [c.value for c in at.main.caption]


def test_the_funnel_says_it_counts_enrollments_not_people():
    at = run("pages/hasil.py")
    assert any("bukan orang" in c.value and "Peserta" in c.value for c in at.main.caption)


# --- 9. the first page's name opens it ------------------------------------------------------------
def test_the_first_page_by_its_name_opens_it_with_its_filters():
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    import dashboard
    from pages import server

    assert dashboard.PAGES[0][2] == server.HOME_PATH == "ringkasan"
    client = TestClient(Starlette(routes=server.routes()))
    for path in ("/ringkasan?desa=Pare&tahun=2022", "/ringkasan/?desa=Pare&tahun=2022"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 302
        assert response.headers["location"] == "/?desa=Pare&tahun=2022"
    assert client.get("/ringkasan", follow_redirects=False).headers["location"] == "/"


# --- 10. one village filtered: its profile shows -------------------------------------------------
def test_one_village_filtered_preselects_its_profile():
    from tests.support.pages import SMALL_VILLAGE

    at = run("pages/desa.py", desa=SMALL_VILLAGE)
    assert at.selectbox(key="profil_desa").value == SMALL_VILLAGE
    assert any(SMALL_VILLAGE in h.value for h in at.subheader)
    assert run("pages/desa.py").selectbox(key="profil_desa").value is None  # every village: the reader picks


# --- 12/13. English is complete: no Indonesian interface word remains ---------------------------
# Words of the interface and of the data's vocabulary that have an English reading (names of places,
# programs, organizers and funding sources stay as they are).
INDONESIAN = ("Semua", "semua", "Mode demo", "Dasbor", "Peralatan", "Bahan", "Narasumber", "Konsumsi",
              "Transportasi", "Lainnya", "disembunyikan", "tersembunyi", "Pagu", "Realisasi", "langsung", "dibagi",
              "teratribusi", "Analisis", "Pengelolaan", "Peserta", "Pendaftaran", "Unduh", "Tampilkan", "Tahun",
              "Desa", "Bekerja", "Selesai", "Terdaftar", "Pendatang", "Lokal", "sintetis", "lib.accounts")


def _visible_words(at) -> list[str]:
    out = []
    for kind in ("markdown", "caption", "info", "warning", "error", "subheader", "header", "title", "selectbox",
                 "metric", "expander", "button", "download_button", "code"):
        for element in at.get(kind):
            proto = element.proto
            for attr in ("body", "label", "value", "placeholder", "help", "code_text"):
                value = getattr(proto, attr, None)
                if isinstance(value, str):
                    out.append(value)
            if kind == "selectbox":
                out.extend(proto.options)
    for spec in charts_of(at):
        for trace in spec["data"]:
            out.append(str(trace.get("name") or ""))
            for axis in ("x", "y", "text", "customdata"):
                if isinstance(trace.get(axis), list):
                    out.extend(str(v) for v in trace[axis])
        out.extend(str(a.get("text", "")) for a in spec["layout"].get("annotations", []))
    for frame in at.dataframe:
        out.extend(str(c) for c in frame.value.columns)
        out.extend(str(v) for v in frame.value.to_numpy().ravel().tolist())
    return out


@pytest.mark.parametrize("page", ["pages/ringkasan.py", "pages/desa.py", "pages/program.py",
                                  "pages/daerah_asal.py", "pages/anggaran.py", "pages/hasil.py"])
def test_english_pages_hold_no_indonesian_interface_word(page):
    at = run(page, bahasa="en")
    found = {word: text for text in _visible_words(at) for word in INDONESIAN
             if re.search(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", text)}
    assert not found, found
    assert not any("lib.accounts" in c.value for c in at.sidebar.get("code"))


def test_english_navigation_groups_and_file_names():
    from lib.downloads import table_files
    from lib.privacy import Rules, publishable
    from pages import auth

    sections = auth.allowed_pages(None, auth.DEMO, [], (), "en")
    assert list(sections) == ["Analysis", "Administration"]
    pub = publishable(pd.DataFrame({"allocated_idr": [1.0], "realized_idr": [1.0]}), [], Rules(k=5, b=5))
    names = [f.file_name for f in table_files(pub, Rules(k=5, b=5), "en", "Budget", Filters())]
    assert names == ["budget_all.csv", "budget_all.xlsx"]


# --- 14. a table's own toolbar is no way around the audited download -------------------------------
def test_the_table_toolbar_offers_no_export(monkeypatch):
    from streamlit import config
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.app_session import _populate_config_msg

    from tests.support.pages import ROOT

    # The dashboard's settings, as `streamlit run` reads them from the repository root.
    monkeypatch.chdir(ROOT)
    try:
        config.get_config_options(force_reparse=True)
        msg = ForwardMsg().new_session.config
        _populate_config_msg(msg)
        assert msg.disable_data_export is True
    finally:
        monkeypatch.undo()
        config.get_config_options(force_reparse=True)


# --- 16. a developer's first hour ----------------------------------------------------------------
def test_every_hypothesis_test_has_no_deadline():
    from tests.support.pages import ROOT

    missing = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            if not line.startswith("@given("):
                continue
            start = i
            while start > 0 and (lines[start - 1].startswith("@") or lines[start - 1].startswith(" ")):
                start -= 1
            end = i
            while end < len(lines) and not lines[end].startswith(("def ", "async def ")):
                end += 1
            if "deadline=None" not in "\n".join(lines[start:end]):
                missing.append(f"{path.relative_to(ROOT)}:{i + 1}")
    assert not missing, missing


SERVER_TEST = '''
import os, signal, subprocess, sys, time
from pathlib import Path

import pytest


@pytest.fixture
def server():
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True)
    Path(os.environ["SERVER_PID_FILE"]).write_text(str(process.pid))
    try:
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait()


def test_long(server):
    time.sleep(600)
'''


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["one-process", "two-workers"])
def test_ctrl_c_in_dev_test_leaves_no_server_running(tmp_path, workers):
    import os
    import signal
    import subprocess
    import sys
    import time

    from tests.support.pages import ROOT

    (tmp_path / "test_server.py").write_text(SERVER_TEST, encoding="utf-8")
    pid_file = tmp_path / "server.pid"
    # A terminal's Ctrl-C goes to its whole foreground process group: dev.py and the pytest it runs.
    # As from a terminal, Ctrl-C is not ignored: a suite started as a background job (`... &`) passes its children
    # SIGINT ignored, and dev.py and its pytest would never hear it.
    dev = subprocess.Popen([sys.executable, str(ROOT / "dev.py"), "test", str(tmp_path / "test_server.py"), "-q",
                            "-p", "no:cacheprovider", "--rootdir", str(tmp_path), *workers],
                           cwd=ROOT, env={**os.environ, "SERVER_PID_FILE": str(pid_file)}, start_new_session=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        for _ in range(1200):
            if pid_file.exists() and pid_file.read_text():
                break
            time.sleep(0.1)
        server = int(pid_file.read_text())
        time.sleep(1.0)
        os.killpg(dev.pid, signal.SIGINT)
        dev.wait(timeout=600)  # a busy machine tears pytest down slowly; a hang still fails
        for _ in range(100):
            try:
                os.kill(server, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            os.killpg(server, signal.SIGKILL)
            pytest.fail("Ctrl-C in dev.py test left the server a test started running")
    finally:
        if dev.poll() is None:
            os.killpg(dev.pid, signal.SIGKILL)


# --- 7. each tile compares the chosen period with the one before it ---------------------------------------
@pytest.mark.parametrize("year, compared", [
    ("2022", ("2022", "2021", False)),
    ("2021-2025", ("2021-2025", "2016-2020", False)),  # a named period: the one of its length before it
    (None, ("2025", "2024", True)),                    # every year: the last year against the one before
    ("2016-2020", None),                               # the data holds no named period before it
    ("2015", None),                                    # the first year of the data
])
def test_the_previous_period_is_the_one_before_of_the_same_length(demo, year, compared):
    from lib import periods

    filters = Filters.of(year=year) if year else Filters()
    found = periods.comparison(demo, filters, expected(demo, filters, "summary", ["year"]))
    if compared is None:
        assert found is None
        return
    assert (found.latest, found.before, found.every_year) == compared
    assert found.before_filters == filters.with_choice("year", compared[1])


def test_a_named_period_is_compared_only_with_one_of_its_length():
    from lib import periods
    from lib.schema import NamedGroup

    def period(first: int, last: int) -> NamedGroup:
        return NamedGroup(f"{first}-{last}", "RPJMD", tuple(str(y) for y in range(first, last + 1)))

    plans = (period(2010, 2015), period(2016, 2020), period(2021, 2025), period(2023, 2025))
    years = {str(y) for y in range(2010, 2026)}
    assert periods.previous_named_period(plans, plans[2], years).name == "2016-2020"
    assert periods.previous_named_period(plans, plans[1], years) is None  # 2010-2015 is six years long
    assert periods.previous_named_period(plans, plans[3], years) is None  # no three-year period before 2023
    assert periods.previous_named_period(plans, plans[2], {"2021"}) is None  # nothing of 2016-2020 in the data


def test_a_change_is_the_difference_of_two_published_figures_in_people_points_and_rupiah(demo):
    from lib import fmt, periods
    from lib.texts import text
    from tests.support.pages import RULES

    latest, before = (expected(demo, Filters.of(year=y), "summary") for y in ("2022", "2021"))
    compared = periods.Comparison("2022", Filters.of(year="2022"), "2021", Filters.of(year="2021"))
    people = periods.figure_change(compared, latest, before, "participants", RULES, "id")
    difference = latest["participants"].iloc[0] - before["participants"].iloc[0]
    assert difference % RULES.b == 0  # two published counts: their difference reveals no small count
    assert people.delta == fmt.change(difference, "count") and people.description == "dibanding 2021"
    assert f"2022: {fmt.count(latest['participants'].iloc[0])}" in people.help
    rate = periods.figure_change(compared, latest, before, "completion_rate", RULES, "id")
    points = (latest["completion_rate"].iloc[0] - before["completion_rate"].iloc[0]) * 100
    assert rate.delta.endswith(" poin") and rate.delta[1:].startswith(fmt.decimal(abs(points), "id", 1))
    money = periods.figure_change(compared, latest, before, "realized_idr", RULES, "en")
    assert money.delta.lstrip("+-±").startswith("Rp ") and money.description == "vs 2021"
    alone = periods.figure_change(None, latest, latest, "participants", RULES, "id")
    assert alone.delta is None and alone.help == text("change_no_previous", "id")


def test_a_figure_hidden_on_either_side_shows_no_change_and_says_why(demo):
    from lib import periods
    from lib.texts import text
    from tests.support.pages import RULES

    for village in ("Wonojoyo", "Gurah", "Keras", "Grogol", "Wates"):
        for year in range(2016, 2026):
            now, then = (expected(demo, Filters.of(village=village, year=y), "summary") for y in (year, year - 1))
            if now.empty or then.empty:
                continue
            hidden = [bool(hidden_reasons(t)["participants"].iloc[0]) for t in (now, then)]
            if any(hidden):
                compared = periods.Comparison(str(year), Filters(), str(year - 1), Filters())
                change = periods.figure_change(compared, now, then, "participants", RULES, "en")
                assert change.delta is None and change.description is None
                assert text("change_hidden", "en") in change.help and "<5" in change.help
                return
    pytest.fail("the demo must hold a village and year whose count of people is hidden")


@pytest.mark.parametrize("params, description", [
    ({"tahun": "2022"}, "dibanding 2021"),
    ({"tahun": "2021-2025"}, "dibanding 2016-2020"),
    ({}, "2025 dibanding 2024"),
])
def test_every_tile_compares_with_the_previous_period(demo, params, description):
    from lib import fmt
    from lib.measures import BY_NAME
    from lib.texts import text

    at = run(**params)
    tiles = {m.label: m for m in at.get("metric") if m.proto.label}
    shown = [m for m in tiles.values() if m.proto.delta]
    assert len(shown) >= 5, [(m.label, m.proto.delta) for m in tiles.values()]  # rates and money too, not only counts
    assert all(m.proto.delta_description == description for m in shown)
    assert any(m.proto.delta.endswith(" poin") for m in shown)  # a rate's change, in percentage points
    assert any("Rp" in m.proto.delta for m in shown)
    if not params:
        assert all(text("change_every_year_help", "id", latest="2025", before="2024") in m.proto.help for m in shown)
        filters = [Filters.of(year="2025"), Filters.of(year="2024")]
    else:
        filters = [Filters.of(year=params["tahun"]), Filters.of(year=description.split()[-1])]
    latest, before = (expected(demo, f, "summary") for f in filters)
    people = latest["participants"].iloc[0] - before["participants"].iloc[0]
    assert tiles["Peserta"].proto.delta == fmt.change(people, BY_NAME["participants"].kind)


# --- 15. a phone: tiles in reading order, short tick labels, a quiet chart toolbar ---------------------
def test_the_headline_tiles_read_people_then_rates_then_money():
    from lib import labels

    order = ["Peserta", "Tingkat kelulusan", "Tingkat bekerja", "Tingkat kembali beroperasi", "Porsi pendatang",
             "Pagu", "Realisasi", "Daya serap", "Biaya per peserta"]
    # A phone stacks the columns of each row: the tiles' order in the page is the order a phone shows.
    assert [m.label for m in run().get("metric")] == order
    assert labels.tile_order(["allocated_idr", "working_rate", "participants", "median_income", "followed_up"]) == (
        "participants", "followed_up", "working_rate", "allocated_idr", "median_income")
    assert labels.tile_rows(["participants", "working_rate", "allocated_idr"], 2) == [
        ("participants", "working_rate"), ("allocated_idr",)]


@pytest.mark.parametrize("name, width, wrapped", [
    ("Pare", 16, "Pare"),
    ("Dinas Koperasi dan UMKM Kota Kediri", 16, "Dinas Koperasi<br>dan UMKM Kota…"),
    ("Lembaga Pelatihan Kerja Swasta Nusantara", 12, "Lembaga<br>Pelatihan…"),
    ("Sangat-panjang-tanpa-spasi-sama-sekali", 10, "Sangat-pan<br>jang-tanp…"),  # no space to break at
    ("Tata Rias & Salon <Kediri>", 30, "Tata Rias &amp; Salon &lt;Kediri&gt;"),
])
def test_a_long_name_is_a_tick_label_of_two_short_lines(name, width, wrapped):
    from lib.labels import wrapped_label

    out = wrapped_label(name, width)
    assert out == wrapped
    assert all(len(line.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")) <= width
               for line in out.split("<br>"))


def test_the_chart_toolbar_shows_on_hover_and_speaks_indonesian():
    from lib.labels import chart_config

    indonesian, english = chart_config("id"), chart_config("en")
    assert indonesian["displayModeBar"] == english["displayModeBar"] == "hover"
    # plotly.js has no Indonesian words of its own: they travel with the chart.
    assert indonesian["locale"] == "id"
    assert indonesian["locales"]["id"]["dictionary"]["Download plot as a PNG"] == "Unduh grafik sebagai PNG"
    assert "locale" not in english


# --- 12. the administration pages in English ------------------------------------------------------------
ADMIN_INDONESIAN = ("Masuk", "Nama pengguna", "Kata sandi", "Lupa", "Buat akun", "Ubah akun", "Peran", "Batas desa",
                    "Pembaca", "Semua", "semua", "Tanggal", "Pengguna", "Aksi", "kejadian", "Unduh", "Templat",
                    "Impor", "Versi", "versi", "Belum", "Simpan", "Kembalikan", "terkunci", "aktif", "Dibuat",
                    "Berkas", "Pratinjau", "Dasbor", "dicatat", "Kunci", "Hapus", "peserta", "anggaran", "Batas",
                    "desa", "Pilih", "Ulangi", "yakin", "Admin mengelola")
_TEXT_FIELDS = ("body", "label", "value", "placeholder", "help", "code_text")


def _main_words(at, cells: bool = False) -> list[str]:
    """Every text of the main area (not the sidebar): labels, bodies, help, options, table headers, and with
    ``cells`` the tables' cells."""
    out: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        for attr in _TEXT_FIELDS:
            value = getattr(proto, attr, None) if proto is not None else None
            if isinstance(value, str):
                out.append(value)
        if proto is not None and hasattr(proto, "options"):
            out.extend(str(o) for o in proto.options)
        if getattr(node, "type", "") in ("dataframe", "arrow_data_frame"):
            out.extend(str(c) for c in node.value.columns)
            if cells:
                out.extend(str(v) for v in node.value.to_numpy().ravel().tolist())
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    return out


def _indonesian_in(words: list[str]) -> dict[str, str]:
    return {word: shown for shown in words for word in ADMIN_INDONESIAN
            if re.search(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", shown)}


@pytest.fixture
def with_admin(data_dir, cheap_hashes, served):
    from tests.support.accounts import ADMIN, ADMIN_PW, VIEWER, VIEWER_PW, add_account

    add_account(ADMIN, ADMIN_PW, "admin")
    add_account(VIEWER, VIEWER_PW, "viewer", ("Pare",))
    return ADMIN


@pytest.mark.parametrize("page", ["pages/data.py", "pages/akun.py", "pages/audit.py"])
def test_english_administration_pages_hold_no_indonesian_interface_word(with_admin, page):
    from tests.support.accounts import session_of

    at = session_of(with_admin, bahasa="en").switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    words = _main_words(at, cells=page == "pages/akun.py")  # the accounts' roles, limits and states
    assert len(words) > 5
    assert not _indonesian_in(words), _indonesian_in(words)
    indonesian = session_of(with_admin).switch_page(page).run()
    assert _indonesian_in(_main_words(indonesian)), "the same page in Indonesian must use the listed words"


def test_english_sign_in_page_holds_no_indonesian_interface_word(with_admin):
    from streamlit.testing.v1 import AppTest

    from tests.support.pages import ROOT

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params["bahasa"] = "en"
    at.run()
    assert at.text_input(key="masuk_nama").label == "User name"
    at.text_input(key="masuk_nama").input("nobody")
    at.text_input(key="masuk_sandi").input("wrong-password-123")
    at = at.button(key="masuk_kirim").click().run()
    words = _main_words(at)
    assert any("Wrong user name or password" in w for w in words), words
    assert not _indonesian_in(words), _indonesian_in(words)
