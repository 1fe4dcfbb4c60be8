"""Logs hold no citizen's data and no token, even at LOG_LEVEL=DEBUG (issue 13, item 2).

`python -m bot` runs in a child process at DEBUG against the emulator — the production
logging set-up, python-telegram-bot's and httpx's DEBUG loggers included — through a session
that carries a citizen's name, phones, ID and bank card: a pasted ticket, the card, /urgent with
a note, a search, the group card. Then the whole log is grepped."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from bot.clock import Clock
from bot.config import DEFAULT_TZ
from bot.emulator import BotApiEmulator
from bot.services.staff.directory import StaffDirectory
from models.staff import Role
from tests.e2e.harness import ADMIN, DUTY_GROUP, LEADER, STAFF, ticket_paste
from tests.e2e.subprocess_bot import HANG, start_bot, stop_bot
from tests.privacy.test_masker import leaks, name_survives

NO = "2026112500321"
NAME, PHONE, ID, CARD = "欧阳修远", "13912345678", "110105198807161234", "6222021234567890123"
PASTE = ticket_paste(NO, NAME, PHONE, f"{NAME}反映在急诊等候三小时，歐陽修遠要求退费到卡 {CARD}，"
                     f"身份证 {ID}，备用电话 139.1234.5678。")


async def test_a_debug_session_logs_neither_the_token_nor_the_citizen(
        emu: BotApiEmulator, engine: Engine, database_url: str, tmp_path: Path) -> None:
    staff = StaffDirectory(engine, Clock(DEFAULT_TZ))
    for uid, role, name in [(STAFF, "staff", "张值班"), (LEADER, "leader", "王主任")]:
        staff.add(actor_id=ADMIN, telegram_id=uid, role=Role(role), name=name)
    proc = start_bot(emu, database_url, tmp_path, LOG_LEVEL="DEBUG")
    try:
        emu.send_message(user_id=STAFF, text=PASTE)
        await emu.wait_for_message(STAFF, contains="已登记", timeout=HANG)
        emu.send_message(user_id=STAFF, text=f"/urgent {NO} 家属{NAME}情绪激动，{PHONE}")
        alert = await emu.wait_for_message(LEADER, contains="案件提醒", timeout=HANG)
        assert "情绪激动" in alert["text"]  # the /urgent note went out (masked)
        emu.send_message(user_id=STAFF, text=f"{NAME} {PHONE} 急诊退费怎么办")
        emu.send_message(user_id=STAFF, text=f"/t {NO}", chat_id=DUTY_GROUP)
        await emu.wait_for_message(DUTY_GROUP, contains="工单 " + NO, timeout=HANG)
    finally:
        await stop_bot(proc)
    log = (tmp_path / "bot1.log").read_text(encoding="utf-8", errors="replace")
    assert "DEBUG" in log  # the level was DEBUG: the test saw the chatty output
    assert emu.token not in log and emu.token.split(":", 1)[1] not in log
    for number in (PHONE, ID, CARD):
        assert not leaks(number, log), number
    assert not name_survives(NAME, log)
