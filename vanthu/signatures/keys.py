"""Signing keys: where each leader's and each agency's key lives (PKCS#11 token or HSM).

Agency administrators register a key by naming its token and label; Vanthu reads the
certificate from the token (the PIN proves the key is there and is not stored). A leader types
the PIN when signing; an agency key on an HSM reads it from an environment variable.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from vanthu.core.actor import Actor
from vanthu.core.errors import NotFound, PermissionDenied, ValidationFailed
from vanthu.core.journal import journal_record, snapshot
from vanthu.organizations.models import RoleGrant
from vanthu.organizations.permissions import can_manage_agency, can_see_agency_data
from vanthu.signatures.models import SigningKey
from vanthu.signatures.signing import SigningError
from vanthu.signatures.tokens import TokenKey, token_certificate

NOT_FOUND = "Không tìm thấy."
DENIED = "Chỉ quản trị cơ quan được khai báo khóa ký số."
INVALID = "Thông tin khóa ký số chưa hợp lệ."
MAX_IMAGE_BYTES = 512 * 1024
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ENV_NAME_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
TEST_MARK = "THỬ NGHIỆM"


@dataclass(frozen=True, slots=True)
class KeyData:
    """Where a key is: the token, the key label, how its PIN is obtained, and its image."""

    token_label: str
    key_label: str
    pin: str = ""
    pin_env: str = ""
    module_path: str = ""
    person_id: int | None = None
    image: bytes | None = None


def _name_attribute(name: x509.Name) -> str:
    return name.rfc4514_string()[:300]


def token_key_of(key: SigningKey, *, pin: str = "") -> TokenKey:
    """Return how to reach a registered key; the PIN comes from its variable or the caller."""
    if key.pin_env:
        pin = os.environ.get(key.pin_env, "")
    return TokenKey(
        module_path=key.module_path or settings.PKCS11_MODULE,
        token_label=key.token_label,
        key_label=key.key_label,
        pin=pin,
    )


def _clean(data: KeyData) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data.token_label.strip() or len(data.token_label) > 32:
        errors["token_label"] = ["Nhãn token từ 1 đến 32 ký tự."]
    if not data.key_label.strip() or len(data.key_label) > 64:
        errors["key_label"] = ["Nhãn khóa từ 1 đến 64 ký tự."]
    if data.pin_env and not set(data.pin_env) <= ENV_NAME_CHARS:
        errors["pin_env"] = ["Tên biến môi trường chỉ gồm chữ in hoa, chữ số và dấu gạch dưới."]
    if data.person_id is None and not data.pin_env:
        errors["pin_env"] = ["Khóa của cơ quan cần biến môi trường chứa PIN (HSM)."]
    if data.image is not None and (
        len(data.image) > MAX_IMAGE_BYTES or not data.image.startswith(PNG_MAGIC)
    ):
        errors["image"] = ["Hình ảnh chữ ký/con dấu phải là tệp PNG không quá 512 KB."]
    return errors


def signing_key_register(*, actor: Actor, data: KeyData) -> SigningKey:
    """Register the acting agency's key, or one of its leaders'; the previous one retires."""
    agency_id = actor.agency_id
    if agency_id is None or not can_see_agency_data(actor, agency_id):
        raise NotFound(NOT_FOUND)
    if not can_manage_agency(actor, agency_id):
        raise PermissionDenied(DENIED)
    errors = _clean(data)
    if (
        data.person_id is not None
        and not RoleGrant.objects.filter(
            person_id=data.person_id, agency_id=agency_id, person__is_active=True
        ).exists()
    ):
        errors["person_id"] = ["Người ký không thuộc cơ quan."]
    if errors:
        raise ValidationFailed(INVALID, fields=errors)
    probe = SigningKey(
        agency_id=agency_id,
        person_id=data.person_id,
        token_label=data.token_label.strip(),
        key_label=data.key_label.strip(),
        pin_env=data.pin_env,
        module_path=data.module_path.strip(),
    )
    try:
        cert = token_certificate(token_key_of(probe, pin=data.pin))
    except SigningError as exc:
        raise ValidationFailed(INVALID, fields={"token_label": [exc.message]}) from None
    not_after = cert.not_valid_after_utc
    if not_after <= timezone.now():
        raise ValidationFailed(INVALID, fields={"token_label": ["Chứng thư số đã hết hạn."]})
    subject = _name_attribute(cert.subject)
    with transaction.atomic():
        previous = SigningKey.objects.select_for_update().filter(
            _owner(data.person_id), agency_id=agency_id, is_active=True
        )
        for old in previous:
            before = snapshot(old, exclude=("certificate", "image"))
            old.is_active = False
            old.save(update_fields=["is_active", "updated_at"])
            journal_record(
                actor=actor,
                action="signatures.key.retire",
                instance=old,
                agency_id=agency_id,
                before=before,
                after=snapshot(old, exclude=("certificate", "image")),
            )
        probe.certificate = cert.public_bytes(Encoding.DER)
        probe.subject_name = subject
        probe.issuer_name = _name_attribute(cert.issuer)
        probe.serial = format(cert.serial_number, "x")[:64]
        probe.not_before = cert.not_valid_before_utc.astimezone(UTC)
        probe.not_after = not_after.astimezone(UTC)
        probe.image = data.image
        probe.is_test = TEST_MARK in subject
        probe.save()
        journal_record(
            actor=actor,
            action="signatures.key.register",
            instance=probe,
            agency_id=agency_id,
            after=snapshot(probe, exclude=("certificate", "image")),
        )
    return probe


def signing_key_retire(*, actor: Actor, key_id: int) -> SigningKey:
    """Stop using a key (lost token, person left): it signs nothing more."""
    with transaction.atomic():
        key = SigningKey.objects.select_for_update().filter(pk=key_id).first()
        if key is None or not can_see_agency_data(actor, key.agency_id):
            raise NotFound(NOT_FOUND)
        if not can_manage_agency(actor, key.agency_id):
            raise PermissionDenied(DENIED)
        before = snapshot(key, exclude=("certificate", "image"))
        key.is_active = False
        key.save(update_fields=["is_active", "updated_at"])
        journal_record(
            actor=actor,
            action="signatures.key.retire",
            instance=key,
            agency_id=key.agency_id,
            before=before,
            after=snapshot(key, exclude=("certificate", "image")),
        )
    return key


def signing_key_list(*, actor: Actor) -> QuerySet[SigningKey]:
    """Return the keys of the acting agency, active first (any staff may see whose key)."""
    if actor.agency_id is None or not can_see_agency_data(actor, actor.agency_id):
        return SigningKey.objects.none()
    return (
        SigningKey.objects.filter(agency_id=actor.agency_id)
        .select_related("person")
        .order_by("-is_active", "person__full_name", "-id")
    )


def key_for(*, agency_id: int, person_id: int | None) -> SigningKey | None:
    """Return the active key of a person (or, with None, of the agency itself)."""
    return (
        SigningKey.objects.filter(_owner(person_id), agency_id=agency_id, is_active=True)
        .order_by("-id")
        .first()
    )


def _owner(person_id: int | None) -> Q:
    return Q(person__isnull=True) if person_id is None else Q(person_id=person_id)
