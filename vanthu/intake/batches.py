"""Scanning batches (lô quét, issue 7 item 4): many pages or PDFs split into intake items.

The clerk uploads page images or PDFs; each is checked (type, corruption, encryption, limits)
before anything is stored, then kept as it came (`ScanSource`). A background task renders every
page, measures it (vanthu.intake.split), stores a thumbnail and proposes the split on blank and
separator pages. The clerk rearranges (move, rotate, remove, split, merge) and commits: each
document becomes one PDF and an `IntakeItem` of the ordinary flow (reading → suggestion → form).
"""

from __future__ import annotations

import io
import logging
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet

from vanthu.core.actor import Actor
from vanthu.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from vanthu.core.journal import journal_record
from vanthu.intake import split
from vanthu.intake.models import (
    BatchState,
    IntakeItem,
    ScanBatch,
    ScanPage,
    ScanSource,
)
from vanthu.intake.services import work_claim
from vanthu.registry.files import IMAGE_EXTENSIONS, scan_to_pdf, upload_inspect
from vanthu.registry.permissions import can_register

logger = logging.getLogger(__name__)

DENIED = "Chỉ văn thư của cơ quan được nhập lô quét."
NOT_FOUND = "Không tìm thấy lô quét."
NOT_READY = "Lô quét chưa phân tích xong hoặc đã tạo văn bản."


def max_pages() -> int:
    """Pages one batch may hold (setting `VANTHU_SCAN_MAX_PAGES`, default 300)."""
    return int(getattr(settings, "VANTHU_SCAN_MAX_PAGES", 300))


def max_files() -> int:
    """Files one batch may hold (setting `VANTHU_SCAN_MAX_FILES`, default 300)."""
    return int(getattr(settings, "VANTHU_SCAN_MAX_FILES", 300))


def max_total_bytes() -> int:
    """Total size of one batch (setting `VANTHU_SCAN_MAX_TOTAL_MB`, default 200 MB)."""
    return int(getattr(settings, "VANTHU_SCAN_MAX_TOTAL_MB", 200)) * 1024 * 1024


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={"files": [message]})


# --- reads -------------------------------------------------------------------------------


def scan_batch_list(*, actor: Actor, agency_id: int) -> QuerySet[ScanBatch]:
    """Return the agency's batches not turned into items yet (none for a non-clerk)."""
    if not can_register(actor, agency_id):
        return ScanBatch.objects.none()
    return ScanBatch.objects.filter(agency_id=agency_id).exclude(state=BatchState.DONE)


def scan_batch_get(*, actor: Actor, batch_id: int) -> ScanBatch:
    """Return one batch the actor may handle, else NotFound (never "forbidden")."""
    batch = ScanBatch.objects.filter(pk=batch_id).first()
    if batch is None or not can_register(actor, batch.agency_id):
        raise NotFound(NOT_FOUND)
    return batch


def scan_page_get(*, actor: Actor, batch_id: int, page_id: int) -> ScanPage:
    """Return one page of a batch the actor may handle, else NotFound."""
    batch = scan_batch_get(actor=actor, batch_id=batch_id)
    page = ScanPage.objects.filter(pk=page_id, batch=batch).first()
    if page is None:
        raise NotFound("Không tìm thấy trang.")
    return page


def current_arrangement(batch: ScanBatch) -> split.Arrangement:
    """Return the batch's documents, each the list of its kept pages and their rotation."""
    documents: dict[int, list[tuple[int, int, int]]] = {}
    for page in batch.pages.filter(document__isnull=False).order_by("document", "order", "number"):
        assert page.document is not None
        documents.setdefault(page.document, []).append((page.order, page.pk, page.rotation))
    return [[(pk, rotation) for _o, pk, rotation in documents[key]] for key in sorted(documents)]


# --- writes ------------------------------------------------------------------------------


