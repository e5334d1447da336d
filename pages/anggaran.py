"""Anggaran: allocated vs realised by year, program, organizer, category and funding source; equipment; attribution."""

import streamlit as st

from pages import common

MONEY = ["allocated_idr", "realized_idr"]

view = common.start("page_anggaran", needs="budget")
if view.filters.roles:
    st.info(common.tr("role_not_budget"), icon=":material/info:")

st.subheader(common.tr("budget_total"))
common.show_metrics(["allocated_idr", "realized_idr", "absorption_rate"], key="anggaran_kpi", table="budget",
                    columns=3)
common.show_figure(common.tr("budget_by_year"), "budget", ["year"], [*MONEY, "absorption_rate"],
                   key="anggaran_tahun", chart="grouped", horizontal=False)
common.show_figure(common.tr("absorption_by_year"), "budget", ["year"], ["absorption_rate"],
                   key="anggaran_serapan", horizontal=False)
for title, by, key in (
    ("budget_by_program", "program", "anggaran_program"),
    ("budget_by_organizer", "organizer", "anggaran_penyelenggara"),
    ("budget_by_category", "category", "anggaran_kategori"),
    ("budget_by_source", "funding_source", "anggaran_sumber"),
):
    common.show_figure(common.tr(title), "budget", [by], [*MONEY, "absorption_rate"], key=key, chart="grouped")
common.show_figure(common.tr("attribution"), "budget", ["budget_share"], [*MONEY, "absorption_rate"],
                   key="anggaran_atribusi", chart="grouped", caption=common.tr("attribution_caption"))
common.show_figure(common.tr("equipment"), "equipment", [], [], key="anggaran_peralatan", chart="table",
                   caption=common.tr("equipment_caption"))
