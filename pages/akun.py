"""Akun: the admin creates, changes, unlocks and removes accounts; every change is audited."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import accounts
from lib.accounts import ACCOUNT_ROLES, AccountError
from lib.filters import ScopeError, scope_of
from lib.schema import SITE_LIST
from lib.texts import text
from pages import auth
from pages.edge import sidebar
from pages.edge.page import through_entrypoint

through_entrypoint()  # never run on its own, outside dashboard.py's checks

_MESSAGE_KEY = "akun_pesan"
_SHOWN_KEY = "akun_form_untuk"  # whose role and villages the change form currently holds

lang, _ = sidebar.language(sidebar.asked())
admin = auth.require_admin(lang)
log = auth.audit_log()
reference = auth.reference()
villages = reference.villages
# A viewer sees every village, one village, or one named group of villages (data/reference.toml): never an
# arbitrary set, whose figures could be subtracted from another's.
GROUPS = {group.name: group.members for group in reference.named_groups(SITE_LIST)}
EVERY_VILLAGE = ""
LIMITS = [EVERY_VILLAGE, *GROUPS, *villages]
LIMIT_HELP = text("akun_limit_help", lang)

st.title(text("akun_title", lang))
st.caption(text("akun_caption", lang))
if message := st.session_state.pop(_MESSAGE_KEY, None):
    st.success(message)


def done(message: str) -> None:
    """Show ``message`` after a rerun that redraws the list with the change."""
    st.session_state[_MESSAGE_KEY] = message
    st.rerun()


def role_label(role: str) -> str:
    return text(f"role_{role}", lang) if role in ACCOUNT_ROLES else role


def limit_label(limit: str | None) -> str:
    if limit is None:
        return ""
    if limit == EVERY_VILLAGE:
        return text("akun_every_village", lang)
    return text("akun_group", lang, name=limit, n=len(GROUPS[limit])) if limit in GROUPS else limit


def limit_villages(limit: str | None) -> tuple[str, ...]:
    """The villages an account limited to ``limit`` sees (none: every village)."""
    if not limit:
        return ()
    return GROUPS.get(limit, (limit,))


def limit_of(account_villages: tuple[str, ...]) -> str | None:
    """The choice an account's villages make: every village, a village or a group; None when they make none."""
    try:
        limit = scope_of(account_villages, reference).name
    except ScopeError:
        return None
    return limit if limit in LIMITS else None


with auth.accounts_db() as conn:
    every = accounts.list_accounts(conn)

now = pd.Timestamp.now(tz="UTC").to_pydatetime()
st.dataframe(
    pd.DataFrame(
        {
            text("akun_col_name", lang): [a.username for a in every],
            text("akun_col_role", lang): [role_label(a.role) for a in every],
            text("akun_col_villages", lang): [
                limit_label(limit) if (limit := limit_of(a.villages)) is not None else ", ".join(a.villages)
                for a in every],
            text("akun_col_made", lang): [auth.wib(a.created_at) for a in every],
            text("akun_col_status", lang): [
                text("akun_locked_until", lang, moment=auth.wib(a.locked_until)) if a.is_locked(now)
                else text("akun_active", lang) for a in every],
        }
    ),
    hide_index=True,
    key="akun_daftar",
)

create, change = st.tabs([text("akun_tab_create", lang), text("akun_tab_change", lang)])

with create:
    with st.form("akun_buat", clear_on_submit=False):
        name = st.text_input(text("akun_col_name", lang), key="akun_buat_nama", help=text("akun_name_help", lang))
        password = st.text_input(text("masuk_password", lang), type="password", key="akun_buat_sandi",
                                 autocomplete="new-password",
                                 help=text("akun_password_help", lang, n=accounts.MIN_PASSWORD_LENGTH))
        repeat = st.text_input(text("akun_repeat", lang), type="password", key="akun_buat_sandi_ulang",
                               autocomplete="new-password")
        role = st.selectbox(text("akun_role", lang), ACCOUNT_ROLES, index=1, format_func=role_label,
                            key="akun_buat_peran", placeholder=text("choose_one", lang))
        chosen = st.selectbox(text("akun_limit", lang), LIMITS, key="akun_buat_desa", format_func=limit_label,
                              help=LIMIT_HELP, placeholder=text("akun_limit_pick", lang))
        submitted = st.form_submit_button(text("akun_create", lang), type="primary", key="akun_buat_kirim")
    if submitted:
        if password != repeat:
            st.error(text("akun_mismatch", lang))
        else:
            try:
                with auth.accounts_db() as conn:
                    made = accounts.create_account(
                        conn, name, password, role, accounts.checked_villages(limit_villages(chosen), villages),
                        actor=admin.username, audit=log,
                    )
            except AccountError as exc:
                st.error(exc.message(lang))
            else:
                for key in ("akun_buat_nama", "akun_buat_sandi", "akun_buat_sandi_ulang", "akun_buat_desa"):
                    st.session_state.pop(key, None)
                done(text("akun_created", lang, name=made.username))

