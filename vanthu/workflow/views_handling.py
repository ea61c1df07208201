"""Pages of handling: the panel on the incoming document, "Việc của tôi", and the actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from vanthu.core.actor import Actor
from vanthu.core.errors import (
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    VanthuError,
)
from vanthu.organizations.choices import Role
from vanthu.organizations.models import Person, RoleGrant, Unit
from vanthu.organizations.views.staff.common import actor_of, staff_view
from vanthu.registry.choices import IncomingStatus, OutgoingStatus
from vanthu.registry.detail_panels import DetailPanel
from vanthu.registry.models import IncomingDocument, OutgoingDocument
from vanthu.workflow import handling as h
from vanthu.workflow.choices import AssignmentRole, AssignmentState, ExtensionState, SubmissionState
from vanthu.workflow.forms_handling import (
    CompleteForm,
    DecisionForm,
    DelegateForm,
    DirectionForm,
    ExtensionForm,
    NoteForm,
    ProgressForm,
    SubmitForm,
    parse_target,
)
from vanthu.workflow.models import Assignment, ExtensionRequest, Submission
from vanthu.workflow.states import ASSIGNMENT, allowed

HANDLED_ERRORS = (ValidationFailed, InvalidTransition, PermissionDenied)


def _one_line(exc: VanthuError) -> str:
    details = [message for field_errors in exc.fields.values() for message in field_errors]
    return " ".join([exc.message, *details[:1]])


def _targets(agency_id: int) -> list[tuple[str, str]]:
    units = Unit.objects.filter(agency_id=agency_id, is_active=True).order_by("name")
    people = (
        Person.objects.filter(grants__agency_id=agency_id, is_active=True)
        .distinct()
        .order_by("full_name")
    )
    return [(f"unit:{u.pk}", f"{u.name}") for u in units] + [
        (f"person:{p.pk}", f"{p.full_name}") for p in people
    ]


def _leaders(agency_id: int) -> list[tuple[int, str]]:
    grants = RoleGrant.objects.filter(
        agency_id=agency_id, role=Role.LEADER, person__is_active=True
    ).select_related("person", "position")
    return [
        (g.person_id, g.person.full_name + (f" ({g.position.name})" if g.position else ""))
        for g in grants.order_by("position__rank", "person__full_name")
    ]


def _replies(agency_id: int) -> list[tuple[int, str]]:
    documents = OutgoingDocument.objects.filter(
        agency_id=agency_id, status=OutgoingStatus.ISSUED
    ).order_by("-id")[:50]
    return [(d.pk, f"{d.number_notation} — {d.summary[:80]}") for d in documents]


def _assignment_actions(actor: Actor, assignment: Assignment) -> list[str]:
    actions = set(allowed(ASSIGNMENT, assignment.state))
    mine: set[str] = set()
    if h.is_assignee(actor, assignment):
        mine |= actions & {"accept", "return", "delegate", "progress", "complete", "close"}
        if assignment.state == AssignmentState.DELEGATED:
            mine.discard("complete")
        if assignment.role != AssignmentRole.INFO:
            mine.discard("close")
        if (
            assignment.role == AssignmentRole.LEAD
            and assignment.state == AssignmentState.IN_PROGRESS
        ):
            mine.add("input")
        if assignment.state in h.OPEN_STATES and assignment.due_date:
            mine.add("extension")
    if h.is_assigner(actor, assignment) and "cancel" in actions:
        mine.add("reassign")
    order = [
        "accept",
        "progress",
        "complete",
        "close",
        "delegate",
        "input",
        "extension",
        "return",
        "reassign",
    ]
    return [a for a in order if a in mine]


def handling_panel(actor: Actor, incoming: IncomingDocument) -> DetailPanel | None:
    """The handling of an incoming document: presentation, direction, assignments, timeline."""
    submissions = list(incoming.submissions.select_related("leader").order_by("id"))
    assignments = list(
        incoming.assignments.select_related(
            "assignee", "assignee_unit", "assigned_by", "reply"
        ).order_by("id")
    )
    agency_id = incoming.agency_id
    awaiting = next((s for s in submissions if s.state == SubmissionState.AWAITING), None)
    is_clerk = actor.has_role(Role.CLERK, agency_id=agency_id)
    open_document = incoming.status in (IncomingStatus.REGISTERED, IncomingStatus.IN_PROGRESS)
    targets = _targets(agency_id) if assignments or awaiting else []
    rows = []
    for assignment in assignments:
        actions = _assignment_actions(actor, assignment)
        rows.append(
            {
                "assignment": assignment,
                "actions": actions,
                "delegate_form": DelegateForm(targets=targets, prefix=f"a{assignment.pk}")
                if "delegate" in actions or "reassign" in actions
                else None,
                "complete_form": CompleteForm(
                    replies=_replies(agency_id), prefix=f"a{assignment.pk}"
                )
                if "complete" in actions
                else None,
                "pending_extensions": [
                    e
                    for e in assignment.extension_requests.all()
                    if e.state == ExtensionState.PENDING
                ],
                "may_decide": h.is_assigner(actor, assignment),
            }
        )
    data: dict[str, Any] = {
        "incoming": incoming,
        "submissions": submissions,
        "rows": rows,
        "steps": list(incoming.steps.select_related("actor").order_by("at", "id")),
        "submit_form": SubmitForm(leaders=_leaders(agency_id))
        if is_clerk and open_document and awaiting is None
        else None,
        "awaiting": awaiting,
        "may_withdraw": awaiting is not None and is_clerk,
        "direction_form": DirectionForm(targets=targets)
        if awaiting is not None and awaiting.leader_id == actor.person_id
        else None,
        "note_form": NoteForm(),
        "progress_form": ProgressForm(),
        "extension_form": ExtensionForm(),
        "decision_form": DecisionForm(),
    }
    return DetailPanel("workflow/_panel_handling.html", data)


def _back(incoming_id: int) -> HttpResponse:
    return redirect("registry:incoming_detail", document_id=incoming_id)


def _run(
    request: HttpRequest, incoming_id: int, success: str, call: Callable[[], object]
) -> HttpResponse:
    try:
        call()
    except HANDLED_ERRORS as exc:
        messages.error(request, _one_line(exc))
    else:
        messages.success(request, success)
    return _back(incoming_id)


def _form_error(request: HttpRequest, form: Any, incoming_id: int) -> HttpResponse:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    return _back(incoming_id)


@staff_view
@require_POST
def submit(request: HttpRequest, incoming_id: int) -> HttpResponse:
    """The clerk presents the document to a leader."""
    actor = actor_of(request)
    incoming = IncomingDocument.objects.filter(pk=incoming_id).first()
    if incoming is None or incoming.agency_id not in actor.agency_ids:
        raise NotFound("Không tìm thấy.")
    form = SubmitForm(request.POST, leaders=_leaders(incoming.agency_id))
    if not form.is_valid():
        return _form_error(request, form, incoming_id)
    return _run(
        request,
        incoming_id,
        "Đã trình lãnh đạo.",
        lambda: h.submission_create(
            actor=actor,
            incoming_id=incoming_id,
            leader_id=form.cleaned_data["leader"],
            note=form.cleaned_data["note"],
        ),
    )


def _submission(actor: Actor, submission_id: int) -> Submission:
    submission = Submission.objects.filter(pk=submission_id).first()
    if submission is None or submission.agency_id not in actor.agency_ids:
        raise NotFound("Không tìm thấy.")
    return submission


@staff_view
@require_POST
def withdraw(request: HttpRequest, submission_id: int) -> HttpResponse:
    """The clerk takes back a presentation not directed yet."""
    actor = actor_of(request)
    submission = _submission(actor, submission_id)
    return _run(
        request,
        submission.incoming_id,
        "Đã rút lại văn bản đã trình.",
        lambda: h.submission_withdraw(actor=actor, submission_id=submission_id),
    )


@staff_view
@require_POST
def direct(request: HttpRequest, submission_id: int) -> HttpResponse:
    """The leader directs: note, assignments, due date."""
    actor = actor_of(request)
    submission = _submission(actor, submission_id)
    form = DirectionForm(request.POST, targets=_targets(submission.agency_id))
    if not form.is_valid():
        return _form_error(request, form, submission.incoming_id)
    data = form.cleaned_data
    return _run(
        request,
        submission.incoming_id,
        "Đã cho ý kiến chỉ đạo và giao xử lý.",
        lambda: h.direction_give(
            actor=actor,
            submission_id=submission_id,
            note=data["note"],
            assignees=form.assignees(),
            due_date=data["due_date"],
            due_working_days=data["due_working_days"],
        ),
    )


def _assignment(actor: Actor, assignment_id: int) -> Assignment:
    assignment = Assignment.objects.filter(pk=assignment_id).first()
    if assignment is None or assignment.agency_id not in actor.agency_ids:
        raise NotFound("Không tìm thấy.")
    return assignment


SUCCESS = {
    "accept": "Đã tiếp nhận xử lý.",
    "close": "Đã đánh dấu đã xem.",
    "return": "Đã trả lại người giao.",
    "delegate": "Đã giao tiếp.",
    "reassign": "Đã giao lại.",
    "progress": "Đã cập nhật tiến độ.",
    "complete": "Đã hoàn thành xử lý.",
    "input": "Đã đề nghị đơn vị phối hợp cho ý kiến.",
    "extension": "Đã gửi đề nghị gia hạn.",
}


@staff_view
@require_POST
def act(request: HttpRequest, assignment_id: int, action: str) -> HttpResponse:
    """Every action on an assignment, by name (the service checks who and when)."""
    actor = actor_of(request)
    assignment = _assignment(actor, assignment_id)
    back = assignment.incoming_id
    prefix = f"a{assignment.pk}"
    post, files = request.POST, request.FILES
    if action in ("accept", "close"):
        service = h.assignment_accept if action == "accept" else h.assignment_close

        def call() -> object:
            return service(actor=actor, assignment_id=assignment_id)

    elif action in ("return", "input"):
        note_form = NoteForm(post)
        if not note_form.is_valid():
            return _form_error(request, note_form, back)
        note = note_form.cleaned_data["note"]

        def call() -> object:
            if action == "return":
                return h.assignment_return(actor=actor, assignment_id=assignment_id, reason=note)
            return h.assignment_input_request(
                actor=actor, assignment_id=assignment_id, question=note
            )

    elif action == "progress":
        progress_form = ProgressForm(post, files)
        if not progress_form.is_valid():
            return _form_error(request, progress_form, back)
        uploads = [(f.name or "tep", f.read()) for f in progress_form.cleaned_data["uploads"]]

        def call() -> object:
            return h.assignment_progress(
                actor=actor,
                assignment_id=assignment_id,
                note=progress_form.cleaned_data["note"],
                files=uploads,
            )

    elif action == "complete":
        complete_form = CompleteForm(post, replies=_replies(assignment.agency_id), prefix=prefix)
        if not complete_form.is_valid():
            return _form_error(request, complete_form, back)

        def call() -> object:
            return h.assignment_complete(
                actor=actor,
                assignment_id=assignment_id,
                result=complete_form.cleaned_data["note"],
                reply_id=complete_form.cleaned_data["reply"],
            )

    elif action in ("delegate", "reassign"):
        delegate_form = DelegateForm(post, targets=_targets(assignment.agency_id), prefix=prefix)
        if not delegate_form.is_valid():
            return _form_error(request, delegate_form, back)
        line = parse_target(delegate_form.cleaned_data["target"], assignment.role)
        data = delegate_form.cleaned_data

        def call() -> object:
            if action == "delegate":
                return h.assignment_delegate(
                    actor=actor,
                    assignment_id=assignment_id,
                    assignees=[line],
                    note=data["note"],
                    due_date=data["due_date"],
                )
            return h.assignment_reassign(
                actor=actor, assignment_id=assignment_id, assignee=line, note=data["note"]
            )

    elif action == "extension":
        extension_form = ExtensionForm(post)
        if not extension_form.is_valid():
            return _form_error(request, extension_form, back)

        def call() -> object:
            return h.extension_request(
                actor=actor,
                assignment_id=assignment_id,
                requested_due=extension_form.cleaned_data["requested_due"],
                reason=extension_form.cleaned_data["reason"],
            )

    else:
        raise NotFound("Không tìm thấy.")
    return _run(request, back, SUCCESS[action], call)


@staff_view
@require_POST
def decide_extension(request: HttpRequest, request_id: int) -> HttpResponse:
    """The assigner grants or refuses more time."""
    actor = actor_of(request)
    extension = ExtensionRequest.objects.select_related("assignment").filter(pk=request_id).first()
    if extension is None or extension.assignment.agency_id not in actor.agency_ids:
        raise NotFound("Không tìm thấy.")
    form = DecisionForm(request.POST)
    back = extension.assignment.incoming_id
    if not form.is_valid():
        return _form_error(request, form, back)
    return _run(
        request,
        back,
        "Đã quyết định đề nghị gia hạn.",
        lambda: h.extension_decide(
            actor=actor,
            request_id=request_id,
            approve=form.cleaned_data["approve"],
            note=form.cleaned_data["note"],
        ),
    )


def my_work(actor: Actor) -> dict[str, Any]:
    """What awaits the person: documents presented to them, assignments to them or their units."""
    person_id = actor.person_id
    if person_id is None or actor.agency_id is None:
        return {"submissions": [], "assignments": []}
    units = [
        g.unit_id
        for g in actor.grants
        if g.role == Role.UNIT_HEAD and g.agency_id == actor.agency_id and g.unit_id
    ]
    submissions = (
        Submission.objects.filter(
            leader_id=person_id, agency_id=actor.agency_id, state=SubmissionState.AWAITING
        )
        .select_related("incoming")
        .order_by("-is_urgent", "submitted_at")
    )
    assignments = (
        Assignment.objects.filter(agency_id=actor.agency_id, state__in=h.OPEN_STATES)
        .exclude(state=AssignmentState.DELEGATED)
        .filter(Q(assignee_id=person_id) | Q(assignee__isnull=True, assignee_unit_id__in=units))
        .select_related("incoming", "assignee_unit")
        .order_by("due_date", "id")
    )
    return {"submissions": list(submissions[:200]), "assignments": list(assignments[:200])}


@staff_view
@require_GET
def my_work_page(request: HttpRequest) -> HttpResponse:
    """ "Việc của tôi": urgent presentations first, then assignments by due date."""
    actor = actor_of(request)
    return render(request, "workflow/my_work.html", {**my_work(actor), "current": "work"})
