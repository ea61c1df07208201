"""Pages of the exchange (/lien-thong/): the queue of documents awaiting reception, one document
with its files and signatures, and the clerk's decisions on it (receive, return, take-back);
the sendings to other systems that failed, and "Gửi lại".

Views parse, call one selector or service with the request's actor, and render; a service's
refusal comes back as a Vietnamese error on the form, never as a server error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from vanthu.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from vanthu.core.pagination import keyset_page
from vanthu.exchange import selectors
from vanthu.exchange import services as x
from vanthu.exchange.choices import ChangeState, DeliveryState, OutboxKind, ReceptionState
from vanthu.exchange.envelope import Envelope
from vanthu.exchange.forms import (
    ChangeRequestDecideForm,
    ReceptionFilterForm,
    ReceptionReceiveForm,
    ReceptionReturnForm,
    receive_initial,
)
from vanthu.exchange.models import ChangeRequest, OutboxMessage, Reception, ReceptionFile
from vanthu.exchange.packet_signature import PacketSignatureNotice, packet_signature_notice
from vanthu.organizations.forms import add_service_errors
from vanthu.registry import permissions
from vanthu.registry.choices import SignatureStatus, Urgency
from vanthu.registry.models import IncomingDocument
from vanthu.registry.views.common import (
    acting_agency,
    actor_of,
    document_type_choices,
    field_choices,
    is_htmx_target,
    render_error,
    require_register,
    staff_view,
)
from vanthu.signatures.validation import PdfReport

PAGE_SIZE = 25
# What the clerk is told once a sender's request is decided (business type, accepted).
DECIDED = {
    ("1", True): "Đã đồng ý lấy lại văn bản; văn bản không còn được sử dụng.",
    ("1", False): "Đã từ chối yêu cầu lấy lại văn bản.",
    ("2", True): "Đã đồng ý cập nhật; thông tin và tệp mới đã được áp dụng, bản cũ vẫn được lưu.",
    ("2", False): "Đã từ chối bản cập nhật.",
    ("3", True): "Đã đồng ý thay thế; văn bản cũ thôi sử dụng, văn bản thay thế đã vào sổ.",
    ("3", False): "Đã từ chối thay thế văn bản.",
}
PDF = "application/pdf"
VIEWABLE = (PDF, "image/png", "image/jpeg")
# Service field names that are named differently on the receive form.
FIELD_MAP = {
    "sender_agency_id": "sender_name",
    "document_type_id": "document_type",
    "field_id": "field",
}


def envelope_of(reception: Reception) -> Envelope:
    """Return the sender's metadata of a reception."""
    return Envelope.from_dict(reception.metadata)


def urgency_label(envelope: Envelope) -> str:
    """Return the label of an urgent document's độ khẩn, or "" for a normal one."""
    if envelope.urgency in (Urgency.NORMAL, ""):
        return ""
    if envelope.urgency in Urgency.values:
        return str(Urgency(envelope.urgency).label)
    return envelope.urgency


@dataclass(frozen=True)
class QueueRow:
    """A reception of the queue with the sender's metadata."""

    reception: Reception
    envelope: Envelope
    urgency_label: str
    signature: PacketSignatureNotice | None = None


@dataclass(frozen=True)
class RequestRow:
    """A take-back request with its decision form (None once decided, or for non-clerks)."""

    request: ChangeRequest
    form: ChangeRequestDecideForm | None


@dataclass(frozen=True)
class FileRow:
    """A file that arrived, with its signature check as the page shows it."""

    file: ReceptionFile
    is_pdf: bool
    report: PdfReport | None
    status_label: str


def _file_rows(files: list[ReceptionFile]) -> list[FileRow]:
    rows = []
    for stored in files:
        is_pdf = stored.content_type == PDF
        report = PdfReport.from_dict(stored.signature_report) if stored.signature_report else None
        label = ""
        if stored.signature_status in SignatureStatus.values:
            label = str(SignatureStatus(stored.signature_status).label)
        rows.append(FileRow(file=stored, is_pdf=is_pdf, report=report, status_label=label))
    return rows