def scan_batch_create(*, actor: Actor, agency_id: int, files: list[tuple[str, bytes]]) -> ScanBatch:
    """Check every file, then store the batch, its originals and pages; enqueue the analysis."""
    from vanthu.intake.tasks import scan_batch_analyse_task

    if not can_register(actor, agency_id):
        raise PermissionDenied(DENIED)
    if not files:
        raise _refuse("Chưa chọn tệp quét nào.")
    if len(files) > max_files():
        raise _refuse(f"Một lô quét nhận tối đa {max_files()} tệp.")
    if sum(len(data) for _name, data in files) > max_total_bytes():
        limit = max_total_bytes() // (1024 * 1024)
        raise _refuse(f"Tổng dung lượng lô quét vượt giới hạn {limit} MB.")
    uploads = []
    for name, data in files:
        upload = upload_inspect(name=name, data=data)
        extension = upload.name.rsplit(".", 1)[-1].lower()
        if extension not in IMAGE_EXTENSIONS | {"pdf"}:
            raise _refuse(
                f"Tệp '{upload.name}' không phải ảnh quét hay PDF; lô quét chỉ nhận "
                "PDF, JPG, PNG, TIFF."
            )
        uploads.append(upload)
    total = sum(upload.page_count or 1 for upload in uploads)
    if total > max_pages():
        raise _refuse(f"Lô quét có {total} trang, vượt giới hạn {max_pages()} trang.")
    stored: list[Any] = []
    try:
        with transaction.atomic():
            batch = ScanBatch.objects.create(
                agency_id=agency_id, created_by_id=actor.person_id, pages_total=total
            )
            number = 0
            for position, upload in enumerate(uploads, start=1):
                source = ScanSource(
                    batch=batch,
                    position=position,
                    original_name=upload.name,
                    content_type=upload.content_type,
                    size=upload.size,
                    sha256=upload.sha256,
                    page_count=upload.page_count or 1,
                )
                source.file.save(upload.name, ContentFile(upload.content), save=False)
                stored.append((source.file.storage, source.file.name))
                source.save()
                pages = []
                for index in range(source.page_count):
                    number += 1
                    pages.append(
                        ScanPage(
                            batch=batch,
                            source=source,
                            source_index=index,
                            number=number,
                            document=1,
                            order=number,
                        )
                    )
                ScanPage.objects.bulk_create(pages)
            journal_record(
                actor=actor,
                action="intake.batch.create",
                instance=batch,
                agency_id=agency_id,
                after={"files": [u.name for u in uploads], "pages": total},
            )
            scan_batch_analyse_task.enqueue(batch.pk)
    except BaseException:
        for storage, path in stored:
            storage.delete(path)
        raise
    return batch


def scan_batch_analyse(*, batch_id: int) -> str:
    """Render, measure and thumbnail every page, then propose the split; idempotent."""
    batch = work_claim(ScanBatch, batch_id)
    if batch is None:
        return "skipped"
    rows = ScanBatch.objects.filter(pk=batch_id)
    facts: list[split.PageFacts] = []
    pages: list[ScanPage] = []
    done = 0
    try:
        for source in batch.sources.order_by("position"):
            with source.file.open("rb") as handle:
                data = handle.read()
            source_pages = list(source.pages.order_by("source_index"))
            rendered = split.render_pages(
                data, is_pdf=source.content_type == "application/pdf", name=source.original_name
            )
            count = 0
            for page, image in zip(source_pages, rendered, strict=False):
                count += 1
                found = split.analyse(image)
                page.ink, page.barcode, page.kind = found.ink, found.barcode, found.kind
                if page.thumbnail:
                    page.thumbnail.delete(save=False)
                page.thumbnail.save(
                    "thumb.png", ContentFile(split.thumbnail_png(image)), save=False
                )
                facts.append(found)
                pages.append(page)
                done += 1
                rows.update(pages_done=done)
            if count != len(source_pages):
                raise split.RenderError(
                    f"Tệp '{source.original_name}' không dựng được đủ {len(source_pages)} trang."
                )
    except (split.RenderError, OSError, ValueError) as exc:
        # Thumbnails of the pages done so far are not referenced by any row: remove them.
        for page in pages:
            if page.thumbnail.name:
                page.thumbnail.storage.delete(page.thumbnail.name)
        if isinstance(exc, split.RenderError):
            error = str(exc)
        else:
            logger.warning("Scan batch %s could not be analysed: %s", batch_id, exc)
            error = "Không đọc được tệp đã lưu."
        rows.update(state=BatchState.FAILED, error=error[:500])
        return "failed"
    for page, document in zip(pages, split.propose_documents(facts), strict=True):
        page.document = document
        page.order = page.number
    with transaction.atomic():
        ScanPage.objects.bulk_update(
            pages, ["ink", "barcode", "kind", "thumbnail", "document", "order"]
        )
        rows.filter(state=BatchState.RUNNING).update(
            state=BatchState.READY, pages_done=done, error=""
        )
    return "ready"


