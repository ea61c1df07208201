"""The figures of a scope for a period, with the breakdown, and the dashboard card's counts.

Each scope is read in passes (`_passes`), each pass in three grouped queries answered by the
partial indexes of `Assignment` (given out, open, done): see the package docstring for what is
counted and ADR 0019 for why.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Aggregate, Count, Q, QuerySet, Sum
from django.utils import timezone

from vanthu.core.actor import Actor
from vanthu.core.calendar import WorkingCalendar, working_calendar
from vanthu.organizations.choices import Role
from vanthu.organizations.models import Person, RoleGrant, Unit
from vanthu.workflow.choices import AssignmentRole, AssignmentState, NotificationKind
from vanthu.workflow.models import Assignment
from vanthu.workflow.monitoring.scopes import (
    Group,
    MonitoringTarget,
    Period,
    Scope,
    headed_units,
    may_choose_unit,
    monitoring_scopes,
    monitoring_target_get,
)
from vanthu.workflow.scan import OPEN_STATES, deadline_state, due_soon_working_days

# The roles counted as work to handle (info, "để biết", is not).
HANDLED_ROLES = (AssignmentRole.LEAD, AssignmentRole.CO)
# Safety net of the walks along the calendar (no real calendar has such runs of days off).
_MAX_WALK_DAYS = 400


@contextmanager
def serial_reads() -> Iterator[None]:
    """Run the counts inside without parallel workers (PostgreSQL; ADR 0019).

    Each count reads one index range; starting parallel workers for it cost more than the scan
    on the benchmark's two shared cores (an agency's year: 250 ms with workers, 120 ms
    without), and on a busy server every worker competes with other requests anyway.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        yield


# --- Deadlines ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Deadlines:
    """Today's bounds on due dates, by the deadline scan's rules (`scan.deadline_state`).

    An open lead is overdue when its due date is before `overdue_before`, and due soon when it is
    from `overdue_before` to `due_soon_until` (None: nothing is due soon today).
    """

    today: date
    working_days: int
    overdue_before: date
    due_soon_until: date | None


def deadlines_on(calendar: WorkingCalendar, today: date, days: int | None = None) -> Deadlines:
    """Return the due-date bounds of `today`: the scan's states are monotone in the due date."""
    days = due_soon_working_days() if days is None else days
    first_not_overdue = today
    for _ in range(_MAX_WALK_DAYS):
        previous = first_not_overdue - timedelta(days=1)
        if deadline_state(calendar, previous, today, days) == NotificationKind.OVERDUE:
            break
        first_not_overdue = previous
    last_due_soon = None
    day = first_not_overdue
    for _ in range(_MAX_WALK_DAYS):
        if deadline_state(calendar, day, today, days) != NotificationKind.DUE_SOON:
            break
        last_due_soon = day
        day += timedelta(days=1)
    return Deadlines(today, days, first_not_overdue, last_due_soon)


def due_soon_dates(deadlines: Deadlines) -> Q:
    """Return the due dates that are due soon today (an empty range when none is)."""
    last = deadlines.due_soon_until or deadlines.overdue_before - timedelta(days=1)
    return Q(due_date__gte=deadlines.overdue_before, due_date__lte=last)


# Lead work completed after its last day to act, as recorded at completion (`timing`).
LATE = Q(completed_late=True)


# --- Figures ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Figures:
    """The numbers of one scope (or one line of its breakdown) for a period."""

    assigned: int = 0
    in_progress: int = 0
    due_soon: int = 0
    overdue: int = 0
    done_on_time: int = 0
    done_late: int = 0
    # Working days, summed over the lead work completed in the period (for the average).
    handling_days: int = 0

    @property
    def done(self) -> int:
        return self.done_on_time + self.done_late

    @property
    def average_handling_days(self) -> float | None:
        """Average working days from assignment to completion; None when nothing was done."""
        return round(self.handling_days / self.done, 1) if self.done else None

    @property
    def on_time_rate(self) -> float | None:
        """Share of the lead work done in the period that was on time, in percent."""
        return round(100 * self.done_on_time / self.done, 1) if self.done else None

    def value(self, group: Group) -> int:
        return int(getattr(self, str(group)))


@dataclass(frozen=True, slots=True)
class BreakdownRow:
    """One line of the breakdown: a unit (agency scope) or a person (unit scope)."""

    kind: str  # "unit" or "person"
    id: int
    name: str
    figures: Figures
    target: MonitoringTarget
    # Whether the actor may open the line's own page (a clerk sees the agency's units' figures
    # but not a unit's page).
    is_open: bool


