"""Pages of the outgoing register (sổ văn bản đi): list, entry, issue, sending, paper copies."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vanthu.core.actor import Actor
from vanthu.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    VanthuError,
)
from vanthu.core.pagination import keyset_page
from vanthu.organizations import selectors as org_selectors
from vanthu.organizations.choices import Role
from vanthu.registry import outgoing, permissions, selectors
from vanthu.registry.choices import FileRole, RegisterKind
from vanthu.registry.detail_panels import detail_panels
from vanthu.registry.forms import (
    OutgoingFilesForm,
    OutgoingFilterForm,
    OutgoingForm,
    OutgoingRevokeForm,
    add_service_errors,
    read_uploads,
)
from vanthu.registry.models import OutgoingDocument, PaperDispatchTask
from vanthu.registry.views.common import (
    acting_agency,
    actor_of,
    agencies_by_id,
    agency_search,
    document_journal,
    document_type_choices,
    field_choices,
    is_htmx_target,
    register_choices,
    require_register,
    staff_view,
)

PAGE_SIZE = 25
_FIELD_MAP = {
    "document_type_id": "document_type",
    "drafting_unit_id": "drafting_unit",
    "field_id": "field",
    "signer_name": "signer",
    "signer_id": "signer",
    "recipients": "recipient_places",
    "files": "text_files",
}


@staff_view
@require_GET
def outgoing_list(request: HttpRequest) -> HttpResponse:
    """List the agency's outgoing documents with filters, page after page (keyset)."""
    actor = actor_of(request)
    agency = acting_agency(request)
    form = OutgoingFilterForm(
        request.GET or None,
        registers=register_choices(actor, RegisterKind.OUTGOING),
        document_types=document_type_choices(),
        fields=field_choices(actor),
    )
    form.is_valid()
    data: dict[str, Any] = getattr(form, "cleaned_data", {})
    filters = selectors.OutgoingFilters(
        date_from=data.get("tu_ngay"),
        date_to=data.get("den_ngay"),
        register_id=data.get("so"),
        document_type_id=data.get("loai"),
        field_id=data.get("linh_vuc"),
        urgency=data.get("do_khan") or "",
        status=data.get("trang_thai") or "",
        paper_overdue=bool(data.get("ban_giay_qua_han")),
        q=data.get("q") or "",
        sort=data.get("sap_xep") or "-id",
    )
    documents = selectors.outgoing_list(actor=actor, filters=filters)
    try:
        page = keyset_page(documents, after=request.GET.get("sau") or None, size=PAGE_SIZE)
    except ValidationFailed:
        page = keyset_page(documents, after=None, size=PAGE_SIZE)
    query = request.GET.copy()
    query.pop("sau", None)
    context = {
        "agency": agency,
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "is_later_page": bool(request.GET.get("sau")),
        "can_register": permissions.can_register(actor, agency.pk),
    }
    if is_htmx_target(request, "ket-qua"):
        return render(request, "registry/_outgoing_results.html", context)
    return render(request, "registry/outgoing_list.html", context)


def _signer_choices(request: HttpRequest, agency_id: int) -> list[tuple[int, str]]:
    people = org_selectors.person_list(
        actor=actor_of(request), agency_id=agency_id, role=Role.LEADER
    )
    return [(p.pk, p.full_name) for p in people]


def _unit_choices(request: HttpRequest, agency_id: int) -> list[tuple[int, str]]:
    units = org_selectors.unit_list(actor=actor_of(request), agency_id=agency_id)
    return [(u.pk, f"{u.name} ({u.short_name})" if u.short_name else u.name) for u in units]


def _recipients(form: OutgoingForm, agencies: list[Any]) -> list[outgoing.RecipientData]:
    lines = [outgoing.RecipientData(agency_id=a.pk, place=a.name) for a in agencies]
    lines += [outgoing.RecipientData(place=p) for p in form.cleaned_data["recipient_places"]]
    filing = (form.cleaned_data.get("filing_copy") or "").strip()
    if filing:
        lines.append(outgoing.RecipientData(place=filing, is_filing_copy=True))
    return lines


