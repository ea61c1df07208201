"""The register books of NĐ 30/2020 Phụ lục IV: layouts and the rows of a period, read for an actor.

Three books are printed from the stored registers (NĐ 30 Điều 16.2.b, 22.3.b: registers kept in
the system are printed in the paper layout and bound): the incoming book (Sổ đăng ký văn bản
đến), the outgoing book (Sổ đăng ký văn bản đi) and the tracking book of incoming handling
(Sổ theo dõi giải quyết văn bản đến). Columns the system has no data for yet (Ký nhận, the
receiving unit before the workflow exists) are printed empty, for hand-filling as on paper.

Rows are streamed with `.iterator()` so a month of ~10,000 documents is never held at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, Literal

from django.db.models import Count, Max, Min, Prefetch, QuerySet
from django.utils import timezone

from vanthu.core.actor import Actor
from vanthu.core.errors import NotFound, PermissionDenied, ValidationFailed
from vanthu.organizations.choices import Role
from vanthu.registry.choices import IncomingStatus, OutgoingStatus, RegisterKind
from vanthu.registry.models import (
    IncomingDocument,
    OutgoingDocument,
    OutgoingRecipient,
    Register,
)

# Rows fetched from the database per round trip while streaming a period.
CHUNK_SIZE = 2000
# Who prints the books of an agency: its clerks keep them, leaders and archivists read them.
PRINT_ROLES = frozenset({Role.CLERK, Role.LEADER, Role.ARCHIVIST})

NOT_FOUND = "Không tìm thấy sổ văn bản."
DENIED = "Chỉ văn thư, lãnh đạo và lưu trữ của cơ quan được in sổ văn bản."

Cell = str | int | date | datetime | None
CellKind = Literal["text", "number", "date", "datetime"]


class Book(StrEnum):
    """Which register book is printed; values appear in URLs and the API, never renamed."""

    INCOMING = "incoming"
    OUTGOING = "outgoing"
    TRACKING = "tracking"


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a book: its header exactly as the decree prints it, width and kind."""

    title: str
    width_mm: float
    kind: CellKind = "text"


@dataclass(frozen=True, slots=True)
class Layout:
    """The printed form of one book (NĐ 30/2020 Phụ lục IV)."""

    book: Book
    title: str
    slug: str
    register_kind: str
    columns: tuple[Column, ...]


LAYOUTS: dict[Book, Layout] = {
    Book.INCOMING: Layout(
        book=Book.INCOMING,
        title="SỔ ĐĂNG KÝ VĂN BẢN ĐẾN",
        slug="so-van-ban-den",
        register_kind=RegisterKind.INCOMING,
        columns=(
            Column("Ngày đến", 20, "datetime"),
            Column("Số đến", 14, "number"),
            Column("Tác giả", 34),
            Column("Số, ký hiệu", 27),
            Column("Ngày tháng văn bản", 20, "date"),
            Column("Tên loại và trích yếu nội dung", 62),
            Column("Đơn vị hoặc người nhận", 27),
            Column("Ngày chuyển", 18, "date"),
            Column("Ký nhận", 20),
            Column("Ghi chú", 23),
        ),
    ),
    Book.OUTGOING: Layout(
        book=Book.OUTGOING,
        title="SỔ ĐĂNG KÝ VĂN BẢN ĐI",
        slug="so-van-ban-di",
        register_kind=RegisterKind.OUTGOING,
        columns=(
            Column("Số, ký hiệu văn bản", 27),
            Column("Ngày tháng văn bản", 20, "date"),
            Column("Tên loại và trích yếu nội dung văn bản", 62),
            Column("Người ký", 27),
            Column("Nơi nhận văn bản", 38),
            Column("Đơn vị, người nhận bản lưu", 25),
            Column("Số lượng bản", 14, "number"),
            Column("Ngày chuyển", 18, "date"),
            Column("Ký nhận", 19),
            Column("Ghi chú", 15),
        ),
    ),
    Book.TRACKING: Layout(
        book=Book.TRACKING,
        title="SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN",
        slug="so-theo-doi-giai-quyet-van-ban-den",
        register_kind=RegisterKind.INCOMING,
        columns=(
            Column("Số đến", 14, "number"),
            Column("Tên loại, số, ký hiệu, ngày tháng, cơ quan ban hành", 75),
            Column("Đơn vị/người nhận", 35),
            Column("Thời hạn giải quyết", 22, "date"),
            Column("Tiến độ giải quyết", 40),
            Column("Số, ký hiệu văn bản trả lời", 34),
            Column("Ghi chú", 45),
        ),
    ),
}


