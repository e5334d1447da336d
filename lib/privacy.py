"""Which figures may be shown: small counts of people hidden, and every figure that would give one away.

The rules of privacy.md, in the order they are applied:

1. A count of people from 1 to k-1 is hidden (*small*); 0 is shown. So is a
   count its row would give a small count away with, by subtraction (*gap*):
   a rate's base minus its numerator is a count of people too (finished minus
   completed are the dropouts, origin known minus migrants the locals), so
   where the two differ by 1..k-1 (the numerator k or more) the numerator is
   hidden, and the rate with it (rule 3). With base k+1 and numerator k, a
   hidden numerator could only be k (not small, not the base): there the
   base is hidden instead.
2. Complementary suppression. A table may be shown beside its totals (a KPI,
   a total row, stacked bars), so along every line of cells that sums to a
   total -- for each dimension d of ``margins``, the rows sharing the values
   of all the other dimensions -- a single hidden cell would be the total
   minus the shown ones. Where a line hides exactly one cell, its next
   smallest non-zero shown cell is hidden too (a *guard*), across dimensions
   until nothing changes. A guard is preferably not the only non-zero cell of
   another line, whose total would show it anyway. Closed the same way:
   - hidden cells whose sum pins each one down, since a small cell is 1..k-1,
     a guard at least k, a gap cell within k-1 of its base, and a numerator
     never above its base nor a base below its numerator (``1`` and ``1``
     beside a shown total; ``<5`` and a guard of 5 that add up to 6);
   - with two or more margins, a small or gap cell that the shown totals
     determine together (a row total minus column totals ...): checked
     exactly, as the bridges of a graph for each pair of margins, and by
     linear algebra for all margins at once.
   The totals are taken to be published by these same rules, each on its own
   (a total row is a table too). A line with one row, or whose only non-zero
   cell is hidden, is its own total: hiding the cell is enough, the total is
   as small. What the totals give away by themselves (a village's total minus
   program totals that lie wholly in that village) no hiding inside the table
   can protect; such a cell stays hidden and nothing more is hidden for it.
   A gap cell's total need not be hidden (48 of 51 completed beside villages
   with none: the total completed is the 48): where its numerator's totals
   still give it away, its base is hidden too, and guarded the same way.
3. A rate is hidden when its base count is below k or hidden, or when its
   numerator is hidden (shown rate x shown base = the numerator). A median or
   a rupiah-per-person figure is hidden when its base is below k or hidden.
   Budget sums and the absorption rate are not counts of people: never hidden.

Published tables carry the flag column ``HIDDEN``: per row, in Indonesian,
which figures were hidden and why. ``hidden_reasons`` reads it back, so a chart
or a download can mark each hidden figure (``<5`` or "disembunyikan").
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.measures import BY_NAME, MEASURES, Measure, label
from lib.schema import Outcomes

HIDDEN = "privacy_note"

# Why a figure is hidden: one code per hidden cell ("" = shown).
SMALL = "small"                        # a count of people from 1 to k-1
GUARD = "guard"                        # a count hidden so that a small one cannot be worked out
BASE_SMALL = "base_small"              # rests on fewer than k people
BASE_HIDDEN = "base_hidden"            # rests on a hidden count
NUMERATOR_HIDDEN = "numerator_hidden"  # a rate of a hidden count
GAP_SMALL = "gap_small"                # a numerator whose base minus it is 1 to k-1 people
BASE_GAP_SMALL = "base_gap_small"      # a base minus its numerator is 1 to k-1 (base k+1, numerator k)
REASONS = (SMALL, GUARD, BASE_SMALL, BASE_HIDDEN, NUMERATOR_HIDDEN, GAP_SMALL, BASE_GAP_SMALL)

# "{label}" and "{k}" are filled in; hidden_reasons parses the Indonesian ones back.
NOTE_TEMPLATES: dict[str, dict[str, str]] = {
    "id": {
        SMALL: "{label} <{k} disembunyikan",
        GUARD: "{label} disembunyikan (melindungi angka kecil lain)",
        BASE_SMALL: "{label} disembunyikan (dasar <{k})",
        BASE_HIDDEN: "{label} disembunyikan (dasar disembunyikan)",
        NUMERATOR_HIDDEN: "{label} disembunyikan (pembilang disembunyikan)",
        GAP_SMALL: "{label} disembunyikan (selisih dengan dasarnya kecil)",
        BASE_GAP_SMALL: "{label} disembunyikan (selisih dengan pembilangnya kecil)",
    },
    "en": {
        SMALL: "{label} <{k} hidden",
        GUARD: "{label} hidden (protects another small number)",
        BASE_SMALL: "{label} hidden (base <{k})",
        BASE_HIDDEN: "{label} hidden (base hidden)",
        NUMERATOR_HIDDEN: "{label} hidden (numerator hidden)",
        GAP_SMALL: "{label} hidden (small difference from its base)",
        BASE_GAP_SMALL: "{label} hidden (small difference from its numerator)",
    },
}
NOTE_SEPARATOR = "; "

# A count that does not vary along a dimension: one value per line, repeated on
# each of its rows (outcome_mix repeats each group's total on every outcome).
CONSTANT_ALONG: dict[str, str] = {"outcome_total": Outcomes.outcome}

_BASED_KINDS = frozenset({"rate", "median", "money_per_person"})

# With three or more margins, hidden cells are also checked against all totals
# together by linear algebra, per group of linked hidden cells up to this size
# (larger ones, where nearly everything is hidden anyway, would cost seconds;
# they are checked two margins at a time, like every table).
EXACT_CHECK_LIMIT = 120


class MissingBaseError(ValueError):
    """A rate, median or per-person figure whose base or numerator count is not in the table."""

    def __init__(self, measure: str, missing: str):
        self.measure = measure
        self.missing = missing
        super().__init__(
            f"Kolom {measure!r} butuh kolom {missing!r} di tabel yang sama untuk diperiksa privasinya."
        )


class NotPublishedError(ValueError):
    """A table read as published that did not pass through ``publishable``: its figures are raw."""

    def __init__(self, columns: list[str]):
        self.columns = columns
        super().__init__(f"Tabel belum melewati pemeriksaan privasi (tidak ada kolom {HIDDEN!r}).")


def small_label(k: int) -> str:
    """How a small count reads: ``<5`` for k = 5."""
    return f"<{k}"


@dataclass(frozen=True)
class Known:
    """What the other counts of its row tell about each cell of one count column.

    ``code``: a reason (GAP_SMALL, BASE_GAP_SMALL) where the cell is hidden from
    the start, as a small one is, else "". ``low`` / ``high``: the least and most
    a reader can work out the cell to be when it is hidden, other than as a
    small count (a numerator is at most its base, a base at least its numerator;
    0 and inf where nothing is known). ``base``: for a numerator, its base
    (NaN elsewhere), so that its totals can be published by the gap rule too.
    """

    code: np.ndarray
    low: np.ndarray
    high: np.ndarray
    base: np.ndarray

    @staticmethod
    def nothing(n: int) -> Known:
        return Known(np.full(n, "", dtype=object), np.zeros(n), np.full(n, np.inf), np.full(n, np.nan))

    def hiding(self, rows: np.ndarray, code: str, low: np.ndarray, high: np.ndarray) -> Known:
        """The same, with ``rows`` hidden from the start for ``code`` and known to lie in [low, high]."""
        return Known(np.where(rows & (self.code == ""), code, self.code).astype(object),
                     np.where(rows, np.maximum(self.low, low), self.low),
                     np.where(rows, np.minimum(self.high, high), self.high), self.base)

    def bounded(self, rows: np.ndarray, low: np.ndarray | float = 0.0, high: np.ndarray | float = np.inf) -> Known:
        """The same, with ``rows`` known to lie in [low, high]."""
        return Known(self.code, np.where(rows, np.maximum(self.low, low), self.low),
                     np.where(rows, np.minimum(self.high, high), self.high), self.base)

    def with_base(self, base: np.ndarray) -> Known:
        return Known(self.code, self.low, self.high, base)

    def per_line(self, line: np.ndarray, n_lines: int) -> Known:
        """One cell per line (a count repeated along it): what any of its rows tells."""
        code = np.full(n_lines, "", dtype=object)
        flagged = self.code != ""
        code[line[flagged]] = self.code[flagged]
        low, high, base = np.zeros(n_lines), np.full(n_lines, np.inf), np.full(n_lines, np.nan)
        np.maximum.at(low, line, self.low)
        np.minimum.at(high, line, self.high)
        np.fmax.at(base, line, self.base)
        return Known(code, low, high, base)


# --- counts -------------------------------------------------------------------

class _Groups:
    """Group numbers of the rows over any subset of the dimensions, computed once per subset."""

    def __init__(self, codes: dict[str, np.ndarray], n: int):
        self.codes = codes
        self.n = n
        self._cache: dict[tuple[str, ...], np.ndarray] = {}

    def over(self, dims: Sequence[str]) -> np.ndarray:
        """Group number (0..g-1) of each row over ``dims``; all rows in one group when ``dims`` is empty."""
        key = tuple(dims)
        if key not in self._cache:
            ids = np.zeros(self.n, dtype=np.int64)
            for d in key:
                code = self.codes[d]
                ids = np.unique(ids * (int(code.max()) + 1) + code, return_inverse=True)[1].reshape(-1)
            self._cache[key] = ids
        return self._cache[key]

    def subset(self, rows: np.ndarray) -> _Groups:
        return _Groups({d: c[rows] for d, c in self.codes.items()}, int(rows.size))


def _first_per_group(candidates: np.ndarray, group: np.ndarray, values: np.ndarray,
                     alone: np.ndarray) -> np.ndarray:
    """Of the candidate rows, the smallest of each group (cells alone on a line last, then by value, position)."""
    idx = np.flatnonzero(candidates)
    if idx.size == 0:
        return idx
    idx = idx[np.lexsort((idx, values[idx], alone[idx], group[idx]))]
    first = np.ones(idx.size, dtype=bool)
    first[1:] = group[idx][1:] != group[idx][:-1]
    return idx[first]


def _triggered(group: np.ndarray, values: np.ndarray, hidden: np.ndarray, sensitive: np.ndarray,
               low: np.ndarray, high: np.ndarray, k: int) -> np.ndarray:
    """Per group: True where its hidden cells could be worked out from its total.

    ``hidden``: the hidden cells a reader cannot pin down from their own row;
    ``low`` / ``high``: the range a reader knows each hidden cell lies in.
    """
    size = int(group.max()) + 1
    n_hidden = np.bincount(group, hidden, size)
    n_sensitive = np.bincount(group, hidden & sensitive, size)
    hidden_sum = np.bincount(group, np.where(hidden, values, 0.0), size)
    low_sum = np.bincount(group, np.where(hidden, low, 0.0), size)
    high_sum = np.bincount(group, np.where(hidden, high, 0.0), size)
    total = np.bincount(group, values, size)
    # A small cell is 1..k-1, a guard at least k (it was a shown count), each
    # perhaps narrower (a numerator is at most its base): the sum of the hidden
    # cells pins each one down when it is the least they can add up to, or the
    # most (with every range bounded). Between the two, none is pinned.
    pinned_by_sum = (n_hidden >= 2) & (n_sensitive >= 1) & (total >= k) & (
        (hidden_sum == low_sum) | (hidden_sum == high_sum)
    )
    return (n_hidden == 1) | pinned_by_sum


Totals = tuple[np.ndarray, np.ndarray]  # (group of each row, per group: total shown)


def _shown_totals(values: np.ndarray, groups: _Groups, dims: Sequence[str], margins: Sequence[str],
                  summed: Sequence[str], k: int) -> Totals:
    """The totals over the dimensions ``summed``, published by the same rules as any table.

    Returns the group of each row and, per group, True where its total is shown.
    """
    rest = [d for d in dims if d not in summed]
    group = groups.over(rest)
    sums = np.bincount(group, values)
    first = np.unique(group, return_index=True)[1]
    reasons = count_reasons(sums, groups.subset(first), rest, [m for m in margins if m not in summed], k)
    return group, reasons == ""


def _bridges(n_vertices: int, ends_a: np.ndarray, ends_b: np.ndarray) -> np.ndarray:
    """Per edge of a multigraph: True where it is a bridge (on no cycle). Iterative Tarjan."""
    n_edges = ends_a.size
    ends = np.concatenate([ends_a, ends_b])
    order = np.argsort(ends, kind="stable")
    start = np.searchsorted(ends[order], np.arange(n_vertices + 1)).tolist()
    neighbour = np.concatenate([ends_b, ends_a])[order].tolist()
    edge = np.concatenate([np.arange(n_edges), np.arange(n_edges)])[order].tolist()
    disc = [-1] * n_vertices
    low = [0] * n_vertices
    bridge = np.zeros(n_edges, dtype=bool)
    clock = 0
    for root in set(ends.tolist()):
        if disc[root] != -1:
            continue
        disc[root] = low[root] = clock
        clock += 1
        stack = [[root, -1, start[root]]]
        while stack:
            frame = stack[-1]
            node, via, i = frame
            if i < start[node + 1]:
                frame[2] += 1
                if edge[i] == via:
                    continue
                nxt = neighbour[i]
                if disc[nxt] == -1:
                    disc[nxt] = low[nxt] = clock
                    clock += 1
                    stack.append([nxt, edge[i], start[nxt]])
                elif disc[nxt] < low[node]:
                    low[node] = disc[nxt]
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > disc[parent]:
                        bridge[via] = True
    return bridge


def _determined_2d(hidden: np.ndarray, lines_a: Totals, lines_b: Totals, planes: Totals) -> np.ndarray:
    """Hidden rows whose value follows from the shown cells and totals, with two margins a and b.

    Each hidden cell is an edge between its line along a and its line along b.
    Lines whose total is not shown merge, per plane, into one vertex (a path
    between two of them can carry any value); with the plane's total not shown
    either, the two merge. A cell is then determined exactly when its edge is a
    bridge: summing the totals on one side of it isolates it.
    """
    cells = np.flatnonzero(hidden)
    (line_a, shown_a), (line_b, shown_b), (plane, shown_plane) = lines_a, lines_b, planes
    n_a, n_b, n_plane = shown_a.size, shown_b.size, shown_plane.size
    free_a = n_a + n_b + plane[cells]
    free_b = np.where(shown_plane[plane[cells]], free_a + n_plane, free_a)
    ends_a = np.where(shown_a[line_a[cells]], line_a[cells], free_a)
    ends_b = np.where(shown_b[line_b[cells]], n_a + line_b[cells], free_b)
    return cells[_bridges(n_a + n_b + 2 * n_plane, ends_a, ends_b)]


def _in_row_space(equations: np.ndarray) -> np.ndarray:
    """Per column j of a 0/1 matrix A: True where the unit vector e_j lies in A's row space."""
    # The diagonal of the projection onto the row space is 1 exactly there; it is
    # read from the eigenvectors of the smaller Gram matrix (A^T A, or A A^T).
    if equations.shape[1] <= equations.shape[0]:
        weights, vectors = np.linalg.eigh(equations.T @ equations)
        keep = weights > weights.max() * 1e-10
        diagonal = (vectors[:, keep] ** 2).sum(axis=1)
    else:
        weights, vectors = np.linalg.eigh(equations @ equations.T)
        keep = weights > weights.max() * 1e-10
        diagonal = ((vectors[:, keep].T @ equations) ** 2 / weights[keep][:, None]).sum(axis=0)
    return diagonal > 1 - 1e-6


