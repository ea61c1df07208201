"""Pages of the incoming register (sổ văn bản đến): list, registration, detail, paper copies."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vanthu.core.actor import Actor
from vanthu.core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from vanthu.core.pagination import keyset_page
from vanthu.organizations import selectors as org_selectors
from vanthu.organizations.models import Agency
from vanthu.registry import incoming, permissions, selectors
from vanthu.registry.choices import IncomingStatus, IntakeChannel, RegisterKind
from vanthu.registry.detail_panels import detail_panels
from vanthu.registry.forms import (
    IncomingFilterForm,
    IncomingForm,
    PaperCopySearchForm,
    add_service_errors,
    read_uploads,
)
from vanthu.registry.models import IncomingDocument
from vanthu.registry.views.common import (
    acting_agency,
    actor_of,
    agency_search,
    document_journal,
    document_type_choices,
    field_choices,
    file_response,
    is_htmx_target,
    register_choices,
    render_error,
    require_register,
    staff_view,
)

PAGE_SIZE = 25
# The three intake paths of QĐ 22 Điều 6.1, as the registration page's tabs.
CHANNELS = {"dien-tu": IntakeChannel.ELECTRONIC, "ban-quet": IntakeChannel.PAPER_SCAN}
# Form fields that are not service data.
FORM_ONLY = {"uploads", "confirm_duplicate"}


def is_overdue(document: IncomingDocument, today: date) -> bool:
    """Return whether the document's handling deadline has passed while it is still open."""
    return (
        document.due_date is not None
        and document.due_date < today
        and document.status not in (IncomingStatus.DONE, IncomingStatus.REVOKED)
    )


@staff_view
@require_GET
def incoming_list(request: HttpRequest) -> HttpResponse:
    """List the agency's incoming documents: filters, sorting, page after page (keyset)."""
    actor = actor_of(request)
    agency = acting_agency(request)
    form = IncomingFilterForm(
        request.GET or None,
        registers=register_choices(actor, RegisterKind.INCOMING),
        document_types=document_type_choices(),
        fields=field_choices(actor),
    )
    form.is_valid()
    data: dict[str, Any] = getattr(form, "cleaned_data", {})
    filters = selectors.IncomingFilters(
        received_from=data.get("tu_ngay"),
        received_to=data.get("den_ngay"),
        register_id=data.get("so"),
        document_type_id=data.get("loai"),
        field_id=data.get("linh_vuc"),
        sender=data.get("noi_gui") or "",
        urgency=data.get("do_khan") or "",
        status=data.get("trang_thai") or "",
        overdue=bool(data.get("qua_han")),
        q=data.get("q") or "",
        sort=data.get("sap_xep") or "-received_at",
    )
    documents = selectors.incoming_list(actor=actor, filters=filters)
    try:
        page = keyset_page(documents, after=request.GET.get("sau") or None, size=PAGE_SIZE)
    except ValidationFailed:
        page = keyset_page(documents, after=None, size=PAGE_SIZE)
    today = timezone.localdate()
    for document in page.items:
        document.is_overdue = is_overdue(document, today)
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
        return render(request, "registry/_incoming_results.html", context)
    return render(request, "registry/incoming_list.html", context)


def _incoming_data(form: IncomingForm, sender: Agency | None) -> incoming.IncomingData:
    values = {k: v for k, v in form.cleaned_data.items() if k not in FORM_ONLY}
    values.pop("sender_agency")
    # A sender chosen from the directory is written by its official name.
    values["sender_agency_id"] = sender.pk if sender else None
    if sender is not None:
        values["sender_name"] = sender.name
    values["document_type_id"] = values.pop("document_type")
    values["field_id"] = values.pop("field")
    for name in ("sender_name", "number", "notation", "signer_name", "signer_position"):
        values[name] = values.get(name) or ""
    return incoming.IncomingData(**values)


def _duplicates(error: Conflict) -> list[IncomingDocument]:
    documents = getattr(error, "documents", None)
    if documents is not None:
        return list(documents)
    ids = [int(i) for i in error.fields.get("duplicates", []) if str(i).isdigit()]
    return list(IncomingDocument.objects.filter(pk__in=ids).order_by("-id"))


def sender_chosen(actor: Actor, form: IncomingForm) -> Agency | None:
    """Return the directory agency chosen as sender on a posted, valid form; one that is not in
    the actor's directory is an error on the form."""
    if not (form.is_bound and form.is_valid() and form.cleaned_data["sender_agency"]):
        return None
    sender = _directory_agency(actor, form.cleaned_data["sender_agency"])
    if sender is None:
        form.add_error("sender_name", "Không tìm thấy cơ quan gửi trong danh mục.")
    return sender


def register_submitted(
    request: HttpRequest, form: IncomingForm, register: Callable[[], IncomingDocument]
) -> tuple[HttpResponse | None, list[IncomingDocument]]:
    """Run `register` (the service call for a posted, valid form): the redirect to the document
    registered, its number announced; or, refused, no answer and the errors put on the form,
    with the documents it duplicates."""
    try:
        document = register()
    except Conflict as exc:
        if str(exc.code) == "duplicate" or "duplicates" in exc.fields:
            form.add_error(None, exc.message)
            return None, _duplicates(exc)
        add_service_errors(form, exc)
    except InvalidTransition as exc:
        form.add_error(None, exc.message)
    except (ValidationFailed, NotFound) as exc:
        add_service_errors(form, exc, field_map=_FIELD_MAP)
    else:
        messages.success(
            request,
            f"Đã vào sổ văn bản đến số {document.arrival_number}/{document.year} "
            f"({document.register.name}).",
        )
        return redirect("registry:incoming_detail", document_id=document.pk), []
    return None, []


