"""Notifications: the in-app inbox (and, through `vanthu.workflow.mail`, e-mail).

`notify` puts a message in a person's inbox and, for the kinds people must not miss (a new
assignment, a deadline near or past, a draft sent back) and for anything urgent, enqueues its
e-mail in the same transaction (ADR 0003): the mail goes only if the change commits.

The inbox belongs to its person alone: another person's notice is "not found", whoever asks
(system administrators included). Reading a notice changes only its `read_at`, a personal
display state, so it is not written to the audit journal (which records changes to the
agency's records and sign-ins).
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from vanthu.core.actor import Actor
from vanthu.core.errors import NotFound
from vanthu.workflow.choices import NotificationKind
from vanthu.workflow.models import Notification

NOT_FOUND = "Không tìm thấy thông báo."

# The kinds that are also sent by e-mail; any urgent notice is sent whatever its kind.
MAILED_KINDS = frozenset(
    {
        NotificationKind.ASSIGNED,
        NotificationKind.DUE_SOON,
        NotificationKind.OVERDUE,
        NotificationKind.DRAFT_RETURNED,
    }
)


def notice_is_mailed(*, kind: str, urgent: bool) -> bool:
    """Return whether a notice of `kind` is also sent by e-mail (VANTHU_NOTIFY_EMAIL allowing)."""
    if not getattr(settings, "NOTIFY_EMAIL", True):
        return False
    return urgent or kind in MAILED_KINDS


def notify(
    *,
    person_id: int,
    kind: str,
    title: str,
    link: str = "",
    agency_id: int | None = None,
    urgent: bool = False,
    subject_key: str = "",
) -> Notification | None:
    """Put a message in a person's inbox; with a `subject_key`, at most once per subject.

    Returns None when the same (person, kind, subject) was already notified. Notices of the
    kinds in `MAILED_KINDS`, and urgent ones, are also queued for e-mail (urgent first).
    """
    from vanthu.workflow.mail import notification_email_enqueue

    try:
        with transaction.atomic():
            notice = Notification.objects.create(
                person_id=person_id,
                agency_id=agency_id,
                kind=kind,
                title=title[:300],
                link=link[:300],
                is_urgent=urgent,
                subject_key=subject_key[:80],
            )
            if notice_is_mailed(kind=kind, urgent=urgent):
                # Same transaction: the task row commits or rolls back with the notice.
                notification_email_enqueue(notice)
            return notice
    except IntegrityError:
        if subject_key:
            return None
        raise


# --- The inbox: selectors -------------------------------------------------------------------


def notification_list(*, actor: Actor, unread_only: bool = False) -> QuerySet[Notification]:
    """Return the actor's own notices: unread first, then the most recently read, newest first."""
    if actor.person_id is None:
        return Notification.objects.none()
    notices = Notification.objects.filter(person_id=actor.person_id)
    if unread_only:
        notices = notices.filter(read_at__isnull=True)
    # Plain columns (no expression) so that core.pagination can page on them; the inbox index
    # (person, read_at, -created_at) serves this order.
    return notices.order_by(F("read_at").desc(nulls_first=True), "-created_at", "-id")


def notification_get(*, actor: Actor, notification_id: int) -> Notification:
    """Return one of the actor's own notices; anyone else's is not found."""
    notice = notification_list(actor=actor).filter(pk=notification_id).first()
    if notice is None:
        raise NotFound(NOT_FOUND)
    return notice


def notification_unread_count(*, actor: Actor) -> int:
    """Return how many of the actor's notices are unread."""
    if actor.person_id is None:
        return 0
    return Notification.objects.filter(person_id=actor.person_id, read_at__isnull=True).count()


# --- The inbox: services --------------------------------------------------------------------


def notification_mark_read(*, actor: Actor, notification_id: int) -> Notification:
    """Mark one of the actor's notices read (again: keeps the first reading time)."""
    notice = notification_get(actor=actor, notification_id=notification_id)
    if notice.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=now)
        notice.refresh_from_db(fields=["read_at"])
    return notice


def notification_mark_all_read(*, actor: Actor) -> int:
    """Mark every unread notice of the actor read; return how many were unread."""
    if actor.person_id is None:
        return 0
    return Notification.objects.filter(person_id=actor.person_id, read_at__isnull=True).update(
        read_at=timezone.now()
    )
