"""Raising an alert: the ticket service tells us a ticket was logged or re-marked
紧急/涉稳/重点 (directly, or through /urgent — see ``urgent``), or the reconciler finds an
urgent ticket that has none (see ``reconcile``).

One open alert per ticket: raising again returns the existing one. The alert row, its
history entry and the first level's outbox rows are written in ONE transaction — the
caller's, when the ticket itself is being logged or re-marked (`raise_in`) — so a failure
anywhere leaves neither the alert nor the urgent ticket behind, never one without the other.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.clock import Clock
from models.alert import Alert, AlertEvent, AlertStatus
from models.db import session_scope
from models.ticket import Ticket

log = logging.getLogger(__name__)

# The escalator's first step, in the raising transaction: (session, alert, ticket, now).
FirstLevel = Callable[[Session, Alert, Ticket, datetime], bool]
RECONCILED = "reconciled"  # AlertEvent note of an alert raised by the reconciler


class Raiser:
    def __init__(self, *, engine: Engine, clock: Clock, first_level: FirstLevel) -> None:
        self.engine, self.clock = engine, clock
        self.first_level = first_level

    def raise_now(self, t: Ticket, actor_id: int | None, note: str) -> tuple[Alert, bool]:
        """Raise (or return the open) alert for a stored ticket in a transaction of its own;
        True when it is new."""
        with session_scope(self.engine) as s:
            return self.raise_in(s, t, actor_id, note)

    def raise_in(self, s: Session, t: Ticket, actor_id: int | None, note: str, *,
                 reconciled: bool = False) -> tuple[Alert, bool]:
        """Raise (or return the open) alert inside the caller's transaction ``s``: the alert,
        its history and the first level's deliveries commit with the caller's changes."""
        assert t.id is not None
        existing = s.exec(select(Alert).where(
            Alert.ticket_id == t.id, Alert.status == AlertStatus.open.value)).first()
        if existing is not None:
            return existing, False
        now = self.clock.now()
        # Due now; the first level below moves it on. If no level applies now, the scan
        # takes it from here.
        a = Alert(ticket_id=t.id, urgency=t.urgency, ticket_status=t.status,
                  note=" ".join(note.split())[:256], raised_by=actor_id, raised_at=now,
                  next_escalation_at=now)
        s.add(a)
        s.flush()
        assert a.id is not None
        s.add(AlertEvent(alert_id=a.id, at=now, actor_id=actor_id, action="raise",
                         note=RECONCILED if reconciled else ""))
        self.first_level(s, a, t, now)
        log.info("alert %s raised for ticket %s%s", a.id, t.id,
                 " (reconciled)" if reconciled else "")
        return a, True
