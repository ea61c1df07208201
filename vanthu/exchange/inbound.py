"""Receiving packets from partner systems (ADR 0018): dedup, evidence, reception, status.

`packet_receive` is what the exchange endpoint calls once the partner is authenticated. A
packet id already received gets the answer it got the first time, and nothing is written
again. A document packet for a hosted agency becomes a `Reception` (files byte for byte, their
signatures checked by a task) and "01 arrived" is queued back; a status packet updates the
delivery it answers (`services.status_record`); a take-back (BussinessDocType 1 or status 13)
becomes a `ChangeRequest`.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from vanthu.exchange import edxml
from vanthu.exchange import services as x
from vanthu.exchange.choices import BusinessType, StatusCode
from vanthu.exchange.models import Packet, Partner, Reception, ReceptionFile
from vanthu.exchange.outbound import packet_keep
from vanthu.exchange.packets import envelope_from_packet, files_from_packet, status_from_packet
from vanthu.organizations.models import Agency
from vanthu.registry.stored_files import Saved, stored_files_remove

logger = logging.getLogger(__name__)


@dataclass
class Refusal(Exception):
    """A packet refused with an HTTP status, a stable code and a Vietnamese message."""

    status: int
    code: str
    message: str
    extra: dict[str, Any] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **self.extra}


def _served(partner: Partner, identifier: str) -> None:
    # The national hub authenticates its own senders: any agency may come through it.
    if partner.is_hub:
        return
    if identifier.upper() not in {i.upper() for i in partner.identifiers()}:
        raise Refusal(
            403,
            "sender_not_served",
            f"Hệ thống {partner.name} không phục vụ cơ quan có mã định danh {identifier}.",
        )


def packet_receive(*, partner: Partner, packet_id: str, raw: bytes) -> tuple[int, dict[str, Any]]:
    """Receive one packet from an authenticated partner; return (HTTP status, answer)."""
    kept = Packet.objects.filter(direction=Packet.Direction.IN, packet_id=packet_id).first()
    if kept is not None:
        return _again(kept, partner)
    try:
        parsed = edxml.read_packet(raw)
    except edxml.EdxmlError as exc:
        return 400, {
            "code": "edxml_invalid",
            "edxml_code": str(exc.code),
            "message": str(exc),
            "location": exc.location,
            "line": exc.line,
        }
    # Checked before the transaction: on SQLite it holds the write lock.
    signature = _signature(raw, parsed)
    try:
        with transaction.atomic():
            if isinstance(parsed.packet, edxml.DocumentPacket):
                answer = _document(partner, packet_id, raw, parsed, signature)
            else:
                answer = _status(partner, packet_id, raw, parsed.packet, signature)
    except Refusal as refusal:
        return refusal.status, refusal.body()
    except IntegrityError:
        # The same packet, sent twice at once: the other request stored it.
        kept = Packet.objects.filter(direction=Packet.Direction.IN, packet_id=packet_id).first()
        if kept is None:
            raise
        return _again(kept, partner)
    return 200, answer


def _again(kept: Packet, partner: Partner) -> tuple[int, dict[str, Any]]:
    if kept.partner_id != partner.pk:
        return 409, {"code": "packet_id_taken", "message": "Mã gói tin đã được dùng."}
    return 200, dict(kept.answer or {})


def _keep(
    partner: Partner,
    packet_id: str,
    raw: bytes,
    kind: str,
    peer: str,
    document_id: str,
    answer: dict[str, Any],
) -> Packet:
    packet = packet_keep(
        direction=Packet.Direction.IN,
        kind=kind,
        packet_id=packet_id,
        raw=raw,
        peer=peer,
        document_id=document_id,
        partner=partner,
    )
    packet.answer = answer
    packet.save(update_fields=["answer"])
    return packet


def _signature(raw: bytes, parsed: edxml.ParsedPacket) -> dict[str, Any]:
    if not parsed.has_signature:
        return {"status": "absent"}
    from vanthu.signatures.trust import trust_roots

    report = edxml.verify_packet_signature(raw, trust_anchors=trust_roots())
    return {"status": str(report.status), "reason": report.reason, "subject": report.subject}


def _document(
    partner: Partner,
    packet_id: str,
    raw: bytes,
    parsed: edxml.ParsedPacket,
    signature: dict[str, Any],
) -> dict[str, Any]:
    packet = parsed.packet
    assert isinstance(packet, edxml.DocumentPacket)
    _served(partner, packet.sender.organ_id)
    wanted = {r.organ_id.upper() for r in packet.recipients}
    recipients = list(Agency.objects.filter(identifier__in=wanted, is_hosted=True))
    if not recipients:
        raise Refusal(404, "unknown_recipient", "Không có cơ quan nhận nào trên hệ thống này.")
    envelope = envelope_from_packet(packet)
    document_id = packet.document_id or envelope.document_id
    business = packet.business.doc_type if packet.business else edxml.BusinessDocType.NEW
    now = timezone.now()
    answer: dict[str, Any] = {"packet_id": packet_id, "result": "accepted", "kind": "document"}
    if business == edxml.BusinessDocType.REVOKE:
        target = (packet.business.document_id if packet.business else "") or document_id
        for agency in recipients:
            _take_back(
                agency,
                packet.sender.organ_id,
                target,
                packet.business.reason if packet.business else "",
                now,
            )
        stored = _keep(
            partner, packet_id, raw, Packet.Kind.DOCUMENT, packet.sender.organ_id, target, answer
        )
        return answer
    if business != edxml.BusinessDocType.NEW:
        raise Refusal(
            422, "business_unsupported", "Chưa hỗ trợ cập nhật, thay thế văn bản qua liên thông."
        )
    stored = _keep(
        partner, packet_id, raw, Packet.Kind.DOCUMENT, packet.sender.organ_id, document_id, answer
    )
    stored.signature_report = signature
    sender = Agency.objects.filter(identifier=packet.sender.organ_id).first()
    files = files_from_packet(packet)
    for agency in recipients:
        reception = _reception_create(agency, sender, packet_id, envelope, document_id, files, now)
        stored.reception = reception
    stored.save(update_fields=["signature_report", "reception"])
    return answer


def _reception_create(
    agency: Agency,
    sender: Agency | None,
    packet_id: str,
    envelope: Any,
    document_id: str,
    files: list[Any],
    now: Any,
) -> Reception:
    from vanthu.exchange.tasks import reception_files_check

    reception = Reception.objects.create(
        agency=agency,
        packet_id=packet_id,
        sender=sender,
        sender_identifier=envelope.sender_identifier[:13],
        sender_name=envelope.sender_name[:255],
        document_id=document_id[:300],
        metadata=envelope.to_dict(),
        arrived_at=now,
    )
    saved: Saved = []
    try:
        for file in files:
            stored = ReceptionFile(
                reception=reception,
                name=file.name[:255],
                content_type=file.content_type[:100],
                size=len(file.data),
                sha256=hashlib.sha256(file.data).hexdigest(),
                is_main=file.is_main,
            )
            stored.file.save(file.name, ContentFile(file.data), save=False)
            saved.append((stored.file.storage, str(stored.file.name)))
            stored.save()
    except BaseException:
        stored_files_remove(saved)
        raise
    reception_files_check.enqueue(reception.pk)
    # Điều 11 (NĐ 64/2007 Điều 37): the arrival is acknowledged at once (queued back).
    x._report(reception, StatusCode.ARRIVED, at=now)
    x._announce(reception, envelope)
    return reception


def _take_back(
    agency: Agency, sender_identifier: str, document_id: str, reason: str, now: Any
) -> None:
    reception = (
        Reception.objects.filter(
            agency=agency, sender_identifier=sender_identifier, document_id=document_id
        )
        .order_by("-id")
        .first()
    )
    if reception is None:
        raise Refusal(404, "unknown_document", "Không tìm thấy văn bản cần lấy lại.")
    x._change_request_add(reception, BusinessType.REVOKE, reason or "Nơi gửi yêu cầu lấy lại.", now)


def _status(
    partner: Partner,
    packet_id: str,
    raw: bytes,
    packet: edxml.StatusPacket,
    signature: dict[str, Any],
) -> dict[str, Any]:
    report = status_from_packet(packet)
    _served(partner, report.reporter_identifier)
    answer: dict[str, Any] = {"packet_id": packet_id, "result": "accepted", "kind": "status"}
    if report.code == StatusCode.TAKE_BACK_REQUESTED:
        agency = Agency.objects.filter(identifier=report.peer_identifier, is_hosted=True).first()
        if agency is None:
            raise Refusal(404, "unknown_recipient", "Không có cơ quan nhận nào trên hệ thống này.")
        _take_back(
            agency, report.reporter_identifier, report.document_id, report.description, report.at
        )
        _keep(
            partner,
            packet_id,
            raw,
            Packet.Kind.STATUS,
            report.reporter_identifier,
            report.document_id,
            answer,
        )
        return answer
    sent = (
        Packet.objects.filter(
            direction=Packet.Direction.OUT,
            kind=Packet.Kind.DOCUMENT,
            document_id=report.document_id,
            peer=report.reporter_identifier,
            delivery__isnull=False,
        )
        .select_related("delivery")
        .order_by("-id")
        .first()
    )
    if sent is None or sent.delivery is None:
        raise Refusal(404, "unknown_document", "Không tìm thấy văn bản mà trạng thái này trả lời.")
    x.status_record(
        delivery=sent.delivery,
        code=report.code,
        at=report.at,
        description=report.description,
        staff=report.staff,
    )
    stored = _keep(
        partner,
        packet_id,
        raw,
        Packet.Kind.STATUS,
        report.reporter_identifier,
        report.document_id,
        answer,
    )
    stored.delivery = sent.delivery
    stored.signature_report = signature
    stored.save(update_fields=["delivery", "signature_report"])
    return answer
