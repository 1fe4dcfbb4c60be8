"""Urgent alerts beyond Telegram, end to end: the production Application on the Bot API
emulator, the vendors' stand-ins (tests/channels/standins.py) and a real local SMTP server.

Policy `L1 telegram → L2 wecom + sms → L3 voice + email`. Time is the MovableClock: a test
moves it and awaits `svc.scheduler.run_due(now)`, then waits for the stand-in requests it
expects and for the channel lanes to settle (no row due or in hand) — never for a fixed time.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.clock import Clock, MovableClock
from bot.config import DEFAULT_TZ as SHANGHAI
from bot.emulator import BotApiEmulator
from bot.services.staff.contacts import Contacts
from bot.services.staff.directory import StaffDirectory
from models.alert import AlertStatus
from models.db import session_scope
from models.outbox import OutboxMessage
from models.staff import Role
from tests.channels.conftest import Mailbox, write_channels
from tests.channels.standins import StandIns
from tests.e2e.conftest import make_settings, running
from tests.e2e.harness import (
    ADMIN,
    LEADER,
    MANAGER,
    STAFF,
    Harness,
    buttons,
    text_of,
    ticket_paste,
)
from tests.e2e.subprocess_bot import HANG, kill_bot, start_bot, stop_bot, until
from tests.privacy.test_masker import leaks, name_survives

NO = "2026112500888"
CITIZEN, CITIZEN_PHONE, CITIZEN_ID = "张三丰", "13800138000", "110105199003071234"
PASTE = ticket_paste(NO, CITIZEN, CITIZEN_PHONE,
                     f"{CITIZEN}反映孩子高烧急诊无人接诊，身份证 {CITIZEN_ID}，"
                     f"回拨 {CITIZEN_PHONE}。",
                     urgency="紧急")
LEADER2 = 3002
PHONES = {LEADER: "13900000001", LEADER2: "13900000002"}
EMAILS = {LEADER: "wang@example.org"}
WAIT = timedelta(minutes=10)  # ESCALATE_AFTER_MINUTES, every level's wait
POLICY = """levels:
  - name: 全体领导
    recipients: [all_leaders]
  - name: 企业微信和短信
    recipients: [{wecom: leaders}, sms]
  - name: 电话和邮件
    recipients: [voice, email]
"""

Start = Callable[..., Awaitable[Harness]]


@pytest.fixture
async def start(emu: BotApiEmulator, engine: Engine, clock: MovableClock, tmp_path: Path,
                stand: StandIns, mailbox: tuple[Mailbox, int]) -> AsyncIterator[Start]:
    """Start (or restart, on the same database) the production app with the channels."""
    stacks: dict[int, AsyncExitStack] = {}
    emu.add_user(LEADER2, "李主任")

    async def start_bot(policy: str = POLICY, *, gateway_seconds: float = 10,
                        first: bool = True) -> Harness:
        policy_file = tmp_path / "policy.yaml"
        policy_file.write_text(policy, encoding="utf-8")
        channels = write_channels(tmp_path, stand, mailbox[1], timeout=gateway_seconds)
        settings = make_settings(emu, engine, tmp_path, escalation_policy_file=policy_file,
                                 channels_file=channels)
        stack = AsyncExitStack()
        h = await stack.enter_async_context(running(emu, settings, clock, engine))
        stacks[id(h.app)] = stack
        if first:
            for uid, role, name in [(STAFF, "staff", "张值班"), (LEADER, "leader", "王主任"),
                                    (LEADER2, "leader", "李主任"), (MANAGER, "manager", "赵经理")]:
                h.add(uid, role, name)
            for uid, phone in PHONES.items():
                changes = {"phone": phone} | ({"email": EMAILS[uid]} if uid in EMAILS else {})
                h.svc.contacts.set(actor_id=ADMIN, telegram_id=uid, changes=changes)
        return h

    async def stop(h: Harness) -> None:
        await stacks.pop(id(h.app)).aclose()

    start_bot.stop = stop  # type: ignore[attr-defined]
    yield start_bot
    for stack in list(stacks.values()):
        await stack.aclose()


async def log_urgent(h: Harness) -> None:
    mark = h.emu.mark()
    h.emu.send_message(user_id=STAFF, text=PASTE)
    for uid in (LEADER, LEADER2):
        await h.emu.wait_for_message(uid, contains="案件提醒", after=mark, timeout=10)


async def next_level(h: Harness, delta: timedelta = WAIT) -> None:
    h.clock.advance(delta)
    await h.svc.scheduler.run_due(h.clock.now())


def channel_rows(h: Harness) -> list[OutboxMessage]:
    with session_scope(h.svc.engine) as s:
        return list(s.exec(select(OutboxMessage).where(OutboxMessage.channel != "")
                           .order_by(col(OutboxMessage.id))).all())


def _busy(h: Harness) -> list[OutboxMessage]:
    """Channel rows due now or in a lane's hands."""
    now = h.clock.now()
    return [r for r in channel_rows(h) if r.status == "sending"
            or (r.status == "pending" and r.next_attempt_at <= now)]


