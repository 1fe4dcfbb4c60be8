"""ReportService: from a command's period to the figures, the chart, the XLSX and the DOCX."""

from __future__ import annotations

import logging
import statistics
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Protocol

from sqlalchemy import and_, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.clock import SHANGHAI, Clock
from bot.services.reports import periods
from bot.services.reports.builder import FigureBuilder
from bot.services.reports.config import ReportConfig
from bot.services.reports.figures import AlertStats, Figures
from bot.services.reports.periods import Period
from bot.texts.reports import chart
from bot.texts.reports import summary as tx
from bot.texts.reports.docx import build_docx
from bot.texts.reports.xlsx import build_xlsx
from models.alert import Alert

log = logging.getLogger(__name__)


@dataclass
class ReportFiles:
    figures: Figures
    summary: str  # HTML, no personal data
    chart_png: bytes
    xlsx: bytes | None  # personal data: private chats and the command line only
    docx: bytes | None
    stem: str  # file name without extension
    timings: dict[str, float] = field(default_factory=dict)


class GapCounter(Protocol):
    """Counts knowledge-base searches that found nothing (the knowledge base)."""

    def gap_count(self, *, start: datetime, end: datetime) -> int: ...


class ReportService:
    def __init__(self, engine: Engine, clock: Clock, config: ReportConfig, *,
                 tz: tzinfo = SHANGHAI, kb: GapCounter | None = None) -> None:
        self.engine, self.clock, self.config, self.tz = engine, clock, config, tz
        self.builder = FigureBuilder(engine, config)
        self.kb = kb
        # One report at a time per process: keeps memory bounded when several people ask.
        self._lock = threading.Lock()

    def period(self, kind: str, args: list[str]) -> Period:
        """The period a command asks for; raises PeriodError with a Chinese message."""
        return periods.parse(kind, args, self.clock.now(),
                             start_day=self.config.month_start_day)

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

    # ---------------------------------------------------------------- building
    def figures(self, period: Period, *, with_clusters: bool = True) -> Figures:
        return self.builder.build(period, now=self.clock.now(), alert_stats=self.alert_stats,
                                  kb_gaps=self.kb_gaps, with_clusters=with_clusters)

    def build(self, period: Period, *, with_xlsx: bool = True, with_docx: bool | None = None,
              full_list: bool = False) -> ReportFiles:
        """Everything a report sends. Synchronous and CPU-heavy: call it in a worker thread.

        The XLSX ticket list stops at `xlsx_max_rows` unless `full_list` (command line).
        """
        with self._lock:
            return self._build(period, with_xlsx=with_xlsx, with_docx=with_docx,
                               full_list=full_list)

    def _build(self, period: Period, *, with_xlsx: bool, with_docx: bool | None,
               full_list: bool) -> ReportFiles:
        if with_docx is None:
            with_docx = period.kind != "week"
        t0 = time.perf_counter()
        timings: dict[str, float] = {}
        f = self.figures(period)
        timings["figures"] = time.perf_counter() - t0
        t = time.perf_counter()
        png = chart.dashboard(f)
        timings["chart"] = time.perf_counter() - t
        xlsx = docx = None
        if with_xlsx:
            t = time.perf_counter()
            cap = f.counts.total if full_list else self.config.xlsx_max_rows
            rows = self.builder.ticket_rows(period, now=self.clock.now(), limit=cap)
            xlsx = build_xlsx(f, rows, total_rows=f.counts.total, max_rows=cap, tz=self.tz)
            timings["xlsx"] = time.perf_counter() - t
        if with_docx:
            t = time.perf_counter()
            docx = build_docx(f, dashboard_png=png, tz=self.tz)
            timings["docx"] = time.perf_counter() - t
        timings["total"] = time.perf_counter() - t0
        log.info("report %s %s built in %.2fs", period.kind, period.key, timings["total"])
        return ReportFiles(f, tx.summary(f), png, xlsx, docx, tx.file_stem(f), timings)
