"""Signature pages and API: who may do what, in the interface and the API (with real tokens)."""

from __future__ import annotations

import hashlib
import os

import pytest
from asn1crypto import core, tsp
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from vanthu.organizations.tests.test_api_isolation import _routes
from vanthu.registry.choices import FileRole, SignatureStatus
from vanthu.registry.models import DocumentFile, DocumentType
from vanthu.registry.outgoing import OutgoingData, RecipientData, outgoing_document_create
from vanthu.signatures.api import urls as api_urls
from vanthu.signatures.keys import KeyData, signing_key_register
from vanthu.signatures.models import FileSignatureCheck, SigningKey
from vanthu.signatures.tests.fixtures import TOKEN_PIN, make_pdf

pytestmark = pytest.mark.django_db

AGENCY_PIN_ENV = "VANTHU_TEST_WEB_AGENCY_PIN"


@pytest.fixture
def setup(cast, settings, pki, token_keys, monkeypatch, signature_png):
    settings.TEST_PKI_DIR = str(pki.directory)
    settings.TSA_URL = ""
    monkeypatch.setenv(AGENCY_PIN_ENV, TOKEN_PIN)
    signing_key_register(
        actor=cast.actor(cast.agency_admin),
        data=KeyData(
            token_label=token_keys["leader"].token_label,
            key_label=token_keys["leader"].key_label,
            pin=TOKEN_PIN,
            person_id=cast.leader.pk,
            image=signature_png,
        ),
    )
    draft = outgoing_document_create(
        actor=cast.actor(cast.clerk),
        data=OutgoingData(
            document_type_id=DocumentType.objects.get(code="cong-van").pk,
            summary="V/v góp ý dự thảo",
            signer_id=cast.leader.pk,
        ),
        recipients=[RecipientData(place="Các phòng")],
        files=[("du-thao.pdf", make_pdf(1))],
    )
    return draft


def _api(person) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=person)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


# --- Web pages ------------------------------------------------------------------------------


def test_the_leader_sees_the_sign_form_and_signs_in_the_page(client, cast, setup):
    client.force_login(cast.leader)
    page = client.get(reverse("registry:outgoing_detail", args=[setup.pk])).content.decode()
    assert 'id="ky-so"' in page
    response = client.post(
        reverse("signatures:outgoing_sign", args=[setup.pk]), {"pin": TOKEN_PIN}, follow=True
    )
    assert "Đã ký số văn bản." in response.content.decode()
    text = DocumentFile.objects.get(outgoing=setup, role=FileRole.ORIGINAL, is_current=True)
    assert text.signature_status == SignatureStatus.VALID


@pytest.mark.parametrize("persona", ["clerk", "specialist"])
def test_others_see_no_sign_form_and_cannot_sign(client, cast, setup, persona):
    client.force_login(getattr(cast, persona))
    page = client.get(reverse("registry:outgoing_detail", args=[setup.pk])).content.decode()
    assert 'id="ky-so"' not in page
    response = client.post(
        reverse("signatures:outgoing_sign", args=[setup.pk]), {"pin": TOKEN_PIN}, follow=True
    )
    assert "message--error" in response.content.decode()
    assert DocumentFile.objects.filter(outgoing=setup).count() == 1


def test_a_wrong_pin_in_the_page_says_so(client, cast, setup):
    client.force_login(cast.leader)
    response = client.post(
        reverse("signatures:outgoing_sign", args=[setup.pk]), {"pin": "999999"}, follow=True
    )
    assert "PIN" in response.content.decode()


def test_the_checks_page_is_for_the_agency_only(client, cast, setup):
    stored = DocumentFile.objects.get(outgoing=setup)
    client.force_login(cast.specialist)
    assert client.get(reverse("signatures:file_checks", args=[stored.pk])).status_code == 200
    client.force_login(cast.outsider)
    assert client.get(reverse("signatures:file_checks", args=[stored.pk])).status_code == 404


def test_the_admin_declares_and_retires_a_key_in_the_page(client, cast, setup, token_keys):
    client.force_login(cast.agency_admin)
    page = client.get(reverse("signatures:keys")).content.decode()
    assert "Khai báo khóa" in page
    response = client.post(
        reverse("signatures:keys"),
        {
            "token_label": token_keys["agency"].token_label,
            "key_label": token_keys["agency"].key_label,
            "pin": TOKEN_PIN,
            "pin_env": AGENCY_PIN_ENV,
        },
    )
    assert response.status_code == 302
    key = SigningKey.objects.get(person=None, agency=cast.agency_a)
    client.post(reverse("signatures:key_retire", args=[key.pk]))
    key.refresh_from_db()
    assert key.is_active is False


def test_a_bad_key_declaration_is_explained_and_stores_nothing(client, cast, setup):
    client.force_login(cast.agency_admin)
    response = client.post(
        reverse("signatures:keys"),
        {"token_label": "khong-co", "key_label": "x", "pin": "1", "pin_env": AGENCY_PIN_ENV},
    )
    assert response.status_code == 200
    assert "Không tìm thấy token" in response.content.decode()
    assert not SigningKey.objects.filter(person=None).exists()