@staff_view
@require_http_methods(["GET", "POST"])
def incoming_register(request: HttpRequest) -> HttpResponse:
    """Register an incoming document: electronic upload or paper scan (QĐ 22 Điều 6.1.a, c)."""
    actor = actor_of(request)
    agency = acting_agency(request)
    require_register(actor, agency.pk)
    tab = request.GET.get("kenh", "dien-tu")
    if tab not in CHANNELS:
        tab = "dien-tu"
    channel = CHANNELS[tab]
    post = request.POST if request.method == "POST" else None
    form = IncomingForm(
        post,
        request.FILES or None,
        document_types=document_type_choices(),
        fields=field_choices(actor),
        scan=channel == IntakeChannel.PAPER_SCAN,
    )
    duplicates: list[IncomingDocument] = []
    sender = sender_chosen(actor, form)
    if post is not None and form.is_valid():
        files = read_uploads(form.cleaned_data["uploads"], request.POST.getlist("thu_tu"))
        answer, duplicates = register_submitted(
            request,
            form,
            lambda: incoming.incoming_document_register(
                actor=actor,
                data=_incoming_data(form, sender),
                files=files,
                channel=channel,
                confirm_duplicate=form.cleaned_data["confirm_duplicate"],
            ),
        )
        if answer is not None:
            return answer
    sender_id = form.data.get("sender_agency") if post is not None else None
    if sender is None and sender_id and str(sender_id).isdigit():
        sender = _directory_agency(actor, int(sender_id))
    return render(
        request,
        "registry/incoming_form.html",
        {
            "agency": agency,
            "form": form,
            "tab": tab,
            "duplicates": duplicates,
            "sender": sender,
        },
    )


def _directory_agency(actor: Actor, agency_id: int) -> Agency | None:
    return org_selectors.agency_list(actor=actor).filter(pk=agency_id).first()


# Service field names that are named differently on the form.
_FIELD_MAP = {
    "sender_agency_id": "sender_agency",
    "document_type_id": "document_type",
    "field_id": "field",
    "files": "uploads",
}


@staff_view
@require_GET
def sender_search(request: HttpRequest) -> HttpResponse:
    """Return directory agencies matching the typed sender name, as radio buttons (htmx)."""
    actor = actor_of(request)
    acting_agency(request)
    search = request.GET.get("sender_name", "") or request.GET.get("q", "")
    return render(
        request,
        "registry/_sender_results.html",
        {"agencies": agency_search(actor, search), "search": search.strip()},
    )


@staff_view
@require_GET
def incoming_detail(request: HttpRequest, document_id: int) -> HttpResponse:
    """Show an incoming document: every field, both legal times, the file and its history."""
    actor = actor_of(request)
    document = selectors.incoming_get(actor=actor, document_id=document_id)
    files = list(document.files.all())
    viewable = next(
        (f for f in files if f.content_type in ("application/pdf", "image/png", "image/jpeg")),
        None,
    )
    return render(
        request,
        "registry/incoming_detail.html",
        {
            "document": document,
            "files": files,
            "viewable": viewable,
            "is_overdue": is_overdue(document, timezone.localdate()),
            "panels": detail_panels("incoming", actor=actor, document=document),
            "can_register": permissions.can_register(actor, document.agency_id),
            "journal": document_journal(
                actor,
                object_type=IncomingDocument._meta.label_lower,
                object_id=document.pk,
                agency_id=document.agency_id,
                other_agency_ids=(document.sender_agency_id,) if document.sender_agency_id else (),
            ),
        },
    )


@login_required
@require_GET
@xframe_options_sameorigin
def document_file(request: HttpRequest, file_id: int) -> HttpResponseBase:
    """Serve a document's stored file to people of its agency (inline, or `?tai=1`)."""
    try:
        return file_response(request, file_id)
    except NotFound:
        return render_error(request, 404)


@staff_view
@require_GET
def paper_copy_search(request: HttpRequest) -> HttpResponse:
    """Find the electronic record whose paper copy arrived (QĐ 22 Điều 6.1.b)."""
    actor = actor_of(request)
    agency = acting_agency(request)
    require_register(actor, agency.pk)
    form = PaperCopySearchForm(request.GET or None)
    form.is_valid()
    search = (getattr(form, "cleaned_data", {}) or {}).get("q") or ""
    documents: list[IncomingDocument] = []
    if search:
        # Number and notation, or the sender: whichever the clerk typed.
        by_number = selectors.incoming_list(
            actor=actor, filters=selectors.IncomingFilters(q=search)
        )
        by_sender = selectors.incoming_list(
            actor=actor, filters=selectors.IncomingFilters(sender=search)
        )
        documents = list(
            (by_number | by_sender)
            .exclude(channel=IntakeChannel.PAPER_SCAN)
            .exclude(status=IncomingStatus.REVOKED)
            .order_by("-received_at", "-id")[:PAGE_SIZE]
        )
    context = {"agency": agency, "form": form, "documents": documents, "search": search}
    if is_htmx_target(request, "ket-qua"):
        return render(request, "registry/_paper_copy_results.html", context)
    return render(request, "registry/paper_copy.html", context)


@staff_view
@require_POST
def paper_copy_record(request: HttpRequest, document_id: int) -> HttpResponse:
    """Record that the paper copy of an electronic document arrived, on the same record."""
    actor = actor_of(request)
    document = selectors.incoming_get(actor=actor, document_id=document_id)
    require_register(actor, document.agency_id)
    try:
        document = incoming.incoming_paper_copy_record(actor=actor, document_id=document.pk)
    except (ValidationFailed, Conflict, InvalidTransition) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"Đã ghi nhận bản giấy của văn bản đến số {document.arrival_number}/{document.year}.",
        )
    return redirect("registry:incoming_detail", document_id=document.pk)
