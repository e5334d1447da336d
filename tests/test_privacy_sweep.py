"""A sweep over the demo data: no page publishes a small count, under any single filter choice.

Every analysis page is run headlessly (AppTest) with the default filters and
with every choice a filter offers (``lib.filters.offers``): each single
village, named group of villages, program, organizer, named group of
organizers, role, year and named period; the Desa page also with each
village's profile, and every page with a measure picker with each of its
measures. Everything the run renders is collected and read the way a reader
reads it -- the numbers on screen are Indonesian text (``1.234``, ``12,5%``,
``Rp 1.234.567``, ``—``):

- KPI tiles: a count of people reads 0, ``<5``, the hidden word, or a multiple
  of b from k up; a rate, median or rupiah-per-person tile only where the
  published count behind it is 2b or more (and its numerator is shown); a
  change from the previous period only where both periods' figures are shown;
- tables: the same per cell, a rate only where its base column in the same
  row shows 2b or more and its numerator is not hidden; where a rate's base and
  numerator are both shown, their difference (a count of people: the dropouts,
  the locals) is 0 or k or more, and so where a rate and its base are shown
  without the numerator;
- charts (the plotly figure's JSON): no bar height, label, hover or custom
  data of a count reads 1 to k-1 or other than a multiple of b; a hidden bar is
  flat and reads as the table does; hidden map markers all have one fixed size;
- downloads: the bytes the button hands out, parsed back (the CSV in the
  Indonesian convention with units in the headers on every run; the XLSX with
  its title and filters above the table, with the default filters, the
  profiles and the pickers): the same checks, and the same hidden cells and
  numbers as on screen.

Since every count is published rounded to a multiple of b by its cell key,
a line of a breakdown may hide one cell beside shown ones: its total minus
the others is no longer the hidden count (``tests/test_privacy_attack.py``
averages every such difference). The checker itself is tested on planted
small counts, and the sweep fails if it collected too few figures to mean
anything.
"""

from __future__ import annotations

import base64
import io
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from lib import export, fmt, periods
from lib.demo import DEMO_DIR
from lib.export import HIDDEN_WORD, NOTE_LABEL, UNITS, display_frame
from lib.figures import dimensions, published
from lib.filters import FILTERS, Filters, filtered, offers
from lib.indicators import indicator_table
from lib.loading import load_folder
from lib.measures import MEASURES, Measure, label
from lib.privacy import Rules, small_label
from lib.schema import Participants, load_reference
from lib.texts import text as interface_text
from tests.conftest import install_secret, keep_download_callables, prepare_for_tests

ROOT = Path(__file__).resolve().parent.parent
K = 5  # DASBOR_PRIVACY_K's default
B = 5  # DASBOR_PRIVACY_B's default: every shown count of people is a multiple of it
RULES = Rules(k=K, b=B)
MIN_BASE = RULES.min_base  # a rate, median or per-person figure rests on a published count of 2b or more
SMALL_MARK = small_label(K)
HIDDEN_MARK = HIDDEN_WORD["id"]

PAGES = ("ringkasan", "desa", "program", "daerah_asal", "anggaran", "hasil", "panduan")
REFERENCE = load_reference()
VILLAGES = tuple(REFERENCE.villages)
PROGRAMS = tuple(REFERENCE.programs)
YEARS = tuple(range(2015, 2026))  # the demo's span; test_the_sweep_covers_the_demo checks it
# What each filter offers on the demo: its values and named groups (one sidebar selectbox per filter,
# keyed by its URL parameter).
DEMO_DATA = load_folder(DEMO_DIR, REFERENCE, label="demo", is_demo=True)
OFFERED = offers(DEMO_DATA)
KEY_PROFILE = "profil_desa"
PICKER_SUFFIX = "_ukuran"
EMPTY_WORDS = interface_text("empty", "id")  # what a page says instead of figures when the filters select nothing

# KPI tiles: the container key of each row of tiles -> the indicator table its figures come from.
METRIC_SOURCES = {"ringkasan_kpi": "summary", "anggaran_kpi": "budget", "hasil_kpi": "outcomes",
                  "profil_kpi": "summary"}
BASED_KINDS = frozenset({"rate", "median", "money_per_person"})

MEASURE_BY_LABEL: dict[str, Measure] = {label(m.name, "id"): m for m in MEASURES}  # header / tile -> figure
RATES_WITH_A_GAP = tuple(m for m in MEASURES if m.numerator and m.base)  # base - numerator: people too


# --- reading what a reader reads ---------------------------------------------------
State = Literal["number", "small", "hidden", "none", "text"]


@dataclass(frozen=True)
class Reading:
    """One figure as read off the screen or a download: a number, ``<k``, the hidden word, nothing, or other text."""

    state: State
    value: float | None = None
    form: Literal["count", "percent", "money", ""] = ""


_UNITS = {"rb": 1e3, "jt": 1e6, "M": 1e9, "T": 1e12}
# "1.234", "12,5%", "Rp 1.234.567", "Rp 125 jt", "-Rp 1,2 M", "+12", "-2,5 poin", "±0"
_NUMBER = re.compile(
    r"^(?P<sign>[+\-\u2212±])?\s*(?P<rp>Rp\s*)?"
    r"(?P<int>\d{1,3}(?:\.\d{3})+|\d+)(?:,(?P<frac>\d+))?"
    r"(?:\s*(?P<unit>rb|jt|M|T)\b)?(?P<suffix>%|\s*poin)?$"
)


def parse_number(text: str) -> tuple[float, str] | None:
    """An Indonesian-formatted number and its form (count, percent, money); None if ``text`` is not one.

    ``"1.234"`` -> (1234, count); ``"12,5%"`` -> (12.5, percent); ``"Rp 125 jt"`` -> (125e6, money).
    """
    match = _NUMBER.match(text.strip().replace("\u00a0", " "))
    if not match:
        return None
    number = float(match["int"].replace(".", "") + ("." + match["frac"] if match["frac"] else ""))
    number *= _UNITS.get(match["unit"] or "", 1.0)
    if match["sign"] in ("-", "\u2212"):
        number = -number
    form = "money" if match["rp"] else ("percent" if match["suffix"] else "count")
    return number, form


def read(cell: object, k: int = K) -> Reading:
    """A cell as a reader reads it: screen text (Indonesian), or a number / text cell of a download."""
    if cell is None or isinstance(cell, bool):
        return Reading("none") if cell is None else Reading("text")
    if isinstance(cell, (int, float, np.integer, np.floating)):
        return Reading("none") if math.isnan(float(cell)) else Reading("number", float(cell))
    if fmt.is_none(cell):
        return Reading("none")
    text = str(cell).strip()
    if text in ("", fmt.NONE):
        return Reading("none")
    if text == small_label(k):
        return Reading("small")
    if text == HIDDEN_MARK:
        return Reading("hidden")
    parsed = parse_number(text)
    if parsed is not None:
        return Reading("number", parsed[0], parsed[1])  # type: ignore[arg-type]
    return Reading("text")


def is_small(value: float, k: int = K) -> bool:
    """A number a count of people may not show: 1 to k-1 (anything strictly between 0 and k)."""
    return 0 < abs(value) < k


def unrounded(value: float, b: int = B) -> bool:
    """A shown count of people that is not a multiple of b: it was not published by the rules."""
    return not math.isclose(value / b, round(value / b), abs_tol=1e-9)


def count_problem(cell: object, k: int = K, b: int = B) -> str | None:
    """Why ``cell`` of a count of people may not be shown; None when it may (0, a multiple of b from k, ``<k``, hidden, none)."""
    r = read(cell, k)
    if r.state == "number":
        if r.form not in ("", "count"):
            return f"a count written as {r.form}: {cell!r}"
        if is_small(r.value, k):
            return f"small count {cell!r}"
        if unrounded(r.value, b):
            return f"count {cell!r} not rounded to a multiple of {b}"
        return None
    if r.state == "text":
        return f"unreadable count {cell!r}"
    return None


