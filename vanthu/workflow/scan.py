"""The deadline scan: tell assignees when their part is due soon, and everyone when it is late.

`vanthu workflow scan` runs it every 15 minutes (cron or a systemd timer). Each open
assignment with a due date gets at most one "due soon" notice and one "overdue" notice per due
date: the notice's `subject_key` names the assignment and its due date, so a repeated scan adds
nothing and an extended due date is announced again.

Days are counted in the agency's working calendar (ADR 0006): a due date on a day off moves to
the next working day (Bộ luật Dân sự 2015 Điều 148.5); "due soon" means at most
VANTHU_DUE_SOON_WORKING_DAYS working days before that day (1: the working day before);
"overdue" means that day has passed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice

from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from vanthu.core.calendar import WorkingCalendar, working_calendar
from vanthu.organizations.choices import Role
from vanthu.organizations.models import Agency, RoleGrant
from vanthu.registry.choices import Urgency
from vanthu.workflow.choices import AssignmentState, NotificationKind
from vanthu.workflow.models import Assignment, Notification
from vanthu.workflow.notify import notify

OPEN_STATES = (AssignmentState.NEW, AssignmentState.IN_PROGRESS, AssignmentState.DELEGATED)
DEFAULT_DUE_SOON_WORKING_DAYS = 1
BATCH = 500


@dataclass(frozen=True)
class ScanResult:
    """What one scan did: open assignments looked at and notices created."""

    checked: int
    due_soon: int
    overdue: int


def due_soon_working_days() -> int:
    """Return how many working days before the due date "due soon" starts (>= 0)."""
    value = getattr(settings, "DUE_SOON_WORKING_DAYS", DEFAULT_DUE_SOON_WORKING_DAYS)
    return max(0, int(value))


def subject_key(assignment: Assignment) -> str:
    """Return the once-only key of an assignment's deadline notices (changes with the date)."""
    due = assignment.due_date.isoformat() if assignment.due_date else ""
    return f"assignment:{assignment.pk}:{due}"


def effective_due(calendar: WorkingCalendar, due: date) -> date:
    """Return the last day to act: `due`, or the next working day if `due` is a day off."""
    return due if calendar.is_working_day(due) else calendar.next_working_day(due)


def deadline_state(calendar: WorkingCalendar, due: date, today: date, days: int) -> str:
    """Return "overdue", "due_soon" or "" for a due date seen on `today`."""
    last = effective_due(calendar, due)
    if today > last:
        return NotificationKind.OVERDUE
    if calendar.working_days_between(today, last) <= days:
        return NotificationKind.DUE_SOON
    return ""


def _incoming_link(incoming_id: int) -> str:
    try:
        return reverse("registry:incoming_detail", args=[incoming_id])
    except NoReverseMatch:
        return ""


class _Recipients:
    """Who hears about an assignment: its person, or the heads of its unit (cached per unit)."""

    def __init__(self) -> None:
        self._heads: dict[int, list[int]] = {}

    def unit_heads(self, unit_id: int) -> list[int]:
        if unit_id not in self._heads:
            self._heads[unit_id] = list(
                RoleGrant.objects.filter(
                    role=Role.UNIT_HEAD, unit_id=unit_id, person__is_active=True
                )
                .order_by("person_id")
                .values_list("person_id", flat=True)
                .distinct()
            )
        return self._heads[unit_id]

    def assignees(self, assignment: Assignment) -> list[int]:
        if assignment.assignee_id is not None:
            return [assignment.assignee_id]
        if assignment.assignee_unit_id is not None:
            return self.unit_heads(assignment.assignee_unit_id)
        return []


def _assignee_name(assignment: Assignment) -> str:
    if assignment.assignee_id is not None and assignment.assignee is not None:
        return assignment.assignee.full_name
    if assignment.assignee_unit is not None:
        return assignment.assignee_unit.name
    return ""


def _notify_assignment(assignment: Assignment, kind: str, recipients: _Recipients) -> int:
    """Create the deadline notices of one assignment; return how many were new."""
    incoming = assignment.incoming
    due = f"{assignment.due_date:%d/%m/%Y}"
    link = _incoming_link(incoming.pk)
    key = subject_key(assignment)
    urgent = incoming.urgency != Urgency.NORMAL

    def tell(person_id: int, title: str) -> int:
        notice = notify(
            person_id=person_id,
            kind=kind,
            title=title,
            link=link,
            agency_id=assignment.agency_id,
            urgent=urgent,
            subject_key=key,
        )
        return 0 if notice is None else 1

    people = recipients.assignees(assignment)
    with transaction.atomic():
        created = sum(
            tell(person_id, f"Hạn xử lý {due}: {incoming.summary}") for person_id in people
        )
        # The one who assigned it hears that it is late (NĐ 30/2020 Điều 24: they follow it up).
        if kind == NotificationKind.OVERDUE and assignment.assigned_by_id not in people:
            who = _assignee_name(assignment)
            created += tell(
                assignment.assigned_by_id, f"Giao cho {who}, hạn {due}: {incoming.summary}"
            )
    return created


def _batches(items: Iterable[Assignment], size: int) -> Iterator[list[Assignment]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def deadlines_scan(*, now: datetime | None = None) -> ScanResult:
    """Notify the open assignments that are due soon or overdue, once each (per due date)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    days = due_soon_working_days()
    # Working days are the same for every agency (holidays and swaps are national); only the
    # office sessions differ. The province calendar bounds the query; each agency's decides.
    horizon = working_calendar().add_working_days(today, days)
    candidates = (
        Assignment.objects.filter(
            state__in=OPEN_STATES, due_date__isnull=False, due_date__lte=horizon
        )
        .select_related("incoming", "assignee", "assignee_unit")
        .order_by("id")
    )
    calendars: dict[int, WorkingCalendar] = {}
    recipients = _Recipients()
    checked = due_soon = overdue = 0
    for batch in _batches(candidates.iterator(chunk_size=BATCH), BATCH):
        done = set(
            Notification.objects.filter(
                kind__in=[NotificationKind.DUE_SOON, NotificationKind.OVERDUE],
                subject_key__in=[subject_key(a) for a in batch],
            ).values_list("kind", "subject_key")
        )
        for assignment in batch:
            checked += 1
            if assignment.agency_id not in calendars:
                agency = Agency.objects.only("office_sessions").get(pk=assignment.agency_id)
                calendars[assignment.agency_id] = working_calendar(sessions=agency.office_sessions)
            assert assignment.due_date is not None  # filtered above
            kind = deadline_state(calendars[assignment.agency_id], assignment.due_date, today, days)
            if not kind or (kind, subject_key(assignment)) in done:
                continue
            created = _notify_assignment(assignment, kind, recipients)
            if kind == NotificationKind.OVERDUE:
                overdue += created
            else:
                due_soon += created
    return ScanResult(checked=checked, due_soon=due_soon, overdue=overdue)
