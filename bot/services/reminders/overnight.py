"""The 21:00 案件不过夜 sweep and what it leaves behind for the next morning's summary.

The sweep is recorded per date (``OvernightSweep`` and its items) before anything is sent,
so it runs once an evening across restarts, a crash before delivery is repaired by re-sending
the recorded message, and the daily post can later count what was left overnight.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import or_
from sqlmodel import col, select

from bot.clock import SHANGHAI
from bot.services.outbox.store import URGENT
from bot.services.reminders.core import _csv, _ids
from bot.services.reminders.duty import DutyMixin
from bot.services.reminders.records import OvernightCounts
from bot.services.reminders.steps import _OPEN
from bot.services.tickets.workflow import Status
from models.db import session_scope
from models.reminder import OvernightItem, OvernightSweep
from models.staff import Role
from models.ticket import Ticket

#: Statuses the evening sweep looks for: signed (or sent back for a second handling) but not
#: dispatched yet.
UNDISPATCHED = (Status.signed.value, Status.supervised.value)


class OvernightMixin(DutyMixin):
    def overnight_sweep(self, now: datetime) -> str | None:
        """At ``OVERNIGHT_SWEEP_AT``: every ticket signed but not dispatched goes to the staff
        on duty and the shift lead. Once per evening (a row per date survives restarts)."""
        local = now.astimezone(SHANGHAI)
        day = local.date()
        if self._done_today.get("sweep") == day or local.time() < self.sweep_at:
            return None
        with session_scope(self.engine) as s:
            if s.exec(select(OvernightSweep.id).where(
                    OvernightSweep.sweep_date == day)).first() is not None:
                self._done_today["sweep"] = day
                return None
            rows = s.exec(select(Ticket).where(col(Ticket.status).in_(UNDISPATCHED))
                          .order_by(col(Ticket.signed_at))).all()
            on_duty, leads = self._on_duty(now)
            recipients = list(dict.fromkeys(on_duty + leads))
            if not recipients:
                handlers = [t.handler_id for t in rows
                            if t.handler_id and self.staff.get(t.handler_id)]
                managers = [m.telegram_id for m in self.staff.active(Role.manager)]
                recipients = list(dict.fromkeys([*handlers, *managers]))
            sweep = OvernightSweep(sweep_date=day, ran_at=now, flagged=len(rows),
                                   recipients=_csv(recipients) if rows else "",
                                   enqueued=not rows)
            s.add(sweep)
            for t in rows:
                assert t.id is not None
                s.add(OvernightItem(sweep_date=day, ticket_id=t.id, status=t.status))
        self._done_today["sweep"] = day
        if rows:
            try:
                self._deliver_sweep(day, now)
            except BaseException:
                self._needs_repair = True
                raise
        return f"sweep:{day.isoformat()}:{len(rows)}"

    def _repair_sweep(self) -> None:
        with session_scope(self.engine) as s:
            pending = s.exec(select(OvernightSweep.sweep_date).where(
                OvernightSweep.enqueued == False)).all()  # noqa: E712
        for day in pending:
            self._deliver_sweep(day, self.clock.now())

    def _deliver_sweep(self, day: date, now: datetime) -> None:
        from bot.texts import reminders as texts

        with session_scope(self.engine) as s:
            sweep = s.exec(select(OvernightSweep).where(OvernightSweep.sweep_date == day)).one()
            items = s.exec(select(OvernightItem, Ticket).join(
                Ticket, col(Ticket.id) == col(OvernightItem.ticket_id)).where(
                OvernightItem.sweep_date == day).order_by(col(OvernightItem.id))).all()
            lines = [self._overnight_line(t) for _, t in items]
            text = texts.overnight_message(lines, now=now, sweep_at=self.sweep_at)
            for chat in _ids(sweep.recipients):
                self.outbox.enqueue(key=f"rmo:{day.isoformat()}:{chat}", kind="overnight",
                                        ref=f"overnight:{day.isoformat()}", chat_id=chat,
                                        text=text, priority=URGENT)
            sweep.enqueued = True
            s.add(sweep)

    def _overnight_line(self, t: Ticket) -> dict[str, Any]:
        member = self.staff.get(t.handler_id) if t.handler_id else None
        return {"platform_no": t.platform_no, "status": t.status, "urgency": t.urgency,
                "category": t.category_l1, "unit": t.unit, "signed_at": t.signed_at,
                "handler": member.name if member else ""}

    # ------------------------------------------------------------------ reads
    def overnight_left(self, day: date) -> int:
        """For the daily post of ``day`` (issue 8): how many tickets were left overnight into
        ``day`` — flagged by the previous evening's sweep and still not dispatched (nor
        closed/returned) at midnight. Without a sweep that evening (bot down): the tickets
        signed before midnight that were still undispatched then, as far as known now."""
        report = self.overnight_report(day - timedelta(days=1))
        if report.swept:
            return report.left
        midnight = datetime.combine(day, time(0), tzinfo=SHANGHAI)
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
        midnight = datetime.combine(day + timedelta(days=1), time(0), tzinfo=SHANGHAI)
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
