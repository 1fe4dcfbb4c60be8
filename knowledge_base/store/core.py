"""The primitives every part of the knowledge base shares: versioned row writes, index sync.

An entry row is only ever created through :meth:`KbCore._insert` and changed through
:meth:`KbCore._touch`, so every change writes a :class:`~models.kb.KbVersion` — the history
``/kb_history`` shows, and the fingerprint :meth:`KbCore._entry_fingerprint` that lets another
process notice the change. :meth:`KbCore._index_row` then brings the in-memory index in step.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.clock import Clock
from knowledge_base.index import SearchIndex
from knowledge_base.store.fields import apply_fields
from knowledge_base.store.views import members_of, snapshot, to_doc
from models.kb import KbEntry, KbStatus, KbSynonym, KbVersion

__all__ = ["KbCore"]


class KbCore:
    """State and shared primitives of :class:`knowledge_base.service.KnowledgeBase`."""

    engine: Engine
    clock: Clock
    index: SearchIndex
    seeded: int
    _pending: OrderedDict[str, str]  # gap-button token -> masked query
    _entries_mark: tuple[int, int]  # (count, max id) of versions indexed
    _synonyms_mark: tuple[Any, ...]

    # -- writing rows --------------------------------------------------------------------
    def _insert(self, s: Session, values: Mapping[str, Any], *, actor: int | None,
                summary: str, now: datetime) -> KbEntry:
        row = KbEntry(question="", question_key="", answer="", created_at=now, created_by=actor,
                      updated_at=now, updated_by=actor, version=1)
        apply_fields(row, values)
        s.add(row)
        s.flush()
        self._version(s, row, actor=actor, summary=summary, now=now)
        return row

    def _version(self, s: Session, row: KbEntry, *, actor: int | None, summary: str,
                 now: datetime) -> None:
        assert row.id is not None
        s.add(KbVersion(entry_id=row.id, version=row.version, at=now, actor_id=actor,
                        summary=summary[:256], snapshot=snapshot(row)))

    def _touch(self, s: Session, row: KbEntry, values: Mapping[str, Any], *,
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

    # -- keeping the index in step -------------------------------------------------------
    def _index_row(self, row: KbEntry) -> None:
        assert row.id is not None
        if row.status == KbStatus.active.value:
            self.index.upsert(to_doc(row))
        else:
            self.index.remove(row.id)

    def _entry_fingerprint(self, s: Session) -> tuple[int, int]:
        count, top = s.exec(select(func.count(col(KbVersion.id)), func.max(KbVersion.id))).one()
        return int(count or 0), int(top or 0)

    def _synonym_fingerprint(self, s: Session) -> tuple[Any, ...]:
        count, top, at = s.exec(select(func.count(col(KbSynonym.id)), func.max(KbSynonym.id),
                                       func.max(KbSynonym.updated_at))).one()
        return int(count or 0), int(top or 0), str(at)

    def _load_groups(self, s: Session) -> list[tuple[str, ...]]:
        rows = s.exec(select(KbSynonym).order_by(col(KbSynonym.id))).all()
        return [m for m in (members_of(r.members) for r in rows) if m]
