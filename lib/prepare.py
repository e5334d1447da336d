"""What is derived once per dataset, so every filter change is a cheap mask and groupby.

- participants gain the enrollment's site regency, whether the person is a
  migrant, and the enrollment's latest outcome and income;
- the budget is attributed to villages (lines with no village shared by
  enrollments, or left unattributed), see ``attributed_budget``.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from lib.schema import (
    BUDGET_SHARE,
    ENROLLMENT_KEY,
    SHARE_DIRECT,
    SHARE_SHARED,
    SHARE_UNATTRIBUTED,
    SITE_REGENCY,
    UNKNOWN,
    Budget,
    Dataset,
    Outcomes,
    Participants,
    Reference,
)

# Columns added to participants.
LATEST_OUTCOME = "latest_outcome"
LATEST_INCOME = "latest_income"
ORIGIN_TYPE = "origin_type"
ORIGIN_LOCAL, ORIGIN_MIGRANT, ORIGIN_UNKNOWN = "Lokal", "Pendatang", "Tidak Diketahui"
ORIGIN_TYPES = (ORIGIN_LOCAL, ORIGIN_MIGRANT, ORIGIN_UNKNOWN)
BUDGET_KEY = (Budget.year, Budget.program, Budget.organizer)


def latest_outcomes(outcomes: pd.DataFrame) -> pd.DataFrame:
    """One row per enrollment: its follow-up with the latest ``observed_on`` (enrollment key, outcome, monthly_income_idr)."""
    cols = [*ENROLLMENT_KEY, Outcomes.outcome, Outcomes.monthly_income_idr]
    if outcomes.empty:
        return outcomes[cols].iloc[0:0]
    ordered = outcomes.sort_values(Outcomes.observed_on, kind="stable")
    last = ~ordered.duplicated(list(ENROLLMENT_KEY), keep="last")
    return ordered.loc[last, cols].reset_index(drop=True)


def origin_types(participants: pd.DataFrame, reference: Reference) -> pd.Series:
    """Per enrollment: Lokal, Pendatang (known origin regency differs from the site's), or Tidak Diketahui."""
    site_regency = participants[Participants.village].map(reference.sites).astype("object")
    origin = participants[Participants.origin_regency].astype("object")
    known = origin.notna() & (origin != UNKNOWN)
    values = np.where(~known, ORIGIN_UNKNOWN, np.where(origin == site_regency, ORIGIN_LOCAL, ORIGIN_MIGRANT))
    return pd.Series(pd.Categorical(values, categories=list(ORIGIN_TYPES)), index=participants.index)


def prepared_participants(participants: pd.DataFrame, outcomes: pd.DataFrame, reference: Reference) -> pd.DataFrame:
    """participants plus site_regency, origin_type, latest_outcome and latest_income."""
    latest = latest_outcomes(outcomes).rename(
        columns={Outcomes.outcome: LATEST_OUTCOME, Outcomes.monthly_income_idr: LATEST_INCOME}
    )
    merged = participants.merge(latest, on=list(ENROLLMENT_KEY), how="left", validate="one_to_one")
    merged.index = participants.index
    site_regency = participants[Participants.village].map(reference.sites)
    return merged.assign(
        **{
            SITE_REGENCY: site_regency.astype("category"),
            ORIGIN_TYPE: origin_types(participants, reference),
        }
    )


def attributed_budget(budget: pd.DataFrame, participants: pd.DataFrame) -> pd.DataFrame:
    """budget with every line attributed: budget_share = langsung | dibagi | tidak teratribusi.

    A line with no village is split over the villages in proportion to the
    enrollments of its year, program and organizer (amounts become fractions of
    rupiah); with no such enrollments it stays one unattributed row. The sum of
    every amount is unchanged.
    """
    amount_cols = [Budget.allocated_idr, Budget.realized_idr]
    budget = budget.assign(**{c: budget[c].astype("float64") for c in amount_cols})
    has_village = budget[Budget.village].notna()
    direct = budget[has_village].assign(**{BUDGET_SHARE: SHARE_DIRECT})
    open_lines = budget[~has_village].reset_index(names="_line")

    counts = (
        participants.groupby([*BUDGET_KEY, Participants.village], observed=True)
        .size()
        .rename("_n")
        .reset_index()
    )
    counts = counts[counts["_n"] > 0]
    counts["_share"] = counts["_n"] / counts.groupby(list(BUDGET_KEY), observed=True)["_n"].transform("sum")
    counts = counts.drop(columns="_n").rename(columns={Participants.village: "_village"})
    # Keys may differ in category sets between tables: join on plain values.
    key = list(BUDGET_KEY)
    left = open_lines.assign(**{c: open_lines[c].astype("object") for c in key})
    right = counts.assign(**{c: counts[c].astype("object") for c in key})
    joined = left.merge(right, on=key, how="left")
    shared = joined[joined["_share"].notna()]
    shared = shared.assign(
        **{c: shared[c] * shared["_share"] for c in amount_cols},
        **{Budget.village: shared["_village"], BUDGET_SHARE: SHARE_SHARED},
    )
    unattributed = joined[joined["_share"].isna()].assign(**{BUDGET_SHARE: SHARE_UNATTRIBUTED})
    # Quantities are not shared: a machine is not split between villages.
    shared = shared.assign(**{Budget.quantity: pd.NA})

    cols = list(budget.columns) + [BUDGET_SHARE]
    parts = [p[cols] for p in (direct, shared, unattributed) if len(p)]
    if not parts:
        return budget.assign(**{BUDGET_SHARE: pd.Categorical([], categories=[SHARE_DIRECT, SHARE_SHARED, SHARE_UNATTRIBUTED])})
    out = pd.concat(parts, ignore_index=True)
    restore = {c: budget[c].dtype for c in budget.columns if c not in amount_cols}
    for c, dtype in restore.items():
        if isinstance(dtype, pd.CategoricalDtype):
            out[c] = pd.Categorical(out[c].astype("object"), categories=dtype.categories)
        else:
            out[c] = out[c].astype(dtype)
    out[BUDGET_SHARE] = pd.Categorical(out[BUDGET_SHARE], categories=[SHARE_DIRECT, SHARE_SHARED, SHARE_UNATTRIBUTED])
    return out


def prepared(dataset: Dataset) -> Dataset:
    """The dataset with derived columns added once (idempotent)."""
    if LATEST_OUTCOME in dataset.participants.columns:
        return dataset
    participants = prepared_participants(dataset.participants, dataset.outcomes, dataset.reference)
    budget = attributed_budget(dataset.budget, dataset.participants)
    return replace(dataset, participants=participants, budget=budget)
