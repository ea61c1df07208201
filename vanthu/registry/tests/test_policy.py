"""The exchange policy of QĐ 22/2017 Điều 4 and 5, one case per line of the decision."""

import unicodedata

import pytest

from vanthu.core.errors import NotFound, PermissionDenied, ValidationFailed
from vanthu.core.models import JournalEntry
from vanthu.core.text import unicode_to_tcvn3
from vanthu.registry.choices import ExchangeMode, Purpose
from vanthu.registry.models import DocumentType, ExchangePolicyRule
from vanthu.registry.policy import (
    DEFAULT_RULES,
    PolicyRuleData,
    exchange_mode_for,
    exchange_policy_ensure_defaults,
    exchange_policy_list,
    exchange_policy_rule_create,
    exchange_policy_rule_delete,
    exchange_policy_rule_update,
)

E = ExchangeMode.ELECTRONIC_ONLY
P = ExchangeMode.ELECTRONIC_AND_PAPER

# (case, type code, purpose, legal normative, permanent retention, expected mode, basis)
CASES = [
    # Điều 4.1.a: inside the agency, all electronic ...
    ("4.1.a nội bộ", "bao-cao", Purpose.INTERNAL, False, False, E, "QĐ 22/2017 Điều 4.1.a"),
    (
        "4.1.a nội bộ kế hoạch",
        "ke-hoach",
        Purpose.INTERNAL,
        False,
        False,
        E,
        "QĐ 22/2017 Điều 4.1.a",
    ),
    # ... except permanent retention (Điều 5.4 wins).
    ("4.1.a trừ vĩnh viễn", "quyet-dinh", Purpose.INTERNAL, False, True, P, "QĐ 22/2017 Điều 5.4"),
    # Điều 4.1.b: between agencies.
    (
        "4.1.b thông báo",
        "thong-bao",
        Purpose.BETWEEN_AGENCIES,
        False,
        False,
        E,
        "QĐ 22/2017 Điều 4.1.b (thông báo)",
    ),
    (
        "4.1.b thông cáo",
        "thong-cao",
        Purpose.BETWEEN_AGENCIES,
        False,
        False,
        E,
        "QĐ 22/2017 Điều 4.1.b (thông cáo)",
    ),
    (
        "4.1.b công điện",
        "cong-dien",
        Purpose.BETWEEN_AGENCIES,
        False,
        False,
        E,
        "QĐ 22/2017 Điều 4.1.b (công điện)",
    ),
    (
        "4.1.b giấy mời",
        "giay-moi",
        Purpose.BETWEEN_AGENCIES,
        False,
        False,
        E,
        "QĐ 22/2017 Điều 4.1.b (giấy mời họp)",
    ),
    (
        "4.1.b hướng dẫn nghiệp vụ",
        "cong-van",
        Purpose.PROFESSIONAL_GUIDANCE,
        False,
        False,
        E,
        "QĐ 22/2017 Điều 4.1.b (hướng dẫn chuyên môn nghiệp vụ)",
    ),
    (
        "4.1.b phối hợp",
        "cong-van",
        Purpose.COORDINATION,
        False,
        False,
        E,
        "QĐ 22/2017 Điều 4.1.b (phối hợp)",
    ),
    (
        "4.1.b góp ý dự thảo",
        "cong-van",
        Purpose.DRAFT_CONSULTATION,
        False,
        False,
        E,
        "QĐ 22/2017 Điều 4.1.b (xin ý kiến, góp ý dự thảo)",
    ),
    (
        "4.1.b để biết, báo cáo",
        "cong-van",
        Purpose.FOR_INFORMATION,
        False,
        False,
        E,
        "QĐ 22/2017 Điều 4.1.b (để biết, để báo cáo)",
    ),
    (
        "4.1.b báo cáo định kỳ",
        "bao-cao",
        Purpose.PERIODIC_REPORT,
        False,
        False,
        E,
        "QĐ 22/2017 Điều 4.1.b (báo cáo định kỳ, thống kê, chuyên đề)",
    ),
    (
        "4.1.b mời họp",
        "cong-van",
        Purpose.MEETING_INVITATION,
        False,
        False,
        E,
        "QĐ 22/2017 Điều 4.1.b (mời họp)",
    ),
    (
        "4.1.b hồ sơ TTHC",
        "phieu-chuyen",
        Purpose.ONLINE_PROCEDURE_DOSSIER,
        False,
        False,
        E,
        "QĐ 22/2017 Điều 4.1.b (hồ sơ thủ tục hành chính liên thông)",
    ),
    # Điều 5.1: legal normative, even of a type Điều 4 lists.
    (
        "5.1 QPPL",
        "quyet-dinh-qppl",
        Purpose.BETWEEN_AGENCIES,
        False,
        False,
        P,
        "QĐ 22/2017 Điều 5.1",
    ),
    (
        "5.1 thông báo QPPL",
        "thong-bao",
        Purpose.BETWEEN_AGENCIES,
        True,
        False,
        P,
        "QĐ 22/2017 Điều 5.1",
    ),
    # Điều 5.2: submitted to Tỉnh ủy, HĐND tỉnh, UBND tỉnh.
    (
        "5.2 tờ trình UBND tỉnh",
        "to-trinh",
        Purpose.TO_PROVINCIAL_LEADERSHIP,
        False,
        False,
        P,
        "QĐ 22/2017 Điều 5.2",
    ),
    (
        "5.2 báo cáo lên tỉnh",
        "bao-cao",
        Purpose.TO_PROVINCIAL_LEADERSHIP,
        False,
        False,
        P,
        "QĐ 22/2017 Điều 5.2",
    ),
    # Điều 5.3: programmes, and submissions to superiors.
    (
        "5.3 triển khai kế hoạch",
        "ke-hoach",
        Purpose.PROGRAMME_IMPLEMENTATION,
        False,
        False,
        P,
        "QĐ 22/2017 Điều 5.3",
    ),
    (
        "5.3 trình cấp trên",
        "to-trinh",
        Purpose.TO_SUPERIOR_FOR_DECISION,
        False,
        False,
        P,
        "QĐ 22/2017 Điều 5.3",
    ),
    # Điều 5.4: permanent retention, between agencies too.
    ("5.4 vĩnh viễn", "thong-bao", Purpose.BETWEEN_AGENCIES, False, True, P, "QĐ 22/2017 Điều 5.4"),
    # Điều 5.5: not listed in Điều 4.
    (
        "5.5 quyết định",
        "quyet-dinh",
        Purpose.BETWEEN_AGENCIES,
        False,
        False,
        P,
        "QĐ 22/2017 Điều 5.5",
    ),
    ("5.5 công văn khác", "cong-van", Purpose.OTHER, False, False, P, "QĐ 22/2017 Điều 5.5"),
]


