"""Urgent alerts: /urgent, /alerts, /setsection, the 收到 / 暂缓 buttons (`al1:`) and the deep
links of channel messages (`/start ack_<token>`)."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.callbackdata.codec import parse
from bot.callbackdata.kinds import ACK, AlertPress, AlertReason
from bot.context import BotContext
from bot.offload import db
from bot.permissions import Perm, allowed
from bot.services.alerts.common import may_ack
from bot.services.alerts.errors import AlertError, LinkInvalid
from bot.services.alerts.service import AlertService
from bot.services.staff.directory import Member, StaffError, parse_telegram_id
from bot.texts import alerts as texts
from bot.texts.admin import staff_error
from bot.texts.render import render
from handlers.access import command_args, guard
from handlers.buttons import read, stale
from handlers.delivery import markup
from handlers.replies import chat_id_of, is_group, reply


def _service(context: BotContext) -> AlertService:
    return context.svc.alerts


@guard("urgent")
async def urgent(update: Update, context: BotContext, member: Member) -> None:
    """Mark a ticket urgent (if needed) and alert the leaders at once."""
    args = command_args(context)
    if not args:
        await reply(update, texts.URGENT_USAGE)
        return
    try:
        result = await db(context.svc.urgent.urgent, platform_no=args[0],
                          actor_id=member.telegram_id, note=" ".join(args[1:]))
    except AlertError as exc:
        await reply(update, texts.error(exc))
        return
    await reply(update, texts.urgent_reply(result))


@guard("alerts")
async def alerts_list(update: Update, context: BotContext, member: Member) -> None:
    """List open (unacknowledged) alerts; `/alerts mine`: the alerts I acknowledged. Someone
    who may press 收到 gets each waiting alert again, with its buttons, in private."""
    args = command_args(context)
    service, now = _service(context), context.svc.clock.now()
    if args and args[0].lower() in ("mine", "我的"):
        acked = await db(service.acked_by_member, member.telegram_id)
        await reply(update, texts.mine_list(acked, now))
    elif args:
        await reply(update, texts.ALERTS_USAGE)
    else:
        waiting = await db(service.waiting_alerts) \
            if may_ack(member.role) and not is_group(update) else []
        live = await db(service.live)
        await reply(update, texts.alerts_list(live, now, sent_again=len(waiting)))
        await db(service.send_again, waiting, member.telegram_id, "list")


@guard("setsection")
async def setsection(update: Update, context: BotContext, member: Member) -> None:
    """Set the commission section a leader heads (section leaders are alerted first)."""
    args = command_args(context)
    if len(args) < 2:
        await reply(update, texts.SETSECTION_USAGE)
        return
    try:
        tid = parse_telegram_id(args[0])
        target, section = await db(
            _service(context).set_section, actor_id=member.telegram_id, telegram_id=tid,
            text=" ".join(args[1:]), chat_id=chat_id_of(update))
    except StaffError as exc:
        await reply(update, staff_error(exc))
        return
    except AlertError as exc:
        await reply(update, texts.error(exc))
        return
    await reply(update, texts.section_done(target, tid, section))


@guard(Perm.ack)
async def on_button(update: Update, context: BotContext, member: Member) -> None:
    """收到 acknowledges; 暂缓 asks for a reason, then holds escalation."""
    query = update.callback_query
    assert query is not None
    press, reason = read(update, AlertPress), read(update, AlertReason)
    if reason is not None and reason.reason >= len(texts.SNOOZE_REASONS):
        reason = None
    if press is None and reason is None:
        await stale(query)
        return
    alert_id = press.alert_id if press is not None else reason.alert_id  # type: ignore[union-attr]
    try:
        # whose press counts: bot/services/alerts/presses.py
        await db(_service(context).check_press, alert_id, actor_id=member.telegram_id,
                 chat_id=chat_id_of(update) or member.telegram_id)
        if press is not None and press.action == ACK:
            await _ack(update, context, member, press)
        elif press is not None:
            await db(_service(context).check_snoozable, press.alert_id)
            assert query.message is not None
            await query.answer()
            await query.message.reply_text(  # type: ignore[union-attr]
                texts.snooze_ask(_service(context).snooze_for),
                reply_markup=markup(texts.reason_buttons(press.alert_id)))
        elif reason is not None:
            await _snooze(update, context, member, reason)
    except AlertError as exc:
        await query.answer(texts.error(exc), show_alert=True)


async def _ack(update: Update, context: BotContext, member: Member, press: AlertPress) -> None:
    query = update.callback_query
    assert query is not None
    result = await db(_service(context).ack, alert_id=press.alert_id,
                      actor_id=member.telegram_id)
    await query.answer(texts.ack_answer(result, context.svc.clock.now()),
                       show_alert=not result.acknowledged)
    if press.loose:  # not an alert copy: the outbox will not edit it, so do it here
        await _drop_alert_buttons(query)


async def _snooze(update: Update, context: BotContext, member: Member,
                  press: AlertReason) -> None:
    query = update.callback_query
    assert query is not None
    reason, now = texts.SNOOZE_REASONS[press.reason], context.svc.clock.now()
    a = await db(_service(context).snooze, alert_id=press.alert_id,
                 actor_id=member.telegram_id, reason=reason)
    assert a.snoozed_until is not None
    done = texts.snooze_done(a.snoozed_until, reason, now)
    await query.answer(done)
    await query.edit_message_text(done)


async def _drop_alert_buttons(query: CallbackQuery) -> None:
    """Take 收到/暂缓 off a message that is not an alert copy (a /t card), keep the rest."""
    markup = getattr(query.message, "reply_markup", None)
    if markup is None:
        return
    rows = [[b for b in row if parse(str(b.callback_data or ""), AlertPress) is None]
            for row in markup.inline_keyboard]
    kept = [row for row in rows if row]
    try:
        await query.edit_message_reply_markup(InlineKeyboardMarkup(kept) if kept else None)
    except BadRequest as exc:  # e.g. an old message that can no longer be edited
        if "not modified" not in str(exc):
            raise


async def open_link(update: Update, context: BotContext, member: Member, token: str) -> None:
    """`/start ack_<token>`: show the alert a channel message linked to, with 收到/暂缓 (the
    buttons acknowledge as on any copy). Only leaders, managers and admins; a personal link
    only for its person."""
    if not allowed(member.role, Perm.ack):
        await reply(update, texts.LINK_NOT_FOR_ROLE)
        return
    try:
        if not token:
            raise LinkInvalid()
        note = await db(_service(context).open_link, token, member.telegram_id)
    except AlertError as exc:
        await reply(update, texts.error(exc))
        return
    shown = render(note, context.courier.audience_of(member.telegram_id))
    await reply(update, shown.text, reply_markup=markup(shown.buttons))
