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
from lib.ingest import ERROR, TABLE_LABELS
from lib.limits import limits_sentence
from lib.loading import DataError
from lib.schema import ALL_TABLES
from lib.templates import table_title, template_csv, template_filename, template_xlsx
from lib.texts import admin_word, text
from pages import auth
from pages.edge import downloads, sidebar
from pages.edge.page import through_entrypoint

through_entrypoint()  # never run on its own, outside dashboard.py's checks

_PLAN_KEY = "data_rencana"      # ((files signature, language), plan) of the files in the uploader
_DONE_KEY = "data_tersimpan"    # files signature already committed: not offered again
_MESSAGE_KEY = "data_pesan"

lang, _ = sidebar.language(sidebar.asked())


def version_text(manifest) -> str:
    """``versi 3 (2026-11-22 17:15 WIB)`` in the reader's language."""
    return stores.version_label(manifest, lang)


st.title(text("data_title", lang))

mode = auth.login_mode()
if mode == auth.DEMO:
    st.warning(text("data_demo", lang))
    st.code(text("data_demo_command", lang), language="bash")
    st.stop()

admin = auth.require_admin(lang)
log = auth.audit_log()
who = downloads.requester(admin, "Data")
reference = auth.reference()
store = stores.open_store()

if message := st.session_state.pop(_MESSAGE_KEY, None):
    st.success(message)

current = stores.current_version_id(store)
if current is None:
    st.info(text("data_none", lang))
else:
    st.write(text("data_in_use_version", lang, version=version_text(stores.read_manifest(store, current))))


def files_signature(files) -> tuple:
    """What identifies an upload: each file's name, size and upload id."""
    return tuple((f.name, f.size, f.file_id) for f in files)


def rupiah_or_count(measure: str, value) -> str:
    return fmt.rupiah(value, lang) if measure.endswith("_idr") else fmt.count(value, lang)


def show_problems(plan: ImportPlan) -> None:
    """Errors (blocking) and warnings (not blocking), each in its own table, errors with a CSV download."""
    if not plan.errors.empty:
        st.error(text("data_errors", lang, n=len(plan.errors)))
        st.dataframe(problem_table(plan.errors, lang), hide_index=True, key="data_masalah")
        downloads.button(
            text("data_errors_download", lang),
            DownloadFile(text("data_errors_file", lang), CSV_MIME, lambda: problems_csv(plan.errors, lang)),
            who=who, what=text("data_errors_what", lang), filters={"berkas": list(plan.files)},
            key="data_unduh_masalah",
        )
    if not plan.warnings.empty:
        st.warning(text("data_warnings", lang, n=len(plan.warnings)))
        st.dataframe(problem_table(plan.warnings, lang), hide_index=True, key="data_peringatan")


def show_preview(plan: ImportPlan) -> None:
    """Rows added, changed and removed per table, and the headline totals before and after."""
    st.subheader(text("data_preview", lang))
    changes = plan.changes
    st.dataframe(
        pd.DataFrame({
            text("data_col_table", lang): changes["table"].map(TABLE_LABELS).map(lambda w: admin_word(w, lang)),
            text("data_col_action", lang): changes["action"].map(ACTION_LABELS).map(lambda w: admin_word(w, lang)),
            text("data_col_before_rows", lang): changes["rows_before"],
            text("data_col_after_rows", lang): changes["rows_after"],
            text("data_col_added", lang): changes["added"],
            text("data_col_changed", lang): changes["changed"],
            text("data_col_removed", lang): changes["removed"],
        }),
        hide_index=True, key="data_perubahan",
    )
    totals = plan.totals
    st.dataframe(
        pd.DataFrame({
            text("data_col_measure", lang): totals["measure"].map(MEASURE_LABELS).map(lambda w: admin_word(w, lang)),
            text("data_col_before", lang): [rupiah_or_count(m, v) for m, v in zip(totals["measure"], totals["before"])],
            text("data_col_after", lang): [rupiah_or_count(m, v) for m, v in zip(totals["measure"], totals["after"])],
        }),
        hide_index=True, key="data_jumlah",
    )


# --- templates ------------------------------------------------------------------------
st.header(text("data_templates", lang))
st.write(text("data_templates_intro", lang))
TEMPLATE_FORMATS = (("xlsx", template_xlsx, XLSX_MIME), ("csv", template_csv, CSV_MIME))
for table in ALL_TABLES:
    title = table_title(table, lang)
    for column, (extension, build, mime) in zip(st.columns(2), TEMPLATE_FORMATS):
        with column:
            template = DownloadFile(template_filename(table, extension, lang), mime,
                                    lambda table=table, build=build: build(table, reference, lang=lang))
            downloads.button(text("data_template", lang, table=title, kind=extension.upper()),
                             template, who=who,
                             what=text("data_template_what", lang, table=title, kind=extension.upper()), filters=None,
                             key=f"data_templat_{table}_{extension}")

