"""Holiday overrides: set and delete by the system administrator only, journalled; the admin."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from vanthu.core.calendar import working_calendar
from vanthu.core.errors import NotFound, PermissionDenied, ValidationFailed
from vanthu.core.models import HolidayOverride, JournalEntry
from vanthu.core.selectors import holiday_override_list
from vanthu.core.services import holiday_override_delete, holiday_override_set

pytestmark = pytest.mark.django_db

SATURDAY = date(2027, 5, 8)
OBJECT_TYPE = "core.holidayoverride"


def _journal(action: str) -> list[JournalEntry]:
    return list(JournalEntry.objects.filter(object_type=OBJECT_TYPE, action=action))


def _values(data: object) -> dict[str, object]:
    assert isinstance(data, dict), data
    return data


def test_system_admin_sets_a_make_up_saturday(cast):
    # given the system administrator
    actor = cast.actor(cast.system_admin)
    assert not working_calendar().is_working_day(SATURDAY)
    # when they declare Saturday 8/5/2027 a working day
    with time_machine.travel("2027-04-20 09:00 +0700", tick=False):
        override = holiday_override_set(
            actor=actor, date=SATURDAY, kind="working_day", name="  Làm bù cho ngày 3/5/2027 "
        )
    # then the row is stored, the calendar counts the day, and the journal names the actor
    assert HolidayOverride.objects.get(date=SATURDAY).name == "Làm bù cho ngày 3/5/2027"
    assert working_calendar().is_working_day(SATURDAY)
    [entry] = _journal("holiday_override.create")
    assert entry.object_id == str(override.pk)
    assert entry.actor_id == cast.system_admin.pk
    assert _values(entry.after)["kind"] == "working_day"
    assert entry.created_at.isoformat() == "2027-04-20T02:00:00+00:00"


def test_setting_an_existing_date_replaces_it_and_journals_before_and_after(cast):
    actor = cast.actor(cast.system_admin)
    holiday_override_set(actor=actor, date=SATURDAY, kind="working_day", name="Làm bù")
    # when the same date is set again as a day off
    holiday_override_set(actor=actor, date=SATURDAY, kind="day_off", name="Hủy làm bù")
    # then one row remains, with the new kind, and the update is journalled
    assert list(HolidayOverride.objects.values_list("date", "kind")) == [(SATURDAY, "day_off")]
    [entry] = _journal("holiday_override.update")
    assert (_values(entry.before)["kind"], _values(entry.after)["kind"]) == (
        "working_day",
        "day_off",
    )
    # and setting it again unchanged writes nothing new
    holiday_override_set(actor=actor, date=SATURDAY, kind="day_off", name="Hủy làm bù")
    assert JournalEntry.objects.filter(object_type=OBJECT_TYPE).count() == 2


def test_system_admin_deletes_an_override(cast):
    actor = cast.actor(cast.system_admin)
    holiday_override_set(actor=actor, date=SATURDAY, kind="working_day", name="Làm bù")
    # when deleted
    holiday_override_delete(actor=actor, date=SATURDAY)
    # then the package decides again, and the deletion is journalled with the old values
    assert not HolidayOverride.objects.exists()
    assert not working_calendar().is_working_day(SATURDAY)
    [entry] = _journal("holiday_override.delete")
    assert _values(entry.before)["name"] == "Làm bù"
    assert entry.after is None


def test_deleting_a_date_without_override_is_not_found(cast):
    before = JournalEntry.objects.count()
    with pytest.raises(NotFound):
        holiday_override_delete(actor=cast.actor(cast.system_admin), date=SATURDAY)
    assert JournalEntry.objects.count() == before


@pytest.mark.parametrize(
    ("kind", "name", "field"),
    [("half_day", "Làm bù", "kind"), ("day_off", "   ", "name"), ("day_off", "x" * 201, "name")],
)
def test_invalid_override_is_refused_and_nothing_stored(cast, kind, name, field):
    before = JournalEntry.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        holiday_override_set(
            actor=cast.actor(cast.system_admin), date=SATURDAY, kind=kind, name=name
        )
    assert field in caught.value.fields
    assert not HolidayOverride.objects.exists()
    assert JournalEntry.objects.count() == before


@pytest.mark.parametrize("persona", ["clerk", "leader", "agency_admin", "outsider_admin"])
def test_others_may_not_set_an_override(cast, persona):
    # given someone who is not the system administrator
    actor = cast.actor(getattr(cast, persona))
    before = JournalEntry.objects.count()
    # when they try to declare a make-up Saturday
    with pytest.raises(PermissionDenied):
        holiday_override_set(actor=actor, date=SATURDAY, kind="working_day", name="Làm bù")
    # then nothing changed
    assert not HolidayOverride.objects.exists()
    assert JournalEntry.objects.count() == before


@pytest.mark.parametrize("persona", ["clerk", "agency_admin"])
def test_others_may_not_delete_an_override(cast, persona):
    holiday_override_set(
        actor=cast.actor(cast.system_admin), date=SATURDAY, kind="working_day", name="Làm bù"
    )
    before = JournalEntry.objects.count()
    with pytest.raises(PermissionDenied):
        holiday_override_delete(actor=cast.actor(getattr(cast, persona)), date=SATURDAY)
    assert HolidayOverride.objects.filter(date=SATURDAY).exists()
    assert JournalEntry.objects.count() == before


def test_list_returns_one_year_in_date_order(cast):
    actor = cast.actor(cast.system_admin)
    for day in (date(2027, 12, 31), date(2027, 1, 2), date(2026, 12, 31)):
        holiday_override_set(actor=actor, date=day, kind="day_off", name="Nghỉ")
    assert [o.date for o in holiday_override_list(year=2027)] == [
        date(2027, 1, 2),
        date(2027, 12, 31),
    ]


# --- Django admin -----------------------------------------------------------------------------


@pytest.fixture
def admin_client_of(client, cast):
    """Sign the system administrator into the Django admin."""
    person = cast.system_admin
    person.is_staff = person.is_superuser = True
    person.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(person)
    return client


def test_admin_add_goes_through_the_service(admin_client_of, cast):
    # when the system administrator adds an override in the Django admin
    response = admin_client_of.post(
        "/quan-tri-django/core/holidayoverride/add/",
        {"date": "2027-05-08", "kind": "working_day", "name": "Làm bù"},
        REMOTE_ADDR="10.1.2.3",
    )
    # then it is stored and journalled with the administrator and their address
    assert response.status_code == 302, response.content.decode()[:2000]
    assert HolidayOverride.objects.get(date=SATURDAY).kind == "working_day"
    [entry] = _journal("holiday_override.create")
    assert (entry.actor_id, entry.ip_address) == (cast.system_admin.pk, "10.1.2.3")


def test_admin_delete_goes_through_the_service(admin_client_of, cast):
    override = holiday_override_set(
        actor=cast.actor(cast.system_admin), date=SATURDAY, kind="working_day", name="Làm bù"
    )
    response = admin_client_of.post(
        f"/quan-tri-django/core/holidayoverride/{override.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not HolidayOverride.objects.exists()
    assert len(_journal("holiday_override.delete")) == 1


def test_admin_refuses_a_blank_reason_and_stores_nothing(admin_client_of):
    response = admin_client_of.post(
        "/quan-tri-django/core/holidayoverride/add/",
        {"date": "2027-05-08", "kind": "working_day", "name": "   "},
    )
    assert response.status_code == 200
    assert not HolidayOverride.objects.exists()
    assert not _journal("holiday_override.create")


def test_admin_journal_is_read_only(admin_client_of, cast):
    holiday_override_set(
        actor=cast.actor(cast.system_admin), date=SATURDAY, kind="working_day", name="Làm bù"
    )
    entry = JournalEntry.objects.get(object_type=OBJECT_TYPE)
    # the list is shown, filterable and searchable
    listing = admin_client_of.get(
        "/quan-tri-django/core/journalentry/", {"action": "holiday_override.create", "q": "Làm bù"}
    )
    assert listing.status_code == 200
    assert "holiday_override.create" in listing.content.decode()
    # but nothing can be added, changed or deleted
    assert admin_client_of.get("/quan-tri-django/core/journalentry/add/").status_code == 403
    delete_url = f"/quan-tri-django/core/journalentry/{entry.pk}/delete/"
    assert admin_client_of.post(delete_url, {"post": "yes"}).status_code == 403
    change = admin_client_of.post(
        f"/quan-tri-django/core/journalentry/{entry.pk}/change/", {"action": "forged"}
    )
    assert change.status_code == 403
    assert JournalEntry.objects.get(pk=entry.pk).action == "holiday_override.create"
