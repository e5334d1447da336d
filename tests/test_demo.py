"""The synthetic demo: reproducible, Kediri-shaped, within the data contract, scalable."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from lib.demo import (
    DEMO_DIR,
    KONVEKSI,
    KONVEKSI_FIRST_YEAR,
    KONVEKSI_PACKAGE_IDR,
    REGENCIES_FILE,
    SEMAMPIR,
    demo_tables,
    write_demo,
)
from lib.schema import (
    AGE_RANGE,
    ALL_TABLES,
    BUDGET,
    CATEGORIES,
    ENROLLMENT_KEY,
    FUNDING_SOURCES,
    KEYS,
    OUTCOMES,
    OUTCOMES_TABLE,
    PARTICIPANTS,
    PII_HEADERS,
    ROLES,
    STATUS_ONGOING,
    STATUSES,
    TABLES,
    UNKNOWN,
    WORKING_OUTCOMES,
    Budget,
    Outcomes,
    Participants,
    column_names,
    load_reference,
    normalise_header,
)

TODAY = date(2025, 12, 31)
REFERENCE = load_reference()


def committed(name: str) -> pd.DataFrame:
    """A committed demo file as a user's spreadsheet would read it: text, empty cells as NA."""
    return pd.read_csv(DEMO_DIR / f"{name}.csv", dtype="str", keep_default_na=False).replace("", pd.NA)


@pytest.fixture(scope="module")
def demo() -> dict[str, pd.DataFrame]:
    return {name: committed(name) for name in TABLES}


@pytest.fixture(scope="module")
def generated():
    return demo_tables()


# --- reproducible --------------------------------------------------------------
def test_regenerating_with_the_default_seed_gives_the_committed_files(tmp_path: Path):
    write_demo(tmp_path, demo_tables())
    for name in ALL_TABLES:
        assert (tmp_path / f"{name}.csv").read_bytes() == (DEMO_DIR / f"{name}.csv").read_bytes(), name


def test_another_seed_gives_other_data():
    a, b = demo_tables(seed=1)[PARTICIPANTS], demo_tables(seed=2)[PARTICIPANTS]
    assert not a.equals(b)


def test_the_cli_writes_the_three_files_and_the_targets(tmp_path: Path):
    from lib.demo import main

    main(["--out", str(tmp_path), "--enrollments", "500", "--seed", "7"])
    assert len(pd.read_csv(tmp_path / "participants.csv")) == 500
    assert {p.name for p in tmp_path.iterdir()} == {f"{name}.csv" for name in ALL_TABLES}


