"""Text for reminders, the 21:00 sweep, the due-today digest and the reminder buttons.

HTML parse mode; everything from the database is escaped. The notes carry no citizen's name
or phone (the platform number, category and unit are enough to find the ticket), so every
audience — a handler, a shift lead, the duty group — reads the same words.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.callbackdata.codec import encode
from bot.callbackdata.kinds import ReminderDone, ReminderSnooze
from bot.services.outbox.notes import Note
from bot.services.reminders.notes import (
    DigestItem,
    DueToday,
    OvernightList,
    ReminderItem,
    RemindersDue,
)
from bot.services.reminders.records import ReminderError
from bot.services.timefmt import fmt_date, fmt_dt, time_left
from bot.texts.audience import Audience, Rendered, Renderer
from bot.texts.escape import escape

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

_ERRORS = {
    "bad_kind": "提醒类型无效。",
    "no_ticket": "工单不存在。",
    "stage_done": "这一环节已完成，无需再提醒。",
    "empty_note": "请简要写明做了什么处理。",
    "note_too_long": "内容太长（最多 {limit} 字），请简要说明。",
}


def reminder_error(exc: ReminderError) -> str:
    """A refused snooze or 已处理 note, in words (plain text, no markup)."""
    return _ERRORS[exc.code].format(**exc.fields)


def snoozed(until: datetime, now: datetime) -> str:
    return SNOOZED.format(until=fmt_dt(until, now))


# --------------------------------------------------------------------------- reminders


def _ticket_head(line: ReminderItem) -> str:
    mark = URGENCY_MARK.get(line.urgency, "")
    return (f"{mark}<code>{escape(line.platform_no)}</code> {escape(line.status)} · "
            f"{escape(line.category)} · {escape(line.unit)}")


def _deadline_text(line: ReminderItem, now: datetime) -> str:
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


def _buttons(lines: Sequence[ReminderItem]) -> list[list[tuple[str, str]]]:
    """`已处理` and `1小时后提醒` per item (numbered when there are several)."""
    if len(lines) == 1:
        line = lines[0]
        return [[(BTN_DONE, encode(ReminderDone(line.ticket_id))),
                 (BTN_SNOOZE, encode(ReminderSnooze(line.ticket_id, line.kind)))]]
    return [[(f"{BTN_DONE} #{i}", encode(ReminderDone(line.ticket_id))),
             (f"{BTN_SNOOZE} #{i}", encode(ReminderSnooze(line.ticket_id, line.kind)))]
            for i, line in enumerate(lines[:MAX_BUTTON_ITEMS], 1)]


def render_reminders(note: RemindersDue, audience: Audience) -> Rendered:
    """One message for everything one person is reminded of at once, with its buttons."""
    lines, now = note.items, note.at
    if len(lines) == 1:
        line = lines[0]
        head = "<b>超时提醒</b>" if line.lead < 0 else "<b>时限提醒</b>"
        text = (f"{head}\n{_ticket_head(line)}\n{_deadline_text(line, now)}\n"
                f"查看工单：/t {escape(line.platform_no)}")
        return Rendered(text, _buttons(lines))
    overdue = sum(1 for x in lines if x.lead < 0)
    head = f"<b>时限提醒：{len(lines)} 项</b>" + (f"（其中超时 {overdue} 项）" if overdue else "")
    body = [f"{i}. {_ticket_head(line)}\n   {_deadline_text(line, now)}"
            for i, line in enumerate(lines, 1)]
    text = head + "\n" + "\n".join(body) + "\n用 /t 工单编号 查看并办理。"
    return Rendered(text, _buttons(lines))


# --------------------------------------------------------------------------- 21:00 sweep


def render_overnight(note: OvernightList, audience: Audience) -> Rendered:
    """The 21:00 案件不过夜 list: signed but not dispatched."""
    now = note.at
    head = (f"🌙 <b>案件不过夜</b>：截至 {note.sweep_at:%H:%M}，以下 {note.total} 件工单已签收"
            "但尚未派发，请今晚派发：")
    body = []
    for i, x in enumerate(note.items, 1):
        signed = f"，{fmt_dt(x.signed_at, now)} 签收" if x.signed_at else ""
        who = f"，经办：{escape(x.handler)}" if x.handler else ""
        mark = URGENCY_MARK.get(x.urgency, "")
        body.append(f"{i}. {mark}<code>{escape(x.platform_no)}</code> {escape(x.status)}"
                    f" · {escape(x.category)} · {escape(x.unit)}{signed}{who}")
    if note.total > len(note.items):
        body.append(f"……另有 {note.total - len(note.items)} 件，发送 /open 查看。")
    return Rendered(head + "\n" + "\n".join(body))


# --------------------------------------------------------------------------- morning digest


def _digest_line(x: DigestItem, now: datetime) -> str:
    prov = PROVISIONAL if x.provisional else ""
    mark = URGENCY_MARK.get(x.urgency, "")
    return (f"· {mark}<code>{escape(x.platform_no)}</code> {KIND_LABELS.get(x.kind, x.kind)} "
            f"{fmt_dt(x.due_at, now)}{prov}（{time_left(x.due_at, now)}）· {escape(x.category)} · "
            f"{escape(x.unit)}")


def render_digest(note: DueToday, audience: Audience) -> Rendered:
    """The duty group's morning list of what falls due today (no citizens' data)."""
    now = note.at
    head = f"⏰ <b>今日时限提醒</b>（{fmt_date(note.day, now)}，各环节时限）"
    if not note.today_total and not note.overdue_total:
        return Rendered(head + "\n今天没有到期的工单，也没有超时工单。")
    out = [head]
    if note.overdue_total:
        out.append(f"<b>已超时 {note.overdue_total} 项</b>")
        out += [_digest_line(x, now) for x in note.overdue]
    if note.today_total:
        out.append(f"<b>今天到期 {note.today_total} 项</b>")
        out += [_digest_line(x, now) for x in note.today]
    rest = note.today_total + note.overdue_total - len(note.today) - len(note.overdue)
    if rest > 0:
        out.append(f"……另有 {rest} 项，发送 /overdue 或 /open 查看。")
    return Rendered("\n".join(out))


#: note class → renderer, merged into bot.texts.render's table
RENDERERS: dict[type[Note], Renderer] = {
    RemindersDue: render_reminders,
    OvernightList: render_overnight,
    DueToday: render_digest,
}
