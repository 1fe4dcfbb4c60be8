"""The couriers' word that an alert did not get through: a Telegram copy could not be delivered
(blocked, rejected, gave up), or a channel beyond Telegram keeps failing. Record it on the
alert and tell the managers, so somebody phones that leader; the escalation goes on."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.engine import Engine

from bot.clock import Clock
from bot.services.alerts.common import SEND, GroupKind
from bot.services.alerts.mail import AlertMail
from bot.services.alerts.notes import AlertUndelivered, ChannelDown
from bot.services.alerts.recipients import RecipientResolver
from bot.services.outbox.store import Outgoing
from bot.services.staff.directory import StaffDirectory
from models.alert import Alert, AlertEvent
from models.db import session_scope
from models.ticket import Ticket

log = logging.getLogger(__name__)


class Undelivered:
    def __init__(self, *, engine: Engine, clock: Clock, staff: StaffDirectory,
                 recipients: RecipientResolver, mail: AlertMail) -> None:
        self.engine, self.clock, self.staff = engine, clock, staff
        self.recipients, self.mail = recipients, mail

    def on_delivery_failed(self, row: Outgoing, why: str) -> None:
        """Courier listener: only alert copies matter here; notices failing are just logged
        by the courier."""
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
        note = AlertUndelivered(alert_id=alert_id, platform_no=t.platform_no if t else "?",
                                chat_id=row.chat_id, name=member.name if member else None,
                                group=self._group_of(row.chat_id) if member is None else "")
        managers = [m.telegram_id for m in self.recipients.managers()
                    if m.telegram_id != row.chat_id]
        self.mail.notify(alert_id, f"undeliv:{row.chat_id}", managers, note)
        log.warning("alert %s not delivered to chat %s (%s)", alert_id, row.chat_id, why)

    def on_channel_down(self, *, channel: str, detail: str, failures: int, since: datetime,
                        ref: str) -> None:
        """Channel-courier listener: a channel keeps failing (called once per run of
        failures). The managers are told once; the alert's history records it."""
        alert_id = int(ref.split(":", 1)[1]) if ref.startswith("alert:") else None
        platform_no = ""
        if alert_id is not None:
            with session_scope(self.engine) as s:
                a = s.get(Alert, alert_id)
                if a is not None:
                    s.add(AlertEvent(alert_id=alert_id, at=self.clock.now(),
                                     action="undelivered", level=a.level,
                                     note=f"{channel}:{detail}"[:256]))
                    t = s.get(Ticket, a.ticket_id)
                    platform_no = t.platform_no if t else ""
        note = ChannelDown(channel=channel, detail=detail, failures=failures,
                           alert_id=alert_id, platform_no=platform_no)
        self.mail.channel_down(note, since, [m.telegram_id for m in self.recipients.managers()])
        log.warning("channel %s keeps failing (%d in a row: %s)", channel, failures, detail)

    def _group_of(self, chat_id: int) -> GroupKind:
        if chat_id == self.recipients.duty_group_id:
            return "duty_group"
        if chat_id == self.recipients.leader_group_id:
            return "leader_group"
        return ""
