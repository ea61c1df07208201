"""Write edXML packets: dataclasses in, UTF-8 bytes out, shaped like the published packets.

The root declares the edXML namespace as default, the envelope declares the ``edXML`` prefix
and every envelope element carries it (the VPCP side rejects unprefixed header children,
standards.md §1.1); ``AttachmentEncoded`` follows the envelope, unprefixed. Empty optional fields
are left out rather than written empty (a .NET reader chokes on ``<DueDate/>``).

Whatever is written reads back to an equal packet: the writer refuses (``INVALID_VALUE``) what
the reader would refuse or could not give back (characters XML cannot carry, values over the
default limits, a missing number or sender), writes text stripped of surrounding whitespace
(the reader strips it) and timestamps in Vietnam time to the second.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import mimetypes
import re
import uuid
import zipfile
from collections.abc import Iterable

from .attachments import ZIP_CONTENT_TYPES
from .errors import EdxmlError, ErrorCode
from .limits import DEFAULT_LIMITS
from .model import (
    VIETNAM_TIME,
    Attachment,
    Business,
    DocumentPacket,
    Organization,
    ParsedPacket,
    ResponseFor,
    StaffInfo,
    StatusPacket,
)
from .reader import attachment_files
from .xmlsafe import EDXML_NS

__all__ = ["attachment_build", "write_packet"]

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_MAX_INTEGER = 999_999_999


def _invalid(location: str, detail: str = "") -> EdxmlError:
    return EdxmlError(ErrorCode.INVALID_VALUE, location=location, detail=detail)


def _escape(value: str, location: str) -> str:
    if _NOT_XML.search(value):
        raise _invalid(location, "ký tự không được phép trong XML")
    if len(value) > DEFAULT_LIMITS.max_text_chars:
        raise _invalid(location, "quá " + str(DEFAULT_LIMITS.max_text_chars) + " ký tự")
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\r", "&#13;")  # a raw CR would come back as LF
    )


class _Out:
    """An indented XML text being written, with the edXML prefix or without."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def open(self, depth: int, tag: str, attributes: str = "") -> None:
        self.lines.append("  " * depth + "<" + tag + attributes + ">")

    def close(self, depth: int, tag: str) -> None:
        self.lines.append("  " * depth + "</" + tag + ">")

    def field(
        self, depth: int, tag: str, value: str, location: str, *, required: bool = False
    ) -> None:
        value = value.strip()
        if not value:
            if required:
                raise _invalid(location, "bắt buộc")
            return
        self.lines.append(
            "  " * depth + "<" + tag + ">" + _escape(value, location) + "</" + tag + ">"
        )

    def integer(self, depth: int, tag: str, value: int | None, location: str) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not 0 <= value <= _MAX_INTEGER:
            raise _invalid(location, "số nguyên từ 0 đến " + str(_MAX_INTEGER))
        self.field(depth, tag, str(int(value)), location)

    def date(self, depth: int, tag: str, value: dt.date | None, location: str) -> None:
        if value is not None:
            self.field(depth, tag, _date(value), location)

    def timestamp(self, depth: int, tag: str, value: dt.datetime | None, location: str) -> None:
        if value is None:
            return
        if value.tzinfo is None or value.utcoffset() is None:
            raise _invalid(location, "thời điểm phải có múi giờ")
        local = value.astimezone(VIETNAM_TIME)
        self.field(depth, tag, _date(local.date()) + local.strftime(" %H:%M:%S"), location)

    def items(self, location: str, values: Iterable[object]) -> None:
        if len(list(values)) > DEFAULT_LIMITS.max_items:
            raise _invalid(location, "quá " + str(DEFAULT_LIMITS.max_items) + " mục")


def _date(value: dt.date) -> str:
    return f"{value.year:04d}/{value.month:02d}/{value.day:02d}"


def _e(name: str) -> str:
    return "edXML:" + name


def _organization(out: _Out, depth: int, tag: str, org: Organization, where: str) -> None:
    out.open(depth, _e(tag))
    inner = depth + 1
    out.field(inner, _e("OrganId"), org.organ_id, where + ".organ_id", required=True)
    out.field(inner, _e("OrganizationInCharge"), org.organization_in_charge, where)
    out.field(inner, _e("OrganName"), org.organ_name, where + ".organ_name")
    out.field(inner, _e("OrganAdd"), org.address, where + ".address")
    out.field(inner, _e("Email"), org.email, where + ".email")
    out.field(inner, _e("Telephone"), org.telephone, where + ".telephone")
    out.field(inner, _e("Fax"), org.fax, where + ".fax")
    out.field(inner, _e("Website"), org.website, where + ".website")
    out.close(depth, _e(tag))


