"""Data: the admin downloads templates, imports files as a new version, and rolls back to any version."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import fmt
from lib import store as stores
from lib.downloads import CSV_MIME, XLSX_MIME, DownloadFile
from lib.importer import (
    ACTION_LABELS,
    MEASURE_LABELS,
    ImportPlan,
    commit_import,
    plan_import,
    problem_table,
    problems_csv,
)
from lib.ingest import TABLE_LABELS
from lib.limits import limits_sentence
from lib.loading import DataError
from lib.schema import ALL_TABLES
from lib.templates import TABLE_TITLES, template_csv, template_filename, template_xlsx
from pages import auth
from pages.edge import downloads
from pages.edge.page import through_entrypoint

through_entrypoint()  # never run on its own, outside dashboard.py's checks

_PLAN_KEY = "data_rencana"      # (files signature, plan) of the files in the uploader
_DONE_KEY = "data_tersimpan"    # files signature already committed: not offered again
_MESSAGE_KEY = "data_pesan"

st.title("Data")

mode = auth.login_mode()
if mode == auth.DEMO:
    st.warning(
        "**Mode demo: data asli belum dapat diimpor.** Dasbor belum punya akun, sehingga siapa pun "
        "dapat membukanya; karena itu hanya data demo sintetis yang ditampilkan. Buat akun admin "
        "dahulu di server, lalu masuk sebagai admin untuk mengimpor data:"
    )
    st.code(auth.ADD_ADMIN_COMMAND, language="bash")
    st.stop()

admin = auth.require_admin()
log = auth.audit_log()
who = downloads.requester(admin, "Data")
reference = auth.reference()
store = stores.open_store()

if message := st.session_state.pop(_MESSAGE_KEY, None):
    st.success(message)

current = stores.current_version_id(store)
if current is None:
    st.info("Belum ada data yang diimpor: halaman analisis memakai data demo sintetis.")
else:
    st.write(f"Data yang dipakai: **{stores.version_label(stores.read_manifest(store, current))}**.")


def files_signature(files) -> tuple:
    """What identifies an upload: each file's name, size and upload id."""
    return tuple((f.name, f.size, f.file_id) for f in files)


def rupiah_or_count(measure: str, value) -> str:
    return fmt.rupiah(value) if measure.endswith("_idr") else fmt.count(value)


def show_problems(plan: ImportPlan) -> None:
    """Errors (blocking) and warnings (not blocking), each in its own table, errors with a CSV download."""
    if not plan.errors.empty:
        st.error(
            f"**{len(plan.errors)} kesalahan** ditemukan. Tidak ada yang disimpan dan data yang dipakai "
            "tidak berubah. Perbaiki berkas (lihat kolom *saran*), lalu unggah lagi."
        )
        errors = problem_table(plan.errors)
        st.dataframe(errors, hide_index=True, key="data_masalah")
        downloads.button(
            "Unduh daftar masalah (CSV)", DownloadFile("masalah-impor.csv", CSV_MIME, lambda: problems_csv(plan.errors)),
            who=who, what="daftar masalah impor", filters={"berkas": list(plan.files)}, key="data_unduh_masalah",
        )
    if not plan.warnings.empty:
        st.warning(f"**{len(plan.warnings)} peringatan**: tidak menghalangi impor, tetapi periksa dahulu.")
        st.dataframe(problem_table(plan.warnings), hide_index=True, key="data_peringatan")


def show_preview(plan: ImportPlan) -> None:
    """Rows added, changed and removed per table, and the headline totals before and after."""
    st.subheader("Pratinjau perubahan")
    changes = plan.changes
    st.dataframe(
        pd.DataFrame({
            "Tabel": changes["table"].map(TABLE_LABELS),
            "Tindakan": changes["action"].map(ACTION_LABELS),
            "Baris sebelum": changes["rows_before"],
            "Baris sesudah": changes["rows_after"],
            "Ditambah": changes["added"],
            "Diubah": changes["changed"],
            "Dihapus": changes["removed"],
        }),
        hide_index=True, key="data_perubahan",
    )
    totals = plan.totals
    st.dataframe(
        pd.DataFrame({
            "Ukuran": totals["measure"].map(MEASURE_LABELS),
            "Sebelum": [rupiah_or_count(m, v) for m, v in zip(totals["measure"], totals["before"])],
            "Sesudah": [rupiah_or_count(m, v) for m, v in zip(totals["measure"], totals["after"])],
        }),
        hide_index=True, key="data_jumlah",
    )


# --- templates ------------------------------------------------------------------------
st.header("1. Templat")
st.write(
    "Isi templat dengan kode peserta samaran, tidak pernah nama, NIK, alamat atau nomor telepon. "
    "Judul kolom boleh bahasa Indonesia atau Inggris; baris judul, baris jumlah dan baris kosong diabaikan."
)
TEMPLATE_FORMATS = (("xlsx", template_xlsx, XLSX_MIME), ("csv", template_csv, CSV_MIME))
for table in ALL_TABLES:
    title = TABLE_TITLES[table]
    for column, (extension, build, mime) in zip(st.columns(2), TEMPLATE_FORMATS):
        with column:
            template = DownloadFile(template_filename(table, extension), mime,
                                    lambda table=table, build=build: build(table, reference))
            downloads.button(f"Templat {title} ({extension.upper()})", template, who=who,
                             what=f"templat {title} ({extension.upper()})", filters=None,
                             key=f"data_templat_{table}_{extension}")

