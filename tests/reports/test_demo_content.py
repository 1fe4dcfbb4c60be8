"""The demo tickets' words are data (bot/data/demo_tickets.yaml); refusals are typed."""

from __future__ import annotations

import random

import pytest
from sqlalchemy.engine import Engine

from bot.services.reports.demo.content import OTHER, Words, content
from bot.services.reports.demo.store import RealTicketsError, YearNotStartedError, generate
from bot.services.tickets.vocabulary import REQUEST_TYPES
from bot.texts.reports import cli as texts
from tests.reports.helpers import add, at


def _banks() -> list[str]:
    c = content()
    phrases = [*c.backgrounds, *c.residents, *c.specifics, *c.asides, *c.contexts, *c.whens,
               *c.praises, *c.praise_details, *c.feedback_process]
    for bank in (c.events, c.topics, c.suggestions):
        phrases += [p for ps in bank.values() for p in ps]
    return phrases


def test_every_phrase_fills_from_the_known_slots():
    c = content()
    words = Words(random.Random(1), c)
    for phrase in _banks():
        for _ in range(3):  # several wordings of [a|b] and draws of the slots
            text = words.fill(phrase, unit="北京市朝阳区第二医院", at=at(2026, 11, 25))
            assert not set("{}[]|") & set(text), (phrase, text)
            assert "北京市" not in text  # units as callers say them
    for cat, text in c.bursts:
        assert cat in c.category_weights
        assert "{" not in text.format(place="望京西里", unit="朝阳医院")
    assert c.address.format(place="望京西里", n=3) == "朝阳区望京西里3号楼"


def test_categories_and_request_types_are_the_products():
    c = content()
    assert OTHER in c.events and OTHER in c.topics and OTHER in c.suggestions
    for bank in (c.events, c.topics, c.suggestions, c.type_by_category, c.seasonal):
        assert set(bank) <= set(c.category_weights)
    assert set(c.resident_categories) <= set(c.category_weights)
    for kinds in (*c.type_by_category.values(), c.default_types):
        assert set(kinds) <= set(REQUEST_TYPES)


def test_each_request_type_reads_like_one():
    words = Words(random.Random(5), content())
    when = at(2026, 11, 25)
    kinds = {t: words.content("医疗服务", t, unit="朝阳医院", at=when) for t in REQUEST_TYPES}
    assert "咨询" in kinds["咨询"] and kinds["建议"].count("建议") >= 1
    assert "表扬" in kinds["表扬"] or "感谢" in kinds["表扬"]
    feedback = words.feedback("北京市朝阳区第二医院", when)
    assert all(part in feedback for part in ("背景", "过程", "结果", "后续"))


def test_refusals_carry_their_fields(engine: Engine):
    now = at(2026, 11, 25)
    with pytest.raises(YearNotStartedError) as later:
        generate(engine, tickets=5, year=2027, now=now)
    assert later.value.year == 2027
    assert texts.demo_error(later.value) == "错误：2027 年尚未开始。"
    add(engine, at(2026, 11, 1))
    with pytest.raises(RealTicketsError) as real:
        generate(engine, tickets=5, year=2026, now=now)
    assert real.value.count == 1
    assert "拒绝写入演示数据" in texts.demo_error(real.value)
