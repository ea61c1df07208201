"""Inputs for fuzzing the edXML reader: seeds and hypothesis strategies that mutate them.

Shared by ``test_fuzz.py`` (a few hundred examples in CI) and ``bench/fuzz_edxml.py`` (100,000
and more). Seeds: every published packet, plus small packets of our own (a status, a document
with a plain and a zipped attachment, a document whose zip holds a packet) so that most inputs
are cheap to read and reach every branch. Mutations work on bytes (flip, insert an XML or zip
token, delete, duplicate, truncate) or inside the zip of an attachment, re-encoded in base64.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import io
import zipfile

from hypothesis import strategies as st

from vanthu.exchange.edxml import (
    VIETNAM_TIME,
    Attachment,
    Business,
    BusinessDocType,
    Code,
    DocumentPacket,
    Organization,
    PromulgationInfo,
    ResponseFor,
    StaffInfo,
    StatusCode,
    StatusPacket,
    TraceHeader,
    attachment_build,
    write_packet,
)

from .conformance import CONFORMANCE_DIR, conformance_names

TOKENS = [
    b"<",
    b">",
    b"/>",
    b"</",
    b"&",
    b"&amp;",
    b"&lol;",
    b"&#0;",
    b"&#x10FFFF;",
    b'<!DOCTYPE edXML [<!ENTITY lol "lol">]>',
    b'<!DOCTYPE edXML SYSTEM "http://127.0.0.1:9/x.dtd">',
    b"<![CDATA[",
    b"]]>",
    b"<!--",
    b"-->",
    b"<?pi x?>",
    b'xmlns:edXML="urn:other"',
    b'xmlns=""',
    b"xlink:",
    b"edXML:",
    b"foo:",
    b"<edXML:To>",
    b"</edXML:To>",
    b"<edXML:StatusCode>14</edXML:StatusCode>",
    b"<edXML:Code>",
    b"<AttachmentEncoded>",
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\xc3\x28",
    b"1212",
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"====",
    b"2018/02/30",
    b"99999999999999999999",
    b"application/zip",
    b".edxml",
    b"\r\n",
    b" " * 64,
]
# Values put in place of an element's text: each a reason for a field-level refusal, or not.
VALUES = [
    b"",
    b" ",
    b"2018/02/30",
    b"2018/09/28 25:61:00",
    b"2018-09-28T17:25:11",
    b"07",
    b"14",
    b"1",
    b"-1",
    b"4",
    b"abc",
    b"true",
    b"yes",
    b"x" * 30_000,
    b"<x/>",
    b"cid:209",
    b"application/zip",
    b"text/plain",
]

ORG = Organization(organ_id="000.00.12.H34", organ_name="Sở Thông tin và Truyền thông")
OTHER = Organization(organ_id="000.00.00.H41", organ_name="UBND tỉnh Nghệ An")
WHEN = dt.datetime(2026, 3, 5, 9, 12, tzinfo=VIETNAM_TIME)


def small_document(attachments: tuple[Attachment, ...] = ()) -> DocumentPacket:
    return DocumentPacket(
        sender=ORG,
        recipients=(OTHER,),
        code=Code(number="125", notation="STTTT-VP"),
        promulgation=PromulgationInfo(place="Nha Trang", date=dt.date(2026, 3, 5)),
        subject="V/v báo cáo số liệu quý I",
        document_id="000.00.12.H34,2026/03/05,125/STTTT-VP",
        traces=(TraceHeader(organ_id=ORG.organ_id, timestamp=WHEN),),
        business=Business(doc_type=BusinessDocType.NEW, reason="Văn bản mới", paper=0),
        attachments=attachments,
    )


def small_status() -> StatusPacket:
    return StatusPacket(
        sender=OTHER,
        response_for=ResponseFor(
            organ_id=ORG.organ_id,
            code="125/STTTT-VP",
            promulgation_date=dt.date(2026, 3, 5),
            document_id="000.00.12.H34,2026/03/05,125/STTTT-VP",
        ),
        status_code=StatusCode.REGISTERED,
        timestamp=WHEN,
        description="Đã tiếp nhận",
        staff=StaffInfo(department="Văn thư", staff="Trần B"),
    )


@functools.cache
def own_seeds() -> tuple[bytes, ...]:
    """Small packets written by us, covering statuses, plain, zipped and nested attachments."""
    pdf = b"%PDF-1.4\n" + b"0123456789" * 50 + b"\n%%EOF\n"
    plain = attachment_build(name="125-STTTT-VP.pdf", data=pdf, content_id="cid:1")
    zipped = attachment_build(name="phu-luc.pdf", data=pdf, content_id="cid:2", zipped=True)
    inner = write_packet(small_document((plain,)))
    nested = attachment_build(name="goi-tin.edxml", data=inner, content_id="cid:3", zipped=True)
    return (
        write_packet(small_status()),
        inner,
        write_packet(small_document((plain, zipped))),
        write_packet(small_document((nested,))),
    )


@functools.cache
def published_seeds() -> tuple[bytes, ...]:
    return tuple((CONFORMANCE_DIR / name).read_bytes() for name in conformance_names())


def seeds() -> tuple[bytes, ...]:
    # Own seeds weigh more: they are cheap to read, and the published ones are in them too.
    return own_seeds() * 3 + published_seeds()


@st.composite
def mutated_bytes(draw: st.DrawFn, seed: bytes) -> bytes:
    """Apply one to four byte-level mutations to ``seed``."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        size = len(data)
        at = draw(st.integers(0, size))
        operation = draw(
            st.sampled_from(["flip", "insert", "delete", "duplicate", "truncate", "text"])
        )
        if operation == "text":
            # Replace the text before the closing tag found at or after ``at``.
            close = data.find(b"</", at)
            open_end = data.rfind(b">", 0, close)
            if close > 0 and open_end >= 0:
                data[open_end + 1 : close] = draw(st.sampled_from(VALUES))
        elif operation == "flip" and size:
            at = min(at, size - 1)
            data[at] ^= draw(st.integers(1, 255))
        elif operation == "insert":
            token = draw(st.sampled_from(TOKENS) | st.binary(min_size=1, max_size=8))
            data[at:at] = token
        elif operation == "delete":
            data[at : at + draw(st.integers(1, 64))] = b""
        elif operation == "duplicate":
            chunk = bytes(data[at : at + draw(st.integers(1, 256))])
            data[at:at] = chunk
        else:
            del data[at:]
    return bytes(data)


