"""Numbers, money, rates and dates as Indonesian (and English) readers write them."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib import fmt


@pytest.mark.parametrize("value, lang, expected", [
    (1234, "id", "1.234"),
    (1234, "en", "1,234"),
    (1234567, "id", "1.234.567"),
    (0, "id", "0"),
    (7.0, "id", "7"),
    (np.int64(25), "id", "25"),
    (None, "id", "—"),
    (pd.NA, "id", "—"),
    (math.nan, "en", "—"),
])
def test_count(value, lang, expected):
    assert fmt.count(value, lang) == expected


@pytest.mark.parametrize("value, lang, expected", [
    (0.125, "id", "12,5%"),
    (0.125, "en", "12.5%"),
    (1.0, "id", "100,0%"),
    (0.0, "id", "0,0%"),
    (0.33333, "id", "33,3%"),
    (None, "id", "—"),
    (math.nan, "id", "—"),
])
def test_percent_has_one_decimal(value, lang, expected):
    assert fmt.percent(value, lang) == expected


@pytest.mark.parametrize("value, lang, expected", [
    (125_000_000, "id", "Rp 125.000.000"),
    (125_000_000, "en", "Rp 125,000,000"),
    (2_820_492.31, "id", "Rp 2.820.492"),
    (0, "id", "Rp 0"),
    (-5_000, "id", "-Rp 5.000"),
    (pd.NA, "id", "—"),
])
def test_rupiah(value, lang, expected):
    assert fmt.rupiah(value, lang) == expected


@pytest.mark.parametrize("value, lang, digits, expected", [
    (125_000_000, "id", 1, "Rp 125 jt"),
    (125_000_000, "en", 1, "Rp 125M"),
    (2_532_425_000, "id", 2, "Rp 2,53 M"),
    (123_800, "id", 1, "Rp 123,8 rb"),
    (950, "id", 1, "Rp 950"),
    (None, "id", 1, "—"),
])
def test_rupiah_compact(value, lang, digits, expected):
    assert fmt.rupiah_compact(value, lang, digits) == expected


@pytest.mark.parametrize("value, kind, compact, expected", [
    (12, "count", False, "12"),
    (0.5, "rate", False, "50,0%"),
    (0.924, "money_rate", False, "92,4%"),
    (1_650_000, "median", False, "Rp 1.650.000"),
    (1_650_000, "money_per_person", True, "Rp 1,65 jt"),
    (125_000_000, "money", True, "Rp 125 jt"),
    (math.nan, "rate", False, "—"),
])
def test_value_follows_the_measure_kind(value, kind, compact, expected):
    assert fmt.value(value, kind, "id", compact=compact) == expected


@pytest.mark.parametrize("delta, kind, lang, expected", [
    (12, "count", "id", "+12"),
    (-86, "count", "id", "-86"),
    (0, "count", "id", "±0"),
    (-0.016, "rate", "id", "-1,6 poin"),
    (0.004, "money_rate", "en", "+0.4 pts"),
    (6_700_000, "money", "id", "+Rp 6,7 jt"),
    (None, "count", "id", None),
    (math.nan, "rate", "id", None),
])
def test_change_has_a_sign_and_points_for_rates(delta, kind, lang, expected):
    assert fmt.change(delta, kind, lang) == expected


@pytest.mark.parametrize("day, lang, expected", [
    (dt.date(2024, 3, 31), "id", "31 Maret 2024"),
    (dt.date(2024, 3, 31), "en", "March 31, 2024"),
    ("2024-08-17", "id", "17 Agustus 2024"),
    (pd.Timestamp("2024-01-05 10:00"), "id", "5 Januari 2024"),
    (dt.datetime(2024, 12, 1, 8, 0), "id", "1 Desember 2024"),
    (None, "id", "—"),
    (pd.NaT, "id", "—"),
])
def test_date(day, lang, expected):
    assert fmt.date(day, lang) == expected


@pytest.mark.parametrize("lang, expected", [("id", "id"), ("en", "en"), ("fr", "id"), ("", "id")])
def test_unknown_language_falls_back_to_indonesian(lang, expected):
    assert fmt.locale(lang) == expected


@given(st.integers(min_value=0, max_value=10**13))
@settings(deadline=None)
def test_rupiah_reads_back_as_the_same_integer(amount):
    text = fmt.rupiah(amount, "id")
    assert text.startswith("Rp ")
    assert int(text[3:].replace(".", "")) == amount
