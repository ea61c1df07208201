"""Signing keys (PKCS#11 tokens and HSMs) and the history of signature checks (ADR 0014)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from vanthu.organizations.models import AgencyOwnedModel, Person
from vanthu.registry.choices import SignatureStatus
from vanthu.registry.models import DocumentFile


class SigningKey(AgencyOwnedModel):
    """A key on a PKCS#11 token or HSM: a person's (leader), or the agency's own (the seal).

    The private key never leaves the token; Vanthu keeps its certificate and how to reach it.
    """

    person = models.ForeignKey(
        Person,
        verbose_name="người ký",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signing_keys",
        help_text="Để trống: chữ ký số của cơ quan (dấu).",
    )
    module_path = models.CharField("mô-đun PKCS#11", max_length=300, blank=True)
    token_label = models.CharField("nhãn token", max_length=64)
    key_label = models.CharField("nhãn khóa", max_length=64)
    # Agency keys on an HSM read their PIN from the environment; a person types theirs.
    pin_env = models.CharField("biến môi trường chứa PIN", max_length=64, blank=True)
    certificate = models.BinaryField("chứng thư số (DER)")
    subject_name = models.CharField("chủ thể", max_length=300)
    issuer_name = models.CharField("tổ chức cấp", max_length=300)
    serial = models.CharField("số hiệu", max_length=64)
    not_before = models.DateTimeField("hiệu lực từ")
    not_after = models.DateTimeField("hiệu lực đến")
    # The signature image (person) or the seal image (agency), PNG, shown in the appearance.
    image = models.BinaryField("hình ảnh chữ ký/con dấu", null=True, blank=True)
    is_test = models.BooleanField("chứng thư thử nghiệm", default=False)
    is_active = models.BooleanField("đang dùng", default=True)

    class Meta:
        verbose_name = "khóa ký số"
        verbose_name_plural = "khóa ký số"
        ordering = ["agency_id", "person_id", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency"],
                condition=Q(person__isnull=True, is_active=True),
                name="one_active_agency_key",
            ),
            models.UniqueConstraint(
                fields=["agency", "person"],
                condition=Q(person__isnull=False, is_active=True),
                name="one_active_person_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_name} ({self.token_label}/{self.key_label})"


class CheckReason(models.TextChoices):
    """Why a file's signatures were checked."""

    INTAKE = "intake", "Khi tiếp nhận"
    SIGNING = "signing", "Sau khi ký"
    REVALIDATION = "revalidation", "Kiểm tra lại định kỳ"
    MANUAL = "manual", "Kiểm tra theo yêu cầu"


class FileSignatureCheck(models.Model):
    """One check of a stored PDF's signatures; the report is kept as evidence."""

    file = models.ForeignKey(
        DocumentFile, verbose_name="tệp", on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField("kiểm tra lúc")
    reason = models.CharField("lý do", max_length=20, choices=CheckReason.choices)
    status = models.CharField("kết quả", max_length=20, choices=SignatureStatus.choices)
    summary = models.CharField("tóm tắt", max_length=500)
    report = models.JSONField("báo cáo")

    class Meta:
        verbose_name = "lần kiểm tra chữ ký số"
        verbose_name_plural = "các lần kiểm tra chữ ký số"
        ordering = ["file_id", "-checked_at", "-id"]
        indexes = [models.Index(fields=["file", "-checked_at"], name="signature_check_file_idx")]

    def __str__(self) -> str:
        return f"{self.file_id} {self.status} {self.checked_at:%Y-%m-%d %H:%M}"
