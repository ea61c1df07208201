"""extract_text on real small files made in the test, and on hostile ones (pure: no database)."""

from __future__ import annotations

import io
import time
import unicodedata

import pytest

from vanthu.core.text import unicode_to_tcvn3, unicode_to_vni
from vanthu.texts import extract
from vanthu.texts.extract import DOCX, ODT, PDF, ExtractError, extract_text
from vanthu.texts.tests import samples

PARAGRAPHS = [
    "ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA",
    samples.VIETNAMESE,
    "Điều 1. Phạm vi điều chỉnh: văn bản điện tử được ký số, gửi, nhận qua mạng.",
    "Các sở, ban, ngành; Ủy ban nhân dân các huyện, thị xã, thành phố chịu trách nhiệm thi hành.",
]


def _cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: the base letter precomposed, the tone as a combining mark."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
            out += (base + "".join(c for c in parts if c in tones)).encode("cp1258")
    return out


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_pdf_text_layer_gives_the_vietnamese_text_in_nfc():
    found = extract_text(samples.text_pdf(PARAGRAPHS), PDF, "quyet-dinh.pdf")
    assert found.method == "text_layer"
    assert not found.needs_ocr
    assert found.pages == 1
    assert unicodedata.is_normalized("NFC", found.text)
    assert _flat(found.text) == _flat(" ".join(PARAGRAPHS))


def test_scanned_pdf_needs_ocr_and_a_blank_pdf_does_not():
    image = samples.page_image(["Quyết định số 22"], dpi=100)
    scan = extract_text(samples.scan_pdf([image], dpi=100), PDF, "scan.pdf")
    assert scan.needs_ocr
    assert (scan.pages, scan.text) == (1, "")

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    blank = extract_text(buffer.getvalue(), PDF, "trang-trang.pdf")
    assert not blank.needs_ocr
    assert blank.text == ""


def test_pdf_with_a_third_of_its_pages_scanned_needs_ocr():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for data in (
        samples.text_pdf(PARAGRAPHS),
        samples.text_pdf(PARAGRAPHS),
        samples.scan_pdf([samples.page_image(["Trang quét"], dpi=100)], dpi=100),
    ):
        writer.append(PdfReader(io.BytesIO(data)))
    buffer = io.BytesIO()
    writer.write(buffer)
    found = extract_text(buffer.getvalue(), PDF, "hon-hop.pdf")
    assert found.pages == 3
    assert found.needs_ocr
    assert "Khánh Hòa" in found.text


def test_docx_made_by_hand():
    found = extract_text(samples.docx(PARAGRAPHS), DOCX, "du-thao.docx")
    assert found.method == "docx"
    assert not found.needs_ocr
    lines = found.text.split("\n")
    assert lines[: len(PARAGRAPHS)] == PARAGRAPHS
    assert lines[len(PARAGRAPHS) :] == ["Nơi nhận: Như trên", "Lưu VT"]


def test_odt_made_by_hand():
    found = extract_text(samples.odt(PARAGRAPHS), ODT, "du-thao.odt")
    assert found.method == "odt"
    assert found.text.split("\n") == [*PARAGRAPHS, "Số: 22 Khánh Hòa"]


def test_a_mislabelled_file_is_read_as_what_it_is():
    found = extract_text(samples.docx(PARAGRAPHS), "application/octet-stream", "tep.docx")
    assert found.method == "docx"
    pdf = extract_text(samples.text_pdf(PARAGRAPHS), "application/octet-stream", "tep.bin")
    assert pdf.method == "text_layer"


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda s: s.encode("utf-8"), id="utf-8"),
        pytest.param(lambda s: s.encode("utf-8-sig"), id="utf-8-bom"),
        pytest.param(lambda s: s.encode("utf-16"), id="utf-16"),
        pytest.param(lambda s: unicodedata.normalize("NFD", s).encode("utf-8"), id="utf-8-nfd"),
        pytest.param(lambda s: _cp1258(s), id="windows-1258"),
        pytest.param(lambda s: unicode_to_tcvn3(s).encode("cp1252"), id="tcvn3"),
        pytest.param(lambda s: unicode_to_vni(s).encode("cp1252"), id="vni"),
    ],
)
def test_plain_text_in_every_vietnamese_encoding_comes_out_nfc(encode):
    text = "Quyết định về việc ban hành quy chế trao đổi văn bản điện tử của tỉnh"
    found = extract_text(encode(text), "text/plain", "ghi-chu.txt")
    assert found.method == "plain"
    assert found.text == text


