"""Handling and direction of incoming documents (NĐ 30/2020 Điều 23, 24; QĐ 22 Điều 6.1, 12).

The clerk presents a registered document to a leader (urgent ones first); the leader writes a
direction and assigns a lead (chủ trì), co-handlers (phối hợp) and people or units to inform
(để biết), with a due date in working days or a date. An assignee accepts, passes the work down
the unit tree, returns it, records progress, asks co-handlers for input, asks for more time, and
completes with a result (a reply outgoing document linked to it) or closes a for-information
item. Every state change goes through `states.ASSIGNMENT`, on a locked row; every step is
journalled and added to the document's timeline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone

from vanthu.core.actor import Actor
from vanthu.core.calendar import working_calendar
from vanthu.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from vanthu.core.journal import journal_record, snapshot
from vanthu.core.text import normalize_text
from vanthu.organizations.choices import Role
from vanthu.organizations.models import Person, RoleGrant, Unit
from vanthu.registry.choices import FileRole, IncomingStatus, OutgoingStatus, Urgency
from vanthu.registry.files import upload_inspect
from vanthu.registry.models import IncomingDocument, OutgoingDocument
from vanthu.registry.permissions import can_view_documents
from vanthu.registry.stored_files import Saved, document_file_store, stored_files_remove
from vanthu.workflow.choices import (
    AssignmentRole,
    AssignmentState,
    ExtensionState,
    NotificationKind,
    SubmissionState,
)
from vanthu.workflow.models import Assignment, ExtensionRequest, Submission
from vanthu.workflow.notify import notify
from vanthu.workflow.signals import handling_stage_reached
from vanthu.workflow.states import ASSIGNMENT, SUBMISSION, transition
from vanthu.workflow.timeline import step_record
from vanthu.workflow.timing import completion_facts

NOT_FOUND = "Không tìm thấy."
INVALID = "Thông tin xử lý văn bản chưa hợp lệ."
NOTE_LIMIT = 4000
OPEN_STATES = (AssignmentState.NEW, AssignmentState.IN_PROGRESS, AssignmentState.DELEGATED)
ASSIGNMENT_LABELS = dict(AssignmentState.choices)
SUBMISSION_LABELS = dict(SubmissionState.choices)


@dataclass(frozen=True, slots=True)
class AssigneeData:
    """One line of a direction: a unit (its head picks the handler) or a person, in a role."""

    role: str
    unit_id: int | None = None
    person_id: int | None = None


# --- Helpers ---------------------------------------------------------------------------------


def incoming_link(incoming_id: int) -> str:
    """Return the path of an incoming document's page (for notices)."""
    return f"/van-ban/den/{incoming_id}/"


def _note(value: str, field: str, *, required: bool = False) -> str:
    text = normalize_text(value or "", field=field)
    if required and not text:
        raise ValidationFailed(INVALID, fields={field: ["Trường này không được để trống."]})
    if len(text) > NOTE_LIMIT:
        raise ValidationFailed(INVALID, fields={field: [f"Tối đa {NOTE_LIMIT} ký tự."]})
    return text


def _journal(
    actor: Actor,
    action: str,
    instance: Model,
    agency_id: int,
    before: dict[str, Any] | None = None,
) -> None:
    journal_record(
        actor=actor,
        action=action,
        instance=instance,
        agency_id=agency_id,
        before=before,
        after=snapshot(instance),
    )


def _unit_heads(unit_id: int) -> list[int]:
    return list(
        RoleGrant.objects.filter(unit_id=unit_id, role=Role.UNIT_HEAD, person__is_active=True)
        .values_list("person_id", flat=True)
        .distinct()
    )


def _recipients(assignment: Assignment) -> list[int]:
    """The people who act on an assignment: its person, or the heads of its unit."""
    if assignment.assignee_id is not None:
        return [assignment.assignee_id]
    if assignment.assignee_unit_id is not None:
        return _unit_heads(assignment.assignee_unit_id)
    return []


def is_assignee(actor: Actor, assignment: Assignment) -> bool:
    """Return whether the actor acts on the assignment (its person, or its unit's head)."""
    if actor.person_id is None:
        return False
    if assignment.assignee_id is not None:
        return assignment.assignee_id == actor.person_id
    unit_id = assignment.assignee_unit_id
    return unit_id is not None and actor.has_role(
        Role.UNIT_HEAD, agency_id=assignment.agency_id, unit_id=unit_id
    )


