"""The interface's words, Indonesian first, with their English.

The names of figures and dimensions live in ``lib.measures``; this module holds
everything else a page says (titles, buttons, notes, empty states) and the
English reading of the data's own vocabulary (outcomes, funnel stages, ...),
which stays Indonesian in the data and in downloads.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from lib.measures import MEASURES

if TYPE_CHECKING:  # the command lines' words come without pandas: it is imported where a table is made
    import pandas as pd

    from lib.fmt import Lang
    from lib.schema import Reference, TableName

TEXTS: dict[str, dict[str, str]] = {
    # --- app and navigation
    "app_title": {"id": "Dasbor Pelatihan Alih Profesi", "en": "Vocational Retraining Dashboard"},
    "page_ringkasan": {"id": "Ringkasan", "en": "Overview"},
    "page_desa": {"id": "Desa", "en": "Villages"},
    "page_program": {"id": "Program", "en": "Programs"},
    "page_asal": {"id": "Daerah Asal", "en": "Origins"},
    "page_anggaran": {"id": "Anggaran", "en": "Budget"},
    "page_hasil": {"id": "Hasil", "en": "Outcomes"},
    "page_panduan": {"id": "Panduan", "en": "Guide"},
    "page_laporan": {"id": "Laporan", "en": "Report"},
    # --- Laporan (the printed report: its own words are in lib.report)
    "report_intro": {
        "id": "Laporan PDF untuk rapat, dengar pendapat anggaran dengan DPRD dan laporan ke Bupati/Walikota atau "
              "provinsi: sampul, angka utama dengan perubahannya, grafik dan tabel setiap halaman, anggaran dan "
              "aturan privasi, untuk filter di samping. Angkanya sama dengan yang tampil di dasbor.",
        "en": "A PDF for meetings, budget hearings with the DPRD and reports to the Bupati/Walikota or the province: "
              "a cover, the headline figures with their change, each page's charts and tables, the budget and the "
              "privacy rules, for the filters on the side. Its figures are the ones the dashboard shows.",
    },
    "report_department": {"id": "Nama dinas di sampul", "en": "Department named on the cover"},
    "report_make": {"id": "Buat laporan PDF", "en": "Make the PDF report"},
    "report_started": {"id": "Membuat laporan…", "en": "Making the report…"},
    "report_ready": {"id": "Laporan siap ({size} MB).", "en": "The report is ready ({size} MB)."},
    "report_download": {"id": "Unduh laporan (PDF)", "en": "Download the report (PDF)"},
    # --- sidebar
    "language": {"id": "Bahasa / Language", "en": "Bahasa / Language"},
    "filters": {"id": "Filter", "en": "Filters"},
    "filter_all": {"id": "Semua", "en": "All"},
    "filter_pick": {"id": "— pilih —", "en": "— choose —"},
    "filter_group": {"id": "{name} ({words})", "en": "{name} ({words})"},
    "reset": {"id": "Reset filter", "en": "Reset filters"},
    "scope_note": {"id": "Akun Anda hanya melihat: {villages}.", "en": "Your account sees only: {villages}."},
    # --- a link the dashboard does not answer
    "link_list": {
        "id": "Tautan ini meminta beberapa pilihan {filter} sekaligus ({asked}). Dasbor menjawab satu nilai, satu "
              "kelompok bernama, atau semua, agar tidak ada angka kecil yang dapat dihitung dari selisih dua "
              "jawaban. Pilih {filter} di samping.",
        "en": "This link asks for several {filter} choices at once ({asked}). The dashboard answers one value, one "
              "named group, or everything, so that no small number can be worked out from the difference of two "
              "answers. Choose the {filter} on the side.",
    },
    "link_unknown": {
        "id": "Tautan ini meminta {filter} “{asked}”, yang tidak ada di antara pilihan Anda. Pilih {filter} "
              "di samping.",
        "en": "This link asks for {filter} “{asked}”, which is not among your choices. Choose the {filter} on "
              "the side.",
    },
    "link_span": {
        "id": "Tautan ini meminta rentang {filter} {asked}, yang bukan periode bernama. Dasbor menjawab satu tahun, "
              "satu periode bernama ({periods}) atau semua tahun, agar tidak ada angka kecil yang dapat dihitung "
              "dari selisih dua rentang. Pilih {filter} di samping.",
        "en": "This link asks for the {filter} span {asked}, which is not a named period. The dashboard answers one "
              "year, one named period ({periods}) or every year, so that no small number can be worked out from "
              "the difference of two spans. Choose the {filter} on the side.",
    },
    "link_language": {
        "id": "Tautan ini meminta bahasa “{asked}”, yang tidak tersedia; dasbor memakai Bahasa Indonesia.",
        "en": "This link asks for the language “{asked}”, which is not available; the dashboard uses "
              "Bahasa Indonesia.",
    },
    "scope_invalid": {
        "id": "Batas desa akun Anda ({villages}) bukan satu desa atau satu kelompok desa bernama, sehingga dasbor "
              "tidak menampilkan angka. Minta admin menetapkan satu desa atau satu kelompok untuk akun Anda.",
        "en": "Your account's village limit ({villages}) is neither one village nor one named group of villages, so "
              "the dashboard shows no figures. Ask the administrator to set one village or one group for your "
              "account.",
    },
    # --- banners and states
    "demo_banner": {
        "id": "**Data demo (sintetis).** Semua angka di dasbor ini dibuat oleh program; tidak ada orang "
              "sungguhan di dalamnya. Data sebenarnya dipakai setelah admin mengimpornya.",
        "en": "**Demo data (synthetic).** Every figure on this dashboard was generated by a program; no real "
              "person is in it. Real data is used once an administrator imports it.",
    },
    "data_in_use": {"id": "Data yang dipakai: {label}", "en": "Data in use: {label}"},
    "active_filters": {"id": "Filter aktif: {filters}", "en": "Active filters: {filters}"},
    # The filters live in the sidebar, which a phone folds behind an unlabelled "»" at the top left.
    "filters_where": {"id": "Filter ada di menu samping: di ponsel, ketuk » di kiri atas",
                      "en": "Filters are in the side menu: on a phone, tap » at the top left"},
    "empty": {
        "id": "Tidak ada data untuk pilihan filter ini. Ubah filter di samping atau tekan **Reset filter**.",
        "en": "There is no data for this filter selection. Change the filters on the side or press **Reset filters**.",
    },
    "empty_figure": {
        "id": "Tidak ada data untuk gambar ini pada pilihan filter sekarang.",
        "en": "There is no data for this figure with the current filters.",
    },
    "bad_setting": {
        "id": "Pengaturan dasbor tidak dapat dipakai. Hubungi admin: {reason}",
        "en": "A dashboard setting cannot be used. Contact the administrator: {reason}",
    },
    "loading_data": {
        "id": "Memuat dan menyiapkan data. Ini terjadi sekali setelah dasbor dimulai atau data diperbarui.",
        "en": "Loading and preparing the data. This happens once after the dashboard starts or the data changes.",
    },
    "no_data": {
        "id": "Data belum dapat dibaca. Hubungi admin: {reason}",
        "en": "The data cannot be read yet. Contact the administrator: {reason}",
    },
    # --- figures
    "table": {"id": "Lihat tabel", "en": "Show table"},
    "chart_measure": {"id": "Ukuran pada grafik", "en": "Figure in the chart"},
    "download_csv": {"id": "Unduh CSV", "en": "Download CSV"},
    "download_xlsx": {"id": "Unduh Excel", "en": "Download Excel"},
    "made_on": {"id": "Dibuat {date}", "en": "Made on {date}"},
    "hidden_note": {
        "id": "Angka 1 sampai {k_minus} orang ditampilkan sebagai {small}, dan angka yang dapat dihitung "
              "darinya ikut disembunyikan, untuk melindungi peserta. Yang disembunyikan tidak pernah digambar "
              "sesuai ukuran aslinya.",
        "en": "Counts of 1 to {k_minus} people read {small}, and figures from which they could be worked out "
              "are hidden too, to protect participants. What is hidden is never drawn at its true size.",
    },
    "none_note": {"id": "— berarti tidak ada nilai (penyebut 0).", "en": "— means no value (denominator 0)."},
    "versus": {"id": "dibanding {year}", "en": "vs {year}"},
    # --- a figure's change from the previous period (lib.periods)
    "change_years": {"id": "{latest} dibanding {before}", "en": "{latest} vs {before}"},
    "change_every_year_help": {
        "id": "Tanpa filter tahun, angka ini mencakup semua tahun; perubahannya membandingkan tahun terakhir "
              "dengan tahun sebelumnya: {latest} dibanding {before}.",
        "en": "With no year filter this figure covers every year; its change compares the last year with the "
              "year before: {latest} vs {before}.",
    },
    "change_period_help": {
        "id": "Perubahan: {latest} dibanding periode sebelumnya yang sama panjang ({before}).",
        "en": "Change: {latest} compared with the previous period of the same length ({before}).",
    },
    "change_figures": {"id": "{latest}: {a}; {before}: {b}.", "en": "{latest}: {a}; {before}: {b}."},
    "change_no_previous": {
        "id": "Tidak ada periode sebelumnya dalam data untuk dibandingkan.",
        "en": "The data holds no previous period to compare with.",
    },
    "change_hidden": {
        "id": "Perubahan tidak dihitung: angka salah satu periode tidak ditampilkan untuk melindungi privasi, "
              "dan perubahan hanya dihitung dari dua angka yang ditampilkan.",
        "en": "No change is worked out: a figure of one of the periods is not shown, to protect privacy, and a "
              "change is only ever the difference of two figures that are shown.",
    },
    "change_no_value": {
        "id": "Perubahan tidak dihitung: salah satu periode tidak punya nilai untuk angka ini.",
        "en": "No change is worked out: one of the periods has no value for this figure.",
    },
    "change_points": {
        "id": "Perubahan tingkat ditulis dalam poin persentase.",
        "en": "A rate's change is in percentage points.",
    },
    # --- Ringkasan
    "headline": {"id": "Angka utama", "en": "Headline figures"},
    "headline_caption": {
        "id": "Angka atas tahun atau periode terpilih; panah menunjukkan perubahan dari periode sebelumnya yang sama "
              "panjang (tanpa filter tahun: tahun terakhir dibanding tahun sebelumnya).",
        "en": "Figures over the year or period chosen; the arrow shows the change from the previous period of the same "
              "length (with no year filter: the last year against the year before).",
    },
    "trend": {"id": "Tren menurut tahun", "en": "Trend by year"},
    # --- targets and achievement (capaian kinerja): lib.targets
    "targets_title": {"id": "Target dan capaian", "en": "Targets and achievement"},
    "targets_help": {
        "id": "Target yang ditetapkan dinas (Renstra/RPJMD) untuk pilihan filter ini, dibanding angka yang tampil "
              "di dasbor pada tahun yang sama. Capaian = realisasi ÷ target; untuk angka yang makin kecil makin "
              "baik (tingkat kembali beroperasi, biaya per peserta, biaya per peserta bekerja) capaian = "
              "(2 × target − realisasi) ÷ target.",
        "en": "The department's targets (Renstra/RPJMD) for this filter choice, against the figure the dashboard "
              "shows for the same year. Achievement = realised ÷ target; for figures where less is better (relapse "
              "rate, cost per participant, cost per working participant) achievement = (2 × target − realised) ÷ "
              "target.",
    },
    "targets_caption": {
        "id": "Predikat: capaian 100% atau lebih Tercapai, 85% sampai di bawah 100% Hampir tercapai, di bawah 85% "
              "Belum tercapai. Realisasi yang disembunyikan untuk melindungi peserta menyembunyikan capaiannya juga.",
        "en": "Rating: achievement of 100% or more Achieved, 85% to under 100% Nearly achieved, under 85% Not yet "
              "achieved. A realised figure hidden to protect participants hides its achievement too.",
    },
    "targets_none": {
        "id": "Tidak ada target untuk pilihan filter ini. Target berlaku untuk seluruh wilayah, satu desa atau satu "
              "program, pada filter penyelenggara dan peran “Semua”.",
        "en": "There is no target for this filter choice. Targets apply to the whole area, one village or one "
              "program, with the organizer and role filters on “All”.",
    },
    "target_year": {"id": "Tahun", "en": "Year"},
    "target_indicator": {"id": "Indikator", "en": "Indicator"},
    "target_target": {"id": "Target", "en": "Target"},
    "target_realised": {"id": "Realisasi", "en": "Realised"},
    "target_capaian": {"id": "Capaian", "en": "Achievement"},
    "target_predicate": {"id": "Predikat", "en": "Rating"},
    "capaian_achieved": {"id": "Tercapai", "en": "Achieved"},
    "capaian_nearly": {"id": "Hampir tercapai", "en": "Nearly achieved"},
    "capaian_not_yet": {"id": "Belum tercapai", "en": "Not yet achieved"},
    "capaian_no_figure": {"id": "Tidak ada realisasi", "en": "No realised figure"},
    "capaian_zero_target": {"id": "Target 0: tidak dihitung", "en": "Target 0: not computed"},
    "target_tile": {
        "id": "Target {year}: {target}. Realisasi {year}: {realised}. Capaian: {capaian} ({predicate}).",
        "en": "Target {year}: {target}. Realised {year}: {realised}. Achievement: {capaian} ({predicate}).",
    },
    "target_tile_hidden": {
        "id": "Target {year}: {target}. Capaian disembunyikan karena realisasinya disembunyikan ({why}).",
        "en": "Target {year}: {target}. Achievement hidden because the realised figure is hidden ({why}).",
    },
    "target_tile_zero": {
        "id": "Target {year}: 0. Realisasi {year}: {realised}. Capaian tidak dihitung untuk target 0.",
        "en": "Target {year}: 0. Realised {year}: {realised}. No achievement is computed for a target of 0.",
    },
    "target_hover": {"id": "Target: {target}<br>Capaian: {capaian}",
                     "en": "Target: {target}<br>Achievement: {capaian}"},
    # --- Desa
    "all_villages": {"id": "Semua desa", "en": "All villages"},
    "profile": {"id": "Profil satu desa", "en": "One village's profile"},
    "profile_pick": {"id": "Pilih desa", "en": "Choose a village"},
    "profile_none": {"id": "— pilih desa —", "en": "— choose a village —"},
    "profile_programs": {"id": "Program di {village}", "en": "Programs in {village}"},
    "profile_roles": {"id": "Peran peserta di {village}", "en": "Participants' roles in {village}"},
    "profile_origins": {"id": "Asal peserta di {village}", "en": "Participants' origins in {village}"},
    "profile_outcomes": {"id": "Hasil terakhir di {village}", "en": "Latest outcomes in {village}"},
    "profile_budget": {"id": "Anggaran {village} menurut atribusi", "en": "{village}'s budget by attribution"},
    "profile_budget_caption": {
        "id": "Langsung: baris anggaran yang menyebut desa ini. Dibagi: bagian desa ini dari baris tanpa desa, "
              "sebanding dengan pendaftaran pada tahun, program dan penyelenggara yang sama.",
        "en": "Direct: budget lines naming this village. Shared: this village's part of lines with no village, "
              "in proportion to enrollments of the same year, program and organizer.",
    },
    "by_village": {"id": "Semua angka menurut desa", "en": "Every figure by village"},
    "budget_by_village": {"id": "Anggaran dan biaya menurut desa", "en": "Budget and cost by village"},
    "people_vs_enrollments": {
        "id": "**Peserta** menghitung orang berbeda; **Pendaftaran** menghitung keikutsertaan (satu orang dalam "
              "satu pelatihan). Orang yang ikut dua pelatihan adalah satu peserta dan dua pendaftaran.",
        "en": "**Participants** counts distinct people; **Enrollments** counts places taken (one person in one "
              "training). Someone in two trainings is one participant and two enrollments.",
    },
    "demo_mode": {
        "id": "**Mode demo.** Dasbor ini berjalan tanpa akun, pada data demo **sintetis** (bukan orang "
              "sungguhan). Data asli dapat diimpor setelah administrator membuat akun admin pertama.",
        "en": "**Demo mode.** This dashboard runs without accounts, on **synthetic** demo data (no real "
              "people). Real data can be imported once an administrator has made the first admin account.",
    },
    "nav_analysis": {"id": "Analisis", "en": "Analysis"},
    "nav_admin": {"id": "Pengelolaan", "en": "Administration"},
    "nav_data": {"id": "Data", "en": "Data"},
    "nav_akun": {"id": "Akun", "en": "Accounts"},
    "nav_audit": {"id": "Audit", "en": "Audit"},
    "signed_in_as": {"id": "Masuk sebagai {account}", "en": "Signed in as {account}"},
    "sign_out": {"id": "Keluar", "en": "Sign out"},
    "account_line": {"id": "**{name}** · {role} · {villages}", "en": "**{name}** · {role} · {villages}"},
    "account_line_every_village": {"id": "semua desa", "en": "every village"},
    "tile_hidden_help": {"id": "Angka ini tidak ditampilkan untuk melindungi privasi: {why}",
                         "en": "This figure is not shown, to protect privacy: {why}"},
    "budget_parts_by_village": {"id": "Anggaran per desa: langsung, dibagi dan tidak teratribusi",
                                "en": "Budget by village: direct, shared and unattributed"},
    "village_budget_caption": {
        "id": "Setiap desa: bagian **langsung** (baris yang menyebut desa itu) dan bagian **dibagi** (dari baris "
              "tanpa desa, sebanding dengan pendaftaran yang ditampilkan pada tahun, program dan penyelenggara "
              "yang sama). Baris tanpa desa yang tidak dapat dibagi tampil sebagai **Tidak teratribusi**. Semua "
              "baris tabel dijumlahkan sama dengan total anggaran.",
        "en": "Each village: its **direct** part (lines naming the village) and its **shared** part (of lines with "
              "no village, in proportion to the published enrollments of the same year, program and organizer). "
              "Lines with no village that cannot be shared show as **Unattributed**. All rows of the table add "
              "up to the budget total.",
    },
    "cost_by_village": {"id": "Biaya per peserta menurut desa", "en": "Cost per participant by village"},
    # --- Program
    "by_program": {"id": "Semua angka menurut program", "en": "Every figure by program"},
    "by_organizer": {"id": "Semua angka menurut penyelenggara", "en": "Every figure by organizer"},
    "mix_by_program": {"id": "Komposisi hasil terakhir per program", "en": "Mix of latest outcomes per program"},
    "cost_by_program": {"id": "Biaya per peserta dan per peserta bekerja", "en": "Cost per participant and per working participant"},
    # --- Daerah Asal
    "by_province": {"id": "Peserta menurut provinsi asal", "en": "Participants by origin province"},
    "by_regency": {"id": "Peserta menurut kabupaten/kota asal", "en": "Participants by origin regency"},
    "local_migrant": {"id": "Lokal dan pendatang per lokasi", "en": "Local and migrant per site"},
    "outcomes_by_origin": {"id": "Hasil menurut asal", "en": "Outcomes by origin"},
    "returned_by_province": {"id": "Kembali ke daerah asal menurut provinsi asal",
                             "en": "Returned home by origin province"},
    "origin_map": {"id": "Peta daerah asal", "en": "Map of origins"},
    "map_caption": {
        "id": "Lingkaran sebanding dengan jumlah pendaftaran yang boleh ditampilkan. Daerah dengan angka kecil "
              "digambar abu-abu dengan ukuran tetap, bukan ukuran sebenarnya. Daerah asal yang tidak diketahui "
              "atau tanpa koordinat tidak ada di peta.",
        "en": "Circles are proportional to the publishable number of enrollments. Regions with small numbers "
              "are drawn grey at a fixed size, not their true size. Unknown origins and regions without "
              "coordinates are not on the map.",
    },
    # --- Anggaran
    "budget_total": {"id": "Anggaran total", "en": "Budget total"},
    "not_budget": {
        "id": "Filter {filters} tidak berlaku untuk anggaran: anggaran tidak dicatat menurut {filters}.",
        "en": "The {filters} filter does not apply to the budget: it is not recorded by {filters}.",
    },
    "budget_by_year": {"id": "Pagu dan realisasi menurut tahun", "en": "Allocated and realised by year"},
    "budget_by_program": {"id": "Pagu dan realisasi menurut program", "en": "Allocated and realised by program"},
    "budget_by_organizer": {"id": "Pagu dan realisasi menurut penyelenggara", "en": "Allocated and realised by organizer"},
    "budget_by_category": {"id": "Pagu dan realisasi menurut kategori", "en": "Allocated and realised by category"},
    "budget_by_source": {"id": "Pagu dan realisasi menurut sumber dana", "en": "Allocated and realised by funding source"},
    "absorption_by_year": {"id": "Daya serap menurut tahun", "en": "Absorption by year"},
    "equipment": {"id": "Peralatan yang dibeli", "en": "Equipment bought"},
    "equipment_caption": {
        "id": "Baris anggaran berkategori Peralatan per tahun, program dan penyelenggara: uraian, jumlah unit, "
              "pagu dan realisasi, tepat seperti dicatat (anggaran bukan jumlah orang, tidak dibulatkan). Baris "
              "**dibagi** tidak menyebut desa dan melayani beberapa desa: jumlah unitnya ditulis sekali, utuh "
              "(satu mesin tidak dibagi antar desa); pagu dan realisasinya bagian desa yang dipilih.",
        "en": "Equipment budget lines by year, program and organizer: item, quantity, "
              "allocated and realised, exactly as recorded (a budget is not a count of people, nothing is "
              "rounded). A **shared** line names no village and serves several: its quantity is written once, "
              "whole (one machine is not split between villages); its amounts are the chosen villages' part.",
    },
    "attribution": {"id": "Anggaran langsung, dibagi dan tidak teratribusi", "en": "Direct, shared and unattributed budget"},
    "attribution_caption": {
        "id": "Baris anggaran tanpa desa milik tahun, program dan penyelenggaranya. Bila dilihat per desa, "
              "baris itu dibagi ke desa sebanding dengan pendaftaran tahun, program dan penyelenggara yang sama "
              "(**dibagi**). Bila tidak ada pendaftaran sama sekali, baris itu **tidak teratribusi**: tetap "
              "dihitung dalam total, tetapi tidak masuk desa mana pun.",
        "en": "A budget line with no village belongs to its year, program and organizer. Viewed by village, it "
              "is shared among villages in proportion to enrollments of the same year, program and organizer "
              "(**shared**). With no enrollments at all it stays **unattributed**: counted in the total, but in "
              "no village.",
    },
    # --- Hasil
    "outcome_headline": {"id": "Hasil pemantauan", "en": "Follow-up results"},
    "funnel": {"id": "Dari pendaftaran sampai bekerja", "en": "From enrollment to work"},
    "funnel_caption": {
        "id": "Terdaftar → selesai → terpantau (hasil terakhir diketahui) → bekerja atau usaha mandiri. Alur ini "
              "menghitung **pendaftaran** (satu orang dalam satu pelatihan), bukan orang: orang yang ikut dua "
              "pelatihan dihitung dua kali, sehingga Terdaftar lebih besar dari **Peserta** (orang berbeda) di "
              "Ringkasan.",
        "en": "Enrolled → completed → followed up (latest outcome known) → working or own business. The funnel "
              "counts **enrollments** (one person in one training), not people: someone in two trainings counts "
              "twice, so Enrolled is larger than **Participants** (distinct people) on the Overview.",
    },
    "mix_by_year": {"id": "Komposisi hasil terakhir per angkatan", "en": "Mix of latest outcomes per cohort year"},
    "income_bands": {"id": "Penghasilan bulanan yang bekerja", "en": "Monthly income of those working"},
    "income_caption": {
        "id": "Hanya kelompok penghasilan, tidak pernah penghasilan satu orang.",
        "en": "Income bands only, never one person's income.",
    },
    # --- Panduan
    "guide_intro": {
        "id": "Halaman ini menjelaskan setiap angka di dasbor, asal datanya, aturan privasinya dan format data.",
        "en": "This page explains every figure on the dashboard, where the data comes from, its privacy rules "
              "and the data format.",
    },
    "guide_figures": {"id": "Arti setiap angka", "en": "What each figure means"},
    "guide_kind": {"id": "Jenis", "en": "Kind"},
    "guide_figure": {"id": "Angka", "en": "Figure"},
    "guide_meaning": {"id": "Arti", "en": "Meaning"},
    "guide_source": {"id": "Asal data", "en": "Where the data comes from"},
    "guide_source_demo": {
        "id": "Dasbor sedang memakai **data demo sintetis**: dibuat oleh program dengan bentuk menyerupai data "
              "Kediri (sembilan desa eks lokalisasi di Kabupaten Kediri dan Eks Lokalisasi Semampir di Kota "
              "Kediri). Tidak ada orang sungguhan di dalamnya.",
        "en": "The dashboard is using **synthetic demo data**: generated by a program in the shape of Kediri's "
              "data (nine former red-light villages in Kabupaten Kediri and Eks Lokalisasi Semampir in Kota "
              "Kediri). No real person is in it.",
    },
    "guide_source_real": {
        "id": "Dasbor memakai data yang diimpor oleh admin dinas: **{label}**. Setiap impor menjadi versi baru; "
              "versi lama dapat dikembalikan oleh admin.",
        "en": "The dashboard uses data imported by the department's administrator: **{label}**. Every import is "
              "a new version; the administrator can return to an earlier one.",
    },
    "guide_source_tables": {
        "id": "Data terdiri dari tiga tabel: **peserta** (satu baris per orang per pelatihan), **hasil** (satu "
              "baris per pemantauan) dan **anggaran** (satu baris per baris anggaran). Data hanya memuat kode "
              "peserta samaran, tidak pernah nama, NIK, alamat atau nomor telepon.",
        "en": "The data has three tables: **participants** (one row per person per training), **outcomes** (one "
              "row per follow-up) and **budget** (one row per budget line). It holds pseudonymous participant "
              "codes only, never names, NIK, addresses or phone numbers.",
    },
    "guide_filters": {"id": "Cara kerja filter", "en": "How the filters work"},
    "guide_filters_body": {
        "id": "- **Tahun** memilih tahun angkatan untuk peserta dan hasil, dan tahun anggaran untuk anggaran.\n"
              "- **Desa, program, penyelenggara** berlaku untuk ketiga tabel.\n"
              "- **Peran** berlaku untuk peserta dan hasil saja.\n"
              "- Setiap filter memilih **satu nilai, satu kelompok bernama, atau semua**: satu desa, satu kelompok "
              "desa (misalnya satu kabupaten/kota), atau semua desa; satu tahun, satu periode bernama, atau semua "
              "tahun. Kelompok dan periode ditetapkan di data acuan dinas. Pilihan bebas beberapa desa atau rentang "
              "tahun sembarang tidak ditawarkan: selisih dua pilihan seperti itu dapat membuka angka kecil. Untuk "
              "membandingkan desa, pakai grafik menurut desa.\n"
              "- Filter tersimpan di alamat (URL) halaman, sehingga tautan dapat dibagikan dan tetap sama saat "
              "berpindah halaman. Tautan yang meminta hal yang tidak dijawab dasbor menampilkan pesan, bukan angka.",
        "en": "- **Year** selects cohort years for participants and outcomes, and budget years for the budget.\n"
              "- **Village, program, organizer** apply to all three tables.\n"
              "- **Role** applies to participants and outcomes only.\n"
              "- Each filter chooses **one value, one named group, or everything**: one village, one group of "
              "villages (e.g. one regency or city), or every village; one year, one named period, or every year. "
              "The groups and periods are set in the department's reference data. Free choices of several villages "
              "or of any span of years are not offered: the difference of two such choices can reveal a small "
              "number. To compare villages, use the charts by village.\n"
              "- Filters are kept in the page address (URL), so a link can be shared and they stay the same when "
              "you change page. A link asking for something the dashboard does not answer shows a message, not "
              "figures.",
    },
    "guide_privacy": {"id": "Aturan privasi", "en": "Privacy rules"},
    "guide_privacy_body": {
        "id": "Peserta pelatihan ini termasuk orang yang paling distigma. Karena itu setiap angka dilindungi:\n"
              "- Jumlah orang 1 sampai {k_minus} tidak ditampilkan; tertulis **{small}**. Nol tetap ditulis 0.\n"
              "- Jumlah orang lain dibulatkan ke kelipatan {b}, naik atau turun menurut kunci tetap kelompok "
              "orangnya: kelompok orang yang sama selalu mendapat angka yang sama, di halaman, unduhan dan laporan "
              "mana pun. Karena itu rincian tidak selalu berjumlah sama dengan totalnya.\n"
              "- Persentase dihitung dari angka yang sudah dibulatkan, dan median serta biaya per orang dari jumlah "
              "orang yang ditampilkan; semuanya disembunyikan bila dasarnya kurang dari {base} orang atau "
              "pembilangnya disembunyikan. Median penghasilan dibulatkan ke Rp 50.000.\n"
              "- Setiap filter memilih satu nilai, satu kelompok bernama, atau semua: selisih dua pilihan bebas "
              "dapat membuka angka kecil.\n"
              "- Grafik mengikuti tabel: batang tersembunyi tidak digambar setinggi aslinya.\n"
              "- Pagu dan realisasi anggaran bukan jumlah orang dan ditampilkan tepat.\n"
              "- Unduhan CSV dan Excel berisi persis tabel yang tampil, dengan penyembunyian yang sama.\n"
              "- Tidak ada halaman atau unduhan yang memuat daftar peserta.",
        "en": "The people in these trainings are among the most stigmatised. Every figure is therefore "
              "protected:\n"
              "- Counts of 1 to {k_minus} people are not shown; they read **{small}**. Zero is shown as 0.\n"
              "- Other counts of people are rounded to a multiple of {b}, up or down by a fixed key of the group of "
              "people counted: the same group always gets the same figure, on every page, download and report. "
              "So parts need not add up to their total.\n"
              "- Percentages are computed from the rounded counts, medians and costs per person from the counts "
              "shown; each is hidden when it rests on fewer than {base} people or on a hidden count. Median incomes "
              "are rounded to Rp 50.000.\n"
              "- Each filter chooses one value, one named group, or everything: the difference of two free choices "
              "could reveal a small number.\n"
              "- Charts follow the tables: a hidden bar is never drawn at its true height.\n"
              "- Budget allocations and spending are not counts of people and are shown exactly.\n"
              "- CSV and Excel downloads hold exactly the table shown, with the same hiding.\n"
              "- No page or download lists participants.",
    },
    "guide_targets": {"id": "Target dan capaian", "en": "Targets and achievement"},
    "guide_targets_body": {
        "id": "Bila dinas mengimpor target (tabel **target**: tahun, indikator, desa, program, target, misalnya dari "
              "Renstra atau RPJMD), halaman Ringkasan menampilkan tabel **Target dan capaian**, garis target pada "
              "grafik tren, dan target di keterangan (tanda tanya) angka utama.\n"
              "- Target berlaku untuk pilihan filter yang persis sama: target seluruh wilayah saat filter desa dan "
              "program “Semua”, target satu desa saat filter desa memilih desa itu, target satu program saat filter "
              "program memilih program itu; filter tahun memilih tahun targetnya. Kelompok desa, penyelenggara dan "
              "peran tidak punya target.\n"
              "- **Realisasi** adalah angka yang tampil di dasbor untuk tahun target, setelah pembulatan dan "
              "penyembunyian. Bila realisasi disembunyikan, capaian dan predikatnya ikut disembunyikan.\n"
              "- **Capaian** = realisasi ÷ target. Untuk angka yang makin kecil makin baik (tingkat kembali "
              "beroperasi, biaya per peserta, biaya per peserta bekerja) capaian = (2 × target − realisasi) ÷ "
              "target, aturan polaritas LKjIP. Ditulis sebagai persen dengan satu desimal.\n"
              "- **Predikat**: capaian 100% atau lebih *Tercapai*, 85% sampai di bawah 100% *Hampir tercapai*, di "
              "bawah 85% *Belum tercapai*. Warnanya hanya membantu; kata predikatnya yang berlaku.\n"
              "- Target 0 tidak punya capaian, begitu pula tahun tanpa realisasi (belum ada data, atau penyebutnya "
              "0): keduanya tertulis —.",
        "en": "When the department imports targets (the **targets** table: year, indicator, village, program, "
              "target, e.g. from its Renstra or RPJMD), the Overview page shows a **Targets and achievement** table, "
              "a target line on the trend chart, and the target in the help (question mark) of the headline "
              "figures.\n"
              "- A target applies to exactly the same filter choice: the whole area's target when the village and "
              "program filters are on “All”, one village's when the village filter chooses that village, one "
              "program's when the program filter chooses that program; the year filter chooses the targets' years. "
              "Groups of villages, organizers and roles have no targets.\n"
              "- **Realised** is the figure the dashboard shows for the target's year, rounded and hidden as every "
              "figure is. When the realised figure is hidden, so are its achievement and rating.\n"
              "- **Achievement** = realised ÷ target. For figures where less is better (relapse rate, cost per "
              "participant, cost per working participant) achievement = (2 × target − realised) ÷ target, the "
              "polarity rule of LKjIP reports. It is written as a percentage with one decimal.\n"
              "- **Rating**: an achievement of 100% or more is *Achieved*, 85% to under 100% *Nearly achieved*, "
              "under 85% *Not yet achieved*. The colour only helps; the word is what counts.\n"
              "- A target of 0 has no achievement, nor has a year without a realised figure (no data yet, or a "
              "denominator of 0): both read —.",
    },
    "guide_contract": {"id": "Format data (ringkas)", "en": "Data format (summary)"},
    "guide_contract_intro": {
        "id": "Kolom boleh ditulis dengan nama Inggris atau nama Indonesia (alias); huruf besar kecil, spasi "
              "dan tanda baca diabaikan. Berkas CSV atau XLSX.",
        "en": "Columns may be named in English or by their Indonesian alias; case, spaces and punctuation are "
              "ignored. CSV or XLSX files.",
    },
    "guide_column": {"id": "Kolom", "en": "Column"},
    "guide_alias": {"id": "Nama Indonesia", "en": "Indonesian name"},
    "guide_type": {"id": "Tipe", "en": "Type"},
    "guide_required": {"id": "Wajib", "en": "Required"},
    "guide_allowed": {"id": "Nilai yang diterima", "en": "Accepted values"},
    "yes": {"id": "ya", "en": "yes"},
    "no": {"id": "tidak", "en": "no"},
    "table_participants": {"id": "Peserta", "en": "Participants"},
    "table_outcomes": {"id": "Hasil", "en": "Outcomes"},
    "table_budget": {"id": "Anggaran", "en": "Budget"},
    "table_targets": {"id": "Target (tidak wajib)", "en": "Targets (optional)"},
    # --- a chart's text alternative (lib.alt_text): one sentence, ended by the hidden note and a full stop
    "alt_chart": {
        "id": "Grafik “{title}”, {measure} menurut {dimension}: tertinggi {top} ({top_value}), terendah {bottom} "
              "({bottom_value})",
        "en": "Chart “{title}”, {measure} by {dimension}: highest {top} ({top_value}), lowest {bottom} "
              "({bottom_value})",
    },
    "alt_chart_one": {"id": "Grafik “{title}”, {measure} menurut {dimension}: {names} {value}",
                      "en": "Chart “{title}”, {measure} by {dimension}: {names} {value}"},
    "alt_chart_same": {"id": "Grafik “{title}”, {measure} menurut {dimension}: semuanya {value} ({names})",
                       "en": "Chart “{title}”, {measure} by {dimension}: all {value} ({names})"},
    "alt_chart_none": {
        "id": "Grafik “{title}”, {measure} menurut {dimension}: tidak ada angka yang dapat ditampilkan",
        "en": "Chart “{title}”, {measure} by {dimension}: no figure can be shown",
    },
    "alt_hidden": {"id": "; {hidden} dari {total} nilai disembunyikan demi privasi",
                   "en": "; {hidden} of {total} values hidden to protect privacy"},
    "alt_more": {"id": "{n} lainnya", "en": "{n} more"},
    "alt_and": {"id": "dan", "en": "and"},
    # --- Masuk (sign-in)
    "masuk_title": {"id": "Masuk", "en": "Sign in"},
    "masuk_intro": {
        "id": "Dasbor ini memuat data orang yang rentan. Masuk dengan akun yang diberikan admin dinas; "
              "setiap masuk, percobaan gagal dan unduhan dicatat.",
        "en": "This dashboard holds data about vulnerable people. Sign in with the account the department's "
              "admin gave you; every sign-in, failed attempt and download is recorded.",
    },
    "masuk_fill": {"id": "Isi nama pengguna dan kata sandi.", "en": "Fill in the user name and the password."},
    "masuk_refused": {
        "id": "Nama pengguna atau kata sandi salah, atau akun sementara terkunci karena terlalu banyak percobaan "
              "yang gagal. Periksa lalu coba lagi nanti, atau minta admin membuka kuncinya.",
        "en": "Wrong user name or password, or the account is locked for a while after too many failed "
              "attempts. Check and try again later, or ask the admin to unlock it.",
    },
    "masuk_oidc_unknown": {
        "id": "Akun **{email}** belum terdaftar di dasbor ini. Minta admin membuat akun dengan nama pengguna "
              "persis alamat email ini, lalu muat ulang halaman.",
        "en": "The account **{email}** is not registered in this dashboard. Ask the admin to make an account "
              "whose user name is exactly this email address, then reload the page.",
    },
    "masuk_oidc_leave": {"id": "Keluar dari akun ini", "en": "Sign out of this account"},
    "masuk_oidc_main": {"id": "Masuk dengan akun dinas", "en": "Sign in with the department's account"},
    "masuk_oidc_with": {"id": "Masuk dengan {provider}", "en": "Sign in with {provider}"},
    "masuk_oidc_broken": {
        "id": "Masuk lewat penyedia identitas belum dapat dipakai: pengaturan [auth] di .streamlit/secrets.toml "
              "tidak lengkap atau paket Authlib belum dipasang ({reason}).",
        "en": "Signing in through the identity provider does not work yet: the [auth] settings in "
              ".streamlit/secrets.toml are incomplete or the Authlib package is not installed ({reason}).",
    },
    "masuk_name": {"id": "Nama pengguna", "en": "User name"},
    "masuk_password": {"id": "Kata sandi", "en": "Password"},
    "masuk_submit": {"id": "Masuk", "en": "Sign in"},
    "masuk_forgot": {"id": "Lupa kata sandi atau akun terkunci? Hubungi admin dasbor di dinas Anda.",
                     "en": "Forgot your password, or is your account locked? Ask the dashboard's admin at your "
                           "department."},
    "masuk_demo": {"id": "Dasbor berjalan dalam mode demo: tidak perlu masuk.",
                   "en": "The dashboard runs in demo mode: no sign-in is needed."},
    # --- Audit
    "audit_title": {"id": "Log audit", "en": "Audit log"},
    "audit_caption": {
        "id": "Setiap masuk (dan percobaan gagal), unduhan, impor, pengembalian versi dan perubahan akun dicatat "
              "di sini. Log hanya dapat ditambah; tidak ada yang dapat mengubah atau menghapusnya.",
        "en": "Every sign-in (and failed attempt), download, import, rollback and account change is recorded here. "
              "The log can only be added to; no one can change or delete it.",
    },
    "audit_dates": {"id": "Tanggal (WIB)", "en": "Dates (WIB)"},
    "audit_user": {"id": "Pengguna", "en": "User"},
    "audit_action": {"id": "Aksi", "en": "Action"},
    "audit_events": {"id": "{n} kejadian", "en": "{n} events"},
    "audit_download": {"id": "Unduh {kind}", "en": "Download {kind}"},
    "audit_file": {"id": "log-audit", "en": "audit-log"},
    "audit_what": {"id": "log audit ({kind})", "en": "audit log ({kind})"},
    # --- Akun (accounts)
    "akun_title": {"id": "Akun", "en": "Accounts"},
    "akun_caption": {
        "id": "Admin mengelola data, akun dan log audit untuk semua desa. Pembaca melihat halaman analisis; "
              "pembaca yang dibatasi desa hanya melihat angka desanya. Semua perubahan dicatat di log audit.",
        "en": "Admins manage the data, the accounts and the audit log for every village. Viewers see the analysis "
              "pages; a viewer limited to villages sees only their figures. Every change is in the audit log.",
    },
    "akun_limit_help": {
        "id": "Hanya untuk peran Pembaca; admin selalu melihat semua desa. Satu desa, satu kelompok desa, atau semua.",
        "en": "For the Viewer role only; an admin always sees every village. One village, one group of villages, "
              "or all.",
    },
    "akun_every_village": {"id": "Semua desa", "en": "Every village"},
    "akun_group": {"id": "{name} (kelompok {n} desa)", "en": "{name} (group of {n} villages)"},
    "akun_col_name": {"id": "Nama pengguna", "en": "User name"},
    "akun_col_role": {"id": "Peran", "en": "Role"},
    "akun_col_villages": {"id": "Desa", "en": "Villages"},
    "akun_col_made": {"id": "Dibuat", "en": "Created"},
    "akun_col_status": {"id": "Status", "en": "Status"},
    "akun_locked_until": {"id": "terkunci sampai {moment}", "en": "locked until {moment}"},
    "akun_active": {"id": "aktif", "en": "active"},
    "akun_tab_create": {"id": "Buat akun", "en": "Create an account"},
    "akun_tab_change": {"id": "Ubah akun", "en": "Change an account"},
    "akun_name_help": {
        "id": "3–64 karakter: huruf kecil, angka, titik, garis bawah, @ atau tanda hubung. Dengan login dinas "
              "(single sign-on), isi alamat email pengguna.",
        "en": "3–64 characters: lower-case letters, digits, dot, underscore, @ or hyphen. With the department's "
              "single sign-on, the user's email address.",
    },
    "akun_password_help": {"id": "Minimal {n} karakter.", "en": "At least {n} characters."},
    "akun_repeat": {"id": "Ulangi kata sandi", "en": "Repeat the password"},
    "akun_role": {"id": "Peran", "en": "Role"},
    "akun_limit": {"id": "Batas desa", "en": "Village limit"},
    "akun_create": {"id": "Buat akun", "en": "Create the account"},
    "akun_mismatch": {"id": "Kedua kata sandi tidak sama.", "en": "The two passwords differ."},
    "akun_created": {"id": "Akun {name} dibuat.", "en": "Account {name} created."},
    "akun_none": {"id": "Belum ada akun.", "en": "No account yet."},
    "akun_pick": {"id": "Pilih akun", "en": "Choose an account"},
    "akun_role_villages": {"id": "Peran dan desa", "en": "Role and villages"},
    "akun_limit_pick": {"id": "— pilih batas desa —", "en": "— choose a village limit —"},
    "akun_save_role": {"id": "Simpan peran dan desa", "en": "Save role and villages"},
    "akun_limit_invalid": {
        "id": "Batas desa akun ini ({villages}) bukan satu desa atau satu kelompok desa, sehingga akun ini tidak "
              "melihat angka apa pun. Pilih satu desa, satu kelompok, atau semua desa.",
        "en": "This account's village limit ({villages}) is neither one village nor one group of villages, so it "
              "sees no figure at all. Choose one village, one group, or every village.",
    },
    "akun_limit_missing": {"id": "Pilih batas desa: satu desa, satu kelompok desa, atau semua desa.",
                           "en": "Choose a village limit: one village, one group of villages, or every village."},
    "akun_role_saved": {"id": "Peran dan desa {name} disimpan.", "en": "Role and villages of {name} saved."},
    "akun_password_title": {"id": "Kata sandi", "en": "Password"},
    "akun_new_password": {"id": "Kata sandi baru", "en": "New password"},
    "akun_new_repeat": {"id": "Ulangi kata sandi baru", "en": "Repeat the new password"},
    "akun_set_password": {"id": "Ganti kata sandi", "en": "Change the password"},
    "akun_password_set": {"id": "Kata sandi {name} diganti.", "en": "Password of {name} changed."},
    "akun_lock_title": {"id": "Kunci", "en": "Lock"},
    "akun_locked": {"id": "Terkunci sampai {moment} karena terlalu banyak percobaan gagal.",
                    "en": "Locked until {moment} after too many failed attempts."},
    "akun_unlock": {"id": "Buka kunci", "en": "Unlock"},
    "akun_unlocked": {"id": "Kunci akun {name} dibuka.", "en": "Account {name} unlocked."},
    "akun_not_locked": {"id": "Akun ini tidak terkunci.", "en": "This account is not locked."},
    "akun_delete_title": {"id": "Hapus akun", "en": "Delete the account"},
    "akun_delete_self": {"id": "Akun Anda sendiri tidak dapat dihapus dari sini; minta admin lain.",
                         "en": "Your own account cannot be deleted here; ask another admin."},
    "akun_delete_sure": {"id": "Saya yakin ingin menghapus akun {name}", "en": "I am sure I want to delete {name}"},
    "akun_delete": {"id": "Hapus akun", "en": "Delete the account"},
    "akun_deleted": {"id": "Akun {name} dihapus.", "en": "Account {name} deleted."},
    "role_admin": {"id": "Admin", "en": "Admin"},
    "role_viewer": {"id": "Pembaca", "en": "Viewer"},
    # --- Data (imports)
    "data_title": {"id": "Data", "en": "Data"},
    "data_demo": {
        "id": "**Mode demo: data asli belum dapat diimpor.** Dasbor belum punya akun, sehingga siapa pun dapat "
              "membukanya; karena itu hanya data demo sintetis yang ditampilkan. Buat akun admin dahulu di "
              "server, lalu masuk sebagai admin untuk mengimpor data:",
        "en": "**Demo mode: real data cannot be imported yet.** The dashboard has no account, so anyone can open "
              "it; that is why only synthetic demo data is shown. First make an admin account on the server, "
              "then sign in as that admin to import data:",
    },
    "data_demo_command": {"id": "python -m lib.accounts add NAMA --role admin",
                          "en": "python -m lib.accounts add NAME --role admin"},
    "data_none": {"id": "Belum ada data yang diimpor: halaman analisis memakai data demo sintetis.",
                  "en": "No data imported yet: the analysis pages use the synthetic demo data."},
    "data_in_use_version": {"id": "Data yang dipakai: **{version}**.", "en": "Data in use: **{version}**."},
    "data_version": {"id": "versi {n} ({moment})", "en": "version {n} ({moment})"},
    "data_errors": {
        "id": "**{n} kesalahan** ditemukan. Tidak ada yang disimpan dan data yang dipakai tidak berubah. Perbaiki "
              "berkas (lihat kolom *saran*), lalu unggah lagi.",
        "en": "**{n} errors** found. Nothing was saved and the data in use is unchanged. Correct the files (see "
              "the *suggestion* column), then upload them again.",
    },
    "data_errors_download": {"id": "Unduh daftar masalah (CSV)", "en": "Download the list of problems (CSV)"},
    "data_errors_file": {"id": "masalah-impor.csv", "en": "import-problems.csv"},
    "data_errors_what": {"id": "daftar masalah impor", "en": "list of import problems"},
    "data_template_what": {"id": "templat {table} ({kind})", "en": "template {table} ({kind})"},
    "data_warnings": {"id": "**{n} peringatan**: tidak menghalangi impor, tetapi periksa dahulu.",
                      "en": "**{n} warnings**: they do not stop the import, but check them first."},
    "data_preview": {"id": "Pratinjau perubahan", "en": "Preview of the changes"},
    "data_col_table": {"id": "Tabel", "en": "Table"},
    "data_col_action": {"id": "Tindakan", "en": "Action"},
    "data_col_before_rows": {"id": "Baris sebelum", "en": "Rows before"},
    "data_col_after_rows": {"id": "Baris sesudah", "en": "Rows after"},
    "data_col_added": {"id": "Ditambah", "en": "Added"},
    "data_col_changed": {"id": "Diubah", "en": "Changed"},
    "data_col_removed": {"id": "Dihapus", "en": "Removed"},
    "data_col_measure": {"id": "Ukuran", "en": "Measure"},
    "data_col_before": {"id": "Sebelum", "en": "Before"},
    "data_col_after": {"id": "Sesudah", "en": "After"},
    "data_templates": {"id": "1. Templat", "en": "1. Templates"},
    "data_templates_intro": {
        "id": "Isi templat dengan kode peserta samaran, tidak pernah nama, NIK, alamat atau nomor telepon. Judul "
              "kolom boleh bahasa Indonesia atau Inggris; baris judul, baris jumlah dan baris kosong diabaikan.",
        "en": "Fill the templates with pseudonymous participant codes, never names, NIK, addresses or phone "
              "numbers. Column headers may be Indonesian or English; title rows, total rows and empty rows are "
              "ignored.",
    },
    "data_template": {"id": "Templat {table} ({kind})", "en": "Template: {table} ({kind})"},
    "data_import": {"id": "2. Impor", "en": "2. Import"},
    "data_import_intro": {
        "id": "Unggah satu atau beberapa berkas. Tabel yang diunggah menggantikan tabel yang sama di data yang "
              "dipakai; tabel lain tetap. Tidak ada yang disimpan sebelum Anda menekan **Simpan**.",
        "en": "Upload one or more files. A table uploaded replaces the same table of the data in use; other "
              "tables stay. Nothing is saved before you press **Save**.",
    },
    "data_files": {"id": "Berkas data (CSV atau XLSX)", "en": "Data files (CSV or XLSX)"},
    "data_already": {"id": "Berkas ini sudah disimpan. Unggah berkas lain untuk impor berikutnya.",
                     "en": "These files are saved already. Upload other files for the next import."},
    "data_checking": {"id": "Membaca dan memeriksa {n} berkas ...", "en": "Reading and checking {n} files ..."},
    "data_changed_meanwhile": {
        "id": "Data yang dipakai berubah sejak berkas ini diperiksa (impor atau pengembalian versi oleh admin "
              "lain). Berkas sudah diperiksa ulang; lihat pratinjau baru di bawah, lalu tekan **Simpan** lagi.",
        "en": "The data in use changed since these files were checked (an import or a rollback by another "
              "admin). The files were checked again; see the new preview below, then press **Save** again.",
    },
    "data_save": {"id": "Simpan sebagai versi baru", "en": "Save as a new version"},
    "data_saving": {"id": "Menyimpan ...", "en": "Saving ..."},
    "data_save_again": {"id": "{reason} Tekan **Simpan** lagi setelah pratinjau diperbarui.",
                        "en": "{reason} Press **Save** again once the preview is updated."},
    "data_saved": {"id": "Versi {n} disimpan dan sekarang dipakai di semua halaman.",
                   "en": "Version {n} saved, and now in use on every page."},
    "data_versions": {"id": "3. Versi", "en": "3. Versions"},
    "data_no_versions": {"id": "Belum ada versi.", "en": "No version yet."},
    "data_col_version": {"id": "Versi", "en": "Version"},
    "data_col_made": {"id": "Dibuat", "en": "Created"},
    "data_col_by": {"id": "Oleh", "en": "By"},
    "data_col_files": {"id": "Berkas", "en": "Files"},
    "data_col_rows": {"id": "Baris {table}", "en": "Rows: {table}"},
    "data_col_status": {"id": "Status", "en": "Status"},
    "data_in_use_status": {"id": "dipakai", "en": "in use"},
    "data_rollback": {"id": "Kembalikan versi lama", "en": "Go back to an earlier version"},
    "data_rollback_pick": {"id": "Versi yang dipakai lagi", "en": "Version to use again"},
    "data_version_short": {"id": "versi {n}", "en": "version {n}"},
    "data_rollback_sure": {
        "id": "Saya yakin: halaman analisis akan memakai versi {n}. Versi lain tetap tersimpan dan dapat dipilih "
              "lagi.",
        "en": "I am sure: the analysis pages will use version {n}. The other versions stay saved and can be "
              "chosen again.",
    },
    "data_rollback_button": {"id": "Kembalikan", "en": "Go back"},
    "data_rolled_back": {"id": "Versi {n} dipakai lagi di semua halaman.", "en": "Version {n} is in use again on "
                                                                               "every page."},
}

# The messages lib writes for the reader, keyed and worded like TEXTS (``text`` reads both): why an account, the
# store or the database refuses (``lib.accounts``, ``lib.store``, ``lib.backend``), each problem of an import
# (``lib.ingest``, ``lib.validate``, ``lib.importer``). The Indonesian is what lib wrote before it spoke English too.
MESSAGES: dict[str, dict[str, str]] = {
    # --- accounts (lib.accounts.AccountError)
    "account_unknown": {"id": "Akun {name!r} tidak ada.", "en": "There is no account {name!r}."},
    "account_exists": {"id": "Akun {name!r} sudah ada.", "en": "The account {name!r} exists already."},
    "account_bad_name": {
        "id": "Nama pengguna harus 3 sampai 64 karakter: huruf kecil, angka, titik, garis bawah, @ atau tanda "
              "hubung, diawali huruf atau angka.",
        "en": "A user name has 3 to 64 characters: lower-case letters, digits, dot, underscore, @ or hyphen, "
              "starting with a letter or a digit.",
    },
    "account_password_short": {"id": "Kata sandi terlalu pendek: minimal {n} karakter.",
                               "en": "The password is too short: at least {n} characters."},
    "account_password_long": {"id": "Kata sandi terlalu panjang: maksimal {n} karakter.",
                              "en": "The password is too long: at most {n} characters."},
    "account_password_is_name": {"id": "Kata sandi tidak boleh sama dengan nama pengguna.",
                                 "en": "The password must not be the user name."},
    "account_role_unknown": {"id": "Peran {role!r} tidak dikenal; pilih 'admin' atau 'viewer'.",
                             "en": "Unknown role {role!r}; choose 'admin' or 'viewer'."},
    "account_village_near": {"id": "Desa {village!r} tidak ada di data acuan. Maksud Anda {nearest!r}?",
                             "en": "The village {village!r} is not in the reference data. Did you mean {nearest!r}?"},
    "account_village_choices": {"id": "Desa {village!r} tidak ada di data acuan. Pilihan: {choices}.",
                                "en": "The village {village!r} is not in the reference data. Choices: {choices}."},
    "account_admin_unlimited": {
        "id": "Admin selalu melihat semua desa; batas desa hanya untuk peran 'viewer'.",
        "en": "An admin always sees every village; a village limit is for the 'viewer' role only.",
    },
    "account_first_admin": {
        "id": "Akun pertama harus admin, agar ada yang dapat mengelola akun dan data.",
        "en": "The first account must be an admin, so that someone can manage the accounts and the data.",
    },
    "account_last_admin_role": {"id": "Ini admin terakhir; jadikan akun lain admin dahulu.",
                                "en": "This is the last admin; make another account an admin first."},
    "account_last_admin_delete": {
        "id": "Ini admin terakhir dan tidak dapat dihapus; buat admin lain dahulu.",
        "en": "This is the last admin and cannot be deleted; make another admin first.",
    },
    "admin_only": {"id": "Halaman ini hanya untuk admin.", "en": "This page is for admins only."},
    # --- the data store and the shared database (lib.store.StoreError, lib.backend.DatabaseUnavailable)
    "store_busy": {
        "id": "Data sedang diperbarui oleh pengguna lain. Tidak ada yang berubah; coba lagi sebentar lagi.",
        "en": "Another user is updating the data right now. Nothing was changed; try again in a moment.",
    },
    "store_stale": {
        "id": "Data yang dipakai sudah berganti ({planned} menjadi {current}) sejak berkas ini diperiksa. Tidak ada "
              "yang berubah; coba lagi: unggah dan periksa berkasnya sekali lagi.",
        "en": "The data in use changed ({planned} became {current}) since these files were checked. Nothing was "
              "changed; try again: upload and check the files once more.",
    },
    "store_no_data_yet": {"id": "belum ada data", "en": "no data yet"},
    "store_unknown_version": {
        "id": "Versi {version!r} tidak ada. Lihat daftar versi untuk nomor yang benar.",
        "en": "There is no version {version!r}. See the list of versions for the right number.",
    },
    "store_database_failed": {
        "id": "Basis data data tidak dapat dibaca ({reason}). Data yang dipakai tidak berubah; coba lagi atau "
              "hubungi admin.",
        "en": "The data's database cannot be read ({reason}). The data in use is unchanged; try again or contact "
              "the administrator.",
    },
    "database_unreachable": {
        "id": "Basis data {url} tidak dapat dihubungi ({kind}). Periksa DASBOR_DATABASE_URL dan server PostgreSQL, "
              "lalu coba lagi.",
        "en": "The database {url} cannot be reached ({kind}). Check DASBOR_DATABASE_URL and the PostgreSQL server, "
              "then try again.",
    },
    "store_pointer_broken": {"id": "Berkas penunjuk versi {path} rusak: {reason}.",
                             "en": "The version pointer file {path} is damaged: {reason}."},
    "store_manifest_broken": {"id": "Manifes versi {version} rusak: {reason}.",
                              "en": "The manifest of version {version} is damaged: {reason}."},
    "store_file_missing": {"id": "Berkas {path} hilang dari versi {version}.",
                           "en": "The file {path} is missing from version {version}."},
    "store_file_changed": {
        "id": "Berkas {path} berubah atau rusak sejak disimpan (sidik sha256 tidak cocok).",
        "en": "The file {path} changed or was damaged since it was saved (its sha256 fingerprint does not match).",
    },
    "store_table_missing": {"id": "Tabel {table} hilang dari versi {version} di basis data.",
                            "en": "The table {table} is missing from version {version} in the database."},
    "store_table_changed": {
        "id": "Tabel {table} versi {version} di basis data berubah atau rusak sejak disimpan (sidik sha256 tidak "
              "cocok).",
        "en": "The table {table} of version {version} in the database changed or was damaged since it was saved "
              "(its sha256 fingerprint does not match).",
    },
    "store_write_failed": {
        "id": "Data gagal disimpan ({reason}). Data yang dipakai tidak berubah; kosongkan ruang disk atau hubungi "
              "admin, lalu coba lagi.",
        "en": "The data could not be saved ({reason}). The data in use is unchanged; free some disk space or "
              "contact the administrator, then try again.",
    },
    "store_disk_full": {"id": "disk penuh", "en": "the disk is full"},
    "store_reference_mismatch": {
        "id": "Versi {n} memakai nilai yang tidak ada di data acuan ({listed}). Kembalikan nilai itu ke data acuan, "
              "atau impor ulang data yang sudah diperbaiki.",
        "en": "Version {n} uses values that are not in the reference data ({listed}). Put those values back into "
              "the reference data, or import corrected data again.",
    },
    # --- reading an uploaded file (lib.ingest); each problem, then what is accepted or what to do (_do)
    "ingest_empty": {"id": "Berkas kosong.", "en": "The file is empty."},
    "ingest_empty_do": {"id": "Berkas CSV atau XLSX berisi baris judul kolom dan sedikitnya satu baris data.",
                        "en": "A CSV or XLSX file holding a header row and at least one row of data."},
    "ingest_old_excel": {
        "id": "Berkas ini berformat Excel lama (.xls) atau dilindungi kata sandi, sehingga tidak dapat dibaca.",
        "en": "This file is in the old Excel format (.xls) or protected by a password, so it cannot be read.",
    },
    "ingest_old_excel_do": {"id": "Buka di Excel, hapus kata sandinya bila ada, lalu simpan sebagai .xlsx atau CSV.",
                            "en": "Open it in Excel, remove its password if it has one, then save it as .xlsx or "
                                  "CSV."},
    "ingest_unreadable": {"id": "Berkas tidak dapat dibaca ({kind}).", "en": "The file cannot be read ({kind})."},
    "ingest_unreadable_do": {"id": "Simpan ulang dari Excel sebagai .xlsx atau CSV lalu unggah lagi.",
                             "en": "Save it again from Excel as .xlsx or CSV and upload it again."},
    "ingest_limit": {
        "id": "Berkas ditolak seluruhnya karena melampaui batas {limit}: {found}. Tidak ada isi berkas yang dipakai.",
        "en": "The file is refused whole because it goes beyond the limit of {limit}: {found}. Nothing of the file "
              "is used.",
    },
    # What a file beyond a limit was found to hold (lib.limits.LimitExceeded), read after ``ingest_limit``'s colon.
    "limit_file_size": {"id": "berkas ini berukuran {size}", "en": "this file is {size}"},
    "limit_file_rows": {"id": "berkas ini berisi {n} baris", "en": "this file holds {n} rows"},
    "limit_file_cells": {"id": "berkas ini berisi lebih dari {n} sel", "en": "this file holds more than {n} cells"},
    "limit_file_texts": {"id": "berkas ini berisi lebih dari {n} teks berbeda",
                         "en": "this file holds more than {n} different texts"},
    "limit_header_columns": {"id": "baris judul kolom berisi {n} kolom", "en": "the header row holds {n} columns"},
    "limit_cell_chars": {"id": "sel {cell} berisi {n} karakter", "en": "cell {cell} holds {n} characters"},
    "limit_cell_near_row": {"id": "sebuah sel sekitar baris {row} berisi lebih dari {n} karakter",
                            "en": "a cell around row {row} holds more than {n} characters"},
    "limit_text_chars": {"id": "sebuah teks di berkas ini berisi lebih dari {n} karakter",
                         "en": "a text in this file holds more than {n} characters"},
    "limit_sheet_cell_chars": {"id": "sel {cell} di lembar '{sheet}' berisi lebih dari {n} karakter",
                               "en": "cell {cell} on the sheet '{sheet}' holds more than {n} characters"},
    "limit_xlsx_parts": {"id": "berkas XLSX ini berisi {n} bagian", "en": "this XLSX file holds {n} parts"},
    "limit_xlsx_directory": {
        "id": "daftar isi berkas XLSX ini berukuran {size}, cukup untuk lebih dari {n} bagian",
        "en": "the table of contents of this XLSX file is {size}, enough for more than {n} parts",
    },
    "limit_xlsx_unpacked": {"id": "isi berkas XLSX ini {size} setelah dibuka",
                            "en": "the content of this XLSX file is {size} once unpacked"},
    "limit_xlsx_inflated": {"id": "isi berkas XLSX ini lebih dari {size} setelah dibuka",
                            "en": "the content of this XLSX file is more than {size} once unpacked"},
    "limit_sheets_cells": {"id": "lembar-lembar berkas ini bersama-sama berisi lebih dari {n} sel",
                           "en": "the sheets of this file together hold more than {n} cells"},
    "limit_sheet_column": {"id": "lembar '{sheet}' berisi data di kolom {letter} (kolom ke-{n})",
                           "en": "the sheet '{sheet}' holds data in column {letter} (column number {n})"},
    "limit_sheet_row": {"id": "lembar '{sheet}' berisi data di baris {n}",
                        "en": "the sheet '{sheet}' holds data in row {n}"},
    "limit_sheet_cells": {"id": "lembar '{sheet}' berisi lebih dari {n} sel",
                          "en": "the sheet '{sheet}' holds more than {n} cells"},
    "limit_sheet_merged": {"id": "lembar '{sheet}' berisi lebih dari {n} sel gabungan",
                           "en": "the sheet '{sheet}' holds more than {n} merged cells"},
    "limit_sheet_span": {"id": "data di lembar '{sheet}' membentang {height} baris × {width} kolom",
                         "en": "the data on the sheet '{sheet}' spans {height} rows × {width} columns"},
    "limit_sheet_merged_cells": {"id": "sel gabungan di lembar '{sheet}' mencakup lebih dari {n} sel",
                                 "en": "the merged cells on the sheet '{sheet}' cover more than {n} cells"},
    "ingest_broken_xlsx": {
        "id": "Berkas XLSX rusak atau tidak lengkap (mungkin terpotong saat diunggah), atau bukan berkas Excel.",
        "en": "The XLSX file is damaged or incomplete (perhaps cut off while uploading), or not an Excel file.",
    },
    "ingest_broken_xlsx_do": {"id": "Buka berkasnya di Excel, simpan ulang sebagai .xlsx atau CSV, lalu unggah lagi.",
                              "en": "Open the file in Excel, save it again as .xlsx or CSV, then upload it again."},
    "ingest_save_as_csv": {
        "id": 'Di Excel: File > Save As, pilih jenis "CSV UTF-8 (Comma delimited) (*.csv)", lalu unggah lagi.',
        "en": 'In Excel: File > Save As, choose the type "CSV UTF-8 (Comma delimited) (*.csv)", then upload again.',
    },
    "ingest_not_a_table": {"id": "Berkas ini bukan tabel CSV atau XLSX yang dapat dibaca.",
                           "en": "This file is not a CSV or XLSX table that can be read."},
    "ingest_not_a_table_do": {"id": "Berkas .xlsx dari Excel, atau .csv (dipisah koma atau titik koma).",
                              "en": "An .xlsx file from Excel, or a .csv (separated by commas or semicolons)."},
    "ingest_encoding": {
        "id": "Huruf di berkas CSV ini memakai pengodean yang tidak dikenali (bukan UTF-8, UTF-16 atau "
              "Windows-1252), sehingga tidak dapat dibaca dengan benar.",
        "en": "The letters of this CSV file use an encoding that is not recognised (not UTF-8, UTF-16 or "
              "Windows-1252), so it cannot be read correctly.",
    },
    "ingest_title_only": {"id": "Berkas ini hanya berisi judul, tanpa baris judul kolom dan baris data.",
                          "en": "This file holds only a title, with no header row and no rows of data."},
    "ingest_title_only_do": {
        "id": "Baris judul kolom tabel peserta, hasil pemantauan atau anggaran (lihat templat), dan sedikitnya "
              "satu baris data di bawahnya.",
        "en": "The header row of the participants, follow-ups or budget table (see the templates), and at least "
              "one row of data below it.",
    },
    "ingest_wide_row": {"id": "Baris ini berisi {n} sel, padahal judul kolom hanya {width}.",
                        "en": "This row holds {n} cells, but there are only {width} column headers."},
    "ingest_wide_row_do": {
        "id": 'Satu sel per judul kolom. Teks yang berisi koma atau titik koma harus diapit tanda kutip ("...").',
        "en": 'One cell per column header. A text holding a comma or a semicolon must be put in quotes ("...").',
    },
    "ingest_no_sheet": {"id": "Berkas XLSX tidak berisi data di lembar mana pun.",
                        "en": "The XLSX file holds no data on any sheet."},
    "ingest_no_sheet_do": {"id": "Lembar dengan baris judul kolom dan baris data.",
                           "en": "A sheet with a header row and rows of data."},
    "ingest_personal_column": {
        "id": "Kolom '{column}' berisi data pribadi. Berkas ditolak seluruhnya: dasbor hanya menyimpan kode samaran "
              "peserta, bukan nama, NIK, alamat atau nomor telepon.",
        "en": "The column '{column}' holds personal data. The file is refused whole: the dashboard keeps only "
              "pseudonymous participant codes, never names, NIK, addresses or phone numbers.",
    },
    "ingest_personal_column_do": {
        "id": "Hapus kolom ini dari berkas, lalu unggah lagi. Identitas peserta cukup berupa kode peserta.",
        "en": "Remove this column from the file, then upload it again. A participant code is all the identity "
              "needed.",
    },
    "ingest_nik_column": {
        "id": "Kolom '{column}' berisi angka 16 digit yang tampak seperti NIK. Berkas ditolak seluruhnya: dasbor "
              "hanya menyimpan kode samaran peserta, bukan nomor identitas.",
        "en": "The column '{column}' holds 16-digit numbers that look like a NIK. The file is refused whole: the "
              "dashboard keeps only pseudonymous participant codes, never identity numbers.",
    },
    "ingest_nik_column_do": {"id": "Hapus kolom ini, atau ganti isinya dengan kode samaran peserta.",
                             "en": "Remove this column, or replace its contents with pseudonymous participant "
                                   "codes."},
    "ingest_nik_value": {"id": "(16 digit, disembunyikan)", "en": "(16 digits, hidden)"},
    "ingest_column_letter": {"id": "kolom {letter}", "en": "column {letter}"},
    "ingest_column_twice": {"id": "Kolom {column} muncul dua kali ('{first}' dan '{second}').",
                            "en": "The column {column} appears twice ('{first}' and '{second}')."},
    "ingest_column_twice_do": {"id": "Setiap kolom cukup satu kali; hapus salah satunya.",
                               "en": "Each column once is enough; remove one of them."},
    # --- the data contract's rules (lib.validate)
    "vocabulary_programs": {"id": "program", "en": "programs"},
    "vocabulary_sites": {"id": "desa (lokasi)", "en": "villages (sites)"},
    "vocabulary_organizers": {"id": "penyelenggara", "en": "organizers"},
    "vocabulary_roles": {"id": "peran", "en": "roles"},
    "vocabulary_statuses": {"id": "status", "en": "statuses"},
    "vocabulary_outcomes": {"id": "hasil", "en": "outcomes"},
    "vocabulary_categories": {"id": "kategori", "en": "categories"},
    "vocabulary_funding_sources": {"id": "sumber dana", "en": "funding sources"},
    "vocabulary_indicators": {"id": "indikator yang dapat diberi target", "en": "indicators that can carry a target"},
    "check_optional": {"id": "Boleh kosong.", "en": "May be empty."},
    "check_one_of": {"id": "Salah satu dari: {values}.", "en": "One of: {values}."},
    "check_one_of_indicators": {"id": "Salah satu dari: {labels} (atau nama Inggrisnya).",
                                "en": "One of: {labels} (or its Indonesian name)."},
    "check_reference_first": {"id": "Nilai baru harus ditambahkan lebih dulu ke data acuan.",
                              "en": "A new value must first be added to the reference data."},
    "check_not_in_list": {"id": "'{value}' tidak ada dalam daftar {list}.",
                          "en": "'{value}' is not in the list of {list}."},
    "check_figure_without_target": {"id": "'{value}' adalah angka dasbor yang tidak dapat diberi target.",
                                    "en": "'{value}' is a figure of the dashboard that cannot carry a target."},
    "check_not_an_indicator": {"id": "'{value}' bukan indikator yang dapat diberi target.",
                               "en": "'{value}' is not an indicator that can carry a target."},
    "check_not_a_number": {"id": "'{value}' bukan angka yang dapat dibaca.",
                           "en": "'{value}' is not a number that can be read."},
    "check_negative": {"id": "Nilai {value} negatif; hanya 0 atau lebih yang diterima.",
                       "en": "The value {value} is negative; only 0 or more is accepted."},
    "check_target_number": {
        "id": "Angka 0 atau lebih dalam satuan indikatornya: jumlah orang (100), persen (80, 80% atau 80,5) atau "
              "rupiah (5000000 atau Rp 5.000.000).",
        "en": "A number, 0 or more, in its indicator's unit: people (100), percent (80, 80% or 80.5) or rupiah "
              "(5000000 or Rp 5.000.000).",
    },
    "check_rupiah": {
        "id": "Rupiah tanpa desimal, 0 atau lebih, misalnya 125000000, 125.000.000, Rp 125.000.000 atau 125,000,000.",
        "en": "Rupiah without decimals, 0 or more, e.g. 125000000, 125.000.000, Rp 125.000.000 or 125,000,000.",
    },
    "check_not_rupiah": {"id": "'{value}' bukan jumlah rupiah yang dapat dibaca.",
                         "en": "'{value}' is not a rupiah amount that can be read."},
    "check_whole_between": {"id": "Bilangan bulat dari {low} sampai {high}.",
                            "en": "A whole number from {low} to {high}."},
    "check_whole": {"id": "Bilangan bulat 0 atau lebih.", "en": "A whole number, 0 or more."},
    "check_years_ahead": {"id": "Target boleh ditetapkan sampai {n} tahun ke depan.",
                          "en": "Targets may be set up to {n} years ahead."},
    "check_not_whole": {"id": "'{value}' bukan bilangan bulat.", "en": "'{value}' is not a whole number."},
    "check_year_outside": {"id": "Tahun {value} di luar rentang {low} sampai {high}.",
                           "en": "The year {value} is outside the range {low} to {high}."},
    "check_age_outside": {"id": "Usia {value} di luar rentang {low} sampai {high} tahun.",
                          "en": "The age {value} is outside the range {low} to {high} years."},
    "check_not_a_date": {"id": "'{value}' bukan tanggal yang dikenali.",
                         "en": "'{value}' is not a date that can be recognised."},
    "check_future_date": {"id": "Tanggal {value} ada di masa depan (hari ini {today}).",
                          "en": "The date {value} is in the future (today is {today})."},
    "check_date": {
        "id": "Tanggal seperti 2024-03-31 atau 31/03/2024, atau sel tanggal Excel; dari 1 Januari tahun pelatihan "
              "sampai hari ini.",
        "en": "A date such as 2024-03-31 or 31/03/2024, or an Excel date cell; from 1 January of the training year "
              "to today.",
    },
    "check_nik_code": {
        "id": "Kode peserta 16 angka tampak seperti NIK. Dasbor hanya menyimpan kode samaran peserta, bukan nomor "
              "identitas.",
        "en": "A participant code of 16 digits looks like a NIK. The dashboard keeps only pseudonymous participant "
              "codes, never identity numbers.",
    },
    "check_participant_code": {"id": "Kode samaran peserta, misalnya P-0001 (bukan NIK, bukan nama).",
                               "en": "A pseudonymous participant code, e.g. P-0001 (not a NIK, not a name)."},
    "check_regency_example": {"id": "Kabupaten Blitar atau Kota Surabaya", "en": "Kabupaten Blitar or Kota Surabaya"},
    "check_region": {"id": "Nama daerah, misalnya {example}; isi {unknown} bila tidak diketahui.",
                     "en": "The region's name, e.g. {example}; write {unknown} when it is not known."},
    "check_item": {"id": "Teks, misalnya Mesin jahit.", "en": "Text, e.g. Mesin jahit."},
    "check_text": {"id": "Teks.", "en": "Text."},
    "check_header_only": {"id": "Tabel {table} hanya berisi judul kolom, tanpa baris data.",
                          "en": "The {table} table holds only its header row, with no rows of data."},
    "check_header_only_do": {"id": "Sedikitnya satu baris data di bawah baris judul kolom.",
                             "en": "At least one row of data below the header row."},
    "check_empty_cell": {"id": "Kolom {column} wajib diisi, tetapi sel ini kosong.",
                         "en": "The column {column} must be filled in, but this cell is empty."},
    "check_unsaved_formula": {
        "id": "Sel ini berisi rumus yang hasilnya belum pernah disimpan: berkas ini dibuat oleh program, bukan "
              "disimpan dari Excel, sehingga nilainya tidak ada di berkas.",
        "en": "This cell holds a formula whose result was never saved: the file was made by a program, not saved "
              "from Excel, so its value is not in the file.",
    },
    "check_unsaved_formula_do": {
        "id": "Buka dan simpan berkas di Excel (atau LibreOffice), lalu unggah lagi; nilai rumus ikut tersimpan.",
        "en": "Open and save the file in Excel (or LibreOffice), then upload it again; the formulas' values are "
              "saved with it.",
    },
    "check_missing_column": {"id": "Kolom wajib {alias} ({name}) tidak ada di tabel {table}.",
                             "en": "The required column {name} ({alias}) is missing from the {table} table."},
    "check_typo": {"id": "Kolom '{column}' mungkin salah ketik.", "en": "The column '{column}' may be a typo."},
    "check_missing_column_do": {
        "id": "Judul kolom '{alias}' atau '{name}' (huruf besar/kecil, spasi dan garis bawah bebas).",
        "en": "A column header '{name}' or '{alias}' (in any case, with or without spaces and underscores).",
    },
    "check_ignored_column": {"id": "Kolom '{column}' tidak termasuk format data dan diabaikan.",
                             "en": "The column '{column}' is not part of the data format and is ignored."},
    "check_ignored_column_do": {"id": "Kolom tabel {table}: {names}.", "en": "Columns of the {table} table: {names}."},
    "check_unrecognised": {
        "id": "Tabel tidak dikenali: judul kolomnya tidak cocok dengan tabel peserta, hasil pemantauan, anggaran, "
              "atau target.",
        "en": "Table not recognised: its column headers match none of the participants, follow-ups, budget or "
              "targets tables.",
    },
    "check_unrecognised_do": {"id": "Baris judul kolom dengan nama kolom format data ({tables}).",
                              "en": "A header row with the data format's column names ({tables})."},
    "check_sheet_named": {"id": "lembar {sheet}", "en": "sheet {sheet}"},
    "check_twice_enrolled": {
        "id": "Peserta {code} tercatat lebih dari sekali untuk tahun {year}, program {program}: sama dengan baris "
              "{rows}.",
        "en": "Participant {code} is recorded more than once for year {year}, program {program}: as in row {rows}.",
    },
    "check_twice_enrolled_do": {"id": "Satu baris per peserta, tahun dan program.",
                                "en": "One row per participant, year and program."},
    "check_twice_followed": {
        "id": "Pemantauan ganda: peserta {code}, tahun {year}, program {program}, tanggal {date} juga ada di baris "
              "{rows}.",
        "en": "Follow-up twice: participant {code}, year {year}, program {program}, date {date} is also in row "
              "{rows}.",
    },
    "check_twice_followed_do": {
        "id": "Satu hasil per pendaftaran per tanggal pemantauan; hapus salah satu atau perbaiki tanggalnya.",
        "en": "One outcome per enrollment per follow-up date; remove one of them or correct its date.",
    },
    "check_before_training_year": {"id": "Tanggal pemantauan {date} sebelum 1 Januari {year}, tahun pelatihannya.",
                                   "en": "The follow-up date {date} is before 1 January {year}, its training year."},
    "check_before_training_year_do": {"id": "Tanggal dari 1 Januari tahun pelatihan sampai hari ini.",
                                      "en": "A date from 1 January of the training year to today."},
    "check_no_participants_yet": {
        "id": "Hasil pemantauan tidak dapat dicocokkan karena data peserta belum ada.",
        "en": "The follow-ups cannot be matched because there is no participants table yet.",
    },
    "check_no_participants_yet_do": {
        "id": "Unggah data peserta lebih dulu, atau bersamaan dengan hasil pemantauan.",
        "en": "Upload the participants first, or together with the follow-ups.",
    },
    "check_not_enrolled": {"id": "Tidak ada peserta {code} tahun {year} program {program} di data peserta.",
                           "en": "There is no participant {code} of year {year}, program {program} in the "
                                 "participants table."},
    "check_not_enrolled_do": {
        "id": "Kode peserta, tahun dan program yang sama dengan satu baris di data peserta.",
        "en": "The participant code, year and program of one row of the participants table.",
    },
    "check_enrolled_as": {"id": "tahun {year}, program {program}", "en": "year {year}, program {program}"},
    "check_orphaned": {"id": "{n} hasil pemantauan yang sudah ada tidak cocok dengan peserta di berkas ini.",
                       "en": "{n} follow-ups already in use match no participant in these files."},
    "check_orphaned_do": {
        "id": "Setiap hasil pemantauan merujuk ke satu pendaftaran di data peserta; unggah juga hasil pemantauan "
              "yang sesuai.",
        "en": "Every follow-up refers to one enrollment in the participants table; upload the matching follow-ups "
              "too.",
    },
    "check_overspent": {"id": "Realisasi Rp {realised} melebihi pagu Rp {allocated}.",
                        "en": "Realised Rp {realised} is above the allocation of Rp {allocated}."},
    "check_overspent_do": {"id": "Diterima; periksa kembali bila realisasi memang melebihi pagu.",
                           "en": "Accepted; check again whether the realised amount really is above the allocation."},
    "check_twice_targeted": {
        "id": "Target ganda: tahun {year}, {indicator}, {place}, {program} juga ada di baris {rows}.",
        "en": "Target twice: year {year}, {indicator}, {place}, {program} is also in row {rows}.",
    },
    "check_twice_targeted_do": {"id": "Satu target per tahun, indikator, desa dan program; hapus salah satu barisnya.",
                                "en": "One target per year, indicator, village and program; remove one of the rows."},
    "check_target_village": {"id": "desa {village}", "en": "village {village}"},
    "check_target_whole_area": {"id": "seluruh wilayah", "en": "the whole area"},
    "check_target_program": {"id": "program {program}", "en": "program {program}"},
    "check_target_every_program": {"id": "semua program", "en": "every program"},
    "check_target_above_100": {
        "id": "Target {value}% untuk {indicator} di atas 100%: tingkat ditulis dalam persen, dari 0 sampai 100.",
        "en": "The target {value}% for {indicator} is above 100%: a rate is written in percent, from 0 to 100.",
    },
    "check_target_above_100_do": {"id": "Persen dari 0 sampai 100, misalnya 80, 80% atau 80,5.",
                                  "en": "A percentage from 0 to 100, e.g. 80, 80% or 80.5."},
    "check_target_fraction_people": {
        "id": "Target {indicator} {value} bukan bilangan bulat: target ini jumlah orang.",
        "en": "The target {value} for {indicator} is not a whole number: this target counts people.",
    },
    "check_target_fraction_people_do": {"id": "Jumlah orang, bilangan bulat 0 atau lebih, misalnya 100.",
                                        "en": "A number of people, a whole number of 0 or more, e.g. 100."},
    "check_target_cents": {"id": "Target {indicator} {value} berdesimal: target ini rupiah tanpa sen.",
                           "en": "The target {value} for {indicator} has decimals: this target is rupiah without "
                                 "cents."},
    "check_target_cents_do": {"id": "Rupiah tanpa desimal, misalnya 5000000 atau Rp 5.000.000.",
                              "en": "Rupiah without decimals, e.g. 5000000 or Rp 5.000.000."},
    "check_target_tiny_rate": {
        "id": "Target {value}% untuk {indicator} sangat kecil; tingkat ditulis dalam persen (80 berarti 80%), bukan "
              "pecahan.",
        "en": "The target {value}% for {indicator} is very small; a rate is written in percent (80 means 80%), not "
              "as a fraction.",
    },
    "check_target_tiny_rate_do": {"id": "Diterima; bila yang dimaksud pecahan (0,8 untuk 80%), tulis persennya.",
                                  "en": "Accepted; if a fraction was meant (0.8 for 80%), write its percentage."},
    # --- an import as a whole (lib.importer)
    "import_no_tables": {"id": "Tidak ada tabel peserta, hasil pemantauan, anggaran atau target di berkas ini.",
                         "en": "There is no participants, follow-ups, budget or targets table in these files."},
    "import_no_tables_do": {"id": "Berkas CSV atau XLSX dengan baris judul kolom salah satu tabel (lihat templat).",
                            "en": "A CSV or XLSX file with the header row of one of the tables (see the templates)."},
    "import_empty_table": {"id": "Versi baru tidak akan berisi baris {table}. Sampai tabel itu diimpor, {effect}.",
                           "en": "The new version will hold no {table} rows. Until that table is imported, {effect}."},
    "import_empty_table_do": {"id": "Unggah juga berkas {table} (lihat templat), sekarang atau nanti.",
                              "en": "Upload a {table} file too (see the templates), now or later."},
    "import_empty_effect_participants": {
        "id": "dasbor tidak menampilkan angka peserta, hasil, maupun biaya per peserta",
        "en": "the dashboard shows no figures of participants, of outcomes or of cost per participant",
    },
    "import_empty_effect_outcomes": {
        "id": "angka hasil pemantauan (bekerja, kembali ke lokalisasi, pendapatan) kosong",
        "en": "the follow-up figures (working, back in sex work, income) are empty",
    },
    "import_empty_effect_budget": {
        "id": "halaman Anggaran kosong, pagu dan realisasi tampil Rp 0, biaya per peserta tidak ada",
        "en": "the Budget page is empty, allocated and realised read Rp 0, and there is no cost per participant",
    },
    # --- the templates to fill in (lib.templates)
    "template_file": {"id": "templat_{table}.{extension}", "en": "template_{table}.{extension}"},
    "template_choices_sheet": {"id": "Pilihan", "en": "Choices"},
    "template_choices_of": {"id": "Pilihan {column}", "en": "Choices for {column}"},
    "template_author": {"id": "Dasbor", "en": "Dashboard"},
    "template_hint": {"id": "{need}; {kind}.", "en": "{need}; {kind}."},
    "template_required": {"id": "Wajib diisi", "en": "Required"},
    "template_optional": {"id": "Boleh kosong", "en": "May be empty"},
    "template_kind_text": {"id": "teks", "en": "text"},
    "template_kind_int": {"id": "bilangan bulat", "en": "a whole number"},
    "template_kind_rupiah": {"id": "rupiah, bilangan bulat tanpa desimal (125000000 atau 125.000.000)",
                             "en": "rupiah, a whole number without decimals (125000000 or 125.000.000)"},
    "template_kind_date": {"id": "tanggal (2024-03-31 atau 31/03/2024)", "en": "a date (2024-03-31 or 31/03/2024)"},
    "template_kind_number": {
        "id": "angka dalam satuan indikatornya: jumlah orang (100), persen (80 berarti 80%) atau rupiah",
        "en": "a number in its indicator's unit: people (100), percent (80 means 80%) or rupiah",
    },
    "template_pick": {"id": "Pilih dari daftar (lembar {sheet}).", "en": "Choose from the list (sheet {sheet})."},
    "template_code": {"id": "Kode samaran, bukan nama atau NIK.", "en": "A pseudonymous code, not a name or a NIK."},
    "template_unknown_value": {"id": "Nilai tidak dikenal", "en": "Unknown value"},
    "template_choose": {"id": "Pilih salah satu nilai {column} dari daftar (lembar {sheet}).",
                        "en": "Choose one of the values of {column} from the list (sheet {sheet})."},
}
# The command-line tools' help and messages (``python -m lib.accounts``, ``lib.importer``, ``lib.backend``,
# ``lib.demo``, ``lib.report``), in the language of ``--lang`` (``command_language``).
COMMAND_LINE: dict[str, dict[str, str]] = {
    "cli_lang": {
        "id": "bahasa bantuan dan pesan: id atau en (bawaan: en bila LC_ALL, LC_MESSAGES atau LANG diawali en, "
              "selain itu id)",
        "en": "the language of the help and messages: id or en (default: en when LC_ALL, LC_MESSAGES or LANG "
              "starts with en, id otherwise)",
    },
    "cli_failed": {"id": "Gagal: {error}", "en": "Failed: {error}"},
    # python -m lib.accounts
    "accounts_cli": {"id": "Kelola akun dasbor.", "en": "Manage the dashboard's accounts."},
    "accounts_cli_db": {"id": "berkas akun (bawaan: folder data/accounts.sqlite3)",
                        "en": "the accounts file (default: accounts.sqlite3 in the data folder)"},
    "accounts_cli_audit": {"id": "berkas log audit (bawaan: folder data/audit.sqlite3)",
                           "en": "the audit log file (default: audit.sqlite3 in the data folder)"},
    "accounts_cli_reference": {"id": "data acuan untuk memeriksa nama desa",
                               "en": "the reference data the village names are checked against"},
    "accounts_cli_actor": {"id": "nama yang dicatat di log audit (bawaan: cli)",
                           "en": "the name the audit log records (default: cli)"},
    "accounts_cli_add": {"id": "buat akun", "en": "create an account"},
    "accounts_cli_village": {"id": "batasi viewer ke desa ini (boleh berulang)",
                             "en": "limit a viewer to this village (may be repeated)"},
    "accounts_cli_password_stdin": {"id": "baca kata sandi dari stdin", "en": "read the password from stdin"},
    "accounts_cli_list": {"id": "daftar akun", "en": "list the accounts"},
    "accounts_cli_remove": {"id": "hapus akun", "en": "delete an account"},
    "accounts_cli_set_password": {"id": "ganti kata sandi", "en": "change a password"},
    "accounts_cli_set_villages": {"id": "ganti batas desa (tanpa desa = semua desa)",
                                  "en": "change the village limit (no village: every village)"},
    "accounts_cli_unlock": {"id": "buka akun yang terkunci", "en": "unlock a locked account"},
    "accounts_cli_new_password": {"id": "Kata sandi baru: ", "en": "New password: "},
    "accounts_cli_repeat_password": {"id": "Ulangi kata sandi: ", "en": "The new password again: "},
    "accounts_cli_every_village": {"id": "semua desa", "en": "every village"},
    "accounts_cli_locked": {"id": "terkunci sampai {moment} UTC", "en": "locked until {moment} UTC"},
    "accounts_cli_created": {"id": "Akun dibuat: {account}", "en": "Account created: {account}"},
    "accounts_cli_removed": {"id": "Akun {name} dihapus.", "en": "Account {name} deleted."},
    "accounts_cli_password_set": {"id": "Kata sandi {name} diganti.", "en": "The password of {name} was changed."},
    "accounts_cli_villages_set": {"id": "Batas desa diganti: {account}", "en": "Village limit changed: {account}"},
    "accounts_cli_unlocked": {"id": "Akun {name} dibuka.", "en": "Account {name} unlocked."},
    # python -m lib.importer
    "importer_cli": {
        "id": "Periksa dan impor berkas data (CSV/XLSX) sebagai versi baru, lihat daftar versi, atau kembalikan "
              "versi lama.",
        "en": "Check data files (CSV/XLSX) and import them as a new version, list the versions, or go back to an "
              "earlier version.",
    },
    "importer_cli_exit": {
        "id": "Kode keluar: 0 selesai, 1 berkas bermasalah, 2 salah pemakaian, 3 data sedang/baru diperbarui orang "
              "lain (coba lagi), 4 penyimpanan gagal.",
        "en": "Exit codes: 0 done, 1 problems in the files, 2 wrong use, 3 the data is being or was just updated by "
              "someone else (try again), 4 storing failed.",
    },
    "importer_cli_file": {"id": "BERKAS", "en": "FILE"},
    "importer_cli_files": {"id": "berkas CSV atau XLSX yang diimpor", "en": "the CSV or XLSX files to import"},
    "importer_cli_list": {"id": "tampilkan daftar versi", "en": "list the versions"},
    "importer_cli_rollback": {"id": "jadikan versi ID sebagai data yang dipakai", "en": "make version ID the data in use"},
    "importer_cli_yes": {"id": "simpan tanpa bertanya", "en": "store without asking"},
    "importer_cli_store": {
        "id": "folder penyimpanan versi (bawaan: basis data DASBOR_DATABASE_URL bila diisi, jika tidak folder "
              "data/store)",
        "en": "the folder the versions are stored in (default: the DASBOR_DATABASE_URL database when it is set, "
              "otherwise store in the data folder)",
    },
    "importer_cli_author": {"id": "nama pengimpor (bawaan: pengguna sistem)",
                            "en": "who imports (default: the system user)"},
    "importer_cli_note": {"id": "catatan untuk versi baru", "en": "a note for the new version"},
    "importer_cli_problems_out": {"id": "tulis daftar masalah ke berkas CSV ini",
                                  "en": "write the list of problems to this CSV file"},
    "importer_cli_reference": {"id": "berkas data acuan (bawaan: folder data/reference.toml)",
                               "en": "the reference data file (default: reference.toml in the data folder)"},
    "importer_cli_audit": {
        "id": "berkas log audit (bawaan: basis data DASBOR_DATABASE_URL bila diisi, jika tidak folder "
              "data/audit.sqlite3)",
        "en": "the audit log file (default: the DASBOR_DATABASE_URL database when it is set, otherwise "
              "audit.sqlite3 in the data folder)",
    },
    "importer_cli_not_both": {"id": "--list dan --rollback tidak dipakai bersama nama berkas.",
                              "en": "--list and --rollback are not used together with file names."},
    "importer_cli_nothing": {"id": "sebutkan berkas yang diimpor, atau --list, atau --rollback ID.",
                             "en": "name the files to import, or --list, or --rollback ID."},
    "importer_cli_changes": {"id": "Perubahan per tabel:", "en": "Changes per table:"},
    "importer_cli_totals": {"id": "Jumlah sebelum dan sesudah:", "en": "Totals before and after:"},
    "importer_cli_no_versions": {"id": "Belum ada versi: data belum pernah diimpor.",
                                 "en": "No versions yet: no data has been imported."},
    "importer_cli_in_use": {"id": "Data yang dipakai sekarang: {version}.", "en": "Data in use now: {version}."},
    "importer_cli_not_found": {"id": "Berkas {name} tidak ditemukan.", "en": "The file {name} was not found."},
    "importer_cli_problems_written": {"id": "Daftar masalah ditulis ke {path}.",
                                      "en": "The list of problems was written to {path}."},
    "importer_cli_problems": {"id": "Masalah yang ditemukan:", "en": "Problems found:"},
    "importer_cli_errors": {
        "id": "{n} kesalahan: perbaiki berkasnya lalu impor lagi. Data yang dipakai tidak berubah.",
        "en": "{n} errors: fix the files, then import them again. The data in use has not changed.",
    },
    "importer_cli_ask": {"id": "Simpan sebagai versi baru? [y/T] ", "en": "Store as a new version? [y/N] "},
    "importer_cli_no_answer": {
        "id": "Tidak ada jawaban; pakai --yes untuk menyimpan tanpa bertanya. Tidak ada yang berubah.",
        "en": "No answer; use --yes to store without asking. Nothing has changed.",
    },
    "importer_cli_cancelled": {"id": "Dibatalkan. Tidak ada yang berubah.", "en": "Cancelled. Nothing has changed."},
    "importer_cli_stored": {"id": "Tersimpan: {version} sekarang dipakai.", "en": "Stored: {version} is in use now."},
    # python -m lib.backend
    "backend_cli": {"id": "Basis data PostgreSQL bersama (DASBOR_DATABASE_URL).",
                    "en": "The shared PostgreSQL database (DASBOR_DATABASE_URL)."},
    "backend_cli_epilog": {
        "id": "Jalankan dengan URL pemilik basis data; dasbor sendiri sebaiknya masuk sebagai peran --app-role.",
        "en": "Run it with the database owner's URL; the dashboard itself should connect as the --app-role role.",
    },
    "backend_cli_init": {"id": "init: buat semua tabel", "en": "init: create every table"},
    "backend_cli_role": {"id": "PERAN", "en": "ROLE"},
    "backend_cli_app_role": {"id": "beri peran ini hak secukupnya: baca dan tambah, tanpa mengubah log audit",
                             "en": "give this role the rights it needs: read and add, never change the audit log"},
    "backend_cli_no_url": {"id": "DASBOR_DATABASE_URL tidak diisi: dasbor memakai berkas di folder data.",
                           "en": "DASBOR_DATABASE_URL is not set: the dashboard uses files in the data folder."},
    "backend_cli_ready": {"id": "Tabel siap di {url}.", "en": "The tables are ready at {url}."},
    "backend_cli_ready_role": {"id": "Tabel siap di {url}; peran {role} diberi hak.",
                               "en": "The tables are ready at {url}; the role {role} was given its rights."},
    # python -m lib.demo
    "demo_cli": {"id": "Tulis ulang data demo sintetis (participants, outcomes, budget, targets).",
                 "en": "Write the synthetic demo data again (participants, outcomes, budget, targets)."},
    "demo_cli_out": {"id": "folder tujuan (bawaan: {folder})", "en": "the folder written to (default: {folder})"},
    "demo_cli_enrollments": {"id": "jumlah baris peserta (bawaan: ukuran Kediri); untuk uji beban",
                             "en": "the number of participant rows (default: Kediri's size); for load tests"},
    "demo_cli_seed": {"id": "benih acak (bawaan: {seed})", "en": "the random seed (default: {seed})"},
    "demo_cli_done": {"id": "{folder}: {sizes} (dibuat {made} dtk, ditulis {written} dtk)",
                      "en": "{folder}: {sizes} (made in {made} s, written in {written} s)"},
    # python -m lib.report
    "report_cli": {
        "id": "Laporan PDF dari angka yang dipublikasikan dasbor, pada data yang dipakai (DASBOR_DATA_DIR).",
        "en": "A PDF report of the figures the dashboard publishes, on the data in use (DASBOR_DATA_DIR).",
    },
    "report_cli_out": {"id": "berkas PDF yang ditulis, mis. laporan.pdf", "en": "the PDF file written, e.g. report.pdf"},
    "report_cli_choice": {"id": "PILIHAN", "en": "CHOICE"},
    "report_cli_filter": {"id": "{filter}: satu nilai atau satu kelompok bernama (kosong: semua)",
                          "en": "{filter}: one value or one named group (empty: all)"},
    "report_cli_lang": {
        "id": "bahasa laporan, bantuan dan pesan: id atau en (bawaan: en bila LC_ALL, LC_MESSAGES atau LANG "
              "diawali en, selain itu id)",
        "en": "the language of the report, the help and the messages: id or en (default: en when LC_ALL, "
              "LC_MESSAGES or LANG starts with en, id otherwise)",
    },
    "report_cli_department": {"id": "nama dinas di sampul, mis. \"Dinas Sosial Kabupaten Kediri\"",
                              "en": "the department named on the cover, e.g. \"Dinas Sosial Kabupaten Kediri\""},
    "report_cli_unusable": {"id": "Data atau pengaturan tidak dapat dipakai: {error}",
                            "en": "The data or the settings cannot be used: {error}"},
    "report_cli_not_a_choice": {
        "id": "--{param}: {asked} bukan satu nilai atau satu kelompok bernama {filter}. Pilihan: {choices}.",
        "en": "--{param}: {asked} is not one value or one named group of {filter}. Choices: {choices}.",
    },
}
MESSAGES.update(COMMAND_LINE)
# A data folder read by ``lib.loading.load_folder``, and the one line that sums up data refused or accepted.
MESSAGES.update({
    "load_no_folder": {"id": "Folder data tidak ditemukan.", "en": "The data folder was not found."},
    "load_no_folder_do": {"id": "Folder berisi participants, outcomes dan budget (.csv atau .xlsx).",
                          "en": "A folder holding participants, outcomes and budget (.csv or .xlsx)."},
    "load_no_table": {"id": "Tabel {label} ({table}) tidak ditemukan di folder.",
                      "en": "The {label} table ({table}) is not in the folder."},
    "load_no_table_do": {"id": "Berkas {table}.csv atau {table}.xlsx dengan judul kolom tabel {label}.",
                         "en": "A file {table}.csv or {table}.xlsx with the column headers of the {label} table."},
    "load_errors": {"id": "{n} kesalahan", "en": "{n} errors"},
    "load_errors_one": {"id": "{n} kesalahan", "en": "{n} error"},
    "load_warnings": {"id": "{n} peringatan", "en": "{n} warnings"},
    "load_warnings_one": {"id": "{n} peringatan", "en": "{n} warning"},
    "load_errors_and_warnings": {"id": "{errors} dan {warnings}", "en": "{errors} and {warnings}"},
    "load_row": {"id": "baris {row}", "en": "row {row}"},
    "load_accepted": {"id": "Data diterima dengan {counts}.", "en": "Data accepted with {counts}."},
    "load_refused": {"id": "Data ditolak: {counts}. Pertama: {place}: {problem}",
                     "en": "Data refused: {counts}. First: {place}: {problem}"},
})
# The placeholder of a selectbox the app gives no other, read while the reader types to search its list.
MESSAGES.update({"choose_one": {"id": "— pilih —", "en": "— choose —"}})
TEXTS.update(MESSAGES)  # one lookup for ``text``: a message is an interface string too


# Measure kinds, as the guide names them.
KIND_LABELS: dict[str, dict[str, str]] = {
    "count": {"id": "jumlah orang", "en": "count of people"},
    "rate": {"id": "persentase", "en": "percentage"},
    "median": {"id": "median (rupiah)", "en": "median (rupiah)"},
    "money": {"id": "rupiah", "en": "rupiah"},
    "money_rate": {"id": "persentase anggaran", "en": "budget percentage"},
    "money_per_person": {"id": "rupiah per orang", "en": "rupiah per person"},
}

# Column types of the data contract, as the guide names them.
TYPE_LABELS: dict[str, dict[str, str]] = {
    "text": {"id": "teks", "en": "text"},
    "int": {"id": "bilangan bulat", "en": "integer"},
    "rupiah": {"id": "rupiah", "en": "rupiah"},
    "date": {"id": "tanggal", "en": "date"},
    "number": {"id": "angka", "en": "number"},
}

# The audit log's actions, as the Audit page names them.
AUDIT_ACTIONS: dict[str, dict[str, str]] = {
    "login": {"id": "Masuk", "en": "Sign-in"},
    "login_failed": {"id": "Gagal masuk", "en": "Failed sign-in"},
    "logout": {"id": "Keluar", "en": "Sign-out"},
    "download": {"id": "Unduh", "en": "Download"},
    "import": {"id": "Impor data", "en": "Data import"},
    "rollback": {"id": "Kembali ke versi lama", "en": "Back to an earlier version"},
    "export": {"id": "Ekspor", "en": "Export"},
    "backup": {"id": "Cadangan", "en": "Backup"},
    "restore": {"id": "Pemulihan", "en": "Restore"},
    "settings_change": {"id": "Ubah pengaturan", "en": "Settings change"},
    "account_create": {"id": "Buat akun", "en": "Account created"},
    "account_update": {"id": "Ubah akun", "en": "Account changed"},
    "account_delete": {"id": "Hapus akun", "en": "Account deleted"},
}

# English readings of the words lib writes for the administration pages in Indonesian (tables of an import,
# its preview and problem list, the audit log's columns); Indonesian shows the word itself.
ADMIN_WORDS_EN: dict[str, str] = {
    "peserta": "participants",
    "hasil pemantauan": "follow-ups",
    "hasil": "outcomes",
    "anggaran": "budget",
    "target": "targets",
    "diganti": "replaced",
    "tetap": "kept",
    "Pendaftaran pelatihan": "Training enrollments",
    "Peserta (orang)": "Participants (people)",
    "Pemantauan hasil": "Follow-ups",
    "Pagu anggaran": "Budget allocated",
    "Realisasi anggaran": "Budget realised",
    "jenis": "severity",
    "berkas": "file",
    "lembar": "sheet",
    "tabel": "table",
    "baris": "row",
    "kolom": "column",
    "nilai": "value",
    "masalah": "problem",
    "yang diterima": "accepted",
    "saran": "suggestion",
    "kesalahan": "error",
    "peringatan": "warning",
    "tindakan": "action",
    "baris sebelum": "rows before",
    "baris sesudah": "rows after",
    "ditambah": "added",
    "diubah": "changed",
    "dihapus": "removed",
    "ukuran": "measure",
    "sebelum": "before",
    "sesudah": "after",
    "versi": "version",
    "dibuat": "created",
    "oleh": "by",
    "catatan": "note",
    "induk": "parent",
    "dipakai": "in use",
    "Waktu (UTC)": "Time (UTC)",
    "Pengguna": "User",
    "Aksi": "Action",
    "Rincian": "Details",
}


# English readings of the words the audit log itself records in Indonesian (a refusal's reason, a sign-in's method,
# the anonymous actor, the Data and Audit pages' own filter names); the Audit page shows them in English mode.
AUDIT_WORDS_EN: dict[str, str] = {
    "anonim": "anonymous",
    "salah": "wrong",
    "terkunci": "locked",
    "tidak terdaftar": "not registered",
    "sandi": "password",
    "Semua": "All",
    "Semua data": "All data",
    "tanggal": "dates",
    "pengguna": "user",
    "aksi": "action",
    "berkas": "files",
}

# English readings of the data's vocabulary; Indonesian shows the value itself.
VALUE_LABELS_EN: dict[str, str] = {
    "Bekerja": "Employed",
    "Usaha Mandiri": "Own business",
    "Magang": "Internship",
    "Kembali ke Daerah Asal": "Returned home",
    "Belum Bekerja": "Not working",
    "Kembali Beroperasi": "Back in sex work",
    "Tidak Diketahui": "Unknown",
    "Tidak teratribusi": "Unattributed",
    # budget categories
    "Peralatan": "Equipment",
    "Bahan": "Materials",
    "Narasumber": "Instructors",
    "Konsumsi dan Uang Saku": "Meals and allowances",
    "Transportasi": "Transport",
    "Lainnya": "Other",
    "Terdaftar": "Enrolled",
    "Selesai": "Completed",
    "Tidak Selesai": "Dropped out",
    "Berjalan": "Ongoing",
    "Terpantau": "Followed up",
    "Bekerja/usaha": "Working",
    "Lokal": "Local",
    "Pendatang": "Migrant",
    "langsung": "direct",
    "dibagi": "shared",
    "tidak teratribusi": "unattributed",
    "Warga Terdampak": "Affected resident",
    "Pemilik Wisma": "Guesthouse owner",
    "Mucikari": "Pimp",
}


LANGUAGES: dict[str, str] = {"id": "Bahasa Indonesia", "en": "English"}


def language_of(asked: list[str] | tuple[str, ...]) -> tuple[Lang, str | None]:
    """The interface language a link asks for (``?bahasa=en``), and what it asked when that is not a language.

    ``id`` and ``en`` are the link's words; the language names (``English``,
    as older links wrote it) are read too. Nothing asked: Indonesian.
    """
    words = [a.strip() for a in asked if a and a.strip()]
    if not words:
        return "id", None
    wanted = words[-1].casefold()
    for code, name in LANGUAGES.items():
        if wanted in (code, name.casefold()):
            return code, None  # type: ignore[return-value]
    return "id", words[-1]


def environment_language(environ: Mapping[str, str] | None = None) -> Lang:
    """The language a command line speaks unless told: English where the user's locale is English (the first
    of LC_ALL, LC_MESSAGES, LANG that is set starts with ``en``), else Indonesian, as the dashboard."""
    environ = os.environ if environ is None else environ
    locale = next((environ[name] for name in ("LC_ALL", "LC_MESSAGES", "LANG") if environ.get(name)), "")
    return "en" if locale.casefold().startswith("en") else "id"


def command_language(argv: Sequence[str] | None = None, option: Sequence[str] = ("--lang",)) -> Lang:
    """The language a command line is asked for (``--lang en``), else ``environment_language``; read before its
    parser is made, so that ``--help`` speaks it too. A value that is no language is left to the parser to refuse."""
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument(*option, dest="lang")
    asked = early.parse_known_args(argv)[0].lang
    return asked if asked in LANGUAGES else environment_language()  # type: ignore[return-value]


def add_language_option(parser: argparse.ArgumentParser, lang: Lang, *names: str, key: str = "cli_lang") -> None:
    """``--lang id|en`` on ``parser``, its default the language ``command_language`` found."""
    parser.add_argument(*(names or ("--lang",)), dest="lang", choices=tuple(LANGUAGES), default=lang,
                        help=text(key, lang))


def text(key: str, lang: Lang | str = "id", **values: object) -> str:
    """The interface string ``key`` in ``lang`` with ``{placeholders}`` filled in."""
    words = TEXTS[key]
    template = words.get(lang) or words["id"]
    return template.format(**values) if values else template


def value_label(value: object, lang: Lang | str = "id") -> str:
    """A data value as the reader sees it: itself in Indonesian, its English reading in English."""
    shown = str(value)
    return VALUE_LABELS_EN.get(shown, shown) if lang == "en" else shown


def audit_action_label(action: str, lang: Lang | str = "id") -> str:
    """An audit action code (``login``) as the Audit page names it in ``lang``; an unknown code as itself."""
    words = AUDIT_ACTIONS.get(action)
    return (words.get(lang) or words["id"]) if words else action


def audit_word(word: object, lang: Lang | str = "id") -> str:
    """A word the audit log records (``salah``, ``anonim``), in ``lang``; any other word as itself."""
    shown = str(word)
    return AUDIT_WORDS_EN.get(shown, shown) if lang == "en" else shown


def admin_word(word: object, lang: Lang | str = "id") -> str:
    """A word lib writes for the administration pages (``peserta``, ``diganti``), in ``lang``."""
    shown = str(word)
    return ADMIN_WORDS_EN.get(shown, shown) if lang == "en" else shown


def kind_label(kind: str, lang: Lang | str = "id") -> str:
    """The guide's name of a measure kind."""
    return KIND_LABELS[kind].get(lang, KIND_LABELS[kind]["id"])