def scan_batch_arrange(*, actor: Actor, batch_id: int, arrangement: split.Arrangement) -> ScanBatch:
    """Record the clerk's arrangement: documents, page order, rotations; unlisted pages removed."""
    batch = scan_batch_get(actor=actor, batch_id=batch_id)
    with transaction.atomic():
        batch = ScanBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.state != BatchState.READY:
            raise InvalidTransition(NOT_READY)
        pages = {page.pk: page for page in batch.pages.all()}
        try:
            cleaned = split.check_arrangement(arrangement, set(pages))
        except split.ArrangementError as exc:
            raise ValidationFailed(str(exc), fields={"documents": [str(exc)]}) from exc
        for page in pages.values():
            page.document, page.order = None, 0
        for number, document in enumerate(cleaned, start=1):
            for order, (page_id, rotation) in enumerate(document, start=1):
                page = pages[page_id]
                page.document, page.order, page.rotation = number, order, rotation
        ScanPage.objects.bulk_update(list(pages.values()), ["document", "order", "rotation"])
        batch.save(update_fields=["updated_at"])
        journal_record(
            actor=actor,
            action="intake.batch.arrange",
            instance=batch,
            agency_id=batch.agency_id,
            after={"documents": [[[pid, rot] for pid, rot in doc] for doc in cleaned]},
        )
    return batch


def scan_batch_operate(*, actor: Actor, batch_id: int, operation: str, page_id: int) -> ScanBatch:
    """Apply one button of the arrangement page (up, down, rotate, remove, split, merge)."""
    batch = scan_batch_get(actor=actor, batch_id=batch_id)
    try:
        arrangement = split.apply_operation(current_arrangement(batch), operation, page_id)
    except split.ArrangementError as exc:
        raise ValidationFailed(str(exc)) from exc
    return scan_batch_arrange(actor=actor, batch_id=batch.pk, arrangement=arrangement)


def scan_batch_restore_page(*, actor: Actor, batch_id: int, page_id: int) -> ScanBatch:
    """Put a removed page back, as a document of its own at the end."""
    page = scan_page_get(actor=actor, batch_id=batch_id, page_id=page_id)
    arrangement = current_arrangement(page.batch)
    if page.document is None:
        arrangement.append([(page.pk, page.rotation)])
    return scan_batch_arrange(actor=actor, batch_id=batch_id, arrangement=arrangement)


