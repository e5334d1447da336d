"""The printed report: one PDF of the published figures, for a DPRD budget hearing, the Bupati/Walikota or the province.

``build_report`` makes it from a prepared dataset and the filters (one value,
one named group or everything per filter, as on screen): a cover (title,
department, period and filters, the data version with its date, the date
printed), the headline figures with their change from the previous period,
the main charts of each page drawn exactly as the page draws them, each with
its title, unit, a short reading in words and the table behind it, the budget
with its shared and unattributed parts explained, the privacy rules, and page
numbers. Indonesian, or English.

Every figure comes from ``lib.figures.published`` over
``lib.indicators.indicator_table``, the same step the pages take, so the
report shows the same numbers and hides the same cells as the screen for the
same filters; nothing is computed from a raw table.

Charts are the pages' own Plotly figures (``lib.figures.chart_figure``),
turned into PNG by Kaleido, which drives the Chromium of the machine
(``/usr/bin/chromium``, Debian's package). Drawing them again with the PDF
library's graphics would mean a second drawing of every chart kind, map
included, that could drift from the screen; Kaleido costs about 2.5 s to start
the browser and a few tenths of a second per chart (docs/performance.md).
Without a browser the report is still made, each chart replaced by a sentence
saying so: the table below it holds the same figures.

Command line, on the data in use (``DASBOR_DATA_DIR``: the imported version
if any, else the demo), every filter named as in the URL::

    python -m lib.report --out laporan.pdf --desa Pare --tahun 2022 [--bahasa en] [--dinas "Dinas Sosial ..."]

Each report made there is written to the audit log, like a download.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import getpass
import io
import queue
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import reportlab
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import (
    Image,
    KeepTogether,
    LongTable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from lib import export, fmt, keys, local_time, privacy, settings, targets
from lib import store as data_store
from lib.audit import DOWNLOAD, open_audit
from lib.demo import DEMO_DIR, REGENCIES_FILE, regencies
from lib.figures import (
    Chart,
    FigureSpec,
    MapLayers,
    chart_figure,
    dimensions,
    figures_of,
    metric_text,
    published,
    screen_table,
    shown_measure,
)
from lib.filters import (
    FILTERS,
    YEAR,
    Filters,
    Problem,
    Scope,
    data_years,
    filtered,
    offers,
    parse_query,
    query_of,
)
from lib.indicators import TABLE_READS, indicator_table
from lib.loading import load_folder
from lib.measures import label, measure
from lib.names import Dim, Measure
from lib.names import Table as T
from lib.periods import Comparison, change_text, comparison
from lib.prepare import prepared
from lib.privacy import NOTE_SEPARATOR, Rules
from lib.schema import (
    DEFAULT_REFERENCE_FILE,
    Dataset,
    load_reference,
)
from lib.texts import add_language_option, command_language, command_parser, kind_label, text, value_label

PDF_MIME = "application/pdf"
# Chart images go into the PDF as binary streams: ASCII85 text (reportlab's default, for 7-bit mail)
# makes a report a quarter larger and costs a second of pure-Python encoding per report.
rl_config.useA85 = 0
ROOT = Path(__file__).resolve().parent.parent
BASEMAP_FILE = ROOT / "data" / "basemap_indonesia.csv"

# --- what the report holds: the main figures of each page ------------------------------------------
MONEY = (Measure.ALLOCATED, Measure.REALIZED, Measure.ABSORPTION_RATE)
HEADLINE = (
    Measure.PARTICIPANTS, Measure.ENROLLMENTS, Measure.COMPLETION_RATE, Measure.FOLLOWED_UP, Measure.WORKING_RATE,
    Measure.RELAPSE_RATE, Measure.RETURNED_HOME, Measure.MIGRANT_SHARE, Measure.MEDIAN_INCOME, Measure.ALLOCATED,
    Measure.REALIZED, Measure.ABSORPTION_RATE, Measure.COST_PER_PARTICIPANT, Measure.COST_PER_WORKING,
)


@dataclass(frozen=True)
class Section:
    """One part of the report: a page's title (a ``lib.texts`` key) and its main figures.

    A figure's table lists its breakdown and its ``measures`` (all the table's
    figures when it names none), published as on screen.
    """

    title: str
    figures: tuple[FigureSpec, ...]
    headline: bool = False  # the headline figures with their change from the previous period open it


SECTIONS: tuple[Section, ...] = (
    Section("page_ringkasan", (
        FigureSpec("laporan_tren", "trend", T.SUMMARY, (Dim.YEAR,),
                   (Measure.PARTICIPANTS, Measure.ENROLLMENTS, Measure.COMPLETION_RATE, Measure.WORKING_RATE,
                    Measure.REALIZED), Chart(horizontal=False)),
    ), headline=True),
    Section("page_desa", (
        FigureSpec("laporan_desa", "by_village", T.SUMMARY, (Dim.VILLAGE,),
                   (Measure.PARTICIPANTS, Measure.ENROLLMENTS, Measure.COMPLETION_RATE, Measure.WORKING_RATE,
                    Measure.RELAPSE_RATE, Measure.MIGRANT_SHARE)),
        # As on the page: each village's direct and shared parts, and the unattributed part as its own row.
        FigureSpec("laporan_desa_anggaran", "budget_parts_by_village", T.BUDGET, (Dim.VILLAGE, Dim.BUDGET_SHARE),
                   (Measure.ALLOCATED, Measure.REALIZED), Chart("stacked", part=Dim.BUDGET_SHARE),
                   caption="village_budget_caption"),
        FigureSpec("laporan_desa_biaya", "cost_by_village", T.COST, (Dim.VILLAGE,),
                   (Measure.COST_PER_PARTICIPANT, Measure.COST_PER_WORKING), caption="attribution_caption"),
    )),
    Section("page_program", (
        FigureSpec("laporan_program", "by_program", T.SUMMARY, (Dim.PROGRAM,),
                   (Measure.PARTICIPANTS, Measure.COMPLETION_RATE, Measure.WORKING_RATE, Measure.MEDIAN_INCOME,
                    Measure.REALIZED), Chart(colour_by=Dim.PROGRAM)),
        FigureSpec("laporan_program_hasil", "mix_by_program", T.OUTCOME_MIX, (Dim.PROGRAM,),
                   (Measure.OUTCOME_SHARE, Measure.OUTCOME_COUNT), Chart("stacked", part=Dim.OUTCOME)),
        FigureSpec("laporan_program_biaya", "cost_by_program", T.COST, (Dim.PROGRAM,),
                   (Measure.COST_PER_PARTICIPANT, Measure.COST_PER_WORKING, Measure.PARTICIPANTS, Measure.WORKING,
                    Measure.REALIZED), Chart("grouped")),
        FigureSpec("laporan_penyelenggara", "by_organizer", T.SUMMARY, (Dim.ORGANIZER,),
                   (Measure.PARTICIPANTS, Measure.COMPLETION_RATE, Measure.WORKING_RATE, Measure.REALIZED)),
    )),
    Section("page_asal", (
        FigureSpec("laporan_peta", "origin_map", T.PARTICIPATION, (Dim.ORIGIN_REGENCY,),
                   (Measure.ENROLLMENTS, Measure.PARTICIPANTS), Chart("map"), caption="map_caption"),
        FigureSpec("laporan_provinsi", "by_province", T.PARTICIPATION, (Dim.ORIGIN_PROVINCE,),
                   (Measure.ENROLLMENTS, Measure.PARTICIPANTS), Chart(largest_first=True)),
        FigureSpec("laporan_lokasi", "local_migrant", T.ORIGIN_SPLIT, (Dim.VILLAGE,), (Measure.ENROLLMENTS,),
                   Chart("stacked", part=Dim.ORIGIN_TYPE)),
    )),
    Section("page_anggaran", (
        FigureSpec("laporan_anggaran_tahun", "budget_by_year", T.BUDGET, (Dim.YEAR,), MONEY,
                   Chart("grouped", horizontal=False)),
        FigureSpec("laporan_anggaran_program", "budget_by_program", T.BUDGET, (Dim.PROGRAM,), MONEY,
                   Chart("grouped")),
        FigureSpec("laporan_anggaran_kategori", "budget_by_category", T.BUDGET, (Dim.CATEGORY,), MONEY,
                   Chart("grouped")),
        FigureSpec("laporan_atribusi", "attribution", T.BUDGET, (Dim.BUDGET_SHARE,), MONEY, Chart("grouped"),
                   caption="attribution_caption"),
        FigureSpec("laporan_peralatan", "equipment", T.EQUIPMENT, (), (), Chart("table"),
                   caption="equipment_caption"),
    )),
    Section("page_hasil", (
        FigureSpec("laporan_corong", "funnel", T.FUNNEL, (), (Measure.ENROLLMENTS,), Chart("funnel", x=Dim.STAGE),
                   caption="funnel_caption"),
        FigureSpec("laporan_angkatan", "mix_by_year", T.OUTCOME_MIX, (Dim.YEAR,),
                   (Measure.OUTCOME_SHARE, Measure.OUTCOME_COUNT),
                   Chart("stacked", part=Dim.OUTCOME, horizontal=False)),
        FigureSpec("laporan_penghasilan", "income_bands", T.INCOME_BANDS, (), (Measure.INCOME_REPORTED,),
                   Chart(x="band", horizontal=False), caption="income_caption"),
    )),
)

# --- the report's own words (titles of figures and pages come from lib.texts) -----------------------
WORDS: dict[str, dict[str, str]] = {
    "title": {"id": "Laporan Pelatihan Alih Profesi", "en": "Vocational Retraining Report"},
    "subtitle": {
        "id": "Peserta, anggaran dan hasil pelatihan bagi warga terdampak penutupan lokalisasi",
        "en": "Participants, budget and outcomes of training for people affected by the closure of "
              "red-light districts",
    },
    "department": {"id": "Dinas", "en": "Department"},
    "period": {"id": "Periode", "en": "Period"},
    "every_year": {"id": "Semua tahun", "en": "Every year"},
    "filters": {"id": "Filter", "en": "Filters"},
    "data": {"id": "Data", "en": "Data"},
    "demo": {"id": "data demo (sintetis): tidak ada orang sungguhan di dalamnya",
             "en": "demo data (synthetic): no real person is in it"},
    "printed": {"id": "Dicetak", "en": "Printed"},
    "contents": {"id": "Isi", "en": "Contents"},
    "cover_note": {
        "id": "Semua angka dalam laporan ini sama dengan yang tampil di dasbor untuk filter yang sama, dengan "
              "perlindungan privasi yang sama (lihat bagian terakhir).",
        "en": "Every figure in this report is the one the dashboard shows for the same filters, with the same "
              "privacy protection (see the last section).",
    },
    "headline_intro": {
        "id": "Angka atas pilihan filter, dengan perubahan dari periode sebelumnya: selisih dua angka yang "
              "dipublikasikan.",
        "en": "Figures over the filters chosen, with the change from the previous period: the difference of two "
              "published figures.",
    },
    "headline_alone": {
        "id": "Angka atas pilihan filter. Tidak ada periode sebelumnya dalam data untuk dibandingkan.",
        "en": "Figures over the filters chosen. The data holds no previous period to compare with.",
    },
    "figure": {"id": "Angka", "en": "Figure"},
    "change": {"id": "Perubahan", "en": "Change"},
    "unit": {"id": "Satuan: {units}.", "en": "Unit: {units}."},
    "top": {"id": "Tertinggi: {x} ({value}).", "en": "Highest: {x} ({value})."},
    "bottom": {"id": "Terendah: {x} ({value}).", "en": "Lowest: {x} ({value})."},
    "trend": {"id": "{name} {first_year}: {first}; {last_year}: {last} (perubahan {change}).",
              "en": "{name} {first_year}: {first}; {last_year}: {last} (change {change})."},
    "part": {"id": "Bagian terbesar: {part} pada {x} ({value}).", "en": "Largest part: {part} in {x} ({value})."},
    "funnel": {"id": "Dari {first} pendaftaran, {last} bekerja atau usaha mandiri ({share}).",
               "en": "Of {first} enrollments, {last} are working or run their own business ({share})."},
    "attribution": {"id": "Realisasi menurut atribusi: {parts}; jumlahnya {total}, sama dengan total realisasi.",
                    "en": "Realised by attribution: {parts}; together {total}, the whole amount realised."},
    "rows": {"id": "{n} baris.", "en": "{n} rows."},
    "hidden_one": {"id": "1 angka disembunyikan untuk melindungi peserta.",
                   "en": "1 figure is hidden to protect participants."},
    "hidden_many": {"id": "{n} angka disembunyikan untuk melindungi peserta.",
                    "en": "{n} figures are hidden to protect participants."},
    "hidden_why": {"id": "Yang disembunyikan: {reasons}.", "en": "Hidden: {reasons}."},
    "no_chart": {
        "id": "Grafik tidak dapat digambar di server ini (peramban Chromium tidak ditemukan). Tabel di bawah "
              "memuat angka yang sama.",
        "en": "The chart could not be drawn on this server (no Chromium browser was found). The table below holds "
              "the same figures.",
    },
    "privacy_title": {"id": "Perlindungan privasi", "en": "Privacy protection"},
    "privacy_rules": {
        "id": "Peserta pelatihan ini termasuk orang yang paling distigma, sehingga setiap angka dilindungi:\n"
              "Jumlah orang 1 sampai {k_minus} tidak ditampilkan dan tertulis {small}; nol tertulis 0.\n"
              "Jumlah orang {k} atau lebih dibulatkan ke kelipatan {b}, selalu sama untuk kelompok orang yang "
              "sama di setiap tabel, halaman, unduhan dan laporan. Karena setiap angka dibulatkan sendiri, "
              "rincian tidak selalu berjumlah sama dengan totalnya.\n"
              "Persentase, median penghasilan dan biaya per orang dihitung dari jumlah yang dipublikasikan, dan "
              "disembunyikan bila dasarnya kurang dari {min_base} orang atau pembilangnya disembunyikan.\n"
              "Pagu dan realisasi anggaran bukan jumlah orang dan ditulis tepat. Baris anggaran tanpa desa dibagi "
              "ke desa sebanding dengan pendaftaran yang dipublikasikan; yang tidak dapat dibagi tertulis tidak "
              "teratribusi.\n"
              "Laporan ini tidak memuat data per orang.",
        "en": "The people in these trainings are among the most stigmatised, so every figure is protected:\n"
              "Counts of 1 to {k_minus} people are not shown and read {small}; zero reads 0.\n"
              "Counts of {k} or more are rounded to a multiple of {b}, always the same for the same group of "
              "people in every table, page, download and report. Since each figure is rounded on its own, parts "
              "need not add up to their total.\n"
              "Percentages, median incomes and costs per person are computed from the published counts, and "
              "hidden when their base is below {min_base} people or their numerator is hidden.\n"
              "Budget allocations and spending are not counts of people and are exact. Budget lines without a "
              "village are shared among villages in proportion to the published enrollments; what cannot be "
              "shared reads unattributed.\n"
              "This report holds no record of any single person.",
    },
    "page_of": {"id": "Halaman {page} dari {pages}", "en": "Page {page} of {pages}"},
    "step_tables": {"id": "Menghitung: {title}", "en": "Computing: {title}"},
    "step_charts": {"id": "Menggambar grafik {i} dari {n}", "en": "Drawing chart {i} of {n}"},
    "step_pdf": {"id": "Menyusun PDF", "en": "Assembling the PDF"},
    "step_done": {"id": "Selesai", "en": "Done"},
}
UNIT_SYMBOLS = {"rate": "%", "money_rate": "%", "money": "Rp", "median": "Rp", "money_per_person": "Rp"}


def words(key: str, lang: str = "id", **values: object) -> str:
    """The report's text ``key`` in ``lang`` with its placeholders filled in."""
    template = WORDS[key]["en" if lang == "en" else "id"]
    return template.format(**values) if values else template


