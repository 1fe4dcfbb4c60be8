"""Keep within the Bot API's flood limits without throttling plain replies.

Telegram allows about 30 messages a second overall, one a second per chat and 20 a minute per
group. PTB's AIORateLimiter applies the overall 30/s to every request, which would cap the bot
at 30 replies a second even when each reply answers a user; here the overall and per-chat
budgets apply to the bot's own fan-out (alerts, reminders, posts: `rate_limit_args` "bulk" or
"urgent"), the group budget to everything sent to a group, and any 429 is retried after the
server's `retry_after`. Urgent sends skip the overall queue so an alert never waits behind a
digest.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

BULK = "bulk"
URGENT = "urgent"


class FanoutRateLimiter(BaseRateLimiter[str]):
    def __init__(self, *, overall_per_second: float = 30, group_per_minute: float = 20,
                 chat_per_second: float = 1, max_retries: int = 3) -> None:
        self._overall = AsyncLimiter(overall_per_second, 1)
        self._group_rate = group_per_minute
        self._chat_rate = chat_per_second
        self._groups: dict[int, AsyncLimiter] = {}
        self._chats: dict[int, AsyncLimiter] = {}
        self._max_retries = max_retries
        self._resume = asyncio.Event()
        self._resume.set()

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    def _limiter(self, table: dict[int, AsyncLimiter], key: int, rate: float,
                 period: float) -> AsyncLimiter:
        lim = table.get(key)
        if lim is None:
            if len(table) > 10_000:
                table.clear()
            lim = table[key] = AsyncLimiter(rate, period)
        return lim

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: str | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat_id: int | None = None
        with contextlib.suppress(TypeError, ValueError):
            chat_id = int(data.get("chat_id"))  # type: ignore[arg-type]
        fanout = rate_limit_args in (BULK, URGENT)
        for attempt in range(self._max_retries + 1):
            await self._resume.wait()
            async with contextlib.AsyncExitStack() as stack:
                if fanout and rate_limit_args != URGENT:
                    await stack.enter_async_context(self._overall)
                if fanout and chat_id is not None and chat_id > 0:
                    await stack.enter_async_context(
                        self._limiter(self._chats, chat_id, self._chat_rate, 1))
                if chat_id is not None and chat_id < 0 and endpoint.startswith("send"):
                    await stack.enter_async_context(
                        self._limiter(self._groups, chat_id, self._group_rate, 60))
                try:
                    return await callback(*args, **kwargs)
                except RetryAfter as exc:
                    if attempt == self._max_retries:
                        raise
                    wait = exc.retry_after
                    seconds = wait if isinstance(wait, int | float) else wait.total_seconds()
                    log.info("flood limit: retrying %s after %.1fs", endpoint, seconds)
                    self._resume.clear()
                    try:
                        await asyncio.sleep(seconds + 0.05)
                    finally:
                        self._resume.set()
        raise AssertionError("unreachable")  # pragma: no cover
