"""Writes to organisation records: one transaction each, permission checked, journalled."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from rest_framework.authtoken.models import Token

from vanthu.core.actor import Actor
from vanthu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from vanthu.core.journal import journal_record, snapshot
from vanthu.core.text import normalize_text
from vanthu.organizations import permissions
from vanthu.organizations.choices import AgencyKind, Role
from vanthu.organizations.identifiers import IdentifierError, parse_identifier, validate_qd20_code
from vanthu.organizations.models import Agency, Person, Position, RoleGrant, Unit
from vanthu.organizations.signals import agencies_created

DENIED = "Bạn không có quyền thực hiện thao tác này."
NOT_FOUND = "Không tìm thấy."


def _text(
    fields: dict[str, list[str]], name: str, value: str, *, max_length: int, required: bool = True
) -> str:
    cleaned = normalize_text(value or "", field=name)
    if required and not cleaned:
        fields.setdefault(name, []).append("Trường này là bắt buộc.")
    if len(cleaned) > max_length:
        fields.setdefault(name, []).append(f"Tối đa {max_length} ký tự.")
    return cleaned


def _email(fields: dict[str, list[str]], name: str, value: str) -> str:
    cleaned = normalize_text(value or "", field=name)
    if cleaned:
        try:
            validate_email(cleaned)
        except DjangoValidationError:
            fields.setdefault(name, []).append("Địa chỉ thư điện tử không hợp lệ.")
    return cleaned


def _raise_if(fields: dict[str, list[str]]) -> None:
    if fields:
        raise ValidationFailed("Dữ liệu chưa hợp lệ, vui lòng kiểm tra lại.", fields=fields)


def _require_manage(actor: Actor, agency_id: int) -> None:
    if not permissions.can_manage_agency(actor, agency_id):
        # An agency the actor cannot even see is "not found", never "forbidden".
        if not permissions.can_see_agency_data(actor, agency_id):
            raise NotFound(NOT_FOUND)
        raise PermissionDenied(DENIED)


# --- Agencies -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AgencyData:
    """The editable fields of an agency, as entered or imported."""

    identifier: str
    name: str
    short_name: str
    kind: str = AgencyKind.OTHER
    parent_identifier: str = ""
    qd20_code: str = ""
    address: str = ""
    email: str = ""
    phone: str = ""
    website: str = ""
    is_hosted: bool = True


def _clean_agency(data: AgencyData) -> dict[str, Any]:
    fields: dict[str, list[str]] = {}
    values: dict[str, Any] = {
        "identifier": normalize_text(data.identifier).upper(),
        "name": _text(fields, "name", data.name, max_length=200),
        "short_name": _text(fields, "short_name", data.short_name, max_length=30),
        "address": _text(fields, "address", data.address, max_length=300, required=False),
        "email": _email(fields, "email", data.email),
        "phone": _text(fields, "phone", data.phone, max_length=50, required=False),
        "website": _text(fields, "website", data.website, max_length=200, required=False),
        "qd20_code": normalize_text(data.qd20_code).upper(),
        "is_hosted": bool(data.is_hosted),
    }
    try:
        parse_identifier(values["identifier"])
    except IdentifierError as exc:
        fields.setdefault("identifier", []).append(str(exc))
    if values["qd20_code"]:
        try:
            validate_qd20_code(values["qd20_code"])
        except IdentifierError as exc:
            fields.setdefault("qd20_code", []).append(str(exc))
    if data.kind not in AgencyKind.values:
        fields.setdefault("kind", []).append("Loại cơ quan không hợp lệ.")
    values["kind"] = data.kind
    parent = None
    if data.parent_identifier:
        parent = Agency.objects.filter(identifier=data.parent_identifier.strip().upper()).first()
        if parent is None:
            fields.setdefault("parent", []).append("Không có cơ quan cấp trên với mã này.")
    values["parent"] = parent
    _raise_if(fields)
    return values


def agency_create(*, actor: Actor, data: AgencyData) -> Agency:
    """Add an agency to the directory."""
    if not permissions.can_manage_directory(actor):
        raise PermissionDenied(DENIED)
    values = _clean_agency(data)
    with transaction.atomic():
        if Agency.objects.filter(identifier=values["identifier"]).exists():
            raise Conflict(
                "Mã định danh đã được dùng cho cơ quan khác.",
                fields={"identifier": ["Mã định danh đã tồn tại."]},
            )
        agency = Agency.objects.create(**values)
        journal_record(
            actor=actor,
            action="agency.create",
            instance=agency,
            agency_id=agency.pk,
            after=snapshot(agency),
        )
        agencies_created.send(sender=Agency, agency_ids=[agency.pk], actor=actor)
    return agency


def agency_update(*, actor: Actor, agency_id: int, data: AgencyData) -> Agency:
    """Change an agency of the directory (its identifier included)."""
    if not permissions.can_manage_directory(actor):
        raise PermissionDenied(DENIED)
    values = _clean_agency(data)
    with transaction.atomic():
        try:
            agency = Agency.objects.select_for_update().get(pk=agency_id)
        except Agency.DoesNotExist:
            raise NotFound(NOT_FOUND) from None
        if Agency.objects.filter(identifier=values["identifier"]).exclude(pk=agency_id).exists():
            raise Conflict(
                "Mã định danh đã được dùng cho cơ quan khác.",
                fields={"identifier": ["Mã định danh đã tồn tại."]},
            )
        # Refuse a cycle: the new parent may not be this agency or sit below it.
        ancestor = values["parent"]
        while ancestor is not None:
            if ancestor.pk == agency.pk:
                raise ValidationFailed(
                    "Không thể đặt cơ quan dưới chính nó hoặc dưới cơ quan cấp dưới của nó.",
                    fields={"parent": ["Cấp trên không hợp lệ."]},
                )
            ancestor = ancestor.parent
        before = snapshot(agency)
        for key, value in values.items():
            setattr(agency, key, value)
        agency.save()
        journal_record(
            actor=actor,
            action="agency.update",
            instance=agency,
            agency_id=agency.pk,
            before=before,
            after=snapshot(agency),
        )
    return agency


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an agency-directory import did."""

    created: int
    updated: int
    unchanged: int