def _plain(markdown: str) -> str:
    """An interface caption without its markdown emphasis."""
    return markdown.replace("**", "")


# --- the data in use (command line) -----------------------------------------------------------------
def dataset_in_use(folder: Path) -> tuple[Dataset, bytes]:
    """The dataset the dashboard shows from data folder ``folder`` and its privacy secret, as the page edge reads them.

    The imported version in use if there is one (its store: ``DASBOR_DATABASE_URL`` or ``folder/store``),
    else the bundled demo with the demo's own secret.
    """
    folder = Path(folder)
    reference_file = folder / "reference.toml"
    reference = load_reference(reference_file if reference_file.exists() else DEFAULT_REFERENCE_FILE)
    store = data_store.default_store()
    version = data_store.current_version_id(store)
    if version is not None:
        dataset = data_store.read_version(store, version, reference)
        return dataset, keys.installation_secret(folder, keys.INSTALLATION_SECRET)
    demo = folder / "demo" if (folder / "demo").is_dir() else DEMO_DIR
    dataset = load_folder(demo, reference, label="demo", is_demo=True)
    return dataset, keys.installation_secret(folder, keys.DEMO_SECRET)


def map_layers(folder: Path) -> MapLayers:
    """What the map of origins is drawn on: the data folder's regency coordinates (else the bundled ones) and the land."""
    path = Path(folder) / "regencies.csv"
    try:
        land = pd.read_csv(BASEMAP_FILE)
    except OSError:
        land = pd.DataFrame(columns=["shape", "lon", "lat"])
    return MapLayers(regencies(path if path.exists() else REGENCIES_FILE), land)


