"""PAdES signing of PDF documents with the visible signatures of NĐ 30/2020 Phụ lục I.

Three kinds of signature, each an incremental revision (the unsigned bytes stay a prefix):

* ``sign_as_signer``: the competent person's signature: position (uppercase), the image of the
  handwritten signature, the name; by default at the bottom right of the last page.
* ``sign_as_agency``: the agency's signature: the seal image overlapping about a third of the
  signer's image on the left, with the agency name, number and notation and signing time.
* ``sign_as_agency_copy``: the text-only agency signature at the top right of page 1 for
  attachments and copies (agency, number and notation, ISO 8601 signing time).

PAdES baseline (SubFilter ETSI.CAdES.detached, SHA-256): B-B without a timestamper, B-T with
one, B-LT when a validation context is given (the chain and its CRLs and OCSP responses, given
or fetched, are embedded in the DSS). Signatures
are approval signatures without field locks: a later signature is an allowed change, while
any change to the content after a signature makes that signature invalid on validation.
(A certification signature would make pyHanko reject the agency signature added after it.)
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import logging
import os
import stat
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from PIL import Image, UnidentifiedImageError
from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.content import PdfContent
from pyhanko.pdf_utils.font.api import FontEngine, FontEngineFactory
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.text import TextBox, TextBoxStyle
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers import Signer
from pyhanko.sign.timestamps import TimeStamper, TimestampRequestError
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.stamp import BaseStamp, TextStampStyle
from pyhanko_certvalidator import ValidationContext

__all__ = [
    "FIELD_PREFIX_AGENCY",
    "FIELD_PREFIX_COPY",
    "FIELD_PREFIX_SIGNER",
    "VN_TZ",
    "Box",
    "SigningError",
    "pdf_archive_timestamp_add",
    "sign_as_agency",
    "sign_as_agency_copy",
    "sign_as_signer",
    "signer_from_key_and_cert",
]

VN_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")
Box = tuple[float, float, float, float]
"""A rectangle in PDF points on the page: (x1, y1, x2, y2), origin at the bottom left."""

FIELD_PREFIX_SIGNER = "VanthuSigner"
FIELD_PREFIX_AGENCY = "VanthuAgency"
FIELD_PREFIX_COPY = "VanthuAgencyCopy"

_FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
# NĐ 30 asks for Times New Roman; DejaVu Serif is the free serif face with Vietnamese glyphs.
FONT_REGULAR = os.environ.get("VANTHU_SIGNATURE_FONT", _FONT_DIR + "DejaVuSerif.ttf")
FONT_BOLD = os.environ.get("VANTHU_SIGNATURE_FONT_BOLD", _FONT_DIR + "DejaVuSerif-Bold.ttf")
_FONT_FALLBACK = _FONT_DIR + "DejaVuSans.ttf"
_MAX_IMAGE_PIXELS = 1200
_TS_FORMAT = "%Y-%m-%dT%H:%M:%S%z"

# fontTools logs a warning per subset for tables it cannot subset; nothing to act on.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)


class SigningError(Exception):
    """A document could not be signed; ``message`` says why, in Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --------------------------------------------------------------------------- appearance


@dataclass(frozen=True)
class _TextLine:
    rect: tuple[float, float, float, float]  # x, y, width, height inside the stamp
    text: str  # may contain "%(ts)s", the signing time in ISO 8601, Vietnam time
    size: int = 10
    bold: bool = False
    align: Literal["left", "center", "right"] = "center"
    color: tuple[float, float, float] = (0.0, 0.0, 0.0)


@dataclass(frozen=True)
class _Picture:
    rect: tuple[float, float, float, float]  # x, y, width, height inside the stamp
    data: bytes


