"""Sample documents for the demo: the registers a clerk of the demo finds when signing in.

Runs on `organizations.signals.demo_data_loaded`, after every agency has its registers and
exchange policy. Every document goes through the public services, acting as the demo clerk of
its agency (`vanthu.stttt`, `vanthu.stc`), so numbering, the journal, the legal received time of
Điều 10 and the exchange policy of Điều 4 and 5 are the real ones:

- Sở Thông tin và Truyền thông receives some forty documents of the last two months from the
  provincial committee, its office, other departments, districts and wards and a few senders
  outside the directory — electronic PDFs, paper documents registered from their scans, one
  paper copy recorded after its electronic original — and issues about fifteen: drafts, Công văn
  sent electronically only ("(VBĐT)" in Nơi nhận), a Quyết định, documents sent electronically
  and on paper with their paper-dispatch task (one done, one overdue).
- Sở Tài chính receives a handful, some of them the very files STTTT sent it, so the isolation
  of agencies is visible: each clerk sees only the register of their own agency.

The services take the received time of an incoming document from the clock (Điều 10), so every
sample document is received at load time; document dates, due dates, issue dates and sending
times spread over the past weeks. Content is generated: deterministic (a seeded random), each
file a realistic one- or two-page administrative document (NĐ 30/2020 Phụ lục I layout) drawn
once and rendered as a PDF (reportlab) or as a scanned page (Pillow).
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from vanthu.core.actor import Actor
from vanthu.core.calendar import WorkingCalendar, working_calendar
from vanthu.core.errors import Conflict, NotFound, PermissionDenied
from vanthu.organizations import permissions
from vanthu.organizations.actors import actor_for_person
from vanthu.organizations.choices import AgencyKind, Role
from vanthu.organizations.models import Agency, Person, RoleGrant, Unit
from vanthu.registry.choices import IntakeChannel, Purpose, Urgency
from vanthu.registry.incoming import (
    IncomingData,
    incoming_document_register,
    incoming_paper_copy_record,
)
from vanthu.registry.models import (
    DocumentType,
    IncomingDocument,
    OutgoingDocument,
    PaperDispatchTask,
)
from vanthu.registry.outgoing import (
    OutgoingData,
    RecipientData,
    outgoing_document_create,
    outgoing_document_issue,
    outgoing_document_mark_sent,
    paper_dispatch_complete,
)

SEED = 22_2017_06  # QĐ 22/2017 Điều 6: the same registers on every machine
HOME = "STTTT"
OTHER = "STC"
CLERKS = {HOME: "vanthu.stttt", OTHER: "vanthu.stc"}
SPAN_DAYS = 60  # documents of the last two months

# --- Drawing: a document is laid out once as drawing operations, then rendered twice ---------

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONTS = {
    "DemoSerif": "DejaVuSerif.ttf",
    "DemoSerif-Bold": "DejaVuSerif-Bold.ttf",
    "DemoSerif-Italic": "DejaVuSerif-Italic.ttf",
    "DemoSerif-BoldItalic": "DejaVuSerif-BoldItalic.ttf",
}
REGULAR, BOLD, ITALIC, BOLD_ITALIC = FONTS
MM = 72 / 25.4
PAGE_W, PAGE_H = 210 * MM, 297 * MM
LEFT, RIGHT, TOP, BOTTOM = 30 * MM, 15 * MM, 20 * MM, 20 * MM
TEXT_W = PAGE_W - LEFT - RIGHT
_Colour = tuple[int, int, int]
INK = (20, 20, 20)
RED = (200, 30, 35)
BLUE = (25, 45, 150)
SCAN_DPI = 110


@dataclass(frozen=True, slots=True)
class _Text:
    x: float
    y: float  # baseline, from the top of the page, in points
    text: str
    font: str
    size: float
    color: _Colour = INK


@dataclass(frozen=True, slots=True)
class _Stroke:
    points: tuple[tuple[float, float], ...]
    width: float
    color: _Colour = INK


@dataclass(frozen=True, slots=True)
class _Ring:
    cx: float
    cy: float
    r: float
    width: float
    color: _Colour = RED


_Op = _Text | _Stroke | _Ring


@cache
def _fonts_registered() -> bool:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name, filename in FONTS.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
    return True


def _width(text: str, font: str, size: float) -> float:
    from reportlab.pdfbase import pdfmetrics

    _fonts_registered()
    return float(pdfmetrics.stringWidth(text, font, size))


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if line and _width(candidate, font, size) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines


@dataclass(frozen=True, slots=True)
class _P:
    """One block of the body: a paragraph, a heading, a centred or an italic line."""

    text: str
    style: str = "p"  # p: justified paragraph; h: bold heading; c: bold centred; i: italic


@dataclass(frozen=True, slots=True)
class _Paper:
    """What one page set says, in the layout of NĐ 30/2020 Phụ lục I."""

    header: tuple[str, str]  # governing body (may be ""), issuing body
    number_line: str
    place_date: str
    title: str  # "" for a Công văn (its summary goes under the number)
    summary: str
    urgency: str
    addressees: tuple[str, ...]
    body: tuple[_P, ...]
    recipients: tuple[str, ...]
    sign_lines: tuple[str, ...]
    signer: str
    seal: str
    draft: bool = False


class _Layout:
    """Flows text down A4 pages, breaking pages and numbering them from page 2 (NĐ 30)."""

    def __init__(self) -> None:
        self.pages: list[list[_Op]] = [[]]
        self.y = TOP

    def _ops(self) -> list[_Op]:
        return self.pages[-1]

    def need(self, height: float) -> None:
        if self.y + height > PAGE_H - BOTTOM:
            self.pages.append([])
            self.y = TOP + 6 * MM
            self.centre(PAGE_W / 2, str(len(self.pages)), REGULAR, 11, TOP)

    def put(
        self, x: float, y: float, text: str, font: str, size: float, color: _Colour = INK
    ) -> None:
        self._ops().append(_Text(x, y, text, font, size, color))

    def centre(self, cx: float, text: str, font: str, size: float, y: float) -> None:
        self.put(cx - _width(text, font, size) / 2, y, text, font, size)

    def rule(self, cx: float, y: float, length: float) -> None:
        self._ops().append(_Stroke(((cx - length / 2, y), (cx + length / 2, y)), 0.6))

    def stroke(self, points: Sequence[tuple[float, float]], width: float, color: _Colour) -> None:
        self._ops().append(_Stroke(tuple(points), width, color))

    def ring(self, cx: float, cy: float, r: float, width: float) -> None:
        self._ops().append(_Ring(cx, cy, r, width))

    def paragraph(self, block: _P, size: float = 12.0) -> None:
        leading = size * 1.38
        if block.style in ("h", "c"):
            font = BOLD
        elif block.style == "i":
            font = ITALIC
        else:
            font = REGULAR
        indent = 10 * MM if block.style in ("p", "i") else 0.0
        # The first line is indented; the rest is wrapped again at the full width.
        lines = _wrap(block.text, font, size, TEXT_W - indent)[:1]
        if lines:
            lines += _wrap(block.text[len(lines[0]) :], font, size, TEXT_W)
        for index, line in enumerate(lines):
            self.need(leading)
            self.y += leading
            x = LEFT + (indent if index == 0 else 0.0)
            if block.style == "c":
                self.centre(LEFT + TEXT_W / 2, line, font, size, self.y)
                continue
            width = TEXT_W - (indent if index == 0 else 0.0)
            words = line.split()
            last = index == len(lines) - 1
            if block.style == "p" and not last and len(words) > 1:
                gap = (width - sum(_width(w, font, size) for w in words)) / (len(words) - 1)
                for word in words:
                    self.put(x, self.y, word, font, size)
                    x += _width(word, font, size) + gap
            else:
                self.put(x, self.y, line, font, size)
        self.y += size * 0.35


def _compose(paper: _Paper, *, variant: int) -> list[list[_Op]]:
    """Lay out one document on A4 pages (NĐ 30/2020 Phụ lục I: header, body, Nơi nhận, sign)."""
    page = _Layout()
    left_cx = LEFT + 30 * MM
    right_cx = LEFT + 62 * MM + (TEXT_W - 62 * MM) / 2 + 4 * MM
    y = TOP + 12
    governing, issuing = paper.header
    for line in _wrap(governing, REGULAR, 10.5, 62 * MM):
        page.centre(left_cx, line, REGULAR, 10.5, y)
        y += 14
    for line in _wrap(issuing, BOLD, 11, 80 * MM):
        page.centre(left_cx, line, BOLD, 11, y)
        y += 14
    page.rule(left_cx, y - 10, 26 * MM)
    page.centre(right_cx, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", BOLD, 10.5, TOP + 12)
    page.centre(right_cx, "Độc lập - Tự do - Hạnh phúc", BOLD, 11.5, TOP + 27)
    page.rule(right_cx, TOP + 31, _width("Độc lập - Tự do - Hạnh phúc", BOLD, 11.5))
    y = max(y, TOP + 42) + 8
    page.centre(left_cx, paper.number_line, REGULAR, 11.5, y)
    page.centre(right_cx, paper.place_date, ITALIC, 11.5, y)
    if not paper.title:
        for line in _wrap(paper.summary, REGULAR, 10.5, 70 * MM):
            y += 13
            page.centre(left_cx, line, REGULAR, 10.5, y)
    if paper.urgency:
        y += 24
        w = _width(paper.urgency, BOLD, 12) + 5 * MM
        x0 = left_cx - w / 2
        page.stroke(
            ((x0, y - 13), (x0 + w, y - 13), (x0 + w, y + 5), (x0, y + 5), (x0, y - 13)), 1, INK
        )
        page.centre(left_cx, paper.urgency, BOLD, 12, y)
    if paper.draft:
        page.centre(LEFT + TEXT_W / 2, "DỰ THẢO", BOLD, 13, y + 4)
    page.y = y + 10
    if paper.title:
        page.y += 10
        page.paragraph(_P(paper.title, "c"), 14)
        for line in _wrap(paper.summary, BOLD, 12, TEXT_W - 20 * MM):
            page.y += 15
            page.centre(LEFT + TEXT_W / 2, line, BOLD, 12, page.y)
        page.y += 4
        page.rule(LEFT + TEXT_W / 2, page.y, 30 * MM)
        page.y += 6
    if paper.addressees:
        page.y += 10
        label = "Kính gửi:" if paper.title != "GIẤY MỜI" else "Kính mời:"
        x_label = LEFT + 22 * MM
        x_text = x_label + _width(label + " ", REGULAR, 12.5)
        page.put(x_label, page.y + 8, label, REGULAR, 12.5)
        several = len(paper.addressees) > 1
        for name in paper.addressees:
            for line in _wrap(("- " if several else "") + name, REGULAR, 12.5, TEXT_W - 40 * MM):
                page.y += 17
                page.put(x_text, page.y - 9, line, REGULAR, 12.5)
        page.y += 4
    for block in paper.body:
        page.paragraph(block)
    # Nơi nhận (left) and the signature block (right), kept together.
    block_h = 36 * MM + 12 * max(len(paper.recipients), len(paper.sign_lines) + 1)
    page.need(block_h)
    top = page.y + 14
    page.put(LEFT, top, "Nơi nhận:", BOLD_ITALIC, 10.5)
    ry = top
    for line in paper.recipients:
        for part in _wrap(line, REGULAR, 9.5, 70 * MM):
            ry += 11.5
            page.put(LEFT, ry, part, REGULAR, 9.5)
    sign_cx = LEFT + TEXT_W - 38 * MM
    sy = top
    for line in paper.sign_lines:
        page.centre(sign_cx, line, BOLD, 11.5, sy)
        sy += 14
    if not paper.draft:
        # The seal overlaps the left third of the signature, as stamped by hand.
        cx, cy = sign_cx - 12 * MM, sy + 14 * MM
        page.ring(cx, cy, 16 * MM, 1.6)
        page.ring(cx, cy, 11.5 * MM, 0.9)
        star = [
            (
                cx + (4.5 * MM if k % 2 == 0 else 1.8 * MM) * math.sin(k * math.pi / 5),
                cy + 2 * MM - (4.5 * MM if k % 2 == 0 else 1.8 * MM) * math.cos(k * math.pi / 5),
            )
            for k in range(11)
        ]
        page.stroke(star, 1.0, RED)
        seal_lines = _wrap(paper.seal, BOLD, 5.5, 19 * MM)[:3]
        for n, line in enumerate(seal_lines):
            ty = cy - 4.5 * MM - (len(seal_lines) - 1 - n) * 6.5
            page.put(cx - _width(line, BOLD, 5.5) / 2, ty, line, BOLD, 5.5, RED)
        wobble = 2.5 + variant % 3
        points = [
            (
                sign_cx - 14 * MM + t * 1.2,
                sy + 16 * MM + wobble * math.sin(t / (2.2 + variant % 4)) - t * 0.18,
            )
            for t in range(0, 60)
        ]
        page.stroke(points, 1.1, BLUE)
    page.centre(sign_cx, paper.signer, BOLD, 12, sy + 30 * MM)
    return page.pages


def _pdf(pages: list[list[_Op]], *, title: str, author: str) -> bytes:
    """Render pages as a PDF; `invariant` makes the bytes the same on every run."""
    from reportlab.pdfgen.canvas import Canvas

    _fonts_registered()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(PAGE_W, PAGE_H), invariant=1, pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setCreator("Vanthu (dữ liệu mẫu)")
    for ops in pages:
        for op in ops:
            if isinstance(op, _Text):
                canvas.setFillColorRGB(*(c / 255 for c in op.color))
                canvas.setFont(op.font, op.size)
                canvas.drawString(op.x, PAGE_H - op.y, op.text)
            elif isinstance(op, _Stroke):
                canvas.setStrokeColorRGB(*(c / 255 for c in op.color))
                canvas.setLineWidth(op.width)
                path = canvas.beginPath()
                (x0, y0), *rest = op.points
                path.moveTo(x0, PAGE_H - y0)
                for x, y in rest:
                    path.lineTo(x, PAGE_H - y)
                canvas.drawPath(path, stroke=1, fill=0)
            else:
                canvas.setStrokeColorRGB(*(c / 255 for c in op.color))
                canvas.setLineWidth(op.width)
                canvas.circle(op.cx, PAGE_H - op.cy, op.r, stroke=1, fill=0)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@cache
def _pil_font(name: str, pixels: int) -> Any:
    from PIL import ImageFont

    return ImageFont.truetype(str(FONT_DIR / FONTS[name]), pixels)


def _png(ops: list[_Op], *, tilt: float) -> bytes:
    """Render one page as a scanned image: off-white paper, slightly tilted, 110 dpi."""
    from PIL import Image, ImageDraw

    scale = SCAN_DPI / 72
    paper = (246, 244, 238)
    image = Image.new("RGB", (round(PAGE_W * scale), round(PAGE_H * scale)), paper)
    draw = ImageDraw.Draw(image)
    for op in ops:
        if isinstance(op, _Text):
            font = _pil_font(op.font, max(6, round(op.size * scale)))
            draw.text((op.x * scale, op.y * scale), op.text, font=font, fill=op.color, anchor="ls")
        elif isinstance(op, _Stroke):
            points = [(x * scale, y * scale) for x, y in op.points]
            draw.line(points, fill=op.color, width=max(1, round(op.width * scale)))
        else:
            box = [
                (op.cx - op.r) * scale,
                (op.cy - op.r) * scale,
                (op.cx + op.r) * scale,
                (op.cy + op.r) * scale,
            ]
            draw.ellipse(box, outline=op.color, width=max(1, round(op.width * scale)))
    image = image.rotate(tilt, resample=Image.Resampling.BILINEAR, fillcolor=(70, 70, 70))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=3, dpi=(SCAN_DPI, SCAN_DPI))
    return buffer.getvalue()


# --- Vietnamese administrative text -------------------------------------------------------------


def _date_words(day: date) -> str:
    """Return "ngày 05 tháng 3 năm 2026" (NĐ 30/2020: days below 10, months 1 and 2 with 0)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def _place(agency: Agency | None) -> str:
    """Return the place name of the date line: the district town, else the province."""
    if agency is not None and agency.kind in (
        AgencyKind.DISTRICT_COMMITTEE,
        AgencyKind.COMMUNE_COMMITTEE,
    ):
        for part in agency.address.split(","):
            part = part.strip()
            for prefix in ("thành phố ", "thị xã ", "huyện "):
                if part.lower().startswith(prefix):
                    return part[len(prefix) :]
    return "Khánh Hòa"


