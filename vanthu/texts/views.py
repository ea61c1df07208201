"""Pages of the texts app: the panel's refresh, a file's extracted text, the searchable copy,
and "Trích xuất lại" (/noi-dung-tep/). Views parse, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from vanthu.core.errors import Conflict, NotFound
from vanthu.registry import selectors as registry_selectors
from vanthu.registry.views.common import (
    actor_of,
    download_response,
    render_error,
    staff_view,
)
from vanthu.texts import selectors, services
from vanthu.texts.panels import panel_data


def _document_url(file_id: int, incoming_id: int | None, outgoing_id: int | None) -> str:
    if incoming_id:
        page = reverse("registry:incoming_detail", args=[incoming_id])
    else:
        page = reverse("registry:outgoing_detail", args=[outgoing_id])
    return f"{page}#noi-dung-tep-{file_id}"


@staff_view
@require_GET
def panel(request: HttpRequest, kind: str, document_id: int) -> HttpResponse:
    """The panel alone, for its htmx polling while a file waits or runs."""
    actor = actor_of(request)
    if kind == "den":
        document: object = registry_selectors.incoming_get(actor=actor, document_id=document_id)
        data = panel_data(actor, "incoming", document)
    elif kind == "di":
        document = registry_selectors.outgoing_get(actor=actor, document_id=document_id)
        data = panel_data(actor, "outgoing", document)
    else:
        raise Http404
    if data is None:
        return HttpResponse("")
    return render(request, "texts/_panel.html", {"panel": {"data": data}})


@staff_view
@require_GET
def file_text(request: HttpRequest, file_id: int) -> HttpResponse:
    """The extracted text of one file, in full."""
    actor = actor_of(request)
    stored = selectors.file_get(actor=actor, file_id=file_id)
    row = selectors.file_text_get(actor=actor, file_id=file_id)
    return render(
        request,
        "texts/file_text.html",
        {
            "file": stored,
            "row": row,
            "back": _document_url(stored.pk, stored.incoming_id, stored.outgoing_id),
        },
    )


@login_required
@require_GET
@xframe_options_sameorigin
def searchable_copy(request: HttpRequest, file_id: int) -> HttpResponseBase:
    """The OCR'd PDF/A copy of a scan (never the original, never signed)."""
    actor = actor_of(request)
    try:
        stored = selectors.file_get(actor=actor, file_id=file_id)
    except NotFound:
        return render_error(request, 404)
    row = selectors.file_text_get(actor=actor, file_id=file_id)
    if row is None or not row.searchable:
        return render_error(request, 404)
    try:
        handle = row.searchable.open("rb")
    except FileNotFoundError:
        return render_error(request, 404)
    stem = stored.original_name.rsplit(".", 1)[0]
    return download_response(
        handle,
        filename=f"{stem} (bản tìm kiếm được).pdf",
        content_type="application/pdf",
        as_attachment=request.GET.get("tai") == "1",
    )


@staff_view
@require_POST
def rerun(request: HttpRequest, file_id: int) -> HttpResponse:
    """ "Trích xuất lại": queue the file's extraction again (the agency's clerks)."""
    actor = actor_of(request)
    stored = selectors.file_get(actor=actor, file_id=file_id)
    try:
        services.file_text_rerun(actor=actor, file_id=file_id)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"Đã xếp lịch trích xuất lại nội dung tệp {stored.original_name}."
        )
    return redirect(_document_url(stored.pk, stored.incoming_id, stored.outgoing_id))
