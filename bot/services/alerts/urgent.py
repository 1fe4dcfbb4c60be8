"""/urgent: mark a ticket 紧急 and alert the leaders now, or re-send an open alert.

It needs both the tickets and the alerts, which otherwise do not know each other (the ticket
service only tells its urgent listeners), so it sits beside them rather than inside either.
"""

from __future__ import annotations

from html import escape

from bot.services.alerts.common import ENDED_TICKET, AlertError, UrgentResult
from bot.services.alerts.service import AlertService
from bot.services.tickets.service import TicketService
from bot.services.tickets.vocabulary import ALERT_URGENCIES
from bot.texts import alerts as texts


class UrgentDesk:
    def __init__(self, *, tickets: TicketService, alerts: AlertService) -> None:
        self.tickets, self.alerts = tickets, alerts

    def urgent(self, *, platform_no: str, actor_id: int, note: str = "") -> UrgentResult:
        """Mark the ticket 紧急 (if it is not urgent yet) and alert the leaders now."""
        t = self.tickets.get(platform_no)
        if t is None or t.id is None:
            raise AlertError(texts.NOT_FOUND.format(no=escape(platform_no)))
        if t.status in ENDED_TICKET:
            raise AlertError(texts.URGENT_CLOSED.format(no=escape(t.platform_no),
                                                        status=t.status.removeprefix("已")))
        existing = self.alerts.open_alert(t.id)
        if existing is not None:
            return UrgentResult(existing, t, False, [])
        if t.urgency not in ALERT_URGENCIES:
            t = self.tickets.set_urgency(ticket_id=t.id, urgency="紧急", actor_id=actor_id,
                                         note=note)
            alert = self.alerts.open_alert(t.id or 0)
            if alert is None:
                raise AlertError("提醒发送失败，请稍后再试或电话联系领导。")
        else:
            alert, _ = self.alerts.raise_now(t, actor_id, note)
        return UrgentResult(alert, t, True, self.alerts.recipients_of(alert, t))
