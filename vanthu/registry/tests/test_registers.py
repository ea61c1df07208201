"""Registers configured by the agency: extra series, renaming, closing, and the numbering rules.

NĐ 30/2020 Điều 15: numbers run per register from 01 on 1 January, without gaps or repeats. A
type may move to another series only before its first number of the year; closing a register
keeps every number it gave, and nothing is numbered twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from vanthu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from vanthu.core.models import JournalEntry
from vanthu.registry.choices import RegisterKind
from vanthu.registry.models import DocumentType, OutgoingDocument, Register, RegisterCounter
from vanthu.registry.outgoing import (
    OutgoingData,
    RecipientData,
    outgoing_document_create,
    outgoing_document_issue,
)
from vanthu.registry.registers import (
    RegisterData,
    register_create,
    register_for,
    register_update,
    registers_ensure_defaults,
)

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOV_2026 = datetime(2026, 11, 20, 10, 0, tzinfo=HCM)
JAN_2027 = datetime(2027, 1, 5, 10, 0, tzinfo=HCM)
JAN_2028 = datetime(2028, 1, 4, 10, 0, tzinfo=HCM)


def _type(code: str) -> DocumentType:
    return DocumentType.objects.get(code=code)


def _issue(cast: Any, code: str = "cong-van") -> OutgoingDocument:
    """Enter and issue an outgoing document of agency A today, as its clerk."""
    actor = cast.actor(cast.clerk)
    draft = outgoing_document_create(
        actor=actor,
        data=OutgoingData(
            document_type_id=_type(code).pk,
            drafting_unit_id=cast.office_a.pk,
            summary="V/v tổ chức hội nghị chuyển đổi số",
        ),
        recipients=[RecipientData(agency_id=cast.agency_b.pk)],
    )
    return outgoing_document_issue(actor=actor, document_id=draft.pk)


def _general(cast: Any) -> Register:
    return Register.objects.get(agency=cast.agency_a, name="Sổ văn bản đi")


def _giay_moi_register(cast: Any, person: Any = None) -> Register:
    return register_create(
        actor=cast.actor(person or cast.clerk),
        kind=RegisterKind.OUTGOING,
        data=RegisterData(name="Sổ Giấy mời", document_type_ids=(_type("giay-moi").pk,)),
    )


def _data(register: Register, **overrides: Any) -> RegisterData:
    values: dict[str, Any] = {
        "name": register.name,
        "document_type_ids": tuple(register.document_types.values_list("pk", flat=True)),
        "is_active": register.is_active,
    }
    values.update(overrides)
    return RegisterData(**values)


def _state() -> dict[str, Any]:
    return {
        "registers": list(Register.objects.order_by("pk").values()),
        "types": list(Register.document_types.through.objects.order_by("pk").values()),
        "counters": list(RegisterCounter.objects.order_by("pk").values()),
        "journal": JournalEntry.objects.count(),
    }


# --- Extra series -----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["clerk", "agency_admin"])
def test_an_extra_series_numbers_its_type_from_01_and_is_journalled(cast, persona):
    with time_machine.travel(NOV_2026, tick=False):
        # given two Công văn issued in the general register
        _issue(cast)
        _issue(cast)
        # when the clerk (or the administrator) opens a register for Giấy mời
        register = _giay_moi_register(cast, getattr(cast, persona))
        invitation = _issue(cast, "giay-moi")
        letter = _issue(cast)
    # then the Giấy mời is number 01 of the new series; the Công văn continue theirs
    assert (invitation.register, invitation.number_notation) == (register, "01/GM-STTTT")
    assert (letter.register, letter.number) == (_general(cast), 3)
    assert register.agency == cast.agency_a
    assert not register.is_legal_normative
    entry = JournalEntry.objects.get(action="registry.register.create", object_id=str(register.pk))
    assert entry.actor_id == getattr(cast, persona).pk
    assert entry.after["document_types"] == ["giay-moi"]
    assert entry.after["name"] == "Sổ Giấy mời"


def test_a_type_numbered_this_year_cannot_move_to_a_new_series(cast):
    with time_machine.travel(NOV_2026, tick=False):
        # given a Giấy mời already numbered this year in the general register
        _issue(cast, "giay-moi")
        before = _state()
        # when the clerk opens a register for Giấy mời
        with pytest.raises(Conflict) as refused:
            _giay_moi_register(cast)
    # then it is refused: a second “01/GM-STTTT” this year would follow; nothing is stored
    assert "01/01/2027" in refused.value.message
    assert refused.value.fields["document_types"] == ["“Giấy mời” đã được cấp số trong năm 2026."]
    assert _state() == before


def test_from_1_january_the_type_may_move(cast):
    # given a Giấy mời numbered last year in the general register
    with time_machine.travel(NOV_2026, tick=False):
        old = _issue(cast, "giay-moi")
    # when, in January, the clerk opens a register for Giấy mời and issues one
    with time_machine.travel(JAN_2027, tick=False):
        register = _giay_moi_register(cast)
        new = _issue(cast, "giay-moi")
    # then the new series starts at 01; last year's number stays where it was
    assert (new.register, new.year, new.number) == (register, 2027, 1)
    old.refresh_from_db()
    assert (old.register, old.year, old.number) == (_general(cast), 2026, 1)


def test_a_type_has_one_open_register(cast):
    with time_machine.travel(NOV_2026, tick=False):
        # given a register for Giấy mời
        _giay_moi_register(cast)
        before = _state()
        # when another one is opened for Giấy mời and Thông báo
        with pytest.raises(Conflict) as refused:
            register_create(
                actor=cast.actor(cast.clerk),
                kind=RegisterKind.OUTGOING,
                data=RegisterData(
                    name="Sổ Giấy mời, Thông báo",
                    document_type_ids=(_type("giay-moi").pk, _type("thong-bao").pk),
                ),
            )
    # then it is refused, naming the register that numbers the type
    assert refused.value.fields["document_types"] == [
        "“Giấy mời” đã được đánh số trong sổ “Sổ Giấy mời”."
    ]
    assert _state() == before


@pytest.mark.parametrize(
    ("codes", "error"),
    [
        ((), "Chọn ít nhất một loại văn bản được đánh số trong sổ này."),
        (("nghi-dinh", "thong-tu"), "chỉ dành cho một loại văn bản QPPL"),
        (("nghi-dinh", "cong-van"), "chỉ dành cho một loại văn bản QPPL"),
    ],
    ids=["no-type", "two-legal-normative-types", "legal-normative-and-other"],
)
def test_a_series_needs_types_and_legal_normative_types_one_each(cast, codes, error):
    before = _state()
    with pytest.raises(ValidationFailed) as refused:
        register_create(
            actor=cast.actor(cast.clerk),
            kind=RegisterKind.OUTGOING,
            data=RegisterData(name="Sổ thêm", document_type_ids=tuple(_type(c).pk for c in codes)),
        )
    assert error in refused.value.fields["document_types"][0]
    assert _state() == before


def test_a_legal_normative_series_is_marked_and_used(cast):
    with time_machine.travel(NOV_2026, tick=False):
        # when the clerk opens a register for Nghị định and one is issued
        register = register_create(
            actor=cast.actor(cast.clerk),
            kind=RegisterKind.OUTGOING,
            data=RegisterData(name="Sổ Nghị định", document_type_ids=(_type("nghi-dinh").pk,)),
        )
        document = _issue(cast, "nghi-dinh")
    # then the register is a legal normative series and numbers it with the year
    assert register.is_legal_normative
    assert (document.register, document.number_notation) == (register, "01/2026/NĐ-STTTT")


def test_an_incoming_series_takes_its_type(cast):
    register = register_create(
        actor=cast.actor(cast.clerk),
        kind=RegisterKind.INCOMING,
        data=RegisterData(name="Sổ đơn thư", document_type_ids=(_type("giay-moi").pk,)),
    )
    found = register_for(
        agency_id=cast.agency_a.pk, kind=RegisterKind.INCOMING, document_type=_type("giay-moi")
    )
    assert found == register
    assert not register.is_legal_normative


def test_a_name_is_unique_ignoring_case_and_diacritics(cast):
    _giay_moi_register(cast)
    before = _state()
    with pytest.raises(Conflict) as refused:
        register_create(
            actor=cast.actor(cast.clerk),
            kind=RegisterKind.OUTGOING,
            data=RegisterData(name="SO GIAY MOI", document_type_ids=(_type("thong-bao").pk,)),
        )
    assert "Sổ Giấy mời" in refused.value.fields["name"][0]
    assert _state() == before


# --- Renaming, closing, reopening -----------------------------------------------------------


def test_renaming_is_journalled_and_the_defaults_are_not_recreated(cast):
    general = _general(cast)
    # when the clerk renames the general outgoing register
    renamed = register_update(
        actor=cast.actor(cast.clerk),
        register_id=general.pk,
        data=_data(general, name="Sổ đăng ký văn bản đi"),
    )
    # then the change is journalled, and the defaults see the renamed register as theirs
    entry = JournalEntry.objects.get(action="registry.register.update", object_id=str(general.pk))
    assert (entry.before["name"], entry.after["name"]) == ("Sổ văn bản đi", "Sổ đăng ký văn bản đi")
    count = Register.objects.filter(agency=cast.agency_a).count()
    registers_ensure_defaults(agency_id=cast.agency_a.pk)
    assert Register.objects.filter(agency=cast.agency_a).count() == count
    with time_machine.travel(NOV_2026, tick=False):
        assert _issue(cast).register == renamed


def test_an_unchanged_register_writes_nothing(cast):
    general = _general(cast)
    before = _state()
    register_update(actor=cast.actor(cast.clerk), register_id=general.pk, data=_data(general))
    assert _state() == before


def test_a_register_that_numbered_this_year_cannot_be_closed(cast):
    with time_machine.travel(NOV_2026, tick=False):
        # given a Giấy mời register that gave number 01 this year
        register = _giay_moi_register(cast)
        _issue(cast, "giay-moi")
        before = _state()
        # when the clerk closes it
        with pytest.raises(Conflict) as refused:
            register_update(
                actor=cast.actor(cast.clerk),
                register_id=register.pk,
                data=_data(register, is_active=False),
            )
    # then it stays open: the year's Giấy mời would restart at 01 in the general register
    assert "is_active" in refused.value.fields
    assert _state() == before


def test_closing_keeps_every_number_and_reopening_never_reuses_one(cast):
    # given a Giấy mời register that numbered two documents in 2026
    with time_machine.travel(NOV_2026, tick=False):
        register = _giay_moi_register(cast)
        first, second = _issue(cast, "giay-moi"), _issue(cast, "giay-moi")
    # when the clerk closes it in January 2027 and a Giấy mời is issued
    with time_machine.travel(JAN_2027, tick=False):
        closed = register_update(
            actor=cast.actor(cast.clerk),
            register_id=register.pk,
            data=_data(register, is_active=False),
        )
        in_general = _issue(cast, "giay-moi")
        # then the documents and the 2026 counter stay, and Giấy mời go to the general register
        assert not closed.is_active
        assert in_general.register == _general(cast)
        assert RegisterCounter.objects.get(register=register, year=2026).last_number == 2
        # and it cannot reopen this year: 2027's Giấy mời already run in the general register
        with pytest.raises(Conflict):
            register_update(
                actor=cast.actor(cast.clerk),
                register_id=register.pk,
                data=_data(closed, is_active=True),
            )
    # when it reopens from 1 January 2028
    with time_machine.travel(JAN_2028, tick=False):
        register_update(
            actor=cast.actor(cast.clerk),
            register_id=register.pk,
            data=_data(closed, is_active=True),
        )
        reopened = _issue(cast, "giay-moi")
    # then its 2028 series starts at 01 and no 2026 number was given again
    assert (reopened.register, reopened.year, reopened.number) == (register, 2028, 1)
    numbers = OutgoingDocument.objects.filter(register=register).values_list("year", "number")
    assert sorted(numbers) == [(2026, 1), (2026, 2), (2028, 1)]
    for document in (first, second):
        document.refresh_from_db()
        assert document.register == register
    actions = (
        JournalEntry.objects.filter(action="registry.register.update", object_id=str(register.pk))
        .order_by("id")
        .values_list("after__is_active", flat=True)
    )
    assert list(actions) == [False, True]


def test_the_only_general_register_stays_open_and_general(cast):
    general = _general(cast)
    before = _state()
    clerk = cast.actor(cast.clerk)
    # when the clerk closes it, or gives it a type of its own
    with pytest.raises(Conflict) as closing:
        register_update(actor=clerk, register_id=general.pk, data=_data(general, is_active=False))
    with pytest.raises(Conflict) as typing:
        register_update(
            actor=clerk,
            register_id=general.pk,
            data=_data(general, document_type_ids=(_type("cong-van").pk,)),
        )
    # then both are refused: documents of the other types would have no register
    assert "is_active" in closing.value.fields
    assert "document_types" in typing.value.fields
    assert _state() == before


# --- Who may -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["specialist", "leader", "unit_head", "archivist"])
def test_staff_who_are_not_clerks_or_admins_cannot_change_registers(cast, persona):
    general = _general(cast)
    before = _state()
    actor = cast.actor(getattr(cast, persona))
    with pytest.raises(PermissionDenied):
        _giay_moi_register(cast, getattr(cast, persona))
    with pytest.raises(PermissionDenied):
        register_update(actor=actor, register_id=general.pk, data=_data(general, name="Sổ khác"))
    assert _state() == before


@pytest.mark.parametrize("persona", ["outsider", "outsider_admin"])
def test_another_agencys_people_do_not_find_the_register(cast, persona):
    general = _general(cast)
    before = _state()
    with pytest.raises(NotFound):
        register_update(
            actor=cast.actor(getattr(cast, persona)),
            register_id=general.pk,
            data=_data(general, name="Sổ khác"),
        )
    assert _state() == before


def test_a_system_admin_without_an_agency_cannot_create(cast):
    before = _state()
    with pytest.raises(PermissionDenied):
        _giay_moi_register(cast, cast.system_admin)
    assert _state() == before
