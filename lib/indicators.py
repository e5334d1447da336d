"""One function per figure of the indicator definitions, over prepared frames.

Every function takes the (filtered, prepared: see ``lib.prepare``) frames and
the dimensions ``by`` to break down by, and returns a frame with one row per
observed group: the ``by`` columns, then the measure columns named in
``lib.measures``. With ``by=[]`` the result is the one-row total. Counts are
Int64; rates are float64 in [0, 1] and NaN ("none") where the denominator is 0.
No function mutates its inputs. Figures are raw: pass them through
``lib.privacy.publishable`` before showing them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from lib.prepare import LATEST_INCOME, LATEST_OUTCOME, ORIGIN_LOCAL, ORIGIN_MIGRANT, ORIGIN_TYPE, ORIGIN_TYPES
from lib.schema import (
    BUDGET_SHARE,
    CATEGORY_EQUIPMENT,
    OUTCOME_RELAPSE,
    OUTCOME_RETURNED_HOME,
    OUTCOMES,
    STATUS_COMPLETED,
    STATUS_DROPPED,
    UNKNOWN,
    WORKING_OUTCOMES,
    Budget,
    Dataset,
    Participants,
)

Dims = Sequence[str]
BUDGET_DIMS = frozenset({Budget.year, Budget.program, Budget.organizer, Budget.village})


def _rate(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator as float64, NaN where the denominator is 0."""
    num = numerator.astype("float64")
    den = denominator.astype("float64")
    return (num / den.where(den > 0)).astype("float64")


def _grouped_sums(frame: pd.DataFrame, by: Dims, flags: dict[str, pd.Series]) -> pd.DataFrame:
    """Sum boolean flag columns over ``by`` groups (or over all rows when ``by`` is empty)."""
    data = pd.DataFrame({name: flag.to_numpy(dtype="int64") for name, flag in flags.items()}, index=frame.index)
    if not by:
        return data.sum().to_frame().T.reset_index(drop=True).astype("Int64")
    data = pd.concat([frame[list(by)], data], axis=1)
    out = data.groupby(list(by), observed=True, sort=True).sum().reset_index()
    return out.astype({name: "Int64" for name in flags})


def _distinct_count(frame: pd.DataFrame, by: Dims, column: str, name: str) -> pd.DataFrame:
    """Number of distinct values of ``column`` per ``by`` group."""
    if not by:
        return pd.DataFrame({name: pd.array([frame[column].nunique()], dtype="Int64")})
    out = frame.groupby(list(by), observed=True, sort=True)[column].nunique().rename(name).reset_index()
    return out.astype({name: "Int64"})


def _merge(left: pd.DataFrame, right: pd.DataFrame, by: Dims) -> pd.DataFrame:
    if not by:
        return pd.concat([left.reset_index(drop=True), right.reset_index(drop=True)], axis=1)
    return left.merge(right, on=list(by), how="outer", sort=True)


