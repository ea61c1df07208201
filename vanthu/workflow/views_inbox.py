"""The inbox pages: one's notices (unread first), opening one, marking them read (htmx)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from vanthu.core.pagination import keyset_page
from vanthu.organizations.views.staff.common import actor_of, staff_view
from vanthu.workflow import notify

PAGE_SIZE = 30
# The element of the inbox page that htmx swaps with the list alone.
LIST_TARGET = "thong-bao"
# The badge in the navigation refreshes itself this often (seconds) while a page is open.
BADGE_REFRESH_SECONDS = 120


def _is_htmx(request: HttpRequest, target: str | None = None) -> bool:
    """Return whether htmx asks (for the element `target`, when given)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and (target is None or htmx.target == target)  # type: ignore[union-attr]


def _wants_unread_only(request: HttpRequest) -> bool:
    return request.GET.get("chua-doc") == "1"


def _list_context(request: HttpRequest) -> dict[str, object]:
    actor = actor_of(request)
    unread_only = _wants_unread_only(request)
    page = keyset_page(
        notify.notification_list(actor=actor, unread_only=unread_only),
        after=request.GET.get("sau") or None,
        size=PAGE_SIZE,
    )
    return {
        "page": page,
        "unread_only": unread_only,
        "query": "chua-doc=1" if unread_only else "",
        "is_later_page": bool(request.GET.get("sau")),
        "unread": notify.notification_unread_count(actor=actor),
    }


@staff_view
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """List the signed-in person's notices, unread first; htmx asks for the list alone."""
    context = _list_context(request)
    if _is_htmx(request, LIST_TARGET):
        return render(request, "workflow/inbox_list.html", context)
    return render(request, "workflow/inbox.html", context)


@staff_view
@require_GET
def inbox_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark a notice read and go to what it is about (the inbox if it names nothing)."""
    notice = notify.notification_mark_read(actor=actor_of(request), notification_id=notification_id)
    target = notice.link
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("workflow:inbox")
    return redirect(target)


@staff_view
@require_POST
def inbox_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one notice read; htmx gets the row back and the badge updated out of band."""
    actor = actor_of(request)
    notice = notify.notification_mark_read(actor=actor, notification_id=notification_id)
    if _is_htmx(request):
        return render(
            request,
            "workflow/inbox_row_read.html",
            {"notice": notice, "unread": notify.notification_unread_count(actor=actor)},
        )
    return redirect("workflow:inbox")


@staff_view
@require_POST
def inbox_read_all(request: HttpRequest) -> HttpResponse:
    """Mark every notice of the signed-in person read."""
    count = notify.notification_mark_all_read(actor=actor_of(request))
    if _is_htmx(request, LIST_TARGET):
        context = _list_context(request)
        context["marked"] = count
        return render(request, "workflow/inbox_list.html", {**context, "oob_badge": True})
    messages.success(request, f"Đã đánh dấu {count} thông báo là đã đọc.")
    return redirect("workflow:inbox")


@staff_view
@require_GET
def inbox_badge(request: HttpRequest) -> HttpResponse:
    """Return the navigation's inbox link with the unread count (refreshed by htmx)."""
    return render(
        request,
        "workflow/inbox_badge.html",
        {
            "unread": notify.notification_unread_count(actor=actor_of(request)),
            "refresh_seconds": BADGE_REFRESH_SECONDS,
        },
    )
