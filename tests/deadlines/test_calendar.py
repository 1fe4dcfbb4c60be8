"""WorkCalendar: package data, overrides, provisional fallback, counting rule."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bot.services.calendar.overrides import DayOverride
from bot.services.calendar.work import WorkCalendar

from .helpers import eod, sh

# Hypothetical 2027 data for tests only — NOT the official 2027 schedule.
FAKE_2027 = [
    DayOverride(date(2027, 1, 1), "holiday", "元旦"),
    DayOverride(date(2027, 1, 2), "workday", "测试调休"),  # a Saturday
]


# --------------------------------------------------------------------------- what the package says


def test_package_national_day_2026(calendar: WorkCalendar) -> None:
    # chinese_calendar 1.11.0: 国庆/中秋 2026 = Oct 1–7 off, make-up Sun Sep 20 and Sat Oct 10.
    for day in range(1, 8):
        info = calendar.day_info(date(2026, 10, day))
        assert not info.is_workday
        assert info.kind == "holiday"
        assert info.holiday_name == "国庆节"
        assert info.source == "package" and not info.provisional
    assert calendar.is_workday(date(2026, 10, 8))
    sat = calendar.day_info(date(2026, 10, 10))
    assert (sat.is_workday, sat.kind, sat.holiday_name) == (True, "makeup_workday", "国庆节")
    assert calendar.day_info(date(2026, 9, 20)).kind == "makeup_workday"  # a Sunday
    assert calendar.day_info(date(2026, 10, 11)).kind == "weekend"


def test_package_other_2026_days(calendar: WorkCalendar) -> None:
    assert calendar.day_info(date(2026, 9, 25)).holiday_name == "中秋节"
    assert calendar.day_info(date(2026, 2, 17)).holiday_name == "春节"
    assert calendar.day_info(date(2026, 2, 14)).kind == "makeup_workday"  # Saturday
    assert calendar.day_info(date(2026, 11, 25)).kind == "workday"
    assert calendar.day_info(date(2026, 11, 28)).kind == "weekend"


def test_fallback_for_2027(calendar: WorkCalendar) -> None:
    jan1 = calendar.day_info(date(2027, 1, 1))
    assert (jan1.is_workday, jan1.kind, jan1.holiday_name) == (False, "holiday", "元旦")
    assert jan1.provisional and jan1.source == "fallback"
    sat = calendar.day_info(date(2027, 1, 2))
    assert (sat.kind, sat.provisional, sat.source) == ("weekend", True, "fallback")
    mon = calendar.day_info(date(2027, 1, 4))
    assert (mon.kind, mon.is_workday, mon.provisional) == ("workday", True, True)
    assert calendar.day_info(date(2027, 5, 2)).holiday_name == "劳动节"
    assert [calendar.day_info(date(2027, 10, d)).kind for d in (1, 2, 3)] == ["holiday"] * 3


def test_override_wins_over_package() -> None:
    cal = WorkCalendar([DayOverride(date(2026, 10, 9), "holiday", "测试假日"),
                        DayOverride(date(2026, 10, 3), "workday")])
    info = cal.day_info(date(2026, 10, 9))
    assert (info.is_workday, info.kind, info.source) == (False, "holiday", "override")
    assert info.holiday_name == "测试假日"
    sat = cal.day_info(date(2026, 10, 3))
    assert (sat.is_workday, sat.kind, sat.source) == (True, "makeup_workday", "override")
    assert cal.day_info(date(2026, 10, 8)).source == "package"


def test_partial_overrides_leave_rest_of_year_provisional() -> None:
    cal = WorkCalendar(FAKE_2027)
    assert cal.day_info(date(2027, 1, 2)).kind == "makeup_workday"
    assert not cal.day_info(date(2027, 1, 2)).provisional
    other = cal.day_info(date(2027, 1, 4))
    assert other.provisional and other.source == "fallback"


def test_complete_year_is_not_provisional() -> None:
    cal = WorkCalendar(FAKE_2027, complete_years=[2027])
    mon = cal.day_info(date(2027, 1, 4))
    assert (mon.kind, mon.provisional, mon.source) == ("workday", False, "override")
    sun = cal.day_info(date(2027, 1, 3))
    assert (sun.kind, sun.provisional) == ("weekend", False)
    # a complete year means "everything is listed": unlisted May 1 is an ordinary Saturday
    assert cal.day_info(date(2027, 5, 1)).kind == "weekend"


# --------------------------------------------------------------------------- next / add


def test_next_workday(calendar: WorkCalendar) -> None:
    assert calendar.next_workday(date(2026, 9, 30)) == date(2026, 10, 8)
    assert calendar.next_workday(date(2026, 10, 9)) == date(2026, 10, 10)
    assert calendar.next_workday(date(2026, 10, 8), inclusive=True) == date(2026, 10, 8)
    assert calendar.next_workday(date(2026, 12, 31)) == date(2027, 1, 4)


def test_add_workdays_rule(calendar: WorkCalendar) -> None:
    # receipt day never counts, the time of day does not matter
    assert calendar.add_workdays(sh(2026, 11, 25, 0, 1), 1) == eod(2026, 11, 26)
    assert calendar.add_workdays(sh(2026, 11, 25, 23, 50), 1) == eod(2026, 11, 26)
    # Friday → Monday
    assert calendar.add_workdays(sh(2026, 11, 27, 9), 1) == eod(2026, 11, 30)
    # received on a weekend: counting starts with the next working day
    assert calendar.add_workdays(sh(2026, 11, 28, 9), 1) == eod(2026, 11, 30)
    # n=0: end of the first working day on or after the date
    assert calendar.add_workdays(sh(2026, 11, 25, 9), 0) == eod(2026, 11, 25)
    assert calendar.add_workdays(sh(2026, 11, 28, 9), 0) == eod(2026, 11, 30)


def test_add_workdays_counts_in_the_calendars_zone() -> None:
    # 2026-11-24 17:00 UTC: 01:00 on the 25th in Shanghai, still 23:00 on the 24th in Urumqi
    from datetime import UTC
    from zoneinfo import ZoneInfo

    start = datetime(2026, 11, 24, 17, tzinfo=UTC)
    shanghai = WorkCalendar(tz=ZoneInfo("Asia/Shanghai"))
    assert shanghai.add_workdays(start, 1) == eod(2026, 11, 26)
    urumqi = ZoneInfo("Asia/Urumqi")
    end = WorkCalendar(tz=urumqi).add_workdays(start, 1)
    assert end == datetime(2026, 11, 25, 23, 59, 59, tzinfo=urumqi)
    # a calendar built without a zone counts in the zone of the start it is given
    assert WorkCalendar().add_workdays(start.astimezone(urumqi), 1) == end


def test_reloaded_calendar_keeps_its_zone_and_takes_the_new_days() -> None:
    from zoneinfo import ZoneInfo

    urumqi = ZoneInfo("Asia/Urumqi")
    cal = WorkCalendar(tz=urumqi)
    holder = cal  # e.g. the ticket service holds the same object
    assert holder.day_info(date(2027, 1, 2)).kind == "weekend"
    cal.replace_with(WorkCalendar(FAKE_2027, complete_years=[2027]))
    assert holder.day_info(date(2027, 1, 2)).kind == "makeup_workday"
    assert holder.tz is urumqi


def test_add_workdays_rejects_bad_input(calendar: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="aware"):
        calendar.add_workdays(datetime(2026, 11, 25, 9), 1)
    with pytest.raises(ValueError, match=">= 0"):
        calendar.add_workdays(sh(2026, 11, 25, 9), -1)


def test_count_workdays_provisional_flag(calendar: WorkCalendar) -> None:
    assert not calendar.count_workdays(sh(2026, 12, 29, 9), 2).provisional  # Dec 30, 31
    span = calendar.count_workdays(sh(2026, 12, 29, 9), 3)
    assert span.end == eod(2027, 1, 4) and span.provisional


# --------------------------------------------------------------------------- ranges


def test_upcoming(calendar: WorkCalendar) -> None:
    days = calendar.upcoming(date(2026, 9, 30), 11)
    assert [d.date for d in days] == [date(2026, 9, 30) + timedelta(days=i) for i in range(11)]
    assert [d.kind for d in days if d.kind == "holiday"] == ["holiday"] * 7
    assert days[-1].kind == "makeup_workday"
    assert calendar.upcoming(date(2026, 9, 30), 0) == []


def test_uncovered_years() -> None:
    assert WorkCalendar().uncovered_years(date(2026, 11, 25), date(2027, 2, 1)) == [2027]
    assert WorkCalendar().uncovered_years(date(2025, 1, 1), date(2026, 12, 31)) == []
    assert WorkCalendar(FAKE_2027).uncovered_years(date(2026, 11, 25), date(2027, 2, 1)) == [
        2027]
    complete = WorkCalendar(FAKE_2027, complete_years=[2027])
    assert complete.uncovered_years(date(2026, 11, 25), date(2028, 2, 1)) == [2028]


def test_day_info_rejects_datetime(calendar: WorkCalendar) -> None:
    with pytest.raises(TypeError):
        calendar.day_info(sh(2026, 11, 25, 9))
