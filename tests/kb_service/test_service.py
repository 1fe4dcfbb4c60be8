"""KnowledgeBase: seeding, add/edit/delete with history, import, synonyms, gaps, refresh."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.clock import MovableClock
from knowledge_base.content import load_default_synonyms, load_starter_entries
from knowledge_base.service import KbError, KnowledgeBase, split_keywords
from models.db import session_scope
from models.kb import KbEntry, KbGap

MGR = 4001
STAFF = 2001


@pytest.fixture
def kb(engine: Engine, clock: MovableClock) -> KnowledgeBase:
    return KnowledgeBase(engine, clock)


def _top(kb: KnowledgeBase, q: str) -> int | None:
    hits = kb.search(q)
    return hits[0].id if hits else None


# ----------------------------------------------------------------------------- seeding
def test_fresh_install_is_seeded_once(engine: Engine, clock: MovableClock):
    kb = KnowledgeBase(engine, clock)
    starter = load_starter_entries()
    assert kb.seeded == len(starter) == kb.count() == 84
    assert len(kb.synonyms()) == len(load_default_synonyms())
    e = kb.get(1)
    assert e is not None and e.question == starter[0]["question"] and e.version == 1
    assert kb.history(1)[0].summary == "初始内容" and kb.history(1)[0].actor_id is None
    again = KnowledgeBase(engine, clock)  # restart: nothing doubled
    assert again.seeded == 0 and again.count() == 84
    with session_scope(engine) as s:
        assert len(s.exec(select(KbEntry)).all()) == 84
    hits = again.search("出生证丢了怎么办")
    assert hits and hits[0].strong and "丢失" in hits[0].question


def test_seed_can_be_turned_off_synonyms_still_come(engine: Engine, clock: MovableClock):
    kb = KnowledgeBase(engine, clock, seed_starter=False)
    assert kb.count() == 0 and kb.search("出生证") == []
    assert len(kb.synonyms()) == len(load_default_synonyms())


def test_no_reseed_after_everything_was_deleted(engine: Engine, clock: MovableClock):
    kb = KnowledgeBase(engine, clock, seed_starter=False)
    e = kb.add(actor=MGR, question="测试问题", answer="测试答复")
    kb.delete(actor=MGR, entry_id=e.id)
    assert KnowledgeBase(engine, clock).count() == 0


# ----------------------------------------------------------------------------- add/edit/delete
def test_add_is_searchable_at_once_and_duplicates_are_refused(kb: KnowledgeBase,
                                                               clock: MovableClock):
    e = kb.add(actor=MGR, question="医保卡丢了怎么补办？", answer="请到社保经办机构补办。",
               keywords="医保卡、补卡 社保卡,挂失", category="医疗保障", source="区医保局")
    assert e.keywords == ("医保卡", "补卡", "社保卡", "挂失") and e.created_by == MGR
    assert _top(kb, "医保卡丢了") == e.id
    assert _top(kb, "shebaoka guashi") == e.id
    with pytest.raises(KbError, match=f"#{e.id}"):
        kb.add(actor=MGR, question="医保卡丢了，怎么补办", answer="x")  # same once normalised
    with pytest.raises(KbError, match="答复口径不能为空"):
        kb.add(actor=MGR, question="新问题", answer="  ")
    with pytest.raises(KbError, match="问题不能为空"):
        kb.add(actor=MGR, question="", answer="x")
    with pytest.raises(KbError, match="太长"):
        kb.add(actor=MGR, question="问" * 201, answer="x")
    assert kb.find_question("医保卡丢了怎么补办") is not None


def test_edit_makes_a_version_and_moves_the_index(kb: KnowledgeBase, clock: MovableClock):
    e = kb.add(actor=MGR, question="犬伤门诊夜里开吗", answer="旧答复")
    clock.advance(timedelta(hours=1))
    e2 = kb.edit(actor=STAFF, entry_id=e.id, answer="新答复：24小时接诊。", keywords=["夜间"])
    assert e2.version == 2 and e2.answer.startswith("新答复") and e2.updated_by == STAFF
    hist = kb.history(e.id)
    assert [v.version for v in hist] == [1, 2]
    assert hist[1].summary == "修改：答复口径、关键词" and hist[1].actor_id == STAFF
    assert hist[0].snapshot["answer"] == "旧答复" and hist[1].snapshot["keywords"] == ["夜间"]
    assert hist[1].at - hist[0].at == timedelta(hours=1)
    same = kb.edit(actor=MGR, entry_id=e.id, answer="新答复：24小时接诊。")
    assert same.version == 2 and len(kb.history(e.id)) == 2  # no change, no version
    kb.edit(actor=MGR, entry_id=e.id, question="控烟投诉打什么电话呢")
    assert _top(kb, "控烟投诉电话") == e.id
    with pytest.raises(KbError):
        kb.edit(actor=MGR, entry_id=e.id, question=load_starter_entries()[0]["question"])
    with pytest.raises(KbError, match="没有编号"):
        kb.edit(actor=MGR, entry_id=99999, answer="x")
    with pytest.raises(KbError, match="未知字段"):
        kb.edit(actor=MGR, entry_id=e.id, status="deleted")


def test_delete_keeps_history_and_leaves_the_index(kb: KnowledgeBase):
    target = _top(kb, "出生证丢了怎么补办")
    assert target is not None
    kb.delete(actor=MGR, entry_id=target)
    assert target not in {h.id for h in kb.search("出生证丢了怎么补办")}
    e = kb.get(target)
    assert e is not None and not e.active and e.version == 2
    assert [v.summary for v in kb.history(target)] == ["初始内容", "删除"]
    assert kb.history(target)[1].snapshot["status"] == "deleted"
    with pytest.raises(KbError):
        kb.delete(actor=MGR, entry_id=target)
    with pytest.raises(KbError):
        kb.edit(actor=MGR, entry_id=target, answer="x")
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
    report = kb.import_rows(rows, actor=None)
    assert (report.added, report.updated, report.unchanged) == (1, 1, 0)
    assert [r for r, _ in report.errors] == [4, 5, 6]
    assert "问题不能为空" in report.errors[0][1] and "答复口径不能为空" in report.errors[1][1]
    assert "第 2 行" in report.errors[2][1]
    assert kb.count() == 85
    assert kb.get(1) is not None and kb.get(1).answer == "改过的答复口径"  # type: ignore[union-attr]
    assert kb.history(1)[-1].summary == "导入更新：答复口径"
    assert _top(kb, "核酸检测点") == 85
    again = kb.import_rows(rows[:2])
    assert (again.added, again.updated, again.unchanged, again.errors) == (0, 0, 2, [])
    assert kb.count() == 85


def test_import_restores_a_deleted_entry_and_dry_run_changes_nothing(kb: KnowledgeBase):
    e = kb.add(actor=MGR, question="临时问题", answer="临时答复")
    kb.delete(actor=MGR, entry_id=e.id)
    dry = kb.import_rows([(2, {"question": "临时问题", "answer": "恢复"}),
                          (3, {"question": "全新问题", "answer": "全新"})], dry_run=True)
    assert (dry.added, dry.updated) == (1, 1)
    assert kb.get(e.id).status == "deleted"  # type: ignore[union-attr]
    assert kb.find_question("全新问题") is None
    report = kb.import_rows([(2, {"question": "临时问题", "answer": "恢复"})])
    assert report.updated == 1
    restored = kb.get(e.id)
    assert restored is not None and restored.active and restored.answer == "恢复"
    assert kb.history(e.id)[-1].summary == "导入恢复：答复口径"
    assert _top(kb, "临时问题") == e.id


def test_export_rows_round_trip(kb: KnowledgeBase):
    rows = kb.export_rows()
    assert len(rows) == 84 and set(rows[0]) == {"question", "answer", "keywords", "category",
                                                "source"}
    report = kb.import_rows(list(enumerate(rows, start=2)))
    assert report.unchanged == 84 and not report.errors


def test_split_keywords():
    assert split_keywords("a、b,c，d;e；f  g\ta") == ("a", "b", "c", "d", "e", "f", "g")
    assert split_keywords(["出生证 补办", None, "出生证"]) == ("出生证", "补办")
    assert split_keywords(None) == ()


# ----------------------------------------------------------------------------- synonyms
def test_synonyms_crud_reindexes(kb: KnowledgeBase):
    e = kb.add(actor=MGR, question="校外托餐机构的卫生谁管", answer="市场监管部门。")
    before = kb.search("小饭桌卫生")
    assert not before or before[0].id != e.id or not before[0].strong
    g = kb.add_synonyms(actor=MGR, members=["校外托餐", "小饭桌"])
    assert _top(kb, "小饭桌卫生") == e.id
    merged = kb.add_synonyms(actor=MGR, members=["校外托餐", "午托班"])
    assert merged.id == g.id and merged.members == ("校外托餐", "小饭桌", "午托班")
    assert _top(kb, "午托班卫生") == e.id
    left = kb.remove_synonyms(actor=MGR, group_id=g.id, member="小饭桌")
    assert left is not None and left.members == ("校外托餐", "午托班")
    after = kb.search("小饭桌卫生")
    assert not after or after[0].id != e.id or not after[0].strong
    assert kb.remove_synonyms(actor=MGR, group_id=g.id) is None
    assert g.id not in {x.id for x in kb.synonyms()}
    with pytest.raises(KbError, match="至少"):
        kb.add_synonyms(actor=MGR, members=["单独"])
    with pytest.raises(KbError, match="没有编号"):
        kb.remove_synonyms(actor=MGR, group_id=999999)
    with pytest.raises(KbError, match="没有"):
        kb.remove_synonyms(actor=MGR, group_id=kb.synonyms()[0].id, member="不存在的词")


def test_import_synonyms_skips_known_groups(kb: KnowledgeBase):
    n = len(kb.synonyms())
    assert kb.import_synonyms([["出生证", "出生医学证明"], ["新词甲", "新词乙"], ["孤词"]]) == 1
    assert len(kb.synonyms()) == n + 1


# ----------------------------------------------------------------------------- gaps
def test_gaps_are_masked_merged_closed_and_counted(kb: KnowledgeBase, clock: MovableClock):
    start = clock.now()
    gap, created = kb.record_gap("市民13800138000问核酸证明", STAFF)
    assert created and "13800138000" not in gap.query and "138****8000" in gap.query
    with session_scope(kb.engine) as s:
        stored = s.exec(select(KbGap)).all()
        assert all("13800138000" not in g.query for g in stored)
    clock.advance(timedelta(minutes=5))
    again, created2 = kb.record_gap("市民 13800138000 问核酸证明！", STAFF + 1)
    assert not created2 and again.id == gap.id and again.times == 2
    other, _ = kb.record_gap("献血证丢了", STAFF)
    assert [g.id for g in kb.open_gaps()] == [gap.id, other.id]
    e = kb.add(actor=MGR, question="献血证丢了怎么补", answer="联系血液中心。")
    closed = kb.close_gap(actor=MGR, gap_id=other.id, entry_id=e.id)
    assert closed.status == "closed" and closed.resolution_entry_id == e.id
    with pytest.raises(KbError, match="已经关闭"):
        kb.close_gap(actor=MGR, gap_id=other.id)
    with pytest.raises(KbError, match="条目"):
        kb.close_gap(actor=MGR, gap_id=gap.id, entry_id=999999)
    assert [g.id for g in kb.open_gaps()] == [gap.id] and kb.count_open_gaps() == 1
    end = clock.now() + timedelta(seconds=1)
    assert kb.gap_count(start=start, end=end) == 2
    assert len(kb.gaps_between(start, end)) == 2
    assert kb.gap_count(start=end, end=end + timedelta(days=7)) == 0
    with pytest.raises(KbError):
        kb.record_gap("   ", STAFF)


def test_pending_query_tokens_are_short_and_masked(kb: KnowledgeBase):
    token = kb.remember_query("张三 13900001111 问疫苗")
    assert len(f"kb1:gap:{token}".encode()) <= 64
    assert kb.pending_query(token) == "张三 139****1111 问疫苗"
    assert kb.pending_query("nothere") is None


def test_reports_service_counts_gaps(kb: KnowledgeBase, clock: MovableClock):
    """The reports engineer looks for gap_count(start=, end=) on svc.kb."""
    kb.record_gap("某个缺口", STAFF)
    fn = kb.gap_count
    assert fn(start=clock.now() - timedelta(days=7), end=clock.now() + timedelta(days=1)) == 1


# ----------------------------------------------------------------------------- refresh
def test_another_process_reaches_the_index_through_refresh(engine: Engine,
                                                           clock: MovableClock):
    bot = KnowledgeBase(engine, clock)
    cli = KnowledgeBase(engine, clock)  # e.g. `python -m bot kb import`
    assert bot.refresh() is False
    report = cli.import_rows([(2, {"question": "病媒生物防制找谁", "answer": "区疾控。"})])
    new_id = bot.count() + 1
    assert report.added == 1 and _top(bot, "病媒生物防制") != new_id
    assert bot.refresh() is True and _top(bot, "病媒生物防制") == new_id
    assert bot.refresh() is False
    cli.delete(actor=None, entry_id=new_id)
    target = _top(bot, "出生证丢了怎么补办")
    assert target is not None
    cli.edit(actor=None, entry_id=target, question="出生医学证明遗失的补发手续")
    cli.add_synonyms(actor=None, members=["病媒", "四害"])
    assert bot.refresh() is True
    assert new_id not in {h.id for h in bot.search("病媒生物防制")}
    docs = {d.id: d for d in bot.index.docs()}
    assert docs[target].question == "出生医学证明遗失的补发手续"
    assert any("四害" in g for g in bot.index.synonym_groups)
    assert bot.refresh() is False


def test_refresh_reloads_when_versions_appear_below_the_mark(engine: Engine,
                                                             clock: MovableClock):
    bot = KnowledgeBase(engine, clock, seed_starter=False)
    count, top = bot._entries_mark
    bot._entries_mark = (count - 1, top)  # as if a version committed below the mark unseen
    other = KnowledgeBase(engine, clock, seed_starter=False)
    other.add(actor=None, question="乱序提交的问题", answer="答复")
    assert bot.refresh() is True and bot.search("乱序提交的问题")
