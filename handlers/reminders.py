"""Reminder buttons (`已处理`, `1小时后提醒`) and `/holidays`.

`rm1:done:<ticket_id>` asks what was done and records it in the ticket's history;
`rm1:snz:<ticket_id>:<kind>` reminds the presser once more in an hour.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ConversationHandler

from bot.callbackdata.kinds import ReminderDone, ReminderSnooze
from bot.context import BotContext
from bot.offload import db
from bot.permissions import Perm
from bot.services.reminders.records import ReminderError
from bot.services.staff.directory import Member
from bot.texts import holidays as holiday_texts
from bot.texts import reminders as texts
from bot.texts.escape import escape
from handlers.access import command_args, guard
from handlers.buttons import read, stale
from handlers.replies import reply

DONE_TEXT = 0
PENDING = "reminder_done_ticket"
DEFAULT_DAYS, MAX_DAYS = 30, 120


@guard(Perm.tickets)
async def on_done(update: Update, context: BotContext, member: Member) -> int:
    """`已处理`: ask for a short note of what was done."""
    query = update.callback_query
    assert query is not None
    press = read(update, ReminderDone)
    if press is None:
        await stale(query)
        return ConversationHandler.END
    ticket = await db(context.svc.tickets.get_by_id, press.ticket_id)
    if ticket is None:
        await query.answer(texts.STALE, show_alert=True)
        return ConversationHandler.END
    await query.answer()
    context.user_data[PENDING] = ticket.id  # type: ignore[index]
    await context.bot.send_message(query.from_user.id,
                                   texts.DONE_PROMPT.format(no=escape(ticket.platform_no)))
    return DONE_TEXT


@guard(Perm.tickets)
async def on_done_text(update: Update, context: BotContext, member: Member) -> int:
    """Record the note as a ticket event."""
    msg = update.effective_message
    ticket_id = context.user_data.get(PENDING)  # type: ignore[union-attr]
    if msg is None or ticket_id is None:
        return ConversationHandler.END
    try:
        t = await db(context.svc.reminders.done.record, ticket_id=ticket_id,
                     actor_id=member.telegram_id, note=msg.text or "")
    except ReminderError as exc:
        await reply(update, escape(texts.reminder_error(exc)))
        return DONE_TEXT
    context.user_data.pop(PENDING, None)  # type: ignore[union-attr]
    await reply(update, texts.DONE_RECORDED.format(no=escape(t.platform_no)))
    return ConversationHandler.END


async def cancel_done(update: Update, context: BotContext) -> int:
    context.user_data.pop(PENDING, None)  # type: ignore[union-attr]
    await reply(update, texts.DONE_CANCELLED)
    return ConversationHandler.END


async def done_timed_out(update: Update, context: BotContext) -> None:
    context.user_data.pop(PENDING, None)  # type: ignore[union-attr]
    if update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, texts.DONE_TIMEOUT)


@guard(Perm.ticket_view)
async def on_snooze(update: Update, context: BotContext, member: Member) -> None:
    """`1小时后提醒`: one more reminder to this person in an hour."""
    query = update.callback_query
    assert query is not None
    press = read(update, ReminderSnooze)
    if press is None:
        await stale(query)
        return
    try:
        until = await db(context.svc.reminders.snoozes.snooze, ticket_id=press.ticket_id,
                         kind=press.kind, chat_id=query.from_user.id)
    except ReminderError as exc:
        await query.answer(texts.reminder_error(exc), show_alert=True)
        return
    await query.answer(texts.snoozed(until, context.svc.clock.now()))


@guard("holidays")
async def holidays(update: Update, context: BotContext, member: Member) -> None:
    """`/holidays [天数]`: days off and make-up working days as the bot counts them."""
    args = command_args(context)
    span = DEFAULT_DAYS
    if args:
        if (len(args) != 1 or not (args[0].isascii() and args[0].isdigit())
                or not 1 <= int(args[0]) <= MAX_DAYS):
            await reply(update, holiday_texts.HOLIDAYS_USAGE)
            return
        span = int(args[0])
    watch = context.svc.reminders.holidays
    await db(watch.reload_if_changed)
    now = context.svc.clock.now()
    today = now.date()
    days = context.svc.calendar.upcoming(today, span)
    await reply(update, holiday_texts.holidays_view(days, watch.uncovered_years(today), now=now,
                                                    span=span))
