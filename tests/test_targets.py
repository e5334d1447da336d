"""Targets and achievement (capaian kinerja): which targets apply, achievement by the polarity rule, the targets
table's import, template, versions and rollback, and the Overview page that shows them."""

from __future__ import annotations

import datetime as dt
import io
import json
import math

import numpy as np
import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib import export
from lib import store as S
from lib import targets as T
from lib import templates as TP
from lib.demo import DEMO_DIR, demo_targets
from lib.figures import published
from lib.filters import Filters, Scope, filtered, scoped
from lib.importer import EXIT_DATA, EXIT_OK, commit_import, main, plan_import
from lib.indicators import indicator_table
from lib.loading import load_folder, read_files
from lib.measures import BY_NAME
from lib.privacy import SMALL, Rules, key_column, publishable
from lib.schema import TARGET_INDICATORS, TARGETS, Targets, load_reference, typed_frame
from lib.texts import text
from tests.conftest import ROOT
from tests.support.accounts import ADMIN, ADMIN_PW, add_account, session_of
from tests.support.uploads import upload

RULES = Rules(k=5, b=5)
REFERENCE = load_reference()
TODAY = dt.date(2026, 1, 31)


def targets_frame(*rows: tuple) -> pd.DataFrame:
    """A loaded targets table: rows of (year, indicator as stored, village or None, program or None, target)."""
    return typed_frame(TARGETS, pd.DataFrame(rows, columns=[Targets.year, Targets.indicator, Targets.village,
                                                            Targets.program, Targets.target]), REFERENCE)


def label(name: str) -> str:
    return BY_NAME[name].label_id


def realised_by_year() -> pd.DataFrame:
    """A published summary by year (counts are multiples of b, so rounding keeps them whatever the keys):
    2022 three people (hidden, <5) and no follow-up; 2023 and 2024 enough of everything."""
    raw = pd.DataFrame({
        "year": [2022, 2023, 2024],
        "participants": [3, 100, 90],
        "followed_up": [0, 50, 40],
        "relapsed": [0, 5, 10],
        "relapse_rate": [np.nan, 0.1, 0.25],
        "working": [0, 30, 20],
        "working_rate": [np.nan, 0.6, 0.5],
        "cost_per_participant": [np.nan, 2_500_000.0, 3_300_000.0],
    })
    keys = {key_column(c): 0 for c in ("participants", "followed_up", "relapsed", "working")}
    return publishable(raw.assign(**keys), ["year"], RULES)


def goals(*rows: tuple[int, str, float]) -> pd.DataFrame:
    """Applicable targets: (year, measure, target in its figure's unit)."""
    return pd.DataFrame(rows, columns=T.TARGET_COLUMNS).astype({"year": "int64", "target": "float64"})


def row(achieved: pd.DataFrame, year: int, measure: str) -> pd.Series:
    found = achieved[(achieved["year"] == year) & (achieved["measure"] == measure)]
    assert len(found) == 1, achieved
    return found.iloc[0]


# --- achievement ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("realised", "target", "less", "expected"), [
    (92, 100, False, 0.92),                    # 92 of 100 trained: 92,0%
    (110, 100, False, 1.1),
    (0.08, 0.10, True, 1.2),                   # relapse 8% against at most 10%: (20 - 8) / 10
    (0.12, 0.10, True, 0.8),
    (2_500_000, 3_000_000, True, 1.167),       # cheaper than planned: above 100%
    (0.10, 0.10, True, 1.0),
])
def test_capaian_follows_the_polarity_rule(realised, target, less, expected):
    assert T.capaian(realised, target, less) == pytest.approx(expected)


def test_capaian_of_a_target_of_0_or_no_figure_is_none():
    assert T.capaian(5, 0, False) is None and T.capaian(5, 0, True) is None
    assert T.capaian(math.nan, 10, False) is None


@pytest.mark.parametrize(("value", "status"), [
    (1.5, T.ACHIEVED), (1.0, T.ACHIEVED), (0.999, T.NEARLY), (0.85, T.NEARLY), (0.849, T.NOT_YET), (-0.2, T.NOT_YET),
])
def test_rating_bands_are_lkjip_scale(value, status):
    assert T.band(value) == status


