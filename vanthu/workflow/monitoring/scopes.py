"""Whose handling the actor may monitor, and for which period (see the package docstring).

A scope the actor may not see is NotFound, whether the unit or person exists or not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.conf import settings

from vanthu.core.actor import Actor
from vanthu.core.errors import NotFound, ValidationFailed
from vanthu.organizations.choices import Role
from vanthu.organizations.models import Agency, Person, RoleGrant, Unit

NOT_FOUND = "Không tìm thấy."
# A period longer than this is refused: the figures are for following work, not for archives.
MAX_PERIOD_DAYS = 366
# Dates outside these years are typing mistakes (and the month after 9999 does not exist).
YEARS = (1900, 2999)


class Scope(StrEnum):
    """Whose handling is shown; stored in URLs and the API, never renamed."""

    AGENCY = "agency"
    UNIT = "unit"
    PERSON = "person"


SCOPE_LABELS = {Scope.AGENCY: "Cơ quan", Scope.UNIT: "Đơn vị", Scope.PERSON: "Cá nhân"}


class Group(StrEnum):
    """The assignments behind one figure (`nhom`); stored in URLs and the API, never renamed."""

    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"


GROUP_LABELS = {
    Group.ASSIGNED: "Được giao trong kỳ",
    Group.IN_PROGRESS: "Đang xử lý",
    Group.DUE_SOON: "Sắp đến hạn",
    Group.OVERDUE: "Quá hạn",
    Group.DONE_ON_TIME: "Hoàn thành đúng hạn",
    Group.DONE_LATE: "Hoàn thành quá hạn",
}


# --- Period -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Period:
    """The days of the figures, both included, in local dates."""

    start: date
    end: date

    @classmethod
    def month_of(cls, day: date) -> Period:
        """Return the calendar month of `day`."""
        first = day.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return cls(first, following - timedelta(days=1))

    def bounds(self) -> tuple[datetime, datetime]:
        """Return [first instant, instant after the last day) in the local time zone."""
        zone = ZoneInfo(settings.TIME_ZONE)
        return (
            datetime.combine(self.start, time.min, tzinfo=zone),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone),
        )


def period_error(start: date, end: date) -> str | None:
    """Return why a period is refused (a Vietnamese sentence), or None if it is fine."""
    if not (YEARS[0] <= start.year <= YEARS[1] and YEARS[0] <= end.year <= YEARS[1]):
        return f"Năm phải từ {YEARS[0]} đến {YEARS[1]}."
    if start > end:
        return "Ngày bắt đầu phải trước hoặc bằng ngày kết thúc."
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        return f"Khoảng thời gian tối đa {MAX_PERIOD_DAYS} ngày."
    return None


def period_make(*, start: date | None, end: date | None, today: date) -> Period:
    """Return the period from optional bounds: this month by default, one bound fills the other.

    Raises ValidationFailed (field `date_to`) for a period the monitoring refuses.
    """
    month = Period.month_of(today)
    if start is None and end is None:
        return month
    years = f"Năm phải từ {YEARS[0]} đến {YEARS[1]}."
    for name, bound in (("date_from", start), ("date_to", end)):
        if bound is not None and not YEARS[0] <= bound.year <= YEARS[1]:
            raise ValidationFailed(years, fields={name: [years]})
    if start is None:
        assert end is not None
        start = end.replace(day=1)
    if end is None:
        end = Period.month_of(start).end
    error = period_error(start, end)
    if error is not None:
        raise ValidationFailed(error, fields={"date_to": [error]})
    return Period(start, end)


# --- Who may see what -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MonitoringTarget:
    """A scope the actor may see: the agency, one of its units, or one of its people."""

    scope: Scope
    agency: Agency
    unit: Unit | None = None
    person: Person | None = None

    @property
    def label(self) -> str:
        if self.person is not None:
            return self.person.full_name
        if self.unit is not None:
            return self.unit.name
        return self.agency.name

    def query(self) -> dict[str, str]:
        """Return the URL parameters (web names) that name this target."""
        params = {"pham_vi": str(self.scope)}
        if self.unit is not None:
            params["don_vi"] = str(self.unit.pk)
        if self.person is not None:
            params["can_bo"] = str(self.person.pk)
        return params


def headed_units(actor: Actor) -> list[int]:
    """Return the units of the acting agency the actor heads."""
    return sorted(
        g.unit_id
        for g in actor.grants
        if g.role == Role.UNIT_HEAD and g.agency_id == actor.agency_id and g.unit_id is not None
    )


def may_see_agency(actor: Actor) -> bool:
    """Return whether the actor sees the acting agency's figures (leaders, clerks, admins)."""
    return actor.agency_id is not None and any(
        actor.has_role(role) for role in (Role.LEADER, Role.CLERK, Role.AGENCY_ADMIN)
    )