def agency_import(*, actor: Actor, rows: Sequence[AgencyData]) -> ImportResult:
    """Create or update agencies by identifier, all or nothing; parents may come in any order."""
    if not permissions.can_manage_directory(actor):
        raise PermissionDenied(DENIED)
    updated = unchanged = 0
    created_ids: list[int] = []
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    for index, row in enumerate(rows, start=1):
        key = normalize_text(row.identifier).upper()
        if key in seen:
            errors.setdefault(f"row {index}", []).append("Mã định danh bị lặp trong tệp.")
        seen.add(key)
    _raise_if(errors)
    pending = list(rows)
    with transaction.atomic():
        # Place parents before children; rows whose parent never appears are reported.
        for _ in range(len(pending) + 1):
            if not pending:
                break
            deferred: list[AgencyData] = []
            for row in pending:
                parent = row.parent_identifier.strip().upper()
                if (
                    parent
                    and parent in seen
                    and not Agency.objects.filter(identifier=parent).exists()
                ):
                    deferred.append(row)
                    continue
                try:
                    values = _clean_agency(row)
                except ValidationFailed as exc:
                    raise ValidationFailed(
                        f"Dòng có mã {row.identifier!s}: {exc.message}", fields=exc.fields
                    ) from None
                agency = (
                    Agency.objects.select_for_update()
                    .filter(identifier=values["identifier"])
                    .first()
                )
                if agency is None:
                    agency = Agency.objects.create(**values)
                    journal_record(
                        actor=actor,
                        action="agency.import",
                        instance=agency,
                        agency_id=agency.pk,
                        after=snapshot(agency),
                    )
                    created_ids.append(agency.pk)
                    continue
                before = snapshot(agency)
                for key, value in values.items():
                    setattr(agency, key, value)
                after = snapshot(agency)
                if after == before:
                    unchanged += 1
                    continue
                agency.save()
                journal_record(
                    actor=actor,
                    action="agency.import",
                    instance=agency,
                    agency_id=agency.pk,
                    before=before,
                    after=after,
                )
                updated += 1
            if len(deferred) == len(pending):
                raise ValidationFailed(
                    "Không xác định được cơ quan cấp trên của một số dòng (vòng lặp).",
                    fields={"parent": [r.identifier for r in deferred]},
                )
            pending = deferred
        if created_ids:
            agencies_created.send(sender=Agency, agency_ids=created_ids, actor=actor)
    return ImportResult(created=len(created_ids), updated=updated, unchanged=unchanged)


# --- Units and positions --------------------------------------------------------------------


