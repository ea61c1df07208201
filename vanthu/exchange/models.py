"""Exchange between agencies: deliveries (sender's side), receptions (receiver's side), status.

A `Delivery` is the sending of one issued outgoing document to one recipient agency; it is
written in the transaction that issues the document (the outbox), and its status history
(`StatusEvent`) is what the sender sees. A `Reception` is the same document arriving for the
recipient agency: it waits in the clerk's queue until it is received into the incoming register
or returned. Inside one Vanthu instance both rows are written together; with another system, a
packet travels between them (ADR 0018). `Packet` keeps every raw packet as evidence.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q

from vanthu.core.models import TimeStampedModel
from vanthu.exchange.choices import (
    BusinessType,
    ChangeState,
    DeliveryState,
    OutboxKind,
    ReceptionState,
    Route,
    StatusCode,
)
from vanthu.organizations.models import Agency, AgencyOwnedModel, Person
from vanthu.registry.models import IncomingDocument, OutgoingDocument


class Delivery(AgencyOwnedModel):
    """One issued outgoing document sent to one recipient agency (agency = the sender)."""

    outgoing = models.ForeignKey(
        OutgoingDocument, on_delete=models.PROTECT, related_name="deliveries"
    )
    packet_id = models.UUIDField("mã gói tin", default=uuid.uuid4, unique=True, editable=False)
    business_type = models.CharField(
        "nghiệp vụ", max_length=1, choices=BusinessType.choices, default=BusinessType.NEW
    )
    recipient = models.ForeignKey(
        Agency, verbose_name="cơ quan nhận", null=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient_identifier = models.CharField("mã định danh nơi nhận", max_length=13)
    recipient_name = models.CharField("tên nơi nhận", max_length=255)
    route = models.CharField("đường gửi", max_length=10, choices=Route.choices)
    state = models.CharField(
        "trạng thái gửi",
        max_length=10,
        choices=DeliveryState.choices,
        default=DeliveryState.PENDING,
    )
    attempts = models.PositiveSmallIntegerField("số lần gửi", default=0)
    next_attempt_at = models.DateTimeField("gửi lại lúc", null=True, blank=True)
    last_error = models.CharField("lỗi gần nhất", max_length=500, blank=True)
    delivered_at = models.DateTimeField("gửi thành công lúc", null=True, blank=True)
    # The recipient's latest status (the sender's view, Điều 11; QĐ 28/2018 Điều 9).
    status_code = models.CharField(
        "tình trạng ở nơi nhận", max_length=2, choices=StatusCode.choices, blank=True
    )
    status_at = models.DateTimeField("cập nhật tình trạng lúc", null=True, blank=True)
    status_description = models.CharField("ghi chú tình trạng", max_length=500, blank=True)

    class Meta:
        verbose_name = "gửi văn bản liên thông"
        verbose_name_plural = "gửi văn bản liên thông"
        ordering = ["outgoing_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["outgoing", "recipient_identifier", "business_type"],
                condition=Q(business_type="0"),
                name="delivery_once_per_recipient",
            )
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="delivery_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.outgoing_id} → {self.recipient_identifier}"


class Reception(AgencyOwnedModel):
    """A document that arrived for an agency (agency = the recipient), awaiting its clerk."""

    packet_id = models.UUIDField("mã gói tin", editable=False)
    delivery = models.OneToOneField(
        Delivery,
        verbose_name="gửi trong cùng hệ thống",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reception",
    )
    sender = models.ForeignKey(
        Agency, verbose_name="cơ quan gửi", null=True, on_delete=models.PROTECT, related_name="+"
    )
    sender_identifier = models.CharField("mã định danh nơi gửi", max_length=13)
    sender_name = models.CharField("tên nơi gửi", max_length=255)
    # edXML DocumentId: "<OrganId>,<yyyy/MM/dd>,<number>/<notation>" (standards.md §1.2).
    document_id = models.CharField("mã văn bản liên thông", max_length=300)
    # The sender's metadata as it came (`exchange.envelope.Envelope.to_dict`).
    metadata = models.JSONField("thông tin văn bản")
    arrived_at = models.DateTimeField("đến lúc")
    state = models.CharField(
        "trạng thái",
        max_length=10,
        choices=ReceptionState.choices,
        default=ReceptionState.AWAITING,
    )
    incoming = models.OneToOneField(
        IncomingDocument,
        verbose_name="văn bản đến",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reception",
    )
    decided_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("xử lý lúc", null=True, blank=True)
    reason = models.CharField("lý do trả lại", max_length=500, blank=True)
    # The last status code reported back to the sender (each code once, in order).
    reported_code = models.CharField("đã báo tình trạng", max_length=2, blank=True)

    class Meta:
        verbose_name = "văn bản đến qua liên thông"
        verbose_name_plural = "văn bản đến qua liên thông"
        ordering = ["-arrived_at", "-id"]
        constraints = [
            # A packet delivered twice never makes a second reception (deduplication).
            models.UniqueConstraint(fields=["agency", "packet_id"], name="reception_packet_once"),
        ]
        indexes = [
            models.Index(fields=["agency", "state", "-arrived_at"], name="reception_queue_idx"),
        ]

    def __str__(self) -> str:
        return self.document_id


class ReceptionFile(models.Model):
    """A file that came with a reception, stored byte for byte, with its signature check."""

    reception = models.ForeignKey(Reception, on_delete=models.CASCADE, related_name="files")
    file = models.FileField("tệp", upload_to="exchange/%Y/%m/", max_length=300)
    name = models.CharField("tên tệp", max_length=255)
    content_type = models.CharField("kiểu tệp", max_length=100)
    size = models.PositiveBigIntegerField("dung lượng")
    sha256 = models.CharField("mã băm SHA-256", max_length=64)
    is_main = models.BooleanField("văn bản chính", default=False)
    signature_status = models.CharField("chữ ký số", max_length=20, blank=True)
    signature_report = models.JSONField("kết quả kiểm tra chữ ký số", null=True, blank=True)

    class Meta:
        verbose_name = "tệp văn bản liên thông"
        verbose_name_plural = "tệp văn bản liên thông"
        ordering = ["reception_id", "-is_main", "id"]

    def __str__(self) -> str:
        return self.name


class StatusEvent(models.Model):
    """One status reported by a recipient (or a change asked by the sender): the history."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="events")
    code = models.CharField("mã tình trạng", max_length=2, choices=StatusCode.choices)
    at = models.DateTimeField("lúc")
    description = models.CharField("ghi chú", max_length=500, blank=True)
    staff = models.CharField("người xử lý", max_length=200, blank=True)

    class Meta:
        verbose_name = "tình trạng văn bản ở nơi nhận"
        verbose_name_plural = "tình trạng văn bản ở nơi nhận"
        ordering = ["delivery_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.delivery_id}: {self.code}"


class ChangeRequest(TimeStampedModel):
    """The sender asks a recipient to take back (revoke), update or replace a document."""

    reception = models.ForeignKey(
        Reception, on_delete=models.PROTECT, related_name="change_requests"
    )
    business_type = models.CharField("nghiệp vụ", max_length=1, choices=BusinessType.choices)
    reason = models.CharField("lý do", max_length=500)
    requested_at = models.DateTimeField("yêu cầu lúc")
    # For an update or replacement: the reception of the new version.
    replacement = models.ForeignKey(
        Reception, null=True, blank=True, on_delete=models.PROTECT, related_name="replaces"
    )
    state = models.CharField(
        "trạng thái", max_length=10, choices=ChangeState.choices, default=ChangeState.PENDING
    )
    decided_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("quyết định lúc", null=True, blank=True)
    decision_note = models.CharField("ý kiến", max_length=500, blank=True)

    class Meta:
        verbose_name = "yêu cầu thu hồi, cập nhật"
        verbose_name_plural = "yêu cầu thu hồi, cập nhật"
        ordering = ["reception_id", "id"]

    def __str__(self) -> str:
        return f"{self.reception_id}: {self.business_type}"


class OutboxMessage(TimeStampedModel):
    """A status report or a take-back request waiting to go to another system (the outbox).

    Written in the transaction of the change it reports; the transport sends it with retries
    (ADR 0018). Deliveries of documents are their own outbox (`Delivery`).
    """

    agency = models.ForeignKey(Agency, verbose_name="cơ quan gửi", on_delete=models.PROTECT)
    packet_id = models.UUIDField("mã gói tin", default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField("loại", max_length=10, choices=OutboxKind.choices)
    # A status goes from a receiver about a reception; a take-back from a sender about a delivery.
    reception = models.ForeignKey(
        Reception, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    delivery = models.ForeignKey(
        Delivery, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    peer_identifier = models.CharField("mã định danh nơi nhận", max_length=13)
    code = models.CharField("mã tình trạng", max_length=2, choices=StatusCode.choices)
    at = models.DateTimeField("lúc")
    description = models.CharField("ghi chú", max_length=500, blank=True)
    staff = models.CharField("người xử lý", max_length=200, blank=True)
    state = models.CharField(
        "trạng thái gửi",
        max_length=10,
        choices=DeliveryState.choices,
        default=DeliveryState.PENDING,
    )
    attempts = models.PositiveSmallIntegerField("số lần gửi", default=0)
    next_attempt_at = models.DateTimeField("gửi lại lúc", null=True, blank=True)
    last_error = models.CharField("lỗi gần nhất", max_length=500, blank=True)
    delivered_at = models.DateTimeField("gửi thành công lúc", null=True, blank=True)

    class Meta:
        verbose_name = "gói tin chờ gửi"
        verbose_name_plural = "gói tin chờ gửi"
        ordering = ["id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.code} → {self.peer_identifier}"
