"""Drive the production Application (`build_application`) through the Bot API emulator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram.ext import Application

from bot.clock import MovableClock
from bot.context import Services
from bot.emulator import BotApiEmulator

ADMIN = 1001
STAFF = 2001
STAFF2 = 2002
LEADER = 3001
MANAGER = 4001
STRANGER = 9001
DUTY_GROUP = -1001001
LEADER_GROUP = -1002002
OTHER_GROUP = -1009009

JSON = dict[str, Any]


@dataclass
class Harness:
    emu: BotApiEmulator
    app: Application  # type: ignore[type-arg]
    clock: MovableClock

    @property
    def svc(self) -> Services:
        return self.app.bot_data.svc

    async def say(self, user_id: int, text: str, *, chat_id: int | None = None,
                  expect_reply: bool = True, quiet: float = 0.05) -> list[JSON]:
        """Send a message as a user; return every message the bot sent or edited in reply."""
        chat = chat_id if chat_id is not None else user_id
        mark = self.emu.mark()
        self.emu.send_message(user_id=user_id, text=text, chat_id=chat_id)
        if expect_reply:
            await self.emu.wait_for_message(chat, after=mark, timeout=10)
        await self.emu.idle(quiet=quiet)
        return self.messages_since(mark, chat)

    async def press(self, user_id: int, message: JSON, label: str,
                    quiet: float = 0.1) -> list[JSON]:
        """Press the button labelled `label` on a bot message; return what the bot sent."""
        mark = self.emu.mark()
        self.emu.press(user_id=user_id, message=message, text=label)
        await self.emu.wait_for_call(lambda c: c.method == "answerCallbackQuery", after=mark,
                                     timeout=10)
        await self.emu.idle(quiet=quiet)
        return self.messages_since(mark, message["chat"]["id"])

    def messages_since(self, mark: int, chat_id: int | None = None) -> list[JSON]:
        out = []
        for call in self.emu.calls[mark:]:
            if not call.ok or not isinstance(call.result, dict) or "chat" not in call.result:
                continue
            if chat_id is None or call.result["chat"]["id"] == chat_id:
                out.append(call.result)
        return out

    def callback_answers(self, mark: int = 0) -> list[JSON]:
        return [c.params for c in self.emu.calls[mark:] if c.method == "answerCallbackQuery"]

    def current(self, message: JSON) -> JSON:
        """The message as it is now (after edits)."""
        chat_id, mid = message["chat"]["id"], message["message_id"]
        for m in self.emu.bot_messages(chat_id):
            if m["message_id"] == mid:
                return m
        raise LookupError(f"message {mid} not found in chat {chat_id}")

    def add(self, telegram_id: int, role: str, name: str) -> None:
        from models.staff import Role

        self.svc.staff.add(actor_id=ADMIN, telegram_id=telegram_id, role=Role(role), name=name)


def buttons(message: JSON) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


def text_of(messages: list[JSON]) -> str:
    return "\n".join(m.get("text") or m.get("caption") or "" for m in messages)
