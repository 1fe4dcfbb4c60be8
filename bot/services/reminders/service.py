"""The reminder service as one object, and its periodic entry point.

Each responsibility lives in its own mixin module; this class only puts them together and
decides, per scheduler tick, which of them has something due.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlmodel import select

from bot.clock import SHANGHAI
from bot.services.reminders.actions import ActionsMixin
from bot.services.reminders.digest import DigestMixin
from bot.services.reminders.holidays import HolidaysMixin
from bot.services.reminders.overnight import OvernightMixin
from bot.services.reminders.planning import PlanningMixin
from bot.services.reminders.records import ScanResult
from models.db import session_scope
from models.reminder import ReminderSent

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)

#: A morning post missed while the bot was down is still sent this long after its time.
CATCH_UP = timedelta(hours=1)


class ReminderService(PlanningMixin, ActionsMixin, OvernightMixin, DigestMixin, HolidaysMixin):
    # ------------------------------------------------------------------ periodic entry
    def scan(self, now: datetime) -> ScanResult:
        """Everything due at ``now``: reminders, snoozes, sweep, digest, holiday notice."""
        result = ScanResult()
        self.reload_calendar_if_changed()
        if self._needs_repair:
            self._repair(now)
        self._scan_tickets(now, result)
        self._scan_snoozes(now, result)
        local = now.astimezone(SHANGHAI)
        if local.time() >= self.sweep_at:
            key = self.overnight_sweep(now)
            if key:
                result.extra.append(key)
        if self._in_window(local, self.digest_at):
            result.extra += self.due_digest(now)
            result.extra += self.holiday_notice(now)
        return result

    @staticmethod
    def _in_window(local: datetime, at: time) -> bool:
        """Morning posts go out at their time, or within CATCH_UP after it (a bot started
        later that day does not post stale news)."""
        start = datetime.combine(local.date(), at, tzinfo=local.tzinfo)
        return start <= local < start + CATCH_UP

    # ------------------------------------------------------------------ crash repair
    def _repair(self, now: datetime) -> None:
        """Enqueue ledger batches and sweeps a crash left un-enqueued (at start, or after a
        delivery failed in this process)."""
        self._needs_repair = False
        with session_scope(self.engine) as s:
            batches = s.exec(select(ReminderSent.batch).where(
                ReminderSent.enqueued == False).distinct().limit(50)).all()  # noqa: E712
        for b in batches:
            log.info("re-enqueuing reminder batch %s after an interruption", b)
            self._deliver_batch(b, now)
        self._repair_sweep()
