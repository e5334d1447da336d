"""Which figures may be shown, and how: every count of people published consistently (privacy.md).

The one route from a computed (raw) table to anything a person sees is
``publishable``. Its rules, for threshold k and rounding base b (``Rules``):

1. A count of people of 0 is 0; from 1 to k-1 it is hidden (``<k``); from k
   up it is rounded to a multiple of b, down or up with odds in proportion to
   how close it is (12 becomes 10 three times in five and 15 twice in five),
   the direction fixed by the count's *cell key*: the sum of the record keys
   (or person keys, for distinct people) of the rows it counts, modulo
   ``lib.keys.KEY_MODULUS``. The raw tables of ``lib.indicators`` carry that
   sum beside each count (``key_column``). So one group of people gets one
   published number in every table, filter, page, download and report, the
   difference of two published counts is a multiple of b, and rounding is
   unbiased over many cells. Nothing else needs hiding: a breakdown's parts
   are each rounded on their own and need not add up to its total.
2. A rate or share is the published numerator over the published base, shown
   when the published base is at least 2b (and capped at 100%: two roundings
   can put a numerator above its base); a rate of a hidden numerator is hidden.
3. A median (income) is shown when the published count behind it is at least
   2b, rounded to the nearest ``MEDIAN_STEP`` rupiah.
4. A rupiah amount per person divides the exact amount by the published
   count, shown when that count is at least 2b.
5. Budget sums and the absorption rate are not counts of people: exact.

A published table keeps its dimension columns and figures (hidden cells
<NA>), drops every key column, and carries, per figure, a column of reason
codes (``reason_column``: "" where shown). The words for a reason are made at
the edge, in the reader's language (``privacy_note``, ``lib.texts``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.keys import KEY_MODULUS
from lib.measures import BY_NAME, label

DEFAULT_K = 5
DEFAULT_B = 5
MEDIAN_STEP = 50_000  # a median income is shown to the nearest Rp 50.000

# Why a figure is hidden: one code per hidden cell ("" = shown).
SMALL = "small"                        # a count of people from 1 to k-1
BASE_SMALL = "base_small"              # rests on a published count below 2b
BASE_HIDDEN = "base_hidden"            # rests on a hidden count
NUMERATOR_HIDDEN = "numerator_hidden"  # a rate of a hidden count
REASONS = (SMALL, BASE_SMALL, BASE_HIDDEN, NUMERATOR_HIDDEN)

KEY_SUFFIX = "__ckey"      # raw tables: the cell key of a count column
REASON_SUFFIX = "__hidden"  # published tables: the reason code of a figure column

# "{label}", "{k}" and "{base}" (2b) are filled in.
NOTE_TEMPLATES: dict[str, dict[str, str]] = {
    "id": {
        SMALL: "{label} <{k} disembunyikan",
        BASE_SMALL: "{label} disembunyikan (dasar kurang dari {base} orang)",
        BASE_HIDDEN: "{label} disembunyikan (dasar disembunyikan)",
        NUMERATOR_HIDDEN: "{label} disembunyikan (pembilang disembunyikan)",
    },
    "en": {
        SMALL: "{label} <{k} hidden",
        BASE_SMALL: "{label} hidden (base below {base} people)",
        BASE_HIDDEN: "{label} hidden (base hidden)",
        NUMERATOR_HIDDEN: "{label} hidden (numerator hidden)",
    },
}
NOTE_SEPARATOR = "; "


@dataclass(frozen=True)
class Rules:
    """The administrator's privacy settings: threshold ``k`` and rounding base ``b`` (2 <= b <= k)."""

    k: int = DEFAULT_K
    b: int = DEFAULT_B

    def __post_init__(self) -> None:
        if self.k < 2:
            raise ValueError("Ambang k (DASBOR_PRIVACY_K) harus 2 atau lebih.")
        if not 2 <= self.b <= self.k:
            # b > k would round a count of k..b-1 down to 0, which reads as "nobody";
            # b = 1 would publish exact counts, which differencing gives away.
            raise ValueError("Basis pembulatan b (DASBOR_PRIVACY_B) harus antara 2 dan k.")

    @property
    def min_base(self) -> int:
        """The least published count a rate, median or per-person amount may rest on: 2b."""
        return 2 * self.b


def as_rules(rules: Rules | int) -> Rules:
    """``rules``, or the rules of threshold ``rules`` with the default base (never above k)."""
    return rules if isinstance(rules, Rules) else Rules(k=int(rules), b=min(DEFAULT_B, int(rules)))


class MissingBaseError(ValueError):
    """A rate, median or per-person figure whose base or numerator count is not in the table."""

    def __init__(self, measure: str, missing: str):
        self.measure = measure
        self.missing = missing
        super().__init__(f"Kolom {measure!r} butuh kolom {missing!r} di tabel yang sama untuk dipublikasikan.")


class MissingKeyError(ValueError):
    """A count of people without its cell key: it cannot be rounded consistently."""

    def __init__(self, column: str):
        self.column = column
        super().__init__(f"Kolom jumlah orang {column!r} tidak membawa kunci sel {key_column(column)!r}.")


