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
from vanthu.exchange.choices import BusinessType, ReceptionState, StatusCode
from vanthu.exchange.models import (
    Delivery,
    Packet,
    Partner,
    Reception,
    ReceptionFile,
    RefusedPacket,
)
from vanthu.exchange.outbound import packet_keep
from vanthu.exchange.packets import (
    business_target,
    envelope_from_packet,
    files_from_packet,
    status_from_packet,
)
from vanthu.organizations.models import Agency
from vanthu.registry.stored_files import Saved, stored_files_remove

logger = logging.getLogger(__name__)

SIGNATURE_MISMATCH = (
    "Chữ ký số của gói tin không khớp với nội dung nhận được: gói tin đã bị thay đổi sau khi "
    "ký. Gói tin bị từ chối và được lưu làm bằng chứng."
)


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


@dataclass
class _Seen:
    """What was read of a packet before it was refused (kept with the evidence)."""

    parsed: edxml.ParsedPacket | None = None
    signature: dict[str, Any] | None = None


def packet_receive(*, partner: Partner, packet_id: str, raw: bytes) -> tuple[int, dict[str, Any]]:
    """Receive one packet from an authenticated partner; return (HTTP status, answer).

    A packet refused with a 4xx answer is kept byte for byte with that answer
    (`RefusedPacket`); it never becomes a reception and its packet id stays free.
    """
    seen = _Seen()
    status, answer = _receive(partner=partner, packet_id=packet_id, raw=raw, seen=seen)
    if 400 <= status < 500:
        refused_packet_keep(
            partner=partner,
            packet_id=packet_id,
            raw=raw,
            status=status,
            answer=answer,
            parsed=seen.parsed,
            signature=seen.signature,
        )
    return status, answer


def _receive(
    *, partner: Partner, packet_id: str, raw: bytes, seen: _Seen
) -> tuple[int, dict[str, Any]]:
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
    seen.parsed = parsed
    # Checked before the transaction: on SQLite it holds the write lock.
    signature = _signature(raw, parsed)
    seen.signature = signature
    if signature.get("integrity") is False:
        # The content is not what was signed: altered on the way (or signed before a change).
        return 400, {
            "code": "signature_invalid",
            "message": SIGNATURE_MISMATCH,
            "signature": {k: signature.get(k, "") for k in ("reason", "detail", "subject")},
        }
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
    *,
    signature: dict[str, Any] | None = None,
    delivery: Delivery | None = None,
) -> Packet:
    """Keep a received packet with its answer (one row: its id is taken here, once)."""
    return packet_keep(
        direction=Packet.Direction.IN,
        kind=kind,
        packet_id=packet_id,
        raw=raw,
        peer=peer,
        document_id=document_id,
        partner=partner,
        delivery=delivery,
        answer=answer,
        signature_report=signature,
    )


def _signature(raw: bytes, parsed: edxml.ParsedPacket) -> dict[str, Any]:
    if not parsed.has_signature:
        return {"status": "absent"}
    from vanthu.signatures.trust import trust_roots

    report = edxml.verify_packet_signature(raw, trust_anchors=trust_roots())
    return {
        "status": str(report.status),
        "reason": report.reason,
        "detail": report.detail,
        "subject": report.subject,
        "issuer": report.issuer,
        "integrity": report.integrity,
    }


def refused_packet_keep(
    *,
    partner: Partner,
    packet_id: str,
    raw: bytes,
    status: int,
    answer: dict[str, Any],
    parsed: edxml.ParsedPacket | None = None,
    signature: dict[str, Any] | None = None,
) -> RefusedPacket:
    """Keep a refused packet byte for byte with the answer given (once per identical bytes)."""
    digest = hashlib.sha256(raw).hexdigest()
    now = timezone.now()
    code = str(answer.get("code", ""))[:50]
    message = str(answer.get("message", ""))[:500]
    logger.warning(
        "Exchange: packet %s from %s refused: %s %s (sha256 %s)",
        packet_id,
        partner.key_id,
        status,
        code,
        digest[:16],
    )
    kind, peer, document_id = _facts(parsed)
    with transaction.atomic():
        row = (
            RefusedPacket.objects.select_for_update()
            .filter(partner=partner, packet_id=packet_id, sha256=digest)
            .first()
        )
        if row is None:
            row = RefusedPacket(
                partner=partner,
                packet_id=packet_id,
                kind=kind,
                peer=peer[:13],
                document_id=document_id[:300],
                size=len(raw),
                sha256=digest,
                first_at=now,
            )
            row.file.save(f"{packet_id}.edxml", ContentFile(raw), save=False)
        else:
            row.times += 1
        row.status, row.code, row.message, row.answer = status, code, message, answer
        row.signature_report = signature
        row.last_at = now
        row.save()
    return row