def is_assigner(actor: Actor, assignment: Assignment) -> bool:
    """Return whether the actor gave the assignment (or leads the agency)."""
    if actor.person_id is None:
        return False
    return assignment.assigned_by_id == actor.person_id or actor.has_role(
        Role.LEADER, agency_id=assignment.agency_id
    )


def _due(agency_id: int, *, due_date: date | None, working_days: int | None) -> date | None:
    today = timezone.localdate()
    if working_days is not None:
        if not 0 < working_days <= 365:
            raise ValidationFailed(
                INVALID, fields={"due_working_days": ["Số ngày làm việc từ 1 đến 365."]}
            )
        from vanthu.organizations.models import Agency

        agency = Agency.objects.get(pk=agency_id)
        return working_calendar(sessions=agency.office_sessions).add_working_days(
            today, working_days
        )
    if due_date is not None and due_date < today:
        raise ValidationFailed(INVALID, fields={"due_date": ["Hạn xử lý đã qua."]})
    return due_date


def _clean_assignees(agency_id: int, lines: Sequence[AssigneeData]) -> list[AssigneeData]:
    errors: dict[str, list[str]] = {}
    seen: set[tuple[int | None, int | None]] = set()
    for index, line in enumerate(lines):
        key = f"assignees[{index}]"
        if line.role not in AssignmentRole.values:
            errors[key] = ["Vai trò không hợp lệ."]
            continue
        if (line.unit_id is None) == (line.person_id is None):
            errors[key] = ["Chọn một đơn vị hoặc một người."]
            continue
        if (
            line.unit_id is not None
            and not Unit.objects.filter(
                pk=line.unit_id, agency_id=agency_id, is_active=True
            ).exists()
        ):
            errors[key] = ["Đơn vị không thuộc cơ quan."]
        if (
            line.person_id is not None
            and not RoleGrant.objects.filter(
                person_id=line.person_id, agency_id=agency_id, person__is_active=True
            ).exists()
        ):
            errors[key] = ["Người xử lý không thuộc cơ quan."]
        if (line.unit_id, line.person_id) in seen:
            errors[key] = ["Đơn vị hoặc người này đã có trong danh sách."]
        seen.add((line.unit_id, line.person_id))
    if errors:
        raise ValidationFailed(INVALID, fields=errors)
    return list(lines)


def _create_assignments(
    *,
    actor: Actor,
    incoming: IncomingDocument,
    lines: Sequence[AssigneeData],
    note: str,
    due_date: date | None,
    submission: Submission | None = None,
    parent: Assignment | None = None,
) -> list[Assignment]:
    now = timezone.now()
    person_id = actor.person_id
    if person_id is None:
        raise PermissionDenied("Chỉ cán bộ của cơ quan được giao xử lý.")
    created = []
    for line in lines:
        assignment = Assignment.objects.create(
            agency_id=incoming.agency_id,
            incoming=incoming,
            submission=submission,
            parent=parent,
            role=line.role,
            assignee_unit_id=line.unit_id,
            assignee_id=line.person_id,
            assigned_by_id=person_id,
            assigned_at=now,
            note=note,
            due_date=due_date,
        )
        created.append(assignment)
        _journal(actor, "workflow.assignment.create", assignment, incoming.agency_id)
        who = _assignee_name(assignment)
        step_record(
            actor=actor,
            agency_id=incoming.agency_id,
            action="assign",
            text=f"Giao {who} {assignment.get_role_display().lower()}"
            + (f", hạn {due_date:%d/%m/%Y}" if due_date else ""),
            note=note,
            incoming=incoming,
            assignment=assignment,
        )
        urgent = incoming.urgency != Urgency.NORMAL
        for recipient in _recipients(assignment):
            notify(
                person_id=recipient,
                kind=NotificationKind.ASSIGNED,
                title=f"{assignment.get_role_display()}: {incoming.summary}"[:300],
                link=incoming_link(incoming.pk),
                agency_id=incoming.agency_id,
                urgent=urgent,
            )
    return created


def _assignee_name(assignment: Assignment) -> str:
    if assignment.assignee_id is not None:
        return Person.objects.get(pk=assignment.assignee_id).full_name
    return Unit.objects.get(pk=assignment.assignee_unit_id or 0).name


def _locked_incoming(actor: Actor, incoming_id: int) -> IncomingDocument:
    incoming = IncomingDocument.objects.select_for_update().filter(pk=incoming_id).first()
    if incoming is None or not can_view_documents(actor, incoming.agency_id):
        raise NotFound(NOT_FOUND)
    return incoming


