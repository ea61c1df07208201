"""Outgoing documents: notation, numbering at issue, VBĐT marking, access and bad input."""

import hashlib
import unicodedata
from datetime import date

import pytest

from vanthu.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from vanthu.core.models import JournalEntry
from vanthu.core.text import unicode_to_tcvn3
from vanthu.registry.choices import ExchangeMode, OutgoingStatus, Purpose
from vanthu.registry.models import (
    DocumentFile,
    DocumentType,
    OutgoingDocument,
    OutgoingRecipient,
    RegisterCounter,
)
from vanthu.registry.outgoing import (
    OutgoingData,
    RecipientData,
    outgoing_document_create,
    outgoing_document_delete,
    outgoing_document_issue,
    outgoing_document_update,
    recipients_display,
)
from vanthu.registry.tests.factories import pdf_bytes, png_bytes

SUMMARY = "V/v triển khai chữ ký số trên hệ thống quản lý văn bản"


def _type(code):
    return DocumentType.objects.get(code=code)


def _data(code="cong-van", **overrides):
    values = {"document_type_id": _type(code).pk, "summary": SUMMARY}
    values.update(overrides)
    return OutgoingData(**values)


def _recipients(cast):
    return [
        RecipientData(agency_id=cast.agency_b.pk),
        RecipientData(place="UBND các huyện, thị xã, thành phố"),
        RecipientData(place="Lưu: VT, VP", is_filing_copy=True),
    ]


def _create(cast, code="cong-van", **overrides):
    return outgoing_document_create(
        actor=cast.actor(cast.clerk),
        data=_data(code, drafting_unit_id=cast.office_a.pk, **overrides),
        recipients=_recipients(cast),
    )


def _issue(cast, document, day=date(2026, 3, 2)):
    return outgoing_document_issue(
        actor=cast.actor(cast.clerk), document_id=document.pk, document_date=day
    )


def _state():
    return (
        list(OutgoingDocument.objects.values()),
        list(OutgoingRecipient.objects.values()),
        list(RegisterCounter.objects.values()),
        JournalEntry.objects.count(),
    )


def test_cong_van_gets_agency_and_drafting_unit_notation(cast):
    # given 124 Công văn already issued this year
    for _ in range(124):
        _issue(cast, _create(cast))
    # when the 125th drafted by Văn phòng is issued
    document = _issue(cast, _create(cast))
    # then its number and notation are 125/STTTT-VP
    assert document.number_notation == "125/STTTT-VP"
    assert document.status == OutgoingStatus.ISSUED
    assert document.document_date == date(2026, 3, 2)


def test_fifth_quyet_dinh_is_printed_with_a_leading_zero(cast):
    # given 4 Quyết định issued (administrative documents share the default register)
    for _ in range(4):
        _issue(cast, _create(cast, "quyet-dinh"))
    # when the 5th is issued
    document = _issue(cast, _create(cast, "quyet-dinh"))
    # then it reads 05/QĐ-STTTT, and the issue is journalled with its number
    assert document.number_notation == "05/QĐ-STTTT"
    entry = JournalEntry.objects.filter(
        action="registry.outgoing.issue", object_id=str(document.pk)
    ).get()
    assert (entry.before["number"], entry.after["number"]) == (None, 5)
    assert entry.after["notation"] == "QĐ-STTTT"


def test_legal_normative_documents_have_their_own_series_with_the_year(cast):
    # given 21 legal normative Quyết định of UBND tỉnh in 2017, and ordinary documents too
    clerk = cast.clerk
    from vanthu.organizations.choices import Role
    from vanthu.organizations.models import RoleGrant

    RoleGrant.objects.create(person=clerk, agency=cast.agency_a.parent, role=Role.CLERK)
    clerk.agency = cast.agency_a.parent
    clerk.save()
    actor = cast.actor(clerk)

    def issue(code):
        draft = outgoing_document_create(
            actor=actor, data=_data(code), recipients=_recipients(cast)
        )
        return outgoing_document_issue(
            actor=actor, document_id=draft.pk, document_date=date(2017, 11, 27)
        )

    for _ in range(3):
        issue("quyet-dinh")
    for _ in range(21):
        issue("quyet-dinh-qppl")
    # when the next legal normative Quyết định is issued
    document = issue("quyet-dinh-qppl")
    # then it is 22/2017/QĐ-UBND from the legal normative register, the other series untouched
    assert document.number_notation == "22/2017/QĐ-UBND"
    assert document.register.is_legal_normative
    assert issue("quyet-dinh").number_notation == "04/QĐ-UBND"
    assert issue("nghi-quyet-qppl").number_notation == "01/2017/NQ-UBND"


