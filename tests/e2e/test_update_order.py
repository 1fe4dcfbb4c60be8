"""ChatOrderedProcessor: other chats go ahead while one chat's update waits; one chat's
updates keep their order (dialogue state and ticket order depend on it)."""

from __future__ import annotations

import asyncio
from datetime import datetime

from telegram import Chat, Message, Update

from bot.config import DEFAULT_TZ
from bot.updates import ChatOrderedProcessor, order_key

AT = datetime(2026, 11, 25, 10, 0, tzinfo=DEFAULT_TZ)


def _update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE if chat_id > 0 else Chat.SUPERGROUP)
    return Update(update_id, message=Message(update_id, AT, chat))


async def _within(awaitable: object) -> None:
    await asyncio.wait_for(awaitable, 30)  # type: ignore[arg-type]  # a hang fails


async def test_a_waiting_chat_holds_up_only_its_own_later_updates() -> None:
    processor = ChatOrderedProcessor()
    events: list[str] = []
    gate, b_done = asyncio.Event(), asyncio.Event()

    async def first_in_a() -> None:
        events.append("a1 start")
        await gate.wait()  # e.g. a write waiting for the database lock
        events.append("a1 end")

    async def second_in_a() -> None:
        events.append("a2")

    async def in_b() -> None:
        events.append("b3")
        b_done.set()

    tasks = [asyncio.create_task(processor.process_update(_update(1, 11), first_in_a())),
             asyncio.create_task(processor.process_update(_update(2, 11), second_in_a())),
             asyncio.create_task(processor.process_update(_update(3, -22), in_b()))]
    await _within(b_done.wait())
    assert events == ["a1 start", "b3"]  # chat B went ahead; a2 waits behind a1
    gate.set()
    await _within(asyncio.gather(*tasks))
    assert events == ["a1 start", "b3", "a1 end", "a2"]


async def test_a_failing_update_does_not_block_its_chat() -> None:
    processor = ChatOrderedProcessor()
    events: list[str] = []

    async def boom() -> None:
        raise RuntimeError("handler bug")

    async def after() -> None:
        events.append("next")

    first = asyncio.create_task(processor.process_update(_update(1, 11), boom()))
    second = asyncio.create_task(processor.process_update(_update(2, 11), after()))
    await _within(asyncio.gather(first, second, return_exceptions=True))
    assert events == ["next"] and isinstance(first.exception(), RuntimeError)


def test_order_keys() -> None:
    assert order_key(_update(1, 11)) == order_key(_update(2, 11)) != order_key(_update(3, 12))
    assert order_key(object()) == ("other", None)
