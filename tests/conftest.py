"""The fixtures the tests share, and the one small canonical dataset.

Sixteen enrollments that hit the edge cases: a person in two programs, an
ongoing cohort, unknown origins, a village below the privacy threshold, an
enrollment never followed up, one whose latest follow-up is Tidak Diketahui,
two follow-ups on different days, a village-less budget line shared by
enrollments and one with no enrollments at all (unattributed).

Fixtures for running the dashboard headlessly (AppTest): ``demo`` and
``pages_on_demo`` for the analysis pages on the bundled demo data;
``data_dir``, ``cheap_hashes``, ``served`` and ``deferred`` for accounts and
the admin pages. Plain helpers live in ``tests/support/``.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from argon2 import PasswordHasher
from streamlit.components.v2 import manifest_scanner
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.pages_manager import PagesManager

from lib import accounts
from lib.demo import DEMO_DIR
from lib.keys import DEMO_SECRET
from lib.loading import load_folder
from lib.prepare import prepared
from lib.privacy import Rules
from lib.schema import BUDGET, OUTCOMES_TABLE, PARTICIPANTS, Dataset, Reference, load_reference, typed_frame

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DASBOR_DATA_DIR", str(ROOT / "data"))
# No background warm-up in tests (and the servers they start): a test asks for what it checks, when it checks it.
# tests/test_warm.py turns it on.
os.environ.setdefault("DASBOR_WARM_UP", "0")
# Each new AppTest scans every installed package for Streamlit components (about 60 ms, and the suite makes
# hundreds of apps); the installed packages do not change during a run, so the scan is made once per process.
manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)

pytest_plugins = ["tests.postgres"]  # the throwaway PostgreSQL server and the two-back-end fixture

P_COLS = ["participant_id", "year", "program", "village", "organizer", "role",
          "origin_regency", "origin_province", "age", "status"]
DINSOS = "Dinas Sosial Kabupaten Kediri"
DINKOP = "Dinas Koperasi dan UMKM Kota Kediri"
KAB, KOTA, BLITAR, JATIM = "Kabupaten Kediri", "Kota Kediri", "Kabupaten Blitar", "Jawa Timur"
TD = "Tidak Diketahui"

PARTICIPANT_ROWS = [
    # id      year  program        village     organizer role        origin        province age  status
    ("A01", 2020, "Tata Rias", "Pare", DINSOS, "WPS", BLITAR, JATIM, 25, "Selesai"),
    ("A02", 2020, "Tata Rias", "Pare", DINSOS, "WPS", BLITAR, JATIM, 30, "Selesai"),
    ("A03", 2020, "Tata Rias", "Pare", DINSOS, "WPS", KAB, JATIM, None, "Tidak Selesai"),
    ("A04", 2020, "Tata Rias", "Pare", DINSOS, "Pemilik Wisma", KAB, JATIM, 50, "Selesai"),
    ("A05", 2020, "Tata Boga", "Pare", DINSOS, "WPS", TD, TD, 22, "Selesai"),
    ("A01", 2021, "Tata Boga", "Pare", DINSOS, "WPS", BLITAR, JATIM, 26, "Selesai"),
    ("B01", 2021, "Tata Busana", "Gurah", DINSOS, "WPS", "Kota Surabaya", JATIM, 35, "Selesai"),
    ("B02", 2021, "Tata Busana", "Gurah", DINSOS, "WPS", "Kabupaten Indramayu", "Jawa Barat", 41, "Tidak Selesai"),
    ("S01", 2021, "Konveksi", "Semampir", DINKOP, "WPS", BLITAR, JATIM, 28, "Selesai"),
    ("S02", 2021, "Konveksi", "Semampir", DINKOP, "Mucikari", KOTA, JATIM, 45, "Selesai"),
    ("S03", 2021, "Konveksi", "Semampir", DINKOP, "Warga Terdampak", KOTA, JATIM, 39, "Selesai"),
    ("S04", 2021, "Konveksi", "Semampir", DINKOP, "Warga Terdampak", KOTA, JATIM, 33, "Selesai"),
    ("S05", 2021, "Konveksi", "Semampir", DINKOP, "WPS", KAB, JATIM, 29, "Tidak Selesai"),
    ("S06", 2021, "Konveksi", "Semampir", DINKOP, "WPS", "Kabupaten Tulungagung", JATIM, 31, "Selesai"),
    ("S07", 2022, "Konveksi", "Semampir", DINKOP, "WPS", BLITAR, JATIM, 27, "Berjalan"),
    ("S08", 2022, "Konveksi", "Semampir", DINKOP, "Warga Terdampak", KOTA, JATIM, 52, "Berjalan"),
]

OUTCOME_ROWS = [
    # id     year  program       observed_on     outcome               income
    ("A01", 2020, "Tata Rias", "2021-01-10", "Belum Bekerja", None),
    ("A01", 2020, "Tata Rias", "2022-01-10", "Bekerja", 1_500_000),
    ("A02", 2020, "Tata Rias", "2021-06-01", "Kembali Beroperasi", None),
    ("A03", 2020, "Tata Rias", "2021-06-01", "Kembali ke Daerah Asal", None),
    ("A04", 2020, "Tata Rias", "2021-06-01", "Usaha Mandiri", 2_500_000),
    ("A05", 2020, "Tata Boga", "2021-06-01", "Tidak Diketahui", None),
    ("A01", 2021, "Tata Boga", "2022-03-01", "Usaha Mandiri", None),
    ("B01", 2021, "Tata Busana", "2022-03-01", "Bekerja", 1_000_000),
    ("S01", 2021, "Konveksi", "2022-01-15", "Magang", None),
    ("S02", 2021, "Konveksi", "2022-01-15", "Bekerja", 2_000_000),
    ("S03", 2021, "Konveksi", "2022-01-15", "Bekerja", 3_000_000),
    ("S04", 2021, "Konveksi", "2022-01-15", "Belum Bekerja", None),
    ("S06", 2021, "Konveksi", "2022-01-15", "Usaha Mandiri", 1_200_000),
]

BUDGET_ROWS = [
    # year program      organizer village   category      item                qty  allocated   realized   source
    (2020, "Tata Rias", DINSOS, "Pare", "Narasumber", "Pelatih tata rias", 2, 10_000_000, 9_000_000, "APBD Kabupaten"),
    (2020, "Tata Rias", DINSOS, None, "Bahan", "Bahan praktik", None, 4_000_000, 4_000_000, "APBD Kabupaten"),
    (2021, "Konveksi", DINKOP, "Semampir", "Peralatan", "Mesin jahit", 10, 100_000_000, 98_000_000, "APBD Kota"),
    (2021, "Konveksi", DINKOP, "Semampir", "Bahan", "Kain", None, 25_000_000, 26_000_000, "APBD Kota"),
    (2021, "Tata Busana", DINSOS, None, "Konsumsi dan Uang Saku", "Uang saku", None, 6_000_000, 5_000_000, "APBD Kabupaten"),
    (2019, "Tata Boga", DINSOS, None, "Lainnya", "Sosialisasi", None, 3_000_000, 3_000_000, "APBD Kabupaten"),
]
B_COLS = ["year", "program", "organizer", "village", "category", "item", "quantity",
          "allocated_idr", "realized_idr", "funding_source"]
O_COLS = ["participant_id", "year", "program", "observed_on", "outcome", "monthly_income_idr"]


# The installation secret the tests publish with (lib.keys): a page run on a data folder reads the
# secret from ``folder/secrets``, so ``install_secret`` puts this one there before the page runs and
# the figures a test expects (``prepare_for_tests``) are rounded exactly as the page rounds them.
TEST_SECRET = b"dasbor-uji-kunci-privasi-32-byte"
TEST_RULES = Rules(k=5, b=5)


def install_secret(folder: Path, name: str = DEMO_SECRET, secret: bytes = TEST_SECRET) -> None:
    """Write ``secret`` as the secret ``name`` of data folder ``folder`` (what the pages will read)."""
    path = Path(folder) / "secrets" / f"{name}.key"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(secret)


def prepare_for_tests(dataset: Dataset, rules: Rules = TEST_RULES) -> Dataset:
    """``dataset`` prepared with the tests' secret: keys, latest outcomes, budget shared by published counts."""
    return prepared(dataset, TEST_SECRET, rules)