# --- the guide's tables, written from the registries -------------------------------
def glossary(lang: Lang | str = "id") -> pd.DataFrame:
    """Figure, kind, meaning: one row per measure of ``lib.measures``, in ``lang``."""
    import pandas as pd

    rows = [
        (m.label_en if lang == "en" else m.label_id, kind_label(m.kind, lang), m.help_en if lang == "en" else m.help_id)
        for m in MEASURES
    ]
    return pd.DataFrame(rows, columns=[text("guide_figure", lang), text("guide_kind", lang), text("guide_meaning", lang)])


def contract_table(table: TableName, reference: Reference, lang: Lang | str = "id") -> pd.DataFrame:
    """Column, Indonesian name, type, required, accepted values: the data contract of ``table`` in ``lang``."""
    import pandas as pd

    from lib.schema import column_specs

    rows = []
    for spec in column_specs(table):
        allowed = ", ".join(reference.vocabulary(spec.vocab)) if spec.vocab else "—"
        rows.append((
            spec.name, spec.alias, TYPE_LABELS[spec.kind].get(lang, TYPE_LABELS[spec.kind]["id"]),
            text("yes" if spec.required else "no", lang), allowed,
        ))
    columns = [text(k, lang) for k in ("guide_column", "guide_alias", "guide_type", "guide_required", "guide_allowed")]
    return pd.DataFrame(rows, columns=columns)


