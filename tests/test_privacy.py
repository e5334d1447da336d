"""Small-number suppression: each rule on tiny tables, then properties on random ones."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.export import HIDDEN_WORD, display_frame
from lib.measures import BY_NAME, MEASURES, label
from lib import privacy
from lib.privacy import (
    BASE_GAP_SMALL,
    BASE_HIDDEN,
    BASE_SMALL,
    GAP_SMALL,
    GUARD,
    HIDDEN,
    NUMERATOR_HIDDEN,
    REASONS,
    SMALL,
    MissingBaseError,
    gap_pairs,
    hidden_mask,
    hidden_reasons,
    privacy_note,
    publishable,
    small_label,
)

NA = pd.NA


def counts(*values) -> pd.arrays.IntegerArray:
    return pd.array(list(values), dtype="Int64")


def village_table(**columns) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return pd.DataFrame({"village": [f"D{i}" for i in range(n)], **columns})


def grid(rows: list[list[int]], column: str = "enrollments") -> pd.DataFrame:
    """A village x year table of one count column, from a matrix."""
    return pd.DataFrame([
        {"village": f"D{i}", "year": 2020 + j, column: value}
        for i, row in enumerate(rows) for j, value in enumerate(row)
    ]).astype({column: "Int64"})


def hidden_matrix(pub: pd.DataFrame, shape: tuple[int, int], column: str = "enrollments") -> list[list[int]]:
    return hidden_mask(pub)[column].to_numpy().astype(int).reshape(shape).tolist()


def expected(table: pd.DataFrame, hide: dict[str, list[int]], notes: list[str]) -> pd.DataFrame:
    out = table.copy()
    for column, rows in hide.items():
        mask = pd.Series(out.index.isin(rows), index=out.index)
        out[column] = out[column].mask(mask)
    return out.assign(**{HIDDEN: pd.Series(notes, index=out.index, dtype="str")})


# --- rule 1 and 2 on one dimension -------------------------------------------

P5 = "Peserta <5 disembunyikan"
PG = "Peserta disembunyikan (melindungi angka kecil lain)"


@pytest.mark.parametrize("values,k,hide,notes", [
    # 1..k-1 hidden, 0 shown; two hidden cells protect each other
    ([0, 1, 4, 5, 30], 5, [1, 2], ["", P5, P5, "", ""]),
    # one hidden cell alone: the next smallest non-zero cell is hidden too (never a 0)
    ([3, 0, 12, 30], 5, [0, 2], [P5, "", PG, ""]),
    # ties: the first of equal candidates
    ([3, 12, 12], 5, [0, 1], [P5, PG, ""]),
    # a line of one row is its own total
    ([3], 5, [0], [P5]),
    # a line whose only non-zero cell is hidden: nothing else to hide
    ([3, 0, 0], 5, [0], [P5, "", ""]),
    # the actual k: 6 is small when k = 7, and <7 reads in the note
    ([6, 9, 20], 7, [0, 1], ["Peserta <7 disembunyikan", PG, ""]),
    # nothing small: nothing hidden
    ([5, 9, 0], 5, [], ["", "", ""]),
])
def test_small_counts_and_their_guard_along_one_dimension(values, k, hide, notes):
    table = village_table(participants=counts(*values))
    pd.testing.assert_frame_equal(publishable(table, ["village"], k), expected(table, {"participants": hide}, notes))


@pytest.mark.parametrize("values,k,hide", [
    # 1 + 1 beside a total of 32: both must be 1, so a third cell is hidden
    ([1, 1, 30], 5, [0, 1, 2]),
    # <5 + <5 = 8 when k = 5: both must be 4
    ([4, 4, 20], 5, [0, 1, 2]),
    # <5 and a guard of at least 5 adding up to 6: 1 and 5
    ([1, 5, 30], 5, [0, 1, 2]),
    # 2 and 5 add up to 7: 1..4 and 5..: still two ways (2+5, 1+6)
    ([2, 5, 30], 5, [0, 1]),
    # when nothing else is left to hide, what is hidden stays hidden
    ([1, 1], 5, [0, 1]),
])
def test_hidden_cells_that_their_sum_would_pin_down(values, k, hide):
    table = village_table(participants=counts(*values))
    mask = hidden_mask(publishable(table, ["village"], k))["participants"]
    assert mask.to_numpy().nonzero()[0].tolist() == hide


# --- rule 2 on two dimensions ------------------------------------------------

@pytest.mark.parametrize("rows,margins,hidden", [
    # 3 alone in its row and its column: a rectangle of four cells is hidden
    ([[3, 10, 20],
      [8, 12, 25]], None,
     [[1, 1, 0],
      [1, 1, 0]]),
    # totals along years only (rows sum to a village total): columns are not lines
    ([[3, 10, 20],
      [8, 12, 25]], ["year"],
     [[1, 1, 0],
      [0, 0, 0]]),
    # totals along villages only (columns sum to a year total)
    ([[3, 10, 20],
      [8, 12, 25]], ["village"],
     [[1, 0, 0],
      [1, 0, 0]]),
    # iterated across dimensions until nothing changes: 2 -> 9 below it and 9 beside it
    # -> the 9 in row D1 -> the 30 under the first 9 and the 9 above the second
    ([[2, 9, 9, 30],
      [9, 30, 9, 30],
      [30, 30, 30, 9]], None,
     [[1, 1, 1, 0],
      [1, 1, 1, 0],
      [0, 0, 0, 0]]),
    # a guard that would be the only non-zero cell of its column is passed over for a larger one
    ([[2, 6, 9],
      [7, 0, 8]], None,
     [[1, 0, 1],
      [1, 0, 1]]),
])
def test_complementary_suppression_in_two_dimensions(rows, margins, hidden):
    table = grid(rows)
    pub = publishable(table, ["village", "year"], 5, margins=margins)
    assert hidden_matrix(pub, (len(rows), len(rows[0]))) == hidden


def test_a_cell_the_totals_still_give_away_through_a_chain_is_guarded():
    # Each line hides 0 or 2+ cells or is its own total, yet with the row and column
    # totals: D0's total is its 2020 cell (24), 2020's total then gives D1's 23,
    # and D1's total minus 23 and the shown 12 is the hidden 1. So the 12 is hidden too.
    rows = [[24, 0, 0],
            [23, 1, 12]]
    line_rule_only = np.array([[1, 0, 0],
                               [1, 1, 0]], dtype=bool)
    assert _exposed_small_cells(np.array(rows), line_rule_only, 5) == [(1, 1)]
    pub = publishable(grid(rows), ["village", "year"], 5)
    assert hidden_matrix(pub, (2, 3)) == [[1, 0, 0],
                                          [1, 1, 1]]
    assert _exposed_small_cells(np.array(rows), np.array(hidden_matrix(pub, (2, 3)), dtype=bool), 5) == []


def test_what_the_totals_alone_give_away_is_left_as_it_is():
    # Village D1's total (38) minus the 2021 and 2022 totals, which lie wholly in
    # D1 (21 and 16), is its 2020 count: 1, whatever this table hides.
    rows = [[4, 0, 0, 1],
            [1, 21, 16, 0]]
    pub = publishable(grid(rows), ["village", "year"], 3)
    hidden = np.array(hidden_matrix(pub, (2, 4)), dtype=bool)
    assert hidden[1, 0]
    assert _exposed_small_cells(np.array(rows), hidden, 3, unavoidable=False) == [(1, 0)]
    assert _exposed_small_cells(np.array(rows), hidden, 3) == []


# --- outcome mix: a count whose total is another column ----------------------

def test_outcome_counts_are_guarded_within_their_total_and_totals_across_villages():
    outcomes = ["Bekerja", "Usaha Mandiri", "Belum Bekerja"]
    per_village = {"D0": [3, 10, 12], "D1": [6, 7, 9], "D2": [10, 20, 30]}
    rows = []
    for village, values in per_village.items():
        total = sum(values)
        rows += [{"village": village, "outcome": o, "outcome_count": v, "outcome_total": total,
                  "outcome_share": v / total} for o, v in zip(outcomes, values)]
    table = pd.DataFrame(rows).astype({"outcome_count": "Int64", "outcome_total": "Int64"})
    pub = publishable(table, ["village", "outcome"], 5, margins=["outcome"])
    reasons = hidden_reasons(pub)
    assert reasons["outcome_count"].tolist() == [SMALL, GUARD, "", "", "", "", "", "", ""]
    assert reasons["outcome_share"].tolist() == [NUMERATOR_HIDDEN, NUMERATOR_HIDDEN] + [""] * 7
    # one total per village, repeated on its rows, never hidden for varying along outcome
    assert reasons["outcome_total"].eq("").all()


def test_a_small_outcome_total_is_hidden_on_every_row_of_its_village():
    table = pd.DataFrame({
        "village": ["D0", "D0", "D1", "D1", "D2", "D2"],
        "outcome": ["Bekerja", "Magang"] * 3,
        "outcome_count": counts(1, 2, 5, 9, 20, 0),
        "outcome_total": counts(3, 3, 14, 14, 20, 20),
        "outcome_share": [1 / 3, 2 / 3, 5 / 14, 9 / 14, 1.0, 0.0],
    })
    reasons = hidden_reasons(publishable(table, ["village", "outcome"], 5))
    # D0's total 3 is small; across villages it needs a guard: D1's 14 (smallest)
    assert reasons["outcome_total"].tolist() == [SMALL, SMALL, GUARD, GUARD, "", ""]
    assert reasons["outcome_share"].tolist()[:4] == [BASE_SMALL, BASE_SMALL, BASE_HIDDEN, BASE_HIDDEN]


# --- rule 3: rates, medians, rupiah per person -------------------------------

W5 = "Terpantau <5 disembunyikan"


@pytest.mark.parametrize("followed_up,working,reason", [
    (4, 2, BASE_SMALL),          # base below k
    (20, 3, NUMERATOR_HIDDEN),   # shown rate x shown base would give the hidden 3 back
    (20, 0, ""),                 # 0 working is shown, and so is 0 %
    (20, 12, ""),
])
def test_a_rate_follows_its_base_and_its_numerator(followed_up, working, reason):
    table = pd.DataFrame({
        "village": ["D0"], "followed_up": counts(followed_up), "working": counts(working),
        "working_rate": [working / followed_up],
    })
    assert hidden_reasons(publishable(table, ["village"], 5))["working_rate"].tolist() == [reason]


def test_a_rate_on_a_guarded_base_is_hidden_and_a_none_rate_is_left_as_none():
    table = village_table(
        followed_up=counts(3, 12, 30, 0),
        working=counts(0, 6, 15, 0),
        working_rate=[0.0, 0.5, 0.5, np.nan],
    )
    pub = publishable(table, ["village"], 5)
    assert hidden_reasons(pub)["working_rate"].tolist() == [BASE_SMALL, BASE_HIDDEN, "", ""]
    assert pub[HIDDEN].tolist() == [
        "Terpantau <5 disembunyikan; Tingkat bekerja disembunyikan (dasar <5)",
        "Terpantau disembunyikan (melindungi angka kecil lain); Tingkat bekerja disembunyikan (dasar disembunyikan)",
        "", "",
    ]


def test_median_income_and_cost_per_person_follow_their_base_and_budget_sums_never_hide():
    table = village_table(
        participants=counts(2, 40, 50),
        working=counts(1, 30, 0),
        income_reported=counts(4, 3, 25),
        median_income=[1_500_000.0, 2_000_000.0, 1_800_000.0],
        allocated_idr=[10_000_000.0, 50_000_000.0, 0.0],
        realized_idr=[9_000_000.0, 45_000_000.0, 0.0],
        absorption_rate=[0.9, 0.9, np.nan],
        cost_per_participant=[4_500_000.0, 1_125_000.0, 0.0],
        cost_per_working=[9_000_000.0, 1_500_000.0, np.nan],
    )
    pub = publishable(table, ["village"], 5)
    reasons = hidden_reasons(pub)
    assert reasons["median_income"].tolist() == [BASE_SMALL, BASE_SMALL, ""]
    assert reasons["cost_per_participant"].tolist() == [BASE_SMALL, BASE_HIDDEN, ""]
    assert reasons["cost_per_working"].tolist() == [BASE_SMALL, BASE_HIDDEN, ""]
    for money in ("allocated_idr", "realized_idr", "absorption_rate"):
        pd.testing.assert_series_equal(pub[money], table[money])


def test_a_rate_without_its_base_in_the_table_is_an_error():
    table = village_table(working=counts(3), working_rate=[0.5])
    with pytest.raises(MissingBaseError) as error:
        publishable(table, ["village"], 5)
    assert (error.value.measure, error.value.missing) == ("working_rate", "followed_up")


# --- a rate's base minus its numerator is a count of people too -------------

RATES_WITH_A_GAP = [m for m in MEASURES if m.numerator and m.base]


def rate_row(m, base: int, numerator: int, *, with_rate: bool = True) -> pd.DataFrame:
    """One village, one rate of the registry: its base, its numerator and (optionally) the rate."""
    table = pd.DataFrame({"village": ["D0"], m.base: counts(base), m.numerator: counts(numerator)})
    return table.assign(**{m.name: [numerator / base]}) if with_rate else table


def test_every_rate_of_the_registry_has_its_gap_checked():
    assert {m.name for m in RATES_WITH_A_GAP} == {
        "completion_rate", "migrant_share", "working_rate", "relapse_rate", "outcome_share"}
    assert gap_pairs(["followed_up", "working", "relapsed", "enrollments"]) == [
        ("working", "followed_up"), ("relapsed", "followed_up")]


@pytest.mark.parametrize("m", RATES_WITH_A_GAP, ids=lambda m: m.name)
@pytest.mark.parametrize("base,numerator,k,reasons", [
    # 51 enrolled, 48 completed: 3 dropped out. The numerator goes, and the rate with it.
    (51, 48, 5, ("", GAP_SMALL, NUMERATOR_HIDDEN)),
    (51, 47, 5, ("", GAP_SMALL, NUMERATOR_HIDDEN)),        # a gap of k-1
    (51, 51, 5, ("", "", "")),                              # a gap of 0: 100% is not a small count
    (51, 46, 5, ("", "", "")),                              # a gap of k
    (51, 0, 5, ("", "", "")),
    (20, 14, 7, ("", GAP_SMALL, NUMERATOR_HIDDEN)),         # the actual k: a gap of 6 < 7
    (20, 13, 7, ("", "", "")),
    (7, 5, 5, ("", GAP_SMALL, NUMERATOR_HIDDEN)),           # hidden, it is 5 or 6: the gap 1 or 2
    # base k+1, numerator k: a hidden numerator could only be k (not <5, not the base) -> the base goes
    (6, 5, 5, (BASE_GAP_SMALL, "", BASE_HIDDEN)),
    (8, 3, 5, ("", SMALL, NUMERATOR_HIDDEN)),               # a small numerator stays <5
    (4, 2, 5, (SMALL, SMALL, BASE_SMALL)),                  # a small base: nothing to subtract from
])
def test_a_small_gap_between_a_base_and_its_numerator_hides_one_of_them(m, base, numerator, k, reasons):
    pub = publishable(rate_row(m, base, numerator), ["village"], k)
    assert tuple(hidden_reasons(pub)[[m.base, m.numerator, m.name]].iloc[0]) == reasons
    # without the rate column the two counts still subtract
    without_rate = hidden_reasons(publishable(rate_row(m, base, numerator, with_rate=False), ["village"], k))
    assert tuple(without_rate[[m.base, m.numerator]].iloc[0]) == reasons[:2]


def test_a_gap_hidden_numerator_reads_the_hidden_word_and_its_reason():
    m = BY_NAME["completion_rate"]
    pub = publishable(rate_row(m, 51, 48), ["village"], 5)
    assert pub[HIDDEN].tolist() == [
        "Selesai disembunyikan (selisih dengan dasarnya kecil); "
        "Tingkat kelulusan disembunyikan (pembilang disembunyikan)"]
    assert pub["completion_base"].tolist() == [51] and pub["completed"].isna().all()
    shown = display_frame(pub, ["village"], 5)
    # its value is k or more: it is not "<5"
    assert shown[[label("completion_base"), label("completed"), label("completion_rate")]].iloc[0].tolist() == [
        51, HIDDEN_WORD["id"], HIDDEN_WORD["id"]]
    base_pub = publishable(rate_row(m, 6, 5), ["village"], 5)
    assert base_pub[HIDDEN].tolist() == [
        "Selesai atau tidak selesai disembunyikan (selisih dengan pembilangnya kecil); "
        "Tingkat kelulusan disembunyikan (dasar disembunyikan)"]


def test_a_rate_shown_with_its_base_but_without_its_numerator():
    # rate x base is the numerator, and so base minus it the gap: the numerator must be there to check.
    table = pd.DataFrame({"village": ["D0"], "followed_up": counts(51), "working_rate": [48 / 51]})
    with pytest.raises(MissingBaseError) as error:
        publishable(table, ["village"], 5)
    assert (error.value.measure, error.value.missing) == ("working_rate", "working")
    # Published with it, a table that leaves the numerator out still hides the rate.
    pub = publishable(rate_row(BY_NAME["working_rate"], 51, 48), ["village"], 5).drop(columns=["working"])
    shown = display_frame(pub, ["village"], 5)
    assert shown[[label("followed_up"), label("working_rate")]].iloc[0].tolist() == [51, HIDDEN_WORD["id"]]


@pytest.mark.parametrize("bases,numerators,expected", [
    # the gap-hidden 48 alone on the line beside its total: the next smallest numerator is hidden too
    ([51, 60, 40], [48, 50, 30], [GAP_SMALL, "", GUARD]),
    # two gap-hidden cells: 47..50 and 56..59 add up to 107, anything between 103 and 109
    ([51, 60, 40], [49, 58, 30], [GAP_SMALL, GAP_SMALL, ""]),
    # ... but 109 is the most they can be: each gap 1. A third is hidden.
    ([51, 60, 40], [50, 59, 30], [GAP_SMALL, GAP_SMALL, GUARD]),
    # a guard is at most its base: 50 (at most 50) + 40 (at most 40) = 90 pins both -> one more
    ([51, 40, 90], [50, 40, 80], [GAP_SMALL, GUARD, GUARD]),
])
def test_gap_hidden_numerators_are_protected_along_their_lines(bases, numerators, expected):
    table = village_table(completion_base=counts(*bases), completed=counts(*numerators))
    pub = publishable(table, ["village"], 5)
    assert hidden_reasons(pub)["completed"].tolist() == expected
    assert hidden_reasons(pub)["completion_base"].eq("").all()


def test_a_guard_on_a_base_is_at_least_its_numerator():
    # Base 1 is small, 22 its guard; 22 completed are shown, so the guard is at least 22:
    # with the total 63 the two hidden add up to 23 = 1 + 22 and both are pinned. One more.
    table = village_table(completion_base=counts(1, 22, 40), completed=counts(0, 22, 30))
    assert hidden_reasons(publishable(table, ["village"], 5))["completion_base"].tolist() == [SMALL, GUARD, GUARD]


def test_gaps_in_two_dimensions_are_guarded_along_rows_and_columns():
    bases = [[51, 40, 30],
             [45, 60, 35]]
    table = grid(bases, "completion_base").assign(
        completed=counts(48, 30, 20, 30, 50, 25))
    pub = publishable(table, ["village", "year"], 5)
    reasons = hidden_reasons(pub)["completed"].to_numpy().reshape(2, 3)
    assert reasons[0, 0] == GAP_SMALL
    hidden = reasons != ""
    # a rectangle: no row or column hides exactly one cell
    assert hidden.sum(axis=0).tolist() in ([2, 2, 0], [2, 0, 2]) and hidden.sum(axis=1).tolist() == [2, 2]


# --- rule 4: shape, dtypes, columns left alone -------------------------------

def test_same_rows_and_columns_other_columns_and_dims_untouched():
    table = pd.DataFrame({
        "village": pd.Categorical(["Pare", "Gurah", None]),
        "year": [2020, 2020, 2021],
        "count": [1, 2, 3],                      # not a registry figure: left alone
        "enrollments": np.array([2, 30, 40]),    # numpy int64 in, nullable Int64 out
    })
    pub = publishable(table, ["village", "year"], 5, margins=["village"])
    assert list(pub.columns) == [*table.columns, HIDDEN]
    pd.testing.assert_frame_equal(pub[["village", "year", "count"]], table[["village", "year", "count"]])
    assert str(pub["enrollments"].dtype) == "Int64"
    assert pub["enrollments"].isna().tolist() == [True, True, False]


def test_an_empty_table_stays_empty():
    table = pd.DataFrame({"village": pd.Series([], dtype="str"), "enrollments": counts(),
                          "completed": counts(), "completion_base": counts(),
                          "completion_rate": pd.Series([], dtype="float64")})
    pub = publishable(table, ["village"], 5)
    assert list(pub.columns) == [*table.columns, HIDDEN] and len(pub) == 0
    assert hidden_mask(pub).shape == (0, 4)


def test_a_table_with_no_dimension_is_one_total():
    table = pd.DataFrame({"participants": counts(4), "enrollments": counts(12)})
    assert hidden_reasons(publishable(table, [], 5)).iloc[0].tolist() == [SMALL, ""]


@pytest.mark.parametrize("call", [
    lambda t: publishable(t, ["village"], 5, margins=["year"]),
    lambda t: publishable(t, ["region"], 5),
    lambda t: publishable(publishable(t, ["village"], 5), ["village"], 5),
])
def test_wrong_calls_are_refused(call):
    with pytest.raises((KeyError, ValueError)):
        call(village_table(enrollments=counts(1, 9)))


# --- the flag column ---------------------------------------------------------

def test_note_labels_read_back_without_mixing_up_similar_labels():
    # "Selesai" is a prefix of "Selesai atau tidak selesai": each must read back as itself.
    table = village_table(completed=counts(3, 30, 30), completion_base=counts(30, 30, 3),
                          completion_rate=[0.1, 1.0, 1.0])
    pub = publishable(table, ["village"], 5)
    reasons = hidden_reasons(pub)
    assert reasons["completed"].tolist() == [SMALL, GUARD, ""]
    assert reasons["completion_base"].tolist() == [GUARD, "", SMALL]


def test_every_reason_of_every_measure_reads_back_from_its_note():
    for m in MEASURES:
        for code in REASONS:
            frame = pd.DataFrame({m.name: [code]}, dtype=object)
            note = privacy_note(frame, 7)
            pub = pd.DataFrame({m.name: [None], HIDDEN: note})
            assert hidden_reasons(pub)[m.name].tolist() == [code], (m.name, code)


def test_small_label_shows_the_actual_k():
    assert small_label(5) == "<5" and small_label(11) == "<11"


# --- properties on random tables ---------------------------------------------

def _published_shown(values: np.ndarray, k: int, bases: np.ndarray | None = None) -> np.ndarray:
    """Per cell of a 1-D vector of totals: shown when published by the same rules (a total row).

    With ``bases``, the totals are numerators (completed) published beside these bases.
    """
    table = pd.DataFrame({"d": [str(i) for i in range(len(values))], "enrollments": counts(*values.tolist())})
    if bases is None:
        return ~hidden_mask(publishable(table, ["d"], k))["enrollments"].to_numpy()
    table = table.rename(columns={"enrollments": "completed"}).assign(completion_base=counts(*bases.tolist()))
    return ~hidden_mask(publishable(table, ["d"], k))["completed"].to_numpy()


def _exposed_small_cells(values: np.ndarray, hidden: np.ndarray, k: int, unavoidable: bool = True,
                         sensitive: np.ndarray | None = None, bases: np.ndarray | None = None):
    """Small hidden cells of a 2-D table that the shown cells and shown totals determine.

    The row totals, column totals and grand total are each published by the
    same rules. With ``unavoidable``, cells the totals give away even with every
    non-zero cell hidden are left out (no hiding inside the table helps them).
    ``sensitive``: the cells to check instead of the small ones; ``bases``: the
    values are numerators, their totals published beside these bases' totals.
    """
    rows_shown = _published_shown(values.sum(axis=1), k, None if bases is None else bases.sum(axis=1))
    cols_shown = _published_shown(values.sum(axis=0), k, None if bases is None else bases.sum(axis=0))
    grand_shown = bool(_published_shown(np.array([values.sum()]), k,
                                        None if bases is None else np.array([bases.sum()]))[0])

    def determined(unknown: np.ndarray) -> set[tuple[int, int]]:
        cells = list(zip(*np.nonzero(unknown)))
        if not cells:
            return set()
        equations = [[float(c[0] == i) for c in cells] for i in range(values.shape[0]) if rows_shown[i]]
        equations += [[float(c[1] == j) for c in cells] for j in range(values.shape[1]) if cols_shown[j]]
        equations += [[1.0] * len(cells)] if grand_shown else []
        if not equations:
            return set()
        a = np.array(equations)
        rank = np.linalg.matrix_rank(a)
        out = set()
        for n, cell in enumerate(cells):
            unit = np.zeros(len(cells))
            unit[n] = 1
            if np.linalg.matrix_rank(np.vstack([a, unit])) == rank:
                out.add(cell)
        return out

    small = (values > 0) & (values < k) if sensitive is None else sensitive
    exposed = {c for c in determined(hidden) if small[c]}
    if unavoidable:
        exposed -= determined(values > 0)
    return sorted((int(i), int(j)) for i, j in exposed)


small_or_any = st.one_of(st.integers(0, 12), st.integers(0, 30))


@st.composite
def grids(draw, max_side: int = 5):
    k = draw(st.integers(3, 10))
    n_rows = draw(st.integers(1, max_side))
    n_cols = draw(st.integers(1, max_side))
    values = np.array(draw(st.lists(small_or_any, min_size=n_rows * n_cols, max_size=n_rows * n_cols)))
    return values.reshape(n_rows, n_cols), k


def _table_of(values: np.ndarray) -> pd.DataFrame:
    table = grid(values.tolist(), "completion_base")
    completed = np.minimum(values.reshape(-1), np.arange(values.size) % 7)
    return table.assign(
        completed=pd.array(completed, dtype="Int64"),
        completion_rate=np.where(values.reshape(-1) > 0, completed / np.maximum(values.reshape(-1), 1), np.nan),
    )


def _lines(shape: tuple[int, ...]):
    """Every line of an n-D grid: (axis, index tuple of the cells)."""
    for axis in range(len(shape)):
        others = [range(s) for i, s in enumerate(shape) if i != axis]
        for rest in itertools.product(*others):
            yield [tuple(rest[:axis]) + (i,) + tuple(rest[axis:]) for i in range(shape[axis])]


def _check_common(table, pub, dims, k):
    mask = hidden_mask(pub)
    assert list(pub.columns) == [*table.columns, HIDDEN] and len(pub) == len(table)
    pd.testing.assert_frame_equal(pub[dims], table[dims])
    for column in mask.columns:
        m = BY_NAME[column]
        if m.kind == "count":
            shown = pub[column][~mask[column]].astype("Int64")
            assert not ((shown > 0) & (shown < k)).any(), column
        if m.kind == "rate":
            shown = ~mask[column] & table[column].notna()
            assert (table[m.base][shown] >= k).all()
            assert not mask[m.base][shown].any() and not mask[m.numerator][shown].any()
        # a hidden figure is <NA> in the published table, a shown one is its own value
        assert pub[column][mask[column]].isna().all()
        pd.testing.assert_series_equal(pub[column][~mask[column]].astype("float64"),
                                       table[column][~mask[column]].astype("float64"))
    # where a rate's numerator and base are both shown, the base minus the numerator is 0 or k or more
    for numerator, base in gap_pairs(list(mask.columns)):
        both = ~mask[numerator] & ~mask[base]
        gap = (table[base] - table[numerator]).astype("float64")[both]
        assert not ((gap > 0) & (gap < k)).any(), (numerator, base, gap[(gap > 0) & (gap < k)].tolist())


def _check_lines(values: np.ndarray, hidden: np.ndarray, k: int):
    """No line shows its total beside exactly one hidden cell, unless that cell is all the line has."""
    for cells in _lines(values.shape):
        v = np.array([values[c] for c in cells])
        h = np.array([hidden[c] for c in cells])
        if v.sum() >= k and h.sum() == 1:
            assert (v > 0).sum() == 1, (cells, v, h)
        # and the hidden cells' sum never pins each one down while a cell is left to hide
        small_hidden = h & (v > 0) & (v < k)
        if v.sum() >= k and small_hidden.any() and h.sum() >= 2 and ((v > 0) & ~h).any():
            n_small, n_guard = small_hidden.sum(), (h & ~small_hidden).sum()
            assert v[h].sum() != n_small + n_guard * k
            assert not (n_guard == 0 and v[h].sum() == n_small * (k - 1))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(small_or_any, min_size=1, max_size=15), st.integers(3, 10))
def test_property_one_dimension(values, k):
    table = village_table(completion_base=counts(*values),
                          completed=counts(*[min(v, i % 5) for i, v in enumerate(values)]))
    table = table.assign(completion_rate=(table["completed"] / table["completion_base"]).astype("float64"))
    before = table.copy(deep=True)
    pub = publishable(table, ["village"], k)
    pd.testing.assert_frame_equal(table, before)  # never mutated
    _check_common(table, pub, ["village"], k)
    v = np.array(values)
    _check_lines(v, hidden_mask(pub)["completion_base"].to_numpy(), k)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grids())
def test_property_two_dimensions(case):
    values, k = case
    table = _table_of(values)
    before = table.copy(deep=True)
    pub = publishable(table, ["village", "year"], k)
    pd.testing.assert_frame_equal(table, before)
    _check_common(table, pub, ["village", "year"], k)
    hidden = hidden_mask(pub)["completion_base"].to_numpy().reshape(values.shape)
    _check_lines(values, hidden, k)
    # Solved: no small hidden cell follows from the shown cells and the shown
    # row, column and grand totals, except what the totals alone give away.
    assert _exposed_small_cells(values, hidden, k) == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grids())
def test_property_the_note_reads_back_as_the_reasons_decided(case):
    # Charts and tables learn why a cell is hidden from the note column alone (it is what downloads carry).
    values, k = case
    table = _table_of(values)
    decided = privacy._reasons(table, ["village", "year"], ["village", "year"], k)
    read = hidden_reasons(publishable(table, ["village", "year"], k))
    assert list(read.columns) == list(decided)
    for column, codes in decided.items():
        assert read[column].tolist() == list(codes), column


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(3, 8), st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(2, 3)), st.data())
def test_property_three_dimensions(k, shape, data):
    values = np.array(data.draw(st.lists(small_or_any, min_size=int(np.prod(shape)),
                                         max_size=int(np.prod(shape))))).reshape(shape)
    table = pd.DataFrame([
        {"village": f"D{i}", "year": 2020 + j, "program": f"P{p}", "participants": int(values[i, j, p])}
        for i, j, p in itertools.product(*map(range, shape))
    ]).astype({"participants": "Int64"})
    pub = publishable(table, ["village", "year", "program"], k)
    _check_common(table, pub, ["village", "year", "program"], k)
    _check_lines(values, hidden_mask(pub)["participants"].to_numpy().reshape(shape), k)


@settings(max_examples=100, deadline=None)
@given(grids(max_side=4), st.randoms(use_true_random=False))
def test_property_missing_rows_are_fine(case, rnd):
    values, k = case
    table = _table_of(values)
    table = table.iloc[[i for i in range(len(table)) if rnd.random() < 0.7]]
    pub = publishable(table, ["village", "year"], k)
    _check_common(table, pub, ["village", "year"], k)


def _reader_range(reason: str, value_of_other: float | None, k: int, is_base: bool) -> tuple[float, float]:
    """The range a reader knows a hidden count lies in, from its reason and the other count of its pair.

    ``value_of_other``: the base beside a numerator, or the numerator beside a base; None where hidden.
    """
    other = value_of_other
    if reason == SMALL:
        return 1, k - 1
    if is_base:
        low = max(k, other or 0)
        return (max(low, other + 1), other + k - 1) if reason == BASE_GAP_SMALL else (low, np.inf)
    if other is None:
        return k, np.inf
    return (max(k, other - k + 1), other - 1) if reason == GAP_SMALL else (k, other)


def _pinned_in_line(values: np.ndarray, reasons: np.ndarray, others: np.ndarray, others_shown: np.ndarray,
                    total_shown: bool, k: int, is_base: bool) -> list[int]:
    """Hidden small or gap cells of one line that its shown total and the others' ranges pin to one value.

    A line with no non-zero cell left shown is left out: there is nothing more to hide.
    """
    hidden = reasons != ""
    if not total_shown or not hidden.any() or not ((values > 0) & ~hidden).any():
        return []
    ranges = np.array([_reader_range(r, o if s else None, k, is_base) if h else (v, v)
                       for r, o, s, h, v in zip(reasons, others, others_shown, hidden, values)], dtype=float)
    low, high = ranges[:, 0], ranges[:, 1]
    rest = values[hidden].sum()  # the total minus the shown cells
    pinned = []
    for i in np.flatnonzero(hidden & np.isin(reasons, [SMALL, GAP_SMALL, BASE_GAP_SMALL])):
        rest_of_line = hidden & (np.arange(len(values)) != i)
        others_low, others_high = low[rest_of_line].sum(), high[rest_of_line].sum()
        least, most = max(low[i], rest - others_high), min(high[i], rest - others_low)
        if least == most:
            pinned.append(int(i))
    return pinned


@st.composite
def gapped(draw, max_rows: int = 12):
    """Bases and numerators whose gap is often 1..k-1, and k."""
    k = draw(st.integers(3, 8))
    bases = draw(st.lists(st.integers(0, 3 * k + 20), min_size=1, max_size=max_rows))
    offsets = draw(st.lists(st.integers(0, k + 1), min_size=len(bases), max_size=len(bases)))
    return np.array(bases), np.array([max(0, b - o) for b, o in zip(bases, offsets)]), k


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(gapped())
def test_property_a_gap_is_never_shown_nor_worked_out_along_a_line(case):
    bases, numerators, k = case
    table = village_table(completion_base=counts(*bases), completed=counts(*numerators))
    table = table.assign(completion_rate=(table["completed"] / table["completion_base"]).astype("float64"))
    pub = publishable(table, ["village"], k)
    _check_common(table, pub, ["village"], k)
    reasons = hidden_reasons(pub)
    top, bottom = reasons["completed"].to_numpy(), reasons["completion_base"].to_numpy()
    # the totals, published by the same rules (with their own gap)
    top_total_shown, base_total_shown = (
        ~hidden_mask(publishable(pd.DataFrame({"completion_base": counts(bases.sum()),
                                               "completed": counts(numerators.sum())}), [], k))
        [["completed", "completion_base"]].iloc[0].to_numpy())
    assert _pinned_in_line(numerators, top, bases, bottom == "", top_total_shown, k, is_base=False) == []
    # a base hidden for its gap: its numerator is shown, or worked out from the totals
    known_top = (top == "") | (bottom == BASE_GAP_SMALL)
    assert _pinned_in_line(bases, bottom, numerators, known_top, base_total_shown, k, is_base=True) == []


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(3, 7), st.tuples(st.integers(1, 4), st.integers(1, 4)), st.data())
def test_property_a_gap_is_never_worked_out_in_two_dimensions(k, shape, data):
    n = shape[0] * shape[1]
    bases = np.array(data.draw(st.lists(st.integers(0, 3 * k + 20), min_size=n, max_size=n))).reshape(shape)
    offsets = np.array(data.draw(st.lists(st.integers(0, k + 1), min_size=n, max_size=n))).reshape(shape)
    numerators = np.maximum(bases - offsets, 0)
    table = grid(bases.tolist(), "completion_base").assign(completed=counts(*numerators.reshape(-1).tolist()))
    pub = publishable(table, ["village", "year"], k)
    _check_common(table, pub, ["village", "year"], k)
    reasons = hidden_reasons(pub)
    top = reasons["completed"].to_numpy().reshape(shape)
    base_shown = (reasons["completion_base"].to_numpy() == "").reshape(shape)
    # A gap cell beside a shown base must not follow from the shown numerators and their totals
    # (where it does even with everything hidden, its base is hidden instead).
    sensitive = (top == GAP_SMALL) & base_shown
    assert _exposed_small_cells(numerators, top != "", k, sensitive=sensitive, bases=bases) == []


def test_a_gap_its_totals_give_away_hides_its_base_too():
    # 48 of 51 completed in D0, none in D1 and D2: the total completed (48) is D0's,
    # and 51 beside it would give the 3 away. So 51 is hidden, and guarded along villages.
    table = village_table(completion_base=counts(51, 10, 20), completed=counts(48, 0, 0))
    reasons = hidden_reasons(publishable(table, ["village"], 5))
    assert reasons["completed"].tolist() == [GAP_SMALL, "", ""]
    assert reasons["completion_base"].tolist() == [BASE_GAP_SMALL, GUARD, ""]
    # Where the totals' own gap is small, the total is hidden too: 51 stays.
    one = village_table(completion_base=counts(51, 50), completed=counts(48, 50))
    reasons = hidden_reasons(publishable(one, ["village"], 5))
    assert reasons["completion_base"].tolist() == ["", ""]
    assert reasons["completed"].tolist() == [GAP_SMALL, GUARD]


@pytest.mark.parametrize("mean,gaps", [(4, False), (30, True)])
def test_a_thousand_rows_publish_fast(mean, gaps):
    rng = np.random.default_rng(0)
    table = grid(rng.poisson(mean, (50, 20)).tolist(), "followed_up")
    followed_up = table["followed_up"].to_numpy(dtype=int)
    if gaps:  # one cell in ten works but for 1..4 people: gap cells to guard along rows and columns
        offset = np.where(rng.random(followed_up.size) < 0.1, rng.integers(1, 5, followed_up.size),
                          rng.integers(5, 20, followed_up.size))
        working = np.maximum(followed_up - offset, 0)
    else:
        working = rng.binomial(followed_up, 0.5)
    relapsed = rng.binomial(followed_up - working, 0.5)
    rate = table["followed_up"].replace(0, NA).astype("float64")
    table = table.assign(working=pd.array(working, dtype="Int64"), working_rate=working / rate,
                         relapsed=pd.array(relapsed, dtype="Int64"), relapse_rate=relapsed / rate)
    publishable(table, ["village", "year"], 5)
    start = time.perf_counter()
    publishable(table, ["village", "year"], 5)
    # typically 15-30 ms; the bound leaves room for a busy machine
    assert time.perf_counter() - start < 1.0
