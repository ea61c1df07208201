"""In a real browser: agency A's clerk issues a Công văn to agency B, hosted on the same
instance; B's clerk finds it in the queue, checks it and receives it into the incoming register;
A sees "Đã tiếp nhận" with the arrival number. A second document is returned with a reason, and
A sees "Từ chối tiếp nhận" with that reason."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import Page, expect
from reportlab.pdfgen import canvas

from tests.browser.helpers import run_worker, sign_in
from vanthu.exchange.choices import ReceptionState, StatusCode
from vanthu.exchange.models import Delivery, Reception
from vanthu.exchange.tests.scenarios import issue
from vanthu.registry.models import IncomingDocument, OutgoingDocument

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
SUMMARY = "V/v phối hợp cung cấp số liệu dự toán chuyển đổi số năm 2027"
RETURNED = "V/v mời họp giao ban công nghệ thông tin"
REASON = "Văn bản không thuộc thẩm quyền của Sở Tài chính."


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


def _pdf(text: str) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


def _fits_the_screen(page: Page) -> bool:
    return bool(
        page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    )


def _screenshots(page: Page, name: str) -> None:
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=f"/tmp/vanthu-{name}-desktop.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=f"/tmp/vanthu-{name}-phone.png", full_page=True)
    assert _fits_the_screen(page), name
    page.set_viewport_size(DESKTOP)


def test_a_document_travels_to_another_agency_and_its_status_comes_back(
    page: Page, live_server, cast
):
    # given agency A's clerk issues and sends a Công văn to Sở Tài chính (agency B, hosted here)
    sign_in(page, live_server.url, "/van-ban/di/them/", "vanthu.a")
    page.get_by_label("Loại văn bản").select_option(label="Công văn")
    page.get_by_label("Đơn vị soạn thảo").select_option(label="Văn phòng Sở (VP)")
    page.get_by_label("Trích yếu nội dung").fill(SUMMARY)
    page.get_by_label("Người ký", exact=True).select_option(label="Phạm Minh Giám")
    page.get_by_label("Chức vụ người ký").fill("Giám đốc")
    page.get_by_label("Tìm cơ quan nhận trong danh mục").fill("Tài chính")
    page.get_by_label(re.compile("Sở Tài chính")).check()
    page.get_by_label("Tệp văn bản (dự thảo)").set_input_files(
        {"name": "cong-van.pdf", "mimeType": "application/pdf", "buffer": _pdf("Cong van")}
    )
    page.get_by_role("button", name="Lưu văn bản đi").click()
    page.get_by_role("button", name="Phát hành").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Văn bản đi số 01/STTTT-VP")
    page.get_by_role("button", name="Gửi văn bản").click()
    # the sender's view shows B at once, with "01 Đã đến"
    panel = page.locator("#lien-thong")
    expect(panel).to_contain_text("Sở Tài chính — Đã đến")
    outgoing = OutgoingDocument.objects.get()

    # when B's clerk opens the queue, the document waits there
    sign_in(page, live_server.url, "/lien-thong/den/", "vanthu.b")
    expect(page.get_by_role("heading", level=1)).to_have_text("Văn bản liên thông chờ tiếp nhận")
    row = page.locator("tr", has_text=SUMMARY)
    expect(row).to_contain_text("Sở Thông tin và Truyền thông")
    expect(row).to_contain_text("01/STTTT-VP")
    expect(row).to_contain_text("Chờ tiếp nhận")
    _screenshots(page, "exchange-queue")
    row.get_by_role("link", name=SUMMARY).click()

    # and the detail page shows the file, its signature check pending, and the prefilled form
    expect(page.get_by_role("heading", level=1)).to_have_text("Văn bản liên thông 01/STTTT-VP")
    expect(page.locator("iframe.file-viewer")).to_have_count(1)
    expect(page.get_by_text("Đang kiểm tra chữ ký số")).to_be_visible()
    form = page.locator("#tiep-nhan")
    expect(form.get_by_label("Trích yếu nội dung")).to_have_value(SUMMARY)
    expect(form.get_by_label("Ký hiệu")).to_have_value("STTTT-VP")
    expect(form.get_by_label("Loại văn bản")).to_have_value(str(outgoing.document_type_id))
    # once the background check ran, its verdict is in plain Vietnamese
    run_worker()
    page.reload()
    expect(page.locator(".file-list")).to_contain_text("Không có chữ ký số")
    _screenshots(page, "exchange-reception")

    # when B's clerk receives it with the prefilled fields
    page.get_by_role("button", name="Tiếp nhận vào sổ").click()

    # then B has an arrival number, on the new incoming document's page
    expect(page.get_by_text("Đã tiếp nhận vào sổ văn bản đến số 1/")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Văn bản đến số 1/")
    received = IncomingDocument.objects.get(agency=cast.agency_b)
    assert (received.summary, received.sender_agency_id) == (SUMMARY, cast.agency_a.pk)

    # and A's clerk sees "Đã tiếp nhận" for Sở Tài chính on the outgoing page
    sign_in(page, live_server.url, f"/van-ban/di/{outgoing.pk}/", "vanthu.a")
    panel = page.locator("#lien-thong")
    expect(panel).to_contain_text("Sở Tài chính — Đã tiếp nhận, vào sổ (Số đến 1)")
    panel.get_by_text("Lịch sử tình trạng").click()
    expect(panel.locator(".timeline__step")).to_have_count(2)
    _screenshots(page, "exchange-sender")

    # given a second document from A
    second = issue(cast, summary=RETURNED)

    # when B's clerk returns it with a reason
    sign_in(page, live_server.url, "/lien-thong/den/", "vanthu.b")
    page.get_by_role("link", name=RETURNED).click()
    page.get_by_text("Trả lại nơi gửi").click()
    page.get_by_label("Lý do trả lại").fill(REASON)
    page.get_by_role("button", name="Trả lại", exact=True).click()
    expect(page.get_by_text("Đã trả lại văn bản cho nơi gửi.")).to_be_visible()
    expect(page.locator("#tinh-trang")).to_contain_text(REASON)
    assert Reception.objects.get(delivery__outgoing=second).state == ReceptionState.RETURNED

    # then A sees "Từ chối tiếp nhận" with the reason
    sign_in(page, live_server.url, f"/van-ban/di/{second.pk}/", "vanthu.a")
    expect(page.locator("#lien-thong")).to_contain_text(
        f"Sở Tài chính — Từ chối tiếp nhận ({REASON})"
    )
    assert Delivery.objects.get(outgoing=second).status_code == StatusCode.RETURNED
