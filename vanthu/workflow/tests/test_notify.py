"""The inbox row and the e-mail queued with it (`workflow.notify`), and the inbox services."""

from __future__ import annotations

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from vanthu.core.actor import Actor
from vanthu.core.errors import NotFound
from vanthu.workflow import notify as inbox
from vanthu.workflow.choices import NotificationKind
from vanthu.workflow.mail import URGENT_PRIORITY
from vanthu.workflow.models import Notification
from vanthu.workflow.notify import notify

pytestmark = pytest.mark.django_db

TASK_PATH = "vanthu.workflow.mail.notification_email_task"


def _mail_tasks() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=TASK_PATH).order_by("enqueued_at"))


def _tell(person, kind=NotificationKind.ASSIGNED, **extra) -> Notification | None:
    return notify(person_id=person.pk, kind=kind, title="Chủ trì: V/v chuyển đổi số", **extra)


def test_an_assignment_goes_to_the_inbox_and_queues_its_mail_in_the_same_transaction(cast):
    # when a person is told of an assignment
    notice = _tell(cast.specialist, link="/van-ban/den/7/", agency_id=cast.agency_a.pk)
    # then the inbox holds it, unread and not yet mailed, and one mail task waits for it
    assert notice is not None
    stored = Notification.objects.get(pk=notice.pk)
    assert (stored.person_id, stored.kind, stored.read_at, stored.emailed_at) == (
        cast.specialist.pk,
        NotificationKind.ASSIGNED,
        None,
        None,
    )
    tasks = _mail_tasks()
    assert len(tasks) == 1
    assert tasks[0].args_kwargs["args"] == [notice.pk]
    assert tasks[0].priority == 0


@pytest.mark.parametrize(
    "kind", [NotificationKind.DUE_SOON, NotificationKind.OVERDUE, NotificationKind.DRAFT_RETURNED]
)
def test_deadlines_and_returned_drafts_are_mailed(cast, kind):
    _tell(cast.specialist, kind=kind)
    assert len(_mail_tasks()) == 1


@pytest.mark.parametrize(
    "kind",
    [
        NotificationKind.SUBMITTED,
        NotificationKind.COMPLETED,
        NotificationKind.RETURNED,
        NotificationKind.DRAFT_TO_REVIEW,
    ],
)
def test_other_kinds_stay_in_the_inbox_unless_urgent(cast, kind):
    # given a notice of a kind that is not mailed: inbox only
    _tell(cast.leader, kind=kind)
    assert _mail_tasks() == []
    assert Notification.objects.filter(person=cast.leader, kind=kind).count() == 1
    # when the same kind is urgent: mailed at once, ahead of the queue
    _tell(cast.leader, kind=kind, urgent=True)
    tasks = _mail_tasks()
    assert len(tasks) == 1
    assert tasks[0].priority == URGENT_PRIORITY


def test_a_subject_is_notified_once_and_mailed_once(cast):
    first = _tell(cast.specialist, kind=NotificationKind.DUE_SOON, subject_key="assignment:1")
    again = _tell(cast.specialist, kind=NotificationKind.DUE_SOON, subject_key="assignment:1")
    assert first is not None
    assert again is None
    assert Notification.objects.filter(person=cast.specialist).count() == 1
    assert len(_mail_tasks()) == 1
    # another person may be told of the same subject
    assert _tell(cast.unit_head, kind=NotificationKind.DUE_SOON, subject_key="assignment:1")


def test_without_an_email_address_the_notice_is_kept_and_no_mail_is_queued(cast):
    cast.specialist.email = ""
    cast.specialist.save(update_fields=["email"])
    assert _tell(cast.specialist, urgent=True) is not None
    assert _mail_tasks() == []


def test_mail_can_be_turned_off(cast, settings):
    settings.NOTIFY_EMAIL = False
    assert _tell(cast.specialist, urgent=True) is not None
    assert _mail_tasks() == []


def test_a_rolled_back_change_leaves_neither_notice_nor_mail(cast):
    class Boom(Exception):
        pass

    def change_that_fails() -> None:
        with transaction.atomic():
            _tell(cast.specialist)
            raise Boom

    with pytest.raises(Boom):
        change_that_fails()
    assert Notification.objects.count() == 0
    assert _mail_tasks() == []


def test_the_title_and_link_are_cut_to_their_columns(cast):
    notice = notify(person_id=cast.specialist.pk, kind="assigned", title="x" * 400, link="/" * 400)
    assert notice is not None
    stored = Notification.objects.get(pk=notice.pk)
    assert (len(stored.title), len(stored.link)) == (300, 300)


# --- Inbox selectors and services -------------------------------------------------------


def _inbox_of(cast, person) -> list[Notification]:
    return list(inbox.notification_list(actor=cast.actor(person)))


def test_the_inbox_lists_unread_first_then_read_ones_newest_first(cast):
    old = _tell(cast.specialist, kind=NotificationKind.COMPLETED)
    middle = _tell(cast.specialist, kind=NotificationKind.COMPLETED)
    new = _tell(cast.specialist, kind=NotificationKind.COMPLETED)
    _tell(cast.unit_head, kind=NotificationKind.COMPLETED)
    actor = cast.actor(cast.specialist)
    inbox.notification_mark_read(actor=actor, notification_id=new.pk)
    # then the unread come first, newest first, and nobody else's notices appear
    assert _inbox_of(cast, cast.specialist) == [middle, old, new]
    assert inbox.notification_unread_count(actor=actor) == 2
    unread = list(inbox.notification_list(actor=actor, unread_only=True))
    assert unread == [middle, old]


def test_another_persons_notice_is_not_found_and_stays_unread(cast):
    notice = _tell(cast.specialist, kind=NotificationKind.COMPLETED)
    for person in (
        cast.unit_head,
        cast.leader,
        cast.agency_admin,
        cast.system_admin,
        cast.outsider,
    ):
        actor = cast.actor(person)
        with pytest.raises(NotFound):
            inbox.notification_get(actor=actor, notification_id=notice.pk)
        with pytest.raises(NotFound):
            inbox.notification_mark_read(actor=actor, notification_id=notice.pk)
        assert inbox.notification_mark_all_read(actor=actor) == 0
    assert Notification.objects.get(pk=notice.pk).read_at is None


def test_reading_twice_keeps_the_first_time_and_all_read_counts_the_unread(cast):
    actor = cast.actor(cast.specialist)
    first = _tell(cast.specialist, kind=NotificationKind.COMPLETED)
    _tell(cast.specialist, kind=NotificationKind.COMPLETED)
    _tell(cast.specialist, kind=NotificationKind.COMPLETED)
    read = inbox.notification_mark_read(actor=actor, notification_id=first.pk)
    again = inbox.notification_mark_read(actor=actor, notification_id=first.pk)
    assert read.read_at is not None
    assert again.read_at == read.read_at
    assert inbox.notification_mark_all_read(actor=actor) == 2
    assert inbox.notification_unread_count(actor=actor) == 0
    assert Notification.objects.get(pk=first.pk).read_at == read.read_at


def test_the_system_actor_has_no_inbox(cast):
    _tell(cast.specialist, kind=NotificationKind.COMPLETED)
    system = Actor.system()
    assert list(inbox.notification_list(actor=system)) == []
    assert inbox.notification_unread_count(actor=system) == 0
    assert inbox.notification_mark_all_read(actor=system) == 0
