"""Per-channel rate limits: how many messages a vendor accepts a minute.

WeCom and DingTalk group robots take 20 messages a minute each, a Feishu bot 100; SMS, voice
and e-mail are unlimited unless CHANNELS_FILE says `per_minute:`. A channel over its limit is
not slept on: its next row is deferred in the outbox until a slot frees, so the lane stays
responsive and a restart keeps the plan. The window counts the injected clock's time, and is
seeded from the outbox's recent sends when a lane starts.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from datetime import datetime, timedelta

from bot.channels.config import ChannelsConfig

WINDOW = timedelta(minutes=1)
DEFAULT_PER_MINUTE = {"wecom": 20, "dingtalk": 20, "feishu": 100}


def per_minute(config: ChannelsConfig, channel: str) -> int | None:
    """The channel's limit: the file's `per_minute`, else the vendor's documented one."""
    kind, _, name = channel.partition(":")
    entry = config.robot(kind, name) if name else getattr(config, kind, None)
    configured = getattr(entry, "per_minute", None)
    return configured if configured is not None else DEFAULT_PER_MINUTE.get(kind)


class RateWindow:
    """A sliding one-minute window of send times."""

    def __init__(self, limit: int | None, sent: Iterable[datetime] = ()) -> None:
        self.limit = limit
        self._sent: deque[datetime] = deque(sorted(sent))

    def next_free(self, now: datetime) -> datetime | None:
        """None when a message may go now; else when the next slot frees."""
        if self.limit is None:
            return None
        while self._sent and self._sent[0] <= now - WINDOW:
            self._sent.popleft()
        if len(self._sent) < self.limit:
            return None
        return self._sent[len(self._sent) - self.limit] + WINDOW

    def take(self, now: datetime) -> None:
        if self.limit is not None:
            self._sent.append(now)
