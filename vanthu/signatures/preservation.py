"""Keeping signatures verifiable over time (issue 4 item 6; NĐ 30/2020 Điều 31, archiving).

The job checks stored signatures again and, before a signer's certificate expires, stores a
preservation copy of the file with the validation data and a document timestamp (PAdES B-LTA).
The file as received or issued stays stored unchanged: the copy is a new revision after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from vanthu.core.actor import Actor
from vanthu.core.journal import journal_record
from vanthu.registry.choices import SignatureStatus
from vanthu.registry.models import DocumentFile
from vanthu.registry.stored_files import Saved, document_file_revise, stored_files_remove
from vanthu.signatures.checks import PDF, document_file_check, revalidate_due
from vanthu.signatures.models import CheckReason
from vanthu.signatures.signing import SigningError, pdf_archive_timestamp_add
from vanthu.signatures.trust import signing_validation_context, timestamper

SYSTEM = Actor.system("bảo toàn chữ ký số")


@dataclass(frozen=True, slots=True)
class PreservationResult:
    """What one run of the job did."""

    checked: int
    preserved: int
    failed: int
    skipped_reason: str = ""


def _expiring(stored: DocumentFile, horizon: datetime) -> bool:
    report = stored.signature_report or {}
    for signature in report.get("signatures", []):
        if signature.get("kind") == "document_timestamp":
            return False  # already preserved by a document timestamp
    for signature in report.get("signatures", []):
        not_after = signature.get("certificate_not_after")
        if not_after and datetime.fromisoformat(not_after) <= horizon:
            return True
    return False


def signatures_preserve(*, limit: int = 500, days: int | None = None) -> PreservationResult:
    """Check signatures again, then add validation data and a timestamp to expiring ones."""
    checked = revalidate_due(limit=limit)
    stamper = timestamper()
    if stamper is None:
        return PreservationResult(checked, 0, 0, "Chưa cấu hình VANTHU_TSA_URL.")
    horizon = timezone.now() + timedelta(days=days or settings.SIGNATURE_RENEW_DAYS)
    candidates = DocumentFile.objects.filter(
        content_type=PDF, is_current=True, signature_status=SignatureStatus.VALID
    ).order_by("id")[:limit]
    preserved = failed = 0
    for stored in candidates:
        if not _expiring(stored, horizon):
            continue
        saved: Saved = []
        try:
            with transaction.atomic():
                with stored.file.open("rb") as handle:
                    data = handle.read()
                content = pdf_archive_timestamp_add(
                    data, timestamper=stamper, validation_context=signing_validation_context()
                )
                revision = document_file_revise(
                    previous=stored,
                    content=content,
                    uploaded_by_id=stored.uploaded_by_id,
                    saved=saved,
                )
                check = document_file_check(file_id=revision.pk, reason=CheckReason.REVALIDATION)
                if check is None or check.status != SignatureStatus.VALID:
                    raise SigningError("Bản bảo toàn không hợp lệ.")
                journal_record(
                    actor=SYSTEM,
                    action="signatures.preserve",
                    instance=revision,
                    agency_id=revision.agency_id,
                    after={"previous": stored.pk, "sha256": revision.sha256},
                )
            preserved += 1
        except SigningError:
            stored_files_remove(saved)
            failed += 1
    return PreservationResult(checked, preserved, failed)
