"""The exchange policy of QĐ 22/2017 Điều 4 and 5: electronic only, or electronic and paper.

Each agency has its own table (Điều 4.2 lets it publish its own list), seeded with one rule per
line of the decision. Rules are checked by `priority`, smallest first; the Điều 5 overrides
(legal normative, permanent retention, submissions to the provincial leadership, programmes and
submissions to superiors) come before the Điều 4 lines, and Điều 5.5 — everything not listed in
Điều 4 — is the last, catch-all rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet

from vanthu.core.actor import Actor
from vanthu.core.errors import NotFound, PermissionDenied, ValidationFailed
from vanthu.core.journal import journal_record, snapshot
from vanthu.core.text import normalize_text
from vanthu.organizations.models import Agency
from vanthu.organizations.permissions import can_manage_agency, can_see_agency_data
from vanthu.registry.choices import ExchangeMode, Purpose
from vanthu.registry.models import DocumentType, ExchangePolicyRule

NOT_FOUND_MESSAGE = "Không tìm thấy."
DENIED_MESSAGE = "Chỉ quản trị cơ quan được sửa danh mục trao đổi văn bản."
FALLBACK_BASIS = "QĐ 22/2017 Điều 5.5"

E = ExchangeMode.ELECTRONIC_ONLY
P = ExchangeMode.ELECTRONIC_AND_PAPER

# (priority, document type code or None, purpose or "", legal normative, permanent, mode, basis)
DEFAULT_RULES: tuple[tuple[int, str | None, str, bool | None, bool | None, str, str], ...] = (
    # Điều 5 overrides first: they win over any Điều 4 line.
    (10, None, "", True, None, P, "QĐ 22/2017 Điều 5.1"),
    (20, None, "", None, True, P, "QĐ 22/2017 Điều 5.4"),
    (30, None, Purpose.TO_PROVINCIAL_LEADERSHIP, None, None, P, "QĐ 22/2017 Điều 5.2"),
    (40, None, Purpose.PROGRAMME_IMPLEMENTATION, None, None, P, "QĐ 22/2017 Điều 5.3"),
    (41, None, Purpose.TO_SUPERIOR_FOR_DECISION, None, None, P, "QĐ 22/2017 Điều 5.3"),
    # Điều 4.1.a: everything inside the agency (permanent retention was caught by 5.4).
    (100, None, Purpose.INTERNAL, None, None, E, "QĐ 22/2017 Điều 4.1.a"),
    # Điều 4.1.b: between agencies, by document type ...
    (200, "thong-bao", "", None, None, E, "QĐ 22/2017 Điều 4.1.b (thông báo)"),
    (201, "thong-cao", "", None, None, E, "QĐ 22/2017 Điều 4.1.b (thông cáo)"),
    (202, "cong-dien", "", None, None, E, "QĐ 22/2017 Điều 4.1.b (công điện)"),
    (203, "giay-moi", "", None, None, E, "QĐ 22/2017 Điều 4.1.b (giấy mời họp)"),
    # ... and by purpose.
    (
        210,
        None,
        Purpose.PROFESSIONAL_GUIDANCE,
        None,
        None,
        E,
        "QĐ 22/2017 Điều 4.1.b (hướng dẫn chuyên môn nghiệp vụ)",
    ),
    (211, None, Purpose.COORDINATION, None, None, E, "QĐ 22/2017 Điều 4.1.b (phối hợp)"),
    (
        212,
        None,
        Purpose.DRAFT_CONSULTATION,
        None,
        None,
        E,
        "QĐ 22/2017 Điều 4.1.b (xin ý kiến, góp ý dự thảo)",
    ),
    (
        213,
        None,
        Purpose.FOR_INFORMATION,
        None,
        None,
        E,
        "QĐ 22/2017 Điều 4.1.b (để biết, để báo cáo)",
    ),
    (
        214,
        None,
        Purpose.PERIODIC_REPORT,
        None,
        None,
        E,
        "QĐ 22/2017 Điều 4.1.b (báo cáo định kỳ, thống kê, chuyên đề)",
    ),
    (215, None, Purpose.MEETING_INVITATION, None, None, E, "QĐ 22/2017 Điều 4.1.b (mời họp)"),
    (
        216,
        None,
        Purpose.ONLINE_PROCEDURE_DOSSIER,
        None,
        None,
        E,
        "QĐ 22/2017 Điều 4.1.b (hồ sơ thủ tục hành chính liên thông)",
    ),
    # Điều 5.5: every document not listed in Điều 4.
    (999, None, "", None, None, P, FALLBACK_BASIS),
)


@dataclass(frozen=True, slots=True)
class PolicyRuleData:
    """The editable fields of one exchange policy rule."""

    mode: str
    legal_basis: str
    priority: int = 100
    document_type_id: int | None = None
    purpose: str = ""
    is_legal_normative: bool | None = None
    is_permanent_retention: bool | None = None


def exchange_policy_ensure_defaults(*, agency_id: int) -> None:
    """Seed the agency's exchange policy with the lines of Điều 4 and 5 if it has none."""
    if ExchangePolicyRule.objects.filter(agency_id=agency_id).exists():
        return  # the common case takes no lock
    with transaction.atomic():
        # Lock the agency so two first uses do not seed the table twice.
        Agency.objects.select_for_update().filter(pk=agency_id).first()
        if ExchangePolicyRule.objects.filter(agency_id=agency_id).exists():
            return
        types = {t.code: t for t in DocumentType.objects.all()}
        ExchangePolicyRule.objects.bulk_create(
            ExchangePolicyRule(
                agency_id=agency_id,
                priority=priority,
                document_type=types[code] if code else None,
                purpose=str(purpose),
                is_legal_normative=legal,
                is_permanent_retention=permanent,
                mode=str(mode),
                legal_basis=basis,
            )
            for priority, code, purpose, legal, permanent, mode, basis in DEFAULT_RULES
            if code is None or code in types
        )


