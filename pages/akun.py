"""Akun: the admin creates, changes, unlocks and removes accounts; every change is audited."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import accounts
from lib.accounts import ACCOUNT_ROLES, AccountError
from lib.filters import ScopeError, scope_of
from lib.schema import SITE_LIST
from pages import auth
from pages.edge.page import through_entrypoint

through_entrypoint()  # never run on its own, outside dashboard.py's checks

_MESSAGE_KEY = "akun_pesan"
_SHOWN_KEY = "akun_form_untuk"  # whose role and villages the change form currently holds

admin = auth.require_admin()
log = auth.audit_log()
reference = auth.reference()
villages = reference.villages
# A viewer sees every village, one village, or one named group of villages (data/reference.toml): never an
# arbitrary set, whose figures could be subtracted from another's.
GROUPS = {group.name: group.members for group in reference.named_groups(SITE_LIST)}
EVERY_VILLAGE = ""
LIMITS = [EVERY_VILLAGE, *GROUPS, *villages]
LIMIT_HELP = "Hanya untuk peran Pembaca; admin selalu melihat semua desa. Satu desa, satu kelompok desa, atau semua."

st.title("Akun")
st.caption(
    "Admin mengelola data, akun dan log audit untuk semua desa. Pembaca melihat halaman analisis; "
    "pembaca yang dibatasi desa hanya melihat angka desanya. Semua perubahan dicatat di log audit."
)
if message := st.session_state.pop(_MESSAGE_KEY, None):
    st.success(message)


def done(message: str) -> None:
    """Show ``message`` after a rerun that redraws the list with the change."""
    st.session_state[_MESSAGE_KEY] = message
    st.rerun()


def role_label(role: str) -> str:
    return auth.ROLE_LABELS.get(role, role)


def limit_label(limit: str) -> str:
    if limit == EVERY_VILLAGE:
        return "Semua desa"
    return f"{limit} (kelompok {len(GROUPS[limit])} desa)" if limit in GROUPS else limit


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
            "Nama pengguna": [a.username for a in every],
            "Peran": [role_label(a.role) for a in every],
            "Desa": [limit_label(limit) if (limit := limit_of(a.villages)) is not None else ", ".join(a.villages)
                     for a in every],
            "Dibuat": [auth.wib(a.created_at) for a in every],
            "Status": [f"terkunci sampai {auth.wib(a.locked_until)}" if a.is_locked(now) else "aktif" for a in every],
        }
    ),
    hide_index=True,
    key="akun_daftar",
)

create, change = st.tabs(["Buat akun", "Ubah akun"])

with create:
    with st.form("akun_buat", clear_on_submit=False):
        name = st.text_input(
            "Nama pengguna", key="akun_buat_nama",
            help="3–64 karakter: huruf kecil, angka, titik, garis bawah, @ atau tanda hubung. "
                 "Dengan login dinas (single sign-on), isi alamat email pengguna.",
        )
        password = st.text_input("Kata sandi", type="password", key="akun_buat_sandi",
                                 autocomplete="new-password",
                                 help=f"Minimal {accounts.MIN_PASSWORD_LENGTH} karakter.")
        repeat = st.text_input("Ulangi kata sandi", type="password", key="akun_buat_sandi_ulang",
                               autocomplete="new-password")
        role = st.selectbox("Peran", ACCOUNT_ROLES, index=1, format_func=role_label, key="akun_buat_peran")
        chosen = st.selectbox("Batas desa", LIMITS, key="akun_buat_desa", format_func=limit_label, help=LIMIT_HELP)
        submitted = st.form_submit_button("Buat akun", type="primary", key="akun_buat_kirim")
    if submitted:
        if password != repeat:
            st.error("Kedua kata sandi tidak sama.")
        else:
            try:
                with auth.accounts_db() as conn:
                    made = accounts.create_account(
                        conn, name, password, role, accounts.checked_villages(limit_villages(chosen), villages),
                        actor=admin.username, audit=log,
                    )
            except AccountError as exc:
                st.error(str(exc))
            else:
                for key in ("akun_buat_nama", "akun_buat_sandi", "akun_buat_sandi_ulang", "akun_buat_desa"):
                    st.session_state.pop(key, None)
                done(f"Akun {made.username} dibuat.")

with change:
    if not every:
        st.write("Belum ada akun.")
    else:
        names = [a.username for a in every]
        picked = st.selectbox("Pilih akun", names, key="akun_pilih")
        account = next(a for a in every if a.username == picked)

        # Load the chosen account's role and villages into the form whenever the choice changes.
        if st.session_state.get(_SHOWN_KEY) != account:
            st.session_state["akun_peran"] = account.role
            st.session_state["akun_desa"] = limit_of(account.villages)
            st.session_state[_SHOWN_KEY] = account

        st.subheader("Peran dan desa")
        with st.form("akun_ubah"):
            new_role = st.selectbox("Peran", ACCOUNT_ROLES, format_func=role_label, key="akun_peran")
            new_limit = st.selectbox("Batas desa", LIMITS, key="akun_desa", format_func=limit_label, help=LIMIT_HELP,
                                     placeholder="— pilih batas desa —")
            save = st.form_submit_button("Simpan peran dan desa", key="akun_simpan")
        if limit_of(account.villages) is None:
            st.warning(f"Batas desa akun ini ({', '.join(account.villages)}) bukan satu desa atau satu kelompok desa, "
                       "sehingga akun ini tidak melihat angka apa pun. Pilih satu desa, satu kelompok, atau semua desa.")
        if save and new_limit is None:
            st.error("Pilih batas desa: satu desa, satu kelompok desa, atau semua desa.")
        elif save:
            try:
                with auth.accounts_db() as conn:
                    accounts.set_role_and_villages(conn, account.username, new_role, limit_villages(new_limit),
                                                   actor=admin.username, audit=log)
            except AccountError as exc:
                st.error(str(exc))
            else:
                st.session_state.pop(_SHOWN_KEY, None)
                done(f"Peran dan desa {account.username} disimpan.")

        st.subheader("Kata sandi")
        with st.form("akun_sandi", clear_on_submit=True):
            new_password = st.text_input("Kata sandi baru", type="password", key="akun_sandi_baru",
                                         autocomplete="new-password")
            new_repeat = st.text_input("Ulangi kata sandi baru", type="password", key="akun_sandi_ulang",
                                       autocomplete="new-password")
            reset = st.form_submit_button("Ganti kata sandi", key="akun_ganti_sandi")
        if reset:
            if new_password != new_repeat:
                st.error("Kedua kata sandi tidak sama.")
            else:
                try:
                    with auth.accounts_db() as conn:
                        accounts.set_password(conn, account.username, new_password,
                                              actor=admin.username, audit=log)
                except AccountError as exc:
                    st.error(str(exc))
                else:
                    done(f"Kata sandi {account.username} diganti.")

        st.subheader("Kunci")
        if account.is_locked(now):
            st.write(f"Terkunci sampai {auth.wib(account.locked_until)} karena terlalu banyak percobaan gagal.")
            if st.button("Buka kunci", key="akun_buka"):
                with auth.accounts_db() as conn:
                    accounts.unlock_account(conn, account.username, actor=admin.username, audit=log)
                done(f"Kunci akun {account.username} dibuka.")
        else:
            st.write("Akun ini tidak terkunci.")

        st.subheader("Hapus akun")
        if account.username == admin.username:
            st.write("Akun Anda sendiri tidak dapat dihapus dari sini; minta admin lain.")
        else:
            sure = st.checkbox(f"Saya yakin ingin menghapus akun {account.username}", key="akun_hapus_yakin")
            if st.button("Hapus akun", key="akun_hapus", disabled=not sure, type="primary"):
                try:
                    with auth.accounts_db() as conn:
                        accounts.delete_account(conn, account.username, actor=admin.username, audit=log)
                except AccountError as exc:
                    st.error(str(exc))
                else:
                    st.session_state.pop("akun_hapus_yakin", None)
                    st.session_state.pop("akun_pilih", None)
                    done(f"Akun {account.username} dihapus.")
