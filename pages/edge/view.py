"""What one run of an analysis page knows, read once and handed to everything below it.

The entry point reads the view once per run (``pages.edge.page.read_view``)
and hands it to the page it draws; the page passes it explicitly to every
figure, tile and download. Nothing below reads session state, settings or the
URL again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import NamedTuple

import streamlit as st

from lib.accounts import Account
from lib.filters import Filters, Offer, Problem, Scope
from lib.fmt import Lang
from lib.privacy import Rules
from lib.texts import text

_HANDED_KEY = "_tampilan"  # the view the entry point hands to the page it is about to draw


class DataKey(NamedTuple):
    """Which data is in use: the data folder and the id of the imported version (None: the bundled demo)."""

    folder: str
    version: str | None


@dataclass(frozen=True)
class View:
    """One run of an analysis page: whose, on which data, in which language, under which filters and privacy rules.

    ``problems``: what the page's link asks that the dashboard does not answer
    (the page then shows why and no figure). ``offered``: what each filter
    offers this account. ``page``: the page's title, for the audit log.
    ``today``: the day where the department works, written on downloads and saved chart images.
    """

    data: DataKey
    account: Account | None
    scope: Scope
    lang: Lang
    filters: Filters
    rules: Rules
    page: str = ""
    problems: tuple[Problem, ...] = ()
    offered: tuple[Offer, ...] = ()
    today: dt.date = dt.date(2000, 1, 1)

    def tr(self, key: str, **values: object) -> str:
        """Interface string ``key`` in the view's language."""
        return text(key, self.lang, **values)

    def narrowed(self, filters: Filters) -> View:
        """The same view under other filters (e.g. one village's profile)."""
        return replace(self, filters=filters)

    def offer(self, name: str) -> Offer:
        """What filter ``name`` offers this account."""
        return next(o for o in self.offered if o.spec.name == name)


def hand_over(view: View) -> None:
    """Give ``view`` to the page this run draws (the entry point calls this just before ``page.run()``)."""
    st.session_state[_HANDED_KEY] = view


def take() -> View | None:
    """The view the entry point handed to this run's page, once; None when the page runs without the entry point."""
    return st.session_state.pop(_HANDED_KEY, None)
