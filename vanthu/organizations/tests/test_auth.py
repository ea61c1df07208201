"""Sign-in, lockout, sign-out, session expiry, password change and the TOTP second factor."""

from __future__ import annotations

import json
from base64 import b32encode
from datetime import UTC, datetime, timedelta

import time_machine
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from vanthu.core.models import JournalEntry
from vanthu.organizations.models import Person
from vanthu.organizations.tests.factories import DEFAULT_PASSWORD

LOGIN = "/dang-nhap/"
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def _login(client: Client, username: str, password: str = DEFAULT_PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def _journal(action: str) -> list[JournalEntry]:
    return list(JournalEntry.objects.filter(action=action).order_by("chain", "seq"))


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _confirmed_device(person: Person) -> TOTPDevice:
    return TOTPDevice.objects.create(user=person, name="Ứng dụng xác thực", confirmed=True)


# --- Sign-in and sign-out ----------------------------------------------------------------


def test_login_page_is_vietnamese(client, cast):
    # when
    response = client.get(LOGIN)
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi"' in body
    assert "Tên đăng nhập" in body
    assert "Mật khẩu" in body
    assert 'name="csrfmiddlewaretoken"' in body


def test_login_success_is_journalled(client, cast):
    # when
    response = _login(client, "vanthu.a")
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert _signed_in(client)
    [row] = _journal("auth.login")
    assert row.actor_id == cast.clerk.pk
    assert row.object_id == str(cast.clerk.pk)
    assert row.agency_id == cast.agency_a.pk
    assert row.ip_address == "127.0.0.1"
    assert row.after == {"second_factor": "none"}


def test_login_failure_is_refused_and_journalled(client, cast):
    # when
    response = _login(client, "vanthu.a", "sai-mat-khau")
    # then
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()
    assert not _signed_in(client)
    assert _journal("auth.login") == []
    [row] = _journal("auth.login_failed")
    assert row.actor_id is None
    assert row.actor_name == "vanthu.a"
    assert row.ip_address == "127.0.0.1"
    assert row.object_id == str(cast.clerk.pk)
    assert row.after == {"reason": "bad_credentials"}


def test_failure_for_an_unknown_username_goes_to_the_system_chain(client, cast):
    # when
    _login(client, "khong.ton.tai", "x")
    # then
    [row] = _journal("auth.login_failed")
    assert row.chain == "system"
    assert row.object_id == ""
    assert row.object_repr == "khong.ton.tai"


def test_inactive_person_cannot_sign_in(client, cast):
    # given
    Person.objects.filter(pk=cast.clerk.pk).update(is_active=False)
    # when
    response = _login(client, "vanthu.a")
    # then
    assert response.status_code == 200
    assert not _signed_in(client)


def test_next_must_stay_on_this_site(client, cast):
    # when
    response = _login(client, "vanthu.a", next="https://evil.example/")
    # then
    assert response["Location"] == reverse("dashboard")


def test_next_inside_the_site_is_followed(client, cast):
    # when
    response = _login(client, "vanthu.a", next=reverse("account_password"))
    # then
    assert response["Location"] == reverse("account_password")


def test_logout_needs_post_and_is_journalled(client, cast):
    # given
    client.force_login(cast.clerk)
    # when
    refused = client.get("/dang-xuat/")
    response = client.post("/dang-xuat/")
    # then
    assert refused.status_code == 405
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert not _signed_in(client)
    [row] = _journal("auth.logout")
    assert row.actor_id == cast.clerk.pk


# --- Lockout -----------------------------------------------------------------------------


def test_lockout_after_the_failure_limit_refuses_even_the_right_password(client, cast, settings):
    # given
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        assert _login(client, "vanthu.a", "sai").status_code == 200
    # when
    locked = _login(client, "vanthu.a", "sai")
    right_password = _login(client, "vanthu.a")
    # then
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "Tài khoản tạm thời bị khóa" in body
    assert "15 phút" in body
    assert locked["Retry-After"] == "900"
    assert right_password.status_code == 429
    assert not _signed_in(client)
    [lockout] = _journal("auth.lockout")
    assert lockout.object_id == str(cast.clerk.pk)
    assert lockout.after == {"failures": 3, "minutes": 15}
    reasons = [(row.after or {}).get("reason") for row in _journal("auth.login_failed")]
    assert reasons == ["bad_credentials"] * 3 + ["locked_out"]


def test_lockout_ends_after_the_cool_off(client, cast, settings):
    # given
    settings.AXES_FAILURE_LIMIT = 2
    with time_machine.travel(START, tick=False) as clock:
        _login(client, "vanthu.a", "sai")
        assert _login(client, "vanthu.a", "sai").status_code == 429
        # when
        clock.shift(settings.AXES_COOLOFF_TIME + timedelta(seconds=1))
        response = _login(client, "vanthu.a")
        # then (inside the frozen clock: the session would look expired outside it)
        assert response.status_code == 302
        assert _signed_in(client)


def test_lockout_of_one_name_does_not_lock_another(client, cast, settings):
    # given
    settings.AXES_FAILURE_LIMIT = 2
    _login(client, "vanthu.a", "sai")
    _login(client, "vanthu.a", "sai")
    # when
    response = _login(client, "giamdoc.a")
    # then
    assert response.status_code == 302


def test_lockout_answers_json_to_api_clients(rf, settings):
    # given
    from vanthu.organizations.views.auth import lockout_response

    request = rf.post("/api/v1/auth/token/", HTTP_ACCEPT="application/json")
    # when
    response = lockout_response(request, None, {"username": "ai.do"})
    # then
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body["code"] == "locked_out"
    assert "15 phút" in body["message"]
    assert body["retry_after"] == 900


# --- Sessions and hashing ----------------------------------------------------------------


def test_session_expires_after_inactivity_and_activity_extends_it(client, cast):
    # given
    age = timedelta(seconds=django_settings.SESSION_COOKIE_AGE)
    with time_machine.travel(START, tick=False) as clock:
        _login(client, "vanthu.a")
        # when: active just before the limit, the session is renewed
        clock.shift(age - timedelta(minutes=1))
        still_in = client.get("/")
        # when: then idle for longer than the limit
        clock.shift(age + timedelta(seconds=1))
        expired = client.get("/")
    # then
    assert still_in.status_code == 200
    assert expired.status_code == 302
    assert expired["Location"].startswith(reverse("login"))


def test_passwords_are_hashed_with_argon2(client, cast, settings):
    # given: the project's hashers, not the fast test hasher
    from vanthu.config import settings as project_settings

    # (MD5 kept last only so that the fixture's existing password still verifies)
    settings.PASSWORD_HASHERS = [
        *project_settings.PASSWORD_HASHERS,
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    client.force_login(cast.clerk)
    # when
    client.post(
        "/tai-khoan/mat-khau/",
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password": "Mat-khau-moi-2026!",
            "new_password_again": "Mat-khau-moi-2026!",
        },
    )
    # then
    cast.clerk.refresh_from_db()
    assert cast.clerk.password.startswith("argon2$")
    assert _login(Client(), "vanthu.a", "Mat-khau-moi-2026!").status_code == 302


# --- Password change ---------------------------------------------------------------------


def _change(client: Client, old: str, new: str, again: str | None = None):
    return client.post(
        "/tai-khoan/mat-khau/",
        {"old_password": old, "new_password": new, "new_password_again": again or new},
    )


def test_password_change_keeps_this_session_and_ends_others(client, cast):
    # given
    other = Client()
    _login(client, "vanthu.a")
    _login(other, "vanthu.a")
    # when
    response = _change(client, DEFAULT_PASSWORD, "Mat-khau-moi-2026!")
    # then
    assert response.status_code == 302
    cast.clerk.refresh_from_db()
    assert cast.clerk.check_password("Mat-khau-moi-2026!")
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302
    [row] = _journal("person.password_change")
    assert row.actor_id == cast.clerk.pk


def test_password_change_with_a_wrong_old_password_changes_nothing(client, cast):
    # given
    client.force_login(cast.clerk)
    # when
    response = _change(client, "khong-dung", "Mat-khau-moi-2026!")
    # then
    assert response.status_code == 200
    assert "Mật khẩu hiện tại không đúng." in response.content.decode()
    cast.clerk.refresh_from_db()
    assert cast.clerk.check_password(DEFAULT_PASSWORD)
    assert _journal("person.password_change") == []


def test_password_change_with_a_weak_or_mismatched_password_changes_nothing(client, cast):
    # given
    client.force_login(cast.clerk)
    # when
    weak = _change(client, DEFAULT_PASSWORD, "12345678901")
    mismatched = _change(client, DEFAULT_PASSWORD, "Mat-khau-moi-2026!", "Mat-khau-khac-2026!")
    # then
    assert weak.status_code == 200
    assert "Mật khẩu này hoàn toàn là số." in weak.content.decode()
    assert "Hai lần nhập mật khẩu mới không khớp." in mismatched.content.decode()
    cast.clerk.refresh_from_db()
    assert cast.clerk.check_password(DEFAULT_PASSWORD)
    assert _journal("person.password_change") == []


# --- TOTP second factor ------------------------------------------------------------------


def test_totp_setup_shows_a_local_qr_code_and_confirms_with_a_code(client, cast):
    # given
    client.force_login(cast.clerk)
    with time_machine.travel(START, tick=False):
        client.post("/tai-khoan/xac-thuc-hai-buoc/", {"action": "start"})
        device = TOTPDevice.objects.get(user=cast.clerk)
        page = client.get("/tai-khoan/xac-thuc-hai-buoc/").content.decode()
        # when
        response = client.post(
            "/tai-khoan/xac-thuc-hai-buoc/",
            {"action": "confirm", "confirm-token": f"{totp(device.bin_key):06d}"},
        )
        after = client.get("/")
    # then
    qr = page.split('class="qr"', 1)[1].split("</div>", 1)[0]
    assert "<svg" in qr  # drawn on the server, inline
    assert "<img" not in qr
    assert "http" not in qr
    secret = b32encode(device.bin_key).decode().rstrip("=")
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert after.status_code == 200  # the session is verified, not thrown out
    [row] = _journal("auth.otp_enrolled")
    assert row.actor_id == cast.clerk.pk


def test_totp_setup_with_a_wrong_code_stays_unconfirmed(client, cast):
    # given
    client.force_login(cast.clerk)
    client.post("/tai-khoan/xac-thuc-hai-buoc/", {"action": "start"})
    # when
    response = client.post(
        "/tai-khoan/xac-thuc-hai-buoc/", {"action": "confirm", "confirm-token": "000000"}
    )
    # then
    assert response.status_code == 200
    assert "Mã xác thực không đúng" in response.content.decode()
    assert not TOTPDevice.objects.get(user=cast.clerk).confirmed
    assert _journal("auth.otp_enrolled") == []
    [row] = _journal("auth.otp_failed")
    assert row.after == {"stage": "setup"}


def test_login_with_a_second_factor_needs_the_code_step(client, cast):
    # given
    device = _confirmed_device(cast.clerk)
    with time_machine.travel(START, tick=False) as clock:
        # when: the password alone
        first = _login(client, "vanthu.a")
        blocked = client.get("/")
        # when: a wrong code
        wrong = client.post("/dang-nhap/xac-thuc/", {"token": "000000"})
        clock.shift(timedelta(seconds=2))  # django-otp's throttle: 1 s after one failure
        # when: the right code
        right = client.post("/dang-nhap/xac-thuc/", {"token": f"{totp(device.bin_key):06d}"})
        dashboard = client.get("/")
    # then
    assert first["Location"] == reverse("login_otp")
    assert blocked.status_code == 302
    assert blocked["Location"].startswith(LOGIN)
    assert wrong.status_code == 200
    assert "Mã xác thực không đúng" in wrong.content.decode()
    assert right.status_code == 302
    assert dashboard.status_code == 200
    [failed] = _journal("auth.otp_failed")
    assert failed.after == {"stage": "login"}
    [login] = _journal("auth.login")
    assert login.after == {"second_factor": "totp"}


def test_wrong_codes_are_throttled(client, cast):
    # given
    device = _confirmed_device(cast.clerk)
    with time_machine.travel(START, tick=False):
        _login(client, "vanthu.a")
        client.post("/dang-nhap/xac-thuc/", {"token": "000000"})
        # when: the right code, but too soon after a wrong one
        response = client.post("/dang-nhap/xac-thuc/", {"token": f"{totp(device.bin_key):06d}"})
        # then
        assert "Vui lòng đợi" in response.content.decode()
        assert client.get("/").status_code == 302


def test_the_code_step_expires(client, cast):
    # given
    device = _confirmed_device(cast.clerk)
    with time_machine.travel(START, tick=False) as clock:
        _login(client, "vanthu.a")
        # when
        clock.shift(timedelta(minutes=6))
        response = client.post("/dang-nhap/xac-thuc/", {"token": f"{totp(device.bin_key):06d}"})
        # then
        assert response["Location"] == reverse("login")
        assert client.get("/").status_code == 302


def test_a_session_not_verified_with_the_persons_device_is_ended(client, cast):
    # given: signed in, then a device appears (added from another session)
    client.force_login(cast.clerk)
    _confirmed_device(cast.clerk)
    # when
    response = client.get("/")
    # then
    assert response["Location"] == reverse("login")
    assert not _signed_in(client)


def test_disabling_the_second_factor_needs_password_and_code(client, cast):
    # given
    device = _confirmed_device(cast.clerk)
    with time_machine.travel(START, tick=False) as clock:
        _login(client, "vanthu.a")
        client.post("/dang-nhap/xac-thuc/", {"token": f"{totp(device.bin_key):06d}"})
        clock.shift(timedelta(seconds=31))
        code = f"{totp(device.bin_key):06d}"
        # when
        wrong_password = client.post(
            "/tai-khoan/xac-thuc-hai-buoc/",
            {"action": "disable", "disable-password": "sai", "disable-token": code},
        )
        ok = client.post(
            "/tai-khoan/xac-thuc-hai-buoc/",
            {"action": "disable", "disable-password": DEFAULT_PASSWORD, "disable-token": code},
        )
    # then
    assert "Mật khẩu hiện tại không đúng." in wrong_password.content.decode()
    assert ok.status_code == 302
    assert not TOTPDevice.objects.filter(user=cast.clerk).exists()
    [row] = _journal("auth.otp_reset")
    assert row.actor_id == cast.clerk.pk


def test_admin_without_a_device_is_sent_to_setup_when_required(client, cast, settings):
    # given
    settings.REQUIRE_2FA_FOR_ADMINS = True
    admin, clerk = Client(), Client()
    admin.force_login(cast.agency_admin)
    clerk.force_login(cast.clerk)
    # when
    dashboard = admin.get("/")
    setup = admin.get("/tai-khoan/xac-thuc-hai-buoc/")
    password = admin.get("/tai-khoan/mat-khau/")
    # then
    assert dashboard["Location"] == reverse("account_two_factor")
    assert password["Location"] == reverse("account_two_factor")
    assert setup.status_code == 200
    assert "Quản trị viên phải bật xác thực hai bước" in setup.content.decode()
    assert clerk.get("/").status_code == 200


def test_admin_with_a_device_may_not_disable_it_when_required(client, cast, settings):
    # given
    settings.REQUIRE_2FA_FOR_ADMINS = True
    device = _confirmed_device(cast.system_admin)
    with time_machine.travel(START, tick=False) as clock:
        _login(client, "quantri")
        client.post("/dang-nhap/xac-thuc/", {"token": f"{totp(device.bin_key):06d}"})
        reached = client.get("/")
        clock.shift(timedelta(seconds=31))
        # when
        client.post(
            "/tai-khoan/xac-thuc-hai-buoc/",
            {
                "action": "disable",
                "disable-password": DEFAULT_PASSWORD,
                "disable-token": f"{totp(device.bin_key):06d}",
            },
        )
    # then
    assert reached.status_code == 200
    assert TOTPDevice.objects.filter(user=cast.system_admin, confirmed=True).exists()
    assert _journal("auth.otp_reset") == []
