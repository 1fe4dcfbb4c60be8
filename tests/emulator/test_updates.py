"""getUpdates semantics: offset confirmation, negative offset, limit, long polling, conflicts."""

from __future__ import annotations

import asyncio
import time

import pytest
import telegram
from telegram.error import Conflict

from bot.emulator import BotApiEmulator
from tests.emulator.conftest import GROUP, USER


async def test_offset_confirms_and_drops(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    for text in ("one", "two", "three"):
        emu.send_message(user_id=USER, text=text)
    first = await bot.get_updates()
    assert [u.message.text for u in first] == ["one", "two", "three"]
    ids = [u.update_id for u in first]
    assert ids == sorted(ids) and len(set(ids)) == 3
    # not confirmed yet: delivered again
    assert [u.update_id for u in await bot.get_updates()] == ids
    assert [u.update_id for u in await bot.get_updates(offset=ids[1])] == ids[1:]
    assert await bot.get_updates(offset=ids[2] + 1) == ()
    assert await bot.get_updates() == ()  # confirmed updates are gone for good


async def test_negative_offset_and_limit(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    for text in ("a", "b", "c"):
        emu.send_message(user_id=USER, text=text)
    assert [u.message.text for u in await bot.get_updates(limit=2)] == ["a", "b"]
    last = await bot.get_updates(offset=-1)
    assert [u.message.text for u in last] == ["c"]
    assert [u.message.text for u in await bot.get_updates()] == ["c"]


async def test_long_poll_returns_as_soon_as_update_arrives(
    emu: BotApiEmulator, bot: telegram.Bot
) -> None:
    generation = emu.state.poll_generation
    poll = asyncio.create_task(bot.get_updates(timeout=60, read_timeout=90))
    await emu.wait_for_poll(after=generation)
    assert not poll.done()
    emu.send_message(user_id=USER, text="ping")
    # long before the poll's own 60 s: answered because the update arrived, however busy the
    # machine is
    updates = await asyncio.wait_for(poll, 30)
    assert [u.message.text for u in updates] == ["ping"]


async def test_long_poll_times_out_empty(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert time.monotonic() - started >= 0.9  # not before its timeout (late only under load)


async def test_allowed_updates_filter(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    emu.send_message(user_id=USER, text="hello")
    emu.inline_query(user_id=USER, query="q")
    updates = await bot.get_updates(allowed_updates=["inline_query"])
    assert [u.inline_query.query for u in updates] == ["q"]


async def test_second_poll_terminates_first(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    # PTB serialises getUpdates per Bot (pool of 1), so a second instance is the other "bot"
    other = telegram.Bot(emu.token, base_url=emu.base_url, base_file_url=emu.base_file_url)
    async with other:
        generation = emu.state.poll_generation
        first = asyncio.create_task(bot.get_updates(timeout=3))
        await emu.wait_for_poll(after=generation)
        second = asyncio.create_task(other.get_updates(timeout=0))
        with pytest.raises(Conflict, match="terminated by other getUpdates"):
            await first
        assert await second == ()


async def test_command_entity_and_group_message(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    sent = emu.send_message(user_id=USER, chat_id=GROUP, text="/help@hotline_duty_bot now")
    (update,) = await bot.get_updates()
    message = update.message
    assert message.chat.id == GROUP and message.chat.type == "supergroup"
    assert message.message_id == sent["message_id"] == 1
    assert message.parse_entities(["bot_command"]) == {
        message.entities[0]: "/help@hotline_duty_bot"
    }


async def test_my_chat_member_and_idle(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    emu.add_bot_to_group(chat_id=-100999, by_user_id=USER, title="新群")
    (update,) = await bot.get_updates(allowed_updates=["my_chat_member"])
    change = update.my_chat_member
    assert change.old_chat_member.status == "left"
    assert change.new_chat_member.status == "member"
    assert change.chat.title == "新群"
    await emu.idle(quiet=0.05, timeout=30)  # the timeout only catches a hang
