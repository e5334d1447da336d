"""Targets on a page: the table "Target dan capaian" with its downloads, the tiles' words and the trend's target line.

Which targets apply and how they are achieved is ``lib.targets``; the realised
figures are the published summary by year, through the same cache as every
figure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from lib import export, fmt, store, targets
from lib.downloads import CSV_MIME, XLSX_MIME, DownloadFile
from lib.names import Dim, Table
from pages.edge import cache, downloads
from pages.edge.view import View

KEY = "ringkasan_target"  # the container of the table; its widgets are <KEY>_tabel, <KEY>_csv, <KEY>_xlsx


def achievement(view: View) -> pd.DataFrame:
    """The targets that apply to the view's filters, each against its year's published figure (``lib.targets``)."""
    dataset = cache.source(view)
    return cache.of_view(view, "achievement", (), lambda: targets.achievement_of(
        dataset.targets, view.filters, dataset.reference,
        lambda measures: cache.published(view, Table.SUMMARY, (Dim.YEAR,), measures), view.scope))


def tile_notes(view: View, achieved: pd.DataFrame, measures: Sequence[str]) -> dict[str, str]:
    """measure -> what its headline tile says of its target, for the tiles that have one."""
    return cache.of_view(view, "tile_notes", tuple(measures),
                         lambda: targets.tile_notes(achieved, measures, view.rules, view.lang))


def target_line(view: View, achieved: pd.DataFrame) -> Callable[[go.Figure, str], go.Figure]:
    """What draws the shown measure's targets on a chart by year (``pages.edge.figures.show_figure``'s overlay)."""
    return lambda figure, measure: targets.with_targets(figure, achieved, measure, view.lang)


def _styled(achieved: pd.DataFrame, view: View):
    screen = targets.screen_table(achieved, view.rules, view.lang)
    rating = screen.columns[5]
    return screen.style.apply(lambda _: targets.rating_styles(achieved), subset=[rating], axis=0)


def styled_table(view: View, achieved: pd.DataFrame):
    """The table "Target dan capaian" as shown: each rating cell tinted, its word beside it (kept per view)."""
    return cache.of_view(view, "targets_table", (), lambda: _styled(achieved, view))


def show_table(view: View, achieved: pd.DataFrame) -> None:
    """The table "Target dan capaian" with its CSV and XLSX; nothing when the department set no targets at all."""
    if cache.source(view).targets.empty:
        return
    title = view.tr("targets_title")
    with st.container(key=KEY):
        st.subheader(title, help=view.tr("targets_help"))
        if achieved.empty:
            st.info(view.tr("targets_none"), icon=":material/flag:")
            return
        st.dataframe(styled_table(view, achieved), hide_index=True, width="stretch", key=f"{KEY}_tabel")
        st.caption(view.tr("targets_caption"))
        context = (view.tr("data_in_use", label=store.label_in(cache.source(view).label, view.lang)),
                   view.tr("active_filters", filters="; ".join(view.filters.describe(view.lang))),
                   view.tr("made_on", date=fmt.date(view.today, view.lang)))
        sheet = targets.target_sheet(achieved, view.rules, view.lang, title=title, context=context)
        name = view.filters.label(view.lang)
        files = (DownloadFile(export.download_name(title, name, "csv"), CSV_MIME, lambda: export.csv_file(sheet)),
                 DownloadFile(export.download_name(title, name, "xlsx"), XLSX_MIME, lambda: export.xlsx_file(sheet)))
        who = downloads.requester(view.account, view.page)
        with st.container(horizontal=True):
            for file, suffix, words in zip(files, ("csv", "xlsx"), ("download_csv", "download_xlsx")):
                downloads.button(view.tr(words), file, who=who, what=title, filters=view.filters, key=f"{KEY}_{suffix}")