# argparse's own words (its gettext messages), for a command line that speaks Indonesian.
ARGPARSE_ID = {
    "usage: ": "cara pakai: ",
    "positional arguments": "argumen",
    "options": "pilihan",
    "show this help message and exit": "tampilkan bantuan ini lalu keluar",
    "%(prog)s: error: %(message)s\n": "%(prog)s: galat: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "argumen %(argument_name)s: %(message)s",
    "unrecognized arguments: %s": "argumen tidak dikenal: %s",
    "the following arguments are required: %s": "argumen ini wajib diisi: %s",
    "one of the arguments %s is required": "salah satu argumen %s wajib diisi",
    "not allowed with argument %s": "tidak boleh bersama argumen %s",
    "ignored explicit argument %r": "argumen %r diabaikan",
    "expected one argument": "perlu satu nilai",
    "expected at most one argument": "perlu paling banyak satu nilai",
    "expected at least one argument": "perlu paling sedikit satu nilai",
    "ambiguous option: %(option)s could match %(matches)s": "pilihan %(option)s tidak jelas, bisa berarti %(matches)s",
    "unexpected option string: %s": "pilihan tak terduga: %s",
    "invalid %(type)s value: %(value)r": "nilai %(type)s tidak sah: %(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": "pilihan tidak sah: %(value)r (pilih dari %(choices)s)",
}
_ARGPARSE_ID_PLURAL = {"expected %s argument": "perlu %s nilai"}


