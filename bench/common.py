"""Shared benchmark plumbing: a migrated scratch database, the production app on the emulator."""

from __future__ import annotations

import statistics
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from bot.app import build_application
from bot.clock import Clock
from bot.config import Settings
from bot.emulator import BotApiEmulator
from bot.runtime import start_app, stop_app
from models.db import make_engine
from models.migrate import upgrade

DUTY_GROUP = -1001001
# a staff member logging an urgent case ({no}: the ticket number, {i}: the run)
URGENT_PASTE = """/new
工单编号：{no}
来电人：张三丰
联系电话：13800138000
诉求类型：投诉
问题分类：医疗服务/服务态度
承办单位：朝阳医院
紧急程度：紧急
诉求内容：第{i}例：市民反映孩子高烧在急诊候诊两小时无人接诊，情绪激动，要求立即处理。"""


def scratch_engine(url: str | None = None) -> tuple[Engine, str]:
    """A fresh migrated database (SQLite file in a temp dir unless a URL is given)."""
    if url is None:
        url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='bench-')) / 'bench.db'}"
    engine = make_engine(url)
    upgrade(engine)
    return engine, url


def settings_for(emu: BotApiEmulator, url: str, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "telegram_bot_token": emu.token, "telegram_api_base_url": emu.base_url,
        "database_url": url, "admin_ids": (1,), "duty_group_id": DUTY_GROUP,
        "holidays_file": Path(tempfile.mkdtemp()) / "holidays.yaml", "log_level": "WARNING",
    }
    values.update(extra)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@asynccontextmanager
async def running_bot(emu: BotApiEmulator, engine: Engine, url: str, *, clock: Clock | None = None,
                      **extra: Any) -> AsyncIterator[Any]:
    app = build_application(settings_for(emu, url, **extra), engine=engine, clock=clock)
    await start_app(app, poll_timeout=1)
    try:
        yield app
    finally:
        await stop_app(app)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(values_ms: list[float]) -> tuple[float, float]:
    return statistics.median(values_ms), pct(values_ms, 0.95)


def table(headers: list[str], rows: list[list[Any]]) -> str:
    cells = [[str(h) for h in headers]] + [[_fmt(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _fmt(v: Any) -> str:
    return f"{v:.2f}" if isinstance(v, float) else str(v)
