"""Signing outgoing documents: the leader signs the draft, the agency signs at issue.

NĐ 30/2020 Phụ lục I: the signer's signature (image, name, position), then the agency's, shown
with the seal over the signer's; attachments get the agency's text signature at the top right
of page 1. Each signature is an incremental revision stored as a new file; the draft stays
(QĐ 22 Điều 3.3, 6.2.a).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from vanthu.core.actor import Actor
from vanthu.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from vanthu.core.journal import journal_record
from vanthu.organizations.choices import Role
from vanthu.registry.choices import FileRole, OutgoingStatus, SignatureStatus
from vanthu.registry.files import upload_inspect
from vanthu.registry.models import DocumentFile, OutgoingDocument
from vanthu.registry.permissions import can_view_documents
from vanthu.registry.stored_files import Saved, document_file_revise, stored_files_remove
from vanthu.signatures.checks import PDF, document_file_check, pdf_report, status_of
from vanthu.signatures.keys import key_for, token_key_of
from vanthu.signatures.models import CheckReason, SigningKey
from vanthu.signatures.signing import (
    SigningError,
    sign_as_agency,
    sign_as_agency_copy,
    sign_as_signer,
)
from vanthu.signatures.tokens import open_signer
from vanthu.signatures.trust import signing_validation_context, timestamper

NOT_FOUND = "Không tìm thấy."
INVALID = "Chưa ký số được văn bản."
SIGNING_ROLES = (Role.LEADER, Role.UNIT_HEAD)


def signing_required(agency_id: int) -> bool:
    """Return whether issuing needs both signatures (QĐ 22 Điều 3.3, VANTHU_SIGNATURES_REQUIRED).

    Agencies holding certificates must sign: once the agency has its own key, every document
    it issues carries the signer's and the agency's signatures.
    """
    if settings.SIGNATURES_REQUIRED == "always":
        return True
    return key_for(agency_id=agency_id, person_id=None) is not None


def _refuse(message: str, field: str = "files") -> ValidationFailed:
    return ValidationFailed(INVALID, fields={field: [message]})


def _current_text(document: OutgoingDocument) -> DocumentFile:
    texts = list(
        DocumentFile.objects.filter(
            outgoing=document, role=FileRole.ORIGINAL, is_current=True
        ).order_by("id")
    )
    pdfs = [f for f in texts if f.content_type == PDF]
    if len(pdfs) != 1 or len(texts) != 1:
        raise _refuse("Văn bản cần đúng một tệp văn bản dạng PDF để ký số.")
    return pdfs[0]


def _read(stored: DocumentFile) -> bytes:
    with stored.file.open("rb") as handle:
        data: bytes = handle.read()
    return data


def _signature_count(stored: DocumentFile) -> int:
    report = stored.signature_report or {}
    return len(report.get("signatures", []))


def _locked_draft(actor: Actor, document_id: int) -> OutgoingDocument:
    document = (
        OutgoingDocument.objects.select_for_update(of=("self",))
        .select_related("agency")
        .filter(pk=document_id)
        .first()
    )
    if document is None or not can_view_documents(actor, document.agency_id):
        raise NotFound(NOT_FOUND)
    if document.status != OutgoingStatus.DRAFT:
        raise InvalidTransition("Văn bản đã phát hành; không ký thêm được.")
    return document


def _check_signer(actor: Actor, document: OutgoingDocument) -> None:
    if actor.person_id is None:
        raise PermissionDenied("Chỉ người ký văn bản được ký số.")
    if document.signer_id is not None and document.signer_id != actor.person_id:
        raise PermissionDenied("Văn bản này do người khác ký.")
    if not any(actor.has_role(role, agency_id=document.agency_id) for role in SIGNING_ROLES):
        raise PermissionDenied("Chỉ lãnh đạo cơ quan được ký số văn bản.")


def _store_revision(
    *, actor: Actor, previous: DocumentFile, content: bytes, saved: Saved
) -> DocumentFile:
    person_id = actor.person_id or previous.uploaded_by_id
    revision = document_file_revise(
        previous=previous, content=content, uploaded_by_id=person_id, saved=saved
    )
    check = document_file_check(file_id=revision.pk, reason=CheckReason.SIGNING)
    if check is None or check.status != SignatureStatus.VALID:
        summary = check.summary if check else ""
        raise _refuse(f"Chữ ký số vừa tạo không hợp lệ. {summary}".strip())
    revision.refresh_from_db()
    return revision


def outgoing_document_sign(*, actor: Actor, document_id: int, pin: str = "") -> DocumentFile:
    """The leader signs the draft's text with their key (PAdES, visible signature)."""
    saved: Saved = []
    try:
        with transaction.atomic():
            document = _locked_draft(actor, document_id)
            _check_signer(actor, document)
            text = _current_text(document)
            if text.signature_status == SignatureStatus.VALID and _signature_count(text):
                raise InvalidTransition("Văn bản đã được ký số; không ký lại.")
            key = key_for(agency_id=document.agency_id, person_id=actor.person_id)
            if key is None:
                raise _refuse("Bạn chưa được khai báo khóa ký số.", "pin")
            if not key.pin_env and not pin:
                raise _refuse("Hãy nhập mã PIN của token.", "pin")
            content = _sign_signer(document, key, _read(text), pin)
            revision = _store_revision(actor=actor, previous=text, content=content, saved=saved)
            if document.signer_id is None:
                document.signer_id = actor.person_id
                document.save(update_fields=["signer", "updated_at"])
            journal_record(
                actor=actor,
                action="signatures.sign",
                instance=document,
                agency_id=document.agency_id,
                after={"file": revision.pk, "sha256": revision.sha256, "key": key.pk},
            )
    except BaseException:
        stored_files_remove(saved)
        raise
    return revision