def _outgoing_data(form: OutgoingForm) -> outgoing.OutgoingData:
    data = form.cleaned_data
    return outgoing.OutgoingData(
        document_type_id=data["document_type"],
        drafting_unit_id=data["drafting_unit"],
        field_id=data["field"],
        purpose=data["purpose"],
        is_permanent_retention=data["is_permanent_retention"],
        urgency=data["urgency"],
        summary=data["summary"],
        signer_id=data["signer"],
        signer_position=data["signer_position"],
        original_required=data["original_required"],
        copies=data["copies"],
        page_count=data["page_count"],
        notes=data["notes"],
    )


@staff_view
@require_http_methods(["GET", "POST"])
def outgoing_create(request: HttpRequest) -> HttpResponse:
    """Enter an outgoing document in the register before it is issued (QĐ 22 Điều 6.2)."""
    actor = actor_of(request)
    agency = acting_agency(request)
    require_register(actor, agency.pk)
    post = request.POST if request.method == "POST" else None
    form = OutgoingForm(
        post,
        request.FILES or None,
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
            document = outgoing.outgoing_document_create(
                actor=actor,
                data=_outgoing_data(form),
                recipients=_recipients(form, chosen),
                files=read_uploads(form.cleaned_data["text_files"]),
                attachments=read_uploads(form.cleaned_data["attachment_files"]),
            )
        except (ValidationFailed, Conflict, NotFound) as exc:
            add_service_errors(form, exc, field_map=_FIELD_MAP)
        else:
            messages.success(request, "Đã lưu văn bản đi. Kiểm tra lại rồi bấm “Phát hành”.")
            return redirect("registry:outgoing_detail", document_id=document.pk)
    elif post is not None:
        ids = [int(i) for i in post.getlist("recipient_agencies") if i.isdigit()]
        chosen = list(org_selectors.agency_list(actor=actor).filter(pk__in=ids))
    return render(
        request,
        "registry/outgoing_form.html",
        {"agency": agency, "form": form, "chosen_agencies": chosen},
    )


@staff_view
@require_GET
def recipient_search(request: HttpRequest) -> HttpResponse:
    """Return directory agencies matching the search, as check boxes (htmx)."""
    actor = actor_of(request)
    acting_agency(request)
    search = request.GET.get("tim_co_quan", "")
    chosen = {int(i) for i in request.GET.getlist("recipient_agencies") if i.isdigit()}
    agencies = [a for a in agency_search(actor, search) if a.pk not in chosen]
    return render(
        request,
        "registry/_recipient_results.html",
        {"agencies": agencies, "search": search.strip()},
    )


@staff_view
@require_GET
def outgoing_detail(request: HttpRequest, document_id: int) -> HttpResponse:
    """Show an outgoing document: number and notation, Nơi nhận, files, sending, history."""
    actor = actor_of(request)
    document = selectors.outgoing_get(actor=actor, document_id=document_id)
    files = [f for f in document.files.all() if f.is_current]
    viewable = next(
        (f for f in files if f.content_type == "application/pdf" and f.role == FileRole.ORIGINAL),
        None,
    )
    task = getattr(document, "paper_dispatch", None)
    return render(
        request,
        "registry/outgoing_detail.html",
        {
            "document": document,
            "recipients": outgoing.recipients_display(document),
            "files": files,
            "viewable": viewable,
            "task": task,
            "now": timezone.now(),
            "can_register": permissions.can_register(actor, document.agency_id),
            "files_form": OutgoingFilesForm(),
            "panels": detail_panels("outgoing", actor=actor, document=document),
            "revoke_form": OutgoingRevokeForm(),
            "journal": document_journal(
                actor,
                object_type=OutgoingDocument._meta.label_lower,
                object_id=document.pk,
                agency_id=document.agency_id,
            ),
        },
    )


def _managed_outgoing(request: HttpRequest, document_id: int) -> OutgoingDocument:
    actor = actor_of(request)
    document = selectors.outgoing_get(actor=actor, document_id=document_id)
    require_register(actor, document.agency_id)
    return document


@staff_view
@require_POST
def outgoing_issue(request: HttpRequest, document_id: int) -> HttpResponse:
    """Issue the document: take its number and build its notation (NĐ 30 Điều 15)."""
    document = _managed_outgoing(request, document_id)
    try:
        document = outgoing.outgoing_document_issue(
            actor=actor_of(request), document_id=document.pk
        )
    except (ValidationFailed, Conflict, InvalidTransition, PermissionDenied) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Đã phát hành văn bản số {document.number_notation}.")
    return redirect("registry:outgoing_detail", document_id=document.pk)


@staff_view
@require_POST
def outgoing_mark_sent(request: HttpRequest, document_id: int) -> HttpResponse:
    """Record that sending succeeded now: the legal sent time (QĐ 22 Điều 10)."""
    document = _managed_outgoing(request, document_id)
    try:
        document = outgoing.outgoing_document_mark_sent(
            actor=actor_of(request), document_id=document.pk, sent_at=timezone.now()
        )
    except (ValidationFailed, Conflict, InvalidTransition, PermissionDenied) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Đã ghi nhận thời điểm gửi văn bản.")
    return redirect("registry:outgoing_detail", document_id=document.pk)


@staff_view
@require_POST
def outgoing_files_add(request: HttpRequest, document_id: int) -> HttpResponse:
    """Attach the text or attachments to a draft (before it is signed and issued)."""
    document = _managed_outgoing(request, document_id)
    form = OutgoingFilesForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("registry:outgoing_detail", document_id=document.pk)
    try:
        stored = outgoing.outgoing_document_files_add(
            actor=actor_of(request),
            document_id=document.pk,
            files=read_uploads(form.cleaned_data["uploads"]),
            role=form.cleaned_data["role"],
        )
    except (ValidationFailed, Conflict, InvalidTransition, PermissionDenied) as exc:
        messages.error(request, _first_error(exc))
    else:
        messages.success(request, f"Đã thêm {len(stored)} tệp.")
    return redirect("registry:outgoing_detail", document_id=document.pk)


@staff_view
@require_POST
def outgoing_revoke(request: HttpRequest, document_id: int) -> HttpResponse:
    """Revoke an issued document with a reason; its number is never reused."""
    document = _managed_outgoing(request, document_id)
    form = OutgoingRevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Hãy ghi lý do thu hồi (tối đa 500 ký tự).")
        return redirect("registry:outgoing_detail", document_id=document.pk)
    try:
        document = outgoing.outgoing_document_revoke(
            actor=actor_of(request), document_id=document.pk, reason=form.cleaned_data["reason"]
        )
    except (ValidationFailed, Conflict, InvalidTransition, PermissionDenied) as exc:
        messages.error(request, _first_error(exc))
    else:
        messages.success(request, f"Đã thu hồi văn bản số {document.number_notation}.")
    return redirect("registry:outgoing_detail", document_id=document.pk)


def _first_error(exc: VanthuError) -> str:
    """The service's message with its first field error, for a one-line message."""
    details = [message for field_errors in exc.fields.values() for message in field_errors]
    return f"{exc.message} {details[0]}" if details else exc.message


def paper_dispatch_pending(actor: Actor) -> list[PaperDispatchTask]:
    """Return the paper copies of the agency's documents not yet sent, the earliest due first."""
    documents = (
        selectors.outgoing_list(actor=actor, filters=selectors.OutgoingFilters())
        .filter(paper_dispatch__isnull=False, paper_dispatch__done_at__isnull=True)
        .select_related("paper_dispatch")
        .order_by("paper_dispatch__due_at", "id")
    )
    return [document.paper_dispatch for document in documents]


@staff_view
@require_GET
def paper_dispatch_list(request: HttpRequest) -> HttpResponse:
    """List the paper copies still to send, overdue ones first (QĐ 22 Điều 10.3)."""
    actor = actor_of(request)
    agency = acting_agency(request)
    tasks = paper_dispatch_pending(actor)
    now = timezone.now()
    return render(
        request,
        "registry/paper_dispatch.html",
        {
            "agency": agency,
            "tasks": tasks,
            "now": now,
            "overdue": [t for t in tasks if t.done_at is None and t.due_at < now],
            "can_register": permissions.can_register(actor, agency.pk),
        },
    )


@staff_view
@require_POST
def paper_dispatch_complete(request: HttpRequest, task_id: int) -> HttpResponse:
    """Tick off a paper copy as sent."""
    actor = actor_of(request)
    agency = acting_agency(request)
    require_register(actor, agency.pk)
    try:
        outgoing.paper_dispatch_complete(actor=actor, task_id=task_id)
    except (ValidationFailed, Conflict, InvalidTransition) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Đã đánh dấu đã gửi bản giấy.")
    return redirect("registry:outgoing_paper_dispatch_list")
