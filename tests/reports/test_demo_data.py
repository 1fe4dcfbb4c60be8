"""`demo-data` writes a year that looks real: measured with the report code and the workflow.

One default-sized demo (5,000 tickets, as `python -m bot demo-data` writes) is generated once
for the module and read by every test; the shares asserted are the ones a district hotline
sees (a few per cent), so a change that floods the reports or the reminders fails here.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.clock import MovableClock
from bot.config import DEFAULT_TZ as SHANGHAI
from bot.services.reminders.steps import NEVER, open_milestones
from bot.services.reports.config import ReportConfig
from bot.services.reports.demo.maker import STALE
from bot.services.reports.demo.store import generate, window
from bot.services.reports.periods import custom, month
from bot.services.reports.service import ReportService
from bot.services.tickets import workflow
from bot.services.tickets.history import CalledBack, load_detail
from bot.services.tickets.vocabulary import ALERT_URGENCIES, EventName
from bot.services.tickets.workflow import OPEN_STATUSES, Action, Status
from models.alert import Alert
from models.db import make_engine, session_scope
from models.reminder import ReminderSent
from models.ticket import Ticket, TicketEvent
from tests.conftest import _empty

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI)
TICKETS = 5000
OPEN = frozenset(s.value for s in OPEN_STATUSES)
LIFE = [EventName.logged, Action.sign, Action.dispatch, Action.feedback, Action.callback,
        Action.close]


@pytest.fixture(scope="module")
def demo(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    _empty(engine)
    generate(engine, tickets=TICKETS, now=NOW)
    yield engine
    _empty(engine)
    engine.dispose()


def _tickets(engine: Engine) -> list[Ticket]:
    with session_scope(engine) as s:
        return list(s.exec(select(Ticket)).scalars())


def _events(engine: Engine) -> dict[int, list[TicketEvent]]:
    out: dict[int, list[TicketEvent]] = defaultdict(list)
    with session_scope(engine) as s:
        for e in s.exec(select(TicketEvent).order_by(TicketEvent.id)).scalars():
            out[e.ticket_id].append(e)
    return out


def test_old_tickets_are_finished_and_only_the_last_days_open(demo: Engine):
    tickets = _tickets(demo)
    assert len(tickets) == TICKETS
    start, _ = window(NOW, None, SHANGHAI)
    assert min(t.received_at for t in tickets) >= start
    assert max(t.received_at for t in tickets) < NOW
    still = [t for t in tickets if t.status in OPEN]
    assert 0.005 * TICKETS <= len(still) <= 0.03 * TICKETS
    assert all(t.received_at > NOW - timedelta(days=30) for t in still)
    recent = [t for t in still if t.received_at > NOW - timedelta(days=10)]
    assert len(recent) >= 0.8 * len(still)  # mostly the last days'
    assert len({t.status for t in still}) >= 2  # spread over the statuses
    assert Counter(t.status for t in tickets).most_common(1)[0][0] == Status.closed.value


def test_every_ticket_has_the_history_of_its_workflow(demo: Engine):
    tickets = {t.id: t for t in _tickets(demo)}
    events = _events(demo)
    full = 0
    for tid, t in tickets.items():
        evs = events[tid]
        assert evs[0].action == EventName.logged and evs[0].from_status is None
        assert [e.at for e in evs] == sorted(e.at for e in evs) and evs[-1].at <= NOW
        assert evs[-1].to_status == t.status
        for before, e in itertools.pairwise(evs):
            assert e.from_status == before.to_status
            if e.action in Action.__members__.values():
                assert workflow.check(e.from_status, Action(e.action)) is None, (t, e)
        if t.status == Status.closed.value and t.policy_class != "即时办结":
            full += 1
            actions = [e.action for e in evs]
            assert [a for a in actions if a in LIFE][:6] == LIFE or Action.supervise in actions
            assert t.closed_at == evs[-1].at and t.callback_at is not None
            callbacks = [load_detail(e.detail) for e in evs if e.action == Action.callback]
            assert all(isinstance(d, CalledBack) for d in callbacks)
            feedback = next(e.note for e in evs if e.action == Action.feedback)
            assert all(part in feedback for part in ("背景", "过程", "结果", "后续"))
    assert full >= 0.75 * TICKETS


def test_deadlines_are_met_mostly_with_a_few_late_extended_or_supervised(demo: Engine):
    svc = ReportService(demo, MovableClock(NOW), ReportConfig.load())
    start, _ = window(NOW, None, SHANGHAI)
    f = svc.figures(custom(start.date(), NOW.date(), tz=SHANGHAI), with_clusters=False)
    c, total = f.counts, f.counts.total
    assert 0.01 <= c.overdue / total <= 0.08
    assert 0.01 <= c.extended / total <= 0.08
    assert 0.01 <= c.supervised / total <= 0.08
    assert 0.01 <= c.returned / total <= 0.06
    assert 0.02 <= c.key_cases / total <= 0.08
    assert f.rates.response is not None and f.rates.response >= 90
    assert f.rates.solved_rate is not None and 75 <= f.rates.solved_rate <= 92
    assert f.rates.satisfied_rate is not None and 80 <= f.rates.satisfied_rate <= 95
    assert f.open_overdue_now <= 5


def test_repeat_callers_and_similar_problems_are_a_few_per_cent(demo: Engine):
    """Measured with the report's own code, over the whole demo and month by month."""
    svc = ReportService(demo, MovableClock(NOW), ReportConfig.load())
    start, _ = window(NOW, None, SHANGHAI)
    f = svc.figures(custom(start.date(), NOW.date(), tz=SHANGHAI))
    total = f.counts.total
    assert 0.01 <= f.repeat_ticket_count / total <= 0.08
    assert 0.005 <= f.clustered_tickets / total <= 0.10
    assert f.clusters and f.clusters[0].callers >= 3  # the bursts are there
    shares = []
    for m in range(13):  # every full month of the demo
        y, m0 = divmod(start.month - 1 + m, 12)
        p = month(start.year + y, m0 + 1, tz=SHANGHAI)
        mf = svc.figures(p)
        shares.append(mf.clustered_tickets / mf.counts.total)
        assert mf.clustered_tickets / mf.counts.total <= 0.12, p
        assert mf.repeat_ticket_count / mf.counts.total <= 0.10, p
    assert sum(shares) / len(shares) <= 0.05


