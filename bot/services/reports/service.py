"""ReportService: from a command's period to the figures and the ticket list of a report.

It computes; it renders nothing. `bot/texts/reports/files.py` asks it for the figures and the
ticket list and turns them into the summary, the chart, the workbook and the Word draft.
"""

from __future__ import annotations

import logging
import statistics
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any, Protocol

from sqlalchemy import and_, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.clock import Clock
from bot.services.reports import periods
from bot.services.reports.builder import FigureBuilder
from bot.services.reports.config import ReportConfig
from bot.services.reports.figures import AlertStats, Figures
from bot.services.reports.periods import Period
from models.alert import Alert

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TicketList:
    """The period's tickets for the private workbook, streamed; at most `shown` rows."""

    rows: Iterable[tuple[Any, ...]]
    total: int  # tickets in the period
    shown: int  # the row cap (`xlsx_max_rows`, or `total` for the full list)


class GapCounter(Protocol):
    """Counts knowledge-base searches that found nothing (the knowledge base)."""

    def gap_count(self, *, start: datetime, end: datetime) -> int: ...


class ReportService:
    def __init__(self, engine: Engine, clock: Clock, config: ReportConfig, *,
                 kb: GapCounter | None = None) -> None:
        self.engine, self.clock, self.config = engine, clock, config
        self.builder = FigureBuilder(engine, config)
        self.kb = kb
        # One report at a time per process: keeps memory bounded when several people ask.
        self._lock = threading.Lock()

    @property
    def tz(self) -> tzinfo:
        """The configured zone (the clock's): periods and times in the files are local."""
        return self.clock.tz

    def period(self, kind: str, args: list[str]) -> Period:
        """The period a command asks for; raises PeriodError saying why not."""
        return periods.parse(kind, args, self.clock.now(),
                             start_day=self.config.month_start_day)

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold while building one report's files: reports are built one at a time."""
        with self._lock:
            yield

    # ---------------------------------------------------------------- optional sources
    def alert_stats(self, start: datetime, end: datetime) -> AlertStats | None:
        """Urgent alerts raised in the period; None when they cannot be counted."""
        a = Alert.__table__.c  # type: ignore[attr-defined]
        try:
            with self.engine.connect() as conn:
                rows = conn.execute(select(a.raised_at, a.acked_at).where(
                    and_(a.raised_at >= start, a.raised_at < end))).all()
        except SQLAlchemyError:
            log.exception("alert statistics unavailable")
            return None
        waits = [(ack - raised).total_seconds() / 60 for raised, ack in rows if ack is not None]
        return AlertStats(raised=len(rows), acked=len(waits),
                          median_ack_minutes=statistics.median(waits) if waits else None,
                          max_ack_minutes=max(waits) if waits else None,
                          unacked=len(rows) - len(waits))

    def kb_gaps(self, start: datetime, end: datetime) -> int | None:
        """Knowledge-base searches that found nothing, when a knowledge base is connected."""
        if self.kb is None:
            return None
        try:
            return int(self.kb.gap_count(start=start, end=end))
        except Exception:  # a KB problem must not lose the report
            log.exception("knowledge-base gap count failed")
            return None

    # ---------------------------------------------------------------- computing
    def figures(self, period: Period, *, with_clusters: bool = True) -> Figures:
        """Every figure of the period. Synchronous and CPU-heavy: call it in a worker thread."""
        return self.builder.build(period, now=self.clock.now(), alert_stats=self.alert_stats,
                                  kb_gaps=self.kb_gaps, with_clusters=with_clusters)

    def ticket_list(self, figures: Figures, *, full_list: bool = False) -> TicketList:
        """The period's tickets with personal data (private workbook only), streamed.

        The list stops at `xlsx_max_rows` unless `full_list` (the command line's --full).
        """
        total = figures.counts.total
        cap = total if full_list else self.config.xlsx_max_rows
        rows = self.builder.ticket_rows(figures.period, now=self.clock.now(), limit=cap)
        return TicketList(rows=rows, total=total, shown=cap)
