"""/daily [date]: the daily post on demand (masked in the group)."""

from __future__ import annotations

from datetime import datetime

from telegram import Update

from bot.context import BotContext
from bot.services.roster.digest import build_daily
from bot.services.roster.errors import RosterError
from bot.services.roster.model import parse_date
from bot.services.staff.directory import Member
from bot.texts import roster as texts
from handlers.access import command_args, guard
from handlers.replies import is_group, reply


@guard("daily")
async def daily(update: Update, context: BotContext, member: Member) -> None:
    """Today's daily post as of now, or a past day's as of its posting time."""
    svc = context.svc
    roster = svc.roster
    args = command_args(context)
    now = svc.clock.now().astimezone(roster.config.tz)
    if len(args) > 1:
        await reply(update, texts.DAILY_USAGE)
        return
    try:
        day = parse_date(args[0], now.date()) if args else now.date()
    except RosterError as exc:
        await reply(update, f"{texts.error(exc)}\n{texts.DAILY_USAGE}")
        return
    if day > now.date():
        await reply(update, texts.DAILY_FUTURE)
        return
    as_of = now if day == now.date() else datetime.combine(
        day, svc.duty.daily_at, tzinfo=roster.config.tz)
    text = build_daily(engine=svc.engine, roster=roster, day=day, as_of=as_of,
                       masked=is_group(update), alerts=getattr(svc, "alerts", None),
                       reminders=getattr(svc, "reminders", None))
    await reply(update, text)
