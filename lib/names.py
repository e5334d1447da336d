"""The names a page uses for indicator tables, figures and dimensions, in one place.

A page says ``Table.SUMMARY``, ``Measure.PARTICIPANTS`` and ``Dim.VILLAGE``,
never ``"summary"``: a misspelt name fails when the page is imported, not when a
reader opens it. Each is a ``StrEnum``, so a member is the plain column or table
name wherever lib expects one. ``tests/test_figures.py`` checks that every
member exists in its registry (``lib.indicators.TABLES_BY_NAME``,
``lib.measures.MEASURES``, ``lib.measures.DIMENSION_LABELS``) and that pages
name none of them as bare text.
"""

from __future__ import annotations

from enum import StrEnum


class Table(StrEnum):
    """The indicator tables of ``lib.indicators.TABLES_BY_NAME``."""

    PARTICIPATION = "participation"
    OUTCOMES = "outcomes"
    OUTCOME_MIX = "outcome_mix"
    ORIGIN_SPLIT = "origin_split"
    FUNNEL = "funnel"
    INCOME_BANDS = "income_bands"
    BUDGET = "budget"
    EQUIPMENT = "equipment"
    COST = "cost"
    SUMMARY = "summary"


class Measure(StrEnum):
    """The figures of ``lib.measures.MEASURES`` (column names of the indicator tables)."""

    ENROLLMENTS = "enrollments"
    PARTICIPANTS = "participants"
    COMPLETED = "completed"
    COMPLETION_BASE = "completion_base"
    COMPLETION_RATE = "completion_rate"
    ORIGIN_KNOWN = "origin_known"
    MIGRANTS = "migrants"
    MIGRANT_SHARE = "migrant_share"
    FOLLOWED_UP = "followed_up"
    WORKING = "working"
    WORKING_RATE = "working_rate"
    RELAPSED = "relapsed"
    RELAPSE_RATE = "relapse_rate"
    RETURNED_HOME = "returned_home"
    INCOME_REPORTED = "income_reported"
    MEDIAN_INCOME = "median_income"
    OUTCOME_COUNT = "outcome_count"
    OUTCOME_TOTAL = "outcome_total"
    OUTCOME_SHARE = "outcome_share"
    ALLOCATED = "allocated_idr"
    REALIZED = "realized_idr"
    ABSORPTION_RATE = "absorption_rate"
    COST_PER_PARTICIPANT = "cost_per_participant"
    COST_PER_WORKING = "cost_per_working"


class Dim(StrEnum):
    """The dimensions a figure can be broken down by (``lib.measures.DIMENSION_LABELS``)."""

    VILLAGE = "village"
    PROGRAM = "program"
    ORGANIZER = "organizer"
    ROLE = "role"
    ORIGIN_REGENCY = "origin_regency"
    ORIGIN_PROVINCE = "origin_province"
    YEAR = "year"
    OUTCOME = "outcome"
    STATUS = "status"
    CATEGORY = "category"
    FUNDING_SOURCE = "funding_source"
    ITEM = "item"
    QUANTITY = "quantity"
    BUDGET_SHARE = "budget_share"
    MIGRANT = "migrant"
    ORIGIN_TYPE = "origin_type"
    STAGE = "stage"
    BAND = "band"
