"""Run `python -m bot` in a child process against the test's emulator and database.

For kill -9 / restart tests: the emulator lives in the test's event loop, the child polls it
with the real clock. ``start_bot(...)`` returns the Popen; ``stop_bot(proc)`` ends it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.e2e.harness import ADMIN, DUTY_GROUP, LEADER_GROUP


def bot_env(emu: Any, database_url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": emu.token,
           "TELEGRAM_API_BASE_URL": emu.base_url, "DATABASE_URL": database_url,
           "ADMIN_IDS": str(ADMIN), "DUTY_GROUP_ID": str(DUTY_GROUP),
           "LEADER_GROUP_ID": str(LEADER_GROUP), "TICK_SECONDS": "0.2",
           "HOLIDAYS_FILE": str(tmp_path / "holidays.yaml"), "LOG_LEVEL": "WARNING"}
    env.update(extra)
    return env


def start_bot(emu: Any, database_url: str, tmp_path: Path, *, run: int = 1,
              **extra: str) -> subprocess.Popen[bytes]:
    """Start the bot; its output goes to ``tmp_path/bot<run>.log``."""
    with open(tmp_path / f"bot{run}.log", "wb") as log:  # the child keeps its own copy
        return subprocess.Popen([sys.executable, "-m", "bot"],
                                env=bot_env(emu, database_url, tmp_path, **extra),
                                cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)


def kill_bot(proc: subprocess.Popen[bytes]) -> None:
    """kill -9: no shutdown hooks run."""
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)


def stop_bot(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
