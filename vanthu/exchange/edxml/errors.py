"""Refusals and recoveries of the edXML reader (and the writer's refusals).

A packet is either read (possibly after a few *recoveries*, each recorded as evidence) or refused
with an ``EdxmlError``: a stable machine code, a Vietnamese message for the clerk and the place
in the packet (a path of element names and, when known, the line).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Defect", "EdxmlError", "ErrorCode", "Recovery", "RecoveryCode"]


class ErrorCode(StrEnum):
    """Why a packet is refused. Stored values: never rename them."""

    PACKET_TOO_LARGE = "packet_too_large"
    EMPTY_PACKET = "empty_packet"
    STRAY_BYTES = "stray_bytes"
    ENCODING_UNSUPPORTED = "encoding_unsupported"
    DTD_FORBIDDEN = "dtd_forbidden"
    MALFORMED_XML = "malformed_xml"
    UNDECLARED_PREFIX = "undeclared_prefix"
    TOO_DEEP = "too_deep"
    TOO_MANY_ELEMENTS = "too_many_elements"
    WRONG_ROOT = "wrong_root"
    MISSING_ELEMENT = "missing_element"
    DUPLICATE_ELEMENT = "duplicate_element"
    UNEXPECTED_CONTENT = "unexpected_content"
    TEXT_TOO_LONG = "text_too_long"
    TOO_MANY_ITEMS = "too_many_items"
    INVALID_DATE = "invalid_date"
    INVALID_TIMESTAMP = "invalid_timestamp"
    INVALID_INTEGER = "invalid_integer"
    INVALID_BOOLEAN = "invalid_boolean"
    UNKNOWN_STATUS_CODE = "unknown_status_code"
    UNKNOWN_BUSINESS_DOC_TYPE = "unknown_business_doc_type"
    AMBIGUOUS_PACKET_KIND = "ambiguous_packet_kind"
    TOO_MANY_ATTACHMENTS = "too_many_attachments"
    DUPLICATE_CONTENT_ID = "duplicate_content_id"
    ATTACHMENT_MISSING = "attachment_missing"
    ATTACHMENT_NOT_IN_MANIFEST = "attachment_not_in_manifest"
    ATTACHMENT_MISMATCH = "attachment_mismatch"
    ATTACHMENT_NOT_BASE64 = "attachment_not_base64"
    DECODED_TOO_LARGE = "decoded_too_large"
    ZIP_INVALID = "zip_invalid"
    ZIP_UNSUPPORTED = "zip_unsupported"
    ZIP_TOO_MANY_ENTRIES = "zip_too_many_entries"
    ZIP_RATIO = "zip_ratio"
    ZIP_UNSAFE_NAME = "zip_unsafe_name"
    NESTING_TOO_DEEP = "nesting_too_deep"
    INVALID_VALUE = "invalid_value"


MESSAGES: dict[ErrorCode, str] = {
    ErrorCode.PACKET_TOO_LARGE: "Gói tin edXML vượt quá dung lượng cho phép",
    ErrorCode.EMPTY_PACKET: "Gói tin edXML rỗng",
    ErrorCode.STRAY_BYTES: "Có dữ liệu lạ trước phần khai báo XML, không xác định được nội dung",
    ErrorCode.ENCODING_UNSUPPORTED: "Gói tin không dùng bảng mã UTF-8",
    ErrorCode.DTD_FORBIDDEN: "Gói tin chứa DTD hoặc thực thể (entity) XML, không được chấp nhận",
    ErrorCode.MALFORMED_XML: "Gói tin không phải XML hợp lệ",
    ErrorCode.UNDECLARED_PREFIX: "Gói tin dùng tiền tố không gian tên chưa khai báo",
    ErrorCode.TOO_DEEP: "Cấu trúc XML lồng nhau quá sâu",
    ErrorCode.TOO_MANY_ELEMENTS: "Gói tin có quá nhiều phần tử XML",
    ErrorCode.WRONG_ROOT: "Không phải gói tin edXML theo QCVN 102:2016",
    ErrorCode.MISSING_ELEMENT: "Thiếu thông tin bắt buộc",
    ErrorCode.DUPLICATE_ELEMENT: "Thông tin bị lặp lại",
    ErrorCode.UNEXPECTED_CONTENT: "Nội dung không đúng cấu trúc",
    ErrorCode.TEXT_TOO_LONG: "Nội dung quá dài",
    ErrorCode.TOO_MANY_ITEMS: "Danh sách có quá nhiều mục",
    ErrorCode.INVALID_DATE: "Ngày không hợp lệ (định dạng yyyy/MM/dd)",
    ErrorCode.INVALID_TIMESTAMP: "Thời điểm không hợp lệ (định dạng yyyy/MM/dd HH:mm:ss)",
    ErrorCode.INVALID_INTEGER: "Giá trị phải là số nguyên",
    ErrorCode.INVALID_BOOLEAN: "Giá trị phải là true/false",
    ErrorCode.UNKNOWN_STATUS_CODE: "Mã trạng thái không xác định",
    ErrorCode.UNKNOWN_BUSINESS_DOC_TYPE: "Loại nghiệp vụ (BussinessDocType) không xác định",
    ErrorCode.AMBIGUOUS_PACKET_KIND: "Không xác định được gói tin văn bản hay gói tin trạng thái",
    ErrorCode.TOO_MANY_ATTACHMENTS: "Gói tin có quá nhiều tệp đính kèm",
    ErrorCode.DUPLICATE_CONTENT_ID: "Hai tệp đính kèm trùng mã ContentId",
    ErrorCode.ATTACHMENT_MISSING: "Tệp đính kèm khai báo trong danh mục nhưng không có nội dung",
    ErrorCode.ATTACHMENT_NOT_IN_MANIFEST: "Tệp đính kèm không có trong danh mục (edXMLManifest)",
    ErrorCode.ATTACHMENT_MISMATCH: "Thông tin tệp đính kèm trong danh mục và nội dung không khớp",
    ErrorCode.ATTACHMENT_NOT_BASE64: "Nội dung tệp đính kèm không phải base64 hợp lệ",
    ErrorCode.DECODED_TOO_LARGE: "Tổng dung lượng tệp đính kèm vượt quá giới hạn",
    ErrorCode.ZIP_INVALID: "Tệp nén zip bị hỏng",
    ErrorCode.ZIP_UNSUPPORTED: "Tệp nén zip dùng mã hóa hoặc phương pháp nén không hỗ trợ",
    ErrorCode.ZIP_TOO_MANY_ENTRIES: "Tệp nén zip có quá nhiều tệp",
    ErrorCode.ZIP_RATIO: "Tỉ lệ nén bất thường (nghi ngờ bom nén)",
    ErrorCode.ZIP_UNSAFE_NAME: "Tên tệp trong tệp nén zip không an toàn",
    ErrorCode.NESTING_TOO_DEEP: "Gói tin lồng trong gói tin quá nhiều cấp",
    ErrorCode.INVALID_VALUE: "Giá trị không ghi được vào gói tin edXML",
}


class EdxmlError(Exception):
    """A packet refused (or a value the writer cannot write): code, message and location."""

    def __init__(
        self,
        code: ErrorCode,
        *,
        location: str = "",
        line: int | None = None,
        detail: str = "",
    ) -> None:
        self.code = code
        self.location = location
        self.line = line
        self.detail = detail
        self.message = MESSAGES[code]
        text = self.message
        if detail:
            text += ": " + detail
        if location:
            text += " (tại " + location
            if line is not None:
                text += ", dòng " + str(line)
            text += ")"
        super().__init__(text)

    def within(self, outer: str) -> EdxmlError:
        """Return the same refusal located inside ``outer`` (a nested packet's attachment)."""
        return EdxmlError(
            self.code,
            location=outer + " → " + self.location if self.location else outer,
            line=self.line,
            detail=self.detail,
        )


class RecoveryCode(StrEnum):
    """A published defect the reader repaired because its meaning is unambiguous."""

    STRAY_BYTES_REMOVED = "stray_bytes_removed"
    UNDECLARED_PREFIX = "undeclared_prefix"
    ZIPPED_PACKET = "zipped_packet"
    STATUS_CODE_NORMALISED = "status_code_normalised"


@dataclass(frozen=True)
class Recovery:
    """One repair applied while reading, kept as evidence beside the raw bytes."""

    code: RecoveryCode
    detail: str
    location: str = ""


@dataclass(frozen=True)
class Defect:
    """A part of a packet that could not be read, reported instead of refused."""

    code: ErrorCode
    location: str
    detail: str = ""
