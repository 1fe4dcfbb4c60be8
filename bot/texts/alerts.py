"""Text for urgent alerts, escalation, 收到/暂缓, /urgent, /alerts and /setsection.

The alert notes (``bot.services.alerts.notes``) are rendered here for the audience of the chat
they reach. An alert never shows the citizen's phone; every copy but the handling staff's (a
leader's private chat, a group, an outside channel, a log line) also masks the citizen's name,
IDs and cards in the content and the note (and ``bot.texts.render`` masks the whole text once
more for those audiences). Everything from users or the database goes through
`escape` (`bot.texts.escape`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from bot.callbackdata.codec import encode
from bot.callbackdata.kinds import ACK, SNOOZE, AlertPress, AlertReason
from bot.services.alerts.common import AckResult, Recipient, UrgentResult
from bot.services.alerts.errors import (
    AlertEnded,
    AlertError,
    AlertGone,
    AlreadyAcked,
    LinkInvalid,
    LinkNotYours,
    MemberNotFound,
    NotARecipient,
    RaiseFailed,
    SectionUnknown,
    TicketEnded,
    TicketNotFound,
)
from bot.services.alerts.notes import (
    Acked,
    AlertAckedNotice,
    AlertAckTimeout,
    AlertEdited,
    AlertExhausted,
    AlertSent,
    AlertUndelivered,
    Closed,
    Snoozed,
)
from bot.services.masker import Secrets, mask
from bot.services.outbox.store import Buttons
from bot.services.staff.directory import Member
from bot.services.timefmt import fmt_dt, fmt_duration
from bot.texts.audience import Audience, Rendered, Renderer
from bot.texts.escape import escape
from models.alert import Alert, AlertStatus

# 收到/暂缓 pressed by someone the alert was not sent to (docs/alerts.md, "the rule")
NOT_A_RECIPIENT = "这条提醒未发给您，不能在这里确认或暂缓。发送 /alerts 可领取仍待确认的提醒。"
MARK = {"紧急": "🔴", "涉稳": "🟣", "重点": "🟠"}
CONTENT_CHARS = 120  # a one-line summary
GROUP_NAMES = {"duty_group": "值班群", "leader_group": "领导群"}
RAISER_UNKNOWN = "值班员"

BTN_ACK = "收到"
BTN_SNOOZE = "暂缓"
SNOOZE_REASONS = ("正在处理", "会议中", "稍后处理", "已电话知悉")

URGENT_USAGE = ("用法：<code>/urgent &lt;工单编号&gt; [说明]</code>\n"
                "把工单标为紧急并立即提醒领导；已是紧急/涉稳/重点的工单会重新发出提醒。")
SETSECTION_USAGE = ("用法：<code>/setsection &lt;TG号&gt; &lt;科室&gt;</code>（科室填“无”清除）\n"
                    "领导设置科室后，承办单位归口该科室的紧急案件会先提醒他。")
ALERTS_USAGE = ("用法：<code>/alerts</code> 查看未结束的紧急提醒；"
                "<code>/alerts mine</code> 查看我确认过的提醒。")


def alert_buttons(alert_id: int, *, loose: bool = False) -> Buttons:
    """收到 and 暂缓; `loose` for a message that is not an alert copy (a /t card)."""
    return [[(BTN_ACK, encode(AlertPress(ACK, alert_id, loose))),
             (BTN_SNOOZE, encode(AlertPress(SNOOZE, alert_id, loose)))]]


# ---- spans of time, in words that read naturally under a minute too ----
def _unanswered(waited: timedelta) -> str:
    """"已 10 分钟无人确认"; under a minute "仍无人确认"."""
    return f"已 {fmt_duration(waited)}无人确认" if waited >= _MINUTE else "仍无人确认"


def _took(took: timedelta) -> str:
    """"5 分钟后确认"; under a minute "1 分钟内确认"."""
    return f"{fmt_duration(took)}后确认" if took >= _MINUTE else "1 分钟内确认"


def _ago(span: timedelta) -> str:
    """"10 分钟前"; under a minute "刚刚"."""
    return f"{fmt_duration(span)}前" if span >= _MINUTE else "刚刚"


_MINUTE = timedelta(minutes=1)


def reason_buttons(alert_id: int) -> Buttons:
    """The 暂缓 reasons, two a row."""
    pairs = [(r, encode(AlertReason(alert_id, i))) for i, r in enumerate(SNOOZE_REASONS)]
    return [pairs[:2], pairs[2:]]


# ---- the alert itself ----
def _content(n: AlertSent, *, masked: bool) -> str:
    names = [n.citizen_name] if masked else []
    text = mask(n.content, Secrets.of(names, [n.phone]))  # phones never needed here
    text = " ".join(text.split())
    if len(text) > CONTENT_CHARS:
        text = text[:CONTENT_CHARS] + "…"
    return escape(text)


def _head(n: AlertSent) -> str:
    waited = _unanswered(n.waited or timedelta(0))
    if n.again:  # sent again to someone who asked for the alerts waiting for them
        return f"📌 <b>待确认：{escape(n.urgency)}案件提醒</b>"
    if n.level == 0 and n.repeat == 0:
        return f"{MARK.get(n.urgency, '🔴')} <b>{escape(n.urgency)}案件提醒</b>"
    if n.repeat == 0:
        return f"⏫ <b>升级提醒</b>：{escape(n.urgency)}案件{waited}"
    return f"🔁 <b>再次提醒</b>：{escape(n.urgency)}案件{waited}"


def alert_text(n: AlertSent, *, masked: bool, ask: Ask = "countdown") -> str:
    """One alert message. `waited`: how long nobody acknowledged (escalations and repeats);
    `then`: what follows `next_wait` without 收到 (escalate / repeat / exhausted). `ask`: the
    last line — with the countdown (as sent), without it (snoozed: escalation is held), or
    none (acknowledged or closed: there is nothing left to press)."""
    category = escape(n.category_l1) + (f"/{escape(n.category_l2)}" if n.category_l2 else "")
    lines = [
        f"{_head(n)}（第{n.level + 1}级：{escape(n.level_name)}，提醒#{n.alert_id}）",
        f"工单：<code>{escape(n.platform_no)}</code>（{escape(n.urgency)}，{escape(n.status)}）",
        f"承办单位：{escape(n.unit)}",
        f"问题分类：{category}",
        f"诉求：{_content(n, masked=masked)}",
    ]
    limits = [f"{label} {fmt_dt(at, n.now)}" for label, at in
              (("签收", n.sign_by), ("办结", n.complete_by)) if at is not None]
    if limits:
        lines.append("时限：" + " · ".join(limits))
    lines.append(f"登记：{escape(n.raiser or RAISER_UNKNOWN)} · {fmt_dt(n.raised_at, n.now)}")
    if n.note:
        note = mask(n.note, Secrets.of([n.citizen_name], [n.phone])) if masked else n.note
        lines.append(f"说明：{escape(note)}")
    if n.again:
        lines.append(f"{_ago(n.waited or timedelta(0))}发出，尚无人确认。")
    # a copy without the buttons (the duty group's notice, a duty officer) never asks for them
    please = f"请点“{BTN_ACK}”确认" if n.ackable else f"等待领导点“{BTN_ACK}”确认"
    if ask == "countdown" and n.next_wait is not None:
        lines.append(f"{please}；{fmt_duration(n.next_wait)}内无人确认将"
                     f"{THEN.get(n.then, '继续升级')}。")
    elif ask != "none":
        lines.append(f"{please}。")
    return "\n".join(lines)


Ask = Literal["countdown", "plain", "none"]


THEN = {"escalate": "继续升级", "repeat": "再次发送", "exhausted": "通知项目经理"}


def render_sent(n: AlertSent, audience: Audience) -> Rendered:
    return Rendered(alert_text(n, masked=audience.masked),
                    alert_buttons(n.alert_id) if n.ackable else None)


# ---- every copy edited: 收到, 暂缓, closed ----
def _change_line(c: Acked | Snoozed | Closed) -> str:
    if isinstance(c, Acked):
        return (f"\n\n✅ {escape(c.name)} 已于 {fmt_dt(c.at, c.at)} 收到"
                f"（{_took(c.took)}），提醒结束。")
    if isinstance(c, Snoozed):
        return (f"\n\n⏸ {escape(c.name)} 暂缓至 {fmt_dt(c.until, c.now)}（{escape(c.reason)}），"
                "届时再次提醒。")
    return f"\n\n☑️ 工单已{escape(c.status.removeprefix('已'))}，提醒结束。"


def render_edited(n: AlertEdited, audience: Audience) -> Rendered:
    ask: Ask = "plain" if isinstance(n.change, Snoozed) else "none"
    base = alert_text(n.original, masked=audience.masked, ask=ask) \
        if n.original is not None else n.legacy_text
    # 暂缓 keeps the buttons (收到 still expected) on the copies that had them; 收到 and
    # closing take them away. A copy without buttons (the duty group's) never gains them.
    had = n.ackable and (n.original is None or n.original.ackable)
    buttons = alert_buttons(n.alert_id) if isinstance(n.change, Snoozed) and had else None
    return Rendered(base + _change_line(n.change), buttons)


# ---- notices ----
def render_exhausted(n: AlertExhausted, audience: Audience) -> Rendered:
    return Rendered(f"⌛ <b>紧急提醒无人确认</b>：工单 <code>{escape(n.platform_no)}</code>"
                    f"（提醒#{n.alert_id}）已逐级提醒完毕，{n.minutes} 分钟无领导点“收到”，"
                    "已停止自动提醒。请电话联系领导并跟进。")


def render_acked_notice(n: AlertAckedNotice, audience: Audience) -> Rendered:
    """To the person who raised the alert."""
    return Rendered(f"✅ 工单 <code>{escape(n.platform_no)}</code> 的紧急提醒（#{n.alert_id}）"
                    f"已由 {escape(n.name)} 于 {fmt_dt(n.at, n.at)} 收到"
                    f"（{_took(n.took)}）。")


def render_ack_timeout(n: AlertAckTimeout, audience: Audience) -> Rendered:
    """To the acknowledger and the duty officer: acknowledged, still not dispatched."""
    return Rendered(f"⏰ <b>紧急工单仍未派发</b>：工单 <code>{escape(n.platform_no)}</code>"
                    f"（提醒#{n.alert_id}）{escape(n.name)} 已于 {fmt_dt(n.acked_at, n.now)} "
                    f"收到，{fmt_duration(n.now - n.acked_at)}后仍为“{escape(n.status)}”。"
                    "请尽快派发。")


def render_undelivered(n: AlertUndelivered, audience: Audience) -> Rendered:
    name = n.name or GROUP_NAMES.get(n.group) or str(n.chat_id)
    return Rendered(f"⚠️ <b>提醒未送达</b>：{escape(name)}（TG号 <code>{n.chat_id}</code>）"
                    "收不到机器人的消息（已屏蔽或未开启私聊），工单 "
                    f"<code>{escape(n.platform_no)}</code>（提醒#{n.alert_id}）的紧急提醒未送达。"
                    "请电话通知，并请其在 Telegram 中重新启动机器人。")


#: note class → renderer, merged into bot.texts.render's table
RENDERERS: dict[type, Renderer] = {
    AlertSent: render_sent,
    AlertEdited: render_edited,
    AlertExhausted: render_exhausted,
    AlertAckedNotice: render_acked_notice,
    AlertAckTimeout: render_ack_timeout,
    AlertUndelivered: render_undelivered,
}


# ---- refusals ----
def error(exc: AlertError) -> str:
    """A refused alert operation, in words: HTML for command replies; the 收到/暂缓 cases
    also read well as the plain text of a button's answer."""
    if isinstance(exc, AlreadyAcked):
        return ACK_ALREADY.format(name=exc.name, at=fmt_dt(exc.at, exc.now))
    if isinstance(exc, TicketNotFound):
        return NOT_FOUND.format(no=escape(exc.platform_no))
    if isinstance(exc, TicketEnded):
        return URGENT_CLOSED.format(no=escape(exc.platform_no),
                                    status=exc.status.removeprefix("已"))
    if isinstance(exc, SectionUnknown):
        return escape(SECTION_UNKNOWN.format(text=exc.text, options="、".join(exc.options)))
    if isinstance(exc, MemberNotFound):
        return escape(f"没有找到 TG号 {exc.telegram_id} 的人员，请先用 /adduser 登记。")
    if isinstance(exc, RaiseFailed):
        return raise_failed(exc)
    if isinstance(exc, AlertGone):
        return ALERT_GONE
    if isinstance(exc, LinkInvalid | LinkNotYours):
        return LINK_INVALID if isinstance(exc, LinkInvalid) else LINK_NOT_YOURS
    if isinstance(exc, NotARecipient):
        return NOT_A_RECIPIENT
    assert isinstance(exc, AlertEnded), type(exc)
    return ACK_ENDED