# --- import ---------------------------------------------------------------------------------
st.header(text("data_import", lang))
st.write(text("data_import_intro", lang))
uploaded = st.file_uploader(
    text("data_files", lang), type=["csv", "xlsx"], accept_multiple_files=True, key="data_berkas",
)
st.caption(limits_sentence(lang))
if uploaded:
    signature = files_signature(uploaded)
    if st.session_state.get(_DONE_KEY) == signature:
        st.info(text("data_already", lang))
    else:
        cached = st.session_state.get(_PLAN_KEY)  # checked again in another language: its problems are words
        plan = cached[1] if cached and cached[0] == (signature, lang) else None
        # Checked against data that is no longer in use (another import or a rollback
        # since): check again, and let the admin see the new preview before saving.
        changed_meanwhile = plan is not None and plan.base != current
        if plan is None or changed_meanwhile:
            try:
                with st.spinner(text("data_checking", lang, n=len(uploaded))):
                    plan = plan_import({f.name: f.getvalue() for f in uploaded}, store, reference, lang=lang)
            except stores.StoreError as exc:
                st.error(exc.message(lang))
                st.stop()
            st.session_state[_PLAN_KEY] = ((signature, lang), plan)
        if changed_meanwhile:
            st.warning(text("data_changed_meanwhile", lang))

        show_problems(plan)
        if plan.ok:
            show_preview(plan)
            save = st.button(text("data_save", lang), type="primary", key="data_simpan", icon=":material/save:")
            if save and not changed_meanwhile:  # a click on a preview that was out of date saves nothing
                try:
                    with st.spinner(text("data_saving", lang)):
                        version = commit_import(plan, store, author=admin.username, audit=log)
                except stores.StoreBusy as exc:  # also StaleImport: another version became current
                    st.session_state.pop(_PLAN_KEY, None)
                    st.error(text("data_save_again", lang, reason=exc.message(lang)))
                except stores.StoreError as exc:
                    st.error(exc.message(lang))
                except DataError as exc:  # a plan with errors: never offered for saving, refused all the same
                    st.error(text("data_errors", lang, n=int((exc.problems["severity"] == ERROR).sum())))
                else:
                    st.session_state.pop(_PLAN_KEY, None)
                    st.session_state[_DONE_KEY] = signature
                    st.session_state[_MESSAGE_KEY] = text("data_saved", lang, n=stores.version_number(version))
                    st.rerun()

# --- versions -------------------------------------------------------------------------------
st.header(text("data_versions", lang))
listed = stores.versions(store)
if listed.empty:
    st.write(text("data_no_versions", lang))
else:
    st.dataframe(
        pd.DataFrame({
            text("data_col_version", lang): listed["id"].map(stores.version_number),
            text("data_col_made", lang): [stores.local_time_text(t.to_pydatetime()) for t in listed["created_at"]],
            text("data_col_by", lang): listed["author"],
            text("data_col_files", lang): listed["files"],
            **{text("data_col_rows", lang, table=admin_word(TABLE_LABELS[t], lang)): listed[t] for t in ALL_TABLES},
            text("data_col_status", lang): listed["is_current"].map({True: text("data_in_use_status", lang),
                                                                     False: ""}),
        }),
        hide_index=True, key="data_versi",
    )
    older = [v for v, is_current in zip(listed["id"], listed["is_current"]) if not is_current]
    if older:
        st.subheader(text("data_rollback", lang))
        target = st.selectbox(
            text("data_rollback_pick", lang), older, key="data_kembali_pilih",
            format_func=lambda v: text("data_version_short", lang, n=stores.version_number(v)),
            placeholder=text("choose_one", lang),
        )
        sure = st.checkbox(text("data_rollback_sure", lang, n=stores.version_number(target)),
                           key="data_kembali_yakin")
        if st.button(text("data_rollback_button", lang), key="data_kembali", disabled=not sure,
                     icon=":material/history:"):
            try:
                stores.rollback(store, target, author=admin.username, audit=log)
            except stores.StoreError as exc:
                st.error(exc.message(lang))
            else:
                st.session_state.pop("data_kembali_yakin", None)
                st.session_state.pop(_PLAN_KEY, None)
                st.session_state[_MESSAGE_KEY] = text("data_rolled_back", lang, n=stores.version_number(target))
                st.rerun()
