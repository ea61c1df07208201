"""Scanning batches: upload, background analysis, the clerk's arrangement, items; the API."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader, PdfWriter
from rest_framework.test import APIClient

from vanthu.core.models import JournalEntry
from vanthu.intake.batches import scan_batch_analyse, separator_sheet_pdf
from vanthu.intake.models import BatchState, IntakeItem, IntakeState, ScanBatch, ScanPage
from vanthu.intake.services import intake_item_process
from vanthu.intake.tests.pages import (
    image_bytes,
    noisy_page,
    separator_image,
    text_image,
    text_pdf,
    tiff_pages,
)

pytestmark = pytest.mark.django_db

LETTER_A = ["UBND TỈNH KHÁNH HÒA", "SỞ TÀI CHÍNH", "Số: 2761/STC-QLNS", "V/v dự toán 2027"]
LETTER_B = ["SỞ XÂY DỰNG", "Số: 15/SXD-VP", "V/v cấp phép xây dựng"]
LETTER_C = ["SỞ Y TẾ", "Số: 9/SYT-KHTC", "V/v tiêm chủng mở rộng"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


@pytest.fixture(scope="module")
def mixed_pdf() -> bytes:
    """Seven pages: A (2 pages), blank, B, separator sheet, C, blank."""
    writer = PdfWriter()
    for data in (
        text_pdf([LETTER_A, ["Trang 2 của văn bản A"], [], LETTER_B]),
        separator_sheet_pdf(),
        text_pdf([LETTER_C, []]),
    ):
        writer.append(PdfReader(io.BytesIO(data)))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def post_batch(client: Any, files: list[tuple[str, bytes]]) -> Any:
    uploads = [SimpleUploadedFile(name, data) for name, data in files]
    return client.post(reverse("intake:batch_upload"), {"uploads": uploads})


def api(person: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(person)
    return client


def test_clerk_splits_a_pdf_arranges_it_and_gets_intake_items(cast, client, mixed_pdf, tmp_path):
    client.force_login(cast.clerk)
    # When the clerk uploads a PDF holding three documents
    response = post_batch(client, [("lo.pdf", mixed_pdf)])
    batch = ScanBatch.objects.get()
    batch_url = reverse("intake:batch", kwargs={"batch_id": batch.pk})
    assert response.status_code == 302
    assert response["Location"] == batch_url
    # Then nothing is rendered in the request: the analysis waits as a task, the page polls
    assert batch.state == BatchState.PENDING
    assert batch.pages_total == 7
    assert DBTaskResult.objects.filter(task_path__endswith="scan_batch_analyse_task").count() == 1
    assert 'hx-trigger="every 1s"' in client.get(batch_url).content.decode()
    assert not ScanPage.objects.exclude(thumbnail="").exists()
    # When the worker analyses it
    assert scan_batch_analyse(batch_id=batch.pk) == "ready"
    kinds = list(ScanPage.objects.order_by("number").values_list("kind", "document"))
    assert kinds == [
        ("content", 1),
        ("content", 1),
        ("blank", None),
        ("content", 2),
        ("separator", None),
        ("content", 3),
        ("blank", None),
    ]
    polled = client.get(batch_url, HTTP_HX_REQUEST="true")
    assert polled["HX-Redirect"] == batch_url
    page = client.get(batch_url).content.decode()
    assert "Văn bản 3 (1 trang)" in page
    assert "Trang tách (mã vạch)" in page
    pages = {p.number: p for p in ScanPage.objects.all()}
    thumb = client.get(
        reverse("intake:batch_thumbnail", kwargs={"batch_id": batch.pk, "page_id": pages[1].pk})
    )
    assert thumb["Content-Type"] == "image/png"
    assert b"".join(thumb.streaming_content).startswith(b"\x89PNG")

    def press(number: int, operation: str) -> None:
        url = reverse(
            "intake:batch_page",
            kwargs={"batch_id": batch.pk, "page_id": pages[number].pk, "operation": operation},
        )
        assert client.post(url).status_code == 302

    # When the clerk rotates page 4, moves page 2 down into document 2, drops page 6
    press(4, "xoay")
    press(2, "xuong")
    press(6, "bo")
    # and puts page 6 back, then splits nothing and merges nothing
    press(6, "giu-lai")
    press(6, "gop")
    # Then the documents are [1], [2, 4↻], [6] → merged [2, 4, 6]
    assert (
        client.post(reverse("intake:batch_commit", kwargs={"batch_id": batch.pk})).status_code
        == 302
    )
    items = list(IntakeItem.objects.order_by("id"))
    assert [item.pages_total for item in items] == [1, 3]
    assert all(item.is_scan and item.batch_id == batch.pk for item in items)
    assert all(item.state == IntakeState.PENDING for item in items)
    second = PdfReader(items[1].file.open("rb"))
    assert [p.rotation for p in second.pages] == [0, 90, 0]
    assert "Trang 2" in second.pages[0].extract_text()
    assert "SXD" in second.pages[1].extract_text()
    batch.refresh_from_db()
    assert batch.state == BatchState.DONE
    assert JournalEntry.objects.filter(action="intake.batch.commit").count() == 1
    assert JournalEntry.objects.filter(action="intake.batch.arrange").count() == 5
    # The original is kept byte for byte
    source = batch.sources.get()
    assert hashlib.sha256(source.file.open("rb").read()).hexdigest() == source.sha256
    assert source.sha256 == hashlib.sha256(mixed_pdf).hexdigest()
    # Each item goes on through the ordinary flow: reading, suggestion
    assert intake_item_process(item_id=items[0].pk) == "ready"
    items[0].refresh_from_db()
    assert items[0].suggestion["number"]["value"] == "2761"
    # A batch is committed once
    assert (
        client.post(reverse("intake:batch_commit", kwargs={"batch_id": batch.pk})).status_code
        == 302
    )
    assert IntakeItem.objects.count() == 2
    assert "Các văn bản đã tạo" in client.get(batch_url).content.decode()


def test_image_pages_and_a_multipage_tiff_are_split(cast, client):
    client.force_login(cast.clerk)
    files = [
        ("1.png", image_bytes(text_image(LETTER_A))),
        ("2.jpg", image_bytes(text_image(LETTER_B).convert("RGB"), "JPEG")),
        ("3.tif", tiff_pages([separator_image(), text_image(LETTER_C), noisy_page()])),
    ]
    post_batch(client, files)
    batch = ScanBatch.objects.get()
    assert batch.pages_total == 5
    assert scan_batch_analyse(batch_id=batch.pk) == "ready"
    documents = list(ScanPage.objects.order_by("number").values_list("document", flat=True))
    assert documents == [1, 1, None, 2, None]
    # Drag and drop: page 4 before page 1
    pages = {p.number: p for p in ScanPage.objects.all()}
    client.post(
        reverse("intake:batch_move", kwargs={"batch_id": batch.pk}),
        {"trang": pages[4].pk, "truoc": pages[1].pk},
    )
    client.post(reverse("intake:batch_commit", kwargs={"batch_id": batch.pk}))
    (item,) = IntakeItem.objects.all()
    assert item.pages_total == 3
    assert item.content_type == "application/pdf"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("hong.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "Tệp ảnh &#x27;hong.png&#x27; bị hỏng"),
        ("hong.pdf", b"%PDF-1.4\n garbage", "Tệp &#x27;hong.pdf&#x27; là PDF bị hỏng"),
        ("van-ban.docx", b"PK\x03\x04" + b"\x00" * 64, "lô quét chỉ nhận PDF, JPG, PNG, TIFF"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(cast, client, tmp_path, name, data, message):
    client.force_login(cast.clerk)
    good = ("1.png", image_bytes(text_image(LETTER_A)))
    response = post_batch(client, [good, (name, data)])
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ScanBatch.objects.exists()
    assert stored_files(tmp_path) == []


def test_encrypted_pdfs_and_too_many_pages_are_refused(cast, client, settings, tmp_path):
    client.force_login(cast.clerk)
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(text_pdf([LETTER_A]))))
    writer.encrypt("mat-khau")
    locked = io.BytesIO()
    writer.write(locked)
    response = post_batch(client, [("khoa.pdf", locked.getvalue())])
    assert "mật khẩu" in response.content.decode()
    settings.VANTHU_SCAN_MAX_PAGES = 2
    response = post_batch(client, [("lo.pdf", text_pdf([LETTER_A, LETTER_B, LETTER_C]))])
    assert "vượt giới hạn 2 trang" in response.content.decode()
    assert not ScanBatch.objects.exists()
    assert stored_files(tmp_path) == []


def test_a_page_that_cannot_be_rendered_fails_the_batch_clearly(cast, client, tmp_path):
    client.force_login(cast.clerk)
    post_batch(client, [("1.png", image_bytes(text_image(LETTER_A)))])
    batch = ScanBatch.objects.get()
    source = batch.sources.get()
    Path(source.file.path).write_bytes(b"\x89PNG\r\n\x1a\n broken")
    assert scan_batch_analyse(batch_id=batch.pk) == "failed"
    batch.refresh_from_db()
    assert "bị hỏng" in batch.error
    page = client.get(reverse("intake:batch", kwargs={"batch_id": batch.pk})).content.decode()
    assert "Không phân tích được lô quét" in page


def test_only_the_agencys_clerks_see_its_batches(cast, client):
    client.force_login(cast.clerk)
    post_batch(client, [("1.png", image_bytes(text_image(LETTER_A)))])
    batch = ScanBatch.objects.get()
    scan_batch_analyse(batch_id=batch.pk)
    page = batch.pages.get()
    urls = [
        reverse("intake:batch", kwargs={"batch_id": batch.pk}),
        reverse("intake:batch_thumbnail", kwargs={"batch_id": batch.pk, "page_id": page.pk}),
    ]
    posts = [
        reverse("intake:batch_commit", kwargs={"batch_id": batch.pk}),
        reverse("intake:batch_discard", kwargs={"batch_id": batch.pk}),
        reverse("intake:batch_move", kwargs={"batch_id": batch.pk}),
        reverse(
            "intake:batch_page",
            kwargs={"batch_id": batch.pk, "page_id": page.pk, "operation": "xoay"},
        ),
    ]
    client.force_login(cast.outsider)
    for url in urls:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url).status_code == 404, url
    assert f"Lô quét {batch.pk}" not in client.get(reverse("intake:batch_upload")).content.decode()
    outsider = api(cast.outsider)
    assert outsider.get(f"/api/v1/scan-batches/{batch.pk}/").status_code == 404
    assert outsider.get("/api/v1/scan-batches/").json()["results"] == []
    assert outsider.post(f"/api/v1/scan-batches/{batch.pk}/items/").status_code == 404
    assert (
        outsider.get(f"/api/v1/scan-batches/{batch.pk}/pages/{page.pk}/thumbnail/").status_code
        == 404
    )
    arrangement = {"documents": [[{"page": page.pk}]]}
    assert (
        outsider.put(
            f"/api/v1/scan-batches/{batch.pk}/arrangement/", arrangement, format="json"
        ).status_code
        == 404
    )
    client.force_login(cast.specialist)
    assert post_batch(client, [("1.png", image_bytes(text_image(LETTER_A)))]).status_code == 403
    assert api(cast.specialist).post("/api/v1/scan-batches/", {}).status_code == 403
    batch.refresh_from_db()
    assert batch.state == BatchState.READY
    assert ScanBatch.objects.count() == 1


def test_separator_sheet_download(cast, client):
    client.force_login(cast.clerk)
    response = client.get(reverse("intake:separator_sheet"))
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_api_batch_flow(cast, mixed_pdf):
    client = api(cast.clerk)
    created = client.post(
        "/api/v1/scan-batches/",
        {"uploads": [SimpleUploadedFile("lo.pdf", mixed_pdf)]},
        format="multipart",
    )
    assert created.status_code == 201, created.content
    batch_id = created.json()["id"]
    assert created.json()["state"] == "pending"
    scan_batch_analyse(batch_id=batch_id)
    detail = client.get(f"/api/v1/scan-batches/{batch_id}/").json()
    assert detail["state"] == "ready"
    assert len(detail["documents"]) == 3
    assert [p["kind"] for p in detail["pages"]][4] == "separator"
    ids = [p["id"] for p in detail["pages"]]
    thumb = client.get(f"/api/v1/scan-batches/{batch_id}/pages/{ids[0]}/thumbnail/")
    assert thumb.status_code == 200
    # A bad arrangement is refused with the field named
    bad = client.put(
        f"/api/v1/scan-batches/{batch_id}/arrangement/",
        {"documents": [[{"page": ids[0]}], [{"page": ids[0]}]]},
        format="json",
    )
    assert bad.status_code == 400
    assert "documents" in str(bad.json())
    # The final arrangement: C then A (page 2 rotated); B dropped
    arranged = client.put(
        f"/api/v1/scan-batches/{batch_id}/arrangement/",
        {
            "documents": [
                [{"page": ids[5]}],
                [{"page": ids[0]}, {"page": ids[1], "rotation": 270}],
            ]
        },
        format="json",
    )
    assert arranged.status_code == 200, arranged.content
    assert arranged.json()["documents"] == [[ids[5]], [ids[0], ids[1]]]
    made = client.post(f"/api/v1/scan-batches/{batch_id}/items/")
    assert made.status_code == 201, made.content
    assert [item["pages_total"] for item in made.json()] == [1, 2]
    item = IntakeItem.objects.get(pk=made.json()[1]["id"])
    assert [p.rotation for p in PdfReader(item.file.open("rb")).pages] == [0, 270]
    again = client.post(f"/api/v1/scan-batches/{batch_id}/items/")
    assert again.status_code == 409


def test_a_discarded_batch_leaves_no_file(
    cast, client, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(cast.clerk)
    post_batch(client, [("1.png", image_bytes(text_image(LETTER_A)))])
    batch = ScanBatch.objects.get()
    scan_batch_analyse(batch_id=batch.pk)
    assert len(stored_files(tmp_path)) == 2  # the original and its thumbnail
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("intake:batch_discard", kwargs={"batch_id": batch.pk}))
    assert response.status_code == 302
    assert not ScanBatch.objects.exists()
    assert not ScanPage.objects.exists()
    assert stored_files(tmp_path) == []
    assert JournalEntry.objects.filter(action="intake.batch.discard").count() == 1
