"""Direction and handling of incoming documents: the path, the state machine, permissions."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from vanthu.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from vanthu.core.models import JournalEntry
from vanthu.registry.choices import IncomingStatus, OutgoingStatus, Urgency
from vanthu.registry.tests.factories import IncomingDocumentFactory, OutgoingDocumentFactory
from vanthu.workflow import handling as h
from vanthu.workflow.choices import (
    AssignmentRole,
    AssignmentState,
    ExtensionState,
    NotificationKind,
    SubmissionState,
)
from vanthu.workflow.models import Assignment, ExtensionRequest, Notification, Step, Submission
from vanthu.workflow.states import ASSIGNMENT

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
LEAD, CO, INFO = AssignmentRole.LEAD, AssignmentRole.CO, AssignmentRole.INFO


def _incoming(cast, **kwargs):
    return IncomingDocumentFactory(
        agency=cast.agency_a, registered_by=cast.clerk, registered=True, **kwargs
    )


def _submitted(cast, **kwargs):
    incoming = _incoming(cast, **kwargs)
    return h.submission_create(
        actor=cast.actor(cast.clerk), incoming_id=incoming.pk, leader_id=cast.leader.pk
    )


def _directed(cast, *, lines=None, **kwargs):
    submission = _submitted(cast, **kwargs)
    return h.direction_give(
        actor=cast.actor(cast.leader),
        submission_id=submission.pk,
        note="Giao Phòng BCVT chủ trì, tham mưu văn bản trả lời.",
        assignees=lines or [h.AssigneeData(LEAD, unit_id=cast.unit_a.pk)],
        due_working_days=5,
    )


def _state():
    return (
        list(Assignment.objects.order_by("id").values()),
        list(Submission.objects.order_by("id").values()),
        Step.objects.count(),
        JournalEntry.objects.count(),
    )


# --- The whole path ----------------------------------------------------------------------


def test_clerk_leader_unit_head_specialist_path_closes_the_document(cast):
    # given an urgent document presented to the leader
    submission = _submitted(cast, urgency=Urgency.URGENT)
    assert submission.is_urgent
    assert Notification.objects.get(person=cast.leader).is_urgent
    # when the leader directs: the unit leads, the specialist co-handles, the archivist is told
    lead, _co, info = h.direction_give(
        actor=cast.actor(cast.leader),
        submission_id=submission.pk,
        note="Phòng BCVT chủ trì; báo cáo trước hạn.",
        assignees=[
            h.AssigneeData(LEAD, unit_id=cast.unit_a.pk),
            h.AssigneeData(CO, person_id=cast.specialist.pk),
            h.AssigneeData(INFO, person_id=cast.archivist.pk),
        ],
        due_date=date(2099, 1, 5),
    )
    incoming = lead.incoming
    incoming.refresh_from_db()
    assert (incoming.status, incoming.due_date) == (IncomingStatus.IN_PROGRESS, date(2099, 1, 5))
    # the unit head is told, and passes the work to the specialist
    assert Notification.objects.filter(person=cast.unit_head, kind=NotificationKind.ASSIGNED)
    (child,) = h.assignment_delegate(
        actor=cast.actor(cast.unit_head),
        assignment_id=lead.pk,
        assignees=[h.AssigneeData(LEAD, person_id=cast.specialist.pk)],
        note="Em dự thảo văn bản trả lời.",
    )
    specialist = cast.actor(cast.specialist)
    h.assignment_accept(actor=specialist, assignment_id=child.pk)
    h.assignment_progress(actor=specialist, assignment_id=child.pk, note="Đã làm việc với VNPT.")
    h.assignment_close(actor=cast.actor(cast.archivist), assignment_id=info.pk)
    reply = OutgoingDocumentFactory(agency=cast.agency_a, created_by=cast.clerk, issued=True)
    h.assignment_complete(
        actor=specialist, assignment_id=child.pk, result="Đã trả lời.", reply_id=reply.pk
    )
    # then the lead chain is done, the reply linked, and the document closed
    lead.refresh_from_db()
    assert (lead.state, lead.reply) == (AssignmentState.DONE, reply)
    incoming.refresh_from_db()
    assert incoming.status == IncomingStatus.DONE
    # and the timeline tells it in order
    assert list(Step.objects.filter(incoming=incoming).values_list("action", flat=True)) == [
        "submit",
        "direct",
        "assign",
        "assign",
        "assign",
        "assign",
        "accept",
        "progress",
        "close",
        "complete",
        "complete",
        "done",
    ]


def test_working_day_due_dates_skip_weekends_and_holidays(cast):
    # Friday 28 August 2026 + 3 working days: the weekend, 31 August (a day off given for
    # Saturday 22 August) and 1-2 September (Quốc khánh) are skipped: Thursday 3, Friday 4,
    # Monday 7 September.
    with time_machine.travel(datetime(2026, 8, 28, 9, 0, tzinfo=HCM), tick=False):
        (lead,) = _directed(cast)
        assert lead.due_date is not None
        submission = _submitted(cast)
        (other,) = h.direction_give(
            actor=cast.actor(cast.leader),
            submission_id=submission.pk,
            note="",
            assignees=[h.AssigneeData(LEAD, unit_id=cast.unit_a.pk)],
            due_working_days=3,
        )
    assert other.due_date == date(2026, 9, 7)


# --- Refusals --------------------------------------------------------------------------------


def test_a_direction_needs_exactly_one_lead_of_this_agency(cast):
    submission = _submitted(cast)
    leader = cast.actor(cast.leader)
    for lines in (
        [h.AssigneeData(CO, unit_id=cast.unit_a.pk)],
        [
            h.AssigneeData(LEAD, unit_id=cast.unit_a.pk),
            h.AssigneeData(LEAD, person_id=cast.specialist.pk),
        ],
        [h.AssigneeData(LEAD, unit_id=cast.unit_b.pk)],
        [h.AssigneeData(LEAD, person_id=cast.outsider.pk)],
        [h.AssigneeData(LEAD)],
    ):
        before = _state()
        with pytest.raises(ValidationFailed):
            h.direction_give(actor=leader, submission_id=submission.pk, note="", assignees=lines)
        assert _state() == before
    with pytest.raises(ValidationFailed):
        h.direction_give(
            actor=leader,
            submission_id=submission.pk,
            note="",
            assignees=[h.AssigneeData(LEAD, unit_id=cast.unit_a.pk)],
            due_date=date(2000, 1, 1),
        )


def test_only_the_clerk_presents_and_only_to_a_leader_once(cast):
    incoming = _incoming(cast)
    with pytest.raises(PermissionDenied):
        h.submission_create(
            actor=cast.actor(cast.specialist), incoming_id=incoming.pk, leader_id=cast.leader.pk
        )
    with pytest.raises(NotFound):
        h.submission_create(
            actor=cast.actor(cast.outsider), incoming_id=incoming.pk, leader_id=cast.leader.pk
        )
    with pytest.raises(ValidationFailed):
        h.submission_create(
            actor=cast.actor(cast.clerk), incoming_id=incoming.pk, leader_id=cast.specialist.pk
        )
    h.submission_create(
        actor=cast.actor(cast.clerk), incoming_id=incoming.pk, leader_id=cast.leader.pk
    )
    with pytest.raises(InvalidTransition):
        h.submission_create(
            actor=cast.actor(cast.clerk), incoming_id=incoming.pk, leader_id=cast.leader.pk
        )


def test_only_the_leader_it_was_presented_to_directs(cast):
    submission = _submitted(cast)
    lines = [h.AssigneeData(LEAD, unit_id=cast.unit_a.pk)]
    for persona, error in (("unit_head", PermissionDenied), ("outsider", NotFound)):
        with pytest.raises(error):
            h.direction_give(
                actor=cast.actor(getattr(cast, persona)),
                submission_id=submission.pk,
                note="",
                assignees=lines,
            )
    h.submission_withdraw(actor=cast.actor(cast.clerk), submission_id=submission.pk)
    with pytest.raises(InvalidTransition):
        h.direction_give(
            actor=cast.actor(cast.leader), submission_id=submission.pk, note="", assignees=lines
        )
    assert Submission.objects.get().state == SubmissionState.WITHDRAWN


# --- Every transition of the assignment table -------------------------------------------------


def _run(cast, assignment: Assignment, action: str) -> None:
    unit_head = cast.actor(cast.unit_head)
    leader = cast.actor(cast.leader)
    match action:
        case "accept":
            h.assignment_accept(actor=unit_head, assignment_id=assignment.pk)
        case "return":
            h.assignment_return(actor=unit_head, assignment_id=assignment.pk, reason="Không đúng")
        case "delegate":
            h.assignment_delegate(
                actor=unit_head,
                assignment_id=assignment.pk,
                assignees=[h.AssigneeData(assignment.role, person_id=cast.specialist.pk)],
            )
        case "close":
            h.assignment_close(actor=unit_head, assignment_id=assignment.pk)
        case "cancel":
            h.assignment_reassign(
                actor=leader,
                assignment_id=assignment.pk,
                assignee=h.AssigneeData(assignment.role, person_id=cast.specialist.pk),
            )
        case "progress":
            h.assignment_progress(actor=unit_head, assignment_id=assignment.pk, note="Tiến độ")
        case "complete":
            h.assignment_complete(actor=unit_head, assignment_id=assignment.pk, result="Xong")


ACTIONS = ["accept", "return", "delegate", "close", "cancel", "progress", "complete"]


@pytest.mark.parametrize("state", AssignmentState.values)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_transition_is_allowed_or_refused_with_nothing_changed(cast, state, action):
    (assignment,) = _directed(cast)
    role = INFO if action == "close" else LEAD
    Assignment.objects.filter(pk=assignment.pk).update(state=state, role=role)
    assignment.refresh_from_db()
    target = ASSIGNMENT.get((state, action))
    # Completing a delegated assignment is done by the one it was passed to (tested above).
    if target is not None and not (state == AssignmentState.DELEGATED and action == "complete"):
        _run(cast, assignment, action)
        assignment.refresh_from_db()
        assert assignment.state == target
    else:
        before = _state()
        with pytest.raises(InvalidTransition):
            _run(cast, assignment, action)
        assert _state() == before


@pytest.mark.parametrize("persona", ["clerk", "specialist", "archivist", "agency_admin"])
def test_people_who_are_not_the_assignee_cannot_act(cast, persona):
    (assignment,) = _directed(cast)
    before = _state()
    with pytest.raises(PermissionDenied):
        h.assignment_accept(actor=cast.actor(getattr(cast, persona)), assignment_id=assignment.pk)
    with pytest.raises(NotFound):
        h.assignment_accept(actor=cast.actor(cast.outsider), assignment_id=assignment.pk)
    assert _state() == before


# --- Extensions, co-handlers ----------------------------------------------------------------


def test_extension_is_asked_by_the_assignee_and_decided_by_the_assigner(cast):
    (assignment,) = _directed(cast)
    unit_head = cast.actor(cast.unit_head)
    h.assignment_accept(actor=unit_head, assignment_id=assignment.pk)
    later = date(2099, 12, 31)
    request = h.extension_request(
        actor=unit_head, assignment_id=assignment.pk, requested_due=later, reason="Chờ số liệu"
    )
    with pytest.raises(InvalidTransition):
        h.extension_request(
            actor=unit_head, assignment_id=assignment.pk, requested_due=later, reason="Lần 2"
        )
    with pytest.raises(PermissionDenied):
        h.extension_decide(actor=unit_head, request_id=request.pk, approve=True)
    h.extension_decide(actor=cast.actor(cast.leader), request_id=request.pk, approve=True)
    assignment.refresh_from_db()
    assert assignment.due_date == later
    assert ExtensionRequest.objects.get().state == ExtensionState.APPROVED
    assert Notification.objects.filter(
        person=cast.unit_head, kind=NotificationKind.EXTENSION_DECIDED
    ).exists()
    with pytest.raises(InvalidTransition):
        h.extension_decide(actor=cast.actor(cast.leader), request_id=request.pk, approve=False)


def test_the_lead_asks_the_co_handlers_for_input(cast):
    lead, _co = _directed(
        cast,
        lines=[
            h.AssigneeData(LEAD, unit_id=cast.unit_a.pk),
            h.AssigneeData(CO, person_id=cast.specialist.pk),
        ],
    )
    unit_head = cast.actor(cast.unit_head)
    with pytest.raises(InvalidTransition):
        h.assignment_input_request(actor=unit_head, assignment_id=lead.pk, question="Ý kiến?")
    h.assignment_accept(actor=unit_head, assignment_id=lead.pk)
    assert (
        h.assignment_input_request(actor=unit_head, assignment_id=lead.pk, question="Ý kiến?") == 1
    )
    assert Notification.objects.filter(
        person=cast.specialist, kind=NotificationKind.INPUT_REQUESTED
    ).exists()


def test_a_reply_of_another_agency_or_revoked_is_refused(cast):
    (assignment,) = _directed(cast)
    unit_head = cast.actor(cast.unit_head)
    h.assignment_accept(actor=unit_head, assignment_id=assignment.pk)
    foreign = OutgoingDocumentFactory(agency=cast.agency_b, created_by=cast.outsider, issued=True)
    revoked = OutgoingDocumentFactory(
        agency=cast.agency_a, created_by=cast.clerk, issued=True, status=OutgoingStatus.REVOKED
    )
    for reply in (foreign, revoked):
        with pytest.raises(ValidationFailed):
            h.assignment_complete(
                actor=unit_head, assignment_id=assignment.pk, result="x", reply_id=reply.pk
            )
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.IN_PROGRESS
