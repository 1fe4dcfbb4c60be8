"""Report periods: weeks, assessment months (which may start on any day), quarters, half-years,
years and custom ranges, with their previous period and the same period a year earlier.

Every period is ``[start, end)`` between two local midnights (Asia/Shanghai by default).

Assessment months: with ``month_start_day = d``

* ``d == 1``: month *M* is the calendar month.
* ``d > 1``: month *M* runs from day *d* of month *M-1* to day *d-1* of month *M*, both
  inclusive; e.g. with ``d = 19`` "2026年11月" is 10月19日 00:00 – 11月19日 00:00.

Quarters, half-years and years are unions of assessment months (Q1 = months 1–3, H1 = 1–6).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from bot.clock import SHANGHAI

KINDS = ("week", "month", "quarter", "halfyear", "year", "custom")
KIND_ZH = {"week": "周报", "month": "月报", "quarter": "季报", "halfyear": "半年报",
           "year": "年报", "custom": "专题报表"}


class PeriodError(ValueError):
    """A period argument that cannot be understood; the message is Chinese."""


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime  # aware, local midnight
    end: datetime  # aware, local midnight, exclusive
    key: str  # "2026-W47", "2026-11", "2026-Q3", "2026-H2", "2026", "2026-01-01~2026-01-31"
    label: str  # Chinese, e.g. "2026年第47周（11月16日—11月22日）"
    start_day: int = 1  # assessment-month start day the period was built with

    @property
    def first_day(self) -> date:
        return self.start.date()

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(days=1)).date()

    @property
    def days(self) -> int:
        return (self.end.date() - self.start.date()).days

    def range_zh(self) -> str:
        a, b = self.first_day, self.last_day
        if a.year == b.year:
            return f"{a.year}年{a.month}月{a.day}日—{b.month}月{b.day}日"
        return f"{a.year}年{a.month}月{a.day}日—{b.year}年{b.month}月{b.day}日"

    def previous(self) -> Period:
        """The period just before (环比)."""
        tz = self.start.tzinfo or SHANGHAI
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
        tz = self.start.tzinfo or SHANGHAI
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
        """Sub-periods for the trend chart: days up to 62 days, else assessment months."""
        tz = self.start.tzinfo or SHANGHAI
        out: list[tuple[str, datetime, datetime]] = []
        if self.days <= 62:
            d = self.first_day
            while d <= self.last_day:
                out.append((f"{d.month}/{d.day}", midnight(d, tz),
                            midnight(d + timedelta(days=1), tz)))
                d += timedelta(days=1)
            return out
        p = month_containing(self.start, start_day=self.start_day)
        while p.start < self.end:
            y, m = _split_key(p.key)
            s, e = max(p.start, self.start), min(p.end, self.end)
            out.append((f"{y % 100:02d}年{m}月", s, e))
            p = month(y + (m == 12), 1 if m == 12 else m + 1, start_day=self.start_day, tz=tz)
        return out


def midnight(d: date, tz: tzinfo = SHANGHAI) -> datetime:
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
def week_of(d: date, *, tz: tzinfo = SHANGHAI) -> Period:
    """The Monday–Sunday week containing `d`."""
    monday = d - timedelta(days=d.weekday())
    sunday = monday + timedelta(days=6)
    iso_year, iso_week, _ = monday.isocalendar()
    label = (f"{iso_year}年第{iso_week}周（{monday.month}月{monday.day}日—"
             f"{sunday.month}月{sunday.day}日）")
    return Period("week", midnight(monday, tz), midnight(monday + timedelta(days=7), tz),
                  f"{iso_year}-W{iso_week:02d}", label)


def month(y: int, m: int, *, start_day: int = 1, tz: tzinfo = SHANGHAI) -> Period:
    _check_start_day(start_day)
    if not 1 <= m <= 12:
        raise PeriodError("月份应为 1–12。")
    if start_day == 1:
        a = date(y, m, 1)
        b = date(y + (m == 12), 1 if m == 12 else m + 1, 1)
    else:
        a = date(y - (m == 1), 12 if m == 1 else m - 1, start_day)
        b = date(y, m, start_day)
    label = f"{y}年{m}月"
    if start_day != 1:
        last = b - timedelta(days=1)
        label += f"（{a.month}月{a.day}日—{last.month}月{last.day}日）"
    return Period("month", midnight(a, tz), midnight(b, tz), f"{y}-{m:02d}", label, start_day)


def _months(y: int, first: int, last: int, kind: str, key: str, label: str, start_day: int,
            tz: tzinfo) -> Period:
    a = month(y, first, start_day=start_day, tz=tz)
    b = month(y, last, start_day=start_day, tz=tz)
    return Period(kind, a.start, b.end, key, label, start_day)


def quarter(y: int, q: int, *, start_day: int = 1, tz: tzinfo = SHANGHAI) -> Period:
    if not 1 <= q <= 4:
        raise PeriodError("季度应为 Q1–Q4。")
    names = "一二三四"
    return _months(y, 3 * q - 2, 3 * q, "quarter", f"{y}-Q{q}", f"{y}年第{names[q - 1]}季度",
                   start_day, tz)


def halfyear(y: int, h: int, *, start_day: int = 1, tz: tzinfo = SHANGHAI) -> Period:
    if h not in (1, 2):
        raise PeriodError("半年应为 H1（上半年）或 H2（下半年）。")
    return _months(y, 6 * h - 5, 6 * h, "halfyear", f"{y}-H{h}",
                   f"{y}年{'上' if h == 1 else '下'}半年", start_day, tz)


def year(y: int, *, start_day: int = 1, tz: tzinfo = SHANGHAI) -> Period:
    return _months(y, 1, 12, "year", f"{y}", f"{y}年", start_day, tz)


def custom(first: date, last: date, *, tz: tzinfo = SHANGHAI) -> Period:
    """From `first` to `last`, both days included."""
    if last < first:
        raise PeriodError("结束日期不能早于开始日期。")
    if (last - first).days > 366 * 3:
        raise PeriodError("时间跨度不能超过三年。")
    key = f"{first.isoformat()}~{last.isoformat()}"
    label = (f"{first.year}年{first.month}月{first.day}日—"
             f"{last.year}年{last.month}月{last.day}日")
    return Period("custom", midnight(first, tz), midnight(last + timedelta(days=1), tz), key,
                  label)


# ------------------------------------------------------------------ "containing" and "last"
def month_containing(at: datetime, *, start_day: int = 1) -> Period:
    tz = at.tzinfo or SHANGHAI
    d = at.astimezone(tz).date()
    y, m = d.year, d.month
    if start_day != 1 and d.day >= start_day:
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return month(y, m, start_day=start_day, tz=tz)


def last_full(kind: str, now: datetime, *, start_day: int = 1) -> Period:
    """The latest period of `kind` that ended at or before `now`."""
    tz = now.tzinfo or SHANGHAI
    if kind == "week":
        return week_of(now.astimezone(tz).date() - timedelta(days=7), tz=tz)
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


# ------------------------------------------------------------------ parsing user input
_DATE = re.compile(r"^(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?$")
_MONTH = re.compile(r"^(\d{4})[-/.年]?(\d{1,2})月?$")
_QUARTER = re.compile(r"^(\d{4})[-/年]?[Qq第]?([1-4一二三四])(?:季度?)?$")
_HALF = re.compile(r"^(\d{4})[-/年]?(?:[Hh]([12])|(上|下)半年)$")
_YEAR = re.compile(r"^(\d{4})年?$")


def parse_date(text: str) -> date:
    m = _DATE.match(text.strip())
    if not m or len(text.strip()) < 8:
        raise PeriodError(f"“{text}”不是有效日期，请写成 2026-11-18。")
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise PeriodError(f"“{text}”不是有效日期，请写成 2026-11-18。") from None


def parse(kind: str, args: list[str], now: datetime, *, start_day: int = 1) -> Period:
    """The period a command asks for; no argument means the last full one."""
    tz = now.tzinfo or SHANGHAI
    if kind == "custom":
        if len(args) != 2:
            raise PeriodError("请写明起止日期，例如 /report 2026-10-01 2026-10-31。")
        p = custom(parse_date(args[0]), parse_date(args[1]), tz=tz)
    elif not args:
        return last_full(kind, now, start_day=start_day)
    elif len(args) > 1:
        raise PeriodError("参数过多。")
    else:
        p = _parse_one(kind, args[0].strip(), tz, start_day)
    if p.start > now:
        raise PeriodError("所选时段尚未开始。")
    return p


def _parse_one(kind: str, arg: str, tz: tzinfo, start_day: int) -> Period:
    if kind == "week":
        return week_of(parse_date(arg), tz=tz)
    if kind == "month":
        m = _MONTH.match(arg)
        if not m or not 1 <= int(m[2]) <= 12:
            raise PeriodError(f"“{arg}”不是有效月份，请写成 2026-11。")
        return month(int(m[1]), int(m[2]), start_day=start_day, tz=tz)
    if kind == "quarter":
        m = _QUARTER.match(arg)
        if not m:
            raise PeriodError(f"“{arg}”不是有效季度，请写成 2026-Q3。")
        q = "1234一二三四".index(m[2]) % 4 + 1
        return quarter(int(m[1]), q, start_day=start_day, tz=tz)
    if kind == "halfyear":
        m = _HALF.match(arg)
        if not m:
            raise PeriodError(f"“{arg}”不是有效半年，请写成 2026-H1 或 2026-H2。")
        h = int(m[2]) if m[2] else (1 if m[3] == "上" else 2)
        return halfyear(int(m[1]), h, start_day=start_day, tz=tz)
    if kind == "year":
        m = _YEAR.match(arg)
        if not m:
            raise PeriodError(f"“{arg}”不是有效年份，请写成 2026。")
        return year(int(m[1]), start_day=start_day, tz=tz)
    raise ValueError(kind)