def test_numbers_restart_each_year(cast):
    # given a Công văn issued in 2025
    _issue(cast, _create(cast), day=date(2025, 12, 31))
    # when one is issued on 2 January 2026
    document = _issue(cast, _create(cast), day=date(2026, 1, 2))
    # then it is number 1 of 2026
    assert (document.year, document.number) == (2026, 1)


def test_issuing_twice_is_refused_and_changes_nothing(cast):
    # given an issued document
    document = _issue(cast, _create(cast))
    before = _state()
    # when it is issued again
    with pytest.raises(InvalidTransition):
        _issue(cast, document)
    # then the number, the counter and the journal are unchanged
    assert _state() == before


def test_an_abandoned_draft_never_consumes_a_number(cast):
    # given a draft abandoned before issue
    draft = _create(cast)
    outgoing_document_delete(actor=cast.actor(cast.clerk), document_id=draft.pk)
    # when the next document is issued
    document = _issue(cast, _create(cast))
    # then it is number 1 and the draft is gone
    assert document.number == 1
    assert not OutgoingDocument.objects.filter(pk=draft.pk).exists()


def test_an_issued_document_cannot_be_edited_or_deleted(cast):
    # given an issued document
    document = _issue(cast, _create(cast))
    before = _state()
    actor = cast.actor(cast.clerk)
    # when it is edited or deleted
    with pytest.raises(InvalidTransition):
        outgoing_document_update(
            actor=actor, document_id=document.pk, data=_data(), recipients=_recipients(cast)
        )
    with pytest.raises(InvalidTransition):
        outgoing_document_delete(actor=actor, document_id=document.pk)
    # then nothing changed
    assert _state() == before


def test_draft_update_changes_fields_and_recipients(cast):
    # given a draft
    draft = _create(cast)
    # when the clerk changes its summary and recipients
    document = outgoing_document_update(
        actor=cast.actor(cast.clerk),
        document_id=draft.pk,
        data=_data(summary="V/v mới"),
        recipients=[RecipientData(place="Sở Nội vụ")],
    )
    # then both are stored and journalled
    assert document.summary == "V/v mới"
    assert [r.place for r in document.recipients.all()] == ["Sở Nội vụ"]
    assert JournalEntry.objects.filter(action="registry.outgoing.update").count() == 1


def test_electronic_only_document_marks_each_agency_recipient_vbdt(cast):
    # given a Giấy mời between agencies (Điều 4.1.b: electronic only)
    document = _issue(cast, _create(cast, "giay-moi"))
    # when "Nơi nhận" is rendered
    lines = recipients_display(document)
    # then the agency line carries (VBĐT), the filing copy does not
    assert document.exchange_mode == ExchangeMode.ELECTRONIC_ONLY
    assert lines == [
        "Sở Tài chính (VBĐT)",
        "UBND các huyện, thị xã, thành phố",
        "Lưu: VT, VP",
    ]


def test_electronic_and_paper_document_is_not_marked(cast):
    # given a Tờ trình to UBND tỉnh (Điều 5.2: electronic and paper)
    document = _issue(cast, _create(cast, "to-trinh", purpose=Purpose.TO_PROVINCIAL_LEADERSHIP))
    # when "Nơi nhận" is rendered
    lines = recipients_display(document)
    # then no line is marked
    assert document.exchange_mode == ExchangeMode.ELECTRONIC_AND_PAPER
    assert lines == ["Sở Tài chính", "UBND các huyện, thị xã, thành phố", "Lưu: VT, VP"]


