"""The outbox towards other systems: what waits to be sent as a packet (ADR 0018).

A change that must reach another system writes its message here in its own transaction; the
sending task, enqueued in that same transaction, sends them with retries (`outbound`).
"""

from __future__ import annotations

from datetime import datetime

from vanthu.exchange.choices import OutboxKind, StatusCode
from vanthu.exchange.models import Delivery, OutboxMessage, Reception
from vanthu.exchange.outbound import send_enqueue


def status_outbox_add(
    *, reception: Reception, code: str, at: datetime, description: str = "", staff: str = ""
) -> OutboxMessage:
    """Queue a status report of a reception for its sender's system."""
    message = OutboxMessage.objects.create(
        agency_id=reception.agency_id,
        kind=OutboxKind.STATUS,
        reception=reception,
        peer_identifier=reception.sender_identifier,
        code=code,
        at=at,
        description=description[:500],
        staff=staff[:200],
    )
    send_enqueue("outbox", message.pk)
    return message


def take_back_outbox_add(*, delivery: Delivery, reason: str, at: datetime) -> OutboxMessage:
    """Queue a request to take back a document, for a recipient's system."""
    message = OutboxMessage.objects.create(
        agency_id=delivery.agency_id,
        kind=OutboxKind.TAKE_BACK,
        delivery=delivery,
        peer_identifier=delivery.recipient_identifier,
        code=StatusCode.TAKE_BACK_REQUESTED,
        at=at,
        description=reason[:500],
    )
    send_enqueue("outbox", message.pk)
    return message
