"""What the daily post (值班日报) and the shift handover (交接班) say, as notes.

Pure reads over the database: :class:`DutyDigest` gathers the figures and the tickets into a
:class:`~bot.services.roster.notes.DailyPost` or :class:`HandoverPost`; the same note goes to
the duty group and to private chats, and ``bot.texts.daily`` masks it for the group.
Other features (alert counts, the overnight count) are asked through duck-typed methods and
may fail without stopping the post.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, or_, select

from bot.failures import log_failure
from bot.services.roster.notes import AlertSummary, DailyPost, HandoverPost, TicketLine
from bot.services.roster.service import RosterService
from bot.services.roster.shifts import ShiftInstance
from bot.services.tickets.vocabulary import ALERT_URGENCIES
from bot.services.tickets.workflow import OPEN_STATUSES, Status
from models.db import session_scope
from models.ticket import Ticket

log = logging.getLogger(__name__)

LIST_LIMIT = 10
CONTENT_KEPT = 200  # characters of content a line keeps (the texts show far fewer)
_OPEN = [s.value for s in OPEN_STATUSES]
_URGENT = sorted(ALERT_URGENCIES)


def _line(t: Ticket, at: datetime | None) -> TicketLine:
    content = " ".join((t.content or "").split())[:CONTENT_KEPT]
    return TicketLine(t.platform_no, t.urgency, t.status, t.unit, t.category_l1, at, content,
                      t.citizen_name or "", t.phone or "")


def _open_at(as_of: datetime) -> list[Any]:
    """Conditions for "open at ``as_of``" (logged by then, not closed or returned by then)."""
    return [col(Ticket.received_at) <= as_of,
            or_(col(Ticket.closed_at) == None, col(Ticket.closed_at) > as_of),  # noqa: E711
            Ticket.status != Status.returned.value]


def _count(s: Session, *cond: Any) -> int:
    return int(s.exec(select(func.count()).select_from(Ticket).where(*cond)).one())


def _listed(s: Session, cond: list[Any], order: Any, at: str) -> tuple[int, list[TicketLine]]:
    """(how many match, the first LIST_LIMIT as lines dated by the column ``at``)."""
    rows = s.exec(select(Ticket).where(*cond).order_by(order).limit(LIST_LIMIT)).all()
    return _count(s, *cond), [_line(t, getattr(t, at)) for t in rows]


class DutyDigest:
    """Builds the daily post and the handover from the tickets and the roster."""

    def __init__(self, *, engine: Engine, roster: RosterService, alerts: Any = None,
                 reminders: Any = None) -> None:
        self.engine, self.roster = engine, roster
        self.alerts, self.reminders = alerts, reminders  # optional counts for the daily post

    # -- the daily post -----------------------------------------------------------------
    def daily(self, day: date, as_of: datetime) -> DailyPost:
        """The daily post for ``day`` as of ``as_of``: today's teams, yesterday's intake,
        what is overdue, urgent, due today or left overnight."""
        tz = self.roster.config.tz
        y0, y1 = (datetime.combine(d, time(0, 0), tzinfo=tz) for d in (day - timedelta(1), day))
        d1 = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=tz)
        first = min(s.start for s in self.roster.config.shifts)
        first_start = datetime.combine(day, first, tzinfo=tz)
        open_now = _open_at(as_of)
        yesterday = [col(Ticket.received_at) >= y0, col(Ticket.received_at) < y1]
        with session_scope(self.engine) as s:
            by_type, by_urgency = self._intake(s, yesterday)
            overdue = _listed(s, [*open_now, col(Ticket.complete_by) < as_of],
                              col(Ticket.complete_by), "complete_by")
            urgent = _listed(s, [*yesterday, col(Ticket.urgency).in_(_URGENT)],
                             col(Ticket.received_at), "received_at")
            due = _listed(s, [*open_now, col(Ticket.complete_by) >= y1,
                              col(Ticket.complete_by) < d1], col(Ticket.complete_by),
                          "complete_by")
            night = _listed(s, [*open_now, col(Ticket.signed_at) != None,  # noqa: E711
                                col(Ticket.signed_at) < min(first_start, as_of),
                                or_(col(Ticket.dispatched_at) == None,  # noqa: E711
                                    col(Ticket.dispatched_at) > as_of)],
                            col(Ticket.signed_at), "signed_at")
            dispatched = _count(s, col(Ticket.dispatched_at) >= y0,
                                col(Ticket.dispatched_at) < y1)
            closed = _count(s, col(Ticket.closed_at) >= y0, col(Ticket.closed_at) < y1)
        return DailyPost(
            day=day, as_of=as_of, slots=self.roster.slots(day, day),
            intake_total=sum(by_type.values()), by_type=by_type, by_urgency=by_urgency,
            dispatched=dispatched, closed=closed, overdue_total=overdue[0],
            overdue=overdue[1], urgent_total=urgent[0], urgent=urgent[1],
            alerts=self._alert_summary(y0, y1), due_today_total=due[0], due_today=due[1],
            overnight_total=night[0], overnight=night[1], overnight_left=self._left(day))

    @staticmethod
    def _intake(s: Session, window: list[Any]) -> tuple[dict[str, int], dict[str, int]]:
        rows = s.exec(select(Ticket.request_type, Ticket.urgency, func.count()).where(
            *window).group_by(Ticket.request_type, Ticket.urgency)).all()
        by_type: dict[str, int] = {}
        by_urgency: dict[str, int] = {}
        for rtype, urg, n in rows:
            by_type[rtype] = by_type.get(rtype, 0) + n
            by_urgency[urg] = by_urgency.get(urg, 0) + n
        return by_type, by_urgency

    def _left(self, day: date) -> int | None:
        counter = getattr(self.reminders, "overnight_left", None)
        if not callable(counter):
            return None
        try:
            return int(counter(day))
        except Exception as exc:  # another feature's problem must not stop the daily post
            log_failure(log, "reminders.overnight_left failed", exc)
            return None

    def _alert_summary(self, start: datetime, end: datetime) -> AlertSummary | None:
        between = getattr(self.alerts, "alerts_between", None)
        if not callable(between):
            return None
        try:
            st = between(start, end)
            return AlertSummary(int(st.raised), int(st.acknowledged), int(st.unacknowledged),
                                int(st.escalated))
        except Exception as exc:
            log_failure(log, "alerts.alerts_between failed", exc)
            return None

    # -- the handover -------------------------------------------------------------------
    def handover(self, incoming: ShiftInstance, as_of: datetime) -> HandoverPost:
        """The handover to ``incoming``: open work, what falls due in the shift,
        unacknowledged alerts and the outgoing shift's notes."""
        prev = self.roster.config.previous_of(incoming)
        open_cond = [col(Ticket.status).in_(_OPEN)]
        with session_scope(self.engine) as s:
            counts = dict(s.exec(select(Ticket.status, func.count()).where(*open_cond)
                                 .group_by(Ticket.status)).all())
            inherited = [_line(t, t.complete_by) for t in s.exec(
                select(Ticket).where(*open_cond).order_by(
                    col(Ticket.complete_by).is_(None), col(Ticket.complete_by))
                .limit(LIST_LIMIT)).all()]
            due_total, due = self._due_in(s, open_cond, incoming)
            unacked, source = self._unacked(s)
        return HandoverPost(
            as_of=as_of, incoming=self.roster.slot(incoming),
            outgoing=self.roster.slot(prev) if prev else None,
            open_counts={st: counts[st] for st in _ordered_statuses() if st in counts},
            open_total=sum(counts.values()), inherited=inherited, due_total=due_total,
            due=due, unacked=unacked, unacked_source=source,
            notes=self.roster.notes(prev) if prev else [])

    @staticmethod
    def _due_in(s: Session, open_cond: list[Any], inc: ShiftInstance
                ) -> tuple[int, list[TicketLine]]:
        """Open tickets whose completion (or, if new, signing) deadline falls in ``inc``."""
        in_shift = or_(
            (col(Ticket.complete_by) >= inc.start) & (col(Ticket.complete_by) < inc.end),
            (Ticket.status == Status.new.value) & (col(Ticket.sign_by) >= inc.start)
            & (col(Ticket.sign_by) < inc.end))
        due = []
        for t in s.exec(select(Ticket).where(*open_cond, in_shift).order_by(
                col(Ticket.complete_by)).limit(LIST_LIMIT)).all():
            at = t.complete_by
            if t.status == Status.new.value and t.sign_by is not None and \
                    inc.start <= t.sign_by < inc.end:
                at = t.sign_by
            due.append(_line(t, at))
        return _count(s, *open_cond, in_shift), due

    def _unacked(self, s: Session) -> tuple[list[tuple[str, str]], str]:
        """Unacknowledged urgent alerts (the alerts feature), else unsigned urgent tickets."""
        live = getattr(self.alerts, "live", None)
        if not callable(live):
            rows = s.exec(select(Ticket).where(
                Ticket.status == Status.new.value, col(Ticket.urgency).in_(_URGENT))
                .order_by(col(Ticket.received_at)).limit(LIST_LIMIT)).all()
            return [(t.platform_no, t.urgency) for t in rows], "tickets"
        try:
            return [(no, a.urgency) for a, no in live(limit=30)
                    if getattr(a, "acked_at", None) is None], "alerts"
        except Exception as exc:
            log_failure(log, "alerts.live failed", exc)
            return [], "alerts"


def _ordered_statuses() -> list[str]:
    return [s.value for s in Status if s in OPEN_STATUSES]
