"""The printed report in tests: a blank picture standing in for each chart, the PDF read back as text, and the
rows its tables should print, computed from lib directly (filter, indicator table, publishable, lib.fmt) without
lib.report or lib.figures."""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
from PIL import Image as PILImage
from pypdf import PdfReader

from lib import fmt
from lib.charts import hidden_text
from lib.filters import Filters, filtered
from lib.indicators import indicator_table
from lib.measures import BY_NAME
from lib.privacy import dimension_columns, hidden_reasons, publishable
from lib.texts import value_label
from tests.conftest import TEST_RULES


def blank_png() -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (90, 40), "white").save(out, format="PNG")
    return out.getvalue()


BLANK = blank_png()


def blank_images(figures, each):
    """Stands in for Kaleido: one blank picture per chart."""
    for i, _ in enumerate(figures):
        each(i)
    return [BLANK] * len(figures)


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text, whitespace collapsed to single spaces."""
    return [re.sub(r"\s+", " ", page.extract_text() or "").strip() for page in PdfReader(io.BytesIO(pdf)).pages]


def squeezed(words: str) -> str:
    return re.sub(r"\s+", " ", words).strip()


def published_here(demo, filters: Filters, table: str, by) -> pd.DataFrame:
    raw = indicator_table(filtered(demo, filters), table, [str(b) for b in by])
    return publishable(raw, dimension_columns(raw), TEST_RULES)


def cell_text(value, name: str, reason: str, lang: str) -> str:
    """One figure as the screen writes it: ``<5`` or the hidden word, else in the reader's format."""
    if reason:
        return hidden_text(reason, TEST_RULES.k, lang)
    kind = BY_NAME[name].kind
    if fmt.is_none(value) or not np.isfinite(float(value)):
        return fmt.NONE
    if kind in fmt.RATE_KINDS:  # as downloads hold it (one decimal), then written with the reader's mark
        return fmt.decimal(round(float(value) * 100, 1), lang, 1) + "%"
    return fmt.value(value, kind, lang)


def dimension_text(value, lang: str = "id") -> str:
    if fmt.is_none(value):
        return ""
    if isinstance(value, (int, np.integer)) or (isinstance(value, float) and float(value).is_integer()):
        return str(int(value))
    return value_label(value, lang)  # vocabulary in the reader's language, as every table writes it


def expected_rows(demo, filters: Filters, spec, lang: str) -> list[str]:
    """Each row of the figure's table as the report should print it, cells separated by one space."""
    pub = published_here(demo, filters, spec.table, spec.by)
    dims = dimension_columns(pub)
    measures = [str(m) for m in spec.measures] if spec.measures else [c for c in pub.columns if c in BY_NAME]
    reasons = hidden_reasons(pub)
    rows = []
    for i in range(len(pub)):
        cells = [dimension_text(pub[d].iloc[i], lang) for d in dims]
        cells += [cell_text(pub[m].iloc[i], m, reasons[m].iloc[i], lang) for m in measures]
        rows.append(squeezed(" ".join(c for c in cells if c != "")))
    return rows