def raise_failed(exc: RaiseFailed) -> str:
    """/urgent could not store the alert: say what did not change, and what to do now."""
    no = f"<code>{escape(exc.platform_no)}</code>"
    what = (f"工单 {no} 未改为“{escape(exc.urgency)}”，本次未作修改" if exc.remark
            else f"工单 {no} 的提醒未能保存")
    return f"⚠️ 提醒发送失败：{what}。请稍后重试；情况紧急请先电话联系领导。"


# ---- /urgent replies ----
def urgent_reply(r: UrgentResult) -> str:
    if not r.new:
        state = STATE_OPEN if r.alert.snoozed_until is None else "暂缓中"
        return URGENT_ALREADY_OPEN.format(no=escape(r.ticket.platform_no), id=r.alert.id,
                                          level=r.alert.level + 1, state=state)
    wait = fmt_duration(r.escalates_after) if r.escalates_after is not None else None
    return urgent_raised(r.ticket.platform_no, r.ticket.urgency, r.recipients, wait)


def urgent_raised(platform_no: str, urgency: str, recipients: list[Recipient],
                  wait: str | None) -> str:
    who = "、".join(escape(r.name) for r in recipients if not r.group) or "（暂无登记的领导）"
    groups = [GROUP_NAMES[r.group] for r in recipients if r.group]
    lines = [f"🔴 已发出{escape(urgency)}提醒：工单 <code>{escape(platform_no)}</code>",
             f"已提醒：{who}"]
    if groups:
        lines.append("并通知：" + "、".join(groups))
    if wait:
        lines.append(f"{wait}内无人“收到”将自动升级。")
    return "\n".join(lines)


