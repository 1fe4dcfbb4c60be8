"""The reminder feature's collaborators, composed, and its one periodic entry point.

:func:`build_reminders` constructs each part with only what it uses; :class:`ReminderService`
holds them and decides, per scheduler tick, which of them has something due. Handlers and
other features use the parts directly (``svc.reminders.snoozes.snooze(…)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from bot.clock import Clock
from bot.services.calendar.work import WorkCalendar
from bot.services.outbox.store import Outbox
from bot.services.reminders.actions import DoneNotes, Snoozes
from bot.services.reminders.digest import MorningDigest
from bot.services.reminders.duty import DutyLookup
from bot.services.reminders.holidays import HolidayWatch
from bot.services.reminders.leads import parse_hhmm, parse_leads
from bot.services.reminders.ledger import ReminderDelivery
from bot.services.reminders.overnight import EveningSweep
from bot.services.reminders.planner import TicketPlanner
from bot.services.reminders.records import ScanResult
from bot.services.staff.directory import StaffDirectory
from bot.services.tickets.deadlines import DeadlinePolicy

#: A morning post missed while the bot was down is still sent this long after its time.
CATCH_UP = timedelta(hours=1)


@dataclass(frozen=True)
class ReminderService:
    """Deadline reminders, snoozes, 已处理, the evening sweep, the digest, the holiday watch."""

    delivery: ReminderDelivery  # ledger batches → outbox, crash repair, ledger reads
    planner: TicketPlanner
    snoozes: Snoozes
    done: DoneNotes
    sweep: EveningSweep
    digest: MorningDigest
    holidays: HolidayWatch
    digest_at: time
    tz: tzinfo

    def scan(self, now: datetime) -> ScanResult:
        """Everything due at ``now``: reminders, snoozes, sweep, digest, holiday notice."""
        result = ScanResult()
        self.holidays.reload_if_changed()
        self.delivery.repair(now)
        self.sweep.repair(now)
        self.planner.scan(now, result)
        self.snoozes.scan(now, result)
        key = self.sweep.run(now)
        if key:
            result.extra.append(key)
        if self._in_window(now.astimezone(self.tz), self.digest_at):
            result.extra += self.digest.post(now)
            result.extra += self.holidays.notice(now)
        return result

    def overnight_left(self, day: date) -> int:
        """For the daily post (``DutyScheduler`` asks): see :meth:`EveningSweep.overnight_left`."""
        return self.sweep.overnight_left(day)

    @staticmethod
    def _in_window(local: datetime, at: time) -> bool:
        """Morning posts go out at their time, or within CATCH_UP after it (a bot started
        later that day does not post stale news)."""
        start = datetime.combine(local.date(), at, tzinfo=local.tzinfo)
        return start <= local < start + CATCH_UP


def build_reminders(*, engine: Engine, clock: Clock, staff: StaffDirectory, outbox: Outbox,
                    policy: DeadlinePolicy, calendar: WorkCalendar, roster: Any,
                    duty_group_id: int | None, holidays_file: Path, tz: tzinfo,
                    leads: str = "24h,2h,0", sweep_at: str = "21:00",
                    digest_at: str = "08:00") -> ReminderService:
    """The reminder feature, each part given only what it uses."""
    duty = DutyLookup(roster=roster, staff=staff)
    delivery = ReminderDelivery(engine=engine, staff=staff, outbox=outbox)
    return ReminderService(
        delivery=delivery,
        planner=TicketPlanner(engine=engine, staff=staff, duty=duty, delivery=delivery,
                              leads=parse_leads(leads)),
        snoozes=Snoozes(engine=engine, clock=clock, delivery=delivery),
        done=DoneNotes(engine=engine, clock=clock),
        sweep=EveningSweep(engine=engine, staff=staff, duty=duty, outbox=outbox,
                           sweep_at=parse_hhmm(sweep_at), tz=tz),
        digest=MorningDigest(engine=engine, outbox=outbox, duty_group_id=duty_group_id, tz=tz),
        holidays=HolidayWatch(engine=engine, staff=staff, outbox=outbox, calendar=calendar,
                              policy=policy, holidays_file=holidays_file, tz=tz),
        digest_at=parse_hhmm(digest_at), tz=tz)
