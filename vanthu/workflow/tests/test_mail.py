"""Notification mail through a real SMTP server (aiosmtpd) started by each test on loopback."""

from __future__ import annotations

import socket
from datetime import date, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from vanthu.registry.tests.factories import IncomingDocumentFactory
from vanthu.workflow.choices import AssignmentRole, AssignmentState, NotificationKind
from vanthu.workflow.mail import (
    MailOutcome,
    notice_subject,
    notification_email_retry,
    notification_email_send,
    notification_email_task,
)
from vanthu.workflow.models import Assignment, Notification
from vanthu.workflow.notify import notify
from vanthu.workflow.scan import deadlines_scan

# The worker closes its database connections when it finishes, as `vanthu worker` does: on
# PostgreSQL that needs a transactional test (a test transaction cannot survive it).
pytestmark = pytest.mark.django_db(transaction=True)

BASE_URL = "https://vanthu.khanhhoa.gov.vn"
TITLE = "Chủ trì: V/v triển khai nhiệm vụ chuyển đổi số năm 2026 trên địa bàn tỉnh"


class Sink:
    """An SMTP handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _point_mail_at(settings, port: int) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    settings.DEFAULT_FROM_EMAIL = "vanthu@khanhhoa.gov.vn"
    settings.BASE_URL = BASE_URL


class SmtpServer:
    """A loopback SMTP server that can be stopped and started again on the same port."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.sink = Sink()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def received(self) -> list[tuple[list[str], EmailMessage]]:
        return self.sink.received


@pytest.fixture
def smtp(settings):
    server = SmtpServer()
    _point_mail_at(settings, server.port)
    server.start()
    yield server
    server.stop()


def _run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def _assign(cast, person=None, **extra) -> Notification:
    notice = notify(
        person_id=(person or cast.specialist).pk,
        kind=extra.pop("kind", NotificationKind.ASSIGNED),
        title=extra.pop("title", TITLE),
        link=extra.pop("link", "/van-ban/den/7/"),
        agency_id=cast.agency_a.pk,
        **extra,
    )
    assert notice is not None
    return notice


def _parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    return text.get_content(), html.get_content()


def test_the_assignment_mail_reaches_the_smtp_server_with_a_vietnamese_subject_and_the_link(
    cast, smtp
):
    # given a new assignment notice, queued in the transaction that made it
    notice = _assign(cast)
    assert smtp.received == []
    # when the background worker runs the queue
    _run_worker()
    # then the SMTP server has exactly one message for the assignee
    assert len(smtp.received) == 1
    recipients, message = smtp.received[0]
    assert recipients == [cast.specialist.email]
    assert message["Subject"] == f"[Vanthu] Được giao xử lý — {TITLE}"
    assert message["From"] == "vanthu@khanhhoa.gov.vn"
    assert message["Auto-Submitted"] == "auto-generated"
    text, html = _parts(message)
    link = f"{BASE_URL}/van-ban/den/7/"
    assert link in text
    assert f'href="{link}"' in html
    assert cast.specialist.full_name in text
    assert TITLE in text
    assert Notification.objects.get(pk=notice.pk).emailed_at is not None
    result = DBTaskResult.objects.get(task_path="vanthu.workflow.mail.notification_email_task")
    assert result.status == "SUCCESSFUL"


def test_the_html_part_escapes_what_the_title_holds(cast, smtp):
    _assign(cast, title='V/v <script>alert("x")</script> & báo cáo')
    _run_worker()
    _, message = smtp.received[0]
    _, html = _parts(message)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert message["Subject"].endswith('V/v <script>alert("x")</script> & báo cáo')


def test_urgent_notices_are_mailed_at_once_whatever_their_kind(cast, smtp):
    # given a document presented to the leader: urgent is mailed, an ordinary one is not
    notify(person_id=cast.leader.pk, kind=NotificationKind.SUBMITTED, title="Văn bản trình: thường")
    urgent = notify(
        person_id=cast.leader.pk,
        kind=NotificationKind.SUBMITTED,
        title="Văn bản trình: V/v phòng chống bão số 13",
        link="/van-ban/den/9/",
        urgent=True,
    )
    _run_worker()
    assert len(smtp.received) == 1
    recipients, message = smtp.received[0]
    assert recipients == [cast.leader.email]
    assert message["Subject"] == (
        "[Vanthu] KHẨN — Văn bản trình lãnh đạo — Văn bản trình: V/v phòng chống bão số 13"
    )
    assert Notification.objects.get(pk=urgent.pk).emailed_at is not None


def test_a_person_without_an_email_address_is_not_mailed(cast, smtp):
    cast.specialist.email = ""
    cast.specialist.save(update_fields=["email"])
    notice = _assign(cast)
    _run_worker()
    # even when asked directly (the address removed after the task was queued)
    assert notification_email_send(notification_id=notice.pk) is MailOutcome.NO_ADDRESS
    assert smtp.received == []
    assert Notification.objects.get(pk=notice.pk).emailed_at is None


def test_an_address_removed_after_queueing_skips_the_mail(cast, smtp):
    notice = _assign(cast)
    cast.specialist.email = ""
    cast.specialist.save(update_fields=["email"])
    _run_worker()
    assert smtp.received == []
    assert Notification.objects.get(pk=notice.pk).emailed_at is None