def _header(agency: Agency) -> tuple[str, str]:
    if agency.name.startswith("Ủy ban nhân dân "):
        return "ỦY BAN NHÂN DÂN", agency.name.removeprefix("Ủy ban nhân dân ").upper()
    if agency.kind == AgencyKind.PROVINCIAL_OFFICE:
        return "UBND TỈNH KHÁNH HÒA", "VĂN PHÒNG"
    return "UBND TỈNH KHÁNH HÒA", agency.name.upper()


def _code(agency: Agency) -> str:
    """Return the issuing body's part of a ký hiệu (districts and wards sign as UBND)."""
    if agency.kind in (AgencyKind.DISTRICT_COMMITTEE, AgencyKind.COMMUNE_COMMITTEE):
        return "UBND"
    return agency.short_name


def _is_committee(agency: Agency) -> bool:
    return agency.name.startswith("Ủy ban nhân dân ")


URGENCY_MARKS = {
    Urgency.NORMAL: "",
    Urgency.URGENT: "KHẨN",
    Urgency.VERY_URGENT: "THƯỢNG KHẨN",
    Urgency.FLASH: "HỎA TỐC",
}
TITLES = {
    "quyet-dinh": "QUYẾT ĐỊNH",
    "ke-hoach": "KẾ HOẠCH",
    "thong-bao": "THÔNG BÁO",
    "giay-moi": "GIẤY MỜI",
    "bao-cao": "BÁO CÁO",
    "to-trinh": "TỜ TRÌNH",
    "cong-van": "",
}
BASES = (
    "Kế hoạch số 85/KH-UBND ngày 12/3/2026 của Ủy ban nhân dân tỉnh về chuyển đổi số năm 2026",
    "Quyết định số 22/2017/QĐ-UBND của Ủy ban nhân dân tỉnh Khánh Hòa ban hành Quy định trao "
    "đổi, lưu trữ, xử lý văn bản điện tử trên môi trường mạng",
    "Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư",
    "Chương trình công tác năm 2026 của Ủy ban nhân dân tỉnh",
    "ý kiến chỉ đạo của Lãnh đạo Ủy ban nhân dân tỉnh tại cuộc họp giao ban tháng 10 năm 2026",
)
TASKS = (
    "Rà soát, cập nhật danh mục hệ thống thông tin, cơ sở dữ liệu đang vận hành; xác định "
    "cấp độ an toàn hệ thống thông tin theo quy định.",
    "Bố trí cán bộ đầu mối, bảo đảm kinh phí và điều kiện cần thiết để triển khai đúng tiến độ; "
    "định kỳ hằng quý báo cáo kết quả thực hiện.",
    "Đẩy mạnh xử lý văn bản, hồ sơ công việc trên môi trường mạng; sử dụng chữ ký số chuyên "
    "dùng cho văn bản điện tử phát hành theo quy định.",
    "Tuyên truyền, phổ biến đến cán bộ, công chức, viên chức và người dân về lợi ích của dịch "
    "vụ công trực tuyến, thanh toán không dùng tiền mặt.",
    "Phối hợp với các doanh nghiệp viễn thông bảo đảm hạ tầng kết nối, đường truyền số liệu "
    "chuyên dùng thông suốt, an toàn.",
    "Tổng hợp khó khăn, vướng mắc phát sinh trong quá trình thực hiện, đề xuất giải pháp tháo "
    "gỡ gửi cơ quan chủ trì để tổng hợp, báo cáo.",
)

