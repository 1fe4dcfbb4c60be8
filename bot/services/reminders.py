"""Deadline reminders, the 21:00 案件不过夜 sweep, the morning digest and the holiday notice.

Nothing here knows Telegram: every message goes through the outbox. One periodic producer,
:meth:`ReminderService.scan`, runs on every scheduler tick.

How a reminder goes out exactly once, across restarts:

* Each open ticket carries ``next_reminder_at`` (indexed): the earliest time one of its
  reminder steps falls due. NULL means "plan me" (a new ticket, or any workflow action — the
  ticket service clears it). A scan reads only tickets with ``next_reminder_at <= now`` or
  NULL, so it costs a few index look-ups however many tickets are open.
* A deadline's steps: one per lead (``REMINDER_LEADS``, default 24 h, 2 h and 0 = at the
  deadline) to the handler; once overdue (1 minute after the deadline) to the handler and the
  shift lead on duty, then once a day until the stage is done. Only the *latest* step that has
  fallen due is sent: after downtime nobody gets "24 h left" for a ticket that is overdue.
* Before anything is enqueued the step is written to the ledger (``ReminderSent``, unique per
  ticket, kind, lead and deadline value — an extension gets fresh reminders) together with its
  recipients and a batch id, in the same transaction that moves ``next_reminder_at``. The batch
  is then enqueued with keys ``rm:<batch>:<chat>`` and flagged; a crash in between is repaired
  by the next scan (the outbox's unique keys make the re-enqueue harmless).
* Everything one scan finds for one person becomes one message (coalesced), not a flood.
* When a ticket is (re)planned because someone just logged or acted on it, lead steps that
  are already past are recorded as ``skipped`` rather than sent: the person is on it.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from bot.clock import SHANGHAI
from bot.services.calendar import CalendarFileError, WorkCalendar
from bot.services.outbox import NORMAL, URGENT
from bot.services.workflow import OPEN_STATUSES, Status
from models.db import session_scope
from models.reminder import OvernightItem, OvernightSweep, ReminderSent, ReminderSnooze
from models.staff import Role
from models.ticket import Ticket, TicketEvent

if TYPE_CHECKING:
    from bot.context import Services

log = logging.getLogger(__name__)

__all__ = [
    "KINDS",
    "NEVER",
    "OvernightCounts",
    "ReminderError",
    "ReminderService",
    "ScanResult",
    "Step",
    "attach",
    "current_step",
    "next_fire",
    "open_milestones",
    "parse_leads",
]

DAY_MIN = 24 * 60
#: Overdue notices start this long after the deadline (a deadline is inclusive).
OVERDUE_AFTER_MIN = 1
#: "Nothing more to remind" (closed tickets, tickets without deadlines).
NEVER = datetime(9999, 1, 1, tzinfo=UTC)
#: Tickets planned / reminded per scan at most (the rest follow on the next tick).
BATCH = 200
SNOOZE = timedelta(hours=1)
#: A morning post missed while the bot was down is still sent this long after its time.
CATCH_UP = timedelta(hours=1)
DIGEST_MAX_LINES = 40
LOOKAHEAD_DAYS = 60

KINDS: tuple[str, ...] = ("sign", "contact", "feedback", "complete")
SNOOZE_SUFFIX = ":snz"
_OPEN = frozenset(s.value for s in OPEN_STATUSES)
#: Statuses the evening sweep looks for: signed (or sent back for a second handling) but not
#: dispatched yet.
UNDISPATCHED = (Status.signed.value, Status.supervised.value)


class ReminderError(ValueError):
    """A refused reminder action; the message is Chinese and user-facing."""


# --------------------------------------------------------------------------- settings


def parse_leads(text: str) -> tuple[int, ...]:
    """``"24h,2h,0"`` → ``(1440, 120, 0)`` minutes, largest first. Units: d, h, m; ``0``
    alone means "at the deadline". Raises ValueError naming the bad item."""
    out: set[int] = set()
    for raw in text.replace("，", ",").split(","):
        item = raw.strip().lower()
        if not item:
            continue
        if item == "0":
            out.add(0)
            continue
        unit = item[-1:]
        number = item[:-1].strip()
        factor = {"d": DAY_MIN, "h": 60, "m": 1}.get(unit)
        if factor is None or not number.isdigit():
            raise ValueError(f"{raw.strip()!r} is not a lead like 24h, 2h, 30m, 1d or 0")
        minutes = int(number) * factor
        if minutes > 30 * DAY_MIN:
            raise ValueError(f"{raw.strip()!r} is longer than 30 days")
        out.add(minutes)
    if not out:
        raise ValueError("needs at least one lead, e.g. 24h,2h,0")
    return tuple(sorted(out, reverse=True))


def _hhmm(text: str) -> time:
    hh, _, mm = text.partition(":")
    return time(int(hh), int(mm))


# --------------------------------------------------------------------------- steps


@dataclass(frozen=True)
class Step:
    kind: str
    lead: int  # minutes before due_at; negative = overdue (-1 - n*1440)
    due_at: datetime
    fire_at: datetime

    @property
    def overdue(self) -> bool:
        return self.lead < 0

    @property
    def overdue_day(self) -> int:
        """0 for the first overdue notice, 1 the next day, …"""
        return (-self.lead - OVERDUE_AFTER_MIN) // DAY_MIN if self.lead < 0 else -1


def _overdue_lead(n: int) -> int:
    return -(OVERDUE_AFTER_MIN + n * DAY_MIN)


def _fire(due: datetime, lead: int) -> datetime:
    return due - timedelta(minutes=lead)


def open_milestones(t: Ticket) -> list[tuple[str, datetime]]:
    """The deadlines a ticket still has to meet, as (kind, deadline)."""
    if t.status not in _OPEN:
        return []
    out: list[tuple[str, datetime]] = []
    if t.status == Status.new.value and t.sign_by is not None:
        out.append(("sign", t.sign_by))
    if t.contacted_at is None and t.contact_by is not None:
        out.append(("contact", t.contact_by))
    if t.feedback_at is None and t.first_feedback_by is not None:
        out.append(("feedback", t.first_feedback_by))
    if t.complete_by is not None:
        out.append(("complete", t.complete_by))
    return out


def current_step(kind: str, due: datetime, now: datetime, leads: Sequence[int]) -> Step | None:
    """The latest step of this deadline whose time has come (None: nothing yet)."""
    first_overdue = _fire(due, _overdue_lead(0))
    if now >= first_overdue:
        n = int((now - first_overdue) // timedelta(days=1))
        lead = _overdue_lead(n)
        return Step(kind, lead, due, _fire(due, lead))
    for lead in sorted(leads):  # smallest lead = latest fire time first
        if _fire(due, lead) <= now:
            return Step(kind, lead, due, _fire(due, lead))
    return None


def next_fire(due: datetime, now: datetime, leads: Sequence[int]) -> datetime:
    """The first step time of this deadline strictly after ``now``."""
    for lead in sorted(leads, reverse=True):
        fire = _fire(due, lead)
        if fire > now:
            return fire
    first_overdue = _fire(due, _overdue_lead(0))
    if first_overdue > now:
        return first_overdue
    n = int((now - first_overdue) // timedelta(days=1)) + 1
    return _fire(due, _overdue_lead(n))


# --------------------------------------------------------------------------- results


@dataclass
class ScanResult:
    planned: int = 0
    reminders: int = 0
    skipped: int = 0
    messages: int = 0
    snoozes: int = 0
    extra: list[str] = field(default_factory=list)  # digest / sweep / holiday notice keys


@dataclass(frozen=True)
class OvernightCounts:
    """What the 21:00 sweep of ``day`` found, for the next morning's summary."""

    day: date
    swept: bool  # the sweep ran that evening
    flagged: int  # signed but not dispatched at the sweep
    left: int  # of those, still not dispatched (nor closed/returned) at midnight
    platform_nos: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReminderLine:
    """One item of a reminder message (rendered by ``bot.texts.reminders``)."""

    ticket_id: int
    platform_no: str
    status: str
    urgency: str
    category: str
    unit: str
    kind: str  # base kind: sign/contact/feedback/complete
    lead: int
    due_at: datetime
    provisional: bool
    snoozed: bool
    handler_name: str


