"""Consistent protection of every count (privacy.md): keys, cell keys, rounding, and the figures made from counts."""

from __future__ import annotations

import os
import stat
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib import keys, privacy
from lib.filters import filtered
from lib.indicators import indicator_table
from lib.keys import KEY_MODULUS, installation_secret, person_keys, record_keys
from lib.privacy import (
    BASE_HIDDEN,
    BASE_SMALL,
    NUMERATOR_HIDDEN,
    SMALL,
    MissingKeyError,
    NotPublishedError,
    Rules,
    dimension_columns,
    hidden_reasons,
    key_column,
    privacy_note,
    publishable,
    rounded_counts,
)
from tests.conftest import TEST_RULES, TEST_SECRET, prepare_for_tests

RULES = Rules(k=5, b=5)


def _publish(raw: pd.DataFrame, rules: Rules = RULES) -> pd.DataFrame:
    return publishable(raw, dimension_columns(raw), rules)


# --- the rounding rule -------------------------------------------------------------
def test_zero_is_zero_small_is_hidden_multiples_of_b_stay():
    values, reasons = rounded_counts(np.array([0, 1, 4, 5, 10, 25]), np.zeros(6), RULES)
    assert values[0] == 0 and reasons[0] == ""
    assert np.isnan(values[1:3]).all() and list(reasons[1:3]) == [SMALL, SMALL]
    assert list(values[3:]) == [5, 10, 25]


@pytest.mark.parametrize("n, key_fraction, expected", [
    (12, 0.0, 15), (12, 0.39, 15), (12, 0.41, 10), (12, 0.99, 10),  # up two times in five
    (6, 0.19, 10), (6, 0.21, 5), (7, 0.39, 10), (7, 0.41, 5),       # one, two times in five
    (9, 0.79, 10), (9, 0.81, 5),
])
def test_the_cell_key_decides_the_direction_with_odds_by_closeness(n, key_fraction, expected):
    values, _ = rounded_counts(np.array([n]), np.array([int(key_fraction * KEY_MODULUS)]), RULES)
    assert values[0] == expected


@settings(deadline=None, max_examples=200)
@given(n=st.integers(0, 100_000), key=st.integers(0, KEY_MODULUS - 1), k=st.integers(2, 12), b=st.integers(2, 12))
def test_published_count_is_never_small_and_within_b_of_the_truth(n, key, k, b):
    if b > k:
        b, k = k, b
    rules = Rules(k=k, b=b)
    values, reasons = rounded_counts(np.array([n]), np.array([key]), rules)
    value = values[0]
    if 1 <= n < k:
        assert np.isnan(value) and reasons[0] == SMALL
    else:
        assert value % b == 0 and abs(value - n) < b and (value > 0) == (n > 0)


@pytest.mark.parametrize("n", [5, 6, 7, 8, 9, 12, 23, 101])
def test_rounding_is_unbiased_over_uniform_cell_keys(n):
    # Cell keys are sums of keyed hashes modulo KEY_MODULUS: spread evenly over its range.
    cell_keys = np.arange(0, KEY_MODULUS, 997)
    values, _ = rounded_counts(np.full(len(cell_keys), n), cell_keys, RULES)
    assert values.mean() == pytest.approx(n, abs=0.01)


def test_rules_are_checked():
    with pytest.raises(ValueError):
        Rules(k=1, b=1)
    with pytest.raises(ValueError):
        Rules(k=5, b=6)  # would round 5 down to 0
    with pytest.raises(ValueError):
        Rules(k=5, b=1)  # exact counts: one subtraction gives a hidden one back


def test_settings_read_k_and_b(monkeypatch):
    from lib import settings

    monkeypatch.setenv("DASBOR_PRIVACY_K", "10")
    monkeypatch.setenv("DASBOR_PRIVACY_B", "3")
    assert settings.privacy_rules() == Rules(k=10, b=3)
    monkeypatch.setenv("DASBOR_PRIVACY_B", "11")
    with pytest.raises(ValueError):
        settings.privacy_rules()


# --- keys ----------------------------------------------------------------------------
def test_keys_depend_on_the_codes_and_the_secret_only():
    ids = pd.Series(["A01", "B02", "A01", "C03"])
    years = pd.Series([2020, 2021, 2021, 2020])
    programs = pd.Series(["Tata Rias", "Konveksi", "Tata Rias", "Tata Boga"])
    first = record_keys(ids, years, programs, TEST_SECRET)
    # The same codes re-imported in another order and another dtype get the same keys.
    order = [3, 1, 0, 2]
    again = record_keys(ids[order].astype("category").reset_index(drop=True),
                        years[order].astype("Int64").reset_index(drop=True),
                        programs[order].astype("category").reset_index(drop=True), TEST_SECRET)
    assert list(again) == list(first[order])
    assert first[0] != first[2]  # one person, two enrollments: two record keys
    people = person_keys(ids, TEST_SECRET)
    assert people[0] == people[2] and len(set(people)) == 3
    assert list(record_keys(ids, years, programs, b"another-installation-secret-0000")) != list(first)
    assert ((0 <= first) & (first < KEY_MODULUS)).all()


