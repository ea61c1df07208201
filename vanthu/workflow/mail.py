"""E-mail of notifications: one message per notice, sent by a background task (ADR 0003).

A notice is mailed at most once. Before talking to the SMTP server the sender *claims* the
notice by setting `emailed_at` where it is still empty (one conditional UPDATE, no lock held
during the network exchange); a failed send clears the claim again, so the notice stays
unsent and the task, or `notification_email_retry`, can be run again. Two runs at once cannot
both claim it. The one window left is a process killed between the server accepting the mail
and the end of the send: that notice keeps its `emailed_at` and is not sent again (at most
once rather than twice).
"""

from __future__ import annotations

import email.policy
import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.header import Header
from email.message import EmailMessage as MimeMessage
from email.policy import Policy
from enum import StrEnum

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from vanthu.workflow.choices import NotificationKind
from vanthu.workflow.models import Notification

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
SUBJECT_PREFIX = "[Vanthu]"
SUBJECT_LIMIT = 200
# Urgent notices jump the queue (django.tasks priorities run from -100 to 100, default 0).
URGENT_PRIORITY = 50
# Errors that mean "the mail server did not take it": the notice stays unsent.
SEND_ERRORS = (OSError, smtplib.SMTPException)


class MailOutcome(StrEnum):
    """What one attempt to mail a notice did."""

    SENT = "sent"
    ALREADY_SENT = "already_sent"
    NO_ADDRESS = "no_address"
    MISSING = "missing"


def base_url() -> str:
    """Return the address the links in mails start with (VANTHU_BASE_URL), without a final /."""
    value: str = getattr(settings, "BASE_URL", "") or DEFAULT_BASE_URL
    return value.rstrip("/")


def absolute_link(link: str) -> str:
    """Return `link` (a path such as /van-ban/den/7/) as an absolute address for a mail."""
    if link.startswith(("http://", "https://")):
        return link
    return f"{base_url()}/{link.lstrip('/')}"


def _inbox_path() -> str:
    try:
        return reverse("workflow:inbox")
    except NoReverseMatch:  # the inbox pages are not mounted (a trimmed URL configuration)
        return "/"


def _one_line(text: str) -> str:
    # Mail headers may not contain line breaks (header injection); titles come from documents.
    return " ".join(text.split())


def notice_subject(notice: Notification) -> str:
    """Return the Vietnamese subject of a notice's mail: "[Vanthu] Được giao xử lý — …"."""
    kind = (
        str(NotificationKind(notice.kind).label) if notice.kind in NotificationKind.values else ""
    )
    urgent = "KHẨN — " if notice.is_urgent else ""
    text = _one_line(f"{SUBJECT_PREFIX} {urgent}{kind} — {notice.title}" if kind else notice.title)
    if len(text) > SUBJECT_LIMIT:
        text = text[: SUBJECT_LIMIT - 1].rstrip() + "…"
    return text


class _EncodedSubject(str):
    """A Subject folded by `email.header`, which keeps the spaces of a long Vietnamese subject.

    Why: the standard library's policy-based folding (CPython 3.12.1, which the project runs)
    breaks a long non-ASCII subject into encoded words *at* its spaces, and RFC 2047 readers
    drop whitespace between encoded words: "lãnh đạo" arrived as "lãnhđạo". `Header.encode`
    splits inside the words instead, so the subject decodes exactly as written.
    """

    __slots__ = ()
    name = "Subject"

    def fold(self, *, policy: Policy) -> str:
        encoded = Header(str(self), "utf-8", header_name=self.name).encode(linesep=policy.linesep)
        return f"{self.name}: {encoded}{policy.linesep}"


class NoticeEmail(EmailMultiAlternatives):
    """A notice's mail: Django's message with the subject folded by `_EncodedSubject`."""

    def message(self, *, policy: Policy | None = None) -> MimeMessage:
        msg: MimeMessage = super().message(policy=policy or email.policy.default)
        del msg["Subject"]
        msg["Subject"] = _EncodedSubject(str(self.subject))
        return msg


