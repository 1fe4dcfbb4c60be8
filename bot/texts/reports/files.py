"""Everything one report sends: the chat summary, the chart (PNG), the workbook (XLSX, with
personal data) and the Word draft (DOCX), rendered from the figures the service computes.

The bot's handler and `python -m bot report` both call `build_files`, so the chat and the
command line send the same files.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Protocol

from bot.services.reports.figures import Figures
from bot.services.reports.periods import Period
from bot.services.reports.service import TicketList
from bot.texts.reports.common import file_stem
from bot.texts.reports.summary import summary

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


class ReportSource(Protocol):
    """What the renderers need from the report service (`ReportService`)."""

    @property
    def tz(self) -> tzinfo: ...

    def exclusive(self) -> AbstractContextManager[None]: ...

    def figures(self, period: Period, *, with_clusters: bool = True) -> Figures: ...

    def ticket_list(self, figures: Figures, *, full_list: bool = False) -> TicketList: ...


def build_files(source: ReportSource, period: Period, *, with_xlsx: bool = True,
                with_docx: bool | None = None, full_list: bool = False) -> ReportFiles:
    """Everything a report sends. Synchronous and CPU-heavy: call it in a worker thread.

    The Word draft comes with every report but the weekly one unless `with_docx` says
    otherwise; the XLSX ticket list stops at `xlsx_max_rows` unless `full_list`.
    """
    # matplotlib, openpyxl and python-docx cost about 0.6 s of CPU to import: paid by the
    # first report, not by every start of the bot and of each command-line tool
    from bot.texts.reports import chart
    from bot.texts.reports.docx import build_docx
    from bot.texts.reports.xlsx import build_xlsx

    if with_docx is None:
        with_docx = period.kind != "week"
    with source.exclusive():
        t0 = time.perf_counter()
        timings: dict[str, float] = {}
        with _timed(timings, "figures"):
            f = source.figures(period)
        with _timed(timings, "chart"):
            png = chart.dashboard(f)
        xlsx = docx = None
        if with_xlsx:
            with _timed(timings, "xlsx"):
                xlsx = build_xlsx(f, source.ticket_list(f, full_list=full_list), tz=source.tz)
        if with_docx:
            with _timed(timings, "docx"):
                docx = build_docx(f, dashboard_png=png, tz=source.tz)
        timings["total"] = time.perf_counter() - t0
    log.info("report %s %s built in %.2fs", period.kind, period.key, timings["total"])
    return ReportFiles(f, summary(f), png, xlsx, docx, file_stem(f), timings)


@contextmanager
def _timed(timings: dict[str, float], name: str) -> Iterator[None]:
    """Records the seconds spent in the block as `timings[name]` (for the log and the bench)."""
    t = time.perf_counter()
    yield
    timings[name] = time.perf_counter() - t
