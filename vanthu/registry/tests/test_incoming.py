"""Incoming register: intake paths, Điều 10 received time, bad input, duplicates, access."""

import hashlib
import io
import unicodedata
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from pypdf import PdfReader

from vanthu.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from vanthu.core.models import HolidayOverride, JournalEntry
from vanthu.core.text import unicode_to_tcvn3
from vanthu.registry.choices import FileRole, IntakeChannel, Urgency
from vanthu.registry.incoming import (
    IncomingData,
    incoming_document_register,
    incoming_duplicates_find,
    incoming_paper_copy_record,
)
from vanthu.registry.models import DocumentFile, IncomingDocument, RegisterCounter
from vanthu.registry.tests.factories import FieldFactory, document_type, pdf_bytes, png_bytes

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
SUMMARY = "V/v triển khai chữ ký số chuyên dùng trong cơ quan nhà nước"


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


def _data(**overrides):
    values = {
        "sender_name": "Ủy ban nhân dân huyện Cam Lâm",
        "number": "125",
        "notation": "UBND-VP",
        "document_date": timezone.localdate() - timedelta(days=1),
        "document_type_id": document_type("cong-van").pk,
        "summary": SUMMARY,
        "signer_name": "Nguyễn Văn Ký",
        "signer_position": "Phó Chủ tịch",
        "urgency": Urgency.URGENT,
    }
    values.update(overrides)
    return IncomingData(**values)


def _register(cast, person=None, files=None, channel=IntakeChannel.ELECTRONIC, **overrides):
    return incoming_document_register(
        actor=cast.actor(person or cast.clerk),
        data=_data(**overrides),
        files=files if files is not None else [("cong-van.pdf", pdf_bytes(2))],
        channel=channel,
    )


def _nothing_stored(media, counters_before):
    assert IncomingDocument.objects.count() == 0
    assert DocumentFile.objects.count() == 0
    assert _stored_files(media) == []
    assert not JournalEntry.objects.filter(action="registry.incoming.register").exists()
    assert list(RegisterCounter.objects.values_list("last_number", flat=True)) == counters_before


# --- Electronic and scanned intake ----------------------------------------------------------


def test_clerk_registers_an_electronic_original_byte_for_byte(cast, media):
    # given a signed PDF as the sender produced it
    data = pdf_bytes(2) + b"%signature-bytes-that-must-survive\n"
    # when the clerk of agency A registers it
    document = _register(cast, files=[("cong-van-125.pdf", data)])
    # then it has arrival number 1 of the year in the incoming register, with all metadata
    assert (document.arrival_number, document.year) == (1, timezone.localdate().year)
    assert document.register.name == "Sổ văn bản đến"
    assert document.agency_id == cast.agency_a.pk
    assert document.registered_by_id == cast.clerk.pk
    assert (document.number_notation, document.urgency) == ("125/UBND-VP", Urgency.URGENT)
    # and the stored file is the upload, byte for byte
    stored = document.files.get()
    assert stored.role == FileRole.ORIGINAL
    with stored.file.open("rb") as handle:
        content = handle.read()
    assert hashlib.sha256(content).hexdigest() == hashlib.sha256(data).hexdigest()
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert (stored.original_name, stored.page_count) == ("cong-van-125.pdf", 2)
    # and one journal row names the clerk
    entry = JournalEntry.objects.get(action="registry.incoming.register")
    assert entry.object_id == str(document.pk)


def test_scanned_pages_are_stored_as_one_pdf_in_order(cast, media):
    # given a paper document scanned as two images and a one-page PDF
    pages = [
        ("trang-1.png", png_bytes((255, 0, 0), size=(100, 140))),
        ("trang-2.png", png_bytes((0, 255, 0), size=(110, 150))),
        ("trang-3.pdf", pdf_bytes(1)),
    ]
    # when the clerk registers it through the paper path
    document = _register(cast, files=pages, channel=IntakeChannel.PAPER_SCAN)
    # then one scan of three pages, in order, is stored, and the page count is filled in
    stored = document.files.get()
    assert stored.role == FileRole.SCAN
    with stored.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    widths = [round(float(p.mediabox.width)) for p in reader.pages]
    assert len(widths) == 3
    assert widths[0] < widths[1] < widths[2] == 595
    assert document.page_count == 3
    assert stored.page_count == 3


