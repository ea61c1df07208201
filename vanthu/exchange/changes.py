"""Update (BussinessDocType 2) and replacement (3) of a document already sent (ADR 0020).

Sender's side. `update_send`: the clerk corrects the metadata or the files of a document the
agency sent; the correction (`OutgoingChange` with the corrected `Envelope` and files) goes at
once to every recipient that got the document, with the same DocumentId. `replacement_mark`:
before sending a new issued document, the clerk marks it as replacing one sent before; when it
is sent ("Gửi văn bản", `services.deliveries_create`), the recipients of the old document get
it as a replacement naming the old DocumentId, the new document's other recipients as a new
document. Each such delivery records "13" (request) and is answered 15 or 16.

Receiver's side. The new version arrives as a `Reception` (an update's in state `update`,
outside the queue; a replacement's as a document to receive) and a `ChangeRequest` on the
reception of the old document. Accepting applies it (`update_apply`, `replacement_apply`,
called by `services.change_request_decide`); nothing stored is lost or altered: earlier
metadata stays in the journal, earlier files stay stored and are no longer current.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from vanthu.core.actor import Actor
from vanthu.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from vanthu.core.journal import journal_record, snapshot
from vanthu.core.text import normalize_text
from vanthu.exchange import services as x
from vanthu.exchange.choices import (
    BusinessType,
    ChangeKind,
    ReceptionState,
    Route,
    StatusCode,
)
from vanthu.exchange.envelope import Envelope, envelope_of
from vanthu.exchange.models import (
    ChangeRequest,
    Delivery,
    OutgoingChange,
    OutgoingChangeFile,
    Reception,
    ReceptionFile,
)
from vanthu.exchange.packets import PacketFile
from vanthu.organizations.models import Agency
from vanthu.registry.choices import FileRole, OutgoingStatus
from vanthu.registry.files import upload_inspect
from vanthu.registry.incoming import (
    AMENDABLE,
    amendment_clean,
    incoming_document_amend,
    incoming_document_revoke,
)
from vanthu.registry.models import DocumentFile, OutgoingDocument
from vanthu.registry.outgoing import is_digitally_signed, paper_copy_required
from vanthu.registry.permissions import can_register, can_view_documents
from vanthu.registry.stored_files import Saved, stored_files_remove

NOT_FOUND = "Không tìm thấy văn bản đi."
DENIED = "Chỉ văn thư của cơ quan gửi được cập nhật hoặc thay thế văn bản đã gửi."
INVALID = "Thông tin chưa hợp lệ; hãy sửa các mục được đánh dấu."
# What an update may correct (the number, notation and date make the DocumentId: a document
# with others is a new document, which replaces this one).
# What an update may correct: the fields the receiver's register lets a correction amend.
UPDATE_FIELDS = AMENDABLE
# A reception a sender's update or replacement can still apply to.
OPEN_STATES = (ReceptionState.AWAITING, ReceptionState.RECEIVED)


# --- Sender's side -------------------------------------------------------------------------


def _reason(reason: str) -> str:
    text = normalize_text(reason or "", field="reason").strip()
    if not text:
        raise ValidationFailed(INVALID, fields={"reason": ["Cần ghi lý do."]})
    if len(text) > 500:
        raise ValidationFailed(INVALID, fields={"reason": ["Lý do dài quá 500 ký tự."]})
    return text


def _clerk_document(actor: Actor, document_id: int) -> OutgoingDocument:
    document = (
        OutgoingDocument.objects.select_for_update(of=("self",))
        .select_related("agency", "document_type")
        .filter(pk=document_id)
        .first()
    )
    if document is None or not can_view_documents(actor, document.agency_id):
        raise NotFound(NOT_FOUND)
    if (
        actor.person_id is None
        or actor.agency_id != document.agency_id
        or not can_register(actor, document.agency_id)
    ):
        raise PermissionDenied(DENIED)
    return document


def _journal(actor: Actor, action: str, change: OutgoingChange, **extra: Any) -> None:
    journal_record(
        actor=actor,
        action=action,
        instance=change,
        agency_id=change.agency_id,
        after={**snapshot(change), **extra},
    )


def current_envelope(document: OutgoingDocument) -> Envelope:
    """Return the metadata the recipients hold of a sent document (its latest update)."""
    latest = (
        OutgoingChange.objects.filter(outgoing=document, business_type=ChangeKind.UPDATE)
        .order_by("-id")
        .first()
    )
    if latest is not None and latest.metadata:
        return Envelope.from_dict(latest.metadata)
    return envelope_of(
        document,
        paper_copy_follows=paper_copy_required(document, signed=is_digitally_signed(document)),
    )


def _update_values(base: Envelope, changes: Mapping[str, Any]) -> dict[str, Any]:
    values = amendment_clean(changes)
    return {k: v for k, v in values.items() if getattr(base, k) != v}


# The deliveries that carry a document to a recipient who then holds it: as a new document, or
# as the replacement of one it held. Updates and revocations carry no document of their own.
DOCUMENT_DELIVERIES = (BusinessType.NEW, BusinessType.REPLACE)


def _sent_deliveries(document: OutgoingDocument) -> list[Delivery]:
    """The recipients that got the document and did not return it (one delivery each)."""
    return list(
        Delivery.objects.filter(outgoing=document, business_type__in=DOCUMENT_DELIVERIES)
        .exclude(status_code=StatusCode.RETURNED)
        .select_related("reception", "recipient")
        .order_by("id")
    )


def _open_reception(delivery: Delivery) -> Reception | None:
    reception: Reception | None = getattr(delivery, "reception", None)
    return reception if reception is not None and reception.state in OPEN_STATES else None


def update_send(
    *,
    actor: Actor,
    document_id: int,
    reason: str,
    changes: Mapping[str, Any],
    files: Sequence[tuple[str, bytes]] = (),
) -> OutgoingChange:
    """Send a correction of a sent document to its recipients ("Cập nhật", type 2).

    `changes` holds the corrected fields (`UPDATE_FIELDS`), `files` the corrected files (the
    first is the main text); one of them must change something. Each recipient that got the
    document (and did not return it) is asked to accept the correction (13).
    """
    text = _reason(reason)
    uploads = [upload_inspect(name=name, data=data) for name, data in files]
    saved: Saved = []
    try:
        with transaction.atomic():
            document = _clerk_document(actor, document_id)
            if document.status != OutgoingStatus.ISSUED or document.sent_at is None:
                raise InvalidTransition("Chỉ cập nhật được văn bản đã phát hành và đã gửi.")
            deliveries = _sent_deliveries(document)
            deliveries = [
                d for d in deliveries if d.route != Route.LOCAL or _open_reception(d) is not None
            ]
            if not deliveries:
                raise InvalidTransition(
                    "Không còn nơi nhận nào giữ văn bản này qua hệ thống để gửi bản cập nhật."
                )
            base = current_envelope(document)
            values = _update_values(base, changes)
            if not values and not uploads:
                raise ValidationFailed(
                    "Bản cập nhật chưa thay đổi gì: hãy sửa thông tin hoặc gửi tệp mới.",
                    fields={"__all__": ["Chưa có thay đổi nào."]},
                )
            updated = replace(base, **values)
            now = timezone.now()
            assert actor.person_id is not None
            change = OutgoingChange.objects.create(
                agency_id=document.agency_id,
                business_type=ChangeKind.UPDATE,
                outgoing=document,
                reason=text,
                metadata=updated.to_dict(),
                requested_by_id=actor.person_id,
                requested_at=now,
                sent_at=now,
            )
            contents = []
            for index, upload in enumerate(uploads):
                stored = OutgoingChangeFile(
                    change=change,
                    name=upload.name,
                    content_type=upload.content_type,
                    size=upload.size,
                    sha256=upload.sha256,
                    is_main=index == 0,
                )
                stored.file.save(upload.name, ContentFile(upload.content), save=False)
                saved.append((stored.file.storage, str(stored.file.name)))
                stored.save()
                contents.append(
                    x.FileContent(upload.name, upload.content_type, index == 0, upload.content)
                )
            for old in deliveries:
                _change_deliver(
                    actor,
                    change,
                    document,
                    old,
                    old.recipient,
                    envelope=updated,
                    contents=contents,
                    at=now,
                    description=f"Cập nhật: {text}",
                )
            _journal(
                actor,
                "exchange.change.update",
                change,
                before=base.to_dict(),
                files=[u.sha256 for u in uploads],
            )
    except BaseException:
        stored_files_remove(saved)
        raise
    return change


def _change_deliver(
    actor: Actor,
    change: OutgoingChange,
    document: OutgoingDocument,
    old: Delivery,
    agency: Agency | None,
    *,
    envelope: Envelope,
    contents: Sequence[x.FileContent],
    at: datetime,
    description: str,
) -> Delivery:
    """Send an update (type 2) or a replacing document (type 3) where `old` went: here, the
    new version and the sender's request on the reception still open; to a partner, a packet
    queued. Recorded as a take-back requested on the new delivery (of `document`: the one
    updated, or the one replacing it)."""
    update = change.business_type == ChangeKind.UPDATE
    kind = BusinessType.UPDATE if update else BusinessType.REPLACE
    delivery = _delivery_add(document, agency, old, kind, change)
    if delivery.route == Route.LOCAL:
        new = x.deliver_here(
            delivery,
            envelope=envelope,
            contents=contents,
            at=at,
            state=ReceptionState.UPDATE if update else ReceptionState.AWAITING,
        )
        target = _open_reception(old)
        if target is not None:
            x.change_request_add(target, kind, change.reason, at, replacement=new)
    else:
        from vanthu.exchange.outbound import send_enqueue

        send_enqueue("delivery", delivery.pk)
    x.status_record(
        delivery=delivery,
        code=StatusCode.TAKE_BACK_REQUESTED,
        at=at,
        description=description,
        staff=actor.name,
    )
    return delivery


def _delivery_add(
    document: OutgoingDocument,
    agency: Agency | None,
    old: Delivery | None,
    business_type: str,
    change: OutgoingChange | None,
) -> Delivery:
    if agency is not None:
        identifier, name, route = agency.identifier, agency.name, x.route_of(agency)
    else:
        assert old is not None
        identifier, name, route = old.recipient_identifier, old.recipient_name, old.route
    return Delivery.objects.create(
        agency_id=document.agency_id,
        outgoing=document,
        business_type=business_type,
        change=change,
        recipient=agency,
        recipient_identifier=identifier,
        recipient_name=name,
        route=route,
    )


def replaceable_documents(
    *, actor: Actor, document: OutgoingDocument
) -> QuerySet[OutgoingDocument]:
    """Return the agency's sent documents a new document may replace, newest first."""
    if not can_view_documents(actor, document.agency_id):
        return OutgoingDocument.objects.none()
    return (
        OutgoingDocument.objects.filter(
            agency_id=document.agency_id,
            status=OutgoingStatus.ISSUED,
            sent_at__isnull=False,
            deliveries__business_type__in=DOCUMENT_DELIVERIES,
        )
        .exclude(pk=document.pk)
        .exclude(
            pk__in=OutgoingChange.objects.filter(business_type=ChangeKind.REPLACE)
            .exclude(replacement=document)
            .values("outgoing_id")
        )
        .distinct()
        .order_by("-sent_at", "-id")
    )


