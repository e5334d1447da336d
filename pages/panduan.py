"""Panduan: what each figure means, where the data comes from, how targets are read, the privacy rules and the
data format."""

import streamlit as st

from lib import privacy, store
from lib.schema import ALL_TABLES
from lib.texts import contract_table, glossary
from pages.edge import cache
from pages.edge.page import start

view = start("page_panduan", needs=None)
dataset = cache.source(view)
k = view.rules.k

st.write(view.tr("guide_intro"))

st.header(view.tr("guide_figures"))
st.dataframe(glossary(view.lang), hide_index=True, width="stretch", key="panduan_angka")

st.header(view.tr("guide_source"))
st.markdown(view.tr("guide_source_demo") if dataset.is_demo else view.tr("guide_source_real", label=store.label_in(dataset.label, view.lang)))
st.markdown(view.tr("guide_source_tables"))

st.header(view.tr("guide_filters"))
st.markdown(view.tr("guide_filters_body"))

st.header(view.tr("guide_targets"))
st.markdown(view.tr("guide_targets_body"))

st.header(view.tr("guide_privacy"))
st.markdown(view.tr("guide_privacy_body", k=k, k_minus=k - 1, small=privacy.small_label(k), b=view.rules.b,
                    base=view.rules.min_base))

st.header(view.tr("guide_contract"))
st.write(view.tr("guide_contract_intro"))
for table in ALL_TABLES:
    st.subheader(view.tr(f"table_{table}"))
    st.dataframe(contract_table(table, dataset.reference, view.lang), hide_index=True, width="stretch",
                 key=f"panduan_{table}")
