"""The courier: sends what the outbox holds, with retries, and records the outcome.

One lane per chat (``bot.lanes.LaneSet``), so a chat that is rate-limited, failing or slow
to answer holds up nobody else. A dispatcher wakes when something is enqueued (the outbox
rings the shared :class:`Wakeup`, so an urgent alert leaves at once) or when a row falls due,
and starts the lanes of the chats with due rows, the most urgent first; each lane sends its
chat's rows in order, urgent first. The flood limits (30/s overall, 1/s per chat, 20/min per
group) are paced by the bot's rate limiter (``bot.ratelimit``), urgent sends before bulk ones.

A row's note is rendered here, at send time, for the audience of the chat it goes to
(``bot.texts.render``). Outcomes, recorded on the row:

- sent: done. Forbidden / a bad request: failed for good, the listeners the composition
  root passed in are told (e.g. the alert service tells the managers).
- 429: Telegram's ``retry_after`` holds this chat's lane and every pending row of the chat
  (``next_attempt_at``, on the bot's clock, so a restart keeps it); other chats go on.
- 5xx, network errors: backed off through the database, so a restart resumes them.
- timed out: sends wait ``send_timeout`` (30 s) for an answer, far above the Bot API's usual
  answer time, so a slow answer is not mistaken for a lost one and sent twice. When even that
  passes, the message may or may not have arrived; the row says so and is sent again:
  delivery is exactly once except for a send whose answer was lost, which is at least once.
  A row is claimed before it is sent, so a process stopped mid-send resends it at the next
  start (``Outbox.release_claims``) for the same reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

import httpx
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.clock import Clock
from bot.failures import log_failure
from bot.lanes import LaneSet
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
T = TypeVar("T")
BATCH = 50
SEND_TIMEOUT = 30.0  # seconds a send waits for Telegram's answer (PTB's default: 5)
NOT_SENT = (httpx.ConnectTimeout, httpx.PoolTimeout)  # timed out before the request left


def markup(buttons: Buttons | None) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)
                                  for label, data in row] for row in buttons])


class Courier:
    def __init__(self, bot: Any, *, outbox: Outbox, clock: Clock, wakeup: Wakeup,
                 audience_of: Callable[[int], Audience], on_failed: Sequence[FailureHook],
                 idle_seconds: float, send_timeout: float = SEND_TIMEOUT) -> None:
        self.bot, self.outbox, self.clock, self.wakeup = bot, outbox, clock, wakeup
        self.audience_of = audience_of
        self.on_failed = tuple(on_failed)
        self.idle_seconds, self.send_timeout = idle_seconds, send_timeout
        self._task: asyncio.Task[None] | None = None
        self._lanes: LaneSet[int] = LaneSet(label="telegram", drain=self.drain_chat,
                                            next_wait=self._lane_done, on_pass=self._tick)
        self._held: dict[int, datetime] = {}  # chat -> not before (Telegram's retry_after)
        self._in_pass = False  # the dispatcher is looking for due chats
        self._progress = asyncio.Event()  # replaced after every pass; see `drained`

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
        await self._lanes.stop()

    async def _db(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Every database call of the courier goes through here, off the event loop."""
        return await db(fn, *args, **kwargs)

    async def drained(self) -> None:
        """Return once nothing due is pending and no send is in flight.

        For tests: after moving the clock or injecting an update they await this instead of
        waiting for a quiet period. It does not send anything itself; it waits for the
        background courier's passes (so a courier that is never woken shows up as a hang),
        and checks "nothing due" with the same query a lane uses.
        """
        while True:
            progress = self._progress  # taken first: a pass ending meanwhile is not missed
            if not (self._in_pass or self._lanes.busy()
                    or await self._db(self.outbox.due, limit=BATCH)):
                return
            if self._task is None or self._task.done():
                raise RuntimeError("the courier is not running")
            await progress.wait()

    def _tick(self) -> None:
        self._progress.set()
        self._progress = asyncio.Event()

    async def _run(self) -> None:
        try:
            released = await self._db(self.outbox.release_claims)
        except Exception:
            log.exception("outbox: could not release the last run's claims")
            released = 0
        if released:
            log.warning("courier: %d message(s) in flight at the last stop are sent again "
                        "(they may arrive twice)", released)
        while True:
            self._in_pass = True
            try:
                for chat_id in await self._db(self.outbox.chats_due):
                    self._lanes.wake(chat_id)
            except Exception as exc:  # keep the courier alive whatever the database does
                log_failure(log, "outbox look-up failed", exc)
            finally:
                self._in_pass = False
                self._tick()
            await self.wakeup.wait(await self._idle_wait())

    async def _idle_wait(self) -> float:
        """Until the next row that is not due yet falls due (a retry, a held chat), at most
        ``idle_seconds``; rows due now are the lanes' business."""
        try:
            nxt = await self._db(self.outbox.next_due_at, after=self.clock.now())
        except Exception as exc:
            log_failure(log, "outbox look-up failed", exc)
            return self.idle_seconds
        if nxt is None:
            return self.idle_seconds
        return min(self.idle_seconds, max(0.05, (nxt - self.clock.now()).total_seconds()))

    async def _lane_done(self, chat_id: int) -> float | None:
        """A lane ends once its chat has nothing due; the dispatcher restarts it when a row
        is enqueued or falls due."""
        return None

    async def drain(self) -> int:
        """Send everything due now, chat by chat; returns how many chats had rows due."""
        chats = await self._db(self.outbox.chats_due)
        for chat_id in chats:
            await self.drain_chat(chat_id)
        return len(chats)

    async def drain_chat(self, chat_id: int) -> None:
        """Send the chat's due rows, urgent first, until none is due or Telegram says wait."""
        while True:
            held = self._held_until(chat_id)
            if held is not None:
                await self._db(self.outbox.defer_chat, chat_id, held)
                return
            rows = await self._db(self.outbox.due, chat_id=chat_id, limit=BATCH)
            if not rows:
                return
            for row in rows:
                if self._held_until(chat_id) is not None:
                    break
                await self._deliver(row)

    def _held_until(self, chat_id: int) -> datetime | None:
        until = self._held.get(chat_id)
        if until is not None and until <= self.clock.now():
            del self._held[chat_id]
            return None
        return until

    async def _deliver(self, row: Outgoing) -> None:
        if not await self._db(self.outbox.claim, row.id):
            return  # cancelled meanwhile (an acknowledgement)
        limit_args: str | None = URGENT if row.priority <= URGENT_PRIORITY else BULK
        if getattr(self.bot, "rate_limiter", None) is None:
            limit_args = None  # PTB refuses rate_limit_args without a rate limiter
        try:
            message_id = await self._send(row, limit_args)
        except RetryAfter as exc:  # this chat, and only it, waits
            await self._db(self._record_hold, row, self._hold(row.chat_id, exc))
        except Exception as exc:
            await self._db(self._record_error, row, exc)
        else:
            await self._db(self.outbox.mark_sent, row.id, message_id)

    def _hold(self, chat_id: int, exc: RetryAfter) -> datetime:
        """429: the chat's lane waits Telegram's ``retry_after`` on the bot's clock."""
        after = exc.retry_after
        seconds = float(after if isinstance(after, int | float) else after.total_seconds())
        until = self.clock.now() + timedelta(seconds=seconds)
        self._held[chat_id] = until = max(until, self._held.get(chat_id, until))
        log.info("flood limit on chat %s: its messages wait %.0fs", chat_id, seconds)
        return until

    def _record_hold(self, row: Outgoing, until: datetime) -> None:
        """The held chat's rows wait too, recorded so a restart keeps Telegram's word."""
        seconds = max(0.0, (until - self.clock.now()).total_seconds())
        if not self.outbox.mark_retry(row.id, "flood limit", after=seconds):
            self._failed(row, "gave up")
        self.outbox.defer_chat(row.chat_id, until)

    def _record_error(self, row: Outgoing, exc: Exception) -> None:
        """The row's outcome after a failed send (runs with the other database work)."""
        if isinstance(exc, Forbidden):
            self.outbox.mark_failed(row.id, f"forbidden: {exc.message}")
            log.warning("delivery %s to chat %s refused: %s", row.id, row.chat_id, exc.message)
            self._failed(row, "blocked")
        elif isinstance(exc, BadRequest):
            if "not modified" in exc.message:
                self.outbox.mark_sent(row.id, row.edit_message_id)
                return
            self.outbox.mark_failed(row.id, f"bad request: {exc.message}")
            log.error("delivery %s rejected: %s", row.id, exc.message)
            self._failed(row, "rejected")
        elif isinstance(exc, TimedOut):
            self._timed_out(row, exc)
        elif isinstance(exc, NetworkError | TelegramError):  # 5xx, connection errors
            if not self.outbox.mark_retry(row.id, f"{type(exc).__name__}: {exc}"):
                self._failed(row, "gave up")
        else:  # a bug must not wedge the lane: back off this row only
            log.error("delivery %s failed unexpectedly", row.id, exc_info=exc)
            if not self.outbox.mark_retry(row.id, f"{type(exc).__name__}: {exc}"):
                self._failed(row, "gave up")

    def _timed_out(self, row: Outgoing, exc: TimedOut) -> None:
        """No answer within ``send_timeout``. Unless the request never left, Telegram may have
        delivered it: the row records that, and is sent again (at least once)."""
        never_left = isinstance(exc.__cause__, NOT_SENT)
        error = "timed out before sending" if never_left else "timed out: may have arrived"
        if not never_left:
            log.warning("delivery %s to chat %s: no answer within %.0fs; sending it again, it "
                        "may arrive twice", row.id, row.chat_id, self.send_timeout)
        if not self.outbox.mark_retry(row.id, error):
            self._failed(row, "gave up")

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
                                             reply_markup=markup(out.buttons),
                                             read_timeout=self.send_timeout,
                                             write_timeout=self.send_timeout)
            return row.edit_message_id
        chunks = split_message(out.text)
        sent = None
        for i, chunk in enumerate(chunks):
            last = i == len(chunks) - 1
            sent = await self.bot.send_message(
                row.chat_id, chunk, reply_markup=markup(out.buttons) if last else None,
                rate_limit_args=limit_args, read_timeout=self.send_timeout,
                write_timeout=self.send_timeout)
        return sent.message_id if sent is not None else None

    def _failed(self, row: Outgoing, why: str) -> None:
        """Tell the listeners; called from the courier's database work (a worker thread)."""
        for hook in self.on_failed:
            try:
                hook(row, why)
            except Exception:
                log.exception("delivery failure hook failed")