URGENT_ALREADY_OPEN = ("工单 <code>{no}</code> 已有未结束的提醒#{id}（第{level}级，{state}），"
                       "无需重复提醒。")
URGENT_CLOSED = "工单 <code>{no}</code> 已{status}，无需提醒。"
NOT_FOUND = "没有找到工单 <code>{no}</code>。请检查编号，或先用 /new 登记。"

# ---- buttons ----
ACK_OK = "已确认，谢谢！提醒不再升级。"
ACK_ALREADY = "{name} 已于 {at} 确认过。"
ACK_ENDED = "该提醒已结束。"
ALERT_GONE = "提醒不存在。"
SNOOZE_ASK = "请选择暂缓原因（暂缓 {minutes} 分钟，期间不再升级）："
SNOOZE_DONE = "已暂缓至 {until}（{reason}），届时再次提醒。"
# the deep link of a channel message (`/start ack_<token>`)
LINK_INVALID = "链接无效，请检查是否完整复制。"
LINK_NOT_YOURS = "这个链接是发给另一位领导的，不能由您确认。"
LINK_NOT_FOR_ROLE = "紧急提醒由领导或项目经理确认，您的角色不能确认。"


def ack_answer(r: AckResult, now: datetime) -> str:
    """The answer to a 收到 press (shown as an alert when it did not acknowledge)."""
    if r.acknowledged:
        return ACK_OK
    if r.alert.acked_by is not None and r.alert.acked_at is not None:
        return ACK_ALREADY.format(name=r.acker, at=fmt_dt(r.alert.acked_at, now))
    return ACK_ENDED


