"""The demo's handling: STTTT's leader, unit head and specialist find work in every state."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.test import override_settings
from django.utils import timezone

from vanthu.core.actor import Actor
from vanthu.core.calendar import working_calendar
from vanthu.core.journal import journal_verify
from vanthu.exchange.demo import on_demo_data_loaded as exchange_demo
from vanthu.organizations.actors import actor_for_person
from vanthu.organizations.demo import load_demo_data
from vanthu.organizations.models import Person
from vanthu.organizations.signals import demo_data_loaded
from vanthu.registry.choices import IncomingStatus
from vanthu.registry.models import IncomingDocument
from vanthu.signatures.demo import on_demo_data_loaded as signatures_demo
from vanthu.workflow.choices import (
    AssignmentState,
    DraftState,
    ExtensionState,
    NotificationKind,
    SubmissionState,
)
from vanthu.workflow.demo import demo_handling_load
from vanthu.workflow.demo import on_demo_data_loaded as workflow_demo
from vanthu.workflow.models import (
    Assignment,
    DraftReview,
    ExtensionRequest,
    Notification,
    Step,
    Submission,
)

SYSTEM = Actor.system("kiểm thử")
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, _files_location) -> Iterator[str]:
    """Load the organisations and the registers' demo, then the handling, once; undo it all."""
    storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": _files_location},
    }
    # Keys on tokens are not what this module tests; handling is loaded explicitly below.
    signatures = demo_data_loaded.disconnect(dispatch_uid="signatures.demo")
    workflow = demo_data_loaded.disconnect(dispatch_uid="workflow.demo")
    # The exchange's own demo step is run by its test below.
    exchange = demo_data_loaded.disconnect(dispatch_uid="exchange.demo")
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
            yield demo_handling_load()
            transaction.set_rollback(True)
    finally:
        if signatures:
            demo_data_loaded.connect(signatures_demo, dispatch_uid="signatures.demo")
        if workflow:
            demo_data_loaded.connect(workflow_demo, dispatch_uid="workflow.demo")
        if exchange:
            demo_data_loaded.connect(exchange_demo, dispatch_uid="exchange.demo")


def _person(username: str) -> Person:
    return Person.objects.get(username=username)


def test_the_summary_line_counts_every_state(loaded):
    assert loaded == (
        "Xử lý văn bản mẫu STTTT: 4 đã xong, 10 đang xử lý (2 quá hạn), 6 chờ tiếp nhận, "
        "5 chờ lãnh đạo cho ý kiến."
    )


def test_the_leader_has_documents_to_direct_and_an_extension_to_decide(loaded):
    leader = _person("lanhdao.stttt")
    assert Submission.objects.filter(leader=leader, state=SubmissionState.AWAITING).count() == 5
    request = ExtensionRequest.objects.get(state=ExtensionState.PENDING)
    assert request.assignment.assigned_by == leader
    kinds = set(Notification.objects.filter(person=leader).values_list("kind", flat=True))
    assert {NotificationKind.SUBMITTED, NotificationKind.EXTENSION_REQUESTED} <= kinds


def test_the_unit_head_has_work_to_accept_and_a_draft_to_review(loaded):
    head = _person("truongphong.stttt")
    waiting = Assignment.objects.filter(
        state=AssignmentState.NEW, assignee_unit__short_name="CNTT", parent__isnull=True
    )
    assert waiting.count() == 6
    draft = DraftReview.objects.get()
    assert (draft.state, draft.reviewer) == (DraftState.IN_REVIEW, head)
    assert draft.answers is not None
    assert draft.answers.assignee == _person("chuyenvien.stttt")


def test_the_specialist_has_work_in_progress_two_overdue_one_due_soon(loaded):
    specialist = _person("chuyenvien.stttt")
    mine = Assignment.objects.filter(assignee=specialist, state=AssignmentState.IN_PROGRESS)
    assert mine.count() == 9
    today = timezone.localdate()
    assert mine.filter(due_date__lt=today).count() == 2
    # due soon: the next working day at the latest (VANTHU_DUE_SOON_WORKING_DAYS = 1)
    soon = working_calendar().add_working_days(today, 1)
    assert mine.filter(due_date__gte=today, due_date__lte=soon).count() == 1


