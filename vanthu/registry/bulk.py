"""Bulk registration of incoming documents: a batch entered in the register at once.

For importing a batch of metadata (a legacy register, a batch of deliveries from the exchange)
through the rules of single registration (`incoming.incoming_document_register`): the same
permission (the agency's clerks), the same checks and messages per item, the same received
time (QĐ 22 Điều 10: outside office hours, the start of the next working session) and the same
journal record per document. Files are not part of a bulk registration: metadata only.

All or nothing: every item is checked before anything is written; one bad item raises
`ValidationFailed` naming it (`fields` keys `items[<index>].<field>`, 0-based), and nothing is
stored. The numbers of the whole batch are taken with one locked update of the register's
counter, gap-free and in the order of the items (ADR 0011), then the documents are inserted
with one `bulk_create` and journalled with one `journal_record_many` (one locked chain head).
Lookups (sender agencies, types, fields, possible duplicates) are one query each per batch, not
per item, which is what makes thousands of documents a second possible.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from vanthu.core.actor import Actor
from vanthu.core.calendar import working_calendar
from vanthu.core.errors import Conflict, ErrorCode, NotFound, PermissionDenied, ValidationFailed
from vanthu.core.journal import JournalItem, journal_record_many, snapshot
from vanthu.core.text import AmbiguousEncoding, fold, normalize_text
from vanthu.organizations.models import Agency
from vanthu.registry.choices import IntakeChannel, RegisterKind, Urgency
from vanthu.registry.incoming import DENIED, TEXT_FIELDS, IncomingData, _max_length
from vanthu.registry.models import DocumentType, Field, IncomingDocument, Register, RegisterCounter
from vanthu.registry.permissions import can_register
from vanthu.registry.registers import register_for

# A batch is one transaction holding the register's counter lock: keep it bounded.
MAX_BATCH = 5000
REGISTER_NOT_FOUND = "Không tìm thấy sổ văn bản đến."
EMPTY = "Không có văn bản nào để vào sổ."
TOO_MANY = f"Mỗi lần vào sổ tối đa {MAX_BATCH} văn bản; hãy chia thành nhiều lần."
DUPLICATES = (
    "Một số văn bản có thể đã được vào sổ (trùng nơi gửi, số, ký hiệu và ngày văn bản), "
    "hoặc lặp lại trong cùng lô. Hãy kiểm tra; nếu đúng là văn bản khác, xác nhận để vào sổ."
)

Values = dict[str, object]
DuplicateKey = tuple[int | None, str, str, str, date]


def _item_message(errors: dict[int, dict[str, list[str]]]) -> str:
    first = min(errors)
    others = len(errors) - 1
    text = f"Văn bản thứ {first + 1} trong lô chưa hợp lệ"
    if others:
        text += f" (và {others} văn bản khác)"
    return text + "; không văn bản nào được vào sổ. Hãy sửa các mục được đánh dấu."


class _Lookups:
    """The records a batch refers to, read with one query per table."""

    def __init__(self, *, agency_id: int, items: Sequence[IncomingData]) -> None:
        sender_ids = {i.sender_agency_id for i in items if i.sender_agency_id is not None}
        type_ids = {i.document_type_id for i in items}
        field_ids = {i.field_id for i in items if i.field_id is not None}
        self.senders: dict[int, Agency] = (
            Agency.objects.in_bulk(list(sender_ids)) if sender_ids else {}
        )
        self.types: dict[int, DocumentType] = (
            DocumentType.objects.in_bulk([t for t in type_ids if isinstance(t, int)])
            if type_ids
            else {}
        )
        self.fields: dict[int, Field] = (
            {
                f.pk: f
                for f in Field.objects.filter(pk__in=field_ids, agency_id=agency_id, is_active=True)
            }
            if field_ids
            else {}
        )


def _clean_item(
    data: IncomingData, lookups: _Lookups, today: date
) -> tuple[Values, dict[str, list[str]]]:
    """Return the model values of one item and its errors, as `incoming._clean` decides them."""
    errors: dict[str, list[str]] = {}
    values: Values = {}
    for name in TEXT_FIELDS:
        raw = getattr(data, name) or ""
        try:
            text = normalize_text(str(raw), field=name)
        except AmbiguousEncoding as error:
            errors[name] = [error.message]
            continue
        limit = _max_length(name)
        if len(text) > limit:
            errors[name] = [f"Dài {len(text)} ký tự, tối đa {limit} ký tự."]
        values[name] = text
    if not values.get("summary") and "summary" not in errors:
        errors["summary"] = ["Cần nhập trích yếu nội dung."]
    sender: Agency | None = None
    if data.sender_agency_id is not None:
        sender = lookups.senders.get(data.sender_agency_id)
        if sender is None:
            errors["sender_agency_id"] = ["Cơ quan gửi không có trong danh bạ."]
        elif not values.get("sender_name"):
            values["sender_name"] = sender.name
    elif not values.get("sender_name") and "sender_name" not in errors:
        errors["sender_name"] = ["Cần chọn cơ quan gửi hoặc nhập nơi gửi."]
    values["sender_agency"] = sender
    document_type = lookups.types.get(data.document_type_id)
    if document_type is None:
        errors["document_type_id"] = ["Loại văn bản không tồn tại."]
    values["document_type"] = document_type
    field = None
    if data.field_id is not None:
        field = lookups.fields.get(data.field_id)
        if field is None:
            errors["field_id"] = ["Lĩnh vực không thuộc cơ quan hoặc đã ngừng dùng."]
    values["field"] = field
    if data.urgency not in Urgency.values:
        errors["urgency"] = ["Độ khẩn không hợp lệ."]
    values["urgency"] = data.urgency
    if not isinstance(data.document_date, date) or isinstance(data.document_date, datetime):
        errors["document_date"] = ["Ngày văn bản không hợp lệ."]
    elif data.document_date > today:
        errors["document_date"] = [
            f"Ngày văn bản {data.document_date:%d/%m/%Y} ở tương lai (hôm nay {today:%d/%m/%Y})."
        ]
    elif data.due_date is not None and data.due_date < data.document_date:
        errors["due_date"] = ["Hạn xử lý không được trước ngày văn bản."]
    values["document_date"] = data.document_date
    values["due_date"] = data.due_date
    if data.page_count is not None and not 1 <= data.page_count <= 32767:
        errors["page_count"] = ["Số trang phải từ 1 đến 32767."]
    values["page_count"] = data.page_count
    return values, errors


def _register_given(*, agency_id: int, register_id: int) -> Register:
    register = Register.objects.filter(pk=register_id, agency_id=agency_id).first()
    if register is None:  # another agency's register is not found, never "forbidden"
        raise NotFound(REGISTER_NOT_FOUND)
    if register.kind != RegisterKind.INCOMING or not register.is_active:
        message = "Chỉ vào sổ vào một sổ văn bản đến đang dùng."
        raise ValidationFailed(message, fields={"register_id": [message]})
    return register


def _duplicate_key(values: Values) -> DuplicateKey | None:
    """Return what single registration compares to find a repeat, or None if it compares nothing."""
    number, notation = fold(str(values["number"])), fold(str(values["notation"]))
    if not (number or notation):
        return None
    sender = values["sender_agency"]
    sender_id = sender.pk if isinstance(sender, Agency) else None
    document_date = values["document_date"]
    assert isinstance(document_date, date)
    return (sender_id, fold(str(values["sender_name"])), number, notation, document_date)


def _duplicates(*, agency_id: int, keys: dict[int, DuplicateKey]) -> dict[str, list[str]]:
    """Return, per item, the stored documents or earlier items of the batch it may repeat.

    The comparison of `incoming_duplicates_find`: same sender (directory agency, or folded
    name), folded number and notation, same document date. One query reads the agency's
    documents of the batch's dates; when every number is plain digits (the usual case) it also
    filters on them, since a stored number folds to those digits only if it is those digits.
    """
    found: dict[str, list[str]] = {}
    if not keys:
        return found
    numbers = {k[2] for k in keys.values()}
    rows = IncomingDocument.objects.filter(
        agency_id=agency_id, document_date__in={k[4] for k in keys.values()}
    )
    if all(n.isascii() and n.isdigit() for n in numbers):
        rows = rows.filter(number__in=numbers)
    # (number, notation, date) -> the documents (label, sender id, folded sender name)
    index: dict[tuple[str, str, date], list[tuple[str, int | None, str]]] = {}
    columns = ("pk", "sender_agency_id", "sender_name", "number", "notation", "document_date")
    for pk, sender_id, sender_name, number, notation, day in rows.values_list(*columns):
        entry = (f"văn bản {pk}", sender_id, fold(sender_name))
        index.setdefault((fold(number), fold(notation), day), []).append(entry)
    for position, (sender_id, sender_key, number, notation, day) in keys.items():
        candidates = index.setdefault((number, notation, day), [])
        hits = [
            label
            for label, other_id, other_key in candidates
            if (sender_id is not None and other_id == sender_id)
            or (bool(sender_key) and other_key == sender_key)
        ]
        if hits:
            found[f"items[{position}]"] = [f"Có thể trùng: {', '.join(hits)}."]
        candidates.append((f"mục {position + 1} của lô", sender_id, sender_key))
    return found


def _numbers_take(*, register: Register, year: int, count: int) -> int:
    """Take `count` consecutive numbers of a register's year in one locked update; return the first.

    The same protocol as `numbering.number_take` (create the row if missing, lock it, add), so
    single and bulk registrations to one register serialise on the same row and never collide.
    """
    RegisterCounter.objects.bulk_create(
        [RegisterCounter(register=register, year=year, last_number=0)], ignore_conflicts=True
    )
    counter = RegisterCounter.objects.select_for_update().get(register=register, year=year)
    first = counter.last_number + 1
    RegisterCounter.objects.filter(pk=counter.pk).update(last_number=counter.last_number + count)
    return first


def incoming_documents_register_bulk(
    *,
    actor: Actor,
    register_id: int | None,
    items: Sequence[IncomingData],
    channel: str = IntakeChannel.EXCHANGE,
    confirm_duplicates: bool = False,
) -> list[IncomingDocument]:
    """Enter a batch of received documents (metadata only) in the incoming register at once.

    `register_id` None sends each document to the register of its type (`register_for`), as
    single registration does. Returns the documents in the order of `items`, numbered in that
    order. Raises PermissionDenied (not a clerk of the acting agency), NotFound (a register of
    another agency), ValidationFailed (a bad item, named by its 0-based index in `fields`) or
    Conflict with code `duplicate` (an item may repeat a stored document or an earlier item,
    unless `confirm_duplicates`); in every case nothing is stored and no number is used.
    """
    agency_id = actor.agency_id
    if agency_id is None or actor.person_id is None or not can_register(actor, agency_id):
        raise PermissionDenied(DENIED)
    if channel not in IntakeChannel.values:
        raise ValidationFailed("Hình thức nhận không hợp lệ.", fields={"channel": ["Không rõ."]})
    if not items:
        raise ValidationFailed(EMPTY, fields={"items": [EMPTY]})
    if len(items) > MAX_BATCH:
        raise ValidationFailed(TOO_MANY, fields={"items": [TOO_MANY]})
    agency = Agency.objects.get(pk=agency_id)
    given = (
        None
        if register_id is None
        else _register_given(agency_id=agency_id, register_id=register_id)
    )
    allowed_types = set(given.document_types.values_list("pk", flat=True)) if given else set()
    lookups = _Lookups(agency_id=agency_id, items=items)
    today = timezone.localdate()
    cleaned: list[Values] = []
    errors: dict[int, dict[str, list[str]]] = {}
    for index, data in enumerate(items):
        values, item_errors = _clean_item(data, lookups, today)
        document_type = values["document_type"]
        if (
            allowed_types
            and isinstance(document_type, DocumentType)
            and document_type.pk not in allowed_types
        ):
            item_errors["document_type_id"] = ["Sổ đã chọn không nhận loại văn bản này."]
        if item_errors:
            errors[index] = item_errors
        cleaned.append(values)
    if errors:
        raise ValidationFailed(
            _item_message(errors),
            fields={
                f"items[{index}].{name}": messages
                for index, item_errors in errors.items()
                for name, messages in item_errors.items()
            },
        )
    # QĐ 22 Điều 10, as single registration: the batch enters the system now; outside office
    # hours it counts as received at the start of the next working session, and is numbered in
    # the register of that session's year (NĐ 30/2020 Điều 22).
    now = timezone.now()
    received_at = working_calendar(sessions=agency.office_sessions).next_session_start(now)
    year = timezone.localtime(received_at).year
    with transaction.atomic():
        if not confirm_duplicates:
            keys = {i: k for i, v in enumerate(cleaned) if (k := _duplicate_key(v)) is not None}
            duplicates = _duplicates(agency_id=agency_id, keys=keys)
            if duplicates:
                raise Conflict(DUPLICATES, code=ErrorCode.DUPLICATE, fields=duplicates)
        registers: list[Register] = []
        if given is not None:
            registers = [given] * len(cleaned)
        else:
            by_type: dict[int, Register] = {}
            for values in cleaned:
                document_type = values["document_type"]
                assert isinstance(document_type, DocumentType)
                if document_type.pk not in by_type:
                    by_type[document_type.pk] = register_for(
                        agency_id=agency_id, kind=RegisterKind.INCOMING, document_type=document_type
                    )
                registers.append(by_type[document_type.pk])
        # One locked counter update per register, registers in id order (no deadlock between
        # two batches), numbers handed out in the order of the items.
        counts: dict[int, int] = {}
        for register in registers:
            counts[register.pk] = counts.get(register.pk, 0) + 1
        next_number: dict[int, int] = {}
        for register in sorted({r.pk: r for r in registers}.values(), key=lambda r: r.pk):
            next_number[register.pk] = _numbers_take(
                register=register, year=year, count=counts[register.pk]
            )
        documents = []
        for values, register in zip(cleaned, registers, strict=True):
            number = next_number[register.pk]
            next_number[register.pk] = number + 1
            documents.append(
                IncomingDocument(
                    agency_id=agency_id,
                    register=register,
                    year=year,
                    arrival_number=number,
                    entered_at=now,
                    received_at=received_at,
                    channel=channel,
                    registered_by_id=actor.person_id,
                    **values,
                )
            )
        IncomingDocument.objects.bulk_create(documents, batch_size=1000)
        journal_record_many(
            actor=actor,
            action="registry.incoming.register",
            agency_id=agency_id,
            items=[JournalItem(instance=d, after={**snapshot(d), "files": []}) for d in documents],
        )
    return documents


__all__ = ["MAX_BATCH", "incoming_documents_register_bulk"]
