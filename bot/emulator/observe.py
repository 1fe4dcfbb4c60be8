"""Observation side of the emulator: the call log, waiting helpers and bot-message views.

Tests must wait for the bot's asynchronous reaction without sleeping blindly; everything here
is event-driven (an ``asyncio.Event`` replaced on every recorded call).
"""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import Callable
from typing import Any

from bot.emulator.faults import RateLimiter
from bot.emulator.state import JSON, ApiCall, EmulatorState, SentFile

MESSAGE_METHODS = frozenset(
    {"sendMessage", "sendDocument", "sendPhoto", "editMessageText", "editMessageCaption"}
)


class ObservationMixin:
    """Call recording and the ``wait_for_*``/``idle`` helpers of :class:`BotApiEmulator`."""

    state: EmulatorState
    limiter: RateLimiter
    calls: list[ApiCall]

    def _init_observation(self) -> None:
        self.calls = []
        self._listeners: list[Callable[[ApiCall], None]] = []
        self._call_event = asyncio.Event()
        self._last_activity = time.monotonic()

    def _busy(self) -> bool:
        """Overridden by the emulator: requests other than long polls still being answered."""
        return False

    def _record(self, call: ApiCall) -> None:
        self.calls.append(call)
        if call.method != "getUpdates" or call.result:
            self._last_activity = call.at
        for listener in list(self._listeners):
            listener(call)
        self._call_event.set()
        self._call_event = asyncio.Event()

    def add_listener(self, callback: Callable[[ApiCall], None]) -> None:
        """Call ``callback`` synchronously for every recorded call (console mode)."""
        self._listeners.append(callback)

    def calls_to(self, method: str) -> list[ApiCall]:
        """All recorded calls of ``method`` (case-insensitive), oldest first."""
        wanted = method.lower()
        return [call for call in self.calls if call.method.lower() == wanted]

    def mark(self) -> int:
        """Current call count, to pass as ``after=`` to the wait helpers."""
        return len(self.calls)

    def reset_calls(self) -> None:
        """Forget recorded calls (marks taken before are invalid afterwards)."""
        self.calls.clear()

    def bot_messages(self, chat_id: int | None = None) -> list[JSON]:
        """Messages the bot sent, current state (edits applied, deleted ones excluded)."""
        found = []
        for key in self.state.bot_message_keys:
            stored = self.state.messages[key]
            if not stored.deleted and (chat_id is None or key[0] == chat_id):
                found.append(copy.deepcopy(stored.data))
        return found

    def last_bot_message(self, chat_id: int) -> JSON | None:
        """The newest live bot message in ``chat_id``."""
        messages = self.bot_messages(chat_id)
        return messages[-1] if messages else None

    def sent_files(self, chat_id: int | None = None) -> list[SentFile]:
        """Files the bot sent (sendDocument/sendPhoto), optionally for one chat."""
        return [f for f in self.state.sent_files if chat_id is None or f.chat_id == chat_id]

    def max_sends(self, window: float = 1.0, chat_id: int | None = None) -> int:
        """Most messages sent inside any ``window`` seconds (flood-limit assertions)."""
        return self.limiter.max_in_window(window, chat_id)

    async def wait_for_call(
        self,
        predicate: Callable[[ApiCall], bool],
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - public API by spec
        after: int = 0,
    ) -> ApiCall:
        """First recorded call with index >= ``after`` matching ``predicate``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        index = after
        while True:
            while index < len(self.calls):
                call = self.calls[index]
                index += 1
                if predicate(call):
                    return call
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = [f"{c.method}(ok={c.ok})" for c in self.calls[after:][-10:]]
                raise TimeoutError(f"no matching API call within {timeout}s; recent: {recent}")
            event = self._call_event
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                continue

    async def wait_for_message(
        self,
        chat_id: int,
        *,
        contains: str | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - public API by spec
        after: int | None = None,
    ) -> JSON:
        """A successful send/edit to ``chat_id`` whose text or caption contains ``contains``.

        ``after=None`` searches the whole log; pass ``mark()`` to only see new messages.
        """

        def matches(call: ApiCall) -> bool:
            result: Any = call.result
            if not call.ok or call.method not in MESSAGE_METHODS or not isinstance(result, dict):
                return False
            if result.get("chat", {}).get("id") != chat_id:
                return False
            body = result.get("text") or result.get("caption") or ""
            return contains is None or contains in body

        call = await self.wait_for_call(matches, timeout=timeout, after=after or 0)
        return copy.deepcopy(call.result)

    async def wait_for_poll(self, *, after: int, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Return once a getUpdates call numbered above ``after`` reached the server.

        Take ``after = emu.state.poll_generation`` before starting the poll; afterwards the
        poll is waiting (or answered, if updates were queued).
        """
        async with asyncio.timeout(timeout):
            while self.state.poll_generation <= after:
                await self.state.update_event.wait()

    async def idle(self, quiet: float = 0.2, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until every update was fetched and no API call came for ``quiet`` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            quiet_for = time.monotonic() - self._last_activity
            busy = self.state.undelivered > 0 or self._busy()
            if not busy and quiet_for >= quiet:
                return
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(
                    f"emulator not idle after {timeout}s "
                    f"(undelivered updates: {self.state.undelivered})"
                )
            step = max(quiet - quiet_for, 0.005) if not busy else remaining
            event = self._call_event
            try:
                await asyncio.wait_for(event.wait(), min(step, remaining))
            except TimeoutError:
                continue
