"""Pages of a scanning batch: render, measure ink, read separator barcodes, propose the split.

Pure code over bytes and Pillow images (no ORM; import-linter keeps it so). A page is rendered
in grayscale with its long side `ANALYSIS_LONG_SIDE` pixels (A4 at about 100 dpi) whatever the
source: PDFs by poppler's `pdftoppm`, images by Pillow (every frame of a multi-page TIFF).

Blank pages (ADR 0022, "Scanning batches"): the render's outer `MARGIN` on each side is cropped
(scanner edges and shadows), and
the ink coverage is the share of pixels darker than `DARK_LEVEL` that have at least two dark
neighbours (isolated dust specks and noise do not count). A page is blank below `BLANK_INK`
(0.02 %): one short line of 10-point text ("Trang 2 của văn bản A") covers about 0.04 %, a
full line about 0.1 %, while grain, dust specks (one pixel in 300), an edge shadow inside the
margin and faint bleed-through from the back of the sheet measure under 0.01 %.

Separator pages carry a barcode (QR or any 1D/2D format zxing-cpp reads) whose text is
`SEPARATOR_TEXT`; they start a new document and are removed, like blank pages.
"""

from __future__ import annotations

import io
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageFilter, ImageOps

SEPARATOR_TEXT = "VANTHU-TACH"
ANALYSIS_LONG_SIDE = 1169
THUMBNAIL_WIDTH = 160
MARGIN = 0.04
DARK_LEVEL = 128
BLANK_INK = 0.0002
RENDER_TIMEOUT = 120


class RenderError(Exception):
    """A page could not be rendered; the message is for the clerk, in Vietnamese."""


@dataclass(frozen=True)
class PageFacts:
    """What the analysis found on one page."""

    ink: float
    barcode: str

    @property
    def is_separator(self) -> bool:
        return self.barcode.strip().upper() == SEPARATOR_TEXT

    @property
    def is_blank(self) -> bool:
        return not self.is_separator and self.ink < BLANK_INK

    @property
    def kind(self) -> str:
        if self.is_separator:
            return "separator"
        return "blank" if self.is_blank else "content"


def _fit(image: Image.Image) -> Image.Image:
    gray = ImageOps.exif_transpose(image).convert("L")
    scale = ANALYSIS_LONG_SIDE / max(gray.size)
    size = (max(1, round(gray.width * scale)), max(1, round(gray.height * scale)))
    return gray.resize(size, Image.Resampling.BOX if scale < 1 else Image.Resampling.BILINEAR)


