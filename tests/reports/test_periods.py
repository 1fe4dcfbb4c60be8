from datetime import date, datetime

import pytest

from bot.config import DEFAULT_TZ as SHANGHAI
from bot.services.reports import periods as P
from bot.services.reports.periods import PeriodError
from bot.texts.reports.periods import label


def d(y: int, m: int, dd: int) -> datetime:
    return datetime(y, m, dd, tzinfo=SHANGHAI)


def test_week_is_monday_to_sunday_in_shanghai():
    p = P.week_of(date(2026, 11, 18), tz=SHANGHAI)
    assert p.start == d(2026, 11, 16) and p.end == d(2026, 11, 23)
    assert p.start.tzinfo is SHANGHAI and p.key == "2026-W47"
    assert p.previous().start == d(2026, 11, 9)
    assert p.last_year().start == d(2025, 11, 17)  # 52 weeks earlier, also a Monday
    assert "11月16日—11月22日" in label(p)


def test_last_full_week():
    now = datetime(2026, 11, 23, 0, 0, 1, tzinfo=SHANGHAI)  # just after Monday midnight
    assert P.last_full("week", now).start == d(2026, 11, 16)
    now = datetime(2026, 11, 22, 23, 59, tzinfo=SHANGHAI)  # still Sunday
    assert P.last_full("week", now).start == d(2026, 11, 9)


def test_calendar_month_and_assessment_month():
    m = P.month(2026, 11, tz=SHANGHAI)
    assert (m.start, m.end) == (d(2026, 11, 1), d(2026, 12, 1))
    m = P.month(2026, 11, start_day=19, tz=SHANGHAI)
    assert (m.start, m.end) == (d(2026, 10, 19), d(2026, 11, 19))
    assert m.last_day == date(2026, 11, 18)
    jan = P.month(2026, 1, start_day=19, tz=SHANGHAI)
    assert (jan.start, jan.end) == (d(2025, 12, 19), d(2026, 1, 19))
    assert jan.previous().key == "2025-12" and jan.last_year().start == d(2024, 12, 19)
    # the period containing 19 Nov with start day 19 is "December"
    assert P.month_containing(d(2026, 11, 19), start_day=19).key == "2026-12"
    assert P.month_containing(d(2026, 11, 18), start_day=19).key == "2026-11"


def test_quarters_halves_years_follow_the_start_day():
    q = P.quarter(2026, 1, start_day=19, tz=SHANGHAI)
    assert (q.start, q.end) == (d(2025, 12, 19), d(2026, 3, 19))
    assert q.previous().key == "2025-Q4" and q.last_year().key == "2025-Q1"
    h = P.halfyear(2026, 2, tz=SHANGHAI)
    assert (h.start, h.end) == (d(2026, 7, 1), d(2027, 1, 1))
    y = P.year(2026, start_day=19, tz=SHANGHAI)
    assert (y.start, y.end) == (d(2025, 12, 19), d(2026, 12, 19))
    assert len(y.buckets()) == 12


def test_parse_and_defaults():
    now = datetime(2026, 11, 25, 10, tzinfo=SHANGHAI)
    assert P.parse("month", [], now).key == "2026-10"
    assert P.parse("month", [], now, start_day=19).key == "2026-11"
    assert P.parse("quarter", [], now).key == "2026-Q3"
    assert P.parse("halfyear", [], now).key == "2026-H1"
    assert P.parse("year", [], now).key == "2025"
    assert P.parse("quarter", ["2026Q2"], now).key == "2026-Q2"
    assert P.parse("halfyear", ["2026上半年"], now).key == "2026-H1"
    assert P.parse("week", ["2026-11-18"], now).key == "2026-W47"
    c = P.parse("custom", ["2026-10-01", "2026-10-31"], now)
    assert (c.start, c.end) == (d(2026, 10, 1), d(2026, 11, 1))
    assert c.previous().start == d(2026, 8, 31)
    assert c.last_year().start == d(2025, 10, 1)


@pytest.mark.parametrize(("kind", "args"), [
    ("week", ["2026-13-01"]), ("month", ["2026-13"]), ("quarter", ["2026-Q5"]),
    ("custom", ["2026-10-31", "2026-10-01"]), ("custom", ["2026-10-01"]),
    ("year", ["2030"]), ("week", ["abc"]),
])
def test_bad_periods(kind: str, args: list[str]):
    with pytest.raises(PeriodError):
        P.parse(kind, args, datetime(2026, 11, 25, tzinfo=SHANGHAI))