FIRST_SECTIONS = {
    "ke-hoach": "Yêu cầu các cơ quan, đơn vị xác định rõ nhiệm vụ, thời hạn hoàn thành và người "
    "chịu trách nhiệm; bảo đảm sự phối hợp chặt chẽ giữa các cấp, các ngành; kết quả thực hiện là "
    "một tiêu chí đánh giá, xếp loại thi đua cuối năm của cơ quan, đơn vị và người đứng đầu.",
    "bao-cao": "Công tác lãnh đạo, chỉ đạo được triển khai kịp thời, đồng bộ; hạ tầng kỹ thuật "
    "cơ bản đáp ứng yêu cầu; các hệ thống thông tin dùng chung vận hành ổn định, an toàn, không "
    "để xảy ra sự cố nghiêm trọng; nhận thức của cán bộ, công chức được nâng lên rõ rệt.",
}
FUNDING = (
    "Kinh phí thực hiện từ nguồn ngân sách nhà nước được giao trong dự toán hằng năm của các cơ "
    "quan, đơn vị theo phân cấp hiện hành và các nguồn kinh phí hợp pháp khác; Sở Tài chính "
    "tham mưu bố trí kinh phí theo khả năng cân đối ngân sách."
)


@dataclass(frozen=True, slots=True)
class _In:
    """One sample incoming document: who sent it, what it is, how it arrives."""

    sender: str  # agency short name, or a key of OUTSIDERS
    type_code: str
    unit: str  # unit part of a Công văn ký hiệu
    summary: str
    detail: str
    urgency: str = Urgency.NORMAL
    due: int | None = None  # calendar days after the document date
    scan: bool = False
    wide: bool = False  # addressed to every department: Sở Tài chính receives it as well
    paper: bool = False  # its paper copy arrives later (Điều 6.1.b)


@dataclass(frozen=True, slots=True)
class _Outsider:
    """A sender outside the directory (a ministry, an enterprise)."""

    name: str
    code: str
    header: tuple[str, str]
    place: str
    signer: str
    position: str
    sign_lines: tuple[str, ...]
    per_day: float


OUTSIDERS = {
    "BTTTT": _Outsider(
        "Bộ Thông tin và Truyền thông",
        "BTTTT-CĐSQG",
        ("", "BỘ THÔNG TIN VÀ TRUYỀN THÔNG"),
        "Hà Nội",
        "Nguyễn Huy Dũng",
        "Thứ trưởng",
        ("KT. BỘ TRƯỞNG", "THỨ TRƯỞNG"),
        16.0,
    ),
    "VNPT": _Outsider(
        "Viễn thông Khánh Hòa",
        "VNPT-KHA-KHDN",
        ("TẬP ĐOÀN BƯU CHÍNH VIỄN THÔNG VIỆT NAM", "VIỄN THÔNG KHÁNH HÒA"),
        "Khánh Hòa",
        "Trần Quốc Bảo",
        "Giám đốc",
        ("GIÁM ĐỐC",),
        3.0,
    ),
    "BĐKH": _Outsider(
        "Bưu điện tỉnh Khánh Hòa",
        "BĐKH-KD",
        ("TỔNG CÔNG TY BƯU ĐIỆN VIỆT NAM", "BƯU ĐIỆN TỈNH KHÁNH HÒA"),
        "Khánh Hòa",
        "Lê Thị Minh Châu",
        "Phó Giám đốc",
        ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
        2.0,
    ),
}

