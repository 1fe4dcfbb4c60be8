from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bot.services.reports.clusters import ClusterDoc, cluster_tickets, shingles
from bot.services.reports.config import ClusterConfig
from bot.services.reports.demo.store import RealTicketsError, generate, real_ticket_count
from models.ticket import Ticket
from tests.reports.helpers import add, at

BURST = ["{}反映望京西园小区自来水发黄浑浊并有异味，已持续多日，住户无法正常饮用，{}",
         "望京西园小区自来水发黄浑浊有异味已经好几天，{}说无法正常饮用，{}"]
OTHER = ["在朝阳医院门诊挂号时工作人员态度恶劣，要求道歉", "咨询独生子女父母奖励如何申领",
         "举报三里屯一家餐厅室内有人吸烟", "孩子出生医学证明姓名写错了如何更正",
         "家庭医生签约后一直没有上门随访", "120救护车四十分钟才到", "职业病诊断需要什么材料",
         "游泳馆水质浑浊，眼睛发红", "美容店无资质注射玻尿酸", "护士执业注册审核太慢"]


def test_shingles_are_chinese_bigrams_without_boiler_plate():
    s = shingles("市民反映：朝阳医院挂号难 ABC 123")
    assert "朝阳" not in s and "市民" not in s  # boiler-plate words removed
    assert {"医院", "挂号", "号难", "abc", "123"} <= s


def test_similar_complaints_from_many_callers_form_one_group():
    docs = []
    t0 = at(2026, 11, 2)
    for i in range(6):
        tpl = BURST[i % 2]
        docs.append(ClusterDoc(i, t0 + timedelta(hours=i), f"1390000000{i}", "生活饮用水",
                               "卫生监督所", tpl.format(["市民", "居民", "来电人"][i % 3],
                                                   ["要求检测水质", "请尽快处理"][i % 2])))
    for j, text in enumerate(OTHER * 3):
        docs.append(ClusterDoc(100 + j, t0 + timedelta(minutes=7 * j), f"1370000{j:04d}",
                               "医疗服务", "朝阳医院", text + f"（第{j}次）"))
    docs.sort(key=lambda d: d.at)
    groups = cluster_tickets(docs, ClusterConfig(min_size=3, min_callers=2))
    burst = [g for g in groups if g.category == "生活饮用水"]
    assert len(burst) == 1 and burst[0].size == 6 and burst[0].callers == 6
    assert sorted(burst[0].ticket_ids) == list(range(6))
    # one caller repeating themselves is not "many people"
    same = [ClusterDoc(i, t0 + timedelta(hours=i), "13900000000", "x", "u",
                       BURST[0].format("市民", "")) for i in range(5)]
    assert cluster_tickets(same, ClusterConfig(min_callers=2)) == []


def test_clustering_respects_the_window():
    t0 = at(2026, 1, 1)
    docs = [ClusterDoc(i, t0 + timedelta(days=40 * i), f"1390000000{i}", "c", "u",
                       BURST[0].format("市民", "")) for i in range(4)]
    assert cluster_tickets(docs, ClusterConfig(window_days=30)) == []


def test_demo_data_is_deterministic_and_refuses_real_tickets(engine: Engine):
    now = at(2026, 11, 25)
    r = generate(engine, tickets=1500, year=2026, now=now, seed=7)
    assert r.inserted == 1500 and r.first_no == "DEMO20260000001"
    with engine.connect() as conn:
        c = Ticket.__table__.c
        cats = dict(conn.execute(select(c.category_l1, func.count()).group_by(
            c.category_l1)).all())
        latest = conn.execute(select(func.max(c.received_at))).scalar_one()
        repeat = conn.execute(select(func.count()).where(c.repeat_count > 0)).scalar_one()
        first = conn.execute(select(c.content, c.phone).where(
            c.platform_no == "DEMO20260000001")).one()
    assert max(cats, key=cats.__getitem__) == "医疗服务" and len(cats) >= 12
    assert latest <= now and repeat > 0
    assert real_ticket_count(engine) == 0
    r2 = generate(engine, tickets=10, year=2026, now=now, seed=7)  # demo next to demo: fine
    assert r2.first_no == "DEMO20260001501"
    add(engine, at(2026, 11, 1))
    with pytest.raises(RealTicketsError):
        generate(engine, tickets=10, year=2026, now=now)
    assert generate(engine, tickets=10, year=2025, now=now, force=True).inserted == 10
    assert first[0] and first[1]


def test_cli_report_and_demo_data(engine: Engine, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch, capsys):
    from bot.cli import main

    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("REPORT_MONTH_START_DAY", "19")
    monkeypatch.chdir(tmp_path)
    assert main(["demo-data", "--tickets", "800", "--year", "2025"]) == 0
    assert "已写入演示工单 800 件" in capsys.readouterr().out
    assert main(["report", "monthly", "2025-06", "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "2025年6月（5月19日—6月18日）" in out
    names = sorted(p.suffix for p in (tmp_path / "out").iterdir())
    assert names == [".docx", ".png", ".txt", ".xlsx"]
    assert main(["report", "weekly", "2025-06-04", "--out", str(tmp_path / "w")]) == 0
    assert sorted(p.suffix for p in (tmp_path / "w").iterdir()) == [".png", ".txt", ".xlsx"]
    assert main(["report", "quarterly", "2025-Q9", "--out", str(tmp_path)]) == 2
    add(engine, at(2025, 1, 2))
    assert main(["demo-data", "--tickets", "10"]) == 2
    assert "真实工单" in capsys.readouterr().err