# --- import ---------------------------------------------------------------------------------
st.header("2. Impor")
st.write(
    "Unggah satu atau beberapa berkas. Tabel yang diunggah menggantikan tabel yang sama di data "
    "yang dipakai; tabel lain tetap. Tidak ada yang disimpan sebelum Anda menekan **Simpan**."
)
uploaded = st.file_uploader(
    "Berkas data (CSV atau XLSX)", type=["csv", "xlsx"], accept_multiple_files=True, key="data_berkas",
)
st.caption(limits_sentence())
if uploaded:
    signature = files_signature(uploaded)
    if st.session_state.get(_DONE_KEY) == signature:
        st.info("Berkas ini sudah disimpan. Unggah berkas lain untuk impor berikutnya.")
    else:
        cached = st.session_state.get(_PLAN_KEY)
        plan = cached[1] if cached and cached[0] == signature else None
        # Checked against data that is no longer in use (another import or a rollback
        # since): check again, and let the admin see the new preview before saving.
        changed_meanwhile = plan is not None and plan.base != current
        if plan is None or changed_meanwhile:
            try:
                with st.spinner(f"Membaca dan memeriksa {len(uploaded)} berkas ..."):
                    plan = plan_import({f.name: f.getvalue() for f in uploaded}, store, reference)
            except stores.StoreError as exc:
                st.error(str(exc))
                st.stop()
            st.session_state[_PLAN_KEY] = (signature, plan)
        if changed_meanwhile:
            st.warning(
                "Data yang dipakai berubah sejak berkas ini diperiksa (impor atau pengembalian versi oleh "
                "admin lain). Berkas sudah diperiksa ulang; lihat pratinjau baru di bawah, lalu tekan "
                "**Simpan** lagi."
            )

        show_problems(plan)
        if plan.ok:
            show_preview(plan)
            save = st.button("Simpan sebagai versi baru", type="primary", key="data_simpan", icon=":material/save:")
            if save and not changed_meanwhile:  # a click on a preview that was out of date saves nothing
                try:
                    with st.spinner("Menyimpan ..."):
                        version = commit_import(plan, store, author=admin.username, audit=log)
                except stores.StoreBusy as exc:  # also StaleImport: another version became current
                    st.session_state.pop(_PLAN_KEY, None)
                    st.error(f"{exc} Tekan **Simpan** lagi setelah pratinjau diperbarui.")
                except (stores.StoreError, DataError) as exc:
                    st.error(str(exc))
                else:
                    st.session_state.pop(_PLAN_KEY, None)
                    st.session_state[_DONE_KEY] = signature
                    st.session_state[_MESSAGE_KEY] = (
                        f"Versi {stores.version_number(version)} disimpan dan sekarang dipakai di semua halaman."
                    )
                    st.rerun()

# --- versions -------------------------------------------------------------------------------
st.header("3. Versi")
listed = stores.versions(store)
if listed.empty:
    st.write("Belum ada versi.")
else:
    st.dataframe(
        pd.DataFrame({
            "Versi": listed["id"].map(stores.version_number),
            "Dibuat": [stores.local_time_text(t.to_pydatetime()) for t in listed["created_at"]],
            "Oleh": listed["author"],
            "Berkas": listed["files"],
            **{f"Baris {TABLE_LABELS[t]}": listed[t] for t in ALL_TABLES},
            "Status": listed["is_current"].map({True: "dipakai", False: ""}),
        }),
        hide_index=True, key="data_versi",
    )
    older = [v for v, is_current in zip(listed["id"], listed["is_current"]) if not is_current]
    if older:
        st.subheader("Kembalikan versi lama")
        target = st.selectbox(
            "Versi yang dipakai lagi", older, key="data_kembali_pilih",
            format_func=lambda v: f"versi {stores.version_number(v)}",
        )
        sure = st.checkbox(
            f"Saya yakin: halaman analisis akan memakai versi {stores.version_number(target)}. "
            "Versi lain tetap tersimpan dan dapat dipilih lagi.",
            key="data_kembali_yakin",
        )
        if st.button("Kembalikan", key="data_kembali", disabled=not sure, icon=":material/history:"):
            try:
                stores.rollback(store, target, author=admin.username, audit=log)
            except stores.StoreError as exc:
                st.error(str(exc))
            else:
                st.session_state.pop("data_kembali_yakin", None)
                st.session_state.pop(_PLAN_KEY, None)
                st.session_state[_MESSAGE_KEY] = (
                    f"Versi {stores.version_number(target)} dipakai lagi di semua halaman."
                )
                st.rerun()
