"""OCR of scanned PDFs and images with OCRmyPDF and Tesseract `vie` (no Django; ADR 0025).

The input bytes are never changed: OCRmyPDF writes a new PDF/A copy with a text layer, and the
text comes from its sidecar (`pdftotext` may reorder the words of a skewed line). A signed PDF
is OCR'd as a copy too: the copy carries no signature and is never offered as the original.
"""

from __future__ import annotations

import io
import logging
import os
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from vanthu.texts import ocr_progress

logger = logging.getLogger(__name__)

LANGUAGE = "vie"
# A scan without a resolution is taken at the usual office scanner setting.
DEFAULT_DPI = 300
MAX_IMAGE_MPIXELS = 250.0
# Tesseract gets this long per page before the page is given up (left without text).
PAGE_TIMEOUT_SECONDS = 300.0

_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class OcrResult:
    """The recognised text (NFC), the searchable PDF/A copy, and the number of pages."""

    text: str
    pdf: bytes
    pages: int


class OcrError(Exception):
    """OCR failed; the message is Vietnamese."""


def pdf_is_signed(data: bytes) -> bool:
    """Return whether a PDF has a filled signature field (/FT /Sig with a /V)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        fields = PdfReader(io.BytesIO(data), strict=False).get_fields() or {}
    except (PyPdfError, ValueError, KeyError, TypeError, RecursionError):
        return False
    return any(f.get("/FT") == "/Sig" and f.get("/V") is not None for f in fields.values())


def image_to_pdf(data: bytes) -> bytes:
    """Convert an image (PNG, JPEG, TIFF of one or more pages…) to a PDF of its pages."""
    import img2pdf
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            has_dpi = bool(image.info.get("dpi"))
            usable = image.mode in ("1", "L", "RGB", "CMYK", "P") and image.format in (
                "PNG",
                "JPEG",
                "TIFF",
                "JPEG2000",
                "GIF",
            )
            if not usable:
                # Transparency, 16-bit, BMP…: flatten to an 8-bit RGB PNG first.
                frames = []
                for index in range(getattr(image, "n_frames", 1)):
                    image.seek(index)
                    buffer = io.BytesIO()
                    image.convert("RGB").save(buffer, format="PNG")
                    frames.append(buffer.getvalue())
            else:
                frames = [data]
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise OcrError("Tệp ảnh bị hỏng hoặc không phải định dạng ảnh được hỗ trợ.") from exc
    options = (
        {} if has_dpi else {"layout_fun": img2pdf.get_fixed_dpi_layout_fun((DEFAULT_DPI,) * 2)}
    )
    try:
        pdf = img2pdf.convert(frames, rotation=img2pdf.Rotation.ifvalid, **options)
    except (img2pdf.ImageOpenError, img2pdf.AlphaChannelError, ValueError, OSError) as exc:
        raise OcrError("Không chuyển được ảnh sang PDF để nhận dạng chữ.") from exc
    return bytes(pdf)


def ocr_pdf(data: bytes, *, on_page: Callable[[int, int], None] | None = None) -> OcrResult:
    """OCR a PDF (or an image, converted to PDF first); `on_page(done, total)` reports progress.

    Every page is rasterised and recognised again (a mixed file gets one consistent text);
    the result is a PDF/A-2b copy with an invisible text layer.
    """
    import ocrmypdf
    from ocrmypdf import exceptions as ox

    if b"%PDF-" not in data[:1024]:
        data = image_to_pdf(data)
    with tempfile.TemporaryDirectory(prefix="vanthu-ocr-") as scratch:
        folder = Path(scratch)
        source, target, sidecar = folder / "in.pdf", folder / "out.pdf", folder / "text.txt"
        source.write_bytes(data)
        with _lock, _single_threaded_tesseract():
            ocr_progress.set_callback(on_page)
            try:
                ocrmypdf.ocr(
                    source,
                    target,
                    language=[LANGUAGE],
                    sidecar=sidecar,
                    output_type="pdfa",
                    force_ocr=True,
                    deskew=True,
                    rotate_pages=True,
                    use_threads=True,
                    progress_bar=False,
                    invalidate_digital_signatures=True,
                    max_image_mpixels=MAX_IMAGE_MPIXELS,
                    tesseract_timeout=PAGE_TIMEOUT_SECONDS,
                    plugins=["vanthu.texts.ocr_progress"],
                )
            except ox.EncryptedPdfError as exc:
                raise OcrError("Tệp PDF được mã hóa; không nhận dạng chữ được.") from exc
            except ox.MissingDependencyError as exc:
                raise OcrError(
                    "Máy chủ thiếu công cụ nhận dạng chữ (Tesseract tiếng Việt); báo quản trị."
                ) from exc
            except (ox.InputFileError, ox.UnsupportedImageFormatError) as exc:
                raise OcrError("Tệp bị hỏng hoặc không đọc được để nhận dạng chữ.") from exc
            except ox.ExitCodeException as exc:
                logger.warning("OCRmyPDF failed: %s", exc)
                raise OcrError(f"Nhận dạng chữ thất bại: {exc}"[:400]) from exc
            finally:
                ocr_progress.set_callback(None)
        text = sidecar.read_text(encoding="utf-8", errors="replace")
        pdf = target.read_bytes()
    return OcrResult(text=clean_ocr_text(text), pdf=pdf, pages=_page_count(pdf))


@contextmanager
def _single_threaded_tesseract() -> Iterator[None]:
    """One OpenMP thread per Tesseract: OCRmyPDF runs pages in parallel instead. Tesseract's
    own threads spin while they wait and, on a busy 2-core machine, made one page take minutes
    instead of seconds. An explicit OMP_THREAD_LIMIT in the environment is respected."""
    previous = os.environ.get("OMP_THREAD_LIMIT")
    if previous is None:
        os.environ["OMP_THREAD_LIMIT"] = "1"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("OMP_THREAD_LIMIT", None)


def clean_ocr_text(text: str) -> str:
    """NFC text with pages separated by a blank line and white space tidied on each line."""
    text = unicodedata.normalize("NFC", text)
    pages = []
    for page in text.split("\f"):
        lines = [" ".join(line.split()) for line in page.splitlines()]
        pages.append("\n".join(lines).strip())
    return "\n\n".join(p for p in pages if p)


def _page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)
