"""The registers (sổ văn bản) of an agency: the defaults, which one a document goes to, and the
changes its clerks and administrators make to them.

NĐ 30/2020 Điều 15 and 22 number documents per register from 01 on 1 January to 31 December,
without gaps or repeats, and let an agency keep further series besides the defaults (legal
normative documents get one per type). A change that sends a document type to another series in
the middle of a year would restart that type's numbers (a second `05/QĐ-STTTT` in one year), so
it is refused once a document of the type was numbered that year; it is made from 1 January.
Closing a register keeps its documents, numbers and counters: nothing here deletes one, so no
number is ever freed or handed out twice (ADR 0011).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from vanthu.core.actor import Actor
from vanthu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from vanthu.core.journal import JsonDict, journal_record, snapshot
from vanthu.core.text import fold, normalize_text
from vanthu.organizations.models import Agency
from vanthu.organizations.permissions import can_manage_agency
from vanthu.registry.choices import RegisterKind
from vanthu.registry.models import (
    DocumentType,
    IncomingDocument,
    OutgoingDocument,
    Register,
    RegisterCounter,
)
from vanthu.registry.permissions import can_register, can_view_documents

INCOMING_REGISTER = "Sổ văn bản đến"
OUTGOING_REGISTER = "Sổ văn bản đi"
# NĐ 30/2020 Điều 15.2: legal normative documents are numbered in a series of their own per
# type; the province issues Quyết định and Nghị quyết of that kind.
LEGAL_NORMATIVE_REGISTERS = (
    ("Sổ Quyết định (QPPL)", "quyet-dinh-qppl"),
    ("Sổ Nghị quyết (QPPL)", "nghi-quyet-qppl"),
)
NAME_MAX_LENGTH = 150

NOT_FOUND_MESSAGE = "Không tìm thấy sổ văn bản."
DENIED_MESSAGE = "Chỉ văn thư và quản trị của cơ quan được thêm, sửa, đóng sổ văn bản."
NO_AGENCY_MESSAGE = "Bạn chưa làm việc cho cơ quan nào, nên chưa thêm được sổ văn bản."
INVALID_MESSAGE = "Sổ văn bản chưa hợp lệ."
NO_OPEN_REGISTER = "Cơ quan không còn sổ chung đang dùng cho loại sổ “{kind}”."
DUPLICATE_NAME_MESSAGE = "Tên sổ này đã có trong cơ quan."
DUPLICATE_NAME_FIELD = "Đã có sổ “{name}” (trùng tên, không kể hoa thường và dấu)."
TYPE_TAKEN_MESSAGE = "Loại văn bản đã có sổ riêng đang dùng."
TYPE_TAKEN_FIELD = "“{type}” đã được đánh số trong sổ “{register}”."
GENERAL_NEEDED_MESSAGE = "Cơ quan phải luôn có một sổ chung đang dùng cho loại sổ này."
GENERAL_NEEDED_FIELD = (
    "Sổ “{register}” là sổ chung: văn bản các loại chưa có sổ riêng được đánh số ở đây."
)
GENERAL_TAKEN_MESSAGE = "Cơ quan đã có sổ chung đang dùng cho loại sổ này."
GENERAL_TAKEN_FIELD = "Sổ chung là “{register}”; sổ thêm phải dành cho một số loại văn bản."
SERIES_MESSAGE = (
    "Thay đổi này làm đứt dãy số năm {year}: số văn bản bắt đầu lại từ 01 ở một sổ khác giữa "
    "năm. Hãy thực hiện từ ngày 01/01/{next_year}."
)
SERIES_FIELD = "“{type}” đã được cấp số trong năm {year}."
QPPL_FIELD = (
    "Văn bản quy phạm pháp luật được đánh số riêng theo từng loại: sổ này chỉ dành cho một "
    "loại văn bản QPPL."
)
NO_TYPES_FIELD = "Chọn ít nhất một loại văn bản được đánh số trong sổ này."
# A route to a register that `register_for` would create (a legal normative type's own series).
NEW_SERIES = -1


# --- Defaults and routing ---------------------------------------------------------------------


def _general(agency_id: int, kind: str) -> QuerySet[Register]:
    """Return the agency's general registers of a kind: for every type no other one lists."""
    return Register.objects.filter(
        agency_id=agency_id, kind=kind, document_types__isnull=True, is_legal_normative=False
    )