def shown(r: Reading) -> bool:
    return r.state == "number"


# --- tables ----------------------------------------------------------------------------------------
def table_problems(frame: pd.DataFrame, k: int = K, where: str = "") -> list[str]:
    """Every cell of ``frame`` (headers are user labels) that shows a small count or a figure resting on one."""
    problems: list[str] = []
    columns = {str(c): c for c in frame.columns}
    measures = {h: MEASURE_BY_LABEL[h] for h in columns if h in MEASURE_BY_LABEL}
    label_of = {m.name: h for h, m in measures.items()}
    first = frame.columns[0] if len(frame.columns) else None

    def row_name(i: int) -> str:
        return f"row {i} ({frame[first].iloc[i]!r})" if first is not None else f"row {i}"

    for header, m in measures.items():
        cells = frame[columns[header]].tolist()
        if m.kind == "count":
            for i, cell in enumerate(cells):
                problem = count_problem(cell, k)
                if problem:
                    problems.append(f"{where}{row_name(i)}, {header}: {problem}")
        elif m.kind in BASED_KINDS:
            base = frame[columns[label_of[m.base]]].tolist() if m.base in label_of else None
            numerator = frame[columns[label_of[m.numerator]]].tolist() if m.numerator in label_of else None
            for i, cell in enumerate(cells):
                figure = read(cell, k)
                if figure.state == "text":
                    problems.append(f"{where}{row_name(i)}, {header}: unreadable {cell!r}")
                if not shown(figure):
                    continue
                if base is not None:
                    b = read(base[i], k)
                    if not shown(b) or b.value < MIN_BASE:
                        problems.append(f"{where}{row_name(i)}, {header} {cell!r} shown on base "
                                        f"{label_of[m.base]} = {base[i]!r}")
                if numerator is not None and read(numerator[i], k).state in ("small", "hidden"):
                    problems.append(f"{where}{row_name(i)}, {header} {cell!r} shown with its numerator "
                                    f"{label_of[m.numerator]} hidden ({numerator[i]!r})")
    problems += [where + p for p in gap_problems(frame, k, row_name)]
    return problems


def rate_numerators(rate_percent: float, base: float) -> np.ndarray:
    """Every numerator a reader can take from a shown rate (percent, one decimal) and its shown base."""
    n = np.arange(int(base) + 1)
    return n[np.abs(np.round(n / base * 100, 1) - rate_percent) <= 0.051]


def gap_problems(frame: pd.DataFrame, k: int = K, row_name: Callable[[int], str] = lambda i: f"row {i}") -> list[str]:
    """Rows where a rate's base minus its numerator, both read off the row, is a small count of people.

    Read from the two counts where both are columns, else from the rate and its
    base (rate x base is the numerator): flagged where every numerator the shown
    rate allows leaves a small difference.
    """
    problems: list[str] = []
    columns = {str(c): c for c in frame.columns}
    header = {m.name: h for h, m in MEASURE_BY_LABEL.items() if h in columns}
    checked: set[tuple[str, str]] = set()
    for m in RATES_WITH_A_GAP:
        if m.base not in header:
            continue
        bases = [read(c, k) for c in frame[columns[header[m.base]]].tolist()]
        if m.numerator in header:
            if (m.numerator, m.base) in checked:
                continue
            checked.add((m.numerator, m.base))
            tops = [read(c, k) for c in frame[columns[header[m.numerator]]].tolist()]
            for i, (b, n) in enumerate(zip(bases, tops)):
                if shown(b) and shown(n) and is_small(b.value - n.value, k):
                    problems.append(f"{row_name(i)}, {header[m.base]} {b.value:g} minus {header[m.numerator]} "
                                    f"{n.value:g} leaves {b.value - n.value:g} people")
        elif m.name in header:
            rates = [read(c, k) for c in frame[columns[header[m.name]]].tolist()]
            for i, (b, r) in enumerate(zip(bases, rates)):
                if not (shown(b) and shown(r)) or b.value <= 0:
                    continue
                candidates = rate_numerators(r.value, b.value)
                if candidates.size and all(is_small(b.value - n, k) for n in candidates):
                    problems.append(f"{row_name(i)}, {header[m.name]} {r.value:g}% of {header[m.base]} "
                                    f"{b.value:g} leaves {b.value - candidates[0]:g} people or so")
    return problems


