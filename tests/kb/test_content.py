from __future__ import annotations

from pathlib import Path

import yaml

from knowledge_base.content import load_default_synonyms, load_starter_entries

FIELDS = {"question", "answer", "keywords", "category", "source"}


def test_starter_entries_are_complete() -> None:
    entries = load_starter_entries()
    assert len(entries) >= 60
    for e in entries:
        assert set(e) == FIELDS
        assert e["question"] and e["answer"] and e["category"] and e["source"]
        assert isinstance(e["keywords"], list) and e["keywords"]
        assert all(isinstance(k, str) and k for k in e["keywords"])
        assert e["answer"].count("。") >= 2, e["question"]  # 2–6 sentences
    questions = [e["question"] for e in entries]
    assert len(set(questions)) == len(questions)


def test_starter_entries_are_fresh_copies() -> None:
    first = load_starter_entries()
    first[0]["keywords"].append("changed")
    assert "changed" not in load_starter_entries()[0]["keywords"]


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
