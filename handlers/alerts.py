"""Urgent alerts: /urgent, /alerts, /setsection and the 收到 / 暂缓 buttons (`al1:`)."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.context import BotContext
from bot.permissions import Perm
from bot.services.alerts.common import AlertError
from bot.services.alerts.service import AlertService
from bot.services.staff.directory import Member, StaffError, parse_telegram_id
from bot.services.timefmt import fmt_dt, fmt_duration
from bot.texts import alerts as texts
from bot.texts.admin import staff_error
from handlers.access import command_args, guard
from handlers.replies import chat_id_of, reply
from models.alert import Alert, AlertStatus


def _service(context: BotContext) -> AlertService:
    return context.svc.alerts


@guard("urgent")
async def urgent(update: Update, context: BotContext, member: Member) -> None:
    """Mark a ticket urgent (if needed) and alert the leaders at once."""
    args = command_args(context)
    if not args:
        await reply(update, texts.URGENT_USAGE)
        return
    service = _service(context)
    try:
        result = context.svc.urgent.urgent(platform_no=args[0], actor_id=member.telegram_id,
                                           note=" ".join(args[1:]))
    except AlertError as exc:
        await reply(update, str(exc))
        return
    a = result.alert
    if not result.new:
        state = texts.STATE_OPEN if a.snoozed_until is None else "暂缓中"
        await reply(update, texts.URGENT_ALREADY_OPEN.format(
            no=escape(result.ticket.platform_no), id=a.id, level=a.level + 1, state=state))
        return
    people = [r.name for r in result.recipients if not r.group]
    groups = [r.name for r in result.recipients if r.group]
    wait = fmt_duration(service.policy.wait(0)) if service.policy.last > 0 else None
    await reply(update, texts.urgent_raised(result.ticket.platform_no, result.ticket.urgency,
                                            people, groups, wait))


@guard("alerts")
async def alerts_list(update: Update, context: BotContext, member: Member) -> None:
    """List open (unacknowledged) alerts; `/alerts mine`: the alerts I acknowledged."""
    args = command_args(context)
    service, now = _service(context), context.svc.clock.now()
    if args and args[0].lower() in ("mine", "我的"):
        rows = [texts.mine_row(alert_id=a.id or 0, platform_no=no, urgency=a.urgency,
                               at=fmt_dt(a.acked_at, now) if a.acked_at else "?",
                               took=texts.took((a.acked_at - a.raised_at).total_seconds())
                               if a.acked_at else "?")
                for a, no in service.acked_by_member(member.telegram_id)]
        await reply(update, texts.mine_list(rows))
        return
    if args:
        await reply(update, texts.ALERTS_USAGE)
        return
    rows = []
    for a, no in service.live():
        if a.status == AlertStatus.acked.value:
            continue  # acknowledged: no longer open; `/alerts mine` shows a leader's own
        if a.status == AlertStatus.expired.value:
            state = texts.STATE_EXPIRED
        elif a.snoozed_until is not None:
            state = f"⏸ 暂缓至 {fmt_dt(a.snoozed_until, now)}"
        else:
            state = texts.STATE_OPEN
        rows.append(texts.alert_row(alert_id=a.id or 0, platform_no=no, urgency=a.urgency,
                                    level=max(a.level, 0) + 1,
                                    age=fmt_duration(now - a.raised_at), state=state))
    await reply(update, texts.alerts_list(rows))


@guard("setsection")
async def setsection(update: Update, context: BotContext, member: Member) -> None:
    """Set the commission section a leader heads (section leaders are alerted first)."""
    args = command_args(context)
    if len(args) < 2:
        await reply(update, texts.SETSECTION_USAGE)
        return
    try:
        tid = parse_telegram_id(args[0])
        target, section = _service(context).set_section(
            actor_id=member.telegram_id, telegram_id=tid, text=" ".join(args[1:]),
            chat_id=chat_id_of(update))
    except StaffError as exc:
        await reply(update, staff_error(exc))
        return
    template = texts.SECTION_SET if section else texts.SECTION_CLEARED
    await reply(update, template.format(name=escape(target.name), tid=tid,
                                        section=escape(section or "")))


@guard(Perm.ack)
async def on_button(update: Update, context: BotContext, member: Member) -> None:
    """收到 acknowledges; 暂缓 asks for a reason, then holds escalation."""
    query = update.callback_query
    assert query is not None and query.data is not None
    parts = query.data.split(":")
    service = _service(context)
    try:
        action, alert_id = parts[1], int(parts[2])
        if action == "ack":
            result = service.ack(alert_id=alert_id, actor_id=member.telegram_id)
            await query.answer(_ack_answer(service, result.alert, result.acknowledged,
                                           context), show_alert=not result.acknowledged)
        elif action == "snz":
            await _ask_reason(update, context, service, alert_id)
        elif action == "sr":
            reason = texts.SNOOZE_REASONS[int(parts[3])]
            a = service.snooze(alert_id=alert_id, actor_id=member.telegram_id, reason=reason)
            assert a.snoozed_until is not None
            done = texts.SNOOZE_DONE.format(until=fmt_dt(a.snoozed_until,
                                                         context.svc.clock.now()),
                                            reason=escape(reason))
            await query.answer(done)
            await query.edit_message_text(done)
        else:
            raise IndexError(action)
    except AlertError as exc:
        await query.answer(str(exc), show_alert=True)
    except (IndexError, ValueError):
        await query.answer(texts.SNOOZE_EXPIRED, show_alert=True)


def _ack_answer(service: AlertService, a: Alert, acknowledged: bool,
                context: BotContext) -> str:
    if acknowledged:
        return texts.ACK_OK
    if a.acked_by is not None and a.acked_at is not None:
        return texts.ACK_ALREADY.format(name=service.name_of(a.acked_by),
                                        at=fmt_dt(a.acked_at, context.svc.clock.now()))
    return texts.ACK_ENDED


async def _ask_reason(update: Update, context: BotContext, service: AlertService,
                      alert_id: int) -> None:
    query = update.callback_query
    assert query is not None and query.message is not None
    a = service.get(alert_id)
    if a is None or a.status != AlertStatus.open.value:
        await query.answer(texts.ACK_ENDED if a is None or a.acked_by is None else
                           _ack_answer(service, a, False, context), show_alert=True)
        return
    await query.answer()
    markup = InlineKeyboardMarkup([[InlineKeyboardButton(r, callback_data=f"al1:sr:{alert_id}:{i}")
                                    for i, r in enumerate(texts.SNOOZE_REASONS[:2])],
                                   [InlineKeyboardButton(r, callback_data=f"al1:sr:{alert_id}:{i}")
                                    for i, r in enumerate(texts.SNOOZE_REASONS[2:], start=2)]])
    minutes = int(service.snooze_for.total_seconds() // 60)
    await query.message.reply_text(texts.SNOOZE_ASK.format(minutes=minutes),  # type: ignore[union-attr]
                                   reply_markup=markup)
