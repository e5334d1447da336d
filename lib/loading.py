"""Uploaded files or a data folder into checked tables, or into a Dataset."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from lib import texts
from lib.fmt import Lang
from lib.ingest import ERROR, WARNING, concat_problems, problem, problem_frame, read_sheets, table_label
from lib.schema import BUDGET, OUTCOMES_TABLE, PARTICIPANTS, TABLES, TARGETS, Dataset, Reference
from lib.validate import Validation, validate_sheets

DATA_SUFFIXES = (".csv", ".xlsx", ".xlsm")


class DataError(Exception):
    """Data that cannot be used; ``problems`` (PROBLEM_COLUMNS) lists every reason, worded in ``lang``.

    ``message(lang)`` sums them up in the reader's language, ``str()`` in
    ``lang``; ``reworded``, when given, lists the same problems in another
    language (the data read again), else they stay as worded.
    """

    def __init__(self, problems: pd.DataFrame, lang: Lang = "id",
                 reworded: Callable[[Lang], pd.DataFrame] | None = None):
        self.problems, self.lang, self._reworded = problems, lang, reworded
        super().__init__(summary(problems, lang))

    def problems_in(self, lang: Lang) -> pd.DataFrame:
        """Every reason, worded in ``lang`` when the error can say them again, else as they were worded."""
        if lang == self.lang or self._reworded is None:
            return self.problems
        return self._reworded(lang)

    def message(self, lang: Lang = "id") -> str:
        """How many errors and warnings, and the first error, in ``lang``."""
        return summary(self.problems_in(lang), lang)


def counted(errors: int, warnings: int, lang: Lang = "id") -> str:
    """``2 errors and 1 warning``, in ``lang`` (the warnings only when there are some)."""
    said = texts.text("load_errors_one" if errors == 1 else "load_errors", lang, n=errors)
    if not warnings:
        return said
    return texts.text("load_errors_and_warnings", lang, errors=said,
                      warnings=texts.text("load_warnings_one" if warnings == 1 else "load_warnings", lang, n=warnings))


def summary(problems: pd.DataFrame, lang: Lang = "id") -> str:
    """One line in ``lang``: how many errors and warnings, and the first error."""
    errors = problems[problems["severity"] == ERROR]
    counts = counted(len(errors), int((problems["severity"] == WARNING).sum()), lang)
    if errors.empty:
        return texts.text("load_accepted", lang, counts=counts)
    first = errors.iloc[0]
    place = [first["file"]]
    if pd.notna(first["sheet"]):
        place.append(texts.text("check_sheet_named", lang, sheet=first["sheet"]))
    if pd.notna(first["row"]):
        place.append(texts.text("load_row", lang, row=first["row"]))
    return texts.text("load_refused", lang, counts=counts, place=", ".join(place), problem=first["problem"])


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
                today: dt.date | None = None, lang: Lang = "id") -> Dataset:
    """Reads participants/outcomes/budget .csv or .xlsx in folder (file names participants.*, outcomes.*,
    budget.* — or recognised by headers) and, when there is one, the optional targets table; validates,
    raises DataError listing every problem in ``lang`` (and in another language when asked)."""
    folder = Path(folder)
    checked = checked_folder(folder, reference, today, lang)
    if (checked.problems["severity"] == ERROR).any():
        raise DataError(checked.problems, lang,
                        reworded=lambda other: checked_folder(folder, reference, today, other).problems)
    return Dataset(participants=checked.frames[PARTICIPANTS], outcomes=checked.frames[OUTCOMES_TABLE],
                   budget=checked.frames[BUDGET], reference=reference, label=label, is_demo=is_demo,
                   targets=checked.frames.get(TARGETS))


def checked_folder(folder: Path, reference: Reference, today: dt.date | None = None,
                   lang: Lang = "id") -> Validation:
    """The folder's tables, checked, with every problem in ``lang``: a missing folder or table included."""
    if not folder.is_dir():
        return Validation({}, problem_frame([problem(
            ERROR, str(folder), texts.text("load_no_folder", lang), texts.text("load_no_folder_do", lang))]))
    files = {path.name: path.read_bytes() for path in sorted(folder.iterdir())
             if path.is_file() and path.suffix.casefold() in DATA_SUFFIXES
             and not path.name.startswith(("~$", "."))}  # ~$ are Excel's lock files
    checked = read_files(files, reference, today=today, lang=lang)
    missing = [problem(ERROR, str(folder), *(texts.text(key, lang, label=table_label(table, lang), table=table)
                                             for key in ("load_no_table", "load_no_table_do")), table=table)
               for table in TABLES if table not in checked.frames]
    return Validation(checked.frames, concat_problems([problem_frame(missing), checked.problems]))
