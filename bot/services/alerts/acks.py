"""What comes back from the chats about an alert: 收到 (acknowledge), 暂缓 (snooze), and the
courier's word that a copy could not be delivered.

收到 is first-wins under a row lock, so two leaders pressing at once cannot both "take" it;
every copy already sent is then edited so all recipients see the same state.
"""

from __future__ import annotations

import logging

from bot.services.alerts.common import (
    NOTICE,
    SEND,
    AckResult,
    AlertError,
    alert_buttons,
    ref_of,
)
from bot.services.alerts.core import AlertCore
from bot.services.outbox.store import URGENT, Outgoing
from bot.services.timefmt import fmt_dt
from bot.texts import alerts as texts
from models.alert import Alert, AlertEvent, AlertStatus
from models.db import session_scope
from models.ticket import Ticket, TicketEvent

log = logging.getLogger(__name__)


class AckMixin(AlertCore):
    # ------------------------------------------------------------------ 收到 / 暂缓
    def get(self, alert_id: int) -> Alert | None:
        with session_scope(self.engine) as s:
            return s.get(Alert, alert_id)

    def ack(self, *, alert_id: int, actor_id: int) -> AckResult:
        """First 收到 wins: stop escalating, mark every copy, drop copies not yet sent."""
        now = self.clock.now()
        with session_scope(self.engine) as s:
            a = s.get(Alert, alert_id, with_for_update=True)
            if a is None:
                raise AlertError(texts.ALERT_GONE)
            if a.acked_by is not None or a.status == AlertStatus.closed.value:
                return AckResult(a, False)
            a.status, a.acked_by, a.acked_at = AlertStatus.acked.value, actor_id, now
            # the second wait: still not dispatched by then -> remind (see _step)
            a.next_escalation_at, a.snoozed_until = now + self.ack_timeout, None
            s.add(a)
            s.add(AlertEvent(alert_id=alert_id, at=now, actor_id=actor_id, action="ack",
                             level=a.level))
            name = self.name_of(actor_id)
            took = texts.took((now - a.raised_at).total_seconds())
            s.add(TicketEvent(ticket_id=a.ticket_id, at=now, actor_id=actor_id,
                              action=texts.TICKET_EVENT_ACK,
                              note=texts.ticket_event_ack(alert_id, a.urgency, took)))
            t = s.get(Ticket, a.ticket_id)
        self._edit_copies(alert_id, "ack", texts.acked_line(name, now, took, now), buttons=None)
        self.outbox.cancel(ref=ref_of(alert_id), kind=SEND)
        if a.raised_by and a.raised_by != actor_id:  # the raiser is told
            self.outbox.enqueue(key=f"alert:{alert_id}:acked:{a.raised_by}", kind=NOTICE,
                                ref=ref_of(alert_id), chat_id=a.raised_by,
                                text=texts.acked_notice(t.platform_no if t else "?", alert_id,
                                                        name, now, took),
                                priority=URGENT)
        log.info("alert %s acknowledged by %s", alert_id, actor_id)
        return AckResult(a, True)

    def snooze(self, *, alert_id: int, actor_id: int, reason: str) -> Alert:
        """Hold escalation for ALERT_SNOOZE_MINUTES; then the same level is reminded again."""
        now = self.clock.now()
        with session_scope(self.engine) as s:
            a = s.get(Alert, alert_id, with_for_update=True)
            if a is None:
                raise AlertError(texts.ALERT_GONE)
            if a.status != AlertStatus.open.value:
                raise AlertError(texts.ACK_ENDED if a.acked_by is None else
                                 texts.ACK_ALREADY.format(name=self.name_of(a.acked_by),
                                                          at=fmt_dt(a.acked_at or now, now)))
            a.snoozed_until = a.next_escalation_at = now + self.snooze_for
            a.snooze_count += 1
            s.add(a)
            s.add(AlertEvent(alert_id=alert_id, at=now, actor_id=actor_id, action="snooze",
                             level=a.level, note=reason[:256]))
        line = texts.snoozed_line(self.name_of(actor_id), a.snoozed_until, reason, now)
        self._edit_copies(alert_id, f"snz{a.snooze_count}", line, buttons=alert_buttons(alert_id))
        return a

    # ------------------------------------------------------------------ failures
    def on_delivery_failed(self, row: Outgoing, why: str) -> None:
        """Courier hook: an alert did not reach someone (blocked the bot, gave up): record it
        on the alert and tell the managers, so somebody phones that leader."""
        if row.kind != SEND or not row.ref.startswith("alert:"):
            return
        alert_id = int(row.ref.split(":", 1)[1])
        now = self.clock.now()
        with session_scope(self.engine) as s:
            a = s.get(Alert, alert_id)
            if a is None:
                return
            failed = [x for x in a.undeliverable.split(",") if x]
            if str(row.chat_id) not in failed:
                a.undeliverable = ",".join([*failed, str(row.chat_id)])[:512]
                s.add(a)
            s.add(AlertEvent(alert_id=alert_id, at=now, action="undelivered", level=a.level,
                             note=f"{row.chat_id}:{why}"))
            t = s.get(Ticket, a.ticket_id)
        member = self.staff.get_any(row.chat_id)
        name = member.name if member else ("值班群" if row.chat_id == self.duty_group_id
                                           else "领导群" if row.chat_id == self.leader_group_id
                                           else str(row.chat_id))
        text = texts.blocked_notice(name, row.chat_id, t.platform_no if t else "?", alert_id)
        for m in self._managers():
            if m.telegram_id != row.chat_id:
                self.outbox.enqueue(key=f"alert:{alert_id}:undeliv:{row.chat_id}:{m.telegram_id}",
                                    kind=NOTICE, ref=ref_of(alert_id), chat_id=m.telegram_id,
                                    text=text, priority=URGENT)
        log.warning("alert %s not delivered to chat %s (%s)", alert_id, row.chat_id, why)
