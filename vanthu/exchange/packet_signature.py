"""What the clerk is told about the header signature of the packet a document came in (ADR 0018).

A packet whose content does not match its signature never gets here: it is refused and kept as
evidence (`inbound`). What arrives is signed and trusted, signed by a certificate that does not
chain to a trusted anchor, carries a signature that cannot be checked, or is unsigned; all but
the first are accepted with a warning, shown on the queue, the detail page and in the API before
the clerk receives the document. A document delivered inside this system has no packet: None.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ABSENT = "absent"
VALID = "valid"
UNTRUSTED = "untrusted"
INVALID = "invalid"

SHORT_LABELS = {
    ABSENT: "Gói tin không ký số",
    UNTRUSTED: "Chữ ký gói tin chưa được tin cậy",
    INVALID: "Chữ ký gói tin không kiểm tra được",
    VALID: "Gói tin ký số hợp lệ",
}
CHECK_FILES = "Hãy đối chiếu chữ ký số trên tệp văn bản hoặc hỏi lại nơi gửi trước khi tiếp nhận."


@dataclass(frozen=True)
class PacketSignatureNotice:
    """The packet's signature as the clerk reads it: a status, a label, a sentence."""

    status: str
    is_warning: bool
    label: str
    message: str
    subject: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "is_warning": self.is_warning,
            "short_label": self.label,
            "message": self.message,
            "subject": self.subject,
        }


def packet_signature_notice(report: dict[str, Any] | None) -> PacketSignatureNotice | None:
    """Return the notice of a stored header-signature report (None: no packet, came locally)."""
    if report is None:
        return None
    status = str(report.get("status") or ABSENT)
    subject = str(report.get("subject") or "")
    if status == VALID:
        message = "Gói tin được ký số hợp lệ" + (f" bởi {subject}." if subject else ".")
        return PacketSignatureNotice(status, False, SHORT_LABELS[VALID], message, subject)
    if status == UNTRUSTED:
        detail = str(report.get("detail") or "")
        message = (
            "Chữ ký số của gói tin khớp với nội dung, nhưng chứng thư số"
            + (f" của {subject}" if subject else "")
            + " chưa được tin cậy"
            + (f" ({detail})" if detail else "")
            + ". "
            + CHECK_FILES
        )
        return PacketSignatureNotice(status, True, SHORT_LABELS[UNTRUSTED], message, subject)
    if status == INVALID:
        reason = str(report.get("reason") or "")
        message = (
            "Chữ ký số của gói tin không kiểm tra được"
            + (f" ({reason})" if reason else "")
            + ": coi như gói tin không có chữ ký. "
            + CHECK_FILES
        )
        return PacketSignatureNotice(status, True, SHORT_LABELS[INVALID], message, subject)
    message = (
        "Gói tin không có chữ ký số của hệ thống gửi: không xác minh được văn bản không bị "
        "thay đổi trên đường truyền. " + CHECK_FILES
    )
    return PacketSignatureNotice(ABSENT, True, SHORT_LABELS[ABSENT], message, "")
