"""Last-resort handlers: /cancel with nothing running, unknown commands, stray text."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.context import BotContext
from bot.permissions import Perm
from bot.services.staff.directory import Member
from bot.texts import common as texts
from handlers.access import guard
from handlers.replies import reply


@guard("cancel")
async def cancel_nothing(update: Update, context: BotContext, member: Member) -> None:
    """Answer /cancel when no dialogue is running."""
    await reply(update, texts.NOTHING_TO_CANCEL)


@guard(Perm.basic)
async def unknown_command(update: Update, context: BotContext, member: Member) -> None:
    """Point the user to /help for commands the bot does not have."""
    await reply(update, texts.UNKNOWN_COMMAND)


async def drop_edit(update: Update, context: BotContext) -> None:
    """An edited message is never handled again: bot/routes.py registers this before the
    gate, so an edit into `/urgent …` or `/handover …` runs nothing (the original did)."""
    raise ApplicationHandlerStop