def _free_name(agency_id: int, kind: str, base: str) -> str:
    """Return `base`, or `base (2)`, `(3)`… when a register of the agency already has the name."""
    taken = {
        fold(name)
        for name in Register.objects.filter(agency_id=agency_id, kind=kind).values_list(
            "name", flat=True
        )
    }
    name, counter = base[:NAME_MAX_LENGTH], 2
    while fold(name) in taken:
        suffix = f" ({counter})"
        name = base[: NAME_MAX_LENGTH - len(suffix)] + suffix
        counter += 1
    return name


def _default_create(
    agency_id: int, kind: str, name: str, *, is_legal_normative: bool = False
) -> Register:
    # get_or_create: two callers creating the same default at once both get the one row.
    register, _ = Register.objects.get_or_create(
        agency_id=agency_id,
        kind=kind,
        name=_free_name(agency_id, kind, name),
        defaults={"is_legal_normative": is_legal_normative},
    )
    return register


def registers_ensure_defaults(*, agency_id: int) -> None:
    """Create the agency's default registers if missing (idempotent).

    A default that was renamed or closed still counts: only a missing one is created, so a
    clerk's changes are never undone behind their back.
    """
    with transaction.atomic():
        for kind, name in (
            (RegisterKind.INCOMING, INCOMING_REGISTER),
            (RegisterKind.OUTGOING, OUTGOING_REGISTER),
        ):
            if not _general(agency_id, kind).exists():
                _default_create(agency_id, kind, name)
        for name, code in LEGAL_NORMATIVE_REGISTERS:
            document_type = DocumentType.objects.filter(code=code).first()
            if document_type is None:
                Register.objects.get_or_create(
                    agency_id=agency_id,
                    kind=RegisterKind.OUTGOING,
                    name=name,
                    defaults={"is_legal_normative": True},
                )
                continue
            listed = Register.objects.filter(
                agency_id=agency_id, kind=RegisterKind.OUTGOING, document_types=document_type
            )
            if not listed.exists():
                register = _default_create(
                    agency_id, RegisterKind.OUTGOING, name, is_legal_normative=True
                )
                register.document_types.add(document_type)


def _legal_normative_register_create(agency_id: int, document_type: DocumentType) -> Register:
    """Open the series of a legal normative type no open register numbers (NĐ 30 Điều 15.2)."""
    register = Register.objects.create(
        agency_id=agency_id,
        kind=RegisterKind.OUTGOING,
        name=_free_name(agency_id, RegisterKind.OUTGOING, f"Sổ {document_type.name}"),
        is_legal_normative=True,
    )
    register.document_types.add(document_type)
    return register


def register_for(*, agency_id: int, kind: str, document_type: DocumentType) -> Register:
    """Return the open register a document of `document_type` goes to in the agency.

    An open register that lists the type wins; a legal normative outgoing type never shares a
    series (one is opened for it when needed); every other type goes to the general register.
    """
    active = Register.objects.filter(agency_id=agency_id, kind=kind, is_active=True)
    listed = active.filter(document_types=document_type).order_by("id").first()
    needs_own = kind == RegisterKind.OUTGOING and document_type.is_legal_normative
    if listed is not None and (listed.is_legal_normative or not needs_own):
        return listed
    if needs_own:
        return _legal_normative_register_create(agency_id, document_type)
    default = _general(agency_id, kind).filter(is_active=True).order_by("id").first()
    if default is None:
        registers_ensure_defaults(agency_id=agency_id)
        default = _general(agency_id, kind).filter(is_active=True).order_by("id").first()
    if default is None:
        message = NO_OPEN_REGISTER.format(kind=RegisterKind(kind).label)
        raise Conflict(message, fields={"register": [message]})
    return default


