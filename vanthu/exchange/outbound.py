"""Sending packets to other systems: build, keep as evidence, send, retry (ADR 0018).

Deliveries to partner agencies and outbox messages (statuses, take-backs) are sent by the
`exchange_send_task` task, enqueued in the transaction that writes them; a failed sending is
tried again after a back-off that doubles (`EXCHANGE_RETRY_SECONDS`), and after
`EXCHANGE_MAX_ATTEMPTS` the row is `failed` until a clerk asks to send it again. A packet is
built once and kept (`Packet`); every retry sends the same bytes with the same packet id, so
the receiver's deduplication recognises it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal, Protocol

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from vanthu.core.actor import Actor
from vanthu.core.errors import InvalidTransition, NotFound, PermissionDenied
from vanthu.core.journal import journal_record, snapshot
from vanthu.exchange import edxml
from vanthu.exchange.auth import request_headers
from vanthu.exchange.choices import DeliveryState, OutboxKind
from vanthu.exchange.envelope import envelope_of
from vanthu.exchange.models import Delivery, OutboxMessage, Packet, Partner
from vanthu.exchange.packets import (
    PacketFile,
    StatusReport,
    document_packet_build,
    status_packet_build,
)
from vanthu.exchange.partners import partner_for
from vanthu.registry.choices import FileRole
from vanthu.registry.models import DocumentFile
from vanthu.registry.outgoing import is_digitally_signed, paper_copy_required
from vanthu.registry.permissions import can_register, can_view_documents

logger = logging.getLogger(__name__)

RowKind = Literal["delivery", "outbox"]
# Answers that will not change by sending again: the packet itself is refused.
PERMANENT = frozenset({400, 404, 413, 422})


class SendError(Exception):
    """A sending that did not succeed; `permanent` when sending again cannot help."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class PacketTransport(Protocol):
    """Carries one packet to a partner system and returns its answer (raises `SendError`)."""

    def send(self, *, partner: Partner, packet_id: str, raw: bytes) -> dict[str, object]: ...