def _response_for(out: _Out, depth: int, response: ResponseFor, where: str) -> None:
    out.open(depth, _e("ResponseFor"))
    out.field(depth + 1, _e("OrganId"), response.organ_id, where + ".organ_id")
    out.field(depth + 1, _e("Code"), response.code, where + ".code")
    out.date(depth + 1, _e("PromulgationDate"), response.promulgation_date, where)
    out.field(depth + 1, _e("DocumentId"), response.document_id, where + ".document_id")
    out.close(depth, _e("ResponseFor"))


def _staff(out: _Out, depth: int, staff: StaffInfo | None, where: str) -> None:
    if staff is None:
        return
    out.open(depth, _e("StaffInfo"))
    out.field(depth + 1, _e("Department"), staff.department, where + ".department")
    out.field(depth + 1, _e("Staff"), staff.staff, where + ".staff")
    out.field(depth + 1, _e("Mobile"), staff.mobile, where + ".mobile")
    out.field(depth + 1, _e("Email"), staff.email, where + ".email")
    out.close(depth, _e("StaffInfo"))


def _business(out: _Out, depth: int, business: Business) -> None:
    out.open(depth, _e("Bussiness"))
    inner = depth + 1
    out.field(inner, _e("BussinessDocType"), str(int(business.doc_type)), "business.doc_type")
    out.field(inner, _e("BussinessDocReason"), business.reason, "business.reason")
    out.field(inner, _e("DocumentId"), business.document_id, "business.document_id")
    out.integer(inner, _e("Paper"), business.paper, "business.paper")
    info = business.document_info
    if info is not None:
        out.open(inner, _e("BussinessDocumentInfo"))
        out.integer(inner + 1, _e("DocumentInfo"), info.document_info, "business.document_info")
        out.integer(
            inner + 1, _e("DocumentReceiver"), info.document_receiver, "business.document_info"
        )
        if info.receivers:
            out.items("business.document_info.receivers", info.receivers)
            out.open(inner + 1, _e("ReceiverList"))
            for receiver in info.receivers:
                out.open(inner + 2, _e("Receiver"))
                where = "business.document_info.receivers"
                out.field(inner + 3, _e("OrganId"), receiver.organ_id, where, required=True)
                out.integer(inner + 3, _e("ReceiverType"), receiver.receiver_type, where)
                out.close(inner + 2, _e("Receiver"))
            out.close(inner + 1, _e("ReceiverList"))
        out.close(inner, _e("BussinessDocumentInfo"))
    if business.replacements:
        out.items("business.replacements", business.replacements)
        out.open(inner, _e("ReplacementInfoList"))
        for item in business.replacements:
            out.open(inner + 1, _e("ReplacementInfo"))
            where = "business.replacements"
            out.field(inner + 2, _e("DocumentId"), item.document_id, where, required=True)
            if item.organ_ids:
                out.items(where + ".organ_ids", item.organ_ids)
                out.open(inner + 2, _e("OrganIdList"))
                for organ_id in item.organ_ids:
                    out.field(inner + 3, _e("OrganId"), organ_id, where, required=True)
                out.close(inner + 2, _e("OrganIdList"))
            out.close(inner + 1, _e("ReplacementInfo"))
        out.close(inner, _e("ReplacementInfoList"))
    _staff(out, inner, business.staff, "business.staff")
    out.close(depth, _e("Bussiness"))


