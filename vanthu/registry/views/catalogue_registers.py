"""Catalogue page of the registers (sổ văn bản): list them, add a series, rename, close, reopen.

Everyone of the agency reads the list; its clerks and administrators change it. The services
(`vanthu.registry.registers`) check the same rules again on every write, and refuse what would
break a year's gap-free numbering (NĐ 30/2020 Điều 15).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from vanthu.core.actor import Actor
from vanthu.core.errors import Conflict, PermissionDenied, ValidationFailed
from vanthu.registry import registers, selectors
from vanthu.registry.forms import add_service_errors
from vanthu.registry.forms_catalogue import RegisterForm
from vanthu.registry.models import Register
from vanthu.registry.views.common import (
    acting_agency,
    actor_of,
    document_journal,
    document_type_choices,
    is_htmx_target,
    staff_view,
)

REGISTERS_TARGET = "danh-muc-so"
# The quick switch of the list: "dong" closes a register, "mo" reopens it.
OPEN_SWITCH = {"dong": False, "mo": True}


def _form(request: HttpRequest, *, editing: bool = False, **kwargs: Any) -> RegisterForm:
    data = request.POST if request.method == "POST" else None
    return RegisterForm(data, document_types=document_type_choices(), editing=editing, **kwargs)


def _registers_context(actor: Actor, agency: Any, form: RegisterForm | None) -> dict[str, Any]:
    year = timezone.localdate().year
    items = list(
        selectors.register_list(actor=actor, include_inactive=True).prefetch_related(
            "document_types"
        )
    )
    last_numbers = selectors.register_last_numbers(actor=actor, year=year)
    for item in items:
        # Shown in the list; counters stay untouched whatever happens to the register.
        setattr(item, "last_number", last_numbers.get(item.pk, 0))  # noqa: B010
    return {
        "agency": agency,
        "items": items,
        "year": year,
        "closed_count": sum(1 for item in items if not item.is_active),
        "form": form,
        "can_edit": form is not None,
    }


def _register_data(form: RegisterForm, register: Register | None = None) -> registers.RegisterData:
    data = form.cleaned_data
    return registers.RegisterData(
        name=data["name"],
        document_type_ids=tuple(data["document_types"]),
        is_active=data.get("is_active", register.is_active if register else True),
    )


@staff_view
@require_http_methods(["GET", "POST"])
def catalogue_registers(request: HttpRequest) -> HttpResponse:
    """List the agency's registers, closed ones marked; clerks and admins add a series."""
    actor = actor_of(request)
    agency = acting_agency(request)
    can_edit = registers.can_edit_registers(actor, agency.pk)
    form = _form(request) if can_edit else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(registers.DENIED_MESSAGE)
        if form.is_valid():
            try:
                item = registers.register_create(
                    actor=actor, kind=form.cleaned_data["kind"], data=_register_data(form)
                )
            except (ValidationFailed, Conflict) as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Đã thêm sổ “{item.name}”.")
                if not is_htmx_target(request, REGISTERS_TARGET):
                    return redirect("registry:catalogue_registers")
                form = RegisterForm(document_types=document_type_choices())
    context = _registers_context(actor, agency, form)
    if is_htmx_target(request, REGISTERS_TARGET):
        return render(request, "registry/_catalogue_registers.html", context)
    return render(request, "registry/catalogue_registers.html", context)


def _editable_register(actor: Actor, register_id: int) -> Register:
    item = selectors.register_get(actor=actor, register_id=register_id)
    if not registers.can_edit_registers(actor, item.agency_id):
        raise PermissionDenied(registers.DENIED_MESSAGE)
    return item


def _switch(request: HttpRequest, item: Register, is_active: bool) -> HttpResponse:
    """Close or reopen from the list, keeping the stored name and types."""
    actor = actor_of(request)
    data = registers.RegisterData(
        name=item.name,
        document_type_ids=tuple(item.document_types.values_list("pk", flat=True)),
        is_active=is_active,
    )
    try:
        item = registers.register_update(actor=actor, register_id=item.pk, data=data)
    except (ValidationFailed, Conflict) as exc:
        details = [m for field_errors in exc.fields.values() for m in field_errors]
        messages.error(request, " ".join([exc.message, *details]))
    else:
        done = "Đã mở lại" if item.is_active else "Đã đóng"
        messages.success(request, f"{done} sổ “{item.name}”.")
    if is_htmx_target(request, REGISTERS_TARGET):
        context = _registers_context(
            actor, acting_agency(request), RegisterForm(document_types=document_type_choices())
        )
        return render(request, "registry/_catalogue_registers.html", context)
    return redirect("registry:catalogue_registers")


@staff_view
@require_http_methods(["GET", "POST"])
def catalogue_register_edit(request: HttpRequest, register_id: int) -> HttpResponse:
    """Rename a register, change its types, close or reopen it (clerks and admins)."""
    actor = actor_of(request)
    item = _editable_register(actor, register_id)
    switch = request.POST.get("trang_thai", "")
    if request.method == "POST" and switch in OPEN_SWITCH:
        return _switch(request, item, OPEN_SWITCH[switch])
    initial = {
        "name": item.name,
        "document_types": list(item.document_types.values_list("pk", flat=True)),
        "is_active": item.is_active,
    }
    form = _form(request, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            item = registers.register_update(
                actor=actor, register_id=item.pk, data=_register_data(form, item)
            )
        except (ValidationFailed, Conflict) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Đã lưu sổ “{item.name}”.")
            return redirect("registry:catalogue_registers")
    last_numbers = selectors.register_last_numbers(actor=actor, year=timezone.localdate().year)
    return render(
        request,
        "registry/catalogue_register_form.html",
        {
            "item": item,
            "form": form,
            "year": timezone.localdate().year,
            "last_number": last_numbers.get(item.pk, 0),
            "journal": document_journal(
                actor,
                object_type=Register._meta.label_lower,
                object_id=item.pk,
                agency_id=item.agency_id,
            ),
        },
    )
