"""Which pages a visitor may open: the navigation they get, and the checks a page makes before it shows data."""

from __future__ import annotations

import copy
import functools
from collections.abc import Sequence
from pathlib import Path

import streamlit as st

from lib.accounts import Account
from lib.sign_in import LOGIN_PATH
from lib.texts import text
from pages.auth.mode import DEMO, is_demo
from pages.auth.session import current_account

PAGES_DIR = Path(__file__).resolve().parent.parent

# (file, interface string of the title, URL path, icon) of the admin pages, in menu order; the URL paths stay the
# same in every language.
ADMIN_PAGES = (
    ("data.py", "nav_data", "data", ":material/upload_file:"),
    ("akun.py", "nav_akun", "akun", ":material/manage_accounts:"),
    ("audit.py", "nav_audit", "audit", ":material/history:"),
)
ADMIN_PATHS = tuple(path for _, _, path, _ in ADMIN_PAGES)
PageSpec = tuple[str, str, str, str]  # (file in pages/, interface string of the title, URL path, icon)


def made_pages(specs: Sequence[PageSpec], lang: str, *, first_is_default: bool = False,
               hidden: bool = False) -> list[st.Page]:
    """The pages of ``specs`` titled in ``lang``: new objects for this run, copied from ones made once.

    Making a page resolves and checks its file on disk, for every page on every
    rerun; a copy costs nothing. Each run gets its own objects because
    ``st.navigation`` and ``Page.run`` mark the page being run on the object itself.
    """
    return [copy.copy(page) for page in _pages_made(tuple(specs), lang, first_is_default, hidden)]


@functools.cache
def _pages_made(specs: tuple[PageSpec, ...], lang: str, first_is_default: bool,
                hidden: bool) -> tuple[st.Page, ...]:
    return tuple(st.Page(PAGES_DIR / file, title=text(title, lang), url_path=path, icon=icon,
                         default=first_is_default and i == 0, visibility="hidden" if hidden else "visible")
                 for i, (file, title, path, icon) in enumerate(specs))


def login_page(url_path: str = LOGIN_PATH, hidden: bool = False, lang: str = "id") -> st.Page:
    return made_pages([("masuk.py", "masuk_title", url_path, ":material/login:")], lang, hidden=hidden)[0]


def admin_pages(lang: str = "id") -> list[st.Page]:
    """Data, Akun and Audit (en: Data, Accounts, Audit), in that order."""
    return made_pages(ADMIN_PAGES, lang)


def allowed_pages(
    account: Account | None, mode: str, analysis: Sequence[st.Page], analysis_paths: Sequence[str] = (),
    lang: str = "id",
) -> list[st.Page] | dict[str, list[st.Page]]:
    """The navigation this visitor gets: only "Masuk" until logged in (outside demo mode), else sections.

    Before login every other page's address (``analysis_paths`` and the admin
    pages) shows the login form too, hidden from the menu: a bookmark such as
    ``/hasil`` asks to log in, then shows Hasil, instead of "page not found".
    """
    if mode == DEMO:
        # The Data page explains how to leave demo mode; it cannot import anything.
        return {text("nav_analysis", lang): list(analysis), text("nav_admin", lang): admin_pages(lang)[:1]}
    if account is None:
        return [login_page(lang=lang)] + [login_page(path, hidden=True, lang=lang)
                                          for path in (*analysis_paths, *ADMIN_PATHS)]
    if account.is_admin:
        return {text("nav_analysis", lang): list(analysis), text("nav_admin", lang): admin_pages(lang)}
    return {text("nav_analysis", lang): list(analysis)}


def require_login() -> Account | None:
    """The account allowed to read data now (None in demo mode); a visitor not logged in stops the run here.

    Called where the data is read, so a page that runs by any route shows
    nothing of the data to a visitor who has not logged in.
    """
    account = current_account()
    if account is None and not is_demo():
        st.stop()
    return account


def require_admin(lang: str = "id") -> Account:
    """The logged-in admin; anyone else gets a refusal (in ``lang``) and the page stops."""
    account = current_account()
    if account is None or not account.is_admin:
        st.error(text("admin_only", lang))
        st.stop()
    return account
