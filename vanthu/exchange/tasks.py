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


@task()
def reception_files_check(reception_id: int) -> int:
    """Background task: check the signatures of a reception's files (idempotent)."""
    return reception_files_check_run(reception_id)


@task()
def exchange_send_task(kind: str, row_id: int) -> str:
    """Background task: send a pending delivery or outbox message to its partner (idempotent)."""
    from vanthu.exchange.outbound import send_run

    assert kind in ("delivery", "outbox")
    return send_run("delivery" if kind == "delivery" else "outbox", row_id)


@task()
def hub_poll_task() -> dict[str, int]:
    """Background task: get, process and confirm the packets waiting at the national hub."""
    from vanthu.exchange.hub import hub_poll_run

    return hub_poll_run()
