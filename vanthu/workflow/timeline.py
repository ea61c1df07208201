"""The handling timeline: one `Step` per thing done to a document, in order."""

from __future__ import annotations

from django.utils import timezone

from vanthu.core.actor import Actor
from vanthu.registry.models import IncomingDocument, OutgoingDocument
from vanthu.workflow.models import Assignment, Step


def step_record(
    *,
    actor: Actor,
    agency_id: int,
    action: str,
    text: str,
    note: str = "",
    incoming: IncomingDocument | None = None,
    outgoing: OutgoingDocument | None = None,
    assignment: Assignment | None = None,
) -> Step:
    """Add a line to the document's timeline (inside the caller's transaction)."""
    return Step.objects.create(
        agency_id=agency_id,
        incoming=incoming,
        outgoing=outgoing,
        assignment=assignment,
        actor_id=actor.person_id,
        action=action,
        text=text[:500],
        note=note,
        at=timezone.now(),
    )
