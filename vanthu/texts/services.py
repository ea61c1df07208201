"""Extracting the text of stored files in the background (ADR 0025).

Every stored file gets a FileText row, PENDING, in the transaction that stored it, and a task
enqueued in that same transaction. The task reads the original (never changes it), extracts the
text or OCRs a copy, records the progress page by page, stores the searchable copy beside the
original and sends `file_text_ready` once the result is committed. It is idempotent: running it
again for a file whose text is done does nothing; "Trích xuất lại" resets the row first.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from vanthu.core.actor import Actor
from vanthu.core.errors import Conflict, NotFound, PermissionDenied
from vanthu.core.journal import journal_record
from vanthu.registry.models import DocumentFile
from vanthu.registry.permissions import can_register, can_view_documents
from vanthu.texts.extract import ExtractError, extract_text
from vanthu.texts.models import FileText, TextMethod, TextState
from vanthu.texts.ocr import OcrError, ocr_pdf
from vanthu.texts.signals import file_text_ready

logger = logging.getLogger(__name__)

# A RUNNING row not touched for this long belongs to a worker that died: it may be run again.
STALE_AFTER = timedelta(minutes=30)
# Text is kept up to this many characters (a 1,000-page book is about 3 million).
MAX_TEXT_CHARS = 5_000_000
GENERIC_ERROR = "Lỗi không xác định khi trích xuất nội dung tệp; quản trị xem nhật ký hệ thống."


def on_document_file_stored(sender: object, *, file: DocumentFile, **kwargs: object) -> None:
    """Receiver of `registry.signals.document_file_stored`: queue the file's extraction."""
    file_text_request(file)


def file_text_request(file: DocumentFile) -> FileText:
    """Create or reset the file's FileText to PENDING and enqueue its task (same transaction)."""
    from vanthu.texts.tasks import extract_file_text

    with transaction.atomic():
        row, created = FileText.objects.select_for_update().get_or_create(
            file=file, defaults={"agency_id": file.agency_id}
        )
        if not created:
            row.state = TextState.PENDING
            row.pages_done = 0
            row.error = ""
            row.save(update_fields=["state", "pages_done", "error", "updated_at"])
        extract_file_text.enqueue(row.pk)
    return row


def may_rerun(actor: Actor, row: FileText) -> bool:
    """Return whether the actor may run the extraction again now (its agency's clerks)."""
    if not (actor.agency_id == row.agency_id or actor.is_system_admin):
        return False
    if not can_register(actor, row.agency_id):
        return False
    return row.state != TextState.RUNNING or row.updated_at < timezone.now() - STALE_AFTER


def file_text_rerun(*, actor: Actor, file_id: int) -> FileText:
    """Run the extraction of a stored file again ("Trích xuất lại"), for the agency's clerks."""
    with transaction.atomic():
        file = DocumentFile.objects.select_for_update().filter(pk=file_id).first()
        if file is None or not can_view_documents(actor, file.agency_id):
            raise NotFound("Không tìm thấy tệp.")
        row = FileText.objects.filter(file=file).first()
        if row is not None and not may_rerun(actor, row):
            if row.state == TextState.RUNNING and can_register(actor, row.agency_id):
                raise Conflict("Tệp đang được trích xuất; chờ xong rồi hãy chạy lại.")
            raise PermissionDenied("Chỉ văn thư của cơ quan được trích xuất lại nội dung tệp.")
        if row is None and not can_register(actor, file.agency_id):
            raise PermissionDenied("Chỉ văn thư của cơ quan được trích xuất lại nội dung tệp.")
        row = file_text_request(file)
        journal_record(
            actor=actor,
            action="texts.rerun",
            instance=file,
            agency_id=file.agency_id,
            after={"file": file.original_name},
        )
    return row


def _claim(file_text_id: int) -> FileText | None:
    """Take a PENDING (or stale RUNNING) row for this run; None when there is nothing to do."""
    with transaction.atomic():
        row = (
            FileText.objects.select_for_update()
            .select_related("file")
            .filter(pk=file_text_id)
            .first()
        )
        if row is None:
            return None
        stale = row.state == TextState.RUNNING and row.updated_at < timezone.now() - STALE_AFTER
        if row.state != TextState.PENDING and not stale:
            return None
        row.state = TextState.RUNNING
        row.pages_done = 0
        row.error = ""
        row.save(update_fields=["state", "pages_done", "error", "updated_at"])
    return row


def _progress(row: FileText, done: int, total: int) -> None:
    FileText.objects.filter(pk=row.pk, state=TextState.RUNNING).update(
        pages_done=done, pages_total=total, updated_at=timezone.now()
    )


def _fail(row: FileText, message: str) -> None:
    FileText.objects.filter(pk=row.pk).update(
        state=TextState.FAILED, error=message[:500], updated_at=timezone.now()
    )


def file_text_extract(file_text_id: int) -> str:
    """Extract (and OCR when needed) the text of one stored file; return the final state.

    Never raises for a bad file: the failure is recorded in `error` in Vietnamese.
    """
    row = _claim(file_text_id)
    if row is None:
        state = FileText.objects.filter(pk=file_text_id).values_list("state", flat=True).first()
        return state or ""
    try:
        return _run(row)
    except (ExtractError, OcrError) as exc:
        _fail(row, str(exc))
        return TextState.FAILED
    except Exception:
        logger.exception("Text extraction of file text %s failed", file_text_id)
        _fail(row, GENERIC_ERROR)
        return TextState.FAILED


def _run(row: FileText) -> str:
    stored = row.file
    with stored.file.open("rb") as handle:
        data = handle.read()
    found = extract_text(data, stored.content_type, stored.original_name)
    text, method, pages, searchable = found.text, found.method, found.pages, None
    if pages:
        _progress(row, 0, pages)
    if found.needs_ocr:
        FileText.objects.filter(pk=row.pk).update(method=TextMethod.OCR, updated_at=timezone.now())
        result = ocr_pdf(data, on_page=lambda done, total: _progress(row, done, total))
        text, method, pages, searchable = result.text, TextMethod.OCR, result.pages, result.pdf
    elif pages:
        _progress(row, pages, pages)
    text = text[:MAX_TEXT_CHARS]
    state = TextState.DONE if text.strip() else TextState.EMPTY
    with transaction.atomic():
        current = FileText.objects.select_for_update().get(pk=row.pk)
        if current.state != TextState.RUNNING:
            # Reset by "Trích xuất lại" meanwhile: that run's result wins.
            return str(current.state)
        old_copy = current.searchable.name if current.searchable else ""
        current.text = text
        current.method = method
        current.pages_total = pages
        current.pages_done = pages or 0
        current.state = state
        current.error = ""
        if searchable is not None:
            stem = stored.original_name.rsplit(".", 1)[0][:80] or "tep"
            current.searchable.save(f"{stem}-tim-kiem.pdf", ContentFile(searchable), save=False)
        current.save()
        if old_copy and old_copy != current.searchable.name:
            transaction.on_commit(lambda: current.searchable.storage.delete(old_copy))
        transaction.on_commit(lambda: file_text_ready.send(FileText, file_text=current))
    return str(state)
