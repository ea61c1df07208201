"""Build the Actor of a person: the roles they hold in the agency they are acting for."""

from __future__ import annotations

from vanthu.core.actor import Actor, Grant
from vanthu.organizations.choices import Role
from vanthu.organizations.models import Person, RoleGrant


def actor_for_person(
    person: Person, *, agency_id: int | None = None, ip_address: str | None = None
) -> Actor:
    """Return the actor of `person`, acting for `agency_id` (default: their own agency)."""
    rows = RoleGrant.objects.filter(person=person, agency__is_active=True).values_list(
        "role", "agency_id", "unit_id"
    )
    grants = frozenset(Grant(role=r, agency_id=a, unit_id=u) for r, a, u in rows)
    is_system_admin = person.is_superuser or any(g.role == Role.SYSTEM_ADMIN for g in grants)
    acting = agency_id if agency_id is not None else person.agency_id
    if acting is not None and acting not in {g.agency_id for g in grants} and not is_system_admin:
        # A person acts only for an agency where they hold a role.
        acting = person.agency_id if person.agency_id in {g.agency_id for g in grants} else None
    return Actor(
        person_id=person.pk,
        name=person.full_name or person.username,
        agency_id=acting,
        grants=grants,
        is_system_admin=is_system_admin,
        ip_address=ip_address,
    )
