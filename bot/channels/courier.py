"""The channel courier: sends the outbox's channel rows (WeCom, DingTalk, Feishu, SMS, voice,
e-mail), apart from the Telegram courier (`handlers/delivery.py`), which never sees them.

Every channel is a lane of its own (``bot.lanes.LaneSet``, as the Telegram courier's chats
are) — one task that drains that channel's due rows — so a vendor answering 5xx or not
answering at all delays no other channel. A lane wakes when the
outbox rings the channel doorbell (a row was queued), when its next retry falls due, or every
``idle_seconds``. For each row it:

1. respects the channel's rate limit (``limits``): over it, the row is deferred, not slept on;
2. claims the row (``pending`` → ``sending``): a row cancelled meanwhile by a 收到 is skipped;
3. renders the note for ``Audience.CHANNEL`` at send time, with the deep link made from the
   bot's username (known from getMe at start);
4. sends it through ``Senders`` and records the outcome on the row (sent / retried with
   exponential back-off / failed) and in the ``ChannelLedger``; a channel that keeps failing
   is reported to the listeners once per run of failures (the managers are told), and the
   escalation goes on regardless.

Logs name the channel and the row, never a URL, key, phone or address.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence

from bot.channels.config import ChannelsConfig
from bot.channels.ledger import ChannelLedger, Down
from bot.channels.limits import WINDOW, RateWindow, per_minute
from bot.channels.senders import ChannelMessage, Outcome, Senders
from bot.clock import Clock
from bot.failures import log_failure
from bot.lanes import LaneSet
from bot.services.outbox.lanes import ChannelRow, ChannelRows
from bot.services.outbox.notes import ChannelNote
from bot.services.outbox.wakeup import Wakeup
from bot.texts.audience import Audience
from bot.texts.render import render

log = logging.getLogger(__name__)

BATCH = 20
DownListener = Callable[..., None]  # (channel=, detail=, failures=, since=, ref=)


def deep_link(username: str, start: str) -> str:
    return f"https://t.me/{username}?start={start}"


class ChannelCourier:
    def __init__(self, *, rows: ChannelRows, senders: Senders, ledger: ChannelLedger,
                 clock: Clock, wakeup: Wakeup, config: ChannelsConfig,
                 on_down: Sequence[DownListener], username: Callable[[], str | None],
                 idle_seconds: float, send_timeout: float = 60.0) -> None:
        self.rows, self.senders, self.ledger = rows, senders, ledger
        self.clock, self.wakeup, self.config = clock, wakeup, config
        self.on_down = tuple(on_down)
        self.username = username  # the bot's @username, for the deep links
        self.idle_seconds, self.send_timeout = idle_seconds, send_timeout
        self._lanes: LaneSet[str] = LaneSet(label="channel", drain=self.drain,
                                            next_wait=self._next_wait)
        self._windows: dict[str, RateWindow] = {}
        self._task: asyncio.Task[None] | None = None

    # ------------------------------------------------------------------ life cycle
    def start(self) -> None:
        self.wakeup.bind()
        self._task = asyncio.get_running_loop().create_task(self._run(),
                                                            name="channel courier")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._lanes.stop()
        self._windows.clear()
        await self.senders.close()

    def kick(self) -> None:
        self.wakeup.ring()

    async def _run(self) -> None:
        """Wake the lanes whenever the doorbell rings (or every idle_seconds)."""
        released = await asyncio.to_thread(self.rows.release_claims)
        if released:
            log.warning("channel courier: %d message(s) in hand at the last stop are resent",
                        released)
        while True:
            try:
                names = set(self.config.names())
                names |= await asyncio.to_thread(self.rows.channels_pending)
                for name in sorted(names):
                    self._lanes.wake(name)
            except Exception as exc:  # keep the courier alive whatever the database does
                log_failure(log, "channel courier: look-up failed", exc)
            await self.wakeup.wait(self.idle_seconds)

    async def _window(self, channel: str) -> RateWindow:
        """The lane's rate window, seeded with the channel's sends of the last minute."""
        window = self._windows.get(channel)
        if window is None:
            since = self.clock.now() - WINDOW
            sent = await asyncio.to_thread(self.rows.sent_since, channel, since)
            window = self._windows[channel] = RateWindow(per_minute(self.config, channel), sent)
        return window

    async def _next_wait(self, channel: str) -> float:
        """A channel's lane stays: it looks again when its next retry falls due, or every
        ``idle_seconds``."""
        wait = self.idle_seconds
        with contextlib.suppress(Exception):
            nxt = await asyncio.to_thread(self.rows.next_due_at, channel)
            if nxt is not None:
                wait = min(wait, max(0.05, (nxt - self.clock.now()).total_seconds()))
        return wait

    # ------------------------------------------------------------------ one lane's work
    async def drain(self, channel: str) -> int:
        """Send the channel's due rows; returns how many were handled."""
        window = await self._window(channel)
        handled = 0
        while True:
            rows = await asyncio.to_thread(self.rows.due, channel, limit=BATCH)
            for row in rows:
                await self._one(window, row)
                handled += 1
            if len(rows) < BATCH:
                return handled

    async def _one(self, window: RateWindow, row: ChannelRow) -> None:
        now = self.clock.now()
        until = window.next_free(now)
        if until is not None:  # over the vendor's limit: later, without an attempt
            await asyncio.to_thread(self.rows.defer, row.id, until)
            return
        if not await asyncio.to_thread(self.rows.claim, row.id):
            return  # cancelled (收到) or taken meanwhile
        window.take(now)
        outcome = await self._send(row)
        await self._record(row, outcome)

    async def _send(self, row: ChannelRow) -> Outcome:
        try:
            message = self.message(row)
            return await asyncio.wait_for(
                self.senders.send(row.channel, row.destination, message), self.send_timeout)
        except TimeoutError:
            return Outcome(False, retryable=True, detail="timeout")
        except Exception as exc:  # a bug must not wedge the lane: back off this row only
            log.exception("channel %s: message %s failed unexpectedly", row.channel, row.id)
            return Outcome(False, retryable=True, detail=type(exc).__name__)

    def message(self, row: ChannelRow) -> ChannelMessage:
        """The row's note in words for its channel, with the deep link filled in."""
        note = row.note
        if not isinstance(note, ChannelNote):
            raise TypeError(f"not a channel note: {type(note).__name__}")
        username = self.username() if note.start else None
        if username:
            note = note.model_copy(update={"link": deep_link(username, note.start)})
        out = render(note, Audience.CHANNEL)
        return ChannelMessage(text=out.text, subject=out.subject, ticket=note.ticket,
                              mobiles=note.mentions)

    async def _record(self, row: ChannelRow, outcome: Outcome) -> None:
        permanent = False
        if outcome.ok:
            await asyncio.to_thread(self.rows.sent, row.id)
            log.info("channel %s: message %s sent", row.channel, row.id)
        elif outcome.retryable:
            again = await asyncio.to_thread(self.rows.retry, row.id, outcome.detail)
            permanent = not again
            log.warning("channel %s: message %s not sent (%s)%s", row.channel, row.id,
                        outcome.detail, "; will retry" if again else "; gave up")
        else:
            permanent = True
            await asyncio.to_thread(self.rows.failed, row.id, outcome.detail)
            log.error("channel %s: message %s refused (%s)", row.channel, row.id,
                      outcome.detail)
        down = await asyncio.to_thread(self.ledger.record, row.channel, ok=outcome.ok,
                                       detail=outcome.detail, permanent=permanent)
        if down is not None:
            await asyncio.to_thread(self._tell, down, row.ref)

    def _tell(self, down: Down, ref: str) -> None:
        for listener in self.on_down:
            try:
                listener(channel=down.channel, detail=down.detail, failures=down.failures,
                         since=down.since, ref=ref)
            except Exception:
                log.exception("channel failure listener failed")
