"""The positions (chức vụ) of an agency: the list and, for administrators, an add form."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from vanthu.core.errors import Conflict, ValidationFailed
from vanthu.organizations import permissions, selectors, services
from vanthu.organizations.forms import PositionForm, add_service_errors
from vanthu.organizations.views.staff.common import (
    acting_agency,
    actor_of,
    agency_picker,
    agency_query,
    require_manage,
    staff_view,
)


@staff_view
@require_http_methods(["GET", "POST"])
def position_list(request: HttpRequest) -> HttpResponse:
    """List the agency's positions by rank; administrators add one (htmx swaps the list)."""
    actor = actor_of(request)
    agency = acting_agency(request)
    if agency is None:
        return agency_picker(request, next_name="staff:position_list")
    can_manage = permissions.can_manage_agency(actor, agency.pk)
    form = PositionForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        require_manage(actor, agency.pk)
        assert form is not None
        if form.is_valid():
            try:
                position = services.position_create(
                    actor=actor,
                    agency_id=agency.pk,
                    name=form.cleaned_data["name"],
                    rank=form.cleaned_data["rank"],
                )
            except (ValidationFailed, Conflict) as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Đã thêm chức vụ “{position.name}”.")
                if not request.htmx:  # type: ignore[attr-defined]
                    query = agency_query(actor, agency)
                    return redirect(request.path + (f"?{query}" if query else ""))
                form = PositionForm()
    context = {
        "agency": agency,
        "positions": selectors.position_list(actor=actor, agency_id=agency.pk),
        "form": form,
        "can_manage": can_manage,
        "agency_query": agency_query(actor, agency),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "organizations/staff/_positions.html", context)
    return render(request, "organizations/staff/position_list.html", context)
