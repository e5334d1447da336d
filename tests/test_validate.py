"""The data contract's rules: one test per kind of bad data, asserting what the user reads."""

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.ingest import PROBLEM_COLUMNS, Sheet, read_sheets
from lib.schema import Dataset, Reference, dtypes, empty_frame, typed_frame
from lib.validate import canonical, closest, dates, integers, validate_sheets

REFERENCE = Reference(
    sites={"Pare": "Kabupaten Kediri", "Gurah": "Kabupaten Kediri", "Semampir": "Kota Kediri"},
    programs=("Tata Rias", "Tata Boga", "Tata Busana", "Konveksi"),
    organizers=("Dinas Sosial Kabupaten Kediri", "Dinas Koperasi dan UMKM Kota Kediri", "UPT RSBKW Kediri"),
)
TODAY = dt.date(2025, 6, 30)
PARTICIPANT = {"kode_peserta": "P-0001", "tahun": "2023", "program": "Tata Rias", "desa": "Pare",
               "penyelenggara": "Dinas Sosial Kabupaten Kediri", "peran": "WPS",
               "kabupaten_asal": "Kabupaten Blitar", "provinsi_asal": "Jawa Timur", "usia": "27",
               "status": "Selesai"}
OUTCOME = {"kode_peserta": "P-0001", "tahun": "2023", "program": "Tata Rias",
           "tanggal_pemantauan": "2023-12-15", "hasil": "Bekerja", "penghasilan_bulanan": "1500000"}
BUDGET_LINE = {"tahun": "2024", "program": "Konveksi", "penyelenggara": "Dinas Koperasi dan UMKM Kota Kediri",
               "desa": "Semampir", "kategori": "Peralatan", "uraian": "Mesin jahit", "jumlah": "26",
               "pagu": "125000000", "realisasi": "124500000", "sumber_dana": "APBD Kota"}
BASE = {"participants": PARTICIPANT, "outcomes": OUTCOME, "budget": BUDGET_LINE}
NAMES = {"participants": "peserta.csv", "outcomes": "hasil.csv", "budget": "anggaran.csv"}


def csv_of(rows: list[dict]) -> bytes:
    header = list(rows[0])
    lines = [",".join(header)] + [",".join(f'"{row[h]}"' if "," in row[h] else row[h] for h in header)
                                  for row in rows]
    return ("\n".join(lines) + "\n").encode()


def check(files: dict[str, list[dict]], existing: Dataset | None = None):
    """Validation of CSV files (name -> rows of header -> cell); the header is row 1, data from row 2."""
    sheets = []
    for name, rows in files.items():
        found, problems = read_sheets(name, csv_of(rows))
        assert problems.empty, problems.to_dict("records")
        sheets += found
    return validate_sheets(sheets, REFERENCE, today=TODAY, existing=existing)


def with_bad_cell(table: str, column: str, value: str):
    """A file of ``table`` whose second data row (spreadsheet row 3) has ``value`` in ``column``;
    for outcomes, with the participants they follow up."""
    # The second row differs from the first in its key, so that only ``value`` is wrong.
    distinct = {"participants": {"kode_peserta": "P-0002"}, "outcomes": {"tanggal_pemantauan": "2024-01-10"},
                "budget": {}}[table]
    second = {**BASE[table], **distinct, column: value}
    files = {NAMES[table]: [BASE[table], second]}
    if table == "outcomes":
        files[NAMES["participants"]] = [PARTICIPANT]
    return check(files)


PROGRAMS = ("Salah satu dari: Tata Rias, Tata Boga, Tata Busana, Konveksi. Nilai baru harus ditambahkan lebih "
            "dulu ke data acuan.")
RUPIAH = "Rupiah tanpa desimal, 0 atau lebih, misalnya 125000000, 125.000.000, Rp 125.000.000 atau 125,000,000."


