"""Stored choice values of the registers: lowercase snake_case, never renamed."""

from django.db import models


class RegisterKind(models.TextChoices):
    """Which book a register is (NĐ 30/2020 Phụ lục IV)."""

    INCOMING = "incoming", "Sổ văn bản đến"
    OUTGOING = "outgoing", "Sổ văn bản đi"


class Urgency(models.TextChoices):
    """Độ khẩn (NĐ 30/2020 Phụ lục I, III.2.b); edXML Priority 0..3 (standards.md §1.2, [U])."""

    NORMAL = "normal", "Thường"
    URGENT = "urgent", "Khẩn"
    VERY_URGENT = "very_urgent", "Thượng khẩn"
    FLASH = "flash", "Hỏa tốc"


class IntakeChannel(models.TextChoices):
    """How an incoming document arrived (QĐ 22 Điều 6.1)."""

    ELECTRONIC = "electronic", "Văn bản điện tử (tải lên)"
    EXCHANGE = "exchange", "Văn bản điện tử (liên thông)"
    PAPER_SCAN = "paper_scan", "Văn bản giấy (quét)"


class ExchangeMode(models.TextChoices):
    """How a document is exchanged (QĐ 22 Điều 4 and 5)."""

    ELECTRONIC_ONLY = "electronic_only", "Hoàn toàn dưới dạng điện tử"
    ELECTRONIC_AND_PAPER = "electronic_and_paper", "Điện tử và bản giấy"


class Purpose(models.TextChoices):
    """What a document is for, the second key of the exchange policy (QĐ 22 Điều 4, 5)."""

    INTERNAL = "internal", "Trong nội bộ cơ quan"
    BETWEEN_AGENCIES = "between_agencies", "Giữa các cơ quan, đơn vị"
    TO_PROVINCIAL_LEADERSHIP = (
        "to_provincial_leadership",
        "Trình Tỉnh ủy, HĐND tỉnh, UBND tỉnh",
    )
    TO_SUPERIOR_FOR_DECISION = "to_superior_for_decision", "Trình cấp trên giải quyết công việc"
    PROGRAMME_IMPLEMENTATION = (
        "programme_implementation",
        "Hướng dẫn, triển khai chương trình, nhiệm vụ, kế hoạch",
    )
    PROFESSIONAL_GUIDANCE = "professional_guidance", "Hướng dẫn chuyên môn nghiệp vụ"
    COORDINATION = "coordination", "Phối hợp xử lý công việc"
    DRAFT_CONSULTATION = "draft_consultation", "Xin ý kiến, góp ý dự thảo"
    FOR_INFORMATION = "for_information", "Để biết, để báo cáo"
    PERIODIC_REPORT = "periodic_report", "Báo cáo định kỳ, thống kê, chuyên đề"
    MEETING_INVITATION = "meeting_invitation", "Mời họp"
    ONLINE_PROCEDURE_DOSSIER = "online_procedure_dossier", "Hồ sơ thủ tục hành chính liên thông"
    OTHER = "other", "Khác"


class OutgoingStatus(models.TextChoices):
    """Lifecycle of an outgoing document in the register."""

    DRAFT = "draft", "Chưa phát hành"
    ISSUED = "issued", "Đã phát hành"
    REVOKED = "revoked", "Đã thu hồi"


class IncomingStatus(models.TextChoices):
    """Lifecycle of an incoming document in the register (handling comes with workflow)."""

    REGISTERED = "registered", "Đã vào sổ"
    IN_PROGRESS = "in_progress", "Đang xử lý"
    DONE = "done", "Đã xử lý xong"
    REVOKED = "revoked", "Đã thu hồi"


class FileRole(models.TextChoices):
    """What a stored file is to its document."""

    ORIGINAL = "original", "Bản gốc điện tử"
    SCAN = "scan", "Bản quét"
    ATTACHMENT = "attachment", "Tài liệu kèm theo"


class SignatureStatus(models.TextChoices):
    """The verdict on a stored PDF's digital signatures (QĐ 28/2018 Điều 9), latest check."""

    NOT_CHECKED = "not_checked", "Chưa kiểm tra chữ ký số"
    UNSIGNED = "unsigned", "Không có chữ ký số"
    VALID = "valid", "Chữ ký số hợp lệ"
    INVALID = "invalid", "Chữ ký số không hợp lệ"
    INDETERMINATE = "indeterminate", "Chưa xác định được tính hợp lệ"
