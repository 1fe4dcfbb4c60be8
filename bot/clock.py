"""One source of "now" for the whole bot, so tests can move time."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, tzinfo


class Clock:
    """Wall clock in the configured time zone (the `TIMEZONE` setting)."""

    def __init__(self, tz: tzinfo) -> None:
        self.tz = tz

    def now(self) -> datetime:
        return datetime.now(self.tz)

    def today(self):  # -> date
        return self.now().date()


class MovableClock(Clock):
    """A clock the tests set and advance; it does not tick by itself unless told to."""

    def __init__(self, start: datetime, tz: tzinfo | None = None, *,
                 ticking: bool = False) -> None:
        tz = tz or start.tzinfo
        if tz is None:
            raise ValueError("a MovableClock needs a zone: an aware start or tz=")
        super().__init__(tz)
        if start.tzinfo is None:
            start = start.replace(tzinfo=tz)
        self._lock = threading.Lock()
        self._at = start.astimezone(tz)
        self._ticking = ticking
        self._wall_at_set = datetime.now(tz)

    def now(self) -> datetime:
        with self._lock:
            if self._ticking:
                return self._at + (datetime.now(self.tz) - self._wall_at_set)
            return self._at

    def set(self, at: datetime) -> None:
        if at.tzinfo is None:
            at = at.replace(tzinfo=self.tz)
        with self._lock:
            self._at = at.astimezone(self.tz)
            self._wall_at_set = datetime.now(self.tz)

    def advance(self, delta: timedelta) -> None:
        self.set(self.now() + delta)
