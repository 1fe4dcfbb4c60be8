"""Channel latency: from an escalation level falling due to its messages beyond Telegram.

Run: .venv/bin/python -m bench.bench_alerts --channels [--runs 50] [--leaders 5]
The bot is the production `build_application()` (SQLite, outbox, both couriers) on the Bot
API emulator, with CHANNELS_FILE pointing at local stand-ins of the vendors
(tests/channels/standins.py: WeCom, DingTalk and Feishu robots checking payloads and
signatures, an SMS and a voice gateway) and the policy

    L1 all_leaders (Telegram) → L2 wecom + dingtalk + feishu + sms + voice

Each run logs an urgent ticket (level 1 goes to Telegram), moves the MovableClock past the
level's wait, starts the timer and awaits `scheduler.run_due(now)` — the level becomes due;
the time includes every producer of that tick, as in production — then times the first
stand-in request of the run and the last one (3 robot messages, two SMS parts and a call per
leader), and acknowledges the alert. The clock moves 10 minutes a run, so the robots'
20-a-minute window never holds a message back. Target: first channel p95 ≤ 500 ms.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from bench.common import running_bot, scratch_engine, summary
from bot.clock import MovableClock
from bot.emulator import BotApiEmulator
from bot.services.tickets.fields import ParsedTicket
from models.staff import Role
from tests.channels.standins import StandIns

STAFF, FIRST_LEADER = 2001, 3001
WAIT = timedelta(minutes=10)
POLICY = """levels:
  - recipients: [all_leaders]
  - recipients: [{wecom: leaders}, {dingtalk: leaders}, {feishu: leaders}, sms, voice]
"""


def _files(stand: StandIns, folder: Path) -> tuple[Path, Path]:
    u = stand.urls()
    channels = folder / "channels.yaml"
    channels.write_text(f"""
wecom:    {{leaders: {{url: "{u['wecom']}"}}}}
dingtalk: {{leaders: {{url: "{u['dingtalk']}", secret: "{stand.dingtalk_secret}"}}}}
feishu:   {{leaders: {{url: "{u['feishu']}", secret: "{stand.feishu_secret}"}}}}
sms:      {{url: "{u['sms']}", body: {{to: "{{phone}}", text: "{{text}}"}}}}
voice:    {{url: "{u['voice']}", body: {{to: "{{phone}}", text: "{{text}}"}}}}
""", encoding="utf-8")
    policy = folder / "policy.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    return channels, policy


async def _until(stand: StandIns, count: int) -> None:
    await stand.until(lambda: len(stand.received) >= count,
                      f"fewer than {count} channel requests", within=30.0)


def _ticket(i: int) -> ParsedTicket:
    return ParsedTicket(platform_no=f"C{i:012d}", citizen_name="张三丰", phone="13800138000",
                        request_type="投诉", category_l1="医疗服务", category_l2="服务态度",
                        unit="首都医科大学附属北京朝阳医院", urgency="紧急",
                        content=f"第{i}例：市民反映孩子高烧在急诊候诊两小时无人接诊。")


async def run(runs: int, n_leaders: int) -> list[list[object]]:
    leaders = [FIRST_LEADER + i for i in range(n_leaders)]
    per_level = 3 + 3 * n_leaders  # three robots; per leader two SMS parts and a call
    engine, url = scratch_engine()
    clock = MovableClock(datetime.now().astimezone())
    stand = await StandIns().start()
    channels, policy = _files(stand, Path(tempfile.mkdtemp(prefix="bench-channels-")))
    first_ms: list[float] = []
    all_ms: list[float] = []
    async with BotApiEmulator() as emu:
        emu.add_user(STAFF, "张值班")
        for uid in leaders:
            emu.add_user(uid, f"领导{uid}")
        async with running_bot(emu, engine, url, clock=clock, duty_group_id=None,
                               channels_file=channels, escalation_policy_file=policy,
                               tick_seconds=3600) as app:
            svc = app.bot_data.svc
            svc.staff.add(actor_id=1, telegram_id=STAFF, role=Role.staff, name="张值班")
            for k, uid in enumerate(leaders):
                svc.staff.add(actor_id=1, telegram_id=uid, role=Role.leader, name=f"领导{uid}")
                svc.contacts.set(actor_id=1, telegram_id=uid, changes={"phone": f"1390000{k:04d}"})
            for i in range(runs + 3):  # three warm-up runs
                created = await asyncio.to_thread(svc.tickets.create, data=_ticket(i),
                                                  actor_id=STAFF)
                clock.advance(WAIT)
                mark = len(stand.received)
                started = time.monotonic()
                await svc.scheduler.run_due(clock.now())
                await _until(stand, mark + per_level)
                if i >= 3:
                    first_ms.append((stand.received[mark].at - started) * 1000)
                    all_ms.append((max(r.at for r in stand.received[mark:]) - started) * 1000)
                alert = svc.alerts.open_alert(created.ticket.id)  # 收到: no further levels
                assert alert is not None and alert.id is not None
                svc.alerts.ack(alert_id=alert.id, actor_id=leaders[0])
            extra = len(stand.received) - (runs + 3) * per_level
    await stand.stop()
    engine.dispose()
    return _rows(runs, per_level, first_ms, all_ms, extra, len(stand.rejected))


def _rows(runs: int, per_level: int, first_ms: list[float], all_ms: list[float],
          extra: int, rejected: int) -> list[list[object]]:
    f_med, f_p95 = summary(first_ms)
    a_med, a_p95 = summary(all_ms)
    return [
        ["first channel after the level is due (ms)", runs, f_med, f_p95, max(first_ms),
         "p95 ≤ 500", "yes" if f_p95 <= 500 else "NO"],
        [f"all {per_level} channel messages of the level (ms)", runs, a_med, a_p95,
         max(all_ms), "—", "—"],
        ["extra or refused channel requests", runs, 0.0, 0.0, float(extra + rejected), "0",
         "yes" if extra + rejected == 0 else "NO"],
    ]


def load_line() -> str:
    one, five, fifteen = os.getloadavg()
    return (f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores "
            "(machine shared)")
