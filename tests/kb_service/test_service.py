"""KnowledgeBase: seeding, add/edit/delete with history, import, synonyms, gaps, refresh."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.clock import MovableClock
from knowledge_base.content import load_default_synonyms, load_starter_entries
from knowledge_base.service import (
    KbError,
    KnowledgeBase,
    build_knowledge_base,
    split_keywords,
)
from models.db import session_scope
from models.kb import KbEntry, KbGap

MGR = 4001
STAFF = 2001


@pytest.fixture
def kb(engine: Engine, clock: MovableClock) -> KnowledgeBase:
    return build_knowledge_base(engine, clock)


def _top(kb: KnowledgeBase, q: str) -> int | None:
    hits = kb.search(q)
    return hits[0].id if hits else None


# ----------------------------------------------------------------------------- seeding
def test_fresh_install_is_seeded_once(engine: Engine, clock: MovableClock):
    kb = build_knowledge_base(engine, clock)
    starter = load_starter_entries()
    assert kb.seeded == len(starter) == kb.count() == 84
    assert len(kb.synonyms.list()) == len(load_default_synonyms())
    e = kb.entries.get(1)
    assert e is not None and e.question == starter[0]["question"] and e.version == 1
    first = kb.entries.history(1)[0]
    assert first.summary == "初始内容" and first.actor_id is None
    again = build_knowledge_base(engine, clock)  # restart: nothing doubled
    assert again.seeded == 0 and again.count() == 84
    with session_scope(engine) as s:
        assert len(s.exec(select(KbEntry)).all()) == 84
    hits = again.search("出生证丢了怎么办")
    assert hits and hits[0].strong and "丢失" in hits[0].question


def test_seed_can_be_turned_off_synonyms_still_come(engine: Engine, clock: MovableClock):
    kb = build_knowledge_base(engine, clock, seed_starter=False)
    assert kb.count() == 0 and kb.search("出生证") == []
    assert len(kb.synonyms.list()) == len(load_default_synonyms())


def test_no_reseed_after_everything_was_deleted(engine: Engine, clock: MovableClock):
    kb = build_knowledge_base(engine, clock, seed_starter=False)
    e = kb.entries.add(actor=MGR, question="测试问题", answer="测试答复")
    kb.entries.delete(actor=MGR, entry_id=e.id)
    assert build_knowledge_base(engine, clock).count() == 0


# ----------------------------------------------------------------------------- add/edit/delete
def test_add_is_searchable_at_once_and_duplicates_are_refused(kb: KnowledgeBase,
                                                               clock: MovableClock):
    e = kb.entries.add(actor=MGR, question="医保卡丢了怎么补办？", answer="请到社保经办机构补办。",
               keywords="医保卡、补卡 社保卡,挂失", category="医疗保障", source="区医保局")
    assert e.keywords == ("医保卡", "补卡", "社保卡", "挂失") and e.created_by == MGR
    assert _top(kb, "医保卡丢了") == e.id
    assert _top(kb, "shebaoka guashi") == e.id
    with pytest.raises(KbError, match=f"duplicate_question.*{e.id}"):
        # the same question once normalised
        kb.entries.add(actor=MGR, question="医保卡丢了，怎么补办", answer="x")
    with pytest.raises(KbError, match="answer_empty"):
        kb.entries.add(actor=MGR, question="新问题", answer="  ")
    with pytest.raises(KbError, match="question_empty"):
        kb.entries.add(actor=MGR, question="", answer="x")
    with pytest.raises(KbError, match="question_too_long"):
        kb.entries.add(actor=MGR, question="问" * 201, answer="x")
    assert kb.entries.find_question("医保卡丢了怎么补办") is not None


def test_edit_makes_a_version_and_moves_the_index(kb: KnowledgeBase, clock: MovableClock):
    e = kb.entries.add(actor=MGR, question="犬伤门诊夜里开吗", answer="旧答复")
    clock.advance(timedelta(hours=1))
    e2 = kb.entries.edit(actor=STAFF, entry_id=e.id, answer="新答复：24小时接诊。",
                         keywords=["夜间"])
    assert e2.version == 2 and e2.answer.startswith("新答复") and e2.updated_by == STAFF
    hist = kb.entries.history(e.id)
    assert [v.version for v in hist] == [1, 2]
    assert hist[1].summary == "修改：答复口径、关键词" and hist[1].actor_id == STAFF
    assert hist[0].snapshot["answer"] == "旧答复" and hist[1].snapshot["keywords"] == ["夜间"]
    assert hist[1].at - hist[0].at == timedelta(hours=1)
    same = kb.entries.edit(actor=MGR, entry_id=e.id, answer="新答复：24小时接诊。")
    assert same.version == 2 and len(kb.entries.history(e.id)) == 2  # no change, no version
    kb.entries.edit(actor=MGR, entry_id=e.id, question="控烟投诉打什么电话呢")
    assert _top(kb, "控烟投诉电话") == e.id
    with pytest.raises(KbError):
        kb.entries.edit(actor=MGR, entry_id=e.id, question=load_starter_entries()[0]["question"])
    with pytest.raises(KbError, match="no_entry"):
        kb.entries.edit(actor=MGR, entry_id=99999, answer="x")
    with pytest.raises(KbError, match="unknown_fields"):
        kb.entries.edit(actor=MGR, entry_id=e.id, status="deleted")


def test_delete_keeps_history_and_leaves_the_index(kb: KnowledgeBase):
    target = _top(kb, "出生证丢了怎么补办")
    assert target is not None
    kb.entries.delete(actor=MGR, entry_id=target)
    assert target not in {h.id for h in kb.search("出生证丢了怎么补办")}
    e = kb.entries.get(target)
    assert e is not None and not e.active and e.version == 2
    assert [v.summary for v in kb.entries.history(target)] == ["初始内容", "删除"]
    assert kb.entries.history(target)[1].snapshot["status"] == "deleted"
    with pytest.raises(KbError):
        kb.entries.delete(actor=MGR, entry_id=target)
    with pytest.raises(KbError):
        kb.entries.edit(actor=MGR, entry_id=target, answer="x")
    assert kb.count() == 83


# ----------------------------------------------------------------------------- import
def test_import_adds_updates_and_is_idempotent(kb: KnowledgeBase):
    first = load_starter_entries()[0]
    rows = [
        (2, {"question": "核酸检测点在哪里？", "answer": "请查询区卫健委公布的名单。",
             "keywords": "核酸、检测点", "category": "传染病防控", "source": "区卫健委"}),
        (3, {"question": first["question"] + "  ", "answer": "改过的答复口径",
             "keywords": first["keywords"], "category": first["category"],
             "source": first["source"]}),
        (4, {"question": "", "answer": "没有问题的行"}),
        (5, {"question": "只有问题没有答复"}),
        (6, {"question": "核酸检测点在哪里", "answer": "重复"}),
    ]
    report = kb.importer.import_rows(rows, actor=None)
    assert (report.added, report.updated, report.unchanged) == (1, 1, 0)
    assert [r for r, _ in report.errors] == [4, 5, 6]
    codes = [e.code for _, e in report.errors]  # type: ignore[attr-defined]
    assert codes == ["question_empty", "answer_empty", "duplicate_row"]
    assert report.errors[2][1].fields == {"row": 2}  # type: ignore[attr-defined]
    assert kb.count() == 85
    assert kb.entries.get(1) is not None and kb.entries.get(1).answer == "改过的答复口径"  # type: ignore[union-attr]
    assert kb.entries.history(1)[-1].summary == "导入更新：答复口径"
    assert _top(kb, "核酸检测点") == 85
    again = kb.importer.import_rows(rows[:2])
    assert (again.added, again.updated, again.unchanged, again.errors) == (0, 0, 2, [])
    assert kb.count() == 85


def test_import_restores_a_deleted_entry_and_dry_run_changes_nothing(kb: KnowledgeBase):
    e = kb.entries.add(actor=MGR, question="临时问题", answer="临时答复")
    kb.entries.delete(actor=MGR, entry_id=e.id)
    dry = kb.importer.import_rows([(2, {"question": "临时问题", "answer": "恢复"}),
                          (3, {"question": "全新问题", "answer": "全新"})], dry_run=True)
    assert (dry.added, dry.updated) == (1, 1)
    assert kb.entries.get(e.id).status == "deleted"  # type: ignore[union-attr]
    assert kb.entries.find_question("全新问题") is None
    report = kb.importer.import_rows([(2, {"question": "临时问题", "answer": "恢复"})])
    assert report.updated == 1
    restored = kb.entries.get(e.id)
    assert restored is not None and restored.active and restored.answer == "恢复"
    assert kb.entries.history(e.id)[-1].summary == "导入恢复：答复口径"
    assert _top(kb, "临时问题") == e.id


def test_export_rows_round_trip(kb: KnowledgeBase):
    rows = kb.entries.export_rows()
    assert len(rows) == 84 and set(rows[0]) == {"question", "answer", "keywords", "category",
                                                "source", "similar"}
    report = kb.importer.import_rows(list(enumerate(rows, start=2)))
    assert report.unchanged == 84 and not report.errors


def test_split_keywords():
    assert split_keywords("a、b,c，d;e；f  g\ta") == ("a", "b", "c", "d", "e", "f", "g")
    assert split_keywords(["出生证 补办", None, "出生证"]) == ("出生证", "补办")
    assert split_keywords(None) == ()


# ----------------------------------------------------------------------------- synonyms
def test_synonyms_crud_reindexes(kb: KnowledgeBase):
    e = kb.entries.add(actor=MGR, question="校外托餐机构的卫生谁管", answer="市场监管部门。")
    before = kb.search("小饭桌卫生")
    assert not before or before[0].id != e.id or not before[0].strong
    g = kb.synonyms.add(actor=MGR, members=["校外托餐", "小饭桌"])
    assert _top(kb, "小饭桌卫生") == e.id
    merged = kb.synonyms.add(actor=MGR, members=["校外托餐", "午托班"])
    assert merged.id == g.id and merged.members == ("校外托餐", "小饭桌", "午托班")
    assert _top(kb, "午托班卫生") == e.id
    left = kb.synonyms.remove(actor=MGR, group_id=g.id, member="小饭桌")
    assert left is not None and left.members == ("校外托餐", "午托班")
    after = kb.search("小饭桌卫生")
    assert not after or after[0].id != e.id or not after[0].strong
    assert kb.synonyms.remove(actor=MGR, group_id=g.id) is None
    assert g.id not in {x.id for x in kb.synonyms.list()}
    with pytest.raises(KbError, match="synonym_group_small"):
        kb.synonyms.add(actor=MGR, members=["单独"])
    with pytest.raises(KbError, match="no_synonym_group"):
        kb.synonyms.remove(actor=MGR, group_id=999999)
    with pytest.raises(KbError, match="synonym_not_in_group"):
        kb.synonyms.remove(actor=MGR, group_id=kb.synonyms.list()[0].id, member="不存在的词")


def test_import_synonyms_skips_known_groups(kb: KnowledgeBase):
    n = len(kb.synonyms.list())
    groups = [["出生证", "出生医学证明"], ["新词甲", "新词乙"], ["孤词"]]
    assert kb.synonyms.import_groups(groups) == 1
    assert len(kb.synonyms.list()) == n + 1


# ----------------------------------------------------------------------------- gaps
def test_gaps_are_masked_merged_closed_and_counted(kb: KnowledgeBase, clock: MovableClock):
    start = clock.now()
    gap, created = kb.gaps.record("市民13800138000问核酸证明", STAFF)
    assert created and "13800138000" not in gap.query and "138****8000" in gap.query
    with session_scope(kb.entries.engine) as s:
        stored = s.exec(select(KbGap)).all()
        assert all("13800138000" not in g.query for g in stored)
    clock.advance(timedelta(minutes=5))
    again, created2 = kb.gaps.record("市民 13800138000 问核酸证明！", STAFF + 1)
    assert not created2 and again.id == gap.id and again.times == 2
    other, _ = kb.gaps.record("献血证丢了", STAFF)
    assert [g.id for g in kb.gaps.open()] == [gap.id, other.id]
    e = kb.entries.add(actor=MGR, question="献血证丢了怎么补", answer="联系血液中心。")
    closed = kb.gaps.close(actor=MGR, gap_id=other.id, entry_id=e.id)
    assert closed.status == "closed" and closed.resolution_entry_id == e.id
    with pytest.raises(KbError, match="gap_closed"):
        kb.gaps.close(actor=MGR, gap_id=other.id)
    with pytest.raises(KbError, match="no_entry"):
        kb.gaps.close(actor=MGR, gap_id=gap.id, entry_id=999999)
    assert [g.id for g in kb.gaps.open()] == [gap.id] and kb.gaps.count_open() == 1
    end = clock.now() + timedelta(seconds=1)
    assert kb.gap_count(start=start, end=end) == 2
    assert len(kb.gaps.between(start, end)) == 2
    assert kb.gap_count(start=end, end=end + timedelta(days=7)) == 0
    with pytest.raises(KbError):
        kb.gaps.record("   ", STAFF)


def test_pending_query_tokens_are_short_and_masked(kb: KnowledgeBase):
    token = kb.tokens.remember("张三 13900001111 问疫苗")
    assert len(f"kb1:gap:{token}".encode()) <= 64
    assert kb.tokens.get(token) == "张三 139****1111 问疫苗"
    assert kb.tokens.get("nothere") is None


def test_reports_service_counts_gaps(kb: KnowledgeBase, clock: MovableClock):
    """The reports engineer looks for gap_count(start=, end=) on svc.kb."""
    kb.gaps.record("某个缺口", STAFF)
    fn = kb.gap_count
    assert fn(start=clock.now() - timedelta(days=7), end=clock.now() + timedelta(days=1)) == 1


# ----------------------------------------------------------------------------- refresh
def test_another_process_reaches_the_index_through_refresh(engine: Engine,
                                                           clock: MovableClock):
    bot = build_knowledge_base(engine, clock)
    cli = build_knowledge_base(engine, clock)  # e.g. `python -m bot kb import`
    assert bot.refresh() is False
    report = cli.importer.import_rows(
        [(2, {"question": "病媒生物防制找谁", "answer": "区疾控。"})])
    new_id = bot.count() + 1
    assert report.added == 1 and _top(bot, "病媒生物防制") != new_id
    assert bot.refresh() is True and _top(bot, "病媒生物防制") == new_id
    assert bot.refresh() is False
    cli.entries.delete(actor=None, entry_id=new_id)
    target = _top(bot, "出生证丢了怎么补办")
    assert target is not None
    cli.entries.edit(actor=None, entry_id=target, question="出生医学证明遗失的补发手续")
    cli.synonyms.add(actor=None, members=["病媒", "四害"])
    assert bot.refresh() is True
    assert new_id not in {h.id for h in bot.search("病媒生物防制")}
    docs = {d.id: d for d in bot.index.lexical.docs()}
    assert docs[target].question == "出生医学证明遗失的补发手续"
    assert any("四害" in g for g in bot.index.synonym_groups)
    assert bot.refresh() is False


def test_refresh_reloads_when_versions_appear_below_the_mark(engine: Engine,
                                                             clock: MovableClock):
    bot = build_knowledge_base(engine, clock, seed_starter=False)
    count, top = bot.loader.mark
    bot.loader.mark = (count - 1, top)  # as if a version committed below the mark unseen
    other = build_knowledge_base(engine, clock, seed_starter=False)
    other.entries.add(actor=None, question="乱序提交的问题", answer="答复")
    assert bot.refresh() is True and bot.search("乱序提交的问题")
