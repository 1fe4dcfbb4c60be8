"""The scheduler tick: run every periodic producer, then wake the courier.

Producers find due work through indexed queries against the database, so the tick is cheap
and a restart loses nothing: whatever fell due while the bot was down is found on the first
tick after start, and the outbox's dedup keys keep each delivery single.
"""

from __future__ import annotations

import logging

from bot.context import BotContext

log = logging.getLogger(__name__)


async def tick(context: BotContext) -> None:
    """Run each periodic producer with the clock's now; one failing does not stop the rest."""
    svc = context.svc
    now = svc.clock.now()
    for produce in list(svc.periodic):
        try:
            produce(now)
        except Exception:
            log.exception("periodic task %s failed", getattr(produce, "__qualname__", produce))
    context.courier.kick()