@pytest.mark.parametrize("table, column, value, shown, problem, allowed, suggestion", [
    # participants
    ("participants", "kode_peserta", "3506012345678901", "(16 digit, disembunyikan)",
     "Kode peserta 16 angka tampak seperti NIK. Dasbor hanya menyimpan kode samaran peserta, bukan nomor identitas.",
     "Kode samaran peserta, misalnya P-0001 (bukan NIK, bukan nama).", ""),
    ("participants", "tahun", "2009", "2009", "Tahun 2009 di luar rentang 2010 sampai 2025.",
     "Bilangan bulat dari 2010 sampai 2025.", ""),
    ("participants", "tahun", "2026", "2026", "Tahun 2026 di luar rentang 2010 sampai 2025.",
     "Bilangan bulat dari 2010 sampai 2025.", ""),
    ("participants", "tahun", "2023/2024", "2023/2024", "'2023/2024' bukan bilangan bulat.",
     "Bilangan bulat dari 2010 sampai 2025.", ""),
    ("participants", "program", "Tata Rais", "Tata Rais", "'Tata Rais' tidak ada dalam daftar program.",
     PROGRAMS, "Tata Rias"),
    ("participants", "program", "Sablon", "Sablon", "'Sablon' tidak ada dalam daftar program.", PROGRAMS, ""),
    ("participants", "desa", "Paree", "Paree", "'Paree' tidak ada dalam daftar desa (lokasi).",
     "Salah satu dari: Pare, Gurah, Semampir. Nilai baru harus ditambahkan lebih dulu ke data acuan.", "Pare"),
    ("participants", "penyelenggara", "Dinas Sosial Kab Kediri", "Dinas Sosial Kab Kediri",
     "'Dinas Sosial Kab Kediri' tidak ada dalam daftar penyelenggara.",
     "Salah satu dari: Dinas Sosial Kabupaten Kediri, Dinas Koperasi dan UMKM Kota Kediri, UPT RSBKW Kediri. "
     "Nilai baru harus ditambahkan lebih dulu ke data acuan.", "Dinas Sosial Kabupaten Kediri"),
    ("participants", "peran", "Mucikary", "Mucikary", "'Mucikary' tidak ada dalam daftar peran.",
     "Salah satu dari: WPS, Mucikari, Pemilik Wisma, Warga Terdampak.", "Mucikari"),
    ("participants", "kabupaten_asal", "", "", "Kolom kabupaten_asal wajib diisi, tetapi sel ini kosong.",
     "Nama daerah, misalnya Kabupaten Blitar atau Kota Surabaya; isi Tidak Diketahui bila tidak diketahui.", ""),
    ("participants", "provinsi_asal", " ", "", "Kolom provinsi_asal wajib diisi, tetapi sel ini kosong.",
     "Nama daerah, misalnya Jawa Timur; isi Tidak Diketahui bila tidak diketahui.", ""),
    ("participants", "usia", "14", "14", "Usia 14 di luar rentang 15 sampai 80 tahun.",
     "Bilangan bulat dari 15 sampai 80. Boleh kosong.", ""),
    ("participants", "usia", "81", "81", "Usia 81 di luar rentang 15 sampai 80 tahun.",
     "Bilangan bulat dari 15 sampai 80. Boleh kosong.", ""),
    ("participants", "usia", "27,5", "27,5", "'27,5' bukan bilangan bulat.",
     "Bilangan bulat dari 15 sampai 80. Boleh kosong.", ""),
    ("participants", "status", "Selesei", "Selesei", "'Selesei' tidak ada dalam daftar status.",
     "Salah satu dari: Selesai, Tidak Selesai, Berjalan.", "Selesai"),
    ("participants", "status", "", "", "Kolom status wajib diisi, tetapi sel ini kosong.",
     "Salah satu dari: Selesai, Tidak Selesai, Berjalan.", ""),
    # outcomes
    ("outcomes", "tanggal_pemantauan", "31-12-2023", "31-12-2023", "'31-12-2023' bukan tanggal yang dikenali.",
     "Tanggal seperti 2024-03-31 atau 31/03/2024, atau sel tanggal Excel; dari 1 Januari tahun pelatihan "
     "sampai hari ini.", ""),
    ("outcomes", "tanggal_pemantauan", "30/02/2024", "30/02/2024", "'30/02/2024' bukan tanggal yang dikenali.",
     "Tanggal seperti 2024-03-31 atau 31/03/2024, atau sel tanggal Excel; dari 1 Januari tahun pelatihan "
     "sampai hari ini.", ""),
    ("outcomes", "tanggal_pemantauan", "2022-12-31", "2022-12-31",
     "Tanggal pemantauan 31/12/2022 sebelum 1 Januari 2023, tahun pelatihannya.",
     "Tanggal dari 1 Januari tahun pelatihan sampai hari ini.", ""),
    ("outcomes", "tanggal_pemantauan", "01/07/2025", "01/07/2025",
     "Tanggal 01/07/2025 ada di masa depan (hari ini 30/06/2025).",
     "Tanggal seperti 2024-03-31 atau 31/03/2024, atau sel tanggal Excel; dari 1 Januari tahun pelatihan "
     "sampai hari ini.", ""),
    ("outcomes", "hasil", "Usaha mandir", "Usaha mandir", "'Usaha mandir' tidak ada dalam daftar hasil.",
     "Salah satu dari: Bekerja, Usaha Mandiri, Magang, Kembali ke Daerah Asal, Belum Bekerja, "
     "Kembali Beroperasi, Tidak Diketahui.", "Usaha Mandiri"),
    ("outcomes", "penghasilan_bulanan", "-500000", "-500000",
     "Nilai -500000 negatif; hanya 0 atau lebih yang diterima.", RUPIAH + " Boleh kosong.", ""),
    ("outcomes", "penghasilan_bulanan", "1,5 juta", "1,5 juta",
     "'1,5 juta' bukan jumlah rupiah yang dapat dibaca.", RUPIAH + " Boleh kosong.", ""),
    ("outcomes", "kode_peserta", "P-0009", "P-0009",
     "Tidak ada peserta P-0009 tahun 2023 program Tata Rias di data peserta.",
     "Kode peserta, tahun dan program yang sama dengan satu baris di data peserta.", ""),
    ("outcomes", "program", "Konveksi", "P-0001",
     "Tidak ada peserta P-0001 tahun 2023 program Konveksi di data peserta.",
     "Kode peserta, tahun dan program yang sama dengan satu baris di data peserta.",
     "tahun 2023, program Tata Rias"),
    # budget
    ("budget", "kategori", "Peralatn", "Peralatn", "'Peralatn' tidak ada dalam daftar kategori.",
     "Salah satu dari: Peralatan, Bahan, Narasumber, Konsumsi dan Uang Saku, Transportasi, Magang, Lainnya.",
     "Peralatan"),
    ("budget", "sumber_dana", "APBD Kabupatn", "APBD Kabupatn", "'APBD Kabupatn' tidak ada dalam daftar sumber dana.",
     "Salah satu dari: APBD Kabupaten, APBD Kota, APBD Provinsi, APBN, Lainnya.", "APBD Kabupaten"),
    ("budget", "desa", "Kediri", "Kediri", "'Kediri' tidak ada dalam daftar desa (lokasi).",
     "Salah satu dari: Pare, Gurah, Semampir. Nilai baru harus ditambahkan lebih dulu ke data acuan. "
     "Boleh kosong.", ""),
    ("budget", "uraian", "", "", "Kolom uraian wajib diisi, tetapi sel ini kosong.",
     "Teks, misalnya Mesin jahit.", ""),
    ("budget", "jumlah", "-2", "-2", "Nilai -2 negatif; hanya 0 atau lebih yang diterima.",
     "Bilangan bulat 0 atau lebih. Boleh kosong.", ""),
    ("budget", "pagu", "125.000.000,50", "125.000.000,50",
     "'125.000.000,50' bukan jumlah rupiah yang dapat dibaca.", RUPIAH, ""),
    ("budget", "realisasi", "", "", "Kolom realisasi wajib diisi, tetapi sel ini kosong.", RUPIAH, ""),
])
def test_a_bad_cell_is_reported_where_the_user_sees_it(table, column, value, shown, problem, allowed, suggestion):
    result = with_bad_cell(table, column, value)
    assert not result.ok
    errors = result.errors
    assert len(errors) == 1, errors[["row", "column", "problem"]].to_dict("records")
    found = errors.iloc[0].to_dict()
    assert pd.isna(found.pop("sheet"))  # a CSV has no sheets
    assert found == {
        "severity": "error", "file": NAMES[table], "table": table, "row": 3,
        "column": "kode_peserta" if column == "program" and table == "outcomes" else column,
        "value": shown, "problem": problem, "allowed": allowed, "suggestion": suggestion,
    }