def _locked_assignment(actor: Actor, assignment_id: int) -> Assignment:
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("incoming")
        .filter(pk=assignment_id)
        .first()
    )
    if assignment is None or not can_view_documents(actor, assignment.agency_id):
        raise NotFound(NOT_FOUND)
    return assignment


def _move(actor: Actor, assignment: Assignment, action: str) -> dict[str, object]:
    """Check the transition first (nothing changes if refused); return the journal's before."""
    before = snapshot(assignment)
    assignment.state = transition(ASSIGNMENT, assignment.state, action, labels=ASSIGNMENT_LABELS)
    return before


# --- Presenting to a leader and directing ------------------------------------------------


def submission_create(
    *, actor: Actor, incoming_id: int, leader_id: int, note: str = ""
) -> Submission:
    """The clerk presents a registered document to a leader (urgent ones are flagged)."""
    text = _note(note, "note")
    with transaction.atomic():
        incoming = _locked_incoming(actor, incoming_id)
        if not actor.has_role(Role.CLERK, agency_id=incoming.agency_id):
            raise PermissionDenied("Chỉ văn thư trình văn bản cho lãnh đạo.")
        if incoming.status not in (IncomingStatus.REGISTERED, IncomingStatus.IN_PROGRESS):
            raise InvalidTransition("Văn bản đã xử lý xong hoặc đã thu hồi; không trình được.")
        if not RoleGrant.objects.filter(
            person_id=leader_id,
            agency_id=incoming.agency_id,
            role=Role.LEADER,
            person__is_active=True,
        ).exists():
            raise ValidationFailed(
                INVALID, fields={"leader_id": ["Hãy chọn lãnh đạo của cơ quan."]}
            )
        if Submission.objects.filter(incoming=incoming, state=SubmissionState.AWAITING).exists():
            raise InvalidTransition("Văn bản đang chờ lãnh đạo cho ý kiến.")
        assert actor.person_id is not None
        submission = Submission.objects.create(
            agency_id=incoming.agency_id,
            incoming=incoming,
            leader_id=leader_id,
            submitted_by_id=actor.person_id,
            submitted_at=timezone.now(),
            is_urgent=incoming.urgency != Urgency.NORMAL,
        )
        _journal(actor, "workflow.submission.create", submission, incoming.agency_id)
        leader = Person.objects.get(pk=leader_id)
        step_record(
            actor=actor,
            agency_id=incoming.agency_id,
            action="submit",
            text=f"Trình {leader.full_name}" + (" (khẩn)" if submission.is_urgent else ""),
            note=text,
            incoming=incoming,
        )
        notify(
            person_id=leader_id,
            kind=NotificationKind.SUBMITTED,
            title=f"Văn bản trình: {incoming.summary}"[:300],
            link=incoming_link(incoming.pk),
            agency_id=incoming.agency_id,
            urgent=submission.is_urgent,
        )
    return submission


def submission_withdraw(*, actor: Actor, submission_id: int) -> Submission:
    """The clerk takes back a presentation the leader has not directed yet."""
    with transaction.atomic():
        submission = Submission.objects.select_for_update().filter(pk=submission_id).first()
        if submission is None or not can_view_documents(actor, submission.agency_id):
            raise NotFound(NOT_FOUND)
        if not actor.has_role(Role.CLERK, agency_id=submission.agency_id):
            raise PermissionDenied("Chỉ văn thư rút lại văn bản đã trình.")
        before = snapshot(submission)
        submission.state = transition(
            SUBMISSION, submission.state, "withdraw", labels=SUBMISSION_LABELS
        )
        submission.save(update_fields=["state", "updated_at"])
        _journal(actor, "workflow.submission.withdraw", submission, submission.agency_id, before)
        step_record(
            actor=actor,
            agency_id=submission.agency_id,
            action="withdraw",
            text="Rút lại văn bản đã trình",
            incoming=submission.incoming,
        )
    return submission


