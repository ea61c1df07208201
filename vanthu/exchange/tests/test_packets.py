"""Envelope + files ↔ edXML document packet, and status ↔ status packet: read back equal."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from vanthu.exchange import edxml
from vanthu.exchange.envelope import Envelope
from vanthu.exchange.packets import (
    PacketFile,
    StatusReport,
    document_packet_build,
    envelope_from_packet,
    files_from_packet,
    status_from_packet,
    status_packet_build,
)

ENVELOPE = Envelope(
    sender_identifier="000.00.12.H34",
    sender_name="Sở Thông tin và Truyền thông",
    number="125",
    notation="STTTT-VP",
    document_date=dt.date(2026, 3, 5),
    type_code="cong-van",
    type_name="Công văn",
    summary="V/v báo cáo số liệu quý I",
    signer_name="Phạm Minh Giám",
    signer_position="Giám đốc",
    urgency="very_urgent",
    due_date=dt.date(2026, 3, 15),
    page_count=2,
    place="Nha Trang",
    to_places=("Sở Tài chính", "Lưu: VT"),
    paper_copy_follows=True,
)
AT = dt.datetime(2026, 3, 5, 9, 12, 7, 123456, tzinfo=dt.UTC)


def test_a_document_packet_reads_back_to_the_same_envelope_and_files():
    files = [
        PacketFile("phu-luc.xlsx", "application/vnd.ms-excel", b"\x00\x01 binary"),
        PacketFile("cong-van.pdf", "application/pdf", b"%PDF-1.7 main", is_main=True),
    ]
    packet = document_packet_build(
        envelope=ENVELOPE,
        recipient_identifier="000.00.13.H34",
        recipient_name="Sở Tài chính",
        files=files,
        at=AT,
    )
    parsed = edxml.read_packet(edxml.write_packet(packet))
    assert isinstance(parsed.packet, edxml.DocumentPacket)
    # the Vanthu type code does not travel; the receiver finds the type by its name
    assert envelope_from_packet(parsed.packet) == replace(ENVELOPE, type_code="")
    assert parsed.packet.document_id == "000.00.12.H34,2026/03/05,125/STTTT-VP"
    assert [r.organ_id for r in parsed.packet.recipients] == ["000.00.13.H34"]
    # the main file first, bytes unchanged
    back = files_from_packet(parsed.packet)
    assert [(f.name, f.data, f.is_main) for f in back] == [
        ("cong-van.pdf", b"%PDF-1.7 main", True),
        ("phu-luc.xlsx", b"\x00\x01 binary", False),
    ]


def test_a_take_back_packet_names_the_document_in_bussiness():
    packet = document_packet_build(
        envelope=ENVELOPE,
        recipient_identifier="000.00.13.H34",
        recipient_name="Sở Tài chính",
        files=[],
        at=AT,
        business_type=1,
        reason="Sai số liệu",
    )
    parsed = edxml.read_packet(edxml.write_packet(packet)).packet
    assert isinstance(parsed, edxml.DocumentPacket)
    assert parsed.business is not None
    assert parsed.business.doc_type == edxml.BusinessDocType.REVOKE
    assert (parsed.business.reason, parsed.business.document_id) == (
        "Sai số liệu",
        ENVELOPE.document_id,
    )


def test_a_status_packet_reads_back_to_the_same_report():
    report = StatusReport(
        reporter_identifier="000.00.13.H34",
        reporter_name="Sở Tài chính",
        peer_identifier="000.00.12.H34",
        document_id=ENVELOPE.document_id,
        code="03",
        at=AT,
        description="Số đến 12",
        staff="Ngô Văn Ngoài",
    )
    parsed = edxml.read_packet(edxml.write_packet(status_packet_build(report))).packet
    assert isinstance(parsed, edxml.StatusPacket)
    back = status_from_packet(parsed)
    # packets carry seconds, Vietnam time
    assert back == replace(report, at=AT.replace(microsecond=0))
    assert back.at.utcoffset() == dt.timedelta(hours=7)
    assert parsed.response_for.code == "125/STTTT-VP"
