"""The extraction task: queued with the file, run by the worker, idempotent, never crashing."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from vanthu.core.errors import Conflict, NotFound, PermissionDenied, VanthuError
from vanthu.core.models import JournalEntry
from vanthu.registry import incoming
from vanthu.registry.choices import IntakeChannel
from vanthu.registry.models import DocumentFile, IncomingDocument
from vanthu.registry.tests.test_api_isolation import incoming_data
from vanthu.texts import services
from vanthu.texts.models import FileText, TextState
from vanthu.texts.selectors import document_text
from vanthu.texts.signals import file_text_ready
from vanthu.texts.tasks import extract_file_text
from vanthu.texts.tests import samples

pytestmark = pytest.mark.django_db

TASK = "vanthu.texts.tasks.extract_file_text"
PARAGRAPHS = ["ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA", samples.VIETNAMESE]


def register(cast: Any, files: list[tuple[str, bytes]], **data: Any) -> IncomingDocument:
    return incoming.incoming_document_register(
        actor=cast.actor(cast.clerk),
        data=incoming_data(**data),
        files=files,
        channel=IntakeChannel.ELECTRONIC,
    )


def run_queued() -> None:
    """Run the queued extraction tasks as the worker would."""
    for result in DBTaskResult.objects.filter(task_path=TASK, status="READY"):
        extract_file_text.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
        result.delete()


@pytest.fixture
def ready(django_capture_on_commit_callbacks):
    """Record the file_text_ready signals, run on commit."""
    sent: list[FileText] = []

    def receiver(sender: object, *, file_text: FileText, **kwargs: object) -> None:
        sent.append(file_text)

    file_text_ready.connect(receiver, dispatch_uid="test.ready")
    yield sent, django_capture_on_commit_callbacks
    file_text_ready.disconnect(dispatch_uid="test.ready")


def test_a_stored_file_is_queued_in_its_transaction_and_extracted_by_the_task(cast, ready):
    sent, capture = ready
    document = register(cast, [("quyet-dinh.pdf", samples.text_pdf(PARAGRAPHS))])
    stored = document.files.get()
    row = FileText.objects.get(file=stored)
    assert (row.state, row.agency_id) == (TextState.PENDING, cast.agency_a.pk)
    assert DBTaskResult.objects.filter(task_path=TASK, args_kwargs__args=[row.pk]).exists()

    with capture(execute=True):
        run_queued()
    row.refresh_from_db()
    assert row.state == TextState.DONE
    assert row.method == "text_layer"
    assert (row.pages_total, row.pages_done) == (1, 1)
    assert "Khánh Hòa" in row.text
    assert not row.searchable
    assert [t.pk for t in sent] == [row.pk]
    assert document_text(incoming_id=document.pk) == row.text


def test_extraction_is_queued_below_the_other_work_of_the_same_file(cast):
    # given a stored file: its signature check and its extraction are both queued
    document = register(cast, [("quyet-dinh.pdf", samples.text_pdf(PARAGRAPHS))])
    row = FileText.objects.get(file=document.files.get())
    extraction = DBTaskResult.objects.get(task_path=TASK, args_kwargs__args=[row.pk])
    others = DBTaskResult.objects.exclude(task_path=TASK).filter(status="READY")
    # then a worker takes every other task first (a long scan never delays them)
    assert others.exists()
    assert all(task.priority > extraction.priority for task in others)


def test_a_refused_registration_queues_nothing(cast):
    # a duplicate file without confirmation is refused: no row, no task
    data = samples.text_pdf(PARAGRAPHS)
    register(cast, [("a.pdf", data)])
    before = (FileText.objects.count(), DBTaskResult.objects.filter(task_path=TASK).count())
    with pytest.raises(VanthuError):  # the registers' duplicate warning
        register(cast, [("a.pdf", data)])
    after = (FileText.objects.count(), DBTaskResult.objects.filter(task_path=TASK).count())
    assert after == before


def test_a_scan_is_ocred_into_a_searchable_copy_and_the_original_kept(cast, ready):
    sent, capture = ready
    page = samples.scanned_look(
        samples.page_image([*PARAGRAPHS[:1], "Số: 22/2017/QĐ-UBND"], dpi=200, width_mm=150),
        angle=0.4,
    )
    scan = samples.scan_pdf([page], dpi=200)
    document = register(cast, [("ban-quet.pdf", scan)])
    stored = document.files.get()
    row = FileText.objects.get(file=stored)
    progress: list[tuple[int, int | None]] = []

    original_progress = services._progress

    def spy(r: FileText, done: int, total: int) -> None:
        original_progress(r, done, total)
        current = FileText.objects.get(pk=r.pk)
        progress.append((current.pages_done, current.pages_total))
        assert current.state == TextState.RUNNING

    services._progress = spy  # type: ignore[assignment]
    try:
        with capture(execute=True):
            run_queued()
    finally:
        services._progress = original_progress  # type: ignore[assignment]
    row.refresh_from_db()
    assert row.state == TextState.DONE, row.error
    assert row.method == "ocr"
    assert "KHÁNH HÒA" in row.text
    assert (0, 1) in progress
    assert progress[-1] == (1, 1)
    # the copy is stored apart; the original's bytes are untouched
    assert row.searchable.name
    assert row.searchable.name != stored.file.name
    with row.searchable.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    with stored.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == stored.sha256
    assert [t.pk for t in sent] == [row.pk]


def test_running_the_task_again_does_nothing_and_a_rerun_starts_over(cast, ready):
    sent, capture = ready
    document = register(cast, [("a.pdf", samples.text_pdf(PARAGRAPHS))])
    row = FileText.objects.get(file=document.files.get())
    with capture(execute=True):
        run_queued()
        assert extract_file_text.call(row.pk) == TextState.DONE  # a second run: nothing done
    assert len(sent) == 1

    services.file_text_rerun(actor=cast.actor(cast.clerk), file_id=row.file_id)
    row.refresh_from_db()
    assert row.state == TextState.PENDING
    assert JournalEntry.objects.filter(action="texts.rerun").count() == 1
    with capture(execute=True):
        run_queued()
    row.refresh_from_db()
    assert row.state == TextState.DONE
    assert len(sent) == 2


def test_a_broken_file_fails_with_a_vietnamese_error_and_never_raises(cast, ready):
    sent, capture = ready
    document = register(cast, [("hong.docx", samples._zip({"word/x.xml": b"<x/>"}))])
    row = FileText.objects.get(file=document.files.get())
    with capture(execute=True):
        run_queued()
    row.refresh_from_db()
    assert row.state == TextState.FAILED
    assert "thiếu phần nội dung" in row.error
    assert sent == []
    assert document_text(incoming_id=document.pk) == ""


def test_an_unexpected_error_is_recorded_not_raised(cast, monkeypatch):
    document = register(cast, [("a.pdf", samples.text_pdf(PARAGRAPHS))])
    row = FileText.objects.get(file=document.files.get())

    monkeypatch.setattr(services, "extract_text", lambda *a: 1 / 0)
    assert services.file_text_extract(row.pk) == TextState.FAILED
    row.refresh_from_db()
    assert row.error == services.GENERIC_ERROR


def test_a_type_without_text_is_empty_and_announced(cast, ready):
    sent, capture = ready
    document = register(cast, [("so-lieu.xlsx", samples._zip({"xl/workbook.xml": b"<w/>"}))])
    row = FileText.objects.get(file=document.files.get())
    with capture(execute=True):
        run_queued()
    row.refresh_from_db()
    assert row.state == TextState.EMPTY
    assert [t.pk for t in sent] == [row.pk]


def test_document_text_joins_the_current_done_files_only(cast):
    document = register(
        cast,
        [("a.docx", samples.docx(["Thứ nhất một"])), ("b.odt", samples.odt(["Thứ hai", "hai ba"]))],
    )
    run_queued()
    first, second = (FileText.objects.get(file=f) for f in document.files.order_by("id"))
    assert first.text.startswith("Thứ nhất một")
    assert second.text.startswith("Thứ hai\nhai ba")
    assert document_text(incoming_id=document.pk) == f"{first.text}\n\n{second.text}"
    DocumentFile.objects.filter(pk=second.file_id).update(is_current=False)
    assert document_text(incoming_id=document.pk) == first.text
    FileText.objects.filter(pk=first.pk).update(state=TextState.FAILED)
    assert document_text(incoming_id=document.pk) == ""
    with pytest.raises(ValueError, match="exactly one"):
        document_text()


def test_only_the_agency_clerks_rerun_and_never_while_it_runs(cast):
    document = register(cast, [("a.pdf", samples.text_pdf(PARAGRAPHS))])
    stored = document.files.get()
    with pytest.raises(NotFound):
        services.file_text_rerun(actor=cast.actor(cast.outsider), file_id=stored.pk)
    with pytest.raises(PermissionDenied):
        services.file_text_rerun(actor=cast.actor(cast.specialist), file_id=stored.pk)
    FileText.objects.filter(file=stored).update(state=TextState.RUNNING)
    with pytest.raises(Conflict):
        services.file_text_rerun(actor=cast.actor(cast.clerk), file_id=stored.pk)
    assert FileText.objects.get(file=stored).state == TextState.RUNNING
    assert not JournalEntry.objects.filter(action="texts.rerun").exists()


def test_the_command_queues_missing_files_or_extracts_them_now(cast, capsys):
    document = register(cast, [("a.pdf", samples.text_pdf(PARAGRAPHS))])
    stored = document.files.get()
    FileText.objects.all().delete()  # a file stored before extraction existed
    DBTaskResult.objects.filter(task_path=TASK).delete()

    call_command("texts", "extract", "--missing")
    assert "1 tệp" in capsys.readouterr().out
    assert FileText.objects.get(file=stored).state == TextState.PENDING
    call_command("texts", "extract", "--missing")
    assert "0 tệp" in capsys.readouterr().out  # pending is not missing

    FileText.objects.all().delete()
    call_command("texts", "extract", "--missing", "--now")
    out = capsys.readouterr().out
    assert "[1/1] a.pdf: Đã trích xuất" in out
    assert FileText.objects.get(file=stored).state == TextState.DONE
