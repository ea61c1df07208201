"""The organisations REST API: CRUD through services with journal rows, errors, paging, schema.

Tokens, lockout and the second factor are in test_api_auth.py; cross-agency isolation over the
persona matrix in test_api_isolation.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from vanthu.core.models import JournalEntry
from vanthu.organizations.choices import Role
from vanthu.organizations.models import Agency, Person, Position, RoleGrant, Unit
from vanthu.organizations.tests.factories import PersonFactory, PositionFactory, UnitFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Mat-khau-moi-2026!"


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()


def url(name: str, *args: object) -> str:
    return reverse(f"organizations-api:{name}", args=args)


def client_for(person: Person) -> APIClient:
    token, _ = Token.objects.get_or_create(user=person)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def journal(action: str) -> list[JournalEntry]:
    return list(JournalEntry.objects.filter(action=action).order_by("id"))


# --- Agencies -------------------------------------------------------------------------------


def test_agency_directory_filters_by_search_and_hosted(cast):
    # given a partner agency that is not hosted here
    Agency.objects.create(
        identifier="000.00.00.G22", name="Bộ Nội vụ", short_name="BNV", is_hosted=False
    )
    client = client_for(cast.clerk)
    # when the clerk searches the directory, then filters hosted agencies
    found = client.get(url("agency-list"), {"search": "nội vụ"}).json()["results"]
    hosted = client.get(url("agency-list"), {"hosted": "true"}).json()["results"]
    # then the search finds the partner and the hosted filter leaves it out
    assert [a["identifier"] for a in found] == ["000.00.00.G22"]
    assert "000.00.00.G22" not in {a["identifier"] for a in hosted}
    assert cast.agency_a.identifier in {a["identifier"] for a in hosted}


def test_system_admin_creates_and_patches_an_agency_with_journal_rows(cast):
    client = client_for(cast.system_admin)
    # when the system administrator adds an agency under the province
    response = client.post(
        url("agency-list"),
        {
            "identifier": "000.00.14.h34",
            "name": "Sở Nội vụ",
            "short_name": "SNV",
            "kind": "department",
            "parent_identifier": "000.00.00.H34",
        },
        format="json",
    )
    # then it is stored, normalised, and journalled with the actor
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["identifier"] == "000.00.14.H34"
    assert created["parent_identifier"] == "000.00.00.H34"
    [row] = journal("agency.create")
    assert (row.actor_id, row.object_id) == (cast.system_admin.pk, str(created["id"]))
    # when only the phone number is patched
    response = client.patch(
        url("agency-detail", created["id"]), {"phone": "0258 3822 000"}, format="json"
    )
    # then the other fields keep their values and the change is journalled
    assert response.status_code == 200, response.json()
    agency = Agency.objects.get(pk=created["id"])
    assert (agency.phone, agency.name, agency.parent_id) == (
        "0258 3822 000",
        "Sở Nội vụ",
        cast.agency_a.parent_id,
    )
    [row] = journal("agency.update")
    assert row.before is not None
    assert row.after is not None
    assert row.before["phone"] == ""
    assert row.after["phone"] == "0258 3822 000"


def test_agency_create_reports_invalid_identifier_by_field(cast):
    client = client_for(cast.system_admin)
    before = Agency.objects.count()
    # when the identifier does not follow QCVN 102
    response = client.post(
        url("agency-list"),
        {"identifier": "12.H34", "name": "Sở X", "short_name": "SX"},
        format="json",
    )
    # then the error names the field in Vietnamese and nothing is stored
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert "QCVN 102" in error["fields"]["identifier"][0]
    assert Agency.objects.count() == before


def test_agency_create_with_a_taken_identifier_is_a_conflict(cast):
    client = client_for(cast.system_admin)
    # when an agency is added with agency A's identifier
    response = client.post(
        url("agency-list"),
        {"identifier": cast.agency_a.identifier, "name": "Trùng", "short_name": "TR"},
        format="json",
    )
    # then 409 with the field named, and no journal row
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert "identifier" in response.json()["error"]["fields"]
    assert journal("agency.create") == []


# --- Units and positions --------------------------------------------------------------------


def test_unit_list_defaults_to_the_acting_agency(cast):
    # when agency A's clerk lists units without a filter
    results = client_for(cast.clerk).get(url("unit-list")).json()["results"]
    # then they get agency A's units, ordered by id
    assert [u["id"] for u in results] == [cast.office_a.pk, cast.unit_a.pk]


def test_agency_admin_creates_and_updates_a_unit_with_journal_rows(cast):
    client = client_for(cast.agency_admin)
    # when the agency administrator creates a unit under the office
    response = client.post(
        url("unit-list"),
        {"name": "Phòng Công nghệ thông tin", "short_name": "cntt", "parent": cast.office_a.pk},
        format="json",
    )
    # then it belongs to the acting agency and is journalled
    assert response.status_code == 201, response.json()
    unit = Unit.objects.get(pk=response.json()["id"])
    assert (unit.agency_id, unit.short_name, unit.parent_id) == (
        cast.agency_a.pk,
        "CNTT",
        cast.office_a.pk,
    )
    assert journal("unit.create")[0].actor_id == cast.agency_admin.pk
    # when it is renamed with PATCH, then replaced with PUT (no parent)
    patched = client.patch(url("unit-detail", unit.pk), {"name": "Phòng CNTT"}, format="json")
    put = client.put(url("unit-detail", unit.pk), {"name": "Phòng CNTT", "is_active": False})
    # then PATCH kept the parent, PUT reset it, and each change is journalled
    assert patched.status_code == 200
    assert patched.json()["parent"] == cast.office_a.pk
    assert put.status_code == 200, put.json()
    unit.refresh_from_db()
    assert (unit.name, unit.parent_id, unit.is_active) == ("Phòng CNTT", None, False)
    assert len(journal("unit.update")) == 2


def test_unit_with_a_parent_of_another_agency_is_refused(cast):
    client = client_for(cast.agency_admin)
    # when the parent named is agency B's unit
    response = client.post(
        url("unit-list"), {"name": "Phòng lạ", "parent": cast.unit_b.pk}, format="json"
    )
    # then the parent field is refused and nothing is created
    assert response.status_code == 400
    assert "parent" in response.json()["error"]["fields"]
    assert not Unit.objects.filter(name="Phòng lạ").exists()


def test_duplicate_unit_notation_is_a_conflict(cast):
    response = client_for(cast.agency_admin).post(
        url("unit-list"), {"name": "Văn phòng 2", "short_name": "VP"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["fields"]["short_name"]
    assert journal("unit.create") == []


def test_agency_admin_creates_and_reads_a_position(cast):
    client = client_for(cast.agency_admin)
    # when a position is added
    response = client.post(
        url("position-list"), {"name": "Phó Giám đốc", "rank": 20}, format="json"
    )
    # then it is in agency A, journalled, listed and readable
    assert response.status_code == 201, response.json()
    position = Position.objects.get(pk=response.json()["id"])
    assert (position.agency_id, position.rank) == (cast.agency_a.pk, 20)
    assert journal("position.create")[0].actor_id == cast.agency_admin.pk
    listed = client.get(url("position-list")).json()["results"]
    assert [p["name"] for p in listed] == ["Phó Giám đốc"]
    assert client.get(url("position-detail", position.pk)).json()["name"] == "Phó Giám đốc"


# --- People and role grants -----------------------------------------------------------------


def test_agency_admin_creates_a_person_with_grants_and_a_password(cast):
    position = PositionFactory.create(agency=cast.agency_a, name="Chuyên viên chính")
    client = client_for(cast.agency_admin)
    # when a staff account is created with two roles
    response = client.post(
        url("person-list"),
        {
            "username": "Chuyenvien.Moi",
            "full_name": "Nguyễn Thị Mới",
            "email": "moi@khanhhoa.gov.vn",
            "password": NEW_PASSWORD,
            "grants": [
                {"role": "specialist", "unit": cast.unit_a.pk, "position": position.pk},
                {"role": "clerk"},
            ],
        },
        format="json",
    )
    # then the account exists with its roles, the password works and is never echoed
    assert response.status_code == 201, response.json()
    body = response.json()
    assert "password" not in body
    assert sorted((g["role"], g["unit"]) for g in body["grants"]) == [
        ("clerk", None),
        ("specialist", cast.unit_a.pk),
    ]
    person = Person.objects.get(pk=body["id"])
    assert (person.username, person.agency_id) == ("chuyenvien.moi", cast.agency_a.pk)
    assert person.check_password(NEW_PASSWORD)
    # and the creation and both grants are journalled by the administrator
    assert [r.actor_id for r in journal("person.create")] == [cast.agency_admin.pk]
    assert len(journal("role_grant.add")) == 2


def test_weak_initial_password_is_refused_and_nothing_is_stored(cast):
    before = (Person.objects.count(), JournalEntry.objects.count())
    response = client_for(cast.agency_admin).post(
        url("person-list"),
        {"username": "yeu", "full_name": "Mật Khẩu Yếu", "password": "12345678"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["password"]
    assert (Person.objects.count(), JournalEntry.objects.count()) == before


def test_person_list_filters_by_search_unit_and_role(cast):
    client = client_for(cast.leader)
    # when the leader filters the staff list three ways
    by_search = client.get(url("person-list"), {"search": "chuyên"}).json()["results"]
    by_unit = client.get(url("person-list"), {"unit": cast.unit_a.pk}).json()["results"]
    by_role = client.get(url("person-list"), {"role": "archivist"}).json()["results"]
    # then each filter keeps only the matching people
    assert [p["username"] for p in by_search] == ["chuyenvien.a"]
    assert {p["username"] for p in by_unit} == {"chuyenvien.a", "truongphong.a"}
    assert [p["username"] for p in by_role] == ["luutru.a"]


def test_person_detail_includes_grants(cast):
    body = client_for(cast.clerk).get(url("person-detail", cast.unit_head.pk)).json()
    assert [(g["role"], g["unit"]) for g in body["grants"]] == [("unit_head", cast.unit_a.pk)]


def test_agency_admin_updates_a_person_and_resets_the_password(cast):
    client = client_for(cast.agency_admin)
    # when the specialist's phone is patched and their password reset
    patched = client.patch(
        url("person-detail", cast.specialist.pk), {"phone": "0905 000 111"}, format="json"
    )
    reset = client.post(
        url("person-set-password", cast.specialist.pk), {"password": NEW_PASSWORD}, format="json"
    )
    # then the name is kept, the phone and password changed, and both are journalled
    assert patched.status_code == 200
    assert patched.json()["full_name"] == "Võ Thị Chuyên"
    assert reset.status_code == 204
    cast.specialist.refresh_from_db()
    assert cast.specialist.phone == "0905 000 111"
    assert cast.specialist.check_password(NEW_PASSWORD)
    assert [r.object_id for r in journal("person.update")] == [str(cast.specialist.pk)]
    assert [r.object_id for r in journal("person.password_reset")] == [str(cast.specialist.pk)]


def test_agency_admin_adds_and_removes_a_role_grant(cast):
    client = client_for(cast.agency_admin)
    # when the specialist is also made archivist of the office, then the grant is removed
    added = client.post(
        url("role-grant-list"),
        {"person": cast.specialist.pk, "role": "archivist", "unit": cast.office_a.pk},
        format="json",
    )
    assert added.status_code == 201, added.json()
    listed = client.get(url("role-grant-list"), {"person": cast.specialist.pk}).json()
    removed = client.delete(url("role-grant-detail", added.json()["id"]))
    # then the list showed it, it is gone, and both changes are journalled
    assert {g["role"] for g in listed["results"]} == {"specialist", "archivist"}
    assert removed.status_code == 204
    assert not RoleGrant.objects.filter(pk=added.json()["id"]).exists()
    assert len(journal("role_grant.add")) == 1
    assert len(journal("role_grant.remove")) == 1


def test_duplicate_role_grant_is_a_conflict(cast):
    response = client_for(cast.agency_admin).post(
        url("role-grant-list"),
        {"person": cast.specialist.pk, "role": "specialist", "unit": cast.unit_a.pk},
        format="json",
    )
    assert response.status_code == 409
    assert journal("role_grant.add") == []


# --- The caller -----------------------------------------------------------------------------


def test_me_shows_the_person_acting_agency_and_roles(cast):
    body = client_for(cast.unit_head).get(url("me")).json()
    assert (body["id"], body["username"]) == (cast.unit_head.pk, "truongphong.a")
    assert body["acting_agency"]["identifier"] == cast.agency_a.identifier
    assert body["roles"] == ["unit_head"]
    assert body["is_system_admin"] is False
    assert [g["unit"] for g in body["grants"]] == [cast.unit_a.pk]


def test_session_keeps_the_acting_agency_chosen_in_the_interface(cast):
    # given a leader of agency A who also holds a role in agency B, acting for B in the session
    RoleGrant.objects.create(person=cast.leader, agency=cast.agency_b, role=Role.SPECIALIST)
    client = APIClient()
    client.force_login(cast.leader)
    session = client.session
    session["vanthu_acting_agency"] = cast.agency_b.pk
    session.save()
    # when they ask who they are and list units
    me = client.get(url("me")).json()
    units = client.get(url("unit-list")).json()["results"]
    # then they act for agency B and see its units by default
    assert me["acting_agency"]["id"] == cast.agency_b.pk
    assert me["roles"] == ["specialist"]
    assert [u["id"] for u in units] == [cast.unit_b.pk]


# --- Paging and structured errors -----------------------------------------------------------


def test_cursor_paging_walks_every_row_once(cast):
    for n in range(5):
        UnitFactory.create(agency=cast.agency_a, name=f"Phòng {n}")
    client = client_for(cast.clerk)
    # when the units are read two at a time
    seen: list[int] = []
    page = client.get(url("unit-list"), {"page_size": 2}).json()
    while True:
        seen += [u["id"] for u in page["results"]]
        if not page["next"]:
            break
        page = client.get(page["next"]).json()
    # then every unit of agency A comes once, in id order
    expected = list(Unit.objects.filter(agency=cast.agency_a).order_by("id").values_list("id"))
    assert seen == [pk for (pk,) in expected]


def test_unauthenticated_request_is_401_structured_with_a_challenge():
    response = APIClient().get(url("unit-list"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["error"]["code"] == "not_authenticated"


def test_unknown_token_is_401_structured():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = client.get(url("me"))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_method_not_allowed_is_405_structured(cast):
    response = client_for(cast.agency_admin).delete(url("unit-detail", cast.unit_a.pk))
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert Unit.objects.filter(pk=cast.unit_a.pk).exists()


def test_malformed_json_is_400_structured(cast):
    response = client_for(cast.agency_admin).generic(
        "POST", url("unit-list"), "{name: ", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_bad_query_parameter_is_400_with_the_field(cast):
    response = client_for(cast.clerk).get(url("person-list"), {"unit": "abc"})
    assert response.status_code == 400
    assert "unit" in response.json()["error"]["fields"]


def test_other_agency_object_is_404_without_its_name(cast):
    response = client_for(cast.outsider).get(url("unit-detail", cast.unit_a.pk))
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Không tìm thấy."}}


# --- The OpenAPI schema ---------------------------------------------------------------------


def test_committed_openapi_schema_matches_the_code(tmp_path):
    # CI runs the same check: spectacular --validate --fail-on-warn, then diff.
    fresh = tmp_path / "openapi.yaml"
    call_command("spectacular", file=str(fresh), validate=True, fail_on_warn=True)
    committed = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"
    assert committed.read_text() == fresh.read_text(), (
        "docs/openapi.yaml is stale: run `uv run python manage.py spectacular "
        "--file docs/openapi.yaml --validate`"
    )


def test_swagger_ui_loads_its_assets_locally_not_from_a_cdn():
    response = APIClient().get("/api/v1/docs/")
    html = response.content.decode()
    assert response.status_code == 200
    bundle = "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"
    assert bundle in html
    assert "cdn.jsdelivr.net" not in html
    assert "unpkg.com" not in html
    assert APIClient().get(bundle).status_code == 200


def test_schema_endpoint_serves_the_organisation_paths():
    response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/units/{id}/", "/api/v1/auth/token/", "/api/v1/me/"} <= set(paths)


def test_person_created_in_another_unit_is_found_by_unit_filter(cast):
    # given a new person holding a role in the office only
    PersonFactory.create(
        username="vanthu2.a", agency=cast.agency_a, roles=[Role.CLERK], roles__unit=cast.office_a
    )
    # when filtering by the office
    results = client_for(cast.clerk).get(url("person-list"), {"unit": cast.office_a.pk}).json()
    # then the office's people are listed, not those of the other unit
    assert {p["username"] for p in results["results"]} == {"vanthu.a", "luutru.a", "vanthu2.a"}
