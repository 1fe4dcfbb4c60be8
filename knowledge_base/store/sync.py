"""Start-up and cross-process sync: seeding a fresh install, loading, :meth:`Loader.refresh`.

Another process (the command line ``python -m bot kb import``) writes the same tables, so a
running bot polls: :meth:`Loader.refresh` compares cheap fingerprints (count and highest id of
versions, and of synonym groups) with the ones last indexed and re-indexes only the entries
that gained a version since (their vectors, stored by the importing process, are loaded rather
than recomputed); anything it cannot account for triggers a full reload.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime

from sqlalchemy import func, insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.clock import Clock
from bot.services.staff import audit
from knowledge_base.content import (
    load_default_synonyms,
    load_starter_entries,
    load_variant_lexicon,
)
from knowledge_base.hybrid import HybridIndex
from knowledge_base.store.feed import feed_rows
from knowledge_base.store.fields import clean
from knowledge_base.store.rows import RowWriter
from knowledge_base.store.synonyms import Synonyms, load_groups, synonym_fingerprint
from knowledge_base.store.views import to_doc
from knowledge_base.vocabulary import SUMMARY
from models.audit import AuditLog
from models.db import session_scope
from models.kb import KbEntry, KbStatus, KbSynonym, KbVersion

__all__ = ["Loader"]

log = logging.getLogger("knowledge_base.service")  # the name it has always logged under

#: what :func:`~knowledge_base.store.views.to_doc` reads of an entry
_DOC_COLUMNS = (KbEntry.id, KbEntry.question, KbEntry.answer, KbEntry.keywords,
                KbEntry.category, KbEntry.source, KbEntry.similar)


def entry_fingerprint(s: Session) -> tuple[int, int]:
    count, top = s.exec(select(func.count(col(KbVersion.id)), func.max(KbVersion.id))).one()
    return int(count or 0), int(top or 0)


class Loader:
    """Seeding, the full load, and picking up other processes' changes."""

    def __init__(self, engine: Engine, clock: Clock, rows: RowWriter, index: HybridIndex,
                 synonyms: Synonyms) -> None:
        self.engine, self.clock, self.rows = engine, clock, rows
        self.index, self.synonyms = index, synonyms
        self.mark = (0, 0)  # (count, max id) of versions indexed

    def seed(self, starter: bool) -> int:
        """Fresh install (no entries at all): the default synonyms (with the variant
        lexicon) and the starter content. Returns how many starter entries went in."""
        with session_scope(self.engine) as s:
            if s.exec(select(func.count()).select_from(KbEntry)).one():
                self._variants_once(s)
                return 0
            now = self.clock.now()
            if not s.exec(select(func.count()).select_from(KbSynonym)).one():
                # one executemany: a few hundred ORM objects cost ~50 ms at every fresh start
                s.execute(insert(KbSynonym), [
                    {"members": json.dumps(group, ensure_ascii=False), "updated_at": now}
                    for group in load_default_synonyms()])
            audit.record(session=s, clock=self.clock, actor_id=None, action="kb.variants")
            if not starter:
                return 0
            n = len(self.rows.insert_many(s, [clean(raw) for raw in load_starter_entries()],
                                          actor=None, summary=SUMMARY["seed"], now=now))
            audit.record(session=s, clock=self.clock, actor_id=None, action="kb.seed",
                         detail=f"{n} entries")
        log.info("knowledge base seeded with %d starter entries", n)
        return n

    def _variants_once(self, s: Session) -> None:
        """An install seeded before the variant lexicon existed gets it once."""
        done = s.exec(select(AuditLog.id).where(AuditLog.action == "kb.variants")).first()
        if done is not None:
            return
        audit.record(session=s, clock=self.clock, actor_id=None, action="kb.variants")
        s.flush()
        s.commit()
        added = self.synonyms.import_groups(load_variant_lexicon(), reload=False)
        log.info("knowledge base: %d variant groups added to the synonyms", added)

    def load_all(self, *, background: bool | None = None) -> None:
        """Index every active entry (vectors from the database where they are current)."""
        with session_scope(self.engine) as s:
            mark = entry_fingerprint(s)
            synonyms_mark = synonym_fingerprint(s)
            groups = load_groups(s)
            # the columns a search needs, as plain rows: building 10,000 ORM objects was
            # half of the start-up time before the first answer
            rows = s.exec(select(*_DOC_COLUMNS)
                          .where(KbEntry.status == KbStatus.active.value)
                          .order_by(col(KbEntry.id))).all()
            docs = [to_doc(r) for r in rows]  # type: ignore[arg-type]
        self.index.load(docs, groups, background=background)
        self.mark, self.synonyms.mark = mark, synonyms_mark

    def refresh(self, now: datetime | None = None) -> bool:
        """Pick up changes made by another process; cheap when nothing changed."""
        with session_scope(self.engine) as s:
            synonyms_mark = synonym_fingerprint(s)
            groups = load_groups(s) if synonyms_mark != self.synonyms.mark else None
            mark = entry_fingerprint(s)
            changed: list[KbEntry] | None = []
            if mark != self.mark:
                old_count, old_top = self.mark
                ids = s.exec(select(KbVersion.entry_id).where(col(KbVersion.id) > old_top)).all()
                if len(ids) != mark[0] - old_count:
                    changed = None  # versions appeared below the mark: reload everything
                elif ids:
                    changed = list(s.exec(select(KbEntry).where(
                        col(KbEntry.id).in_(sorted(set(ids))))).all())
        if groups is None and changed == [] and mark == self.mark:
            return False
        if changed is None:
            self.load_all(background=False)
            return True
        if groups is not None:
            self.index.set_synonyms(groups)
            self.synonyms.mark = synonyms_mark
        feed_rows(self.index, changed)
        self.mark = mark
        return True