# --- published tables ---------------------------------------------------------------------------------
# (filters, table, by, measures) -> the published table, as ``lib.figures.published`` makes it.
TableSource = Callable[[Filters, str, Sequence[str], Sequence[str]], pd.DataFrame]


class _Published:
    """Published tables of one dataset under any filters, each selection of rows made once per report.

    ``source``: where the tables come from instead (the page edge's caches, which hold the same tables).
    """

    def __init__(self, dataset: Dataset, rules: Rules, source: TableSource | None = None):
        self.dataset, self.rules, self.source = dataset, rules, source
        self._selections: dict[tuple[Filters, tuple[str, ...]], Dataset] = {}

    def table(self, filters: Filters, table: str, by: Sequence[str] = (), measures: Sequence[str] = ()) -> pd.DataFrame:
        if self.source is not None:
            return self.source(filters, str(table), [str(b) for b in by], [str(m) for m in measures])
        reads = tuple(TABLE_READS[str(table)])
        key = (filters, reads)
        if key not in self._selections:
            self._selections[key] = filtered(self.dataset, filters, reads)
        raw = indicator_table(self._selections[key], str(table), [str(b) for b in by])
        return published(raw, [str(m) for m in measures], self.rules)


# --- the previous period: lib.periods (one rule for the tiles and this headline) -------------------


