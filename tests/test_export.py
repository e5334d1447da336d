"""Download files: the shown table under user labels, files that open right in the reader's Excel, and no cell
that a spreadsheet runs as a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib import charts
from lib.export import (
    FORMULA_CHARS,
    PERCENT_FORMAT,
    RUPIAH_FORMAT,
    csv_bytes,
    csv_file,
    display_frame,
    download_name,
    download_sheet,
    neutralised,
    sheet_name,
    xlsx_bytes,
    xlsx_file,
)
from lib.privacy import NotPublishedError, Rules, key_column, publishable

BOM = b"\xef\xbb\xbf"


def published(k: int = 5) -> pd.DataFrame:
    table = pd.DataFrame({
        "village": ["Pare", "Gurah", "=HYPERLINK(\"http://x\")", "Kepung"],
        "year": [2020, 2020, 2021, 2021],
        "followed_up": pd.array([3, 12, 30, 0], dtype="Int64"),
        "working": pd.array([1, 6, 15, 0], dtype="Int64"),
        # Cell keys of 0 round every count up to the next multiple of 5: 12 -> 15, 6 -> 10.
        key_column("followed_up"): [0, 0, 0, 0],
        key_column("working"): [0, 0, 0, 0],
        "working_rate": [1 / 3, 0.5, 0.5, np.nan],
        "realized_idr": [1_000_000.4, 2_500_000.6, 0.0, 125_000_000.0],
        "absorption_rate": [0.125, 1.0, np.nan, 0.8],
    })
    return publishable(table, ["village", "year"], Rules(k=k, b=5))


# --- display_frame -----------------------------------------------------------

def test_display_frame_in_indonesian():
    frame = display_frame(published(), ["village", "year"], 5)
    expected = pd.DataFrame({
        "Desa/kelurahan": ["Pare", "Gurah", "=HYPERLINK(\"http://x\")", "Kepung"],
        "Tahun": [2020, 2020, 2021, 2021],
        "Terpantau": ["<5", 15, 30, 0],
        "Bekerja atau usaha mandiri": ["<5", 10, 15, 0],
        "Tingkat bekerja": ["disembunyikan", 66.7, 50.0, ""],
        "Realisasi": [1_000_000, 2_500_001, 0, 125_000_000],
        "Daya serap": [12.5, 100.0, "", 80.0],
        "Catatan privasi": [
            "Terpantau <5 disembunyikan; Bekerja atau usaha mandiri <5 disembunyikan; "
            "Tingkat bekerja disembunyikan (pembilang disembunyikan)",
            "", "", "",
        ],
    }, dtype=object)
    pd.testing.assert_frame_equal(frame, expected)


def test_display_frame_in_english_with_another_k():
    frame = display_frame(published(k=7), ["village", "year"], Rules(k=7, b=5), lang="en")
    assert list(frame.columns) == ["Village", "Year", "Followed up", "Working or own business", "Working rate",
                                   "Realised", "Absorption rate", "Privacy note"]
    assert frame["Followed up"].tolist() == ["<7", 15, 30, 0]
    assert frame["Working rate"].tolist() == ["hidden", "hidden", 50.0, ""]
    assert frame["Privacy note"][0] == ("Followed up <7 hidden; Working or own business <7 hidden; "
                                        "Working rate hidden (numerator hidden)")


def test_numbers_stay_numbers():
    frame = display_frame(published(), ["village", "year"], 5)
    for column in ("Terpantau", "Realisasi", "Daya serap", "Tahun"):
        for value in frame[column]:
            assert isinstance(value, (int, float, str)) and not isinstance(value, bool)
            assert not isinstance(value, str) or not value.replace(".", "").isdigit()


def test_display_frame_of_an_empty_table():
    table = pd.DataFrame({"village": pd.Series([], dtype="str"), "enrollments": pd.array([], dtype="Int64"),
                          key_column("enrollments"): pd.Series([], dtype="int64")})
    frame = display_frame(publishable(table, ["village"], 5), ["village"], 5)
    assert list(frame.columns) == ["Desa/kelurahan", "Pendaftaran", "Catatan privasi"] and frame.empty
    assert csv_bytes(frame).startswith(BOM)
    assert openpyxl.load_workbook(io.BytesIO(xlsx_bytes(frame))).active.max_row == 1


# --- neutralised ---------------------------------------------------------------

DANGEROUS = list(FORMULA_CHARS)


@pytest.mark.parametrize("char", DANGEROUS)
@pytest.mark.parametrize("template", [
    "{c}cmd|' /C calc'!A0",   # at the start
    '"{c}1+1',                 # after a double quote
    "Pare,{c}1+1",             # after a comma
    "Pare;{c}1+1",             # after a semicolon
    "Pare\t{c}1+1",            # after a tab
    "Pare\n{c}1+1",            # after a line break
    "Pare, {c}1+1",            # after a separator and spaces
])
def test_every_dangerous_character_is_neutralised(char, template):
    text = template.format(c=char)
    assert neutralised(text) == "'" + text


@pytest.mark.parametrize("text", [
    "Pare", "Tata Rias", "Kec. Pare - Kediri", "a-b", "12", "-12 ", "< Rp 1 jt", "Rp 1–2 jt", "", "e=mc2",
    "O'Brien", "'=already quoted text",
])
def test_safe_text_is_left_alone(text):
    expected = "'" + text if text.startswith(tuple(FORMULA_CHARS)) else text
    assert neutralised(text) == expected


@given(st.text())
@settings(deadline=None)
def test_property_no_neutralised_text_starts_a_formula(text):
    out = neutralised(text)
    assert not out.startswith(tuple(FORMULA_CHARS))
    assert out in (text, "'" + text)
    dangerous_inside = any(
        ch in FORMULA_CHARS and (i == 0 or text[i - 1] in '",;\t\r\n')
        for i, ch in enumerate(text)
    )
    if dangerous_inside:
        assert out == "'" + text


# --- CSV ---------------------------------------------------------------------

def test_csv_starts_with_a_bom_and_is_comma_separated():
    data = csv_bytes(display_frame(published(), ["village", "year"], 5))
    assert data.startswith(BOM)
    header = data[len(BOM):].decode("utf-8").splitlines()[0]
    assert header.startswith('"Desa/kelurahan","Tahun","Terpantau"')


def test_csv_text_is_quoted_and_neutralised_and_numbers_are_bare():
    frame = pd.DataFrame({"a": ["=1+1", "Pare", "-5", ""], "b": [-5, 12, 0.5, ""]}, dtype=object)
    lines = csv_bytes(frame).decode("utf-8-sig").splitlines()
    assert lines == ['"a","b"', '"\'=1+1",-5', '"Pare",12', '"\'-5",0.5', '"",""']


def _unneutralised(value: object) -> object:
    if isinstance(value, str) and value.startswith("'") and neutralised(value[1:]) == value:
        return value[1:]
    return value


def _as_text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def test_csv_round_trip_gives_the_display_frame_back():
    frame = display_frame(published(), ["village", "year"], 5)
    back = pd.read_csv(io.BytesIO(csv_bytes(frame)), encoding="utf-8-sig", keep_default_na=False, dtype=str)
    assert list(back.columns) == list(frame.columns)
    assert back.map(_unneutralised).values.tolist() == frame.map(_as_text).values.tolist()
    # the injected village name comes back neutralised
    assert back.iloc[2, 0] == "'=HYPERLINK(\"http://x\")"


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=12), st.integers(-10**9, 10**9)), max_size=8))
def test_property_csv_round_trip_of_any_text(rows):
    frame = pd.DataFrame(rows, columns=["teks", "angka"], dtype=object)
    data = csv_bytes(frame)
    back = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert back[0] == ["teks", "angka"]
    for (text, number), (text_back, number_back) in zip(rows, back[1:]):
        assert text_back == neutralised(text) and not text_back.startswith(tuple(FORMULA_CHARS))
        assert int(number_back) == number


# --- XLSX --------------------------------------------------------------------

def _sheet(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_xlsx_text_is_text_numbers_are_numbers_and_notes_follow_the_table():
    frame = display_frame(published(), ["village", "year"], 5)
    notes = ["Data demo (sintetis)", "Filter: 2020–2021", "=danger"]
    ws = _sheet(xlsx_bytes(frame, sheet="Peserta per desa", notes=notes))
    assert ws.title == "Peserta per desa"
    assert [c.value for c in ws[1]] == list(frame.columns) and all(c.font.b for c in ws[1])
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type in ("s", "n") for c in cells)
    assert not any(isinstance(c.value, str) and c.value.startswith(tuple(FORMULA_CHARS)) for c in cells)
    assert ws.cell(row=4, column=1).value == "'=HYPERLINK(\"http://x\")"
    assert ws.cell(row=4, column=1).data_type == "s"
    assert ws.cell(row=4, column=3).value == 30 and ws.cell(row=4, column=3).data_type == "n"
    assert ws.cell(row=2, column=3).value == "<5" and ws.cell(row=2, column=3).data_type == "s"
    assert ws.cell(row=2, column=7).value == 12.5
    assert [ws.cell(row=len(frame) + 3 + i, column=1).value for i in range(3)] == [
        "Data demo (sintetis)", "Filter: 2020–2021", "'=danger"]
    assert ws.cell(row=len(frame) + 2, column=1).value is None
    assert 8 <= ws.column_dimensions["A"].width <= 60


@pytest.mark.parametrize("char", DANGEROUS)
def test_xlsx_never_holds_a_formula(char):
    frame = pd.DataFrame({f"{char}head": [f"{char}SUM(A1:A9)", f"x;{char}1"], "n": [-3, 4]}, dtype=object)
    ws = _sheet(xlsx_bytes(frame, sheet="a/b:c*?[]" * 5))
    assert len(ws.title) <= 31
    assert not any(cell.data_type == "f" for row in ws.iter_rows() for cell in row)
    assert all(cell.value.startswith("'") for cell in ws["A"])
    assert ws.cell(row=2, column=2).value == -3


def test_xlsx_drops_characters_a_workbook_cannot_hold():
    frame = pd.DataFrame({"a": ["Pa\x00re\x07"]})
    assert _sheet(xlsx_bytes(frame)).cell(row=2, column=1).value == "Pare"


# --- file names --------------------------------------------------------------

@pytest.mark.parametrize("what,filters,ext,expected", [
    ("Peserta per desa", "2019–2024 · Pare", "csv", "peserta-per-desa_2019-2024_Pare.csv"),
    ("Peserta per desa", "", ".xlsx", "peserta-per-desa.xlsx"),
    ("Hasil: bekerja / usaha", "Semua desa, 2024", "CSV", "hasil-bekerja-usaha_Semua_desa_2024.csv"),
    ("Anggaran ≥ Rp 1 jt", "Désa Ñgadiluwih", "csv", "anggaran-rp-1-jt_Desa_Ngadiluwih.csv"),
    ("../../etc/passwd", "a/../b", "csv", "etc-passwd_a_b.csv"),
    ("", "", "", "data.csv"),
])
def test_download_name(what, filters, ext, expected):
    assert download_name(what, filters, ext) == expected


@given(st.text(), st.text(), st.sampled_from(["csv", "xlsx"]))
@settings(deadline=None)
def test_property_download_name_is_short_ascii_and_safe(what, filters, ext):
    name = download_name(what, filters, ext)
    assert len(name) <= 120 and name.isascii() and name.endswith("." + ext)
    assert all(ch.isalnum() or ch in "-_." for ch in name)
    assert not name.startswith((".", "-"))


def test_a_table_that_was_not_published_is_refused():
    raw = pd.DataFrame({"village": ["Pare"], "enrollments": pd.array([2], dtype="Int64")})
    with pytest.raises(NotPublishedError):
        display_frame(raw, ["village"], 5)


# --- files that open right in the reader's Excel ------------------------------------------------------------
CONTEXT = ("Data yang dipakai: demo", "Tahun: 2020-2021")


def sheet(lang: str = "id", title: str = "Hasil menurut desa"):
    return download_sheet(published(), ["village", "year"], Rules(k=5, b=5), lang, title=title, context=CONTEXT)


def test_headers_carry_units():
    assert sheet("id").headers() == ["Desa/kelurahan", "Tahun", "Terpantau", "Bekerja atau usaha mandiri",
                                     "Tingkat bekerja (%)", "Realisasi (Rp)", "Daya serap (%)", "Catatan privasi"]
    assert sheet("en").headers()[4:7] == ["Working rate (%)", "Realised (Rp)", "Absorption rate (%)"]


def test_a_table_of_counts_says_how_counts_are_published():
    assert sheet().context == (*CONTEXT, ("Jumlah orang 1 sampai 4 tertulis <5; jumlah orang lain dibulatkan ke "
                                          "kelipatan 5, sehingga rincian tidak selalu berjumlah sama dengan totalnya."))
    money = published()[["village", "year", "realized_idr", "realized_idr__hidden"]]
    assert download_sheet(money, ["village", "year"], 5, "id", context=CONTEXT).context == CONTEXT


@pytest.mark.parametrize("lang,sep,decimal", [("id", ";", ","), ("en", ",", ".")])
def test_csv_in_the_readers_convention_reads_back_as_numbers(lang, sep, decimal):
    data = csv_file(sheet(lang))
    assert data.startswith(BOM)
    back = pd.read_csv(io.BytesIO(data), sep=sep, decimal=decimal, encoding="utf-8-sig")
    money, rate = ("Realisasi (Rp)", "Daya serap (%)") if lang == "id" else ("Realised (Rp)", "Absorption rate (%)")
    assert back[money].tolist() == [1_000_000, 2_500_001, 0, 125_000_000]
    assert pd.api.types.is_integer_dtype(back[money])
    assert pd.api.types.is_float_dtype(back[rate])
    assert back[rate].fillna(-1).tolist() == [12.5, 100.0, -1, 80.0]  # no value: an empty cell
    assert back.iloc[:, 2].astype(str).tolist() == ["<5", "15", "30", "0"]  # a hidden count stays the text <5


def test_indonesian_csv_has_semicolons_decimal_commas_and_every_text_quoted():
    lines = csv_file(sheet("id")).decode("utf-8-sig").splitlines()
    assert lines[0].startswith('"Desa/kelurahan";"Tahun";"Terpantau"')
    assert lines[1].startswith('"Pare";2020;"<5";"<5";"disembunyikan";1000000;12,5;')
    assert lines[2] == '"Gurah";2020;15;10;66,7;2500001;100;""'
    # the injected village name: one quoted text cell, neutralised
    assert lines[3].startswith('"\'=HYPERLINK(""http://x"")";2021;')


def test_english_csv_has_commas_and_decimal_points():
    lines = csv_file(sheet("en")).decode("utf-8-sig").splitlines()
    assert lines[2] == '"Gurah",2020,15,10,66.7,2500001,100,""'


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=12), st.integers(-10**9, 10**9),
                          st.floats(-1e6, 1e6, allow_nan=False).map(lambda f: round(f, 1))), max_size=8),
       st.sampled_from(["id", "en"]))
def test_property_csv_round_trip_in_both_conventions(rows, lang):
    frame = pd.DataFrame(rows, columns=["teks", "angka", "pecahan"], dtype=object)
    data = csv_file(download_sheet_like(frame, lang))
    sep, decimal = (";", ",") if lang == "id" else (",", ".")
    back = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=sep))
    assert back[0] == ["teks", "angka", "pecahan (%)"]
    for (text, number, fraction), (text_back, number_back, fraction_back) in zip(rows, back[1:]):
        assert text_back == neutralised(text) and not text_back.startswith(tuple(FORMULA_CHARS))
        assert int(number_back) == number
        assert float(fraction_back.replace(decimal, ".")) == fraction


def download_sheet_like(frame: pd.DataFrame, lang: str):
    from lib.export import Sheet

    return Sheet(frame, (None, "count", "rate"), lang=lang)


def _book(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_xlsx_has_title_and_filters_above_a_formatted_filtered_table():
    ws = _book(xlsx_file(sheet("id", title="Hasil menurut desa: 2020/2021")))
    assert ws.title == "Hasil menurut desa 2020 2021"
    assert ws["A1"].value == "Hasil menurut desa: 2020/2021" and ws["A1"].font.b
    assert [ws.cell(row=r, column=1).value for r in (2, 3)] == list(CONTEXT)
    assert ws["A4"].value.startswith("Jumlah orang 1 sampai 4 tertulis <5")
    assert ws["A5"].value is None  # a blank row, then the table
    header = [c.value for c in ws[6]]
    assert header[4:7] == ["Tingkat bekerja (%)", "Realisasi (Rp)", "Daya serap (%)"]
    assert ws.auto_filter.ref == "A6:H10" and ws.freeze_panes == "A7"
    assert ws.print_title_rows == "$6:$6"
    gurah = {h: ws.cell(row=8, column=j) for j, h in enumerate(header, start=1)}
    assert gurah["Terpantau"].value == 15 and gurah["Terpantau"].number_format == "#,##0"
    assert gurah["Realisasi (Rp)"].value == 2_500_001 and gurah["Realisasi (Rp)"].number_format == RUPIAH_FORMAT
    assert gurah["Tingkat bekerja (%)"].value == pytest.approx(0.667)
    assert gurah["Tingkat bekerja (%)"].number_format == PERCENT_FORMAT == "0.0%"
    assert gurah["Tahun"].value == 2020 and gurah["Tahun"].number_format == "General"
    hidden = ws.cell(row=7, column=3)
    assert hidden.value == "<5" and hidden.data_type == "s" and hidden.alignment.horizontal == "right"
    assert ws.cell(row=9, column=1).value == "'=HYPERLINK(\"http://x\")"
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)


def test_xlsx_of_an_empty_table_still_has_its_header_and_filter():
    table = pd.DataFrame({"village": pd.Series([], dtype="str"), "enrollments": pd.array([], dtype="Int64"),
                          key_column("enrollments"): pd.Series([], dtype="int64")})
    ws = _book(xlsx_file(download_sheet(publishable(table, ["village"], 5), ["village"], 5, title="Kosong")))
    assert [c.value for c in ws[4]][:2] == ["Desa/kelurahan", "Pendaftaran"]
    assert ws.auto_filter.ref == "A4:C4"


@pytest.mark.parametrize("title,expected", [
    ("Pagu dan realisasi menurut penyelenggara", "Pagu dan realisasi menurut"),
    ("Hasil: bekerja / usaha [2024]?", "Hasil bekerja usaha 2024"),
    ("a" * 40, "a" * 31),
    ("'Kutipan'", "Kutipan"),
    ("History", "History (1)"),
    ("*?:", "Data"),
    ("", "Data"),
])
def test_sheet_name(title, expected):
    assert sheet_name(title) == expected


@given(st.text())
@settings(deadline=None)
def test_property_sheet_names_are_valid(title):
    name = sheet_name(title)
    assert 1 <= len(name) <= 31 and not set(name) & set("[]:*?/\\") and not name.startswith("'")


# --- chart images ------------------------------------------------------------------------------------------------
def test_a_saved_chart_image_is_named_after_title_filters_and_date():
    config = charts.image_config("Peserta menurut desa", "2022_Pare", dt.date(2026, 12, 5))
    assert config["toImageButtonOptions"] == {
        "format": "png", "filename": "peserta-menurut-desa_2022_Pare_2026-12-05", "scale": 2}
    assert config["displaylogo"] is False


def test_a_captioned_chart_carries_its_title_filters_and_date():
    pub = published()
    figure = charts.bar_chart(pub, "village", "followed_up", k=5)
    out = charts.captioned(figure, "Terpantau <menurut> desa", "Tahun: 2020; Desa: Pare", dt.date(2026, 12, 5))
    assert out.layout.title.text == "<b>Terpantau &lt;menurut&gt; desa</b>"
    assert out.layout.title.subtitle.text == "Tahun: 2020; Desa: Pare · 5 Desember 2026"
    assert out.layout.legend.x == 1.02 and out.layout.height == figure.layout.height + 48
    assert figure.layout.title.text is None  # the page's own figure is left as it was
