"""Every figure the dashboard shows: its column name, kind, base and words.

This registry is what suppression reads (which columns are counts of people,
which rates rest on which count) and what the guide page and each figure's help
text are written from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["count", "rate", "median", "money", "money_rate", "money_per_person"]


@dataclass(frozen=True)
class Measure:
    name: str            # column name in every indicator table
    kind: Kind
    label_id: str
    label_en: str
    help_id: str
    help_en: str
    base: str | None = None       # the count of people a rate / median / per-person figure rests on
    numerator: str | None = None  # the count of people a rate is made of (for its complement)


def _m(*args, **kwargs) -> Measure:
    return Measure(*args, **kwargs)


MEASURES: tuple[Measure, ...] = (
    # --- participation
    _m("enrollments", "count", "Pendaftaran", "Enrollments",
       "Jumlah baris peserta: satu orang dalam satu pelatihan.",
       "Number of participant rows: one person in one training."),
    _m("participants", "count", "Peserta", "Participants",
       "Jumlah orang berbeda (kode peserta unik).",
       "Number of distinct people (unique participant codes)."),
    _m("completed", "count", "Selesai", "Completed",
       "Pendaftaran berstatus Selesai.", "Enrollments with status Selesai."),
    _m("completion_base", "count", "Selesai atau tidak selesai", "Completed or dropped out",
       "Pendaftaran berstatus Selesai atau Tidak Selesai (yang masih berjalan tidak dihitung).",
       "Enrollments with status Selesai or Tidak Selesai (ongoing ones left out)."),
    _m("completion_rate", "rate", "Tingkat kelulusan", "Completion rate",
       "Selesai dibagi (Selesai + Tidak Selesai); pelatihan yang masih berjalan tidak dihitung.",
       "Completed divided by (completed + dropped out); ongoing trainings are left out.",
       base="completion_base", numerator="completed"),
    _m("origin_known", "count", "Daerah asal diketahui", "Origin known",
       "Pendaftaran yang kabupaten/kota asalnya diketahui.",
       "Enrollments whose origin regency is known."),
    _m("migrants", "count", "Pendatang", "Migrants",
       "Pendaftaran yang kabupaten/kota asalnya diketahui dan berbeda dari kabupaten/kota lokasi pelatihan.",
       "Enrollments whose known origin regency differs from the regency or city of the site."),
    _m("migrant_share", "rate", "Porsi pendatang", "Migrant share",
       "Pendatang dibagi pendaftaran yang daerah asalnya diketahui.",
       "Migrants divided by enrollments whose origin is known.",
       base="origin_known", numerator="migrants"),
    # --- outcomes
    _m("followed_up", "count", "Terpantau", "Followed up",
       "Pendaftaran yang hasil pemantauan terakhirnya bukan Tidak Diketahui.",
       "Enrollments whose latest follow-up is not Tidak Diketahui."),
    _m("working", "count", "Bekerja atau usaha mandiri", "Working or own business",
       "Pendaftaran terpantau yang hasil terakhirnya Bekerja atau Usaha Mandiri.",
       "Followed-up enrollments whose latest outcome is Employed or Own business."),
    _m("working_rate", "rate", "Tingkat bekerja", "Working rate",
       "Bekerja atau Usaha Mandiri dibagi pendaftaran terpantau.",
       "Working or own business divided by followed-up enrollments.",
       base="followed_up", numerator="working"),
    _m("relapsed", "count", "Kembali beroperasi", "Back in sex work",
       "Pendaftaran terpantau yang hasil terakhirnya Kembali Beroperasi.",
       "Followed-up enrollments whose latest outcome is Back in sex work."),
    _m("relapse_rate", "rate", "Tingkat kembali beroperasi", "Relapse rate",
       "Kembali Beroperasi dibagi pendaftaran terpantau.",
       "Back in sex work divided by followed-up enrollments.",
       base="followed_up", numerator="relapsed"),
    _m("returned_home", "count", "Kembali ke daerah asal", "Returned home",
       "Pendaftaran terpantau yang hasil terakhirnya Kembali ke Daerah Asal.",
       "Followed-up enrollments whose latest outcome is Returned home."),
    _m("income_reported", "count", "Penghasilan tercatat", "Income reported",
       "Hasil terakhir Bekerja atau Usaha Mandiri yang mencatat penghasilan.",
       "Latest outcomes Employed or Own business that report an income."),
    _m("median_income", "median", "Median penghasilan bulanan", "Median monthly income",
       "Nilai tengah penghasilan bulanan dari hasil terakhir Bekerja atau Usaha Mandiri yang mencatat penghasilan.",
       "Median monthly income of the latest outcomes Employed or Own business that report one.",
       base="income_reported"),
    _m("outcome_count", "count", "Jumlah", "Count",
       "Pendaftaran dengan hasil terakhir ini.", "Enrollments with this latest outcome."),
    _m("outcome_total", "count", "Pendaftaran dengan hasil", "Enrollments with an outcome",
       "Pendaftaran terpilih yang punya hasil pemantauan.",
       "Selected enrollments that have a follow-up."),
    _m("outcome_share", "rate", "Porsi hasil", "Outcome share",
       "Porsi setiap hasil di antara hasil terakhir pendaftaran terpilih.",
       "Each outcome's share of the latest outcomes of the selected enrollments.",
       base="outcome_total", numerator="outcome_count"),
    # --- budget
    _m("allocated_idr", "money", "Pagu", "Allocated",
       "Jumlah pagu anggaran.", "Sum of budget allocations."),
    _m("realized_idr", "money", "Realisasi", "Realised",
       "Jumlah realisasi anggaran.", "Sum of amounts actually spent."),
    _m("absorption_rate", "money_rate", "Daya serap", "Absorption rate",
       "Realisasi dibagi pagu; kosong bila pagu 0.", "Realised divided by allocated; none when allocated is 0."),
    _m("cost_per_participant", "money_per_person", "Biaya per peserta", "Cost per participant",
       "Realisasi dibagi jumlah peserta pada filter yang sama.",
       "Realised divided by participants, over the same filter.",
       base="participants"),
    _m("cost_per_working", "money_per_person", "Biaya per peserta bekerja", "Cost per working participant",
       "Realisasi dibagi pendaftaran terpantau yang bekerja atau usaha mandiri, pada filter yang sama.",
       "Realised divided by followed-up enrollments working, over the same filter.",
       base="working"),
)

BY_NAME: dict[str, Measure] = {m.name: m for m in MEASURES}
COUNTS = tuple(m.name for m in MEASURES if m.kind == "count")


def measure(name: str) -> Measure:
    """The registry entry of column ``name``."""
    return BY_NAME[name]


def label(name: str, lang: str = "id") -> str:
    """The user-facing label of a measure or dimension column."""
    if name in BY_NAME:
        m = BY_NAME[name]
        return m.label_id if lang == "id" else m.label_en
    return DIMENSION_LABELS.get(name, {}).get(lang, name)


# Dimensions a figure can be broken down by, with their labels.
DIMENSION_LABELS: dict[str, dict[str, str]] = {
    "village": {"id": "Desa/kelurahan", "en": "Village"},
    "program": {"id": "Program", "en": "Program"},
    "organizer": {"id": "Penyelenggara", "en": "Organizer"},
    "role": {"id": "Peran", "en": "Role"},
    "origin_regency": {"id": "Kabupaten/kota asal", "en": "Origin regency"},
    "origin_province": {"id": "Provinsi asal", "en": "Origin province"},
    "year": {"id": "Tahun", "en": "Year"},
    "outcome": {"id": "Hasil", "en": "Outcome"},
    "status": {"id": "Status", "en": "Status"},
    "category": {"id": "Kategori", "en": "Category"},
    "funding_source": {"id": "Sumber dana", "en": "Funding source"},
    "item": {"id": "Uraian", "en": "Item"},
    "quantity": {"id": "Jumlah unit", "en": "Quantity"},
    "budget_share": {"id": "Atribusi", "en": "Attribution"},
    "migrant": {"id": "Asal", "en": "Origin"},
    "origin_type": {"id": "Lokal/pendatang", "en": "Local/migrant"},
    "stage": {"id": "Tahap", "en": "Stage"},
    "band": {"id": "Kelompok penghasilan", "en": "Income band"},
}
