"""A figure as a page sends it, built once from its published table: chart, note, screen table, image config.

The page edge caches a ``Drawn`` per published table and view (``pages.edge.cache.drawn_figure``), so a
rerun that shows the same figure again sends the same objects instead of building and validating a Plotly
figure, formatting its table and converting it to Arrow each time. Nothing in a ``Drawn`` is changed after
it is built. Streamlit asks the figure for its dict (``Figure.to_dict``, a deep copy with every array
re-encoded) on every rerun that shows it; a drawn figure makes that dict once (``SentFigure``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa

from lib import charts, labels
from lib.alt_text import chart_summary
from lib.figures import FigureSpec, MapLayers, chart_figure, drawn_measures, hidden_caption, screen_table
from lib.privacy import Rules, dimension_columns

Overlay = Callable[[go.Figure, str], go.Figure]


class SentFigure(go.Figure):
    """A Plotly figure that is finished: ``to_dict`` returns the dict made when it was finished, every time.

    Streamlit's ``st.plotly_chart`` serialises a figure through ``to_dict`` on every call, and a cached
    figure is sent again by every rerun that shows it. The dict is shared and read only (Plotly's JSON
    encoder drops trace ``uid`` keys, which a finished figure does not have); a copy of the figure
    (``go.Figure(figure)``, ``copy.deepcopy``) is an ordinary figure again.
    """

    def to_dict(self) -> dict:
        made = self.__dict__.get("_made")
        return made if made is not None else super().to_dict()


def finished(figure: go.Figure) -> SentFigure:
    """``figure``, from now on never changed, with its dict made once (``SentFigure``)."""
    made = figure.to_dict()
    figure.__class__ = SentFigure  # the same object: building it again would validate every property again
    figure._made = made
    return figure


@dataclass(frozen=True)
class Drawn:
    """One figure, ready to send: the captioned chart (None for a table-only figure), its Plotly config,
    the note under it when it hides a figure, its table in the reader's format as Arrow, and the chart's
    text alternative (one sentence from the published figures, ``lib.alt_text``)."""

    figure: go.Figure | None
    config: dict
    note: str | None
    table: pa.Table
    alt: str | None = None


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """``frame`` as an Arrow table without its index: what a data grid is sent."""
    return pa.Table.from_pandas(frame, preserve_index=False)


def drawn(pub: pd.DataFrame, spec: FigureSpec, shown: str, rules: Rules, lang: str, *, title: str,
          described: str, filters_label: str, day: dt.date, layers: MapLayers | None = None,
          overlay: Overlay | None = None) -> Drawn:
    """``spec`` drawn from its published table ``pub`` showing measure ``shown``.

    ``title`` and ``described`` (the filters in words) and ``day`` are written on
    the chart, so a saved image says what it shows; ``filters_label`` names the
    saved image; ``overlay(figure, shown)`` adds to the chart (a trend's targets).
    """
    figure = chart_figure(pub, spec, shown, rules, lang, layers)
    note = alt = None
    if figure is not None:
        alt = chart_summary(pub, dimension_columns(pub), shown, title, lang)
        if overlay is not None:
            figure = overlay(figure, shown)
        figure = finished(charts.captioned(figure, title, described, day, lang))
        note = hidden_caption(pub, drawn_measures(spec, shown), rules, lang)
    # The saved image named after what it shows; the toolbar only on hover, in the reader's language.
    config = {**charts.image_config(title, filters_label, day), **labels.chart_config(lang)}
    return Drawn(figure, config, note,
                 arrow_table(screen_table(pub, rules, lang)), alt)