async def settled(h: Harness, within: float = 15.0) -> None:
    """Until no channel row is due now or in a lane's hands (the lanes have done their part)."""
    await until(lambda: not _busy(h), "channel rows settled", within=within)


def counts(stand: StandIns, box: Mailbox) -> dict[str, int]:
    got = {v: len(stand.of(v)) for v in ("wecom", "dingtalk", "feishu", "sms", "voice")}
    return got | {"email": len(box.messages)}


def link_in(text: str) -> str:
    m = re.search(r"https://t\.me/(\w+)\?start=(ack_[A-Za-z]+)", text)
    assert m is not None, text
    assert m.group(1) == "hotline_duty_bot"  # the emulator's getMe username
    return m.group(2)


def assert_no_citizen_data(text: str) -> None:
    assert not name_survives(CITIZEN, text), text
    for secret in (CITIZEN_PHONE, CITIZEN_ID):
        assert not leaks(secret, text), text


# ------------------------------------------------------------------------------ the chain
async def test_each_level_reaches_exactly_its_channels_once(
        start: Start, stand: StandIns, mailbox: tuple[Mailbox, int]) -> None:
    box = mailbox[0]
    h = await start()
    await log_urgent(h)
    await settled(h)
    assert counts(stand, box) == dict.fromkeys(counts(stand, box), 0)  # L1: Telegram only

    await next_level(h)  # L2: the WeCom robot and an SMS (two parts) to each leader
    wecom = (await stand.wait_for("wecom"))[0].body["text"]
    sms = await stand.wait_for("sms", 4)
    await settled(h)
    assert counts(stand, box) == {"wecom": 1, "dingtalk": 0, "feishu": 0, "sms": 4,
                                  "voice": 0, "email": 0}
    assert sorted(wecom["mentioned_mobile_list"]) == sorted(PHONES.values())
    content = wecom["content"]
    for words in (NO, "朝阳医院", "医疗服务/服务态度", "第2级：企业微信和短信", "紧急",
                  "已等待 10 分钟 无人确认"):
        assert words in content, (words, content)
    link_in(content)
    for r in sms:
        assert r.body["to"] in PHONES.values() and r.body["ref"] == NO
        assert len(r.body["text"]) <= 70, r.body["text"]
    case = [r.body["text"] for r in sms if NO in r.body["text"]]
    assert len(case) == 2 and all("10分钟" in t and "第2级" in t for t in case)
    assert len({link_in(r.body["text"]) for r in sms if "start=" in r.body["text"]}) == 2

    await next_level(h)  # L3: a call to each leader, an e-mail to the one with an address
    voice = await stand.wait_for("voice", 2)
    mails = await asyncio.to_thread(box.wait_for, 1)
    await settled(h)
    assert {r.body["callee"] for r in voice} == set(PHONES.values())
    assert all("尾号0888" in r.body["tts"] and "start=" not in r.body["tts"] for r in voice)
    assert mails[0]["To"] == EMAILS[LEADER] and NO in mails[0]["Subject"]
    body = mails[0].get_content()
    link_in(body)

    mark = h.emu.mark()
    await next_level(h)  # exhausted: the managers are told in Telegram, nothing else
    await h.emu.wait_for_message(MANAGER, contains="逐级提醒完毕", after=mark, timeout=10)
    await settled(h)
    assert counts(stand, box) == {"wecom": 1, "dingtalk": 0, "feishu": 0, "sms": 4,
                                  "voice": 2, "email": 1}
    assert not stand.rejected
    for text in [content, body, mails[0]["Subject"], *(r.body["text"] for r in sms),
                 *(r.body["tts"] for r in voice)]:
        assert_no_citizen_data(text)
    # Telegram: level 1 only (the later levels name channels only)
    for uid in (LEADER, LEADER2):
        sent = [m["text"] for m in h.emu.bot_messages(uid) if NO in (m.get("text") or "")]
        assert len(sent) == 1 and "第1级" in sent[0]


