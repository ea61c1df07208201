"""Who may read and write the registers; called by services and selectors, never only by views."""

from __future__ import annotations

from vanthu.core.actor import Actor
from vanthu.organizations.choices import Role


def can_register(actor: Actor, agency_id: int | None) -> bool:
    """Return whether the actor enters documents in the registers of `agency_id` (its clerks)."""
    # QĐ 22 Điều 6: registering incoming and outgoing documents is the clerk's (văn thư) work.
    if agency_id is None:
        return False
    return actor.is_system_admin or actor.has_role(Role.CLERK, agency_id=agency_id)


def can_view_documents(actor: Actor, agency_id: int | None) -> bool:
    """Return whether the actor reads the registered documents of `agency_id` (any role there)."""
    if agency_id is None:
        return False
    return actor.is_system_admin or agency_id in actor.agency_ids