@dataclass(frozen=True, slots=True)
class Heading:
    """The title block of a printed book: agency, book, register, period and number range."""

    parent_agency_name: str
    agency_name: str
    register_name: str
    date_from: date
    date_to: date
    first_number: int | None
    last_number: int | None
    row_count: int

    @property
    def period(self) -> str:
        """Return the period line, with the number range when the period is within one year."""
        text = f"Từ ngày {self.date_from:%d/%m/%Y} đến ngày {self.date_to:%d/%m/%Y}"
        # Numbers restart on 1 January (NĐ 30 Điều 15): a range across years would mislead.
        if self.first_number is not None and self.date_from.year == self.date_to.year:
            text += f"; từ số {self.first_number} đến số {self.last_number}"
        return f"{text} ({self.row_count} văn bản)"

    @property
    def years(self) -> str:
        """Return the year line, e.g. "2026" or "2025-2026" for a period across 1 January."""
        first, last = self.date_from.year, self.date_to.year
        return str(first) if first == last else f"{first}-{last}"


@dataclass(frozen=True, slots=True)
class RegisterBook:
    """A book ready to write: layout, title block and its rows, streamed."""

    layout: Layout
    heading: Heading
    rows: Iterator[tuple[Cell, ...]]

    def filename(self, extension: str) -> str:
        """Return the download name, e.g. `so-van-ban-den-2026-11.pdf`."""
        period = period_slug(self.heading.date_from, self.heading.date_to)
        return f"{self.layout.slug}-{period}.{extension}"


def period_slug(date_from: date, date_to: date) -> str:
    """Name a period: `2026` for a calendar year, `2026-11` for a month, else both dates."""
    if date_from == date(date_from.year, 1, 1) and date_to == date(date_from.year, 12, 31):
        return str(date_from.year)
    next_month = (date_from.replace(day=28) + timedelta(days=4)).replace(day=1)
    if date_from.day == 1 and date_to == next_month - timedelta(days=1):
        return f"{date_from:%Y-%m}"
    return f"{date_from:%Y-%m-%d}-den-{date_to:%Y-%m-%d}"


def register_get_for_printing(*, actor: Actor, register_id: int, layout: Layout) -> Register:
    """Return a register the actor may print in `layout`; another agency's is not found."""
    register = Register.objects.select_related("agency__parent").filter(pk=register_id).first()
    if register is None or not (actor.is_system_admin or register.agency_id in actor.agency_ids):
        raise NotFound(NOT_FOUND)
    if not actor.is_system_admin and not (actor.roles_in(register.agency_id) & PRINT_ROLES):
        raise PermissionDenied(DENIED)
    if register.kind != layout.register_kind:
        raise ValidationFailed(
            "Sổ đã chọn không dùng được cho mẫu sổ này.",
            fields={"register": ["Chọn sổ văn bản đến hoặc đi phù hợp với mẫu sổ."]},
        )
    return register


def _check_period(date_from: date, date_to: date) -> None:
    if date_from > date_to:
        raise ValidationFailed(
            "Khoảng thời gian không hợp lệ: ngày bắt đầu sau ngày kết thúc.",
            fields={"date_to": ["Ngày kết thúc phải bằng hoặc sau ngày bắt đầu."]},
        )


def _local_bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """Return [start, end) of the period in the agency's time zone (the site's)."""
    start = timezone.make_aware(datetime.combine(date_from, time.min))
    end = timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min))
    return start, end


def _local(value: datetime | None) -> datetime | None:
    return None if value is None else timezone.localtime(value)


def _local_date(value: datetime | None) -> date | None:
    return None if value is None else timezone.localtime(value).date()


