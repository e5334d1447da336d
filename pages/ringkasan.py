"""Ringkasan: the headline figures with their change from the year before, and the trend by year."""

import streamlit as st

from pages import common

common.start("page_ringkasan", needs="any")

st.subheader(common.tr("headline"))
st.caption(common.tr("headline_caption"))
common.show_metrics(
    ["participants", "completion_rate", "working_rate", "relapse_rate",
     "migrant_share", "allocated_idr", "realized_idr", "absorption_rate", "cost_per_participant"],
    key="ringkasan_kpi",
)
common.show_figure(
    common.tr("trend"), "summary", ["year"],
    ["participants", "enrollments", "completion_rate", "working_rate", "relapse_rate", "migrant_share",
     "allocated_idr", "realized_idr", "absorption_rate", "cost_per_participant"],
    key="ringkasan_tren", pick_measure=True, horizontal=False,
)
