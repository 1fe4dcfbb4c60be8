"""Urgent-alert latency while Telegram misbehaves on other chats (issue 13, item 5).

Run: .venv/bin/python -m bench.bench_alerts --faults [--runs 50] [--leaders 20]

The production `build_application()` on the emulator, as in `bench_alerts`, plus faults:

- a 429 storm: five other chats (staff members) get a routine message with every run, and
  Telegram answers every send to them 429 ``retry_after=1``, so their lanes keep being held
  and retried the whole time;
- one send hangs: every tenth run, Telegram answers the copy to one leader (the "slow
  leader") only after 6 s — longer than PTB's default 5 s read timeout, which used to make
  the courier send it twice.

Each run injects a `/new` paste with 紧急程度：紧急 and times, on the emulator's clock, the
first leader's alert and the last of the other leaders' alerts (the slow leader aside). The
same runs without faults give the baseline the ratios are taken against. At the end every
leader, the slow one included, must have each alert exactly once. Targets (issue 13): first
leader p95 ≤ 300 ms with the storm; no duplicate.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bench.bench_alerts import reached
from bench.bench_channels import load_line
from bench.common import URGENT_PASTE as PASTE
from bench.common import running_bot, scratch_engine, summary
from bot.emulator import BotApiEmulator
from bot.services.outbox.store import NORMAL
from bot.services.reminders.notes import HolidaysMissing
from models.staff import Role
from tests.e2e.dblock import write_lock_held

STAFF = 2001
FIRST_LEADER = 3001
STORM = [2101 + i for i in range(5)]  # staff chats Telegram keeps answering 429
HANG_SECONDS = 6.0
LOCK_SECONDS = 10.0  # another program (a kb import, a backup) holds the write lock
LOCK_RUNS = 3


def _copies(emu: BotApiEmulator, chat_id: int, no: str) -> int:
    return sum(1 for c in emu.calls if c.method == "sendMessage" and c.ok
               and c.result["chat"]["id"] == chat_id and no in c.result["text"])


async def _scenario(runs: int, n_leaders: int, faults: bool) -> dict[str, Any]:
    leaders = [FIRST_LEADER + i for i in range(n_leaders)]
    slow, others = leaders[-1], leaders[:-1]
    engine, url = scratch_engine()
    async with BotApiEmulator() as emu:
        emu.add_user(1, "管理员")  # the admin the settings name (compliance notices)
        emu.add_user(STAFF, "张值班")
        for uid in [*leaders, *STORM]:
            emu.add_user(uid, f"用户{uid}")
        async with running_bot(emu, engine, url, duty_group_id=None) as app:
            svc = app.bot_data.svc
            svc.staff.add(actor_id=1, telegram_id=STAFF, role=Role.staff, name="张值班")
            for uid in leaders:
                svc.staff.add(actor_id=1, telegram_id=uid, role=Role.leader, name=f"领导{uid}")
            for uid in STORM:
                svc.staff.add(actor_id=1, telegram_id=uid, role=Role.staff, name=f"值班{uid}")
                if faults:
                    emu.fail("sendMessage", status=429, retry_after=1, chat_id=uid,
                             times=10**6)
            await emu.idle(quiet=0.2)
            first_ms: list[float] = []
            all_ms: list[float] = []
            numbers: list[str] = []
            for i in range(runs + 3):  # three warm-up runs
                if faults and i % 10 == 3:
                    emu.delay("sendMessage", HANG_SECONDS, chat_id=slow)
                for uid in STORM:  # routine traffic to the storm chats
                    svc.outbox.enqueue(key=f"bench:{i}:{uid}", kind="notice", chat_id=uid,
                                       note=HolidaysMissing(years=[2027 + i], provisional=0,
                                                            store="holidays.yaml"),
                                       priority=NORMAL)
                started = time.monotonic()
                mark = emu.mark()
                no = f"F{i:012d}"
                numbers.append(no)
                emu.send_message(user_id=STAFF, text=PASTE.format(no=no, i=i))
                seen = await reached(emu, others, no, mark)
                if i >= 3:
                    first_ms.append((min(seen.values()) - started) * 1000)
                    all_ms.append((max(seen.values()) - started) * 1000)
                await asyncio.sleep(max(0.0, 1.1 - (time.monotonic() - started)))
            await reached(emu, [slow], numbers[-1], 0)  # the slow leader's backlog is done
            await app.bot_data.courier.drained()
            copies = [_copies(emu, uid, no) for uid in leaders for no in numbers]
            limited = sum(1 for c in emu.calls if not c.ok and "Too Many" in (c.error or ""))
    engine.dispose()
    return {"first": first_ms, "all": all_ms, "missing": copies.count(0),
            "duplicates": sum(n - 1 for n in copies if n > 1), "limited": limited}


async def _lock_scenario(runs: int, n_leaders: int) -> list[float]:
    """Another program holds the write lock for LOCK_SECONDS while an urgent ticket is sent:
    from the lock's release to the first leader's copy (ms), per run."""
    leaders = [FIRST_LEADER + i for i in range(n_leaders)]
    engine, url = scratch_engine()
    after_release: list[float] = []
    async with BotApiEmulator() as emu:
        emu.add_user(1, "管理员")
        emu.add_user(STAFF, "张值班")
        for uid in leaders:
            emu.add_user(uid, f"用户{uid}")
        async with running_bot(emu, engine, url, duty_group_id=None) as app:
            staff = app.bot_data.svc.staff
            staff.add(actor_id=1, telegram_id=STAFF, role=Role.staff, name="张值班")
            for uid in leaders:
                staff.add(actor_id=1, telegram_id=uid, role=Role.leader, name=f"领导{uid}")
            for i in range(runs):
                mark, no = emu.mark(), f"L{i:012d}"
                with write_lock_held(engine):
                    emu.send_message(user_id=STAFF, text=PASTE.format(no=no, i=i))
                    await asyncio.sleep(LOCK_SECONDS)
                released = time.monotonic()
                seen = await reached(emu, leaders, no, mark)
                after_release.append((min(seen.values()) - released) * 1000)
    engine.dispose()
    return after_release


async def run(runs: int, n_leaders: int) -> list[list[object]]:
    base = await _scenario(runs, n_leaders, faults=False)
    hurt = await _scenario(runs, n_leaders, faults=True)
    locked = await _lock_scenario(LOCK_RUNS, 5)
    b_first, f_first = summary(base["first"]), summary(hurt["first"])
    b_all, f_all = summary(base["all"]), summary(hurt["all"])
    return [
        ["first leader (ms), no faults", runs, *b_first, max(base["first"]), "", "", ""],
        ["first leader (ms), 429 storm + a hang", runs, *f_first, max(hurt["first"]),
         f"{f_first[1] / b_first[1]:.2f}x", "p95 ≤ 300", "yes" if f_first[1] <= 300 else "NO"],
        [f"{n_leaders - 1} leaders (ms), no faults", runs, *b_all, max(base["all"]),
         "", "", ""],
        [f"{n_leaders - 1} leaders (ms), 429 storm + a hang", runs, *f_all, max(hurt["all"]),
         f"{f_all[1] / b_all[1]:.2f}x", "max ≤ 2000",
         "yes" if max(hurt["all"]) <= 2000 else "NO"],
        ["429 answers during the storm", runs, 0.0, 0.0, float(hurt["limited"]), "", "", ""],
        [f"alert after a {LOCK_SECONDS:.0f} s write lock is released (ms)", LOCK_RUNS,
         *summary(locked), max(locked), "", "≤ 2000", "yes" if max(locked) <= 2000 else "NO"],
        ["alerts missing / sent twice", runs, 0.0, 0.0,
         f"{hurt['missing']} / {hurt['duplicates']}", "", "0 / 0",
         "yes" if hurt["missing"] == hurt["duplicates"] == 0 else "NO"],
    ]


HEADERS = ["metric", "runs", "median", "p95", "max", "p95 vs no faults", "target", "met"]

__all__ = ["HEADERS", "load_line", "run"]
