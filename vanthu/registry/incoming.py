"""Services of the incoming register: register a document, record its paper copy (QĐ 22 Điều 6.1).

All or nothing: the metadata and every file are checked before the transaction; the row, the
number, the files and the journal row are written in one transaction, and files already written
to storage are deleted again when it fails, so a refused registration leaves no trace.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from vanthu.core.actor import Actor
from vanthu.core.calendar import working_calendar
from vanthu.core.errors import (
    Conflict,
    ErrorCode,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from vanthu.core.journal import journal_record, snapshot
from vanthu.core.text import AmbiguousEncoding, fold, normalize_text
from vanthu.organizations.models import Agency
from vanthu.registry.choices import FileRole, IncomingStatus, IntakeChannel, RegisterKind, Urgency
from vanthu.registry.files import StoredUpload, scan_to_pdf, upload_inspect
from vanthu.registry.models import DocumentFile, DocumentType, Field, IncomingDocument
from vanthu.registry.numbering import number_take
from vanthu.registry.permissions import can_register, can_view_documents
from vanthu.registry.registers import register_for
from vanthu.registry.stored_files import Saved, document_file_store, stored_files_remove

logger = logging.getLogger(__name__)

NOT_FOUND = "Không tìm thấy văn bản đến."
DENIED = "Chỉ văn thư của cơ quan được vào sổ văn bản đến."
INVALID = "Thông tin văn bản đến chưa hợp lệ; hãy sửa các mục được đánh dấu."
DUPLICATE = (
    "Văn bản này có thể đã được vào sổ (trùng nơi gửi, số, ký hiệu và ngày, hoặc trùng tệp). "
    "Hãy kiểm tra; nếu đúng là văn bản khác, xác nhận để vào sổ."
)
TEXT_FIELDS = (
    "sender_name",
    "number",
    "notation",
    "summary",
    "signer_name",
    "signer_position",
    "filing_location",
    "notes",
)
FILE_CHANNELS = frozenset({IntakeChannel.ELECTRONIC, IntakeChannel.EXCHANGE})


@dataclass(frozen=True)
class IncomingData:
    """The metadata of an incoming document (QĐ 22 Điều 6.1.d; NĐ 30/2020 Phụ lục VI)."""

    document_date: date
    document_type_id: int
    summary: str
    sender_agency_id: int | None = None
    sender_name: str = ""
    number: str = ""
    notation: str = ""
    field_id: int | None = None
    signer_name: str = ""
    signer_position: str = ""
    urgency: str = Urgency.NORMAL
    filing_location: str = ""
    due_date: date | None = None
    page_count: int | None = None
    notes: str = ""


def _max_length(name: str) -> int:
    return int(getattr(IncomingDocument._meta.get_field(name), "max_length", 0) or 0)


def _clean(*, agency_id: int, data: IncomingData) -> dict[str, object]:
    """Return the model values of `data`, or raise ValidationFailed naming every bad field."""
    errors: dict[str, list[str]] = {}
    values: dict[str, object] = {}
    for name in TEXT_FIELDS:
        raw = getattr(data, name) or ""
        try:
            text = normalize_text(str(raw), field=name)
        except AmbiguousEncoding as error:
            errors[name] = [error.message]
            continue
        limit = _max_length(name)
        if len(text) > limit:
            errors[name] = [f"Dài {len(text)} ký tự, tối đa {limit} ký tự."]
        values[name] = text
    if not values.get("summary") and "summary" not in errors:
        errors["summary"] = ["Cần nhập trích yếu nội dung."]
    sender: Agency | None = None
    if data.sender_agency_id is not None:
        sender = Agency.objects.filter(pk=data.sender_agency_id).first()
        if sender is None:
            errors["sender_agency_id"] = ["Cơ quan gửi không có trong danh bạ."]
        elif not values.get("sender_name"):
            values["sender_name"] = sender.name
    elif not values.get("sender_name") and "sender_name" not in errors:
        errors["sender_name"] = ["Cần chọn cơ quan gửi hoặc nhập nơi gửi."]
    values["sender_agency"] = sender
    document_type = DocumentType.objects.filter(pk=data.document_type_id).first()
    if document_type is None:
        errors["document_type_id"] = ["Loại văn bản không tồn tại."]
    values["document_type"] = document_type
    field = None
    if data.field_id is not None:
        field = Field.objects.filter(pk=data.field_id, agency_id=agency_id, is_active=True).first()
        if field is None:
            errors["field_id"] = ["Lĩnh vực không thuộc cơ quan hoặc đã ngừng dùng."]
    values["field"] = field
    if data.urgency not in Urgency.values:
        errors["urgency"] = ["Độ khẩn không hợp lệ."]
    values["urgency"] = data.urgency
    today = timezone.localdate()
    if not isinstance(data.document_date, date) or isinstance(data.document_date, datetime):
        errors["document_date"] = ["Ngày văn bản không hợp lệ."]
    elif data.document_date > today:
        errors["document_date"] = [
            f"Ngày văn bản {data.document_date:%d/%m/%Y} ở tương lai (hôm nay {today:%d/%m/%Y})."
        ]
    elif data.due_date is not None and data.due_date < data.document_date:
        errors["due_date"] = ["Hạn xử lý không được trước ngày văn bản."]
    values["document_date"] = data.document_date
    values["due_date"] = data.due_date
    if data.page_count is not None and not 1 <= data.page_count <= 32767:
        errors["page_count"] = ["Số trang phải từ 1 đến 32767."]
    values["page_count"] = data.page_count
    if errors:
        raise ValidationFailed(INVALID, fields=errors)
    return values


def _uploads(*, channel: str, files: Sequence[tuple[str, bytes]]) -> list[tuple[str, StoredUpload]]:
    """Return the files to store with their roles; checks every file before anything is stored."""
    if channel == IntakeChannel.PAPER_SCAN:
        if not files:
            raise ValidationFailed(
                "Cần tải lên bản quét của văn bản giấy.", fields={"files": ["Chưa có tệp quét."]}
            )
        pdf = scan_to_pdf(images_or_pdfs=list(files))
        return [(FileRole.SCAN, upload_inspect(name="ban-quet.pdf", data=pdf))]
    if channel not in FILE_CHANNELS:
        raise ValidationFailed("Hình thức nhận không hợp lệ.", fields={"channel": ["Không rõ."]})
    if not files:
        raise ValidationFailed(
            "Cần tải lên tệp văn bản điện tử.", fields={"files": ["Chưa có tệp văn bản."]}
        )
    return [(FileRole.ORIGINAL, upload_inspect(name=name, data=data)) for name, data in files]


def incoming_duplicates_find(
    *,
    actor: Actor,
    sender_agency_id: int | None = None,
    sender_name: str = "",
    number: str = "",
    notation: str = "",
    document_date: date | None = None,
    sha256s: Iterable[str] = (),
) -> list[IncomingDocument]:
    """Return the actor's agency documents that this one may repeat (NĐ 30/2020 Phụ lục VI)."""
    agency_id = actor.agency_id
    if agency_id is None or not can_view_documents(actor, agency_id):
        return []
    found: dict[int, IncomingDocument] = {}
    number_key, notation_key = fold(number.strip()), fold(notation.strip())
    if document_date is not None and (number_key or notation_key):
        sender_key = fold(sender_name.strip())
        candidates = IncomingDocument.objects.filter(
            agency_id=agency_id, document_date=document_date
        ).select_related("sender_agency")
        for document in candidates:
            same_sender = (
                sender_agency_id is not None and document.sender_agency_id == sender_agency_id
            ) or (bool(sender_key) and fold(document.sender_name) == sender_key)
            if (
                same_sender
                and fold(document.number) == number_key
                and fold(document.notation) == notation_key
            ):
                found[document.pk] = document
    hashes = [h for h in sha256s if h]
    if hashes:
        for document in IncomingDocument.objects.filter(
            agency_id=agency_id, files__sha256__in=hashes
        ).distinct():
            found.setdefault(document.pk, document)
    return sorted(found.values(), key=lambda d: d.pk)


