"""One figure on a page: title, chart, its table a click away, and CSV/XLSX downloads of that table.

Everything drawn, hovered, listed and downloaded is the published table of the
figure's spec (``lib.figures``): hidden bars are flat and read ``<5``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.drawn import Drawn, Overlay
from lib.figures import FigureSpec, counting_note, help_words, shown_measure
from lib.measures import label
from pages.edge import cache, downloads
from pages.edge.view import View


def figure_title(view: View, spec: FigureSpec, **title_values: str) -> str:
    """The figure's title in the view's language, its placeholders filled (e.g. ``village``)."""
    return view.tr(spec.title, **title_values)


def figure_drawn(view: View, spec: FigureSpec, pub: pd.DataFrame, title: str, picked: str | None = None,
                 overlay: Overlay | None = None) -> Drawn:
    """``spec`` drawn from its published table ``pub`` showing the measure picked (None: the spec's first)."""
    return cache.figure_drawn(view, spec, shown_measure(spec, pub, picked), title, overlay)


def computed_figure(view: View, spec: FigureSpec, overlay: Overlay | None = None, **title_values: str) -> None:
    """Compute what ``show_figure`` shows of ``spec`` with its first measure, drawing nothing (``pages.edge.warm``)."""
    pub = cache.published(view, spec.table, spec.by, spec.measures)
    if not pub.empty:
        figure_drawn(view, spec, pub, figure_title(view, spec, **title_values), None, overlay)
        downloads.file_context(view)


def show_figure(view: View, spec: FigureSpec, overlay: Overlay | None = None,
                **title_values: str) -> pd.DataFrame | None:
    """Draw ``spec`` under the view's filters; returns the published table shown, or None when it is empty.

    ``overlay(figure, shown measure)`` adds to the chart (e.g. the targets of a
    trend); ``title_values`` fill the title's placeholders (e.g. ``village``).
    """
    title = figure_title(view, spec, **title_values)
    with st.container(key=spec.key):
        st.subheader(title, help=help_words(spec.measures[0], view.lang) if spec.measures else None)
        if spec.caption:
            st.caption(view.tr(spec.caption))
        if note := counting_note(spec):
            st.caption(view.tr(note))
        pub = cache.published(view, spec.table, spec.by, spec.measures)
        if pub.empty:
            st.info(view.tr("empty_figure"), icon=":material/filter_alt_off:")
            return None
        picked = None
        if spec.pick_measure and len(spec.measures) > 1:
            picked = st.selectbox(view.tr("chart_measure"), list(spec.measures), key=f"{spec.key}_ukuran",
                                  format_func=lambda m: label(m, view.lang))
        drawn = figure_drawn(view, spec, pub, title, picked, overlay)
        if drawn.figure is not None:
            # A saved image carries the title, the filters and the day, and is named after them.
            # The text alternative is the chart's accessible name: what a screen reader says of it.
            st.plotly_chart(drawn.figure, key=f"{spec.key}_grafik", config=drawn.config, width="stretch",
                            alt=drawn.alt)
            if drawn.note:
                st.caption(drawn.note)
            with st.expander(view.tr("table"), icon=":material/table:"):
                st.dataframe(drawn.table, hide_index=True, width="stretch", key=f"{spec.key}_tabel")
        else:
            st.dataframe(drawn.table, hide_index=True, width="stretch", key=f"{spec.key}_tabel")
        downloads.table_buttons(view, pub, title, spec.key)
        return pub
