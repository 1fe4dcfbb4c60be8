"""Text for the daily post (值班日报), the shift handover (交接班) and the gap report.

HTML; every value from the database or a user goes through ``html.escape``. Group texts are
built with ``masked=True`` upstream: they carry no citizen name or phone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from html import escape
from typing import TYPE_CHECKING

from bot.services.privacy import mask_text
from bot.services.timefmt import fmt_date, fmt_dt
from bot.texts.roster import _shift, day_label, people, shift_hours

if TYPE_CHECKING:
    from bot.services.roster.digest import DailyData, HandoverData, TicketLine
    from bot.services.roster.shifts import DayClass, ShiftInstance

URGENCY_MARK = {"紧急": "🔴", "涉稳": "🟣", "重点": "🟠", "急": "🟡", "一般": "⚪"}


def excerpt(content: str, name: str, phone: str, *, masked: bool, limit: int = 24) -> str:
    text = " ".join((content or "").split())
    if masked:
        text = mask_text(text, names=[name], phones=[phone])
    return text[:limit] + ("…" if len(text) > limit else "")


def _counts(d: dict[str, int]) -> str:
    return "、".join(f"{escape(k)} {v}" for k, v in sorted(d.items(), key=lambda kv: -kv[1])) \
        or "无"


def _ticket(line: TicketLine, now: datetime, *, what: str = "") -> str:
    when = f" · {what}{fmt_dt(line.at, now)}" if line.at is not None else ""
    body = f" · {escape(line.excerpt)}" if line.excerpt else ""
    return (f"  {URGENCY_MARK.get(line.urgency, '')}<code>{escape(line.platform_no)}</code> "
            f"{escape(line.status)} · {escape(line.unit)}{when}{body}")


def _more(total: int, shown: int) -> list[str]:
    return [f"  …另有 {total - shown} 件"] if total > shown else []


def render_daily(d: DailyData, *, masked: bool) -> str:
    now = d.as_of
    label = day_label(d.slots[0].day) if d.slots else ""
    out = [f"📋 <b>值班日报 · {fmt_date(d.day, now)}</b> {escape(label)}", "",
           "<b>今日值班</b>"]
    for sl in d.slots:
        out.append(f"  {escape(sl.instance.name)} {shift_hours(sl.instance.shift)}："
                   f"{people(sl.members)}")
    out += ["", "<b>昨日受理</b>",
            f"  新受理 {d.intake_total} 件；派发 {d.dispatched} 件；办结 {d.closed} 件",
            f"  按类型：{_counts(d.by_type)}", f"  按紧急程度：{_counts(d.by_urgency)}"]
    out += ["", f"<b>紧急工单（昨日）</b>：{d.urgent_total} 件"]
    out += [_ticket(x, now, what="受理 ") for x in d.urgent]
    out += _more(d.urgent_total, len(d.urgent))
    if d.alerts is not None:
        a = d.alerts
        out.append(f"  紧急预警 {a.raised} 次：已确认 {a.acknowledged}，未确认 {a.unacknowledged}"
                   + (f"，升级 {a.escalated}" if a.escalated else ""))
    out += ["", f"<b>已超时未办结</b>：{d.overdue_total} 件"]
    out += [_ticket(x, now, what="时限 ") for x in d.overdue]
    out += _more(d.overdue_total, len(d.overdue))
    out += ["", f"<b>今日到期</b>：{d.due_today_total} 件"]
    out += [_ticket(x, now, what="时限 ") for x in d.due_today]
    out += _more(d.due_today_total, len(d.due_today))
    out += ["", "<b>夜间已签收未派发</b>："
            + (f"过夜 {d.overnight_left} 件；" if d.overnight_left is not None else "")
            + f"目前仍未派发 {d.overnight_total} 件"
            + ("" if d.overnight_total == 0 else "（案件不过夜，请尽快派发）")]
    out += [_ticket(x, now, what="签收 ") for x in d.overnight]
    out += _more(d.overnight_total, len(d.overnight))
    if masked:
        out += ["", "（群内已隐去来电人信息，详情请私聊机器人 /t 工单编号）"]
    return "\n".join(out)


# --------------------------------------------------------------------------- handover


def render_handover(h: HandoverData, *, as_of: datetime) -> str:
    now = as_of
    inc = h.incoming
    out = [f"🔁 <b>交接班 · {_shift(inc.instance, now)}</b> {escape(day_label(inc.day))}"]
    out.append(f"接班：{people(inc.members)}" + (f"（带班 {escape(inc.lead.name)}）"
                                               if inc.lead else ""))
    if h.outgoing is not None:
        out.append(f"交班：{escape(h.outgoing.instance.name)} {people(h.outgoing.members)}")
    out += ["", f"<b>在办工单</b>：{h.open_total} 件"
            + (f"（{_counts(h.open_counts)}）" if h.open_counts else "")]
    out += [_ticket(x, now, what="时限 ") for x in h.inherited]
    out += _more(h.open_total, len(h.inherited))
    out += ["", f"<b>本班内到期</b>：{h.due_total} 件"]
    out += [_ticket(x, now, what="时限 ") for x in h.due]
    out += _more(h.due_total, len(h.due))
    head = "未确认的紧急预警" if h.unacked_source == "alerts" else "未签收的紧急工单"
    out += ["", f"<b>{head}</b>：{len(h.unacked)} 件"]
    out += [f"  {escape(x)}" for x in h.unacked]
    out += ["", f"<b>交班留言</b>：{len(h.notes)} 条"]
    out += [f"  · {escape(name)}：{escape(note)}" for name, note in h.notes]
    return "\n".join(out)


# --------------------------------------------------------------------------- gaps


def render_gaps(day: date, gaps: Sequence[ShiftInstance], cls: DayClass, *,
                now: datetime) -> str:
    names = "、".join(f"{escape(g.name)}（{shift_hours(g.shift)}）" for g in gaps)
    return (f"⚠️ <b>排班缺口</b>：明天 {fmt_date(day, now)}（{escape(day_label(cls))}）"
            f"以下班次无人值班：{names}。\n请用 /roster_set 安排。")