async def test_an_ack_through_the_deep_link_stops_every_channel(
        start: Start, stand: StandIns, mailbox: tuple[Mailbox, int]) -> None:
    h = await start()
    stand.fail["sms"] = 503  # the SMS gateway is down: its rows wait for a retry
    await log_urgent(h)
    await next_level(h)
    content = (await stand.wait_for("wecom"))[0].body["text"]["content"]
    await until(lambda: all(r.attempts >= 1 for r in channel_rows(h) if r.channel == "sms"),
                "every SMS tried once")
    assert all(r.status == "pending" for r in channel_rows(h) if r.channel == "sms")

    # a staff member cannot use it; a leader can (a robot's link is for any leader)
    payload = link_in(content)
    mark = h.emu.mark()
    h.emu.send_message(user_id=STAFF, text=f"/start {payload}")
    refused = await h.emu.wait_for_message(STAFF, after=mark, timeout=10)
    assert "不能确认" in refused["text"] and not buttons(refused)
    mark = h.emu.mark()
    h.emu.send_message(user_id=LEADER2, text=f"/start {payload}")
    shown = await h.emu.wait_for_message(LEADER2, contains=NO, after=mark, timeout=10)
    assert buttons(shown) == ["收到", "暂缓"] and CITIZEN_PHONE not in shown["text"]
    await h.press(LEADER2, shown, "收到")
    assert "已确认" in h.callback_answers()[-1]["text"]
    alert = h.svc.alerts.open_alert(h.svc.tickets.get(NO).id)  # type: ignore[union-attr]
    assert alert is None or alert.acked_by == LEADER2

    # every pending channel row of the alert is cancelled; no retry, no later level
    assert {r.status for r in channel_rows(h) if r.channel == "sms"} == {"cancelled"}
    stand.fail.clear()
    await next_level(h, WAIT * 3)
    await settled(h)
    assert counts(stand, mailbox[0]) == {"wecom": 1, "dingtalk": 0, "feishu": 0, "sms": 0,
                                         "voice": 0, "email": 0}
    # opened again, the link says who acknowledged
    mark = h.emu.mark()
    h.emu.send_message(user_id=LEADER, text=f"/start {payload}")
    again = await h.emu.wait_for_message(LEADER, after=mark, timeout=10)
    assert "李主任" in again["text"] and not buttons(again)


async def test_a_personal_link_is_for_its_person_only(start: Start, stand: StandIns) -> None:
    h = await start()
    await log_urgent(h)
    await next_level(h)
    sms = await stand.wait_for("sms", 4)
    mine = next(r.body["text"] for r in sms
                if r.body["to"] == PHONES[LEADER] and "start=" in r.body["text"])
    mark = h.emu.mark()
    h.emu.send_message(user_id=LEADER2, text=f"/start {link_in(mine)}")
    other = await h.emu.wait_for_message(LEADER2, after=mark, timeout=10)
    assert "另一位领导" in other["text"] and not buttons(other)
    mark = h.emu.mark()
    h.emu.send_message(user_id=LEADER, text="/start ack_notavalidtoken")
    bad = await h.emu.wait_for_message(LEADER, after=mark, timeout=10)
    assert "链接无效" in bad["text"]
    a = h.svc.alerts.open_alert(h.svc.tickets.get(NO).id)  # type: ignore[union-attr]
    assert a is not None and a.status == AlertStatus.open.value  # nothing acknowledged


# ---------------------------------------------------------------- one bad channel, the rest
SLOW_POLICY = """levels:
  - name: 全体领导
    recipients: [all_leaders]
  - name: 渠道
    recipients: [sms, {dingtalk: leaders}, {wecom: leaders}, {feishu: leaders}]
"""


