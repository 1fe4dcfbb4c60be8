"""From ledger to outbox: turn one batch of ``ReminderSent`` rows into one message per person.

The ledger row is written first (by the scan); this step only reads it back, enqueues under
``rm:<batch>:<chat>`` and flags the rows. Re-running it for the same batch is harmless (the
outbox keys are unique), which is what makes crash repair a plain re-run.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlmodel import col, select

from bot.services.outbox.store import NORMAL, URGENT
from bot.services.reminders.core import ReminderCore, _ids
from bot.services.reminders.records import ReminderLine
from bot.services.reminders.steps import SNOOZE_SUFFIX
from models.db import session_scope
from models.reminder import ReminderSent
from models.ticket import Ticket


class DeliveryMixin(ReminderCore):
    def _deliver_batch(self, batch: str, now: datetime) -> int:
        """One message per recipient for every ledger row of ``batch``; then flag them."""
        try:
            return self._enqueue_batch(batch, now)
        except BaseException:
            self._needs_repair = True  # the ledger rows stay un-enqueued: retried next scan
            raise

    def _enqueue_batch(self, batch: str, now: datetime) -> int:
        from bot.texts import reminders as texts

        with session_scope(self.engine) as s:
            rows = s.exec(select(ReminderSent, Ticket).join(
                Ticket, col(Ticket.id) == col(ReminderSent.ticket_id)).where(
                ReminderSent.batch == batch, ReminderSent.status == "sent")).all()
        per_chat: dict[int, list[ReminderLine]] = defaultdict(list)
        for r, t in rows:
            line = self._line(r, t)
            for chat in _ids(r.recipients):
                per_chat[chat].append(line)
        items = []
        for chat, lines in per_chat.items():
            lines.sort(key=lambda x: (x.lead >= 0, x.due_at, x.platform_no))
            text, buttons = texts.reminder_message(lines, now=now)
            urgent = any(x.lead < 0 for x in lines)
            ref = f"ticket:{lines[0].ticket_id}" if len(lines) == 1 else "reminders"
            items.append({"key": f"rm:{batch}:{chat}", "kind": "reminder", "ref": ref,
                          "chat_id": chat, "text": text, "buttons": buttons,
                          "priority": URGENT if urgent else NORMAL})
        count = self.outbox.enqueue_many(items)
        with session_scope(self.engine) as s:
            for r in s.exec(select(ReminderSent).where(
                    ReminderSent.batch == batch, ReminderSent.enqueued == False)).all():  # noqa: E712
                r.enqueued = True
                s.add(r)
        return count

    def _line(self, r: ReminderSent, t: Ticket) -> ReminderLine:
        assert t.id is not None
        member = self.staff.get(t.handler_id) if t.handler_id else None
        return ReminderLine(
            ticket_id=t.id, platform_no=t.platform_no, status=t.status, urgency=t.urgency,
            category=t.category_l1, unit=t.dispatched_units or t.unit,
            kind=r.kind.removesuffix(SNOOZE_SUFFIX), lead=r.lead, due_at=r.due_at,
            provisional=t.deadlines_provisional, snoozed=r.kind.endswith(SNOOZE_SUFFIX),
            handler_name=member.name if member else "")

    # ------------------------------------------------------------------ reads
    def ledger(self, ticket_id: int) -> list[ReminderSent]:
        with session_scope(self.engine) as s:
            return list(s.exec(select(ReminderSent).where(
                ReminderSent.ticket_id == ticket_id).order_by(col(ReminderSent.id))).all())
