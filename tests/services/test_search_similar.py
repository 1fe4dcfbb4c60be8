"""The in-memory /find index and the similar-case index."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.config import DEFAULT_TZ as SHANGHAI
from bot.services.tickets.search import TicketSearchIndex, search_text
from bot.services.tickets.similar import SimilarityIndex

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=SHANGHAI)


def _index() -> TicketSearchIndex:
    idx = TicketSearchIndex()
    idx.load([
        (1, T0, search_text("A001", "张三", "13800138000", "朝阳医院", "", "挂号态度差")),
        (2, T0 + timedelta(hours=1), search_text("A002", "李四", "", "望京社区卫生服务中心",
                                                 "", "二次供水水质发黄")),
        (3, T0 + timedelta(hours=2), search_text("A003", "王五", "", "朝阳医院", "",
                                                 "医生态度冷漠，收红包")),
    ])
    return idx


def test_every_word_must_match_newest_first():
    idx = _index()
    assert idx.search("态度") == ([3, 1], False)
    assert idx.search("朝阳医院 红包") == ([3], False)
    assert idx.search("13800138000") == ([1], False)
    assert idx.search("ａ００２") == ([2], False)  # full-width folded


def test_typo_falls_back_to_fuzzy_and_updates_apply():
    idx = _index()
    ids, fuzzy = idx.search("二次供税水质")
    assert fuzzy and ids[:1] == [2]
    idx.put(4, search_text("A004", "赵六", "", "劲松社区卫生服务中心", "", "疫苗预约"))
    idx.put(1, search_text("A001", "张三", "", "朝阳医院", "", "已改为咨询疫苗"))
    assert idx.search("疫苗") == ([4, 1], False)
    assert idx.search("") == ([], False)


@given(st.text(max_size=40))
def test_search_never_raises(words):
    ids, _ = _index().search(words)
    assert set(ids) <= {1, 2, 3}


def test_similar_groups_same_problem_within_window():
    idx = SimilarityIndex()
    idx.add(1, "A1", T0, "市民反映望京某小区二次供水水质发黄，有异味，要求处理")
    idx.add(2, "A2", T0 - timedelta(days=40), "市民反映望京某小区二次供水水质发黄有异味")
    idx.add(3, "A3", T0, "市民咨询狂犬疫苗在哪里接种")
    hits = idx.similar("望京小区二次供水发黄有异味", since=T0 - timedelta(days=30))
    assert [h.platform_no for h in hits] == ["A1"]
    assert idx.similar("", since=T0) == []
    idx.remove(1)
    assert idx.similar("望京小区二次供水发黄有异味", since=T0 - timedelta(days=30)) == []