# --- charts ----------------------------------------------------------------------------------------
def numbers_of(values: object) -> list[float]:
    """The numbers of a plotly data array: a list, a scalar, or a typed array {dtype, bdata}."""
    if values is None:
        return []
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"])).astype(float).tolist()
    if isinstance(values, (list, tuple)):
        return [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if isinstance(values, (int, float)) and not isinstance(values, bool):
        return [float(values)]
    return []


def texts_of(values: object) -> list[str]:
    if values is None:
        return []
    if isinstance(values, (list, tuple)):
        return ["" if v is None else str(v) for v in values]
    return [str(values)]


_SHARE_SUFFIX = re.compile(r"^(?P<figure>.*\S)\s+\((?P<share>[^()]*%)\)$")  # the funnel: "888 (100,0%)"


def chart_reading(text: str, k: int = K) -> Reading:
    """A chart label or hover value; a funnel label ``"888 (100,0%)"`` reads as its count."""
    match = _SHARE_SUFFIX.match(text.strip())
    return read(match["figure"] if match else text, k)


def _measure_of_trace(trace: dict) -> Measure | None:
    name = str(trace.get("name") or "")
    name = name.rsplit(":", 1)[0] if name.endswith(SMALL_MARK) else name  # the map's "Pendaftaran: <5"
    return MEASURE_BY_LABEL.get(name)


def _axis_form(layout: dict, axis: str) -> str:
    """How the value axis is written: percent, money or count (from its tick labels)."""
    ticks = " ".join(texts_of((layout.get(axis) or {}).get("ticktext")))
    return "percent" if "%" in ticks else ("money" if "Rp" in ticks else "count")


def _trace_form(trace: dict, layout: dict, value_axis: str) -> str:
    """What a bar trace draws: count, percent or money (its measure, else its labels, else its axis)."""
    m = _measure_of_trace(trace)
    if m is not None:
        return "count" if m.kind == "count" else ("percent" if m.kind in fmt.RATE_KINDS else "money")
    for text in texts_of(trace.get("customdata")) + texts_of(trace.get("text")):
        r = chart_reading(text)
        if r.state == "number":
            return r.form
    return _axis_form(layout, value_axis)


_PLACEHOLDER = re.compile(r"%\{[^}]*\}|<[^>]*>")


def _template_problems(trace: dict, k: int) -> list[str]:
    """A hover template may hold labels and placeholders, never a figure written into it."""
    words = _PLACEHOLDER.sub(" ", str(trace.get("hovertemplate") or ""))
    return [f"hover template carries {n!r}" for n in re.findall(r"(?<![\w.,])\d+(?![\w.,])", words)
            if is_small(float(n), k)]


HIDDEN_BLOCK_NAMES = {"disembunyikan", "hidden"}  # lib.charts: a stacked bar's hatched block for its hidden segments


def _hidden_block_problems(trace: dict, heights: list[float], form: str) -> list[str]:
    """The hatched block of hidden segments of counts: one nominal size for every bar, telling nothing of any value.

    (A bar of shares draws its hidden part as 100% less its shown shares: published figures only.)
    """
    sizes = {h for h in heights if h}
    return [f"hidden block drawn at several sizes {sorted(sizes)}"] if form == "count" and len(sizes) > 1 else []


def _bar_problems(trace: dict, layout: dict, k: int) -> list[str]:
    problems: list[str] = []
    horizontal = trace.get("orientation") == "h"
    heights = numbers_of(trace.get("x") if horizontal else trace.get("y"))
    categories = texts_of(trace.get("y") if horizontal else trace.get("x"))
    form = _trace_form(trace, layout, "xaxis" if horizontal else "yaxis")
    if str(trace.get("name")) in HIDDEN_BLOCK_NAMES:
        return _hidden_block_problems(trace, heights, form)
    per_bar = {name: texts_of(trace.get(name)) for name in ("customdata", "text", "hovertext")}
    for name, texts in per_bar.items():
        for i, text in enumerate(texts):
            r = chart_reading(text, k)
            at = categories[i] if i < len(categories) else i
            if r.state == "number" and r.form == "count" and is_small(r.value, k):
                problems.append(f"bar {at!r} {name} reads small count {text!r}")
            elif r.state == "number" and r.form == "count" and form == "count" and unrounded(r.value):
                problems.append(f"bar {at!r} {name} reads {text!r}, not a multiple of {B}")
            if r.state == "text":
                problems.append(f"bar {at!r} {name} unreadable {text!r}")
            if r.state in ("small", "hidden") and i < len(heights) and heights[i] != 0:
                problems.append(f"hidden bar {at!r} ({text!r}) drawn at height {heights[i]:g}")
    if form == "count":
        for i, h in enumerate(heights):
            at = categories[i] if i < len(categories) else i
            if is_small(h, k):
                problems.append(f"bar {at!r} of a count drawn at height {h:g}")
            elif h and unrounded(h):
                problems.append(f"bar {at!r} of a count drawn at height {h:g}, not a multiple of {B}")
    return problems


def _hidden_sizes(trace: dict, k: int = K) -> set[float]:
    """The sizes a trace draws its hidden markers at (a scalar size applies to every marker)."""
    sizes = numbers_of((trace.get("marker") or {}).get("size"))
    hidden = [i for i, text in enumerate(texts_of(trace.get("customdata")))
              if chart_reading(text, k).state in ("small", "hidden")]
    if len(sizes) == 1:
        return {sizes[0]} if hidden else set()
    return {sizes[i] for i in hidden if i < len(sizes)}


def _marker_problems(trace: dict, k: int) -> list[str]:
    """A map of origins: shown counts k or more; hidden ones all one fixed size, not their true one."""
    problems: list[str] = []
    for name in ("customdata", "hovertext", "text"):  # text: the regency names
        for text in texts_of(trace.get(name)):
            r = chart_reading(text, k)
            if r.state == "number" and r.form == "count" and is_small(r.value, k):
                problems.append(f"map marker {name} reads small count {text!r}")
            if r.state == "text" and name == "customdata":
                problems.append(f"map marker {name} unreadable {text!r}")
    sizes = _hidden_sizes(trace, k)
    if len(sizes) > 1:
        problems.append(f"hidden map markers drawn at sizes {sorted(sizes)} (their true values)")
    return problems


def chart_problems(spec: dict, k: int = K) -> list[str]:
    """Every value of a plotly figure (JSON) that gives away a small count."""
    problems: list[str] = []
    layout = spec.get("layout") or {}
    for n, trace in enumerate(spec.get("data") or []):
        kind = trace.get("type", "scatter")
        found = _template_problems(trace, k)
        if kind == "bar":
            found += _bar_problems(trace, layout, k)
        elif "markers" in str(trace.get("mode", "markers")) and "lines" not in str(trace.get("mode", "")):
            found += _marker_problems(trace, k)
        problems += [f"trace {n} ({trace.get('name') or kind}): {p}" for p in found]
    for annotation in layout.get("annotations") or []:
        r = chart_reading(str(annotation.get("text", "")), k)
        if r.state == "number" and r.form == "count" and is_small(r.value, k):
            problems.append(f"annotation reads small count {annotation.get('text')!r}")
    return problems


def hidden_marker_sizes(spec: dict) -> set[float]:
    """The sizes hidden markers are drawn at in a map (one fixed size when all is well)."""
    return {size for trace in spec.get("data") or [] if trace.get("type") != "bar" for size in _hidden_sizes(trace)}


def chart_points(spec: dict) -> list[tuple[str, str, str]]:
    """(measure label, category, value text) of every bar or marker whose trace names a measure."""
    out = []
    for trace in spec.get("data") or []:
        m = _measure_of_trace(trace)
        if m is None:
            continue
        if trace.get("type") == "bar":
            categories = texts_of(trace.get("y") if trace.get("orientation") == "h" else trace.get("x"))
        else:
            categories = texts_of(trace.get("text"))  # the map: regency names
        for category, value in zip(categories, texts_of(trace.get("customdata"))):
            out.append((m.label_id, category, value))
    return out


# --- downloads -------------------------------------------------------------------------------------
_UNIT = re.compile(r" \((?:{})\)$".format("|".join(re.escape(u) for u in sorted(set(UNITS.values())))))
_CSV_CELL = re.compile(r'"((?:[^"]|"")*)"|([^;]*)')


def plain_header(header: object) -> str:
    """A download's header without the unit it carries: ``Pagu (Rp)`` -> ``Pagu``, ``Tingkat bekerja (%)`` -> ..."""
    return _UNIT.sub("", str(header))


def _csv_row(line: str) -> list[object]:
    """One row of an Indonesian CSV: quoted cells are text, bare cells numbers with a decimal comma."""
    cells: list[object] = []
    position = 0
    while True:
        match = _CSV_CELL.match(line, position)
        quoted, bare = match.group(1), match.group(2)
        if quoted is not None:
            cells.append(quoted.replace('""', '"'))
        else:
            cells.append(float(bare.replace(",", ".")) if bare else None)
        position = match.end()
        if position >= len(line) or line[position] != ";":
            return cells
        position += 1


def csv_frame(content: bytes) -> pd.DataFrame:
    """A CSV download read back as a reader's Indonesian Excel would: BOM, ``;``, decimal comma, units in headers."""
    assert content.startswith(b"\xef\xbb\xbf"), "a CSV download must start with a UTF-8 BOM"
    lines = content.decode("utf-8-sig").split("\r\n")
    rows = [_csv_row(line) for line in lines if line]
    header, body = [plain_header(h) for h in rows[0]], rows[1:]
    assert all(len(r) == len(header) for r in body), "ragged CSV rows"
    return pd.DataFrame(body, columns=header, dtype=object)


def xlsx_frame(content: bytes) -> pd.DataFrame:
    """The table of an XLSX download: the header row after the title and filter lines, then rows up to a blank one.

    A rate is stored as a fraction with a percent format: read back in percent, as the screen writes it.
    """
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows()]
    start = 0
    if sum(c.value is not None for c in rows[0]) == 1 and len(rows) > 1:  # a title: the table starts after a blank row
        start = next(i for i, row in enumerate(rows) if all(c.value is None for c in row)) + 1
    header, body = [plain_header(c.value) for c in rows[start]], []
    for row in rows[start + 1:]:
        if all(c.value is None for c in row):
            break
        body.append([c.value * 100 if isinstance(c.value, (int, float)) and "%" in (c.number_format or "")
                     else c.value for c in row])
    return pd.DataFrame(body, columns=header, dtype=object)


