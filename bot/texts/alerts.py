"""Text for urgent alerts, escalation, 收到/暂缓, /urgent, /alerts and /setsection.

Leaders' private alerts carry no citizen name or phone (not needed to act); group copies are
masked as well. Everything from users or the database goes through `html.escape`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from bot.services.privacy import mask_text
from bot.services.tickets.workflow import Status
from bot.services.timefmt import fmt_dt, fmt_duration
from bot.texts.audience import Renderer
from models.ticket import Ticket

#: note class → renderer, merged into bot.texts.render's table
RENDERERS: dict[type, Renderer] = {}

MARK = {"紧急": "🔴", "涉稳": "🟣", "重点": "🟠"}
CONTENT_CHARS = 120  # a one-line summary

BTN_ACK = "收到"
BTN_SNOOZE = "暂缓"
SNOOZE_REASONS = ("正在处理", "会议中", "稍后处理", "已电话知悉")

URGENT_USAGE = ("用法：<code>/urgent &lt;工单编号&gt; [说明]</code>\n"
                "把工单标为紧急并立即提醒领导；已是紧急/涉稳/重点的工单会重新发出提醒。")
SETSECTION_USAGE = ("用法：<code>/setsection &lt;TG号&gt; &lt;科室&gt;</code>（科室填“无”清除）\n"
                    "领导设置科室后，承办单位归口该科室的紧急案件会先提醒他。")
ALERTS_USAGE = ("用法：<code>/alerts</code> 查看未结束的紧急提醒；"
                "<code>/alerts mine</code> 查看我确认过的提醒。")


def _content(t: Ticket, *, masked: bool) -> str:
    names = [t.citizen_name] if masked else []
    text = mask_text(t.content, names=names, phones=[t.phone])  # phones never needed here
    text = " ".join(text.split())
    if len(text) > CONTENT_CHARS:
        text = text[:CONTENT_CHARS] + "…"
    return escape(text)


def render_alert(t: Ticket, *, alert_id: int, urgency: str, level: int, level_name: str,
                 repeat: int, raised_at: datetime, raiser: str, note: str, masked: bool,
                 waited: str | None, next_wait: str | None, now: datetime,
                 then: str = "escalate") -> str:
    """One alert message. `waited`: how long nobody acknowledged (escalations and repeats);
    `then`: what follows `next_wait` without 收到 (escalate / repeat / exhausted)."""
    mark = MARK.get(urgency, "🔴")
    if level == 0 and repeat == 0:
        head = f"{mark} <b>{escape(urgency)}案件提醒</b>"
    elif repeat == 0:
        head = f"⏫ <b>升级提醒</b>：{escape(urgency)}案件已 {waited} 无人确认"
    else:
        head = f"🔁 <b>再次提醒</b>：{escape(urgency)}案件已 {waited} 无人确认"
    lines = [
        f"{head}（第{level + 1}级：{escape(level_name)}，提醒#{alert_id}）",
        f"工单：<code>{escape(t.platform_no)}</code>（{escape(urgency)}，{escape(t.status)}）",
        f"承办单位：{escape(t.unit)}",
        f"问题分类：{escape(t.category_l1)}" + (f"/{escape(t.category_l2)}"
                                            if t.category_l2 else ""),
        f"诉求：{_content(t, masked=masked)}",
    ]
    limits = [f"{label} {fmt_dt(at, now)}" for label, at in
              (("签收", t.sign_by if t.status == Status.new.value else None),
               ("办结", t.complete_by))
              if at is not None]
    if limits:
        lines.append("时限：" + " · ".join(limits))
    lines.append(f"登记：{escape(raiser)} · {fmt_dt(raised_at, now)}")
    if note:
        lines.append(f"说明：{escape(note)}")
    if next_wait:
        lines.append(f"请点“{BTN_ACK}”确认；{next_wait}内无人确认将{THEN.get(then, '继续升级')}。")
    else:
        lines.append(f"请点“{BTN_ACK}”确认。")
    return "\n".join(lines)


THEN = {"escalate": "继续升级", "repeat": "再次发送", "exhausted": "通知项目经理"}


def acked_line(name: str, at: datetime, took: str, now: datetime) -> str:
    return f"\n\n✅ {escape(name)} 已于 {fmt_dt(at, now)} 收到（{took}后确认），提醒结束。"


def snoozed_line(name: str, until: datetime, reason: str, now: datetime) -> str:
    return f"\n\n⏸ {escape(name)} 暂缓至 {fmt_dt(until, now)}（{escape(reason)}），届时再次提醒。"


def closed_line(status: str) -> str:
    return f"\n\n☑️ 工单已{escape(status.removeprefix('已'))}，提醒结束。"


def exhausted_notice(platform_no: str, alert_id: int, minutes: int) -> str:
    return (f"⌛ <b>紧急提醒无人确认</b>：工单 <code>{escape(platform_no)}</code>"
            f"（提醒#{alert_id}）已逐级提醒完毕，{minutes} 分钟无领导点“收到”，已停止自动提醒。"
            "请电话联系领导并跟进。")


def acked_notice(platform_no: str, alert_id: int, name: str, at: datetime,
                 took: str) -> str:
    """To the person who raised the alert."""
    return (f"✅ 工单 <code>{escape(platform_no)}</code> 的紧急提醒（#{alert_id}）已由 "
            f"{escape(name)} 于 {fmt_dt(at, at)} 收到（{took}后确认）。")


def ack_timeout_notice(platform_no: str, alert_id: int, name: str, acked_at: datetime,
                       status: str, now: datetime) -> str:
    """To the acknowledger and the duty officer: acknowledged, still not dispatched."""
    return (f"⏰ <b>紧急工单仍未派发</b>：工单 <code>{escape(platform_no)}</code>"
            f"（提醒#{alert_id}）{escape(name)} 已于 {fmt_dt(acked_at, now)} 收到，"
            f"{fmt_duration(now - acked_at)}后仍为“{escape(status)}”。请尽快派发。")


TICKET_EVENT_ACK = "领导收到"


def ticket_event_ack(alert_id: int, urgency: str, took: str) -> str:
    return f"{urgency}提醒#{alert_id}，{took}后确认"


def blocked_notice(name: str, telegram_id: int, platform_no: str, alert_id: int) -> str:
    return (f"⚠️ <b>提醒未送达</b>：{escape(name)}（TG号 <code>{telegram_id}</code>）"
            f"收不到机器人的消息（已屏蔽或未开启私聊），工单 <code>{escape(platform_no)}</code>"
            f"（提醒#{alert_id}）的紧急提醒未送达。"
            "请电话通知，并请其在 Telegram 中重新启动机器人。")


# ---- /urgent replies ----
def urgent_raised(platform_no: str, urgency: str, names: list[str], groups: list[str],
                  wait: str | None) -> str:
    who = "、".join(escape(n) for n in names) or "（暂无登记的领导）"
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
SNOOZE_EXPIRED = "操作已过期，请重新点“暂缓”。"

# ---- /alerts ----
STATE_OPEN = "未确认"
STATE_EXPIRED = "逐级提醒完毕，无人确认"


def alert_row(*, alert_id: int, platform_no: str, urgency: str, level: int, age: str,
              state: str) -> str:
    mark = MARK.get(urgency, "🔴")
    return (f"{mark} #{alert_id} <code>{escape(platform_no)}</code> {escape(urgency)} · "
            f"第{level}级 · 已 {age} · {state}")


def alerts_list(rows: list[str]) -> str:
    if not rows:
        return "目前没有未结束的紧急提醒。"
    return f"<b>未结束的紧急提醒（{len(rows)}）</b>\n" + "\n".join(rows)


def mine_list(rows: list[str]) -> str:
    if not rows:
        return "您还没有确认过紧急提醒。"
    return f"<b>我确认过的提醒（最近 {len(rows)} 条）</b>\n" + "\n".join(rows)


def mine_row(*, alert_id: int, platform_no: str, urgency: str, at: str, took: str) -> str:
    return (f"#{alert_id} <code>{escape(platform_no)}</code> {escape(urgency)} · {at} 收到"
            f"（{took}）")


# ---- /setsection ----
SECTION_SET = "已设置：{name}（{tid}）的科室为 {section}。"
SECTION_CLEARED = "已清除：{name}（{tid}）不再归属科室（作为主要领导接收提醒）。"
SECTION_UNKNOWN = "“{text}”不是委机关科室。可选：{options}"


def took(seconds: float) -> str:
    return fmt_duration(timedelta(seconds=seconds))