def test_clean_tables_pass_and_are_typed():
    result = check({"peserta.csv": [PARTICIPANT], "hasil.csv": [OUTCOME], "anggaran.csv": [BUDGET_LINE]})
    assert result.ok and result.problems.empty
    assert list(result.problems.columns) == PROBLEM_COLUMNS
    for table, frame in result.frames.items():
        assert frame.dtypes.to_dict() == dtypes(table, REFERENCE)
    assert result.frames["budget"].loc[0, "allocated_idr"] == 125_000_000


def test_vocabularies_match_any_case_and_are_stored_in_their_own_spelling():
    row = {**PARTICIPANT, "program": "tata  RIAS", "desa": "pare", "peran": "warga terdampak",
           "status": "TIDAK SELESAI", "kabupaten_asal": "kota kediri", "provinsi_asal": "tidak diketahui"}
    frame = check({"peserta.csv": [row]}).frames["participants"]
    assert frame.loc[0, ["program", "village", "role", "status", "origin_regency", "origin_province"]].tolist() == [
        "Tata Rias", "Pare", "Warga Terdampak", "Tidak Selesai", "Kota Kediri", "Tidak Diketahui"]


def test_realisation_above_allocation_is_a_warning_not_an_error():
    result = check({"anggaran.csv": [BUDGET_LINE, {**BUDGET_LINE, "realisasi": "Rp 130.000.000"}]})
    assert result.ok
    assert result.errors.empty
    warning = result.warnings.iloc[0]
    assert (warning["row"], warning["column"], warning["value"]) == (3, "realisasi", "130000000")
    assert warning["problem"] == "Realisasi Rp 130.000.000 melebihi pagu Rp 125.000.000."
    assert result.frames["budget"]["realized_idr"].tolist() == [124_500_000, 130_000_000]


