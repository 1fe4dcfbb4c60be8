"""`kb import` writes in short transactions (issue 13: a running bot is never locked out for
long): each batch of rows commits on its own, so a fault in one batch keeps the batches
before it, and running the import again finishes the file without doubling anything."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import Engine

from bot.clock import MovableClock
from knowledge_base.service import KnowledgeBase, build_knowledge_base
from knowledge_base.store import importing


@pytest.fixture
def kb(engine: Engine, clock: MovableClock) -> KnowledgeBase:
    return build_knowledge_base(engine, clock, seed_starter=False, embedder=None)


ROWS = [(n + 2, {"question": f"批量导入的问题第{n}条", "answer": f"答复{n}"}) for n in range(5)]


def test_each_batch_commits_alone_and_a_rerun_finishes_the_file(
        kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importing, "BATCH", 2)
    real = kb.importer.rows.insert
    inserted: list[str] = []

    def insert(s: Any, values: Any, **kw: Any) -> Any:
        inserted.append(values["question"])
        if len(inserted) == 4:  # the second batch fails half-way
            raise RuntimeError("disk full")
        return real(s, values, **kw)

    monkeypatch.setattr(kb.importer.rows, "insert", insert)
    with pytest.raises(RuntimeError):
        kb.importer.import_rows(ROWS)
    # the first batch is stored (and searchable), the failed batch left nothing behind
    assert kb.entries.find_question(ROWS[0][1]["question"]) is not None
    assert kb.entries.find_question(ROWS[1][1]["question"]) is not None
    assert kb.entries.find_question(ROWS[2][1]["question"]) is None
    assert kb.count() == 2
    monkeypatch.setattr(kb.importer.rows, "insert", real)
    report = kb.importer.import_rows(ROWS)
    assert (report.added, report.unchanged, report.errors) == (3, 2, [])
    assert kb.count() == 5
    again = kb.importer.import_rows(ROWS)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 5)


def test_duplicates_are_found_across_batches(
        kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importing, "BATCH", 2)
    rows = [*ROWS[:3], (9, {"question": ROWS[0][1]["question"], "answer": "重复"})]
    report = kb.importer.import_rows(rows)
    assert report.added == 3 and [r for r, _ in report.errors] == [9]
