"""Pages of drafting: my drafts, drafts waiting for my review, a draft, review routes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vanthu.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    VanthuError,
)
from vanthu.organizations import selectors as org_selectors
from vanthu.organizations.permissions import can_manage_agency
from vanthu.registry import outgoing
from vanthu.registry.drafts import DRAFTERS_ONLY, can_draft
from vanthu.registry.forms import add_service_errors, read_uploads
from vanthu.registry.views.common import (
    acting_agency,
    actor_of,
    agencies_by_id,
    document_type_choices,
    field_choices,
    is_htmx_target,
    staff_view,
)
from vanthu.registry.views.outgoing import (
    _FIELD_MAP,
    _outgoing_data,
    _recipients,
    _signer_choices,
    _unit_choices,
)
from vanthu.workflow import drafting
from vanthu.workflow.forms_drafting import (
    DraftForm,
    DraftNoteForm,
    DraftVersionForm,
    ReviewRouteForm,
)

ROUTES_DENIED = "Chỉ quản trị cơ quan được sửa quy trình duyệt dự thảo."
FIELD_MAP = {**_FIELD_MAP, "answers": "__all__"}


def _message(exc: VanthuError) -> str:
    """The service's message with its first field error, on one line."""
    for errors in exc.fields.values():
        if errors:
            return f"{exc.message} {errors[0]}"
    return exc.message


@staff_view
@require_GET
def draft_mine(request: HttpRequest) -> HttpResponse:
    """List the drafts the signed-in person wrote, newest first, with their state."""
    actor = actor_of(request)
    agency = acting_agency(request)
    return render(
        request,
        "workflow/draft_mine.html",
        {
            "agency": agency,
            "drafts": drafting.draft_list_mine(actor=actor)[:200],
            "can_draft": can_draft(actor, agency.pk),
        },
    )


@staff_view
@require_GET
def draft_inbox(request: HttpRequest) -> HttpResponse:
    """List the drafts waiting for the person's review (and, for clerks, those to issue)."""
    actor = actor_of(request)
    agency = acting_agency(request)
    return render(
        request,
        "workflow/draft_inbox.html",
        {
            "agency": agency,
            "to_review": drafting.draft_list_to_review(actor=actor),
            "to_issue": drafting.draft_list_to_issue(actor=actor),
        },
    )


@staff_view
@require_http_methods(["GET", "POST"])
def draft_create(request: HttpRequest) -> HttpResponse:
    """Write a new draft of an outgoing document (its metadata, text and recipients)."""
    actor = actor_of(request)
    agency = acting_agency(request)
    if not can_draft(actor, agency.pk):
        raise PermissionDenied(DRAFTERS_ONLY)
    post = request.POST if request.method == "POST" else None
    answers = request.GET.get("tra_loi", "")
    form = DraftForm(
        post,
        request.FILES or None,
        initial={"answers": int(answers)} if answers.isdigit() else None,
        document_types=document_type_choices(),
        units=_unit_choices(request, agency.pk),
        fields=field_choices(actor),
        signers=_signer_choices(request, agency.pk),
    )
    chosen: list[Any] = []
    if post is not None and form.is_valid():
        try:
            chosen = agencies_by_id(actor, form.cleaned_data["recipient_agencies"])
        except NotFound as exc:
            form.add_error("recipient_agencies", exc.message)
    if post is not None and form.is_valid():
        try:
            draft = drafting.draft_create(
                actor=actor,
                data=_outgoing_data(form),
                recipients=_recipients(form, chosen),
                files=read_uploads(form.cleaned_data["text_files"]),
                attachments=read_uploads(form.cleaned_data["attachment_files"]),
                answers_assignment_id=form.cleaned_data["answers"],
            )
        except (ValidationFailed, Conflict) as exc:
            add_service_errors(form, exc, field_map=FIELD_MAP)
        except (InvalidTransition, PermissionDenied) as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Đã lưu dự thảo. Kiểm tra lại rồi bấm “Trình duyệt”.")
            return redirect("workflow:draft_detail", draft_id=draft.pk)
    elif post is not None:
        ids = [int(i) for i in post.getlist("recipient_agencies") if i.isdigit()]
        chosen = list(org_selectors.agency_list(actor=actor).filter(pk__in=ids))
    return render(
        request,
        "workflow/draft_form.html",
        {"agency": agency, "form": form, "chosen_agencies": chosen},
    )


def _timeline_context(draft: Any) -> dict[str, Any]:
    return {"draft": draft, "timeline": drafting.draft_timeline(draft)}


@staff_view
@require_GET
def draft_detail(request: HttpRequest, draft_id: int) -> HttpResponse:
    """Show a draft: its metadata, versions, review steps, timeline and what one may do."""
    actor = actor_of(request)
    draft = drafting.draft_get(actor=actor, draft_id=draft_id)
    steps = [
        {
            "label": drafting.REVIEW_ROLE_LABELS.get(role, role),
            "done": index < draft.step_index or draft.state in ("approved", "issued"),
            "current": draft.state == "in_review" and index == draft.step_index,
        }
        for index, role in enumerate(draft.steps)
    ]
    return render(
        request,
        "workflow/draft_detail.html",
        {
            **_timeline_context(draft),
            "document": draft.outgoing,
            "recipients": outgoing.recipients_display(draft.outgoing),
            "versions": drafting.draft_versions(draft),
            "review_steps": steps,
            "actions": drafting.draft_actions(actor, draft),
            "sign_first": draft.state == "in_review"
            and draft.steps[draft.step_index : draft.step_index + 1] == ["leader"]
            and drafting.signing_required(draft.agency_id),
            "version_form": DraftVersionForm(),
            "note_form": DraftNoteForm(),
        },
    )


