"""Blank templates (and filled exports) of the tables, in the format the importer reads.

A template has the Indonesian headers (the contract's aliases) and one example
row (the targets template: one per indicator that can carry a target, so the
CSV lists them too). The XLSX has a second sheet "Pilihan" listing the allowed values of each
vocabulary column, and drop-down lists that use it. Given ``rows``, the same
functions write those rows instead of the example: a file that imports back to
exactly the same table.

In English (``lang="en"``) the headers are the contract's English names, and
the file and sheet names, the notes on each header and the drop-down messages
are English; the values (programs, roles, outcomes, ...) are the data's own,
as in every file. The importer reads both.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from lib.fmt import Lang
from lib.schema import (
    BUDGET,
    CATEGORY_EQUIPMENT,
    OUTCOME_EMPLOYED,
    OUTCOMES_TABLE,
    PARTICIPANTS,
    ROLES,
    STATUS_COMPLETED,
    TARGET_INDICATORS,
    TARGETS,
    Budget,
    ColumnSpec,
    Outcomes,
    Participants,
    Reference,
    TableName,
    Targets,
    column_specs,
    current_year,
    typed_frame,
)
from lib.texts import admin_word, text

CHOICES_SHEET = text("template_choices_sheet")
# Sheet and file names staff recognise.
TABLE_TITLES: dict[TableName, str] = {PARTICIPANTS: "peserta", OUTCOMES_TABLE: "hasil", BUDGET: "anggaran",
                                      TARGETS: "target"}
# Indonesian Excel uses ';' as its list separator, so a ';' file opens in columns there.
CSV_SEPARATOR = ";"
# Rows covered by the drop-down lists and column formats of the XLSX.
MAX_ROWS = 5000
# OWASP CSV injection: a cell starting with one of these would run as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# The targets template's example: next to every indicator that can carry a target, a target a regency's
# Renstra might set for the whole area (people, percent or rupiah, as the indicator counts).
EXAMPLE_TARGETS = dict(zip(TARGET_INDICATORS, (100, 85, 60, 10, 10, 95, 5_000_000, 8_000_000)))


def template_filename(table: TableName, extension: str, lang: Lang = "id") -> str:
    """``templat_peserta.xlsx`` and the like (en: ``template_participants.xlsx``)."""
    return text("template_file", lang, table=table_title(table, lang), extension=extension)


def table_title(table: TableName, lang: Lang = "id") -> str:
    """The name of ``table``'s sheet and file: ``peserta`` (en: ``participants``)."""
    return admin_word(TABLE_TITLES[table], lang)


def header(spec: ColumnSpec, lang: Lang = "id") -> str:
    """A column's header in a template: its Indonesian alias (en: its English name); the importer reads both."""
    return spec.name if lang == "en" else spec.alias


def example_frame(table: TableName, reference: Reference, today: dt.date | None = None) -> pd.DataFrame:
    """One plausible, valid row of ``table`` (last year's), typed like a loaded table; for targets, this year's
    target of every indicator for the whole area."""
    if table == TARGETS:
        labels = reference.vocabulary("indicators")
        return typed_frame(TARGETS, pd.DataFrame({
            Targets.year: current_year(today), Targets.indicator: labels, Targets.village: None,
            Targets.program: None, Targets.target: [float(EXAMPLE_TARGETS[n]) for n in TARGET_INDICATORS]}), reference)
    year = current_year(today) - 1
    program, village, organizer = reference.programs[0], reference.villages[0], reference.organizers[0]
    code = "KDR-0001"
    rows = {
        PARTICIPANTS: {
            Participants.participant_id: code, Participants.year: year, Participants.program: program,
            Participants.village: village, Participants.organizer: organizer, Participants.role: ROLES[0],
            Participants.origin_regency: "Kabupaten Blitar", Participants.origin_province: "Jawa Timur",
            Participants.age: 30, Participants.status: STATUS_COMPLETED,
        },
        OUTCOMES_TABLE: {
            Outcomes.participant_id: code, Outcomes.year: year, Outcomes.program: program,
            Outcomes.observed_on: dt.datetime(year, 12, 31), Outcomes.outcome: OUTCOME_EMPLOYED,
            Outcomes.monthly_income_idr: 1_500_000,
        },
        BUDGET: {
            Budget.year: year, Budget.program: program, Budget.organizer: organizer, Budget.village: village,
            Budget.category: CATEGORY_EQUIPMENT, Budget.item: "Mesin jahit", Budget.quantity: 26,
            Budget.allocated_idr: 125_000_000, Budget.realized_idr: 120_000_000,
            Budget.funding_source: "APBD Kabupaten",
        },
    }
    return typed_frame(table, pd.DataFrame([rows[table]]), reference)


