"""Sample documents of the demo (`vanthu.registry.demo`): a living register for each clerk.

The organisations demo and the sample documents are loaded once for the module (about 5 s),
inside a transaction rolled back at the end; each test reads them through the selectors.
"""

from __future__ import annotations

import hashlib
import io
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from pypdf import PdfReader

from vanthu.core.actor import Actor
from vanthu.core.errors import Conflict, NotFound, PermissionDenied
from vanthu.core.journal import journal_verify
from vanthu.core.models import JournalEntry
from vanthu.organizations.actors import actor_for_person
from vanthu.organizations.demo import load_demo_data
from vanthu.organizations.models import Agency, Person
from vanthu.organizations.signals import demo_data_loaded
from vanthu.registry.choices import (
    ExchangeMode,
    FileRole,
    IntakeChannel,
    OutgoingStatus,
    Urgency,
)
from vanthu.registry.demo import (
    DemoDocumentsSummary,
    demo_documents_load,
    on_demo_data_loaded,
    summary_line,
)
from vanthu.registry.models import DocumentFile, IncomingDocument, OutgoingDocument
from vanthu.registry.outgoing import (
    VBDT,
    paper_dispatch_list,
    paper_dispatch_overdue,
    recipients_display,
)
from vanthu.registry.selectors import (
    IncomingFilters,
    OutgoingFilters,
    document_file_get,
    incoming_get,
    incoming_list,
    outgoing_get,
    outgoing_list,
)

SYSTEM = Actor.system("kiểm thử")
QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


@dataclass(frozen=True)
class Loaded:
    summary: DemoDocumentsSummary
    seconds: float
    stttt: Actor
    stc: Actor


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, _files_location) -> Iterator[Loaded]:
    """Load the organisations demo, then the sample documents, once; undo both afterwards."""
    # The session's file folder (root conftest), which every test of the module reads.
    storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": _files_location},
    }
    # The registers app and the apps built on it listen to the signal (their apps.py): load the
    # organisations alone, then the sample documents explicitly, to time them.
    with demo_data_loaded.lock:
        receivers = demo_data_loaded.receivers[:]
        demo_data_loaded.receivers = []
        demo_data_loaded.sender_receivers_cache.clear()
    try:
        with (
            django_db_blocker.unblock(),
            override_settings(
                STORAGES={**settings.STORAGES, "default": storage},
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            ),
            transaction.atomic(),
        ):
            load_demo_data(actor=SYSTEM)
            started = time.monotonic()
            summary = demo_documents_load(actor=SYSTEM)
            seconds = time.monotonic() - started
            yield Loaded(
                summary=summary,
                seconds=seconds,
                stttt=actor_for_person(Person.objects.get(username="vanthu.stttt")),
                stc=actor_for_person(Person.objects.get(username="vanthu.stc")),
            )
            transaction.set_rollback(True)
    finally:
        with demo_data_loaded.lock:
            demo_data_loaded.receivers = receivers
            demo_data_loaded.sender_receivers_cache.clear()


pytestmark = pytest.mark.django_db


def _incoming(actor: Actor) -> list[IncomingDocument]:
    return list(incoming_list(actor=actor, filters=IncomingFilters(sort="arrival_number")))


def _gap_free(documents: list[IncomingDocument]) -> None:
    by_book: dict[tuple[int, int], list[int]] = {}
    for document in documents:
        by_book.setdefault((document.register_id, document.year), []).append(
            document.arrival_number
        )
    for numbers in by_book.values():
        assert numbers == list(range(1, len(numbers) + 1))


