"""The filters: one registry, the questions it lets a user ask, links, named groups and scopes.

Each filter takes one value, one named group of the reference data, or
everything; a link carries one value per filter, and anything else it asks is
reported, never answered with something else.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from lib import filters as flt
from lib.filters import (
    FILTERS,
    LIST,
    SPAN,
    UNKNOWN,
    Filters,
    Problem,
    Scope,
    ScopeError,
    chosen_values,
    filtered,
    members,
    offers,
    parse_query,
    query_of,
    scope_of,
    scoped,
    table_selections,
)
from lib.schema import (
    BUDGET,
    DEFAULT_REFERENCE_FILE,
    ORGANIZER_LIST,
    PARTICIPANTS,
    PERIOD_LIST,
    SITE_LIST,
    NamedGroup,
    Participants,
    ReferenceDataError,
    column_names,
    load_reference,
)
from lib.texts import language_of
from tests.support.filters import STATUS

KAB_VILLAGES = ("Kandangan", "Pare", "Gurah", "Wonojoyo", "Ngasem", "Ngadiluwih", "Keras", "Grogol", "Wates")
DINSOS, DINKOP, UPT = "Dinas Sosial Kabupaten Kediri", "Dinas Koperasi dan UMKM Kota Kediri", "UPT RSBKW Kediri"


# --- the registry ---------------------------------------------------------------------------
def test_every_filter_has_its_own_name_parameter_and_words():
    assert [s.name for s in FILTERS] == ["year", "village", "program", "organizer", "role"]
    assert [s.param for s in FILTERS] == ["tahun", "desa", "program", "penyelenggara", "peran"]
    for spec in FILTERS:
        assert spec.label("id") and spec.label("en")
        for table, column in spec.columns:
            assert column in column_names(table), (spec.name, table, column)


def test_role_applies_to_participants_only_and_the_rest_to_the_budget_too():
    assert {s.name for s in FILTERS if BUDGET not in s.tables} == {"role"}
    assert all(PARTICIPANTS in s.tables for s in FILTERS)


def test_filters_are_one_choice_per_filter_in_registry_order():
    f = Filters.of(village="Pare", year=2022)
    assert f == Filters.of(year="2022", village="Pare")  # equal choices, equal (and equally hashed) Filters
    assert hash(f) == hash(Filters.of(year="2022", village="Pare"))
    assert f.chosen == (("year", "2022"), ("village", "Pare"))
    assert f.get("village") == "Pare" and f.get("program") is None
    assert f.with_choice("village", None) == Filters.of(year=2022)
    assert f.with_choice("village", "Kabupaten Kediri").get("village") == "Kabupaten Kediri"
    assert Filters.of(village=None, program="") == Filters()
    with pytest.raises(KeyError):
        Filters.of(villages=("Pare",))


@pytest.mark.parametrize(("filters", "label", "described_id", "described_en"), [
    (Filters(), "semua", ["Semua data"], ["All data"]),
    (Filters.of(village="Pare", year="2021-2025"), "2021-2025_Pare",
     ["Tahun: 2021-2025", "Desa/kelurahan: Pare"], ["Year: 2021-2025", "Village: Pare"]),
    (Filters.of(organizer="Kabupaten Kediri", role="WPS"), "Kabupaten Kediri_WPS",
     ["Penyelenggara: Kabupaten Kediri", "Peran: WPS"], ["Organizer: Kabupaten Kediri", "Role: WPS"]),
])
def test_filters_describe_themselves(filters, label, described_id, described_en):
    assert filters.label() == label
    assert filters.describe("id") == described_id and filters.describe("en") == described_en


# --- what each filter offers ---------------------------------------------------------------------
def test_every_filter_offers_its_values_and_named_groups(tiny):
    offered = {o.spec.name: o for o in offers(tiny)}
    assert offered["year"].values == ("2019", "2020", "2021", "2022")  # the data's years, budget ones included
    assert [g.name for g in offered["year"].groups] == ["2016-2020", "2021-2025"]
    assert [g.name for g in offered["village"].groups] == ["Kabupaten Kediri", "Kota Kediri"]
    assert offered["village"].values == tiny.reference.villages
    assert [g.name for g in offered["organizer"].groups] == ["Kabupaten Kediri", "Kota Kediri"]
    assert offered["program"].groups == () and offered["role"].groups == ()
    assert offered["village"].names()[:2] == ("Kabupaten Kediri", "Kota Kediri")


def test_a_scope_offers_its_villages_and_the_groups_inside_it(tiny):
    pare = {o.spec.name: o for o in offers(tiny, Scope("Pare", ("Pare",)))}
    assert pare["village"].values == ("Pare",) and pare["village"].groups == ()
    kab = {o.spec.name: o for o in offers(tiny, scope_of(KAB_VILLAGES, tiny.reference))}
    assert kab["village"].values == KAB_VILLAGES
    assert [g.name for g in kab["village"].groups] == ["Kabupaten Kediri"]  # Kota Kediri lies outside
    assert kab["program"].values == tiny.reference.programs  # the scope narrows the village filter only


def test_chosen_values_are_the_value_the_group_or_everything_offered(tiny):
    village = next(o for o in offers(tiny) if o.spec.name == "village")
    assert chosen_values(Filters(), village) == tiny.reference.villages
    assert chosen_values(Filters.of(village="Pare"), village) == ("Pare",)
    assert chosen_values(Filters.of(village="Kabupaten Kediri"), village) == KAB_VILLAGES


# --- links ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("query", "filters", "problems"), [
    ({}, Filters(), ()),
    ({"desa": ["Pare"]}, Filters.of(village="Pare"), ()),
    ({"desa": ["Kabupaten Kediri"]}, Filters.of(village="Kabupaten Kediri"), ()),
    ({"desa": ["kabupaten kediri"]}, Filters.of(village="Kabupaten Kediri"), ()),  # the same question
    ({"tahun": ["2022"]}, Filters.of(year="2022"), ()),
    ({"tahun": ["2021-2025"]}, Filters.of(year="2021-2025"), ()),
    # older links wrote a span as two values: exactly one year or one named period is that question
    ({"tahun": ["2021", "2025"]}, Filters.of(year="2021-2025"), ()),
    ({"tahun": ["2020", "2020"]}, Filters.of(year="2020"), ()),
    ({"tahun": ["2016–2020"]}, Filters.of(year="2016-2020"), ()),
    ({"penyelenggara": ["Kota Kediri"], "peran": ["WPS"]}, Filters.of(organizer="Kota Kediri", role="WPS"), ()),
    ({"desa": [""]}, Filters(), ()),
    ({"desa": ["Pare", "Gurah"]}, Filters(), (Problem("village", LIST, ("Pare", "Gurah")),)),
    ({"desa": ["Surabaya"]}, Filters(), (Problem("village", UNKNOWN, ("Surabaya",)),)),
    ({"tahun": ["2019", "2024"]}, Filters(), (Problem("year", SPAN, ("2019", "2024")),)),
    ({"tahun": ["2019-2024"]}, Filters(), (Problem("year", SPAN, ("2019-2024",)),)),
    ({"tahun": ["2030"]}, Filters(), (Problem("year", UNKNOWN, ("2030",)),)),
    ({"peran": ["WPS", "Mucikari"], "desa": ["Pare"]}, Filters.of(village="Pare"),
     (Problem("role", LIST, ("WPS", "Mucikari")),)),
    ({"program": ["Tata Rias", "Tata Rias"]}, Filters.of(program="Tata Rias"), ()),
])
def test_a_link_asks_one_value_per_filter(tiny, query, filters, problems):
    assert parse_query(query, offers(tiny)) == (filters, problems)


def test_a_link_outside_the_scope_is_unknown_not_answered_with_the_scope(tiny):
    offered = offers(tiny, Scope("Pare", ("Pare",)))
    assert parse_query({"desa": ["Semampir"]}, offered) == (Filters(), (Problem("village", UNKNOWN, ("Semampir",)),))
    assert parse_query({"desa": ["Kabupaten Kediri"]}, offered)[1][0].code == UNKNOWN
    assert parse_query({"desa": ["Pare"]}, offered) == (Filters.of(village="Pare"), ())


@pytest.mark.parametrize("filters", [Filters(), Filters.of(village="Kabupaten Kediri", year="2021-2025"),
                                     Filters.of(role="WPS", program="Konveksi", organizer=DINKOP)])
def test_a_link_written_from_filters_reads_back_as_them(tiny, filters):
    query = {param: [value] for param, value in query_of(filters).items()}
    assert parse_query(query, offers(tiny)) == (filters, ())


@pytest.mark.parametrize(("asked", "lang", "unknown"), [
    ([], "id", None), (["id"], "id", None), (["en"], "en", None), (["English"], "en", None),
    (["Bahasa Indonesia"], "id", None), (["EN"], "en", None), (["fr"], "id", "fr"),
])
def test_a_link_asks_for_a_language(asked, lang, unknown):
    assert language_of(asked) == (lang, unknown)


# --- the rows a choice selects ----------------------------------------------------------------------
def test_a_group_selects_its_members_and_a_period_its_years(tiny):
    reference = tiny.reference
    assert members(flt.VILLAGE, "Kota Kediri", reference) == ("Semampir",)
    assert members(flt.VILLAGE, "Pare", reference) == ("Pare",)
    assert members(flt.YEAR, "2021-2025", reference) == (2021, 2022, 2023, 2024, 2025)
    assert members(flt.YEAR, "2020", reference) == (2020,)
    assert table_selections(Filters.of(organizer="Kabupaten Kediri", role="WPS"), reference, BUDGET) == (
        ("organizer", (DINSOS, UPT)),)


def _rows(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


@pytest.mark.parametrize(("group", "one_by_one"), [
    (Filters.of(village="Kabupaten Kediri"), [Filters.of(village=v) for v in KAB_VILLAGES]),
    (Filters.of(year="2021-2025"), [Filters.of(year=y) for y in range(2021, 2026)]),
    (Filters.of(organizer="Kabupaten Kediri"), [Filters.of(organizer=o) for o in (DINSOS, UPT)]),
])
def test_a_named_group_selects_exactly_the_rows_of_its_members(tiny, group, one_by_one):
    together = filtered(tiny, group)
    for table in ("participants", "outcomes", "budget"):
        apart = pd.concat([filtered(tiny, f).table(table) for f in one_by_one])
        pd.testing.assert_frame_equal(_rows(together.table(table).astype(str)), _rows(apart.astype(str)))


def test_a_village_group_leaves_out_budget_lines_with_no_village(tiny):
    assert filtered(tiny, Filters.of(village="Kabupaten Kediri")).budget["village"].notna().all()


def test_the_role_filter_leaves_the_budget_whole(tiny):
    assert len(filtered(tiny, Filters.of(role="Mucikari")).budget) == len(tiny.budget)
    assert filtered(tiny, Filters.of(role="Mucikari")).participants[Participants.role].astype(str).tolist() == [
        "Mucikari"]


# --- scopes -------------------------------------------------------------------------------------------
def test_a_scope_is_every_village_one_village_or_one_named_group(tiny):
    assert scope_of((), tiny.reference) == Scope()
    assert scope_of(("Pare",), tiny.reference) == Scope("Pare", ("Pare",))
    assert scope_of(tuple(reversed(KAB_VILLAGES)), tiny.reference) == Scope("Kabupaten Kediri", KAB_VILLAGES)
    with pytest.raises(ScopeError) as refused:
        scope_of(("Pare", "Gurah"), tiny.reference)
    assert refused.value.villages == ("Pare", "Gurah")


def test_scoped_reads_only_the_scope_and_refuses_any_other_set(tiny):
    assert scoped(tiny, ()) is tiny
    pare = scoped(tiny, ("Pare",))
    assert set(pare.participants["village"].astype(str)) == {"Pare"}
    assert set(pare.budget["village"].astype(str)) == {"Pare"}
    assert len(pare.outcomes) == 7  # Pare's follow-ups only
    kab = scoped(tiny, scope_of(KAB_VILLAGES, tiny.reference))
    assert set(kab.participants["village"].astype(str)) == {"Pare", "Gurah"}
    with pytest.raises(ScopeError):
        scoped(tiny, ("Pare", "Semampir"))


# --- adding a filter is one entry -----------------------------------------------------------------------
def test_adding_a_filter_is_one_registry_entry(tiny, monkeypatch):
    monkeypatch.setattr(flt, "FILTERS", (*FILTERS, STATUS))
    offered = offers(tiny)
    assert offered[-1].spec is STATUS and offered[-1].values == ("Selesai", "Tidak Selesai", "Berjalan")
    chosen, problems = parse_query({"status": ["Berjalan"], "desa": ["Semampir"]}, offered)
    assert chosen == Filters.of(village="Semampir", status="Berjalan") and problems == ()
    assert chosen.describe("en") == ["Village: Semampir", "Status: Berjalan"]
    assert query_of(chosen) == {"desa": "Semampir", "status": "Berjalan"}
    selection = filtered(tiny, chosen)
    assert selection.participants["participant_id"].astype(str).tolist() == ["S07", "S08"]
    assert len(selection.budget) == 2  # status does not apply to the budget: Semampir's lines stay
    assert parse_query({"status": ["Selesai", "Berjalan"]}, offered)[1] == (
        Problem("status", LIST, ("Selesai", "Berjalan")),)


# --- named groups in the reference data -----------------------------------------------------------------
def test_the_kediri_reference_holds_its_named_groups():
    reference = load_reference()
    assert reference.named_groups(SITE_LIST) == (
        NamedGroup("Kabupaten Kediri", "kabupaten/kota", KAB_VILLAGES),
        NamedGroup("Kota Kediri", "kabupaten/kota", ("Semampir",)),
    )
    assert [(g.name, g.members) for g in reference.named_groups(ORGANIZER_LIST)] == [
        ("Kabupaten Kediri", (DINSOS, UPT)), ("Kota Kediri", (DINKOP,))]
    assert [(g.name, g.members[0], g.members[-1]) for g in reference.named_groups(PERIOD_LIST)] == [
        ("2016-2020", "2016", "2020"), ("2021-2025", "2021", "2025")]


def _reference_with(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "reference.toml"
    base = DEFAULT_REFERENCE_FILE.read_text(encoding="utf-8").split("# Named groups")[0]
    path.write_text(base + extra, encoding="utf-8")
    return path


def test_groups_are_optional(tmp_path):
    reference = load_reference(_reference_with(tmp_path, ""))
    assert reference.named_groups(SITE_LIST) == () and reference.named_groups(PERIOD_LIST) == ()


def test_groups_of_different_kinds_may_share_members(tmp_path):
    reference = load_reference(_reference_with(tmp_path, """
