"""Failure injection and access errors reach PTB as the right exception types."""

from __future__ import annotations

import asyncio
import datetime as dt
import time

import pytest
import telegram
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut

from bot.emulator import BotApiEmulator
from tests.emulator.conftest import GROUP, OTHER, USER


@pytest.fixture
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB 22.8 warns (an error here) when building RetryAfter unless this opt-in is set."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.mark.usefixtures("ptb_timedelta")
async def test_429_becomes_retry_after(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    emu.fail("sendMessage", status=429, retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER, "x")
    assert caught.value.retry_after == dt.timedelta(seconds=7)
    assert emu.calls[-1].error == "Too Many Requests: retry after 7"
    await bot.send_message(USER, "x")  # only one failure was queued


async def test_5xx_becomes_network_error(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    emu.fail("sendMessage", status=502, times=2, chat_id=GROUP)
    await bot.send_message(USER, "other chats unaffected")
    for _ in range(2):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(GROUP, "x")
    await bot.send_message(GROUP, "recovered")
    emu.fail("getMe")
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.get_me()


async def test_delay_looks_like_timeout(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    emu.delay("sendMessage", 0.5)
    mark = emu.mark()
    with pytest.raises(TimedOut):
        await bot.send_message(USER, "慢", read_timeout=0.1)
    # like Telegram, the message was still delivered after the client gave up
    message = await emu.wait_for_message(USER, contains="慢", after=mark, timeout=30)
    assert message["text"] == "慢"


async def test_delay_for_one_chat_only(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    """A delay aimed at one chat holds only that chat's call: the other chat's call, made
    right after, is carried out first."""
    emu.delay("sendMessage", 0.5, chat_id=USER)
    mark = emu.mark()
    slow = asyncio.create_task(bot.send_message(USER, "慢"))
    await bot.send_message(GROUP, "快")
    await slow
    sends = [c.params["chat_id"] for c in emu.calls[mark:] if c.method == "sendMessage"]
    assert [str(x) for x in sends] == [str(GROUP), str(USER)]


async def test_blocked_user_is_forbidden(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    emu.block(OTHER)
    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_message(OTHER, "x")
    assert emu.calls[-1].error == "Forbidden: bot was blocked by the user"


async def test_leave_chat(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    assert await bot.leave_chat(GROUP)
    assert GROUP in emu.left_chats
    with pytest.raises(Forbidden, match="kicked from the supergroup chat"):
        await bot.send_message(GROUP, "x")
    with pytest.raises(BadRequest, match="private chats"):
        await bot.leave_chat(USER)


async def test_unknown_method_and_token(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    with pytest.raises(telegram.error.EndPointNotFound):
        await bot.do_api_request("fooBar")
    stranger = telegram.Bot("999:WRONG", base_url=emu.base_url)
    with pytest.raises(InvalidToken):
        async with stranger:  # __aenter__ shuts the HTTP clients down again on failure
            pass


@pytest.mark.usefixtures("ptb_timedelta")
async def test_rate_limits_enforced() -> None:
    async with BotApiEmulator(rate_limits=True) as emu:
        emu.add_group(GROUP)
        client = telegram.Bot(emu.token, base_url=emu.base_url)
        async with client:
            started = time.monotonic()
            for i in range(20):
                await client.send_message(GROUP, f"{i}")
            with pytest.raises(RetryAfter) as caught:
                await client.send_message(GROUP, "21st")
            # the rest of the minute that began with the first send, however long they took
            elapsed = dt.timedelta(seconds=time.monotonic() - started)
            assert dt.timedelta(minutes=1) - elapsed - dt.timedelta(seconds=1) \
                <= caught.value.retry_after <= dt.timedelta(minutes=1)
        assert emu.max_sends(60, GROUP) == 20


async def test_wait_for_call_times_out(emu: BotApiEmulator) -> None:
    with pytest.raises(TimeoutError):
        await emu.wait_for_call(lambda call: call.method == "sendMessage", timeout=0.05)
    await asyncio.sleep(0)
