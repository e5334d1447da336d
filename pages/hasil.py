"""Hasil: the funnel from enrollment to work, the outcome mix by cohort year, and income of those working."""

import streamlit as st

from lib.figures import Chart, FigureSpec, TilesSpec
from lib.names import Dim, Measure, Table
from pages.edge.figures import show_figure
from pages.edge.page import NEEDS_PARTICIPANTS, start
from pages.edge.tiles import show_tiles

HEADLINE = TilesSpec("hasil_kpi", (Measure.FOLLOWED_UP, Measure.WORKING_RATE, Measure.RELAPSE_RATE,
                                   Measure.RETURNED_HOME, Measure.MEDIAN_INCOME), table=Table.OUTCOMES)
FIGURES = (
    FigureSpec("hasil_corong", "funnel", Table.FUNNEL, (), (Measure.ENROLLMENTS,), Chart("funnel", x=Dim.STAGE),
               caption="funnel_caption"),
    FigureSpec("hasil_angkatan", "mix_by_year", Table.OUTCOME_MIX, (Dim.YEAR,),
               (Measure.OUTCOME_SHARE, Measure.OUTCOME_COUNT), Chart("stacked", part=Dim.OUTCOME, horizontal=False)),
    FigureSpec("hasil_penghasilan", "income_bands", Table.INCOME_BANDS, (), (Measure.INCOME_REPORTED,),
               Chart(x=Dim.BAND, horizontal=False), caption="income_caption"),
)

view = start("page_hasil", needs=NEEDS_PARTICIPANTS)
st.subheader(view.tr("outcome_headline"))
show_tiles(view, HEADLINE)
for figure in FIGURES:
    show_figure(view, figure)
