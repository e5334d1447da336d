"""One function per figure of the indicator definitions, over prepared frames.

Every function takes the (filtered, prepared: see ``lib.prepare``) frames and
the dimensions ``by`` to break down by, and returns a frame with one row per
observed group: the ``by`` columns, then the measure columns named in
``lib.measures``. With ``by=[]`` the result is the one-row total. Counts are
Int64; rates are float64 in [0, 1] and NaN ("none") where the denominator is 0.
No function mutates its inputs. Figures are raw: pass them through
``lib.privacy.publishable`` before showing them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from lib.groups import (
    Groups,
    amount_sums,
    codes_of,
    distinct_people,
    int64_array,
    is_one_of,
    key_sums,
    matching,
    person_codes,
    value_counts,
)
from lib.prepare import (
    LATEST_INCOME,
    LATEST_OUTCOME,
    ORIGIN_LOCAL,
    ORIGIN_MIGRANT,
    ORIGIN_TYPE,
    ORIGIN_TYPES,
    PERSON_KEY,
    RECORD_KEY,
)
from lib.privacy import KEY_SUFFIX, key_column
from lib.schema import (
    BUDGET,
    BUDGET_SHARE,
    CATEGORY_EQUIPMENT,
    OUTCOME_RELAPSE,
    OUTCOME_RETURNED_HOME,
    OUTCOMES,
    PARTICIPANTS,
    SHARE_SHARED,
    STATUS_COMPLETED,
    STATUS_DROPPED,
    UNKNOWN,
    WORKING_OUTCOMES,
    Budget,
    Dataset,
    Participants,
    TableName,
)

Dims = Sequence[str]
BUDGET_DIMS = frozenset({Budget.year, Budget.program, Budget.organizer, Budget.village})
# Medians group by group (partitioning each) up to this many groups; beyond, one sort of every income.
MEDIAN_LOOP_LIMIT = 4096



def _rate(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator as float64, NaN where the denominator is 0 or missing."""
    out = _ratio(numerator.to_numpy(dtype="float64", na_value=np.nan),
                 denominator.to_numpy(dtype="float64", na_value=np.nan))
    return pd.Series(out, index=numerator.index, dtype="float64")



# --- participation and outcomes, counted in one pass ---------------------------------
PARTICIPATION = ("enrollments", "participants", "completed", "completion_base", "completion_rate",
                 "origin_known", "migrants", "migrant_share")
OUTCOME_SUMMARY = ("followed_up", "working", "working_rate", "relapsed", "relapse_rate",
                   "returned_home", "income_reported", "median_income")



