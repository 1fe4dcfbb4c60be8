"""The fan-out flood limits (bot/ratelimit.py): never more than Telegram counts, alerts first.

These check order and counts, never durations. The windows count a virtual time that only the
test moves (``Time``): a waiting send looks again whenever the loop comes round to it.
"""

from __future__ import annotations

import asyncio

from bot.ratelimit import SlidingWindow


class Time:
    """The windows' time, moved by the test; "sleeping" just lets the loop come round."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, _seconds: float) -> None:
        await asyncio.sleep(0)

    def window(self, limit: float, period: float) -> SlidingWindow:
        return SlidingWindow(limit, period, now=self, sleep=self.sleep)

    async def run(self, step: float, *tasks: asyncio.Task[None]) -> None:
        """Move time on by ``step`` each turn of the loop until the tasks are done."""
        while not all(t.done() for t in tasks):
            self.now += step
            await asyncio.sleep(0)
        await asyncio.gather(*tasks)


async def _send(window: SlidingWindow, name: str, order: list[str], *, urgent: bool = False,
                wait: bool = True, answered: asyncio.Event | None = None) -> None:
    async with window.slot(urgent=urgent, wait=wait):
        order.append(name)
        if answered is not None:
            await answered.wait()


async def test_urgent_waiting_goes_before_bulk_waiting():
    time = Time()
    window = time.window(2, 0.05)
    order: list[str] = []
    bulk = [asyncio.create_task(_send(window, f"b{i}", order)) for i in range(6)]
    await asyncio.sleep(0)  # the first two bulk sends take the window's room
    alert = asyncio.create_task(_send(window, "alert", order, urgent=True))
    await time.run(0.01, *bulk, alert)
    assert order[:2] == ["b0", "b1"]
    assert order[2] == "alert"  # the next free slot, ahead of four bulk sends queued earlier


async def test_a_send_in_flight_holds_its_slot_until_answered():
    """Telegram counts a message when it arrives: a request still in flight counts however
    long it takes, so a slow request cannot let the next ones exceed the window when it
    lands."""
    time = Time()
    window = time.window(1, 0.01)
    order: list[str] = []
    answered = asyncio.Event()
    slow = asyncio.create_task(_send(window, "slow", order, answered=answered))
    await asyncio.sleep(0)
    nxt = asyncio.create_task(_send(window, "next", order))
    for _ in range(10):  # many windows go by while `slow` is in flight
        time.now += 0.01
        await asyncio.sleep(0)
    assert order == ["slow"] and not nxt.done()
    answered.set()
    await time.run(0.005, slow, nxt)
    assert order == ["slow", "next"]


async def test_a_reply_counts_without_waiting():
    time = Time()
    window = time.window(1, 60)
    order: list[str] = []
    await _send(window, "alert", order, urgent=True)
    await _send(window, "reply", order, wait=False)  # a reply never waits for the budget
    bulk = asyncio.create_task(_send(window, "bulk", order))
    for _ in range(10):
        time.now += 5  # 50 s of the 60 s window
        await asyncio.sleep(0)
    assert order == ["alert", "reply"] and not bulk.done()  # the window is full
    time.now += 10.001  # the window has moved past both
    await time.run(0, bulk)
    assert order == ["alert", "reply", "bulk"]
