"""The catalogue of subject areas (lĩnh vực) of an agency: reads and writes.

The agency's clerks keep the registers (NĐ 30/2020 Điều 20) and so the catalogue their
documents are filed under; the agency's administrators may edit it too. A subject area is never
deleted, because documents refer to it: it is deactivated, which takes it out of the forms and
keeps every document's link.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from vanthu.core.actor import Actor
from vanthu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from vanthu.core.journal import journal_record, snapshot
from vanthu.core.text import fold, normalize_text
from vanthu.organizations.models import Agency
from vanthu.organizations.permissions import can_manage_agency, can_see_agency_data
from vanthu.registry.models import Field
from vanthu.registry.permissions import can_register, can_view_documents

NOT_FOUND_MESSAGE = "Không tìm thấy lĩnh vực."
DENIED_MESSAGE = "Chỉ văn thư và quản trị của cơ quan được sửa danh mục lĩnh vực."
NO_AGENCY_MESSAGE = "Bạn chưa làm việc cho cơ quan nào, nên chưa thêm được lĩnh vực."
INVALID_MESSAGE = "Lĩnh vực chưa hợp lệ."
DUPLICATE_NAME_MESSAGE = "Lĩnh vực này đã có trong danh mục của cơ quan."
DUPLICATE_NAME_FIELD = "Đã có lĩnh vực “{name}” (trùng tên, không kể hoa thường và dấu)."
DUPLICATE_CODE_MESSAGE = "Mã lĩnh vực đã được dùng trong cơ quan."
DUPLICATE_CODE_FIELD = "Mã “{code}” đã dùng cho lĩnh vực “{name}”."
NAME_MAX_LENGTH = 150
CODE_MAX_LENGTH = 20


@dataclass(frozen=True, slots=True)
class FieldData:
    """The editable values of one subject area."""

    name: str
    code: str = ""
    is_active: bool = True


def can_edit_fields(actor: Actor, agency_id: int | None) -> bool:
    """Return whether the actor edits the subject areas of `agency_id` (clerks, admins)."""
    if agency_id is None:
        return False
    return can_register(actor, agency_id) or can_manage_agency(actor, agency_id)


def field_get(*, actor: Actor, field_id: int) -> Field:
    """Return one subject area of an agency the actor reads the documents of, or NotFound."""
    found = Field.objects.filter(pk=field_id).first()
    if found is None or not can_view_documents(actor, found.agency_id):
        raise NotFound(NOT_FOUND_MESSAGE)
    return found


def _clean(data: FieldData) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    # Legacy (TCVN3/VNI) or ambiguous text raises here with the field named.
    name = " ".join(normalize_text(data.name, field="name").split())
    code = " ".join(normalize_text(data.code, field="code").split())
    if not name:
        errors["name"] = ["Hãy nhập tên lĩnh vực."]
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = [f"Tên lĩnh vực dài tối đa {NAME_MAX_LENGTH} ký tự."]
    if len(code) > CODE_MAX_LENGTH:
        errors["code"] = [f"Mã lĩnh vực dài tối đa {CODE_MAX_LENGTH} ký tự."]
    if errors:
        raise ValidationFailed(INVALID_MESSAGE, fields=errors)
    return name, code


def _check_unique(agency_id: int, name: str, code: str, *, exclude_id: int | None) -> None:
    """Refuse a name (or code) the agency already uses, ignoring case and diacritics.

    "Tài chính" and "TAI CHINH" are the same subject area to a reader; two of them would split
    the documents of one area. The agency row is locked by the caller, so the check holds.
    """
    others = Field.objects.filter(agency_id=agency_id)
    if exclude_id is not None:
        others = others.exclude(pk=exclude_id)
    folded_name, folded_code = fold(name), fold(code)
    for other_name, other_code in others.values_list("name", "code"):
        if fold(other_name) == folded_name:
            raise Conflict(
                DUPLICATE_NAME_MESSAGE,
                fields={"name": [DUPLICATE_NAME_FIELD.format(name=other_name)]},
            )
        if code and fold(other_code) == folded_code:
            raise Conflict(
                DUPLICATE_CODE_MESSAGE,
                fields={"code": [DUPLICATE_CODE_FIELD.format(code=other_code, name=other_name)]},
            )


def _lock_agency(agency_id: int) -> None:
    # Two clerks adding "Tài chính" and "tài chính" at once: the second waits, then sees it.
    Agency.objects.select_for_update().filter(pk=agency_id).first()


def _save(item: Field) -> None:
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:
        # The unique constraint is the backstop of `_check_unique`.
        raise Conflict(
            DUPLICATE_NAME_MESSAGE,
            fields={"name": [DUPLICATE_NAME_FIELD.format(name=item.name)]},
        ) from None


def field_create(*, actor: Actor, data: FieldData) -> Field:
    """Add a subject area to the catalogue of the actor's acting agency (clerks, admins)."""
    agency_id = actor.agency_id
    if agency_id is None:
        raise PermissionDenied(NO_AGENCY_MESSAGE)
    if not can_edit_fields(actor, agency_id):
        raise PermissionDenied(DENIED_MESSAGE)
    name, code = _clean(data)
    with transaction.atomic():
        _lock_agency(agency_id)
        _check_unique(agency_id, name, code, exclude_id=None)
        item = Field(agency_id=agency_id, name=name, code=code, is_active=data.is_active)
        _save(item)
        journal_record(
            actor=actor,
            action="registry.field.create",
            instance=item,
            agency_id=agency_id,
            after=snapshot(item),
        )
    return item


def field_update(*, actor: Actor, field_id: int, data: FieldData) -> Field:
    """Rename, recode, deactivate or reactivate a subject area (clerks, admins).

    Deactivating keeps every document's link; an unchanged area writes nothing.
    """
    found = Field.objects.filter(pk=field_id).only("agency_id").first()
    if found is None or not can_see_agency_data(actor, found.agency_id):
        raise NotFound(NOT_FOUND_MESSAGE)
    if not can_edit_fields(actor, found.agency_id):
        raise PermissionDenied(DENIED_MESSAGE)
    name, code = _clean(data)
    with transaction.atomic():
        _lock_agency(found.agency_id)
        item = Field.objects.select_for_update().get(pk=field_id)
        if (item.name, item.code, item.is_active) == (name, code, data.is_active):
            return item
        _check_unique(item.agency_id, name, code, exclude_id=item.pk)
        before = snapshot(item)
        item.name, item.code, item.is_active = name, code, data.is_active
        _save(item)
        journal_record(
            actor=actor,
            action="registry.field.update",
            instance=item,
            agency_id=item.agency_id,
            before=before,
            after=snapshot(item),
        )
    return item