async def test_a_hanging_or_failing_channel_delays_no_other(
        start: Start, stand: StandIns, mailbox: tuple[Mailbox, int]) -> None:
    h = await start(SLOW_POLICY, gateway_seconds=1.0)
    stand.hang.add("sms")  # the gateway never answers (each request times out after 1 s)
    stand.fail["dingtalk"] = 502
    await log_urgent(h)
    await next_level(h)
    await stand.wait_hanging("sms")
    await stand.wait_for("wecom")  # while the SMS still hangs and DingTalk answers 502
    await stand.wait_for("feishu")
    assert not stand.of("sms") and not stand.of("dingtalk")
    await until(lambda: all(r.attempts >= 1 and r.status == "pending" for r in channel_rows(h)
                            if r.channel in ("sms", "dingtalk:leaders")),
                "every SMS timed out and DingTalk failed once; all wait for a retry")
    # three failures in a row: the managers are told once that SMS keeps failing
    told = await h.emu.wait_for_message(MANAGER, contains="提醒渠道发送失败", timeout=15)
    assert "sms" in told["text"]

    stand.hang.clear()
    stand.fail.clear()
    h.clock.advance(timedelta(minutes=1))  # the retries fall due (back-off 2 s, 4 s …)
    h.app.bot_data.channel_courier.kick()
    await stand.wait_for("dingtalk")
    await stand.wait_for("sms", 4)
    await settled(h)
    assert counts(stand, mailbox[0]) == {"wecom": 1, "dingtalk": 1, "feishu": 1, "sms": 4,
                                         "voice": 0, "email": 0}
    notices = [m for m in h.emu.bot_messages(MANAGER) if "提醒渠道发送失败" in m["text"]]
    assert len(notices) == 1


# ------------------------------------------------------------------------- crash safety
async def test_kill_between_levels_loses_and_doubles_nothing(
        start: Start, stand: StandIns, mailbox: tuple[Mailbox, int]) -> None:
    """The app dies while level 2 is half sent (the WeCom message out and recorded, an SMS
    in the gateway's hands without an answer); the same database restarted: each message
    arrives once, and level 3 still follows. (A message the vendor accepted in the instant
    before its outcome was written would be sent again: no webhook takes an idempotency key.
    docs/channels.md says so.)"""
    box = mailbox[0]
    h = await start(gateway_seconds=30)
    stand.hang.add("sms")
    await log_urgent(h)
    await next_level(h)
    await stand.wait_for("wecom")
    await stand.wait_hanging("sms")
    await until(lambda: [r.status for r in channel_rows(h) if r.channel == "wecom:leaders"]
                == ["sent"], "the robot's message recorded as sent")
    assert next(r.status for r in channel_rows(h) if r.channel == "sms") == "sending"
    # kill: no graceful step of ours writes anything at stop (state lives in the database
    # only), so stopping the tasks here is what kill -9 does to them
    await start.stop(h)  # type: ignore[attr-defined]
    stand.release()  # the request the dead process left hanging is dropped, never answered

    h2 = await start(gateway_seconds=30, first=False)
    await stand.wait_for("sms", 4)
    await settled(h2)
    assert counts(stand, box) == {"wecom": 1, "dingtalk": 0, "feishu": 0, "sms": 4,
                                  "voice": 0, "email": 0}
    await next_level(h2)
    await stand.wait_for("voice", 2)
    await asyncio.to_thread(box.wait_for, 1)
    await settled(h2)
    assert counts(stand, box) == {"wecom": 1, "dingtalk": 0, "feishu": 0, "sms": 4,
                                  "voice": 2, "email": 1}
    assert sorted(r.body["to"] for r in stand.of("sms")) == sorted([*PHONES.values()] * 2)
    for uid in (LEADER, LEADER2):  # level 1 in Telegram, once
        assert len([m for m in h2.emu.bot_messages(uid) if NO in (m.get("text") or "")]) == 1


# ------------------------------------------------------------------------------ contacts
async def test_admins_record_contacts_and_only_they_see_them(team: Harness) -> None:
    got = await team.say(ADMIN, "/setcontact 3001 phone +86 139-0000-0001 email wang@example.org")
    assert "已登记 王主任" in got[-1]["text"] and "13900000001" in got[-1]["text"]
    assert team.svc.contacts.get(LEADER).phone == "13900000001"
    listing = (await team.say(ADMIN, "/staff"))[-1]["text"]
    line = next(x for x in listing.splitlines() if "王主任" in x)
    assert "📱13900000001" in line and "✉️wang@example.org" in line
    assert "📱" not in next(x for x in listing.splitlines() if "赵经理" in x)
    # bad input says what to fix and changes nothing
    bad = (await team.say(ADMIN, "/setcontact 3001 phone 12345"))[-1]["text"]
    assert "不是有效的手机号" in bad and "用法" in bad
    bad = (await team.say(ADMIN, "/setcontact 3001 fax 123"))[-1]["text"]
    assert "fax" in bad and team.svc.contacts.get(LEADER).phone == "13900000001"
    gone = (await team.say(ADMIN, "/setcontact 777 phone 13900000007"))[-1]["text"]
    assert "没有找到" in gone
    # a manager (not an admin) neither records nor lists them
    refused = (await team.say(MANAGER, "/setcontact 3001 phone 13900000009"))[-1]["text"]
    assert "13900000001" not in refused and team.svc.contacts.get(LEADER).phone == "13900000001"
    assert "13900000001" not in text_of(await team.say(MANAGER, "/staff"))