@dataclass(frozen=True)
class _Nd30StampStyle(TextStampStyle):
    """Stamp drawing text lines and pictures at fixed places; no border, no background."""

    lines: tuple[_TextLine, ...] = ()
    pictures: tuple[_Picture, ...] = ()
    border_width: int = 0
    timestamp_format: str = _TS_FORMAT

    def create_stamp(  # type: ignore[override]
        self, writer: BasePdfFileWriter, box: layout.BoxConstraints, text_params: dict[str, Any]
    ) -> _Nd30Stamp:
        return _Nd30Stamp(writer=writer, style=self, box=box, text_params=text_params)


# Latin, Vietnamese (Latin Extended Additional, combining marks), punctuation, the đồng sign.
_FONT_CODEPOINTS = [
    *range(0x20, 0x250),
    *range(0x300, 0x370),
    *range(0x1E00, 0x1F00),
    *range(0x2000, 0x2070),
    0x20AB,
]


@functools.lru_cache(maxsize=8)
def _font_upm1000(path: str) -> str:
    """Return a copy of the font reduced to Latin/Vietnamese with 1000 units per em.

    pyHanko 0.38 writes glyph widths (/W) in the font's own units, while PDF reads them in
    thousandths of an em: with DejaVu (2048 units per em) the letters would be spread out.
    Scaling the font to 1000 units per em makes both agree. The copy is cached on disk.
    """
    from fontTools import subset  # type: ignore[import-untyped]
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
    from fontTools.ttLib.scaleUpem import scale_upem  # type: ignore[import-untyped]

    font_stat = os.stat(path)
    # A private per-user directory: a font planted by another user must never be embedded.
    cache_dir = os.path.join(tempfile.gettempdir(), "vanthu-signature-fonts-" + str(os.getuid()))
    os.makedirs(cache_dir, mode=0o700, exist_ok=True)
    info = os.lstat(cache_dir)
    if (
        info.st_uid != os.getuid()
        or stat.S_IMODE(info.st_mode) & 0o077
        or os.path.islink(cache_dir)
    ):
        cache_dir = tempfile.mkdtemp(prefix="vanthu-signature-fonts-")
    stem = os.path.splitext(os.path.basename(path))[0]
    target = os.path.join(
        cache_dir,
        stem
        + "-"
        + str(font_stat.st_size)
        + "-"
        + str(int(font_stat.st_mtime))
        + "-upm1000-v2.ttf",
    )
    if os.path.exists(target):
        return target
    font = TTFont(path)
    options = subset.Options()
    options.hinting = False
    # Texts are NFC-normalised, so Vietnamese letters are single precomposed glyphs and no
    # OpenType layout is needed; without GSUB/GPOS the per-signature subsetting is cheap.
    options.layout_features = []
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables = [*options.drop_tables, "FFTM", "GSUB", "GPOS", "GDEF"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=_FONT_CODEPOINTS)
    subsetter.subset(font)
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    handle, partial = tempfile.mkstemp(dir=cache_dir, suffix=".part")
    os.close(handle)
    font.save(partial)
    os.replace(partial, target)
    return target


def _font(bold: bool) -> str:
    path = FONT_BOLD if bold else FONT_REGULAR
    return _font_upm1000(path if os.path.exists(path) else _FONT_FALLBACK)


def _iso_vn(ts: str | None) -> str:
    moment = dt.datetime.strptime(ts, _TS_FORMAT) if ts else dt.datetime.now(dt.UTC)
    return moment.astimezone(VN_TZ).isoformat(timespec="seconds")


def _load_picture(data: bytes) -> Image.Image:
    image: Image.Image = Image.open(io.BytesIO(data))
    image.load()
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA")
    image.thumbnail((_MAX_IMAGE_PIXELS, _MAX_IMAGE_PIXELS))
    return image


class _SharedFont(FontEngineFactory):
    """Hand the same font engine to every text box of one appearance."""

    def __init__(self, engine: FontEngine) -> None:
        self.engine = engine

    def create_font_engine(self, writer: BasePdfFileWriter, obj_stream: Any = None) -> FontEngine:
        return self.engine