def test_a_repeated_enrollment_is_reported_on_both_rows():
    other = {**PARTICIPANT, "kode_peserta": "P-0002"}
    result = check({"peserta.csv": [PARTICIPANT, other, {**PARTICIPANT, "program": "tata rias", "usia": "28"}]})
    errors = result.errors
    assert errors["row"].tolist() == [2, 4]
    assert errors["problem"].tolist() == [
        "Peserta P-0001 tercatat lebih dari sekali untuk tahun 2023, program Tata Rias: sama dengan baris 4.",
        "Peserta P-0001 tercatat lebih dari sekali untuk tahun 2023, program Tata Rias: sama dengan baris 2.",
    ]
    assert errors["allowed"].iloc[0] == "Satu baris per peserta, tahun dan program."


def test_two_outcomes_for_one_enrollment_on_one_day_are_an_error_naming_both_rows():
    same_day = {**OUTCOME, "hasil": "Magang", "tanggal_pemantauan": "15/12/2023"}
    result = check({"peserta.csv": [PARTICIPANT], "hasil.csv": [OUTCOME, same_day]})
    assert result.errors["row"].tolist() == [2, 3]
    assert result.errors["problem"].iloc[1] == ("Pemantauan ganda: peserta P-0001, tahun 2023, program Tata Rias, "
                                                "tanggal 15/12/2023 juga ada di baris 2.")


def test_a_repeat_in_another_file_names_that_file():
    result = check({"peserta_a.csv": [PARTICIPANT], "peserta_b.csv": [PARTICIPANT]})
    assert result.errors["problem"].tolist() == [
        "Peserta P-0001 tercatat lebih dari sekali untuk tahun 2023, program Tata Rias: sama dengan baris 2 "
        "(peserta_b.csv).",
        "Peserta P-0001 tercatat lebih dari sekali untuk tahun 2023, program Tata Rias: sama dengan baris 2 "
        "(peserta_a.csv).",
    ]