def incoming_document_register(
    *,
    actor: Actor,
    data: IncomingData,
    files: list[tuple[str, bytes]],
    channel: str,
    confirm_duplicate: bool = False,
) -> IncomingDocument:
    """Enter a received document in the agency's incoming register with its files."""
    agency_id = actor.agency_id
    if agency_id is None or actor.person_id is None or not can_register(actor, agency_id):
        raise PermissionDenied(DENIED)
    agency = Agency.objects.get(pk=agency_id)
    values = _clean(agency_id=agency_id, data=data)
    uploads = _uploads(channel=channel, files=files)
    if values["page_count"] is None and channel == IntakeChannel.PAPER_SCAN:
        values["page_count"] = uploads[0][1].page_count
    now = timezone.now()
    # QĐ 22 Điều 10: outside office hours the document counts as received at the start of the
    # next working session; NĐ 30/2020 Điều 22 numbers it in the register of that year.
    received_at = working_calendar(sessions=agency.office_sessions).next_session_start(now)
    year = timezone.localtime(received_at).year
    saved: Saved = []
    try:
        with transaction.atomic():
            if not confirm_duplicate:
                duplicates = incoming_duplicates_find(
                    actor=actor,
                    sender_agency_id=data.sender_agency_id,
                    sender_name=str(values["sender_name"]),
                    number=str(values["number"]),
                    notation=str(values["notation"]),
                    document_date=data.document_date,
                    sha256s=[upload.sha256 for _, upload in uploads],
                )
                if duplicates:
                    error = Conflict(
                        DUPLICATE,
                        code=ErrorCode.DUPLICATE,
                        fields={"duplicates": [str(d.pk) for d in duplicates]},
                    )
                    error.documents = duplicates  # type: ignore[attr-defined]
                    raise error
            document_type = values["document_type"]
            assert isinstance(document_type, DocumentType)
            register = register_for(
                agency_id=agency_id, kind=RegisterKind.INCOMING, document_type=document_type
            )
            document = IncomingDocument(
                agency_id=agency_id,
                register=register,
                year=year,
                arrival_number=number_take(register=register, year=year),
                entered_at=now,
                received_at=received_at,
                channel=channel,
                registered_by_id=actor.person_id,
                **values,
            )
            document.save()
            for role, upload in uploads:
                document_file_store(
                    document=document,
                    role=role,
                    upload=upload,
                    uploaded_by_id=actor.person_id,
                    saved=saved,
                )
            journal_record(
                actor=actor,
                action="registry.incoming.register",
                instance=document,
                agency_id=agency_id,
                after={**snapshot(document), "files": [u.sha256 for _, u in uploads]},
            )
    except BaseException:
        stored_files_remove(saved)
        raise
    return document