def test_achievement_of_more_is_better_and_less_is_better():
    achieved = T.achievement(goals((2023, "participants", 100), (2024, "participants", 100),
                                   (2023, "relapse_rate", 0.12), (2024, "relapse_rate", 0.10),
                                   (2023, "cost_per_participant", 3_000_000)), realised_by_year())
    assert row(achieved, 2023, "participants")[["realised", "capaian", "status"]].tolist() == [100.0, 1.0, T.ACHIEVED]
    assert row(achieved, 2024, "participants")[["capaian", "status"]].tolist() == [0.9, T.NEARLY]
    assert row(achieved, 2023, "relapse_rate")[["capaian", "status"]].tolist() == [pytest.approx(1.167), T.ACHIEVED]
    assert row(achieved, 2024, "relapse_rate")[["capaian", "status"]].tolist() == [-0.5, T.NOT_YET]  # 25% vs 10%
    assert row(achieved, 2023, "cost_per_participant")["capaian"] == pytest.approx(1.167)
    assert list(achieved.columns) == T.ACHIEVEMENT_COLUMNS


def test_a_missing_target_gives_no_row():
    achieved = T.achievement(goals((2023, "participants", 100)), realised_by_year())
    assert achieved["measure"].tolist() == ["participants"]  # working rate is realised but has no target
    assert T.achievement(goals(), realised_by_year()).empty


def test_a_target_of_0_has_no_achievement():
    achieved = T.achievement(goals((2023, "relapse_rate", 0.0)), realised_by_year())
    found = row(achieved, 2023, "relapse_rate")
    assert found["status"] == T.ZERO_TARGET and math.isnan(found["capaian"]) and found["realised"] == 0.1
    screen = T.screen_table(achieved, RULES).iloc[0]
    assert screen["Capaian"] == "—" and screen["Predikat"] == "Target 0: tidak dihitung"


def test_a_hidden_realised_figure_hides_the_achievement_and_says_why():
    achieved = T.achievement(goals((2022, "participants", 10)), realised_by_year())
    found = row(achieved, 2022, "participants")
    assert found["status"] == T.HIDDEN and found["reason"] == SMALL
    assert math.isnan(found["realised"]) and math.isnan(found["capaian"])  # nothing of the hidden count remains
    screen = T.screen_table(achieved, RULES).iloc[0]
    assert screen[["Realisasi", "Capaian", "Predikat"]].tolist() == ["<5", "disembunyikan", "disembunyikan"]
    assert "Peserta <5 disembunyikan" in screen["Catatan privasi"]
    note = T.tile_note(achieved, "participants", RULES)
    assert "disembunyikan" in note and "3" not in note


def test_a_year_without_a_realised_figure_has_no_achievement():
    achieved = T.achievement(goals((2022, "working_rate", 0.5), (2026, "participants", 110)), realised_by_year())
    assert row(achieved, 2022, "working_rate")["status"] == T.NO_FIGURE  # no follow-up that year: the rate is none
    assert row(achieved, 2026, "participants")["status"] == T.NO_FIGURE  # a target set ahead
    assert T.tile_note(achieved, "participants", RULES) is None


def test_the_table_reads_each_figure_in_its_unit_and_downloads_the_achievement_as_a_percentage():
    achieved = T.achievement(goals((2023, "participants", 100), (2023, "working_rate", 0.55),
                                   (2023, "cost_per_participant", 3_000_000)), realised_by_year())
    screen = T.screen_table(achieved, RULES)
    assert screen.values.tolist() == [
        ["2023", "Peserta", "100", "100", "100,0%", "Tercapai", ""],
        ["2023", "Tingkat bekerja", "55,0%", "60,0%", "109,1%", "Tercapai", ""],
        ["2023", "Biaya per peserta", "Rp 3.000.000", "Rp 2.500.000", "116,7%", "Tercapai", ""],
    ]
    english = T.screen_table(achieved, RULES, "en")
    assert list(english.columns)[:6] == ["Year", "Indicator", "Target", "Realised", "Achievement", "Rating"]
    assert english.iloc[0, 5] == "Achieved"
    sheet = T.target_sheet(achieved, RULES, title="Target dan capaian")
    lines = export.csv_file(sheet).decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[4] == '"Capaian (%)"' and lines[2].split(";")[4] == "109,1"
    book = openpyxl.load_workbook(io.BytesIO(export.xlsx_file(sheet)))
    cells = next(c for c in book.active.iter_rows() if c[1].value == "Tingkat bekerja")
    assert cells[4].value == pytest.approx(1.091) and cells[4].number_format == export.PERCENT_FORMAT


