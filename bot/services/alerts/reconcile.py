"""The safety net under raising: an urgent ticket still waiting to be handed on that has no
alert at all gets one.

Logging or re-marking a ticket urgent commits the ticket and its alert together, so this
should find nothing. It covers what that cannot: tickets stored by an older version that lost
its alert, rows written by hand or by another program, and any path that forgets the alert.
The query is cheap (indexed urgency and status, the few urgent tickets, a NOT EXISTS on the
indexed ``alert.ticket_id``) and runs on every tick; each ticket is raised in its own
transaction, re-checked under a row lock, so running twice (or racing a /urgent) raises once.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import exists
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from bot.failures import log_failure
from bot.services.alerts.common import CLOSING_STATUSES
from bot.services.alerts.raising import Raiser
from bot.services.tickets.vocabulary import ALERT_URGENCIES
from bot.services.tickets.workflow import Status
from models.alert import Alert
from models.db import session_scope
from models.ticket import Ticket

log = logging.getLogger(__name__)

# Still waiting to be handed on: an alert still has a job to do (CLOSING_STATUSES end it).
WAITING = tuple(s.value for s in Status if s.value not in CLOSING_STATUSES)


class Reconciler:
    def __init__(self, *, engine: Engine, raiser: Raiser, batch: int = 20) -> None:
        self.engine, self.raiser, self.batch = engine, raiser, batch

    def run(self, now: datetime) -> int:
        """Scheduler producer: raise an alert for each urgent waiting ticket that has none;
        returns how many were raised."""
        with session_scope(self.engine) as s:
            ids = s.exec(_orphans().order_by(col(Ticket.id)).limit(self.batch)).all()
        raised = 0
        for ticket_id in ids:
            try:
                with session_scope(self.engine) as s:
                    raised += self._raise(s, ticket_id)
            except Exception as exc:  # one broken ticket must not stop the others
                log_failure(log, f"reconciling ticket {ticket_id} failed", exc)
        return raised

    def _raise(self, s: Session, ticket_id: int | None) -> bool:
        t = s.get(Ticket, ticket_id, with_for_update=True)
        if t is None or s.exec(_orphans().where(Ticket.id == ticket_id)).first() is None:
            return False  # changed meanwhile (handed on, re-marked, or alerted)
        a, new = self.raiser.raise_in(s, t, t.created_by, "", reconciled=True)
        if new:
            log.warning("ticket %s was urgent without an alert: alert %s raised", t.id, a.id)
        return new


def _orphans() -> SelectOfScalar[int | None]:
    """Urgent tickets still waiting to be handed on that have no alert at all."""
    return select(Ticket.id).where(
        col(Ticket.urgency).in_(sorted(ALERT_URGENCIES)),
        col(Ticket.status).in_(WAITING),
        ~exists().where(col(Alert.ticket_id) == col(Ticket.id)))
