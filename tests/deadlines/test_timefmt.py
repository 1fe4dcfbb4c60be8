from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.services.timefmt import fmt_date, fmt_dt, time_left

from .helpers import sh

NOW = sh(2026, 11, 25, 14, 30)


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(hours=3), "还剩 3 小时"),
        (timedelta(hours=3, minutes=20), "还剩 3 小时 20 分钟"),
        (timedelta(minutes=25), "还剩 25 分钟"),
        (timedelta(minutes=25, seconds=59), "还剩 25 分钟"),
        (timedelta(days=2, hours=3), "还剩 2 天 3 小时"),
        (timedelta(days=2, hours=3, minutes=59), "还剩 2 天 3 小时"),
        (timedelta(days=1), "还剩 1 天"),
        (timedelta(seconds=30), "还剩不到 1 分钟"),
        (timedelta(0), "还剩不到 1 分钟"),
        (-timedelta(seconds=30), "刚刚超时"),
        (-timedelta(minutes=40), "已超时 40 分钟"),
        (-timedelta(days=2), "已超时 2 天"),
        (-timedelta(days=2, minutes=30), "已超时 2 天"),
        (-timedelta(hours=5, minutes=1), "已超时 5 小时 1 分钟"),
    ],
)
def test_time_left(delta: timedelta, expected: str) -> None:
    assert time_left(NOW + delta, NOW) == expected


def test_time_left_mixed_time_zones() -> None:
    assert time_left(datetime(2026, 11, 25, 9, 30, tzinfo=UTC), NOW) == "还剩 3 小时"


def test_time_left_rejects_naive() -> None:
    with pytest.raises(ValueError):
        time_left(datetime(2026, 11, 25, 18, 0), NOW)


def test_fmt_dt() -> None:
    assert fmt_dt(sh(2026, 11, 25, 14, 30), NOW) == "11月25日 14:30"
    assert fmt_dt(sh(2026, 1, 5, 9, 5), NOW.date()) == "1月5日 09:05"
    assert fmt_dt(sh(2027, 1, 5, 23, 59, 59), NOW) == "2027年1月5日 23:59"
    # always rendered in Shanghai time: 2026-12-31 16:30 UTC is 2027-01-01 00:30 in Beijing
    assert fmt_dt(datetime(2026, 12, 31, 16, 30, tzinfo=UTC), NOW) == "2027年1月1日 00:30"
    # without "now" the year is always shown
    assert fmt_dt(sh(2026, 11, 25, 14, 30)) == "2026年11月25日 14:30"
    with pytest.raises(ValueError):
        fmt_dt(datetime(2026, 11, 25, 14, 30), NOW)


def test_fmt_date() -> None:
    assert fmt_date(date(2026, 12, 31), NOW) == "12月31日（周四）"
    assert fmt_date(date(2027, 1, 1), NOW) == "2027年1月1日（周五）"
