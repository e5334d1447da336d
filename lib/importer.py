"""The import workflow: check uploaded files, preview what changes, commit a new version.

``plan_import`` reads and validates the files against the version in use and
says, per table, how many rows are added, changed and removed, and how the
headline totals move. Nothing is stored until ``commit_import``, which refuses a
plan with errors and refuses (``StaleImport``) when another version became
current after the plan was made. An uploaded table replaces the table of the
same name (staff re-export their whole sheet); tables not uploaded are kept.

Command line::

    python -m lib.importer FILE [FILE ...] [--yes] [--store PATH] [--author NAME]
    python -m lib.importer --list
    python -m lib.importer --rollback ID

Exit codes: 0 done, 1 the files have errors, 2 wrong usage, 3 the store is busy
or changed meanwhile (try again), 4 the store could not be written or read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import re
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from lib import fmt, settings
from lib.audit import IMPORT, open_audit
from lib import store as st
from lib.fmt import Lang
from lib.ingest import (ERROR, PROBLEM_COLUMNS, TABLE_LABELS, WARNING, concat_problems, problem, problem_frame,
                        table_label)
from lib.loading import DataError, read_files
from lib.schema import (
    ALL_TABLES,
    BUDGET,
    DEFAULT_REFERENCE_FILE,
    KEYS,
    OPTIONAL_TABLES,
    OUTCOMES_TABLE,
    PARTICIPANTS,
    TABLES,
    Budget,
    Dataset,
    Participants,
    Reference,
    TableName,
    empty_frame,
    load_reference,
)
from lib.schema import ReferenceDataError
from lib.export import csv_bytes
from lib.texts import add_language_option, admin_word, command_language, command_parser, text
from lib.validate import Validation

# Columns of ImportPlan.changes.
CHANGE_COLUMNS = ["table", "action", "rows_before", "rows_after", "added", "changed", "removed"]
ACTION_REPLACE, ACTION_KEEP = "replace", "keep"
# Columns of ImportPlan.totals, and its measures in display order.
TOTAL_COLUMNS = ["measure", "before", "after"]
MEASURE_LABELS = {
    "enrollments": "Pendaftaran pelatihan",
    "participants": "Peserta (orang)",
    "follow_ups": "Pemantauan hasil",
    "budget_allocated_idr": "Pagu anggaran",
    "budget_realized_idr": "Realisasi anggaran",
}
ACTION_LABELS = {ACTION_REPLACE: "diganti", ACTION_KEEP: "tetap"}

# The problems list as people read it (command line, CSV of problems), in Indonesian; ``problem_table`` gives the
# English of each word (``lib.texts.admin_word``).
PROBLEM_HEADERS = {
    "severity": "jenis", "file": "berkas", "sheet": "lembar", "table": "tabel", "row": "baris",
    "column": "kolom", "value": "nilai", "problem": "masalah", "allowed": "yang diterima",
    "suggestion": "saran",
}
SEVERITY_LABELS = {ERROR: "kesalahan", WARNING: "peringatan"}

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_BUSY, EXIT_STORE = 0, 1, 2, 3, 4


@dataclass(frozen=True)
class ImportPlan:
    """What an import would do; commit it with ``commit_import``."""

    files: tuple[str, ...]
    base: str | None                       # the version the files were checked against
    validation: Validation
    uploaded: tuple[TableName, ...]        # tables present in the files
    frames: dict[TableName, pd.DataFrame] = field(repr=False)  # the new version: the three tables and targets
    changes: pd.DataFrame = field(repr=False)
    totals: pd.DataFrame = field(repr=False)

    @property
    def problems(self) -> pd.DataFrame:
        return self.validation.problems

    @property
    def errors(self) -> pd.DataFrame:
        return self.validation.errors

    @property
    def warnings(self) -> pd.DataFrame:
        return self.validation.warnings

    @property
    def ok(self) -> bool:
        """No errors (warnings allowed): the plan can be committed."""
        return self.validation.ok


# --- the preview -------------------------------------------------------------------
def _plain_rows(frame: pd.DataFrame) -> list[tuple]:
    """Rows as tuples of plain values, blanks as None, so equal rows compare equal."""
    plain = frame.astype("object").where(frame.notna(), None)
    return list(plain.itertuples(index=False, name=None))


def row_changes(table: TableName, before: pd.DataFrame, after: pd.DataFrame) -> dict[str, int]:
    """Rows added, changed, removed from ``before`` to ``after``: by key, or by whole row for budget."""
    key = KEYS[table]
    if not key:
        # Budget lines have no key: a line edited counts as one removed and one added.
        old, new = Counter(_plain_rows(before)), Counter(_plain_rows(after))
        return {"added": sum((new - old).values()), "changed": 0, "removed": sum((old - new).values())}
    positions = [list(before.columns).index(k) for k in key]

    def by_key(frame):
        return {tuple(row[i] for i in positions): row for row in _plain_rows(frame)}

    old, new = by_key(before), by_key(after)
    return {
        "added": len(new.keys() - old.keys()),
        "changed": sum(old[k] != new[k] for k in new.keys() & old.keys()),
        "removed": len(old.keys() - new.keys()),
    }


def changes_frame(before: Mapping[TableName, pd.DataFrame], after: Mapping[TableName, pd.DataFrame],
                  uploaded: Sequence[TableName]) -> pd.DataFrame:
    """Per table: table, action (replace|keep), rows_before, rows_after, added, changed, removed.

    An optional table (targets) has a row only when it has rows before or after.
    """
    rows = []
    optional = [t for t in OPTIONAL_TABLES if len(before.get(t, ())) or len(after.get(t, ()))]
    for table in (*TABLES, *optional):
        rows.append({"table": table, "action": ACTION_REPLACE if table in uploaded else ACTION_KEEP,
                     "rows_before": len(before[table]), "rows_after": len(after[table]),
                     **row_changes(table, before[table], after[table])})
    frame = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    return frame.astype({c: "Int64" for c in CHANGE_COLUMNS[2:]})


def totals(frames: Mapping[TableName, pd.DataFrame]) -> dict[str, int]:
    """The headline totals of a version: enrollments, participants, follow-ups, budget allocated and realised."""
    participants, budget = frames[PARTICIPANTS], frames[BUDGET]
    return {
        "enrollments": len(participants),
        "participants": int(participants[Participants.participant_id].nunique()),
        "follow_ups": len(frames[OUTCOMES_TABLE]),
        "budget_allocated_idr": int(budget[Budget.allocated_idr].sum()),
        "budget_realized_idr": int(budget[Budget.realized_idr].sum()),
    }


def totals_frame(before: Mapping[TableName, pd.DataFrame], after: Mapping[TableName, pd.DataFrame]) -> pd.DataFrame:
    """Headline totals before and after the import: measure, before, after."""
    old, new = totals(before), totals(after)
    frame = pd.DataFrame([{"measure": m, "before": old[m], "after": new[m]} for m in MEASURE_LABELS],
                         columns=TOTAL_COLUMNS)
    return frame.astype({"measure": "string", "before": "Int64", "after": "Int64"})


# --- plan and commit -----------------------------------------------------------------
def _tables_of(dataset: Dataset | None, reference: Reference) -> dict[TableName, pd.DataFrame]:
    if dataset is None:
        return {table: empty_frame(table, reference) for table in ALL_TABLES}
    return {table: dataset.table(table) for table in ALL_TABLES}


# What stays empty on the dashboard while a table has no rows (the words of lib.texts, in Indonesian).
EMPTY_TABLE_EFFECTS: dict[TableName, str] = {table: text(f"import_empty_effect_{table}")
                                             for table in (PARTICIPANTS, OUTCOMES_TABLE, BUDGET)}


def _empty_table_warning(files: Sequence[str], table: TableName, lang: Lang = "id") -> dict:
    label = table_label(table, lang)
    return problem(
        WARNING, ", ".join(files) or "-",
        text("import_empty_table", lang, table=label, effect=text(f"import_empty_effect_{table}", lang)),
        table=table, suggestion=text("import_empty_table_do", lang, table=label))


def plan_import(files: Mapping[str, bytes], store: st.StoreLike, reference: Reference,
                today: dt.date | None = None, lang: Lang = "id") -> ImportPlan:
    """Read and check ``files`` (name -> content) against the version in use, and preview the result; problems in
    ``lang``."""
    base = st.current_version_id(store)
    existing = None if base is None else st.read_version(store, base, reference)
    validation = read_files(files, reference, today=today, existing=existing, lang=lang)
    uploaded = tuple(table for table in ALL_TABLES if table in validation.frames)
    if not uploaded and validation.ok:
        validation = Validation(validation.frames, concat_problems([validation.problems, problem_frame([problem(
            ERROR, ", ".join(files) or "-", text("import_no_tables", lang), text("import_no_tables_do", lang))])]))
    before = _tables_of(existing, reference)
    if validation.ok:
        after = {table: validation.frames[table] if table in uploaded else before[table] for table in ALL_TABLES}
        changes, totals_ = changes_frame(before, after, uploaded), totals_frame(before, after)
        empty = [table for table in TABLES if after[table].empty]
        if empty:
            validation = Validation(validation.frames, concat_problems([validation.problems, problem_frame(
                [_empty_table_warning(files, table, lang) for table in empty])]))
    else:
        # Nothing of a file with errors may be stored, so nothing is previewed either.
        after = {}
        changes = pd.DataFrame(columns=CHANGE_COLUMNS)
        totals_ = pd.DataFrame(columns=TOTAL_COLUMNS)
    return ImportPlan(files=tuple(files), base=base, validation=validation, uploaded=uploaded,
                      frames=after, changes=changes, totals=totals_)


def commit_import(plan: ImportPlan, store: st.StoreLike, author: str, audit=None, note: str = "") -> str:
    """Store the plan's tables as the new current version and return its id.

    Raises ``DataError`` when the plan has errors, ``StoreBusy``/``StaleImport``
    when another import is at work or finished first; nothing changes then.
    ``audit``, when given, is an audit log (``lib.audit``) that records the import.
    """
    if not plan.ok:
        raise DataError(plan.problems)
    version_id = st.commit_version(store, plan.frames, author=author, base=plan.base,
                                   files=plan.files, note=note)
    if audit is not None:
        audit.record(author, IMPORT, version=version_id, previous=plan.base, files=list(plan.files),
                     tables=list(plan.uploaded),
                     rows={table: len(frame) for table, frame in plan.frames.items()
                           if table in TABLES or len(frame)})
    return version_id


# --- command line ----------------------------------------------------------------------
def _parser(lang: Lang = "id") -> argparse.ArgumentParser:
    def say(key: str) -> str:
        return text(key, lang)

    parser = command_parser(lang, prog="python -m lib.importer", description=say("importer_cli"),
                                     epilog=say("importer_cli_exit"))
    add_language_option(parser, lang)
    parser.add_argument("files", nargs="*", metavar=say("importer_cli_file"), help=say("importer_cli_files"))
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--list", action="store_true", help=say("importer_cli_list"))
    action.add_argument("--rollback", metavar="ID", help=say("importer_cli_rollback"))
    parser.add_argument("--yes", "-y", action="store_true", help=say("importer_cli_yes"))
    parser.add_argument("--store", type=Path, help=say("importer_cli_store"))
    parser.add_argument("--author", default=None, help=say("importer_cli_author"))
    parser.add_argument("--note", default="", help=say("importer_cli_note"))
    parser.add_argument("--problems-out", type=Path, metavar="CSV", help=say("importer_cli_problems_out"))
    parser.add_argument("--reference", type=Path, help=say("importer_cli_reference"))
    parser.add_argument("--audit", type=Path, help=say("importer_cli_audit"))
    parser.add_argument("--today", type=dt.date.fromisoformat, help=argparse.SUPPRESS)
    return parser


def _default_reference_path() -> Path:
    path = settings.data_dir() / "reference.toml"
    return path if path.exists() else DEFAULT_REFERENCE_FILE


def _print_frame(frame: pd.DataFrame, out) -> None:
    with pd.option_context("display.max_rows", None, "display.max_columns", None,
                           "display.width", 200, "display.max_colwidth", 60):
        print(frame.to_string(index=False), file=out)


def problem_table(problems: pd.DataFrame, lang: Lang = "id") -> pd.DataFrame:
    """Problems (PROBLEM_COLUMNS) with headers and words in ``lang``: jenis, berkas, lembar, tabel, baris, ...
    (en: severity, file, sheet, table, row, ...)."""
    def words(labels: Mapping[str, str]) -> dict[str, str]:
        return {code: admin_word(label, lang) for code, label in labels.items()}

    shown = problems[PROBLEM_COLUMNS].assign(
        severity=problems["severity"].map(words(SEVERITY_LABELS)).fillna(problems["severity"]),
        table=problems["table"].map(words(TABLE_LABELS)).fillna(problems["table"]),
        # Where a problem has no place (a CSV file has no sheets, a file-wide problem no row): nothing, not "None".
        **{c: problems[c].astype("object").where(problems[c].notna(), "") for c in ("sheet", "row")},
    )
    return shown.rename(columns=words(PROBLEM_HEADERS))


# A formula start after a separator or line break inside a text: a spreadsheet that splits the line
# there (Indonesian Excel separates with ';') would start a cell with it.
_INNER_FORMULA = re.compile(r"([\",;\t\r\n] *)(?=[=+\-@\t\r])")


def split_safe(value: object) -> object:
    """A text with a quote before every formula start that follows a separator in it: 'Pare;=1' -> \"Pare;'=1\"."""
    return _INNER_FORMULA.sub(r"\1'", value) if isinstance(value, str) else value