def replacement_mark(
    *, actor: Actor, document_id: int, replaces_id: int, reason: str
) -> OutgoingChange:
    """Mark an issued document, not yet sent, as replacing a document sent before (type 3)."""
    text = _reason(reason)
    with transaction.atomic():
        document = _clerk_document(actor, document_id)
        if document.status != OutgoingStatus.ISSUED or document.sent_at is not None:
            raise InvalidTransition("Chỉ đánh dấu thay thế cho văn bản đã phát hành và chưa gửi.")
        old = replaceable_documents(actor=actor, document=document).filter(pk=replaces_id).first()
        if old is None:
            raise ValidationFailed(
                INVALID,
                fields={
                    "replaces": [
                        "Chọn một văn bản đã gửi qua hệ thống của cơ quan, chưa bị thay thế."
                    ]
                },
            )
        change = OutgoingChange.objects.filter(replacement=document).first()
        before = snapshot(change) if change is not None else None
        if change is None:
            change = OutgoingChange(
                agency_id=document.agency_id,
                business_type=ChangeKind.REPLACE,
                replacement=document,
            )
        assert actor.person_id is not None
        change.outgoing = old
        change.reason = text
        change.requested_by_id = actor.person_id
        change.requested_at = timezone.now()
        change.save()
        journal_record(
            actor=actor,
            action="exchange.change.replace_mark",
            instance=change,
            agency_id=change.agency_id,
            before=before,
            after=snapshot(change),
        )
    return change


