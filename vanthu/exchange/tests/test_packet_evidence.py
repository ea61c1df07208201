"""Packets refused from authenticated partners are kept as evidence; the header signature decides.

A packet whose content does not match its XML-DSig signature is refused (400
`signature_invalid`) and kept; one signed by a certificate that does not chain to a trusted
anchor, or unsigned, is accepted and the clerk is warned on the queue, the detail page and in
the API before receiving it. Real packets, signed with a throw-away CA (`pki`).
"""

from __future__ import annotations

import logging
import time
import uuid

import pytest

from vanthu.exchange import edxml
from vanthu.exchange.models import Packet, Reception, RefusedPacket
from vanthu.exchange.tests.pki import issue, make_ca
from vanthu.exchange.tests.scenarios import api_client, reception_of
from vanthu.exchange.tests.scenarios import issue as issue_locally
from vanthu.exchange.tests.test_transport import _document, _post

pytestmark = pytest.mark.django_db

SIGNER = "Văn phòng Chính phủ THỬ NGHIỆM"
WARNING_ABSENT = "Gói tin không có chữ ký số của hệ thống gửi"


@pytest.fixture
def trusted(monkeypatch):
    """Trust the test CA (and only it) for header signatures."""
    anchors = [make_ca()[1]]
    monkeypatch.setattr("vanthu.signatures.trust.trust_roots", lambda: anchors)
    return anchors


def _signed(cast, *, ca_name: str = "Vanthu Test CA") -> bytes:
    return edxml.sign_packet(_document(cast), issue(SIGNER, ca_name=ca_name).signer())


# --- Refused packets kept as evidence -------------------------------------------------------


def test_a_malformed_packet_is_refused_kept_byte_for_byte_and_counted_on_resend(cast, partner):
    raw = b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><edXML/>"
    packet_id = str(uuid.uuid4())
    response = _post(raw, packet_id)
    assert (response.status_code, response.json()["code"]) == (400, "edxml_invalid")
    kept = RefusedPacket.objects.get()
    assert kept.file.open("rb").read() == raw
    assert (kept.partner, str(kept.packet_id), kept.status, kept.code) == (
        partner,
        packet_id,
        400,
        "edxml_invalid",
    )
    assert kept.answer == response.json()
    assert kept.times == 1
    # never a reception, never an accepted packet
    assert not Reception.objects.exists()
    assert not Packet.objects.exists()
    # the sender sends the same bytes again (a new request): counted, not stored twice
    resend = _post(raw, packet_id, stamp=int(time.time()) - 100)  # another request
    assert resend.status_code == 400
    kept.refresh_from_db()
    assert kept.times == 2
    assert RefusedPacket.objects.count() == 1


def test_a_packet_for_an_unknown_recipient_is_kept_with_what_could_be_read(cast, partner):
    raw = _document(cast).replace(
        cast.agency_a.identifier.encode(), b"000.00.99.H34"
    )  # addressed to an agency not hosted here
    response = _post(raw, str(uuid.uuid4()))
    assert (response.status_code, response.json()["code"]) == (404, "unknown_recipient")
    kept = RefusedPacket.objects.get()
    assert (kept.kind, kept.peer, kept.status) == ("document", "000.00.00.G22", 404)
    assert kept.document_id.startswith("000.00.00.G22,")
    assert not Reception.objects.exists()


def test_a_refused_packet_id_stays_free_for_a_corrected_resend(cast, partner):
    packet_id = str(uuid.uuid4())
    assert _post(b"<not-edxml/>", packet_id).status_code == 400
    # the sender corrects the packet and sends it with the same id: it is received
    response = _post(_document(cast), packet_id)
    assert response.status_code == 200, response.content
    assert Reception.objects.count() == 1
    assert RefusedPacket.objects.count() == 1


def test_an_unauthenticated_request_is_logged_but_not_kept(cast, partner, caplog):
    with caplog.at_level(logging.WARNING, logger="vanthu.exchange.api_partner"):
        response = _post(_document(cast), str(uuid.uuid4()), secret="y" * 47)
    assert response.status_code == 401
    assert not RefusedPacket.objects.exists()
    assert "refused unread (not authenticated or replayed): 401 bad_signature" in caplog.text
    assert "vpcp-khanhhoa" in caplog.text


