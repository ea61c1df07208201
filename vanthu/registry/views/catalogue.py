"""Catalogue pages of the registers: subject areas (lĩnh vực) and the exchange policy table.

Everyone of the agency reads both. Its clerks and administrators edit the subject areas; only
its administrators edit the exchange policy (QĐ 22/2017 Điều 4.2). The services check the same
rules again on every write.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from vanthu.core.actor import Actor
from vanthu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from vanthu.organizations.permissions import can_manage_agency
from vanthu.registry import fields, policy, selectors
from vanthu.registry.forms import add_service_errors
from vanthu.registry.forms_catalogue import (
    FieldForm,
    PolicyCheckForm,
    PolicyRuleForm,
    tri_state_initial,
)
from vanthu.registry.models import ExchangePolicyRule, Field
from vanthu.registry.views.common import (
    acting_agency,
    actor_of,
    document_journal,
    document_type_choices,
    is_htmx_target,
    staff_view,
)

FIELDS_TARGET = "danh-muc-linh-vuc"
POLICY_TARGET = "bang-trao-doi"
CHECK_TARGET = "ket-qua-kiem-tra"
POLICY_DENIED = policy.DENIED_MESSAGE
# The quick switch of the list: "ngung" deactivates, "dung" reactivates.
ACTIVITY_SWITCH = {"ngung": False, "dung": True}
_RULE_FIELD_MAP = {"document_type_id": "document_type"}


# --- Subject areas --------------------------------------------------------------------------


def _field_data(form: FieldForm, *, is_active: bool = True) -> fields.FieldData:
    data = form.cleaned_data
    return fields.FieldData(
        name=data["name"], code=data["code"], is_active=data.get("is_active", is_active)
    )


def _fields_context(actor: Actor, agency: Any, form: FieldForm | None) -> dict[str, Any]:
    items = list(selectors.field_list(actor=actor, include_inactive=True))
    return {
        "agency": agency,
        "items": items,
        "inactive_count": sum(1 for item in items if not item.is_active),
        "form": form,
        "can_edit": form is not None,
    }


@staff_view
@require_http_methods(["GET", "POST"])
def catalogue_fields(request: HttpRequest) -> HttpResponse:
    """List the agency's subject areas, inactive ones marked; clerks and admins add one."""
    actor = actor_of(request)
    agency = acting_agency(request)
    can_edit = fields.can_edit_fields(actor, agency.pk)
    form = FieldForm(request.POST or None) if can_edit else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(fields.DENIED_MESSAGE)
        if form.is_valid():
            try:
                item = fields.field_create(actor=actor, data=_field_data(form))
            except (ValidationFailed, Conflict) as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Đã thêm lĩnh vực “{item.name}”.")
                if not is_htmx_target(request, FIELDS_TARGET):
                    return redirect("registry:catalogue_fields")
                form = FieldForm()
    context = _fields_context(actor, agency, form)
    if is_htmx_target(request, FIELDS_TARGET):
        return render(request, "registry/_catalogue_fields.html", context)
    return render(request, "registry/catalogue_fields.html", context)


def _editable_field(actor: Actor, field_id: int) -> Field:
    item = fields.field_get(actor=actor, field_id=field_id)
    if not fields.can_edit_fields(actor, item.agency_id):
        raise PermissionDenied(fields.DENIED_MESSAGE)
    return item


def _switch_activity(request: HttpRequest, item: Field, is_active: bool) -> HttpResponse:
    """Deactivate or reactivate from the list, keeping the stored name and code."""
    actor = actor_of(request)
    try:
        item = fields.field_update(
            actor=actor,
            field_id=item.pk,
            data=fields.FieldData(name=item.name, code=item.code, is_active=is_active),
        )
    except (ValidationFailed, Conflict) as exc:
        messages.error(request, exc.message)
    else:
        done = "Đã dùng lại" if item.is_active else "Đã ngừng dùng"
        messages.success(request, f"{done} lĩnh vực “{item.name}”.")
    if is_htmx_target(request, FIELDS_TARGET):
        agency = acting_agency(request)
        context = _fields_context(actor, agency, FieldForm())
        return render(request, "registry/_catalogue_fields.html", context)
    return redirect("registry:catalogue_fields")


@staff_view
@require_http_methods(["GET", "POST"])
def catalogue_field_edit(request: HttpRequest, field_id: int) -> HttpResponse:
    """Rename, recode, deactivate or reactivate a subject area (clerks and admins)."""
    actor = actor_of(request)
    item = _editable_field(actor, field_id)
    switch = request.POST.get("trang_thai", "")
    if request.method == "POST" and switch in ACTIVITY_SWITCH:
        return _switch_activity(request, item, ACTIVITY_SWITCH[switch])
    initial = {"name": item.name, "code": item.code, "is_active": item.is_active}
    form = FieldForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            item = fields.field_update(
                actor=actor, field_id=item.pk, data=_field_data(form, is_active=item.is_active)
            )
        except (ValidationFailed, Conflict) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Đã lưu lĩnh vực “{item.name}”.")
            return redirect("registry:catalogue_fields")
    return render(
        request,
        "registry/catalogue_field_form.html",
        {
            "item": item,
            "form": form,
            "journal": document_journal(
                actor,
                object_type=Field._meta.label_lower,
                object_id=item.pk,
                agency_id=item.agency_id,
            ),
        },
    )


# --- Exchange policy ------------------------------------------------------------------------


def _rule_data(form: PolicyRuleForm) -> policy.PolicyRuleData:
    data = form.cleaned_data
    return policy.PolicyRuleData(
        mode=data["mode"],
        legal_basis=data["legal_basis"],
        priority=data["priority"],
        document_type_id=data["document_type"],
        purpose=data["purpose"],
        is_legal_normative=data["is_legal_normative"],
        is_permanent_retention=data["is_permanent_retention"],
    )


