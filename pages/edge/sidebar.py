"""The sidebar's language switch and filters, and the link (URL) that carries them.

The link is read once per session: when the session starts (a page load, a
shared link, a bookmark) and on the browser's back and forward. What it asks is
held in the session from then on and changed only by the widgets, and the
link is written back from it on every run, so it survives a change of page and
can be bookmarked or shared at any moment. The link carries one value per
filter (``?desa=Pare``, ``?desa=Kabupaten Kediri``, ``?tahun=2021-2025``,
``?bahasa=en``); what the dashboard does not answer (a list, an unknown value, a
span that is not a named period) stays in the link and is reported, never
replaced silently by something else (``lib.filters.parse_query``).

Widgets are not bound to the URL by Streamlit (``bind="query-params"``): that
would write their labels into the link and drop an unknown value without a word.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from lib import filters as flt
from lib.filters import Filters, Offer, Problem
from lib.fmt import Lang
from lib.texts import LANGUAGES, language_of, text, value_label

PARAM_LANG = "bahasa"
HELD_KEY = "_tautan"   # {URL parameter: [values]}: what this session's link asks
KEY_RESET = "reset_filter"
ALL = ""               # the option "everything" of every filter widget

Asked = dict[str, list[str]]


def _params() -> list[str]:
    return [PARAM_LANG, *(spec.param for spec in flt.FILTERS)]


def _history_navigation() -> bool:
    ctx = get_script_run_ctx()
    return bool(getattr(ctx, "is_history_navigation", False))


def asked() -> Asked:
    """What this session's link asks, per URL parameter: read from the URL when the session starts or on back/forward."""
    held = st.session_state.get(HELD_KEY)
    if held is None or _history_navigation():
        held = {param: values for param in _params() if (values := st.query_params.get_all(param))}
        st.session_state[HELD_KEY] = held
    return dict(held)


def _ask(param: str, value: str | None) -> None:
    """Change what the session asks for ``param`` (None or ALL: nothing, i.e. everything)."""
    held = dict(st.session_state.get(HELD_KEY) or {})
    if value in (None, ALL):
        held.pop(param, None)
    else:
        held[param] = [str(value)]
    st.session_state[HELD_KEY] = held


def write_link(held: Asked, params: Sequence[str]) -> None:
    """Make the URL carry exactly what is held for ``params`` (a parameter not held is removed)."""
    for param in params:
        want, have = held.get(param, []), st.query_params.get_all(param)
        if want == have:
            continue
        if want:
            st.query_params[param] = want
        else:
            del st.query_params[param]


# --- language --------------------------------------------------------------------------
def language(held: Asked) -> tuple[Lang, str | None]:
    """The language the session asks for, and the word it asked when that is no language (Indonesian then)."""
    return language_of(held.get(PARAM_LANG, []))


def language_switch(lang: Lang, held: Asked) -> None:
    """The language widget (sidebar), showing ``lang``; the link carries ``?bahasa=en`` for English."""
    st.session_state[PARAM_LANG] = lang  # see _filter_widget: the widget shows what is held
    st.sidebar.radio(text("language"), list(LANGUAGES), format_func=LANGUAGES.__getitem__, key=PARAM_LANG,
                     horizontal=True, on_change=lambda: _ask(PARAM_LANG, _not_default(st.session_state[PARAM_LANG])))
    write_link(held, [PARAM_LANG])


def _not_default(lang: str) -> str | None:
    return None if lang == "id" else lang


# --- filters ---------------------------------------------------------------------------------
def option_label(offer: Offer, option: str, lang: Lang) -> str:
    """How the sidebar shows ``option``: "Semua", a group marked with its size, or the value in the reader's words."""
    if option == ALL:
        return text("filter_all", lang)
    group = offer.group(option)
    if group is not None:
        words = offer.spec.group_words(len([m for m in group.members if m in offer.values]), lang)
        return text("filter_group", lang, name=option, words=words)
    return value_label(option, lang)


def _filter_widget(offer: Offer, shown: str | None, lang: Lang) -> None:
    """One filter's selectbox, keyed by its URL parameter, showing ``shown`` (None: nothing, the link's choice is not answered)."""
    key = offer.spec.param
    # Set on every run, not only when it differs: a fresh server's first run draws the entry point in
    # Streamlit's older multipage mode, where widgets get other ids than in every later run.
    st.session_state[key] = shown
    st.selectbox(offer.spec.label(lang), [ALL, *offer.names()], key=key, help=offer.spec.help(lang),
                 format_func=lambda option: option_label(offer, option, lang), placeholder=text("filter_pick", lang),
                 on_change=lambda: _ask(key, st.session_state[key]))


def _reset() -> None:
    held = st.session_state.get(HELD_KEY) or {}
    st.session_state[HELD_KEY] = {PARAM_LANG: held[PARAM_LANG]} if PARAM_LANG in held else {}


def filter_widgets(offered: Sequence[Offer], held: Asked, lang: Lang, scope_name: str = "") -> tuple[Filters, tuple[Problem, ...]]:
    """The filters in the sidebar, each showing what the link asks; returns the Filters it asks and what is not answered.

    The link is written back on every run.
    """
    chosen, problems = flt.parse_query(held, offered)
    with st.sidebar:
        st.header(text("filters", lang))
        troubled = {p.filter for p in problems}
        for offer in offered:
            name = offer.spec.name
            _filter_widget(offer, None if name in troubled else (chosen.get(name) or ALL), lang)
        st.button(text("reset", lang), key=KEY_RESET, on_click=_reset, icon=":material/restart_alt:")
        if scope_name:
            st.caption(text("scope_note", lang, villages=scope_name))
    write_link(held, [offer.spec.param for offer in offered])
    return chosen, problems


def problem_words(problem: Problem, offered: Sequence[Offer], lang: Lang) -> str:
    """What the page says about a filter its link asks in a way the dashboard does not answer."""
    offer = next(o for o in offered if o.spec.name == problem.filter)
    name = offer.spec.label(lang).lower()
    asked_words = "–".join(problem.asked) if problem.code == flt.SPAN and len(problem.asked) == 2 else ", ".join(problem.asked)
    periods = ", ".join(g.name for g in offer.groups) or "—"
    key = {flt.LIST: "link_list", flt.UNKNOWN: "link_unknown", flt.SPAN: "link_span"}[problem.code]
    return text(key, lang, filter=name, asked=asked_words, periods=periods)