def _unit_parent(
    agency_id: int, parent_id: int | None, fields: dict[str, list[str]]
) -> Unit | None:
    if parent_id is None:
        return None
    parent = Unit.objects.filter(pk=parent_id, agency_id=agency_id).first()
    if parent is None:
        fields.setdefault("parent", []).append("Đơn vị cấp trên không thuộc cơ quan này.")
    return parent


def unit_create(
    *, actor: Actor, agency_id: int, name: str, short_name: str = "", parent_id: int | None = None
) -> Unit:
    """Create a unit inside an agency."""
    _require_manage(actor, agency_id)
    fields: dict[str, list[str]] = {}
    name = _text(fields, "name", name, max_length=200)
    short_name = _text(fields, "short_name", short_name, max_length=20, required=False).upper()
    parent = _unit_parent(agency_id, parent_id, fields)
    _raise_if(fields)
    with transaction.atomic():
        if short_name and Unit.objects.filter(agency_id=agency_id, short_name=short_name).exists():
            raise Conflict(
                "Ký hiệu đơn vị đã được dùng trong cơ quan.",
                fields={"short_name": ["Ký hiệu đã tồn tại."]},
            )
        unit = Unit.objects.create(
            agency_id=agency_id, name=name, short_name=short_name, parent=parent
        )
        journal_record(
            actor=actor,
            action="unit.create",
            instance=unit,
            agency_id=agency_id,
            after=snapshot(unit),
        )
    return unit


def unit_update(
    *,
    actor: Actor,
    unit_id: int,
    name: str,
    short_name: str = "",
    parent_id: int | None = None,
    is_active: bool = True,
) -> Unit:
    """Change a unit's name, notation, parent or activity."""
    unit = Unit.objects.filter(pk=unit_id).only("agency_id").first()
    if unit is None:
        raise NotFound(NOT_FOUND)
    _require_manage(actor, unit.agency_id)
    fields: dict[str, list[str]] = {}
    name = _text(fields, "name", name, max_length=200)
    short_name = _text(fields, "short_name", short_name, max_length=20, required=False).upper()
    parent = _unit_parent(unit.agency_id, parent_id, fields)
    if parent_id == unit_id:
        fields.setdefault("parent", []).append("Đơn vị không thể là cấp trên của chính nó.")
    _raise_if(fields)
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=unit_id)
        # Refuse a cycle: the new parent may not sit below this unit.
        ancestor = parent
        while ancestor is not None:
            if ancestor.pk == unit.pk:
                raise ValidationFailed(
                    "Không thể đặt đơn vị dưới đơn vị cấp dưới của nó.",
                    fields={"parent": ["Cấp trên không hợp lệ."]},
                )
            ancestor = ancestor.parent
        if (
            short_name
            and Unit.objects.filter(agency_id=unit.agency_id, short_name=short_name)
            .exclude(pk=unit.pk)
            .exists()
        ):
            raise Conflict(
                "Ký hiệu đơn vị đã được dùng trong cơ quan.",
                fields={"short_name": ["Ký hiệu đã tồn tại."]},
            )
        before = snapshot(unit)
        unit.name, unit.short_name, unit.parent, unit.is_active = (
            name,
            short_name,
            parent,
            is_active,
        )
        unit.save()
        journal_record(
            actor=actor,
            action="unit.update",
            instance=unit,
            agency_id=unit.agency_id,
            before=before,
            after=snapshot(unit),
        )
    return unit


def position_create(*, actor: Actor, agency_id: int, name: str, rank: int = 100) -> Position:
    """Add a position (chức vụ) to an agency."""
    _require_manage(actor, agency_id)
    fields: dict[str, list[str]] = {}
    name = _text(fields, "name", name, max_length=100)
    if not 0 <= rank <= 1000:
        fields.setdefault("rank", []).append("Thứ bậc từ 0 đến 1000.")
    _raise_if(fields)
    with transaction.atomic():
        if Position.objects.filter(agency_id=agency_id, name=name).exists():
            raise Conflict("Chức vụ đã có.", fields={"name": ["Chức vụ đã tồn tại."]})
        position = Position.objects.create(agency_id=agency_id, name=name, rank=rank)
        journal_record(
            actor=actor,
            action="position.create",
            instance=position,
            agency_id=agency_id,
            after=snapshot(position),
        )
    return position


# --- People and roles -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GrantData:
    """A role to grant: agency-wide when `unit_id` is None."""

    role: str
    unit_id: int | None = None
    position_id: int | None = None