class NotPublishedError(ValueError):
    """A table read as published that did not pass through ``publishable``: its figures are raw."""

    def __init__(self, columns: list[str]):
        self.columns = columns
        super().__init__("Tabel belum melewati pemeriksaan privasi (tidak ada kolom alasan).")


def small_label(k: int) -> str:
    """How a small count reads: ``<5`` for k = 5."""
    return f"<{k}"


def key_column(count: str) -> str:
    """The column of a raw table holding the cell key of count column ``count``."""
    return f"{count}{KEY_SUFFIX}"


def reason_column(figure: str) -> str:
    """The column of a published table holding the reason codes of figure column ``figure``."""
    return f"{figure}{REASON_SUFFIX}"


def _is_internal(column: str) -> bool:
    return column.endswith(KEY_SUFFIX) or column.endswith(REASON_SUFFIX)


def figure_columns(table: pd.DataFrame) -> list[str]:
    """The figure columns (named in ``lib.measures``) of a raw or published table, in table order."""
    return [c for c in table.columns if c in BY_NAME]


def dimension_columns(table: pd.DataFrame) -> list[str]:
    """The dimension columns of a raw or published table: neither figures, cell keys nor reason codes."""
    return [c for c in table.columns if c not in BY_NAME and not _is_internal(c)]


def is_published(table: pd.DataFrame) -> bool:
    """Whether ``table`` came from ``publishable`` (it carries reason columns and no cell keys)."""
    columns = list(table.columns)
    return (not any(c.endswith(KEY_SUFFIX) for c in columns)
            and all(reason_column(c) in table.columns for c in figure_columns(table))
            and (bool(figure_columns(table)) or any(c.endswith(REASON_SUFFIX) for c in columns)))


# --- the rules ------------------------------------------------------------------------
def rounded_counts(counts: np.ndarray, cell_keys: np.ndarray, rules: Rules) -> tuple[np.ndarray, np.ndarray]:
    """(published counts as float64, NaN where hidden or missing; reason codes) of exact counts and their cell keys.

    0 stays 0; 1..k-1 is hidden (SMALL); from k up, the count n goes to the
    multiple of b below it, or the one above it when cell_key / KEY_MODULUS
    falls below (n mod b) / b: up with odds (n mod b) / b, so the expected
    published value is n.
    """
    n = np.asarray(counts, dtype="float64")
    keys = np.asarray(cell_keys, dtype="float64")
    b = float(rules.b)
    below = np.floor(n / b) * b
    remainder = n - below
    up = (np.mod(keys, KEY_MODULUS) / KEY_MODULUS) < (remainder / b)
    out = below + np.where(up, b, 0.0)
    small = (n >= 1) & (n < rules.k)
    out = np.where(n == 0, 0.0, np.where(small, np.nan, out))
    reasons = np.where(small, SMALL, "").astype(object)
    return out, reasons


def _numeric(series: pd.Series) -> np.ndarray:
    """The column as float64, NaN where missing or not a number."""
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        return series.to_numpy(dtype="float64", na_value=np.nan)  # already numbers: no parsing
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


REASON_DTYPE = pd.CategoricalDtype(["", *REASONS])  # a published table's reason columns: one small code per cell
_CODE = {reason: i for i, reason in enumerate(REASON_DTYPE.categories)}


def _based(base_values: np.ndarray, base_codes: np.ndarray, rules: Rules) -> np.ndarray:
    """Reason codes (``_CODE``) of a figure resting on a published base: BASE_HIDDEN, BASE_SMALL (1 to 2b-1) or shown.

    A base of 0 hides nothing: the figure is "none" (a dash), as on an empty selection.
    """
    base = np.nan_to_num(base_values, nan=0.0)
    return np.where(base_codes != 0, _CODE[BASE_HIDDEN],
                    np.where((base > 0) & (base < rules.min_base), _CODE[BASE_SMALL], 0)).astype(np.int8)


