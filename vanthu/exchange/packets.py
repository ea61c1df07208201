"""Map the exchange's shapes to edXML packets and back (ADR 0018): no ORM, no I/O.

`Envelope` + files ↔ `DocumentPacket`; a status report ↔ `StatusPacket`. The document type's
Vanthu code does not travel (edXML carries a number and a name): the receiver finds the type by
its name (`services.reception_data`), so an envelope read from a packet has `type_code=""`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from vanthu.exchange import edxml
from vanthu.exchange.envelope import Envelope

# Độ khẩn ↔ edXML Priority 0..3 (standards.md §1.2).
PRIORITY = {"normal": 0, "urgent": 1, "very_urgent": 2, "flash": 3}
URGENCY = {value: key for key, value in PRIORITY.items()}


@dataclass(frozen=True)
class PacketFile:
    """A file carried by a document packet, byte for byte."""

    name: str
    content_type: str
    data: bytes
    is_main: bool = False


@dataclass(frozen=True)
class StatusReport:
    """A status of a document, as one system reports it to another."""

    reporter_identifier: str
    reporter_name: str
    peer_identifier: str
    document_id: str
    code: str
    at: dt.datetime
    description: str = ""
    staff: str = ""


def _seconds(at: dt.datetime) -> dt.datetime:
    return at.astimezone(edxml.VIETNAM_TIME).replace(microsecond=0)


def document_id_parts(document_id: str) -> tuple[str, dt.date | None, str]:
    """Split an edXML DocumentId `<OrganId>,<yyyy/MM/dd>,<number>/<notation>` (lenient)."""
    parts = document_id.split(",", 2)
    if len(parts) != 3:
        return document_id, None, ""
    try:
        day = dt.datetime.strptime(parts[1], "%Y/%m/%d").date()
    except ValueError:
        day = None
    return parts[0], day, parts[2]


def document_packet_build(
    *,
    envelope: Envelope,
    recipient_identifier: str,
    recipient_name: str,
    files: Sequence[PacketFile],
    at: dt.datetime,
    business_type: int = 0,
    reason: str = "",
    staff: str = "",
    replaces: str = "",
) -> edxml.DocumentPacket:
    """Return the document packet of an envelope and its files for one recipient.

    The main file comes first. `Bussiness/DocumentId` names the document a take back (1) or
    an update (2) is about, the envelope's own; a replacement (3) names the replaced one
    (`replaces`) there and in `ReplacementInfoList`. An update says in `BussinessDocumentInfo`
    whether it carries files (`DocumentInfo` 1) or metadata only (0), for this recipient.
    """
    ordered = sorted(files, key=lambda f: not f.is_main)
    target = ""
    if business_type == edxml.BusinessDocType.REPLACE:
        target = replaces
    elif business_type:
        target = envelope.document_id
    document_info = None
    if business_type == edxml.BusinessDocType.UPDATE:
        document_info = edxml.BusinessDocumentInfo(
            document_info=1 if files else 0,
            document_receiver=0,
            receivers=(edxml.Receiver(organ_id=recipient_identifier, receiver_type=0),),
        )
    return edxml.DocumentPacket(
        sender=edxml.Organization(
            organ_id=envelope.sender_identifier, organ_name=envelope.sender_name
        ),
        recipients=(edxml.Organization(organ_id=recipient_identifier, organ_name=recipient_name),),
        code=edxml.Code(number=envelope.number, notation=envelope.notation),
        promulgation=edxml.PromulgationInfo(place=envelope.place, date=envelope.document_date),
        subject=envelope.summary,
        document_type=edxml.DocumentType(type_name=envelope.type_name),
        signer=edxml.SignerInfo(position=envelope.signer_position, full_name=envelope.signer_name),
        due_date=envelope.due_date,
        to_places=envelope.to_places,
        other_info=edxml.OtherInfo(
            priority=PRIORITY.get(envelope.urgency, 0), page_amount=envelope.page_count
        ),
        document_id=envelope.document_id,
        traces=(edxml.TraceHeader(organ_id=envelope.sender_identifier, timestamp=_seconds(at)),),
        business=edxml.Business(
            doc_type=edxml.BusinessDocType(business_type),
            reason=reason,
            document_id=target,
            paper=1 if envelope.paper_copy_follows else 0,
            staff=edxml.StaffInfo(staff=staff) if staff else None,
            document_info=document_info,
            replacements=(
                (edxml.ReplacementInfo(document_id=replaces, organ_ids=(recipient_identifier,)),)
                if business_type == edxml.BusinessDocType.REPLACE and replaces
                else ()
            ),
        ),
        attachments=tuple(
            edxml.attachment_build(
                name=f.name,
                data=f.data,
                content_type=f.content_type,
                content_id=f"cid:{index}",
            )
            for index, f in enumerate(ordered, start=1)
        ),
    )


def business_target(packet: edxml.DocumentPacket) -> str:
    """Return the DocumentId a take back, update or replacement packet is about ("" if none)."""
    business = packet.business
    if business is None or business.doc_type == edxml.BusinessDocType.NEW:
        return ""
    if business.doc_type == edxml.BusinessDocType.REPLACE:
        named = [r.document_id for r in business.replacements if r.document_id]
        return named[0] if named else business.document_id
    return business.document_id or packet.document_id


def envelope_from_packet(packet: edxml.DocumentPacket) -> Envelope:
    """Return the envelope a document packet carries (`type_code` empty: see the module)."""
    return Envelope(
        sender_identifier=packet.sender.organ_id,
        sender_name=packet.sender.organ_name,
        number=packet.code.number,
        notation=packet.code.notation,
        document_date=packet.promulgation.date or dt.date.min,
        type_code="",
        type_name=packet.document_type.type_name,
        summary=packet.subject,
        signer_name=packet.signer.full_name,
        signer_position=packet.signer.position,
        urgency=URGENCY.get(packet.other_info.priority or 0, "normal"),
        due_date=packet.due_date,
        page_count=packet.other_info.page_amount,
        place=packet.promulgation.place,
        to_places=packet.to_places,
        paper_copy_follows=bool(packet.business and packet.business.paper),
    )


def files_from_packet(packet: edxml.DocumentPacket) -> list[PacketFile]:
    """Return the files of a document packet (a zipped attachment gives its entries)."""
    files: list[PacketFile] = []
    for attachment in packet.attachments:
        if attachment.data is None:
            continue
        if attachment.is_zipped:
            for entry in attachment.files:
                if entry.packet is None:
                    files.append(PacketFile(entry.name, _guess(entry.name), entry.data))
            continue
        files.append(PacketFile(attachment.name, attachment.content_type, attachment.data))
    if files:
        files[0] = PacketFile(files[0].name, files[0].content_type, files[0].data, is_main=True)
    return files


def _guess(name: str) -> str:
    import mimetypes

    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def status_packet_build(report: StatusReport) -> edxml.StatusPacket:
    """Return the status packet of a report."""
    organ_id, day, code = document_id_parts(report.document_id)
    return edxml.StatusPacket(
        sender=edxml.Organization(
            organ_id=report.reporter_identifier, organ_name=report.reporter_name
        ),
        response_for=edxml.ResponseFor(
            organ_id=organ_id, code=code, promulgation_date=day, document_id=report.document_id
        ),
        status_code=edxml.StatusCode(report.code),
        timestamp=_seconds(report.at),
        description=report.description,
        staff=edxml.StaffInfo(staff=report.staff) if report.staff else None,
        recipients=(edxml.Organization(organ_id=report.peer_identifier),),
    )


def status_from_packet(packet: edxml.StatusPacket) -> StatusReport:
    """Return the report a status packet carries."""
    peer = packet.recipients[0].organ_id if packet.recipients else packet.response_for.organ_id
    return StatusReport(
        reporter_identifier=packet.sender.organ_id,
        reporter_name=packet.sender.organ_name,
        peer_identifier=peer,
        document_id=packet.response_for.document_id,
        code=str(packet.status_code),
        at=packet.timestamp,
        description=packet.description,
        staff=packet.staff.staff if packet.staff else "",
    )
