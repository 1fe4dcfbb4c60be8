"""Due work: every producer that runs on the clock, in one visible list, and one call that
runs what is due.

The composition root (`bot/app.py`) lists the producers — escalations, reminders, daily posts,
reloads of files changed by the command line — each a plain function ``(now) -> object`` that
finds its due work through indexed queries and puts deliveries in the outbox. Production calls
:meth:`Scheduler.run_due` from one PTB job every ``TICK_SECONDS``; tests move the clock and
await it directly, so nothing waits on the wall clock. Producers run one after another in list
order; one failing is logged and does not stop the rest. They run in a worker thread
(``bot.offload.db``): a producer waiting for the database never holds up the event loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.failures import log_failure
from bot.offload import db

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Producer:
    name: str
    run: Callable[[datetime], object]


class Scheduler:
    def __init__(self, producers: Sequence[Producer], *, after: Callable[[], None]) -> None:
        self.producers = tuple(producers)
        self._after = after  # wakes the courier once the producers have enqueued
        self._lock = asyncio.Lock()

    async def run_due(self, now: datetime) -> None:
        """Run every producer once for ``now``; overlapping calls queue up, never interleave."""
        async with self._lock:
            await db(self._run_all, now)
        self._after()

    def _run_all(self, now: datetime) -> None:
        for producer in self.producers:
            try:
                producer.run(now)
            except Exception as exc:
                log_failure(log, f"scheduled producer {producer.name} failed", exc)