def test_numbers_follow_each_other_in_the_register(cast, media):
    first = _register(cast, number="1")
    second = _register(cast, number="2", files=[("b.pdf", pdf_bytes(3))])
    assert (first.arrival_number, second.arrival_number) == (1, 2)
    assert first.register_id == second.register_id


# --- Received time (QĐ 22 Điều 10) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("entered", "received"),
    [
        # inside a session: the moment itself
        (datetime(2026, 11, 23, 9, 15, tzinfo=HCM), datetime(2026, 11, 23, 9, 15, tzinfo=HCM)),
        # 18:05 on the Friday before the Hùng Kings' day off (Monday 27/4/2026): Tuesday 07:00
        (datetime(2026, 4, 24, 18, 5, tzinfo=HCM), datetime(2026, 4, 28, 7, 0, tzinfo=HCM)),
        # 18:05 on the Friday before Tết 2026: Monday 23/2 07:00, after the Tết week
        (datetime(2026, 2, 13, 18, 5, tzinfo=HCM), datetime(2026, 2, 23, 7, 0, tzinfo=HCM)),
        # 18:05 on Friday 21/8/2026, before the make-up Saturday 22/8: that Saturday 07:00
        (datetime(2026, 8, 21, 18, 5, tzinfo=HCM), datetime(2026, 8, 22, 7, 0, tzinfo=HCM)),
        # at lunch: the afternoon session
        (datetime(2026, 11, 23, 12, 0, tzinfo=HCM), datetime(2026, 11, 23, 13, 30, tzinfo=HCM)),
    ],
)
def test_received_time_moves_to_the_next_working_session(cast, media, entered, received):
    # given the document enters the system at `entered`
    with time_machine.travel(entered, tick=False):
        document = _register(cast, document_date=entered.date())
    # then both times are stored: entered as it was, received at the next working session
    assert document.entered_at == entered
    assert document.received_at == received
    assert document.year == received.year


def test_a_make_up_saturday_announced_by_the_province_receives_documents(cast, media):
    # given Saturday 9/1/2027 announced as a make-up working day (HolidayOverride)
    HolidayOverride.objects.create(
        date=date(2027, 1, 9), kind=HolidayOverride.Kind.WORKING_DAY, name="Làm bù"
    )
    entered = datetime(2027, 1, 8, 18, 5, tzinfo=HCM)
    # when a document enters at 18:05 on the Friday before
    with time_machine.travel(entered, tick=False):
        document = _register(cast, document_date=entered.date())
    # then it is received at the start of that Saturday's morning session
    assert document.received_at == datetime(2027, 1, 9, 7, 0, tzinfo=HCM)


def test_agency_sessions_are_used_for_the_received_time(cast, media):
    # given agency A works 07:30-11:30 and 13:00-16:30
    cast.agency_a.office_sessions = [["07:30", "11:30"], ["13:00", "16:30"]]
    cast.agency_a.save()
    entered = datetime(2026, 11, 23, 16, 45, tzinfo=HCM)
    with time_machine.travel(entered, tick=False):
        document = _register(cast, document_date=entered.date())
    assert document.received_at == datetime(2026, 11, 25, 7, 30, tzinfo=HCM)  # 24/11 is off


# --- Bad input: a clear error, nothing stored ------------------------------------------------


def test_nfd_text_is_stored_nfc(cast, media):
    decomposed = unicodedata.normalize("NFD", SUMMARY)
    assert decomposed != SUMMARY
    document = _register(cast, summary=decomposed, sender_name="  Sở Y tế  ")
    document.refresh_from_db()
    assert document.summary == SUMMARY
    assert document.sender_name == "Sở Y tế"


