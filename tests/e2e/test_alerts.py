"""Urgent alerts end to end: raise on 紧急 (every leader at once) and by /urgent, 收到 edits
every copy, escalation (short waits on a stepped clock, repeats, a time-windowed level,
policy exhausted), the ack-timeout reminder, 暂缓, /alerts, /setsection, 429/5xx during fan-out,
a blocked leader, closing on dispatch, fan-out limits, SIGKILL mid-escalation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.clock import Clock, MovableClock
from bot.config import DEFAULT_TZ as SHANGHAI
from bot.emulator import ApiCall, BotApiEmulator
from bot.services.alerts.policy import EscalationPolicy
from bot.services.staff.directory import StaffDirectory
from bot.services.tickets.actions import ActionInput
from bot.services.tickets.workflow import Action
from models.alert import Alert, AlertStatus
from models.db import session_scope
from models.staff import Role
from tests.e2e.conftest import make_settings, running
from tests.e2e.harness import (
    ADMIN,
    DUTY_GROUP,
    LEADER,
    LEADER_GROUP,
    MANAGER,
    STAFF,
    STAFF2,
    STRANGER,
    Harness,
    buttons,
    text_of,
)
from tests.e2e.subprocess_bot import HANG, kill_bot, pending, restarted, start_bot, until

NO = "2026112500777"
PASTE = f"""/new
工单编号：{NO}
来电人：张三丰
联系电话：13800138000
诉求类型：投诉
问题分类：医疗服务/服务态度
承办单位：朝阳医院
紧急程度：紧急
诉求内容：张三丰反映孩子高烧急诊无人接诊，回拨 13800138000。"""
LEADER2, LEADER3 = 3002, 3003


def more_leaders(h: Harness) -> list[int]:
    for uid, name in [(LEADER2, "李主任"), (LEADER3, "刘主任")]:
        h.emu.add_user(uid, name)
        h.add(uid, "leader", name)
    return [LEADER, LEADER2, LEADER3]


def alert_copies(h: Harness, chat_id: int, words: str = "案件提醒") -> list[dict]:
    return [c.result for c in h.emu.calls if c.method == "sendMessage" and c.ok
            and c.result["chat"]["id"] == chat_id and NO in c.result["text"]
            and words in c.result["text"]]


async def advance(h: Harness, delta: timedelta) -> None:
    """Move the bot's clock and run the scheduler twice at the new time (a second tick must
    add nothing), waiting each time until its deliveries are sent."""
    h.clock.advance(delta)
    await h.run_due()
    await h.run_due()


async def log_urgent(h: Harness, paste: str = PASTE) -> dict:
    mark = h.emu.mark()
    await h.say(STAFF, paste)
    return await h.emu.wait_for_message(LEADER, contains="案件提醒", after=mark, timeout=5)


def alert_of(h: Harness, no: str = NO):
    t = h.svc.tickets.get(no)
    assert t is not None and h.svc.alerts is not None
    rows = [a for a, n in h.svc.alerts.live(limit=100) if n == no]
    return rows[0] if rows else None


async def test_logging_urgent_reaches_every_leader_at_once_and_groups(team: Harness):
    leaders = more_leaders(team)
    msg = await log_urgent(team)
    assert buttons(msg) == ["收到", "暂缓"]
    assert NO in msg["text"] and "首都医科大学附属北京朝阳医院" in msg["text"]
    assert "医疗服务/服务态度" in msg["text"] and "张值班" in msg["text"]  # category, raiser
    assert "时限：签收" in msg["text"] and "办结" in msg["text"]  # the deadlines
    assert "13800138000" not in msg["text"] and "138****8000" in msg["text"]  # no phone
    for uid in leaders:  # every active leader, at once (no clock movement)
        got = await team.emu.wait_for_message(uid, contains="案件提醒", timeout=5)
        assert buttons(got) == ["收到", "暂缓"]
    lg = await team.emu.wait_for_message(LEADER_GROUP, contains="案件提醒")  # the same
    assert buttons(lg) == ["收到", "暂缓"] and "张三丰" not in lg["text"]
    group = await team.emu.wait_for_message(DUTY_GROUP, contains=NO)  # a masked notice
    assert "张三丰" not in group["text"] and "13800138000" not in group["text"]
    assert "张**" in group["text"] and not buttons(group)
    assert not [m for m in team.emu.bot_messages(MANAGER) if NO in (m.get("text") or "")]


async def test_ack_edits_every_copy_and_stops_escalation(team: Harness):
    leaders = more_leaders(team)
    msg = await log_urgent(team)
    await team.emu.wait_for_message(DUTY_GROUP, contains=NO)
    await team.emu.wait_for_message(LEADER_GROUP, contains=NO)
    for uid in leaders:
        await team.emu.wait_for_message(uid, contains="案件提醒")
    mark = team.emu.mark()
    await team.press(LEADER, msg, "收到")
    assert "已确认" in team.callback_answers()[-1]["text"]
    for chat in (*leaders, LEADER_GROUP, DUTY_GROUP):  # every copy, private and groups
        copies = alert_copies(team, chat)
        assert len(copies) == 1, chat
        copy = team.current(copies[0])
        assert "王主任 已于" in copy["text"] and not buttons(copy), chat
    told = await team.emu.wait_for_message(STAFF, contains="收到", after=mark)  # the raiser
    assert NO in told["text"] and "王主任" in told["text"]
    a = alert_of(team)
    assert a is not None and a.status == AlertStatus.acked.value and a.acked_by == LEADER
    assert a.id is not None and a.ticket_id is not None
    history = [e for e in team.svc.tickets.events(a.ticket_id, limit=20)
               if e.action == "领导收到"]
    assert len(history) == 1 and history[0].actor_id == LEADER
    # a later press is answered politely and not recorded twice
    other = alert_copies(team, LEADER2)[0]  # his phone still shows the old keyboard
    mark2 = team.emu.mark()
    await team.press_data(LEADER2, LEADER2, other["message_id"], f"al1:ack:{a.id}",
                          check=False)
    answer = team.callback_answers(mark2)[-1]
    assert "王主任 已于" in answer["text"] and answer.get("show_alert")
    assert len([e for e in team.svc.tickets.events(a.ticket_id, limit=20)
                if e.action == "领导收到"]) == 1
    assert alert_of(team).acked_by == LEADER  # type: ignore[union-attr]
    mark = team.emu.mark()
    await advance(team, timedelta(minutes=25))
    assert not [m for m in team.messages_since(mark) if "升级提醒" in (m.get("text") or "")]
    mine = text_of(await team.say(LEADER, "/alerts mine"))
    assert NO in mine and "收到" in mine


async def test_staff_cannot_ack_and_nothing_changes(team: Harness):
    await log_urgent(team)
    group = await team.emu.wait_for_message(LEADER_GROUP, contains=NO)
    mark = team.emu.mark()
    await team.press(STAFF, group, "收到")
    answer = team.callback_answers(mark)[-1]
    assert answer.get("show_alert") and "不能使用" in answer["text"]
    assert buttons(team.current(group)) == ["收到", "暂缓"]
    a = alert_of(team)
    assert a is not None and a.status == AlertStatus.open.value and a.acked_by is None


async def test_escalates_level_by_level_then_repeats(team: Harness):
    await log_urgent(team)
    mark = team.emu.mark()
    await advance(team, timedelta(minutes=10))
    lg = await team.emu.wait_for_message(LEADER_GROUP, contains="升级提醒", after=mark)
    assert "第2级" in lg["text"] and "张三丰" not in lg["text"]
    mark = team.emu.mark()
    await advance(team, timedelta(minutes=10))
    m = await team.emu.wait_for_message(MANAGER, contains="升级提醒", after=mark)
    assert "第3级" in m["text"]
    mark = team.emu.mark()
    await advance(team, timedelta(minutes=10))
    await team.emu.wait_for_message(MANAGER, contains="再次提醒", after=mark)
    await team.press(MANAGER, m, "收到")
    a = alert_of(team)
    assert a is not None and a.acked_by == MANAGER


async def test_policy_exhausted_managers_are_told(team: Harness):
    """Packaged policy: L1 0', L2 10', L3 20' repeated twice (30', 40'); at 50' nobody has
    answered: the managers are told, and nothing more is sent."""
    await log_urgent(team)
    mark = team.emu.mark()
    for _ in range(4):
        await advance(team, timedelta(minutes=10))
    assert not [m for m in team.messages_since(mark, MANAGER) if "无人确认" in m["text"]
                and "逐级提醒完毕" in m["text"]]
    await advance(team, timedelta(minutes=10))
    notice = await team.emu.wait_for_message(MANAGER, contains="逐级提醒完毕", after=mark)
    assert NO in notice["text"]
    assert alert_of(team).status == AlertStatus.expired.value  # type: ignore[union-attr]
    assert len(alert_copies(team, MANAGER, "第3级")) == 3  # L3 and its 2 repeats
    await advance(team, timedelta(minutes=30))
    assert len([m for m in team.emu.bot_messages(MANAGER) if "逐级提醒完毕" in m["text"]]) == 1
    assert "逐级提醒完毕" in text_of(await team.say(STAFF, "/alerts"))


async def test_ack_timeout_reminds_acknowledger_and_duty_officer(team: Harness):
    """收到, but the ticket is still not dispatched ALERT_ACK_TIMEOUT_MINUTES (60) later: the
    acknowledger and the duty officer on the roster are reminded, once."""
    roster = team.svc.roster
    assert roster is not None
    now = team.clock.now()
    roster.set_slot(d=now.date(), shift_name="白班", people=["李值班"], actor_id=ADMIN)
    msg = await log_urgent(team)
    await team.press(LEADER, msg, "收到")
    mark = team.emu.mark()
    await advance(team, timedelta(minutes=59))
    assert not [m for m in team.messages_since(mark) if "仍未派发" in (m.get("text") or "")]
    await advance(team, timedelta(minutes=1))
    to_leader = await team.emu.wait_for_message(LEADER, contains="仍未派发", after=mark)
    to_duty = await team.emu.wait_for_message(STAFF2, contains="仍未派发", after=mark)
    assert NO in to_leader["text"] and NO in to_duty["text"]
    await advance(team, timedelta(minutes=60))
    assert len([m for m in team.messages_since(mark) if "仍未派发" in (m.get("text") or "")]) \
        == 2


async def test_snooze_holds_escalation_then_reminds(team: Harness):
    msg = await log_urgent(team)
    replies = await team.press(LEADER, msg, "暂缓")
    assert "暂缓原因" in text_of(replies)
    await team.press(LEADER, replies[-1], "会议中")
    assert "暂缓至" in team.current(msg)["text"] and "会议中" in team.current(msg)["text"]
    mark = team.emu.mark()
    await advance(team, timedelta(minutes=12))
    assert not [m for m in team.messages_since(mark) if "提醒" in (m.get("text") or "")]
    await advance(team, timedelta(minutes=20))
    again = await team.emu.wait_for_message(LEADER, contains="再次提醒", after=mark)
    assert "第1级" in again["text"]


async def test_urgent_command_remarks_ticket_and_alerts(team: Harness):
    await team.say(STAFF, PASTE.replace("紧急程度：紧急", "紧急程度：一般"))
    assert alert_of(team) is None
    mark = team.emu.mark()
    text = text_of(await team.say(STAFF, f"/urgent {NO} 家属情绪激动 <b>"))
    assert "已发出紧急提醒" in text and "王主任" in text
    msg = await team.emu.wait_for_message(LEADER, contains="案件提醒", after=mark)
    assert "说明：家属情绪激动 &lt;b&gt;" in msg["text"] or "家属情绪激动 <b>" in msg["text"]
    t = team.svc.tickets.get(NO)
    assert t is not None and t.urgency == "紧急"
    assert "已有未结束的提醒" in text_of(await team.say(STAFF, f"/urgent {NO}"))


async def test_urgent_bad_input_and_refusal(team: Harness):
    assert "用法" in text_of(await team.say(STAFF, "/urgent"))
    assert "没有找到工单" in text_of(await team.say(STAFF, "/urgent 999<x>"))
    refused = text_of(await team.say(STRANGER, f"/urgent {NO}"))
    assert "仅供" in refused


async def test_alerts_list(team: Harness):
    await log_urgent(team)
    text = text_of(await team.say(STAFF, "/alerts"))
    assert NO in text and "未确认" in text and "第1级" in text
    assert "用法" in text_of(await team.say(STAFF, "/alerts foo"))
    assert "仅供" in text_of(await team.say(STRANGER, "/alerts"))
    await team.press(LEADER, team.emu.last_bot_message(LEADER), "收到")
    assert NO not in text_of(await team.say(STAFF, "/alerts"))  # acknowledged: not open
    assert NO in text_of(await team.say(LEADER, "/alerts mine"))


async def test_setsection_routes_a_section_leaders_level(team: Harness, tmp_path: Path):
    """section_leaders is available to custom policies (the packaged one tells everyone)."""
    team.emu.add_user(LEADER2, "李主任")
    team.add(LEADER2, "leader", "李主任")
    text = text_of(await team.say(ADMIN, f"/setsection {LEADER} 医政科"))
    assert "医政医管科" in text
    assert "不能使用" in text_of(await team.say(STAFF, f"/setsection {LEADER} 医政医管科"))
    assert "不是委机关科室" in text_of(await team.say(ADMIN, f"/setsection {LEADER} 朝阳医院"))
    assert "用法" in text_of(await team.say(ADMIN, "/setsection 1"))
    policy = tmp_path / "sections.yaml"
    policy.write_text("levels:\n  - recipients: [section_leaders, duty_group]\n"
                      "  - name: 全体领导\n    recipients: [all_leaders, leader_group]\n",
                      encoding="utf-8")
    assert team.svc.alerts is not None
    team.svc.alerts.policy = EscalationPolicy.load(policy)
    mark = team.emu.mark()
    await log_urgent(team)
    assert not [m for m in team.messages_since(mark, LEADER2)]  # not his section
    await advance(team, timedelta(minutes=10))  # level 2: all leaders
    await team.emu.wait_for_message(LEADER2, contains="升级提醒", after=mark)


async def test_blocked_leader_is_recorded_and_managers_told(team: Harness):
    more_leaders(team)
    team.emu.block(LEADER)
    await team.say(STAFF, PASTE)
    notice = await team.emu.wait_for_message(MANAGER, contains="提醒未送达")
    assert "王主任" in notice["text"] and NO in notice["text"]
    for uid in (LEADER2, LEADER3):  # the others still get it
        await team.emu.wait_for_message(uid, contains="案件提醒")
    await team.emu.wait_for_message(LEADER_GROUP, contains="案件提醒")
    a = alert_of(team)
    assert a is not None and str(LEADER) in a.undeliverable


async def test_429_and_5xx_during_fanout_lose_nothing(team: Harness):
    """Telegram answers 429 (retry_after) to one leader and 5xx to another and the leaders'
    group: each is retried, every copy arrives exactly once, nobody else is held up."""
    leaders = more_leaders(team)
    team.emu.fail("sendMessage", status=429, retry_after=1, chat_id=LEADER)
    team.emu.fail("sendMessage", status=502, chat_id=LEADER2, times=2)
    team.emu.fail("sendMessage", status=500, chat_id=LEADER_GROUP)
    mark = team.emu.mark()
    await team.say(STAFF, PASTE)
    await team.emu.wait_for_message(LEADER3, contains="案件提醒", after=mark)
    assert not alert_copies(team, LEADER)  # it waits retry_after on the bot's clock
    # 429 after 1 s, 5xx back off through the database (2 s, 4 s on the bot's clock)
    for _ in range(4):
        await advance(team, timedelta(seconds=5))
    await team.emu.wait_for_message(LEADER2, contains="案件提醒", after=mark)
    await team.emu.wait_for_message(LEADER_GROUP, contains="案件提醒", after=mark)
    failed = [c for c in team.emu.calls[mark:] if c.method == "sendMessage" and not c.ok]
    assert len(failed) == 4
    for chat in (*leaders, LEADER_GROUP, DUTY_GROUP):
        assert len(alert_copies(team, chat)) == 1, chat
    assert not [m for m in team.emu.bot_messages(MANAGER) if "提醒未送达" in m["text"]]


async def test_dispatch_closes_alert_and_marks_copies(team: Harness):
    msg = await log_urgent(team)
    t = team.svc.tickets.get(NO)
    assert t is not None and t.id is not None
    team.svc.tickets.apply(ticket_id=t.id, action=Action.sign, actor_id=STAFF)
    team.svc.tickets.apply(ticket_id=t.id, action=Action.dispatch, actor_id=STAFF,
                           data=ActionInput(units=["首都医科大学附属北京朝阳医院"]))
    chat, mid = msg["chat"]["id"], msg["message_id"]
    mark = team.emu.mark()
    await team.run_due()  # the next tick closes the alert and edits every copy
    assert [c for c in team.emu.calls[mark:]
            if c.method == "editMessageText" and c.ok and isinstance(c.result, dict)
            and c.result["chat"]["id"] == chat and c.result["message_id"] == mid
            and "工单已派发" in c.result.get("text", "")]
    assert "工单已派发" in team.current(msg)["text"] and not buttons(team.current(msg))
    assert alert_of(team) is None  # closed alerts are not listed


async def test_fanout_survives_enforced_flood_limits(team: Harness):
    """40 leaders at once, with Telegram enforcing its 30/s: the bot paces itself (a send
    holds its slot until answered, so however the requests travel Telegram never counts one
    too many) and no 429 comes; each leader gets the alert exactly once and the group stays
    within 20 a minute."""
    team.emu.limiter.enforce = True
    for i in range(40):
        uid = 5000 + i
        team.emu.add_user(uid, f"领导{i}")
        team.add(uid, "leader", f"领导{i:02d}")
    mark = team.emu.mark()
    await team.say(STAFF, PASTE)
    assert not [c for c in team.emu.calls[mark:] if not c.ok]
    for i in range(40):
        await team.emu.wait_for_message(5000 + i, contains="案件提醒", after=mark)
    for i in range(40):
        got = [m for m in team.emu.bot_messages(5000 + i) if "案件提醒" in m["text"]]
        assert len(got) == 1
    assert team.emu.max_sends(60.0, DUTY_GROUP) <= 20


# ------------------------------------------------------------- short waits (policy file)
QUICK_WAIT = timedelta(seconds=3)
EARLY = timedelta(milliseconds=100)
QUICK_POLICY = f"""levels:
  - name: 全体领导
    recipients: [all_leaders, leader_group, duty_group]
    wait_minutes: {QUICK_WAIT.total_seconds() / 60}
  - name: 夜间领导群
    recipients: [leader_group]
    window: "20:00-08:00"
    wait_minutes: {QUICK_WAIT.total_seconds() / 60}
  - name: 项目经理
    recipients: [managers]
    wait_minutes: {QUICK_WAIT.total_seconds() / 60}
    repeat: 1
