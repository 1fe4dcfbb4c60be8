"""Small reply helpers shared by handlers (so none of them repeats the same plumbing).

In a group chat :func:`reply` masks the whole text with THE masker (patterns, plus the
citizen's data the caller knows) *before* cutting it into chunks, so a cut never leaves half a
number readable. The boundary itself is the bot (``bot.boundary.PrivacyBot``): whatever a
handler sends or edits into a group — through ``reply``, ``query.edit_message_text`` or
``context.bot`` — is masked on its way out unless it is masked already.
"""

from __future__ import annotations

from typing import Any

from telegram import Message, Update

from bot.context import BotContext
from bot.services.masker import NO_SECRETS, Secrets, mask
from bot.texts.audience import Audience
from bot.texts.split import split_message


async def reply(update: Update, text: str, *, secrets: Secrets = NO_SECRETS,
                **kwargs: Any) -> Message:
    """Answer in the chat the update came from (masked in a group); long text goes out in
    safe chunks."""
    msg = update.effective_message
    assert msg is not None, "reply() needs an update with a message"
    if is_group(update):
        text = mask(text, secrets)
    chunks = split_message(text)
    for chunk in chunks[:-1]:
        await msg.reply_text(chunk)
    return await msg.reply_text(chunks[-1], **kwargs)


def chat_id_of(update: Update) -> int | None:
    return update.effective_chat.id if update.effective_chat else None


def audience_of(update: Update, context: BotContext) -> Audience:
    """Who reads the update's chat — a group, a leader in private, or the staff handling
    tickets — decided as for the outbox (``bot.app``'s resolver), so a card or a history shown
    on demand is masked exactly like the notes the courier sends to the same chat."""
    chat_id = chat_id_of(update)
    if chat_id is None and update.effective_user is not None:
        chat_id = update.effective_user.id
    return context.courier.audience_of(chat_id) if chat_id is not None else Audience.GROUP


def is_group(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type != "private"