def test_tcvn3_text_is_converted(cast, media):
    document = _register(cast, summary=unicode_to_tcvn3(SUMMARY))
    document.refresh_from_db()
    assert document.summary == SUMMARY


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"summary": "x" * 501}, "summary", "tối đa 500"),
        ({"number": "1" * 12}, "number", "tối đa 11"),
        ({"summary": "   "}, "summary", "trích yếu"),
        ({"sender_name": ""}, "sender_name", "nơi gửi"),
        ({"document_date": date(2099, 1, 1)}, "document_date", "tương lai"),
        (
            {"document_date": date(2026, 11, 20), "due_date": date(2026, 11, 19)},
            "due_date",
            "trước ngày văn bản",
        ),
        ({"urgency": "rat_khan"}, "urgency", "Độ khẩn"),
        ({"page_count": 0}, "page_count", "Số trang"),
        ({"document_type_id": 999999}, "document_type_id", "Loại văn bản"),
        ({"sender_agency_id": 999999}, "sender_agency_id", "danh bạ"),
        ({"summary": "ña ñi"}, "summary", "bảng mã cũ"),
        ({"signer_name": "Quy\xb8t ®Þnh"}, "signer_name", "bảng mã cũ"),
    ],
)
def test_bad_metadata_is_refused_and_nothing_stored(cast, media, overrides, field, words):
    counters = list(RegisterCounter.objects.values_list("last_number", flat=True))
    with pytest.raises(ValidationFailed) as error:
        _register(cast, **overrides)
    assert field in error.value.fields
    assert words in " ".join(error.value.fields[field])
    _nothing_stored(media, counters)


def test_a_field_of_another_agency_is_refused(cast, media):
    other = FieldFactory(agency=cast.agency_b)
    with pytest.raises(ValidationFailed) as error:
        _register(cast, field_id=other.pk)
    assert "field_id" in error.value.fields


@pytest.mark.parametrize(
    ("files", "channel", "words"),
    [
        ([("trong.pdf", b"")], IntakeChannel.ELECTRONIC, "rỗng"),
        ([("gia.pdf", png_bytes())], IntakeChannel.ELECTRONIC, "không khớp"),
        ([], IntakeChannel.ELECTRONIC, "tệp văn bản"),
        ([], IntakeChannel.PAPER_SCAN, "bản quét"),
        ([("a.png", png_bytes()), ("b.pdf", b"%PDF-1.4 hong")], IntakeChannel.PAPER_SCAN, "PDF"),
    ],
)
def test_bad_files_are_refused_and_nothing_stored(cast, media, files, channel, words):
    with pytest.raises(ValidationFailed) as error:
        _register(cast, files=files, channel=channel)
    assert words in error.value.message
    _nothing_stored(media, [])


def test_a_failure_after_files_are_saved_removes_them(cast, media, monkeypatch):
    # given the journal fails after the row and the files were written
    import vanthu.registry.incoming as module

    def broken(**kwargs):
        raise RuntimeError("journal down")

    monkeypatch.setattr(module, "journal_record", broken)
    # when the clerk registers two files
    with pytest.raises(RuntimeError):
        _register(cast, files=[("a.pdf", pdf_bytes(1)), ("b.pdf", pdf_bytes(2))])
    # then no row, no file and no number is left behind
    assert IncomingDocument.objects.count() == 0
    assert _stored_files(media) == []
    assert set(RegisterCounter.objects.values_list("last_number", flat=True)) <= {0}


# --- Paper copy (Điều 6.1.b) -----------------------------------------------------------------


def test_paper_copy_is_recorded_on_the_existing_record_once(cast, media):
    document = _register(cast)
    # when the clerk records the paper copy
    updated = incoming_paper_copy_record(actor=cast.actor(cast.clerk), document_id=document.pk)
    # then the same record carries it; no second record
    assert updated.pk == document.pk
    assert updated.paper_received_at is not None
    assert updated.paper_received_by_id == cast.clerk.pk
    assert IncomingDocument.objects.count() == 1
    assert JournalEntry.objects.filter(action="registry.incoming.paper_copy_record").count() == 1
    # and a second attempt is refused, nothing changed
    first_time = updated.paper_received_at
    with pytest.raises(InvalidTransition) as error:
        incoming_paper_copy_record(actor=cast.actor(cast.clerk), document_id=document.pk)
    assert "lần thứ hai" in error.value.message
    document.refresh_from_db()
    assert document.paper_received_at == first_time
    assert JournalEntry.objects.filter(action="registry.incoming.paper_copy_record").count() == 1