@pytest.mark.parametrize(
    "encode", [unicode_to_tcvn3, lambda text: unicodedata.normalize("NFD", text)]
)
def test_legacy_or_decomposed_text_is_stored_as_nfc(cast, encode):
    # given a summary typed in TCVN3 or decomposed Unicode
    # when the document is created
    document = _create(cast, summary=encode(SUMMARY))
    # then it is stored as NFC Unicode
    assert document.summary == SUMMARY


@pytest.mark.parametrize(
    ("overrides", "recipients", "field"),
    [
        ({"summary": "x" * 501}, None, "summary"),
        ({"summary": "  "}, None, "summary"),
        ({"signer_name": "y" * 51}, None, "signer_name"),
        ({"copies": 0}, None, "copies"),
        ({"page_count": 0}, None, "page_count"),
        ({"urgency": "soon"}, None, "urgency"),
        ({"document_type_id": 999999}, None, "document_type_id"),
        ({}, [RecipientData(agency_id=999999)], "recipients[0].agency_id"),
        ({}, "inactive", "recipients[0].agency_id"),
        ({}, [RecipientData(place="")], "recipients[0].place"),
        ({}, [], "recipients"),
    ],
)
def test_bad_input_is_refused_with_nothing_stored(cast, overrides, recipients, field):
    # given bad input
    if recipients == "inactive":
        cast.agency_b.is_active = False
        cast.agency_b.save()
        recipients = [RecipientData(agency_id=cast.agency_b.pk)]
    values = {"document_type_id": _type("cong-van").pk, "summary": SUMMARY}
    values.update(overrides)
    before = _state()
    # when a document is created with it
    with pytest.raises(ValidationFailed) as error:
        outgoing_document_create(
            actor=cast.actor(cast.clerk),
            data=OutgoingData(**values),
            recipients=_recipients(cast) if recipients is None else recipients,
        )
    # then the field is named in Vietnamese and nothing is stored
    assert field in error.value.fields
    assert error.value.message == "Thông tin văn bản đi chưa hợp lệ."
    assert _state() == before


def test_drafting_unit_of_another_agency_is_refused(cast):
    # given the unit of agency B
    before = _state()
    # when a clerk of A names it as drafting unit
    with pytest.raises(ValidationFailed) as error:
        outgoing_document_create(
            actor=cast.actor(cast.clerk),
            data=_data(drafting_unit_id=cast.unit_b.pk),
            recipients=_recipients(cast),
        )
    # then it is refused with nothing stored
    assert "drafting_unit_id" in error.value.fields
    assert _state() == before


def test_issue_date_in_the_future_is_refused(cast):
    # given a draft
    draft = _create(cast)
    before = _state()
    # when it is issued with a date in the future
    with pytest.raises(ValidationFailed):
        _issue(cast, draft, day=date(2999, 1, 1))
    # then nothing changed
    assert _state() == before


def test_system_admin_may_issue(cast):
    # given a draft of agency A
    draft = _create(cast)
    # when the system admin issues it
    document = outgoing_document_issue(actor=cast.actor(cast.system_admin), document_id=draft.pk)
    # then it is numbered
    assert document.number == 1


@pytest.mark.parametrize("persona", ["leader", "specialist", "unit_head", "agency_admin"])
def test_staff_who_are_not_clerks_cannot_create_or_issue(cast, persona):
    # given a draft and a staff member of A who is not a clerk
    draft = _create(cast)
    actor = cast.actor(getattr(cast, persona))
    before = _state()
    # when they create or issue
    # then each is refused and nothing changed
    with pytest.raises(PermissionDenied):
        outgoing_document_create(actor=actor, data=_data(), recipients=_recipients(cast))
    with pytest.raises(PermissionDenied):
        outgoing_document_issue(actor=actor, document_id=draft.pk)
    assert _state() == before


