"""API endpoints of the caller: who am I, and API tokens (obtain with a password, revoke).

The token endpoint signs in through `django.contrib.auth.authenticate(request=...)`, so the
django-axes lockout applies exactly as on the web sign-in page, and every outcome is journalled
with `services.auth_event_record` under the same actions as the web sign-in. A person with a
TOTP device must also send its current code, and an administrator without one (when
REQUIRE_2FA_FOR_ADMINS is on) gets no token: a token must not be a way around the second factor.
"""

from __future__ import annotations

import math

from axes.helpers import get_cool_off, get_failure_limit
from django.contrib.auth import authenticate, user_logged_in
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from vanthu.core.actor import Actor
from vanthu.core.api import error_responses
from vanthu.core.errors import ValidationFailed
from vanthu.organizations import selectors, services
from vanthu.organizations.actors import actor_for_person
from vanthu.organizations.api import serializers as s
from vanthu.organizations.api.base import ActorAPIMixin
from vanthu.organizations.api.tokens import auth_token_issue, auth_token_revoke
from vanthu.organizations.middleware import client_ip
from vanthu.organizations.models import Person
from vanthu.organizations.services_otp import (
    second_factor_required,
    totp_device_get,
    totp_login_verify,
)


class InvalidCredentials(exceptions.APIException):
    """Wrong username or password, or an inactive account (never say which)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_credentials"
    default_detail = "Tên đăng nhập hoặc mật khẩu không đúng."


class LockedOut(exceptions.APIException):
    """Too many failed sign-ins for this username from this address (django-axes)."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"

    def __init__(self, seconds: int) -> None:
        if seconds:
            minutes = max(1, math.ceil(seconds / 60))
            detail = (
                "Tài khoản tạm thời bị khóa do đăng nhập sai quá nhiều lần. "
                f"Vui lòng thử lại sau {minutes} phút."
            )
        else:
            detail = (
                "Tài khoản bị khóa do đăng nhập sai quá nhiều lần. "
                "Vui lòng liên hệ quản trị viên của cơ quan."
            )
        super().__init__(detail)
        # DRF's exception handler turns `wait` into a Retry-After header.
        self.wait = seconds or None


class SecondFactorNotEnrolled(exceptions.PermissionDenied):
    """An administrator without a second-factor device asks for a token."""

    default_code = "otp_setup_required"
    default_detail = (
        "Quản trị viên phải bật xác thực hai bước (trên giao diện web) trước khi dùng API."
    )


OTP_MISSING = "Nhập mã xác thực hai bước (otp_token)."


@extend_schema(tags=["Account"])
class MeView(ActorAPIMixin, APIView):
    """The caller."""

    @extend_schema(
        summary="Get the caller: person, acting agency and roles",
        responses={200: s.MeSerializer, **error_responses(401, 403)},
    )
    def get(self, request: Request) -> Response:
        actor = self.actor
        person: Person = request.user  # type: ignore[assignment]
        grants = selectors.role_grant_list(actor=actor, person_id=actor.person_id)
        acting = (
            selectors.agency_get(actor=actor, agency_id=actor.agency_id)
            if actor.agency_id is not None
            else None
        )
        data = {
            "id": person.pk,
            "username": person.username,
            "full_name": person.full_name,
            "email": person.email,
            "agency": person.agency_id,
            "acting_agency": acting,
            "roles": sorted(actor.roles_in(actor.agency_id)),
            "is_system_admin": actor.is_system_admin,
            "grants": grants,
        }
        return Response(s.MeSerializer(data).data)


def _anonymous_actor(request: Request, username: str) -> Actor:
    # As on the web sign-in: whoever typed the username is named by what they typed.
    return Actor(
        person_id=None,
        name=username[:200],
        agency_id=None,
        ip_address=client_ip(request._request),
    )