def _matches(
    rule: ExchangePolicyRule,
    *,
    document_type_id: int,
    purpose: str,
    is_legal_normative: bool,
    is_permanent_retention: bool,
) -> bool:
    return (
        (rule.document_type_id is None or rule.document_type_id == document_type_id)
        and (not rule.purpose or rule.purpose == purpose)
        and (rule.is_legal_normative is None or rule.is_legal_normative == is_legal_normative)
        and (
            rule.is_permanent_retention is None
            or rule.is_permanent_retention == is_permanent_retention
        )
    )


def exchange_mode_for(
    *,
    agency_id: int,
    document_type: DocumentType,
    purpose: str,
    is_legal_normative: bool,
    is_permanent_retention: bool,
) -> tuple[ExchangeMode, ExchangePolicyRule]:
    """Return how a document is exchanged and the rule of the agency's table that decided it."""
    rules = ExchangePolicyRule.objects.filter(agency_id=agency_id).order_by("priority", "id")
    for rule in rules:
        if _matches(
            rule,
            document_type_id=document_type.pk,
            purpose=purpose,
            is_legal_normative=is_legal_normative or document_type.is_legal_normative,
            is_permanent_retention=is_permanent_retention,
        ):
            return ExchangeMode(rule.mode), rule
    # Điều 5.5 is the law even when an agency removed its catch-all line.
    fallback = ExchangePolicyRule(agency_id=agency_id, mode=P, legal_basis=FALLBACK_BASIS)
    return ExchangeMode.ELECTRONIC_AND_PAPER, fallback


def exchange_policy_list(*, actor: Actor, agency_id: int) -> QuerySet[ExchangePolicyRule]:
    """Return the exchange policy table of an agency the actor belongs to, in checking order."""
    if not can_see_agency_data(actor, agency_id):
        raise NotFound(NOT_FOUND_MESSAGE)
    return (
        ExchangePolicyRule.objects.filter(agency_id=agency_id)
        .select_related("document_type")
        .order_by("priority", "id")
    )


