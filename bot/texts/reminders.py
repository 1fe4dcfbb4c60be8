"""Text for reminders, the 21:00 sweep, the due-today digest, /holidays and the holiday notice.

HTML parse mode; everything from the database is escaped. Reminders never carry a citizen's
name or phone: the platform number, category and unit are enough to find the ticket.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from html import escape
from typing import TYPE_CHECKING, Any

from bot.services.timefmt import fmt_date, fmt_dt, time_left
from bot.texts.audience import Renderer

#: note class → renderer, merged into bot.texts.render's table
RENDERERS: dict[type, Renderer] = {}

if TYPE_CHECKING:
    from bot.services.calendar.work import DayInfo, ImportReport
    from bot.services.reminders.records import ReminderLine
    from models.ticket import Ticket

KIND_LABELS = {"sign": "签收", "contact": "联系来电人", "feedback": "首次反馈",
               "complete": "办结反馈"}
URGENCY_MARK = {"紧急": "🔴", "涉稳": "🟣", "重点": "🟠", "急": "🟡", "一般": "⚪"}
PROVISIONAL = "（暂定）"
BTN_DONE = "已处理"
BTN_SNOOZE = "1小时后提醒"
MAX_BUTTON_ITEMS = 8

DONE_PROMPT = ("工单 <code>{no}</code>：请简要说明做了什么处理（例如：已电话催办承办单位），"
               "将记入工单办理记录。发送 /cancel 放弃。")
DONE_RECORDED = ("✅ 已记入工单 <code>{no}</code> 的办理记录。\n"
                 "如已签收、联系或办结，请在工单卡片上点对应按钮（/t {no}），提醒会随之停止。")
DONE_CANCELLED = "已取消，未记录。"
DONE_TIMEOUT = "“已处理”说明超时未填写，未记录。需要时请再点提醒上的按钮。"
SNOOZED = "好的，{until} 再提醒您一次。"
STALE = "这条提醒对应的工单已不存在。"


def _ticket_head(line: ReminderLine) -> str:
    mark = URGENCY_MARK.get(line.urgency, "")
    return (f"{mark}<code>{escape(line.platform_no)}</code> {escape(line.status)} · "
            f"{escape(line.category)} · {escape(line.unit)}")


def _deadline_text(line: ReminderLine, now: datetime) -> str:
    label = KIND_LABELS.get(line.kind, line.kind)
    prov = PROVISIONAL if line.provisional else ""
    when = fmt_dt(line.due_at, now) + prov
    left = time_left(line.due_at, now)
    if line.lead < 0:
        day = (-line.lead - 1) // (24 * 60)
        again = f"，第 {day + 1} 天" if day else ""
        who = f"（经办：{escape(line.handler_name)}）" if line.handler_name else "（未指定经办人）"
        return f"🔴 {label}已超时：时限 {when}（{left}{again}）{who}"
    if line.snoozed:
        return f"🔁 {label}时限 {when}（{left}）— 稍后提醒"
    if line.lead == 0:
        return f"⏰ {label}时限已到：{when}（{left}）"
    return f"⏰ {label}时限 {when}（{left}）"


def reminder_message(lines: Sequence[ReminderLine], *, now: datetime
                     ) -> tuple[str, list[list[tuple[str, str]]]]:
    """One message for everything one person is reminded of at once, with its buttons."""
    if len(lines) == 1:
        line = lines[0]
        head = "<b>超时提醒</b>" if line.lead < 0 else "<b>时限提醒</b>"
        text = (f"{head}\n{_ticket_head(line)}\n{_deadline_text(line, now)}\n"
                f"查看工单：/t {escape(line.platform_no)}")
        buttons = [[(BTN_DONE, f"rm1:done:{line.ticket_id}"),
                    (BTN_SNOOZE, f"rm1:snz:{line.ticket_id}:{line.kind}")]]
        return text, buttons
    overdue = sum(1 for x in lines if x.lead < 0)
    head = f"<b>时限提醒：{len(lines)} 项</b>" + (f"（其中超时 {overdue} 项）" if overdue else "")
    body = []
    for i, line in enumerate(lines, 1):
        body.append(f"{i}. {_ticket_head(line)}\n   {_deadline_text(line, now)}")
    buttons = [[(f"{BTN_DONE} #{i}", f"rm1:done:{line.ticket_id}"),
                (f"{BTN_SNOOZE} #{i}", f"rm1:snz:{line.ticket_id}:{line.kind}")]
               for i, line in enumerate(lines[:MAX_BUTTON_ITEMS], 1)]
    text = head + "\n" + "\n".join(body) + "\n用 /t 工单编号 查看并办理。"
    return text, buttons


def overnight_message(lines: Sequence[dict[str, Any]], *, now: datetime, sweep_at: time,
                      max_lines: int = 50) -> str:
    """The 21:00 案件不过夜 list: signed but not dispatched."""
    head = (f"🌙 <b>案件不过夜</b>：截至 {sweep_at:%H:%M}，以下 {len(lines)} 件工单已签收"
            "但尚未派发，请今晚派发：")
    body = []
    for i, x in enumerate(lines[:max_lines], 1):
        signed = f"，{fmt_dt(x['signed_at'], now)} 签收" if x.get("signed_at") else ""
        who = f"，经办：{escape(x['handler'])}" if x.get("handler") else ""
        mark = URGENCY_MARK.get(x["urgency"], "")
        body.append(f"{i}. {mark}<code>{escape(x['platform_no'])}</code> {escape(x['status'])}"
                    f" · {escape(x['category'])} · {escape(x['unit'])}{signed}{who}")
    if len(lines) > max_lines:
        body.append(f"……另有 {len(lines) - max_lines} 件，发送 /open 查看。")
    return head + "\n" + "\n".join(body)


def digest_message(today: Sequence[tuple[str, datetime, Ticket]],
                   overdue: Sequence[tuple[str, datetime, Ticket]], *, now: datetime,
                   max_lines: int = 40) -> str:
    """The duty group's morning list of what falls due today (no citizens' data)."""
    head = f"⏰ <b>今日时限提醒</b>（{fmt_date(now.date(), now)}，各环节时限）"
    if not today and not overdue:
        return head + "\n今天没有到期的工单，也没有超时工单。"
    out = [head]
    shown = 0

    def line(kind: str, due: datetime, t: Ticket) -> str:
        prov = PROVISIONAL if t.deadlines_provisional else ""
        mark = URGENCY_MARK.get(t.urgency, "")
        return (f"· {mark}<code>{escape(t.platform_no)}</code> {KIND_LABELS.get(kind, kind)} "
                f"{fmt_dt(due, now)}{prov}（{time_left(due, now)}）· {escape(t.category_l1)} · "
                f"{escape(t.dispatched_units or t.unit)}")

    if overdue:
        out.append(f"<b>已超时 {len(overdue)} 项</b>")
        for kind, due, t in overdue:
            if shown >= max_lines:
                break
            out.append(line(kind, due, t))
            shown += 1
    if today:
        out.append(f"<b>今天到期 {len(today)} 项</b>")
        for kind, due, t in today:
            if shown >= max_lines:
                break
            out.append(line(kind, due, t))
            shown += 1
    rest = len(today) + len(overdue) - shown
    if rest > 0:
        out.append(f"……另有 {rest} 项，发送 /overdue 或 /open 查看。")
    return "\n".join(out)


def holiday_notice(years: Sequence[int], *, provisional: int, store: str) -> str:
    ys = "、".join(f"{y} 年" for y in years)
    extra = f"目前有 {provisional} 件在办工单的时限为暂定。" if provisional else ""
    return (f"📅 <b>请导入 {ys}节假日安排</b>\n"
            f"机器人还没有 {ys}的放假和调休数据，这些日期暂按周末和固定日期节日（元旦、劳动节、"
            f"国庆节）计算，春节等农历假日和调休上班日都未计入，相关时限标为“暂定”。{extra}\n"
            "国务院办公厅通知发布后，请在服务器上运行：\n"
            f"<code>python -m bot holidays import 文件.yaml</code>（写入 {escape(store)}，"
            "机器人会自动读取）。发送 /holidays 查看近期安排。")


# --------------------------------------------------------------------------- /holidays


def _day_line(info: DayInfo, now: datetime | date) -> str:
    prov = PROVISIONAL if info.provisional else ""
    name = f" {escape(info.holiday_name)}" if info.holiday_name else ""
    if info.kind == "makeup_workday":
        return f"· {fmt_date(info.date, now)} 调休上班{name}{prov}"
    if info.kind == "holiday":
        return f"· {fmt_date(info.date, now)} 放假{name}{prov}"
    return f"· {fmt_date(info.date, now)} 周末休息{prov}"


HOLIDAYS_USAGE = "用法：/holidays [天数]，例如 /holidays 或 /holidays 60（1–120 天）。"


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


def import_report_text(report: ImportReport) -> str:
    lines = [
        f"已写入 {report.store}",
        f"年份: {', '.join(str(y) for y in report.years)}"
        + (f"（完整: {', '.join(str(y) for y in report.complete_years)}）"
           if report.complete_years else "（无完整年份）"),
        f"新增 {report.added} 条, 替换 {report.replaced} 条, 删除 {report.removed} 条",
    ]
    lines += [f"注意: {w}" for w in report.warnings]
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
