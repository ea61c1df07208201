"""Writes of API access tokens: issue and revoke, each journalled with the sign-in events.

Tokens are DRF's `authtoken` rows (one per person). They belong to the API, so their services
live here rather than in `organizations.services`; the journal rows go through the same
`auth_event_record` as the web sign-in.
"""

from __future__ import annotations

from django.db import transaction
from rest_framework.authtoken.models import Token

from vanthu.core.actor import Actor
from vanthu.core.errors import PermissionDenied
from vanthu.organizations.models import Person
from vanthu.organizations.services import DENIED, auth_event_record


def auth_token_issue(*, actor: Actor, person: Person) -> Token:
    """Return the person's API token, creating it on first sign-in through the API."""
    if actor.person_id != person.pk:
        raise PermissionDenied(DENIED)
    with transaction.atomic():
        token, created = Token.objects.select_for_update().get_or_create(user=person)
        auth_event_record(
            actor=actor,
            action="auth.token_obtain",
            username=person.username,
            person=person,
            detail={"via": "api", "created": created},
        )
    return token


def auth_token_revoke(*, actor: Actor, person: Person) -> bool:
    """Delete the person's API token; return whether there was one."""
    if actor.person_id != person.pk:
        raise PermissionDenied(DENIED)
    with transaction.atomic():
        deleted, _ = Token.objects.filter(user=person).delete()
        if deleted:
            auth_event_record(
                actor=actor,
                action="auth.token_revoke",
                username=person.username,
                person=person,
                detail={"via": "api"},
            )
    return bool(deleted)