@dataclass(frozen=True, slots=True)
class _Book:
    """What decides routing about one register: open or closed, its types, its QPPL flag."""

    pk: int | None  # None: the register being created
    name: str
    is_active: bool
    is_legal_normative: bool
    type_ids: frozenset[int]

    @property
    def is_general(self) -> bool:
        return not self.type_ids and not self.is_legal_normative

    @classmethod
    def of(cls, register: Register, type_ids: Iterable[int]) -> _Book:
        return cls(
            pk=register.pk,
            name=register.name,
            is_active=register.is_active,
            is_legal_normative=register.is_legal_normative,
            type_ids=frozenset(type_ids),
        )


def _route(books: Sequence[_Book], kind: str, document_type: DocumentType) -> int | None:
    """Return where `register_for` sends the type among `books` (mirrors it, without writing)."""
    # The register being created gets the highest id: it comes last among equals.
    active = sorted((b for b in books if b.is_active), key=lambda b: (b.pk is None, b.pk or 0))
    needs_own = kind == RegisterKind.OUTGOING and document_type.is_legal_normative
    listed = next((b for b in active if document_type.pk in b.type_ids), None)
    if listed is not None and (listed.is_legal_normative or not needs_own):
        return listed.pk
    if needs_own:
        return NEW_SERIES
    general = next((b for b in active if b.is_general), None)
    return general.pk if general is not None else NEW_SERIES


def _check_series(
    agency_id: int, kind: str, before: Sequence[_Book], after: Sequence[_Book], field: str
) -> None:
    """Refuse a change that moves a type numbered this year to another series (NĐ 30 Điều 15).

    Moving is fine while no document of the type has a number this year: its series then
    simply starts in the new register. Moving back to the register that numbered the year's
    documents is no move at all.
    """
    moved: dict[int, int | None] = {}
    names: dict[int, str] = {}
    for document_type in DocumentType.objects.order_by("rank", "name"):
        target = _route(after, kind, document_type)
        if _route(before, kind, document_type) != target:
            moved[document_type.pk] = target
            names[document_type.pk] = document_type.name
    if not moved:
        return
    year = timezone.localdate().year
    numbered: QuerySet[IncomingDocument] | QuerySet[OutgoingDocument]
    if kind == RegisterKind.INCOMING:
        numbered = IncomingDocument.objects.filter(agency_id=agency_id, year=year)
    else:
        numbered = OutgoingDocument.objects.filter(
            agency_id=agency_id, year=year, number__isnull=False
        )
    rows = (
        numbered.filter(document_type_id__in=moved)
        .order_by()
        .values_list("document_type_id", "register_id")
        .distinct()
    )
    broken = sorted(
        {type_id for type_id, register_id in rows if register_id != moved[type_id]},
        key=list(names).index,
    )
    if broken:
        raise Conflict(
            SERIES_MESSAGE.format(year=year, next_year=year + 1),
            fields={field: [SERIES_FIELD.format(type=names[t], year=year) for t in broken]},
        )


def _check_books(kind: str, books: Sequence[_Book], changed: _Book, types: dict[int, str]) -> None:
    """Refuse a set of registers in which a document would have no register, or two."""
    others = [b for b in books if b.pk != changed.pk and b.is_active]
    if changed.is_active:
        for type_id in sorted(changed.type_ids):
            holder = next((b for b in others if type_id in b.type_ids), None)
            if holder is not None:
                field = TYPE_TAKEN_FIELD.format(type=types[type_id], register=holder.name)
                raise Conflict(TYPE_TAKEN_MESSAGE, fields={"document_types": [field]})
        general = next((b for b in others if b.is_general), None)
        if changed.is_general and general is not None:
            field = GENERAL_TAKEN_FIELD.format(register=general.name)
            raise Conflict(GENERAL_TAKEN_MESSAGE, fields={"document_types": [field]})
    if not any(b.is_general and b.is_active for b in (*others, changed)):
        field = "is_active" if not changed.is_active else "document_types"
        message = GENERAL_NEEDED_FIELD.format(register=changed.name)
        raise Conflict(GENERAL_NEEDED_MESSAGE, fields={field: [message]})