def test_a_failed_send_leaves_the_notice_unsent_and_a_rerun_sends_it_once(cast, settings):
    server = SmtpServer()
    _point_mail_at(settings, server.port)
    # given the mail server is down when the task runs
    notice = _assign(cast)
    _run_worker()
    result = DBTaskResult.objects.get(task_path="vanthu.workflow.mail.notification_email_task")
    assert result.status == "FAILED"
    assert Notification.objects.get(pk=notice.pk).emailed_at is None
    with pytest.raises(ConnectionRefusedError):
        notification_email_task.call(notice.pk)
    assert Notification.objects.get(pk=notice.pk).emailed_at is None
    # when the server is back and the retry (of `vanthu workflow scan`) runs
    server.start()
    try:
        later = timezone.now() + timedelta(minutes=15)
        retried = notification_email_retry(now=later)
        assert (retried.sent, retried.failed) == (1, 0)
        # then it is mailed once: running the task or the retry again sends nothing more
        assert notification_email_task.call(notice.pk) == MailOutcome.ALREADY_SENT
        assert notification_email_retry(now=later).sent == 0
        assert len(server.received) == 1
        assert Notification.objects.get(pk=notice.pk).emailed_at is not None
    finally:
        server.stop()


def test_the_retry_stops_at_the_first_server_error_and_skips_fresh_and_old_notices(cast, settings):
    server = SmtpServer()
    _point_mail_at(settings, server.port)
    first = _assign(cast)
    second = _assign(cast, person=cast.unit_head)
    now = timezone.now()
    # the server is down: one attempt, then the run stops
    result = notification_email_retry(now=now + timedelta(minutes=15))
    assert (result.sent, result.failed) == (0, 1)
    assert result.error
    server.start()
    try:
        # a notice younger than ten minutes is left to its own task
        assert notification_email_retry(now=now).sent == 0
        # a notice older than three days is no longer news
        assert notification_email_retry(now=now + timedelta(days=4)).sent == 0
        assert server.received == []
        assert notification_email_retry(now=now + timedelta(minutes=15)).sent == 2
        assert sorted(r[0][0] for r in server.received) == sorted(
            [cast.specialist.email, cast.unit_head.email]
        )
        assert (
            Notification.objects.filter(pk__in=[first.pk, second.pk], emailed_at=None).count() == 0
        )
    finally:
        server.stop()


def test_running_the_task_twice_mails_once(cast, smtp):
    notice = _assign(cast)
    assert notification_email_task.call(notice.pk) == MailOutcome.SENT
    assert notification_email_task.call(notice.pk) == MailOutcome.ALREADY_SENT
    _run_worker()  # the queued task finds it mailed
    assert len(smtp.received) == 1


def test_a_notice_claimed_by_another_run_is_not_mailed_again(cast, smtp):
    notice = _assign(cast)
    # another worker claimed it (emailed_at set) between this run's read and its claim
    Notification.objects.filter(pk=notice.pk).update(emailed_at=timezone.now())
    assert notification_email_send(notification_id=notice.pk) is MailOutcome.ALREADY_SENT
    assert notification_email_send(notification_id=10**9) is MailOutcome.MISSING
    assert smtp.received == []


def test_the_subject_is_one_line_and_bounded(cast):
    notice = _assign(cast, title="Dòng một\r\nBcc: ai@example.com " + "dài " * 100)
    subject = notice_subject(notice)
    assert "\n" not in subject
    assert "\r" not in subject
    assert subject.startswith("[Vanthu] Được giao xử lý — Dòng một Bcc: ai@example.com")
    assert len(subject) <= 200
    assert subject.endswith("…")


def test_the_link_defaults_to_the_local_address(cast, smtp, settings):
    del settings.BASE_URL
    _assign(cast, link="/van-ban/den/12/")
    _run_worker()
    text, _ = _parts(smtp.received[0][1])
    assert "http://127.0.0.1:8000/van-ban/den/12/" in text


def test_the_deadline_scan_mails_the_assignee_on_the_working_day_before(cast, smtp):
    hcm = ZoneInfo("Asia/Ho_Chi_Minh")
    incoming = IncomingDocumentFactory(
        agency=cast.agency_a, registered_by=cast.clerk, summary="V/v báo cáo quý II"
    )
    Assignment.objects.create(
        agency=cast.agency_a,
        incoming=incoming,
        role=AssignmentRole.LEAD,
        assignee=cast.specialist,
        assigned_by=cast.unit_head,
        assigned_at=datetime(2026, 4, 20, 9, tzinfo=hcm),
        due_date=date(2026, 5, 4),
        state=AssignmentState.IN_PROGRESS,
    )
    # Wednesday 29 April 2026, before the 30/4 and 1/5 holidays and the weekend
    with time_machine.travel(datetime(2026, 4, 29, 7, 30, tzinfo=hcm), tick=False):
        assert deadlines_scan().due_soon == 1
    _run_worker()
    assert len(smtp.received) == 1
    recipients, message = smtp.received[0]
    assert recipients == [cast.specialist.email]
    assert message["Subject"] == "[Vanthu] Sắp đến hạn — Hạn xử lý 04/05/2026: V/v báo cáo quý II"
    text, _ = _parts(message)
    assert f"{BASE_URL}/van-ban/den/{incoming.pk}/" in text
