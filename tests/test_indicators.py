"""Each indicator of the definitions, on the canonical dataset, computed by hand."""

from __future__ import annotations

from dataclasses import replace


import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib import indicators as ind
from lib.filters import Filters, filtered, scoped
from lib.prepare import attributed_budget, latest_outcomes
from lib.schema import (
    BUDGET,
    BUDGET_SHARE,
    OUTCOMES,
    OUTCOMES_TABLE,
    PARTICIPANTS,
    ROLES,
    SHARE_DIRECT,
    SHARE_SHARED,
    SHARE_UNATTRIBUTED,
    STATUSES,
    Dataset,
    typed_frame,
)
from tests.conftest import B_COLS, O_COLS, P_COLS, TEST_RULES, prepare_for_tests, tiny_dataset


@pytest.fixture
def ready(tiny):
    return prepare_for_tests(tiny)


def _row(table: pd.DataFrame, **where) -> pd.Series:
    mask = np.ones(len(table), dtype=bool)
    for col, value in where.items():
        mask &= (table[col].astype("object") == value).to_numpy()
    assert mask.sum() == 1, f"expected one row for {where}, found {mask.sum()}"
    return table[mask].iloc[0]


# --- participation -----------------------------------------------------------
@pytest.mark.parametrize(
    "village, enrollments, participants, completed, base, rate",
    [
        # Pare: A01 twice (two programs), A03 dropped out
        ("Pare", 6, 5, 5, 6, 5 / 6),
        ("Gurah", 2, 2, 1, 2, 0.5),
        # Semampir: S07, S08 ongoing are left out of the rate
        ("Semampir", 8, 8, 5, 6, 5 / 6),
    ],
)
def test_participation_by_village(ready, village, enrollments, participants, completed, base, rate):
    row = _row(ind.participation(ready.participants, ["village"]), village=village)
    assert (row.enrollments, row.participants, row.completed, row.completion_base) == (
        enrollments, participants, completed, base)
    assert row.completion_rate == pytest.approx(rate)


def test_participation_total(ready):
    total = ind.participation(ready.participants).iloc[0]
    assert (total.enrollments, total.participants) == (16, 15)
    # origin known for all but A05; migrants: A01 x2, A02, B01, B02, S01, S05, S06 and A05 is unknown
    assert (total.origin_known, total.migrants) == (15, 9)
    assert total.migrant_share == pytest.approx(9 / 15)


def test_migrant_is_relative_to_the_sites_regency(ready):
    # S05 comes from Kabupaten Kediri but trains in Semampir (Kota Kediri): a migrant.
    # S02 comes from Kota Kediri and trains there: local.
    rows = ready.participants.set_index("participant_id")
    assert rows.loc["S05", "origin_type"] == "Pendatang"
    assert rows.loc["S02", "origin_type"] == "Lokal"
    assert rows.loc["A05", "origin_type"] == "Tidak Diketahui"


def test_rates_are_none_not_zero_on_an_empty_denominator(ready):
    only_ongoing = ready.participants[ready.participants["status"] == "Berjalan"]
    row = ind.participation(only_ongoing).iloc[0]
    assert row.completion_base == 0
    assert pd.isna(row.completion_rate)
    out = ind.outcome_summary(only_ongoing).iloc[0]
    assert out.followed_up == 0 and pd.isna(out.working_rate) and pd.isna(out.median_income)


def test_empty_selection_gives_zero_counts_and_no_rates(ready):
    none = ready.participants.iloc[0:0]
    total = ind.summary(none, ready.budget.iloc[0:0]).iloc[0]
    assert total.enrollments == 0 and total.participants == 0
    assert pd.isna(total.completion_rate) and pd.isna(total.cost_per_participant)
    assert ind.participation(none, ["village"]).empty


