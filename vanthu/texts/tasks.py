"""Background tasks of the texts app (ADR 0003: they take ids and call a service)."""

from __future__ import annotations

from django.tasks import task

from vanthu.texts.services import file_text_extract


@task()
def extract_file_text(file_text_id: int) -> str:
    """Extract (or OCR) the text of one stored file; idempotent."""
    return file_text_extract(file_text_id)