@pytest.mark.parametrize("persona", ["clerk", "leader", "specialist"])
def test_only_admins_declare_keys(client, cast, setup, persona, token_keys):
    client.force_login(getattr(cast, persona))
    assert "Khai báo khóa" not in client.get(reverse("signatures:keys")).content.decode()
    response = client.post(
        reverse("signatures:keys"),
        {"token_label": token_keys["agency"].token_label, "key_label": "agency-sign"},
    )
    assert response.status_code == 403
    key = SigningKey.objects.get(person=cast.leader)
    assert client.post(reverse("signatures:key_retire", args=[key.pk])).status_code == 403


def test_another_agencys_keys_are_not_listed_or_retired(client, cast, setup):
    client.force_login(cast.outsider_admin)
    assert "Phạm Minh Giám" not in client.get(reverse("signatures:keys")).content.decode()
    key = SigningKey.objects.get(person=cast.leader)
    assert client.post(reverse("signatures:key_retire", args=[key.pk])).status_code == 404


# --- The demo's timestamp authority ---------------------------------------------------------


def _ts_query() -> bytes:
    digest = hashlib.sha256(b"van ban").digest()
    request = tsp.TimeStampReq(
        {
            "version": 1,
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": digest,
            },
            "nonce": int.from_bytes(os.urandom(8), "big"),
            "cert_req": True,
        }
    )
    return request.dump()


def test_the_demo_timestamp_authority_answers_rfc_3161(client, settings, pki):
    url = reverse("timestamp_authority")
    settings.TEST_PKI_DIR = ""
    assert (
        client.post(url, _ts_query(), content_type="application/timestamp-query").status_code == 404
    )
    settings.TEST_PKI_DIR = str(pki.directory)
    assert client.post(url, b"x", content_type="text/plain").status_code == 415
    response = client.post(url, _ts_query(), content_type="application/timestamp-query")
    assert response.status_code == 200
    reply = tsp.TimeStampResp.load(response.content)
    assert reply["status"]["status"].native == "granted"
    garbage = client.post(url, b"\x30\x03abc", content_type="application/timestamp-query")
    # a rejection carries only the status (RFC 3161 §2.4.2)
    status = tsp.PKIStatusInfo.load(core.Sequence.load(garbage.content)[0].dump())
    assert status["status"].native == "rejection"


# --- API ------------------------------------------------------------------------------------


def test_api_sign_is_for_the_designated_leader(cast, setup):
    url = reverse("signatures-api:outgoing-signing-sign", args=[setup.pk])
    assert _api(cast.outsider).post(url, {"pin": TOKEN_PIN}, format="json").status_code == 404
    refused = _api(cast.clerk).post(url, {"pin": TOKEN_PIN}, format="json")
    assert refused.status_code == 403
    assert set(refused.json()["error"]) >= {"code", "message"}
    signed = _api(cast.leader).post(url, {"pin": TOKEN_PIN}, format="json")
    assert signed.status_code == 201
    assert signed.json()["signature_status"] == SignatureStatus.VALID
    again = _api(cast.leader).post(url, {"pin": TOKEN_PIN}, format="json")
    assert again.status_code == 409


def test_api_signed_upload_refuses_an_unsigned_pdf(cast, setup):
    url = reverse("signatures-api:outgoing-signing-signed-upload", args=[setup.pk])
    response = _api(cast.leader).post(
        url,
        {"upload": SimpleUploadedFile("ky.pdf", make_pdf(1), "application/pdf")},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["files"]


def test_api_signature_checks_are_the_agencys_evidence(cast, setup):
    from vanthu.signatures.checks import document_file_check
    from vanthu.signatures.models import CheckReason

    stored = DocumentFile.objects.get(outgoing=setup)
    document_file_check(file_id=stored.pk, reason=CheckReason.MANUAL)
    url = reverse("signatures-api:document-file-signature-checks", args=[stored.pk])
    assert _api(cast.outsider).get(url).status_code == 404
    rows = _api(cast.specialist).get(url).json()
    assert [r["status"] for r in rows] == [SignatureStatus.UNSIGNED]
    assert rows[0]["report"]["status"] == "unsigned"
    assert FileSignatureCheck.objects.count() == 1


def test_api_keys_are_declared_by_admins_and_listed_per_agency(cast, setup, token_keys):
    url = reverse("signatures-api:signing-key-list")
    body = {
        "token_label": token_keys["agency"].token_label,
        "key_label": token_keys["agency"].key_label,
        "pin": TOKEN_PIN,
        "pin_env": AGENCY_PIN_ENV,
    }
    assert _api(cast.clerk).post(url, body, format="multipart").status_code == 403
    created = _api(cast.agency_admin).post(url, body, format="multipart")
    assert created.status_code == 201
    assert created.json()["person"] is None
    assert {k["agency"] for k in _api(cast.leader).get(url).json()["results"]} == {cast.agency_a.pk}
    assert _api(cast.outsider).get(url).json()["results"] == []
    retire = reverse("signatures-api:signing-key-retire", args=[created.json()["id"]])
    assert _api(cast.outsider_admin).post(retire).status_code == 404
    assert _api(cast.agency_admin).post(retire).json()["is_active"] is False


def test_every_signature_route_is_covered_by_these_tests():
    assert _routes(api_urls.urlpatterns) == {
        ("outgoing-signing-sign", "post"),
        ("outgoing-signing-signed-upload", "post"),
        ("document-file-signature-checks", "get"),
        ("signing-key-list", "get"),
        ("signing-key-list", "post"),
        ("signing-key-retire", "post"),
    }