def publishable(table: pd.DataFrame, dims: Sequence[str], rules: Rules | int) -> pd.DataFrame:
    """The table as it may be shown: its rows, dimensions and figures published, cell keys dropped, reason columns added.

    ``dims``: the dimension columns; every other column named in
    ``lib.measures`` is a figure. Every count of people needs its cell key
    column (``key_column``); a rate needs its numerator and base, a median and
    a per-person amount their base, in the same table.
    """
    rules = as_rules(rules)
    missing = [d for d in dims if d not in table.columns]
    if missing:
        raise KeyError(f"dimension columns not in the table: {missing}")
    if any(c.endswith(REASON_SUFFIX) for c in table.columns):
        raise ValueError("the table is already published (it has reason columns)")
    figures = figure_columns(table)
    raw = {c: _numeric(table[c]) for c in figures}
    values: dict[str, np.ndarray] = {}
    codes: dict[str, np.ndarray] = {}

    for c in figures:  # counts first: everything else rests on them
        if BY_NAME[c].kind != "count":
            continue
        if key_column(c) not in table.columns:
            raise MissingKeyError(c)
        values[c], _ = rounded_counts(raw[c], _numeric(table[key_column(c)]), rules)
        codes[c] = np.where((raw[c] >= 1) & (raw[c] < rules.k), _CODE[SMALL], 0).astype(np.int8)

    def count(name: str, of: str) -> tuple[np.ndarray, np.ndarray]:
        if name not in values:
            raise MissingBaseError(of, name)
        return values[name], codes[name]

    for c in figures:
        m = BY_NAME[c]
        if m.kind == "rate":
            num, num_codes = count(m.numerator, c)
            base, base_codes = count(m.base, c)
            code = np.where(num_codes != 0, _CODE[NUMERATOR_HIDDEN], _based(base, base_codes, rules)).astype(np.int8)
            with np.errstate(invalid="ignore", divide="ignore"):
                rate = np.where(base > 0, np.minimum(num / np.where(base > 0, base, 1.0), 1.0), np.nan)
            values[c], codes[c] = np.where(code != 0, np.nan, rate), code
        elif m.kind == "median":
            base, base_codes = count(m.base, c)
            code = _based(base, base_codes, rules)
            values[c], codes[c] = np.where(code != 0, np.nan, np.round(raw[c] / MEDIAN_STEP) * MEDIAN_STEP), code
        elif m.kind == "money_per_person":
            base, base_codes = count(m.base, c)
            code = _based(base, base_codes, rules)
            with np.errstate(invalid="ignore", divide="ignore"):
                amount = raw[c] * raw[m.base]  # the exact rupiah behind the raw per-person figure
                per_person = np.where(base > 0, amount / np.where(base > 0, base, 1.0), np.nan)
            values[c], codes[c] = np.where(code != 0, np.nan, per_person), code
        elif m.kind != "count":  # money, money_rate: not people, exact
            values[c], codes[c] = raw[c], np.zeros(len(table), dtype=np.int8)

    columns: dict[str, object] = {}
    for c in table.columns:
        if _is_internal(c):
            continue
        if c not in values:
            columns[c] = table[c]
        elif BY_NAME[c].kind == "count":
            hidden = np.isnan(values[c])
            columns[c] = pd.arrays.IntegerArray(np.where(hidden, 0, values[c]).astype(np.int64), hidden)
        else:
            columns[c] = values[c].astype("float64")
    for c in figures:
        columns[reason_column(c)] = pd.Categorical.from_codes(codes[c], dtype=REASON_DTYPE)
    return pd.DataFrame(columns, index=table.index)


# --- reading a published table back -----------------------------------------
def hidden_reasons(pub: pd.DataFrame) -> pd.DataFrame:
    """Per figure column of a published table: the reason code of each hidden cell, "" where shown."""
    figures = figure_columns(pub)
    if not is_published(pub):
        raise NotPublishedError(list(pub.columns))
    codes = np.empty((len(pub), len(figures)), dtype=object)  # one block: a frame of many columns builds slowly
    for j, c in enumerate(figures):
        codes[:, j] = _codes_as_text(pub[reason_column(c)])
    return pd.DataFrame(codes, index=pub.index, columns=figures, dtype=object, copy=False)


# The reason codes of REASON_DTYPE by category code; code -1 (a missing cell) reads "" as the last item.
_REASON_TEXTS = np.array([*REASON_DTYPE.categories, ""], dtype=object)


def _codes_as_text(column: pd.Series) -> np.ndarray:
    """A reason column's codes as Python strings (fast for the reason dtype: no per-cell conversion)."""
    if column.dtype == REASON_DTYPE:
        return _REASON_TEXTS[column.array.codes]
    return np.asarray(column, dtype=object)


def hidden_mask(pub: pd.DataFrame) -> pd.DataFrame:
    """Per figure column of a published table: True where the figure is hidden."""
    return hidden_reasons(pub).ne("").astype(bool)


def reason_words(code: str, figure: str, rules: Rules | int, lang: str = "id") -> str:
    """Why ``figure`` is hidden, in ``lang`` ("" for a shown figure)."""
    if not code:
        return ""
    rules = as_rules(rules)
    template = NOTE_TEMPLATES["en" if lang == "en" else "id"][code]
    return template.format(label=label(figure, lang), k=rules.k, base=rules.min_base)


def privacy_note(reasons: pd.DataFrame, rules: Rules | int, lang: str = "id") -> pd.Series:
    """Per row of ``reasons`` (a reason code per figure cell): which figures are hidden and why, in ``lang``."""
    rules = as_rules(rules)
    segments = []
    for column in reasons.columns:
        words = {code: reason_words(code, column, rules, lang) for code in REASONS}
        segments.append([words.get(code, "") for code in reasons[column].tolist()])
    notes = [NOTE_SEPARATOR.join(filter(None, row)) for row in zip(*segments)] if segments else [""] * len(reasons)
    return pd.Series(notes, index=reasons.index, dtype="str", name="privacy_note")
