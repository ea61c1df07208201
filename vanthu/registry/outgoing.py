"""Outgoing documents (văn bản đi): register, issue with a number, send, dispatch the paper copy.

QĐ 22/2017 Điều 6.2 and 10; numbering and notation of NĐ 30/2020 Điều 15 and Phụ lục I.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from vanthu.core.actor import Actor
from vanthu.core.calendar import working_calendar
from vanthu.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from vanthu.core.journal import journal_record, snapshot
from vanthu.core.text import normalize_text
from vanthu.organizations.choices import Role
from vanthu.organizations.models import Agency, RoleGrant, Unit
from vanthu.registry.choices import (
    ExchangeMode,
    FileRole,
    OutgoingStatus,
    Purpose,
    RegisterKind,
    SignatureStatus,
    Urgency,
)
from vanthu.registry.files import StoredUpload, upload_inspect
from vanthu.registry.models import (
    DocumentFile,
    DocumentType,
    Field,
    OutgoingDocument,
    OutgoingRecipient,
    PaperDispatchTask,
    Register,
)
from vanthu.registry.numbering import number_take
from vanthu.registry.permissions import can_register, can_view_documents
from vanthu.registry.policy import exchange_mode_for
from vanthu.registry.registers import register_for, registers_ensure_defaults
from vanthu.registry.signals import (
    outgoing_issue_checking,
    outgoing_issuing,
    outgoing_revoked,
    outgoing_sent,
)
from vanthu.registry.stored_files import Saved, document_file_store, stored_files_remove

logger = logging.getLogger(__name__)

NOT_FOUND_MESSAGE = "Không tìm thấy."
CLERK_ONLY = "Chỉ văn thư của cơ quan được vào sổ, phát hành văn bản đi."
INVALID_MESSAGE = "Thông tin văn bản đi chưa hợp lệ."
VBDT = "(VBĐT)"


@dataclass(frozen=True, slots=True)
class OutgoingData:
    """The fields of Điều 6.2.c the clerk enters before issue (number and date come at issue)."""

    document_type_id: int
    summary: str
    drafting_unit_id: int | None = None
    field_id: int | None = None
    purpose: str = Purpose.BETWEEN_AGENCIES
    is_permanent_retention: bool = False
    urgency: str = Urgency.NORMAL
    signer_name: str = ""
    signer_position: str = ""
    copies: int = 1
    page_count: int | None = None
    notes: str = ""
    # The leader who signs: a person of the agency; name and position default to theirs.
    signer_id: int | None = None
    # QĐ 22 Điều 3.4: the recipients must keep the original, so paper follows even if signed.
    original_required: bool = False


@dataclass(frozen=True, slots=True)
class RecipientData:
    """One line of "Nơi nhận": an agency of the directory, or a free-text place."""

    agency_id: int | None = None
    place: str = ""
    is_filing_copy: bool = False


def _check_clerk(actor: Actor, agency_id: int) -> None:
    if not can_view_documents(actor, agency_id):
        raise NotFound(NOT_FOUND_MESSAGE)
    if not can_register(actor, agency_id):
        raise PermissionDenied(CLERK_ONLY)


def _text(
    value: str, field: str, limit: int, errors: dict[str, list[str]], *, required: bool = False
) -> str:
    text = normalize_text(value, field=field)
    if required and not text:
        errors.setdefault(field, []).append("Trường này không được để trống.")
    if len(text) > limit:
        errors.setdefault(field, []).append(f"Tối đa {limit} ký tự (đang có {len(text)}).")
    return text


def _clean(
    agency_id: int, data: OutgoingData, recipients: Sequence[RecipientData]
) -> tuple[dict[str, object], list[dict[str, object]]]:
    errors: dict[str, list[str]] = {}
    values: dict[str, object] = {
        "summary": _text(data.summary, "summary", 500, errors, required=True),
        "signer_name": _text(data.signer_name, "signer_name", 50, errors),
        "signer_position": _text(data.signer_position, "signer_position", 100, errors),
        "notes": _text(data.notes, "notes", 500, errors),
        "purpose": data.purpose,
        "urgency": data.urgency,
        "is_permanent_retention": bool(data.is_permanent_retention),
        "original_required": bool(data.original_required),
        "signer": None,
        "copies": data.copies,
        "page_count": data.page_count,
        "document_type": DocumentType.objects.filter(pk=data.document_type_id).first(),
        "drafting_unit": None,
        "field": None,
    }
    if values["document_type"] is None:
        errors["document_type_id"] = ["Loại văn bản không tồn tại."]
    if data.purpose not in Purpose.values:
        errors["purpose"] = ["Mục đích không hợp lệ."]
    if data.urgency not in Urgency.values:
        errors["urgency"] = ["Độ khẩn không hợp lệ."]
    if not 1 <= data.copies <= 32767:
        errors["copies"] = ["Số lượng bản phát hành phải từ 1 trở lên."]
    if data.page_count is not None and not 1 <= data.page_count <= 32767:
        errors["page_count"] = ["Số trang phải từ 1 trở lên."]
    if data.drafting_unit_id is not None:
        unit = Unit.objects.filter(
            pk=data.drafting_unit_id, agency_id=agency_id, is_active=True
        ).first()
        if unit is None:
            errors["drafting_unit_id"] = ["Đơn vị soạn thảo không thuộc cơ quan."]
        values["drafting_unit"] = unit
    if data.field_id is not None:
        field = Field.objects.filter(pk=data.field_id, agency_id=agency_id, is_active=True).first()
        if field is None:
            errors["field_id"] = ["Lĩnh vực không thuộc cơ quan."]
        values["field"] = field
    if data.signer_id is not None:
        _clean_signer(agency_id, data.signer_id, values, errors)
    lines: list[dict[str, object]] = []
    if not recipients:
        errors["recipients"] = ["Hãy nhập ít nhất một nơi nhận."]
    for position, recipient in enumerate(recipients):
        key = f"recipients[{position}]"
        place = _text(recipient.place, f"{key}.place", 200, errors)
        agency = None
        if recipient.agency_id is not None:
            agency = Agency.objects.filter(pk=recipient.agency_id, is_active=True).first()
            if agency is None:
                errors[f"{key}.agency_id"] = ["Cơ quan nhận không có trong danh bạ."]
            elif not place:
                place = agency.name
        elif not place:
            errors.setdefault(f"{key}.place", []).append(
                "Hãy chọn cơ quan nhận hoặc nhập nơi nhận."
            )
        lines.append(
            {
                "agency": agency,
                "place": place,
                "is_filing_copy": bool(recipient.is_filing_copy),
                "position": position,
            }
        )
    if errors:
        raise ValidationFailed(INVALID_MESSAGE, fields=errors)
    return values, lines


# Who signs for the agency: its leaders, or unit heads signing "thừa lệnh" (NĐ 30 Điều 13).
SIGNING_ROLES = (Role.LEADER, Role.UNIT_HEAD)


def _clean_signer(
    agency_id: int, signer_id: int, values: dict[str, object], errors: dict[str, list[str]]
) -> None:
    grant = (
        RoleGrant.objects.filter(
            person_id=signer_id,
            person__is_active=True,
            agency_id=agency_id,
            role__in=SIGNING_ROLES,
        )
        .select_related("person", "position")
        .order_by("role")
        .first()
    )
    if grant is None:
        errors["signer_id"] = ["Người ký phải là lãnh đạo của cơ quan."]
        return
    values["signer"] = grant.person
    if not values["signer_name"]:
        values["signer_name"] = grant.person.full_name[:50]
    if not values["signer_position"] and grant.position is not None:
        values["signer_position"] = grant.position.name[:100]


def _apply_mode(document: OutgoingDocument) -> None:
    mode, _rule = exchange_mode_for(
        agency_id=document.agency_id,
        document_type=document.document_type,
        purpose=document.purpose,
        is_legal_normative=document.document_type.is_legal_normative,
        is_permanent_retention=document.is_permanent_retention,
    )
    document.exchange_mode = mode


def _journal(
    actor: Actor,
    action: str,
    document: OutgoingDocument,
    before: dict[str, Any] | None = None,
    *,
    files: Sequence[StoredUpload] = (),
) -> None:
    after = snapshot(document)
    after["recipients"] = [r.place for r in document.recipients.all()]
    if files:
        after["files"] = [upload.sha256 for upload in files]
    journal_record(
        actor=actor,
        action=action,
        instance=document,
        agency_id=document.agency_id,
        before=before,
        after=after,
    )


def _store_files(
    *,
    person_id: int,
    document: OutgoingDocument,
    uploads: Sequence[StoredUpload],
    role: str = FileRole.ORIGINAL,
    stored_files: list[DocumentFile] | None = None,
) -> Saved:
    """Store the uploads as files of the document; return what to delete if the caller fails."""
    saved: Saved = []
    try:
        for upload in uploads:
            stored = document_file_store(
                document=document,
                role=role,
                upload=upload,
                uploaded_by_id=person_id,
                saved=saved,
            )
            if stored_files is not None:
                stored_files.append(stored)
    except BaseException:
        stored_files_remove(saved)
        raise
    return saved


def outgoing_document_create(
    *,
    actor: Actor,
    data: OutgoingData,
    recipients: Sequence[RecipientData],
    files: Sequence[tuple[str, bytes]] = (),
    attachments: Sequence[tuple[str, bytes]] = (),
) -> OutgoingDocument:
    """Enter an outgoing document, its text and attachments in the register, not numbered."""
    # The register names the person who entered the document: a person, in an agency.
    if actor.agency_id is None or actor.person_id is None:
        raise PermissionDenied(CLERK_ONLY)
    _check_clerk(actor, actor.agency_id)
    values, lines = _clean(actor.agency_id, data, recipients)
    # Every file is checked before anything is stored (a bad file stores nothing).
    uploads = [upload_inspect(name=name, data=content) for name, content in files]
    annexes = [upload_inspect(name=name, data=content) for name, content in attachments]
    saved: Saved = []
    try:
        with transaction.atomic():
            document = OutgoingDocument(
                agency_id=actor.agency_id, created_by_id=actor.person_id, **values
            )
            _apply_mode(document)
            document.save()
            OutgoingRecipient.objects.bulk_create(
                OutgoingRecipient(document=document, **line) for line in lines
            )
            saved = _store_files(person_id=actor.person_id, document=document, uploads=uploads)
            saved += _store_files(
                person_id=actor.person_id,
                document=document,
                uploads=annexes,
                role=FileRole.ATTACHMENT,
            )
            _journal(actor, "registry.outgoing.create", document, files=[*uploads, *annexes])
    except BaseException:
        # The transaction is rolled back; the stored bytes must go with it.
        stored_files_remove(saved)
        raise
    return document


def _locked(actor: Actor, document_id: int) -> OutgoingDocument:
    document = (
        OutgoingDocument.objects.select_for_update(of=("self",))
        .select_related("agency", "document_type", "drafting_unit")
        .filter(pk=document_id)
        .first()
    )
    if document is None:
        raise NotFound(NOT_FOUND_MESSAGE)
    _check_clerk(actor, document.agency_id)
    return document


def _require_draft(document: OutgoingDocument) -> None:
    if document.status != OutgoingStatus.DRAFT:
        raise InvalidTransition("Văn bản đã phát hành, không sửa hoặc xóa được.")


def outgoing_document_update(
    *, actor: Actor, document_id: int, data: OutgoingData, recipients: Sequence[RecipientData]
) -> OutgoingDocument:
    """Change an outgoing document before it is issued."""
    with transaction.atomic():
        document = _locked(actor, document_id)
        _require_draft(document)
        values, lines = _clean(document.agency_id, data, recipients)
        before = snapshot(document)
        for name, value in values.items():
            setattr(document, name, value)
        _apply_mode(document)
        document.save()
        document.recipients.all().delete()
        OutgoingRecipient.objects.bulk_create(
            OutgoingRecipient(document=document, **line) for line in lines
        )
        _journal(actor, "registry.outgoing.update", document, before)
    return document


def outgoing_document_delete(*, actor: Actor, document_id: int) -> None:
    """Abandon an outgoing draft; it never took a number, so no number is lost."""
    with transaction.atomic():
        document = _locked(actor, document_id)
        _require_draft(document)
        journal_record(
            actor=actor,
            action="registry.outgoing.delete",
            instance=document,
            agency_id=document.agency_id,
            before=snapshot(document),
        )
        document.delete()


OUTGOING_FILE_ROLES = (FileRole.ORIGINAL, FileRole.ATTACHMENT)


def outgoing_document_files_add(
    *,
    actor: Actor,
    document_id: int,
    files: Sequence[tuple[str, bytes]],
    role: str = FileRole.ORIGINAL,
) -> list[DocumentFile]:
    """Attach the document's files (the text, or attachments) before it is issued."""
    if role not in OUTGOING_FILE_ROLES:
        raise ValidationFailed(INVALID_MESSAGE, fields={"role": ["Vai trò tệp không hợp lệ."]})
    if not files:
        raise ValidationFailed(INVALID_MESSAGE, fields={"files": ["Hãy chọn ít nhất một tệp."]})
    uploads = [upload_inspect(name=name, data=content) for name, content in files]
    saved: Saved = []
    stored: list[DocumentFile] = []
    try:
        with transaction.atomic():
            document = _locked(actor, document_id)
            _require_draft(document)
            if actor.person_id is None:
                raise PermissionDenied(CLERK_ONLY)
            saved = _store_files(
                person_id=actor.person_id,
                document=document,
                uploads=uploads,
                role=role,
                stored_files=stored,
            )
            _journal(actor, "registry.outgoing.files_add", document, files=uploads)
    except BaseException:
        stored_files_remove(saved)
        raise
    return stored


