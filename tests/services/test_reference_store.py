"""Reference data in the database: import, validation, and pick-up by a running bot."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.services.reference.problems import ReferenceDataError
from bot.services.reference.store import ReferenceStore
from bot.texts.admin import reference_error


def test_defaults_then_import_then_refresh(engine, clock, tmp_path: Path):
    bot_side = ReferenceStore(engine, clock)
    assert any(u.name == "首都医科大学附属北京朝阳医院" for u in bot_side.current.units)
    data = yaml.safe_load(bot_side.export())
    data["units"].append({"name": "测试社区卫生服务中心", "kind": "社区卫生服务中心",
                          "aliases": ["测试社卫"], "contact": "联络员", "leader": "中心主任",
                          "section": "基层卫生科"})
    path = tmp_path / "ref.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    cli_side = ReferenceStore(engine, clock)
    cli_side.import_file(path, actor_id=1)
    assert bot_side.current.unit("测试社区卫生服务中心") is None
    assert bot_side.refresh() is True and bot_side.refresh() is False
    assert bot_side.current.match_unit("测试社卫").value == "测试社区卫生服务中心"


def test_bad_file_is_refused_and_changes_nothing(engine, clock, tmp_path: Path):
    store = ReferenceStore(engine, clock)
    before = store.export()
    bad = tmp_path / "bad.yaml"
    bad.write_text("units: 5\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError) as exc:
        store.import_file(bad)
    assert reference_error(exc.value) == (
        "参考数据有误：\n- units：应为承办单位列表（第 1 行）\n"
        "- categories：应为“一级分类: [二级分类…]”的映射\n- urgencies：应为列表")
    assert store.export() == before and ReferenceStore(engine, clock).export() == before
