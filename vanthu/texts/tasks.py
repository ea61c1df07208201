"""Background tasks of the texts app (ADR 0003: they take ids and call a service)."""

from __future__ import annotations

from django.tasks import task

from vanthu.texts.services import file_text_extract


# Below the other background work (sending packets 10, signature checks 0 and -10, the
# clerk's own intake items 0): a long scan queued here never delays them (ADR 0025).
@task(priority=-20)
def extract_file_text(file_text_id: int) -> str:
    """Extract (or OCR) the text of one stored file; idempotent."""
    return file_text_extract(file_text_id)
