"""Urgent-alert latency: from the logging update to the leaders' phones.

Run: .venv/bin/python -m bench.bench_alerts [--runs 50] [--leaders 20]
     .venv/bin/python -m bench.bench_alerts --channels  (channels beyond Telegram: see
     bench/bench_channels.py)
     .venv/bin/python -m bench.bench_alerts --faults  (a 429 storm on other chats and a send
     that hangs: see bench/bench_alert_faults.py)
Each run injects a `/new` paste with 紧急程度：紧急 through the emulator (a staff member logging
a case) and times, on the emulator's clock, the first leader's alert and the last of the
leaders' alerts. The bot is the production `build_application()` (access gate, SQLite, outbox,
courier, fan-out rate limiter) with the packaged escalation policy, whose first level is every
active leader (+ leaders' group + duty group) at once. Runs start ≥ 1.1 s apart: Telegram
allows one message a second per private chat, and every run alerts the same leaders.
Targets: first leader p95 ≤ 300 ms; all leaders reached within 2 s.

The duty and leaders' groups are left unset here: their 20-messages-a-minute budget cannot
take 50 alerts in a minute, which says nothing about how fast leaders are reached (people are
enqueued before groups anyway).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time

from bench.common import URGENT_PASTE as PASTE
from bench.common import running_bot, scratch_engine, summary, table
from bot.emulator import BotApiEmulator
from bot.emulator.state import ApiCall
from models.staff import Role

STAFF = 2001
FIRST_LEADER = 3001

async def reached(emu: BotApiEmulator, leaders: list[int], no: str,
                   mark: int) -> dict[int, float]:
    """When (emulator clock) each leader received the alert for ticket `no`."""
    seen: dict[int, float] = {}

    def wanted(c: ApiCall) -> bool:
        return (c.method == "sendMessage" and c.ok and c.result["chat"]["id"] in leaders
                and c.result["chat"]["id"] not in seen and no in c.result["text"])

    while len(seen) < len(leaders):
        call = await emu.wait_for_call(wanted, after=mark, timeout=30)
        seen[call.result["chat"]["id"]] = call.at
    return seen


async def run(runs: int, n_leaders: int) -> list[list[object]]:
    leaders = [FIRST_LEADER + i for i in range(n_leaders)]
    engine, url = scratch_engine()
    async with BotApiEmulator() as emu:
        emu.add_user(STAFF, "张值班")
        for uid in leaders:
            emu.add_user(uid, f"领导{uid}")
        async with running_bot(emu, engine, url, duty_group_id=None) as app:
            svc = app.bot_data.svc
            svc.staff.add(actor_id=1, telegram_id=STAFF, role=Role.staff, name="张值班")
            for uid in leaders:
                svc.staff.add(actor_id=1, telegram_id=uid, role=Role.leader, name=f"领导{uid}")
            await emu.idle(quiet=0.2)
            first_ms: list[float] = []
            all_ms: list[float] = []
            for i in range(runs + 3):  # three warm-up runs
                started = time.monotonic()
                mark = emu.mark()
                no = f"B{i:012d}"
                emu.send_message(user_id=STAFF, text=PASTE.format(no=no, i=i))
                seen = await reached(emu, leaders, no, mark)
                if i >= 3:
                    first_ms.append((min(seen.values()) - started) * 1000)
                    all_ms.append((max(seen.values()) - started) * 1000)
                await emu.idle(quiet=0.05)
                await asyncio.sleep(max(0.0, 1.1 - (time.monotonic() - started)))
            duplicates = sum(1 for c in emu.calls if c.method == "sendMessage" and c.ok
                             and c.result["chat"]["id"] in leaders) - (runs + 3) * len(leaders)
    engine.dispose()
    f_med, f_p95 = summary(first_ms)
    a_med, a_p95 = summary(all_ms)
    return [
        ["first leader reached (ms)", runs, f_med, f_p95, max(first_ms), "p95 ≤ 300",
         "yes" if f_p95 <= 300 else "NO"],
        [f"all {n_leaders} leaders reached (ms)", runs, a_med, a_p95, max(all_ms),
         "max ≤ 2000", "yes" if max(all_ms) <= 2000 else "NO"],
        ["duplicate leader messages", runs, 0.0, 0.0, float(duplicates), "0",
         "yes" if duplicates == 0 else "NO"],
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--leaders", type=int, default=None,
                        help="leaders alerted (default 20; with --channels 5)")
    parser.add_argument("--channels", action="store_true",
                        help="time the channels beyond Telegram (robots, SMS, voice) instead")
    parser.add_argument("--faults", action="store_true",
                        help="with a 429 storm on five other chats and a send that hangs")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    headers = ["metric", "runs", "median", "p95", "max", "target", "met"]
    if args.faults:
        from bench import bench_alert_faults

        rows = asyncio.run(bench_alert_faults.run(args.runs, args.leaders or 20))
        print(table(bench_alert_faults.HEADERS, rows))
        print(bench_alert_faults.load_line())
        return
    if args.channels:
        from bench import bench_channels

        rows = asyncio.run(bench_channels.run(args.runs, args.leaders or 5))
        print(table(headers, rows))
        print(bench_channels.load_line())
        return
    rows = asyncio.run(run(args.runs, args.leaders or 20))
    print(table(headers, rows))


if __name__ == "__main__":
    main()
