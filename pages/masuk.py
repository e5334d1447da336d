"""Masuk: the login page, the only page a visitor sees before logging in."""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAuthError

from lib.accounts import LoginRefused
from pages import auth
from pages.edge.page import through_entrypoint

through_entrypoint()  # never run on its own, outside dashboard.py's checks

st.title("Masuk")
st.write(
    "Dasbor ini memuat data orang yang rentan. Masuk dengan akun yang diberikan admin dinas; "
    "setiap masuk, percobaan gagal dan unduhan dicatat."
)

_OUTCOME_KEY = "masuk_hasil"  # (kind, message) of the last refused attempt


def attempt_login() -> None:
    """Submit callback: check the password, then forget it.

    It runs before the next run draws anything, so a successful login already
    gets the dashboard's pages in that run, and the password can be wiped from
    its widget (a widget's value cannot change once drawn).
    """
    username = st.session_state.get("masuk_nama") or ""
    password = st.session_state.get("masuk_sandi") or ""
    st.session_state["masuk_sandi"] = ""
    if not username.strip() or not password:
        st.session_state[_OUTCOME_KEY] = ("warning", "Isi nama pengguna dan kata sandi.")
        return
    try:
        auth.password_login(username, password)
    except LoginRefused as refused:
        st.session_state[_OUTCOME_KEY] = ("error", auth.refusal_message(refused))


mode = auth.login_mode()
if mode == auth.OIDC:
    email = auth.oidc_email()
    if email is not None and auth.current_account() is None:
        st.error(
            f"Akun **{email}** belum terdaftar di dasbor ini. Minta admin membuat akun dengan nama "
            "pengguna persis alamat email ini, lalu muat ulang halaman."
        )
        if st.button("Keluar dari akun ini", key="masuk_oidc_keluar"):
            st.logout()
    else:
        for provider in auth.oidc_providers():
            label = "Masuk dengan akun dinas" if provider is None else f"Masuk dengan {provider}"
            if st.button(label, key=f"masuk_oidc_{provider or 'utama'}", type="primary", icon=":material/login:"):
                try:
                    st.login(provider) if provider else st.login()
                except StreamlitAuthError as exc:
                    st.error(
                        "Masuk lewat penyedia identitas belum dapat dipakai: pengaturan [auth] di "
                        f".streamlit/secrets.toml tidak lengkap atau paket Authlib belum dipasang ({exc})."
                    )
elif mode == auth.PASSWORD:
    with st.form("masuk_form"):
        st.text_input("Nama pengguna", key="masuk_nama", autocomplete="username")
        st.text_input("Kata sandi", type="password", key="masuk_sandi", autocomplete="current-password")
        st.form_submit_button("Masuk", type="primary", key="masuk_kirim", on_click=attempt_login)
    if outcome := st.session_state.pop(_OUTCOME_KEY, None):
        kind, message = outcome
        (st.error if kind == "error" else st.warning)(message, icon=":material/lock:" if kind == "error" else None)
    st.caption("Lupa kata sandi atau akun terkunci? Hubungi admin dasbor di dinas Anda.")
else:
    st.info("Dasbor berjalan dalam mode demo: tidak perlu masuk.")
