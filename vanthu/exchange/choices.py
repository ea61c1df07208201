"""Stored choice values of the exchange between agencies: lowercase snake_case, never renamed.

Status codes are the two-digit codes of edXML status packets (QCVN 102:2016, standards.md §1.5);
they are stored as the codes themselves because every partner system speaks them.
"""

from django.db import models


class Route(models.TextChoices):
    """How a document reaches a recipient agency."""

    LOCAL = "local", "Trong cùng hệ thống"
    PARTNER = "partner", "Hệ thống khác (liên thông trực tiếp)"
    HUB = "hub", "Trục liên thông văn bản quốc gia"


class DeliveryState(models.TextChoices):
    """Where the sending of one document to one recipient stands (the outbox)."""

    PENDING = "pending", "Đang gửi"
    DELIVERED = "delivered", "Đã gửi thành công"
    FAILED = "failed", "Gửi không thành công"


class StatusCode(models.TextChoices):
    """edXML status codes (QCVN 102:2016; QĐ 28/2018/QĐ-TTg Điều 9)."""

    ARRIVED = "01", "Đã đến"
    RETURNED = "02", "Từ chối tiếp nhận"
    REGISTERED = "03", "Đã tiếp nhận, vào sổ"
    ASSIGNED = "04", "Đã phân công xử lý"
    IN_PROGRESS = "05", "Đang xử lý"
    DONE = "06", "Hoàn thành xử lý"
    TAKE_BACK_REQUESTED = "13", "Yêu cầu lấy lại, thu hồi"
    CHANGE_ACCEPTED = "15", "Đồng ý cập nhật, lấy lại"
    CHANGE_REFUSED = "16", "Từ chối cập nhật, lấy lại"


class BusinessType(models.TextChoices):
    """What a document packet does (edXML `BussinessDocType`)."""

    NEW = "0", "Văn bản mới"
    REVOKE = "1", "Thu hồi"
    UPDATE = "2", "Cập nhật"
    REPLACE = "3", "Thay thế"


class ReceptionState(models.TextChoices):
    """A document that arrived for an agency, in its clerk's "awaiting reception" queue."""

    AWAITING = "awaiting", "Chờ tiếp nhận"
    RECEIVED = "received", "Đã tiếp nhận vào sổ"
    RETURNED = "returned", "Đã trả lại"
    REVOKED = "revoked", "Đã thu hồi theo yêu cầu nơi gửi"
    REPLACED = "replaced", "Đã được thay thế theo yêu cầu nơi gửi"
    # Not a document of the queue: the corrected metadata and files of an update (type 2),
    # shown with the sender's request on the reception it updates.
    UPDATE = "update", "Bản cập nhật của văn bản đã gửi"


class ChangeState(models.TextChoices):
    """A sender's request to take back (revoke), update or replace a document it sent."""

    PENDING = "pending", "Chờ văn thư quyết định"
    ACCEPTED = "accepted", "Đã đồng ý"
    REFUSED = "refused", "Đã từ chối"


class OutboxKind(models.TextChoices):
    """What an outbox message carries to another system."""

    STATUS = "status", "Tình trạng xử lý"
    TAKE_BACK = "take_back", "Yêu cầu lấy lại"


class ChangeKind(models.TextChoices):
    """What a sender does to a document it sent before (the sender's side of types 2 and 3)."""

    UPDATE = "2", "Cập nhật, đính chính"
    REPLACE = "3", "Thay thế"
