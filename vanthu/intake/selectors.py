"""Reads of the intake, scoped to the actor: only the agency's clerks see its items."""

from __future__ import annotations

from django.db.models import QuerySet

from vanthu.core.actor import Actor
from vanthu.core.errors import NotFound
from vanthu.intake.models import IntakeItem, IntakeState
from vanthu.registry.permissions import can_register

NOT_FOUND = "Không tìm thấy tệp chờ vào sổ."


def intake_item_list(*, actor: Actor, agency_id: int) -> QuerySet[IntakeItem]:
    """Return the agency's items not registered yet, newest first (none for a non-clerk)."""
    if not can_register(actor, agency_id):
        return IntakeItem.objects.none()
    return IntakeItem.objects.filter(agency_id=agency_id).exclude(state=IntakeState.REGISTERED)


def intake_item_get(*, actor: Actor, item_id: int) -> IntakeItem:
    """Return one item the actor may handle, else NotFound (never "forbidden")."""
    item = IntakeItem.objects.filter(pk=item_id).first()
    if item is None or not can_register(actor, item.agency_id):
        raise NotFound(NOT_FOUND)
    return item