def _journal_failure(request: Request, username: str, *, locked: bool) -> None:
    """Journal a failed token sign-in the way the web sign-in does (and the lockout's start)."""
    actor = _anonymous_actor(request, username)
    person = Person.objects.filter(username=username).first()
    services.auth_event_record(
        actor=actor,
        action="auth.login_failed",
        username=username,
        person=person,
        detail={"via": "api", "reason": "locked_out" if locked else "bad_credentials"},
    )
    failures = getattr(request, "axes_failures_since_start", None)
    credentials = {"username": username}
    if locked and failures is not None and failures == get_failure_limit(request, credentials):
        # This very failure reached the limit: the lockout starts now.
        services.auth_event_record(
            actor=actor,
            action="auth.lockout",
            username=username,
            person=person,
            detail={"via": "api", "failures": failures},
        )


@extend_schema(tags=["Authentication"])
class TokenView(ActorAPIMixin, APIView):
    """Obtain an API token with a password; revoke one's own token."""

    throttle_classes = [AnonRateThrottle]

    def get_authenticators(self) -> list[BaseAuthentication]:
        # Signing in ignores any session or token already sent: the credentials decide.
        if getattr(self.request, "method", None) == "POST":
            return []
        return super().get_authenticators()

    def get_permissions(self) -> list[BasePermission]:
        if getattr(self.request, "method", None) == "POST":
            return [AllowAny()]
        return [IsAuthenticated()]

    @extend_schema(
        summary="Obtain an API token",
        description="Exchange a username and password (and, for a person with a second "
        "factor, the current TOTP code) for the person's token. Repeated failures lock the "
        "username from that address (`locked_out`, 429), as on the web sign-in page.",
        request=s.TokenObtainSerializer,
        responses={
            200: s.TokenSerializer,
            **error_responses(
                400,
                403,
                429,
                s400="Invalid input (`invalid`; a missing or wrong `otp_token` is reported in "
                "`fields`) or wrong credentials (`invalid_credentials`).",
                s403="An administrator without a second factor (`otp_setup_required`).",
                s429="Locked out after repeated failures (`locked_out`) or throttled.",
            ),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        body = s.TokenObtainSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        username: str = body.validated_data["username"]
        # The DRF request, not the Django one: django-axes flags it, so the lockout is answered
        # here in the API's error format rather than by AxesMiddleware's page.
        user = authenticate(
            request=request, username=username, password=body.validated_data["password"]
        )
        if user is None:
            locked = bool(getattr(request, "axes_locked_out", False))
            _journal_failure(request, username, locked=locked)
            if locked:
                cool_off = get_cool_off(request)
                raise LockedOut(int(cool_off.total_seconds()) if cool_off else 0)
            raise InvalidCredentials
        person: Person = user
        actor = actor_for_person(person, ip_address=client_ip(request._request))
        self._check_second_factor(actor, person, body.validated_data["otp_token"])
        token = auth_token_issue(actor=actor, person=person)
        # A token sign-in is a sign-in: django-axes resets the failure count, last_login moves.
        user_logged_in.send(sender=type(person), request=request, user=person)
        return Response(s.TokenSerializer({"token": token.key}).data)

    def _check_second_factor(self, actor: Actor, person: Person, otp_token: str) -> None:
        """Ask for the TOTP code of a person who has a device; refuse admins without one."""
        if totp_device_get(person=person) is None:
            if second_factor_required(actor):
                raise SecondFactorNotEnrolled
            return
        if not otp_token:
            raise ValidationFailed(OTP_MISSING, fields={"otp_token": [OTP_MISSING]})
        try:
            totp_login_verify(actor=actor, person=person, token=otp_token)
        except ValidationFailed as error:
            # The same check, journal and throttle as the web's second step; our field name.
            raise ValidationFailed(
                error.message, fields={"otp_token": error.fields.get("token", [error.message])}
            ) from None

    @extend_schema(
        summary="Revoke one's own API token",
        request=None,
        responses={204: OpenApiResponse(description="Token revoked."), **error_responses(401)},
    )
    def delete(self, request: Request) -> Response:
        auth_token_revoke(actor=self.actor, person=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)
