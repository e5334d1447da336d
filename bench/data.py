"""The benchmark's data folder: the demo generator scaled to N enrollments, as CSV and as an imported version.

Layout (what the dashboard reads through ``DASBOR_DATA_DIR``)::

    <folder>/reference.toml, regencies.csv   copied from data/
    <folder>/demo/*.csv                       the tables as files (the CSV cold start)
    <folder>/store/                           the same tables as the current imported version
    <folder>/accounts.sqlite3                 one admin, so the dashboard reads the store, as in production
"""

from __future__ import annotations

import secrets
import shutil
import time
from contextlib import closing
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from lib import accounts
from lib import store as data_store
from lib.demo import demo_tables, write_demo
from lib.schema import BUDGET, DEFAULT_REFERENCE_FILE, ENROLLMENT_KEY, OUTCOMES_TABLE, PARTICIPANTS, TABLES, Outcomes
from lib.schema import load_reference, typed_frame

ROOT = Path(__file__).resolve().parent.parent
USERNAME = "bench-admin"
PASSWORD_FILE = "bench-password.txt"
SEED = 2015


@dataclass(frozen=True)
class DataFacts:
    """What was generated: rows per table and how long it took."""

    enrollments: int
    outcomes: int
    budget_lines: int
    repeated_follow_ups_dropped: int
    generate_s: float
    write_csv_s: float
    commit_store_s: float
    csv_mb: float
    store_mb: float


def without_repeated_follow_ups(outcomes: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """outcomes without a second follow-up of one enrollment on one day (the loader rejects those as duplicates).

    At large sizes the generator's evenly spaced follow-up dates can round to
    the same day for a handful of enrollments; keeping the first keeps the file
    valid without changing its shape.
    """
    repeated = outcomes.duplicated([*ENROLLMENT_KEY, Outcomes.observed_on])
    return outcomes[~repeated].reset_index(drop=True), int(repeated.sum())


def _megabytes(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def make_data(folder: Path, enrollments: int, seed: int = SEED) -> DataFacts:
    """Generate ``enrollments`` enrollments into ``folder`` (made afresh): CSV files, an imported version and an admin."""
    folder = Path(folder)
    shutil.rmtree(folder, ignore_errors=True)  # a kept --workdir of an earlier run: its version and admin go too
    folder.mkdir(parents=True)
    shutil.copy(DEFAULT_REFERENCE_FILE, folder / "reference.toml")
    shutil.copy(ROOT / "data" / "regencies.csv", folder / "regencies.csv")
    reference = load_reference(folder / "reference.toml")

    began = time.perf_counter()
    tables = dict(demo_tables(seed=seed, enrollments=enrollments, reference=reference))
    tables[OUTCOMES_TABLE], dropped = without_repeated_follow_ups(tables[OUTCOMES_TABLE])
    generated = time.perf_counter()
    write_demo(folder / "demo", tables)
    written = time.perf_counter()
    # The generator's values are valid: typing them is what a checked import stores.
    frames = {table: typed_frame(table, tables[table], reference) for table in TABLES}
    data_store.commit_version(folder / "store", frames, author=USERNAME, base=None, note="benchmark")
    committed = time.perf_counter()

    password = secrets.token_urlsafe(18)
    (folder / PASSWORD_FILE).write_text(password, encoding="utf-8")
    with closing(accounts.open_accounts(folder / "accounts.sqlite3")) as conn:
        accounts.create_account(conn, USERNAME, password, accounts.ADMIN, actor="bench")
    return DataFacts(
        enrollments=len(tables[PARTICIPANTS]),
        outcomes=len(tables[OUTCOMES_TABLE]),
        budget_lines=len(tables[BUDGET]),
        repeated_follow_ups_dropped=dropped,
        generate_s=generated - began,
        write_csv_s=written - generated,
        commit_store_s=committed - written,
        csv_mb=_megabytes(folder / "demo"),
        store_mb=_megabytes(folder / "store"),
    )


def facts_dict(facts: DataFacts) -> dict:
    return asdict(facts)
