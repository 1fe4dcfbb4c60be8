"""Raising an alert: the ticket service tells us a ticket was logged or re-marked
紧急/涉稳/重点 (directly, or through /urgent — see ``urgent``).

One open alert per ticket: raising again returns the existing one. A new alert is stored due
at once and its first level sent straight away; if the process dies in between, the next
scan sends it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.clock import Clock
from models.alert import Alert, AlertEvent, AlertStatus
from models.db import session_scope
from models.ticket import Ticket

log = logging.getLogger(__name__)


class Raiser:
    def __init__(self, *, engine: Engine, clock: Clock,
                 first_step: Callable[[int, datetime], bool]) -> None:
        self.engine, self.clock = engine, clock
        self.first_step = first_step  # the escalator's step: sends the first level now

    def raise_now(self, t: Ticket, actor_id: int | None, note: str) -> tuple[Alert, bool]:
        """Raise (or return the open) alert for a ticket; True when it is new."""
        assert t.id is not None
        now = self.clock.now()
        with session_scope(self.engine) as s:
            existing = s.exec(select(Alert).where(
                Alert.ticket_id == t.id, Alert.status == AlertStatus.open.value)).first()
            if existing is not None:
                return existing, False
            # Due at once: if we die before the first level goes out, the next tick sends it.
            a = Alert(ticket_id=t.id, urgency=t.urgency, ticket_status=t.status,
                      note=" ".join(note.split())[:256], raised_by=actor_id, raised_at=now,
                      next_escalation_at=now)
            s.add(a)
            s.flush()
            assert a.id is not None
            s.add(AlertEvent(alert_id=a.id, at=now, actor_id=actor_id, action="raise"))
        log.info("alert %s raised for ticket %s", a.id, t.id)
        self.first_step(a.id, now)
        return a, True
