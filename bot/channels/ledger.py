"""Each channel's record: its last outcome (for `python -m bot channels list`) and its run of
failures, so that a channel that keeps failing is reported once per run, not per message.

A run starts with the first failure after a success and ends with the next success. It is
reported when it reaches ``failing_after`` failures in a row, or at once when a failure cannot
be cured by retrying (a wrong key or secret, a refused recipient).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.clock import Clock
from models.channel import ChannelState
from models.db import session_scope

FAILING_AFTER = 3


@dataclass(frozen=True)
class Down:
    """A channel that keeps failing, to be reported (once for this run of failures)."""

    channel: str
    detail: str
    failures: int
    since: datetime


class ChannelLedger:
    def __init__(self, engine: Engine, clock: Clock, *,
                 failing_after: int = FAILING_AFTER) -> None:
        self.engine, self.clock, self.failing_after = engine, clock, failing_after

    def record(self, channel: str, *, ok: bool, detail: str,
               permanent: bool = False) -> Down | None:
        """Record one outcome; a Down the first time this run of failures is worth telling."""
        now = self.clock.now()
        with session_scope(self.engine) as s:
            row = s.get(ChannelState, channel) or ChannelState(name=channel)
            row.last_at, row.last_ok, row.last_detail = now, ok, detail[:128]
            down = None
            if ok:
                row.sent += 1
                row.streak, row.failing_since, row.reported_at = 0, None, None
            else:
                row.failed += 1
                row.streak += 1
                row.failing_since = row.failing_since or now
                if row.reported_at is None and (permanent or row.streak >= self.failing_after):
                    row.reported_at = now
                    down = Down(channel, detail, row.streak, row.failing_since)
            s.add(row)
        return down

    def record_test(self, channel: str, *, ok: bool, detail: str) -> None:
        """An operator's test message: its outcome is shown, but it neither starts nor ends a
        run of failures (the managers' report stays the alerts' business)."""
        with session_scope(self.engine) as s:
            row = s.get(ChannelState, channel) or ChannelState(name=channel)
            row.last_at, row.last_ok = self.clock.now(), ok
            row.last_detail = f"test: {detail}"[:128]
            s.add(row)

    def states(self) -> dict[str, ChannelState]:
        with session_scope(self.engine) as s:
            return {r.name: r for r in s.exec(select(ChannelState)).all()}
