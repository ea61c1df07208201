"""The demo's test keys: SoftHSM2 tokens per agency, keys for leaders and unit heads (who may
sign "thừa lệnh"), certificates marked as test, and every key usable to sign."""

from __future__ import annotations

import subprocess
from datetime import date

import pkcs11
import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID
from django_tasks_db.models import DBTaskResult

from vanthu.core.actor import Actor
from vanthu.organizations.demo import DemoLogin
from vanthu.registry.choices import FileRole, SignatureStatus
from vanthu.registry.models import DocumentFile, DocumentType
from vanthu.registry.outgoing import (
    OutgoingData,
    RecipientData,
    outgoing_document_create,
    outgoing_document_issue,
)
from vanthu.signatures import demo
from vanthu.signatures.keys import token_key_of
from vanthu.signatures.models import SigningKey
from vanthu.signatures.outgoing import outgoing_document_sign
from vanthu.signatures.pki import TEST_MARKER, testpki_load_or_create
from vanthu.signatures.signing import sign_as_signer
from vanthu.signatures.tests.fixtures import make_pdf
from vanthu.signatures.tokens import open_signer, token_certificate
from vanthu.signatures.validation import pdf_validate

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("vanthu demo")


@pytest.fixture
def demo_pki(settings, softhsm, tmp_path, monkeypatch, cast):
    """A fresh demo test CA; agency A's leader and unit head are the published logins.

    The demo names its tokens "vanthu-<agency id>": ids come back in the next test's database,
    so the tokens made here are deleted afterwards and the PKCS#11 module re-scans.
    """
    settings.TEST_PKI_DIR = str(tmp_path / "pki")
    settings.TSA_URL = ""
    monkeypatch.setenv(demo.DEMO_PIN_ENV, demo.DEMO_TOKEN_PIN)
    monkeypatch.setattr(demo, "FIRST_AGENCIES_OF", (cast.leader.username,))
    logins = (DemoLogin(cast.unit_head.username, "Trưởng đơn vị", "", "", ""),)
    monkeypatch.setattr("vanthu.organizations.demo.DEMO_LOGINS", logins)
    yield testpki_load_or_create(tmp_path / "pki")
    labels = set(SigningKey.objects.values_list("token_label", flat=True))
    for label in labels:
        subprocess.run(
            ["softhsm2-util", "--delete-token", "--token", label],
            capture_output=True,
            check=True,
        )
    pkcs11.lib(settings.PKCS11_MODULE).reinitialize()


def _keys(agency) -> dict[int | None, SigningKey]:
    return {key.person_id: key for key in SigningKey.objects.filter(agency=agency)}


def test_demo_signing_load_gives_leaders_and_unit_heads_usable_test_keys(cast, demo_pki):
    # when the demo loads its signing keys
    message = demo.demo_signing_load(actor=SYSTEM)
    # then agency A has its token with the agency's, the leader's and the unit head's keys
    assert message.startswith("Đã tạo 3 khóa ký số thử nghiệm trên SoftHSM2 (mã PIN 123456)")
    keys = _keys(cast.agency_a)
    assert set(keys) == {None, cast.leader.pk, cast.unit_head.pk}
    for key in keys.values():
        # each certificate is on the token, chains to the demo root and is marked as a test
        cert = x509.load_der_x509_certificate(bytes(key.certificate))
        assert token_certificate(token_key_of(key, pin=demo.DEMO_TOKEN_PIN)) == cert
        assert cert.issuer == demo_pki.root_cert.subject
        unit = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
        assert unit[0].value == TEST_MARKER
        assert key.is_test
        assert "THỬ NGHIỆM" in key.subject_name
        assert key.token_label == "vanthu-" + str(cast.agency_a.pk)
    assert "CN=" + cast.unit_head.full_name in keys[cast.unit_head.pk].subject_name
    # and every other agency's keys are left to a background task
    task = DBTaskResult.objects.get(task_path="vanthu.signatures.demo.demo_keys_task")
    everyone = sorted([cast.agency_a.pk, cast.agency_b.pk, cast.agency_a.parent_id])
    assert sorted(task.args_kwargs["args"][0]) == everyone
    assert demo.demo_keys_task.call(everyone) == 2  # agency B's and the province's own keys
    assert set(_keys(cast.agency_b)) == {None}
    # and running it again makes nothing twice
    assert demo.demo_keys_task.call(everyone) == 0
    assert SigningKey.objects.count() == 5


def test_a_demo_unit_head_signs_thua_lenh_and_the_agency_key_issues(cast, demo_pki):
    demo.demo_signing_load(actor=SYSTEM)
    # given a draft to be signed by the unit head (thừa lệnh)
    draft = outgoing_document_create(
        actor=cast.actor(cast.clerk),
        data=OutgoingData(
            document_type_id=DocumentType.objects.get(code="cong-van").pk,
            summary="V/v kiểm tra hệ thống ký số thử nghiệm",
            drafting_unit_id=cast.unit_a.pk,
            signer_id=cast.unit_head.pk,
            signer_position="TL. Giám đốc\nTrưởng phòng",
        ),
        recipients=[RecipientData(agency_id=cast.agency_b.pk)],
        files=[("cong-van.pdf", make_pdf(1, text="Công văn"))],
    )
    # when the unit head signs with the demo PIN and the clerk issues it
    signed = outgoing_document_sign(
        actor=cast.actor(cast.unit_head), document_id=draft.pk, pin=demo.DEMO_TOKEN_PIN
    )
    assert signed.signature_status == SignatureStatus.VALID
    issued = outgoing_document_issue(
        actor=cast.actor(cast.clerk), document_id=draft.pk, document_date=date.today()
    )
    # then both the unit head's and the agency's demo keys signed, and both verify
    final = DocumentFile.objects.get(outgoing=issued, role=FileRole.ORIGINAL, is_current=True)
    assert final.signature_status == SignatureStatus.VALID
    names = [s["signer_name"] for s in final.signature_report["signatures"]]
    assert names == [cast.unit_head.full_name, cast.agency_a.name]


def test_the_demo_leaders_key_signs_with_the_published_pin(cast, demo_pki):
    demo.demo_signing_load(actor=SYSTEM)
    key = _keys(cast.agency_a)[cast.leader.pk]
    with open_signer(token_key_of(key, pin=demo.DEMO_TOKEN_PIN)) as signer:
        data = sign_as_signer(
            make_pdf(1),
            signer=signer,
            signer_name=cast.leader.full_name,
            signer_title="Giám đốc",
            signature_image=bytes(key.image),
        )
    check = pdf_validate(data, trust_roots=[demo_pki.root_cert]).signatures[0]
    assert check.verdict == "valid"
    assert check.signer_name == cast.leader.full_name