def _facts(parsed: edxml.ParsedPacket | None) -> tuple[str, str, str]:
    """Return (kind, sender identifier, DocumentId) of a packet that could be read."""
    if parsed is None:
        return "", "", ""
    packet = parsed.packet
    if isinstance(packet, edxml.DocumentPacket):
        return Packet.Kind.DOCUMENT, packet.sender.organ_id, packet.document_id or ""
    try:
        report = status_from_packet(packet)
    except Exception:  # evidence only: what could not be mapped stays blank
        return Packet.Kind.STATUS, "", ""
    return Packet.Kind.STATUS, report.reporter_identifier, report.document_id


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
    reason = packet.business.reason if packet.business else ""
    target = business_target(packet)
    if business == edxml.BusinessDocType.REVOKE:
        target = target or document_id
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
    # An update (2) applies to a document each recipient holds; a replacement (3) arrives as
    # a new document, with a request on the replaced one where the recipient holds it.
    olds: dict[int, Reception | None] = {}
    if business in (edxml.BusinessDocType.UPDATE, edxml.BusinessDocType.REPLACE):
        from vanthu.exchange.changes import change_target

        olds = {
            agency.pk: change_target(agency, packet.sender.organ_id, target or document_id)
            for agency in recipients
        }
        if business == edxml.BusinessDocType.UPDATE and None in olds.values():
            raise Refusal(404, "unknown_document", "Không tìm thấy văn bản cần cập nhật.")
    stored = _keep(
        partner,
        packet_id,
        raw,
        Packet.Kind.DOCUMENT,
        packet.sender.organ_id,
        document_id,
        answer,
        signature=signature,
    )
    sender = Agency.objects.filter(identifier=packet.sender.organ_id).first()
    files = files_from_packet(packet)
    state = ReceptionState.AWAITING
    if business == edxml.BusinessDocType.UPDATE:
        state = ReceptionState.UPDATE
    for agency in recipients:
        reception = _reception_create(
            agency, sender, packet_id, envelope, document_id, files, now, state=state
        )
        old = olds.get(agency.pk)
        if old is not None:
            x.change_request_add(
                old,
                str(int(business)),
                reason or "Nơi gửi gửi bản cập nhật, thay thế văn bản.",
                now,
                replacement=reception,
            )
        stored.reception = reception
    stored.save(update_fields=["reception"])
    return answer


def _reception_create(
    agency: Agency,
    sender: Agency | None,
    packet_id: str,
    envelope: Any,
    document_id: str,
    files: list[Any],
    now: Any,
    state: str = ReceptionState.AWAITING,
) -> Reception:
    from vanthu.exchange.tasks import reception_files_check

    reception = Reception.objects.create(
        state=state,
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
    x.reception_arrived(reception, envelope, at=now)
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
    x.change_request_add(reception, BusinessType.REVOKE, reason or "Nơi gửi yêu cầu lấy lại.", now)


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
    sent_packets = Packet.objects.filter(
        direction=Packet.Direction.OUT,
        kind=Packet.Kind.DOCUMENT,
        document_id=report.document_id,
        peer=report.reporter_identifier,
        delivery__isnull=False,
    )
    if report.code not in (StatusCode.CHANGE_ACCEPTED, StatusCode.CHANGE_REFUSED):
        # An update travels with the DocumentId of the document it corrects: only the answer
        # to it (15, 16) is its own; every other status is the document's.
        sent_packets = sent_packets.exclude(delivery__business_type=BusinessType.UPDATE)
    sent = sent_packets.select_related("delivery").order_by("-id").first()
    if sent is None or sent.delivery is None:
        raise Refusal(404, "unknown_document", "Không tìm thấy văn bản mà trạng thái này trả lời.")
    x.status_record(
        delivery=sent.delivery,
        code=report.code,
        at=report.at,
        description=report.description,
        staff=report.staff,
    )
    _keep(
        partner,
        packet_id,
        raw,
        Packet.Kind.STATUS,
        report.reporter_identifier,
        report.document_id,
        answer,
        signature=signature,
        delivery=sent.delivery,
    )
    return answer