def _determined_nd(hidden: np.ndarray, totals: Sequence[Totals]) -> np.ndarray:
    """Hidden rows whose value follows from the shown cells and totals, any number of margins (linear algebra)."""
    cells = np.flatnonzero(hidden)
    # Per shown total: the number of its equation for each hidden cell in it (-1: none).
    equation_of = []
    n_equations = 0
    for group, shown in totals:
        number = np.where(shown, np.cumsum(shown) - 1 + n_equations, -1)
        n_equations += int(shown.sum())
        equation_of.append(number[group[cells]])
    if n_equations == 0:
        return cells[:0]
    # Split into independent systems: cells linked through shared equations.
    component = np.arange(cells.size)
    while True:
        before = component.copy()
        for eq in equation_of:
            inside = eq >= 0
            smallest = np.full(n_equations, cells.size)
            np.minimum.at(smallest, eq[inside], component[inside])
            component[inside] = np.minimum(component[inside], smallest[eq[inside]])
        component = component[component]
        if np.array_equal(component, before):
            break
    determined = []
    for label in np.unique(component):
        members = np.flatnonzero(component == label)
        if members.size > EXACT_CHECK_LIMIT:
            continue  # checked two margins at a time only (see EXACT_CHECK_LIMIT)
        rows = np.unique(np.concatenate([eq[members][eq[members] >= 0] for eq in equation_of]))
        if rows.size == 0:
            continue
        matrix = np.zeros((rows.size, members.size))
        for eq in equation_of:
            inside = eq[members] >= 0
            matrix[np.searchsorted(rows, eq[members][inside]), np.flatnonzero(inside)] = 1.0
        determined.append(members[_in_row_space(matrix)])
    return cells[np.concatenate(determined)] if determined else cells[:0]


