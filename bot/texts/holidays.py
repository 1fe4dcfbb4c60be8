"""Text for the working-day calendar: the managers' import reminder, `/holidays`, the
`python -m bot holidays` command line and the holidays file's problems.

Bot messages are HTML (everything from a file or the database escaped); the command line and
the file problems are plain text for an operator, in Chinese and English because the file's
keys are English.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from bot.services.calendar.days import DayInfo
from bot.services.calendar.errors import CalendarFileError
from bot.services.calendar.importing import ImportReport, YearWarning
from bot.services.outbox.notes import Note
from bot.services.reminders.notes import HolidaysMissing
from bot.services.timefmt import fmt_date
from bot.texts.audience import Audience, Rendered, Renderer
from bot.texts.escape import escape
from bot.texts.reminders import PROVISIONAL

HOLIDAYS_USAGE = "用法：/holidays [天数]，例如 /holidays 或 /holidays 60（1–120 天）。"


def render_holidays_missing(note: HolidaysMissing, audience: Audience) -> Rendered:
    """To the managers: import the official schedule of the coming years."""
    ys = "、".join(f"{y} 年" for y in note.years)
    extra = f"目前有 {note.provisional} 件在办工单的时限为暂定。" if note.provisional else ""
    return Rendered(
        f"📅 <b>请导入 {ys}节假日安排</b>\n"
        f"机器人还没有 {ys}的放假和调休数据，这些日期暂按周末和固定日期节日（元旦、劳动节、"
        f"国庆节）计算，春节等农历假日和调休上班日都未计入，相关时限标为“暂定”。{extra}\n"
        "国务院办公厅通知发布后，请在服务器上运行：\n"
        f"<code>python -m bot holidays import 文件.yaml</code>（写入 {escape(note.store)}，"
        "机器人会自动读取）。发送 /holidays 查看近期安排。")


#: note class → renderer, merged into bot.texts.render's table
RENDERERS: dict[type[Note], Renderer] = {HolidaysMissing: render_holidays_missing}


# --------------------------------------------------------------------------- /holidays


def _day_line(info: DayInfo, now: datetime | date) -> str:
    prov = PROVISIONAL if info.provisional else ""
    name = f" {escape(info.holiday_name)}" if info.holiday_name else ""
    if info.kind == "makeup_workday":
        return f"· {fmt_date(info.date, now)} 调休上班{name}{prov}"
    if info.kind == "holiday":
        return f"· {fmt_date(info.date, now)} 放假{name}{prov}"
    return f"· {fmt_date(info.date, now)} 周末休息{prov}"


def holidays_view(days: Sequence[DayInfo], uncovered: Sequence[int], *, now: datetime,
                  span: int) -> str:
    """The coming weeks as the bot counts them: days off and make-up working days."""
    today = now.date()
    out = [f"📅 <b>未来 {span} 天的节假日安排</b>（{fmt_date(today, now)} 起）"]
    special = [d for d in days if d.kind in ("holiday", "makeup_workday")]
    weekends = [d for d in days if d.kind == "weekend"]
    if special:
        out.append("<b>节假日与调休</b>")
        out += [_day_line(d, now) for d in special]
    else:
        out.append("这段时间没有法定节假日或调休上班日。")
    out.append(f"其余周末 {len(weekends)} 天按休息日计算。")
    if any(d.provisional for d in days):
        out.append("“暂定”表示该年节假日安排尚未导入，按周末和固定日期节日推算。")
    if uncovered:
        ys = "、".join(f"{y} 年" for y in uncovered)
        out.append(f"⚠️ 尚未导入 {ys}的正式节假日安排，相关时限为暂定。项目经理可在服务器上运行 "
                   "<code>python -m bot holidays import 文件</code> 导入。")
    else:
        out.append("✅ 未来 60 天的节假日安排均已掌握。")
    return "\n".join(out)


# --------------------------------------------------------------------------- CLI (plain text)

#: The comment lines `holidays import` writes at the top of the store.
STORE_HEADER = """\
# 节假日覆盖文件 / holiday override store.
# Written by `python -m bot holidays import FILE`; safe to edit by hand (see docs/deadlines.md).
#   years: 声明某年已按国务院办公厅通知完整录入 (complete: true + source)。
#   days:  每条一个日期；kind: holiday（放假）或 workday（调休上班）。
"""

_YEAR_WARNINGS = {
    "incomplete": "{year} 年未声明 complete: true，未列出的日期仍按暂定日历计算 / {year} is not "
                  "declared complete; unlisted days stay provisional where the package lacks data",
    "no_holidays": "{year} 年声明为完整但没有任何放假日期，请核对 / {year} is declared complete "
                   "but lists no holidays; please check",
}


def year_warning(w: YearWarning) -> str:
    return _YEAR_WARNINGS[w.problem].format(year=w.year)


def import_report_text(report: ImportReport) -> str:
    lines = [
        f"已写入 {report.store}",
        f"年份: {', '.join(str(y) for y in report.years)}"
        + (f"（完整: {', '.join(str(y) for y in report.complete_years)}）"
           if report.complete_years else "（无完整年份）"),
        f"新增 {report.added} 条, 替换 {report.replaced} 条, 删除 {report.removed} 条",
    ]
    lines += [f"注意: {year_warning(w)}" for w in report.warnings]
    lines.append("运行中的机器人会在下一次检查时自动读取新文件（约一分钟内）。")
    return "\n".join(lines)


def show_text(days: Sequence[DayInfo], uncovered: Sequence[int], *, today: date) -> str:
    kinds = {"holiday": "放假", "makeup_workday": "调休上班", "weekend": "周末",
             "workday": "工作日"}
    out = [f"{today.isoformat()} 起 {len(days)} 天（source: override/package/fallback）:"]
    for d in days:
        if d.kind == "workday":
            continue
        name = f" {d.holiday_name}" if d.holiday_name else ""
        prov = " 暂定" if d.provisional else ""
        out.append(f"  {d.date.isoformat()} 周{'一二三四五六日'[d.date.weekday()]} "
                   f"{kinds[d.kind]}{name} [{d.source}]{prov}")
    if uncovered:
        out.append("未导入正式安排的年份（按暂定日历计算）: "
                   + ", ".join(str(y) for y in uncovered))
    else:
        out.append("未来 60 天均有正式安排。")
    return "\n".join(out)


# --------------------------------------------------------------------------- file problems

_ENTRY = "days 第 {entry} 项 / days entry #{entry}"
_FILE_PROBLEMS = {
    "bad_date": "date 格式应为 YYYY-MM-DD 的有效日期 / date must be a valid YYYY-MM-DD, got {got}",
    "date_has_time": "date 只能是日期，不能带时间 / date must not have a time: {text}",
    "bad_year": "年份无效 / invalid year: {key!r}",
    "complete_not_bool": "years.{year}.complete 应为 true/false / must be true or false, "
                         "got {value}",
    "source_not_text": "years.{year}.source 应为文字 / must be text, got {value}",
    "year_unknown_field": "years.{year} 中有未知字段 {field!r}（可用：complete, source）/ "
                          "unknown field {field!r} (allowed: complete, source)",
    "year_needs_source": "years.{year}: 声明 complete: true 时须注明 source（发文字号）/ "
                         "a complete year needs a source (the official notice)",
    "day_unknown_fields": _ENTRY + ": 未知字段 {fields}（可用：date, kind, name）/ unknown "
                                   "fields {fields} (allowed: date, kind, name)",
    "day_missing": _ENTRY + ": 缺少 {field} / missing {field}",
    "bad_kind": _ENTRY + ": kind 必须是 holiday 或 workday / kind must be 'holiday' or "
                         "'workday', got {kind}",
    "name_not_text": _ENTRY + ": name 应为文字 / name must be text, got {name}",
    "holiday_needs_name": _ENTRY + ": 假日须写 name（如 元旦）/ a holiday needs a name "
                                   "(e.g. 元旦)",
    "day_not_mapping": _ENTRY + " 应为映射 / " + _ENTRY + " must be a mapping",
    "duplicate_date": "日期 {date} 重复（首次出现在第 {first_line} 行）/ duplicate date {date} "
                      "(first on line {first_line})",
    "unknown_top_key": "顶层未知字段 {key!r}（可用：years, days）/ unknown top-level key "
                       "{key!r} (allowed: years, days)",
    "top_not_mapping": "文件顶层应为映射（years/days）/ top level must be a mapping",
    "not_a_mapping": "{what} 应为映射 / {what} must be a mapping",
    "not_a_list": "{what} 应为列表 / {what} must be a list",
    "no_years": "文件中没有任何年份或日期 / the file has no years or dates",
    "no_workday": "{date} 之后 {days} 天内没有工作日，请检查节假日文件 / no working day within "
                  "{days} days after {date}; check the holidays file",
    "invalid": "{detail}",
}


def calendar_file_error(exc: CalendarFileError) -> str:
    """A holidays file problem for an operator: file, line and what to fix, in both languages.
    Problems of the YAML reader itself (no code) are already worded."""
    template = _FILE_PROBLEMS.get(exc.code)
    if template is None:
        return str(exc)
    where = str(exc).removesuffix(exc.detail)
    return where + template.format(**exc.fields)


def cli_file_error(exc: CalendarFileError) -> str:
    """The one line `python -m bot holidays …` prints for a bad file."""
    return "节假日文件错误: " + " ".join(calendar_file_error(exc).split())
