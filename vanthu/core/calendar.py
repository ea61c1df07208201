"""The working-time calendar: working days, office sessions and deadlines (ADR 0006).

A working day is a weekday that is not a public holiday, or a Saturday/holiday the Government
turned into a working day; the `holidays` package knows the statutory holidays (Bộ luật Lao động
2019 Điều 112) and the swaps it ships, and the `HolidayOverride` table adds the swaps announced
each year. Working time is the office sessions (giờ hành chính) of working days, as local wall
time in `settings.TIME_ZONE`. Sessions are half-open: 07:00-11:30 contains 07:00, not 11:30.

This module never imports `vanthu.organizations`: callers pass an agency's own sessions.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from typing import NamedTuple, overload
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings

from vanthu.core.errors import ValidationFailed
from vanthu.core.models import HolidayOverride

DAY_OFF = HolidayOverride.Kind.DAY_OFF.value
WORKING_DAY = HolidayOverride.Kind.WORKING_DAY.value
_KINDS = frozenset({DAY_OFF, WORKING_DAY})

# A safety net, not a rule: no real calendar has ten years without a working day.
_MAX_SEARCH_DAYS = 3660

SessionsInput = Sequence[Sequence[time | str]]
OverrideLoader = Callable[[int], Mapping[date, str]]


class Session(NamedTuple):
    """One office session of a working day, in local wall time: [start, end)."""

    start: time
    end: time

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def _invalid(message: str) -> ValidationFailed:
    return ValidationFailed(
        f"Giờ làm việc không hợp lệ: {message}", fields={"office_sessions": [message]}
    )


def _parse_time(value: time | str, number: int) -> time:
    if isinstance(value, time):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = time.fromisoformat(value.strip())
        except ValueError:
            raise _invalid(f"phiên {number} có giờ '{value}' không đúng dạng HH:MM.") from None
    else:
        raise _invalid(f"phiên {number} có giờ không đúng dạng HH:MM.")
    if parsed.tzinfo is not None:
        raise _invalid(f"phiên {number} phải ghi giờ địa phương, không kèm múi giờ.")
    return parsed


def parse_sessions(value: SessionsInput) -> tuple[Session, ...]:
    """Validate office sessions ([["07:30", "11:30"], ...] or time pairs) and return them."""
    if isinstance(value, str | bytes) or not value:
        raise _invalid("cần ít nhất một phiên làm việc.")
    sessions: list[Session] = []
    for number, pair in enumerate(value, start=1):
        if isinstance(pair, str | bytes) or len(pair) != 2:
            raise _invalid(f"phiên {number} cần đúng một giờ bắt đầu và một giờ kết thúc.")
        session = Session(_parse_time(pair[0], number), _parse_time(pair[1], number))
        if session.start >= session.end:
            raise _invalid(f"phiên {number} ({session}) có giờ bắt đầu không trước giờ kết thúc.")
        if sessions and session.start < sessions[-1].end:
            raise _invalid(
                f"phiên {number} ({session}) phải bắt đầu sau khi phiên {number - 1} "
                f"({sessions[-1]}) kết thúc; các phiên phải theo thứ tự và không chồng lên nhau."
            )
        sessions.append(session)
    return tuple(sessions)


@functools.lru_cache(maxsize=64)
def _public_year(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """Return the public holidays and the weekend working days of one year, per `holidays`."""
    # A swap can cross New Year (31/12/2018 off for Saturday 5/1/2019); the package records the
    # worked Saturday whichever year is populated, so one year suffices.
    known = holidays.country_holidays("VN", years=year)
    days_off = frozenset(day for day in known if day.year == year)
    weekend_workdays = frozenset(day for day in known.weekend_workdays if day.year == year)
    return days_off, weekend_workdays


def public_holiday_is_working_day(day: date) -> bool:
    """Return whether `day` is a working day by the `holidays` package alone (no overrides)."""
    days_off, weekend_workdays = _public_year(day.year)
    if day.weekday() >= 5:  # QĐ 188/1999/QĐ-TTg: Saturday and Sunday are the weekly rest days
        return day in weekend_workdays
    return day not in days_off


def _load_overrides(year: int) -> dict[date, str]:
    return dict(HolidayOverride.objects.filter(date__year=year).values_list("date", "kind"))


class WorkingCalendar:
    """Working days and office sessions of one agency; built once, then only read.

    `overrides` maps a date to "day_off" or "working_day" and wins over the `holidays` package.
    With `override_loader` (see `working_calendar`) the overrides of a year are read once, the
    first time a day of that year is asked about.
    """

    __slots__ = ("_loaded", "_loader", "_overrides", "_sessions", "_zone")

    def __init__(
        self,
        *,
        sessions: SessionsInput,
        overrides: Mapping[date, str] | None = None,
        time_zone: str | tzinfo | None = None,
        override_loader: OverrideLoader | None = None,
    ) -> None:
        self._sessions = parse_sessions(sessions)
        self._overrides = dict(overrides or {})
        unknown = {kind for kind in self._overrides.values() if kind not in _KINDS}
        if unknown:
            raise ValueError(f"Unknown holiday override kind(s): {sorted(unknown)}")
        zone = settings.TIME_ZONE if time_zone is None else time_zone
        self._zone: tzinfo = ZoneInfo(zone) if isinstance(zone, str) else zone
        self._loader = override_loader
        self._loaded: dict[int, Mapping[date, str]] = {}

    def __repr__(self) -> str:
        sessions = ", ".join(str(s) for s in self._sessions)
        return f"WorkingCalendar(sessions=[{sessions}], zone={self._zone})"

    @property
    def sessions(self) -> tuple[Session, ...]:
        return self._sessions

    @property
    def zone(self) -> tzinfo:
        return self._zone

    # --- Days -----------------------------------------------------------------------------

    def _override(self, day: date) -> str | None:
        if day in self._overrides:
            return self._overrides[day]
        if self._loader is None:
            return None
        if day.year not in self._loaded:
            self._loaded[day.year] = dict(self._loader(day.year))
        return self._loaded[day.year].get(day)

    def is_working_day(self, day: date) -> bool:
        """Return whether `day` is a working day: the override if any, else the package."""
        if isinstance(day, datetime):
            day = self._local(day).date()
        override = self._override(day)
        if override is not None:
            return override == WORKING_DAY
        return public_holiday_is_working_day(day)

    def next_working_day(self, day: date) -> date:
        """Return the first working day strictly after `day`."""
        for _ in range(_MAX_SEARCH_DAYS):
            day += timedelta(days=1)
            if self.is_working_day(day):
                return day
        raise RuntimeError(f"No working day within ten years after {day}.")

    def _first_working_day_from(self, day: date) -> date:
        return day if self.is_working_day(day) else self.next_working_day(day)

    def _add_days(self, day: date, n: int) -> date:
        for _ in range(n):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """Return how many working days d satisfy a < d <= b (negative when b is before a).

        Datetimes are taken at their local date. For n >= 1,
        `working_days_between(a, add_working_days(a, n)) == n`.
        """
        a, b = self._as_date(a), self._as_date(b)
        if b < a:
            return -self.working_days_between(b, a)
        return sum(
            1
            for offset in range(1, (b - a).days + 1)
            if self.is_working_day(a + timedelta(days=offset))
        )

    # --- Instants -------------------------------------------------------------------------

    def _local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"The working calendar needs aware datetimes, got {moment!r}.")
        return moment.astimezone(self._zone)

    def _as_date(self, value: date) -> date:
        return self._local(value).date() if isinstance(value, datetime) else value

    def _at(self, day: date, wall: time) -> datetime:
        return datetime.combine(day, wall, tzinfo=self._zone)

    def _session_index(self, wall: time) -> int | None:
        for index, session in enumerate(self._sessions):
            if session.start <= wall < session.end:
                return index
        return None

    def is_working_time(self, moment: datetime) -> bool:
        """Return whether the aware `moment` falls inside an office session of a working day."""
        local = self._local(moment)
        return self.is_working_day(local.date()) and self._session_index(local.time()) is not None

    def next_session_start(self, moment: datetime) -> datetime:
        """Return `moment` if it is working time, else the start of the next office session.

        QĐ 22 Điều 10: a document received outside working time counts as received at the start
        of the next working session. Between sessions this is the next session of the same day;
        after the last session or on a non-working day, the first session of the next working
        day. The result is in the calendar's time zone.
        """
        local = self._local(moment)
        day, wall = local.date(), local.time()
        if self.is_working_day(day):
            for session in self._sessions:
                if wall < session.start:
                    return self._at(day, session.start)
                if wall < session.end:
                    return local
        return self._at(self.next_working_day(day), self._sessions[0].start)

    def end_of_working_day(self, day: date) -> datetime:
        """Return the end of the last session of `day`, or of the next working day if it is off.

        Why the next day: a time limit whose last day is a day off ends on the following working
        day (Bộ luật Dân sự 2015 Điều 148.5).
        """
        day = self._first_working_day_from(self._as_date(day))
        return self._at(day, self._sessions[-1].end)

    def add_half_days(self, start: datetime, n: int) -> datetime:
        """Return the instant `n` half-days (office sessions) of working time after `start`.

        Definition (ADR 0006): a half-day is one office session. `start` is first moved to
        `next_session_start`; say it is then `offset` into session S. The result is `offset`
        into the session that comes `n` sessions after S (counting only sessions of working
        days), or that session's end if it is shorter than `offset`. An `offset` of zero (the
        start of S) is the same working time as the end of the previous session, so the result
        is then the end of the session `n - 1` sessions after S: 07:00 + 1 half-day = 11:30,
        not 13:30. The result is therefore never a session start (except for n = 0, which
        returns the moved `start`); pass it to `next_session_start` to get one.
        """
        if n < 0:
            raise ValueError(f"n must be zero or positive, got {n}.")
        begin = self.next_session_start(start)
        if n == 0:
            return begin
        day, wall = begin.date(), begin.time()
        index = self._session_index(wall)
        if index is None:  # unreachable: next_session_start returns an instant inside a session
            raise AssertionError(f"next_session_start returned {begin}, outside every session")
        offset = datetime.combine(day, wall) - datetime.combine(day, self._sessions[index].start)
        steps = n - 1 if offset == timedelta(0) else n
        days_ahead, target_index = divmod(index + steps, len(self._sessions))
        target_day = self._add_days(day, days_ahead)
        target = self._sessions[target_index]
        if offset == timedelta(0):
            return self._at(target_day, target.end)
        wall_result = min(
            datetime.combine(target_day, target.start) + offset,
            datetime.combine(target_day, target.end),
        )
        return self._at(target_day, wall_result.time())

    @overload
    def add_working_days(self, start: datetime, n: int) -> datetime: ...

    @overload
    def add_working_days(self, start: date, n: int) -> date: ...

    def add_working_days(self, start: date, n: int) -> date:
        """Return the deadline `n` working days after `start` (a date or an aware datetime).

        For a date: the n-th working day strictly after `start` (the day of the event is not
        counted, Bộ luật Dân sự 2015 Điều 147); n = 0 gives `start` itself if it is a working day,
        else the next working day. For a datetime: the same as `add_half_days(start, n * number
        of sessions)` — the same wall time n working days later, where a start outside working
        time first moves to the next session and a session start counts as the end of the
        previous session (Friday 18:05 + 1 working day = the next working day's closing time).
        """
        if n < 0:
            raise ValueError(f"n must be zero or positive, got {n}.")
        if isinstance(start, datetime):
            return self.add_half_days(start, n * len(self._sessions))
        if n == 0:
            return self._first_working_day_from(start)
        return self._add_days(start, n)


def working_calendar(*, sessions: SessionsInput | None = None) -> WorkingCalendar:
    """Return a calendar with the province's sessions (or `sessions`) and the stored overrides.

    Pass an agency's `office_sessions`; an empty list means the province default
    (`settings.OFFICE_SESSIONS`). The overrides of each year are read from the database once per
    calendar, so build one calendar per request or task, not one per day.
    """
    return WorkingCalendar(
        sessions=sessions or settings.OFFICE_SESSIONS, override_loader=_load_overrides
    )
