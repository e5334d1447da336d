"""The privacy attack suite: what an outsider can work out from every figure the filters let them see.

Over every filter state the dashboard can express (each filter everything,
one value or one named group; one or two filters at a time), every table the
pages show is published by the same functions the pages call
(``lib.filters.filtered``, ``lib.indicators.indicator_table``,
``lib.privacy.publishable``). The attacker then:
- subtracts any two published counts of the same kind of rows (all but a
  group, year spans, complements, the same group in two tables, year-on-year
  changes) and averages, per set of people, every estimate of a small count;
- subtracts the other parts of a breakdown from its total;
- multiplies a rate by its base, divides an amount by its per-person figure and
  reads budget shares, each of which must give back a published count only.
It must recover no more small counts (1..k-1) exactly than always guessing the
most common small count does, on the demo data and on a second dataset made
with another seed; run on exact (unrounded) counts, the same attack recovers
many, so it can fail.

A set of rows is identified by its exact size and its cell key (the sum of
its record keys, or person keys for distinct people), so "the same group in
another table" and "the difference of two nested groups" are found without
listing anyone.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from lib.demo import demo_tables, write_demo
from lib.filters import Filters, filtered, offers
from lib.indicators import indicator_table
from lib.keys import KEY_MODULUS
from lib.loading import load_folder
from lib.measures import BY_NAME
from lib.privacy import Rules, dimension_columns, hidden_reasons, key_column, publishable
from lib.schema import load_reference
from tests.conftest import prepare_for_tests

pytestmark = pytest.mark.slow

RULES = Rules(k=5, b=5)
# The tables the pages show, with the breakdowns they show them by.
VIEWS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("summary", ()), ("summary", ("village",)), ("summary", ("year",)), ("summary", ("program",)),
    ("summary", ("organizer",)),
    ("participation", ("role",)), ("participation", ("origin_province",)),
    ("outcomes", ("role",)),
    ("funnel", ()), ("outcome_mix", ()), ("outcome_mix", ("year",)), ("origin_split", ("village",)),
    ("income_bands", ()),
)
PEOPLE = "participants"  # the one count of distinct people; every other count counts enrollment rows


# The views of states with two filters chosen: the totals and the breakdowns a user reaches most.
PAIR_VIEWS = (("summary", ()), ("summary", ("village",)), ("summary", ("year",)), ("funnel", ()),
              ("outcome_mix", ()))


def _states(dataset) -> list[tuple[Filters, tuple[tuple[str, str], ...]]]:
    """Every filter state with at most two filters chosen (each one value or one named group), with its choices."""
    choices = [(offer.spec.name, name) for offer in offers(dataset) for name in offer.names()]
    states = [()]
    states += [((f, c),) for f, c in choices]
    states += [((f1, c1), (f2, c2)) for (f1, c1), (f2, c2) in itertools.combinations(choices, 2) if f1 != f2]
    return [(Filters.of(**dict(chosen)), chosen) for chosen in states]


def _parents(chosen: tuple[tuple[str, str], ...], groups: dict[str, dict[str, tuple[str, ...]]]
             ) -> list[tuple[tuple[str, str], ...]]:
    """The states that hold every row of ``chosen``'s: one filter back to everything, or a value widened to its group."""
    out = [chosen[:i] + chosen[i + 1:] for i in range(len(chosen))]
    for i, (name, choice) in enumerate(chosen):
        for group, members in groups.get(name, {}).items():
            if choice in members and choice != group:
                out.append(chosen[:i] + ((name, group),) + chosen[i + 1:])
    return out


def _counts(raw: pd.DataFrame) -> list[str]:
    """The columns of ``raw`` that count people or enrollments."""
    return [c for c in raw.columns if c in BY_NAME and BY_NAME[c].kind == "count"]


def _exact(raw: pd.DataFrame) -> pd.DataFrame:
    """The protection switched off: small counts hidden, every other count shown exactly (the earlier design)."""
    out = {}
    for c in _counts(raw):
        count = raw[c].to_numpy(dtype="float64", na_value=np.nan)
        out[c] = np.where((count >= 1) & (count < RULES.k), np.nan, count)
    return pd.DataFrame(out, index=raw.index)