def direction_give(
    *,
    actor: Actor,
    submission_id: int,
    note: str,
    assignees: Sequence[AssigneeData],
    due_date: date | None = None,
    due_working_days: int | None = None,
) -> list[Assignment]:
    """The leader directs: a note, one lead, co-handlers and people to inform, a due date."""
    text = _note(note, "note")
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update()
            .select_related("incoming")
            .filter(pk=submission_id)
            .first()
        )
        if submission is None or not can_view_documents(actor, submission.agency_id):
            raise NotFound(NOT_FOUND)
        if submission.leader_id != actor.person_id:
            raise PermissionDenied("Văn bản được trình cho lãnh đạo khác.")
        before = snapshot(submission)
        submission.state = transition(
            SUBMISSION, submission.state, "direct", labels=SUBMISSION_LABELS
        )
        lines = _clean_assignees(submission.agency_id, assignees)
        if sum(1 for line in lines if line.role == AssignmentRole.LEAD) != 1:
            raise ValidationFailed(
                INVALID, fields={"assignees": ["Giao đúng một đơn vị hoặc người chủ trì."]}
            )
        due = _due(submission.agency_id, due_date=due_date, working_days=due_working_days)
        incoming = IncomingDocument.objects.select_for_update().get(pk=submission.incoming_id)
        submission.direction_note = text
        submission.directed_at = timezone.now()
        submission.due_date = due
        submission.save()
        _journal(actor, "workflow.submission.direct", submission, submission.agency_id, before)
        step_record(
            actor=actor,
            agency_id=submission.agency_id,
            action="direct",
            text="Cho ý kiến chỉ đạo",
            note=text,
            incoming=incoming,
        )
        created = _create_assignments(
            actor=actor,
            incoming=incoming,
            lines=lines,
            note=text,
            due_date=due,
            submission=submission,
        )
        incoming_before = snapshot(incoming)
        incoming.status = IncomingStatus.IN_PROGRESS
        if due is not None:
            incoming.due_date = due
        incoming.save(update_fields=["status", "due_date", "updated_at"])
        _journal(
            actor, "workflow.incoming.in_progress", incoming, incoming.agency_id, incoming_before
        )
        handling_stage_reached.send(
            sender=Assignment, incoming_id=incoming.pk, stage="assigned", actor=actor
        )
    return created


# --- Acting on an assignment ---------------------------------------------------------------


def _require_assignee(actor: Actor, assignment: Assignment) -> None:
    if not is_assignee(actor, assignment):
        raise PermissionDenied("Văn bản không được giao cho bạn.")


def _act(
    *,
    actor: Actor,
    assignment_id: int,
    action: str,
    step_text: str,
    note: str = "",
    who: str = "assignee",
) -> Assignment:
    assignment = _locked_assignment(actor, assignment_id)
    if who == "assignee":
        _require_assignee(actor, assignment)
    elif not is_assigner(actor, assignment):
        raise PermissionDenied("Chỉ người giao việc được làm thao tác này.")
    before = _move(actor, assignment, action)
    now = timezone.now()
    if action == "accept":
        assignment.accepted_at = now
        handling_stage_reached.send(
            sender=Assignment, incoming_id=assignment.incoming_id, stage="in_progress", actor=actor
        )
    if assignment.state in (AssignmentState.DONE, AssignmentState.CLOSED):
        assignment.completed_at = now
    assignment.save()
    _journal(actor, f"workflow.assignment.{action}", assignment, assignment.agency_id, before)
    step_record(
        actor=actor,
        agency_id=assignment.agency_id,
        action=action,
        text=step_text,
        note=note,
        incoming=assignment.incoming,
        assignment=assignment,
    )
    return assignment


def assignment_accept(*, actor: Actor, assignment_id: int) -> Assignment:
    """The assignee takes the work on."""
    with transaction.atomic():
        return _act(
            actor=actor,
            assignment_id=assignment_id,
            action="accept",
            step_text="Tiếp nhận xử lý",
        )


def assignment_close(*, actor: Actor, assignment_id: int) -> Assignment:
    """A for-information item is read and closed."""
    with transaction.atomic():
        assignment = _locked_assignment(actor, assignment_id)
        if assignment.role != AssignmentRole.INFO:
            raise InvalidTransition("Chỉ văn bản để biết được đánh dấu đã xem.")
        return _act(
            actor=actor, assignment_id=assignment_id, action="close", step_text="Đã xem (để biết)"
        )