def render_pages(data: bytes, *, is_pdf: bool, name: str = "") -> Iterator[Image.Image]:
    """Yield each page of a PDF or image as a grayscale image of the analysis size."""
    if not is_pdf:
        try:
            with Image.open(io.BytesIO(data)) as image:
                for index in range(int(getattr(image, "n_frames", 1))):
                    image.seek(index)
                    yield _fit(image)
        except Image.DecompressionBombError as exc:
            raise RenderError(f"Ảnh '{name}' quá lớn (quá nhiều điểm ảnh).") from exc
        except (OSError, ValueError, SyntaxError) as exc:
            raise RenderError(f"Tệp ảnh '{name}' bị hỏng, không đọc được trang.") from exc
        return
    with tempfile.TemporaryDirectory(prefix="vanthu-scan-") as folder:
        source = Path(folder) / "in.pdf"
        source.write_bytes(data)
        command = [
            "pdftoppm",
            "-gray",
            "-png",
            "-scale-to",
            str(ANALYSIS_LONG_SIDE),
            str(source),
            str(Path(folder) / "p"),
        ]
        try:
            subprocess.run(  # noqa: S603 - fixed executable, our own temporary paths
                command, check=True, capture_output=True, timeout=RENDER_TIMEOUT
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
            raise RenderError(f"Tệp PDF '{name}' bị hỏng, không dựng được trang.") from exc
        for path in sorted(Path(folder).glob("p-*.png"), key=lambda p: int(p.stem[2:])):
            with Image.open(path) as image:
                yield image.convert("L")


def ink_coverage(image: Image.Image) -> float:
    """Return the share (0 to 1) of dark pixels inside the margins, scanner specks removed.

    A dark pixel counts only when at least two of its eight neighbours are dark too: strokes
    of letters, even one pixel thin, keep theirs, while dust specks and isolated noise do not.
    """
    gray = image.convert("L")
    dx, dy = round(gray.width * MARGIN), round(gray.height * MARGIN)
    inner = gray.crop((dx, dy, gray.width - dx, gray.height - dy))
    if inner.width < 3 or inner.height < 3:
        return 0.0
    dark = inner.point(lambda v: 255 if v < DARK_LEVEL else 0)
    crowded = dark.filter(ImageFilter.BoxBlur(1)).point(lambda v: 255 if v >= 84 else 0)
    kept = ImageChops.darker(dark, crowded)
    return kept.histogram()[255] / (inner.width * inner.height)


def read_barcode(image: Image.Image) -> str:
    """Return the text of the first barcode found on the page ("" when none)."""
    import zxingcpp

    for found in zxingcpp.read_barcodes(image.convert("L")):
        if found.text:
            return str(found.text)
    return ""


def analyse(image: Image.Image) -> PageFacts:
    """Measure one rendered page."""
    ink = ink_coverage(image)
    barcode = read_barcode(image) if ink >= BLANK_INK else ""
    return PageFacts(ink=round(ink, 5), barcode=barcode[:200])


def thumbnail_png(image: Image.Image, *, rotation: int = 0) -> bytes:
    """Return a small PNG of the page for the clerk's overview."""
    small = image.copy()
    small.thumbnail((THUMBNAIL_WIDTH, THUMBNAIL_WIDTH * 2))
    if rotation:
        small = small.rotate(-rotation, expand=True)
    buffer = io.BytesIO()
    small.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def propose_documents(facts: Sequence[PageFacts]) -> list[int | None]:
    """Return the document number (1, 2, …) of each page, None for removed pages.

    A separator or a blank page ends the current document; several in a row count as one
    break, and nothing before the first content page makes an empty document.
    """
    numbers: list[int | None] = []
    current = 0
    open_document = False
    for page in facts:
        if page.is_separator or page.is_blank:
            numbers.append(None)
            open_document = False
            continue
        if not open_document:
            current += 1
            open_document = True
        numbers.append(current)
    return numbers


# An arrangement: the documents in order, each a list of (page id, rotation in degrees).
Arrangement = list[list[tuple[int, int]]]


class ArrangementError(ValueError):
    """An arrangement that does not fit the batch; the message is for the clerk."""


def check_arrangement(arrangement: Arrangement, page_ids: set[int]) -> Arrangement:
    """Validate the clerk's arrangement: known pages, each at most once, right-angle rotations."""
    seen: set[int] = set()
    cleaned: Arrangement = []
    for document in arrangement:
        pages: list[tuple[int, int]] = []
        for page_id, rotation in document:
            if page_id not in page_ids:
                raise ArrangementError(f"Trang {page_id} không thuộc lô quét này.")
            if page_id in seen:
                raise ArrangementError(f"Trang {page_id} xuất hiện hai lần.")
            if rotation % 90:
                raise ArrangementError("Chỉ xoay trang theo bội số của 90°.")
            seen.add(page_id)
            pages.append((page_id, rotation % 360))
        if pages:
            cleaned.append(pages)
    if not cleaned:
        raise ArrangementError("Chưa có văn bản nào: hãy giữ lại ít nhất một trang.")
    return cleaned


def _locate(arrangement: Arrangement, page_id: int) -> tuple[int, int]:
    for d, document in enumerate(arrangement):
        for p, (pid, _rotation) in enumerate(document):
            if pid == page_id:
                return d, p
    raise ArrangementError("Trang không còn trong văn bản nào.")


def apply_operation(arrangement: Arrangement, operation: str, page_id: int) -> Arrangement:
    """Return a new arrangement after one of the clerk's buttons on a page.

    up / down: move the page one place; at a document's edge it passes into the neighbour
    document. rotate: 90° clockwise. remove: drop the page. split: a new document starts at
    the page. merge: the page's document joins the previous one.
    """
    result = [list(document) for document in arrangement]
    d, p = _locate(result, page_id)
    page = result[d][p]
    if operation == "rotate":
        result[d][p] = (page[0], (page[1] + 90) % 360)
    elif operation == "remove":
        del result[d][p]
    elif operation == "up":
        if p > 0:
            result[d][p - 1], result[d][p] = result[d][p], result[d][p - 1]
        elif d > 0:
            del result[d][p]
            result[d - 1].append(page)
    elif operation == "down":
        if p < len(result[d]) - 1:
            result[d][p + 1], result[d][p] = result[d][p], result[d][p + 1]
        elif d < len(result) - 1:
            del result[d][p]
            result[d + 1].insert(0, page)
    elif operation == "split":
        if p > 0:
            result[d : d + 1] = [result[d][:p], result[d][p:]]
    elif operation == "merge":
        if d > 0:
            result[d - 1 : d + 1] = [result[d - 1] + result[d]]
    else:
        raise ArrangementError("Thao tác không hợp lệ.")
    return [document for document in result if document]


def move_page(
    arrangement: Arrangement, page_id: int, *, before: int | None, document: int | None
) -> Arrangement:
    """Return a new arrangement with the page put before page `before`, or at the end of
    document number `document` (1-based; one past the last starts a new document)."""
    result = [list(pages) for pages in arrangement]
    d, p = _locate(result, page_id)
    page = result[d].pop(p)
    if before is not None and before != page_id:
        bd, bp = _locate(result, before)
        result[bd].insert(bp, page)
    elif document is not None and 1 <= document <= len(result):
        result[document - 1].append(page)
    elif document == len(result) + 1:
        result.append([page])
    else:
        raise ArrangementError("Không chuyển được trang tới vị trí đó.")
    return [pages for pages in result if pages]
