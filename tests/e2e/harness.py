"""Drive the production Application (`build_application`) through the Bot API emulator.

Nothing here waits for a quiet period or sleeps. An injected update is followed until PTB has
finished handling it (:class:`UpdateTracker`, passed to ``build_application``) and then until
the courier has delivered everything that is due (``Courier.drained``). Clock-driven work never
runs by itself in these tests: the e2e fixture removes the periodic tick, and a test moves the
``MovableClock`` and awaits :meth:`Harness.run_due`, which runs the scheduler for the clock's
now and waits for its deliveries.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram.ext import Application

from bot.clock import MovableClock
from bot.context import Services
from bot.emulator import BotApiEmulator
from bot.updates import ChatOrderedProcessor
from handlers.delivery import Courier

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
# Only to turn a hang (a lost update, a courier never woken) into a failure with a message;
# no test asserts anything about how long a step takes.
HANG = 30.0


class UpdateTracker(ChatOrderedProcessor):
    """The production processing (chats concurrently, each chat in order), and a record of
    which update ids have been fully handled, so a test can await exactly the update it
    injected."""

    def __init__(self) -> None:
        super().__init__()
        self._started: set[int] = set()
        self._done: set[int] = set()
        self._changed = asyncio.Event()

    async def do_process_update(self, update: object,
                                coroutine: Awaitable[Any]) -> None:
        update_id = getattr(update, "update_id", None)
        if isinstance(update_id, int):
            self._started.add(update_id)
        try:
            await super().do_process_update(update, coroutine)
        finally:
            if isinstance(update_id, int):
                self._done.add(update_id)
            self._changed.set()
            self._changed = asyncio.Event()

    def is_done(self, update_id: int) -> bool:
        return update_id in self._done

    async def processed(self, update_id: int) -> None:
        """Return once the update with this id, and every earlier one the bot took (other
        chats' updates run concurrently), went through every handler."""
        while update_id not in self._done or any(
                i < update_id for i in self._started - self._done):
            await self._changed.wait()


async def _within(what: str, awaitable: Coroutine[Any, Any, Any]) -> Any:
    try:
        async with asyncio.timeout(HANG):
            return await awaitable
    except TimeoutError:
        raise AssertionError(f"the bot hung: {what} did not happen within {HANG}s") from None


@dataclass
class Harness:
    emu: BotApiEmulator
    app: Application  # type: ignore[type-arg]
    clock: MovableClock
    tracker: UpdateTracker

    @property
    def svc(self) -> Services:
        return self.app.bot_data.svc

    @property
    def courier(self) -> Courier:
        return self.app.bot_data.courier

    # --- waiting ------------------------------------------------------------------------
    async def drained(self) -> None:
        """Wait until nothing due is left in the outbox and no send is in flight."""
        await _within("delivering what is due", self.courier.drained())

    async def settle(self, update_id: int | None = None) -> None:
        """Wait until the update (default: the newest injected) has been handled, then until
        the courier has delivered what that (or anything else due) put in the outbox."""
        wanted = self.emu.last_update_id if update_id is None else update_id
        await _within(f"handling update {wanted}", self.tracker.processed(wanted))
        await self.drained()

    async def run_due(self) -> None:
        """What one scheduler tick does at the clock's now, and its deliveries sent."""
        await self.svc.scheduler.run_due(self.clock.now())
        await self.drained()

    # --- acting as users ----------------------------------------------------------------
    async def say(self, user_id: int, text: str, *, chat_id: int | None = None,
                  expect_reply: bool = True) -> list[JSON]:
        """Send a message as a user; return every message the bot sent or edited in that chat
        while handling it. ``expect_reply`` (default) fails the test if there was none."""
        chat = chat_id if chat_id is not None else user_id
        mark = self.emu.mark()
        self.emu.send_message(user_id=user_id, text=text, chat_id=chat_id)
        await self.settle()
        replies = self.messages_since(mark, chat)
        if expect_reply and not replies:
            raise AssertionError(f"no reply in chat {chat} to {text!r}")
        return replies

    async def press(self, user_id: int, message: JSON, label: str) -> list[JSON]:
        """Press the button labelled `label` on a bot message; return what the bot sent."""
        mark = self.emu.mark()
        query_id = self.emu.press(user_id=user_id, message=message, text=label)
        await self.settle()
        assert self.emu.callback_answer(query_id) is not None, f"{label!r} was not answered"
        return self.messages_since(mark, message["chat"]["id"])

    async def press_data(self, user_id: int, chat_id: int, message_id: int, data: str,
                         *, check: bool = True) -> JSON | None:
        """Press a button by its callback data (also stale data, with ``check=False``);
        return the bot's answerCallbackQuery parameters."""
        query_id = self.emu.press_button(user_id=user_id, chat_id=chat_id,
                                         message_id=message_id, data=data, check=check)
        await self.settle()
        return self.emu.callback_answer(query_id)

    # --- reading ------------------------------------------------------------------------
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


def without_tick(app: Application) -> None:  # type: ignore[type-arg]
    """Remove the periodic scheduler job: in these tests only `Harness.run_due` runs it."""
    assert app.job_queue is not None
    for job in app.job_queue.get_jobs_by_name("tick"):
        job.schedule_removal()


def buttons(message: JSON) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


def text_of(messages: list[JSON]) -> str:
    return "\n".join(m.get("text") or m.get("caption") or "" for m in messages)


def ticket_paste(no: str, name: str, phone: str, content: str, *,
                 urgency: str = "一般") -> str:
    """``/new`` with a ticket as staff paste it from the 12345 platform (labelled fields)."""
    return (f"/new\n工单编号：{no}\n来电人：{name}\n联系电话：{phone}\n诉求类型：投诉\n"
            f"问题分类：医疗服务/服务态度\n承办单位：朝阳医院\n紧急程度：{urgency}\n诉求内容：{content}")
