"""The grouping engine: rows numbered by their group once, then every figure is a bincount.

A breakdown is found once per table (not once per figure, as ``groupby``
would): each row gets the number of its group, and every count, sum of keys
(``lib.keys``) and sum of rupiah is then one ``np.bincount`` over integer
codes. Groups come sorted as pandas' ``groupby(by, observed=True, sort=True)``
sorts them. Pure numpy and pandas; used by ``lib.indicators``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from lib.keys import KEY_MODULUS
from lib.schema import Participants

# Above this many possible key combinations, groups are found by sorting instead of one counting pass.
DENSE_KEYS_LIMIT = 1 << 24
# Counting distinct people with one bit per (group, person) while that takes at most this many bytes.
BITMAP_LIMIT = 1 << 26

class Groups:
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
            c, v = value_codes(frame[column], dropna)
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
            keys[column] = key_values(frame[column], v, digit)
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

    def key_sum(self, keys: np.ndarray, flag: np.ndarray | None = None) -> np.ndarray:
        """Per group, the cell key of its rows (where ``flag`` holds): the sum of their ``keys`` modulo KEY_MODULUS."""
        weights = keys.astype("float64")
        if not self.by:
            return key_sums(np.array([weights.sum() if flag is None else weights[flag].sum()]))
        if flag is None:
            take = None if self.complete else self.rows >= 0
        else:
            take = flag if self.complete else (self.rows >= 0) & flag
        rows = self.rows if take is None else self.rows[take]
        return key_sums(np.bincount(rows, weights=weights if take is None else weights[take], minlength=self.n))

    def crossed_keys(self, codes: np.ndarray, width: int, keys: np.ndarray) -> np.ndarray:
        """Per group and code, the sum of ``keys`` of its rows (not yet reduced: see ``key_sums``), as ``crossed`` counts them."""
        weights = keys.astype("float64")
        every_code = len(codes) == 0 or int(codes.min()) >= 0
        if not self.by:
            take = codes >= 0
            return np.bincount(codes[take], weights=weights[take], minlength=width)[None, :]
        if self.complete and every_code:
            cells, w = self.rows * width + codes, weights
        else:
            take = (self.rows >= 0) & (codes >= 0)
            cells, w = self.rows[take] * width + codes[take], weights[take]
        return np.bincount(cells, weights=w, minlength=self.n * width).reshape(self.n, width)

    def table(self, columns: dict[str, object]) -> pd.DataFrame:
        """The group keys followed by ``columns`` (arrays of one value per group)."""
        return pd.DataFrame({**{c: self.keys[c] for c in self.by}, **columns}, index=self.keys.index)


def value_codes(column: pd.Series, dropna: bool = True) -> tuple[np.ndarray, pd.Index | pd.api.extensions.ExtensionArray]:
    """Codes of a column's values in sorted order (categories in their order); missing is -1, or one more code when not ``dropna``."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy().astype(np.int64)
        values = column.cat.categories
    elif (small := small_integer_codes(column)) is not None:
        codes, values = small
    else:
        codes, values = pd.factorize(column, sort=True)
        codes = codes.astype(np.int64)
    if not dropna and len(codes) and int(codes.min()) < 0:
        codes = np.where(codes < 0, len(values), codes)
    return codes, values


# Integer columns spanning at most this many values (years) are coded by offset, not hashed.
SMALL_SPAN_LIMIT = 1 << 16


def small_integer_codes(column: pd.Series) -> tuple[np.ndarray, pd.api.extensions.ExtensionArray] | None:
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


