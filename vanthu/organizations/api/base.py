"""What every API view of the platform shares: the actor of the request, paging, 2FA guard.

`ActorMiddleware` builds `request.actor` from the *session* user before the view runs; token
authentication happens later, inside DRF's view, so API views build their actor here, from the
user DRF authenticated.
"""

from __future__ import annotations

from typing import Any

from django_otp import user_has_device
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request

from vanthu.core.actor import Actor
from vanthu.organizations.actors import actor_for_person
from vanthu.organizations.middleware import ACTING_AGENCY_SESSION_KEY, client_ip
from vanthu.organizations.services_otp import second_factor_required


def api_actor(request: Request) -> Actor:
    """Return the actor of an authenticated API request.

    A session keeps the agency chosen in the interface; a token acts for the person's own agency.
    """
    agency_id = None
    if isinstance(request.successful_authenticator, SessionAuthentication):
        agency_id = request._request.session.get(ACTING_AGENCY_SESSION_KEY)
    return actor_for_person(
        request.user,  # type: ignore[arg-type]
        agency_id=agency_id,
        ip_address=client_ip(request._request),
    )


class SecondFactorRequired(exceptions.PermissionDenied):
    """A session that needs a second factor has not passed it."""

    default_code = "otp_required"
    default_detail = "Cần xác thực hai bước trước khi dùng API."


class ActorAPIMixin:
    """Set `self.actor` (and `request.actor`) once DRF has authenticated the request."""

    actor: Actor

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        if not request.user or not request.user.is_authenticated:
            return
        self.actor = api_actor(request)
        request.actor = self.actor  # type: ignore[attr-defined]
        # The web's SecondFactorMiddleware already stops such sessions before the view; this is
        # the API's own guard, in the API's error format. Tokens are only issued after the same
        # check (account.TokenView).
        if isinstance(request.successful_authenticator, SessionAuthentication):
            verified = getattr(request.user, "is_verified", None)
            if not (callable(verified) and verified()) and (
                second_factor_required(self.actor) or user_has_device(request.user)
            ):
                raise SecondFactorRequired


class IdCursorPagination(CursorPagination):
    """Cursor paging on the primary key: stable while rows are added and renamed."""

    ordering = "id"
    page_size_query_param = "page_size"
    max_page_size = 200
