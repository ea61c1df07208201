"""Write a register book as PDF: A4 landscape, the NĐ 30/2020 Phụ lục IV columns, Unicode fonts.

The table is laid out row by row on a reportlab canvas rather than as one platypus Table, so a
period of ten thousand rows is drawn while the rows stream in: only the current page is held.
Fonts are DejaVu Serif (TrueType, embedded), which carries every Vietnamese letter
(TCVN 6909:2001); the core PDF fonts would not.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import IO

from django.utils import timezone
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from vanthu.reports.registers import Cell, Column, Heading, Layout, RegisterBook

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONTS = {
    "VanthuSerif": "DejaVuSerif.ttf",
    "VanthuSerif-Bold": "DejaVuSerif-Bold.ttf",
    "VanthuSerif-Italic": "DejaVuSerif-Italic.ttf",
    "VanthuSerifCondensed": "DejaVuSerifCondensed.ttf",
    "VanthuSerifCondensed-Bold": "DejaVuSerifCondensed-Bold.ttf",
    "VanthuSerifCondensed-Italic": "DejaVuSerifCondensed-Italic.ttf",
}

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
# A wider left margin leaves room to bind the printed book.
MARGIN_LEFT, MARGIN_RIGHT = 20 * mm, 12 * mm
MARGIN_TOP, MARGIN_BOTTOM = 14 * mm, 16 * mm

CELL_FONT, CELL_SIZE, CELL_LEADING = "VanthuSerifCondensed", 8.0, 9.6
HEAD_FONT, HEAD_SIZE, HEAD_LEADING = "VanthuSerifCondensed-Bold", 8.0, 9.6
PAD_X, PAD_Y = 1.2 * mm, 1.3 * mm
# Rows keep room for a handwritten signature in "Ký nhận", as in the paper book.
MIN_ROW_HEIGHT = 9 * mm
EMPTY = "Không có văn bản nào trong khoảng thời gian này."


@cache
def register_fonts() -> None:
    """Register the DejaVu fonts with reportlab once per process."""
    for name, filename in FONTS.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))


def cell_text(value: Cell) -> str:
    """Return a cell as printed: dates dd/mm/yyyy, received times with hour and minute."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Split text into lines that fit `width`, breaking words longer than a line."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        for line in simpleSplit(paragraph, font, size, width) or [""]:
            while pdfmetrics.stringWidth(line, font, size) > width and len(line) > 1:
                cut = len(line) - 1
                while cut > 1 and pdfmetrics.stringWidth(line[:cut], font, size) > width:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
            lines.append(line)
    return lines