def same_as_screen(screen: pd.DataFrame, download: pd.DataFrame, k: int = K, where: str = "") -> list[str]:
    """Where a download differs from the table on screen: headers, rows, hidden cells or figures."""
    if [str(c) for c in screen.columns] != [str(c) for c in download.columns]:
        return [f"{where}headers differ: screen {list(screen.columns)} vs download {list(download.columns)}"]
    if len(screen) != len(download):
        return [f"{where}{len(screen)} rows on screen, {len(download)} in the download"]
    problems = []
    for column in screen.columns:
        if str(column) not in MEASURE_BY_LABEL:
            continue
        for i, (a, b) in enumerate(zip(screen[column].tolist(), download[column].tolist())):
            ra, rb = read(a, k), read(b, k)
            if ra.state != rb.state or ra.state == "number" and not math.isclose(ra.value, rb.value, rel_tol=1e-9, abs_tol=0.051):
                problems.append(f"{where}row {i}, {column}: screen {a!r}, download {b!r}")
    return problems


# --- one run of a page, collected -----------------------------------------------------------------
@dataclass
class Rendered:
    """Every figure one AppTest run rendered, each under the key of the container it sits in (None: none)."""

    metrics: list[tuple[str | None, Any]] = field(default_factory=list)
    tables: list[tuple[str | None, pd.DataFrame]] = field(default_factory=list)
    charts: list[tuple[str | None, dict]] = field(default_factory=list)
    downloads: list[tuple[str | None, str, bytes | None]] = field(default_factory=list)  # (group, key, bytes)
    empty: bool = False

    def counts(self) -> dict[str, int]:
        return {"metrics": len(self.metrics), "tables": len(self.tables), "charts": len(self.charts),
                "downloads": len(self.downloads)}


# Streamlit hands a callable download's bytes out on the click only; the sweep keeps each callable
# as it is registered, so it can build exactly the bytes the button would.
_DEFERRED: dict[str, Callable[[], Any]] = {}


def _key_of(element_id: str) -> str:
    return element_id.rsplit("-", 1)[-1] if element_id else ""


def collect(at: AppTest, xlsx: bool = True) -> Rendered:
    """Every metric, table, chart and download of the main area of ``at``'s last run.

    ``xlsx=False``: XLSX buttons are counted but their files not built (``None``): the
    CSV beside each is built from the same table, and building workbooks is slow.
    """
    out = Rendered()

    def walk(node: Any, group: str | None) -> None:
        kind = getattr(node, "type", "")
        proto = getattr(node, "proto", None)
        children = getattr(node, "children", None)
        if children is not None and kind not in ("metric", "dataframe", "table", "download_button"):
            block_id = getattr(proto, "id", "") if proto is not None else ""
            inner = _key_of(block_id) or group
            for child in children.values():
                walk(child, inner)
            return
        if kind == "metric":
            out.metrics.append((group, node))
        elif kind in ("dataframe", "table"):
            out.tables.append((group, node.value))
        elif kind == "plotly_chart":
            out.charts.append((group, json.loads(proto.spec)))
        elif kind == "download_button":
            key = _key_of(proto.id)
            if not proto.HasField("deferred_file_id"):
                raise AssertionError(f"download {key}: bytes not built by a callable, cannot read them back")
            content = None
            if xlsx or not key.endswith("_xlsx"):
                content = _DEFERRED[proto.deferred_file_id]()
                content = content.encode("utf-8") if isinstance(content, str) else content
            out.downloads.append((group, key, content))
        elif kind == "info" and getattr(node, "value", None) == EMPTY_WORDS:
            out.empty = True

    walk(at.main, None)
    return out


# --- the sweep's oracle: the published figures behind each KPI tile, made here from lib ---------------
@dataclass(frozen=True)
class Scenario:
    """One filter state: its id, the sidebar choices that make it (URL parameter -> choice), and the Filters it means."""

    name: str
    widgets: dict[str, Any]
    filters: Filters
    profile: str | None = None


def scenarios() -> list[Scenario]:
    """Everything, then each choice every filter offers on the demo: a value or a named group."""
    out = [Scenario("default", {}, Filters())]
    for offer in OFFERED:
        out += [Scenario(f"{offer.spec.param}={name}", {offer.spec.param: name}, Filters.of(**{offer.spec.name: name}))
                for name in offer.names()]
    return out


SCENARIOS = scenarios()


def metric_problems(group: str | None, tile: Any, scenario: Scenario, oracle: Callable[..., pd.DataFrame],
                    k: int = K) -> list[str]:
    """A KPI tile showing a small or unrounded count, a rate / median / per-person figure resting on less than 2b
    published people or on a hidden numerator, or a change from a period whose figure is hidden.

    ``oracle(filters, table, by)`` gives the published table (hidden figures NaN) the tile must come from.
    """
    title, value, delta = tile.label, tile.value, tile.delta
    m = MEASURE_BY_LABEL.get(title)
    if m is None:
        return [f"tile {title!r} ({value!r}) is not a registered figure: its privacy cannot be checked"]
    where = f"tile {title!r} = {value!r}: "
    problems = []
    if m.kind == "count":
        problem = count_problem(value, k)
        if problem:
            problems.append(where + problem)
    for exact in re.findall(r"\*\*(.+?)\*\*", tile.proto.help or ""):  # the full value of a shortened tile
        if m.kind == "count" and count_problem(exact, k):
            problems.append(where + f"its help reads {exact!r}")
    if m.kind not in BASED_KINDS and m.kind != "count":
        return problems
    if group not in METRIC_SOURCES:
        return problems + [f"{where}tiles in {group!r}: their source table is unknown to the sweep"]
    filters = scenario.filters
    if scenario.profile is not None:
        filters = filters.with_choice("village", scenario.profile)  # the profile's tiles: one village
    table = METRIC_SOURCES[group]

    def number(row: pd.Series, column: str | None) -> float:
        return float("nan") if column is None or pd.isna(row[column]) else float(row[column])

    def rests_on_enough(row: pd.Series) -> bool:
        if m.kind == "count":
            return math.isnan(number(row, m.name)) or not is_small(number(row, m.name), k)
        base = number(row, m.base)
        if math.isnan(base) or base < MIN_BASE:
            return False
        return not (m.numerator and math.isnan(number(row, m.numerator)))

    if m.kind in BASED_KINDS and shown(read(value, k)):
        total = oracle(filters, table, ())
        if not rests_on_enough(total.iloc[0]):
            problems.append(where + f"shown, but it rests on published {m.base} = {total[m.base].iloc[0]}"
                            + (f", {m.numerator} = {total[m.numerator].iloc[0]}" if m.numerator else ""))
    if delta:
        # The change compares two periods (lib.periods: a year with the year before, a named period with the one
        # of its length before it, every year: the last year with the one before): both figures must be shown.
        compared = periods.comparison(DEMO_DATA, filters, oracle(filters, table, (Participants.year,)))
        if compared is None:
            return problems + [where + f"change {delta!r} shown, but there is no previous period to compare with"]
        for name, period_filters in ((compared.latest, compared.latest_filters),
                                     (compared.before, compared.before_filters)):
            row = oracle(period_filters, table, ()).iloc[0]
            if math.isnan(number(row, m.name)) or not rests_on_enough(row):
                problems.append(where + f"change {delta!r} shown, but {name} publishes "
                                + ", ".join(f"{c} = {row[c]}" for c in (m.name, m.base, m.numerator) if c))
    return problems


