"""What is derived once per dataset, so every filter change is a cheap mask and groupby.

- participants gain the enrollment's site regency, whether the person is a
  migrant, and the enrollment's latest outcome and income;
- participant_id becomes a categorical in both participants and outcomes
  (one category list, sorted): each code is written once however often it
  recurs, a selection copies small integers instead of text, and counting
  distinct people is integer work;
- outcomes gain the index label of their enrollment in participants, so a
  filter selects the follow-ups of the selected enrollments without joining
  on text keys again (see ``lib.filters``);
- every enrollment gains its record key and person key (``lib.keys``), from
  which every count's cell key is summed;
- the budget is attributed to villages (lines with no village shared by
  published enrollments, or left unattributed), see ``attributed_budget``, then lines
  that no breakdown or filter can tell apart are merged (``budget_cells``):
  a million enrollments bring over a million attributed budget rows but only
  about a thousand distinct (year, program, organizer, village, category,
  item, funding source, share) cells, and every budget figure is a sum.

At national scale (a million enrollments, millions of follow-ups) joins on the
text key ``participant_id`` dominate, so every join here is done once, on
integer codes: the key columns are coded jointly across the two tables
(``_joint_codes``), combined into one integer per key, and matched by hashing
integers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from lib.keys import person_hashes, person_keys, record_keys
from lib.privacy import Rules, rounded_counts
from lib.schema import (
    BUDGET_SHARE,
    ENROLLMENT_KEY,
    SHARE_DIRECT,
    SHARE_SHARED,
    SHARE_UNATTRIBUTED,
    SITE_REGENCY,
    UNKNOWN,
    Budget,
    Dataset,
    Outcomes,
    Participants,
    Reference,
)

# Columns added to participants.
LATEST_OUTCOME = "latest_outcome"
LATEST_INCOME = "latest_income"
ORIGIN_TYPE = "origin_type"
ORIGIN_LOCAL, ORIGIN_MIGRANT, ORIGIN_UNKNOWN = "Lokal", "Pendatang", "Tidak Diketahui"
ORIGIN_TYPES = (ORIGIN_LOCAL, ORIGIN_MIGRANT, ORIGIN_UNKNOWN)
# Columns added to participants: the keys behind every cell key (never shown or exported).
RECORD_KEY = "record_key"
PERSON_KEY = "person_key"
# Column added to outcomes: the participants index label of the follow-up's enrollment, -1 when none.
ENROLLMENT_ROW = "enrollment_row"
NO_ENROLLMENT = -1
BUDGET_KEY = (Budget.year, Budget.program, Budget.organizer)
SHARES = [SHARE_DIRECT, SHARE_SHARED, SHARE_UNATTRIBUTED]


# --- integer codes of key columns ----------------------------------------------
def _dictionary_encoded(columns: Sequence[pd.Series]) -> pa.DictionaryArray:
    """The text columns one after another as one dictionary-encoded Arrow array.

    Arrow hashes text several times faster than pandas does (participant_id:
    millions of rows); an Arrow-backed column gives its chunks as they are.
    """
    chunks = []
    for column in columns:
        text = pa.array(column, type=pa.large_string())
        chunks += text.chunks if isinstance(text, pa.ChunkedArray) else [text]
    return pa.chunked_array(chunks, type=pa.large_string()).combine_chunks().dictionary_encode()


def _joint_codes(columns: Sequence[pd.Series]) -> tuple[list[np.ndarray], int]:
    """Integer codes of the values of ``columns`` (0..n-1), equal values equal codes across columns; missing: -1.

    Categorical columns keep their category order (the first column's
    categories first), so sorting by code sorts as pandas' groupby does.
    """
    if all(isinstance(c.dtype, pd.CategoricalDtype) for c in columns):
        categories = columns[0].cat.categories
        for column in columns[1:]:
            extra = column.cat.categories
            categories = categories.append(extra[~extra.isin(categories)])
        out = []
        for column in columns:
            mapping = np.append(categories.get_indexer(column.cat.categories), -1).astype(np.int64)
            out.append(mapping[column.cat.codes.to_numpy()])  # code -1 picks the appended -1
        return out, len(categories)
    bounds = np.cumsum([0, *(len(c) for c in columns)])
    if all(isinstance(c.dtype, pd.StringDtype) for c in columns):
        encoded = _dictionary_encoded(columns)
        codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        return [codes[a:b] for a, b in zip(bounds[:-1], bounds[1:])], len(encoded.dictionary)
    both = pd.concat([c.reset_index(drop=True) for c in columns], ignore_index=True)
    codes, uniques = pd.factorize(both, sort=True)
    return [codes[a:b].astype(np.int64) for a, b in zip(bounds[:-1], bounds[1:])], len(uniques)


def _person_codes(columns: Sequence[pd.Series]) -> tuple[list[np.ndarray], pd.CategoricalDtype]:
    """Codes of the participant_id values of ``columns`` in one sorted category list (missing: -1), and that dtype."""
    bounds = np.cumsum([0, *(len(c) for c in columns)])
    if all(isinstance(c.dtype, pd.StringDtype) for c in columns):
        encoded = _dictionary_encoded(columns)
        order = pc.array_sort_indices(encoded.dictionary).to_numpy()  # UTF-8 byte order is code point order
        rank = np.empty(len(order) + 1, dtype=np.int64)
        rank[order] = np.arange(len(order))
        rank[-1] = -1  # missing (-1) stays missing
        codes = rank[encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)]
        categories = pd.Index(pd.array(encoded.dictionary.take(pa.array(order)), dtype=columns[0].dtype))
    else:
        both = pd.concat([c.reset_index(drop=True).astype("object") for c in columns], ignore_index=True)
        codes, categories = pd.factorize(both, sort=True)
        categories = pd.Index(categories, dtype=columns[0].dtype if not isinstance(
            columns[0].dtype, pd.CategoricalDtype) else None)
    dtype = pd.CategoricalDtype(categories)
    return [codes[a:b].astype(np.int64) for a, b in zip(bounds[:-1], bounds[1:])], dtype


def _combine(keys: list[np.ndarray], codes: list[np.ndarray], n: int) -> list[np.ndarray]:
    # -1 (missing) becomes its own value n: pandas' merge matches missing with missing.
    return [k * (n + 1) + np.where(c < 0, n, c) for k, c in zip(keys, codes)]


def _combined_keys(frames: Sequence[pd.DataFrame], key: Sequence[str]) -> list[np.ndarray]:
    """One int64 per row of each frame for the values of ``key``; rows with equal keys (missing equal to missing) get equal numbers."""
    keys = [np.zeros(len(f), dtype=np.int64) for f in frames]
    for column in key:
        codes, n = _joint_codes([f[column] for f in frames])
        keys = _combine(keys, codes, n)
    return keys


def _observed_order(outcomes: pd.DataFrame) -> np.ndarray:
    """observed_on as int64, a missing date latest (as ``sort_values`` puts it last)."""
    observed = outcomes[Outcomes.observed_on]
    values = observed.to_numpy(dtype="datetime64[ns]").view(np.int64).copy()
    values[observed.isna().to_numpy()] = np.iinfo(np.int64).max
    return values


def _latest_rows(group: np.ndarray, observed: np.ndarray, n_groups: int) -> np.ndarray:
    """Per group (0..n_groups-1), the row with the latest ``observed`` (the last such row on a tie), or -1.

    ``group`` is -1 for rows in no group. Linear, unlike sorting: two passes of ``np.maximum.at``.
    """
    rows = np.flatnonzero(group >= 0)
    best = np.full(n_groups, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(best, group[rows], observed[rows])
    latest = rows[observed[rows] == best[group[rows]]]
    out = np.full(n_groups, -1, dtype=np.int64)
    np.maximum.at(out, group[latest], latest)
    return out


# --- derived columns -------------------------------------------------------------
def latest_outcomes(outcomes: pd.DataFrame) -> pd.DataFrame:
    """One row per enrollment: its follow-up with the latest ``observed_on`` (enrollment key, outcome, monthly_income_idr)."""
    cols = [*ENROLLMENT_KEY, Outcomes.outcome, Outcomes.monthly_income_idr]
    if outcomes.empty:
        return outcomes[cols].iloc[0:0]
    (keys,) = _combined_keys([outcomes], ENROLLMENT_KEY)
    group, uniques = pd.factorize(keys)
    observed = _observed_order(outcomes)
    rows = _latest_rows(group, observed, len(uniques))
    # In order of observation (ties in file order), as a stable sort by date would list them.
    rows = rows[np.lexsort((rows, observed[rows]))]
    return outcomes.iloc[rows][cols].reset_index(drop=True)


def origin_types(participants: pd.DataFrame, reference: Reference) -> pd.Series:
    """Per enrollment: Lokal, Pendatang (known origin regency differs from the site's), or Tidak Diketahui."""
    village = _as_categorical(participants[Participants.village])
    origin = _as_categorical(participants[Participants.origin_regency])
    # Decided once per (village, origin regency) pair of categories, then looked up per row.
    site_of = np.array([reference.sites.get(v) for v in village.categories] + [None], dtype=object)
    origins = np.array(list(origin.categories) + [None], dtype=object)
    known = np.array([o is not None and not pd.isna(o) and o != UNKNOWN for o in origins])
    local = site_of[:, None] == origins[None, :]
    kind = np.where(~known[None, :], 2, np.where(local, 0, 1)).astype(np.int8)
    codes = kind[village.codes, origin.codes]  # code -1 (missing) picks the appended None
    return pd.Series(pd.Categorical.from_codes(codes, categories=list(ORIGIN_TYPES)), index=participants.index)


def _as_categorical(column: pd.Series) -> pd.Categorical:
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.array
    return pd.Categorical(column.astype("object").where(column.notna(), None))


def _enrollments(participants: pd.DataFrame, outcomes: pd.DataFrame
                 ) -> tuple[list[np.ndarray], pd.CategoricalDtype, np.ndarray]:
    """(participant_id codes of participants and of outcomes, their dtype; per outcome row the position of its enrollment or -1)."""
    first, *rest = ENROLLMENT_KEY
    persons, dtype = _person_codes([participants[first], outcomes[first]])
    keys = _combine([np.zeros(len(participants), dtype=np.int64), np.zeros(len(outcomes), dtype=np.int64)],
                    persons, len(dtype.categories))
    for column in rest:
        codes, n = _joint_codes([participants[column], outcomes[column]])
        keys = _combine(keys, codes, n)
    index = pd.Index(keys[0])
    if not index.is_unique:
        raise pd.errors.MergeError("Merge keys are not unique in left dataset; not a one-to-one merge")
    return persons, dtype, index.get_indexer(keys[1]).astype(np.int64)


def enrollment_positions(participants: pd.DataFrame, outcomes: pd.DataFrame) -> np.ndarray:
    """Per outcome row, the position of its enrollment (same participant_id, year, program) in participants; -1 when none.

    Raises ``pandas.errors.MergeError`` when participants repeat an enrollment key.
    """
    return _enrollments(participants, outcomes)[2]


def prepared_participants(participants: pd.DataFrame, outcomes: pd.DataFrame, reference: Reference,
                          positions: np.ndarray | None = None) -> pd.DataFrame:
    """participants plus latest_outcome, latest_income, site_regency and origin_type.

    ``positions``: ``enrollment_positions(participants, outcomes)`` when already known.
    """
    if positions is None:
        positions = enrollment_positions(participants, outcomes)
    latest = _latest_rows(positions, _observed_order(outcomes), len(participants)) if len(outcomes) else (
        np.full(len(participants), -1, dtype=np.int64))
    site_regency = participants[Participants.village].map(reference.sites)
    return participants.assign(**{
        LATEST_OUTCOME: outcomes[Outcomes.outcome].array.take(latest, allow_fill=True),
        LATEST_INCOME: outcomes[Outcomes.monthly_income_idr].array.take(latest, allow_fill=True),
        SITE_REGENCY: site_regency.astype("category"),
        ORIGIN_TYPE: origin_types(participants, reference),
    })


def attributed_budget(budget: pd.DataFrame, participants: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """budget with every line attributed: budget_share = langsung | dibagi | tidak teratribusi.

    A line with no village is split over the villages in proportion to their
    *published* enrollments of its year, program and organizer (privacy.md:
    rounded by their cell keys, ``rules``; a hidden or zero count takes no
    share), so a shared amount tells nothing the published counts do not
    (amounts become fractions of rupiah); with nothing published to share by it
    stays one unattributed row. The sum of every amount is unchanged. Rows: the
    direct lines, then the shared parts (per line, villages in their category
    order), then the unattributed lines. ``participants`` carry RECORD_KEY.
    """
    amount_cols = [Budget.allocated_idr, Budget.realized_idr]
    budget = budget.assign(**{c: budget[c].astype("float64") for c in amount_cols})
    if budget.empty:
        return budget.assign(**{BUDGET_SHARE: pd.Categorical([], categories=SHARES)})
    has_village = budget[Budget.village].notna().to_numpy()
    direct = np.flatnonzero(has_village)
    open_lines = np.flatnonzero(~has_village)

    # Enrollments per (year, program, organizer) key and village, keys coded jointly with the budget's.
    key_b, key_p = np.zeros(len(budget), dtype=np.int64), np.zeros(len(participants), dtype=np.int64)
    valid_b, valid_p = np.ones(len(budget), dtype=bool), np.ones(len(participants), dtype=bool)
    for column in BUDGET_KEY:
        (codes_p, codes_b), n = _joint_codes([participants[column], budget[column]])
        key_b, key_p = key_b * n + codes_b, key_p * n + codes_p
        valid_b &= codes_b >= 0
        valid_p &= codes_p >= 0
    village_p = _as_categorical(participants[Participants.village])
    village_code = village_p.codes.astype(np.int64)
    valid_p &= village_code >= 0
    n_villages = len(village_p.categories)
    pairs, pair_of_row = np.unique(key_p[valid_p] * n_villages + village_code[valid_p], return_inverse=True)
    n = np.bincount(pair_of_row, minlength=len(pairs))
    cell_keys = np.bincount(pair_of_row, weights=participants[RECORD_KEY].to_numpy(dtype="float64")[valid_p],
                            minlength=len(pairs))
    published = np.nan_to_num(rounded_counts(n, cell_keys, rules)[0], nan=0.0)
    # Only villages with a published enrollment share a line.
    pairs, published = pairs[published > 0], published[published > 0]
    pair_key, pair_village = pairs // n_villages, pairs % n_villages
    key_start = np.flatnonzero(np.r_[True, pair_key[1:] != pair_key[:-1]]) if len(pairs) else pairs
    totals = (np.repeat(np.add.reduceat(published, key_start), np.diff(np.r_[key_start, len(pairs)]))
              if len(pairs) else published)
    share = published / totals if len(pairs) else published

    # Each open line matches the run of pairs with its key (pairs are sorted by key, then village).
    line_key = np.where(valid_b[open_lines], key_b[open_lines], -1)
    first = np.searchsorted(pair_key, line_key, side="left")
    matches = np.searchsorted(pair_key, line_key, side="right") - first
    shared_line = np.repeat(open_lines, matches)
    shared_pair = np.arange(matches.sum()) - np.repeat(np.cumsum(matches) - matches, matches) + np.repeat(first, matches)
    unattributed = open_lines[matches == 0]

    take = np.concatenate([direct, shared_line, unattributed])
    n_direct, n_shared = len(direct), len(shared_line)
    part = slice(n_direct, n_direct + n_shared)
    out = budget.iloc[take].reset_index(drop=True)
    amounts = {}
    for c in amount_cols:
        values = out[c].to_numpy(dtype="float64", copy=True)
        values[part] = values[part] * share[shared_pair]
        amounts[c] = values
    village = out[Budget.village].copy()
    shared_village = pd.Categorical.from_codes(pair_village[shared_pair], dtype=village_p.dtype)
    if isinstance(village.dtype, pd.CategoricalDtype):
        # Villages outside the budget's categories become missing, as re-typing to them would.
        mapping = np.append(village.cat.categories.get_indexer(village_p.categories), -1)
        codes = village.cat.codes.to_numpy().copy()
        codes[part] = mapping[pair_village[shared_pair]]
        village = pd.Series(pd.Categorical.from_codes(codes, dtype=village.dtype), index=out.index)
    else:
        village.iloc[part] = np.asarray(shared_village, dtype=object)
    # Quantities are not shared (a machine is not split between villages): every shared part carries
    # its line's whole quantity, so it is read once per line (lib.indicators.equipment_lines), never summed
    # over villages.
    quantity = out[Budget.quantity].copy()
    share_codes = np.repeat(np.arange(3, dtype=np.int8), [n_direct, n_shared, len(unattributed)])
    return out.assign(**amounts, **{
        Budget.village: village,
        Budget.quantity: quantity,
        BUDGET_SHARE: pd.Categorical.from_codes(share_codes, categories=SHARES),
    })


# What a budget figure can be broken down or filtered by: lines equal in all of these are one cell.
BUDGET_CELL = (Budget.year, Budget.program, Budget.organizer, Budget.village, Budget.category, Budget.item,
               Budget.funding_source, BUDGET_SHARE)
AMOUNT_COLUMNS = (Budget.allocated_idr, Budget.realized_idr)


def budget_cells(budget: pd.DataFrame) -> pd.DataFrame:
    """BUDGET_CELL + quantity, allocated_idr, realized_idr: one row per cell of equal lines, sorted (missing last).

    Amounts are summed exactly (whole rupiah as integers, the fractions that
    shared lines leave apart), missing as 0; a cell's quantity is the sum of
    its lines' known quantities, missing when none is known. Every sum over
    cells equals the sum over the lines they merge.
    """
    keys = [c for c in BUDGET_CELL if c in budget.columns]
    columns = [*keys, Budget.quantity, *AMOUNT_COLUMNS]
    if Budget.quantity not in budget.columns:
        budget = budget.assign(**{Budget.quantity: pd.array([pd.NA] * len(budget), dtype="Int64")})
    if budget.empty:
        return budget[columns].reset_index(drop=True)
    parts = {}
    for c in AMOUNT_COLUMNS:
        values = budget[c].to_numpy(dtype="float64", na_value=np.nan)
        values = np.where(np.isnan(values), 0.0, values)
        whole = np.round(values)
        parts[f"{c} whole"], parts[f"{c} fraction"] = whole.astype(np.int64), values - whole
    grouped = budget[[*keys, Budget.quantity]].assign(**parts).groupby(keys, observed=True, sort=True,
                                                                       dropna=False)
    sums = grouped[list(parts)].sum()
    out = pd.concat([grouped[Budget.quantity].sum(min_count=1).astype("Int64"),
                     *[(sums[f"{c} whole"].astype("float64") + sums[f"{c} fraction"]).rename(c)
                       for c in AMOUNT_COLUMNS]], axis=1).reset_index()
    return out.astype({c: budget[c].dtype for c in keys})[columns]


def prepared(dataset: Dataset, secret: bytes, rules: Rules) -> Dataset:
    """The dataset with derived columns added once (idempotent), its keys made with ``secret``.

    ``rules``: the privacy rules the budget is shared by (published enrollments).
    """
    if LATEST_OUTCOME in dataset.participants.columns:
        return dataset
    (persons, follow_up_persons), person, positions = _enrollments(dataset.participants, dataset.outcomes)
    participants = prepared_participants(dataset.participants, dataset.outcomes, dataset.reference, positions)
    source = dataset.participants
    ids = pd.Series(pd.Categorical.from_codes(persons, dtype=person), index=source.index)
    hashes = person_hashes(ids, secret)  # one HMAC per person, shared by both keys
    participants = participants.assign(**{
        Participants.participant_id: ids,
        RECORD_KEY: record_keys(ids, source[Participants.year], source[Participants.program], secret, hashes),
        PERSON_KEY: person_keys(ids, secret, hashes)})
    outcomes = dataset.outcomes.assign(**{
        Outcomes.participant_id: pd.Categorical.from_codes(follow_up_persons, dtype=person)})
    if pd.api.types.is_integer_dtype(participants.index.dtype):
        labels = participants.index.to_numpy(dtype=np.int64)
        found = positions >= 0
        rows = np.full(len(outcomes), NO_ENROLLMENT, dtype=np.int64)
        rows[found] = labels[positions[found]]
        outcomes = outcomes.assign(**{ENROLLMENT_ROW: rows})
    budget = budget_cells(attributed_budget(dataset.budget, participants, rules))
    return replace(dataset, participants=participants, outcomes=outcomes, budget=budget)