def test_installation_secret_is_created_once_private_and_shared(tmp_path):
    with ThreadPoolExecutor(8) as pool:
        secrets = list(pool.map(lambda _: installation_secret(tmp_path), range(16)))
    assert len(set(secrets)) == 1 and len(secrets[0]) == 32
    path = tmp_path / "secrets" / "installation.key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert installation_secret(tmp_path, keys.DEMO_SECRET) != secrets[0]  # the demo has its own
    assert sorted(p.name for p in path.parent.iterdir()) == ["demo.key", "installation.key"]


# --- publishing ------------------------------------------------------------------------
def _table(**columns) -> pd.DataFrame:
    return pd.DataFrame(columns)


def test_rates_come_from_published_counts_and_need_a_base_of_2b():
    raw = _table(village=["A", "B", "C", "D", "E"],
                 followed_up=pd.array([12, 9, 3, 30, 0], dtype="Int64"),
                 working=pd.array([6, 6, 0, 2, 0], dtype="Int64"),
                 working_rate=[0.5, 2 / 3, 0.0, 2 / 30, np.nan])
    raw[key_column("followed_up")] = 0  # every count rounds up: 12 -> 15, 9 -> 10, 6 -> 10
    raw[key_column("working")] = 0
    pub = _publish(raw)
    reasons = hidden_reasons(pub)
    assert pub["followed_up"].tolist()[:2] == [15, 10]
    assert pub["working_rate"].iloc[0] == pytest.approx(10 / 15)  # published over published
    assert pub["working_rate"].iloc[1] == 1.0                    # 10 / 10
    assert reasons["followed_up"].iloc[2] == SMALL and reasons["working_rate"].iloc[2] == BASE_HIDDEN
    assert reasons["working"].iloc[3] == SMALL and reasons["working_rate"].iloc[3] == NUMERATOR_HIDDEN
    assert reasons["working_rate"].iloc[4] == "" and pd.isna(pub["working_rate"].iloc[4])  # none, not hidden
    raw.loc[0, "followed_up"] = 8  # published 10 at most: a base below 2b hides its rate
    raw.loc[0, key_column("followed_up")] = KEY_MODULUS - 1  # rounds down to 5
    again = _publish(raw)
    assert hidden_reasons(again)["working_rate"].iloc[0] in (BASE_SMALL, NUMERATOR_HIDDEN)


def test_a_rate_never_reads_above_100_percent():
    raw = _table(v=["A"], followed_up=pd.array([12], dtype="Int64"), working=pd.array([12], dtype="Int64"),
                 working_rate=[1.0])
    raw[key_column("followed_up")] = KEY_MODULUS - 1  # 12 -> 10
    raw[key_column("working")] = 0                    # 12 -> 15
    assert _publish(raw)["working_rate"].iloc[0] == 1.0


def test_medians_and_amounts_per_person_rest_on_published_counts():
    raw = _table(v=["A", "B"], income_reported=pd.array([12, 7], dtype="Int64"),
                 median_income=[1_630_000.0, 2_000_000.0],
                 participants=pd.array([12, 7], dtype="Int64"), working=pd.array([12, 7], dtype="Int64"),
                 realized_idr=[12_000_000.0, 7_000_000.0], cost_per_participant=[1_000_000.0, 1_000_000.0],
                 cost_per_working=[1_000_000.0, 1_000_000.0])
    for count in ("income_reported", "participants", "working"):
        raw[key_column(count)] = 0  # 12 -> 15, 7 -> 10
    pub = _publish(raw)
    assert pub["median_income"].iloc[0] == 1_650_000  # nearest Rp 50.000
    assert pub["cost_per_participant"].iloc[0] == pytest.approx(12_000_000 / 15)
    assert pub["realized_idr"].iloc[1] == 7_000_000  # money is not people: exact
    assert pub["cost_per_participant"].iloc[1] == pytest.approx(7_000_000 / 10)


def test_a_count_without_its_cell_key_cannot_be_published():
    with pytest.raises(MissingKeyError):
        _publish(_table(v=["A"], enrollments=pd.array([7], dtype="Int64")))


def test_keys_never_leave_and_reasons_are_codes_not_words(tiny):
    pub = _publish(indicator_table(prepare_for_tests(tiny), "summary", ["village"]))
    assert not [c for c in pub.columns if c.endswith(privacy.KEY_SUFFIX)]
    codes = set(hidden_reasons(pub).to_numpy().ravel())
    assert codes <= {"", *privacy.REASONS}
    with pytest.raises(NotPublishedError):
        hidden_reasons(pub.drop(columns=[privacy.reason_column("enrollments")]))
    notes = privacy_note(hidden_reasons(pub), TEST_RULES, "en")
    assert any("Enrollments <5 hidden" in n for n in notes)
    assert any("Pendaftaran <5 disembunyikan" in n for n in privacy_note(hidden_reasons(pub), TEST_RULES, "id"))