def incoming_paper_copy_record(*, actor: Actor, document_id: int) -> IncomingDocument:
    """Record that the paper copy of an electronic document arrived (QĐ 22 Điều 6.1.b)."""
    with transaction.atomic():
        document = IncomingDocument.objects.select_for_update().filter(pk=document_id).first()
        if document is None or not can_view_documents(actor, document.agency_id):
            raise NotFound(NOT_FOUND)
        if actor.person_id is None or not can_register(actor, document.agency_id):
            raise PermissionDenied(DENIED)
        if document.channel == IntakeChannel.PAPER_SCAN:
            raise InvalidTransition(
                "Văn bản này được vào sổ từ bản giấy; không có bản giấy nào khác để ghi nhận."
            )
        if document.paper_received_at is not None:
            received = timezone.localtime(document.paper_received_at)
            raise InvalidTransition(
                f"Bản giấy của văn bản số đến {document.arrival_number} đã được ghi nhận lúc "
                f"{received:%H:%M ngày %d/%m/%Y}; không ghi nhận lần thứ hai."
            )
        before = snapshot(document)
        document.paper_received_at = timezone.now()
        document.paper_received_by_id = actor.person_id
        document.save(update_fields=["paper_received_at", "paper_received_by", "updated_at"])
        journal_record(
            actor=actor,
            action="registry.incoming.paper_copy_record",
            instance=document,
            agency_id=document.agency_id,
            before=before,
            after=snapshot(document),
        )
    return document


def incoming_document_revoke(*, actor: Actor, document_id: int, reason: str) -> IncomingDocument:
    """Take a document out of use at its sender's request; its metadata and files stay.

    QĐ 28/2018/QĐ-TTg Điều 9: on a revocation the receiver stops using the document and tells
    the sender; the register keeps its line (the number is not reused) as NĐ 30/2020 requires.
    """
    text = normalize_text(reason or "", field="reason").strip()
    if not text:
        raise ValidationFailed(INVALID, fields={"reason": ["Cần ghi lý do thu hồi."]})
    with transaction.atomic():
        document = IncomingDocument.objects.select_for_update().filter(pk=document_id).first()
        if document is None or not can_view_documents(actor, document.agency_id):
            raise NotFound(NOT_FOUND)
        if not can_register(actor, document.agency_id):
            raise PermissionDenied(DENIED)
        if document.status == IncomingStatus.REVOKED:
            raise InvalidTransition("Văn bản đến đã được thu hồi.")
        before = snapshot(document)
        document.status = IncomingStatus.REVOKED
        notes = f"Thu hồi theo yêu cầu nơi gửi: {text}"
        document.notes = f"{document.notes}\n{notes}".strip()[:500]
        document.save(update_fields=["status", "notes", "updated_at"])
        journal_record(
            actor=actor,
            action="registry.incoming.revoke",
            instance=document,
            agency_id=document.agency_id,
            before=before,
            after=snapshot(document),
        )
    return document


