"""`TIMEZONE=Asia/Urumqi` (UTC+6, two hours behind the default zone): every time the bot
shows and every time it schedules is Urumqi time.

Each check is chosen so that the default zone would give another answer: a ticket logged at
23:30 Urumqi time is already the next day in Beijing, the 21:00 sweep and the 08:00/08:30
posts would fire two hours earlier, and on Sunday 23:30 Urumqi time Beijing's last full week
is a week later.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine

from bot.clock import MovableClock
from bot.emulator import BotApiEmulator
from tests.e2e.conftest import make_settings, running
from tests.e2e.harness import DUTY_GROUP, MANAGER, STAFF, Harness, text_of
from tests.e2e.test_tickets import card_of

URUMQI = ZoneInfo("Asia/Urumqi")


def urumqi(*args: int) -> datetime:
    return datetime(*args, tzinfo=URUMQI)


def paste(no: str, phone: str, *, received: str = "") -> str:
    lines = ["/new", f"工单编号：{no}", "来电人：张三丰", f"联系电话：{phone}",
             "诉求类型：投诉", "问题分类：医疗服务/服务态度", "承办单位：朝阳医院",
             "紧急程度：一般", f"诉求内容：工单{no}的诉求内容"]
    if received:
        lines.insert(2, f"来电时间：{received}")
    return "\n".join(lines)


def said(h: Harness, chat: int, words: str, mark: int = 0) -> list[str]:
    return [m["text"] for m in h.messages_since(mark, chat) if words in (m.get("text") or "")]


async def move(h: Harness, when: datetime) -> None:
    h.clock.set(when)
    await h.run_due()


@pytest.fixture
async def urumqi_team(emu: BotApiEmulator, engine: Engine,
                      tmp_path: Path) -> AsyncIterator[Harness]:
    clock = MovableClock(urumqi(2026, 11, 25, 10, 0))  # Wednesday; 12:00 in Beijing
    settings = make_settings(emu, engine, tmp_path, timezone="Asia/Urumqi")
    async with running(emu, settings, clock, engine) as h:
        h.add(STAFF, "staff", "张值班")
        h.add(MANAGER, "manager", "赵经理")
        yield h


async def test_every_time_shown_and_scheduled_is_urumqi_time(urumqi_team: Harness):
    h = urumqi_team
    # the ticket card: received now, deadlines counted from the Urumqi date
    card = card_of(await h.say(STAFF, paste("2026112500001", "13800138000")))
    text = card["text"]
    assert "来电：11月25日 10:00" in text
    assert "签收时限：11月25日 12:00（还剩 2 小时）" in text
    assert "联系时限：11月26日 23:59" in text and "办结时限：12月4日 23:59" in text
    assert "· 11月25日 10:00 张值班 登记" in text
    a = h.svc.tickets.get("2026112500001")
    assert a is not None and a.received_at == datetime(2026, 11, 25, 4, 0, tzinfo=UTC)
    assert a.contact_by == datetime(2026, 11, 26, 17, 59, 59, tzinfo=UTC)
    await h.press(STAFF, card, "签收")  # signed, not dispatched: the evening sweep's case

    # the overnight sweep at OVERNIGHT_SWEEP_AT (21:00) Urumqi time, not Beijing's
    await move(h, urumqi(2026, 11, 25, 20, 59))
    assert said(h, STAFF, "案件不过夜") == []
    mark = h.emu.mark()
    await move(h, urumqi(2026, 11, 25, 21, 0))
    sweep = said(h, STAFF, "案件不过夜", mark)
    assert len(sweep) == 1 and "2026112500001" in sweep[0]

    # 23:30 in Urumqi is 01:30 on the 26th in Beijing: still the 25th's intake here
    h.clock.set(urumqi(2026, 11, 25, 23, 30))
    late = card_of(await h.say(STAFF, paste("2026112500002", "13900139000")))["text"]
    assert "来电：11月25日 23:30" in late and "联系时限：11月26日 23:59" in late

    # the reminder digest at REMINDER_DIGEST_AT (08:00), and a reminder showing its deadline
    await move(h, urumqi(2026, 11, 26, 7, 59))
    assert said(h, DUTY_GROUP, "今日时限提醒") == []
    await move(h, urumqi(2026, 11, 26, 8, 0))
    digest = said(h, DUTY_GROUP, "今日时限提醒")
    assert len(digest) == 1 and "今日时限提醒（11月26日（周四）" in digest[0]
    assert "联系来电人 11月26日 23:59" in digest[0]
    reminders = said(h, STAFF, "时限提醒")
    assert reminders and all("联系来电人时限 11月26日 23:59" in r for r in reminders)

    # the daily post at DAILY_SUMMARY_AT (08:30): both tickets are yesterday's intake
    await move(h, urumqi(2026, 11, 26, 8, 29))
    assert said(h, DUTY_GROUP, "值班日报") == []
    await move(h, urumqi(2026, 11, 26, 8, 30))
    daily = said(h, DUTY_GROUP, "值班日报")
    assert len(daily) == 1 and "值班日报 · 11月26日（周四）" in daily[0]
    assert "白班 08:00–20:00" in daily[0] and "新受理 2 件" in daily[0]
    assert "过夜 1 件" in daily[0]

    # /weekly on Sunday 23:30 (Monday 01:30 in Beijing): the week of 16–22 November
    h.clock.set(urumqi(2026, 11, 29, 23, 30))
    old = card_of(await h.say(STAFF, paste("2026112200003", "13700137000",
                                           received="2026-11-22 23:30")))["text"]
    assert "来电：11月22日 23:30" in old
    weekly = text_of(await h.say(MANAGER, "/weekly"))
    assert "2026年第47周（11月16日—11月22日）" in weekly and "受理 1 件" in weekly
