"""Background work of the exchange (django.tasks, ADR 0003)."""

from __future__ import annotations

from django.tasks import task

from vanthu.exchange.models import ReceptionFile
from vanthu.signatures.checks import pdf_report, status_of


def reception_files_check_run(reception_id: int) -> int:
    """Check the signatures of a reception's PDF files; return how many were checked.

    The bytes are read, never written: the report is kept beside the file as evidence, and the
    clerk sees it before receiving the document (QĐ 28/2018 Điều 9).
    """
    checked = 0
    for stored in ReceptionFile.objects.filter(reception_id=reception_id, signature_status=""):
        if stored.content_type != "application/pdf":
            continue
        with stored.file.open("rb") as handle:
            report = pdf_report(handle.read())
        stored.signature_status = status_of(report)
        stored.signature_report = report.to_dict()
        stored.save(update_fields=["signature_status", "signature_report"])
        checked += 1
    return checked


# Below the sendings (priority 0): in a burst, the "01" answers go first; the report is ready
# long before a clerk opens the document.
@task(priority=-10)
def reception_files_check(reception_id: int) -> int:
    """Background task: check the signatures of a reception's files (idempotent)."""
    return reception_files_check_run(reception_id)


# Above the other background work (text extraction, indexing, checks: priority 0 and below):
# a document's arrival and its "01" are due at once (Điều 11), whatever else is queued.
@task(priority=10)
def exchange_send_task(kind: str, row_id: int) -> dict[str, int]:
    """Background task: send a pending delivery or outbox message to its partner (idempotent).

    The other rows that are due go in the same batch (`outbound.send_batch_run`).
    """
    from vanthu.exchange.outbound import send_batch_run

    assert kind in ("delivery", "outbox")
    return send_batch_run("delivery" if kind == "delivery" else "outbox", row_id)


@task()
def hub_poll_task() -> dict[str, int]:
    """Background task: get, process and confirm the packets waiting at the national hub."""
    from vanthu.exchange.hub import hub_poll_run

    return hub_poll_run()
