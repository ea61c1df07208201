"""In a real browser: a clerk registers a scan and a PDF, then issues an outgoing Công văn."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from reportlab.pdfgen import canvas

from vanthu.organizations.tests.factories import DEFAULT_PASSWORD
from vanthu.registry.models import IncomingDocument, OutgoingDocument

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


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


def _png(color: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 840), color).save(buffer, format="PNG")
    return buffer.getvalue()


def _pdf(text: str) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


def _sign_in(page: Page, base_url: str, path: str, username: str) -> None:
    page.goto(base_url + path)
    expect(page).to_have_url(re.compile(r"/dang-nhap/\?next="))
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def _fits_the_screen(page: Page) -> bool:
    return bool(
        page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    )


def _overflowing(page: Page) -> str:
    return str(
        page.evaluate(
            "[...document.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > "
            "document.documentElement.clientWidth).map(e => e.tagName + '.' + e.className)"
            ".slice(0, 15).join(' | ')"
        )
    )


def _fill_document(page: Page, *, sender: str, number: str, notation: str, summary: str) -> None:
    page.get_by_label("Nơi gửi").fill(sender)
    page.get_by_label("Số", exact=True).fill(number)
    page.get_by_label("Ký hiệu").fill(notation)
    page.get_by_label("Ngày văn bản").fill("20/11/2026")
    page.get_by_label("Loại văn bản").select_option(label="Công văn")
    page.get_by_label("Trích yếu nội dung").fill(summary)


def test_clerk_registers_a_scan_and_a_pdf_and_finds_both(page: Page, live_server, cast):
    # given the clerk on the registration form, paper-scan tab
    _sign_in(page, live_server.url, "/van-ban/den/vao-so/", "vanthu.a")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vào sổ văn bản đến")
    page.get_by_role("link", name="Văn bản giấy (bản quét)").click()

    # when they choose two scanned pages and register a letter from a commune
    page.get_by_label("Các trang đã quét").set_input_files(
        [
            {"name": "trang-1.png", "mimeType": "image/png", "buffer": _png("white")},
            {"name": "trang-2.png", "mimeType": "image/png", "buffer": _png("lightgray")},
        ]
    )
    expect(page.locator("#thu-tu-trang input[type=number]")).to_have_count(2)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path="/tmp/vanthu-incoming-form-desktop.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path="/tmp/vanthu-incoming-form-phone.png", full_page=True)
    assert _fits_the_screen(page), _overflowing(page)
    page.set_viewport_size(DESKTOP)
    _fill_document(
        page,
        sender="UBND xã Cam Hải Đông",
        number="15",
        notation="UBND",
        summary="V/v đề nghị hỗ trợ thiết bị họp trực tuyến",
    )
    page.get_by_role("button", name="Vào sổ").click()

    # then the detail page shows arrival number 1 and the assembled PDF
    expect(page.get_by_text("Đã vào sổ văn bản đến số 1/")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Văn bản đến số 1/")
    expect(page.locator("iframe.file-viewer")).to_have_count(1)

    # when they register an electronic PDF from Sở Tài chính, chosen from the directory
    page.goto(live_server.url + "/van-ban/den/vao-so/?kenh=dien-tu")
    page.get_by_label("Tệp văn bản điện tử").set_input_files(
        {"name": "cong-van-125.pdf", "mimeType": "application/pdf", "buffer": _pdf("125")}
    )
    _fill_document(
        page,
        sender="Tài chính",
        number="125",
        notation="STC-NS",
        summary="V/v hướng dẫn lập dự toán ngân sách năm 2027",
    )
    page.get_by_label(re.compile("Sở Tài chính")).check()
    page.get_by_role("button", name="Vào sổ").click()
    expect(page.get_by_text("Đã vào sổ văn bản đến số 2/")).to_be_visible()
    expect(page.locator("main")).to_contain_text("000.00.13.H34")

    # then the incoming list holds both, with their arrival numbers
    page.get_by_role("navigation", name="Vị trí trang").get_by_role(
        "link", name="Văn bản đến"
    ).click()
    rows = page.locator("#ket-qua tbody tr")
    expect(rows).to_have_count(2)
    scan_row = page.locator("tr", has_text="thiết bị họp trực tuyến")
    pdf_row = page.locator("tr", has_text="dự toán ngân sách")
    expect(scan_row.locator(".register-table__number")).to_have_text("1")
    expect(pdf_row.locator(".register-table__number")).to_have_text("2")
    expect(pdf_row).to_contain_text("Sở Tài chính")
    numbers = sorted(IncomingDocument.objects.values_list("arrival_number", "channel"))
    assert numbers == [(1, "paper_scan"), (2, "electronic")]
    page.screenshot(path="/tmp/vanthu-incoming-list-desktop.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path="/tmp/vanthu-incoming-list-phone.png", full_page=True)
    assert _fits_the_screen(page), _overflowing(page)


def test_clerk_issues_a_cong_van_and_sees_notation_and_vbdt(page: Page, live_server, cast):
    # given the clerk on the outgoing form
    _sign_in(page, live_server.url, "/van-ban/di/them/", "vanthu.a")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thêm văn bản đi")

    # when they enter a Công văn from the office to Sở Tài chính
    page.get_by_label("Loại văn bản").select_option(label="Công văn")
    page.get_by_label("Đơn vị soạn thảo").select_option(label="Văn phòng Sở (VP)")
    page.get_by_label("Mục đích").select_option(label="Phối hợp xử lý công việc")
    page.get_by_label("Trích yếu nội dung").fill("V/v phối hợp triển khai nền tảng số")
    page.get_by_label("Người ký", exact=True).select_option(label="Phạm Minh Giám")
    page.get_by_label("Chức vụ người ký").fill("Giám đốc")
    page.get_by_label("Tìm cơ quan nhận trong danh mục").fill("Tài chính")
    page.get_by_label(re.compile("Sở Tài chính")).check()
    page.get_by_label("Nơi nhận khác").fill("Ban Giám đốc Sở")
    page.get_by_label("Dòng lưu").fill("Lưu: VT, VP")
    page.get_by_role("button", name="Lưu văn bản đi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Văn bản đi chưa cấp số")

    # and issue it
    page.get_by_role("button", name="Phát hành").click()

    # then the number and notation are shown, and Nơi nhận carries the VBĐT marking
    expect(page.get_by_role("heading", level=1)).to_have_text("Văn bản đi số 01/STTTT-VP")
    expect(page.locator("#so-ky-hieu")).to_have_text("01/STTTT-VP")
    recipients = page.locator("#noi-nhan")
    expect(recipients).to_contain_text("Sở Tài chính (VBĐT)")
    expect(recipients).to_contain_text("Lưu: VT, VP")
    expect(recipients).not_to_contain_text("VP (VBĐT)")
    assert OutgoingDocument.objects.get().number == 1

    # when they record that it was sent, then the sent time is shown
    page.get_by_role("button", name="Gửi văn bản").click()
    expect(page.get_by_text("Đã ghi nhận thời điểm gửi văn bản.")).to_be_visible()
    assert OutgoingDocument.objects.get().sent_at is not None
