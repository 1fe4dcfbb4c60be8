"""Start-up and cross-process sync: seeding a fresh install, loading, :meth:`refresh`.

Another process (the command line ``python -m bot kb import``) writes the same tables, so a
running bot polls: :meth:`SyncMixin.refresh` compares cheap fingerprints (count and highest id
of versions, and of synonym groups) with the ones last indexed and re-indexes only the entries
that gained a version since; anything it cannot account for triggers a full reload.
"""

from __future__ import annotations

import json
import logging

from sqlalchemy import func
from sqlmodel import col, select

from bot.services.staff import audit
from knowledge_base.content import load_default_synonyms, load_starter_entries
from knowledge_base.index import SearchIndex
from knowledge_base.store.core import KbCore
from knowledge_base.store.fields import clean
from knowledge_base.store.views import to_doc
from models.db import session_scope
from models.kb import KbEntry, KbStatus, KbSynonym, KbVersion

__all__ = ["SyncMixin"]

log = logging.getLogger("knowledge_base.service")  # the name it has always logged under


class SyncMixin(KbCore):
    """Seeding, the full load, and picking up other processes' changes."""

    def _seed(self, starter: bool) -> int:
        """Fresh install (no entries at all): the default synonyms and the starter content."""
        with session_scope(self.engine) as s:
            if s.exec(select(func.count()).select_from(KbEntry)).one():
                return 0
            now = self.clock.now()
            if not s.exec(select(func.count()).select_from(KbSynonym)).one():
                for group in load_default_synonyms():
                    s.add(KbSynonym(members=json.dumps(group, ensure_ascii=False),
                                    updated_at=now))
            if not starter:
                return 0
            n = 0
            for raw in load_starter_entries():
                values = clean(raw)
                self._insert(s, values, actor=None, summary="初始内容", now=now)
                n += 1
            audit.record(session=s, clock=self.clock, actor_id=None, action="kb.seed",
                         detail=f"{n} entries")
        log.info("knowledge base seeded with %d starter entries", n)
        return n

    def _reload_all(self) -> None:
        with session_scope(self.engine) as s:
            entries_mark = self._entry_fingerprint(s)
            synonyms_mark = self._synonym_fingerprint(s)
            groups = self._load_groups(s)
            rows = s.exec(select(KbEntry).where(KbEntry.status == KbStatus.active.value)
                          .order_by(col(KbEntry.id))).all()
            docs = [to_doc(r) for r in rows]
        self.index = SearchIndex(docs, synonyms=groups)
        self._entries_mark, self._synonyms_mark = entries_mark, synonyms_mark

    def refresh(self, _now: object = None) -> bool:
        """Pick up changes made by another process; cheap when nothing changed."""
        with session_scope(self.engine) as s:
            synonyms_mark = self._synonym_fingerprint(s)
            groups = self._load_groups(s) if synonyms_mark != self._synonyms_mark else None
            entries_mark = self._entry_fingerprint(s)
            changed: list[KbEntry] | None = []
            if entries_mark != self._entries_mark:
                old_count, old_top = self._entries_mark
                ids = s.exec(select(KbVersion.entry_id).where(col(KbVersion.id) > old_top)).all()
                if len(ids) != entries_mark[0] - old_count:
                    changed = None  # versions appeared below the mark: reload everything
                else:
                    changed = list(s.exec(select(KbEntry).where(
                        col(KbEntry.id).in_(sorted(set(ids))))).all()) if ids else []
        if groups is None and changed == [] and entries_mark == self._entries_mark:
            return False
        if changed is None:
            self._reload_all()
            return True
        if groups is not None:
            self.index.set_synonyms(groups)
            self._synonyms_mark = synonyms_mark
        for row in changed:
            self._index_row(row)
        self._entries_mark = entries_mark
        return True
