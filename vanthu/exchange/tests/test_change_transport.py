"""Update (2) and replacement (3) through edXML packets: written, read back, received, answered."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from vanthu.exchange import changes as c
from vanthu.exchange import edxml, outbound
from vanthu.exchange import services as x
from vanthu.exchange.choices import BusinessType, OutboxKind, ReceptionState, StatusCode
from vanthu.exchange.models import ChangeRequest, Delivery, OutboxMessage, Packet, Reception
from vanthu.exchange.outbound import send_run
from vanthu.exchange.packets import (
    PacketFile,
    StatusReport,
    business_target,
    document_packet_build,
    status_packet_build,
)
from vanthu.exchange.tests.scenarios import PARTNER_AGENCY, pdf_bytes
from vanthu.exchange.tests.test_packets import AT, ENVELOPE
from vanthu.exchange.tests.test_transport import (
    FakeTransport,
    _envelope,
    _issue_to_partner,
    _post,
)

OLD_ID = "000.00.12.H34,2026/03/01,120/STTTT-VP"


@pytest.mark.parametrize("business_type", [2, 3])
def test_update_and_replacement_packets_read_back_identically(business_type):
    files = [PacketFile("cong-van.pdf", "application/pdf", b"%PDF-1.7 main", is_main=True)]
    packet = document_packet_build(
        envelope=ENVELOPE,
        recipient_identifier="000.00.13.H34",
        recipient_name="Sở Tài chính",
        files=files,
        at=AT,
        business_type=business_type,
        reason="Sửa trích yếu",
        replaces=OLD_ID if business_type == 3 else "",
    )
    parsed = edxml.read_packet(edxml.write_packet(packet))
    assert parsed.packet == packet
    assert isinstance(parsed.packet, edxml.DocumentPacket)
    business = parsed.packet.business
    assert business is not None
    assert business.doc_type == business_type
    if business_type == 3:
        assert [r.document_id for r in business.replacements] == [OLD_ID]
        assert business_target(parsed.packet) == OLD_ID
    else:
        assert business.document_info is not None
        assert business_target(parsed.packet) == ENVELOPE.document_id


def _packet(cast, business_type: int, *, summary: str = "", replaces: str = "", files=True):
    envelope = _envelope(summary=summary) if summary else _envelope()
    if business_type == 3:
        envelope = _envelope(number="7900", summary="V/v thay thế công văn 7816")
    packet = document_packet_build(
        envelope=envelope,
        recipient_identifier=cast.agency_a.identifier,
        recipient_name=cast.agency_a.name,
        files=[PacketFile("cv2.pdf", "application/pdf", pdf_bytes(), is_main=True)]
        if files
        else [],
        at=timezone.now(),
        business_type=business_type,
        reason="Đính chính trích yếu" if business_type else "",
        replaces=replaces,
    )
    return edxml.write_packet(packet)


def test_an_update_from_a_partner_asks_the_clerk_and_the_answer_goes_back(cast, partner):
    assert _post(_packet(cast, 0), str(uuid.uuid4())).status_code == 200
    reception = Reception.objects.get()
    response = _post(_packet(cast, 2, summary="V/v triển khai (đính chính)"), str(uuid.uuid4()))
    assert response.status_code == 200, response.content
    request = ChangeRequest.objects.get()
    assert (request.reception, request.business_type) == (reception, BusinessType.UPDATE)
    assert request.replacement.state == ReceptionState.UPDATE
    assert request.reason == "Đính chính trích yếu"
    x.change_request_decide(actor=cast.actor(cast.clerk), request_id=request.pk, accept=True)
    reception.refresh_from_db()
    assert reception.metadata["summary"] == "V/v triển khai (đính chính)"
    answer = OutboxMessage.objects.get(code=StatusCode.CHANGE_ACCEPTED)
    assert (answer.kind, answer.peer_identifier) == (OutboxKind.STATUS, PARTNER_AGENCY)
    assert answer.reception.document_id == reception.document_id


def test_an_update_of_a_document_never_received_is_refused_and_changes_nothing(
    cast,
    partner,
):
    response = _post(_packet(cast, 2, summary="Khác"), str(uuid.uuid4()))
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_document"
    assert not Reception.objects.exists()


def test_a_replacement_from_a_partner_arrives_as_a_document_with_a_request(cast, partner):
    assert _post(_packet(cast, 0), str(uuid.uuid4())).status_code == 200
    old = Reception.objects.get()
    response = _post(_packet(cast, 3, replaces=old.document_id), str(uuid.uuid4()))
    assert response.status_code == 200, response.content
    request = ChangeRequest.objects.get()
    assert (request.reception, request.business_type) == (old, BusinessType.REPLACE)
    new = request.replacement
    assert new.state == ReceptionState.AWAITING
    assert new.metadata["number"] == "7900"
    x.change_request_decide(
        actor=cast.actor(cast.clerk), request_id=request.pk, accept=False, note="Chưa rõ"
    )
    answer = OutboxMessage.objects.get(code=StatusCode.CHANGE_REFUSED)
    assert answer.reception == new
    old.refresh_from_db()
    assert old.state == ReceptionState.AWAITING


def test_an_update_to_a_partner_travels_as_type_2_and_its_answer_finds_it(
    cast,
    partner,
    monkeypatch,
):
    fake = FakeTransport()
    monkeypatch.setattr(outbound, "transport", lambda: fake)
    document = _issue_to_partner(cast)
    original = Delivery.objects.get(outgoing=document)
    assert send_run("delivery", original.pk) == "delivered"
    change = c.update_send(
        actor=cast.actor(cast.clerk),
        document_id=document.pk,
        reason="Sửa người ký",
        changes={"signer_name": "Trần Văn Ký"},
    )
    update = change.deliveries.get()
    assert send_run("delivery", update.pk) == "delivered"
    parsed = edxml.read_packet(fake.sent[-1][2]).packet
    assert isinstance(parsed, edxml.DocumentPacket)
    assert parsed.business is not None
    assert parsed.business.doc_type == edxml.BusinessDocType.UPDATE
    assert parsed.signer.full_name == "Trần Văn Ký"
    assert parsed.document_id == Packet.objects.get(delivery=original).document_id

    def report(code: str) -> bytes:
        return edxml.write_packet(
            status_packet_build(
                StatusReport(
                    reporter_identifier=PARTNER_AGENCY,
                    reporter_name="Văn phòng Chính phủ",
                    peer_identifier=cast.agency_a.identifier,
                    document_id=parsed.document_id,
                    code=code,
                    at=timezone.now(),
                    description="Đồng ý" if code == "15" else "",
                )
            )
        )

    assert _post(report("15"), str(uuid.uuid4())).status_code == 200
    assert _post(report("04"), str(uuid.uuid4())).status_code == 200
    update.refresh_from_db()
    original.refresh_from_db()
    # the answer is the update's; the handling status is the document's
    assert update.status_code == StatusCode.CHANGE_ACCEPTED
    assert original.status_code == StatusCode.ASSIGNED
