"""Reads of the exchange, scoped to the actor: the recipient's queue, a reception, its files.

A reception belongs to the recipient agency: its people read it, its clerks act on it
(`services`); anyone else is told it does not exist (NotFound, a 404), never "forbidden".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, JSONField, OuterRef, Q, QuerySet, Subquery

from vanthu.core.actor import Actor
from vanthu.core.errors import NotFound, ValidationFailed
from vanthu.exchange.choices import ChangeState, DeliveryState, ReceptionState, Route
from vanthu.exchange.models import (
    ChangeRequest,
    Delivery,
    OutboxMessage,
    Packet,
    Reception,
    ReceptionFile,
)
from vanthu.registry.permissions import can_register, can_view_documents

NOT_FOUND = "Không tìm thấy văn bản liên thông."
FILE_NOT_FOUND = "Không tìm thấy tệp."
REQUEST_NOT_FOUND = "Không tìm thấy yêu cầu lấy lại văn bản."
# "awaiting" sorts before every other stored state, so the queue shows what waits first; a test
# of the queue's order fails if a new state ever sorts before it.
QUEUE_ORDER = ("state", "-arrived_at", "-id")


@dataclass(frozen=True)
class QueueCounts:
    """What waits for the clerks of an agency: documents to receive, take-backs to decide."""

    awaiting: int
    pending_requests: int
    # Deliveries, status reports and take-backs whose attempts ran out ("Gửi lại").
    failed_sendings: int = 0


def _scope(actor: Actor) -> Q:
    """Return the receptions the actor may list: those of the acting agency, and no other."""
    if actor.agency_id is not None and can_view_documents(actor, actor.agency_id):
        return Q(agency_id=actor.agency_id)
    return Q(pk__in=[])


def _pending_request() -> Exists:
    return Exists(
        ChangeRequest.objects.filter(reception_id=OuterRef("pk"), state=ChangeState.PENDING)
    )


def _packet_signature() -> Subquery:
    """The header-signature report of the packet a reception came in (None: came locally)."""
    return Subquery(
        Packet.objects.filter(
            direction=Packet.Direction.IN, packet_id=OuterRef("packet_id")
        ).values("signature_report")[:1],
        output_field=JSONField(),
    )


def reception_list(
    *, actor: Actor, state: str = "", pending_request: bool = False
) -> QuerySet[Reception]:
    """Return the acting agency's receptions, awaiting ones first, then newest first."""
    if state and state not in ReceptionState.values:
        message = f"Trạng thái không hợp lệ: {state}."
        raise ValidationFailed(message, fields={"state": [message]})
    qs = Reception.objects.filter(_scope(actor)).annotate(
        has_pending_request=_pending_request(), packet_signature_report=_packet_signature()
    )
    if state:
        qs = qs.filter(state=state)
    if pending_request:
        qs = qs.filter(has_pending_request=True)
    return qs.select_related("incoming").order_by(*QUEUE_ORDER)


def reception_get(*, actor: Actor, reception_id: int) -> Reception:
    """Return one reception of an agency the actor belongs to, or raise NotFound."""
    reception = (
        Reception.objects.select_related("incoming", "decided_by", "sender")
        .annotate(
            has_pending_request=_pending_request(), packet_signature_report=_packet_signature()
        )
        .filter(pk=reception_id)
        .first()
    )
    if reception is None or not can_view_documents(actor, reception.agency_id):
        raise NotFound(NOT_FOUND)
    return reception


def reception_file_get(*, actor: Actor, reception_id: int, file_id: int) -> ReceptionFile:
    """Return one file of a reception the actor may see, or raise NotFound."""
    stored = (
        ReceptionFile.objects.select_related("reception")
        .filter(pk=file_id, reception_id=reception_id)
        .first()
    )
    if stored is None or not can_view_documents(actor, stored.reception.agency_id):
        raise NotFound(FILE_NOT_FOUND)
    return stored


def change_request_list(*, actor: Actor, reception_id: int) -> QuerySet[ChangeRequest]:
    """Return the sender's requests about a reception the actor may see, oldest first."""
    reception_get(actor=actor, reception_id=reception_id)
    return ChangeRequest.objects.filter(reception_id=reception_id).select_related(
        "decided_by", "replacement"
    )


def change_request_get(*, actor: Actor, request_id: int) -> ChangeRequest:
    """Return one request about a reception the actor may see, or raise NotFound."""
    request = ChangeRequest.objects.select_related("reception").filter(pk=request_id).first()
    if request is None or not can_view_documents(actor, request.reception.agency_id):
        raise NotFound(REQUEST_NOT_FOUND)
    return request


def queue_counts(*, actor: Actor) -> QueueCounts | None:
    """Return what waits for the acting agency's clerks, or None for anyone else."""
    agency_id = actor.agency_id
    if agency_id is None or not can_register(actor, agency_id):
        return None
    awaiting = Reception.objects.filter(agency_id=agency_id, state=ReceptionState.AWAITING)
    requests = ChangeRequest.objects.filter(
        reception__agency_id=agency_id, state=ChangeState.PENDING
    )
    failed = (
        Delivery.objects.filter(agency_id=agency_id, state=DeliveryState.FAILED).count()
        + OutboxMessage.objects.filter(agency_id=agency_id, state=DeliveryState.FAILED).count()
    )
    return QueueCounts(
        awaiting=awaiting.count(), pending_requests=requests.count(), failed_sendings=failed
    )


def outbox_list(*, actor: Actor, state: str = "") -> QuerySet[OutboxMessage]:
    """Return the acting agency's status reports and take-backs to other systems, newest first."""
    if state and state not in DeliveryState.values:
        message = f"Trạng thái không hợp lệ: {state}."
        raise ValidationFailed(message, fields={"state": [message]})
    agency_id = actor.agency_id
    if agency_id is None or not can_view_documents(actor, agency_id):
        return OutboxMessage.objects.none()
    qs = OutboxMessage.objects.filter(agency_id=agency_id)
    if state:
        qs = qs.filter(state=state)
    return qs.select_related("reception", "delivery").order_by("-id")


def sending_delivery_list(*, actor: Actor, state: str = "") -> QuerySet[Delivery]:
    """Return the acting agency's deliveries to other systems (not local), newest first."""
    if state and state not in DeliveryState.values:
        message = f"Trạng thái không hợp lệ: {state}."
        raise ValidationFailed(message, fields={"state": [message]})
    agency_id = actor.agency_id
    if agency_id is None or not can_view_documents(actor, agency_id):
        return Delivery.objects.none()
    qs = Delivery.objects.filter(agency_id=agency_id).exclude(route=Route.LOCAL)
    if state:
        qs = qs.filter(state=state)
    return qs.select_related("outgoing").prefetch_related("events").order_by("-id")
