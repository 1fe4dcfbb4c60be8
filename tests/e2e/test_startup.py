"""Start-up and running faults: an unreachable Bot API is retried quietly; a database file
that vanishes under the running bot stops it (exit 1) after telling the admins."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bot.emulator import BotApiEmulator
from tests.e2e.harness import ADMIN
from tests.e2e.subprocess_bot import bot_env, start_bot, stop_bot, until


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_unreachable_bot_api_is_retried_with_one_line_each(tmp_path: Path,
                                                                  database_url: str) -> None:
    env = bot_env(_FakeEmu(f"http://127.0.0.1:{_closed_port()}/bot"), database_url, tmp_path,
                  LOG_LEVEL="INFO")
    log = tmp_path / "bot.log"
    proc = _spawn(env, tmp_path, log)
    try:
        await until(lambda: log.read_text().count("Bot API unreachable") >= 2, "two retries")
    finally:
        await stop_bot(proc)
    text = log.read_text()
    assert proc.returncode == 0
    assert "Traceback" not in text and "retrying in" in text


async def test_database_file_deleted_stops_the_bot_and_tells_admins(
        emu: BotApiEmulator, tmp_path: Path) -> None:
    db = tmp_path / "data" / "hotline.db"
    proc = start_bot(emu, f"sqlite:///{db}", tmp_path, LOG_LEVEL="INFO")
    try:
        # the watch knows the file once the bot says it runs (a getUpdates call is only
        # recorded when its long poll ends, seconds later)
        log = tmp_path / "bot1.log"
        await until(lambda: "bot running" in log.read_text(), "the bot running")
        _delete_database(db)
        message = await emu.wait_for_message(ADMIN, contains="数据库文件", timeout=60)
        await until(lambda: proc.poll() is not None, "the bot exiting")
    finally:
        await stop_bot(proc)
    assert proc.returncode == 1 and "已被删除" in message["text"]
    text = (tmp_path / "bot1.log").read_text()
    assert "Traceback" not in text and text.count("was deleted") == 1


def _delete_database(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)


def _spawn(env: dict[str, str], cwd: Path, log: Path) -> subprocess.Popen[bytes]:
    with open(log, "wb") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen([sys.executable, "-m", "bot"], env=env, cwd=cwd, stdout=out,
                                stderr=subprocess.STDOUT)


class _FakeEmu:
    token = "123:abc"

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url


pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")
