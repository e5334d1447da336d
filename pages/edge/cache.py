"""The data in use and every table computed from it, cached by what they depend on.

- the loaded dataset and its prepared form: ``st.cache_resource``, once per
  process and shared by every session, keyed by the data folder and the id of
  the imported version in use (a new import shows without a restart) and the
  privacy rules (the budget is shared by published enrollments); the first
  visitor sees the spinner while they are made; the bundled demo is checked
  and read once per process whichever data folders show it, again only when
  one of its files changes;
- everything after that is asked again by every rerun and kept by ``lib.memo``
  (keyed by the arguments themselves, most recently used kept, each missing
  value computed once however many sessions ask): the rows of one scope (what
  a village-limited account may read) and what the filters offer there; the
  rows a filter selects (only the last few: at national scale a selection can
  hold hundreds of megabytes); each raw indicator table by filters, table and
  breakdown, so figures showing different measures of one table compute it
  once; each published table, by the same and the measures; each figure as it
  is sent (``lib.drawn``: chart, note, table, text alternative) and whatever a
  page computes from its view alone (tiles, targets), by the view's data,
  rules, scope, filters, language and day. Changing the language recomputes no
  table; changing a filter recomputes only its tables; a rerun showing what
  anyone was already shown builds nothing.

Values are shared by every session and never changed (lib functions return
new frames). The functions taking a View read nothing else: no session state,
no settings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import pandas as pd
import streamlit as st

from lib import figures, keys
from lib import store as data_store
from lib.demo import DEMO_DIR, REGENCIES_FILE, regencies
from lib.drawn import Drawn, Overlay, drawn
from lib.filters import Filters, Offer, Scope, filtered, offers, scoped, with_tables
from lib.indicators import TABLE_READS, indicator_table
from lib.loading import load_folder
from lib.memo import memo
from lib.prepare import prepared
from lib.privacy import Rules
from lib.schema import (
    BUDGET,
    DEFAULT_REFERENCE_FILE,
    PARTICIPANTS,
    Dataset,
    TableName,
    load_reference,
)
from pages.edge.view import DataKey, View

T = TypeVar("T")
BASEMAP_FILE = Path(__file__).resolve().parent.parent.parent / "data" / "basemap_indonesia.csv"


def reference_file(folder: Path) -> Path:
    """The data folder's reference lists, else the bundled ones."""
    path = folder / "reference.toml"
    return path if path.exists() else DEFAULT_REFERENCE_FILE


@st.cache_resource(show_spinner=False, max_entries=4)
def loaded(data: DataKey) -> Dataset:
    """The dataset in use: the imported version when there is one, else the bundled demo."""
    root = Path(data.folder)
    if data.version is not None:  # exactly the version the key names, even if another became current since
        reference = load_reference(reference_file(root))
        return data_store.read_version(data_store.default_store(), data.version, reference)
    demo, reference = root / "demo" if (root / "demo").is_dir() else DEMO_DIR, reference_file(root)
    return demo_dataset(demo, reference, files_state(demo, reference))


def files_state(folder: Path, *files: Path) -> tuple[tuple[str, int, int], ...]:
    """(path, modification time, size) of every file in ``folder`` and of ``files``: what a read of them depends on."""
    paths = sorted(p for p in folder.iterdir() if p.is_file()) + list(files)
    return tuple((str(p), (stat := p.stat()).st_mtime_ns, stat.st_size) for p in paths)


@memo(2)
def demo_dataset(folder: Path, reference: Path, state: tuple) -> Dataset:
    """The demo in ``folder`` checked and read with the reference lists in ``reference``: once per process while
    ``state`` (``files_state``) is unchanged, whichever data folders show it."""
    return load_folder(folder, load_reference(reference), label="demo", is_demo=True)


_PREPARED: set[tuple[DataKey, Rules]] = set()  # what prepared_data has made in this process


@st.cache_resource(show_spinner=False, max_entries=4)
def prepared_data(data: DataKey, rules: Rules) -> Dataset:
    """The dataset in use, prepared once: derived columns, record and person keys, the budget shared out."""
    # The demo data has a secret of its own; imported versions share the installation's.
    name = keys.DEMO_SECRET if data.version is None else keys.INSTALLATION_SECRET
    made = prepared(loaded(data), keys.installation_secret(Path(data.folder), name), rules)
    _PREPARED.add((data, rules))
    return made


def was_prepared(data: DataKey, rules: Rules) -> bool:
    """Whether the data was read and prepared for these rules in this process (a visitor need not be told to wait)."""
    return (data, rules) in _PREPARED


@memo(16)
def scoped_data(data: DataKey, rules: Rules, scope: Scope) -> Dataset:
    """Only the rows of ``scope``: all a village-limited account may ever read."""
    return scoped(prepared_data(data, rules), scope)


@memo(16)
def offered(data: DataKey, rules: Rules, scope: Scope) -> tuple[Offer, ...]:
    """What each filter offers within ``scope`` on the data in use."""
    return offers(scoped_data(data, rules, scope), scope)


# One entry per (filter state, table): a page that reads only the budget never selects enrollments.
# A selection of a million enrollments can take hundreds of megabytes, so few are kept.
@memo(12)
def selected_table(data: DataKey, rules: Rules, scope: Scope, filters: Filters, table: TableName) -> pd.DataFrame:
    """The rows of ``table`` the filters select within the scope."""
    return filtered(scoped_data(data, rules, scope), filters, (table,)).table(table)


