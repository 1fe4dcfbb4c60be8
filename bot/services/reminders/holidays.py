"""Keeping deadlines honest about the holiday calendar.

Deadlines count working days, so they are only as good as the holidays file. This part picks
up a file changed on the server while the bot runs (re-counting provisional deadlines), and
nags the managers each morning while the coming weeks fall in a year the file does not cover.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.services.calendar.errors import CalendarFileError
from bot.services.calendar.work import WorkCalendar
from bot.services.outbox.store import NORMAL, Outbox
from bot.services.reminders.notes import HolidaysMissing
from bot.services.reminders.steps import _OPEN
from bot.services.staff.directory import StaffDirectory
from bot.services.tickets.deadlines import DeadlinePolicy
from models.db import session_scope
from models.staff import Role
from models.ticket import Ticket

log = logging.getLogger(__name__)

LOOKAHEAD_DAYS = 60


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


class HolidayWatch:
    """Reloads the holidays file when it changes; reminds the managers to import a year."""

    def __init__(self, *, engine: Engine, staff: StaffDirectory, outbox: Outbox,
                 calendar: WorkCalendar, policy: DeadlinePolicy, holidays_file: Path,
                 tz: tzinfo) -> None:
        self.engine, self.staff, self.outbox = engine, staff, outbox
        self.calendar, self.policy, self.tz = calendar, policy, tz
        self.holidays_file = Path(holidays_file)
        self._mtime = _mtime(self.holidays_file)
        self._noticed_on: date | None = None  # in this process

    def reload_if_changed(self) -> bool:
        """Pick up `holidays import` done on the server while the bot runs; re-count the
        provisional deadlines of open tickets with the new calendar."""
        mtime = _mtime(self.holidays_file)
        if mtime == self._mtime:
            return False
        self._mtime = mtime
        try:
            calendar = WorkCalendar.load(self.holidays_file, tz=self.calendar.tz)
        except CalendarFileError as exc:
            log.error("holidays file not reloaded: %s", exc)
            return False
        self.calendar.replace_with(calendar)  # every holder of the calendar sees it
        changed = self.recount_provisional()
        log.info("holidays file reloaded; %d provisional ticket(s) re-counted", changed)
        return True

    def recount_provisional(self) -> int:
        """Re-count the deadlines of open tickets marked provisional (after a schedule
        import). Extended or platform deadlines keep their ``complete_by``."""
        n = 0
        with session_scope(self.engine) as s:
            rows = s.exec(select(Ticket).where(
                Ticket.deadlines_provisional == True,  # noqa: E712
                col(Ticket.status).in_(list(_OPEN)))).all()
            for t in rows:
                try:
                    dl = self.policy.compute(
                        received_at=t.received_at.astimezone(self.tz), urgency=t.urgency,
                        request_type=t.request_type, calendar=self.calendar,
                        complex_case=t.complex_case, platform_deadline=t.platform_deadline)
                except ValueError:
                    log.exception("cannot re-count deadlines of ticket %s", t.id)
                    continue
                t.sign_by, t.contact_by = dl.sign_by, dl.contact_by
                t.first_feedback_by = dl.first_feedback_by
                if t.extension_count == 0:
                    t.complete_by = dl.complete_by
                t.deadlines_provisional = dl.provisional
                t.next_reminder_at = None
                s.add(t)
                n += 1
        return n

    def uncovered_years(self, today: date) -> list[int]:
        """Years of the coming weeks that only the provisional calendar covers."""
        return self.calendar.uncovered_years(today, today + timedelta(days=LOOKAHEAD_DAYS))

    def notice(self, now: datetime) -> list[str]:
        """Once a day to the managers while the coming 60 days touch a year that only the
        provisional calendar covers; returns the outbox keys queued."""
        day = now.astimezone(self.tz).date()
        if self._noticed_on == day:
            return []
        self._noticed_on = day
        years = self.uncovered_years(day)
        if not years:
            return []
        with session_scope(self.engine) as s:
            provisional = len(s.exec(select(Ticket.id).where(
                Ticket.deadlines_provisional == True,  # noqa: E712
                col(Ticket.status).in_(list(_OPEN)))).all())
        managers = [m.telegram_id for m in self.staff.active(Role.manager)] or [
            m.telegram_id for m in self.staff.active(Role.admin)]
        note = HolidaysMissing(years=years, provisional=provisional,
                               store=str(self.holidays_file))
        keys = []
        for chat in managers:
            key = f"rmh:{day.isoformat()}:{chat}"
            if self.outbox.enqueue(key=key, kind="holidays", ref="holidays", chat_id=chat,
                                   note=note, priority=NORMAL) is not None:
                keys.append(key)
        return keys