# --------------------------------------------------------------------------- the service


class ReminderService:
    def __init__(self, svc: Services) -> None:
        self.svc = svc
        self.engine = svc.engine
        self.clock = svc.clock
        settings = svc.settings
        self.leads = parse_leads(getattr(settings, "reminder_leads", "24h,2h,0"))
        self.sweep_at = _hhmm(getattr(settings, "overnight_sweep_at", "21:00"))
        self.digest_at = _hhmm(getattr(settings, "reminder_digest_at", "08:00"))
        self.holidays_file = Path(settings.holidays_file)
        self._holidays_mtime = _mtime(self.holidays_file)
        self._done_today: dict[str, date] = {}  # daily jobs done in this process
        # look for batches a crash left un-enqueued: at start, and after a failed delivery
        self._needs_repair = True

    # ------------------------------------------------------------------ periodic entry
    def scan(self, now: datetime) -> ScanResult:
        """Everything due at ``now``: reminders, snoozes, sweep, digest, holiday notice."""
        result = ScanResult()
        self.reload_calendar_if_changed()
        if self._needs_repair:
            self._repair(now)
        self._scan_tickets(now, result)
        self._scan_snoozes(now, result)
        local = now.astimezone(SHANGHAI)
        if local.time() >= self.sweep_at:
            key = self.overnight_sweep(now)
            if key:
                result.extra.append(key)
        if self._in_window(local, self.digest_at):
            result.extra += self.due_digest(now)
            result.extra += self.holiday_notice(now)
        return result

    @staticmethod
    def _in_window(local: datetime, at: time) -> bool:
        """Morning posts go out at their time, or within CATCH_UP after it (a bot started
        later that day does not post stale news)."""
        start = datetime.combine(local.date(), at, tzinfo=local.tzinfo)
        return start <= local < start + CATCH_UP

    # ------------------------------------------------------------------ calendar
    def reload_calendar_if_changed(self) -> bool:
        """Pick up `holidays import` done on the server while the bot runs; re-count the
        provisional deadlines of open tickets with the new calendar."""
        mtime = _mtime(self.holidays_file)
        if mtime == self._holidays_mtime:
            return False
        self._holidays_mtime = mtime
        try:
            calendar = WorkCalendar.load(self.holidays_file)
        except CalendarFileError as exc:
            log.error("holidays file not reloaded: %s", exc)
            return False
        self.svc.calendar = calendar
        self.svc.tickets.calendar = calendar
        changed = self.recount_provisional()
        log.info("holidays file reloaded; %d provisional ticket(s) re-counted", changed)
        return True

    def recount_provisional(self) -> int:
        """Re-count the deadlines of open tickets marked provisional (after a schedule
        import). Extended or platform deadlines keep their ``complete_by``."""
        tickets = self.svc.tickets
        n = 0
        with session_scope(self.engine) as s:
            rows = s.exec(select(Ticket).where(
                Ticket.deadlines_provisional == True,  # noqa: E712
                col(Ticket.status).in_(list(_OPEN)))).all()
            for t in rows:
                try:
                    dl = tickets.policy.compute(
                        received_at=t.received_at, urgency=t.urgency,
                        request_type=t.request_type, calendar=tickets.calendar,
                        complex_case=t.complex_case, platform_deadline=t.platform_deadline)
                except ValueError:
                    log.exception("cannot re-count deadlines of ticket %s", t.id)
                    continue
                t.sign_by, t.contact_by = dl.sign_by, dl.contact_by
                t.first_feedback_by = dl.first_feedback_by
                if t.extension_count == 0:
                    t.complete_by = dl.complete_by
                t.deadlines_provisional = dl.provisional
                t.next_reminder_at = None
                s.add(t)
                n += 1
        return n

    def uncovered_years(self, today: date) -> list[int]:
        return self.svc.calendar.uncovered_years(today, today + timedelta(days=LOOKAHEAD_DAYS))

    # ------------------------------------------------------------------ tickets
    def _scan_tickets(self, now: datetime, result: ScanResult) -> None:
        batch = _batch_id(now)
        staged: list[ReminderSent] = []
        with session_scope(self.engine) as s:
            fresh = list(s.exec(select(Ticket).where(
                Ticket.next_reminder_at == None).limit(BATCH)).all())  # noqa: E711
            due = list(s.exec(select(Ticket).where(col(Ticket.next_reminder_at) <= now)
                              .order_by(col(Ticket.next_reminder_at)).limit(BATCH)).all())
            rows = fresh + due
            if not rows:
                return
            ledger = self._ledger_keys(s, [t.id for t in rows if t.id is not None])
            duty = None
            for t in rows:
                assert t.id is not None
                planning = t.next_reminder_at is None
                nxt = NEVER
                for kind, deadline in open_milestones(t):
                    step = current_step(kind, deadline, now, self.leads)
                    if step is not None and (t.id, kind, step.lead, _utc(deadline)) not in ledger:
                        row = ReminderSent(ticket_id=t.id, kind=kind, lead=step.lead,
                                           due_at=deadline, fire_at=step.fire_at,
                                           created_at=now, batch=batch)
                        if planning and step.lead > 0:
                            row.status, row.enqueued = "skipped", True
                            result.skipped += 1
                        else:
                            if duty is None:
                                duty = self._on_duty(now)
                            row.recipients = _csv(self._recipients(t, step, duty))
                            if not row.recipients:
                                row.status, row.enqueued = "skipped", True
                                result.skipped += 1
                            else:
                                result.reminders += 1
                        staged.append(row)
                    nxt = min(nxt, next_fire(deadline, now, self.leads))
                t.next_reminder_at = nxt
                s.add(t)
                result.planned += int(planning)
            s.add_all(staged)
        if any(r.status == "sent" for r in staged):
            result.messages += self._deliver_batch(batch, now)

    @staticmethod
    def _ledger_keys(s: Session, ids: list[int]) -> set[tuple[int, str, int, datetime]]:
        keys: set[tuple[int, str, int, datetime]] = set()
        for i in range(0, len(ids), 400):
            part = ids[i:i + 400]
            for tid, kind, lead, due in s.exec(select(
                    ReminderSent.ticket_id, ReminderSent.kind, ReminderSent.lead,
                    ReminderSent.due_at).where(col(ReminderSent.ticket_id).in_(part))).all():
                keys.add((tid, kind, lead, _utc(due)))
        return keys

    def _recipients(self, t: Ticket, step: Step, duty: tuple[list[int], list[int]]) -> list[int]:
        staff = self.svc.staff
        handler = t.handler_id if t.handler_id and staff.get(t.handler_id) else None
        on_duty, leads = duty
        managers = [m.telegram_id for m in staff.active(Role.manager)]
        if not step.overdue:
            if handler is not None:
                return [handler]
            return on_duty or managers or [m.telegram_id for m in staff.active(Role.admin)]
        out = ([handler] if handler else []) + (leads or managers)
        if not out:
            out = on_duty or [m.telegram_id for m in staff.active(Role.admin)]
        return list(dict.fromkeys(out))

    def _on_duty(self, now: datetime) -> tuple[list[int], list[int]]:
        """(staff on duty, shift leads on duty) from the roster feature when it is there."""
        roster = getattr(self.svc, "roster", None)
        fn = getattr(roster, "on_duty", None)
        if fn is None:
            return [], []
        try:
            members = list(fn(now) or [])
        except Exception:
            log.exception("roster.on_duty failed; falling back to handlers and managers")
            return [], []
        staff: list[int] = []
        leads: list[int] = []
        for m in members:
            tid = _member_id(m)
            if tid is None or self.svc.staff.get(tid) is None:
                continue
            (leads if _is_lead(m) else staff).append(tid)
        return list(dict.fromkeys(staff)), list(dict.fromkeys(leads))

    # ------------------------------------------------------------------ snoozes
    def snooze(self, *, ticket_id: int, kind: str, chat_id: int) -> datetime:
        """`1小时后提醒`: remind this chat of this deadline once more in an hour."""
        kind = kind.removesuffix(SNOOZE_SUFFIX)
        if kind not in KINDS:
            raise ReminderError("提醒类型无效。")
        now = self.clock.now()
        with session_scope(self.engine) as s:
            t = s.get(Ticket, ticket_id)
            if t is None:
                raise ReminderError("工单不存在。")
            if kind not in dict(open_milestones(t)):
                raise ReminderError("这一环节已完成，无需再提醒。")
            pending = s.exec(select(ReminderSnooze).where(
                ReminderSnooze.ticket_id == ticket_id, ReminderSnooze.kind == kind,
                ReminderSnooze.chat_id == chat_id,
                ReminderSnooze.fired == False)).first()  # noqa: E712
            if pending is not None:
                return pending.until
            until = now + SNOOZE
            s.add(ReminderSnooze(ticket_id=ticket_id, kind=kind, chat_id=chat_id, until=until,
                                 created_at=now))
        return until

    def _scan_snoozes(self, now: datetime, result: ScanResult) -> None:
        batch = _batch_id(now) + "z"
        sent = False
        with session_scope(self.engine) as s:
            rows = s.exec(select(ReminderSnooze).where(
                ReminderSnooze.fired == False,  # noqa: E712
                col(ReminderSnooze.until) <= now).limit(BATCH)).all()
            for z in rows:
                z.fired = True
                s.add(z)
                t = s.get(Ticket, z.ticket_id)
                due = dict(open_milestones(t)).get(z.kind) if t is not None else None
                if due is None:
                    continue  # done in the meantime
                assert z.id is not None
                s.add(ReminderSent(ticket_id=z.ticket_id, kind=z.kind + SNOOZE_SUFFIX,
                                   lead=z.id, due_at=due, fire_at=z.until, created_at=now,
                                   batch=batch, recipients=str(z.chat_id)))
                result.snoozes += 1
                sent = True
        if sent:
            result.messages += self._deliver_batch(batch, now)

    # ------------------------------------------------------------------ delivery
    def _repair(self, now: datetime) -> None:
        """Enqueue ledger batches and sweeps a crash left un-enqueued (at start, or after a
        delivery failed in this process)."""
        self._needs_repair = False
        with session_scope(self.engine) as s:
            batches = s.exec(select(ReminderSent.batch).where(
                ReminderSent.enqueued == False).distinct().limit(50)).all()  # noqa: E712
        for b in batches:
            log.info("re-enqueuing reminder batch %s after an interruption", b)
            self._deliver_batch(b, now)
        self._repair_sweep()

    def _deliver_batch(self, batch: str, now: datetime) -> int:
        """One message per recipient for every ledger row of ``batch``; then flag them."""
        try:
            return self._enqueue_batch(batch, now)
        except BaseException:
            self._needs_repair = True  # the ledger rows stay un-enqueued: retried next scan
            raise

    def _enqueue_batch(self, batch: str, now: datetime) -> int:
        from bot.texts import reminders as texts

        with session_scope(self.engine) as s:
            rows = s.exec(select(ReminderSent, Ticket).join(
                Ticket, col(Ticket.id) == col(ReminderSent.ticket_id)).where(
                ReminderSent.batch == batch, ReminderSent.status == "sent")).all()
        per_chat: dict[int, list[ReminderLine]] = defaultdict(list)
        for r, t in rows:
            line = self._line(r, t)
            for chat in _ids(r.recipients):
                per_chat[chat].append(line)
        items = []
        for chat, lines in per_chat.items():
            lines.sort(key=lambda x: (x.lead >= 0, x.due_at, x.platform_no))
            text, buttons = texts.reminder_message(lines, now=now)
            urgent = any(x.lead < 0 for x in lines)
            ref = f"ticket:{lines[0].ticket_id}" if len(lines) == 1 else "reminders"
            items.append({"key": f"rm:{batch}:{chat}", "kind": "reminder", "ref": ref,
                          "chat_id": chat, "text": text, "buttons": buttons,
                          "priority": URGENT if urgent else NORMAL})
        count = self.svc.outbox.enqueue_many(items)
        with session_scope(self.engine) as s:
            for r in s.exec(select(ReminderSent).where(
                    ReminderSent.batch == batch, ReminderSent.enqueued == False)).all():  # noqa: E712
                r.enqueued = True
                s.add(r)
        return count

    def _line(self, r: ReminderSent, t: Ticket) -> ReminderLine:
        assert t.id is not None
        member = self.svc.staff.get(t.handler_id) if t.handler_id else None
        return ReminderLine(
            ticket_id=t.id, platform_no=t.platform_no, status=t.status, urgency=t.urgency,
            category=t.category_l1, unit=t.dispatched_units or t.unit,
            kind=r.kind.removesuffix(SNOOZE_SUFFIX), lead=r.lead, due_at=r.due_at,
            provisional=t.deadlines_provisional, snoozed=r.kind.endswith(SNOOZE_SUFFIX),
            handler_name=member.name if member else "")

    # ------------------------------------------------------------------ 已处理
    def record_done(self, *, ticket_id: int, actor_id: int, note: str) -> Ticket:
        """`已处理`: write what was done into the ticket's history."""
        note = " ".join(note.split())
        if not note:
            raise ReminderError("请简要写明做了什么处理。")
        if len(note) > 500:
            raise ReminderError("内容太长（最多 500 字），请简要说明。")
        now = self.clock.now()
        with session_scope(self.engine) as s:
            t = s.get(Ticket, ticket_id)
            if t is None:
                raise ReminderError("工单不存在。")
            s.add(TicketEvent(ticket_id=ticket_id, at=now, actor_id=actor_id, action="提醒已处理",
                              from_status=t.status, to_status=t.status, note=note))
        return t

    # ------------------------------------------------------------------ 21:00 sweep
    def overnight_sweep(self, now: datetime) -> str | None:
        """At ``OVERNIGHT_SWEEP_AT``: every ticket signed but not dispatched goes to the staff
        on duty and the shift lead. Once per evening (a row per date survives restarts)."""
        local = now.astimezone(SHANGHAI)
        day = local.date()
        if self._done_today.get("sweep") == day or local.time() < self.sweep_at:
            return None
        with session_scope(self.engine) as s:
            if s.exec(select(OvernightSweep.id).where(
                    OvernightSweep.sweep_date == day)).first() is not None:
                self._done_today["sweep"] = day
                return None
            rows = s.exec(select(Ticket).where(col(Ticket.status).in_(UNDISPATCHED))
                          .order_by(col(Ticket.signed_at))).all()
            on_duty, leads = self._on_duty(now)
            recipients = list(dict.fromkeys(on_duty + leads))
            if not recipients:
                handlers = [t.handler_id for t in rows
                            if t.handler_id and self.svc.staff.get(t.handler_id)]
                managers = [m.telegram_id for m in self.svc.staff.active(Role.manager)]
                recipients = list(dict.fromkeys([*handlers, *managers]))
            sweep = OvernightSweep(sweep_date=day, ran_at=now, flagged=len(rows),
                                   recipients=_csv(recipients) if rows else "",
                                   enqueued=not rows)
            s.add(sweep)
            for t in rows:
                assert t.id is not None
                s.add(OvernightItem(sweep_date=day, ticket_id=t.id, status=t.status))
        self._done_today["sweep"] = day
        if rows:
            try:
                self._deliver_sweep(day, now)
            except BaseException:
                self._needs_repair = True
                raise
        return f"sweep:{day.isoformat()}:{len(rows)}"

    def _repair_sweep(self) -> None:
        with session_scope(self.engine) as s:
            pending = s.exec(select(OvernightSweep.sweep_date).where(
                OvernightSweep.enqueued == False)).all()  # noqa: E712
        for day in pending:
            self._deliver_sweep(day, self.clock.now())

    def _deliver_sweep(self, day: date, now: datetime) -> None:
        from bot.texts import reminders as texts

        with session_scope(self.engine) as s:
            sweep = s.exec(select(OvernightSweep).where(OvernightSweep.sweep_date == day)).one()
            items = s.exec(select(OvernightItem, Ticket).join(
                Ticket, col(Ticket.id) == col(OvernightItem.ticket_id)).where(
                OvernightItem.sweep_date == day).order_by(col(OvernightItem.id))).all()
            lines = [self._overnight_line(t) for _, t in items]
            text = texts.overnight_message(lines, now=now, sweep_at=self.sweep_at)
            for chat in _ids(sweep.recipients):
                self.svc.outbox.enqueue(key=f"rmo:{day.isoformat()}:{chat}", kind="overnight",
                                        ref=f"overnight:{day.isoformat()}", chat_id=chat,
                                        text=text, priority=URGENT)
            sweep.enqueued = True
            s.add(sweep)

    def _overnight_line(self, t: Ticket) -> dict[str, Any]:
        member = self.svc.staff.get(t.handler_id) if t.handler_id else None
        return {"platform_no": t.platform_no, "status": t.status, "urgency": t.urgency,
                "category": t.category_l1, "unit": t.unit, "signed_at": t.signed_at,
                "handler": member.name if member else ""}

    def overnight_left(self, day: date) -> int:
        """For the daily post of ``day`` (issue 8): how many tickets were left overnight into
        ``day`` — flagged by the previous evening's sweep and still not dispatched (nor
        closed/returned) at midnight. Without a sweep that evening (bot down): the tickets
        signed before midnight that were still undispatched then, as far as known now."""
        report = self.overnight_report(day - timedelta(days=1))
        if report.swept:
            return report.left
        midnight = datetime.combine(day, time(0), tzinfo=SHANGHAI)
        with session_scope(self.engine) as s:
            rows = s.exec(select(Ticket).where(
                col(Ticket.signed_at) < midnight, col(Ticket.status).in_(list(_OPEN)),
                or_(col(Ticket.dispatched_at) == None,  # noqa: E711
                    col(Ticket.dispatched_at) >= midnight))).all()
        return sum(1 for t in rows if t.status in UNDISPATCHED or (
            t.dispatched_at is not None and t.dispatched_at >= midnight))

    def overnight_report(self, sweep_date: date) -> OvernightCounts:
        """What the sweep on the evening of ``sweep_date`` flagged, and how many of those were
        still not dispatched (nor closed/returned) at the following midnight."""
        day = sweep_date
        midnight = datetime.combine(day + timedelta(days=1), time(0), tzinfo=SHANGHAI)
        with session_scope(self.engine) as s:
            sweep = s.exec(select(OvernightSweep).where(OvernightSweep.sweep_date == day)).first()
            if sweep is None:
                return OvernightCounts(day, False, 0, 0)
            rows = s.exec(select(Ticket).join(
                OvernightItem, col(OvernightItem.ticket_id) == col(Ticket.id)).where(
                OvernightItem.sweep_date == day)).all()
        left = []
        for t in rows:
            dispatched = t.dispatched_at is not None and t.dispatched_at < midnight
            finished = t.status in (Status.closed.value, Status.returned.value) \
                and t.updated_at < midnight
            if not (dispatched or finished):
                left.append(t.platform_no)
        return OvernightCounts(day, True, sweep.flagged, len(left), tuple(left))

    # ------------------------------------------------------------------ morning digest
    def due_digest(self, now: datetime) -> list[str]:
        """Once a day to the duty group: what falls due today (no citizens' data)."""
        from bot.texts import reminders as texts

        group = self.svc.settings.duty_group_id
        day = now.astimezone(SHANGHAI).date()
        if group is None or self._done_today.get("digest") == day:
            return []
        self._done_today["digest"] = day
        start = datetime.combine(day, time(0), tzinfo=SHANGHAI)
        end = start + timedelta(days=1)
        with session_scope(self.engine) as s:
            rows = s.exec(select(Ticket).where(
                col(Ticket.status).in_(list(_OPEN)),
                or_(col(Ticket.complete_by) < end,
                    and_(col(Ticket.sign_by) < end, Ticket.status == Status.new.value),
                    col(Ticket.contact_by) < end,
                    col(Ticket.first_feedback_by) < end))).all()
        today: list[tuple[str, datetime, Ticket]] = []
        overdue: list[tuple[str, datetime, Ticket]] = []
        for t in rows:
            for kind, due in open_milestones(t):
                if due < now:
                    overdue.append((kind, due, t))
                elif due < end:
                    today.append((kind, due, t))
        today.sort(key=lambda x: x[1])
        overdue.sort(key=lambda x: x[1])
        text = texts.digest_message(today, overdue, now=now, max_lines=DIGEST_MAX_LINES)
        key = f"rmd:{day.isoformat()}"
        self.svc.outbox.enqueue(key=key, kind="digest", ref=f"digest:{day.isoformat()}",
                                chat_id=group, text=text, priority=NORMAL)
        return [key]

    # ------------------------------------------------------------------ holiday notice
    def holiday_notice(self, now: datetime) -> list[str]:
        """Once a day to the managers while the coming 60 days touch a year that only the
        provisional calendar covers."""
        from bot.texts import reminders as texts

        day = now.astimezone(SHANGHAI).date()
        if self._done_today.get("holidays") == day:
            return []
        self._done_today["holidays"] = day
        years = self.uncovered_years(day)
        if not years:
            return []
        with session_scope(self.engine) as s:
            provisional = len(s.exec(select(Ticket.id).where(
                Ticket.deadlines_provisional == True,  # noqa: E712
                col(Ticket.status).in_(list(_OPEN)))).all())
        managers = [m.telegram_id for m in self.svc.staff.active(Role.manager)] or [
            m.telegram_id for m in self.svc.staff.active(Role.admin)]
        text = texts.holiday_notice(years, provisional=provisional,
                                    store=str(self.holidays_file))
        keys = []
        for chat in managers:
            key = f"rmh:{day.isoformat()}:{chat}"
            if self.svc.outbox.enqueue(key=key, kind="holidays", ref="holidays", chat_id=chat,
                                       text=text, priority=NORMAL) is not None:
                keys.append(key)
        return keys

    # ------------------------------------------------------------------ reads
    def ledger(self, ticket_id: int) -> list[ReminderSent]:
        with session_scope(self.engine) as s:
            return list(s.exec(select(ReminderSent).where(
                ReminderSent.ticket_id == ticket_id).order_by(col(ReminderSent.id))).all())