def _guards_for(cells: np.ndarray, lines: Sequence[np.ndarray], values: np.ndarray,
                hidden: np.ndarray, nonzero: np.ndarray, alone: np.ndarray) -> np.ndarray:
    """One more cell to hide beside each determined cell: the smallest shown one on any of its lines."""
    chosen: set[int] = set()
    for cell in cells:
        best: tuple[bool, float, int] | None = None
        for group in lines:
            idx = np.flatnonzero((group == group[cell]) & nonzero & ~hidden)
            if idx.size:
                top = idx[np.lexsort((idx, values[idx], alone[idx]))[0]]
                key = (bool(alone[top]), float(values[top]), int(top))
                best = key if best is None or key < best else best
        if best is not None:
            chosen.add(best[2])
    return np.array(sorted(chosen), dtype=np.int64)


def count_reasons(values: np.ndarray, groups: _Groups, dims: Sequence[str], margins: Sequence[str],
                  k: int, known: Known | None = None) -> np.ndarray:
    """Reason code per row of one count column ("" shown, SMALL, GUARD or a ``known`` code); NaN if missing.

    ``values`` as float. ``known``: cells hidden from the start beside the
    small ones (a gap to their base), and the range a reader knows each lies in.
    The totals this table may be shown beside are assumed published by the
    same rules (a total row is itself a table: small totals hidden, and a
    second one beside a single hidden one).
    """
    return _count_reasons(values, groups, dims, margins, k, known)[0]


