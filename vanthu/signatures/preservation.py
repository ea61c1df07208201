"""Keeping signatures verifiable over time (issue 4 item 6; NĐ 30/2020 Điều 31, archiving).

The job checks stored signatures again and stores a preservation copy of a file, with the
validation data and a document timestamp (PAdES B-LTA), before what its proof rests on
expires: the signers' certificates and signature timestamps while the file has no document
timestamp, then the timestamp authority's certificate of the newest document timestamp. So a
file is stamped again and again (repeated B-LTA), each time by a TSA certificate that outlives
the previous one. The file as received or issued stays stored unchanged: the copy is a new
revision after it.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from pyhanko.sign.general import extract_certificate_info
from pyhanko.sign.timestamps import TimeStamper

from vanthu.core.actor import Actor
from vanthu.core.journal import journal_record
from vanthu.registry.choices import SignatureStatus
from vanthu.registry.models import DocumentFile
from vanthu.registry.stored_files import Saved, document_file_revise, stored_files_remove
from vanthu.signatures.checks import PDF, document_file_check, revalidate_due
from vanthu.signatures.models import CheckReason
from vanthu.signatures.signing import SigningError, pdf_archive_timestamp_add
from vanthu.signatures.trust import signing_validation_context, timestamper

logger = logging.getLogger(__name__)

SYSTEM = Actor.system("bảo toàn chữ ký số")
NO_TSA = "Chưa cấu hình VANTHU_TSA_URL: không bổ sung được dấu thời gian."


@dataclass(frozen=True, slots=True)
class PreservationResult:
    """What one run of the job did."""

    checked: int
    preserved: int
    failed: int
    skipped_reason: str = ""


def _when(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def _due(report: dict[str, Any] | None, horizon: datetime, tsa_not_after: datetime | None) -> bool:
    """Return whether a file's proof expires before ``horizon`` and a new timestamp helps.

    ``tsa_not_after`` is when the current timestamp authority's certificate expires (None when
    unknown): stamping again with a certificate that does not outlive the newest document
    timestamp's would only repeat itself every day.
    """
    signatures = (report or {}).get("signatures", [])
    stamps = [s for s in signatures if s.get("kind") == "document_timestamp"]
    if stamps:
        newest = stamps[-1]  # revisions are in file order: the last one is the newest
        expires = _when(newest.get("timestamp_certificate_not_after")) or _when(
            newest.get("certificate_not_after")  # reports before timestamp_certificate_not_after
        )
        if expires is None or expires > horizon:
            return False
        return tsa_not_after is None or tsa_not_after > expires
    for signature in signatures:
        for key in ("certificate_not_after", "timestamp_certificate_not_after"):
            expires = _when(signature.get(key))
            if expires is not None and expires <= horizon:
                return True
    return False


def tsa_certificate_not_after(stamper: TimeStamper) -> datetime | None:
    """Return when the timestamp authority's current certificate expires (None: unreachable)."""
    try:
        token = asyncio.run(stamper.async_dummy_response("sha256"))
        cert = extract_certificate_info(token["content"]).signer_cert
        not_after: datetime = cert.not_valid_after
    except Exception:
        logger.warning("timestamp authority unreachable while checking its certificate")
        return None
    return not_after


def _due_files(*, horizon: datetime, tsa_not_after: datetime | None, limit: int) -> list[int]:
    rows = (
        DocumentFile.objects.filter(
            content_type=PDF, is_current=True, signature_status=SignatureStatus.VALID
        )
        .order_by("id")
        .values_list("pk", "signature_report")
    )
    due: list[int] = []
    for file_id, report in rows.iterator(chunk_size=500):
        if _due(report, horizon, tsa_not_after):
            due.append(file_id)
            if len(due) >= limit:
                break
    return due


def _preserve(file_id: int, stamper: TimeStamper) -> bool:
    """Store one file's B-LTA revision; return False when the file changed meanwhile."""
    saved: Saved = []
    try:
        with transaction.atomic():
            stored = (
                DocumentFile.objects.select_for_update()
                .filter(pk=file_id, is_current=True, signature_status=SignatureStatus.VALID)
                .first()
            )
            if stored is None:
                return False
            with stored.file.open("rb") as handle:
                data = handle.read()
            content = pdf_archive_timestamp_add(
                data, timestamper=stamper, validation_context=signing_validation_context()
            )
            revision = document_file_revise(
                previous=stored, content=content, uploaded_by_id=stored.uploaded_by_id, saved=saved
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
    except BaseException:
        stored_files_remove(saved)
        raise
    return True


def signatures_preserve(*, limit: int = 500, days: int | None = None) -> PreservationResult:
    """Check signatures again, then add validation data and a timestamp where proof expires."""
    checked = revalidate_due(limit=limit)
    horizon = timezone.now() + timedelta(days=days or settings.SIGNATURE_RENEW_DAYS)
    stamper = timestamper()
    tsa_not_after = tsa_certificate_not_after(stamper) if stamper is not None else None
    due = _due_files(horizon=horizon, tsa_not_after=tsa_not_after, limit=limit)
    if stamper is None:
        return PreservationResult(checked, 0, len(due), NO_TSA if due else "")
    preserved = failed = 0
    for file_id in due:
        try:
            if _preserve(file_id, stamper):
                preserved += 1
        except Exception:
            # one file must not stop the daily job; the count makes the command fail
            logger.exception("preservation of document file %s failed", file_id)
            failed += 1
    return PreservationResult(checked, preserved, failed)
