"""The interface's words, Indonesian first, with their English.

The names of figures and dimensions live in ``lib.measures``; this module holds
everything else a page says (titles, buttons, notes, empty states) and the
English reading of the data's own vocabulary (outcomes, funnel stages, ...),
which stays Indonesian in the data and in downloads.
"""

from __future__ import annotations

import pandas as pd

from lib.fmt import Lang
from lib.measures import MEASURES
from lib.schema import Reference, TableName, column_specs

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
    "yoy_help": {
        "id": "Perubahan: tahun {latest} dibanding {before}.",
        "en": "Change: {latest} compared with {before}.",
    },
    # --- Ringkasan
    "headline": {"id": "Angka utama", "en": "Headline figures"},
    "headline_caption": {
        "id": "Jumlah atas seluruh tahun terpilih; panah menunjukkan perubahan tahun terakhir dibanding tahun sebelumnya.",
        "en": "Totals over every selected year; the arrow shows the last year's change on the year before.",
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
}

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


def text(key: str, lang: Lang | str = "id", **values: object) -> str:
    """The interface string ``key`` in ``lang`` with ``{placeholders}`` filled in."""
    words = TEXTS[key]
    template = words.get(lang) or words["id"]
    return template.format(**values) if values else template


def value_label(value: object, lang: Lang | str = "id") -> str:
    """A data value as the reader sees it: itself in Indonesian, its English reading in English."""
    shown = str(value)
    return VALUE_LABELS_EN.get(shown, shown) if lang == "en" else shown


def kind_label(kind: str, lang: Lang | str = "id") -> str:
    """The guide's name of a measure kind."""
    return KIND_LABELS[kind].get(lang, KIND_LABELS[kind]["id"])


# --- the guide's tables, written from the registries -------------------------------
def glossary(lang: Lang | str = "id") -> pd.DataFrame:
    """Figure, kind, meaning: one row per measure of ``lib.measures``, in ``lang``."""
    rows = [
        (m.label_en if lang == "en" else m.label_id, kind_label(m.kind, lang), m.help_en if lang == "en" else m.help_id)
        for m in MEASURES
    ]
    return pd.DataFrame(rows, columns=[text("guide_figure", lang), text("guide_kind", lang), text("guide_meaning", lang)])


def contract_table(table: TableName, reference: Reference, lang: Lang | str = "id") -> pd.DataFrame:
    """Column, Indonesian name, type, required, accepted values: the data contract of ``table`` in ``lang``."""
    rows = []
    for spec in column_specs(table):
        allowed = ", ".join(reference.vocabulary(spec.vocab)) if spec.vocab else "—"
        rows.append((
            spec.name, spec.alias, TYPE_LABELS[spec.kind].get(lang, TYPE_LABELS[spec.kind]["id"]),
            text("yes" if spec.required else "no", lang), allowed,
        ))
    columns = [text(k, lang) for k in ("guide_column", "guide_alias", "guide_type", "guide_required", "guide_allowed")]
    return pd.DataFrame(rows, columns=columns)
