"""Services of the intake: upload a received file, read it in the background, register it.

The clerk uploads the file first; it is checked (type, size) and stored as it came, and a task
is enqueued in the same transaction. The task extracts the text (text layer, DOCX, ODT) or OCRs
a copy (vanthu.texts), records the progress page by page, and stores the suggested metadata.
Registering goes through the registry's own service, in one transaction with marking the item
registered, so the file and the metadata enter the register exactly as for any other document.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from vanthu.core.actor import Actor
from vanthu.core.errors import InvalidTransition, PermissionDenied
from vanthu.core.journal import journal_record
from vanthu.core.text import fold
from vanthu.intake.models import BatchState, IntakeItem, IntakeState, ScanBatch
from vanthu.intake.selectors import intake_item_get
from vanthu.intake.suggest import suggest
from vanthu.organizations.models import Agency
from vanthu.registry import incoming
from vanthu.registry.choices import IntakeChannel
from vanthu.registry.files import IMAGE_EXTENSIONS, upload_inspect
from vanthu.registry.models import DocumentType, IncomingDocument
from vanthu.registry.permissions import can_register

logger = logging.getLogger(__name__)

DENIED = "Chỉ văn thư của cơ quan được nhập văn bản từ tệp."
NOT_READY = "Tệp chưa đọc xong hoặc đã được vào sổ."


def intake_item_create(
    *, actor: Actor, agency_id: int, name: str, data: bytes, is_scan: bool | None = None
) -> IntakeItem:
    """Store an uploaded file as an intake item and enqueue the reading of its text."""
    from vanthu.intake.tasks import intake_item_process_task

    if not can_register(actor, agency_id):
        raise PermissionDenied(DENIED)
    upload = upload_inspect(name=name, data=data)
    if is_scan is None:
        is_scan = upload.name.rsplit(".", 1)[-1].lower() in IMAGE_EXTENSIONS
    with transaction.atomic():
        item = IntakeItem(
            agency_id=agency_id,
            created_by_id=actor.person_id,
            original_name=upload.name,
            content_type=upload.content_type,
            size=upload.size,
            sha256=upload.sha256,
            is_scan=is_scan,
            pages_total=upload.page_count,
        )
        item.file.save(upload.name, ContentFile(upload.content), save=False)
        item.save()
        journal_record(
            actor=actor,
            action="intake.item.create",
            instance=item,
            agency_id=agency_id,
            after={"name": item.original_name, "sha256": item.sha256, "size": item.size},
        )
        intake_item_process_task.enqueue(item.pk)
    return item


def work_claim[M: (IntakeItem, ScanBatch)](model: type[M], pk: int) -> M | None:
    """Mark a pending (or interrupted) item or batch running, its pages done back to 0, and
    return it; None when it is gone or no longer waits for its background work."""
    with transaction.atomic():
        states = BatchState if model is ScanBatch else IntakeState
        row = model.objects.select_for_update().filter(pk=pk).first()
        if row is None or row.state not in (states.PENDING, states.RUNNING):
            return None
        row.state = states.RUNNING
        row.pages_done = 0
        row.save(update_fields=["state", "pages_done", "updated_at"])
    return row


def intake_item_process(*, item_id: int) -> str:
    """Read the item's text (OCR when needed) and store the suggested metadata; idempotent."""
    from vanthu.texts.extract import ExtractError, extract_text
    from vanthu.texts.ocr import OcrError, ocr_pdf

    item = work_claim(IntakeItem, item_id)
    if item is None:
        return "skipped"
    rows = IntakeItem.objects.filter(pk=item_id)
    try:
        with item.file.open("rb") as handle:
            data = handle.read()
        extracted = extract_text(data, item.content_type, item.original_name)
        text, method, pages = extracted.text, extracted.method, extracted.pages
        if extracted.needs_ocr:
            rows.update(method="ocr", pages_total=extracted.pages)

            def on_page(done: int, total: int) -> None:
                rows.update(pages_done=done, pages_total=total)

            result = ocr_pdf(data, on_page=on_page)
            text, method, pages = result.text, "ocr", result.pages
    except (ExtractError, OcrError) as exc:
        rows.update(state=IntakeState.FAILED, error=str(exc)[:500])
        return "failed"
    except OSError as exc:
        logger.warning("Intake item %s could not be read: %s", item_id, exc)
        rows.update(state=IntakeState.FAILED, error="Không đọc được tệp đã lưu.")
        return "failed"
    payload = suggestion_payload(text)
    rows.filter(state=IntakeState.RUNNING).update(
        state=IntakeState.READY,
        text=text,
        method=method,
        pages_total=pages,
        pages_done=pages or 0,
        suggestion=payload,
        error="",
    )
    return "ready"


