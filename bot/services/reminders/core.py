"""The state every part of the reminder service shares, and the small encoding helpers of
its ledger (batch ids, recipient lists).

The service is assembled from one mixin per responsibility (see ``service.py``); they all
derive from :class:`ReminderCore` so each of them sees the same settings and per-process
bookkeeping with proper types.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from bot.clock import Clock
from bot.services.calendar.work import WorkCalendar
from bot.services.outbox.store import Outbox
from bot.services.reminders.steps import _hhmm, parse_leads
from bot.services.staff.directory import StaffDirectory
from bot.services.tickets.service import TicketService

#: Tickets planned / reminded per scan at most (the rest follow on the next tick).
BATCH = 200


class ReminderCore:
    def __init__(self, *, engine: Engine, clock: Clock, staff: StaffDirectory, outbox: Outbox,
                 tickets: TicketService, calendar: WorkCalendar, roster: Any,
                 duty_group_id: int | None, holidays_file: Path, leads: str = "24h,2h,0",
                 sweep_at: str = "21:00", digest_at: str = "08:00") -> None:
        self.engine, self.clock, self.staff, self.outbox = engine, clock, staff, outbox
        self.tickets, self.calendar, self.roster = tickets, calendar, roster
        self.duty_group_id = duty_group_id
        self.leads = parse_leads(leads)
        self.sweep_at = _hhmm(sweep_at)
        self.digest_at = _hhmm(digest_at)
        self.holidays_file = Path(holidays_file)
        self._holidays_mtime = _mtime(self.holidays_file)
        self._done_today: dict[str, date] = {}  # daily jobs done in this process
        # look for batches a crash left un-enqueued: at start, and after a failed delivery
        self._needs_repair = True


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _batch_id(now: datetime) -> str:
    return f"{now.astimezone(UTC):%Y%m%d%H%M%S}-{uuid.uuid4().hex[:8]}"


def _csv(ids: Iterable[int]) -> str:
    return ",".join(str(i) for i in ids)


def _ids(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None
