"""Sending (Điều 10) and the paper copy of Điều 5 documents, due 0.5 working day (Điều 10.3)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from vanthu.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from vanthu.core.models import JournalEntry
from vanthu.registry.choices import Purpose
from vanthu.registry.models import DocumentType, PaperDispatchTask
from vanthu.registry.outgoing import (
    OutgoingData,
    RecipientData,
    outgoing_document_create,
    outgoing_document_issue,
    outgoing_document_mark_sent,
    paper_dispatch_complete,
    paper_dispatch_list,
    paper_dispatch_overdue,
)

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY_8 = datetime(2026, 11, 23, 8, 0, tzinfo=HCM)
FRIDAY_15 = datetime(2026, 11, 20, 15, 0, tzinfo=HCM)


def _issued(cast, person, code="to-trinh", purpose=Purpose.TO_PROVINCIAL_LEADERSHIP):
    actor = cast.actor(person)
    draft = outgoing_document_create(
        actor=actor,
        data=OutgoingData(
            document_type_id=DocumentType.objects.get(code=code).pk,
            summary="Tờ trình về kế hoạch chuyển đổi số năm 2027",
            purpose=purpose,
        ),
        recipients=[RecipientData(place="Ủy ban nhân dân tỉnh Khánh Hòa")],
    )
    return outgoing_document_issue(
        actor=actor, document_id=draft.pk, document_date=date(2026, 11, 20)
    )


def _send(cast, document, sent_at, person=None):
    return outgoing_document_mark_sent(
        actor=cast.actor(person or cast.clerk), document_id=document.pk, sent_at=sent_at
    )


@pytest.mark.parametrize(
    ("sent_at", "due"),
    [
        (MONDAY_8, datetime(2026, 11, 23, 14, 30, tzinfo=HCM)),
        (FRIDAY_15, datetime(2026, 11, 23, 8, 30, tzinfo=HCM)),
    ],
    ids=["monday-morning", "friday-afternoon"],
)
def test_sending_a_paper_document_creates_the_task_due_half_a_working_day_later(cast, sent_at, due):
    # given an issued Tờ trình to UBND tỉnh (Điều 5.2)
    with time_machine.travel(datetime(2026, 11, 24, 9, 0, tzinfo=HCM), tick=False):
        document = _issued(cast, cast.clerk)
        # when the clerk records that sending succeeded
        sent = _send(cast, document, sent_at)
    # then the sent time is stored and journalled, and the paper copy is due 0.5 working day later
    assert sent.sent_at == sent_at
    entry = JournalEntry.objects.get(action="registry.outgoing.send", object_id=str(document.pk))
    assert entry.before["sent_at"] is None
    assert datetime.fromisoformat(entry.after["sent_at"]) == sent_at
    assert PaperDispatchTask.objects.get(document=document).due_at == due


def test_sent_time_defaults_to_now(cast):
    # given an issued document and a frozen clock
    with time_machine.travel(MONDAY_8, tick=False):
        document = _issued(cast, cast.clerk)
        # when sending is recorded without a time
        sent = outgoing_document_mark_sent(actor=cast.actor(cast.clerk), document_id=document.pk)
    # then the sent time is now
    assert sent.sent_at == MONDAY_8


def test_electronic_only_documents_have_no_paper_task(cast):
    # given an issued Giấy mời between agencies (Điều 4.1.b)
    with time_machine.travel(MONDAY_8, tick=False):
        document = _issued(cast, cast.clerk, "giay-moi", Purpose.BETWEEN_AGENCIES)
        # when it is sent
        _send(cast, document, MONDAY_8)
    # then no paper copy is due
    assert not PaperDispatchTask.objects.filter(document=document).exists()


def test_sending_twice_a_draft_or_in_the_future_is_refused(cast):
    # given a sent document and a draft
    with time_machine.travel(MONDAY_8, tick=False):
        document = _issued(cast, cast.clerk)
        _send(cast, document, MONDAY_8)
        journal = JournalEntry.objects.count()
        # when it is sent again, or sent in the future
        with pytest.raises(InvalidTransition):
            _send(cast, document, MONDAY_8)
        other = _issued(cast, cast.clerk)
        journal = JournalEntry.objects.count()
        with pytest.raises(ValidationFailed):
            _send(cast, other, datetime(2026, 11, 23, 9, 0, tzinfo=HCM))
    # then nothing changed
    other.refresh_from_db()
    assert other.sent_at is None
    assert PaperDispatchTask.objects.count() == 1
    assert JournalEntry.objects.count() == journal


def test_overdue_tasks_are_listed_until_the_clerk_ticks_them_off(cast):
    # given a paper copy due Monday 14:30
    with time_machine.travel(MONDAY_8, tick=False):
        document = _issued(cast, cast.clerk)
        _send(cast, document, MONDAY_8)
    task = PaperDispatchTask.objects.get(document=document)
    actor = cast.actor(cast.clerk)
    # when the clock reaches 14:29 then 14:31
    with time_machine.travel(datetime(2026, 11, 23, 14, 29, tzinfo=HCM), tick=False):
        before_due = list(paper_dispatch_overdue(actor=actor))
    with time_machine.travel(datetime(2026, 11, 23, 14, 31, tzinfo=HCM), tick=False):
        after_due = list(paper_dispatch_overdue(actor=actor))
        # and the clerk ticks it off
        paper_dispatch_complete(actor=actor, task_id=task.pk)
        after_done = list(paper_dispatch_overdue(actor=actor))
    # then it is overdue only between its due time and its completion
    assert before_due == []
    assert after_due == [task]
    assert after_done == []
    task.refresh_from_db()
    assert task.done_by_id == cast.clerk.pk
    assert JournalEntry.objects.filter(action="registry.paper_dispatch.complete").count() == 1


def test_the_alert_lists_only_the_actors_agency(cast):
    # given overdue paper copies in agency A and in agency B
    with time_machine.travel(MONDAY_8, tick=False):
        document_a = _issued(cast, cast.clerk)
        _send(cast, document_a, MONDAY_8)
        document_b = _issued(cast, cast.outsider)
        _send(cast, document_b, MONDAY_8, person=cast.outsider)
    # when each agency's staff read the alert the next day
    with time_machine.travel(datetime(2026, 11, 24, 9, 0, tzinfo=HCM), tick=False):
        seen_a = [t.document_id for t in paper_dispatch_overdue(actor=cast.actor(cast.leader))]
        seen_b = [t.document_id for t in paper_dispatch_overdue(actor=cast.actor(cast.outsider))]
    # then each sees its own only, in the alert and in the full list
    assert seen_a == [document_a.pk]
    assert seen_b == [document_b.pk]
    listed = [t.document_id for t in paper_dispatch_list(actor=cast.actor(cast.clerk))]
    assert listed == [document_a.pk]


def test_completing_is_for_the_clerk_once(cast):
    # given a paper task of agency A
    with time_machine.travel(MONDAY_8, tick=False):
        document = _issued(cast, cast.clerk)
        _send(cast, document, MONDAY_8)
    task = PaperDispatchTask.objects.get(document=document)
    # when the leader, the outsider, then the clerk twice tick it off
    with pytest.raises(PermissionDenied):
        paper_dispatch_complete(actor=cast.actor(cast.leader), task_id=task.pk)
    with pytest.raises(NotFound):
        paper_dispatch_complete(actor=cast.actor(cast.outsider), task_id=task.pk)
    task.refresh_from_db()
    assert task.done_at is None
    paper_dispatch_complete(actor=cast.actor(cast.clerk), task_id=task.pk)
    with pytest.raises(InvalidTransition):
        paper_dispatch_complete(actor=cast.actor(cast.clerk), task_id=task.pk)
    # then it was done once, by the clerk
    assert JournalEntry.objects.filter(action="registry.paper_dispatch.complete").count() == 1


def test_staff_who_are_not_clerks_cannot_record_sending(cast):
    # given an issued document
    with time_machine.travel(MONDAY_8, tick=False):
        document = _issued(cast, cast.clerk)
        # when the leader or the outsider records sending
        with pytest.raises(PermissionDenied):
            _send(cast, document, MONDAY_8, person=cast.leader)
        with pytest.raises(NotFound):
            _send(cast, document, MONDAY_8, person=cast.outsider)
    # then nothing is stored
    document.refresh_from_db()
    assert document.sent_at is None
    assert not PaperDispatchTask.objects.exists()
