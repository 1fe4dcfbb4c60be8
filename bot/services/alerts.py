"""Urgent alerts: raise one when a ticket is logged or re-marked 紧急/涉稳/重点, escalate it level
by level (bot/data/escalation.yaml: waits, repeats, time windows) until a leader presses 收到 or
the policy is exhausted (the managers are told nobody answered); once acknowledged, remind the
acknowledger and the duty officer if the ticket is still not dispatched after
ALERT_ACK_TIMEOUT_MINUTES; close it when the ticket moves on.

Crash safety: every step first enqueues its deliveries under deterministic outbox keys
(`alert:<id>:L<level>:r<repeat>:<chat>`), then records the step on the alert. A crash in
between repeats the step on the next tick and the keys make the repeat a no-op, so each
delivery happens once. Nothing here knows Telegram.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.clock import Clock
from bot.services import audit
from bot.services.escalation import EscalationPolicy
from bot.services.outbox import URGENT, Buttons, Outbox, Outgoing
from bot.services.reference_store import ReferenceStore
from bot.services.staff import Member, StaffDirectory, StaffError
from bot.services.tickets import ALERT_URGENCIES, TicketService
from bot.services.timefmt import fmt_dt, fmt_duration
from bot.services.workflow import Status
from bot.texts import alerts as texts
from models.alert import LIVE_STATUSES, Alert, AlertEvent, AlertStatus
from models.db import session_scope
from models.staff import Role, Staff
from models.ticket import Ticket, TicketEvent

if TYPE_CHECKING:
    from bot.context import Services

log = logging.getLogger(__name__)

SEND, EDIT, NOTICE = "alert", "alert_edit", "alert_notice"  # outbox kinds
# The ticket has been handed on (or finished): the alert has done its job.
CLOSING_STATUSES = frozenset({Status.dispatched.value, Status.feedback.value,
                              Status.called_back.value, Status.closed.value,
                              Status.returned.value})
ENDED_TICKET = frozenset({Status.closed.value, Status.returned.value})
DutyOfficerSource = Callable[[Ticket, datetime], list[int]]
RosterSource = Callable[[], Any]  # () -> the roster service (svc.roster) or None


class AlertError(ValueError):
    """A refused alert operation; the message is Chinese HTML for the user."""


@dataclass(frozen=True)
class Recipient:
    chat_id: int
    name: str
    group: bool = False


@dataclass(frozen=True)
class UrgentResult:
    alert: Alert
    ticket: Ticket
    new: bool  # False: the ticket already had an unacknowledged alert
    recipients: list[Recipient]


@dataclass(frozen=True)
class AckResult:
    alert: Alert
    acknowledged: bool  # this press acknowledged it (False: already acknowledged or ended)


@dataclass(frozen=True)
class AlertStats:
    """Counts for the daily/weekly summaries (`alerts_between`)."""

    raised: int
    by_urgency: dict[str, int]
    acknowledged: int
    unacknowledged: int
    escalated: int  # reached level 2 or later
    ack_seconds: list[float]  # time to 收到, one per acknowledged alert

    @property
    def median_ack_seconds(self) -> float | None:
        xs = sorted(self.ack_seconds)
        if not xs:
            return None
        mid = len(xs) // 2
        return xs[mid] if len(xs) % 2 else (xs[mid - 1] + xs[mid]) / 2

    @property
    def max_ack_seconds(self) -> float | None:
        return max(self.ack_seconds) if self.ack_seconds else None


def ref_of(alert_id: int) -> str:
    return f"alert:{alert_id}"


def alert_buttons(alert_id: int) -> Buttons:
    return [[(texts.BTN_ACK, f"al1:ack:{alert_id}"), (texts.BTN_SNOOZE, f"al1:snz:{alert_id}")]]


def _escalated(a: Alert) -> bool:
    return a.level >= 1


def alerts_between(*, engine: Engine, start: datetime, end: datetime) -> AlertStats:
    """Alerts raised in [start, end): how many, how fast acknowledged, how many escalated."""
    with session_scope(engine) as s:
        rows = s.exec(select(Alert).where(col(Alert.raised_at) >= start,
                                          col(Alert.raised_at) < end)).all()
    by_urgency: dict[str, int] = {}
    for a in rows:
        by_urgency[a.urgency] = by_urgency.get(a.urgency, 0) + 1
    acked = [a for a in rows if a.acked_at is not None]
    return AlertStats(
        raised=len(rows), by_urgency=by_urgency, acknowledged=len(acked),
        unacknowledged=len(rows) - len(acked), escalated=sum(1 for a in rows if _escalated(a)),
        ack_seconds=[(a.acked_at - a.raised_at).total_seconds() for a in acked
                     if a.acked_at is not None],
    )


class AlertService:
    def __init__(self, *, engine: Engine, clock: Clock, policy: EscalationPolicy,
                 staff: StaffDirectory, reference: ReferenceStore, tickets: TicketService,
                 outbox: Outbox, duty_group_id: int | None = None,
                 leader_group_id: int | None = None, ack_timeout_minutes: float = 60,
                 snooze_minutes: float = 30, roster: RosterSource | None = None) -> None:
        self.engine, self.clock, self.policy = engine, clock, policy
        self.staff, self.reference, self.tickets, self.outbox = staff, reference, tickets, outbox
        self.duty_group_id, self.leader_group_id = duty_group_id, leader_group_id
        # the "second wait": acknowledged but the ticket still not dispatched after this
        self.ack_timeout = timedelta(minutes=ack_timeout_minutes)
        self.snooze_for = timedelta(minutes=snooze_minutes)
        # "Who is on duty now": a plugged-in function, else the roster (svc.roster.on_duty),
        # else the ticket's handler.
        self.duty_officer: DutyOfficerSource | None = None
        self.roster = roster
        self._pending_note: dict[int, str] = {}

    # ------------------------------------------------------------------ raising
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

    # ------------------------------------------------------------------ escalation
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

    # ------------------------------------------------------------------ recipients
    def _resolve(self, a: Alert, t: Ticket, level: int) -> list[Recipient]:
        found: dict[int, Recipient] = {}
        for kind in self.policy.recipients(level, a.urgency):
            for r in self._recipients_of(kind, a, t):
                found.setdefault(r.chat_id, r)
        # people first: the groups' 20-a-minute budget must never hold up a leader
        return sorted(found.values(), key=lambda r: r.group)

    def _recipients_of(self, kind: str, a: Alert, t: Ticket) -> list[Recipient]:
        if kind == "duty_group":
            return [Recipient(self.duty_group_id, "值班群", True)] if self.duty_group_id else []
        if kind == "leader_group":
            return [Recipient(self.leader_group_id, "领导群", True)] \
                if self.leader_group_id else []
        members: list[Member]
        leaders = self.staff.active(Role.leader)
        if kind == "section_leaders":
            section = self.section_of(t.unit)
            members = [m for m in leaders if section and m.section == section] or leaders
        elif kind == "main_leaders":
            listed = [self.staff.get(i) for i in self.policy.main_leaders]
            members = [m for m in listed if m is not None] \
                or [m for m in leaders if not m.section] or leaders
        elif kind == "all_leaders":
            members = leaders
        elif kind == "managers":
            members = self._managers()
        else:  # duty_officer
            ids = self.duty_officer_ids(t, self.clock.now())
            members = [m for i in ids if i != a.raised_by and (m := self.staff.get(i))]
        return [Recipient(m.telegram_id, m.name) for m in members]

    def duty_officer_ids(self, t: Ticket, at: datetime) -> list[int]:
        """Who is on duty at `at` (the roster), or the ticket's handler when nobody is."""
        ids: list[int] = []
        try:
            if self.duty_officer is not None:
                ids = list(self.duty_officer(t, at))
            else:
                roster = self.roster() if self.roster is not None else None
                on_duty = getattr(roster, "on_duty", None)
                if callable(on_duty):
                    ids = [m.telegram_id for m in on_duty(at)]
        except Exception:  # the roster must never stop an alert
            log.exception("duty officer lookup failed")
        if not ids and t.handler_id:
            ids = [t.handler_id]
        return list(dict.fromkeys(ids))

    def _managers(self) -> list[Member]:
        return self.staff.active(Role.manager) or self.staff.active(Role.admin)

    def section_of(self, unit: str) -> str:
        u = self.reference.current.unit(unit)
        return u.section if u is not None else ""

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

    def name_of(self, telegram_id: int | None) -> str:
        m = self.staff.get_any(telegram_id) if telegram_id else None
        return m.name if m else str(telegram_id)

    def _edit_copies(self, alert_id: int, tag: str, suffix: str,
                     buttons: Buttons | None) -> int:
        """Edit every copy sent (or still on its way) so all recipients see the same state."""
        n = 0
        for row in self.outbox.deliveries(ref=ref_of(alert_id), kind=SEND):
            if row.method != "send" or row.status not in ("sent", "pending"):
                continue
            self.outbox.enqueue(key=f"alert:{alert_id}:{tag}:{row.id}", kind=EDIT,
                                ref=ref_of(alert_id), chat_id=row.chat_id,
                                text=row.text + suffix, buttons=buttons, priority=URGENT,
                                edit_of=row.id)
            n += 1
        return n

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

    # ------------------------------------------------------------------ reads
    def live(self, *, limit: int = 30) -> list[tuple[Alert, str]]:
        """Alerts not closed yet (open, acknowledged, expired) with the ticket number."""
        with session_scope(self.engine) as s:
            rows = s.exec(select(Alert, Ticket.platform_no).join(
                Ticket, col(Ticket.id) == col(Alert.ticket_id)).where(
                col(Alert.status).in_([*LIVE_STATUSES, AlertStatus.expired.value])
            ).order_by(col(Alert.raised_at).desc()).limit(limit)).all()
        return [(a, no) for a, no in rows]

    def acked_by_member(self, telegram_id: int, *, limit: int = 10) -> list[tuple[Alert, str]]:
        with session_scope(self.engine) as s:
            rows = s.exec(select(Alert, Ticket.platform_no).join(
                Ticket, col(Ticket.id) == col(Alert.ticket_id)).where(
                Alert.acked_by == telegram_id).order_by(col(Alert.acked_at).desc())
                .limit(limit)).all()
        return [(a, no) for a, no in rows]

    def alerts_between(self, start: datetime, end: datetime) -> AlertStats:
        return alerts_between(engine=self.engine, start=start, end=end)

    # ------------------------------------------------------------------ sections
    def sections(self) -> list[str]:
        return [u.name for u in self.reference.current.units if u.kind == "科室"]

    def set_section(self, *, actor_id: int, telegram_id: int, text: str,
                    chat_id: int | None = None) -> tuple[Member, str | None]:
        """Set (or clear with 无/-) the commission section a staff member (a leader) heads."""
        section: str | None = None
        if text.strip() not in ("无", "-", "none", "清除"):
            match = self.reference.current.match_unit(text)
            options = self.sections()
            if not match.ok or match.value not in options:
                raise StaffError(texts.SECTION_UNKNOWN.format(text=text,
                                                              options="、".join(options)))
            section = match.value
        with session_scope(self.engine) as s:
            row = s.exec(select(Staff).where(Staff.telegram_id == telegram_id)).first()
            if row is None:
                raise StaffError(f"没有找到 TG号 {telegram_id} 的人员，请先用 /adduser 登记。")
            row.section, row.updated_at = section, self.clock.now()
            s.add(row)
            audit.record(session=s, clock=self.clock, actor_id=actor_id, chat_id=chat_id,
                         action="staff.set_section", target=str(telegram_id),
                         detail=section or "")
        self.staff.reload()
        member = self.staff.get_any(telegram_id)
        assert member is not None
        return member, section


def attach(svc: Services) -> None:
    """Build the alert service from the settings, hook it into tickets and the tick."""
    settings = svc.settings
    policy = EscalationPolicy.load(settings.escalation_policy_file,
                                   default_wait_minutes=settings.escalate_after_minutes)
    service = AlertService(
        engine=svc.engine, clock=svc.clock, policy=policy, staff=svc.staff,
        reference=svc.reference, tickets=svc.tickets, outbox=svc.outbox,
        duty_group_id=settings.duty_group_id, leader_group_id=settings.leader_group_id,
        ack_timeout_minutes=settings.alert_ack_timeout_minutes,
        snooze_minutes=settings.alert_snooze_minutes,
        roster=lambda: getattr(svc, "roster", None),  # the roster may attach after us
    )
    svc.alerts = service
    svc.tickets.urgent_hooks.append(service.raise_for_ticket)
    svc.periodic.append(service.scan)
