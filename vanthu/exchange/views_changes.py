"""The sender's pages for updating or replacing a sent document (types 2 and 3, ADR 0020).

A panel on the outgoing document's page (`registry.detail_panels`) shows the updates and
replacements with each recipient's answer (13 asked, 15 accepted, 16 refused with the reason)
and, to the agency's clerks, the forms: "Cập nhật văn bản đã gửi" on a sent document,
"Thay thế văn bản đã gửi" on an issued one not sent yet. The forms post here; a refusal comes
back as a Vietnamese message on the document's page, and nothing is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from vanthu.core.actor import Actor
from vanthu.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from vanthu.exchange import changes as c
from vanthu.exchange.choices import ChangeKind, StatusCode
from vanthu.exchange.forms import ReplacementMarkForm, UpdateSendForm
from vanthu.exchange.models import Delivery, OutgoingChange
from vanthu.registry.choices import OutgoingStatus
from vanthu.registry.detail_panels import DetailPanel
from vanthu.registry.models import OutgoingDocument
from vanthu.registry.permissions import can_register
from vanthu.registry.views.common import actor_of, render_error, staff_view

ANSWERS = (StatusCode.TAKE_BACK_REQUESTED, StatusCode.CHANGE_ACCEPTED, StatusCode.CHANGE_REFUSED)
CHOICES_LIMIT = 200


@dataclass(frozen=True)
class AnswerLine:
    """One recipient of an update or replacement, and its answer so far."""

    delivery: Delivery
    code: str
    label: str
    description: str


@dataclass(frozen=True)
class ChangeRow:
    """An update or replacement with its recipients' answers."""

    change: OutgoingChange
    is_update: bool
    is_own: bool  # this document is the one updated (or the replacing one)
    answers: list[AnswerLine]


def _answers(change: OutgoingChange) -> list[AnswerLine]:
    lines = []
    for delivery in change.deliveries.all():
        events = [e for e in delivery.events.all() if e.code in ANSWERS]
        last = events[-1] if events else None
        code = last.code if last else ""
        label = {
            StatusCode.TAKE_BACK_REQUESTED: "Chờ nơi nhận quyết định",
            StatusCode.CHANGE_ACCEPTED: "Nơi nhận đã đồng ý",
            StatusCode.CHANGE_REFUSED: "Nơi nhận từ chối",
        }.get(StatusCode(code) if code else StatusCode.TAKE_BACK_REQUESTED, "")
        description = last.description if last and code != StatusCode.TAKE_BACK_REQUESTED else ""
        lines.append(AnswerLine(delivery, code, label, description))
    return lines


def _may_act(actor: Actor, document: OutgoingDocument) -> bool:
    return actor.agency_id == document.agency_id and can_register(actor, document.agency_id)


def _update_form(document: OutgoingDocument, data: Any = None, files: Any = None) -> UpdateSendForm:
    envelope = c.current_envelope(document)
    return UpdateSendForm(
        data,
        files,
        prefix="cap-nhat",
        initial={
            "summary": envelope.summary,
            "signer_name": envelope.signer_name,
            "signer_position": envelope.signer_position,
            "urgency": envelope.urgency,
            "due_date": envelope.due_date,
            "page_count": envelope.page_count,
        },
    )


def _replace_form(
    actor: Actor, document: OutgoingDocument, data: Any = None
) -> ReplacementMarkForm:
    documents = c.replaceable_documents(actor=actor, document=document)[:CHOICES_LIMIT]
    return ReplacementMarkForm(
        data,
        prefix="thay-the",
        documents=[
            (d.pk, f"{d.number_notation} ngày {d.document_date:%d/%m/%Y} — {d.summary[:80]}")
            for d in documents
        ],
    )