# ------------------------------------------------------------- a real kill -9 (subprocess)
KILL_WAIT_S = 3.0  # each level's wait in the child, real clock


async def test_sigkill_between_levels_loses_and_doubles_nothing(
        emu: BotApiEmulator, engine: Engine, database_url: str, tmp_path: Path,
        stand: StandIns, mailbox: tuple[Mailbox, int]) -> None:
    """`python -m bot` in a child process, killed with SIGKILL while level 2 is half sent
    (the robot's message out, an SMS in the gateway's hands), then started again: every
    channel message arrives exactly once, level 3 and the managers' notice follow once."""
    box = mailbox[0]
    staff = StaffDirectory(engine, Clock(SHANGHAI))
    contacts = Contacts(engine, Clock(SHANGHAI), staff)
    emu.add_user(LEADER2, "李主任")
    for uid, role, name in [(STAFF, "staff", "张值班"), (LEADER, "leader", "王主任"),
                            (LEADER2, "leader", "李主任"), (MANAGER, "manager", "赵经理")]:
        staff.add(actor_id=ADMIN, telegram_id=uid, role=Role(role), name=name)
    for uid, phone in PHONES.items():
        contacts.set(actor_id=ADMIN, telegram_id=uid,
                     changes={"phone": phone} | ({"email": EMAILS[uid]} if uid in EMAILS else {}))
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY.replace("recipients:", f"wait_minutes: {KILL_WAIT_S / 60}\n"
                                     "    recipients:"), encoding="utf-8")
    env = {"ESCALATION_POLICY_FILE": str(policy),
           "CHANNELS_FILE": str(write_channels(tmp_path, stand, mailbox[1], timeout=30))}
    stand.hang.add("sms")
    proc = start_bot(emu, database_url, tmp_path, run=1, **env)
    try:
        # every bound below only turns a hang into a failure: a child's start-up on a loaded
        # 2-core machine (the suite runs on both cores) can take most of a minute
        emu.send_message(user_id=STAFF, text=PASTE)
        await emu.wait_for_message(LEADER, contains="案件提醒", timeout=HANG)
        await stand.wait_for("wecom", within=HANG)
        await stand.wait_hanging("sms", within=HANG)
        await until(lambda: [r.status for r in _rows(engine) if r.channel == "wecom:leaders"]
                    == ["sent"], "the robot's message recorded as sent", within=HANG)
        kill_bot(proc)
        stand.release()  # the request the dead process left hanging is never answered
        proc = start_bot(emu, database_url, tmp_path, run=2, **env)
        await stand.wait_for("sms", 4, within=HANG)
        await stand.wait_for("voice", 2, within=HANG)
        await asyncio.to_thread(box.wait_for, 1, HANG)
        await emu.wait_for_message(MANAGER, contains="逐级提醒完毕", timeout=HANG)
        await until(lambda: not [r for r in _rows(engine) if r.status in ("pending", "sending")],
                    "channel rows still open", within=HANG)
    finally:
        await stop_bot(proc)
    assert counts(stand, box) == {"wecom": 1, "dingtalk": 0, "feishu": 0, "sms": 4,
                                  "voice": 2, "email": 1}
    assert sorted(r.body["to"] for r in stand.of("sms")) == sorted([*PHONES.values()] * 2)
    assert {r.status for r in _rows(engine)} == {"sent"}
    for uid in (LEADER, LEADER2):
        assert len([m for m in emu.bot_messages(uid) if NO in (m.get("text") or "")]) == 1


def _rows(engine: Engine) -> list[OutboxMessage]:
    with session_scope(engine) as s:
        return list(s.exec(select(OutboxMessage).where(OutboxMessage.channel != "")).all())
