"""Extracting the text of a file (pure: no Django). Never trusts the file (ADR 0025).

`extract_text(data, content_type, name)` returns the text (NFC, legacy TCVN3/VNI converted as
in ADR 0005) and how it was obtained, or says the file needs OCR: an image, or a PDF whose
pages carry too little text (a scan). Every read is bounded: the input size, the members of a
DOCX/ODT zip (count, uncompressed size, compression ratio: no zip bombs) and the XML (no DTD,
no entities: defusedxml). A file that cannot be read raises `ExtractError` with a Vietnamese
message; a type with no text to extract gives empty text.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from vanthu.core.text import AmbiguousEncoding, clean_text, is_vietnamese_syllable

# Bounds on what is read; a file beyond them is refused, never read whole into memory twice.
MAX_INPUT_BYTES = 200 * 1024 * 1024
MAX_PLAIN_BYTES = 20 * 1024 * 1024
MAX_XML_BYTES = 50 * 1024 * 1024
MAX_ZIP_MEMBERS = 5000
MAX_ZIP_RATIO = 100
MAX_PDF_PAGES = 5000
# A page with fewer letters and digits than this in its text layer counts as scanned.
MIN_PAGE_CHARS = 40

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/tiff", "image/gif", "image/bmp"})
IMAGE_EXTENSIONS = frozenset({"png", "jpg", "jpeg", "tif", "tiff", "gif", "bmp"})
PLAIN_EXTENSIONS = frozenset({"txt", "text", "csv"})

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT_NS = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
OFFICE_NS = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


@dataclass(frozen=True, slots=True)
class Extracted:
    """The text of a file (NFC), its method, whether OCR is needed, and its page count."""

    text: str
    method: str
    needs_ocr: bool
    pages: int | None


class ExtractError(Exception):
    """The file cannot be read (malformed, too large, encrypted); the message is Vietnamese."""


def extract_text(data: bytes, content_type: str, name: str) -> Extracted:
    """Return the text of a file of the given content type and name.

    The kind is taken from the content bytes first (a PDF or zip signature), then from the
    declared type and the name's extension: a mislabelled file is read as what it is.
    """
    if len(data) > MAX_INPUT_BYTES:
        raise ExtractError("Tệp quá lớn để trích xuất nội dung (tối đa 200 MB).")
    kind = _kind(data, content_type.split(";")[0].strip().lower(), name)
    if kind == "pdf":
        return _pdf(data)
    if kind == "docx":
        return Extracted(_clean(_docx(data)), "docx", False, None)
    if kind == "odt":
        return Extracted(_clean(_odt(data)), "odt", False, None)
    if kind == "image":
        return Extracted("", "ocr", True, _image_pages(data))
    if kind == "plain":
        return Extracted(_clean(_plain(data)), "plain", False, None)
    return Extracted("", "", False, None)


def _kind(data: bytes, content_type: str, name: str) -> str:
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    head = data[:16]
    if head.startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if content_type == ODT or extension == "odt" or b"opendocument.text" in data[:200]:
            return "odt"
        if content_type == DOCX or extension == "docx":
            return "docx"
        return "other"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF8", b"BM")) and (
        content_type in IMAGE_TYPES or extension in IMAGE_EXTENSIONS
    ):
        return "image"
    if content_type == PDF or extension == "pdf":
        raise ExtractError("Tệp không phải PDF hợp lệ (thiếu phần đầu %PDF).")
    if content_type in (DOCX, ODT) or extension in ("docx", "odt"):
        raise ExtractError("Tệp DOCX/ODT bị hỏng: không phải tệp nén hợp lệ.")
    if content_type in IMAGE_TYPES or extension in IMAGE_EXTENSIONS:
        raise ExtractError("Tệp ảnh bị hỏng hoặc không phải định dạng ảnh được hỗ trợ.")
    if content_type.startswith("text/") or extension in PLAIN_EXTENSIONS:
        return "plain"
    return "other"


def _clean(text: str) -> str:
    """NFC, controls removed, legacy TCVN3/VNI converted when certain (ADR 0005)."""
    try:
        cleaned = clean_text(text)
    except AmbiguousEncoding:
        cleaned = clean_text(text, convert_legacy=False)
    lines = (" ".join(line.split()) for line in cleaned.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# --- PDF ------------------------------------------------------------------------------------


def _pdf(data: bytes) -> Extracted:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError, PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractError("Tệp PDF được mã hóa bằng mật khẩu; không đọc được nội dung.")
        pages = len(reader.pages)
        if pages > MAX_PDF_PAGES:
            raise ExtractError(f"Tệp PDF có quá nhiều trang ({pages}; tối đa {MAX_PDF_PAGES}).")
        texts = [page.extract_text() or "" for page in reader.pages]
        scanned = sum(
            1
            for page, found in zip(reader.pages, texts, strict=True)
            if _visible(found) < MIN_PAGE_CHARS and _has_image(page)
        )
    except ExtractError:
        raise
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise ExtractError("Tệp PDF bị hỏng hoặc không đọc được.") from exc
    if pages == 0:
        raise ExtractError("Tệp PDF không có trang nào.")
    text = _clean("\n\n".join(texts))
    # A scan, or a mixed file with a third of its pages scanned; a blank page needs no OCR.
    needs_ocr = scanned * 3 >= pages
    return Extracted(text, "text_layer", needs_ocr, pages)


def _has_image(page: Any) -> bool:
    """Return whether a page draws an image (directly or in a form one level down)."""
    from pypdf.errors import PyPdfError

    try:
        resources = page.get("/Resources")
        objects = resources.get_object().get("/XObject") if resources else None
        if not objects:
            return False
        for ref in objects.get_object().values():
            item = ref.get_object()
            subtype = item.get("/Subtype")
            if subtype == "/Image":
                return True
            if subtype == "/Form":
                inner = (item.get("/Resources") or {}).get("/XObject")
                if inner and any(
                    r.get_object().get("/Subtype") == "/Image" for r in inner.get_object().values()
                ):
                    return True
    except (PyPdfError, AttributeError, KeyError, TypeError, ValueError, RecursionError):
        return True  # unreadable resources: let OCR look at the page
    return False


def _visible(text: str) -> int:
    return sum(1 for c in text if c.isalnum())


# --- DOCX and ODT ---------------------------------------------------------------------------


def _zip_member(data: bytes, member: str, label: str) -> bytes:
    """Read one member of a zip, refusing bombs: member count, size and compression ratio."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_MEMBERS:
                raise ExtractError(f"Tệp {label} có quá nhiều thành phần; không đọc.")
            info = next((i for i in infos if i.filename == member), None)
            if info is None:
                raise ExtractError(f"Tệp {label} bị hỏng: thiếu phần nội dung ({member}).")
            if info.file_size > MAX_XML_BYTES or (
                info.file_size > 1024 * 1024
                and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1)
            ):
                raise ExtractError(f"Tệp {label} có phần nội dung quá lớn (nghi tệp nén độc hại).")
            with archive.open(info) as handle:
                # The declared size may lie: never read more than the bound.
                content = handle.read(MAX_XML_BYTES + 1)
            if len(content) > MAX_XML_BYTES:
                raise ExtractError(f"Tệp {label} có phần nội dung quá lớn (nghi tệp nén độc hại).")
            return content
    except ExtractError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        NotImplementedError,
    ) as exc:
        raise ExtractError(f"Tệp {label} bị hỏng: không giải nén được.") from exc
    except RuntimeError as exc:  # an encrypted member
        raise ExtractError(f"Tệp {label} được mã hóa; không đọc được nội dung.") from exc


