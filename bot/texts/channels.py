"""Words of the alert channels' operator tools: the test message (CHANNEL audience, plain
text) and what `python -m bot channels list|test` print (plain text, never a URL, key,
secret, phone or address)."""

from __future__ import annotations

from datetime import datetime

from bot.channels.notes import ChannelTest
from bot.texts.audience import Audience, Rendered, Renderer

TEST_SUBJECT = "【测试】接诉即办值班助手渠道测试"


def render_test(n: ChannelTest, audience: Audience) -> Rendered:
    at = f"{n.at:%m-%d %H:%M}"
    if n.medium == "voice":
        return Rendered("这是接诉即办值班助手的测试电话，无需处理。")
    text = (f"【测试】接诉即办值班助手渠道测试（{n.channel}，{at}）："
            "收到即说明本渠道可用，无需处理。")
    if n.medium == "email":
        return Rendered(text + "\n\n本邮件不涉及任何案件。", subject=TEST_SUBJECT)
    return Rendered(text)


RENDERERS: dict[type, Renderer] = {ChannelTest: render_test}

# ---------------------------------------------------------------- python -m bot channels
LIST_HEAD = ("channel", "target", "last", "outcome", "sent", "failed", "in a row")
NONE_CONFIGURED = "未配置任何渠道（CHANNELS_FILE 未设置或为空）。"
NEVER = "—"
TEST_SENT = "已发送测试消息：{name}（{detail}）"
TEST_FAILED = "发送失败：{name}：{detail}（{retry}）"
RETRYABLE = {True: "可重试：网络或对方服务暂时故障", False: "不可重试：请检查配置"}
UNKNOWN_CHANNEL = "没有名为 {name} 的渠道。已配置：{names}"
NEEDS_TO = "{name} 需要接收人：--to <手机号|邮箱|TG号>"
NO_CONTACT = "TG号 {tid} 没有登记{what}（/setcontact）。"
BAD_TO = "--to {text}：应为手机号、邮箱或 TG号。"
WHAT = {"phone": "手机号", "email": "邮箱"}


def outcome_words(ok: bool | None, detail: str) -> str:
    if ok is None:
        return NEVER
    return ("成功" if ok else "失败") + (f"（{detail}）" if detail and detail != "ok" else "")


def when(at: datetime | None, tz: object) -> str:
    return NEVER if at is None else f"{at.astimezone(tz):%Y-%m-%d %H:%M}"  # type: ignore[arg-type]
