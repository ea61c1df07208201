"""Reads of the registers, scoped to what the actor may see (one agency's documents)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.utils import timezone

from vanthu.core.actor import Actor
from vanthu.core.errors import NotFound, ValidationFailed
from vanthu.registry.choices import IncomingStatus, OutgoingStatus
from vanthu.registry.models import (
    DocumentFile,
    DocumentType,
    Field,
    IncomingDocument,
    OutgoingDocument,
    Register,
    RegisterCounter,
)
from vanthu.registry.permissions import can_view_documents

NOT_FOUND = "Không tìm thấy văn bản."
FILE_NOT_FOUND = "Không tìm thấy tệp."
REGISTER_NOT_FOUND = "Không tìm thấy sổ văn bản."
# Each sort ends with the primary key so that keyset pages are stable (vanthu.core.pagination).
# The keys are the values of the lists' "Sắp xếp" choice and of the API's `sort` parameter.
INCOMING_SORTS: dict[str, tuple[str | OrderBy, ...]] = {
    "-received_at": ("-received_at", "-id"),
    "received_at": ("received_at", "id"),
    "-arrival_number": ("-year", "-arrival_number", "-id"),
    "arrival_number": ("year", "arrival_number", "id"),
    # Documents without a due date come last, on every database.
    "due_date": (F("due_date").asc(nulls_last=True), "id"),
}
INCOMING_SORT_LABELS: dict[str, str] = {
    "-received_at": "Mới nhận trước",
    "received_at": "Nhận trước hiện trước",
    "-arrival_number": "Số đến giảm dần",
    "arrival_number": "Số đến tăng dần",
    "due_date": "Hạn xử lý gần nhất",
}
OUTGOING_SORTS: dict[str, tuple[str | OrderBy, ...]] = {
    "-id": ("-id",),
    # Documents not yet sent come last, on every database.
    "-sent_at": (F("sent_at").desc(nulls_last=True), "-id"),
    "-number": ("-year", "-number", "-id"),
    "number": ("year", "number", "id"),
}
OUTGOING_SORT_LABELS: dict[str, str] = {
    "-id": "Mới nhập trước",
    "-sent_at": "Mới gửi trước",
    "-number": "Số giảm dần",
    "number": "Số tăng dần",
}
CLOSED = (IncomingStatus.DONE, IncomingStatus.REVOKED)


@dataclass(frozen=True)
class IncomingFilters:
    """Filters of the incoming list; empty values filter nothing."""

    received_from: date | None = None
    received_to: date | None = None
    register_id: int | None = None
    document_type_id: int | None = None
    field_id: int | None = None
    sender: str | int = ""
    urgency: str = ""
    status: str = ""
    overdue: bool = False
    q: str = ""
    sort: str = "-received_at"


@dataclass(frozen=True)
class OutgoingFilters:
    """Filters of the outgoing list (period on the document date); empty values filter nothing."""

    date_from: date | None = None
    date_to: date | None = None
    register_id: int | None = None
    document_type_id: int | None = None
    field_id: int | None = None
    urgency: str = ""
    status: str = ""
    # The paper copy of an Article 5 document not sent by its due time (QĐ 22 Điều 10.3).
    paper_overdue: bool = False
    q: str = ""
    sort: str = "-id"


def _scope(actor: Actor) -> Q:
    """Return the documents the actor may list: those of the acting agency, and no other.

    A system administrator with no acting agency lists nothing: documents are read inside one
    agency, chosen with the acting-agency switch (ADR 0002), never province-wide.
    """
    if actor.agency_id is not None and can_view_documents(actor, actor.agency_id):
        return Q(agency_id=actor.agency_id)
    return Q(pk__in=[])


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _sort(sorts: Mapping[str, tuple[str | OrderBy, ...]], sort: str) -> tuple[str | OrderBy, ...]:
    if sort not in sorts:
        message = f"Không sắp xếp được theo '{sort}'."
        raise ValidationFailed(message, fields={"sort": [message]})
    return sorts[sort]


def incoming_list(*, actor: Actor, filters: IncomingFilters) -> QuerySet[IncomingDocument]:
    """Return the incoming documents the actor may see, filtered and sorted."""
    qs = IncomingDocument.objects.filter(_scope(actor)).select_related(
        "register", "document_type", "field", "sender_agency"
    )
    f = filters
    if f.received_from:
        qs = qs.filter(received_at__gte=_day_start(f.received_from))
    if f.received_to:
        qs = qs.filter(received_at__lt=_day_start(f.received_to + timedelta(days=1)))
    if f.register_id:
        qs = qs.filter(register_id=f.register_id)
    if f.document_type_id:
        qs = qs.filter(document_type_id=f.document_type_id)
    if f.field_id:
        qs = qs.filter(field_id=f.field_id)
    sender = str(f.sender).strip()
    if sender.isdigit():
        qs = qs.filter(sender_agency_id=int(sender))
    elif sender:
        qs = qs.filter(sender_name__icontains=sender)
    if f.urgency:
        qs = qs.filter(urgency=f.urgency)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.overdue:
        qs = qs.filter(due_date__lt=timezone.localdate()).exclude(status__in=CLOSED)
    q = f.q.strip()
    if q:
        qs = qs.filter(Q(summary__icontains=q) | Q(number__icontains=q) | Q(notation__icontains=q))
    return qs.order_by(*_sort(INCOMING_SORTS, f.sort))


def incoming_get(*, actor: Actor, document_id: int) -> IncomingDocument:
    """Return one incoming document the actor may see, or raise NotFound."""
    document = (
        IncomingDocument.objects.select_related(
            "register", "document_type", "field", "sender_agency", "registered_by"
        )
        .filter(pk=document_id)
        .first()
    )
    if document is None or not can_view_documents(actor, document.agency_id):
        raise NotFound(NOT_FOUND)
    return document


def outgoing_list(*, actor: Actor, filters: OutgoingFilters) -> QuerySet[OutgoingDocument]:
    """Return the outgoing documents the actor may see, filtered and sorted."""
    qs = OutgoingDocument.objects.filter(_scope(actor)).select_related(
        "register", "document_type", "field", "drafting_unit"
    )
    f = filters
    if f.date_from:
        qs = qs.filter(document_date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(document_date__lte=f.date_to)
    if f.register_id:
        qs = qs.filter(register_id=f.register_id)
    if f.document_type_id:
        qs = qs.filter(document_type_id=f.document_type_id)
    if f.field_id:
        qs = qs.filter(field_id=f.field_id)
    if f.urgency:
        qs = qs.filter(urgency=f.urgency)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.paper_overdue:
        # As the alert: a revoked document's paper copy is no longer due.
        qs = qs.filter(
            status=OutgoingStatus.ISSUED,
            paper_dispatch__done_at__isnull=True,
            paper_dispatch__due_at__lt=timezone.now(),
        )
    q = f.q.strip()
    if q:
        qs = qs.filter(Q(summary__icontains=q) | Q(notation__icontains=q))
    return qs.order_by(*_sort(OUTGOING_SORTS, f.sort))


def outgoing_get(*, actor: Actor, document_id: int) -> OutgoingDocument:
    """Return one outgoing document the actor may see, or raise NotFound."""
    document = (
        OutgoingDocument.objects.select_related(
            "register", "document_type", "field", "drafting_unit", "created_by"
        )
        .prefetch_related("recipients")
        .filter(pk=document_id)
        .first()
    )
    if document is None or not can_view_documents(actor, document.agency_id):
        raise NotFound(NOT_FOUND)
    return document


def register_list(
    *, actor: Actor, kind: str | None = None, include_inactive: bool = False
) -> QuerySet[Register]:
    """Return the registers of the acting agency, of one kind or all; open ones unless asked."""
    qs = Register.objects.filter(_scope(actor))
    if not include_inactive:
        qs = qs.filter(is_active=True)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("kind", "id")


def register_get(*, actor: Actor, register_id: int) -> Register:
    """Return one register of an agency whose documents the actor reads, or raise NotFound."""
    register = Register.objects.filter(pk=register_id).first()
    if register is None or not can_view_documents(actor, register.agency_id):
        raise NotFound(REGISTER_NOT_FOUND)
    return register


def register_last_numbers(*, actor: Actor, year: int) -> dict[int, int]:
    """Return the last number each register of the acting agency gave in `year`."""
    counters = RegisterCounter.objects.filter(
        register__in=Register.objects.filter(_scope(actor)), year=year
    )
    return dict(counters.values_list("register_id", "last_number"))


def field_list(*, actor: Actor, include_inactive: bool = False) -> QuerySet[Field]:
    """Return the subject areas (lĩnh vực) of the acting agency."""
    qs = Field.objects.filter(_scope(actor))
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("name")


def document_type_list() -> QuerySet[DocumentType]:
    """Return every document type (NĐ 30/2020 Điều 7), in the decree's order."""
    return DocumentType.objects.order_by("rank", "name")


def document_file_get(*, actor: Actor, file_id: int) -> DocumentFile:
    """Return one stored file whose document the actor may see, or raise NotFound."""
    stored = DocumentFile.objects.filter(pk=file_id).first()
    if stored is None or not can_view_documents(actor, stored.agency_id):
        raise NotFound(FILE_NOT_FOUND)
    return stored
