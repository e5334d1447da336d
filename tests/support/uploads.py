"""The tables of a dataset as the files staff would upload, and a table read back compared with the one written."""

from __future__ import annotations

import pandas as pd

from lib import templates as T
from lib.schema import TABLES, Participants


def upload(dataset, tables=TABLES, extension="csv") -> dict[str, bytes]:
    """The tables of ``dataset`` as the files staff would upload: file name -> bytes of the department's template."""
    writer = T.template_csv if extension == "csv" else T.template_xlsx
    return {T.template_filename(t, extension): writer(t, dataset.reference, rows=dataset.table(t))
            for t in tables}


def assert_same_table(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Equal frames and dtypes; the open vocabularies' category order is inferred, so it is not compared."""
    def sorted_open(frame):
        return frame.assign(**{c: frame[c].cat.reorder_categories(sorted(frame[c].cat.categories))
                               for c in (Participants.origin_regency, Participants.origin_province) if c in frame})
    pd.testing.assert_frame_equal(sorted_open(got), sorted_open(expected))
