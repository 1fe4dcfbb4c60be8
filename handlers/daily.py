"""/daily [date]: the daily post on demand, rendered for the chat that asked (masked in the
group)."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.offload import db
from bot.services.roster.errors import RosterError
from bot.services.staff.directory import Member
from bot.texts import roster as texts
from bot.texts.render import render
from handlers.access import command_args, guard
from handlers.replies import chat_id_of, reply


@guard("daily")
async def daily(update: Update, context: BotContext, member: Member) -> None:
    """Today's daily post as of now, or a past day's as of its posting time."""
    svc = context.svc
    args = command_args(context)
    if len(args) > 1:
        await reply(update, texts.DAILY_USAGE)
        return
    try:
        note = await db(svc.duty.daily_on_demand, args[0] if args else None, svc.clock.now())
    except RosterError as exc:
        await reply(update, texts.daily_refused(exc))
        return
    chat_id = chat_id_of(update)
    audience = context.courier.audience_of(chat_id if chat_id is not None else member.telegram_id)
    await reply(update, render(note, audience).text)
