"""What the exchange adds to other apps' pages through their hooks (ADR 0015).

- The sender's view on an outgoing document's page (`registry.detail_panels`): each recipient,
  how the document travels to it, and the status it reported, with the history (Điều 11; QĐ
  28/2018/QĐ-TTg Điều 9).
- The clerk's card on the dashboard (`organizations.dashboard_cards`): documents awaiting
  reception, the senders' requests to take one back, and sendings that failed ("Gửi lại").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vanthu.core.actor import Actor
from vanthu.exchange import selectors
from vanthu.exchange import services as x
from vanthu.exchange.choices import DeliveryState, OutboxKind, Route, StatusCode
from vanthu.exchange.models import Delivery, OutboxMessage, StatusEvent
from vanthu.organizations.dashboard_cards import DashboardCard
from vanthu.registry.detail_panels import DetailPanel
from vanthu.registry.models import OutgoingDocument
from vanthu.registry.permissions import can_register

# Status codes the sender reads as bad news (the recipient refused the document or a request).
REFUSALS = frozenset({StatusCode.RETURNED, StatusCode.CHANGE_REFUSED})


def status_label(code: str) -> str:
    """Return the Vietnamese label of a status code (the code itself when unknown)."""
    return str(StatusCode(code).label) if code in StatusCode.values else code


@dataclass(frozen=True)
class EventLine:
    """One status of the history, as the sender reads it."""

    code: str
    label: str
    event: StatusEvent


@dataclass(frozen=True)
class RecipientLine:
    """One recipient of an outgoing document: route, delivery state, status, history."""

    delivery: Delivery
    route_label: str
    state_label: str
    status_label: str
    is_refused: bool
    events: list[EventLine]
    # Take-back requests to the recipient's system (the outbox), with their sending state.
    messages: list[OutboxMessage] = field(default_factory=list)

    @property
    def is_failed(self) -> bool:
        return self.delivery.state == DeliveryState.FAILED


def _line(delivery: Delivery, messages: list[OutboxMessage]) -> RecipientLine:
    events = [EventLine(e.code, status_label(e.code), e) for e in delivery.events.all()]
    return RecipientLine(
        delivery=delivery,
        route_label=str(Route(delivery.route).label) if delivery.route in Route.values else "",
        state_label=str(DeliveryState(delivery.state).label),
        status_label=status_label(delivery.status_code) if delivery.status_code else "",
        is_refused=delivery.status_code in REFUSALS,
        events=events,
        messages=messages,
    )


def deliveries_panel(actor: Actor, document: OutgoingDocument) -> DetailPanel | None:
    """The sender's view: each recipient agency's status (nothing before the document is sent)."""
    deliveries = list(x.delivery_list(actor=actor, outgoing_id=document.pk))
    by_delivery: dict[int, list[OutboxMessage]] = {}
    for message in OutboxMessage.objects.filter(
        delivery__in=deliveries, kind=OutboxKind.TAKE_BACK
    ).order_by("id"):
        by_delivery.setdefault(message.delivery_id or 0, []).append(message)
    lines = [_line(d, by_delivery.get(d.pk, [])) for d in deliveries]
    if not lines:
        return None
    may_retry = actor.agency_id == document.agency_id and can_register(actor, document.agency_id)
    return DetailPanel(
        "exchange/_panel_deliveries.html",
        {"lines": lines, "document": document, "may_retry": may_retry},
    )


def clerk_card(actor: Actor) -> DashboardCard | None:
    """The dashboard card of the exchange for the acting agency's clerks."""
    counts = selectors.queue_counts(actor=actor)
    return DashboardCard("exchange/_dashboard_clerk.html", counts) if counts else None