def _message_header(out: _Out, packet: DocumentPacket) -> None:
    d = 4
    _organization(out, d, "From", packet.sender, "sender")
    if not packet.recipients:
        raise _invalid("recipients", "bắt buộc")
    out.items("recipients", packet.recipients)
    for index, recipient in enumerate(packet.recipients):
        _organization(out, d, "To", recipient, "recipients[" + str(index) + "]")
    out.open(d, _e("Code"))
    out.field(d + 1, _e("CodeNumber"), packet.code.number, "code.number", required=True)
    out.field(d + 1, _e("CodeNotation"), packet.code.notation, "code.notation")
    out.close(d, _e("Code"))
    out.open(d, _e("PromulgationInfo"))
    out.field(d + 1, _e("Place"), packet.promulgation.place, "promulgation.place")
    if packet.promulgation.date is None:
        raise _invalid("promulgation.date", "bắt buộc")
    out.date(d + 1, _e("PromulgationDate"), packet.promulgation.date, "promulgation.date")
    out.close(d, _e("PromulgationInfo"))
    kind = packet.document_type
    out.open(d, _e("DocumentType"))
    out.integer(d + 1, _e("Type"), kind.type, "document_type.type")
    out.integer(d + 1, _e("TypeDetail"), kind.type_detail, "document_type.type_detail")
    out.field(d + 1, _e("TypeName"), kind.type_name, "document_type.type_name")
    out.close(d, _e("DocumentType"))
    out.field(d, _e("Subject"), packet.subject, "subject", required=True)
    out.field(d, _e("Content"), packet.content, "content")
    out.open(d, _e("SignerInfo"))
    out.field(d + 1, _e("Competence"), packet.signer.competence, "signer.competence")
    out.field(d + 1, _e("Position"), packet.signer.position, "signer.position")
    out.field(d + 1, _e("FullName"), packet.signer.full_name, "signer.full_name")
    out.close(d, _e("SignerInfo"))
    out.date(d, _e("DueDate"), packet.due_date, "due_date")
    if packet.to_places:
        out.items("to_places", packet.to_places)
        out.open(d, _e("ToPlaces"))
        for place in packet.to_places:
            out.field(d + 1, _e("Place"), place, "to_places")
        out.close(d, _e("ToPlaces"))
    info = packet.other_info
    out.open(d, _e("OtherInfo"))
    out.integer(d + 1, _e("Priority"), info.priority, "other_info.priority")
    out.field(d + 1, _e("SphereOfPromulgation"), info.sphere_of_promulgation, "other_info")
    out.field(d + 1, _e("TyperNotation"), info.typer_notation, "other_info.typer_notation")
    out.integer(d + 1, _e("PromulgationAmount"), info.promulgation_amount, "other_info")
    out.integer(d + 1, _e("PageAmount"), info.page_amount, "other_info.page_amount")
    if info.direction is not None:
        out.field(d + 1, _e("Direction"), "true" if info.direction else "false", "other_info")
    if info.appendixes:
        out.items("other_info.appendixes", info.appendixes)
        out.open(d + 1, _e("Appendixes"))
        for appendix in info.appendixes:
            out.field(d + 2, _e("Appendix"), appendix, "other_info.appendixes")
        out.close(d + 1, _e("Appendixes"))
    out.close(d, _e("OtherInfo"))
    out.items("response_for", packet.response_for)
    for index, response in enumerate(packet.response_for):
        if not response.is_empty:  # the reader drops empty ones: write none
            _response_for(out, d, response, "response_for[" + str(index) + "]")
    out.integer(d, _e("SteeringType"), packet.steering_type, "steering_type")
    out.field(d, _e("DocumentId"), packet.document_id, "document_id")
    out.field(d, _e("ApplicationType"), packet.application_type, "application_type")


def _trace_header_list(out: _Out, packet: DocumentPacket) -> None:
    if not packet.traces and packet.business is None:
        return
    out.items("traces", packet.traces)
    out.open(3, _e("TraceHeaderList"))
    for trace in packet.traces:
        out.open(4, _e("TraceHeader"))
        out.field(5, _e("OrganId"), trace.organ_id, "traces.organ_id", required=True)
        out.timestamp(5, _e("Timestamp"), trace.timestamp, "traces.timestamp")
        out.close(4, _e("TraceHeader"))
    if packet.business is not None:
        _business(out, 4, packet.business)
    out.close(3, _e("TraceHeaderList"))


def _check_attachments(attachments: tuple[Attachment, ...]) -> None:
    if len(attachments) > DEFAULT_LIMITS.max_attachments:
        raise _invalid("attachments", "quá " + str(DEFAULT_LIMITS.max_attachments) + " tệp")
    seen: set[str] = set()
    for index, attachment in enumerate(attachments):
        where = "attachments[" + str(index) + "]"
        content_id = attachment.content_id.strip()
        if not content_id or content_id in seen:
            raise _invalid(where + ".content_id", "trống hoặc trùng")
        seen.add(content_id)
        if attachment.data is None:
            raise _invalid(where + ".data", "không có nội dung")


def _reference(out: _Out, attachment: Attachment, where: str) -> None:
    out.open(4, _e("Reference"))
    out.field(5, _e("ContentId"), attachment.content_id, where + ".content_id")
    out.field(5, _e("ContentType"), attachment.content_type, where + ".content_type")
    out.field(5, _e("Description"), attachment.description, where + ".description")
    out.field(5, _e("AttachmentName"), attachment.name, where + ".name")
    out.close(4, _e("Reference"))


