"""Download files and their audit row: who downloaded what, with which filters, from which page.

A file's bytes are built when its button is clicked, by Streamlit on a thread
of its own with no session: ``audited`` takes everything the audit row needs
now (the account, the page, what, the filters, the log) and writes the row
when the bytes are built, before they are handed out. The page edge has one
button for every download (``pages.edge.downloads``); this module holds the
parts that need no Streamlit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import pandas as pd

from lib import export, privacy
from lib.accounts import Account
from lib.audit import DOWNLOAD, AuditLog
from lib.filters import Filters, query_of
from lib.privacy import Rules

CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# How the audit log keeps the filters of a download: the page's Filters as their query parameters,
# the admin pages' own choices as a mapping, a list of lines, or nothing.
FiltersDetail = Filters | Mapping | Sequence[str] | str | None


@dataclass(frozen=True)
class DownloadFile:
    """One file a button hands out: its name, type, and how its bytes are built (on the click)."""

    file_name: str
    mime: str
    build: Callable[[], bytes | str]


def table_files(pub: pd.DataFrame, rules: Rules, lang: str, what: str, filters: Filters,
                context: Sequence[str] = ()) -> tuple[DownloadFile, DownloadFile]:
    """CSV and XLSX of exactly the published table ``pub`` as shown, titled ``what``, with ``context`` above the table.

    The CSV follows the reader's regional convention (``lib.export.csv_file``);
    both are named after ``what`` and the filters.
    """
    def sheet() -> pd.DataFrame:  # built on the click only: a page's rerun prepares no file nobody asked for
        return export.download_sheet(pub, privacy.dimension_columns(pub), rules, lang, title=what, context=context)

    return (
        DownloadFile(export.download_name(what, filters.label(lang), "csv"), CSV_MIME,
                     lambda: export.csv_file(sheet())),
        DownloadFile(export.download_name(what, filters.label(lang), "xlsx"), XLSX_MIME,
                     lambda: export.xlsx_file(sheet())),
    )


def filters_detail(filters: FiltersDetail) -> list[str] | dict | str | None:
    """The filters of a download as the audit log keeps them: the page's Filters as their query parameters
    (``{"desa": "Pare", "tahun": "2021-2025"}``; ``{}``: all data), shown in the reader's words by the Audit page."""
    if isinstance(filters, Filters):
        return query_of(filters)
    if isinstance(filters, Mapping):
        return dict(filters)
    if filters is None or isinstance(filters, str):
        return filters
    return [str(f) for f in filters]


@dataclass(frozen=True)
class Requester:
    """Who asks for downloads and where: the account (None in open demo mode), the page's title, the audit log."""

    account: Account | None
    page: str
    log: AuditLog


def audited(file: DownloadFile, requester: Requester, what: str, filters: FiltersDetail) -> DownloadFile:
    """``file`` whose bytes, once built, are recorded in the audit log (who, which page, what, which filters, which file).

    Safe on any thread: it reads nothing from a session. The bytes are handed
    out only once their audit row is written.
    """
    actor = requester.account.username if requester.account is not None else None
    detail = filters_detail(filters)

    def build() -> bytes | str:
        content = file.build()
        requester.log.record(actor, DOWNLOAD, page=requester.page, what=what, filters=detail, file=file.file_name)
        return content

    return replace(file, build=build)