class _Nd30Stamp(BaseStamp):
    def __init__(
        self,
        writer: BasePdfFileWriter,
        style: _Nd30StampStyle,
        box: layout.BoxConstraints,
        text_params: dict[str, Any] | None,
    ) -> None:
        super().__init__(writer=writer, style=style, box=box)
        self.text_params = dict(text_params or {})

    def _place(self, content: PdfContent, x: float, y: float) -> bytes:
        rendered = content.render()
        self.import_resources(content.resources)
        return b"q 1 0 0 1 %g %g cm %s Q" % (x, y, rendered)

    def _render_inner_content(self) -> list[bytes]:
        style: _Nd30StampStyle = self.style
        commands: list[bytes] = []
        for picture in style.pictures:
            image = _load_picture(picture.data)
            x, y, width, height = picture.rect
            scale = min(width / image.width, height / image.height)
            shown_w, shown_h = image.width * scale, image.height * scale
            pdf_image = PdfImage(
                image,
                writer=self.writer,
                box=layout.BoxConstraints(width=shown_w, height=shown_h),
            )
            commands.append(
                self._place(pdf_image, x + (width - shown_w) / 2, y + (height - shown_h) / 2)
            )
        ts_text = _iso_vn(self.text_params.get("ts"))
        # one font engine (one embedded subset) per face for the whole appearance
        writer = self.writer
        if writer is None:  # pragma: no cover - pyHanko always sets the writer
            raise SigningError("Không tạo được hình thức hiển thị của chữ ký số.")
        engines: dict[bool, _SharedFont] = {}
        for index, line in enumerate(style.lines):
            if line.bold not in engines:
                engines[line.bold] = _SharedFont(
                    GlyphAccumulatorFactory(_font(line.bold)).create_font_engine(writer)
                )
            x, y, width, height = line.rect
            x_align = {
                "left": layout.AxisAlignment.ALIGN_MIN,
                "center": layout.AxisAlignment.ALIGN_MID,
                "right": layout.AxisAlignment.ALIGN_MAX,
            }[line.align]
            text_style = TextBoxStyle(
                font=engines[line.bold],
                font_size=line.size,
                leading=line.size + 2,
                text_color=line.color,
                box_layout_rule=layout.SimpleBoxLayoutRule(
                    x_align=x_align,
                    y_align=layout.AxisAlignment.ALIGN_MID,
                    margins=layout.Margins.uniform(0),  # type: ignore[no-untyped-call]
                    inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
                ),
            )
            box = TextBox(
                text_style,
                writer=self.writer,
                box=layout.BoxConstraints(width=width, height=height),
                font_name="F" + str(index + 1),
            )
            box.content = unicodedata.normalize("NFC", line.text.replace("%(ts)s", ts_text))
            commands.append(self._place(box, x, y))
        return commands


# --------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class _Layout:
    box: Box
    lines: list[_TextLine] = field(default_factory=list)
    pictures: list[_Picture] = field(default_factory=list)


_TITLE_BAND = 32.0  # two lines of the position, at the top of the signer's block
_NAME_BAND = 18.0  # the signer's name, at the bottom


def _signer_image_region(box: Box) -> Box:
    """Return where the signer's image goes, in page coordinates (also used by the seal)."""
    x1, y1, x2, y2 = box
    height = max(y2 - y1 - _TITLE_BAND - _NAME_BAND - 4, 10.0)
    width = min(x2 - x1 - 8, 2.2 * height)
    left = x1 + (x2 - x1 - width) / 2
    bottom = y1 + _NAME_BAND + 2
    return (left, bottom, left + width, bottom + height)


