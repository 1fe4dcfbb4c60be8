"""The demo tickets' words are data (bot/data/demo_tickets.yaml); refusals are typed."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from bot.services.reports.demo import (
    RealTicketsError,
    YearNotStartedError,
    content,
    generate,
)
from bot.texts.reports import cli as texts
from tests.reports.helpers import add, at

FIELDS = {"who": "市民", "unit": "朝阳医院", "dept": "门诊", "bad": "态度恶劣",
          "detail": "至今没有答复", "n": 3, "place": "望京西园", "when": "近日"}


def test_every_template_fills_from_the_known_fields():
    c = content()
    assert set(c.templates) <= set(c.category_weights)
    assert set(c.type_by_category) <= set(c.category_weights)
    for templates in c.templates.values():
        for tpl in templates:
            assert "{" not in tpl.format(**FIELDS), tpl
    for cat, text in c.bursts:
        assert cat in c.category_weights
        assert "{" not in text.format(place="望京西园", unit="朝阳医院")
    assert c.address.format(place="望京西园", n=3) == "朝阳区望京西园3号楼"


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
