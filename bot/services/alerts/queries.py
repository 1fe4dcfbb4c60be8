"""Read-only views of alerts: the live list, a leader's own acknowledgements, and the counts
the daily/weekly summaries print.

``alerts_between`` is also a plain function of an engine so the report jobs can use it
without building the whole alert service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from models.alert import LIVE_STATUSES, Alert, AlertStatus
from models.db import session_scope
from models.ticket import Ticket


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


class AlertQueries:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def open_alert(self, ticket_id: int) -> Alert | None:
        """The ticket's alert nobody has acknowledged yet, if any."""
        with session_scope(self.engine) as s:
            return s.exec(select(Alert).where(Alert.ticket_id == ticket_id,
                                              Alert.status == AlertStatus.open.value)).first()

    def live(self, *, limit: int = 30) -> list[tuple[Alert, str]]:
        """Alerts not closed yet (open, acknowledged, expired) with the ticket number."""
        with session_scope(self.engine) as s:
            rows = s.exec(select(Alert, Ticket.platform_no).join(
                Ticket, col(Ticket.id) == col(Alert.ticket_id)).where(
                col(Alert.status).in_([*LIVE_STATUSES, AlertStatus.expired.value])
            ).order_by(col(Alert.raised_at).desc()).limit(limit)).all()
        return [(a, no) for a, no in rows]

    def acked_by_member(self, telegram_id: int, *, limit: int = 10) -> list[tuple[Alert, str]]:
        """The alerts a member acknowledged, latest first, with the ticket number."""
        with session_scope(self.engine) as s:
            rows = s.exec(select(Alert, Ticket.platform_no).join(
                Ticket, col(Ticket.id) == col(Alert.ticket_id)).where(
                Alert.acked_by == telegram_id).order_by(col(Alert.acked_at).desc())
                .limit(limit)).all()
        return [(a, no) for a, no in rows]

    def alerts_between(self, start: datetime, end: datetime) -> AlertStats:
        return alerts_between(engine=self.engine, start=start, end=end)