def test_each_rating_has_a_word_and_a_colour_blind_safe_colour():
    for status in (T.ACHIEVED, T.NEARLY, T.NOT_YET):
        assert T.status_words(status) and T.status_words(status, "en")
        assert T.STATUS_COLOURS[status] in {"#0072B2", "#E69F00", "#D55E00"}  # Okabe-Ito
    assert len({T.status_colour(s) for s in (T.ACHIEVED, T.NEARLY, T.NOT_YET)}) == 3
    assert T.status_colour(T.HIDDEN) is None and T.status_colour(T.NO_FIGURE) is None


def test_the_tile_note_is_the_latest_year_with_a_figure():
    achieved = T.achievement(goals((2023, "participants", 100), (2024, "participants", 100),
                                   (2026, "participants", 120)), realised_by_year())
    assert T.tile_note(achieved, "participants", RULES) == (
        "Target 2024: 100. Realisasi 2024: 90. Capaian: 90,0% (Hampir tercapai).")
    assert T.tile_notes(achieved, ["participants", "working_rate"], RULES, "en") == {
        "participants": "Target 2024: 100. Realised 2024: 90. Achievement: 90.0% (Nearly achieved)."}


# --- which targets apply ------------------------------------------------------------------------
KEDIRI = targets_frame(
    (2023, label("participants"), None, None, 100),
    (2024, label("participants"), None, None, 105),
    (2023, label("working_rate"), None, None, 55),
    (2023, label("participants"), "Pare", None, 10),
    (2023, label("participants"), None, "Konveksi", 25),
    (2023, label("participants"), "Semampir", "Konveksi", 24),
)


@pytest.mark.parametrize(("filters", "expected"), [
    (Filters(), [(2023, "participants", 100), (2023, "working_rate", 0.55), (2024, "participants", 105)]),
    (Filters.of(year=2024), [(2024, "participants", 105)]),
    (Filters.of(year="2021-2025"), [(2023, "participants", 100), (2023, "working_rate", 0.55),
                                    (2024, "participants", 105)]),
    (Filters.of(village="Pare"), [(2023, "participants", 10)]),
    (Filters.of(program="Konveksi"), [(2023, "participants", 25)]),
    (Filters.of(village="Semampir", program="Konveksi"), [(2023, "participants", 24)]),
    (Filters.of(village="Gurah"), []),                       # no target set for Gurah
    (Filters.of(village="Kabupaten Kediri"), []),            # a named group is not the whole area
    (Filters.of(organizer="UPT RSBKW Kediri"), []),          # narrower than every target
    (Filters.of(role="WPS"), []),
    (Filters.of(village="Pare", role="WPS"), []),
])
def test_a_target_applies_to_exactly_what_the_filters_select(filters, expected):
    found = T.applicable(KEDIRI, filters, REFERENCE)
    assert list(found.itertuples(index=False, name=None)) == expected


def test_a_village_limited_accounts_everything_is_its_village():
    assert T.applicable(KEDIRI, Filters(), REFERENCE, Scope("Pare", ("Pare",)))["target"].tolist() == [10.0]
    kabupaten = next(g for g in REFERENCE.named_groups("sites") if g.name == "Kabupaten Kediri")
    assert T.applicable(KEDIRI, Filters(), REFERENCE, Scope(kabupaten.name, kabupaten.members)).empty


def test_a_group_of_every_village_is_the_whole_area():
    from dataclasses import replace

    from lib.schema import SITE_LIST, NamedGroup

    everywhere = NamedGroup("Se-Kediri", "wilayah", REFERENCE.villages)
    reference = replace(REFERENCE, groups={**REFERENCE.groups, SITE_LIST: (everywhere,)})
    assert len(T.applicable(KEDIRI, Filters.of(village="Se-Kediri"), reference)) == 3


