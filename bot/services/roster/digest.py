"""The data of the daily post (值班日报) and the shift handover (交接班).

Builders are pure functions over the database returning HTML (no Telegram): the same text
goes to the duty group (``masked=True``: no citizen names or phones) and to private chats.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import col, or_, select

from bot.services.roster.model import Slot
from bot.services.roster.service import RosterService
from bot.services.roster.shifts import ShiftInstance
from bot.services.tickets.service import ALERT_URGENCIES
from bot.services.tickets.workflow import OPEN_STATUSES, Status
from bot.texts import daily as texts
from models.db import session_scope
from models.ticket import Ticket

log = logging.getLogger(__name__)

LIST_LIMIT = 10
_OPEN = [s.value for s in OPEN_STATUSES]


# ====================================================================== data for the texts


@dataclass(frozen=True)
class TicketLine:
    platform_no: str
    urgency: str
    status: str
    unit: str
    category: str
    at: datetime | None  # the deadline or time the line is about
    excerpt: str  # content excerpt, masked for groups


@dataclass(frozen=True)
class AlertSummary:
    raised: int
    acknowledged: int
    unacknowledged: int
    escalated: int


@dataclass(frozen=True)
class DailyData:
    day: date
    as_of: datetime
    slots: list[Slot]
    intake_total: int
    by_type: dict[str, int]
    by_urgency: dict[str, int]
    dispatched: int
    closed: int
    overdue_total: int
    overdue: list[TicketLine]
    urgent_total: int
    urgent: list[TicketLine]  # urgent tickets logged yesterday
    alerts: AlertSummary | None
    due_today_total: int
    due_today: list[TicketLine]
    overnight_total: int
    overnight: list[TicketLine]
    overnight_left: int | None  # the reminders feature's count left overnight (at midnight)


@dataclass(frozen=True)
class HandoverData:
    incoming: Slot
    outgoing: Slot | None
    open_counts: dict[str, int]
    open_total: int
    inherited: list[TicketLine]
    due_total: int
    due: list[TicketLine]
    unacked: list[str]  # "2026112500123 紧急" lines
    unacked_source: str  # "alerts" or "tickets"
    notes: list[tuple[str, str]]


# ====================================================================== builders


def _line(t: Ticket, at: datetime | None, masked: bool) -> TicketLine:
    return TicketLine(t.platform_no, t.urgency, t.status, t.unit, t.category_l1, at,
                      texts.excerpt(t.content, t.citizen_name, t.phone, masked=masked))


def _day_start(d: date, tz: Any) -> datetime:
    return datetime.combine(d, time(0, 0), tzinfo=tz)


def _open_at(as_of: datetime) -> list[Any]:
    """Conditions for "open at ``as_of``" (logged by then, not closed or returned by then)."""
    return [col(Ticket.received_at) <= as_of,
            or_(col(Ticket.closed_at) == None, col(Ticket.closed_at) > as_of),  # noqa: E711
            Ticket.status != Status.returned.value]


def daily_data(*, engine: Engine, roster: RosterService, day: date, as_of: datetime,
               masked: bool, alerts: Any = None, reminders: Any = None) -> DailyData:
    tz = roster.config.tz
    y0, y1 = _day_start(day - timedelta(days=1), tz), _day_start(day, tz)
    d1 = _day_start(day + timedelta(days=1), tz)
    first_start = datetime.combine(day, min(s.start for s in roster.config.shifts), tzinfo=tz)
    open_now = _open_at(as_of)
    with session_scope(engine) as s:
        rows = s.exec(select(Ticket.request_type, Ticket.urgency, func.count()).where(
            col(Ticket.received_at) >= y0, col(Ticket.received_at) < y1,
        ).group_by(Ticket.request_type, Ticket.urgency)).all()
        by_type: dict[str, int] = {}
        by_urgency: dict[str, int] = {}
        for rtype, urg, n in rows:
            by_type[rtype] = by_type.get(rtype, 0) + n
            by_urgency[urg] = by_urgency.get(urg, 0) + n
        dispatched = s.exec(select(func.count()).select_from(Ticket).where(
            col(Ticket.dispatched_at) >= y0, col(Ticket.dispatched_at) < y1)).one()
        closed = s.exec(select(func.count()).select_from(Ticket).where(
            col(Ticket.closed_at) >= y0, col(Ticket.closed_at) < y1)).one()
        over_cond = [*open_now, col(Ticket.complete_by) < as_of]
        overdue_total = s.exec(select(func.count()).select_from(Ticket).where(*over_cond)).one()
        overdue = [_line(t, t.complete_by, masked) for t in s.exec(
            select(Ticket).where(*over_cond).order_by(col(Ticket.complete_by))
            .limit(LIST_LIMIT)).all()]
        urgent_cond = [col(Ticket.received_at) >= y0, col(Ticket.received_at) < y1,
                       col(Ticket.urgency).in_(sorted(ALERT_URGENCIES))]
        urgent_total = s.exec(select(func.count()).select_from(Ticket).where(
            *urgent_cond)).one()
        urgent = [_line(t, t.received_at, masked) for t in s.exec(
            select(Ticket).where(*urgent_cond).order_by(col(Ticket.received_at))
            .limit(LIST_LIMIT)).all()]
        due_cond = [*open_now, col(Ticket.complete_by) >= y1, col(Ticket.complete_by) < d1]
        due_total = s.exec(select(func.count()).select_from(Ticket).where(*due_cond)).one()
        due = [_line(t, t.complete_by, masked) for t in s.exec(
            select(Ticket).where(*due_cond).order_by(col(Ticket.complete_by))
            .limit(LIST_LIMIT)).all()]
        night_cond = [*open_now, col(Ticket.signed_at) != None,  # noqa: E711
                      col(Ticket.signed_at) < min(first_start, as_of),
                      or_(col(Ticket.dispatched_at) == None,  # noqa: E711
                          col(Ticket.dispatched_at) > as_of)]
        night_total = s.exec(select(func.count()).select_from(Ticket).where(*night_cond)).one()
        night = [_line(t, t.signed_at, masked) for t in s.exec(
            select(Ticket).where(*night_cond).order_by(col(Ticket.signed_at))
            .limit(LIST_LIMIT)).all()]
    left: int | None = None
    counter = getattr(reminders, "overnight_left", None)
    if callable(counter):
        try:
            left = int(counter(day))
        except Exception:  # another feature's problem must not stop the daily post
            log.exception("reminders.overnight_left failed")
    return DailyData(
        day=day, as_of=as_of, slots=roster.slots(day, day),
        intake_total=sum(by_type.values()), by_type=by_type, by_urgency=by_urgency,
        dispatched=int(dispatched), closed=int(closed), overdue_total=int(overdue_total),
        overdue=overdue, urgent_total=int(urgent_total), urgent=urgent,
        alerts=_alert_summary(alerts, y0, y1),
        due_today_total=int(due_total), due_today=due, overnight_total=int(night_total),
        overnight=night, overnight_left=left)


def _alert_summary(alerts: Any, start: datetime, end: datetime) -> AlertSummary | None:
    between = getattr(alerts, "alerts_between", None)
    if not callable(between):
        return None
    try:
        st = between(start, end)
        return AlertSummary(int(st.raised), int(st.acknowledged), int(st.unacknowledged),
                            int(st.escalated))
    except Exception:
        log.exception("alerts.alerts_between failed")
        return None


def build_daily(*, engine: Engine, roster: RosterService, day: date, as_of: datetime,
                masked: bool, alerts: Any = None, reminders: Any = None) -> str:
    """The daily post for ``day`` as HTML: today's teams, yesterday's intake, open issues."""
    data = daily_data(engine=engine, roster=roster, day=day, as_of=as_of, masked=masked,
                      alerts=alerts, reminders=reminders)
    return texts.render_daily(data, masked=masked)


def handover_data(*, engine: Engine, roster: RosterService, incoming: ShiftInstance,
                  as_of: datetime, masked: bool, alerts: Any = None) -> HandoverData:
    prev = roster.config.previous_of(incoming)
    with session_scope(engine) as s:
        open_cond = [col(Ticket.status).in_(_OPEN)]
        counts = dict(s.exec(select(Ticket.status, func.count()).where(*open_cond)
                             .group_by(Ticket.status)).all())
        inherited = [_line(t, t.complete_by, masked) for t in s.exec(
            select(Ticket).where(*open_cond).order_by(
                col(Ticket.complete_by).is_(None), col(Ticket.complete_by))
            .limit(LIST_LIMIT)).all()]
        in_shift = or_(
            (col(Ticket.complete_by) >= incoming.start) & (col(Ticket.complete_by) < incoming.end),
            (Ticket.status == Status.new.value) & (col(Ticket.sign_by) >= incoming.start)
            & (col(Ticket.sign_by) < incoming.end))
        due_total = s.exec(select(func.count()).select_from(Ticket).where(
            *open_cond, in_shift)).one()
        due = []
        for t in s.exec(select(Ticket).where(*open_cond, in_shift).order_by(
                col(Ticket.complete_by)).limit(LIST_LIMIT)).all():
            at = t.complete_by
            if t.status == Status.new.value and t.sign_by is not None and \
                    incoming.start <= t.sign_by < incoming.end:
                at = t.sign_by
            due.append(_line(t, at, masked))
        unacked: list[str] = []
        source = "tickets"
        live = getattr(alerts, "live", None)
        if callable(live):
            source = "alerts"
            try:
                unacked = [f"{no} {a.urgency}" for a, no in live(limit=30)
                           if getattr(a, "acked_at", None) is None]
            except Exception:
                log.exception("alerts.live failed")
        else:
            unacked = [f"{t.platform_no} {t.urgency}" for t in s.exec(
                select(Ticket).where(Ticket.status == Status.new.value,
                                     col(Ticket.urgency).in_(sorted(ALERT_URGENCIES)))
                .order_by(col(Ticket.received_at)).limit(LIST_LIMIT)).all()]
    return HandoverData(
        incoming=roster.slot(incoming), outgoing=roster.slot(prev) if prev else None,
        open_counts={st: counts[st] for st in _ordered_statuses() if st in counts},
        open_total=sum(counts.values()), inherited=inherited, due_total=int(due_total),
        due=due, unacked=unacked, unacked_source=source,
        notes=roster.notes(prev) if prev else [])


def _ordered_statuses() -> list[str]:
    return [s.value for s in Status if s in OPEN_STATUSES]


def build_handover(*, engine: Engine, roster: RosterService, incoming: ShiftInstance,
                   as_of: datetime, masked: bool, alerts: Any = None) -> str:
    data = handover_data(engine=engine, roster=roster, incoming=incoming, as_of=as_of,
                         masked=masked, alerts=alerts)
    return texts.render_handover(data, as_of=as_of)
