"""Issue 7's check, end to end: the seed regulation scanned, OCR'd, indexed and found.

The first page of Decision 22/2017 is rendered as a scanned-looking image-only PDF and
registered by agency A's clerk through the registers' own service. The real worker loop then
runs what was queued: the file's extraction (OCRmyPDF + Tesseract `vie`), and the index task
that `file_text_ready` enqueues. "trao doi van ban dien tu" finds the document for agency A's
clerk, with the words marked in the snippet of its content, and finds nothing for agency B's.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from datetime import date

import pytest
from django_tasks_db.models import DBTaskResult

from conftest import require_component
from vanthu.core.tests.worker import run_queued_tasks
from vanthu.registry import incoming
from vanthu.registry.choices import IntakeChannel
from vanthu.registry.models import DocumentFile
from vanthu.registry.tests.factories import document_type
from vanthu.search.selectors import search_documents
from vanthu.search.text import fold_nfc
from vanthu.texts.models import FileText, TextMethod, TextState
from vanthu.texts.tests import samples

pytestmark = pytest.mark.django_db(transaction=True)

DPI = 200
QUERY = "trao doi van ban dien tu"


def _tesseract_has_vie() -> bool:
    if shutil.which("tesseract") is None:
        return False
    listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True)
    return "vie" in listed.stdout.split()


def test_the_scanned_seed_regulation_is_ocrd_and_found_by_its_agency_only(cast):
    require_component(_tesseract_has_vie(), "tesseract with the vie language")
    # Given the first page of the seed regulation, printed and scanned
    first_page = samples.wrap_pages(samples.seed_lines(), dpi=DPI)[0]
    scan = samples.scan_pdf(samples.scanned_pages([first_page], dpi=DPI), dpi=DPI)
    # When agency A's clerk registers the scan (a summary without the words searched for)
    document = incoming.incoming_document_register(
        actor=cast.actor(cast.clerk),
        data=incoming.IncomingData(
            document_date=date(2017, 11, 27),
            document_type_id=document_type("quyet-dinh").pk,
            summary="Bản sao quyết định của Ủy ban nhân dân tỉnh",
            sender_name="Ủy ban nhân dân tỉnh Khánh Hòa",
            number="22",
            notation="2017/QĐ-UBND",
            page_count=1,
        ),
        files=[("QD-22-2017-quet.pdf", scan)],
        channel=IntakeChannel.PAPER_SCAN,
    )
    # (a paper scan is stored as the PDF assembled from its pages: that PDF is the original)
    stored = DocumentFile.objects.get(incoming=document)
    with stored.file.open("rb") as handle:
        original = handle.read()
    assert hashlib.sha256(original).hexdigest() == stored.sha256
    assert FileText.objects.get(file=stored).state == TextState.PENDING
    actor = cast.actor(cast.clerk)
    assert search_documents(actor=actor, query=QUERY).total == 0
    # And the worker runs the queued tasks: extraction with OCR, then the index
    run_queued_tasks("integration-test")
    failed = DBTaskResult.objects.exclude(status="SUCCESSFUL")
    assert not failed.exists(), [(r.task_path, r.status, r.traceback) for r in failed]
    # Then the text was read by OCR into a searchable copy; the original is untouched
    text = FileText.objects.get(file=stored)
    assert (text.state, text.method, text.pages_total) == (TextState.DONE, TextMethod.OCR, 1)
    assert text.searchable.name
    assert "trao đổi, lưu trữ, xử lý văn bản điện tử" in samples.normalise(text.text)
    stored.refresh_from_db()
    with stored.file.open("rb") as handle:
        assert handle.read() == original
    # And agency A's clerk finds it without diacritics, the words marked in its content
    page = search_documents(actor=actor, query=QUERY)
    assert [(h.kind, h.object_id) for h in page.hits] == [("incoming", document.pk)]
    snippet = page.hits[0].snippet_html
    assert "trong hoạt động của cơ quan nhà nước" in snippet  # from the content, not metadata
    # (OCR may misread a tone mark, "đối" for "đổi": folding finds the word all the same)
    marked = {fold_nfc(word).lower() for word in re.findall(r"<mark>([^<]+)</mark>", snippet)}
    assert set(QUERY.split()) <= marked, snippet
    # While agency B's clerk gets no hit at all
    assert search_documents(actor=cast.actor(cast.outsider), query=QUERY).total == 0