def _dmy(value: date | None) -> str:
    return "" if value is None else f"{value:%d/%m/%Y}"


def incoming_period_list(
    *, actor: Actor, register_id: int, date_from: date, date_to: date, layout: Layout
) -> tuple[Register, QuerySet[IncomingDocument]]:
    """Return the register and its incoming documents received in the period, in book order."""
    _check_period(date_from, date_to)
    register = register_get_for_printing(actor=actor, register_id=register_id, layout=layout)
    start, end = _local_bounds(date_from, date_to)
    # QĐ 22 Điều 10: the book follows the legal received time, not the entry time.
    documents = IncomingDocument.objects.filter(
        agency_id=register.agency_id,
        register_id=register.pk,
        received_at__gte=start,
        received_at__lt=end,
    ).order_by("received_at", "year", "arrival_number", "id")
    return register, documents


def outgoing_period_list(
    *, actor: Actor, register_id: int, date_from: date, date_to: date
) -> tuple[Register, QuerySet[OutgoingDocument]]:
    """Return the register and its numbered outgoing documents dated in the period, by number."""
    _check_period(date_from, date_to)
    register = register_get_for_printing(
        actor=actor, register_id=register_id, layout=LAYOUTS[Book.OUTGOING]
    )
    # A revoked document keeps its line: numbers are never reused (NĐ 30 Điều 15).
    documents = OutgoingDocument.objects.filter(
        agency_id=register.agency_id,
        register_id=register.pk,
        number__isnull=False,
        document_date__gte=date_from,
        document_date__lte=date_to,
    ).order_by("year", "number", "id")
    return register, documents


def _heading(
    register: Register,
    documents: QuerySet[IncomingDocument] | QuerySet[OutgoingDocument],
    number_field: str,
    date_from: date,
    date_to: date,
) -> Heading:
    stats = documents.order_by().aggregate(
        first=Min(number_field), last=Max(number_field), count=Count("id")
    )
    agency = register.agency
    return Heading(
        parent_agency_name=agency.parent.name if agency.parent else "",
        agency_name=agency.name,
        register_name=register.name,
        date_from=date_from,
        date_to=date_to,
        first_number=stats["first"],
        last_number=stats["last"],
        row_count=stats["count"],
    )


def _incoming_title(document: IncomingDocument) -> str:
    return f"{document.document_type.name} {document.summary}".strip()


def _incoming_note(document: IncomingDocument) -> str:
    notes = [document.notes] if document.notes else []
    if document.status == IncomingStatus.REVOKED:
        notes.append(IncomingStatus.REVOKED.label)
    return "; ".join(notes)


def _leads() -> Prefetch[Any]:
    """The top-level lead assignments of each document (NĐ 30/2020 Điều 24: "đơn vị chủ trì")."""
    from vanthu.workflow.choices import AssignmentRole, AssignmentState
    from vanthu.workflow.models import Assignment

    leads = (
        Assignment.objects.filter(role=AssignmentRole.LEAD, parent__isnull=True)
        .exclude(state=AssignmentState.CANCELLED)
        .select_related("assignee_unit", "assignee", "reply")
        .order_by("assigned_at", "id")
    )
    return Prefetch("assignments", queryset=leads, to_attr="top_leads")


def _lead_names(document: IncomingDocument) -> str:
    leads = getattr(document, "top_leads", [])
    return "; ".join(
        a.assignee.full_name if a.assignee else a.assignee_unit.name
        for a in leads
        if a.assignee or a.assignee_unit
    )


def _passed_on(document: IncomingDocument) -> date | None:
    leads = getattr(document, "top_leads", [])
    return _local_date(leads[0].assigned_at) if leads else None


def _replies(document: IncomingDocument) -> str:
    leads = getattr(document, "top_leads", [])
    return "; ".join(a.reply.number_notation for a in leads if a.reply is not None)