with change:
    if not every:
        st.write(text("akun_none", lang))
    else:
        names = [a.username for a in every]
        picked = st.selectbox(text("akun_pick", lang), names, key="akun_pilih", placeholder=text("choose_one", lang))
        account = next(a for a in every if a.username == picked)

        # Load the chosen account's role and villages into the form whenever the choice changes.
        if st.session_state.get(_SHOWN_KEY) != account:
            st.session_state["akun_peran"] = account.role
            st.session_state["akun_desa"] = limit_of(account.villages)
            st.session_state[_SHOWN_KEY] = account

        st.subheader(text("akun_role_villages", lang))
        with st.form("akun_ubah"):
            new_role = st.selectbox(text("akun_role", lang), ACCOUNT_ROLES, format_func=role_label, key="akun_peran",
                                    placeholder=text("choose_one", lang))
            new_limit = st.selectbox(text("akun_limit", lang), LIMITS, key="akun_desa", format_func=limit_label,
                                     help=LIMIT_HELP, placeholder=text("akun_limit_pick", lang))
            save = st.form_submit_button(text("akun_save_role", lang), key="akun_simpan")
        if limit_of(account.villages) is None:
            st.warning(text("akun_limit_invalid", lang, villages=", ".join(account.villages)))
        if save and new_limit is None:
            st.error(text("akun_limit_missing", lang))
        elif save:
            try:
                with auth.accounts_db() as conn:
                    accounts.set_role_and_villages(conn, account.username, new_role, limit_villages(new_limit),
                                                   actor=admin.username, audit=log)
            except AccountError as exc:
                st.error(exc.message(lang))
            else:
                st.session_state.pop(_SHOWN_KEY, None)
                done(text("akun_role_saved", lang, name=account.username))

        st.subheader(text("akun_password_title", lang))
        with st.form("akun_sandi", clear_on_submit=True):
            new_password = st.text_input(text("akun_new_password", lang), type="password", key="akun_sandi_baru",
                                         autocomplete="new-password")
            new_repeat = st.text_input(text("akun_new_repeat", lang), type="password", key="akun_sandi_ulang",
                                       autocomplete="new-password")
            reset = st.form_submit_button(text("akun_set_password", lang), key="akun_ganti_sandi")
        if reset:
            if new_password != new_repeat:
                st.error(text("akun_mismatch", lang))
            else:
                try:
                    with auth.accounts_db() as conn:
                        accounts.set_password(conn, account.username, new_password,
                                              actor=admin.username, audit=log)
                except AccountError as exc:
                    st.error(exc.message(lang))
                else:
                    done(text("akun_password_set", lang, name=account.username))

        st.subheader(text("akun_lock_title", lang))
        if account.is_locked(now):
            st.write(text("akun_locked", lang, moment=auth.wib(account.locked_until)))
            if st.button(text("akun_unlock", lang), key="akun_buka"):
                with auth.accounts_db() as conn:
                    accounts.unlock_account(conn, account.username, actor=admin.username, audit=log)
                done(text("akun_unlocked", lang, name=account.username))
        else:
            st.write(text("akun_not_locked", lang))

        st.subheader(text("akun_delete_title", lang))
        if account.username == admin.username:
            st.write(text("akun_delete_self", lang))
        else:
            sure = st.checkbox(text("akun_delete_sure", lang, name=account.username), key="akun_hapus_yakin")
            if st.button(text("akun_delete", lang), key="akun_hapus", disabled=not sure, type="primary"):
                try:
                    with auth.accounts_db() as conn:
                        accounts.delete_account(conn, account.username, actor=admin.username, audit=log)
                except AccountError as exc:
                    st.error(exc.message(lang))
                else:
                    st.session_state.pop("akun_hapus_yakin", None)
                    st.session_state.pop("akun_pilih", None)
                    done(text("akun_deleted", lang, name=account.username))