# --- within the contract -------------------------------------------------------
@pytest.mark.parametrize("name", TABLES)
def test_headers_are_the_contract_columns_and_none_is_personal(name):
    header = (DEMO_DIR / f"{name}.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == column_names(name)
    assert not {normalise_header(h) for h in header} & PII_HEADERS


def test_regencies_header_is_not_personal():
    header = REGENCIES_FILE.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == ["regency", "province", "lat", "lon"]
    assert not {normalise_header(h) for h in header} & PII_HEADERS


def test_participant_ids_are_pseudonymous_codes(demo):
    ids = demo[PARTICIPANTS][Participants.participant_id]
    assert not ids.str.fullmatch(r"\d{16}").any()
    assert ids.str.fullmatch(r"(KDR|SMP)-\d{4}").all()


@pytest.mark.parametrize("name", TABLES)
def test_required_columns_are_filled(demo, name):
    optional = {Participants.age, Outcomes.monthly_income_idr, Budget.village, Budget.quantity}
    frame = demo[name]
    assert frame.drop(columns=[c for c in frame.columns if c in optional]).notna().all().all()


@pytest.mark.parametrize(("name", "column", "allowed"), [
    (PARTICIPANTS, Participants.role, ROLES),
    (PARTICIPANTS, Participants.status, STATUSES),
    (PARTICIPANTS, Participants.village, REFERENCE.villages),
    (PARTICIPANTS, Participants.program, REFERENCE.programs),
    (PARTICIPANTS, Participants.organizer, REFERENCE.organizers),
    (OUTCOMES_TABLE, Outcomes.outcome, OUTCOMES),
    (OUTCOMES_TABLE, Outcomes.program, REFERENCE.programs),
    (BUDGET, Budget.category, CATEGORIES),
    (BUDGET, Budget.funding_source, FUNDING_SOURCES),
    (BUDGET, Budget.program, REFERENCE.programs),
    (BUDGET, Budget.organizer, REFERENCE.organizers),
    (BUDGET, Budget.village, REFERENCE.villages),
])
def test_values_come_from_their_vocabulary(demo, name, column, allowed):
    assert set(demo[name][column].dropna()) <= set(allowed)


@pytest.mark.parametrize("name", [PARTICIPANTS, OUTCOMES_TABLE])
def test_keys_are_unique(demo, name):
    assert not demo[name].duplicated(list(KEYS[name])).any()


def test_every_follow_up_belongs_to_an_enrollment_and_falls_in_its_window(demo):
    outcomes = demo[OUTCOMES_TABLE]
    keys = demo[PARTICIPANTS][list(ENROLLMENT_KEY)].drop_duplicates()
    assert len(outcomes.merge(keys, on=list(ENROLLMENT_KEY))) == len(outcomes)
    observed = pd.to_datetime(outcomes[Outcomes.observed_on], format="%Y-%m-%d")
    year = outcomes[Outcomes.year].astype(int)
    assert (observed.dt.year >= year).all()
    assert (observed <= pd.Timestamp(TODAY)).all()


def test_numbers_are_within_their_bounds(demo):
    p, o, b = demo[PARTICIPANTS], demo[OUTCOMES_TABLE], demo[BUDGET]
    assert p[Participants.year].astype(int).between(2015, 2025).all()
    age = p[Participants.age].dropna().astype(int)
    assert age.between(18, 55).all() and age.between(*AGE_RANGE).all()
    assert p[Participants.age].isna().any()
    assert (b[[Budget.allocated_idr, Budget.realized_idr]].astype(int) >= 0).all().all()
    income = o[Outcomes.monthly_income_idr].dropna().astype(int)
    assert income.between(500_000, 3_000_000).all()


def test_income_only_for_work_and_for_most_of_it(demo):
    outcomes = demo[OUTCOMES_TABLE]
    working = outcomes[Outcomes.outcome].isin(WORKING_OUTCOMES)
    assert outcomes.loc[~working, Outcomes.monthly_income_idr].isna().all()
    assert outcomes.loc[working, Outcomes.monthly_income_idr].notna().mean() > 0.7


# --- reads like Kediri ---------------------------------------------------------
def test_default_size_is_kediri_sized(generated):
    assert 600 <= len(generated[PARTICIPANTS]) <= 1200


def test_every_outcome_value_appears(demo):
    assert set(demo[OUTCOMES_TABLE][Outcomes.outcome]) == set(OUTCOMES)


def test_one_to_three_follow_ups_per_enrollment_and_none_while_ongoing(demo):
    p, o = demo[PARTICIPANTS], demo[OUTCOMES_TABLE]
    counts = o.groupby(list(ENROLLMENT_KEY)).size()
    assert counts.between(1, 3).all() and (counts == 3).any()
    ongoing = p[p[Participants.status] == STATUS_ONGOING]
    assert ongoing[Participants.year].astype(int).eq(2025).all() and len(ongoing) > 0
    assert p.loc[p[Participants.year] == "2025", Participants.status].eq(STATUS_ONGOING).all()
    assert not o.merge(ongoing[list(ENROLLMENT_KEY)], on=list(ENROLLMENT_KEY)).shape[0]


def test_sites_programs_and_organizers_match_the_two_departments(demo):
    p = demo[PARTICIPANTS]
    semampir = p[p[Participants.village] == SEMAMPIR]
    regency = p[p[Participants.village] != SEMAMPIR]
    assert set(semampir[Participants.program]) == {KONVEKSI}
    assert set(semampir[Participants.organizer]) == {"Dinas Koperasi dan UMKM Kota Kediri"}
    assert set(semampir[Participants.role]) == {"WPS", "Mucikari", "Warga Terdampak"}
    assert set(regency[Participants.program]) == {"Tata Rias", "Tata Boga", "Tata Busana"}
    assert set(regency[Participants.organizer]) == {"Dinas Sosial Kabupaten Kediri", "UPT RSBKW Kediri"}
    assert set(regency[Participants.role]) == {"WPS", "Pemilik Wisma"}
    assert set(regency[Participants.village]) == set(REFERENCE.villages) - {SEMAMPIR}
    cohorts = semampir.groupby(Participants.year).size()
    assert cohorts.between(20, 30).all()


def test_most_wps_are_migrants_and_a_few_origins_unknown(demo):
    p = demo[PARTICIPANTS]
    wps = p[p[Participants.role] == "WPS"]
    site_regency = wps[Participants.village].map(REFERENCE.sites)
    known = wps[Participants.origin_regency] != UNKNOWN
    assert (wps.loc[known, Participants.origin_regency] != site_regency[known]).mean() > 0.7
    assert 0 < (~known).mean() < 0.1
    assert (wps[Participants.origin_province] != "Jawa Timur").any()


def test_some_people_enrolled_twice_under_one_code(demo):
    p = demo[PARTICIPANTS]
    twice = p[p.duplicated(Participants.participant_id, keep=False)]
    assert twice[Participants.participant_id].nunique() >= 10
    # the same person keeps role and origin across enrollments
    per_person = twice.groupby(Participants.participant_id)[[Participants.role, Participants.origin_regency]]
    assert (per_person.nunique() == 1).all().all()


def test_some_groups_fall_under_the_privacy_threshold(demo):
    p = demo[PARTICIPANTS]
    assert p.groupby([Participants.village, Participants.year]).size().between(1, 4).any()
    assert p.groupby([Participants.village, Participants.role]).size().between(1, 4).any()


def test_origins_come_from_the_regency_file(demo):
    regs = pd.read_csv(REGENCIES_FILE)
    assert (regs["province"] == "Jawa Timur").sum() == 38
    assert regs["regency"].str.match(r"(Kabupaten|Kota) ").all() and regs["regency"].is_unique
    assert regs["lat"].between(-9, -5).all() and regs["lon"].between(105, 115).all()
    origins = set(demo[PARTICIPANTS][Participants.origin_regency]) - {UNKNOWN}
    assert origins <= set(regs["regency"])


# --- budget --------------------------------------------------------------------
def budget_numbers(demo) -> pd.DataFrame:
    b = demo[BUDGET]
    return b.assign(**{c: b[c].astype(int) for c in (Budget.year, Budget.allocated_idr, Budget.realized_idr)})


def test_exactly_one_line_is_realised_above_its_allocation(demo):
    b = budget_numbers(demo)
    assert (b[Budget.realized_idr] > b[Budget.allocated_idr]).sum() == 1
    rate = b[Budget.realized_idr] / b[Budget.allocated_idr]
    assert rate.between(0.8, 1.0).mean() > 0.8


def test_village_less_and_unattributed_lines_exist(demo):
    b, p = budget_numbers(demo), demo[PARTICIPANTS]
    assert b[Budget.village].isna().any() and b[Budget.village].notna().any()
    enrolled = set(p[[Participants.year, Participants.program, Participants.organizer]]
                   .astype({Participants.year: int}).itertuples(index=False, name=None))
    groups = b[[Budget.year, Budget.program, Budget.organizer]].itertuples(index=False, name=None)
    assert any(g not in enrolled for g in groups)


def test_every_category_and_every_enrolled_training_has_lines(demo):
    b, p = budget_numbers(demo), demo[PARTICIPANTS]
    assert set(b[Budget.category]) == set(CATEGORIES)
    budgeted = set(b[[Budget.year, Budget.program, Budget.organizer]].itertuples(index=False, name=None))
    enrolled = p[[Participants.year, Participants.program, Participants.organizer]].astype({Participants.year: int})
    assert set(enrolled.itertuples(index=False, name=None)) <= budgeted


def test_the_first_konveksi_budget_is_125_million_with_26_machines_of_12_kinds(demo):
    b = budget_numbers(demo)
    package = b[(b[Budget.year] == KONVEKSI_FIRST_YEAR) & (b[Budget.program] == KONVEKSI)]
    assert package[Budget.allocated_idr].sum() == KONVEKSI_PACKAGE_IDR == 125_000_000
    machines = package[package[Budget.item].str.startswith("Mesin")]
    assert machines[Budget.item].nunique() == 12
    assert machines[Budget.quantity].astype(int).sum() == 26
    assert {"Mesin jahit high speed", "Mesin potong kain", "Mesin bordir komputer", "Mesin obras benang 4"} \
        <= set(machines[Budget.item])
    assert {"Meja potong", "Meja jahit"} <= set(package[Budget.item])
    assert (package[Budget.category] == "Bahan").any()
    assert set(package[Budget.funding_source]) == {"APBD Kota"}


@pytest.mark.parametrize(("organizer", "source"), [
    ("Dinas Sosial Kabupaten Kediri", "APBD Kabupaten"),
    ("Dinas Koperasi dan UMKM Kota Kediri", "APBD Kota"),
    ("UPT RSBKW Kediri", "APBD Provinsi"),
])
def test_each_organizer_spends_its_own_budget(demo, organizer, source):
    b = demo[BUDGET]
    assert set(b.loc[b[Budget.organizer] == organizer, Budget.funding_source]) == {source}


# --- scaled and dated runs -----------------------------------------------------
def test_a_scaled_run_keeps_the_shape(generated):
    big = demo_tables(enrollments=10_000)
    p, o, b = big[PARTICIPANTS], big[OUTCOMES_TABLE], big[BUDGET]
    assert len(p) == 10_000
    assert 2.0 <= len(o) / len(p) <= 3.0
    assert not p.duplicated(list(ENROLLMENT_KEY)).any()
    assert not o.duplicated(list(KEYS[OUTCOMES_TABLE])).any()
    small = generated[PARTICIPANTS]
    for column in (Participants.village, Participants.program, Participants.year):
        assert set(p[column]) == set(small[column])
    ratio = len(b) / len(generated[BUDGET])
    assert 8 <= ratio <= 14  # about 10,000 / 888 copies of every training's lines
    assert not p[Participants.participant_id].str.fullmatch(r"\d{16}").any()


def test_an_earlier_today_ends_the_data_there():
    today = date(2022, 6, 30)
    tables = demo_tables(today=today)
    p, o, b = tables[PARTICIPANTS], tables[OUTCOMES_TABLE], tables[BUDGET]
    assert p[Participants.year].max() == 2022 and b[Budget.year].max() == 2022
    assert (o[Outcomes.observed_on] <= pd.Timestamp(today)).all()
    assert set(p.loc[p[Participants.year] == 2022, Participants.status]) == {STATUS_ONGOING}


def test_a_reference_without_the_kediri_sites_is_refused():
    from dataclasses import replace

    other = replace(REFERENCE, sites={"Dolly": "Kota Surabaya"})
    with pytest.raises(ValueError, match="Semampir"):
        demo_tables(reference=other)


# --- the loader accepts it -----------------------------------------------------
def test_the_committed_demo_loads_without_problems():
    loading = pytest.importorskip("lib.loading", reason="the loader is not in this checkout yet")
    dataset = loading.load_folder(DEMO_DIR, REFERENCE)
    assert len(dataset.participants) == len(committed(PARTICIPANTS))
    assert len(dataset.outcomes) == len(committed(OUTCOMES_TABLE))
    assert len(dataset.budget) == len(committed(BUDGET))


@pytest.mark.parametrize("enrollments", [0, -5])
def test_a_size_below_one_is_refused(enrollments):
    with pytest.raises(ValueError, match="enrollments"):
        demo_tables(enrollments=enrollments)
