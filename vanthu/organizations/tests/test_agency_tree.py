"""The agency directory stays a tree: no agency under itself or under its own descendants."""

import pytest

from vanthu.core.errors import ValidationFailed
from vanthu.core.models import JournalEntry
from vanthu.organizations.services import AgencyData, agency_update

pytestmark = pytest.mark.django_db


def _data(agency, parent_identifier):
    return AgencyData(
        identifier=agency.identifier,
        name=agency.name,
        short_name=agency.short_name,
        kind=agency.kind,
        parent_identifier=parent_identifier,
    )


def test_agency_cannot_move_under_its_descendant(cast):
    # given the province with agency A below it
    province = cast.agency_a.parent
    journal_rows = JournalEntry.objects.count()
    # when the province is moved under agency A
    with pytest.raises(ValidationFailed):
        agency_update(
            actor=cast.actor(cast.system_admin),
            agency_id=province.pk,
            data=_data(province, cast.agency_a.identifier),
        )
    # then nothing changed
    province.refresh_from_db()
    assert province.parent_id is None
    assert JournalEntry.objects.count() == journal_rows


def test_agency_can_move_under_a_sibling(cast):
    agency_update(
        actor=cast.actor(cast.system_admin),
        agency_id=cast.agency_b.pk,
        data=_data(cast.agency_b, cast.agency_a.identifier),
    )
    cast.agency_b.refresh_from_db()
    assert cast.agency_b.parent_id == cast.agency_a.pk
