"""Versioned row writes: every entry change goes through :class:`RowWriter`.

An entry row is only ever created through :meth:`RowWriter.insert` and changed through
:meth:`RowWriter.touch`, so every change writes a :class:`~models.kb.KbVersion` — the history
``/kb_history`` shows, and the fingerprint that lets another process notice the change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.clock import Clock
from knowledge_base.store.fields import apply_fields
from knowledge_base.store.views import snapshot
from models.kb import KbEntry, KbVersion

__all__ = ["RowWriter"]


class RowWriter:
    """Creates and changes entry rows, writing a version for each change."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def insert(self, s: Session, values: Mapping[str, Any], *, actor: int | None,
               summary: str, now: datetime) -> KbEntry:
        return self.insert_many(s, [values], actor=actor, summary=summary, now=now)[0]

    def insert_many(self, s: Session, values: Sequence[Mapping[str, Any]], *,
                    actor: int | None, summary: str, now: datetime) -> list[KbEntry]:
        """Create the rows (and their first versions) with one flush: a fresh install's
        starter content is then one batched statement per table, not two per entry (on
        PostgreSQL ~60 ms instead of ~0.3 s at every first start)."""
        rows = []
        for v in values:
            row = KbEntry(question="", question_key="", answer="", created_at=now,
                          created_by=actor, updated_at=now, updated_by=actor, version=1)
            apply_fields(row, v)
            rows.append(row)
        s.add_all(rows)
        s.flush()
        for row in rows:
            self._version(s, row, actor=actor, summary=summary, now=now)
        return rows

    def touch(self, s: Session, row: KbEntry, values: Mapping[str, Any], *,
              actor: int | None, summary: str, status: str | None = None) -> None:
        now = self.clock.now()
        apply_fields(row, values)
        if status is not None:
            row.status = status
        row.version += 1
        row.updated_at, row.updated_by = now, actor
        s.add(row)
        s.flush()
        self._version(s, row, actor=actor, summary=summary, now=now)

    @staticmethod
    def _version(s: Session, row: KbEntry, *, actor: int | None, summary: str,
                 now: datetime) -> None:
        assert row.id is not None
        s.add(KbVersion(entry_id=row.id, version=row.version, at=now, actor_id=actor,
                        summary=summary[:256], snapshot=snapshot(row)))
