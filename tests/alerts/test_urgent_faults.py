"""An urgent case is never left without an alert (issue 13, item 4), on a real database.

A fault (``database is locked``) injected at each step of logging or re-marking an urgent
ticket — the ticket insert, before and after the alert insert, resolving the recipients,
during and after the outbox writes, the commit — leaves neither the ticket (or its new
urgency) nor an alert nor any outbox row, and the refusal says so; once the fault clears,
the same request stores both. A failure after the commit does not make a stored ticket look
unlogged. The reconciler raises an alert for an urgent ticket left without one, once.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from bot.clock import MovableClock
from bot.context import Services
from bot.services.alerts.errors import RaiseFailed
from bot.services.alerts.raising import RECONCILED
from bot.services.tickets.actions import ActionInput
from bot.services.tickets.errors import Refusal, TicketError
from bot.services.tickets.workflow import Action
from bot.texts import alerts as alert_texts
from bot.texts import tickets as ticket_texts
from models.alert import AlertEvent, AlertStatus
from models.db import session_scope
from tests.alerts.faults import (
    FIRST_LEVEL,
    STAFF,
    Points,
    first_level_chats,
    locked,
    orphan,
    services,
    stored,
    urgent_data,
)

# (point, nth hit): every step of the urgent transaction, in the order they happen
STEPS = [
    ("before_insert Alert", 1),
    ("after_insert Alert", 1),
    ("before RecipientResolver.resolve", 1),
    ("before Escalator.level_note", 1),
    ("before_insert OutboxMessage", 1),
    ("before_insert OutboxMessage", 2),  # one copy written in the transaction, then a fault
    ("after Outbox.enqueue", 3),  # every copy written
    ("before_insert AlertEvent", 2),  # recording the first level on the alert
    ("before_commit writing", 1),  # the commit itself
]


@pytest.fixture
def svc(engine: Engine, clock: MovableClock, tmp_path: Path) -> Services:
    return services(engine, clock, tmp_path)


def assert_fully_stored(svc: Services, no: str, urgency: str = "紧急") -> None:
    now = stored(svc.engine)
    t = now.tickets[no]
    assert t.urgency == urgency and t.id is not None
    [a] = now.alerts[t.id]
    assert a.status == AlertStatus.open.value and a.level == 0
    assert first_level_chats(now.rows, a.id or 0) == sorted(FIRST_LEVEL)  # each once
    assert now.raise_events[a.id or 0] == 1


@pytest.mark.parametrize(("point", "nth"), [("before_insert Ticket", 1), *STEPS])
def test_logging_an_urgent_ticket_stores_ticket_and_alert_together(
        svc: Services, points: Points, point: str, nth: int) -> None:
    points.arm(locked, name=point, nth=nth)
    with pytest.raises(TicketError) as refused:
        svc.tickets.create(data=urgent_data("U1"), actor_id=STAFF)
    assert points.fired == point
    assert refused.value.code is Refusal.urgent_not_saved
    words = ticket_texts.refusal(refused.value)
    assert words.startswith("⚠️ 工单 U1 未登记：") and "本次未保存" in words
    nothing = stored(svc.engine)
    assert nothing.tickets == {} and nothing.alerts == {} and nothing.rows == []
    created = svc.tickets.create(data=urgent_data("U1"), actor_id=STAFF)  # fault cleared
    assert created.raises_alert
    assert_fully_stored(svc, "U1")


@pytest.mark.parametrize(("point", "nth"), STEPS)
def test_urgent_on_an_ordinary_ticket_changes_it_only_with_its_alert(
        svc: Services, points: Points, point: str, nth: int) -> None:
    svc.tickets.create(data=urgent_data("R1", "一般"), actor_id=STAFF)
    points.arm(locked, name=point, nth=nth)
    with pytest.raises(RaiseFailed) as refused:
        svc.urgent.urgent(platform_no="R1", actor_id=STAFF, note="家属情绪激动")
    assert points.fired == point and refused.value.remark
    assert "工单 <code>R1</code> 未改为“紧急”，本次未作修改" in alert_texts.error(refused.value)
    now = stored(svc.engine)
    t = now.tickets["R1"]
    assert t.urgency == "一般" and now.alerts == {} and now.rows == []
    assert [e.action for e in svc.tickets.events(t.id or 0)] == ["登记"]  # no 改紧急程度
    result = svc.urgent.urgent(platform_no="R1", actor_id=STAFF, note="家属情绪激动")
    assert result.new and result.alert.note == "家属情绪激动"
    assert_fully_stored(svc, "R1")


def test_urgent_on_an_urgent_ticket_without_alert_refuses_then_raises(
        svc: Services, clock: MovableClock, points: Points) -> None:
    orphan(svc.engine, clock, "O1")
    points.arm(locked, name="before_commit writing")
    with pytest.raises(RaiseFailed) as refused:
        svc.urgent.urgent(platform_no="O1", actor_id=STAFF)
    assert not refused.value.remark
    assert "工单 <code>O1</code> 的提醒未能保存" in alert_texts.error(refused.value)
    assert stored(svc.engine).alerts == {}
    assert svc.urgent.urgent(platform_no="O1", actor_id=STAFF).new
    assert_fully_stored(svc, "O1", "涉稳")


def test_a_failure_after_the_commit_does_not_make_the_ticket_look_unlogged(
        svc: Services, points: Points) -> None:
    points.arm(lambda point: RuntimeError("index broken"), name="before TicketIndexes.add")
    created = svc.tickets.create(data=urgent_data("U2"), actor_id=STAFF)
    assert points.fired and created.raises_alert and created.ticket.platform_no == "U2"
    assert_fully_stored(svc, "U2")


def test_an_ordinary_ticket_fails_as_before(svc: Services, points: Points) -> None:
    """Only urgent changes are turned into the all-or-nothing refusal."""
    points.arm(locked, name="before_commit writing")
    with pytest.raises(OperationalError):
        svc.tickets.create(data=urgent_data("P1", "一般"), actor_id=STAFF)
    assert stored(svc.engine).tickets == {}


def test_the_courier_is_woken_only_after_the_commit(svc: Services, points: Points) -> None:
    rung: list[int] = []

    def ring() -> None:  # counts what the courier could see when it is woken
        rung.append(len(stored(svc.engine).rows))

    svc.outbox.wakeup.ring = ring  # type: ignore[method-assign]
    points.arm(locked, name="before_commit writing")
    with pytest.raises(TicketError):
        svc.tickets.create(data=urgent_data("W1"), actor_id=STAFF)
    assert rung == []  # rolled back: nothing to wake for
    svc.tickets.create(data=urgent_data("W1"), actor_id=STAFF)
    assert rung == [3]  # once, with the three copies already visible


def test_reconciler_raises_once_for_an_urgent_ticket_left_without_alert(
        svc: Services, clock: MovableClock) -> None:
    tid = orphan(svc.engine, clock, "O2")
    handed_on = orphan(svc.engine, clock, "O3")
    svc.tickets.apply(ticket_id=handed_on, action=Action.sign, actor_id=STAFF)
    svc.tickets.apply(ticket_id=handed_on, action=Action.dispatch, actor_id=STAFF,
                      data=ActionInput(units=["首都医科大学附属北京朝阳医院"]))
    assert svc.alerts.reconcile(clock.now()) == 1  # the dispatched one needs none
    assert svc.alerts.reconcile(clock.now()) == 0
    now = stored(svc.engine)
    [a] = now.alerts[tid]
    assert handed_on not in now.alerts and a.raised_by == STAFF  # who logged it
    assert first_level_chats(now.rows, a.id or 0) == sorted(FIRST_LEVEL)
    with session_scope(svc.engine) as s:
        raised = s.get(AlertEvent, 1)
    assert raised is not None and raised.note == RECONCILED
    svc.alerts.ack(alert_id=a.id or 0, actor_id=3001)  # acknowledged: still "has an alert"
    clock.advance(timedelta(hours=3))
    assert svc.alerts.reconcile(clock.now()) == 0
    assert len(stored(svc.engine).alerts[tid]) == 1


def test_reconciler_runs_on_the_tick_before_the_escalation_scan(svc: Services) -> None:
    names = [p.name for p in svc.scheduler.producers]
    assert names.index("urgent tickets without an alert") < names.index("alert escalation")


async def test_the_tick_reconciles(svc: Services, clock: MovableClock) -> None:
    tid = orphan(svc.engine, clock, "O4")
    await svc.scheduler.run_due(clock.now())
    assert len(stored(svc.engine).alerts[tid]) == 1


def test_a_fault_while_reconciling_is_retried_on_the_next_tick(
        svc: Services, clock: MovableClock, points: Points) -> None:
    tid = orphan(svc.engine, clock, "O5")
    points.arm(locked, name="before_insert OutboxMessage", nth=2)
    assert svc.alerts.reconcile(clock.now()) == 0  # logged, nothing half-stored
    assert stored(svc.engine).alerts == {}
    assert svc.alerts.reconcile(clock.now()) == 1
    assert len(stored(svc.engine).alerts[tid]) == 1
