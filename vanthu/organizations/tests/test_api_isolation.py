"""Cross-agency isolation of every organisations API endpoint, over the persona matrix.

One table row per (endpoint, method, variant); each row runs for every persona of the cast.
Agency A's records are the targets: agency B's people (outsider, outsider_admin) must get 404
for them and never see them in lists; agency A's staff read them but get 403 on writes; agency
A's administrator and the system administrator may write. A refused request changes nothing
(no journal row, no stored value), and no read writes anything. The table must cover every
(route, method) of `vanthu.organizations.api.urls`, so a new endpoint without rows fails here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from vanthu.core.models import JournalEntry
from vanthu.organizations.api import urls as api_urls
from vanthu.organizations.choices import Role
from vanthu.organizations.models import Agency, Person, Position, RoleGrant, Unit
from vanthu.organizations.tests.factories import PersonFactory, PositionFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Mat-khau-moi-2026!"

A_STAFF = frozenset({"clerk", "unit_head", "leader", "specialist", "archivist"})
A_ADMIN = frozenset({"agency_admin"})
OUTSIDERS = frozenset({"outsider", "outsider_admin"})
PERSONAS = (*sorted(A_STAFF), "agency_admin", "outsider", "outsider_admin", "system_admin")
ALL_PERSONAS = (*PERSONAS, "anonymous")
# Who sees agency A's internal records.
SEES_A = A_STAFF | A_ADMIN | {"system_admin"}


class Policy(Enum):
    """Who gets what from a row, before any row-specific check."""

    SHARED_READ = "shared_read"  # the agency directory: every signed-in person
    A_READ = "a_read"  # a record of agency A: 404 for outsiders
    LIST = "list"  # 200 for all; agency A's rows only for those who see A
    A_WRITE = "a_write"  # admins succeed, A's staff 403, outsiders 404
    DIRECTORY_WRITE = "directory_write"  # system administrators only; 403 for everyone else
    SELF = "self"  # about the caller only
    SIGN_IN = "sign_in"  # open to anyone; wrong credentials are 400 whoever asks


@dataclass(frozen=True)
class Targets:
    """Agency A's records the rows act on (besides the cast's units)."""

    position: Position
    person: Person
    grant: RoleGrant


@dataclass(frozen=True)
class Row:
    """One endpoint call of the matrix."""

    name: str  # pytest id
    route: str  # URL name in the organizations-api namespace
    method: str
    policy: Policy
    args: Callable[[Any, Targets], tuple[Any, ...]] = lambda cast, t: ()
    body: Callable[[Any, Targets], dict[str, Any]] | None = None
    query: Callable[[Any, Targets], dict[str, Any]] = lambda cast, t: {}
    success: int = 200
    extra: dict[str, Any] = field(default_factory=dict)


def _agency_body(cast: Any, t: Targets) -> dict[str, Any]:
    return {
        "identifier": cast.agency_a.identifier,
        "name": "Sở Thông tin và Truyền thông tỉnh Khánh Hòa",
        "short_name": "STTTT",
        "kind": "department",
        "parent_identifier": "000.00.00.H34",
    }


ROWS: tuple[Row, ...] = (
    # Agencies: shared directory, written by system administrators only.
    Row("agencies-list", "agency-list", "get", Policy.SHARED_READ),
    Row(
        "agencies-create",
        "agency-list",
        "post",
        Policy.DIRECTORY_WRITE,
        body=lambda c, t: {"identifier": "000.00.14.H34", "name": "Sở Nội vụ", "short_name": "SNV"},
        success=201,
    ),
    Row(
        "agency-get", "agency-detail", "get", Policy.SHARED_READ, args=lambda c, t: (c.agency_a.pk,)
    ),
    Row(
        "agency-put",
        "agency-detail",
        "put",
        Policy.DIRECTORY_WRITE,
        args=lambda c, t: (c.agency_a.pk,),
        body=_agency_body,
    ),
    Row(
        "agency-patch",
        "agency-detail",
        "patch",
        Policy.DIRECTORY_WRITE,
        args=lambda c, t: (c.agency_a.pk,),
        body=lambda c, t: {"phone": "0258 3000 000"},
    ),
    # Units.
    Row("units-list", "unit-list", "get", Policy.LIST),
    Row(
        "units-list-of-a",
        "unit-list",
        "get",
        Policy.LIST,
        query=lambda c, t: {"agency": c.agency_a.pk, "include_inactive": "true"},
    ),
    Row(
        "units-create-in-a",
        "unit-list",
        "post",
        Policy.A_WRITE,
        body=lambda c, t: {"agency": c.agency_a.pk, "name": "Phòng Thử nghiệm"},
        success=201,
    ),
    Row("unit-get", "unit-detail", "get", Policy.A_READ, args=lambda c, t: (c.unit_a.pk,)),
    Row(
        "unit-put",
        "unit-detail",
        "put",
        Policy.A_WRITE,
        args=lambda c, t: (c.unit_a.pk,),
        body=lambda c, t: {"name": "Phòng Viễn thông", "short_name": "VT", "is_active": True},
    ),
    Row(
        "unit-patch",
        "unit-detail",
        "patch",
        Policy.A_WRITE,
        args=lambda c, t: (c.unit_a.pk,),
        body=lambda c, t: {"is_active": False},
    ),
    # Positions.
    Row("positions-list", "position-list", "get", Policy.LIST),
    Row(
        "positions-list-of-a",
        "position-list",
        "get",
        Policy.LIST,
        query=lambda c, t: {"agency": c.agency_a.pk},
    ),
    Row(
        "positions-create-in-a",
        "position-list",
        "post",
        Policy.A_WRITE,
        body=lambda c, t: {"agency": c.agency_a.pk, "name": "Phó Giám đốc", "rank": 20},
        success=201,
    ),
    Row(
        "position-get", "position-detail", "get", Policy.A_READ, args=lambda c, t: (t.position.pk,)
    ),
    # People.
    Row("people-list", "person-list", "get", Policy.LIST),
    Row(
        "people-list-of-a-unit",
        "person-list",
        "get",
        Policy.LIST,
        query=lambda c, t: {"agency": c.agency_a.pk, "unit": c.unit_a.pk, "search": "a"},
    ),
    Row(
        "people-create-in-a",
        "person-list",
        "post",
        Policy.A_WRITE,
        body=lambda c, t: {
            "agency": c.agency_a.pk,
            "username": "canbo.moi.a",
            "full_name": "Nguyễn Văn Mới",
            "password": NEW_PASSWORD,
            "grants": [{"role": "specialist", "unit": c.unit_a.pk}],
        },
        success=201,
    ),
    Row("person-get", "person-detail", "get", Policy.A_READ, args=lambda c, t: (t.person.pk,)),
    Row(
        "person-put",
        "person-detail",
        "put",
        Policy.A_WRITE,
        args=lambda c, t: (t.person.pk,),
        body=lambda c, t: {"full_name": "Tên Đã Đổi", "email": "", "phone": "", "is_active": True},
    ),
    Row(
        "person-patch",
        "person-detail",
        "patch",
        Policy.A_WRITE,
        args=lambda c, t: (t.person.pk,),
        body=lambda c, t: {"is_active": False},
    ),
    Row(
        "person-set-password",
        "person-set-password",
        "post",
        Policy.A_WRITE,
        args=lambda c, t: (t.person.pk,),
        body=lambda c, t: {"password": NEW_PASSWORD},
        success=204,
    ),
    # Role grants.
    Row("grants-list", "role-grant-list", "get", Policy.LIST),
    Row(
        "grants-list-of-a-person",
        "role-grant-list",
        "get",
        Policy.LIST,
        query=lambda c, t: {"person": t.person.pk},
    ),
    Row(
        "grants-create-in-a",
        "role-grant-list",
        "post",
        Policy.A_WRITE,
        body=lambda c, t: {"person": t.person.pk, "role": "archivist", "unit": c.office_a.pk},
        success=201,
    ),
    Row(
        "grants-create-naming-own-agency",
        "role-grant-list",
        "post",
        Policy.A_WRITE,
        # An outsider naming their own agency must still get 404 for agency A's person.
        body=lambda c, t: {"person": t.person.pk, "role": "clerk", "agency": c.agency_b.pk},
        success=201,
        extra={"admin_status": {"agency_admin": 403}},
    ),
    Row("grant-get", "role-grant-detail", "get", Policy.A_READ, args=lambda c, t: (t.grant.pk,)),
    Row(
        "grant-delete",
        "role-grant-detail",
        "delete",
        Policy.A_WRITE,
        args=lambda c, t: (t.grant.pk,),
        success=204,
    ),
    # The caller.
    Row("me", "me", "get", Policy.SELF),
    Row(
        "token-obtain-for-someone-else",
        "auth-token",
        "post",
        Policy.SIGN_IN,
        body=lambda c, t: {"username": t.person.username, "password": "doan-mat-khau"},
    ),
    Row("token-revoke", "auth-token", "delete", Policy.SELF, success=204),
)


def expected_status(row: Row, persona: str) -> int:
    """Return the status `persona` must get from `row`."""
    if row.policy is Policy.SIGN_IN:
        return 400
    if persona == "anonymous":
        return 401
    override = row.extra.get("admin_status", {}).get(persona)
    if override is not None:
        return int(override)
    match row.policy:
        case Policy.SHARED_READ | Policy.LIST:
            return 200
        case Policy.A_READ:
            return 404 if persona in OUTSIDERS else 200
        case Policy.A_WRITE:
            if persona in OUTSIDERS:
                return 404
            return 403 if persona in A_STAFF else row.success
        case Policy.DIRECTORY_WRITE:
            return row.success if persona == "system_admin" else 403
        case Policy.SELF:
            return row.success
    raise AssertionError(row.policy)


def _targets(cast: Any) -> Targets:
    person = PersonFactory.create(
        username="doituong.a",
        full_name="Đối Tượng Thử",
        agency=cast.agency_a,
        roles=[Role.SPECIALIST],
        roles__unit=cast.unit_a,
    )
    return Targets(
        position=PositionFactory.create(agency=cast.agency_a, name="Chuyên viên chính"),
        person=person,
        grant=RoleGrant.objects.get(person=person),
    )


def state() -> dict[str, Any]:
    """Every stored value the API could change, to prove a refusal changed nothing."""
    return {
        "journal": JournalEntry.objects.count(),
        "agencies": list(Agency.objects.order_by("id").values()),
        "units": list(Unit.objects.order_by("id").values()),
        "positions": list(Position.objects.order_by("id").values()),
        "people": list(Person.objects.order_by("id").values()),
        "grants": list(RoleGrant.objects.order_by("id").values()),
        "tokens": sorted(Token.objects.values_list("key", "user_id")),
    }


def _client(cast: Any, persona: str) -> tuple[APIClient, Person | None]:
    client = APIClient()
    if persona == "anonymous":
        return client, None
    person = getattr(cast, persona)
    token = Token.objects.get(user=person)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client, person


def _agency_of_rows(route: str, results: list[dict[str, Any]]) -> set[int]:
    key = "id" if route == "agency-list" else "agency"
    return {row[key] for row in results}


@pytest.mark.parametrize("persona", ALL_PERSONAS)
@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_isolation_matrix(cast, row: Row, persona: str):
    cache.clear()  # the sign-in endpoint's throttle counts per address
    # given agency A's records and a token for every persona
    targets = _targets(cast)
    for name in PERSONAS:
        Token.objects.create(user=getattr(cast, name))
    client, person = _client(cast, persona)
    before = state()
    # when the persona calls the endpoint
    path = reverse(f"organizations-api:{row.route}", args=row.args(cast, targets))
    query = row.query(cast, targets)
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    body = row.body(cast, targets) if row.body else None
    response = getattr(client, row.method)(path, body, format="json")
    # then the status is the one the policy says, with a structured error when refused
    expected = expected_status(row, persona)
    assert response.status_code == expected, (row.name, persona, response.content[:300])
    if expected >= 400:
        assert set(response.json()["error"]) >= {"code", "message"}
    if expected == 404:
        # never a hint of what is there: the same body as for an id that does not exist
        assert response.json() == {"error": {"code": "not_found", "message": "Không tìm thấy."}}
    after = state()
    if row.policy is Policy.SIGN_IN:
        # a failed sign-in is journalled by design, and nothing else changes
        assert after["tokens"] == before["tokens"]
        assert {k: v for k, v in after.items() if k != "journal"} == {
            k: v for k, v in before.items() if k != "journal"
        }
        return
    if expected in (401, 403, 404) or row.method == "get":
        assert after == before, (row.name, persona)
    else:
        # a write that succeeded is journalled, with the persona as actor
        assert person is not None
        new_rows = JournalEntry.objects.order_by("-id")[: after["journal"] - before["journal"]]
        assert new_rows
        assert {r.actor_id for r in new_rows} == {person.pk}
    if row.policy is Policy.LIST and expected == 200:
        agencies = _agency_of_rows(row.route, response.json()["results"])
        if persona in SEES_A:
            assert cast.agency_a.pk in agencies, (row.name, persona)
        else:
            assert cast.agency_a.pk not in agencies, (row.name, persona)
    if row.policy is Policy.SHARED_READ and row.route == "agency-list" and expected == 200:
        assert cast.agency_a.pk in _agency_of_rows(row.route, response.json()["results"])
    if row.route == "me" and person is not None:
        assert response.json()["id"] == person.pk
    if row.name == "token-revoke" and person is not None:
        assert not Token.objects.filter(user=person).exists()
        assert Token.objects.count() == len(PERSONAS) - 1


def _routes(patterns: list[URLPattern | URLResolver], prefix: str = "") -> set[tuple[str, str]]:
    """Return every (route name, HTTP method) the URL patterns serve."""
    found: set[tuple[str, str]] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found |= _routes(pattern.url_patterns)
            continue
        callback = pattern.callback
        actions = getattr(callback, "actions", None)
        if actions:
            methods = set(actions) - {"head", "options"}
        else:
            view = callback.cls  # type: ignore[attr-defined]
            methods = {
                m
                for m in view.http_method_names
                if m not in {"head", "options"} and hasattr(view, m)
            }
        found |= {(str(pattern.name), m) for m in methods}
    return found


def test_matrix_covers_every_route_and_method():
    served = _routes(api_urls.urlpatterns)
    covered = {(row.route, row.method) for row in ROWS}
    assert served - covered == set(), "endpoints without isolation rows"
    assert covered - served == set(), "rows for endpoints that do not exist"


def test_matrix_has_every_persona_of_the_cast(cast):
    personas = {name for name in vars(cast) if isinstance(getattr(cast, name), Person)}
    assert personas == set(PERSONAS)
