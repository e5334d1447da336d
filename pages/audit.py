"""Audit: the admin reads who logged in, downloaded, imported or changed accounts, and downloads it."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from lib.audit import ACTIONS, audit_download_frame
from lib.downloads import CSV_MIME, XLSX_MIME, DownloadFile
from lib.export import csv_bytes, xlsx_bytes
from lib.texts import audit_action_label, text
from pages import auth
from pages.edge import downloads, sidebar
from pages.edge.page import through_entrypoint

through_entrypoint()  # never run on its own, outside dashboard.py's checks

ALL = "Semua"  # the choice of every user or action (shown in the reader's language)

lang, _ = sidebar.language(sidebar.asked())
admin = auth.require_admin(lang)
log = auth.audit_log()

st.title(text("audit_title", lang))
st.caption(text("audit_caption", lang))

today = dt.datetime.now(auth.WIB).date()
left, middle, right = st.columns(3)
with left:
    picked = st.date_input(
        text("audit_dates", lang), value=(today - dt.timedelta(days=30), today), max_value=today,
        key="audit_tanggal", format="DD/MM/YYYY",
    )
# A range being picked arrives as a one-element tuple: treat it as that one day.
days = tuple(picked) if isinstance(picked, (tuple, list)) else (picked,)
first_day, last_day = (days[0], days[-1]) if days else (today, today)
since = dt.datetime.combine(first_day, dt.time(), tzinfo=auth.WIB)
until = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(), tzinfo=auth.WIB)

actors = sorted(log.events(since=since, until=until)["actor"].dropna().unique().tolist())
with middle:
    actor = st.selectbox(text("audit_user", lang), [ALL, *actors], key="audit_pengguna",
                         format_func=lambda a: text("filter_all", lang) if a == ALL else a,
                         placeholder=text("choose_one", lang))
with right:
    action = st.selectbox(text("audit_action", lang), [ALL, *ACTIONS], key="audit_aksi",
                          format_func=lambda a: text("filter_all", lang) if a == ALL else audit_action_label(a, lang),
                          placeholder=text("choose_one", lang))

events = log.events(
    since=since,
    until=until,
    actor=None if actor == ALL else actor,
    action=None if action == ALL else action,
)
shown = audit_download_frame(events, lang)  # headers, the user and the details' own words in the reader's language
st.write(text("audit_events", lang, n=f"{len(shown):,}".replace(",", "." if lang == "id" else ",")))
st.dataframe(shown, hide_index=True, key="audit_tabel")

chosen = {  # the log's own names for the page's choices: the Audit page shows them in the reader's language
    "tanggal": f"{first_day:%Y-%m-%d} – {last_day:%Y-%m-%d} WIB",
    "pengguna": actor,
    "aksi": action,
}
stem = f"{text('audit_file', lang)}_{first_day:%Y%m%d}-{last_day:%Y%m%d}"
who = downloads.requester(admin, "Audit")
files = (("CSV", DownloadFile(f"{stem}.csv", CSV_MIME, lambda: csv_bytes(shown))),
         ("XLSX", DownloadFile(f"{stem}.xlsx", XLSX_MIME, lambda: xlsx_bytes(shown))))
for column, (kind, file) in zip(st.columns(2), files):
    with column:
        downloads.button(text("audit_download", lang, kind=kind), file, who=who,
                         what=text("audit_what", lang, kind=kind),
                         filters=chosen, key=f"audit_unduh_{kind.lower()}")