def _encoded(out: _Out, attachment: Attachment, where: str) -> None:
    assert attachment.data is not None
    out.open(2, "Attachment")
    out.field(3, "ContentId", attachment.content_id, where + ".content_id")
    out.field(3, "AttachmentName", attachment.name, where + ".name")
    out.field(3, "Description", attachment.description, where + ".description")
    out.field(3, "ContentType", attachment.content_type, where + ".content_type")
    encoded = base64.encodebytes(attachment.data).decode("ascii")
    out.lines.append("      <ContentTransferEncoded>" + encoded + "</ContentTransferEncoded>")
    out.close(2, "Attachment")


def write_packet(packet: DocumentPacket | StatusPacket | ParsedPacket) -> bytes:
    """Return the UTF-8 bytes of ``packet`` (unsigned; see ``sign_packet``)."""
    if isinstance(packet, ParsedPacket):
        packet = packet.packet
    out = _Out()
    out.lines.append('<?xml version="1.0" encoding="UTF-8"?>')
    out.open(0, "edXML", ' xmlns="' + EDXML_NS + '"')
    out.open(1, _e("edXMLEnvelope"), ' xmlns:edXML="' + EDXML_NS + '"')
    out.open(2, _e("edXMLHeader"))
    out.open(3, _e("MessageHeader"))
    if isinstance(packet, StatusPacket):
        _organization(out, 4, "From", packet.sender, "sender")
        out.items("recipients", packet.recipients)
        for index, recipient in enumerate(packet.recipients):
            _organization(out, 4, "To", recipient, "recipients[" + str(index) + "]")
        if packet.response_for.is_empty:
            raise _invalid("response_for", "bắt buộc")
        _response_for(out, 4, packet.response_for, "response_for")
        _staff(out, 4, packet.staff, "staff")
        out.field(4, _e("StatusCode"), packet.status_code.value, "status_code", required=True)
        out.field(4, _e("Description"), packet.description, "description")
        if packet.timestamp is None:
            raise _invalid("timestamp", "bắt buộc")
        out.timestamp(4, _e("Timestamp"), packet.timestamp, "timestamp")
        out.close(3, _e("MessageHeader"))
        out.close(2, _e("edXMLHeader"))
    else:
        _message_header(out, packet)
        out.close(3, _e("MessageHeader"))
        _trace_header_list(out, packet)
        out.close(2, _e("edXMLHeader"))
        _check_attachments(packet.attachments)
        out.open(2, _e("edXMLBody"))
        out.open(3, _e("edXMLManifest"), ' version="1.0"')
        for index, attachment in enumerate(packet.attachments):
            _reference(out, attachment, "attachments[" + str(index) + "]")
        out.close(3, _e("edXMLManifest"))
        out.close(2, _e("edXMLBody"))
    out.close(1, _e("edXMLEnvelope"))
    if isinstance(packet, DocumentPacket) and packet.attachments:
        out.open(1, "AttachmentEncoded")
        for index, attachment in enumerate(packet.attachments):
            _encoded(out, attachment, "attachments[" + str(index) + "]")
        out.close(1, "AttachmentEncoded")
    out.close(0, "edXML")
    try:
        return ("\n".join(out.lines) + "\n").encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate slipped past the character check
        raise _invalid("", "ký tự không mã hóa được UTF-8") from exc


def _zip_one(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        # A fixed date keeps the packet reproducible; the document's dates are in the header.
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, data)
    return buffer.getvalue()


def attachment_build(
    *,
    name: str,
    data: bytes,
    content_type: str = "",
    description: str = "",
    content_id: str = "",
    zipped: bool = False,
) -> Attachment:
    """Return an attachment ready to write: ``data`` zipped if asked, ``files`` filled in.

    A zipped attachment is declared ``application/zip`` (how receivers know to unpack it) and
    holds one entry named ``name``. The content id defaults to a new ``cid:<uuid>``.
    """
    if zipped:
        payload = _zip_one(name, data)
        content_type = "application/zip"
    else:
        payload = data
        content_type = content_type or (mimetypes.guess_type(name)[0] or "application/octet-stream")
    is_zipped = content_type.lower() in ZIP_CONTENT_TYPES
    return Attachment(
        content_id=content_id or "cid:" + str(uuid.uuid4()),
        name=name.strip(),
        content_type=content_type,
        description=(description or name).strip(),
        data=payload,
        is_zipped=is_zipped,
        files=attachment_files(name.strip(), payload, is_zipped=is_zipped),
    )
