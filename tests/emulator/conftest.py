"""Fixtures: a running emulator and a real python-telegram-bot ``Bot`` pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import telegram

from bot.emulator import BotApiEmulator

USER = 1001
OTHER = 1002
GROUP = -1001234567890


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    emulator = BotApiEmulator()
    await emulator.start()
    emulator.add_user(USER, "张三", username="zhangsan")
    emulator.add_user(OTHER, "李四")
    emulator.add_group(GROUP, "值班群", creator_id=USER, admin_ids=(OTHER,))
    try:
        yield emulator
    finally:
        await emulator.stop()


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[telegram.Bot]:
    client = telegram.Bot(emu.token, base_url=emu.base_url, base_file_url=emu.base_file_url)
    async with client:
        yield client