def _count_reasons(values: np.ndarray, groups: _Groups, dims: Sequence[str], margins: Sequence[str],
                   k: int, known: Known | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``count_reasons``, and per row: True for a gap cell the totals still give away when all is hidden.

    A small cell the totals give away lies in a total as small, hidden in its
    turn; a gap cell's total need not be (48 of 51 beside villages with none
    completed: the total 48 is the cell), so its base is hidden too.
    """
    vals = np.nan_to_num(values, nan=0.0)
    known = Known.nothing(values.size) if known is None else known
    nonzero = vals > 0
    small = nonzero & (vals < k)
    gap = nonzero & ~small & (known.code != "")
    sensitive = small | gap
    nothing = np.zeros(values.size, dtype=bool)
    if not sensitive.any():
        return np.full(values.size, "", dtype=object), nothing
    hidden = sensitive.copy()
    low = np.where(small, 1.0, np.maximum(float(k), known.low))
    high = np.where(small, k - 1.0, known.high)
    # A guard whose range is one value (a numerator of k on a base of k) is
    # given away by its own row: it protects nothing, and counts as shown.
    loose = sensitive | (low < high)
    lines = [groups.over([d for d in dims if d != m]) for m in margins]
    # Chosen as guards last: the only non-zero cell of a line (its total shows
    # it), and cells their own row pins down.
    alone = nonzero & ~loose
    for group in lines:
        alone |= nonzero & (np.bincount(group, nonzero, int(group.max()) + 1)[group] == 1)
    totals: dict[tuple[str, ...], Totals] = {}

    def shown(summed: tuple[str, ...]) -> Totals:
        if summed not in totals:
            totals[summed] = _shown_totals(vals, groups, dims, margins, summed, k)
        return totals[summed]

    def determined(hidden_now: np.ndarray, totals_of: Callable[[tuple[str, ...]], Totals] = shown) -> np.ndarray:
        """Small or gap cells among the hidden ones that the shown cells and totals give away."""
        found = np.unique(np.concatenate([
            _determined_2d(hidden_now, totals_of((a,)), totals_of((b,)), totals_of((a, b)))
            for a, b in itertools.combinations(margins, 2)
        ]))
        if found.size == 0 and len(margins) > 2:  # two margins at a time first: exact for 2-D, and fast
            found = _determined_nd(hidden_now, [
                totals_of(summed) for size in range(1, len(margins) + 1)
                for summed in itertools.combinations(margins, size)
            ])
        return found[sensitive[found]]

    given_away: np.ndarray | None = None
    while True:
        changed = False
        for group in lines:
            trig = _triggered(group, vals, hidden & loose, sensitive, low, high, k)
            new = _first_per_group(nonzero & ~hidden & trig[group], group, vals, alone)
            if new.size:
                hidden[new] = True
                changed = True
        if changed:
            continue
        if len(margins) < 2:  # lines are disjoint, each with 0 or 2+ hidden cells: nothing left to solve
            break
        exposed = determined(hidden & loose)
        if exposed.size and given_away is None:
            # What the totals give away even with every non-zero cell hidden: no
            # hiding in this table can protect it (see the module docstring).
            # Cells pinned by their own row count as hidden here: their range is
            # read from raw counts a reader may not see, so nothing more is
            # declared given away than the totals alone give.
            given_away = determined(nonzero)
        exposed = exposed[~np.isin(exposed, given_away)] if exposed.size else exposed
        if exposed.size == 0:
            break
        new = _guards_for(exposed, lines, vals, hidden, nonzero, alone)
        if new.size == 0:  # its lines are all hidden: widen to the smallest shown cell anywhere
            new = _first_per_group(nonzero & ~hidden, np.zeros(vals.size, dtype=np.int64), vals, alone)
        if new.size == 0:
            break
        hidden[new] = True
    codes = np.where(small, SMALL, np.where(gap, known.code, np.where(hidden, GUARD, ""))).astype(object)
    if not gap.any() or not margins:
        return codes, nothing
    # What is still worked out after all the hiding (nothing left to hide beside it), from totals
    # published by these rules: a total whose own base is 1..k-1 more is hidden (one village's 48 of 51).
    base = known.base

    def gap_hides(group: np.ndarray) -> np.ndarray:
        """Per group: True where the gap rule hides its total (its base total 1..k-1 above it)."""
        size = int(group.max()) + 1
        top = np.bincount(group, vals, size)
        gap_total = np.bincount(group, np.nan_to_num(base), size) - top
        unknown = np.bincount(group, np.isnan(base), size) > 0
        return ~unknown & (gap_total >= 1) & (gap_total < k) & (top >= k)

    def published_totals(summed: tuple[str, ...]) -> Totals:
        group, shown_total = shown(summed)
        return group, shown_total & ~gap_hides(group)

    exposed = nothing.copy()
    for group in lines:
        exposed |= (_triggered(group, vals, hidden & loose, sensitive, low, high, k) & ~gap_hides(group))[group]
    exposed &= hidden & loose
    if len(margins) >= 2:
        exposed[determined(hidden & loose, published_totals)] = True
    return codes, gap & exposed


# --- the table --------------------------------------------------------------

def _numeric(series: pd.Series) -> np.ndarray:
    return pd.to_numeric(series, errors="coerce").astype("float64").to_numpy(na_value=np.nan)


def _count_column_reasons(table: pd.DataFrame, column: str, dims: Sequence[str], margins: Sequence[str],
                          groups: _Groups, k: int, known: Known) -> tuple[np.ndarray, np.ndarray]:
    """Reason code per row of one count column of ``table``, and its gap cells the totals still give away."""
    values = _numeric(table[column])
    along = CONSTANT_ALONG.get(column)
    if along in dims and values.size:
        # One value per line, repeated along ``along``: suppress the lines, then copy back to their rows.
        line_dims = [d for d in dims if d != along]
        line = groups.over(line_dims)
        first = np.unique(line, return_index=True)[1]
        if np.array_equal(values, values[first][line], equal_nan=True):
            reasons, exposed = _count_reasons(values[first], groups.subset(first), line_dims,
                                              [d for d in margins if d != along], k,
                                              known.per_line(line, first.size))
            return reasons[line], exposed[line]
    return _count_reasons(values, groups, dims, margins, k, known)


def gap_pairs(columns: Sequence[str]) -> list[tuple[str, str]]:
    """(numerator, base) of every registry rate whose two counts are both among ``columns``."""
    pairs: list[tuple[str, str]] = []
    for m in MEASURES:
        pair = (m.numerator, m.base)
        if m.numerator and m.base and m.numerator in columns and m.base in columns and pair not in pairs:
            pairs.append(pair)  # type: ignore[arg-type]
    return pairs


def _known(table: pd.DataFrame, columns: Sequence[str], k: int) -> dict[str, Known]:
    """Per count column: the cells a gap to their base hides from the start, and each cell's known range.

    Read from the raw counts whether or not the other count of the pair ends up
    shown: a hidden base may still be worked out from its totals, and a range
    wider than the reader's only makes the check stricter.
    """
    n = len(table)
    known = {c: Known.nothing(n) for c in columns}
    for numerator, base in gap_pairs(columns):
        top, bottom = _numeric(table[numerator]), _numeric(table[base])
        with np.errstate(invalid="ignore"):
            consistent = top <= bottom  # False where either is missing
        gap = bottom - top
        # A numerator below k is hidden as small anyway.
        small_gap = consistent & (gap >= 1) & (gap < k) & (top >= k)
        # Base k+1, numerator k: a hidden numerator could then only be k, so the base is hidden instead.
        on_base = small_gap & (bottom == k + 1) & (k > 2)
        on_top = small_gap & ~on_base
        # A numerator is at most its base, a base at least its numerator.
        known[numerator] = known[numerator].bounded(consistent, high=bottom).hiding(
            on_top, GAP_SMALL, bottom - k + 1, bottom - 1).with_base(bottom)
        known[base] = known[base].bounded(consistent, low=top).hiding(on_base, BASE_GAP_SMALL, top + 1, top + k - 1)
    return known


def _based_reasons(table: pd.DataFrame, m: Measure, counts: dict[str, np.ndarray], k: int) -> np.ndarray:
    """Reason code per row of a rate, median or per-person column."""
    present = table[m.name].notna().to_numpy()
    base = _numeric(table[m.base])
    base_reason = counts[m.base]
    reasons = np.full(len(table), "", dtype=object)
    if m.numerator is not None:
        reasons[present & (counts[m.numerator] != "")] = NUMERATOR_HIDDEN
    reasons[present & (((base_reason != "") & (base_reason != SMALL)) | np.isnan(base))] = BASE_HIDDEN
    reasons[present & ((base_reason == SMALL) | (base < k))] = BASE_SMALL
    return reasons


def _reasons(table: pd.DataFrame, dims: Sequence[str], margins: Sequence[str], k: int) -> dict[str, np.ndarray]:
    """Reason code per row of every measure column of ``table`` (registry columns only)."""
    measures = [BY_NAME[c] for c in table.columns if c in BY_NAME and c not in dims]
    for m in measures:
        if m.kind in _BASED_KINDS:
            for needed in (m.base, m.numerator):
                if needed is not None and needed not in table.columns:
                    raise MissingBaseError(m.name, needed)
    groups = _Groups({d: pd.factorize(table[d], use_na_sentinel=False)[0] for d in dims}, len(table))
    count_columns = [m.name for m in measures if m.kind == "count"]
    known = _known(table, count_columns, k)
    counts: dict[str, np.ndarray] = {}
    exposed: dict[str, np.ndarray] = {}
    pending = list(count_columns)
    while pending:  # until no base has to be hidden for a gap its numerator's totals give away
        for c in pending:
            counts[c], exposed[c] = _count_column_reasons(table, c, dims, margins, groups, k, known[c])
        pending = []
        for numerator, base in gap_pairs(count_columns):
            # The numerator is worked out from its totals (48 beside villages with 0): hide the base.
            rows = exposed[numerator] & np.isin(counts[base], ["", GUARD])
            if rows.any():
                top = _numeric(table[numerator])
                known[base] = known[base].hiding(rows, BASE_GAP_SMALL, top + 1, top + k - 1)
                pending.append(base)
        pending = list(dict.fromkeys(pending))
    reasons = dict(counts)
    for m in measures:
        if m.kind in _BASED_KINDS:
            reasons[m.name] = _based_reasons(table, m, counts, k)
        elif m.kind != "count":
            reasons[m.name] = np.full(len(table), "", dtype=object)
    return {c: reasons[c] for c in table.columns if c in reasons}


def privacy_note(reasons: pd.DataFrame, k: int, lang: str = "id") -> pd.Series:
    """Per row of ``reasons`` (a reason code per measure cell): which figures are hidden and why, in ``lang``."""
    templates = NOTE_TEMPLATES["en" if lang == "en" else "id"]
    segments = []
    for column in reasons.columns:
        words = {code: t.format(label=label(column, lang), k=k) for code, t in templates.items()}
        segments.append([words.get(code, "") for code in reasons[column].tolist()])
    notes = [NOTE_SEPARATOR.join(filter(None, row)) for row in zip(*segments)] if segments else [""] * len(reasons)
    return pd.Series(notes, index=reasons.index, dtype="str", name=HIDDEN)


def publishable(table: pd.DataFrame, dims: Sequence[str], k: int, *,
                margins: Sequence[str] | None = None) -> pd.DataFrame:
    """The table as it may be shown: same rows and columns, hidden figures <NA>, plus the flag column HIDDEN.

    ``dims``: the dimension columns; every other column named in
    ``lib.measures`` is a figure. ``margins``: the dimensions along which a
    total may be shown (default: all of ``dims``).
    """
    dims = list(dims)
    margins = list(dims if margins is None else margins)
    missing = [d for d in dims if d not in table.columns]
    if missing:
        raise KeyError(f"dimension columns not in the table: {missing}")
    if not set(margins) <= set(dims):
        raise ValueError(f"margins {sorted(set(margins) - set(dims))} are not dimensions of the table")
    if HIDDEN in table.columns:
        raise ValueError(f"the table is already published (it has the column {HIDDEN!r})")
    if k < 2:
        raise ValueError("k must be 2 or more")
    reasons = _reasons(table, dims, margins, k)
    out = table.copy()
    for column, codes in reasons.items():
        series = out[column]
        if BY_NAME[column].kind == "count" and pd.api.types.is_integer_dtype(series.dtype):
            series = series.astype("Int64")  # a hidden count is <NA>: counts are always nullable here
        hide = codes != ""
        if hide.any():
            series = series.mask(pd.Series(hide, index=out.index))
        out[column] = series
    reason_frame = pd.DataFrame(reasons, index=out.index, columns=list(reasons), dtype=object)
    return out.assign(**{HIDDEN: privacy_note(reason_frame, k, "id")})


# --- reading a published table back -----------------------------------------

def _tail_pattern(template: str) -> str:
    """The regex of a note segment after its label, any k."""
    tail = template.split("{label} ", 1)[1]
    return re.escape(tail).replace(re.escape("{k}"), r"\d+")


_TAILS = {code: re.compile(_tail_pattern(t)) for code, t in NOTE_TEMPLATES["id"].items()}


def _note_reasons(note: str, labels: dict[str, str]) -> dict[str, str]:
    """Measure column -> reason code, for each figure one note names (labels: column -> its Indonesian label)."""
    found: dict[str, str] = {}
    for segment in note.split(NOTE_SEPARATOR):
        for column, text in labels.items():
            if column not in found and segment.startswith(text + " "):
                tail = segment[len(text) + 1:]
                code = next((c for c, p in _TAILS.items() if p.fullmatch(tail)), "")
                if code:
                    found[column] = code
    return found


def hidden_reasons(pub: pd.DataFrame) -> pd.DataFrame:
    """Per measure column of a published table: the reason code of each hidden cell, "" where shown."""
    if HIDDEN not in pub.columns:
        raise NotPublishedError(list(pub.columns))
    measures = [c for c in pub.columns if c in BY_NAME]
    labels = {column: label(column, "id") for column in measures}
    notes = pub[HIDDEN].fillna("").astype("str").to_numpy(dtype=object)
    out = {column: np.full(len(pub), "", dtype=object) for column in measures}
    parsed: dict[str, dict[str, str]] = {}  # notes repeat: each distinct one is read once
    for row in np.flatnonzero(notes != ""):
        note = notes[row]
        if note not in parsed:
            parsed[note] = _note_reasons(note, labels)
        for column, code in parsed[note].items():
            out[column][row] = code
    return pd.DataFrame(out, index=pub.index, columns=measures, dtype=object)


def hidden_mask(pub: pd.DataFrame) -> pd.DataFrame:
    """Per measure column of a published table: True where the figure is hidden."""
    return hidden_reasons(pub).ne("").astype(bool)