def test_images_need_ocr():
    image = samples.page_image(["Trang quét"], dpi=72)
    found = extract_text(samples.png(image, 72), "image/png", "trang-1.png")
    assert found == extract.Extracted("", "ocr", True, 1)


def test_a_type_without_text_is_empty_not_an_error():
    found = extract_text(b"\x00\x01binary", "application/vnd.ms-excel", "so-lieu.xls")
    assert found == extract.Extracted("", "", False, None)


@pytest.mark.parametrize(
    ("data", "content_type", "name", "message"),
    [
        (b"%PDF-1.7\n garbage", PDF, "hong.pdf", "PDF bị hỏng"),
        (b"not a pdf at all", PDF, "hong.pdf", "không phải PDF"),
        (b"PK\x03\x04 truncated zip", DOCX, "hong.docx", "không giải nén"),
        (b"hello", DOCX, "hong.docx", "không phải tệp nén"),
        (b"\x89PNG\r\n\x1a\n broken", "image/png", "hong.png", "ảnh bị hỏng"),
    ],
)
def test_malformed_files_are_refused_with_a_vietnamese_message(data, content_type, name, message):
    with pytest.raises(ExtractError, match=message):
        extract_text(data, content_type, name)


def test_a_docx_without_its_document_part_is_refused():
    data = samples._zip({"[Content_Types].xml": b"<Types/>"})
    with pytest.raises(ExtractError, match="thiếu phần nội dung"):
        extract_text(data, DOCX, "rong.docx")


def test_zip_bomb_is_refused_without_inflating_it():
    bomb = samples.zip_bomb("word/document.xml")
    assert len(bomb) < 1024 * 1024
    started = time.perf_counter()
    with pytest.raises(ExtractError, match="quá lớn"):
        extract_text(bomb, DOCX, "bom.docx")
    assert time.perf_counter() - started < 5  # refused from the header, never inflated


def test_a_zip_with_too_many_members_is_refused(monkeypatch):
    monkeypatch.setattr(extract, "MAX_ZIP_MEMBERS", 5)
    data = samples._zip({f"x/{i}.xml": b"<a/>" for i in range(6)})
    with pytest.raises(ExtractError, match="quá nhiều thành phần"):
        extract_text(data, ODT, "nhieu.odt")


@pytest.mark.parametrize(
    "xml",
    [
        # billion laughs
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><w:document '
        b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">&b;</w:document>',
        # external entity (XXE)
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>',
    ],
)
def test_xml_with_a_dtd_or_entities_is_refused(xml):
    data = samples._zip({"word/document.xml": xml})
    with pytest.raises(ExtractError, match="không an toàn"):
        extract_text(data, DOCX, "doc.docx")


def test_malformed_xml_is_refused():
    data = samples._zip({"content.xml": b"<office:document-content"})
    with pytest.raises(ExtractError, match="XML không hợp lệ"):
        extract_text(data, ODT, "hong.odt")


def test_an_encrypted_zip_member_is_refused():
    # The flag bit 0 marks an encrypted member; zipfile refuses to read it without a password.
    data = bytearray(samples.docx(PARAGRAPHS))
    for offset in range(len(data) - 4):
        if data[offset : offset + 4] in (b"PK\x03\x04", b"PK\x01\x02"):
            flag_at = offset + (6 if data[offset + 2] == 3 else 8)
            data[flag_at] |= 1
    with pytest.raises(ExtractError):
        extract_text(bytes(data), DOCX, "ma-hoa.docx")


def test_too_large_an_input_is_refused(monkeypatch):
    monkeypatch.setattr(extract, "MAX_INPUT_BYTES", 100)
    with pytest.raises(ExtractError, match="quá lớn"):
        extract_text(b"x" * 101, "text/plain", "a.txt")


def test_an_encrypted_pdf_is_refused():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(samples.text_pdf(PARAGRAPHS))))
    writer.encrypt(user_password="mat-khau", owner_password="chu")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(ExtractError, match="mật khẩu"):
        extract_text(buffer.getvalue(), PDF, "mat.pdf")
