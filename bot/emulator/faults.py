"""Failure injection and flood control.

Tests need to see how the bot copes with Telegram misbehaving (5xx, 429, slow answers) and to
prove the bot respects Telegram's flood limits; both live here, outside the method logic.
"""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass

from bot.emulator.errors import ApiError, generic_error, too_many_requests

SEND_METHODS = frozenset(
    {"sendMessage", "sendDocument", "sendPhoto", "sendMediaGroup", "copyMessage",
     "forwardMessage"}
)  # fmt: skip


@dataclass
class _Failure:
    method: str
    status: int
    retry_after: int | None
    remaining: int
    chat_id: int | None
    description: str | None
    text_contains: str | None = None


@dataclass
class _Delay:
    method: str
    seconds: float
    remaining: int
    chat_id: int | None = None


class Faults:
    """Queued one-shot (or n-shot) failures and delays, matched by method (case-insensitive)."""

    def __init__(self) -> None:
        self._failures: list[_Failure] = []
        self._delays: list[_Delay] = []

    def fail(
        self,
        method: str,
        *,
        status: int = 500,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
        description: str | None = None,
        text_contains: str | None = None,
    ) -> None:
        """Make the next ``times`` matching calls fail with ``status``.

        ``text_contains`` narrows the rule to calls whose ``text`` holds those words, so a test
        can fail one particular delivery (say, the second escalation level) whenever it comes.
        """
        self._failures.append(
            _Failure(method.lower(), status, retry_after, times, chat_id, description,
                     text_contains)
        )

    def clear(self) -> None:
        """Forget every queued failure and delay (Telegram is healthy again)."""
        self._failures.clear()
        self._delays.clear()

    def delay(self, method: str, seconds: float, *, times: int = 1,
              chat_id: int | None = None) -> None:
        """Make the next ``times`` calls of ``method`` (to ``chat_id`` only, if given) wait
        ``seconds`` before they are carried out and answered. A client that gives up
        earlier does not stop the call: the message is sent all the same, as on the real
        server when only the answer is lost."""
        self._delays.append(_Delay(method.lower(), seconds, times, chat_id))

    def take_failure(self, method: str, chat_id: object, text: object = None) -> ApiError | None:
        """Consume and return the first matching failure, if any."""
        for rule in self._failures:
            if rule.method != method.lower():
                continue
            if rule.chat_id is not None and str(rule.chat_id) != str(chat_id):
                continue
            if rule.text_contains is not None and rule.text_contains not in str(text or ""):
                continue
            rule.remaining -= 1
            if rule.remaining <= 0:
                self._failures.remove(rule)
            if rule.status == 429:
                error = too_many_requests(rule.retry_after or 1)
                if rule.description:
                    error.description = rule.description
                return error
            return generic_error(rule.status, rule.description)
        return None

    def take_delay(self, method: str, chat_id: object = None) -> float:
        """Consume and return the first matching delay in seconds (0 when none)."""
        for rule in self._delays:
            if rule.chat_id is not None and str(rule.chat_id) != str(chat_id):
                continue
            if rule.method == method.lower():
                rule.remaining -= 1
                if rule.remaining <= 0:
                    self._delays.remove(rule)
                return rule.seconds
        return 0.0


class RateLimiter:
    """Records every successful send; optionally enforces Telegram's documented flood limits.

    Limits (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this):
    about 30 messages per second overall and 20 messages per minute to one group.
    """

    GLOBAL_PER_SECOND = 30
    GROUP_PER_MINUTE = 20

    def __init__(self, *, enforce: bool = False) -> None:
        self.enforce = enforce
        self.sends: list[tuple[float, int]] = []
        self._recent: deque[tuple[float, int]] = deque()

    def check(self, chat_id: int, *, is_group: bool) -> None:
        """Raise 429 if one more send to ``chat_id`` would exceed a limit (when enforcing)."""
        if not self.enforce:
            return
        now = time.monotonic()
        while self._recent and now - self._recent[0][0] >= 60:
            self._recent.popleft()
        last_second = [t for t, _ in self._recent if now - t < 1]
        if len(last_second) >= self.GLOBAL_PER_SECOND:
            raise too_many_requests(math.ceil(1 - (now - last_second[0])))
        if is_group:
            to_chat = [t for t, c in self._recent if c == chat_id]
            if len(to_chat) >= self.GROUP_PER_MINUTE:
                raise too_many_requests(math.ceil(60 - (now - to_chat[0])))

    def record(self, chat_id: int) -> None:
        """Remember a successful send (always, so tests can assert on rates)."""
        entry = (time.monotonic(), chat_id)
        self.sends.append(entry)
        self._recent.append(entry)

    def max_in_window(self, window: float, chat_id: int | None = None) -> int:
        """Largest number of sends (to ``chat_id`` or overall) inside any ``window`` seconds."""
        times = [t for t, c in self.sends if chat_id is None or c == chat_id]
        best, start = 0, 0
        for end, t_end in enumerate(times):
            while t_end - times[start] >= window:
                start += 1
            best = max(best, end - start + 1)
        return best
