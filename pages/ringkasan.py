"""Ringkasan: the headline figures with their change from the year before, the trend by year, and the targets
that apply to the filters with their achievement (on the tiles, the trend and a table of their own)."""

import streamlit as st

from lib.figures import Chart, FigureSpec, TilesSpec
from lib.names import Dim, Measure, Table
from pages.edge import targets
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
achieved = targets.achievement(view)
st.subheader(view.tr("headline"))
st.caption(view.tr("headline_caption"))
show_tiles(view, HEADLINE, notes=targets.tile_notes(view, achieved, HEADLINE.measures))
show_figure(view, TREND, targets.target_line(view, achieved))
targets.show_table(view, achieved)
