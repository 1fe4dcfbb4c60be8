"""Tickets: logging end to end, the similar-case check, and /find at scale.

Run: .venv/bin/python -m bench.bench_tickets [--quick] [--lock-only]
Targets (issue 4): logging median ≤ 50 ms on SQLite; similar-case check ≤ 50 ms with 20,000
tickets in the last 30 days; /find ≤ 100 ms over 200,000 tickets.
Issue 13 ("writer holds the lock"): while another program holds SQLite's write lock, a ticket
log waits for it off the event loop; /help in another chat is answered meanwhile, and the
ticket log completes soon after the lock is released. The load average is printed with it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time
from datetime import datetime, timedelta

from sqlalchemy import insert

from bench.common import running_bot, scratch_engine, summary, table
from bench.synthetic import content, ticket_rows
from bot.app import build_services
from bot.clock import MovableClock
from bot.config import DEFAULT_TZ as SHANGHAI
from bot.emulator import BotApiEmulator
from bot.services.tickets.similar import SimilarityIndex
from models.staff import Role
from models.ticket import Ticket
from tests.e2e.dblock import write_lock_held

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI)
PASTE = """/new
工单编号：{no}
来电人：张三
联系电话：13800138000
诉求类型：投诉
问题分类：医疗服务/服务态度
承办单位：朝阳医院
紧急程度：一般
诉求内容：{content}"""


async def bench_logging(runs: int) -> list[float]:
    engine, url = scratch_engine()
    rng = random.Random(3)
    lat: list[float] = []
    async with BotApiEmulator() as emu:
        emu.add_user(7)
        async with running_bot(emu, engine, url) as app:
            app.bot_data.svc.staff.add(actor_id=1, telegram_id=7, role=Role.staff, name="值班员")
            for i in range(runs + 5):
                mark = emu.mark()
                t0 = time.perf_counter()
                emu.send_message(user_id=7, text=PASTE.format(no=f"BN{i:08d}",
                                                              content=content(rng)))
                await emu.wait_for_message(7, contains="已登记", after=mark, timeout=30)
                if i >= 5:
                    lat.append((time.perf_counter() - t0) * 1000)
    return lat


async def bench_locked(runs: int, hold: float) -> list[list[object]]:
    """Another connection holds the write lock for `hold` s per run; staff 7 logs a ticket
    (its write waits), staff 8 asks /help meanwhile."""
    engine, url = scratch_engine()
    rng = random.Random(5)
    helped: list[float] = []
    released_to_logged: list[float] = []
    async with BotApiEmulator() as emu:
        emu.add_user(7)
        emu.add_user(8)
        async with running_bot(emu, engine, url) as app:
            for uid in (7, 8):
                app.bot_data.svc.staff.add(actor_id=1, telegram_id=uid, role=Role.staff,
                                           name=f"值班员{uid}")
            for i in range(runs + 1):
                mark = emu.mark()
                with write_lock_held(engine):
                    emu.send_message(user_id=7, text=PASTE.format(no=f"BL{i:08d}",
                                                                  content=content(rng)))
                    t0 = time.perf_counter()
                    emu.send_message(user_id=8, text="/help")
                    await emu.wait_for_message(8, after=mark, timeout=60)
                    waited = (time.perf_counter() - t0) * 1000
                    await asyncio.sleep(hold)  # the other program keeps its lock a while
                released = time.perf_counter()
                await emu.wait_for_message(7, contains="已登记", after=mark, timeout=60)
                if i >= 1:  # the first run warms up
                    helped.append(waited)
                    released_to_logged.append((time.perf_counter() - released) * 1000)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    note = f"{runs} runs, lock held {hold:.0f}s each, SQLite, load avg {load}"
    return [["writer holds the lock: /help in another chat", *summary(helped), note],
            ["writer holds the lock: ticket log, lock released → reply",
             *summary(released_to_logged), note]]


def bench_similar(sizes: list[int], queries: int) -> list[list[object]]:
    rows = []
    rng = random.Random(11)
    for n in sizes:
        idx = SimilarityIndex()
        t0 = time.perf_counter()
        for i in range(n):
            idx.add(i, f"S{i}", NOW - timedelta(seconds=rng.randrange(30 * 86400)), content(rng))
        build = time.perf_counter() - t0
        lat = []
        found = 0
        for _ in range(queries):
            q = content(rng)
            t0 = time.perf_counter()
            hits = idx.similar(q, since=NOW - timedelta(days=30))
            lat.append((time.perf_counter() - t0) * 1000)
            found += bool(hits)
        med, p95 = summary(lat)
        rows.append([f"similar-case check, {n:,} tickets", med, p95,
                     f"build {build:.1f}s, {found}/{queries} with matches"])
    return rows


def bench_find(n: int, queries: int) -> list[object]:
    engine, _ = scratch_engine()
    chunk = 20_000
    for start in range(0, n, chunk):
        rows = ticket_rows(min(chunk, n - start), start=NOW - timedelta(days=365), days=365,
                           seed=start, prefix=f"F{start // chunk:02d}")
        with engine.begin() as conn:
            conn.execute(insert(Ticket), rows)
    svc = build_services(_settings(), engine=engine, clock=MovableClock(NOW))
    t0 = time.perf_counter()
    svc.tickets.load_recent()
    load = time.perf_counter() - t0
    words = ["态度", "朝阳医院 红包", "二次供水", "狂犬疫苗", "13912345678", "美容院 注射"]
    lat = []
    for i in range(queries):
        t0 = time.perf_counter()
        svc.tickets.find(words[i % len(words)], limit=10)
        lat.append((time.perf_counter() - t0) * 1000)
    med, p95 = summary(lat)
    return [f"/find over {n:,} tickets", med, p95,
            f"in-memory substring index, index load at start {load:.1f}s"]


def _settings():  # type: ignore[no-untyped-def]
    import tempfile
    from pathlib import Path

    from bot.config import Settings

    return Settings(_env_file=None, telegram_bot_token="0:bench",  # type: ignore[call-arg]
                    holidays_file=Path(tempfile.mkdtemp()) / "h.yaml")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--lock-only", action="store_true",
                   help="only the 'writer holds the lock' rows")
    a = p.parse_args()
    locked = asyncio.run(bench_locked(5 if a.quick else 10, 2.0))
    if a.lock_only:
        print(table(["measurement", "median ms", "p95 ms", "notes"], locked))
        return
    runs, find_n = (30, 20_000) if a.quick else (100, 200_000)
    sizes = [5_000, 20_000] if a.quick else [5_000, 20_000, 80_000]
    lat = asyncio.run(bench_logging(runs))
    med, p95 = summary(lat)
    rows: list[list[object]] = [["log a ticket end to end (paste → card)", med, p95,
                                 f"{runs} runs, SQLite"]]
    rows += bench_similar(sizes, 200)
    rows.append(bench_find(find_n, 60))
    rows += locked
    print(table(["measurement", "median ms", "p95 ms", "notes"], rows))


if __name__ == "__main__":
    main()
