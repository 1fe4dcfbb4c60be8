"""Reports: figures for any period, the chart, the XLSX workbook and the Word draft.

`attach(svc)` builds the `ReportService` and sets `svc.reports`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.services.reports.config import ReportConfig
from bot.services.reports.service import ReportFiles, ReportService

if TYPE_CHECKING:
    from bot.context import Services


def attach(svc: Services) -> None:
    cfg = ReportConfig.load(month_start_day=getattr(svc.settings, "report_month_start_day", 1))
    svc.reports = ReportService(
        svc.engine, svc.clock, cfg, tz=svc.settings.tz,
        alerts_source=lambda: getattr(svc, "alerts", None),
        kb_source=lambda: getattr(svc, "kb", None),
    )


__all__ = ["ReportConfig", "ReportFiles", "ReportService", "attach"]
