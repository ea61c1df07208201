"""Uploads: refused when empty, too big, mislabelled, corrupt or encrypted; scans made one PDF."""

import hashlib
import io

import pytest
from pypdf import PdfReader, PdfWriter

from vanthu.core.errors import ValidationFailed
from vanthu.registry.files import scan_to_pdf, upload_inspect
from vanthu.registry.tests.factories import pdf_bytes, png_bytes


def _tiff_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (40, 50), 128).save(buffer, format="TIFF")
    return buffer.getvalue()


def test_a_pdf_is_described_byte_for_byte():
    # given a three-page PDF
    data = pdf_bytes(3)
    # when it is inspected
    upload = upload_inspect(name="C:\\Scans\\cong-van.PDF", data=data)
    # then it is kept unchanged, hashed, typed and its pages counted; the path is dropped
    assert upload.content == data
    assert upload.sha256 == hashlib.sha256(data).hexdigest()
    assert (upload.name, upload.content_type, upload.size) == (
        "cong-van.PDF",
        "application/pdf",
        len(data),
    )
    assert upload.page_count == 3


def test_an_empty_upload_is_refused():
    with pytest.raises(ValidationFailed) as error:
        upload_inspect(name="trong.pdf", data=b"")
    assert "rỗng" in error.value.message
    assert error.value.fields["files"]


def test_a_file_that_is_not_what_its_name_says_is_refused():
    # given a PNG image named .pdf, and plain text named .pdf
    for data in (png_bytes(), "Đây không phải PDF".encode()):
        with pytest.raises(ValidationFailed) as error:
            upload_inspect(name="van-ban.pdf", data=data)
        # then the message says the content does not match the name
        assert "không khớp với tên tệp" in error.value.message


def test_an_unknown_extension_is_refused():
    with pytest.raises(ValidationFailed) as error:
        upload_inspect(name="virus.exe", data=b"MZ\x90\x00" + b"\x00" * 60)
    assert "Không nhận loại tệp '.exe'" in error.value.message


def test_an_oversized_upload_is_refused(settings):
    # given a limit of 1 MB
    settings.VANTHU_MAX_UPLOAD_MB = 1
    data = pdf_bytes(1) + b"%" * (1024 * 1024)
    # when a bigger file comes, then it is refused naming the limit
    with pytest.raises(ValidationFailed) as error:
        upload_inspect(name="lon.pdf", data=data)
    assert "1 MB" in error.value.message


def test_a_corrupt_pdf_is_refused():
    # given a file that starts like a PDF but is cut short
    data = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    with pytest.raises(ValidationFailed) as error:
        upload_inspect(name="hong.pdf", data=data)
    assert "bị hỏng" in error.value.message or "không có trang" in error.value.message


def test_an_encrypted_pdf_is_refused():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="matkhau", owner_password="matkhau")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(ValidationFailed) as error:
        upload_inspect(name="khoa.pdf", data=buffer.getvalue())
    assert "mật khẩu" in error.value.message


def test_a_corrupt_image_is_refused():
    data = png_bytes()[:40]
    with pytest.raises(ValidationFailed) as error:
        upload_inspect(name="anh.png", data=data)
    assert "bị hỏng" in error.value.message


def test_scanned_pages_become_one_pdf_in_order():
    # given two page images of different sizes and a one-page PDF
    first = png_bytes((255, 0, 0), size=(100, 150))
    second = png_bytes((0, 0, 255), size=(120, 160))
    third = pdf_bytes(1)
    # when they are assembled
    pdf = scan_to_pdf(
        images_or_pdfs=[("trang-1.png", first), ("trang-2.png", second), ("trang-3.pdf", third)]
    )
    # then one PDF of three pages comes out, in the given order
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 3
    widths = [round(float(page.mediabox.width)) for page in reader.pages]
    assert widths[2] == 595  # the A4 PDF page comes last
    assert widths[0] < widths[1] < widths[2]


def test_a_png_with_transparency_and_a_tiff_are_accepted_as_scans():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGBA", (30, 30), (0, 0, 0, 0)).save(buffer, format="PNG")
    pdf = scan_to_pdf(images_or_pdfs=[("a.png", buffer.getvalue()), ("b.tif", _tiff_bytes())])
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2


def test_a_scan_with_a_word_file_is_refused():
    from zipfile import ZipFile

    buffer = io.BytesIO()
    with ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(ValidationFailed):
        scan_to_pdf(images_or_pdfs=[("a.pdf", pdf_bytes(1)), ("b.docx", buffer.getvalue())])


def test_no_scan_is_refused():
    with pytest.raises(ValidationFailed):
        scan_to_pdf(images_or_pdfs=[])


def _png_claiming(width: int, height: int) -> bytes:
    """A few bytes of PNG whose header claims `width` by `height` pixels (a decompression bomb)."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def test_an_image_claiming_billions_of_pixels_is_refused_without_decoding():
    with pytest.raises(ValidationFailed) as error:
        upload_inspect(name="bom.png", data=_png_claiming(100_000, 100_000))
    assert "quá nhiều điểm ảnh" in error.value.message