def outgoing_document_revoke(*, actor: Actor, document_id: int, reason: str) -> OutgoingDocument:
    """Revoke an issued document; its number stays taken and its paper copy is not sent."""
    errors: dict[str, list[str]] = {}
    text = _text(reason, "reason", 500, errors, required=True)
    if errors:
        raise ValidationFailed(INVALID_MESSAGE, fields=errors)
    with transaction.atomic():
        document = _locked(actor, document_id)
        if document.status != OutgoingStatus.ISSUED:
            raise InvalidTransition("Chỉ thu hồi được văn bản đã phát hành.")
        before = snapshot(document)
        document.status = OutgoingStatus.REVOKED
        document.revoked_at = timezone.now()
        document.revoked_by_id = actor.person_id
        document.revocation_reason = text
        document.save(
            update_fields=[
                "status",
                "revoked_at",
                "revoked_by",
                "revocation_reason",
                "updated_at",
            ]
        )
        _journal(actor, "registry.outgoing.revoke", document, before)
        outgoing_revoked.send(sender=OutgoingDocument, document=document, actor=actor, reason=text)
    return document


def is_digitally_signed(document: OutgoingDocument) -> bool:
    """Return whether the document's current text carries a signature that verified."""
    return DocumentFile.objects.filter(
        outgoing=document,
        role=FileRole.ORIGINAL,
        is_current=True,
        signature_status=SignatureStatus.VALID,
    ).exists()


