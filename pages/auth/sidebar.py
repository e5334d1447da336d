"""The sidebar's account corner: who is signed in with a sign-out button, or the demo-mode notice."""

from __future__ import annotations

import streamlit as st

from lib.accounts import Account
from lib.sign_in import describe_account
from lib.texts import text
from pages.auth.mode import DEMO
from pages.auth.session import logout

LOGOUT_KEY = "auth_logout"


def account_sidebar(account: Account | None, mode: str, lang: str) -> None:
    """Who is logged in and a logout button, in the sidebar, in ``lang``."""
    if mode == DEMO or account is None:
        return
    with st.sidebar:
        st.caption(text("signed_in_as", lang, account=describe_account(account, lang)))
        if st.button(text("sign_out", lang), key=LOGOUT_KEY, icon=":material/logout:"):
            logout()


def demo_banner(lang: str = "id") -> None:
    """The notice every page shows in demo mode (in the sidebar, beside each page's own demo-data banner).

    It speaks to department heads: how to make the first admin stays in the README and on the Data page.
    """
    st.sidebar.warning(text("demo_mode", lang), icon=":material/science:")