def _long(raw: pd.DataFrame, shown: pd.DataFrame, state: int, view: int) -> dict[str, np.ndarray]:
    """One entry per count cell: state, view, row (its dimension values), measure, family, exact count, cell key,
    shown; as columns of arrays, joined into one frame by ``_cells``."""
    counts = _counts(raw)
    dims = dimension_columns(raw)
    row = np.full(len(raw), "", dtype=object)
    for i, d in enumerate(dims):
        row = (row + "|" if i else row) + raw[d].astype(str).to_numpy(dtype=object)
    size = len(raw) * len(counts)

    def stacked(frame: pd.DataFrame, names: list[str], dtype, **kwargs) -> np.ndarray:
        return np.concatenate([frame[n].to_numpy(dtype=dtype, **kwargs) for n in names] or [np.empty(0, dtype)])

    return {
        "state": np.full(size, state), "view": np.full(size, view), "row": np.tile(row, len(counts)),
        "measure": np.repeat(np.array(counts, dtype=object), len(raw)),
        "family": np.repeat(np.array([PEOPLE if c == PEOPLE else "rows" for c in counts], dtype=object), len(raw)),
        "true": stacked(raw, counts, np.int64), "key": stacked(raw, [key_column(c) for c in counts], np.int64),
        "shown": stacked(shown, counts, "float64", na_value=np.nan)}


def _cells(parts: list[dict[str, np.ndarray]]) -> pd.DataFrame:
    """The count cells of every view, one frame."""
    return pd.DataFrame({name: np.concatenate([p[name] for p in parts]) for name in parts[0]})


def _views(dataset) -> tuple[list, list[tuple[tuple, int]]]:
    """Every (state, view, raw table) the pages show, computed once; and the states with their choices."""
    out = []
    states = _states(dataset)
    for i, (state, chosen) in enumerate(states):
        selection = filtered(dataset, state)
        if selection.participants.empty:
            continue
        for v, (table, by) in enumerate(VIEWS):
            if len(chosen) == 2 and (table, by) not in PAIR_VIEWS:
                continue
            raw = indicator_table(selection, table, by)
            if not raw.empty:
                out.append((i, v, raw))
    return out, [(chosen, i) for i, (_, chosen) in enumerate(states)]


@dataclass
class Outcome:
    targets: int     # small counts the attacker has an estimate of
    recovered: int   # ... recovered exactly by averaging every estimate
    baseline: int    # ... that always guessing the most common small count gets right
    inconsistent: list[str]


def attack(dataset, views=None, exact: bool = False) -> Outcome:
    views, states = views or _views(dataset)
    problems: list[str] = []
    frames = []
    for state, view, raw in views:
        if exact:
            shown = _exact(raw)
        else:
            shown = publishable(raw, dimension_columns(raw), RULES)
            problems += _derived_counts_are_published(shown, hidden_reasons(shown), state, VIEWS[view])
        frames.append(_long(raw, shown, state, view))
    cells = _cells(frames)

    # One set of rows, one published number: everywhere it appears.
    spread = cells.fillna({"shown": -1.0}).groupby(["family", "true", "key"])["shown"].nunique()
    problems += [f"{key}: several published values" for key in spread[spread > 1].index[:5]]

    pairs = []
    same = ["view", "row", "measure"]
    # Nested states: a parent state (one filter fewer, or a value widened to its group) holds the child's rows.
    index_of = {chosen: i for chosen, i in states}
    groups = {offer.spec.name: {g.name: g.members for g in offer.groups} for offer in offers(dataset)}
    links = pd.DataFrame([(i, index_of[p]) for chosen, i in states for p in _parents(chosen, groups) if p in index_of],
                         columns=["state", "parent"])
    child = cells.merge(links, on="state")
    parent = cells.rename(columns={"state": "parent"})
    pairs.append(parent.merge(child, on=["parent", *same, "family"], suffixes=("_a", "_b")))
    # Within one view of one state: every two counts of a row (completed within finished, working within followed up).
    pairs.append(cells.merge(cells, on=["state", "view", "row", "family"], suffixes=("_a", "_b")))
    # Within one state: a breakdown row within the total of the same figure.
    totals = cells[cells["row"] == ""]
    pairs.append(totals.merge(cells[cells["row"] != ""], on=["state", "measure", "family"], suffixes=("_a", "_b")))
    pairs = pd.concat([p[["family", "true_a", "key_a", "shown_a", "true_b", "key_b", "shown_b"]] for p in pairs],
                      ignore_index=True)
    gap = pairs["true_a"] - pairs["true_b"]
    pairs = pairs[(gap >= 1) & (gap < RULES.k)]
    estimates = pd.DataFrame({
        "family": pairs["family"], "true": pairs["true_a"] - pairs["true_b"],
        "key": (pairs["key_a"] - pairs["key_b"]) % KEY_MODULUS, "estimate": pairs["shown_a"] - pairs["shown_b"]})

    # The total minus the other parts of its breakdown (the parts of one view of one state).
    parts = cells[(cells["row"] != "") & (cells["measure"] != "outcome_total")]
    whole = cells[cells["row"] == ""][["state", "measure", "family", "shown"]].rename(columns={"shown": "total"})
    per_view = parts.assign(hidden=parts["shown"].isna()).groupby(["state", "view", "measure"]).agg(
        shown_sum=("shown", "sum"), hidden_parts=("hidden", "sum"))
    parts = parts.join(per_view, on=["state", "view", "measure"]).merge(whole, on=["state", "measure", "family"])
    alone = parts[parts["shown"].isna() & (parts["hidden_parts"] == 1) & parts["total"].notna()]
    estimates = pd.concat([estimates, pd.DataFrame({
        "family": alone["family"], "true": alone["true"], "key": alone["key"],
        "estimate": alone["total"] - alone["shown_sum"]})], ignore_index=True)

    estimates = estimates.dropna(subset=["estimate"])
    per_target = estimates.groupby(["family", "true", "key"])["estimate"].mean().reset_index()
    recovered = int((np.round(per_target["estimate"]) == per_target["true"]).sum())
    small = cells[(cells["true"] >= 1) & (cells["true"] < RULES.k)]
    every_small = pd.concat([small[["family", "true", "key"]], per_target[["family", "true", "key"]]]).drop_duplicates()
    common = int(every_small["true"].mode().iloc[0]) if len(every_small) else 0
    baseline = int((per_target["true"] == common).sum())
    return Outcome(len(per_target), recovered, baseline, problems)