def rendered_problems(rendered: Rendered, scenario: Scenario, oracle: Callable[..., pd.DataFrame],
                      k: int = K, tally: Counter | None = None) -> list[str]:
    """Every problem of every figure one run rendered (``tally`` counts the chart points compared)."""
    problems: list[str] = []
    for group, tile in rendered.metrics:
        problems += [f"[{group}] {p}" for p in metric_problems(group, tile, scenario, oracle, k)]
    screens: dict[str | None, pd.DataFrame] = {}
    for group, frame in rendered.tables:
        problems += table_problems(frame, k, f"[{group} table] ")
        screens.setdefault(group, frame)
    for group, spec in rendered.charts:
        problems += [f"[{group} chart] {p}" for p in chart_problems(spec, k)]
        problems += chart_matches_table(spec, screens.get(group), k, f"[{group} chart] ", tally)
    for group, key, content in rendered.downloads:
        if content is None:
            continue
        frame = csv_frame(content) if key.endswith("_csv") else xlsx_frame(content)
        where = f"[{key} download] "
        problems += table_problems(frame, k, where)
        if group in screens:
            problems += same_as_screen(screens[group], frame, k, where)
        else:
            problems.append(where + "no table on screen beside it to compare with")
    return problems


def _how_shown(r: Reading) -> str:
    return r.state if r.state in ("small", "hidden") else "shown"


def chart_matches_table(spec: dict, screen: pd.DataFrame | None, k: int = K, where: str = "",
                        tally: Counter | None = None) -> list[str]:
    """A bar or marker of a measure hidden exactly where the table beside it hides that measure.

    ``tally`` counts the points compared, and those whose category the table writes differently.
    """
    if screen is None:
        return []
    tally = Counter() if tally is None else tally
    problems = []
    dims = [c for c in screen.columns if str(c) not in MEASURE_BY_LABEL and str(c) != NOTE_LABEL["id"]]
    for header, category, value in chart_points(spec):
        if header not in screen.columns:
            continue
        rows = [i for d in dims for i, v in enumerate(screen[d].tolist()) if str(v) == category]
        if len(set(rows)) != 1:
            tally["points_unmatched"] += 1  # a category the table writes differently
            continue
        tally["points_compared"] += 1
        cell = screen[header].iloc[rows[0]]
        if _how_shown(chart_reading(value, k)) != _how_shown(read(cell, k)):
            problems.append(f"{where}{header} of {category!r} drawn {value!r}, listed {cell!r}")
    return problems


# --- fixtures ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def environment(tmp_path_factory):
    """An empty data folder (so the bundled demo is used), k = 5, and download callables kept for reading."""
    patch = pytest.MonkeyPatch()
    folder = tmp_path_factory.mktemp("data")
    install_secret(folder)  # the pages publish with the secret the oracle publishes with
    patch.setenv("DASBOR_DATA_DIR", str(folder))
    patch.setenv("DASBOR_PRIVACY_K", str(K))
    patch.setenv("DASBOR_PRIVACY_B", str(B))
    keep_download_callables(patch, _DEFERRED)
    yield
    patch.undo()
    _DEFERRED.clear()


@pytest.fixture(scope="module")
def demo():
    return prepare_for_tests(load_folder(DEMO_DIR, load_reference(), label="demo", is_demo=True), RULES)


@pytest.fixture(scope="module")
def raw(demo) -> Callable[..., pd.DataFrame]:
    """The published figures of an indicator table (hidden ones NaN), made here from lib, cached per filter."""
    cache: dict[tuple, pd.DataFrame] = {}

    def table(filters: Filters, name: str, by: Sequence[str] = ()) -> pd.DataFrame:
        key = (filters, name, tuple(by))
        if key not in cache:
            cache[key] = published(indicator_table(filtered(demo, filters), name, list(by)), (), RULES)
        return cache[key]

    return table


class Sessions:
    """One AppTest per (page, purpose), reused: switching filters and rerunning is much faster than a new app."""

    def __init__(self):
        self._apps: dict[tuple[str, str], AppTest] = {}

    def app(self, page: str, purpose: str = "sweep") -> AppTest:
        if (page, purpose) not in self._apps:
            at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
            at.run()
            at.switch_page(f"pages/{page}.py").run()
            assert not at.exception, [e.message for e in at.exception]
            self._apps[(page, purpose)] = at
        return self._apps[(page, purpose)]


@pytest.fixture(scope="module")
def sessions(environment) -> Sessions:
    return Sessions()


def apply(at: AppTest, scenario: Scenario) -> AppTest:
    """Set the sidebar to ``scenario`` (every other filter: everything) and rerun."""
    for spec in FILTERS:
        at.selectbox(key=spec.param).set_value(scenario.widgets.get(spec.param, ""))
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    # The page says which filters it applied: the sweep must not check the default page again and again.
    captions = " ".join(c.value for c in at.main.caption)
    assert all(line in captions for line in scenario.filters.describe("id")), (scenario.name, captions)
    return at


# What each page must render with the default filters, at least (metrics, tables, charts, downloads):
# the sweep fails rather than check nothing when a page stops rendering (or the collector stops seeing) them.
MINIMUM = {
    "ringkasan": {"metrics": 9, "tables": 1, "charts": 1, "downloads": 2},
    "desa": {"metrics": 0, "tables": 2, "charts": 2, "downloads": 4},
    "program": {"metrics": 0, "tables": 4, "charts": 4, "downloads": 8},
    "daerah_asal": {"metrics": 0, "tables": 6, "charts": 6, "downloads": 12},
    "anggaran": {"metrics": 3, "tables": 8, "charts": 7, "downloads": 16},
    "hasil": {"metrics": 5, "tables": 3, "charts": 3, "downloads": 6},
    "panduan": {"metrics": 0, "tables": 4, "charts": 0, "downloads": 0},
}
PROFILE_MINIMUM = {"metrics": 8, "tables": 7, "charts": 6, "downloads": 14}  # the by-village figures and the profile
PICKERS_AT_LEAST = {"ringkasan": 1, "desa": 2, "program": 2, "daerah_asal": 3}

def layout_problems(rendered: Rendered) -> list[str]:
    """A figure's table without its two downloads beside it, or a download without its table: something unseen."""
    tables = Counter(group for group, _ in rendered.tables if group is not None)
    files = Counter(group for group, _, _ in rendered.downloads)
    return [f"[{group}] {tables[group]} table(s) on screen, {files[group]} download(s)"
            for group in sorted(set(tables) | set(files), key=str) if files[group] != 2 * tables[group]]


