"""Text for shift swaps: the offer in the duty group, the managers' question, the decision
and expiry, and what the two people involved are told; with the swap buttons (``sw1:``).

Swap texts carry no citizen data, so every audience reads the same words.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.callbackdata.codec import encode
from bot.callbackdata.kinds import NO, OK, TAKE, SwapPick, SwapPress
from bot.services.outbox.store import Buttons
from bot.services.roster.notes import (
    SwapApproved,
    SwapAsk,
    SwapDecided,
    SwapExpired,
    SwapOffered,
    SwapRejected,
)
from bot.services.timefmt import fmt_dt
from bot.texts.audience import Audience, Rendered, Renderer
from bot.texts.escape import escape
from bot.texts.roster import shift_hours, shift_label

if TYPE_CHECKING:
    from bot.services.roster.model import Slot, SwapView

SWAP_NONE = "你在近 14 天内没有尚未开始的班次，无法换班。"
SWAP_PICK = "请选择要换出的班次（发到值班群，由同事接班、项目经理批准）："
SWAP_NO_GROUP = "未配置值班群，无法发起换班。"
SWAP_POSTED = "✅ 已在值班群发布换班：{shift}。有人接班并经项目经理批准后会通知你。"
SWAP_TAKEN_ANSWER = "已接班，等待项目经理批准。"
SWAP_APPROVED_ANSWER = "已批准换班。"
SWAP_REJECTED_ANSWER = "已驳回换班。"
BTN_TAKE, BTN_APPROVE, BTN_REJECT = "接班", "批准", "驳回"
MAX_PICK = 10


def pick_buttons(mine: Sequence[Slot]) -> Buttons:
    """/swap: one button per coming shift, ``11-26 夜班 20:00–次日08:00``
    (``sw1:pk:<yyyymmdd>:<shift no>``)."""
    return [[(f"{sl.instance.date:%m-%d} {sl.instance.name} {shift_hours(sl.instance.shift)}",
              encode(SwapPick(sl.instance.date, sl.instance.shift.order)))]
            for sl in mine[:MAX_PICK]]


def swap_posted(v: SwapView, now: datetime) -> str:
    return SWAP_POSTED.format(shift=shift_label(v.instance, now))


def swap_offer(v: SwapView, now: datetime) -> str:
    return (f"🔄 <b>换班</b>：{escape(v.from_name)} 的 {shift_label(v.instance, now)} "
            "需要人接班。\n"
            f"可接班的同事请点“接班”，经项目经理批准后生效。截止 {fmt_dt(v.expires_at, now)}。")


def swap_taken(v: SwapView, now: datetime) -> str:
    return (f"🔄 <b>换班</b>：{escape(v.from_name)} 的 {shift_label(v.instance, now)}\n"
            f"{escape(v.taker_name or '')} 已接班，等待项目经理批准。")


def swap_ask_manager(v: SwapView, now: datetime) -> str:
    return (f"🔄 换班待批准：{shift_label(v.instance, now)}\n"
            f"{escape(v.from_name)} → {escape(v.taker_name or '')}")


def swap_approved(v: SwapView, now: datetime) -> str:
    return (f"✅ <b>换班已批准</b>：{shift_label(v.instance, now)}\n"
            f"{escape(v.from_name)} → {escape(v.taker_name or '')}，排班已更新。")


def swap_rejected(v: SwapView, now: datetime) -> str:
    return (f"❌ <b>换班已驳回</b>：{escape(v.from_name)} 的 {shift_label(v.instance, now)}，"
            "排班不变。")


def swap_approved_private(v: SwapView, now: datetime, *, taker: bool) -> str:
    if taker:
        return f"📅 换班已批准：你接替 {escape(v.from_name)} 值 {shift_label(v.instance, now)}。"
    return (f"📅 换班已批准：你的 {shift_label(v.instance, now)} 由 "
            f"{escape(v.taker_name or '')} 接替。")


def swap_rejected_private(v: SwapView, now: datetime) -> str:
    return f"换班被驳回：{shift_label(v.instance, now)} 仍由 {escape(v.from_name)} 值班。"


def swap_expired(v: SwapView) -> str:
    return (f"⌛ <b>换班已过期</b>：{escape(v.from_name)} 的 {shift_label(v.instance)}，"
            "无人完成接班/批准，排班不变。")


def swap_expired_private(v: SwapView) -> str:
    return f"⌛ 你的换班申请已过期：{shift_label(v.instance)} 仍由你值班。"


def swap_decided(v: SwapView, now: datetime, *, approved: bool) -> str:
    return swap_approved(v, now) if approved else swap_rejected(v, now)


def decision_answer(*, approved: bool) -> str:
    return SWAP_APPROVED_ANSWER if approved else SWAP_REJECTED_ANSWER


# --------------------------------------------------------------------------- notes


def _offered(n: SwapOffered, audience: Audience) -> Rendered:
    return Rendered(swap_offer(n.swap, n.now), [[(BTN_TAKE, encode(SwapPress(TAKE, n.swap.id)))]])


def _ask(n: SwapAsk, audience: Audience) -> Rendered:
    return Rendered(swap_ask_manager(n.swap, n.now),
                    [[(BTN_APPROVE, encode(SwapPress(OK, n.swap.id))),
                      (BTN_REJECT, encode(SwapPress(NO, n.swap.id)))]])


def _decided(n: SwapDecided, audience: Audience) -> Rendered:
    return Rendered(swap_decided(n.swap, n.now, approved=n.approved))


def _approved(n: SwapApproved, audience: Audience) -> Rendered:
    return Rendered(swap_approved_private(n.swap, n.now, taker=n.taker))


def _rejected(n: SwapRejected, audience: Audience) -> Rendered:
    return Rendered(swap_rejected_private(n.swap, n.now))


def _expired(n: SwapExpired, audience: Audience) -> Rendered:
    return Rendered(swap_expired_private(n.swap) if n.to_offerer else swap_expired(n.swap))


#: note class → renderer, merged into bot.texts.render's table
RENDERERS: dict[type[Any], Renderer] = {
    SwapOffered: _offered, SwapAsk: _ask, SwapDecided: _decided, SwapApproved: _approved,
    SwapRejected: _rejected, SwapExpired: _expired,
}
