"""Plain-Chinese rendering of deadlines and times, in the configured `TIMEZONE`.

The composition root calls :func:`use_zone` with the setting before anything is shown; every
time shown anywhere goes through here, so the zone is decided in one place.

``time_left`` shows at most two units, largest first, truncated (never rounded up):
≥ 1 day → "D 天[ H 小时]", ≥ 1 hour → "H 小时[ M 分钟]", otherwise "M 分钟". A deadline is
inclusive: exactly at the deadline there is still "不到 1 分钟" left.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

from bot.config import DEFAULT_TZ

__all__ = ["fmt_date", "fmt_dt", "fmt_duration", "time_left", "use_zone", "zone"]

_WEEKDAYS = "一二三四五六日"
_zone: list[tzinfo] = [DEFAULT_TZ]


def use_zone(tz: tzinfo) -> None:
    """Show every time in ``tz`` from now on (the `TIMEZONE` setting, at start)."""
    _zone[0] = tz


def zone() -> tzinfo:
    return _zone[0]


def _aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return value.astimezone(_zone[0])


def fmt_duration(delta: timedelta) -> str:
    """'2 天 3 小时', '3 小时 20 分钟', '25 分钟', '不到 1 分钟' (sign ignored)."""
    minutes = int(abs(delta).total_seconds()) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} 天" + (f" {hours} 小时" if hours else "")
    if hours:
        return f"{hours} 小时" + (f" {mins} 分钟" if mins else "")
    if mins:
        return f"{mins} 分钟"
    return "不到 1 分钟"


def time_left(deadline: datetime, now: datetime) -> str:
    """'还剩 3 小时', '还剩 2 天 3 小时', '已超时 40 分钟', '已超时 2 天'."""
    delta = _aware(deadline, "deadline") - _aware(now, "now")
    if delta >= timedelta(0):
        if delta < timedelta(minutes=1):
            return "还剩不到 1 分钟"
        return "还剩 " + fmt_duration(delta)
    if delta > timedelta(minutes=-1):
        return "刚刚超时"
    return "已超时 " + fmt_duration(delta)


def _current_year(now: datetime | date | None) -> int | None:
    if isinstance(now, datetime):
        return _aware(now, "now").year
    if isinstance(now, date):
        return now.year
    return None


def fmt_dt(dt: datetime, now: datetime | date | None = None) -> str:
    """'11月25日 14:30' in the configured zone; with the year ('2027年1月5日 23:59') when ``dt`` is
    not in the current year. Pass ``now`` (from the Clock); without it the year is always shown,
    which is never ambiguous."""
    local = _aware(dt, "dt")
    text = f"{local.month}月{local.day}日 {local:%H:%M}"
    if local.year != _current_year(now):
        text = f"{local.year}年" + text
    return text


def fmt_date(d: date, now: datetime | date | None = None) -> str:
    """'1月1日（周五）', with the year when not the current one (as :func:`fmt_dt`)."""
    text = f"{d.month}月{d.day}日（周{_WEEKDAYS[d.weekday()]}）"
    if d.year != _current_year(now):
        text = f"{d.year}年" + text
    return text