def paper_copy_required(document: OutgoingDocument, *, signed: bool) -> bool:
    """Return whether a paper copy follows the electronic one (QĐ 22 Điều 5, 3.4, 10.3).

    Điều 5 lists the documents exchanged electronically and on paper; Điều 3.4 spares signed
    documents the paper, unless the recipients must keep the original.
    """
    if document.exchange_mode != ExchangeMode.ELECTRONIC_AND_PAPER:
        return False
    return document.original_required or not signed


def _outgoing_register(*, agency_id: int, document_type: DocumentType) -> Register:
    """Return the outgoing register of the type; legal normative types never share one."""
    registers_ensure_defaults(agency_id=agency_id)
    register = register_for(
        agency_id=agency_id, kind=RegisterKind.OUTGOING, document_type=document_type
    )
    if document_type.is_legal_normative and not register.is_legal_normative:
        # NĐ 30/2020 Điều 15: a separate series for each legal normative type, also for the
        # types the defaults do not cover.
        register, _ = Register.objects.get_or_create(
            agency_id=agency_id,
            kind=RegisterKind.OUTGOING,
            name=f"Sổ {document_type.name}"[:150],
            defaults={"is_legal_normative": True},
        )
        register.document_types.add(document_type)
    return register


def notation_for(document: OutgoingDocument, *, year: int) -> str:
    """Return the ký hiệu of a document (NĐ 30/2020 Phụ lục I, II.3), e.g. `QĐ-STTTT`."""
    agency = document.agency.short_name
    abbreviation = document.document_type.abbreviation
    if document.document_type.is_legal_normative:
        # Legal normative: the year is part of the number, 22/2017/QĐ-UBND.
        return f"{year}/{abbreviation}-{agency}" if abbreviation else f"{year}/{agency}"
    if abbreviation:
        return f"{abbreviation}-{agency}"
    # Công văn has no abbreviation: agency, then drafting unit (125/STTTT-VP).
    unit = document.drafting_unit.short_name if document.drafting_unit else ""
    return f"{agency}-{unit}" if unit else agency


