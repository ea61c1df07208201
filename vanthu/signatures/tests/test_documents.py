"""Signing outgoing documents in the registers, and checking what arrives (Django side).

Real components: SoftHSM2 tokens (PKCS#11) from the session fixtures, poppler's pdfsig.
"""

from __future__ import annotations

from datetime import date

import pytest

from vanthu.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from vanthu.core.journal import journal_verify
from vanthu.registry.choices import FileRole, IntakeChannel, OutgoingStatus, SignatureStatus
from vanthu.registry.incoming import IncomingData, incoming_document_register
from vanthu.registry.models import DocumentFile, DocumentType, OutgoingDocument, RegisterCounter
from vanthu.registry.outgoing import (
    OutgoingData,
    RecipientData,
    outgoing_document_create,
    outgoing_document_issue,
)
from vanthu.signatures.checks import document_file_check
from vanthu.signatures.keys import KeyData, signing_key_register
from vanthu.signatures.models import CheckReason, FileSignatureCheck
from vanthu.signatures.outgoing import (
    outgoing_document_sign,
    outgoing_document_signed_upload,
)
from vanthu.signatures.tests.fixtures import TOKEN_PIN, make_pdf, pdfsig

pytestmark = pytest.mark.django_db

AGENCY_PIN_ENV = "VANTHU_TEST_AGENCY_PIN"


@pytest.fixture
def signing(cast, settings, pki, token_keys, monkeypatch, signature_png, seal_png):
    """Agency A with the leader's key and its own key registered by its administrator."""
    settings.TEST_PKI_DIR = str(pki.directory)
    settings.TSA_URL = ""
    monkeypatch.setenv(AGENCY_PIN_ENV, TOKEN_PIN)
    admin = cast.actor(cast.agency_admin)
    leader_key = signing_key_register(
        actor=admin,
        data=KeyData(
            token_label=token_keys["leader"].token_label,
            key_label=token_keys["leader"].key_label,
            pin=TOKEN_PIN,
            person_id=cast.leader.pk,
            image=signature_png,
        ),
    )
    agency_key = signing_key_register(
        actor=admin,
        data=KeyData(
            token_label=token_keys["agency"].token_label,
            key_label=token_keys["agency"].key_label,
            pin=TOKEN_PIN,
            pin_env=AGENCY_PIN_ENV,
            image=seal_png,
        ),
    )
    return leader_key, agency_key


def _draft(cast, *, attachment: bool = False) -> OutgoingDocument:
    return outgoing_document_create(
        actor=cast.actor(cast.clerk),
        data=OutgoingData(
            document_type_id=DocumentType.objects.get(code="cong-van").pk,
            summary="V/v triển khai chữ ký số chuyên dùng",
            drafting_unit_id=cast.office_a.pk,
            signer_id=cast.leader.pk,
            signer_position="Giám đốc",
        ),
        recipients=[RecipientData(agency_id=cast.agency_b.pk)],
        files=[("cong-van.pdf", make_pdf(2, text="Công văn"))],
        attachments=[("phu-luc.pdf", make_pdf(1, text="Phụ lục"))] if attachment else (),
    )


def _text(document: OutgoingDocument) -> DocumentFile:
    return DocumentFile.objects.get(outgoing=document, role=FileRole.ORIGINAL, is_current=True)


def _bytes(stored: DocumentFile) -> bytes:
    with stored.file.open("rb") as handle:
        return handle.read()