def test_paper_copy_of_a_paper_document_is_refused(cast, media):
    document = _register(cast, files=[("a.png", png_bytes())], channel=IntakeChannel.PAPER_SCAN)
    with pytest.raises(InvalidTransition):
        incoming_paper_copy_record(actor=cast.actor(cast.clerk), document_id=document.pk)


def test_paper_copy_access(cast, media):
    document = _register(cast)
    with pytest.raises(NotFound):
        incoming_paper_copy_record(actor=cast.actor(cast.outsider), document_id=document.pk)
    with pytest.raises(PermissionDenied):
        incoming_paper_copy_record(actor=cast.actor(cast.leader), document_id=document.pk)
    document.refresh_from_db()
    assert document.paper_received_at is None


# --- Duplicates (NĐ 30/2020 Phụ lục VI) ------------------------------------------------------


def test_same_sender_number_and_date_warns_whatever_the_case_and_diacritics(cast, media):
    first = _register(cast)
    counters = list(RegisterCounter.objects.values_list("last_number", flat=True))
    # when the same document comes again, typed without diacritics and in another case
    with pytest.raises(Conflict) as error:
        _register(
            cast,
            sender_name="UY BAN NHAN DAN HUYEN CAM LAM",
            notation="ubnd-vp",
            files=[("khac.pdf", pdf_bytes(4))],
        )
    # then the existing document is named and nothing is stored
    assert error.value.code == "duplicate"
    assert error.value.fields["duplicates"] == [str(first.pk)]
    assert [d.pk for d in error.value.documents] == [first.pk]
    assert IncomingDocument.objects.count() == 1
    assert list(RegisterCounter.objects.values_list("last_number", flat=True)) == counters
    # and when the clerk confirms, it is registered
    second = incoming_document_register(
        actor=cast.actor(cast.clerk),
        data=_data(sender_name="UY BAN NHAN DAN HUYEN CAM LAM", notation="ubnd-vp"),
        files=[("khac.pdf", pdf_bytes(4))],
        channel=IntakeChannel.ELECTRONIC,
        confirm_duplicate=True,
    )
    assert second.arrival_number == 2


def test_same_file_warns_even_with_other_metadata(cast, media):
    data = pdf_bytes(2)
    first = _register(cast, files=[("a.pdf", data)])
    with pytest.raises(Conflict) as error:
        _register(cast, number="999", sender_name="Sở Tài chính", files=[("b.pdf", data)])
    assert error.value.fields["duplicates"] == [str(first.pk)]


def test_different_documents_do_not_warn(cast, media):
    _register(cast)
    # another number, another date, another sender: no warning
    _register(cast, number="126", files=[("b.pdf", pdf_bytes(3))])
    _register(
        cast,
        document_date=timezone.localdate() - timedelta(days=2),
        files=[("c.pdf", pdf_bytes(4))],
    )
    _register(cast, sender_name="Sở Y tế", files=[("d.pdf", pdf_bytes(5))])
    assert IncomingDocument.objects.count() == 4


def test_duplicates_find_is_scoped_to_the_actors_agency(cast, media):
    document = _register(cast)
    query = {
        "sender_name": "Ủy ban nhân dân huyện Cam Lâm",
        "number": "125",
        "notation": "UBND-VP",
        "document_date": document.document_date,
    }
    assert incoming_duplicates_find(actor=cast.actor(cast.specialist), **query) == [document]
    assert incoming_duplicates_find(actor=cast.actor(cast.outsider), **query) == []


# --- Access ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["leader", "specialist", "unit_head", "archivist"])
def test_only_clerks_register(cast, media, persona):
    with pytest.raises(PermissionDenied) as error:
        _register(cast, person=getattr(cast, persona))
    assert "văn thư" in error.value.message
    _nothing_stored(media, [])


def test_an_outsider_registers_in_its_own_agency_only(cast, media):
    # given the clerk of agency B registers a document
    document = _register(cast, person=cast.outsider)
    # then it belongs to agency B, in B's own register, numbered from 1
    assert document.agency_id == cast.agency_b.pk
    assert document.register.agency_id == cast.agency_b.pk
    assert document.arrival_number == 1
