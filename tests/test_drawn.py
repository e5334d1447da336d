"""A figure as a page sends it (``lib.drawn``), and the page edge's cache of it (``pages.edge.cache``)."""

from __future__ import annotations

import datetime as dt

import pytest

from lib.drawn import drawn
from lib.figures import Chart, FigureSpec, published
from lib.filters import Filters, filtered
from lib.indicators import indicator_table
from lib.names import Dim, Measure, Table
from lib.privacy import Rules
from tests.support.pages import run

RULES = Rules(k=5, b=5)
BY_VILLAGE = FigureSpec("uji", "by_village", Table.SUMMARY, (Dim.VILLAGE,), (Measure.PARTICIPANTS,))
TABLE_ONLY = FigureSpec("uji_tabel", "by_village", Table.SUMMARY, (Dim.VILLAGE,), (Measure.PARTICIPANTS,),
                        Chart("table"))


def _pub(demo, spec, filters=Filters()):
    return published(indicator_table(filtered(demo, filters), str(spec.table), [str(b) for b in spec.by]),
                     tuple(str(m) for m in spec.measures), RULES)


def _drawn(demo, spec, lang="id", filters=Filters()):
    return drawn(_pub(demo, spec, filters), spec, str(spec.measures[0]), RULES, lang, title="Peserta menurut desa",
                 described="Desa: semua", filters_label="semua", day=dt.date(2026, 12, 5))


def test_a_chart_comes_with_its_text_alternative_in_the_readers_language(demo):
    indonesian, english = _drawn(demo, BY_VILLAGE), _drawn(demo, BY_VILLAGE, "en")
    assert indonesian.figure is not None and indonesian.alt.startswith("Grafik")
    assert "Peserta menurut desa" in indonesian.alt and "tertinggi" in indonesian.alt
    assert english.alt.startswith("Chart") and "highest" in english.alt


def test_a_table_only_figure_has_no_chart_and_no_alternative(demo):
    shown = _drawn(demo, TABLE_ONLY)
    assert shown.figure is None and shown.alt is None and shown.note is None
    assert shown.table.num_rows == len(_pub(demo, TABLE_ONLY))


def test_the_table_sent_is_the_screen_table_of_the_published_figures(demo):
    shown = _drawn(demo, BY_VILLAGE)
    frame = shown.table.to_pandas()
    assert len(frame) == len(_pub(demo, BY_VILLAGE))
    assert not any(c.endswith("__hidden") or c.endswith("__ckey") for c in frame.columns)


def test_drawing_leaves_the_published_table_as_it_was(demo):
    pub = _pub(demo, BY_VILLAGE)
    before = pub.copy()
    drawn(pub, BY_VILLAGE, str(Measure.PARTICIPANTS), RULES, "id", title="T", described="", filters_label="",
          day=dt.date(2026, 12, 5))
    assert pub.equals(before)


@pytest.mark.usefixtures("pages_on_demo")
def test_every_chart_of_a_page_carries_its_text_alternative():
    at = run("pages/desa.py")
    charts = at.get("plotly_chart")
    assert charts
    assert all(chart.proto.alt.startswith("Grafik") for chart in charts), [c.proto.alt for c in charts]


@pytest.mark.usefixtures("pages_on_demo")
def test_a_rerun_draws_nothing_again_and_new_filters_draw_anew(monkeypatch):
    from pages.edge import cache

    calls = []

    def counted(*args, **kwargs):
        calls.append(args[1].key)
        return drawn(*args, **kwargs)

    monkeypatch.setattr(cache, "drawn", counted)
    cache.drawn_figure.clear()
    at = run("pages/desa.py")
    first, drawn_first = [c.proto.spec for c in at.get("plotly_chart")], len(calls)
    assert drawn_first >= len(first) > 0
    at.run()  # the same view again: every figure comes from the cache
    assert len(calls) == drawn_first
    assert [c.proto.spec for c in at.get("plotly_chart")] == first
    other = run("pages/desa.py", desa="Pare")
    assert len(calls) > drawn_first
    assert [c.proto.spec for c in other.get("plotly_chart")] != first


@pytest.mark.usefixtures("pages_on_demo")
def test_a_page_whose_tables_are_kept_never_selects_its_rows_again(monkeypatch):
    """Going back to a view seen before, after more views than the few selections kept, selects nothing."""
    from pages.edge import cache

    for kept in (cache.selected_table, cache._has_rows, cache.raw_table):
        kept.clear()
    years = [str(year) for year in range(2015, 2026)]  # 11 views of two tables each: more than the 12 kept
    for year in years:
        assert not run("pages/ringkasan.py", tahun=year).exception
    selections = []

    def counted(*args, **kwargs):
        selections.append(args[1])
        return filtered(*args, **kwargs)

    monkeypatch.setattr(cache, "filtered", counted)
    again = run("pages/ringkasan.py", tahun=years[0])
    assert not again.exception and again.get("plotly_chart")
    assert selections == []


def test_a_chart_is_sent_with_its_toolbar_on_hover_in_the_readers_language(demo):
    indonesian, english = _drawn(demo, BY_VILLAGE).config, _drawn(demo, BY_VILLAGE, "en").config
    assert indonesian["displayModeBar"] == english["displayModeBar"] == "hover"
    assert indonesian["locale"] == "id" and "locale" not in english
    assert indonesian["toImageButtonOptions"]["filename"].startswith("peserta-menurut-desa")


def test_long_category_names_are_wrapped_on_the_axis_and_whole_in_the_hover():
    import pandas as pd

    from lib import charts
    from lib.privacy import publishable

    names = ["Dinas Koperasi dan UMKM Kota Kediri", "Dinas Sosial Kabupaten Kediri"]
    raw = pd.DataFrame({"organizer": names, "participants": [40, 30], "participants__ckey": [11, 12]})
    pub = publishable(raw, ["organizer"], RULES)
    figure = charts.bar_chart(pub, "organizer", "participants", k=5, horizontal=True)
    axis = figure.layout.yaxis
    assert list(axis.tickvals) == names
    assert all(len(line) <= 16 for text in axis.ticktext for line in text.split("<br>"))
    assert list(figure.data[0].y) == names  # the hover reads %{y}: the full name
    short = charts.bar_chart(pub.assign(organizer=["Pare", "Gurah"]), "organizer", "participants", k=5)
    assert short.layout.xaxis.tickvals is None
