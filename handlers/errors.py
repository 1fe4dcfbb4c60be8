"""The one error handler: log with the traceback, tell admins briefly, apologise to the user."""

from __future__ import annotations

import logging
from html import escape

from telegram import Update
from telegram.error import TelegramError

from bot.context import BotContext
from bot.texts import common as texts
from models.staff import Role

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    """Log the failure without the update's content (it may hold personal data)."""
    err = context.error
    kind = type(update).__name__
    if isinstance(update, Update):
        kind = "callback" if update.callback_query else "message" if update.message else "other"
    log.error("error while handling %s update", kind, exc_info=err)
    summary = escape(f"{type(err).__name__}: {err}")[:500]
    for admin in context.svc.staff.active(Role.admin):
        try:
            await context.bot.send_message(admin.telegram_id,
                                           texts.ERROR_ADMIN.format(error=summary, kind=kind))
        except TelegramError:
            log.warning("could not tell admin %s about an error", admin.telegram_id)
    if isinstance(update, Update):
        try:
            if update.callback_query is not None:
                await update.callback_query.answer(texts.ERROR, show_alert=True)
            elif update.effective_message is not None:
                await update.effective_message.reply_text(texts.ERROR)
        except TelegramError:
            pass
