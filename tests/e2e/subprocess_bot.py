"""Run `python -m bot` in a child process against the test's emulator and database.

For kill -9 / restart tests: the emulator lives in the test's event loop, the child polls it
with the real clock. ``start_bot(...)`` returns the Popen; ``stop_bot(proc)`` ends it;
``restarted(...)`` is the bot started again after the kill (in this process: see there).

No event crosses the process boundary, so these tests wait for what the child *records*:
the emulator's call log (``emu.wait_for_*``) and the database (``until(...)`` polls a
condition such as "no delivery is pending"). No assertion bounds how long the child takes.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import col, select
from telegram.ext import Application

from bot.app import build_application
from bot.runtime import start_app, stop_app
from models.db import session_scope
from models.outbox import OutboxMessage
from tests.e2e.harness import ADMIN, DUTY_GROUP, LEADER_GROUP

# Only to turn a hang into a failure: a child's start-up (imports, migrations, the knowledge
# base) can take most of a minute on a loaded 2-core machine.
HANG = 180.0

__all__ = ["HANG", "kill_bot", "pending", "restarted", "start_bot", "stop_bot", "until",
           "wall_clock_past"]


def bot_env(emu: Any, database_url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": emu.token,
           "TELEGRAM_API_BASE_URL": emu.base_url, "DATABASE_URL": database_url,
           "ADMIN_IDS": str(ADMIN), "DUTY_GROUP_ID": str(DUTY_GROUP),
           "LEADER_GROUP_ID": str(LEADER_GROUP), "TICK_SECONDS": "0.2",
           "HOLIDAYS_FILE": str(tmp_path / "holidays.yaml"), "LOG_LEVEL": "WARNING",
           "KB_SEED_STARTER": "false"}  # these tests do not search: spare the start-up
    env.update(extra)
    return env


def start_bot(emu: Any, database_url: str, tmp_path: Path, *, run: int = 1,
              **extra: str) -> subprocess.Popen[bytes]:
    """Start the bot; its output goes to ``tmp_path/bot<run>.log``."""
    with open(tmp_path / f"bot{run}.log", "wb") as log:  # the child keeps its own copy
        return subprocess.Popen([sys.executable, "-m", "bot"],
                                env=bot_env(emu, database_url, tmp_path, **extra),
                                cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)


@asynccontextmanager
async def restarted(emu: Any, engine: Engine, tmp_path: Path,
                    **settings: object) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """The bot started again after a kill: a new Application on the same database, with the
    real clock and the periodic tick, as `python -m bot` runs it. It runs in this process:
    nothing survives a kill but the database, and a second child would only add a start-up.
    """
    from tests.e2e.conftest import make_settings

    app = build_application(make_settings(emu, engine, tmp_path, tick_seconds=0.2, **settings),
                            engine=engine)
    await start_app(app, poll_timeout=1)
    try:
        yield app
    finally:
        await stop_app(app)


def kill_bot(proc: subprocess.Popen[bytes]) -> None:
    """kill -9: no shutdown hooks run."""
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)


async def stop_bot(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then wait for the exit without blocking the loop: the emulator lives in it and
    must answer the bot's last getUpdates, or the bot's shutdown waits out its read timeout."""
    if proc.poll() is None:
        proc.terminate()
        try:
            await asyncio.wait_for(asyncio.to_thread(proc.wait), 10)
        except TimeoutError:
            proc.kill()
            proc.wait(timeout=10)


def pending(engine: Engine) -> list[OutboxMessage]:
    """Deliveries the bot still owes (due now, waiting for a retry, or in hand with no
    answer recorded yet: a kill then means it is sent again at the next start)."""
    with session_scope(engine) as s:
        return list(s.exec(select(OutboxMessage).where(
            col(OutboxMessage.status).in_(("pending", "sending")))).all())


async def until(check: Callable[[], bool], what: str = "condition", *,
                within: float = HANG) -> None:
    """Poll a condition on state another party writes (a child process, a log file, a stand-in
    server, the database) until it holds; `within` is a hang guard, never an assertion."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"{what} not reached within {within}s")
        await asyncio.sleep(0.05)


async def wall_clock_past(when: datetime) -> None:
    """Let real time pass `when`: the child's clock is the wall clock, so a scenario in which
    something falls due while the bot is down has to let that time go by."""
    await until(lambda: datetime.now(UTC) > when, what=f"the wall clock passing {when}")