def document_pdf(batch: ScanBatch, pages: list[tuple[int, int]]) -> bytes:
    """Assemble one document's pages, in order and rotated, into one PDF."""
    from pypdf import PdfReader, PdfWriter

    by_id = {page.pk: page for page in batch.pages.select_related("source")}
    readers: dict[int, PdfReader] = {}
    writer = PdfWriter()
    for page_id, rotation in pages:
        page = by_id[page_id]
        if page.source_id not in readers:
            with page.source.file.open("rb") as handle:
                data = handle.read()
            if page.source.content_type != "application/pdf":
                data = scan_to_pdf(images_or_pdfs=[(page.source.original_name, data)])
            readers[page.source_id] = PdfReader(io.BytesIO(data))
        added = writer.add_page(readers[page.source_id].pages[page.source_index])
        if rotation:
            added.rotate(rotation)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def scan_batch_commit(*, actor: Actor, batch_id: int) -> list[IntakeItem]:
    """Turn each document of the batch into one PDF and one intake item, all or nothing."""
    from vanthu.intake.services import intake_item_create

    batch = scan_batch_get(actor=actor, batch_id=batch_id)
    items: list[IntakeItem] = []
    try:
        with transaction.atomic():
            batch = ScanBatch.objects.select_for_update().get(pk=batch.pk)
            if batch.state != BatchState.READY:
                raise InvalidTransition(NOT_READY)
            arrangement = current_arrangement(batch)
            if not arrangement:
                raise ValidationFailed("Chưa có văn bản nào: hãy giữ lại ít nhất một trang.")
            for number, pages in enumerate(arrangement, start=1):
                data = document_pdf(batch, pages)
                item = intake_item_create(
                    actor=actor,
                    agency_id=batch.agency_id,
                    name=f"lo-quet-{batch.pk}-van-ban-{number}.pdf",
                    data=data,
                    is_scan=True,
                )
                item.batch = batch
                item.save(update_fields=["batch"])
                items.append(item)
            batch.state = BatchState.DONE
            batch.save(update_fields=["state", "updated_at"])
            journal_record(
                actor=actor,
                action="intake.batch.commit",
                instance=batch,
                agency_id=batch.agency_id,
                after={"items": [item.pk for item in items]},
            )
    except BaseException:
        for item in items:
            if item.file.name and not IntakeItem.objects.filter(sha256=item.sha256).exists():
                item.file.storage.delete(item.file.name)
        raise
    return items


def scan_batch_discard(*, actor: Actor, batch_id: int) -> None:
    """Delete a batch not turned into items, with its originals and thumbnails."""
    batch = scan_batch_get(actor=actor, batch_id=batch_id)
    if batch.state == BatchState.DONE:
        raise InvalidTransition("Lô quét đã tạo văn bản; không xóa được.")
    paths = [(s.file.storage, s.file.name) for s in batch.sources.all()]
    paths += [(p.thumbnail.storage, p.thumbnail.name) for p in batch.pages.all() if p.thumbnail]
    with transaction.atomic():
        journal_record(
            actor=actor,
            action="intake.batch.discard",
            instance=batch,
            agency_id=batch.agency_id,
            before={"pages": batch.pages_total},
        )
        batch.delete()

        def _remove() -> None:
            for storage, path in paths:
                if path:
                    storage.delete(path)

        transaction.on_commit(_remove)


def separator_sheet_pdf() -> bytes:
    """Return a printable A4 separator sheet: a large QR code reading `SEPARATOR_TEXT`."""
    import segno
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    qr = segno.make_qr(split.SEPARATOR_TEXT, error="h")
    image = io.BytesIO()
    qr.save(image, kind="png", scale=20, border=4)
    image.seek(0)
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    width, height = A4
    font = "Helvetica"
    try:
        pdfmetrics.registerFont(
            TTFont("DejaVuSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
        )
        font = "DejaVuSans"
    except Exception:  # the sheet still works with the built-in font
        logger.info("DejaVu font unavailable; separator sheet uses Helvetica")
    side = 9 * cm
    page.drawImage(ImageReader(image), (width - side) / 2, (height - side) / 2, side, side)
    page.setFont(font, 22)
    page.drawCentredString(width / 2, height / 2 + side / 2 + 1.5 * cm, "TRANG TÁCH VĂN BẢN")
    page.setFont(font, 11)
    page.drawCentredString(
        width / 2,
        height / 2 - side / 2 - 1.2 * cm,
        "Đặt trang này giữa hai văn bản khi quét; Vanthu tách văn bản tại đây và bỏ trang này.",
    )
    page.showPage()
    page.save()
    return buffer.getvalue()
