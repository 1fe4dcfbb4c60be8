"""Issue 14 item 12: after `demo-data` the next start does not flood anyone.

The demo is written as `python -m bot demo-data` writes it (default size, the clock's now),
then the production Application starts on that database and the scheduler runs once at that
moment — at an ordinary hour, in the morning digest's hour and after the evening sweep. The
outbox then holds a handful of rows at most, and nothing says a ticket is days overdue.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.clock import MovableClock
from bot.config import DEFAULT_TZ as SHANGHAI
from bot.emulator import BotApiEmulator
from bot.services.outbox.notes import load_note
from bot.services.reminders.leads import parse_leads
from bot.services.reports.demo.store import generate
from bot.texts.audience import Audience
from bot.texts.render import render
from models.db import session_scope
from models.outbox import OutboxMessage
from tests.e2e.conftest import make_settings, running
from tests.e2e.harness import LEADER, MANAGER, STAFF, Harness

DAYS_OVERDUE = re.compile(r"已超时 (\d+) 天")
HANDFUL = 5


@pytest.fixture
async def started(request: pytest.FixtureRequest, emu: BotApiEmulator, engine: Engine,
                  tmp_path: Path) -> AsyncIterator[Harness]:
    """Demo data written at the clock's now, then the bot started on it."""
    now: datetime = request.param
    clock = MovableClock(now)
    settings = make_settings(emu, engine, tmp_path)
    result = generate(engine, tickets=5000, now=clock.now(), tz=settings.tz,
                      leads=parse_leads(settings.reminder_leads))
    assert result.inserted == 5000 and result.open > 0
    async with running(emu, settings, clock, engine) as h:
        h.add(STAFF, "staff", "张值班")
        h.add(LEADER, "leader", "王主任")
        h.add(MANAGER, "manager", "赵经理")
        yield h


@pytest.mark.parametrize("started", [
    datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI),  # an ordinary hour
    datetime(2026, 11, 25, 8, 20, tzinfo=SHANGHAI),  # the morning digest's hour
    datetime(2026, 11, 25, 21, 30, tzinfo=SHANGHAI),  # after the evening sweep time
], indirect=True, ids=["10:00", "08:20", "21:30"])
async def test_first_scheduler_run_after_demo_data_sends_a_handful(started: Harness):
    h = started
    await h.run_due()
    with session_scope(h.svc.engine) as s:
        rows = list(s.exec(select(OutboxMessage)).scalars())
    assert len(rows) <= HANDFUL, [r.note_kind for r in rows]
    # every row in every audience's words, whether or not the courier sent it yet
    texts = [render(load_note(r.note_kind, r.payload or ""), audience).text
             for r in rows for audience in Audience]
    days = [int(n) for t in texts for n in DAYS_OVERDUE.findall(t)]
    assert all(n <= 2 for n in days), texts
    assert not any("超时提醒" in t for t in texts)  # nobody is reminded of the past
    await h.drained()
    assert len(h.emu.bot_messages()) <= HANDFUL