@staff_view
@require_GET
def reception_list(request: HttpRequest) -> HttpResponse:
    """The queue "Văn bản liên thông chờ tiếp nhận": awaiting first, page after page (keyset)."""
    actor = actor_of(request)
    agency = acting_agency(request)
    form = ReceptionFilterForm(request.GET or None)
    form.is_valid()
    data: dict[str, Any] = getattr(form, "cleaned_data", {})
    receptions = selectors.reception_list(
        actor=actor,
        state=data.get("trang_thai") or "",
        pending_request=bool(data.get("yeu_cau")),
    )
    try:
        page = keyset_page(receptions, after=request.GET.get("sau") or None, size=PAGE_SIZE)
    except ValidationFailed:
        page = keyset_page(receptions, after=None, size=PAGE_SIZE)
    rows = []
    for reception in page.items:
        envelope = envelope_of(reception)
        rows.append(
            QueueRow(
                reception,
                envelope,
                urgency_label(envelope),
                packet_signature_notice(getattr(reception, "packet_signature_report", None)),
            )
        )
    query = request.GET.copy()
    query.pop("sau", None)
    context = {
        "agency": agency,
        "form": form,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "is_later_page": bool(request.GET.get("sau")),
        "can_register": permissions.can_register(actor, agency.pk),
    }
    if is_htmx_target(request, "ket-qua"):
        return render(request, "exchange/_reception_results.html", context)
    return render(request, "exchange/reception_list.html", context)


def _receive_form(
    request: HttpRequest, reception: Reception, data: Any = None
) -> ReceptionReceiveForm:
    actor = actor_of(request)
    return ReceptionReceiveForm(
        data,
        initial=receive_initial(x.reception_data(reception)),
        document_types=document_type_choices(),
        fields=field_choices(actor),
        sender_is_known=reception.sender_id is not None,
    )


def _render_detail(
    request: HttpRequest,
    reception: Reception,
    *,
    receive_form: ReceptionReceiveForm | None = None,
    return_form: ReceptionReturnForm | None = None,
    decide_forms: dict[int, ChangeRequestDecideForm] | None = None,
    duplicates: list[IncomingDocument] | None = None,
) -> HttpResponse:
    actor = actor_of(request)
    may_act = permissions.can_register(actor, reception.agency_id)
    is_awaiting = reception.state == ReceptionState.AWAITING
    files = _file_rows(list(reception.files.all()))
    viewable = next((row.file for row in files if row.file.is_main), None)
    if viewable is None or viewable.content_type not in VIEWABLE:
        viewable = next((row.file for row in files if row.file.content_type in VIEWABLE), None)
    decide_forms = decide_forms or {}
    requests = []
    for change in selectors.change_request_list(actor=actor, reception_id=reception.pk):
        form = None
        if may_act and change.state == ChangeState.PENDING:
            form = decide_forms.get(change.pk)
            if form is None:
                form = ChangeRequestDecideForm(prefix=f"yc{change.pk}")
        requests.append(RequestRow(change, form))
    envelope = envelope_of(reception)
    reports = list(
        OutboxMessage.objects.filter(reception_id=reception.pk, kind=OutboxKind.STATUS).order_by(
            "id"
        )
    )
    if not (may_act and is_awaiting):
        receive_form, return_form = None, None
    else:
        if receive_form is None:
            receive_form = _receive_form(request, reception)
        if return_form is None:
            return_form = ReceptionReturnForm()
    return render(
        request,
        "exchange/reception_detail.html",
        {
            "reception": reception,
            "envelope": envelope,
            "urgency_label": urgency_label(envelope),
            "files": files,
            "viewable": viewable,
            "may_act": may_act,
            "is_awaiting": is_awaiting,
            "receive_form": receive_form,
            "return_form": return_form,
            "change_requests": requests,
            "duplicates": duplicates or [],
            "packet_signature": packet_signature_notice(
                getattr(reception, "packet_signature_report", None)
            ),
            "status_reports": reports,
            "may_retry": may_act and actor.agency_id == reception.agency_id,
        },
    )


