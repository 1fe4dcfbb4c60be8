"""kill -9 at random points, in-process, many times (issue 13, item 4).

Each round runs one urgent operation — logging an urgent ticket, /urgent on an ordinary
one, the reconciler picking up an urgent ticket an older version left without an alert, or
logging an ordinary ticket — and dies (``SimulatedCrash``, a BaseException nothing may
swallow) at a random instrumented point: any insert, flush or commit, any call to the
recipients, the outbox or the indexes. The "process" then restarts (services rebuilt from
the database). After each round, an urgent ticket that was stored has its alert already;
after 200 rounds, the reconciler's ticks and one escalation scan, and then every
urgent ticket has exactly one alert, raised once, whose first level is in the outbox exactly
once per recipient, and no ordinary ticket has any.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import Engine

from bot.clock import MovableClock
from bot.services.tickets.vocabulary import ALERT_URGENCIES
from tests.alerts.faults import (
    FIRST_LEVEL,
    STAFF,
    Parts,
    Points,
    SimulatedCrash,
    first_level_chats,
    orphan,
    restart,
    services,
    stored,
    urgent_data,
)

ROUNDS = 200
SEED = 1313


def test_kill_at_random_points_never_leaves_an_urgent_ticket_without_one_alert(
        engine: Engine, clock: MovableClock, tmp_path: Path, points: Points) -> None:
    svc = services(engine, clock, tmp_path)
    rng = random.Random(SEED)
    parts = restart(svc)
    longest: Counter[str] = Counter()  # hits an operation makes when nothing dies
    crashed: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()  # urgent tickets logged when the process died
    for n in range(ROUNDS):
        kind = rng.choice(["log", "log", "log", "remark", "remark", "orphan", "plain"])
        run = _prepare(kind, f"K{n:04d}", parts, engine, clock, rng)
        before = len(points.hits)
        if longest[kind]:  # die somewhere along the way (or, now and then, not at all)
            points.arm(lambda p: SimulatedCrash(p), at_hit=rng.randint(1, longest[kind] + 2))
        try:
            run()
        except SimulatedCrash:
            assert points.fired is not None
            crashed[points.fired] += 1
            if kind == "log":  # died before the commit, or after it
                outcomes["kept" if parts.tickets.get(f"K{n:04d}") else "lost"] += 1
            parts = restart(svc)  # the process died: everything in memory is gone
        else:
            longest[kind] = max(longest[kind], len(points.hits) - before)
        points.disarm()
        if kind in ("log", "remark"):  # atomic by itself, before any reconciling
            t = parts.tickets.get(f"K{n:04d}")
            if t is not None and t.urgency in ALERT_URGENCIES:
                assert parts.alerts.open_alert(t.id or 0) is not None, (n, points.fired)
    # after the last restart the ticks run (each reconciles a batch of up to 20 tickets)
    ticks = 1
    while parts.alerts.reconcile(clock.now()):
        ticks += 1
    parts.alerts.scan(clock.now())

    now = stored(engine)
    urgent = [t for t in now.tickets.values() if t.urgency in ALERT_URGENCIES]
    assert len(urgent) > ROUNDS // 10
    for t in now.tickets.values():
        alerts = now.alerts.get(t.id or 0, [])
        if t.urgency not in ALERT_URGENCIES:
            assert alerts == [], t.platform_no
            continue
        assert len(alerts) == 1, t.platform_no  # exactly one alert ...
        a = alerts[0]
        assert now.raise_events[a.id or 0] == 1  # ... raised once ...
        assert first_level_chats(now.rows, a.id or 0) == sorted(FIRST_LEVEL)  # ... sent once
    keys = [r.dedup_key for r in now.rows]
    assert len(keys) == len(set(keys)) == 3 * len(urgent)  # nothing but first levels
    # the run really died all along the path, before and after the commit
    assert sum(crashed.values()) > ROUNDS // 2
    assert len(crashed) >= 12, crashed
    assert outcomes["kept"] and outcomes["lost"], outcomes


def _prepare(kind: str, no: str, parts: Parts, engine: Engine, clock: MovableClock,
             rng: random.Random) -> Callable[[], object]:
    """Set up the round (nothing dies here) and return the operation that may die."""
    if kind == "log":
        data = urgent_data(no, rng.choice(sorted(ALERT_URGENCIES)))
        return lambda: parts.tickets.create(data=data, actor_id=STAFF)
    if kind == "plain":
        return lambda: parts.tickets.create(data=urgent_data(no, "一般"), actor_id=STAFF)
    if kind == "remark":
        parts.tickets.create(data=urgent_data(no, "一般"), actor_id=STAFF)
        return lambda: parts.desk.urgent(platform_no=no, actor_id=STAFF, note="情绪激动")
    orphan(engine, clock, no)
    return lambda: parts.alerts.reconcile(clock.now())
