"""Every agency gets its registers and exchange policy when it is created, never on a read."""

import pytest

from vanthu.core.actor import Actor
from vanthu.organizations.services import AgencyData, agency_create, agency_import
from vanthu.registry.choices import RegisterKind
from vanthu.registry.models import DocumentType, ExchangePolicyRule, Register
from vanthu.registry.policy import DEFAULT_RULES, exchange_policy_list
from vanthu.registry.setup import agency_defaults_ensure, document_types_ensure

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("test")


def _books(agency_id: int) -> list[tuple[str, str]]:
    return sorted(Register.objects.filter(agency_id=agency_id).values_list("kind", "name"))


def test_an_agency_created_through_the_service_has_its_books_and_policy():
    agency = agency_create(
        actor=SYSTEM,
        data=AgencyData(identifier="000.00.44.H34", name="Sở Nội vụ", short_name="SNV"),
    )
    assert _books(agency.pk) == [
        (RegisterKind.INCOMING, "Sổ văn bản đến"),
        (RegisterKind.OUTGOING, "Sổ Nghị quyết (QPPL)"),
        (RegisterKind.OUTGOING, "Sổ Quyết định (QPPL)"),
        (RegisterKind.OUTGOING, "Sổ văn bản đi"),
    ]
    assert ExchangePolicyRule.objects.filter(agency=agency).count() == len(DEFAULT_RULES)


def test_imported_agencies_get_their_defaults_and_reimport_adds_nothing():
    rows = [
        AgencyData(identifier="000.00.45.H34", name="Sở Y tế", short_name="SYT"),
        AgencyData(identifier="000.00.46.H34", name="Sở Xây dựng", short_name="SXD"),
    ]
    agency_import(actor=SYSTEM, rows=rows)
    agency_import(actor=SYSTEM, rows=rows)
    counts = Register.objects.filter(agency__identifier__in=["000.00.45.H34", "000.00.46.H34"])
    assert counts.count() == 8
    assert ExchangePolicyRule.objects.filter(agency__identifier="000.00.45.H34").count() == len(
        DEFAULT_RULES
    )


def test_reading_an_emptied_policy_table_writes_nothing(cast):
    actor = cast.actor(cast.agency_admin)
    ExchangePolicyRule.objects.filter(agency=cast.agency_a).delete()
    assert list(exchange_policy_list(actor=actor, agency_id=cast.agency_a.pk)) == []
    assert not ExchangePolicyRule.objects.filter(agency=cast.agency_a).exists()


def test_defaults_are_idempotent_and_restore_missing_document_types(cast):
    DocumentType.objects.filter(code="cong-van").delete()
    agency_defaults_ensure(agency_ids=[cast.agency_a.pk, cast.agency_a.pk])
    document_types_ensure()
    assert DocumentType.objects.filter(code="cong-van").exists()
    assert len(_books(cast.agency_a.pk)) == 4
    assert ExchangePolicyRule.objects.filter(agency=cast.agency_a).count() == len(DEFAULT_RULES)
