"""Read edXML packets (QCVN 102:2016): bytes in, ``ParsedPacket`` out, or ``EdxmlError``.

The reader is order-insensitive inside each element (the published packets disagree on order),
requires what a register needs (sender, recipients, number, date, subject; for a status: sender,
the document answered, the code and time), refuses duplicates of single-valued elements and
values it cannot interpret, and lists unknown elements instead of failing on them. Attachments:
manifest and content merged, base64 decoded, zips unpacked, a packet in a zip read in turn.
"""

from __future__ import annotations

from lxml import etree

from .attachments import ZIP_CONTENT_TYPES, Budget, decode_base64, looks_like_packet, unzip
from .errors import Defect, EdxmlError, ErrorCode, Recovery, RecoveryCode
from .header import DOCUMENT_HEADER, STATUS_HEADER, document_packet, status_packet
from .limits import DEFAULT_LIMITS, Limits
from .model import Attachment, AttachmentFile, DocumentPacket, ParsedPacket, StatusPacket
from .nodes import MAX_UNKNOWN, Context, Node, UnreadableAttachments, fail
from .xmlsafe import EDXML_NS, element_path, isolated, parse_xml

__all__ = ["UnreadableAttachments", "attachment_files", "read_packet"]

_ATTACHMENT = {
    "ContentId",
    "AttachmentName",
    "Description",
    "ContentType",
    "ContentTransferEncoded",
}
_REFERENCE = {"ContentId", "ContentType", "Description", "AttachmentName"}


def _merge(ctx: Context, name: str, encoded: Node, reference: Node, element: etree._Element) -> str:
    own = encoded.text(name)
    listed = reference.text(name)
    if own and listed and own.lower() != listed.lower():
        raise EdxmlError(
            ErrorCode.ATTACHMENT_MISMATCH,
            location=element_path(element) + "/" + name,
            line=element.sourceline,
            detail=own[:60] + " ≠ " + listed[:60],
        )
    return own or listed


def _files(
    ctx: Context, name: str, data: bytes, *, is_zipped: bool, location: str
) -> tuple[AttachmentFile, ...]:
    if not is_zipped:
        return (AttachmentFile(name=name, data=data),)
    files = []
    for entry_name, entry in unzip(data, limits=ctx.limits, budget=ctx.budget, location=location):
        packet = None
        if looks_like_packet(entry_name, entry):
            where = location + " → " + entry_name
            if ctx.depth + 1 > ctx.limits.max_nesting:
                raise EdxmlError(ErrorCode.NESTING_TOO_DEEP, location=where)
            try:
                packet = _read(
                    entry, limits=ctx.limits, budget=ctx.budget, depth=ctx.depth + 1, mode=ctx.mode
                )
            except EdxmlError as exc:
                raise exc.within(where) from exc
            # Published defect (edoc_update/replacement/revocation): the attachment is a zip
            # holding a whole packet; its own attachments are the document's files.
            ctx.recoveries.append(
                Recovery(RecoveryCode.ZIPPED_PACKET, detail=entry_name, location=location)
            )
        files.append(AttachmentFile(name=entry_name, data=entry, packet=packet))
    return tuple(files)


def _attachment(ctx: Context, encoded: Node, reference: Node) -> Attachment:
    element = encoded.element
    location = element_path(element)
    content_id = encoded.text("ContentId", required=True)
    name = _merge(ctx, "AttachmentName", encoded, reference, element)
    content_type = _merge(ctx, "ContentType", encoded, reference, element)
    description = _merge(ctx, "Description", encoded, reference, element)
    transfer = encoded.one("ContentTransferEncoded", required=True)
    assert transfer is not None
    if len(transfer):
        raise fail(ErrorCode.UNEXPECTED_CONTENT, transfer, "")
    is_zipped = content_type.lower() in ZIP_CONTENT_TYPES
    data: bytes | None = None
    files: tuple[AttachmentFile, ...] = ()
    try:
        data = decode_base64(
            transfer.text or "", location=element_path(transfer), budget=ctx.budget
        )
        files = _files(ctx, name, data, is_zipped=is_zipped, location=location)
    except EdxmlError as exc:
        if ctx.mode == "refuse":
            raise
        ctx.defects.append(Defect(exc.code, exc.location, exc.detail))
    return Attachment(
        content_id=content_id,
        name=name,
        content_type=content_type,
        description=description,
        data=data,
        is_zipped=is_zipped,
        files=files,
    )


def _attachments(ctx: Context, top: Node, envelope: Node) -> tuple[Attachment, ...]:
    references: dict[str, Node] = {}
    body = envelope.one("edXMLBody")
    if body is not None:
        manifest = ctx.node(body, {"edXMLManifest"}).one("edXMLManifest")
        if manifest is not None:
            for reference in ctx.node(manifest, {"Reference"}).many("Reference"):
                node = ctx.node(reference, _REFERENCE)
                content_id = node.text("ContentId", required=True)
                if content_id in references:
                    raise fail(ErrorCode.DUPLICATE_CONTENT_ID, reference, content_id)
                references[content_id] = node
    encoded = top.one("AttachmentEncoded")
    items = [] if encoded is None else ctx.node(encoded, {"Attachment"}).many("Attachment")
    if len(items) > ctx.limits.max_attachments:
        raise EdxmlError(ErrorCode.TOO_MANY_ATTACHMENTS, detail=str(len(items)))
    attachments: list[Attachment] = []
    seen: set[str] = set()
    for item in items:
        node = ctx.node(item, _ATTACHMENT)
        content_id = node.text("ContentId", required=True)
        if content_id in seen:
            raise fail(ErrorCode.DUPLICATE_CONTENT_ID, item, content_id)
        seen.add(content_id)
        reference = references.pop(content_id, None)
        if reference is None:
            raise fail(ErrorCode.ATTACHMENT_NOT_IN_MANIFEST, item, content_id)
        attachments.append(_attachment(ctx, node, reference))
    for content_id, reference in references.items():
        raise fail(ErrorCode.ATTACHMENT_MISSING, reference.element, content_id)
    return tuple(attachments)


