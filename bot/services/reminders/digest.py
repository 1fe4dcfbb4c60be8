"""The morning digest: once a day, the duty group sees what falls due today and what is late.

It lists deadlines, not citizens' details, because the duty group is a shared chat; the
outbox key ``rmd:<date>`` keeps it to one post a day even across restarts.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

from sqlalchemy import and_, or_
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.services.outbox.store import NORMAL, Outbox
from bot.services.reminders.notes import DigestItem, DueToday
from bot.services.reminders.steps import _OPEN, open_milestones
from bot.services.tickets.workflow import Status
from models.db import session_scope
from models.ticket import Ticket

#: Deadlines listed in the digest (the rest are counted).
DIGEST_MAX_LINES = 40

Due = tuple[str, datetime, Ticket]


class MorningDigest:
    """Posts the due-today digest to the duty group, once a day."""

    def __init__(self, *, engine: Engine, outbox: Outbox, duty_group_id: int | None,
                 tz: tzinfo) -> None:
        self.engine, self.outbox, self.duty_group_id, self.tz = engine, outbox, duty_group_id, tz
        self._posted_on: date | None = None  # in this process

    def post(self, now: datetime) -> list[str]:
        """Queue today's digest (no citizens' data); returns its outbox key, if queued."""
        group = self.duty_group_id
        day = now.astimezone(self.tz).date()
        if group is None or self._posted_on == day:
            return []
        self._posted_on = day
        today, overdue = self._due(day, now)
        shown_overdue = overdue[:DIGEST_MAX_LINES]
        shown_today = today[:DIGEST_MAX_LINES - len(shown_overdue)]
        note = DueToday(at=now.astimezone(self.tz), day=day, overdue_total=len(overdue),
                        today_total=len(today), overdue=[_item(x) for x in shown_overdue],
                        today=[_item(x) for x in shown_today])
        key = f"rmd:{day.isoformat()}"
        self.outbox.enqueue(key=key, kind="digest", ref=f"digest:{day.isoformat()}",
                            chat_id=group, note=note, priority=NORMAL)
        return [key]

    def _due(self, day: date, now: datetime) -> tuple[list[Due], list[Due]]:
        """(falling due later today, already late), each by deadline."""
        start = datetime.combine(day, time(0), tzinfo=self.tz)
        end = start + timedelta(days=1)
        with session_scope(self.engine) as s:
            rows = s.exec(select(Ticket).where(
                col(Ticket.status).in_(list(_OPEN)),
                or_(col(Ticket.complete_by) < end,
                    and_(col(Ticket.sign_by) < end, Ticket.status == Status.new.value),
                    col(Ticket.contact_by) < end,
                    col(Ticket.first_feedback_by) < end))).all()
        today: list[Due] = []
        overdue: list[Due] = []
        for t in rows:
            for kind, due in open_milestones(t):
                if due < now:
                    overdue.append((kind, due, t))
                elif due < end:
                    today.append((kind, due, t))
        today.sort(key=lambda x: x[1])
        overdue.sort(key=lambda x: x[1])
        return today, overdue


def _item(due: Due) -> DigestItem:
    kind, at, t = due
    return DigestItem(kind=kind, due_at=at, platform_no=t.platform_no, urgency=t.urgency,
                      provisional=t.deadlines_provisional, category=t.category_l1,
                      unit=t.dispatched_units or t.unit)