class Sweep:
    """Every check of the sweep, each run once per module and remembered with what it saw.

    A test of one page, profile or picker asks for its own check; the test that
    the sweep saw enough asks for all of them (those already run are not run
    again), so no test depends on which tests ran before it.
    """

    def __init__(self, sessions: Sessions, raw: Callable[..., pd.DataFrame]):
        self.sessions, self.raw = sessions, raw
        self.seen: dict[str, Counter] = defaultdict(Counter)  # figures by where they were seen, and in "all"
        self.map_hidden_sizes: set[float] = set()
        self._done: set[str] = set()

    def page(self, page: str, scenario: Scenario) -> None:
        """One page under one filter state: no small count, and at least its figures (default filters)."""
        where = f"{page} [{scenario.name}]"
        if where in self._done:
            return
        at = apply(self.sessions.app(page), scenario)
        minimum = MINIMUM[page] if scenario.name == "default" else None
        # Workbooks are read back with the default filters, the profiles and the pickers; CSV everywhere.
        rendered = self._check(at, scenario, minimum, where, xlsx=scenario.name == "default")
        if scenario.name != "default" and not rendered.empty and page != "panduan":
            # A single filter may leave single figures empty, never the whole page without a figure.
            assert rendered.tables, f"{where} rendered no table and no empty state"
        self._done.add(where)

    def profile(self, village: str) -> None:
        """The Desa page's profile of one village."""
        where = f"desa [profil_desa={village}]"
        if where in self._done:
            return
        at = self.sessions.app("desa", "profile")
        at.selectbox(key=KEY_PROFILE).set_value(village).run()
        assert not at.exception, [e.message for e in at.exception]
        scenario = Scenario(f"profil={village}", {}, Filters(), profile=village)
        rendered = self._check(at, scenario, PROFILE_MINIMUM, where)
        assert any(group == "profil_kpi" for group, _ in rendered.metrics)
        self._done.add(where)

    def pickers(self, page: str) -> None:
        """Every measure of every measure picker of ``page``, drawn by its chart."""
        where = f"{page} [pickers]"
        if where in self._done:
            return
        at = self.sessions.app(page, "picker")
        pickers = [s.key for s in at.selectbox if s.key and s.key.endswith(PICKER_SUFFIX)]
        assert len(pickers) >= PICKERS_AT_LEAST[page], f"{page}: measure pickers found: {pickers}"
        scenario = SCENARIOS[0]
        for key in pickers:
            options = at.selectbox(key=key).options
            for i, option in enumerate(options):
                at.selectbox(key=key).select_index(i).run()
                assert not at.exception, [e.message for e in at.exception]
                rendered = self._check(at, scenario, MINIMUM[page], f"{page} [{key} = {option}]")
                figure = key.removesuffix(PICKER_SUFFIX)
                specs = [spec for group, spec in rendered.charts if group == figure]
                drawn = [t.get("name") for spec in specs for t in spec["data"]]
                # A bar chart names its trace after the measure; a stacked one names its parts and says the measure
                # in its hover text.
                said = " ".join(str(t.get("hovertemplate") or "") + json.dumps(spec.get("layout", {}))
                                for spec in specs for t in spec["data"])
                assert option in drawn or option in said, (
                    f"{page} [{key} = {option}]: the chart draws {drawn}, not the picked measure")
                self.seen["all"]["picked"] += 1
            at.selectbox(key=key).select_index(0).run()
        self._done.add(where)

    def everything(self) -> None:
        """Every check of the sweep (each at most once)."""
        for page, scenario in ((p.values[0], p.values[1]) for p in SWEEP):
            self.page(page, scenario)
        for village in VILLAGES:
            self.profile(village)
        for page in PICKERS_AT_LEAST:
            self.pickers(page)

    def _check(self, at: AppTest, scenario: Scenario, minimum: dict[str, int] | None, where: str,
               xlsx: bool = True) -> Rendered:
        rendered = collect(at, xlsx)
        self._tally(where, rendered)
        if minimum is not None:
            assert not rendered.empty, f"{where}: the page shows no figures"
            few = {what: (rendered.counts()[what], least) for what, least in minimum.items()
                   if rendered.counts()[what] < least}
            assert not few, f"{where}: too few figures collected (found, expected at least): {few}"
        problems = rendered_problems(rendered, scenario, self.raw, tally=self.seen["all"]) + layout_problems(rendered)
        assert not problems, f"{where}: {len(problems)} figure(s) give a small count away:\n" + "\n".join(problems)
        return rendered

    def _tally(self, where: str, rendered: Rendered) -> None:
        self.seen[where].update(rendered.counts())
        self.seen["all"].update(rendered.counts())
        self.seen["all"]["runs"] += 1
        marks = Counter()
        for _, frame in rendered.tables:
            for column in frame.columns:
                if str(column) in MEASURE_BY_LABEL:
                    marks.update(read(c).state for c in frame[column].tolist())
        for _, tile in rendered.metrics:
            marks.update([read(tile.value).state])
        for _, spec in rendered.charts:
            self.map_hidden_sizes.update(hidden_marker_sizes(spec))
            marks.update(chart_reading(t).state for trace in spec.get("data") or []
                         for t in texts_of(trace.get("customdata")))
        for _, key, content in rendered.downloads:
            self.seen["all"]["files_read"] += content is not None
            if key.endswith("_csv"):
                frame = csv_frame(content)
                marks.update(f"download_{read(c).state}" for column in frame.columns
                             if column in MEASURE_BY_LABEL for c in frame[column].tolist())
        self.seen["all"].update(marks)


@pytest.fixture(scope="module")
def sweep(sessions, raw) -> Sweep:
    return Sweep(sessions, raw)


# --- the sweep -------------------------------------------------------------------------------------
SWEEP = [pytest.param(page, scenario, id=f"{page}-{scenario.name}") for page in PAGES for scenario in SCENARIOS]


@pytest.mark.slow
@pytest.mark.parametrize(("page", "scenario"), SWEEP)
def test_no_page_shows_a_small_count(sweep, page, scenario):
    sweep.page(page, scenario)


@pytest.mark.slow
@pytest.mark.parametrize("village", VILLAGES)
def test_village_profile_shows_no_small_count(sweep, village):
    sweep.profile(village)


@pytest.mark.slow
@pytest.mark.parametrize("page", list(PICKERS_AT_LEAST))
def test_every_measure_a_chart_can_pick_shows_no_small_count(sweep, page):
    sweep.pickers(page)


def test_the_sweep_covers_the_demo(demo):
    years = pd.concat([demo.participants[Participants.year], demo.budget[Participants.year]]).dropna()
    assert (int(years.min()), int(years.max())) == (YEARS[0], YEARS[-1])
    assert len(VILLAGES) == 10 and len(PROGRAMS) == 4
    assert len(MEASURE_BY_LABEL) == len(MEASURES), "two figures share a label: the checker could mistake one"


# --- the checker, on planted small counts ------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("1.234", (1234.0, "count")),
    ("0", (0.0, "count")),
    ("3", (3.0, "count")),
    ("12,5%", (12.5, "percent")),
    ("100,0%", (100.0, "percent")),
    ("Rp 1.234.567", (1234567.0, "money")),
    ("Rp 125 jt", (125e6, "money")),
    ("Rp 1,2 M", (1.2e9, "money")),
    ("Rp 2,53 T", (2.53e12, "money")),
    ("Rp 1,5 rb", (1500.0, "money")),
    ("-Rp 5 jt", (-5e6, "money")),
    ("+12", (12.0, "count")),
    ("-86", (-86.0, "count")),
    ("±0", (0.0, "count")),
    ("-2,5 poin", (-2.5, "percent")),
    ("—", None), ("<5", None), ("disembunyikan", None), ("Pare", None), ("2019–2024", None), ("", None),
])
def test_parse_number(text, expected):
    assert parse_number(text) == expected


@given(st.integers(min_value=0, max_value=10**12))
@settings(deadline=None)
def test_parse_number_reads_back_every_count_and_rupiah(n):
    assert parse_number(fmt.count(n)) == (float(n), "count")
    assert parse_number(fmt.rupiah(n)) == (float(n), "money")


@given(st.floats(min_value=0, max_value=1))
@settings(deadline=None)
def test_parse_number_reads_back_every_percentage(rate):
    value, form = parse_number(fmt.percent(rate))
    assert form == "percent" and math.isclose(value, round(rate * 100, 1), abs_tol=0.051)


@pytest.mark.parametrize(("cell", "state"), [
    ("<5", "small"), ("disembunyikan", "hidden"), ("—", "none"), ("", "none"), (None, "none"),
    (float("nan"), "none"), (pd.NA, "none"), (3.0, "number"), ("1.234", "number"), ("<3", "text"),
    ("Pare", "text"),
])
def test_read(cell, state):
    assert read(cell).state == state


def _frame(**columns) -> pd.DataFrame:
    return pd.DataFrame(columns, dtype=object)


def written(frame: pd.DataFrame) -> tuple[bytes, bytes]:
    """The CSV and XLSX a download writes for ``frame`` (a display frame: user labels as headers), in Indonesian."""
    kinds = tuple(MEASURE_BY_LABEL[str(c)].kind if str(c) in MEASURE_BY_LABEL else None for c in frame.columns)
    sheet = export.Sheet(frame, kinds, title="Uji", context=("Semua data",), lang="id")
    return export.csv_file(sheet), export.xlsx_file(sheet)


