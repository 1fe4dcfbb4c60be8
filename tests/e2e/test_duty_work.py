"""Issue 14, "Duty work" (items 6–11), end to end through the emulator: a paste in the /new
dialogue, call times, acknowledging a missed alert, overdue stages, feedback and 办结, wording.

Each test's docstring names the item it covers.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.config import DEFAULT_TZ as SHANGHAI
from tests.e2e.harness import (
    ADMIN,
    DUTY_GROUP,
    LEADER,
    LEADER_GROUP,
    MANAGER,
    STAFF,
    STAFF2,
    Harness,
    buttons,
    text_of,
)
from tests.e2e.test_alerts import alert_of
from tests.e2e.test_tickets import PASTE, card_of

NO = "2026112500123"
BODY = PASTE.removeprefix("/new\n")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


# ------------------------------------------------------------------ item 6: paste in dialogue
async def test_paste_after_bare_new_logs_the_ticket(team: Harness):
    """Item 6: bare /new, then the ticket pasted as the next message: one step, not the
    ticket number."""
    assert "工单编号" in text_of(await team.say(STAFF, "/new"))
    replies = await team.say(STAFF, BODY)
    assert "格式不正确" not in text_of(replies)
    card = card_of(replies)
    assert "已登记" in text_of(replies) and NO in card["text"]
    t = team.svc.tickets.get(NO)
    assert t is not None and t.citizen_name == "张三丰"
    assert t.received_at == at(2026, 11, 25, 9, 12)


async def test_paste_while_another_field_is_asked(team: Harness):
    """Item 6: whatever field is asked (here 联系电话, then 诉求类型), a message with two or
    more labelled lines (ASCII colons too) is read as a paste and fills the draft."""
    text = text_of(await team.say(STAFF, "/new\n工单编号：2026112500999\n来电人：李四"))
    assert "联系电话" in text
    asked = text_of(await team.say(STAFF, "联系电话: 13900001111\n地址: 朝阳区某街1号"))
    assert "诉求类型" in asked  # the paste filled 联系电话; the next missing field is asked
    rest = ("诉求类型：咨询\n问题分类：疫苗接种/接种门诊服务\n承办单位：朝阳疾控\n"
            "紧急程度：一般\n诉求内容：想问狂犬疫苗在哪里打")
    card = card_of(await team.say(STAFF, rest))
    assert "已登记" in card["text"] or "2026112500999" in card["text"]
    t = team.svc.tickets.get("2026112500999")
    assert t is not None and (t.phone, t.citizen_name, t.request_type) == (
        "13900001111", "李四", "咨询")
    assert t.address == "朝阳区某街1号" and "狂犬疫苗" in t.content


async def test_single_labelled_line_is_still_an_answer(team: Harness):
    """Item 6: one labelled line is an ordinary answer to the field asked."""
    await team.say(STAFF, "/new")
    assert "格式不正确" in text_of(await team.say(STAFF, "工单编号：12#4"))


# ------------------------------------------------------------------ item 7: call times
@pytest.mark.parametrize("written", [
    "2026/11/25 08:30", "11月25日8时30分", "2026年11月25日 08:30", "11-25 08:30",
    "2026-11-25 08:30", "11月25日 上午8点半",
])
async def test_common_call_time_writings_are_read(team: Harness, written: str):
    """Item 7: the common writings of 来电时间 (without a year: the current one)."""
    card = card_of(await team.say(STAFF, PASTE.replace("2026-11-25 09:12", written)))
    assert "已登记" in card["text"]
    assert team.svc.tickets.get(NO).received_at == at(2026, 11, 25, 8, 30)


async def test_unreadable_call_time_is_asked_not_replaced_by_now(team: Harness):
    """Item 7: "2026/11/25 14:3" and "2026-11-24 25:99" are refused with a clear message and
    asked again; the one-step paste is not logged until the time is valid."""
    replies = await team.say(STAFF, PASTE.replace("2026-11-25 09:12", "2026/11/25 14:3"))
    text = text_of(replies)
    assert "来电时间“2026/11/25 14:3”不是有效的时间" in text and "分钟写两位" in text
    assert "请输入来电时间" in text and "已登记" not in text
    assert team.svc.tickets.get(NO) is None  # not logged with "now"
    again = text_of(await team.say(STAFF, "2026-11-24 25:99"))
    assert "“2026-11-24 25:99”不是有效的时间" in again and team.svc.tickets.get(NO) is None
    assert "晚于当前时间" in text_of(await team.say(STAFF, "2026-12-30 09:00"))
    card = card_of(await team.say(STAFF, "11月25日9时12分"))
    assert "已登记" in card["text"]
    t = team.svc.tickets.get(NO)
    assert t is not None and t.received_at == at(2026, 11, 25, 9, 12)
    assert t.sign_by == at(2026, 11, 25, 11, 12)  # counted from the call, not from logging


async def test_call_time_written_with_a_space(team: Harness):
    """Item 7: "来电时间 2026/11/25 14:3" (a space, no colon) is read as the call time too —
    and, being unreadable, asked for."""
    paste = PASTE.replace("来电时间：2026-11-25 09:12", "来电时间 2026/11/25 9:3")
    assert "请输入来电时间" in text_of(await team.say(STAFF, paste))
    assert team.svc.tickets.get(NO) is None
    await team.say(STAFF, "2026/11/25 09:03")
    assert team.svc.tickets.get(NO).received_at == at(2026, 11, 25, 9, 3)


async def test_no_call_time_counts_from_logging(team: Harness):
    """Item 7 (what already worked): no 来电时间 line at all is logged now, as before."""
    card = card_of(await team.say(STAFF, PASTE.replace("来电时间：2026-11-25 09:12\n", "")))
    assert "已登记" in card["text"]
    assert team.svc.tickets.get(NO).received_at == team.clock.now()


# ------------------------------------------------------------------ item 10: feedback, 办结
async def _to_dispatched(h: Harness) -> dict:
    card = card_of(await h.say(STAFF, PASTE))
    await h.press(STAFF, card, "签收")
    picker = (await h.press(STAFF, h.current(card), "派发"))[-1]
    await h.press(STAFF, picker, "确定派发")
    return h.current(card)


async def test_rejected_feedback_is_not_glued_onto_the_accepted_one(team: Harness):
    """Item 10: "已经处理好了" (no parts) is refused and left out; only the labelled parts
    are stored, in order, whatever came around them."""
    card = await _to_dispatched(team)
    await team.press(STAFF, card, "反馈")
    refused = text_of(await team.say(STAFF, "已经处理好了"))
    assert "未记入反馈" in refused and "背景、过程、结果、后续" in refused
    partly = text_of(await team.say(STAFF, "医院说：\n过程：医院已核实。\n背景：市民挂号。"))
    assert "“医院说：”" in partly and "结果、后续" in partly
    await team.say(STAFF, "结果：已向市民道歉。\n后续：加强培训。")
    t = team.svc.tickets.get(NO)
    assert t is not None and t.status == "已反馈"
    feedback = [e for e in team.svc.tickets.events(t.id, limit=20) if e.action == "反馈"][-1]
    assert feedback.note == ("背景：市民挂号。\n过程：医院已核实。\n结果：已向市民道歉。\n"
                             "后续：加强培训。")
    assert "已经处理好了" not in feedback.note and "医院说" not in feedback.note


async def test_close_asks_for_one_confirming_tap(team: Harness):
    """Item 10: 办结 asks first (确认办结 / 取消); 取消 changes nothing; 确认办结 closes."""
    from bot.services.tickets.actions import ActionInput
    from bot.services.tickets.workflow import Action

    card = await _to_dispatched(team)
    t = team.svc.tickets.get(NO)
    team.svc.tickets.apply(ticket_id=t.id, action=Action.feedback, actor_id=STAFF,
                           data=ActionInput(note="背景：a\n过程：b\n结果：c\n后续：d"))
    team.svc.tickets.apply(ticket_id=t.id, action=Action.callback, actor_id=STAFF,
                           data=ActionInput(solved=True, satisfaction="满意"))
    await team.press(STAFF, card, "刷新")
    mark = team.emu.mark()
    await team.press(STAFF, team.current(card), "办结")
    asked = team.current(card)
    assert "确认办结此工单" in asked["text"] and buttons(asked) == ["确认办结", "取消"]
    assert "确认办结" in team.callback_answers(mark)[-1]["text"]
    assert team.svc.tickets.get(NO).status == "已回访"  # one tap closes nothing
    await team.press(STAFF, asked, "取消")
    assert "办结" in buttons(team.current(card)) and "确认办结" not in team.current(card)["text"]
    assert team.svc.tickets.get(NO).status == "已回访"
    await team.press(STAFF, team.current(card), "办结")
    await team.press(STAFF, team.current(card), "确认办结")
    assert team.svc.tickets.get(NO).status == "已办结"
    assert "已办结" in team.current(card)["text"]


# ------------------------------------------------------------------ item 9: overdue stages
def _the(messages: list[dict], head: str) -> str:
    """The one reply that starts with `head` (reminders may arrive in between)."""
    found = [m["text"] for m in messages if (m.get("text") or "").startswith(head)]
    assert found, [m.get("text") for m in messages]
    return found[-1]


def _line(text: str, no: str) -> str:
    return next(x for x in text.splitlines() if no in x)


async def test_overdue_lists_every_late_stage_and_agrees_with_the_card(team: Harness):
    """Item 9: /overdue lists tickets late at 签收, 联系, 首次反馈 or 办结, naming the stage, in
    the same words as the card and the /open and /mine lines."""
    from bot.services.tickets.actions import ActionInput
    from bot.services.tickets.workflow import Action

    def log(no: str) -> int:
        t = team.svc.tickets.get(no)
        assert t is not None and t.id is not None
        return t.id

    a, b, c, d = "2026112500201", "2026112500202", "2026112500203", "2026112500204"
    for no, urgency in ((a, "一般"), (b, "急"), (c, "一般"), (d, "紧急")):
        await team.say(STAFF, PASTE.replace(NO, no).replace("程度：一般", f"程度：{urgency}"))
    svc = team.svc.tickets
    svc.apply(ticket_id=log(b), action=Action.sign, actor_id=STAFF)
    svc.apply(ticket_id=log(b), action=Action.contact, actor_id=STAFF)
    svc.apply(ticket_id=log(c), action=Action.sign, actor_id=STAFF)
    for action, data in ((Action.sign, None), (Action.contact, None),
                         (Action.dispatch, ActionInput(units=["首都医科大学附属北京朝阳医院"]))):
        svc.apply(ticket_id=log(d), action=action, actor_id=STAFF, data=data)

    team.clock.set(at(2026, 11, 25, 19, 0))
    text = _the(await team.say(STAFF, "/overdue"), "已超时工单")
    assert _line(text, a).endswith("⏰签收已超时 7 小时 48 分钟")  # the case
    assert _line(text, d).endswith("⏰首次反馈已超时 7 小时 48 分钟")  # 紧急: 2 h
    assert b not in text and c not in text
    card = card_of(await team.say(STAFF, f"/t {a}"))
    assert "签收时限：11月25日 11:12（已超时 7 小时 48 分钟）" in card["text"]
    d_card = card_of(await team.say(STAFF, f"/t {d}"))
    assert "首次反馈时限：11月25日 11:12（已超时 7 小时 48 分钟）" in d_card["text"]
    for command, head in (("/open", "全部在办工单"), ("/mine", "我的在办工单")):
        listed = _the(await team.say(STAFF, command), head)
        assert "⏰签收已超时 7 小时 48 分钟" in _line(listed, a)
        assert "⏰" not in _line(listed, b) and "办结还剩" in _line(listed, b)

    team.clock.set(at(2026, 11, 27, 10, 0))  # 联系 (1 working day) and 急's 办结 (24 h) too
    text = _the(await team.say(STAFF, "/overdue"), "已超时工单")
    assert _line(text, a).endswith("⏰已超时：签收 1 天 22 小时、联系 10 小时")
    assert _line(text, b).endswith("⏰办结已超时 1 天")
    assert _line(text, c).endswith("⏰联系已超时 10 小时")
    pos = {x: text.index(x) for x in (a, b, c, d)}
    assert max(pos[a], pos[d]) < pos[b] < pos[c]  # the most overdue first
    card = card_of(await team.say(STAFF, f"/t {c}"))
    assert "联系时限：11月26日 23:59（已超时 10 小时）" in card["text"]


# ------------------------------------------------------------------ item 8: a missed alert
URGENT_NO = "2026112500777"


async def _log_urgent(h: Harness) -> None:
    from tests.e2e.test_alerts import PASTE as URGENT_PASTE

    mark = h.emu.mark()
    await h.say(STAFF, URGENT_PASTE)
    await h.emu.wait_for_message(DUTY_GROUP, contains=URGENT_NO, after=mark)


def _copies(h: Harness, chat_id: int) -> list[dict]:
    return [c.result for c in h.emu.calls if c.method == "sendMessage" and c.ok
            and c.result["chat"]["id"] == chat_id and URGENT_NO in c.result["text"]
            and "案件提醒" in c.result["text"]]


async def test_alerts_lists_each_waiting_alert_with_its_buttons(team: Harness):
    """Item 8: /alerts sends each waiting alert again, with 收到/暂缓, to whoever may press
    them (leaders, managers, admins); the copy is a real copy: 收到 on it acknowledges and every
    copy is edited. Staff get the list only, with nothing to press."""
    await _log_urgent(team)
    staff_list = await team.say(STAFF, "/alerts")
    assert URGENT_NO in text_of(staff_list) and "补发" not in text_of(staff_list)
    assert not any(buttons(m) for m in staff_list)
    mark = team.emu.mark()
    listed = text_of(await team.say(MANAGER, "/alerts"))
    assert URGENT_NO in listed and "下面逐条补发其中 1 条" in listed
    again = await team.emu.wait_for_message(MANAGER, contains="待确认", after=mark)
    assert URGENT_NO in again["text"] and buttons(again) == ["收到", "暂缓"]
    assert "刚刚发出，尚无人确认。" in again["text"]
    await team.press(MANAGER, again, "收到")
    a = alert_of(team)
    assert a is not None and a.acked_by == MANAGER
    leader_copy = _copies(team, LEADER)[0]
    await team.emu.wait_for_call(lambda c: c.method == "editMessageText" and c.ok
                                 and c.result["message_id"] == leader_copy["message_id"]
                                 and c.result["chat"]["id"] == LEADER)
    for copy in (again, leader_copy):  # the copy sent again is edited like the first one
        now = team.current(copy)
        assert "赵经理 已于" in now["text"] and not buttons(now)
        assert "请点“收到”" not in now["text"]  # nothing left to press: not asked either
    assert "目前没有未结束的紧急提醒" in text_of(await team.say(MANAGER, "/alerts"))


async def test_ticket_card_shows_the_alert_buttons_to_those_who_may_press(team: Harness):
    """Item 8: /t of an alerted ticket shows 收到/暂缓 to a leader (not to staff); 收到 there
    acknowledges and takes just those two buttons off the card."""
    await _log_urgent(team)
    staff_card = card_of(await team.say(STAFF, f"/t {URGENT_NO}"))
    assert "收到" not in buttons(staff_card)
    card = card_of(await team.say(LEADER, f"/t {URGENT_NO}"))
    assert buttons(card)[:2] == ["收到", "暂缓"] and "刷新" in buttons(card)
    await team.press(LEADER, card, "收到")
    assert "已确认" in team.callback_answers()[-1]["text"]
    assert alert_of(team).acked_by == LEADER
    after = team.current(card)
    assert "收到" not in buttons(after) and "刷新" in buttons(after)
    again = card_of(await team.say(LEADER, f"/t {URGENT_NO}"))
    assert "收到" not in buttons(again)


async def test_leader_start_sends_again_what_waits_for_them(team: Harness):
    """Item 8: a leader who never received the alert (had not opened the bot) gets it on
    /start, with its buttons; someone the alert did not go to gets no such line."""
    team.emu.block(LEADER)
    await _log_urgent(team)
    await team.emu.wait_for_message(MANAGER, contains="提醒未送达")
    team.emu.unblock(LEADER)
    mark = team.emu.mark()
    greeting = text_of(await team.say(LEADER, "/start"))
    assert "王主任" in greeting and "有 1 条紧急提醒等待您确认" in greeting
    copy = await team.emu.wait_for_message(LEADER, contains="待确认", after=mark)
    assert buttons(copy) == ["收到", "暂缓"] and URGENT_NO in copy["text"]
    assert "等待您确认" not in text_of(await team.say(MANAGER, "/start"))  # not sent to him
    await team.press(LEADER, copy, "收到")
    assert alert_of(team).acked_by == LEADER
    assert "等待您确认" not in text_of(await team.say(LEADER, "/start"))  # nothing waits now


async def test_copies_without_buttons_never_ask_for_them(team: Harness):
    """Item 8: the duty group's notice and a staff duty officer's copy carry no buttons and
    do not ask to press one; after 暂缓 every copy keeps its own buttons (the duty group's
    still none, the leaders' still 收到/暂缓)."""
    now = team.clock.now()
    team.svc.roster.set_slot(d=now.date(), shift_name="白班", people=["李值班"], actor_id=ADMIN)
    await _log_urgent(team)
    group = (await team.emu.wait_for_message(DUTY_GROUP, contains="案件提醒"))
    assert not buttons(group) and "请点“收到”" not in group["text"]
    assert "等待领导点“收到”确认" in group["text"]
    leader = await team.emu.wait_for_message(LEADER, contains="案件提醒")
    assert "请点“收到”确认" in leader["text"] and buttons(leader) == ["收到", "暂缓"]
    mark = team.emu.mark()
    team.clock.advance(timedelta(minutes=10))  # level 2: main leaders, leaders' group, duty
    await team.run_due()
    duty = await team.emu.wait_for_message(STAFF2, contains="升级提醒", after=mark)
    assert not buttons(duty) and "请点“收到”" not in duty["text"]
    assert "已 10 分钟无人确认" in duty["text"]
    replies = await team.press(LEADER, leader, "暂缓")
    await team.press(LEADER, replies[-1], "会议中")
    await team.emu.wait_for_call(lambda c: c.method == "editMessageText" and c.ok
                                 and c.result["chat"]["id"] == DUTY_GROUP)
    await team.settle()
    assert "暂缓至" in team.current(group)["text"] and not buttons(team.current(group))
    assert not buttons(team.current(duty))
    assert buttons(team.current(leader)) == ["收到", "暂缓"]
    lg = _copies(team, LEADER_GROUP)[0]
    assert buttons(team.current(lg)) == ["收到", "暂缓"]


# ------------------------------------------------------------------ item 11: wording
async def test_history_names_the_dispatch_once(team: Harness):
    """Item 11: the history reads "派发：<单位>", not "派发：派发至：<单位>"."""
    card = await _to_dispatched(team)
    history = text_of(await team.press(STAFF, card, "全部记录"))
    assert "派发：首都医科大学附属北京朝阳医院；抄送：" in history
    assert "派发至" not in history


async def test_spans_under_a_minute_read_naturally(team: Harness):
    """Item 11: no "已 不到 1 分钟" in /alerts, no "不到 1 分钟后确认" once acknowledged."""
    await _log_urgent(team)
    listed = text_of(await team.say(STAFF, "/alerts"))
    assert "刚刚发出" in listed and "不到 1 分钟" not in listed
    leader = _copies(team, LEADER)[0]
    await team.press(LEADER, leader, "收到")
    await team.emu.wait_for_call(lambda c: c.method == "editMessageText" and c.ok
                                 and c.result["message_id"] == leader["message_id"]
                                 and c.result["chat"]["id"] == LEADER)
    assert "（1 分钟内确认）" in team.current(leader)["text"]
    told = await team.emu.wait_for_message(STAFF, contains="收到（")
    assert "1 分钟内确认" in told["text"]
    mine = text_of(await team.say(LEADER, "/alerts mine"))
    history = text_of(await team.say(STAFF, f"/t {URGENT_NO}"))
    for text in (team.current(leader)["text"], told["text"], mine, history):
        assert "不到 1 分钟" not in text and "已 不到" not in text
    assert "领导收到：紧急提醒#1，1 分钟内确认" in history


async def test_unknown_category_lists_at_most_five_close_ones(team: Harness):
    """Item 11: "相近的分类有" lists at most 5 close categories, none when nothing is close."""
    near = text_of(await team.say(STAFF, PASTE.replace("医疗服务/服务态度", "医疗/态度")))
    options = near.split("相近的分类有：")[1].split("。")[0].split("、")
    assert 1 <= len(options) <= 5 and "医疗服务/服务态度" in options
    await team.say(STAFF, "/cancel")
    far = text_of(await team.say(STAFF, PASTE.replace("医疗服务/服务态度", "天气/下雨")))
    assert "相近的分类有" not in far and "问题分类“天气/下雨”未找到" in far
