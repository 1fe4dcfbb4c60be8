"""The learning loop: queries staff answered by picking an entry become its similar phrasings.

When a staff member picks an entry from the candidates shown for a query, the (masked) query
is recorded against it (:class:`~models.kb.KbPick`). Two picks by different people, or one by a
manager (a manager's pick is the confirmation), add the query to the entry's similar phrasings
(相似问法) — a new version of the entry, searched like its question from then on. A gap that a
manager closes by naming an entry teaches the same way. Picks are never deleted: they are the
history of what the search learned, from whom and when.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.clock import Clock
from bot.services.masker import mask
from bot.services.staff import audit
from knowledge_base.hybrid import HybridIndex
from knowledge_base.normalize import normalize
from knowledge_base.store.feed import feed_rows
from knowledge_base.store.fields import MAX_QUESTION, MAX_SIMILAR, KbError, similar_of
from knowledge_base.store.rows import RowWriter
from knowledge_base.store.views import Pick, to_pick
from knowledge_base.vocabulary import SUMMARY
from models.db import session_scope
from models.kb import KbEntry, KbPick, KbStatus, PickStatus

__all__ = ["PICKS_TO_LEARN", "Learning", "PickOutcome"]

#: independent staff picks that make a query a similar phrasing
PICKS_TO_LEARN = 2


@dataclass(frozen=True)
class PickOutcome:
    """``status``: ``pending`` (``picks`` so far), ``learned`` (now a phrasing of the entry)
    or ``known`` (the entry already has this phrasing)."""

    status: str
    picks: int


class Learning:
    """Records picks and promotes phrasings."""

    def __init__(self, engine: Engine, clock: Clock, rows: RowWriter,
                 index: HybridIndex) -> None:
        self.engine, self.clock, self.rows, self.index = engine, clock, rows, index

    def record_pick(self, *, query: str, entry_id: int, actor: int | None,
                    by_manager: bool = False) -> PickOutcome:
        """Record that ``actor`` picked ``entry_id`` for ``query``; learn when confirmed."""
        text = " ".join(mask(query or "").split())[:MAX_QUESTION]
        key = normalize(text)[:256]
        if not key:
            raise KbError("empty_query")
        now = self.clock.now()
        with session_scope(self.engine) as s:
            entry = _active(s, entry_id)
            known = _knows(entry, key)
            s.add(KbPick(entry_id=entry_id, query=text, query_key=key, picked_by=actor,
                         picked_at=now, by_manager=by_manager,
                         status=PickStatus.superseded.value if known
                         else PickStatus.pending.value, decided_at=now if known else None))
            s.flush()
            if known:
                return PickOutcome("known", 0)
            pickers = {p for p in s.exec(select(KbPick.picked_by).where(
                KbPick.entry_id == entry_id, KbPick.query_key == key,
                KbPick.status == PickStatus.pending.value)).all()}
            if not by_manager and len(pickers) < PICKS_TO_LEARN:
                return PickOutcome("pending", len(pickers))
            learned = self._learn(s, entry, text, actor)
        if learned:
            feed_rows(self.index, [entry])
        return PickOutcome("learned" if learned else "known", len(pickers))

    def add_phrasing(self, *, entry_id: int, query: str, actor: int | None) -> bool:
        """Make ``query`` a phrasing of the entry at once (a manager said so); False when the
        entry already has it or has no room left."""
        text = " ".join(mask(query or "").split())[:MAX_QUESTION]
        if not normalize(text):
            return False
        with session_scope(self.engine) as s:
            entry = _active(s, entry_id)
            learned = self._learn(s, entry, text, actor)
        if learned:
            feed_rows(self.index, [entry])
        return learned

    def _learn(self, s: Session, entry: KbEntry, text: str, actor: int | None) -> bool:
        key = normalize(text)[:256]
        now = self.clock.now()
        pending = s.exec(select(KbPick).where(
            KbPick.entry_id == entry.id, KbPick.query_key == key,
            KbPick.status == PickStatus.pending.value)).all()
        have = similar_of(entry)
        ok = not _knows(entry, key) and len(have) < MAX_SIMILAR
        for p in pending:
            p.status = (PickStatus.promoted if ok else PickStatus.superseded).value
            p.decided_at = now
            s.add(p)
        if not ok:
            return False
        self.rows.touch(s, entry, {"similar": (*have, text)}, actor=actor,
                        summary=SUMMARY["learned"])
        audit.record(session=s, clock=self.clock, actor_id=actor, action="kb.learn",
                     target=f"kb:{entry.id}")
        return True

    def picks(self, entry_id: int) -> list[Pick]:
        """Every pick recorded against an entry, oldest first."""
        with session_scope(self.engine) as s:
            rows = s.exec(select(KbPick).where(KbPick.entry_id == entry_id)
                          .order_by(col(KbPick.picked_at), col(KbPick.id))).all()
            return [to_pick(r) for r in rows]

    def counts(self) -> dict[str, int]:
        """Picks by status (for /kb_stats)."""
        with session_scope(self.engine) as s:
            rows = s.exec(select(KbPick.status, func.count(col(KbPick.id)))
                          .group_by(col(KbPick.status))).all()
            return {status: int(n) for status, n in rows}


def _active(s: Session, entry_id: int) -> KbEntry:
    entry = s.get(KbEntry, entry_id)
    if entry is None or entry.status != KbStatus.active.value:
        raise KbError("no_entry", id=entry_id)
    return entry


def _knows(entry: KbEntry, key: str) -> bool:
    """The entry's question or one of its phrasings already says ``key``."""
    return key == entry.question_key or key in {normalize(t)[:256] for t in similar_of(entry)}
