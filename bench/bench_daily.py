"""Daily post and handover build time on a day with 500 tickets.

Run from the repository root::

    python -m bench.bench_daily              # SQLite file in a temporary directory
    DATABASE_URL=postgresql+psycopg://... python -m bench.bench_daily --keep-db   # PostgreSQL

Data: ``--tickets`` (default 500) tickets received on the day before the post, in a realistic
mix of request types, urgencies and statuses (some dispatched, closed, overdue, signed but not
dispatched overnight, due today), on top of ``--background`` (default 5,000) older tickets, and
a full roster for the day. Timed: the daily post (``DutyDigest.daily``, rendered) for the
group (masked) and a private chat, and the night shift's handover, each ``--rounds`` times
after one warm-up.
Target (issue 8): the daily post builds in ≤ 200 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):  # `python bench/bench_daily.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert

from bot.clock import MovableClock
from bot.config import DEFAULT_TZ as SHANGHAI
from bot.services.calendar.work import WorkCalendar
from bot.services.outbox.store import Outbox
from bot.services.outbox.wakeup import Wakeup
from bot.services.roster.digest import DutyDigest
from bot.services.roster.service import build_roster
from bot.services.roster.shifts import ShiftConfig
from bot.services.staff.directory import StaffDirectory
from bot.texts.audience import Audience
from bot.texts.render import render
from models.db import make_engine, session_scope
from models.migrate import upgrade
from models.staff import Role
from models.ticket import Ticket

DAY = date(2026, 11, 26)
TYPES = ["投诉", "举报", "求助", "咨询", "建议", "表扬"]
URGENCIES = ["一般"] * 14 + ["重点", "紧急", "涉稳"]
UNITS = ["朝阳医院", "中日友好医院", "朝阳区疾控中心", "垂杨柳社区卫生服务中心", "医政医管科"]


def _at(d: date, minutes: int) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=SHANGHAI) + timedelta(minutes=minutes)


def _rows(n: int, start: date, days: int, rng: random.Random, prefix: str) -> list[dict]:
    rows = []
    for i in range(n):
        received = _at(start, rng.randrange(days * 24 * 60))
        status = rng.choice(["待签收", "已签收", "已派发", "已派发", "已反馈", "已回访", "已办结"])
        signed = received + timedelta(minutes=20) if status != "待签收" else None
        dispatched = received + timedelta(minutes=50) if status not in (
            "待签收", "已签收") else None
        closed = received + timedelta(days=2) if status == "已办结" else None
        rows.append(dict(
            platform_no=f"{prefix}{i:07d}", received_at=received, citizen_name="张三",
            phone="13800138000", address="朝阳区某路1号", request_type=rng.choice(TYPES),
            category_l1="医疗服务", category_l2="", unit=rng.choice(UNITS), industry="",
            urgency=rng.choice(URGENCIES), complex_case=False,
            content="市民张三（13800138000）反映门诊挂号难，要求医院尽快解决。" * 2,
            status=status, created_at=received, updated_at=received,
            sign_by=received + timedelta(hours=2),
            complete_by=received + timedelta(hours=rng.randrange(6, 24 * 8)),
            deadlines_provisional=False, policy_class="", signed_at=signed,
            dispatched_at=dispatched, closed_at=closed, dispatched_units="", copied_to="",
            extension_count=0, supervise_count=0, repeat_count=0, repeat_refs="",
            similar_refs="",
        ))
    return rows


def _time(fn, rounds: int) -> tuple[float, float, float]:
    fn()  # warm-up (caches, first query plans)
    xs = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        xs.append((time.perf_counter() - t0) * 1000)
    xs.sort()
    return statistics.median(xs), xs[int(len(xs) * 0.95) - 1], xs[-1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tickets", type=int, default=500)
    ap.add_argument("--background", type=int, default=5000)
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--keep-db", action="store_true", help="do not delete the SQLite file")
    args = ap.parse_args(argv)

    url = os.environ.get("DATABASE_URL", "")
    tmp = None
    if not url.startswith("postgresql"):
        tmp = tempfile.mkdtemp(prefix="bench_daily_")
        url = f"sqlite:///{tmp}/bench.db"
    engine = make_engine(url)
    upgrade(engine)
    rng = random.Random(8)
    yesterday = DAY - timedelta(days=1)
    with session_scope(engine) as s:
        s.exec(insert(Ticket), params=_rows(args.background, yesterday - timedelta(days=60), 59,
                                             rng, "B"))  # type: ignore[call-overload]
        s.exec(insert(Ticket), params=_rows(args.tickets, yesterday, 1, rng,
                                             "D"))  # type: ignore[call-overload]
    clock = MovableClock(_at(DAY, 8 * 60 + 30))
    staff = StaffDirectory(engine, clock)
    for i in range(8):
        staff.add(actor_id=1, telegram_id=5000 + i, role=Role.staff, name=f"值班员{i}")
    roster = build_roster(engine=engine, clock=clock, staff=staff, calendar=WorkCalendar(),
                          config=ShiftConfig.load(tz=SHANGHAI),
                          outbox=Outbox(engine, clock, Wakeup()), duty_group_id=None)
    digest = DutyDigest(engine=engine, roster=roster)
    roster.set_slot(d=DAY, shift_name="白班", people=["值班员0:带班", "值班员1", "值班员2"],
                    actor_id=1)
    roster.set_slot(d=DAY, shift_name="夜班", people=["值班员3:带班", "值班员4"], actor_id=1)
    now = clock.now()
    night = roster.config.instance(DAY, "夜班")

    cases = [
        ("daily post (group, masked)", lambda: render(
            digest.daily(DAY, now), Audience.GROUP).text),
        ("daily post (private)", lambda: render(digest.daily(DAY, now), Audience.STAFF).text),
        ("handover (夜班, masked)", lambda: render(
            digest.handover(night, now), Audience.GROUP).text),
    ]
    dialect = engine.dialect.name
    print(f"database: {dialect}; tickets on the day: {args.tickets}; background: "
          f"{args.background}; rounds: {args.rounds}")
    print(f"{'build':<30} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'≤200 ms':>8}")
    ok = True
    for name, fn in cases:
        med, p95, mx = _time(fn, args.rounds)
        passed = p95 <= 200
        ok = ok and passed
        print(f"{name:<30} {med:>10.1f} {p95:>8.1f} {mx:>8.1f} {'yes' if passed else 'NO':>8}")
    text = render(digest.daily(DAY, now), Audience.GROUP).text
    print(f"daily post length: {len(text)} characters; contains a phone: "
          f"{'13800138000' in text}")
    engine.dispose()
    if tmp and not args.keep_db:
        Path(tmp, "bench.db").unlink(missing_ok=True)
        Path(tmp).rmdir()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