def test_a_missing_required_column_is_named_with_its_alias():
    rows = [{k: v for k, v in PARTICIPANT.items() if k != "tahun"}]
    result = check({"peserta.csv": rows})
    found = result.errors.iloc[0]
    assert len(result.errors) == 1
    assert pd.isna(found["row"])
    assert found["column"] == "tahun"
    assert found["problem"] == "Kolom wajib tahun (year) tidak ada di tabel peserta."
    assert found["allowed"] == ("Judul kolom 'tahun' atau 'year' (huruf besar/kecil, spasi dan garis bawah "
                                "bebas).")


def test_a_misspelt_required_header_is_suggested():
    rows = [{("Kode Pesrta" if k == "kode_peserta" else k): v for k, v in PARTICIPANT.items()}]
    found = check({"peserta.csv": rows}).errors.iloc[0]
    assert found["problem"] == ("Kolom wajib kode_peserta (participant_id) tidak ada di tabel peserta. "
                                "Kolom 'Kode Pesrta' mungkin salah ketik.")
    assert found["suggestion"] == "kode_peserta"


def test_an_optional_column_may_be_left_out():
    rows = [{k: v for k, v in PARTICIPANT.items() if k != "usia"}]
    result = check({"peserta.csv": rows})
    assert result.ok
    assert result.frames["participants"]["age"].isna().all()


def test_an_unknown_column_is_dropped_with_a_warning():
    result = check({"peserta.csv": [{**PARTICIPANT, "Keterangan": "angkatan 1", "No": "1"}]})
    assert result.ok
    assert result.warnings["problem"].tolist() == ["Kolom 'Keterangan' tidak termasuk format data dan diabaikan."]


def test_every_problem_of_a_file_is_reported_at_once():
    content = (Path(__file__).parent / "files" / "bad" / "peserta_salah.csv").read_bytes()
    sheets, _ = read_sheets("peserta_salah.csv", content)
    errors = validate_sheets(sheets, REFERENCE, today=TODAY).errors
    assert list(zip(errors["row"], errors["column"])) == [
        (3, "program"), (4, "tahun"), (4, "desa"), (4, "usia"), (5, "kode_peserta"), (5, "kabupaten_asal"),
        (5, "status"), (6, "kode_peserta"), (7, "kode_peserta")]


def test_cells_that_break_a_rule_are_not_loaded():
    nik = {**PARTICIPANT, "kode_peserta": "3506012345678901"}
    result = check({"peserta.csv": [{**PARTICIPANT, "usia": "90"}, nik]})
    frame = result.frames["participants"]
    assert frame["age"].tolist() == [pd.NA, 27]
    assert frame["participant_id"].tolist() == ["P-0001", pd.NA]  # the NIK-like code is not kept


def test_outcomes_without_any_participants_are_reported_once():
    errors = check({"hasil.csv": [OUTCOME, OUTCOME | {"tanggal_pemantauan": "2024-01-01"}]}).errors
    assert errors["problem"].tolist() == [
        "Hasil pemantauan tidak dapat dicocokkan karena data peserta belum ada."]


def _existing(participants: list[dict], outcomes: list[dict]) -> Dataset:
    frames = check({"p.csv": participants, "h.csv": outcomes}).frames
    return Dataset(frames["participants"], frames["outcomes"], empty_frame("budget", REFERENCE), REFERENCE)


def test_outcomes_alone_are_matched_against_the_participants_in_use():
    existing = _existing([PARTICIPANT], [OUTCOME])
    assert check({"hasil.csv": [OUTCOME]}, existing=existing).ok
    stranger = {**OUTCOME, "kode_peserta": "P-0404"}
    errors = check({"hasil.csv": [stranger]}, existing=existing).errors
    assert errors["problem"].tolist() == ["Tidak ada peserta P-0404 tahun 2023 program Tata Rias di data peserta."]


def test_new_participants_that_strand_outcomes_in_use_give_a_warning():
    existing = _existing([PARTICIPANT], [OUTCOME])
    result = check({"peserta.csv": [{**PARTICIPANT, "kode_peserta": "P-0002"}]}, existing=existing)
    assert result.ok
    assert result.warnings["problem"].tolist() == [
        "1 hasil pemantauan yang sudah ada tidak cocok dengan peserta di berkas ini."]