def _header(ctx: Context, header: etree._Element) -> tuple[etree._Element, etree._Element | None]:
    """Return MessageHeader and TraceHeaderList; note a signature (any namespace: the SDK
    samples put an XML-DSig ``Signature`` either in its own namespace or in edXML's)."""
    messages: list[etree._Element] = []
    traces: list[etree._Element] = []
    for child in header:
        name = etree.QName(child)
        if name.localname == "Signature":
            ctx.has_signature = True
        elif name.namespace == EDXML_NS and name.localname == "MessageHeader":
            messages.append(child)
        elif name.namespace == EDXML_NS and name.localname == "TraceHeaderList":
            traces.append(child)
        elif name.namespace == EDXML_NS and name.localname == "DigitalSignature":
            # S6 writes an empty DigitalSignature: no signature.
            ctx.has_signature = ctx.has_signature or bool(len(child) or (child.text or "").strip())
        elif len(ctx.unknown) < MAX_UNKNOWN:
            ctx.unknown.append(element_path(child))
    where = element_path(header)
    if not messages:
        raise EdxmlError(ErrorCode.MISSING_ELEMENT, location=where + "/MessageHeader")
    if len(messages) > 1 or len(traces) > 1:
        raise EdxmlError(ErrorCode.DUPLICATE_ELEMENT, location=where)
    return messages[0], traces[0] if traces else None


def _read(
    raw: bytes, *, limits: Limits, budget: Budget, depth: int, mode: UnreadableAttachments
) -> ParsedPacket:
    root, recoveries = parse_xml(raw, limits)
    ctx = Context(limits=limits, budget=budget, depth=depth, mode=mode)
    ctx.recoveries.extend(recoveries)
    if etree.QName(root) != etree.QName(EDXML_NS, "edXML"):
        raise EdxmlError(ErrorCode.WRONG_ROOT, line=root.sourceline, detail=str(root.tag)[:100])
    top = ctx.node(root, {"edXMLEnvelope", "AttachmentEncoded"})
    envelope_element = top.one("edXMLEnvelope", required=True)
    assert envelope_element is not None
    envelope = ctx.node(envelope_element, {"edXMLHeader", "edXMLBody"})
    header = envelope.one("edXMLHeader", required=True)
    assert header is not None
    message_element, traces = _header(ctx, header)
    is_status = message_element.find("{" + EDXML_NS + "}StatusCode") is not None
    packet: DocumentPacket | StatusPacket
    if is_status:
        message = ctx.node(message_element, STATUS_HEADER | DOCUMENT_HEADER)
        if any(message.has(name) for name in DOCUMENT_HEADER - STATUS_HEADER):
            raise EdxmlError(
                ErrorCode.AMBIGUOUS_PACKET_KIND,
                location=element_path(message_element),
                line=message_element.sourceline,
            )
        packet = status_packet(ctx, message)
        # A status carries no trace list and no attachments: note them, never decode them.
        for extra in (traces, top.one("AttachmentEncoded")):
            if extra is not None and len(ctx.unknown) < MAX_UNKNOWN:
                ctx.unknown.append(element_path(extra))
    else:
        message = ctx.node(message_element, DOCUMENT_HEADER)
        packet = document_packet(ctx, message, traces, lambda: _attachments(ctx, top, envelope))
    return ParsedPacket(
        packet=packet,
        recoveries=tuple(ctx.recoveries),
        defects=tuple(ctx.defects),
        unknown_elements=tuple(ctx.unknown),
        has_signature=ctx.has_signature,
    )


def read_packet(
    raw: bytes,
    *,
    limits: Limits = DEFAULT_LIMITS,
    unreadable_attachments: UnreadableAttachments = "refuse",
) -> ParsedPacket:
    """Read a document or status packet from ``raw``; raise ``EdxmlError`` if it is refused.

    ``unreadable_attachments="report"`` reads a packet whose attachment content cannot be
    decoded or unpacked (within the limits) and lists why in ``defects``, with that
    attachment's ``data`` (or ``files``) left empty, so that the sender can be answered with
    a precise reason (status 02). The caller keeps ``raw``: the reader never alters it.
    """
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise TypeError("raw must be bytes")
    data = bytes(raw)
    return isolated(
        _read, data, limits=limits, budget=Budget(limits), depth=0, mode=unreadable_attachments
    )


def attachment_files(
    name: str, data: bytes, *, is_zipped: bool, limits: Limits = DEFAULT_LIMITS
) -> tuple[AttachmentFile, ...]:
    """Return the files the reader would find in an attachment (used to build attachments)."""
    ctx = Context(limits=limits, budget=Budget(limits), depth=0, mode="refuse")
    return isolated(_files, ctx, name, data, is_zipped=is_zipped, location=name)