@staff_view
@require_POST
def draft_version_upload(request: HttpRequest, draft_id: int) -> HttpResponse:
    """Upload a new version of the draft's text."""
    actor = actor_of(request)
    draft = drafting.draft_get(actor=actor, draft_id=draft_id)
    form = DraftVersionForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Hãy chọn tệp phiên bản mới (DOCX, ODT hoặc PDF).")
        return redirect("workflow:draft_detail", draft_id=draft.pk)
    upload = form.cleaned_data["upload"]
    try:
        drafting.draft_version_add(
            actor=actor, draft_id=draft.pk, name=upload.name or "du-thao", data=upload.read()
        )
    except (ValidationFailed, InvalidTransition, PermissionDenied, Conflict) as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, "Đã tải lên phiên bản mới.")
    return redirect("workflow:draft_detail", draft_id=draft.pk)


def _step(request: HttpRequest, draft_id: int, action: str) -> HttpResponse:
    actor = actor_of(request)
    draft = drafting.draft_get(actor=actor, draft_id=draft_id)
    form = DraftNoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    if not form.is_valid():
        messages.error(request, "Ý kiến dài tối đa 4000 ký tự.")
        return redirect("workflow:draft_detail", draft_id=draft.pk)
    done = {
        "submit": "Đã trình duyệt dự thảo.",
        "approve": "Đã duyệt dự thảo.",
        "return": "Đã trả lại dự thảo cho người soạn thảo.",
    }
    try:
        if action == "submit":
            drafting.draft_submit(actor=actor, draft_id=draft.pk, note=note)
        elif action == "approve":
            drafting.draft_approve(actor=actor, draft_id=draft.pk, note=note)
        else:
            drafting.draft_return(actor=actor, draft_id=draft.pk, note=note)
    except (ValidationFailed, InvalidTransition, PermissionDenied, Conflict) as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, done[action])
    return redirect("workflow:draft_detail", draft_id=draft.pk)


@staff_view
@require_POST
def draft_submit(request: HttpRequest, draft_id: int) -> HttpResponse:
    """The drafter submits the draft for review."""
    return _step(request, draft_id, "submit")


@staff_view
@require_POST
def draft_approve(request: HttpRequest, draft_id: int) -> HttpResponse:
    """The current reviewer approves the draft."""
    return _step(request, draft_id, "approve")


@staff_view
@require_POST
def draft_return(request: HttpRequest, draft_id: int) -> HttpResponse:
    """The current reviewer (or the clerk, once approved) returns the draft with a note."""
    return _step(request, draft_id, "return")


@staff_view
@require_POST
def draft_comment(request: HttpRequest, draft_id: int) -> HttpResponse:
    """Add a comment to the timeline; with htmx, answer with the timeline alone."""
    actor = actor_of(request)
    draft = drafting.draft_get(actor=actor, draft_id=draft_id)
    form = DraftNoteForm(request.POST)
    error = ""
    if not form.is_valid():
        error = "Ý kiến dài tối đa 4000 ký tự."
    else:
        try:
            drafting.draft_comment(actor=actor, draft_id=draft.pk, note=form.cleaned_data["note"])
        except (ValidationFailed, InvalidTransition, PermissionDenied) as exc:
            error = _message(exc)
    if is_htmx_target(request, "dong-thoi-gian"):
        context = {**_timeline_context(draft), "comment_error": error, "note_form": DraftNoteForm()}
        context["actions"] = drafting.draft_actions(actor, draft)
        return render(request, "workflow/_draft_timeline.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "Đã gửi góp ý.")
    return redirect("workflow:draft_detail", draft_id=draft.pk)


@staff_view
@require_http_methods(["GET", "POST"])
def draft_routes(request: HttpRequest) -> HttpResponse:
    """Show and set the agency's review routes (agency administrators)."""
    actor = actor_of(request)
    agency = acting_agency(request)
    if not can_manage_agency(actor, agency.pk):
        raise PermissionDenied(ROUTES_DENIED)
    post = request.POST if request.method == "POST" else None
    form = ReviewRouteForm(post, document_types=document_type_choices())
    if post is not None and form.is_valid():
        try:
            drafting.review_route_set(
                actor=actor,
                document_type_id=form.cleaned_data["document_type"],
                steps=form.steps(),
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc, field_map={"steps": "step_1"})
        else:
            messages.success(request, "Đã lưu quy trình duyệt.")
            return redirect("workflow:draft_routes")
    rows = list(drafting.review_route_list(actor=actor))
    routes = [
        {"route": route, "labels": [drafting.REVIEW_ROLE_LABELS.get(s, s) for s in route.steps]}
        for route in rows
    ]
    return render(
        request,
        "workflow/draft_routes.html",
        {
            "agency": agency,
            "form": form,
            "routes": routes,
            "default_labels": [drafting.REVIEW_ROLE_LABELS[s] for s in drafting.DEFAULT_STEPS],
            "has_default": any(route.document_type_id is None for route in rows),
        },
    )
