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
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal, Protocol

import requests
import requests.adapters
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
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


# The largest answer read from a partner (ours are a few hundred bytes of JSON).
ANSWER_LIMIT = 1024 * 1024
_sessions = threading.local()


def _session() -> requests.Session:
    """This thread's HTTP session: connections to partners are kept open and reused."""
    session: requests.Session | None = getattr(_sessions, "session", None)
    if session is None:
        session = requests.Session()
        adapter = requests.adapters.HTTPAdapter(pool_connections=8, pool_maxsize=8, max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        _sessions.session = session
    return session


@dataclass(frozen=True)
class HttpTransport:
    """POST the packet to the partner's Vanthu exchange endpoint, signed with the pair's key.

    Each sending thread keeps its connections open (HTTP keep-alive), so a batch of packets to
    one partner pays the TCP (and TLS) set-up once.
    """

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
        try:
            response = _session().post(
                url,
                data=raw,
                headers=headers,
                timeout=self.timeout,
                allow_redirects=False,
                stream=True,
            )
            body = b""
            for chunk in response.iter_content(64 * 1024):
                body += chunk
                if len(body) > ANSWER_LIMIT:
                    response.close()
                    raise SendError(f"Trả lời của {partner.name} quá lớn.")
        except requests.RequestException as exc:
            raise SendError(f"Không kết nối được {partner.name}: {exc}"[:500]) from None
        if response.status_code >= 300:
            detail = body[:2000].decode("utf-8", "replace")
            raise SendError(
                f"HTTP {response.status_code}: {detail}"[:500],
                permanent=response.status_code in PERMANENT,
            )
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
    answer: dict[str, Any] | None = None,
    signature_report: dict[str, Any] | None = None,
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
        answer=answer,
        signature_report=signature_report,
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
    files = _files(delivery)
    at = document.sent_at or timezone.now()
    reason, replaces = "", ""
    if delivery.change_id is not None and delivery.change is not None:
        # An update carries its corrected metadata and files; a replacement names the old one.
        from vanthu.exchange.changes import change_packet_parts

        envelope, files, reason, replaces, at = change_packet_parts(
            delivery.change, envelope, files
        )
    packet = document_packet_build(
        envelope=envelope,
        recipient_identifier=delivery.recipient_identifier,
        recipient_name=delivery.recipient_name,
        files=files,
        at=at,
        business_type=int(delivery.business_type),
        reason=reason,
        replaces=replaces,
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
    """Enqueue the sending of a row (inside the caller's transaction: ADR 0003).

    A row due now joins the sending tasks already waiting to start when there are
    `EXCHANGE_SEND_TASKS` of them (ADR 0027): each task sends every due row before it ends,
    so a burst wakes a few tasks, not one per row.
    """
    from vanthu.exchange.tasks import exchange_send_task

    if at is not None:
        exchange_send_task.using(run_after=at).enqueue(kind, row_id)
    elif _senders_waiting() < settings.EXCHANGE_SEND_TASKS:
        exchange_send_task.enqueue(kind, row_id)


def _senders_waiting() -> int:
    """Count the sending tasks that wait to start and will see the caller's rows.

    Only inside the caller's transaction, with the database backend: the waiting tasks found
    are locked until it commits (PostgreSQL: `FOR UPDATE`, skipping any a worker is claiming
    right now; SQLite: the transaction holds the write lock a claim needs), so none of them
    starts before the caller's rows are visible. A task already running is not counted: it
    may have looked for due rows already.
    """
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    from vanthu.exchange.tasks import exchange_send_task

    backend = exchange_send_task.get_backend()
    if not isinstance(backend, DatabaseBackend) or not transaction.get_connection().in_atomic_block:
        return 0
    waiting = (
        DBTaskResult.objects.ready()
        .filter(
            task_path=exchange_send_task.module_path,
            queue_name=exchange_send_task.queue_name,
            backend_name=backend.alias,
        )
        .select_for_update(skip_locked=True)
        .values_list("id", flat=True)[: max(0, settings.EXCHANGE_SEND_TASKS)]
    )
    return len(list(waiting))


def _due(moment: datetime) -> Q:
    return Q(state=DeliveryState.PENDING) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=moment + timedelta(seconds=1))
    )


