"""Report periods: weeks, assessment months (which may start on any day), quarters, half-years,
years and custom ranges, with their previous period and the same period a year earlier.

Every period is ``[start, end)`` between two local midnights in the zone it was built with
(the configured ``TIMEZONE``: callers pass ``tz``, or it comes from the aware ``now``).
Periods carry keys, not words: `bot/texts/reports/periods.py` writes their labels and the
reasons a period argument is refused (`PeriodError.problem`).

Assessment months: with ``month_start_day = d``

* ``d == 1``: month *M* is the calendar month.
* ``d > 1``: month *M* runs from day *d* of month *M-1* to day *d-1* of month *M*, both
  inclusive; e.g. with ``d = 19`` month 2026-11 is 19 October 00:00 – 19 November 00:00.

Quarters, half-years and years are unions of assessment months (Q1 = months 1–3, H1 = 1–6).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

KINDS = ("week", "month", "quarter", "halfyear", "year", "custom")


class PeriodProblem(enum.StrEnum):
    """Why a period argument was refused (each has its sentence in the texts)."""

    bad_date = "bad_date"
    bad_month = "bad_month"
    bad_quarter = "bad_quarter"
    bad_halfyear = "bad_halfyear"
    bad_year = "bad_year"
    month_number = "month_number"
    quarter_number = "quarter_number"
    half_number = "half_number"
    end_before_start = "end_before_start"
    too_long = "too_long"
    need_two_dates = "need_two_dates"
    too_many_args = "too_many_args"
    not_started = "not_started"


class PeriodError(ValueError):
    """A period argument that cannot be understood: `problem` and the argument as typed."""

    def __init__(self, problem: PeriodProblem, arg: str = "") -> None:
        super().__init__(f"{problem.value}: {arg!r}" if arg else problem.value)
        self.problem = problem
        self.arg = arg


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime  # aware, local midnight
    end: datetime  # aware, local midnight, exclusive
    key: str  # "2026-W47", "2026-11", "2026-Q3", "2026-H2", "2026", "2026-01-01~2026-01-31"
    start_day: int = 1  # assessment-month start day the period was built with

    @property
    def tz(self) -> tzinfo:
        tz = self.start.tzinfo
        assert tz is not None, "periods are built from aware datetimes"
        return tz

    @property
    def first_day(self) -> date:
        return self.start.date()

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(days=1)).date()

    @property
    def days(self) -> int:
        return (self.end.date() - self.start.date()).days

    def previous(self) -> Period:
        """The period just before (环比)."""
        tz = self.tz
        if self.kind == "week":
            return week_of(self.first_day - timedelta(days=7), tz=tz)
        if self.kind == "month":
            y, m = _split_key(self.key)
            y, m = (y - 1, 12) if m == 1 else (y, m - 1)
            return month(y, m, start_day=self.start_day, tz=tz)
        if self.kind == "quarter":
            y, q = int(self.key[:4]), int(self.key[-1])
            y, q = (y - 1, 4) if q == 1 else (y, q - 1)
            return quarter(y, q, start_day=self.start_day, tz=tz)
        if self.kind == "halfyear":
            y, h = int(self.key[:4]), int(self.key[-1])
            y, h = (y - 1, 2) if h == 1 else (y, 1)
            return halfyear(y, h, start_day=self.start_day, tz=tz)
        if self.kind == "year":
            return year(int(self.key) - 1, start_day=self.start_day, tz=tz)
        n = self.days
        return custom(self.first_day - timedelta(days=n), self.first_day - timedelta(days=1),
                      tz=tz)

    def last_year(self) -> Period:
        """The same period a year earlier (同比). A week: the week 52 weeks earlier."""
        tz = self.tz
        if self.kind == "week":
            return week_of(self.first_day - timedelta(weeks=52), tz=tz)
        if self.kind == "month":
            y, m = _split_key(self.key)
            return month(y - 1, m, start_day=self.start_day, tz=tz)
        if self.kind == "quarter":
            return quarter(int(self.key[:4]) - 1, int(self.key[-1]), start_day=self.start_day,
                           tz=tz)
        if self.kind == "halfyear":
            return halfyear(int(self.key[:4]) - 1, int(self.key[-1]), start_day=self.start_day,
                            tz=tz)
        if self.kind == "year":
            return year(int(self.key) - 1, start_day=self.start_day, tz=tz)
        return custom(_minus_year(self.first_day), _minus_year(self.last_day), tz=tz)

    def buckets(self) -> list[tuple[str, datetime, datetime]]:
        """Sub-periods for the trend chart, as (key, start, end): days up to 62 days (key
        "2026-11-16"), else assessment months (key "2026-11")."""
        tz = self.tz
        out: list[tuple[str, datetime, datetime]] = []
        if self.days <= 62:
            d = self.first_day
            while d <= self.last_day:
                out.append((d.isoformat(), midnight(d, tz),
                            midnight(d + timedelta(days=1), tz)))
                d += timedelta(days=1)
            return out
        p = month_containing(self.start, start_day=self.start_day)
        while p.start < self.end:
            y, m = _split_key(p.key)
            s, e = max(p.start, self.start), min(p.end, self.end)
            out.append((p.key, s, e))
            p = month(y + (m == 12), 1 if m == 12 else m + 1, start_day=self.start_day, tz=tz)
        return out


def midnight(d: date, tz: tzinfo) -> datetime:
    return datetime.combine(d, time(0), tzinfo=tz)


def _minus_year(d: date) -> date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28)


def _split_key(key: str) -> tuple[int, int]:
    y, m = key.split("-")
    return int(y), int(m)


def _check_start_day(start_day: int) -> None:
    if not 1 <= start_day <= 28:
        raise ValueError("month start day must be 1..28")


# ------------------------------------------------------------------ constructors
def week_of(d: date, *, tz: tzinfo) -> Period:
    """The Monday–Sunday week containing `d`."""
    monday = d - timedelta(days=d.weekday())
    iso_year, iso_week, _ = monday.isocalendar()
    return Period("week", midnight(monday, tz), midnight(monday + timedelta(days=7), tz),
                  f"{iso_year}-W{iso_week:02d}")


def month(y: int, m: int, *, start_day: int = 1, tz: tzinfo) -> Period:
    _check_start_day(start_day)
    if not 1 <= m <= 12:
        raise PeriodError(PeriodProblem.month_number)
    if start_day == 1:
        a = date(y, m, 1)
        b = date(y + (m == 12), 1 if m == 12 else m + 1, 1)
    else:
        a = date(y - (m == 1), 12 if m == 1 else m - 1, start_day)
        b = date(y, m, start_day)
    return Period("month", midnight(a, tz), midnight(b, tz), f"{y}-{m:02d}", start_day)


def _months(y: int, first: int, last: int, kind: str, key: str, start_day: int,
            tz: tzinfo) -> Period:
    a = month(y, first, start_day=start_day, tz=tz)
    b = month(y, last, start_day=start_day, tz=tz)
    return Period(kind, a.start, b.end, key, start_day)


def quarter(y: int, q: int, *, start_day: int = 1, tz: tzinfo) -> Period:
    if not 1 <= q <= 4:
        raise PeriodError(PeriodProblem.quarter_number)
    return _months(y, 3 * q - 2, 3 * q, "quarter", f"{y}-Q{q}", start_day, tz)


def halfyear(y: int, h: int, *, start_day: int = 1, tz: tzinfo) -> Period:
    if h not in (1, 2):
        raise PeriodError(PeriodProblem.half_number)
    return _months(y, 6 * h - 5, 6 * h, "halfyear", f"{y}-H{h}", start_day, tz)


def year(y: int, *, start_day: int = 1, tz: tzinfo) -> Period:
    return _months(y, 1, 12, "year", f"{y}", start_day, tz)


def custom(first: date, last: date, *, tz: tzinfo) -> Period:
    """From `first` to `last`, both days included."""
    if last < first:
        raise PeriodError(PeriodProblem.end_before_start)
    if (last - first).days > 366 * 3:
        raise PeriodError(PeriodProblem.too_long)
    key = f"{first.isoformat()}~{last.isoformat()}"
    return Period("custom", midnight(first, tz), midnight(last + timedelta(days=1), tz), key)


# ------------------------------------------------------------------ "containing" and "last"
def month_containing(at: datetime, *, start_day: int = 1) -> Period:
    """The assessment month holding the aware datetime `at`, in `at`'s zone."""
    tz = _zone(at)
    d = at.date()
    y, m = d.year, d.month
    if start_day != 1 and d.day >= start_day:
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return month(y, m, start_day=start_day, tz=tz)


