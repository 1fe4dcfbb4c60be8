"""Ticket cards and lists: /t, /mine, /open, /overdue, /find, and their page buttons."""

from __future__ import annotations

from telegram import Update

from bot.callbackdata.kinds import PagePress
from bot.context import BotContext
from bot.offload import db
from bot.permissions import Perm
from bot.services.alerts.common import may_ack
from bot.services.staff.directory import Member
from bot.services.tickets.errors import TicketError
from bot.texts import tickets as texts
from bot.texts.audience import Audience
from bot.texts.escape import escape
from handlers.access import guard
from handlers.buttons import read, stale
from handlers.compliance_tickets import compliance_card
from handlers.keyboards import pager, ticket_actions, with_alert_buttons
from handlers.replies import audience_of, reply

PAGE_SIZE = 10


def card_for(context: BotContext, ticket_id: int, *, audience: Audience,
             viewer: Member | None = None) -> tuple[str, object] | None:
    """The card text and its action buttons, or None when the ticket is gone (it reads the
    database: handlers call it through ``bot.offload.db``). The card lists
    its attachments, and is masked for every `audience` but the staff handling tickets (a
    group, a leader in private). A `viewer`, in private, sees the buttons of the ticket's
    alert waiting for them (if they may press 收到 and the alert was sent to them) and, as a
    manager, the 标记失误 button."""
    svc = context.svc
    t = svc.tickets.get_by_id(ticket_id)
    if t is None:
        return None
    events = svc.tickets.events(ticket_id, limit=4)
    names = {m.telegram_id: m.name for m in svc.staff.all()}
    masked = audience.masked
    text = texts.render_card(t, events, now=svc.clock.now(), masked=masked, names=names)
    markup = ticket_actions(ticket_id, t.status)
    if viewer is not None and audience is not Audience.GROUP and may_ack(viewer.role):
        alert = svc.alerts.waiting_alert(ticket_id)
        if alert is not None and alert.id is not None and svc.alerts.is_recipient(
                alert.id, actor_id=viewer.telegram_id, chat_id=viewer.telegram_id):
            markup = with_alert_buttons(markup, alert.id)
    return compliance_card(context, t, text, markup, masked=masked, viewer=viewer)


@guard("t")
async def show_ticket(update: Update, context: BotContext, member: Member) -> None:
    """Show one ticket's card with the buttons for its next actions."""
    args = context.args or []
    if len(args) != 1:
        await reply(update, texts.T_USAGE)
        return
    t = await db(context.svc.tickets.get, args[0])
    if t is None:
        await reply(update, texts.T_NOT_FOUND.format(no=escape(args[0])))
        return
    assert t.id is not None
    text, markup = await db(card_for, context, t.id,  # type: ignore[misc]
                            audience=audience_of(update, context), viewer=member)
    await reply(update, text, reply_markup=markup)


async def _send_list(update: Update, context: BotContext, kind: str, page: int,
                     member: Member, words: str = "") -> None:
    svc = context.svc.tickets
    offset = (page - 1) * PAGE_SIZE
    if kind == "mine":
        total, rows = await db(svc.mine, member.telegram_id, offset=offset, limit=PAGE_SIZE)
    elif kind == "open":
        total, rows = await db(svc.open_list, offset=offset, limit=PAGE_SIZE)
    elif kind == "overdue":
        total, rows = await db(svc.overdue, offset=offset, limit=PAGE_SIZE)
    else:
        total, rows = await db(svc.find, words, offset=offset, limit=PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE))
    counts = await db(svc.open_counts) if kind == "open" and page == 1 else None
    text = texts.list_page(kind, rows, now=context.svc.clock.now(), page=page, pages=pages,
                           total=total, counts=counts)
    markup = pager(kind, page, pages, "f" if kind == "find" else "")
    if update.callback_query is not None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_text(text, reply_markup=markup)
    else:
        await reply(update, text, reply_markup=markup)


@guard("mine")
async def mine(update: Update, context: BotContext, member: Member) -> None:
    """List the open tickets this staff member handles."""
    await _send_list(update, context, "mine", 1, member)


@guard("open")
async def open_tickets(update: Update, context: BotContext, member: Member) -> None:
    """Count open tickets by status, then list them."""
    await _send_list(update, context, "open", 1, member)


@guard("overdue")
async def overdue(update: Update, context: BotContext, member: Member) -> None:
    """List open tickets late at any stage (签收, 联系, 首次反馈, 办结), most overdue first."""
    await _send_list(update, context, "overdue", 1, member)


@guard("find")
async def find(update: Update, context: BotContext, member: Member) -> None:
    """Search tickets by content, citizen, unit, address or number."""
    words = " ".join(context.args or []).strip()
    if not words:
        await reply(update, texts.FIND_USAGE)
        return
    context.user_data["find_words"] = words  # type: ignore[index]
    await _send_list(update, context, "find", 1, member, words)


@guard(Perm.ticket_view)
async def page_button(update: Update, context: BotContext, member: Member) -> None:
    """Turn a list page (callback `pg1:<kind>:<page>:<arg>`)."""
    query = update.callback_query
    assert query is not None
    press = read(update, PagePress)
    if press is None:
        await stale(query)
        return
    words = (context.user_data or {}).get("find_words", "")
    await _send_list(update, context, press.kind, press.page, member, words)


@guard("complex")
async def mark_complex(update: Update, context: BotContext, member: Member) -> None:
    """Mark a ticket 复杂疑难 (or undo with 取消): its completion limit is counted again."""
    args = context.args or []
    if len(args) not in (1, 2) or (len(args) == 2 and args[1] != texts.COMPLEX_UNDO):
        await reply(update, texts.COMPLEX_USAGE)
        return
    t = await db(context.svc.tickets.get, args[0])
    if t is None:
        await reply(update, texts.T_NOT_FOUND.format(no=escape(args[0])))
        return
    assert t.id is not None
    try:
        await db(context.svc.tickets.set_complex, ticket_id=t.id, actor_id=member.telegram_id,
                 complex_case=len(args) == 1)
    except TicketError as exc:
        await reply(update, escape(texts.refusal(exc)))
        return
    text, markup = await db(card_for, context, t.id,  # type: ignore[misc]
                            audience=audience_of(update, context), viewer=member)
    await reply(update, text, reply_markup=markup)