def assignment_return(*, actor: Actor, assignment_id: int, reason: str) -> Assignment:
    """The assignee gives the work back to the one who assigned it, with a reason."""
    text = _note(reason, "reason", required=True)
    with transaction.atomic():
        assignment = _act(
            actor=actor,
            assignment_id=assignment_id,
            action="return",
            step_text="Trả lại người giao",
            note=text,
        )
        notify(
            person_id=assignment.assigned_by_id,
            kind=NotificationKind.RETURNED,
            title=f"Trả lại: {assignment.incoming.summary}"[:300],
            link=incoming_link(assignment.incoming_id),
            agency_id=assignment.agency_id,
        )
    return assignment


def assignment_delegate(
    *,
    actor: Actor,
    assignment_id: int,
    assignees: Sequence[AssigneeData],
    note: str = "",
    due_date: date | None = None,
) -> list[Assignment]:
    """Pass the work down (unit head → specialist): children carry it on in the same roles."""
    text = _note(note, "note")
    with transaction.atomic():
        assignment = _locked_assignment(actor, assignment_id)
        _require_assignee(actor, assignment)
        lines = _clean_assignees(assignment.agency_id, assignees)
        if not lines:
            raise ValidationFailed(INVALID, fields={"assignees": ["Chọn người nhận việc."]})
        if assignment.role == AssignmentRole.LEAD and not any(
            line.role == AssignmentRole.LEAD for line in lines
        ):
            raise ValidationFailed(
                INVALID, fields={"assignees": ["Giao tiếp phải có một người chủ trì."]}
            )
        due = due_date or assignment.due_date
        if due_date and assignment.due_date and due_date > assignment.due_date:
            raise ValidationFailed(
                INVALID, fields={"due_date": ["Hạn giao tiếp không được sau hạn được giao."]}
            )
        _due(assignment.agency_id, due_date=due_date, working_days=None)
        before = _move(actor, assignment, "delegate")
        if assignment.accepted_at is None:
            assignment.accepted_at = timezone.now()
        assignment.save()
        _journal(actor, "workflow.assignment.delegate", assignment, assignment.agency_id, before)
        return _create_assignments(
            actor=actor,
            incoming=assignment.incoming,
            lines=lines,
            note=text,
            due_date=due,
            parent=assignment,
        )


def assignment_reassign(
    *, actor: Actor, assignment_id: int, assignee: AssigneeData, note: str = ""
) -> Assignment:
    """The assigner gives the work to someone else; the old assignment is cancelled."""
    text = _note(note, "note")
    with transaction.atomic():
        old = _act(
            actor=actor,
            assignment_id=assignment_id,
            action="cancel",
            step_text="Hủy giao để giao lại",
            note=text,
            who="assigner",
        )
        (line,) = _clean_assignees(
            old.agency_id,
            [AssigneeData(role=old.role, unit_id=assignee.unit_id, person_id=assignee.person_id)],
        )
        (new,) = _create_assignments(
            actor=actor,
            incoming=old.incoming,
            lines=[line],
            note=text or old.note,
            due_date=old.due_date,
            submission=old.submission,
            parent=old.parent,
        )
    return new


def assignment_progress(
    *, actor: Actor, assignment_id: int, note: str, files: Sequence[tuple[str, bytes]] = ()
) -> Assignment:
    """Record progress (a note, and working files kept with the document)."""
    text = _note(note, "note", required=True)
    uploads = [upload_inspect(name=name, data=content) for name, content in files]
    saved: Saved = []
    try:
        with transaction.atomic():
            assignment = _act(
                actor=actor,
                assignment_id=assignment_id,
                action="progress",
                step_text="Cập nhật tiến độ" + (f" ({len(uploads)} tệp)" if uploads else ""),
                note=text,
            )
            assert actor.person_id is not None
            for upload in uploads:
                document_file_store(
                    document=assignment.incoming,
                    role=FileRole.ATTACHMENT,
                    upload=upload,
                    uploaded_by_id=actor.person_id,
                    saved=saved,
                )
    except BaseException:
        stored_files_remove(saved)
        raise
    return assignment