@pytest.mark.parametrize(
    ("code", "purpose", "legal", "permanent", "mode", "basis"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_each_line_of_articles_4_and_5_decides_its_case(
    cast, code, purpose, legal, permanent, mode, basis
):
    # given the seeded table of agency A
    document_type = DocumentType.objects.get(code=code)
    # when the mode of the document is asked
    got_mode, rule = exchange_mode_for(
        agency_id=cast.agency_a.pk,
        document_type=document_type,
        purpose=purpose,
        is_legal_normative=legal,
        is_permanent_retention=permanent,
    )
    # then the expected rule decided it
    assert (got_mode, rule.legal_basis) == (mode, basis)
    assert rule.pk is not None
    assert rule.agency_id == cast.agency_a.pk


def test_every_seeded_line_is_exercised_by_a_case():
    # given the bases of the seeded lines and of the cases
    seeded = {basis for *_, basis in DEFAULT_RULES}
    covered = {case[-1] for case in CASES}
    # then no line of the decision is left untested
    assert seeded == covered


def test_seeding_is_idempotent_and_per_agency(cast):
    # given the table seeded twice for agency A and once for B
    exchange_policy_ensure_defaults(agency_id=cast.agency_a.pk)
    exchange_policy_ensure_defaults(agency_id=cast.agency_a.pk)
    exchange_policy_ensure_defaults(agency_id=cast.agency_b.pk)
    # then each agency has one copy of each line
    assert ExchangePolicyRule.objects.filter(agency=cast.agency_a).count() == len(DEFAULT_RULES)
    assert ExchangePolicyRule.objects.filter(agency=cast.agency_b).count() == len(DEFAULT_RULES)


def _giay_moi():
    return DocumentType.objects.get(code="giay-moi")


def _mode(agency_id):
    return exchange_mode_for(
        agency_id=agency_id,
        document_type=_giay_moi(),
        purpose=Purpose.BETWEEN_AGENCIES,
        is_legal_normative=False,
        is_permanent_retention=False,
    )


def test_agency_admin_adds_a_line_that_changes_the_decision_of_their_agency_only(cast):
    # given the agency admin of A
    actor = cast.actor(cast.agency_admin)
    # when they require paper for every Giấy mời (Điều 4.2)
    rule = exchange_policy_rule_create(
        actor=actor,
        agency_id=cast.agency_a.pk,
        data=PolicyRuleData(
            mode=P, legal_basis="Quy chế nội bộ STTTT", priority=5, document_type_id=_giay_moi().pk
        ),
    )
    # then A decides paper by that line, B still electronic only, and it is journalled
    assert _mode(cast.agency_a.pk) == (P, rule)
    assert _mode(cast.agency_b.pk)[0] == E
    assert JournalEntry.objects.filter(
        action="registry.exchange_policy_rule.create", object_id=str(rule.pk)
    ).exists()


def test_agency_admin_updates_and_deletes_a_line(cast):
    # given the seeded table and the admin of A
    actor = cast.actor(cast.agency_admin)
    rule = exchange_policy_list(actor=actor, agency_id=cast.agency_a.pk).get(
        document_type__code="giay-moi"
    )
    # when the Giấy mời line is switched to paper
    exchange_policy_rule_update(
        actor=actor,
        rule_id=rule.pk,
        data=PolicyRuleData(
            mode=P,
            legal_basis=rule.legal_basis,
            priority=rule.priority,
            document_type_id=rule.document_type_id,
        ),
    )
    # then Giấy mời needs paper
    assert _mode(cast.agency_a.pk)[0] == P
    # when the line is removed
    exchange_policy_rule_delete(actor=actor, rule_id=rule.pk)
    # then Giấy mời falls to the "mời họp"-less default: Điều 5.5
    mode, decided = _mode(cast.agency_a.pk)
    assert (mode, decided.legal_basis) == (P, "QĐ 22/2017 Điều 5.5")
    assert not ExchangePolicyRule.objects.filter(pk=rule.pk).exists()


def test_without_any_line_the_law_still_applies(cast):
    # given an agency whose admin removed every line, even the catch-all
    actor = cast.actor(cast.agency_admin)
    for rule in list(exchange_policy_list(actor=actor, agency_id=cast.agency_a.pk)):
        exchange_policy_rule_delete(actor=actor, rule_id=rule.pk)
    ExchangePolicyRule.objects.create(
        agency=cast.agency_a, mode=E, legal_basis="chỉ QPPL", is_legal_normative=True
    )
    # when a Giấy mời is classified
    mode, rule = _mode(cast.agency_a.pk)
    # then Điều 5.5 decides
    assert (mode, rule.legal_basis, rule.pk) == (P, "QĐ 22/2017 Điều 5.5", None)


@pytest.mark.parametrize("persona", ["clerk", "leader", "specialist"])
def test_staff_who_are_not_admins_cannot_edit_the_table(cast, persona):
    # given the seeded table and a staff member of A who is not an admin
    exchange_policy_ensure_defaults(agency_id=cast.agency_a.pk)
    rule = ExchangePolicyRule.objects.filter(agency=cast.agency_a).first()
    before = list(ExchangePolicyRule.objects.values())
    journal = JournalEntry.objects.count()
    actor = cast.actor(getattr(cast, persona))
    data = PolicyRuleData(mode=P, legal_basis="x")
    # when they try to add, change or remove a line
    # then each is refused and nothing changed
    with pytest.raises(PermissionDenied):
        exchange_policy_rule_create(actor=actor, agency_id=cast.agency_a.pk, data=data)
    with pytest.raises(PermissionDenied):
        exchange_policy_rule_update(actor=actor, rule_id=rule.pk, data=data)
    with pytest.raises(PermissionDenied):
        exchange_policy_rule_delete(actor=actor, rule_id=rule.pk)
    assert list(ExchangePolicyRule.objects.values()) == before
    assert JournalEntry.objects.count() == journal


def test_outsider_admin_does_not_see_another_agencys_table(cast):
    # given the seeded table of A and the admin of B
    exchange_policy_ensure_defaults(agency_id=cast.agency_a.pk)
    rule = ExchangePolicyRule.objects.filter(agency=cast.agency_a).first()
    actor = cast.actor(cast.outsider_admin)
    # when they read or edit A's table
    # then it is not found
    with pytest.raises(NotFound):
        exchange_policy_list(actor=actor, agency_id=cast.agency_a.pk)
    with pytest.raises(NotFound):
        exchange_policy_rule_delete(actor=actor, rule_id=rule.pk)
    assert ExchangePolicyRule.objects.filter(pk=rule.pk).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (PolicyRuleData(mode="paper", legal_basis="QĐ 22"), "mode"),
        (PolicyRuleData(mode=E, legal_basis="   "), "legal_basis"),
        (PolicyRuleData(mode=E, legal_basis="x" * 201), "legal_basis"),
        (PolicyRuleData(mode=E, legal_basis="QĐ 22", purpose="gossip"), "purpose"),
        (PolicyRuleData(mode=E, legal_basis="QĐ 22", document_type_id=999999), "document_type_id"),
        (PolicyRuleData(mode=E, legal_basis="QĐ 22", priority=-1), "priority"),
    ],
)
def test_bad_lines_are_refused_with_nothing_stored(cast, data, field):
    # given the admin of A
    actor = cast.actor(cast.agency_admin)
    count = ExchangePolicyRule.objects.count()
    # when a bad line is added
    with pytest.raises(ValidationFailed) as error:
        exchange_policy_rule_create(actor=actor, agency_id=cast.agency_a.pk, data=data)
    # then the field is named and nothing is stored
    assert field in error.value.fields
    assert ExchangePolicyRule.objects.count() == count


@pytest.mark.parametrize("encode", [unicode_to_tcvn3, lambda s: unicodedata.normalize("NFD", s)])
def test_legacy_or_decomposed_legal_basis_is_stored_as_nfc_unicode(cast, encode):
    # given a legal basis typed in TCVN3 or in decomposed Unicode
    actor = cast.actor(cast.agency_admin)
    text = "Quy chế trao đổi văn bản điện tử của Sở Thông tin và Truyền thông"
    # when it is stored
    rule = exchange_policy_rule_create(
        actor=actor,
        agency_id=cast.agency_a.pk,
        data=PolicyRuleData(mode=E, legal_basis=encode(text)),
    )
    # then it is NFC Unicode
    assert rule.legal_basis == text