def snooze_ask(snooze_for: timedelta) -> str:
    return SNOOZE_ASK.format(minutes=int(snooze_for.total_seconds() // 60))


def snooze_done(until: datetime, reason: str, now: datetime) -> str:
    return SNOOZE_DONE.format(until=fmt_dt(until, now), reason=escape(reason))


# ---- /alerts ----
STATE_OPEN = "未确认"
STATE_EXPIRED = "逐级提醒完毕，无人确认"


def _state(a: Alert, now: datetime) -> str:
    if a.status == AlertStatus.expired.value:
        return STATE_EXPIRED
    if a.snoozed_until is not None:
        return f"⏸ 暂缓至 {fmt_dt(a.snoozed_until, now)}"
    return STATE_OPEN


def alert_row(a: Alert, platform_no: str, now: datetime) -> str:
    mark = MARK.get(a.urgency, "🔴")
    return (f"{mark} #{a.id or 0} <code>{escape(platform_no)}</code> {escape(a.urgency)} · "
            f"第{max(a.level, 0) + 1}级 · {_ago(now - a.raised_at)}发出 · "
            f"{_state(a, now)}")


ALERTS_AGAIN = "下面逐条补发其中 {n} 条，可直接点“收到”或“暂缓”。"


def alerts_list(live: list[tuple[Alert, str]], now: datetime, *, sent_again: int = 0) -> str:
    """Open alerts (acknowledged ones are no longer open: `/alerts mine` shows a leader's);
    `sent_again`: how many follow as copies with their buttons (for people who may ack)."""
    rows = [alert_row(a, no, now) for a, no in live if a.status != AlertStatus.acked.value]
    if not rows:
        return "目前没有未结束的紧急提醒。"
    text = f"<b>未结束的紧急提醒（{len(rows)}）</b>\n" + "\n".join(rows)
    return text + ("\n" + ALERTS_AGAIN.format(n=sent_again) if sent_again else "")


#: Added to a leader's /start when alerts addressed to them still wait for 收到.
START_WAITING = "\n\n📌 有 {n} 条紧急提醒等待您确认，已重新发送，请逐条点“收到”。"


def mine_row(a: Alert, platform_no: str, now: datetime) -> str:
    at = fmt_dt(a.acked_at, now) if a.acked_at else "?"
    took = _took(a.acked_at - a.raised_at) if a.acked_at else "?"
    return (f"#{a.id or 0} <code>{escape(platform_no)}</code> {escape(a.urgency)} · {at} 收到"
            f"（{took}）")


def mine_list(mine: list[tuple[Alert, str]], now: datetime) -> str:
    rows = [mine_row(a, no, now) for a, no in mine]
    if not rows:
        return "您还没有确认过紧急提醒。"
    return f"<b>我确认过的提醒（最近 {len(rows)} 条）</b>\n" + "\n".join(rows)


# ---- /setsection ----
SECTION_SET = "已设置：{name}（{tid}）的科室为 {section}。"
SECTION_CLEARED = "已清除：{name}（{tid}）不再归属科室（作为主要领导接收提醒）。"
SECTION_UNKNOWN = "“{text}”不是委机关科室。可选：{options}"


def section_done(member: Member, telegram_id: int, section: str | None) -> str:
    template = SECTION_SET if section else SECTION_CLEARED
    return template.format(name=escape(member.name), tid=telegram_id,
                           section=escape(section or ""))
