"""Desa: every figure by village, and one village's profile when one is chosen."""

import streamlit as st

from lib.filters import VILLAGE, chosen_values
from pages.edge import cache
from pages.edge.figures import show_figure
from pages.edge.layouts import Desa
from pages.edge.page import NEEDS_ANY, empty_state, start
from pages.edge.tiles import show_tiles

view = start("page_desa", needs=NEEDS_ANY)
for figure in Desa.BY_VILLAGE:
    show_figure(view, figure)

st.divider()
st.header(view.tr("profile"))
# The villages the filter selects: the chosen one, the chosen group's, or every village the account may see.
# One village chosen (in the filter or by the account's limit) is the profile shown.
choices = chosen_values(view.filters, view.offer(VILLAGE.name))
village = st.selectbox(view.tr("profile_pick"), choices, index=0 if len(choices) == 1 else None,
                       key=Desa.KEY_PROFILE, placeholder=view.tr("profile_none"), bind="query-params")
if village:
    one = view.narrowed(view.filters.with_choice(VILLAGE.name, village))
    if not cache.has_rows(one):
        empty_state(one)
    else:
        show_tiles(view, Desa.PROFILE_TILES, village=village)
        for row in (Desa.ONE_VILLAGE[:2], Desa.ONE_VILLAGE[2:]):
            for column, figure in zip(st.columns(2), row):
                with column:
                    show_figure(one, figure, village=village)
        show_figure(one, Desa.PROFILE_BUDGET, village=village)
