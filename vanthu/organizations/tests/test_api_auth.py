"""API tokens: obtain and revoke, the django-axes lockout, the second factor, throttling."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

from vanthu.core.models import JournalEntry
from vanthu.organizations.tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = reverse("organizations-api:auth-token")
ME_URL = reverse("organizations-api:me")


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()


def obtain(username: str, password: str = DEFAULT_PASSWORD, **extra: str):
    return APIClient().post(
        TOKEN_URL, {"username": username, "password": password, **extra}, format="json"
    )


def actions() -> list[str]:
    return list(JournalEntry.objects.order_by("id").values_list("action", flat=True))


def confirmed_device(person) -> TOTPDevice:
    return TOTPDevice.objects.create(user=person, name="Ứng dụng xác thực", confirmed=True)


def code_of(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_clerk_obtains_a_token_and_uses_it(cast):
    # when the clerk exchanges their password for a token
    response = obtain("vanthu.a")
    # then the token is theirs, works on the API, and the sign-in is journalled
    assert response.status_code == 200, response.json()
    key = response.json()["token"]
    assert Token.objects.get(key=key).user_id == cast.clerk.pk
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(ME_URL).json()["id"] == cast.clerk.pk
    row = JournalEntry.objects.get(action="auth.token_obtain")
    assert (row.actor_id, row.object_id, row.agency_id) == (
        cast.clerk.pk,
        str(cast.clerk.pk),
        cast.agency_a.pk,
    )
    cast.clerk.refresh_from_db()
    assert cast.clerk.last_login is not None


def test_wrong_password_gets_no_token_and_is_journalled(cast):
    # when the password is wrong
    response = obtain("vanthu.a", "sai-mat-khau")
    # then a structured 400, no token, and a failed sign-in in agency A's journal
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_credentials"
    assert not Token.objects.exists()
    row = JournalEntry.objects.get(action="auth.login_failed")
    assert (row.actor_id, row.object_repr, row.agency_id) == (None, "vanthu.a", cast.agency_a.pk)
    assert row.after == {"via": "api", "reason": "bad_credentials"}


def test_inactive_person_gets_no_token(cast):
    cast.clerk.is_active = False
    cast.clerk.save()
    response = obtain("vanthu.a")
    assert response.status_code == 400
    assert not Token.objects.exists()


def test_repeated_failures_lock_the_token_endpoint(cast, settings):
    settings.AXES_FAILURE_LIMIT = 3
    # given three wrong passwords, the last of which reaches the limit
    statuses = [obtain("vanthu.a", "sai-mat-khau").status_code for _ in range(3)]
    # when the right password is sent next
    response = obtain("vanthu.a")
    # then the third failure and the right password are both refused as locked, in JSON
    assert statuses == [400, 400, 429]
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "locked_out"
    assert int(response["Retry-After"]) > 0
    assert not Token.objects.exists()
    # and the lockout's start and each refused attempt are journalled
    assert actions().count("auth.lockout") == 1
    assert actions().count("auth.login_failed") == 4


def test_lockout_is_per_username(cast, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        obtain("vanthu.a", "sai-mat-khau")
    # when another person signs in from the same address
    response = obtain("giamdoc.a")
    # then they are not locked out
    assert response.status_code == 200


def test_success_resets_the_failure_count(cast, settings):
    settings.AXES_FAILURE_LIMIT = 3
    # given two failures, then a success, then two more failures
    for _ in range(2):
        obtain("vanthu.a", "sai-mat-khau")
    assert obtain("vanthu.a").status_code == 200
    for _ in range(2):
        obtain("vanthu.a", "sai-mat-khau")
    # when the right password is sent
    response = obtain("vanthu.a")
    # then the account is not locked: the success reset the count
    assert response.status_code == 200


def test_revoking_deletes_only_ones_own_token(cast):
    mine = Token.objects.create(user=cast.clerk)
    theirs = Token.objects.create(user=cast.leader)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {mine.key}")
    # when the clerk revokes their token
    response = client.delete(TOKEN_URL)
    # then it no longer works, the leader's still exists, and the revocation is journalled
    assert response.status_code == 204
    assert client.get(ME_URL).status_code == 401
    assert list(Token.objects.values_list("key", flat=True)) == [theirs.key]
    row = JournalEntry.objects.get(action="auth.token_revoke")
    assert row.actor_id == cast.clerk.pk


def test_revoking_without_credentials_is_401(cast):
    Token.objects.create(user=cast.clerk)
    response = APIClient().delete(TOKEN_URL)
    assert response.status_code == 401
    assert Token.objects.count() == 1


def test_admin_without_second_factor_gets_no_token(cast, settings):
    settings.REQUIRE_2FA_FOR_ADMINS = True
    response = obtain("quantri.a")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "otp_setup_required"
    assert not Token.objects.exists()


def test_admin_token_needs_the_current_totp_code(cast, settings):
    settings.REQUIRE_2FA_FOR_ADMINS = True
    device = confirmed_device(cast.agency_admin)
    # when the code is missing, then wrong, then right
    missing = obtain("quantri.a")
    wrong = obtain("quantri.a", otp_token="000000" if code_of(device) != "000000" else "111111")
    cache.clear()  # django-otp's throttle is in the database; this only resets DRF's
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    right = obtain("quantri.a", otp_token=code_of(device))
    # then only the right code gives a token; the wrong one is journalled
    assert missing.status_code == 400
    assert "otp_token" in missing.json()["error"]["fields"]
    assert wrong.status_code == 400
    assert "otp_token" in wrong.json()["error"]["fields"]
    assert right.status_code == 200, right.json()
    assert Token.objects.get().user_id == cast.agency_admin.pk
    assert actions().count("auth.otp_failed") == 1


def test_enrolled_staff_member_also_needs_the_code(cast, settings):
    settings.REQUIRE_2FA_FOR_ADMINS = False
    confirmed_device(cast.clerk)
    response = obtain("vanthu.a")
    assert response.status_code == 400
    assert not Token.objects.exists()


def test_admin_session_without_second_factor_cannot_use_the_api(cast, settings):
    # given the web's own middleware out of the way, to test the API's guard
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if not m.endswith("SecondFactorMiddleware")
    ]
    settings.REQUIRE_2FA_FOR_ADMINS = True
    device = confirmed_device(cast.agency_admin)
    client = APIClient()
    client.force_login(cast.agency_admin)
    # when the unverified session calls the API, then after verifying
    unverified = client.get(ME_URL)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    verified = client.get(ME_URL)
    # then only the verified session gets through
    assert unverified.status_code == 403
    assert unverified.json()["error"]["code"] == "otp_required"
    assert verified.status_code == 200


def test_staff_session_without_second_factor_uses_the_api(cast, settings):
    settings.REQUIRE_2FA_FOR_ADMINS = True
    client = APIClient()
    client.force_login(cast.clerk)
    assert client.get(ME_URL).status_code == 200


def test_session_writes_need_the_csrf_token(cast):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(cast.clerk)
    response = client.delete(TOKEN_URL)
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "Thiếu hoặc sai mã chống giả mạo yêu cầu (CSRF)."


def test_token_endpoint_is_throttled_with_a_structured_error(cast, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/min"})
    # given a client that holds the leader's token: sign-in attempts are counted all the same
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=cast.leader).key}")
    # when a third sign-in attempt comes within the minute
    responses = [
        client.post(TOKEN_URL, {"username": "vanthu.a", "password": "sai"}, format="json")
        for _ in range(3)
    ]
    # then it is refused before any password check, with a structured 429
    assert [r.status_code for r in responses] == [400, 400, 429]
    error = responses[2].json()["error"]
    assert error["code"] == "throttled"
    assert "giây" in error["message"]
    assert int(responses[2]["Retry-After"]) > 0
    assert actions().count("auth.login_failed") == 2


def test_deactivated_persons_token_stops_working(cast):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=cast.clerk).key}")
    assert client.get(ME_URL).status_code == 200
    # when the clerk's account is deactivated
    cast.clerk.is_active = False
    cast.clerk.save(update_fields=["is_active"])
    # then their token no longer opens the API
    response = client.get(ME_URL)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