# --- outcomes ----------------------------------------------------------------
def test_latest_outcome_is_the_latest_observation(tiny):
    latest = latest_outcomes(tiny.outcomes).set_index(["participant_id", "year"])
    # A01 2020: Belum Bekerja in 2021, Bekerja in 2022 -> Bekerja
    assert latest.loc[("A01", 2020), "outcome"] == "Bekerja"
    assert len(latest) == 12


@pytest.mark.parametrize(
    "village, followed, working, relapsed, returned, income_n, median",
    [
        # Pare: A05's only outcome is Tidak Diketahui -> not followed up
        ("Pare", 5, 3, 1, 1, 2, 2_000_000),
        ("Gurah", 1, 1, 0, 0, 1, 1_000_000),
        # Semampir: S05, S07, S08 never followed up; S01 Magang, S04 Belum Bekerja
        ("Semampir", 5, 3, 0, 0, 3, 2_000_000),
    ],
)
def test_outcome_summary_by_village(ready, village, followed, working, relapsed, returned, income_n, median):
    row = _row(ind.outcome_summary(ready.participants, ["village"]), village=village)
    assert (row.followed_up, row.working, row.relapsed, row.returned_home, row.income_reported) == (
        followed, working, relapsed, returned, income_n)
    assert row.working_rate == pytest.approx(working / followed)
    assert row.relapse_rate == pytest.approx(relapsed / followed)
    assert row.median_income == median


def test_outcome_mix_shares_of_latest_outcomes(ready):
    mix = ind.outcome_mix(ready.participants, ["village"])
    pare = mix[mix["village"] == "Pare"].set_index("outcome")
    assert list(pare.index) == list(OUTCOMES)  # every value, in vocabulary order
    assert pare["outcome_total"].unique().tolist() == [6]  # Tidak Diketahui counts here
    assert pare.loc["Tidak Diketahui", "outcome_count"] == 1
    assert pare["outcome_share"].sum() == pytest.approx(1.0)


def test_funnel_stages(ready):
    stages = ind.funnel(ready.participants).set_index("stage")["count"].tolist()
    assert stages == [16, 11, 11, 7]


def test_income_bands_count_people_not_incomes(ready):
    bands = ind.income_bands(ready.participants).set_index("band")["count"]
    # incomes of latest working outcomes: 1.5 jt, 2.5 jt, 1.0 jt, 2.0 jt, 3.0 jt, 1.2 jt
    assert bands.tolist() == [0, 3, 2, 1]


# --- budget ------------------------------------------------------------------
def test_attributed_budget_shares_and_keeps_the_total(tiny):
    # Every village of the tiny data has fewer than k enrollments per (year, program, organizer):
    # nothing is published to share a village-less line by, so those lines stay unattributed.
    out = attributed_budget(tiny.budget, prepare_for_tests(tiny).participants, TEST_RULES)
    assert out["allocated_idr"].sum() == tiny.budget["allocated_idr"].sum()
    assert out["realized_idr"].sum() == tiny.budget["realized_idr"].sum()
    shares = out.groupby(BUDGET_SHARE, observed=True)["allocated_idr"].sum()
    assert shares[SHARE_DIRECT] == 135_000_000
    assert SHARE_SHARED not in shares.index or shares[SHARE_SHARED] == 0
    assert shares[SHARE_UNATTRIBUTED] == 13_000_000
    assert out[out[BUDGET_SHARE] == SHARE_UNATTRIBUTED]["village"].isna().all()


def _enrolled(village: str, n: int, organizer: str = "Dinas Sosial Kabupaten Kediri") -> list[tuple]:
    return [(f"{village[:2]}{i:03d}", 2020, "Tata Rias", village, organizer, "WPS", "X", "Y", None, "Selesai")
            for i in range(n)]


