"""Who may do what to organisation records; called by services, never only by views."""

from __future__ import annotations

from vanthu.core.actor import Actor
from vanthu.organizations.choices import Role


def can_manage_agency(actor: Actor, agency_id: int) -> bool:
    """Return whether the actor administers the units and staff of `agency_id`."""
    return actor.is_system_admin or actor.has_role(Role.AGENCY_ADMIN, agency_id=agency_id)


def can_see_agency_data(actor: Actor, agency_id: int) -> bool:
    """Return whether the actor may see the internal records (units, staff) of `agency_id`."""
    return actor.is_system_admin or agency_id in actor.agency_ids


def can_manage_directory(actor: Actor) -> bool:
    """Return whether the actor edits the agency directory itself (create, import agencies)."""
    return actor.is_system_admin
