"""A chart's text alternative: one sentence in the reader's language that says what it shows and its extremes.

Written from the published table the chart is drawn from (``lib.privacy.publishable``),
so it names the published figures only: a hidden cell is never named, with or
without a value; the sentence says how many are hidden. Numbers are written by
``lib.fmt``, words come from ``lib.texts``::

    Grafik “Peserta menurut desa”, peserta menurut desa/kelurahan: tertinggi Pare (40),
    terendah Gurah (15); 1 dari 4 nilai disembunyikan demi privasi.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from babel.lists import format_list

from lib import fmt
from lib.measures import BY_NAME, label
from lib.privacy import hidden_reasons
from lib.texts import text, value_label

MAX_NAMED = 3  # ties beyond this many are counted, not named ("Pare, Gurah, Kandangan dan 2 lainnya")
LABEL_JOINER = " – "  # a row of a chart by two dimensions: "Tata Boga – Bekerja"


def _lower_first(words: str) -> str:
    """``Desa/kelurahan`` -> ``desa/kelurahan`` mid-sentence; an acronym (``WPS``) stays as written."""
    return words[:1].lower() + words[1:] if words[1:2].islower() else words


def _category(value: object, lang: str) -> str:
    """A category as the chart's axis writes it: a year as ``2022`` (not ``2.022``), vocabulary in ``lang``."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        return str(int(value))
    return value_label(value, lang)


def row_labels(table: pd.DataFrame, label_columns: Sequence[str], lang: str = "id") -> list[str]:
    """Per row of ``table``: its categories in ``label_columns`` as the reader reads them, joined by " – "."""
    columns = [table[c].astype(object).tolist() for c in label_columns]
    return [LABEL_JOINER.join(_category(v, lang) for v in row) for row in zip(*columns)] if columns else \
        [""] * len(table)


def name_list(names: Sequence[str], lang: str = "id") -> str:
    """``["Pare", "Gurah"]`` -> ``Pare dan Gurah``; past ``MAX_NAMED`` the rest are counted (``dan 2 lainnya``)."""
    shown = list(names[:MAX_NAMED])
    if len(names) > MAX_NAMED:
        shown.append(text("alt_more", lang, n=len(names) - MAX_NAMED))
    return format_list(shown, locale=fmt.locale(lang))


def chart_summary(table: pd.DataFrame, label_column: str | Sequence[str], value_column: str, title: str,
                  lang: str = "id") -> str:
    """One sentence on the chart of ``value_column`` by ``label_column`` drawn from the published ``table``.

    It names the chart (``title``), the figure and what it is broken down by,
    the largest and the smallest published value with the categories that
    have it, and how many values are hidden; a hidden cell is never named.
    Raises ``lib.privacy.NotPublishedError`` for a table that was not published.
    """
    label_columns = [label_column] if isinstance(label_column, str) else list(label_column)
    hidden = hidden_reasons(table)[value_column].fillna("").ne("").to_numpy()
    values = pd.to_numeric(table[value_column], errors="coerce").astype("float64").to_numpy()
    kind = BY_NAME[value_column].kind if value_column in BY_NAME else "count"
    names = row_labels(table, label_columns, lang)
    # (category, value as written) of every published figure; a hidden one or one with no value (a rate of 0) is out.
    shown = [(name, value) for name, value, secret in zip(names, values, hidden)
             if not secret and not fmt.is_none(value)]
    dimension = (" " + text("alt_and", lang) + " ").join(_lower_first(label(c, lang)) for c in label_columns)
    words = {"title": title, "measure": _lower_first(label(value_column, lang)), "dimension": dimension}
    hidden_note = text("alt_hidden", lang, hidden=int(hidden.sum()), total=len(table)) if hidden.any() else ""

    if not shown:
        return text("alt_chart_none", lang, **words) + hidden_note + "."
    ordered = sorted(shown, key=lambda item: item[1])
    low_value, high_value = ordered[0][1], ordered[-1][1]
    low_text, high_text = (fmt.value(v, kind, lang) for v in (low_value, high_value))
    # Ties are read as written: two figures that both read 12,5% are the same figure to the reader.
    highest = [name for name, value in shown if fmt.value(value, kind, lang) == high_text]
    lowest = [name for name, value in shown if fmt.value(value, kind, lang) == low_text]
    if high_text == low_text:
        key = "alt_chart_one" if len(shown) == 1 else "alt_chart_same"
        return text(key, lang, **words, names=name_list(highest, lang), value=high_text) + hidden_note + "."
    return text("alt_chart", lang, **words, top=name_list(highest, lang), top_value=high_text,
                bottom=name_list(lowest, lang), bottom_value=low_text) + hidden_note + "."