def suggestion_payload(text: str) -> dict[str, Any]:
    """Suggest the metadata of `text` and map sender and type to the directory's records."""
    suggestion = suggest(text)
    payload = suggestion.to_dict()
    payload["sender_agency_id"] = None
    payload["document_type_id"] = None
    if suggestion.sender_name is not None:
        payload["sender_agency_id"] = directory_agency_match(
            suggestion.sender_name.value,
            parent=suggestion.sender_parent.value if suggestion.sender_parent else "",
        )
    if suggestion.document_type is not None:
        wanted = fold(suggestion.document_type.value)
        for type_id, name in DocumentType.objects.values_list("id", "name"):
            if fold(name) == wanted:
                payload["document_type_id"] = type_id
                break
    return payload


def directory_agency_match(name: str, *, parent: str = "") -> int | None:
    """Return the id of the directory agency named `name` (folded), if exactly one matches.

    Several agencies of one name (two provinces' "Sở Xây dựng") are told apart by the parent
    printed above the name ("UBND TỈNH KHÁNH HÒA"); without a clear winner nothing is chosen.
    """
    wanted = " ".join(fold(name).split())
    if not wanted:
        return None
    found = [
        (pk, folded)
        for pk, agency_name in Agency.objects.values_list("id", "name")
        if (folded := " ".join(fold(agency_name).split())) == wanted
        or folded.startswith(wanted + " ")
    ]
    exact = [pk for pk, folded in found if folded == wanted]
    if len(exact) == 1:
        return exact[0]
    if len(found) == 1:
        return found[0][0]
    place = fold(parent).split(" tinh ")[-1].split(" thanh pho ")[-1].strip()
    if place:
        near = [pk for pk, folded in found if folded.endswith(place)]
        if len(near) == 1:
            return near[0]
    return None


def intake_item_register(
    *,
    actor: Actor,
    item_id: int,
    data: incoming.IncomingData,
    confirm_duplicate: bool = False,
) -> IncomingDocument:
    """Register the item's file with the clerk's metadata and mark the item registered."""
    item = intake_item_get(actor=actor, item_id=item_id)
    with transaction.atomic():
        item = IntakeItem.objects.select_for_update().get(pk=item.pk)
        if item.state not in (IntakeState.READY, IntakeState.FAILED):
            raise InvalidTransition(NOT_READY)
        with item.file.open("rb") as handle:
            content = handle.read()
        channel = IntakeChannel.PAPER_SCAN if item.is_scan else IntakeChannel.ELECTRONIC
        document = incoming.incoming_document_register(
            actor=actor,
            data=data,
            files=[(item.original_name, content)],
            channel=channel,
            confirm_duplicate=confirm_duplicate,
        )
        item.state = IntakeState.REGISTERED
        item.incoming_document = document
        item.save(update_fields=["state", "incoming_document", "updated_at"])
        journal_record(
            actor=actor,
            action="intake.item.register",
            instance=item,
            agency_id=item.agency_id,
            after={"incoming_document": document.pk},
        )
    return document


def intake_item_discard(*, actor: Actor, item_id: int) -> None:
    """Delete an item that will not be registered, with its stored file."""
    item = intake_item_get(actor=actor, item_id=item_id)
    if item.state == IntakeState.REGISTERED:
        raise InvalidTransition("Tệp đã được vào sổ; không xóa được.")
    with transaction.atomic():
        journal_record(
            actor=actor,
            action="intake.item.discard",
            instance=item,
            agency_id=item.agency_id,
            before={"name": item.original_name, "sha256": item.sha256},
        )
        storage, path = item.file.storage, item.file.name
        item.delete()
        transaction.on_commit(lambda: storage.delete(path) if path else None)
