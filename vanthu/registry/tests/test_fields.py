"""The catalogue of subject areas (lĩnh vực): who edits it, duplicates, text, journal, links."""

from __future__ import annotations

import threading
import unicodedata
from typing import Any

import pytest
from django.db import connection

from conftest import only_on_vendor
from vanthu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from vanthu.core.models import JournalEntry
from vanthu.core.text import unicode_to_tcvn3, unicode_to_vni
from vanthu.registry import selectors
from vanthu.registry.fields import FieldData, field_create, field_get, field_update
from vanthu.registry.models import Field, IncomingDocument
from vanthu.registry.tests.test_api_isolation import register_incoming

pytestmark = pytest.mark.django_db

EDITORS = ("clerk", "agency_admin")
NOT_EDITORS = ("unit_head", "leader", "specialist", "archivist")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def _state() -> dict[str, Any]:
    return {
        "fields": list(Field.objects.order_by("pk").values()),
        "journal": JournalEntry.objects.count(),
    }


def _a_field(cast: Any, name: str = "Công nghệ thông tin", code: str = "CNTT") -> Field:
    return field_create(actor=cast.actor(cast.clerk), data=FieldData(name=name, code=code))


# --- Who ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", EDITORS)
def test_clerks_and_agency_admins_add_a_field_to_their_agency_journalled(cast, persona):
    # given a clerk or the administrator of agency A
    actor = cast.actor(getattr(cast, persona))
    # when they add a subject area
    item = field_create(actor=actor, data=FieldData(name="Bưu chính, viễn thông", code="BCVT"))
    # then it is agency A's, active, and the journal names them and its values
    item.refresh_from_db()
    assert (item.agency_id, item.name, item.code, item.is_active) == (
        cast.agency_a.pk,
        "Bưu chính, viễn thông",
        "BCVT",
        True,
    )
    entry = JournalEntry.objects.get(action="registry.field.create", object_id=str(item.pk))
    assert entry.actor_id == getattr(cast, persona).pk
    assert entry.agency_id == cast.agency_a.pk
    assert entry.after is not None
    assert entry.after["name"] == "Bưu chính, viễn thông"


@pytest.mark.parametrize("persona", NOT_EDITORS)
def test_other_staff_cannot_add_or_change_fields_and_nothing_changes(cast, persona):
    # given a field of A and a staff member of A who is neither clerk nor admin
    item = _a_field(cast)
    actor = cast.actor(getattr(cast, persona))
    before = _state()
    # when they add or rename a field
    # then both are refused and nothing changed
    with pytest.raises(PermissionDenied):
        field_create(actor=actor, data=FieldData(name="Tài chính"))
    with pytest.raises(PermissionDenied):
        field_update(actor=actor, field_id=item.pk, data=FieldData(name="Tài chính"))
    assert _state() == before
    # but they read it
    assert field_get(actor=actor, field_id=item.pk) == item


def test_a_system_admin_acting_for_no_agency_cannot_add_a_field(cast):
    # given the system administrator, who acts for no agency
    actor = cast.actor(cast.system_admin)
    before = _state()
    # when they add a field
    # then it is refused: there is no agency to add it to
    with pytest.raises(PermissionDenied):
        field_create(actor=actor, data=FieldData(name="Tài chính"))
    assert _state() == before


def test_the_system_admin_may_correct_any_agencys_field(cast):
    # given a field of A
    item = _a_field(cast)
    # when the system administrator corrects it
    updated = field_update(
        actor=cast.actor(cast.system_admin),
        field_id=item.pk,
        data=FieldData(name="Công nghệ thông tin và chuyển đổi số", code="CNTT"),
    )
    # then it is saved
    assert updated.name == "Công nghệ thông tin và chuyển đổi số"


@pytest.mark.parametrize("persona", ["outsider", "outsider_admin"])
def test_another_agencys_people_do_not_find_the_field(cast, persona):
    # given a field of A and a clerk or admin of B
    item = _a_field(cast)
    actor = cast.actor(getattr(cast, persona))
    before = _state()
    # when they read or change it
    # then it is not found, and nothing changed
    with pytest.raises(NotFound):
        field_get(actor=actor, field_id=item.pk)
    with pytest.raises(NotFound):
        field_update(actor=actor, field_id=item.pk, data=FieldData(name="Của B"))
    with pytest.raises(NotFound):
        field_update(actor=actor, field_id=999_999, data=FieldData(name="Của B"))
    assert _state() == before