def _signer_layout(
    box: Box, *, title: str, name: str, image: bytes | None
) -> tuple[list[_TextLine], list[_Picture]]:
    x1, y1, x2, y2 = box
    width, height = x2 - x1, y2 - y1
    lines: list[_TextLine] = []
    # NĐ 30 Phụ lục I: the position in capitals, bold; the name bold, below the signature.
    title_lines = [part.strip().upper() for part in title.splitlines() if part.strip()][:3]
    band = _TITLE_BAND / max(len(title_lines), 2)
    for index, text in enumerate(title_lines):
        top = height - band * (index + 1)
        lines.append(_TextLine((0, top, width, band), text, size=10, bold=True))
    lines.append(_TextLine((0, 0, width, _NAME_BAND), name, size=10, bold=True))
    rx1, ry1, rx2, ry2 = _signer_image_region(box)
    region = (rx1 - x1, ry1 - y1, rx2 - rx1, ry2 - ry1)
    pictures: list[_Picture] = []
    if image is not None:
        pictures.append(_Picture(region, image))
    else:
        lines.append(_TextLine(region, "(Đã ký số)", size=9))
    return lines, pictures


def _agency_layout(
    region: Box, *, agency_name: str, number_notation: str, seal: bytes | None
) -> tuple[Box, list[_TextLine], list[_Picture]]:
    """Place the seal over the left third of the signer's image, the text under the seal."""
    rx1, ry1, rx2, ry2 = region
    seal_d = min(max((ry2 - ry1) * 1.3, 70.0), 105.0)  # a real seal is 35-40 mm across
    seal_x = rx1 + (rx2 - rx1) / 3 - seal_d
    seal_y = (ry1 + ry2) / 2 - seal_d / 2
    text_h = 3 * 8.0
    text_w = max(seal_d, 150.0)
    x1 = max(seal_x + seal_d / 2 - text_w / 2, 5.0)
    # below both the seal and the signer's name line, so the texts never collide
    y1 = max(min(seal_y, ry1 - _NAME_BAND - 2) - text_h, 5.0)
    x2 = max(seal_x + seal_d, x1 + text_w)
    y2 = seal_y + seal_d
    box = (x1, y1, x2, y2)
    pictures: list[_Picture] = []
    if seal is not None:
        pictures.append(_Picture((seal_x - x1, seal_y - y1, seal_d, seal_d), seal))
    # the text band sits at the bottom of the box
    texts = [agency_name, "Số: " + number_notation, "Thời gian ký: %(ts)s"]
    lines = [
        _TextLine((0, (2 - i) * 8.0, x2 - x1, 8.0), text, size=6, align="center")
        for i, text in enumerate(texts)
    ]
    return box, lines, pictures


def _copy_layout(
    page_size: tuple[float, float], *, agency_name: str, number_notation: str
) -> tuple[Box, list[_TextLine]]:
    """NĐ 30 Phụ lục I: top right of page 1, no image, Times New Roman 10 pt, black."""
    page_w, page_h = page_size
    width, height = 250.0, 42.0
    x2 = page_w - 42.0
    y2 = page_h - 8.0
    box = (x2 - width, y2 - height, x2, y2)
    texts = ["Cơ quan: " + agency_name, "Số: " + number_notation, "Thời gian ký: %(ts)s"]
    lines = [
        _TextLine((2, (2 - i) * 14.0, width - 4, 14.0), text, size=10, align="left")
        for i, text in enumerate(texts)
    ]
    return box, lines


# --------------------------------------------------------------------------- document helpers


