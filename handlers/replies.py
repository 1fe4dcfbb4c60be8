"""Small reply helpers shared by handlers (so none of them repeats the same plumbing)."""

from __future__ import annotations

from typing import Any

from telegram import Message, Update

from bot.texts.split import split_message


async def reply(update: Update, text: str, **kwargs: Any) -> Message:
    """Answer in the chat the update came from; long text goes out in safe chunks."""
    msg = update.effective_message
    assert msg is not None, "reply() needs an update with a message"
    chunks = split_message(text)
    for chunk in chunks[:-1]:
        await msg.reply_text(chunk)
    return await msg.reply_text(chunks[-1], **kwargs)


def chat_id_of(update: Update) -> int | None:
    return update.effective_chat.id if update.effective_chat else None


def is_group(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type != "private"