@dataclass(frozen=True)
class HttpTransport:
    """POST the packet to the partner's Vanthu exchange endpoint, signed with the pair's key."""

    timeout: float = 30.0

    def send(self, *, partner: Partner, packet_id: str, raw: bytes) -> dict[str, object]:
        headers = request_headers(
            key_id=partner.key_id,
            secret=partner.secret,
            timestamp=int(time.time()),
            packet_id=packet_id,
            body=raw,
        )
        url = partner.base_url.rstrip("/") + "/api/v1/exchange/packets/"
        request = urllib.request.Request(url, data=raw, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read(1024 * 1024)
        except urllib.error.HTTPError as exc:
            detail = exc.read(2000).decode("utf-8", "replace")
            raise SendError(
                f"HTTP {exc.code}: {detail}"[:500], permanent=exc.code in PERMANENT
            ) from None
        except (OSError, ValueError) as exc:
            raise SendError(f"Không kết nối được {partner.name}: {exc}"[:500]) from None
        try:
            answer = json.loads(body)
        except ValueError:
            raise SendError("Trả lời không phải JSON.") from None
        return answer if isinstance(answer, dict) else {"answer": answer}


def transport() -> PacketTransport:
    """Return the transport the sending uses (tests replace it)."""
    return HttpTransport(timeout=settings.EXCHANGE_TIMEOUT)


def packet_keep(
    *,
    direction: str,
    kind: str,
    packet_id: str,
    raw: bytes,
    peer: str,
    document_id: str = "",
    partner: Partner | None = None,
    delivery: Delivery | None = None,
    outbox: OutboxMessage | None = None,
    at: datetime | None = None,
) -> Packet:
    """Keep a raw packet byte for byte as evidence."""
    packet = Packet(
        direction=direction,
        kind=kind,
        packet_id=packet_id,
        peer=peer[:13],
        partner=partner,
        document_id=document_id[:300],
        size=len(raw),
        sha256=hashlib.sha256(raw).hexdigest(),
        at=at or timezone.now(),
        delivery=delivery,
        outbox=outbox,
    )
    packet.file.save(f"{packet_id}.edxml", ContentFile(raw), save=False)
    packet.save()
    return packet


@functools.cache
def _signer(key_path: str, cert_path: str) -> edxml.PemSigner:
    return edxml.PemSigner(
        key_pem=Path(key_path).read_bytes(), certificate_pem=Path(cert_path).read_bytes()
    )


def packet_bytes(packet: edxml.DocumentPacket | edxml.StatusPacket) -> bytes:
    """Write a packet, signed with this instance's key when one is configured."""
    raw = edxml.write_packet(packet)
    if settings.EXCHANGE_SIGNING_KEY and settings.EXCHANGE_SIGNING_CERT:
        signer = _signer(settings.EXCHANGE_SIGNING_KEY, settings.EXCHANGE_SIGNING_CERT)
        raw = edxml.sign_packet(raw, signer)
    return raw


def _keep_once(**values: Any) -> Packet:
    """Keep an outgoing packet in a short transaction; if another sender kept it, use theirs."""
    try:
        with transaction.atomic():
            return packet_keep(**values)
    except IntegrityError:
        return Packet.objects.get(direction=Packet.Direction.OUT, packet_id=values["packet_id"])


def _raw(packet: Packet) -> bytes:
    with packet.file.open("rb") as handle:
        data: bytes = handle.read()
    return data


def _files(delivery: Delivery) -> list[PacketFile]:
    files = []
    for file in DocumentFile.objects.filter(
        outgoing_id=delivery.outgoing_id,
        role__in=(FileRole.ORIGINAL, FileRole.ATTACHMENT),
        is_current=True,
    ).order_by("role", "id"):
        with file.file.open("rb") as handle:
            data = handle.read()
        files.append(
            PacketFile(
                file.original_name, file.content_type, data, is_main=file.role == FileRole.ORIGINAL
            )
        )
    return files


def delivery_document_id(delivery: Delivery) -> str:
    """Return the edXML DocumentId of a delivery's document."""
    document = delivery.outgoing
    return envelope_of(document, paper_copy_follows=False).document_id


def _delivery_packet(delivery: Delivery) -> Packet:
    kept = Packet.objects.filter(direction=Packet.Direction.OUT, delivery=delivery).first()
    if kept is not None:
        return kept
    document = delivery.outgoing
    envelope = envelope_of(
        document,
        paper_copy_follows=paper_copy_required(document, signed=is_digitally_signed(document)),
    )
    packet = document_packet_build(
        envelope=envelope,
        recipient_identifier=delivery.recipient_identifier,
        recipient_name=delivery.recipient_name,
        files=_files(delivery),
        at=document.sent_at or timezone.now(),
        business_type=int(delivery.business_type),
    )
    return _keep_once(
        direction=Packet.Direction.OUT,
        kind=Packet.Kind.DOCUMENT,
        packet_id=str(delivery.packet_id),
        raw=packet_bytes(packet),
        peer=delivery.recipient_identifier,
        document_id=envelope.document_id,
        delivery=delivery,
    )


def _outbox_packet(message: OutboxMessage) -> Packet:
    kept = Packet.objects.filter(direction=Packet.Direction.OUT, outbox=message).first()
    if kept is not None:
        return kept
    agency = message.agency
    if message.kind == OutboxKind.STATUS:
        assert message.reception is not None
        document_id = message.reception.document_id
    else:
        assert message.delivery is not None
        document_id = delivery_document_id(message.delivery)
    report = StatusReport(
        reporter_identifier=agency.identifier,
        reporter_name=agency.name,
        peer_identifier=message.peer_identifier,
        document_id=document_id,
        code=message.code,
        at=message.at,
        description=message.description,
        staff=message.staff,
    )
    return _keep_once(
        direction=Packet.Direction.OUT,
        kind=Packet.Kind.STATUS,
        packet_id=str(message.packet_id),
        raw=packet_bytes(status_packet_build(report)),
        peer=message.peer_identifier,
        document_id=document_id,
        outbox=message,
    )


def _row(kind: RowKind, row_id: int) -> Delivery | OutboxMessage | None:
    if kind == "delivery":
        return Delivery.objects.select_for_update().filter(pk=row_id).first()
    return OutboxMessage.objects.select_for_update().filter(pk=row_id).first()


def send_enqueue(kind: RowKind, row_id: int, *, at: datetime | None = None) -> None:
    """Enqueue the sending of a row (inside the caller's transaction: ADR 0003)."""
    from vanthu.exchange.tasks import exchange_send_task

    task = exchange_send_task if at is None else exchange_send_task.using(run_after=at)
    task.enqueue(kind, row_id)


def send_run(kind: RowKind, row_id: int, *, now: datetime | None = None) -> str:
    """Send one pending delivery or outbox message if it is due; return what happened."""
    moment = now or timezone.now()
    with transaction.atomic():
        row = _row(kind, row_id)
        if row is None or row.state != DeliveryState.PENDING:
            return "skipped"
        if row.next_attempt_at is not None and row.next_attempt_at > moment + timedelta(seconds=1):
            return "not_due"
        peer = row.recipient_identifier if isinstance(row, Delivery) else row.peer_identifier
    # Built and signed outside the row's transaction: on SQLite that holds the write lock.
    packet = _delivery_packet(row) if isinstance(row, Delivery) else _outbox_packet(row)
    raw = _raw(packet)
    partner = partner_for(peer)
    try:
        if partner is None:
            raise SendError(f"Chưa có hệ thống liên thông phục vụ mã định danh {peer}.")
        if partner.is_hub:
            from vanthu.exchange.hub import hub_of

            hub_of(partner).send(packet_id=str(packet.packet_id), to=peer, raw=raw)
        else:
            transport().send(partner=partner, packet_id=str(packet.packet_id), raw=raw)
    except SendError as exc:
        return _failed(kind, row_id, str(exc), permanent=exc.permanent)
    with transaction.atomic():
        row = _row(kind, row_id)
        if row is None or row.state != DeliveryState.PENDING:
            return "skipped"
        done = timezone.now()
        row.state = DeliveryState.DELIVERED
        row.delivered_at = done
        row.attempts += 1
        row.last_error = ""
        row.next_attempt_at = None
        row.save()
        if packet.partner_id is None and partner is not None:
            Packet.objects.filter(pk=packet.pk).update(partner=partner)
    return "delivered"


def _failed(kind: RowKind, row_id: int, error: str, *, permanent: bool) -> str:
    with transaction.atomic():
        row = _row(kind, row_id)
        if row is None or row.state != DeliveryState.PENDING:
            return "skipped"
        row.attempts += 1
        row.last_error = error[:500]
        if permanent or row.attempts >= settings.EXCHANGE_MAX_ATTEMPTS:
            row.state = DeliveryState.FAILED
            row.next_attempt_at = None
            row.save()
            logger.warning("Exchange: %s %s failed: %s", kind, row_id, error)
            return "failed"
        delay = settings.EXCHANGE_RETRY_SECONDS * 2 ** (row.attempts - 1)
        row.next_attempt_at = timezone.now() + timedelta(seconds=delay)
        row.save()
        send_enqueue(kind, row_id, at=row.next_attempt_at)
    return "retry"


def due_send(*, now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Send every pending row that is due (the periodic sweep); return counts by outcome."""
    moment = now or timezone.now()
    due = Q(state=DeliveryState.PENDING) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=moment)
    )
    counts: dict[str, int] = {}
    rows: list[tuple[RowKind, int]] = [
        ("delivery", pk)
        for pk in Delivery.objects.filter(due)
        .exclude(route="local")
        .values_list("pk", flat=True)[:limit]
    ]
    rows += [
        ("outbox", pk)
        for pk in OutboxMessage.objects.filter(due).values_list("pk", flat=True)[:limit]
    ]
    for kind, pk in rows:
        outcome = send_run(kind, pk, now=moment)
        counts[outcome] = counts.get(outcome, 0) + 1
    from vanthu.exchange.hub import hub_poll_run

    for outcome, count in hub_poll_run().items():
        if count:
            counts["hub_" + outcome] = count
    return counts


def delivery_retry(*, actor: Actor, delivery_id: int) -> Delivery:
    """Send a failed delivery again ("Gửi lại"): the sender's clerk, attempts start over."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or not can_view_documents(actor, delivery.agency_id):
            raise NotFound("Không tìm thấy lượt gửi văn bản.")
        if (
            actor.person_id is None
            or actor.agency_id != delivery.agency_id
            or not can_register(actor, delivery.agency_id)
        ):
            raise PermissionDenied("Chỉ văn thư của cơ quan gửi được gửi lại văn bản.")
        if delivery.state != DeliveryState.FAILED:
            raise InvalidTransition("Chỉ gửi lại văn bản đã gửi không thành công.")
        delivery.state = DeliveryState.PENDING
        delivery.attempts = 0
        delivery.next_attempt_at = None
        delivery.save()
        journal_record(
            actor=actor,
            action="exchange.delivery.retry",
            instance=delivery,
            agency_id=delivery.agency_id,
            after=snapshot(delivery),
        )
        send_enqueue("delivery", delivery.pk)
    return delivery
