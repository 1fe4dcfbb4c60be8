"""Knowledge-base gaps: searches that found no good answer, recorded for the maintainers.

A gap's query is a citizen's words and may hold personal data, so it is masked before it is
kept anywhere — in the database and already in the short-lived token store behind the
"记录为知识库缺口" button (whose callback data, limited to 64 bytes, cannot carry the text).
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select

from bot.services.privacy import mask_text
from bot.services.staff import audit
from knowledge_base.normalize import normalize
from knowledge_base.store.core import KbCore
from knowledge_base.store.fields import KbError
from knowledge_base.store.views import Gap, to_gap
from models.db import session_scope
from models.kb import GapStatus, KbEntry, KbGap, KbStatus

__all__ = ["MAX_GAP_QUERY", "GapsMixin"]

MAX_GAP_QUERY = 200
_PENDING_MAX = 2000  # remembered queries for the "记录为知识库缺口" button


class GapsMixin(KbCore):
    """Recording gaps (via the button's token), listing, closing and counting them."""

    def remember_query(self, query: str) -> str:
        """A short token for a query (the gap button's callback data cannot hold the text).

        The query is masked here already: the token store never holds a phone number."""
        token = secrets.token_hex(4)
        self._pending[token] = mask_text(query.strip())[:MAX_GAP_QUERY]
        while len(self._pending) > _PENDING_MAX:
            self._pending.popitem(last=False)
        return token

    def pending_query(self, token: str) -> str | None:
        return self._pending.get(token)

    def record_gap(self, query: str, actor: int | None) -> tuple[Gap, bool]:
        """Record a search that found no good answer (masked); an open gap with the same
        question is counted again instead of doubled. Returns (gap, newly created)."""
        text = " ".join(mask_text(query or "").split())[:MAX_GAP_QUERY]
        key = (normalize(text) or text)[:256]
        if not key:
            raise KbError("检索内容为空")
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

    def open_gaps(self, limit: int | None = None) -> list[Gap]:
        """Open gaps, oldest first."""
        with session_scope(self.engine) as s:
            q = select(KbGap).where(KbGap.status == GapStatus.open.value) \
                .order_by(col(KbGap.asked_at), col(KbGap.id))
            if limit is not None:
                q = q.limit(limit)
            return [to_gap(r) for r in s.exec(q).all()]

    def count_open_gaps(self) -> int:
        with session_scope(self.engine) as s:
            return int(s.exec(select(func.count()).select_from(KbGap)
                              .where(KbGap.status == GapStatus.open.value)).one())

    def close_gap(self, *, actor: int | None, gap_id: int,
                  entry_id: int | None = None) -> Gap:
        """Close a gap, optionally naming the entry that now answers it."""
        with session_scope(self.engine) as s:
            row = s.get(KbGap, gap_id)
            if row is None:
                raise KbError(f"没有编号为 {gap_id} 的知识库缺口")
            if row.status != GapStatus.open.value:
                raise KbError(f"缺口 #{gap_id} 已经关闭")
            if entry_id is not None:
                entry = s.get(KbEntry, entry_id)
                if entry is None or entry.status != KbStatus.active.value:
                    raise KbError(f"没有编号为 {entry_id} 的知识条目")
            row.status = GapStatus.closed.value
            row.closed_by, row.closed_at = actor, self.clock.now()
            row.resolution_entry_id = entry_id
            s.add(row)
            audit.record(session=s, clock=self.clock, actor_id=actor, action="kb.gap.close",
                         target=f"kbgap:{gap_id}",
                         detail=f"entry {entry_id}" if entry_id is not None else None)
            return to_gap(row)

    def gaps_between(self, start: datetime, end: datetime) -> list[Gap]:
        """Gaps first recorded in [start, end), open or closed (for the reports)."""
        with session_scope(self.engine) as s:
            rows = s.exec(select(KbGap).where(col(KbGap.asked_at) >= start,
                                              col(KbGap.asked_at) < end)
                          .order_by(col(KbGap.asked_at), col(KbGap.id))).all()
            return [to_gap(r) for r in rows]

    def gap_count(self, *, start: datetime, end: datetime) -> int:
        """How many gaps were recorded in [start, end) (the weekly report's figure)."""
        with session_scope(self.engine) as s:
            return int(s.exec(select(func.count()).select_from(KbGap).where(
                col(KbGap.asked_at) >= start, col(KbGap.asked_at) < end)).one())