def test_clerk_of_stttt_sees_about_forty_incoming_numbered_without_gaps(loaded):
    documents = _incoming(loaded.stttt)
    # then some forty documents are in the incoming register, numbered 1..N
    assert 38 <= len(documents) <= 50
    _gap_free(documents)
    assert [d.arrival_number for d in documents] == list(range(1, len(documents) + 1))
    # arriving by the three paths of Điều 6.1
    channels = Counter(d.channel for d in documents)
    assert channels[IntakeChannel.ELECTRONIC] >= 25
    assert channels[IntakeChannel.PAPER_SCAN] >= 5
    assert sum(1 for d in documents if d.paper_received_at is not None) == 1
    # from other demo agencies and from senders outside the directory
    senders = {d.sender_agency.short_name for d in documents if d.sender_agency is not None}
    assert {"UBND", "VPUBND", "STC", "UBND TP Nha Trang"} <= senders
    assert "STTTT" not in senders
    assert any(d.sender_agency is None and d.sender_name for d in documents)
    # with the usual types, numbers and notations, signers and an urgency mix
    types = {d.document_type.name for d in documents}
    assert {"Công văn", "Quyết định", "Kế hoạch", "Thông báo", "Giấy mời", "Báo cáo"} <= types
    for document in documents:
        assert re.fullmatch(r"\d+/[^\s/]+-[^\s/]+(-[^\s/]+)?", document.number_notation)
        assert document.signer_name
        assert document.signer_position
        assert document.summary
    assert any(d.number_notation.endswith("/UBND-KGVX") for d in documents)
    assert len({d.urgency for d in documents}) == len(Urgency.values)
    # dated over the last two months, none in the future
    today = timezone.localdate()
    dates = [d.document_date for d in documents]
    assert dates == sorted(dates)
    assert min(dates) >= today - timedelta(days=62)
    assert max(dates) <= today
    assert (max(dates) - min(dates)).days >= 40


def test_some_incoming_have_due_dates_and_some_are_overdue(loaded):
    documents = _incoming(loaded.stttt)
    overdue = list(incoming_list(actor=loaded.stttt, filters=IncomingFilters(overdue=True)))
    today = timezone.localdate()
    pending = [d for d in documents if d.due_date is not None and d.due_date >= today]
    assert 3 <= len(overdue) <= 8
    assert len(pending) >= 3
    assert sum(1 for d in documents if d.due_date is None) > len(documents) / 2


def test_outgoing_of_stttt_drafts_issued_and_sent(loaded):
    documents = list(outgoing_list(actor=loaded.stttt, filters=OutgoingFilters(sort="number")))
    assert 12 <= len(documents) <= 20
    statuses = Counter(d.status for d in documents)
    assert statuses[OutgoingStatus.DRAFT] >= 2
    issued = [d for d in documents if d.status == OutgoingStatus.ISSUED]
    # numbered without gaps, in the order of their dates
    assert [d.number for d in issued] == list(range(1, len(issued) + 1))
    dates = [d.document_date for d in issued]
    assert dates == sorted(dates)
    assert all(d.number is None and d.notation == "" for d in documents if d.status == "draft")
    # a Quyết định of the department
    assert any(d.notation == "QĐ-STTTT" for d in issued)
    # Công văn sent electronically only carry (VBĐT) in Nơi nhận, the filing copy does not
    cong_van = [d for d in issued if d.document_type.code == "cong-van" and d.sent_at is not None]
    assert len(cong_van) >= 4
    for document in cong_van:
        assert re.fullmatch(r"STTTT-(VP|CNTT|BCVT|TTBCXB)", document.notation)
        assert document.exchange_mode == ExchangeMode.ELECTRONIC_ONLY
        lines = recipients_display(outgoing_get(actor=loaded.stttt, document_id=document.pk))
        assert sum(1 for line in lines if line.endswith(VBDT)) >= 2
        assert any(line.startswith("Lưu: VT") and VBDT not in line for line in lines)
    assert issued[0].number_notation == "01/STTTT-CNTT"


def test_paper_dispatch_one_done_one_overdue(loaded):
    tasks = list(paper_dispatch_list(actor=loaded.stttt))
    assert len(tasks) == 2
    assert all(t.document.exchange_mode == ExchangeMode.ELECTRONIC_AND_PAPER for t in tasks)
    done = [t for t in tasks if t.done_at is not None]
    assert len(done) == 1
    overdue = list(paper_dispatch_overdue(actor=loaded.stttt))
    assert len(overdue) == 1
    assert overdue[0].due_at < timezone.now() - timedelta(days=7)


