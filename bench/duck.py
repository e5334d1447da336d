"""The reference: the same indicator breakdowns as lib.indicators, in DuckDB SQL over the same prepared frames.

DuckDB is given the prepared participants and attributed budget (the derived
columns lib computes once per dataset: latest outcome, origin type, budget
shares) as native tables, and answers each (table, breakdown, filters) of a
page with one SQL query, fetched as a pandas frame. Its answers are checked
against lib's (``same_figures``), so the reference computes the same thing.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from lib.filters import Filters, table_selections
from lib.indicators import BUDGET_DIMS, FUNNEL_STAGES, INCOME_BAND_LABELS, INCOME_BANDS, UNATTRIBUTED
from lib.prepare import (
    LATEST_INCOME,
    LATEST_OUTCOME,
    ORIGIN_LOCAL,
    ORIGIN_MIGRANT,
    ORIGIN_TYPE,
    ORIGIN_TYPES,
)
from lib.schema import (
    BUDGET,
    BUDGET_SHARE,
    SHARE_SHARED,
    CATEGORY_EQUIPMENT,
    OUTCOME_RELAPSE,
    OUTCOME_RETURNED_HOME,
    OUTCOMES,
    PARTICIPANTS,
    STATUS_COMPLETED,
    STATUS_DROPPED,
    UNKNOWN,
    WORKING_OUTCOMES,
    Budget,
    Dataset,
    Participants,
    load_reference,
)

P, B = "participants", "budget"


# A categorical with more categories than this (participant_id) goes to DuckDB as text: DuckDB's
# ENUM type is meant for short vocabularies and is several times slower with a million values.
ENUM_LIMIT = 10_000


def _as_duckdb_loads_it(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(**{c: frame[c].astype("string") for c in frame.columns
                           if isinstance(frame[c].dtype, pd.CategoricalDtype)
                           and len(frame[c].cat.categories) > ENUM_LIMIT})


def connect(dataset: Dataset, threads: int | None = None):
    """A DuckDB connection holding the prepared participants and attributed budget as native tables."""
    import duckdb

    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    for name, frame in ((P, dataset.participants), (B, dataset.budget)):
        con.register(f"{name}_frame", _as_duckdb_loads_it(frame))
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_frame")
        con.unregister(f"{name}_frame")
    return con


def _q(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _list(values: Sequence[object]) -> str:
    return ", ".join(_q(v) for v in values)


def _col(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _cols(by: Sequence[str], prefix: str = "") -> str:
    return ", ".join(prefix + _col(c) for c in by)


def _where(selections: Sequence[tuple[str, tuple]]) -> str:
    conds = [f"{_col(column)} IN ({_list(values)})" for column, values in selections if values]
    return " AND ".join(conds) or "TRUE"


def participants_where(filters: Filters) -> str:
    """The WHERE condition of the rows lib.filters.filtered selects from participants (a group: its members)."""
    return _where(table_selections(filters, load_reference(), PARTICIPANTS))


def budget_where(filters: Filters) -> str:
    """The WHERE condition of the rows lib.filters.filtered selects from the budget."""
    return _where(table_selections(filters, load_reference(), BUDGET))


# --- the figures, as aggregate expressions over participants --------------------
_OUT = _col(LATEST_OUTCOME)
_WORKING = f"{_OUT} IN ({_list(WORKING_OUTCOMES)})"
_FOLLOWED = f"({_OUT} IS NOT NULL AND {_OUT} <> {_q(UNKNOWN)})"
_STATUS = _col(Participants.status)
_ORIGIN = _col(ORIGIN_TYPE)
PARTICIPATION = {
    "enrollments": "count(*)",
    "participants": f"count(DISTINCT {_col(Participants.participant_id)})",
    "completed": f"count(*) FILTER (WHERE {_STATUS} = {_q(STATUS_COMPLETED)})",
    "completion_base": f"count(*) FILTER (WHERE {_STATUS} IN ({_list([STATUS_COMPLETED, STATUS_DROPPED])}))",
    "origin_known": f"count(*) FILTER (WHERE {_ORIGIN} IN ({_list([ORIGIN_LOCAL, ORIGIN_MIGRANT])}))",
    "migrants": f"count(*) FILTER (WHERE {_ORIGIN} = {_q(ORIGIN_MIGRANT)})",
}
OUTCOME_SUMMARY = {
    "followed_up": f"count(*) FILTER (WHERE {_FOLLOWED})",
    "working": f"count(*) FILTER (WHERE {_WORKING})",
    "relapsed": f"count(*) FILTER (WHERE {_OUT} = {_q(OUTCOME_RELAPSE)})",
    "returned_home": f"count(*) FILTER (WHERE {_OUT} = {_q(OUTCOME_RETURNED_HOME)})",
    "income_reported": f"count({_col(LATEST_INCOME)}) FILTER (WHERE {_WORKING})",
    "median_income": f"median({_col(LATEST_INCOME)}) FILTER (WHERE {_WORKING})",
}
RATES = {
    "completion_rate": ("completed", "completion_base"),
    "migrant_share": ("migrants", "origin_known"),
    "working_rate": ("working", "followed_up"),
    "relapse_rate": ("relapsed", "followed_up"),
}
_ALLOCATED, _REALIZED = _col(Budget.allocated_idr), _col(Budget.realized_idr)


def _rate(num: str, den: str) -> str:
    return f"CAST({num} AS DOUBLE) / NULLIF({den}, 0)"


def _group(by: Sequence[str]) -> str:
    return f"GROUP BY {_cols(by)}" if by else ""


def _people(by: Sequence[str], measures: dict[str, str], where: str, extra_where: str = "") -> str:
    select = ", ".join([*(_col(c) for c in by), *(f"{sql} AS {name}" for name, sql in measures.items())])
    # lib's groupby drops rows whose breakdown value is missing
    not_null = " AND ".join(f"{_col(c)} IS NOT NULL" for c in by)
    conds = " AND ".join(c for c in (where, not_null, extra_where) if c)
    return f"SELECT {select} FROM {P} WHERE {conds} {_group(by)}"


def _with_rates(inner: str, by: Sequence[str], names: Sequence[str]) -> str:
    rates = [f"{_rate(n, d)} AS {r}" for r, (n, d) in RATES.items() if n in names and d in names]
    return f"SELECT *{', ' if rates else ''}{', '.join(rates)} FROM ({inner}) ORDER BY {_cols(by) or '1'}"


def _money(by: Sequence[str], where: str, drop_missing: bool) -> str:
    not_null = " AND ".join(f"{_col(c)} IS NOT NULL" for c in by) if drop_missing else ""
    conds = " AND ".join(c for c in (where, not_null) if c)
    select = ", ".join([*(_col(c) for c in by), f"sum({_ALLOCATED}) AS allocated_idr",
                        f"sum({_REALIZED}) AS realized_idr"])
    return f"SELECT {select} FROM {B} WHERE {conds} {_group(by)}"


def _joined(left: str, right: str, by: Sequence[str], zeros: Sequence[str] = ()) -> str:
    """left and right side by side per group (every group of either); ``zeros``: columns missing in a group read 0."""
    if not by:
        joined = f"SELECT * FROM ({left}) CROSS JOIN ({right})"
    else:
        joined = f"SELECT * FROM ({left}) l FULL OUTER JOIN ({right}) r USING ({_cols(by)})"
    if not zeros:
        return joined
    filled = ", ".join(f"coalesce({_col(c)}, 0) AS {_col(c)}" for c in zeros)
    return f"SELECT * REPLACE ({filled}) FROM ({joined})"


def _every_value(by: Sequence[str], column_sql: str, name: str, values: Sequence[str], where: str,
                 count_name: str, extra_where: str = "") -> str:
    """Counts per group and value of ``column_sql``, every value in every group that has a row (0 where absent)."""
    not_null = " AND ".join(f"{_col(c)} IS NOT NULL" for c in by)
    conds = " AND ".join(c for c in (where, not_null, extra_where) if c)
    keys = ", ".join([*(_col(c) for c in by), f"{column_sql} AS {name}"])
    counts = f"SELECT {keys}, count(*) AS n FROM {P} WHERE {conds} GROUP BY ALL"
    grid_values = f"SELECT unnest([{_list(values)}]) AS {name}"
    if by:
        groups = f"SELECT DISTINCT {_cols(by)} FROM counts"
        grid = f"SELECT * FROM ({groups}) CROSS JOIN ({grid_values})"
    else:
        grid = grid_values
    return (f"WITH counts AS ({counts}) SELECT grid.*, coalesce(counts.n, 0) AS {count_name} "
            f"FROM ({grid}) grid LEFT JOIN counts USING ({_cols([*by, name])})")


def query(table: str, by: Sequence[str], filters: Filters) -> str:
    """The SQL of lib.indicators.indicator_table(filtered(dataset, filters), table, by)."""
    by = list(by)
    pw, bw = participants_where(filters), budget_where(filters)
    if table == "participation":
        return _with_rates(_people(by, PARTICIPATION, pw), by, list(PARTICIPATION))
    if table == "outcomes":
        return _with_rates(_people(by, OUTCOME_SUMMARY, pw), by, list(OUTCOME_SUMMARY))
    if table == "summary":
        measures = {**PARTICIPATION, **OUTCOME_SUMMARY}
        people = _people(by, measures, pw)
        if not set(by) <= BUDGET_DIMS:
            return _with_rates(people, by, list(measures))
        money = _money(by, bw, drop_missing=True)
        # lib fills the counts and amounts of a group found in one table only with 0
        counts = [c for c in measures if c != "median_income"]
        joined = _joined(people, money, by, zeros=[*counts, "allocated_idr", "realized_idr"])
        cost = (f"CAST(realized_idr AS DOUBLE) / NULLIF(participants, 0) AS cost_per_participant, "
                f"CAST(realized_idr AS DOUBLE) / NULLIF(working, 0) AS cost_per_working, "
                f"CAST(realized_idr AS DOUBLE) / NULLIF(allocated_idr, 0) AS absorption_rate")
        return _with_rates(f"SELECT *, {cost} FROM ({joined})", by, list(measures))
    if table == "cost":
        people = _people(by, {"participants": PARTICIPATION["participants"],
                               "working": OUTCOME_SUMMARY["working"]}, pw)
        money = f"SELECT {_cols(by) + ', ' if by else ''}realized_idr FROM ({_money(by, bw, True)})"
        joined = _joined(people, money, by, zeros=["participants", "working", "realized_idr"])
        return (f"SELECT *, CAST(realized_idr AS DOUBLE) / NULLIF(participants, 0) AS cost_per_participant, "
                f"CAST(realized_idr AS DOUBLE) / NULLIF(working, 0) AS cost_per_working FROM ({joined}) "
                f"ORDER BY {_cols(by) or '1'}")
    if table == "budget":
        # The part no village shares (village NULL) is named as lib.indicators.budget_by names it.
        named = (f" REPLACE (COALESCE(CAST({_col(Budget.village)} AS VARCHAR), {_q(UNATTRIBUTED)}) "
                 f"AS {_col(Budget.village)})" if Budget.village in by else "")
        return (f"SELECT *{named}, CAST(realized_idr AS DOUBLE) / NULLIF(allocated_idr, 0) AS absorption_rate "
                f"FROM ({_money(by, bw, drop_missing=False)})")
    if table == "equipment":
        keys = [*(by or [Budget.year, Budget.program, Budget.organizer]), BUDGET_SHARE, Budget.item]
        # A shared line's parts each carry its whole quantity: read once (the largest per-village sum), and
        # missing when broken down by village (lib.indicators.equipment_lines).
        shared = f"{_col(BUDGET_SHARE)} = {_q(SHARE_SHARED)}"
        per_village = "" if Budget.village in keys else f", {_col(Budget.village)}"
        quantity = (f"CASE WHEN {shared} THEN NULL ELSE sum(q) END" if Budget.village in keys
                    else f"CASE WHEN {shared} THEN max(q) ELSE sum(q) END")
        return (f"SELECT {_cols(keys)}, {quantity} AS quantity, sum(a) AS allocated_idr, sum(r) AS realized_idr "
                f"FROM (SELECT {_cols(keys)}{per_village}, sum({_col(Budget.quantity)}) AS q, "
                f"sum({_ALLOCATED}) AS a, sum({_REALIZED}) AS r FROM {B} "
                f"WHERE {bw} AND {_col(Budget.category)} = {_q(CATEGORY_EQUIPMENT)} GROUP BY ALL) GROUP BY {_cols(keys)}")
    if table == "outcome_mix":
        inner = _every_value(by, _OUT, "outcome", OUTCOMES, pw, "outcome_count", f"{_OUT} IS NOT NULL")
        part = f"PARTITION BY {_cols(by)}" if by else ""
        return (f"SELECT *, sum(outcome_count) OVER ({part}) AS outcome_total, "
                f"CAST(outcome_count AS DOUBLE) / NULLIF(sum(outcome_count) OVER ({part}), 0) AS outcome_share "
                f"FROM ({inner})")
    if table == "origin_split":
        return _every_value(by, _ORIGIN, ORIGIN_TYPE, ORIGIN_TYPES, pw, "enrollments")
    if table == "income_bands":
        income = _col(LATEST_INCOME)
        bands = " ".join(f"WHEN {income} < {int(hi)} THEN {_q(label)}" for hi, label
                         in zip(INCOME_BANDS[1:-1], INCOME_BAND_LABELS[:-1]))
        band = f"CASE {bands} ELSE {_q(INCOME_BAND_LABELS[-1])} END"
        return _every_value(by, band, "band", INCOME_BAND_LABELS, pw, "income_reported",
                            f"{_WORKING} AND {income} IS NOT NULL")
    if table == "funnel":
        stages = dict(zip(FUNNEL_STAGES, ["count(*)", f"count(*) FILTER (WHERE {_STATUS} = {_q(STATUS_COMPLETED)})",
                                          f"count(*) FILTER (WHERE {_FOLLOWED})",
                                          f"count(*) FILTER (WHERE {_WORKING})"]))
        sums = _people(by, {f"s{i}": sql for i, sql in enumerate(stages.values())}, pw)
        rows = " UNION ALL ".join(
            f"SELECT {_cols(by) + ', ' if by else ''}{_q(stage)} AS stage, s{i} AS enrollments FROM sums"
            for i, stage in enumerate(stages))
        return f"WITH sums AS ({sums}) {rows}"
    raise ValueError(f"no SQL for table {table!r}")


# --- checking the reference computes what lib computes -----------------------------
def _keys(frame: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    if not by:
        return pd.Series(["" for _ in range(len(frame))], index=frame.index)
    parts = [frame[c].astype("object").map(lambda v: "<NA>" if pd.isna(v) else str(v)) for c in by]
    out = parts[0]
    for part in parts[1:]:
        out = out + "|" + part
    return out


def same_figures(lib_table: pd.DataFrame, duck_table: pd.DataFrame) -> bool:
    """Whether every figure of lib's table equals DuckDB's for the same group (counts exactly, money and rates to 1e-9)."""
    dims = [c for c in lib_table.columns
            if not pd.api.types.is_numeric_dtype(lib_table[c]) or c in (Participants.year, Budget.quantity)]
    dims = [c for c in dims if c in duck_table.columns and c != Budget.quantity]
    if len(lib_table) != len(duck_table):
        return False
    left = lib_table.assign(_key=_keys(lib_table, dims).to_numpy()).set_index("_key").sort_index()
    right = duck_table.assign(_key=_keys(duck_table, dims).to_numpy()).set_index("_key").sort_index()
    if list(left.index) != list(right.index):
        return False
    for column in left.columns:
        if column in dims or column not in right.columns:
            continue
        a = pd.to_numeric(left[column], errors="coerce").astype("float64").to_numpy()
        b = pd.to_numeric(right[column], errors="coerce").astype("float64").to_numpy()
        if not np.allclose(a, b, rtol=1e-9, atol=1e-6, equal_nan=True):
            return False
    return True
