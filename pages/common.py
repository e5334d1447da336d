"""The edge every page shares: the data in use, the sidebar filters, the language, and how a figure is shown.

Pages describe *what* to show (a table name from ``lib.indicators.TABLES_BY_NAME``,
its breakdown and measures); this module computes it through the caches below,
suppresses it with ``lib.privacy.publishable`` and draws it. No page ever
receives a raw figure: ``show_figure`` and ``show_metrics`` are the only ways a
number reaches the screen or a download.

Caching:
- the loaded Dataset and its prepared form: ``st.cache_resource``, once per
  process and shared by every session, keyed by the data folder and the id of
  the imported version in use (a new import shows without a restart);
- the rows a filter selects: ``st.cache_resource`` keyed by the filters, only
  the last few (at national scale a selection can hold hundreds of megabytes,
  and making it again takes a few hundredths of a second);
- each raw indicator table: ``st.cache_data`` keyed by filters, table and
  breakdown, so figures showing different measures of one table compute it once;
- each published table: ``st.cache_data`` keyed by filters, table, breakdown,
  measures and k. Changing the language recomputes nothing; changing a filter
  recomputes only the tables of that filter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from lib import charts, export, fmt, keys, privacy, settings
from lib import store as data_store
from lib.accounts import Account
from lib.demo import DEMO_DIR, REGENCIES_FILE, regencies
from lib.filters import Filters, filtered, scoped, with_tables
from lib.indicators import TABLE_READS, indicator_table, year_on_year
from lib.loading import DataError, load_folder
from lib.measures import BY_NAME, label, measure
from lib.prepare import prepared
from lib.schema import (
    BUDGET,
    DEFAULT_REFERENCE_FILE,
    PARTICIPANTS,
    ROLES,
    TABLES,
    Dataset,
    Participants,
    ReferenceDataError,
    TableName,
    load_reference,
)
from lib.texts import text, value_label
from pages import auth

# --- URL query parameters: each is the key of the widget bound to it ----------
PARAM_LANG = "bahasa"
PARAM_YEARS = "tahun"
PARAM_VILLAGES = "desa"
PARAM_PROGRAMS = "program"
PARAM_ORGANIZERS = "penyelenggara"
PARAM_ROLES = "peran"
LIST_PARAMS = (PARAM_VILLAGES, PARAM_PROGRAMS, PARAM_ORGANIZERS, PARAM_ROLES)
FILTER_PARAMS = (PARAM_YEARS, *LIST_PARAMS)
KEY_RESET = "reset_filter"
KEY_YEAR_SPAN = "_tahun_rentang"  # the year span the held choice was made against
LANG_NAMES = {"id": "Bahasa Indonesia", "en": "English"}

ChartKind = Literal["bar", "grouped", "stacked", "funnel", "map", "table"]
DataKind = Literal["participants", "budget", "any"]


# --- who is looking ----------------------------------------------------------------
def current_account() -> Account | None:
    """The signed-in account, or None in open demo mode (no accounts configured).

    A village-limited account sees only its villages: ``source()`` applies
    ``lib.filters.scoped`` where the data is read, so no filter, widget or URL
    can reach another village.
    """
    return auth.current_account()


def scope() -> tuple[str, ...]:
    """The villages the current account is limited to; empty means every village."""
    account = current_account()
    if account is None or account.is_admin:
        return ()
    return tuple(account.villages)


def record_download(account: Account | None, what: str, filters: Filters, file_name: str,
                    page: str | None = None) -> None:
    """Audit hook: called once per download, when the file is built (who, what, which filters).

    Runs outside the page script (no session state): everything it needs is passed in.
    """
    auth.record_download(account, what, filters, file_name, page)


# --- language ------------------------------------------------------------------------
def lang() -> str:
    """The interface language chosen in the sidebar: "id" (default) or "en"."""
    chosen = st.session_state.get(PARAM_LANG)
    return chosen if chosen in LANG_NAMES else "id"


def help_text(name: str) -> str:
    """The registry's help text of measure ``name`` in the chosen language."""
    m = measure(name)
    return m.help_en if lang() == "en" else m.help_id


def tr(key: str, **values: object) -> str:
    """Interface string ``key`` in the chosen language."""
    return text(key, lang(), **values)


def language_switch() -> str:
    """The language widget (sidebar, bound to ``?bahasa=``); returns "id" or "en"."""
    st.sidebar.radio(
        text("language"), list(LANG_NAMES), format_func=LANG_NAMES.__getitem__, key=PARAM_LANG,
        horizontal=True, bind="query-params",
    )
    return lang()


