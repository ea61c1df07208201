"""Agency-directory files (CSV or JSON) read into `AgencyData` rows; pure, no database.

A directory file is how a province loads the national list of agency identifiers (QCVN 102,
TT 01/2018 Điều 19) exported from its LGSP/VDXP. Every problem is reported with its line
number, all at once, so the operator can fix the file in one pass; nothing is stored here
(`services.agency_import` stores the rows, all or nothing).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_email

from vanthu.core.errors import ValidationFailed
from vanthu.core.text import normalize_text
from vanthu.organizations.choices import AgencyKind
from vanthu.organizations.identifiers import IdentifierError, parse_identifier, validate_qd20_code
from vanthu.organizations.services import AgencyData

MAX_DIRECTORY_BYTES = 5 * 1024 * 1024
MAX_DIRECTORY_ROWS = 20_000
# At most this many problems are listed; a file with more is usually in the wrong format.
MAX_REPORTED_PROBLEMS = 200

FIELDS = (
    "identifier",
    "name",
    "short_name",
    "kind",
    "parent_identifier",
    "qd20_code",
    "address",
    "email",
    "phone",
    "website",
    "is_hosted",
)
REQUIRED_FIELDS = ("identifier", "name", "short_name")
_MAX_LENGTHS = {"name": 200, "short_name": 30, "address": 300, "phone": 50, "website": 200}
_TRUE = {"1", "true", "yes", "y", "x", "có", "co"}
_FALSE = {"0", "false", "no", "n", "không", "khong"}


@dataclass(frozen=True, slots=True)
class DirectoryProblem:
    """One problem of a directory file, at a line (1 = the first line of the file)."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"Dòng {self.line}: {self.message}"


class DirectoryError(ValidationFailed):
    """The directory file cannot be imported; `problems` lists every problem by line."""

    def __init__(self, problems: list[DirectoryProblem]) -> None:
        shown = problems[:MAX_REPORTED_PROBLEMS]
        fields: dict[str, list[str]] = {}
        for problem in shown:
            fields.setdefault(f"line {problem.line}", []).append(problem.message)
        if len(problems) == 1:
            message = f"Tệp danh bạ không nhập được. {problems[0]}"
        else:
            message = f"Tệp danh bạ có {len(problems)} lỗi, chưa nhập dòng nào."
        super().__init__(message, fields=fields)
        self.problems = shown


@dataclass(frozen=True, slots=True)
class DirectoryRow:
    """One agency of the file with the line where it starts."""

    line: int
    data: AgencyData


class _Problems(list[DirectoryProblem]):
    def add(self, line: int, message: str) -> None:
        self.append(DirectoryProblem(line, message))


def _fail(line: int, message: str) -> DirectoryError:
    return DirectoryError([DirectoryProblem(line, message)])


