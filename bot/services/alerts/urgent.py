"""/urgent: mark a ticket 紧急 and alert the leaders now, or re-send an open alert.

It needs both the tickets and the alerts, which otherwise do not know each other (the ticket
service only tells its urgent listeners), so it sits beside them rather than inside either.
"""

from __future__ import annotations

import logging

from bot.services.alerts.common import ENDED_TICKET, UrgentResult
from bot.services.alerts.errors import RaiseFailed, TicketEnded, TicketNotFound
from bot.services.alerts.service import AlertService
from bot.services.tickets.errors import Refusal, TicketError
from bot.services.tickets.service import TicketService
from bot.services.tickets.vocabulary import ALERT_URGENCIES, URGENT
from models.alert import Alert
from models.ticket import Ticket

log = logging.getLogger(__name__)


class UrgentDesk:
    def __init__(self, *, tickets: TicketService, alerts: AlertService) -> None:
        self.tickets, self.alerts = tickets, alerts

    def urgent(self, *, platform_no: str, actor_id: int, note: str = "") -> UrgentResult:
        """Mark the ticket 紧急 (if it is not urgent yet) and alert the leaders now."""
        t = self.tickets.get(platform_no)
        if t is None or t.id is None:
            raise TicketNotFound(platform_no)
        if t.status in ENDED_TICKET:
            raise TicketEnded(t.platform_no, t.status)
        existing = self.alerts.open_alert(t.id)
        if existing is not None:
            return UrgentResult(existing, t, False, [])
        if t.urgency not in ALERT_URGENCIES:
            t, alert = self._remark(t, actor_id, note)
        else:
            try:
                alert, _ = self.alerts.raise_now(t, actor_id, note)
            except Exception as exc:  # nothing was stored: say so rather than "error"
                log.error("alert for ticket %s not raised", t.id, exc_info=True)
                raise RaiseFailed(t.platform_no, urgency=t.urgency, remark=False) from exc
        policy = self.alerts.policy
        return UrgentResult(alert, t, True, self.alerts.recipients_of(alert, t),
                            policy.wait(0) if policy.last > 0 else None)

    def _remark(self, t: Ticket, actor_id: int, note: str) -> tuple[Ticket, Alert]:
        """Re-mark the ticket 紧急: the ticket service raises the alert in the same
        transaction, so either both happened or neither did."""
        assert t.id is not None
        try:
            t = self.tickets.set_urgency(ticket_id=t.id, urgency=URGENT, actor_id=actor_id,
                                         note=note)
        except TicketError as exc:
            if exc.code is not Refusal.urgent_not_saved:
                raise
            raise RaiseFailed(t.platform_no, urgency=URGENT, remark=True) from exc
        alert = self.alerts.open_alert(t.id or 0)
        if alert is None:  # no alert listener is wired (a misbuilt service)
            raise RaiseFailed(t.platform_no, urgency=URGENT, remark=False)
        return t, alert
