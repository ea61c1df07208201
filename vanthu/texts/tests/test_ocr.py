"""OCR with the real OCRmyPDF and Tesseract `vie` on small rendered scans (no database)."""

from __future__ import annotations

import io
import shutil
import subprocess
import unicodedata

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from conftest import require_component
from vanthu.texts.ocr import OcrError, OcrResult, ocr_pdf, pdf_is_signed
from vanthu.texts.tests import samples

LINES = [
    "ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA",
    "Quyết định ban hành Quy định trao đổi, lưu trữ,",
    "xử lý văn bản điện tử trong hoạt động của cơ quan",
    "nhà nước tỉnh Khánh Hòa.",
]


def _tesseract_has_vie() -> bool:
    if shutil.which("tesseract") is None:
        return False
    listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True)
    return "vie" in listed.stdout.split()


@pytest.fixture(scope="module")
def scan() -> bytes:
    require_component(_tesseract_has_vie(), "tesseract with the vie language")
    page = samples.scanned_look(samples.page_image(LINES, width_mm=180), angle=0.7)
    return samples.scan_pdf([page])


@pytest.fixture(scope="module")
def ocred(scan) -> tuple[OcrResult, list[tuple[int, int]]]:
    progress: list[tuple[int, int]] = []
    result = ocr_pdf(scan, on_page=lambda done, total: progress.append((done, total)))
    return result, progress


def test_a_scanned_page_is_read_in_vietnamese_into_a_pdfa_copy(scan, ocred):
    result, progress = ocred
    assert result.pages == 1
    assert unicodedata.is_normalized("NFC", result.text)
    assert samples.character_accuracy(" ".join(LINES), result.text) >= 0.97
    # a PDF/A-2 copy, with the text layer: pypdf reads the words back
    copy = PdfReader(io.BytesIO(result.pdf))
    assert "Khánh Hòa" in copy.pages[0].extract_text()
    assert b"pdfaid:part" in result.pdf or b"pdfaid" in result.pdf
    assert result.pdf != scan
    # the progress went from 0 to 1 of 1 page
    assert progress[0] == (0, 1)
    assert progress[-1] == (1, 1)


def test_an_image_is_converted_to_pdf_first():
    require_component(_tesseract_has_vie(), "tesseract with the vie language")
    image = samples.page_image(["Sở Thông tin và Truyền thông"], dpi=200, size=14, width_mm=150)
    result = ocr_pdf(samples.png(image, 200))
    assert result.pages == 1
    assert samples.normalise(result.text) == "Sở Thông tin và Truyền thông"


def _signed(data: bytes) -> bytes:
    """Add a filled signature field (/FT /Sig with a /V) to a PDF, as a signed file has."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    signature = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Sig"),
            NameObject("/Filter"): NameObject("/Adobe.PPKLite"),
            NameObject("/SubFilter"): NameObject("/ETSI.CAdES.detached"),
            NameObject("/Name"): TextStringObject("Nguyễn Văn A"),
        }
    )
    field = DictionaryObject(
        {
            NameObject("/FT"): NameObject("/Sig"),
            NameObject("/T"): TextStringObject("Signature1"),
            NameObject("/V"): writer._add_object(signature),
        }
    )
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject([writer._add_object(field)])}
    )
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_signed_scan_is_ocred_as_a_copy_and_the_input_left_alone(scan):
    signed = _signed(scan)
    assert pdf_is_signed(signed)
    assert not pdf_is_signed(scan)
    before = bytes(signed)
    result = ocr_pdf(signed)
    assert signed == before
    assert "Khánh Hòa" in result.text
    assert not pdf_is_signed(result.pdf)


def test_a_broken_pdf_fails_with_a_vietnamese_message():
    require_component(_tesseract_has_vie(), "tesseract with the vie language")
    with pytest.raises(OcrError, match=r"hỏng|thất bại"):
        ocr_pdf(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage")


def test_the_seed_regulation_scanned_is_read_at_97_percent_or_better():
    """The issue's check, fast: the first page of the seed regulation rendered as a scan.

    bench/ocr.py runs the whole regulation and records the accuracy in bench/RESULTS.md.
    """
    require_component(_tesseract_has_vie(), "tesseract with the vie language")
    assert samples.SEED.exists(), samples.SEED
    page = samples.wrap_pages(samples.seed_lines())[0]
    pdf = samples.scan_pdf(samples.scanned_pages([page]))
    result = ocr_pdf(pdf)
    accuracy = samples.character_accuracy(" ".join(page), result.text)
    assert accuracy >= 0.97, accuracy
