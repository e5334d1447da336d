"""Hasil: the funnel from enrollment to work, the outcome mix by cohort year, and income of those working."""

import streamlit as st

from pages import common

common.start("page_hasil", needs="participants")

st.subheader(common.tr("outcome_headline"))
common.show_metrics(["followed_up", "working_rate", "relapse_rate", "returned_home", "median_income"],
                    key="hasil_kpi", table="outcomes")
common.show_figure(common.tr("funnel"), "funnel", [], ["enrollments"], key="hasil_corong", chart="funnel",
                   x="stage", caption=common.tr("funnel_caption"))
common.show_figure(common.tr("mix_by_year"), "outcome_mix", ["year"], ["outcome_share", "outcome_count"],
                   key="hasil_angkatan", chart="stacked", part="outcome", horizontal=False)
common.show_figure(common.tr("income_bands"), "income_bands", [], ["income_reported"], key="hasil_penghasilan",
                   x="band", horizontal=False, caption=common.tr("income_caption"))