def _cell_values(table: TableName, rows: pd.DataFrame) -> list[list[object]]:
    """Rows as plain Python values: None for blanks, int, datetime.datetime or str."""
    out = []
    specs = column_specs(table)
    for record in rows.itertuples(index=False):
        values = []
        for spec, value in zip(specs, record):
            if pd.isna(value):
                values.append(None)
            elif spec.kind == "date":
                values.append(pd.Timestamp(value).to_pydatetime())
            elif spec.kind in ("int", "rupiah"):
                values.append(int(value))
            elif spec.kind == "number":
                values.append(int(value) if float(value).is_integer() else float(value))
            else:
                values.append(str(value))
        out.append(values)
    return out


def _rows_or_example(table: TableName, reference: Reference, rows: pd.DataFrame | None,
                     today: dt.date | None) -> pd.DataFrame:
    frame = example_frame(table, reference, today) if rows is None else rows
    return frame[[spec.name for spec in column_specs(table)]]


def _hint(spec: ColumnSpec, reference: Reference, lang: Lang = "id") -> str:
    """The note on a header: required or not, what it holds, where its choices are."""
    words = text("template_hint", lang, need=text("template_required" if spec.required else "template_optional",
                                                    lang), kind=text(f"template_kind_{spec.kind}", lang))
    if spec.vocab:
        words += " " + text("template_pick", lang, sheet=text("template_choices_sheet", lang))
    if spec.name == Participants.participant_id:
        words += " " + text("template_code", lang)
    return words


def template_xlsx(table: TableName, reference: Reference, rows: pd.DataFrame | None = None,
                  today: dt.date | None = None, lang: Lang = "id") -> bytes:
    """An XLSX workbook: sheet of ``table`` (example row, or ``rows``) and sheet "Pilihan" (en: "Choices") of
    allowed values, its words in ``lang``."""
    specs = column_specs(table)
    choices_sheet = text("template_choices_sheet", lang)
    book = Workbook()
    sheet = book.active
    sheet.title = table_title(table, lang)
    choices = book.create_sheet(choices_sheet)

    sheet.append([header(spec, lang) for spec in specs])
    sheet.freeze_panes = "A2"
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for index, spec in enumerate(specs, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=spec.required)
        cell.fill = header_fill
        cell.comment = Comment(_hint(spec, reference, lang), text("template_author", lang))
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, len(header(spec, lang)) + 4)
        # Typed cells for new rows: codes stay text (leading zeros kept), money shows thousands.
        sheet.column_dimensions[letter].number_format = {
            "text": "@", "int": "0", "rupiah": "#,##0", "date": "yyyy-mm-dd", "number": "General"}[spec.kind]

    for values in _cell_values(table, _rows_or_example(table, reference, rows, today)):
        sheet.append(values)
        row = sheet.max_row
        for index, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=index)
            if isinstance(value, str):
                cell.data_type = "s"  # text, never a formula, whatever its first character
            cell.number_format = sheet.column_dimensions[get_column_letter(index)].number_format

    vocab_specs = [spec for spec in specs if spec.vocab]
    for choice_col, spec in enumerate(vocab_specs, start=1):
        allowed = reference.vocabulary(spec.vocab)
        # Not the alias itself: this sheet must never be mistaken for a table.
        choices.cell(row=1, column=choice_col,
                     value=text("template_choices_of", lang, column=header(spec, lang))).font = Font(bold=True)
        for offset, value in enumerate(allowed, start=2):
            choices.cell(row=offset, column=choice_col, value=value).data_type = "s"
        choice_letter = get_column_letter(choice_col)
        choices.column_dimensions[choice_letter].width = max(16, *(len(v) + 2 for v in allowed))
        validation = DataValidation(
            type="list",
            formula1=f"={choices_sheet}!${choice_letter}$2:${choice_letter}${len(allowed) + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=text("template_unknown_value", lang),
            error=text("template_choose", lang, column=header(spec, lang), sheet=choices_sheet),
        )
        letter = get_column_letter(specs.index(spec) + 1)
        validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        sheet.add_data_validation(validation)

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def spreadsheet_safe(value: object) -> object:
    """``value``, or for text a spreadsheet would run as a formula, that text behind an apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _csv_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return spreadsheet_safe(str(value))


def template_csv(table: TableName, reference: Reference, rows: pd.DataFrame | None = None,
                 today: dt.date | None = None, lang: Lang = "id") -> bytes:
    """A UTF-8 CSV with BOM, ';'-separated: the Indonesian header (en: the English one) and the example row (or
    ``rows``)."""
    specs = column_specs(table)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_SEPARATOR, lineterminator="\r\n")
    writer.writerow([header(spec, lang) for spec in specs])
    for values in _cell_values(table, _rows_or_example(table, reference, rows, today)):
        writer.writerow([_csv_text(value) for value in values])
    return buffer.getvalue().encode("utf-8-sig")