def test_unrecognised_and_header_only_sheets_are_errors():
    sheets = [
        Sheet("catatan.csv", None, None, pd.DataFrame(columns=["Judul"], dtype="str"), []),
        Sheet("hasil.csv", None, "outcomes",
              pd.DataFrame(columns=["participant_id", "year", "program", "observed_on", "outcome"], dtype="str"),
              []),
    ]
    errors = validate_sheets(sheets, REFERENCE, today=TODAY).errors
    assert errors["problem"].tolist() == [
        "Tabel tidak dikenali: judul kolomnya tidak cocok dengan tabel peserta, hasil pemantauan, anggaran, atau "
        "target.",
        "Tabel hasil pemantauan hanya berisi judul kolom, tanpa baris data.",
    ]
    assert "kode_peserta, tahun, program" in errors["allowed"].iloc[0]


# --- parsing --------------------------------------------------------------------------------
@pytest.mark.parametrize("text, number", [
    ("125000000", 125_000_000), ("125.000.000", 125_000_000), ("Rp 125.000.000", 125_000_000),
    ("125,000,000", 125_000_000), ("Rp125.000.000,-", 125_000_000), ("Rp. 125.000.000,00", 125_000_000),
    ("IDR 125,000,000.00", 125_000_000), ("125 000 000", 125_000_000), ("0", 0), ("-5.000", -5000),
    ("(5.000)", -5000), ("1.5", None), ("1,5", None), ("12.34.567", None), ("satu juta", None),
    ("9" * 16, None),
])
def test_rupiah_styles_mean_the_same_integer(text, number):
    parsed = integers(pd.Series([text], dtype="str"), currency=True).iloc[0]
    assert (parsed is pd.NA) if number is None else parsed == number


@pytest.mark.parametrize("text, number", [("2024", 2024), ("2024.0", 2024), ("1.000", 1000), ("Rp 5", None)])
def test_plain_integers(text, number):
    parsed = integers(pd.Series([text], dtype="str")).iloc[0]
    assert (parsed is pd.NA) if number is None else parsed == number


@settings(deadline=None)
@given(st.integers(min_value=0, max_value=10**14))
def test_every_rupiah_style_parses_back(n):
    dotted = f"{n:,}".replace(",", ".")
    styles = [str(n), dotted, f"Rp {dotted}", f"{n:,}", f"Rp{dotted},-"]
    parsed = integers(pd.Series(styles, dtype="str"), currency=True)
    assert parsed.tolist() == [n] * len(styles)


@settings(deadline=None)
@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_iso_day_month_year_and_excel_serial_dates_agree(day):
    serial = (day - dt.date(1899, 12, 30)).days
    texts = [day.isoformat(), day.strftime("%d/%m/%Y"), f"{day.day}/{day.month}/{day.year}", str(serial),
             f"{day.isoformat()} 00:00:00"]
    parsed = dates(pd.Series(texts, dtype="str"))
    assert parsed.tolist() == [pd.Timestamp(day)] * len(texts)


@pytest.mark.parametrize("text", ["2024", "31-03-2024", "03/31/2024", "2024-02-30", "kemarin", "12"])
def test_what_is_not_a_date(text):
    assert pd.isna(dates(pd.Series([text], dtype="str")).iloc[0])


def test_canonical_and_closest():
    values = pd.Series([" tata  rias", "KONVEKSI", "Tata Rais"], dtype="str")
    assert canonical(values, REFERENCE.programs).tolist()[:2] == ["Tata Rias", "Konveksi"]
    assert pd.isna(canonical(values, REFERENCE.programs).iloc[2])
    assert closest("Tata Rais", REFERENCE.programs) == "Tata Rias"
    assert closest("Perbengkelan", REFERENCE.programs) == ""


def test_typed_frame_keeps_an_already_coded_column():
    frame = check({"peserta.csv": [PARTICIPANT]}).frames["participants"]
    assert typed_frame("participants", frame, REFERENCE).equals(frame)


