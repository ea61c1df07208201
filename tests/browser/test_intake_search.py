"""In a real browser: a clerk imports a received letter from its PDF, then finds it by a word.

Issue 7 end to end: "Nhập từ tệp quét" reads the file in the background (the worker runs
the task), the registration form comes prefilled from the suggestion, the clerk corrects one
field and registers; the file's text is extracted and indexed by the worker, and "Tìm kiếm"
finds the document by a word of its body typed without diacritics. Agency B's clerk does not.
"""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import Page, expect
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from tests.browser.helpers import run_worker, sign_in
from vanthu.organizations.tests.factories import AgencyFactory
from vanthu.registry.models import DocumentFile, IncomingDocument
from vanthu.texts.models import FileText, TextState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FONTS = {
    "DejaVuSans": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "DejaVuSans-Bold": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
}
LEFT, RIGHT = 150, 420  # centres of the two header columns (NĐ 30/2020 Phụ lục I)
# (bold, size, x, y, text); x None: centred on the page; a column centre: centred on it.
LETTER: list[tuple[bool, float, float | None, float, str]] = [
    (False, 11, LEFT, 800, "UBND TỈNH KHÁNH HÒA"),
    (True, 11, LEFT, 786, "SỞ XÂY DỰNG"),
    (True, 11, RIGHT, 800, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    (True, 11, RIGHT, 786, "Độc lập - Tự do - Hạnh phúc"),
    (False, 11, LEFT, 760, "Số: 45/SXD-QLN"),
    (False, 9, LEFT, 746, "V/v góp ý dự thảo Kế hoạch phát triển nhà ở"),
    (False, 9, LEFT, 735, "tỉnh Khánh Hòa năm 2027"),
    (False, 11, RIGHT, 760, "Khánh Hòa, ngày 25 tháng 11 năm 2026"),
    (False, 12, None, 700, "Kính gửi: Sở Thông tin và Truyền thông."),
    (False, 12, 70, 670, "Sở Xây dựng nhận được dự thảo Kế hoạch phát triển nhà ở của tỉnh."),
    (False, 12, 70, 654, "Sở Xây dựng đề nghị bổ sung nội dung cải tạo, xây dựng lại chung cư cũ"),
    (False, 12, 70, 638, "tại thành phố Nha Trang và nhà ở xã hội cho công nhân khu công nghiệp."),
    (False, 12, 70, 622, "Đề nghị Sở Thông tin và Truyền thông tổng hợp, hoàn thiện dự thảo./."),
    (True, 10, 70, 580, "Nơi nhận:"),
    (False, 9, 70, 568, "- Như trên;"),
    (False, 9, 70, 557, "- Lưu: VT, QLN."),
    (True, 11, RIGHT, 580, "KT. GIÁM ĐỐC"),
    (True, 11, RIGHT, 566, "PHÓ GIÁM ĐỐC"),
    (True, 11, RIGHT, 500, "Nguyễn Văn Hùng"),
]


def letter_pdf() -> bytes:
    """A born-digital công văn of Sở Xây dựng, laid out as NĐ 30/2020 says, in DejaVu."""
    for name, path in FONTS.items():
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, path))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    for bold, size, x, y, text in LETTER:
        page.setFont("DejaVuSans-Bold" if bold else "DejaVuSans", size)
        if x is None:
            page.drawCentredString(A4[0] / 2, y, text)
        elif x in (LEFT, RIGHT):
            page.drawCentredString(x, y, text)
        else:
            page.drawString(x, y, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


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


def test_clerk_imports_a_letter_from_its_pdf_and_finds_it_by_a_word(page: Page, live_server, cast):
    # given Sở Xây dựng in the directory, and agency A's clerk on "Nhập từ tệp quét"
    builder = AgencyFactory(
        identifier="000.00.15.H34",
        parent=cast.agency_a.parent,
        name="Sở Xây dựng",
        short_name="SXD",
    )
    sign_in(page, live_server.url, "/nhap-van-ban/", "vanthu.a")
    expect(page.get_by_role("link", name="Nhập từ tệp quét")).to_have_attribute(
        "aria-current", "page"
    )

    # when they upload the letter's PDF
    page.get_by_label("Tệp văn bản").set_input_files(
        {"name": "cong-van-45-SXD.pdf", "mimeType": "application/pdf", "buffer": letter_pdf()}
    )
    page.get_by_role("button", name="Tải lên và đọc tệp").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("cong-van-45-SXD.pdf")

    # then once the worker has read it, the page goes on by itself to the prefilled form
    run_worker()
    expect(page).to_have_url(re.compile(r"/nhap-van-ban/\d+/vao-so/$"), timeout=10_000)
    expect(page.get_by_label("Số", exact=True)).to_have_value("45")
    expect(page.get_by_label("Ký hiệu")).to_have_value("SXD-QLN")
    expect(page.get_by_role("searchbox", name="Nơi gửi")).to_have_value("Sở Xây dựng")
    expect(page.locator(f'input[name="sender_agency"][value="{builder.pk}"]')).to_be_checked()
    expect(page.get_by_label("Ngày văn bản")).to_have_value("25/11/2026")
    summary = page.get_by_label("Trích yếu nội dung")
    expect(summary).to_have_value("góp ý dự thảo Kế hoạch phát triển nhà ở tỉnh Khánh Hòa năm 2027")
    expect(page.get_by_label("Người ký", exact=True)).to_have_value("Nguyễn Văn Hùng")
    expect(page.get_by_text("Gợi ý từ tệp (độ tin cậy").first).to_be_visible()
    # every suggested field is marked for the clerk to check, text inputs too
    expect(page.get_by_label("Ký hiệu")).to_have_css("background-color", "rgb(255, 250, 240)")
    page.screenshot(path="/tmp/integ-intake-form.png", full_page=True)

    # when they correct the summary and register
    summary.fill("V/v góp ý dự thảo Kế hoạch phát triển nhà ở tỉnh Khánh Hòa năm 2027")
    page.get_by_role("button", name="Vào sổ").click()
    expect(page.get_by_text("Đã vào sổ văn bản đến số 1/")).to_be_visible()
    document = IncomingDocument.objects.get()
    assert (document.number, document.notation, document.sender_agency_id) == (
        "45",
        "SXD-QLN",
        builder.pk,
    )
    assert document.summary.startswith("V/v góp ý")

    # and the worker extracts the file's text and indexes it
    run_worker()
    stored = DocumentFile.objects.get(incoming=document)
    assert FileText.objects.get(file=stored).state == TextState.DONE

    # then "Tìm kiếm" finds it by words of its body typed without diacritics
    page.get_by_role("link", name="Tìm kiếm").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tìm kiếm văn bản")
    page.get_by_label("Từ khóa").fill("chung cu cu")
    page.get_by_role("button", name="Tìm").click()
    hits = page.locator(".search-hit")
    expect(hits).to_have_count(1)
    expect(hits.locator(".search-hit__title")).to_contain_text("góp ý dự thảo Kế hoạch")
    snippet = hits.locator(".search-hit__snippet")
    expect(snippet.locator("mark")).to_have_text(["chung", "cư", "cũ"])
    expect(snippet).to_contain_text("xây dựng lại chung cư cũ")
    page.wait_for_load_state("networkidle")
    page.screenshot(path="/tmp/integ-search-a.png", full_page=True)
    hits.locator(".search-hit__title").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Văn bản đến số 1/")

    # while agency B's clerk, searching the same words, gets no hit
    sign_in(page, live_server.url, "/tim-kiem/?q=chung+cu+cu", "vanthu.b")
    expect(page.locator("#ket-qua")).to_contain_text("Không tìm thấy văn bản nào chứa")
    expect(page.locator(".search-hit")).to_have_count(0)
    page.screenshot(path="/tmp/integ-search-b.png", full_page=True)
