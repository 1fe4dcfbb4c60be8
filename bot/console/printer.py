"""Print what the bot sends, number its buttons, and save the files it sends.

Button numbers restart with the first bot message after each input of the user, so the
numbers on screen always belong to the latest message(s); a number from an older screen is
reported as expired instead of pressing whatever button now carries it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from bot.emulator import ApiCall
from bot.texts import console as texts

SHOWN = frozenset({"sendMessage", "editMessageText", "editMessageReplyMarkup",
                   "editMessageCaption", "sendPhoto", "sendDocument"})
FILE_METHODS = frozenset({"sendPhoto", "sendDocument"})


@dataclass(frozen=True)
class Button:
    """A numbered inline button: the message it sits on and its callback data."""

    chat_id: int
    message_id: int
    label: str
    data: str


class ButtonTable:
    """The numbers the user may type: buttons printed since their last input."""

    def __init__(self) -> None:
        self._buttons: dict[int, Button] = {}
        self._next = 1
        self._fresh = False
        self.highest = 0  # the largest number ever shown: smaller ones are "expired" if unknown

    def new_turn(self) -> None:
        """The user sent something: the next bot message starts the numbering again."""
        self._fresh = True

    def number(self, chat_id: int, message_id: int, buttons: list[tuple[str, str]]) -> list[int]:
        """Number the buttons of a (new or edited) message; older numbers of it expire."""
        if self._fresh:
            self._buttons.clear()
            self._next, self._fresh = 1, False
        for key in [k for k, b in self._buttons.items()
                    if (b.chat_id, b.message_id) == (chat_id, message_id)]:
            del self._buttons[key]
        numbers = []
        for label, data in buttons:
            self._buttons[self._next] = Button(chat_id, message_id, label, data)
            numbers.append(self._next)
            self.highest = max(self.highest, self._next)
            self._next += 1
        return numbers

    def get(self, number: int) -> Button | None:
        return self._buttons.get(number)


class FileSaver:
    """Save each file under its own name in `folder`; never overwrite, mode 0600."""

    def __init__(self, folder: Path, now: Callable[[], datetime]) -> None:
        self.folder, self._now = folder, now

    def save(self, filename: str, content: bytes) -> Path:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # reports name citizens
        name = _safe_name(filename)
        stamp = self._now().strftime("%Y%m%d-%H%M%S")
        candidates = [name, f"{stamp}-{name}"]
        candidates += (f"{stamp}-{n}-{name}" for n in range(2, 1000))
        for candidate in candidates:
            path = self.folder / candidate
            try:  # O_EXCL: an existing file (ours or anyone's) is never replaced
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue
            with os.fdopen(fd, "wb") as f:
                f.write(content)
            return path
        raise FileExistsError(f"no free file name for {name} in {self.folder}")


def _safe_name(filename: str) -> str:
    """The bot's file name without anything that could leave the folder or hide the file."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    base = re.sub(r"[^\w.\-()（）]", "_", base).lstrip(".")
    return base[:120] or "file"


class ConsolePrinter:
    """Emulator listener: print the bot's messages for this user and the duty group."""

    def __init__(self, *, user_id: int, group_id: int, out: TextIO, saver: FileSaver,
                 stored_file: Callable[[str], tuple[str, bytes] | None]) -> None:
        self.user_id, self.group_id, self.out = user_id, group_id, out
        self.buttons = ButtonTable()
        self._saver, self._stored_file = saver, stored_file

    def say(self, text: str) -> None:
        """A line from the console itself (not from the bot)."""
        print(text, file=self.out, flush=True)

    def __call__(self, call: ApiCall) -> None:
        if not call.ok:
            return
        if call.method == "answerCallbackQuery":
            if call.params.get("text"):
                self.say(texts.TOAST.format(text=call.params["text"]))
            return
        if call.method not in SHOWN or not isinstance(call.result, dict):
            return
        msg: dict[str, Any] = call.result
        chat = msg.get("chat", {}).get("id")
        if chat not in (self.user_id, self.group_id):
            return
        lines = [texts.BOT.format(where=texts.GROUP if chat == self.group_id else "",
                                  edited=texts.EDITED if call.method.startswith("edit") else "")]
        if call.method in FILE_METHODS:
            lines.append(self._save(msg))
        body = msg.get("text") or msg.get("caption") or ""
        if body:
            lines.append(body)
        lines += self._keyboard(msg)
        self.say("\n".join(lines))

    def _keyboard(self, msg: dict[str, Any]) -> list[str]:
        rows = [[(b["text"], b["callback_data"]) for b in row if "callback_data" in b]
                for row in (msg.get("reply_markup") or {}).get("inline_keyboard") or []]
        rows = [row for row in rows if row]
        flat = [button for row in rows for button in row]
        numbers = iter(self.buttons.number(msg["chat"]["id"], msg["message_id"], flat))
        return ["   ".join(texts.BUTTON.format(number=next(numbers), label=label)
                           for label, _data in row) for row in rows]

    def _save(self, msg: dict[str, Any]) -> str:
        media = msg.get("document") or (msg.get("photo") or [None])[-1]
        stored = self._stored_file(media["file_id"]) if media else None
        if stored is None or not stored[1]:
            return texts.FILE_EMPTY
        name = (msg.get("document") or {}).get("file_name") or stored[0]
        return texts.FILE_SAVED.format(path=self._saver.save(name, stored[1]))
