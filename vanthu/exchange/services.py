"""Services of the exchange: deliver issued documents, receive or return them, report status.

Sender's side: `deliveries_create` runs inside the transaction in which the clerk sends an
issued document (the outbox, ADR 0018). A recipient hosted on this instance gets its `Reception`
in that same transaction, so it is in the clerk's queue the moment the sending commits, and
"01 arrived" comes back at once (Điều 11 of QĐ 22; NĐ 64/2007 Điều 37). Recipients elsewhere
are left `pending` for the transport.

Receiver's side: the clerk receives a document into the incoming register (03) or returns it
with a reason (02); handling reports 04, 05, 06 by itself (`workflow.signals`). A sender's
request to take a document back (13) is accepted (15: the document leaves use, its line stays)
or refused (16) by the receiving clerk (QĐ 28/2018/QĐ-TTg Điều 9).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from vanthu.core.actor import Actor
from vanthu.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from vanthu.core.journal import journal_record, snapshot
from vanthu.core.text import normalize_text
from vanthu.exchange.choices import (
    BusinessType,
    ChangeState,
    DeliveryState,
    ReceptionState,
    Route,
    StatusCode,
)
from vanthu.exchange.envelope import Envelope, envelope_of
from vanthu.exchange.models import (
    ChangeRequest,
    Delivery,
    OutgoingChange,
    Reception,
    ReceptionFile,
    StatusEvent,
)
from vanthu.organizations.models import Agency
from vanthu.registry.choices import FileRole, IntakeChannel, OutgoingStatus
from vanthu.registry.incoming import (
    IncomingData,
    incoming_document_register,
    incoming_document_revoke,
)
from vanthu.registry.models import DocumentFile, DocumentType, IncomingDocument, OutgoingDocument
from vanthu.registry.outgoing import is_digitally_signed, paper_copy_required
from vanthu.registry.permissions import can_register, can_view_documents
from vanthu.registry.stored_files import Saved, stored_files_remove

logger = logging.getLogger(__name__)

NOT_FOUND = "Không tìm thấy văn bản liên thông."
DENIED = "Chỉ văn thư của cơ quan nhận được tiếp nhận hoặc trả lại văn bản liên thông."
INVALID = "Thông tin chưa hợp lệ; hãy sửa các mục được đánh dấu."
# The order in which a recipient's status moves on; a later code never goes back.
PROGRESS = {
    StatusCode.ARRIVED: 1,
    StatusCode.REGISTERED: 3,
    StatusCode.ASSIGNED: 4,
    StatusCode.IN_PROGRESS: 5,
    StatusCode.DONE: 6,
}
STAGE_CODES = {
    "assigned": StatusCode.ASSIGNED,
    "in_progress": StatusCode.IN_PROGRESS,
    "done": StatusCode.DONE,
}


def _progress(code: str) -> int:
    """Return how far a status code has come (0 for none, and for the non-progress codes)."""
    return PROGRESS.get(StatusCode(code), 0) if code in StatusCode.values else 0


def _journal(
    actor: Actor, action: str, instance: Delivery | Reception | ChangeRequest, agency_id: int
) -> None:
    journal_record(
        actor=actor,
        action=action,
        instance=instance,
        agency_id=agency_id,
        after=snapshot(instance),
    )


def _read(file: DocumentFile | ReceptionFile) -> bytes:
    with file.file.open("rb") as handle:
        content: bytes = handle.read()
    return content


# --- Sender's side -------------------------------------------------------------------------


def route_of(agency: Agency) -> str:
    if agency.is_hosted:
        return Route.LOCAL
    from vanthu.exchange.partners import partner_for

    partner = partner_for(agency.identifier)
    return Route.HUB if partner is not None and partner.is_hub else Route.PARTNER


def deliveries_create(*, actor: Actor, document: OutgoingDocument) -> list[Delivery]:
    """Send an issued document to every recipient agency of its "Nơi nhận" (the outbox).

    Runs in the transaction in which the clerk sends it (`outgoing_document_mark_sent`, which
    records the sending time of Điều 10.1). Hosted recipients receive it at once; each
    delivery keeps the time it reached its recipient.
    """
    change = OutgoingChange.objects.filter(replacement=document).first()
    if change is not None:
        # Marked as replacing a document sent before: sent as a replacement (type 3).
        from vanthu.exchange.changes import replacement_deliveries_create

        return replacement_deliveries_create(actor=actor, document=document, change=change)
    recipients = {
        r.agency_id: r.agency
        for r in document.recipients.filter(agency__isnull=False, is_filing_copy=False)
        .exclude(agency_id=document.agency_id)
        .select_related("agency")
        if r.agency is not None
    }
    if not recipients:
        return []
    envelope = envelope_of(
        document,
        paper_copy_follows=paper_copy_required(document, signed=is_digitally_signed(document)),
    )
    files = list(
        DocumentFile.objects.filter(
            outgoing=document,
            role__in=(FileRole.ORIGINAL, FileRole.ATTACHMENT),
            is_current=True,
        ).order_by("role", "id")
    )
    contents = [
        FileContent(f.original_name, f.content_type, f.role == FileRole.ORIGINAL, _read(f))
        for f in files
    ]
    deliveries = []
    now = document.sent_at or timezone.now()
    for agency in recipients.values():
        delivery = Delivery.objects.create(
            agency_id=document.agency_id,
            outgoing=document,
            recipient=agency,
            recipient_identifier=agency.identifier,
            recipient_name=agency.name,
            route=route_of(agency),
        )
        if delivery.route == Route.LOCAL:
            deliver_here(delivery, envelope=envelope, contents=contents, at=now)
        else:
            from vanthu.exchange.outbound import send_enqueue

            send_enqueue("delivery", delivery.pk)
        _journal(actor, "exchange.delivery.create", delivery, document.agency_id)
        deliveries.append(delivery)
    return deliveries


@dataclass(frozen=True)
class FileContent:
    """A file to deliver: its name, type, whether it is the main text, and its bytes."""

    name: str
    content_type: str
    is_main: bool
    data: bytes


def deliver_here(
    delivery: Delivery,
    *,
    envelope: Envelope,
    contents: Sequence[FileContent],
    at: datetime,
    state: str = ReceptionState.AWAITING,
) -> Reception:
    """Hand a delivery to a recipient hosted on this instance: a reception and its files.

    An update's reception (`state` UPDATE) is not announced as a document to receive: the
    sender's request on the reception it updates is.
    """
    from vanthu.exchange.tasks import reception_files_check

    assert delivery.recipient_id is not None
    reception = Reception.objects.create(
        agency_id=delivery.recipient_id,
        packet_id=delivery.packet_id,
        delivery=delivery,
        sender_id=delivery.agency_id,
        sender_identifier=envelope.sender_identifier,
        sender_name=envelope.sender_name,
        document_id=envelope.document_id,
        metadata=envelope.to_dict(),
        arrived_at=at,
        state=state,
    )
    saved: Saved = []
    try:
        for file in contents:
            stored = ReceptionFile(
                reception=reception,
                name=file.name,
                content_type=file.content_type,
                size=len(file.data),
                sha256=hashlib.sha256(file.data).hexdigest(),
                is_main=file.is_main,
            )
            stored.file.save(file.name, ContentFile(file.data), save=False)
            saved.append((stored.file.storage, str(stored.file.name)))
            stored.save()
    except BaseException:
        stored_files_remove(saved)
        raise
    reception_files_check.enqueue(reception.pk)
    delivery.state = DeliveryState.DELIVERED
    delivery.delivered_at = at
    delivery.attempts += 1
    delivery.save(update_fields=["state", "delivered_at", "attempts", "updated_at"])
    reception_arrived(reception, envelope, at=at)
    return reception


def reception_arrived(reception: Reception, envelope: Envelope, *, at: datetime) -> None:
    """Acknowledge a document's arrival (01) and tell the recipient's clerks it awaits them.

    Điều 11 (NĐ 64/2007 Điều 37): at once. An update's reception (state `update`) is neither:
    the sender's request on the document it updates is announced, and answered 15 or 16.
    """
    if reception.state == ReceptionState.UPDATE:
        return
    status_report(reception, StatusCode.ARRIVED, at=at)
    if reception.state == ReceptionState.AWAITING:
        reception_announce(reception, envelope)


def reception_link(reception_id: int) -> str:
    """Return the path of a reception's page (for notices); see `exchange.urls`."""
    return f"/lien-thong/den/{reception_id}/"


