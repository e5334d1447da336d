"""Headline tiles: each figure over the filters, with its change from the previous period (``lib.periods``)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from lib import figures, labels, periods
from lib.filters import VILLAGE, YEAR
from lib.names import Dim
from pages.edge import cache
from pages.edge.view import View


def _one_row(view: View, spec: figures.TilesSpec, village: str | None) -> pd.DataFrame:
    """The one-row published table of ``spec`` under the view's filters (one village: its row of the breakdown)."""
    if village is None:
        return cache.published(view, spec.table, (), spec.measures)
    total = figures.row_of(cache.published(view, spec.table, (Dim.VILLAGE,), spec.measures), Dim.VILLAGE, village)
    if total.empty:  # no row of its own in the breakdown: the village's total
        return cache.published(view.narrowed(view.filters.with_choice(VILLAGE.name, village)), spec.table, (),
                               spec.measures)
    return total


def _tiles(view: View, spec: figures.TilesSpec, village: str | None) -> tuple[pd.DataFrame, dict[str, figures.Tile]]:
    """The one-row published table of the tiles and each measure's tile with its change from the previous period."""
    total = _one_row(view, spec, village)
    inner = view if village is None else view.narrowed(view.filters.with_choice(VILLAGE.name, village))
    by_year = cache.published(inner, spec.table, (Dim.YEAR,), spec.measures)
    compared = periods.comparison(cache.source(inner), inner.filters, by_year)

    def period(choice: str) -> pd.DataFrame:  # the same one-row table for another year or period
        return _one_row(view.narrowed(view.filters.with_choice(YEAR.name, choice)), spec, village)

    latest = period(compared.latest) if compared is not None and compared.every_year else total
    before = period(compared.before) if compared is not None else total
    changes = {name: periods.figure_change(compared, latest, before, name, view.rules, view.lang)
               for name in spec.measures}
    return total, dict(zip(spec.measures, figures.tiles(total, spec, view.rules, view.lang, changes)))


def tiles_of(view: View, spec: figures.TilesSpec, village: str | None = None
             ) -> tuple[pd.DataFrame, dict[str, figures.Tile]]:
    """(the one-row published table of ``spec``, each measure's tile), kept per view (see ``show_tiles``)."""
    return cache.of_view(view, "tiles", (spec, village), lambda: _tiles(view, spec, village))


def show_tiles(view: View, spec: figures.TilesSpec, village: str | None = None,
               notes: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The tiles of ``spec`` in a container keyed ``spec.key``; returns the one-row published table they show.

    ``village``: the tiles of one village are its row of the same table broken
    down by village (as the page shows it), not a separate total. ``notes``:
    measure -> words added to its tile's help (e.g. its target and achievement).
    Tiles come people first, then rates, then money, row by row, so a phone
    that stacks the columns reads them in the same order.
    """
    total, shown = tiles_of(view, spec, village)
    with st.container(key=spec.key):
        for row in labels.tile_rows(spec.measures, spec.columns):
            for slot, name in zip(st.columns(spec.columns), row):
                tile = shown[name]
                words = tile.help + (f"\n\n{notes[name]}" if notes and name in notes else "")
                slot.metric(tile.label, tile.value, delta=tile.delta, help=words, delta_color=tile.delta_color,
                            delta_description=tile.delta_description, border=True)
    return total
