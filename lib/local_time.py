"""Moments as the department reads them: Kediri's West Indonesian Time (WIB).

Kediri keeps UTC+7 without daylight saving, so a fixed offset needs no time-zone
database on the server. Every moment or date a user is shown (the Akun and Audit
pages, the data version in use, the day a report is printed) is read here.
"""

from __future__ import annotations

import datetime as dt

LOCAL_TIMEZONE_NAME = "WIB"
WIB = dt.timezone(dt.timedelta(hours=7), LOCAL_TIMEZONE_NAME)


def local(moment: dt.datetime) -> dt.datetime:
    """``moment`` in Kediri's time; a moment without a zone is UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(WIB)


def wib(moment: dt.datetime) -> str:
    """``moment`` as local Kediri time, e.g. ``2024-05-01 10:05 WIB``; a moment without a zone is UTC."""
    return f"{local(moment):%Y-%m-%d %H:%M} {LOCAL_TIMEZONE_NAME}"


def today() -> dt.date:
    """Today's date in Kediri (WIB), e.g. the date a report says it was printed."""
    return dt.datetime.now(WIB).date()
