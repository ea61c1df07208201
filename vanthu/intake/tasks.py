"""Background tasks of the intake (ADR 0003: they take ids and call a service)."""

from __future__ import annotations

from django.tasks import task

from vanthu.intake.services import intake_item_process


@task()
def intake_item_process_task(item_id: int) -> str:
    """Read an intake item's text and suggest its metadata; idempotent."""
    return intake_item_process(item_id=item_id)


@task()
def scan_batch_analyse_task(batch_id: int) -> str:
    """Render and measure a scanning batch's pages and propose its split; idempotent."""
    from vanthu.intake.batches import scan_batch_analyse

    return scan_batch_analyse(batch_id=batch_id)
