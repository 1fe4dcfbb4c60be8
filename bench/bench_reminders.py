"""Reminder scan cost with many open tickets, and memory over many scans.

Run: .venv/bin/python -m bench.bench_reminders [--tickets 100000] [--scans 300] [--url URL]

Seeds N open tickets (completion deadlines spread over the next 30 days, a mix of statuses,
50 handlers) into a scratch SQLite database (or ``--url``, e.g. PostgreSQL) and plans them all
once (``next_reminder_at``). Then:

* controlled scans: exactly k tickets made due (k = 0, 1, 5, 20), one scan timed, 20 rounds
  each — the cost of finding what is due among N plus recording and enqueuing k reminders;
* ticks: ``ReminderService.scan`` once per 20-second step of a moving clock, as the scheduler
  runs it, with whatever falls due (median / p95 / max);
* memory (tracemalloc) before and after the ticks, and the query plan of the due look-up.

Target: one scan ≤ 50 ms with 100,000 open tickets; memory does not grow with scans.
"""

from __future__ import annotations

import argparse
import gc
import random
import time
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path
from tempfile import mkdtemp
from typing import Any

from sqlalchemy import insert, text, update
from sqlmodel import col

from bench.common import scratch_engine, summary, table
from bot.app import build_services
from bot.clock import MovableClock
from bot.config import DEFAULT_TZ as SHANGHAI
from bot.config import Settings
from bot.services.reminders.service import ReminderService
from bot.services.reminders.steps import NEVER
from models.staff import Role
from models.ticket import Ticket

START = datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI)
HANDLERS = [2000 + i for i in range(50)]
# 待签收 is rare in steady state: tickets are signed within minutes of logging
STATUSES = ["待签收"] + ["已签收", "已派发", "已派发", "已派发", "已反馈", "已回访", "督办"] * 25


def seed(engine: Any, n: int, rng: random.Random) -> None:
    template = Ticket(platform_no="x", received_at=START, request_type="投诉",
                      category_l1="医疗服务", unit="朝阳医院", content="内容", created_at=START,
                      updated_at=START).model_dump()
    template.pop("id")
    rows = []
    for i in range(n):
        status = rng.choice(STATUSES)
        # 待签收 tickets are fresh (signing takes minutes), the others up to a week old
        age = rng.randint(0, 90) if status == "待签收" else rng.randint(0, 7 * 24 * 60)
        received = START - timedelta(minutes=age)
        complete_by = START + timedelta(minutes=rng.randint(60, 30 * 24 * 60))
        row = dict(template)
        row.update(
            platform_no=f"B{i:09d}", received_at=received, created_at=received,
            updated_at=received, status=status, handler_id=rng.choice(HANDLERS),
            sign_by=received + timedelta(hours=2), complete_by=complete_by,
            contact_by=received + timedelta(days=1) if status == "待签收" else None,
            contacted_at=None if status == "待签收" else received + timedelta(minutes=30),
            signed_at=None if status == "待签收" else received + timedelta(minutes=10),
        )
        rows.append(row)
    with engine.begin() as conn:
        for i in range(0, n, 5000):
            conn.execute(insert(Ticket.__table__), rows[i:i + 5000])  # type: ignore[attr-defined]


def arm(engine: Any, ids: list[int], now: datetime) -> None:
    """Make these tickets due now: 2 h before completion, already signed and contacted."""
    if not ids:
        return
    with engine.begin() as conn:
        conn.execute(update(Ticket).where(col(Ticket.id).in_(ids)).values(
            status="已派发", complete_by=now + timedelta(hours=1), next_reminder_at=now,
            contacted_at=now - timedelta(hours=1)))


def disarm(engine: Any, ids: list[int]) -> None:
    """Take the armed tickets out again (closed), so they do not all fall due together later."""
    if not ids:
        return
    with engine.begin() as conn:
        conn.execute(update(Ticket).where(col(Ticket.id).in_(ids)).values(
            status="已办结", next_reminder_at=NEVER))


def plan_query(engine: Any, now: datetime) -> str:
    if engine.dialect.name != "sqlite":
        sql = "EXPLAIN SELECT id FROM ticket WHERE next_reminder_at <= :now"
    else:
        sql = "EXPLAIN QUERY PLAN SELECT id FROM ticket WHERE next_reminder_at <= :now"
    with engine.connect() as conn:
        rows = conn.execute(text(sql), {"now": now.isoformat()}).all()
    return " | ".join(str(r[-1]) for r in rows)


