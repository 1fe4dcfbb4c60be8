"""`python -m bot console`: chat with the bot in a terminal, no token and no network.

The Bot API emulator and the production Application run in one process against the configured
database. Typed lines are messages from a local user; the bot's messages are printed with
their inline buttons numbered — type the number to press one. `/group <text>` speaks in the
duty group; `/quit` (or Ctrl-D) ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import sys
from pathlib import Path
from typing import Any, TextIO

from pydantic import SecretStr

from bot.config import Settings
from bot.emulator import ApiCall, BotApiEmulator
from bot.runtime import prepare_database, start_app, stop_app
from models.staff import Role

CONSOLE_GROUP = -1000000000001
FILES_DIR = Path("data/console_files")
SHOWN = {"sendMessage", "editMessageText", "editMessageReplyMarkup", "sendPhoto",
         "sendDocument"}


class ConsolePrinter:
    """Print the bot's messages readably and remember the numbered buttons."""

    def __init__(self, user_id: int, group_id: int, out: TextIO) -> None:
        self.user_id, self.group_id, self.out = user_id, group_id, out
        self.buttons: list[tuple[dict[str, Any], str, str]] = []  # (message, label, data)

    def __call__(self, call: ApiCall) -> None:
        if call.method not in SHOWN or not call.ok or not isinstance(call.result, dict):
            return
        msg = call.result
        chat = msg.get("chat", {}).get("id")
        if chat not in (self.user_id, self.group_id):
            return
        where = "【值班群】" if chat == self.group_id else ""
        edited = "（已更新）" if call.method.startswith("edit") else ""
        body = msg.get("text") or msg.get("caption") or ""
        lines = [f"\n🤖 {where}{edited}"]
        if call.method == "sendDocument" or call.method == "sendPhoto":
            lines.append(f"[文件已保存：{self._save(call)}]")
        if body:
            lines.append(body)
        keyboard = (msg.get("reply_markup") or {}).get("inline_keyboard") or []
        for row in keyboard:
            labels = []
            for button in row:
                if "callback_data" not in button:
                    continue
                self.buttons.append((msg, button["text"], button["callback_data"]))
                labels.append(f"[{len(self.buttons)}] {button['text']}")
            if labels:
                lines.append("   ".join(labels))
        print("\n".join(lines), file=self.out, flush=True)

    def _save(self, call: ApiCall) -> str:
        FILES_DIR.mkdir(parents=True, exist_ok=True)
        for name, content in call.files.items():
            filename = re.sub(r"[^\w.\-]", "_", name) or "file"
            path = FILES_DIR / filename
            path.write_bytes(content)
            return str(path)
        return "（无内容）"


async def run_console(settings: Settings, *, as_user: int, role: str, name: str,
                      stdin: TextIO | None = None, out: TextIO | None = None) -> int:
    stdin = stdin or sys.stdin
    out = out or sys.stdout
    from bot.app import build_application  # heavy imports after the settings are good

    engine = prepare_database(settings)
    group_id = settings.duty_group_id or CONSOLE_GROUP
    async with BotApiEmulator() as emu:
        emu.add_user(as_user, name)
        emu.add_group(group_id, "值班群")
        admins = tuple(settings.admin_ids) + ((as_user,) if role == "admin" else ())
        console_settings = settings.model_copy(update={
            "telegram_bot_token": SecretStr(emu.token), "telegram_api_base_url": emu.base_url,
            "admin_ids": admins, "duty_group_id": group_id,
        })
        app = build_application(console_settings, engine=engine)
        staff = app.bot_data.svc.staff
        if staff.get(as_user) is None:  # admins too: so the console user has their name
            staff.add(actor_id=as_user, telegram_id=as_user, role=Role(role), name=name)
        printer = ConsolePrinter(as_user, group_id, out)
        emu.add_listener(printer)
        await start_app(app, poll_timeout=1)
        print(f"接诉即办值班助手 · 控制台模式（用户 {as_user}，角色 {role}）\n"
              "直接输入消息；输入按钮编号可点按钮；/group 文字 发到值班群；/quit 退出。\n"
              "先试试 /help", file=out, flush=True)
        try:
            await _loop(emu, printer, as_user, group_id, stdin)
        finally:
            await emu.idle(quiet=0.1, timeout=5)
            await stop_app(app)
            engine.dispose()
    return 0


PASTE_GAP = 0.15  # lines arriving closer together than this were pasted as one message


async def _lines(stdin: TextIO) -> asyncio.Queue[str | None]:
    """Read stdin in a thread; None marks the end of input."""
    queue: asyncio.Queue[str | None] = asyncio.Queue()
    loop = asyncio.get_running_loop()

    def reader() -> None:
        for line in iter(stdin.readline, ""):
            loop.call_soon_threadsafe(queue.put_nowait, line.rstrip("\n"))
        loop.call_soon_threadsafe(queue.put_nowait, None)

    loop.run_in_executor(None, reader)
    return queue


async def _next_message(queue: asyncio.Queue[str | None]) -> str | None:
    """One typed line, or several pasted lines joined (a ticket pasted after /new)."""
    first = await queue.get()
    if first is None:
        return None
    lines = [first]
    while True:
        try:
            more = await asyncio.wait_for(queue.get(), PASTE_GAP)
        except TimeoutError:
            return "\n".join(lines)
        if more is None:
            queue.put_nowait(None)
            return "\n".join(lines)
        lines.append(more)


async def _loop(emu: BotApiEmulator, printer: ConsolePrinter, user: int, group: int,
                stdin: TextIO) -> None:
    queue = await _lines(stdin)
    while True:
        text = await _next_message(queue)
        if text is None:
            return
        if text.strip() in ("/quit", "/exit"):
            return
        if not text.strip():
            continue
        if text.strip().isdigit() and 0 < int(text) <= len(printer.buttons):
            message, _label, data = printer.buttons[int(text) - 1]
            with contextlib.suppress(LookupError, ValueError):
                emu.press_button(user_id=user, chat_id=message["chat"]["id"],
                                 message_id=message["message_id"], data=data)
        elif text.startswith("/group "):
            emu.send_message(user_id=user, chat_id=group, text=text[len("/group "):])
        else:
            emu.send_message(user_id=user, text=text)
        with contextlib.suppress(TimeoutError):
            await emu.idle(quiet=0.15, timeout=10)
