"""Panduan: what each figure means, where the data comes from, the privacy rules and the data format."""

import streamlit as st

from lib import privacy
from lib.schema import TABLES
from lib.texts import contract_table, glossary
from pages import common

view = common.start("page_panduan", needs=None)
dataset = common.source()
lang, k = view.lang, view.k

st.write(common.tr("guide_intro"))

st.header(common.tr("guide_figures"))
st.dataframe(glossary(lang), hide_index=True, width="stretch", key="panduan_angka")

st.header(common.tr("guide_source"))
st.markdown(common.tr("guide_source_demo") if dataset.is_demo else common.tr("guide_source_real", label=dataset.label))
st.markdown(common.tr("guide_source_tables"))

st.header(common.tr("guide_filters"))
st.markdown(common.tr("guide_filters_body"))

st.header(common.tr("guide_privacy"))
st.markdown(common.tr("guide_privacy_body", k=k, k_minus=k - 1, small=privacy.small_label(k)))

st.header(common.tr("guide_contract"))
st.write(common.tr("guide_contract_intro"))
for table in TABLES:
    st.subheader(common.tr(f"table_{table}"))
    st.dataframe(contract_table(table, dataset.reference, lang), hide_index=True, width="stretch",
                 key=f"panduan_{table}")
