"""What a single calendar day is: kinds, sources, names and the end-of-day instant.

These are the value types and fixed tables :class:`bot.services.calendar.WorkCalendar`
answers with; kept apart so the calendar module holds only the rules that combine them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Literal

DayKind = Literal["workday", "weekend", "holiday", "makeup_workday"]
DaySource = Literal["override", "package", "fallback"]

#: End of a counted working day (deadlines are inclusive: overdue once now > deadline).
END_OF_DAY = time(23, 59, 59)

#: ``chinese_calendar`` holiday names → Chinese.
PACKAGE_HOLIDAY_NAMES: Mapping[str, str] = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}

#: Fixed-date statutory holidays, usable for any year without an official schedule.
FALLBACK_FIXED_HOLIDAYS: Mapping[tuple[int, int], str] = {
    (1, 1): "元旦",
    (5, 1): "劳动节",
    (5, 2): "劳动节",
    (10, 1): "国庆节",
    (10, 2): "国庆节",
    (10, 3): "国庆节",
}


@dataclass(frozen=True)
class DayInfo:
    date: date
    is_workday: bool
    kind: DayKind
    holiday_name: str | None
    provisional: bool
    source: DaySource


@dataclass(frozen=True)
class WorkdaySpan:
    """Result of counting working days: the deadline and whether any counted day was a guess."""

    end: datetime
    provisional: bool