def period_text(dataset: Dataset, filters: Filters, lang: str = "id") -> str:
    """The period a report covers: the chosen year or named period, else every year with the span the data holds."""
    choice = filters.get(YEAR.name)
    if choice is not None:
        return choice
    years = data_years(dataset)
    span = f" ({years[0]}–{years[-1]})" if years else ""
    return words("every_year", lang) + span


# --- words about a figure ------------------------------------------------------------------------------
def _value_text(value: float, kind: str, lang: str) -> str:
    return fmt.value(value, kind, lang)


def _category(value: object, lang: str) -> str:
    if isinstance(value, (int, np.integer)) or (isinstance(value, float) and float(value).is_integer()):
        return str(int(value))
    return value_label(value, lang)


def units_text(measures: Sequence[str], lang: str = "id") -> str:
    """The units of a figure's measures, e.g. ``Peserta: jumlah orang; Tingkat bekerja: persentase (%)``."""
    parts = []
    for name in measures:
        kind = measure(name).kind
        symbol = UNIT_SYMBOLS.get(kind)
        parts.append(f"{label(name, lang)}: {kind_label(kind, lang)}" + (f" ({symbol})" if symbol else ""))
    return "; ".join(parts)


def reading(pub: pd.DataFrame, spec: FigureSpec, shown: str, lang: str = "id") -> str:
    """A short reading of a published figure in words: its highest and lowest, its trend or its largest part.

    Only shown figures are read; the hidden ones of its table are counted, never described.
    """
    if pub.empty:
        return text("empty_figure", lang)
    dims = dimensions(pub)
    x = spec.chart.x or (spec.by[0] if spec.by else dims[0])
    kind = measure(shown).kind
    reasons = privacy.hidden_reasons(pub)[shown].to_numpy(dtype=object)
    values = pd.to_numeric(pub[shown], errors="coerce").astype("float64").to_numpy()
    visible = np.flatnonzero((reasons == "") & ~np.isnan(values))
    out: list[str] = []
    if [str(b) for b in spec.by] == [Dim.BUDGET_SHARE]:
        amounts = pd.to_numeric(pub[Measure.REALIZED], errors="coerce").fillna(0.0)
        parts = ", ".join(f"{value_label(share, lang)} {fmt.rupiah(amount, lang)}"
                          for share, amount in zip(pub[Dim.BUDGET_SHARE].tolist(), amounts.tolist()))
        out.append(words("attribution", lang, parts=parts, total=fmt.rupiah(float(amounts.sum()), lang)))
    elif spec.chart.kind == "funnel" and len(values) >= 2:
        if 0 in visible and len(values) - 1 in visible and values[0] > 0:
            first, last = values[0], values[-1]
            out.append(words("funnel", lang, first=fmt.count(first, lang), last=fmt.count(last, lang),
                             share=fmt.percent(last / first, lang)))
    elif spec.chart.kind == "stacked" and len(visible):
        part = spec.chart.part or next(d for d in dims if d != x)
        best = visible[int(np.argmax(values[visible]))]
        out.append(words("part", lang, part=value_label(pub[part].iloc[best], lang),
                         x=_category(pub[x].iloc[best], lang), value=_value_text(values[best], kind, lang)))
    elif x == Dim.YEAR and len(visible) >= 2:
        first, last = visible[0], visible[-1]
        out.append(words("trend", lang, name=label(shown, lang), first_year=_category(pub[x].iloc[first], lang),
                         first=_value_text(values[first], kind, lang),
                         last_year=_category(pub[x].iloc[last], lang), last=_value_text(values[last], kind, lang),
                         change=fmt.change(values[last] - values[first], kind, lang)))
    elif len(visible) == 1 and x in pub.columns:
        only = visible[0]
        out.append(f"{label(shown, lang)} {_category(pub[x].iloc[only], lang)}: {_value_text(values[only], kind, lang)}.")
    elif len(visible) and x in pub.columns:
        top = visible[int(np.argmax(values[visible]))]
        out.append(label(shown, lang) + ". " + words("top", lang, x=_category(pub[x].iloc[top], lang),
                                                     value=_value_text(values[top], kind, lang)))
        if len(visible) >= 3:
            low = visible[int(np.argmin(values[visible]))]
            out.append(words("bottom", lang, x=_category(pub[x].iloc[low], lang),
                             value=_value_text(values[low], kind, lang)))
    hidden = int(privacy.hidden_mask(pub)[table_columns(pub, spec)].to_numpy().sum())
    if hidden:
        out.append(words("hidden_one", lang) if hidden == 1 else words("hidden_many", lang, n=hidden))
    return " ".join(out) or words("rows", lang, n=len(pub))


