"""The compliance parts of the ticket card (docs/assessment.md): its attachment line, and the
managers' 标记失误 button with the short dialogue behind it — stage (签收/分派/督办), then
what failed — which records an assessment item against the ticket's handler.

Buttons: `tm1:m:<ticket_id>` (on a manager's private card) shows the stages,
`tm1:s:<ticket_id>:<i>` picks one and asks what failed (the dialogue in `bot/routes.py`),
`tm1:x` cancels. Each is checked again on press: a forged one is refused.

What failed is taken only as a *reply* to the prompt (ForceReply): an abandoned prompt never
turns a later message — a question to the knowledge base, another dialogue's answer — into
an assessment item that costs money.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from bot.callbackdata.codec import encode
from bot.callbackdata.kinds import MistakeCancel, MistakePress, MistakeStage
from bot.context import BotContext
from bot.offload import db
from bot.permissions import Perm, allowed
from bot.services.compliance import vocab
from bot.services.compliance.errors import ComplianceError
from bot.services.staff.directory import Member
from bot.texts import common as common_texts
from bot.texts import compliance as compliance_texts
from bot.texts import compliance_tickets as texts
from bot.texts.escape import escape
from handlers.access import guard
from handlers.buttons import read, stale
from handlers.replies import is_group, reply
from models.ticket import Ticket

NOTE = 20  # dialogue state: what failed
END = ConversationHandler.END
PENDING = "tm_pending"


@dataclass(frozen=True)
class PendingMistake:
    ticket_id: int
    stage: str
    prompt_id: int  # the message the note must reply to


def compliance_card(context: BotContext, ticket: Ticket, text: str,
                    markup: InlineKeyboardMarkup, *, masked: bool,
                    viewer: Member | None) -> tuple[str, InlineKeyboardMarkup]:
    """The card with its attachment line, and 标记失误 for a manager in private (reads the
    database: part of `card_for`, which handlers call through ``bot.offload.db``)."""
    assert ticket.id is not None
    line = texts.attachments_line(context.svc.compliance.ticket_files.summary(ticket.id),
                                  masked=masked)
    if line:
        text = f"{text}\n{line}"
    if viewer is not None and not masked and allowed(viewer.role, Perm.compliance):
        button = InlineKeyboardButton(texts.BTN_MISTAKE,
                                      callback_data=encode(MistakePress(ticket.id)))
        markup = InlineKeyboardMarkup([*markup.inline_keyboard, [button]])
    return text, markup


def _stage_buttons(ticket_id: int) -> InlineKeyboardMarkup:
    row = [InlineKeyboardButton(stage, callback_data=encode(MistakeStage(ticket_id, i)))
           for i, stage in enumerate(vocab.STAGES)]
    cancel = InlineKeyboardButton(common_texts.BTN_CANCEL, callback_data=encode(MistakeCancel()))
    return InlineKeyboardMarkup([row, [cancel]])


@guard(Perm.compliance)
async def mistake_button(update: Update, context: BotContext, member: Member) -> None:
    """`tm1:m:<ticket_id>`: ask at which stage the mistake happened."""
    query = update.callback_query
    assert query is not None
    press = read(update, MistakePress)
    if press is None or query.message is None:
        await stale(query)
        return
    if is_group(update):
        await query.answer(texts.MISTAKE_GROUP, show_alert=True)
        return
    ticket = await db(context.svc.tickets.get_by_id, press.ticket_id)
    if ticket is None or ticket.id is None:
        await query.answer(compliance_texts.error(ComplianceError(
            "ticket_not_found", text=str(press.ticket_id))), show_alert=True)
        return
    await query.answer()
    await query.message.reply_text(texts.MISTAKE_PICK.format(no=escape(ticket.platform_no)),
                                   reply_markup=_stage_buttons(ticket.id))


@guard(Perm.compliance)
async def stage_button(update: Update, context: BotContext, member: Member) -> int:
    """`tm1:s:<ticket_id>:<i>`: the stage is chosen; ask what failed."""
    query = update.callback_query
    assert query is not None
    press = read(update, MistakeStage)
    if press is None:
        await stale(query)
        return END
    ticket = await db(context.svc.tickets.get_by_id, press.ticket_id)
    if is_group(update) or ticket is None or press.index >= len(vocab.STAGES):
        await query.answer(texts.MISTAKE_GROUP if is_group(update) else texts.MISTAKE_EXPIRED,
                           show_alert=True)
        return END
    stage = vocab.STAGES[press.index]
    await query.answer()
    await query.edit_message_text(texts.MISTAKE_STAGE.format(no=escape(ticket.platform_no),
                                                             stage=stage))
    handler = context.svc.staff.get_any(ticket.handler_id) if ticket.handler_id else None
    prompt = await reply(update, texts.mistake_ask(
        ticket.platform_no, stage, handler.name if handler else None,
        context.svc.compliance.rules.incidents.mistake), reply_markup=ForceReply(selective=True))
    context.user_data[PENDING] = PendingMistake(  # type: ignore[index]
        press.ticket_id, stage, prompt.message_id)
    return NOTE


@guard(Perm.compliance)
async def mistake_note(update: Update, context: BotContext, member: Member) -> int:
    """What failed (a reply to the prompt): record the mistake as an assessment item."""
    msg, c = update.effective_message, context.svc.compliance
    pending: PendingMistake | None = context.user_data.get(PENDING)  # type: ignore[union-attr]
    if msg is None or pending is None:
        return END
    if msg.reply_to_message is None or msg.reply_to_message.message_id != pending.prompt_id:
        await reply(update, texts.MISTAKE_REPLY_TO_PROMPT)
        return NOTE
    ticket = await db(context.svc.tickets.get_by_id, pending.ticket_id)
    try:
        if ticket is None:
            raise ComplianceError("ticket_not_found", text=str(pending.ticket_id))
        view = await db(c.incidents.record_mistake, ticket=ticket, stage=pending.stage,
                        note=msg.text or "", actor_id=member.telegram_id)
    except ComplianceError as exc:
        await reply(update, compliance_texts.error(exc))
        return NOTE if exc.code == "empty_text" else _end(context)
    _end(context)
    await reply(update, compliance_texts.incident_recorded(view, c.rules.incidents.mistake))
    return END


async def mistake_cancel(update: Update, context: BotContext) -> int:
    """/cancel while the note is awaited."""
    _end(context)
    await reply(update, texts.MISTAKE_CANCELLED)
    return END


@guard(Perm.compliance)
async def cancel_button(update: Update, context: BotContext, member: Member) -> None:
    """`tm1:x` on the stage picker."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_text(texts.MISTAKE_CANCELLED)


async def mistake_timeout(update: Update, context: BotContext) -> None:
    _end(context)
    if update.effective_message is not None:
        await reply(update, texts.MISTAKE_TIMEOUT)


def _end(context: BotContext) -> int:
    context.user_data.pop(PENDING, None)  # type: ignore[union-attr]
    return END