def replacement_unmark(*, actor: Actor, document_id: int) -> None:
    """Undo `replacement_mark` while the new document is not sent yet."""
    with transaction.atomic():
        document = _clerk_document(actor, document_id)
        change = OutgoingChange.objects.filter(replacement=document).first()
        if change is None:
            raise NotFound("Văn bản này chưa được đánh dấu thay thế văn bản nào.")
        if change.sent_at is not None or document.sent_at is not None:
            raise InvalidTransition("Văn bản thay thế đã được gửi; không bỏ đánh dấu được.")
        journal_record(
            actor=actor,
            action="exchange.change.replace_unmark",
            instance=change,
            agency_id=change.agency_id,
            before=snapshot(change),
        )
        change.delete()


def replacement_deliveries_create(
    *, actor: Actor, document: OutgoingDocument, change: OutgoingChange
) -> list[Delivery]:
    """Send a replacing document (inside its sending): type 3 to the old one's recipients.

    The new document's own recipients that did not get the old one receive it as new.
    """
    envelope = envelope_of(
        document,
        paper_copy_follows=paper_copy_required(document, signed=is_digitally_signed(document)),
    )
    files = DocumentFile.objects.filter(
        outgoing=document, role__in=(FileRole.ORIGINAL, FileRole.ATTACHMENT), is_current=True
    ).order_by("role", "id")
    contents = []
    for file in files:
        with file.file.open("rb") as handle:
            data = handle.read()
        contents.append(
            x.FileContent(
                file.original_name, file.content_type, file.role == FileRole.ORIGINAL, data
            )
        )
    now = document.sent_at or timezone.now()
    old_deliveries = {d.recipient_identifier: d for d in _sent_deliveries(change.outgoing)}
    recipients = {
        r.agency.identifier: r.agency
        for r in document.recipients.filter(agency__isnull=False, is_filing_copy=False)
        .exclude(agency_id=document.agency_id)
        .select_related("agency")
        if r.agency is not None
    }
    deliveries = []
    for identifier, old in old_deliveries.items():
        delivery = _change_deliver(
            actor,
            change,
            document,
            old,
            recipients.get(identifier, old.recipient),
            envelope=envelope,
            contents=contents,
            at=now,
            description=f"Thay thế văn bản {change.outgoing.number_notation}: {change.reason}",
        )
        deliveries.append(delivery)
    for identifier, agency in recipients.items():
        if identifier in old_deliveries:
            continue
        delivery = _delivery_add(document, agency, None, BusinessType.NEW, None)
        if delivery.route == Route.LOCAL:
            x.deliver_here(delivery, envelope=envelope, contents=contents, at=now)
        else:
            from vanthu.exchange.outbound import send_enqueue

            send_enqueue("delivery", delivery.pk)
        deliveries.append(delivery)
    for delivery in deliveries:
        journal_record(
            actor=actor,
            action="exchange.delivery.create",
            instance=delivery,
            agency_id=document.agency_id,
            after=snapshot(delivery),
        )
    change.sent_at = now
    change.save(update_fields=["sent_at", "updated_at"])
    return deliveries