def _working_incomes(participants: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(positions of the latest working outcomes that report an income, those incomes as float64)."""
    income = participants[LATEST_INCOME]
    positions = np.flatnonzero(is_one_of(participants[LATEST_OUTCOME], WORKING_OUTCOMES)
                               & income.notna().to_numpy())
    return positions, income.array[positions].to_numpy(dtype="float64")


def _median_income(groups: Groups, participants: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per group, (incomes reported, their median, NaN when none)."""
    positions, values = _working_incomes(participants)
    rows = groups.rows[positions]
    if not groups.complete:
        grouped = rows >= 0
        rows, values = rows[grouped], values[grouped]
    reported = np.bincount(rows, minlength=groups.n).astype(np.int64)
    if not groups.by:
        return reported, np.array([pd.Series(values).median() if len(values) else np.nan])
    out = np.full(groups.n, np.nan)
    start = np.concatenate([[0], np.cumsum(reported)[:-1]])
    low, high = (reported - 1) // 2, reported // 2
    if groups.n <= MEDIAN_LOOP_LIMIT:
        # Incomes gathered group by group (a stable radix sort of small group numbers), then
        # each group's middle values found by partitioning it: linear, unlike sorting every income.
        values = values[np.argsort(rows.astype(np.int16), kind="stable")]
        for g in np.flatnonzero(reported):
            part = np.partition(values[start[g]:start[g] + reported[g]], [low[g], high[g]])
            out[g] = (part[low[g]] + part[high[g]]) / 2
        return reported, out
    values = values[np.lexsort((values, rows))]
    has = reported > 0
    out[has] = (values[(start + low)[has]] + values[(start + high)[has]]) / 2
    return reported, out


RATES = {"completion_rate": ("completed", "completion_base"), "migrant_share": ("migrants", "origin_known"),
         "working_rate": ("working", "followed_up"), "relapse_rate": ("relapsed", "followed_up")}


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator as float64, NaN where the denominator is 0 (as ``_rate``, on arrays)."""
    num, den = numerator.astype("float64"), denominator.astype("float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def _record_keys(participants: pd.DataFrame) -> np.ndarray | None:
    """Per enrollment row its record key (``lib.keys``), or None for a frame prepared without keys."""
    return participants[RECORD_KEY].to_numpy(dtype=np.int64) if RECORD_KEY in participants.columns else None


def _person_keys(participants: pd.DataFrame) -> np.ndarray | None:
    return participants[PERSON_KEY].to_numpy(dtype=np.int64) if PERSON_KEY in participants.columns else None


def _people_figures(participants: pd.DataFrame, by: Dims, groups: Groups | None = None,
                    wanted: Sequence[str] = (*PARTICIPATION, *OUTCOME_SUMMARY)) -> pd.DataFrame:
    """by + the ``wanted`` participation and outcome figures (same definitions as the functions below).

    On a frame prepared with keys, every count column is followed by its cell key column
    (``lib.privacy.key_column``): the sum of the record keys (person keys for distinct
    people) of the rows it counts.
    """
    groups = groups or Groups(participants, by)
    return groups.table(_people_columns(participants, groups, wanted))


def _people_columns(participants: pd.DataFrame, groups: Groups,
                    wanted: Sequence[str] = (*PARTICIPATION, *OUTCOME_SUMMARY)) -> dict[str, object]:
    """The columns of ``_people_figures`` after its ``by`` columns: one array per figure and cell key."""
    wanted = set(wanted)
    records = _record_keys(participants)
    counts: dict[str, np.ndarray] = {}
    keys: dict[str, np.ndarray] = {}

    def pick(matrices: tuple[np.ndarray, np.ndarray | None, list], name: str, wanted_value) -> None:
        count_matrix, key_matrix, values = matrices
        counts[name] = matching(count_matrix, values, wanted_value)
        if key_matrix is not None:
            keys[name] = key_sums(matching(key_matrix, values, wanted_value))

    if "enrollments" in wanted:
        counts["enrollments"] = groups.count()
        if records is not None:
            keys["enrollments"] = groups.key_sum(records)
    if "participants" in wanted:
        counts["participants"], person = distinct_people(groups, person_codes(participants),
                                                         _person_keys(participants))
        if person is not None:
            keys["participants"] = person
    if wanted & {"completed", "completion_base", "completion_rate"}:
        status = value_counts(groups, participants[Participants.status], records)
        pick(status, "completed", lambda v: v == STATUS_COMPLETED)
        pick(status, "completion_base", lambda v: v in (STATUS_COMPLETED, STATUS_DROPPED))
    if wanted & {"origin_known", "migrants", "migrant_share"}:
        origin = value_counts(groups, participants[ORIGIN_TYPE], records)
        pick(origin, "origin_known", lambda v: v in (ORIGIN_LOCAL, ORIGIN_MIGRANT))
        pick(origin, "migrants", lambda v: v == ORIGIN_MIGRANT)
    if wanted & set(OUTCOME_SUMMARY):
        latest = value_counts(groups, participants[LATEST_OUTCOME], records)
        # Followed up: a latest outcome other than Tidak Diketahui; the others are counted among those.
        pick(latest, "followed_up", lambda v: v != UNKNOWN)
        pick(latest, "working", lambda v: v in WORKING_OUTCOMES and v != UNKNOWN)
        pick(latest, "relapsed", lambda v: v == OUTCOME_RELAPSE)
        pick(latest, "returned_home", lambda v: v == OUTCOME_RETURNED_HOME)
    median = None
    if wanted & {"income_reported", "median_income"}:
        counts["income_reported"], median = _median_income(groups, participants)
        if records is not None:
            has_income = np.zeros(len(participants), dtype=bool)
            has_income[_working_incomes(participants)[0]] = True
            keys["income_reported"] = groups.key_sum(records, has_income)
    columns: dict[str, object] = {}
    for name in (*PARTICIPATION, *OUTCOME_SUMMARY):
        if name not in wanted:
            continue
        if name == "median_income":
            columns[name] = median.astype("float64")
        elif name in RATES:
            columns[name] = _ratio(counts[RATES[name][0]], counts[RATES[name][1]])
        else:
            columns[name] = int64_array(counts[name])
    columns |= {key_column(name): key for name, key in keys.items() if name in wanted}
    return columns


def _merge(left: pd.DataFrame, right: pd.DataFrame, by: Dims) -> pd.DataFrame:
    """left and right side by side per group of either (an outer join on ``by``, sorted)."""
    if not by or left[list(by)].reset_index(drop=True).equals(right[list(by)].reset_index(drop=True)):
        # The same groups in the same (sorted) order: the join is a concatenation.
        right = right.drop(columns=list(by)) if by else right
        return pd.concat([left.reset_index(drop=True), right.reset_index(drop=True)], axis=1)
    return left.merge(right, on=list(by), how="outer", sort=True)


def enrollments(participants: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + enrollments: number of participant rows."""
    return _people_figures(participants, by, wanted=("enrollments",))


def participant_counts(participants: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + participants: number of distinct participant_id."""
    return _people_figures(participants, by, wanted=("participants",))


def completion_rate(participants: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + completed, completion_base, completion_rate (ongoing enrollments left out)."""
    return _people_figures(participants, by, wanted=("completed", "completion_base", "completion_rate"))


def migrant_share(participants: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + origin_known, migrants, migrant_share (origin regency known and not the site's regency or city)."""
    return _people_figures(participants, by, wanted=("origin_known", "migrants", "migrant_share"))


def participation(participants: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + enrollments, participants, completed, completion_base, completion_rate, origin_known, migrants, migrant_share."""
    return _people_figures(participants, by, wanted=PARTICIPATION)


def outcome_summary(participants: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + followed_up, working, working_rate, relapsed, relapse_rate, returned_home, income_reported, median_income."""
    return _people_figures(participants, by, wanted=OUTCOME_SUMMARY)


def median_income(participants: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + income_reported, median_income: over latest outcomes Bekerja / Usaha Mandiri with an income."""
    return _people_figures(participants, by, wanted=("income_reported", "median_income"))


def _every_value(participants: pd.DataFrame, rows: np.ndarray, by: Dims, name: str, codes: np.ndarray,
                 categories: Sequence[str], count: str, ordered: bool = False,
                 total: str | None = None) -> pd.DataFrame:
    """by + name + count (+ total): rows (a boolean selection) per group and value, every value of ``categories`` in every group with a selected row.

    ``codes``: per row, the position of its value in ``categories`` (-1: none
    of them; such a row still makes its group appear). With ``by=[]`` every
    value appears, 0 where absent. ``total``: also each group's selected rows
    with a value, repeated on every value's row. Counts carry their cell keys.
    """
    if name in by:
        raise ValueError(f"cannot insert {name}, already exists")
    groups = Groups(participants, by)
    width = len(categories)
    chosen = np.where(rows, codes, -1)
    counts = groups.crossed(chosen, width)
    records = _record_keys(participants)
    key_matrix = None if records is None else groups.crossed_keys(chosen, width, records)
    keys = groups.keys
    if by:
        present = groups.count(rows) > 0  # groups of every row, kept where a selected row falls
        counts = counts[present]
        key_matrix = None if key_matrix is None else key_matrix[present]
        keys = keys[present].reset_index(drop=True)
    n = len(keys)
    out = keys.iloc[np.repeat(np.arange(n), width)].reset_index(drop=True)
    out[name] = pd.Categorical.from_codes(np.tile(np.arange(width), n), categories=list(categories), ordered=ordered)
    out[count] = int64_array(counts.reshape(-1))
    if key_matrix is not None:
        out[key_column(count)] = key_sums(key_matrix.reshape(-1))
    if total is not None:
        out[total] = int64_array(np.repeat(counts.sum(axis=1), width))
        if key_matrix is not None:
            out[key_column(total)] = np.repeat(key_sums(key_matrix.sum(axis=1)), width)
    return out


def outcome_mix(participants: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + outcome, outcome_count, outcome_total, outcome_share: each outcome's share of the latest outcomes.

    Every outcome value appears in every group (0 where absent), so a chart
    always shows the same categories in the same order.
    """
    latest = participants[LATEST_OUTCOME]
    counts = _every_value(participants, latest.notna().to_numpy(), by, "outcome", codes_of(latest, OUTCOMES),
                          OUTCOMES, "outcome_count", total="outcome_total")
    return counts.assign(outcome_share=_rate(counts["outcome_count"], counts["outcome_total"]))


def funnel(participants: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + stage, count: enrolled -> completed -> followed up -> working (stage in FUNNEL_STAGES order)."""
    stages = ("enrollments", "completed", "followed_up", "working")
    figures = _people_figures(participants, by, wanted=stages)
    # Long form, group by group (groups come sorted), the four stages in order within each.
    n = len(figures)
    long = figures[list(by)].iloc[np.repeat(np.arange(n), len(stages))].reset_index(drop=True)
    long["stage"] = pd.Categorical.from_codes(np.tile(np.arange(len(stages)), n), categories=list(FUNNEL_STAGES))
    long["count"] = int64_array(np.column_stack([figures[s].to_numpy(dtype=np.int64) for s in stages]).reshape(-1))
    if key_column(stages[0]) in figures.columns:
        long[key_column("count")] = np.column_stack(
            [figures[key_column(s)].to_numpy(dtype=np.int64) for s in stages]).reshape(-1)
    return long


FUNNEL_STAGES = ("Terdaftar", "Selesai", "Terpantau", "Bekerja/usaha")
INCOME_BANDS = (0, 1_000_000, 2_000_000, 3_000_000, np.inf)
INCOME_BAND_LABELS = ("< Rp 1 jt", "Rp 1–2 jt", "Rp 2–3 jt", "≥ Rp 3 jt")


def income_bands(participants: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + band, count: latest working outcomes with an income, by monthly income band (no single incomes)."""
    positions, income = _working_incomes(participants)
    has_income = np.zeros(len(participants), dtype=bool)
    has_income[positions] = True
    # Bands are [low, high): the band's number, or -1 below 0 (as pd.cut with right=False leaves those out).
    band = np.full(len(participants), -1, dtype=np.int64)
    number = np.searchsorted(np.asarray(INCOME_BANDS, dtype="float64"), income, side="right") - 1
    band[positions] = np.where(number >= len(INCOME_BAND_LABELS), -1, number)
    return _every_value(participants, has_income, by, "band", band, INCOME_BAND_LABELS, "count", ordered=True)



def budget_summary(budget: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + allocated_idr, realized_idr, absorption_rate over (attributed) budget rows."""
    amounts = [Budget.allocated_idr, Budget.realized_idr]
    if not by:
        sums = budget[amounts].astype("float64").sum().to_frame().T
    else:
        # A missing village (the unattributed part) is a group of its own, listed last.
        groups = Groups(budget, by, dropna=False)
        sums = groups.table({c: amount_sums(groups, budget[c].to_numpy(dtype="float64", na_value=np.nan))
                             for c in amounts})
    return sums.assign(absorption_rate=_rate(sums[Budget.realized_idr], sums[Budget.allocated_idr]))


def _people_and_money(people: pd.DataFrame, budget: pd.DataFrame, participants: pd.DataFrame,
                      by: Dims) -> pd.DataFrame:
    """people + the budget_summary columns, per group of either (budget groups with a missing key left out)."""
    money = budget_summary(budget, by)
    if by:
        known = money[list(by)].notna().all(axis=1)
        if not bool(known.all()):
            money = money[known]
        money = money.astype({c: participants[c].dtype for c in by
                              if c in participants and money[c].dtype != participants[c].dtype})
    return _merge(people, money, by)


def _with_cost(joined: pd.DataFrame) -> pd.DataFrame:
    """joined plus cost_per_participant and cost_per_working, counts and amounts missing in a group read as 0."""
    realized = joined[Budget.realized_idr].to_numpy(dtype="float64", na_value=np.nan)
    realized = np.where(np.isnan(realized), 0.0, realized)
    participants = joined["participants"].to_numpy(dtype="float64", na_value=0.0)
    working = joined["working"].to_numpy(dtype="float64", na_value=0.0)
    return joined.assign(cost_per_participant=_ratio(realized, participants),
                         cost_per_working=_ratio(realized, working))


def _check_budget_dims(by: Dims) -> None:
    unknown = set(by) - BUDGET_DIMS
    if unknown:
        raise ValueError(f"cost cannot be broken down by {sorted(unknown)}: the budget has no such column")


def cost_summary(participants: pd.DataFrame, budget: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + participants, working, realized_idr, cost_per_participant, cost_per_working.

    ``by`` must be budget dimensions (year, program, organizer, village); the
    budget rows are those that the same filters selected.
    """
    _check_budget_dims(by)
    by = list(by)
    groups = Groups(participants, by)
    columns = _people_columns(participants, groups, wanted=("participants", "working"))
    money = _money_columns(budget, by, groups)
    if money is not None:  # the same groups on both sides: side by side, one frame built once
        realized = money[Budget.realized_idr]
        people, working = columns.pop("participants"), columns.pop("working")
        return groups.table({"participants": people, "working": working, Budget.realized_idr: realized, **columns,
                             **_costs(realized, people, working)})
    joined = _people_and_money(groups.table(columns), budget, participants, by)
    keys = [key_column(c) for c in ("participants", "working") if key_column(c) in joined.columns]
    joined = joined[[*by, "participants", "working", Budget.realized_idr, *keys]]
    out = joined.assign(
        participants=joined["participants"].fillna(0).astype("Int64"),
        working=joined["working"].fillna(0).astype("Int64"),
        realized_idr=joined[Budget.realized_idr].fillna(0.0).astype("float64"),
        **{k: joined[k].fillna(0).astype(np.int64) for k in keys},
    )
    return _with_cost(out)


def _costs(realized: np.ndarray, people, working) -> dict[str, np.ndarray]:
    """cost_per_participant and cost_per_working of per-group amounts and counts without missing values."""
    return {"cost_per_participant": _ratio(realized, np.asarray(people, dtype="float64")),
            "cost_per_working": _ratio(realized, np.asarray(working, dtype="float64"))}


def _money_columns(budget: pd.DataFrame, by: Dims, people: Groups) -> dict[str, np.ndarray] | None:
    """budget_summary's amounts as arrays in the order of the ``people`` groups, or None when its groups differ.

    Budget groups with a missing key are left out, as ``_people_and_money`` leaves them out.
    """
    amounts = {c: budget[c].to_numpy(dtype="float64", na_value=np.nan)
               for c in (Budget.allocated_idr, Budget.realized_idr)}
    if not by:  # one total on both sides, summed as budget_summary sums it
        return {c: np.array([np.nansum(v)], dtype="float64") for c, v in amounts.items()}
    groups = Groups(budget, by, dropna=False)
    known = np.ones(groups.n, dtype=bool)
    for c in by:
        known &= groups.keys[c].notna().to_numpy()
    if int(known.sum()) != people.n:
        return None
    for c in by:
        mine, theirs = groups.keys[c].to_numpy(dtype=object)[known], people.keys[c].to_numpy(dtype=object)
        if not all(a == b for a, b in zip(mine, theirs)):
            return None
    return {c: amount_sums(groups, v)[known] for c, v in amounts.items()}


def summary(participants: pd.DataFrame, budget: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + every participation and outcome figure, plus the budget figures when ``by`` are budget dimensions."""
    by = list(by)
    groups = Groups(participants, by)
    columns = _people_columns(participants, groups)
    if not set(by) <= BUDGET_DIMS:
        return groups.table(columns)
    money = _money_columns(budget, by, groups)
    if money is not None:
        # The same groups on both sides (the common case): the columns side by side, one frame built once.
        allocated, realized = money[Budget.allocated_idr], money[Budget.realized_idr]
        columns |= {Budget.allocated_idr: allocated, Budget.realized_idr: realized,
                    "absorption_rate": _ratio(realized, allocated),
                    **_costs(realized, columns["participants"], columns["working"])}
        return groups.table(columns)
    # A group found in one table only (a year of budget without enrollments): joined, its counts and amounts read 0.
    out = _with_cost(_people_and_money(groups.table(columns), budget, participants, by))
    dtypes = out.dtypes  # read once: a frame's column lookups are slow next to these small tables
    zeros = {c: 0 for c, t in dtypes.items() if str(t) == "Int64" or c.endswith(KEY_SUFFIX)}
    zeros |= {Budget.allocated_idr: 0.0, Budget.realized_idr: 0.0}
    filled = {c: out[c].fillna(zero) for c, zero in zeros.items() if out[c].hasnans}
    filled = {c: v.astype(np.int64) if c.endswith(KEY_SUFFIX) else v for c, v in filled.items()}
    if filled:
        out = out.assign(**filled)
    return out.reset_index(drop=True)


# --- tables the dashboard's pages ask for by name --------------------------------
# Every table below names its count columns after lib.measures, so suppression
# (which reads the registry) knows which cells are counts of people.
def origin_split(participants: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + origin_type, enrollments: every origin type (Lokal, Pendatang, Tidak Diketahui) in every group, 0 where absent."""
    every = np.ones(len(participants), dtype=bool)
    return _every_value(participants, every, by, ORIGIN_TYPE, codes_of(participants[ORIGIN_TYPE], ORIGIN_TYPES),
                        ORIGIN_TYPES, "enrollments")


def funnel_counts(participants: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + stage, enrollments: the funnel (enrolled -> completed -> followed up -> working) with its count as enrollments."""
    return funnel(participants, by).rename(columns={"count": "enrollments", key_column("count"): key_column("enrollments")})


def income_band_counts(participants: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + band, income_reported: latest working outcomes with an income per monthly income band."""
    return income_bands(participants, by).rename(columns={"count": "income_reported",
                                                          key_column("count"): key_column("income_reported")})


EQUIPMENT_COLUMNS = (Budget.item, Budget.quantity, Budget.allocated_idr, Budget.realized_idr)


def equipment_lines(budget: pd.DataFrame, by: Dims = (Budget.year, Budget.program, Budget.organizer)) -> pd.DataFrame:
    """by + budget_share, item, quantity, allocated_idr, realized_idr: the equipment (category Peralatan) bought.

    Budget lines are not people: amounts and quantities are exact. A
    village-less line shared by villages (budget_share ``dibagi``) serves them
    all: its whole quantity is shown once, on its row of the same year,
    program and organizer (every shared part carries the line's whole
    quantity, see ``lib.prepare.attributed_budget``). Broken down by village,
    the shared parts carry no quantity (a machine is not split between
    villages): missing, never invented.
    """
    keys = [*by, BUDGET_SHARE, Budget.item]
    rows = budget.iloc[np.flatnonzero(is_one_of(budget[Budget.category], [CATEGORY_EQUIPMENT]))]
    groups = Groups(rows, keys, dropna=False)
    quantity = rows[Budget.quantity]
    shared = (rows[BUDGET_SHARE].astype("object") == SHARE_SHARED).to_numpy()
    known = quantity.notna().to_numpy() & ~shared
    # A line's quantity is summed where known; a group with none stays missing.
    counted = np.bincount(groups.rows[known], minlength=groups.n)
    total = np.bincount(groups.rows[known], weights=quantity.to_numpy(dtype="float64", na_value=0)[known],
                        minlength=groups.n).astype("float64")
    if Budget.village not in by and shared.any():
        # Each village's part of the same lines carries their whole quantity: summed per village, read once.
        parts = pd.DataFrame({"group": groups.rows[shared], "village": rows[Budget.village].astype("object")
                              .to_numpy()[shared], "quantity": quantity.to_numpy(dtype="float64", na_value=np.nan)[shared]})
        per_line = parts.groupby(["group", "village"], dropna=False)["quantity"].sum(min_count=1)
        whole = per_line.groupby(level="group").max().dropna()
        where = whole.index.to_numpy(dtype=np.int64)
        total[where] += whole.to_numpy(dtype="float64")
        counted[where] += 1
    quantities = pd.array(np.round(total).astype(np.int64), dtype="Int64")
    quantities[counted == 0] = pd.NA
    return groups.table({
        Budget.quantity: quantities,
        **{c: amount_sums(groups, rows[c].to_numpy(dtype="float64", na_value=np.nan))
           for c in (Budget.allocated_idr, Budget.realized_idr)},
    }).reset_index(drop=True)


UNATTRIBUTED = "Tidak teratribusi"  # the village of a budget part that no village's enrollments share


def budget_by(budget: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """budget_summary, the unattributed part (no village) named UNATTRIBUTED and listed last, never dropped.

    By village, the village rows plus the UNATTRIBUTED row add up to the
    budget total of the same filters (indicators.md, Budget).
    """
    out = budget_summary(budget, by)
    if Budget.village not in by:
        return out
    village = out[Budget.village]
    missing = village.isna()
    if not bool(missing.any()):
        return out
    if isinstance(village.dtype, pd.CategoricalDtype):
        village = village.cat.add_categories([UNATTRIBUTED]) if UNATTRIBUTED not in village.cat.categories else village
    else:
        village = village.astype("object")
    return out.assign(**{Budget.village: village.where(~missing, UNATTRIBUTED)})


def _participants_table(function):
    return lambda dataset, by: function(dataset.participants, by)


def _budget_table(function):
    return lambda dataset, by: function(dataset.budget, by)


# name -> (dataset, by) -> raw table. Pages ask for tables by these names.
TABLES_BY_NAME = {
    "participation": _participants_table(participation),
    "outcomes": _participants_table(outcome_summary),
    "outcome_mix": _participants_table(outcome_mix),
    "origin_split": _participants_table(origin_split),
    "funnel": _participants_table(funnel_counts),
    "income_bands": _participants_table(income_band_counts),
    "budget": _budget_table(budget_by),
    "equipment": lambda dataset, by: equipment_lines(dataset.budget, by) if by else equipment_lines(dataset.budget),
    "cost": lambda dataset, by: cost_summary(dataset.participants, dataset.budget, by),
    "summary": lambda dataset, by: summary(dataset.participants, dataset.budget, by),
}


# name -> the tables of the dataset it reads (see lib.filters.filtered: select only these).
TABLE_READS: dict[str, tuple[TableName, ...]] = {
    **{name: (PARTICIPANTS,) for name in ("participation", "outcomes", "outcome_mix", "origin_split", "funnel",
                                          "income_bands")},
    **{name: (BUDGET,) for name in ("budget", "equipment")},
    **{name: (PARTICIPANTS, BUDGET) for name in ("cost", "summary")},
}


def indicator_table(dataset: Dataset, name: str, by: Dims = ()) -> pd.DataFrame:
    """The raw table ``name`` (a key of TABLES_BY_NAME) over a filtered, prepared dataset; columns as that function says."""
    try:
        function = TABLES_BY_NAME[name]
    except KeyError:
        raise ValueError(f"no table named {name!r}; known: {sorted(TABLES_BY_NAME)}") from None
    return function(dataset, list(by))
