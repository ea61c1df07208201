"""Test keys for the demo: a local test CA, a SoftHSM2 token per agency, keys for its signers
(leaders and unit heads, SIGNING_ROLES).

Everything here is marked THỬ NGHIỆM (test): the certificates chain to the demo's own root,
which only the demo trusts. Never used outside `vanthu demo` (VANTHU_TEST_PKI_DIR set).
"""

from __future__ import annotations

import io
import logging
import os
import time
from collections.abc import Collection
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.serialization import Encoding
from django.conf import settings
from django.tasks import task
from PIL import Image, ImageDraw, ImageFont

from vanthu.core.actor import Actor
from vanthu.core.journal import journal_record, snapshot
from vanthu.organizations.choices import Role
from vanthu.organizations.models import Agency, Person, RoleGrant
from vanthu.signatures.keys import TEST_MARK
from vanthu.signatures.models import SigningKey
from vanthu.signatures.outgoing import SIGNING_ROLES
from vanthu.signatures.pki import testpki_load_or_create
from vanthu.signatures.signing import SigningError
from vanthu.signatures.tokens import TokenKey, softhsm_token_init, token_key_generate

logger = logging.getLogger(__name__)

# The published PIN of every demo token (README); agency keys read it from this variable.
DEMO_TOKEN_PIN = "123456"  # noqa: S105 - published demo PIN of test tokens
DEMO_PIN_ENV = "VANTHU_DEMO_TOKEN_PIN"
DEMO_SO_PIN = "87654321"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def seal_png(agency_name: str) -> bytes:
    """Draw a round red seal with the agency's name, transparent around it."""
    size = 320
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    red = (200, 16, 16, 235)
    pen.ellipse([6, 6, size - 6, size - 6], outline=red, width=10)
    pen.ellipse([48, 48, size - 48, size - 48], outline=red, width=4)
    font = ImageFont.truetype(FONT, 22) if Path(FONT).exists() else ImageFont.load_default()
    words = agency_name.upper().split()
    lines, line = [], ""
    for word in words:
        if len(line) + len(word) > 14 and line:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    top = size // 2 - 14 * len(lines)
    for index, text in enumerate(lines[:5]):
        width = pen.textlength(text, font=font)
        pen.text(((size - width) / 2, top + 28 * index), text, fill=red, font=font)
    pen.text((size / 2 - 30, size - 42), TEST_MARK[:8], fill=red, font=font)
    return _png(image)


