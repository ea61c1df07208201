"""What every agency administration page shares: error pages, the acting agency, the journal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vanthu.core.actor import Actor
from vanthu.core.errors import NotFound, PermissionDenied
from vanthu.core.models import JournalEntry
from vanthu.organizations import permissions, selectors
from vanthu.organizations.models import Agency

# A page shows at most this many journal rows, newest first.
JOURNAL_LIMIT = 100

NOT_IN_AGENCY = "Bạn chưa được phân công vào cơ quan nào, nên chưa xem được trang này."
DENIED = "Bạn không có quyền thực hiện thao tác này."

View = Callable[..., HttpResponse]


def render_error(request: HttpRequest, status: int, message: str = "") -> HttpResponse:
    """Render the site's Vietnamese 403 or 404 page (templates/403.html, 404.html)."""
    return render(request, f"{status}.html", {"exception": message}, status=status)


def staff_view(view: View) -> View:
    """Require sign-in and turn NotFound into 404 and PermissionDenied into 403 pages."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            # Never say whether the object exists elsewhere (selectors.py).
            return render_error(request, 404)
        except PermissionDenied as exc:
            return render_error(request, 403, exc.message)

    return login_required(wrapper)


def actor_of(request: HttpRequest) -> Actor:
    """Return the request's actor (the middleware sets it for every signed-in person)."""
    actor: Actor = request.actor  # type: ignore[attr-defined]
    return actor


def require_manage(actor: Actor, agency_id: int) -> None:
    """Refuse a management page to an actor who may not manage `agency_id`.

    The services check the same rule (permissions.can_manage_agency) again on every write;
    this check only keeps the forms themselves from being shown.
    """
    if not permissions.can_manage_agency(actor, agency_id):
        if not permissions.can_see_agency_data(actor, agency_id):
            raise NotFound("Không tìm thấy.")
        raise PermissionDenied(DENIED)


def acting_agency(request: HttpRequest) -> Agency | None:
    """Return the agency the pages are about: the actor's, or `?co_quan=` for system admins.

    None means a system administrator has not picked an agency yet (or asked to pick another,
    with an empty `?co_quan=`). A person who acts for no agency at all is refused.
    """
    actor = actor_of(request)
    agency_id: int | None = actor.agency_id
    if actor.is_system_admin and "co_quan" in request.GET:
        raw = request.GET["co_quan"]
        if not raw:
            return None  # "Chọn cơ quan khác": show the picker again
        try:
            agency_id = int(raw)
        except ValueError:
            raise NotFound("Không tìm thấy.") from None
    if agency_id is None:
        if actor.is_system_admin:
            return None
        raise PermissionDenied(NOT_IN_AGENCY)
    return selectors.agency_get(actor=actor, agency_id=agency_id)


def agency_query(actor: Actor, agency: Agency) -> str:
    """Return the query string that keeps a system administrator on the agency they picked."""
    return f"co_quan={agency.pk}" if actor.is_system_admin else ""


def agency_picker(request: HttpRequest, *, next_name: str) -> HttpResponse:
    """Let a system administrator choose which agency's units or staff to manage."""
    actor = actor_of(request)
    return render(
        request,
        "organizations/staff/agency_picker.html",
        {
            "agencies": selectors.agency_list(actor=actor, hosted_only=True),
            "next_name": next_name,
        },
    )


@dataclass
class Journal:
    """The journal rows of one object as the `_journal.html` partial shows them."""

    entries: list[JournalEntry] = field(default_factory=list)
    total: int = 0
    names: dict[str, dict[int, str]] = field(default_factory=dict)
    visible: bool = False


def journal_of(actor: Actor, *, object_type: str, object_id: int, agency_id: int | None) -> Journal:
    """Return the newest journal rows of an object, for those who administer its agency.

    Why only administrators: a person's journal holds sign-in events with network addresses,
    personal data under NĐ 13/2023/NĐ-CP, which colleagues have no need to see.
    """
    if agency_id is None:
        if not actor.is_system_admin:
            return Journal()
    elif not permissions.can_manage_agency(actor, agency_id):
        return Journal()
    rows = selectors.journal_list_for(
        actor=actor, object_type=object_type, object_id=object_id, agency_id=agency_id
    )
    total = rows.count()
    entries = list(rows.reverse()[:JOURNAL_LIMIT])
    names: dict[str, dict[int, str]] = {"unit": {}, "position": {}, "agency": {}}
    if agency_id is not None:
        names["unit"] = dict(
            selectors.unit_list(
                actor=actor, agency_id=agency_id, include_inactive=True
            ).values_list("pk", "name")
        )
        names["position"] = dict(
            selectors.position_list(actor=actor, agency_id=agency_id).values_list("pk", "name")
        )
        names["agency"] = {agency_id: selectors.agency_get(actor=actor, agency_id=agency_id).name}
    return Journal(entries=entries, total=total, names=names, visible=True)
