"""Packets the reader refuses, each with its exact code; and the recoveries it allows.

Given a defective packet (ambiguous garbage, a zip bomb, a DTD, an oversized packet, values it
cannot interpret...), when it is read, then ``EdxmlError`` carries the precise machine code,
a Vietnamese message and, where it applies, the location.
"""

from __future__ import annotations

import base64
import dataclasses
import io
import os
import random
import zipfile

import pytest

from vanthu.exchange.edxml import (
    Attachment,
    DocumentPacket,
    EdxmlError,
    ErrorCode,
    Limits,
    RecoveryCode,
    StatusCode,
    StatusPacket,
    attachment_build,
    read_packet,
    write_packet,
)

from .fuzzing import small_document, small_status

MIB = 1024 * 1024


def _refused(raw: bytes, code: ErrorCode, **kwargs) -> EdxmlError:
    with pytest.raises(EdxmlError) as refused:
        read_packet(raw, **kwargs)
    assert refused.value.code == code, str(refused.value)
    assert refused.value.message
    return refused.value


def _status_bytes() -> bytes:
    return write_packet(small_status())


def _with_attachment(data: bytes, *, content_type: str = "application/zip") -> bytes:
    attachment = Attachment(
        content_id="cid:1",
        name="tai-lieu.zip",
        content_type=content_type,
        description="",
        data=data,
        is_zipped=content_type == "application/zip",
    )
    return write_packet(small_document((attachment,)))


