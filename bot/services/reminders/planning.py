"""The ticket part of the scan: plan new tickets, write due steps to the ledger, send them.

Only tickets whose ``next_reminder_at`` is NULL ("plan me") or has come are read, so a scan
costs a few index look-ups however many tickets are open. The ledger rows and the new
``next_reminder_at`` are written in one transaction before anything is enqueued.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from bot.services.reminders.core import BATCH, _batch_id, _csv, _utc
from bot.services.reminders.delivery import DeliveryMixin
from bot.services.reminders.duty import DutyMixin
from bot.services.reminders.records import ScanResult
from bot.services.reminders.steps import NEVER, Step, current_step, next_fire, open_milestones
from models.db import session_scope
from models.reminder import ReminderSent
from models.staff import Role
from models.ticket import Ticket


class PlanningMixin(DeliveryMixin, DutyMixin):
    def _scan_tickets(self, now: datetime, result: ScanResult) -> None:
        batch = _batch_id(now)
        staged: list[ReminderSent] = []
        with session_scope(self.engine) as s:
            fresh = list(s.exec(select(Ticket).where(
                Ticket.next_reminder_at == None).limit(BATCH)).all())  # noqa: E711
            due = list(s.exec(select(Ticket).where(col(Ticket.next_reminder_at) <= now)
                              .order_by(col(Ticket.next_reminder_at)).limit(BATCH)).all())
            rows = fresh + due
            if not rows:
                return
            ledger = self._ledger_keys(s, [t.id for t in rows if t.id is not None])
            duty = None
            for t in rows:
                assert t.id is not None
                planning = t.next_reminder_at is None
                nxt = NEVER
                for kind, deadline in open_milestones(t):
                    step = current_step(kind, deadline, now, self.leads)
                    if step is not None and (t.id, kind, step.lead, _utc(deadline)) not in ledger:
                        row = ReminderSent(ticket_id=t.id, kind=kind, lead=step.lead,
                                           due_at=deadline, fire_at=step.fire_at,
                                           created_at=now, batch=batch)
                        if planning and step.lead > 0:
                            row.status, row.enqueued = "skipped", True
                            result.skipped += 1
                        else:
                            if duty is None:
                                duty = self._on_duty(now)
                            row.recipients = _csv(self._recipients(t, step, duty))
                            if not row.recipients:
                                row.status, row.enqueued = "skipped", True
                                result.skipped += 1
                            else:
                                result.reminders += 1
                        staged.append(row)
                    nxt = min(nxt, next_fire(deadline, now, self.leads))
                t.next_reminder_at = nxt
                s.add(t)
                result.planned += int(planning)
            s.add_all(staged)
        if any(r.status == "sent" for r in staged):
            result.messages += self._deliver_batch(batch, now)

    @staticmethod
    def _ledger_keys(s: Session, ids: list[int]) -> set[tuple[int, str, int, datetime]]:
        keys: set[tuple[int, str, int, datetime]] = set()
        for i in range(0, len(ids), 400):
            part = ids[i:i + 400]
            for tid, kind, lead, due in s.exec(select(
                    ReminderSent.ticket_id, ReminderSent.kind, ReminderSent.lead,
                    ReminderSent.due_at).where(col(ReminderSent.ticket_id).in_(part))).all():
                keys.add((tid, kind, lead, _utc(due)))
        return keys

    def _recipients(self, t: Ticket, step: Step, duty: tuple[list[int], list[int]]) -> list[int]:
        staff = self.staff
        handler = t.handler_id if t.handler_id and staff.get(t.handler_id) else None
        on_duty, leads = duty
        managers = [m.telegram_id for m in staff.active(Role.manager)]
        if not step.overdue:
            if handler is not None:
                return [handler]
            return on_duty or managers or [m.telegram_id for m in staff.active(Role.admin)]
        out = ([handler] if handler else []) + (leads or managers)
        if not out:
            out = on_duty or [m.telegram_id for m in staff.active(Role.admin)]
        return list(dict.fromkeys(out))
