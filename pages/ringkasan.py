"""Ringkasan: the headline figures with their change from the year before, and the trend by year."""

import streamlit as st

from lib.figures import Chart, FigureSpec, TilesSpec
from lib.names import Dim, Measure, Table
from pages.edge.figures import show_figure
from pages.edge.page import NEEDS_ANY, start
from pages.edge.tiles import show_tiles

HEADLINE = TilesSpec("ringkasan_kpi", (
    Measure.PARTICIPANTS, Measure.COMPLETION_RATE, Measure.WORKING_RATE, Measure.RELAPSE_RATE, Measure.MIGRANT_SHARE,
    Measure.ALLOCATED, Measure.REALIZED, Measure.ABSORPTION_RATE, Measure.COST_PER_PARTICIPANT,
))
TREND = FigureSpec(
    "ringkasan_tren", "trend", Table.SUMMARY, (Dim.YEAR,),
    (Measure.PARTICIPANTS, Measure.ENROLLMENTS, Measure.COMPLETION_RATE, Measure.WORKING_RATE, Measure.RELAPSE_RATE,
     Measure.MIGRANT_SHARE, Measure.ALLOCATED, Measure.REALIZED, Measure.ABSORPTION_RATE,
     Measure.COST_PER_PARTICIPANT),
    Chart(horizontal=False), pick_measure=True,
)

view = start("page_ringkasan", needs=NEEDS_ANY)
st.subheader(view.tr("headline"))
st.caption(view.tr("headline_caption"))
show_tiles(view, HEADLINE)
show_figure(view, TREND)
