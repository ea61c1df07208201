"""The page shell: header facts and navigation for the signed-in person.

Navigation entries name URLs that other modules provide; an entry whose URL does not resolve
(its module is not installed) is left out rather than breaking every page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import template
from django.http import HttpRequest
from django.urls import reverse

from vanthu.core.actor import Actor
from vanthu.organizations.choices import Role
from vanthu.organizations.models import Agency

register = template.Library()


@dataclass(frozen=True, slots=True)
class NavItem:
    """One entry of the main navigation."""

    label: str
    url: str
    is_active: bool


@dataclass(frozen=True, slots=True)
class Shell:
    """What the header and navigation show for one request."""

    nav: list[NavItem] = field(default_factory=list)
    agency_name: str = ""
    role_labels: list[str] = field(default_factory=list)
    agencies: list[Agency] = field(default_factory=list)
    acting_agency_id: int | None = None


# (label, URL name, URL names that mark the entry active, who sees it)
_ENTRIES: list[tuple[str, str, str, str]] = [
    ("Tổng quan", "dashboard", "dashboard", "everyone"),
    ("Việc của tôi", "workflow:my_work", "workflow:my_work", "staff"),
    ("Văn bản đến", "registry:incoming_list", "registry:incoming_", "staff"),
    ("Văn bản đi", "registry:outgoing_list", "registry:outgoing_", "staff"),
    ("Liên thông", "exchange:reception_list", "exchange:", "staff"),
    ("Dự thảo", "workflow:draft_mine", "workflow:draft_", "staff"),
    ("Theo dõi xử lý", "workflow:monitoring", "workflow:monitoring", "staff"),
    ("Tìm kiếm", "search:search", "search:", "staff"),
    ("Đơn vị", "staff:unit_list", "staff:unit_", "staff"),
    ("Cán bộ", "staff:person_list", "staff:person_", "staff"),
    ("Chức vụ", "staff:position_list", "staff:position_", "admin"),
    ("Tài khoản", "account_password", "account_", "everyone"),
]


def _is_admin(actor: Actor) -> bool:
    return actor.is_system_admin or actor.has_role(Role.AGENCY_ADMIN)


def build_shell(request: HttpRequest) -> Shell:
    """Return the header facts and navigation of the request's actor."""
    actor: Actor | None = getattr(request, "actor", None)
    if actor is None or not request.user.is_authenticated:
        return Shell()
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""
    nav = []
    for label, name, active_prefix, audience in _ENTRIES:
        if audience == "admin" and not _is_admin(actor):
            continue
        if audience == "staff" and actor.agency_id is None and not actor.is_system_admin:
            continue
        nav.append(
            NavItem(label=label, url=reverse(name), is_active=current.startswith(active_prefix))
        )
    agencies = list(Agency.objects.filter(pk__in=actor.agency_ids).order_by("name"))
    acting = next((a for a in agencies if a.pk == actor.agency_id), None)
    if acting is None and actor.agency_id is not None:
        acting = Agency.objects.filter(pk=actor.agency_id).first()
    labels = [
        str(Role(role).label) for role in Role.values if role in actor.roles_in(actor.agency_id)
    ]
    if actor.is_system_admin and str(Role.SYSTEM_ADMIN.label) not in labels:
        labels.append(str(Role.SYSTEM_ADMIN.label))
    return Shell(
        nav=nav,
        agency_name=acting.name if acting else "",
        role_labels=labels,
        agencies=agencies,
        acting_agency_id=actor.agency_id,
    )


@register.simple_tag(takes_context=True)
def shell(context: dict[str, Any]) -> Shell:
    """Return the shell of the current request, computed once per request."""
    request = context.get("request")
    if request is None:
        return Shell()
    cached = getattr(request, "_vanthu_shell", None)
    if cached is None:
        cached = build_shell(request)
        request._vanthu_shell = cached
    return cached