def change_list(*, actor: Actor, outgoing_id: int) -> QuerySet[OutgoingChange]:
    """Return the updates and replacements of an outgoing document (either side of one)."""
    document = OutgoingDocument.objects.filter(pk=outgoing_id).first()
    if document is None or not can_view_documents(actor, document.agency_id):
        raise NotFound(NOT_FOUND)
    return (
        OutgoingChange.objects.filter(Q(outgoing_id=outgoing_id) | Q(replacement_id=outgoing_id))
        .select_related("outgoing", "replacement", "requested_by")
        .prefetch_related("files", "deliveries__events")
        .order_by("id")
    )


def change_file_get(*, actor: Actor, change_id: int, file_id: int) -> OutgoingChangeFile:
    """Return one file of an update the actor may see (the sender's people), or NotFound."""
    stored = (
        OutgoingChangeFile.objects.select_related("change")
        .filter(pk=file_id, change_id=change_id)
        .first()
    )
    if stored is None or not can_view_documents(actor, stored.change.agency_id):
        raise NotFound("Không tìm thấy tệp.")
    return stored


# --- Receiver's side -----------------------------------------------------------------------


def change_target(agency: Agency, sender_identifier: str, document_id: str) -> Reception | None:
    """Return the reception an update or replacement from another system applies to."""
    return (
        Reception.objects.filter(
            agency=agency,
            sender_identifier=sender_identifier,
            document_id=document_id,
            state__in=OPEN_STATES,
        )
        .order_by("-id")
        .first()
    )


