"""Outgoing documents: the signer from the directory, files before issue, revocation, Điều 3.4."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from vanthu.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from vanthu.core.models import JournalEntry
from vanthu.registry.choices import (
    ExchangeMode,
    FileRole,
    OutgoingStatus,
    Purpose,
    SignatureStatus,
)
from vanthu.registry.models import DocumentFile, DocumentType, OutgoingDocument, PaperDispatchTask
from vanthu.registry.outgoing import (
    OutgoingData,
    RecipientData,
    outgoing_document_create,
    outgoing_document_files_add,
    outgoing_document_issue,
    outgoing_document_mark_sent,
    outgoing_document_revoke,
    paper_copy_required,
    paper_dispatch_list,
)
from vanthu.registry.tests.factories import pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY_8 = datetime(2026, 11, 23, 8, 0, tzinfo=HCM)


def _create(cast, code="cong-van", person=None, **overrides):
    values = {
        "document_type_id": DocumentType.objects.get(code=code).pk,
        "summary": "Tờ trình về kế hoạch chuyển đổi số năm 2027",
    }
    values.update(overrides)
    return outgoing_document_create(
        actor=cast.actor(person or cast.clerk),
        data=OutgoingData(**values),
        recipients=[RecipientData(place="Ủy ban nhân dân tỉnh Khánh Hòa")],
    )


def _issue(cast, document):
    return outgoing_document_issue(
        actor=cast.actor(cast.clerk), document_id=document.pk, document_date=date(2026, 11, 20)
    )


# --- The signer -----------------------------------------------------------------------------


def test_the_signer_is_a_leader_of_the_agency_whose_name_fills_the_blank(cast):
    document = _create(cast, signer_id=cast.leader.pk, signer_position="Giám đốc")
    assert document.signer == cast.leader
    assert (document.signer_name, document.signer_position) == ("Phạm Minh Giám", "Giám đốc")


def test_a_unit_head_may_sign_by_delegation(cast):
    document = _create(cast, signer_id=cast.unit_head.pk)
    assert document.signer == cast.unit_head


@pytest.mark.parametrize("persona", ["specialist", "outsider", "clerk"])
def test_a_signer_who_is_not_a_leader_here_is_refused(cast, persona):
    with pytest.raises(ValidationFailed) as caught:
        _create(cast, signer_id=getattr(cast, persona).pk)
    assert "signer_id" in caught.value.fields
    assert not OutgoingDocument.objects.exists()


# --- Files before issue ---------------------------------------------------------------------


def test_files_are_added_to_a_draft_as_text_and_attachment(cast):
    document = _create(cast)
    actor = cast.actor(cast.clerk)
    text = outgoing_document_files_add(
        actor=actor, document_id=document.pk, files=[("du-thao.pdf", pdf_bytes())]
    )
    annex = outgoing_document_files_add(
        actor=actor,
        document_id=document.pk,
        files=[("phu-luc.png", png_bytes())],
        role=FileRole.ATTACHMENT,
    )
    assert [f.role for f in text + annex] == [FileRole.ORIGINAL, FileRole.ATTACHMENT]
    assert text[0].file.read() == pdf_bytes()
    assert text[0].signature_status == SignatureStatus.NOT_CHECKED
    assert JournalEntry.objects.filter(action="registry.outgoing.files_add").count() == 2


def test_files_are_refused_after_issue_for_other_roles_and_outsiders(cast):
    document = _issue(cast, _create(cast))
    with pytest.raises(InvalidTransition):
        outgoing_document_files_add(
            actor=cast.actor(cast.clerk), document_id=document.pk, files=[("a.pdf", pdf_bytes())]
        )
    draft = _create(cast)
    with pytest.raises(PermissionDenied):
        outgoing_document_files_add(
            actor=cast.actor(cast.specialist), document_id=draft.pk, files=[("a.pdf", pdf_bytes())]
        )
    with pytest.raises(NotFound):
        outgoing_document_files_add(
            actor=cast.actor(cast.outsider), document_id=draft.pk, files=[("a.pdf", pdf_bytes())]
        )
    with pytest.raises(ValidationFailed):
        outgoing_document_files_add(
            actor=cast.actor(cast.clerk),
            document_id=draft.pk,
            files=[("a.pdf", pdf_bytes())],
            role=FileRole.SCAN,
        )
    assert not DocumentFile.objects.exists()


def test_a_file_that_is_not_what_its_name_says_stores_nothing(cast):
    draft = _create(cast)
    with pytest.raises(ValidationFailed):
        outgoing_document_files_add(
            actor=cast.actor(cast.clerk),
            document_id=draft.pk,
            files=[("ok.pdf", pdf_bytes()), ("fake.pdf", png_bytes())],
        )
    assert not DocumentFile.objects.exists()


# --- Revocation -----------------------------------------------------------------------------


def test_revoking_keeps_the_number_and_takes_the_paper_task_off_the_list(cast):
    document = _issue(
        cast, _create(cast, code="to-trinh", purpose=Purpose.TO_PROVINCIAL_LEADERSHIP)
    )
    outgoing_document_mark_sent(
        actor=cast.actor(cast.clerk), document_id=document.pk, sent_at=MONDAY_8
    )
    assert len(paper_dispatch_list(actor=cast.actor(cast.clerk))) == 1
    revoked = outgoing_document_revoke(
        actor=cast.actor(cast.clerk), document_id=document.pk, reason="Sai nơi nhận"
    )
    assert (revoked.status, revoked.number, revoked.revocation_reason) == (
        OutgoingStatus.REVOKED,
        document.number,
        "Sai nơi nhận",
    )
    assert revoked.revoked_by == cast.clerk
    assert list(paper_dispatch_list(actor=cast.actor(cast.clerk))) == []
    assert JournalEntry.objects.filter(action="registry.outgoing.revoke").count() == 1
    # the next document does not reuse the number
    assert _issue(cast, _create(cast, code="to-trinh")).number == document.number + 1


def test_only_an_issued_document_is_revoked_with_a_reason_by_a_clerk(cast):
    draft = _create(cast)
    with pytest.raises(InvalidTransition):
        outgoing_document_revoke(actor=cast.actor(cast.clerk), document_id=draft.pk, reason="x")
    issued = _issue(cast, _create(cast))
    with pytest.raises(ValidationFailed):
        outgoing_document_revoke(actor=cast.actor(cast.clerk), document_id=issued.pk, reason=" ")
    with pytest.raises(PermissionDenied):
        outgoing_document_revoke(actor=cast.actor(cast.leader), document_id=issued.pk, reason="x")
    with pytest.raises(NotFound):
        outgoing_document_revoke(actor=cast.actor(cast.outsider), document_id=issued.pk, reason="x")
    issued.refresh_from_db()
    assert issued.status == OutgoingStatus.ISSUED
    outgoing_document_revoke(actor=cast.actor(cast.clerk), document_id=issued.pk, reason="Trùng")
    with pytest.raises(InvalidTransition):
        outgoing_document_revoke(actor=cast.actor(cast.clerk), document_id=issued.pk, reason="x")


# --- Điều 3.4: signed documents go without paper unless the original must be kept ----------


@pytest.mark.parametrize(
    ("mode", "original_required", "signed", "paper"),
    [
        (ExchangeMode.ELECTRONIC_ONLY, False, False, False),
        (ExchangeMode.ELECTRONIC_ONLY, True, False, False),
        (ExchangeMode.ELECTRONIC_AND_PAPER, False, False, True),
        (ExchangeMode.ELECTRONIC_AND_PAPER, False, True, False),
        (ExchangeMode.ELECTRONIC_AND_PAPER, True, True, True),
    ],
)
def test_paper_follows_only_unsigned_or_original_required_article_5_documents(
    mode, original_required, signed, paper
):
    document = OutgoingDocument(exchange_mode=mode, original_required=original_required)
    assert paper_copy_required(document, signed=signed) is paper


def _sent_with_signed_text(cast, *, original_required):
    document = _create(
        cast,
        code="to-trinh",
        purpose=Purpose.TO_PROVINCIAL_LEADERSHIP,
        original_required=original_required,
    )
    (text,) = outgoing_document_files_add(
        actor=cast.actor(cast.clerk), document_id=document.pk, files=[("tt.pdf", pdf_bytes())]
    )
    # as the signatures app records after verifying the text's signatures
    DocumentFile.objects.filter(pk=text.pk).update(signature_status=SignatureStatus.VALID)
    document = _issue(cast, document)
    return outgoing_document_mark_sent(
        actor=cast.actor(cast.clerk), document_id=document.pk, sent_at=MONDAY_8
    )


def test_a_signed_article_5_document_sends_no_paper(cast):
    document = _sent_with_signed_text(cast, original_required=False)
    assert document.exchange_mode == ExchangeMode.ELECTRONIC_AND_PAPER
    assert not PaperDispatchTask.objects.filter(document=document).exists()


def test_a_signed_document_whose_original_must_be_kept_still_sends_paper(cast):
    document = _sent_with_signed_text(cast, original_required=True)
    assert PaperDispatchTask.objects.filter(document=document).exists()