def test_the_system_administrator_sees_refused_packets_and_downloads_their_bytes(
    cast, partner, client
):
    raw = b"<not-edxml/>"
    _post(raw, str(uuid.uuid4()))
    kept = RefusedPacket.objects.get()
    admin = cast.system_admin
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    listing = client.get("/quan-tri-django/exchange/refusedpacket/").content.decode()
    assert "edxml_invalid" in listing
    download = client.get(f"/quan-tri-django/exchange/refusedpacket/{kept.pk}/goi-tin/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == raw
    # a clerk (no access to Django admin) is sent to the login page
    client.force_login(cast.clerk)
    refused = client.get(f"/quan-tri-django/exchange/refusedpacket/{kept.pk}/goi-tin/")
    assert refused.status_code == 302


# --- The header signature -------------------------------------------------------------------


def test_an_altered_signed_packet_is_refused_and_kept(cast, partner, trusted):
    signed = _signed(cast)
    altered = signed.replace(b">7816<", b">7817<", 1)
    assert altered != signed
    response = _post(altered, str(uuid.uuid4()))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "signature_invalid"
    assert "đã bị thay đổi sau khi ký" in body["message"]
    assert "CN=" + SIGNER in body["signature"]["subject"]
    assert body["signature"]["reason"] == "Chữ ký không khớp với nội dung gói tin nhận được"
    kept = RefusedPacket.objects.get()
    assert kept.file.open("rb").read() == altered
    assert kept.signature_report["integrity"] is False
    assert (kept.code, kept.kind) == ("signature_invalid", "document")
    assert not Reception.objects.exists()
    assert not Packet.objects.exists()


def test_a_validly_signed_packet_is_received_without_warning(cast, partner, trusted, client):
    assert _post(_signed(cast), str(uuid.uuid4())).status_code == 200
    reception = Reception.objects.get()
    data = api_client(cast.clerk).get(f"/api/v1/receptions/{reception.pk}/").json()
    assert data["packet_signature"]["status"] == "valid"
    assert data["packet_signature"]["is_warning"] is False
    client.force_login(cast.clerk)
    page = client.get(f"/lien-thong/den/{reception.pk}/").content.decode()
    assert "Gói tin ký số hợp lệ" in page
    assert 'id="chu-ky-goi-tin"' not in page


def test_a_packet_signed_by_an_untrusted_certificate_is_received_with_a_warning(
    cast, partner, trusted, client
):
    assert _post(_signed(cast, ca_name="Other CA"), str(uuid.uuid4())).status_code == 200
    reception = Reception.objects.get()
    client.force_login(cast.clerk)
    queue = client.get("/lien-thong/den/").content.decode()
    assert "Chữ ký gói tin chưa được tin cậy" in queue
    page = client.get(f"/lien-thong/den/{reception.pk}/").content.decode()
    assert 'id="chu-ky-goi-tin"' in page
    assert "chưa được tin cậy" in page
    assert SIGNER in page
    listed = api_client(cast.clerk).get("/api/v1/receptions/").json()["results"]
    (item,) = listed
    assert item["packet_signature"]["status"] == "untrusted"
    assert item["packet_signature"]["is_warning"] is True
    assert "chưa được tin cậy" in item["packet_signature"]["message"]


def test_an_unsigned_packet_is_received_with_a_warning(cast, partner, trusted, client):
    assert _post(_document(cast), str(uuid.uuid4())).status_code == 200
    reception = Reception.objects.get()
    client.force_login(cast.clerk)
    assert "Gói tin không ký số" in client.get("/lien-thong/den/").content.decode()
    page = client.get(f"/lien-thong/den/{reception.pk}/").content.decode()
    assert WARNING_ABSENT in page
    data = api_client(cast.clerk).get(f"/api/v1/receptions/{reception.pk}/").json()
    assert (data["packet_signature"]["status"], data["packet_signature"]["is_warning"]) == (
        "absent",
        True,
    )


def test_a_document_sent_inside_the_system_has_no_packet_and_no_warning(cast, client):
    reception = reception_of(issue_locally(cast))
    client.force_login(cast.outsider)  # agency B's clerk receives it
    page = client.get(f"/lien-thong/den/{reception.pk}/").content.decode()
    assert "Gửi trong cùng hệ thống" in page
    assert 'id="chu-ky-goi-tin"' not in page
    data = api_client(cast.outsider).get(f"/api/v1/receptions/{reception.pk}/").json()
    assert data["packet_signature"] is None