def _open_writer(pdf: bytes) -> IncrementalPdfFileWriter:
    """Open ``pdf`` for an incremental update, refusing encrypted, corrupt or invalid input."""
    if not pdf.startswith(b"%PDF-") and b"%PDF-" not in pdf[:1024]:
        raise SigningError("Tệp không phải là PDF.")
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        reader = writer.prev
        if reader.encrypted:
            raise SigningError(
                "Tệp PDF đã được mã hóa hoặc đặt mật khẩu; không ký được. "
                "Hãy dùng bản không mã hóa."
            )
        int(reader.root["/Pages"]["/Count"])
        existing = reader.embedded_signatures
    except SigningError:
        raise
    except Exception as exc:
        raise SigningError("Tệp PDF bị hỏng hoặc không đọc được; không ký được.") from exc
    for embedded in existing:
        try:
            # Only integrity and allowed changes matter here, not trust: trust the
            # certificates the signature carries, so path building has nothing to report.
            carried = [c.chosen for c in embedded.signed_data["certificates"]]
            context = ValidationContext(trust_roots=carried, allow_fetching=False)
            status: Any
            if embedded.sig_object_type == "/DocTimeStamp":
                status = validate_pdf_timestamp(embedded, validation_context=context)
            else:
                status = validate_pdf_signature(embedded, signer_validation_context=context)
            sound = status.intact and status.valid
            allowed = status.docmdp_ok is not False and (
                status.modification_level is None or status.modification_level.name != "OTHER"
            )
        except Exception:
            sound = allowed = False
        if not (sound and allowed):
            raise SigningError(
                "Tệp PDF có chữ ký số «"
                + str(embedded.field_name)
                + "» không còn hợp lệ (tệp đã bị sửa sau khi ký); không ký thêm được."
            )
    return writer


def _page_count(writer: IncrementalPdfFileWriter) -> int:
    return int(writer.prev.root["/Pages"]["/Count"])


def _page_index(writer: IncrementalPdfFileWriter, page: int) -> int:
    count = _page_count(writer)
    index = page if page >= 0 else count + page
    if not 0 <= index < count:
        raise SigningError("Trang " + str(page) + " không có trong tệp PDF.")
    return index


def _page_size(writer: IncrementalPdfFileWriter, index: int) -> tuple[float, float]:
    page_ref, _ = writer.find_page_for_modification(index)  # type: ignore[no-untyped-call]
    node: Any = page_ref.get_object()
    for _ in range(64):  # MediaBox may be inherited from the page tree
        if "/MediaBox" in node:
            x1, y1, x2, y2 = (float(v) for v in node["/MediaBox"])
            return (abs(x2 - x1), abs(y2 - y1))
        if "/Parent" not in node:
            break
        node = node["/Parent"]
    return (595.0, 842.0)  # A4


def _page_refs(writer: IncrementalPdfFileWriter) -> list[int]:
    """Return the object numbers of the pages, in order."""
    refs: list[int] = []

    def walk(node_ref: Any, depth: int) -> None:
        if depth > 64:
            return
        node = node_ref.get_object()
        if node.get("/Type") == "/Pages":
            for kid in node["/Kids"]:
                walk(kid, depth + 1)
        else:
            refs.append(node_ref.idnum)

    walk(writer.prev.root.raw_get("/Pages"), 0)
    return refs


def _existing_field_names(writer: IncrementalPdfFileWriter) -> list[str]:
    return [name for name, _, _ in fields.enumerate_sig_fields(writer.prev, filled_status=None)]


def _new_field_name(writer: IncrementalPdfFileWriter, prefix: str) -> str:
    names = set(_existing_field_names(writer))
    number = 1
    while prefix + str(number) in names:
        number += 1
    return prefix + str(number)


def _last_signer_field(writer: IncrementalPdfFileWriter) -> tuple[Box, int | None] | None:
    """Return the rectangle and page of the latest signer signature made by this module."""
    found: tuple[Box, int | None] | None = None
    for name, _, field_ref in fields.enumerate_sig_fields(writer.prev, filled_status=True):
        if not name.startswith(FIELD_PREFIX_SIGNER):
            continue
        widget: Any = field_ref.get_object()
        if "/Rect" not in widget and "/Kids" in widget:
            widget = widget["/Kids"][0].get_object()
        if "/Rect" not in widget:
            continue
        x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
        page_index: int | None = None
        page_ref = widget.raw_get("/P") if "/P" in widget else None
        if isinstance(page_ref, generic.IndirectObject):
            refs = _page_refs(writer)
            if page_ref.idnum in refs:
                page_index = refs.index(page_ref.idnum)
        found = ((min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)), page_index)
    return found