def reception_announce(reception: Reception, envelope: Envelope) -> None:
    """Tell the recipient's clerks a document awaits them (urgent ones flagged)."""
    from vanthu.workflow.choices import NotificationKind

    _tell_clerks(
        reception.agency_id,
        kind=NotificationKind.EXCHANGE_ARRIVED,
        title=f"{envelope.sender_name}: {envelope.number_notation} — {envelope.summary}",
        link=reception_link(reception.pk),
        urgent=envelope.urgency != "normal",
    )


def status_record(
    *,
    delivery: Delivery,
    code: str,
    at: datetime,
    description: str = "",
    staff: str = "",
) -> StatusEvent:
    """Record a status a recipient reported for a delivery (the sender's view of it)."""
    if code not in StatusCode.values:
        raise ValidationFailed(INVALID, fields={"code": [f"Mã tình trạng không hợp lệ: {code}."]})
    event = StatusEvent.objects.create(
        delivery=delivery, code=code, at=at, description=description[:500], staff=staff[:200]
    )
    moves_on = code not in PROGRESS or PROGRESS[StatusCode(code)] >= _progress(delivery.status_code)
    if moves_on:
        delivery.status_code = code
        delivery.status_at = at
        delivery.status_description = description[:500]
        delivery.save(update_fields=["status_code", "status_at", "status_description"])
    if code in (StatusCode.RETURNED, StatusCode.CHANGE_ACCEPTED, StatusCode.CHANGE_REFUSED):
        _tell_sender(delivery, code, description)
    return event


