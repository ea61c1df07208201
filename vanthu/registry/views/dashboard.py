"""The clerk's card on the dashboard: what waits in the registers today."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from vanthu.core.actor import Actor
from vanthu.organizations.dashboard_cards import DashboardCard
from vanthu.registry import outgoing, permissions, selectors
from vanthu.registry.choices import OutgoingStatus


@dataclass(frozen=True, slots=True)
class ClerkSummary:
    """Counts the clerk's dashboard card shows, each linking to its list."""

    received_today: int
    overdue: int
    drafts: int
    paper_overdue: int


def clerk_summary(*, actor: Actor) -> ClerkSummary | None:
    """Return the register counts for a clerk of the acting agency, or None for others."""
    if actor.agency_id is None or not permissions.can_register(actor, actor.agency_id):
        return None
    today = timezone.localdate()
    received = selectors.incoming_list(
        actor=actor, filters=selectors.IncomingFilters(received_from=today, received_to=today)
    )
    overdue = selectors.incoming_list(actor=actor, filters=selectors.IncomingFilters(overdue=True))
    drafts = selectors.outgoing_list(
        actor=actor, filters=selectors.OutgoingFilters(status=OutgoingStatus.DRAFT)
    )
    return ClerkSummary(
        received_today=received.count(),
        overdue=overdue.count(),
        drafts=drafts.count(),
        paper_overdue=outgoing.paper_dispatch_overdue(actor=actor).count(),
    )


def clerk_card(actor: Actor) -> DashboardCard | None:
    """The dashboard card provider of the registers (see `organizations.dashboard_cards`)."""
    summary = clerk_summary(actor=actor)
    return DashboardCard("registry/_dashboard_clerk.html", summary) if summary else None