def test_nothing_already_due_is_left_to_remind(demo: Engine):
    tickets = _tickets(demo)
    for t in tickets:
        if t.status not in OPEN:
            assert t.next_reminder_at == NEVER
            continue
        assert t.next_reminder_at is not None and t.next_reminder_at > NOW
        for _, due in open_milestones(t):
            assert due >= NOW - STALE  # never left overdue for days
    with session_scope(demo) as s:
        ledger = list(s.exec(select(ReminderSent)).scalars())
    assert all(r.status == "skipped" and r.enqueued and r.fire_at <= NOW for r in ledger)


def test_urgent_tickets_raised_alerts_that_were_acknowledged_and_closed(demo: Engine):
    urgent = {t.id for t in _tickets(demo) if t.urgency in ALERT_URGENCIES}
    with session_scope(demo) as s:
        alerts = list(s.exec(select(Alert)).scalars())
    assert urgent and {a.ticket_id for a in alerts} == urgent
    assert all(a.status == "closed" and a.next_escalation_at is None for a in alerts)
    acked = [a for a in alerts if a.acked_at is not None]
    assert len(acked) >= 0.85 * len(alerts)
    assert all(a.raised_at <= a.acked_at <= a.closed_at for a in acked)


def test_the_same_seed_writes_the_same_tickets(engine: Engine):
    def snapshot() -> list[tuple[object, ...]]:
        with session_scope(engine) as s:
            rows = s.exec(select(Ticket).order_by(Ticket.platform_no)).scalars()
            return [(t.platform_no, t.received_at, t.content, t.status, t.closed_at)
                    for t in rows]

    generate(engine, tickets=300, now=NOW, seed=7)
    first = snapshot()
    _empty(engine)
    generate(engine, tickets=300, now=NOW, seed=7)
    assert snapshot() == first
    _empty(engine)
    generate(engine, tickets=300, now=NOW, seed=8)
    assert snapshot() != first