def test_an_outsider_adds_to_their_own_agency_and_may_reuse_a_name(cast):
    # given A's "Công nghệ thông tin"
    _a_field(cast)
    # when B's clerk adds the same name
    item = field_create(
        actor=cast.actor(cast.outsider), data=FieldData(name="Công nghệ thông tin", code="CNTT")
    )
    # then it is B's, and each agency lists its own only
    assert item.agency_id == cast.agency_b.pk
    a_names = [f.agency_id for f in selectors.field_list(actor=cast.actor(cast.clerk))]
    b_names = [f.agency_id for f in selectors.field_list(actor=cast.actor(cast.outsider))]
    assert a_names == [cast.agency_a.pk]
    assert b_names == [cast.agency_b.pk]


# --- Duplicates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Công nghệ thông tin",
        "CÔNG NGHỆ THÔNG TIN",
        "cong nghe thong tin",
        "  Công   nghệ thông tin ",
        unicodedata.normalize("NFD", "công nghệ thông tin"),
    ],
)
def test_a_name_the_agency_has_is_refused_ignoring_case_diacritics_and_spaces(cast, name):
    # given A's "Công nghệ thông tin"
    _a_field(cast, code="")
    before = _state()
    # when a clerk adds it again, written another way
    with pytest.raises(Conflict) as error:
        field_create(actor=cast.actor(cast.clerk), data=FieldData(name=name))
    # then the name field says which one exists, and nothing is stored
    assert error.value.fields["name"] == [
        "Đã có lĩnh vực “Công nghệ thông tin” (trùng tên, không kể hoa thường và dấu)."
    ]
    assert _state() == before


def test_d_with_stroke_folds_to_d(cast):
    # given A's "Đất đai"
    _a_field(cast, name="Đất đai", code="")
    # when "dat dai" is added
    # then it is the same subject area
    with pytest.raises(Conflict):
        field_create(actor=cast.actor(cast.clerk), data=FieldData(name="dat dai"))


def test_renaming_onto_another_field_is_refused_but_recasing_itself_is_not(cast):
    # given two fields of A
    first = _a_field(cast, name="Tài chính", code="TC")
    second = _a_field(cast, name="Kế hoạch", code="KH")
    actor = cast.actor(cast.clerk)
    before = _state()
    # when the second is renamed onto the first
    with pytest.raises(Conflict) as error:
        field_update(actor=actor, field_id=second.pk, data=FieldData(name="TÀI CHÍNH", code="KH"))
    # then it is refused and nothing changed
    assert "name" in error.value.fields
    assert _state() == before
    # when the first is re-cased
    renamed = field_update(
        actor=actor, field_id=first.pk, data=FieldData(name="Tài Chính", code="TC")
    )
    # then that is allowed
    assert renamed.name == "Tài Chính"


def test_a_code_the_agency_uses_is_refused(cast):
    # given A's field coded CNTT
    _a_field(cast)
    before = _state()
    # when another field takes "cntt"
    with pytest.raises(Conflict) as error:
        field_create(
            actor=cast.actor(cast.clerk), data=FieldData(name="Chuyển đổi số", code="cntt")
        )
    # then the code is named
    assert error.value.fields["code"] == ["Mã “CNTT” đã dùng cho lĩnh vực “Công nghệ thông tin”."]
    assert _state() == before


# --- Text -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encode",
    [lambda s: unicodedata.normalize("NFD", s), unicode_to_tcvn3, unicode_to_vni],
    ids=["nfd", "tcvn3", "vni"],
)
def test_decomposed_or_legacy_text_is_stored_as_nfc_unicode(cast, encode):
    # given a name typed in decomposed Unicode, TCVN3 or VNI
    text = "Quản lý nhà nước về thông tin và truyền thông"
    # when it is stored
    item = field_create(actor=cast.actor(cast.clerk), data=FieldData(name=encode(text)))
    # then it is NFC Unicode
    item.refresh_from_db()
    assert item.name == text
    assert unicodedata.is_normalized("NFC", item.name)


