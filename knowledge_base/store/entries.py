"""Entries: reading them, and the single-entry changes of the dialogues — add, edit, delete.

Each change is one transaction (row, version, audit record) followed by the index update, so
a search right after the reply already sees the change. A question is unique among the active
entries by its normalised form, which is what an import matches on as well.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.services.staff import audit
from knowledge_base.index import SearchHit
from knowledge_base.normalize import normalize
from knowledge_base.store.core import KbCore
from knowledge_base.store.fields import FIELD_NAMES_ZH, FIELDS, KbError, changed_fields, clean
from knowledge_base.store.views import Entry, Version, to_entry
from models.db import session_scope
from models.kb import KbEntry, KbStatus, KbVersion

__all__ = ["EntriesMixin"]


class EntriesMixin(KbCore):
    """Search, look-ups, history and export; add, edit and delete one entry."""

    # -- reading -----------------------------------------------------------------------
    def search(self, query: str, *, limit: int = 5) -> list[SearchHit]:
        """Best active entries for ``query`` (≤ limit), each with a score and ``strong``."""
        return self.index.search(query, limit=limit)

    def get(self, entry_id: int) -> Entry | None:
        """An entry by id (active or deleted), or None."""
        with session_scope(self.engine) as s:
            row = s.get(KbEntry, entry_id)
            return to_entry(row) if row is not None else None

    def find_question(self, question: str) -> Entry | None:
        """The active entry with the same (normalised) question, if any."""
        with session_scope(self.engine) as s:
            row = self._active_by_key(s, normalize(question)[:256])
            return to_entry(row) if row is not None else None

    def get_many(self, ids: Sequence[int]) -> dict[int, Entry]:
        if not ids:
            return {}
        with session_scope(self.engine) as s:
            rows = s.exec(select(KbEntry).where(col(KbEntry.id).in_(list(ids)))).all()
            return {r.id: to_entry(r) for r in rows if r.id is not None}

    def count(self) -> int:
        """Active entries."""
        return len(self.index)

    def categories(self, limit: int = 12) -> list[str]:
        """The categories in use, most entries first."""
        with session_scope(self.engine) as s:
            n = func.count(col(KbEntry.id))
            rows = s.exec(select(KbEntry.category, n)
                          .where(KbEntry.status == KbStatus.active.value, KbEntry.category != "")
                          .group_by(col(KbEntry.category))
                          .order_by(n.desc(), col(KbEntry.category))
                          .limit(limit)).all()
        return [c for c, _ in rows]

    def history(self, entry_id: int) -> list[Version]:
        """Every version of an entry, oldest first ([] when there is no such entry)."""
        with session_scope(self.engine) as s:
            rows = s.exec(select(KbVersion).where(KbVersion.entry_id == entry_id)
                          .order_by(col(KbVersion.version))).all()
            return [Version(entry_id=r.entry_id, version=r.version, at=r.at,
                            actor_id=r.actor_id, summary=r.summary,
                            snapshot=json.loads(r.snapshot)) for r in rows]

    def export_rows(self) -> list[dict[str, Any]]:
        """The active entries as dicts with the import columns (keywords as a list)."""
        with session_scope(self.engine) as s:
            rows = s.exec(select(KbEntry).where(KbEntry.status == KbStatus.active.value)
                          .order_by(col(KbEntry.id))).all()
            return [to_entry(r).fields() for r in rows]

    # -- changing ----------------------------------------------------------------------
    def _active_by_key(self, s: Session, key: str) -> KbEntry | None:
        return s.exec(select(KbEntry).where(KbEntry.question_key == key,
                                            KbEntry.status == KbStatus.active.value)
                      .order_by(col(KbEntry.id))).first()

    def add(self, *, actor: int | None, question: str, answer: str,
            keywords: object = (), category: str = "", source: str = "") -> Entry:
        """Create an entry (version 1); KbError when invalid or the question already exists."""
        values = clean({"question": question, "answer": answer, "keywords": keywords,
                        "category": category, "source": source})
        with session_scope(self.engine) as s:
            same = self._active_by_key(s, normalize(values["question"])[:256])
            if same is not None:
                raise KbError(f"已有相同的问题：#{same.id}（可用 /kb_edit {same.id} 修改）")
            row = self._insert(s, values, actor=actor, summary="新建", now=self.clock.now())
            audit.record(session=s, clock=self.clock, actor_id=actor, action="kb.add",
                         target=f"kb:{row.id}")
        self._index_row(row)
        return to_entry(row)

    def edit(self, *, actor: int | None, entry_id: int, **changes: Any) -> Entry:
        """Change some fields of an active entry (a new version); KbError when invalid."""
        unknown = set(changes) - set(FIELDS)
        if unknown:
            raise KbError("未知字段：" + "、".join(sorted(unknown)))
        with session_scope(self.engine) as s:
            row = s.get(KbEntry, entry_id)
            if row is None or row.status != KbStatus.active.value:
                raise KbError(f"没有编号为 {entry_id} 的知识条目")
            merged = to_entry(row).fields() | changes
            values = {k: v for k, v in clean(merged).items() if k in changes}
            if "question" in values:
                same = self._active_by_key(s, normalize(values["question"])[:256])
                if same is not None and same.id != row.id:
                    raise KbError(f"已有相同的问题：#{same.id}")
            names = changed_fields(row, values)
            if not names:
                return to_entry(row)
            self._touch(s, row, {k: values[k] for k in names}, actor=actor,
                        summary="修改：" + "、".join(FIELD_NAMES_ZH[n] for n in names))
            audit.record(session=s, clock=self.clock, actor_id=actor, action="kb.edit",
                         target=f"kb:{row.id}", detail=",".join(names))
        self._index_row(row)
        return to_entry(row)

    def delete(self, *, actor: int | None, entry_id: int) -> Entry:
        """Mark an entry deleted (its history stays); KbError when there is no active one."""
        with session_scope(self.engine) as s:
            row = s.get(KbEntry, entry_id)
            if row is None or row.status != KbStatus.active.value:
                raise KbError(f"没有编号为 {entry_id} 的知识条目（或已删除）")
            self._touch(s, row, {}, actor=actor, summary="删除", status=KbStatus.deleted.value)
            audit.record(session=s, clock=self.clock, actor_id=actor, action="kb.delete",
                         target=f"kb:{row.id}")
        self._index_row(row)
        return to_entry(row)
