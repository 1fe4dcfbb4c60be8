"""The one rule for "overdue at stage X" (bot.services.tickets.stages): the SQL condition
/overdue uses picks exactly the tickets the Python rule (card, lists, reminders) calls overdue,
on a real database, over every combination of status, deadlines and steps done."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.clock import MovableClock
from bot.services.reminders.steps import open_milestones
from bot.services.tickets import stages
from bot.services.tickets.queries import TicketQueries
from bot.services.tickets.search import TicketSearchIndex
from bot.services.tickets.workflow import Status
from models.db import session_scope
from models.ticket import Ticket


def _ticket(n: int, status: Status, offsets: tuple[int | None, ...], contacted: bool,
            fed_back: bool, now: datetime) -> Ticket:
    sign, contact, feedback, complete = (now + timedelta(minutes=m) if m is not None else None
                                         for m in offsets)
    return Ticket(platform_no=f"ST{n:06d}", received_at=now - timedelta(days=1), citizen_name="甲",
                  phone="13800138000", request_type="投诉", category_l1="医疗服务",
                  unit="朝阳医院", urgency="一般", content="x", status=status.value,
                  created_at=now, updated_at=now, sign_by=sign, contact_by=contact,
                  first_feedback_by=feedback, complete_by=complete,
                  contacted_at=now if contacted else None, feedback_at=now if fed_back else None)


def test_sql_and_python_agree_on_every_combination(engine: Engine, clock: MovableClock) -> None:
    now = clock.now()
    # -5: late; 0: exactly at the deadline (not late, deadlines are inclusive); 5: ahead
    offsets = [None, -5, 0, 5]
    rows = []
    combos = itertools.product(list(Status), [(o, o, o, o) for o in offsets]
                               + [(-5, None, None, 5), (5, -5, None, 5), (5, 5, -5, 5),
                                  (5, 5, 5, -5), (None, None, None, None)],
                               [False, True], [False, True])
    for n, (status, offs, contacted, fed_back) in enumerate(combos):
        rows.append(_ticket(n, status, offs, contacted, fed_back, now))
    with session_scope(engine) as s:
        s.add_all(rows)
    with session_scope(engine) as s:
        by_sql = {t.platform_no for t in s.exec(select(Ticket).where(
            stages.overdue_condition(now))).all()}
        every = s.exec(select(Ticket)).all()
    by_python = {t.platform_no for t in every if stages.overdue(t, now)}
    assert by_sql == by_python and len(by_python) > 20
    # the list /overdue shows is the same set, and reminders plan the same stages
    total, _ = TicketQueries(engine, clock, TicketSearchIndex()).overdue(limit=1)
    assert total == len(by_python)
    for t in every:
        assert [(s.value, d) for s, d in stages.pending(t)] == open_milestones(t)


def test_stage_rules(clock: MovableClock) -> None:
    now = clock.now()
    t = _ticket(1, Status.new, (-5, 5, None, 60), False, False, now)
    assert stages.overdue(t, now) == [(stages.Stage.sign, now - timedelta(minutes=5))]
    assert stages.next_due(t) == (stages.Stage.sign, now - timedelta(minutes=5))
    t.status = Status.signed.value  # signing ends the 签收 stage
    assert stages.overdue(t, now) == []
    assert stages.next_due(t) == (stages.Stage.contact, now + timedelta(minutes=5))
    t.status = Status.closed.value
    assert stages.pending(t) == [] and stages.next_due(t) is None
    assert not stages.is_past(now, now) and stages.is_past(now, now + timedelta(seconds=1))
