from __future__ import annotations

import threading

import pytest

from knowledge_base.index import (
    STRONG_THRESHOLD,
    WEAK_THRESHOLD,
    KbDoc,
    SearchHit,
    SearchIndex,
)

from .conftest import starter_docs

BIRTH = "新生儿出生医学证明怎么办理？"
BIRTH_LOST = "出生医学证明丢失了怎么补办？"
VACCINE = "孩子打疫苗在哪里预约？"


def top(index: SearchIndex, query: str, n: int = 1) -> list[str]:
    return [h.question for h in index.search(query, limit=n)]


@pytest.mark.parametrize(
    "query",
    [
        "出生医学证明",
        "chusheng zhengming",
        "chushengzhengming",
        "chushengyixuezhengming",
        "csyxzm",
        "CSYXZM",
        "出身医学证明",
        "出生醫學證明",
        "出生医学正明",
    ],
)
def test_birth_certificate_is_found_by_many_spellings(
    starter_index: SearchIndex, query: str
) -> None:
    hits = starter_index.search(query, limit=5)
    assert hits, query
    assert "出生医学证明" in hits[0].question


def test_homophone_and_lost(starter_index: SearchIndex) -> None:
    assert top(starter_index, "出身医学证明补办") == [BIRTH_LOST]


def test_synonyms_expand(starter_index: SearchIndex) -> None:
    assert top(starter_index, "出生证丢了") == [BIRTH_LOST]
    assert top(starter_index, "打疫苗在哪预约") == [VACCINE]
    assert top(starter_index, "独生子女费怎么领") == ["独生子女父母奖励费怎么领取？"]
    assert "医保" in top(starter_index, "医疗保险怎么报")[0]


def test_runtime_synonyms_change_results() -> None:
    docs = [
        KbDoc(1, "出生医学证明怎么办理", "到助产机构办理。"),
        KbDoc(2, "狂犬疫苗在哪里打", "到犬伤门诊。"),
    ]
    index = SearchIndex(docs)
    before = index.search("娃的出证", limit=2)
    assert not before or before[0].id != 1 or not before[0].strong
    index.set_synonyms([["出证", "出生医学证明"]])
    after = index.search("娃的出证", limit=2)
    assert after and after[0].id == 1
    assert index.synonym_groups == (("出证", "出生医学证明"),)


def test_typo_traditional_and_pinyin(starter_index: SearchIndex) -> None:
    assert top(starter_index, "医疗纠份") == ["发生医疗纠纷有哪些解决途径？"]
    assert top(starter_index, "醫療糾紛怎麼解決") == ["发生医疗纠纷有哪些解决途径？"]
    assert top(starter_index, "yiliao jiufen") == ["发生医疗纠纷有哪些解决途径？"]
    assert top(starter_index, "jtys") == ["家庭医生怎么签约？"]
    assert top(starter_index, "hpv") == ["HPV疫苗怎么预约接种？"]


def test_strong_match_for_a_clear_question(starter_index: SearchIndex) -> None:
    hits = starter_index.search("出生医学证明丢了怎么补办")
    assert hits[0].question == BIRTH_LOST
    assert hits[0].strong
    assert hits[0].score >= STRONG_THRESHOLD


@pytest.mark.parametrize(
    "query",
    ["今天天气怎么样", "我想买一辆自行车", "qwerty", "asdfghjkl", "手机屏幕碎了", "xyzxyz"],
)
def test_nonsense_gives_no_strong_match(starter_index: SearchIndex, query: str) -> None:
    hits = starter_index.search(query)
    assert all(not h.strong for h in hits)
    assert all(WEAK_THRESHOLD <= h.score < STRONG_THRESHOLD or not h.strong for h in hits)


def test_ambiguous_query_is_not_strong(starter_index: SearchIndex) -> None:
    hits = starter_index.search("疫苗", limit=5)
    assert len(hits) >= 3
    assert not hits[0].strong


@pytest.mark.parametrize("query", ["", "   ", "？？？", "😀😀", "<>&*_", "怎么办", "吗"])
def test_empty_or_garbage_query_gives_nothing(starter_index: SearchIndex, query: str) -> None:
    assert starter_index.search(query) == []


def test_limit_and_order(starter_index: SearchIndex) -> None:
    hits = starter_index.search("医院", limit=3)
    assert 1 <= len(hits) <= 3
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert starter_index.search("医院", limit=0) == []
    assert all(isinstance(h, SearchHit) and 0 <= h.score <= 100 for h in hits)


def test_upsert_and_remove_are_reflected_immediately() -> None:
    index = SearchIndex(starter_docs())
    n = len(index)
    new = KbDoc(9999, "无人机在医院上空拍摄怎么处理？", "请联系医院保卫部门。", ("无人机",))
    index.upsert(new)
    assert len(index) == n + 1
    assert top(index, "无人机") == [new.question]

    edited = KbDoc(9999, "医院上空有气球怎么处理？", "请联系医院保卫部门。", ("气球",))
    index.upsert(edited)
    assert len(index) == n + 1
    assert top(index, "气球") == [edited.question]
    assert all(h.id != 9999 for h in index.search("无人机"))

    index.remove(9999)
    assert len(index) == n
    assert all(h.id != 9999 for h in index.search("气球"))
    index.remove(9999)  # absent: no error
    assert len(index) == n


def test_edit_of_existing_entry_changes_its_wording() -> None:
    index = SearchIndex(starter_docs())
    old = next(d for d in starter_docs() if d.question == VACCINE)
    index.upsert(KbDoc(old.id, "儿童疫苗接种门诊预约方式", old.answer, ("接种门诊",)))
    hits = index.search("儿童疫苗接种门诊预约方式")
    assert hits[0].id == old.id and hits[0].question == "儿童疫苗接种门诊预约方式"


def test_empty_index_and_remove_all() -> None:
    index = SearchIndex()
    assert len(index) == 0
    assert index.search("出生医学证明") == []
    index.upsert(KbDoc(1, "出生医学证明怎么办理", "到助产机构办理。"))
    assert top(index, "出生证明") == ["出生医学证明怎么办理"]
    index.remove(1)
    assert index.search("出生医学证明") == []
    assert len(index) == 0


def test_searches_while_upserting_from_another_thread() -> None:
    index = SearchIndex(starter_docs())
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for i in range(200):
                index.upsert(KbDoc(10_000 + i, f"测试问题{i}号医院", "测试答案。"))
                if i % 3 == 0:
                    index.remove(10_000 + i - 1)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    t = threading.Thread(target=writer)
    t.start()
    for _ in range(200):
        hits = index.search("医院测试问题", limit=5)
        assert len(hits) <= 5
    t.join()
    assert not errors