def test_header_only_participants_with_data_in_use_are_an_error_not_a_crash():
    existing = _existing([PARTICIPANT], [OUTCOME])
    header_only = Sheet("peserta.csv", None, "participants",
                        pd.DataFrame(columns=list(dtypes("participants", REFERENCE)), dtype="str"), [])
    result = validate_sheets([header_only], REFERENCE, today=TODAY, existing=existing)
    assert result.problems["problem"].tolist() == ["Tabel peserta hanya berisi judul kolom, tanpa baris data."]


def test_an_unsaved_formula_is_its_own_problem_and_not_an_empty_cell():
    frame = pd.DataFrame([list(PARTICIPANT.values())] * 3, columns=list(dtypes("participants", REFERENCE)),
                         dtype="str").assign(participant_id=["P-1", "P-2", "P-3"])
    frame.loc[[0, 2], "year"] = None
    sheet = Sheet("peserta.xlsx", "Peserta", "participants", frame, [2, 3, 4], {"year": "Tahun"},
                  formulas={"year": {0: "=2020+3"}})
    errors = validate_sheets([sheet], REFERENCE, today=TODAY).errors
    assert errors[["row", "column", "value"]].values.tolist() == [[2, "Tahun", "=2020+3"], [4, "Tahun", ""]]
    assert errors["problem"].tolist() == [
        "Sel ini berisi rumus yang hasilnya belum pernah disimpan: berkas ini dibuat oleh program, bukan disimpan "
        "dari Excel, sehingga nilainya tidak ada di berkas.",
        "Kolom Tahun wajib diisi, tetapi sel ini kosong."]
    assert errors["allowed"].iloc[0].startswith("Buka dan simpan berkas di Excel")


# --- one declaration: names, rules and loaded types ---------------------------------------------------
def test_a_declared_column_reads_as_its_name_and_carries_its_rules():
    from lib.schema import AGE_RANGE, DECLARATIONS, Budget, Outcomes, Participants, column_specs
    assert (Participants.village, Outcomes.observed_on, Budget.allocated_idr) == ("village", "observed_on",
                                                                                 "allocated_idr")
    assert [s.name for s in column_specs("participants")] == [c.name for c in DECLARATIONS["participants"].columns()]
    age = next(s for s in column_specs("participants") if s.name == Participants.age)
    assert (age.alias, age.kind, age.required, age.bounds()) == ("usia", "int", False, AGE_RANGE)
    year = next(s for s in column_specs("budget") if s.name == Budget.year)
    assert year.bounds(dt.date(2031, 1, 1)) == (2010, 2031)


@pytest.mark.parametrize("table", ["participants", "outcomes", "budget"])
def test_checked_frames_satisfy_the_schema_made_from_the_declaration(table):
    from lib.schema import frame_schema
    files = {NAMES[table]: [BASE[table]]}
    if table == "outcomes":
        files[NAMES["participants"]] = [PARTICIPANT]
    frame = check(files).frames[table]
    frame_schema(table, REFERENCE, TODAY).validate(frame)
    assert dict(frame.dtypes) == dtypes(table, REFERENCE)


@pytest.mark.parametrize("change", [
    lambda f: f.assign(year=f["year"].astype("float64")),            # not the loaded integer type
    lambda f: f.assign(program=f["program"].astype("object")),       # not the vocabulary's categorical
    lambda f: f.assign(age=pd.array([90], dtype="Int64")),           # outside its declared bounds
    lambda f: f.assign(status=pd.Categorical([None], categories=["Selesai", "Tidak Selesai", "Berjalan"])),
    lambda f: f.drop(columns=["role"]),                              # a column missing
    lambda f: f.assign(extra="x"),                                   # a column not in the contract
    lambda f: f.assign(program=f["program"].cat.add_categories(["Menjahit"])),  # not the reference's list
])
def test_the_schema_refuses_a_frame_that_is_not_what_loading_makes(change):
    import pandera.errors
    from lib.schema import frame_schema
    frame = check({"peserta.csv": [PARTICIPANT]}).frames["participants"]
    with pytest.raises((pandera.errors.SchemaError, pandera.errors.SchemaErrors)):
        frame_schema("participants", REFERENCE, TODAY).validate(change(frame))
