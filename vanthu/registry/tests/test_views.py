"""The register pages (/van-ban/): who sees and does what, forms, files, duplicates, issuing."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from reportlab.pdfgen import canvas

from vanthu.core.models import JournalEntry
from vanthu.registry import incoming, outgoing
from vanthu.registry.choices import IntakeChannel, OutgoingStatus, Purpose, Urgency
from vanthu.registry.models import (
    DocumentFile,
    DocumentType,
    IncomingDocument,
    OutgoingDocument,
    OutgoingRecipient,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def _pdf(text: str = "Công văn") -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


def _png(color: str = "white") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), color).save(buffer, format="PNG")
    return buffer.getvalue()


def _text(response) -> str:
    return response.content.decode()


def _state() -> dict[str, list[dict[str, Any]]]:
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (
            IncomingDocument,
            OutgoingDocument,
            OutgoingRecipient,
            DocumentFile,
            JournalEntry,
        )
    }


def _type(code: str) -> DocumentType:
    return DocumentType.objects.get(code=code)


def _incoming(cast, **overrides: Any) -> IncomingDocument:
    """Register an incoming PDF through the service, as the clerk."""
    values: dict[str, Any] = {
        "sender_agency_id": None,
        "sender_name": "Sở Tài chính",
        "number": "125",
        "notation": "STC-NS",
        "document_date": timezone.localdate() - timedelta(days=2),
        "document_type_id": _type("cong-van").pk,
        "field_id": None,
        "summary": "V/v hướng dẫn lập dự toán ngân sách năm 2027",
        "signer_name": "Nguyễn Văn Tài",
        "signer_position": "Giám đốc",
        "urgency": Urgency.NORMAL,
        "filing_location": "",
        "due_date": None,
        "page_count": 1,
        "notes": "",
    }
    values.update(overrides)
    return incoming.incoming_document_register(
        actor=cast.actor(cast.clerk),
        data=incoming.IncomingData(**values),
        files=[("cong-van.pdf", _pdf(values["summary"]))],
        channel=IntakeChannel.ELECTRONIC,
    )


def _form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "sender_name": "Ủy ban nhân dân huyện Cam Lâm",
        "number": "48",
        "notation": "UBND-VP",
        "document_date": (timezone.localdate() - timedelta(days=1)).strftime("%d/%m/%Y"),
        "document_type": str(_type("cong-van").pk),
        "summary": "V/v báo cáo tình hình ứng dụng công nghệ thông tin",
        "urgency": Urgency.URGENT,
        "uploads": SimpleUploadedFile("bao-cao.pdf", _pdf(), content_type="application/pdf"),
    }
    data.update(overrides)
    return data


def _outgoing(cast) -> OutgoingDocument:
    """Enter a Công văn to Sở Tài chính, as the clerk, not yet issued."""
    return outgoing.outgoing_document_create(
        actor=cast.actor(cast.clerk),
        data=outgoing.OutgoingData(
            document_type_id=_type("cong-van").pk,
            drafting_unit_id=cast.office_a.pk,
            purpose=Purpose.COORDINATION,
            summary="V/v phối hợp triển khai nền tảng số",
            signer_name=cast.leader.full_name,
            signer_position="Giám đốc",
        ),
        recipients=[
            outgoing.RecipientData(agency_id=cast.agency_b.pk, place=cast.agency_b.name),
            outgoing.RecipientData(place="Lưu: VT, VP", is_filing_copy=True),
        ],
    )


# --- Pages and who sees which buttons --------------------------------------------------------


def test_every_page_renders_for_the_clerk(client, cast):
    # given a registered incoming and an entered outgoing document
    document = _incoming(cast)
    draft = _outgoing(cast)
    client.force_login(cast.clerk)
    pages = [
        reverse("registry:incoming_list"),
        reverse("registry:incoming_register"),
        reverse("registry:incoming_register") + "?kenh=ban-quet",
        reverse("registry:incoming_paper_copy_search") + "?q=125",
        reverse("registry:incoming_detail", args=[document.pk]),
        reverse("registry:outgoing_list"),
        reverse("registry:outgoing_create"),
        reverse("registry:outgoing_detail", args=[draft.pk]),
        reverse("registry:outgoing_paper_dispatch_list"),
    ]
    # when the clerk opens each page, then it renders in Vietnamese
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="vi"' in _text(response)
    # and the register buttons are there
    assert "Vào sổ văn bản đến" in _text(client.get(reverse("registry:incoming_list")))
    assert "Phát hành" in _text(client.get(reverse("registry:outgoing_detail", args=[draft.pk])))


@pytest.mark.parametrize("persona", ["leader", "specialist"])
def test_leaders_and_specialists_read_without_register_buttons(client, cast, persona):
    # given a document in each register
    document = _incoming(cast)
    draft = _outgoing(cast)
    client.force_login(getattr(cast, persona))
    # when they open the lists and details
    listing = _text(client.get(reverse("registry:incoming_list")))
    detail = _text(client.get(reverse("registry:incoming_detail", args=[document.pk])))
    out_detail = _text(client.get(reverse("registry:outgoing_detail", args=[draft.pk])))
    # then they read the documents but see no register, paper or issue buttons
    assert document.summary in listing
    assert "Vào sổ văn bản đến" not in listing
    assert "Ghi nhận đã nhận bản giấy" not in detail
    assert "V/v phối hợp triển khai nền tảng số" in out_detail
    assert "Phát hành</button>" not in out_detail
    # and the forms themselves are refused
    assert client.get(reverse("registry:incoming_register")).status_code == 403
    assert client.get(reverse("registry:outgoing_create")).status_code == 403


@pytest.mark.parametrize("persona", ["leader", "specialist"])
def test_posts_of_readers_are_refused_and_change_nothing(client, cast, persona):
    # given a document in each register
    document = _incoming(cast)
    draft = _outgoing(cast)
    before = _state()
    client.force_login(getattr(cast, persona))
    # when a reader posts every register action
    responses = [
        client.post(reverse("registry:incoming_register"), _form()),
        client.post(reverse("registry:incoming_paper_copy_record", args=[document.pk])),
        client.post(reverse("registry:outgoing_issue", args=[draft.pk])),
        client.post(reverse("registry:outgoing_mark_sent", args=[draft.pk])),
        client.post(reverse("registry:outgoing_create"), {"summary": "x"}),
    ]
    # then each is forbidden and nothing changed
    assert [r.status_code for r in responses] == [403] * 5
    assert _state() == before


def test_outsider_gets_not_found_on_detail_and_file(client, cast):
    # given a document of agency A with its PDF
    document = _incoming(cast)
    stored = document.files.get()
    draft = _outgoing(cast)
    client.force_login(cast.outsider)
    # when the clerk of agency B asks for it, then it does not exist for them
    assert client.get(reverse("registry:incoming_detail", args=[document.pk])).status_code == 404
    assert client.get(reverse("registry:document_file", args=[stored.pk])).status_code == 404
    assert client.get(reverse("registry:outgoing_detail", args=[draft.pk])).status_code == 404
    # and their own list does not show it
    assert document.summary not in _text(client.get(reverse("registry:incoming_list")))
    # and posting to it changes nothing
    before = _state()
    response = client.post(reverse("registry:incoming_paper_copy_record", args=[document.pk]))
    assert response.status_code == 404
    assert _state() == before


# --- Registering incoming documents ---------------------------------------------------------


def test_clerk_registers_an_electronic_pdf_and_sees_its_arrival_number(client, cast):
    # given the clerk on the registration form
    client.force_login(cast.clerk)
    pdf = _pdf("Báo cáo")
    # when they post an electronic PDF
    response = client.post(
        reverse("registry:incoming_register") + "?kenh=dien-tu",
        _form(uploads=SimpleUploadedFile("bao-cao.pdf", pdf, content_type="application/pdf")),
        follow=True,
    )
    # then the detail page greets it with its arrival number
    document = IncomingDocument.objects.get()
    assert response.redirect_chain[-1][0] == reverse("registry:incoming_detail", args=[document.pk])
    page = _text(response)
    assert f"Đã vào sổ văn bản đến số {document.arrival_number}/{document.year}" in page
    assert "Thời điểm nhận" in page
    assert "Vào hệ thống lúc" in page
    assert '<strong class="journal__action">Vào sổ văn bản đến</strong>' in page
    # and the stored original is served inline, byte for byte, never sniffed
    stored = document.files.get()
    served = client.get(reverse("registry:document_file", args=[stored.pk]))
    assert served.status_code == 200
    assert served["Content-Type"] == "application/pdf"
    assert served["Content-Disposition"].startswith("inline")
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == pdf
    assert f'src="{reverse("registry:document_file", args=[stored.pk])}"' in page
    # and the download link asks for an attachment
    download = client.get(reverse("registry:document_file", args=[stored.pk]) + "?tai=1")
    assert download["Content-Disposition"].startswith("attachment")


def test_clerk_registers_a_paper_scan_of_two_pages_in_the_typed_order(client, cast):
    # given two scanned pages, the second chosen first
    client.force_login(cast.clerk)
    pages = [
        SimpleUploadedFile("trang-2.png", _png("black"), content_type="image/png"),
        SimpleUploadedFile("trang-1.png", _png("white"), content_type="image/png"),
    ]
    # when the clerk numbers them 2 and 1 and registers the scan
    response = client.post(
        reverse("registry:incoming_register") + "?kenh=ban-quet",
        _form(uploads=pages, thu_tu=["2", "1"]),
    )
    # then one PDF of two pages is stored as the scan
    document = IncomingDocument.objects.get()
    assert response.status_code == 302
    assert document.channel == IntakeChannel.PAPER_SCAN
    scan = document.files.get()
    assert scan.content_type == "application/pdf"
    assert scan.page_count == 2


def test_a_non_pdf_named_pdf_is_refused_with_a_vietnamese_error(client, cast):
    # given a PNG renamed .pdf
    client.force_login(cast.clerk)
    before = _state()
    fake = SimpleUploadedFile("van-ban.pdf", _png(), content_type="application/pdf")
    # when the clerk tries to register it
    response = client.post(reverse("registry:incoming_register"), _form(uploads=fake))
    # then the form comes back with the error and nothing is stored
    assert response.status_code == 200
    page = _text(response)
    assert "errorlist" in page or "form-errors" in page
    assert "PDF" in page
    assert _state() == before


def test_form_errors_are_in_vietnamese_and_nothing_is_stored(client, cast):
    # given a form without summary, with a date in a foreign format and no file
    client.force_login(cast.clerk)
    before = _state()
    data = _form(summary="", document_date="2026-13-45", sender_name="")
    del data["uploads"]
    # when it is posted
    response = client.post(reverse("registry:incoming_register"), data)
    # then each field says what is wrong, in Vietnamese
    page = _text(response)
    assert response.status_code == 200
    assert "Nhập ngày theo dạng ngày/tháng/năm" in page
    assert "Chọn ít nhất một tệp." in page
    assert "Chọn cơ quan gửi trong danh mục hoặc ghi tên nơi gửi." in page
    assert "This field is required" not in page
    assert _state() == before


def test_a_document_date_in_the_future_is_refused(client, cast):
    # given a document dated tomorrow
    client.force_login(cast.clerk)
    tomorrow = (timezone.localdate() + timedelta(days=1)).strftime("%d/%m/%Y")
    # when it is posted, then the service's error is shown and nothing is stored
    response = client.post(reverse("registry:incoming_register"), _form(document_date=tomorrow))
    assert response.status_code == 200
    assert 'id="id_document_date_error"' in _text(response)
    assert not IncomingDocument.objects.exists()


def test_duplicate_is_warned_with_a_link_and_registered_once_confirmed(client, cast):
    # given a document already registered from Sở Tài chính, 125/STC-NS
    first = _incoming(cast)
    client.force_login(cast.clerk)
    data = _form(
        sender_name="SỞ TÀI CHÍNH",
        number="125",
        notation="STC-NS",
        document_date=first.document_date.strftime("%d/%m/%Y"),
    )
    # when the clerk registers the same one again
    response = client.post(reverse("registry:incoming_register"), data)
    # then the form warns and links to the existing document, and nothing is stored
    page = _text(response)
    assert response.status_code == 200
    assert "Có thể trùng văn bản đã vào sổ" in page
    assert reverse("registry:incoming_detail", args=[first.pk]) in page
    assert IncomingDocument.objects.count() == 1
    # when they confirm and post again
    confirmed = _form(**{**data, "confirm_duplicate": "on"})
    confirmed["uploads"] = SimpleUploadedFile(
        "lan-2.pdf", _pdf("khác"), content_type="application/pdf"
    )
    response = client.post(reverse("registry:incoming_register"), confirmed)
    # then it is registered with the next arrival number
    assert response.status_code == 302
    assert IncomingDocument.objects.count() == 2
    assert IncomingDocument.objects.latest("pk").arrival_number == first.arrival_number + 1


def test_sender_search_lists_directory_agencies_as_choices(client, cast):
    # given the clerk typing part of a sender's name
    client.force_login(cast.clerk)
    # when the htmx search runs
    response = client.get(
        reverse("registry:incoming_sender_search"), {"sender_name": "Tài chính"}, **HTMX
    )
    # then Sở Tài chính can be chosen by its id
    page = _text(response)
    assert f'name="sender_agency" value="{cast.agency_b.pk}"' in page
    assert "000.00.13.H34" in page


def test_clerk_records_the_paper_copy_once_without_a_second_record(client, cast):
    # given an electronic document found by its number
    document = _incoming(cast)
    client.force_login(cast.clerk)
    found = _text(client.get(reverse("registry:incoming_paper_copy_search"), {"q": "STC-NS"}))
    assert reverse("registry:incoming_paper_copy_record", args=[document.pk]) in found
    # when the clerk records the paper copy
    response = client.post(
        reverse("registry:incoming_paper_copy_record", args=[document.pk]), follow=True
    )
    # then the record says so and no second record exists
    document.refresh_from_db()
    assert document.paper_received_at is not None
    assert "Đã nhận bản giấy" in _text(response)
    assert IncomingDocument.objects.count() == 1
    # and a second time is refused with a message, nothing changed
    before = _state()
    again = client.post(
        reverse("registry:incoming_paper_copy_record", args=[document.pk]), follow=True
    )
    assert "message--error" in _text(again)
    assert _state() == before


# --- The incoming list ----------------------------------------------------------------------


def test_list_filters_overdue_and_marks_urgency(client, cast):
    # given an overdue urgent document and a plain one
    late = _incoming(
        cast,
        number="7",
        summary="V/v báo cáo quá hạn",
        urgency=Urgency.FLASH,
        document_date=timezone.localdate() - timedelta(days=20),
        due_date=timezone.localdate() - timedelta(days=3),
    )
    _incoming(cast, number="8", summary="V/v thông báo lịch họp")
    client.force_login(cast.clerk)
    # when the list is filtered to overdue documents
    page = _text(client.get(reverse("registry:incoming_list"), {"qua_han": "on"}))
    # then only the late one is listed, highlighted, with its urgency badge
    assert late.summary in page
    assert "V/v thông báo lịch họp" not in page
    assert "is-overdue" in page
    assert "Hỏa tốc" in page


def test_list_pages_with_a_cursor(client, cast, settings):
    # given more documents than one page holds
    from vanthu.registry.views import incoming as incoming_views

    settings.DEBUG = False
    for number in range(1, 5):
        _incoming(cast, number=str(number), summary=f"V/v văn bản thứ {number}")
    client.force_login(cast.clerk)
    original = incoming_views.PAGE_SIZE
    incoming_views.PAGE_SIZE = 3
    try:
        # when the first page is shown, sorted by arrival number
        first = client.get(reverse("registry:incoming_list"), {"sap_xep": "arrival_number"})
        cursor = first.context["page"].next_cursor
        # then it links to the next page by a cursor, which holds the rest
        assert cursor
        assert "Trang sau" in _text(first)
        second = client.get(
            reverse("registry:incoming_list"),
            {"sap_xep": "arrival_number", "sau": cursor},
            **HTMX,
            HTTP_HX_TARGET="ket-qua",
        )
    finally:
        incoming_views.PAGE_SIZE = original
    numbers = [d.arrival_number for d in second.context["page"].items]
    assert numbers == [4]
    assert 'id="ket-qua"' in _text(second)
    assert "<html" not in _text(second)


# --- Outgoing documents ---------------------------------------------------------------------


def test_clerk_enters_and_issues_a_cong_van_and_sees_notation_and_vbdt(client, cast):
    # given the clerk on the outgoing form
    client.force_login(cast.clerk)
    data = {
        "document_type": str(_type("cong-van").pk),
        "drafting_unit": str(cast.office_a.pk),
        "purpose": Purpose.COORDINATION,
        "urgency": Urgency.NORMAL,
        "summary": "V/v phối hợp tổ chức hội nghị chuyển đổi số",
        "signer": str(cast.leader.pk),
        "signer_position": "Giám đốc",
        "recipient_agencies": [str(cast.agency_b.pk)],
        "recipient_places": "Ban Giám đốc Sở",
        "filing_copy": "Lưu: VT, VP",
        "copies": "1",
    }
    # when they save it and issue it
    response = client.post(reverse("registry:outgoing_create"), data)
    document = OutgoingDocument.objects.get()
    assert response.status_code == 302
    issued = client.post(reverse("registry:outgoing_issue", args=[document.pk]), follow=True)
    # then the number and notation and the VBĐT marking are shown
    document.refresh_from_db()
    page = _text(issued)
    assert document.status == OutgoingStatus.ISSUED
    assert document.number_notation == "01/STTTT-VP"
    assert "01/STTTT-VP" in page
    assert "Sở Tài chính (VBĐT)" in page
    assert '<strong class="journal__action">Phát hành văn bản đi</strong>' in page
    assert "Lưu: VT, VP (VBĐT)" not in page
    # and issuing twice is refused without a new number
    before = _state()
    again = client.post(reverse("registry:outgoing_issue", args=[document.pk]), follow=True)
    assert "message--error" in _text(again)
    assert _state() == before
    # and "Gửi văn bản" records the sent time
    client.post(reverse("registry:outgoing_mark_sent", args=[document.pk]))
    document.refresh_from_db()
    assert document.sent_at is not None


def test_outgoing_form_needs_a_recipient_and_a_type(client, cast):
    # given an empty outgoing form
    client.force_login(cast.clerk)
    before = _state()
    # when it is posted
    response = client.post(reverse("registry:outgoing_create"), {"copies": "1"})
    # then it says what is missing and stores nothing
    page = _text(response)
    assert "Ghi ít nhất một nơi nhận." in page
    assert "Trường này là bắt buộc." in page or "bắt buộc" in page
    assert _state() == before


def test_recipient_search_lists_agencies_not_yet_chosen(client, cast):
    client.force_login(cast.clerk)
    # when the clerk searches "Sở" with Sở Tài chính already chosen
    response = client.get(
        reverse("registry:outgoing_recipient_search"),
        {"tim_co_quan": "Sở", "recipient_agencies": [str(cast.agency_b.pk)]},
        **HTMX,
    )
    # then the other agencies are offered, not the chosen one
    page = _text(response)
    assert f'value="{cast.agency_a.pk}"' in page
    assert f'value="{cast.agency_b.pk}"' not in page


def test_today_is_not_overdue():
    # given a document due today, still open
    from vanthu.registry.views.incoming import is_overdue

    today = date(2026, 11, 25)
    document = IncomingDocument(due_date=today, status="registered")
    # then it is not yet overdue, and becomes so the next day
    assert is_overdue(document, today) is False
    assert is_overdue(document, today + timedelta(days=1)) is True


def test_dashboard_shows_the_clerk_the_overdue_count(client, cast):
    # given one overdue incoming document
    _incoming(
        cast,
        document_date=timezone.localdate() - timedelta(days=20),
        due_date=timezone.localdate() - timedelta(days=1),
    )
    # when the clerk opens the dashboard, then the registers card counts it
    client.force_login(cast.clerk)
    response = client.get(reverse("dashboard"))
    summary = response.context["cards"][0].summary
    assert summary.overdue == 1
    assert "Văn bản đến quá hạn xử lý" in _text(response)
    # and a leader sees no such card
    client.force_login(cast.leader)
    assert "Văn bản đến quá hạn xử lý" not in _text(client.get(reverse("dashboard")))


def test_clerk_enters_a_draft_with_its_signer_text_and_attachment_then_revokes_it(client, cast):
    # given the clerk on the outgoing form with the draft text and an annex
    client.force_login(cast.clerk)
    data = {
        "document_type": str(_type("cong-van").pk),
        "drafting_unit": str(cast.office_a.pk),
        "purpose": Purpose.COORDINATION,
        "urgency": Urgency.NORMAL,
        "summary": "V/v góp ý dự thảo quy chế",
        "signer": str(cast.leader.pk),
        "recipient_agencies": [str(cast.agency_b.pk)],
        "copies": "1",
        "original_required": "on",
        "text_files": SimpleUploadedFile("du-thao.pdf", _pdf(), content_type="application/pdf"),
        "attachment_files": SimpleUploadedFile("phu-luc.png", _png(), content_type="image/png"),
    }
    # when they save it
    response = client.post(reverse("registry:outgoing_create"), data)
    document = OutgoingDocument.objects.get()
    # then the signer is the leader from the directory and both files are stored by role
    assert response.status_code == 302
    assert (document.signer, document.signer_name) == (cast.leader, "Phạm Minh Giám")
    assert document.original_required is True
    assert sorted(document.files.values_list("role", flat=True)) == ["attachment", "original"]
    # when they add another file to the draft
    more = SimpleUploadedFile("bang-bieu.pdf", _pdf("Bảng"), content_type="application/pdf")
    client.post(
        reverse("registry:outgoing_files_add", args=[document.pk]),
        {"role": "attachment", "uploads": more},
    )
    assert document.files.count() == 3
    # and a file that is not what its name says is refused with a message, nothing stored
    fake = SimpleUploadedFile("gia.pdf", _png(), content_type="application/pdf")
    page = client.post(
        reverse("registry:outgoing_files_add", args=[document.pk]),
        {"role": "original", "uploads": fake},
        follow=True,
    )
    assert "message--error" in _text(page)
    assert document.files.count() == 3
    # when it is issued then revoked with a reason
    client.post(reverse("registry:outgoing_issue", args=[document.pk]))
    page = client.post(
        reverse("registry:outgoing_revoke", args=[document.pk]),
        {"reason": "Gửi nhầm nơi nhận"},
        follow=True,
    )
    document.refresh_from_db()
    assert document.status == OutgoingStatus.REVOKED
    assert "Gửi nhầm nơi nhận" in _text(page)
    assert "Đã thu hồi" in _text(page)


@pytest.mark.parametrize("persona", ["leader", "specialist", "outsider"])
def test_only_the_clerk_adds_files_or_revokes(client, cast, persona):
    draft = _outgoing(cast)
    client.force_login(getattr(cast, persona))
    upload = SimpleUploadedFile("a.pdf", _pdf(), content_type="application/pdf")
    add = client.post(
        reverse("registry:outgoing_files_add", args=[draft.pk]),
        {"role": "original", "uploads": upload},
    )
    revoke = client.post(reverse("registry:outgoing_revoke", args=[draft.pk]), {"reason": "x"})
    expected = 404 if persona == "outsider" else 403
    assert (add.status_code, revoke.status_code) == (expected, expected)
    assert not draft.files.exists()


# --- Paper copies overdue, the journal on the detail pages ---------------------------------


def _registers_card(response) -> Any:
    """Return the registers card of the dashboard (other apps add cards of their own)."""
    cards = response.context["cards"]
    return next(c for c in cards if c.template == "registry/_dashboard_clerk.html")


def test_an_overdue_paper_copy_is_alerted_on_its_page_list_and_dashboard(client, cast):
    monday_8 = datetime(2026, 11, 23, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    # given a submission to UBND tỉnh (Điều 5.2) sent Monday at 08:00: paper copy due 14:30
    with time_machine.travel(monday_8, tick=False):
        submission = outgoing.outgoing_document_create(
            actor=cast.actor(cast.clerk),
            data=outgoing.OutgoingData(
                document_type_id=_type("to-trinh").pk,
                purpose=Purpose.TO_PROVINCIAL_LEADERSHIP,
                summary="Tờ trình về kế hoạch chuyển đổi số năm 2027",
            ),
            recipients=[outgoing.RecipientData(place="Ủy ban nhân dân tỉnh Khánh Hòa")],
        )
        outgoing.outgoing_document_issue(actor=cast.actor(cast.clerk), document_id=submission.pk)
        outgoing.outgoing_document_mark_sent(
            actor=cast.actor(cast.clerk), document_id=submission.pk, sent_at=monday_8
        )
        other = _outgoing(cast)
    client.force_login(cast.clerk)
    paper_page = reverse("registry:outgoing_paper_dispatch_list")
    # when the clerk looks at 14:00, before the due time
    with time_machine.travel(monday_8 + timedelta(hours=6), tick=False):
        page = _text(client.get(paper_page))
        dashboard = client.get(reverse("dashboard"))
    # then the task is listed, not yet overdue, and the dashboard counts nothing
    assert submission.summary in page
    assert "đã quá hạn gửi bản giấy" not in page
    assert _registers_card(dashboard).summary.paper_overdue == 0
    # when the clerk looks again at 15:00
    with time_machine.travel(monday_8 + timedelta(hours=7), tick=False):
        page = _text(client.get(paper_page))
        dashboard = client.get(reverse("dashboard"))
        filtered = _text(client.get(reverse("registry:outgoing_list"), {"ban_giay_qua_han": "on"}))
        detail = _text(client.get(reverse("registry:outgoing_detail", args=[submission.pk])))
    # then the page alerts and marks the row, the dashboard counts it as a warning,
    # the list's filter shows it alone, and its detail page says it is overdue
    assert 'role="alert">Có 1 văn bản đã quá hạn gửi bản giấy.' in page
    assert "is-overdue" in page
    assert "14:30 23/11/2026 · Quá hạn" in page
    assert _registers_card(dashboard).summary.paper_overdue == 1
    card = _text(dashboard)
    assert "Bản giấy quá hạn gửi" in card
    assert 'class="stat stat--warn"><dt><a href="/van-ban/di/gui-ban-giay/">' in card
    assert submission.summary in filtered
    assert other.summary not in filtered
    assert "Quá hạn (hạn 14:30 23/11/2026)" in detail
    # when the clerk ticks it off, the alert and the count go away
    with time_machine.travel(monday_8 + timedelta(hours=8), tick=False):
        task = submission.paper_dispatch
        client.post(reverse("registry:outgoing_paper_dispatch_complete", args=[task.pk]))
        assert "đã quá hạn gửi bản giấy" not in _text(client.get(paper_page))
        assert _registers_card(client.get(reverse("dashboard"))).summary.paper_overdue == 0


@pytest.mark.parametrize("persona", ["clerk", "specialist"])
def test_the_detail_pages_show_the_journal_history(client, cast, persona):
    # given an incoming document whose paper copy arrived, and an issued outgoing document
    document = _incoming(cast)
    incoming.incoming_paper_copy_record(actor=cast.actor(cast.clerk), document_id=document.pk)
    issued = outgoing.outgoing_document_issue(
        actor=cast.actor(cast.clerk), document_id=_outgoing(cast).pk
    )
    client.force_login(getattr(cast, persona))
    # when someone of the agency opens their pages
    incoming_page = _text(client.get(reverse("registry:incoming_detail", args=[document.pk])))
    outgoing_page = _text(client.get(reverse("registry:outgoing_detail", args=[issued.pk])))
    # then each shows its history from the journal, newest first, with who did it
    assert 'id="lich-su"' in incoming_page
    assert "Lịch sử thay đổi" in incoming_page
    paper = incoming_page.index("Ghi nhận đã nhận bản giấy")
    registered = incoming_page.index("Vào sổ văn bản đến</strong>")
    assert paper < registered
    assert "bởi Trần Thị Văn Thư" in incoming_page
    assert "Lịch sử thay đổi" in outgoing_page
    assert outgoing_page.index("Phát hành văn bản đi") < outgoing_page.index("Thêm văn bản đi")
    assert "01/STTTT-VP" in outgoing_page
    # and an outsider sees neither page nor history
    client.force_login(cast.outsider)
    response = client.get(reverse("registry:incoming_detail", args=[document.pk]))
    assert response.status_code == 404
    assert "Lịch sử thay đổi" not in _text(response)


def test_the_outgoing_list_sorts_as_chosen(client, cast):
    # given three issued documents
    documents = [
        outgoing.outgoing_document_issue(
            actor=cast.actor(cast.clerk), document_id=_outgoing(cast).pk
        )
        for _ in range(3)
    ]
    client.force_login(cast.clerk)
    # when the list is sorted by number, up then down
    up = client.get(reverse("registry:outgoing_list"), {"sap_xep": "number"})
    down = client.get(reverse("registry:outgoing_list"), {"sap_xep": "-number"})
    # then the rows follow, and the choice is offered on the page
    assert [d.number for d in up.context["page"].items] == [1, 2, 3]
    assert [d.number for d in down.context["page"].items] == [3, 2, 1]
    assert 'value="number" selected' in _text(up)
    assert {d.pk for d in documents} == {d.pk for d in up.context["page"].items}
