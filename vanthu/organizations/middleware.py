"""Attach `request.actor` for the signed-in person, acting for the agency in the session."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from vanthu.core.actor import Actor
from vanthu.organizations.actors import actor_for_person

ACTING_AGENCY_SESSION_KEY = "vanthu_acting_agency"


def client_ip(request: HttpRequest) -> str | None:
    """Return the client address (django-axes' resolution, which honours the proxy count)."""
    from axes.helpers import get_client_ip_address

    ip: str | None = get_client_ip_address(request)
    return ip or None


def _actor(request: HttpRequest) -> Actor | None:
    user = request.user
    if not user.is_authenticated:
        return None
    agency_id = request.session.get(ACTING_AGENCY_SESSION_KEY)
    return actor_for_person(user, agency_id=agency_id, ip_address=client_ip(request))


class ActorMiddleware:
    """Set `request.actor` lazily, so requests that never need it pay nothing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.actor = SimpleLazyObject(lambda: _actor(request))  # type: ignore[attr-defined]
        return self.get_response(request)