def _check_admin(actor: Actor, agency_id: int) -> None:
    if not can_see_agency_data(actor, agency_id):
        raise NotFound(NOT_FOUND_MESSAGE)
    if not can_manage_agency(actor, agency_id):
        raise PermissionDenied(DENIED_MESSAGE)


def _clean(data: PolicyRuleData) -> dict[str, object]:
    errors: dict[str, list[str]] = {}
    legal_basis = normalize_text(data.legal_basis, field="legal_basis")
    if not legal_basis:
        errors["legal_basis"] = ["Hãy nhập căn cứ pháp lý."]
    elif len(legal_basis) > 200:
        errors["legal_basis"] = ["Căn cứ pháp lý dài tối đa 200 ký tự."]
    if data.mode not in ExchangeMode.values:
        errors["mode"] = ["Hình thức trao đổi không hợp lệ."]
    if data.purpose and data.purpose not in Purpose.values:
        errors["purpose"] = ["Mục đích không hợp lệ."]
    if not 0 <= data.priority <= 32767:
        errors["priority"] = ["Thứ tự áp dụng phải từ 0 đến 32767."]
    if (
        data.document_type_id is not None
        and not DocumentType.objects.filter(pk=data.document_type_id).exists()
    ):
        errors["document_type_id"] = ["Loại văn bản không tồn tại."]
    if errors:
        raise ValidationFailed("Dòng danh mục chưa hợp lệ.", fields=errors)
    return {
        "mode": data.mode,
        "legal_basis": legal_basis,
        "priority": data.priority,
        "document_type_id": data.document_type_id,
        "purpose": data.purpose,
        "is_legal_normative": data.is_legal_normative,
        "is_permanent_retention": data.is_permanent_retention,
    }


def exchange_policy_rule_create(
    *, actor: Actor, agency_id: int, data: PolicyRuleData
) -> ExchangePolicyRule:
    """Add one line to an agency's exchange policy (Điều 4.2); agency admins only."""
    _check_admin(actor, agency_id)
    values = _clean(data)
    with transaction.atomic():
        rule = ExchangePolicyRule.objects.create(agency_id=agency_id, **values)
        journal_record(
            actor=actor,
            action="registry.exchange_policy_rule.create",
            instance=rule,
            agency_id=agency_id,
            after=snapshot(rule),
        )
    return rule


def _locked_rule(actor: Actor, rule_id: int) -> ExchangePolicyRule:
    rule = ExchangePolicyRule.objects.select_for_update().filter(pk=rule_id).first()
    if rule is None:
        raise NotFound(NOT_FOUND_MESSAGE)
    _check_admin(actor, rule.agency_id)
    return rule


def exchange_policy_rule_update(
    *, actor: Actor, rule_id: int, data: PolicyRuleData
) -> ExchangePolicyRule:
    """Change one line of an agency's exchange policy (Điều 4.2); agency admins only."""
    with transaction.atomic():
        rule = _locked_rule(actor, rule_id)
        values = _clean(data)
        before = snapshot(rule)
        for name, value in values.items():
            setattr(rule, name, value)
        rule.save()
        journal_record(
            actor=actor,
            action="registry.exchange_policy_rule.update",
            instance=rule,
            agency_id=rule.agency_id,
            before=before,
            after=snapshot(rule),
        )
    return rule


def exchange_policy_rule_delete(*, actor: Actor, rule_id: int) -> None:
    """Remove one line of an agency's exchange policy (Điều 4.2); agency admins only."""
    with transaction.atomic():
        rule = _locked_rule(actor, rule_id)
        before = snapshot(rule)
        journal_record(
            actor=actor,
            action="registry.exchange_policy_rule.delete",
            instance=rule,
            agency_id=rule.agency_id,
            before=before,
        )
        rule.delete()