def _derived_counts_are_published(pub, reasons, state, view) -> list[str]:
    """Counts an attacker derives from a rate x its base or an amount / its per-person figure: published ones only."""
    out = []
    for c in [c for c in pub.columns if c in BY_NAME]:
        m = BY_NAME[c]
        with np.errstate(divide="ignore", invalid="ignore"):
            if m.kind == "rate":  # the published numerator, or the base when capped at 100%
                derived = pub[c].to_numpy(dtype="float64") * pub[m.base].to_numpy(dtype="float64", na_value=np.nan)
            elif m.kind == "money_per_person" and "realized_idr" in pub.columns:
                derived = pub["realized_idr"].to_numpy(dtype="float64") / pub[c].to_numpy(dtype="float64")
            else:
                continue
        derived = derived[~np.isnan(derived) & (reasons[c].to_numpy() == "")]
        bad = derived[np.abs(derived / RULES.b - np.round(derived / RULES.b)) > 1e-6]
        if len(bad):
            out.append(f"state {state} {view} {c}: derived {bad[:3]}")
    return out


@pytest.fixture(scope="module")
def second(tmp_path_factory):
    folder = tmp_path_factory.mktemp("seed")
    write_demo(folder, demo_tables(seed=20261205))
    return prepare_for_tests(load_folder(folder, load_reference(), label="demo", is_demo=True))


@pytest.fixture(scope="module")
def demo_views(demo):
    return _views(demo)


def test_no_combination_of_views_gives_a_small_count_back_on_the_demo(demo, demo_views):
    outcome = attack(demo, demo_views)
    assert not outcome.inconsistent, outcome.inconsistent[:5]
    assert outcome.targets > 1000  # the attacker had plenty to work with
    assert outcome.recovered <= outcome.baseline, outcome


def test_no_combination_of_views_gives_a_small_count_back_on_other_data(second):
    outcome = attack(second)
    assert not outcome.inconsistent, outcome.inconsistent[:5]
    assert outcome.targets > 1000
    assert outcome.recovered <= outcome.baseline, outcome


def test_the_attack_finds_small_counts_in_exact_figures(demo, demo_views):
    # The same attack against exact counts (small ones hidden, as before): it must succeed, or it proves nothing.
    outcome = attack(demo, demo_views, exact=True)
    assert outcome.recovered > 0.9 * outcome.targets and outcome.recovered > 2 * outcome.baseline, outcome


def test_budget_shares_give_back_published_counts_only(demo):
    # A shared amount over its line's amount, times the published enrollments shared by, is a published count.
    budget = demo.budget
    shared = budget[budget["budget_share"].astype(str) == "dibagi"]
    assert len(shared)
    people = indicator_table(demo, "participation", ["year", "program", "organizer", "village"])
    pub = publishable(people, dimension_columns(people), RULES)
    published = {tuple(map(str, key)): value for key, value in zip(
        pub[["year", "program", "organizer", "village"]].itertuples(index=False), pub["enrollments"])}
    line = ["year", "program", "organizer", "category", "item", "funding_source"]
    for _, group in shared.groupby(line, observed=True):
        total = group["allocated_idr"].sum()
        if total == 0:
            continue
        counts = [published[(str(r.year), str(r.program), str(r.organizer), str(r.village))] for r in group.itertuples()]
        assert all(not pd.isna(c) and c % RULES.b == 0 for c in counts)
        shares = group["allocated_idr"].to_numpy() / total
        np.testing.assert_allclose(shares, np.asarray(counts, dtype=float) / sum(counts), rtol=1e-9)