def run(n: int, scans: int, url: str | None) -> None:
    rng = random.Random(7)
    engine, url = scratch_engine(url)
    clock = MovableClock(START)
    settings = Settings(_env_file=None, telegram_bot_token="1:bench",  # type: ignore[call-arg]
                        database_url=url, duty_group_id=None,
                        holidays_file=Path(mkdtemp()) / "holidays.yaml")
    svc = build_services(settings, engine=engine, clock=clock)
    for h in HANDLERS:
        svc.staff.add(actor_id=1, telegram_id=h, role=Role.staff, name=f"值班{h}")
    svc.staff.add(actor_id=1, telegram_id=4001, role=Role.manager, name="经理")
    rem: ReminderService = svc.reminders  # type: ignore[assignment]

    t0 = time.perf_counter()
    seed(engine, n, rng)
    seed_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    plan_scans = 0
    while True:
        res = rem.scan(clock.now())
        plan_scans += 1
        if res.planned == 0:
            break
    plan_s = time.perf_counter() - t0

    controlled = []
    ids = list(range(1, n + 1))
    rng.shuffle(ids)
    for k in (0, 1, 5, 20):
        samples = []
        for _ in range(20):
            armed = [ids.pop() for _ in range(k)]
            arm(engine, armed, clock.now())
            t0 = time.perf_counter()
            res = rem.scan(clock.now())
            samples.append((time.perf_counter() - t0) * 1000)
            assert res.reminders == k, (k, res)
            disarm(engine, armed)
        med, p95 = summary(samples)
        controlled.append([f"scan, {k} due of {n:,}", f"{med:.2f} / {p95:.2f} ms"])

    gc.collect()
    tracemalloc.start()
    for _ in range(30):  # warm-up ticks (caches, statement cache)
        clock.advance(timedelta(seconds=20))
        rem.scan(clock.now())
    gc.collect()
    mem_before = tracemalloc.get_traced_memory()[0]
    times, reminders, messages = [], 0, 0
    mem_mid = 0
    for i in range(scans):
        if i == scans // 3:
            gc.collect()
            mem_mid = tracemalloc.get_traced_memory()[0]
        clock.advance(timedelta(seconds=20))
        t0 = time.perf_counter()
        res = rem.scan(clock.now())
        times.append((time.perf_counter() - t0) * 1000)
        reminders += res.reminders
        messages += res.messages
    gc.collect()
    mem_after, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    med, p95 = summary(times)
    print(f"database: {engine.dialect.name}; open tickets: {n:,}; leads 24h,2h,0")
    print(table(["measure", "value"], [
        ["seed (bulk insert)", f"{seed_s:.1f} s"],
        ["plan all tickets once", f"{plan_s:.1f} s in {plan_scans} scans "
                                  f"({n / plan_s:,.0f} tickets/s)"],
        *controlled,
        [f"tick scan ({scans} × 20 s) median / p95", f"{med:.2f} / {p95:.2f} ms"],
        ["tick scan max", f"{max(times):.2f} ms"],
        ["reminders sent / messages", f"{reminders} / {messages}"],
        ["traced memory: before, 1/3, end of ticks", f"{mem_before / 1024:.0f} KiB, "
                                                    f"{mem_mid / 1024:.0f} KiB, "
                                                    f"{mem_after / 1024:.0f} KiB"],
        ["traced memory peak", f"{peak / 1024:.0f} KiB"],
        ["due look-up plan", plan_query(engine, clock.now())],
    ]))
    print("(median / p95; each reminder = a ledger row + one outbox transaction per recipient)")
    print(f"target ≤ 50 ms — scan with 20 due: {controlled[-1][1]}; "
          f"ticks: {'OK' if p95 <= 50 else 'p95 over 50 ms'} (median {med:.1f} ms)")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--scans", type=int, default=300)
    parser.add_argument("--url", default=None, help="database URL (default: scratch SQLite)")
    args = parser.parse_args()
    run(args.tickets, args.scans, args.url)


if __name__ == "__main__":
    main()
