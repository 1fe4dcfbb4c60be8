"""The one error handler: log with the traceback, tell admins briefly, apologise to the user.

Admins hear of each distinct error (its type and the line that raised it) at most once an
hour; the next notice says how many times it happened meanwhile. So a user who can trigger
an error (by whatever input) cannot flood the admins' chats, and a real fault is still seen.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from telegram import Update
from telegram.error import TelegramError

from bot.clock import Clock
from bot.context import BotContext
from bot.texts import common as texts
from bot.texts.escape import escape
from models.staff import Role

log = logging.getLogger(__name__)
NOTICE_EVERY = timedelta(hours=1)
_MAX_KINDS = 200  # distinct errors remembered (the oldest is forgotten first)


@dataclass
class _Seen:
    noticed_at: datetime
    held: int = 0  # occurrences since that notice that were not told


class AdminNotices:
    """Decides which errors the admins are told about: one notice per distinct error per
    `every`, carrying the count of the ones held back since the previous notice."""

    def __init__(self, clock: Clock, every: timedelta = NOTICE_EVERY) -> None:
        self.clock, self.every = clock, every
        self._seen: OrderedDict[str, _Seen] = OrderedDict()

    def admit(self, key: str) -> int | None:
        """None: hold this one back; else tell, with this many held back since last time."""
        now = self.clock.now()
        seen = self._seen.get(key)
        if seen is not None and now - seen.noticed_at < self.every:
            seen.held += 1
            return None
        held = seen.held if seen is not None else 0
        self._seen[key] = _Seen(now)
        self._seen.move_to_end(key)
        while len(self._seen) > _MAX_KINDS:
            self._seen.popitem(last=False)
        return held


def error_key(err: BaseException | None) -> str:
    """The error's type and the place that raised it (not its message, which may hold ids
    a user chose)."""
    tb = err.__traceback__ if err is not None else None
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    where = f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}" if tb is not None else "?"
    return f"{type(err).__name__}@{where}"


class ErrorHandler:
    """`Application.add_error_handler(ErrorHandler(clock).on_error)` (bot/app.py)."""

    def __init__(self, clock: Clock, every: timedelta = NOTICE_EVERY) -> None:
        self.notices = AdminNotices(clock, every)

    async def on_error(self, update: object, context: BotContext) -> None:
        """Log the failure without the update's content (it may hold personal data)."""
        err = context.error
        kind = type(update).__name__
        if isinstance(update, Update):
            kind = "callback" if update.callback_query else \
                "message" if update.message else "other"
        log.error("error while handling %s update", kind, exc_info=err)
        held = self.notices.admit(error_key(err))
        if held is not None:
            await _tell_admins(context, err, kind, held)
        if isinstance(update, Update):
            await _apologise(update)


async def _tell_admins(context: BotContext, err: BaseException | None, kind: str,
                       held: int) -> None:
    summary = escape(f"{type(err).__name__}: {err}")[:500]
    text = texts.ERROR_ADMIN.format(error=summary, kind=kind)
    if held:
        text += texts.ERROR_ADMIN_REPEATS.format(count=held)
    for admin in context.svc.staff.active(Role.admin):
        try:
            await context.bot.send_message(admin.telegram_id, text)
        except TelegramError:
            log.warning("could not tell admin %s about an error", admin.telegram_id)


async def _apologise(update: Update) -> None:
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(texts.ERROR, show_alert=True)
        elif update.effective_message is not None:
            await update.effective_message.reply_text(texts.ERROR)
    except TelegramError:
        pass
