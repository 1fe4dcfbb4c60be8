"""The end-to-end fixture: emulator + the very Application production builds."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Table, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from bot.app import build_application
from bot.clock import MovableClock
from bot.config import DEFAULT_TZ as SHANGHAI
from bot.config import Settings
from bot.emulator import BotApiEmulator
from bot.ratelimit import FanoutRateLimiter
from bot.runtime import start_app, stop_app
from knowledge_base.service import build_knowledge_base
from tests.channels.conftest import mailbox, stand  # noqa: F401  (the channels' stand-ins)
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
        "attachments_dir": tmp_path / "attachments",
        # The periodic tick is removed (`running`); the courier then wakes only when rung
        # (enqueue, run_due), so a delivery nobody rings for fails instead of waiting.
        "tick_seconds": 3600,
        # Indexing the starter content is most of a start; tests that search ask for it
        # (the `starter_kb` mark).
        "kb_seed_starter": False,
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


# the default `clock` fixture's start: the starter content is stamped with it
STARTER_CLOCK_AT = datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI)
_starter: list[tuple[Table, list[dict[str, Any]]]] | None = None


def with_starter_content(engine: Engine) -> None:
    """Give the emptied database the knowledge base a fresh install seeds itself with.

    Seeding parses the packaged starter content and indexes every entry, on every start of a
    bot with an empty database: most of an e2e test's set-up. The rows it writes are the
    same each time, so the real seeding code runs once per test run and its rows are copied
    into each test's database; the bot then starts as it does after its first start (the
    seeding itself is tested in tests/kb_service).
    """
    global _starter
    if _starter is None:
        build_knowledge_base(engine, MovableClock(STARTER_CLOCK_AT), seed_starter=True,
                             background=False)
        with engine.connect() as conn:
            tables = [(t, [dict(r) for r in conn.execute(t.select()).mappings()])
                      for t in SQLModel.metadata.sorted_tables]
        _starter = [(t, rows) for t, rows in tables if rows]
        return
    with engine.begin() as conn:
        for table, rows in _starter:
            conn.execute(table.insert(), rows)
        if engine.dialect.name == "postgresql":  # ids were given: move the sequences on
            for table, _rows in _starter:
                if "id" in table.c:
                    conn.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                        f"(SELECT MAX(id) FROM \"{table.name}\"))"))


def e2e_rate_limiter() -> FanoutRateLimiter:
    """The production flood limits except the one-message-a-second pace per private chat.

    A test moves the bot's clock hours ahead between two steps taken a few milliseconds
    apart, so the per-chat pace (real seconds) would add a wait to nearly every step; the
    emulator does not enforce that limit. The overall 30/s and the 20/min per group, which
    the emulator enforces when a test asks it to, stay as in production.
    """
    return FanoutRateLimiter(chat_per_second=1000)


@asynccontextmanager
async def running(emu: BotApiEmulator, settings: Settings, clock: MovableClock,
                  engine: Engine) -> AsyncIterator[Harness]:
    """The production Application on `settings`, started, without its periodic tick."""
    if settings.kb_seed_starter:
        with_starter_content(engine)
    tracker = UpdateTracker()
    app = build_application(settings, clock=clock, engine=engine, update_processor=tracker,
                            rate_limiter=e2e_rate_limiter())
    without_tick(app)
    await start_app(app, poll_timeout=1)
    h = Harness(emu, app, clock, tracker)
    try:
        await h.drained()
        yield h
    finally:
        await stop_app(app)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "starter_kb: the bot starts with the knowledge base's starter content (as a "
        "fresh install does); other e2e tests start with an empty knowledge base")


@pytest.fixture
async def harness(emu: BotApiEmulator, engine: Engine, clock: MovableClock, tmp_path: Path,
                  request: pytest.FixtureRequest) -> AsyncIterator[Harness]:
    """The production Application. Only tests marked ``starter_kb`` get the starter knowledge
    base: indexing it is the largest part of a start, and nothing else searches it."""
    starter = request.node.get_closest_marker("starter_kb") is not None
    settings = make_settings(emu, engine, tmp_path, kb_seed_starter=starter)
    async with running(emu, settings, clock, engine) as h:
        yield h


@pytest.fixture
async def team(harness: Harness) -> Harness:
    """The harness with one member of each role registered."""
    harness.add(STAFF, "staff", "张值班")
    harness.add(STAFF2, "staff", "李值班")
    harness.add(LEADER, "leader", "王主任")
    harness.add(MANAGER, "manager", "赵经理")
    return harness
