"""The two buttons under a reminder: `1小时后提醒` (snooze) and `已处理` (note what was done).

A snooze is stored as a row, not a timer, so it survives restarts; when it comes due the scan
turns it into a ledger step of kind ``<kind>:snz`` and delivers it like any other reminder.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.clock import Clock
from bot.services.reminders.ledger import BATCH, ReminderDelivery, batch_id
from bot.services.reminders.records import (
    DONE_EVENT,
    DONE_NOTE_MAX,
    ReminderError,
    ScanResult,
)
from bot.services.reminders.steps import KINDS, SNOOZE_SUFFIX, open_milestones
from models.db import session_scope
from models.reminder import ReminderSent, ReminderSnooze
from models.ticket import Ticket, TicketEvent

SNOOZE = timedelta(hours=1)


class Snoozes:
    """`1小时后提醒` rows, and turning the due ones into ledger steps."""

    def __init__(self, *, engine: Engine, clock: Clock, delivery: ReminderDelivery) -> None:
        self.engine, self.clock, self.delivery = engine, clock, delivery

    def snooze(self, *, ticket_id: int, kind: str, chat_id: int) -> datetime:
        """Remind this chat of this deadline once more in an hour (once: a second press
        returns the pending time)."""
        kind = kind.removesuffix(SNOOZE_SUFFIX)
        if kind not in KINDS:
            raise ReminderError("bad_kind")
        now = self.clock.now()
        with session_scope(self.engine) as s:
            t = s.get(Ticket, ticket_id)
            if t is None:
                raise ReminderError("no_ticket")
            if kind not in dict(open_milestones(t)):
                raise ReminderError("stage_done")
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

    def scan(self, now: datetime, result: ScanResult) -> None:
        batch = batch_id(now) + "z"
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
            result.messages += self.delivery.deliver(batch, now)


class DoneNotes:
    """`已处理`: what someone did about a reminder, written into the ticket's history."""

    def __init__(self, *, engine: Engine, clock: Clock) -> None:
        self.engine, self.clock = engine, clock

    def record(self, *, ticket_id: int, actor_id: int, note: str) -> Ticket:
        note = " ".join(note.split())
        if not note:
            raise ReminderError("empty_note")
        if len(note) > DONE_NOTE_MAX:
            raise ReminderError("note_too_long", limit=DONE_NOTE_MAX)
        now = self.clock.now()
        with session_scope(self.engine) as s:
            t = s.get(Ticket, ticket_id)
            if t is None:
                raise ReminderError("no_ticket")
            s.add(TicketEvent(ticket_id=ticket_id, at=now, actor_id=actor_id, action=DONE_EVENT,
                              from_status=t.status, to_status=t.status, note=note))
        return t
