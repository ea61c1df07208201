"""Monitoring figures with a frozen clock: weekends, holidays and swapped working days; scopes.

The calendar around the frozen day (Thursday 3 September 2026): Saturday 22/8 is a working day
(swapped for Monday 31/8); Saturday 29/8 to Wednesday 2/9 are days off (weekend, the swap,
Quốc khánh 1/9 and 2/9); Thursday 3/9 is the next working day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from vanthu.core.calendar import working_calendar
from vanthu.core.errors import NotFound, ValidationFailed
from vanthu.core.models import HolidayOverride
from vanthu.organizations.choices import Role
from vanthu.organizations.tests.factories import PersonFactory, UnitFactory
from vanthu.workflow import handling as h
from vanthu.workflow import monitoring as m
from vanthu.workflow.choices import AssignmentRole, AssignmentState
from vanthu.workflow.models import Assignment
from vanthu.workflow.tests.factories import AssignmentFactory

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2026, 9, 3)
NOW = datetime(2026, 9, 3, 9, 0, tzinfo=HCM)
AUGUST_SEPTEMBER = m.Period(date(2026, 8, 1), date(2026, 9, 30))


def _at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=HCM)


def _lead(cast, **fields) -> Assignment:
    values = {
        "agency": cast.agency_a,
        "assignee": cast.specialist,
        "assigned_by": cast.unit_head,
        "assigned_at": _at(date(2026, 8, 21)),
    }
    if not fields.get("done"):
        values["state"] = AssignmentState.IN_PROGRESS
    values.update(fields)
    return AssignmentFactory(**values)


def _figures(cast, person, *, period=AUGUST_SEPTEMBER, **target) -> m.Figures:
    actor = cast.actor(person)
    found = m.monitoring_target_get(actor=actor, **target)
    return m.monitoring_summary(actor=actor, target=found, period=period, today=TODAY).figures


def _listed(cast, person, group, *, period=AUGUST_SEPTEMBER, **target) -> list[int]:
    actor = cast.actor(person)
    found = m.monitoring_target_get(actor=actor, **target)
    documents = m.monitoring_documents(
        actor=actor, target=found, period=period, group=group, today=TODAY
    )
    return sorted(a.pk for a in documents)


# --- Deadlines and the calendar -----------------------------------------------------------


def test_deadline_bounds_follow_the_scan_across_the_national_day_holidays():
    # given the frozen Thursday after five days off
    calendar = working_calendar()
    # when the bounds of today are computed with one working day of notice
    deadlines = m.deadlines_on(calendar, TODAY, 1)
    # then due dates on the days off (29/8 to 2/9) are not overdue yet: their last day is today
    assert deadlines.overdue_before == date(2026, 8, 29)
    # and "due soon" runs to Friday 4/9, one working day ahead (Monday 7/9 is two)
    assert deadlines.due_soon_until == date(2026, 9, 4)


def test_a_day_off_entered_by_the_agency_moves_the_bounds():
    # given Friday 4/9 declared a day off (HolidayOverride)
    HolidayOverride.objects.create(date=date(2026, 9, 4), kind="day_off", name="Nghỉ bù")
    # when the bounds are computed
    deadlines = m.deadlines_on(working_calendar(), TODAY, 1)
    # then one working day ahead is Monday 7/9, and due dates up to it are due soon
    assert deadlines.due_soon_until == date(2026, 9, 7)


@time_machine.travel(NOW, tick=False)
def test_open_figures_count_lead_work_by_its_due_date_moved_off_days_off(cast):
    # given open lead work due on Friday 28/8, Saturday 29/8, Wednesday 2/9 (holiday), Friday
    # 4/9 and Monday 7/9; co-handling due 28/8; an item for information; a returned one
    late = _lead(cast, due_date=date(2026, 8, 28))
    weekend = _lead(cast, due_date=date(2026, 8, 29))
    holiday = _lead(cast, due_date=date(2026, 9, 2), state=AssignmentState.NEW)
    tomorrow = _lead(cast, due_date=date(2026, 9, 4), state=AssignmentState.DELEGATED)
    monday = _lead(cast, due_date=date(2026, 9, 7))
    co = _lead(cast, role=AssignmentRole.CO, due_date=date(2026, 8, 28))
    _lead(cast, role=AssignmentRole.INFO, state=AssignmentState.NEW)
    _lead(cast, due_date=date(2026, 8, 20), state=AssignmentState.RETURNED)
    # when the specialist looks at their own figures
    figures = _figures(cast, cast.specialist, scope="person")
    # then the Friday one is overdue; the ones whose last day is today or tomorrow are due soon
    assert (figures.in_progress, figures.due_soon, figures.overdue) == (6, 3, 1)
    assert _listed(cast, cast.specialist, m.Group.OVERDUE, scope="person") == [late.pk]
    assert _listed(cast, cast.specialist, m.Group.DUE_SOON, scope="person") == sorted(
        [weekend.pk, holiday.pk, tomorrow.pk]
    )
    # and co-handling is in progress but never overdue; information is not counted
    in_progress = _listed(cast, cast.specialist, m.Group.IN_PROGRESS, scope="person")
    assert in_progress == sorted([late.pk, weekend.pk, holiday.pk, tomorrow.pk, monday.pk, co.pk])


@time_machine.travel(NOW, tick=False)
def test_done_on_time_or_late_uses_the_local_day_and_the_next_working_day(cast):
    # given lead work completed after its due date had passed
    late = _lead(cast, done=True, due_date=date(2026, 8, 28), completed_at=_at(date(2026, 9, 3), 8))
    # due on Saturday 29/8 and completed on Thursday 3/9, the first working day after it
    weekend = _lead(
        cast, done=True, due_date=date(2026, 8, 29), completed_at=_at(date(2026, 9, 3), 8)
    )
    # completed at 00:30 on Saturday 29/8 local time (still Friday 28/8 in UTC, as stored),
    # due Friday
    after_midnight = _lead(
        cast,
        done=True,
        due_date=date(2026, 8, 28),
        completed_at=datetime(2026, 8, 28, 17, 30, tzinfo=UTC),
    )
    # completed at 23:30 on its due day, and one without a due date
    last_minute = _lead(
        cast, done=True, due_date=date(2026, 8, 27), completed_at=_at(date(2026, 8, 27), 23, 30)
    )
    no_due = _lead(cast, done=True, due_date=None, completed_at=_at(date(2026, 8, 27)))
    # and co-handling completed late, which the on-time figures do not count
    _lead(
        cast,
        done=True,
        role=AssignmentRole.CO,
        due_date=date(2026, 8, 20),
        completed_at=_at(date(2026, 8, 27)),
    )
    # when the figures of August and September are read
    figures = _figures(cast, cast.specialist, scope="person")
    # then two were late and three on time
    assert (figures.done_on_time, figures.done_late) == (3, 2)
    assert _listed(cast, cast.specialist, m.Group.DONE_LATE, scope="person") == sorted(
        [late.pk, after_midnight.pk]
    )
    assert _listed(cast, cast.specialist, m.Group.DONE_ON_TIME, scope="person") == sorted(
        [weekend.pk, last_minute.pk, no_due.pk]
    )


@time_machine.travel(NOW, tick=False)
def test_average_handling_time_counts_working_days_with_swaps_and_holidays(cast):
    # given work assigned Friday 21/8 and completed Thursday 3/9: the working days after the
    # 21st are Saturday 22/8 (swapped), 24-28/8 and 3/9; 31/8, 1/9 and 2/9 are off
    _lead(cast, done=True, assigned_at=_at(date(2026, 8, 21)), completed_at=_at(date(2026, 9, 3)))
    # and work assigned Friday 28/8 and completed Thursday 3/9 (one working day)
    _lead(cast, done=True, assigned_at=_at(date(2026, 8, 28)), completed_at=_at(date(2026, 9, 3)))
    # and work completed the day it was assigned (no working day)
    _lead(cast, done=True, assigned_at=_at(date(2026, 9, 3), 8), completed_at=_at(date(2026, 9, 3)))
    # when the figures are read
    figures = _figures(cast, cast.specialist, scope="person")
    # then the average is (7 + 1 + 0) / 3 working days
    assert figures.done == 3
    assert figures.average_handling_days == pytest.approx(2.7)


@time_machine.travel(NOW, tick=False)
def test_the_period_bounds_assigned_and_done_but_not_what_is_open(cast):
    # given work assigned in July and still open, and work assigned and done in July
    old_open = _lead(cast, assigned_at=_at(date(2026, 7, 10)), due_date=date(2026, 7, 31))
    _lead(
        cast,
        done=True,
        assigned_at=_at(date(2026, 7, 10)),
        completed_at=_at(date(2026, 7, 20)),
        due_date=date(2026, 7, 31),
    )
    # and work assigned on the last evening of August, local time (UTC: still the 31st)
    evening = _lead(cast, assigned_at=_at(date(2026, 8, 31), 23, 0), due_date=date(2026, 9, 30))
    cancelled = _lead(cast, assigned_at=_at(date(2026, 8, 10)), state=AssignmentState.CANCELLED)
    # when the figures of August alone are read
    august = m.Period(date(2026, 8, 1), date(2026, 8, 31))
    figures = _figures(cast, cast.specialist, period=august, scope="person")
    # then only the evening one was assigned in August (the cancelled one does not count)
    assert figures.assigned == 1
    assert _listed(cast, cast.specialist, m.Group.ASSIGNED, period=august, scope="person") == [
        evening.pk
    ]
    assert cancelled.pk not in _listed(
        cast, cast.specialist, m.Group.ASSIGNED, period=august, scope="person"
    )
    # and nothing was done in August, but July's open work is still overdue today
    assert figures.done == 0
    assert figures.average_handling_days is None
    assert figures.overdue == 1
    assert _listed(cast, cast.specialist, m.Group.OVERDUE, period=august, scope="person") == [
        old_open.pk
    ]


# --- Scopes: the same work seen by the agency, the unit and the person --------------------


@time_machine.travel(NOW, tick=False)
def test_passed_down_work_counts_once_for_the_agency_and_for_the_unit_and_the_person(cast):
    # given a direction through the services: Phòng BCVT leads, the office co-handles
    incoming = _in_progress_document(cast)
    lead, co = _direct(cast, incoming)
    # and the unit head passes the lead to the specialist
    (child,) = h.assignment_delegate(
        actor=cast.actor(cast.unit_head),
        assignment_id=lead.pk,
        assignees=[h.AssigneeData(AssignmentRole.LEAD, person_id=cast.specialist.pk)],
    )
    # when the leader reads the agency's figures for September
    actor = cast.actor(cast.leader)
    september = m.Period.month_of(TODAY)
    agency = m.monitoring_target_get(actor=actor, scope="agency")
    summary = m.monitoring_summary(actor=actor, target=agency, period=september, today=TODAY)
    # then the document's lead and co-handling count once each, not the passed-down copy
    assert (summary.figures.assigned, summary.figures.in_progress) == (2, 2)
    rows = {row.name: row.figures for row in summary.breakdown}
    assert rows[cast.unit_a.name].assigned == 1
    assert rows[cast.office_a.name].assigned == 1
    # and the unit shows its lead, and the specialist's line in the unit shows the copy
    unit = m.monitoring_target_get(actor=actor, scope="unit", unit_id=cast.unit_a.pk)
    unit_summary = m.monitoring_summary(actor=actor, target=unit, period=september, today=TODAY)
    assert unit_summary.figures.in_progress == 1
    people = {row.id: row.figures for row in unit_summary.breakdown}
    assert people[cast.specialist.pk].in_progress == 1
    assert people[cast.unit_head.pk].in_progress == 0
    assert _listed(cast, cast.leader, m.Group.IN_PROGRESS, scope="agency") == sorted(
        [lead.pk, co.pk]
    )
    assert _listed(cast, cast.specialist, m.Group.IN_PROGRESS, scope="person") == [child.pk]


@time_machine.travel(NOW, tick=False)
def test_work_a_unit_passes_to_another_unit_counts_once_for_the_agency_and_for_both(cast):
    # given the lead given to Phòng BCVT, which passes it on to the office (a unit)
    incoming = _in_progress_document(cast)
    lead, _co = _direct(cast, incoming)
    (passed,) = h.assignment_delegate(
        actor=cast.actor(cast.unit_head),
        assignment_id=lead.pk,
        assignees=[h.AssigneeData(AssignmentRole.LEAD, unit_id=cast.office_a.pk)],
    )
    # when the leader reads the agency's figures
    actor = cast.actor(cast.leader)
    summary = m.monitoring_summary(
        actor=actor,
        target=m.monitoring_target_get(actor=actor, scope="agency"),
        period=m.Period.month_of(TODAY),
        today=TODAY,
    )
    # then the agency counts the lead and the co-handling once each
    assert (summary.figures.assigned, summary.figures.in_progress) == (2, 2)
    # and each unit's line shows its own part: the office co-handles and leads the passed work
    lines = {row.id: row.figures for row in summary.breakdown}
    assert (lines[cast.unit_a.pk].assigned, lines[cast.office_a.pk].assigned) == (1, 2)
    assert passed.pk in _listed(
        cast, cast.leader, m.Group.IN_PROGRESS, scope="unit", unit_id=cast.office_a.pk
    )


@time_machine.travel(NOW, tick=False)
def test_completing_through_the_services_counts_as_done_for_every_scope(cast):
    # given a direction passed down to the specialist, who completes it today
    incoming = _in_progress_document(cast)
    lead, _co = _direct(cast, incoming)
    (child,) = h.assignment_delegate(
        actor=cast.actor(cast.unit_head),
        assignment_id=lead.pk,
        assignees=[h.AssigneeData(AssignmentRole.LEAD, person_id=cast.specialist.pk)],
    )
    h.assignment_accept(actor=cast.actor(cast.specialist), assignment_id=child.pk)
    h.assignment_complete(
        actor=cast.actor(cast.specialist), assignment_id=child.pk, result="Đã tham mưu."
    )
    # when each scope is read
    september = m.Period.month_of(TODAY)
    agency = _figures(cast, cast.leader, period=september, scope="agency")
    unit = _figures(cast, cast.unit_head, period=september, scope="unit")
    person = _figures(cast, cast.specialist, period=september, scope="person")
    # then the lead is done on time at each level, and only the co-handling is still open
    assert (agency.done_on_time, agency.in_progress) == (1, 1)
    assert (unit.done_on_time, unit.in_progress) == (1, 0)
    assert (person.done_on_time, person.in_progress) == (1, 0)
    assert agency.average_handling_days == 0


def test_completing_late_through_the_services_records_it_for_the_figures(cast):
    # given work directed on Thursday 27/8, due Friday 28/8, passed to the specialist
    with time_machine.travel(_at(date(2026, 8, 27)), tick=False):
        incoming = _in_progress_document(cast)
        lead, _co = _direct(cast, incoming, due=date(2026, 8, 28))
        (child,) = h.assignment_delegate(
            actor=cast.actor(cast.unit_head),
            assignment_id=lead.pk,
            assignees=[h.AssigneeData(AssignmentRole.LEAD, person_id=cast.specialist.pk)],
        )
        h.assignment_accept(actor=cast.actor(cast.specialist), assignment_id=child.pk)
    # when the specialist completes it on Thursday 3/9, after five days off
    with time_machine.travel(NOW, tick=False):
        h.assignment_complete(
            actor=cast.actor(cast.specialist), assignment_id=child.pk, result="Đã tham mưu."
        )
    # then both the specialist's and the unit's assignments record it late, after two working
    # days (Friday 28/8 and Thursday 3/9)
    for done in Assignment.objects.filter(pk__in=[lead.pk, child.pk]):
        assert (done.completed_late, done.handling_days) == (True, 2)
    # and the agency counts it once, late
    figures = _figures(cast, cast.leader, scope="agency")
    assert (figures.done_on_time, figures.done_late, figures.average_handling_days) == (0, 1, 2)


def test_the_migration_records_the_facts_of_work_completed_before_it(cast):
    # given work completed late before the facts were recorded
    import importlib

    from django.apps import apps

    old = _lead(
        cast,
        done=True,
        due_date=date(2026, 8, 28),
        completed_at=_at(date(2026, 9, 3)),
        completed_late=None,
        handling_days=None,
    )
    # when the migration's backfill runs
    migration = importlib.import_module("vanthu.workflow.migrations.0004_assignment_monitoring")
    migration.completion_facts_backfill(apps, None)
    # then the work is recorded late, with its working days (21/8 → 3/9: 7)
    old.refresh_from_db()
    assert (old.completed_late, old.handling_days) == (True, 7)


def _in_progress_document(cast):
    from vanthu.registry.tests.factories import IncomingDocumentFactory

    incoming = IncomingDocumentFactory(
        agency=cast.agency_a, registered_by=cast.clerk, registered=True
    )
    h.submission_create(
        actor=cast.actor(cast.clerk), incoming_id=incoming.pk, leader_id=cast.leader.pk
    )
    return incoming


def _direct(cast, incoming, *, due=date(2026, 9, 15)):
    submission = incoming.submissions.get()
    lead, co = h.direction_give(
        actor=cast.actor(cast.leader),
        submission_id=submission.pk,
        note="Phòng BCVT chủ trì; Văn phòng phối hợp.",
        assignees=[
            h.AssigneeData(AssignmentRole.LEAD, unit_id=cast.unit_a.pk),
            h.AssigneeData(AssignmentRole.CO, unit_id=cast.office_a.pk),
        ],
        due_date=due,
    )
    return lead, co


# --- Who may see which scope ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("leader", True),
        ("clerk", True),
        ("agency_admin", True),
        ("unit_head", False),
        ("specialist", False),
        ("archivist", False),
        ("system_admin", False),
    ],
)
def test_agency_scope_is_for_leaders_clerks_and_administrators(cast, persona, allowed):
    # given a persona of agency A
    actor = cast.actor(getattr(cast, persona))
    # when they ask for the agency's figures
    if allowed:
        target = m.monitoring_target_get(actor=actor, scope="agency")
        # then they get agency A's
        assert target.agency == cast.agency_a
    else:
        # then the scope is not found
        with pytest.raises(NotFound):
            m.monitoring_target_get(actor=actor, scope="agency")


@pytest.mark.parametrize(
    ("persona", "unit", "allowed"),
    [
        ("unit_head", "unit_a", True),
        ("unit_head", "office_a", False),
        ("leader", "office_a", True),
        ("agency_admin", "unit_a", True),
        ("clerk", "unit_a", False),
        ("specialist", "unit_a", False),
        ("outsider", "unit_a", False),
        ("outsider_admin", "unit_a", False),
        ("leader", "unit_b", False),
    ],
)
def test_unit_scope_is_for_its_heads_and_the_agencys_leaders(cast, persona, unit, allowed):
    # given a persona and a unit
    actor = cast.actor(getattr(cast, persona))
    unit_id = getattr(cast, unit).pk
    # when they ask for the unit's figures
    if allowed:
        assert m.monitoring_target_get(actor=actor, scope="unit", unit_id=unit_id).unit.pk == (
            unit_id
        )
    else:
        # then another agency's unit, or one they do not head, is not found
        with pytest.raises(NotFound):
            m.monitoring_target_get(actor=actor, scope="unit", unit_id=unit_id)


@pytest.mark.parametrize(
    ("persona", "person", "allowed"),
    [
        ("specialist", "specialist", True),
        ("unit_head", "specialist", True),
        ("unit_head", "archivist", False),
        ("leader", "archivist", True),
        ("clerk", "specialist", False),
        ("agency_admin", "specialist", False),
        ("specialist", "unit_head", False),
        ("outsider", "specialist", False),
        ("leader", "outsider", False),
    ],
)
def test_person_scope_is_for_oneself_one_s_unit_head_and_leaders(cast, persona, person, allowed):
    # given a persona and a person
    actor = cast.actor(getattr(cast, persona))
    person_id = getattr(cast, person).pk
    # when they ask for the person's figures
    if allowed:
        target = m.monitoring_target_get(actor=actor, scope="person", person_id=person_id)
        assert target.person.pk == person_id
    else:
        with pytest.raises(NotFound):
            m.monitoring_target_get(actor=actor, scope="person", person_id=person_id)


def test_without_a_scope_each_persona_gets_the_widest_they_may_see(cast):
    # when each persona asks without a scope, then they get the widest one
    assert m.monitoring_target_get(actor=cast.actor(cast.leader)).scope == m.Scope.AGENCY
    head = m.monitoring_target_get(actor=cast.actor(cast.unit_head))
    assert (head.scope, head.unit) == (m.Scope.UNIT, cast.unit_a)
    own = m.monitoring_target_get(actor=cast.actor(cast.specialist))
    assert (own.scope, own.person) == (m.Scope.PERSON, cast.specialist)
    # and someone who acts for no agency sees nothing
    with pytest.raises(NotFound):
        m.monitoring_target_get(actor=cast.actor(cast.system_admin))


def test_a_leader_must_name_the_unit(cast):
    # when a leader (who heads no unit) asks for unit scope without a unit
    with pytest.raises(ValidationFailed) as raised:
        m.monitoring_target_get(actor=cast.actor(cast.leader), scope="unit")
    # then they are asked to choose one
    assert "chọn đơn vị" in raised.value.message


@time_machine.travel(NOW, tick=False)
def test_the_agency_breakdown_lists_every_unit_and_the_unit_breakdown_its_people(cast):
    # given a second specialist in Phòng BCVT with overdue work
    colleague = PersonFactory(
        agency=cast.agency_a, roles=[Role.SPECIALIST], roles__unit=cast.unit_a
    )
    _lead(cast, assignee=colleague, due_date=date(2026, 8, 20))
    _lead(cast, assignee=None, assignee_unit=cast.unit_a, due_date=date(2026, 8, 20))
    UnitFactory(agency=cast.agency_a, name="Phòng đã giải thể", is_active=False)
    # when the leader reads the agency, and the head reads the unit
    leader = cast.actor(cast.leader)
    summary = m.monitoring_summary(
        actor=leader,
        target=m.monitoring_target_get(actor=leader, scope="agency"),
        period=AUGUST_SEPTEMBER,
        today=TODAY,
    )
    head = cast.actor(cast.unit_head)
    unit = m.monitoring_summary(
        actor=head,
        target=m.monitoring_target_get(actor=head),
        period=AUGUST_SEPTEMBER,
        today=TODAY,
    )
    # then the agency lists its active units; the overdue unit work is on Phòng BCVT's line
    assert [row.name for row in summary.breakdown] == sorted([cast.unit_a.name, cast.office_a.name])
    assert {row.name: row.figures.overdue for row in summary.breakdown}[cast.unit_a.name] == 1
    # and the unit lists its people, each with their own work; the head opens each line
    lines = {row.id: row for row in unit.breakdown}
    assert set(lines) == {cast.unit_head.pk, cast.specialist.pk, colleague.pk}
    assert lines[colleague.pk].figures.overdue == 1
    assert unit.figures.overdue == 1
    assert all(row.is_open for row in unit.breakdown)


@time_machine.travel(NOW, tick=False)
def test_a_clerk_sees_the_units_lines_but_cannot_open_them(cast):
    # when the clerk reads the agency's figures
    clerk = cast.actor(cast.clerk)
    summary = m.monitoring_summary(
        actor=clerk,
        target=m.monitoring_target_get(actor=clerk, scope="agency"),
        period=AUGUST_SEPTEMBER,
        today=TODAY,
    )
    # then no unit line links to a page the clerk would be refused
    assert summary.breakdown
    assert not any(row.is_open for row in summary.breakdown)


# --- The period -----------------------------------------------------------------------------


def test_the_default_period_is_this_month_and_one_bound_fills_the_other():
    # then no bounds give the month, a start gives its month, an end the start of its month
    assert m.period_make(start=None, end=None, today=TODAY) == m.Period(
        date(2026, 9, 1), date(2026, 9, 30)
    )
    assert m.period_make(start=date(2026, 2, 10), end=None, today=TODAY) == m.Period(
        date(2026, 2, 10), date(2026, 2, 28)
    )
    assert m.period_make(start=None, end=date(2026, 12, 15), today=TODAY) == m.Period(
        date(2026, 12, 1), date(2026, 12, 15)
    )


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (date(2026, 9, 10), date(2026, 9, 1), "trước hoặc bằng"),
        (date(2025, 1, 1), date(2026, 1, 2), "tối đa 366 ngày"),
    ],
)
def test_a_reversed_or_too_long_period_is_refused(start, end, message):
    # when the period is reversed or longer than a year
    with pytest.raises(ValidationFailed) as raised:
        m.period_make(start=start, end=end, today=TODAY)
    # then it is refused with a reason
    assert message in raised.value.message