# --- the data in use -------------------------------------------------------------------
def _reference_file(folder: Path) -> Path:
    path = folder / "reference.toml"
    return path if path.exists() else DEFAULT_REFERENCE_FILE


def data_key() -> tuple[str, str | None]:
    """(data folder, id of the imported version in use or None for the demo): what the caches are keyed by.

    Every read of the data goes through here: a visitor who has not logged in
    stops here, and open demo mode (no account yet) reads the demo only.
    """
    auth.require_login()
    folder = settings.data_dir()
    if auth.is_demo():
        return (str(folder), None)
    return (str(folder), data_store.current_version_id(folder / "store"))


@st.cache_resource(show_spinner=False, max_entries=4)
def _loaded(folder: str, version: str | None) -> Dataset:
    """The dataset in use: the imported version when there is one, else the bundled demo."""
    root = Path(folder)
    reference = load_reference(_reference_file(root))
    if version is not None:
        dataset = data_store.current_dataset(root / "store", reference)
        if dataset is not None:
            return dataset
    demo = root / "demo" if (root / "demo").is_dir() else DEMO_DIR
    return load_folder(demo, reference, label="demo", is_demo=True)


@st.cache_resource(show_spinner=False, max_entries=4)
def _prepared(folder: str, version: str | None, rules: privacy.Rules) -> Dataset:
    # The demo data has a secret of its own; imported versions share the installation's.
    secret = keys.installation_secret(Path(folder), keys.DEMO_SECRET if version is None else keys.INSTALLATION_SECRET)
    return prepared(_loaded(folder, version), secret, rules)


@st.cache_resource(show_spinner=False, max_entries=16)
def _scoped(folder: str, version: str | None, villages: tuple[str, ...]) -> Dataset:
    return scoped(_prepared(folder, version, settings.privacy_rules()), villages)


# One entry per (filter state, table): a page that reads only the budget never selects enrollments.
# A selection of a million enrollments can take hundreds of megabytes, so few are kept.
@st.cache_resource(show_spinner=False, max_entries=12)
def _selected_table(folder: str, version: str | None, villages: tuple[str, ...], filters: Filters,
                    table: TableName) -> pd.DataFrame:
    return filtered(_scoped(folder, version, villages), filters, (table,)).table(table)


def _selection(folder: str, version: str | None, villages: tuple[str, ...], filters: Filters,
               tables: tuple[TableName, ...]) -> Dataset:
    return with_tables(_scoped(folder, version, villages),
                       {t: _selected_table(folder, version, villages, filters, t) for t in tables})


def source() -> Dataset:
    """The prepared dataset this account may see (all filters off). Stops the page with a clear message if unreadable."""
    try:
        # Shown after half a second only: at national scale the first visitor after a start or an
        # import waits seconds while the data is read and prepared; everyone after reads the cache.
        with st.spinner(tr("loading_data"), show_time=True):
            return _scoped(*data_key(), scope())
    except (DataError, data_store.StoreError, ReferenceDataError, OSError) as exc:
        st.error(tr("no_data", reason=str(exc)))
        st.stop()
        raise  # unreachable: st.stop ends the run


@st.cache_resource(show_spinner=False)
def _coordinates(folder: str) -> pd.DataFrame:
    path = Path(folder) / "regencies.csv"
    return regencies(path if path.exists() else REGENCIES_FILE)


def coordinates() -> pd.DataFrame:
    """Regency, province, lat, lon of the origin regencies the map knows."""
    return _coordinates(str(settings.data_dir()))


BASEMAP_FILE = Path(__file__).resolve().parent.parent / "data" / "basemap_indonesia.csv"


@st.cache_resource(show_spinner=False)
def basemap() -> pd.DataFrame:
    """Land outlines (shape, lon, lat) drawn under the map of origins; empty if the file is missing."""
    try:
        return pd.read_csv(BASEMAP_FILE)
    except OSError:
        return pd.DataFrame(columns=["shape", "lon", "lat"])


def privacy_k() -> int:
    """The small-number threshold k set by the administrator; stops the page with a clear message if invalid."""
    try:
        return settings.privacy_k()
    except ValueError as exc:
        st.error(tr("bad_setting", reason=str(exc)))
        st.stop()
        raise  # unreachable: st.stop ends the run


