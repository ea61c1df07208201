"""Printable register books (NĐ 30/2020 Phụ lục IV): PDF and XLSX contents, periods, access."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date, datetime
from itertools import count

import pytest
import time_machine
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from conftest import require_component
from vanthu.core.errors import NotFound, PermissionDenied, ValidationFailed
from vanthu.registry.choices import IncomingStatus, IntakeChannel, OutgoingStatus, RegisterKind
from vanthu.registry.models import (
    DocumentType,
    IncomingDocument,
    OutgoingDocument,
    OutgoingRecipient,
    Register,
)
from vanthu.reports import exports
from vanthu.reports.registers import LAYOUTS, Book, Heading, period_slug

pytestmark = pytest.mark.django_db

NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))
SUMMARY = "V/v triển khai chữ ký số chuyên dùng cho Ủy ban nhân dân các huyện, thị xã, thành phố"
_numbers = count(1)


def _local(*args: int) -> datetime:
    return timezone.make_aware(datetime(*args))


def _register(agency, kind: str = RegisterKind.INCOMING, name: str = "") -> Register:
    default = "Sổ văn bản đến" if kind == RegisterKind.INCOMING else "Sổ văn bản đi"
    register, _ = Register.objects.get_or_create(agency=agency, kind=kind, name=name or default)
    return register


def _incoming(register, clerk, received_at: datetime, **fields) -> IncomingDocument:
    values = {
        "agency": register.agency,
        "register": register,
        "year": received_at.year,
        "arrival_number": next(_numbers),
        "entered_at": received_at,
        "received_at": received_at,
        "channel": IntakeChannel.ELECTRONIC,
        "sender_name": "Sở Tài chính tỉnh Khánh Hòa",
        "number": "125",
        "notation": "STC-VP",
        "document_date": date(2026, 10, 28),
        "document_type": DocumentType.objects.get(code="cong-van"),
        "summary": SUMMARY,
        "registered_by": clerk,
    }
    values.update(fields)
    return IncomingDocument.objects.create(**values)


def _outgoing(register, clerk, number: int | None, **fields) -> OutgoingDocument:
    values = {
        "agency": register.agency,
        "register": register,
        "year": 2026,
        "number": number,
        "notation": "STTTT-VP",
        "document_type": DocumentType.objects.get(code="cong-van"),
        "summary": "V/v báo cáo tình hình ứng dụng công nghệ thông tin quý IV",
        "signer_name": "Phạm Minh Giám",
        "document_date": date(2026, 11, 5),
        "sent_at": _local(2026, 11, 6, 9, 30),
        "copies": 3,
        "status": OutgoingStatus.ISSUED if number else OutgoingStatus.DRAFT,
        "created_by": clerk,
    }
    values.update(fields)
    return OutgoingDocument.objects.create(**values)


def _pdf_text(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(content))
    return reader, " ".join(_page_text(page) for page in reader.pages)


def _page_text(page) -> str:
    # The page count is a form drawn after "Trang n/": extraction may put a space between.
    return re.sub(r"/ (\d)", r"/\1", re.sub(r"\s+", " ", page.extract_text()))


def _xlsx_rows(content: bytes) -> tuple[object, list[tuple]]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return sheet, list(sheet.iter_rows(values_only=True))


def test_incoming_pdf_prints_title_block_headers_and_every_row(cast):
    # given three documents received in November in agency A's incoming register
    register = _register(cast.agency_a)
    documents = []
    for day in (3, 12, 27):
        documents.append(
            _incoming(
                register, cast.clerk, _local(2026, 11, day, 8, 15), summary=f"{SUMMARY} đợt {day}"
            )
        )

    # when the clerk prints the incoming book of November as PDF
    content = exports.incoming_register_pdf(
        actor=cast.actor(cast.clerk),
        register_id=register.pk,
        date_from=NOVEMBER[0],
        date_to=NOVEMBER[1],
    )

    # then the title block, every column header of Phụ lục IV and each row appear, in Vietnamese
    reader, text = _pdf_text(content)
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in text
    assert "SỞ THÔNG TIN VÀ TRUYỀN THÔNG" in text
    assert "Năm: 2026" in text
    first, last = documents[0].arrival_number, documents[-1].arrival_number
    assert (
        f"Từ ngày 01/11/2026 đến ngày 30/11/2026; từ số {first} đến số {last} (3 văn bản)" in text
    )
    for column in LAYOUTS[Book.INCOMING].columns:
        assert column.title in text
    assert len(re.findall(r"đợt \d+", text)) == 3
    assert "Ủy ban nhân dân các huyện" in text
    assert "125/STC-VP" in text
    assert "03/11/2026 08:15" in text
    assert "Trang 1/1" in text
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape


def test_period_includes_and_excludes_by_received_time(cast):
    # given documents received just before, at the start, at the end and just after November
    register = _register(cast.agency_a)
    edges = {
        "trước kỳ": _local(2026, 10, 31, 23, 59),
        "đầu kỳ": _local(2026, 11, 1, 0, 0),
        "cuối kỳ": _local(2026, 11, 30, 23, 59),
        "sau kỳ": _local(2026, 12, 1, 0, 0),
    }
    for label, received in edges.items():
        # entered long before: the book follows the legal received time (QĐ 22 Điều 10)
        _incoming(
            register,
            cast.clerk,
            received,
            summary=f"Văn bản {label}",
            entered_at=_local(2026, 10, 1, 7, 0),
        )

    # when the November book is exported as XLSX and PDF
    actor = cast.actor(cast.clerk)
    xlsx = exports.incoming_register_xlsx(
        actor=actor, register_id=register.pk, date_from=NOVEMBER[0], date_to=NOVEMBER[1]
    )
    _, pdf_text = _pdf_text(
        exports.incoming_register_pdf(
            actor=actor, register_id=register.pk, date_from=NOVEMBER[0], date_to=NOVEMBER[1]
        )
    )

    # then only the two documents received inside the period are listed
    _, rows = _xlsx_rows(xlsx)
    summaries = [row[5] for row in rows[4:]]
    assert summaries == ["Công văn Văn bản đầu kỳ", "Công văn Văn bản cuối kỳ"]
    assert "đầu kỳ" in pdf_text
    assert "cuối kỳ" in pdf_text
    assert "trước kỳ" not in pdf_text
    assert "sau kỳ" not in pdf_text


def test_incoming_xlsx_holds_values_real_dates_and_a_frozen_bold_header(cast):
    # given one document received on 12/11/2026 at 14:05
    register = _register(cast.agency_a)
    document = _incoming(
        register, cast.clerk, _local(2026, 11, 12, 14, 5), notes="Bản giấy gửi sau"
    )

    # when the book is exported as XLSX
    content = exports.incoming_register_xlsx(
        actor=cast.actor(cast.clerk),
        register_id=register.pk,
        date_from=NOVEMBER[0],
        date_to=NOVEMBER[1],
    )

    # then the header row is bold and frozen, and the cells hold typed values
    sheet, rows = _xlsx_rows(content)
    header_row = 4
    assert rows[header_row - 1] == tuple(c.title for c in LAYOUTS[Book.INCOMING].columns)
    assert sheet.cell(row=header_row, column=1).font.bold
    assert sheet.freeze_panes == "A5"
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in rows[1][0]
    data = rows[header_row]
    assert data[0] == datetime(2026, 11, 12, 14, 5)
    assert sheet.cell(row=5, column=1).is_date
    assert sheet.cell(row=5, column=5).is_date
    assert data[1] == document.arrival_number
    assert data[2] == "Sở Tài chính tỉnh Khánh Hòa"
    assert data[3] == "125/STC-VP"
    assert data[4] == datetime(2026, 10, 28)
    assert data[5] == f"Công văn {SUMMARY}"
    # Đơn vị nhận, Ngày chuyển, Ký nhận stay blank for hand-filling
    assert data[6:9] == (None, None, None)
    assert data[9] == "Bản giấy gửi sau"
    assert sheet.column_dimensions["F"].width > sheet.column_dimensions["B"].width


def test_another_agencys_documents_never_appear(cast):
    # given a document in agency A and one in agency B, received the same day
    register_a = _register(cast.agency_a)
    register_b = _register(cast.agency_b)
    _incoming(register_a, cast.clerk, _local(2026, 11, 5, 9, 0), summary="Văn bản của Sở A")
    _incoming(register_b, cast.outsider, _local(2026, 11, 5, 9, 0), summary="Văn bản của Sở B")

    # when agency A's clerk prints A's book
    content = exports.incoming_register_xlsx(
        actor=cast.actor(cast.clerk),
        register_id=register_a.pk,
        date_from=NOVEMBER[0],
        date_to=NOVEMBER[1],
    )

    # then B's document is absent, and B's register cannot be printed by A's clerk at all
    _, rows = _xlsx_rows(content)
    assert [row[5] for row in rows[4:]] == ["Công văn Văn bản của Sở A"]
    with pytest.raises(NotFound):
        exports.incoming_register_pdf(
            actor=cast.actor(cast.clerk),
            register_id=register_b.pk,
            date_from=NOVEMBER[0],
            date_to=NOVEMBER[1],
        )


@pytest.mark.parametrize("persona", ["clerk", "leader", "archivist"])
def test_clerks_leaders_and_archivists_print_the_books(cast, persona):
    # given an incoming register with one document
    register = _register(cast.agency_a)
    _incoming(register, cast.clerk, _local(2026, 11, 5, 9, 0))

    # when the persona prints it
    content = exports.tracking_register_pdf(
        actor=cast.actor(getattr(cast, persona)),
        register_id=register.pk,
        date_from=NOVEMBER[0],
        date_to=NOVEMBER[1],
    )

    # then the book is produced
    assert "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN" in _pdf_text(content)[1]


def test_a_specialist_is_refused_and_an_outsider_is_told_not_found(cast):
    register = _register(cast.agency_a)
    _incoming(register, cast.clerk, _local(2026, 11, 5, 9, 0))
    args = {"register_id": register.pk, "date_from": NOVEMBER[0], "date_to": NOVEMBER[1]}

    with pytest.raises(PermissionDenied):
        exports.incoming_register_pdf(actor=cast.actor(cast.specialist), **args)
    with pytest.raises(NotFound):
        exports.incoming_register_xlsx(actor=cast.actor(cast.outsider), **args)


def test_a_period_ending_before_it_starts_is_refused(cast):
    register = _register(cast.agency_a)
    with pytest.raises(ValidationFailed) as error:
        exports.incoming_register_pdf(
            actor=cast.actor(cast.clerk),
            register_id=register.pk,
            date_from=date(2026, 11, 30),
            date_to=date(2026, 11, 1),
        )
    assert "date_to" in error.value.fields


def test_an_outgoing_register_is_not_printed_as_an_incoming_book(cast):
    register = _register(cast.agency_a, RegisterKind.OUTGOING)
    with pytest.raises(ValidationFailed) as error:
        exports.incoming_register_pdf(
            actor=cast.actor(cast.clerk),
            register_id=register.pk,
            date_from=NOVEMBER[0],
            date_to=NOVEMBER[1],
        )
    assert "register" in error.value.fields


def test_outgoing_book_lists_issued_documents_by_number_with_recipients(cast):
    # given two issued documents, a revoked one and a draft in the outgoing register
    register = _register(cast.agency_a, RegisterKind.OUTGOING)
    second = _outgoing(register, cast.clerk, 12)
    first = _outgoing(register, cast.clerk, 5, summary="V/v mời họp giao ban quý IV")
    _outgoing(register, cast.clerk, 13, status=OutgoingStatus.REVOKED, summary="V/v thu hồi")
    _outgoing(register, cast.clerk, None, summary="Bản nháp chưa cấp số")
    for position, (place, filing) in enumerate(
        [("Sở Tài chính", False), ("UBND huyện Cam Lâm", False), ("Lưu: VT, VP", True)]
    ):
        OutgoingRecipient.objects.create(
            document=first, place=place, is_filing_copy=filing, position=position
        )

    # when the outgoing book of November is exported
    actor = cast.actor(cast.clerk)
    args = {"register_id": register.pk, "date_from": NOVEMBER[0], "date_to": NOVEMBER[1]}
    _, rows = _xlsx_rows(exports.outgoing_register_xlsx(actor=actor, **args))
    _, text = _pdf_text(exports.outgoing_register_pdf(actor=actor, **args))

    # then issued and revoked documents are listed by number; the draft is not
    assert rows[3] == tuple(c.title for c in LAYOUTS[Book.OUTGOING].columns)
    data = rows[4:]
    assert [row[0] for row in data] == ["05/STTTT-VP", "12/STTTT-VP", "13/STTTT-VP"]
    assert data[0][1] == datetime(2026, 11, 5)
    assert data[0][2] == "Công văn V/v mời họp giao ban quý IV"
    assert data[0][3] == "Phạm Minh Giám"
    assert data[0][4] == "Sở Tài chính\nUBND huyện Cam Lâm"
    assert data[0][5] == "Lưu: VT, VP"
    assert data[0][6] == 3
    assert data[0][7] == datetime(2026, 11, 6)
    assert data[2][9] == "Đã thu hồi"
    assert second.number_notation in text
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in text
    assert "Bản nháp" not in text
    for column in LAYOUTS[Book.OUTGOING].columns:
        assert column.title in text


def test_tracking_book_prints_handling_columns_even_when_empty(cast):
    # given a document with a handling deadline, in progress
    register = _register(cast.agency_a)
    _incoming(
        register,
        cast.clerk,
        _local(2026, 11, 9, 10, 0),
        due_date=date(2026, 11, 20),
        status=IncomingStatus.IN_PROGRESS,
    )

    # when the tracking book is exported
    args = {"register_id": register.pk, "date_from": NOVEMBER[0], "date_to": NOVEMBER[1]}
    actor = cast.actor(cast.leader)
    _, rows = _xlsx_rows(exports.tracking_register_xlsx(actor=actor, **args))
    _, text = _pdf_text(exports.tracking_register_pdf(actor=actor, **args))

    # then the document is identified and the deadline and progress are filled
    assert rows[3] == tuple(c.title for c in LAYOUTS[Book.TRACKING].columns)
    row = rows[4]
    assert row[1] == "Công văn số 125/STC-VP ngày 28/10/2026 của Sở Tài chính tỉnh Khánh Hòa"
    assert row[2] is None
    assert row[5] is None
    assert row[3] == datetime(2026, 11, 20)
    assert row[4] == "Đang xử lý"
    for column in LAYOUTS[Book.TRACKING].columns:
        assert column.title in text


def test_a_long_period_runs_over_pages_with_headers_and_page_numbers(cast):
    # given 120 documents in one month
    register = _register(cast.agency_a)
    for index in range(120):
        _incoming(
            register,
            cast.clerk,
            _local(2026, 11, 1 + index % 28, 8, 0),
            summary=f"Hồ sơ thứ {index:03d} về cải cách hành chính",
        )

    # when the month is printed
    content = exports.incoming_register_pdf(
        actor=cast.actor(cast.clerk),
        register_id=register.pk,
        date_from=NOVEMBER[0],
        date_to=NOVEMBER[1],
    )

    # then every row is printed once, and every page repeats the headers and is numbered
    reader, text = _pdf_text(content)
    pages = len(reader.pages)
    assert pages > 2
    assert len(set(re.findall(r"Hồ sơ thứ (\d{3})", text))) == 120
    for number, page in enumerate(reader.pages, start=1):
        page_text = _page_text(page)
        assert "Tên loại và trích yếu nội dung" in page_text
        assert f"Trang {number}/{pages}" in page_text


def test_an_empty_period_prints_an_empty_book(cast):
    register = _register(cast.agency_a)
    content = exports.incoming_register_pdf(
        actor=cast.actor(cast.clerk),
        register_id=register.pk,
        date_from=NOVEMBER[0],
        date_to=NOVEMBER[1],
    )
    assert "Không có văn bản nào trong khoảng thời gian này." in _pdf_text(content)[1]


def test_a_pdf_page_renders_as_an_image(cast, tmp_path):
    # given a printed book (pdftoppm from poppler-utils renders it, as a reader would)
    require_component(shutil.which("pdftoppm") is not None, "pdftoppm (poppler-utils) is missing")
    register = _register(cast.agency_a)
    for day in range(1, 16):
        _incoming(register, cast.clerk, _local(2026, 11, day, 8, 30))
    pdf = tmp_path / "so.pdf"
    pdf.write_bytes(
        exports.incoming_register_pdf(
            actor=cast.actor(cast.clerk),
            register_id=register.pk,
            date_from=NOVEMBER[0],
            date_to=NOVEMBER[1],
        )
    )

    # when its first page is rendered
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "trang")],
        check=True,
        capture_output=True,
    )

    # then a landscape A4 image comes out (fonts embedded, no error)
    image = next(tmp_path.glob("trang*.png"))
    header = image.read_bytes()[16:24]
    width, height = int.from_bytes(header[:4], "big"), int.from_bytes(header[4:], "big")
    assert width > height
    assert abs(width / height - 297 / 210) < 0.01


@pytest.mark.parametrize(
    ("date_from", "date_to", "slug"),
    [
        (date(2026, 11, 1), date(2026, 11, 30), "2026-11"),
        (date(2028, 2, 1), date(2028, 2, 29), "2028-02"),
        (date(2026, 1, 1), date(2026, 12, 31), "2026"),
        (date(2026, 11, 1), date(2026, 11, 15), "2026-11-01-den-2026-11-15"),
    ],
)
def test_filenames_name_the_period(date_from, date_to, slug):
    assert period_slug(date_from, date_to) == slug


def test_a_period_across_new_year_prints_no_number_range():
    # NĐ 30 Điều 15: numbers restart on 1 January, so "from 250 to 3" would mislead
    heading = Heading(
        "",
        "Sở Thông tin và Truyền thông",
        "Sổ văn bản đến",
        date(2026, 12, 15),
        date(2027, 1, 15),
        3,
        250,
        40,
    )
    assert heading.period == "Từ ngày 15/12/2026 đến ngày 15/01/2027 (40 văn bản)"
    assert heading.years == "2026-2027"


def test_books_name_the_lead_the_date_passed_on_and_the_reply(cast):
    # given a document the leader gave to Phòng BCVT to lead, answered by an issued reply
    from vanthu.registry.tests.factories import OutgoingDocumentFactory
    from vanthu.workflow import handling as h
    from vanthu.workflow.choices import AssignmentRole

    register = _register(cast.agency_a)
    document = _incoming(register, cast.clerk, _local(2026, 11, 9, 10, 0))
    with time_machine.travel(_local(2026, 11, 10, 8, 30), tick=False):
        submission = h.submission_create(
            actor=cast.actor(cast.clerk), incoming_id=document.pk, leader_id=cast.leader.pk
        )
        (lead,) = h.direction_give(
            actor=cast.actor(cast.leader),
            submission_id=submission.pk,
            note="Phòng BCVT chủ trì.",
            assignees=[h.AssigneeData(AssignmentRole.LEAD, unit_id=cast.unit_a.pk)],
            due_date=date(2026, 11, 20),
        )
        head = cast.actor(cast.unit_head)
        h.assignment_accept(actor=head, assignment_id=lead.pk)
        reply = OutgoingDocumentFactory(agency=cast.agency_a, created_by=cast.clerk, issued=True)
        h.assignment_complete(
            actor=head, assignment_id=lead.pk, result="Đã trả lời.", reply_id=reply.pk
        )

    # when both books are exported
    args = {"register_id": register.pk, "date_from": NOVEMBER[0], "date_to": NOVEMBER[1]}
    actor = cast.actor(cast.leader)
    _, tracking = _xlsx_rows(exports.tracking_register_xlsx(actor=actor, **args))
    _, incoming = _xlsx_rows(exports.incoming_register_xlsx(actor=actor, **args))

    # then the tracking book names the lead and the reply, the incoming book the date passed on
    row = tracking[4]
    assert row[2] == "Phòng Bưu chính, Viễn thông"
    assert row[4] == "Đã xử lý xong"
    assert row[5] == reply.number_notation
    names = [c.title for c in LAYOUTS[Book.INCOMING].columns]
    line = dict(zip(names, incoming[4], strict=True))
    assert "Phòng Bưu chính, Viễn thông" in line.values()
    assert datetime(2026, 11, 10) in line.values()
