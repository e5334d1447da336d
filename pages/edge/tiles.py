"""A row of headline tiles: each figure over the filters, with its change from the year before."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from lib import figures
from lib.filters import VILLAGE
from lib.names import Dim
from pages.edge import cache
from pages.edge.view import View


def show_tiles(view: View, spec: figures.TilesSpec, village: str | None = None,
               notes: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The tiles of ``spec`` in a container keyed ``spec.key``; returns the one-row published table they show.

    ``village``: the tiles of one village are its row of the same table broken
    down by village (as the page shows it), not a separate total. ``notes``:
    measure -> words added to its tile's help (e.g. its target and achievement).
    """
    if village is None:
        total = cache.published(view, spec.table, (), spec.measures)
    else:
        total = figures.row_of(cache.published(view, spec.table, (Dim.VILLAGE,), spec.measures), Dim.VILLAGE, village)
        view = view.narrowed(view.filters.with_choice(VILLAGE.name, village))
        if total.empty:
            total = cache.published(view, spec.table, (), spec.measures)
    by_year = cache.published(view, spec.table, (Dim.YEAR,), spec.measures)
    slots = st.container(key=spec.key).columns(spec.columns)
    for i, (name, tile) in enumerate(zip(spec.measures, figures.tiles(total, by_year, spec, view.rules, view.lang))):
        words = tile.help + (f"\n\n{notes[name]}" if notes and name in notes else "")
        slots[i % spec.columns].metric(tile.label, tile.value, delta=tile.delta, help=words,
                                       delta_color=tile.delta_color, delta_description=tile.delta_description,
                                       border=True)
    return total