def test_lengths_count_the_normalised_text(cast):
    # given 150 letters with diacritics typed decomposed: more than 150 code points
    name = unicodedata.normalize("NFD", "ở" * 150)
    assert len(name) > 150
    # when stored
    item = field_create(actor=cast.actor(cast.clerk), data=FieldData(name=name))
    # then it fits
    assert item.name == "ở" * 150


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (FieldData(name="   "), "name", "Hãy nhập tên lĩnh vực."),
        (FieldData(name="x" * 151), "name", "Tên lĩnh vực dài tối đa 150 ký tự."),
        (FieldData(name="Tài chính", code="C" * 21), "code", "Mã lĩnh vực dài tối đa 20 ký tự."),
    ],
)
def test_bad_values_are_refused_with_a_vietnamese_message_and_nothing_stored(
    cast, data, field, message
):
    # given a clerk of A
    before = _state()
    # when a bad value is given
    with pytest.raises(ValidationFailed) as error:
        field_create(actor=cast.actor(cast.clerk), data=data)
    # then the field is named in Vietnamese and nothing is stored
    assert error.value.fields[field] == [message]
    assert _state() == before


def test_a_bad_rename_changes_nothing(cast):
    # given a field of A
    item = _a_field(cast)
    before = _state()
    # when it is renamed to an empty name
    with pytest.raises(ValidationFailed):
        field_update(actor=cast.actor(cast.clerk), field_id=item.pk, data=FieldData(name=""))
    # then nothing changed
    assert _state() == before


# --- Updates and deactivation ---------------------------------------------------------------


def test_a_rename_is_journalled_with_before_and_after(cast):
    # given a field of A
    item = _a_field(cast)
    # when the admin renames and recodes it
    field_update(
        actor=cast.actor(cast.agency_admin),
        field_id=item.pk,
        data=FieldData(name="Chuyển đổi số", code="CDS"),
    )
    # then the journal has the change
    entry = JournalEntry.objects.get(action="registry.field.update", object_id=str(item.pk))
    assert entry.actor_id == cast.agency_admin.pk
    assert entry.before is not None
    assert entry.after is not None
    assert (entry.before["name"], entry.after["name"]) == ("Công nghệ thông tin", "Chuyển đổi số")
    assert (entry.before["code"], entry.after["code"]) == ("CNTT", "CDS")


def test_an_unchanged_save_writes_nothing(cast):
    # given a field of A
    item = _a_field(cast)
    before = _state()
    # when it is saved with the same values, written in NFD
    field_update(
        actor=cast.actor(cast.clerk),
        field_id=item.pk,
        data=FieldData(name=unicodedata.normalize("NFD", item.name), code=item.code),
    )
    # then no journal row is written
    assert _state() == before


def test_deactivating_keeps_documents_linked_and_hides_it_from_forms(cast):
    # given a field of A with an incoming document filed under it
    item = _a_field(cast)
    document = register_incoming(cast, field_id=item.pk)
    actor = cast.actor(cast.clerk)
    # when the clerk deactivates it
    field_update(
        actor=actor,
        field_id=item.pk,
        data=FieldData(name=item.name, code=item.code, is_active=False),
    )
    # then the document keeps it, the forms no longer offer it, the catalogue still lists it
    assert IncomingDocument.objects.get(pk=document.pk).field_id == item.pk
    assert item not in selectors.field_list(actor=actor)
    assert item in selectors.field_list(actor=actor, include_inactive=True)
    entry = JournalEntry.objects.get(action="registry.field.update", object_id=str(item.pk))
    assert entry.after is not None
    assert entry.after["is_active"] is False
    # when it is reactivated
    field_update(actor=actor, field_id=item.pk, data=FieldData(name=item.name, code=item.code))
    # then the forms offer it again
    assert item in selectors.field_list(actor=actor)


@pytest.mark.django_db(transaction=True)
def test_ten_clerks_adding_one_name_written_ten_ways_at_once_store_it_once(cast):
    only_on_vendor("postgresql", "row locks (SELECT FOR UPDATE) are what this test exercises")
    # given ten sessions of A's clerks that start together, each typing the name its own way
    actor = cast.actor(cast.clerk)
    spellings = ["Tài chính", "TÀI CHÍNH", "tai chinh", "Tai Chinh", "tài chính"] * 2
    start = threading.Barrier(len(spellings))
    created: list[int] = []
    conflicts: list[Conflict] = []
    errors: list[BaseException] = []

    def clerk(name: str) -> None:
        try:
            start.wait()
            created.append(field_create(actor=actor, data=FieldData(name=name)).pk)
        except Conflict as conflict:
            conflicts.append(conflict)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=clerk, args=(name,)) for name in spellings]
    # when they all add it at the same time
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then one is stored, the nine others are told it exists, and one journal row is written
    assert errors == []
    assert (len(created), len(conflicts)) == (1, 9)
    assert Field.objects.filter(agency=cast.agency_a).count() == 1
    assert JournalEntry.objects.filter(action="registry.field.create").count() == 1
