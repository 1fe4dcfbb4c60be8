"""The daily post, handovers and the gap report end to end, on a controllable clock: at the
configured times, across midnight, on a make-up working Saturday, once only, masked."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.clock import MovableClock
from bot.config import DEFAULT_TZ as SHANGHAI
from bot.emulator import BotApiEmulator
from tests.e2e.conftest import make_settings, running
from tests.e2e.harness import (
    DUTY_GROUP,
    LEADER,
    MANAGER,
    STAFF,
    STAFF2,
    STRANGER,
    Harness,
    text_of,
)
from tests.e2e.test_tickets import PASTE, log_ticket

D = date(2026, 11, 26)  # Thursday; the pasted ticket was received on 11-25
URGENT_PASTE = PASTE.replace("紧急程度：一般", "紧急程度：紧急").replace(
    "诉求内容：市民", "诉求内容：张三丰（13800138000）")


def at(d: date, h: int, mi: int = 0) -> datetime:
    return datetime(d.year, d.month, d.day, h, mi, tzinfo=SHANGHAI)


def put(team: Harness, d: date, shift: str, *people: str) -> None:
    assert team.svc.roster is not None
    team.svc.roster.set_slot(d=d, shift_name=shift, people=list(people), actor_id=MANAGER)


def posts(team: Harness, chat: int, contains: str) -> list[dict]:
    return [m for m in team.emu.bot_messages(chat) if contains in (m.get("text") or "")]


async def move(team: Harness, when: datetime) -> None:
    """Set the clock and run the scheduler twice there (a second tick must add nothing)."""
    team.clock.set(when)
    await team.run_due()
    await team.run_due()


async def test_daily_post_fires_at_the_configured_time_once_and_masked(team: Harness):
    await log_ticket(team, URGENT_PASTE)  # received 11-25 09:12: yesterday's intake on 11-26
    put(team, D, "白班", "张值班:带班", "李值班")
    await move(team, at(D, 8, 29))
    assert posts(team, DUTY_GROUP, "值班日报") == []
    mark = team.emu.mark()
    await move(team, at(D, 8, 30))
    post = await team.emu.wait_for_message(DUTY_GROUP, contains="值班日报", after=mark,
                                           timeout=5)
    text = post["text"]
    assert "11月26日（周四）" in text and "工作日 · 日常专班" in text
    assert "白班 08:00–20:00：张值班（带班）、李值班" in text and "夜班" in text
    assert "新受理 1 件" in text and "投诉 1" in text and "紧急 1" in text
    assert "紧急工单（昨日）：1 件" in text and "2026112500123" in text
    assert "紧急预警 1 次" in text  # from the alerts feature
    assert "张三丰" not in text and "13800138000" not in text  # masked in the group
    assert "138****8000" in text
    await move(team, at(D, 8, 45))
    assert len(posts(team, DUTY_GROUP, "值班日报")) == 1  # many ticks, one post


async def test_daily_on_demand_private_group_and_past_day(team: Harness):
    await log_ticket(team, URGENT_PASTE)
    team.clock.set(at(D, 11))
    private = text_of(await team.say(STAFF, "/daily"))
    assert "值班日报" in private and "新受理 1 件" in private and "13800138000" in private
    leader = text_of(await team.say(LEADER, "/daily"))  # a leader's copy is masked (issue 13)
    assert "新受理 1 件" in leader and "13800138000" not in leader and "138****8000" in leader
    group = text_of(await team.say(STAFF, "/daily", chat_id=DUTY_GROUP))
    assert "新受理 1 件" in group and "13800138000" not in group and "138****8000" in group
    past = text_of(await team.say(MANAGER, "/daily 2026-11-25"))
    assert "11月25日" in past and "新受理 0 件" in past
    assert "用法" in text_of(await team.say(STAFF, "/daily 11月"))
    assert "今天或以前" in text_of(await team.say(STAFF, "/daily 2026-12-01"))
    assert "值班日报" not in text_of(await team.say(STRANGER, "/daily"))


async def test_handover_at_shift_change_to_group_and_incoming(team: Harness):
    await log_ticket(team)
    put(team, D, "白班", "张值班:带班")
    put(team, D, "夜班", "李值班:带班")
    await move(team, at(D, 19, 59))
    assert posts(team, DUTY_GROUP, "交接班") == []
    mark = team.emu.mark()
    await move(team, at(D, 20, 0))
    group = await team.emu.wait_for_message(DUTY_GROUP, contains="交接班", after=mark,
                                            timeout=5)
    assert "11月26日（周四） 夜班 20:00–次日08:00" in group["text"]
    assert "在办工单</b>" not in group["text"]  # HTML is rendered, not shown
    assert "在办工单：1 件" in group["text"] and "2026112500123" in group["text"]
    assert "张三丰" not in group["text"] and "交班：白班 张值班" in group["text"]
    private = await team.emu.wait_for_message(STAFF2, contains="交接班", after=mark, timeout=5)
    assert "李值班（带班）" in private["text"]
    assert posts(team, STAFF, "交接班") == []  # the outgoing shift is not messaged privately


async def test_handover_across_midnight_carries_the_night_notes(team: Harness):
    put(team, D, "夜班", "李值班:带班")
    put(team, D + timedelta(days=1), "白班", "张值班:带班")
    await move(team, at(D + timedelta(days=1), 2, 30))  # after midnight: still 11-26 夜班
    assert "11月26日（周四） 夜班" in text_of(await team.say(STAFF2, "/handover 凌晨来电已登记"))
    mark = team.emu.mark()
    await move(team, at(D + timedelta(days=1), 8, 0))
    post = await team.emu.wait_for_message(DUTY_GROUP, contains="交接班", after=mark, timeout=5)
    assert "11月27日（周五） 白班" in post["text"] and "凌晨来电已登记" in post["text"]
    assert "交班：夜班 李值班" in post["text"]
    await team.emu.wait_for_message(STAFF, contains="凌晨来电已登记", after=mark, timeout=5)


async def test_makeup_working_saturday(team: Harness):
    sat = date(2026, 10, 10)  # a Saturday worked in exchange for the National Day holiday
    put(team, sat, "白班", "张值班:带班")
    await move(team, at(sat, 7, 50))
    mark = team.emu.mark()
    await move(team, at(sat, 8, 0))
    handover = await team.emu.wait_for_message(DUTY_GROUP, contains="交接班", after=mark,
                                               timeout=5)
    assert "调休上班" in handover["text"] and "日常专班" in handover["text"]
    await move(team, at(sat, 8, 30))
    daily = await team.emu.wait_for_message(DUTY_GROUP, contains="值班日报", after=mark,
                                            timeout=5)
    assert "10月10日（周六）" in daily["text"] and "工作日（调休上班） · 日常专班" in daily["text"]
    # the next day is an ordinary Sunday: weekend team
    await move(team, at(sat + timedelta(days=1), 8, 30))
    sunday = await team.emu.wait_for_message(DUTY_GROUP, contains="值班日报 · 10月11日",
                                             after=mark, timeout=5)
    assert "周末 · 周末专班" in sunday["text"]


async def test_gap_report_goes_to_managers_in_the_afternoon(team: Harness):
    put(team, D + timedelta(days=1), "白班", "张值班")  # 11-27 夜班 has nobody
    mark = team.emu.mark()
    await move(team, at(D, 16, 0))
    gap = await team.emu.wait_for_message(MANAGER, contains="排班缺口", after=mark, timeout=5)
    assert "11月27日" in gap["text"] and "夜班" in gap["text"] and "/roster_set" in gap["text"]
    assert posts(team, STAFF, "排班缺口") == []


# --------------------------------------------------------------------------- custom times


@pytest.fixture
async def late_team(emu: BotApiEmulator, engine: Engine, clock: MovableClock,
                    tmp_path: Path) -> AsyncIterator[Harness]:
    """The team with the daily post configured just after midnight."""
    settings = make_settings(emu, engine, tmp_path, daily_summary_at="00:05")
    async with running(emu, settings, clock, engine) as h:
        for uid, role, name in [(STAFF, "staff", "张值班"), (STAFF2, "staff", "李值班"),
                                (MANAGER, "manager", "赵经理")]:
            h.add(uid, role, name)
        yield h


async def test_daily_post_just_after_midnight(late_team: Harness):
    team = late_team
    await team.say(STAFF, PASTE)
    await move(team, at(D - timedelta(days=1), 23, 58))
    assert posts(team, DUTY_GROUP, "值班日报") == []
    mark = team.emu.mark()
    await move(team, at(D, 0, 5))
    post = await team.emu.wait_for_message(DUTY_GROUP, contains="值班日报", after=mark,
                                           timeout=5)
    assert "11月26日" in post["text"] and "新受理 1 件" in post["text"]
