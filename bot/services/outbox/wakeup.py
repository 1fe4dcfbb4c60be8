"""A doorbell between whoever fills the outbox and the courier that empties it.

Producers run in the event loop's thread or in worker threads (database work is kept off the
loop); the courier waits in the loop. ``ring()`` is safe from any thread; ``wait()`` is awaited
by the courier only. Built once in the composition root and handed to both sides.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading


class Wakeup:
    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None
        self._lock = threading.Lock()
        self._early = False  # rung before the courier started waiting

    def bind(self) -> None:
        """Attach to the running loop (the courier calls this when it starts)."""
        with self._lock:
            self._loop = asyncio.get_running_loop()
            self._event = asyncio.Event()
            if self._early:
                self._event.set()

    def ring(self) -> None:
        with self._lock:
            loop, event = self._loop, self._event
            if loop is None or event is None:
                self._early = True
                return
        if loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            event.set()
        else:
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(event.set)

    async def wait(self, seconds: float) -> None:
        """Return when rung or after ``seconds``, whichever comes first."""
        assert self._event is not None, "bind() first"
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), seconds)
        self._event.clear()
        self._early = False