def test_leader_signs_clerk_issues_and_both_signatures_verify_independently(
    cast, signing, nssdb, tmp_path
):
    # given a draft Công văn with an attachment
    document = _draft(cast, attachment=True)
    draft = _text(document)
    draft_bytes = _bytes(draft)
    # when the leader signs it with the key on their token
    signed = outgoing_document_sign(
        actor=cast.actor(cast.leader), document_id=document.pk, pin=TOKEN_PIN
    )
    # then a new revision extends the kept draft, and it verifies
    assert signed.previous_id == draft.pk
    assert _bytes(signed).startswith(draft_bytes)
    assert signed.signature_status == SignatureStatus.VALID
    draft.refresh_from_db()
    assert (draft.is_current, _bytes(draft)) == (False, draft_bytes)
    # when the clerk issues it
    issued = outgoing_document_issue(
        actor=cast.actor(cast.clerk), document_id=document.pk, document_date=date(2026, 11, 20)
    )
    # then the agency signed the text with the number, and the attachment top right
    final = _text(issued)
    assert final.previous_id == signed.pk
    assert final.signature_status == SignatureStatus.VALID
    report = final.signature_report
    assert [s["signer_name"] for s in report["signatures"]] == [
        "Nguyễn Văn A",
        "Sở Thông tin và Truyền thông",
    ]
    annex = DocumentFile.objects.get(outgoing=issued, role=FileRole.ATTACHMENT, is_current=True)
    assert annex.signature_status == SignatureStatus.VALID
    # and poppler's pdfsig agrees, independently of pyHanko
    output = pdfsig(nssdb, _bytes(final), tmp_path)
    assert output.count("Signature is Valid") == 2
    assert output.count("Certificate is Trusted") == 2
    # and a tampered copy fails both
    tampered = bytearray(_bytes(final))
    tampered[len(draft_bytes) // 2] ^= 0x01
    assert "Signature is Valid" not in pdfsig(nssdb, bytes(tampered), tmp_path).split("#2")[0]
    assert journal_verify() == []


def test_issuing_without_the_signers_signature_is_refused_and_keeps_the_number(cast, signing):
    document = _draft(cast)
    before = list(RegisterCounter.objects.values_list("last_number", flat=True))
    with pytest.raises(ValidationFailed) as caught:
        outgoing_document_issue(actor=cast.actor(cast.clerk), document_id=document.pk)
    assert "chưa có chữ ký số hợp lệ" in str(caught.value.fields)
    document.refresh_from_db()
    assert (document.status, document.number) == (OutgoingStatus.DRAFT, None)
    assert list(RegisterCounter.objects.values_list("last_number", flat=True)) == before


def test_a_wrong_pin_stores_nothing(cast, signing):
    document = _draft(cast)
    with pytest.raises(ValidationFailed) as caught:
        outgoing_document_sign(actor=cast.actor(cast.leader), document_id=document.pk, pin="0000")
    assert "PIN" in str(caught.value.fields)
    assert DocumentFile.objects.filter(outgoing=document).count() == 1


@pytest.mark.parametrize("persona", ["clerk", "specialist", "unit_head"])
def test_only_the_designated_signer_signs(cast, signing, persona):
    document = _draft(cast)
    with pytest.raises(PermissionDenied):
        outgoing_document_sign(
            actor=cast.actor(getattr(cast, persona)), document_id=document.pk, pin=TOKEN_PIN
        )


def test_signing_twice_or_after_issue_is_refused(cast, signing):
    document = _draft(cast)
    leader = cast.actor(cast.leader)
    outgoing_document_sign(actor=leader, document_id=document.pk, pin=TOKEN_PIN)
    with pytest.raises(InvalidTransition):
        outgoing_document_sign(actor=leader, document_id=document.pk, pin=TOKEN_PIN)
    outgoing_document_issue(actor=cast.actor(cast.clerk), document_id=document.pk)
    with pytest.raises(InvalidTransition):
        outgoing_document_sign(actor=leader, document_id=document.pk, pin=TOKEN_PIN)


def test_a_text_signed_elsewhere_is_taken_only_once_it_verifies(cast, signing, leader, other_pki):
    from vanthu.signatures.signing import sign_as_signer
    from vanthu.signatures.tests.fixtures import issue

    document = _draft(cast)
    actor = cast.actor(cast.leader)
    # a PDF signed with an untrusted certificate is refused
    stranger = issue(other_pki, common_name="Người lạ", organization="Nơi khác", kind="person")
    untrusted = sign_as_signer(
        make_pdf(2),
        signer=stranger.signer(),
        signer_name="Người lạ",
        signer_title="",
        signature_image=None,
    )
    with pytest.raises(ValidationFailed):
        outgoing_document_signed_upload(
            actor=actor, document_id=document.pk, name="ky.pdf", data=untrusted
        )
    # an unsigned PDF is refused
    with pytest.raises(ValidationFailed):
        outgoing_document_signed_upload(
            actor=actor, document_id=document.pk, name="ky.pdf", data=make_pdf(2)
        )
    # a valid signature on another PDF than the draft is refused
    another = sign_as_signer(
        make_pdf(3),
        signer=leader.signer(),
        signer_name="Nguyễn Văn A",
        signer_title="Giám đốc",
        signature_image=None,
    )
    with pytest.raises(ValidationFailed) as refused:
        outgoing_document_signed_upload(
            actor=actor, document_id=document.pk, name="ky.pdf", data=another
        )
    assert "không phải là bản dự thảo hiện hành" in str(refused.value.fields)
    assert DocumentFile.objects.filter(outgoing=document).count() == 1
    # a PDF signed by a trusted certificate (a desktop tool) is taken as the signed text
    trusted = sign_as_signer(
        _bytes(_text(document)),
        signer=leader.signer(),
        signer_name="Nguyễn Văn A",
        signer_title="Giám đốc",
        signature_image=None,
    )
    revision = outgoing_document_signed_upload(
        actor=actor, document_id=document.pk, name="ky.pdf", data=trusted
    )
    assert revision.signature_status == SignatureStatus.VALID


def test_the_receiving_agency_sees_who_signed_in_what_capacity(cast, signing):
    document = _draft(cast)
    outgoing_document_sign(actor=cast.actor(cast.leader), document_id=document.pk, pin=TOKEN_PIN)
    issued = outgoing_document_issue(actor=cast.actor(cast.clerk), document_id=document.pk)
    content = _bytes(_text(issued))
    # when agency B registers the PDF it received
    received = incoming_document_register(
        actor=cast.actor(cast.outsider),
        data=IncomingData(
            sender_agency_id=cast.agency_a.pk,
            number=str(issued.number),
            notation=issued.notation,
            document_date=issued.document_date,
            document_type_id=issued.document_type_id,
            summary=issued.summary,
        ),
        files=[("cong-van.pdf", content)],
        channel=IntakeChannel.ELECTRONIC,
    )
    stored = received.files.get()
    # then the stored bytes are the received ones and the check (a task) reports the signers
    assert _bytes(stored) == content
    check = document_file_check(file_id=stored.pk, reason=CheckReason.INTAKE)
    assert check.status == SignatureStatus.VALID
    first = check.report["signatures"][0]
    assert first["summary_vi"].startswith("Hợp lệ")
    assert "Nguyễn Văn A" in first["summary_vi"]
    assert "Giám đốc" in first["summary_vi"]
    assert _bytes(stored) == content
    assert FileSignatureCheck.objects.filter(file=stored).count() == 1


def test_intake_of_a_pdf_enqueues_its_check_and_other_files_are_unsigned(cast, signing):
    from django_tasks_db.models import DBTaskResult

    checks = DBTaskResult.objects.filter(task_path="vanthu.signatures.checks.check_file_signatures")
    before = checks.count()
    document = _draft(cast)
    assert checks.count() == before + 1
    assert _text(document).signature_status == SignatureStatus.NOT_CHECKED


def test_without_an_agency_key_unsigned_documents_still_issue(cast, settings):
    # QĐ 22 Điều 3.3 binds agencies holding certificates; this one has none
    document = _draft(cast)
    issued = outgoing_document_issue(actor=cast.actor(cast.clerk), document_id=document.pk)
    assert issued.status == OutgoingStatus.ISSUED
    settings.SIGNATURES_REQUIRED = "always"
    with pytest.raises(ValidationFailed):
        outgoing_document_issue(actor=cast.actor(cast.clerk), document_id=_draft(cast).pk)


def test_the_preservation_job_timestamps_expiring_signatures_and_keeps_the_file(cast, signing):
    from vanthu.signatures.preservation import signatures_preserve

    document = _draft(cast)
    outgoing_document_sign(actor=cast.actor(cast.leader), document_id=document.pk, pin=TOKEN_PIN)
    issued = outgoing_document_issue(actor=cast.actor(cast.clerk), document_id=document.pk)
    final = _text(issued)
    kept = _bytes(final)
    # when the job runs with every certificate inside the renewal window
    result = signatures_preserve(days=36500)
    # then the issued file is kept as it was and a preservation revision follows it
    assert (result.preserved, result.failed) == (1, 0)
    preserved = _text(issued)
    assert preserved.previous_id == final.pk
    assert _bytes(DocumentFile.objects.get(pk=final.pk)) == kept
    kinds = [s["kind"] for s in preserved.signature_report["signatures"]]
    assert kinds[-1] == "document_timestamp"
    assert preserved.signature_status == SignatureStatus.VALID
    # and a second run does not stamp it again
    assert signatures_preserve(days=36500).preserved == 0
