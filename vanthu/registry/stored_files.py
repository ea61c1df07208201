"""Storing the files of documents: byte for byte, undone with the transaction that failed.

A signature never changes a stored file: it adds a revision (`document_file_revise`) whose
`previous` is the file it extends, and the earlier one stays stored (QĐ 28/2018 Điều 9).
"""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.core.files.storage import Storage

from vanthu.registry.files import StoredUpload, upload_inspect
from vanthu.registry.models import DocumentFile, IncomingDocument, OutgoingDocument
from vanthu.registry.signals import document_file_stored

logger = logging.getLogger(__name__)

Saved = list[tuple[Storage, str]]


def document_file_store(
    *,
    document: IncomingDocument | OutgoingDocument,
    role: str,
    upload: StoredUpload,
    uploaded_by_id: int,
    saved: Saved,
    previous: DocumentFile | None = None,
) -> DocumentFile:
    """Store one checked upload as a file of the document; note it in `saved` for undoing."""
    owner = (
        {"incoming": document} if isinstance(document, IncomingDocument) else {"outgoing": document}
    )
    stored = DocumentFile(
        agency_id=document.agency_id,
        role=role,
        original_name=upload.name,
        content_type=upload.content_type,
        size=upload.size,
        sha256=upload.sha256,
        page_count=upload.page_count,
        uploaded_by_id=uploaded_by_id,
        previous=previous,
        **owner,
    )
    stored.file.save(upload.name, ContentFile(upload.content), save=False)
    saved.append((stored.file.storage, str(stored.file.name)))
    stored.save()
    document_file_stored.send(sender=DocumentFile, file=stored)
    return stored


def document_file_revise(
    *, previous: DocumentFile, content: bytes, uploaded_by_id: int, saved: Saved
) -> DocumentFile:
    """Store a new revision of a file (e.g. with one more signature); the previous one stays."""
    upload = upload_inspect(name=previous.original_name, data=content)
    document = previous.incoming or previous.outgoing
    if document is None:  # pragma: no cover - the check constraint forbids it
        raise ValueError("a document file always has a document")
    revision = document_file_store(
        document=document,
        role=previous.role,
        upload=upload,
        uploaded_by_id=uploaded_by_id,
        saved=saved,
        previous=previous,
    )
    DocumentFile.objects.filter(pk=previous.pk).update(is_current=False)
    previous.is_current = False
    return revision


def stored_files_remove(saved: Saved) -> None:
    """Delete stored bytes whose database rows were rolled back."""
    for storage, name in saved:
        try:
            storage.delete(name)
        except OSError:  # pragma: no cover - already gone; nothing else to undo
            logger.exception("could not delete %s after a failed change", name)
