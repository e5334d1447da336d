"""Desa: every figure by village, and one village's profile when one is chosen."""

from dataclasses import replace

import streamlit as st

from pages import common

PEOPLE = ["participants", "enrollments", "completion_rate", "migrant_share", "working_rate", "relapse_rate",
          "returned_home"]
MONEY = ["allocated_idr", "realized_idr", "absorption_rate", "cost_per_participant", "cost_per_working"]
KEY_PROFILE = "profil_desa"

view = common.start("page_desa", needs="any")

common.show_figure(common.tr("by_village"), "summary", ["village"], PEOPLE, key="desa_semua", pick_measure=True)
common.show_figure(common.tr("budget_by_village"), "summary", ["village"], MONEY, key="desa_anggaran",
                   pick_measure=True, caption=common.tr("attribution_caption"))

st.divider()
st.header(common.tr("profile"))
villages = view.filters.villages or common.options().villages
village = st.selectbox(common.tr("profile_pick"), villages, index=None, key=KEY_PROFILE,
                       placeholder=common.tr("profile_none"), bind="query-params")
if village:
    one = replace(view.filters, villages=(village,))
    if not common.has_rows(one):
        common.empty_state()
    else:
        common.show_metrics(["participants", "completion_rate", "working_rate", "relapse_rate", "migrant_share",
                             "allocated_idr", "realized_idr", "cost_per_participant"],
                            key="profil_kpi", filters=view.filters, village=village)
        left, right = st.columns(2)
        with left:
            common.show_figure(common.tr("profile_programs", village=village), "participation", ["program"],
                               ["participants", "completion_rate"], key="profil_program", filters=one,
                               colour_by="program")
        with right:
            common.show_figure(common.tr("profile_roles", village=village), "participation", ["role"],
                               ["participants", "completion_rate"], key="profil_peran", filters=one)
        left, right = st.columns(2)
        with left:
            common.show_figure(common.tr("profile_origins", village=village), "origin_split", [],
                               ["enrollments"], key="profil_asal", filters=one, x="origin_type",
                               colour_by="origin_type")
        with right:
            common.show_figure(common.tr("profile_outcomes", village=village), "outcome_mix", [],
                               ["outcome_count", "outcome_share"], key="profil_hasil", filters=one,
                               x="outcome", colour_by="outcome")
        common.show_figure(common.tr("profile_budget", village=village), "budget", ["budget_share"],
                           ["allocated_idr", "realized_idr", "absorption_rate"], key="profil_anggaran",
                           filters=one, chart="grouped", caption=common.tr("profile_budget_caption"))
