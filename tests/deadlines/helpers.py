from __future__ import annotations

from datetime import datetime

from bot.config import DEFAULT_TZ as SHANGHAI


def sh(*args: int) -> datetime:
    """An Asia/Shanghai datetime."""
    return datetime(*args, tzinfo=SHANGHAI)


def eod(year: int, month: int, day: int) -> datetime:
    """End of a counted working day (23:59:59 Shanghai)."""
    return sh(year, month, day, 23, 59, 59)
