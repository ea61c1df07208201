"""Services store clean Unicode (QĐ 22 Điều 3.2.b): NFC, converted TCVN3, refused ambiguity."""

from __future__ import annotations

import unicodedata

import pytest

from vanthu.core.errors import ErrorCode
from vanthu.core.models import JournalEntry
from vanthu.core.text import AmbiguousEncoding
from vanthu.organizations.models import Unit
from vanthu.organizations.services import unit_create

pytestmark = pytest.mark.django_db


def test_unit_create_stores_nfc_from_nfd_input(cast):
    # given a unit name typed as decomposed Unicode (NFD), as some Mac and PDF tools produce
    name = unicodedata.normalize("NFD", "Phòng Kế hoạch - Tài chính")
    # when the agency administrator creates the unit
    unit = unit_create(actor=cast.actor(cast.agency_admin), agency_id=cast.agency_a.pk, name=name)
    # then the stored name is the precomposed (NFC) form, and so is the journal's copy
    unit.refresh_from_db()
    assert unit.name == "Phòng Kế hoạch - Tài chính"
    assert unicodedata.is_normalized("NFC", unit.name)
    entry = JournalEntry.objects.filter(action="unit.create").latest("pk")
    assert entry.after["name"] == "Phòng Kế hoạch - Tài chính"


def test_unit_create_converts_a_tcvn3_name(cast):
    # given a unit name pasted from an old ".VnTime" document (TCVN3 shown as Windows-1252)
    # when the agency administrator creates the unit
    unit = unit_create(
        actor=cast.actor(cast.agency_admin),
        agency_id=cast.agency_a.pk,
        name="Phßng Qu¶n lý V¨n b¶n ®iÖn tö",
    )
    # then the stored name is Unicode
    unit.refresh_from_db()
    assert unit.name == "Phòng Quản lý Văn bản điện tử"


def test_unit_create_refuses_an_ambiguous_name_and_stores_nothing(cast):
    # given a name that reads as Vietnamese both in VNI ("đa đi") and in TCVN3 ("ủa ủi")
    units, entries = Unit.objects.count(), JournalEntry.objects.count()
    # when the agency administrator tries to create the unit
    with pytest.raises(AmbiguousEncoding) as caught:
        unit_create(actor=cast.actor(cast.agency_admin), agency_id=cast.agency_a.pk, name="ña ñi")
    # then a Vietnamese error is raised and neither a unit nor a journal row is stored
    assert caught.value.code == ErrorCode.AMBIGUOUS_ENCODING
    assert "vui lòng chuyển sang Unicode" in caught.value.message
    assert Unit.objects.count() == units
    assert JournalEntry.objects.count() == entries
