"""Ringkasan: the headline figures with their change from the year before, the trend by year, and the targets
that apply to the filters with their achievement (on the tiles, the trend and a table of their own)."""

import streamlit as st

from pages.edge import targets
from pages.edge.figures import show_figure
from pages.edge.layouts import Ringkasan
from pages.edge.page import NEEDS_ANY, start
from pages.edge.tiles import show_tiles

view = start("page_ringkasan", needs=NEEDS_ANY)
achieved = targets.achievement(view)
st.subheader(view.tr("headline"))
st.caption(view.tr("headline_caption"))
show_tiles(view, Ringkasan.HEADLINE, notes=targets.tile_notes(view, achieved, Ringkasan.HEADLINE.measures))
show_figure(view, Ringkasan.TREND, targets.target_line(view, achieved))
targets.show_table(view, achieved)
