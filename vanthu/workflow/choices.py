"""Stored choice values of handling and direction: lowercase snake_case, never renamed."""

from django.db import models


class SubmissionState(models.TextChoices):
    """A registered incoming document presented to a leader (NĐ 30/2020 Điều 23)."""

    AWAITING = "awaiting", "Chờ lãnh đạo cho ý kiến"
    DIRECTED = "directed", "Đã cho ý kiến chỉ đạo"
    WITHDRAWN = "withdrawn", "Đã rút lại"


class AssignmentRole(models.TextChoices):
    """What an assignee does with the document (NĐ 30/2020 Điều 24)."""

    LEAD = "lead", "Chủ trì"
    CO = "co", "Phối hợp"
    INFO = "info", "Để biết"


class AssignmentState(models.TextChoices):
    """Where an assignment stands; see `workflow.states.ASSIGNMENT`."""

    NEW = "new", "Chờ tiếp nhận"
    IN_PROGRESS = "in_progress", "Đang xử lý"
    DELEGATED = "delegated", "Đã giao tiếp"
    RETURNED = "returned", "Đã trả lại"
    DONE = "done", "Đã hoàn thành"
    CLOSED = "closed", "Đã xem"
    CANCELLED = "cancelled", "Đã hủy giao"


class ExtensionState(models.TextChoices):
    """A request for more time on an assignment."""

    PENDING = "pending", "Chờ duyệt"
    APPROVED = "approved", "Đã đồng ý"
    REFUSED = "refused", "Không đồng ý"


class DraftState(models.TextChoices):
    """An outgoing draft on its way from the drafter to the clerk; see `states.DRAFT`."""

    DRAFTING = "drafting", "Đang soạn thảo"
    IN_REVIEW = "in_review", "Đang trình duyệt"
    APPROVED = "approved", "Đã duyệt, chờ phát hành"
    ISSUED = "issued", "Đã phát hành"


class NotificationKind(models.TextChoices):
    """Why a person is told something (in the inbox and, for some, by e-mail)."""

    SUBMITTED = "submitted", "Văn bản trình lãnh đạo"
    ASSIGNED = "assigned", "Được giao xử lý"
    RETURNED = "returned", "Văn bản bị trả lại"
    INPUT_REQUESTED = "input_requested", "Đề nghị phối hợp cho ý kiến"
    EXTENSION_REQUESTED = "extension_requested", "Đề nghị gia hạn"
    EXTENSION_DECIDED = "extension_decided", "Kết quả đề nghị gia hạn"
    COMPLETED = "completed", "Đã hoàn thành xử lý"
    DUE_SOON = "due_soon", "Sắp đến hạn"
    OVERDUE = "overdue", "Quá hạn"
    DRAFT_TO_REVIEW = "draft_to_review", "Dự thảo chờ duyệt"
    DRAFT_RETURNED = "draft_returned", "Dự thảo bị trả lại"
    DRAFT_APPROVED = "draft_approved", "Dự thảo đã được duyệt"
    EXCHANGE_ARRIVED = "exchange_arrived", "Văn bản liên thông chờ tiếp nhận"
    EXCHANGE_STATUS = "exchange_status", "Nơi nhận trả lại hoặc trả lời yêu cầu"
    EXCHANGE_CHANGE = "exchange_change", "Nơi gửi yêu cầu lấy lại văn bản"
