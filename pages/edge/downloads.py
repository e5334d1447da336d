"""The one way a file leaves the dashboard: a download button whose file is built on the click and audited.

Streamlit builds the bytes on its own thread, with no session, when the button
is clicked; the account, the page, what and the filters travel in the closure
(``lib.downloads.audited``) and the audit row is written before the bytes are
handed out. Clicking does not rerun the page.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from lib import fmt
from lib.accounts import Account
from lib.downloads import DownloadFile, FiltersDetail, Requester, audited, table_files
from lib.store import label_in
from pages import auth
from pages.edge import cache
from pages.edge.view import View


def requester(account: Account | None, page: str) -> Requester:
    """Who asks for the downloads of this run, on which page, and the audit log their rows go to."""
    return Requester(account, page, auth.audit_log())


def button(label: str, file: DownloadFile, *, who: Requester, what: str, filters: FiltersDetail, key: str,
           icon: str = ":material/download:") -> None:
    """A download button for ``file``, built on the click and recorded in the audit log (who, what, which filters)."""
    st.download_button(label, audited(file, who, what, filters).build, file_name=file.file_name, mime=file.mime,
                       key=key, on_click="ignore", icon=icon)


def file_context(view: View) -> Sequence[str]:
    """The lines above the table in every file of the view: the data in use, the filters and the day (kept per view)."""
    return cache.of_view(view, "file_context", (), lambda: (
        view.tr("data_in_use", label=label_in(cache.source(view).label, view.lang)),
        view.tr("active_filters", filters="; ".join(view.filters.describe(view.lang))),
        view.tr("made_on", date=fmt.date(view.today, view.lang))))


def table_buttons(view: View, pub: pd.DataFrame, what: str, key: str) -> None:
    """CSV and XLSX of exactly the published table ``pub`` as shown, side by side (keys ``<key>_csv``, ``<key>_xlsx``).

    Above the table each file says the data in use, the filters and the day it was made.
    """
    files = table_files(pub, view.rules, view.lang, what, view.filters, file_context(view))
    who = requester(view.account, view.page)
    with st.container(horizontal=True):  # one row (wrapping on a phone): one block, not a block per column
        for file, suffix, words in zip(files, ("csv", "xlsx"), ("download_csv", "download_xlsx")):
            button(view.tr(words), file, who=who, what=what, filters=view.filters, key=f"{key}_{suffix}")
