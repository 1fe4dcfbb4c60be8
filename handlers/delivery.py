"""The courier: sends what the outbox holds, with retries, and records the outcome.

One background task per application. It wakes when something is enqueued (the outbox rings
the shared :class:`Wakeup`, so an urgent alert leaves at once) or when a retry falls due, and
sends urgent rows first. A row's note is rendered here, at send time, for the audience of the
chat it goes to (``bot.texts.render``). 429s are retried by the rate limiter; timeouts and 5xx
back off through the database, so a restart resumes them; a failed delivery is reported to
the listeners the composition root passed in (e.g. the alert service tells the managers).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.clock import Clock
from bot.offload import db
from bot.ratelimit import BULK, URGENT
from bot.services.outbox.store import URGENT as URGENT_PRIORITY
from bot.services.outbox.store import Buttons, Outbox, Outgoing
from bot.services.outbox.wakeup import Wakeup
from bot.texts.audience import Audience, Rendered
from bot.texts.render import render
from bot.texts.split import LIMIT, split_message

log = logging.getLogger(__name__)

FailureHook = Callable[[Outgoing, str], None]


def markup(buttons: Buttons | None) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)
                                  for label, data in row] for row in buttons])


class Courier:
    def __init__(self, bot: Any, *, outbox: Outbox, clock: Clock, wakeup: Wakeup,
                 audience_of: Callable[[int], Audience], on_failed: Sequence[FailureHook],
                 idle_seconds: float) -> None:
        self.bot, self.outbox, self.clock, self.wakeup = bot, outbox, clock, wakeup
        self.audience_of = audience_of
        self.on_failed = tuple(on_failed)
        self.idle_seconds = idle_seconds
        self._task: asyncio.Task[None] | None = None
        self._in_pass = False  # a drain pass is running (a send may be in flight)
        self._pass_done = asyncio.Event()  # replaced after every pass; see `drained`

    def kick(self) -> None:
        self.wakeup.ring()

    def start(self) -> None:
        self.wakeup.bind()
        self._task = asyncio.get_running_loop().create_task(self._run(), name="courier")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def drained(self) -> None:
        """Return once nothing due is pending and no send is in flight.

        For tests: after moving the clock or injecting an update they await this instead of
        waiting for a quiet period. It does not send anything itself; it waits for the
        background courier's passes (so a courier that is never woken shows up as a hang),
        and checks "nothing due" with the same query a pass uses.
        """
        while self._in_pass or await db(self.outbox.due, limit=50):
            if self._task is None or self._task.done():
                raise RuntimeError("the courier is not running")
            await self._pass_done.wait()

    async def _run(self) -> None:
        while True:
            self._in_pass = True
            try:
                await self.drain()
            except Exception:  # keep the courier alive whatever one message does
                log.exception("outbox drain failed")
            finally:
                self._in_pass = False
                self._pass_done.set()
                self._pass_done = asyncio.Event()
            wait = self.idle_seconds
            try:
                nxt = await db(self.outbox.next_due_at)
            except Exception:
                log.exception("outbox look-up failed")
                nxt = None
            if nxt is not None:
                wait = min(wait, max(0.05, (nxt - self.clock.now()).total_seconds()))
            await self.wakeup.wait(wait)

    async def drain(self) -> int:
        """Send everything due now; returns how many rows were handled."""
        handled = 0
        while True:
            rows = await db(self.outbox.due, limit=50)
            if not rows:
                return handled
            for row in rows:
                await self._deliver(row)
                handled += 1
            if len(rows) < 50:
                return handled

    async def _deliver(self, row: Outgoing) -> None:
        limit_args: str | None = URGENT if row.priority <= URGENT_PRIORITY else BULK
        if getattr(self.bot, "rate_limiter", None) is None:
            limit_args = None  # PTB refuses rate_limit_args without a rate limiter
        try:
            message_id = await self._send(row, limit_args)
        except Forbidden as exc:
            await db(self.outbox.mark_failed, row.id, f"forbidden: {exc.message}")
            log.warning("delivery %s to chat %s refused: %s", row.id, row.chat_id, exc.message)
            await self._failed(row, "blocked")
        except BadRequest as exc:
            if "not modified" in exc.message:
                await db(self.outbox.mark_sent, row.id, row.edit_message_id)
                return
            await db(self.outbox.mark_failed, row.id, f"bad request: {exc.message}")
            log.error("delivery %s rejected: %s", row.id, exc.message)
            await self._failed(row, "rejected")
        except RetryAfter as exc:
            after = exc.retry_after
            seconds = after if isinstance(after, int | float) else after.total_seconds()
            await db(self.outbox.mark_retry, row.id, "flood limit", after=float(seconds))
        except (NetworkError, TelegramError) as exc:  # timeouts and 5xx
            if not await db(self.outbox.mark_retry, row.id, f"{type(exc).__name__}: {exc}"):
                await self._failed(row, "gave up")
        except Exception as exc:  # a bug must not wedge the queue: back off this row only
            log.exception("delivery %s failed unexpectedly", row.id)
            if not await db(self.outbox.mark_retry, row.id, f"{type(exc).__name__}: {exc}"):
                await self._failed(row, "gave up")
        else:
            await db(self.outbox.mark_sent, row.id, message_id)

    def _rendered(self, row: Outgoing) -> Rendered:
        """The row's words for its chat: the note rendered for the chat's audience."""
        if row.note is None:  # a row written before notes existed
            return Rendered(row.text, row.buttons)
        out = render(row.note, self.audience_of(row.chat_id))
        return out if row.buttons is None else Rendered(out.text, row.buttons)

    async def _send(self, row: Outgoing, limit_args: str | None) -> int | None:
        out = self._rendered(row)
        if row.method == "edit":
            text = split_message(out.text)[0] if len(out.text) > LIMIT else out.text
            await self.bot.edit_message_text(text, chat_id=row.chat_id,
                                             message_id=row.edit_message_id,
                                             reply_markup=markup(out.buttons))
            return row.edit_message_id
        chunks = split_message(out.text)
        sent = None
        for i, chunk in enumerate(chunks):
            last = i == len(chunks) - 1
            sent = await self.bot.send_message(
                row.chat_id, chunk, reply_markup=markup(out.buttons) if last else None,
                rate_limit_args=limit_args)
        return sent.message_id if sent is not None else None

    async def _failed(self, row: Outgoing, why: str) -> None:
        for hook in self.on_failed:
            try:
                await db(hook, row, why)
            except Exception:
                log.exception("delivery failure hook failed")
