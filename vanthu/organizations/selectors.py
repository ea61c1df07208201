"""Reads of organisation records, scoped to what the actor may see.

The agency directory is shared reference data: every signed-in person sees every agency, as
they must to address documents. Units, positions, people and role grants are internal data of
an agency: an actor sees only those of agencies where they hold a role (system administrators
see all); anything else is "not found".
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from vanthu.core.actor import Actor
from vanthu.core.errors import NotFound
from vanthu.core.journal import journal_for_object
from vanthu.core.models import JournalEntry
from vanthu.organizations.models import Agency, Person, Position, RoleGrant, Unit

NOT_FOUND_MESSAGE = "Không tìm thấy."


def _visible_agency_ids(actor: Actor) -> Q:
    if actor.is_system_admin:
        return Q()
    return Q(agency_id__in=actor.agency_ids)


def agency_list(*, actor: Actor, search: str = "", hosted_only: bool = False) -> QuerySet[Agency]:
    """Return the agency directory, optionally filtered by name, short name or identifier."""
    if not actor.is_authenticated:
        return Agency.objects.none()
    qs = Agency.objects.select_related("parent")
    if not actor.is_system_admin:
        qs = qs.filter(is_active=True)
    if hosted_only:
        qs = qs.filter(is_hosted=True)
    if search:
        qs = qs.filter(
            Q(name__icontains=search)
            | Q(short_name__icontains=search)
            | Q(identifier__icontains=search)
        )
    return qs.order_by("identifier")


def agency_get(*, actor: Actor, agency_id: int) -> Agency:
    """Return one agency of the directory or raise NotFound."""
    try:
        return agency_list(actor=actor).get(pk=agency_id)
    except Agency.DoesNotExist:
        raise NotFound(NOT_FOUND_MESSAGE) from None


def unit_list(
    *, actor: Actor, agency_id: int | None = None, include_inactive: bool = False
) -> QuerySet[Unit]:
    """Return the units the actor may see, of one agency or of all visible ones."""
    qs = Unit.objects.filter(_visible_agency_ids(actor)).select_related("agency", "parent")
    if agency_id is not None:
        qs = qs.filter(agency_id=agency_id)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("agency_id", "name")


def unit_get(*, actor: Actor, unit_id: int) -> Unit:
    """Return one visible unit or raise NotFound."""
    try:
        return unit_list(actor=actor, include_inactive=True).get(pk=unit_id)
    except Unit.DoesNotExist:
        raise NotFound(NOT_FOUND_MESSAGE) from None


def position_list(*, actor: Actor, agency_id: int | None = None) -> QuerySet[Position]:
    """Return the positions the actor may see."""
    qs = Position.objects.filter(_visible_agency_ids(actor))
    if agency_id is not None:
        qs = qs.filter(agency_id=agency_id)
    return qs.order_by("agency_id", "rank", "name")


def position_get(*, actor: Actor, position_id: int) -> Position:
    """Return one visible position or raise NotFound."""
    try:
        return position_list(actor=actor).get(pk=position_id)
    except Position.DoesNotExist:
        raise NotFound(NOT_FOUND_MESSAGE) from None


def person_list(
    *,
    actor: Actor,
    agency_id: int | None = None,
    unit_id: int | None = None,
    role: str = "",
    search: str = "",
    include_inactive: bool = False,
) -> QuerySet[Person]:
    """Return the people the actor may see, with their grants prefetched."""
    if actor.is_system_admin:
        qs = Person.objects.all()
    else:
        qs = Person.objects.filter(agency_id__in=actor.agency_ids)
    if agency_id is not None:
        qs = qs.filter(agency_id=agency_id)
    # One filter() call, so unit and role must match the same grant (not any two grants).
    grant_match: dict[str, object] = {}
    if unit_id is not None:
        grant_match["grants__unit_id"] = unit_id
    if role:
        grant_match["grants__role"] = role
    if grant_match:
        qs = qs.filter(**grant_match)
    if search:
        qs = qs.filter(
            Q(full_name__icontains=search)
            | Q(username__icontains=search)
            | Q(email__icontains=search)
        )
    if not include_inactive:
        qs = qs.filter(is_active=True)
    grants = RoleGrant.objects.select_related("unit", "position", "agency")
    return (
        qs.select_related("agency")
        .prefetch_related(Prefetch("grants", queryset=grants))
        .distinct()
        .order_by("full_name", "id")
    )


def person_get(*, actor: Actor, person_id: int) -> Person:
    """Return one visible person or raise NotFound."""
    try:
        return person_list(actor=actor, include_inactive=True).get(pk=person_id)
    except Person.DoesNotExist:
        raise NotFound(NOT_FOUND_MESSAGE) from None


def role_grant_list(*, actor: Actor, person_id: int | None = None) -> QuerySet[RoleGrant]:
    """Return the role grants the actor may see."""
    qs = RoleGrant.objects.filter(_visible_agency_ids(actor)).select_related(
        "person", "unit", "position", "agency"
    )
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    return qs.order_by("person_id", "role", "id")


def journal_list_for(
    *, actor: Actor, object_type: str, object_id: int | str, agency_id: int | None
) -> QuerySet[JournalEntry]:
    """Return the journal of one object, if the actor may see that object's agency."""
    if not actor.is_system_admin and agency_id not in actor.agency_ids:
        raise NotFound(NOT_FOUND_MESSAGE)
    return journal_for_object(object_type=object_type, object_id=str(object_id))
