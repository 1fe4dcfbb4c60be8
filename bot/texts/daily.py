"""Text for the daily post (值班日报), the shift handover (交接班) and the gap report.

HTML; every value from the database goes through ``escape`` (``bot.texts.escape``). The
notes carry the tickets' content unmasked; :func:`hides_citizen` decides, from the audience
of the chat a copy goes to, whether the citizen's name and phone are masked — only the
handling staff's private chats see them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.services.masker import Secrets, mask
from bot.services.roster.notes import DailyPost, HandoverPost, RosterGaps, TicketLine
from bot.services.timefmt import fmt_date, fmt_dt
from bot.texts.audience import Audience, Rendered, Renderer
from bot.texts.escape import escape
from bot.texts.roster import day_label, people, shift_hours, shift_label

URGENCY_MARK = {"紧急": "🔴", "涉稳": "🟣", "重点": "🟠", "急": "🟡", "一般": "⚪"}
MASKED_FOOTER = "（已隐去来电人信息，详情请私聊机器人 /t 工单编号）"


def hides_citizen(audience: Audience) -> bool:
    """Whether a copy of the daily post or handover masks the citizen's name and phone.

    Leaders' private chats, groups, outside channels and logs: masked (the audience's own
    rule, ``Audience.masked``). Staff, managers and admins in private: the full excerpt.
    """
    return audience.masked


def excerpt(content: str, name: str, phone: str, *, masked: bool, limit: int = 24) -> str:
    text = " ".join((content or "").split())
    if masked:
        text = mask(text, Secrets.of([name], [phone]))
    return text[:limit] + ("…" if len(text) > limit else "")


def _counts(d: dict[str, int]) -> str:
    return "、".join(f"{escape(k)} {v}" for k, v in sorted(d.items(), key=lambda kv: -kv[1])) \
        or "无"


def _ticket(line: TicketLine, now: datetime, masked: bool, what: str) -> str:
    when = f" · {what}{fmt_dt(line.at, now)}" if line.at is not None else ""
    text = excerpt(line.content, line.citizen_name, line.phone, masked=masked)
    body = f" · {escape(text)}" if text else ""
    return (f"  {URGENCY_MARK.get(line.urgency, '')}<code>{escape(line.platform_no)}</code> "
            f"{escape(line.status)} · {escape(line.unit)}{when}{body}")


def _tickets(lines: Sequence[TicketLine], total: int, now: datetime, masked: bool,
             what: str) -> list[str]:
    """The listed tickets, then "…另有 N 件" for those not listed."""
    out = [_ticket(x, now, masked, what) for x in lines]
    return out + ([f"  …另有 {total - len(lines)} 件"] if total > len(lines) else [])


# --------------------------------------------------------------------------- daily post


def render_daily(d: DailyPost, *, masked: bool) -> str:
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
    out += _tickets(d.urgent, d.urgent_total, now, masked, "受理 ")
    if d.alerts is not None:
        a = d.alerts
        out.append(f"  紧急预警 {a.raised} 次：已确认 {a.acknowledged}，未确认 {a.unacknowledged}"
                   + (f"，升级 {a.escalated}" if a.escalated else ""))
    out += ["", f"<b>已超时未办结</b>：{d.overdue_total} 件"]
    out += _tickets(d.overdue, d.overdue_total, now, masked, "时限 ")
    out += ["", f"<b>今日到期</b>：{d.due_today_total} 件"]
    out += _tickets(d.due_today, d.due_today_total, now, masked, "时限 ")
    out += ["", "<b>夜间已签收未派发</b>："
            + (f"过夜 {d.overnight_left} 件；" if d.overnight_left is not None else "")
            + f"目前仍未派发 {d.overnight_total} 件"
            + ("" if d.overnight_total == 0 else "（案件不过夜，请尽快派发）")]
    out += _tickets(d.overnight, d.overnight_total, now, masked, "签收 ")
    if masked:
        out += ["", MASKED_FOOTER]
    return "\n".join(out)


# --------------------------------------------------------------------------- handover


def render_handover(h: HandoverPost, *, masked: bool) -> str:
    now = h.as_of
    inc = h.incoming
    out = [f"🔁 <b>交接班 · {shift_label(inc.instance, now)}</b> {escape(day_label(inc.day))}"]
    out.append(f"接班：{people(inc.members)}" + (f"（带班 {escape(inc.lead.name)}）"
                                               if inc.lead else ""))
    if h.outgoing is not None:
        out.append(f"交班：{escape(h.outgoing.instance.name)} {people(h.outgoing.members)}")
    out += ["", f"<b>在办工单</b>：{h.open_total} 件"
            + (f"（{_counts(h.open_counts)}）" if h.open_counts else "")]
    out += _tickets(h.inherited, h.open_total, now, masked, "时限 ")
    out += ["", f"<b>本班内到期</b>：{h.due_total} 件"]
    out += _tickets(h.due, h.due_total, now, masked, "时限 ")
    head = "未确认的紧急预警" if h.unacked_source == "alerts" else "未签收的紧急工单"
    out += ["", f"<b>{head}</b>：{len(h.unacked)} 件"]
    out += [f"  {escape(f'{no} {urgency}')}" for no, urgency in h.unacked]
    out += ["", f"<b>交班留言</b>：{len(h.notes)} 条"]
    out += [f"  · {escape(name)}：{escape(note)}" for name, note in h.notes]
    return "\n".join(out)


# --------------------------------------------------------------------------- gaps


def render_gaps(g: RosterGaps) -> str:
    names = "、".join(f"{escape(s.name)}（{shift_hours(s.shift)}）" for s in g.gaps)
    return (f"⚠️ <b>排班缺口</b>：明天 {fmt_date(g.day, g.now)}（{escape(day_label(g.day_class))}）"
            f"以下班次无人值班：{names}。\n请用 /roster_set 安排。")


# --------------------------------------------------------------------------- notes


def _daily(n: DailyPost, audience: Audience) -> Rendered:
    return Rendered(render_daily(n, masked=hides_citizen(audience)))


def _handover(n: HandoverPost, audience: Audience) -> Rendered:
    return Rendered(render_handover(n, masked=hides_citizen(audience)))


def _gaps(n: RosterGaps, audience: Audience) -> Rendered:
    return Rendered(render_gaps(n))


#: note class → renderer, merged into bot.texts.render's table
RENDERERS: dict[type[Any], Renderer] = {DailyPost: _daily, HandoverPost: _handover,
                                        RosterGaps: _gaps}