def _check_image(data: bytes | None, what: str) -> None:
    if data is None:
        return
    try:
        _load_picture(data)
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise SigningError(what + " không phải là tệp ảnh đọc được (PNG, JPEG).") from exc


def _default_signer_box(page_size: tuple[float, float]) -> Box:
    page_w, _ = page_size
    x2 = page_w - 50.0  # right margin 15-20 mm
    return (x2 - 220.0, 70.0, x2, 200.0)


def _sign(
    writer: IncrementalPdfFileWriter,
    *,
    signer: Signer,
    field_name: str,
    page_index: int,
    box: Box,
    style: _Nd30StampStyle,
    display_name: str,
    timestamp_url: str | None,
    timestamper: TimeStamper | None,
    reason: str | None,
    location: str | None,
    validation_context: ValidationContext | None,
    certify: bool,
) -> bytes:
    from .tsa import timestamper_for

    if timestamper is None and timestamp_url:
        timestamper = timestamper_for(timestamp_url)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
        name=display_name,
        certify=certify,
        docmdp_permissions=fields.MDPPerm.FILL_FORMS,
        embed_validation_info=validation_context is not None,
        validation_context=validation_context,
    )
    x1, y1, x2, y2 = box
    spec = fields.SigFieldSpec(
        field_name,
        on_page=page_index,
        box=(round(x1), round(y1), round(x2), round(y2)),
    )
    pdf_signer = signers.PdfSigner(
        meta, signer=signer, timestamper=timestamper, stamp_style=style, new_field_spec=spec
    )
    try:
        output = pdf_signer.sign_pdf(writer, output=io.BytesIO())
    except TimestampRequestError as exc:
        raise SigningError(
            "Không lấy được dấu thời gian từ máy chủ cấp dấu thời gian; chưa ký."
        ) from exc
    except PyHankoSigningError as exc:
        raise SigningError("Không ký được tài liệu: " + str(exc)) from exc
    except (PdfError, layout.LayoutError) as exc:
        raise SigningError("Không tạo được hình thức hiển thị của chữ ký số.") from exc
    except Exception as exc:
        if type(exc).__module__.startswith(("pkcs11", "pyhanko_certvalidator")):
            raise SigningError(
                "Không ký được: thiết bị ký hoặc chứng thư số báo lỗi (" + type(exc).__name__ + ")."
            ) from exc
        raise
    return bytes(output.getvalue())


# --------------------------------------------------------------------------- public API


def sign_as_signer(
    pdf: bytes,
    *,
    signer: Signer,
    signer_name: str,
    signer_title: str,
    signature_image: bytes | None,
    page: int = -1,
    box: Box | None = None,
    timestamp_url: str | None = None,
    timestamper: TimeStamper | None = None,
    reason: str = "Ký ban hành văn bản",
    location: str = "",
    validation_context: ValidationContext | None = None,
) -> bytes:
    """Add the competent person's visible signature (NĐ 30 Phụ lục I) as a new revision.

    The block shows ``signer_title`` in capitals (lines split on newlines, e.g.
    "KT. GIÁM ĐỐC\\nPHÓ GIÁM ĐỐC"), the signature image and ``signer_name``; default place:
    bottom right of the last page.
    """
    _check_image(signature_image, "Ảnh chữ ký")
    writer = _open_writer(pdf)
    page_index = _page_index(writer, page)
    target = box or _default_signer_box(_page_size(writer, page_index))
    lines, pictures = _signer_layout(
        target, title=signer_title, name=signer_name, image=signature_image
    )
    style = _Nd30StampStyle(lines=tuple(lines), pictures=tuple(pictures))
    return _sign(
        writer,
        signer=signer,
        field_name=_new_field_name(writer, FIELD_PREFIX_SIGNER),
        page_index=page_index,
        box=target,
        style=style,
        display_name=signer_name,
        timestamp_url=timestamp_url,
        timestamper=timestamper,
        reason=reason or None,
        location=location or None,
        validation_context=validation_context,
        certify=False,
    )


def sign_as_agency(
    pdf: bytes,
    *,
    signer: Signer,
    agency_name: str,
    seal_image: bytes | None,
    number_notation: str,
    page: int | None = None,
    box: Box | None = None,
    overlap_box: Box | None = None,
    timestamp_url: str | None = None,
    timestamper: TimeStamper | None = None,
    reason: str = "Ký số của cơ quan, tổ chức khi ban hành",
    location: str = "",
    validation_context: ValidationContext | None = None,
) -> bytes:
    """Add the agency's visible signature: the seal over the signer's image, number, time.

    ``overlap_box`` is the signer's image area; by default it is found from the latest
    signer signature made by ``sign_as_signer`` (same page), else the default signer place on
    ``page`` (default: last page). ``box`` overrides the whole placement.
    """
    _check_image(seal_image, "Ảnh con dấu")
    writer = _open_writer(pdf)
    page_index: int | None = None if page is None else _page_index(writer, page)
    if overlap_box is None and box is None:
        previous = _last_signer_field(writer)
        if previous is not None:
            signer_box, signer_page = previous
            if page_index is None or page_index == signer_page:
                overlap_box = _signer_image_region(signer_box)
                if page_index is None and signer_page is not None:
                    page_index = signer_page
    if page_index is None:
        page_index = _page_index(writer, -1)
    if overlap_box is None:
        overlap_box = _signer_image_region(_default_signer_box(_page_size(writer, page_index)))
    target, lines, pictures = _agency_layout(
        overlap_box, agency_name=agency_name, number_notation=number_notation, seal=seal_image
    )
    if box is not None:
        width, height = box[2] - box[0], box[3] - box[1]
        scale_x = width / (target[2] - target[0])
        scale_y = height / (target[3] - target[1])
        lines = [
            _TextLine(
                (
                    ln.rect[0] * scale_x,
                    ln.rect[1] * scale_y,
                    ln.rect[2] * scale_x,
                    ln.rect[3] * scale_y,
                ),
                ln.text,
                size=ln.size,
                align=ln.align,
            )
            for ln in lines
        ]
        pictures = [
            _Picture(
                (
                    p.rect[0] * scale_x,
                    p.rect[1] * scale_y,
                    p.rect[2] * scale_x,
                    p.rect[3] * scale_y,
                ),
                p.data,
            )
            for p in pictures
        ]
        target = box
    style = _Nd30StampStyle(lines=tuple(lines), pictures=tuple(pictures))
    return _sign(
        writer,
        signer=signer,
        field_name=_new_field_name(writer, FIELD_PREFIX_AGENCY),
        page_index=page_index,
        box=target,
        style=style,
        display_name=agency_name,
        timestamp_url=timestamp_url,
        timestamper=timestamper,
        reason=reason or None,
        location=location or None,
        validation_context=validation_context,
        certify=False,
    )


def sign_as_agency_copy(
    pdf: bytes,
    *,
    signer: Signer,
    agency_name: str,
    number_notation: str,
    box: Box | None = None,
    timestamp_url: str | None = None,
    timestamper: TimeStamper | None = None,
    reason: str = "Ký số của cơ quan, tổ chức trên văn bản kèm theo, bản sao",
    location: str = "",
    validation_context: ValidationContext | None = None,
) -> bytes:
    """Add the text-only agency signature at the top right of page 1 (attachments, copies).

    Shows "Cơ quan: …", "Số: …" and "Thời gian ký: <ISO 8601, Vietnam time>".
    """
    writer = _open_writer(pdf)
    page_size = _page_size(writer, 0)
    target, lines = _copy_layout(
        page_size, agency_name=agency_name, number_notation=number_notation
    )
    if box is not None:
        width = box[2] - box[0]
        target = box
        lines = [
            _TextLine((2, ln.rect[1], width - 4, ln.rect[3]), ln.text, size=ln.size, align="left")
            for ln in lines
        ]
    style = _Nd30StampStyle(lines=tuple(lines))
    return _sign(
        writer,
        signer=signer,
        field_name=_new_field_name(writer, FIELD_PREFIX_COPY),
        page_index=0,
        box=target,
        style=style,
        display_name=agency_name,
        timestamp_url=timestamp_url,
        timestamper=timestamper,
        reason=reason or None,
        location=location or None,
        validation_context=validation_context,
        certify=False,
    )


def pdf_archive_timestamp_add(
    pdf: bytes,
    *,
    timestamper: TimeStamper,
    validation_context: ValidationContext | None = None,
) -> bytes:
    """Add validation data for every signature, then a document timestamp (PAdES B-LTA).

    For the re-validation job (issue 4 item 6): run before certificates or the last timestamp
    expire, and again before that timestamp's TSA certificate expires (repeated B-LTA). With
    ``validation_context`` (trust roots, CRLs, fetching), the chains and revocation data of the
    existing signatures and document timestamps are embedded (DSS) first, one revision per
    signature; then a document timestamp covers everything. The input bytes stay a prefix of
    the output.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import DocumentSecurityStore, add_validation_info

    data = pdf
    _open_writer(data)  # refuse encrypted, corrupt or tampered input
    if validation_context is not None:
        count = len(PdfFileReader(io.BytesIO(data)).embedded_signatures)
        for index in range(count):
            reader = PdfFileReader(io.BytesIO(data))
            embedded = reader.embedded_signatures[index]
            # A signature's VRI entry, once written, must never change (pyHanko judges that a
            # suspicious modification): data for a signature that has one goes to the DSS only.
            try:
                vri = reader.root["/DSS"]["/VRI"]
                key = DocumentSecurityStore.sig_content_identifier(
                    embedded.pkcs7_content.hex().encode("ascii")
                )
                has_vri = key in vri
            except (KeyError, TypeError):
                has_vri = False
            try:
                output = add_validation_info(
                    embedded, validation_context, add_vri_entry=not has_vri, output=io.BytesIO()
                )
            except Exception as exc:
                raise SigningError(
                    "Không bổ sung được thông tin kiểm tra chữ ký «"
                    + str(embedded.field_name)
                    + "» (chứng thư hoặc danh sách thu hồi)."
                ) from exc
            data = bytes(output.getvalue())
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    try:
        output = signers.PdfTimeStamper(timestamper).timestamp_pdf(
            writer, "sha256", validation_context=validation_context, output=io.BytesIO()
        )
    except TimestampRequestError as exc:
        raise SigningError(
            "Không lấy được dấu thời gian từ máy chủ cấp dấu thời gian; chưa đóng dấu."
        ) from exc
    except PyHankoSigningError as exc:
        raise SigningError("Không đóng được dấu thời gian tài liệu: " + str(exc)) from exc
    return bytes(output.getvalue())


def signer_from_key_and_cert(
    key_pem: bytes, cert_pem: bytes, chain_pem: Sequence[bytes] = ()
) -> Signer:
    """Return a software signer from PEM bytes (tests, the demo's fallback; not for production)."""
    from asn1crypto import keys as asn1_keys  # type: ignore[import-untyped]
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    def der(data: bytes) -> bytes:
        return pem.unarmor(data)[2] if pem.detect(data) else data

    return signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(der(cert_pem)),
        signing_key=asn1_keys.PrivateKeyInfo.load(der(key_pem)),
        cert_registry=SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
            [asn1_x509.Certificate.load(der(c)) for c in chain_pem]
        ),
    )
