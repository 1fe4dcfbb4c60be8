"""The ticket part of the scan: plan new tickets, write due steps to the ledger, send them.

Only tickets whose ``next_reminder_at`` is NULL ("plan me") or has come are read, so a scan
costs a few index look-ups however many tickets are open. The ledger rows and the new
``next_reminder_at`` are written in one transaction before anything is enqueued.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.services.reminders.duty import DutyLookup
from bot.services.reminders.ledger import BATCH, ReminderDelivery, batch_id, csv, utc
from bot.services.reminders.records import ScanResult
from bot.services.reminders.steps import NEVER, Step, current_step, next_fire, open_milestones
from bot.services.staff.directory import StaffDirectory
from models.db import session_scope
from models.reminder import ReminderSent
from models.staff import Role
from models.ticket import Ticket

LedgerKey = tuple[int, str, int, datetime]


class TicketPlanner:
    """Decides which reminder step of which ticket is due and who gets it."""

    def __init__(self, *, engine: Engine, staff: StaffDirectory, duty: DutyLookup,
                 delivery: ReminderDelivery, leads: Sequence[int]) -> None:
        self.engine, self.staff, self.duty, self.delivery = engine, staff, duty, delivery
        self.leads = tuple(leads)

    def scan(self, now: datetime, result: ScanResult) -> None:
        batch = batch_id(now)
        staged: list[ReminderSent] = []
        with session_scope(self.engine) as s:
            fresh = list(s.exec(select(Ticket).where(
                Ticket.next_reminder_at == None).limit(BATCH)).all())  # noqa: E711
            due = list(s.exec(select(Ticket).where(col(Ticket.next_reminder_at) <= now)
                              .order_by(col(Ticket.next_reminder_at)).limit(BATCH)).all())
            rows = fresh + due
            if not rows:
                return
            ledger = _ledger_keys(s, [t.id for t in rows if t.id is not None])
            duty: list[tuple[list[int], list[int]]] = []  # looked up once, when first needed
            for t in rows:
                planning = t.next_reminder_at is None
                staged += self._stage(t, now, batch, ledger, duty, result)
                t.next_reminder_at = min((next_fire(d, now, self.leads)
                                          for _, d in open_milestones(t)), default=NEVER)
                s.add(t)
                result.planned += int(planning)
            s.add_all(staged)
        if any(r.status == "sent" for r in staged):
            result.messages += self.delivery.deliver(batch, now)

    def _stage(self, t: Ticket, now: datetime, batch: str, ledger: set[LedgerKey],
               duty: list[tuple[list[int], list[int]]],
               result: ScanResult) -> list[ReminderSent]:
        """Ledger rows for the steps of ``t`` that are due and not recorded yet."""
        assert t.id is not None
        planning = t.next_reminder_at is None
        out: list[ReminderSent] = []
        for kind, deadline in open_milestones(t):
            step = current_step(kind, deadline, now, self.leads)
            if step is None or (t.id, kind, step.lead, utc(deadline)) in ledger:
                continue
            row = ReminderSent(ticket_id=t.id, kind=kind, lead=step.lead, due_at=deadline,
                               fire_at=step.fire_at, created_at=now, batch=batch)
            if not (planning and step.lead > 0):  # a past lead on a fresh ticket: skipped
                if not duty:
                    duty.append(self.duty.on_duty(now))
                row.recipients = csv(self._recipients(t, step, duty[0]))
            if row.recipients:
                result.reminders += 1
            else:
                row.status, row.enqueued = "skipped", True
                result.skipped += 1
            out.append(row)
        return out

    def _recipients(self, t: Ticket, step: Step, duty: tuple[list[int], list[int]]) -> list[int]:
        """Before the deadline: the handler (or whoever is on duty); once overdue also the
        shift lead (or the managers)."""
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


def _ledger_keys(s: Session, ticket_ids: list[int]) -> set[LedgerKey]:
    """(ticket, kind, lead, deadline) of every step already recorded for these tickets."""
    keys: set[LedgerKey] = set()
    for i in range(0, len(ticket_ids), 400):
        part = ticket_ids[i:i + 400]
        for tid, kind, lead, due in s.exec(select(
                ReminderSent.ticket_id, ReminderSent.kind, ReminderSent.lead,
                ReminderSent.due_at).where(col(ReminderSent.ticket_id).in_(part))).all():
            keys.add((tid, kind, lead, utc(due)))
    return keys
