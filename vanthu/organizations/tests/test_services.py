"""Services and selectors of organisations: journal rows, the permission matrix, validation.

Every refused call is checked to leave the database exactly as it was: no journal row, no row
added or removed, no field changed (the password hashes included).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from vanthu.core.actor import Actor
from vanthu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from vanthu.core.models import JournalEntry
from vanthu.organizations import selectors, services
from vanthu.organizations.choices import Role
from vanthu.organizations.models import Agency, Person, Position, RoleGrant, Unit
from vanthu.organizations.services import AgencyData, GrantData
from vanthu.organizations.tests.factories import PersonFactory, PositionFactory, UnitFactory

pytestmark = pytest.mark.django_db

PERSONAS = [
    "clerk",
    "unit_head",
    "leader",
    "specialist",
    "archivist",
    "agency_admin",
    "outsider",
    "outsider_admin",
    "system_admin",
]
NEW_PASSWORD = "Dat-lai-mat-khau-2027!"


def _state() -> dict[str, list[dict[str, Any]]]:
    """Every stored row of the tables these services write, to prove nothing changed."""
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Agency, Unit, Position, Person, RoleGrant, JournalEntry)
    }


def _new_rows(before_count: int) -> list[JournalEntry]:
    return list(JournalEntry.objects.order_by("pk")[before_count:])


# --- The calls of the permission matrix -----------------------------------------------------
# Each call acts on agency A (or on the directory); the expected outcome depends on who calls.


def _unit_create(cast, actor: Actor) -> object:
    return services.unit_create(
        actor=actor, agency_id=cast.agency_a.pk, name="Thanh tra Sở", short_name="TTR"
    )


def _unit_update(cast, actor: Actor) -> object:
    return services.unit_update(
        actor=actor,
        unit_id=cast.unit_a.pk,
        name="Phòng Bưu chính",
        short_name="BC",
        parent_id=cast.office_a.pk,
    )


def _position_create(cast, actor: Actor) -> object:
    return services.position_create(
        actor=actor, agency_id=cast.agency_a.pk, name="Phó Chánh Văn phòng", rank=30
    )


def _person_create(cast, actor: Actor) -> object:
    return services.person_create(
        actor=actor,
        agency_id=cast.agency_a.pk,
        username="canbo.moi",
        full_name="Nguyễn Thị Mới",
        password="Mat-khau-ban-dau-2026!",
        email="moi@khanhhoa.gov.vn",
    )


def _person_update(cast, actor: Actor) -> object:
    return services.person_update(
        actor=actor,
        person_id=cast.specialist.pk,
        full_name="Võ Thị Chuyên Viên",
        email="chuyenvien@khanhhoa.gov.vn",
        phone="0258 3812 345",
    )


def _person_set_password(cast, actor: Actor) -> object:
    return services.person_set_password(
        actor=actor, person_id=cast.specialist.pk, password=NEW_PASSWORD
    )


def _role_grant_add(cast, actor: Actor) -> object:
    return services.role_grant_add(
        actor=actor,
        person_id=cast.specialist.pk,
        grant=GrantData(role=Role.ARCHIVIST, unit_id=cast.office_a.pk),
    )


def _role_grant_remove(cast, actor: Actor) -> object:
    grant = RoleGrant.objects.get(person=cast.specialist)
    return services.role_grant_remove(actor=actor, grant_id=grant.pk)


def _agency_create(cast, actor: Actor) -> object:
    return services.agency_create(
        actor=actor,
        data=AgencyData(identifier="000.00.14.H34", name="Sở Tư pháp", short_name="STP"),
    )


def _agency_update(cast, actor: Actor) -> object:
    return services.agency_update(
        actor=actor,
        agency_id=cast.agency_a.pk,
        data=AgencyData(
            identifier="000.00.12.H34",
            name="Sở Khoa học và Công nghệ",
            short_name="SKHCN",
            parent_identifier="000.00.00.H34",
        ),
    )


def _agency_import(cast, actor: Actor) -> object:
    return services.agency_import(
        actor=actor,
        rows=[AgencyData(identifier="000.00.15.H34", name="Sở Y tế", short_name="SYT")],
    )


def _password_change(cast, actor: Actor) -> object:
    return services.password_change(
        actor=actor,
        person=Person.objects.get(pk=cast.specialist.pk),
        old_password="Mat-khau-2026!",
        new_password=NEW_PASSWORD,
    )


OK = "ok"
# Who may manage agency A: its administrators and system administrators. Its other staff see
# it but may not change it; people of agency B do not even see it (not found, never forbidden).
AGENCY_A_MANAGEMENT = {
    "clerk": PermissionDenied,
    "unit_head": PermissionDenied,
    "leader": PermissionDenied,
    "specialist": PermissionDenied,
    "archivist": PermissionDenied,
    "agency_admin": OK,
    "outsider": NotFound,
    "outsider_admin": NotFound,
    "system_admin": OK,
}
# The agency directory is edited by system administrators only.
DIRECTORY = dict.fromkeys(PERSONAS, PermissionDenied) | {"system_admin": OK}
# One's own password: only the person, not even a system administrator.
OWN_PASSWORD = dict.fromkeys(PERSONAS, PermissionDenied) | {"specialist": OK}

MATRIX: list[tuple[str, Callable[..., object], dict[str, object]]] = [
    ("unit_create", _unit_create, AGENCY_A_MANAGEMENT),
    ("unit_update", _unit_update, AGENCY_A_MANAGEMENT),
    ("position_create", _position_create, AGENCY_A_MANAGEMENT),
    ("person_create", _person_create, AGENCY_A_MANAGEMENT),
    ("person_update", _person_update, AGENCY_A_MANAGEMENT),
    ("person_set_password", _person_set_password, AGENCY_A_MANAGEMENT),
    ("role_grant_add", _role_grant_add, AGENCY_A_MANAGEMENT),
    ("role_grant_remove", _role_grant_remove, AGENCY_A_MANAGEMENT),
    ("agency_create", _agency_create, DIRECTORY),
    ("agency_update", _agency_update, DIRECTORY),
    ("agency_import", _agency_import, DIRECTORY),
    ("password_change", _password_change, OWN_PASSWORD),
]
CASES = [
    pytest.param(call, persona, outcomes[persona], id=f"{name}-{persona}")
    for name, call, outcomes in MATRIX
    for persona in PERSONAS
]


@pytest.mark.parametrize(("call", "persona", "expected"), CASES)
def test_permission_matrix(cast, call, persona, expected):
    # given a persona of the cast and the database as it stands
    actor = cast.actor(getattr(cast, persona))
    before = _state()
    journal_count = JournalEntry.objects.count()
    if expected is OK:
        # when the persona calls the service
        call(cast, actor)
        # then the change is journalled under the persona's name
        rows = _new_rows(journal_count)
        assert len(rows) == 1
        assert rows[0].actor_id == actor.person_id
        assert rows[0].ip_address == "127.0.0.1"
        assert _state() != before
    else:
        # when the persona calls the service, then it is refused ...
        with pytest.raises(expected):  # type: ignore[call-overload]
            call(cast, actor)
        # ... and nothing at all changed
        assert _state() == before


# --- Success paths: one journal row each, with before and after -----------------------------


def test_unit_create_journals_the_new_unit(cast):
    actor = cast.actor(cast.agency_admin)
    unit = services.unit_create(
        actor=actor,
        agency_id=cast.agency_a.pk,
        name="  Thanh tra Sở ",
        short_name="ttr",
        parent_id=cast.office_a.pk,
    )
    [row] = JournalEntry.objects.filter(action="unit.create")
    assert (unit.name, unit.short_name, unit.parent_id) == ("Thanh tra Sở", "TTR", cast.office_a.pk)
    assert row.object_type == "organizations.unit"
    assert row.object_id == str(unit.pk)
    assert row.agency_id == cast.agency_a.pk
    assert row.actor_name == "Huỳnh Quản Trị"
    assert row.before is None
    assert row.after["name"] == "Thanh tra Sở"
    assert row.after["parent"] == cast.office_a.pk


def test_unit_update_journals_before_and_after(cast):
    actor = cast.actor(cast.agency_admin)
    services.unit_update(
        actor=actor,
        unit_id=cast.unit_a.pk,
        name="Phòng Bưu chính",
        short_name="BC",
        parent_id=cast.office_a.pk,
        is_active=False,
    )
    [row] = JournalEntry.objects.filter(action="unit.update")
    assert (row.before["name"], row.after["name"]) == (
        "Phòng Bưu chính, Viễn thông",
        "Phòng Bưu chính",
    )
    assert (row.before["short_name"], row.after["short_name"]) == ("BCVT", "BC")
    assert (row.before["parent"], row.after["parent"]) == (None, cast.office_a.pk)
    assert (row.before["is_active"], row.after["is_active"]) == (True, False)
    cast.unit_a.refresh_from_db()
    assert cast.unit_a.is_active is False


def test_position_create_journals_the_position(cast):
    position = _position_create(cast, cast.actor(cast.agency_admin))
    [row] = JournalEntry.objects.filter(action="position.create")
    assert row.object_id == str(position.pk)
    assert row.before is None
    assert row.after["name"] == "Phó Chánh Văn phòng"
    assert row.after["rank"] == 30


def test_person_create_journals_the_person_and_each_role(cast):
    # given a position of agency A
    position = PositionFactory(agency=cast.agency_a, name="Chuyên viên")
    # when the agency administrator creates a person with one role
    person = services.person_create(
        actor=cast.actor(cast.agency_admin),
        agency_id=cast.agency_a.pk,
        username="  NguyenVanMoi ",
        full_name="Nguyễn Văn Mới",
        password="Mat-khau-ban-dau-2026!",
        grants=[GrantData(role=Role.SPECIALIST, unit_id=cast.unit_a.pk, position_id=position.pk)],
    )
    # then the account exists in agency A with its password, and two rows are journalled
    assert person.username == "nguyenvanmoi"
    assert person.agency_id == cast.agency_a.pk
    assert person.check_password("Mat-khau-ban-dau-2026!")
    created, granted = JournalEntry.objects.filter(object_id=str(person.pk)).order_by("seq")
    assert created.action == "person.create"
    assert created.after["username"] == "nguyenvanmoi"
    assert "password" not in created.after
    assert granted.action == "role_grant.add"
    assert granted.after["grant"]["role"] == Role.SPECIALIST
    assert granted.after["grant"]["unit"] == cast.unit_a.pk
    assert granted.after["grant"]["position"] == position.pk


def test_person_update_journals_before_and_after(cast):
    _person_update(cast, cast.actor(cast.agency_admin))
    [row] = JournalEntry.objects.filter(action="person.update")
    assert row.object_id == str(cast.specialist.pk)
    assert (row.before["full_name"], row.after["full_name"]) == (
        "Võ Thị Chuyên",
        "Võ Thị Chuyên Viên",
    )
    assert row.after["phone"] == "0258 3812 345"
    assert "password" not in row.before
    assert "password" not in row.after


def test_person_set_password_journals_without_the_secret(cast):
    _person_set_password(cast, cast.actor(cast.agency_admin))
    [row] = JournalEntry.objects.filter(action="person.password_reset")
    assert row.object_id == str(cast.specialist.pk)
    assert row.before is None
    assert row.after is None
    cast.specialist.refresh_from_db()
    assert cast.specialist.check_password(NEW_PASSWORD)


def test_role_grant_add_and_remove_journal_the_grant(cast):
    actor = cast.actor(cast.agency_admin)
    grant = _role_grant_add(cast, actor)
    services.role_grant_remove(actor=actor, grant_id=grant.pk)
    added, removed = JournalEntry.objects.filter(action__startswith="role_grant.").order_by("seq")
    assert added.after["grant"]["role"] == Role.ARCHIVIST
    assert added.before is None
    assert removed.before["grant"]["role"] == Role.ARCHIVIST
    assert removed.after is None
    assert removed.object_id == str(cast.specialist.pk)
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()


def test_auth_event_record_journals_on_the_person(cast):
    services.auth_event_record(
        actor=cast.actor(cast.clerk),
        action="auth.login",
        username="vanthu.a",
        person=cast.clerk,
        detail={"second_factor": "none"},
    )
    [row] = JournalEntry.objects.filter(action="auth.login")
    assert (row.object_type, row.object_id) == ("organizations.person", str(cast.clerk.pk))
    assert row.agency_id == cast.agency_a.pk
    assert row.after == {"second_factor": "none"}


# --- Validation: refused with the field named, nothing stored -------------------------------


def _refused(error_type: type[Exception], call: Callable[[], object]) -> Exception:
    before = _state()
    with pytest.raises(error_type) as caught:
        call()
    assert _state() == before
    return caught.value


@pytest.mark.parametrize(
    ("name", "short_name", "field"),
    [
        ("", "TTR", "name"),
        ("   ", "TTR", "name"),
        ("P" * 201, "TTR", "name"),
        ("Thanh tra", "T" * 21, "short_name"),
    ],
    ids=["empty", "blank", "name-too-long", "notation-too-long"],
)
def test_unit_create_refuses_bad_text(cast, name, short_name, field):
    error = _refused(
        ValidationFailed,
        lambda: services.unit_create(
            actor=cast.actor(cast.agency_admin),
            agency_id=cast.agency_a.pk,
            name=name,
            short_name=short_name,
        ),
    )
    assert list(error.fields) == [field]


def test_unit_create_refuses_a_notation_used_in_the_agency(cast):
    # "vp" is upper-cased to the office's "VP"
    error = _refused(
        Conflict,
        lambda: services.unit_create(
            actor=cast.actor(cast.agency_admin),
            agency_id=cast.agency_a.pk,
            name="Văn phòng 2",
            short_name="vp",
        ),
    )
    assert "short_name" in error.fields


def test_unit_notation_may_repeat_across_agencies(cast):
    # agency B already has a "VP"; agency A may use "TCHC" that B also uses
    UnitFactory(agency=cast.agency_b, name="Phòng Tổ chức", short_name="TCHC")
    unit = services.unit_create(
        actor=cast.actor(cast.agency_admin),
        agency_id=cast.agency_a.pk,
        name="Phòng Tổ chức - Hành chính",
        short_name="TCHC",
    )
    assert unit.short_name == "TCHC"


def test_unit_create_refuses_a_parent_of_another_agency(cast):
    error = _refused(
        ValidationFailed,
        lambda: services.unit_create(
            actor=cast.actor(cast.agency_admin),
            agency_id=cast.agency_a.pk,
            name="Tổ giúp việc",
            parent_id=cast.unit_b.pk,
        ),
    )
    assert "parent" in error.fields


def test_unit_update_refuses_a_cycle(cast):
    # given office_a > unit_a > team
    actor = cast.actor(cast.agency_admin)
    services.unit_update(
        actor=actor,
        unit_id=cast.unit_a.pk,
        name=cast.unit_a.name,
        short_name="BCVT",
        parent_id=cast.office_a.pk,
    )
    team = services.unit_create(
        actor=actor, agency_id=cast.agency_a.pk, name="Tổ Bưu chính", parent_id=cast.unit_a.pk
    )
    # when the office is put under the team, then it is refused and nothing changes
    error = _refused(
        ValidationFailed,
        lambda: services.unit_update(
            actor=actor,
            unit_id=cast.office_a.pk,
            name="Văn phòng Sở",
            short_name="VP",
            parent_id=team.pk,
        ),
    )
    assert "parent" in error.fields


def test_unit_update_refuses_itself_as_parent(cast):
    error = _refused(
        ValidationFailed,
        lambda: services.unit_update(
            actor=cast.actor(cast.agency_admin),
            unit_id=cast.unit_a.pk,
            name="Phòng BCVT",
            parent_id=cast.unit_a.pk,
        ),
    )
    assert "parent" in error.fields


def test_unit_update_refuses_a_notation_of_another_unit(cast):
    error = _refused(
        Conflict,
        lambda: services.unit_update(
            actor=cast.actor(cast.agency_admin),
            unit_id=cast.unit_a.pk,
            name="Phòng BCVT",
            short_name="VP",
        ),
    )
    assert "short_name" in error.fields


def test_position_create_refuses_a_duplicate_and_a_bad_rank(cast):
    actor = cast.actor(cast.agency_admin)
    PositionFactory(agency=cast.agency_a, name="Chánh Văn phòng")
    error = _refused(
        Conflict,
        lambda: services.position_create(
            actor=actor, agency_id=cast.agency_a.pk, name="Chánh Văn phòng"
        ),
    )
    assert "name" in error.fields
    error = _refused(
        ValidationFailed,
        lambda: services.position_create(
            actor=actor, agency_id=cast.agency_a.pk, name="Phó Giám đốc", rank=5000
        ),
    )
    assert "rank" in error.fields


def test_agency_admin_cannot_grant_system_admin(cast):
    actor = cast.actor(cast.agency_admin)
    error = _refused(
        ValidationFailed,
        lambda: services.role_grant_add(
            actor=actor, person_id=cast.specialist.pk, grant=GrantData(role=Role.SYSTEM_ADMIN)
        ),
    )
    assert "role" in error.fields
    error = _refused(
        ValidationFailed,
        lambda: services.person_create(
            actor=actor,
            agency_id=cast.agency_a.pk,
            username="quantri.moi",
            full_name="Quản Trị Mới",
            password="Mat-khau-ban-dau-2026!",
            grants=[GrantData(role=Role.SYSTEM_ADMIN)],
        ),
    )
    assert "role" in error.fields


def test_system_admin_may_grant_system_admin(cast):
    grant = services.role_grant_add(
        actor=cast.actor(cast.system_admin),
        person_id=cast.agency_admin.pk,
        grant=GrantData(role=Role.SYSTEM_ADMIN),
    )
    assert grant.role == Role.SYSTEM_ADMIN


def test_role_grant_add_refuses_a_unit_or_position_of_another_agency(cast):
    other_position = PositionFactory(agency=cast.agency_b)
    error = _refused(
        ValidationFailed,
        lambda: services.role_grant_add(
            actor=cast.actor(cast.agency_admin),
            person_id=cast.specialist.pk,
            grant=GrantData(role=Role.CLERK, unit_id=cast.unit_b.pk, position_id=other_position.pk),
        ),
    )
    assert set(error.fields) == {"unit", "position"}


def test_role_grant_add_refuses_a_role_held_already(cast):
    # the specialist already is a specialist of unit_a; the agency-wide leader role twice too
    actor = cast.actor(cast.agency_admin)
    _refused(
        Conflict,
        lambda: services.role_grant_add(
            actor=actor,
            person_id=cast.specialist.pk,
            grant=GrantData(role=Role.SPECIALIST, unit_id=cast.unit_a.pk),
        ),
    )
    _refused(
        Conflict,
        lambda: services.role_grant_add(
            actor=actor, person_id=cast.leader.pk, grant=GrantData(role=Role.LEADER)
        ),
    )


def test_role_grant_add_by_outsider_with_own_agency_is_not_found(cast):
    # an administrator of B naming their own agency for A's person learns nothing about it
    _refused(
        NotFound,
        lambda: services.role_grant_add(
            actor=cast.actor(cast.outsider_admin),
            person_id=cast.specialist.pk,
            grant=GrantData(role=Role.CLERK),
            agency_id=cast.agency_b.pk,
        ),
    )


def test_role_grant_remove_refuses_own_admin_role_and_system_admin_role(cast):
    actor = cast.actor(cast.agency_admin)
    own = RoleGrant.objects.get(person=cast.agency_admin)
    _refused(ValidationFailed, lambda: services.role_grant_remove(actor=actor, grant_id=own.pk))
    system = RoleGrant.objects.create(
        person=cast.leader, agency=cast.agency_a, role=Role.SYSTEM_ADMIN
    )
    _refused(PermissionDenied, lambda: services.role_grant_remove(actor=actor, grant_id=system.pk))


@pytest.mark.parametrize(
    ("changes", "error_type", "field"),
    [
        ({"username": ""}, ValidationFailed, "username"),
        ({"full_name": "  "}, ValidationFailed, "full_name"),
        ({"full_name": "N" * 151}, ValidationFailed, "full_name"),
        ({"email": "khong-phai-thu"}, ValidationFailed, "email"),
        ({"password": "12345678901"}, ValidationFailed, "password"),
        ({"password": "ngan"}, ValidationFailed, "password"),
        ({"username": "VANTHU.A"}, Conflict, "username"),
    ],
    ids=[
        "no-username",
        "blank-name",
        "name-too-long",
        "bad-email",
        "numeric-password",
        "short-password",
        "taken-username",
    ],
)
def test_person_create_refuses_bad_input(cast, changes, error_type, field):
    values = {
        "username": "canbo.moi",
        "full_name": "Nguyễn Thị Mới",
        "password": "Mat-khau-ban-dau-2026!",
        "email": "",
    } | changes
    error = _refused(
        error_type,
        lambda: services.person_create(
            actor=cast.actor(cast.agency_admin),
            agency_id=cast.agency_a.pk,
            grants=[GrantData(role=Role.CLERK, unit_id=cast.office_a.pk)],
            **values,
        ),
    )
    assert field in error.fields


def test_person_create_with_a_role_twice_stores_nothing(cast):
    # the person row is written before the second, duplicate grant fails: all rolled back
    _refused(
        Conflict,
        lambda: services.person_create(
            actor=cast.actor(cast.agency_admin),
            agency_id=cast.agency_a.pk,
            username="canbo.moi",
            full_name="Nguyễn Thị Mới",
            password="Mat-khau-ban-dau-2026!",
            grants=[GrantData(role=Role.CLERK), GrantData(role=Role.CLERK)],
        ),
    )


def test_person_update_refuses_locking_oneself_and_bad_email(cast):
    actor = cast.actor(cast.agency_admin)
    error = _refused(
        ValidationFailed,
        lambda: services.person_update(
            actor=actor, person_id=cast.agency_admin.pk, full_name="Huỳnh Quản Trị", is_active=False
        ),
    )
    assert "is_active" in error.fields
    error = _refused(
        ValidationFailed,
        lambda: services.person_update(
            actor=actor, person_id=cast.clerk.pk, full_name="Trần Thị Văn Thư", email="sai@"
        ),
    )
    assert "email" in error.fields


def test_person_set_password_refuses_a_weak_password(cast):
    error = _refused(
        ValidationFailed,
        lambda: services.person_set_password(
            actor=cast.actor(cast.agency_admin), person_id=cast.clerk.pk, password="vanthu.a"
        ),
    )
    assert "password" in error.fields


def test_password_change_refuses_a_wrong_old_password(cast):
    error = _refused(
        ValidationFailed,
        lambda: services.password_change(
            actor=cast.actor(cast.clerk),
            person=cast.clerk,
            old_password="sai-mat-khau",
            new_password=NEW_PASSWORD,
        ),
    )
    assert "old_password" in error.fields


# --- Selectors: what each actor may see -----------------------------------------------------


def test_outsider_sees_none_of_agency_a(cast):
    actor = cast.actor(cast.outsider)
    with pytest.raises(NotFound):
        selectors.unit_get(actor=actor, unit_id=cast.unit_a.pk)
    with pytest.raises(NotFound):
        selectors.person_get(actor=actor, person_id=cast.clerk.pk)
    with pytest.raises(NotFound):
        selectors.journal_list_for(
            actor=actor,
            object_type="organizations.person",
            object_id=cast.clerk.pk,
            agency_id=cast.agency_a.pk,
        )
    assert not selectors.unit_list(actor=actor, agency_id=cast.agency_a.pk).exists()
    assert not selectors.person_list(actor=actor, agency_id=cast.agency_a.pk).exists()
    assert list(selectors.person_list(actor=actor)) == [cast.outsider_admin, cast.outsider]


def test_staff_and_system_admin_see_agency_a(cast):
    for persona in ("clerk", "system_admin"):
        actor = cast.actor(getattr(cast, persona))
        assert selectors.unit_get(actor=actor, unit_id=cast.unit_a.pk) == cast.unit_a
        assert selectors.person_get(actor=actor, person_id=cast.leader.pk) == cast.leader
    names = {u.name for u in selectors.unit_list(actor=cast.actor(cast.clerk))}
    assert names == {"Văn phòng Sở", "Phòng Bưu chính, Viễn thông"}


def test_person_list_search_and_filters(cast):
    actor = cast.actor(cast.agency_admin)

    def names(**filters):
        people = selectors.person_list(actor=actor, agency_id=cast.agency_a.pk, **filters)
        return sorted(p.username for p in people)

    assert names(search="Chuyên") == ["chuyenvien.a"]
    assert names(search="LUUTRU") == ["luutru.a"]
    assert names(search="quantri.a@") == ["quantri.a"]
    assert names(unit_id=cast.office_a.pk) == ["luutru.a", "vanthu.a"]
    assert names(role=Role.LEADER) == ["giamdoc.a"]


def test_person_list_unit_and_role_filter_one_grant(cast):
    # given a clerk of the office who is also a specialist of unit_a
    RoleGrant.objects.create(
        person=cast.clerk, agency=cast.agency_a, role=Role.SPECIALIST, unit=cast.unit_a
    )
    actor = cast.actor(cast.agency_admin)
    # when filtering for clerks of unit_a, then nobody matches: no grant is both
    people = selectors.person_list(
        actor=actor, agency_id=cast.agency_a.pk, unit_id=cast.unit_a.pk, role=Role.CLERK
    )
    assert list(people) == []


def test_person_list_hides_locked_accounts_unless_asked(cast):
    locked = PersonFactory(
        agency=cast.agency_a, username="da.khoa", is_active=False, roles=[Role.CLERK]
    )
    actor = cast.actor(cast.agency_admin)
    assert locked not in selectors.person_list(actor=actor, agency_id=cast.agency_a.pk)
    assert locked in selectors.person_list(
        actor=actor, agency_id=cast.agency_a.pk, include_inactive=True
    )