def outgoing_document_issue(
    *, actor: Actor, document_id: int, document_date: date | None = None
) -> OutgoingDocument:
    """Issue a document: take its number from its register and build its notation, once."""
    with transaction.atomic():
        document = _locked(actor, document_id)
        if document.status != OutgoingStatus.DRAFT:
            raise InvalidTransition("Văn bản đã được cấp số, không cấp số lần nữa.")
        outgoing_issue_checking.send(sender=OutgoingDocument, document=document, actor=actor)
        today = timezone.localdate()
        day = document_date or today
        if day > today:
            raise ValidationFailed(
                INVALID_MESSAGE, fields={"document_date": ["Ngày văn bản không được sau hôm nay."]}
            )
        notation = notation_for(document, year=day.year)
        if len(notation) > 30:
            raise ValidationFailed(
                INVALID_MESSAGE, fields={"notation": ["Ký hiệu dài quá 30 ký tự."]}
            )
        before = snapshot(document)
        register = _outgoing_register(
            agency_id=document.agency_id, document_type=document.document_type
        )
        document.register = register
        document.year = day.year
        document.number = number_take(register=register, year=day.year)
        document.notation = notation
        document.document_date = day
        document.status = OutgoingStatus.ISSUED
        document.issued_by_id = actor.person_id
        _apply_mode(document)
        # The signatures app checks the signer's signature and applies the agency's; if it
        # refuses, the transaction rolls back and the number returns to the register.
        outgoing_issuing.send(sender=OutgoingDocument, document=document, actor=actor)
        document.save()
        _journal(actor, "registry.outgoing.issue", document, before)
    return document


