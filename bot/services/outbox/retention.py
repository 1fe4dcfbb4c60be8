"""Delivered outbox texts are not kept forever (OUTBOX_RETENTION_DAYS, default 7).

A row's note (``payload``), its legacy ``text`` and its ``buttons`` hold what was said —
citizens' names, phones, content. Once the row is final (sent, failed or cancelled) and older
than the retention, those three are cleared; the row itself stays, so its ``dedup_key`` still
turns a repeated producer into a no-op and counts stay right. ``note_kind`` stays too (it
names the kind of message, not its content).

Cheap on every tick: rows are visited in id order (ids grow with ``created_at``) from a
watermark kept in memory, a small batch at a time; the walk stops at the first row that is
too young, and waits at an old row that is still pending (it is purged once it is final).
After a restart the watermark starts from the beginning and catches up batch by batch.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from models.db import session_scope
from models.outbox import OutboxMessage

log = logging.getLogger(__name__)

FINAL = ("sent", "failed", "cancelled")


class Retention:
    def __init__(self, engine: Engine, *, days: int, batch: int = 200,
                 batches_per_run: int = 5) -> None:
        self.engine, self.keep = engine, timedelta(days=days)
        self.batch, self.batches_per_run = batch, batches_per_run
        self.mark = 0  # every row with id <= mark is purged or was never to be purged

    def purge(self, now: datetime) -> int:
        """Scheduler producer: clear the texts of final rows older than the retention;
        returns how many rows were cleared."""
        cutoff, cleared = now - self.keep, 0
        for _ in range(self.batches_per_run):
            n, more = self._batch(cutoff)
            cleared += n
            if not more:
                break
        if cleared:
            log.info("outbox: cleared the texts of %d delivered rows", cleared)
        return cleared

    def _batch(self, cutoff: datetime) -> tuple[int, bool]:
        """One batch from the watermark; True when a full batch of old final rows was seen
        (there may be more right after it)."""
        with session_scope(self.engine) as s:
            rows = s.exec(select(OutboxMessage.id, OutboxMessage.created_at,
                                 OutboxMessage.status).where(
                col(OutboxMessage.id) > self.mark).order_by(col(OutboxMessage.id))
                .limit(self.batch)).all()
            mark = self.mark
            for row_id, created_at, status in rows:
                assert row_id is not None
                if created_at >= cutoff or status not in FINAL:
                    break  # too young (so is everything after it), or not delivered yet
                mark = row_id
            cleared = 0
            if mark > self.mark:
                cleared = s.exec(update(OutboxMessage).where(
                    col(OutboxMessage.id) > self.mark, col(OutboxMessage.id) <= mark,
                    col(OutboxMessage.payload).is_not(None) | (col(OutboxMessage.text) != "")
                    | col(OutboxMessage.buttons).is_not(None),
                ).values(payload=None, text="", buttons=None)).rowcount
        full = len(rows) == self.batch and mark == rows[-1][0]
        self.mark = mark
        return cleared, full