# --- the table: template, import, versions ---------------------------------------------------------------
def csv_file(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


GOOD = csv_file(
    "Tahun;Indikator;Desa;Program;Target",
    "2025;Peserta;;;100",
    "2025;working rate;;;80%",
    "2025;Tingkat Kembali Beroperasi (%);;;10,5",
    "2025;Biaya per peserta;;;Rp 3.000.000",
    "2025;Cost per working participant;;Konveksi;8,500,000",
    "2026;Peserta;Pare;;12",
    "2031;Daya serap;;;95",                                 # five years ahead
)


def test_a_good_targets_file_is_read_in_the_dashboards_spelling_and_the_indicators_unit():
    checked = read_files({"target_2025.csv": GOOD}, REFERENCE, today=TODAY)
    assert checked.ok, checked.problems.to_string()
    frame = checked.frames[TARGETS]
    assert frame[Targets.indicator].astype(str).tolist() == [
        "Peserta", "Tingkat bekerja", "Tingkat kembali beroperasi", "Biaya per peserta", "Biaya per peserta bekerja",
        "Peserta", "Daya serap"]
    assert frame[Targets.target].tolist() == [100, 80, 10.5, 3_000_000, 8_500_000, 12, 95]
    assert frame[Targets.village].astype("object").tolist()[5] == "Pare"


def test_a_targets_file_is_recognised_by_its_headers_alone():
    checked = read_files({"rencana.csv": GOOD.replace(b"Tahun;", b"year;")}, REFERENCE, today=TODAY)
    assert checked.ok and TARGETS in checked.frames


BAD = csv_file(
    "tahun;indikator;desa;program;target",
    "2025;Tingkat kerja;;;60",                               # 2: unknown, Tingkat bekerja meant
    "2025;Working rat;;;60",                                 # 3: unknown in English
    "2025;Median penghasilan bulanan;;;2000000",             # 4: a figure that carries no target
    "2025;Tingkat kelulusan;;;120",                          # 5: a rate above 100%
    "2025;Peserta;;;100",                                    # 6 and 7: the same key twice
    "2025;Peserta;;;110",
    "2032;Peserta;;;100",                                    # 8: more than five years ahead
    "2025;Peserta;Paree;;10",                                # 9: an unknown village
    "2025;Kembali ke daerah asal;;;2,5",                     # 10: a fraction of a person
    "2025;Daya serap;;;-5",                                  # 11: negative
)


def test_every_problem_of_a_bad_targets_file_is_listed_at_once():
    checked = read_files({"target.csv": BAD}, REFERENCE, today=TODAY)
    errors = checked.errors.set_index("row")
    assert sorted(errors.index.astype(int).unique()) == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert errors.loc[2, "suggestion"] == "Tingkat bekerja"
    assert errors.loc[3, "suggestion"] == "Tingkat bekerja"
    assert "tidak dapat diberi target" in errors.loc[4, "problem"]
    assert "di atas 100%" in errors.loc[5, "problem"] and errors.loc[5, "table"] == TARGETS
    assert "Target ganda" in errors.loc[6, "problem"] and errors.loc[6, "problem"].endswith("di baris 7.")
    assert errors.loc[7, "problem"].endswith("di baris 6.")  # row 9's unknown village is not the whole area
    assert "2032" in errors.loc[8, "problem"] and "2031" in errors.loc[8, "allowed"]
    assert errors.loc[9, "suggestion"] == "Pare"
    assert "bukan bilangan bulat" in errors.loc[10, "problem"]
    assert "negatif" in errors.loc[11, "problem"]


def test_a_rate_target_written_as_a_fraction_is_warned_about():
    checked = read_files({"target.csv": csv_file("tahun;indikator;target", "2025;Tingkat bekerja;0,8")},
                         REFERENCE, today=TODAY)
    assert checked.ok and "bukan pecahan" in checked.warnings["problem"].iloc[0]


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_the_template_lists_every_indicator_and_imports_back(extension):
    writer = TP.template_csv if extension == "csv" else TP.template_xlsx
    content = writer(TARGETS, REFERENCE, today=TODAY)
    checked = read_files({TP.template_filename(TARGETS, extension): content}, REFERENCE, today=TODAY)
    assert checked.ok, checked.problems.to_string()
    frame = checked.frames[TARGETS]
    assert frame[Targets.indicator].astype(str).tolist() == [label(n) for n in TARGET_INDICATORS]
    assert frame[Targets.year].unique().tolist() == [2026]
    # A filled export of any targets table imports back to the same table.
    filled = writer(TARGETS, REFERENCE, rows=KEDIRI)
    again = read_files({TP.template_filename(TARGETS, extension): filled}, REFERENCE, today=TODAY)
    pd.testing.assert_frame_equal(again.frames[TARGETS], KEDIRI)


def test_the_xlsx_template_offers_the_indicators_in_a_drop_down():
    book = openpyxl.load_workbook(io.BytesIO(TP.template_xlsx(TARGETS, REFERENCE, today=TODAY)))
    choices = {col[0].value: [c.value for c in col[1:] if c.value is not None]
               for col in book[TP.CHOICES_SHEET].iter_cols()}
    assert choices["Pilihan indikator"] == [label(n) for n in TARGET_INDICATORS]
    assert any(str(v.sqref).startswith("B2:") for v in book.worksheets[0].data_validations.dataValidation)


@pytest.fixture
def file_store(tmp_path) -> S.Store:
    return S.open_store(tmp_path / "store")


@pytest.fixture
def store(backend):
    """The configured store of the back end under test: files, then PostgreSQL (tests/postgres.py)."""
    return S.open_store()


def test_targets_are_a_version_of_their_own_and_rolling_back_leaves_none(tiny, reference, store):
    first = commit_import(plan_import(upload(tiny), store, reference, today=TODAY), store, "admin")
    assert S.current_dataset(store, reference).targets.empty  # a version without targets has none
    assert TARGETS not in S.read_manifest(store, first)["tables"]

    plan = plan_import({"target.csv": GOOD}, store, reference, today=TODAY)
    assert plan.ok and plan.uploaded == (TARGETS,)
    changes = plan.changes.set_index("table")
    assert changes.loc[TARGETS, ["action", "rows_before", "added"]].tolist() == ["replace", 0, 7]
    assert changes.loc["participants", "action"] == "keep"
    second = commit_import(plan, store, "admin")
    dataset = S.current_dataset(store, reference)
    pd.testing.assert_frame_equal(dataset.targets, plan.frames[TARGETS])
    pd.testing.assert_frame_equal(dataset.participants, S.read_version(store, first, reference).participants)
    assert S.versions(store).set_index("id").loc[[second, first], TARGETS].tolist() == [7, 0]

    S.rollback(store, first, author="admin")
    assert S.current_dataset(store, reference).targets.empty
    S.rollback(store, second, author="admin")
    assert len(S.current_dataset(store, reference).targets) == 7


def test_the_command_line_imports_targets_and_lists_their_problems(tmp_path, file_store, tiny, reference):
    commit_import(plan_import(upload(tiny), file_store, reference, today=TODAY), file_store, "admin")
    common = ["--store", str(file_store.root), "--audit", str(tmp_path / "audit.sqlite3"), "--today", TODAY.isoformat()]
    bad, good = tmp_path / "target_salah.csv", tmp_path / "target.csv"
    bad.write_bytes(BAD)
    good.write_bytes(GOOD)
    out = io.StringIO()
    assert main([str(bad), "--yes", *common], stdout=out, stderr=io.StringIO()) == EXIT_DATA
    assert "Tingkat bekerja" in out.getvalue() and "Target ganda" in out.getvalue()
    out = io.StringIO()
    assert main([str(good), "--yes", *common], stdout=out, stderr=io.StringIO()) == EXIT_OK
    assert "target" in out.getvalue() and len(S.current_dataset(file_store, reference).targets) == 7


# --- the demo's targets -----------------------------------------------------------------------------------
def test_the_demo_targets_read_like_a_renstra():
    frame = load_folder(DEMO_DIR, REFERENCE).targets
    assert len(frame) == len(demo_targets())
    whole = frame[frame[Targets.village].isna() & frame[Targets.program].isna()]
    assert whole[Targets.year].nunique() >= 5 and 3 <= whole.groupby(Targets.year).size().max() <= 8
    assert set(frame[Targets.village].dropna()) == {"Pare"} and set(frame[Targets.program].dropna()) == {"Konveksi"}
    assert frame[Targets.year].max() > 2025  # set ahead of the data


# --- the Overview page ----------------------------------------------------------------------------------
def run(**params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def expected_achievement(demo, filters: Filters) -> pd.DataFrame:
    found = T.applicable(demo.targets, filters, demo.reference)
    measures = T.target_measures(found)
    realised = published(indicator_table(filtered(demo, filters), "summary", ["year"]), measures, RULES)
    return T.achievement(found, realised)


def target_table(at: AppTest) -> pd.DataFrame | None:
    tables = [d.value for d in at.dataframe if "Predikat" in d.value.columns or "Rating" in d.value.columns]
    return tables[0] if tables else None


def target_trace(at: AppTest) -> dict | None:
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    return next((t for t in spec["data"] if t.get("type") == "scatter"), None)


@pytest.mark.parametrize(("params", "filters"), [
    ({}, Filters()),
    ({"program": "Konveksi"}, Filters.of(program="Konveksi")),
    ({"desa": "Pare"}, Filters.of(village="Pare")),
    ({"tahun": "2023"}, Filters.of(year=2023)),
    ({"tahun": "2021-2025", "program": "Konveksi"}, Filters.of(year="2021-2025", program="Konveksi")),
])
def test_ringkasan_shows_the_targets_that_apply_with_their_published_achievement(pages_on_demo, demo, params, filters):
    at = run(**params)
    achieved = expected_achievement(demo, filters)
    assert not achieved.empty
    shown = target_table(at)
    assert text("targets_title", "id") in [s.value for s in at.subheader]
    pd.testing.assert_frame_equal(shown.astype(str).reset_index(drop=True),
                                  T.screen_table(achieved, RULES).astype(str), check_dtype=False)
    # The tile of participants says its target and achievement, as lib writes it.
    note = T.tile_note(achieved, "participants", RULES)
    tile = next(m for m in at.metric if m.label == "Peserta")
    assert note and note in tile.proto.help
    # The trend (participants first) draws the targets of the years it shows.
    line = target_trace(at)
    years = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]["x"]
    wanted = achieved[(achieved["measure"] == "participants") & achieved["year"].astype(str).isin(years)]
    assert line["name"] == "Target" and line["mode"] == "lines+markers"
    assert line["x"] == wanted["year"].astype(str).tolist() and line["y"] == wanted["target"].tolist()
    assert not any(str(t).strip() in {"1", "2", "3", "4"} for t in line.get("text") or [])


def test_a_hidden_realised_figure_shows_hidden_on_the_page(pages_on_demo, demo):
    at = run(desa="Pare")
    achieved = expected_achievement(demo, Filters.of(village="Pare"))
    hidden = achieved[achieved["status"] == T.HIDDEN]
    assert not hidden.empty, "the demo's Pare must have a year whose participants are fewer than k"
    table = target_table(at)
    for year in hidden["year"]:
        cells = table[table["Tahun"] == str(year)].iloc[0]
        assert cells["Realisasi"] == "<5" and cells["Capaian"] == cells["Predikat"] == "disembunyikan"


@pytest.mark.parametrize("params", [{"desa": "Kabupaten Kediri"}, {"peran": "WPS"},
                                    {"penyelenggara": "UPT RSBKW Kediri"}])
def test_filters_no_target_is_set_for_say_so_and_draw_no_target(pages_on_demo, params):
    at = run(**params)
    assert target_table(at) is None and target_trace(at) is None
    assert text("targets_none", "id") in [i.value for i in at.info]
    assert not any("Target " in (m.proto.help or "") for m in at.metric)


def test_the_trend_draws_the_targets_of_the_measure_it_shows(pages_on_demo, demo):
    at = run()
    at.selectbox(key="ringkasan_tren_ukuran").set_value("relapse_rate").run()
    achieved = expected_achievement(demo, Filters())
    line = target_trace(at)
    wanted = achieved[(achieved["measure"] == "relapse_rate") & (achieved["year"] <= 2025)]
    assert line["y"] == pytest.approx(wanted["target"].tolist()) and max(line["y"]) < 1  # a rate as a fraction
    axis = json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["yaxis"]
    assert axis["range"][1] >= max(line["y"])
    at.selectbox(key="ringkasan_tren_ukuran").set_value("migrant_share").run()
    assert target_trace(at) is None  # no target is set for the migrant share


def test_the_target_table_in_english_and_its_downloads(pages_on_demo):
    at = run(bahasa="en")
    table = target_table(at)
    assert list(table.columns)[:6] == ["Year", "Indicator", "Target", "Realised", "Achievement", "Rating"]
    assert {"Achieved", "Nearly achieved", "Not yet achieved"} & set(table["Rating"])
    keys = {b.proto.id.rsplit("-", 1)[-1] for b in at.get("download_button")}
    assert {"ringkasan_target_csv", "ringkasan_target_xlsx"} <= keys


def test_a_department_without_targets_sees_no_targets_section(pages_on_demo):
    demo_copy = pages_on_demo / "demo"
    demo_copy.mkdir()
    for name in ("participants", "outcomes", "budget"):
        (demo_copy / f"{name}.csv").write_bytes((DEMO_DIR / f"{name}.csv").read_bytes())
    at = run()
    assert text("targets_title", "id") not in [s.value for s in at.subheader]
    assert target_trace(at) is None and target_table(at) is None


def test_panduan_says_how_targets_are_read(pages_on_demo):
    at = run()
    at.switch_page("pages/panduan.py").run()
    words = " ".join(m.value for m in at.markdown)
    assert "(2 × target − realisasi) ÷ target" in words and "Hampir tercapai" in words
    assert text("table_targets", "id") in [s.value for s in at.subheader]
    at = run(bahasa="en")
    at.switch_page("pages/panduan.py").run()
    assert "(2 × target − realised) ÷ target" in " ".join(m.value for m in at.markdown)


def test_targets_are_imported_on_the_data_page_and_shown_from_the_new_version(pages_on_demo, served):
    add_account(ADMIN, ADMIN_PW, "admin")
    tables = [(f"{t}.csv", (DEMO_DIR / f"{t}.csv").read_bytes(), "text/csv") for t in ("participants", "outcomes",
                                                                                          "budget")]
    at = session_of(ADMIN)
    at.switch_page("pages/data.py").run()
    at.file_uploader(key="data_berkas").set_value([*tables, ("target.csv", BAD, "text/csv")]).run()
    problems = next(d.value for d in at.dataframe if "saran" in d.value.columns)
    assert "Tingkat bekerja" in problems["saran"].tolist() and set(problems["tabel"]) == {"target"}
    assert not [b for b in at.button if b.key == "data_simpan"]

    at.file_uploader(key="data_berkas").set_value([*tables, ("target.csv", GOOD, "text/csv")]).run()
    changes = next(d.value for d in at.dataframe if "Ditambah" in d.value.columns).set_index("Tabel")
    assert changes.loc["target", "Ditambah"] == 7
    at.button(key="data_simpan").click().run()
    assert "Versi 1 disimpan" in " ".join(e.value for e in at.success)
    versions = next(d.value for d in at.dataframe if "Baris target" in d.value.columns)
    assert versions["Baris target"].tolist() == [7]

    at.switch_page("pages/ringkasan.py").run()
    table = target_table(at)
    assert table[table["Tahun"] == "2025"]["Target"].tolist() == ["100", "80,0%", "10,5%", "Rp 3.000.000"]


# --- the printed report -----------------------------------------------------------------------------------
def report_text(demo, filters: Filters, **options) -> str:
    import re

    from pypdf import PdfReader

    from lib import report
    from tests.support.report import blank_images

    pdf = report.build_report(demo, filters, RULES, today=TODAY, images=blank_images, **options)
    return " ".join(re.sub(r"\s+", " ", page.extract_text() or "") for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_report_prints_the_targets_that_apply_as_the_overview_shows_them(demo):
    words = report_text(demo, Filters.of(program="Konveksi", year="2021-2025"))
    assert text("targets_title", "id") in words
    shown = T.screen_table(expected_achievement(demo, Filters.of(program="Konveksi", year="2021-2025")), RULES)
    for cells in shown.head(3).itertuples(index=False):
        assert " ".join([cells[1], cells[2], cells[3], cells[4]]) in words, cells
    assert text("targets_title", "id") not in report_text(demo, Filters.of(role="WPS"))
    # A village-limited account's report holds its village's targets, not the whole area's.
    pare = report_text(scoped(demo, ("Pare",)), Filters.of(year=2023), scope=Scope("Pare", ("Pare",)))
    assert "2023 Peserta 10 " in pare and "2023 Peserta 100 " not in pare


def test_a_village_limited_viewer_sees_the_targets_of_their_village(pages_on_demo, demo, monkeypatch):
    from lib.accounts import Account
    from lib.filters import scoped
    from pages import auth

    viewer = Account(username="kades", role="viewer", villages=("Pare",), created_at=pd.Timestamp("2026-01-01"))
    monkeypatch.setattr(auth, "sync_session", lambda: viewer)
    at = run()
    table = target_table(at)
    pare = T.achievement_of(demo.targets, Filters(), demo.reference, lambda measures: published(
        indicator_table(scoped(demo, ("Pare",)), "summary", ["year"]), measures, RULES), Scope("Pare", ("Pare",)))
    assert set(table["Indikator"]) == {"Peserta"} and table["Target"].tolist() == ["10"] * len(pare)
    pd.testing.assert_frame_equal(table.astype(str).reset_index(drop=True), T.screen_table(pare, RULES).astype(str),
                                  check_dtype=False)
