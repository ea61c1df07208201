"""The exchange API: the queue, a reception with its prefilled fields, receive, return, files,
take-back decisions and the sender's view of its deliveries."""

from __future__ import annotations

import hashlib

import pytest

from vanthu.core.models import JournalEntry
from vanthu.exchange import services as x
from vanthu.exchange.choices import ReceptionState, StatusCode
from vanthu.exchange.models import ChangeRequest, Delivery, Reception
from vanthu.exchange.tests.scenarios import api_client, issue, pdf_bytes, reception_of, revoke
from vanthu.registry import incoming
from vanthu.registry.choices import IntakeChannel
from vanthu.registry.models import IncomingDocument

pytestmark = pytest.mark.django_db

API = "/api/v1"


def test_the_queue_lists_awaiting_first_and_filters_by_state(cast):
    # given one received and two awaiting documents for B
    received = reception_of(issue(cast, summary="V/v đã nhận"))
    x.reception_receive(actor=cast.actor(cast.outsider), reception_id=received.pk)
    urgent = reception_of(issue(cast, summary="V/v khẩn", urgency="urgent"))
    latest = reception_of(issue(cast, summary="V/v mới nhất"))
    api = api_client(cast.outsider)
    # when B's clerk lists the queue
    body = api.get(f"{API}/receptions/").json()
    # then awaiting ones come first, newest first, with the sender's metadata
    assert [r["id"] for r in body["results"]] == [latest.pk, urgent.pk, received.pk]
    assert body["next_cursor"] is None
    second = body["results"][1]
    assert second["document"]["urgency"] == "urgent"
    assert second["document"]["summary"] == "V/v khẩn"
    assert second["sender"] == cast.agency_a.pk
    assert body["results"][2]["arrival_number"] == IncomingDocument.objects.get().arrival_number
    # when filtering by state, then only those
    awaiting = api.get(f"{API}/receptions/", {"state": "awaiting"}).json()["results"]
    assert {r["id"] for r in awaiting} == {latest.pk, urgent.pk}
    # a page of one continues with the cursor
    page = api.get(f"{API}/receptions/", {"page_size": 1}).json()
    rest = api.get(f"{API}/receptions/", {"page_size": 2, "after": page["next_cursor"]}).json()
    assert [r["id"] for r in rest["results"]] == [urgent.pk, received.pk]
    # an unknown state is a 400 in the API's format
    response = api.get(f"{API}/receptions/", {"state": "lost"})
    assert response.status_code == 400
    assert "state" in response.json()["error"]["fields"]


def test_a_reception_comes_with_its_files_and_prefilled_fields(cast):
    document = issue(cast)
    reception = reception_of(document)
    body = api_client(cast.outsider).get(f"{API}/receptions/{reception.pk}/").json()
    (stored,) = body["files"]
    assert stored["is_main"]
    assert stored["signature_status"] == ""
    assert stored["signature_summary"] is None
    prefill = body["prefill"]
    assert prefill["sender_agency"] == cast.agency_a.pk
    assert prefill["summary"] == document.summary
    assert prefill["notation"] == document.notation
    assert prefill["document_date"] == document.document_date.isoformat()
    assert body["document"]["to_places"]


