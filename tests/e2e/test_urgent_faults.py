"""An urgent case is never left without an alert, end to end (issue 13, item 4).

Raising the alert fails once (``database is locked``): the staff member is told plainly that
the ticket was NOT logged (or NOT re-marked by /urgent), nothing is stored, no leader is
told, no admin is paged. Once the fault clears, the same request logs the ticket and the
leaders get the alert.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from bot.services.alerts.raising import Raiser
from tests.e2e.harness import ADMIN, LEADER, STAFF, Harness, text_of

NO = "2026112500913"
PASTE = f"""/new
工单编号：{NO}
来电人：张三丰
联系电话：13800138000
诉求类型：投诉
问题分类：医疗服务/服务态度
承办单位：朝阳医院
紧急程度：紧急
诉求内容：张三丰反映孩子高烧急诊无人接诊。"""


def fail_once(h: Harness, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The alert's raiser hits a locked database on its next call, then works again."""
    raiser: Raiser = h.svc.alerts.raiser
    real: Callable[..., Any] = raiser.raise_in
    calls: list[int] = []

    def flaky(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("INSERT INTO alert …", None, Exception("database is locked"))
        return real(*args, **kwargs)

    monkeypatch.setattr(raiser, "raise_in", flaky)
    return calls


def leader_alerts(h: Harness, mark: int) -> list[dict]:
    return [m for m in h.messages_since(mark, LEADER) if NO in (m.get("text") or "")]


async def test_a_fault_raising_the_alert_refuses_the_ticket_until_it_clears(
        team: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = fail_once(team, monkeypatch)
    mark = team.emu.mark()
    refused = text_of(await team.say(STAFF, PASTE))
    assert f"⚠️ 工单 {NO} 未登记" in refused and "情况紧急请先电话联系领导" in refused
    assert "已登记：" not in refused and calls == [1]
    assert team.svc.tickets.get(NO) is None
    await team.settle()
    assert leader_alerts(team, mark) == [] and team.messages_since(mark, ADMIN) == []
    mark = team.emu.mark()
    logged = text_of(await team.say(STAFF, PASTE))  # the fault has cleared: send it again
    assert "✅ 工单已登记" in logged and "🔴紧急" in logged
    alert = await team.emu.wait_for_message(LEADER, contains="案件提醒", after=mark, timeout=5)
    assert NO in alert["text"]
    t = team.svc.tickets.get(NO)
    assert t is not None and t.id is not None and team.svc.alerts.open_alert(t.id) is not None


async def test_a_fault_in_urgent_leaves_the_ticket_ordinary_until_it_clears(
        team: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "✅ 工单已登记" in text_of(await team.say(STAFF, PASTE.replace("紧急程度：紧急",
                                                                         "紧急程度：一般")))
    calls = fail_once(team, monkeypatch)
    mark = team.emu.mark()
    refused = text_of(await team.say(STAFF, f"/urgent {NO} 家属情绪激动"))
    assert f"提醒发送失败：工单 {NO} 未改为“紧急”，本次未作修改" in refused and calls == [1]
    t = team.svc.tickets.get(NO)
    assert t is not None and t.id is not None and t.urgency == "一般"
    assert team.svc.alerts.open_alert(t.id) is None
    assert [e.action for e in team.svc.tickets.events(t.id)] == ["登记"]
    await team.settle()
    assert leader_alerts(team, mark) == [] and team.messages_since(mark, ADMIN) == []
    mark = team.emu.mark()
    raised = text_of(await team.say(STAFF, f"/urgent {NO} 家属情绪激动"))
    assert "🔴 已发出紧急提醒" in raised and "王主任" in raised
    alert = await team.emu.wait_for_message(LEADER, contains="案件提醒", after=mark, timeout=5)
    assert NO in alert["text"] and "家属情绪激动" in alert["text"]
    after = team.svc.tickets.get(NO)
    assert after is not None and after.urgency == "紧急"
