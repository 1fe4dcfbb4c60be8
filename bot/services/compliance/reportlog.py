"""Which monthly work reports were produced (`/workreport`), and when first.

The tracker reads it for the "report at least monthly" clause and the month-end reminder
stops once the month's report exists.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import col, func, select

from bot.clock import Clock
from models.compliance import WorkReportLog
from models.db import session_scope


class WorkReportBook:
    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine, self.clock = engine, clock

    def mark(self, month_key: str, *, actor_id: int | None) -> None:
        with session_scope(self.engine) as s:
            s.add(WorkReportLog(month=month_key, produced_at=self.clock.now(),
                                produced_by=actor_id))

    def produced(self, month_keys: list[str]) -> dict[str, datetime]:
        """For each month that has a report, when it was first produced."""
        if not month_keys:
            return {}
        with session_scope(self.engine) as s:
            rows = s.exec(select(WorkReportLog.month, func.min(WorkReportLog.produced_at))
                          .where(col(WorkReportLog.month).in_(month_keys))
                          .group_by(col(WorkReportLog.month))).all()
        return {m: at for m, at in rows}
