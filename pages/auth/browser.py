"""The browser on the other end: its cookies, the address it shows, and sending it to another address.

Served with the dashboard's routes (``pages.server``) the browser carries its
own random cookie and, once signed in, a session cookie; in a headless AppTest
it carries none.
"""

from __future__ import annotations

import streamlit as st
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.scriptrunner import get_script_run_ctx

from lib.sign_in import return_address
from pages import server


def _cookies() -> dict[str, str]:
    """The cookies the browser sent when this session connected (none in a headless AppTest)."""
    try:
        sent = dict(st.context.cookies.to_dict())
    except (TypeError, ValueError):
        return {}
    return {name: value for name, value in sent.items() if isinstance(name, str) and isinstance(value, str)}


def browser_cookie() -> str | None:
    """This browser's own random cookie; present only when the dashboard's routes serve it (``pages.server``)."""
    return server.browser_value(_cookies())


def session_cookie() -> str | None:
    """The session token the browser sent when this session connected, or None."""
    return _cookies().get(server.SESSION_COOKIE) or None


def current_address() -> str:
    """The page the browser shows, path and query, e.g. ``/hasil?desa=Pare`` (the login page's own path is "/")."""
    query = [(key, value) for key in st.query_params for value in st.query_params.get_all(key)]
    return return_address(st.context.url or "", query)


def send_browser_to(address: str) -> None:
    """Load ``address`` in the browser now, as a full page load (Streamlit's own ``st.login`` redirect message)."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return
    message = ForwardMsg()
    message.auth_redirect.url = address
    ctx.enqueue(message)
