"""Alerts still waiting for 收到, for people who missed the first message.

A leader who was away, had not opened the bot yet, or scrolled past an alert must still be
able to acknowledge it: /alerts lists the waiting alerts with their buttons, /t of an alerted
ticket shows them, and a leader's /start sends again the ones addressed to them. A copy sent
again is an ordinary alert copy in the outbox (kind ``alert``, ref ``alert:<id>``), so 收到,
暂缓 and closing edit it like every other copy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.clock import Clock
from bot.services.alerts.mail import AlertMail
from bot.services.alerts.notes import AlertSent
from models.alert import Alert, AlertStatus
from models.db import session_scope
from models.ticket import Ticket

#: Waiting = nobody acknowledged yet: still escalating, or the policy is exhausted (a late
#: 收到 still counts).
WAITING = (AlertStatus.open.value, AlertStatus.expired.value)
LevelNote = Callable[[Alert, Ticket, int, int, datetime], AlertSent]


class Waiting:
    def __init__(self, *, engine: Engine, clock: Clock, mail: AlertMail,
                 level_note: LevelNote) -> None:
        self.engine, self.clock, self.mail = engine, clock, mail
        self.level_note = level_note  # the escalator's: what a copy of a level says

    def all(self, *, limit: int = 10) -> list[tuple[Alert, Ticket]]:
        """Alerts nobody has acknowledged, the latest first, with their tickets."""
        with session_scope(self.engine) as s:
            rows = s.exec(select(Alert, Ticket).join(
                Ticket, col(Ticket.id) == col(Alert.ticket_id)).where(
                col(Alert.status).in_(WAITING)).order_by(col(Alert.raised_at).desc())
                .limit(limit)).all()
        return [(a, t) for a, t in rows]

    def for_ticket(self, ticket_id: int) -> Alert | None:
        """The ticket's alert waiting for 收到, if any."""
        with session_scope(self.engine) as s:
            return s.exec(select(Alert).where(Alert.ticket_id == ticket_id,
                                              col(Alert.status).in_(WAITING))).first()

    def addressed_to(self, chat_id: int, *, limit: int = 10) -> list[tuple[Alert, Ticket]]:
        """The waiting alerts a copy was addressed to this person for (delivered or not: a
        leader who had never opened the bot could not receive it)."""
        rows = self.all(limit=100)
        mine = self.mail.copies_to([a.id for a, _ in rows if a.id is not None], chat_id)
        return [(a, t) for a, t in rows if a.id in mine][:limit]

    def send_again(self, rows: Sequence[tuple[Alert, Ticket]], chat_id: int, tag: str) -> int:
        """A copy of each alert's current level to this person; returns how many went out."""
        now = self.clock.now()
        sent = 0
        for a, t in rows:
            note = self.level_note(a, t, max(a.level, 0), a.repeat, now).model_copy(
                update={"again": True, "waited": now - a.raised_at, "next_wait": None})
            sent += self.mail.send_again(note, chat_id, f"{tag}{now:%Y%m%d%H%M%S}")
        return sent