U, VU, F = Urgency.URGENT, Urgency.VERY_URGENT, Urgency.FLASH
# Oldest first; dates are drawn over the last two months in this order.
# fmt: off
HOME_INCOMING: tuple[_In, ...] = (
    _In("UBND", "ke-hoach", "", "Kế hoạch chuyển đổi số tỉnh Khánh Hòa năm 2026",
        "Triển khai đồng bộ các nhiệm vụ chuyển đổi số trên ba trụ cột chính quyền số, kinh tế "
        "số, xã hội số; Sở Thông tin và Truyền thông là cơ quan thường trực, theo dõi, đôn đốc.",
        wide=True, paper=True),
    _In("VPUBND", "cong-van", "KT",
        "V/v triển khai Kế hoạch chuyển đổi số năm 2026",
        "Chủ tịch UBND tỉnh giao Sở Thông tin và Truyền thông chủ trì, hướng dẫn các sở, ngành, "
        "địa phương xây dựng kế hoạch chi tiết, báo cáo kết quả hằng quý."),
    _In("STC", "cong-van", "QLNS",
        "V/v hướng dẫn lập dự toán ngân sách nhà nước năm 2027",
        "Sở Tài chính đề nghị các đơn vị lập dự toán chi ứng dụng công nghệ thông tin, chuyển "
        "đổi số năm 2027 theo đúng định mức, gửi về Sở Tài chính đúng hạn.", wide=True),
    _In("SNV", "cong-van", "CCVTLT",
        "V/v kiểm tra công tác văn thư, lưu trữ năm 2026",
        "Sở Nội vụ thông báo lịch kiểm tra công tác văn thư, lưu trữ và việc quản lý văn bản "
        "điện tử tại cơ quan; đề nghị chuẩn bị hồ sơ, báo cáo tự kiểm tra.", due=15),
    _In("BTTTT", "cong-van", "",
        "V/v hướng dẫn đánh giá mức độ chuyển đổi số cấp tỉnh năm 2026",
        "Bộ Thông tin và Truyền thông hướng dẫn bộ chỉ số đánh giá mức độ chuyển đổi số (DTI) "
        "cấp tỉnh; đề nghị Sở chủ trì thu thập số liệu, cập nhật lên hệ thống trực tuyến."),
    _In("UBND TP Nha Trang", "cong-van", "VP",
        "V/v đề nghị hỗ trợ triển khai hệ thống camera giám sát an ninh trật tự",
        "UBND thành phố Nha Trang đề nghị Sở hỗ trợ thẩm định thiết kế, hướng dẫn kết nối hệ "
        "thống camera giám sát với Trung tâm giám sát, điều hành đô thị thông minh."),
    _In("UBND", "quyet-dinh", "",
        "Về việc phê duyệt danh mục dự án ứng dụng công nghệ thông tin năm 2026",
        "Phê duyệt danh mục 12 dự án ứng dụng công nghệ thông tin, chuyển đổi số sử dụng ngân "
        "sách tỉnh năm 2026; giao Sở Thông tin và Truyền thông hướng dẫn, thẩm định."),
    _In("VNPT", "cong-van", "",
        "V/v đề nghị phối hợp nâng cấp mạng truyền số liệu chuyên dùng",
        "Viễn thông Khánh Hòa đề nghị Sở phối hợp khảo sát, nâng cấp băng thông mạng truyền số "
        "liệu chuyên dùng cấp II tại các xã, phường trong quý IV.", scan=True),
    _In("SKHĐT", "cong-van", "THQH",
        "V/v đăng ký danh mục dự án đầu tư công trung hạn giai đoạn 2026-2030",
        "Sở Kế hoạch và Đầu tư đề nghị Sở đăng ký danh mục dự án công nghệ thông tin dự kiến "
        "bố trí vốn đầu tư công trung hạn, kèm thuyết minh sự cần thiết.", U),
    _In("VPUBND", "giay-moi", "",
        "Mời dự họp nghe báo cáo tiến độ xây dựng Trung tâm dữ liệu tỉnh",
        "Họp nghe Sở Thông tin và Truyền thông báo cáo tiến độ xây dựng Trung tâm dữ liệu tỉnh "
        "và phương án di chuyển các hệ thống thông tin dùng chung."),
    _In("STP", "cong-van", "XDKTVB",
        "V/v góp ý dự thảo Quyết định ban hành Quy chế quản lý, vận hành Cổng dịch vụ công tỉnh",
        "Sở Tư pháp có ý kiến thẩm định đối với dự thảo Quy chế; đề nghị Sở tiếp thu, chỉnh lý "
        "các nội dung về trách nhiệm của cơ quan, đơn vị trước khi trình UBND tỉnh."),
    _In("UBND P. Lộc Thọ", "bao-cao", "",
        "Báo cáo kết quả triển khai mô hình Tổ công nghệ số cộng đồng",
        "Phường đã thành lập 12 Tổ công nghệ số cộng đồng, hướng dẫn 3.450 lượt người dân cài "
        "đặt, sử dụng ứng dụng định danh điện tử và dịch vụ công trực tuyến.", scan=True),
    _In("SYT", "cong-van", "KHTC",
        "V/v đề nghị thẩm định phương án kỹ thuật hệ thống bệnh án điện tử",
        "Sở Y tế đề nghị Sở thẩm định phương án kỹ thuật triển khai bệnh án điện tử tại các bệnh "
        "viện tuyến tỉnh, bảo đảm kết nối liên thông và an toàn thông tin."),
    _In("VPUBND", "thong-bao", "",
        "Kết luận của Phó Chủ tịch UBND tỉnh tại cuộc họp về chính quyền số",
        "Giao Sở Thông tin và Truyền thông hoàn thiện Kiến trúc chính quyền số tỉnh phiên bản "
        "3.0, trình UBND tỉnh trong tháng 12 năm 2026.", U, due=45),
    _In("UBND", "cong-van", "KGVX",
        "V/v tăng cường bảo đảm an toàn thông tin mạng trong dịp cuối năm",
        "Chủ tịch UBND tỉnh yêu cầu các cơ quan rà soát lỗ hổng, cập nhật bản vá, sao lưu dữ "
        "liệu; Sở Thông tin và Truyền thông tổ chức giám sát, cảnh báo sớm sự cố.", VU,
        due=7, wide=True),
    _In("SGDĐT", "cong-van", "GDTrH",
        "V/v phối hợp tổ chức Hội thi Tin học trẻ tỉnh Khánh Hòa năm 2026",
        "Sở Giáo dục và Đào tạo đề nghị Sở cử cán bộ tham gia Ban Giám khảo, hỗ trợ hạ tầng kỹ "
        "thuật tổ chức Hội thi Tin học trẻ cấp tỉnh."),
    _In("BĐKH", "cong-van", "",
        "V/v triển khai dịch vụ bưu chính công ích tiếp nhận, trả kết quả thủ tục hành chính",
        "Bưu điện tỉnh báo cáo kết quả tiếp nhận hồ sơ, trả kết quả giải quyết thủ tục hành "
        "chính qua dịch vụ bưu chính công ích và đề xuất mở rộng danh mục thủ tục.", scan=True),
    _In("UBND TP Cam Ranh", "cong-van", "VP",
        "V/v xin chủ trương đầu tư hệ thống wifi công cộng khu du lịch Bình Ba",
        "UBND thành phố Cam Ranh đề nghị Sở cho ý kiến về sự phù hợp của dự án với Kiến trúc "
        "chính quyền số và quy hoạch hạ tầng viễn thông thụ động."),
    _In("SNV", "cong-van", "CCVC",
        "V/v cử công chức tham gia lớp bồi dưỡng kỹ năng số",
        "Sở Nội vụ đề nghị Sở cử 03 công chức tham gia lớp bồi dưỡng kỹ năng số và an toàn "
        "thông tin cho cán bộ, công chức do tỉnh tổ chức."),
    _In("STC", "cong-van", "TCĐT",
        "V/v thẩm tra quyết toán dự án hoàn thành Hệ thống quản lý văn bản và điều hành",
        "Sở Tài chính đề nghị Sở bổ sung hồ sơ quyết toán dự án hoàn thành, gồm biên bản "
        "nghiệm thu, báo cáo kiểm toán và bảng đối chiếu số liệu."),
    _In("UBND", "cong-van", "KT",
        "V/v thực hiện thanh toán không dùng tiền mặt trong dịch vụ công",
        "UBND tỉnh yêu cầu các sở, ngành, địa phương đẩy mạnh thanh toán trực tuyến phí, lệ "
        "phí; Sở Thông tin và Truyền thông bảo đảm tích hợp nền tảng thanh toán.", wide=True),
    _In("UBND X. Vĩnh Lương", "cong-van", "VP",
        "V/v đề nghị hỗ trợ phủ sóng di động tại thôn Vĩnh Lương",
        "UBND xã đề nghị Sở làm việc với các doanh nghiệp viễn thông xây dựng trạm phát sóng, "
        "xóa vùng lõm sóng di động tại các thôn vùng cao.", scan=True),
    _In("VPUBND", "cong-van", "CBTH",
        "V/v cung cấp thông tin đăng Cổng thông tin điện tử tỉnh",
        "Văn phòng UBND tỉnh đề nghị Sở cung cấp thông tin về kết quả chuyển đổi số để đăng tải "
        "trên Cổng thông tin điện tử tỉnh trước ngày tổng kết năm."),
    _In("BTTTT", "cong-van", "",
        "V/v báo cáo tình hình sử dụng chữ ký số chuyên dùng năm 2026",
        "Đề nghị Sở thống kê số lượng chứng thư số đã cấp, số văn bản điện tử được ký số trong "
        "năm và đề xuất nhu cầu năm 2027.", U, due=35),
    _In("UBND H. Diên Khánh", "bao-cao", "",
        "Báo cáo kết quả thực hiện dịch vụ công trực tuyến 9 tháng năm 2026",
        "Tỷ lệ hồ sơ trực tuyến toàn trình đạt 58,4%; 100% kết quả giải quyết thủ tục hành "
        "chính được số hóa; còn khó khăn về hạ tầng tại các xã vùng sâu."),
    _In("SVHTT", "giay-moi", "",
        "Mời dự Lễ khai mạc Festival Biển Nha Trang - Khánh Hòa",
        "Dự Lễ khai mạc và hỗ trợ bảo đảm thông tin liên lạc, truyền hình trực tiếp chương "
        "trình nghệ thuật tại Quảng trường 2 Tháng 4.", scan=True),
    _In("UBND", "cong-van", "NC",
        "V/v tăng cường quản lý nhà nước về báo chí, xuất bản trên địa bàn tỉnh",
        "Giao Sở Thông tin và Truyền thông tăng cường kiểm tra hoạt động báo chí, xuất bản, "
        "thông tin trên mạng; xử lý nghiêm các vi phạm theo quy định.", due=30),
    _In("SCT", "cong-van", "QLTM",
        "V/v phối hợp triển khai sàn thương mại điện tử tỉnh Khánh Hòa",
        "Sở Công Thương đề nghị Sở phối hợp hướng dẫn doanh nghiệp, hợp tác xã đưa sản phẩm "
        "OCOP lên sàn thương mại điện tử, bảo đảm an toàn giao dịch."),
    _In("TTr", "cong-van", "NV1",
        "V/v cung cấp hồ sơ phục vụ thanh tra việc quản lý, sử dụng kinh phí ứng dụng CNTT",
        "Thanh tra tỉnh đề nghị Sở cung cấp hồ sơ, tài liệu liên quan đến việc quản lý, sử "
        "dụng kinh phí ứng dụng công nghệ thông tin giai đoạn 2024-2025.", U, due=7),
    _In("UBND TX Ninh Hòa", "cong-van", "VP",
        "V/v đề nghị cấp chứng thư số cho cán bộ, công chức",
        "UBND thị xã Ninh Hòa đề nghị Sở hướng dẫn thủ tục, tổng hợp nhu cầu cấp mới 45 chứng "
        "thư số cá nhân và 08 chứng thư số cơ quan.", scan=True),
    _In("VPUBND", "giay-moi", "",
        "Mời dự Hội nghị trực tuyến tổng kết 5 năm thực hiện chuyển đổi số",
        "Dự Hội nghị trực tuyến do UBND tỉnh chủ trì; đề nghị Sở chuẩn bị báo cáo tham luận và "
        "bảo đảm kỹ thuật tại các điểm cầu.", F),
    _In("STC", "thong-bao", "",
        "Thông báo thẩm định dự toán kinh phí chuyển đổi số năm 2027",
        "Sở Tài chính thông báo kết quả thẩm định dự toán: chấp thuận 4,2 tỷ đồng cho các nhiệm "
        "vụ chuyển đổi số; đề nghị Sở hoàn chỉnh hồ sơ theo ý kiến thẩm định."),
    _In("UBND", "quyet-dinh", "",
        "Về việc thành lập Tổ công tác triển khai Đề án 06 của tỉnh",
        "Thành lập Tổ công tác triển khai Đề án phát triển ứng dụng dữ liệu dân cư, định danh "
        "và xác thực điện tử; Giám đốc Sở Thông tin và Truyền thông là Tổ phó.", U),
    _In("SDL", "cong-van", "QLLH",
        "V/v phối hợp xây dựng ứng dụng du lịch thông minh",
        "Sở Du lịch đề nghị Sở hỗ trợ tích hợp ứng dụng du lịch thông minh với nền tảng tích hợp, "
        "chia sẻ dữ liệu của tỉnh (LGSP).", due=20),
    _In("UBND H. Vạn Ninh", "cong-van", "VP",
        "V/v báo cáo sự cố mất kết nối mạng truyền số liệu chuyên dùng",
        "Từ ngày 18/11, đường truyền tại trụ sở UBND huyện bị gián đoạn nhiều lần, ảnh hưởng đến "
        "việc gửi, nhận văn bản điện tử; đề nghị Sở chỉ đạo khắc phục.", VU, due=3),
    _In("SNNPTNT", "cong-van", "KHTC",
        "V/v đề nghị cấp tài khoản Hệ thống thông tin báo cáo tỉnh",
        "Sở Nông nghiệp và Phát triển nông thôn đề nghị cấp tài khoản cho 05 cán bộ phụ trách "
        "báo cáo thống kê trên Hệ thống thông tin báo cáo của tỉnh."),
    _In("UBND", "cong-van", "KGVX",
        "V/v triển khai Tháng hành động vì an toàn thông tin năm 2026",
        "UBND tỉnh giao Sở chủ trì tổ chức các hoạt động hưởng ứng, diễn tập ứng cứu sự cố an "
        "toàn thông tin mạng cấp tỉnh trong tháng 12.", due=21),
    _In("UBND P. Vĩnh Hải", "cong-van", "VP",
        "V/v đề nghị hướng dẫn số hóa hồ sơ hộ tịch",
        "UBND phường đề nghị Sở hướng dẫn quy trình, định dạng số hóa sổ hộ tịch lưu trữ từ năm "
        "1999 đến nay để cập nhật vào cơ sở dữ liệu.", scan=True),
    _In("SKHĐT", "bao-cao", "",
        "Báo cáo tình hình thực hiện kế hoạch đầu tư công năm 2026",
        "Giá trị giải ngân các dự án công nghệ thông tin đạt 71% kế hoạch vốn; đề nghị các chủ "
        "đầu tư đẩy nhanh tiến độ nghiệm thu, thanh toán."),
    _In("VPUBND", "cong-van", "HCTC",
        "V/v chuẩn bị nội dung phiên họp UBND tỉnh tháng 12 năm 2026",
        "Văn phòng UBND tỉnh đề nghị Sở gửi dự thảo Tờ trình, Quyết định ban hành Kế hoạch "
        "chuyển đổi số năm 2027 để đưa vào phiên họp thường kỳ.", U, due=6),
    _In("UBND", "cong-van", "KT",
        "V/v góp ý dự thảo Kế hoạch ứng dụng công nghệ thông tin năm 2027",
        "UBND tỉnh đề nghị các cơ quan góp ý dự thảo Kế hoạch do Sở Thông tin và Truyền thông "
        "chủ trì xây dựng, gửi ý kiến bằng văn bản điện tử.", due=10),
)
OTHER_INCOMING: tuple[_In, ...] = (
    _In("SNV", "cong-van", "TCBC",
        "V/v rà soát vị trí việc làm và cơ cấu ngạch công chức năm 2027",
        "Sở Nội vụ đề nghị các cơ quan rà soát, cập nhật đề án vị trí việc làm, gửi về Sở Nội vụ "
        "để tổng hợp, trình UBND tỉnh.", due=14),
    _In("UBND H. Diên Khánh", "cong-van", "TCKH",
        "V/v đề nghị bổ sung kinh phí sửa chữa trụ sở làm việc",
        "UBND huyện đề nghị Sở Tài chính thẩm định, tham mưu UBND tỉnh bổ sung kinh phí sửa "
        "chữa, chống xuống cấp trụ sở làm việc các phòng chuyên môn.", scan=True),
)
# fmt: on