class _Indonesian(argparse.ArgumentParser):
    """An ArgumentParser whose own words (usage, options, help, errors) are Indonesian: argparse looks its
    messages up through the module's ``_``/``ngettext`` while it builds, formats and parses, so each of those
    runs with Indonesian ones in place and the module's own put back after."""

    @staticmethod
    @contextlib.contextmanager
    def _words():
        saved = argparse._, argparse.ngettext
        argparse._ = lambda message: ARGPARSE_ID.get(message, message)
        argparse.ngettext = lambda one, many, n: _ARGPARSE_ID_PLURAL.get(one, one if n == 1 else many)
        try:
            yield
        finally:
            argparse._, argparse.ngettext = saved

    def __init__(self, *args, **kwargs):
        with self._words():
            super().__init__(*args, **kwargs)

    def add_argument(self, *args, **kwargs):
        with self._words():
            return super().add_argument(*args, **kwargs)

    def parse_args(self, *args, **kwargs):
        with self._words():
            return super().parse_args(*args, **kwargs)

    def parse_known_args(self, *args, **kwargs):
        with self._words():
            return super().parse_known_args(*args, **kwargs)

    def format_usage(self):
        with self._words():
            return super().format_usage()

    def format_help(self):
        with self._words():
            return super().format_help()

    def error(self, message):
        with self._words():
            return super().error(message)


def command_parser(lang: Lang, **kwargs) -> argparse.ArgumentParser:
    """``argparse.ArgumentParser(**kwargs)`` for a command line speaking ``lang``: argparse's own words (usage,
    options, errors) in Indonesian unless ``lang`` is English."""
    return argparse.ArgumentParser(**kwargs) if lang == "en" else _Indonesian(**kwargs)
