"""What channel messages say: every medium's shape and limits, and — a property test like
tests/privacy/test_masker.py — that no rendered channel text holds a citizen's name, phone, ID
or bank card, however the case content writes them."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.courier import deep_link
from bot.channels.notes import ChannelTest
from bot.config import DEFAULT_TZ as SHANGHAI
from bot.services.alerts.links import TOKEN_LENGTH, start_payload
from bot.services.alerts.notes import AlertChannelSent, AlertSent
from bot.texts.alert_channels import SMS_LIMIT
from bot.texts.audience import Audience
from bot.texts.render import render
from tests.privacy.test_masker import (
    FILLER,
    NAMES,
    cards,
    id_numbers,
    leaks,
    mobiles,
    name_survives,
    written_name,
    written_number,
)

NOW = datetime(2026, 11, 25, 10, 12, tzinfo=SHANGHAI)
TOKEN = "abcdefghijkL"[:TOKEN_LENGTH]
LONGEST_USERNAME = "a" * 29 + "bot"  # Telegram allows 32 characters
MEDIA = [("wecom", 0), ("dingtalk", 0), ("feishu", 0), ("sms", 1), ("sms", 2), ("voice", 0),
         ("email", 0)]


def sent(content: str = "孩子高烧急诊无人接诊", *, name: str = "张三丰",
         phone: str = "13800138000", unit: str = "朝阳医院", level: int = 1,
         repeat: int = 0, waited: timedelta = timedelta(minutes=12)) -> AlertSent:
    return AlertSent(alert_id=7, urgency="紧急", level=level, level_name="企业微信和短信",
                     repeat=repeat, platform_no="2026112500777", status="待签收", unit=unit,
                     category_l1="医疗服务", category_l2="服务态度", content=content,
                     citizen_name=name, phone=phone, raised_at=NOW - waited, now=NOW)


def channel(note: AlertSent, medium: str, part: int = 0, *,
            username: str = "hotline_duty_bot") -> AlertChannelSent:
    start = start_payload(TOKEN) if medium != "voice" and part != 1 else ""
    return AlertChannelSent(sent=note, medium=medium, part=part, ticket=note.platform_no,
                            start=start, link=deep_link(username, start) if start else "")


def shown(note: AlertSent, medium: str, part: int = 0, **kw: str) -> tuple[str, str]:
    out = render(channel(note, medium, part, **kw), Audience.CHANNEL)
    assert out.buttons is None
    return out.text, out.subject


def test_robots_carry_every_fact_and_the_link() -> None:
    text, _ = shown(sent(), "wecom")
    for words in ("🔴【紧急案件提醒】第2级：企业微信和短信", "工单编号：2026112500777",
                  "承办单位：朝阳医院", "问题分类：医疗服务/服务态度",
                  "诉求摘要：孩子高烧急诊无人接诊",
                  "已等待 12 分钟 无人确认",
                  f"https://t.me/hotline_duty_bot?start=ack_{TOKEN}"):
        assert words in text, (words, text)
    first, _ = shown(sent(level=0, waited=timedelta(0)), "feishu")
    assert "刚刚登记" in first and "第1级" in first
    again, _ = shown(sent(repeat=2), "dingtalk")
    assert "第2次重复" in again


def test_email_has_a_subject_and_the_link() -> None:
    body, subject = shown(sent(), "email")
    assert subject == "【紧急案件提醒】工单 2026112500777 · 朝阳医院 · 第2级"
    assert f"start=ack_{TOKEN}" in body and "已隐去市民个人信息" in body


@settings(max_examples=60, deadline=None)
@given(unit=st.text(alphabet="首都医科大学附属北京朝阳医院社区卫生服务中心分院", min_size=1,
                    max_size=40),
       content=st.text(alphabet="孩子高烧急诊无人接诊反映态度差，。", max_size=200),
       minutes=st.integers(0, 5000), level=st.integers(0, 9), repeat=st.integers(0, 50))
def test_every_sms_part_fits_one_sms(unit: str, content: str, minutes: int, level: int,
                                     repeat: int) -> None:
    note = sent(content, unit=unit, level=level, repeat=repeat,
                waited=timedelta(minutes=minutes))
    case, _ = shown(note, "sms", 1)
    link, _ = shown(note, "sms", 2, username=LONGEST_USERNAME)
    assert len(case) <= SMS_LIMIT and len(link) <= SMS_LIMIT, (case, link)
    assert "2026112500777" in case and f"第{level + 1}级" in case
    assert link.endswith(f"?start=ack_{TOKEN}") and "start=" not in case


def test_sms_keeps_the_case_readable_and_the_link_whole() -> None:
    case, _ = shown(sent(), "sms", 1)
    assert case.startswith("【紧急】工单2026112500777 朝阳医院 医疗服务：孩子高烧急诊无人接诊")
    assert case.endswith("，已等待12分钟无人确认（第2级）")
    link, _ = shown(sent(), "sms", 2)
    assert link == f"请在Telegram点收到确认：https://t.me/hotline_duty_bot?start=ack_{TOKEN}"


def test_voice_is_one_short_sentence_without_a_link() -> None:
    text, _ = shown(sent(), "voice")
    assert text == ("紧急案件提醒：朝阳医院的工单，尾号0777，已等待12分钟无人确认，"
                    "请尽快打开Telegram查看并点收到。")
    assert len(text) <= 60 and "http" not in text


def test_the_operators_test_message_is_marked_and_about_no_case() -> None:
    for medium in ("wecom", "sms", "email", "voice"):
        out = render(ChannelTest(medium=medium, channel=medium, at=NOW), Audience.CHANNEL)
        assert "测试" in out.text + out.subject and "工单" not in out.text
        assert len(out.text) <= SMS_LIMIT or medium == "email"


def _writings(draw: st.DrawFn, name: str, phone: str, number: str) -> str:
    """A case content with the citizen's name, phone and an ID or card number in it, each
    in a random writing (traditional script, spaces, full-width digits, separators)."""
    parts = [draw(FILLER), draw(written_name(name)), draw(FILLER),
             draw(st.sampled_from(["", "+86", "电话：", "("])),
             draw(written_number(phone)), "，", draw(FILLER), "号码",
             draw(written_number(number)), "。", draw(FILLER)]
    order = draw(st.permutations(range(3)))
    chunks = [parts[0:3], parts[3:7], parts[7:11]]
    return "".join("".join(chunks[i]) for i in order)


@settings(max_examples=200, deadline=None)
@given(name=st.sampled_from(NAMES), phone=mobiles, number=st.one_of(id_numbers(), cards),
       data=st.data())
def test_no_channel_text_holds_a_citizens_data(name: str, phone: str, number: str,
                                               data: st.DataObject) -> None:
    content = _writings(data.draw, name, phone, number)
    note = sent(content, name=name, phone=phone)
    for medium, part in MEDIA:
        text, subject = shown(note, medium, part)
        for out in (text, subject):
            assert not name_survives(name, out), (medium, content, out)
            assert not leaks(phone, out), (medium, content, out)
            assert not leaks(number, out), (medium, content, out)