@dataclass(frozen=True, slots=True)
class _Out:
    """One sample outgoing document of STTTT and how far it goes."""

    type_code: str
    unit: str
    summary: str
    detail: str
    purpose: str
    to: tuple[str, ...]  # agency short names in Nơi nhận
    stage: str  # draft | issued | sent | paper_done | paper_overdue
    age: int  # working days before today of the document date (issue, sending)
    urgency: str = Urgency.NORMAL
    extra: tuple[str, ...] = ()  # free-text Nơi nhận lines


DEPARTMENTS = ("SNV", "STC", "SKHĐT", "SYT", "SGDĐT")
DISTRICTS = ("UBND TP Nha Trang", "UBND TP Cam Ranh", "UBND TX Ninh Hòa", "UBND H. Diên Khánh")
# fmt: off
HOME_OUTGOING: tuple[_Out, ...] = (
    _Out("cong-van", "CNTT",
         "V/v hướng dẫn sử dụng chữ ký số chuyên dùng trên Hệ thống quản lý văn bản và điều hành",
         "Sở Thông tin và Truyền thông hướng dẫn quy trình ký số văn bản điện tử, quản lý thiết "
         "bị lưu khóa bí mật và xử lý khi chứng thư số hết hạn hoặc bị thu hồi.",
         Purpose.PROFESSIONAL_GUIDANCE, (*DEPARTMENTS, *DISTRICTS), "sent", 38),
    _Out("ke-hoach", "CNTT",
         "Kế hoạch tổ chức Ngày Chuyển đổi số tỉnh Khánh Hòa năm 2026",
         "Tổ chức chuỗi hoạt động hưởng ứng Ngày Chuyển đổi số quốc gia 10/10, trưng bày sản "
         "phẩm số và hướng dẫn người dân sử dụng dịch vụ công trực tuyến.",
         Purpose.PROGRAMME_IMPLEMENTATION, ("UBND", *DEPARTMENTS), "paper_overdue", 33),
    _Out("cong-van", "BCVT",
         "V/v phối hợp bảo đảm thông tin liên lạc phục vụ phòng, chống thiên tai",
         "Đề nghị các địa phương phối hợp với doanh nghiệp viễn thông rà soát trạm phát sóng, "
         "phương án ứng cứu thông tin khi xảy ra bão, lũ.",
         Purpose.COORDINATION, DISTRICTS, "sent", 30, U),
    _Out("bao-cao", "CNTT",
         "Báo cáo tình hình ứng dụng công nghệ thông tin, chuyển đổi số quý III năm 2026",
         "Trong quý III, 100% văn bản đi của cơ quan nhà nước được ký số; tỷ lệ hồ sơ trực tuyến "
         "toàn trình đạt 56%; Trung tâm dữ liệu tỉnh đạt 80% khối lượng.",
         Purpose.PERIODIC_REPORT, ("UBND", "VPUBND"), "sent", 27),
    _Out("cong-van", "VP",
         "V/v đăng ký nhu cầu cấp chứng thư số năm 2027",
         "Đề nghị các cơ quan tổng hợp nhu cầu cấp mới, gia hạn, thu hồi chứng thư số của cơ quan "
         "và cá nhân, gửi về Sở qua Hệ thống quản lý văn bản và điều hành.",
         Purpose.COORDINATION, DEPARTMENTS, "sent", 24),
    _Out("giay-moi", "",
         "Mời dự Hội nghị tập huấn bảo đảm an toàn thông tin mạng năm 2026",
         "Dự Hội nghị tập huấn kỹ năng phát hiện, xử lý mã độc và lừa đảo trực tuyến cho cán bộ "
         "chuyên trách công nghệ thông tin của các cơ quan.",
         Purpose.MEETING_INVITATION, (*DEPARTMENTS, *DISTRICTS), "sent", 19),
    _Out("quyet-dinh", "",
         "Về việc ban hành Quy chế bảo đảm an toàn thông tin mạng của Sở Thông tin và Truyền "
         "thông",
         "Ban hành kèm theo Quyết định này Quy chế bảo đảm an toàn thông tin mạng trong hoạt động "
         "của Sở Thông tin và Truyền thông.",
         Purpose.INTERNAL, (), "sent", 16,
         extra=("Các phòng, đơn vị thuộc Sở", "Giám đốc, các Phó Giám đốc Sở")),
    _Out("cong-van", "CNTT",
         "V/v góp ý dự thảo Kế hoạch ứng dụng công nghệ thông tin năm 2027",
         "Đề nghị các cơ quan nghiên cứu, góp ý dự thảo Kế hoạch; ý kiến gửi bằng văn bản điện "
         "tử về Sở để tổng hợp, hoàn thiện trình UBND tỉnh.",
         Purpose.DRAFT_CONSULTATION, (*DEPARTMENTS, *DISTRICTS), "sent", 12),
    _Out("thong-bao", "VP",
         "Thông báo lịch trực bảo đảm hệ thống thông tin dùng chung dịp cuối năm",
         "Thông báo lịch trực kỹ thuật 24/7 đối với Hệ thống quản lý văn bản và điều hành, Cổng "
         "dịch vụ công và Trung tâm dữ liệu tỉnh; số điện thoại đầu mối hỗ trợ.",
         Purpose.FOR_INFORMATION, (*DEPARTMENTS, *DISTRICTS), "sent", 8),
    _Out("cong-van", "TTBCXB",
         "V/v cung cấp thông tin định kỳ cho báo chí tháng 11 năm 2026",
         "Đề nghị các cơ quan cử người phát ngôn, cung cấp thông tin định kỳ cho báo chí theo "
         "quy định về phát ngôn và cung cấp thông tin cho báo chí.",
         Purpose.COORDINATION, DEPARTMENTS, "sent", 4),
    _Out("to-trinh", "CNTT",
         "Tờ trình đề nghị ban hành Kế hoạch chuyển đổi số tỉnh Khánh Hòa năm 2027",
         "Sở Thông tin và Truyền thông kính trình UBND tỉnh xem xét, ban hành Kế hoạch chuyển đổi "
         "số năm 2027 với 6 nhóm nhiệm vụ và tổng kinh phí dự kiến 86 tỷ đồng.",
         Purpose.TO_PROVINCIAL_LEADERSHIP, ("UBND",), "paper_done", 0, U),
    _Out("cong-van", "BCVT",
         "V/v rà soát hạ tầng viễn thông thụ động trên địa bàn",
         "Đề nghị các địa phương rà soát vị trí cột ăng-ten, tuyến cáp treo cần ngầm hóa, gửi "
         "danh mục về Sở để cập nhật quy hoạch hạ tầng viễn thông thụ động.",
         Purpose.COORDINATION, DISTRICTS, "issued", 0),
    _Out("cong-van", "CNTT",
         "V/v triển khai nền tảng trợ lý ảo phục vụ cán bộ, công chức",
         "Dự thảo: đề nghị các cơ quan cử đầu mối phối hợp thử nghiệm nền tảng trợ lý ảo tra cứu "
         "văn bản quy phạm pháp luật và thủ tục hành chính.",
         Purpose.COORDINATION, DEPARTMENTS, "draft", 0),
    _Out("bao-cao", "CNTT",
         "Báo cáo tổng kết công tác thông tin và truyền thông năm 2026",
         "Dự thảo báo cáo tổng kết kết quả thực hiện nhiệm vụ năm 2026 và phương hướng, nhiệm vụ "
         "năm 2027 của ngành thông tin và truyền thông.",
         Purpose.TO_PROVINCIAL_LEADERSHIP, ("UBND",), "draft", 0),
    _Out("ke-hoach", "TTr",
         "Kế hoạch thanh tra, kiểm tra chuyên ngành thông tin và truyền thông năm 2027",
         "Dự thảo kế hoạch thanh tra việc chấp hành pháp luật về viễn thông, bưu chính, báo chí "
         "và an toàn thông tin mạng đối với tổ chức, doanh nghiệp.",
         Purpose.PROGRAMME_IMPLEMENTATION, ("UBND", "TTr"), "draft", 0),
)
# fmt: on


