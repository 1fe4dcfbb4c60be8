"""Property tests for working-day counting (package years and the fallback year 2027)."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import DEFAULT_TZ as SHANGHAI
from bot.services.calendar.work import END_OF_DAY, WorkCalendar

CALENDAR = WorkCalendar()

starts = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31),
                      timezones=st.just(SHANGHAI))
counts = st.integers(min_value=0, max_value=40)


@settings(max_examples=300, deadline=None)
@given(start=starts, n=counts)
def test_lands_on_a_workday_at_end_of_day(start: datetime, n: int) -> None:
    end = CALENDAR.add_workdays(start, n)
    assert CALENDAR.is_workday(end.date())
    assert end.timetz().replace(tzinfo=None) == END_OF_DAY and end.tzinfo is SHANGHAI
    if n >= 1:
        assert end.date() > start.date()


@settings(max_examples=300, deadline=None)
@given(start=starts, a=counts, b=counts)
def test_monotonic_in_n(start: datetime, a: int, b: int) -> None:
    lo, hi = sorted((a, b))
    assert CALENDAR.add_workdays(start, lo) <= CALENDAR.add_workdays(start, hi)
    if 1 <= lo < hi:
        assert CALENDAR.add_workdays(start, lo) < CALENDAR.add_workdays(start, hi)


@settings(max_examples=200, deadline=None)
@given(start=starts, n=st.integers(min_value=1, max_value=40))
def test_counts_exactly_n_workdays(start: datetime, n: int) -> None:
    end = CALENDAR.add_workdays(start, n).date()
    days = list(CALENDAR.iter_days(start.date(), end))[1:]  # receipt date excluded
    assert sum(d.is_workday for d in days) == n


@settings(max_examples=200, deadline=None)
@given(start=starts, n=st.integers(min_value=1, max_value=40))
def test_time_of_day_does_not_matter(start: datetime, n: int) -> None:
    midnight = start.replace(hour=0, minute=0, second=0, microsecond=0)
    assert CALENDAR.add_workdays(start, n) == CALENDAR.add_workdays(midnight, n)