def _decode(data: bytes) -> str:
    if len(data) > MAX_DIRECTORY_BYTES:
        size, limit = len(data) / 1024 / 1024, MAX_DIRECTORY_BYTES // 1024 // 1024
        raise _fail(1, f"Tệp quá lớn ({size:.1f} MB); tối đa {limit} MB.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail(1, "Tệp dùng bảng mã UTF-16; hãy lưu lại với bảng mã UTF-8 (TCVN 6909:2001).")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # TCVN 6909:2001 (Unicode) is mandatory (QĐ 22 Điều 3.2.b); legacy TCVN3/VNI bytes are
        # refused rather than guessed.
        line = data[: exc.start].count(b"\n") + 1
        raise _fail(
            line,
            (
                f"Tệp không phải bảng mã UTF-8 (byte 0x{data[exc.start]:02X} không hợp lệ). Có thể "
                "tệp dùng bảng mã cũ như TCVN3 (ABC) hoặc VNI: hãy lưu lại với bảng mã UTF-8 "
                "(Unicode, TCVN 6909:2001)."
            ),
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise _fail(line, "Tệp chứa ký tự NUL; đây không phải tệp văn bản.")
    return text


def _as_text(value: Any) -> str | None:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, str | int):
        return str(value)
    return None


def _bool(value: str) -> bool | None:
    folded = value.strip().casefold()
    if not folded:
        return True  # an agency listed without the column is one hosted here
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    return None


def _check_formats(line: int, values: dict[str, str], problems: _Problems) -> None:
    identifier = values["identifier"]
    for key, label in (("identifier", "Mã định danh"), ("parent_identifier", "Mã cấp trên")):
        if values[key]:
            try:
                parse_identifier(values[key])
            except IdentifierError as exc:
                problems.add(line, f"{label} «{values[key]}»: {exc}")
    if identifier and values["parent_identifier"] == identifier:
        problems.add(line, "Cơ quan không thể là cấp trên của chính nó.")
    if values["qd20_code"]:
        try:
            validate_qd20_code(values["qd20_code"])
        except IdentifierError as exc:
            problems.add(line, str(exc))
    if values["kind"] not in AgencyKind.values:
        kinds = ", ".join(AgencyKind.values)
        problems.add(
            line, f"Loại cơ quan «{values['kind']}» không hợp lệ; dùng một trong: {kinds}."
        )
    if values["email"]:
        try:
            validate_email(values["email"])
        except DjangoValidationError:
            problems.add(line, f"Địa chỉ thư điện tử «{values['email']}» không hợp lệ.")
    if values["website"]:
        try:
            URLValidator(schemes=["http", "https"])(values["website"])
        except DjangoValidationError:
            problems.add(
                line,
                f"Trang thông tin «{values['website']}» không hợp lệ (cần http:// hoặc https://).",
            )
    if _bool(values["is_hosted"]) is None:
        problems.add(
            line,
            f"is_hosted «{values['is_hosted']}» không hợp lệ; dùng 1/0, true/false hoặc có/không.",
        )


def _row(line: int, raw: Mapping[str, Any], problems: _Problems) -> AgencyData | None:
    start = len(problems)
    values = dict.fromkeys(FIELDS, "")
    for key, value in raw.items():
        text = _as_text(value)
        if text is None:
            problems.add(line, f"Trường {key} phải là chuỗi ký tự.")
        else:
            values[key] = normalize_text(text)
    for key in ("identifier", "parent_identifier", "qd20_code"):
        values[key] = values[key].upper()
    values["kind"] = values["kind"] or AgencyKind.OTHER
    for key in REQUIRED_FIELDS:
        if not values[key]:
            problems.add(line, f"Thiếu {key} (bắt buộc).")
    for key, limit in _MAX_LENGTHS.items():
        if len(values[key]) > limit:
            problems.add(line, f"{key} dài quá {limit} ký tự.")
    _check_formats(line, values, problems)
    if len(problems) > start:
        return None
    return AgencyData(
        identifier=values["identifier"],
        name=values["name"],
        short_name=values["short_name"],
        kind=values["kind"],
        parent_identifier=values["parent_identifier"],
        qd20_code=values["qd20_code"],
        address=values["address"],
        email=values["email"],
        phone=values["phone"],
        website=values["website"],
        is_hosted=bool(_bool(values["is_hosted"])),
    )


def _unknown(names: list[str], what: str) -> str:
    return f"{what} không được hỗ trợ: {', '.join(names)}. Dùng được: {', '.join(FIELDS)}."


def _csv_records(text: str, problems: _Problems) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        problems.add(1, f"Dòng tiêu đề CSV không đọc được: {exc}.")
        return
    columns = [normalize_text(c).lower() for c in header]
    if unknown := [c for c in columns if c not in FIELDS]:
        problems.add(1, _unknown(unknown, "Cột"))
    if missing := [c for c in REQUIRED_FIELDS if c not in columns]:
        problems.add(1, "Thiếu cột bắt buộc: " + ", ".join(missing) + ".")
    if duplicated := sorted({c for c in columns if columns.count(c) > 1}):
        problems.add(1, "Cột bị lặp: " + ", ".join(duplicated) + ".")
    if problems:
        return
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.add(line, f"Dòng CSV không đọc được: {exc}.")
            return
        if len(cells) != len(columns) and any(cell.strip() for cell in cells):
            problems.add(line, f"Có {len(cells)} ô nhưng dòng tiêu đề có {len(columns)} cột.")
        elif any(cell.strip() for cell in cells):
            yield line, dict(zip(columns, cells, strict=True))
        line = reader.line_num + 1  # a quoted cell may span several lines


def _json_records(text: str, problems: _Problems) -> Iterator[tuple[int, Mapping[str, Any]]]:
    # Walk the top-level array by hand so that each object keeps the line where it starts.
    decoder = json.JSONDecoder()
    counted = [0, 1]  # position and line reached so far

    def line_at(pos: int) -> int:
        # Counted incrementally: a 5 MB file must not be rescanned for every object.
        counted[1] += text.count("\n", counted[0], pos)
        counted[0] = pos
        return counted[1]

    def skip(pos: int) -> int:
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        return pos

    def finish(pos: int) -> None:
        if (end := skip(pos + 1)) < len(text):
            problems.add(line_at(end), "Có nội dung thừa sau dấu ] kết thúc danh sách.")

    pos = skip(0)
    if not text.startswith("[", pos):
        problems.add(line_at(pos), "Tệp JSON phải là một danh sách ([...]) các đối tượng.")
        return
    pos = skip(pos + 1)
    if text.startswith("]", pos):
        finish(pos)
        return
    while True:
        pos = skip(pos)
        line = line_at(pos)
        try:
            item, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            problems.add(exc.lineno, f"JSON không hợp lệ: {exc.msg}.")
            return
        if not isinstance(item, dict):
            problems.add(line, "Mỗi phần tử phải là một đối tượng {...}.")
        elif unknown := [str(k) for k in item if k not in FIELDS]:
            problems.add(line, _unknown(unknown, "Trường"))
        else:
            yield line, item
        pos = skip(pos)
        if text.startswith(",", pos):
            pos += 1
        elif text.startswith("]", pos):
            finish(pos)
            return
        else:
            problems.add(line_at(pos), "Thiếu dấu phẩy hoặc dấu ] trong danh sách JSON.")
            return


def _is_json(text: str, filename: str) -> bool:
    lowered = filename.lower()
    if lowered.endswith((".json", ".csv")):
        return lowered.endswith(".json")
    return text.lstrip().startswith("[")


def parse_directory_rows(data: bytes, *, filename: str = "") -> list[DirectoryRow]:
    """Parse a directory file into rows with their line numbers, or raise DirectoryError."""
    text = _decode(data)
    problems = _Problems()
    reader = _json_records if _is_json(text, filename) else _csv_records
    rows: list[DirectoryRow] = []
    first_line: dict[str, int] = {}
    for line, raw in reader(text, problems):
        if len(rows) >= MAX_DIRECTORY_ROWS:
            problems.add(line, f"Tệp có quá {MAX_DIRECTORY_ROWS} cơ quan.")
            break
        agency = _row(line, raw, problems)
        if agency is None:
            continue
        if (seen := first_line.get(agency.identifier)) is not None:
            problems.add(line, f"Mã định danh {agency.identifier} đã có ở dòng {seen}.")
            continue
        first_line[agency.identifier] = line
        rows.append(DirectoryRow(line, agency))
    if not problems and not rows:
        problems.add(1, "Tệp không có cơ quan nào.")
    if problems:
        raise DirectoryError(sorted(problems, key=lambda p: p.line))
    return rows


def parse_directory(data: bytes, *, filename: str = "") -> list[AgencyData]:
    """Parse a CSV (header row) or JSON (list of objects) agency directory, or raise."""
    return [row.data for row in parse_directory_rows(data, filename=filename)]