def problems_csv(problems: pd.DataFrame, lang: Lang = "id") -> bytes:
    """The problems as the downloads' CSV (``lib.export.csv_bytes``: UTF-8 with BOM, every text quoted, a
    leading formula character neutralised), headers and words in ``lang``, and no formula start after a separator
    inside a text, so that no cell runs as a formula whether the file is split at ',' or at ';'."""
    # The values come from the user's file; a spreadsheet must not run them as formulas.
    return csv_bytes(problem_table(problems, lang).astype("object").map(split_safe))


def _worded(frame: pd.DataFrame, headers: Mapping[str, str], lang: Lang) -> pd.DataFrame:
    """``frame`` with its columns named by ``headers`` (Indonesian words) in ``lang``."""
    return frame.rename(columns={column: admin_word(word, lang) for column, word in headers.items()})


def _print_preview(plan: ImportPlan, out, lang: Lang = "id") -> None:
    def words(labels: Mapping[str, str]) -> dict[str, str]:
        return {code: admin_word(label, lang) for code, label in labels.items()}

    changes = plan.changes.assign(
        table=plan.changes["table"].map(words(TABLE_LABELS)), action=plan.changes["action"].map(words(ACTION_LABELS)))
    print("\n" + text("importer_cli_changes", lang), file=out)
    _print_frame(_worded(changes, {
        "table": "tabel", "action": "tindakan", "rows_before": "baris sebelum", "rows_after": "baris sesudah",
        "added": "ditambah", "changed": "diubah", "removed": "dihapus"}, lang), out)
    print("\n" + text("importer_cli_totals", lang), file=out)
    money = plan.totals["measure"].str.endswith("_idr")
    shown = plan.totals.assign(measure=plan.totals["measure"].map(words(MEASURE_LABELS)), **{
        column: [fmt.rupiah(v, lang) if m else fmt.count(v, lang) for v, m in zip(plan.totals[column], money)]
        for column in ("before", "after")})
    _print_frame(_worded(shown, {"measure": "ukuran", "before": "sebelum", "after": "sesudah"}, lang), out)


