"""The 21:00 案件不过夜 sweep and what it leaves behind for the next morning's summary.

The sweep is recorded per date (``OvernightSweep`` and its items) before anything is sent,
so it runs once an evening across restarts, a crash before delivery is repaired by re-sending
the recorded list, and the daily post can later count what was left overnight.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

from sqlalchemy import or_
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.services.outbox.store import URGENT, Outbox
from bot.services.reminders.duty import DutyLookup
from bot.services.reminders.ledger import csv, ids
from bot.services.reminders.notes import OvernightList, SweepItem
from bot.services.reminders.records import OvernightCounts
from bot.services.reminders.steps import _OPEN
from bot.services.staff.directory import StaffDirectory
from bot.services.tickets.workflow import Status
from models.db import session_scope
from models.reminder import OvernightItem, OvernightSweep
from models.staff import Role
from models.ticket import Ticket

#: Statuses the evening sweep looks for: signed (or sent back for a second handling) but not
#: dispatched yet.
UNDISPATCHED = (Status.signed.value, Status.supervised.value)
#: Tickets listed in the message (the rest are counted).
SWEEP_MAX_LINES = 50


class EveningSweep:
    """Once an evening at ``sweep_at`` (local time in ``tz``): every ticket signed but not
    dispatched goes to the staff on duty and the shift lead."""

    def __init__(self, *, engine: Engine, staff: StaffDirectory, duty: DutyLookup,
                 outbox: Outbox, sweep_at: time, tz: tzinfo) -> None:
        self.engine, self.staff, self.duty = engine, staff, duty
        self.outbox, self.sweep_at, self.tz = outbox, sweep_at, tz
        self._swept_on: date | None = None  # in this process
        self._needs_repair = True  # look for a recorded sweep left unsent: at start

    def run(self, now: datetime) -> str | None:
        """Sweep if it is time and this evening has no sweep yet; returns its key."""
        local = now.astimezone(self.tz)
        day = local.date()
        if self._swept_on == day or local.time() < self.sweep_at:
            return None
        with session_scope(self.engine) as s:
            if s.exec(select(OvernightSweep.id).where(
                    OvernightSweep.sweep_date == day)).first() is not None:
                self._swept_on = day
                return None
            rows = s.exec(select(Ticket).where(col(Ticket.status).in_(UNDISPATCHED))
                          .order_by(col(Ticket.signed_at))).all()
            recipients = self._recipients(rows, now)
            s.add(OvernightSweep(sweep_date=day, ran_at=now, flagged=len(rows),
                                 recipients=csv(recipients) if rows else "", enqueued=not rows))
            for t in rows:
                assert t.id is not None
                s.add(OvernightItem(sweep_date=day, ticket_id=t.id, status=t.status))
        self._swept_on = day
        if rows:
            try:
                self._deliver(day, now)
            except BaseException:
                self._needs_repair = True
                raise
        return f"sweep:{day.isoformat()}:{len(rows)}"

    def repair(self, now: datetime) -> None:
        """Send the recorded sweeps a crash left unsent."""
        if not self._needs_repair:
            return
        self._needs_repair = False
        with session_scope(self.engine) as s:
            pending = s.exec(select(OvernightSweep.sweep_date).where(
                OvernightSweep.enqueued == False)).all()  # noqa: E712
        for day in pending:
            self._deliver(day, now)

    def _recipients(self, rows: list[Ticket], now: datetime) -> list[int]:
        on_duty, leads = self.duty.on_duty(now)
        recipients = list(dict.fromkeys(on_duty + leads))
        if recipients:
            return recipients
        handlers = [t.handler_id for t in rows if t.handler_id and self.staff.get(t.handler_id)]
        managers = [m.telegram_id for m in self.staff.active(Role.manager)]
        return list(dict.fromkeys([*handlers, *managers]))

    def _deliver(self, day: date, now: datetime) -> None:
        with session_scope(self.engine) as s:
            sweep = s.exec(select(OvernightSweep).where(OvernightSweep.sweep_date == day)).one()
            items = s.exec(select(OvernightItem, Ticket).join(
                Ticket, col(Ticket.id) == col(OvernightItem.ticket_id)).where(
                OvernightItem.sweep_date == day).order_by(col(OvernightItem.id))).all()
            note = OvernightList(
                at=now, sweep_at=self.sweep_at, total=len(items),
                items=[self._item(t) for _, t in items[:SWEEP_MAX_LINES]])
            for chat in ids(sweep.recipients):
                self.outbox.enqueue(key=f"rmo:{day.isoformat()}:{chat}", kind="overnight",
                                    ref=f"overnight:{day.isoformat()}", chat_id=chat,
                                    note=note, priority=URGENT)
            sweep.enqueued = True
            s.add(sweep)

    def _item(self, t: Ticket) -> SweepItem:
        member = self.staff.get(t.handler_id) if t.handler_id else None
        return SweepItem(platform_no=t.platform_no, status=t.status, urgency=t.urgency,
                         category=t.category_l1, unit=t.unit, signed_at=t.signed_at,
                         handler=member.name if member else "")

    # ------------------------------------------------------------------ reads
    def overnight_left(self, day: date) -> int:
        """For the daily post of ``day`` (issue 8): how many tickets were left overnight into
        ``day`` — flagged by the previous evening's sweep and still not dispatched (nor
        closed/returned) at midnight. Without a sweep that evening (bot down): the tickets
        signed before midnight that were still undispatched then, as far as known now."""
        report = self.overnight_report(day - timedelta(days=1))
        if report.swept:
            return report.left
        midnight = datetime.combine(day, time(0), tzinfo=self.tz)
        with session_scope(self.engine) as s:
            rows = s.exec(select(Ticket).where(
                col(Ticket.signed_at) < midnight, col(Ticket.status).in_(list(_OPEN)),
                or_(col(Ticket.dispatched_at) == None,  # noqa: E711
                    col(Ticket.dispatched_at) >= midnight))).all()
        return sum(1 for t in rows if t.status in UNDISPATCHED or (
            t.dispatched_at is not None and t.dispatched_at >= midnight))

    def overnight_report(self, sweep_date: date) -> OvernightCounts:
        """What the sweep on the evening of ``sweep_date`` flagged, and how many of those were
        still not dispatched (nor closed/returned) at the following midnight."""
        day = sweep_date
        midnight = datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.tz)
        with session_scope(self.engine) as s:
            sweep = s.exec(select(OvernightSweep).where(OvernightSweep.sweep_date == day)).first()
            if sweep is None:
                return OvernightCounts(day, False, 0, 0)
            rows = s.exec(select(Ticket).join(
                OvernightItem, col(OvernightItem.ticket_id) == col(Ticket.id)).where(
                OvernightItem.sweep_date == day)).all()
        left = []
        for t in rows:
            dispatched = t.dispatched_at is not None and t.dispatched_at < midnight
            finished = t.status in (Status.closed.value, Status.returned.value) \
                and t.updated_at < midnight
            if not (dispatched or finished):
                left.append(t.platform_no)
        return OvernightCounts(day, True, sweep.flagged, len(left), tuple(left))