def _decision(
    agency_id: int, form: PolicyCheckForm
) -> tuple[str, ExchangePolicyRule | None, str] | None:
    """Return how the described document is exchanged: the mode's label, the line, the basis."""
    if not form.is_valid():
        return None
    document_type = selectors.document_type_list().filter(pk=form.cleaned_data["loai"]).first()
    if document_type is None:
        return None
    mode, rule = policy.exchange_mode_for(
        agency_id=agency_id,
        document_type=document_type,
        purpose=form.cleaned_data["muc_dich"],
        is_legal_normative=form.cleaned_data["qppl"],
        is_permanent_retention=form.cleaned_data["vinh_vien"],
    )
    # A rule without id is the law's own Điều 5.5, not a line of the table.
    return str(mode.label), (rule if rule.pk else None), rule.legal_basis


def _policy_context(
    request: HttpRequest, actor: Actor, agency: Any, form: PolicyRuleForm | None
) -> dict[str, Any]:
    types = document_type_choices()
    check = PolicyCheckForm(request.GET if "loai" in request.GET else None, document_types=types)
    decision = _decision(agency.pk, check)
    return {
        "agency": agency,
        "rules": list(policy.exchange_policy_list(actor=actor, agency_id=agency.pk)),
        "form": form,
        "can_manage": form is not None,
        "check": check,
        "decision": decision,
    }


@staff_view
@require_http_methods(["GET", "POST"])
def catalogue_policy(request: HttpRequest) -> HttpResponse:
    """Show the exchange policy in checking order; administrators add a line (Điều 4.2)."""
    actor = actor_of(request)
    agency = acting_agency(request)
    can_manage = can_manage_agency(actor, agency.pk)
    types = document_type_choices()
    form = PolicyRuleForm(request.POST or None, document_types=types) if can_manage else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(POLICY_DENIED)
        if form.is_valid():
            try:
                rule = policy.exchange_policy_rule_create(
                    actor=actor, agency_id=agency.pk, data=_rule_data(form)
                )
            except (ValidationFailed, Conflict) as exc:
                add_service_errors(form, exc, field_map=_RULE_FIELD_MAP)
            else:
                messages.success(
                    request, f"Đã thêm dòng “{rule.legal_basis}” (thứ tự {rule.priority})."
                )
                if not is_htmx_target(request, POLICY_TARGET):
                    return redirect("registry:catalogue_policy")
                form = PolicyRuleForm(document_types=types)
    context = _policy_context(request, actor, agency, form)
    if is_htmx_target(request, CHECK_TARGET):
        return render(request, "registry/_catalogue_policy_check.html", context)
    if is_htmx_target(request, POLICY_TARGET):
        return render(request, "registry/_catalogue_policy.html", context)
    return render(request, "registry/catalogue_policy.html", context)


def _managed_rule(request: HttpRequest, rule_id: int) -> ExchangePolicyRule:
    """Return a line of the acting agency's table for its administrator (else 404 or 403)."""
    actor = actor_of(request)
    agency = acting_agency(request)
    rule = policy.exchange_policy_list(actor=actor, agency_id=agency.pk).filter(pk=rule_id).first()
    if rule is None:
        raise NotFound(policy.NOT_FOUND_MESSAGE)
    if not can_manage_agency(actor, agency.pk):
        raise PermissionDenied(POLICY_DENIED)
    return rule


@staff_view
@require_http_methods(["GET", "POST"])
def catalogue_policy_rule_edit(request: HttpRequest, rule_id: int) -> HttpResponse:
    """Change a line of the exchange policy table (agency administrators)."""
    actor = actor_of(request)
    rule = _managed_rule(request, rule_id)
    initial = {
        "priority": rule.priority,
        "document_type": rule.document_type_id or "",
        "purpose": rule.purpose,
        "is_legal_normative": tri_state_initial(rule.is_legal_normative),
        "is_permanent_retention": tri_state_initial(rule.is_permanent_retention),
        "mode": rule.mode,
        "legal_basis": rule.legal_basis,
    }
    form = PolicyRuleForm(
        request.POST or None, initial=initial, document_types=document_type_choices()
    )
    if request.method == "POST" and form.is_valid():
        try:
            rule = policy.exchange_policy_rule_update(
                actor=actor, rule_id=rule.pk, data=_rule_data(form)
            )
        except (ValidationFailed, Conflict) as exc:
            add_service_errors(form, exc, field_map=_RULE_FIELD_MAP)
        else:
            messages.success(request, f"Đã lưu dòng “{rule.legal_basis}”.")
            return redirect("registry:catalogue_policy")
    return render(
        request,
        "registry/catalogue_policy_rule_form.html",
        {
            "rule": rule,
            "form": form,
            "journal": document_journal(
                actor,
                object_type=ExchangePolicyRule._meta.label_lower,
                object_id=rule.pk,
                agency_id=rule.agency_id,
            ),
        },
    )


@staff_view
@require_POST
def catalogue_policy_rule_delete(request: HttpRequest, rule_id: int) -> HttpResponse:
    """Remove a line of the exchange policy table (agency administrators)."""
    rule = _managed_rule(request, rule_id)
    basis = rule.legal_basis
    policy.exchange_policy_rule_delete(actor=actor_of(request), rule_id=rule.pk)
    messages.success(request, f"Đã xóa dòng “{basis}”.")
    if getattr(request, "htmx", False):
        # A delete button of the table: the browser loads the page afresh, with the message.
        return HttpResponseClientRedirect(reverse("registry:catalogue_policy"))
    return redirect("registry:catalogue_policy")
