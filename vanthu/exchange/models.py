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
    ChangeKind,
    ChangeState,
    DeliveryState,
    OutboxKind,
    ReceptionState,
    Route,
    StatusCode,
)
from vanthu.organizations.models import Agency, AgencyOwnedModel, Person
from vanthu.registry.models import IncomingDocument, OutgoingDocument


class OutgoingChange(AgencyOwnedModel):
    """The sender updates (type 2) or replaces (type 3) a document it sent (agency = sender).

    An update carries the corrected metadata (`metadata`, an `Envelope` dict with the same
    DocumentId) and, if any, the corrected files (`OutgoingChangeFile`); it is sent at once to
    every recipient of the document. A replacement names the new issued document that replaces
    `outgoing`; it is sent with that document ("Gửi văn bản"). The sender's register keeps both
    documents as issued; this row and its deliveries are the record of the request.
    """

    business_type = models.CharField("nghiệp vụ", max_length=1, choices=ChangeKind.choices)
    outgoing = models.ForeignKey(
        OutgoingDocument,
        verbose_name="văn bản đã gửi",
        on_delete=models.PROTECT,
        related_name="exchange_changes",
    )
    replacement = models.OneToOneField(
        OutgoingDocument,
        verbose_name="văn bản thay thế",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exchange_replaces",
    )
    reason = models.CharField("lý do", max_length=500)
    metadata = models.JSONField("thông tin văn bản sau cập nhật", null=True, blank=True)
    requested_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("yêu cầu lúc")
    sent_at = models.DateTimeField("gửi lúc", null=True, blank=True)

    class Meta:
        verbose_name = "cập nhật, thay thế văn bản đã gửi"
        verbose_name_plural = "cập nhật, thay thế văn bản đã gửi"
        ordering = ["outgoing_id", "id"]

    def __str__(self) -> str:
        return f"{self.outgoing_id}: {self.business_type}"


class OutgoingChangeFile(models.Model):
    """A corrected file sent with an update, stored byte for byte."""

    change = models.ForeignKey(OutgoingChange, on_delete=models.PROTECT, related_name="files")
    file = models.FileField("tệp", upload_to="exchange/changes/%Y/%m/", max_length=300)
    name = models.CharField("tên tệp", max_length=255)
    content_type = models.CharField("kiểu tệp", max_length=100)
    size = models.PositiveBigIntegerField("dung lượng")
    sha256 = models.CharField("mã băm SHA-256", max_length=64)
    is_main = models.BooleanField("văn bản chính", default=False)

    class Meta:
        verbose_name = "tệp cập nhật văn bản"
        verbose_name_plural = "tệp cập nhật văn bản"
        ordering = ["change_id", "-is_main", "id"]

    def __str__(self) -> str:
        return self.name


