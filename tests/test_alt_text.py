"""A chart's one-sentence text alternative names the published extremes, never a hidden cell."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.alt_text import chart_summary, name_list, row_labels
from lib.privacy import NotPublishedError, Rules, key_column, publishable

RULES = Rules(k=5, b=5)


def published(rows: list[tuple], dims: list[str], counts: tuple[str, ...] = ("participants",),
              derived: tuple[str, ...] = ()) -> pd.DataFrame:
    """A published table of ``rows`` (dimension values, then each of ``counts``), every count with its own cell
    key; ``derived`` figures (rates) are computed by publishing. Multiples of 5 publish as they are, 1 to 4 as <5."""
    raw = pd.DataFrame(rows, columns=[*dims, *counts])
    for i, name in enumerate(counts):
        raw[key_column(name)] = range(1000 * i, 1000 * i + len(raw))
    return publishable(raw.assign(**{name: float("nan") for name in derived}), dims, RULES)


VILLAGES = published([("Pare", 40), ("Gurah", 15), ("Kandangan", 3), ("Semampir", 25)], ["village"])


def test_names_the_chart_the_figure_and_its_published_extremes():
    assert chart_summary(VILLAGES, "village", "participants", "Peserta menurut desa", "id") == (
        "Grafik “Peserta menurut desa”, peserta menurut desa/kelurahan: tertinggi Pare (40), terendah Gurah (15); "
        "1 dari 4 nilai disembunyikan demi privasi.")


def test_english_reads_the_same_in_english():
    assert chart_summary(VILLAGES, "village", "participants", "Participants by village", "en") == (
        "Chart “Participants by village”, participants by village: highest Pare (40), lowest Gurah (15); "
        "1 of 4 values hidden to protect privacy.")


def test_a_hidden_cell_is_never_named():
    # Kandangan's 3 people are the smallest figure of the table, but the chart shows "<5": the sentence
    # names neither Kandangan nor its count, only that one value is hidden.
    for lang in ("id", "en"):
        sentence = chart_summary(VILLAGES, "village", "participants", "T", lang)
        assert "Kandangan" not in sentence and "(3)" not in sentence and "<5" not in sentence


def test_a_hidden_cell_is_left_out_by_its_reason_even_where_its_value_is_kept():
    # The reason code decides, not the missing value: a table that kept a hidden cell's figure still hides it.
    kept = VILLAGES.assign(participants=VILLAGES["participants"].fillna(3))
    assert kept["participants"].notna().all()
    sentence = chart_summary(kept, "village", "participants", "T", "id")
    assert "Kandangan" not in sentence and "terendah Gurah (15)" in sentence


def test_numbers_are_written_in_the_readers_format():
    budget = pd.DataFrame({"year": [2021, 2022, 2023], "allocated_idr": [125_000_000.0, 1_250_000.0, 98_500_000.0]})
    budget = publishable(budget, ["year"], RULES)
    assert chart_summary(budget, "year", "allocated_idr", "Pagu per tahun", "id") == (
        "Grafik “Pagu per tahun”, pagu menurut tahun: tertinggi 2021 (Rp 125.000.000), terendah 2022 (Rp 1.250.000).")
    assert "highest 2021 (Rp 125,000,000), lowest 2022 (Rp 1,250,000)." in chart_summary(
        budget, "year", "allocated_idr", "Allocation by year", "en")


def test_a_rate_whose_base_is_hidden_is_left_out_and_counted_as_hidden():
    rates = published([("Pare", 40, 30), ("Gurah", 20, 5), ("Kandangan", 3, 1), ("Semampir", 50, 10)],
                      ["village"], ("completion_base", "completed"), ("completion_rate",))
    sentence = chart_summary(rates, "village", "completion_rate", "Tingkat penyelesaian", "id")
    assert "tertinggi Pare (75,0%), terendah Semampir (20,0%)" in sentence
    assert "Kandangan" not in sentence
    assert sentence.endswith("; 1 dari 4 nilai disembunyikan demi privasi.")


def test_vocabulary_is_read_in_english_and_two_dimensions_join():
    mix = published([("Tata Boga", "Bekerja", 20), ("Tata Boga", "Belum Bekerja", 10),
                     ("Konveksi", "Bekerja", 10), ("Konveksi", "Kembali Beroperasi", 30)], ["program", "outcome"],
                    ("outcome_count",))
    sentence = chart_summary(mix, ["program", "outcome"], "outcome_count", "Outcomes", "en")
    assert sentence.startswith("Chart “Outcomes”, ")
    assert "by program and outcome: highest Konveksi – Back in sex work (30), lowest Tata Boga – Not working and " \
           "Konveksi – Employed (10)." in sentence


@pytest.mark.parametrize("rows, expected", [
    ([("Pare", 40)], "Grafik “T”, peserta menurut desa/kelurahan: Pare 40."),
    ([("Pare", 10), ("Gurah", 10)], "Grafik “T”, peserta menurut desa/kelurahan: semuanya 10 (Pare dan Gurah)."),
    ([("Pare", 2), ("Gurah", 4)], "Grafik “T”, peserta menurut desa/kelurahan: tidak ada angka yang dapat "
                                  "ditampilkan; 2 dari 2 nilai disembunyikan demi privasi."),
    ([("Pare", 10), ("Gurah", 0)], "Grafik “T”, peserta menurut desa/kelurahan: tertinggi Pare (10), "
                                   "terendah Gurah (0)."),
])
def test_one_value_equal_values_and_no_value(rows, expected):
    assert chart_summary(published(rows, ["village"]), "village", "participants", "T", "id") == expected


def test_many_ties_are_counted_past_three():
    assert name_list(["A", "B", "C", "D", "E"], "id") == "A, B, C, dan 2 lainnya"
    assert name_list(["A", "B"], "en") == "A and B"


def test_years_read_as_years():
    assert row_labels(pd.DataFrame({"year": [2022, 2023]}), ["year"], "id") == ["2022", "2023"]


def test_a_table_that_was_not_published_is_refused():
    raw = pd.DataFrame({"village": ["Pare"], "participants": [3]})
    with pytest.raises(NotPublishedError):
        chart_summary(raw, "village", "participants", "T", "id")


@settings(deadline=None, max_examples=60)
@given(counts=st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=8),
       lang=st.sampled_from(["id", "en"]))
def test_the_sentence_names_only_published_categories_and_their_extremes(counts, lang):
    villages = [f"Desa{chr(65 + i)}" for i in range(len(counts))]
    table = published(list(zip(villages, counts)), ["village"])
    sentence = chart_summary(table, "village", "participants", "T", lang)
    hidden = [v for v, c in zip(villages, counts) if 1 <= c < RULES.k]
    shown = {v: int(n) for v, n, h in zip(villages, table["participants"], table["participants__hidden"]) if not h}
    for village in hidden:
        assert village not in sentence
    if shown and len(shown) <= 3:
        top = max(shown.values())
        assert all(v in sentence for v, n in shown.items() if n == top)
    assert sentence.endswith(".") and ". " not in sentence  # one sentence
