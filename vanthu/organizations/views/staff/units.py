"""Pages of the units (phòng, ban) of an agency: the tree, a unit, adding and changing one."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from vanthu.core.errors import Conflict, ValidationFailed
from vanthu.organizations import permissions, selectors, services
from vanthu.organizations.forms import UnitForm, add_service_errors, unit_choices
from vanthu.organizations.models import Unit
from vanthu.organizations.views.staff.common import (
    acting_agency,
    actor_of,
    agency_picker,
    agency_query,
    journal_of,
    require_manage,
    staff_view,
)


@dataclass(frozen=True, slots=True)
class TreeRow:
    """One unit in the tree, with its depth below the agency."""

    unit: Unit
    depth: int


def unit_tree(units: list[Unit]) -> list[TreeRow]:
    """Return units depth-first under their parents; a unit whose parent is not listed is a root."""
    ids = {u.pk for u in units}
    children: dict[int | None, list[Unit]] = defaultdict(list)
    for unit in units:
        children[unit.parent_id if unit.parent_id in ids else None].append(unit)
    rows: list[TreeRow] = []
    seen: set[int] = set()

    def walk(parent_id: int | None, depth: int) -> None:
        for unit in sorted(children.get(parent_id, []), key=lambda u: u.name):
            if unit.pk in seen:
                continue  # a stored cycle would otherwise loop forever
            seen.add(unit.pk)
            rows.append(TreeRow(unit=unit, depth=depth))
            walk(unit.pk, depth + 1)

    walk(None, 0)
    return rows


def _parent_choices(
    request: HttpRequest, agency_id: int, unit: Unit | None
) -> list[tuple[int, str]]:
    actor = actor_of(request)
    units = selectors.unit_list(actor=actor, agency_id=agency_id, include_inactive=True)
    options = []
    for row in unit_tree(list(units)):
        if unit is not None and row.unit.pk == unit.pk:
            continue
        if not row.unit.is_active and (unit is None or unit.parent_id != row.unit.pk):
            continue
        options.append(row.unit)
    return unit_choices(options)


@staff_view
def unit_list(request: HttpRequest) -> HttpResponse:
    """Show the unit tree of the acting agency with the number of active staff in each unit.

    Every person of the agency may look (they address documents to units); only its
    administrators see inactive units and the buttons that change them.
    """
    actor = actor_of(request)
    agency = acting_agency(request)
    if agency is None:
        return agency_picker(request, next_name="staff:unit_list")
    can_manage = permissions.can_manage_agency(actor, agency.pk)
    units = selectors.unit_list(
        actor=actor, agency_id=agency.pk, include_inactive=can_manage
    ).annotate(
        staff_count=Count("grants__person", filter=Q(grants__person__is_active=True), distinct=True)
    )
    return render(
        request,
        "organizations/staff/unit_list.html",
        {
            "agency": agency,
            "rows": unit_tree(list(units)),
            "can_manage": can_manage,
            "agency_query": agency_query(actor, agency),
        },
    )


@staff_view
@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest) -> HttpResponse:
    """Add a unit to the acting agency (agency administrators)."""
    actor = actor_of(request)
    agency = acting_agency(request)
    if agency is None:
        return agency_picker(request, next_name="staff:unit_create")
    require_manage(actor, agency.pk)
    parents = _parent_choices(request, agency.pk, None)
    form = UnitForm(request.POST or None, parents=parents)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(
                actor=actor,
                agency_id=agency.pk,
                name=form.cleaned_data["name"],
                short_name=form.cleaned_data["short_name"],
                parent_id=form.cleaned_data["parent"],
            )
        except (ValidationFailed, Conflict) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Đã tạo đơn vị “{unit.name}”.")
            return redirect("staff:unit_detail", unit_id=unit.pk)
    return render(
        request,
        "organizations/staff/unit_form.html",
        {"agency": agency, "form": form, "unit": None, "agency_query": agency_query(actor, agency)},
    )


@staff_view
@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Rename a unit, change its notation or parent, or stop using it (agency administrators)."""
    actor = actor_of(request)
    unit = selectors.unit_get(actor=actor, unit_id=unit_id)
    require_manage(actor, unit.agency_id)
    initial = {
        "name": unit.name,
        "short_name": unit.short_name,
        "parent": unit.parent_id,
        "is_active": unit.is_active,
    }
    form = UnitForm(
        request.POST or None,
        initial=initial,
        parents=_parent_choices(request, unit.agency_id, unit),
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(
                actor=actor,
                unit_id=unit.pk,
                name=form.cleaned_data["name"],
                short_name=form.cleaned_data["short_name"],
                parent_id=form.cleaned_data["parent"],
                is_active=form.cleaned_data["is_active"],
            )
        except (ValidationFailed, Conflict) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Đã lưu thay đổi của đơn vị.")
            return redirect("staff:unit_detail", unit_id=unit.pk)
    return render(
        request,
        "organizations/staff/unit_form.html",
        {"agency": unit.agency, "form": form, "unit": unit},
    )


@staff_view
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Show a unit: its place in the tree, its sub-units, its people and (to admins) its journal."""
    actor = actor_of(request)
    unit = selectors.unit_get(actor=actor, unit_id=unit_id)
    can_manage = permissions.can_manage_agency(actor, unit.agency_id)
    children = selectors.unit_list(
        actor=actor, agency_id=unit.agency_id, include_inactive=can_manage
    ).filter(parent_id=unit.pk)
    people = selectors.person_list(actor=actor, agency_id=unit.agency_id, unit_id=unit.pk)
    return render(
        request,
        "organizations/staff/unit_detail.html",
        {
            "agency": unit.agency,
            "unit": unit,
            "children": children,
            "people": people,
            "can_manage": can_manage,
            "agency_query": agency_query(actor, unit.agency),
            "journal": journal_of(
                actor,
                object_type="organizations.unit",
                object_id=unit.pk,
                agency_id=unit.agency_id,
            ),
        },
    )
