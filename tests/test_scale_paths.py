"""What keeps the dashboard fast at national scale gives the same figures as the plain way.

- the prepared budget holds one row per cell of lines no filter or breakdown
  can tell apart (``lib.prepare.budget_cells``): every budget table over the
  cells equals the same table over the attributed lines;
- a page selects only the tables it reads (``lib.filters.filtered(tables=)``,
  ``lib.indicators.TABLE_READS``); the others are empty, never unfiltered;
- small integer columns (years) are coded by offset, as factorize would code them;
- equipment lines are summed with integer codes, as pandas' groupby sums them.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib import groups
from lib import indicators as ind
from lib.demo import DEMO_DIR
from lib.filters import Filters, filtered, with_tables
from lib.loading import load_folder
from lib.prepare import BUDGET_CELL, attributed_budget, budget_cells
from lib.schema import (
    BUDGET,
    BUDGET_SHARE,
    CATEGORIES,
    OUTCOMES_TABLE,
    PARTICIPANTS,
    TABLES,
    load_reference,
    typed_frame,
)
from tests.conftest import B_COLS, DINKOP, DINSOS, TEST_RULES, prepare_for_tests, tiny_dataset

BUDGET_BREAKDOWNS = [(), ("year",), ("program",), ("organizer",), ("village",), ("category",),
                     ("funding_source",), (BUDGET_SHARE,), ("year", "program"), ("village", "year")]


@pytest.fixture(scope="module")
def demo():
    return load_folder(DEMO_DIR, load_reference(), label="demo", is_demo=True)


def _assert_same_money(left: pd.DataFrame, right: pd.DataFrame) -> None:
    assert list(left.columns) == list(right.columns)
    assert len(left) == len(right)
    for column in left.columns:
        if pd.api.types.is_float_dtype(left[column].dtype):
            np.testing.assert_allclose(left[column].to_numpy(dtype="float64", na_value=np.nan),
                                       right[column].to_numpy(dtype="float64", na_value=np.nan),
                                       rtol=1e-12, atol=1e-6, equal_nan=True, err_msg=column)
        else:
            pd.testing.assert_series_equal(left[column].reset_index(drop=True), right[column].reset_index(drop=True))


# --- the budget as cells ----------------------------------------------------------------
def test_prepared_budget_has_one_row_per_cell():
    # Every line twice: at national scale most lines share a cell with others.
    data = tiny_dataset()
    data = replace(data, budget=pd.concat([data.budget, data.budget], ignore_index=True))
    lines = attributed_budget(data.budget, prepare_for_tests(data).participants, TEST_RULES)
    cells = prepare_for_tests(data).budget
    assert len(cells) == len(lines) // 2
    assert not cells.duplicated(list(BUDGET_CELL)).any()
    assert cells["allocated_idr"].sum() == lines["allocated_idr"].sum()
    assert list(cells.columns) == [*BUDGET_CELL, "quantity", "allocated_idr", "realized_idr"]
    for column in BUDGET_CELL:
        assert cells[column].dtype == lines[column].dtype, column


@pytest.mark.parametrize("by", BUDGET_BREAKDOWNS)
def test_budget_tables_over_cells_equal_those_over_lines(demo, by):
    lines = attributed_budget(demo.budget, prepare_for_tests(demo).participants, TEST_RULES)
    cells = prepare_for_tests(demo).budget
    _assert_same_money(ind.budget_summary(cells, by), ind.budget_summary(lines, by))
    equipment_by = by or ("year", "program", "organizer")
    if BUDGET_SHARE not in equipment_by:
        _assert_same_money(ind.equipment_lines(cells, equipment_by), ind.equipment_lines(lines, equipment_by))


@pytest.mark.parametrize("filters", [Filters.of(village="Pare"), Filters.of(year="2016-2020"),
                                     Filters.of(program="Konveksi", organizer=DINKOP)])
def test_filtered_cells_give_the_filtered_lines_figures(demo, filters):
    ready = prepare_for_tests(demo)
    with_lines = replace(ready, budget=attributed_budget(demo.budget, ready.participants, TEST_RULES))
    for name in ("budget", "cost", "summary"):
        for by in ((), ("year",), ("village",)):
            _assert_same_money(ind.indicator_table(filtered(ready, filters), name, by),
                               ind.indicator_table(filtered(with_lines, filters), name, by))


def test_cell_amounts_are_the_exact_sum_of_their_lines():
    # Fractions of rupiah from shared lines: a cell is the nearest float to the exact sum, as math.fsum.
    amounts = [0.1] * 10 + [1e12 + 0.3, 7.7]
    budget = pd.DataFrame({
        "year": pd.array([2020] * len(amounts), dtype="Int64"), "program": "Tata Rias", "organizer": DINSOS,
        "village": "Pare", "category": "Bahan", "item": "Kain", "quantity": pd.array([None] * len(amounts), dtype="Int64"),
        "allocated_idr": amounts, "realized_idr": amounts, "funding_source": "APBD Kabupaten", BUDGET_SHARE: "dibagi",
    })
    cells = budget_cells(budget)
    assert len(cells) == 1
    assert cells["allocated_idr"].iloc[0] == math.fsum(amounts)


@pytest.mark.parametrize("quantities, expected", [([2, None, 3], 5), ([None, None], None), ([0], 0)])
def test_cell_quantity_is_the_sum_of_the_known_quantities(quantities, expected):
    n = len(quantities)
    budget = pd.DataFrame({
        "year": pd.array([2021] * n, dtype="Int64"), "program": "Konveksi", "organizer": DINKOP,
        "village": "Semampir", "category": "Peralatan", "item": "Mesin jahit",
        "quantity": pd.array(quantities, dtype="Int64"), "allocated_idr": [1.0] * n, "realized_idr": [1.0] * n,
        "funding_source": "APBD Kota", BUDGET_SHARE: "langsung",
    })
    quantity = budget_cells(budget)["quantity"].iloc[0]
    assert (pd.isna(quantity) if expected is None else quantity == expected)


def test_budget_cells_of_no_lines_is_empty_with_every_column():
    reference = load_reference()
    empty = attributed_budget(typed_frame(BUDGET, pd.DataFrame(columns=B_COLS), reference),
                              prepare_for_tests(tiny_dataset()).participants, TEST_RULES)
    cells = budget_cells(empty)
    assert cells.empty
    assert list(cells.columns) == [*BUDGET_CELL, "quantity", "allocated_idr", "realized_idr"]


@st.composite
def budgets(draw) -> pd.DataFrame:
    """Attributed budget lines with few distinct values, so lines often share a cell."""
    n = draw(st.integers(0, 30))
    rows = [(
        draw(st.integers(2019, 2021)), draw(st.sampled_from(["Tata Rias", "Konveksi"])),
        draw(st.sampled_from([DINSOS, DINKOP])), draw(st.sampled_from([None, "Pare", "Gurah"])),
        draw(st.sampled_from(CATEGORIES[:3])), draw(st.sampled_from(["Kain", "Mesin jahit"])),
        draw(st.one_of(st.none(), st.integers(0, 20))),
        draw(st.integers(0, 10**10)) / draw(st.sampled_from([1, 3, 7])),
        draw(st.integers(0, 10**10)) / draw(st.sampled_from([1, 3])),
        draw(st.sampled_from(["APBD Kabupaten", "APBD Kota"])),
    ) for _ in range(n)]
    frame = typed_frame(BUDGET, pd.DataFrame(rows, columns=B_COLS).astype({"allocated_idr": "int64",
                                                                           "realized_idr": "int64"}),
                        load_reference())
    # Amounts with fractions, as shared lines carry them; shares as attribution gives them.
    frame = frame.assign(allocated_idr=[r[7] for r in rows], realized_idr=[r[8] for r in rows])
    shares = draw(st.lists(st.sampled_from(["langsung", "dibagi", "tidak teratribusi"]), min_size=n, max_size=n))
    return frame.assign(**{BUDGET_SHARE: pd.Categorical(shares, categories=["langsung", "dibagi",
                                                                            "tidak teratribusi"])})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=budgets(), by=st.sampled_from(BUDGET_BREAKDOWNS))
def test_any_budget_breakdown_is_the_same_over_cells(lines, by):
    cells = budget_cells(lines)
    assert len(cells) <= len(lines)
    _assert_same_money(ind.budget_summary(cells, by), ind.budget_summary(lines, by))
    if BUDGET_SHARE not in by:
        equipment_by = by or ("year", "program", "organizer")
        _assert_same_money(ind.equipment_lines(cells, equipment_by), ind.equipment_lines(lines, equipment_by))


# --- equipment lines: integer codes against pandas' groupby ------------------------------
def _equipment_by_groupby(budget: pd.DataFrame, by) -> pd.DataFrame:
    keys = [*by, BUDGET_SHARE, "item"]
    rows = budget[budget["category"] == "Peralatan"]
    amounts = ["allocated_idr", "realized_idr"]
    rows = rows[[*dict.fromkeys([*keys, "village"]), "quantity", *amounts]].astype({c: "float64" for c in amounts})
    # A shared line's parts each carry its whole quantity: read once (the largest per-village sum), and not at
    # all broken down by village.
    shared = rows[BUDGET_SHARE].astype("object") == "dibagi"
    own = rows.assign(quantity=rows["quantity"].where(~shared))
    grouped = own.groupby(keys, observed=True, sort=True, dropna=False)
    out = pd.concat([grouped["quantity"].sum(min_count=1), grouped[amounts].sum()], axis=1)
    if "village" not in by and shared.any():
        parts = rows[shared].groupby([*keys, "village"], observed=True, dropna=False)["quantity"].sum(min_count=1)
        whole = parts.groupby(level=list(range(len(keys))), dropna=False).max().dropna()
        both = pd.concat([out["quantity"], whole.rename("shared")], axis=1)
        out["quantity"] = both["quantity"].add(both["shared"], fill_value=0).reindex(out.index)
    return out.reset_index().astype({"quantity": "Int64"})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=budgets(), by=st.sampled_from([("year", "program", "organizer"), ("village",), ("year", "village")]))
def test_equipment_lines_match_a_plain_groupby(lines, by):
    _assert_same_money(ind.equipment_lines(lines, by), _equipment_by_groupby(lines, by))


# --- integer codes by offset --------------------------------------------------------------
@settings(max_examples=100, deadline=None)
@given(values=st.lists(st.one_of(st.none(), st.integers(-3, 2030), st.integers(2015, 2025)), max_size=40),
       nullable=st.booleans())
def test_small_integer_codes_are_those_factorize_gives(values, nullable):
    if not nullable:
        values = [v for v in values if v is not None]
    column = pd.Series(values, dtype="Int64" if nullable else "int64")
    codes, uniques = groups.value_codes(column)
    expected_codes, expected_uniques = pd.factorize(column, sort=True)
    np.testing.assert_array_equal(codes, expected_codes)
    assert list(pd.array(uniques)) == list(pd.array(expected_uniques))
    assert pd.Series(uniques).dtype == pd.Series(expected_uniques).dtype == column.dtype


def test_integers_spread_wide_are_still_coded_in_order():
    column = pd.Series([10**12, 5, None, 5], dtype="Int64")
    assert groups.small_integer_codes(column) is None  # a span this wide is hashed, not offset
    codes, uniques = groups.value_codes(column)
    assert codes.tolist() == [1, 0, -1, 0] and list(uniques) == [5, 10**12]


# --- selecting only the tables a page reads ----------------------------------------------
@pytest.fixture(scope="module")
def ready():
    return prepare_for_tests(tiny_dataset())


@pytest.mark.parametrize("tables", [(PARTICIPANTS,), (BUDGET,), (OUTCOMES_TABLE,), (PARTICIPANTS, BUDGET), TABLES])
def test_tables_not_asked_for_are_empty_never_unfiltered(ready, tables):
    filters = Filters.of(village="Pare")
    everything = filtered(ready, filters)
    some = filtered(ready, filters, tables)
    for name in TABLES:
        if name in tables:
            pd.testing.assert_frame_equal(some.table(name), everything.table(name))
        else:
            assert some.table(name).empty
            assert list(some.table(name).columns) == list(ready.table(name).columns)


@pytest.mark.parametrize("name, by", list(itertools.product(sorted(ind.TABLES_BY_NAME), [(), ("year",)])))
@pytest.mark.parametrize("filters", [Filters(), Filters.of(village="Pare"), Filters.of(program="Konveksi")])
def test_each_table_reads_only_the_tables_it_names(ready, name, by, filters):
    reading = filtered(ready, filters, ind.TABLE_READS[name])
    pd.testing.assert_frame_equal(ind.indicator_table(reading, name, by),
                                  ind.indicator_table(filtered(ready, filters), name, by))


def test_every_named_table_says_what_it_reads():
    assert set(ind.TABLE_READS) == set(ind.TABLES_BY_NAME)
    assert all(set(reads) <= set(TABLES) and reads for reads in ind.TABLE_READS.values())


def test_with_tables_empties_the_rest(ready):
    only = with_tables(ready, {BUDGET: ready.budget})
    assert only.budget is ready.budget
    assert only.participants.empty and only.outcomes.empty


# --- medians per group: partitioning each group, or one sort of every income ------------------
@st.composite
def latest_outcomes(draw) -> pd.DataFrame:
    n = draw(st.integers(0, 40))
    return pd.DataFrame({
        "village": pd.Categorical(draw(st.lists(st.sampled_from(["Pare", "Gurah", None]), min_size=n, max_size=n)),
                                  categories=["Gurah", "Pare"]),
        "year": pd.array(draw(st.lists(st.integers(2019, 2022), min_size=n, max_size=n)), dtype="Int64"),
        "latest_outcome": pd.Categorical(draw(st.lists(st.sampled_from(["Bekerja", "Usaha Mandiri", "Magang", None]),
                                                       min_size=n, max_size=n))),
        "latest_income": pd.array(draw(st.lists(st.one_of(st.none(), st.integers(0, 5_000_000)),
                                                min_size=n, max_size=n)), dtype="Int64"),
    })


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=latest_outcomes(), by=st.sampled_from([("village",), ("village", "year"), ("year",)]),
       one_sort=st.booleans())
def test_medians_per_group_are_those_of_a_plain_groupby(monkeypatch_module, people, by, one_sort):
    monkeypatch_module.setattr(ind, "MEDIAN_LOOP_LIMIT", 0 if one_sort else 4096)
    found = groups.Groups(people, list(by))
    reported, medians = ind._median_income(found, people)
    working = people[people["latest_outcome"].isin(["Bekerja", "Usaha Mandiri"]) & people["latest_income"].notna()]
    plain = working.groupby(list(by), observed=True)["latest_income"].agg(["size", "median"])
    keys = [tuple(row) for row in found.keys.itertuples(index=False)]
    for key, n, median in zip(keys, reported, medians):
        key = key if len(by) > 1 else key[0]
        if key in plain.index:
            assert n == plain.loc[key, "size"] and median == plain.loc[key, "median"]
        else:
            assert n == 0 and np.isnan(median)


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch
