"""Suggest the metadata of an incoming document from its text (issue 7 item 2).

Pure code: no Django, no other Vanthu package (import-linter contract in pyproject.toml), so it
can be tested and benchmarked on plain text. The layout it reads is the one of NĐ 30/2020 Phụ lục
I: the issuing body top left (often the parent body on the first line), the national motto top
right, "Số: 125/QĐ-UBND" under the issuing body, "Khánh Hòa, ngày 05 tháng 3 năm 2024" under the
motto, the type title and its summary (or "V/v …" under the number for a công văn), the body,
then "Nơi nhận" on the left and the signature block on the right.

Text reaches us in three shapes: a PDF text layer extracted with its layout (the two columns on
one line, separated by runs of spaces), a DOCX or a PDF without layout (the columns one after
the other), and OCR output (the same, with missing diacritics, broken lines and look-alike
characters). Every comparison is made on folded text (lower case, no diacritics, đ→d), and each
line is cut into column segments, so the three shapes are read by the same rules.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

__all__ = ["DOCUMENT_TYPES", "Suggested", "Suggestion", "fold", "suggest"]


@dataclass(frozen=True)
class Suggested:
    """One suggested value and how sure the suggester is of it (0 to 1)."""

    value: str
    confidence: float


@dataclass(frozen=True)
class Suggestion:
    """The metadata proposed for a document; a field is None when nothing was found."""

    sender_name: Suggested | None = None
    sender_parent: Suggested | None = None
    number: Suggested | None = None
    notation: Suggested | None = None
    document_date: Suggested | None = None  # ISO yyyy-mm-dd
    document_type: Suggested | None = None  # the type name, e.g. "Quyết định"
    summary: Suggested | None = None
    signer_name: Suggested | None = None
    signer_position: Suggested | None = None
    urgency: Suggested | None = None  # normal, urgent, very_urgent, flash (registry's values)
    extra: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict: field → {"value", "confidence"} or None."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Suggestion:
        """Read back what `to_dict` wrote (unknown keys ignored)."""
        values: dict[str, Any] = {}
        for name in cls.__dataclass_fields__:
            raw = data.get(name)
            if name == "extra":
                values[name] = dict(raw or {})
            elif isinstance(raw, dict) and "value" in raw:
                values[name] = Suggested(str(raw["value"]), float(raw.get("confidence", 0)))
        return cls(**values)


# NĐ 30/2020 Điều 7 and Phụ lục III: type name → abbreviation in the notation.
DOCUMENT_TYPES: dict[str, str] = {
    "Nghị quyết": "NQ",
    "Quyết định": "QĐ",
    "Chỉ thị": "CT",
    "Quy chế": "QC",
    "Quy định": "QyĐ",
    "Thông cáo": "TC",
    "Thông báo": "TB",
    "Hướng dẫn": "HD",
    "Chương trình": "CTr",
    "Kế hoạch": "KH",
    "Phương án": "PA",
    "Đề án": "ĐA",
    "Dự án": "DA",
    "Báo cáo": "BC",
    "Biên bản": "BB",
    "Tờ trình": "TTr",
    "Hợp đồng": "HĐ",
    "Công điện": "CĐ",
    "Bản ghi nhớ": "BGN",
    "Bản thỏa thuận": "BTT",
    "Giấy ủy quyền": "GUQ",
    "Giấy mời": "GM",
    "Giấy giới thiệu": "GGT",
    "Giấy nghỉ phép": "GNP",
    "Phiếu gửi": "PG",
    "Phiếu chuyển": "PC",
    "Phiếu báo": "PB",
    "Công văn": "",
}
URGENCY_WORDS = {"hoa toc": "flash", "thuong khan": "very_urgent", "khan": "urgent"}

_SPLIT = re.compile(r"\s{3,}|\t+")
_DECORATION = re.compile("^[\\s\\-_=~.*·•\u2014\u2013|]*$")
_MOTTO = ("cong hoa xa hoi chu nghia", "doc lap", "tu do", "hanh phuc")
# Words that continue the name on the line above ("ỦY BAN NHÂN DÂN / TỈNH KHÁNH HÒA").
_CONTINUATION = (
    "tinh ",
    "thanh pho ",
    "huyen ",
    "quan ",
    "xa ",
    "phuong ",
    "thi xa ",
    "thi tran ",
    "va ",
    "- ",
)
_PLACE_WORDS = ("tinh", "thanh pho", "huyen", "quan", "xa", "phuong", "thi xa", "thi tran")
_BODY_WORDS = ("bo", "so", "cuc", "chi cuc", "tong cuc", "ban", "phong", "van phong", "vu")
_ABBREVIATIONS = {
    "ubnd": "Ủy ban nhân dân",
    "hdnd": "Hội đồng nhân dân",
    "ub": "Ủy ban",
}
_NOTATION_FIXES = {"QD": "QĐ", "HDND": "HĐND", "SGDDT": "SGDĐT", "TTDT": "TTĐT", "DHKH": "ĐHKH"}
_COMPETENCE = re.compile(r"^(kt|tm|tl|tuq|q|thua lenh|thua uy quyen)[.,:]?\s+\S")
_POSITION_HEADS = (
    "chu tich",
    "pho chu tich",
    "giam doc",
    "pho giam doc",
    "bo truong",
    "thu truong",
    "chanh ",
    "pho chanh",
    "truong ",
    "pho truong",
    "cuc truong",
    "pho cuc truong",
    "tong cuc truong",
    "chi cuc truong",
    "vu truong",
    "hieu truong",
    "chu nhiem",
    "thu ky",
    "ke toan truong",
    "tong giam doc",
    "pho tong giam doc",
    "bi thu",
    "quyen ",
    "pho ",
)
_SIGNATURE_NOISE = (
    "da ky",
    "ky ten",
    "ky, ",
    "ky va",
    "ky so",
    "dong dau",
    "chu ky",
    "signature",
    "nguoi ky",
    "thoi gian ky",
    "co quan:",
    "email",
)
_SUMMARY_STOPS = (
    "can cu",
    "kinh gui",
    "thuc hien",
    "theo de nghi",
    "xet de nghi",
    "xet to trinh",
    "so:",
    "noi nhan",
    "khoa ",
    "ky hop",
    "trong thoi gian",
    "nham ",
)
_NAME_WORD = re.compile(r"^[^\W\d_]+$")
_DIGITLIKE = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "|": "1"})


def fold(text: str) -> str:
    """Fold for comparison: lower case, no diacritics, đ→d, spaces collapsed."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(plain.split())


def _bare(text: str) -> str:
    """Folded text without punctuation at the ends (for equality tests)."""
    return fold(text).strip(" .:;,-_*()[]\"'“”")


def _fix_digits(token: str) -> str:
    """Undo OCR look-alikes in a token that is mostly digits ("2O24" → "2024")."""
    if sum(c.isdigit() for c in token) * 2 >= len(token):
        return token.translate(_DIGITLIKE)
    return token


def _digits_in(text: str) -> str:
    return re.sub(r"[0-9OolI|]+", lambda m: _fix_digits(m.group(0)), text)


@dataclass
class _Segment:
    text: str
    folded: str
    line: int
    column: str  # "left", "right" or "full"


def _segments(text: str) -> list[_Segment]:
    """Cut every line into column segments (layout text) and fold each once."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    result: list[_Segment] = []
    for number, raw in enumerate(text.split("\n")):
        line = raw.replace("\u00a0", " ").rstrip()
        if not line.strip():
            result.append(_Segment("", "", number, "full"))
            continue
        indent = len(line) - len(line.lstrip())
        parts = [
            piece
            for p in _SPLIT.split(line.strip())
            if p.strip()
            for piece in _split_merged(p.strip())
        ]
        for index, part in enumerate(parts):
            if len(parts) == 1:
                column = "right" if indent >= 20 else "full"
            else:
                column = "left" if index == 0 and indent < 20 else "right"
            result.append(_Segment(part, fold(part), number, column))
    return result


# Where OCR joins the two columns with one space, the right column starts with one of these.
_RIGHT_STARTS = re.compile(
    r"cong hoa xa hoi chu nghia|doc lap\s*-\s*tu do|(?:kt|tm|tl|tuq)\.\s|"
    r"(?:(?<=\s)|^)(?:\S+\s){0,3}\S+,\s*(?:ngay\s*[0-9o]|[0-9]{1,2}/[0-9]{1,2}/[0-9]{4})"
)
_TAIL_CAPITALS = re.compile(r"[;:.,]\s+((?:[^\W\d_a-z]+\s?){2,})$")


def _fold_same_length(text: str) -> str:
    """Fold letter by letter, keeping every position (to cut the original where it matched)."""
    return "".join(fold(c)[:1] or c if not c.isspace() else " " for c in text)


def _split_merged(part: str) -> list[str]:
    """Cut a part where OCR joined the right column on with a single space."""
    folded = _fold_same_length(part)
    if len(folded) != len(part):
        return [part]
    for match in _RIGHT_STARTS.finditer(folded):
        start = match.start()
        if match.group(0)[:1].isalpha() and "," in match.group(0):
            # A place before ", ngày": only its capitalised words belong to the right column.
            words = part[start : start + match.group(0).index(",")].split(" ")
            while words and not words[0][:1].isupper():
                start += len(words.pop(0)) + 1
        if start > 0 and part[:start].strip():
            return [part[:start].strip(), *_split_merged(part[start:].strip())]
    if part.startswith(("-", "+", "Nơi nhận", "Noi nhan")):
        tail = _TAIL_CAPITALS.search(part)
        if tail and _is_upper(tail.group(1)):
            return [part[: tail.start(1)].strip(), tail.group(1).strip()]
    return [part]


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _is_motto(folded: str) -> bool:
    return any(folded.startswith(m) or m in folded[:40] for m in _MOTTO[:2]) or (
        "tu do" in folded and "hanh phuc" in folded
    )


# --- Number and notation ----------------------------------------------------------------

_NUMBER = re.compile(
    r"(?:^|\s)s\s?[o0-9]\s*[:;.,]?\s*([0-9OolI|]{1,5})\s*/\s*"
    r"([^\s,;]+(?:\s*[-/]\s*[^\s,;]+)*)",
    re.IGNORECASE,
)


def _number_notation(segments: list[_Segment]) -> tuple[Suggested | None, Suggested | None, int]:
    """Return the number, the notation and the line they were printed on (-1 when absent)."""
    for position, segment in enumerate(segments[:120]):
        match = _NUMBER.search(segment.folded)
        if not match:
            continue
        start = match.start(1)
        # Map the folded match back to the original (folding keeps lengths except spaces).
        original = " ".join(segment.text.split())
        if len(original) != len(segment.folded):
            original = segment.folded
        number = _fix_digits(match.group(1))
        raw = original[start + len(match.group(1)) :].lstrip(" /")
        raw = raw[: len(match.group(2)) + 8]
        notation = re.sub(r"\s*([-/])\s*", r"\1", raw).split(" ")[0].strip(".,;:")
        if not notation and position + 1 < len(segments):
            notation = segments[position + 1].text.split(" ")[0]
        notation = "-".join(
            "/".join(_fix_notation(part) for part in group.split("/"))
            for group in notation.upper().split("-")
        )
        confidence = 0.95 if segment.folded.startswith("s") else 0.75
        if not re.fullmatch(r"[0-9]{1,5}", number):
            confidence -= 0.3
        return (
            Suggested(number, round(confidence, 2)),
            Suggested(notation, round(confidence - 0.05, 2)),
            segment.line,
        )
    return None, None, -1


def _fix_notation(part: str) -> str:
    if re.fullmatch(r"[0-9OolI]{4}", part):
        return _fix_digits(part)
    return _NOTATION_FIXES.get(fold(part).upper(), part)


# --- Date -----------------------------------------------------------------------------

_LONG_DATE = re.compile(r"ngay\s*([0-9]{1,2})\s*thang\s*([0-9]{1,2})\s*nam\s*([0-9]{4})")
_SHORT_DATE = re.compile(r"(?<![0-9/])([0-9]{1,2})\s*[/.-]\s*([0-9]{1,2})\s*[/.-]\s*([0-9]{4})")


def _to_date(day: str, month: str, year: str) -> date | None:
    try:
        value = date(int(year), int(month), int(day))
    except ValueError:
        return None
    return value if 1945 <= value.year <= 2100 else None


def _document_date(segments: list[_Segment], header_end: int) -> Suggested | None:
    header = [s for s in segments if s.line <= header_end]
    # Joined, so that "ngày 05 tháng 3 / năm 2024" broken by OCR still reads.
    joined = " ".join(_digits_in(s.folded) for s in header if s.folded)
    for match in _LONG_DATE.finditer(joined):
        found = _to_date(*match.groups())
        if found is None:
            continue
        before = joined[max(0, match.start() - 40) : match.start()]
        confidence = 0.95 if "," in before else 0.8
        return Suggested(found.isoformat(), confidence)
    for match in _SHORT_DATE.finditer(joined):
        found = _to_date(*match.groups())
        if found is not None:
            return Suggested(found.isoformat(), 0.75)
    body = " ".join(_digits_in(s.folded) for s in segments if s.line > header_end)
    for pattern in (_LONG_DATE, _SHORT_DATE):
        for match in pattern.finditer(body):
            found = _to_date(*match.groups())
            if found is not None:
                return Suggested(found.isoformat(), 0.3)
    return None


# --- Sender ---------------------------------------------------------------------------


def _nice_case(name: str) -> str:
    """Write an upper-case agency name as it is written in running text."""
    folded_words = fold(name).split()
    words = name.split()
    if not words or not _is_upper(name):
        return " ".join(words)
    result: list[str] = []
    capitalise_rest = False
    capitalise_next = True
    capitalise_at = -1
    for index, (word, plain) in enumerate(zip(words, folded_words, strict=False)):
        if plain in _ABBREVIATIONS and index == 0:
            result.append(_ABBREVIATIONS[plain])
            capitalise_next = False
            continue
        lower = word.lower()
        if capitalise_next or capitalise_rest:
            result.append(lower[:1].upper() + lower[1:])
        else:
            result.append(lower)
        capitalise_next = False
        two = " ".join(folded_words[index : index + 2])
        if (plain in _PLACE_WORDS and two not in ("thanh pho", "thi xa", "thi tran")) or (
            index > 0 and " ".join(folded_words[index - 1 : index + 1]) in _PLACE_WORDS
        ):
            capitalise_rest = True
        elif index == 0 and two in _BODY_WORDS:
            capitalise_at = 2
        elif (plain in _BODY_WORDS and index == 0) or plain == "-":
            capitalise_next = True
        if index + 1 == capitalise_at:
            capitalise_next = True
        elif plain == "va" and not capitalise_rest and index > 0:
            capitalise_next = result[0] == "Bộ"
    return " ".join(result)


def _sender(
    segments: list[_Segment], number_line: int
) -> tuple[Suggested | None, Suggested | None]:
    limit = number_line if number_line >= 0 else 12
    lines: list[str] = []
    for segment in segments:
        if segment.line > limit or len(lines) > 8:
            break
        if segment.line == number_line and _NUMBER.search(segment.folded):
            break
        if not segment.folded or (segment.column == "right" and number_line >= 0):
            continue
        bare = _bare(segment.text)
        if (
            _DECORATION.match(segment.text)
            or _is_motto(segment.folded)
            or bare in URGENCY_WORDS
            or bare in ("mat", "toi mat", "tuyet mat", "du thao")
            or _LONG_DATE.search(_digits_in(segment.folded))
            or not _is_upper(segment.text)
            or len(bare) < 2
        ):
            continue
        lines.append(segment.text.strip(" -_|'.,"))
    if not lines:
        return None, None
    groups: list[str] = []
    for line in lines[-4:]:
        plain = fold(line) + " "
        if groups and (plain.startswith(_CONTINUATION) or fold(groups[-1]).endswith((" va", ","))):
            groups[-1] = groups[-1] + " " + line
        else:
            groups.append(line)
    agency = _nice_case(groups[-1])
    confidence = 0.9 if number_line >= 0 else 0.6
    parent = Suggested(_nice_case(groups[-2]), 0.8) if len(groups) > 1 else None
    return Suggested(agency, confidence), parent


# --- Type and summary -----------------------------------------------------------------

_TYPE_KEYS = sorted(((fold(name), name) for name in DOCUMENT_TYPES), key=lambda p: -len(p[0]))
_ABBREVIATION_TYPES = {fold(abbr): name for name, abbr in DOCUMENT_TYPES.items() if abbr}


def _type_title(segment: _Segment) -> tuple[str, str] | None:
    """Return (type name, the rest of the line) when the segment is a type title."""
    bare = _bare(segment.text)
    for key, name in _TYPE_KEYS:
        if bare == key:
            return name, ""
        if bare.startswith(key + " ") and _is_upper(segment.text[: len(key) + 2]):
            rest = segment.text[len(key) :].strip(" :")
            if fold(rest).startswith(("ve ", "v/v", "ban hanh", "phe duyet", "moi ")):
                return name, rest
    return None


def _is_vv(folded: str) -> bool:
    return bool(re.match(r"^(v\s*[/l|i1]\s*v|vv)[\s.:]", folded + " "))


def _clean_summary(parts: list[str]) -> str:
    text = " ".join(" ".join(parts).split())
    text = re.sub(r"^(v\s*[/l|i1]\s*v|vv)[.:]?\s+", "", text, flags=re.IGNORECASE)
    return text.strip(" -_")


def _summary_stop(segment: _Segment) -> bool:
    return (
        segment.folded.startswith(_SUMMARY_STOPS)
        or _DECORATION.match(segment.text) is not None
        or _is_motto(segment.folded)
        or bool(_LONG_DATE.search(_digits_in(segment.folded)))
    )


def _type_and_summary(
    segments: list[_Segment], number_line: int, notation: Suggested | None
) -> tuple[Suggested | None, Suggested | None, int]:
    start = max(0, number_line)
    title_index = -1
    title: tuple[str, str] | None = None
    for index, segment in enumerate(segments):
        if segment.line < start and number_line >= 0:
            continue
        if segment.line > start + 40:
            break
        if segment.column == "left" and _is_vv(segment.folded):
            break
        found = _type_title(segment)
        if found is not None:
            title, title_index = found, index
            break
    if title is not None:
        name, rest = title
        parts = [rest] if rest else []
        last_line = segments[title_index].line
        for segment in segments[title_index + 1 :]:
            if not segment.folded:
                if parts:
                    break
                continue
            if segment.line - last_line > 2 or _summary_stop(segment):
                break
            # The authority line under a decision's summary is in capitals; summaries are not.
            if parts and _is_upper(segment.text):
                break
            if not parts and _is_upper(segment.text) and len(segment.text) > 12:
                # A merged upper-case title line of an OCR'd page: keep it.
                pass
            parts.append(segment.text)
            last_line = segment.line
            if len(parts) >= 5:
                break
        summary = _clean_summary(parts)
        end_line = last_line
        return (
            Suggested(name, 0.95),
            Suggested(summary, 0.85) if summary else None,
            end_line,
        )
    # Công văn: "V/v …" under the number, on the left, possibly on several lines.
    for index, segment in enumerate(segments):
        if segment.line > start + 25 and number_line >= 0:
            break
        if not _is_vv(segment.folded) or segment.column == "right":
            continue
        parts = [segment.text]
        last_line = segment.line
        for other in segments[index + 1 :]:
            if other.line == last_line or other.column == "right":
                continue
            if not other.folded or other.line - last_line > 1 or _summary_stop(other):
                break
            if other.folded.startswith(("kinh gui",)) or _is_upper(other.text):
                break
            parts.append(other.text)
            last_line = other.line
        document_type = Suggested("Công văn", 0.9)
        return document_type, Suggested(_clean_summary(parts), 0.85), last_line
    if notation is not None:
        first = fold(notation.value.split("/")[-1].split("-")[0])
        if first in _ABBREVIATION_TYPES:
            return Suggested(_ABBREVIATION_TYPES[first], 0.6), None, start + 6
        return Suggested("Công văn", 0.5), None, start + 6
    return None, None, start + 6


# --- Signer ---------------------------------------------------------------------------


def _is_position(folded: str, text: str) -> bool:
    bare = _bare(text)
    return (
        bare.startswith(_POSITION_HEADS) and len(bare.split()) <= 12 and _is_upper(text)
    ) and not bare.startswith(("truong hop",))


def _is_name(text: str) -> bool:
    words = text.replace(".", " ").split()
    if not 2 <= len(words) <= 5:
        return False
    if not all(_NAME_WORD.match(w) for w in words):
        return False
    if not all(w[0].isupper() for w in words):
        return False
    bare = _bare(text)
    return not bare.startswith(_POSITION_HEADS) and not any(n in bare for n in _SIGNATURE_NOISE)


def _signer(segments: list[_Segment]) -> tuple[Suggested | None, Suggested | None]:
    tail = [s for s in segments if s.folded]
    tail = tail[-45:]
    candidates = [
        s
        for s in tail
        if s.column != "left"
        and not s.folded.startswith(("-", "+", "•", "noi nhan", "luu", "nhu tren"))
    ]
    competence_at = -1
    for index, segment in enumerate(candidates):
        if _COMPETENCE.match(segment.folded) and _is_upper(segment.text):
            competence_at = index
    position: str | None = None
    position_at = -1
    if competence_at >= 0:
        for index in range(competence_at + 1, min(competence_at + 3, len(candidates))):
            if _is_position(candidates[index].folded, candidates[index].text):
                position, position_at = candidates[index].text, index
                break
        if position is None:
            competence = candidates[competence_at].text
            position = re.sub(r"^\S+[.,:]?\s+", "", competence)
            position_at = competence_at
    else:
        for index in range(len(candidates) - 1, -1, -1):
            if _is_position(candidates[index].folded, candidates[index].text):
                position, position_at = candidates[index].text, index
                break
    name: str | None = None
    name_confidence = 0.0
    if position_at >= 0:
        for segment in candidates[position_at + 1 : position_at + 9]:
            text = segment.text.strip(" .,;:()[]")
            if _is_name(text):
                name = text
                name_confidence = 0.9
                break
    if name is None:
        for segment in reversed(candidates[-8:]):
            text = segment.text.strip(" .,;:()[]")
            if _is_name(text) and not _is_upper(text):
                name, name_confidence = text, 0.5
                break
    signer = None
    if name is not None:
        if _is_upper(name):
            name = " ".join(w[:1] + w[1:].lower() for w in name.split())
            name_confidence -= 0.1
        signer = Suggested(name, round(name_confidence, 2))
    job = None
    if position is not None:
        words = " ".join(position.split()).strip(" .,;:")
        pretty = words[:1].upper() + words[1:].lower()
        job = Suggested(pretty, 0.85 if competence_at >= 0 else 0.7)
    return signer, job


# --- Urgency --------------------------------------------------------------------------


def _urgency(segments: list[_Segment]) -> Suggested:
    for segment in segments[:80]:
        bare = _bare(segment.text)
        for words, value in URGENCY_WORDS.items():
            if bare == words or (bare.startswith(words + " ") and _is_upper(segment.text)):
                if words == "khan" and bare != "khan":
                    continue
                return Suggested(value, 0.9)
    return Suggested("normal", 0.7)


def suggest(text: str) -> Suggestion:
    """Propose sender, number, notation, date, type, summary, signer and urgency from `text`."""
    segments = _segments(text or "")
    if not any(s.folded for s in segments):
        return Suggestion()
    number, notation, number_line = _number_notation(segments)
    sender, parent = _sender(segments, number_line)
    document_type, summary, header_end = _type_and_summary(segments, number_line, notation)
    document_date = _document_date(segments, max(header_end, number_line + 4))
    signer, position = _signer(segments)
    return Suggestion(
        sender_name=sender,
        sender_parent=parent,
        number=number,
        notation=notation,
        document_date=document_date,
        document_type=document_type,
        summary=summary,
        signer_name=signer,
        signer_position=position,
        urgency=_urgency(segments),
    )