# What a sender may correct in a document it sent (update, edXML BussinessDocType 2).
AMENDABLE = {
    "summary": 500,
    "signer_name": 50,
    "signer_position": 100,
    "urgency": 0,
    "due_date": 0,
    "page_count": 0,
}


def amendment_clean(values: Mapping[str, object]) -> dict[str, object]:
    """Return corrected values of the amendable fields, checked; refuse with every error."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, object] = {}
    for name, value in values.items():
        if name not in AMENDABLE:
            errors.setdefault(name, []).append("Không sửa được trường này.")
        elif AMENDABLE[name]:
            text = normalize_text(str(value or ""), field=name).strip()
            if len(text) > AMENDABLE[name]:
                errors.setdefault(name, []).append(f"Tối đa {AMENDABLE[name]} ký tự.")
            if name == "summary" and not text:
                errors.setdefault(name, []).append("Trích yếu không được để trống.")
            cleaned[name] = text
        elif name == "urgency":
            if value not in Urgency.values:
                errors.setdefault(name, []).append("Độ khẩn không hợp lệ.")
            cleaned[name] = value
        elif name == "due_date":
            if value is not None and not isinstance(value, date):
                errors.setdefault(name, []).append("Hạn xử lý không hợp lệ.")
            cleaned[name] = value
        else:
            if value is not None and (not isinstance(value, int) or not 1 <= value <= 32767):
                errors.setdefault(name, []).append("Số trang không hợp lệ.")
            cleaned[name] = value
    if errors:
        raise ValidationFailed(INVALID, fields=errors)
    return cleaned


def incoming_document_amend(
    *,
    actor: Actor,
    document_id: int,
    values: Mapping[str, object],
    files: Sequence[tuple[str, bytes]],
    reason: str,
) -> IncomingDocument:
    """Apply the sender's correction to a registered document; nothing stored is lost.

    The corrected metadata replaces the register's values (the journal keeps both); corrected
    files become the current ones and the earlier files stay stored as previous versions.
    """
    cleaned = amendment_clean(values)
    uploads = [upload_inspect(name=name, data=data) for name, data in files]
    saved: Saved = []
    try:
        with transaction.atomic():
            document = IncomingDocument.objects.select_for_update().filter(pk=document_id).first()
            if document is None or not can_view_documents(actor, document.agency_id):
                raise NotFound(NOT_FOUND)
            if actor.person_id is None or not can_register(actor, document.agency_id):
                raise PermissionDenied(DENIED)
            if document.status == IncomingStatus.REVOKED:
                raise InvalidTransition("Văn bản đến đã được thu hồi; không cập nhật được.")
            earlier = list(document.files.filter(is_current=True).order_by("id"))
            before = {**snapshot(document), "files": [f.sha256 for f in earlier]}
            for name, value in cleaned.items():
                setattr(document, name, value)
            note = f"Cập nhật theo yêu cầu nơi gửi: {normalize_text(reason, field='reason')}"
            document.notes = f"{document.notes}\n{note}".strip()[:500]
            document.save()
            current = [f.sha256 for f in earlier]
            if uploads:
                DocumentFile.objects.filter(pk__in=[f.pk for f in earlier]).update(is_current=False)
                previous = earlier[0] if earlier else None
                for upload in uploads:
                    document_file_store(
                        document=document,
                        role=FileRole.ORIGINAL,
                        upload=upload,
                        uploaded_by_id=actor.person_id,
                        saved=saved,
                        previous=previous,
                    )
                current = [u.sha256 for u in uploads]
            journal_record(
                actor=actor,
                action="registry.incoming.amend",
                instance=document,
                agency_id=document.agency_id,
                before=before,
                after={**snapshot(document), "files": current},
            )
    except BaseException:
        stored_files_remove(saved)
        raise
    return document


__all__ = [
    "IncomingData",
    "incoming_document_amend",
    "incoming_document_register",
    "incoming_document_revoke",
    "incoming_duplicates_find",
    "incoming_paper_copy_record",
]
