"""Uploaded files of registered documents: checked before anything is stored, scans made one PDF.

Pure functions over bytes (no ORM): `upload_inspect` refuses an empty, oversized, mislabelled,
corrupt or encrypted file with a Vietnamese message; `scan_to_pdf` assembles scanned pages into
one PDF (QĐ 22 Điều 6.1.c). Electronic originals are kept byte for byte: nothing here rewrites
them, and their SHA-256 is recorded to prove it.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings

from vanthu.core.errors import ValidationFailed

# Extension → the types the file's magic bytes may show (`filetype` names) and the MIME type.
ACCEPTED: dict[str, tuple[frozenset[str], str]] = {
    "pdf": (frozenset({"pdf"}), "application/pdf"),
    "jpg": (frozenset({"jpg"}), "image/jpeg"),
    "jpeg": (frozenset({"jpg"}), "image/jpeg"),
    "png": (frozenset({"png"}), "image/png"),
    "tif": (frozenset({"tif"}), "image/tiff"),
    "tiff": (frozenset({"tif"}), "image/tiff"),
    "doc": (frozenset({"doc"}), "application/msword"),
    "xls": (frozenset({"xls"}), "application/vnd.ms-excel"),
    "docx": (
        frozenset({"docx", "zip"}),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": (
        frozenset({"xlsx", "zip"}),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "odt": (frozenset({"odt", "zip"}), "application/vnd.oasis.opendocument.text"),
    "ods": (frozenset({"ods", "zip"}), "application/vnd.oasis.opendocument.spreadsheet"),
}
IMAGE_EXTENSIONS = frozenset({"jpg", "jpeg", "png", "tif", "tiff"})
SCAN_EXTENSIONS = IMAGE_EXTENSIONS | {"pdf"}
DEFAULT_MAX_UPLOAD_MB = 50


@dataclass(frozen=True)
class StoredUpload:
    """A checked upload, ready to store: its bytes unchanged and what we learnt about them."""

    name: str
    content: bytes
    content_type: str
    size: int
    sha256: str
    page_count: int | None


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={"files": [message]})


def max_upload_bytes() -> int:
    """Return the upload size limit (setting `VANTHU_MAX_UPLOAD_MB`, default 50 MB)."""
    return int(getattr(settings, "VANTHU_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB)) * 1024 * 1024


def _extension(name: str) -> str:
    return PurePath(name).suffix.lower().lstrip(".")


def _pdf_page_count(name: str, data: bytes) -> int:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise _refuse(
                f"Tệp '{name}' là PDF có đặt mật khẩu; hãy gửi tệp không mã hóa để lưu trữ."
            )
        pages = len(reader.pages)
    except ValidationFailed:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as error:
        raise _refuse(f"Tệp '{name}' là PDF bị hỏng, không đọc được.") from error
    if pages < 1:
        raise _refuse(f"Tệp '{name}' là PDF không có trang nào.")
    return pages


def _check_image(name: str, data: bytes) -> int:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            return max(1, int(getattr(image, "n_frames", 1)))
    except Image.DecompressionBombError as error:
        # A few kilobytes that claim billions of pixels: never decoded (Pillow's bound).
        raise _refuse(f"Ảnh '{name}' quá lớn (quá nhiều điểm ảnh), không nhận.") from error
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise _refuse(f"Tệp ảnh '{name}' bị hỏng, không đọc được.") from error


def upload_inspect(*, name: str, data: bytes) -> StoredUpload:
    """Check one upload (non-empty, size, real type matching its name, readable) and describe it."""
    name = PurePath((name or "").replace("\\", "/")).name.strip()
    if not name:
        raise _refuse("Tệp tải lên không có tên.")
    if not data:
        raise _refuse(f"Tệp '{name}' rỗng (0 byte).")
    limit = max_upload_bytes()
    if len(data) > limit:
        raise _refuse(f"Tệp '{name}' lớn hơn giới hạn {limit // (1024 * 1024)} MB cho mỗi tệp.")
    extension = _extension(name)
    if extension not in ACCEPTED:
        allowed = ", ".join(sorted(ACCEPTED))
        raise _refuse(f"Không nhận loại tệp '.{extension}' ({name}); chỉ nhận: {allowed}.")
    kinds, content_type = ACCEPTED[extension]
    guessed = filetype.guess(data)
    if guessed is None or guessed.extension not in kinds:
        raise _refuse(
            f"Tệp '{name}' không phải là tệp .{extension} thật (nội dung không khớp với tên tệp)."
        )
    page_count: int | None = None
    if extension == "pdf":
        page_count = _pdf_page_count(name, data)
    elif extension in IMAGE_EXTENSIONS:
        page_count = _check_image(name, data)
    return StoredUpload(
        name=name,
        content=data,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        page_count=page_count,
    )


def _image_pages(data: bytes) -> bytes:
    """Return one image (possibly multi-page TIFF) as PDF bytes, exact where img2pdf can be."""
    import img2pdf
    from PIL import Image

    try:
        return bytes(img2pdf.convert(data))
    except (img2pdf.ImageOpenError, img2pdf.AlphaChannelError, ValueError, OSError):
        # Images img2pdf refuses to embed losslessly (alpha channel, odd modes): flatten them.
        frames = []
        with Image.open(io.BytesIO(data)) as image:
            for index in range(int(getattr(image, "n_frames", 1))):
                image.seek(index)
                frame = io.BytesIO()
                image.convert("RGB").save(frame, format="PNG")
                frames.append(frame.getvalue())
        return bytes(img2pdf.convert(frames))


def scan_to_pdf(*, images_or_pdfs: list[tuple[str, bytes]]) -> bytes:
    """Assemble scanned pages (JPEG/PNG/TIFF images, PDFs) into one PDF, in the given order."""
    from pypdf import PdfReader, PdfWriter

    if not images_or_pdfs:
        raise _refuse("Chưa chọn tệp quét nào của văn bản giấy.")
    writer = PdfWriter()
    for name, data in images_or_pdfs:
        upload = upload_inspect(name=name, data=data)
        extension = _extension(upload.name)
        if extension not in SCAN_EXTENSIONS:
            raise _refuse(
                f"Tệp '{upload.name}' không phải ảnh quét hay PDF; bản quét chỉ nhận "
                "PDF, JPG, PNG, TIFF."
            )
        pdf = data if extension == "pdf" else _image_pages(data)
        writer.append(PdfReader(io.BytesIO(pdf)))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
