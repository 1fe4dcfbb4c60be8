"""Keeping the search index in step with changed rows (after their transaction commits)."""

from __future__ import annotations

from collections.abc import Iterable

from knowledge_base.hybrid import HybridIndex
from knowledge_base.store.views import to_doc
from models.kb import KbEntry, KbStatus

__all__ = ["feed_rows"]


def feed_rows(index: HybridIndex, rows: Iterable[KbEntry]) -> None:
    """Index active rows (embedding them when needed), drop the others from the index."""
    active, removed = [], []
    for row in rows:
        assert row.id is not None
        if row.status == KbStatus.active.value:
            active.append(to_doc(row))
        else:
            removed.append(row.id)
    index.apply(active, removed)
