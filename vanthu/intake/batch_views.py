"""Pages of the scanning batches (lô quét): upload, follow the analysis, arrange, commit.

The views parse input and call `vanthu.intake.batches`; every button is a plain POST form
(works without script) answered by a redirect to the batch page.
"""

from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vanthu.core.errors import InvalidTransition, NotFound, ValidationFailed
from vanthu.intake import batches, split
from vanthu.intake.forms import ScanBatchForm
from vanthu.intake.models import BatchState, ScanBatch, ScanPage
from vanthu.registry.views.common import (
    acting_agency,
    actor_of,
    download_response,
    render_error,
    require_register,
    staff_view,
)

TAB = "nhap-tep"
OPERATIONS = {"len": "up", "xuong": "down", "xoay": "rotate", "bo": "remove", "tach": "split"}
OPERATIONS |= {"gop": "merge"}
BUTTONS = [
    ("len", "Lên"),
    ("xuong", "Xuống"),
    ("xoay", "Xoay 90°"),
    ("tach", "Tách từ đây"),
    ("bo", "Bỏ trang"),
]


def _batch_of(request: HttpRequest, batch_id: int) -> ScanBatch:
    """Return the batch if it belongs to the acting agency and the actor is its clerk."""
    actor = actor_of(request)
    agency = acting_agency(request)
    require_register(actor, agency.pk)
    batch = batches.scan_batch_get(actor=actor, batch_id=batch_id)
    if batch.agency_id != agency.pk:
        raise NotFound(batches.NOT_FOUND)
    return batch


@staff_view
@require_http_methods(["GET", "POST"])
def batch_upload(request: HttpRequest) -> HttpResponse:
    """Upload the pages of a batch; they are analysed in the background."""
    actor = actor_of(request)
    agency = acting_agency(request)
    require_register(actor, agency.pk)
    form = ScanBatchForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = batches.scan_batch_create(
                actor=actor,
                agency_id=agency.pk,
                files=[(f.name or "tep", f.read()) for f in form.cleaned_data["uploads"]],
            )
        except ValidationFailed as exc:
            form.add_error("uploads", exc.message)
        else:
            return redirect("intake:batch", batch_id=batch.pk)
    pending = batches.scan_batch_list(actor=actor, agency_id=agency.pk)[:50]
    return render(
        request,
        "intake/batch_upload.html",
        {"agency": agency, "form": form, "batches": pending, "tab": TAB},
    )


def _inline_thumbnail(page: ScanPage) -> str:
    """Return the page's thumbnail as a data: URL.

    Inline, the page needs no request per thumbnail: a batch of 300 pages would otherwise
    send 300 requests, each saving the session (SESSION_SAVE_EVERY_REQUEST) at once.
    """
    if not page.thumbnail:
        return ""
    try:
        with page.thumbnail.open("rb") as handle:
            data = handle.read()
    except OSError:
        return ""
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


@staff_view
@require_GET
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    """Show the analysis progress (polled), then the pages grouped into documents."""
    batch = _batch_of(request, batch_id)
    polling = batch.state in (BatchState.PENDING, BatchState.RUNNING)
    htmx = getattr(request, "htmx", None)
    if htmx and not polling:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("intake:batch", kwargs={"batch_id": batch.pk})
        return response
    context: dict[str, object] = {
        "batch": batch,
        "tab": TAB,
        "polling": polling,
        "operations": BUTTONS,
    }
    if htmx:
        return render(request, "intake/_batch_progress.html", context)
    if batch.state == BatchState.READY:
        pages = {page.pk: page for page in batch.pages.all()}
        shown = {pk: (page, _inline_thumbnail(page)) for pk, page in pages.items()}
        documents = []
        for number, arranged in enumerate(batches.current_arrangement(batch), start=1):
            documents.append((number, [shown[page_id] for page_id, _rotation in arranged]))
        context["documents"] = documents
        context["removed"] = [shown[pk] for pk, page in pages.items() if page.document is None]
    if batch.state == BatchState.DONE:
        context["items"] = batch.items.order_by("id")
    return render(request, "intake/batch.html", context)


