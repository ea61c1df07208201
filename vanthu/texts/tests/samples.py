"""Small real files for the tests, made here: PDFs (text layer and scan), DOCX, ODT, images."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
REPOSITORY = Path(__file__).resolve().parents[3]
SEED = REPOSITORY.parent / "shared" / "seed" / "QD-22-2017-UBND-KhanhHoa.txt"

VIETNAMESE = (
    "Quyết định ban hành Quy định trao đổi, lưu trữ, xử lý văn bản điện tử "
    "trong hoạt động của cơ quan nhà nước tỉnh Khánh Hòa."
)


def text_pdf(paragraphs: list[str]) -> bytes:
    """A PDF with a real text layer, set in DejaVu Serif (every Vietnamese letter)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    if "DejaVuSerif" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSerif", DEJAVU))
    style = ParagraphStyle("vi", fontName="DejaVuSerif", fontSize=12, leading=16)
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build(
        [Paragraph(p.replace("&", "&amp;").replace("<", "&lt;"), style) for p in paragraphs]
    )
    return buffer.getvalue()


def page_image(
    lines: list[str], *, dpi: int = 300, size: float = 12, width_mm: float = 210
) -> object:
    """A white page (PIL image) with the lines set in DejaVu Serif at `size` points."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(DEJAVU, round(size * dpi / 72))
    width = round(width_mm / 25.4 * dpi)
    line_height = round(size * 1.5 * dpi / 72)
    margin = round(20 / 25.4 * dpi)
    image = Image.new("L", (width, margin * 2 + line_height * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(lines):
        draw.text((margin, margin + index * line_height), line, font=font, fill=0)
    return image


def scanned_look(
    image: object, *, angle: float = 0.6, noise: float = 0.002, seed: int = 7
) -> object:
    """Make a clean render look scanned: a slight rotation, salt-and-pepper noise, bilevel."""
    from PIL import Image, ImageFilter

    assert isinstance(image, Image.Image)
    rotated = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    blurred = rotated.filter(ImageFilter.GaussianBlur(0.6))
    pixels = blurred.load()
    rng = random.Random(seed)
    width, height = blurred.size
    for _ in range(int(width * height * noise)):
        x, y = rng.randrange(width), rng.randrange(height)
        pixels[x, y] = 0 if rng.random() < 0.5 else 255  # type: ignore[index]
    return blurred.point(lambda v: 255 if v > 150 else 0, mode="1")


def png(image: object, dpi: int = 300) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(dpi, dpi))  # type: ignore[attr-defined]
    return buffer.getvalue()


def scan_pdf(images: list[object], dpi: int = 300) -> bytes:
    """An image-only PDF (a scan): one page per image, no text layer."""
    import img2pdf

    return bytes(
        img2pdf.convert(
            [png(i, dpi) for i in images],
            layout_fun=img2pdf.get_fixed_dpi_layout_fun((dpi, dpi)),
        )
    )


def _zip(members: dict[str, bytes], *, first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if first:
            archive.writestr(first, members.pop(first), compress_type=zipfile.ZIP_STORED)
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx(paragraphs: list[str]) -> bytes:
    """A minimal DOCX made by hand: paragraphs of runs, one with a tab and a line break."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

    def para(text: str) -> str:
        head, _, tail = text.partition(" ")
        return (
            f'<w:p><w:r><w:t xml:space="preserve">{head} </w:t></w:r>'
            f"<w:r><w:rPr><w:b/></w:rPr><w:t>{tail}</w:t></w:r></w:p>"
        )

    body = "".join(para(p) for p in paragraphs)
    body += (
        "<w:p><w:r><w:t>Nơi nhận:</w:t><w:tab/><w:t>Như trên</w:t>"
        "<w:br/><w:t>Lưu VT</w:t></w:r></w:p>"
    )
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{w}"><w:body>{body}</w:body></w:document>'
    ).encode()
    return _zip(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
            "word/document.xml": document,
        }
    )


