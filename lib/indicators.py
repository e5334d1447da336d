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
    TableName,
)

Dims = Sequence[str]
BUDGET_DIMS = frozenset({Budget.year, Budget.program, Budget.organizer, Budget.village})
# Above this many possible key combinations, groups are found by sorting instead of one counting pass.
DENSE_KEYS_LIMIT = 1 << 24
# Medians group by group (partitioning each) up to this many groups; beyond, one sort of every income.
MEDIAN_LOOP_LIMIT = 4096
# Counting distinct people with one bit per (group, person) while that takes at most this many bytes.
BITMAP_LIMIT = 1 << 26


def _rate(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator as float64, NaN where the denominator is 0 or missing."""
    num = numerator.to_numpy(dtype="float64", na_value=np.nan)
    den = denominator.to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return pd.Series(out, index=numerator.index, dtype="float64")


# --- groups: every figure below is counted per group, in one pass over integer codes ----------
# A breakdown is found once per table (not once per figure as groupby would):
# each row gets the number of its group, and every count is then a bincount.
class _Groups:
    """The ``by`` groups of a frame, as pandas' ``groupby(by, observed=True, sort=True)`` finds them.

    ``rows``: per row of the frame, its group number (-1: a breakdown value is
    missing, the row is left out, unless ``dropna=False`` makes missing a group
    of its own, sorted last). ``keys``: one row per group, the ``by`` columns
    with the frame's dtypes, sorted. With ``by=[]`` there is one group, the total.
    """

    def __init__(self, frame: pd.DataFrame, by: Dims, dropna: bool = True):
        by = list(by)
        self.by = by
        if not by:
            self.rows = np.zeros(len(frame), dtype=np.int64)
            self.keys = pd.DataFrame(index=pd.RangeIndex(1))
            self.n = 1
            self.complete = True
            return
        codes, values, sizes = [], [], []
        for column in by:
            c, v = _value_codes(frame[column], dropna)
            codes.append(c)
            values.append(v)
            sizes.append(len(v) + (0 if dropna else 1))
        valid = codes[0] >= 0
        combined = codes[0]
        for c, size in zip(codes[1:], sizes[1:]):
            valid &= c >= 0
            combined = combined * size + c
        space = int(np.prod(sizes, dtype=np.float64)) if sizes else 1
        if space <= DENSE_KEYS_LIMIT:
            every = bool(valid.all())
            seen = np.bincount(combined if every else combined[valid], minlength=space) > 0
            observed = np.flatnonzero(seen)
            number = np.full(space, -1, dtype=np.int64)
            number[observed] = np.arange(len(observed))
            self.rows = number[combined] if every else np.where(valid, number[np.where(valid, combined, 0)], -1)
        else:
            every = bool(valid.all())
            observed, inverse = np.unique(combined[valid], return_inverse=True)
            self.rows = np.full(len(frame), -1, dtype=np.int64)
            self.rows[valid] = inverse
        self.n = len(observed)
        self.complete = every  # every row is in a group
        keys = {}
        for column, v, size in zip(reversed(by), reversed(values), reversed(sizes)):
            digit = observed % size
            observed = observed // size
            keys[column] = _key_values(frame[column], v, digit)
        self.keys = pd.DataFrame({c: keys[c] for c in by})

    def count(self, flag: np.ndarray | None = None) -> np.ndarray:
        """Per group, the number of rows (where ``flag`` holds)."""
        if not self.by:
            return np.array([len(self.rows) if flag is None else int(np.count_nonzero(flag))], dtype=np.int64)
        if flag is None:
            rows = self.rows if self.complete else self.rows[self.rows >= 0]
        else:
            rows = self.rows[flag if self.complete else (self.rows >= 0) & flag]
        return np.bincount(rows, minlength=self.n).astype(np.int64)

    def crossed(self, codes: np.ndarray, width: int) -> np.ndarray:
        """Per group and code (0..width-1), the number of rows: a (groups, width) matrix; rows with code -1 left out."""
        every_code = len(codes) == 0 or int(codes.min()) >= 0
        if not self.by:
            return np.bincount(codes if every_code else codes[codes >= 0], minlength=width)[None, :].astype(np.int64)
        if self.complete and every_code:
            cells = self.rows * width + codes
        else:
            take = (self.rows >= 0) & (codes >= 0)
            cells = self.rows[take] * width + codes[take]
        return np.bincount(cells, minlength=self.n * width).reshape(self.n, width).astype(np.int64)

    def table(self, columns: dict[str, object]) -> pd.DataFrame:
        """The group keys followed by ``columns`` (arrays of one value per group)."""
        return pd.DataFrame({**{c: self.keys[c] for c in self.by}, **columns}, index=self.keys.index)


def _value_codes(column: pd.Series, dropna: bool = True) -> tuple[np.ndarray, pd.Index | pd.api.extensions.ExtensionArray]:
    """Codes of a column's values in sorted order (categories in their order); missing is -1, or one more code when not ``dropna``."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy().astype(np.int64)
        values = column.cat.categories
    elif (small := _small_integer_codes(column)) is not None:
        codes, values = small
    else:
        codes, values = pd.factorize(column, sort=True)
        codes = codes.astype(np.int64)
    if not dropna and len(codes) and int(codes.min()) < 0:
        codes = np.where(codes < 0, len(values), codes)
    return codes, values


# Integer columns spanning at most this many values (years) are coded by offset, not hashed.
SMALL_SPAN_LIMIT = 1 << 16


def _small_integer_codes(column: pd.Series) -> tuple[np.ndarray, pd.api.extensions.ExtensionArray] | None:
    """(codes, sorted values) of an integer column whose values span few numbers, as factorize(sort=True) gives them; else None."""
    if not (pd.api.types.is_integer_dtype(column.dtype) and isinstance(column.dtype, pd.Int64Dtype | np.dtype)):
        return None
    missing = column.isna().to_numpy()
    numbers = column.to_numpy(dtype=np.int64, na_value=0)
    if missing.all():
        return None
    present = numbers[~missing] if missing.any() else numbers
    low, high = int(present.min()), int(present.max())
    if high - low >= SMALL_SPAN_LIMIT:
        return None
    seen = np.bincount(present - low, minlength=high - low + 1) > 0
    code_of = np.cumsum(seen) - 1  # offset -> rank among the values present
    codes = code_of[np.where(missing, 0, numbers - low)]
    if missing.any():
        codes = np.where(missing, -1, codes)
    values = pd.array(np.flatnonzero(seen) + low, dtype=column.dtype)
    return codes.astype(np.int64), values


def _key_values(column: pd.Series, values, digits: np.ndarray):
    """The key column of the groups: the value of each group's code, in the column's dtype (missing for the missing group)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return pd.Categorical.from_codes(np.where(digits >= len(values), -1, digits), dtype=column.dtype)
    array = pd.array(values) if not isinstance(values, pd.api.extensions.ExtensionArray) else values
    if isinstance(values, pd.Index):
        array = values.array
    return array.take(np.where(digits >= len(values), -1, digits), allow_fill=True)


def _int64(values: np.ndarray) -> pd.arrays.IntegerArray:
    return pd.array(values.astype(np.int64), dtype="Int64")


def _persons(frame: pd.DataFrame) -> np.ndarray:
    """Per row, a number standing for its participant_id (-1 when missing): the prepared codes, or made now."""
    ids = frame[Participants.participant_id]
    if isinstance(ids.dtype, pd.CategoricalDtype):
        return ids.cat.codes.to_numpy().astype(np.int64)
    codes, _ = pd.factorize(ids)
    return codes.astype(np.int64)


def _distinct_people(groups: _Groups, persons: np.ndarray) -> np.ndarray:
    """Per group, the number of distinct persons (missing ids not counted), as ``nunique`` counts them."""
    take = (groups.rows >= 0) & (persons >= 0)
    rows, persons = groups.rows[take], persons[take]
    if not len(persons):
        return np.zeros(groups.n, dtype=np.int64)
    size = int(persons.max()) + 1
    if size > 32 * len(persons):  # a small selection of many people: number its persons afresh
        persons, uniques = pd.factorize(persons)
        size = len(uniques)
    # Most people enrol once: each of their rows is one distinct person of its group.
    # Only people with several rows need their (group, person) pairs de-duplicated.
    repeated = np.bincount(persons, minlength=size)[persons] > 1
    out = np.bincount(rows[~repeated], minlength=groups.n).astype(np.int64)
    rows, persons = rows[repeated], persons[repeated]
    if not len(persons):
        return out
    persons, uniques = pd.factorize(persons)
    size = len(uniques)
    if groups.n * size <= BITMAP_LIMIT:
        seen = np.zeros(groups.n * size, dtype=bool)
        seen[rows * size + persons] = True
        return out + np.count_nonzero(seen.reshape(groups.n, size), axis=1)
    pairs = pd.unique(rows * size + persons)
    return out + np.bincount(pairs // size, minlength=groups.n)


def _codes_of(column: pd.Series, categories: Sequence) -> np.ndarray:
    """Per row, the position of its value in ``categories``; -1 for missing or any other value."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        mapping = np.append(pd.Index(list(categories)).get_indexer(column.cat.categories), -1)
        return mapping[column.cat.codes.to_numpy()].astype(np.int64)
    return pd.Categorical(column.astype("object").where(column.notna(), None), categories=list(categories)).codes.astype(np.int64)


def _value_counts(groups: _Groups, column: pd.Series) -> tuple[np.ndarray, list]:
    """Per group, rows per value of ``column``: (matrix groups x (values + missing), values)."""
    codes, values = _value_codes(column, dropna=False)
    return groups.crossed(codes, len(values) + 1), list(values)


def _matching(counts: np.ndarray, values: list, wanted) -> np.ndarray:
    """Per group, the rows whose value satisfies ``wanted`` (a predicate on a non-missing value)."""
    columns = [i for i, v in enumerate(values) if wanted(v)]
    return counts[:, columns].sum(axis=1) if columns else np.zeros(len(counts), dtype=np.int64)


# --- participation and outcomes, counted in one pass ---------------------------------
PARTICIPATION = ("enrollments", "participants", "completed", "completion_base", "completion_rate",
                 "origin_known", "migrants", "migrant_share")
OUTCOME_SUMMARY = ("followed_up", "working", "working_rate", "relapsed", "relapse_rate",
                   "returned_home", "income_reported", "median_income")


def _is_one_of(column: pd.Series, values: Sequence) -> np.ndarray:
    """Boolean per row: the value is one of ``values`` (missing never is)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy()
        mask = np.zeros(len(codes), dtype=bool)
        for code in np.flatnonzero(column.cat.categories.isin(list(values))):
            mask |= codes == code  # comparing small integer codes: no lookup table per row
        return mask
    return column.isin(list(values)).fillna(False).to_numpy(dtype=bool)


def _working_incomes(participants: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(positions of the latest working outcomes that report an income, those incomes as float64)."""
    income = participants[LATEST_INCOME]
    positions = np.flatnonzero(_is_one_of(participants[LATEST_OUTCOME], WORKING_OUTCOMES)
                               & income.notna().to_numpy())
    return positions, income.array[positions].to_numpy(dtype="float64")


def _median_income(groups: _Groups, participants: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
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


def _people_figures(participants: pd.DataFrame, by: Dims, groups: _Groups | None = None,
                    wanted: Sequence[str] = (*PARTICIPATION, *OUTCOME_SUMMARY)) -> pd.DataFrame:
    """by + the ``wanted`` participation and outcome figures (same definitions as the functions below)."""
    groups = groups or _Groups(participants, by)
    wanted = set(wanted)
    counts: dict[str, np.ndarray] = {}
    if "enrollments" in wanted:
        counts["enrollments"] = groups.count()
    if "participants" in wanted:
        counts["participants"] = _distinct_people(groups, _persons(participants))
    if wanted & {"completed", "completion_base", "completion_rate"}:
        status, values = _value_counts(groups, participants[Participants.status])
        counts["completed"] = _matching(status, values, lambda v: v == STATUS_COMPLETED)
        counts["completion_base"] = _matching(status, values, lambda v: v in (STATUS_COMPLETED, STATUS_DROPPED))
    if wanted & {"origin_known", "migrants", "migrant_share"}:
        origin, values = _value_counts(groups, participants[ORIGIN_TYPE])
        counts["origin_known"] = _matching(origin, values, lambda v: v in (ORIGIN_LOCAL, ORIGIN_MIGRANT))
        counts["migrants"] = _matching(origin, values, lambda v: v == ORIGIN_MIGRANT)
    if wanted & set(OUTCOME_SUMMARY):
        latest, values = _value_counts(groups, participants[LATEST_OUTCOME])
        # Followed up: a latest outcome other than Tidak Diketahui; the others are counted among those.
        counts["followed_up"] = _matching(latest, values, lambda v: v != UNKNOWN)
        counts["working"] = _matching(latest, values, lambda v: v in WORKING_OUTCOMES and v != UNKNOWN)
        counts["relapsed"] = _matching(latest, values, lambda v: v == OUTCOME_RELAPSE)
        counts["returned_home"] = _matching(latest, values, lambda v: v == OUTCOME_RETURNED_HOME)
    median = None
    if wanted & {"income_reported", "median_income"}:
        counts["income_reported"], median = _median_income(groups, participants)
    columns: dict[str, object] = {}
    for name in (*PARTICIPATION, *OUTCOME_SUMMARY):
        if name not in wanted:
            continue
        if name == "median_income":
            columns[name] = median.astype("float64")
        elif name in RATES:
            columns[name] = _ratio(counts[RATES[name][0]], counts[RATES[name][1]])
        else:
            columns[name] = _int64(counts[name])
    return groups.table(columns)


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
                 categories: Sequence[str], count: str, ordered: bool = False) -> pd.DataFrame:
    """by + name + count: rows (a boolean selection) per group and value, every value of ``categories`` in every group with a selected row.

    ``codes``: per row, the position of its value in ``categories`` (-1: none
    of them; such a row still makes its group appear). With ``by=[]`` every
    value appears, 0 where absent.
    """
    if name in by:
        raise ValueError(f"cannot insert {name}, already exists")
    groups = _Groups(participants, by)
    width = len(categories)
    counts = groups.crossed(np.where(rows, codes, -1), width)
    keys = groups.keys
    if by:
        present = groups.count(rows) > 0  # groups of every row, kept where a selected row falls
        counts = counts[present]
        keys = keys[present].reset_index(drop=True)
    n = len(keys)
    out = keys.iloc[np.repeat(np.arange(n), width)].reset_index(drop=True)
    out[name] = pd.Categorical.from_codes(np.tile(np.arange(width), n), categories=list(categories), ordered=ordered)
    out[count] = _int64(counts.reshape(-1))
    return out


def outcome_mix(participants: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + outcome, outcome_count, outcome_total, outcome_share: each outcome's share of the latest outcomes.

    Every outcome value appears in every group (0 where absent), so a chart
    always shows the same categories in the same order.
    """
    latest = participants[LATEST_OUTCOME]
    counts = _every_value(participants, latest.notna().to_numpy(), by, "outcome", _codes_of(latest, OUTCOMES),
                          OUTCOMES, "outcome_count")
    width = len(OUTCOMES)
    totals = counts["outcome_count"].to_numpy(dtype=np.int64).reshape(-1, width).sum(axis=1)
    counts["outcome_total"] = _int64(np.repeat(totals, width))
    counts["outcome_share"] = _rate(counts["outcome_count"], counts["outcome_total"])
    return counts


def funnel(participants: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + stage, count: enrolled -> completed -> followed up -> working (stage in FUNNEL_STAGES order)."""
    stages = ("enrollments", "completed", "followed_up", "working")
    figures = _people_figures(participants, by, wanted=stages)
    # Long form, group by group (groups come sorted), the four stages in order within each.
    counts = np.column_stack([figures[s].to_numpy(dtype=np.int64) for s in stages]).reshape(-1)
    n = len(figures)
    long = figures[list(by)].iloc[np.repeat(np.arange(n), len(stages))].reset_index(drop=True)
    long["stage"] = pd.Categorical.from_codes(np.tile(np.arange(len(stages)), n), categories=list(FUNNEL_STAGES))
    long["count"] = _int64(counts)
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


def _amount_sums(groups: _Groups, amounts: np.ndarray) -> np.ndarray:
    """Per group, the sum of ``amounts`` (missing as 0), to the nearest float of the exact sum (as math.fsum).

    Whole rupiah are summed apart from the fractions that shared lines leave,
    so no rounding error builds up over many rows: the whole parts add
    exactly in float64 below 2**53, the fractions are each below one rupiah.
    """
    rows, values = groups.rows, amounts
    if not bool((rows >= 0).all()):
        take = rows >= 0
        rows, values = rows[take], values[take]
    if np.isnan(values).any():
        values = np.where(np.isnan(values), 0.0, values)
    whole = np.round(values)
    largest = max(abs(float(whole.min(initial=0))), abs(float(whole.max(initial=0))))
    if largest * max(len(whole), 1) < 2.0 ** 53:
        exact = np.bincount(rows, weights=whole, minlength=groups.n)
    else:  # too large to add exactly in float64: add the whole rupiah as integers
        totals = np.zeros(groups.n, dtype=np.int64)
        np.add.at(totals, rows, whole.astype(np.int64))
        exact = totals.astype("float64")
    fractions = np.bincount(rows, weights=values - whole, minlength=groups.n)
    return (exact + fractions).astype("float64")


def budget_summary(budget: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + allocated_idr, realized_idr, absorption_rate over (attributed) budget rows."""
    amounts = [Budget.allocated_idr, Budget.realized_idr]
    if not by:
        sums = budget[amounts].astype("float64").sum().to_frame().T
    else:
        # A missing village (the unattributed part) is a group of its own, listed last.
        groups = _Groups(budget, by, dropna=False)
        sums = groups.table({c: _amount_sums(groups, budget[c].to_numpy(dtype="float64", na_value=np.nan))
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
    people = _people_figures(participants, by, wanted=("participants", "working"))
    joined = _people_and_money(people, budget, participants, by)[[*by, "participants", "working", Budget.realized_idr]]
    out = joined.assign(
        participants=joined["participants"].fillna(0).astype("Int64"),
        working=joined["working"].fillna(0).astype("Int64"),
        realized_idr=joined[Budget.realized_idr].fillna(0.0).astype("float64"),
    )
    return _with_cost(out)


def summary(participants: pd.DataFrame, budget: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + every participation and outcome figure, plus the budget figures when ``by`` are budget dimensions."""
    out = _people_figures(participants, by)
    if set(by) <= BUDGET_DIMS:
        out = _with_cost(_people_and_money(out, budget, participants, by))
        # A group found in one table only: its counts and amounts read 0 (only such columns are touched).
        counts = [c for c in out.columns if str(out[c].dtype) == "Int64"]
        filled = {c: out[c].fillna(0) for c in counts if out[c].hasnans}
        filled |= {c: out[c].fillna(0.0) for c in (Budget.allocated_idr, Budget.realized_idr) if out[c].hasnans}
        if filled:
            out = out.assign(**filled)
    return out.reset_index(drop=True)


def year_on_year(by_year: pd.DataFrame, measure: str) -> tuple[float | None, float | None, float | None]:
    """(latest year's value, the year before's value, change) of ``measure`` in a by-year table; None where missing."""
    if by_year.empty:
        return (None, None, None)
    ordered = by_year.sort_values(Participants.year)
    values = pd.to_numeric(ordered[measure], errors="coerce").astype("float64").tolist()
    latest = values[-1] if not np.isnan(values[-1]) else None
    before = values[-2] if len(values) > 1 and not np.isnan(values[-2]) else None
    change = latest - before if latest is not None and before is not None else None
    return (latest, before, change)


# --- tables the dashboard's pages ask for by name --------------------------------
# Every table below names its count columns after lib.measures, so suppression
# (which reads the registry) knows which cells are counts of people.
def origin_split(participants: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + origin_type, enrollments: every origin type (Lokal, Pendatang, Tidak Diketahui) in every group, 0 where absent."""
    every = np.ones(len(participants), dtype=bool)
    return _every_value(participants, every, by, ORIGIN_TYPE, _codes_of(participants[ORIGIN_TYPE], ORIGIN_TYPES),
                        ORIGIN_TYPES, "enrollments")


def funnel_counts(participants: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + stage, enrollments: the funnel (enrolled -> completed -> followed up -> working) with its count as enrollments."""
    return funnel(participants, by).rename(columns={"count": "enrollments"})


def income_band_counts(participants: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + band, income_reported: latest working outcomes with an income per monthly income band."""
    return income_bands(participants, by).rename(columns={"count": "income_reported"})


EQUIPMENT_COLUMNS = (Budget.item, Budget.quantity, Budget.allocated_idr, Budget.realized_idr)


def equipment_lines(budget: pd.DataFrame, by: Dims = (Budget.year, Budget.program, Budget.organizer)) -> pd.DataFrame:
    """by + budget_share, item, quantity, allocated_idr, realized_idr: the equipment (category Peralatan) bought.

    Budget lines are not people: amounts and quantities are exact. The shared
    parts of a village-less line carry no quantity (a machine is not split
    between villages), so their quantity is missing, never invented.
    """
    keys = [*by, BUDGET_SHARE, Budget.item]
    rows = budget.iloc[np.flatnonzero(_is_one_of(budget[Budget.category], [CATEGORY_EQUIPMENT]))]
    groups = _Groups(rows, keys, dropna=False)
    quantity = rows[Budget.quantity]
    known = quantity.notna().to_numpy()
    # A line's quantity is summed where known; a group with none stays missing.
    counted = np.bincount(groups.rows[known], minlength=groups.n)
    total = np.bincount(groups.rows[known], weights=quantity.to_numpy(dtype="float64", na_value=0)[known],
                        minlength=groups.n)
    quantities = pd.array(np.round(total).astype(np.int64), dtype="Int64")
    quantities[counted == 0] = pd.NA
    return groups.table({
        Budget.quantity: quantities,
        **{c: _amount_sums(groups, rows[c].to_numpy(dtype="float64", na_value=np.nan))
           for c in (Budget.allocated_idr, Budget.realized_idr)},
    }).reset_index(drop=True)


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
    "budget": _budget_table(budget_summary),
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