def _list_versions(store: st.Store, out, lang: Lang = "id") -> int:
    listed = st.versions(store)
    if listed.empty:
        print(text("importer_cli_no_versions", lang), file=out)
        return EXIT_OK
    shown = listed.assign(
        id=listed["id"].map(lambda v: str(st.version_number(v))),
        created_at=[st.local_time_text(t.to_pydatetime()) for t in listed["created_at"]],
        parent=listed["parent"].map(lambda v: "" if pd.isna(v) else str(st.version_number(v))),
        is_current=listed["is_current"].map({True: admin_word("dipakai", lang), False: ""}),
    )
    _print_frame(_worded(shown, {
        "id": "versi", "created_at": "dibuat", "author": "oleh", "files": "berkas", "note": "catatan",
        "parent": "induk", "participants": "peserta", "outcomes": "hasil", "budget": "anggaran", "targets": "target",
        "is_current": "status"}, lang), out)
    return EXIT_OK


def main(argv: Sequence[str] | None = None, stdin=None, stdout=None, stderr=None) -> int:
    """Run the command line (``--lang id|en``); return the exit code."""
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    parser = _parser(command_language(argv))
    args = parser.parse_args(argv)
    lang = args.lang
    if (args.list or args.rollback) and args.files:
        parser.error(text("importer_cli_not_both", lang))
    if not (args.list or args.rollback or args.files):
        parser.error(text("importer_cli_nothing", lang))
    author = args.author or getpass.getuser()
    try:
        store = st.open_store(args.store)
        if args.list:
            return _list_versions(store, stdout, lang)
        if args.rollback:
            version_id = st.rollback(store, args.rollback, author=author, audit=open_audit(args.audit))
            version = st.version_label(st.read_manifest(store, version_id), lang)
            print(text("importer_cli_in_use", lang, version=version), file=stdout)
            return EXIT_OK
        return _import(args, store, author, stdin, stdout, stderr)
    except ReferenceDataError as exc:
        print(exc.message(lang), file=stderr)
        return EXIT_USAGE
    except st.UnknownVersion as exc:
        print(exc.message(lang), file=stderr)
        return EXIT_USAGE
    except st.StoreBusy as exc:
        print(exc.message(lang), file=stderr)
        return EXIT_BUSY
    except st.StoreError as exc:
        print(exc.message(lang), file=stderr)
        return EXIT_STORE


