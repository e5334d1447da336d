"""Laporan: the printed report (PDF) of the filters chosen in the sidebar, made on a click and downloaded, audited."""

import streamlit as st

from lib import report
from lib.downloads import DownloadFile
from lib.filters import ORGANIZER
from pages.edge import cache, downloads
from pages.edge.page import NEEDS_ANY, start

KEY_DEPARTMENT = "laporan_dinas"
KEY_MAKE = "laporan_buat"
KEY_DOWNLOAD = "laporan_unduh"
KEY_MADE = "_laporan_pdf"  # (what it was made for, file name, bytes) of the last report of this session

view = start("page_laporan", needs=NEEDS_ANY)
st.markdown(view.tr("report_intro"))
department = st.text_input(view.tr("report_department"), value=view.filters.get(ORGANIZER.name) or "",
                           key=KEY_DEPARTMENT, max_chars=120)
made_for = (view.data, view.scope, view.filters, view.lang, department)

if st.button(view.tr("report_make"), key=KEY_MAKE, type="primary", icon=":material/picture_as_pdf:"):
    bar = st.progress(0.0, text=view.tr("report_started"))
    today = report.today_local()
    content = report.build_report(cache.source(view), view.filters, view.rules, lang=view.lang, department=department,
                                  today=today, layers=cache.map_layers(view),
                                  progress=lambda fraction, words: bar.progress(fraction, text=words),
                                  tables=lambda filters, table, by, measures: cache.published(
                                      view.narrowed(filters), table, by, measures), scope=view.scope)
    bar.empty()
    st.session_state[KEY_MADE] = (made_for, report.report_file_name(view.filters, today, view.lang), content)

made = st.session_state.get(KEY_MADE)
if made is not None and made[0] == made_for:  # a report of other filters or words is never offered for these
    _, file_name, content = made
    st.success(view.tr("report_ready", size=f"{len(content) / 1e6:.1f}"), icon=":material/task:")
    downloads.button(view.tr("report_download"), DownloadFile(file_name, report.PDF_MIME, lambda: content),
                     who=downloads.requester(view.account, view.page), what=report.words("title", view.lang),
                     filters=view.filters, key=KEY_DOWNLOAD)
