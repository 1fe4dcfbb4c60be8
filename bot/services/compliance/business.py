"""The business figures of the monthly work report, taken from the reports' figures.

The work report reuses the monthly report's numbers (same assessment month, same rate
definitions, docs/reports.md) instead of counting again; only the few figures the work
report prints are copied into :class:`BusinessSummary`, so it does not depend on the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, tzinfo
from typing import Protocol

from bot.services.reports import periods as report_periods
from bot.services.reports.figures import Figures
from bot.services.reports.periods import Period

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BusinessSummary:
    first: date  # the reports' assessment month (may start on the 19th)
    last: date
    total: int
    prev_total: int
    closed: int
    open: int
    overdue: int
    key_cases: int
    supervised: int
    returned: int
    response_rate: float | None
    solved_rate: float | None
    satisfied_rate: float | None
    top_categories: tuple[tuple[str, int], ...]
    top_units: tuple[tuple[str, int], ...]
    repeat_callers: int
    long_open: int


class FigureSource(Protocol):
    def figures(self, period: Period, *, with_clusters: bool = True) -> Figures: ...


BusinessFigures = Callable[[int, int], BusinessSummary | None]


def summary_of(f: Figures) -> BusinessSummary:
    c = f.counts
    return BusinessSummary(
        f.period.first_day, f.period.last_day, c.total, f.prev_total, c.closed, c.open,
        c.overdue, c.key_cases, c.supervised, c.returned, f.rates.response,
        f.rates.solved_rate, f.rates.satisfied_rate, tuple(f.by_cat1[:5]),
        tuple(f.by_unit[:5]), f.repeat_caller_count, f.long_open_count)


def business_source(reports: FigureSource, *, start_day: int, tz: tzinfo) -> BusinessFigures:
    """`(year, month) -> BusinessSummary`, or None when the figures cannot be computed (the
    report then marks the section for the manager to fill in)."""
    def figures(year: int, month: int) -> BusinessSummary | None:
        try:
            period = report_periods.month(year, month, start_day=start_day, tz=tz)
            return summary_of(reports.figures(period, with_clusters=False))
        except Exception:  # a reports problem must not lose the work report
            log.exception("business figures for %d-%02d unavailable", year, month)
            return None
    return figures
