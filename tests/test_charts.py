"""Charts are drawn from publishable tables only: hidden figures flat, labelled <5, never at their true size."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from lib import charts, fmt
from lib.indicators import indicator_table
from lib.measures import BY_NAME
from tests.conftest import prepare_for_tests
from lib.privacy import dimension_columns, hidden_mask, hidden_reasons, publishable, reason_column

K = 5


@pytest.fixture
def ready(tiny):
    return prepare_for_tests(tiny)


def pub_of(dataset, name: str, by: list[str]) -> pd.DataFrame:
    raw = indicator_table(dataset, name, by)
    return publishable(raw, dimension_columns(raw), K)


def trace_values(trace, axis: str) -> list:
    return [v for v in (getattr(trace, axis) or ()) if v is not None]


# --- colours -----------------------------------------------------------------
@pytest.mark.parametrize("dimension, value, expected", [
    ("program", "Konveksi", "#0072B2"),
    ("program", "Tata Rias", "#CC79A7"),
    ("outcome", "Bekerja", "#009E73"),
    ("outcome", "Kembali Beroperasi", "#D55E00"),
    ("outcome", "Tidak Diketahui", charts.GREY),
    ("origin_type", "Pendatang", "#E69F00"),
    ("budget_share", "tidak teratribusi", charts.GREY),
])
def test_fixed_colours(dimension, value, expected):
    assert charts.colour(dimension, value) == expected


@pytest.mark.parametrize("value", ["Menjahit Lanjutan", "Barista", "Tata Rias "])
def test_a_value_outside_the_fixed_lists_keeps_one_palette_colour(value):
    assert charts.colour("program", value) == charts.colour("program", value)
    assert charts.colour("program", value) in charts.PALETTE


def test_every_fixed_colour_is_okabe_ito_or_grey():
    allowed = set(charts.OKABE_ITO.values()) | {charts.GREY}
    for mapping in charts.COLOURS.values():
        assert set(mapping.values()) <= allowed


def test_same_program_same_colour_in_every_chart(ready):
    bar = charts.bar_chart(pub_of(ready, "participation", ["program"]), "program", "enrollments", k=K,
                           colour_by="program")
    by_label = dict(zip(bar.data[0].x, bar.data[0].marker.color))
    shown = bar.data[0].text
    for label, text in zip(bar.data[0].x, shown):
        if text != "<5":
            assert by_label[label] == charts.colour("program", label)


# --- hidden figures ----------------------------------------------------------
@pytest.mark.parametrize("name, by, x, measure", [
    ("participation", ["village"], "village", "enrollments"),
    ("participation", ["village"], "village", "completion_rate"),
    ("participation", ["origin_regency"], "origin_regency", "participants"),
    ("cost", ["program"], "program", "cost_per_participant"),
    ("outcomes", ["program"], "program", "working_rate"),
])
def test_hidden_bars_are_flat_and_say_so(ready, name, by, x, measure):
    pub = pub_of(ready, name, by)
    raw = indicator_table(ready, name, by)
    hidden = hidden_mask(pub)[measure].to_numpy()
    assert hidden.any(), "the canonical dataset must hide something here"
    fig = charts.bar_chart(pub, x, measure, k=K, horizontal=False)
    bar = fig.data[0]
    reasons = hidden_reasons(pub)[measure]
    for i, is_hidden in enumerate(hidden):
        if is_hidden:
            expected_word = "<5" if reasons.iloc[i] == "small" else "disembunyikan"
            assert bar.y[i] == 0
            assert bar.text[i] == expected_word == bar.customdata[i]
            assert bar.marker.color[i] == charts.HIDDEN_COLOUR
    # The true values of hidden cells appear nowhere in the trace.
    for i in (i for i, h in enumerate(hidden) if h):
        true = raw[measure].iloc[i]
        assert true not in list(bar.y)
    assert "%{y}" not in bar.hovertemplate and "%{x}" not in bar.hovertemplate.replace("<b>%{x}</b>", "")


def test_none_is_a_dash_not_zero_and_not_hidden(ready):
    pub = pub_of(ready, "participation", ["origin_regency"])
    fig = charts.bar_chart(pub, "origin_regency", "migrant_share", k=K, horizontal=False)
    row = list(pub["origin_regency"].astype(str)).index("Tidak Diketahui")
    assert fig.data[0].text[row] == "—"
    assert fig.data[0].marker.color[row] != charts.HIDDEN_COLOUR


@pytest.mark.parametrize("builder", ["bar", "grouped", "stacked", "funnel", "map"])
def test_no_chart_carries_a_hidden_true_value(ready, builder, reference):
    pub = pub_of(ready, "participation", ["origin_regency"])
    if builder == "bar":
        fig = charts.bar_chart(pub, "origin_regency", "participants", k=K)
    elif builder == "grouped":
        fig = charts.grouped_bar_chart(pub, "origin_regency", ["participants", "enrollments"], k=K)
    elif builder == "stacked":
        pub = pub_of(ready, "origin_split", ["village"])
        fig = charts.stacked_chart(pub, "village", "origin_type", "enrollments", k=K)
    elif builder == "funnel":
        pub = pub_of(ready, "funnel", ["program"])
        pub = pub[pub["program"] == "Tata Rias"].reset_index(drop=True)
        fig = charts.funnel_chart(pub, "stage", "enrollments", k=K)
    else:
        coords = pd.DataFrame({"regency": ["Kabupaten Blitar", "Kabupaten Indramayu", "Kota Kediri"],
                               "lat": [-8.1, -6.4, -7.8], "lon": [112.2, 108.2, 112.0]})
        fig = charts.origin_map(pub, coords, "enrollments", k=K)
    # Every number a trace carries must be a shown figure (or a derived height/size).
    shown_texts = {str(t) for trace in fig.data for t in (trace.text if trace.text is not None else [])}
    hidden_cells = hidden_mask(pub)
    assert hidden_cells.to_numpy().any()
    payload = json.dumps([trace.to_plotly_json() for trace in fig.data], default=str)
    assert "<5" in payload
    for text in shown_texts:
        assert not re.fullmatch(r"[1-4]", text), f"a small count {text} is drawn"


def test_stacked_shares_draw_the_hidden_part_as_one_block(ready):
    pub = pub_of(ready, "outcome_mix", ["program"])
    fig = charts.stacked_chart(pub, "program", "outcome", "outcome_share", k=K, horizontal=False)
    names = [t.name for t in fig.data]
    assert names[-1] == "disembunyikan"
    block = dict(zip(fig.data[-1].x, fig.data[-1].y))
    # Konveksi: four outcomes hidden, three shown at 0%: the hidden block is the whole bar.
    assert block["Konveksi"] == pytest.approx(1.0)
    for trace in fig.data[:-1]:
        assert trace.marker.color == charts.colour("outcome", trace.name)


def test_map_draws_hidden_regions_at_one_fixed_size(ready):
    pub = pub_of(ready, "participation", ["origin_regency"])
    coords = pd.DataFrame({"regency": ["Kabupaten Blitar", "Kabupaten Indramayu", "Kota Kediri"],
                           "lat": [-8.1, -6.4, -7.8], "lon": [112.2, 108.2, 112.0]})
    fig = charts.origin_map(pub, coords, "enrollments", k=K)
    visible, hidden = fig.data
    assert list(visible.text) == ["Kabupaten Blitar"] and list(visible.customdata) == ["5"]
    assert sorted(hidden.text) == ["Kabupaten Indramayu", "Kota Kediri"]
    assert hidden.marker.size == 9 and set(hidden.customdata) == {"<5"}


def test_map_fetches_nothing_from_the_internet(ready):
    pub = pub_of(ready, "participation", ["origin_regency"])
    coords = pd.DataFrame({"regency": ["Kabupaten Blitar"], "lat": [-8.1], "lon": [112.2]})
    land = pd.DataFrame({"shape": [1, 1, 1, 1], "lon": [110, 112, 112, 110], "lat": [-8, -8, -6, -8]})
    fig = charts.origin_map(pub, coords, "enrollments", k=K, basemap=land)
    geo = fig.layout.geo
    # plotly.js downloads its world map when any built-in layer is on.
    for layer in ("showland", "showocean", "showcountries", "showcoastlines", "showlakes", "showrivers",
                  "showsubunits"):
        assert getattr(geo, layer) is False
    assert fig.data[0].fill == "toself" and fig.data[0].hoverinfo == "skip"


def test_land_shapes_are_drawn_apart_with_a_gap_after_each():
    # Rows of a shape need not be together in the file; each shape is one closed run of points.
    land = pd.DataFrame({"shape": [1, 1, 2, 1, 2, 2], "lon": [110, 112, 120, 110, 121, 120],
                         "lat": [-8, -6, -2, -8, -1, -2]})
    trace = charts._land(land)
    assert trace.fill == "toself"
    runs = [[]]
    for lon, lat in zip(trace.lon, trace.lat):
        if np.isnan(lon):
            assert np.isnan(lat)
            runs.append([])
        else:
            runs[-1].append((lon, lat))
    assert runs == [[(110, -8), (112, -6), (110, -8)], [(120, -2), (121, -1), (120, -2)], []]


def test_charts_carry_their_own_small_template(ready):
    fig = charts.bar_chart(pub_of(ready, "participation", ["village"]), "village", "enrollments", k=K)
    template = fig.layout.template
    assert template.layout.plot_bgcolor == "white" and template.layout.xaxis.gridcolor == "#EBF0F8"
    assert not template.data.scatter and not template.data.heatmap  # not the whole plotly_white


def test_visible_circles_grow_with_the_count():
    pub = pd.DataFrame({"origin_regency": ["A", "B", "C"], "enrollments": pd.array([5, 20, 80], dtype="Int64"),
                        reason_column("enrollments"): ["", "", ""]})
    coords = pd.DataFrame({"regency": ["A", "B", "C"], "lat": [-7, -7.5, -8], "lon": [110, 111, 112]})
    sizes = list(charts.origin_map(pub, coords, "enrollments", k=K).data[0].marker.size)
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]


# --- axes and labels ---------------------------------------------------------
@pytest.mark.parametrize("top, kind, lang, expected", [
    (125_000_000, "money", "id", ["Rp 0", "Rp 50 jt", "Rp 100 jt", "Rp 150 jt"]),
    (125_000_000, "money", "en", ["Rp 0", "Rp 50M", "Rp 100M", "Rp 150M"]),
    (0.9, "rate", "id", ["0%", "25%", "50%", "75%", "100%"]),
    (7, "count", "id", ["0", "2", "4", "6", "8"]),
    (1234, "count", "id", ["0", "500", "1.000", "1.500"]),
    (0, "count", "id", ["0", "1"]),
])
def test_value_axis_labels(top, kind, lang, expected):
    assert charts.value_axis(top, kind, lang)["ticktext"] == expected


@pytest.mark.parametrize("values, lang, expected", [
    ([2015, 2016], "id", ["2015", "2016"]),
    (["Bekerja", "Kembali Beroperasi"], "en", ["Employed", "Back in sex work"]),
    (["Bekerja", "Pare"], "id", ["Bekerja", "Pare"]),
])
def test_category_labels(values, lang, expected):
    assert charts.category_labels(pd.Series(values), lang) == expected


def test_grouped_bars_keep_one_value_axis(ready):
    pub = pub_of(ready, "budget", ["year"])
    fig = charts.grouped_bar_chart(pub, "year", ["allocated_idr", "realized_idr", "absorption_rate"], k=K)
    assert [t.name for t in fig.data] == ["Pagu", "Realisasi"]
    assert fig.data[0].text[-1] == "Rp 131 jt"  # money is not a count of people: shown exactly


def test_funnel_labels_each_stage_with_its_share_of_the_first(ready):
    pub = pub_of(ready, "funnel", [])
    fig = charts.funnel_chart(pub, "stage", "enrollments", k=K, lang="id")
    # Each stage's published count, and its share of the first published count (tiny: 16, 11, 11, 7 enrolled).
    counts = pub["enrollments"].astype(int).tolist()
    assert all(c % 5 == 0 for c in counts)
    assert list(fig.data[0].text) == [
        f"{c} ({fmt.percent(c / counts[0], 'id')})" for c in counts]
    assert list(fig.data[0].y) == ["Terdaftar", "Selesai", "Terpantau", "Bekerja/usaha"]


@pytest.mark.parametrize("reason, k, lang, expected", [
    ("small", 5, "id", "<5"),
    ("small", 10, "en", "<10"),
    ("guard", 5, "id", "disembunyikan"),
    ("base_small", 5, "id", "disembunyikan"),
    ("numerator_hidden", 5, "en", "hidden"),
])
def test_hidden_text_reads_as_the_tables_do(reason, k, lang, expected):
    assert charts.hidden_text(reason, k, lang) == expected


def test_largest_first_orders_shown_bars_and_keeps_hidden_ones_last_in_table_order():
    pub = pd.DataFrame({
        "origin_regency": ["A", "B", "C", "D", "E"],
        "enrollments": pd.array([7, None, 30, None, 12], dtype="Int64"),
        reason_column("enrollments"): ["", "small", "", "base_hidden", ""],
    })
    fig = charts.bar_chart(pub, "origin_regency", "enrollments", k=K, horizontal=True, largest_first=True)
    assert list(fig.data[0].y) == ["C", "E", "A", "B", "D"]
    assert list(fig.data[0].text) == ["30", "12", "7", "<5", "disembunyikan"]