@staff_view
@require_GET
def reception_detail(request: HttpRequest, reception_id: int) -> HttpResponse:
    """One document that arrived: the sender's metadata, the files and their signatures."""
    reception = selectors.reception_get(actor=actor_of(request), reception_id=reception_id)
    return _render_detail(request, reception)


def _duplicates(error: Conflict) -> list[IncomingDocument]:
    documents = getattr(error, "documents", None)
    if documents is not None:
        return list(documents)
    ids = [int(i) for i in error.fields.get("duplicates", []) if str(i).isdigit()]
    return list(IncomingDocument.objects.filter(pk__in=ids).order_by("-id"))


@staff_view
@require_POST
def reception_receive(request: HttpRequest, reception_id: int) -> HttpResponse:
    """ "Tiếp nhận vào sổ": register the document in the incoming register (status 03)."""
    actor = actor_of(request)
    reception = selectors.reception_get(actor=actor, reception_id=reception_id)
    require_register(actor, reception.agency_id)
    form = _receive_form(request, reception, request.POST)
    duplicates: list[IncomingDocument] = []
    if form.is_valid():
        try:
            document = x.reception_receive(
                actor=actor,
                reception_id=reception.pk,
                data=form.incoming_data(sender_agency_id=reception.sender_id),
                confirm_duplicate=form.cleaned_data["confirm_duplicate"],
            )
        except InvalidTransition as exc:
            messages.error(request, exc.message)
            return redirect("exchange:reception_detail", reception_id=reception.pk)
        except Conflict as exc:
            if str(exc.code) == "duplicate" or "duplicates" in exc.fields:
                duplicates = _duplicates(exc)
                form.add_error(None, exc.message)
            else:
                add_service_errors(form, exc)
        except (ValidationFailed, PermissionDenied, NotFound) as exc:
            add_service_errors(form, exc, field_map=FIELD_MAP)
        else:
            messages.success(
                request,
                f"Đã tiếp nhận vào sổ văn bản đến số {document.arrival_number}/{document.year} "
                f"({document.register.name}).",
            )
            return redirect("registry:incoming_detail", document_id=document.pk)
    return _render_detail(request, reception, receive_form=form, duplicates=duplicates)


@staff_view
@require_POST
def reception_return(request: HttpRequest, reception_id: int) -> HttpResponse:
    """ "Trả lại": return the document to its sender with a reason (status 02)."""
    actor = actor_of(request)
    reception = selectors.reception_get(actor=actor, reception_id=reception_id)
    require_register(actor, reception.agency_id)
    form = ReceptionReturnForm(request.POST)
    if form.is_valid():
        try:
            x.reception_return(
                actor=actor, reception_id=reception.pk, reason=form.cleaned_data["reason"]
            )
        except InvalidTransition as exc:
            messages.error(request, exc.message)
            return redirect("exchange:reception_detail", reception_id=reception.pk)
        except (ValidationFailed, PermissionDenied, NotFound) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Đã trả lại văn bản cho nơi gửi.")
            return redirect("exchange:reception_detail", reception_id=reception.pk)
    return _render_detail(request, reception, return_form=form)


@staff_view
@require_POST
def change_request_decide(request: HttpRequest, request_id: int) -> HttpResponse:
    """Accept (15) or refuse (16) the sender's request to take a document back."""
    actor = actor_of(request)
    change: ChangeRequest = selectors.change_request_get(actor=actor, request_id=request_id)
    reception = selectors.reception_get(actor=actor, reception_id=change.reception_id)
    require_register(actor, reception.agency_id)
    form = ChangeRequestDecideForm(request.POST, prefix=f"yc{change.pk}")
    if form.is_valid():
        try:
            x.change_request_decide(
                actor=actor,
                request_id=change.pk,
                accept=form.accepts,
                note=form.cleaned_data["note"],
            )
        except InvalidTransition as exc:
            messages.error(request, exc.message)
            return redirect("exchange:reception_detail", reception_id=reception.pk)
        except Conflict as exc:
            # Accepting a replacement receives the new document: it may look already registered.
            form.add_error(None, exc.message)
        except (ValidationFailed, PermissionDenied, NotFound) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, DECIDED[(change.business_type, form.accepts)])
            return redirect("exchange:reception_detail", reception_id=reception.pk)
    reception = selectors.reception_get(actor=actor, reception_id=reception.pk)
    return _render_detail(request, reception, decide_forms={change.pk: form})