@pytest.mark.parametrize(("frame", "found"), [
    (_frame(**{"Desa/kelurahan": ["Pare", "Gurah"], "Peserta": ["15", "3"]}), "small count '3'"),
    (_frame(**{"Desa/kelurahan": ["Pare", "Gurah"], "Peserta": ["15", "12"]}), "count '12' not rounded to a multiple of 5"),
    (_frame(**{"Desa/kelurahan": ["Pare"], "Pendaftaran": [1233.0]}), "not rounded"),
    (_frame(**{"Desa/kelurahan": ["Pare"], "Pendaftaran": [4.0]}), "small count 4.0"),
    (_frame(**{"Desa/kelurahan": ["Pare"], "Pendaftaran": ["<3"]}), "unreadable count '<3'"),
    (_frame(**{"Desa/kelurahan": ["Pare"], "Terpantau": ["<5"], "Bekerja atau usaha mandiri": ["<5"],
               "Tingkat bekerja": ["50,0%"]}), "shown on base"),
    (_frame(**{"Desa/kelurahan": ["Pare"], "Terpantau": ["5"], "Bekerja atau usaha mandiri": ["0"],
               "Tingkat bekerja": ["0,0%"]}), "shown on base"),  # a published base below 2b
    (_frame(**{"Desa/kelurahan": ["Pare"], "Terpantau": ["40"], "Bekerja atau usaha mandiri": ["<5"],
               "Tingkat bekerja": ["7,5%"]}), "numerator"),
    (_frame(**{"Desa/kelurahan": ["Pare"], "Penghasilan tercatat": ["disembunyikan"],
               "Median penghasilan bulanan": ["Rp 1.500.000"]}), "shown on base"),
    # a base of 51 beside a numerator of 48: 3 people dropped out
    (_frame(**{"Desa/kelurahan": ["Keras"], "Selesai atau tidak selesai": ["51"], "Selesai": ["48"],
               "Tingkat kelulusan": ["94,1%"]}), "Selesai atau tidak selesai 51 minus Selesai 48 leaves 3 people"),
    (_frame(**{"Tahun": ["2020"], "Daerah asal diketahui": ["7"], "Pendatang": ["5"]}),
     "Daerah asal diketahui 7 minus Pendatang 5 leaves 2 people"),
    # the rate and its base without the numerator: 94,1% of 51 is 48
    (_frame(**{"Desa/kelurahan": ["Keras"], "Terpantau": ["51"], "Tingkat bekerja": ["94,1%"]}),
     "Tingkat bekerja 94.1% of Terpantau 51 leaves 3 people"),
])
def test_the_checker_finds_a_small_count_in_a_table(frame, found):
    problems = table_problems(frame)
    assert any(found in p for p in problems), problems


def test_the_checker_passes_a_suppressed_table():
    frame = _frame(**{"Desa/kelurahan": ["Pare", "Gurah", "Keras"], "Peserta": ["15", "<5", "disembunyikan"],
                      "Terpantau": ["40", "<5", "0"], "Bekerja atau usaha mandiri": ["20", "<5", "0"],
                      "Tingkat bekerja": ["50,0%", "disembunyikan", "—"], "Pagu": ["Rp 3", "Rp 1", "Rp 2"],
                      NOTE_LABEL["id"]: ["", "Peserta <5 disembunyikan", ""]})
    assert table_problems(frame) == []


def test_the_checker_passes_gaps_of_0_and_of_k_or_more_and_a_hidden_numerator():
    frame = _frame(**{"Desa/kelurahan": ["Pare", "Gurah", "Keras", "Kras"],
                      "Selesai atau tidak selesai": ["50", "50", "50", "disembunyikan"],
                      "Selesai": ["50", "45", "disembunyikan", "45"],
                      "Tingkat kelulusan": ["100,0%", "90,0%", "disembunyikan", "disembunyikan"],
                      "Terpantau": ["50", "50", "2.000", "0"], "Tingkat bekerja": ["100,0%", "90,0%", "99,0%", "—"]})
    assert table_problems(frame) == []


def test_the_checker_finds_a_small_gap_in_a_download():
    # Planted: the download holds numbers, the screen Indonesian text; both are caught.
    frame = pd.DataFrame({"Desa/kelurahan": ["Pare", "Keras"], "Selesai atau tidak selesai": [60, 51],
                          "Selesai": [50, 48], "Tingkat kelulusan": [83.3, 94.1], NOTE_LABEL["id"]: ["", ""]})
    for content, read_back in zip(written(frame), (csv_frame, xlsx_frame)):
        problems = table_problems(read_back(content), where="[x download] ")
        assert "[x download] row 1 ('Keras'), Selesai atau tidak selesai 51 minus Selesai 48 leaves 3 people" in \
            problems, problems
    without_numerator = frame.drop(columns=["Selesai"]).rename(columns={
        "Selesai atau tidak selesai": "Terpantau", "Tingkat kelulusan": "Tingkat bekerja"})
    assert any("94.1% of Terpantau 51" in p for p in table_problems(csv_frame(written(without_numerator)[0])))


def _bar(heights, text, name="Peserta", horizontal=False) -> dict:
    values = {"dtype": "f8", "bdata": base64.b64encode(np.array(heights, dtype="f8").tobytes()).decode()}
    categories = [f"c{i}" for i in range(len(heights))]
    axes = {"x": values, "y": categories} if horizontal else {"x": categories, "y": values}
    return {"data": [{"type": "bar", "name": name, "orientation": "h" if horizontal else "v", **axes,
                      "text": text, "customdata": text, "hovertemplate": "<b>%{x}</b><br>" + name + ": %{customdata}"}],
            "layout": {"yaxis": {"ticktext": ["0", "5", "10"]}}}


@pytest.mark.parametrize(("spec", "found"), [
    (_bar([15, 3], ["15", "3"]), "reads small count '3'"),
    (_bar([15, 12], ["15", "12"]), "drawn at height 12, not a multiple of 5"),
    (_bar([12, 3], ["12", "<5"]), "drawn at height 3"),
    (_bar([12, 0], ["12", "3"], horizontal=True), "reads small count '3'"),
    (_bar([12, 2], ["12", "2"], name="Lokal"), "drawn at height 2"),  # a stacked segment: kind from its labels
    (_bar([120, 4], ["120 (100,0%)", "4 (3,3%)"], name=""), "reads small count '4 (3,3%)'"),  # the funnel
    (_bar([0.5, 0.2], ["50,0%", "disembunyikan"], name="Tingkat bekerja"), "hidden bar 'c1'"),
    (_bar([2, 3], ["<5", "<5"], name="disembunyikan"), "hidden block drawn at several sizes"),
    ({"data": [{"type": "scattergeo", "mode": "markers", "name": "Pendaftaran: <5", "text": ["A", "B"],
                "customdata": ["<5", "<5"], "marker": {"size": [9, 12]}}], "layout": {}}, "sizes [9.0, 12.0]"),
    ({"data": [{"type": "scattergeo", "mode": "markers", "name": "Pendaftaran", "text": ["A"],
                "customdata": ["2"], "marker": {"size": [10]}}], "layout": {}}, "small count '2'"),
    ({"data": [{"type": "bar", "x": ["A"], "y": [10], "customdata": ["10"],
                "hovertemplate": "%{x}: 3 orang"}], "layout": {}}, "hover template carries '3'"),
])
def test_the_checker_finds_a_small_count_in_a_chart(spec, found):
    problems = chart_problems(spec)
    assert any(found in p for p in problems), problems


