"""The registers API: configuring the series, and the printable register books."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from vanthu.core.models import JournalEntry
from vanthu.registry.choices import RegisterKind
from vanthu.registry.models import Register, RegisterCounter
from vanthu.registry.tests.test_api import api
from vanthu.registry.tests.test_api_isolation import document_type
from vanthu.registry.tests.test_registers import _issue
from vanthu.reports.tests.test_registers_export import (
    _incoming,
    _local,
    _outgoing,
    _pdf_text,
    _register,
    _xlsx_rows,
)

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOV_2026 = datetime(2026, 11, 20, 10, 0, tzinfo=HCM)


def _state() -> dict[str, Any]:
    return {
        "registers": list(Register.objects.order_by("pk").values()),
        "types": list(Register.document_types.through.objects.order_by("pk").values()),
        "counters": list(RegisterCounter.objects.order_by("pk").values()),
        "journal": JournalEntry.objects.count(),
    }


def _giay_moi_body() -> dict[str, Any]:
    return {
        "kind": "outgoing",
        "name": "Sổ Giấy mời",
        "document_types": [document_type("giay-moi").pk],
    }


def _general_outgoing(cast: Any) -> Register:
    return Register.objects.get(agency=cast.agency_a, name="Sổ văn bản đi")


# --- Configuring the registers -----------------------------------------------------------------


def test_clerk_adds_a_series_renames_and_closes_it_through_the_api(cast):
    client = api(cast.clerk)
    url = reverse("registry-api:register-list")
    # when the clerk adds a register for Giấy mời
    created = client.post(
        url,
        _giay_moi_body(),
        format="json",
    )
    # then it is agency A's, lists its type, and is journalled
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["agency"], data["kind"], data["is_active"]) == (cast.agency_a.pk, "outgoing", True)
    assert data["document_types"] == [document_type("giay-moi").pk]
    detail = reverse("registry-api:register-detail", args=(data["id"],))
    assert api(cast.specialist).get(detail).json()["name"] == "Sổ Giấy mời"
    # when they rename it, then close it (no number given this year)
    renamed = client.patch(detail, {"name": "Sổ Giấy mời họp"}, format="json")
    closed = client.patch(detail, {"is_active": False}, format="json")
    assert renamed.status_code == 200, renamed.content
    assert closed.status_code == 200, closed.content
    assert (closed.json()["name"], closed.json()["is_active"]) == ("Sổ Giấy mời họp", False)
    # then the open list leaves it out and the full list keeps it
    open_ids = [r["id"] for r in client.get(url, {"page_size": 200}).json()["results"]]
    every = client.get(url, {"page_size": 200, "include_inactive": "true"}).json()["results"]
    assert data["id"] not in open_ids
    assert data["id"] in [r["id"] for r in every]
    actions = JournalEntry.objects.filter(
        object_type="registry.register", object_id=str(data["id"])
    )
    assert sorted(actions.values_list("action", flat=True)) == [
        "registry.register.create",
        "registry.register.update",
        "registry.register.update",
    ]


def test_a_move_that_breaks_the_years_series_is_409_and_changes_nothing(cast):
    with time_machine.travel(NOV_2026, tick=False):
        # given a Giấy mời register that numbered a document this year
        client = api(cast.agency_admin)
        created = client.post(
            reverse("registry-api:register-list"),
            _giay_moi_body(),
            format="json",
        )
        assert created.status_code == 201, created.content
        _issue(cast, "giay-moi")
        before = _state()
        # when the administrator closes it, or adds Thông báo to the general register
        detail = reverse("registry-api:register-detail", args=(created.json()["id"],))
        closing = client.patch(detail, {"is_active": False}, format="json")
        general = reverse("registry-api:register-detail", args=(_general_outgoing(cast).pk,))
        typing = client.patch(
            general, {"document_types": [document_type("thong-bao").pk]}, format="json"
        )
    # then both are refused with the reason on the field, and nothing changed
    assert closing.status_code == 409, closing.content
    assert closing.json()["error"]["code"] == "conflict"
    assert "is_active" in closing.json()["error"]["fields"]
    assert typing.status_code == 409, typing.content
    assert "document_types" in typing.json()["error"]["fields"]
    assert _state() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "outgoing", "name": "", "document_types": [1]}, "name"),
        ({"kind": "archive", "name": "Sổ lưu", "document_types": [1]}, "kind"),
        ({"kind": "outgoing", "name": "Sổ trống", "document_types": []}, "document_types"),
        ({"kind": "outgoing", "name": "Sổ lạ", "document_types": [987654]}, "document_types"),
        ({"kind": "outgoing", "name": "Sổ lạ"}, "document_types"),
    ],
    ids=["empty-name", "unknown-kind", "no-type", "unknown-type", "missing-types"],
)
def test_bad_bodies_are_400_with_the_field_named(cast, body, field):
    before = _state()
    response = api(cast.clerk).post(reverse("registry-api:register-list"), body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert _state() == before


@pytest.mark.parametrize("persona", ["specialist", "leader", "archivist"])
def test_other_staff_read_registers_but_get_403_on_writes(cast, persona):
    client = api(getattr(cast, persona))
    general = _general_outgoing(cast)
    before = _state()
    assert (
        client.get(reverse("registry-api:register-detail", args=(general.pk,))).status_code == 200
    )
    created = client.post(
        reverse("registry-api:register-list"),
        _giay_moi_body(),
        format="json",
    )
    patched = client.patch(
        reverse("registry-api:register-detail", args=(general.pk,)),
        {"name": "Sổ khác"},
        format="json",
    )
    assert (created.status_code, patched.status_code) == (403, 403)
    assert _state() == before


# --- The printable register books --------------------------------------------------------------


def _book(client: Any, register: Register, **query: Any) -> Any:
    params = {"book": "outgoing", "date_from": "2026-11-01", "date_to": "2026-11-30"}
    params.update(query)
    return client.get(reverse("registry-api:register-book", args=(register.pk,)), params)


def test_a_clerk_downloads_the_outgoing_book_as_pdf_and_xlsx_streamed(cast):
    # given agency A's outgoing register with two issued documents in November
    register = _register(cast.agency_a, RegisterKind.OUTGOING)
    _outgoing(register, cast.clerk, 7)
    _outgoing(register, cast.clerk, 8)
    client = api(cast.clerk)
    # when the clerk downloads November's book in both formats
    pdf = _book(client, register, file_format="pdf")
    xlsx = _book(client, register, file_format="xlsx")
    # then both are streamed downloads named after the month, with the book's rows
    assert pdf.status_code == 200
    assert pdf.streaming
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="so-van-ban-di-2026-11.pdf"'
    assert pdf["Cache-Control"] == "private, no-store"
    text = _pdf_text(pdf.getvalue())[1]
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in text
    assert "07/STTTT-VP" in text
    assert "08/STTTT-VP" in text
    assert xlsx.status_code == 200
    assert xlsx.streaming
    assert xlsx["Content-Disposition"] == 'attachment; filename="so-van-ban-di-2026-11.xlsx"'
    _sheet, rows = _xlsx_rows(xlsx.getvalue())
    assert [row[0] for row in rows[4:]] == ["07/STTTT-VP", "08/STTTT-VP"]


def test_the_incoming_and_tracking_books_of_any_period(cast):
    # given incoming documents received in October and November
    register = _register(cast.agency_a)
    october = _incoming(register, cast.clerk, _local(2026, 10, 20, 9, 0))
    november = _incoming(register, cast.clerk, _local(2026, 11, 3, 9, 0))
    client = api(cast.leader)
    # when the leader prints both months of the incoming and tracking books
    period = {"date_from": "2026-10-01", "date_to": "2026-11-30", "file_format": "xlsx"}
    incoming = _book(client, register, book="incoming", **period)
    tracking = _book(client, register, book="tracking", **period)
    # then both list both documents by their arrival numbers
    assert incoming.status_code == 200
    assert incoming["Content-Disposition"].endswith(
        'filename="so-van-ban-den-2026-10-01-den-2026-11-30.xlsx"'
    )
    arrivals = [row[1] for row in _xlsx_rows(incoming.getvalue())[1][4:]]
    assert arrivals == [october.arrival_number, november.arrival_number]
    assert tracking.status_code == 200
    numbers = [row[0] for row in _xlsx_rows(tracking.getvalue())[1][4:]]
    assert numbers == [october.arrival_number, november.arrival_number]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"book": "incoming"}, "register"),
        ({"date_from": "2026-11-30", "date_to": "2026-11-01"}, "date_to"),
        ({"book": "annual"}, "book"),
        ({"file_format": "docx"}, "file_format"),
        ({"date_from": "30/11/2026"}, "date_from"),
    ],
    ids=[
        "wrong-book-for-register",
        "period-backwards",
        "unknown-book",
        "unknown-format",
        "bad-date",
    ],
)
def test_bad_book_requests_are_400_with_the_field_named(cast, query, field):
    register = _register(cast.agency_a, RegisterKind.OUTGOING)
    response = _book(api(cast.clerk), register, **query)
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("persona", "status", "page_status"),
    [
        ("clerk", 200, 200),
        ("leader", 200, 200),
        ("archivist", 200, 200),
        # The page prints the acting agency's books; a system administrator acts for none.
        ("system_admin", 200, 403),
        ("specialist", 403, 403),
        ("unit_head", 403, 403),
        ("agency_admin", 403, 403),
        ("outsider", 404, 404),
        # The page refuses someone who prints no book at all before it looks at the register.
        ("outsider_admin", 404, 403),
    ],
)
def test_the_book_follows_the_pages_rules(cast, client, persona, status, page_status):
    # given agency A's outgoing register
    register = _register(cast.agency_a, RegisterKind.OUTGOING)
    person = getattr(cast, persona)
    query = {
        "mau_so": "outgoing",
        "so": register.pk,
        "tu_ngay": "2026-11-01",
        "den_ngay": "2026-11-30",
        "dinh_dang": "pdf",
    }
    # when the persona asks the API and the printout page
    response = _book(api(person), register)
    # then the API lets through exactly whom the page lets through
    assert response.status_code == status
    if status != 200:
        assert (
            response.json()["error"]["code"] == {403: "permission_denied", 404: "not_found"}[status]
        )
    client.force_login(person)
    assert client.get("/van-ban/in-so/tai/", query).status_code == page_status


def test_the_schema_documents_the_book_as_pdf_or_xlsx():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/registers/{id}/book/"]["get"]
    content = operation["responses"]["200"]["content"]
    assert set(content) == {
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    names = {p["name"] for p in operation["parameters"]}
    assert {"book", "date_from", "date_to", "file_format"} <= names
    assert {"403", "404"} <= set(operation["responses"])
