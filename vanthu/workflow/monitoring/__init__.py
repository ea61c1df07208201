"""Monitoring of handling: figures per agency, unit and person (QĐ 22/2017 Điều 12.4; NĐ 30/2020
Điều 24), and the assignments behind each figure.

What is counted (ADR 0019):

- The rows are assignments. The agency's figures count what its leaders gave out (top-level
  assignments, `parent` empty), so a document passed down the unit tree counts once. A unit's
  figures count every assignment to the unit; a person's, every assignment to the person.
- Chủ trì (lead) work counts everywhere. Phối hợp (co-handling) counts in "assigned" and "in
  progress" only: its share of the work is real, but the lead answers for the due date, so the
  deadline figures (due soon, overdue, on time, late, handling time) count the lead alone.
  Để biết (for information) counts nowhere: there is nothing to handle.
- "Assigned" and "done on time / late" and the average handling time belong to the period
  (assigned, respectively completed, within it). "In progress", "due soon" and "overdue" are as
  of today, whatever the period: monitoring is about what can still be directed in time.
- Days are the working calendar's (ADR 0006), with the deadline scan's rules
  (`scan.deadline_state`): a due date on a day off moves to the next working day; "due soon" is
  at most VANTHU_DUE_SOON_WORKING_DAYS working days before it; done on time means completed on or
  before that day (a lead without a due date is on time). Handling time is the number of working
  days after the day of assignment up to the day of completion (same day: 0). Both are recorded
  on the assignment when it is completed (`timing.completion_facts`), so a year of an agency's
  work adds up from one index without walking the calendar per row.

Every selector takes a `MonitoringTarget` from `monitoring_target_get`, which decides what the
actor may see; anything else is NotFound, whether it exists or not.
"""

from vanthu.workflow.monitoring.documents import RowTiming, monitoring_documents, row_timing
from vanthu.workflow.monitoring.figures import (
    HANDLED_ROLES,
    BreakdownRow,
    CardLine,
    Deadlines,
    Figures,
    MonitoringSummary,
    deadlines_on,
    monitoring_card,
    monitoring_summary,
)
from vanthu.workflow.monitoring.scopes import (
    GROUP_LABELS,
    MAX_PERIOD_DAYS,
    SCOPE_LABELS,
    Group,
    MonitoringTarget,
    Period,
    Scope,
    headed_units,
    may_choose_unit,
    may_see_agency,
    monitoring_scopes,
    monitoring_target_get,
    monitoring_units,
    period_error,
    period_make,
)

__all__ = [
    "GROUP_LABELS",
    "HANDLED_ROLES",
    "MAX_PERIOD_DAYS",
    "SCOPE_LABELS",
    "BreakdownRow",
    "CardLine",
    "Deadlines",
    "Figures",
    "Group",
    "MonitoringSummary",
    "MonitoringTarget",
    "Period",
    "RowTiming",
    "Scope",
    "deadlines_on",
    "headed_units",
    "may_choose_unit",
    "may_see_agency",
    "monitoring_card",
    "monitoring_documents",
    "monitoring_scopes",
    "monitoring_summary",
    "monitoring_target_get",
    "monitoring_units",
    "period_error",
    "period_make",
    "row_timing",
]
