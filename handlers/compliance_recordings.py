"""Files on tickets (docs/assessment.md): the 回访 recording asked for right after a callback
is recorded, and any voice message, audio file, photo or document sent in reply to a ticket
card (kept at the ticket's current stage).

Each file's size is checked before it is downloaded; it is kept as its Telegram `file_id`
plus a 0600 copy under ATTACHMENTS_DIR, and the card is edited to count it. Files are never
sent on to a group. The recording step is a state of the ticket-action dialogue
(`bot/routes.py`): `tr1:skip` (or /cancel) leaves it.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import ConversationHandler

from bot.callbackdata.codec import parse
from bot.callbackdata.kinds import TicketPress
from bot.context import BotContext
from bot.offload import db
from bot.permissions import Perm
from bot.services.compliance.attachments import IncomingFile
from bot.services.compliance.errors import ComplianceError
from bot.services.compliance.ticket_files import CALLBACK_STAGE
from bot.services.staff.directory import Member
from bot.texts import compliance as compliance_texts
from bot.texts import compliance_tickets as texts
from bot.texts.audience import Audience
from handlers.access import guard
from handlers.compliance_files import fetch, incoming_of
from handlers.replies import audience_of, is_group, reply
from handlers.tickets import card_for

log = logging.getLogger(__name__)

RECORDING = 21  # state of the ticket-action dialogue: the callback's recording
END = ConversationHandler.END
PENDING = "tr_pending"


@dataclass(frozen=True)
class Card:
    """A ticket card message: which ticket, where, and who reads it (a group's or a leader's
    copy is masked)."""

    ticket_id: int
    chat_id: int
    message_id: int
    audience: Audience


def card_ticket(message: Message | None, bot_id: int) -> int | None:
    """The ticket a bot message is the card of (read from its buttons), or None."""
    if message is None or message.from_user is None or message.from_user.id != bot_id:
        return None
    for row in message.reply_markup.inline_keyboard if message.reply_markup else ():
        for button in row:
            press = parse(str(button.callback_data or ""), TicketPress)
            if press is not None:
                return press.ticket_id
    return None


async def _refresh(context: BotContext, card: Card, viewer: Member) -> None:
    found = await db(card_for, context, card.ticket_id, audience=card.audience, viewer=viewer)
    if found is None:
        return
    text, markup = found
    try:
        await context.bot.edit_message_text(text, chat_id=card.chat_id,
                                            message_id=card.message_id,
                                            reply_markup=markup)  # type: ignore[arg-type]
    except BadRequest as exc:  # an old card may no longer be editable: the reply says it all
        log.info("ticket card not refreshed: %s", exc)


async def _attach(update: Update, context: BotContext, member: Member, card: Card,
                  incoming: IncomingFile, *, stage: str | None) -> bool:
    """Check the size, download, keep; answer with what was kept (or why not)."""
    files = context.svc.compliance.ticket_files
    try:
        content = await fetch(context, incoming)
        ticket, stored = await asyncio.to_thread(
            files.attach, ticket_id=card.ticket_id, incoming=incoming, content=content,
            actor_id=member.telegram_id, stage=stage)
    except ComplianceError as exc:
        await reply(update, compliance_texts.error(exc))
        return False
    except TelegramError as exc:
        log.warning("ticket file download failed: %s", exc)
        await reply(update, texts.DOWNLOAD_FAILED)
        return False
    await _refresh(context, card, member)
    total = (await db(files.summary, card.ticket_id)).count
    await reply(update, texts.attached(ticket.platform_no, stored.stage or "", stored.media,
                                       stored.size, total))
    return True


# ---------------------------------------------------------------- the 回访 step
async def ask_recording(update: Update, context: BotContext, *, ticket_id: int, chat_id: int,
                        message_id: int, audience: Audience) -> int:
    """After a callback that reached the citizen: ask for its recording (or 跳过)."""
    context.user_data[PENDING] = Card(ticket_id, chat_id, message_id, audience)  # type: ignore[index]
    skip = InlineKeyboardMarkup([[InlineKeyboardButton(texts.BTN_SKIP_RECORDING,
                                                       callback_data="tr1:skip")]])
    await reply(update, texts.RECORDING_PROMPT.format(
        limit=context.svc.settings.attachment_max_mb), reply_markup=skip)
    return RECORDING


@guard(Perm.tickets)
async def recording_file(update: Update, context: BotContext, member: Member) -> int:
    """The recording (voice, audio or document): kept at 回访; a refused one is asked again."""
    msg = update.effective_message
    card: Card | None = context.user_data.get(PENDING)  # type: ignore[union-attr]
    incoming = incoming_of(msg) if msg is not None else None
    if card is None or incoming is None:
        return END
    if not await _attach(update, context, member, card, incoming, stage=CALLBACK_STAGE):
        return RECORDING
    context.user_data.pop(PENDING, None)  # type: ignore[union-attr]
    return END


async def recording_skip(update: Update, context: BotContext) -> int:
    """跳过 (or /cancel): no recording now; it can be sent later in reply to the card."""
    context.user_data.pop(PENDING, None)  # type: ignore[union-attr]
    query = update.callback_query
    if query is not None:
        await query.answer()
        await query.edit_message_reply_markup(None)
    await reply(update, texts.RECORDING_SKIPPED)
    return END


async def recording_other(update: Update, context: BotContext) -> int:
    """Text, a photo or a video while the recording is awaited."""
    await reply(update, texts.RECORDING_NOT_A_FILE)
    return RECORDING


async def stale_skip(update: Update, context: BotContext) -> None:
    """`tr1:` pressed after the step ended."""
    query = update.callback_query
    assert query is not None
    await query.answer(texts.STALE_BUTTON, show_alert=True)


# ---------------------------------------------------------------- files in reply to a card
async def reply_file(update: Update, context: BotContext) -> None:
    """A file in reply to a ticket card is attached; elsewhere, in private, say how to."""
    msg = update.effective_message
    if msg is None:
        return
    ticket_id = card_ticket(msg.reply_to_message, context.bot.id)
    if ticket_id is None:
        if not is_group(update):  # in a group, files between people are none of our business
            await reply(update, texts.FILE_HINT)
        return
    await _attach_to_card(update, context)


@guard(Perm.tickets)
async def _attach_to_card(update: Update, context: BotContext, member: Member) -> None:
    msg = update.effective_message
    assert msg is not None and msg.reply_to_message is not None
    replied = msg.reply_to_message
    ticket_id = card_ticket(replied, context.bot.id)
    assert ticket_id is not None
    incoming = incoming_of(msg)
    if incoming is None:
        await reply(update, texts.FILE_KIND_REFUSED)
        return
    card = Card(ticket_id, replied.chat.id, replied.message_id, audience_of(update, context))
    await _attach(update, context, member, card, incoming, stage=None)
