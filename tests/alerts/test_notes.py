"""Alert notes and their words: each audience sees what it may, a note survives the database,
every note and refusal has words, and the buttons' data reads back."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.callbackdata.codec import parse
from bot.callbackdata.kinds import ACK, SNOOZE, AlertPress, AlertReason
from bot.config import DEFAULT_TZ as SHANGHAI
from bot.services.alerts.errors import (
    AlertEnded,
    AlertError,
    AlertGone,
    AlreadyAcked,
    MemberNotFound,
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
from bot.services.outbox.notes import Note, load_note
from bot.texts import alerts as texts
from bot.texts.audience import Audience
from bot.texts.render import render

NOW = datetime(2026, 11, 25, 10, 30, tzinfo=SHANGHAI)
SENT = AlertSent(
    alert_id=7, urgency="紧急", level=1, level_name="主要领导", repeat=0, platform_no="A<1>",
    status="待签收", unit="朝阳医院", category_l1="医疗服务", category_l2="服务态度",
    content="张三丰反映急诊无人接诊，回拨 13800138000", citizen_name="张三丰",
    phone="13800138000", sign_by=NOW + timedelta(hours=1), complete_by=NOW + timedelta(days=3),
    raised_at=NOW - timedelta(minutes=10), raiser=None, note="家属<激动>",
    waited=timedelta(minutes=10), next_wait=timedelta(minutes=10), then="exhausted", now=NOW)


def test_only_the_staff_copy_keeps_the_name_phones_never_shown():
    """Issue 13: a leader's private copy is masked like a group's (docs/security.md)."""
    for audience in Audience:
        text = render(SENT, audience).text
        assert "13800138000" not in text and "138****8000" in text
        assert ("张三丰" in text) == (audience is Audience.STAFF)
    text = render(SENT, Audience.LEADER).text
    assert text.startswith("⏫ <b>升级提醒</b>：紧急案件已 10 分钟无人确认（第2级：主要领导")
    assert "A&lt;1&gt;" in text and "说明：家属&lt;激动&gt;" in text
    assert "登记：值班员" in text and "时限：签收 11月25日 11:30 · 办结 11月28日 10:30" in text
    assert text.endswith("请点“收到”确认；10 分钟内无人确认将通知项目经理。")


def test_buttons_only_on_ackable_copies():
    assert render(SENT, Audience.GROUP).buttons == [[("收到", "al1:ack:7"), ("暂缓", "al1:snz:7")]]
    notice = SENT.model_copy(update={"ackable": False})
    assert render(notice, Audience.GROUP).buttons is None
    # a copy without the buttons never asks for them (issue 14, item 8)
    assert "请点“收到”" not in render(notice, Audience.GROUP).text
    assert render(notice, Audience.GROUP).text.endswith(
        "等待领导点“收到”确认；10 分钟内无人确认将通知项目经理。")


def test_a_snooze_keeps_each_copy_its_own_buttons():
    """After 暂缓 a copy that had no buttons (the duty group's) still has none."""
    notice = SENT.model_copy(update={"ackable": False})
    change = Snoozed(name="王主任", until=NOW, reason="会议中", now=NOW)
    edited = AlertEdited(alert_id=7, original=notice, change=change, ackable=False)
    assert render(edited, Audience.GROUP).buttons is None
    assert "请点“收到”" not in render(edited, Audience.GROUP).text
    legacy = AlertEdited(alert_id=7, original=None, legacy_text="旧", change=change,
                         ackable=False)
    assert render(legacy, Audience.GROUP).buttons is None
    kept = AlertEdited(alert_id=7, original=SENT, change=change)
    assert render(kept, Audience.GROUP).buttons == texts.alert_buttons(7)
    # snoozed: still asks for 收到, but no longer promises the escalation countdown
    assert "\n请点“收到”确认。\n\n⏸ 王主任 暂缓至" in render(kept, Audience.GROUP).text
    assert "无人确认将" not in render(kept, Audience.GROUP).text


def test_spans_under_a_minute_read_naturally():
    quick = AlertEdited(alert_id=7, original=SENT,
                        change=Acked(name="王主任", at=NOW, took=timedelta(seconds=20)))
    text = render(quick, Audience.LEADER).text
    assert "（1 分钟内确认）" in text and "不到 1 分钟后" not in text
    again = SENT.model_copy(update={"again": True, "waited": timedelta(seconds=5),
                                    "next_wait": None})
    text = render(again, Audience.LEADER).text
    assert text.startswith("📌 <b>待确认：紧急案件提醒</b>（第2级")
    assert text.endswith("\n刚刚发出，尚无人确认。\n请点“收到”确认。")


@pytest.mark.parametrize("note", [
    SENT,
    AlertEdited(alert_id=7, original=SENT, change=Acked(name="王主任", at=NOW,
                                                        took=timedelta(minutes=3))),
    AlertEdited(alert_id=7, original=SENT,
                change=Snoozed(name="王主任", until=NOW, reason="会议中", now=NOW)),
    AlertEdited(alert_id=7, original=None, legacy_text="旧文本", change=Closed(status="已派发")),
    AlertAckedNotice(alert_id=7, platform_no="A1", name="王主任", at=NOW,
                     took=timedelta(minutes=3)),
    AlertUndelivered(alert_id=7, platform_no="A1", chat_id=-100, group="duty_group"),
    AlertExhausted(alert_id=7, platform_no="A1", minutes=50),
    AlertAckTimeout(alert_id=7, platform_no="A1", name="王主任", acked_at=NOW - timedelta(hours=1),
                    status="待签收", now=NOW),
], ids=lambda n: n.kind)
def test_every_note_survives_the_database_and_renders_the_same(note: Note):
    back = load_note(note.kind, note.dump())
    assert back == note
    for audience in Audience:
        assert render(back, audience) == render(note, audience)


def test_an_edit_is_the_original_plus_the_change():
    acked = AlertEdited(alert_id=7, original=SENT,
                        change=Acked(name="王<主任>", at=NOW, took=timedelta(minutes=3)))
    out = render(acked, Audience.GROUP)
    line = "\n\n✅ 王&lt;主任&gt; 已于 11月25日 10:30 收到（3 分钟后确认），提醒结束。"
    sent = render(SENT, Audience.GROUP).text
    ask = "\n请点“收到”确认；10 分钟内无人确认将通知项目经理。"
    assert sent.endswith(ask)
    # acknowledged: the original without its request to press (nothing is left to press)
    assert out.text == sent.removesuffix(ask) + line
    assert out.buttons is None
    legacy = AlertEdited(alert_id=7, original=None, legacy_text="旧文本",
                         change=Closed(status="已派发"))
    assert render(legacy, Audience.STAFF).text == "旧文本\n\n☑️ 工单已派发，提醒结束。"
    snoozed = AlertEdited(alert_id=7, original=SENT,
                          change=Snoozed(name="王主任", until=NOW, reason="会议中", now=NOW))
    assert render(snoozed, Audience.LEADER).buttons == texts.alert_buttons(7)


def test_undelivered_names_the_member_the_group_or_the_chat():
    def words(**kw: object) -> str:
        return render(AlertUndelivered(alert_id=7, platform_no="A1", **kw),  # type: ignore[arg-type]
                      Audience.STAFF).text
    assert words(chat_id=3001, name="王主任").startswith("⚠️ <b>提醒未送达</b>：王主任（TG号")
    assert "：领导群（TG号" in words(chat_id=-200, group="leader_group")
    assert "：-300（TG号" in words(chat_id=-300)


@pytest.mark.parametrize(("exc", "words"), [
    (AlertGone(), "提醒不存在。"),
    (AlertEnded(), "该提醒已结束。"),
    (AlreadyAcked(name="王主任", at=NOW, now=NOW), "王主任 已于 11月25日 10:30 确认过。"),
    (TicketNotFound("9<x>"), "没有找到工单 <code>9&lt;x&gt;</code>。"),
    (TicketEnded("A1", "已办结"), "工单 <code>A1</code> 已办结，无需提醒。"),
    (RaiseFailed("A<1>", urgency="紧急", remark=True),
     "提醒发送失败：工单 <code>A&lt;1&gt;</code> 未改为“紧急”，本次未作修改。"),
    (RaiseFailed("A1", urgency="涉稳", remark=False), "工单 <code>A1</code> 的提醒未能保存"),
    (SectionUnknown("朝阳<医院>", ["医政医管科", "中医科"]),
     "“朝阳&lt;医院&gt;”不是委机关科室。可选：医政医管科、中医科"),
    (MemberNotFound(42), "没有找到 TG号 42 的人员"),
])
def test_every_refusal_has_words(exc: AlertError, words: str):
    assert words in texts.error(exc)


def test_button_data_reads_back():
    (ack, ack_data), (snooze, snooze_data) = texts.alert_buttons(5)[0]
    assert (ack, snooze) == ("收到", "暂缓")
    assert parse(ack_data, AlertPress) == AlertPress(ACK, 5)
    assert parse(snooze_data, AlertPress) == AlertPress(SNOOZE, 5)
    loose = [data for _, data in texts.alert_buttons(5, loose=True)[0]]
    assert [parse(d, AlertPress) for d in loose] == [AlertPress(ACK, 5, True),
                                                     AlertPress(SNOOZE, 5, True)]
    assert [b for row in texts.reason_buttons(5) for b in row][1] == ("会议中", "al1:sr:5:1")
    assert parse("al1:sr:5:1", AlertReason) == AlertReason(5, 1)
    for bad in ("al1:ack", "al1:zzz:5", "al2:ack:5", "al1:sr:5", "al1:sr:5:-1", "al1:ack:x",
                "al1:ack:5:y", "al1:ack:0", "al1:ack:99999999999999999999"):
        assert parse(bad, AlertPress) is None and parse(bad, AlertReason) is None