def _lease_until(moment: datetime) -> datetime:
    """While a row is being sent, its next attempt is when that sending would have timed out.

    Set when a sender takes the row, so another sender (a second worker, the sweep) leaves it;
    if the sender dies, the sweep (`vanthu exchange send`) takes it again after that time. A
    batch's rows wait their turn for a sending thread: every turn may last the whole timeout.
    """
    turns = -(-max(1, settings.EXCHANGE_SEND_BATCH) // max(1, settings.EXCHANGE_SEND_CONCURRENCY))
    return moment + timedelta(seconds=settings.EXCHANGE_TIMEOUT * turns + 60)


@dataclass
class _Sending:
    """One row being sent in a batch: its packet, partner, and how it went."""

    kind: RowKind
    row: Delivery | OutboxMessage
    packet: Packet | None = None
    partner: Partner | None = None
    error: SendError | None = None
    future: Future[None] | None = None


_BUILT_FROM: dict[str, tuple[str, ...]] = {
    "outbox": ("agency", "reception"),
    "delivery": ("outgoing__agency", "outgoing__document_type"),
}


def _take(
    moment: datetime,
    *,
    wanted: tuple[RowKind, int] | None = None,
    more: int = 0,
    exclude: frozenset[tuple[RowKind, int]] = frozenset(),
) -> list[_Sending]:
    """Take the due rows to send (the wanted one, and up to `more` others), leasing them.

    One short transaction: rows locked by another sender are skipped (PostgreSQL), and on
    SQLite the transaction holds the write lock, so no row is taken by two senders.
    """
    taken: list[_Sending] = []
    with transaction.atomic():
        for kind, model in (("outbox", OutboxMessage), ("delivery", Delivery)):
            # What building the packet reads comes with the row (only the row is locked).
            related = _BUILT_FROM[kind]
            rows: Any = (
                model.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related(*related)
                .filter(_due(moment))
            )
            found = []
            if wanted is not None and wanted[0] == kind:
                found += list(rows.filter(pk=wanted[1]))
            if more:
                others = rows.exclude(pk__in=[pk for k, pk in exclude if k == kind])
                if wanted is not None and wanted[0] == kind:
                    others = others.exclude(pk=wanted[1])
                if kind == "delivery":
                    others = others.exclude(route="local")
                found += list(others.order_by("id")[: max(0, more - len(taken) - len(found))])
            if found:
                model.objects.filter(pk__in=[row.pk for row in found]).update(
                    next_attempt_at=_lease_until(moment)
                )
                taken += [_Sending(kind, row) for row in found]  # type: ignore[arg-type]
    return taken


_pool_lock = threading.Lock()
_pools: dict[int, ThreadPoolExecutor] = {}


def _pool() -> ThreadPoolExecutor:
    """The threads that carry packets (kept for the process: their connections stay open)."""
    size = max(1, settings.EXCHANGE_SEND_CONCURRENCY)
    with _pool_lock:
        pool = _pools.get(size)
        if pool is None:
            pool = _pools[size] = ThreadPoolExecutor(size, thread_name_prefix="vanthu-send")
    return pool


def _carry(
    client: PacketTransport, partner: Partner, peer: str, packet_id: str, raw: bytes
) -> None:
    """Carry one packet to its partner or hub (no database access: runs in a sending thread)."""
    if partner.is_hub:
        from vanthu.exchange.hub import hub_of

        hub_of(partner).send(packet_id=packet_id, to=peer, raw=raw)
    else:
        client.send(partner=partner, packet_id=packet_id, raw=raw)


def _send_taken(sendings: list[_Sending]) -> list[str]:
    """Build (or reuse), send and record the rows taken; return each row's outcome.

    Packets are built and signed here, outside any transaction (on SQLite a transaction holds
    the write lock), and each goes to the sending threads as soon as it is built, a few in
    flight at once; the outcomes are written together in one short transaction.
    """
    client = transport()
    pool = _pool() if len(sendings) > 1 else None
    partners: dict[str, Partner | None] = {}
    for sending in sendings:
        row = sending.row
        peer = row.recipient_identifier if isinstance(row, Delivery) else row.peer_identifier
        try:
            sending.packet = (
                _delivery_packet(row) if isinstance(row, Delivery) else _outbox_packet(row)
            )
            raw = _raw(sending.packet)
        except Exception as exc:  # one row that cannot be built must not stop the others
            logger.exception("Exchange: building the packet of %s %s failed", sending.kind, row.pk)
            sending.error = SendError(f"Không tạo được gói tin: {exc}"[:500])
            continue
        if peer not in partners:
            partners[peer] = partner_for(peer)
        sending.partner = partners[peer]
        if sending.partner is None:
            sending.error = SendError(f"Chưa có hệ thống liên thông phục vụ mã định danh {peer}.")
            continue
        carry = functools.partial(
            _carry, client, sending.partner, peer, str(sending.packet.packet_id), raw
        )
        if pool is None:
            try:
                carry()
            except SendError as exc:
                sending.error = exc
        else:
            sending.future = pool.submit(carry)
    for sending in sendings:
        if sending.future is None:
            continue
        try:
            sending.future.result()
        except SendError as exc:
            sending.error = exc
        except Exception as exc:  # a defect in a sending thread: tried again later
            logger.exception("Exchange: sending %s %s failed", sending.kind, sending.row.pk)
            sending.error = SendError(f"Lỗi khi gửi: {exc}"[:500])
    outcomes: dict[int, str] = {}
    done = timezone.now()
    with transaction.atomic():
        for index, sending in enumerate(sendings):
            if sending.error is not None:
                continue
            model = Delivery if sending.kind == "delivery" else OutboxMessage
            changed = model.objects.filter(pk=sending.row.pk, state=DeliveryState.PENDING).update(
                state=DeliveryState.DELIVERED,
                delivered_at=done,
                attempts=F("attempts") + 1,
                last_error="",
                next_attempt_at=None,
                updated_at=done,
            )
            outcomes[index] = "delivered" if changed else "skipped"
            packet = sending.packet
            if changed and packet is not None and packet.partner_id is None:
                Packet.objects.filter(pk=packet.pk).update(partner=sending.partner)
    for index, sending in enumerate(sendings):
        if sending.error is not None:
            outcomes[index] = _failed(
                sending.kind, sending.row.pk, str(sending.error), permanent=sending.error.permanent
            )
    return [outcomes[index] for index in range(len(sendings))]


def send_run(kind: RowKind, row_id: int, *, now: datetime | None = None) -> str:
    """Send one pending delivery or outbox message if it is due; return what happened."""
    moment = now or timezone.now()
    with transaction.atomic():
        row = _row(kind, row_id)
        if row is None or row.state != DeliveryState.PENDING:
            return "skipped"
        if row.next_attempt_at is not None and row.next_attempt_at > moment + timedelta(seconds=1):
            return "not_due"
        taken = _take(moment, wanted=(kind, row_id))
    if not taken:
        return "skipped"
    return _send_taken(taken)[0]


# A sending task hands over to a fresh one after this long (other work gets its turn).
SEND_RUN_SECONDS = 60.0


def send_batch_run(kind: RowKind, row_id: int, *, now: datetime | None = None) -> dict[str, int]:
    """Send a row if it is due, then every other due row, in batches (the sending task).

    A burst goes out in batches of `EXCHANGE_SEND_BATCH` over kept connections; the rows
    written meanwhile join the waiting tasks (`send_enqueue`), so the task goes on until no
    row is due, or hands over to a fresh task after `SEND_RUN_SECONDS`. Counts by outcome.
    """
    moment = now or timezone.now()
    taken = _take(moment, wanted=(kind, row_id), more=settings.EXCHANGE_SEND_BATCH)
    if not taken:
        return {"not_due": 1}
    counts: dict[str, int] = {}
    # A row that failed here waits for its back-off, even when `now` makes it due again.
    retried: set[tuple[RowKind, int]] = set()
    until = time.monotonic() + SEND_RUN_SECONDS
    while taken:
        for sending, outcome in zip(taken, _send_taken(taken), strict=True):
            if outcome == "retry":
                retried.add((sending.kind, sending.row.pk))
            counts[outcome] = counts.get(outcome, 0) + 1
        moment = now or timezone.now()
        if time.monotonic() >= until:
            with transaction.atomic():
                left = _next_due(moment)
                if left is not None:
                    from vanthu.exchange.tasks import exchange_send_task

                    exchange_send_task.enqueue(*left)
            break
        taken = _take(moment, more=settings.EXCHANGE_SEND_BATCH, exclude=frozenset(retried))
    return counts


def _next_due(moment: datetime) -> tuple[RowKind, int] | None:
    """Return a row that is due to be sent, if any (statuses first)."""
    for kind, model in (("outbox", OutboxMessage), ("delivery", Delivery)):
        rows: Any = model.objects.filter(_due(moment))
        if kind == "delivery":
            rows = rows.exclude(route="local")
        row_id = rows.order_by("id").values_list("id", flat=True).first()
        if row_id is not None:
            return kind, row_id  # type: ignore[return-value]
    return None


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
    counts: dict[str, int] = {}
    done: set[tuple[RowKind, int]] = set()
    while len(done) < 2 * limit:
        taken = _take(
            moment,
            more=min(settings.EXCHANGE_SEND_BATCH, 2 * limit - len(done)),
            exclude=frozenset(done),
        )
        if not taken:
            break
        for sending, outcome in zip(taken, _send_taken(taken), strict=True):
            done.add((sending.kind, sending.row.pk))
            counts[outcome] = counts.get(outcome, 0) + 1
    from vanthu.exchange.hub import hub_poll_run

    for outcome, count in hub_poll_run().items():
        if count:
            counts["hub_" + outcome] = count
    return counts


def _retry[R: (Delivery, OutboxMessage)](
    actor: Actor, model: type[R], kind: RowKind, row_id: int, *, missing: str, what: str
) -> R:
    """Put a failed row back to pending ("Gửi lại"): its agency's clerk, attempts start over."""
    with transaction.atomic():
        row = model.objects.select_for_update().filter(pk=row_id).first()
        if row is None or not can_view_documents(actor, row.agency_id):
            raise NotFound(missing)
        if (
            actor.person_id is None
            or actor.agency_id != row.agency_id
            or not can_register(actor, row.agency_id)
        ):
            raise PermissionDenied(f"Chỉ văn thư của cơ quan gửi được gửi lại {what}.")
        if row.state != DeliveryState.FAILED:
            raise InvalidTransition(f"Chỉ gửi lại {what} đã gửi không thành công.")
        row.state = DeliveryState.PENDING
        row.attempts = 0
        row.next_attempt_at = None
        row.save()
        journal_record(
            actor=actor,
            action=f"exchange.{kind}.retry",
            instance=row,
            agency_id=row.agency_id,
            after=snapshot(row),
        )
        send_enqueue(kind, row.pk)
    return row


def delivery_retry(*, actor: Actor, delivery_id: int) -> Delivery:
    """Send a failed delivery again ("Gửi lại"): the sender's clerk, attempts start over."""
    return _retry(
        actor,
        Delivery,
        "delivery",
        delivery_id,
        missing="Không tìm thấy lượt gửi văn bản.",
        what="văn bản",
    )


def outbox_retry(*, actor: Actor, message_id: int) -> OutboxMessage:
    """Send a failed status report or take-back again ("Gửi lại"): its agency's clerk."""
    return _retry(
        actor,
        OutboxMessage,
        "outbox",
        message_id,
        missing="Không tìm thấy gói tin chờ gửi.",
        what="gói tin",
    )
