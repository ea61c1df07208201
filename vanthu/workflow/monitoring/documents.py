"""The assignments behind one figure (drill-down), in keyset order, and their timing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from vanthu.core.actor import Actor
from vanthu.core.calendar import WorkingCalendar, working_calendar
from vanthu.workflow.choices import AssignmentRole, AssignmentState
from vanthu.workflow.models import Assignment
from vanthu.workflow.monitoring.figures import (
    HANDLED_ROLES,
    LATE,
    deadlines_on,
    due_soon_dates,
    scope_rows,
)
from vanthu.workflow.monitoring.scopes import Group, MonitoringTarget, Period
from vanthu.workflow.scan import OPEN_STATES
from vanthu.workflow.timing import days_late, local_day


def monitoring_documents(
    *,
    actor: Actor,
    target: MonitoringTarget,
    period: Period,
    group: Group,
    today: date | None = None,
) -> QuerySet[Assignment]:
    """Return the assignments behind one figure, ordered for keyset pages.

    Open work comes by due date (none last), the rest newest first. `target` comes from
    `monitoring_target_get`, which checked that the actor may see it.
    """
    today = today or timezone.localdate()
    start, end = period.bounds()
    qs = Assignment.objects.filter(scope_rows(target)).select_related(
        "incoming", "assignee", "assignee_unit"
    )
    if group == Group.ASSIGNED:
        return (
            qs.filter(role__in=HANDLED_ROLES, assigned_at__gte=start, assigned_at__lt=end)
            .exclude(state=AssignmentState.CANCELLED)
            .order_by("-assigned_at", "-id")
        )
    if group in (Group.IN_PROGRESS, Group.DUE_SOON, Group.OVERDUE):
        open_rows = qs.filter(state__in=OPEN_STATES)
        if group == Group.IN_PROGRESS:
            return open_rows.filter(role__in=HANDLED_ROLES).order_by("due_date", "id")
        deadlines = deadlines_on(working_calendar(), today)
        lead = open_rows.filter(role=AssignmentRole.LEAD)
        if group == Group.OVERDUE:
            lead = lead.filter(due_date__lt=deadlines.overdue_before)
        else:
            lead = lead.filter(due_soon_dates(deadlines))
        return lead.order_by("due_date", "id")
    done = qs.filter(
        role=AssignmentRole.LEAD,
        state=AssignmentState.DONE,
        completed_at__gte=start,
        completed_at__lt=end,
    )
    done = done.filter(LATE) if group == Group.DONE_LATE else done.exclude(LATE)
    return done.order_by("-completed_at", "-id")


@dataclass(frozen=True, slots=True)
class RowTiming:
    """Working days of one listed assignment: handling time and lateness (None: not shown)."""

    handling_days: int | None
    days_late: int | None


def row_timing(calendar: WorkingCalendar, assignment: Assignment, today: date) -> RowTiming:
    """Return the handling time of a completed assignment (as recorded) and how many working
    days its lead work was, or is, late against its due date moved off days off."""
    late = None
    if assignment.due_date is not None and assignment.role == AssignmentRole.LEAD:
        if assignment.state == AssignmentState.DONE and assignment.completed_at is not None:
            late = days_late(calendar, assignment.due_date, local_day(assignment.completed_at))
        elif assignment.state in OPEN_STATES:
            late = days_late(calendar, assignment.due_date, today)
    return RowTiming(assignment.handling_days, late or None)
