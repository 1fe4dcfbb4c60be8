"""What the knowledge base hands out: immutable views of its rows, never the rows themselves.

A view outlives the database session that read it and cannot write the database by accident,
so handlers and reports may keep and render it freely. The converters from rows live here too,
next to the views they build.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from knowledge_base.index import KbDoc
from knowledge_base.store.fields import keywords_of, similar_of
from models.kb import KbEntry, KbGap, KbPick, KbStatus

__all__ = [
    "Entry",
    "Gap",
    "ImportReport",
    "Pick",
    "SynonymGroup",
    "Version",
    "members_of",
    "snapshot",
    "to_doc",
    "to_entry",
    "to_gap",
    "to_pick",
]


@dataclass(frozen=True)
class Entry:
    id: int
    question: str
    answer: str
    keywords: tuple[str, ...]
    category: str
    source: str
    status: str
    version: int
    created_at: datetime
    created_by: int | None
    updated_at: datetime
    updated_by: int | None
    similar: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return self.status == KbStatus.active.value

    def fields(self) -> dict[str, Any]:
        return {"question": self.question, "answer": self.answer,
                "keywords": list(self.keywords), "category": self.category,
                "source": self.source, "similar": list(self.similar)}


@dataclass(frozen=True)
class Version:
    entry_id: int
    version: int
    at: datetime
    actor_id: int | None
    summary: str
    snapshot: dict[str, Any]


@dataclass(frozen=True)
class Gap:
    id: int
    query: str
    times: int
    asked_by: int | None
    asked_at: datetime
    status: str
    closed_by: int | None
    closed_at: datetime | None
    resolution_entry_id: int | None


@dataclass(frozen=True)
class Pick:
    """A query that staff answered by picking an entry (see ``store/learning.py``)."""

    id: int
    entry_id: int
    query: str
    picked_by: int | None
    picked_at: datetime
    by_manager: bool
    status: str


@dataclass(frozen=True)
class SynonymGroup:
    id: int
    members: tuple[str, ...]


@dataclass
class ImportReport:
    """Outcome of an import: counts, and each bad row as ``(row number, error)``."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, Exception]] = field(default_factory=list)  # KbError / KbFileError
    synonyms_added: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def to_entry(row: KbEntry) -> Entry:
    assert row.id is not None
    return Entry(id=row.id, question=row.question, answer=row.answer,
                 keywords=keywords_of(row), category=row.category, source=row.source,
                 status=row.status, version=row.version, created_at=row.created_at,
                 created_by=row.created_by, updated_at=row.updated_at,
                 updated_by=row.updated_by, similar=similar_of(row))


def to_doc(row: KbEntry) -> KbDoc:
    assert row.id is not None
    return KbDoc(id=row.id, question=row.question, answer=row.answer,
                 keywords=keywords_of(row), category=row.category, source=row.source,
                 similar=similar_of(row))


def to_gap(row: KbGap) -> Gap:
    assert row.id is not None
    return Gap(id=row.id, query=row.query, times=row.times, asked_by=row.asked_by,
               asked_at=row.asked_at, status=row.status, closed_by=row.closed_by,
               closed_at=row.closed_at, resolution_entry_id=row.resolution_entry_id)


def to_pick(row: KbPick) -> Pick:
    assert row.id is not None
    return Pick(id=row.id, entry_id=row.entry_id, query=row.query, picked_by=row.picked_by,
                picked_at=row.picked_at, by_manager=row.by_manager, status=row.status)


def snapshot(row: KbEntry) -> str:
    """The row's content as stored in a version (JSON)."""
    return json.dumps({"question": row.question, "answer": row.answer,
                       "keywords": list(keywords_of(row)), "category": row.category,
                       "source": row.source, "similar": list(similar_of(row)),
                       "status": row.status}, ensure_ascii=False)


def members_of(raw: str) -> tuple[str, ...]:
    """The members of a stored synonym group (JSON list; () when unreadable)."""
    try:
        data = json.loads(raw)
    except ValueError:
        return ()
    return tuple(str(m) for m in data) if isinstance(data, list) else ()