def key_values(column: pd.Series, values, digits: np.ndarray):
    """The key column of the groups: the value of each group's code, in the column's dtype (missing for the missing group)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return pd.Categorical.from_codes(np.where(digits >= len(values), -1, digits), dtype=column.dtype)
    array = pd.array(values) if not isinstance(values, pd.api.extensions.ExtensionArray) else values
    if isinstance(values, pd.Index):
        array = values.array
    return array.take(np.where(digits >= len(values), -1, digits), allow_fill=True)


def int64_array(values: np.ndarray) -> pd.arrays.IntegerArray:
    return pd.array(values.astype(np.int64), dtype="Int64")


def person_codes(frame: pd.DataFrame) -> np.ndarray:
    """Per row, a number standing for its participant_id (-1 when missing): the prepared codes, or made now."""
    ids = frame[Participants.participant_id]
    if isinstance(ids.dtype, pd.CategoricalDtype):
        return ids.cat.codes.to_numpy().astype(np.int64)
    codes, _ = pd.factorize(ids)
    return codes.astype(np.int64)


def distinct_people(groups: Groups, persons: np.ndarray, person_keys: np.ndarray | None = None
                    ) -> tuple[np.ndarray, np.ndarray | None]:
    """Per group, (the number of distinct persons, the sum of their person keys modulo KEY_MODULUS or None).

    Missing ids are not counted, as ``nunique`` counts them. ``person_keys``:
    per row, its person's key (the same on every row of one person).
    """
    take = (groups.rows >= 0) & (persons >= 0)
    rows, persons = groups.rows[take], persons[take]
    weights = None if person_keys is None else person_keys[take].astype("float64")
    if not len(persons):
        return np.zeros(groups.n, dtype=np.int64), None if weights is None else np.zeros(groups.n, dtype=np.int64)
    size = int(persons.max()) + 1
    if size > 32 * len(persons):  # a small selection of many people: number its persons afresh
        persons, uniques = pd.factorize(persons)
        size = len(uniques)
    # Most people enrol once: each of their rows is one distinct person of its group.
    # Only people with several rows need their (group, person) pairs de-duplicated.
    repeated = np.bincount(persons, minlength=size)[persons] > 1
    out = np.bincount(rows[~repeated], minlength=groups.n).astype(np.int64)
    keys = None if weights is None else np.bincount(rows[~repeated], weights=weights[~repeated], minlength=groups.n)
    rows, persons = rows[repeated], persons[repeated]
    if len(persons):
        persons, uniques = pd.factorize(persons)
        size = len(uniques)
        key_of = None
        if weights is not None:
            key_of = np.zeros(size)
            key_of[persons] = weights[repeated]  # every row of a person carries the same key
        if groups.n * size <= BITMAP_LIMIT:
            seen = np.zeros(groups.n * size, dtype=bool)
            seen[rows * size + persons] = True
            seen = seen.reshape(groups.n, size)
            out = out + np.count_nonzero(seen, axis=1)
            if key_of is not None:
                keys = keys + seen.astype("float64") @ key_of
        else:
            pairs = pd.unique(rows * size + persons)
            out = out + np.bincount(pairs // size, minlength=groups.n)
            if key_of is not None:
                keys = keys + np.bincount(pairs // size, weights=key_of[pairs % size], minlength=groups.n)
    return out, None if keys is None else key_sums(keys)


def key_sums(sums: np.ndarray) -> np.ndarray:
    """Sums of keys (exact in float64) as cell keys: modulo KEY_MODULUS, int64."""
    return np.mod(np.asarray(sums, dtype="float64"), KEY_MODULUS).astype(np.int64)


def codes_of(column: pd.Series, categories: Sequence) -> np.ndarray:
    """Per row, the position of its value in ``categories``; -1 for missing or any other value."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        mapping = np.append(pd.Index(list(categories)).get_indexer(column.cat.categories), -1)
        return mapping[column.cat.codes.to_numpy()].astype(np.int64)
    return pd.Categorical(column.astype("object").where(column.notna(), None), categories=list(categories)).codes.astype(np.int64)


def value_counts(groups: Groups, column: pd.Series, keys: np.ndarray | None = None
                 ) -> tuple[np.ndarray, np.ndarray | None, list]:
    """Per group, rows per value of ``column``: (matrix groups x (values + missing), the same of ``keys`` sums or None, values)."""
    codes, values = value_codes(column, dropna=False)
    width = len(values) + 1
    key_matrix = None if keys is None else groups.crossed_keys(codes, width, keys)
    return groups.crossed(codes, width), key_matrix, list(values)


def matching(counts: np.ndarray, values: list, wanted) -> np.ndarray:
    """Per group, the rows whose value satisfies ``wanted`` (a predicate on a non-missing value)."""
    columns = [i for i, v in enumerate(values) if wanted(v)]
    return counts[:, columns].sum(axis=1) if columns else np.zeros(len(counts), dtype=counts.dtype)


def is_one_of(column: pd.Series, values: Sequence) -> np.ndarray:
    """Boolean per row: the value is one of ``values`` (missing never is)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy()
        mask = np.zeros(len(codes), dtype=bool)
        for code in np.flatnonzero(column.cat.categories.isin(list(values))):
            mask |= codes == code  # comparing small integer codes: no lookup table per row
        return mask
    return column.isin(list(values)).fillna(False).to_numpy(dtype=bool)


def amount_sums(groups: Groups, amounts: np.ndarray) -> np.ndarray:
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

