"""Text for shift swaps: the offer in the duty group, the managers' question, the decision
and expiry, and what the two people involved are told."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import TYPE_CHECKING

from bot.services.timefmt import fmt_dt
from bot.texts.roster import _shift

if TYPE_CHECKING:
    from bot.services.roster.model import SwapView


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
