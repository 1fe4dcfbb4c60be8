"""Logging a ticket (登记): check it, count its deadlines, store it, warn, tell listeners.

An urgent ticket is stored in the same transaction as its alert (the listeners run inside
it): both or neither, and when neither the person is told it was not logged."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.clock import Clock
from bot.services.calendar.work import WorkCalendar
from bot.services.tickets.deadlines import DeadlinePolicy, Deadlines
from bot.services.tickets.errors import Refusal, TicketError
from bot.services.tickets.fields import ParsedTicket
from bot.services.tickets.indexes import TicketIndexes
from bot.services.tickets.listeners import UrgentChange, UrgentListeners, all_or_nothing
from bot.services.tickets.queries import by_number
from bot.services.tickets.repeats import WarningFinder, Warnings
from bot.services.tickets.vocabulary import (
    ALERT_URGENCIES,
    CONSULTATION,
    DEFAULT_URGENCY,
    EventName,
)
from bot.services.tickets.workflow import Status
from models.db import session_scope
from models.ticket import Ticket, TicketEvent

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class Created:
    ticket: Ticket
    warnings: Warnings
    raises_alert: bool


class TicketIntake:
    def __init__(self, engine: Engine, clock: Clock, policy: DeadlinePolicy,
                 calendar: WorkCalendar, *, indexes: TicketIndexes, warnings: WarningFinder,
                 urgent: UrgentListeners) -> None:
        self.engine, self.clock, self.policy, self.calendar = engine, clock, policy, calendar
        self.indexes, self.warnings, self.urgent = indexes, warnings, urgent

    def create(self, *, data: ParsedTicket, actor_id: int, complex_case: bool = False,
               answered_on_spot: bool = False) -> Created:
        """Log a ticket. ``complex_case`` (复杂疑难) and ``answered_on_spot`` (咨询当场答复)
        select the policy row; a row with ``no_deadlines`` closes the ticket at logging."""
        missing = data.missing()
        if missing:
            raise TicketError(Refusal.incomplete, missing=missing)
        complex_case = complex_case or bool(data.complex_case)
        answered_on_spot = answered_on_spot or bool(data.answered_on_spot)
        if answered_on_spot and data.request_type != CONSULTATION:
            raise TicketError(Refusal.consult_only)
        now = self.clock.now()
        received = data.received_at or now
        urgency = data.urgency or DEFAULT_URGENCY
        dl = self.policy.compute(received_at=received, urgency=urgency,
                                 request_type=data.request_type or "", calendar=self.calendar,
                                 complex_case=complex_case, answered_on_spot=answered_on_spot,
                                 platform_deadline=data.platform_deadline)
        alert = urgency in ALERT_URGENCIES
        # An urgent ticket and its alert commit together, or neither does (see listeners).
        change = UrgentChange(data.platform_no or "", urgency, remark=False) if alert else None
        with all_or_nothing(change):
            with session_scope(self.engine) as s:
                t, warnings = self._store(s, data, received, dl, actor_id=actor_id, now=now,
                                          complex_case=complex_case)
                if alert:
                    self.urgent.tell(s, t, actor_id, "")
        self._index(t)
        return Created(t, warnings, alert)

    def _store(self, s: Session, data: ParsedTicket, received: datetime, dl: Deadlines, *,
               actor_id: int, now: datetime, complex_case: bool) -> tuple[Ticket, Warnings]:
        existing = by_number(s, data.platform_no or "")
        if existing is not None:
            raise TicketError(Refusal.duplicate, platform_no=existing.platform_no,
                              status=existing.status)
        t = _row(data, received, dl, actor_id=actor_id, now=now, complex_case=complex_case)
        if self.policy.classes[dl.policy_class].no_deadlines:
            t.status, t.closed_at = Status.closed.value, now  # e.g. 咨询 answered on the spot
        s.add(t)
        s.flush()
        warnings = self.warnings.find(s, t, now)
        t.repeat_count = len(warnings.repeat_refs)
        t.repeat_refs = "、".join(warnings.repeat_refs)[:512]
        t.similar_refs = "、".join(x.platform_no for x in warnings.similar)[:512]
        s.add(t)
        s.add(TicketEvent(ticket_id=t.id, at=now, actor_id=actor_id,
                          action=EventName.logged.value, from_status=None,
                          to_status=t.status))
        return t, warnings

    def _index(self, t: Ticket) -> None:
        """The ticket is stored: a failing in-memory index must not make it look unlogged
        (the indexes are rebuilt from the database at the next start)."""
        try:
            self.indexes.add(t)
        except Exception:
            log.exception("ticket %s logged but not indexed", t.id)


def _row(data: ParsedTicket, received: datetime, dl: Deadlines, *, actor_id: int,
         now: datetime, complex_case: bool) -> Ticket:
    return Ticket(
        platform_no=data.platform_no, received_at=received,
        citizen_name=data.citizen_name or "", phone=data.phone or "",
        address=data.address or "", request_type=data.request_type,
        category_l1=data.category_l1, category_l2=data.category_l2 or "",
        unit=data.unit, industry=data.industry or "", urgency=data.urgency or DEFAULT_URGENCY,
        content=data.content or "", platform_deadline=data.platform_deadline,
        status=Status.new.value, handler_id=actor_id, created_by=actor_id,
        created_at=now, updated_at=now, sign_by=dl.sign_by, contact_by=dl.contact_by,
        first_feedback_by=dl.first_feedback_by, complete_by=dl.complete_by,
        deadlines_provisional=dl.provisional, policy_class=dl.policy_class,
        complex_case=complex_case,
    )