"""


async def _quick(emu: BotApiEmulator, engine: Engine, tmp_path: Path,
                 start: datetime) -> AsyncIterator[Harness]:
    """The production app with ESCALATION_POLICY_FILE set to a policy of 3-second waits, on a
    clock the test steps."""
    policy = tmp_path / "quick.yaml"
    policy.write_text(QUICK_POLICY, encoding="utf-8")
    settings = make_settings(emu, engine, tmp_path, escalation_policy_file=policy)
    async with running(emu, settings, MovableClock(start), engine) as h:
        for uid, role, name in [(STAFF, "staff", "张值班"), (LEADER, "leader", "王主任"),
                                (MANAGER, "manager", "赵经理")]:
            h.add(uid, role, name)
        yield h


@pytest.fixture
async def quick_day(emu: BotApiEmulator, engine: Engine,
                    tmp_path: Path) -> AsyncIterator[Harness]:
    async for h in _quick(emu, engine, tmp_path, datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI)):
        yield h


@pytest.fixture
async def quick_night(emu: BotApiEmulator, engine: Engine,
                      tmp_path: Path) -> AsyncIterator[Harness]:
    async for h in _quick(emu, engine, tmp_path, datetime(2026, 11, 25, 23, 0, tzinfo=SHANGHAI)):
        yield h


def _sends(h: Harness, chat_id: int, words: str) -> list[dict]:
    return [c.result for c in h.emu.calls if c.method == "sendMessage" and c.ok
            and c.result["chat"]["id"] == chat_id and words in c.result["text"]]


async def _at(h: Harness, when: datetime, chat_id: int, words: str) -> list[dict]:
    """Step the clock to `when`, run what is due; what went to `chat_id` with `words`."""
    mark = h.emu.mark()
    h.clock.set(when)
    await h.run_due()
    return [m for m in h.messages_since(mark, chat_id) if words in (m.get("text") or "")]


async def test_two_levels_short_wait_repeat_window_skipped_then_exhausted(quick_day: Harness):
    """Daytime: level 1 at once; after one wait the night-only level is skipped and the
    managers' level goes out; one repeat after another wait; after a third wait the policy is
    exhausted and the managers are told nobody answered. Each exactly on time: not a moment
    before its wait has passed, and on the first tick once it has."""
    h = quick_day
    await log_urgent(h)
    t0 = h.clock.now()  # raised now; level 1 went out at once
    assert _sends(h, LEADER, "第1级")
    got: dict[str, dict] = {}
    for k, words in ((1, "⏫ 升级提醒"), (2, "🔁 再次提醒"), (3, "逐级提醒完毕")):
        assert await _at(h, t0 + k * QUICK_WAIT - EARLY, MANAGER, "") == [], words
        on_time = await _at(h, t0 + k * QUICK_WAIT, MANAGER, words)
        assert len(on_time) == 1, words
        got[words] = on_time[0]
    assert "第3级" in got["⏫ 升级提醒"]["text"] and "第3级" in got["🔁 再次提醒"]["text"]
    assert NO in got["逐级提醒完毕"]["text"]
    await _at(h, t0 + 10 * QUICK_WAIT, MANAGER, "")
    assert not _sends(h, LEADER_GROUP, "第2级")  # the night level was skipped
    assert len(_sends(h, MANAGER, "第3级")) == 2  # level + 1 repeat, nothing more
    assert alert_of(h).status == AlertStatus.expired.value  # type: ignore[union-attr]


async def test_night_level_applies_inside_its_window(quick_night: Harness):
    h = quick_night
    await log_urgent(h)
    t0 = h.clock.now()
    assert _sends(h, LEADER, "第1级")
    assert await _at(h, t0 + QUICK_WAIT - EARLY, LEADER_GROUP, "第2级") == []
    on_time = await _at(h, t0 + QUICK_WAIT, LEADER_GROUP, "第2级")
    assert len(on_time) == 1 and "夜间领导群" in on_time[0]["text"]
    await _at(h, t0 + 2 * QUICK_WAIT, MANAGER, "第3级")
    m = await h.emu.wait_for_message(MANAGER, contains="第3级")
    await h.press(MANAGER, m, "收到")  # a manager may acknowledge
    a = alert_of(h)
    assert a is not None and a.acked_by == MANAGER


# --------------------------------------------------------------------------- crash safety
KILL_POLICY = """levels:
  - name: 第一级
    recipients: [all_leaders]
    wait_minutes: {wait}
  - name: 第二级
    recipients: [all_leaders, leader_group]
    wait_minutes: {wait}
  - name: 第三级
    recipients: [managers]
    wait_minutes: {wait}
