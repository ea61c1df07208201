"""The subject areas API (/api/v1/fields/): list, read, create, change; errors; schema."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from vanthu.core.models import JournalEntry
from vanthu.core.text import unicode_to_tcvn3
from vanthu.registry.fields import FieldData, field_create
from vanthu.registry.models import Field
from vanthu.registry.tests.test_api import api

pytestmark = pytest.mark.django_db

LIST = "registry-api:field-list"
DETAIL = "registry-api:field-detail"


def _state() -> dict[str, Any]:
    return {
        "fields": list(Field.objects.order_by("pk").values()),
        "journal": JournalEntry.objects.count(),
    }


def _a_field(cast: Any, name: str = "Công nghệ thông tin", code: str = "CNTT") -> Field:
    return field_create(actor=cast.actor(cast.clerk), data=FieldData(name=name, code=code))


def _error(response: Any) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["error"]
    return error


@pytest.mark.parametrize("persona", ["clerk", "agency_admin"])
def test_clerks_and_admins_create_a_field_in_their_agency(cast, persona):
    # given a clerk or the admin of A with a token
    client = api(getattr(cast, persona))
    # when they create a field written in decomposed Unicode
    response = client.post(
        reverse(LIST),
        {"name": unicodedata.normalize("NFD", "Bưu chính, viễn thông"), "code": "BCVT"},
        format="json",
    )
    # then it is A's, stored as NFC, and returned
    assert response.status_code == 201, response.content
    body = response.json()
    assert body == {
        "id": body["id"],
        "agency": cast.agency_a.pk,
        "name": "Bưu chính, viễn thông",
        "code": "BCVT",
        "is_active": True,
    }
    assert Field.objects.get(pk=body["id"]).name == "Bưu chính, viễn thông"
    assert JournalEntry.objects.filter(
        action="registry.field.create",
        object_id=str(body["id"]),
        actor_id=getattr(cast, persona).pk,
    ).exists()


def test_tcvn3_input_is_converted(cast):
    # given the clerk of A
    # when the name arrives in TCVN3
    response = api(cast.clerk).post(
        reverse(LIST), {"name": unicode_to_tcvn3("Văn hóa, thể thao")}, format="json"
    )
    # then it is stored as Unicode
    assert response.status_code == 201
    assert response.json()["name"] == "Văn hóa, thể thao"


def test_patch_renames_deactivates_and_the_list_follows(cast):
    # given a field of A
    item = _a_field(cast)
    client = api(cast.clerk)
    url = reverse(DETAIL, args=[item.pk])
    # when only the name is patched
    response = client.patch(url, {"name": "Chuyển đổi số"}, format="json")
    # then the name changed and the rest kept its value
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["code"]) == ("Chuyển đổi số", "CNTT")
    # when it is deactivated
    response = client.patch(url, {"is_active": False}, format="json")
    # then it leaves the default list, stays in the full list and is still readable
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    ids = [f["id"] for f in client.get(reverse(LIST)).json()["results"]]
    assert item.pk not in ids
    all_ids = [
        f["id"] for f in client.get(reverse(LIST), {"include_inactive": "true"}).json()["results"]
    ]
    assert item.pk in all_ids
    assert client.get(url).json()["name"] == "Chuyển đổi số"
    actions = JournalEntry.objects.filter(object_id=str(item.pk)).values_list("action", flat=True)
    assert list(actions).count("registry.field.update") == 2


def test_a_duplicate_is_409_with_the_field_named(cast):
    # given A's "Công nghệ thông tin" and "Tài chính"
    _a_field(cast)
    other = _a_field(cast, name="Tài chính", code="TC")
    client = api(cast.clerk)
    before = _state()
    # when the same name is created in capitals without diacritics, or another renamed onto it
    created = client.post(reverse(LIST), {"name": "CONG NGHE THONG TIN"}, format="json")
    renamed = client.patch(
        reverse(DETAIL, args=[other.pk]), {"name": "công nghệ thông tin"}, format="json"
    )
    # then both are conflicts naming the field, and nothing changed
    for response in (created, renamed):
        assert response.status_code == 409
        assert _error(response)["code"] == "conflict"
        assert _error(response)["fields"]["name"] == [
            "Đã có lĩnh vực “Công nghệ thông tin” (trùng tên, không kể hoa thường và dấu)."
        ]
    assert _state() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 151}, "name"),
        ({"name": "Tài chính", "code": "C" * 21}, "code"),
        ({"code": "TC"}, "name"),
        ({"name": "Tài chính", "is_active": "có lẽ"}, "is_active"),
    ],
)
def test_bad_bodies_are_400_with_the_field_named(cast, body, field):
    # given the clerk of A
    before = _state()
    # when a bad body is sent
    response = api(cast.clerk).post(reverse(LIST), body, format="json")
    # then the structured error names the field, and nothing is stored
    assert response.status_code == 400
    assert _error(response)["code"] == "invalid"
    assert field in _error(response)["fields"]
    assert _state() == before


@pytest.mark.parametrize("persona", ["specialist", "leader", "unit_head", "archivist"])
def test_other_staff_read_but_get_403_on_writes(cast, persona):
    # given a field of A and a staff member of A who is not a clerk or admin
    item = _a_field(cast)
    client = api(getattr(cast, persona))
    before = _state()
    # when they read it
    assert client.get(reverse(DETAIL, args=[item.pk])).status_code == 200
    # when they create or change a field, even with a bad body
    created = client.post(reverse(LIST), {"name": ""}, format="json")
    patched = client.patch(reverse(DETAIL, args=[item.pk]), {"name": "X"}, format="json")
    # then both are refused before the body is read, and nothing changed
    for response in (created, patched):
        assert response.status_code == 403
        assert _error(response)["code"] == "permission_denied"
    assert _state() == before


@pytest.mark.parametrize("persona", ["outsider", "outsider_admin"])
def test_another_agencys_people_get_404(cast, persona):
    # given a field of A and a person of B
    item = _a_field(cast)
    client = api(getattr(cast, persona))
    before = _state()
    # when they read or change it
    read = client.get(reverse(DETAIL, args=[item.pk]))
    patched = client.patch(reverse(DETAIL, args=[item.pk]), {"name": "Của B"}, format="json")
    # then it is not found, and nothing changed
    for response in (read, patched):
        assert response.status_code == 404
        assert _error(response)["code"] == "not_found"
    assert _state() == before


def test_a_system_admin_without_an_agency_cannot_create(cast):
    # given the system administrator, who acts for no agency
    before = _state()
    # when they create a field
    response = api(cast.system_admin).post(reverse(LIST), {"name": "Tài chính"}, format="json")
    # then it is refused: there is no agency to put it in
    assert response.status_code == 403
    assert _state() == before


def test_anonymous_callers_get_401(cast):
    # given no credentials
    from rest_framework.test import APIClient

    # when the list is asked for
    response = APIClient().get(reverse(LIST))
    # then it is 401 with the structured error
    assert response.status_code == 401
    assert "code" in _error(response)


def test_the_schema_documents_create_and_patch_with_their_errors():
    # given the generated OpenAPI schema
    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    # when the fields operations are looked up
    create = paths["/api/v1/fields/"]["post"]
    patch = paths["/api/v1/fields/{id}/"]["patch"]
    # then they have a summary, a tag, a request body and every error response
    for operation, errors in ((create, {"400", "401", "403", "409"}), (patch, {"400", "404"})):
        assert operation["summary"]
        assert operation["tags"] == ["Registers"]
        assert "requestBody" in operation
        assert errors <= set(operation["responses"])
    assert "put" not in paths["/api/v1/fields/{id}/"]
    assert "delete" not in paths["/api/v1/fields/{id}/"]
