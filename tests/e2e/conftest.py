"""The end-to-end fixture: emulator + the very Application production builds."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.app import build_application
from bot.clock import MovableClock
from bot.config import Settings
from bot.emulator import BotApiEmulator
from bot.runtime import start_app, stop_app
from tests.e2e.harness import (
    ADMIN,
    DUTY_GROUP,
    LEADER,
    LEADER_GROUP,
    MANAGER,
    STAFF,
    STAFF2,
    Harness,
    UpdateTracker,
    without_tick,
)


def make_settings(emu: BotApiEmulator, engine: Engine, tmp_path: Path,
                  **extra: object) -> Settings:
    values: dict[str, object] = {
        "telegram_bot_token": emu.token,
        "telegram_api_base_url": emu.base_url,
        "database_url": engine.url.render_as_string(hide_password=False),
        "admin_ids": (ADMIN,),
        "duty_group_id": DUTY_GROUP,
        "leader_group_id": LEADER_GROUP,
        "holidays_file": tmp_path / "holidays.yaml",
        # The periodic tick is removed (`start_harness`); the courier then wakes only when
        # rung (enqueue, run_due), so a delivery nobody rings for fails instead of waiting.
        "tick_seconds": 3600,
    }
    values.update(extra)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator() as e:
        # everyone in the team has opened a private chat with the bot, and the groups exist
        for uid, name in [(ADMIN, "管理员"), (STAFF, "张值班"), (STAFF2, "李值班"),
                          (LEADER, "王主任"), (MANAGER, "赵经理")]:
            e.add_user(uid, name)
        e.add_group(DUTY_GROUP, "值班群")
        e.add_group(LEADER_GROUP, "领导群")
        yield e


@asynccontextmanager
async def running(emu: BotApiEmulator, settings: Settings, clock: MovableClock,
                  engine: Engine) -> AsyncIterator[Harness]:
    """The production Application on `settings`, started, without its periodic tick."""
    tracker = UpdateTracker()
    app = build_application(settings, clock=clock, engine=engine, update_processor=tracker)
    without_tick(app)
    await start_app(app, poll_timeout=1)
    h = Harness(emu, app, clock, tracker)
    try:
        await h.drained()
        yield h
    finally:
        await stop_app(app)


@pytest.fixture
async def harness(emu: BotApiEmulator, engine: Engine, clock: MovableClock,
                  tmp_path: Path) -> AsyncIterator[Harness]:
    async with running(emu, make_settings(emu, engine, tmp_path), clock, engine) as h:
        yield h


@pytest.fixture
async def team(harness: Harness) -> Harness:
    """The harness with one member of each role registered."""
    harness.add(STAFF, "staff", "张值班")
    harness.add(STAFF2, "staff", "李值班")
    harness.add(LEADER, "leader", "王主任")
    harness.add(MANAGER, "manager", "赵经理")
    return harness
