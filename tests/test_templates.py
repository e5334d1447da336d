"""Templates: Indonesian headers, a valid example row, allowed values, and a lossless round trip."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import io

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from lib import templates as T
from lib.schema import (
    BUDGET,
    FIRST_YEAR,
    KEYS,
    OUTCOMES_TABLE,
    PARTICIPANTS,
    TABLES,
    UNKNOWN,
    Budget,
    Outcomes,
    Participants,
    column_specs,
    load_reference,
    typed_frame,
)
from tests.support.uploads import assert_same_table

TODAY = dt.date(2026, 1, 31)


def aliases(table):
    return [spec.alias for spec in column_specs(table)]


@pytest.mark.parametrize("table", TABLES)
def test_xlsx_has_headers_example_and_choices(table, reference):
    book = openpyxl.load_workbook(io.BytesIO(T.template_xlsx(table, reference, today=TODAY)))
    assert book.sheetnames == [T.TABLE_TITLES[table], T.CHOICES_SHEET]
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == aliases(table) and len(rows) == 2
    example = dict(zip(aliases(table), rows[1]))
    assert example["tahun"] == 2025
    # One list of allowed values per vocabulary column, each behind a drop-down.
    choices = {col[0].value: [c.value for c in col[1:] if c.value is not None]
               for col in book[T.CHOICES_SHEET].iter_cols()}
    vocab_specs = [spec for spec in column_specs(table) if spec.vocab]
    assert choices == {f"Pilihan {spec.alias}": list(reference.vocabulary(spec.vocab)) for spec in vocab_specs}
    validations = sheet.data_validations.dataValidation
    assert len(validations) == len(vocab_specs)
    for validation, spec in zip(validations, vocab_specs):
        column = aliases(table).index(spec.alias) + 1
        letter = openpyxl.utils.get_column_letter(column)
        assert validation.type == "list" and str(validation.sqref) == f"{letter}2:{letter}{T.MAX_ROWS + 1}"
        assert validation.formula1.startswith(f"={T.CHOICES_SHEET}!$")
        assert example[spec.alias] in reference.vocabulary(spec.vocab)


def test_choices_sheet_headers_are_not_table_headers():
    from lib.schema import header_lookup, normalise_header
    known = set().union(*(header_lookup(t) for t in TABLES))
    book = openpyxl.load_workbook(io.BytesIO(T.template_xlsx(PARTICIPANTS, load_reference())))
    headers = [c.value for c in book[T.CHOICES_SHEET][1]]
    assert headers and not any(normalise_header(h) in known for h in headers)


@pytest.mark.parametrize("table", TABLES)
def test_csv_has_bom_semicolons_header_and_one_example(table, reference):
    data = T.template_csv(table, reference, today=TODAY)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == aliases(table) and len(rows) == 2


def test_example_dates_are_not_in_the_future(reference):
    example = T.example_frame(OUTCOMES_TABLE, reference, today=dt.date(2026, 1, 1))
    assert example[Outcomes.observed_on].iloc[0] < pd.Timestamp("2026-01-01")


def test_text_that_looks_like_a_formula_stays_text(reference):
    rows = T.example_frame(BUDGET, reference, today=TODAY).assign(
        item=pd.array(["=HYPERLINK(\"http://x\")"], dtype="string"))
    book = openpyxl.load_workbook(io.BytesIO(T.template_xlsx(BUDGET, reference, rows=rows)))
    cell = book.worksheets[0].cell(row=2, column=aliases(BUDGET).index("uraian") + 1)
    assert cell.data_type == "s" and cell.value == rows[Budget.item].iloc[0]
    text = T.template_csv(BUDGET, reference, rows=rows).decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(text), delimiter=";"))[1]
    assert row[aliases(BUDGET).index("uraian")] == "'" + rows[Budget.item].iloc[0]


@pytest.mark.parametrize("extension", ["xlsx", "csv"])
def test_template_filename(extension):
    assert T.template_filename(PARTICIPANTS, extension) == f"templat_peserta.{extension}"


# --- round trip through the importer's reader ------------------------------------------
needs_reader = pytest.mark.skipif(importlib.util.find_spec("lib.loading") is None,
                                  reason="lib.loading (read_files) is not available")


def read_back(files, reference):
    from lib.loading import read_files
    result = read_files(files, reference, today=TODAY)
    assert result.ok, result.problems.to_string()
    return result.frames


@needs_reader
@pytest.mark.parametrize("writer,extension", [(T.template_xlsx, "xlsx"), (T.template_csv, "csv")])
def test_unchanged_templates_import_as_their_example(writer, extension, reference):
    files = {T.template_filename(t, extension): writer(t, reference, today=TODAY) for t in TABLES}
    frames = read_back(files, reference)
    for table in TABLES:
        assert_same_table(frames[table], T.example_frame(table, reference, today=TODAY))


# Valid frames drawn from the contract.
REFERENCE = load_reference()
_codes = hs.from_regex(r"[A-Z]{1,3}-?[0-9]{1,5}", fullmatch=True)
_words = hs.text(alphabet=hs.sampled_from("abcdefghijklmnopqrstuvwxyz ABCDEFGHIJ,.()/'&0123456789"),
                 min_size=1, max_size=25).map(str.strip).filter(lambda s: s[:1].isalnum())
_years = hs.integers(FIRST_YEAR, TODAY.year - 1)


@hs.composite
def valid_tables(draw):
    enrollments = draw(hs.lists(hs.tuples(_codes, _years, hs.sampled_from(REFERENCE.programs)),
                                min_size=1, max_size=8, unique=True))
    participants = pd.DataFrame([{
        Participants.participant_id: code, Participants.year: year, Participants.program: program,
        Participants.village: draw(hs.sampled_from(REFERENCE.villages)),
        Participants.organizer: draw(hs.sampled_from(REFERENCE.organizers)),
        Participants.role: draw(hs.sampled_from(REFERENCE.vocabulary("roles"))),
        Participants.origin_regency: draw(hs.sampled_from(["Kabupaten Blitar", "Kota Surabaya", UNKNOWN])),
        Participants.origin_province: draw(hs.sampled_from(["Jawa Timur", "Jawa Tengah", UNKNOWN])),
        Participants.age: draw(hs.none() | hs.integers(15, 80)),
        Participants.status: draw(hs.sampled_from(REFERENCE.vocabulary("statuses"))),
    } for code, year, program in enrollments])
    outcome_rows = []
    for code, year, program in draw(hs.lists(hs.sampled_from(enrollments), min_size=1, max_size=6)):
        outcome_rows.append({
            Outcomes.participant_id: code, Outcomes.year: year, Outcomes.program: program,
            Outcomes.observed_on: pd.Timestamp(draw(hs.dates(dt.date(year, 1, 1), TODAY))),
            Outcomes.outcome: draw(hs.sampled_from(REFERENCE.vocabulary("outcomes"))),
            Outcomes.monthly_income_idr: draw(hs.none() | hs.integers(0, 50_000_000)),
        })
    outcomes = pd.DataFrame(outcome_rows, columns=[s.name for s in column_specs(OUTCOMES_TABLE)])
    outcomes = outcomes.drop_duplicates(list(KEYS[OUTCOMES_TABLE]))
    allocated = draw(hs.lists(hs.integers(0, 10**10), min_size=1, max_size=5))
    budget = pd.DataFrame([{
        Budget.year: draw(_years), Budget.program: draw(hs.sampled_from(REFERENCE.programs)),
        Budget.organizer: draw(hs.sampled_from(REFERENCE.organizers)),
        Budget.village: draw(hs.none() | hs.sampled_from(REFERENCE.villages)),
        Budget.category: draw(hs.sampled_from(REFERENCE.vocabulary("categories"))),
        Budget.item: draw(_words), Budget.quantity: draw(hs.none() | hs.integers(0, 500)),
        Budget.allocated_idr: amount, Budget.realized_idr: draw(hs.integers(0, amount)),
        Budget.funding_source: draw(hs.sampled_from(REFERENCE.vocabulary("funding_sources"))),
    } for amount in allocated])
    return {table: typed_frame(table, frame, REFERENCE) for table, frame in
            ((PARTICIPANTS, participants), (OUTCOMES_TABLE, outcomes), (BUDGET, budget))}


@needs_reader
@pytest.mark.slow
@pytest.mark.parametrize("writer,extension", [(T.template_xlsx, "xlsx"), (T.template_csv, "csv")])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables=valid_tables())
def test_filled_templates_round_trip(writer, extension, tables):
    files = {T.template_filename(t, extension): writer(t, REFERENCE, rows=tables[t]) for t in TABLES}
    frames = read_back(files, REFERENCE)
    for table in TABLES:
        assert_same_table(frames[table], tables[table])