@dataclass(frozen=True, slots=True)
class DemoDocumentsSummary:
    """What `demo_documents_load` created."""

    agencies: int
    incoming: int
    incoming_electronic: int
    incoming_scanned: int
    paper_copies: int
    outgoing: int
    outgoing_drafts: int
    outgoing_issued: int
    outgoing_sent: int
    paper_tasks: int
    paper_tasks_overdue: int
    files: int


def summary_line(summary: DemoDocumentsSummary) -> str:
    """Return the one-line Vietnamese account of the sample documents."""
    return (
        f"Đã nạp văn bản mẫu của {summary.agencies} cơ quan: {summary.incoming} văn bản đến "
        f"({summary.incoming_electronic} điện tử, {summary.incoming_scanned} bản quét, "
        f"{summary.paper_copies} ghi nhận bản giấy), {summary.outgoing} văn bản đi "
        f"({summary.outgoing_drafts} dự thảo, {summary.outgoing_issued} đã phát hành, "
        f"{summary.outgoing_sent} đã gửi; {summary.paper_tasks} bản giấy phải gửi, "
        f"{summary.paper_tasks_overdue} quá hạn), {summary.files} tệp."
    )


# --- The load ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Signer:
    name: str
    position: str
    lines: tuple[str, ...]
    head_title: str = ""


@dataclass
class _World:
    """The demo agencies, their signers and the running numbers of the senders."""

    agencies: dict[str, Agency]
    rng: random.Random
    calendar: WorkingCalendar
    today: date
    types: dict[str, DocumentType]
    leaders: dict[int, list[tuple[Person, str]]] = field(default_factory=dict)
    numbers: dict[str, int] = field(default_factory=dict)
    variant: int = 0

    def agency(self, short_name: str) -> Agency:
        return self.agencies[short_name]

    def signer(self, agency: Agency, *, head: bool) -> _Signer:
        if agency.pk not in self.leaders:
            grants = (
                RoleGrant.objects.filter(agency=agency, role=Role.LEADER)
                .select_related("person", "position")
                .order_by("position__rank", "person_id")
            )
            self.leaders[agency.pk] = [
                (g.person, g.position.name if g.position else "") for g in grants
            ]
        people = self.leaders[agency.pk]
        head_person, head_title = people[0]
        if head or len(people) == 1:
            person, title = head_person, head_title
            lines: tuple[str, ...] = (head_title.upper(),)
        else:
            person, title = self.rng.choice(people[1:])
            lines = (f"KT. {head_title.upper()}", title.upper())
        if _is_committee(agency):
            lines = ("TM. ỦY BAN NHÂN DÂN", *lines)
        return _Signer(person.full_name, title, lines, head_title)

    def number(self, key: str, day: date, per_day: float) -> int:
        """Return the sender's next number on `day`, growing with the day of the year."""
        start = int(day.timetuple().tm_yday * per_day)
        value = max(self.numbers.get(key, 0) + 1, start + self.rng.randrange(max(1, int(per_day))))
        self.numbers[key] = value
        return value


PER_DAY = {
    AgencyKind.PROVINCIAL_COMMITTEE: 30.0,
    AgencyKind.PROVINCIAL_OFFICE: 14.0,
    AgencyKind.DEPARTMENT: 7.0,
    AgencyKind.DISTRICT_COMMITTEE: 12.0,
    AgencyKind.COMMUNE_COMMITTEE: 1.5,
}


def _working_days_back(world: _World, count: int) -> list[date]:
    """Return the working days of the last SPAN_DAYS days, oldest first, `count` of them."""
    days = [
        world.today - timedelta(days=n)
        for n in range(SPAN_DAYS, 0, -1)
        if world.calendar.is_working_day(world.today - timedelta(days=n))
    ]
    picked = sorted(world.rng.choice(days) for _ in range(count))
    return picked


def _working_day_before(world: _World, age: int) -> date:
    day = world.today
    while age > 0:
        day -= timedelta(days=1)
        if world.calendar.is_working_day(day):
            age -= 1
    return day