def _tell_clerks(agency_id: int, *, kind: str, title: str, link: str, urgent: bool = False) -> None:
    """Put a notice in the inbox of every active clerk of an agency."""
    from vanthu.organizations.choices import Role
    from vanthu.organizations.models import RoleGrant
    from vanthu.workflow.notify import notify

    clerks = RoleGrant.objects.filter(
        agency_id=agency_id, role=Role.CLERK, person__is_active=True
    ).values_list("person_id", flat=True)
    for person_id in sorted(set(clerks)):
        notify(
            person_id=person_id,
            kind=kind,
            title=title[:300],
            link=link,
            agency_id=agency_id,
            urgent=urgent,
        )


def _tell_sender(delivery: Delivery, code: str, description: str) -> None:
    """Notify the clerks of the sending agency of a return or of an answer to their request."""
    from vanthu.workflow.choices import NotificationKind

    title = (
        f"{delivery.recipient_name}: {StatusCode(code).label} — {delivery.outgoing.number_notation}"
    )
    _tell_clerks(
        delivery.agency_id,
        kind=NotificationKind.EXCHANGE_STATUS,
        title=f"{title} ({description})" if description else title,
        link=f"/van-ban/di/{delivery.outgoing_id}/",
    )


def status_report(reception: Reception, code: str, *, at: datetime, description: str = "") -> None:
    """Report a status of a reception to its sender (each progress code once, in order)."""
    staff = ""
    if reception.decided_by_id is not None and reception.decided_by is not None:
        staff = reception.decided_by.full_name
    if code in PROGRESS:
        reached = _progress(reception.reported_code)
        if PROGRESS[StatusCode(code)] <= reached:
            return
        reception.reported_code = code
        reception.save(update_fields=["reported_code", "updated_at"])
    if reception.delivery is not None:
        status_record(
            delivery=reception.delivery, code=code, at=at, description=description, staff=staff
        )
        return
    from vanthu.exchange.transport import status_outbox_add

    status_outbox_add(reception=reception, code=code, at=at, description=description, staff=staff)


