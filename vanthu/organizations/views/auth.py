"""Sign-in, the second sign-in step, sign-out, and the page shown while an account is locked.

django-axes counts failures per (username, address) and locks the pair for a while (settings:
AXES_*); every attempt, lockout and sign-out is journalled (QĐ 22 Điều 13.8).
"""

from __future__ import annotations

import math
import time
from typing import Any

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from vanthu.core.actor import Actor
from vanthu.core.errors import VanthuError
from vanthu.organizations.actors import actor_for_person
from vanthu.organizations.forms_account import LoginForm, OtpForm, add_service_errors
from vanthu.organizations.middleware import client_ip
from vanthu.organizations.models import Person
from vanthu.organizations.services import auth_event_record
from vanthu.organizations.services_otp import totp_device_get, totp_login_verify

PENDING_LOGIN_SESSION_KEY = "vanthu_pending_login"
# The second step must follow the first within this many seconds.
PENDING_LOGIN_SECONDS = 300
BAD_CREDENTIALS = "Tên đăng nhập hoặc mật khẩu không đúng."


def _anonymous_actor(request: HttpRequest, username: str) -> Actor:
    # Whoever typed the username is not known to be that person: name them by what they typed.
    return Actor(person_id=None, name=username[:200], agency_id=None, ip_address=client_ip(request))


def _person_named(username: str) -> Person | None:
    return Person.objects.filter(username=username).first() if username else None


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("dashboard")


def _complete_login(
    request: HttpRequest, person: Person, *, backend: str, device: Any = None, next_url: str
) -> HttpResponse:
    auth_login(request, person, backend=backend)
    if device is not None:
        otp_login(request, device)
    actor = actor_for_person(person, ip_address=client_ip(request))
    auth_event_record(
        actor=actor,
        action="auth.login",
        username=person.username,
        person=person,
        detail={"second_factor": "totp" if device is not None else "none"},
    )
    return redirect(next_url)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Check username and password; ask for a code next if the person has a second factor."""
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_authenticated and request.method == "GET":
        return redirect(next_url)
    form = LoginForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        person = authenticate(request, username=username, password=form.cleaned_data["password"])
        if person is None:
            # Refused because of an earlier lockout, not for this password (axes counts this
            # attempt too: beyond the limit means the pair was already locked).
            failures = getattr(request, "axes_failures_since_start", None)
            locked = bool(getattr(request, "axes_locked_out", False)) and (
                failures is None or failures > get_failure_limit(request, {"username": username})
            )
            auth_event_record(
                actor=_anonymous_actor(request, username),
                action="auth.login_failed",
                username=username,
                person=_person_named(username),
                detail={"reason": "locked_out" if locked else "bad_credentials"},
            )
            # While locked, AxesMiddleware replaces this response with `lockout_response`.
            form.add_error(None, BAD_CREDENTIALS)
        elif totp_device_get(person=person) is not None:
            request.session.cycle_key()
            request.session[PENDING_LOGIN_SESSION_KEY] = {
                "person_id": person.pk,
                "backend": person.backend,
                "started": time.time(),
                "next": next_url,
            }
            return redirect("login_otp")
        else:
            return _complete_login(request, person, backend=person.backend, next_url=next_url)
    return render(request, "organizations/account/login.html", {"form": form, "next": next_url})


def _pending_person(request: HttpRequest) -> tuple[Person | None, dict[str, Any]]:
    pending = request.session.get(PENDING_LOGIN_SESSION_KEY) or {}
    started = float(pending.get("started", 0))
    if not pending or time.time() - started > PENDING_LOGIN_SECONDS:
        return None, {}
    person_id = pending.get("person_id")
    if not isinstance(person_id, int):
        return None, {}
    person = Person.objects.filter(pk=person_id, is_active=True).first()
    return person, pending


@sensitive_post_parameters("token")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_otp_view(request: HttpRequest) -> HttpResponse:
    """The second sign-in step: a code from the person's authenticator application."""
    person, pending = _pending_person(request)
    if person is None:
        request.session.pop(PENDING_LOGIN_SESSION_KEY, None)
        messages.warning(request, "Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.")
        return redirect("login")
    form = OtpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        actor = actor_for_person(person, ip_address=client_ip(request))
        try:
            device = totp_login_verify(actor=actor, person=person, token=form.cleaned_data["token"])
        except VanthuError as error:
            add_service_errors(form, error)
        else:
            request.session.pop(PENDING_LOGIN_SESSION_KEY, None)
            return _complete_login(
                request,
                person,
                backend=pending["backend"],
                device=device,
                next_url=_safe_next(request, pending.get("next")),
            )
    return render(request, "organizations/account/login_otp.html", {"form": form})


@require_POST
@csrf_protect
def logout_view(request: HttpRequest) -> HttpResponse:
    """Sign out, journalling it first (the actor is gone afterwards)."""
    actor = getattr(request, "actor", None)
    if request.user.is_authenticated and actor is not None:
        person = request.user
        auth_event_record(
            actor=actor,
            action="auth.logout",
            username=person.get_username(),
            person=person,
        )
    auth_logout(request)
    messages.info(request, "Bạn đã đăng xuất.")
    return redirect("login")


def _wants_json(request: HttpRequest) -> bool:
    if request.path.startswith("/api/"):
        return True
    return request.accepts("application/json") and not request.accepts("text/html")


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """Tell the user the account is temporarily locked, and for how long (axes' callable)."""
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else 0
    minutes = max(1, math.ceil(seconds / 60)) if seconds else 0
    username = get_client_username(request, credentials) or ""
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is not None and failures == get_failure_limit(request, credentials):
        # This very failure reached the limit: the lockout starts now. Later attempts during
        # the lockout are journalled as failures ("locked_out") by the sign-in view.
        auth_event_record(
            actor=_anonymous_actor(request, username),
            action="auth.lockout",
            username=username,
            person=_person_named(username),
            detail={"failures": failures, "minutes": minutes},
        )
    if minutes:
        message = (
            "Tài khoản tạm thời bị khóa do đăng nhập sai quá nhiều lần. "
            f"Vui lòng thử lại sau {minutes} phút."
        )
    else:
        message = (
            "Tài khoản bị khóa do đăng nhập sai quá nhiều lần. "
            "Vui lòng liên hệ quản trị viên của cơ quan."
        )
    response: HttpResponse
    if _wants_json(request):
        body: dict[str, Any] = {"code": "locked_out", "message": message}
        if seconds:
            body["retry_after"] = seconds
        response = JsonResponse(body, status=429)
    else:
        response = render(
            request,
            "organizations/account/locked_out.html",
            {"message": message, "minutes": minutes, "username": username},
            status=429,
        )
    if seconds:
        response["Retry-After"] = str(seconds)
    return response
