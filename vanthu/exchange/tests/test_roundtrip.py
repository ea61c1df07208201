"""Packets we write read back to equal dataclasses, shaped like the published packets."""

from __future__ import annotations

import dataclasses
import datetime as dt
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from vanthu.exchange.edxml import (
    VIETNAM_TIME,
    Business,
    BusinessDocType,
    BusinessDocumentInfo,
    Code,
    DocumentPacket,
    DocumentType,
    EdxmlError,
    ErrorCode,
    Organization,
    OtherInfo,
    PromulgationInfo,
    Receiver,
    ReplacementInfo,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    StatusCode,
    StatusPacket,
    TraceHeader,
    attachment_build,
    read_packet,
    write_packet,
)

from .conformance import conformance_bytes
from .fuzzing import small_document, small_status
from .test_conformance import DOCUMENTS, STATUSES

EDXML_NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
ROUND_TRIP = settings(
    max_examples=150,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.parametrize("name", sorted([*DOCUMENTS, *STATUSES]))
def test_published_packets_written_again_read_back_equal(name):
    # Given a published packet read, when we write it and read our bytes
    parsed = read_packet(conformance_bytes(name))
    again = read_packet(write_packet(parsed.packet))
    # Then the packet is equal, and ours needs no recovery except for the nested packets
    assert again.packet == parsed.packet
    assert {r.code for r in again.recoveries} <= {"zipped_packet"}


def test_a_packet_missing_attachment_content_is_not_written():
    parsed = read_packet(conformance_bytes("edoc.edxml"), unreadable_attachments="report")
    with pytest.raises(EdxmlError) as refused:
        write_packet(parsed)
    assert refused.value.code == ErrorCode.INVALID_VALUE
    assert refused.value.location == "attachments[0].data"


def test_written_packets_have_the_published_shape():
    # Given a document with a plain and a zipped attachment
    pdf = b"%PDF-1.4 ..."
    plain = attachment_build(name="125.pdf", data=pdf, content_id="cid:1")
    zipped = attachment_build(name="Phụ lục.pdf", data=pdf, content_id="cid:2", zipped=True)
    raw = write_packet(small_document((plain, zipped)))
    # Then: edXML default namespace on the root, edXML: prefix on every envelope element,
    # AttachmentEncoded after the envelope, unprefixed, and a UTF-8 declaration
    assert raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<edXML xmlns="' + b"http")
    root = etree.fromstring(raw)
    assert root.tag == "{" + EDXML_NS + "}edXML"
    envelope, encoded = list(root)
    assert all(element.prefix == "edXML" for element in envelope.iter())
    assert encoded.prefix is None
    assert etree.QName(encoded).localname == "AttachmentEncoded"
    assert all(element.tag.startswith("{" + EDXML_NS + "}") for element in root.iter())
    manifest = root.find(".//{" + EDXML_NS + "}edXMLManifest")
    assert manifest is not None
    assert manifest.get("version") == "1.0"
    # And the zipped attachment is declared as a zip holding the file
    parsed = read_packet(raw)
    assert isinstance(parsed.packet, DocumentPacket)
    second = parsed.packet.attachments[1]
    assert second.content_type == "application/zip"
    assert second.is_zipped
    assert [(f.name, f.data) for f in second.files] == [("Phụ lục.pdf", pdf)]
    assert parsed.packet == small_document((plain, zipped))


def test_text_is_written_stripped_and_escaped():
    tricky = "A & B < C > D\r\nE\tF ]]> \"quoted\" 'single'"
    packet = dataclasses.replace(small_status(), description="  " + tricky + " \n")
    parsed = read_packet(write_packet(packet))
    assert isinstance(parsed.packet, StatusPacket)
    assert parsed.packet.description == tricky


def test_timestamps_are_written_in_vietnam_time_to_the_second():
    utc = dt.datetime(2026, 3, 5, 2, 12, 0, 987_000, tzinfo=dt.UTC)
    packet = dataclasses.replace(small_status(), timestamp=utc)
    raw = write_packet(packet)
    assert b"<edXML:Timestamp>2026/03/05 09:12:00</edXML:Timestamp>" in raw
    parsed = read_packet(raw)
    assert isinstance(parsed.packet, StatusPacket)
    assert parsed.packet.timestamp == utc.replace(microsecond=0)


@pytest.mark.parametrize(
    ("change", "location"),
    [
        ({"description": "bell \x07"}, "description"),
        ({"description": "x" * 20_001}, "description"),
        ({"timestamp": dt.datetime(2026, 3, 5, 9, 12)}, "timestamp"),
        ({"sender": Organization(organ_id=" ")}, "sender.organ_id"),
        ({"response_for": ResponseFor()}, "response_for"),
    ],
)
def test_the_writer_refuses_what_would_not_read_back(change, location):
    with pytest.raises(EdxmlError) as refused:
        write_packet(dataclasses.replace(small_status(), **change))
    assert refused.value.code == ErrorCode.INVALID_VALUE
    assert refused.value.location == location


def test_the_writer_refuses_bad_documents():
    document = small_document()
    bad = [
        (dataclasses.replace(document, recipients=()), "recipients"),
        (dataclasses.replace(document, steering_type=-1), "steering_type"),
        (dataclasses.replace(document, code=Code(number="", notation="X")), "code.number"),
        (
            dataclasses.replace(document, promulgation=PromulgationInfo(place="Nha Trang")),
            "promulgation.date",
        ),
    ]
    pdf = attachment_build(name="a.pdf", data=b"x", content_id="cid:1")
    bad.append((small_document((pdf, pdf)), "attachments[1].content_id"))
    for packet, location in bad:
        with pytest.raises(EdxmlError) as refused:
            write_packet(packet)
        assert refused.value.location == location


def test_attachment_build_refuses_what_the_reader_would():
    with pytest.raises(EdxmlError) as refused:
        attachment_build(name="../etc/passwd", data=b"x", zipped=True)
    assert refused.value.code == ErrorCode.ZIP_UNSAFE_NAME


# Property: any packet the writer accepts reads back equal.

XML_TEXT = st.text(
    alphabet=st.characters(
        codec="utf-8", exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff"
    )
    | st.sampled_from("\t\n\r&<>]\"'"),
    max_size=40,
).map(str.strip)
REQUIRED_TEXT = XML_TEXT.filter(bool)
NUMBERS = st.integers(0, 999_999_999)
DATES = st.dates()
TIMESTAMPS = st.datetimes(
    min_value=dt.datetime(1900, 1, 1),
    max_value=dt.datetime(9998, 12, 31),
    timezones=st.just(dt.UTC),
).map(lambda value: value.replace(microsecond=0).astimezone(VIETNAM_TIME))
FILE_NAMES = st.text(
    alphabet=string.ascii_letters + string.digits + " -_.ạ", min_size=1, max_size=20
).filter(lambda name: name.strip(". ") and not name.lower().endswith((".edxml", ".zip")))

ORGANIZATIONS = st.builds(
    Organization,
    organ_id=REQUIRED_TEXT,
    organ_name=XML_TEXT,
    organization_in_charge=XML_TEXT,
    address=XML_TEXT,
    email=XML_TEXT,
    telephone=XML_TEXT,
    fax=XML_TEXT,
    website=XML_TEXT,
)
RESPONSES = st.builds(
    ResponseFor,
    organ_id=REQUIRED_TEXT,
    code=XML_TEXT,
    promulgation_date=st.none() | DATES,
    document_id=XML_TEXT,
)
STAFF = st.none() | st.builds(
    StaffInfo, department=XML_TEXT, staff=XML_TEXT, mobile=XML_TEXT, email=XML_TEXT
)
BUSINESS = st.none() | st.builds(
    Business,
    doc_type=st.sampled_from(BusinessDocType),
    reason=XML_TEXT,
    document_id=XML_TEXT,
    paper=st.none() | st.sampled_from([0, 1]),
    staff=STAFF,
    document_info=st.none()
    | st.builds(
        BusinessDocumentInfo,
        document_info=st.none() | NUMBERS,
        document_receiver=st.none() | NUMBERS,
        receivers=st.lists(
            st.builds(Receiver, organ_id=REQUIRED_TEXT, receiver_type=st.none() | NUMBERS),
            max_size=3,
        ).map(tuple),
    ),
    replacements=st.lists(
        st.builds(
            ReplacementInfo,
            document_id=REQUIRED_TEXT,
            organ_ids=st.lists(REQUIRED_TEXT, max_size=3).map(tuple),
        ),
        max_size=2,
    ).map(tuple),
)


@st.composite
def attachments(draw: st.DrawFn) -> tuple:
    count = draw(st.integers(0, 3))
    return tuple(
        attachment_build(
            name=draw(FILE_NAMES).strip(),
            data=draw(st.binary(max_size=300)),
            content_type=draw(st.sampled_from(["", "application/pdf", "text/plain"])),
            description=draw(XML_TEXT),
            content_id="cid:" + str(index),
            zipped=draw(st.booleans()),
        )
        for index in range(count)
    )


DOCUMENT_PACKETS = st.builds(
    DocumentPacket,
    sender=ORGANIZATIONS,
    recipients=st.lists(ORGANIZATIONS, min_size=1, max_size=3).map(tuple),
    code=st.builds(Code, number=REQUIRED_TEXT, notation=XML_TEXT),
    promulgation=st.builds(PromulgationInfo, place=XML_TEXT, date=DATES),
    subject=REQUIRED_TEXT,
    document_type=st.builds(
        DocumentType,
        type=st.none() | NUMBERS,
        type_detail=st.none() | NUMBERS,
        type_name=XML_TEXT,
    ),
    content=XML_TEXT,
    signer=st.builds(SignerInfo, competence=XML_TEXT, position=XML_TEXT, full_name=XML_TEXT),
    due_date=st.none() | DATES,
    to_places=st.lists(XML_TEXT, max_size=3).map(lambda places: tuple(p for p in places if p)),
    other_info=st.builds(
        OtherInfo,
        priority=st.none() | NUMBERS,
        sphere_of_promulgation=XML_TEXT,
        typer_notation=XML_TEXT,
        promulgation_amount=st.none() | NUMBERS,
        page_amount=st.none() | NUMBERS,
        direction=st.none() | st.booleans(),
        appendixes=st.lists(REQUIRED_TEXT, max_size=2).map(tuple),
    ),
    response_for=st.lists(RESPONSES, max_size=2).map(tuple),
    steering_type=st.none() | NUMBERS,
    document_id=XML_TEXT,
    application_type=XML_TEXT,
    traces=st.lists(
        st.builds(TraceHeader, organ_id=REQUIRED_TEXT, timestamp=st.none() | TIMESTAMPS),
        max_size=3,
    ).map(tuple),
    business=BUSINESS,
    attachments=attachments(),
)
STATUS_PACKETS = st.builds(
    StatusPacket,
    sender=ORGANIZATIONS,
    response_for=RESPONSES,
    status_code=st.sampled_from(StatusCode),
    timestamp=TIMESTAMPS,
    description=XML_TEXT,
    staff=STAFF,
    recipients=st.lists(ORGANIZATIONS, max_size=2).map(tuple),
)


@ROUND_TRIP
@given(packet=DOCUMENT_PACKETS | STATUS_PACKETS)
def test_any_packet_written_reads_back_equal(packet):
    # Given any packet, when written and read, then equal, with nothing recovered or unknown
    parsed = read_packet(write_packet(packet))
    assert parsed.packet == packet
    assert parsed.recoveries == ()
    assert parsed.unknown_elements == ()