class BookWriter:
    """Draw one book on a canvas: title block, repeated column headers, rows, page numbers."""

    def __init__(
        self,
        layout: Layout,
        heading: Heading,
        printed_at: datetime,
        out: IO[bytes] | None = None,
    ) -> None:
        register_fonts()
        self.layout = layout
        self.heading = heading
        self.printed_at = printed_at
        self.buffer: IO[bytes] = out if out is not None else io.BytesIO()
        self.canvas = Canvas(self.buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT))
        self.canvas.setTitle(f"{layout.title} — {heading.agency_name}")
        self.canvas.setAuthor(heading.agency_name)
        self.canvas.setSubject(heading.register_name)
        self.widths = [column.width_mm * mm for column in layout.columns]
        self.page = 0
        self.y = 0.0

    # --- Page furniture --------------------------------------------------------------------

    def _title_block(self) -> None:
        """Draw the book's title block: agency header, title, year, register, period, numbers."""
        c, h = self.canvas, self.heading
        top = PAGE_HEIGHT - MARGIN_TOP
        centre_x = MARGIN_LEFT + 45 * mm
        if h.parent_agency_name:
            c.setFont("VanthuSerif", 9.5)
            c.drawCentredString(centre_x, top - 9, h.parent_agency_name.upper())
            top -= 12
        c.setFont("VanthuSerif-Bold", 9.5)
        for line in wrap(h.agency_name.upper(), "VanthuSerif-Bold", 9.5, 90 * mm):
            c.drawCentredString(centre_x, top - 9, line)
            top -= 12
        c.setLineWidth(0.5)
        c.line(centre_x - 12 * mm, top - 4, centre_x + 12 * mm, top - 4)

        middle = PAGE_WIDTH / 2
        y = PAGE_HEIGHT - MARGIN_TOP - 44
        c.setFont("VanthuSerif-Bold", 16)
        c.drawCentredString(middle, y, self.layout.title)
        y -= 17
        c.setFont("VanthuSerif-Bold", 11)
        c.drawCentredString(middle, y, f"Năm: {h.years}")
        y -= 14
        c.setFont("VanthuSerif", 10)
        c.drawCentredString(middle, y, f"Sổ: {h.register_name}")
        y -= 13
        c.setFont("VanthuSerif-Italic", 10)
        c.drawCentredString(middle, y, h.period)
        self.y = y - 12

    def _column_headers(self) -> None:
        """Draw the column headers and the numbered row under them, as the decree's form."""
        c = self.canvas
        inner = [w - 2 * PAD_X for w in self.widths]
        titles = [
            wrap(col.title, HEAD_FONT, HEAD_SIZE, width)
            for col, width in zip(self.layout.columns, inner, strict=True)
        ]
        height = max(len(lines) for lines in titles) * HEAD_LEADING + 2 * PAD_Y
        top = self.y
        c.setFillGray(0.92)
        c.rect(MARGIN_LEFT, top - height, sum(self.widths), height, stroke=0, fill=1)
        c.setFillGray(0)
        x = MARGIN_LEFT
        c.setFont(HEAD_FONT, HEAD_SIZE)
        for lines, width in zip(titles, self.widths, strict=True):
            # Centre the header text vertically in its cell.
            block = len(lines) * HEAD_LEADING
            baseline = top - (height - block) / 2 - HEAD_SIZE
            for line in lines:
                c.drawCentredString(x + width / 2, baseline, line)
                baseline -= HEAD_LEADING
            x += width
        self._grid(top, height, width=0.8)
        numbers_height = 4.5 * mm
        c.setFont("VanthuSerifCondensed-Italic", 7.5)
        x = MARGIN_LEFT
        for index, width in enumerate(self.widths, start=1):
            c.drawCentredString(x + width / 2, top - height - numbers_height + 4.2, f"({index})")
            x += width
        self._grid(top - height, numbers_height, width=0.8)
        self.y = top - height - numbers_height

    def _grid(self, top: float, height: float, *, width: float = 0.4) -> None:
        """Draw the cell borders of one row."""
        c = self.canvas
        c.setLineWidth(width)
        right = MARGIN_LEFT + sum(self.widths)
        c.line(MARGIN_LEFT, top, right, top)
        c.line(MARGIN_LEFT, top - height, right, top - height)
        x = MARGIN_LEFT
        c.line(x, top, x, top - height)
        for w in self.widths:
            x += w
            c.line(x, top, x, top - height)

    def _footer(self) -> None:
        """Draw the page number (with the page count, filled in at the end) and print time."""
        c = self.canvas
        label = f"Trang {self.page}/"
        c.setFont("VanthuSerif", 8.5)
        label_width = pdfmetrics.stringWidth(label, "VanthuSerif", 8.5)
        x = PAGE_WIDTH / 2 - label_width / 2 - 4
        c.drawString(x, MARGIN_BOTTOM - 22, label)
        # The page count is known only at the end: a form drawn on every page, defined last.
        c.saveState()
        c.translate(x + label_width, MARGIN_BOTTOM - 22)
        c.doForm("page_count")
        c.restoreState()
        c.setFont("VanthuSerif-Italic", 7.5)
        c.drawString(
            MARGIN_LEFT, MARGIN_BOTTOM - 22, f"{self.layout.title} — {self.heading.agency_name}"
        )
        c.drawRightString(
            PAGE_WIDTH - MARGIN_RIGHT,
            MARGIN_BOTTOM - 22,
            f"In ngày {self.printed_at:%d/%m/%Y %H:%M}",
        )

    def _new_page(self) -> None:
        if self.page:
            self._footer()
            self.canvas.showPage()
        self.page += 1
        if self.page == 1:
            self._title_block()
        else:
            self.y = PAGE_HEIGHT - MARGIN_TOP
        self._column_headers()

    # --- Rows ------------------------------------------------------------------------------

    def _row(self, cells: Sequence[Cell]) -> None:
        texts = [cell_text(value) for value in cells]
        inner = [w - 2 * PAD_X for w in self.widths]
        lines = [
            wrap(text, CELL_FONT, CELL_SIZE, width) if text else []
            for text, width in zip(texts, inner, strict=True)
        ]
        height = max(MIN_ROW_HEIGHT, max(len(ls) for ls in lines) * CELL_LEADING + 2 * PAD_Y)
        if self.y - height < MARGIN_BOTTOM:
            self._new_page()
        c = self.canvas
        c.setFont(CELL_FONT, CELL_SIZE)
        x = MARGIN_LEFT
        for column, cell_lines, width in zip(self.layout.columns, lines, self.widths, strict=True):
            baseline = self.y - PAD_Y - CELL_SIZE
            for line in cell_lines:
                if column.kind == "text":
                    c.drawString(x + PAD_X, baseline, line)
                else:
                    c.drawCentredString(x + width / 2, baseline, line)
                baseline -= CELL_LEADING
            x += width
        self._grid(self.y, height)
        self.y -= height

    def _empty(self) -> None:
        c = self.canvas
        height = MIN_ROW_HEIGHT
        c.setFont("VanthuSerif-Italic", 9)
        c.drawCentredString(MARGIN_LEFT + sum(self.widths) / 2, self.y - height / 2 - 3, EMPTY)
        c.setLineWidth(0.4)
        c.rect(MARGIN_LEFT, self.y - height, sum(self.widths), height)
        self.y -= height

    def write(self, rows: Iterable[Sequence[Cell]]) -> None:
        """Draw every row, then the page count, and write the finished PDF to the output."""
        self._new_page()
        count = 0
        for cells in rows:
            self._row(cells)
            count += 1
        if not count:
            self._empty()
        self._footer()
        c = self.canvas
        c.beginForm("page_count")
        c.setFont("VanthuSerif", 8.5)
        c.drawString(0, 0, str(self.page))
        c.endForm()
        c.showPage()
        c.save()


def book_pdf_write(
    book: RegisterBook, out: IO[bytes], *, printed_at: datetime | None = None
) -> None:
    """Write a register book as a PDF document to the binary file `out`."""
    printed = timezone.localtime(printed_at or timezone.now())
    BookWriter(book.layout, book.heading, printed, out).write(book.rows)


def book_pdf(book: RegisterBook, *, printed_at: datetime | None = None) -> bytes:
    """Return a register book as a PDF document."""
    buffer = io.BytesIO()
    book_pdf_write(book, buffer, printed_at=printed_at)
    return buffer.getvalue()


__all__ = ["Column", "book_pdf", "book_pdf_write", "cell_text", "register_fonts", "wrap"]
