from __future__ import annotations

from pathlib import Path

import numpy as np
import yaml

from knowledge_base.content import load_default_synonyms, load_starter_entries

FIELDS = {"question", "answer", "keywords", "similar", "category", "source"}


def test_starter_entries_are_complete() -> None:
    entries = load_starter_entries()
    assert len(entries) >= 60
    for e in entries:
        assert set(e) == FIELDS
        assert e["question"] and e["answer"] and e["category"] and e["source"]
        assert isinstance(e["keywords"], list) and e["keywords"]
        assert all(isinstance(k, str) and k for k in e["keywords"])
        assert 2 <= len(e["similar"]) <= 20, e["question"]  # 相似问法 callers would use
        assert all(isinstance(k, str) and k and k != e["question"] for k in e["similar"])
        assert e["answer"].count("。") >= 2, e["question"]  # 2–6 sentences
    questions = [e["question"] for e in entries]
    assert len(set(questions)) == len(questions)


def test_starter_entries_are_fresh_copies() -> None:
    first = load_starter_entries()
    first[0]["keywords"].append("changed")
    assert "changed" not in load_starter_entries()[0]["keywords"]


def test_starter_vectors_are_shipped_for_every_entry() -> None:
    """``starter_vectors.npz`` is current: rebuild it (``python -m
    knowledge_base.content.prebuilt``) after editing starter.yaml."""
    from knowledge_base.content.prebuilt import load_starter_vectors, starter_docs_as_stored
    from knowledge_base.embedder import load_embedder
    from knowledge_base.vectors import doc_hash, embed_texts, entry_vectors

    model = load_embedder()
    assert model is not None
    shipped = load_starter_vectors()
    docs = starter_docs_as_stored()
    stale = [d.question for d in docs if doc_hash(d, model.name, model.version) not in shipped]
    assert not stale, f"rebuild starter_vectors.npz: {stale[:3]}"
    doc = docs[0]
    fresh = entry_vectors(doc, model.entries(embed_texts(doc)))
    rows = shipped[doc_hash(doc, model.name, model.version)]
    assert rows.shape == fresh.shape == (1 + len(doc.similar), model.dim)
    assert np.all(np.sum(rows * fresh, axis=1) > 0.999)  # the same vectors (float16-rounded)


def test_default_synonyms() -> None:
    groups = load_default_synonyms()
    assert len(groups) >= 20
    assert all(len(g) >= 2 and all(isinstance(m, str) for m in g) for g in groups)
    flat = {m for g in groups for m in g}
    assert {"出生证", "出生医学证明", "打疫苗", "预防接种", "医保", "医疗保险"} <= flat


def test_labelled_queries_point_at_starter_questions() -> None:
    path = Path(__file__).resolve().parents[2] / "bench" / "kb_queries.yaml"
    queries = yaml.safe_load(path.read_text(encoding="utf-8"))["queries"]
    questions = {e["question"] for e in load_starter_entries()}
    assert len(queries) >= 150
    kinds = {q["kind"] for q in queries}
    assert kinds >= {
        "paraphrase",
        "typo",
        "homophone",
        "pinyin",
        "initials",
        "partial",
        "synonym",
        "traditional",
    }
    for q in queries:
        assert q["expected"] in questions, q