def hidden_why(pub: pd.DataFrame, columns: Sequence[str], rules: Rules, lang: str = "id") -> str | None:
    """Why the table's hidden figures are hidden, each reason once; None when nothing is hidden."""
    reasons = privacy.hidden_reasons(pub)[list(columns)]
    seen: dict[str, None] = {}
    for note in privacy.privacy_note(reasons, rules, lang).tolist():
        for part in filter(None, note.split(NOTE_SEPARATOR)):
            seen.setdefault(part)
    return words("hidden_why", lang, reasons="; ".join(seen)) if seen else None


def table_columns(pub: pd.DataFrame, spec: FigureSpec) -> list[str]:
    """The figures a report table lists: the spec's measures in its order, else every figure of the table."""
    figures = figures_of(pub)
    return [str(m) for m in spec.measures if str(m) in figures] if spec.measures else figures


def report_table(pub: pd.DataFrame, spec: FigureSpec, rules: Rules, lang: str = "id") -> pd.DataFrame:
    """The table behind a figure as the report prints it: the screen's table (``lib.figures.screen_table``), its
    dimensions and the spec's measures, every cell as text (``1.234``, ``12,5%``, ``Rp 1.000``, ``<5``)."""
    screen = screen_table(pub, rules, lang)
    dims, figures = dimensions(pub), figures_of(pub)
    wanted = table_columns(pub, spec)
    positions = list(range(len(dims))) + [len(dims) + figures.index(c) for c in wanted]
    return screen.iloc[:, positions]


# --- the headline ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Headline:
    """The headline table: per figure its value over the filters and, when there is one, its change."""

    frame: pd.DataFrame
    compared: Comparison | None


def headline(tables: _Published, filters: Filters, rules: Rules, lang: str = "id") -> Headline:
    """The headline figures over ``filters`` with the change from the previous period (``comparison``), as text."""
    dataset = tables.dataset
    total = tables.table(filters, T.SUMMARY, (), HEADLINE)
    by_year = tables.table(filters, T.SUMMARY, (Dim.YEAR,), HEADLINE)
    compared = comparison(dataset, filters, by_year)
    columns: dict[str, list[str]] = {words("figure", lang): [label(m, lang) for m in HEADLINE]}
    if total.empty:
        columns[period_text(dataset, filters, lang)] = [fmt.NONE] * len(HEADLINE)
        return Headline(pd.DataFrame(columns), None)
    columns[period_text(dataset, filters, lang)] = [metric_text(total, m, rules, lang) for m in HEADLINE]
    if compared is None:
        return Headline(pd.DataFrame(columns), None)
    latest = total if compared.latest_filters == filters else tables.table(compared.latest_filters, T.SUMMARY,
                                                                           (), HEADLINE)
    before = tables.table(compared.before_filters, T.SUMMARY, (), HEADLINE)
    if compared.latest_filters != filters:
        columns[compared.latest] = [_shown(latest, m, rules, lang) for m in HEADLINE]
    columns[compared.before] = [_shown(before, m, rules, lang) for m in HEADLINE]
    columns[words("change", lang)] = [_change(latest, before, m, lang) for m in HEADLINE]
    return Headline(pd.DataFrame(columns), compared)


def _shown(pub: pd.DataFrame, name: str, rules: Rules, lang: str) -> str:
    return metric_text(pub, name, rules, lang) if len(pub) else fmt.NONE


def _change(latest: pd.DataFrame, before: pd.DataFrame, name: str, lang: str) -> str:
    """The difference of two published figures, with its sign; a dash when either is hidden or has no value."""
    return change_text(latest, before, name, lang) or fmt.NONE


# --- chart images ------------------------------------------------------------------------------------
CHART_WIDTH_PX = 900
CHART_SCALE = 1.5  # 1350 pixels across 174 mm: about 200 dots per inch on paper
ImageMaker = Callable[[Sequence[go.Figure], Callable[[int], None]], list[bytes | None]]


class ChartsUnavailable(RuntimeError):
    """The charts cannot be drawn here: no browser for Kaleido, or it failed."""


def chart_images(figures: Sequence[go.Figure], each: Callable[[int], None] = lambda i: None) -> list[bytes | None]:
    """PNG images of ``figures`` drawn by Kaleido in one browser session (``each(i)`` after each one).

    Raises ChartsUnavailable when no Chromium can be started or it fails.
    """
    import kaleido
    from kaleido import errors

    async def draw(drawn: Callable[[int], None]) -> list[bytes | None]:
        # No MathJax: it would be fetched from the internet, and no chart writes formulas.
        async with kaleido.Kaleido(n=1, mathjax=False, timeout=120) as browser:
            out: list[bytes | None] = []
            for i, figure in enumerate(figures):
                height = int(figure.layout.height or 400)
                out.append(await browser.calc_fig(
                    figure, opts={"format": "png", "width": CHART_WIDTH_PX, "height": height, "scale": CHART_SCALE}))
                drawn(i)
            return out

    if not figures:
        return []
    # Kaleido runs on an event loop of its own thread: the caller's thread may be running one already (a
    # browser test driving Playwright), and asyncio.run refuses to start inside it. Progress comes back here,
    # so ``each`` runs on the caller's thread (Streamlit draws only from the page's own thread).
    messages: queue.Queue = queue.Queue()

    def run() -> None:
        try:
            messages.put(("done", asyncio.run(draw(lambda i: messages.put(("drawn", i))))))
        except BaseException as exc:  # noqa: BLE001 (handed to the caller's thread, which raises it)
            messages.put(("failed", exc))

    threading.Thread(target=run, name="kaleido", daemon=True).start()
    while True:
        kind, value = messages.get()
        if kind == "drawn":
            each(value)
        elif kind == "done":
            return value
        elif isinstance(value, (errors.ChromeNotFoundError, errors.BrowserFailedError, errors.BrowserClosedError,
                                errors.KaleidoError, errors.JavascriptError, TimeoutError, OSError)):
            raise ChartsUnavailable(str(value)) from value
        else:
            raise value


