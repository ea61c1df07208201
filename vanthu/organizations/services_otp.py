"""The TOTP second factor: set up, confirm, turn off, and check a code at sign-in.

Every outcome that matters for security (a device enrolled or removed, a wrong code) is
journalled. A wrong code counts towards django-otp's throttle, which doubles the wait after each
failure; the throttle is committed even though the caller then reports an error.
"""

from __future__ import annotations

import math
from base64 import b32encode

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from vanthu.core.actor import Actor
from vanthu.core.errors import Conflict, PermissionDenied, ValidationFailed
from vanthu.organizations.choices import Role
from vanthu.organizations.models import Person
from vanthu.organizations.services import DENIED, auth_event_record

DEVICE_NAME = "Ứng dụng xác thực"
WRONG_CODE = "Mã xác thực không đúng hoặc đã hết hạn."


def totp_device_get(*, person: Person, confirmed: bool = True) -> TOTPDevice | None:
    """Return the person's TOTP device (confirmed, or the one being set up), if any."""
    return TOTPDevice.objects.filter(user=person, confirmed=confirmed).order_by("-id").first()


def totp_secret_display(device: TOTPDevice) -> str:
    """Return the device's secret in base32, in groups of four, for manual entry."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def is_administrator(actor: Actor) -> bool:
    """Return whether the actor administers an agency or the system, in any agency."""
    return actor.is_system_admin or any(
        g.role in (Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN) for g in actor.grants
    )


def second_factor_required(actor: Actor) -> bool:
    """Return whether the actor must use a second factor (administrators, when so configured)."""
    return bool(settings.REQUIRE_2FA_FOR_ADMINS) and is_administrator(actor)


def _require_self(actor: Actor, person: Person) -> None:
    if actor.person_id != person.pk:
        raise PermissionDenied(DENIED)


def _throttle_check(device: TOTPDevice) -> None:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return
    locked_until = (data or {}).get("locked_until")
    seconds = 1
    if locked_until is not None:
        seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
    message = f"Bạn đã nhập sai nhiều lần. Vui lòng đợi {seconds} giây rồi thử lại."
    raise ValidationFailed(message, fields={"token": [message]})


def _wrong_code() -> ValidationFailed:
    return ValidationFailed(WRONG_CODE, fields={"token": [WRONG_CODE]})


def totp_setup_start(*, actor: Actor, person: Person) -> TOTPDevice:
    """Create a new, not yet confirmed TOTP device, replacing any earlier unconfirmed one."""
    _require_self(actor, person)
    with transaction.atomic():
        Person.objects.select_for_update().get(pk=person.pk)
        if TOTPDevice.objects.filter(user=person, confirmed=True).exists():
            raise Conflict("Bạn đã bật xác thực hai bước.")
        # An unconfirmed device grants nothing (it is never asked for at sign-in), so its
        # creation is not journalled; its confirmation is.
        TOTPDevice.objects.filter(user=person, confirmed=False).delete()
        return TOTPDevice.objects.create(user=person, name=DEVICE_NAME, confirmed=False)


def _locked_device(person: Person, *, confirmed: bool) -> TOTPDevice | None:
    """Return the person's newest device in that state, locked for this transaction."""
    return (
        TOTPDevice.objects.select_for_update()
        .filter(user=person, confirmed=confirmed)
        .order_by("-id")
        .first()
    )


def totp_setup_confirm(*, actor: Actor, person: Person, token: str) -> TOTPDevice:
    """Confirm the device being set up with a code it generated; from now on it is required."""
    _require_self(actor, person)
    with transaction.atomic():
        device = _locked_device(person, confirmed=False)
        if device is None:
            raise ValidationFailed("Chưa bắt đầu thiết lập, hoặc thiết lập đã hoàn tất.")
        _throttle_check(device)
        verified = device.verify_token(token)
        if verified:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=person).exclude(pk=device.pk).delete()
            auth_event_record(
                actor=actor, action="auth.otp_enrolled", username=person.username, person=person
            )
        else:
            auth_event_record(
                actor=actor,
                action="auth.otp_failed",
                username=person.username,
                person=person,
                detail={"stage": "setup"},
            )
    if not verified:
        raise _wrong_code()
    return device


def totp_disable(*, actor: Actor, person: Person, password: str, token: str) -> None:
    """Remove the person's second factor after checking their password and a current code."""
    _require_self(actor, person)
    if second_factor_required(actor):
        raise PermissionDenied("Quản trị viên bắt buộc dùng xác thực hai bước, nên không thể tắt.")
    if not person.check_password(password):
        raise ValidationFailed(
            "Mật khẩu hiện tại không đúng.", fields={"password": ["Mật khẩu hiện tại không đúng."]}
        )
    with transaction.atomic():
        device = _locked_device(person, confirmed=True)
        if device is None:
            raise ValidationFailed("Bạn chưa bật xác thực hai bước.")
        _throttle_check(device)
        verified = device.verify_token(token)
        if verified:
            TOTPDevice.objects.filter(user=person).delete()
            auth_event_record(
                actor=actor, action="auth.otp_reset", username=person.username, person=person
            )
        else:
            auth_event_record(
                actor=actor,
                action="auth.otp_failed",
                username=person.username,
                person=person,
                detail={"stage": "disable"},
            )
    if not verified:
        raise _wrong_code()


def totp_login_verify(*, actor: Actor, person: Person, token: str) -> TOTPDevice:
    """Check the code of the second sign-in step; journal a wrong one and return the device."""
    _require_self(actor, person)
    with transaction.atomic():
        device = _locked_device(person, confirmed=True)
        if device is None:
            raise ValidationFailed("Tài khoản chưa bật xác thực hai bước.")
        _throttle_check(device)
        verified = device.verify_token(token)
        if not verified:
            auth_event_record(
                actor=actor,
                action="auth.otp_failed",
                username=person.username,
                person=person,
                detail={"stage": "login"},
            )
    if not verified:
        raise _wrong_code()
    return device