def delivery_list(*, actor: Actor, outgoing_id: int) -> QuerySet[Delivery]:
    """Return the deliveries of an outgoing document the actor may see (the sender's view)."""
    document = OutgoingDocument.objects.filter(pk=outgoing_id).first()
    if document is None or not can_view_documents(actor, document.agency_id):
        raise NotFound("Không tìm thấy văn bản đi.")
    return (
        Delivery.objects.filter(outgoing_id=outgoing_id)
        .prefetch_related("events")
        .order_by("recipient_name", "id")
    )


def take_back_request(
    *, actor: Actor, document: OutgoingDocument, reason: str
) -> list[ChangeRequest]:
    """Ask every recipient to take a revoked document back (status 13; BussinessDocType 1)."""
    if document.status != OutgoingStatus.REVOKED:
        raise InvalidTransition("Chỉ yêu cầu lấy lại văn bản đã thu hồi.")
    now = timezone.now()
    requests = []
    held = (BusinessType.NEW, BusinessType.REPLACE)  # a replacing document is held too
    for delivery in Delivery.objects.filter(outgoing=document, business_type__in=held):
        status_record(
            delivery=delivery,
            code=StatusCode.TAKE_BACK_REQUESTED,
            at=now,
            description=reason,
            staff=actor.name,
        )
        reception = getattr(delivery, "reception", None)
        if reception is None:
            if delivery.route != Route.LOCAL:
                from vanthu.exchange.transport import take_back_outbox_add

                take_back_outbox_add(delivery=delivery, reason=reason, at=now)
            continue
        requests.append(change_request_add(reception, BusinessType.REVOKE, reason, now))
    return requests


REQUEST_TITLES = {
    BusinessType.REVOKE: "yêu cầu lấy lại văn bản",
    BusinessType.UPDATE: "gửi bản cập nhật của văn bản",
    BusinessType.REPLACE: "gửi văn bản thay thế văn bản",
}


def change_request_add(
    reception: Reception,
    business_type: str,
    reason: str,
    at: datetime,
    *,
    replacement: Reception | None = None,
) -> ChangeRequest:
    """Put a sender's request (take back, update, replace) on a reception; tell its clerks.

    `replacement` is the reception of the new version (update or replacement).
    """
    from vanthu.workflow.choices import NotificationKind

    request = ChangeRequest.objects.create(
        reception=reception,
        business_type=business_type,
        reason=reason[:500],
        requested_at=at,
        replacement=replacement,
    )
    what = REQUEST_TITLES.get(BusinessType(business_type), "yêu cầu về văn bản")
    _tell_clerks(
        reception.agency_id,
        kind=NotificationKind.EXCHANGE_CHANGE,
        title=f"{reception.sender_name} {what} {reception.document_id}",
        link=reception_link(reception.pk),
        urgent=True,
    )
    return request


# --- Receiver's side -----------------------------------------------------------------------


def _locked_reception(actor: Actor, reception_id: int) -> Reception:
    reception = (
        Reception.objects.select_for_update(of=("self",))
        .select_related("delivery")
        .filter(pk=reception_id)
        .first()
    )
    if reception is None or not can_view_documents(actor, reception.agency_id):
        raise NotFound(NOT_FOUND)
    if actor.person_id is None or not can_register(actor, reception.agency_id):
        raise PermissionDenied(DENIED)
    if actor.agency_id != reception.agency_id:
        # The register written to is the acting agency's: act for the recipient to receive.
        raise PermissionDenied("Hãy chuyển sang làm việc cho cơ quan nhận văn bản này.")
    return reception


def reception_data(reception: Reception) -> IncomingData:
    """Return the incoming register's fields as the sender's metadata fills them."""
    envelope = Envelope.from_dict(reception.metadata)
    document_type = DocumentType.objects.filter(code=envelope.type_code).first()
    if document_type is None:
        document_type = DocumentType.objects.filter(name=envelope.type_name).first()
    if document_type is None:
        document_type = DocumentType.objects.get(code="cong-van")
    return IncomingData(
        document_date=envelope.document_date,
        document_type_id=document_type.pk,
        summary=envelope.summary,
        sender_agency_id=reception.sender_id,
        sender_name="" if reception.sender_id else envelope.sender_name,
        number=envelope.number,
        notation=envelope.notation,
        signer_name=envelope.signer_name,
        signer_position=envelope.signer_position,
        urgency=envelope.urgency,
        due_date=envelope.due_date,
        page_count=envelope.page_count,
    )


