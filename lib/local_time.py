"""Moments as the department reads them: Kediri's West Indonesian Time (WIB).

Kediri keeps UTC+7 without daylight saving, so a fixed offset needs no time-zone
database on the server.
"""

from __future__ import annotations

import datetime as dt

WIB = dt.timezone(dt.timedelta(hours=7), "WIB")


def wib(moment: dt.datetime) -> str:
    """``moment`` as local Kediri time, e.g. ``2024-05-01 10:05 WIB``; a moment without a zone is UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return f"{moment.astimezone(WIB):%Y-%m-%d %H:%M} WIB"
