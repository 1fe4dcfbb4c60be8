"""The reminder settings as the bot counts with them: REMINDER_LEADS and the HH:MM times.

Plain parsing, without the database: `bot.config` validates the settings with it, and a bad
setting must be reported before the bot loads anything else.
"""

from __future__ import annotations

from datetime import time

DAY_MIN = 24 * 60


def parse_leads(text: str) -> tuple[int, ...]:
    """``"24h,2h,0"`` → ``(1440, 120, 0)`` minutes, largest first. Units: d, h, m; ``0``
    alone means "at the deadline". Raises ValueError naming the bad item."""
    out: set[int] = set()
    for raw in text.replace("，", ",").split(","):
        item = raw.strip().lower()
        if not item:
            continue
        if item == "0":
            out.add(0)
            continue
        unit = item[-1:]
        number = item[:-1].strip()
        factor = {"d": DAY_MIN, "h": 60, "m": 1}.get(unit)
        if factor is None or not number.isdigit():
            raise ValueError(f"{raw.strip()!r} is not a lead like 24h, 2h, 30m, 1d or 0")
        minutes = int(number) * factor
        if minutes > 30 * DAY_MIN:
            raise ValueError(f"{raw.strip()!r} is longer than 30 days")
        out.add(minutes)
    if not out:
        raise ValueError("needs at least one lead, e.g. 24h,2h,0")
    return tuple(sorted(out, reverse=True))


def parse_hhmm(text: str) -> time:
    """``"21:00"`` → 21:00 (the settings are validated as HH:MM already)."""
    hh, _, mm = text.partition(":")
    return time(int(hh), int(mm))