@dataclass(frozen=True, slots=True)
class MonitoringSummary:
    """Everything the monitoring page and the API show for one scope and period."""

    target: MonitoringTarget
    period: Period
    deadlines: Deadlines
    figures: Figures
    breakdown: list[BreakdownRow] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Pass:
    """One read of a scope's rows: which rows, their breakdown column, which make the total.

    `key` None: no breakdown lines; `total` None: the rows only feed the lines. Each pass reads
    one index range (bitmap ORs of two ranges would read the table, see `bench/workflow.py`).
    """

    rows: Q
    key: str | None
    total: Q | None


def _members(unit: Unit) -> list[Person]:
    ids = RoleGrant.objects.filter(unit=unit, person__is_active=True).values("person_id")
    return list(Person.objects.filter(pk__in=ids).order_by("full_name", "pk"))


def _passes(target: MonitoringTarget, member_ids: list[int]) -> list[_Pass]:
    agency = Q(agency_id=target.agency.pk)
    if target.scope == Scope.AGENCY:
        # One pass for the total (top-level rows) and the units (their rows at any level).
        return [
            _Pass(
                rows=agency & (Q(parent__isnull=True) | Q(assignee_unit__isnull=False)),
                key="assignee_unit_id",
                total=Q(parent__isnull=True),
            )
        ]
    if target.scope == Scope.UNIT:
        assert target.unit is not None
        passes = [_Pass(rows=agency & Q(assignee_unit_id=target.unit.pk), key=None, total=Q())]
        if member_ids:
            passes.append(
                _Pass(rows=agency & Q(assignee_id__in=member_ids), key="assignee_id", total=None)
            )
        return passes
    assert target.person is not None
    return [_Pass(rows=agency & Q(assignee_id=target.person.pk), key=None, total=Q())]


class _Tally:
    """Figures being added up: the total and one per breakdown key."""

    def __init__(self) -> None:
        self.values: dict[object, dict[str, int]] = {}

    def add(self, key: object, **amounts: int) -> None:
        bucket = self.values.setdefault(key, {})
        for name, amount in amounts.items():
            bucket[name] = bucket.get(name, 0) + amount

    def figures(self, key: object) -> Figures:
        return Figures(**self.values.get(key, {}))


_TOTAL = "total"
_TOTAL_SUFFIX = "__total"


def _measure(field: str | None, condition: Q) -> Aggregate:
    return Count("id", filter=condition) if field is None else Sum(field, filter=condition)


def _grouped(
    qs: QuerySet[Assignment], read: _Pass, **measures: Q | tuple[str, Q]
) -> list[dict[str, Any]]:
    """Count (or sum, for `(field, condition)`) the rows per breakdown key, each measure for the
    total (`<name>__total`, the pass's total rows) and for the key's line (`<name>`)."""
    aggregates: dict[str, Aggregate] = {}
    for name, measure in measures.items():
        field, condition = measure if isinstance(measure, tuple) else (None, measure)
        if read.total is not None:
            aggregates[name + _TOTAL_SUFFIX] = _measure(field, condition & read.total)
        if read.key is not None:
            aggregates[name] = _measure(field, condition)
    if read.key is None:
        return [qs.aggregate(**aggregates)]
    return list(qs.values(read.key).order_by().annotate(**aggregates))


def _parts(read: _Pass, row: Mapping[str, Any]) -> list[tuple[object, str]]:
    """Return (tally key, column suffix) of a grouped row: the total and its line, if any."""
    parts: list[tuple[object, str]] = []
    if read.total is not None:
        parts.append((_TOTAL, _TOTAL_SUFFIX))
    if read.key is not None and row.get(read.key) is not None:
        parts.append((row[read.key], ""))
    return parts


def _tally_pass(tally: _Tally, read: _Pass, *, period: Period, deadlines: Deadlines) -> None:
    """Add one pass's rows to the tally, in three grouped queries."""
    start, end = period.bounds()
    rows = Assignment.objects.filter(read.rows)

    assigned = rows.filter(
        role__in=HANDLED_ROLES, assigned_at__gte=start, assigned_at__lt=end
    ).exclude(state=AssignmentState.CANCELLED)
    for row in _grouped(assigned, read, assigned=Q()):
        for key, suffix in _parts(read, row):
            tally.add(key, assigned=row["assigned" + suffix])

    lead = Q(role=AssignmentRole.LEAD)
    open_rows = rows.filter(role__in=HANDLED_ROLES, state__in=OPEN_STATES)
    for row in _grouped(
        open_rows,
        read,
        in_progress=Q(),
        due_soon=lead & due_soon_dates(deadlines),
        overdue=lead & Q(due_date__lt=deadlines.overdue_before),
    ):
        for key, suffix in _parts(read, row):
            tally.add(
                key,
                in_progress=row["in_progress" + suffix],
                due_soon=row["due_soon" + suffix],
                overdue=row["overdue" + suffix],
            )

    # Lateness and handling time were recorded at completion (`timing.completion_facts`).
    done = rows.filter(
        role=AssignmentRole.LEAD,
        state=AssignmentState.DONE,
        completed_at__gte=start,
        completed_at__lt=end,
    )
    for row in _grouped(done, read, done=Q(), late=LATE, handling_days=("handling_days", Q())):
        for key, suffix in _parts(read, row):
            count, late = row["done" + suffix], row["late" + suffix]
            tally.add(
                key,
                done_on_time=count - late,
                done_late=late,
                handling_days=row["handling_days" + suffix] or 0,
            )


