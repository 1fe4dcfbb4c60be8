"""Entries: reading them, and the single-entry changes of the dialogues — add, edit, delete.

Each change is one transaction (row, version, audit record) followed by the index update
(:func:`~knowledge_base.store.feed.feed_rows`: re-index, re-embed), so a search right after the
reply already sees the change. A question is unique among the active entries by its normalised
form, which is what an import matches on as well.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.clock import Clock
from bot.services.staff import audit
from knowledge_base.hybrid import HybridIndex
from knowledge_base.normalize import normalize
from knowledge_base.store.feed import feed_rows
from knowledge_base.store.fields import FIELDS, KbError, changed_fields, clean
from knowledge_base.store.rows import RowWriter
from knowledge_base.store.views import Entry, Version, to_entry
from knowledge_base.vocabulary import SUMMARY, changed_summary
from models.db import session_scope
from models.kb import KbEntry, KbStatus, KbVersion

__all__ = ["Entries", "active_by_key"]


def active_by_key(s: Session, key: str) -> KbEntry | None:
    """The active entry whose normalised question is ``key``."""
    return s.exec(select(KbEntry).where(KbEntry.question_key == key,
                                        KbEntry.status == KbStatus.active.value)
                  .order_by(col(KbEntry.id))).first()


class Entries:
    """Look-ups, history and export; add, edit and delete one entry."""

    def __init__(self, engine: Engine, clock: Clock, rows: RowWriter,
                 index: HybridIndex) -> None:
        self.engine, self.clock, self.rows, self.index = engine, clock, rows, index

    # -- reading -----------------------------------------------------------------------
    def get(self, entry_id: int) -> Entry | None:
        """An entry by id (active or deleted), or None."""
        with session_scope(self.engine) as s:
            row = s.get(KbEntry, entry_id)
            return to_entry(row) if row is not None else None

    def find_question(self, question: str) -> Entry | None:
        """The active entry with the same (normalised) question, if any."""
        with session_scope(self.engine) as s:
            row = active_by_key(s, normalize(question)[:256])
            return to_entry(row) if row is not None else None

    def get_many(self, ids: Sequence[int]) -> dict[int, Entry]:
        if not ids:
            return {}
        with session_scope(self.engine) as s:
            rows = s.exec(select(KbEntry).where(col(KbEntry.id).in_(list(ids)))).all()
            return {r.id: to_entry(r) for r in rows if r.id is not None}

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
        """The active entries as dicts with the import columns (lists as lists)."""
        with session_scope(self.engine) as s:
            rows = s.exec(select(KbEntry).where(KbEntry.status == KbStatus.active.value)
                          .order_by(col(KbEntry.id))).all()
            return [to_entry(r).fields() for r in rows]

    # -- changing ----------------------------------------------------------------------
    def add(self, *, actor: int | None, question: str, answer: str, keywords: object = (),
            category: str = "", source: str = "", similar: object = ()) -> Entry:
        """Create an entry (version 1); KbError when invalid or the question already exists."""
        values = clean({"question": question, "answer": answer, "keywords": keywords,
                        "category": category, "source": source, "similar": similar})
        with session_scope(self.engine) as s:
            same = active_by_key(s, normalize(values["question"])[:256])
            if same is not None:
                raise KbError("duplicate_question", id=same.id)
            row = self.rows.insert(s, values, actor=actor, summary=SUMMARY["add"],
                                   now=self.clock.now())
            audit.record(session=s, clock=self.clock, actor_id=actor, action="kb.add",
                         target=f"kb:{row.id}")
        feed_rows(self.index, [row])
        return to_entry(row)

    def edit(self, *, actor: int | None, entry_id: int, **changes: Any) -> Entry:
        """Change some fields of an active entry (a new version); KbError when invalid."""
        unknown = set(changes) - set(FIELDS)
        if unknown:
            raise KbError("unknown_fields", names=sorted(unknown))
        with session_scope(self.engine) as s:
            row = s.get(KbEntry, entry_id)
            if row is None or row.status != KbStatus.active.value:
                raise KbError("no_entry", id=entry_id)
            merged = to_entry(row).fields() | changes
            values = {k: v for k, v in clean(merged).items() if k in changes}
            if "question" in values:
                same = active_by_key(s, normalize(values["question"])[:256])
                if same is not None and same.id != row.id:
                    raise KbError("duplicate_question", id=same.id)
            names = changed_fields(row, values)
            if not names:
                return to_entry(row)
            self.rows.touch(s, row, {k: values[k] for k in names}, actor=actor,
                            summary=changed_summary(SUMMARY["edit"], names))
            audit.record(session=s, clock=self.clock, actor_id=actor, action="kb.edit",
                         target=f"kb:{row.id}", detail=",".join(names))
        feed_rows(self.index, [row])
        return to_entry(row)

    def delete(self, *, actor: int | None, entry_id: int) -> Entry:
        """Mark an entry deleted (its history stays); KbError when there is no active one."""
        with session_scope(self.engine) as s:
            row = s.get(KbEntry, entry_id)
            if row is None or row.status != KbStatus.active.value:
                raise KbError("no_active_entry", id=entry_id)
            self.rows.touch(s, row, {}, actor=actor, summary=SUMMARY["delete"],
                            status=KbStatus.deleted.value)
            audit.record(session=s, clock=self.clock, actor_id=actor, action="kb.delete",
                         target=f"kb:{row.id}")
        feed_rows(self.index, [row])
        return to_entry(row)
