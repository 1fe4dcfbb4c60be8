"""`python -m bot channels list|test`, run as the operator runs them, against the stand-ins:
a clearly marked test message, its outcome recorded and listed, and never a secret printed."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import Engine

from bot.clock import Clock
from bot.config import DEFAULT_TZ as SHANGHAI
from bot.services.staff.contacts import Contacts
from bot.services.staff.directory import StaffDirectory
from models.staff import Role
from tests.channels.conftest import write_channels
from tests.channels.standins import StandIns
from tests.conftest import BotRun

SECRETS = ("wkey", "dtoken", "SECdingtalk", "fhook", "fsecret", "Bearer t0k")


async def bot(database_url: str, channels: Path, *args: str) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env |= {"DATABASE_URL": database_url, "CHANNELS_FILE": str(channels)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "channels", *args, env=env, cwd=channels.parent,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def test_test_messages_and_the_list(stand: StandIns, engine: Engine, database_url: str,
                                          tmp_path: Path, run_bot: Callable[..., BotRun]) -> None:
    channels = write_channels(tmp_path, stand)
    code, out, _ = await bot(database_url, channels, "test", "wecom:leaders")  # a real process

    async def bot_here(*args: str) -> tuple[int, str, str]:
        """The same entry point in this process (in a thread: it runs its own event loop,
        and the stand-ins answer from this one)."""
        run = await asyncio.to_thread(run_bot, "channels", *args, DATABASE_URL=database_url,
                                      CHANNELS_FILE=str(channels))
        return run.status, run.out, "\n".join(run.err_lines)

    assert code == 0 and "wecom:leaders" in out
    text = stand.of("wecom")[0].body["text"]["content"]
    assert text.startswith("【测试】") and "无需处理" in text and "工单" not in text

    stand.fail["feishu"] = 502
    code, _, err = await bot_here("test", "feishu:leaders")
    assert code == 1 and "HTTP 502" in err and "可重试" in err

    staff = StaffDirectory(engine, Clock(SHANGHAI))
    staff.add(actor_id=1, telegram_id=3001, role=Role.leader, name="王主任")
    Contacts(engine, Clock(SHANGHAI), staff).set(actor_id=1, telegram_id=3001,
                                         changes={"phone": "13900000001"})
    code, _, _ = await bot_here("test", "sms", "--to", "3001")
    assert code == 0 and stand.of("sms")[0].body["to"] == "13900000001"
    code, _, err = await bot_here("test", "voice")
    assert code == 2 and "--to" in err
    code, _, err = await bot_here("test", "wecom:nobody")
    assert code == 2 and "wecom:leaders" in err

    code, out, err = await bot_here("list")
    assert code == 0, err
    lines = {line.split()[0]: line for line in out.splitlines()[2:]}
    assert set(lines) == {"wecom:leaders", "dingtalk:leaders", "feishu:leaders", "sms", "voice"}
    assert "成功" in lines["wecom:leaders"] and f"http://127.0.0.1:{stand.port}" in lines["sms"]
    assert "失败" in lines["feishu:leaders"] and "HTTP 502" in lines["feishu:leaders"]
    assert "—" in lines["dingtalk:leaders"]  # never used
    for secret in SECRETS:
        assert secret not in out + err
