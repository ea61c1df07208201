"""The working-time calendar: working days, office sessions, Điều 10 receipt times, deadlines."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
import time_machine
from django.utils import timezone

from vanthu.core.calendar import WorkingCalendar, parse_sessions, working_calendar
from vanthu.core.errors import ValidationFailed
from vanthu.core.models import HolidayOverride

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PROVINCE_SESSIONS = [("07:00", "11:30"), ("13:30", "17:00")]


def cal(overrides=None, sessions=PROVINCE_SESSIONS) -> WorkingCalendar:
    return WorkingCalendar(sessions=sessions, overrides=overrides or {}, time_zone=VN)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0):
    return datetime(year, month, day, hour, minute, second, tzinfo=VN)


# --- Working days ---------------------------------------------------------------------------


def test_tet_2026_days_are_not_working_days():
    # given the province calendar
    calendar = cal()
    # then the Tết 2026 week is off and the days around it are not
    tet = [date(2026, 2, 16) + timedelta(days=n) for n in range(5)]
    assert [calendar.is_working_day(d) for d in tet] == [False] * 5
    assert calendar.is_working_day(date(2026, 2, 13))  # Friday before
    assert calendar.is_working_day(date(2026, 2, 23))  # Monday after


def test_deadline_counted_in_working_days_skips_tet_2026():
    calendar = cal()
    # when a deadline of 1 and 3 working days starts on the Friday / Thursday before Tết
    # then the Tết week and both weekends are skipped
    assert calendar.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)
    assert calendar.add_working_days(date(2026, 2, 12), 3) == date(2026, 2, 24)
    assert calendar.working_days_between(date(2026, 2, 13), date(2026, 2, 23)) == 1


def test_tet_2027_from_the_holidays_package():
    # given the package's Tết 2027: Thursday 4 to Wednesday 10 February (29 Tết to mùng 5)
    known = holidays.country_holidays("VN", years=2027)
    tet = [date(2027, 2, 4) + timedelta(days=n) for n in range(7)]
    assert all(d in known for d in tet)
    calendar = cal()
    # then no day of it is a working day, and deadlines jump over it
    assert not any(calendar.is_working_day(d) for d in tet)
    assert calendar.add_working_days(date(2027, 2, 3), 1) == date(2027, 2, 11)
    # Tue 2, Wed 3, Thu 11, Fri 12, Mon 15
    assert calendar.add_working_days(date(2027, 2, 1), 5) == date(2027, 2, 15)


def test_make_up_saturday_known_to_the_package():
    # given Saturday 22/8/2026, worked in exchange for Monday 31/8/2026 (the package's swap)
    calendar = cal()
    # then that Saturday is a working day and the Monday, 1/9 and 2/9 are not
    assert calendar.is_working_day(date(2026, 8, 22))
    assert not calendar.is_working_day(date(2026, 8, 29))
    assert calendar.add_working_days(date(2026, 8, 21), 1) == date(2026, 8, 22)
    assert calendar.add_working_days(date(2026, 8, 28), 1) == date(2026, 9, 3)


def test_swap_across_new_year():
    # given the 2018/2019 swap: Monday 31/12/2018 off, Saturday 5/1/2019 worked instead
    calendar = cal()
    assert not calendar.is_working_day(date(2018, 12, 31))
    assert calendar.is_working_day(date(2019, 1, 5))
    # then Friday 28/12/2018 + 1 working day skips 31/12 and 1/1
    assert calendar.add_working_days(date(2018, 12, 28), 1) == date(2019, 1, 2)
    assert calendar.add_working_days(date(2019, 1, 4), 1) == date(2019, 1, 5)


def test_make_up_saturday_from_the_override_table():
    # given a Saturday the package does not know, announced as a make-up working day
    saturday = date(2027, 5, 8)
    assert not cal().is_working_day(saturday)
    calendar = cal({saturday: HolidayOverride.Kind.WORKING_DAY})
    # then it counts as a working day
    assert calendar.is_working_day(saturday)
    assert calendar.add_working_days(date(2027, 5, 7), 1) == saturday
    assert cal().add_working_days(date(2027, 5, 7), 1) == date(2027, 5, 10)


def test_override_day_off_on_a_weekday():
    # given Tuesday 10/3/2026 declared a day off
    calendar = cal({date(2026, 3, 10): "day_off"})
    # then it is skipped
    assert not calendar.is_working_day(date(2026, 3, 10))
    assert calendar.add_working_days(date(2026, 3, 9), 1) == date(2026, 3, 11)
    assert calendar.next_session_start(at(2026, 3, 9, 17, 30)) == at(2026, 3, 11, 7, 0)


def test_override_wins_over_the_package_both_ways():
    # given the package's make-up Saturday cancelled, and a holiday turned into a working day
    calendar = cal({date(2026, 8, 22): "day_off", date(2026, 11, 24): "working_day"})
    # then the overrides decide
    assert not calendar.is_working_day(date(2026, 8, 22))
    assert calendar.is_working_day(date(2026, 11, 24))
    assert not cal().is_working_day(date(2026, 11, 24))


def test_unknown_override_kind_is_refused():
    with pytest.raises(ValueError, match="kind"):
        cal({date(2026, 3, 10): "half_day"})


def test_working_days_between_is_the_inverse_of_add_working_days():
    calendar = cal()
    start = date(2026, 1, 1)
    for offset in range(366):
        day = start + timedelta(days=offset)
        for n in (1, 7):
            assert calendar.working_days_between(day, calendar.add_working_days(day, n)) == n
    assert calendar.working_days_between(date(2026, 2, 23), date(2026, 2, 13)) == -1
    # 2026: 365 days, 104 weekend days, 13 package holidays on weekdays (Hùng Kings falls on a
    # Sunday and is compensated on Monday 27/4) and one make-up Saturday (22/8)
    assert (
        calendar.working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 365 - 104 - 13 + 1
    )


def test_zero_working_days_from_a_day_off_is_the_next_working_day():
    calendar = cal()
    assert calendar.add_working_days(date(2026, 3, 6), 0) == date(2026, 3, 6)
    assert calendar.add_working_days(date(2026, 3, 7), 0) == date(2026, 3, 9)


# --- Sessions and Điều 10 receipt time --------------------------------------------------------


def test_friday_evening_before_tet_moves_to_the_first_morning_after_it():
    # given a document received on Friday 13/2/2026 at 18:05, before the Tết week
    received = at(2026, 2, 13, 18, 5)
    # then its legal receipt time is the first session after the holiday
    assert cal().next_session_start(received) == at(2026, 2, 23, 7, 0)


def test_lunchtime_moves_to_the_afternoon_session():
    calendar = cal()
    assert calendar.next_session_start(at(2026, 3, 6, 12, 0)) == at(2026, 3, 6, 13, 30)
    # the end of a session is no longer inside it
    assert calendar.next_session_start(at(2026, 3, 6, 11, 30)) == at(2026, 3, 6, 13, 30)


def test_early_morning_moves_to_the_opening_of_the_same_day():
    assert cal().next_session_start(at(2026, 3, 6, 6, 0)) == at(2026, 3, 6, 7, 0)


def test_inside_a_session_the_instant_is_kept_and_shown_in_local_time():
    # given 02:00 UTC, which is 09:00 in Khánh Hòa
    moment = datetime(2026, 3, 6, 2, 0, tzinfo=UTC)
    result = cal().next_session_start(moment)
    assert result == moment
    assert result.tzinfo == VN
    assert result.hour == 9


def test_is_working_time_at_session_boundaries():
    calendar = cal()
    assert calendar.is_working_time(at(2026, 3, 6, 7, 0))
    assert calendar.is_working_time(at(2026, 3, 6, 16, 59, 59))
    assert not calendar.is_working_time(at(2026, 3, 6, 11, 30))
    assert not calendar.is_working_time(at(2026, 3, 6, 17, 0))
    assert not calendar.is_working_time(at(2026, 3, 7, 9, 0))  # Saturday
    assert calendar.is_working_time(at(2026, 8, 22, 9, 0))  # make-up Saturday
    # UTC instants are judged by local wall time: 10:30 UTC is 17:30, 01:00 UTC is 08:00
    assert not calendar.is_working_time(datetime(2026, 3, 6, 10, 30, tzinfo=UTC))
    assert calendar.is_working_time(datetime(2026, 3, 6, 1, 0, tzinfo=UTC))


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        cal().next_session_start(datetime(2026, 3, 6, 9, 0))


def test_now_after_closing_moves_to_the_next_morning():
    # given the clock on Friday 13/2/2026 at 18:05 local time
    with time_machine.travel(at(2026, 2, 13, 18, 5), tick=False):
        # when a caller asks for the receipt time of "now"
        received = cal().next_session_start(timezone.now())
    # then it is Monday 23/2 at 07:00
    assert received == at(2026, 2, 23, 7, 0)


def test_end_of_working_day():
    calendar = cal()
    assert calendar.end_of_working_day(date(2026, 3, 6)) == at(2026, 3, 6, 17, 0)
    # a deadline falling on a holiday ends on the next working day
    assert calendar.end_of_working_day(date(2026, 2, 17)) == at(2026, 2, 23, 17, 0)


# --- Half-days and working days from an instant ------------------------------------------------


def test_half_day_from_the_morning_lands_in_the_afternoon_at_the_same_offset():
    # given 10:00 on a Friday, 3 hours into the morning session
    # then half a working day later is 3 hours into the afternoon session
    assert cal().add_half_days(at(2026, 3, 6, 10, 0), 1) == at(2026, 3, 6, 16, 30)


def test_half_day_longer_than_the_next_session_stops_at_its_end():
    # 11:00 is 4 h into the morning; the afternoon lasts only 3.5 h
    assert cal().add_half_days(at(2026, 3, 6, 11, 0), 1) == at(2026, 3, 6, 17, 0)


def test_half_day_crosses_the_weekend():
    calendar = cal()
    # Friday 16:00 (2.5 h into the afternoon) → Monday 09:30
    assert calendar.add_half_days(at(2026, 3, 6, 16, 0), 1) == at(2026, 3, 9, 9, 30)
    # Friday 10:00 + 3 half-days: Friday afternoon, Monday morning, Monday afternoon
    assert calendar.add_half_days(at(2026, 3, 6, 10, 0), 3) == at(2026, 3, 9, 16, 30)


def test_half_day_from_a_session_start_ends_with_that_session():
    calendar = cal()
    assert calendar.add_half_days(at(2026, 3, 6, 7, 0), 1) == at(2026, 3, 6, 11, 30)
    # sent at lunchtime: counted from 13:30, so half a day later is the close of business
    assert calendar.add_half_days(at(2026, 3, 6, 12, 15), 1) == at(2026, 3, 6, 17, 0)
    # sent on Saturday: counted from Monday 07:00
    assert calendar.add_half_days(at(2026, 3, 7, 10, 0), 1) == at(2026, 3, 9, 11, 30)
    assert calendar.add_half_days(at(2026, 3, 7, 10, 0), 0) == at(2026, 3, 9, 7, 0)


def test_working_days_from_an_instant():
    calendar = cal()
    # Friday 16:00 + 1 working day: Monday after Tết at 16:00
    assert calendar.add_working_days(at(2026, 2, 13, 16, 0), 1) == at(2026, 2, 23, 16, 0)
    # received after closing: one full working day is Monday's close of business
    assert calendar.add_working_days(at(2026, 2, 13, 18, 5), 1) == at(2026, 2, 23, 17, 0)
    # from 13:30, one working day later is the end of the next morning
    assert calendar.add_working_days(at(2026, 3, 6, 13, 30), 1) == at(2026, 3, 9, 11, 30)
    moment = at(2026, 3, 6, 9, 45)
    assert calendar.add_working_days(moment, 2) == calendar.add_half_days(moment, 4)


def test_negative_counts_are_refused():
    with pytest.raises(ValueError, match="positive"):
        cal().add_working_days(date(2026, 3, 6), -1)
    with pytest.raises(ValueError, match="positive"):
        cal().add_half_days(at(2026, 3, 6, 9, 0), -1)


# --- Agency sessions and their validation -----------------------------------------------------


def test_custom_agency_sessions():
    # given an agency working 07:30-11:30 and 13:30-17:00 (Agency.office_sessions JSON)
    calendar = cal(sessions=[["07:30", "11:30"], ["13:30", "17:00"]])
    assert calendar.next_session_start(at(2026, 3, 6, 7, 15)) == at(2026, 3, 6, 7, 30)
    assert not calendar.is_working_time(at(2026, 3, 6, 7, 15))
    assert calendar.add_half_days(at(2026, 3, 6, 11, 0), 1) == at(2026, 3, 6, 17, 0)
    assert calendar.add_half_days(at(2026, 3, 6, 9, 0), 1) == at(2026, 3, 6, 15, 0)


def test_three_sessions_and_time_objects():
    calendar = cal(sessions=[(time(7), time(11)), (time(13), time(16)), (time(18), time(20))])
    assert calendar.next_session_start(at(2026, 3, 6, 16, 30)) == at(2026, 3, 6, 18, 0)
    assert calendar.add_half_days(at(2026, 3, 6, 8, 0), 3) == at(2026, 3, 9, 8, 0)
    assert calendar.end_of_working_day(date(2026, 3, 6)) == at(2026, 3, 6, 20, 0)


@pytest.mark.parametrize(
    ("sessions", "fragment"),
    [
        ([], "ít nhất một phiên"),
        ([("11:30", "07:00")], "phiên 1"),
        ([("07:00", "07:00")], "phiên 1"),
        ([("07:00", "11:30"), ("11:00", "17:00")], "không chồng lên nhau"),
        ([("13:30", "17:00"), ("07:00", "11:30")], "theo thứ tự"),
        ([("7h30", "11:30")], "'7h30'"),
        ([("07:00",)], "phiên 1 cần đúng"),
        ("07:00-11:30", "ít nhất một phiên"),
    ],
)
def test_invalid_sessions_are_refused_with_a_clear_error(sessions, fragment):
    with pytest.raises(ValidationFailed) as caught:
        WorkingCalendar(sessions=sessions, time_zone=VN)
    assert fragment in caught.value.message
    assert caught.value.fields["office_sessions"]


def test_touching_sessions_are_allowed():
    assert [str(s) for s in parse_sessions([("07:00", "12:00"), ("12:00", "16:00")])] == [
        "07:00-12:00",
        "12:00-16:00",
    ]


# --- Calendar built from the database ---------------------------------------------------------


@pytest.mark.django_db
def test_working_calendar_reads_overrides_once_per_year(django_assert_num_queries):
    # given a make-up Saturday and a day off stored in the override table
    HolidayOverride.objects.create(date=date(2027, 5, 8), kind="working_day", name="Làm bù")
    HolidayOverride.objects.create(date=date(2027, 5, 4), kind="day_off", name="Nghỉ bù")
    calendar = working_calendar()
    # when every day of 2027 is asked about, then the table is read once
    with django_assert_num_queries(1):
        days = [date(2027, 1, 1) + timedelta(days=n) for n in range(365)]
        working = {d for d in days if calendar.is_working_day(d)}
    assert date(2027, 5, 8) in working
    assert date(2027, 5, 4) not in working
    assert date(2027, 5, 5) in working


@pytest.mark.django_db
def test_working_calendar_uses_province_sessions_unless_given(settings):
    settings.OFFICE_SESSIONS = [(time(7, 30), time(11, 30)), (time(13, 0), time(17, 0))]
    assert [str(s) for s in working_calendar().sessions] == ["07:30-11:30", "13:00-17:00"]
    # an agency with no sessions of its own uses the province's
    assert [str(s) for s in working_calendar(sessions=[]).sessions] == [
        "07:30-11:30",
        "13:00-17:00",
    ]
    custom = working_calendar(sessions=[["08:00", "12:00"]])
    assert custom.next_session_start(at(2026, 3, 6, 13, 0)) == at(2026, 3, 9, 8, 0)
