"""A new password ends the API tokens issued under the old one."""

import pytest
from rest_framework.authtoken.models import Token

from vanthu.organizations.services import password_change, person_set_password

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Mat-khau-moi-2027!"


def test_admin_reset_revokes_the_persons_tokens(cast):
    Token.objects.create(user=cast.clerk)
    person_set_password(
        actor=cast.actor(cast.agency_admin), person_id=cast.clerk.pk, password=NEW_PASSWORD
    )
    assert not Token.objects.filter(user=cast.clerk).exists()


def test_own_password_change_revokes_own_tokens(cast):
    Token.objects.create(user=cast.clerk)
    password_change(
        actor=cast.actor(cast.clerk),
        person=cast.clerk,
        old_password="Mat-khau-2026!",
        new_password=NEW_PASSWORD,
    )
    assert not Token.objects.filter(user=cast.clerk).exists()


def test_failed_change_keeps_tokens(cast):
    Token.objects.create(user=cast.clerk)
    with pytest.raises(Exception, match="Mật khẩu hiện tại"):
        password_change(
            actor=cast.actor(cast.clerk),
            person=cast.clerk,
            old_password="sai",
            new_password=NEW_PASSWORD,
        )
    assert Token.objects.filter(user=cast.clerk).exists()
