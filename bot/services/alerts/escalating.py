"""The periodic escalation scan: close alerts whose ticket moved on, then run each due step
(the next level or repeat, the "nobody answered" notice, the post-收到 not-dispatched reminder).

Every step enqueues its deliveries under deterministic keys first and records itself on the
alert second, so a crash in between only repeats deliveries the outbox already holds.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import col, select

from bot.services.alerts.common import (
    CLOSING_STATUSES,
    NOTICE,
    SEND,
    Recipient,
    alert_buttons,
    ref_of,
)
from bot.services.alerts.recipients import RecipientsMixin
from bot.services.outbox.store import URGENT
from bot.services.timefmt import fmt_duration
from bot.texts import alerts as texts
from models.alert import LIVE_STATUSES, Alert, AlertEvent, AlertStatus
from models.db import session_scope
from models.ticket import Ticket

log = logging.getLogger(__name__)


class EscalationMixin(RecipientsMixin):
    def scan(self, now: datetime) -> int:
        """Periodic producer: close alerts whose ticket moved on, then run every due step."""
        self._close_finished(now)
        with session_scope(self.engine) as s:
            ids = s.exec(select(Alert.id).where(
                Alert.next_escalation_at != None,  # noqa: E711
                col(Alert.next_escalation_at) <= now,
            ).order_by(col(Alert.next_escalation_at)).limit(100)).all()
        done = 0
        for alert_id in ids:
            try:
                done += self._step(alert_id, now)  # type: ignore[arg-type]
            except Exception:  # one broken alert must not stop the others
                log.exception("alert %s escalation step failed", alert_id)
        return done

    def _step(self, alert_id: int, now: datetime) -> bool:
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
        due = a.next_escalation_at
        if a.snoozed_until is not None:  # a snooze ran out: remind the same level again
            step: tuple[int, int] | None = (max(a.level, 0), a.repeat + 1)
        else:  # repeat this level, or the next level that applies now (windows), or none
            step = self.policy.next_step(a.level, a.repeat, now)
        if step is None:
            self._exhausted(a, t, now)
            return True
        level, repeat = step
        # 1) deliveries first (idempotent keys) ...
        self._deliver(a, t, level, repeat, now)
        # 2) ... then the step itself; a crash between the two repeats 1) harmlessly.
        wait = self.policy.wait(level)
        nxt = due + wait  # from the scheduled time: a restart does not shift the timetable
        if nxt <= now:  # we were down for a while: do not fire the following steps at once
            nxt = now + wait
        with session_scope(self.engine) as s:
            row = s.get(Alert, alert_id)
            if row is None or row.status != AlertStatus.open.value or row.level != a.level \
                    or row.repeat != a.repeat:
                return False  # someone acknowledged or another process took the step
            row.level, row.repeat, row.next_escalation_at = level, repeat, nxt
            row.snoozed_until = None
            s.add(row)
            s.add(AlertEvent(alert_id=alert_id, at=now, action="level", level=level,
                             note=f"r{repeat}"))
        return True

    def _then(self, level: int, repeat: int, at: datetime) -> str:
        """What happens if nobody acknowledges by `at` (the end of this step's wait)."""
        nxt = self.policy.next_step(level, repeat, at)
        if nxt is None:
            return "exhausted"
        return "repeat" if nxt[0] == level else "escalate"

    def _deliver(self, a: Alert, t: Ticket, level: int, repeat: int,
                 now: datetime) -> list[Recipient]:
        assert a.id is not None
        recipients = self._resolve(a, t, level)
        raiser = self.staff.get_any(a.raised_by) if a.raised_by else None
        waited = fmt_duration(now - a.raised_at) if level or repeat else None
        common = dict(alert_id=a.id, urgency=a.urgency, level=level,
                      level_name=self.policy.levels[level].name, repeat=repeat,
                      raised_at=a.raised_at, raiser=raiser.name if raiser else "值班员",
                      note=a.note, waited=waited,
                      next_wait=fmt_duration(self.policy.wait(level)),
                      then=self._then(level, repeat, now + self.policy.wait(level)), now=now)
        texts_by_mask = {m: texts.render_alert(t, masked=m, **common)  # type: ignore[arg-type]
                         for m in (False, True)}
        for r in recipients:
            # the duty group gets a masked notice; 收到 is for the leaders (and their group)
            buttons = None if r.chat_id == self.duty_group_id else alert_buttons(a.id)
            self.outbox.enqueue(
                key=f"alert:{a.id}:L{level}:r{repeat}:{r.chat_id}", kind=SEND, ref=ref_of(a.id),
                chat_id=r.chat_id, text=texts_by_mask[r.group], buttons=buttons,
                priority=URGENT)
        return recipients

    def _exhausted(self, a: Alert, t: Ticket, now: datetime) -> None:
        """The last level's repeats and wait are used up: tell the managers nobody answered."""
        assert a.id is not None
        minutes = int((now - a.raised_at).total_seconds() // 60)
        text = texts.exhausted_notice(t.platform_no, a.id, minutes)
        for m in self._managers():
            self.outbox.enqueue(key=f"alert:{a.id}:exhausted:{m.telegram_id}", kind=NOTICE,
                                ref=ref_of(a.id), chat_id=m.telegram_id, text=text,
                                priority=URGENT)
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
            chats += [i for i in self.duty_officer_ids(t, now) if i not in chats]
            text = texts.ack_timeout_notice(
                t.platform_no, a.id, self.name_of(a.acked_by),
                a.acked_at or now, t.status, now)
            for chat in chats:
                assert chat is not None
                self.outbox.enqueue(key=f"alert:{a.id}:acktimeout:{chat}", kind=NOTICE,
                                    ref=ref_of(a.id), chat_id=chat, text=text, priority=URGENT)
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

    # ------------------------------------------------------------------ closing
    def _close_finished(self, now: datetime) -> int:
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
                self._edit_copies(a.id, "close", texts.closed_line(status), buttons=None)
            self.outbox.cancel(ref=ref_of(a.id), kind=SEND)
        return len(rows)
