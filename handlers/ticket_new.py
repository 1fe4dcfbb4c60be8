"""/new: log a ticket from a pasted block in one step, or field by field in a dialogue."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ConversationHandler

from bot.callbackdata.kinds import NewTicketPick
from bot.context import BotContext
from bot.offload import db
from bot.services.staff.directory import Member
from bot.services.tickets.errors import TicketError
from bot.services.tickets.fields import ParsedTicket, parse_field
from bot.services.tickets.paste import looks_like_paste, parse_ticket_text
from bot.texts import tickets as texts
from bot.texts.audience import Audience
from bot.texts.escape import escape
from handlers.access import guard
from handlers.buttons import read, stale
from handlers.keyboards import choices
from handlers.replies import reply
from handlers.tickets import card_for

ASK = 0
DRAFT = "new_draft"
FIELD = "new_field"
OPTIONS = "new_options"


def _text_after_command(update: Update) -> str:
    text = (update.effective_message.text or "") if update.effective_message else ""
    parts = text.split(maxsplit=1)
    return parts[1] if len(parts) > 1 else ""


@guard("new")
async def start_new(update: Update, context: BotContext, member: Member) -> int:
    """Parse whatever was pasted after /new, then ask for what is missing or wrong."""
    body = _text_after_command(update)
    context.user_data[DRAFT] = ParsedTicket()  # type: ignore[index]
    if body.strip():
        await _take_paste(update, context, body)
    else:
        await reply(update, texts.NEW_INTRO)
    return await _next(update, context, member)


async def _take_paste(update: Update, context: BotContext, text: str) -> None:
    """Read a pasted block into the draft (a later paste's values win); say what was wrong."""
    svc = context.svc
    result = parse_ticket_text(text, reference=svc.reference.current, now=svc.clock.now())
    draft: ParsedTicket = context.user_data[DRAFT]  # type: ignore[index]
    draft.merge(result.ticket)
    if result.errors:
        errs = "\n".join(f"• {escape(texts.field_problem(e))}" for e in result.errors)
        await reply(update, texts.NEW_ERRORS.format(errors=errs))


async def _next(update: Update, context: BotContext, member: Member) -> int:
    """Ask the next missing field, or create the ticket when nothing is missing."""
    draft: ParsedTicket = context.user_data[DRAFT]  # type: ignore[index]
    missing = draft.missing()
    if missing:
        await _ask(update, context, missing[0])
        return ASK
    try:
        created = await db(context.svc.tickets.create, data=draft, actor_id=member.telegram_id)
    except TicketError as exc:
        await reply(update, escape(texts.refusal(exc)))
        _clear(context)
        return ConversationHandler.END
    _clear(context)
    assert created.ticket.id is not None
    card = await db(card_for, context, created.ticket.id, audience=Audience.STAFF)
    assert card is not None
    text, markup = card  # the card shows the warnings found at logging
    await reply(update, f"{texts.NEW_CREATED}\n{text}", reply_markup=markup)
    return ConversationHandler.END


async def _ask(update: Update, context: BotContext, field: str) -> None:
    context.user_data[FIELD] = field  # type: ignore[index]
    ref = context.svc.reference.current
    options: list[str] = []
    if field == "request_type":
        options = list(ref.request_types)
    elif field == "urgency":
        options = list(ref.urgencies)
    elif field == "category":
        options = list(ref.categories)
    elif field == "unit":
        options = await db(context.svc.tickets.top_units)
    context.user_data[OPTIONS] = options  # type: ignore[index]
    prompt = texts.FIELD_PROMPTS_ZH[field]
    if options:
        per_row = 1 if field == "unit" else 3
        await reply(update, texts.with_choice_hint(prompt),
                    reply_markup=choices("nf1", options, per_row=per_row))
    else:
        await reply(update, prompt)


async def answer_text(update: Update, context: BotContext) -> int:
    """Take a typed answer for the field being asked; two or more labelled lines are a paste
    (staff often paste the ticket after a bare /new), whatever field was asked."""
    msg = update.effective_message
    text = (msg.text or "") if msg else ""
    user = update.effective_user
    member = context.svc.staff.get(user.id) if user else None
    drafting = context.user_data is not None and DRAFT in context.user_data
    if looks_like_paste(text) and member is not None and drafting:
        await _take_paste(update, context, text)
        return await _next(update, context, member)
    return await _take(update, context, text.strip())


async def answer_button(update: Update, context: BotContext) -> int:
    """Take a button answer (`nf1:<index>`) for the field being asked."""
    query = update.callback_query
    assert query is not None
    options: list[str] = context.user_data.get(OPTIONS, [])  # type: ignore[union-attr]
    press = read(update, NewTicketPick)
    if press is None or press.index >= len(options):
        await stale(query)
        return ASK
    await query.answer()
    idx = press.index
    await query.edit_message_reply_markup(None)
    field = context.user_data.get(FIELD)  # type: ignore[union-attr]
    if field == "category":  # first level picked: offer its second level
        l1 = options[idx]
        l2s = context.svc.reference.current.categories.get(l1, [])
        context.user_data[FIELD] = "category_l2"  # type: ignore[index]
        context.user_data["new_l1"] = l1  # type: ignore[index]
        context.user_data[OPTIONS] = l2s  # type: ignore[index]
        await reply(update, texts.PICK_L2.format(l1=escape(l1)),
                    reply_markup=choices("nf1", l2s))
        return ASK
    if field == "category_l2":
        l1 = context.user_data["new_l1"]  # type: ignore[index]
        return await _take(update, context, f"{l1}/{options[idx]}")
    return await _take(update, context, options[idx])


async def _take(update: Update, context: BotContext, value: str) -> int:
    svc = context.svc
    user = update.effective_user
    member = svc.staff.get(user.id) if user else None
    if member is None:
        return ConversationHandler.END
    field = context.user_data.get(FIELD)  # type: ignore[union-attr]
    draft: ParsedTicket | None = context.user_data.get(DRAFT)  # type: ignore[union-attr]
    if draft is None or field is None:
        return ConversationHandler.END
    target = "category" if field == "category_l2" else field
    parsed, error = parse_field(target, value, reference=svc.reference.current,
                                now=svc.clock.now())
    if error:
        await reply(update, escape(texts.field_problem(error)))
        if target == "unit":
            suggestions = svc.reference.current.match_unit(value).suggestions
            if suggestions:
                context.user_data[OPTIONS] = suggestions  # type: ignore[index]
                await reply(update, texts.FIELD_PROMPTS_ZH["unit"],
                            reply_markup=choices("nf1", suggestions, per_row=1))
                return ASK
        await _ask(update, context, target)
        return ASK
    draft.apply(target, parsed)
    return await _next(update, context, member)


async def cancel(update: Update, context: BotContext) -> int:
    """Drop the draft; nothing was saved."""
    _clear(context)
    await reply(update, texts.NEW_CANCELLED)
    return ConversationHandler.END


async def timed_out(update: Update, context: BotContext) -> None:
    """Tell the user the dialogue expired and nothing was saved."""
    _clear(context)
    if update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, texts.NEW_TIMEOUT)


def _clear(context: BotContext) -> None:
    for key in (DRAFT, FIELD, OPTIONS, "new_l1"):
        context.user_data.pop(key, None)  # type: ignore[union-attr]
