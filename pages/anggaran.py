"""Anggaran: allocated vs realised by year, program, organizer, category and funding source; equipment; attribution."""

import streamlit as st

from lib.schema import BUDGET
from pages.edge.figures import show_figure
from pages.edge.layouts import Anggaran
from pages.edge.page import NEEDS_BUDGET, start
from pages.edge.tiles import show_tiles

view = start("page_anggaran", needs=NEEDS_BUDGET)
# A filter that does not select budget lines (the role) says so here rather than seeming to apply.
if elsewhere := [spec.label(view.lang) for spec, _ in view.filters.specs() if BUDGET not in spec.tables]:
    st.info(view.tr("not_budget", filters=", ".join(elsewhere)), icon=":material/info:")

st.subheader(view.tr("budget_total"))
show_tiles(view, Anggaran.TOTAL)
for figure in Anggaran.FIGURES:
    show_figure(view, figure)
