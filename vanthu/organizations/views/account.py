"""The person's own account: change the password, set up or turn off the second factor."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from vanthu.core.errors import VanthuError
from vanthu.organizations import services, services_otp
from vanthu.organizations.forms_account import (
    OtpDisableForm,
    OtpForm,
    PasswordChangeForm,
    add_service_errors,
)


@sensitive_post_parameters("old_password", "new_password", "new_password_again")
@login_required
@require_http_methods(["GET", "POST"])
def password_change_view(request: HttpRequest) -> HttpResponse:
    """Change one's own password; the current session stays signed in."""
    form = PasswordChangeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                actor=request.actor,  # type: ignore[attr-defined]
                person=request.user,  # type: ignore[arg-type]
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except VanthuError as error:
            add_service_errors(form, error)
        else:
            # Other sessions of this person end; this one is kept (Django's session hash).
            update_session_auth_hash(request, request.user)  # type: ignore[arg-type]
            messages.success(request, "Đã đổi mật khẩu.")
            return redirect("account_password")
    return render(request, "organizations/account/password_change.html", {"form": form})


def _qr_svg(device: TOTPDevice) -> str:
    # Drawn here, never by a web service: the secret must not leave the server.
    qr = segno.make(device.config_url, error="m")
    svg: str = qr.svg_inline(
        scale=4, omitsize=True, title="Mã QR để thêm tài khoản vào ứng dụng xác thực"
    )
    return mark_safe(svg)  # noqa: S308 - segno's own output, no user input inside markup


@sensitive_post_parameters("password", "token")
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_view(request: HttpRequest) -> HttpResponse:
    """Show the second-factor status; start, confirm or turn off a TOTP device."""
    person = request.user
    actor = request.actor  # type: ignore[attr-defined]
    action = request.POST.get("action", "") if request.method == "POST" else ""
    confirm_form = OtpForm(request.POST if action == "confirm" else None, prefix="confirm")
    disable_form = OtpDisableForm(request.POST if action == "disable" else None, prefix="disable")
    try:
        if action == "start":
            services_otp.totp_setup_start(actor=actor, person=person)  # type: ignore[arg-type]
            return redirect("account_two_factor")
        if action == "confirm" and confirm_form.is_valid():
            device = services_otp.totp_setup_confirm(
                actor=actor,
                person=person,  # type: ignore[arg-type]
                token=confirm_form.cleaned_data["token"],
            )
            otp_login(request, device)
            messages.success(request, "Đã bật xác thực hai bước.")
            return redirect("account_two_factor")
        if action == "disable" and disable_form.is_valid():
            services_otp.totp_disable(
                actor=actor,
                person=person,  # type: ignore[arg-type]
                password=disable_form.cleaned_data["password"],
                token=disable_form.cleaned_data["token"],
            )
            messages.success(request, "Đã tắt xác thực hai bước.")
            return redirect("account_two_factor")
    except VanthuError as error:
        target = disable_form if action == "disable" else confirm_form
        if action == "start" or not target.is_bound:
            messages.error(request, error.message)
            return redirect("account_two_factor")
        add_service_errors(target, error)
    confirmed = services_otp.totp_device_get(person=person)  # type: ignore[arg-type]
    pending = None if confirmed else services_otp.totp_device_get(person=person, confirmed=False)  # type: ignore[arg-type]
    context = {
        "confirmed_device": confirmed,
        "pending_device": pending,
        "qr_svg": _qr_svg(pending) if pending else "",
        "secret": services_otp.totp_secret_display(pending) if pending else "",
        "confirm_form": confirm_form,
        "disable_form": disable_form,
        "is_required": services_otp.second_factor_required(actor),
    }
    return render(request, "organizations/account/two_factor.html", context)