def test_files_are_stored_readable_and_look_like_documents(loaded):
    documents = _incoming(loaded.stttt)
    stored = list(DocumentFile.objects.filter(agency_id=loaded.stttt.agency_id).order_by("id"))
    outgoing = OutgoingDocument.objects.filter(agency_id=loaded.stttt.agency_id).count()
    assert len(stored) == len(documents) + outgoing
    pages = Counter()
    for row in stored:
        one = document_file_get(actor=loaded.stttt, file_id=row.pk)
        with one.file.open("rb") as handle:
            data = handle.read()
        assert hashlib.sha256(data).hexdigest() == one.sha256
        assert one.size == len(data)
        reader = PdfReader(io.BytesIO(data))
        assert len(reader.pages) == one.page_count
        pages[len(reader.pages)] += 1
        if one.role == FileRole.ORIGINAL:
            text = reader.pages[0].extract_text()
            assert QUOC_HIEU in text
            assert "Độc lập - Tự do - Hạnh phúc" in text
            assert "Nơi nhận" in reader.pages[-1].extract_text()
        else:
            assert one.role == FileRole.SCAN
            assert one.incoming is not None
            assert one.incoming.channel == IntakeChannel.PAPER_SCAN
            assert reader.pages[0].images  # a scanned page is an image
    assert set(pages) == {1, 2}
    # the register shows the page counts of the files
    assert all(d.page_count for d in documents)
    # an electronic document's text carries its own number and summary
    document = next(d for d in documents if d.number_notation.endswith("/QĐ-UBND"))
    original = document.files.get(role=FileRole.ORIGINAL)
    with original.file.open("rb") as handle:
        text = PdfReader(handle).pages[0].extract_text()
    assert f"Số: {document.number_notation}" in text


def test_clerk_of_stc_sees_only_their_own_register(loaded):
    theirs = _incoming(loaded.stc)
    ours = _incoming(loaded.stttt)
    assert 5 <= len(theirs) <= 15
    _gap_free(theirs)
    assert {d.agency_id for d in theirs} == {loaded.stc.agency_id}
    assert not {d.pk for d in theirs} & {d.pk for d in ours}
    # what STTTT sent to Sở Tài chính arrives there with its number and notation
    stttt = Agency.objects.get(short_name="STTTT")
    from_stttt = [d for d in theirs if d.sender_agency_id == stttt.pk]
    assert len(from_stttt) >= 2
    sent = {
        d.number_notation
        for d in OutgoingDocument.objects.filter(agency=stttt, sent_at__isnull=False)
    }
    assert {d.number_notation for d in from_stttt} <= sent
    # the same file, byte for byte, stored once per agency
    copy = from_stttt[0]
    source = next(
        d
        for d in OutgoingDocument.objects.filter(agency=stttt, notation=copy.notation)
        if d.number_notation == copy.number_notation
    )
    assert copy.files.get().sha256 == source.files.get().sha256
    # and nothing of STTTT is visible to the clerk of STC
    with pytest.raises(NotFound):
        incoming_get(actor=loaded.stc, document_id=ours[0].pk)
    with pytest.raises(NotFound):
        outgoing_get(actor=loaded.stc, document_id=source.pk)
    with pytest.raises(NotFound):
        document_file_get(actor=loaded.stc, file_id=ours[0].files.get().pk)
    assert not outgoing_list(actor=loaded.stc, filters=OutgoingFilters()).exists()


def test_every_document_is_journalled_and_the_journal_verifies(loaded):
    incoming = IncomingDocument.objects.count()
    assert loaded.summary.incoming == incoming
    registered = JournalEntry.objects.filter(action="registry.incoming.register")
    assert registered.count() == incoming
    assert JournalEntry.objects.filter(action="registry.outgoing.issue").count() == (
        loaded.summary.outgoing_issued
    )
    # each document is journalled by its agency's clerk, in the agency's chain
    clerks = set(registered.values_list("actor_id", flat=True))
    assert clerks == {loaded.stttt.person_id, loaded.stc.person_id}
    assert journal_verify() == []


def test_summary_counts_and_line(loaded):
    summary = loaded.summary
    assert summary.incoming == IncomingDocument.objects.count()
    assert summary.incoming == summary.incoming_electronic + summary.incoming_scanned
    assert summary.outgoing == OutgoingDocument.objects.count()
    assert summary.outgoing == summary.outgoing_drafts + summary.outgoing_issued
    assert summary.files == DocumentFile.objects.count()
    assert (summary.paper_tasks, summary.paper_tasks_overdue, summary.paper_copies) == (2, 1, 1)
    line = summary_line(summary)
    assert line.startswith("Đã nạp văn bản mẫu của 2 cơ quan:")
    assert f"{summary.incoming} văn bản đến" in line
    assert f"{summary.outgoing} văn bản đi" in line


def test_loading_twice_or_without_the_right_is_refused(loaded):
    before = IncomingDocument.objects.count()
    with pytest.raises(Conflict):
        on_demo_data_loaded(sender=Agency, actor=SYSTEM)
    with pytest.raises(PermissionDenied):
        demo_documents_load(actor=loaded.stttt)
    assert IncomingDocument.objects.count() == before
