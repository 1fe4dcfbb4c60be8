"""Helpers for the compliance end-to-end tests: commands that answer with a file, and files
sent by a user through the emulator."""

from __future__ import annotations

from typing import Any

from tests.e2e.harness import JSON, Harness


async def ask_for_file(h: Harness, user: int, text: str) -> tuple[list[JSON], Any]:
    """Send a command that answers with a document; wait for the document itself (the file is
    built in a worker thread after the first reply). Returns the messages and the file."""
    mark = h.emu.mark()
    before = len(h.emu.sent_files(user))
    h.emu.send_message(user_id=user, text=text)
    await h.emu.wait_for_call(
        lambda c: c.method == "sendDocument" and c.ok and c.result["chat"]["id"] == user,
        after=mark, timeout=30)
    await h.settle()
    return h.messages_since(mark, user), h.emu.sent_files(user)[before]


async def send_document(h: Harness, user: int, content: bytes, filename: str, *,
                        reply_to: JSON | None = None, caption: str | None = None) -> list[JSON]:
    """A user sends a file (optionally in reply to a bot message); the bot's answers."""
    mark = h.emu.mark()
    h.emu.send_document(user_id=user, content=content, filename=filename, caption=caption,
                        reply_to_message_id=reply_to["message_id"] if reply_to else None)
    await h.emu.wait_for_message(user, after=mark, timeout=10)
    await h.settle()
    return h.messages_since(mark, user)


async def send_file(h: Harness, user: int, kind: str, content: bytes, *, filename: str = "",
                    reply_to: JSON | None = None, chat_id: int | None = None,
                    contains: str | None = None) -> list[JSON]:
    """A user sends a voice message, audio file, photo or document (optionally in reply to
    a bot message, in a group when `chat_id` is given); the bot's answers in that chat, up
    to the one that `contains` the given words when given."""
    chat = chat_id if chat_id is not None else user
    mark = h.emu.mark()
    h.emu.send_file(user_id=user, kind=kind, content=content, filename=filename,
                    chat_id=chat_id,
                    reply_to_message_id=reply_to["message_id"] if reply_to else None)
    await h.emu.wait_for_message(chat, after=mark, contains=contains, timeout=10)
    await h.settle()
    return h.messages_since(mark, chat)