def reception_receive(
    *,
    actor: Actor,
    reception_id: int,
    data: IncomingData | None = None,
    confirm_duplicate: bool = False,
) -> IncomingDocument:
    """Receive a document into the incoming register (status 03 to the sender).

    `data` is what the clerk confirmed or corrected; by default the sender's metadata. The
    files are registered byte for byte as they arrived.
    """
    with transaction.atomic():
        reception = _locked_reception(actor, reception_id)
        if reception.state != ReceptionState.AWAITING:
            raise InvalidTransition(
                f"Văn bản đã được xử lý ({reception.get_state_display().lower()})."
            )
        fields = data or reception_data(reception)
        if fields.sender_agency_id is None and reception.sender_id is not None:
            fields = replace(fields, sender_agency_id=reception.sender_id)
        files = [(stored.name, _read(stored)) for stored in reception.files.filter(is_current=True)]
        incoming = incoming_document_register(
            actor=actor,
            data=fields,
            files=files,
            channel=IntakeChannel.EXCHANGE,
            confirm_duplicate=confirm_duplicate,
        )
        now = timezone.now()
        reception.state = ReceptionState.RECEIVED
        reception.incoming = incoming
        reception.decided_by_id = actor.person_id
        reception.decided_at = now
        reception.save(update_fields=["state", "incoming", "decided_by", "decided_at"])
        _journal(actor, "exchange.reception.receive", reception, reception.agency_id)
        status_report(
            reception,
            StatusCode.REGISTERED,
            at=now,
            description=f"Số đến {incoming.arrival_number}",
        )
    return incoming


def reception_match(*, actor: Actor, reception_id: int, incoming_id: int) -> Reception:
    """Record that a reception is the document already registered as `incoming_id` (03).

    For a document the clerk registered by hand from another channel before its electronic
    copy was taken from the queue: no second line in the register.
    """
    with transaction.atomic():
        reception = _locked_reception(actor, reception_id)
        if reception.state != ReceptionState.AWAITING:
            raise InvalidTransition(
                f"Văn bản đã được xử lý ({reception.get_state_display().lower()})."
            )
        incoming = (
            IncomingDocument.objects.select_for_update(of=("self",))
            .filter(pk=incoming_id, agency_id=reception.agency_id, reception__isnull=True)
            .first()
        )
        if incoming is None:
            raise NotFound("Không tìm thấy văn bản đến chưa gắn với văn bản liên thông nào.")
        now = timezone.now()
        reception.state = ReceptionState.RECEIVED
        reception.incoming = incoming
        reception.decided_by_id = actor.person_id
        reception.decided_at = now
        reception.save(update_fields=["state", "incoming", "decided_by", "decided_at"])
        _journal(actor, "exchange.reception.match", reception, reception.agency_id)
        status_report(
            reception,
            StatusCode.REGISTERED,
            at=now,
            description=f"Số đến {incoming.arrival_number}",
        )
    return reception


def reception_return(*, actor: Actor, reception_id: int, reason: str) -> Reception:
    """Return a document to its sender with a reason (status 02; QĐ 28/2018 Điều 9)."""
    text = normalize_text(reason or "", field="reason").strip()
    if not text:
        raise ValidationFailed(INVALID, fields={"reason": ["Cần ghi lý do trả lại."]})
    if len(text) > 500:
        raise ValidationFailed(INVALID, fields={"reason": ["Lý do dài quá 500 ký tự."]})
    with transaction.atomic():
        reception = _locked_reception(actor, reception_id)
        if reception.state != ReceptionState.AWAITING:
            raise InvalidTransition(
                f"Văn bản đã được xử lý ({reception.get_state_display().lower()})."
            )
        now = timezone.now()
        reception.state = ReceptionState.RETURNED
        reception.reason = text
        reception.decided_by_id = actor.person_id
        reception.decided_at = now
        reception.save(update_fields=["state", "reason", "decided_by", "decided_at"])
        _journal(actor, "exchange.reception.return", reception, reception.agency_id)
        status_report(reception, StatusCode.RETURNED, at=now, description=text)
    return reception


