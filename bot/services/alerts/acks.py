"""What leaders answer to an alert: 收到 (acknowledge) and 暂缓 (snooze).

收到 is first-wins under a row lock, so two leaders pressing at once cannot both "take" it;
every copy already sent is then edited so all recipients see the same state.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy.engine import Engine

from bot.clock import Clock
from bot.services.alerts.common import HISTORY_ACK, AckResult, history_ack_note, name_of
from bot.services.alerts.errors import AlertEnded, AlertGone, AlreadyAcked
from bot.services.alerts.mail import AlertMail
from bot.services.alerts.notes import Acked, AlertAckedNotice, Snoozed
from bot.services.staff.directory import StaffDirectory
from models.alert import Alert, AlertEvent, AlertStatus
from models.db import session_scope
from models.ticket import Ticket, TicketEvent

log = logging.getLogger(__name__)


class Acks:
    def __init__(self, *, engine: Engine, clock: Clock, staff: StaffDirectory, mail: AlertMail,
                 ack_timeout: timedelta, snooze_for: timedelta) -> None:
        self.engine, self.clock, self.staff, self.mail = engine, clock, staff, mail
        # the "second wait": acknowledged but the ticket still not dispatched after this
        self.ack_timeout = ack_timeout
        self.snooze_for = snooze_for

    def ack(self, *, alert_id: int, actor_id: int) -> AckResult:
        """First 收到 wins: stop escalating, mark every copy, drop copies not yet sent."""
        now = self.clock.now()
        with session_scope(self.engine) as s:
            a = s.get(Alert, alert_id, with_for_update=True)
            if a is None:
                raise AlertGone()
            if a.acked_by is not None or a.status == AlertStatus.closed.value:
                return AckResult(a, False, name_of(self.staff, a.acked_by)
                                 if a.acked_by is not None else "")
            a.status, a.acked_by, a.acked_at = AlertStatus.acked.value, actor_id, now
            # the second wait: still not dispatched by then -> remind (see Escalator.step)
            a.next_escalation_at, a.snoozed_until = now + self.ack_timeout, None
            s.add(a)
            s.add(AlertEvent(alert_id=alert_id, at=now, actor_id=actor_id, action="ack",
                             level=a.level))
            took = now - a.raised_at
            s.add(TicketEvent(ticket_id=a.ticket_id, at=now, actor_id=actor_id,
                              action=HISTORY_ACK,
                              note=history_ack_note(a.urgency, alert_id, took)))
            t = s.get(Ticket, a.ticket_id)
        name = name_of(self.staff, actor_id)
        self.mail.edit_copies(alert_id, "ack", Acked(name=name, at=now, took=took))
        self.mail.cancel_pending(alert_id)
        if a.raised_by and a.raised_by != actor_id:  # the raiser is told
            self.mail.notify(alert_id, "acked", [a.raised_by], AlertAckedNotice(
                alert_id=alert_id, platform_no=t.platform_no if t else "?", name=name, at=now,
                took=took))
        log.info("alert %s acknowledged by %s", alert_id, actor_id)
        return AckResult(a, True, name)

    def check_snoozable(self, alert_id: int) -> Alert:
        """Before asking for a reason: the alert is still open (raises AlertError if not)."""
        with session_scope(self.engine) as s:
            a = s.get(Alert, alert_id)
        if a is None:
            raise AlertEnded()
        self._refuse_unless_open(a)
        return a

    def snooze(self, *, alert_id: int, actor_id: int, reason: str) -> Alert:
        """Hold escalation for ALERT_SNOOZE_MINUTES; then the same level is reminded again."""
        now = self.clock.now()
        with session_scope(self.engine) as s:
            a = s.get(Alert, alert_id, with_for_update=True)
            if a is None:
                raise AlertGone()
            self._refuse_unless_open(a)
            a.snoozed_until = a.next_escalation_at = now + self.snooze_for
            a.snooze_count += 1
            s.add(a)
            s.add(AlertEvent(alert_id=alert_id, at=now, actor_id=actor_id, action="snooze",
                             level=a.level, note=reason[:256]))
        self.mail.edit_copies(alert_id, f"snz{a.snooze_count}", Snoozed(
            name=name_of(self.staff, actor_id), until=a.snoozed_until, reason=reason, now=now))
        return a

    def _refuse_unless_open(self, a: Alert) -> None:
        if a.status == AlertStatus.open.value:
            return
        if a.acked_by is None:
            raise AlertEnded()
        now = self.clock.now()
        raise AlreadyAcked(name=name_of(self.staff, a.acked_by), at=a.acked_at or now, now=now)
