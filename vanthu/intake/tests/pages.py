"""Small generated pages for the scanning-batch tests: text, blank with scanner noise, separator."""

from __future__ import annotations

import io
import random
from pathlib import Path

import segno
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
PAGE = (620, 877)  # A4 at 75 dpi: small, quick to render


def text_pdf(pages: list[list[str]]) -> bytes:
    """A born-digital PDF, one page per list of lines."""
    pdfmetrics.registerFont(TTFont("DejaVu", str(FONT)))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    for lines in pages:
        page.setFont("DejaVu", 10)
        for n, line in enumerate(lines):
            page.drawString(70, 780 - 14 * n, line)
        page.showPage()
    page.save()
    return buffer.getvalue()


def noisy_page(seed: int = 1) -> Image.Image:
    """A white sheet as a scanner sees it: grey grain, black specks, a dark edge shadow."""
    rng = random.Random(seed)
    image = Image.effect_noise(PAGE, 12).point(lambda v: 215 + v * 40 // 255)
    pixels = image.load()
    assert pixels is not None
    for _ in range(PAGE[0] * PAGE[1] // 300):  # isolated dust specks
        pixels[rng.randrange(PAGE[0]), rng.randrange(PAGE[1])] = 0
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 12, PAGE[1]), fill=40)  # the scanner lid's shadow on the edge
    return image


def text_image(lines: list[str], seed: int = 2) -> Image.Image:
    """A scanned page of text: noise plus typed lines."""
    image = noisy_page(seed)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), 11)
    for n, line in enumerate(lines):
        draw.text((60, 80 + 16 * n), line, fill=20, font=font)
    return image


def separator_image(text: str = "VANTHU-TACH", seed: int = 3) -> Image.Image:
    """A scanned separator sheet: a QR code made with segno, on a noisy page."""
    image = noisy_page(seed)
    qr = segno.make_qr(text, error="h")
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=7, border=2)
    with Image.open(io.BytesIO(buffer.getvalue())) as code:
        image.paste(code.convert("L"), (200, 300))
    return image


def image_bytes(image: Image.Image, fmt: str = "PNG", **extra: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **extra)
    return buffer.getvalue()


def tiff_pages(images: list[Image.Image]) -> bytes:
    """A multi-page TIFF."""
    buffer = io.BytesIO()
    images[0].save(buffer, format="TIFF", save_all=True, append_images=images[1:])
    return buffer.getvalue()