def changes_panel(actor: Actor, document: OutgoingDocument) -> DetailPanel | None:
    """Updates and replacements of a document, and the clerk's forms for them."""
    rows = [
        ChangeRow(
            change=change,
            is_update=change.business_type == ChangeKind.UPDATE,
            is_own=change.business_type == ChangeKind.UPDATE
            or change.replacement_id == document.pk,
            answers=_answers(change),
        )
        for change in c.change_list(actor=actor, outgoing_id=document.pk)
    ]
    may_act = _may_act(actor, document)
    update_form = replace_form = None
    marked = next((r.change for r in rows if r.change.replacement_id == document.pk), None)
    if may_act and document.status == OutgoingStatus.ISSUED:
        if document.sent_at is not None and document.deliveries.exists():
            update_form = _update_form(document)
        elif document.sent_at is None:
            replace_form = _replace_form(actor, document)
    if not rows and update_form is None and replace_form is None:
        return None
    return DetailPanel(
        "exchange/_panel_changes.html",
        {
            "document": document,
            "rows": rows,
            "update_form": update_form,
            "replace_form": replace_form,
            "marked": marked if document.sent_at is None else None,
        },
    )


def _document(request: HttpRequest, document_id: int) -> OutgoingDocument:
    document = OutgoingDocument.objects.filter(pk=document_id).first()
    if document is None:
        raise NotFound(c.NOT_FOUND)
    return document


def _refused(request: HttpRequest, error: ValidationFailed) -> None:
    details = [f"{message}" for messages_ in error.fields.values() for message in messages_]
    messages.error(request, " ".join([error.message, *details]))


def _back(document_id: int) -> HttpResponse:
    return redirect(f"/van-ban/di/{document_id}/#thay-doi")


@staff_view
@require_POST
def update_send(request: HttpRequest, document_id: int) -> HttpResponse:
    """ "Gửi bản cập nhật": send the correction to every recipient (type 2)."""
    actor = actor_of(request)
    document = _document(request, document_id)
    form = _update_form(document, request.POST, request.FILES)
    if not form.is_valid():
        details = []
        for name, errors in form.errors.items():
            text = " ".join(str(e) for e in errors)
            details.append(f"{form.fields[name].label}: {text}" if name in form.fields else text)
        messages.error(request, "Bản cập nhật chưa hợp lệ. " + " ".join(details))
        return _back(document.pk)
    data = form.cleaned_data
    try:
        c.update_send(
            actor=actor,
            document_id=document.pk,
            reason=data["reason"],
            changes={name: data[name] for name in c.UPDATE_FIELDS},
            files=[(f.name, f.read()) for f in data["uploads"]],
        )
    except ValidationFailed as exc:
        _refused(request, exc)
    except (InvalidTransition, PermissionDenied) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Đã gửi bản cập nhật tới các nơi nhận; chờ nơi nhận đồng ý.")
    return _back(document.pk)


@staff_view
@require_POST
def replacement_mark(request: HttpRequest, document_id: int) -> HttpResponse:
    """ "Đánh dấu thay thế": this issued document replaces one sent before (type 3)."""
    actor = actor_of(request)
    document = _document(request, document_id)
    form = _replace_form(actor, document, request.POST)
    if not form.is_valid():
        messages.error(request, "Hãy chọn văn bản bị thay thế và ghi lý do thay thế.")
        return _back(document.pk)
    try:
        change = c.replacement_mark(
            actor=actor,
            document_id=document.pk,
            replaces_id=form.cleaned_data["replaces"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationFailed as exc:
        _refused(request, exc)
    except (InvalidTransition, PermissionDenied) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"Văn bản này sẽ thay thế văn bản {change.outgoing.number_notation} khi được gửi.",
        )
    return _back(document.pk)


@staff_view
@require_POST
def replacement_unmark(request: HttpRequest, document_id: int) -> HttpResponse:
    """ "Bỏ đánh dấu thay thế" before the document is sent."""
    try:
        c.replacement_unmark(actor=actor_of(request), document_id=document_id)
    except (InvalidTransition, PermissionDenied) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Đã bỏ đánh dấu thay thế.")
    return _back(document_id)


@login_required
@require_GET
def change_file(request: HttpRequest, change_id: int, file_id: int) -> HttpResponseBase:
    """Serve a corrected file the agency sent with an update, byte for byte."""
    try:
        stored = c.change_file_get(actor=actor_of(request), change_id=change_id, file_id=file_id)
        handle = stored.file.open("rb")
    except (NotFound, FileNotFoundError):
        return render_error(request, 404)
    response = FileResponse(
        handle, content_type=stored.content_type, as_attachment=True, filename=stored.name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