def signature_png(seed: int) -> bytes:
    """Draw a blue handwritten-looking stroke, different for each person."""
    image = Image.new("RGBA", (420, 160), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    points = [(20 + 40 * i, 80 + ((seed * (i + 3)) % 70) - 35) for i in range(10)]
    pen.line(points, fill=(20, 40, 170, 255), width=6, joint="curve")
    pen.line([(40, 120), (380, 110 - seed % 20)], fill=(20, 40, 170, 255), width=3)
    return _png(image)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _key_row(
    *, actor: Actor, agency: Agency, person_id: int | None, key: TokenKey, cert: Any, image: bytes
) -> SigningKey:
    row = SigningKey.objects.create(
        agency=agency,
        person_id=person_id,
        module_path="",
        token_label=key.token_label,
        key_label=key.key_label,
        pin_env=DEMO_PIN_ENV if person_id is None else "",
        certificate=cert.public_bytes(Encoding.DER),
        subject_name=cert.subject.rfc4514_string()[:300],
        issuer_name=cert.issuer.rfc4514_string()[:300],
        serial=format(cert.serial_number, "x")[:64],
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        image=image,
        is_test=True,
    )
    journal_record(
        actor=actor,
        action="signatures.key.register",
        instance=row,
        agency_id=agency.pk,
        after=snapshot(row, exclude=("certificate", "image")),
    )
    return row


# The agencies of the published demo logins get their keys at once; the rest in the background.
FIRST_AGENCIES_OF = ("lanhdao.stttt", "lanhdao.stc")


def demo_signing_load(*, actor: Actor) -> str:
    """Create the test CA and keys for the demo logins; enqueue every other signer's key.

    At start-up: the agency keys of the demo logins' agencies, their leaders' keys and the
    keys of the published unit-head logins (truongphong.stttt, kiemnhiem.stttt). The other
    unit heads, and the other agencies, follow in a background task (about 0.25 s per key).
    """
    if not settings.TEST_PKI_DIR or not os.environ.get("SOFTHSM2_CONF"):
        return "Chưa tạo khóa ký số thử nghiệm (thiếu VANTHU_TEST_PKI_DIR hoặc SOFTHSM2_CONF)."
    from vanthu.organizations.demo import DEMO_LOGINS

    started = time.monotonic()
    first = list(
        Person.objects.filter(username__in=FIRST_AGENCIES_OF)
        .exclude(agency=None)
        .values_list("agency_id", flat=True)
    )
    logins = set(
        Person.objects.filter(username__in=[login.username for login in DEMO_LOGINS]).values_list(
            "pk", flat=True
        )
    )
    count = demo_agency_keys_create(agency_ids=first, actor=actor, person_ids=logins)
    everyone = list(Agency.objects.order_by("id").values_list("pk", flat=True))
    demo_keys_task.enqueue(everyone)
    return (
        f"Đã tạo {count} khóa ký số thử nghiệm trên SoftHSM2 (mã PIN {DEMO_TOKEN_PIN}) trong "
        f"{time.monotonic() - started:.1f} giây; khóa của những người ký khác và của "
        f"{len(everyone) - len(first)} cơ quan khác được tạo trong nền."
    )


def _signers(agency: Agency) -> list[RoleGrant]:
    """Return one grant per person who may sign for the agency: leaders, then unit heads.

    Unit heads sign "thừa lệnh" (SIGNING_ROLES); a person holding both roles, or heading
    several units, gets one key, titled by the first grant (the leader's).
    """
    grants = (
        RoleGrant.objects.filter(agency=agency, role__in=SIGNING_ROLES, person__is_active=True)
        .select_related("person", "position")
        .order_by("id")
    )
    order = {role: index for index, role in enumerate(SIGNING_ROLES)}
    chosen: dict[int, RoleGrant] = {}
    for grant in sorted(grants, key=lambda g: (order[Role(g.role)], g.pk)):
        chosen.setdefault(grant.person_id, grant)
    return list(chosen.values())


def demo_agency_keys_create(
    *, agency_ids: list[int], actor: Actor, person_ids: Collection[int] | None = None
) -> int:
    """Give each agency a token with its own key and a key for each person who may sign.

    Leaders get a key when ``person_ids`` is None or names them; unit heads likewise.
    Idempotent: an agency keeps its token and a person their key when run again.
    """
    pki = testpki_load_or_create(Path(settings.TEST_PKI_DIR))
    conf = Path(os.environ["SOFTHSM2_CONF"])
    module = settings.PKCS11_MODULE
    count = 0
    for agency in Agency.objects.filter(pk__in=agency_ids).order_by("id"):
        label = f"vanthu-{agency.pk}"
        if not SigningKey.objects.filter(agency=agency, person=None).exists():
            softhsm_token_init(
                conf_path=conf,
                token_dir=conf.parent / "tokens",
                label=label,
                so_pin=DEMO_SO_PIN,
                pin=DEMO_TOKEN_PIN,
            )
            key = TokenKey(module, label, "co-quan", DEMO_TOKEN_PIN)
            cert = token_key_generate(
                key, pki=pki, common_name=agency.name, organization=agency.name, kind="agency"
            )
            _key_row(
                actor=actor,
                agency=agency,
                person_id=None,
                key=key,
                cert=cert,
                image=seal_png(agency.name),
            )
            count += 1
        have = set(
            SigningKey.objects.filter(agency=agency, person__isnull=False).values_list(
                "person_id", flat=True
            )
        )
        for grant in _signers(agency):
            wanted = person_ids is None or grant.person_id in person_ids
            if grant.person_id in have or not (wanted or grant.role == Role.LEADER):
                continue
            key = TokenKey(module, label, f"ca-nhan-{grant.person_id}", DEMO_TOKEN_PIN)
            try:
                cert = token_key_generate(
                    key,
                    pki=pki,
                    common_name=grant.person.full_name,
                    organization=agency.name,
                    title=grant.position.name if grant.position else "",
                    kind="person",
                )
            except SigningError:
                # a key left on the token by an interrupted run: the others still get theirs
                logger.warning("demo key %s of agency %s not created", key.key_label, agency.pk)
                continue
            _key_row(
                actor=actor,
                agency=agency,
                person_id=grant.person_id,
                key=key,
                cert=cert,
                image=signature_png(grant.person_id),
            )
            count += 1
    return count


@task()
def demo_keys_task(agency_ids: list[int]) -> int:
    """Background task of the demo: the test keys not made at start-up (idempotent)."""
    return demo_agency_keys_create(agency_ids=agency_ids, actor=Actor.system("vanthu demo"))


def on_demo_data_loaded(sender: object, *, actor: Actor, **kwargs: Any) -> str:
    """Receiver of `organizations.signals.demo_data_loaded`."""
    return demo_signing_load(actor=actor)