def _check_grant(
    actor: Actor, agency_id: int, grant: GrantData, fields: dict[str, list[str]]
) -> None:
    if grant.role not in Role.values:
        fields.setdefault("role", []).append("Vai trò không hợp lệ.")
    if grant.role == Role.SYSTEM_ADMIN and not actor.is_system_admin:
        fields.setdefault("role", []).append("Chỉ quản trị hệ thống mới cấp được vai trò này.")
    if (
        grant.unit_id is not None
        and not Unit.objects.filter(pk=grant.unit_id, agency_id=agency_id).exists()
    ):
        fields.setdefault("unit", []).append("Đơn vị không thuộc cơ quan này.")
    if (
        grant.position_id is not None
        and not Position.objects.filter(pk=grant.position_id, agency_id=agency_id).exists()
    ):
        fields.setdefault("position", []).append("Chức vụ không thuộc cơ quan này.")


def _grant_snapshot(grant: RoleGrant) -> dict[str, Any]:
    return snapshot(grant, exclude=("created_at", "updated_at"))


def person_create(
    *,
    actor: Actor,
    agency_id: int,
    username: str,
    full_name: str,
    password: str,
    email: str = "",
    phone: str = "",
    grants: Iterable[GrantData] = (),
) -> Person:
    """Create a staff account in an agency, with its roles."""
    _require_manage(actor, agency_id)
    fields: dict[str, list[str]] = {}
    username = _text(fields, "username", username, max_length=150).lower()
    full_name = _text(fields, "full_name", full_name, max_length=150)
    email = _email(fields, "email", email)
    phone = _text(fields, "phone", phone, max_length=50, required=False)
    grants = list(grants)
    for grant in grants:
        _check_grant(actor, agency_id, grant, fields)
    probe = Person(username=username, full_name=full_name, email=email)
    try:
        validate_password(password, user=probe)
    except DjangoValidationError as exc:
        fields.setdefault("password", []).extend(exc.messages)
    _raise_if(fields)
    with transaction.atomic():
        if Person.objects.filter(username=username).exists():
            raise Conflict(
                "Tên đăng nhập đã được dùng.", fields={"username": ["Tên đăng nhập đã tồn tại."]}
            )
        person = Person(
            username=username, full_name=full_name, email=email, phone=phone, agency_id=agency_id
        )
        person.set_password(password)
        person.save()
        journal_record(
            actor=actor,
            action="person.create",
            instance=person,
            agency_id=agency_id,
            after=snapshot(person, exclude=("last_login",)),
        )
        for grant in grants:
            _grant_add(actor=actor, person=person, agency_id=agency_id, grant=grant)
    return person


def person_update(
    *,
    actor: Actor,
    person_id: int,
    full_name: str,
    email: str = "",
    phone: str = "",
    is_active: bool = True,
) -> Person:
    """Change a person's name, contacts or activity."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None or person.agency_id is None:
        raise NotFound(NOT_FOUND)
    _require_manage(actor, person.agency_id)
    if person.pk == actor.person_id and not is_active:
        raise ValidationFailed(
            "Bạn không thể tự khóa tài khoản của mình.",
            fields={"is_active": ["Không thể tự khóa."]},
        )
    fields: dict[str, list[str]] = {}
    full_name = _text(fields, "full_name", full_name, max_length=150)
    email = _email(fields, "email", email)
    phone = _text(fields, "phone", phone, max_length=50, required=False)
    _raise_if(fields)
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person_id)
        before = snapshot(person, exclude=("last_login",))
        person.full_name, person.email, person.phone, person.is_active = (
            full_name,
            email,
            phone,
            is_active,
        )
        person.save(update_fields=["full_name", "email", "phone", "is_active"])
        journal_record(
            actor=actor,
            action="person.update",
            instance=person,
            agency_id=person.agency_id,
            before=before,
            after=snapshot(person, exclude=("last_login",)),
        )
    return person


def person_set_password(*, actor: Actor, person_id: int, password: str) -> None:
    """Reset a person's password (an administrator's act; the old password is not needed)."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None or person.agency_id is None:
        raise NotFound(NOT_FOUND)
    _require_manage(actor, person.agency_id)
    try:
        validate_password(password, user=person)
    except DjangoValidationError as exc:
        raise ValidationFailed(
            "Mật khẩu chưa đạt yêu cầu.", fields={"password": list(exc.messages)}
        ) from None
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person_id)
        person.set_password(password)
        person.save(update_fields=["password"])
        # A new password ends every API token issued under the old one.
        Token.objects.filter(user=person).delete()
        journal_record(
            actor=actor, action="person.password_reset", instance=person, agency_id=person.agency_id
        )