def may_choose_unit(actor: Actor) -> bool:
    """Return whether the actor sees every unit of the agency (leaders and administrators)."""
    return actor.agency_id is not None and (
        actor.has_role(Role.LEADER) or actor.has_role(Role.AGENCY_ADMIN)
    )


def monitoring_scopes(actor: Actor) -> list[Scope]:
    """Return the scopes the actor may open, widest first (none without an acting agency)."""
    if actor.agency_id is None or actor.person_id is None:
        return []
    scopes = []
    if may_see_agency(actor):
        scopes.append(Scope.AGENCY)
    if may_choose_unit(actor) or headed_units(actor):
        scopes.append(Scope.UNIT)
    scopes.append(Scope.PERSON)
    return scopes


def monitoring_units(actor: Actor) -> list[Unit]:
    """Return the units whose figures the actor may open, by name."""
    if actor.agency_id is None:
        return []
    units = Unit.objects.filter(agency_id=actor.agency_id)
    if not may_choose_unit(actor):
        units = units.filter(pk__in=headed_units(actor))
    return list(units.order_by("name", "pk"))


def _may_see_person(actor: Actor, agency_id: int, person_id: int) -> bool:
    if person_id == actor.person_id:
        return True
    grants = RoleGrant.objects.filter(person_id=person_id, agency_id=agency_id)
    if actor.has_role(Role.LEADER):
        return grants.exists()
    units = headed_units(actor)
    return bool(units) and grants.filter(unit_id__in=units).exists()


def monitoring_target_get(
    *,
    actor: Actor,
    scope: str | None = None,
    unit_id: int | None = None,
    person_id: int | None = None,
) -> MonitoringTarget:
    """Return what the actor asks to monitor, in the acting agency; NotFound if they may not.

    Without a scope: a person if one is named, a unit if one is named, else the widest scope
    the actor may see. A unit head without `unit_id` gets their (first) unit.
    """
    allowed = monitoring_scopes(actor)
    if not allowed:
        raise NotFound(NOT_FOUND)
    if scope is None:
        scope = (
            Scope.PERSON
            if person_id is not None
            else Scope.UNIT
            if unit_id is not None
            else allowed[0]
        )
    agency_id = actor.agency_id
    if scope not in allowed or agency_id is None:
        raise NotFound(NOT_FOUND)
    agency = Agency.objects.get(pk=agency_id)
    if scope == Scope.AGENCY:
        return MonitoringTarget(Scope.AGENCY, agency)
    if scope == Scope.UNIT:
        if unit_id is None:
            headed = headed_units(actor)
            if not headed:
                raise ValidationFailed(
                    "Hãy chọn đơn vị cần theo dõi.", fields={"unit": ["Hãy chọn đơn vị."]}
                )
            unit_id = headed[0]
        unit = Unit.objects.filter(pk=unit_id, agency=agency).first()
        if unit is None or not (may_choose_unit(actor) or unit.pk in headed_units(actor)):
            raise NotFound(NOT_FOUND)
        return MonitoringTarget(Scope.UNIT, agency, unit=unit)
    person_id = actor.person_id if person_id is None else person_id
    assert person_id is not None
    person = Person.objects.filter(pk=person_id).first()
    if person is None or not _may_see_person(actor, agency_id, person.pk):
        raise NotFound(NOT_FOUND)
    return MonitoringTarget(Scope.PERSON, agency, person=person)
