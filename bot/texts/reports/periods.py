"""Words for report periods: their labels ("2026年第47周（11月16日—11月22日）"), the date range,
the trend chart's bucket labels, and why a period argument was refused."""

from __future__ import annotations

from bot.services.reports.periods import Period, PeriodError, PeriodProblem

KIND_ZH = {"week": "周报", "month": "月报", "quarter": "季报", "halfyear": "半年报",
           "year": "年报", "custom": "专题报表"}
QUARTER_ZH = "一二三四"

PROBLEMS = {
    PeriodProblem.bad_date: "“{arg}”不是有效日期，请写成 2026-11-18。",
    PeriodProblem.bad_month: "“{arg}”不是有效月份，请写成 2026-11。",
    PeriodProblem.bad_quarter: "“{arg}”不是有效季度，请写成 2026-Q3。",
    PeriodProblem.bad_halfyear: "“{arg}”不是有效半年，请写成 2026-H1 或 2026-H2。",
    PeriodProblem.bad_year: "“{arg}”不是有效年份，请写成 2026。",
    PeriodProblem.month_number: "月份应为 1–12。",
    PeriodProblem.quarter_number: "季度应为 Q1–Q4。",
    PeriodProblem.half_number: "半年应为 H1（上半年）或 H2（下半年）。",
    PeriodProblem.end_before_start: "结束日期不能早于开始日期。",
    PeriodProblem.too_long: "时间跨度不能超过三年。",
    PeriodProblem.need_two_dates: "请写明起止日期，例如 /report 2026-10-01 2026-10-31。",
    PeriodProblem.too_many_args: "参数过多。",
    PeriodProblem.not_started: "所选时段尚未开始。",
}


def why(exc: PeriodError) -> str:
    """The reason a period argument was refused, in one plain sentence (not escaped)."""
    return PROBLEMS[exc.problem].format(arg=exc.arg)


def label(p: Period) -> str:
    """The period as people name it: "2026年第47周（11月16日—11月22日）", "2026年11月"…"""
    a, b = p.first_day, p.last_day
    if p.kind == "week":
        iso_year, _, week = p.key.partition("-W")
        return f"{iso_year}年第{int(week)}周（{a.month}月{a.day}日—{b.month}月{b.day}日）"
    if p.kind == "month":
        y, m = (int(x) for x in p.key.split("-"))
        text = f"{y}年{m}月"
        if p.start_day != 1:
            text += f"（{a.month}月{a.day}日—{b.month}月{b.day}日）"
        return text
    if p.kind == "quarter":
        return f"{p.key[:4]}年第{QUARTER_ZH[int(p.key[-1]) - 1]}季度"
    if p.kind == "halfyear":
        return f"{p.key[:4]}年{'上' if p.key[-1] == '1' else '下'}半年"
    if p.kind == "year":
        return f"{p.key}年"
    return f"{a.year}年{a.month}月{a.day}日—{b.year}年{b.month}月{b.day}日"


def date_range(p: Period) -> str:
    """First to last day, both included: "2026年11月16日—11月22日"."""
    a, b = p.first_day, p.last_day
    if a.year == b.year:
        return f"{a.year}年{a.month}月{a.day}日—{b.month}月{b.day}日"
    return f"{a.year}年{a.month}月{a.day}日—{b.year}年{b.month}月{b.day}日"


def bucket_label(key: str) -> str:
    """A trend-chart bucket: a day "2026-11-16" → "11/16", a month "2026-11" → "26年11月"."""
    parts = [int(x) for x in key.split("-")]
    if len(parts) == 3:
        return f"{parts[1]}/{parts[2]}"
    return f"{parts[0] % 100:02d}年{parts[1]}月"
