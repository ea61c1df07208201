"""Checking the signatures of stored PDFs and keeping each report as evidence.

Every PDF that enters (upload, exchange, mail) is checked by a background task enqueued in the
transaction that stored it; a file Vanthu signs itself is checked at once. The bytes are read,
never changed (QĐ 28/2018 Điều 9; QĐ 22 Điều 6.1.a).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from vanthu.core.actor import Actor
from vanthu.core.journal import journal_record
from vanthu.registry.choices import SignatureStatus
from vanthu.registry.models import DocumentFile
from vanthu.signatures.models import CheckReason, FileSignatureCheck
from vanthu.signatures.trust import offline_crls, trust_roots
from vanthu.signatures.validation import PdfReport, pdf_validate

logger = logging.getLogger(__name__)

PDF = "application/pdf"
SYSTEM = Actor.system("kiểm tra chữ ký số")


def status_of(report: PdfReport) -> SignatureStatus:
    """Map a report to the file's status: valid only when every signature is valid."""
    if report.status == "unsigned":
        return SignatureStatus.UNSIGNED
    if report.status != "signed" or not report.signatures:
        # Encrypted or unreadable: nothing could be verified.
        return SignatureStatus.INDETERMINATE
    verdicts = {check.verdict for check in report.signatures}
    if "invalid" in verdicts:
        return SignatureStatus.INVALID
    if verdicts == {"valid"}:
        return SignatureStatus.VALID
    return SignatureStatus.INDETERMINATE


def pdf_report(data: bytes, *, at: datetime | None = None) -> PdfReport:
    """Validate PDF bytes against the configured trust anchors and offline CRLs."""
    return pdf_validate(
        data,
        trust_roots=trust_roots(),
        crls=offline_crls(),
        allow_fetching=settings.SIGNATURE_FETCH,
        at=at,
    )


def document_file_check(*, file_id: int, reason: str) -> FileSignatureCheck | None:
    """Check one stored file's signatures, record the report and the file's latest status.

    Returns None for a file that is not a PDF (it is marked unsigned) or no longer exists.
    """
    with transaction.atomic():
        stored = DocumentFile.objects.select_for_update().filter(pk=file_id).first()
        if stored is None:
            return None
        if stored.content_type != PDF:
            DocumentFile.objects.filter(pk=file_id).update(
                signature_status=SignatureStatus.UNSIGNED, signature_checked_at=timezone.now()
            )
            return None
        with stored.file.open("rb") as handle:
            data = handle.read()
        report = pdf_report(data)
        status = status_of(report)
        payload: dict[str, Any] = report.to_dict()
        check = FileSignatureCheck.objects.create(
            file=stored,
            checked_at=report.checked_at,
            reason=reason,
            status=status,
            summary=report.summary_vi[:500],
            report=payload,
        )
        DocumentFile.objects.filter(pk=file_id).update(
            signature_status=status,
            signature_report=payload,
            signature_checked_at=report.checked_at,
        )
        stored.signature_status = status
        stored.signature_report = payload
        journal_record(
            actor=SYSTEM,
            action="signatures.check",
            instance=stored,
            agency_id=stored.agency_id,
            after={"status": str(status), "summary": report.summary_vi, "reason": reason},
        )
    return check


@task()
def check_file_signatures(file_id: int, reason: str = CheckReason.INTAKE) -> str:
    """Background task: check a stored file's signatures (idempotent: one more report)."""
    check = document_file_check(file_id=file_id, reason=reason)
    return check.status if check else ""


def revalidate_due(*, limit: int = 500) -> int:
    """Check again the signed files whose last check is oldest (the periodic job)."""
    files = (
        DocumentFile.objects.filter(
            content_type=PDF,
            signature_status__in=[
                SignatureStatus.VALID,
                SignatureStatus.INDETERMINATE,
            ],
        )
        .order_by("signature_checked_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    count = 0
    for file_id in files:
        document_file_check(file_id=file_id, reason=CheckReason.REVALIDATION)
        count += 1
    return count
