"""From ledger to outbox: turn one batch of ``ReminderSent`` rows into one note per person.

The ledger row is written first (by the planner or the snoozes); this step only reads it
back, enqueues under ``rm:<batch>:<chat>`` and flags the rows. Re-running it for the same
batch is harmless (the outbox keys are unique), which is what makes crash repair a plain
re-run: :meth:`ReminderDelivery.repair` re-delivers whatever a crash left un-enqueued.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.services.outbox.store import NORMAL, URGENT, Outbox
from bot.services.reminders.notes import ReminderItem, RemindersDue
from bot.services.reminders.steps import SNOOZE_SUFFIX
from bot.services.staff.directory import StaffDirectory
from models.db import session_scope
from models.reminder import ReminderSent
from models.ticket import Ticket

log = logging.getLogger(__name__)

#: Tickets planned / reminded per scan at most (the rest follow on the next tick).
BATCH = 200


def utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def batch_id(now: datetime) -> str:
    return f"{now.astimezone(UTC):%Y%m%d%H%M%S}-{uuid.uuid4().hex[:8]}"


def csv(ids: Iterable[int]) -> str:
    return ",".join(str(i) for i in ids)


def ids(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


class ReminderDelivery:
    """Enqueues ledger batches; remembers to repair after a failure (and at start)."""

    def __init__(self, *, engine: Engine, staff: StaffDirectory, outbox: Outbox) -> None:
        self.engine, self.staff, self.outbox = engine, staff, outbox
        # look for batches a crash left un-enqueued: at start, and after a failed delivery
        self._needs_repair = True

    def deliver(self, batch: str, now: datetime) -> int:
        """One note per recipient for every ledger row of ``batch``; then flag them."""
        try:
            return self._enqueue(batch, now)
        except BaseException:
            self._needs_repair = True  # the ledger rows stay un-enqueued: retried next scan
            raise

    def repair(self, now: datetime) -> None:
        """Enqueue the ledger batches a crash (or a failed delivery) left un-enqueued."""
        if not self._needs_repair:
            return
        self._needs_repair = False
        with session_scope(self.engine) as s:
            batches = s.exec(select(ReminderSent.batch).where(
                ReminderSent.enqueued == False).distinct().limit(50)).all()  # noqa: E712
        for b in batches:
            log.info("re-enqueuing reminder batch %s after an interruption", b)
            self.deliver(b, now)

    def ledger(self, ticket_id: int) -> list[ReminderSent]:
        """Every step recorded for a ticket, oldest first."""
        with session_scope(self.engine) as s:
            return list(s.exec(select(ReminderSent).where(
                ReminderSent.ticket_id == ticket_id).order_by(col(ReminderSent.id))).all())

    def _enqueue(self, batch: str, now: datetime) -> int:
        with session_scope(self.engine) as s:
            rows = s.exec(select(ReminderSent, Ticket).join(
                Ticket, col(Ticket.id) == col(ReminderSent.ticket_id)).where(
                ReminderSent.batch == batch, ReminderSent.status == "sent")).all()
        per_chat: dict[int, list[ReminderItem]] = defaultdict(list)
        for r, t in rows:
            item = self._item(r, t)
            for chat in ids(r.recipients):
                per_chat[chat].append(item)
        items: list[dict[str, Any]] = []
        for chat, lines in per_chat.items():
            lines.sort(key=lambda x: (x.lead >= 0, x.due_at, x.platform_no))
            urgent = any(x.lead < 0 for x in lines)
            ref = f"ticket:{lines[0].ticket_id}" if len(lines) == 1 else "reminders"
            items.append({"key": f"rm:{batch}:{chat}", "kind": "reminder", "ref": ref,
                          "chat_id": chat, "note": RemindersDue(at=now, items=lines),
                          "priority": URGENT if urgent else NORMAL})
        count = self.outbox.enqueue_many(items)
        with session_scope(self.engine) as s:
            for r in s.exec(select(ReminderSent).where(
                    ReminderSent.batch == batch, ReminderSent.enqueued == False)).all():  # noqa: E712
                r.enqueued = True
                s.add(r)
        return count

    def _item(self, r: ReminderSent, t: Ticket) -> ReminderItem:
        assert t.id is not None
        member = self.staff.get(t.handler_id) if t.handler_id else None
        return ReminderItem(
            ticket_id=t.id, platform_no=t.platform_no, status=t.status, urgency=t.urgency,
            category=t.category_l1, unit=t.dispatched_units or t.unit,
            kind=r.kind.removesuffix(SNOOZE_SUFFIX), lead=r.lead, due_at=r.due_at,
            provisional=t.deadlines_provisional, snoozed=r.kind.endswith(SNOOZE_SUFFIX),
            handler_name=member.name if member else "")