def _import(args, store: st.Store, author: str, stdin, stdout, stderr) -> int:
    lang = args.lang
    files = {}
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            print(text("importer_cli_not_found", lang, name=name), file=stderr)
            return EXIT_USAGE
        files[path.name if path.name not in files else str(path)] = path.read_bytes()
    reference = load_reference(args.reference or _default_reference_path())
    plan = plan_import(files, store, reference, today=args.today, lang=lang)

    if len(plan.problems):
        if args.problems_out:
            args.problems_out.write_bytes(problems_csv(plan.problems, lang))
            print(text("importer_cli_problems_written", lang, path=args.problems_out), file=stdout)
        else:
            print(text("importer_cli_problems", lang), file=stdout)
            _print_frame(problem_table(plan.problems, lang).fillna(""), stdout)
    if not plan.ok:
        print("\n" + text("importer_cli_errors", lang, n=len(plan.errors)), file=stderr)
        return EXIT_DATA

    _print_preview(plan, stdout, lang)
    if not args.yes:
        print("\n" + text("importer_cli_ask", lang), end="", file=stdout, flush=True)
        answer = stdin.readline()
        if not answer:
            print("\n" + text("importer_cli_no_answer", lang), file=stderr)
            return EXIT_USAGE
        if answer.strip().casefold() not in {"y", "ya", "yes"}:
            print(text("importer_cli_cancelled", lang), file=stdout)
            return EXIT_OK
    version_id = commit_import(plan, store, author, audit=open_audit(args.audit), note=args.note)
    version = st.version_label(st.read_manifest(store, version_id), lang)
    print(text("importer_cli_stored", lang, version=version), file=stdout)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