def _sign_signer(document: OutgoingDocument, key: SigningKey, data: bytes, pin: str) -> bytes:
    try:
        with open_signer(token_key_of(key, pin=pin)) as signer:
            return sign_as_signer(
                data,
                signer=signer,
                signer_name=document.signer_name or (key.person.full_name if key.person else ""),
                signer_title=document.signer_position,
                signature_image=bytes(key.image) if key.image else None,
                timestamper=timestamper(),
                validation_context=signing_validation_context(),
                location=document.agency.name,
            )
    except SigningError as exc:
        raise _refuse(exc.message, "pin") from None


def outgoing_document_signed_upload(
    *, actor: Actor, document_id: int, name: str, data: bytes
) -> DocumentFile:
    """Take a text signed outside Vanthu (a USB token, a desktop tool) once it verifies."""
    upload = upload_inspect(name=name, data=data)
    if upload.content_type != PDF:
        raise _refuse("Bản đã ký phải là tệp PDF.")
    report = pdf_report(upload.content)
    if status_of(report) != SignatureStatus.VALID:
        raise _refuse(f"Bản đã ký không được chấp nhận: {report.summary_vi}")
    if report.has_javascript:
        # What the agency issues is opened by every recipient: no executable content (ADR 0014).
        raise _refuse(
            "Bản đã ký có chứa mã JavaScript; văn bản phát hành không được chứa mã chạy được. "
            "Hãy ký lại từ tệp PDF không có JavaScript."
        )
    saved: Saved = []
    try:
        with transaction.atomic():
            document = _locked_draft(actor, document_id)
            _check_signer(actor, document)
            text = _current_text(document)
            if text.content_type == PDF and not upload.content.startswith(_read(text)):
                # A signature appends a revision to the file it signs (PAdES): the draft's
                # PDF must be the start of the signed one, or this is another document.
                raise _refuse(
                    "Tệp đã ký không phải là bản dự thảo hiện hành của văn bản này (chữ ký số "
                    "phải được thêm vào chính tệp PDF dự thảo). Hãy tải bản dự thảo về, ký số "
                    "rồi tải lên lại."
                )
            revision = _store_revision(
                actor=actor, previous=text, content=upload.content, saved=saved
            )
            journal_record(
                actor=actor,
                action="signatures.signed_upload",
                instance=document,
                agency_id=document.agency_id,
                after={"file": revision.pk, "sha256": revision.sha256},
            )
    except BaseException:
        stored_files_remove(saved)
        raise
    return revision


def on_outgoing_issuing(
    sender: object, *, document: OutgoingDocument, actor: Actor, **kwargs: object
) -> None:
    """Receiver of `registry.signals.outgoing_issuing`: check, then apply the agency signature."""
    if not signing_required(document.agency_id):
        return
    text = _current_text(document)
    if text.signature_status != SignatureStatus.VALID or not _signature_count(text):
        raise _refuse("Văn bản chưa có chữ ký số hợp lệ của người ký; chưa phát hành được.")
    key = key_for(agency_id=document.agency_id, person_id=None)
    if key is None:
        raise _refuse("Cơ quan chưa có khóa ký số.")
    attachments = list(
        DocumentFile.objects.filter(
            outgoing=document, role=FileRole.ATTACHMENT, is_current=True, content_type=PDF
        ).order_by("id")
    )
    saved: Saved = []
    try:
        with open_signer(token_key_of(key)) as signer:
            content = sign_as_agency(
                _read(text),
                signer=signer,
                agency_name=document.agency.name,
                seal_image=bytes(key.image) if key.image else None,
                number_notation=document.number_notation,
                timestamper=timestamper(),
                validation_context=signing_validation_context(),
                location=document.agency.name,
            )
            revision = _store_revision(actor=actor, previous=text, content=content, saved=saved)
            signed = [revision.pk]
            for annex in attachments:
                copy = sign_as_agency_copy(
                    _read(annex),
                    signer=signer,
                    agency_name=document.agency.name,
                    number_notation=document.number_notation,
                    timestamper=timestamper(),
                    validation_context=signing_validation_context(),
                )
                signed.append(
                    _store_revision(actor=actor, previous=annex, content=copy, saved=saved).pk
                )
    except SigningError as exc:
        stored_files_remove(saved)
        raise _refuse(exc.message) from None
    except BaseException:
        stored_files_remove(saved)
        raise
    journal_record(
        actor=actor,
        action="signatures.agency_sign",
        instance=document,
        agency_id=document.agency_id,
        after={"files": signed, "key": key.pk, "number": document.number_notation},
    )
