"""Masuk: the login page, the only page a visitor sees before logging in."""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAuthError

from lib.accounts import LoginRefused
from lib.texts import text
from pages import auth
from pages.edge import sidebar
from pages.edge.page import through_entrypoint

through_entrypoint()  # never run on its own, outside dashboard.py's checks

lang, _ = sidebar.language(sidebar.asked())
st.title(text("masuk_title", lang))
st.write(text("masuk_intro", lang))

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
        st.session_state[_OUTCOME_KEY] = ("warning", text("masuk_fill", lang))
        return
    try:
        auth.password_login(username, password)
    except LoginRefused as refused:
        # One sentence for every refusal (unknown name, wrong password, locked), so it reveals nothing.
        message = auth.refusal_message(refused) if lang == "id" else text("masuk_refused", lang)
        st.session_state[_OUTCOME_KEY] = ("error", message)


mode = auth.login_mode()
if mode == auth.OIDC:
    email = auth.oidc_email()
    if email is not None and auth.current_account() is None:
        st.error(text("masuk_oidc_unknown", lang, email=email))
        if st.button(text("masuk_oidc_leave", lang), key="masuk_oidc_keluar"):
            st.logout()
    else:
        for provider in auth.oidc_providers():
            label = text("masuk_oidc_main", lang) if provider is None else text("masuk_oidc_with", lang,
                                                                                 provider=provider)
            if st.button(label, key=f"masuk_oidc_{provider or 'utama'}", type="primary", icon=":material/login:"):
                try:
                    st.login(provider) if provider else st.login()
                except StreamlitAuthError as exc:
                    st.error(text("masuk_oidc_broken", lang, reason=exc))
elif mode == auth.PASSWORD:
    with st.form("masuk_form"):
        st.text_input(text("masuk_name", lang), key="masuk_nama", autocomplete="username")
        st.text_input(text("masuk_password", lang), type="password", key="masuk_sandi",
                      autocomplete="current-password")
        st.form_submit_button(text("masuk_submit", lang), type="primary", key="masuk_kirim", on_click=attempt_login)
    if outcome := st.session_state.pop(_OUTCOME_KEY, None):
        kind, message = outcome
        (st.error if kind == "error" else st.warning)(message, icon=":material/lock:" if kind == "error" else None)
    st.caption(text("masuk_forgot", lang))
else:
    st.info(text("masuk_demo", lang))