# --- filters -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Choices:
    """What the sidebar offers: the year span and the lists, limited to what the account may see."""

    years: tuple[int, int] | None
    villages: tuple[str, ...]
    programs: tuple[str, ...]
    organizers: tuple[str, ...]
    roles: tuple[str, ...]


def choices(dataset: Dataset, limit: tuple[str, ...] = ()) -> Choices:
    """The sidebar's options for ``dataset``: its year span and the reference lists (villages within ``limit``)."""
    years = pd.concat([dataset.participants[Participants.year], dataset.budget[Participants.year]]).dropna()
    span = (int(years.min()), int(years.max())) if len(years) else None
    reference = dataset.reference
    villages = tuple(v for v in reference.villages if not limit or v in limit)
    return Choices(span, villages, tuple(reference.programs), tuple(reference.organizers), tuple(ROLES))


@st.cache_data(show_spinner=False, max_entries=16)
def _choices(folder: str, version: str | None, villages: tuple[str, ...]) -> Choices:
    return choices(_scoped(folder, version, villages), villages)


def options() -> Choices:
    """What the sidebar offers to the current account on the data in use."""
    source()  # a clear message, not a traceback, when the data cannot be read
    return _choices(*data_key(), scope())


def _reset(span: tuple[int, int] | None) -> None:
    if span is not None:
        st.session_state[PARAM_YEARS] = span
    for key in LIST_PARAMS:
        st.session_state[key] = []


def sidebar() -> Filters:
    """The filter widgets in the sidebar (each bound to its URL parameter) and the Filters they make."""
    offered = options()
    with st.sidebar:
        st.header(tr("filters"))
        span = offered.years
        if span is not None and span[0] < span[1]:
            held = st.session_state.get(PARAM_YEARS)
            before = st.session_state.get(KEY_YEAR_SPAN)
            if held is not None:
                # After an import or a rollback the data may span other years: "every year"
                # stays every year, and any other choice is kept inside the new span.
                if before is not None and tuple(held) == tuple(before):
                    lo, hi = span
                else:
                    lo, hi = (min(max(int(y), span[0]), span[1]) for y in held)
                if (lo, hi) != tuple(held):
                    st.session_state[PARAM_YEARS] = (lo, hi)
            st.session_state[KEY_YEAR_SPAN] = span
            st.slider(tr("filter_years"), span[0], span[1], value=span, step=1, key=PARAM_YEARS,
                      help=tr("filter_years_help"), bind="query-params")
        elif span is not None:
            st.caption(f"{tr('filter_years')}: {span[0]}")
        lists = (
            (PARAM_VILLAGES, "filter_villages", offered.villages, None),
            (PARAM_PROGRAMS, "filter_programs", offered.programs, None),
            (PARAM_ORGANIZERS, "filter_organizers", offered.organizers, None),
            (PARAM_ROLES, "filter_roles", offered.roles, tr("filter_roles_help")),
        )
        for key, words, values, help_text in lists:
            st.multiselect(tr(words), values, key=key, placeholder=tr("filter_all"), help=help_text,
                           format_func=lambda v: value_label(v, lang()), bind="query-params")
        st.button(tr("reset"), key=KEY_RESET, on_click=_reset, args=(span,), icon=":material/restart_alt:")
        if scope():
            st.caption(tr("scope_note", villages=", ".join(scope())))
    return active_filters()


