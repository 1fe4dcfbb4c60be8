"""`python -m bot console`: chat with the bot in a terminal, no token and no network.

The Bot API emulator and the production Application run in one process against the configured
database. Typed lines are messages from a local user; the bot's messages are printed with
their inline buttons numbered — type the number to press one. `/group <text>` speaks in the
duty group; `/quit`, Ctrl-D or Ctrl-C ends.

Each message is handed to the bot and the console waits until the bot has handled it before
sending the next, so a piped script (`/new`, a paste, `1`) presses the buttons it means.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from pydantic import SecretStr

from bot.config import Settings
from bot.console.printer import ConsolePrinter, FileSaver
from bot.console.typing_input import BUTTON_NUMBER, StdinMessages
from bot.emulator import BotApiEmulator
from bot.runtime import prepare_database, start_app, stop_app
from bot.texts import console as texts
from models.staff import ROLE_NAMES_ZH, Role

CONSOLE_GROUP = -1000000000001
FILES_DIR = Path("data/console_files")
QUIT = frozenset({"/quit", "/exit"})
SETTLE_TIMEOUT = 120.0  # a stuck handler must not freeze the console for ever


async def run_console(settings: Settings, *, as_user: int, role: str, name: str,
                      stdin: TextIO | None = None, out: TextIO | None = None,
                      log_file: Path | None = None) -> int:
    """Run the console until /quit, the end of input (0) or Ctrl-C (130)."""
    stdin = stdin or sys.stdin
    out = out or sys.stdout
    from bot.app import build_application  # heavy imports after the settings are good

    engine = prepare_database(settings)
    group_id = settings.duty_group_id or CONSOLE_GROUP
    async with BotApiEmulator() as emu:
        emu.add_user(as_user, name)
        emu.add_group(group_id, "值班群")
        console_settings = settings.model_copy(update={
            "telegram_bot_token": SecretStr(emu.token), "telegram_api_base_url": emu.base_url,
            # the role asked for wins: ADMIN_IDS must not make the local user admin again
            "admin_ids": tuple(a for a in settings.admin_ids if a != as_user),
            "duty_group_id": group_id,
        })
        app = build_application(console_settings, engine=engine)
        svc = app.bot_data.svc
        member, before = svc.staff.assume_local_role(telegram_id=as_user, role=Role(role),
                                                     name=name)
        printer = ConsolePrinter(
            user_id=as_user, group_id=group_id, out=out,
            saver=FileSaver(FILES_DIR, svc.clock.now), stored_file=_stored_file(emu))
        emu.add_listener(printer)
        await start_app(app, poll_timeout=1)
        printer.say(_banner(member.name, as_user, Role(role), before, log_file))
        session = _Session(emu, app, printer, as_user, group_id)
        try:
            status = await session.run(stdin.fileno())
        finally:
            await stop_app(app)
            session.release_signal()
            engine.dispose()
    printer.say(texts.BYE)
    return status


def _banner(name: str, user_id: int, role: Role, before: Role | None,
            log_file: Path | None) -> str:
    lines = [texts.BANNER.format(name=name, user_id=user_id, role=ROLE_NAMES_ZH[role])]
    if before is None:
        lines.append(texts.ROLE_CREATED.format(user_id=user_id, role=ROLE_NAMES_ZH[role]))
    elif before != role:
        lines.append(texts.ROLE_CHANGED.format(user_id=user_id, role=ROLE_NAMES_ZH[role],
                                               before=ROLE_NAMES_ZH[before]))
    if log_file is not None:
        lines.append(texts.LOG_FILE.format(path=log_file))
    return "\n".join(lines)


def _stored_file(emu: BotApiEmulator) -> Callable[[str], tuple[str, bytes] | None]:
    def lookup(file_id: str) -> tuple[str, bytes] | None:
        stored = emu.state.files.get(file_id)
        return (stored.filename, stored.content) if stored is not None else None
    return lookup


class _Session:
    """One console session: read messages, hand them to the bot, stop on request."""

    def __init__(self, emu: BotApiEmulator, app: Any, printer: ConsolePrinter,
                 user_id: int, group_id: int) -> None:
        self.emu, self.app, self.printer = emu, app, printer
        self.user_id, self.group_id = user_id, group_id
        self.interrupted = False
        self._worker: asyncio.Task[None] | None = None
        self._loop = asyncio.get_running_loop()
        self._signal_installed = False

    async def run(self, fd: int) -> int:
        """Work through the input until it ends, /quit, or Ctrl-C; the exit status."""
        messages = StdinMessages(fd)
        messages.start()
        self._worker = asyncio.create_task(self._work(messages.queue))
        self._install_signal()
        try:
            await self._worker
        except asyncio.CancelledError:
            if not self.interrupted:  # we ourselves are being cancelled: pass it on
                raise
        finally:
            messages.close()
        return 130 if self.interrupted else 0

    def _install_signal(self) -> None:
        """Ctrl-C ends the console like /quit; a second Ctrl-C while stopping forces it."""
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            self._loop.add_signal_handler(signal.SIGINT, self._on_sigint)
            self._signal_installed = True

    def release_signal(self) -> None:
        if self._signal_installed:
            self._loop.remove_signal_handler(signal.SIGINT)
            self._signal_installed = False

    def _on_sigint(self) -> None:
        if self.interrupted:
            self.printer.say(texts.FORCED)
            os._exit(130)
        self.interrupted = True
        self.printer.say(texts.INTERRUPTED)
        if self._worker is not None:
            self._worker.cancel()

    async def _work(self, queue: asyncio.Queue[str | None]) -> None:
        while (text := await queue.get()) is not None:
            if text.strip() in QUIT:
                return
            update_id = self._deliver(text)
            if update_id is not None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._settle(update_id), SETTLE_TIMEOUT)

    def _deliver(self, text: str) -> int | None:
        """Hand one message or button press to the emulator; the update's id, if any."""
        stripped = text.strip()
        table = self.printer.buttons
        if BUTTON_NUMBER.fullmatch(stripped) and 0 < int(stripped) <= table.highest:
            button = table.get(int(stripped))
            try:
                if button is None:
                    raise LookupError(stripped)
                self.emu.press_button(user_id=self.user_id, chat_id=button.chat_id,
                                      message_id=button.message_id, data=button.data)
            except (LookupError, ValueError):  # an old number, or the message changed since
                self.printer.say(texts.BUTTON_EXPIRED.format(number=stripped))
                return None
        elif stripped.startswith("/group "):
            self.emu.send_message(user_id=self.user_id, chat_id=self.group_id,
                                  text=stripped[len("/group "):])
        else:
            self.emu.send_message(user_id=self.user_id, text=text)
        table.new_turn()
        return int(self.emu.state.next_update_id) - 1

    async def _settle(self, update_id: int) -> None:
        """Wait until the bot has handled the update, so the next message sees its reply.

        The update is in the application's queue once the next getUpdates confirmed it;
        the queue is joined once the application processed it. What the outbox sends after
        (alerts to the group) gets a short moment so it prints before the next input.
        """
        state = self.emu.state
        while True:
            event = state.update_event
            if not any(u["update_id"] <= update_id for u in state.updates):
                break
            await event.wait()
        await self.app.update_queue.join()
        with contextlib.suppress(TimeoutError):
            await self.emu.idle(quiet=0.05, timeout=2)