def recipients_display(document: OutgoingDocument) -> list[str]:
    """Return the "Nơi nhận" lines; electronic-only ones carry "(VBĐT)" (QĐ 22 Điều 3.2.d)."""
    electronic_only = document.exchange_mode == ExchangeMode.ELECTRONIC_ONLY
    lines = []
    for recipient in document.recipients.all():
        marked = electronic_only and recipient.agency_id is not None
        marked = marked and not recipient.is_filing_copy
        lines.append(f"{recipient.place} {VBDT}" if marked else recipient.place)
    return lines


def outgoing_document_mark_sent(
    *, actor: Actor, document_id: int, sent_at: datetime | None = None
) -> OutgoingDocument:
    """Record when sending succeeded (Điều 10) and, for Điều 5 documents, the paper task."""
    now = timezone.now()
    sent = sent_at or now
    with transaction.atomic():
        document = _locked(actor, document_id)
        if document.status != OutgoingStatus.ISSUED:
            raise InvalidTransition("Chỉ gửi được văn bản đã phát hành.")
        if document.sent_at is not None:
            raise InvalidTransition("Văn bản đã được ghi nhận gửi.")
        if timezone.is_naive(sent) or sent > now:
            raise ValidationFailed(
                INVALID_MESSAGE, fields={"sent_at": ["Thời điểm gửi không hợp lệ."]}
            )
        before = snapshot(document)
        document.sent_at = sent
        document.save(update_fields=["sent_at", "updated_at"])
        if paper_copy_required(document, signed=is_digitally_signed(document)):
            # Điều 10.3: the signed paper copy follows within 0.5 working day.
            calendar = working_calendar(sessions=document.agency.office_sessions)
            PaperDispatchTask.objects.create(
                document=document, due_at=calendar.add_half_days(sent, 1)
            )
        _journal(actor, "registry.outgoing.send", document, before)
        outgoing_sent.send(sender=OutgoingDocument, document=document, actor=actor)
    return document


def paper_dispatch_complete(*, actor: Actor, task_id: int) -> PaperDispatchTask:
    """Tick off the paper copy of a document as sent by the clerk."""
    with transaction.atomic():
        task = (
            PaperDispatchTask.objects.select_for_update(of=("self",))
            .select_related("document")
            .filter(pk=task_id)
            .first()
        )
        if task is None:
            raise NotFound(NOT_FOUND_MESSAGE)
        _check_clerk(actor, task.document.agency_id)
        if task.done_at is not None:
            raise InvalidTransition("Bản giấy đã được ghi nhận gửi.")
        before = snapshot(task)
        task.done_at = timezone.now()
        task.done_by_id = actor.person_id
        task.save(update_fields=["done_at", "done_by"])
        journal_record(
            actor=actor,
            action="registry.paper_dispatch.complete",
            instance=task,
            agency_id=task.document.agency_id,
            before=before,
            after=snapshot(task),
        )
    return task


def paper_dispatch_list(*, actor: Actor) -> QuerySet[PaperDispatchTask]:
    """Return the paper-dispatch tasks of the actor's agency, pending and done, by id.

    A revoked document's paper copy is no longer sent, so its task leaves the list.
    """
    if actor.agency_id is None or not can_view_documents(actor, actor.agency_id):
        return PaperDispatchTask.objects.none()
    return PaperDispatchTask.objects.filter(
        document__agency_id=actor.agency_id, document__status=OutgoingStatus.ISSUED
    ).order_by("id")


def paper_dispatch_overdue(*, actor: Actor) -> QuerySet[PaperDispatchTask]:
    """Return the paper copies of the actor's agency not sent by their due time (the alert)."""
    return (
        paper_dispatch_list(actor=actor)
        .filter(done_at__isnull=True, due_at__lt=timezone.now())
        .select_related("document")
        .order_by("due_at", "id")
    )