def odt(paragraphs: list[str]) -> bytes:
    """A minimal ODT made by hand: a heading, paragraphs with spans and spaces (text:s)."""
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    text = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    body = f"<text:h>{paragraphs[0]}</text:h>" + "".join(
        f"<text:p><text:span>{p.split(' ', 1)[0]}</text:span> {p.split(' ', 1)[1]}</text:p>"
        for p in paragraphs[1:]
    )
    body += '<text:p>Số:<text:s text:c="3"/>22<text:tab/>Khánh Hòa</text:p>'
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>'
        f'<office:document-content xmlns:office="{office}" xmlns:text="{text}">'
        f"<office:body><office:text>{body}</office:text></office:body>"
        f"</office:document-content>"
    ).encode()
    return _zip(
        {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": content},
        first="mimetype",
    )


def zip_bomb(member: str, size: int = 200 * 1024 * 1024) -> bytes:
    """A zip whose one member inflates to `size` bytes of zeros (about 200 kB compressed)."""
    buffer = io.BytesIO()
    chunk = b"\0" * (1024 * 1024)
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open(member, "w", force_zip64=True) as handle,
    ):
        for _ in range(size // len(chunk)):
            handle.write(chunk)
    return buffer.getvalue()


# --- The seed regulation as a scanned-looking document (tests and bench/ocr.py) -------------


def seed_lines() -> list[str]:
    """The seed regulation's paragraphs (its bold markers removed), one per line."""
    text = SEED.read_text(encoding="utf-8").replace("**", "")
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def wrap_pages(
    paragraphs: list[str], *, dpi: int = 300, size: float = 12, lines_per_page: int = 42
) -> list[list[str]]:
    """Wrap paragraphs to an A4 text width (25 mm margins) in DejaVu Serif; cut into pages."""
    from PIL import ImageFont

    font = ImageFont.truetype(DEJAVU, round(size * dpi / 72))
    width = round((210 - 45) / 25.4 * dpi)
    lines: list[str] = []
    for paragraph in paragraphs:
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}".strip()
            if current and font.getlength(candidate) > width:
                lines.append(current)
                current = word
            else:
                current = candidate
        lines.append(current)
    return [lines[i : i + lines_per_page] for i in range(0, len(lines), lines_per_page)]


def scanned_pages(pages: list[list[str]], *, dpi: int = 300) -> list[object]:
    """One scanned-looking A4 image per page of lines (rotation alternating ±0.5°, noise)."""
    images = []
    for index, lines in enumerate(pages):
        page = page_image(lines, dpi=dpi)
        images.append(scanned_look(page, angle=0.5 if index % 2 else -0.4, seed=index))
    return images


def levenshtein(a: str, b: str) -> int:
    """The edit distance between two strings (insertions, deletions, substitutions)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def edit_distance(reference: str, hypothesis: str) -> int:
    """Levenshtein distance, computed between the long runs both texts share.

    Runs of 12 or more equal characters (difflib) anchor the alignment; the distance is summed
    over the gaps between them. For texts this close this is the Levenshtein distance; it can
    only overstate it, so the accuracy it gives is never flattering.
    """
    import difflib

    matcher = difflib.SequenceMatcher(None, reference, hypothesis, autojunk=False)
    distance, ref_at, hyp_at = 0, 0, 0
    for block in matcher.get_matching_blocks():
        if block.size < 12 and block.size != 0:
            continue
        distance += levenshtein(reference[ref_at : block.a], hypothesis[hyp_at : block.b])
        ref_at, hyp_at = block.a + block.size, block.b + block.size
    return distance


def normalise(text: str) -> str:
    """NFC, white space collapsed to single spaces: what character accuracy compares."""
    import unicodedata

    return " ".join(unicodedata.normalize("NFC", text).split())


def character_accuracy(reference: str, hypothesis: str) -> float:
    """1 - CER, on NFC text with white space normalised."""
    ref, hyp = normalise(reference), normalise(hypothesis)
    return 1 - edit_distance(ref, hyp) / max(len(ref), 1)