def _xml(content: bytes, label: str) -> Element:
    try:
        root: Element = SafeET.fromstring(content, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise ExtractError(f"Tệp {label} chứa khai báo XML không an toàn; không đọc.") from exc
    except (SafeET.ParseError, ValueError) as exc:
        raise ExtractError(f"Tệp {label} bị hỏng: nội dung XML không hợp lệ.") from exc
    return root


def _docx(data: bytes) -> str:
    root = _xml(_zip_member(data, "word/document.xml", "DOCX"), "DOCX")
    paragraphs = []
    for paragraph in root.iter(f"{W}p"):
        parts = []
        for node in paragraph.iter():
            if node.tag == f"{W}t" and node.text:
                parts.append(node.text)
            elif node.tag == f"{W}tab":
                parts.append("\t")
            elif node.tag in (f"{W}br", f"{W}cr"):
                parts.append("\n")
        paragraphs.append("".join(parts))
    return "\n".join(paragraphs)


def _odt(data: bytes) -> str:
    root = _xml(_zip_member(data, "content.xml", "ODT"), "ODT")
    body = root.find(f"{OFFICE_NS}body")
    if body is None:
        raise ExtractError("Tệp ODT bị hỏng: thiếu phần thân văn bản.")
    paragraphs = []
    for node in body.iter():
        if node.tag in (f"{TEXT_NS}p", f"{TEXT_NS}h"):
            paragraphs.append("".join(_odt_inline(node)))
    return "\n".join(paragraphs)


def _odt_inline(node: Element) -> Iterator[str]:
    """The text of one ODT paragraph: spans, spaces (text:s c=n), tabs and line breaks."""
    if node.text:
        yield node.text
    for child in node:
        if child.tag == f"{TEXT_NS}s":
            count = child.get(f"{TEXT_NS}c", "1")
            yield " " * min(int(count) if count.isdigit() else 1, 100)
        elif child.tag == f"{TEXT_NS}tab":
            yield "\t"
        elif child.tag == f"{TEXT_NS}line-break":
            yield "\n"
        elif child.tag not in (f"{TEXT_NS}p", f"{TEXT_NS}h", f"{TEXT_NS}note"):
            yield from _odt_inline(child)
        if child.tail:
            yield child.tail


# --- Plain text and images ------------------------------------------------------------------

BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def _plain(data: bytes) -> str:
    """Decode plain text: a BOM, else UTF-8, else the best of Windows-1258 and legacy 8-bit."""
    if len(data) > MAX_PLAIN_BYTES:
        raise ExtractError("Tệp văn bản quá lớn để trích xuất (tối đa 20 MB).")
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Windows-1258 (Vietnamese, tones as combining marks), or TCVN3/VNI bytes read as
    # Windows-1252 that `_clean` converts: keep the reading with the most Vietnamese syllables.
    candidates = [
        unicodedata.normalize("NFC", data.decode("cp1258", errors="replace")),
        _clean(data.decode("cp1252", errors="replace")),
    ]
    return max(candidates, key=_vietnamese_score)


def _vietnamese_score(text: str) -> int:
    words = re.findall(r"\w+", text)
    return sum(1 if is_vietnamese_syllable(w) else -1 for w in words if not w.isascii())


def _image_pages(data: bytes) -> int | None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            return int(getattr(image, "n_frames", 1))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ExtractError("Tệp ảnh bị hỏng hoặc không phải định dạng ảnh được hỗ trợ.") from exc