# --- the PDF ---------------------------------------------------------------------------------------------
FONT, FONT_BOLD, FONT_ITALIC = "Vera", "VeraBd", "VeraIt"
MARGIN = 18 * mm
FRAME_WIDTH = A4[0] - 2 * MARGIN
MAX_IMAGE_HEIGHT = 120 * mm
INK, MUTED, RULE, HEAD_FILL = colors.HexColor("#1F2A44"), colors.HexColor("#5A6478"), colors.HexColor("#C9D1E0"), \
    colors.HexColor("#E8EEF7")


@cache
def _fonts() -> None:
    """Bitstream Vera, which ships with reportlab: the same letters on every machine, ``≥`` and ``–`` included."""
    folder = Path(reportlab.__file__).parent / "fonts"
    for name, file in ((FONT, "Vera.ttf"), (FONT_BOLD, "VeraBd.ttf"), (FONT_ITALIC, "VeraIt.ttf"),
                       ("VeraBI", "VeraBI.ttf")):
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic="VeraBI")


@cache
def _styles() -> dict[str, ParagraphStyle]:
    _fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13, textColor=INK, spaceAfter=4)
    return {
        "body": body,
        "cover_title": ParagraphStyle("cover_title", parent=body, fontName=FONT_BOLD, fontSize=24, leading=30,
                                      spaceAfter=8),
        "cover_sub": ParagraphStyle("cover_sub", parent=body, fontSize=12, leading=16, textColor=MUTED,
                                    spaceAfter=18),
        "h1": ParagraphStyle("h1", parent=body, fontName=FONT_BOLD, fontSize=16, leading=20, spaceBefore=2,
                             spaceAfter=8),
        "h2": ParagraphStyle("h2", parent=body, fontName=FONT_BOLD, fontSize=11.5, leading=15, spaceBefore=10,
                             spaceAfter=2),
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10.5, textColor=MUTED),
        "note": ParagraphStyle("note", parent=body, fontName=FONT_ITALIC, fontSize=8, leading=10.5,
                               textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=body, fontSize=7.5, leading=9.5, spaceAfter=0),
        "cell_head": ParagraphStyle("cell_head", parent=body, fontName=FONT_BOLD, fontSize=7.5, leading=9.5,
                                    spaceAfter=0),
        "number": ParagraphStyle("number", parent=body, fontSize=7.5, leading=9.5, spaceAfter=0, alignment=TA_RIGHT),
        "number_head": ParagraphStyle("number_head", parent=body, fontName=FONT_BOLD, fontSize=7.5, leading=9.5,
                                      spaceAfter=0, alignment=TA_RIGHT),
        "warning": ParagraphStyle("warning", parent=body, backColor=colors.HexColor("#FFF4D6"), borderPadding=6,
                                  spaceBefore=8, spaceAfter=12),
    }


# Letters the report's font lacks, written with ones it has.
_MISSING_GLYPHS = str.maketrans({"→": "›", "\u2009": " ", "\u00a0": " "})


def _p(value: str, style: str) -> Paragraph:
    return Paragraph(escape(value.translate(_MISSING_GLYPHS)).replace("\n", "<br/>"), _styles()[style])


def _grid(frame: pd.DataFrame, numeric: Sequence[bool], widths: Sequence[float] | None = None) -> LongTable:
    """A table of text cells, its header repeated on every page; numeric columns right-aligned."""
    header = [_p(str(c), "number_head" if n else "cell_head") for c, n in zip(frame.columns, numeric)]
    rows = [[_p(str(v), "number" if n else "cell") for v, n in zip(row, numeric)]
            for row in frame.itertuples(index=False, name=None)]
    grid = LongTable([header, *rows], colWidths=list(widths or _widths(frame, numeric)), repeatRows=1)
    grid.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, RULE),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ]))
    return grid


CELL_PADDING = 3


def _widths(frame: pd.DataFrame, numeric: Sequence[bool]) -> list[float]:
    """Column widths filling the text width: figures and short columns as wide as their widest cell (never
    wrapped), the long text columns sharing what is left, none narrower than its longest word."""
    def width(value: str, font: str = FONT) -> float:
        return stringWidth(value.translate(_MISSING_GLYPHS), font, 7.5) + 2 * CELL_PADDING + 1

    natural, least = [], []
    for j, column in enumerate(frame.columns):
        header, cells = str(column), [str(v) for v in frame.iloc[:, j].tolist()]
        longest_word = max([width(w, FONT_BOLD) for w in header.split()]
                           + [width(w) for c in cells for w in c.split()] or [0.0])
        natural.append(max([longest_word, width(header, FONT_BOLD) * 0.6, *(width(c) for c in cells)]))
        least.append(longest_word)
    if sum(natural) <= FRAME_WIDTH:
        spare = FRAME_WIDTH - sum(natural)
        return [w + spare / len(natural) for w in natural]
    flexible = [j for j, w in enumerate(natural) if not numeric[j] and w > SHORT_COLUMN]
    room = FRAME_WIDTH - sum(w for j, w in enumerate(natural) if j not in flexible)
    if flexible and room >= sum(least[j] for j in flexible):
        share = sum(natural[j] for j in flexible)
        out = list(natural)
        for j in flexible:
            out[j] = max(least[j], room * natural[j] / share)
        scale = min(1.0, FRAME_WIDTH / sum(out))
        return [w * scale for w in out]
    return [FRAME_WIDTH * w / sum(natural) for w in natural]


SHORT_COLUMN = 24 * mm  # a text column this narrow (a year, a quantity) keeps its width


def _image(png: bytes) -> Image:
    """A chart image across the text width, shrunk to at most MAX_IMAGE_HEIGHT high."""
    picture = Image(io.BytesIO(png))
    width, height = FRAME_WIDTH, FRAME_WIDTH * picture.imageHeight / picture.imageWidth
    if height > MAX_IMAGE_HEIGHT:
        width, height = width * MAX_IMAGE_HEIGHT / height, MAX_IMAGE_HEIGHT
    picture.drawWidth, picture.drawHeight = width, height
    return picture


