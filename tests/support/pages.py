"""Pages run headlessly (AppTest through ``dashboard.py``) on the demo data, and the figures they should show.

Use with the ``demo`` and ``pages_on_demo`` fixtures of ``tests/conftest.py``:
the expected figures are computed directly from lib (filter, indicator,
publish) with the rules the pages run with.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from lib import figures
from lib.filters import Filters, filtered
from lib.indicators import indicator_table
from lib.privacy import Rules

ROOT = Path(__file__).resolve().parents[2]
RULES = Rules(k=5, b=5)
# URL query parameters of each filter state the pages are run with, and the Filters they mean.
SMALL_VILLAGE = "Wonojoyo"
ONE_YEAR = 2020
SCENARIOS = {
    "default": ({}, Filters()),
    "village": ({"desa": SMALL_VILLAGE}, Filters.of(village=SMALL_VILLAGE)),
    "group": ({"desa": "Kabupaten Kediri"}, Filters.of(village="Kabupaten Kediri")),
    "year": ({"tahun": str(ONE_YEAR)}, Filters.of(year=ONE_YEAR)),
    "period": ({"tahun": "2021-2025"}, Filters.of(year="2021-2025")),
    "empty": ({"desa": "Kandangan", "program": "Konveksi"}, Filters.of(village="Kandangan", program="Konveksi")),
}


def run(page: str | None = None, **params) -> AppTest:
    """The dashboard opened with URL ``params``, then switched to ``page``; no exception on the way."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def expected(demo, filters: Filters, table: str, by=(), measures=()) -> pd.DataFrame:
    """The published table a page should show: ``table`` of ``demo`` under ``filters``, by ``by``."""
    return figures.published(indicator_table(filtered(demo, filters), table, list(by)), measures, RULES)


def charts_of(at: AppTest) -> list[dict]:
    """The Plotly figure of every chart drawn, as JSON."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def metrics(at: AppTest) -> dict[str, str]:
    """Label -> shown value of every tile."""
    return {m.label: m.value for m in at.metric}


def click_downloads(at: AppTest, deferred: dict) -> list[bytes]:
    """Build each download button's file the way Streamlit does: on another thread, without the session.

    ``deferred`` is the fixture of that name (file id -> the callable its button registered).
    """
    files = []
    for button in at.get("download_button"):
        assert button.proto.ignore_rerun, button.label  # on_click="ignore": a download does not rerun
        build = deferred[button.proto.deferred_file_id]
        worker = threading.Thread(target=lambda build=build: files.append(build()))
        worker.start()
        worker.join()
    return files


def frames_with(at: AppTest, column: str) -> list[pd.DataFrame]:
    """Every table shown that has ``column``."""
    return [d.value for d in at.dataframe if column in d.value.columns]


def texts(elements) -> str:
    """The words of ``elements`` (e.g. ``at.error``), joined by spaces."""
    return " ".join(e.value for e in elements)
