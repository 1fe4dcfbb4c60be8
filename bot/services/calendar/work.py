"""Working-day calendar for deadline counting (工作日历).

Where a day's status comes from, in order of precedence:

1. **Override file** (``source='override'``) — a dated entry in a holidays YAML file
   (``holiday`` or ``workday``), e.g. the State Council's schedule for a year the installed
   ``chinesecalendar`` package does not know yet. A year the file declares ``complete: true``
   is fully covered: days not listed are ordinary weekdays / weekends, not provisional.
2. **Package** (``source='package'``) — ``chinese_calendar`` (statutory holidays and make-up
   working days 调休). Version 1.11.0 knows 2004–2026 and raises ``NotImplementedError``
   otherwise.
3. **Fallback** (``source='fallback'``, ``provisional=True``) — for a year neither covers:
   Saturdays/Sundays off plus the fixed-date statutory holidays (《全国年节及纪念日放假办法》,
   as revised in 2024): 元旦 Jan 1, 劳动节 May 1–2, 国庆节 Oct 1–3. Lunar holidays (春节,
   清明, 端午, 中秋) and make-up working days cannot be known without the official schedule,
   so results are marked provisional and :meth:`WorkCalendar.uncovered_years` lets the bot
   remind staff to import the schedule (``python -m bot holidays import FILE``).

Counting working days (:meth:`WorkCalendar.add_workdays`), following 《民法典》第二百零一条
(the starting day is not counted) and 第二百零三条 (the period ends at 24:00 of its last day)::

    N working days after T = 23:59:59 (local time) on the N-th working day strictly
    after T's calendar date.

"Local" is the calendar's ``tz`` (the ``TIMEZONE`` setting, passed in by the composition
root). So the time of day of T does not matter, and a ticket received on a Saturday or a holiday
simply starts counting on the next working day. ``n=0`` means "by the end of the first working
day on or after T's date". The file format is described in ``docs/deadlines.md`` and in the
packaged ``bot/data/holidays.yaml``.

Other pieces: day types in :mod:`bot.services.calendar.days`, the override file's data in
:mod:`bot.services.calendar.overrides` and its schema in :mod:`bot.services.calendar.schema`,
the error type in :mod:`bot.services.calendar.errors`, merging a new schedule into the store
in :mod:`bot.services.calendar.importing`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path

import chinese_calendar

# YamlSource and CalendarFileError are still imported from here by other features (alerts,
# tickets, cli_roster); they are defined in bot.configfiles.yaml_source and
# bot.services.calendar.errors.
from bot.configfiles.yaml_source import YamlSource
from bot.services.calendar.days import (
    END_OF_DAY,
    FALLBACK_FIXED_HOLIDAYS,
    PACKAGE_HOLIDAY_NAMES,
    DayInfo,
    DayKind,
    DaySource,
    WorkdaySpan,
)
from bot.services.calendar.errors import CalendarFileError, calendar_problem
from bot.services.calendar.overrides import (
    DEFAULT_HOLIDAYS_FILE,
    PACKAGED_HOLIDAYS_FILE,
    DayOverride,
    OverrideSet,
    load_override_set,
)

__all__ = ["CalendarFileError", "DayInfo", "WorkCalendar", "YamlSource"]

# A scan for the next working day never needs this many days; more means a broken file
# (e.g. a year of "holiday" entries).
_MAX_SCAN_DAYS = 120


# --------------------------------------------------------------------------- the calendar


def _package_knows(year: int) -> bool:
    try:
        chinese_calendar.get_holiday_detail(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


class WorkCalendar:
    """Answers "is this a working day?" and counts working days. Pure, cached, thread-safe
    enough (the cache only ever gains identical values)."""

    def __init__(self, overrides: Iterable[DayOverride] = (), *,
                 complete_years: Iterable[int] = (), tz: tzinfo | None = None) -> None:
        #: The zone whose calendar days are counted (the ``TIMEZONE`` setting); None counts in
        #: the zone of each start time given (calendars built by hand in tests).
        self.tz = tz
        self._overrides: dict[date, DayOverride] = {}
        for o in overrides:
            self._overrides[o.date] = o  # later entries win
        self._complete_years = frozenset(complete_years)
        self._cache: dict[date, DayInfo] = {}
        self._package_years: dict[int, bool] = {}

    # -- construction -------------------------------------------------------------------

    @classmethod
    def from_override_set(cls, overrides: OverrideSet, *,
                          tz: tzinfo | None = None) -> WorkCalendar:
        return cls(overrides.days, complete_years=overrides.complete_years, tz=tz)

    @classmethod
    def load(cls, holidays_file: str | os.PathLike[str] | None = None, *,
             include_packaged: bool = True, tz: tzinfo | None = None) -> WorkCalendar:
        """The calendar the bot uses: packaged defaults, then the ``HOLIDAYS_FILE`` store
        (default ``data/holidays.yaml``; a missing store is fine — nothing imported yet).
        Invalid files raise :class:`CalendarFileError`."""
        merged = OverrideSet()
        if include_packaged:
            merged = merged.merged_with(load_override_set(PACKAGED_HOLIDAYS_FILE))
        store = Path(holidays_file) if holidays_file is not None else DEFAULT_HOLIDAYS_FILE
        if store.exists():
            merged = merged.merged_with(load_override_set(store))
        return cls.from_override_set(merged, tz=tz)

    def replace_with(self, other: WorkCalendar) -> None:
        """Take over another calendar's days in place (a reloaded holidays file), so every
        service holding this object sees the new schedule at once. The zone stays."""
        self._overrides, self._complete_years = other._overrides, other._complete_years
        self._package_years = dict(other._package_years)
        self._cache = {}

    # -- single days --------------------------------------------------------------------

    def _package_covers(self, year: int) -> bool:
        known = self._package_years.get(year)
        if known is None:
            known = self._package_years[year] = _package_knows(year)
        return known

    def day_info(self, d: date) -> DayInfo:
        if isinstance(d, datetime):
            raise TypeError("day_info() takes a date, not a datetime")
        info = self._cache.get(d)
        if info is None:
            info = self._cache[d] = self._compute(d)
        return info

    def _compute(self, d: date) -> DayInfo:
        weekend = d.weekday() >= 5
        override = self._overrides.get(d)
        if override is not None:
            if override.kind == "holiday":
                return DayInfo(d, False, "holiday", override.name, False, "override")
            kind: DayKind = "makeup_workday" if weekend else "workday"
            return DayInfo(d, True, kind, override.name, False, "override")
        if d.year in self._complete_years:
            return self._plain(d, provisional=False, source="override")
        if self._package_covers(d.year):
            is_holiday, name = chinese_calendar.get_holiday_detail(d)
            cn_name = PACKAGE_HOLIDAY_NAMES.get(name, name) if name else None
            if is_holiday:
                if cn_name is None:
                    return DayInfo(d, False, "weekend", None, False, "package")
                return DayInfo(d, False, "holiday", cn_name, False, "package")
            if weekend:
                return DayInfo(d, True, "makeup_workday", cn_name, False, "package")
            return DayInfo(d, True, "workday", None, False, "package")
        fixed = FALLBACK_FIXED_HOLIDAYS.get((d.month, d.day))
        if fixed is not None:
            return DayInfo(d, False, "holiday", fixed, True, "fallback")
        return self._plain(d, provisional=True, source="fallback")

    @staticmethod
    def _plain(d: date, *, provisional: bool, source: DaySource) -> DayInfo:
        if d.weekday() >= 5:
            return DayInfo(d, False, "weekend", None, provisional, source)
        return DayInfo(d, True, "workday", None, provisional, source)

    def is_workday(self, d: date) -> bool:
        return self.day_info(d).is_workday

    def next_workday(self, d: date, *, inclusive: bool = False) -> date:
        """The first working day strictly after ``d`` (or on/after it with ``inclusive``)."""
        return self._next_workday_info(d, inclusive=inclusive)[0].date

    def _next_workday_info(self, d: date, *, inclusive: bool) -> tuple[DayInfo, bool]:
        """(first working day, whether any day looked at was provisional)."""
        provisional = False
        day = d if inclusive else d + timedelta(days=1)
        for _ in range(_MAX_SCAN_DAYS):
            info = self.day_info(day)
            provisional = provisional or info.provisional
            if info.is_workday:
                return info, provisional
            day += timedelta(days=1)
        raise calendar_problem("no_workday", date=d, days=_MAX_SCAN_DAYS)

    # -- counting -----------------------------------------------------------------------

    def count_workdays(self, start: datetime, n: int) -> WorkdaySpan:
        """:meth:`add_workdays` plus whether any day it looked at was provisional."""
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        tz = self.tz if self.tz is not None else start.tzinfo
        day = start.astimezone(tz).date()
        info, provisional = self._next_workday_info(day, inclusive=n == 0)
        for _ in range(max(n - 1, 0)):
            info, more = self._next_workday_info(info.date, inclusive=False)
            provisional = provisional or more
        return WorkdaySpan(datetime.combine(info.date, END_OF_DAY, tzinfo=tz), provisional)

    def add_workdays(self, start: datetime, n: int) -> datetime:
        """23:59:59 on the ``n``-th working day strictly after ``start``'s local date.
        ``n=0``: end of the first working day on or after that date."""
        return self.count_workdays(start, n).end

    # -- ranges -------------------------------------------------------------------------

    def upcoming(self, start: date, days: int) -> list[DayInfo]:
        """``days`` consecutive days from ``start`` (inclusive), for ``/holidays``."""
        return [self.day_info(start + timedelta(days=i)) for i in range(max(days, 0))]

    def uncovered_years(self, from_date: date, to_date: date) -> list[int]:
        """Years in [from_date, to_date] that only the provisional fallback covers: neither the
        package knows them nor an override file declares them complete."""
        return [
            y for y in range(from_date.year, to_date.year + 1)
            if y not in self._complete_years and not self._package_covers(y)
        ]

    def iter_days(self, start: date, end: date) -> Iterator[DayInfo]:
        """Every day from ``start`` to ``end`` inclusive."""
        day = start
        while day <= end:
            yield self.day_info(day)
            day += timedelta(days=1)