def last_full(kind: str, now: datetime, *, start_day: int = 1) -> Period:
    """The latest period of `kind` that ended at or before `now` (aware, in the bot's zone)."""
    tz = _zone(now)
    if kind == "week":
        return week_of(now.date() - timedelta(days=7), tz=tz)
    cur = month_containing(now, start_day=start_day)
    y, m = _split_key(cur.key)
    if kind == "month":
        return cur.previous()
    if kind == "quarter":
        q = (m - 1) // 3 + 1
        return quarter(y, q, start_day=start_day, tz=tz).previous()
    if kind == "halfyear":
        return halfyear(y, 1 if m <= 6 else 2, start_day=start_day, tz=tz).previous()
    if kind == "year":
        return year(y - 1, start_day=start_day, tz=tz)
    raise ValueError(kind)


def _zone(at: datetime) -> tzinfo:
    if at.tzinfo is None:
        raise ValueError("an aware datetime is needed (the clock's now)")
    return at.tzinfo


# ------------------------------------------------------------------ parsing user input
_DATE = re.compile(r"^(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?$")
_MONTH = re.compile(r"^(\d{4})[-/.年]?(\d{1,2})月?$")
_QUARTER = re.compile(r"^(\d{4})[-/年]?[Qq第]?([1-4一二三四])(?:季度?)?$")
_HALF = re.compile(r"^(\d{4})[-/年]?(?:[Hh]([12])|(上|下)半年)$")
_YEAR = re.compile(r"^(\d{4})年?$")


