"""The registers API: registration with files, duplicates, paper copies, lists, issuing, sending."""

from __future__ import annotations

import hashlib
import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from vanthu.core.models import JournalEntry
from vanthu.registry.choices import Purpose
from vanthu.registry.models import (
    DocumentFile,
    ExchangePolicyRule,
    IncomingDocument,
    OutgoingDocument,
)
from vanthu.registry.tests.test_api_isolation import (
    create_outgoing,
    document_type,
    issue_outgoing,
    pdf_bytes,
    register_incoming,
    state,
)

pytestmark = pytest.mark.django_db

OFFSET = re.compile(r"T\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d$")


def api(person: Any) -> APIClient:
    """Return a client signed in with `person`'s token."""
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=person)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def png_bytes() -> bytes:
    """Return a small PNG image, as a scanner would produce a page."""
    buffer = io.BytesIO()
    Image.new("RGB", (200, 280), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def registration(**overrides: Any) -> dict[str, Any]:
    """Return a valid multipart registration body with one PDF, with `overrides`."""
    body: dict[str, Any] = {
        "channel": "electronic",
        "uploads": [SimpleUploadedFile("cong-van-125.pdf", pdf_bytes(2), "application/pdf")],
        "sender_name": "Ủy ban nhân dân thành phố Nha Trang",
        "number": "125",
        "notation": "UBND-VP",
        "document_date": "2026-11-20",
        "document_type": document_type("cong-van").pk,
        "summary": "V/v báo cáo kết quả chuyển đổi số năm 2026",
        "urgency": "urgent",
    }
    body.update(overrides)
    return body


def journal_actions(model: type[Any], object_id: int) -> list[str]:
    """Return the journal actions recorded about one object, oldest first."""
    return list(
        JournalEntry.objects.filter(object_type=model._meta.label_lower, object_id=str(object_id))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_clerk_registers_an_electronic_pdf_stored_byte_for_byte(cast):
    # given a PDF sent by another agency
    original = pdf_bytes(2)
    body = registration(
        uploads=[SimpleUploadedFile("cong-van-125.pdf", original, "application/pdf")]
    )
    # when the clerk registers it through the API
    response = api(cast.clerk).post(
        reverse("registry-api:incoming-document-list"), body, format="multipart"
    )
    # then it gets the first arrival number, both legal times with their offset, and a journal row
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["arrival_number"] == 1
    assert data["channel"] == "electronic"
    assert data["number_notation"] == "125/UBND-VP"
    assert OFFSET.search(data["entered_at"])
    assert OFFSET.search(data["received_at"])
    assert data["entered_at"].endswith("+07:00")
    assert journal_actions(IncomingDocument, data["id"])
    # and the stored file is the original, served back with its content type
    [stored] = data["files"]
    assert stored["role"] == "original"
    assert stored["sha256"] == hashlib.sha256(original).hexdigest()
    content = api(cast.specialist).get(
        reverse("registry-api:incoming-document-file-content", args=(data["id"], stored["id"]))
    )
    assert content.status_code == 200
    assert content["Content-Type"] == "application/pdf"
    assert b"".join(content.streaming_content) == original


def test_clerk_registers_a_paper_scan_as_one_pdf(cast):
    # given two scanned pages: an image and a one-page PDF
    pages = [
        SimpleUploadedFile("trang-1.png", png_bytes(), "image/png"),
        SimpleUploadedFile("trang-2.pdf", pdf_bytes(1), "application/pdf"),
    ]
    # when the clerk registers them as a paper document
    response = api(cast.clerk).post(
        reverse("registry-api:incoming-document-list"),
        registration(channel="paper_scan", uploads=pages),
        format="multipart",
    )
    # then one PDF of two pages is stored as the scan
    assert response.status_code == 201, response.content
    [stored] = response.json()["files"]
    assert stored["role"] == "scan"
    assert stored["content_type"] == "application/pdf"
    assert stored["page_count"] == 2


def test_a_file_that_is_not_what_its_name_says_is_refused_and_nothing_stored(cast):
    # given a "PDF" that is really a PNG image
    fake = SimpleUploadedFile("bao-cao.pdf", png_bytes(), "application/pdf")
    before = state()
    # when the clerk uploads it
    response = api(cast.clerk).post(
        reverse("registry-api:incoming-document-list"),
        registration(uploads=[fake]),
        format="multipart",
    )
    # then a structured 400 says what is wrong, and nothing was stored
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["message"]
    assert error["fields"]["uploads"]
    assert state() == before


def test_an_empty_upload_is_refused_and_nothing_stored(cast):
    # given an empty file
    empty = SimpleUploadedFile("trong.pdf", b"", "application/pdf")
    before = state()
    # when the clerk uploads it
    response = api(cast.clerk).post(
        reverse("registry-api:incoming-document-list"),
        registration(uploads=[empty]),
        format="multipart",
    )
    # then it is refused with a structured error on the uploads, and nothing changes
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "invalid"
    assert "uploads" in response.json()["error"]["fields"]
    assert state() == before


def test_registering_without_files_is_a_field_error(cast):
    # when the clerk sends no file at all
    response = api(cast.clerk).post(
        reverse("registry-api:incoming-document-list"),
        {k: v for k, v in registration().items() if k != "uploads"},
        format="multipart",
    )
    # then the missing field is named
    assert response.status_code == 400
    assert "uploads" in response.json()["error"]["fields"]


def test_a_duplicate_is_409_with_the_existing_ids_until_confirmed(cast):
    # given a document already registered from the same sender, number and date
    existing = register_incoming(
        cast, sender_name="Ủy ban nhân dân thành phố Nha Trang", number="125", notation="UBND-VP"
    )
    client = api(cast.clerk)
    url = reverse("registry-api:incoming-document-list")
    before = state()
    # when the clerk registers it again
    response = client.post(url, registration(), format="multipart")
    # then the API answers 409 naming the existing document, and stores nothing
    assert response.status_code == 409, response.content
    error = response.json()["error"]
    assert str(existing.pk) in error["fields"]["duplicates"]
    assert error["message"]
    assert state() == before
    # when the clerk confirms the duplicate
    confirmed = client.post(url, registration(confirm_duplicate="true"), format="multipart")
    # then it is registered with the next number
    assert confirmed.status_code == 201, confirmed.content
    assert confirmed.json()["arrival_number"] == existing.arrival_number + 1


def test_the_paper_copy_is_recorded_once_on_the_existing_record(cast):
    # given an electronic document of Article 5
    document = register_incoming(cast)
    client = api(cast.clerk)
    url = reverse("registry-api:incoming-document-paper-copy", args=(document.pk,))
    # when the clerk records that its paper copy arrived
    response = client.post(url)
    # then the record is marked, no second record is created, and the journal says so
    assert response.status_code == 200, response.content
    assert OFFSET.search(response.json()["paper_received_at"])
    assert response.json()["paper_received_by"] == cast.clerk.pk
    assert IncomingDocument.objects.count() == 1
    assert len(journal_actions(IncomingDocument, document.pk)) == 2
    # when the clerk records it a second time
    before = state()
    again = client.post(url)
    # then it is refused with a structured error and nothing changes
    assert again.status_code in (400, 409), again.content
    assert again.json()["error"]["message"]
    assert state() == before


def test_incoming_list_filters_and_pages_by_keyset(cast):
    # given three documents, one of them about budgets
    summaries = ("V/v dự toán ngân sách", "V/v chuyển đổi số", "V/v an toàn thông tin")
    for number, summary in enumerate(summaries, start=1):
        register_incoming(cast, summary=summary, number=str(number))
    client = api(cast.leader)
    url = reverse("registry-api:incoming-document-list")
    # when the leader pages two at a time
    first = client.get(url, {"page_size": 2}).json()
    second = client.get(url, {"page_size": 2, "after": first["next_cursor"]}).json()
    # then the pages hold every document once, newest first, and the last page ends
    ids = [d["id"] for d in first["results"] + second["results"]]
    assert len(first["results"]) == 2
    assert first["next_cursor"]
    assert second["next_cursor"] is None
    assert sorted(ids, reverse=True) == ids
    assert len(set(ids)) == 3
    # and a search finds the budget document only
    found = client.get(url, {"q": "ngân sách"}).json()["results"]
    assert [d["summary"] for d in found] == ["V/v dự toán ngân sách"]


def test_a_file_is_not_served_under_another_document(cast):
    # given two documents with their files
    first = register_incoming(cast, number="1")
    second = register_incoming(cast, number="2")
    other_file = DocumentFile.objects.get(incoming=second)
    # when the file of the second is asked for under the first
    response = api(cast.clerk).get(
        reverse("registry-api:incoming-document-file-content", args=(first.pk, other_file.pk))
    )
    # then it is not found
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_clerk_issues_a_cong_van_with_its_notation_and_vbdt_marking(cast):
    client = api(cast.clerk)
    # given a Công văn entered by the clerk through the API
    created = client.post(
        reverse("registry-api:outgoing-document-list"),
        {
            "document_type": document_type("cong-van").pk,
            "drafting_unit": cast.office_a.pk,
            "summary": "V/v triển khai chữ ký số",
            # Coordination between agencies: electronic only (QĐ 22 Điều 4.1.b).
            "purpose": "coordination",
            "recipients": [
                {"agency": cast.agency_b.pk},
                {"place": "Lưu: VT, VP", "is_filing_copy": True},
            ],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    document_id = created.json()["id"]
    assert created.json()["number"] is None
    # when the clerk corrects its summary and issues it
    patched = client.patch(
        reverse("registry-api:outgoing-document-detail", args=(document_id,)),
        {"summary": "V/v triển khai chữ ký số chuyên dùng"},
        format="json",
    )
    assert patched.status_code == 200, patched.content
    issued = client.post(
        reverse("registry-api:outgoing-document-issue", args=(document_id,)), {}, format="json"
    )
    # then it has the first number, the notation of agency and unit, and "(VBĐT)" recipients
    assert issued.status_code == 200, issued.content
    data = issued.json()
    assert data["summary"] == "V/v triển khai chữ ký số chuyên dùng"
    assert data["number_notation"] == "01/STTTT-VP"
    assert data["status"] == "issued"
    assert data["exchange_mode"] == "electronic_only"
    agency_line, filing_line = data["recipients_display"]
    assert "(VBĐT)" in agency_line
    assert cast.agency_b.name in agency_line
    assert "VBĐT" not in filing_line
    assert journal_actions(OutgoingDocument, document_id)


def test_issuing_twice_is_409_invalid_transition_and_changes_nothing(cast):
    # given an issued document
    document = issue_outgoing(cast, create_outgoing(cast))
    before = state()
    # when the clerk issues it again
    response = api(cast.clerk).post(
        reverse("registry-api:outgoing-document-issue", args=(document.pk,)), {}, format="json"
    )
    # then the API refuses and the number stays
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_transition"
    assert state() == before


def test_an_issued_document_cannot_be_edited(cast):
    # given an issued document
    document = issue_outgoing(cast, create_outgoing(cast))
    before = state()
    # when the clerk tries to change its summary
    response = api(cast.clerk).patch(
        reverse("registry-api:outgoing-document-detail", args=(document.pk,)),
        {"summary": "Trích yếu khác"},
        format="json",
    )
    # then it is refused and nothing changed
    assert response.status_code == 409, response.content
    assert state() == before


def test_sending_an_article_5_document_creates_a_paper_task_the_clerk_completes(cast):
    # given an issued submission to the Provincial People's Committee (Điều 5.2)
    document = issue_outgoing(cast, create_outgoing(cast, purpose=Purpose.TO_PROVINCIAL_LEADERSHIP))
    client = api(cast.clerk)
    # when the clerk confirms it was sent
    sent = client.post(
        reverse("registry-api:outgoing-document-sent", args=(document.pk,)),
        {"sent_at": "2026-11-24T09:30:00+07:00"},
        format="json",
    )
    # then the sent time is stored with its offset and a paper-dispatch task is due
    assert sent.status_code == 200, sent.content
    assert sent.json()["sent_at"] == "2026-11-24T09:30:00+07:00"
    tasks = client.get(reverse("registry-api:paper-dispatch-task-list")).json()["results"]
    [task] = [t for t in tasks if t["document"] == document.pk]
    assert task["done_at"] is None
    assert OFFSET.search(task["due_at"])
    # when the clerk ticks it off
    done = client.post(reverse("registry-api:paper-dispatch-task-complete", args=(task["id"],)))
    # then it is done, by the clerk
    assert done.status_code == 200, done.content
    assert done.json()["done_by"] == cast.clerk.pk
    assert OutgoingDocument.objects.get(pk=document.pk).paper_dispatch.done_at is not None


def test_agency_admin_adds_a_policy_line(cast):
    # when agency A's administrator adds a line to the exchange policy
    response = api(cast.agency_admin).post(
        reverse("registry-api:exchange-policy-rule-list"),
        {
            "document_type": document_type("ke-hoach").pk,
            "mode": "electronic_only",
            "legal_basis": "QĐ 22/2017 Điều 4.2",
            "priority": 220,
        },
        format="json",
    )
    # then it is stored in A's table and journalled
    assert response.status_code == 201, response.content
    assert response.json()["agency"] == cast.agency_a.pk
    rules = api(cast.leader).get(
        reverse("registry-api:exchange-policy-rule-list"), {"page_size": 200}
    )
    assert response.json()["id"] in [r["id"] for r in rules.json()["results"]]
    assert journal_actions(ExchangePolicyRule, response.json()["id"])


def test_incoming_pages_seek_without_offset_or_count(cast):
    # given more documents than one page holds
    for number in range(1, 4):
        register_incoming(cast, number=str(number))
    client = api(cast.clerk)
    url = reverse("registry-api:incoming-document-list")
    first = client.get(url, {"page_size": 1}).json()
    # when the next page is asked for
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"page_size": 1, "after": first["next_cursor"]})
    # then the database seeks to the page: no OFFSET, no COUNT over the register
    assert response.status_code == 200
    sql = " ".join(q["sql"].upper() for q in queries.captured_queries)
    assert "OFFSET" not in sql
    assert "COUNT(" not in sql
    assert response.json()["results"][0]["id"] != first["results"][0]["id"]


def test_a_forged_cursor_is_a_structured_400(cast):
    # when a client sends a cursor it did not get from the API
    response = api(cast.clerk).get(
        reverse("registry-api:incoming-document-list"), {"after": "pas-un-curseur"}
    )
    # then the error names the parameter
    assert response.status_code == 400
    assert "after" in response.json()["error"]["fields"]


def test_an_impossible_date_is_reported_under_the_api_field_name(cast):
    # given a document dated in the future and due before that date
    before = state()
    # when the clerk registers it
    response = api(cast.clerk).post(
        reverse("registry-api:incoming-document-list"),
        registration(document_date="2099-01-01", due_date="2098-12-31"),
        format="multipart",
    )
    # then the date is refused by name and nothing is stored
    assert response.status_code == 400, response.content
    assert "document_date" in response.json()["error"]["fields"]
    assert state() == before


def test_the_outgoing_list_is_newest_first(cast):
    # given two outgoing documents entered one after the other
    older = create_outgoing(cast)
    newer = create_outgoing(cast)
    # when the clerk lists the outgoing register
    response = api(cast.clerk).get(reverse("registry-api:outgoing-document-list"))
    # then the newer comes first, with its recipients as printed
    results = response.json()["results"]
    assert [d["id"] for d in results] == [newer.pk, older.pk]
    assert results[0]["recipients_display"]