def _incoming_paper(
    world: _World,
    spec: _In,
    day: date,
    *,
    number: int,
    notation: str,
    addressee: str,
    due: date | None,
) -> tuple[_Paper, _Signer, str]:
    """Write the document as its sender would have; return it, its signer, the sender name."""
    outsider = OUTSIDERS.get(spec.sender)
    if outsider is not None:
        header, place, sender_name = outsider.header, outsider.place, outsider.name
        signer = _Signer(outsider.signer, outsider.position, outsider.sign_lines)
        seal = outsider.header[1]
        filing = "- Lưu: VT."
    else:
        agency = world.agency(spec.sender)
        header, place, sender_name = _header(agency), _place(agency), agency.name
        signer = world.signer(agency, head=world.rng.random() < 0.25)
        seal = header[1] if not _is_committee(agency) else f"UBND {header[1]}"
        filing = f"- Lưu: VT, {spec.unit or 'VP'}."
    basis = world.rng.choice(BASES)
    title = TITLES[spec.type_code]
    addressees: tuple[str, ...]
    if spec.wide:
        addressees = (
            "Các sở, ban, ngành thuộc tỉnh",
            "Ủy ban nhân dân các huyện, thị xã, thành phố",
        )
        recipients = ("- Như trên;", "- Chủ tịch, các PCT UBND tỉnh (b/c);", filing)
    else:
        addressees = (addressee,)
        recipients = ("- Như trên;", "- Lãnh đạo (b/c);", filing)
    body: list[_P] = []
    if spec.type_code == "cong-van":
        body.append(_P(f"Thực hiện {basis}, {sender_name} có ý kiến như sau:"))
        body.append(_P(spec.detail))
        body.append(_P(world.rng.choice(TASKS)))
        if due is not None:
            body.append(
                _P(
                    f"Đề nghị gửi báo cáo kết quả thực hiện về {sender_name} trước ngày "
                    f"{due:%d/%m/%Y} để tổng hợp, báo cáo Ủy ban nhân dân tỉnh."
                )
            )
        body.append(_P(f"{sender_name} đề nghị quý cơ quan quan tâm, phối hợp thực hiện./."))
    elif spec.type_code == "quyet-dinh":
        addressees = ()
        body += [
            _P(f"{signer.head_title or signer.position} {sender_name}".upper(), "c"),
            _P("Căn cứ Luật Tổ chức chính quyền địa phương;", "i"),
            _P(f"Căn cứ {basis};", "i"),
            _P("Theo đề nghị của Giám đốc Sở Thông tin và Truyền thông.", "i"),
            _P("QUYẾT ĐỊNH:", "c"),
            _P(f"Điều 1. {spec.detail}"),
            _P(f"Điều 2. {world.rng.choice(TASKS)}"),
            _P("Điều 3. Quyết định này có hiệu lực kể từ ngày ký."),
            _P(
                "Điều 4. Chánh Văn phòng UBND tỉnh, Giám đốc các sở: Thông tin và Truyền thông, "
                "Tài chính, Kế hoạch và Đầu tư, Nội vụ; Chủ tịch UBND các huyện, thị xã, thành "
                "phố và Thủ trưởng các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành "
                "Quyết định này./."
            ),
        ]
        recipients = ("- Như Điều 4;", "- Thường trực Tỉnh ủy (b/c);", filing)
    elif spec.type_code in ("ke-hoach", "bao-cao"):
        addressees = () if spec.type_code == "ke-hoach" else addressees
        heads = (
            ("I. MỤC ĐÍCH, YÊU CẦU", "II. NHIỆM VỤ, GIẢI PHÁP", "III. TỔ CHỨC THỰC HIỆN")
            if spec.type_code == "ke-hoach"
            else ("I. KẾT QUẢ THỰC HIỆN", "II. KHÓ KHĂN, VƯỚNG MẮC", "III. ĐỀ XUẤT, KIẾN NGHỊ")
        )
        tasks = world.rng.sample(TASKS, len(TASKS))
        verb = "ban hành Kế hoạch" if spec.type_code == "ke-hoach" else "báo cáo"
        body += [
            _P(f"Căn cứ {basis}, {sender_name} {verb} như sau:"),
            _P(heads[0], "h"),
            _P(spec.detail),
            _P(FIRST_SECTIONS[spec.type_code]),
            _P(heads[1], "h"),
            *(_P(f"{n}. {task}") for n, task in enumerate(tasks[:4], start=1)),
            _P(heads[2], "h"),
            *(_P(task) for task in tasks[4:]),
            _P(FUNDING),
            _P(
                "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các cơ quan, đơn vị phản "
                f"ánh về {sender_name} để được hướng dẫn, giải quyết./."
            ),
        ]
    elif spec.type_code == "thong-bao":
        addressees = ()
        chair = "Lãnh đạo UBND tỉnh" if spec.sender == "VPUBND" else f"Lãnh đạo {sender_name}"
        body += [
            _P(
                f"Ngày {day - timedelta(days=2):%d/%m/%Y}, {chair} chủ trì cuộc họp; "
                "tham dự có lãnh đạo các sở, ngành liên quan. Sau khi nghe báo cáo và ý kiến "
                "phát biểu của các đại biểu, kết luận như sau:"
            ),
            _P(f"1. {spec.detail}"),
            _P(f"2. {world.rng.choice(TASKS)}"),
            _P(f"{sender_name} thông báo để các cơ quan, đơn vị biết, thực hiện./."),
        ]
    elif spec.type_code == "giay-moi":
        meeting = due or day + timedelta(days=3)
        venue = (
            "Phòng họp số 1, trụ sở UBND tỉnh, số 01 Trần Phú, thành phố Nha Trang"
            if spec.sender == "VPUBND"
            else f"Hội trường {sender_name}"
        )
        addressees = ("Lãnh đạo Sở Thông tin và Truyền thông",)
        body += [
            _P(f"{sender_name} trân trọng kính mời dự: {spec.summary.removeprefix('Mời dự ')}."),
            _P(spec.detail),
            _P(f"Thời gian: 08 giờ 00 phút, {_date_words(meeting)}."),
            _P(f"Địa điểm: {venue}."),
            _P("Rất mong quý đại biểu tham dự đúng thành phần, thời gian./."),
        ]
    paper = _Paper(
        header=header,
        number_line=f"Số: {number}/{notation}",
        place_date=f"{place}, {_date_words(day)}",
        title=title,
        summary=spec.summary,
        urgency=URGENCY_MARKS[Urgency(spec.urgency)],
        addressees=addressees,
        body=tuple(body),
        recipients=recipients,
        sign_lines=signer.lines,
        signer=signer.name,
        seal=seal,
    )
    return paper, signer, sender_name


def _notation(world: _World, spec: _In) -> tuple[str, float]:
    outsider = OUTSIDERS.get(spec.sender)
    abbreviation = world.types[spec.type_code].abbreviation
    if outsider is not None:
        return outsider.code, outsider.per_day
    agency = world.agency(spec.sender)
    code = _code(agency)
    notation = f"{abbreviation}-{code}" if abbreviation else f"{code}-{spec.unit}"
    return notation, PER_DAY.get(AgencyKind(agency.kind), 5.0)


_Copy = tuple[IncomingDocument | OutgoingDocument, Agency, bytes]


@dataclass
class _Counts:
    incoming: int = 0
    electronic: int = 0
    scanned: int = 0
    paper_copies: int = 0
    files: int = 0


def _register_incoming(
    world: _World,
    *,
    clerk: Actor,
    addressee: str,
    specs: Sequence[tuple[_In, date]],
    counts: _Counts,
) -> list[tuple[_In, IncomingDocument, bytes, date]]:
    """Register the documents in date order; return them with the bytes of electronic ones."""
    done: list[tuple[_In, IncomingDocument, bytes, date]] = []
    for spec, day in specs:
        notation, per_day = _notation(world, spec)
        # NĐ 30/2020 Điều 15: one series per issuing body and year, whatever the type.
        number = world.number(f"{spec.sender}/{day.year}", day, per_day)
        due = day + timedelta(days=spec.due) if spec.due is not None else None
        paper, signer, sender_name = _incoming_paper(
            world, spec, day, number=number, notation=notation, addressee=addressee, due=due
        )
        world.variant += 1
        pages = _compose(paper, variant=world.variant)
        agency = world.agencies.get(spec.sender)
        if spec.scan:
            tilt = world.rng.uniform(-0.7, 0.7)
            files = [(f"trang-{n}.png", _png(ops, tilt=tilt)) for n, ops in enumerate(pages, 1)]
            channel = IntakeChannel.PAPER_SCAN
            content = b""
        else:
            content = _pdf(pages, title=spec.summary, author=sender_name)
            files = [(f"{number}-{notation}.pdf".replace("/", "-"), content)]
            channel = IntakeChannel.ELECTRONIC
        document = incoming_document_register(
            actor=clerk,
            data=IncomingData(
                document_date=day,
                document_type_id=world.types[spec.type_code].pk,
                summary=spec.summary,
                sender_agency_id=agency.pk if agency is not None else None,
                sender_name="" if agency is not None else sender_name,
                number=str(number),
                notation=notation,
                signer_name=signer.name,
                signer_position=signer.position,
                urgency=spec.urgency,
                due_date=due,
                page_count=None if spec.scan else len(pages),
            ),
            files=files,
            channel=channel,
        )
        counts.incoming += 1
        counts.files += 1
        if spec.scan:
            counts.scanned += 1
        else:
            counts.electronic += 1
        if spec.paper:
            incoming_paper_copy_record(actor=clerk, document_id=document.pk)
            counts.paper_copies += 1
        done.append((spec, document, content, day))
    return done


def _outgoing_paper(world: _World, spec: _Out, day: date, signer: _Signer) -> _Paper:
    home = world.agency(HOME)
    abbreviation = world.types[spec.type_code].abbreviation
    notation = f"{abbreviation}-{HOME}" if abbreviation else f"{HOME}-{spec.unit}"
    names = [world.agency(short).name for short in spec.to] + list(spec.extra)
    title = TITLES[spec.type_code]
    basis = world.rng.choice(BASES)
    me = home.name
    tasks = [_P(task) for task in world.rng.sample(TASKS, 2)]
    body: list[_P]
    if spec.type_code == "quyet-dinh":
        body = [
            _P(f"GIÁM ĐỐC {me.upper()}", "c"),
            _P(f"Căn cứ {basis};", "i"),
            _P("Theo đề nghị của Chánh Văn phòng Sở.", "i"),
            _P("QUYẾT ĐỊNH:", "c"),
            _P(f"Điều 1. {spec.detail}"),
            _P("Điều 2. Quyết định này có hiệu lực kể từ ngày ký."),
            _P(
                "Điều 3. Chánh Văn phòng, Trưởng các phòng, đơn vị thuộc Sở và công chức, viên "
                "chức, người lao động của Sở chịu trách nhiệm thi hành Quyết định này./."
            ),
        ]
    elif spec.type_code == "giay-moi":
        body = [
            _P(f"{me} trân trọng kính mời dự: {spec.summary.removeprefix('Mời dự ')}."),
            _P(spec.detail),
            _P(f"Thời gian: 08 giờ 00 phút, {_date_words(day + timedelta(days=7))}."),
            _P("Địa điểm: Hội trường Sở Thông tin và Truyền thông, thành phố Nha Trang."),
            _P("Rất mong quý đại biểu tham dự đúng thành phần, thời gian./."),
        ]
    else:
        verbs = {
            "ke-hoach": "ban hành Kế hoạch",
            "to-trinh": "kính trình Ủy ban nhân dân tỉnh",
            "bao-cao": "báo cáo",
            "thong-bao": "thông báo",
        }
        lead = "Căn cứ" if spec.type_code == "ke-hoach" else "Thực hiện"
        verb = verbs.get(spec.type_code, "có ý kiến")
        body = [
            _P(f"{lead} {basis}, {me} {verb} như sau:"),
            _P(spec.detail),
            *tasks,
            _P(f"{me} đề nghị các cơ quan, đơn vị quan tâm, phối hợp thực hiện./."),
        ]
    addressees = tuple(names) if spec.type_code in ("cong-van", "to-trinh", "bao-cao") else ()
    if len(addressees) > 4:
        addressees = ("Các sở, ban, ngành thuộc tỉnh", "UBND các huyện, thị xã, thành phố")
    if addressees:
        recipients = ["- Như trên;", "- Giám đốc, các Phó Giám đốc Sở;"]
    else:
        recipients = [f"- {name};" for name in names[:4]]
        if len(names) > 4:
            recipients.append("- Các cơ quan, đơn vị có liên quan;")
    recipients.append(f"- Lưu: VT, {spec.unit or 'VP'}.")
    return _Paper(
        header=_header(home),
        number_line=f"Số:        /{notation}",
        place_date=f"Khánh Hòa, {_date_words(day)}",
        title=title,
        summary=spec.summary,
        urgency=URGENCY_MARKS[Urgency(spec.urgency)],
        addressees=addressees,
        body=tuple(body),
        recipients=tuple(recipients),
        sign_lines=signer.lines,
        signer=signer.name,
        seal=_header(home)[1],
        draft=spec.stage == "draft",
    )