def assignment_input_request(*, actor: Actor, assignment_id: int, question: str) -> int:
    """The lead asks the co-handlers of the document for their input; returns how many."""
    text = _note(question, "question", required=True)
    with transaction.atomic():
        assignment = _locked_assignment(actor, assignment_id)
        _require_assignee(actor, assignment)
        if (
            assignment.role != AssignmentRole.LEAD
            or assignment.state != AssignmentState.IN_PROGRESS
        ):
            raise InvalidTransition("Chỉ người chủ trì đang xử lý đề nghị phối hợp.")
        co = Assignment.objects.filter(
            incoming_id=assignment.incoming_id, role=AssignmentRole.CO, state__in=OPEN_STATES
        )
        people = sorted({p for c in co for p in _recipients(c)})
        if not people:
            raise ValidationFailed(INVALID, fields={"question": ["Văn bản không có ai phối hợp."]})
        for person_id in people:
            notify(
                person_id=person_id,
                kind=NotificationKind.INPUT_REQUESTED,
                title=f"Đề nghị cho ý kiến: {assignment.incoming.summary}"[:300],
                link=incoming_link(assignment.incoming_id),
                agency_id=assignment.agency_id,
            )
        step_record(
            actor=actor,
            agency_id=assignment.agency_id,
            action="input_request",
            text="Đề nghị đơn vị phối hợp cho ý kiến",
            note=text,
            incoming=assignment.incoming,
            assignment=assignment,
        )
        journal_record(
            actor=actor,
            action="workflow.assignment.input_request",
            instance=assignment,
            agency_id=assignment.agency_id,
            after={"question": text, "people": people},
        )
    return len(people)


def extension_request(
    *, actor: Actor, assignment_id: int, requested_due: date, reason: str
) -> ExtensionRequest:
    """The assignee asks for a later due date; the assigner decides."""
    text = _note(reason, "reason", required=True)
    with transaction.atomic():
        assignment = _locked_assignment(actor, assignment_id)
        _require_assignee(actor, assignment)
        if assignment.state not in OPEN_STATES:
            raise InvalidTransition("Việc đã kết thúc; không gia hạn được.")
        if assignment.due_date is None or requested_due <= assignment.due_date:
            raise ValidationFailed(
                INVALID, fields={"requested_due": ["Hạn đề nghị phải sau hạn hiện tại."]}
            )
        if ExtensionRequest.objects.filter(
            assignment=assignment, state=ExtensionState.PENDING
        ).exists():
            raise InvalidTransition("Đã có đề nghị gia hạn đang chờ duyệt.")
        assert actor.person_id is not None
        request = ExtensionRequest.objects.create(
            assignment=assignment,
            requested_by_id=actor.person_id,
            requested_at=timezone.now(),
            requested_due=requested_due,
            reason=text,
        )
        _journal(actor, "workflow.extension.request", request, assignment.agency_id)
        step_record(
            actor=actor,
            agency_id=assignment.agency_id,
            action="extension_request",
            text=f"Đề nghị gia hạn đến {requested_due:%d/%m/%Y}",
            note=text,
            incoming=assignment.incoming,
            assignment=assignment,
        )
        notify(
            person_id=assignment.assigned_by_id,
            kind=NotificationKind.EXTENSION_REQUESTED,
            title=f"Đề nghị gia hạn: {assignment.incoming.summary}"[:300],
            link=incoming_link(assignment.incoming_id),
            agency_id=assignment.agency_id,
        )
    return request


def extension_decide(
    *, actor: Actor, request_id: int, approve: bool, note: str = ""
) -> ExtensionRequest:
    """The assigner grants or refuses more time."""
    text = _note(note, "note")
    with transaction.atomic():
        request = (
            ExtensionRequest.objects.select_for_update()
            .select_related("assignment__incoming")
            .filter(pk=request_id)
            .first()
        )
        if request is None or not can_view_documents(actor, request.assignment.agency_id):
            raise NotFound(NOT_FOUND)
        assignment = request.assignment
        if not is_assigner(actor, assignment):
            raise PermissionDenied("Chỉ người giao việc quyết định gia hạn.")
        if request.state != ExtensionState.PENDING:
            raise InvalidTransition("Đề nghị gia hạn đã được quyết định.")
        before = snapshot(request)
        request.state = ExtensionState.APPROVED if approve else ExtensionState.REFUSED
        request.decided_by_id = actor.person_id
        request.decided_at = timezone.now()
        request.decision_note = text
        request.save()
        if approve:
            Assignment.objects.filter(pk=assignment.pk).update(due_date=request.requested_due)
        _journal(actor, "workflow.extension.decide", request, assignment.agency_id, before)
        step_record(
            actor=actor,
            agency_id=assignment.agency_id,
            action="extension_decide",
            text=(
                f"Đồng ý gia hạn đến {request.requested_due:%d/%m/%Y}"
                if approve
                else "Không đồng ý gia hạn"
            ),
            note=text,
            incoming=assignment.incoming,
            assignment=assignment,
        )
        notify(
            person_id=request.requested_by_id,
            kind=NotificationKind.EXTENSION_DECIDED,
            title=("Được gia hạn: " if approve else "Không được gia hạn: ")
            + assignment.incoming.summary[:250],
            link=incoming_link(assignment.incoming_id),
            agency_id=assignment.agency_id,
        )
    return request


