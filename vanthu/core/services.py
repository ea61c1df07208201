"""Writes owned by core: the holiday overrides of the working-time calendar (ADR 0006)."""

from __future__ import annotations

from datetime import date as date_type

from django.db import IntegrityError, transaction

from vanthu.core.actor import Actor
from vanthu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from vanthu.core.journal import journal_record, snapshot
from vanthu.core.models import HolidayOverride
from vanthu.core.text import normalize_text

DENIED = "Chỉ quản trị hệ thống được điều chỉnh ngày nghỉ, ngày làm bù."
NAME_MAX_LENGTH = HolidayOverride._meta.get_field("name").max_length or 200


def _require_system_admin(actor: Actor) -> None:
    # The overrides change every agency's deadlines, so only the province's system administrator
    # may set them.
    if not actor.is_system_admin:
        raise PermissionDenied(DENIED)


def holiday_override_clean(*, date: object, kind: str, name: str) -> tuple[date_type, str, str]:
    """Validate the fields of an override; return them cleaned or raise `ValidationFailed`."""
    fields: dict[str, list[str]] = {}
    if not isinstance(date, date_type):
        fields["date"] = ["Ngày không hợp lệ."]
    if kind not in HolidayOverride.Kind.values:
        fields["kind"] = ["Loại phải là “Ngày nghỉ” hoặc “Ngày làm việc (làm bù)”."]
    cleaned_name = normalize_text(name or "")
    if not cleaned_name:
        fields["name"] = ["Cần ghi lý do (ví dụ: số văn bản thông báo lịch nghỉ)."]
    elif len(cleaned_name) > NAME_MAX_LENGTH:
        fields["name"] = [f"Tối đa {NAME_MAX_LENGTH} ký tự."]
    if fields:
        raise ValidationFailed("Dữ liệu chưa hợp lệ, vui lòng kiểm tra lại.", fields=fields)
    assert isinstance(date, date_type)  # narrowed by the check above
    return date, kind, cleaned_name


def holiday_override_set(*, actor: Actor, date: date_type, kind: str, name: str) -> HolidayOverride:
    """Make `date` a day off or a working day for every agency, replacing any earlier override."""
    _require_system_admin(actor)
    date, kind, name = holiday_override_clean(date=date, kind=kind, name=name)
    with transaction.atomic():
        override = HolidayOverride.objects.select_for_update().filter(date=date).first()
        if override is None:
            try:
                with transaction.atomic():
                    override = HolidayOverride.objects.create(date=date, kind=kind, name=name)
            except IntegrityError:
                raise Conflict(
                    "Ngày này vừa được người khác điều chỉnh, vui lòng tải lại và thử lại.",
                    fields={"date": ["Ngày đã có điều chỉnh."]},
                ) from None
            journal_record(
                actor=actor,
                action="holiday_override.create",
                instance=override,
                after=snapshot(override),
            )
            return override
        before = snapshot(override)
        if (override.kind, override.name) == (kind, name):
            return override  # nothing changes, so nothing to journal
        override.kind, override.name = kind, name
        override.save(update_fields=["kind", "name"])
        journal_record(
            actor=actor,
            action="holiday_override.update",
            instance=override,
            before=before,
            after=snapshot(override),
        )
    return override


def holiday_override_delete(*, actor: Actor, date: date_type) -> None:
    """Remove the override of `date`, so the `holidays` package decides that day again."""
    _require_system_admin(actor)
    with transaction.atomic():
        override = HolidayOverride.objects.select_for_update().filter(date=date).first()
        if override is None:
            raise NotFound("Ngày này không có điều chỉnh nào.")
        before = snapshot(override)
        object_id, object_repr = str(override.pk), str(override)
        override.delete()
        journal_record(
            actor=actor,
            action="holiday_override.delete",
            object_type=HolidayOverride._meta.label_lower,
            object_id=object_id,
            object_repr=object_repr,
            before=before,
        )