def test_outsider_does_not_find_another_agencys_document(cast):
    # given a draft of agency A
    draft = _create(cast)
    before = _state()
    actor = cast.actor(cast.outsider)
    # when the clerk of agency B issues, edits or deletes it
    # then it is not found and nothing changed
    with pytest.raises(NotFound):
        outgoing_document_issue(actor=actor, document_id=draft.pk)
    with pytest.raises(NotFound):
        outgoing_document_update(
            actor=actor, document_id=draft.pk, data=_data(), recipients=_recipients(cast)
        )
    with pytest.raises(NotFound):
        outgoing_document_delete(actor=actor, document_id=draft.pk)
    assert _state() == before


def test_a_legal_normative_type_without_a_default_register_gets_its_own_series(cast):
    # given 2 ordinary documents issued in the default register
    _issue(cast, _create(cast))
    _issue(cast, _create(cast))
    # when a Thông tư (legal normative, no default register) is issued
    document = _issue(cast, _create(cast, "thong-tu"))
    # then it starts its own series with the year in the notation
    assert document.number_notation == "01/2026/TT-STTTT"
    assert document.register.is_legal_normative
    assert list(document.register.document_types.values_list("code", flat=True)) == ["thong-tu"]


def test_a_register_listing_the_type_wins(cast):
    # given a register of agency A for Giấy mời only, and a Công văn already issued
    from vanthu.registry.choices import RegisterKind
    from vanthu.registry.models import Register

    register = Register.objects.create(
        agency=cast.agency_a, kind=RegisterKind.OUTGOING, name="Sổ Giấy mời"
    )
    register.document_types.add(_type("giay-moi"))
    _issue(cast, _create(cast))
    # when a Giấy mời is issued
    document = _issue(cast, _create(cast, "giay-moi"))
    # then it is number 1 of that register
    assert (document.register, document.number_notation) == (register, "01/GM-STTTT")


@pytest.fixture
def media(settings, tmp_path):
    """Store files under a temporary folder; return it."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


def _stored_files(root):
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_files_are_stored_byte_for_byte(cast, media):
    # given a signed PDF of two pages
    content = pdf_bytes(2)
    # when the clerk enters the document with it
    document = outgoing_document_create(
        actor=cast.actor(cast.clerk),
        data=_data(),
        recipients=_recipients(cast),
        files=[("cong-van-125.pdf", content)],
    )
    # then the original is kept unchanged, with its hash, page count and journal entry
    stored = DocumentFile.objects.get(outgoing=document)
    with stored.file.open("rb") as handle:
        assert handle.read() == content
    assert (stored.sha256, stored.page_count) == (hashlib.sha256(content).hexdigest(), 2)
    entry = JournalEntry.objects.get(action="registry.outgoing.create")
    assert entry.after["files"] == [stored.sha256]


def test_a_file_that_is_not_what_its_name_says_stores_nothing(cast, media):
    # given a good PDF and a ".pdf" that is a PNG
    before = _state()
    # when the document is entered with both
    with pytest.raises(ValidationFailed):
        outgoing_document_create(
            actor=cast.actor(cast.clerk),
            data=_data(),
            recipients=_recipients(cast),
            files=[("good.pdf", pdf_bytes()), ("bad.pdf", png_bytes())],
        )
    # then no row, no file and no journal entry is left
    assert _state() == before
    assert not DocumentFile.objects.exists()
    assert _stored_files(media) == []


def test_a_failure_after_storing_removes_the_stored_files(cast, media, monkeypatch):
    # given the journal failing after the files were written
    from vanthu.registry import outgoing

    def fail(*args, **kwargs):
        raise RuntimeError("journal down")

    monkeypatch.setattr(outgoing, "_journal", fail)
    before = _state()
    # when the document is entered
    with pytest.raises(RuntimeError):
        outgoing_document_create(
            actor=cast.actor(cast.clerk),
            data=_data(),
            recipients=_recipients(cast),
            files=[("cong-van.pdf", pdf_bytes())],
        )
    # then nothing is left, in the database or in storage
    assert _state() == before
    assert _stored_files(media) == []
