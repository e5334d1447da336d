"""The tables the pages ask for by name, on the canonical dataset."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from lib import indicators as ind
from lib.measures import BY_NAME
from lib.prepare import ORIGIN_TYPES
from tests.conftest import TEST_RULES, prepare_for_tests
from lib.privacy import KEY_SUFFIX, dimension_columns, key_column, publishable


@pytest.fixture
def ready(tiny):
    return prepare_for_tests(tiny)


@pytest.mark.parametrize("village, local, migrant, unknown", [
    ("Pare", 2, 3, 1),
    ("Gurah", 0, 2, 0),      # every origin type is there, 0 where absent
    ("Semampir", 4, 4, 0),
])
def test_origin_split_by_village(ready, village, local, migrant, unknown):
    table = ind.origin_split(ready.participants, ["village"])
    rows = table[table["village"] == village].set_index("origin_type")["enrollments"]
    assert list(rows.index.astype(str)) == list(ORIGIN_TYPES)
    assert list(rows) == [local, migrant, unknown]


def test_origin_split_total_is_every_enrollment(ready):
    table = ind.origin_split(ready.participants)
    assert table["enrollments"].sum() == len(ready.participants) == 16


def test_funnel_and_income_bands_name_their_counts_after_the_registry(ready):
    funnel = ind.funnel_counts(ready.participants)
    assert list(funnel["enrollments"]) == [16, 11, 11, 7]
    bands = ind.income_band_counts(ready.participants)
    assert bands["income_reported"].sum() == ind.median_income(ready.participants)["income_reported"].iloc[0]


@pytest.mark.parametrize("by, expected_rows", [
    ((), 1),                                   # default: year, program, organizer
    (("year", "village"), 1),
])
def test_equipment_lines_are_exact_budget_lines(ready, by, expected_rows):
    table = ind.equipment_lines(ready.budget, by) if by else ind.equipment_lines(ready.budget)
    assert len(table) == expected_rows
    row = table.iloc[0]
    assert (row["item"], row["quantity"], row["allocated_idr"], row["realized_idr"]) == (
        "Mesin jahit", 10, 100_000_000, 98_000_000)


def test_shared_equipment_carries_no_quantity(reference, tiny):
    budget = tiny.budget.copy()
    line = budget.index[budget["item"] == "Mesin jahit"][0]
    budget.loc[line, "village"] = pd.NA  # the machines now serve the whole program
    ready = prepare_for_tests(replace(tiny, budget=budget))
    table = ind.equipment_lines(ready.budget, ("year", "village"))
    assert set(table["budget_share"].astype(str)) == {"dibagi"}
    assert table["quantity"].isna().all()
    assert table["allocated_idr"].sum() == pytest.approx(100_000_000)


@pytest.mark.parametrize("name", sorted(ind.TABLES_BY_NAME))
@pytest.mark.parametrize("by", [(), ("year",), ("program",)])
def test_every_named_table_can_be_published(ready, name, by):
    table = ind.indicator_table(ready, name, by)
    numbers = [c for c in table.columns if pd.api.types.is_numeric_dtype(table[c]) and c not in ("year", "quantity")
               and not c.endswith(KEY_SUFFIX)]
    # Publishing reads the registry: a number it does not know would be shown unprotected.
    assert set(numbers) <= set(BY_NAME), f"{name} has figures outside lib.measures: {set(numbers) - set(BY_NAME)}"
    # Every count of people carries its cell key, and every rate its base and numerator.
    counts = [c for c in numbers if BY_NAME[c].kind == "count"]
    assert {key_column(c) for c in counts} <= set(table.columns)
    published = publishable(table, dimension_columns(table), TEST_RULES)
    assert not [c for c in published.columns if c.endswith(KEY_SUFFIX)]  # keys never leave


def test_indicator_table_matches_the_function_it_names(ready):
    pd.testing.assert_frame_equal(ind.indicator_table(ready, "participation", ["village"]),
                                  ind.participation(ready.participants, ["village"]))
    pd.testing.assert_frame_equal(ind.indicator_table(ready, "budget", ["year"]),
                                  ind.budget_summary(ready.budget, ["year"]))


def test_unknown_table_name_says_which_exist(ready):
    with pytest.raises(ValueError, match="participation"):
        ind.indicator_table(ready, "peserta", [])
