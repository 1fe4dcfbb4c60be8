"""Keep within the Bot API's flood limits without throttling plain replies.

Telegram allows about 30 messages a second overall, one a second per chat and 20 a minute per
group. PTB's AIORateLimiter applies the overall 30/s to every request, which would cap the bot
at 30 replies a second even when each reply answers a user; here the overall and per-chat
budgets apply to the bot's own fan-out (alerts, reminders, posts: `rate_limit_args` "bulk" or
"urgent"), the group budget to everything sent to a group. Each budget is a sliding window
(no more than N in any window, as Telegram counts them), and urgent sends are served before
bulk ones waiting for the same budget, so an alert never waits behind a digest.

A 429 never pauses anybody else. A fan-out send hands it straight back to the courier, which
holds only that chat's lane until ``retry_after`` has passed (on the bot's clock, recorded on
the chat's outbox rows so a restart keeps it); a plain reply waits it out itself, alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

BULK = "bulk"
URGENT = "urgent"


class SlidingWindow:
    """At most ``limit`` requests in any ``period`` seconds of the loop's time, as the server
    counts them.

    Telegram counts a message when it arrives, which is some time after it leaves and before
    its answer comes back. So a request holds its slot while in flight and is stamped when its
    answer is back: whichever request of a window the server receives, the last one to leave
    saw all the others (in flight or answered less than ``period`` ago) and waited for room.
    An urgent caller is served before any bulk caller waiting at the same time. Pacing is
    about Telegram's real seconds, so this counts the event loop's monotonic time, not the
    bot's business clock. ``now`` and ``sleep`` are that time and how to let it pass (a test
    moves a virtual time instead).
    """

    def __init__(self, limit: float, period: float, *,
                 now: Callable[[], float] | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.limit = max(1, int(limit))
        self.period = period
        self._now = now or (lambda: asyncio.get_running_loop().time())
        self._sleep = sleep
        self._stamps: deque[float] = deque()  # when answered requests came back
        self._in_flight = 0
        self._urgent_waiting = 0

    def _free_in(self, now: float) -> float:
        """0 when one more fits now, else how long to wait before looking again."""
        while self._stamps and self._stamps[0] <= now - self.period:
            self._stamps.popleft()
        if len(self._stamps) + self._in_flight < self.limit:
            return 0.0
        if not self._stamps:  # all in flight: room comes a period after the first answer
            return 0.05
        return min(self._stamps[0] + self.period - now, 0.05 if self._in_flight else 3600)

    async def _acquire(self, urgent: bool) -> None:
        if urgent:
            self._urgent_waiting += 1
        try:
            while True:
                wait = self._free_in(self._now())
                if wait <= 0 and (urgent or not self._urgent_waiting):
                    self._in_flight += 1
                    return
                await self._sleep(max(wait, 0.005))  # bulk yields to a waiting alert
        finally:
            if urgent:
                self._urgent_waiting -= 1

    @contextlib.asynccontextmanager
    async def slot(self, *, urgent: bool = False, wait: bool = True) -> AsyncIterator[None]:
        """Hold a slot for one request. ``wait=False`` (a reply) takes it even when there
        is no room, so that the waiting fan-out leaves room for it afterwards."""
        if wait:
            await self._acquire(urgent)
        else:
            self._in_flight += 1
        try:
            yield
        finally:
            self._in_flight -= 1
            self._stamps.append(self._now())


class FanoutRateLimiter(BaseRateLimiter[str]):
    def __init__(self, *, overall_per_second: float = 30, group_per_minute: float = 20,
                 chat_per_second: float = 1, max_retries: int = 3) -> None:
        self._overall = SlidingWindow(overall_per_second, 1)
        self._group_rate = group_per_minute
        self._chat_rate = chat_per_second
        self._groups: dict[int, SlidingWindow] = {}
        self._chats: dict[int, SlidingWindow] = {}
        self._max_retries = max_retries

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    def _window(self, table: dict[int, SlidingWindow], key: int, rate: float,
                period: float) -> SlidingWindow:
        win = table.get(key)
        if win is None:
            if len(table) > 10_000:
                table.clear()
            win = table[key] = SlidingWindow(rate, period)
        return win

    async def _slots(self, stack: contextlib.AsyncExitStack, chat_id: int | None,
                     endpoint: str, rate_limit_args: str | None) -> None:
        """Take a slot in every budget the request counts against. The narrow ones (this
        chat, this group) come first and the overall one last, right before the request, so
        a send never holds an overall slot while it waits for its chat."""
        fanout = rate_limit_args in (BULK, URGENT)
        urgent = rate_limit_args == URGENT
        if fanout and chat_id is not None and chat_id > 0:
            await stack.enter_async_context(
                self._window(self._chats, chat_id, self._chat_rate, 1).slot(urgent=urgent))
        if chat_id is not None and chat_id < 0 and endpoint.startswith("send"):
            await stack.enter_async_context(
                self._window(self._groups, chat_id, self._group_rate, 60).slot(urgent=urgent))
        if fanout or endpoint.startswith("send"):
            # a reply does not wait, but it counts: the fan-out leaves room for it
            await stack.enter_async_context(self._overall.slot(urgent=urgent, wait=fanout))

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
            try:
                async with contextlib.AsyncExitStack() as stack:
                    await self._slots(stack, chat_id, endpoint, rate_limit_args)
                    return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if fanout or attempt == self._max_retries:
                    raise  # the courier holds this chat's lane (and only it)
                wait = exc.retry_after
                seconds = wait if isinstance(wait, int | float) else wait.total_seconds()
                log.info("flood limit: retrying %s after %.1fs", endpoint, seconds)
                await asyncio.sleep(seconds + 0.05)  # this request waits, nobody else
        raise AssertionError("unreachable")  # pragma: no cover
