"""Core models: the audit journal and the holiday overrides of the working-time calendar."""

from __future__ import annotations

from typing import Any

from django.db import models


class TimeStampedModel(models.Model):
    """Abstract base that records when a row was created and last changed."""

    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        abstract = True


class JournalChain(models.Model):
    """The head of one hash chain of the journal: its last sequence number and hash."""

    key = models.CharField("chuỗi", max_length=64, unique=True)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = "chuỗi nhật ký"
        verbose_name_plural = "chuỗi nhật ký"

    def __str__(self) -> str:
        return f"{self.key} #{self.last_seq}"


class JournalEntryQuerySet(models.QuerySet["JournalEntry"]):
    """Queries of the journal: reading and appending only."""

    def update(self, **kwargs: Any) -> int:
        raise TypeError("The journal is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("The journal is append-only.")


class JournalEntry(models.Model):
    """One append-only, hash-chained record of a change: who, when, what, before and after."""

    chain = models.CharField("chuỗi", max_length=64)
    seq = models.BigIntegerField("số thứ tự")
    created_at = models.DateTimeField("thời điểm")
    # No foreign keys: the journal must outlive and never cascade with what it describes.
    actor_id = models.BigIntegerField("người thực hiện (mã)", null=True, blank=True)
    actor_name = models.CharField("người thực hiện", max_length=200)
    agency_id = models.BigIntegerField("cơ quan (mã)", null=True, blank=True)
    ip_address = models.GenericIPAddressField("địa chỉ IP", null=True, blank=True)
    action = models.CharField("hành động", max_length=100)
    object_type = models.CharField("loại đối tượng", max_length=100, blank=True)
    object_id = models.CharField("mã đối tượng", max_length=64, blank=True)
    object_repr = models.CharField("đối tượng", max_length=300, blank=True)
    before = models.JSONField("trước", null=True, blank=True)
    after = models.JSONField("sau", null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = JournalEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "bản ghi nhật ký"
        verbose_name_plural = "nhật ký"
        ordering = ["chain", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="journal_chain_seq_unique"),
        ]
        indexes = [
            models.Index(fields=["object_type", "object_id", "seq"], name="journal_object_idx"),
            models.Index(fields=["agency_id", "created_at"], name="journal_agency_time_idx"),
            # The latest rows of one action (last journal check, recent sign-in failures)
            # without reading the whole journal (bench/RESULTS.md, "Dashboard p95").
            models.Index(fields=["action", "created_at"], name="journal_action_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Guard, not a rule: the journal service only inserts (ADR 0004).
        if not self._state.adding:
            raise TypeError("The journal is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("The journal is append-only.")


class HolidayOverride(models.Model):
    """A day announced each year that differs from the `holidays` package: a swap or make-up day."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", "Ngày nghỉ"
        WORKING_DAY = "working_day", "Ngày làm việc (làm bù)"

    date = models.DateField("ngày", unique=True)
    kind = models.CharField("loại", max_length=20, choices=Kind.choices)
    name = models.CharField("lý do", max_length=200)

    class Meta:
        verbose_name = "ngày nghỉ, làm bù điều chỉnh"
        verbose_name_plural = "ngày nghỉ, làm bù điều chỉnh"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}: {self.name}"
