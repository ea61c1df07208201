"""The clerk's flow: upload a file, read it in the background, register it with the suggestions."""

from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from rest_framework.test import APIClient

from vanthu.core.models import JournalEntry
from vanthu.intake.models import IntakeItem, IntakeState
from vanthu.intake.services import intake_item_process
from vanthu.registry.models import DocumentFile, IncomingDocument

pytestmark = pytest.mark.django_db

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
LETTER = [
    ("UBND TỈNH KHÁNH HÒA", 60, 800),
    ("SỞ TÀI CHÍNH", 80, 786),
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 300, 800),
    ("Độc lập - Tự do - Hạnh phúc", 330, 786),
    ("Số: 2761/STC-QLNS", 70, 760),
    ("V/v thẩm định dự toán kinh phí", 60, 746),
    ("Khánh Hòa, ngày 08 tháng 7 năm 2024", 320, 760),
    ("KHẨN", 70, 720),
    ("Kính gửi: Sở Thông tin và Truyền thông.", 150, 690),
    ("Sở Tài chính có ý kiến như sau.", 80, 670),
    ("Nơi nhận:", 60, 600),
    ("- Như trên;", 60, 588),
    ("KT. GIÁM ĐỐC", 360, 600),
    ("PHÓ GIÁM ĐỐC", 360, 588),
    ("Đỗ Thị Mai", 365, 530),
]


