"""Numbers, money, rates and dates in the reader's language (Babel locales).

Indonesian is the default: ``Rp 125.000.000``, ``Rp 125 jt`` (compact, for
axes and labels), ``12,5%``, ``1.234``, ``31 Maret 2024``. A missing value
("none": a rate whose denominator is 0) reads as a dash, never 0.
Hidden figures (privacy) are not this module's business: they are marked
before they get here.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal

import pandas as pd
from babel.dates import format_date
from babel.numbers import format_compact_decimal, format_decimal

Lang = Literal["id", "en"]
LANGS: tuple[Lang, ...] = ("id", "en")
NONE = "—"
NBSP = "\u00a0"
CURRENCY = "Rp"
# Measure kinds (lib.measures.Kind) and how each is written.
MONEY_KINDS = frozenset({"money", "money_per_person"})
RATE_KINDS = frozenset({"rate", "money_rate"})


def locale(lang: str) -> str:
    """The Babel locale of an interface language (unknown ones fall back to Indonesian)."""
    return "en" if lang == "en" else "id"


def is_none(value: object) -> bool:
    """True for None, pd.NA, NaN and NaT: a figure that has no value."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _number(value: object) -> float | None:
    if is_none(value):
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isinf(number) else number


def count(value: object, lang: str = "id") -> str:
    """``1234`` -> ``1.234`` (id) / ``1,234`` (en)."""
    number = _number(value)
    if number is None:
        return NONE
    return format_decimal(round(number), locale=locale(lang))


def decimal(value: object, lang: str = "id", digits: int = 1) -> str:
    """``1234.56`` -> ``1.234,6`` with ``digits`` decimals."""
    number = _number(value)
    if number is None:
        return NONE
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(number, format=pattern, locale=locale(lang))


def percent(value: object, lang: str = "id") -> str:
    """A rate in [0, 1] as a percentage with one decimal: ``0.125`` -> ``12,5%``."""
    number = _number(value)
    if number is None:
        return NONE
    return decimal(number * 100, lang, 1) + "%"


def rupiah(value: object, lang: str = "id") -> str:
    """Whole rupiah with grouping: ``Rp 125.000.000``."""
    number = _number(value)
    if number is None:
        return NONE
    sign = "-" if number < 0 else ""
    return f"{sign}{CURRENCY} {format_decimal(round(abs(number)), locale=locale(lang))}"


# The one compact-rupiah rule of tiles, chart labels and axes: up to two decimals of the unit, so one amount
# reads the same everywhere on a page and parts visibly add up (``Rp 21,26 jt``, ``Rp 1,03 M``).
COMPACT_DIGITS = 2


def rupiah_compact(value: object, lang: str = "id", digits: int = COMPACT_DIGITS) -> str:
    """Rupiah in short form for tiles, axes and bar labels: ``Rp 125 jt``, ``Rp 1,03 M`` (en: ``Rp 125M``), up to ``digits`` decimals."""
    number = _number(value)
    if number is None:
        return NONE
    sign = "-" if number < 0 else ""
    short = format_compact_decimal(abs(number), locale=locale(lang), fraction_digits=digits)
    # Babel puts a no-break space before "jt"; a plain one reads and searches the same everywhere.
    return f"{sign}{CURRENCY} {short.replace(NBSP, ' ')}"


def value(number: object, kind: str, lang: str = "id", compact: bool = False) -> str:
    """A figure written as its measure kind asks (count, rate, median, money, ...)."""
    if kind in RATE_KINDS:
        return percent(number, lang)
    if kind in MONEY_KINDS or kind == "median":
        return rupiah_compact(number, lang) if compact else rupiah(number, lang)
    return count(number, lang)


def change(delta: object, kind: str, lang: str = "id") -> str | None:
    """A year-on-year change with its sign: ``+12``, ``-2,5 poin``, ``+Rp 5 jt``; None when unknown.

    A change of a rate is in percentage points, not percent of the rate.
    """
    number = _number(delta)
    if number is None:
        return None
    sign = "+" if number > 0 else ("-" if number < 0 else "±")
    size = abs(number)
    if kind in RATE_KINDS:
        unit = " poin" if locale(lang) == "id" else " pts"
        return f"{sign}{decimal(size * 100, lang, 1)}{unit}"
    if kind in MONEY_KINDS or kind == "median":
        return f"{sign}{rupiah_compact(size, lang)}"
    return f"{sign}{count(size, lang)}"


def date(day: object, lang: str = "id") -> str:
    """``2024-03-31`` -> ``31 Maret 2024`` (id) / ``March 31, 2024`` (en)."""
    if is_none(day):
        return NONE
    if isinstance(day, str):
        day = dt.date.fromisoformat(day[:10])
    if isinstance(day, pd.Timestamp):
        day = day.date()
    if isinstance(day, dt.datetime):
        day = day.date()
    return format_date(day, format="long", locale=locale(lang))


# How a column of a download-ready table (see lib.export.display_frame) is read on screen.
ColumnFormat = Literal["count", "percent", "money", "text"]


def column_format(kind: str | None) -> ColumnFormat:
    """The screen format of a column holding figures of measure ``kind`` (None: a dimension)."""
    if kind in RATE_KINDS:
        return "percent"
    if kind in MONEY_KINDS or kind == "median":
        return "money"
    return "count" if kind == "count" else "text"


def screen_cell(value: object, form: ColumnFormat, lang: str = "id") -> str:
    """One cell as the reader sees it: numbers in the locale's format, text (``<5``, names) unchanged."""
    if isinstance(value, str):
        return value if value or form == "text" else NONE
    if is_none(value):
        return "" if form == "text" else NONE
    if form == "percent":  # already in percent (12.5), as downloads hold it
        return decimal(value, lang, 1) + "%"
    if form == "money":
        return rupiah(value, lang)
    if form == "count":
        return count(value, lang)
    return str(int(value)) if isinstance(value, float) and float(value).is_integer() else str(value)


def screen_frame(frame: pd.DataFrame, forms: list[ColumnFormat], lang: str = "id") -> pd.DataFrame:
    """``frame`` with every cell as text written by ``screen_cell``; ``forms`` gives each column's format, in order."""
    return pd.DataFrame(
        {column: [screen_cell(v, form, lang) for v in frame[column].tolist()]
         for column, form in zip(frame.columns, forms)},
        index=frame.index,
    ).astype("string")