def test_village_less_line_is_shared_in_proportion_to_published_enrollments(reference):
    rows = [*_enrolled("Pare", 15), *_enrolled("Gurah", 10),
            *_enrolled("Keras", 3),  # hidden (<5): takes no share, so no amount gives its 3 away
            # another organizer's enrollments do not take part in the share
            *_enrolled("Wates", 20, "UPT RSBKW Kediri")]
    budget = pd.DataFrame(
        [(2020, "Tata Rias", "Dinas Sosial Kabupaten Kediri", None, "Bahan", "Bahan", None, 10_000_000, 5_000_000,
          "APBD Kabupaten")], columns=B_COLS)
    data = prepare_for_tests(replace(tiny_dataset(reference),
                                     participants=typed_frame(PARTICIPANTS, pd.DataFrame(rows, columns=P_COLS), reference),
                                     outcomes=tiny_dataset(reference).outcomes.iloc[0:0],
                                     budget=typed_frame(BUDGET, budget, reference)))
    out = attributed_budget(data.budget.iloc[0:0], data.participants, TEST_RULES)  # empty stays empty
    assert out.empty
    out = attributed_budget(typed_frame(BUDGET, budget, reference), data.participants, TEST_RULES).set_index("village")
    # 15 and 10 are multiples of b = 5: published as they are, so the shares are 15/25 and 10/25.
    assert out.loc["Pare", "allocated_idr"] == 6_000_000
    assert out.loc["Gurah", "allocated_idr"] == 4_000_000
    assert out.loc["Gurah", "realized_idr"] == 2_000_000
    assert "Keras" not in out.index and "Wates" not in out.index


def test_budget_summary_and_absorption(ready):
    total = ind.budget_summary(ready.budget).iloc[0]
    assert (total.allocated_idr, total.realized_idr) == (148_000_000, 145_000_000)
    assert total.absorption_rate == pytest.approx(145 / 148)
    by_village = ind.budget_summary(ready.budget, ["village"])
    # sum over villages plus the unattributed part equals the total
    assert by_village["allocated_idr"].sum() == 148_000_000
    assert by_village["village"].isna().sum() == 1


def test_absorption_is_none_when_nothing_allocated(reference):
    budget = typed_frame(BUDGET, pd.DataFrame(
        [(2020, "Tata Rias", "Dinas Sosial Kabupaten Kediri", "Pare", "Bahan", "Bahan", None, 0, 0, "APBD Kabupaten")],
        columns=B_COLS), reference)
    assert pd.isna(ind.budget_summary(budget).iloc[0].absorption_rate)


def test_cost_per_participant_and_per_working(ready):
    cost = ind.cost_summary(ready.participants, ready.budget, ["village"])
    pare = _row(cost, village="Pare")
    # Pare realised: 9 jt direct (the 4 jt village-less line has no published enrollment to share by);
    # 5 people; 3 working (raw figures: publishing divides by the published counts)
    assert pare.realized_idr == 9_000_000
    assert pare.cost_per_participant == pytest.approx(9_000_000 / 5)
    assert pare.cost_per_working == pytest.approx(9_000_000 / 3)
    with pytest.raises(ValueError):
        ind.cost_summary(ready.participants, ready.budget, ["role"])


def test_summary_total_matches_parts(ready):
    total = ind.summary(ready.participants, ready.budget).iloc[0]
    assert total.cost_per_participant == pytest.approx(145_000_000 / 15)
    assert total.cost_per_working == pytest.approx(145_000_000 / 7)


# --- filters -----------------------------------------------------------------
def test_filters_apply_to_the_tables_they_name(ready):
    by_role = filtered(ready, Filters.of(role="Mucikari"))
    assert len(by_role.participants) == 1
    # role does not apply to the budget
    assert len(by_role.budget) == len(ready.budget)
    pare = filtered(ready, Filters.of(village="Pare", year=2020))
    assert set(pare.participants["village"].astype(str)) == {"Pare"}
    assert pare.budget["allocated_idr"].sum() == 10_000_000  # direct only: nothing published to share by
    assert set(pare.outcomes["participant_id"]) == {"A01", "A02", "A03", "A04", "A05"}


