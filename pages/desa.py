"""Desa: every figure by village, and one village's profile when one is chosen."""

import streamlit as st

from lib.figures import Chart, FigureSpec, TilesSpec
from lib.filters import VILLAGE, chosen_values
from lib.names import Dim, Measure, Table
from pages.edge import cache
from pages.edge.figures import show_figure
from pages.edge.page import NEEDS_ANY, empty_state, start
from pages.edge.tiles import show_tiles

KEY_PROFILE = "profil_desa"
PEOPLE = (Measure.PARTICIPANTS, Measure.ENROLLMENTS, Measure.COMPLETION_RATE, Measure.MIGRANT_SHARE,
          Measure.WORKING_RATE, Measure.RELAPSE_RATE, Measure.RETURNED_HOME)
MONEY = (Measure.ALLOCATED, Measure.REALIZED)
COST = (Measure.COST_PER_PARTICIPANT, Measure.COST_PER_WORKING)
BY_VILLAGE = (
    FigureSpec("desa_semua", "by_village", Table.SUMMARY, (Dim.VILLAGE,), PEOPLE, pick_measure=True),
    # Each village's direct and shared parts, and the unattributed part as a row of its own.
    FigureSpec("desa_anggaran", "budget_parts_by_village", Table.BUDGET, (Dim.VILLAGE, Dim.BUDGET_SHARE), MONEY,
               Chart("stacked", part=Dim.BUDGET_SHARE), pick_measure=True, caption="village_budget_caption"),
    FigureSpec("desa_biaya", "cost_by_village", Table.COST, (Dim.VILLAGE,), COST, pick_measure=True,
               caption="attribution_caption"),
)
PROFILE_TILES = TilesSpec("profil_kpi", (
    Measure.PARTICIPANTS, Measure.COMPLETION_RATE, Measure.WORKING_RATE, Measure.RELAPSE_RATE, Measure.MIGRANT_SHARE,
    Measure.ALLOCATED, Measure.REALIZED, Measure.COST_PER_PARTICIPANT,
))
ONE_VILLAGE = (
    FigureSpec("profil_program", "profile_programs", Table.PARTICIPATION, (Dim.PROGRAM,),
               (Measure.PARTICIPANTS, Measure.COMPLETION_RATE), Chart(colour_by=Dim.PROGRAM)),
    FigureSpec("profil_peran", "profile_roles", Table.PARTICIPATION, (Dim.ROLE,),
               (Measure.PARTICIPANTS, Measure.COMPLETION_RATE)),
    FigureSpec("profil_asal", "profile_origins", Table.ORIGIN_SPLIT, (), (Measure.ENROLLMENTS,),
               Chart(x=Dim.ORIGIN_TYPE, colour_by=Dim.ORIGIN_TYPE)),
    FigureSpec("profil_hasil", "profile_outcomes", Table.OUTCOME_MIX, (), (Measure.OUTCOME_COUNT, Measure.OUTCOME_SHARE),
               Chart(x=Dim.OUTCOME, colour_by=Dim.OUTCOME)),
)
PROFILE_BUDGET = FigureSpec("profil_anggaran", "profile_budget", Table.BUDGET, (Dim.BUDGET_SHARE,),
                            (Measure.ALLOCATED, Measure.REALIZED, Measure.ABSORPTION_RATE), Chart("grouped"),
                            caption="profile_budget_caption")

view = start("page_desa", needs=NEEDS_ANY)
for figure in BY_VILLAGE:
    show_figure(view, figure)

st.divider()
st.header(view.tr("profile"))
# The villages the filter selects: the chosen one, the chosen group's, or every village the account may see.
# One village chosen (in the filter or by the account's limit) is the profile shown.
choices = chosen_values(view.filters, view.offer(VILLAGE.name))
village = st.selectbox(view.tr("profile_pick"), choices, index=0 if len(choices) == 1 else None,
                       key=KEY_PROFILE, placeholder=view.tr("profile_none"), bind="query-params")
if village:
    one = view.narrowed(view.filters.with_choice(VILLAGE.name, village))
    if not cache.has_rows(one):
        empty_state(one)
    else:
        show_tiles(view, PROFILE_TILES, village=village)
        for row in (ONE_VILLAGE[:2], ONE_VILLAGE[2:]):
            for column, figure in zip(st.columns(2), row):
                with column:
                    show_figure(one, figure, village=village)
        show_figure(one, PROFILE_BUDGET, village=village)