def _numbered_canvas(footer: str, lang: str) -> type[pdf_canvas.Canvas]:
    """A canvas that writes ``footer`` and "Halaman n dari N" at the foot of every page once the page count is known."""

    class NumberedCanvas(pdf_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(FONT, 7.5)
                self.setFillColor(MUTED)
                self.drawString(MARGIN, 10 * mm, footer)
                self.drawRightString(A4[0] - MARGIN, 10 * mm,
                                     words("page_of", lang, page=self._pageNumber, pages=total))
                super().showPage()
            super().save()

    return NumberedCanvas


@dataclass(frozen=True)
class FigureContent:
    """One figure as the report prints it."""

    spec: FigureSpec
    title: str
    pub: pd.DataFrame
    shown: str | None
    figure: go.Figure | None


Progress = Callable[[float, str], None]


def _quiet(fraction: float, message: str) -> None:
    return None


def build_report(
    dataset: Dataset,
    filters: Filters,
    rules: Rules,
    *,
    lang: str = "id",
    department: str = "",
    today: dt.date | None = None,
    layers: MapLayers | None = None,
    progress: Progress = _quiet,
    images: ImageMaker | None = None,
    tables: TableSource | None = None,
    scope: Scope = targets.EVERY_VILLAGE,
) -> bytes:
    """The report of ``filters`` over the prepared ``dataset`` as PDF bytes; ``progress(fraction, words)`` after each step.

    ``dataset`` is what the reader may see (a village-limited account's scope
    already applied); ``layers`` what the map is drawn on (none: no land, no
    regencies); ``images`` turns the charts into PNG (default ``chart_images``); ``tables`` gives the
    published tables (default: computed here from ``dataset``, as ``lib.figures.published`` does); ``scope``
    the account's village limit, which decides the targets that apply as on the Overview (``lib.targets``).
    """
    images = images or chart_images
    lang = "en" if lang == "en" else "id"
    today = today or today_local()
    published_tables = _Published(dataset, rules, tables)
    specs = [(section, spec) for section in SECTIONS for spec in section.figures]
    steps = len(specs) + 2  # the headline, every figure's table, then the charts and the PDF (weighted below)
    progress(0.0, words("step_tables", lang, title=text("headline", lang)))
    top = headline(published_tables, filters, rules, lang)
    goals = targets.achievement_of(dataset.targets, filters, dataset.reference,
                                   lambda measures: published_tables.table(filters, T.SUMMARY, (Dim.YEAR,), measures),
                                   scope)
    contents: dict[str, list[FigureContent]] = {section.title: [] for section in SECTIONS}
    for i, (section, spec) in enumerate(specs, start=1):
        title = text(spec.title, lang)
        progress(0.5 * i / steps, words("step_tables", lang, title=title))
        pub = published_tables.table(filters, spec.table, spec.by, spec.measures)
        shown = shown_measure(spec, pub) if not pub.empty and figures_of(pub) else None
        figure = chart_figure(pub, spec, shown, rules, lang, layers) if shown is not None else None
        contents[section.title].append(FigureContent(spec, title, pub, shown, figure))
    drawn = [c.figure for items in contents.values() for c in items if c.figure is not None]
    progress(0.5, words("step_charts", lang, i=0, n=len(drawn)))
    try:
        pictures = images(drawn, lambda i: progress(0.5 + 0.4 * (i + 1) / max(len(drawn), 1),
                                                    words("step_charts", lang, i=i + 1, n=len(drawn))))
    except ChartsUnavailable:
        pictures = [None] * len(drawn)
    progress(0.9, words("step_pdf", lang))
    pdf = _pdf(dataset, filters, rules, lang, department, today, top, contents, iter(pictures), goals)
    progress(1.0, words("step_done", lang))
    return pdf


def _pdf(dataset: Dataset, filters: Filters, rules: Rules, lang: str, department: str, today: dt.date,
         top: Headline, contents: dict[str, list[FigureContent]], pictures, goals: pd.DataFrame) -> bytes:
    styles = _styles()
    title = words("title", lang)
    story: list = [Spacer(1, 30 * mm), _p(title, "cover_title"), _p(words("subtitle", lang), "cover_sub")]
    facts = []
    if department:
        facts.append((words("department", lang), department))
    facts += [
        (words("period", lang), period_text(dataset, filters, lang)),
        (words("filters", lang), "\n".join(filters.describe(lang))),
        (words("data", lang), data_store.label_in(dataset.label, lang)
         + (f" — {words('demo', lang)}" if dataset.is_demo else "")),
        (words("printed", lang), fmt.date(today, lang)),
    ]
    story.append(_facts(facts))
    if dataset.is_demo:
        story.append(Paragraph(escape(text("demo_banner", lang).replace("**", "")), styles["warning"]))
    story.append(_p(words("cover_note", lang), "body"))
    story.append(Spacer(1, 6 * mm))
    story.append(_p(words("contents", lang), "h2"))
    for n, section in enumerate(SECTIONS, start=1):
        story.append(_p(f"{n}. {text(section.title, lang)}", "body"))
    story.append(_p(f"{len(SECTIONS) + 1}. {words('privacy_title', lang)}", "body"))

    for n, section in enumerate(SECTIONS, start=1):
        story += [PageBreak(), _p(f"{n}. {text(section.title, lang)}", "h1")]
        if section.headline:
            story.append(_p(text("headline", lang), "h2"))
            story.append(_p(words("headline_intro" if top.compared else "headline_alone", lang), "small"))
            frame = top.frame
            story.append(_grid(frame, [False] + [True] * (len(frame.columns) - 1)))
            story.append(Spacer(1, 2 * mm))
            story.append(_p(export.rounding_note(rules, lang), "note"))
        if section.headline and not goals.empty:  # the targets that apply, as the Overview shows them
            story.append(_p(text("targets_title", lang), "h2"))
            story.append(_grid(targets.screen_table(goals, rules, lang), targets.NUMERIC_COLUMNS))
            story.append(_p(text("targets_caption", lang), "note"))
        for item in contents[section.title]:
            story += _figure_flowables(item, rules, lang, pictures)
    story += [PageBreak(), _p(f"{len(SECTIONS) + 1}. {words('privacy_title', lang)}", "h1")]
    for line in words("privacy_rules", lang, k=rules.k, k_minus=rules.k - 1, small=privacy.small_label(rules.k),
                      b=rules.b, min_base=rules.min_base).split("\n"):
        story.append(_p(line, "body"))

    out = io.BytesIO()
    footer = " · ".join([title, "; ".join(filters.describe(lang)), fmt.date(today, lang)])
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN + 4 * mm, title=title, author=department or text("app_title", lang),
                            subject="; ".join(filters.describe(lang)), creator=text("app_title", lang),
                            lang="en" if lang == "en" else "id", invariant=True)
    doc.build(story, canvasmaker=_numbered_canvas(footer, lang))
    return out.getvalue()


