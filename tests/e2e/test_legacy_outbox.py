"""Rows an older version stored with pre-rendered text (no note) are still delivered.

Producers now enqueue notes only (``Outbox.enqueue`` takes no text); a deployment may still
hold pending rows written before that, and an upgrade must not drop them.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.clock import MovableClock
from bot.emulator import BotApiEmulator
from models.db import session_scope
from models.outbox import OutboxMessage
from tests.e2e.conftest import make_settings, running
from tests.e2e.harness import ADMIN, DUTY_GROUP, buttons


def _stored_by_an_older_version(engine: Engine, clock: MovableClock) -> None:
    with session_scope(engine) as s:
        s.add(OutboxMessage(dedup_key="old:reminder:1", kind="reminder", chat_id=ADMIN,
                            text="⏰ 工单 <b>A1</b> 还有 2 小时到期",
                            buttons='[[["已处理", "rm1:done:1"]]]',
                            next_attempt_at=clock.now(), created_at=clock.now()))
        s.add(OutboxMessage(dedup_key="old:daily:1", kind="daily", chat_id=DUTY_GROUP,
                            text="📋 今日值班：张值班", next_attempt_at=clock.now(),
                            created_at=clock.now()))


async def test_rows_stored_before_notes_are_sent_as_stored_after_an_upgrade(
        emu: BotApiEmulator, engine: Engine, clock: MovableClock, tmp_path: Path) -> None:
    _stored_by_an_older_version(engine, clock)
    async with running(emu, make_settings(emu, engine, tmp_path), clock, engine):
        reminder = emu.last_bot_message(ADMIN)
        daily = emu.last_bot_message(DUTY_GROUP)
    assert reminder is not None and reminder["text"] == "⏰ 工单 A1 还有 2 小时到期"
    assert buttons(reminder) == ["已处理"]
    assert daily is not None and daily["text"] == "📋 今日值班：张值班"
    with session_scope(engine) as s:
        assert set(s.exec(select(OutboxMessage.status)).all()) == {"sent"}
