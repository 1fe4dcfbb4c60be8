"""Text for the roster, /duty, /roster_set, /special, /handover notes and swaps.

HTML; every value from the database or a user goes through ``html.escape``. The daily post,
the handover and the gap report are in ``bot.texts.daily``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from html import escape
from typing import TYPE_CHECKING

from bot.services.timefmt import fmt_date, fmt_dt
from bot.texts.audience import Renderer

#: note class → renderer, merged into bot.texts.render's table
RENDERERS: dict[type, Renderer] = {}

if TYPE_CHECKING:
    from bot.services.roster.model import (
        DutyMember,
        ImportResult,
        RosterImportError,
        Slot,
        SwapView,
    )
    from bot.services.roster.shifts import ShiftInstance

NOBODY = "⚠️ 未排班"

DUTY_HEAD = "<b>当前值班</b>"
DUTY_NEXT = "<b>下一班</b>"
DUTY_NONE = "当前不在任何班次内。"
ROSTER_USAGE = "用法：/roster（本周）或 /roster next（下周）"
ROSTER_SET_USAGE = ("用法：/roster_set &lt;日期&gt; &lt;班次&gt; &lt;姓名…&gt;\n"
                    "例如 /roster_set 2026-11-26 夜班 张值班:带班 李值班\n"
                    "姓名后加 :带班 表示带班；写“无”清空该班次。")
SPECIAL_USAGE = ("用法：/special &lt;起始日期&gt; &lt;结束日期&gt; &lt;名称&gt;\n"
                 "例如 /special 2026-11-05 2026-11-10 重大任务：进博会保障\n"
                 "/special 查看；/special del &lt;编号&gt; 删除。")
SPECIAL_NONE = "近期没有特殊时段。"
HANDOVER_USAGE = "用法：/handover &lt;交接事项&gt;，例如 /handover 朝阳医院的反馈明早九点前要催。"
DAILY_USAGE = "用法：/daily 或 /daily &lt;日期&gt;，例如 /daily 2026-11-25"
DAILY_FUTURE = "日报只能查看今天或以前的日期。"
SWAP_NONE = "你在近 14 天内没有尚未开始的班次，无法换班。"
SWAP_PICK = "请选择要换出的班次（发到值班群，由同事接班、项目经理批准）："
SWAP_NO_GROUP = "未配置值班群，无法发起换班。"
SWAP_POSTED = "✅ 已在值班群发布换班：{shift}。有人接班并经项目经理批准后会通知你。"
SWAP_TAKEN_ANSWER = "已接班，等待项目经理批准。"
SWAP_APPROVED_ANSWER = "已批准换班。"
SWAP_REJECTED_ANSWER = "已驳回换班。"
BTN_TAKE, BTN_APPROVE, BTN_REJECT = "接班", "批准", "驳回"
IMPORT_USAGE = ("用法：python -m bot roster import FILE"
                "（.csv 或 .xlsx，表头 date,shift,staff,role）")


def _shift(inst: ShiftInstance, now: datetime | date | None = None) -> str:
    return f"{fmt_date(inst.date, now)} {escape(inst.name)} {inst.shift.hours}"


def shift_label(inst: ShiftInstance, now: datetime | date | None = None) -> str:
    return _shift(inst, now)


def people(members: Sequence[DutyMember]) -> str:
    if not members:
        return NOBODY
    return "、".join(escape(m.name) + (f"（{escape(m.role)}）" if m.role else "")
                    for m in members)


def slot_block(slot: Slot, now: datetime, *, with_day: bool = True) -> list[str]:
    lines = [_shift(slot.instance, now) + (f" · {escape(slot.day.label)}" if with_day else "")]
    lead = slot.lead
    lines.append(f"带班：{escape(lead.name)}" if lead else "带班：未指定")
    lines.append(f"值班：{people(slot.members)}")
    return lines


def render_duty(current: Slot | None, nxt: Slot, now: datetime) -> str:
    lines = [DUTY_HEAD]
    lines += slot_block(current, now) if current else [DUTY_NONE]
    lines += ["", DUTY_NEXT, *slot_block(nxt, now)]
    return "\n".join(lines)


def render_week(slots: Sequence[Slot], title: str, now: datetime) -> str:
    lines = [f"<b>{escape(title)}</b>"]
    current_day: date | None = None
    for sl in slots:
        if sl.instance.date != current_day:
            current_day = sl.instance.date
            lines.append(f"\n<b>{fmt_date(current_day, now)}</b> {escape(sl.day.label)}")
        lines.append(f"  {escape(sl.instance.name)} {sl.instance.shift.hours}："
                     f"{people(sl.members)}")
    return "\n".join(lines)


def roster_set_done(slot: Slot, now: datetime) -> str:
    return "✅ 已更新排班：\n" + "\n".join(slot_block(slot, now))


def roster_changed_private(slot: Slot, added: bool, now: datetime) -> str:
    what = "安排你值班" if added else "将你调出"
    return f"📅 排班变更：项目经理{what}：{_shift(slot.instance, now)}。发送 /duty 查看。"


def specials_list(rows: Sequence[tuple[int, date, date, str]], now: datetime) -> str:
    if not rows:
        return SPECIAL_NONE
    lines = ["<b>特殊时段（节假日专班）</b>"]
    lines += [f"#{i} {fmt_date(a, now)} 至 {fmt_date(b, now)}：{escape(name)}"
              for i, a, b, name in rows]
    return "\n".join(lines)


def special_done(special_id: int, start: date, end: date, name: str, now: datetime) -> str:
    return (f"✅ 已设特殊时段 #{special_id}：{fmt_date(start, now)} 至 {fmt_date(end, now)} "
            f"{escape(name)}，期间由节假日专班值守。")


def handover_noted(inst: ShiftInstance, now: datetime) -> str:
    return f"✅ 已记录交接事项，{_shift(inst, now)} 交班时发给下一班。"


def import_done(r: ImportResult) -> str:
    return (f"已导入 {r.rows} 条排班（{r.slots} 个班次，{r.dates[0]} 至 {r.dates[1]}），"
            f"替换原有 {r.replaced} 条。")


def import_refused(err: RosterImportError) -> str:
    return "导入被拒绝，整个文件未导入（请改正后重新导入）：\n" + str(err)


# --------------------------------------------------------------------------- swaps


def swap_offer(v: SwapView, now: datetime) -> str:
    return (f"🔄 <b>换班</b>：{escape(v.from_name)} 的 {_shift(v.instance, now)} 需要人接班。\n"
            f"可接班的同事请点“接班”，经项目经理批准后生效。截止 {fmt_dt(v.expires_at, now)}。")


def swap_taken(v: SwapView, now: datetime) -> str:
    return (f"🔄 <b>换班</b>：{escape(v.from_name)} 的 {_shift(v.instance, now)}\n"
            f"{escape(v.taker_name or '')} 已接班，等待项目经理批准。")


def swap_ask_manager(v: SwapView, now: datetime) -> str:
    return (f"🔄 换班待批准：{_shift(v.instance, now)}\n"
            f"{escape(v.from_name)} → {escape(v.taker_name or '')}")


def swap_approved(v: SwapView, now: datetime) -> str:
    return (f"✅ <b>换班已批准</b>：{_shift(v.instance, now)}\n"
            f"{escape(v.from_name)} → {escape(v.taker_name or '')}，排班已更新。")


def swap_rejected(v: SwapView, now: datetime) -> str:
    return (f"❌ <b>换班已驳回</b>：{escape(v.from_name)} 的 {_shift(v.instance, now)}，"
            "排班不变。")


def swap_approved_private(v: SwapView, now: datetime, *, taker: bool) -> str:
    if taker:
        return f"📅 换班已批准：你接替 {escape(v.from_name)} 值 {_shift(v.instance, now)}。"
    return f"📅 换班已批准：你的 {_shift(v.instance, now)} 由 {escape(v.taker_name or '')} 接替。"


def swap_rejected_private(v: SwapView, now: datetime) -> str:
    return f"换班被驳回：{_shift(v.instance, now)} 仍由 {escape(v.from_name)} 值班。"


def swap_expired(v: SwapView) -> str:
    return (f"⌛ <b>换班已过期</b>：{escape(v.from_name)} 的 {_shift(v.instance)}，"
            "无人完成接班/批准，排班不变。")


def swap_expired_private(v: SwapView) -> str:
    return f"⌛ 你的换班申请已过期：{_shift(v.instance)} 仍由你值班。"