def password_change(*, actor: Actor, person: Person, old_password: str, new_password: str) -> None:
    """Change one's own password after checking the old one."""
    if actor.person_id != person.pk:
        raise PermissionDenied(DENIED)
    if not person.check_password(old_password):
        raise ValidationFailed(
            "Mật khẩu hiện tại không đúng.",
            fields={"old_password": ["Mật khẩu hiện tại không đúng."]},
        )
    try:
        validate_password(new_password, user=person)
    except DjangoValidationError as exc:
        raise ValidationFailed(
            "Mật khẩu mới chưa đạt yêu cầu.", fields={"new_password": list(exc.messages)}
        ) from None
    with transaction.atomic():
        person.set_password(new_password)
        person.save(update_fields=["password"])
        # A new password ends every API token issued under the old one.
        Token.objects.filter(user=person).delete()
        journal_record(
            actor=actor,
            action="person.password_change",
            instance=person,
            agency_id=person.agency_id,
        )


def _grant_add(*, actor: Actor, person: Person, agency_id: int, grant: GrantData) -> RoleGrant:
    same_place = Q(unit__isnull=True) if grant.unit_id is None else Q(unit_id=grant.unit_id)
    exists = RoleGrant.objects.filter(
        same_place, person=person, agency_id=agency_id, role=grant.role
    ).exists()
    if exists:
        raise Conflict(
            "Cán bộ đã có vai trò này ở đơn vị này.", fields={"role": ["Vai trò đã có."]}
        )
    row = RoleGrant.objects.create(
        person=person,
        agency_id=agency_id,
        role=grant.role,
        unit_id=grant.unit_id,
        position_id=grant.position_id,
    )
    journal_record(
        actor=actor,
        action="role_grant.add",
        instance=person,
        agency_id=agency_id,
        after={"grant": _grant_snapshot(row)},
    )
    return row


def role_grant_add(
    *, actor: Actor, person_id: int, grant: GrantData, agency_id: int | None = None
) -> RoleGrant:
    """Give a person a role in their agency (or in `agency_id`, for a system administrator)."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None or (
        person.agency_id is not None
        and not permissions.can_see_agency_data(actor, person.agency_id)
    ):
        # A person the actor may not see is "not found", whatever agency is named.
        raise NotFound(NOT_FOUND)
    target = agency_id if agency_id is not None else person.agency_id
    if target is None:
        raise ValidationFailed("Cán bộ chưa thuộc cơ quan nào.")
    if target != person.agency_id and not actor.is_system_admin:
        raise PermissionDenied(DENIED)
    _require_manage(actor, target)
    fields: dict[str, list[str]] = {}
    _check_grant(actor, target, grant, fields)
    _raise_if(fields)
    with transaction.atomic():
        Person.objects.select_for_update().get(pk=person_id)
        return _grant_add(actor=actor, person=person, agency_id=target, grant=grant)


def role_grant_remove(*, actor: Actor, grant_id: int) -> None:
    """Take a role away from a person."""
    grant = RoleGrant.objects.filter(pk=grant_id).first()
    if grant is None:
        raise NotFound(NOT_FOUND)
    _require_manage(actor, grant.agency_id)
    if grant.role == Role.SYSTEM_ADMIN and not actor.is_system_admin:
        raise PermissionDenied(DENIED)
    if (
        grant.person_id == actor.person_id
        and grant.role == Role.AGENCY_ADMIN
        and not actor.is_system_admin
    ):
        raise ValidationFailed("Bạn không thể tự bỏ quyền quản trị của mình.")
    with transaction.atomic():
        grant = RoleGrant.objects.select_for_update().select_related("person").get(pk=grant_id)
        before = {"grant": _grant_snapshot(grant)}
        person = grant.person
        grant.delete()
        journal_record(
            actor=actor,
            action="role_grant.remove",
            instance=person,
            agency_id=grant.agency_id,
            before=before,
        )


def auth_event_record(
    *,
    actor: Actor,
    action: str,
    username: str,
    person: Person | None = None,
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Journal a sign-in event (login, logout, failure, lockout, second factor)."""
    with transaction.atomic():
        journal_record(
            actor=actor,
            action=action,
            object_type="organizations.person",
            object_id=str(person.pk) if person else "",
            object_repr=username[:300],
            agency_id=person.agency_id if person else None,
            after=dict(detail or {}),
        )
