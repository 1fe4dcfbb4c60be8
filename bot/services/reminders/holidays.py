"""Keeping deadlines honest about the holiday calendar.

Deadlines count working days, so they are only as good as the holidays file. This part picks
up a file changed on the server while the bot runs (re-counting provisional deadlines), and
nags the managers each morning while the coming weeks fall in a year the file does not cover.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from sqlmodel import col, select

from bot.clock import SHANGHAI
from bot.services.calendar.work import CalendarFileError, WorkCalendar
from bot.services.outbox.store import NORMAL
from bot.services.reminders.core import ReminderCore, _mtime
from bot.services.reminders.steps import _OPEN
from models.db import session_scope
from models.staff import Role
from models.ticket import Ticket

log = logging.getLogger(__name__)

LOOKAHEAD_DAYS = 60


class HolidaysMixin(ReminderCore):
    # ------------------------------------------------------------------ calendar
    def reload_calendar_if_changed(self) -> bool:
        """Pick up `holidays import` done on the server while the bot runs; re-count the
        provisional deadlines of open tickets with the new calendar."""
        mtime = _mtime(self.holidays_file)
        if mtime == self._holidays_mtime:
            return False
        self._holidays_mtime = mtime
        try:
            calendar = WorkCalendar.load(self.holidays_file)
        except CalendarFileError as exc:
            log.error("holidays file not reloaded: %s", exc)
            return False
        self.calendar.replace_with(calendar)
        changed = self.recount_provisional()
        log.info("holidays file reloaded; %d provisional ticket(s) re-counted", changed)
        return True

    def recount_provisional(self) -> int:
        """Re-count the deadlines of open tickets marked provisional (after a schedule
        import). Extended or platform deadlines keep their ``complete_by``."""
        tickets = self.tickets
        n = 0
        with session_scope(self.engine) as s:
            rows = s.exec(select(Ticket).where(
                Ticket.deadlines_provisional == True,  # noqa: E712
                col(Ticket.status).in_(list(_OPEN)))).all()
            for t in rows:
                try:
                    dl = tickets.policy.compute(
                        received_at=t.received_at, urgency=t.urgency,
                        request_type=t.request_type, calendar=tickets.calendar,
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
        return self.calendar.uncovered_years(today, today + timedelta(days=LOOKAHEAD_DAYS))

    # ------------------------------------------------------------------ holiday notice
    def holiday_notice(self, now: datetime) -> list[str]:
        """Once a day to the managers while the coming 60 days touch a year that only the
        provisional calendar covers."""
        from bot.texts import reminders as texts

        day = now.astimezone(SHANGHAI).date()
        if self._done_today.get("holidays") == day:
            return []
        self._done_today["holidays"] = day
        years = self.uncovered_years(day)
        if not years:
            return []
        with session_scope(self.engine) as s:
            provisional = len(s.exec(select(Ticket.id).where(
                Ticket.deadlines_provisional == True,  # noqa: E712
                col(Ticket.status).in_(list(_OPEN)))).all())
        managers = [m.telegram_id for m in self.staff.active(Role.manager)] or [
            m.telegram_id for m in self.staff.active(Role.admin)]
        text = texts.holiday_notice(years, provisional=provisional,
                                    store=str(self.holidays_file))
        keys = []
        for chat in managers:
            key = f"rmh:{day.isoformat()}:{chat}"
            if self.outbox.enqueue(key=key, kind="holidays", ref="holidays", chat_id=chat,
                                       text=text, priority=NORMAL) is not None:
                keys.append(key)
        return keys