def change_request_decide(
    *, actor: Actor, request_id: int, accept: bool, note: str = ""
) -> ChangeRequest:
    """The receiving clerk accepts (15) or refuses (16) the sender's request.

    Take back (1): the document leaves use, its line and files stay. Update (2): the corrected
    metadata and files apply to the awaiting reception or the registered document, the earlier
    ones kept (`changes.update_apply`). Replacement (3): the old document leaves use, marked
    replaced, and the new one is received into the register (`changes.replacement_apply`).
    The answer goes to the sender on the request's own delivery: the take-back's document, or
    the new version's packet.
    """
    text = normalize_text(note or "", field="note").strip()[:500]
    with transaction.atomic():
        request = (
            ChangeRequest.objects.select_for_update(of=("self",))
            .select_related("reception")
            .filter(pk=request_id)
            .first()
        )
        if request is None:
            raise NotFound(NOT_FOUND)
        reception = _locked_reception(actor, request.reception_id)
        if request.state != ChangeState.PENDING:
            raise InvalidTransition("Yêu cầu này đã được quyết định.")
        if not accept and not text:
            raise ValidationFailed(INVALID, fields={"note": ["Cần ghi lý do từ chối."]})
        now = timezone.now()
        request.state = ChangeState.ACCEPTED if accept else ChangeState.REFUSED
        request.decided_by_id = actor.person_id
        request.decided_at = now
        request.decision_note = text
        request.save()
        if accept and request.business_type == BusinessType.REVOKE:
            if reception.incoming_id is not None:
                incoming_document_revoke(
                    actor=actor, document_id=reception.incoming_id, reason=request.reason
                )
            reception.state = ReceptionState.REVOKED
            reception.save(update_fields=["state", "updated_at"])
        elif accept:
            from vanthu.exchange import changes

            if request.business_type == BusinessType.UPDATE:
                changes.update_apply(actor=actor, request=request, reception=reception)
            elif request.business_type == BusinessType.REPLACE:
                changes.replacement_apply(actor=actor, request=request, reception=reception)
        _journal(
            actor,
            "exchange.change_request.accept" if accept else "exchange.change_request.refuse",
            request,
            reception.agency_id,
        )
        code = StatusCode.CHANGE_ACCEPTED if accept else StatusCode.CHANGE_REFUSED
        answered = reception
        if request.replacement_id is not None and request.replacement is not None:
            answered = request.replacement
        status_report(answered, code, at=now, description=text)
    return request


def on_handling_stage_reached(
    sender: object, *, incoming_id: int, stage: str, actor: Actor, **kwargs: object
) -> None:
    """Receiver of `workflow.signals.handling_stage_reached`: report 04, 05, 06 to the sender."""
    reception = (
        Reception.objects.select_for_update(of=("self",))
        .select_related("delivery")
        .filter(incoming_id=incoming_id)
        .first()
    )
    if reception is None or stage not in STAGE_CODES:
        return
    status_report(reception, STAGE_CODES[stage], at=timezone.now())


def on_outgoing_sent(
    sender: object, *, document: OutgoingDocument, actor: Actor, **kwargs: object
) -> None:
    """Receiver of `registry.signals.outgoing_sent`: write the deliveries."""
    deliveries_create(actor=actor, document=document)


def on_outgoing_revoked(
    sender: object, *, document: OutgoingDocument, actor: Actor, reason: str, **kwargs: object
) -> None:
    """Receiver of `registry.signals.outgoing_revoked`: ask the recipients to take it back."""
    if Delivery.objects.filter(outgoing=document).exists():
        take_back_request(actor=actor, document=document, reason=reason)
