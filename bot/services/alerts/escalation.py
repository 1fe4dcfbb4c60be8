"""The periodic escalation scan: close alerts whose ticket moved on, then run each due step
(the next level or repeat, the "nobody answered" notice, the post-收到 not-dispatched reminder).

Every step enqueues its deliveries under deterministic keys first and records itself on the
alert second, so a crash in between only repeats deliveries the outbox already holds.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.clock import Clock
from bot.failures import log_failure
from bot.services.alerts.channels import ChannelPlanner
from bot.services.alerts.common import CLOSING_STATUSES, Recipient, name_of
from bot.services.alerts.mail import AlertMail
from bot.services.alerts.notes import AlertAckTimeout, AlertExhausted, AlertSent, Closed, Then
from bot.services.alerts.policy import EscalationPolicy
from bot.services.alerts.recipients import RecipientResolver
from bot.services.staff.directory import StaffDirectory
from bot.services.tickets.workflow import Status
from models.alert import LIVE_STATUSES, Alert, AlertEvent, AlertStatus
from models.db import session_scope
from models.ticket import Ticket

log = logging.getLogger(__name__)


class Escalator:
    def __init__(self, *, engine: Engine, clock: Clock, policy: EscalationPolicy,
                 recipients: RecipientResolver, mail: AlertMail, staff: StaffDirectory,
                 channels: ChannelPlanner | None = None) -> None:
        self.engine, self.clock, self.policy = engine, clock, policy
        self.recipients, self.mail, self.staff = recipients, mail, staff
        self.channels = channels  # the level's messages beyond Telegram

    def scan(self, now: datetime) -> int:
        """Periodic producer: close alerts whose ticket moved on, then run every due step."""
        self.close_finished(now)
        with session_scope(self.engine) as s:
            ids = s.exec(select(Alert.id).where(
                Alert.next_escalation_at != None,  # noqa: E711
                col(Alert.next_escalation_at) <= now,
            ).order_by(col(Alert.next_escalation_at)).limit(100)).all()
        done = 0
        for alert_id in ids:
            try:
                done += self.step(alert_id, now)  # type: ignore[arg-type]
            except Exception as exc:  # one broken alert must not stop the others
                log_failure(log, f"alert {alert_id} escalation step failed", exc)
        return done

    def step(self, alert_id: int, now: datetime) -> bool:
        """Run the alert's due step, if it is due; True when a step was taken."""
        with session_scope(self.engine) as s:
            a = s.get(Alert, alert_id)
            if a is None or a.next_escalation_at is None or a.next_escalation_at > now:
                return False
            t = s.get(Ticket, a.ticket_id)
        assert t is not None
        if a.status == AlertStatus.acked.value:
            return self._ack_timeout_reminder(a, t, now)
        if a.status != AlertStatus.open.value:
            return False
        if a.snoozed_until is not None:  # a snooze ran out: remind the same level again
            step: tuple[int, int] | None = (max(a.level, 0), a.repeat + 1)
        else:  # repeat this level, or the next level that applies now (windows), or none
            step = self.policy.next_step(a.level, a.repeat, now)
        if step is None:
            self._exhausted(a, t, now)
            return True
        level, repeat = step
        # 1) deliveries first (idempotent keys) ...
        self.deliver(a, t, level, repeat, now)
        # 2) ... then the step itself; a crash between the two repeats 1) harmlessly.
        return self._record_step(a, level, repeat, now)

    def first_level(self, s: Session, a: Alert, t: Ticket, now: datetime) -> bool:
        """In the raising transaction: enqueue the first level's copies and record the step,
        so the alert and its first deliveries are committed together or not at all. When no
        level applies now, the alert is left due and the scan decides (e.g. exhausted)."""
        assert a.id is not None and a.next_escalation_at is not None
        step = self.policy.next_step(a.level, a.repeat, now)
        if step is None:
            return False
        level, repeat = step
        recipients = self.recipients.resolve(a, t, level)
        note = self.level_note(a, t, level, repeat, now)
        self.mail.send_level(note, recipients, session=s)
        if self.channels is not None:
            self.mail.send_channels(note, self.channels.targets(a, t, level), session=s)
        a.level, a.repeat = level, repeat
        a.next_escalation_at = a.next_escalation_at + self.policy.wait(level)
        s.add(a)
        s.add(AlertEvent(alert_id=a.id, at=now, action="level", level=level,
                         note=f"r{repeat}"))
        return True

    def _record_step(self, a: Alert, level: int, repeat: int, now: datetime) -> bool:
        assert a.next_escalation_at is not None
        wait = self.policy.wait(level)
        nxt = a.next_escalation_at + wait  # from the scheduled time: a restart keeps the plan
        if nxt <= now:  # we were down for a while: do not fire the following steps at once
            nxt = now + wait
        with session_scope(self.engine) as s:
            row = s.get(Alert, a.id)
            if row is None or row.status != AlertStatus.open.value or row.level != a.level \
                    or row.repeat != a.repeat:
                return False  # someone acknowledged or another process took the step
            row.level, row.repeat, row.next_escalation_at = level, repeat, nxt
            row.snoozed_until = None
            s.add(row)
            s.add(AlertEvent(alert_id=a.id, at=now, action="level", level=level,
                             note=f"r{repeat}"))
        return True

    def _then(self, level: int, repeat: int, at: datetime) -> Then:
        """What happens if nobody acknowledges by `at` (the end of this step's wait)."""
        nxt = self.policy.next_step(level, repeat, at)
        if nxt is None:
            return "exhausted"
        return "repeat" if nxt[0] == level else "escalate"

    def deliver(self, a: Alert, t: Ticket, level: int, repeat: int,
                now: datetime) -> list[Recipient]:
        """Enqueue one level's copies and channel messages (idempotent: the keys name alert,
        level, repeat and the chat or channel)."""
        recipients = self.recipients.resolve(a, t, level)
        note = self.level_note(a, t, level, repeat, now)
        self.mail.send_level(note, recipients)
        if self.channels is not None:
            self.mail.send_channels(note, self.channels.targets(a, t, level))
        return recipients

    def level_note(self, a: Alert, t: Ticket, level: int, repeat: int,
                   now: datetime) -> AlertSent:
        assert a.id is not None
        raiser = self.staff.get_any(a.raised_by) if a.raised_by else None
        wait = self.policy.wait(level)
        return AlertSent(
            alert_id=a.id, urgency=a.urgency, level=level,
            level_name=self.policy.levels[level].name, repeat=repeat,
            platform_no=t.platform_no, status=t.status, unit=t.unit,
            category_l1=t.category_l1, category_l2=t.category_l2 or "", content=t.content,
            citizen_name=t.citizen_name or "", phone=t.phone or "",
            sign_by=t.sign_by if t.status == Status.new.value else None,
            complete_by=t.complete_by, raised_at=a.raised_at,
            raiser=raiser.name if raiser else None, note=a.note,
            waited=now - a.raised_at if level or repeat else None, next_wait=wait,
            then=self._then(level, repeat, now + wait), now=now)

    def _exhausted(self, a: Alert, t: Ticket, now: datetime) -> None:
        """The last level's repeats and wait are used up: tell the managers nobody answered."""
        assert a.id is not None
        minutes = int((now - a.raised_at).total_seconds() // 60)
        note = AlertExhausted(alert_id=a.id, platform_no=t.platform_no, minutes=minutes)
        self.mail.notify(a.id, "exhausted", [m.telegram_id for m in self.recipients.managers()],
                         note)
        with session_scope(self.engine) as s:
            row = s.get(Alert, a.id)
            if row is None or row.status != AlertStatus.open.value:
                return
            row.status, row.next_escalation_at = AlertStatus.expired.value, None
            s.add(row)
            s.add(AlertEvent(alert_id=a.id, at=now, action="exhausted", level=row.level))
        log.warning("alert %s: escalation policy exhausted without acknowledgement", a.id)

    def _ack_timeout_reminder(self, a: Alert, t: Ticket, now: datetime) -> bool:
        """Acknowledged, but the ticket is still not dispatched after ALERT_ACK_TIMEOUT_MINUTES:
        remind the acknowledger and the duty officer, once."""
        assert a.id is not None
        if t.status not in CLOSING_STATUSES:
            chats = [a.acked_by] if a.acked_by else []
            chats += [i for i in self.recipients.duty_officer_ids(t, now) if i not in chats]
            note = AlertAckTimeout(alert_id=a.id, platform_no=t.platform_no,
                                   name=name_of(self.staff, a.acked_by),
                                   acked_at=a.acked_at or now, status=t.status, now=now)
            self.mail.notify(a.id, "acktimeout", [c for c in chats if c is not None], note)
        with session_scope(self.engine) as s:
            row = s.get(Alert, a.id)
            if row is None or row.status != AlertStatus.acked.value \
                    or row.next_escalation_at is None:
                return False
            row.next_escalation_at = None
            s.add(row)
            s.add(AlertEvent(alert_id=a.id, at=now, action="ack_timeout", level=row.level,
                             note=t.status))
        return True

    def close_finished(self, now: datetime) -> int:
        """Close every live alert whose ticket was handed on (or ended) since it was raised."""
        with session_scope(self.engine) as s:
            rows = s.exec(select(Alert, Ticket.status).join(
                Ticket, col(Ticket.id) == col(Alert.ticket_id)).where(
                col(Alert.status).in_([*LIVE_STATUSES, AlertStatus.expired.value]),
                col(Ticket.status).in_(CLOSING_STATUSES),
                col(Ticket.status) != col(Alert.ticket_status))).all()
            for a, status in rows:
                a.status, a.closed_at, a.close_reason = AlertStatus.closed.value, now, status
                a.next_escalation_at = a.snoozed_until = None
                s.add(a)
                s.add(AlertEvent(alert_id=a.id, at=now, action="close", level=a.level,
                                 note=status))
        for a, status in rows:
            assert a.id is not None
            if a.acked_by is None:  # acknowledged copies already say so
                self.mail.edit_copies(a.id, "close", Closed(status=status))
            self.mail.cancel_pending(a.id)
        return len(rows)