def monitoring_summary(
    *, actor: Actor, target: MonitoringTarget, period: Period, today: date | None = None
) -> MonitoringSummary:
    """Return the figures of a target for a period, with the breakdown by unit or person."""
    today = today or timezone.localdate()
    calendar = working_calendar()
    deadlines = deadlines_on(calendar, today)
    members = _members(target.unit) if target.scope == Scope.UNIT and target.unit else []
    tally = _Tally()
    with serial_reads():
        for read in _passes(target, [p.pk for p in members]):
            _tally_pass(tally, read, period=period, deadlines=deadlines)
    breakdown: list[BreakdownRow] = []
    headed = headed_units(actor)
    if target.scope == Scope.AGENCY:
        units = Unit.objects.filter(agency=target.agency)
        seen = {key for key in tally.values if isinstance(key, int)}
        for unit in units.filter(Q(is_active=True) | Q(pk__in=seen)).order_by("name", "pk"):
            breakdown.append(
                BreakdownRow(
                    "unit",
                    unit.pk,
                    unit.name,
                    tally.figures(unit.pk),
                    MonitoringTarget(Scope.UNIT, target.agency, unit=unit),
                    may_choose_unit(actor) or unit.pk in headed,
                )
            )
    elif target.scope == Scope.UNIT:
        for person in members:
            breakdown.append(
                BreakdownRow(
                    "person",
                    person.pk,
                    person.full_name,
                    tally.figures(person.pk),
                    MonitoringTarget(Scope.PERSON, target.agency, person=person),
                    actor.has_role(Role.LEADER)
                    or person.pk == actor.person_id
                    or (target.unit is not None and target.unit.pk in headed),
                )
            )
    return MonitoringSummary(
        target=target,
        period=period,
        deadlines=deadlines,
        figures=tally.figures(_TOTAL),
        breakdown=breakdown,
    )


def scope_rows(target: MonitoringTarget) -> Q:
    """Return the rows that make the target's total (see `_passes`); its lists show them."""
    rows = Q(agency_id=target.agency.pk)
    if target.scope == Scope.UNIT:
        assert target.unit is not None
        return rows & Q(assignee_unit_id=target.unit.pk)
    if target.scope == Scope.PERSON:
        assert target.person is not None
        return rows & Q(assignee_id=target.person.pk)
    return rows & Q(parent__isnull=True)


# --- Dashboard card -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CardLine:
    """One line of the dashboard card: whose open work, with its due soon and overdue parts."""

    label: str
    target: MonitoringTarget
    figures: Figures


def _open_figures(target: MonitoringTarget, deadlines: Deadlines) -> Figures:
    read = _Pass(rows=scope_rows(target), key=None, total=Q())
    lead = Q(role=AssignmentRole.LEAD)
    (row,) = _grouped(
        Assignment.objects.filter(read.rows, role__in=HANDLED_ROLES, state__in=OPEN_STATES),
        read,
        in_progress=Q(),
        due_soon=lead & due_soon_dates(deadlines),
        overdue=lead & Q(due_date__lt=deadlines.overdue_before),
    )
    return Figures(
        in_progress=row["in_progress" + _TOTAL_SUFFIX],
        due_soon=row["due_soon" + _TOTAL_SUFFIX],
        overdue=row["overdue" + _TOTAL_SUFFIX],
    )


def monitoring_card(*, actor: Actor, today: date | None = None) -> list[CardLine]:
    """Return the open work of the actor, their units (heads) and their agency (leaders).

    Empty for someone with no acting agency.
    """
    scopes = monitoring_scopes(actor)
    if not scopes:
        return []
    deadlines = deadlines_on(working_calendar(), today or timezone.localdate())
    targets = [("Của tôi", monitoring_target_get(actor=actor, scope=Scope.PERSON))]
    for unit_id in headed_units(actor):
        unit = monitoring_target_get(actor=actor, scope=Scope.UNIT, unit_id=unit_id)
        targets.append((unit.label, unit))
    if actor.has_role(Role.LEADER):
        agency = monitoring_target_get(actor=actor, scope=Scope.AGENCY)
        targets.append((agency.label, agency))
    with serial_reads():
        return [CardLine(label, t, _open_figures(t, deadlines)) for label, t in targets]
