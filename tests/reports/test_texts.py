"""The words of the reports: period labels, refusals, and the configured time zone."""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import Engine

from bot.clock import MovableClock
from bot.config import DEFAULT_TZ as SHANGHAI
from bot.services.reports import periods as P
from bot.services.reports.config import ReportConfig
from bot.services.reports.periods import PeriodError, PeriodProblem
from bot.services.reports.service import ReportService
from bot.texts.reports import cli as cli_texts
from bot.texts.reports.files import build_files
from bot.texts.reports.periods import PROBLEMS, bucket_label, date_range, label, why
from bot.texts.reports.summary import bad_period
from tests.reports.helpers import add

URUMQI = ZoneInfo("Asia/Urumqi")  # two hours behind Beijing time


@pytest.mark.parametrize(("period", "text", "span"), [
    (P.week_of(date(2026, 11, 18), tz=SHANGHAI), "2026年第47周（11月16日—11月22日）",
     "2026年11月16日—11月22日"),
    (P.week_of(date(2026, 12, 30), tz=SHANGHAI), "2026年第53周（12月28日—1月3日）",
     "2026年12月28日—2027年1月3日"),
    (P.month(2026, 11, tz=SHANGHAI), "2026年11月", "2026年11月1日—11月30日"),
    (P.month(2026, 1, start_day=19, tz=SHANGHAI), "2026年1月（12月19日—1月18日）",
     "2025年12月19日—2026年1月18日"),
    (P.quarter(2026, 3, tz=SHANGHAI), "2026年第三季度", "2026年7月1日—9月30日"),
    (P.halfyear(2026, 1, tz=SHANGHAI), "2026年上半年", "2026年1月1日—6月30日"),
    (P.halfyear(2026, 2, tz=SHANGHAI), "2026年下半年", "2026年7月1日—12月31日"),
    (P.year(2026, tz=SHANGHAI), "2026年", "2026年1月1日—12月31日"),
    (P.custom(date(2026, 10, 1), date(2026, 10, 31), tz=SHANGHAI),
     "2026年10月1日—2026年10月31日", "2026年10月1日—10月31日"),
])
def test_period_labels_and_ranges(period: P.Period, text: str, span: str):
    assert label(period) == text and date_range(period) == span


def test_bucket_labels_for_days_and_assessment_months():
    week = P.week_of(date(2026, 11, 18), tz=SHANGHAI)
    assert [bucket_label(k) for k, _, _ in week.buckets()][:2] == ["11/16", "11/17"]
    year = P.year(2026, start_day=19, tz=SHANGHAI)
    assert [bucket_label(k) for k, _, _ in year.buckets()][:2] == ["26年1月", "26年2月"]


def test_every_refusal_has_a_sentence_and_says_what_to_write():
    assert set(PROBLEMS) == set(PeriodProblem)
    now = datetime(2026, 11, 25, tzinfo=SHANGHAI)
    with pytest.raises(PeriodError) as exc:
        P.parse("month", ["2026-13"], now)
    assert exc.value.problem is PeriodProblem.bad_month and exc.value.arg == "2026-13"
    assert bad_period(exc.value, "month") == ("⚠️ “2026-13”不是有效月份，请写成 2026-11。\n"
                                              "用法：/monthly（上一考核月）或 /monthly 2026-11")
    with pytest.raises(PeriodError) as exc:
        P.parse("week", ["<b>"], now)
    assert "&lt;b&gt;" in bad_period(exc.value, "week")  # the argument is escaped
    assert cli_texts.period_error(exc.value) == "错误：“<b>”不是有效日期，请写成 2026-11-18。"
    with pytest.raises(PeriodError) as exc:
        P.parse("year", ["2030"], now)
    assert why(exc.value) == "所选时段尚未开始。"


def test_the_configured_zone_sets_period_bounds_and_times_shown(engine: Engine):
    """TIMEZONE=Asia/Urumqi: weeks start at Urumqi midnight and the files show Urumqi time."""
    # 16 Nov 01:00 in Beijing is 15 Nov 23:00 in Urumqi: the week before, there.
    add(engine, datetime(2026, 11, 16, 1, 0, tzinfo=SHANGHAI))
    add(engine, datetime(2026, 11, 16, 3, 0, tzinfo=SHANGHAI))  # 01:00 in Urumqi: this week
    clock = MovableClock(datetime(2026, 11, 25, 10, 0, tzinfo=URUMQI), tz=URUMQI)
    svc = ReportService(engine, clock, ReportConfig.load())
    assert svc.tz is URUMQI
    period = svc.period("week", [])
    assert period.start == datetime(2026, 11, 16, tzinfo=URUMQI)
    files = build_files(svc, period)
    assert files.figures.counts.total == 1 and files.figures.prev_total == 1
    wb = load_workbook(io.BytesIO(files.xlsx or b""), read_only=True)
    rows = list(wb["工单清单"].iter_rows(values_only=True))
    assert rows[1][1] == datetime(2026, 11, 16, 1, 0)  # received at 03:00 Beijing time
    wb.close()