"""
KILL_WAIT = timedelta(seconds=1.2)  # each level's wait in the subprocess (0.02 minutes)


def _policy(tmp_path: Path) -> Path:
    policy = tmp_path / "policy.yaml"
    policy.write_text(KILL_POLICY.format(wait=KILL_WAIT.total_seconds() / 60), encoding="utf-8")
    return policy


def _alert_sends(emu: BotApiEmulator, chat_id: int, words: str) -> list[ApiCall]:
    return [c for c in emu.calls if c.method == "sendMessage" and c.ok
            and c.result["chat"]["id"] == chat_id and words in c.result["text"]]


async def test_sigkill_mid_escalation_delivers_each_once_and_keeps_time(
        emu: BotApiEmulator, engine: Engine, database_url: str, tmp_path: Path):
    """kill -9 while level 2 is half delivered (one send failed and waits for its retry),
    restart: every delivery arrives exactly once, and no level, nor the policy's exhaustion
    notice one wait after the last level, goes out before its time counted from the raise the
    database recorded (the restart does not reset the schedule)."""
    staff = StaffDirectory(engine, Clock(SHANGHAI))
    leaders = [LEADER, 3002, 3003]
    for uid, role, name in [(STAFF, "staff", "张值班"), (LEADER, "leader", "王主任"),
                            (3002, "leader", "李主任"), (3003, "leader", "刘主任"),
                            (MANAGER, "manager", "赵经理")]:
        emu.add_user(uid, name)
        staff.add(actor_id=ADMIN, telegram_id=uid, role=Role(role), name=name)
    # Telegram refuses level 2 to 3002 until the restart: that delivery is owed at the kill
    emu.fail("sendMessage", status=500, chat_id=3002, text_contains="第2级", times=1000)
    policy = _policy(tmp_path)
    proc = start_bot(emu, database_url, tmp_path, ESCALATION_POLICY_FILE=str(policy))
    try:
        emu.send_message(user_id=STAFF, text=PASTE)
        for uid in leaders:
            await emu.wait_for_message(uid, contains="案件提醒", timeout=HANG)
        await emu.wait_for_call(lambda c: c.method == "sendMessage" and not c.ok
                                and str(c.params.get("chat_id")) == "3002", timeout=HANG)
        for chat in (LEADER, 3003, LEADER_GROUP):
            await emu.wait_for_message(chat, contains="第2级", timeout=HANG)
        # kill once the bot has recorded those sends and 3002's failed attempt (the emulator
        # answers before the bot writes the failure down), so none is owed but 3002's
        await until(lambda: all(r.chat_id == 3002 and r.attempts >= 1
                                for r in pending(engine)))
    finally:
        kill_bot(proc)
    owed = pending(engine)
    assert owed and all(r.attempts >= 1 for r in owed)  # mid-escalation: 3002 still owed
    assert not _alert_sends(emu, 3002, "第2级")
    emu.clear_faults()
    async with restarted(emu, engine, tmp_path, escalation_policy_file=policy):
        await emu.wait_for_message(3002, contains="第2级", timeout=HANG)
        l3 = await emu.wait_for_message(MANAGER, contains="第3级", timeout=HANG)
        assert NO in l3["text"]
        # the last level's wait after the restart: the policy is exhausted, told once
        await emu.wait_for_message(MANAGER, contains="逐级提醒完毕", timeout=HANG)
        await until(lambda: not pending(engine))
    # stopped: nothing more can be sent, the counts below are final
    for uid in leaders:
        assert len(_alert_sends(emu, uid, "第1级")) == 1
        assert len(_alert_sends(emu, uid, "第2级")) == 1
    assert len(_alert_sends(emu, LEADER_GROUP, "第2级")) == 1
    assert len(_alert_sends(emu, MANAGER, "第3级")) == 1
    assert len(_alert_sends(emu, MANAGER, "逐级提醒完毕")) == 1
    with session_scope(engine) as s:
        raised = s.exec(select(Alert)).one().raised_at.timestamp()
    wait = KILL_WAIT.total_seconds()
    for waits, chats, words in ((0, leaders, "第1级"), (1, [*leaders, LEADER_GROUP], "第2级"),
                                (2, [MANAGER], "第3级"), (3, [MANAGER], "逐级提醒完毕")):
        for chat in chats:  # never early; how late depends on the machine, so no bound
            assert _alert_sends(emu, chat, words)[0].wall >= raised + waits * wait, words
