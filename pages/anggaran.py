"""Anggaran: allocated vs realised by year, program, organizer, category and funding source; equipment; attribution."""

import streamlit as st

from lib.figures import Chart, FigureSpec, TilesSpec
from lib.names import Dim, Measure, Table
from lib.schema import BUDGET
from pages.edge.figures import show_figure
from pages.edge.page import NEEDS_BUDGET, start
from pages.edge.tiles import show_tiles

MONEY = (Measure.ALLOCATED, Measure.REALIZED, Measure.ABSORPTION_RATE)
TOTAL = TilesSpec("anggaran_kpi", MONEY, table=Table.BUDGET, columns=3)
FIGURES = (
    FigureSpec("anggaran_tahun", "budget_by_year", Table.BUDGET, (Dim.YEAR,), MONEY,
               Chart("grouped", horizontal=False)),
    FigureSpec("anggaran_serapan", "absorption_by_year", Table.BUDGET, (Dim.YEAR,), (Measure.ABSORPTION_RATE,),
               Chart(horizontal=False)),
    FigureSpec("anggaran_program", "budget_by_program", Table.BUDGET, (Dim.PROGRAM,), MONEY, Chart("grouped")),
    FigureSpec("anggaran_penyelenggara", "budget_by_organizer", Table.BUDGET, (Dim.ORGANIZER,), MONEY,
               Chart("grouped")),
    FigureSpec("anggaran_kategori", "budget_by_category", Table.BUDGET, (Dim.CATEGORY,), MONEY, Chart("grouped")),
    FigureSpec("anggaran_sumber", "budget_by_source", Table.BUDGET, (Dim.FUNDING_SOURCE,), MONEY, Chart("grouped")),
    FigureSpec("anggaran_atribusi", "attribution", Table.BUDGET, (Dim.BUDGET_SHARE,), MONEY, Chart("grouped"),
               caption="attribution_caption"),
    FigureSpec("anggaran_peralatan", "equipment", Table.EQUIPMENT, (), (), Chart("table"),
               caption="equipment_caption"),
)

view = start("page_anggaran", needs=NEEDS_BUDGET)
# A filter that does not select budget lines (the role) says so here rather than seeming to apply.
if elsewhere := [spec.label(view.lang) for spec, _ in view.filters.specs() if BUDGET not in spec.tables]:
    st.info(view.tr("not_budget", filters=", ".join(elsewhere)), icon=":material/info:")

st.subheader(view.tr("budget_total"))
show_tiles(view, TOTAL)
for figure in FIGURES:
    show_figure(view, figure)
