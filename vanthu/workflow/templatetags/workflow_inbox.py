"""`{% unread_count %}`: the navigation's link to the inbox with the number of unread notices.

Load it with `{% load workflow_inbox %}`. It renders nothing for an anonymous visitor, or when
the inbox pages are not mounted; the count is read once per request.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from vanthu.core.actor import Actor
from vanthu.workflow.notify import notification_unread_count
from vanthu.workflow.views_inbox import BADGE_REFRESH_SECONDS

register = template.Library()


@register.inclusion_tag("workflow/inbox_badge.html", takes_context=True)
def unread_count(context: template.Context) -> dict[str, Any]:
    """Render the inbox link with the signed-in person's unread count."""
    request = context.get("request")
    actor: Actor | None = getattr(request, "actor", None)
    user = getattr(request, "user", None)
    if actor is None or user is None or not user.is_authenticated:
        return {"hidden": True}
    try:
        reverse("workflow:inbox")
    except NoReverseMatch:
        return {"hidden": True}
    cached: int | None = getattr(request, "_vanthu_unread", None)
    if cached is None:
        cached = notification_unread_count(actor=actor)
        request._vanthu_unread = cached  # type: ignore[union-attr]
    return {"unread": cached, "refresh_seconds": BADGE_REFRESH_SECONDS}