def _incoming_rows(documents: QuerySet[IncomingDocument]) -> Iterator[tuple[Cell, ...]]:
    documents = documents.select_related("document_type").prefetch_related(_leads())
    for d in documents.iterator(chunk_size=CHUNK_SIZE):
        yield (
            _local(d.received_at),
            d.arrival_number,
            d.sender_name,
            d.number_notation,
            d.document_date,
            _incoming_title(d),
            _lead_names(d) or None,  # Đơn vị hoặc người nhận: the lead (chủ trì)
            _passed_on(d),  # Ngày chuyển: when the leader's direction passed it on
            None,  # Ký nhận: signed by hand in the bound book
            _incoming_note(d),
        )


# Handling progress as the tracking book states it; a document only registered has none yet.
_PROGRESS: dict[str, str] = {
    IncomingStatus.IN_PROGRESS: IncomingStatus.IN_PROGRESS.label,
    IncomingStatus.DONE: IncomingStatus.DONE.label,
    IncomingStatus.REVOKED: IncomingStatus.REVOKED.label,
}


def _tracking_identity(document: IncomingDocument) -> str:
    parts = [document.document_type.name]
    if document.number_notation:
        parts.append(f"số {document.number_notation}")
    parts.append(f"ngày {_dmy(document.document_date)}")
    parts.append(f"của {document.sender_name}")
    return " ".join(parts)


def _tracking_rows(documents: QuerySet[IncomingDocument]) -> Iterator[tuple[Cell, ...]]:
    documents = documents.select_related("document_type").prefetch_related(_leads())
    for d in documents.iterator(chunk_size=CHUNK_SIZE):
        yield (
            d.arrival_number,
            _tracking_identity(d),
            _lead_names(d) or None,  # Đơn vị/người nhận: the lead (chủ trì)
            d.due_date,
            _PROGRESS.get(d.status, ""),
            _replies(d) or None,  # Số, ký hiệu văn bản trả lời
            d.notes,
        )


def _outgoing_rows(documents: QuerySet[OutgoingDocument]) -> Iterator[tuple[Cell, ...]]:
    recipients = Prefetch(
        "recipients", queryset=OutgoingRecipient.objects.order_by("position", "id")
    )
    documents = documents.select_related("document_type", "signer").prefetch_related(recipients)
    for d in documents.iterator(chunk_size=CHUNK_SIZE):
        places = list(d.recipients.all())
        signer = d.signer_name or (d.signer.full_name if d.signer else "")
        notes = [d.notes] if d.notes else []
        if d.status == OutgoingStatus.REVOKED:
            notes.append(OutgoingStatus.REVOKED.label)
        yield (
            d.number_notation,
            d.document_date,
            f"{d.document_type.name} {d.summary}".strip(),
            signer,
            # One place a line, as "Nơi nhận" is written on the document itself.
            "\n".join(r.place for r in places if not r.is_filing_copy),
            "\n".join(r.place for r in places if r.is_filing_copy),
            d.copies,
            _local_date(d.sent_at),
            None,  # Ký nhận: signed by hand in the bound book
            "; ".join(notes),
        )


def register_book_get(
    *, actor: Actor, book: Book, register_id: int, date_from: date, date_to: date
) -> RegisterBook:
    """Return one book of a register for a period: title block and streamed rows."""
    layout = LAYOUTS[Book(book)]
    if layout.book == Book.OUTGOING:
        register, outgoing = outgoing_period_list(
            actor=actor, register_id=register_id, date_from=date_from, date_to=date_to
        )
        heading = _heading(register, outgoing, "number", date_from, date_to)
        return RegisterBook(layout, heading, _outgoing_rows(outgoing))
    register, incoming = incoming_period_list(
        actor=actor,
        register_id=register_id,
        date_from=date_from,
        date_to=date_to,
        layout=layout,
    )
    heading = _heading(register, incoming, "arrival_number", date_from, date_to)
    rows = _incoming_rows(incoming) if layout.book == Book.INCOMING else _tracking_rows(incoming)
    return RegisterBook(layout, heading, rows)


def printable_registers(*, actor: Actor) -> list[Register]:
    """Return the active registers of the actor's agency that the actor may print."""
    agency_id = actor.agency_id
    if agency_id is None or not (actor.is_system_admin or actor.roles_in(agency_id) & PRINT_ROLES):
        return []
    return list(Register.objects.filter(agency_id=agency_id).order_by("kind", "name"))
