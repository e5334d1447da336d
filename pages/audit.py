"""Audit: the admin reads who logged in, downloaded, imported or changed accounts, and downloads it."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from lib.audit import ACTIONS, audit_download_frame
from lib.downloads import CSV_MIME, XLSX_MIME, DownloadFile
from lib.export import csv_bytes, xlsx_bytes
from pages import auth
from pages.edge import downloads
from pages.edge.page import through_entrypoint

through_entrypoint()  # never run on its own, outside dashboard.py's checks

ALL = "Semua"
ACTION_LABELS = {
    "login": "Masuk",
    "login_failed": "Gagal masuk",
    "logout": "Keluar",
    "download": "Unduh",
    "import": "Impor data",
    "rollback": "Kembali ke versi lama",
    "export": "Ekspor",
    "backup": "Cadangan",
    "restore": "Pemulihan",
    "settings_change": "Ubah pengaturan",
    "account_create": "Buat akun",
    "account_update": "Ubah akun",
    "account_delete": "Hapus akun",
}

admin = auth.require_admin()
log = auth.audit_log()

st.title("Log audit")
st.caption(
    "Setiap masuk (dan percobaan gagal), unduhan, impor, pengembalian versi dan perubahan akun "
    "dicatat di sini. Log hanya dapat ditambah; tidak ada yang dapat mengubah atau menghapusnya."
)

today = dt.datetime.now(auth.WIB).date()
left, middle, right = st.columns(3)
with left:
    picked = st.date_input(
        "Tanggal (WIB)", value=(today - dt.timedelta(days=30), today), max_value=today,
        key="audit_tanggal", format="DD/MM/YYYY",
    )
# A range being picked arrives as a one-element tuple: treat it as that one day.
days = tuple(picked) if isinstance(picked, (tuple, list)) else (picked,)
first_day, last_day = (days[0], days[-1]) if days else (today, today)
since = dt.datetime.combine(first_day, dt.time(), tzinfo=auth.WIB)
until = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(), tzinfo=auth.WIB)

actors = sorted(log.events(since=since, until=until)["actor"].dropna().unique().tolist())
with middle:
    actor = st.selectbox("Pengguna", [ALL, *actors], key="audit_pengguna")
with right:
    action = st.selectbox("Aksi", [ALL, *ACTIONS], key="audit_aksi",
                          format_func=lambda a: ACTION_LABELS.get(a, a))

events = log.events(
    since=since,
    until=until,
    actor=None if actor == ALL else actor,
    action=None if action == ALL else action,
)
shown = audit_download_frame(events)
st.write(f"{len(shown):,} kejadian".replace(",", "."))
st.dataframe(shown, hide_index=True, key="audit_tabel")

chosen = {
    "tanggal": f"{first_day:%Y-%m-%d} s.d. {last_day:%Y-%m-%d} WIB",
    "pengguna": actor,
    "aksi": action,
}
stem = f"log-audit_{first_day:%Y%m%d}-{last_day:%Y%m%d}"
who = downloads.requester(admin, "Audit")
files = (("CSV", DownloadFile(f"{stem}.csv", CSV_MIME, lambda: csv_bytes(shown))),
         ("XLSX", DownloadFile(f"{stem}.xlsx", XLSX_MIME, lambda: xlsx_bytes(shown))))
for column, (kind, file) in zip(st.columns(2), files):
    with column:
        downloads.button(f"Unduh {kind}", file, who=who, what=f"log audit ({kind})", filters=chosen,
                         key=f"audit_unduh_{kind.lower()}")