# --- Configuration by the agency ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RegisterData:
    """The editable values of a register: its name, the types it numbers, open or closed."""

    name: str
    document_type_ids: tuple[int, ...] = ()
    is_active: bool = True


def can_edit_registers(actor: Actor, agency_id: int | None) -> bool:
    """Return whether the actor configures the registers of `agency_id` (clerks, admins)."""
    if agency_id is None:
        return False
    return can_register(actor, agency_id) or can_manage_agency(actor, agency_id)


def _clean_name(raw: str) -> str:
    # Legacy (TCVN3/VNI) or ambiguous text raises here with the field named.
    name = " ".join(normalize_text(raw, field="name").split())
    if not name:
        raise ValidationFailed(INVALID_MESSAGE, fields={"name": ["Hãy nhập tên sổ."]})
    if len(name) > NAME_MAX_LENGTH:
        message = f"Tên sổ dài tối đa {NAME_MAX_LENGTH} ký tự."
        raise ValidationFailed(INVALID_MESSAGE, fields={"name": [message]})
    return name


def _clean_types(kind: str, type_ids: Iterable[int]) -> tuple[list[DocumentType], bool]:
    """Return the chosen types, and whether they make a legal normative series."""
    wanted = sorted(set(type_ids))
    found = list(DocumentType.objects.filter(pk__in=wanted).order_by("rank", "name"))
    if len(found) != len(wanted):
        message = "Có loại văn bản không có trong danh mục."
        raise ValidationFailed(INVALID_MESSAGE, fields={"document_types": [message]})
    legal = [t for t in found if t.is_legal_normative]
    if kind == RegisterKind.OUTGOING and legal:
        if len(found) > 1:
            raise ValidationFailed(INVALID_MESSAGE, fields={"document_types": [QPPL_FIELD]})
        return found, True
    return found, False


def _check_name(agency_id: int, kind: str, name: str, *, exclude_id: int | None) -> None:
    """Refuse a name the agency's registers of the kind already use, ignoring case and marks."""
    others = Register.objects.filter(agency_id=agency_id, kind=kind)
    if exclude_id is not None:
        others = others.exclude(pk=exclude_id)
    folded = fold(name)
    for other in others.values_list("name", flat=True):
        if fold(other) == folded:
            raise Conflict(
                DUPLICATE_NAME_MESSAGE, fields={"name": [DUPLICATE_NAME_FIELD.format(name=other)]}
            )


def _lock(agency_id: int, kind: str) -> list[_Book]:
    """Lock the agency's registers of a kind and this year's counters; return them as books.

    The agency row serialises two changes of one agency's registers. Locking the year's counter
    rows waits for every registration that has taken a number and not yet committed, so the
    check of this year's numbers sees them (ADR 0011).
    """
    Agency.objects.select_for_update().filter(pk=agency_id).first()
    list(
        RegisterCounter.objects.select_for_update(of=("self",)).filter(
            register__agency_id=agency_id,
            register__kind=kind,
            year=timezone.localdate().year,
        )
    )
    registers = list(
        Register.objects.select_for_update().filter(agency_id=agency_id, kind=kind).order_by("id")
    )
    links = Register.document_types.through.objects.filter(
        register__agency_id=agency_id, register__kind=kind
    ).values_list("register_id", "documenttype_id")
    type_ids: dict[int, set[int]] = {}
    for register_id, type_id in links:
        type_ids.setdefault(register_id, set()).add(type_id)
    return [_Book.of(r, type_ids.get(r.pk, ())) for r in registers]


def register_snapshot(register: Register) -> JsonDict:
    """Return a register's values for the journal, with the codes of the types it numbers."""
    codes = sorted(register.document_types.values_list("code", flat=True))
    return {**snapshot(register), "document_types": codes}


def _save(register: Register) -> None:
    try:
        with transaction.atomic():
            register.save()
    except IntegrityError:
        # The unique constraint on (agency, kind, name) is the backstop of `_check_name`.
        field = DUPLICATE_NAME_FIELD.format(name=register.name)
        raise Conflict(DUPLICATE_NAME_MESSAGE, fields={"name": [field]}) from None