def _zip(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _zip_of_zeros(size: int) -> bytes:
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("bom.pdf", "w", force_zip64=True) as entry,
    ):
        chunk = b"\0" * MIB
        for _ in range(size // MIB):
            entry.write(chunk)
    return buffer.getvalue()


# Garbage before the document


def test_four_stray_digits_before_the_declaration_are_recovered():
    raw = b"1212" + _status_bytes()
    parsed = read_packet(raw)
    assert [(r.code, r.detail) for r in parsed.recoveries] == [
        (RecoveryCode.STRAY_BYTES_REMOVED, "4 byte: 1212")
    ]
    assert parsed.packet == small_status()


@pytest.mark.parametrize(
    "prefix",
    [
        b"garbage that is far too long to be a stray prefix ",  # over the limit
        b"\x00\x01\x02",  # not printable
        b"12&12",  # an entity start: not plain garbage
    ],
)
def test_ambiguous_garbage_before_the_declaration_is_refused(prefix):
    error = _refused(prefix + _status_bytes(), ErrorCode.STRAY_BYTES)
    assert error.location == "đầu gói tin"


def test_garbage_before_a_root_without_declaration_is_refused():
    body = _status_bytes().split(b"?>", 1)[1].lstrip()
    _refused(b"1212" + body, ErrorCode.STRAY_BYTES)


def test_garbage_after_the_root_is_refused():
    _refused(_status_bytes() + b"1212", ErrorCode.MALFORMED_XML)


def test_empty_and_non_xml_inputs_are_refused():
    _refused(b"", ErrorCode.EMPTY_PACKET)
    _refused(b" \r\n\t", ErrorCode.EMPTY_PACKET)
    _refused(b"hello", ErrorCode.MALFORMED_XML)
    _refused(b"%PDF-1.4 <not xml", ErrorCode.STRAY_BYTES)


# Encoding


def test_non_utf8_encodings_are_refused():
    raw = _status_bytes()
    latin = raw.replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"')
    _refused(latin, ErrorCode.ENCODING_UNSUPPORTED)
    _refused(raw.decode("utf-8").encode("utf-16"), ErrorCode.ENCODING_UNSUPPORTED)
    broken = raw.replace("Đã tiếp nhận".encode(), b"\xc3\x28")
    error = _refused(broken, ErrorCode.MALFORMED_XML)
    assert error.line is not None


# DTDs and entities


BILLION_LAUGHS = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE edXML [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">&lol9;</edXML>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0" encoding="UTF-8"?>
<!-- a comment first -->
<!DOCTYPE edXML [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">&secret;</edXML>
"""

EXTERNAL_DTD = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE edXML SYSTEM "http://127.0.0.1:9/edxml.dtd">
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"/>
"""


@pytest.mark.parametrize("raw", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD])
def test_dtds_and_entities_are_refused(raw):
    _refused(raw, ErrorCode.DTD_FORBIDDEN)


def test_an_undefined_entity_without_dtd_is_malformed():
    raw = _status_bytes().replace("Đã tiếp nhận".encode(), b"&secret;")
    _refused(raw, ErrorCode.MALFORMED_XML)


def test_xinclude_is_not_followed():
    include = b'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd"/>'
    raw = _status_bytes().replace(b"<edXML:StatusCode>", include + b"<edXML:StatusCode>")
    parsed = read_packet(raw)
    assert parsed.unknown_elements == ("/edXML/edXMLEnvelope/edXMLHeader/MessageHeader/include",)
    assert parsed.packet == small_status()


# Size and structure


def test_oversized_packets_are_refused_before_parsing():
    raw = _status_bytes()
    _refused(raw, ErrorCode.PACKET_TOO_LARGE, limits=Limits(max_packet_bytes=len(raw) - 1))
    default = Limits().max_packet_bytes
    _refused(b" " * (default + 1), ErrorCode.PACKET_TOO_LARGE)


def test_deep_nesting_and_too_many_elements_are_refused():
    deep = b"<x>" * 70 + b"</x>" * 70
    raw = _status_bytes().replace(b"<edXML:StatusCode>", deep + b"<edXML:StatusCode>")
    _refused(raw, ErrorCode.TOO_DEEP)
    _refused(_status_bytes(), ErrorCode.TOO_MANY_ELEMENTS, limits=Limits(max_elements=10))


def test_long_texts_and_long_lists_are_refused():
    packet = small_status()
    raw = write_packet(dataclasses.replace(packet, description="x" * 20_000))
    _refused(raw, ErrorCode.TEXT_TOO_LONG, limits=Limits(max_text_chars=19_999))
    document = small_document()
    many = dataclasses.replace(document, recipients=document.recipients * 3)
    _refused(write_packet(many), ErrorCode.TOO_MANY_ITEMS, limits=Limits(max_items=2))


# Namespaces


def test_an_unknown_undeclared_prefix_is_refused():
    raw = _status_bytes().replace(
        b"<edXML:StatusCode>", b"<foo:Note>x</foo:Note><edXML:StatusCode>"
    )
    error = _refused(raw, ErrorCode.UNDECLARED_PREFIX)
    assert error.detail == "foo"


def test_a_well_known_prefix_bound_elsewhere_to_another_namespace_is_refused():
    raw = _status_bytes()
    raw = raw.replace(b"<edXML:StatusCode>", b'<x:Note xmlns:xlink="urn:other"/><edXML:StatusCode>')
    raw = raw.replace(b"<edXML:Description>", b'<edXML:Description xlink:href="">')
    raw = raw.replace(b"<x:Note", b'<x:Note xmlns:x="urn:x"')
    error = _refused(raw, ErrorCode.UNDECLARED_PREFIX)
    assert "xlink" in error.detail


def test_undeclared_xlink_and_edxml_prefixes_are_recovered():
    raw = _status_bytes().replace(b"<edXML:From>", b'<edXML:From xlink:href="">')
    raw = raw.replace(
        b'<edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">',
        b"<edXML:edXMLEnvelope>",
    )
    parsed = read_packet(raw)
    assert sorted(r.detail.split("=")[0] for r in parsed.recoveries) == ["edXML", "xlink"]
    assert parsed.packet == small_status()


def test_wrong_roots_are_refused():
    _refused(b"<foo/>", ErrorCode.WRONG_ROOT)
    no_namespace = _status_bytes().replace(
        b'<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">', b"<edXML>"
    )
    _refused(no_namespace, ErrorCode.WRONG_ROOT)


# Header values


def test_missing_required_values_are_refused_with_their_location():
    raw = _status_bytes()
    start = raw.index(b"<edXML:Timestamp>")
    end = raw.index(b"</edXML:Timestamp>") + len(b"</edXML:Timestamp>")
    error = _refused(raw[:start] + raw[end:], ErrorCode.MISSING_ELEMENT)
    assert error.location == "/edXML/edXMLEnvelope/edXMLHeader/MessageHeader/Timestamp"
    document = write_packet(small_document())
    subject = "<edXML:Subject>V/v báo cáo số liệu quý I</edXML:Subject>".encode()
    blank = document.replace(subject, b"<edXML:Subject> </edXML:Subject>")
    error = _refused(blank, ErrorCode.MISSING_ELEMENT)
    assert error.location == "/edXML/edXMLEnvelope/edXMLHeader/MessageHeader/Subject"


def test_invalid_dates_and_timestamps_are_refused():
    document = write_packet(small_document())
    error = _refused(document.replace(b"2026/03/05<", b"2026/02/30<", 1), ErrorCode.INVALID_DATE)
    assert error.location.endswith("/PromulgationInfo/PromulgationDate")
    iso = _status_bytes().replace(b"2026/03/05 09:12:00", b"2026-03-05T09:12:00")
    _refused(iso, ErrorCode.INVALID_TIMESTAMP)
    arabic_digits = _status_bytes().replace(b"2026/03/05 09:12:00", "٢٠٢٦/03/05 09:12:00".encode())
    _refused(arabic_digits, ErrorCode.INVALID_TIMESTAMP)


def test_invalid_integers_and_booleans_are_refused():
    document = write_packet(dataclasses.replace(small_document(), steering_type=1))
    _refused(
        document.replace(b"<edXML:SteeringType>1<", b"<edXML:SteeringType>one<"),
        ErrorCode.INVALID_INTEGER,
    )
    other = dataclasses.replace(small_document().other_info, direction=True)
    document = write_packet(dataclasses.replace(small_document(), other_info=other))
    _refused(document.replace(b">true<", b">yes<"), ErrorCode.INVALID_BOOLEAN)


def test_duplicate_single_elements_are_refused():
    raw = _status_bytes().replace(
        b"<edXML:StatusCode>03</edXML:StatusCode>",
        b"<edXML:StatusCode>03</edXML:StatusCode><edXML:StatusCode>02</edXML:StatusCode>",
    )
    _refused(raw, ErrorCode.DUPLICATE_ELEMENT)


def test_text_fields_holding_elements_are_refused():
    raw = _status_bytes().replace("Đã tiếp nhận".encode(), b"<b>bold</b>")
    _refused(raw, ErrorCode.UNEXPECTED_CONTENT)


def test_unknown_status_codes_are_refused_and_lenient_forms_recorded():
    raw = _status_bytes()
    _refused(raw.replace(b">03<", b">07<"), ErrorCode.UNKNOWN_STATUS_CODE)
    _refused(raw.replace(b">03<", b">ba<"), ErrorCode.UNKNOWN_STATUS_CODE)
    fourteen = read_packet(raw.replace(b">03<", b">14<"))
    assert isinstance(fourteen.packet, StatusPacket)
    assert fourteen.packet.status_code == StatusCode.TAKE_BACK_ACCEPTED
    assert [(r.code, r.detail) for r in fourteen.recoveries] == [
        (RecoveryCode.STATUS_CODE_NORMALISED, "14 → 15")
    ]
    one = read_packet(raw.replace(b">03<", b">1<"))
    assert isinstance(one.packet, StatusPacket)
    assert one.packet.status_code == StatusCode.ARRIVED


def test_unknown_business_types_are_refused():
    document = write_packet(small_document())
    raw = document.replace(b"<edXML:BussinessDocType>0<", b"<edXML:BussinessDocType>7<")
    _refused(raw, ErrorCode.UNKNOWN_BUSINESS_DOC_TYPE)


def test_a_status_may_name_its_recipients():
    to = b"<edXML:To><edXML:OrganId>000.00.12.H34</edXML:OrganId></edXML:To>"
    raw = _status_bytes().replace(b"<edXML:ResponseFor>", to + b"<edXML:ResponseFor>")
    parsed = read_packet(raw)
    assert isinstance(parsed.packet, StatusPacket)
    assert [org.organ_id for org in parsed.packet.recipients] == ["000.00.12.H34"]


def test_a_header_both_document_and_status_is_refused():
    raw = _status_bytes().replace(
        b"<edXML:StatusCode>", b"<edXML:Subject>x</edXML:Subject><edXML:StatusCode>"
    )
    _refused(raw, ErrorCode.AMBIGUOUS_PACKET_KIND)


# Attachments


def _document_with(*attachments: Attachment) -> DocumentPacket:
    return small_document(tuple(attachments))


def test_manifest_and_content_must_agree():
    pdf = attachment_build(name="a.pdf", data=b"%PDF-1.4", content_id="cid:1")
    raw = write_packet(_document_with(pdf))
    renamed = raw.replace(b"<AttachmentName>a.pdf<", b"<AttachmentName>b.pdf<")
    _refused(renamed, ErrorCode.ATTACHMENT_MISMATCH)
    start = raw.index(b"<AttachmentEncoded>")
    end = raw.index(b"</AttachmentEncoded>") + len(b"</AttachmentEncoded>")
    _refused(raw[:start] + raw[end:], ErrorCode.ATTACHMENT_MISSING)
    unlisted = raw.replace(b"<edXML:ContentId>cid:1<", b"<edXML:ContentId>cid:9<")
    _refused(unlisted, ErrorCode.ATTACHMENT_NOT_IN_MANIFEST)
    block = raw[raw.index(b"<Attachment>") : raw.index(b"</Attachment>") + len(b"</Attachment>")]
    twice = raw.replace(block, block + block)
    _refused(twice, ErrorCode.DUPLICATE_CONTENT_ID)


def test_bad_base64_is_refused_or_reported():
    raw = _with_attachment(b"%PDF-1.4", content_type="application/pdf")
    bad = raw.replace(base64.encodebytes(b"%PDF-1.4").strip(), b"JVBERi0xLjQ*")
    _refused(bad, ErrorCode.ATTACHMENT_NOT_BASE64)
    parsed = read_packet(bad, unreadable_attachments="report")
    assert [d.code for d in parsed.defects] == [ErrorCode.ATTACHMENT_NOT_BASE64]
    assert isinstance(parsed.packet, DocumentPacket)
    assert parsed.packet.attachments[0].data is None


def test_a_zip_bomb_is_refused_by_its_ratio():
    bomb = _zip_of_zeros(64 * MIB)
    assert len(bomb) < MIB
    error = _refused(_with_attachment(bomb), ErrorCode.ZIP_RATIO)
    assert error.location == "/edXML/AttachmentEncoded/Attachment"
    parsed = read_packet(_with_attachment(bomb), unreadable_attachments="report")
    assert [d.code for d in parsed.defects] == [ErrorCode.ZIP_RATIO]


def test_zip_totals_are_bounded_by_the_budget():
    archive = _zip({"a.bin": random.Random(1).randbytes(MIB)})  # incompressible
    limits = Limits(max_decoded_bytes=MIB + MIB // 2)
    _refused(_with_attachment(archive), ErrorCode.DECODED_TOO_LARGE, limits=limits)


def test_a_zip_entry_lying_about_its_size_is_refused():
    archive = bytearray(_zip({"a.txt": b"A" * 100_000}))
    # Rewrite the declared size (local header and central directory) from 100000 to 1000.
    declared = (100_000).to_bytes(4, "little")
    assert archive.count(declared) == 2
    archive = archive.replace(declared, (1000).to_bytes(4, "little"))
    _refused(_with_attachment(bytes(archive)), ErrorCode.ZIP_INVALID)


def test_zip_entry_counts_names_and_methods_are_checked():
    many = _zip({"f" + str(i) + ".txt": b"x" for i in range(101)})
    _refused(_with_attachment(many), ErrorCode.ZIP_TOO_MANY_ENTRIES)
    for name in ("../evil.txt", "/etc/passwd", "C:\\evil.txt", "a/../../b"):
        _refused(_with_attachment(_zip({name: b"x"})), ErrorCode.ZIP_UNSAFE_NAME)
    bz2 = _zip({"a.txt": b"x" * 100}, compression=zipfile.ZIP_BZIP2)
    _refused(_with_attachment(bz2), ErrorCode.ZIP_UNSUPPORTED)
    _refused(_with_attachment(b"PK\x03\x04 not really a zip"), ErrorCode.ZIP_INVALID)


def test_an_office_file_is_a_zip_but_is_not_unpacked():
    docx = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})
    content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    parsed = read_packet(_with_attachment(docx, content_type=content_type))
    assert isinstance(parsed.packet, DocumentPacket)
    (attachment,) = parsed.packet.attachments
    assert not attachment.is_zipped
    assert [(f.name, f.data) for f in attachment.files] == [("tai-lieu.zip", docx)]


def test_packets_nested_deeper_than_the_limit_are_refused():
    innermost = write_packet(small_document())
    level1 = attachment_build(name="a.edxml", data=innermost, content_id="cid:a", zipped=True)
    middle = write_packet(small_document((level1,)))
    parsed = read_packet(middle)
    assert [r.code for r in parsed.recoveries] == [RecoveryCode.ZIPPED_PACKET]
    zip_of_middle = _zip({"b.edxml": middle})
    error = _refused(_with_attachment(zip_of_middle), ErrorCode.NESTING_TOO_DEEP)
    assert "b.edxml" in error.location
    read_packet(_with_attachment(zip_of_middle), limits=Limits(max_nesting=2))


def test_a_broken_packet_inside_a_zip_is_refused_with_its_own_code():
    broken = write_packet(small_status()).replace(b">03<", b">07<")
    error = _refused(_with_attachment(_zip({"x.edxml": broken})), ErrorCode.UNKNOWN_STATUS_CODE)
    assert error.location.startswith("/edXML/AttachmentEncoded/Attachment → x.edxml → ")


def test_made_up_names_do_not_pile_up_in_memory():
    # Given packets each carrying 5,000 element names never seen before (1 MB of names): lxml
    # interns names for as long as the parsing thread lives, so 60 of them would keep ~85 MB
    # if they were parsed on this thread.
    def rss_mib() -> float:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / MIB

    seed = _status_bytes()
    read_packet(seed)
    before = rss_mib()
    for index in range(60):
        names = b"".join(b"<n%d_%d_%s/>" % (index, j, b"x" * 200) for j in range(5000))
        parsed = read_packet(seed.replace(b"<edXML:StatusCode>", names + b"<edXML:StatusCode>"))
        assert len(parsed.unknown_elements) == 100  # listed up to a bound, then dropped
    # Then the memory stays bounded (each read runs in a thread of its own)
    assert rss_mib() - before < 50