def notice_message(notice: Notification) -> EmailMultiAlternatives:
    """Build the mail of a notice: plain text with an HTML alternative, the link made absolute."""
    person = notice.person
    context = {
        "notice": notice,
        "person": person,
        "kind_label": notice.get_kind_display(),
        "link": absolute_link(notice.link) if notice.link else "",
        "inbox_link": absolute_link(_inbox_path()),
        "agency_name": notice.agency.name if notice.agency_id and notice.agency else "",
    }
    message = NoticeEmail(
        subject=notice_subject(notice),
        body=render_to_string("workflow/inbox_mail.txt", context),
        to=[person.email],
        # RFC 3834: an automatic message; auto-responders should not answer it.
        headers={"Auto-Submitted": "auto-generated", "X-Vanthu-Notice": str(notice.pk)},
    )
    message.attach_alternative(render_to_string("workflow/inbox_mail.html", context), "text/html")
    return message


def notification_email_send(*, notification_id: int) -> MailOutcome:
    """Mail one notice to its person unless it was mailed already or they have no address.

    Raises the mail server's error when the send fails; the notice is then left unsent.
    """
    notice = (
        Notification.objects.select_related("person", "agency").filter(pk=notification_id).first()
    )
    if notice is None:
        return MailOutcome.MISSING
    if notice.emailed_at is not None:
        return MailOutcome.ALREADY_SENT
    if not notice.person.email or not notice.person.is_active:
        return MailOutcome.NO_ADDRESS
    message = notice_message(notice)
    claim = timezone.now()
    claimed = Notification.objects.filter(pk=notice.pk, emailed_at__isnull=True).update(
        emailed_at=claim
    )
    if not claimed:  # another run claimed it between the read and now
        return MailOutcome.ALREADY_SENT
    try:
        message.send()
    except BaseException:
        Notification.objects.filter(pk=notice.pk, emailed_at=claim).update(emailed_at=None)
        raise
    return MailOutcome.SENT


@task()
def notification_email_task(notification_id: int) -> str:
    """Background task: mail one notice (idempotent: a mailed notice is never mailed again)."""
    return notification_email_send(notification_id=notification_id).value


def notification_email_enqueue(notice: Notification) -> None:
    """Queue the mail of a new notice, unless its person has no e-mail address.

    Call inside the transaction that created the notice: the task row commits with it.
    """
    from vanthu.organizations.models import Person

    if not Person.objects.filter(pk=notice.person_id, is_active=True).exclude(email="").exists():
        return
    job = notification_email_task.using(priority=URGENT_PRIORITY) if notice.is_urgent else None
    (job or notification_email_task).enqueue(notice.pk)


@dataclass(frozen=True)
class RetryResult:
    """What a retry run did: notices mailed, and whether it stopped on a server error."""

    sent: int
    failed: int
    error: str = ""


def notification_email_retry(
    *,
    now: datetime | None = None,
    older_than: timedelta = timedelta(minutes=10),
    max_age: timedelta = timedelta(days=3),
    limit: int = 200,
) -> RetryResult:
    """Mail the notices whose mail failed (still unsent after `older_than`, within `max_age`).

    Stops at the first server error: the server is most likely down and every other notice
    would wait for the same time-out. Notices older than `max_age` are no longer news.
    """
    if not getattr(settings, "NOTIFY_EMAIL", True):
        return RetryResult(sent=0, failed=0)
    from django.db.models import Q

    from vanthu.workflow.notify import MAILED_KINDS

    now = now or timezone.now()
    pending = (
        Notification.objects.filter(
            Q(kind__in=MAILED_KINDS) | Q(is_urgent=True),
            emailed_at__isnull=True,
            created_at__lte=now - older_than,
            created_at__gte=now - max_age,
            person__is_active=True,
        )
        .exclude(person__email="")
        .order_by("-is_urgent", "created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for notification_id in pending:
        try:
            outcome = notification_email_send(notification_id=notification_id)
        except SEND_ERRORS as error:
            logger.warning("Notice %s not mailed: %s", notification_id, error)
            return RetryResult(sent=sent, failed=1, error=str(error))
        if outcome is MailOutcome.SENT:
            sent += 1
    return RetryResult(sent=sent, failed=0)