def file_response(stored: ReceptionFile, *, as_attachment: bool = False) -> FileResponse:
    """Stream a file that arrived, byte for byte, with its name safely encoded.

    `nosniff` keeps a browser from running it as another type than the stated one, and it is
    never kept in a shared cache. A file missing from storage is "not found".
    """
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        raise NotFound(selectors.FILE_NOT_FOUND) from None
    response = FileResponse(
        handle,
        content_type=stored.content_type or "application/octet-stream",
        as_attachment=as_attachment,
        filename=stored.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
@xframe_options_sameorigin
def reception_file(request: HttpRequest, reception_id: int, file_id: int) -> HttpResponseBase:
    """Serve a file that arrived, byte for byte (inline, or downloaded with `?tai=1`)."""
    try:
        stored = selectors.reception_file_get(
            actor=actor_of(request), reception_id=reception_id, file_id=file_id
        )
        return file_response(stored, as_attachment=request.GET.get("tai") == "1")
    except NotFound:
        return render_error(request, 404)


@staff_view
@require_POST
def delivery_retry(request: HttpRequest, delivery_id: int) -> HttpResponse:
    """ "Gửi lại": send a delivery whose attempts ran out again (the sender's clerk)."""
    from vanthu.exchange.outbound import delivery_retry as retry

    try:
        delivery = retry(actor=actor_of(request), delivery_id=delivery_id)
    except InvalidTransition as exc:
        messages.error(request, exc.message)
        return redirect("exchange:reception_list")
    messages.success(request, f"Đã gửi lại văn bản tới {delivery.recipient_name}.")
    return redirect(f"/van-ban/di/{delivery.outgoing_id}/#noi-nhan-{delivery.pk}")


@staff_view
@require_GET
def sending_failed_list(request: HttpRequest) -> HttpResponse:
    """ "Gửi không thành công": the acting agency's sendings whose attempts ran out."""
    actor = actor_of(request)
    agency = acting_agency(request)
    failed = DeliveryState.FAILED
    return render(
        request,
        "exchange/sending_failed_list.html",
        {
            "agency": agency,
            "deliveries": list(
                selectors.sending_delivery_list(actor=actor, state=failed)[: PAGE_SIZE * 4]
            ),
            "messages_failed": list(
                selectors.outbox_list(actor=actor, state=failed)[: PAGE_SIZE * 4]
            ),
            "may_retry": permissions.can_register(actor, agency.pk),
        },
    )


@staff_view
@require_POST
def outbox_retry(request: HttpRequest, message_id: int) -> HttpResponse:
    """ "Gửi lại": send a status report or take-back whose attempts ran out again (clerks)."""
    from vanthu.exchange.outbound import outbox_retry as retry

    try:
        message = retry(actor=actor_of(request), message_id=message_id)
    except InvalidTransition as exc:
        messages.error(request, exc.message)
        return redirect("exchange:sending_failed_list")
    messages.success(request, f"Đã gửi lại gói tin tới {message.peer_identifier}.")
    if request.POST.get("ve") == "danh-sach":
        return redirect("exchange:sending_failed_list")
    if message.reception_id is not None:
        return redirect("exchange:reception_detail", reception_id=message.reception_id)
    if message.delivery is not None:
        return redirect(f"/van-ban/di/{message.delivery.outgoing_id}/#lien-thong")
    return redirect("exchange:sending_failed_list")