def _read(stored: ReceptionFile) -> bytes:
    with stored.file.open("rb") as handle:
        data: bytes = handle.read()
    return data


def update_apply(*, actor: Actor, request: ChangeRequest, reception: Reception) -> None:
    """Apply an accepted update to the reception (awaiting) or its registered document."""
    update = request.replacement
    assert update is not None
    if reception.state not in OPEN_STATES:
        raise InvalidTransition(
            f"Văn bản đã {reception.get_state_display().lower()}; không cập nhật được."
        )
    new_files = list(update.files.filter(is_current=True))
    before_files = list(reception.files.filter(is_current=True))
    before = {"metadata": reception.metadata, "files": [f.sha256 for f in before_files]}
    if reception.incoming_id is not None:
        envelope = Envelope.from_dict(update.metadata)
        incoming_document_amend(
            actor=actor,
            document_id=reception.incoming_id,
            values={name: getattr(envelope, name) for name in UPDATE_FIELDS},
            files=[(f.name, _read(f)) for f in new_files],
            reason=request.reason,
        )
    saved: Saved = []
    try:
        if new_files:
            ReceptionFile.objects.filter(pk__in=[f.pk for f in before_files]).update(
                is_current=False
            )
            for source in new_files:
                data = _read(source)
                copy = ReceptionFile(
                    reception=reception,
                    name=source.name,
                    content_type=source.content_type,
                    size=len(data),
                    sha256=hashlib.sha256(data).hexdigest(),
                    is_main=source.is_main,
                    signature_status=source.signature_status,
                    signature_report=source.signature_report,
                )
                copy.file.save(source.name, ContentFile(data), save=False)
                saved.append((copy.file.storage, str(copy.file.name)))
                copy.save()
        reception.metadata = update.metadata
        reception.save(update_fields=["metadata", "updated_at"])
    except BaseException:
        stored_files_remove(saved)
        raise
    journal_record(
        actor=actor,
        action="exchange.reception.update",
        instance=reception,
        agency_id=reception.agency_id,
        before=before,
        after={
            "metadata": reception.metadata,
            "files": [f.sha256 for f in (new_files or before_files)],
        },
    )


def replacement_apply(*, actor: Actor, request: ChangeRequest, reception: Reception) -> None:
    """Take the replaced document out of use and receive the new one into the register."""
    new = request.replacement
    assert new is not None
    if reception.state not in OPEN_STATES:
        raise InvalidTransition(
            f"Văn bản đã {reception.get_state_display().lower()}; không thay thế được."
        )
    label = Envelope.from_dict(new.metadata).number_notation
    if reception.incoming_id is not None:
        incoming_document_revoke(
            actor=actor,
            document_id=reception.incoming_id,
            reason=f"Được thay thế bởi văn bản {label}: {request.reason}",
        )
    reception.state = ReceptionState.REPLACED
    reception.save(update_fields=["state", "updated_at"])
    if new.state == ReceptionState.AWAITING:
        x.reception_receive(actor=actor, reception_id=new.pk)


def change_packet_parts(
    change: OutgoingChange, envelope: Envelope, files: list[PacketFile]
) -> tuple[Envelope, list[PacketFile], str, str, datetime]:
    """Return what the packet of an update or replacement delivery carries.

    (envelope, files, reason, replaced DocumentId, time): an update its corrected metadata and
    files (none when only the metadata changed); a replacement the new document as it is.
    """
    at = change.sent_at or timezone.now()
    if change.business_type == ChangeKind.UPDATE:
        assert change.metadata is not None
        corrected = []
        for stored in change.files.all():
            with stored.file.open("rb") as handle:
                data = handle.read()
            corrected.append(PacketFile(stored.name, stored.content_type, data, stored.is_main))
        return Envelope.from_dict(change.metadata), corrected, change.reason, "", at
    replaced = envelope_of(change.outgoing, paper_copy_follows=False).document_id
    return envelope, files, change.reason, replaced, at
