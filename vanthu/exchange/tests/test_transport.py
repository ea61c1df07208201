"""The exchange with partner systems inside one instance: endpoint, client, retries, directory.

The partner is played by the test: it signs requests with the pair's key and posts packets to
the endpoint; the client's transport is replaced by a fake that records or fails.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from vanthu.core.errors import PermissionDenied
from vanthu.core.models import JournalEntry
from vanthu.exchange import edxml, outbound
from vanthu.exchange.auth import request_headers
from vanthu.exchange.choices import (
    ChangeState,
    DeliveryState,
    OutboxKind,
    ReceptionState,
    StatusCode,
)
from vanthu.exchange.envelope import Envelope
from vanthu.exchange.models import (
    ChangeRequest,
    Delivery,
    OutboxMessage,
    Packet,
    Partner,
    PartnerRequest,
    Reception,
)
from vanthu.exchange.outbound import SendError, delivery_retry, due_send, send_run
from vanthu.exchange.packets import (
    PacketFile,
    StatusReport,
    document_packet_build,
    status_packet_build,
)
from vanthu.exchange.tests.scenarios import PARTNER_AGENCY, SECRET, pdf_bytes
from vanthu.registry.models import DocumentType
from vanthu.registry.outgoing import (
    OutgoingData,
    RecipientData,
    outgoing_document_create,
    outgoing_document_issue,
    outgoing_document_mark_sent,
    outgoing_document_revoke,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/exchange/packets/"


def _envelope(**changes) -> Envelope:
    values = {
        "sender_identifier": PARTNER_AGENCY,
        "sender_name": "Văn phòng Chính phủ",
        "number": "7816",
        "notation": "VPCP-TTĐT",
        "document_date": timezone.localdate(),
        "type_code": "",
        "type_name": "Công văn",
        "summary": "V/v triển khai liên thông văn bản",
        "signer_name": "Nguyễn Văn A",
        "signer_position": "Phó Chủ nhiệm",
        "page_count": 1,
    }
    values.update(changes)
    return Envelope(**values)


def _document(cast, *, envelope: Envelope | None = None, business_type: int = 0) -> bytes:
    packet = document_packet_build(
        envelope=envelope or _envelope(),
        recipient_identifier=cast.agency_a.identifier,
        recipient_name=cast.agency_a.name,
        files=[PacketFile("cv.pdf", "application/pdf", pdf_bytes(), is_main=True)],
        at=timezone.now(),
        business_type=business_type,
        reason="Gửi nhầm" if business_type else "",
    )
    return edxml.write_packet(packet)


def _post(
    raw: bytes, packet_id: str, *, key="vpcp-khanhhoa", secret=SECRET, stamp=None, headers=None
):
    signed = request_headers(
        key_id=key,
        secret=secret,
        timestamp=int(time.time()) if stamp is None else stamp,
        packet_id=packet_id,
        body=raw,
    )
    signed = headers or signed
    extra = {
        "HTTP_" + k.upper().replace("-", "_"): v for k, v in signed.items() if k != "Content-Type"
    }
    return Client().post(URL, data=raw, content_type="application/xml", **extra)


def _stored() -> tuple[int, int, int, int]:
    return (
        Reception.objects.count(),
        Packet.objects.count(),
        OutboxMessage.objects.count(),
        ChangeRequest.objects.count(),
    )


# --- The endpoint ---------------------------------------------------------------------------


def test_a_document_from_a_partner_enters_the_queue_and_01_is_queued_back(cast, partner):
    raw = _document(cast)
    packet_id = str(uuid.uuid4())
    response = _post(raw, packet_id)
    assert response.status_code == 200, response.content
    assert response.json() == {"packet_id": packet_id, "result": "accepted", "kind": "document"}
    reception = Reception.objects.get()
    assert (reception.agency_id, reception.state) == (cast.agency_a.pk, ReceptionState.AWAITING)
    assert reception.sender_identifier == PARTNER_AGENCY
    assert (
        reception.document_id == f"{PARTNER_AGENCY},{timezone.localdate():%Y/%m/%d},7816/VPCP-TTĐT"
    )
    assert reception.files.get().is_main
    # the raw packet is kept byte for byte
    packet = Packet.objects.get()
    assert (packet.direction, packet.kind, str(packet.packet_id)) == ("in", "document", packet_id)
    assert packet.file.open("rb").read() == raw
    assert (packet.reception, packet.partner) == (reception, partner)
    # 01 goes back through the outbox, its sending enqueued in the same transaction
    message = OutboxMessage.objects.get()
    assert (message.kind, message.code, message.peer_identifier) == (
        OutboxKind.STATUS,
        StatusCode.ARRIVED,
        PARTNER_AGENCY,
    )
    assert DBTaskResult.objects.filter(
        task_path__endswith="exchange_send_task", args_kwargs__args=["outbox", message.pk]
    ).exists()


def test_the_same_packet_twice_gets_the_same_answer_and_one_reception(cast, partner):
    raw = _document(cast)
    packet_id = str(uuid.uuid4())
    first = _post(raw, packet_id)
    time.sleep(1.01)  # a resend is a new request (another timestamp), the same packet id
    second = _post(raw, packet_id)
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json() == second.json()
    assert _stored() == (1, 1, 1, 0)


@pytest.mark.parametrize("case", ["unknown_key", "wrong_secret", "stale", "future", "no_headers"])
def test_an_unauthenticated_request_is_refused_and_nothing_is_stored(cast, partner, case):
    raw = _document(cast)
    packet_id = str(uuid.uuid4())
    kwargs = {
        "unknown_key": {"key": "someone-else"},
        "wrong_secret": {"secret": "y" * 47},
        "stale": {"stamp": int(time.time()) - 301},
        "future": {"stamp": int(time.time()) + 301},
        "no_headers": {"headers": {"X-Other": "1"}},
    }[case]
    response = _post(raw, packet_id, **kwargs)
    assert response.status_code == 401
    assert set(response.json()) >= {"code", "message"}
    assert _stored() == (0, 0, 0, 0)
    assert not PartnerRequest.objects.exists()


def test_a_replayed_request_of_a_taken_packet_gets_the_same_answer_and_stores_nothing(
    cast, partner
):
    raw = _document(cast)
    packet_id = str(uuid.uuid4())
    headers = request_headers(
        key_id="vpcp-khanhhoa",
        secret=SECRET,
        timestamp=int(time.time()),
        packet_id=packet_id,
        body=raw,
    )
    first = _post(raw, packet_id, headers=headers)
    assert first.status_code == 200
    before = _stored()
    # e.g. a sender retrying within the same second after losing the answer
    replay = _post(raw, packet_id, headers=headers)
    assert (replay.status_code, replay.json()) == (200, first.json())
    assert _stored() == before


def test_a_replayed_request_of_a_refused_packet_is_refused(cast, partner):
    raw = b"<not-edxml/>"
    packet_id = str(uuid.uuid4())
    headers = request_headers(
        key_id="vpcp-khanhhoa",
        secret=SECRET,
        timestamp=int(time.time()),
        packet_id=packet_id,
        body=raw,
    )
    assert _post(raw, packet_id, headers=headers).status_code == 400
    before = _stored()
    replay = _post(raw, packet_id, headers=headers)
    assert (replay.status_code, replay.json()["code"]) == (401, "replay")
    assert _stored() == before


def test_a_broken_packet_gets_a_structured_400_with_the_edxml_code(cast, partner):
    raw = b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><edXML/>"
    response = _post(raw, str(uuid.uuid4()))
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["edxml_code"]) == ("edxml_invalid", "dtd_forbidden")
    assert _stored() == (0, 0, 0, 0)


def test_a_packet_over_the_limit_is_refused_before_it_is_read(cast, partner, settings):
    settings.EXCHANGE_MAX_PACKET_BYTES = 1000
    raw = _document(cast)
    response = _post(raw, str(uuid.uuid4()))
    assert (response.status_code, response.json()["code"]) == (413, "packet_too_large")
    assert _stored() == (0, 0, 0, 0)


def test_a_partner_may_not_send_for_an_agency_it_does_not_serve(cast, partner):
    raw = _document(cast, envelope=_envelope(sender_identifier="000.00.00.G09"))
    response = _post(raw, str(uuid.uuid4()))
    assert (response.status_code, response.json()["code"]) == (403, "sender_not_served")
    assert _stored() == (0, 0, 0, 0)


def test_a_take_back_from_the_partner_becomes_a_request_to_the_clerk(cast, partner):
    assert _post(_document(cast), str(uuid.uuid4())).status_code == 200
    reception = Reception.objects.get()
    response = _post(_document(cast, business_type=1), str(uuid.uuid4()))
    assert response.status_code == 200, response.content
    change = ChangeRequest.objects.get()
    assert (change.reception, change.state, change.reason) == (
        reception,
        ChangeState.PENDING,
        "Gửi nhầm",
    )


# --- The client -----------------------------------------------------------------------------


class FakeTransport:
    def __init__(self, *, error: SendError | None = None) -> None:
        self.sent: list[tuple[str, str, bytes]] = []
        self.error = error

    def send(self, *, partner, packet_id, raw):
        if self.error is not None:
            raise self.error
        self.sent.append((partner.key_id, packet_id, raw))
        return {"packet_id": packet_id, "result": "accepted"}


def _issue_to_partner(cast):
    actor = cast.actor(cast.clerk)
    recipient = Partner.objects.get().identifiers()[0]
    from vanthu.organizations.models import Agency

    draft = outgoing_document_create(
        actor=actor,
        data=OutgoingData(
            document_type_id=DocumentType.objects.get(code="cong-van").pk,
            summary="V/v báo cáo chuyển đổi số",
            drafting_unit_id=cast.office_a.pk,
            signer_name="Phạm Minh Giám",
            signer_position="Giám đốc",
        ),
        recipients=[RecipientData(agency_id=Agency.objects.get(identifier=recipient).pk)],
        files=[("cong-van.pdf", pdf_bytes())],
    )
    outgoing_document_issue(actor=actor, document_id=draft.pk)
    return outgoing_document_mark_sent(actor=actor, document_id=draft.pk)


def test_a_delivery_to_a_partner_is_sent_by_the_task_and_its_status_comes_back(
    cast, partner, monkeypatch
):
    fake = FakeTransport()
    monkeypatch.setattr(outbound, "transport", lambda: fake)
    document = _issue_to_partner(cast)
    delivery = Delivery.objects.get(outgoing=document)
    # the sending is enqueued in the sending's transaction
    assert delivery.state == DeliveryState.PENDING
    assert DBTaskResult.objects.filter(args_kwargs__args=["delivery", delivery.pk]).exists()
    assert send_run("delivery", delivery.pk) == "delivered"
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED
    assert delivery.delivered_at is not None
    ((key, packet_id, raw),) = fake.sent
    assert (key, packet_id) == ("vpcp-khanhhoa", str(delivery.packet_id))
    parsed = edxml.read_packet(raw).packet
    assert isinstance(parsed, edxml.DocumentPacket)
    assert [r.organ_id for r in parsed.recipients] == [PARTNER_AGENCY]
    kept = Packet.objects.get(direction="out", delivery=delivery)
    assert kept.file.open("rb").read() == raw
    # sending again does nothing: it is delivered
    assert send_run("delivery", delivery.pk) == "skipped"
    # the partner reports 03 for it
    report = StatusReport(
        reporter_identifier=PARTNER_AGENCY,
        reporter_name="Văn phòng Chính phủ",
        peer_identifier=cast.agency_a.identifier,
        document_id=kept.document_id,
        code="03",
        at=timezone.now(),
        description="Số đến 5",
    )
    response = _post(edxml.write_packet(status_packet_build(report)), str(uuid.uuid4()))
    assert response.status_code == 200, response.content
    delivery.refresh_from_db()
    assert (delivery.status_code, delivery.status_description) == ("03", "Số đến 5")


def test_a_status_for_an_unknown_document_is_404(cast, partner):
    report = StatusReport(
        reporter_identifier=PARTNER_AGENCY,
        reporter_name="",
        peer_identifier=cast.agency_a.identifier,
        document_id="000.00.12.H34,2026/01/01,1/X",
        code="01",
        at=timezone.now(),
    )
    response = _post(edxml.write_packet(status_packet_build(report)), str(uuid.uuid4()))
    assert (response.status_code, response.json()["code"]) == (404, "unknown_document")


def test_failures_back_off_then_fail_and_the_clerk_sends_again(
    cast, partner, monkeypatch, settings
):
    settings.EXCHANGE_MAX_ATTEMPTS = 3
    settings.EXCHANGE_RETRY_SECONDS = 10
    failing = FakeTransport(error=SendError("Không kết nối được"))
    monkeypatch.setattr(outbound, "transport", lambda: failing)
    delivery = Delivery.objects.get(outgoing=_issue_to_partner(cast))
    before = timezone.now()
    assert send_run("delivery", delivery.pk) == "retry"
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.state, delivery.last_error) == (
        1,
        DeliveryState.PENDING,
        "Không kết nối được",
    )
    assert before + timedelta(seconds=9) < delivery.next_attempt_at < before + timedelta(seconds=12)
    # not due yet: the sweep leaves it
    assert send_run("delivery", delivery.pk) == "not_due"
    later = timezone.now() + timedelta(seconds=11)
    assert send_run("delivery", delivery.pk, now=later) == "retry"
    delivery.refresh_from_db()
    assert delivery.next_attempt_at > later + timedelta(seconds=9)  # doubled: 20 s
    assert due_send(now=timezone.now() + timedelta(hours=1)) == {"failed": 1}
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.FAILED, 3)
    # a specialist may not send again; nothing changes
    with pytest.raises(PermissionDenied):
        delivery_retry(actor=cast.actor(cast.specialist), delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED
    # the clerk sends again: attempts start over and the same packet goes
    journal = JournalEntry.objects.count()
    delivery_retry(actor=cast.actor(cast.clerk), delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.PENDING, 0)
    assert JournalEntry.objects.count() == journal + 1
    working = FakeTransport()
    monkeypatch.setattr(outbound, "transport", lambda: working)
    assert send_run("delivery", delivery.pk) == "delivered"
    assert working.sent[0][1] == str(delivery.packet_id)
    assert Packet.objects.filter(direction="out", delivery=delivery).count() == 1


def test_a_refused_packet_fails_at_once(cast, partner, monkeypatch):
    monkeypatch.setattr(
        outbound, "transport", lambda: FakeTransport(error=SendError("HTTP 400", permanent=True))
    )
    delivery = Delivery.objects.get(outgoing=_issue_to_partner(cast))
    assert send_run("delivery", delivery.pk) == "failed"


def test_a_take_back_to_a_partner_goes_as_status_13(cast, partner, monkeypatch):
    fake = FakeTransport()
    monkeypatch.setattr(outbound, "transport", lambda: fake)
    document = _issue_to_partner(cast)
    outgoing_document_revoke(actor=cast.actor(cast.clerk), document_id=document.pk, reason="Nhầm")
    message = OutboxMessage.objects.get(kind=OutboxKind.TAKE_BACK)
    assert send_run("outbox", message.pk) == "delivered"
    parsed = edxml.read_packet(fake.sent[-1][2]).packet
    assert isinstance(parsed, edxml.StatusPacket)
    assert (parsed.status_code, parsed.description) == ("13", "Nhầm")


# --- The partner directory ------------------------------------------------------------------


def test_import_partners_from_csv_and_json(db, tmp_path):
    csv_file = tmp_path / "partners.csv"
    csv_file.write_text(
        "key_id,name,base_url,agency_identifiers,secret\n"
        "ninh-thuan,Hệ thống tỉnh Ninh Thuận,https://vanthu.ninhthuan.gov.vn,"
        f"000.00.00.H45 000.00.12.H45,{'k' * 40}\n",
        encoding="utf-8",
    )
    call_command("exchange", "import-partners", str(csv_file))
    partner = Partner.objects.get()
    assert partner.identifiers() == ["000.00.00.H45", "000.00.12.H45"]
    json_file = tmp_path / "partners.json"
    json_file.write_text(
        json.dumps(
            [
                {
                    "key_id": "ninh-thuan",
                    "name": "Ninh Thuận",
                    "base_url": "https://nt.example.vn",
                    "agency_identifiers": ["000.00.00.H45"],
                    "secret": "z" * 40,
                }
            ]
        )
    )
    call_command("exchange", "import-partners", str(json_file))
    partner.refresh_from_db()
    assert (partner.name, partner.secret) == ("Ninh Thuận", "z" * 40)


def test_a_bad_partner_file_stores_nothing_and_names_each_line(db, tmp_path, capsys):
    csv_file = tmp_path / "partners.csv"
    csv_file.write_text(
        "key_id,name,base_url,agency_identifiers,secret\n"
        f"a,Một,https://a.example.vn,000.00.00.H45,{'k' * 40}\n"
        "b,Hai,not-a-url,XYZ,short\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError):
        call_command("exchange", "import-partners", str(csv_file))
    err = capsys.readouterr().err
    assert "Dòng 3: mã định danh không hợp lệ: XYZ." in err
    assert "Dòng 3: địa chỉ không hợp lệ" in err
    assert "Dòng 3: khóa bí mật" in err
    assert not Partner.objects.exists()


def test_packets_are_signed_with_the_configured_key_and_checked_on_arrival(
    cast, partner, monkeypatch, settings, tmp_path
):
    from vanthu.exchange.tests.pki import issue as issue_certificate
    from vanthu.exchange.tests.pki import make_ca

    issued = issue_certificate("Sở Thông tin và Truyền thông")
    (tmp_path / "key.pem").write_bytes(issued.key_pem)
    (tmp_path / "cert.pem").write_bytes(issued.certificate_pem)
    settings.EXCHANGE_SIGNING_KEY = str(tmp_path / "key.pem")
    settings.EXCHANGE_SIGNING_CERT = str(tmp_path / "cert.pem")
    fake = FakeTransport()
    monkeypatch.setattr(outbound, "transport", lambda: fake)
    delivery = Delivery.objects.get(outgoing=_issue_to_partner(cast))
    assert send_run("delivery", delivery.pk) == "delivered"
    raw = fake.sent[0][2]
    _ca_key, ca_certificate = make_ca()
    report = edxml.verify_packet_signature(raw, trust_anchors=[ca_certificate])
    assert report.status == edxml.SignatureStatus.VALID
    # a signed packet that arrives has its signature checked and the report kept
    monkeypatch.setattr("vanthu.signatures.trust.trust_roots", lambda: [ca_certificate])
    signed = outbound.packet_bytes(edxml.read_packet(_document(cast)).packet)
    assert _post(signed, str(uuid.uuid4())).status_code == 200
    assert Packet.objects.get(direction="in").signature_report["status"] == "valid"


def test_the_clerk_sends_a_failed_delivery_again_from_the_documents_page(
    cast, partner, monkeypatch, settings, client
):
    settings.EXCHANGE_MAX_ATTEMPTS = 1
    monkeypatch.setattr(outbound, "transport", lambda: FakeTransport(error=SendError("Hết giờ")))
    document = _issue_to_partner(cast)
    delivery = Delivery.objects.get(outgoing=document)
    assert send_run("delivery", delivery.pk) == "failed"
    # the sender's panel shows the failure and the button
    client.force_login(cast.clerk)
    page = client.get(f"/van-ban/di/{document.pk}/").content.decode()
    assert "Gửi không thành công" in page
    assert "Hết giờ" in page
    assert f"/lien-thong/gui/{delivery.pk}/gui-lai/" in page
    # a specialist of the agency sees no button
    client.force_login(cast.specialist)
    assert "gui-lai" not in client.get(f"/van-ban/di/{document.pk}/").content.decode()
    # when the clerk presses "Gửi lại"
    client.force_login(cast.clerk)
    response = client.post(f"/lien-thong/gui/{delivery.pk}/gui-lai/")
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.PENDING, 0)
    assert DBTaskResult.objects.filter(args_kwargs__args=["delivery", delivery.pk]).count() == 2
