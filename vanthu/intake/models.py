"""An intake item: a received or scanned file waiting to be registered (issue 7 item 2)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from vanthu.organizations.models import AgencyOwnedModel


class IntakeState(models.TextChoices):
    """Where an intake item is: reading its text, ready for the clerk, registered, failed."""

    PENDING = "pending", "Chờ đọc tệp"
    RUNNING = "running", "Đang đọc tệp"
    READY = "ready", "Đã có gợi ý"
    FAILED = "failed", "Lỗi"
    REGISTERED = "registered", "Đã vào sổ"


def pages_percent(done: int, total: int | None) -> int:
    """Return the share of the pages done, 0 to 100 (0 while their number is not known)."""
    if not total:
        return 0
    return min(100, round(100 * done / total))


def intake_upload_to(instance: IntakeItem, filename: str) -> str:
    """Store intake files per agency, under a name that never comes from the upload."""
    return f"intake/{instance.agency_id}/{instance.sha256[:2]}/{instance.sha256}.bin"


class IntakeItem(AgencyOwnedModel):
    """A file uploaded by a clerk before registration, its text and the suggested metadata."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người tải lên",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    file = models.FileField("tệp", upload_to=intake_upload_to, max_length=300)
    original_name = models.CharField("tên tệp", max_length=255)
    content_type = models.CharField("kiểu tệp", max_length=100)
    size = models.PositiveBigIntegerField("dung lượng")
    sha256 = models.CharField("SHA-256", max_length=64)
    is_scan = models.BooleanField("văn bản giấy (bản quét)", default=False)
    state = models.CharField(
        "trạng thái", max_length=20, choices=IntakeState.choices, default=IntakeState.PENDING
    )
    pages_total = models.PositiveIntegerField("số trang", null=True, blank=True)
    pages_done = models.PositiveIntegerField("số trang đã đọc", default=0)
    method = models.CharField("cách đọc", max_length=20, blank=True)
    text = models.TextField("nội dung", blank=True)
    suggestion: models.JSONField[Any, Any] = models.JSONField("gợi ý", default=dict, blank=True)
    error = models.CharField("lỗi", max_length=500, blank=True)
    incoming_document = models.ForeignKey(
        "registry.IncomingDocument",
        verbose_name="văn bản đến",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    batch = models.ForeignKey(
        "ScanBatch",
        verbose_name="lô quét",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
    )

    class Meta:
        verbose_name = "tệp chờ vào sổ"
        verbose_name_plural = "tệp chờ vào sổ"
        ordering = ["-id"]
        indexes = [models.Index(fields=["agency", "state", "-id"], name="intake_agency_state")]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_state_display()})"

    @property
    def progress(self) -> int:
        """Return the share of pages read, 0 to 100 (100 once ready)."""
        if self.state in (IntakeState.READY, IntakeState.REGISTERED):
            return 100
        return pages_percent(self.pages_done, self.pages_total)


class BatchState(models.TextChoices):
    """Where a scanning batch is: pages being analysed, ready to arrange, turned into items."""

    PENDING = "pending", "Chờ phân tích trang"
    RUNNING = "running", "Đang phân tích trang"
    READY = "ready", "Chờ sắp xếp"
    FAILED = "failed", "Lỗi"
    DONE = "done", "Đã tạo văn bản"


def batch_upload_to(instance: ScanSource, filename: str) -> str:
    """Store the batch's originals per agency, under a name derived from their SHA-256."""
    agency_id = instance.batch.agency_id
    return f"intake/{agency_id}/batch/{instance.sha256[:2]}/{instance.sha256}.bin"


def thumbnail_upload_to(instance: ScanPage, filename: str) -> str:
    """Store a page's thumbnail next to its batch."""
    agency_id = instance.batch.agency_id
    return f"intake/{agency_id}/batch/{instance.batch_id}/thumb-{instance.pk}.png"


class ScanBatch(AgencyOwnedModel):
    """A scanning batch (lô quét): many pages or PDFs to split into documents (issue 7 item 4)."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người tải lên",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    state = models.CharField(
        "trạng thái", max_length=20, choices=BatchState.choices, default=BatchState.PENDING
    )
    pages_total = models.PositiveIntegerField("số trang", default=0)
    pages_done = models.PositiveIntegerField("số trang đã phân tích", default=0)
    error = models.CharField("lỗi", max_length=500, blank=True)

    class Meta:
        verbose_name = "lô quét"
        verbose_name_plural = "lô quét"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"Lô quét {self.pk} ({self.get_state_display()})"

    @property
    def progress(self) -> int:
        """Return the share of pages analysed, 0 to 100."""
        if self.state in (BatchState.READY, BatchState.DONE):
            return 100
        return pages_percent(self.pages_done, self.pages_total)


class ScanSource(models.Model):
    """One uploaded file of a batch, kept as it came."""

    batch = models.ForeignKey(ScanBatch, on_delete=models.CASCADE, related_name="sources")
    position = models.PositiveIntegerField("thứ tự")
    file = models.FileField("tệp", upload_to=batch_upload_to, max_length=300)
    original_name = models.CharField("tên tệp", max_length=255)
    content_type = models.CharField("kiểu tệp", max_length=100)
    size = models.PositiveBigIntegerField("dung lượng")
    sha256 = models.CharField("SHA-256", max_length=64)
    page_count = models.PositiveIntegerField("số trang")

    class Meta:
        verbose_name = "tệp của lô quét"
        verbose_name_plural = "tệp của lô quét"
        ordering = ["batch", "position"]

    def __str__(self) -> str:
        return self.original_name


class PageKind(models.TextChoices):
    """What the analysis found on a page."""

    CONTENT = "content", "Trang nội dung"
    BLANK = "blank", "Trang trắng"
    SEPARATOR = "separator", "Trang tách (mã vạch)"


class ScanPage(models.Model):
    """One page of a batch: where it comes from, what it shows, and where the clerk puts it."""

    batch = models.ForeignKey(ScanBatch, on_delete=models.CASCADE, related_name="pages")
    source = models.ForeignKey(ScanSource, on_delete=models.CASCADE, related_name="pages")
    source_index = models.PositiveIntegerField("trang trong tệp")
    number = models.PositiveIntegerField("số thứ tự trang trong lô")
    kind = models.CharField(
        "loại trang", max_length=20, choices=PageKind.choices, default=PageKind.CONTENT
    )
    ink = models.FloatField("độ phủ mực", null=True, blank=True)
    barcode = models.CharField("mã vạch", max_length=200, blank=True)
    thumbnail = models.FileField("ảnh thu nhỏ", upload_to=thumbnail_upload_to, blank=True)
    document = models.PositiveIntegerField("văn bản", null=True, blank=True)
    order = models.PositiveIntegerField("thứ tự trong văn bản", default=0)
    rotation = models.PositiveSmallIntegerField("xoay (độ)", default=0)

    class Meta:
        verbose_name = "trang của lô quét"
        verbose_name_plural = "trang của lô quét"
        ordering = ["batch", "number"]

    def __str__(self) -> str:
        return f"Trang {self.number} của lô quét {self.batch_id}"

    @property
    def removed(self) -> bool:
        return self.document is None
