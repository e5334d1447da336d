"""What signing in shows and where it leads (lib.sign_in), and moments in WIB (lib.local_time): pure, no Streamlit."""

from __future__ import annotations

import datetime as dt

import pytest

from lib.accounts import Account
from lib.local_time import WIB, wib
from lib.sign_in import LOGIN_PATH, describe_account, return_address

MADE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize("url, query, expected", [
    ("http://localhost:8501/hasil", [("desa", "Pare")], "/hasil?desa=Pare"),
    ("http://localhost:8501/hasil", [("desa", "Pare"), ("desa", "Gurah")], "/hasil?desa=Pare&desa=Gurah"),
    ("http://localhost:8501/", [], "/"),
    ("", [], "/"),
    (f"http://localhost:8501/{LOGIN_PATH}", [], "/"),  # the login page's own address leads home
    (f"https://dasbor.kedirikab.go.id/dasbor/{LOGIN_PATH}/", [("bahasa", "en")], "/dasbor/?bahasa=en"),
    ("http://localhost:8501/program", [("tahun", "2021-2025"), ("peran", "Warga Terdampak")],
     "/program?tahun=2021-2025&peran=Warga+Terdampak"),
])
def test_return_address_is_the_page_and_its_query_never_the_login_page(url, query, expected):
    assert return_address(url, query) == expected


@pytest.mark.parametrize("account, expected", [
    (Account("ani", "admin", (), MADE), "**ani** · Admin · semua desa"),
    (Account("ani", "admin", ("Pare",), MADE), "**ani** · Admin · semua desa"),  # an admin is never limited
    (Account("budi", "viewer", (), MADE), "**budi** · Pembaca · semua desa"),
    (Account("kades", "viewer", ("Pare", "Gurah"), MADE), "**kades** · Pembaca · Pare, Gurah"),
])
def test_the_account_line_names_role_and_villages(account, expected):
    assert describe_account(account) == expected


@pytest.mark.parametrize("moment, expected", [
    (dt.datetime(2024, 5, 1, 3, 5, tzinfo=dt.UTC), "2024-05-01 10:05 WIB"),
    (dt.datetime(2024, 5, 1, 3, 5), "2024-05-01 10:05 WIB"),  # without a zone: UTC, as stored
    (dt.datetime(2024, 12, 31, 20, 0, tzinfo=dt.UTC), "2025-01-01 03:00 WIB"),  # the new year comes at 17:00 UTC
    (dt.datetime(2024, 5, 1, 10, 5, tzinfo=WIB), "2024-05-01 10:05 WIB"),
])
def test_wib_is_kediri_time(moment, expected):
    assert wib(moment) == expected