[[site_groups]]
name = "Kabupaten Kediri"
kind = "kabupaten/kota"
sites = ["Pare", "Gurah"]

[[site_groups]]
name = "Kecamatan Pare"
kind = "kecamatan"
sites = ["Pare"]
"""))
    assert [g.name for g in reference.named_groups(SITE_LIST)] == ["Kabupaten Kediri", "Kecamatan Pare"]


@pytest.mark.parametrize(("extra", "words"), [
    ("""
[[site_groups]]
name = "Utara"
sites = ["Pare", "Gurah"]

[[site_groups]]
name = "Timur"
sites = ["Gurah", "Keras"]
""", "'Gurah' ada di dua kelompok"),
    ("""
[[site_groups]]
name = "Utara"
sites = ["Pare", "Paree"]
""", "tidak ada di daftar: Paree"),
    ("""
[[organizer_groups]]
name = "Provinsi"
organizers = ["Dinas Sosial Provinsi"]
""", "tidak ada di daftar: Dinas Sosial Provinsi"),
    ("""
[[site_groups]]
name = "Pare"
sites = ["Pare", "Gurah"]
""", "nama 'Pare' di [[site_groups]] sudah dipakai"),
    ("""
[[periods]]
name = "RPJMD I"
first = 2016
last = 2020

[[periods]]
name = "RPJMD II"
first = 2020
last = 2025
""", "'2020' ada di dua kelompok"),
    ("""
[[periods]]
name = "Terbalik"
first = 2025
last = 2021
""", "'first' tidak sesudah 'last'"),
    ("""
[[periods]]
name = "2022"
first = 2022
last = 2022
""", "nama '2022' di [[periods]] sudah dipakai"),
    ("""
[[periods]]
name = "Tanpa akhir"
first = 2021
""", "'first' dan 'last' berupa tahun"),
    ("""
[[site_groups]]
name = "Kosong"
sites = []
""", "perlu nama dan anggota"),
])
def test_a_wrong_group_is_refused_with_words_that_say_what_to_fix(tmp_path, extra, words):
    with pytest.raises(ReferenceDataError) as refused:
        load_reference(_reference_with(tmp_path, extra))
    assert words in str(refused.value)


def test_a_named_group_is_a_frozen_value():
    group = NamedGroup("Kota Kediri", "kabupaten/kota", ("Semampir",))
    with pytest.raises(dataclasses.FrozenInstanceError):
        group.name = "Lain"  # type: ignore[misc]
