"""Working-day facts of completed handling: was it late, how many working days it took.

They are recorded on the assignment when it is completed (`handling._complete`), so that the
monitoring figures add them up without walking the calendar for every row (ADR 0019). The rules
are the deadline scan's (`scan.effective_due`): a due date on a day off moves to the next working
day (Bộ luật Dân sự 2015 Điều 148.5), and completion on or before that local day is on time. The
facts keep the calendar as it stood at completion: a day off declared later does not change them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings

from vanthu.core.calendar import WorkingCalendar
from vanthu.workflow.scan import effective_due


@dataclass(frozen=True, slots=True)
class CompletionFacts:
    """Whether the work was completed after its last day, and the working days it took."""

    late: bool
    handling_days: int


def local_day(moment: datetime) -> date:
    """Return the local date of an aware instant (settings.TIME_ZONE)."""
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def completion_facts(
    calendar: WorkingCalendar,
    *,
    assigned_at: datetime,
    due_date: date | None,
    completed_at: datetime,
) -> CompletionFacts:
    """Return the facts of work assigned, due and completed then (no due date: never late).

    Handling time counts the working days after the day of assignment up to the day of
    completion (`WorkingCalendar.working_days_between`): completed the same day is 0.
    """
    finished = local_day(completed_at)
    late = due_date is not None and finished > effective_due(calendar, due_date)
    days = max(0, calendar.working_days_between(local_day(assigned_at), finished))
    return CompletionFacts(late=late, handling_days=days)


def days_late(calendar: WorkingCalendar, due_date: date, until: date) -> int:
    """Return the working days from the last day to act on `due_date` up to `until` (>= 0)."""
    return max(0, calendar.working_days_between(effective_due(calendar, due_date), until))
