"""Reading uploaded bytes into raw sheets: formats, encodings, header rows, messy layouts, refusals."""

import datetime as dt
import io
import os
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.ingest import (
    PROBLEM_COLUMNS,
    cell_text,
    column_letter,
    as_utf8,
    find_header,
    is_pii_header,
    is_title_only,
    read_sheets,
    table_hint,
)
from lib.xlsx import workbook_grids

FILES = Path(__file__).parent / "files"
HEADER = ("kode_peserta,tahun,program,desa,penyelenggara,peran,kabupaten_asal,provinsi_asal,usia,status")
ROW = "P-0001,2023,Tata Rias,Pare,Dinas Sosial Kabupaten Kediri,WPS,Kabupaten Blitar,Jawa Timur,27,Selesai"


def only_sheet(name: str, content: bytes):
    sheets, problems = read_sheets(name, content)
    assert problems.empty, problems.to_dict("records")
    assert len(sheets) == 1
    return sheets[0]


def xlsx_bytes(build) -> bytes:
    """An XLSX file written by openpyxl; ``build(workbook)`` fills it."""
    workbook = openpyxl.Workbook()
    build(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- CSV -----------------------------------------------------------------------
@pytest.mark.parametrize("content", [
    f"{HEADER}\n{ROW}\n".encode(),
    f"{HEADER}\n{ROW}\n".replace(",", ";").encode(),
    f"{HEADER}\r\n{ROW}\r\n".encode("utf-8-sig"),
    f"{HEADER}\r{ROW}\r".encode(),  # classic Mac line ends
])
def test_csv_separator_line_ends_and_bom_are_recognised(content):
    sheet = only_sheet("data.csv", content)
    assert sheet.table == "participants"
    assert sheet.frame.loc[0, "participant_id"] == "P-0001"
    assert sheet.frame.loc[0, "program"] == "Tata Rias"
    assert sheet.rows == [2]


def test_comma_inside_quotes_does_not_split_a_cell():
    content = (HEADER + "\n" + ROW.replace("Tata Rias", '"Tata Rias, angkatan 2"') + "\n").encode()
    assert only_sheet("data.csv", content).frame.loc[0, "program"] == "Tata Rias, angkatan 2"


@pytest.mark.parametrize("content, expected", [
    ("Crème – 1".encode("utf-8"), "Crème – 1"),
    ("Crème – 1".encode("utf-8-sig"), "Crème – 1"),
    ("Crème – 1".encode("cp1252"), "Crème – 1"),
    ("Crème – 1".encode("utf-16"), "Crème – 1"),        # with its BOM, as Excel's "Unicode Text" writes
    ("Crème – 1".encode("utf-16-le"), "Crème – 1"),     # without a BOM
    ("Crème – 1".encode("utf-16-be"), "Crème – 1"),
    ("Crème – 1".encode("utf-32"), "Crème – 1"),
    (b"\x81\x8d", None),  # bytes Windows-1252 leaves undefined: no encoding we read
])
def test_as_utf8_reads_utf8_utf16_and_windows_1252(content, expected):
    converted = as_utf8(content)
    assert (converted.decode("utf-8") if converted is not None else None) == expected


def test_title_rows_blank_rows_and_total_row_keep_spreadsheet_row_numbers():
    content = "\n".join([
        "DATA PESERTA PELATIHAN",                    # 1
        "",                                          # 2
        HEADER,                                      # 3
        ROW,                                         # 4
        ",,,,,,,,,",                                 # 5: empty, dropped
        ROW.replace("P-0001", "P-0002"),             # 6
        "Jumlah,,,,,,,,,",                           # 7: total, dropped
        "",
    ]).encode()
    sheet = only_sheet("peserta.csv", content)
    assert sheet.rows == [4, 6]
    assert sheet.frame["participant_id"].tolist() == ["P-0001", "P-0002"]


def test_a_total_word_above_the_bottom_is_data():
    content = "\n".join([HEADER, ROW.replace("P-0001", "Total"), ROW]).encode()
    assert only_sheet("peserta.csv", content).frame["participant_id"].tolist() == ["Total", "P-0001"]


def test_cells_are_stripped_empty_cells_missing_and_spacer_columns_dropped():
    content = ("No,, Kode Peserta ,TAHUN,Program,Desa,Penyelenggara,Peran,Kabupaten Asal,Provinsi Asal,Usia,Status,\n"
               "1,,  P-0001 ,2023, Tata Rias\u00a0,Pare,Dinas Sosial Kabupaten Kediri,WPS,Kabupaten Blitar,"
               "Jawa Timur,  ,Selesai,\n").encode()
    sheet = only_sheet("peserta.csv", content)
    assert list(sheet.frame.columns) == ["participant_id", "year", "program", "village", "organizer", "role",
                                         "origin_regency", "origin_province", "age", "status"]
    assert sheet.frame.loc[0, "participant_id"] == "P-0001"
    assert sheet.frame.loc[0, "program"] == "Tata Rias"
    assert pd.isna(sheet.frame.loc[0, "age"])
    assert sheet.headers["participant_id"] == "Kode Peserta"
    assert sheet.ignored == ["No"]


@pytest.mark.parametrize("header, column", [
    ("Kode_Peserta", "participant_id"),
    ("KODE PESERTA", "participant_id"),
    ("participant id", "participant_id"),
    ("Tanggal Pemantauan", "observed_on"),
    ("penghasilan-bulanan", "monthly_income_idr"),
    ("Penghasilan Bulanan (Rp)", "monthly_income_idr"),
])
def test_headers_in_english_or_indonesian_in_any_spelling(header, column):
    content = (f"{header},tahun,program,tanggal_pemantauan,hasil,penghasilan_bulanan\n"
               "P-1,2024,Konveksi,2024-05-01,Bekerja,1000\n").encode()
    content = content.replace(b"tanggal_pemantauan", b"x", 1) if column == "observed_on" else content
    content = content.replace(b"penghasilan_bulanan", b"y", 1) if column == "monthly_income_idr" else content
    sheet = only_sheet("hasil.csv", content)
    assert sheet.table == "outcomes"
    assert column in sheet.frame.columns
    assert sheet.headers[column] == header


@pytest.mark.parametrize("headers, hint, expected", [
    (HEADER.split(","), None, "participants"),
    (["kode_peserta", "tahun", "program", "tanggal_pemantauan", "hasil"], None, "outcomes"),
    (["tahun", "program", "penyelenggara", "kategori", "uraian", "pagu", "realisasi", "sumber_dana"], None,
     "budget"),
    (["Tahun", "Program", "Jumlah Peserta"], None, None),                 # a summary, not a table of ours
    (["kode_peserta", "tahun", "program", "desa"], None, "outcomes"),     # shared columns only
    (["kode_peserta", "tahun", "program", "desa"], "participants", "participants"),  # the file name decides
])
def test_table_is_recognised_by_the_headers_that_match_best(headers, hint, expected):
    found = find_header([["Judul laporan"], [], headers], hint)
    assert (found.table if found else None) == expected
    if found:
        assert (found.index, found.cells) == (2, headers)


@pytest.mark.parametrize("name, table", [
    ("participants.csv", "participants"), ("Data_Peserta_2024.xlsx", "participants"),
    ("outcomes.csv", "outcomes"), ("hasil pemantauan.csv", "outcomes"),
    ("budget.xlsx", "budget"), ("ANGGARAN.csv", "budget"), ("data.csv", None),
])
def test_table_hint_from_file_name(name, table):
    assert table_hint(name) == table


def test_csv_export_of_a_merged_two_level_header_is_read_as_one_row():
    content = "\n".join([
        "DATA PESERTA,,,,,,,,,,",
        "No,Kode Peserta,Pelatihan,,,Penyelenggara,Peran,Daerah Asal,,Usia,Status",
        ",,Tahun,Program,Desa,,,Kabupaten Asal,Provinsi Asal,,",
        "1," + ROW,
    ]).encode()
    sheet = only_sheet("data.csv", content)
    assert sheet.table == "participants"
    assert sheet.rows == [4]
    assert sheet.frame.iloc[0].tolist() == ROW.split(",")


def test_a_title_above_an_empty_spacer_column_is_not_a_header():
    content = f"Judul,{HEADER}\n,{HEADER}\n,{ROW}\n".replace("Judul," + HEADER, "Judul" + "," * 10).encode()
    sheet = only_sheet("peserta.csv", content)
    assert sheet.ignored == [] and sheet.rows == [3]


def test_row_wider_than_the_header_is_reported_with_its_row_number():
    content = f"{HEADER}\n{ROW}\n{ROW},Pare ramai\n{ROW},\n".encode()
    sheets, problems = read_sheets("peserta.csv", content)
    assert sheets == []
    assert problems["row"].tolist() == [3]  # row 4's extra cell is empty: harmless
    assert problems.loc[0, "problem"] == "Baris ini berisi 11 sel, padahal judul kolom hanya 10."
    assert "tanda kutip" in problems.loc[0, "allowed"]


def test_a_first_row_wider_than_the_header_is_reported_not_shifted():
    # A reader that took the first cells of a too-wide first row as an index would shift every value one column.
    sheets, problems = read_sheets("peserta.csv", f"{HEADER}\n{ROW},Pare ramai\n{ROW}\n".encode())
    assert sheets == [] and problems["row"].tolist() == [2]
    sheet = only_sheet("peserta.csv", f"{HEADER}\n{ROW},\n{ROW},\n".encode())  # a trailing separator: harmless
    assert sheet.frame.iloc[0].tolist() == ROW.split(",") and sheet.rows == [2, 3]


# --- personal identifiers ---------------------------------------------------------
@pytest.mark.parametrize("header", ["Nama", "nama lengkap", "NIK", "No. KTP", "Alamat", "Alamat Rumah",
                                    "No HP", "Telepon", "Email", "Nama Peserta", "phone", "address"])
def test_personal_identifier_headers(header):
    assert is_pii_header(header)


@pytest.mark.parametrize("header", ["Kode Peserta", "Nama Program", "Jumlah Peserta", "Hasil", "Uraian"])
def test_ordinary_headers_are_not_personal_identifiers(header):
    assert not is_pii_header(header)


@pytest.mark.parametrize("name", ["pii_header.csv", "nik_column.csv"])
def test_personal_identifiers_refuse_the_whole_file_saying_why(name):
    sheets, problems = read_sheets(name, (FILES / "bad" / name).read_bytes())
    assert sheets == []
    assert len(problems) == 1
    found = problems.iloc[0]
    assert found["severity"] == "error"
    assert found["row"] == 1
    assert "Berkas ditolak seluruhnya" in found["problem"]
    assert "kode samaran" in found["problem"]
    assert "1234567890123456" not in found.to_string()  # a NIK is never echoed back


def test_a_16_digit_number_cell_in_another_sheet_refuses_the_workbook():
    def build(workbook):
        workbook.active.append(HEADER.split(","))
        workbook.active.append(ROW.split(","))
        notes = workbook.create_sheet("Catatan")
        notes.append(["Keterangan", "Nomor"])
        notes.append(["contoh", 3506012345678901])  # typed as a number in Excel
    sheets, problems = read_sheets("peserta.xlsx", xlsx_bytes(build))
    assert sheets == []
    assert problems.loc[0, "sheet"] == "Catatan"
    assert "tampak seperti NIK" in problems.loc[0, "problem"]


# --- XLSX ----------------------------------------------------------------------------
def test_xlsx_merged_two_level_header_is_filled_like_excel_shows_it():
    def build(workbook):
        ws = workbook.active
        ws.title = "Peserta 2023"
        ws["A1"] = "DATA PESERTA PELATIHAN"
        ws.merge_cells("A1:K1")
        top = ["No", "Kode Peserta", "Pelatihan", None, None, "Penyelenggara", "Peran", "Asal", None,
               "Usia", "Status"]
        below = [None, None, "Tahun", "Program", "Desa", None, None, "Kabupaten Asal", "Provinsi Asal",
                 None, None]
        ws.append([])
        ws.append(top)
        ws.append(below)
        for column in "ABFGJK":
            ws.merge_cells(f"{column}3:{column}4")
        ws.merge_cells("C3:E3")
        ws.merge_cells("H3:I3")
        ws.append([1, "P-0001", 2023, "Tata Rias", "Pare", "Dinas Sosial Kabupaten Kediri", "WPS",
                   "Kabupaten Blitar", "Jawa Timur", 27.0, "Selesai"])
        ws.append(["Jumlah", None, None, None, None, None, None, None, None, "=SUM(J5:J5)"])
    sheet = only_sheet("data.xlsx", xlsx_bytes(build))
    assert sheet.table == "participants"
    assert sheet.sheet == "Peserta 2023"
    assert sheet.rows == [5]
    assert sheet.frame.iloc[0].tolist() == ["P-0001", "2023", "Tata Rias", "Pare", "Dinas Sosial Kabupaten Kediri",
                                            "WPS", "Kabupaten Blitar", "Jawa Timur", "27", "Selesai"]


def test_xlsx_vertically_merged_data_cells_repeat_their_value():
    def build(workbook):
        ws = workbook.active
        ws.append(HEADER.split(","))
        ws.append(ROW.split(","))
        ws.append(ROW.replace("P-0001", "P-0002").split(","))
        ws.merge_cells("B2:B3")  # one year cell for both rows; openpyxl empties B3
    sheet = only_sheet("data.xlsx", xlsx_bytes(build))
    assert sheet.frame["year"].tolist() == ["2023", "2023"]


def test_xlsx_every_sheet_is_read_and_other_sheets_are_ignored():
    def build(workbook):
        workbook.active.title = "Catatan"
        workbook.active.append(["Dibuat oleh", "Bidang Rehabilitasi Sosial"])
        for title, row in (("2023", ROW), ("2024", ROW.replace("2023", "2024"))):
            ws = workbook.create_sheet(title)
            ws.append(HEADER.split(","))
            ws.append(row.split(","))
    sheets, problems = read_sheets("peserta.xlsx", xlsx_bytes(build))
    assert problems.empty
    assert [(s.sheet, s.table, s.frame.loc[0, "year"]) for s in sheets] == [
        ("2023", "participants", "2023"), ("2024", "participants", "2024")]


def test_xlsx_with_no_table_of_ours_returns_its_sheet_unrecognised():
    def build(workbook):
        workbook.active.append(["Dibuat oleh", "Bidang Rehabilitasi Sosial"])
    sheets, problems = read_sheets("catatan.xlsx", xlsx_bytes(build))
    assert problems.empty
    assert [(s.sheet, s.table) for s in sheets] == [("Sheet", None)]


@pytest.mark.parametrize("value, text", [
    (None, None),
    ("  teks ", "  teks "),
    (2024, "2024"),
    (2024.0, "2024"),
    (27.5, "27.5"),
    (3506012345678901.0, "3506012345678901"),
    (dt.datetime(2024, 3, 31), "2024-03-31"),
    (dt.datetime(2024, 3, 31, 14, 30), "2024-03-31 14:30:00"),
    (dt.date(2024, 3, 31), "2024-03-31"),
    (True, "TRUE"),
])
def test_cell_text_is_what_a_csv_export_would_hold(value, text):
    assert cell_text(value) == text


@pytest.mark.parametrize("position, letter", [(0, "A"), (25, "Z"), (26, "AA"), (27, "AB"), (701, "ZZ")])
def test_column_letter(position, letter):
    assert column_letter(position) == letter


# --- broken files: a problem, never an exception ------------------------------------------------
def _truncated_xlsx() -> bytes:
    content = xlsx_bytes(lambda wb: wb.active.append(HEADER.split(",")))
    return content[: len(content) // 2]


@pytest.mark.parametrize("name, content, words", [
    ("peserta.csv", b"", "Berkas kosong"),
    ("peserta.csv", b"  \r\n \n", "Berkas kosong"),
    ("peserta.xlsx", b"", "Berkas kosong"),
    ("peserta.xlsx", _truncated_xlsx(), "rusak atau tidak lengkap"),
    ("peserta.xlsx", b"kode_peserta,tahun\n", "rusak atau tidak lengkap"),
    ("peserta.xlsx", b"PK\x03\x04" + os.urandom(500), "rusak atau tidak lengkap"),
    ("peserta.csv", os.urandom(4000), "bukan tabel CSV atau XLSX"),
    ("foto.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "bukan tabel CSV atau XLSX"),
    ("peserta.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "Excel lama (.xls)"),
])
def test_broken_files_give_an_error_problem_not_an_exception(name, content, words):
    sheets, problems = read_sheets(name, content)
    assert sheets == []
    assert list(problems.columns) == PROBLEM_COLUMNS
    assert problems["severity"].tolist() == ["error"]
    assert words in problems.loc[0, "problem"]
    assert problems.loc[0, "allowed"]
    assert pd.isna(problems.loc[0, "row"])


@settings(max_examples=60, deadline=None)
@given(content=st.one_of(
    st.binary(max_size=600),
    st.lists(st.sampled_from([",", ";", '"', "\r", "\n", " ", "x", "1", "kode_peserta", "tahun", "program",
                              "hasil", "tanggal_pemantauan", "3506012345678901", "Jumlah", "NIK"]),
             max_size=60).map(lambda parts: "".join(parts).encode())),
       name=st.sampled_from(["data.csv", "data.xlsx", "peserta.csv", "data"]))
def test_any_bytes_give_sheets_or_problems_never_an_exception(content, name):
    sheets, problems = read_sheets(name, content)
    assert list(problems.columns) == PROBLEM_COLUMNS
    assert sheets or len(problems)


def test_a_zip_that_is_not_a_workbook_is_reported():
    buffer = io.BytesIO()
    import zipfile
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("catatan.txt", "bukan excel")
    sheets, problems = read_sheets("arsip.xlsx", buffer.getvalue())
    assert sheets == [] and problems.loc[0, "severity"] == "error"


def test_headers_only_gives_an_empty_sheet_for_validation_to_report():
    sheet = only_sheet("headers_only.csv", (FILES / "bad" / "headers_only.csv").read_bytes())
    assert sheet.table == "outcomes"
    assert sheet.frame.empty and sheet.rows == []


def test_a_code_column_of_niks_refuses_the_file():
    rows = [ROW.replace("P-0001", "3506012345678901"), ROW.replace("P-0001", "3506012345678902")]
    sheets, problems = read_sheets("peserta.csv", "\n".join([HEADER, *rows]).encode())
    assert sheets == []
    assert problems["problem"].tolist() == [
        "Kolom 'kode_peserta' berisi angka 16 digit yang tampak seperti NIK. Berkas ditolak seluruhnya: dasbor "
        "hanya menyimpan kode samaran peserta, bukan nomor identitas."]


def test_a_column_given_twice_keeps_the_one_with_data_or_is_an_error():
    header = HEADER + ",year"
    sheet = only_sheet("peserta.csv", f"{header}\n{ROW},\n".encode())
    assert sheet.frame.loc[0, "year"] == "2023"
    sheets, problems = read_sheets("peserta.csv", f"{header}\n{ROW},2024\n".encode())
    assert sheets == []
    assert problems["problem"].tolist() == ["Kolom year muncul dua kali ('tahun' dan 'year')."]


# --- the XLSX reader reads what Excel (and openpyxl) show ---------------------------------------------
def _openpyxl_rows(content: bytes) -> list[tuple[str, list[list[str | None]]]]:
    """(title, rows of cell texts) of every worksheet as openpyxl reads the saved results, trimmed like ours."""
    book = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
    out = []
    for ws in book.worksheets:
        rows = [[cell_text(v) if v not in (None, "") else None for v in row] for row in ws.iter_rows(values_only=True)]
        while rows and not any(rows[-1]):
            rows.pop()
        width = max((max((i + 1 for i, v in enumerate(r) if v is not None), default=0) for r in rows), default=0)
        out.append((ws.title, [r[:width] + [None] * (width - len(r)) for r in rows]))
    return out


def _ours(content: bytes) -> list[tuple[str, list[list[str | None]]]]:
    return [(grid.title, grid.rows) for grid in workbook_grids(content)]


def test_xlsx_cells_of_every_type_read_as_openpyxl_reads_them():
    def build(workbook):
        ws = workbook.active
        ws.title = "Jenis"
        ws.append(["teks", "  spasi ", 2024, 27.5, 3506012345678901, -0.25, True, False, "#N/A"])
        ws.append([dt.datetime(2024, 3, 31), dt.datetime(2024, 3, 31, 14, 30), dt.date(2023, 12, 1),
                   dt.time(8, 15), 45382, "=1+1", None, "akhir"])
        ws["B2"].number_format = "yyyy-mm-dd hh:mm"
        ws["E2"].number_format = "d/m/yyyy"          # a serial number shown as a date
        ws.cell(row=6, column=3, value="jauh di bawah")  # empty rows between
        other = workbook.create_sheet("Kedua")
        other.append([None, None, "mulai di kolom C"])
        hidden = workbook.create_sheet("Tersembunyi")
        hidden.sheet_state = "hidden"
        hidden.append(["tetap dibaca"])
    content = xlsx_bytes(build)
    assert _ours(content) == _openpyxl_rows(content)


def test_xlsx_of_the_1904_calendar_reads_its_dates():
    def build(workbook):
        workbook.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
        workbook.active.append([dt.datetime(2024, 3, 31), 1])
    content = xlsx_bytes(build)
    assert _ours(content)[0][1] == [["2024-03-31", "1"]] == _openpyxl_rows(content)[0][1]


def _with_sheet_xml(sheet_xml: str, shared: str | None = None) -> bytes:
    """An openpyxl workbook whose first sheet (and shared strings) are replaced by the XML given."""
    import zipfile
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(lambda wb: wb.active.append(["x"]))))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml.encode()
            elif info.filename == "xl/_rels/workbook.xml.rels" and shared is not None:
                data = data.replace(b"</Relationships>", b'<Relationship Id="rId9" Target="sharedStrings.xml" Type='
                                    b'"http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                                    b'sharedStrings"/></Relationships>')
            target.writestr(info.filename, data)
        if shared is not None:
            target.writestr("xl/sharedStrings.xml", shared.encode())
    return out.getvalue()


MAIN = 'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def test_xlsx_prefixed_names_rich_text_phonetic_guides_and_cells_without_references():
    shared = (f'<x:sst {MAIN}><x:si><x:t>Tata Rias</x:t></x:si>'
              '<x:si><x:r><x:rPr><x:b/></x:rPr><x:t>Pa</x:t></x:r><x:r><x:t>re</x:t></x:r>'
              '<x:rPh sb="0" eb="1"><x:t>ぱれ</x:t></x:rPh></x:si></x:sst>')
    sheet = (f'<x:worksheet {MAIN}><x:dimension ref="A1"/><x:sheetData>'
             '<x:row><x:c t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c></x:row>'   # no r anywhere
             '<x:row r="3"><x:c r="B3" t="inlineStr"><x:is><x:t>baris </x:t><x:r><x:t>tiga</x:t></x:r></x:is></x:c>'
             '<x:c><x:v>7</x:v></x:c></x:row>'                                                # C3, after B3
             '<x:row><x:c r="A4" t="str"><x:f>A1&amp;""</x:f><x:v>Tata Rias</x:v></x:c></x:row>'
             '</x:sheetData></x:worksheet>')
    grid = workbook_grids(_with_sheet_xml(sheet, shared))[0]
    assert grid.rows == [["Tata Rias", "Pare", None], [None, None, None], [None, "baris tiga", "7"],
                         ["Tata Rias", None, None]]
    assert grid.formulas == {}


def test_xlsx_formula_without_a_saved_result_is_kept_apart_from_empty_cells():
    sheet = (f'<x:worksheet {MAIN}><x:sheetData><x:row r="1"><x:c r="A1"><x:f>B1*2</x:f></x:c>'
             '<x:c r="B1"><x:f>1+1</x:f><x:v/></x:c><x:c r="C1" t="str"><x:f>""</x:f><x:v/></x:c>'
             '<x:c r="D1"><x:f>1+2</x:f><x:v>3</x:v></x:c></x:row></x:sheetData></x:worksheet>')
    grid = workbook_grids(_with_sheet_xml(sheet))[0]
    assert grid.rows == [[None, None, None, "3"]]
    assert grid.formulas == {(0, 0): "=B1*2", (0, 1): "=1+1"}  # C1 saved an empty text: not unsaved


@pytest.mark.parametrize("sheet_xml", [
    f'<x:worksheet {MAIN}><x:sheetData><x:row r="1"><x:c r="A1" t="s"><x:v>5</x:v></x:c></x:row></x:sheetData>'
    '</x:worksheet>',                                                            # no such shared string
    f'<x:worksheet {MAIN}><x:sheetData><x:row r="1"><x:c r="1A"><x:v>5</x:v></x:c></x:row></x:sheetData>'
    '</x:worksheet>',                                                            # a reference upside down
    f'<x:worksheet {MAIN}><x:sheetData><x:row r="1"><x:c r="A1"><x:v>5</x:v></x:c></x:row>'
    '<x:row r="1"><x:c r="B1"><x:v>6</x:v></x:c></x:row></x:sheetData></x:worksheet>',  # a row twice
    f'<x:worksheet {MAIN}><x:sheetData><x:row r="1"><x:c r="A1"><x:v>5</x:v></x:row></x:worksheet>',  # bad XML
])
def test_a_malformed_sheet_is_a_broken_file(sheet_xml):
    sheets, problems = read_sheets("peserta.xlsx", _with_sheet_xml(sheet_xml))
    assert sheets == [] and "rusak atau tidak lengkap" in problems.loc[0, "problem"]


def test_merged_ranges_fill_only_where_values_are():
    sheet = (f'<x:worksheet {MAIN}><x:sheetData>'
             '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>judul</x:t></x:is></x:c></x:row>'
             '<x:row r="2"><x:c r="A2"><x:v>1</x:v></x:c><x:c r="B2"><x:v>2</x:v></x:c></x:row>'
             '<x:row r="3"><x:c r="A3"><x:v>3</x:v></x:c></x:row></x:sheetData>'
             '<x:mergeCells><x:mergeCell ref="A1:XFD1"/><x:mergeCell ref="B2:B1048576"/>'
             '<x:mergeCell ref="C5:D9"/><x:mergeCell ref="nonsense"/></x:mergeCells></x:worksheet>')
    assert workbook_grids(_with_sheet_xml(sheet))[0].rows == [["judul", "judul"], ["1", "2"], ["3", "2"]]


@pytest.mark.parametrize("rows, title_only", [
    ([["DATA PESERTA"]], True),
    ([["DATA PESERTA"], [], [None, "Dinas Sosial"], ["Tahun 2024"]], True),
    ([["DATA PESERTA", "2024"]], False),
    ([[f"baris {i}"] for i in range(10)], False),   # a one-column list, not a title
    ([[], [None]], False),
])
def test_title_only(rows, title_only):
    assert is_title_only(rows) is title_only


def test_csv_tab_separated_is_read():
    sheet = only_sheet("peserta.csv", f"{HEADER}\n{ROW}\n".replace(",", "\t").encode("utf-16"))
    assert sheet.frame.loc[0, "organizer"] == "Dinas Sosial Kabupaten Kediri"