def test_done_documents_are_closed_one_of_them_late(loaded):
    done = IncomingDocument.objects.filter(agency__short_name="STTTT", status=IncomingStatus.DONE)
    assert done.count() == 4
    late = Assignment.objects.filter(
        incoming__in=done, role="lead", completed_at__date__gt=F("due_date")
    )
    assert late.count() == 1


def test_every_step_is_on_a_timeline_and_the_journal_verifies(loaded):
    assert Step.objects.filter(action="direct").count() == 20
    assert journal_verify() == []


def test_the_people_see_it_through_their_own_actors(loaded):
    from vanthu.workflow.views_handling import my_work

    specialist = my_work(actor_for_person(_person("chuyenvien.stttt")))
    assert (len(specialist["submissions"]), len(specialist["assignments"])) == (0, 9)
    leader = my_work(actor_for_person(_person("lanhdao.stttt")))
    assert len(leader["submissions"]) == 5
    head = my_work(actor_for_person(_person("truongphong.stttt")))
    assert len(head["assignments"]) == 6 + 1  # to accept, and the one kept for the extension


def test_stc_receptions_it_registered_by_hand_are_matched(loaded):
    from vanthu.exchange.choices import ReceptionState
    from vanthu.exchange.demo import demo_receptions_match
    from vanthu.exchange.models import Reception

    line = demo_receptions_match()
    stc = Reception.objects.filter(agency__short_name="STC")
    received = stc.filter(state=ReceptionState.RECEIVED)
    assert received.count() >= 5
    assert all(r.incoming.sender_agency.short_name == "STTTT" for r in received)
    assert Reception.objects.filter(state=ReceptionState.AWAITING).exists()
    assert line.startswith(f"Liên thông mẫu: {received.count()} văn bản Sở Tài chính đã tiếp nhận")
    # a second run finds nothing more to match
    assert demo_receptions_match().startswith("Liên thông mẫu: 0 văn bản")


def test_the_exchange_demo_shows_another_system_a_return_a_take_back_and_gui_lai(loaded):
    from vanthu.exchange.choices import ChangeState, DeliveryState, ReceptionState
    from vanthu.exchange.demo import demo_exchange_show
    from vanthu.exchange.models import ChangeRequest, Delivery, OutboxMessage, Partner, Reception
    from vanthu.exchange.packet_signature import packet_signature_notice
    from vanthu.exchange.selectors import queue_counts, reception_list

    line = demo_exchange_show(actor=SYSTEM)
    # a partner system in the directory, labelled as a stand-in
    partner = Partner.objects.get(key_id="demo-congan-khanhhoa")
    assert "mô phỏng" in partner.name
    # its document waits in STTTT's queue, with the warning of an unsigned packet
    clerk = actor_for_person(_person("vanthu.stttt"))
    arrived = reception_list(actor=clerk).get(sender_identifier="000.00.90.H34")
    assert arrived.state == ReceptionState.AWAITING
    notice = packet_signature_notice(arrived.packet_signature_report)
    assert notice is not None
    assert notice.is_warning
    # STTTT's document to it failed after every attempt, and so did the "01" back: "Gửi lại"
    failed = Delivery.objects.get(recipient_identifier="000.00.90.H34")
    assert (failed.state, failed.attempts) == (DeliveryState.FAILED, 8)
    assert "Không kết nối được" in failed.last_error
    report = OutboxMessage.objects.get(reception=arrived)
    assert report.state == DeliveryState.FAILED
    counts = queue_counts(actor=clerk)
    assert counts is not None
    assert counts.failed_sendings == 2
    # a recipient returned one of STTTT's documents; STTTT asked to take another one back
    returned = Reception.objects.get(state=ReceptionState.RETURNED)
    assert returned.delivery is not None
    assert returned.delivery.status_code == "02"
    assert ChangeRequest.objects.filter(state=ChangeState.PENDING).exists()
    assert line.startswith("Liên thông với hệ thống khác:")
    assert "2 gói tin gửi không thành công" in line