# --------------------------------------------------------------------------- helpers


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _batch_id(now: datetime) -> str:
    return f"{now.astimezone(UTC):%Y%m%d%H%M%S}-{uuid.uuid4().hex[:8]}"


def _csv(ids: Iterable[int]) -> str:
    return ",".join(str(i) for i in ids)


def _ids(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


def _member_id(m: Any) -> int | None:
    for name in ("telegram_id", "staff_id", "user_id", "member_id"):
        value = getattr(m, name, None)
        if isinstance(value, int):
            return value
    if isinstance(m, int):
        return m
    if isinstance(m, tuple) and m and isinstance(m[0], int):
        return m[0]
    return None


def _is_lead(m: Any) -> bool:
    if getattr(m, "is_lead", False):
        return True
    for name in ("duty_role", "role", "shift_role"):
        value = getattr(m, name, None)
        text = str(getattr(value, "value", value) or "").lower()
        if text in ("lead", "shift_lead", "leader", "带班", "值班长", "组长", "shift lead"):
            return True
    if isinstance(m, tuple) and len(m) > 1:
        return str(m[1]).lower() in ("lead", "shift_lead", "带班", "值班长")
    return False


def attach(svc: Services) -> None:
    """Build the reminder service and run its scan on every tick."""
    service = ReminderService(svc)
    svc.reminders = service
    svc.periodic.append(service.scan)
