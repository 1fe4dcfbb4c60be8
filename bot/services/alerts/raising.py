"""Raising an alert: from the ticket service's urgent hook (a ticket logged or re-marked
紧急/涉稳/重点) or from /urgent.

One open alert per ticket: raising again returns the existing one. A new alert is stored due
at once and its first level sent straight away; if the process dies in between, the next
scan sends it.
"""

from __future__ import annotations

import logging
from html import escape

from sqlmodel import select

from bot.services.alerts.common import ENDED_TICKET, AlertError, UrgentResult
from bot.services.alerts.escalating import EscalationMixin
from bot.services.tickets.service import ALERT_URGENCIES
from bot.texts import alerts as texts
from models.alert import Alert, AlertEvent, AlertStatus
from models.db import session_scope
from models.ticket import Ticket

log = logging.getLogger(__name__)


class RaisingMixin(EscalationMixin):
    def raise_for_ticket(self, ticket: Ticket, actor_id: int) -> None:
        """`TicketService.urgent_hooks` entry: a ticket was logged or re-marked urgent."""
        assert ticket.id is not None
        self._raise(ticket, actor_id, self._pending_note.pop(ticket.id, ""))

    def urgent(self, *, platform_no: str, actor_id: int, note: str = "") -> UrgentResult:
        """/urgent: mark the ticket 紧急 (if it is not urgent yet) and alert the leaders now."""
        t = self.tickets.get(platform_no)
        if t is None or t.id is None:
            raise AlertError(texts.NOT_FOUND.format(no=escape(platform_no)))
        if t.status in ENDED_TICKET:
            raise AlertError(texts.URGENT_CLOSED.format(no=escape(t.platform_no),
                                                        status=t.status.removeprefix("已")))
        existing = self._open_alert(t.id)
        if existing is not None:
            return UrgentResult(existing, t, False, [])
        if t.urgency not in ALERT_URGENCIES:
            self._pending_note[t.id] = note
            try:
                t = self.tickets.set_urgency(ticket_id=t.id, urgency="紧急", actor_id=actor_id)
            finally:
                self._pending_note.pop(t.id or 0, None)
            alert = self._open_alert(t.id or 0)
            if alert is None:
                raise AlertError("提醒发送失败，请稍后再试或电话联系领导。")
        else:
            alert, _ = self._raise(t, actor_id, note)
        return UrgentResult(alert, t, True, self._resolve(alert, t, 0))

    def _open_alert(self, ticket_id: int) -> Alert | None:
        with session_scope(self.engine) as s:
            return s.exec(select(Alert).where(Alert.ticket_id == ticket_id,
                                              Alert.status == AlertStatus.open.value)).first()

    def _raise(self, t: Ticket, actor_id: int | None, note: str) -> tuple[Alert, bool]:
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
        self._step(a.id, now)
        return a, True
