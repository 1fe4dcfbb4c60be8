"""The console mode: typed lines in, readable replies with numbered buttons out."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy.engine import Engine

from bot.config import Settings
from bot.console import run_console
from tests.e2e.test_tickets import PASTE


async def test_console_chat_and_buttons(engine: Engine, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = Settings(_env_file=None, telegram_bot_token="0:offline",
                        database_url=engine.url.render_as_string(hide_password=False),
                        holidays_file=tmp_path / "h.yaml")  # type: ignore[call-arg]
    read_fd, write_fd = os.pipe()
    stdin = os.fdopen(read_fd, "r", encoding="utf-8")
    out = io.StringIO()
    task = asyncio.create_task(run_console(settings, as_user=10001, role="staff",
                                           name="测试员", stdin=stdin, out=out))

    async def type_line(text: str, wait: float = 1.0) -> None:
        os.write(write_fd, (text + "\n").encode())
        await asyncio.sleep(wait)

    await asyncio.sleep(1.5)
    await type_line("/help")
    await type_line(PASTE, 2.0)  # pasted lines arrive together: one message
    await type_line("1")  # press the first button: 签收
    urgent = PASTE.replace("2026112500123", "2026112500124")
    urgent = urgent.replace("紧急程度：一般", "紧急程度：紧急")
    await type_line(urgent, 2.0)  # the alert goes out through the outbox and the courier
    os.close(write_fd)
    assert await asyncio.wait_for(task, 20) == 0
    stdin.close()
    text = out.getvalue()
    assert "/new" in text and "/adduser" not in text  # staff's help
    assert "工单已登记" in text and "[1] 签收" in text
    assert "（已更新）" in text and "已签收" in text
    assert "【值班群】" in text and "紧急案件提醒" in text and "13800138000" not in text.split(
        "【值班群】", 1)[1].split("🤖", 1)[0]  # the group notice is masked


def test_console_help_and_missing_token_line():
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    run = subprocess.run([sys.executable, "-m", "bot", "console", "--help"], env=env,
                         capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 0 and "--as" in run.stdout
    run = subprocess.run([sys.executable, "-m", "bot"], env=env, capture_output=True,
                         text=True, timeout=60, check=False, cwd="/")
    assert run.returncode == 2
    assert run.stderr.strip().count("\n") == 0 and "TELEGRAM_BOT_TOKEN" in run.stderr
    assert "Traceback" not in run.stderr
