"""Lanes: one asyncio task per key, so one slow, failing or rate-limited key stalls no other.

Both couriers work this way: the Telegram courier (``handlers/delivery.py``) keeps a lane per
chat — a 429 or a send that hangs on one chat delays only that chat — and the channel courier
(``bot/channels/courier.py``) one per outside channel. A lane drains its key's due work; then
``next_wait`` says when to look again (seconds), or None when the key has nothing waiting, and
the lane ends (``wake`` starts it again). Waking a lane that is draining makes it drain once
more afterwards, so nothing queued meanwhile is missed. Within a lane the work is sequential,
which keeps one chat's messages in order (an edit after its original).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from bot.failures import log_failure

log = logging.getLogger(__name__)

K = TypeVar("K", bound=Hashable)


@dataclass
class _Lane:
    event: asyncio.Event = field(default_factory=asyncio.Event)
    draining: bool = False
    task: asyncio.Task[None] | None = None


class LaneSet(Generic[K]):
    def __init__(self, *, label: str, drain: Callable[[K], Awaitable[object]],
                 next_wait: Callable[[K], Awaitable[float | None]],
                 on_pass: Callable[[], None] = lambda: None) -> None:
        self.label = label
        self._drain, self._next_wait = drain, next_wait
        self._on_pass = on_pass  # told after every lane pass (the couriers' `drained` waits)
        self._lanes: dict[K, _Lane] = {}

    def wake(self, key: K) -> None:
        """Make the key's lane drain now (starting the lane if it is not running)."""
        lane = self._lanes.get(key)
        if lane is None or lane.task is None or lane.task.done():
            lane = self._lanes[key] = _Lane()
            lane.task = asyncio.get_running_loop().create_task(
                self._run(key, lane), name=f"{self.label} lane {key}")
        lane.event.set()

    def busy(self) -> bool:
        """A lane is draining, or has been woken and will drain."""
        return any(lane.draining or lane.event.is_set() for lane in self._lanes.values())

    def keys(self) -> list[K]:
        return list(self._lanes)

    async def stop(self) -> None:
        tasks = [lane.task for lane in self._lanes.values() if lane.task is not None]
        for t in tasks:
            t.cancel()
        for t in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await t
        self._lanes.clear()

    async def _run(self, key: K, lane: _Lane) -> None:
        while True:
            lane.event.clear()
            lane.draining = True
            try:
                await self._drain(key)
            except Exception as exc:  # one broken row must not stop the lane
                log_failure(log, f"{self.label} lane {key}: drain failed", exc)
            finally:
                lane.draining = False
                self._on_pass()
            if lane.event.is_set():
                continue  # woken while draining: more may be due
            try:
                wait = await self._next_wait(key)
            except Exception as exc:
                log_failure(log, f"{self.label} lane {key}: look-up failed", exc)
                wait = None
            if wait is None and not lane.event.is_set():
                if self._lanes.get(key) is lane:  # nothing waiting: the lane ends
                    del self._lanes[key]
                return
            if wait is not None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(lane.event.wait(), max(0.0, wait))