# --- the same people, the same number, everywhere ---------------------------------------
@pytest.fixture(scope="module")
def demo_ready():
    from lib.demo import DEMO_DIR
    from lib.loading import load_folder
    from lib.schema import load_reference

    return prepare_for_tests(load_folder(DEMO_DIR, load_reference(), label="demo", is_demo=True))


def _value(pub: pd.DataFrame, column: str, **where) -> object:
    rows = pub
    for key, value in where.items():
        rows = rows[rows[key].astype(str) == str(value)]
    assert len(rows) == 1, where
    return rows[column].iloc[0]


def test_one_group_one_number_in_every_table_and_filter(demo_ready):
    from lib.filters import scoped

    by_village = _publish(indicator_table(demo_ready, "participation", ["village"]))
    summary = _publish(indicator_table(demo_ready, "summary", ["village"]))
    for village in ("Keras", "Pare", "Wonojoyo"):
        alone = scoped(demo_ready, (village,))
        funnel = _publish(indicator_table(alone, "funnel", []))
        total = _publish(indicator_table(alone, "summary", []))
        completed = _value(by_village, "completed", village=village)
        assert _value(summary, "completed", village=village) is completed or \
            _value(summary, "completed", village=village) == completed
        assert _value(funnel, "enrollments", stage="Selesai") == completed
        assert total["completed"].iloc[0] == completed
        assert total["enrollments"].iloc[0] == _value(by_village, "enrollments", village=village)
        assert _value(funnel, "enrollments", stage="Terdaftar") == total["enrollments"].iloc[0]


def test_a_reimport_keeps_every_published_count(demo_ready):
    from lib.demo import DEMO_DIR
    from lib.loading import load_folder
    from lib.schema import load_reference

    raw = load_folder(DEMO_DIR, load_reference(), label="demo", is_demo=True)
    shuffled = replace(raw, participants=raw.participants.sample(frac=1.0, random_state=3).reset_index(drop=True))
    again = prepare_for_tests(shuffled)
    for table, by in (("participation", ["village", "year"]), ("outcomes", ["program"]), ("cost", ["village"])):
        first = _publish(indicator_table(demo_ready, table, by))
        second = _publish(indicator_table(again, table, by))
        pd.testing.assert_frame_equal(first.reset_index(drop=True), second.reset_index(drop=True))


@settings(deadline=None, max_examples=25)
@given(seed=st.integers(0, 10_000))
def test_a_published_count_depends_only_on_its_rows(demo_ready, seed):
    # Any two ways of reaching the same set of enrollments (a breakdown row, or a selection and its total)
    # publish the same number.
    rng = np.random.default_rng(seed)
    village = rng.choice(list(demo_ready.reference.villages))
    year = int(rng.choice(sorted(demo_ready.participants["year"].unique())))
    by_both = _publish(indicator_table(demo_ready, "participation", ["village", "year"]))
    rows = by_both[(by_both["village"].astype(str) == village) & (by_both["year"] == year)]
    mask = ((demo_ready.participants["village"].astype(str) == village)
            & (demo_ready.participants["year"] == year)).to_numpy()
    alone = replace(demo_ready, participants=demo_ready.participants[mask])
    total = _publish(indicator_table(alone, "participation", []))
    for column in ("enrollments", "participants", "completed", "completion_base", "migrants"):
        expected = rows[column].iloc[0] if len(rows) else 0
        assert (pd.isna(expected) and pd.isna(total[column].iloc[0])) or total[column].iloc[0] == expected


def test_budget_shares_follow_published_enrollments_and_keep_the_total(demo_ready):
    by_village = indicator_table(demo_ready, "budget", ["village"])
    assert by_village["allocated_idr"].sum() == pytest.approx(demo_ready.budget["allocated_idr"].sum())
    # A village whose enrollments for a line's (year, program, organizer) are hidden takes no share of it.
    people = _publish(indicator_table(demo_ready, "participation", ["year", "program", "organizer", "village"]))
    hidden = people[hidden_reasons(people)["enrollments"] == SMALL]
    shared = demo_ready.budget[demo_ready.budget["budget_share"].astype(str) == "dibagi"]
    keys_hidden = {tuple(map(str, r)) for r in hidden[["year", "program", "organizer", "village"]].itertuples(index=False)}
    keys_shared = {tuple(map(str, r)) for r in shared[["year", "program", "organizer", "village"]].itertuples(index=False)}
    assert keys_hidden and not keys_hidden & keys_shared


def test_filtered_selection_and_breakdown_row_agree(demo_ready):
    from lib.filters import Filters

    pare = _publish(indicator_table(filtered(demo_ready, Filters.of(village="Pare")), "outcomes", []))
    by_village = _publish(indicator_table(demo_ready, "outcomes", ["village"]))
    for column in ("followed_up", "working", "relapsed", "returned_home"):
        a, b = pare[column].iloc[0], _value(by_village, column, village="Pare")
        assert (pd.isna(a) and pd.isna(b)) or a == b