def parse_date(text: str) -> date:
    m = _DATE.match(text.strip())
    if not m or len(text.strip()) < 8:
        raise PeriodError(PeriodProblem.bad_date, text)
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise PeriodError(PeriodProblem.bad_date, text) from None


def parse(kind: str, args: list[str], now: datetime, *, start_day: int = 1) -> Period:
    """The period a command asks for; no argument means the last full one.

    `now` is the clock's aware time: its zone is the zone of the period.
    """
    tz = _zone(now)
    if kind == "custom":
        if len(args) != 2:
            raise PeriodError(PeriodProblem.need_two_dates)
        p = custom(parse_date(args[0]), parse_date(args[1]), tz=tz)
    elif not args:
        return last_full(kind, now, start_day=start_day)
    elif len(args) > 1:
        raise PeriodError(PeriodProblem.too_many_args)
    else:
        p = _parse_one(kind, args[0].strip(), tz, start_day)
    if p.start > now:
        raise PeriodError(PeriodProblem.not_started)
    return p


def _parse_one(kind: str, arg: str, tz: tzinfo, start_day: int) -> Period:
    if kind == "week":
        return week_of(parse_date(arg), tz=tz)
    if kind == "month":
        m = _MONTH.match(arg)
        if not m or not 1 <= int(m[2]) <= 12:
            raise PeriodError(PeriodProblem.bad_month, arg)
        return month(int(m[1]), int(m[2]), start_day=start_day, tz=tz)
    if kind == "quarter":
        m = _QUARTER.match(arg)
        if not m:
            raise PeriodError(PeriodProblem.bad_quarter, arg)
        q = "1234一二三四".index(m[2]) % 4 + 1
        return quarter(int(m[1]), q, start_day=start_day, tz=tz)
    if kind == "halfyear":
        m = _HALF.match(arg)
        if not m:
            raise PeriodError(PeriodProblem.bad_halfyear, arg)
        h = int(m[2]) if m[2] else (1 if m[3] == "上" else 2)
        return halfyear(int(m[1]), h, start_day=start_day, tz=tz)
    if kind == "year":
        m = _YEAR.match(arg)
        if not m:
            raise PeriodError(PeriodProblem.bad_year, arg)
        return year(int(m[1]), start_day=start_day, tz=tz)
    raise ValueError(kind)