def assignment_complete(
    *, actor: Actor, assignment_id: int, result: str, reply_id: int | None = None
) -> Assignment:
    """Complete with a result (a reply outgoing document may be linked)."""
    text = _note(result, "result", required=True)
    with transaction.atomic():
        assignment = _locked_assignment(actor, assignment_id)
        _require_assignee(actor, assignment)
        if assignment.state == AssignmentState.DELEGATED:
            raise InvalidTransition("Việc đã giao tiếp; người được giao sẽ hoàn thành.")
        reply = None
        if reply_id is not None:
            reply = (
                OutgoingDocument.objects.filter(pk=reply_id, agency_id=assignment.agency_id)
                .exclude(status=OutgoingStatus.REVOKED)
                .first()
            )
            if reply is None:
                raise ValidationFailed(
                    INVALID, fields={"reply_id": ["Văn bản trả lời không thuộc cơ quan."]}
                )
        return _complete(actor, assignment, text, reply)


def assignment_complete_with_reply(
    *, actor: Actor, assignment: Assignment, reply: OutgoingDocument
) -> Assignment:
    """Complete the assignment a reply answers, when the reply is issued (drafting hook)."""
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if locked.state != AssignmentState.IN_PROGRESS:
        return locked
    return _complete(actor, locked, f"Đã trả lời bằng văn bản số {reply.number_notation}.", reply)


def _complete(
    actor: Actor, assignment: Assignment, text: str, reply: OutgoingDocument | None
) -> Assignment:
    before = _move(actor, assignment, "complete")
    assignment.completed_at = timezone.now()
    # Late or on time, and how long it took, as the monitoring figures count them (ADR 0019).
    facts = completion_facts(
        working_calendar(),
        assigned_at=assignment.assigned_at,
        due_date=assignment.due_date,
        completed_at=assignment.completed_at,
    )
    assignment.completed_late = facts.late
    assignment.handling_days = facts.handling_days
    assignment.result_note = text
    assignment.reply = reply
    assignment.save()
    _journal(actor, "workflow.assignment.complete", assignment, assignment.agency_id, before)
    step_record(
        actor=actor,
        agency_id=assignment.agency_id,
        action="complete",
        text="Hoàn thành" + (f", trả lời bằng văn bản số {reply.number_notation}" if reply else ""),
        note=text,
        incoming=assignment.incoming,
        assignment=assignment,
    )
    notify(
        person_id=assignment.assigned_by_id,
        kind=NotificationKind.COMPLETED,
        title=f"Đã hoàn thành: {assignment.incoming.summary}"[:300],
        link=incoming_link(assignment.incoming_id),
        agency_id=assignment.agency_id,
    )
    parent = assignment.parent
    if (
        parent is not None
        and assignment.role == AssignmentRole.LEAD
        and parent.state == AssignmentState.DELEGATED
    ):
        # The lead of a delegated assignment completes it for the one who passed it down.
        locked = Assignment.objects.select_for_update().get(pk=parent.pk)
        _complete(actor, locked, text, reply)
    _close_document_if_done(actor, assignment.incoming_id)
    return assignment


def _close_document_if_done(actor: Actor, incoming_id: int) -> None:
    open_leads = Assignment.objects.filter(
        incoming_id=incoming_id, role=AssignmentRole.LEAD, parent__isnull=True
    ).filter(Q(state__in=OPEN_STATES) | Q(state=AssignmentState.RETURNED))
    if open_leads.exists():
        return
    incoming = IncomingDocument.objects.select_for_update().get(pk=incoming_id)
    if incoming.status != IncomingStatus.IN_PROGRESS:
        return
    before = snapshot(incoming)
    incoming.status = IncomingStatus.DONE
    incoming.save(update_fields=["status", "updated_at"])
    _journal(actor, "workflow.incoming.done", incoming, incoming.agency_id, before)
    handling_stage_reached.send(
        sender=Assignment, incoming_id=incoming.pk, stage="done", actor=actor
    )
    step_record(
        actor=actor,
        agency_id=incoming.agency_id,
        action="done",
        text="Văn bản đã xử lý xong",
        incoming=incoming,
    )
