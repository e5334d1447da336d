"""A filter the registry does not hold: adding it to ``lib.filters.FILTERS`` is one entry (tests show it)."""

from __future__ import annotations

from lib.filters import FilterSpec
from lib.schema import PARTICIPANTS, Participants

STATUS = FilterSpec("status", "status", "Status", "Status", ((PARTICIPANTS, Participants.status),), "statuses",
                    help_id="Status pelatihan.", help_en="Training status.")
