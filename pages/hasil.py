"""Hasil: the funnel from enrollment to work, the outcome mix by cohort year, and income of those working."""

import streamlit as st

from pages.edge.figures import show_figure
from pages.edge.layouts import Hasil
from pages.edge.page import NEEDS_PARTICIPANTS, start
from pages.edge.tiles import show_tiles

view = start("page_hasil", needs=NEEDS_PARTICIPANTS)
st.subheader(view.tr("outcome_headline"))
show_tiles(view, Hasil.HEADLINE)
for figure in Hasil.FIGURES:
    show_figure(view, figure)
