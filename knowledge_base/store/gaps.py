"""Knowledge-base gaps: searches that found no good answer, recorded for the maintainers.

A gap's query is a citizen's words and may hold personal data, so it is masked before it is
kept anywhere. A gap that a manager closes by naming the entry that answers it teaches the
search (:meth:`~knowledge_base.store.learning.Learning.add_phrasing`): the query becomes one of
the entry's similar phrasings, so the next caller who says it that way finds it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.clock import Clock
from bot.services.masker import mask
from bot.services.staff import audit
from knowledge_base.normalize import normalize
from knowledge_base.store.fields import KbError
from knowledge_base.store.learning import Learning
from knowledge_base.store.tokens import MAX_QUERY
from knowledge_base.store.views import Gap, to_gap
from models.db import session_scope
from models.kb import GapStatus, KbEntry, KbGap, KbStatus

__all__ = ["MAX_GAP_QUERY", "Gaps"]

MAX_GAP_QUERY = MAX_QUERY


class Gaps:
    """Recording gaps, listing, closing (and learning from the closure) and counting them."""

    def __init__(self, engine: Engine, clock: Clock, learning: Learning) -> None:
        self.engine, self.clock, self.learning = engine, clock, learning

    def record(self, query: str, actor: int | None) -> tuple[Gap, bool]:
        """Record a search that found no good answer (masked); an open gap with the same
        question is counted again instead of doubled. Returns (gap, newly created)."""
        text = " ".join(mask(query or "").split())[:MAX_GAP_QUERY]
        key = (normalize(text) or text)[:256]
        if not key:
            raise KbError("empty_query")
        now = self.clock.now()
        with session_scope(self.engine) as s:
            row = s.exec(select(KbGap).where(KbGap.query_key == key,
                                             KbGap.status == GapStatus.open.value)).first()
            created = row is None
            if row is None:
                row = KbGap(query=text, query_key=key, asked_by=actor, asked_at=now)
            else:
                row.times += 1
            s.add(row)
            s.flush()
            return to_gap(row), created

    def open(self, limit: int | None = None) -> list[Gap]:
        """Open gaps, oldest first."""
        with session_scope(self.engine) as s:
            q = select(KbGap).where(KbGap.status == GapStatus.open.value) \
                .order_by(col(KbGap.asked_at), col(KbGap.id))
            if limit is not None:
                q = q.limit(limit)
            return [to_gap(r) for r in s.exec(q).all()]

    def count_open(self) -> int:
        with session_scope(self.engine) as s:
            return int(s.exec(select(func.count()).select_from(KbGap)
                              .where(KbGap.status == GapStatus.open.value)).one())

    def close(self, *, actor: int | None, gap_id: int, entry_id: int | None = None) -> Gap:
        """Close a gap, optionally naming the entry that now answers it (which learns the
        gap's query as a similar phrasing)."""
        with session_scope(self.engine) as s:
            row = s.get(KbGap, gap_id)
            if row is None:
                raise KbError("no_gap", id=gap_id)
            if row.status != GapStatus.open.value:
                raise KbError("gap_closed", id=gap_id)
            if entry_id is not None:
                entry = s.get(KbEntry, entry_id)
                if entry is None or entry.status != KbStatus.active.value:
                    raise KbError("no_entry", id=entry_id)
            row.status = GapStatus.closed.value
            row.closed_by, row.closed_at = actor, self.clock.now()
            row.resolution_entry_id = entry_id
            s.add(row)
            audit.record(session=s, clock=self.clock, actor_id=actor, action="kb.gap.close",
                         target=f"kbgap:{gap_id}",
                         detail=f"entry {entry_id}" if entry_id is not None else None)
            gap = to_gap(row)
        if entry_id is not None:
            self.learning.add_phrasing(entry_id=entry_id, query=gap.query, actor=actor)
        return gap

    def between(self, start: datetime, end: datetime) -> list[Gap]:
        """Gaps first recorded in [start, end), open or closed (for the reports)."""
        with session_scope(self.engine) as s:
            rows = s.exec(select(KbGap).where(col(KbGap.asked_at) >= start,
                                              col(KbGap.asked_at) < end)
                          .order_by(col(KbGap.asked_at), col(KbGap.id))).all()
            return [to_gap(r) for r in rows]

    def count(self, *, start: datetime, end: datetime) -> int:
        """How many gaps were recorded in [start, end) (the weekly report's figure)."""
        with session_scope(self.engine) as s:
            return int(s.exec(select(func.count()).select_from(KbGap).where(
                col(KbGap.asked_at) >= start, col(KbGap.asked_at) < end)).one())
