"""Hostile PDFs end to end, through the web forms and the API: an encrypted, a corrupt, a
damaged signed, a JavaScript-bearing and a 500-page PDF, to the incoming register and as the
signed text of an outgoing document. Each gets a clear Vietnamese error (a structured error in
the API) or the right verdict; never a 500, and nothing stored half-way."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from vanthu.core.models import JournalEntry
from vanthu.registry.choices import FileRole, SignatureStatus
from vanthu.registry.models import DocumentFile, DocumentType, IncomingDocument, OutgoingDocument
from vanthu.registry.outgoing import OutgoingData, RecipientData, outgoing_document_create
from vanthu.signatures.checks import check_file_signatures
from vanthu.signatures.models import FileSignatureCheck
from vanthu.signatures.signing import sign_as_agency_copy, sign_as_signer
from vanthu.signatures.tests.fixtures import AGENCY, make_pdf

pytestmark = pytest.mark.django_db

KINDS = ["encrypted", "corrupt", "damaged", "javascript", "five_hundred_pages"]


@dataclass(frozen=True)
class Hostile:
    """A hostile PDF and what a user must be told about it."""

    data: bytes
    refused_with: str = ""  # the Vietnamese error when the upload is refused
    verdict: str = ""  # the stored file's status when it is taken (incoming)
    summary: str = ""  # a phrase of the report shown for it


@pytest.fixture(scope="module")
def hostile(encrypted_pdf, leader, agency) -> dict[str, Hostile]:
    draft = make_pdf(2, text="Công văn")
    signed = sign_as_signer(
        draft,
        signer=leader.signer(),
        signer_name="Nguyễn Văn A",
        signer_title="Giám đốc",
        signature_image=None,
    )
    damaged = signed[:600] + b"\xff" * 64 + signed[664:]
    scripted = sign_as_agency_copy(
        make_pdf(1, javascript=True),
        signer=agency.signer(),
        agency_name=AGENCY,
        number_notation="7",
    )
    big = sign_as_agency_copy(
        make_pdf(500), signer=agency.signer(), agency_name=AGENCY, number_notation="9"
    )
    return {
        "encrypted": Hostile(encrypted_pdf, refused_with="là PDF có đặt mật khẩu"),
        "corrupt": Hostile(draft[: len(draft) // 2], refused_with="là PDF bị hỏng, không đọc được"),
        "damaged": Hostile(
            damaged, verdict=SignatureStatus.INVALID, summary="Tệp có 1 chữ ký số: 1 không hợp lệ."
        ),
        "javascript": Hostile(
            scripted, verdict=SignatureStatus.VALID, summary="Cảnh báo: tệp có chứa JavaScript."
        ),
        "five_hundred_pages": Hostile(
            big, verdict=SignatureStatus.VALID, summary="Tệp có 1 chữ ký số: 1 hợp lệ."
        ),
    }


@pytest.fixture
def trusted(settings, pki):
    settings.TEST_PKI_DIR = str(pki.directory)
    settings.TSA_URL = ""


def _api(person) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=person)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _stored_files(settings) -> set[Path]:
    return {p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()}


def _state(settings) -> dict[str, object]:
    return {
        "incoming": IncomingDocument.objects.count(),
        "files": list(DocumentFile.objects.order_by("pk").values_list("pk", "is_current")),
        "journal": JournalEntry.objects.count(),
        "checks": FileSignatureCheck.objects.count(),
        "tasks": DBTaskResult.objects.count(),
        "on_disk": _stored_files(settings),
    }


def _run_checks() -> None:
    """Run the signature checks the uploads enqueued, as the worker would."""
    for result in DBTaskResult.objects.filter(
        task_path="vanthu.signatures.checks.check_file_signatures", status="READY"
    ):
        check_file_signatures.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])


def _fields(summary: str) -> dict[str, object]:
    return {
        "sender_name": "Ủy ban nhân dân huyện Cam Lâm",
        "number": "48",
        "notation": "UBND-VP",
        "summary": summary,
        "urgency": "normal",
    }


def _register_web(client, cast, name: str, data: bytes):
    client.force_login(cast.clerk)
    form = {
        **_fields("V/v tệp thử " + name),
        "document_date": (timezone.localdate() - timedelta(days=1)).strftime("%d/%m/%Y"),
        "document_type": str(DocumentType.objects.get(code="cong-van").pk),
        "uploads": SimpleUploadedFile(name + ".pdf", data, content_type="application/pdf"),
    }
    return client.post(reverse("registry:incoming_register") + "?kenh=dien-tu", form)


def _register_api(cast, name: str, data: bytes):
    body = {
        **_fields("V/v tệp thử " + name),
        "channel": "electronic",
        "document_date": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "document_type": DocumentType.objects.get(code="cong-van").pk,
        "uploads": [SimpleUploadedFile(name + ".pdf", data, "application/pdf")],
    }
    return _api(cast.clerk).post(
        reverse("registry-api:incoming-document-list"), body, format="multipart"
    )


@pytest.mark.parametrize("kind", KINDS)
def test_incoming_register_web_form(client, cast, trusted, hostile, settings, kind):
    case = hostile[kind]
    before = _state(settings)
    # when the clerk registers the file through the registration form
    response = _register_web(client, cast, kind, case.data)
    if case.refused_with:
        # then the form comes back with the Vietnamese reason and nothing was stored
        assert response.status_code == 200
        assert case.refused_with in response.content.decode()
        assert _state(settings) == before
        return
    # then it is registered and its check, run by the worker, gives the right verdict
    assert response.status_code == 302, response.content.decode()[:500]
    _run_checks()
    stored = IncomingDocument.objects.get().files.get()
    assert stored.signature_status == case.verdict
    assert case.summary in stored.signature_report["summary_vi"]
    with stored.file.open("rb") as handle:
        assert handle.read() == case.data  # the received bytes are never modified
    # and the detail page shows the report in plain Vietnamese
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert case.summary in page.content.decode()


@pytest.mark.parametrize("kind", KINDS)
def test_incoming_register_api(cast, trusted, hostile, settings, kind):
    case = hostile[kind]
    before = _state(settings)
    response = _register_api(cast, kind, case.data)
    if case.refused_with:
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == "invalid"
        assert case.refused_with in error["message"]
        assert any(case.refused_with in message for message in error["fields"]["uploads"])
        assert _state(settings) == before
        return
    assert response.status_code == 201, response.content
    _run_checks()
    [file_id] = [f["id"] for f in response.json()["files"]]
    checks = _api(cast.specialist).get(
        reverse("signatures-api:document-file-signature-checks", args=[file_id])
    )
    assert checks.status_code == 200
    [row] = checks.json()
    assert row["status"] == case.verdict
    assert case.summary in row["report"]["summary_vi"]
    if kind == "five_hundred_pages":
        assert row["report"]["page_count"] == 500
    if kind == "javascript":
        assert row["report"]["has_javascript"] is True


# --- the signed text of an outgoing document ------------------------------------------------

SIGNED_UPLOAD_REFUSALS = {
    "encrypted": "là PDF có đặt mật khẩu",
    "corrupt": "là PDF bị hỏng, không đọc được",
    "damaged": "Bản đã ký không được chấp nhận: Tệp có 1 chữ ký số: 1 không hợp lệ.",
    "javascript": "Bản đã ký có chứa mã JavaScript",
    # a valid signed file, but not the draft signed: the draft's PDF must start it
    "five_hundred_pages": "không phải là bản dự thảo hiện hành của văn bản này",
}


@pytest.fixture
def draft(cast, trusted) -> OutgoingDocument:
    return outgoing_document_create(
        actor=cast.actor(cast.clerk),
        data=OutgoingData(
            document_type_id=DocumentType.objects.get(code="cong-van").pk,
            summary="V/v tệp đã ký bằng công cụ khác",
            signer_id=cast.leader.pk,
        ),
        recipients=[RecipientData(agency_id=cast.agency_b.pk)],
        files=[("du-thao.pdf", make_pdf(1))],
    )


def _signed_text(draft: OutgoingDocument) -> DocumentFile:
    return DocumentFile.objects.get(outgoing=draft, role=FileRole.ORIGINAL, is_current=True)


@pytest.mark.parametrize("kind", KINDS)
def test_signed_upload_web_form(client, cast, draft, hostile, settings, kind):
    case = hostile[kind]
    before = _state(settings)
    client.force_login(cast.leader)
    response = client.post(
        reverse("signatures:outgoing_signed_upload", args=[draft.pk]),
        {"signed_file": SimpleUploadedFile(kind + ".pdf", case.data, "application/pdf")},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    # every hostile file is refused (a valid one that is not the draft signed, too)
    assert SIGNED_UPLOAD_REFUSALS[kind] in page
    assert "message--error" in page
    assert _state(settings) == before


@pytest.mark.parametrize("kind", KINDS)
def test_signed_upload_api(cast, draft, hostile, settings, kind):
    case = hostile[kind]
    before = _state(settings)
    response = _api(cast.leader).post(
        reverse("signatures-api:outgoing-signing-signed-upload", args=[draft.pk]),
        {"upload": SimpleUploadedFile(kind + ".pdf", case.data, "application/pdf")},
        format="multipart",
    )
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert any(SIGNED_UPLOAD_REFUSALS[kind] in m for m in error["fields"]["files"])
    assert _state(settings) == before


def test_the_hostile_files_are_what_they_claim(hostile):
    """Guard the fixtures: each file really is hostile in the way the tests assume."""
    from pypdf import PdfReader

    assert PdfReader(io.BytesIO(hostile["encrypted"].data)).is_encrypted
    assert b"%%EOF" not in hostile["corrupt"].data
    assert b"/JavaScript" in hostile["javascript"].data
    assert len(PdfReader(io.BytesIO(hostile["five_hundred_pages"].data)).pages) == 500
