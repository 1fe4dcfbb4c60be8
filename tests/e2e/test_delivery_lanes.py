"""One fault stalls nobody (issue 13, item 5): the courier's lanes, one per chat.

A 429 on one chat holds that chat only (its ``retry_after`` on the bot's clock, recorded on
its rows), an urgent alert to other leaders leaves meanwhile, and the held chat gets its
urgent row first once the wait is over. A send answered later than the client's old 5 s
read timeout is delivered once; a send whose answer is lost altogether is recorded as such
and sent again (the at-least-once rule that remains, docs/alerts.md "Delivery").
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.clock import MovableClock
from bot.emulator import BotApiEmulator
from bot.services.outbox.store import NORMAL
from bot.services.reminders.notes import HolidaysMissing
from models.db import session_scope
from models.outbox import OutboxMessage
from tests.e2e.conftest import make_settings, running
from tests.e2e.harness import (
    DUTY_GROUP,
    HANG,
    LEADER,
    LEADER_GROUP,
    MANAGER,
    STAFF,
    Harness,
)
from tests.e2e.test_alerts import NO, PASTE, more_leaders

LEADER2, LEADER3 = 3002, 3003
ROUTINE = "请导入 2027 年节假日安排"  # a routine notice (HolidaysMissing)


def copies(h: Harness, chat_id: int, words: str = "案件提醒", mark: int = 0) -> list[int]:
    """Indexes (in the emulator's call log) of successful sends to the chat holding words."""
    return [i for i, c in enumerate(h.emu.calls) if i >= mark and c.method == "sendMessage"
            and c.ok and c.result["chat"]["id"] == chat_id and words in c.result["text"]]


def rows_of(h: Harness, chat_id: int) -> list[OutboxMessage]:
    with session_scope(h.svc.engine) as s:
        return list(s.exec(select(OutboxMessage).where(
            OutboxMessage.chat_id == chat_id).order_by(OutboxMessage.id)).all())


async def test_429_holds_only_that_chat_and_urgent_goes_first(team: Harness):
    """Telegram tells the bot to wait 20 s on one leader's chat; an urgent alert raised
    meanwhile reaches every other leader and both groups at once (the clock has not moved),
    and the held leader gets it when the 20 s are over — before the routine message that
    was held with it."""
    more_leaders(team)
    team.emu.fail("sendMessage", status=429, retry_after=20, chat_id=LEADER)
    team.svc.outbox.enqueue(key="test:routine", kind="notice", chat_id=LEADER,
                            note=HolidaysMissing(years=[2027], provisional=0,
                                                 store="holidays.yaml"),
                            priority=NORMAL)
    await team.drained()
    limited = [i for i, c in enumerate(team.emu.calls)
               if c.method == "sendMessage" and not c.ok and "Too Many" in (c.error or "")]
    assert len(limited) == 1
    held_from = team.clock.now()

    await team.say(STAFF, PASTE)  # the urgent alert, while LEADER is held
    for chat in (LEADER2, LEADER3, LEADER_GROUP):
        got = copies(team, chat)
        assert len(got) == 1 and got[0] > limited[0], chat  # sent after the 429, unmoved clock
    assert copies(team, DUTY_GROUP, NO)
    assert not copies(team, LEADER)
    pending = [r for r in rows_of(team, LEADER) if r.status == "pending"]
    assert len(pending) == 2  # the routine message and the alert's copy, both held
    assert all(r.next_attempt_at >= held_from + timedelta(seconds=20) for r in pending)
    assert team.clock.now() == held_from  # nothing above needed the clock to move

    team.clock.advance(timedelta(seconds=19))
    await team.run_due()
    assert not copies(team, LEADER)  # Telegram's word is kept
    team.clock.advance(timedelta(seconds=1))
    await team.run_due()
    alert, routine = copies(team, LEADER), copies(team, LEADER, ROUTINE)
    assert len(alert) == 1 and len(routine) == 1
    assert alert[0] < routine[0]  # urgent first within the chat
    assert not [m for m in team.emu.bot_messages(MANAGER) if "提醒未送达" in m["text"]]


async def test_send_answered_after_old_read_timeout_arrives_once(team: Harness):
    """Telegram answers one leader's send after 5.5 s (PTB's default read timeout is 5 s):
    the others' copies are not held up, and the slow copy arrives exactly once, also after
    the bot's clock has moved past every retry."""
    more_leaders(team)
    team.emu.delay("sendMessage", 5.5, chat_id=LEADER)
    mark = team.emu.mark()
    await team.say(STAFF, PASTE)  # settles once the slow send is answered too
    slow = copies(team, LEADER, mark=mark)
    assert len(slow) == 1
    for chat in (LEADER2, LEADER3, LEADER_GROUP):
        got = copies(team, chat, mark=mark)
        assert len(got) == 1 and got[0] < slow[0], chat  # carried out while it was held
    for _ in range(3):
        team.clock.advance(timedelta(minutes=1))
        await team.run_due()
    assert len(copies(team, LEADER)) == 1
    (row,) = [r for r in rows_of(team, LEADER) if r.kind == "alert"]
    assert row.status == "sent" and row.attempts == 1


async def test_lost_answer_is_recorded_and_sent_again(emu: BotApiEmulator, engine: Engine,
                                                      clock: MovableClock, tmp_path: Path):
    """When not even the send timeout brings an answer, the message may have arrived: the
    row says so and it is sent again, so the alert is never lost (it may arrive twice: the
    documented at-least-once case). Other chats are not held up meanwhile."""
    settings = make_settings(emu, engine, tmp_path, send_timeout_seconds=4)
    async with running(emu, settings, clock, engine) as h:
        h.add(STAFF, "staff", "张值班")
        h.add(LEADER, "leader", "王主任")
        emu.delay("sendMessage", 9, chat_id=LEADER)  # well past the 4 s, even on a busy machine
        await h.say(STAFF, PASTE)
        (row,) = [r for r in rows_of(h, LEADER) if r.kind == "alert"]
        assert row.status == "pending" and row.last_error == "timed out: may have arrived"
        assert copies(h, LEADER_GROUP)  # not held up by the silent chat
        await emu.wait_for_message(LEADER, contains="案件提醒", timeout=HANG)  # it did arrive
        h.clock.advance(timedelta(seconds=5))
        await h.run_due()
        assert len(copies(h, LEADER)) == 2
        (row,) = [r for r in rows_of(h, LEADER) if r.kind == "alert"]
        assert row.status == "sent"
