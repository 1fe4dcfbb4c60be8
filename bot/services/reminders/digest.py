"""The morning digest: once a day, the duty group sees what falls due today and what is late.

It lists deadlines, not citizens' details, because the duty group is a shared chat; the
outbox key ``rmd:<date>`` keeps it to one post a day even across restarts.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import and_, or_
from sqlmodel import col, select

from bot.clock import SHANGHAI
from bot.services.outbox.store import NORMAL
from bot.services.reminders.core import ReminderCore
from bot.services.reminders.steps import _OPEN, open_milestones
from bot.services.tickets.workflow import Status
from models.db import session_scope
from models.ticket import Ticket

DIGEST_MAX_LINES = 40


class DigestMixin(ReminderCore):
    def due_digest(self, now: datetime) -> list[str]:
        """Once a day to the duty group: what falls due today (no citizens' data)."""
        from bot.texts import reminders as texts

        group = self.duty_group_id
        day = now.astimezone(SHANGHAI).date()
        if group is None or self._done_today.get("digest") == day:
            return []
        self._done_today["digest"] = day
        start = datetime.combine(day, time(0), tzinfo=SHANGHAI)
        end = start + timedelta(days=1)
        with session_scope(self.engine) as s:
            rows = s.exec(select(Ticket).where(
                col(Ticket.status).in_(list(_OPEN)),
                or_(col(Ticket.complete_by) < end,
                    and_(col(Ticket.sign_by) < end, Ticket.status == Status.new.value),
                    col(Ticket.contact_by) < end,
                    col(Ticket.first_feedback_by) < end))).all()
        today: list[tuple[str, datetime, Ticket]] = []
        overdue: list[tuple[str, datetime, Ticket]] = []
        for t in rows:
            for kind, due in open_milestones(t):
                if due < now:
                    overdue.append((kind, due, t))
                elif due < end:
                    today.append((kind, due, t))
        today.sort(key=lambda x: x[1])
        overdue.sort(key=lambda x: x[1])
        text = texts.digest_message(today, overdue, now=now, max_lines=DIGEST_MAX_LINES)
        key = f"rmd:{day.isoformat()}"
        self.outbox.enqueue(key=key, kind="digest", ref=f"digest:{day.isoformat()}",
                                chat_id=group, text=text, priority=NORMAL)
        return [key]
