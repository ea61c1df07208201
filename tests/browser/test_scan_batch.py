"""In a real browser: a clerk splits a scanned pile into documents and arranges its pages.

Issue 7 item 4: the pages are uploaded as one batch, the worker renders and splits them at the
blank page and at the separator sheet, the clerk drags a page into another document, rotates
one, then creates the intake items.
"""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader, PdfWriter

from tests.browser.helpers import run_worker
from vanthu.intake.batches import separator_sheet_pdf
from vanthu.intake.models import IntakeItem, ScanPage
from vanthu.intake.tests.pages import text_pdf
from vanthu.organizations.tests.factories import DEFAULT_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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


def pile_pdf() -> bytes:
    """Five pages: letter A (2 pages), a blank page, letter B, the separator sheet, letter C."""
    writer = PdfWriter()
    for data in (
        text_pdf([["SỞ TÀI CHÍNH", "Số: 1/STC-VP"], ["Trang 2 của văn bản A"], []]),
        text_pdf([["SỞ XÂY DỰNG", "Số: 2/SXD-VP"]]),
        separator_sheet_pdf(),
        text_pdf([["SỞ Y TẾ", "Số: 3/SYT-VP"]]),
    ):
        writer.append(PdfReader(io.BytesIO(data)))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_clerk_splits_a_pile_drags_a_page_and_creates_the_items(page: Page, live_server, cast):
    page.goto(live_server.url + "/nhap-van-ban/lo-quet/")
    page.get_by_label("Tên đăng nhập").fill("vanthu.a")
    page.get_by_label("Mật khẩu").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Nhập lô quét nhiều văn bản")).to_be_visible()
    page.get_by_label("Các trang quét").set_input_files(
        [{"name": "lo.pdf", "mimeType": "application/pdf", "buffer": pile_pdf()}]
    )
    page.get_by_role("button", name="Tải lên và phân tích trang").click()
    expect(page.locator("progress")).to_be_visible()
    run_worker()
    # The poll brings the arrangement once the worker is done
    expect(page.get_by_role("heading", name="Văn bản 3 (1 trang)")).to_be_visible(timeout=10000)
    expect(page.get_by_role("heading", name="Văn bản 1 (2 trang)")).to_be_visible()
    expect(page.get_by_text("Trang tách (mã vạch)")).to_be_visible()
    thumbnails = page.locator(".scan-page img")
    expect(thumbnails.first).to_have_js_property("complete", True)
    assert page.evaluate("document.querySelector('.scan-page img').naturalWidth") > 0
    # Drag page 2 (of letter A) onto page 4 (letter B): it moves before it
    pages = {p.number: p.pk for p in ScanPage.objects.all()}
    page.set_viewport_size({"width": 1280, "height": 2400})  # both pages on screen
    source = page.locator(f"#trang-{pages[2]} figcaption").bounding_box()
    target = page.locator(f"#trang-{pages[4]} img").bounding_box()
    assert source is not None
    assert target is not None
    page.mouse.move(source["x"] + 5, source["y"] + 5)
    page.mouse.down()
    page.mouse.move(source["x"] + 15, source["y"] + 15, steps=3)
    page.mouse.move(target["x"] + 20, target["y"] + 20, steps=10)
    page.mouse.up()
    expect(page.get_by_role("heading", name="Văn bản 2 (2 trang)")).to_be_visible()
    # Rotate page 4
    page.get_by_role("button", name="Xoay 90° trang 4").click()
    expect(page.get_by_text("Trang 4 — xoay 90°")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"Tạo 3 văn bản")).click()
    expect(page.get_by_role("heading", name="Các văn bản đã tạo")).to_be_visible()
    items = list(IntakeItem.objects.order_by("id"))
    assert [item.pages_total for item in items] == [1, 2, 1]
    assert [p.rotation for p in PdfReader(items[1].file.open("rb")).pages] == [0, 90]
