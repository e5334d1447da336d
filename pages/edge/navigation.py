"""The sidebar's page links, drawn by the dashboard itself: a heading per section, a link per page.

Streamlit's own menu with sections writes ``<div><header>`` inside its list
(``<ul data-testid="stSidebarNavItems">``), so a screen reader finds list items
outside any list and no count of pages (streamlit/streamlit#8681, the open
umbrella issue streamlit/streamlit#8399). The entry point hides that menu
(``st.navigation(..., position="hidden")``) and draws this one in its place, at
the top of the sidebar: a heading per section, then one ``st.page_link`` per
visible page. Streamlit marks the link of the page being shown itself (bold, on
a shaded background).

A link carries the view in its address, as the sidebar writes it on the page it
opens: a link to an analysis page carries the language and the filters, a link
to any other page only the language (the filters belong to the analysis pages).
Following it with a click or Enter changes page without reloading, exactly as
Streamlit's menu does; opening it in a new tab or copying it gives the same view.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping, Sequence

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from pages.edge.sidebar import PARAM_LANG, Asked

KEY = "navigasi"  # the container of the links: .st-key-navigasi
Pages = Sequence[st.Page] | Mapping[str, Sequence[st.Page]]


def sections(pages: Pages) -> dict[str, list[st.Page]]:
    """The visible pages per section heading ("" for a menu without sections), in menu order; empty sections left out."""
    grouped = {"": pages} if isinstance(pages, Sequence) else pages
    shown = {heading: [p for p in group if p.visibility != "hidden"] for heading, group in grouped.items()}
    return {heading: group for heading, group in shown.items() if group}


def link_query(page: st.Page, held: Asked, filtered: Collection[st.Page]) -> Asked:
    """What the link to ``page`` carries: everything held for an analysis page (in ``filtered``), else the language."""
    if any(page is p for p in filtered):
        return dict(held)
    return {param: values for param, values in held.items() if param == PARAM_LANG}


def _addressable(page: st.Page) -> st.Page:
    """``page`` as a link can name it in an address.

    Streamlit addresses the default page by the root, and st.page_link writes
    that as an empty ``href``, which a browser reads as the page being shown.
    The same page without the default mark has its own URL path (the entry
    point's routes send it to the root with its filters) and the same identity
    (Streamlit identifies a page by its URL path), so the link still opens it.
    """
    if page.url_path:
        return page
    named = copy.copy(page)
    named._default = False  # Streamlit has no public way to ask a default page for its own URL path
    return named


def show_navigation(where: DeltaGenerator, pages: Pages, held: Asked, filtered: Collection[st.Page]) -> None:
    """The links to ``pages`` in ``where``: a heading per section, a link per visible page; nothing for a single page.

    ``held`` is what the session's link asks (see ``pages.edge.sidebar``) and
    ``filtered`` the pages whose links carry the filters.
    """
    shown = sections(pages)
    if sum(len(group) for group in shown.values()) < 2:  # as Streamlit's menu: one page needs no navigation
        return
    with where.container(key=KEY):
        for heading, group in shown.items():
            if heading:
                st.header(heading, anchor=False)  # h2, as the sidebar's other group, Filter
            for page in group:
                st.page_link(_addressable(page), query_params=link_query(page, held, filtered) or None)