@staff_view
@require_POST
def batch_page_operation(
    request: HttpRequest, batch_id: int, page_id: int, operation: str
) -> HttpResponse:
    """Apply one button to a page: lên, xuống, xoay, bỏ, tách, gộp, giữ lại."""
    batch = _batch_of(request, batch_id)
    actor = actor_of(request)
    try:
        if operation == "giu-lai":
            batches.scan_batch_restore_page(actor=actor, batch_id=batch.pk, page_id=page_id)
        elif operation in OPERATIONS:
            batches.scan_batch_operate(
                actor=actor, batch_id=batch.pk, operation=OPERATIONS[operation], page_id=page_id
            )
        else:
            raise NotFound("Không có thao tác này.")
    except (ValidationFailed, InvalidTransition) as exc:
        messages.error(request, exc.message)
    return redirect(reverse("intake:batch", kwargs={"batch_id": batch.pk}) + f"#trang-{page_id}")


@staff_view
@require_POST
def batch_move(request: HttpRequest, batch_id: int) -> HttpResponse:
    """Drag and drop: put page `trang` before page `truoc` (or at the end of `van_ban`)."""
    batch = _batch_of(request, batch_id)
    actor = actor_of(request)
    try:
        page_id = int(request.POST.get("trang", ""))
        before = request.POST.get("truoc", "")
        document = request.POST.get("van_ban", "")
        arrangement = batches.current_arrangement(batch)
        batches.scan_batch_arrange(
            actor=actor,
            batch_id=batch.pk,
            arrangement=split.move_page(
                arrangement,
                page_id,
                before=int(before) if before else None,
                document=int(document) if document else None,
            ),
        )
    except split.ArrangementError as exc:
        messages.error(request, str(exc))
    except ValueError:
        messages.error(request, "Không chuyển được trang.")
    except (ValidationFailed, InvalidTransition) as exc:
        messages.error(request, exc.message)
    if getattr(request, "htmx", None):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("intake:batch", kwargs={"batch_id": batch.pk})
        return response
    return redirect("intake:batch", batch_id=batch.pk)


@staff_view
@require_POST
def batch_commit(request: HttpRequest, batch_id: int) -> HttpResponse:
    """Turn each document into a PDF and an intake item; then list them."""
    batch = _batch_of(request, batch_id)
    try:
        items = batches.scan_batch_commit(actor=actor_of(request), batch_id=batch.pk)
    except (ValidationFailed, InvalidTransition) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"Đã tạo {len(items)} văn bản từ lô quét; mỗi văn bản đang được đọc chữ."
        )
    return redirect("intake:batch", batch_id=batch.pk)


@staff_view
@require_POST
def batch_discard(request: HttpRequest, batch_id: int) -> HttpResponse:
    """Delete a batch that will not be used."""
    batch = _batch_of(request, batch_id)
    try:
        batches.scan_batch_discard(actor=actor_of(request), batch_id=batch.pk)
    except InvalidTransition as exc:
        messages.error(request, exc.message)
        return redirect("intake:batch", batch_id=batch.pk)
    messages.success(request, f"Đã xóa lô quét {batch.pk}.")
    return redirect("intake:batch_upload")


@login_required
@require_GET
def batch_thumbnail(request: HttpRequest, batch_id: int, page_id: int) -> HttpResponseBase:
    """Serve a page's thumbnail (404 for anyone but the agency's clerks)."""
    try:
        page: ScanPage = batches.scan_page_get(
            actor=actor_of(request), batch_id=batch_id, page_id=page_id
        )
    except NotFound:
        return render_error(request, 404)
    if not page.thumbnail:
        return render_error(request, 404)
    return download_response(
        page.thumbnail.open("rb"), filename=f"trang-{page.number}.png", content_type="image/png"
    )


@login_required
@require_GET
def separator_sheet(request: HttpRequest) -> HttpResponseBase:
    """Download the printable separator sheet (QR code "VANTHU-TACH")."""
    import io

    return download_response(
        io.BytesIO(batches.separator_sheet_pdf()),
        filename="trang-tach-van-ban.pdf",
        content_type="application/pdf",
        as_attachment=True,
    )
