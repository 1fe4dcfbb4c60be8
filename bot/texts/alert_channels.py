"""Alert messages for the channels beyond Telegram — the ``CHANNEL`` audience — and the
managers' notice that a channel keeps failing.

Channel messages reach third-party servers (WeCom, DingTalk, Feishu, an SMS or voice
provider, a mail server), so they carry no citizen data: the summary and every other line go
through THE masker (``bot.services.masker``) with the citizen's own name and phone as known
secrets, and no name, phone, ID or card field is ever placed in them. What they do carry: the
urgency, 工单编号, unit, category, a masked one-line summary, how long the alert has waited,
the level, and the deep link that opens the alert in the bot (never masked: it is added after
masking, and its token is letters only).

Shapes per medium (plain text, no HTML):
* robots (WeCom / DingTalk / Feishu) and e-mail: a few labelled lines; e-mail has a subject;
* SMS: two parts of at most 70 characters each (one SMS each): the case, then the link;
* voice: one short sentence (a call cannot show a link).
(Kept apart from ``bot.texts.alerts`` only to keep both modules short; ``bot.texts.render``
merges the tables.)
"""

from __future__ import annotations

from datetime import timedelta

from bot.services.alerts.notes import AlertChannelSent, ChannelDown
from bot.services.masker import Secrets, mask
from bot.services.timefmt import fmt_duration
from bot.texts.audience import Audience, Rendered, Renderer
from bot.texts.escape import escape

SMS_LIMIT = 70  # characters in one SMS part with Chinese text (UCS-2)
SUMMARY_CHARS = 60  # robots and e-mail: a one-line summary
MARK = {"紧急": "🔴", "涉稳": "🟣", "重点": "🟠"}
ACK_HINT = "请在 Telegram 中查看并点“收到”确认"
FOOTER = "（本消息由接诉即办值班助手自动发送，已隐去市民个人信息。）"


def _secrets(n: AlertChannelSent) -> Secrets:
    return Secrets.of(names=[n.sent.citizen_name], phones=[n.sent.phone],
                      keep=[n.sent.platform_no])


def _summary(n: AlertChannelSent, limit: int) -> str:
    """The content masked first (so a cut never leaves half a number readable), then one
    line, then cut."""
    text = " ".join(mask(n.sent.content, _secrets(n)).split())
    return text if len(text) <= limit else text[:max(limit - 1, 0)] + "…"


def _waited(n: AlertChannelSent) -> timedelta:
    return n.sent.now - n.sent.raised_at


def _waited_words(n: AlertChannelSent, *, compact: bool = False) -> str:
    waited = _waited(n)
    if waited < timedelta(minutes=1):
        return "刚刚登记"
    words = fmt_duration(waited)
    return "已等待" + (words.replace(" ", "") if compact else f" {words} ") + "无人确认"


def _level(n: AlertChannelSent) -> str:
    s = n.sent
    again = f"，第{s.repeat}次重复" if s.repeat else ""
    return f"第{s.level + 1}级：{s.level_name}{again}"


def _category(n: AlertChannelSent) -> str:
    s = n.sent
    return s.category_l1 + (f"/{s.category_l2}" if s.category_l2 else "")


def _lines(n: AlertChannelSent) -> list[str]:
    s = n.sent
    return [
        f"{MARK.get(s.urgency, '🔴')}【{s.urgency}案件提醒】{_level(n)}",
        f"工单编号：{s.platform_no}",
        f"承办单位：{s.unit}",
        f"问题分类：{_category(n)}",
        f"诉求摘要：{_summary(n, SUMMARY_CHARS)}",
        f"等待情况：{_waited_words(n)}",
    ]


def _with_link(body: str, n: AlertChannelSent) -> str:
    """The masked body, then the link (added after masking: it must stay whole)."""
    if n.link:
        return f"{body}\n{ACK_HINT}：{n.link}"
    return f"{body}\n{ACK_HINT}。"


def robot_text(n: AlertChannelSent) -> str:
    return _with_link(mask("\n".join(_lines(n)), _secrets(n)), n)


def email_message(n: AlertChannelSent) -> tuple[str, str]:
    s = n.sent
    subject = mask(f"【{s.urgency}案件提醒】工单 {s.platform_no} · {s.unit} · 第{s.level + 1}级",
                   _secrets(n))
    return subject, _with_link(mask("\n".join(_lines(n)), _secrets(n)), n) + "\n\n" + FOOTER


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:max(limit - 1, 0)] + "…"


def sms_case(n: AlertChannelSent) -> str:
    """Part 1: the case in at most 70 characters — the summary gives way first, then the
    category, then the unit's length."""
    s = n.sent
    head = f"【{s.urgency}】工单{s.platform_no}"
    tail = f"，{_waited_words(n, compact=True)}（第{s.level + 1}级）"
    for unit, category in ((s.unit, s.category_l1), (s.unit, ""), (_fit(s.unit, 10), ""),
                           ("", "")):
        fixed = f"{head} {unit}" + (f" {category}" if category else "")
        room = SMS_LIMIT - len(fixed) - len(tail) - 1  # 1: the "：" before the summary
        if room >= 8:
            return _fit(mask(f"{fixed}：{_summary(n, room)}{tail}", _secrets(n)), SMS_LIMIT)
    return _fit(mask(head + tail, _secrets(n)), SMS_LIMIT)


def sms_link(n: AlertChannelSent) -> str:
    """Part 2: the link, with as much of the hint as fits in one SMS."""
    for hint in ("请在Telegram点收到确认：", "确认：", ""):
        text = f"{hint}{n.link}" if n.link else "请在Telegram中查看并点收到确认。"
        if len(text) <= SMS_LIMIT:
            return text
    return n.link  # longer than one SMS only if the bot's username were over 32 letters


def voice_text(n: AlertChannelSent) -> str:
    """One short sentence for text-to-speech: no link, the number's last four digits."""
    s = n.sent
    unit = _fit(s.unit, 16)
    return mask(f"{s.urgency}案件提醒：{unit}的工单，尾号{s.platform_no[-4:]}，"
                f"{_waited_words(n, compact=True)}，请尽快打开Telegram查看并点收到。",
                _secrets(n))


def render_channel(n: AlertChannelSent, audience: Audience) -> Rendered:
    if n.medium == "sms":
        return Rendered(sms_link(n) if n.part == 2 else sms_case(n))
    if n.medium == "voice":
        return Rendered(voice_text(n))
    if n.medium == "email":
        subject, body = email_message(n)
        return Rendered(body, subject=subject)
    return Rendered(robot_text(n))


def render_channel_down(n: ChannelDown, audience: Audience) -> Rendered:
    """To the managers in Telegram (HTML)."""
    case = (f"最近一次是工单 <code>{escape(n.platform_no)}</code>（提醒#{n.alert_id}）的消息。"
            if n.platform_no else "")
    return Rendered(f"⚠️ <b>提醒渠道发送失败</b>：<code>{escape(n.channel)}</code> 已连续 "
                    f"{n.failures} 次发送失败（{escape(n.detail)}）。{case}"
                    "其他渠道照常升级；请检查该渠道配置（<code>python -m bot channels test "
                    f"{escape(n.channel)}</code>），必要时电话通知领导。")


#: note class → renderer, merged into bot.texts.render's table
RENDERERS: dict[type, Renderer] = {
    AlertChannelSent: render_channel,
    ChannelDown: render_channel_down,
}
