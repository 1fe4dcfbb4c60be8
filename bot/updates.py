"""Updates of different chats handled concurrently, each chat's in the order they came.

PTB's default handles one update at a time: a handler that waits (for the database, for a
slow send) holds up every other chat. :class:`ChatOrderedProcessor` lets PTB start every
update at once and orders them itself: updates of the same chat run one after another, in
arrival order — a dialogue's state (ConversationHandler) and the order of a staff member's
ticket logs depend on that — while updates of other chats go ahead. Updates without a chat
(an inline query) are ordered per user; anything else shares one key.

``max_concurrent_updates`` (PTB's semaphore, taken before this processor sees the update) is
only a cap on updates held in memory; ``workers`` caps how many handlers run at the same
time. Keeping the two apart matters: if PTB's semaphore were the only bound, a burst in one
chat (whose updates wait for each other) could take every slot and stall all other chats.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Hashable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

__all__ = ["ChatOrderedProcessor", "order_key"]

#: Updates of one chat waiting for each other (PTB's cap on updates held at once).
BACKLOG = 1024
#: Handlers running at the same time (distinct chats).
WORKERS = 32


def order_key(update: object) -> Hashable:
    """The key whose updates must keep their order: the chat, else the user, else one key."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return ("chat", update.effective_chat.id)
        if update.effective_user is not None:
            return ("user", update.effective_user.id)
    return ("other", None)


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Per-chat FIFO, concurrency across chats (see the module docstring)."""

    def __init__(self, *, workers: int = WORKERS, backlog: int = BACKLOG) -> None:
        super().__init__(max_concurrent_updates=max(backlog, 2))  # >1: PTB starts each at once
        self._workers = asyncio.Semaphore(workers)
        # the last update's "finished" future per key; the next one of that key waits for it
        self._tails: dict[Hashable, asyncio.Future[None]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = order_key(update)
        before = self._tails.get(key)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._tails[key] = done
        started = False
        try:
            if before is not None:
                # shielded: being cancelled here must not cancel the previous update's marker
                await asyncio.shield(before)
            async with self._workers:
                started = True
                await coroutine
        finally:
            if not done.done():
                done.set_result(None)
            if self._tails.get(key) is done:
                del self._tails[key]
            if not started and asyncio.iscoroutine(coroutine):
                coroutine.close()  # cancelled before it started: no "never awaited" warning

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