def tiny_dataset(reference: Reference | None = None) -> Dataset:
    """The canonical dataset above, typed as the loader types it."""
    reference = reference or load_reference()
    participants = pd.DataFrame(PARTICIPANT_ROWS, columns=P_COLS)
    outcomes = pd.DataFrame(OUTCOME_ROWS, columns=O_COLS).assign(
        observed_on=lambda f: pd.to_datetime(f["observed_on"]))
    budget = pd.DataFrame(BUDGET_ROWS, columns=B_COLS)
    return Dataset(
        participants=typed_frame(PARTICIPANTS, participants, reference),
        outcomes=typed_frame(OUTCOMES_TABLE, outcomes, reference),
        budget=typed_frame(BUDGET, budget, reference),
        reference=reference,
        label="uji",
        is_demo=True,
    )


# --- how the suite is run: in parallel workers (pytest-xdist, ``addopts`` in pyproject.toml) ----------------
MAX_WORKERS = 4  # each worker may start its own PostgreSQL server, dashboards and Chromium


def pytest_xdist_auto_num_workers(config) -> int:
    """``-n auto``: one worker per core this process may use, at most ``MAX_WORKERS``."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, cores))


@pytest.fixture(scope="session")
def reference() -> Reference:
    return load_reference()


@pytest.fixture
def tiny(reference) -> Dataset:
    return tiny_dataset(reference)


@pytest.fixture
def today() -> dt.date:
    return dt.date(2026, 1, 31)


def keep_download_callables(patch: pytest.MonkeyPatch, found: dict) -> None:
    """From now on, record in ``found`` (file id -> callable) the data callable each download button registers."""
    original = MediaFileManager.add_deferred

    def keep(self, data_callable, *args, **kwargs):
        file_id = original(self, data_callable, *args, **kwargs)
        found[file_id] = data_callable
        return file_id

    patch.setattr(MediaFileManager, "add_deferred", keep)


# --- the dashboard run headlessly (AppTest) -----------------------------------------------------------------
@pytest.fixture(scope="module")
def demo() -> Dataset:
    """The bundled demo data, prepared with the tests' secret as the pages publish it."""
    return prepare_for_tests(load_folder(DEMO_DIR, load_reference(), label="demo", is_demo=True))