class Delivery(AgencyOwnedModel):
    """One issued outgoing document sent to one recipient agency (agency = the sender)."""

    outgoing = models.ForeignKey(
        OutgoingDocument, on_delete=models.PROTECT, related_name="deliveries"
    )
    packet_id = models.UUIDField("mã gói tin", default=uuid.uuid4, unique=True, editable=False)
    business_type = models.CharField(
        "nghiệp vụ", max_length=1, choices=BusinessType.choices, default=BusinessType.NEW
    )
    # An update (2) or replacement (3): the sender's request it carries.
    change = models.ForeignKey(
        OutgoingChange, null=True, blank=True, on_delete=models.PROTECT, related_name="deliveries"
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
    # An accepted update brings new files: the earlier ones stay stored, no longer current.
    is_current = models.BooleanField("bản hiện hành", default=True)

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


class Partner(TimeStampedModel):
    """Another system (a Vanthu instance, or the national hub) and the agencies it serves.

    An agency with `is_hosted=False` whose identifier is in `agency_identifiers` is reached
    through this partner. `key_id` and `secret` are the pair's own key: each side signs its
    requests with it (HMAC-SHA256, ADR 0018) and checks the other's.
    """

    name = models.CharField("tên hệ thống", max_length=255)
    base_url = models.URLField("địa chỉ điểm liên thông", max_length=300)
    is_hub = models.BooleanField("là trục liên thông quốc gia", default=False)
    # One identifier a line (mã định danh QCVN 102).
    agency_identifiers = models.TextField("mã định danh các cơ quan phục vụ", blank=True)
    key_id = models.CharField("mã khóa", max_length=100, unique=True)
    secret = models.CharField("khóa bí mật", max_length=200)
    is_active = models.BooleanField("đang dùng", default=True)

    class Meta:
        verbose_name = "hệ thống liên thông"
        verbose_name_plural = "hệ thống liên thông"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def identifiers(self) -> list[str]:
        """Return the identifiers of the agencies this partner serves."""
        return [line.strip() for line in self.agency_identifiers.splitlines() if line.strip()]


class PartnerRequest(models.Model):
    """A signed request a partner made, kept for the replay window (a replay is refused)."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    signature = models.CharField("chữ ký yêu cầu", max_length=64, unique=True)
    at = models.DateTimeField("lúc", db_index=True)

    class Meta:
        verbose_name = "yêu cầu của hệ thống liên thông"
        verbose_name_plural = "yêu cầu của hệ thống liên thông"

    def __str__(self) -> str:
        return self.signature


class Packet(models.Model):
    """A raw edXML packet sent or received, kept byte for byte as evidence."""

    class Direction(models.TextChoices):
        OUT = "out", "Gửi đi"
        IN = "in", "Nhận về"

    class Kind(models.TextChoices):
        DOCUMENT = "document", "Văn bản"
        STATUS = "status", "Trạng thái"

    direction = models.CharField("chiều", max_length=3, choices=Direction.choices)
    kind = models.CharField("loại", max_length=10, choices=Kind.choices)
    packet_id = models.UUIDField("mã gói tin")
    peer = models.CharField("mã định danh bên kia", max_length=13, blank=True)
    partner = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.PROTECT, related_name="packets"
    )
    document_id = models.CharField("mã văn bản liên thông", max_length=300, blank=True)
    file = models.FileField("tệp gói tin", upload_to="exchange/packets/%Y/%m/", max_length=300)
    size = models.PositiveBigIntegerField("dung lượng")
    sha256 = models.CharField("mã băm SHA-256", max_length=64)
    at = models.DateTimeField("lúc")
    delivery = models.ForeignKey(
        Delivery, null=True, blank=True, on_delete=models.PROTECT, related_name="packets"
    )
    reception = models.ForeignKey(
        Reception, null=True, blank=True, on_delete=models.PROTECT, related_name="packets"
    )
    outbox = models.ForeignKey(
        OutboxMessage, null=True, blank=True, on_delete=models.PROTECT, related_name="packets"
    )
    # What the receiver answered (an incoming packet's answer, given again to a resend).
    answer = models.JSONField("trả lời", null=True, blank=True)
    signature_report = models.JSONField("kiểm tra chữ ký gói tin", null=True, blank=True)

    class Meta:
        verbose_name = "gói tin edXML"
        verbose_name_plural = "gói tin edXML"
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["direction", "packet_id"], name="packet_once"),
        ]
        indexes = [models.Index(fields=["direction", "kind", "document_id", "peer"])]

    def __str__(self) -> str:
        return f"{self.direction} {self.kind} {self.packet_id}"


class RefusedPacket(models.Model):
    """A packet an authenticated partner sent and this system refused, kept byte for byte.

    Evidence only: it never becomes a reception, and its packet id stays free (a corrected
    resend is processed afresh). The same bytes refused again count once more (`times`).
    """

    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="refused_packets", verbose_name="hệ thống"
    )
    packet_id = models.UUIDField("mã gói tin")
    kind = models.CharField("loại", max_length=10, choices=Packet.Kind.choices, blank=True)
    peer = models.CharField("mã định danh nơi gửi", max_length=13, blank=True)
    document_id = models.CharField("mã văn bản liên thông", max_length=300, blank=True)
    file = models.FileField("tệp gói tin", upload_to="exchange/refused/%Y/%m/", max_length=300)
    size = models.PositiveBigIntegerField("dung lượng")
    sha256 = models.CharField("mã băm SHA-256", max_length=64)
    status = models.PositiveSmallIntegerField("mã trả lời HTTP")
    code = models.CharField("mã lỗi", max_length=50)
    message = models.CharField("lý do từ chối", max_length=500)
    answer = models.JSONField("trả lời")
    signature_report = models.JSONField("kiểm tra chữ ký gói tin", null=True, blank=True)
    first_at = models.DateTimeField("nhận lần đầu lúc")
    last_at = models.DateTimeField("nhận lần cuối lúc", db_index=True)
    times = models.PositiveIntegerField("số lần nhận", default=1)

    class Meta:
        verbose_name = "gói tin bị từ chối"
        verbose_name_plural = "gói tin bị từ chối"
        ordering = ["-last_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "packet_id", "sha256"], name="refused_packet_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.status} {self.code} {self.packet_id}"