def _aware(day: date, hour: int, minute: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _outgoing(
    world: _World, *, clerk: Actor, counts: _Counts
) -> tuple[list[OutgoingDocument], dict[int, bytes]]:
    """Create, issue and send STTTT's documents in the order of their dates."""
    home = world.agency(HOME)
    units = {u.short_name: u for u in Unit.objects.filter(agency=home)}
    documents: list[OutgoingDocument] = []
    contents: dict[int, bytes] = {}
    now = timezone.now()
    for spec in HOME_OUTGOING:
        day = _working_day_before(world, spec.age)
        signer = world.signer(home, head=spec.type_code in ("quyet-dinh", "to-trinh"))
        world.variant += 1
        pages = _compose(_outgoing_paper(world, spec, day, signer), variant=world.variant)
        content = _pdf(pages, title=spec.summary, author=home.name)
        recipients = [RecipientData(agency_id=world.agency(short).pk) for short in spec.to]
        recipients += [RecipientData(place=place) for place in spec.extra]
        recipients.append(RecipientData(place=f"Lưu: VT, {spec.unit or 'VP'}", is_filing_copy=True))
        document = outgoing_document_create(
            actor=clerk,
            data=OutgoingData(
                document_type_id=world.types[spec.type_code].pk,
                summary=spec.summary,
                drafting_unit_id=units[spec.unit].pk if spec.unit in units else None,
                purpose=spec.purpose,
                urgency=spec.urgency,
                signer_name=signer.name,
                signer_position=signer.position,
                copies=len(recipients),
                page_count=len(pages),
            ),
            recipients=recipients,
            files=[(f"{spec.type_code}-{len(documents) + 1:02d}.pdf", content)],
        )
        counts.files += 1
        if spec.stage != "draft":
            document = outgoing_document_issue(
                actor=clerk, document_id=document.pk, document_date=day
            )
        if spec.stage in ("sent", "paper_done", "paper_overdue"):
            if spec.age == 0:
                # Sent this morning (or just now): never before the document's own date.
                sent_at = max(now - timedelta(minutes=50), _aware(day, 0, 0))
            else:
                sent_at = _aware(day, world.rng.choice((9, 10, 14, 15)), world.rng.randrange(60))
            document = outgoing_document_mark_sent(
                actor=clerk, document_id=document.pk, sent_at=min(sent_at, now)
            )
        if spec.stage == "paper_done":
            task = PaperDispatchTask.objects.get(document=document)
            paper_dispatch_complete(actor=clerk, task_id=task.pk)
        documents.append(document)
        contents[document.pk] = content
    return documents, contents


def _check(actor: Actor, agencies: dict[str, Agency]) -> dict[str, Person]:
    if not permissions.can_manage_directory(actor):
        raise PermissionDenied("Bạn không có quyền thực hiện thao tác này.")
    clerks = {p.username: p for p in Person.objects.filter(username__in=CLERKS.values())}
    missing = [u for u in CLERKS.values() if u not in clerks] + [
        s for s in (HOME, OTHER) if s not in agencies
    ]
    if missing:
        raise NotFound(f"Chưa có dữ liệu mẫu của cơ quan, cán bộ: {', '.join(missing)}.")
    ids = [agencies[HOME].pk, agencies[OTHER].pk]
    if (
        IncomingDocument.objects.filter(agency_id__in=ids).exists()
        or OutgoingDocument.objects.filter(agency_id__in=ids).exists()
    ):
        raise Conflict("Sổ văn bản của cơ quan mẫu đã có văn bản; không nạp văn bản mẫu lần nữa.")
    return clerks


def demo_documents_load(*, actor: Actor) -> DemoDocumentsSummary:
    """Fill the registers of the demo's STTTT and STC clerks with sample documents.

    Needs the organisations demo loaded (`load_demo_data`) and a system actor; refuses to run
    twice (Conflict). The rows are written in one transaction (the caller's, from the signal).
    A service that fails removes the files it stored; files of services that had returned stay
    in storage, unreferenced, if the transaction is rolled back later.
    """
    agencies = {a.short_name: a for a in Agency.objects.all()}
    clerks = _check(actor, agencies)
    home, other = agencies[HOME], agencies[OTHER]
    world = _World(
        agencies=agencies,
        rng=random.Random(SEED),
        calendar=working_calendar(sessions=home.office_sessions),
        today=timezone.localdate(),
        types={t.code: t for t in DocumentType.objects.all()},
    )
    counts = _Counts()
    home_clerk = actor_for_person(clerks[CLERKS[HOME]])
    other_clerk = actor_for_person(clerks[CLERKS[OTHER]])
    with transaction.atomic():
        days = _working_days_back(world, len(HOME_INCOMING))
        received = _register_incoming(
            world,
            clerk=home_clerk,
            addressee=home.name,
            specs=list(zip(HOME_INCOMING, days, strict=True)),
            counts=counts,
        )
        outgoing, contents = _outgoing(world, clerk=home_clerk, counts=counts)
        # Sở Tài chính: the wide documents of the province (the same files), what STTTT sent it,
        # and letters of its own — all in the order of their dates.
        items: list[tuple[date, int, _Copy | _In]] = []
        for spec, document, content, day in received:
            if spec.wide and not spec.scan and spec.sender != OTHER:
                assert document.sender_agency is not None
                items.append((day, 0, (document, document.sender_agency, content)))
        for sent in outgoing:
            if sent.sent_at is not None and sent.recipients.filter(agency_id=other.pk).exists():
                assert sent.document_date is not None
                items.append((sent.document_date, 1, (sent, home, contents[sent.pk])))
        other_days = _working_days_back(world, len(OTHER_INCOMING))
        for spec, day in zip(OTHER_INCOMING, other_days, strict=True):
            items.append((day, 2, spec))
        items.sort(key=lambda item: (item[0], item[1]))
        for day, _order, item in items:
            if isinstance(item, _In):
                _register_incoming(
                    world,
                    clerk=other_clerk,
                    addressee=other.name,
                    specs=[(item, day)],
                    counts=counts,
                )
                continue
            source, sender, content = item
            incoming_document_register(
                actor=other_clerk,
                data=_copy_data(source, sender=sender),
                files=[(f"{source.number_notation.replace('/', '-')}.pdf", content)],
                channel=IntakeChannel.ELECTRONIC,
            )
            counts.incoming += 1
            counts.electronic += 1
            counts.files += 1
    tasks = PaperDispatchTask.objects.filter(document__agency_id=home.pk)
    return DemoDocumentsSummary(
        agencies=2,
        incoming=counts.incoming,
        incoming_electronic=counts.electronic,
        incoming_scanned=counts.scanned,
        paper_copies=counts.paper_copies,
        outgoing=len(outgoing),
        outgoing_drafts=sum(1 for d in outgoing if d.number is None),
        outgoing_issued=sum(1 for d in outgoing if d.number is not None),
        outgoing_sent=sum(1 for d in outgoing if d.sent_at is not None),
        paper_tasks=tasks.count(),
        paper_tasks_overdue=tasks.filter(done_at__isnull=True, due_at__lt=timezone.now()).count(),
        files=counts.files,
    )


def _copy_data(source: IncomingDocument | OutgoingDocument, *, sender: Agency) -> IncomingData:
    """Return what Sở Tài chính enters for a document another agency holds (the same file)."""
    assert source.document_date is not None
    return IncomingData(
        document_date=source.document_date,
        document_type_id=source.document_type_id,
        summary=source.summary,
        sender_agency_id=sender.pk,
        # As printed on the document: 01/STTTT-VP (NĐ 30/2020 Phụ lục I).
        number=source.number_notation.split("/", 1)[0],
        notation=source.notation,
        signer_name=source.signer_name,
        signer_position=source.signer_position,
        urgency=source.urgency,
        due_date=source.due_date if isinstance(source, IncomingDocument) else None,
        page_count=source.page_count,
    )


def on_demo_data_loaded(sender: object, *, actor: Actor, **kwargs: Any) -> str:
    """Receiver of `organizations.signals.demo_data_loaded`: add the sample documents."""
    return summary_line(demo_documents_load(actor=actor))


__all__ = ["DemoDocumentsSummary", "demo_documents_load", "on_demo_data_loaded", "summary_line"]
