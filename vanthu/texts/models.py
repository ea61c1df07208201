"""The text of each stored file (QĐ 22 Điều 13.2.b, 20.1.g: documents stay searchable).

One row per stored file: its extracted text (NFC), how it was obtained, the progress of the
background work and, for a scan, the OCR'd searchable PDF/A copy. The original file is never
replaced or changed: the copy is stored beside it.
"""

from __future__ import annotations

from django.db import models


class TextState(models.TextChoices):
    PENDING = "pending", "Chờ trích xuất"
    RUNNING = "running", "Đang trích xuất"
    DONE = "done", "Đã trích xuất"
    FAILED = "failed", "Lỗi"
    EMPTY = "empty", "Không có chữ"


class TextMethod(models.TextChoices):
    TEXT_LAYER = "text_layer", "Lớp chữ của PDF"
    DOCX = "docx", "Tệp DOCX"
    ODT = "odt", "Tệp ODT"
    OCR = "ocr", "Nhận dạng chữ (OCR)"
    PLAIN = "plain", "Tệp văn bản thuần"


class FileText(models.Model):
    """The extracted text of one stored file and the state of its extraction."""

    file = models.OneToOneField(
        "registry.DocumentFile",
        verbose_name="tệp",
        on_delete=models.CASCADE,
        related_name="extracted",
    )
    agency = models.ForeignKey(
        "organizations.Agency", verbose_name="cơ quan", on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        "trạng thái", max_length=20, choices=TextState.choices, default=TextState.PENDING
    )
    method = models.CharField("cách trích xuất", max_length=20, blank=True)
    text = models.TextField("nội dung", blank=True)
    pages_total = models.PositiveIntegerField("số trang", null=True, blank=True)
    pages_done = models.PositiveIntegerField("số trang đã xử lý", default=0)
    searchable = models.FileField(
        "bản PDF tìm kiếm được", upload_to="texts/%Y/%m/", max_length=300, blank=True
    )
    error = models.CharField("lỗi", max_length=500, blank=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        verbose_name = "nội dung tệp"
        verbose_name_plural = "nội dung tệp"
        ordering = ["id"]
        indexes = [models.Index(fields=["agency", "state"], name="file_text_state_idx")]

    def __str__(self) -> str:
        return f"{self.file_id}: {self.state}"

    @property
    def method_label(self) -> str:
        """The Vietnamese name of how the text was obtained."""
        return str(TextMethod(self.method).label) if self.method in TextMethod.values else ""