@st.composite
def zip_mutations(draw: st.DrawFn) -> bytes:
    """A packet whose zipped attachment is a mutated zip (bad headers, sizes, names...)."""
    inner = own_seeds()[1]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(draw(st.sampled_from(["a.pdf", "goi.edxml", "../x", "b/c.txt"])), inner)
        if draw(st.booleans()):
            archive.writestr("b.txt", b"\0" * draw(st.integers(0, 5000)))
    archive_bytes = draw(mutated_bytes(buffer.getvalue()))
    attachment = Attachment(
        content_id="cid:z",
        name="z.zip",
        content_type="application/zip",
        description="",
        data=archive_bytes,
        is_zipped=True,
    )
    return write_packet(small_document((attachment,)))


@st.composite
def base64_mutations(draw: st.DrawFn) -> bytes:
    """A packet whose attachment text is mutated base64."""
    seed = own_seeds()[2]
    text = base64.b64encode(b"%PDF-1.4 tiny").decode()
    mutated = draw(mutated_bytes(text.encode())).decode("latin-1")
    escaped = mutated.replace("&", "&amp;").replace("<", "&lt;")
    start = seed.index(b"<ContentTransferEncoded>") + len(b"<ContentTransferEncoded>")
    end = seed.index(b"</ContentTransferEncoded>", start)
    return seed[:start] + escaped.encode("utf-8") + seed[end:]


def reader_inputs() -> st.SearchStrategy[bytes]:
    """Everything the fuzzers feed the reader."""
    return st.one_of(
        st.sampled_from(seeds()).flatmap(mutated_bytes),
        zip_mutations(),
        base64_mutations(),
        st.binary(max_size=2048),
        st.sampled_from(seeds()),
    )


__all__ = [
    "base64_mutations",
    "mutated_bytes",
    "own_seeds",
    "published_seeds",
    "reader_inputs",
    "seeds",
    "small_document",
    "small_status",
    "zip_mutations",
]