@pytest.fixture
def pages_on_demo(tmp_path, monkeypatch) -> Path:
    """An empty data folder: no imported version, so the pages show the bundled demo, published with the tests'
    secret and k = b = 5."""
    monkeypatch.setenv("DASBOR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DASBOR_PRIVACY_K", "5")
    monkeypatch.setenv("DASBOR_PRIVACY_B", "5")
    install_secret(tmp_path)
    return tmp_path


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    """A copy of the repository's data folder without accounts or imports, as ``DASBOR_DATA_DIR``."""
    folder = tmp_path / "data"
    shutil.copytree(ROOT / "data", folder, ignore=shutil.ignore_patterns("store", "*.sqlite3*"))
    monkeypatch.setenv("DASBOR_DATA_DIR", str(folder))
    monkeypatch.setenv("DASBOR_PRIVACY_K", "5")
    return folder


@pytest.fixture
def cheap_hashes(monkeypatch):
    """Password hashing at a tiny Argon2 cost: production cost would make each login take a noticeable moment."""
    monkeypatch.setattr(accounts, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    accounts._dummy_hash.cache_clear()
    yield
    accounts._dummy_hash.cache_clear()


@pytest.fixture
def served(monkeypatch):
    """Streamlit as a running server is after its first page view: the folder ``pages/`` is not a page list.

    AppTest starts every run as on a fresh server, where each run after the
    first would draw the page file alone and rerun through dashboard.py,
    losing the click that caused it. Returns Streamlit's own initialiser.
    """
    fresh_init = PagesManager.__init__

    def init(self, *args, **kwargs):
        fresh_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
    return fresh_init


@pytest.fixture
def deferred(monkeypatch) -> dict:
    """file id -> the callable a download button registered (``tests.support.pages.click_downloads`` calls them)."""
    found = {}
    keep_download_callables(monkeypatch, found)
    return found