def _facts(facts: Sequence[tuple[str, str]]) -> Table:
    """The cover's facts: a label column and a value column."""
    rows = [[_p(name, "cell_head"), _p(value, "body")] for name, value in facts]
    grid = Table(rows, colWidths=[38 * mm, FRAME_WIDTH - 38 * mm])
    grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                              ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    return grid


def _figure_flowables(item: FigureContent, rules: Rules, lang: str, pictures) -> list:
    """Title, unit, chart (or why there is none), reading, caption, the table behind it and why cells are hidden."""
    head = [_p(item.title, "h2")]
    if item.pub.empty:
        return [KeepTogether([*head, _p(text("empty_figure", lang), "body")])]
    columns = table_columns(item.pub, item.spec)
    if columns:
        head.append(_p(words("unit", lang, units=units_text(columns, lang)), "small"))
    if item.figure is not None:
        png = next(pictures)
        head.append(_image(png) if png is not None else _p(words("no_chart", lang), "note"))
    if item.shown is not None:
        head.append(_p(reading(item.pub, item.spec, item.shown, lang), "body"))
    if item.spec.caption:
        head.append(_p(_plain(text(item.spec.caption, lang)), "small"))
    frame = report_table(item.pub, item.spec, rules, lang)
    numeric = [False] * len(dimensions(item.pub)) + [True] * len(columns)
    out: list = [KeepTogether(head), Spacer(1, 2 * mm), _grid(frame, numeric)]
    if note := hidden_why(item.pub, columns, rules, lang):
        out += [Spacer(1, 1.5 * mm), _p(note, "note")]
    return out


def today_local() -> dt.date:
    """Today's date where the department works (WIB): the date a report says it was printed."""
    return local_time.today()


def report_file_name(filters: Filters, today: dt.date, lang: str = "id") -> str:
    """``laporan-pelatihan-alih-profesi_2022_Pare_2026-12-05.pdf``."""
    return export.download_name(words("title", lang), f"{filters.label(lang)} {today.isoformat()}", "pdf")


# --- command line ---------------------------------------------------------------------------------------------
LANGUAGE_OPTIONS = ("--lang", "--bahasa")  # --bahasa: as the dashboard's links name it


def parser(lang: str = "id") -> argparse.ArgumentParser:
    p = command_parser(lang, prog="python -m lib.report", description=text("report_cli", lang))
    p.add_argument("--out", required=True, type=Path, help=text("report_cli_out", lang))
    for spec in FILTERS:
        p.add_argument(f"--{spec.param}", metavar=text("report_cli_choice", lang),
                       help=text("report_cli_filter", lang, filter=spec.label(lang)))
    add_language_option(p, lang, *LANGUAGE_OPTIONS, key="report_cli_lang")
    p.add_argument("--dinas", default="", help=text("report_cli_department", lang))
    return p


def problem_words(problem: Problem, offered_names: Sequence[str], lang: str = "id") -> str:
    """A link problem on the command line, in ``lang``: which option, what was asked, what may be chosen."""
    spec = next(s for s in FILTERS if s.name == problem.filter)
    return text("report_cli_not_a_choice", lang, param=spec.param, asked=", ".join(problem.asked),
                filter=spec.label(lang).lower(), choices=", ".join(offered_names))


def main(argv: Sequence[str] | None = None) -> int:
    """Exit codes: 0 written, 1 the data or the settings cannot be used, 2 a filter that is not a choice.

    ``--lang``/``--bahasa`` is the language of the report, its help and its messages."""
    args = parser(command_language(argv, LANGUAGE_OPTIONS)).parse_args(argv)
    lang = args.lang
    folder = settings.data_dir()
    try:
        rules = settings.privacy_rules()
        dataset, secret = dataset_in_use(folder)
    except (ValueError, OSError) as exc:
        print(text("report_cli_unusable", lang, error=exc), file=sys.stderr)
        return 1
    data = prepared(dataset, secret, rules)
    offered = offers(data)
    asked = {spec.param: [value] for spec in FILTERS if (value := getattr(args, spec.param)) not in (None, "")}
    filters, problems = parse_query(asked, offered)
    if problems:
        for problem in problems:
            names = next(o.names() for o in offered if o.spec.name == problem.filter)
            print(problem_words(problem, names, lang), file=sys.stderr)
        return 2
    today = today_local()

    def say(fraction: float, message: str) -> None:
        print(f"{fraction:4.0%}  {message}", file=sys.stderr)

    content = build_report(data, filters, rules, lang=lang, department=args.dinas, today=today,
                           layers=map_layers(folder), progress=say)
    args.out.write_bytes(content)
    open_audit().record(getpass.getuser(), DOWNLOAD, page="laporan (baris perintah)", what=words("title", lang),
                        filters=query_of(filters), file=args.out.name)
    print(f"{args.out} ({len(content) / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