def selection(data: DataKey, rules: Rules, scope: Scope, filters: Filters, tables: Sequence[TableName]) -> Dataset:
    """The scope's dataset holding the selected rows of ``tables`` (every other table empty)."""
    return with_tables(scoped_data(data, rules, scope),
                       {t: selected_table(data, rules, scope, filters, t) for t in tables})


@memo(512)
def raw_table(data: DataKey, rules: Rules, scope: Scope, filters: Filters, table: str,
              by: tuple[str, ...]) -> pd.DataFrame:
    """Indicator table ``table`` by ``by`` over the selection, before anything is published: never shown."""
    return indicator_table(selection(data, rules, scope, filters, TABLE_READS[table]), table, by)


@memo(2048)
def published_table(data: DataKey, rules: Rules, scope: Scope, filters: Filters, table: str, by: tuple[str, ...],
                    measures: tuple[str, ...]) -> pd.DataFrame:
    """Indicator table ``table`` by ``by`` with ``measures`` (and the counts they rest on), as it may be shown."""
    return figures.published(raw_table(data, rules, scope, filters, table, by), measures, rules)


@memo(2048, unkeyed=(10,))
def drawn_figure(data: DataKey, rules: Rules, scope: Scope, filters: Filters, spec: figures.FigureSpec, shown: str,
                 lang: str, title: str, today: dt.date, overlaid: bool, _overlay: Overlay | None) -> Drawn:
    """``spec`` drawn under the filters showing ``shown``, titled ``title``; ``overlaid``: whether ``_overlay``
    (a function of the view alone, e.g. the trend's targets) is drawn on it."""
    pub = published_table(data, rules, scope, filters, str(spec.table), tuple(str(b) for b in spec.by),
                          tuple(str(m) for m in spec.measures))
    layers = figures.MapLayers(coordinates(data.folder), basemap()) if spec.chart.kind == "map" else None
    return drawn(pub, spec, shown, rules, lang, title=title, described="; ".join(filters.describe(lang)),
                 filters_label=filters.label(lang), day=today, layers=layers, overlay=_overlay if overlaid else None)


@memo(2048, unkeyed=(8,))
def _of_view(data: DataKey, rules: Rules, scope: Scope, filters: Filters, lang: str, today: dt.date, what: str,
             args: tuple, _make: Callable[[], T]) -> T:
    return _make()


def of_view(view: View, what: str, args: tuple, make: Callable[[], T]) -> T:
    """``make()``, kept per view (data, rules, scope, filters, language, day) and ``what`` and ``args``.

    ``make`` must depend on the view and ``args`` alone (e.g. a row of tiles and
    the measures' target notes): every session with the same view gets the same
    object, which nobody changes.
    """
    return _of_view(view.data, view.rules, view.scope, view.filters, view.lang, view.today, what, args, make)


# --- what pages ask, through their View --------------------------------------------------------
def source(view: View) -> Dataset:
    """The prepared dataset the view's account may see, every filter off."""
    return scoped_data(view.data, view.rules, view.scope)


def published(view: View, table: str, by: Sequence[str] = (), measures: Sequence[str] = ()) -> pd.DataFrame:
    """The published table ``table`` by ``by`` with ``measures`` under the view's filters (all measures if none)."""
    return published_table(view.data, view.rules, view.scope, view.filters, str(table),
                           tuple(str(b) for b in by), tuple(str(m) for m in measures))


NEEDS: dict[str, tuple[TableName, ...]] = {"participants": (PARTICIPANTS,), "budget": (BUDGET,),
                                           "any": (PARTICIPANTS, BUDGET)}


# Every rerun of a page asks this first; kept apart from the few selections kept above, so a page whose tables are
# all kept never selects its rows again only to say that it has some.
@memo(4096)
def _has_rows(data: DataKey, rules: Rules, scope: Scope, filters: Filters, needs: str) -> bool:
    selected = selection(data, rules, scope, filters, NEEDS[needs])
    return len(selected.participants) > 0 or len(selected.budget) > 0


def has_rows(view: View, needs: str = "any") -> bool:
    """Whether the view's filters select any participant rows, budget rows (``needs``), or either."""
    return _has_rows(view.data, view.rules, view.scope, view.filters, needs)


@st.cache_resource(show_spinner=False)
def coordinates(folder: str) -> pd.DataFrame:
    """Regency, province, lat, lon of the origin regencies the map knows."""
    path = Path(folder) / "regencies.csv"
    return regencies(path if path.exists() else REGENCIES_FILE)


@st.cache_resource(show_spinner=False)
def basemap() -> pd.DataFrame:
    """Land outlines (shape, lon, lat) drawn under the map of origins; empty if the file is missing."""
    try:
        return pd.read_csv(BASEMAP_FILE)
    except OSError:
        return pd.DataFrame(columns=["shape", "lon", "lat"])


def figure_drawn(view: View, spec: figures.FigureSpec, shown: str, title: str, overlay: Overlay | None = None) -> Drawn:
    """``spec`` drawn under the view's filters showing ``shown`` (``overlay``: a function of the view alone)."""
    return drawn_figure(view.data, view.rules, view.scope, view.filters, spec, shown, view.lang, title, view.today,
                        overlay is not None, overlay)


def map_layers(view: View) -> figures.MapLayers:
    """What the map of origins is drawn on, from the view's data folder."""
    return figures.MapLayers(coordinates(view.data.folder), basemap())