def enrollments(participants: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + enrollments: number of participant rows."""
    return _grouped_sums(participants, by, {"enrollments": pd.Series(True, index=participants.index)})


def participant_counts(participants: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + participants: number of distinct participant_id."""
    return _distinct_count(participants, by, Participants.participant_id, "participants")


def completion_rate(participants: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + completed, completion_base, completion_rate (ongoing enrollments left out)."""
    status = participants[Participants.status]
    completed = status == STATUS_COMPLETED
    out = _grouped_sums(participants, by, {
        "completed": completed,
        "completion_base": completed | (status == STATUS_DROPPED),
    })
    return out.assign(completion_rate=_rate(out["completed"], out["completion_base"]))


def migrant_share(participants: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + origin_known, migrants, migrant_share (origin regency known and not the site's regency or city)."""
    origin = participants[ORIGIN_TYPE]
    out = _grouped_sums(participants, by, {
        "origin_known": origin.isin([ORIGIN_LOCAL, ORIGIN_MIGRANT]),
        "migrants": origin == ORIGIN_MIGRANT,
    })
    return out.assign(migrant_share=_rate(out["migrants"], out["origin_known"]))


def participation(participants: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + enrollments, participants, completed, completion_base, completion_rate, origin_known, migrants, migrant_share."""
    out = _merge(enrollments(participants, by), participant_counts(participants, by), by)
    out = _merge(out, completion_rate(participants, by), by)
    return _merge(out, migrant_share(participants, by), by)


def _followed_up(participants: pd.DataFrame) -> pd.Series:
    latest = participants[LATEST_OUTCOME]
    return (latest.notna() & (latest != UNKNOWN)).fillna(False).astype(bool)


def outcome_summary(participants: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + followed_up, working, working_rate, relapsed, relapse_rate, returned_home, income_reported, median_income."""
    latest = participants[LATEST_OUTCOME]
    followed = _followed_up(participants)
    working = (latest.isin(WORKING_OUTCOMES)).fillna(False).astype(bool)
    out = _grouped_sums(participants, by, {
        "followed_up": followed,
        "working": working & followed,
        "relapsed": (latest == OUTCOME_RELAPSE).fillna(False).astype(bool) & followed,
        "returned_home": (latest == OUTCOME_RETURNED_HOME).fillna(False).astype(bool) & followed,
    })
    out = out.assign(
        working_rate=_rate(out["working"], out["followed_up"]),
        relapse_rate=_rate(out["relapsed"], out["followed_up"]),
    )
    return _merge(out, median_income(participants, by), by)[
        [*by, "followed_up", "working", "working_rate", "relapsed", "relapse_rate",
         "returned_home", "income_reported", "median_income"]
    ]


def median_income(participants: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + income_reported, median_income: over latest outcomes Bekerja / Usaha Mandiri with an income."""
    income = participants[LATEST_INCOME].astype("float64")
    has_income = participants[LATEST_OUTCOME].isin(WORKING_OUTCOMES).fillna(False).astype(bool) & income.notna()
    counts = _grouped_sums(participants, by, {"income_reported": has_income})
    working = participants.loc[has_income, list(by)].assign(_income=income[has_income])
    if not by:
        med = pd.DataFrame({"median_income": [working["_income"].median() if len(working) else np.nan]})
        return pd.concat([counts, med], axis=1)
    med = working.groupby(list(by), observed=True, sort=True)["_income"].median().rename("median_income").reset_index()
    out = counts.merge(med, on=list(by), how="left")
    return out.assign(median_income=out["median_income"].astype("float64"))


def outcome_mix(participants: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + outcome, outcome_count, outcome_total, outcome_share: each outcome's share of the latest outcomes.

    Every outcome value appears in every group (0 where absent), so a chart
    always shows the same categories in the same order.
    """
    with_outcome = participants[participants[LATEST_OUTCOME].notna()]
    outcome = pd.Categorical(with_outcome[LATEST_OUTCOME].astype("object"), categories=list(OUTCOMES))
    frame = with_outcome[list(by)].assign(outcome=outcome)
    counts = frame.groupby([*by, "outcome"], observed=False, sort=True).size().rename("outcome_count").reset_index()
    if by:
        present = frame[list(by)].drop_duplicates()
        counts = counts.merge(present, on=list(by), how="inner")
        totals = counts.groupby(list(by), observed=True)["outcome_count"].transform("sum")
    else:
        totals = pd.Series(counts["outcome_count"].sum(), index=counts.index)
    counts = counts.assign(
        outcome_count=counts["outcome_count"].astype("Int64"),
        outcome_total=totals.astype("Int64"),
    )
    counts["outcome_share"] = _rate(counts["outcome_count"], counts["outcome_total"])
    return counts.reset_index(drop=True)


def funnel(participants: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + stage, count: enrolled -> completed -> followed up -> working (stage in FUNNEL_STAGES order)."""
    status = participants[Participants.status]
    latest = participants[LATEST_OUTCOME]
    followed = _followed_up(participants)
    sums = _grouped_sums(participants, by, {
        "Terdaftar": pd.Series(True, index=participants.index),
        "Selesai": (status == STATUS_COMPLETED).fillna(False).astype(bool),
        "Terpantau": followed,
        "Bekerja/usaha": latest.isin(WORKING_OUTCOMES).fillna(False).astype(bool) & followed,
    })
    long = sums.melt(id_vars=list(by), var_name="stage", value_name="count")
    long["stage"] = pd.Categorical(long["stage"], categories=list(FUNNEL_STAGES))
    return long.sort_values([*by, "stage"], kind="stable").reset_index(drop=True).astype({"count": "Int64"})


FUNNEL_STAGES = ("Terdaftar", "Selesai", "Terpantau", "Bekerja/usaha")
INCOME_BANDS = (0, 1_000_000, 2_000_000, 3_000_000, np.inf)
INCOME_BAND_LABELS = ("< Rp 1 jt", "Rp 1–2 jt", "Rp 2–3 jt", "≥ Rp 3 jt")


def income_bands(participants: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + band, count: latest working outcomes with an income, by monthly income band (no single incomes)."""
    income = participants[LATEST_INCOME].astype("float64")
    has_income = participants[LATEST_OUTCOME].isin(WORKING_OUTCOMES).fillna(False).astype(bool) & income.notna()
    band = pd.cut(income[has_income], bins=list(INCOME_BANDS), right=False, labels=list(INCOME_BAND_LABELS))
    frame = participants.loc[has_income, list(by)].assign(band=band)
    out = frame.groupby([*by, "band"], observed=False, sort=True).size().rename("count").reset_index()
    if by:
        out = out.merge(frame[list(by)].drop_duplicates(), on=list(by), how="inner")
    return out.astype({"count": "Int64"}).reset_index(drop=True)


def budget_summary(budget: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + allocated_idr, realized_idr, absorption_rate over (attributed) budget rows."""
    amounts = [Budget.allocated_idr, Budget.realized_idr]
    if not by:
        sums = budget[amounts].astype("float64").sum().to_frame().T
    else:
        sums = budget[[*by, *amounts]].astype({c: "float64" for c in amounts}).groupby(
            list(by), observed=True, sort=True, dropna=False
        )[amounts].sum().reset_index()
    return sums.assign(absorption_rate=_rate(sums[Budget.realized_idr], sums[Budget.allocated_idr]))


def cost_summary(participants: pd.DataFrame, budget: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + participants, working, realized_idr, cost_per_participant, cost_per_working.

    ``by`` must be budget dimensions (year, program, organizer, village); the
    budget rows are those that the same filters selected.
    """
    unknown = set(by) - BUDGET_DIMS
    if unknown:
        raise ValueError(f"cost cannot be broken down by {sorted(unknown)}: the budget has no such column")
    people = participant_counts(participants, by)
    work = outcome_summary(participants, by)[[*by, "working"]]
    money = budget_summary(budget, by)[[*by, Budget.realized_idr]]
    if by:
        money = money[money[list(by)].notna().all(axis=1)]
        for col in by:
            money[col] = money[col].astype(participants[col].dtype) if col in participants else money[col]
    out = _merge(_merge(people, work, by), money, by)
    out = out.assign(
        participants=out["participants"].fillna(0).astype("Int64"),
        working=out["working"].fillna(0).astype("Int64"),
        realized_idr=out[Budget.realized_idr].fillna(0.0).astype("float64"),
    )
    return out.assign(
        cost_per_participant=_rate(out[Budget.realized_idr], out["participants"]),
        cost_per_working=_rate(out[Budget.realized_idr], out["working"]),
    )


def summary(participants: pd.DataFrame, budget: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + every participation and outcome figure, plus the budget figures when ``by`` are budget dimensions."""
    out = _merge(participation(participants, by), outcome_summary(participants, by), by)
    if set(by) <= BUDGET_DIMS:
        money = budget_summary(budget, by)
        cost = cost_summary(participants, budget, by)[[*by, "cost_per_participant", "cost_per_working"]]
        if by:
            money = money[money[list(by)].notna().all(axis=1)]
            money = money.astype({c: participants[c].dtype for c in by})
            cost = cost.astype({c: participants[c].dtype for c in by})
        out = _merge(_merge(out, money, by), cost, by)
        counts = [c for c in out.columns if str(out[c].dtype) == "Int64"]
        out = out.assign(**{c: out[c].fillna(0) for c in counts})
        for c in (Budget.allocated_idr, Budget.realized_idr):
            out[c] = out[c].fillna(0.0)
    return out.reset_index(drop=True)


def year_on_year(by_year: pd.DataFrame, measure: str) -> tuple[float | None, float | None, float | None]:
    """(latest year's value, the year before's value, change) of ``measure`` in a by-year table; None where missing."""
    if by_year.empty:
        return (None, None, None)
    ordered = by_year.sort_values(Participants.year)
    values = pd.to_numeric(ordered[measure], errors="coerce").astype("float64").tolist()
    latest = values[-1] if not np.isnan(values[-1]) else None
    before = values[-2] if len(values) > 1 and not np.isnan(values[-2]) else None
    change = latest - before if latest is not None and before is not None else None
    return (latest, before, change)


# --- tables the dashboard's pages ask for by name --------------------------------
# Every table below names its count columns after lib.measures, so suppression
# (which reads the registry) knows which cells are counts of people.
def origin_split(participants: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + origin_type, enrollments: every origin type (Lokal, Pendatang, Tidak Diketahui) in every group, 0 where absent."""
    origin = pd.Categorical(participants[ORIGIN_TYPE].astype("object"), categories=list(ORIGIN_TYPES))
    frame = participants[list(by)].assign(**{ORIGIN_TYPE: origin})
    out = frame.groupby([*by, ORIGIN_TYPE], observed=False, sort=True).size().rename("enrollments").reset_index()
    if by:
        out = out.merge(frame[list(by)].drop_duplicates(), on=list(by), how="inner")
    return out.astype({"enrollments": "Int64"}).reset_index(drop=True)


def funnel_counts(participants: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + stage, enrollments: the funnel (enrolled -> completed -> followed up -> working) with its count as enrollments."""
    return funnel(participants, by).rename(columns={"count": "enrollments"})


def income_band_counts(participants: pd.DataFrame, by: Dims = ()) -> pd.DataFrame:
    """by + band, income_reported: latest working outcomes with an income per monthly income band."""
    return income_bands(participants, by).rename(columns={"count": "income_reported"})


EQUIPMENT_COLUMNS = (Budget.item, Budget.quantity, Budget.allocated_idr, Budget.realized_idr)


def equipment_lines(budget: pd.DataFrame, by: Dims = (Budget.year, Budget.program, Budget.organizer)) -> pd.DataFrame:
    """by + budget_share, item, quantity, allocated_idr, realized_idr: the equipment (category Peralatan) bought.

    Budget lines are not people: amounts and quantities are exact. The shared
    parts of a village-less line carry no quantity (a machine is not split
    between villages), so their quantity is missing, never invented.
    """
    keys = [*by, BUDGET_SHARE, Budget.item]
    rows = budget[budget[Budget.category] == CATEGORY_EQUIPMENT]
    amounts = [Budget.allocated_idr, Budget.realized_idr]
    rows = rows[keys + [Budget.quantity, *amounts]].astype({c: "float64" for c in amounts})
    out = (
        rows.groupby(keys, observed=True, sort=True, dropna=False)
        .agg(**{
            Budget.quantity: (Budget.quantity, lambda q: q.sum(min_count=1)),
            Budget.allocated_idr: (Budget.allocated_idr, "sum"),
            Budget.realized_idr: (Budget.realized_idr, "sum"),
        })
        .reset_index()
    )
    return out.astype({Budget.quantity: "Int64"})


def _participants_table(function):
    return lambda dataset, by: function(dataset.participants, by)


def _budget_table(function):
    return lambda dataset, by: function(dataset.budget, by)


# name -> (dataset, by) -> raw table. Pages ask for tables by these names.
TABLES_BY_NAME = {
    "participation": _participants_table(participation),
    "outcomes": _participants_table(outcome_summary),
    "outcome_mix": _participants_table(outcome_mix),
    "origin_split": _participants_table(origin_split),
    "funnel": _participants_table(funnel_counts),
    "income_bands": _participants_table(income_band_counts),
    "budget": _budget_table(budget_summary),
    "equipment": lambda dataset, by: equipment_lines(dataset.budget, by) if by else equipment_lines(dataset.budget),
    "cost": lambda dataset, by: cost_summary(dataset.participants, dataset.budget, by),
    "summary": lambda dataset, by: summary(dataset.participants, dataset.budget, by),
}


def indicator_table(dataset: Dataset, name: str, by: Dims = ()) -> pd.DataFrame:
    """The raw table ``name`` (a key of TABLES_BY_NAME) over a filtered, prepared dataset; columns as that function says."""
    try:
        function = TABLES_BY_NAME[name]
    except KeyError:
        raise ValueError(f"no table named {name!r}; known: {sorted(TABLES_BY_NAME)}") from None
    return function(dataset, list(by))
