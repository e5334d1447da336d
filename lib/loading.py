"""Uploaded files or a data folder into checked tables, or into a Dataset."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from lib.ingest import ERROR, TABLE_LABELS, WARNING, concat_problems, problem, problem_frame, read_sheets
from lib.schema import BUDGET, OUTCOMES_TABLE, PARTICIPANTS, TABLES, TARGETS, Dataset, Reference
from lib.validate import Validation, validate_sheets

DATA_SUFFIXES = (".csv", ".xlsx", ".xlsm")


class DataError(Exception):
    """Data that cannot be used; ``problems`` (PROBLEM_COLUMNS) lists every reason."""

    def __init__(self, problems: pd.DataFrame):
        self.problems = problems
        super().__init__(summary(problems))


def summary(problems: pd.DataFrame) -> str:
    """One Indonesian line: how many errors and warnings, and the first error."""
    errors = problems[problems["severity"] == ERROR]
    warnings = int((problems["severity"] == WARNING).sum())
    counts = f"{len(errors)} kesalahan" + (f" dan {warnings} peringatan" if warnings else "")
    if errors.empty:
        return f"Data diterima dengan {counts}."
    first = errors.iloc[0]
    place = first["file"] + (f", lembar {first['sheet']}" if pd.notna(first["sheet"]) else "") + (
        f", baris {first['row']}" if pd.notna(first["row"]) else "")
    return f"Data ditolak: {counts}. Pertama: {place}: {first['problem']}"


def read_files(files: Mapping[str, bytes], reference: Reference, today: dt.date | None = None,
               existing: Dataset | None = None, lang: str = "id") -> Validation:
    """Every table in the uploaded files (name -> bytes), checked together; problems of all files, in ``lang``."""
    sheets, found = [], []
    for name, content in files.items():
        file_sheets, problems = read_sheets(name, content, lang)
        sheets += file_sheets
        found.append(problems)
    checked = validate_sheets(sheets, reference, today=today, existing=existing, lang=lang)
    return Validation(checked.frames, concat_problems(found + [checked.problems]))


def load_folder(folder: Path, reference: Reference, label: str = "demo", is_demo: bool = True,
                today: dt.date | None = None) -> Dataset:
    """Reads participants/outcomes/budget .csv or .xlsx in folder (file names participants.*, outcomes.*,
    budget.* — or recognised by headers) and, when there is one, the optional targets table; validates,
    raises DataError listing every problem."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(problem_frame([problem(
            ERROR, str(folder), "Folder data tidak ditemukan.",
            "Folder berisi participants, outcomes dan budget (.csv atau .xlsx).")]))
    files = {path.name: path.read_bytes() for path in sorted(folder.iterdir())
             if path.is_file() and path.suffix.casefold() in DATA_SUFFIXES
             and not path.name.startswith(("~$", "."))}  # ~$ are Excel's lock files
    checked = read_files(files, reference, today=today)
    missing = [problem(ERROR, str(folder), f"Tabel {TABLE_LABELS[table]} ({table}) tidak ditemukan di folder.",
                       f"Berkas {table}.csv atau {table}.xlsx dengan judul kolom tabel {TABLE_LABELS[table]}.",
                       table=table)
               for table in TABLES if table not in checked.frames]
    problems = concat_problems([problem_frame(missing), checked.problems])
    if (problems["severity"] == ERROR).any():
        raise DataError(problems)
    return Dataset(participants=checked.frames[PARTICIPANTS], outcomes=checked.frames[OUTCOMES_TABLE],
                   budget=checked.frames[BUDGET], reference=reference, label=label, is_demo=is_demo,
                   targets=checked.frames.get(TARGETS))