def test_village_scope_cannot_reach_other_villages(ready):
    limited = scoped(ready, ("Gurah",))
    assert set(limited.participants["village"].astype(str)) == {"Gurah"}
    assert set(limited.budget["village"].astype(str)) <= {"Gurah"}  # Gurah's small count takes no share
    # a filter asking for another village inside the scope finds nothing
    assert filtered(limited, Filters.of(village="Pare")).participants.empty


def test_filters_label_and_description():
    f = Filters.of(year="2021-2025", village="Kabupaten Kediri")
    assert f.label() == "2021-2025_Kabupaten Kediri"
    assert f.describe() == ["Tahun: 2021-2025", "Desa/kelurahan: Kabupaten Kediri"]
    assert Filters().label() == "semua"


# --- properties --------------------------------------------------------------
VILLAGES = ["Pare", "Gurah", "Semampir", "Wates"]
PROGRAMS = ["Tata Rias", "Tata Boga", "Konveksi"]


@st.composite
def datasets(draw) -> Dataset:
    from lib.schema import load_reference

    reference = load_reference()
    n = draw(st.integers(0, 40))
    rows = []
    for i in range(n):
        village = draw(st.sampled_from(VILLAGES))
        rows.append((
            f"P{draw(st.integers(0, 25)):03d}", draw(st.integers(2018, 2022)), draw(st.sampled_from(PROGRAMS)),
            village, "Dinas Sosial Kabupaten Kediri", draw(st.sampled_from(ROLES)),
            draw(st.sampled_from(["Kabupaten Kediri", "Kota Kediri", "Kabupaten Blitar", "Tidak Diketahui"])),
            "Jawa Timur", None, draw(st.sampled_from(STATUSES)),
        ))
    participants = pd.DataFrame(rows, columns=P_COLS).drop_duplicates(["participant_id", "year", "program"])
    outcome_rows = []
    for rec in participants.itertuples(index=False):
        for day in range(draw(st.integers(0, 2))):
            outcome_rows.append((rec.participant_id, rec.year, rec.program, f"{rec.year + 1}-0{day + 1}-01",
                                 draw(st.sampled_from(OUTCOMES)),
                                 draw(st.one_of(st.none(), st.integers(0, 5_000_000)))))
    outcomes = pd.DataFrame(outcome_rows, columns=O_COLS).assign(observed_on=lambda f: pd.to_datetime(f["observed_on"]))
    budget_rows = [
        (draw(st.integers(2018, 2022)), draw(st.sampled_from(PROGRAMS)), "Dinas Sosial Kabupaten Kediri",
         draw(st.sampled_from([None, *VILLAGES])), "Bahan", "x", None,
         draw(st.integers(0, 10**9)), draw(st.integers(0, 10**9)), "APBD Kabupaten")
        for _ in range(draw(st.integers(0, 8)))
    ]
    budget = pd.DataFrame(budget_rows, columns=B_COLS)
    return Dataset(typed_frame(PARTICIPANTS, participants, reference),
                   typed_frame(OUTCOMES_TABLE, outcomes, reference),
                   typed_frame(BUDGET, budget, reference), reference)


DIMS = st.sampled_from([["village"], ["program"], ["role"], ["year"], ["village", "year"], ["origin_type"]])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=datasets(), by=DIMS)
def test_breakdowns_sum_to_totals_and_rates_stay_in_range(data, by):
    ready = prepare_for_tests(data)
    parts = ind.summary(ready.participants, ready.budget, by)
    total = ind.summary(ready.participants, ready.budget).iloc[0]
    for count in ("enrollments", "completed", "completion_base", "followed_up", "working", "relapsed",
                  "returned_home", "migrants", "origin_known", "income_reported"):
        assert parts[count].sum() == total[count]
    if set(by) <= ind.BUDGET_DIMS:
        unattributed = ready.budget[ready.budget["village"].isna()]["allocated_idr"].sum() if "village" in by else 0
        assert parts["allocated_idr"].sum() + unattributed == pytest.approx(data.budget["allocated_idr"].sum())
    for rate in ("completion_rate", "migrant_share", "working_rate", "relapse_rate"):
        values = pd.concat([parts[rate], pd.Series([total[rate]])]).dropna()
        assert ((values >= 0) & (values <= 1)).all()
    mix = ind.outcome_mix(ready.participants, by)
    if len(mix):
        sums = mix.groupby(list(by), observed=True)["outcome_share"].sum()
        assert np.allclose(sums, 1.0)


