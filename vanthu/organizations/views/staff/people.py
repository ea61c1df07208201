"""Pages of the staff (cán bộ) of an agency: the list, a person, creating and changing one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from vanthu.core.actor import Actor
from vanthu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from vanthu.organizations import permissions, selectors, services
from vanthu.organizations.forms import (
    GRANT_PREFIX,
    GrantForm,
    PasswordResetForm,
    PersonCreateForm,
    PersonEditForm,
    PersonFilterForm,
    add_service_errors,
    grant_formset,
    role_choices,
    unit_choices,
)
from vanthu.organizations.models import Person
from vanthu.organizations.views.staff.common import (
    acting_agency,
    actor_of,
    agency_picker,
    agency_query,
    journal_of,
    require_manage,
    staff_view,
)

PAGE_SIZE = 25
GRANT_FIELDS = ("role", "unit", "position")


def grant_choices(actor: Actor, agency_id: int) -> dict[str, Any]:
    """Return the options of a role row: roles, active units and positions of the agency."""
    units = selectors.unit_list(actor=actor, agency_id=agency_id)
    positions = selectors.position_list(actor=actor, agency_id=agency_id)
    return {
        "roles": role_choices(can_grant_system_admin=actor.is_system_admin),
        "units": unit_choices(units),
        "positions": [(p.pk, p.name) for p in positions],
    }


@staff_view
def person_list(request: HttpRequest) -> HttpResponse:
    """List the staff of the acting agency: search, filter by unit and role, page by page.

    Every person of the agency may look (colleagues must find each other to assign work);
    only its administrators see locked accounts and the buttons that change people.
    """
    actor = actor_of(request)
    agency = acting_agency(request)
    if agency is None:
        return agency_picker(request, next_name="staff:person_list")
    can_manage = permissions.can_manage_agency(actor, agency.pk)
    units = selectors.unit_list(actor=actor, agency_id=agency.pk, include_inactive=True)
    form = PersonFilterForm(request.GET or None, units=unit_choices(units), with_status=can_manage)
    form.is_valid()
    filters: dict[str, Any] = getattr(form, "cleaned_data", {})
    status = filters.get("trang_thai") or ""
    people = selectors.person_list(
        actor=actor,
        agency_id=agency.pk,
        unit_id=filters.get("don_vi"),
        role=filters.get("vai_tro") or "",
        search=filters.get("q") or "",
        include_inactive=status in ("khoa", "tat-ca"),
    )
    if status == "khoa":
        people = people.filter(is_active=False)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    context = {
        "agency": agency,
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_manage": can_manage,
        "agency_query": agency_query(actor, agency),
    }
    if getattr(request, "htmx", False) and request.htmx.target == "ket-qua":  # type: ignore[attr-defined]
        return render(request, "organizations/staff/_person_results.html", context)
    return render(request, "organizations/staff/person_list.html", context)


def _split_person_errors(
    form: PersonCreateForm, formset: Any, error: ValidationFailed | Conflict
) -> None:
    for name, field_messages in error.fields.items():
        for message in field_messages:
            if name in GRANT_FIELDS:
                formset.non_form_errors().append(message)
            else:
                target = "password1" if name == "password" else name
                form.add_error(target if target in form.fields else None, message)
    if not error.fields:
        form.add_error(None, error.message)


@staff_view
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    """Create a staff account with its roles in the acting agency (agency administrators)."""
    actor = actor_of(request)
    agency = acting_agency(request)
    if agency is None:
        return agency_picker(request, next_name="staff:person_create")
    require_manage(actor, agency.pk)
    data = request.POST if request.method == "POST" else None
    form = PersonCreateForm(data)
    formset = grant_formset(data, **grant_choices(actor, agency.pk))
    if data is not None and form.is_valid() and formset.is_valid():
        try:
            person = services.person_create(
                actor=actor,
                agency_id=agency.pk,
                username=form.cleaned_data["username"],
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
                email=form.cleaned_data["email"],
                phone=form.cleaned_data["phone"],
                grants=formset.grants(),
            )
        except (ValidationFailed, Conflict) as exc:
            _split_person_errors(form, formset, exc)
        else:
            messages.success(request, f"Đã tạo tài khoản “{person.username}” cho {person}.")
            return redirect("staff:person_detail", person_id=person.pk)
    return render(
        request,
        "organizations/staff/person_form.html",
        {
            "agency": agency,
            "form": form,
            "formset": formset,
            "agency_query": agency_query(actor, agency),
        },
    )


@staff_view
@require_GET
def person_grant_row(request: HttpRequest) -> HttpResponse:
    """Return one more blank role row for the creation form (htmx), and the new row count."""
    actor = actor_of(request)
    agency = acting_agency(request)
    if agency is None:
        return agency_picker(request, next_name="staff:person_create")
    require_manage(actor, agency.pk)
    try:
        index = int(request.GET.get(f"{GRANT_PREFIX}-TOTAL_FORMS", "1"))
    except ValueError:
        index = 1
    index = max(0, min(index, 19))  # the formset accepts at most 20 rows
    row = GrantForm(prefix=f"{GRANT_PREFIX}-{index}", **grant_choices(actor, agency.pk))
    return render(
        request,
        "organizations/staff/_grant_row.html",
        {"grant_form": row, "index": index, "total": index + 1, "oob": True},
    )


def _detail_context(
    request: HttpRequest, person: Person, *, grant_form: GrantForm | None = None
) -> dict[str, Any]:
    actor = actor_of(request)
    can_manage = person.agency_id is not None and permissions.can_manage_agency(
        actor, person.agency_id
    )
    if can_manage and grant_form is None:
        assert person.agency_id is not None
        grant_form = GrantForm(prefix="them", **grant_choices(actor, person.agency_id))
    return {
        "agency": person.agency,
        "person": person,
        "grants": selectors.role_grant_list(actor=actor, person_id=person.pk),
        "grant_form": grant_form if can_manage else None,
        "can_manage": can_manage,
        "is_self": person.pk == actor.person_id,
        "journal": journal_of(
            actor,
            object_type="organizations.person",
            object_id=person.pk,
            agency_id=person.agency_id,
        ),
    }


@staff_view
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    """Show a person: contacts, status, roles (editable by admins) and (to admins) the journal."""
    person = selectors.person_get(actor=actor_of(request), person_id=person_id)
    return render(
        request, "organizations/staff/person_detail.html", _detail_context(request, person)
    )


def _roles_response(
    request: HttpRequest, person: Person, *, grant_form: GrantForm | None = None
) -> HttpResponse:
    context = _detail_context(request, person, grant_form=grant_form)
    context["oob"] = True
    return render(request, "organizations/staff/_person_roles_swap.html", context)


def _managed_person(request: HttpRequest, person_id: int) -> tuple[Actor, Person, int]:
    actor = actor_of(request)
    person = selectors.person_get(actor=actor, person_id=person_id)
    if person.agency_id is None:
        # System administrators without an agency are managed in Django's own admin.
        raise PermissionDenied(services.DENIED)
    require_manage(actor, person.agency_id)
    return actor, person, person.agency_id


@staff_view
@require_http_methods(["POST"])
def grant_add(request: HttpRequest, person_id: int) -> HttpResponse:
    """Give the person one more role (htmx swaps the roles in place; otherwise redirect)."""
    actor, person, agency_id = _managed_person(request, person_id)
    form: GrantForm | None = GrantForm(
        request.POST, prefix="them", **grant_choices(actor, agency_id)
    )
    assert form is not None
    added = False
    if form.is_valid():
        try:
            services.role_grant_add(actor=actor, person_id=person.pk, grant=form.grant())
        except (ValidationFailed, Conflict) as exc:
            add_service_errors(form, exc)
        else:
            added = True
    if request.htmx:  # type: ignore[attr-defined]
        if added:
            messages.success(request, "Đã thêm vai trò.")
            form = None
        return _roles_response(request, person, grant_form=form)
    if added:
        messages.success(request, "Đã thêm vai trò.")
        return redirect("staff:person_detail", person_id=person.pk)
    return render(
        request,
        "organizations/staff/person_detail.html",
        _detail_context(request, person, grant_form=form),
    )


@staff_view
@require_http_methods(["POST"])
def grant_remove(request: HttpRequest, person_id: int, grant_id: int) -> HttpResponse:
    """Take a role away from the person (htmx swaps the roles in place; otherwise redirect)."""
    actor, person, _agency_id = _managed_person(request, person_id)
    grant = selectors.role_grant_list(actor=actor, person_id=person.pk).filter(pk=grant_id).first()
    if grant is None:
        raise NotFound(services.NOT_FOUND)
    try:
        services.role_grant_remove(actor=actor, grant_id=grant.pk)
    except (ValidationFailed, Conflict, PermissionDenied) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Đã bỏ vai trò {grant.get_role_display()}.")
    if request.htmx:  # type: ignore[attr-defined]
        return _roles_response(request, person)
    return redirect("staff:person_detail", person_id=person.pk)


@staff_view
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    """Change a person's name, contacts or lock the account (agency administrators)."""
    actor, person, _agency_id = _managed_person(request, person_id)
    initial = {
        "full_name": person.full_name,
        "email": person.email,
        "phone": person.phone,
        "is_active": person.is_active,
    }
    form = PersonEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=actor, person_id=person.pk, **form.cleaned_data)
        except (ValidationFailed, Conflict) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Đã lưu thông tin cán bộ.")
            return redirect("staff:person_detail", person_id=person.pk)
    return render(
        request,
        "organizations/staff/person_edit.html",
        {"agency": person.agency, "person": person, "form": form},
    )


@staff_view
@require_http_methods(["GET", "POST"])
def person_password(request: HttpRequest, person_id: int) -> HttpResponse:
    """Set a new password for a person who lost theirs (agency administrators)."""
    actor, person, _agency_id = _managed_person(request, person_id)
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_set_password(
                actor=actor, person_id=person.pk, password=form.cleaned_data["password1"]
            )
        except (ValidationFailed, Conflict) as exc:
            add_service_errors(form, exc, field_map={"password": "password1"})
        else:
            messages.success(
                request, "Đã đặt lại mật khẩu. Hãy báo mật khẩu mới cho cán bộ qua kênh an toàn."
            )
            return redirect("staff:person_detail", person_id=person.pk)
    return render(
        request,
        "organizations/staff/person_password.html",
        {"agency": person.agency, "person": person, "form": form},
    )
