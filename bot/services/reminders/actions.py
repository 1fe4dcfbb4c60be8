"""The two buttons under a reminder: `1小时后提醒` (snooze) and `已处理` (note what was done).

A snooze is stored as a row, not a timer, so it survives restarts; when it comes due the scan
turns it into a ledger step of kind ``<kind>:snz`` and delivers it like any other reminder.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import col, select

from bot.services.reminders.core import BATCH, _batch_id
from bot.services.reminders.delivery import DeliveryMixin
from bot.services.reminders.records import ReminderError, ScanResult
from bot.services.reminders.steps import KINDS, SNOOZE_SUFFIX, open_milestones
from models.db import session_scope
from models.reminder import ReminderSent, ReminderSnooze
from models.ticket import Ticket, TicketEvent

SNOOZE = timedelta(hours=1)


class ActionsMixin(DeliveryMixin):
    # ------------------------------------------------------------------ snoozes
    def snooze(self, *, ticket_id: int, kind: str, chat_id: int) -> datetime:
        """`1小时后提醒`: remind this chat of this deadline once more in an hour."""
        kind = kind.removesuffix(SNOOZE_SUFFIX)
        if kind not in KINDS:
            raise ReminderError("提醒类型无效。")
        now = self.clock.now()
        with session_scope(self.engine) as s:
            t = s.get(Ticket, ticket_id)
            if t is None:
                raise ReminderError("工单不存在。")
            if kind not in dict(open_milestones(t)):
                raise ReminderError("这一环节已完成，无需再提醒。")
            pending = s.exec(select(ReminderSnooze).where(
                ReminderSnooze.ticket_id == ticket_id, ReminderSnooze.kind == kind,
                ReminderSnooze.chat_id == chat_id,
                ReminderSnooze.fired == False)).first()  # noqa: E712
            if pending is not None:
                return pending.until
            until = now + SNOOZE
            s.add(ReminderSnooze(ticket_id=ticket_id, kind=kind, chat_id=chat_id, until=until,
                                 created_at=now))
        return until

    def _scan_snoozes(self, now: datetime, result: ScanResult) -> None:
        batch = _batch_id(now) + "z"
        sent = False
        with session_scope(self.engine) as s:
            rows = s.exec(select(ReminderSnooze).where(
                ReminderSnooze.fired == False,  # noqa: E712
                col(ReminderSnooze.until) <= now).limit(BATCH)).all()
            for z in rows:
                z.fired = True
                s.add(z)
                t = s.get(Ticket, z.ticket_id)
                due = dict(open_milestones(t)).get(z.kind) if t is not None else None
                if due is None:
                    continue  # done in the meantime
                assert z.id is not None
                s.add(ReminderSent(ticket_id=z.ticket_id, kind=z.kind + SNOOZE_SUFFIX,
                                   lead=z.id, due_at=due, fire_at=z.until, created_at=now,
                                   batch=batch, recipients=str(z.chat_id)))
                result.snoozes += 1
                sent = True
        if sent:
            result.messages += self._deliver_batch(batch, now)

    # ------------------------------------------------------------------ 已处理
    def record_done(self, *, ticket_id: int, actor_id: int, note: str) -> Ticket:
        """`已处理`: write what was done into the ticket's history."""
        note = " ".join(note.split())
        if not note:
            raise ReminderError("请简要写明做了什么处理。")
        if len(note) > 500:
            raise ReminderError("内容太长（最多 500 字），请简要说明。")
        now = self.clock.now()
        with session_scope(self.engine) as s:
            t = s.get(Ticket, ticket_id)
            if t is None:
                raise ReminderError("工单不存在。")
            s.add(TicketEvent(ticket_id=ticket_id, at=now, actor_id=actor_id, action="提醒已处理",
                              from_status=t.status, to_status=t.status, note=note))
        return t
