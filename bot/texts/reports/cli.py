"""What `python -m bot report` and `python -m bot demo-data` print (plain text, no HTML)."""

from __future__ import annotations

import re
from html import unescape

from bot.services.reports.demo.store import DemoResult, RealTicketsError, YearNotStartedError
from bot.services.reports.periods import PeriodError
from bot.texts.reports.files import ReportFiles
from bot.texts.reports.periods import label, why

ERROR = "错误：{why}"
CONFIG_ERROR = "配置错误: {why}"
TICKETS_NOT_POSITIVE = "--tickets 须为正数。"
REAL_TICKETS = "数据库中已有真实工单，拒绝写入演示数据（确需写入请加 --force）。"
YEAR_NOT_STARTED = "{year} 年尚未开始。"
DEMO_PROGRESS = "  已写入 {n} 件…"
DEMO_DONE = "已写入演示工单 {inserted} 件（{first} … {last}）"
DEMO_OPEN = "，其中 {open} 件是近几天受理、仍在办理的"
DEMO_NEXT = "下一步：python -m bot console 打开控制台，发 /weekly 看周报，/open 看在办工单。"
REPORT_DONE = "{label}：受理 {total} 件，用时 {seconds:.1f} 秒"


def config_error(exc: Exception) -> str:
    """A configuration file's error (it names the file and the line) on one line."""
    return CONFIG_ERROR.format(why=" ".join(str(exc).split()))


def period_error(exc: PeriodError) -> str:
    return ERROR.format(why=why(exc))


def demo_error(exc: RealTicketsError | YearNotStartedError) -> str:
    if isinstance(exc, RealTicketsError):
        return ERROR.format(why=REAL_TICKETS)
    return ERROR.format(why=YEAR_NOT_STARTED.format(year=exc.year))


def tickets_not_positive() -> str:
    return ERROR.format(why=TICKETS_NOT_POSITIVE)


def demo_progress(n: int) -> str:
    return DEMO_PROGRESS.format(n=n)


def demo_done(r: DemoResult) -> str:
    done = DEMO_DONE.format(inserted=r.inserted, first=r.first_no, last=r.last_no)
    if not r.open:  # a past year: nothing recent for /weekly to show
        return done + "。"
    return done + DEMO_OPEN.format(open=r.open) + "。\n" + DEMO_NEXT


def report_done(files: ReportFiles) -> str:
    return REPORT_DONE.format(label=label(files.figures.period),
                              total=files.figures.counts.total,
                              seconds=files.timings["total"])


def plain(html: str) -> str:
    """The chat summary as a text file: tags dropped, entities decoded."""
    return unescape(re.sub(r"<[^>]+>", "", html)) + "\n"
