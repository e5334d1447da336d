"""The start of every run: the view read once (entry point), and the head of an analysis page.

``read_view`` runs in the entry point, once per run: who is looking, on which
data, in which language, under which filters (drawing the sidebar) and privacy
rules. ``start`` runs first in each analysis page: title, demo banner, what is
shown, and, instead of any figure, why the link cannot be answered or that the
filters select nothing.
"""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from lib import export, settings
from lib import store as data_store
from lib.accounts import Account
from lib.filters import Scope, ScopeError, scope_of
from lib.fmt import Lang
from lib.loading import DataError
from lib.privacy import Rules
from lib.schema import Reference, ReferenceDataError
from lib.texts import text
from pages import auth
from pages.edge import cache, sidebar
from pages.edge.view import DataKey, View, take

# What a page's figures come from: participant rows, budget rows, either, or none (the guide).
NEEDS_PARTICIPANTS, NEEDS_BUDGET, NEEDS_ANY = "participants", "budget", "any"


def _stopped(message: str) -> None:
    st.error(message)
    st.stop()


def data_key() -> DataKey:
    """(data folder, id of the imported version in use or None for the demo): what the caches are keyed by.

    Every read of the data goes through here: a visitor who has not logged in
    stops here, and open demo mode (no account yet) reads the demo only.
    """
    auth.require_login()
    return data_in_use(auth.is_demo())


def data_in_use(demo: bool) -> DataKey:
    """The data folder and the imported version in use (None: the bundled demo, always so in open demo mode)."""
    folder = str(settings.data_dir())
    if demo:
        return DataKey(folder, None)
    return DataKey(folder, data_store.current_version_id(data_store.default_store()))


def privacy_rules(lang: Lang) -> Rules:
    """The privacy rules set by the administrator; stops the run with a clear message if they are invalid."""
    try:
        return settings.privacy_rules()
    except ValueError as exc:
        _stopped(text("bad_setting", lang, reason=str(exc)))
        raise  # unreachable: st.stop ends the run


def account_scope(account: Account | None, reference: Reference, lang: Lang) -> Scope:
    """What the account may see: every village, one village, or one named group; stops the run otherwise."""
    if account is None or account.is_admin or not account.villages:
        return Scope()
    try:
        return scope_of(account.villages, reference)
    except ScopeError as exc:
        _stopped(text("scope_invalid", lang, villages=", ".join(exc.villages)))
        raise  # unreachable: st.stop ends the run


def read_view(account: Account | None, lang: Lang, held: sidebar.Asked, page: str) -> View:
    """The view of this run of an analysis page, with the sidebar's filters drawn; stops with a message if the data cannot be read."""
    data = data_key()
    rules = privacy_rules(lang)
    try:
        # Shown after half a second only: at national scale the first visitor after a start or an
        # import waits seconds while the data is read and prepared; everyone after reads the cache.
        with nullcontext() if cache.was_prepared(data, rules) else st.spinner(text("loading_data", lang),
                                                                               show_time=True):
            scope = account_scope(account, cache.loaded(data).reference, lang)
            cache.scoped_data(data, rules, scope)
        offered = cache.offered(data, rules, scope)
    except (DataError, data_store.StoreError, ReferenceDataError, OSError) as exc:
        explained = isinstance(exc, (DataError, data_store.StoreError, ReferenceDataError))
        reason = exc.message(lang) if explained else str(exc)
        _stopped(text("no_data", lang, reason=reason))
        raise  # unreachable: st.stop ends the run
    filters, problems = sidebar.filter_widgets(offered, held, lang, scope.name)
    return View(data, account, scope, lang, filters, rules, page, problems, offered, local_today())


def local_today() -> dt.date:
    """Today where the department works (WIB)."""
    return dt.datetime.now(auth.WIB).date()


def through_entrypoint() -> None:
    """Make sure the page runs inside ``dashboard.py`` (its sidebar, account and checks), never on its own.

    Streamlit treats a folder named ``pages`` beside the entry point as its
    older multipage mode until some session has called ``st.navigation``: a
    fresh server's first visitor arriving on a deep link (``/hasil``) would get
    the page file run alone. Leave that mode for the whole process and rerun,
    so the entry point draws the page.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def start(title_key: str, needs: str | None = NEEDS_PARTICIPANTS) -> View:
    """The view handed to this page; draws title, demo banner and what is shown, and stops with a note instead of figures
    when the link asks what the dashboard does not answer or the filters select nothing.

    ``needs``: which rows the page's figures come from (None: the page shows no figures, never empty).
    """
    through_entrypoint()
    view = take()
    if view is None:  # run without the entry point: nothing of the data is shown
        st.stop()
        raise AssertionError("unreachable: st.stop ends the run")
    st.title(view.tr(title_key))
    dataset = cache.source(view)
    if dataset.is_demo:
        st.warning(view.tr("demo_banner"), icon=":material/science:")
    shown = [view.tr("data_in_use", label=data_store.label_in(dataset.label, view.lang))]
    if not view.problems:
        shown.append(view.tr("active_filters", filters="; ".join(view.filters.describe(view.lang))))
    shown.append(view.tr("filters_where"))  # a phone folds the sidebar behind an unlabelled "»"
    st.caption(" · ".join(shown))
    if needs is not None:  # wherever a total stands beside its parts, say why they may not add up
        st.caption(export.rounding_note(view.rules, view.lang))
    for problem in view.problems:  # no figure of a selection the dashboard does not answer
        st.error(sidebar.problem_words(problem, view.offered, view.lang), icon=":material/link_off:")
    if needs is not None and view.problems:
        st.stop()
    if needs is not None and not cache.has_rows(view, needs):
        empty_state(view)
        st.stop()
    return view


def empty_state(view: View) -> None:
    """The friendly note shown instead of figures when the filters select nothing."""
    st.info(view.tr("empty"), icon=":material/filter_alt_off:")
