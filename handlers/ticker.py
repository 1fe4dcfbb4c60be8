"""The scheduler tick: the one PTB job, which runs whatever the scheduler finds due.

Producers find due work through indexed queries against the database, so the tick is cheap
and a restart loses nothing: whatever fell due while the bot was down is found on the first
tick after start, and the outbox's dedup keys keep each delivery single. Tests do not wait
for this job: they move the clock and await `svc.scheduler.run_due(now)` themselves.
"""

from __future__ import annotations

from bot.context import BotContext


async def tick(context: BotContext) -> None:
    """Run every producer that is due at the clock's now."""
    svc = context.svc
    await svc.scheduler.run_due(svc.clock.now())