def test_the_checker_finds_a_chart_that_shows_what_its_table_hides():
    table = _frame(**{"Desa/kelurahan": ["c0", "c1"], "Tingkat bekerja": ["50,0%", "disembunyikan"],
                      "Peserta": ["12", "<5"]})
    rate = _bar([0.5, 0.2], ["50,0%", "20,0%"], name="Tingkat bekerja")
    assert chart_matches_table(rate, table) == ["Tingkat bekerja of 'c1' drawn '20,0%', listed 'disembunyikan'"]
    count = _bar([12, 0], ["12", "disembunyikan"])
    assert chart_matches_table(count, table) == ["Peserta of 'c1' drawn 'disembunyikan', listed '<5'"]
    assert chart_matches_table(_bar([12, 0], ["12", "<5"]), table) == []


def test_the_checker_passes_a_suppressed_chart():
    spec = _bar([15, 0, 0, 0], ["15", "<5", "disembunyikan", "0"])
    rate = _bar([0.25, 0.0, 1.0], ["25,0%", "disembunyikan", "100,0%"], name="Tingkat bekerja")
    assert chart_problems(spec) == [] and chart_problems(rate) == []


@dataclass
class _Tile:
    label: str
    value: str
    delta: str = ""
    proto: Any = field(default_factory=lambda: type("Proto", (), {"help": ""})())


def _raw_stub(total: dict, by_year: list[dict] | None = None) -> Callable[..., pd.DataFrame]:
    """An oracle answering ``total``, its rows by year, or one year's row (a year filter)."""
    def table(filters: Filters, name: str, by: Sequence[str] = ()) -> pd.DataFrame:
        if by:
            return pd.DataFrame(by_year)
        year = filters.get("year")
        return pd.DataFrame([r for r in by_year or [] if str(r["year"]) == str(year)] if year else [total])

    return table


NAN = float("nan")


@pytest.mark.parametrize(("tile", "total", "by_year", "found"), [
    (_Tile("Peserta", "3"), {}, None, "small count '3'"),
    (_Tile("Peserta", "12"), {}, None, "not rounded to a multiple of 5"),
    (_Tile("Tingkat kelulusan", "75,0%"), {"completion_base": 5, "completed": 5}, None, "rests on"),
    (_Tile("Tingkat bekerja", "10,0%"), {"followed_up": 30, "working": NAN}, None, "rests on"),
    (_Tile("Tingkat kelulusan", "94,1%"), {"completion_base": NAN, "completed": 45}, None, "rests on"),
    (_Tile("Peserta", "30", delta="+30"), {"participants": 30},
     [{"year": 2024, "participants": NAN}, {"year": 2025, "participants": 30}], "change '+30' shown"),
    (_Tile("Jumlah orang", "30"), {}, None, "not a registered figure"),
])
def test_the_checker_finds_a_small_count_in_a_tile(tile, total, by_year, found):
    problems = metric_problems("ringkasan_kpi", tile, SCENARIOS[0], _raw_stub(total, by_year))
    assert any(found in p for p in problems), problems


def test_the_checker_passes_a_tile_on_enough_published_people():
    tile = _Tile("Tingkat kelulusan", "90,0%", delta="+5,0 poin")
    by_year = [{"year": 2024, "completion_base": 20, "completed": 15, "completion_rate": 0.75},
               {"year": 2025, "completion_base": 50, "completed": 45, "completion_rate": 0.9}]
    stub = _raw_stub({"completion_base": 70, "completed": 60}, by_year)
    assert metric_problems("ringkasan_kpi", tile, SCENARIOS[0], stub) == []


def test_the_checker_reads_downloads_back_and_finds_a_small_count():
    frame = pd.DataFrame({"Desa/kelurahan": ["Pare", "=Gurah"], "Peserta": [15, 3], "Pagu": [1_000_000, 2_500_000],
                          "Tingkat bekerja": [12.5, 50.0], NOTE_LABEL["id"]: ["", ""]})
    for content, read_back in zip(written(frame), (csv_frame, xlsx_frame)):
        back = read_back(content)
        assert list(back.columns) == list(frame.columns) and len(back) == 2  # units read off the headers
        assert back["Tingkat bekerja"].tolist() == [12.5, 50.0] and back["Desa/kelurahan"].tolist()[1] == "'=Gurah"
        assert any("small count 3" in p for p in table_problems(back)), back
    screen = _frame(**{"Desa/kelurahan": ["Pare", "=Gurah"], "Peserta": ["15", "<5"], "Pagu": ["Rp 1", "Rp 2"],
                       "Tingkat bekerja": ["12,5%", "50,0%"], NOTE_LABEL["id"]: ["", ""]})
    assert any("screen '<5', download 3" in p for p in same_as_screen(screen, csv_frame(written(frame)[0])))


def test_the_checker_passes_a_published_table_and_its_download(tiny):
    # A real published table through the same lib path as the pages: nothing to report.
    pub = published(indicator_table(prepare_for_tests(tiny, RULES), "summary", ["village"]), (), RULES)
    frame = display_frame(pub, dimensions(pub), RULES)
    sheet = export.download_sheet(pub, dimensions(pub), RULES, "id", title="Uji", context=("Semua data",))
    assert table_problems(frame) == []
    assert table_problems(csv_frame(export.csv_file(sheet))) == []
    assert table_problems(xlsx_frame(export.xlsx_file(sheet))) == []
    assert (frame.astype(str) == SMALL_MARK).any().any(), "the tiny data must have a small village"


def test_the_sweep_catches_a_page_published_with_a_lower_k(environment, raw, monkeypatch):
    """End to end: a page publishing at k = b = 2 shows counts of 2 and 4, and the checks (at 5) find every kind."""
    monkeypatch.setenv("DASBOR_PRIVACY_K", "2")
    monkeypatch.setenv("DASBOR_PRIVACY_B", "2")
    scenario = next(s for s in SCENARIOS if s.name == "desa=Wonojoyo")
    at = apply(Sessions().app("ringkasan", "k=2"), scenario)
    problems = rendered_problems(collect(at), scenario, raw)
    for where in ("[ringkasan_kpi] tile", "[ringkasan_tren table]", "[ringkasan_tren chart]",
                  "[ringkasan_tren_csv download]", "[ringkasan_tren_xlsx download]"):
        assert any(p.startswith(where) for p in problems), (where, problems)


# --- the sweep saw enough ------------------------------------------------------------------------------
@pytest.mark.slow
def test_the_sweep_collected_enough_figures(sweep):
    """The whole sweep (what the tests above have not run yet is run here) looked at many figures, hidden ones
    among them."""
    sweep.everything()
    seen = sweep.seen["all"]
    assert seen["runs"] >= len(SWEEP) + len(VILLAGES)
    for page in PAGES:
        assert sweep.seen[f"{page} [default]"]["tables"] >= MINIMUM[page]["tables"], page
    figures = {what: seen[what] for what in ("metrics", "tables", "charts", "downloads", "files_read",
                                              "picked", "points_compared", "points_unmatched")}
    assert figures["metrics"] >= 600 and figures["tables"] >= 1000 and figures["charts"] >= 900, figures
    assert figures["downloads"] >= 1800 and figures["files_read"] >= 1000, figures
    assert figures["picked"] >= 40, figures
    # Bars and markers checked against the table beside them, cell by cell.
    assert figures["points_compared"] >= 5000, figures
    assert figures["points_unmatched"] <= figures["points_compared"] // 10, figures
    # The demo has small groups: the sweep must have read hidden figures in every form, not only shown ones.
    for state in ("small", "hidden", "download_small", "download_hidden"):
        assert seen[state] >= 50, (state, seen)
    assert len(sweep.map_hidden_sizes) == 1, f"hidden map markers drawn at several sizes: {sweep.map_hidden_sizes}"