def active_filters() -> Filters:
    """The Filters the sidebar widgets hold now (a year range covering every year counts as no year filter)."""
    offered = options()
    years = st.session_state.get(PARAM_YEARS)
    span = offered.years
    chosen_years = None
    if years is not None and span is not None:
        lo, hi = int(years[0]), int(years[1])
        if (lo, hi) != span:
            chosen_years = (lo, hi)

    def picked(key: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(v for v in st.session_state.get(key) or () if v in allowed)

    return Filters(
        years=chosen_years,
        villages=picked(PARAM_VILLAGES, offered.villages),
        programs=picked(PARAM_PROGRAMS, offered.programs),
        organizers=picked(PARAM_ORGANIZERS, offered.organizers),
        roles=picked(PARAM_ROLES, offered.roles),
    )


# --- pages -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class View:
    """What a page knows about the current run."""

    lang: str
    filters: Filters
    k: int


def selected(filters: Filters, tables: tuple[TableName, ...] = TABLES) -> Dataset:
    """The rows ``filters`` select from ``tables`` of the data this account may see (other tables empty)."""
    folder, version = data_key()
    return _selection(folder, version, scope(), filters, tables)


def through_entrypoint() -> None:
    """Make sure the page runs inside ``dashboard.py`` (its sidebar, account and checks), never on its own.

    Streamlit treats a folder named ``pages`` beside the entry point as its
    older multipage mode until some session has called ``st.navigation``: a
    fresh server's first visitor arriving on a deep link (``/hasil``) would get
    the page file run alone. Leave that mode for the whole process and rerun,
    so the entry point draws the page.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def start(title_key: str, needs: DataKind | None = "participants") -> View:
    """Title, demo banner and active filters; stops with a friendly empty state when the filters select nothing.

    ``needs``: which rows the page's figures come from (None: the page shows no figures, never empty).
    """
    through_entrypoint()
    dataset = source()
    filters = active_filters()
    st.title(tr(title_key))
    if dataset.is_demo:
        st.warning(tr("demo_banner"), icon=":material/science:")
    st.caption(" · ".join([
        tr("data_in_use", label=dataset.label),
        tr("active_filters", filters="; ".join(filters.describe(lang()))),
    ]))
    if needs is not None and not has_rows(filters, needs):
        empty_state()
        st.stop()
    return View(lang(), filters, privacy_k())


def has_rows(filters: Filters, needs: DataKind = "any") -> bool:
    """Whether ``filters`` select any participant rows, budget rows, or either."""
    tables = {"participants": (PARTICIPANTS,), "budget": (BUDGET,), "any": (PARTICIPANTS, BUDGET)}[needs]
    data = selected(filters, tables)
    return len(data.participants) > 0 or len(data.budget) > 0


def empty_state() -> None:
    """The friendly note shown instead of figures when the filters select nothing."""
    st.info(tr("empty"), icon=":material/filter_alt_off:")


# --- figures -------------------------------------------------------------------------------------
def needed_columns(measures: Sequence[str]) -> list[str]:
    """``measures`` plus the counts they rest on (suppression needs a rate's base and numerator)."""
    out: list[str] = []
    for name in measures:
        m = BY_NAME.get(name)
        for column in (m.numerator, m.base) if m else ():
            if column and column not in out and column not in measures:
                out.append(column)
        if name not in out:
            out.append(name)
    return out


@st.cache_data(show_spinner=False, max_entries=512)
def _raw_table(folder: str, version: str | None, villages: tuple[str, ...], filters: Filters,
               table: str, by: tuple[str, ...]) -> pd.DataFrame:
    return indicator_table(_selection(folder, version, villages, filters, TABLE_READS[table]), table, by)


@st.cache_data(show_spinner=False, max_entries=2048)
def _published(folder: str, version: str | None, villages: tuple[str, ...], filters: Filters,
               table: str, by: tuple[str, ...], columns: tuple[str, ...], k: int) -> pd.DataFrame:
    raw = _raw_table(folder, version, villages, filters, table, by)
    if columns:
        keep = [c for c in raw.columns if c not in BY_NAME or c in columns]
        raw = raw[keep]
    return privacy.publishable(raw, privacy.dimension_columns(raw), settings.privacy_rules())


def published(table: str, by: Sequence[str] = (), measures: Sequence[str] = (),
              filters: Filters | None = None) -> pd.DataFrame:
    """The publishable table ``table`` by ``by`` with ``measures`` (and the counts they rest on); all columns if none."""
    folder, version = data_key()
    filters = active_filters() if filters is None else filters
    columns = tuple(needed_columns(measures)) if measures else ()
    return _published(folder, version, scope(), filters, table, tuple(by), columns, privacy_k())


def dimensions(pub: pd.DataFrame) -> list[str]:
    """The dimension columns of a published table (everything that is not a figure or the note)."""
    return privacy.dimension_columns(pub)


def _display(pub: pd.DataFrame, k: int) -> pd.DataFrame:
    """The download-ready table (lib.export): labelled headers, ``<5`` and hidden words, numbers as numbers."""
    return export.display_frame(pub, dimensions(pub), k, lang())


def _on_screen(pub: pd.DataFrame, k: int) -> pd.DataFrame:
    """The same table as the download, its numbers written in the reader's format (``1.234``, ``12,5%``)."""
    frame = _display(pub, k)
    # display_frame's columns: the dimensions, the figures in table order, then the privacy note.
    columns = dimensions(pub) + [c for c in pub.columns if c in BY_NAME]
    forms = [fmt.column_format(BY_NAME[c].kind if c in BY_NAME else None) for c in columns] + ["text"]
    return fmt.screen_frame(frame, forms, lang())


@dataclass(frozen=True)
class Download:
    """One download of a displayed table: button words, file name, type, and how its bytes are built."""

    label_key: str
    file_name: str
    mime: str
    build: Callable[[], bytes]


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_files(frame: pd.DataFrame, what: str, filters: Filters, notes: Sequence[str] = (),
                   account: Account | None = None, page: str | None = None) -> tuple[Download, Download]:
    """CSV (with BOM) and XLSX of exactly ``frame``; each records itself through ``record_download`` when built.

    Streamlit builds the bytes on the click, on its own thread, where there is
    no session state: the account and filters travel in the closure.
    """
    def built(name: str, make: Callable[[], bytes]) -> Callable[[], bytes]:
        def data() -> bytes:
            content = make()
            record_download(account, what, filters, name, page)  # audit hook
            return content
        return data

    csv_name = export.download_name(what, filters.label(), "csv")
    xlsx_name = export.download_name(what, filters.label(), "xlsx")
    return (
        Download("download_csv", csv_name, "text/csv", built(csv_name, lambda: export.csv_bytes(frame))),
        Download("download_xlsx", xlsx_name, XLSX_MIME,
                 built(xlsx_name, lambda: export.xlsx_bytes(frame, sheet="Data", notes=tuple(notes)))),
    )


def downloads(pub: pd.DataFrame, what: str, *, key: str, filters: Filters | None = None) -> None:
    """The two download buttons of a published table; clicking one does not rerun the app."""
    filters = active_filters() if filters is None else filters
    notes = (tr("data_in_use", label=source().label), *filters.describe(lang()))
    files = download_files(_display(pub, privacy_k()), what, filters, notes, current_account(), auth.current_page())
    for column, file, suffix in zip(st.columns(2), files, ("csv", "xlsx")):
        column.download_button(tr(file.label_key), file.build, file_name=file.file_name, mime=file.mime,
                               key=f"{key}_{suffix}", on_click="ignore", icon=":material/download:")


def _figure(pub: pd.DataFrame, chart: ChartKind, x: str, shown: str, measures: Sequence[str], k: int,
            part: str | None, colour_by: str | None, horizontal: bool | None,
            largest_first: bool = False) -> go.Figure | None:
    language = lang()
    if chart == "bar":
        return charts.bar_chart(pub, x, shown, k=k, lang=language, colour_by=colour_by, horizontal=horizontal,
                                largest_first=largest_first)
    if chart == "grouped":
        return charts.grouped_bar_chart(pub, x, measures, k=k, lang=language, horizontal=horizontal)
    if chart == "stacked":
        return charts.stacked_chart(pub, x, part, shown, k=k, lang=language, horizontal=horizontal)
    if chart == "funnel":
        return charts.funnel_chart(pub, x, shown, k=k, lang=language)
    if chart == "map":
        return charts.origin_map(pub, coordinates(), shown, k=k, lang=language, regency=x, basemap=basemap())
    return None


def show_figure(
    title: str,
    table: str,
    by: Sequence[str] = (),
    measures: Sequence[str] = (),
    *,
    key: str,
    chart: ChartKind = "bar",
    x: str | None = None,
    part: str | None = None,
    colour_by: str | None = None,
    horizontal: bool | None = None,
    largest_first: bool = False,
    pick_measure: bool = False,
    filters: Filters | None = None,
    help: str | None = None,
    caption: str | None = None,
) -> pd.DataFrame | None:
    """Show one figure: title, chart, its table a click away, and CSV/XLSX downloads of that table.

    ``table`` names a table of ``lib.indicators.TABLES_BY_NAME`` broken down
    ``by``; ``measures`` are the figures shown (the counts they rest on come
    along). Everything drawn, hovered, listed and downloaded is the
    publishable table: hidden bars are flat and read ``<5``. ``chart``: bar
    (first measure, or the one picked when ``pick_measure``), grouped (all
    measures side by side), stacked (``part`` stacked on ``x``), funnel, map
    (``x`` is the regency column), or table only; ``largest_first`` orders bars
    by their shown value. Returns the publishable
    table shown, or None when the filters leave it empty. Everything sits in a
    container keyed ``key`` (CSS class ``st-key-<key>``); its widgets are keyed
    ``<key>_ukuran``, ``<key>_grafik``, ``<key>_tabel``, ``<key>_csv``, ``<key>_xlsx``.
    """
    with st.container(key=key):
        k = privacy_k()
        if help is None and measures:
            help = help_text(measures[0])
        st.subheader(title, help=help)
        if caption:
            st.caption(caption)
        pub = published(table, by, measures, filters)
        if pub.empty:
            st.info(tr("empty_figure"), icon=":material/filter_alt_off:")
            return None
        x = x or (list(by)[0] if by else dimensions(pub)[0])
        part = part or next((d for d in dimensions(pub) if d != x and d not in by), None)
        shown = measures[0] if measures else next(c for c in pub.columns if c in BY_NAME)
        if pick_measure and len(measures) > 1:
            shown = st.selectbox(tr("chart_measure"), list(measures), key=f"{key}_ukuran",
                                 format_func=lambda m: label(m, lang()))
        figure = _figure(pub, chart, x, shown, measures, k, part, colour_by, horizontal, largest_first)
        if figure is not None:
            st.plotly_chart(figure, key=f"{key}_grafik", config={"displaylogo": False, "scrollZoom": False},
                            width="stretch")
            drawn = list(measures) if chart == "grouped" else [shown]
            if charts.any_hidden(pub, drawn):
                st.caption(tr("hidden_note", k_minus=k - 1, small=privacy.small_label(k)))
        if chart == "table":
            st.dataframe(_on_screen(pub, k), hide_index=True, width="stretch", key=f"{key}_tabel")
        else:
            with st.expander(tr("table"), icon=":material/table:"):
                st.dataframe(_on_screen(pub, k), hide_index=True, width="stretch", key=f"{key}_tabel")
        downloads(pub, title, key=key, filters=filters)
        return pub


# --- headline figures ----------------------------------------------------------------------------
DELTA_COLOURS = {"relapse_rate": "inverse", "cost_per_participant": "off", "cost_per_working": "off",
                 "allocated_idr": "off", "realized_idr": "off"}


MAX_TILE_CHARS = 12  # longer rupiah amounts do not fit a tile in a row of four


def metric_text(pub: pd.DataFrame, name: str, k: int, short: bool = False) -> str:
    """A KPI as shown: its formatted value from a one-row publishable table, ``<5`` or hidden word when hidden.

    ``short``: long rupiah amounts in compact form (``Rp 2,53 M``) to fit a narrow tile.
    """
    reasons = privacy.hidden_reasons(pub)
    if name in reasons and reasons[name].iloc[0]:
        return charts.hidden_text(reasons[name].iloc[0], k, lang())
    value, kind = pub[name].iloc[0], measure(name).kind
    full = fmt.value(value, kind, lang())
    if short and kind in fmt.MONEY_KINDS and len(full) > MAX_TILE_CHARS:
        return fmt.rupiah_compact(value, lang(), digits=2)
    return full


def show_metrics(measures: Sequence[str], *, key: str, table: str = "summary", columns: int = 4,
                 filters: Filters | None = None, village: str | None = None) -> pd.DataFrame:
    """KPI tiles of ``measures`` over the filters, each with its change from the year before; returns the row shown.

    The tiles sit in a container keyed ``key`` (CSS class ``st-key-<key>``).

    ``village``: the tiles of one village are its row of the same table broken
    down by village (as the page shows it), not a separate total, so a figure
    hidden there to protect another village is hidden here too.
    """
    k = privacy_k()
    filters = active_filters() if filters is None else filters
    if village is None:
        total = published(table, (), measures, filters)
        narrowed = filters
    else:
        by_village = published(table, (Participants.village,), measures, filters)
        total = by_village[by_village[Participants.village].astype("object") == village].reset_index(drop=True)
        narrowed = replace(filters, villages=(village,))
        if total.empty:
            total = published(table, (), measures, narrowed)
    by_year = published(table, (Participants.year,), measures, narrowed)
    years = by_year[Participants.year].astype("int64").sort_values().tolist()
    language = lang()
    slots = st.container(key=key).columns(columns)
    for i, name in enumerate(measures):
        m = measure(name)
        delta = description = None
        words = help_text(name)
        if len(years) >= 2:
            _, _, change = year_on_year(by_year, name)
            delta = fmt.change(change, m.kind, language)
            if delta is not None:
                description = tr("versus", year=years[-2])
                words += "\n\n" + tr("yoy_help", latest=years[-1], before=years[-2])
        shown = metric_text(total, name, k, short=columns >= 4)
        exact = metric_text(total, name, k)
        if shown != exact:
            words += "\n\n" + f"**{exact}**"
        slots[i % columns].metric(
            label(name, language), shown, delta=delta, help=words,
            delta_color=DELTA_COLOURS.get(name, "normal"), delta_description=description, border=True,
        )
    return total
