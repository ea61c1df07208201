"""Enforce the second factor on every page, not only at the sign-in form.

Two rules: a session of a person who has a confirmed TOTP device must have been verified with
it (a session opened before the device was added is ended); and when
REQUIRE_2FA_FOR_ADMINS is on, an administrator without a device may only reach the setup page
and sign out until they have set one up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django_otp import user_has_device

from vanthu.organizations.services_otp import second_factor_required

# Pages an administrator without a second factor may still open.
SETUP_VIEWS = frozenset({"account_two_factor", "logout", "login", "login_otp"})


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


class SecondFactorMiddleware:
    """Send unverified sessions back to sign-in, and unprotected administrators to setup."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated:
            return None
        has_device = user_has_device(user, confirmed=True)
        if has_device and not user.is_verified():  # type: ignore[attr-defined]  # OTPMiddleware
            logout(request)
            if _is_api(request):
                return JsonResponse(
                    {"code": "not_authenticated", "message": "Vui lòng đăng nhập lại."}, status=401
                )
            messages.warning(request, "Tài khoản đã bật xác thực hai bước. Vui lòng đăng nhập lại.")
            return redirect("login")
        actor = getattr(request, "actor", None)
        if has_device or actor is None or not second_factor_required(actor):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in SETUP_VIEWS:
            return None
        message = "Quản trị viên phải bật xác thực hai bước trước khi tiếp tục."
        if _is_api(request):
            return JsonResponse({"code": "permission_denied", "message": message}, status=403)
        return redirect("account_two_factor")