def register_create(*, actor: Actor, kind: str, data: RegisterData) -> Register:
    """Add a register series to the acting agency, for the document types it lists.

    The series starts at 01; the types it takes over must not have been numbered this year
    elsewhere (NĐ 30/2020 Điều 15). Clerks and administrators of the agency.
    """
    agency_id = actor.agency_id
    if agency_id is None:
        raise PermissionDenied(NO_AGENCY_MESSAGE)
    if not can_edit_registers(actor, agency_id):
        raise PermissionDenied(DENIED_MESSAGE)
    if kind not in RegisterKind.values:
        message = "Chọn sổ văn bản đến hoặc sổ văn bản đi."
        raise ValidationFailed(INVALID_MESSAGE, fields={"kind": [message]})
    name = _clean_name(data.name)
    types, is_legal_normative = _clean_types(kind, data.document_type_ids)
    if not types:
        # Without types it would be a second general register, which numbers nothing.
        raise ValidationFailed(INVALID_MESSAGE, fields={"document_types": [NO_TYPES_FIELD]})
    with transaction.atomic():
        books = _lock(agency_id, kind)
        _check_name(agency_id, kind, name, exclude_id=None)
        new = _Book(
            pk=None,
            name=name,
            is_active=data.is_active,
            is_legal_normative=is_legal_normative,
            type_ids=frozenset(t.pk for t in types),
        )
        _check_books(kind, [*books, new], new, {t.pk: t.name for t in types})
        _check_series(agency_id, kind, books, [*books, new], "document_types")
        register = Register(
            agency_id=agency_id,
            kind=kind,
            name=name,
            is_legal_normative=is_legal_normative,
            is_active=data.is_active,
        )
        _save(register)
        register.document_types.set(types)
        journal_record(
            actor=actor,
            action="registry.register.create",
            instance=register,
            agency_id=agency_id,
            after=register_snapshot(register),
        )
    return register


def register_update(*, actor: Actor, register_id: int, data: RegisterData) -> Register:
    """Rename a register, change the types it numbers, close or reopen it (clerks, admins).

    Closing keeps its documents, numbers and counters, and a reopened register continues its
    year's series. A change that would restart a type's numbers in the middle of a year, or
    leave documents without an open register, is refused. An unchanged register writes nothing.
    """
    found = Register.objects.filter(pk=register_id).only("agency_id", "kind").first()
    if found is None or not can_view_documents(actor, found.agency_id):
        raise NotFound(NOT_FOUND_MESSAGE)
    if not can_edit_registers(actor, found.agency_id):
        raise PermissionDenied(DENIED_MESSAGE)
    agency_id, kind = found.agency_id, found.kind
    name = _clean_name(data.name)
    types, is_legal_normative = _clean_types(kind, data.document_type_ids)
    with transaction.atomic():
        books = _lock(agency_id, kind)
        current = next(b for b in books if b.pk == register_id)
        new_type_ids = frozenset(t.pk for t in types)
        if new_type_ids == current.type_ids:
            # Types unchanged: keep the stored flag (a default series seeded before its type).
            is_legal_normative = current.is_legal_normative
        changed = _Book(
            pk=register_id,
            name=name,
            is_active=data.is_active,
            is_legal_normative=is_legal_normative,
            type_ids=new_type_ids,
        )
        if changed == current:
            return Register.objects.get(pk=register_id)
        after = [changed if b.pk == register_id else b for b in books]
        _check_name(agency_id, kind, name, exclude_id=register_id)
        type_names = dict(DocumentType.objects.values_list("pk", "name"))
        _check_books(kind, after, changed, type_names)
        field = "is_active" if data.is_active != current.is_active else "document_types"
        _check_series(agency_id, kind, books, after, field)
        register = Register.objects.get(pk=register_id)
        before = register_snapshot(register)
        register.name = name
        register.is_active = data.is_active
        register.is_legal_normative = is_legal_normative
        _save(register)
        if new_type_ids != current.type_ids:
            register.document_types.set(types)
        journal_record(
            actor=actor,
            action="registry.register.update",
            instance=register,
            agency_id=agency_id,
            before=before,
            after=register_snapshot(register),
        )
    return register