def letter_pdf() -> bytes:
    """A born-digital PDF of a công văn, with its two columns, in a Vietnamese font."""
    pdfmetrics.registerFont(TTFont("DejaVu", str(FONT)))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setFont("DejaVu", 10)
    for text, x, y in LETTER:
        page.drawString(x, y, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def api(person: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(person)
    return client


def upload(client, data: bytes, name: str = "cong-van.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("intake:upload"), {"upload": SimpleUploadedFile(name, data, "application/pdf")}
    )


def test_clerk_uploads_a_pdf_and_registers_it_with_the_suggestions(cast, client):
    # Given the clerk of agency A and a letter from Sở Tài chính (agency B, in the directory)
    client.force_login(cast.clerk)
    data = letter_pdf()
    # When the clerk uploads it
    response = upload(client, data)
    item = IntakeItem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:item", kwargs={"item_id": item.pk})
    # Then nothing is read in the request: a task is waiting, the page polls
    assert item.state == IntakeState.PENDING
    assert DBTaskResult.objects.filter(task_path__endswith="intake_item_process_task").count() == 1
    assert JournalEntry.objects.filter(action="intake.item.create").count() == 1
    page = client.get(reverse("intake:item", kwargs={"item_id": item.pk}))
    assert 'hx-trigger="every 1s"' in page.content.decode()
    # When the worker runs the task
    assert intake_item_process(item_id=item.pk) == "ready"
    item.refresh_from_db()
    assert item.state == IntakeState.READY
    assert item.suggestion["number"]["value"] == "2761"
    assert item.suggestion["sender_agency_id"] == cast.agency_b.pk
    # Then the poll sends the browser to the prefilled form
    polled = client.get(reverse("intake:item", kwargs={"item_id": item.pk}), HTTP_HX_REQUEST="true")
    register_url = reverse("intake:register", kwargs={"item_id": item.pk})
    assert polled["HX-Redirect"] == register_url
    form = client.get(register_url).content.decode()
    assert 'value="2761"' in form
    assert 'value="STC-QLNS"' in form
    assert 'value="08/07/2024"' in form
    assert "Gợi ý từ tệp (độ tin cậy" in form
    assert "thẩm định dự toán kinh phí" in form
    assert f'name="sender_agency" value="{cast.agency_b.pk}" checked' in form
    assert 'value="urgent" selected' in form
    # When the clerk confirms (correcting the summary)
    from vanthu.registry.models import DocumentType

    response = client.post(
        register_url,
        {
            "sender_agency": cast.agency_b.pk,
            "sender_name": "Sở Tài chính",
            "number": "2761",
            "notation": "STC-QLNS",
            "document_date": "08/07/2024",
            "document_type": DocumentType.objects.get(code="cong-van").pk,
            "summary": "V/v thẩm định dự toán kinh phí hội nghị",
            "signer_name": "Đỗ Thị Mai",
            "signer_position": "Phó Giám đốc",
            "urgency": "urgent",
        },
    )
    # Then the document is registered with the original bytes, and the item is done
    document = IncomingDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:incoming_detail", args=[document.pk])
    assert document.summary == "V/v thẩm định dự toán kinh phí hội nghị"
    assert document.sender_agency_id == cast.agency_b.pk
    stored = DocumentFile.objects.get(incoming=document)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    item.refresh_from_db()
    assert item.state == IntakeState.REGISTERED
    assert item.incoming_document_id == document.pk
    # A second submission registers nothing more
    again = client.get(register_url)
    assert again.status_code == 302
    assert IncomingDocument.objects.count() == 1


def test_registration_page_has_the_intake_tab(cast, client):
    client.force_login(cast.clerk)
    page = client.get(reverse("registry:incoming_register")).content.decode()
    assert reverse("intake:upload") in page
    assert "Nhập từ tệp quét" in page


def test_a_refused_file_is_explained_and_nothing_is_stored(cast, client):
    client.force_login(cast.clerk)
    response = upload(client, b"MZ\x90\x00 not a pdf", name="virus.exe")
    assert response.status_code == 200
    assert "virus.exe" in response.content.decode()
    assert not IntakeItem.objects.exists()
    assert not JournalEntry.objects.filter(action__startswith="intake.").exists()


def test_only_the_agencys_clerks_see_its_items(cast, client):
    item_url = None
    client.force_login(cast.clerk)
    upload(client, letter_pdf())
    item = IntakeItem.objects.get()
    item_url = reverse("intake:item", kwargs={"item_id": item.pk})
    # Another agency's clerk: not found, and not listed
    client.force_login(cast.outsider)
    assert client.get(item_url).status_code == 404
    assert client.get(reverse("intake:register", kwargs={"item_id": item.pk})).status_code == 404
    assert client.get(reverse("intake:file", kwargs={"item_id": item.pk})).status_code == 404
    assert "cong-van.pdf" not in client.get(reverse("intake:upload")).content.decode()
    assert client.post(reverse("intake:discard", kwargs={"item_id": item.pk})).status_code == 404
    # A specialist of the same agency may not upload
    client.force_login(cast.specialist)
    assert upload(client, letter_pdf()).status_code == 403
    assert client.get(item_url).status_code == 403
    assert IntakeItem.objects.count() == 1
    assert api(cast.outsider).get(f"/api/v1/intake-items/{item.pk}/").status_code == 404
    assert api(cast.outsider).get("/api/v1/intake-items/").json()["results"] == []
    assert api(cast.specialist).post("/api/v1/intake-items/", {}).status_code == 403


def test_api_uploads_reads_and_registers(cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from vanthu.registry.models import DocumentType

    client = api(cast.clerk)
    data = letter_pdf()
    created = client.post(
        "/api/v1/intake-items/",
        {"upload": SimpleUploadedFile("cv.pdf", data, "application/pdf")},
        format="multipart",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "pending"
    intake_item_process(item_id=body["id"])
    detail = client.get(f"/api/v1/intake-items/{body['id']}/").json()
    assert detail["state"] == "ready"
    assert detail["progress"] == 100
    assert detail["suggestion"]["notation"]["value"] == "STC-QLNS"
    assert detail["suggestion"]["document_date"]["value"] == "2024-07-08"
    assert "Sở Tài chính có ý kiến" in detail["text"]
    registered = client.post(
        f"/api/v1/intake-items/{body['id']}/register/",
        {
            "sender_agency": detail["suggestion"]["sender_agency_id"],
            "number": "2761",
            "notation": "STC-QLNS",
            "document_date": "2024-07-08",
            "document_type": DocumentType.objects.get(code="cong-van").pk,
            "summary": detail["suggestion"]["summary"]["value"],
        },
        format="multipart",
    )
    assert registered.status_code == 201, registered.content
    assert registered.json()["files"][0]["sha256"] == hashlib.sha256(data).hexdigest()
    again = client.post(
        f"/api/v1/intake-items/{body['id']}/register/",
        {"document_date": "2024-07-08", "document_type": 1, "summary": "x"},
        format="multipart",
    )
    assert again.status_code == 409
    assert IncomingDocument.objects.count() == 1


def test_a_scanned_image_is_ocrd_with_progress(cast, client):
    # Real Tesseract (vie) on a small rendered page.
    if shutil.which("tesseract") is None:
        import os

        if os.environ.get("CI"):
            pytest.fail("tesseract is missing")
        pytest.skip("tesseract is not installed")
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1240, 700), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), 30)
    for index, line in enumerate(
        ["SỞ Y TẾ", "Số: 3345/SYT-NVY", "Khánh Hòa, ngày 27 tháng 8 năm 2024"]
    ):
        draw.text((60, 60 + 60 * index), line, fill=0, font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(150, 150))
    client.force_login(cast.clerk)
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post(
        reverse("intake:upload"), {"upload": SimpleUploadedFile("scan.png", buffer.getvalue())}
    )
    item = IntakeItem.objects.get()
    assert item.is_scan
    assert intake_item_process(item_id=item.pk) == "ready"
    item.refresh_from_db()
    assert item.method == "ocr"
    assert (item.pages_done, item.pages_total) == (1, 1)
    assert item.suggestion["number"]["value"] == "3345"
    assert item.suggestion["document_date"]["value"] == "2024-08-27"


def test_clerk_discards_an_item_and_its_file_goes(cast, client):
    client.force_login(cast.clerk)
    upload(client, letter_pdf())
    item = IntakeItem.objects.get()
    storage, path = item.file.storage, item.file.name
    assert storage.exists(path)
    with django_capture_on_commit():
        response = client.post(reverse("intake:discard", kwargs={"item_id": item.pk}))
    assert response.status_code == 302
    assert not IntakeItem.objects.exists()
    assert not storage.exists(path)
    assert JournalEntry.objects.filter(action="intake.item.discard").count() == 1


def django_capture_on_commit():
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)
