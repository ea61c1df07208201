"""Every published edXML packet (../shared/conformance/edxml/) reads as expected.

Given a sample of the national SDK, when it is read, then number, notation, dates, agency
identifiers, status code, business type, attachments (names, sizes) and the recoveries applied
are those of the file; the defects are either recovered and recorded, or refused precisely.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from vanthu.exchange.edxml import (
    VIETNAM_TIME,
    BusinessDocType,
    DocumentPacket,
    EdxmlError,
    ErrorCode,
    ParsedPacket,
    RecoveryCode,
    StatusCode,
    StatusPacket,
    read_packet,
)

from .conformance import conformance_available, conformance_bytes, conformance_names

VPCP = "000.00.00.G22"
NGHE_AN = "000.00.00.H41"
CAO_BANG = "000.00.00.H14"
HAI_PHONG = "000.00.00.G17"
XLINK = (RecoveryCode.UNDECLARED_PREFIX, "xlink=http://www.w3.org/1999/xlink")
EDXML_PREFIX = (RecoveryCode.UNDECLARED_PREFIX, "edXML=http://www.mic.gov.vn/TBT/QCVN_102_2016")
ZIP_NAME = "1896_QD-TTg_m_294779.doc"
ZIP_SIZE = 270_823
INNER_SIZE = 388_347
PDF_NAME = "GUIDE_INSTALL OPENVPN.SIGNED.PDF"
PDF_SIZE = 284_937
DOC_ID = "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"

# file -> (nested packet entry in the zip, business type, recipients)
DOCUMENTS = {
    "edoc_new.edxml": (
        "32da2890-1a55-4ccd-9ac9-cd0d98559e67.edxml",
        BusinessDocType.NEW,
        ("28.22.H17",),
    ),
    "edoc_update.edxml": (
        "3ed3cc90-1dcb-4382-9725-1de9cd899790.edxml",
        BusinessDocType.UPDATE,
        (NGHE_AN, CAO_BANG, HAI_PHONG),
    ),
    "edoc_replacement.edxml": (
        "30d190ec-60e3-41b6-bda7-50b17d98b35d.edxml",
        BusinessDocType.REPLACE,
        (NGHE_AN, CAO_BANG, HAI_PHONG),
    ),
    "edoc_revocation.edxml": (
        "a3661564-bcbb-4406-a6a9-ceddbc8f4e17.edxml",
        BusinessDocType.REVOKE,
        (NGHE_AN, CAO_BANG, HAI_PHONG),
    ),
}
SDK_TIME = dt.datetime(2015, 9, 20, 11, 8, 36, tzinfo=VIETNAM_TIME)
# file -> (status code, sender, answered agency, promulgation date, timestamp, description)
STATUSES = {
    "status.edxml": (
        StatusCode.ARRIVED,
        NGHE_AN,
        VPCP,
        dt.date(2018, 9, 28),
        dt.datetime(2018, 9, 28, 17, 25, 11, tzinfo=VIETNAM_TIME),
        "Văn thư - Phòng Văn thư - Lưu trữ: Đã đến - Phần mềm QLVB đã nhận nhưng văn thư chưa "
        "xử lý",
    ),
    "status_inbox_01.edxml": (
        StatusCode.ARRIVED,
        NGHE_AN,
        VPCP,
        dt.date(2015, 9, 30),
        SDK_TIME,
        "Văn thư - Phòng Văn thư - Lưu trữ: Đã đến - Phần mềm QLVB đã nhận nhưng văn thư chưa "
        "xử lý",
    ),
    "status_rejection_02.edxml": (
        StatusCode.RETURNED,
        NGHE_AN,
        VPCP,
        dt.date(2015, 9, 30),
        SDK_TIME,
        "Văn thư - Phòng Văn thư - Lưu trữ: Từ chối không tiếp nhận văn bản điện tử",
    ),
    "status_acceptance_03.edxml": (
        StatusCode.REGISTERED,
        NGHE_AN,
        VPCP,
        dt.date(2015, 9, 30),
        SDK_TIME,
        "Văn thư cơ - Phòng Văn thư - Lưu trữ: Tiếp nhận văn bản điện tử, vào sổ văn bản đến của "
        "đơn vị",
    ),
    "status_assignment_04.edxml": (
        StatusCode.ASSIGNED,
        NGHE_AN,
        VPCP,
        dt.date(2015, 9, 30),
        SDK_TIME,
        "Lãnh đạo: Phân công xử lý",
    ),
    "status_processing_05.edxml": (
        StatusCode.IN_PROGRESS,
        NGHE_AN,
        VPCP,
        dt.date(2015, 9, 30),
        SDK_TIME,
        "Đang xử lý văn bản đến",
    ),
    "status_finish_06.edxml": (
        StatusCode.DONE,
        NGHE_AN,
        VPCP,
        dt.date(2015, 9, 30),
        SDK_TIME,
        "Văn thư: Ban hành văn bản đến, hoàn thành xử lý",
    ),
    "status_cancellation_13.edxml": (
        StatusCode.TAKE_BACK_REQUESTED,
        VPCP,
        NGHE_AN,
        dt.date(2015, 9, 30),
        SDK_TIME,
        "Văn thư yêu cầu lấy lại văn bản điện tử kèm lý do",
    ),
    "status_change-acceptance_15.edxml": (
        StatusCode.TAKE_BACK_ACCEPTED,
        NGHE_AN,
        VPCP,
        dt.date(2015, 9, 30),
        SDK_TIME,
        "Văn thư đồng ý yêu cầu cập nhật, lấy lại",
    ),
    "status_change-rejection_16.edxml": (
        StatusCode.TAKE_BACK_REFUSED,
        NGHE_AN,
        VPCP,
        dt.date(2015, 9, 30),
        SDK_TIME,
        "Văn thư từ chối yêu cầu cập nhật, lấy lại",
    ),
}
ALL_FILES = {"edoc.edxml", *DOCUMENTS, *STATUSES}


def _recoveries(parsed: ParsedPacket) -> set[tuple[RecoveryCode, str]]:
    return {(recovery.code, recovery.detail) for recovery in parsed.recoveries}


def _document(parsed: ParsedPacket) -> DocumentPacket:
    assert isinstance(parsed.packet, DocumentPacket)
    return parsed.packet


@pytest.mark.skipif(not conformance_available(), reason="../shared/conformance/edxml missing")
def test_every_published_packet_has_its_expectations():
    # Given the folder, then each of its files is checked below (a new sample fails here).
    assert set(conformance_names()) == ALL_FILES


def test_edoc_with_placeholder_attachment_is_refused_precisely():
    # Given edoc.edxml, whose attachment body is a JMeter placeholder, not base64
    raw = conformance_bytes("edoc.edxml")
    # When it is read strictly, then it is refused at the attachment content
    with pytest.raises(EdxmlError) as refused:
        read_packet(raw)
    assert refused.value.code == ErrorCode.ATTACHMENT_NOT_BASE64
    assert refused.value.location == "/edXML/AttachmentEncoded/Attachment/ContentTransferEncoded"
    assert "StringFromFile" in refused.value.detail


def test_edoc_header_reads_with_the_attachment_reported():
    # Given edoc.edxml (undeclared xlink:, prefixed AttachmentEncoded, placeholder content)
    raw = conformance_bytes("edoc.edxml")
    # When it is read reporting unreadable attachments
    parsed = read_packet(raw, unreadable_attachments="report")
    # Then the header is all there and both prefix recoveries are recorded
    packet = _document(parsed)
    assert _recoveries(parsed) == {XLINK, EDXML_PREFIX}
    assert parsed.has_signature
    assert (packet.code.number, packet.code.notation) == ("12234555512", "PRO-TEST-CASE1")
    assert packet.promulgation.date == dt.date(2019, 1, 17)
    assert packet.promulgation.place == "Hà Nội"
    assert packet.sender.organ_id == "002.00.20.H13"
    assert packet.sender.organ_name == "Văn phòng Chính phủ"
    assert [org.organ_id for org in packet.recipients] == ["000.00.15.H51"]
    assert packet.document_type.type == 1
    assert packet.document_type.type_detail is None
    assert packet.document_type.type_name == "Thông tư"
    assert packet.due_date == dt.date(2018, 6, 25)
    assert packet.steering_type == 1
    assert packet.document_id == "9fbfbad2-f1f8-4256-a2eb-50fb1061cddb"
    assert packet.response_for == ()  # the sample's ResponseFor is all empty
    assert packet.business is None
    assert [(t.organ_id, t.timestamp) for t in packet.traces] == [
        ("01.02.G22", dt.datetime(2018, 6, 20, 16, 35, 56, tzinfo=VIETNAM_TIME))
    ]
    assert packet.other_info.appendixes == ("Phụ lục",)
    # The sample spells the signer's name decomposed (NFD): kept as sent, services NFC it.
    assert packet.signer.full_name != "Trương Minh Tuấn"
    assert unicodedata.normalize("NFC", packet.signer.full_name) == "Trương Minh Tuấn"
    # And the attachment is listed without content, the reason in the defects
    (attachment,) = packet.attachments
    assert attachment.content_id == "cid:36b8a92e-f054-11e7-842b-005056b672fc"
    assert attachment.name == PDF_NAME
    assert attachment.content_type == "application/pdf"  # manifest has none: Attachment's
    assert attachment.description == "Description 1"  # Attachment has none: manifest's
    assert attachment.data is None
    assert attachment.files == ()
    assert [defect.code for defect in parsed.defects] == [ErrorCode.ATTACHMENT_NOT_BASE64]


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_document_packets(name):
    entry_name, business_type, recipients = DOCUMENTS[name]
    # Given a published document packet, when it is read (strictly)
    parsed = read_packet(conformance_bytes(name))
    packet = _document(parsed)
    # Then its header is as published
    if name == "edoc_new.edxml":
        assert (packet.code.number, packet.code.notation) == ("74fass22", "VPCP-TTĐT")
        assert packet.promulgation.date == dt.date(2019, 1, 16)
        assert packet.sender.organ_id == "002.00.20.H13"
    else:
        assert (packet.code.number, packet.code.notation) == ("7816", "VPCP-TTĐT")
        assert packet.code.display == "7816/VPCP-TTĐT"
        assert packet.promulgation.date == dt.date(2018, 9, 28)
        assert packet.sender.organ_id == VPCP
    assert tuple(org.organ_id for org in packet.recipients) == recipients
    # Identifiers are kept as sent, standard (13 characters) or not
    assert packet.sender.has_standard_id
    assert [org.has_standard_id for org in packet.recipients] == [
        len(organ_id) == 13 for organ_id in recipients
    ]
    assert packet.document_id == DOC_ID
    assert packet.subject == "V/v kết nối, liên thông phần mềm quản lý văn bản"
    assert packet.document_type.type_name == "Công văn"
    assert packet.due_date == dt.date(2018, 9, 28)
    assert packet.to_places == ("Cac bo va co quan ngang bo", "Uy ban nhan dan cac tinh, TP")
    info = packet.other_info
    assert (info.priority, info.promulgation_amount, info.page_amount) == (0, 2, 22)
    assert info.direction is False
    assert info.sphere_of_promulgation == "Liên thông văn bản quốc gia"
    assert [(t.organ_id, t.timestamp) for t in packet.traces] == [
        (VPCP, dt.datetime(2018, 9, 28, 0, 0, 0, tzinfo=VIETNAM_TIME))
    ]
    assert packet.business is not None
    assert packet.business.doc_type == business_type
    assert packet.business.paper == 0
    assert packet.business.staff is not None
    assert packet.business.staff.staff == "Nguyễn Thị Ngọc Trâm"
    assert parsed.has_signature
    # And the attachment is a zip holding a whole packet, itself read (with its own defects)
    (attachment,) = packet.attachments
    assert (attachment.content_id, attachment.name) == ("cid:209", ZIP_NAME)
    assert attachment.content_type == "application/zip"
    assert attachment.is_zipped
    assert attachment.size == ZIP_SIZE
    (entry,) = attachment.files
    assert (entry.name, len(entry.data)) == (entry_name, INNER_SIZE)
    assert entry.packet is not None
    inner = _document(entry.packet)
    assert (inner.code.number, inner.code.notation) == ("34E31", "PRO-TEST-CASE1")
    assert inner.promulgation.date == dt.date(2018, 9, 27)
    assert inner.sender.organ_id == "14.00.W00"
    assert _recoveries(entry.packet) == {XLINK, EDXML_PREFIX}
    (pdf,) = inner.attachments
    assert (pdf.name, pdf.content_type, pdf.size) == (PDF_NAME, "application/pdf", PDF_SIZE)
    assert pdf.data is not None
    assert pdf.data.startswith(b"%PDF-1.5")
    assert pdf.data.rstrip().endswith(b"%%EOF")
    # And the recoveries are recorded for evidence
    expected = {(RecoveryCode.ZIPPED_PACKET, entry_name)}
    if name == "edoc_new.edxml":
        expected.add((RecoveryCode.STRAY_BYTES_REMOVED, "4 byte: 1212"))
    assert _recoveries(parsed) == expected
    assert parsed.defects == ()
    assert parsed.unknown_elements == ()


def test_business_details_of_new_update_replacement_revocation():
    new = _document(read_packet(conformance_bytes("edoc_new.edxml")))
    update = _document(read_packet(conformance_bytes("edoc_update.edxml")))
    replacement = _document(read_packet(conformance_bytes("edoc_replacement.edxml")))
    revocation = _document(read_packet(conformance_bytes("edoc_revocation.edxml")))
    assert new.business is not None
    assert new.business.reason == "Văn bản điện tử mới"
    assert new.business.document_id == "000.00.00.G22,2014/02/30,7806/VPCP-TTĐT"
    assert update.business is not None
    assert update.business.reason == "Cập nhật văn bản điện tử"
    info = update.business.document_info
    assert info is not None
    assert (info.document_info, info.document_receiver) == (1, 1)
    assert [(r.organ_id, r.receiver_type) for r in info.receivers] == [
        (NGHE_AN, 0),
        (CAO_BANG, 1),
    ]
    assert replacement.business is not None
    assert replacement.business.reason == "Văn bản thay thế"
    assert [(r.document_id, r.organ_ids) for r in replacement.business.replacements] == [
        ("000.00.00.G22,2014/01/30,7806/VPCP-TTĐT", (NGHE_AN, CAO_BANG)),
        ("000.00.00.G22,2014/01/30,7806/VPCP-TTĐT", (NGHE_AN, CAO_BANG)),
    ]
    assert revocation.business is not None
    assert revocation.business.reason == "Thu hồi văn bản điện tử"
    (response,) = revocation.response_for
    assert response.organ_id == CAO_BANG
    assert response.code == "267/VPCP-TTĐT"
    assert response.promulgation_date == dt.date(2018, 9, 28)
    assert response.document_id == "000.00.04.G14,2012/08/06,267/VPCP-TTĐT"


@pytest.mark.parametrize("name", sorted(STATUSES))
def test_status_packets(name):
    code, sender, answered, date, timestamp, description = STATUSES[name]
    # Given a published status packet, when it is read
    parsed = read_packet(conformance_bytes(name))
    # Then code, parties, document answered and time are as published, with no recovery
    packet = parsed.packet
    assert isinstance(packet, StatusPacket)
    assert parsed.kind == "status"
    assert packet.status_code == code
    assert packet.sender.organ_id == sender
    assert packet.response_for.organ_id == answered
    assert packet.response_for.code == "7816/VPCP-TTĐT"
    assert packet.response_for.document_id == DOC_ID
    assert packet.response_for.promulgation_date == date
    assert packet.timestamp == timestamp
    assert packet.description == description
    assert packet.staff is not None
    assert packet.staff.mobile == "84912000001"
    assert parsed.recoveries == ()
    assert parsed.unknown_elements == ()
    assert not parsed.has_signature
