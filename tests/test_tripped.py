"""What a department head tripped over: sums that fall short, hidden parts that vanish, half-English screens.

Pages are run headlessly on the demo data as in ``tests/test_pages.py``; the
expected figures come from lib directly.
"""

from __future__ import annotations

import re

import pytest

from lib.filters import Filters
from lib.indicators import UNATTRIBUTED
from tests.test_pages import SCENARIOS, charts_of, demo, expected, metrics, run, settings  # noqa: F401

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