def test_a_file_s_content_is_the_bytes_that_arrived(cast):
    content = pdf_bytes(3)
    reception = reception_of(issue(cast, files=[("cong-van.pdf", content)]))
    stored = reception.files.get()
    api = api_client(cast.outsider)
    response = api.get(f"{API}/receptions/{reception.pk}/files/{stored.pk}/content/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "application/pdf"
    other = reception_of(issue(cast))
    response = api.get(f"{API}/receptions/{other.pk}/files/{stored.pk}/content/")
    assert response.status_code == 404
    assert hashlib.sha256(content).hexdigest() == stored.sha256


def test_receive_with_corrections_registers_and_reports_03(cast):
    reception = reception_of(issue(cast))
    api = api_client(cast.outsider)
    response = api.post(
        f"{API}/receptions/{reception.pk}/receive/",
        {"summary": "V/v cung cấp số liệu (sửa)", "page_count": 3},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == ReceptionState.RECEIVED
    received = IncomingDocument.objects.get(pk=body["incoming"])
    assert body["arrival_number"] == received.arrival_number
    assert (received.summary, received.page_count) == ("V/v cung cấp số liệu (sửa)", 3)
    assert received.sender_agency_id == cast.agency_a.pk
    assert Delivery.objects.get().status_code == StatusCode.REGISTERED
    # a second receive is a conflict
    again = api.post(f"{API}/receptions/{reception.pk}/receive/", {}, format="json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "invalid_transition"


def test_receive_reports_invalid_corrections_under_the_api_s_names(cast):
    reception = reception_of(issue(cast))
    response = api_client(cast.outsider).post(
        f"{API}/receptions/{reception.pk}/receive/", {"document_type": 999999}, format="json"
    )
    assert response.status_code == 400
    assert "document_type" in response.json()["error"]["fields"]
    # the sender hosted here is the agency the document came from: not the caller's to rename
    response = api_client(cast.outsider).post(
        f"{API}/receptions/{reception.pk}/receive/", {"sender_name": "Ai đó"}, format="json"
    )
    assert response.status_code == 400
    assert "sender_name" in response.json()["error"]["fields"]
    assert Reception.objects.get().state == ReceptionState.AWAITING


def test_a_possible_duplicate_is_409_until_confirmed(cast):
    reception = reception_of(issue(cast))
    incoming.incoming_document_register(
        actor=cast.actor(cast.outsider),
        data=x.reception_data(reception),
        files=[("thu.pdf", pdf_bytes())],
        channel=IntakeChannel.ELECTRONIC,
    )
    api = api_client(cast.outsider)
    url = f"{API}/receptions/{reception.pk}/receive/"
    response = api.post(url, {}, format="json")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "duplicate"
    assert error["fields"]["duplicates"]
    response = api.post(url, {"confirm_duplicate": True}, format="json")
    assert response.status_code == 200
    assert IncomingDocument.objects.filter(agency=cast.agency_b).count() == 2


def test_return_needs_a_reason(cast):
    reception = reception_of(issue(cast))
    api = api_client(cast.outsider)
    url = f"{API}/receptions/{reception.pk}/return/"
    response = api.post(url, {"reason": " "}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]
    response = api.post(url, {"reason": "Gửi nhầm cơ quan."}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == ReceptionState.RETURNED
    assert Delivery.objects.get().status_code == StatusCode.RETURNED


def test_a_take_back_is_decided_through_the_api(cast):
    document = issue(cast)
    reception = reception_of(document)
    revoke(cast, document)
    change = ChangeRequest.objects.get()
    api = api_client(cast.outsider)
    detail = api.get(f"{API}/receptions/{reception.pk}/").json()
    assert detail["has_pending_request"] is True
    assert [c["id"] for c in detail["change_requests"]] == [change.pk]
    url = f"{API}/change-requests/{change.pk}/decide/"
    journal = JournalEntry.objects.count()
    response = api.post(url, {"accept": False}, format="json")
    assert response.status_code == 400
    assert "note" in response.json()["error"]["fields"]
    assert JournalEntry.objects.count() == journal
    response = api.post(url, {"accept": True}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == "accepted"
    assert Reception.objects.get().state == ReceptionState.REVOKED
    assert api.post(url, {"accept": True}, format="json").status_code == 409


def test_the_sender_lists_each_recipient_s_status_and_history(cast):
    document = issue(cast)
    x.reception_return(
        actor=cast.actor(cast.outsider),
        reception_id=reception_of(document).pk,
        reason="Không thuộc thẩm quyền.",
    )
    body = api_client(cast.clerk).get(f"{API}/outgoing-documents/{document.pk}/deliveries/").json()
    (delivery,) = body["results"]
    assert delivery["recipient"] == cast.agency_b.pk
    assert (delivery["route"], delivery["state"]) == ("local", "delivered")
    assert (delivery["status_code"], delivery["status_label"]) == ("02", "Từ chối tiếp nhận")
    assert delivery["status_description"] == "Không thuộc thẩm quyền."
    assert [e["code"] for e in delivery["events"]] == ["01", "02"]
    # the recipient cannot read the sender's document
    response = api_client(cast.outsider).get(f"{API}/outgoing-documents/{document.pk}/deliveries/")
    assert response.status_code == 404
