"""Outgoing drafts entered by staff: a specialist, unit head, leader or clerk drafts a document.

The clerk's `outgoing.outgoing_document_create` is for the register; this service lets anyone
working in the agency start an outgoing document that is not yet numbered, so it can go through
review and approval (the workflow app) before the clerk issues it. The same checks apply.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from vanthu.core.actor import Actor
from vanthu.core.errors import NotFound, PermissionDenied, ValidationFailed
from vanthu.organizations.choices import Role
from vanthu.organizations.models import Person
from vanthu.registry.choices import FileRole
from vanthu.registry.files import upload_inspect
from vanthu.registry.models import OutgoingDocument, OutgoingRecipient
from vanthu.registry.outgoing import (
    INVALID_MESSAGE,
    NOT_FOUND_MESSAGE,
    OutgoingData,
    RecipientData,
    _apply_mode,
    _clean,
    _journal,
    _store_files,
)
from vanthu.registry.permissions import can_view_documents
from vanthu.registry.stored_files import Saved, stored_files_remove

# Who drafts outgoing documents (NĐ 30/2020 Điều 10: the drafting unit or person).
DRAFTING_ROLES = (Role.SPECIALIST, Role.UNIT_HEAD, Role.LEADER, Role.CLERK)
DRAFTERS_ONLY = "Chỉ cán bộ, công chức của cơ quan được soạn thảo văn bản đi."
# A draft's text: one file, in a format an editor or a signer opens.
TEXT_EXTENSIONS = (".docx", ".odt", ".pdf")
TEXT_TYPES_MESSAGE = "Tệp dự thảo phải là DOCX, ODT hoặc PDF."


def can_draft(actor: Actor, agency_id: int | None) -> bool:
    """Return whether the actor drafts outgoing documents of `agency_id`."""
    if agency_id is None or actor.person_id is None:
        return False
    return any(actor.has_role(role, agency_id=agency_id) for role in DRAFTING_ROLES)


def check_text_name(name: str, field: str = "files") -> None:
    """Refuse a draft text that is not DOCX, ODT or PDF (by its name; bytes are checked later)."""
    if not name.lower().endswith(TEXT_EXTENSIONS):
        raise ValidationFailed(INVALID_MESSAGE, fields={field: [TEXT_TYPES_MESSAGE]})


def outgoing_draft_create(
    *,
    actor: Actor,
    data: OutgoingData,
    recipients: Sequence[RecipientData],
    files: Sequence[tuple[str, bytes]] = (),
    attachments: Sequence[tuple[str, bytes]] = (),
    saved: Saved | None = None,
) -> OutgoingDocument:
    """Start an outgoing document (not numbered) with its draft text and attachments.

    Any active person with a drafting role in the acting agency may call it. At most one text
    file (DOCX, ODT or PDF); its later versions are added by the workflow. The stored bytes are
    noted in `saved` when given, so a caller whose own transaction fails can delete them.
    """
    agency_id = actor.agency_id
    if agency_id is None or actor.person_id is None:
        raise PermissionDenied(DRAFTERS_ONLY)
    if not can_view_documents(actor, agency_id):
        raise NotFound(NOT_FOUND_MESSAGE)
    if not can_draft(actor, agency_id):
        raise PermissionDenied(DRAFTERS_ONLY)
    if not Person.objects.filter(pk=actor.person_id, is_active=True).exists():
        raise PermissionDenied(DRAFTERS_ONLY)
    values, lines = _clean(agency_id, data, recipients)
    if len(files) > 1:
        raise ValidationFailed(
            INVALID_MESSAGE, fields={"files": ["Dự thảo chỉ có một tệp văn bản."]}
        )
    for name, _content in files:
        check_text_name(name)
    uploads = [upload_inspect(name=name, data=content) for name, content in files]
    annexes = [upload_inspect(name=name, data=content) for name, content in attachments]
    mine: Saved = []
    try:
        with transaction.atomic():
            document = OutgoingDocument(
                agency_id=agency_id, created_by_id=actor.person_id, **values
            )
            _apply_mode(document)
            document.save()
            OutgoingRecipient.objects.bulk_create(
                OutgoingRecipient(document=document, **line) for line in lines
            )
            mine += _store_files(person_id=actor.person_id, document=document, uploads=uploads)
            mine += _store_files(
                person_id=actor.person_id,
                document=document,
                uploads=annexes,
                role=FileRole.ATTACHMENT,
            )
            _journal(actor, "registry.outgoing.draft_create", document, files=[*uploads, *annexes])
    except BaseException:
        stored_files_remove(mine)
        raise
    if saved is not None:
        saved.extend(mine)
    return document