def _summary_joined_by_hand(ready: Dataset, by: list[str]) -> pd.DataFrame:
    """summary's definition spelled out: the people figures beside budget_summary, per group of either (sorted),
    budget groups with a missing key left out, a group found on one side only reading 0 people and Rp 0."""
    people = ind.participation(ready.participants, by)
    outcomes = ind.outcome_summary(ready.participants, by)
    people = pd.concat([people, outcomes.drop(columns=by)], axis=1)
    money = ind.budget_summary(ready.budget, by)
    if by:
        money = money[money[by].notna().all(axis=1)].astype({c: ready.participants[c].dtype for c in by})
        joined = people.merge(money, on=by, how="outer", sort=True)  # in the order of each key's categories
    else:
        joined = pd.concat([people, money], axis=1)
    amounts_and_counts = joined.columns.difference([*by, *ind.RATES, "median_income", "absorption_rate"])
    joined = joined.fillna({c: 0 for c in amounts_and_counts})
    realized = joined["realized_idr"].to_numpy(dtype="float64")
    for name, base in (("cost_per_participant", "participants"), ("cost_per_working", "working")):
        base = joined[base].to_numpy(dtype="float64")
        joined[name] = np.where(base > 0, realized / np.where(base > 0, base, 1), np.nan)
    return joined


def _assert_summary_by_hand(ready: Dataset, by: list[str]) -> None:
    out = ind.summary(ready.participants, ready.budget, by)
    expected = _summary_joined_by_hand(ready, by)
    assert [out[c].astype("object").tolist() for c in by] == [expected[c].tolist() for c in by]
    for c in expected.columns.difference(by):
        assert np.array_equal(out[c].to_numpy(dtype="float64", na_value=np.nan),
                              expected[c].to_numpy(dtype="float64", na_value=np.nan), equal_nan=True), c


@pytest.mark.parametrize("by", [[], ["village"], ["program"], ["year"], ["year", "village"]])
def test_summary_is_people_beside_money_in_every_group_of_either(ready, by):
    # By year the canonical data has as many years of budget (2019-2021) as of enrollments (2020-2022), not the same.
    _assert_summary_by_hand(ready, by)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=datasets(), by=st.sampled_from([[], ["village"], ["program"], ["year"], ["year", "village"],
                                            ["year", "program", "organizer", "village"]]))
def test_summary_by_budget_dimensions_is_people_beside_money_in_every_group_of_either(data, by):
    _assert_summary_by_hand(prepare_for_tests(data), by)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=datasets(), by=DIMS)
def test_no_function_mutates_its_inputs(data, by):
    before = {name: data.table(name).copy(deep=True) for name in (PARTICIPANTS, OUTCOMES_TABLE, BUDGET)}
    ready = prepare_for_tests(data)
    snapshot = (ready.participants.copy(deep=True), ready.budget.copy(deep=True))
    ind.summary(ready.participants, ready.budget, by)
    ind.outcome_mix(ready.participants, by)
    ind.funnel(ready.participants, by)
    ind.income_bands(ready.participants, by)
    filtered(ready, Filters.of(village="Pare", year="2016-2020"))
    for name, frame in before.items():
        pd.testing.assert_frame_equal(data.table(name), frame)
    pd.testing.assert_frame_equal(ready.participants, snapshot[0])
    pd.testing.assert_frame_equal(ready.budget, snapshot[1])


def test_canonical_dataset_is_stable():
    # the fixture other tests rely on: a change here must be deliberate
    data = tiny_dataset()
    assert (len(data.participants), len(data.outcomes), len(data.budget)) == (16, 13, 6)
