"""In-memory world of the emulator: users, chats, messages, files and the update queue.

Everything is plain JSON-like dicts shaped exactly like Bot API objects, so a message can be
returned to the client as-is and compared in tests without any conversion layer.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]
DEFAULT_ALLOWED = frozenset(
    {"message", "edited_message", "callback_query", "inline_query", "my_chat_member"}
)


@dataclass
class ApiCall:
    """One request the bot made, with its decoded parameters and the emulator's answer."""

    method: str
    params: dict[str, Any]
    ok: bool
    result: Any
    error: str | None
    at: float  # time.monotonic() when answered: for durations and rates
    files: dict[str, bytes] = field(default_factory=dict)
    # time.time() when answered: comparable with times a bot in another process stored
    wall: float = 0.0


@dataclass
class SentFile:
    """A file the bot sent (uploaded bytes or the bytes of a re-sent file_id)."""

    method: str
    chat_id: int
    filename: str
    content: bytes
    caption: str | None


@dataclass
class Upload:
    """A multipart file part as received."""

    filename: str
    content: bytes
    content_type: str | None = None


@dataclass
class StoredFile:
    """A file known to the emulator, reachable by file_id and served under its file_path."""

    file_id: str
    file_unique_id: str
    file_path: str
    filename: str
    content: bytes
    mime_type: str | None


@dataclass
class StoredMessage:
    """A message plus bookkeeping that is not part of the Bot API object."""

    data: JSON
    from_bot: bool
    deleted: bool = False


class EmulatorState:
    """All mutable state; the HTTP layer and the injection helpers both work on it."""

    def __init__(
        self,
        *,
        bot_id: int,
        bot_username: str,
        bot_first_name: str = "Hotline Duty Bot",
        clock: Callable[[], float] | None = None,
        strict_html: bool = True,
    ) -> None:
        self.clock = clock or time.time
        self.strict_html = strict_html
        self.bot_user: JSON = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.users: dict[int, JSON] = {}
        self.chats: dict[int, JSON] = {}
        self.member_status: dict[tuple[int, int], str] = {}
        self.left_chats: set[int] = set()
        self.blocked: set[int] = set()
        self.messages: dict[tuple[int, int], StoredMessage] = {}
        self.bot_message_keys: list[tuple[int, int]] = []
        self._message_ids: dict[int, itertools.count[int]] = {}
        self.updates: list[JSON] = []
        self.next_update_id = 1
        self.delivered_up_to = 0
        self.allowed_updates: frozenset[str] = DEFAULT_ALLOWED
        self.callback_queries: dict[str, JSON] = {}
        self.answered_callbacks: dict[str, JSON] = {}
        self.inline_queries: dict[str, JSON] = {}
        self.inline_answers: dict[str, JSON] = {}
        self.files: dict[str, StoredFile] = {}
        self.sent_files: list[SentFile] = []
        self.commands: dict[str, list[JSON]] = {}
        self.descriptions: dict[str, str] = {}
        self.webhook_url = ""
        self.poll_generation = 0
        self.closing = False
        self._ids = itertools.count(1)
        self._update_event = asyncio.Event()

    # --- time and ids -------------------------------------------------------------------
    def now(self) -> int:
        """Unix time as Telegram sends it (integer seconds)."""
        return int(self.clock())

    def new_id(self, prefix: str = "") -> str:
        """A unique opaque id (numeric like Telegram's query ids, after an optional prefix)."""
        return f"{prefix}{next(self._ids)}{secrets.randbelow(10**12):012d}"

    # --- actors -------------------------------------------------------------------------
    def add_user(
        self,
        user_id: int,
        first_name: str = "用户",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "zh-hans",
    ) -> JSON:
        """Register (or update) a user and their private chat (chat id == user id)."""
        user: JSON = {"id": user_id, "is_bot": False, "first_name": first_name}
        chat: JSON = {"id": user_id, "type": "private", "first_name": first_name}
        for key, value in (("last_name", last_name), ("username", username)):
            if value is not None:
                user[key] = chat[key] = value
        if language_code:
            user["language_code"] = language_code
        self.users[user_id] = user
        self.chats[user_id] = chat
        return copy.deepcopy(user)

    def ensure_user(self, user_id: int) -> JSON:
        """The user dict, auto-registering unknown ids (injection from a stranger)."""
        if user_id not in self.users:
            self.add_user(user_id, f"用户{user_id}")
        return self.users[user_id]

    def add_group(self, chat_id: int, title: str = "值班群", *, type: str = "supergroup") -> JSON:
        """Register a group the bot is a member of."""
        chat: JSON = {"id": chat_id, "type": type, "title": title}
        self.chats[chat_id] = chat
        self.left_chats.discard(chat_id)
        return copy.deepcopy(chat)

    def chat(self, chat_id: int) -> JSON | None:
        """A known chat or None (Telegram: "chat not found")."""
        return self.chats.get(chat_id)

    # --- messages -----------------------------------------------------------------------
    def new_message(self, chat_id: int, sender: JSON, *, from_bot: bool, **fields: Any) -> JSON:
        """Create and store a message with the next per-chat message_id."""
        counter = self._message_ids.setdefault(chat_id, itertools.count(1))
        message: JSON = {
            "message_id": next(counter),
            "from": copy.deepcopy(sender),
            "chat": copy.deepcopy(self.chats[chat_id]),
            "date": self.now(),
        }
        message.update({k: v for k, v in fields.items() if v is not None})
        key = (chat_id, message["message_id"])
        self.messages[key] = StoredMessage(data=message, from_bot=from_bot)
        if from_bot:
            self.bot_message_keys.append(key)
        return message

    def get_message(self, chat_id: int, message_id: int) -> StoredMessage | None:
        """A live (not deleted) message or None."""
        stored = self.messages.get((chat_id, message_id))
        return None if stored is None or stored.deleted else stored

    # --- updates ------------------------------------------------------------------------
    def queue_update(self, kind: str, payload: JSON) -> JSON:
        """Append an Update and wake a pending long poll."""
        update = {"update_id": self.next_update_id, kind: copy.deepcopy(payload)}
        self.next_update_id += 1
        self.updates.append(update)
        self.notify_updates()
        return update

    def notify_updates(self) -> None:
        """Wake every ``getUpdates`` long poll (and ``idle``) waiting for queue changes."""
        self._update_event.set()
        self._update_event = asyncio.Event()

    @property
    def update_event(self) -> asyncio.Event:
        """The event set at the next queue change (grab it *before* checking the queue)."""
        return self._update_event

    @property
    def undelivered(self) -> int:
        """Queued updates that no getUpdates answer contained yet."""
        return sum(1 for u in self.updates if u["update_id"] > self.delivered_up_to)

    # --- files --------------------------------------------------------------------------
    def store_file(
        self, content: bytes, filename: str, mime_type: str | None, folder: str
    ) -> StoredFile:
        """Keep uploaded bytes so getFile and the file URL can return them."""
        file_id = self.new_id("BQAC")
        suffix = filename.rsplit(".", 1)[1] if "." in filename else "bin"
        stored = StoredFile(
            file_id=file_id,
            file_unique_id=self.new_id("AgAD"),
            file_path=f"{folder}/file_{len(self.files)}.{suffix}",
            filename=filename,
            content=content,
            mime_type=mime_type,
        )
        self.files[file_id] = stored
        return stored

    def file_by_path(self, path: str) -> StoredFile | None:
        """Look a stored file up by its file_path (file download route)."""
        return next((f for f in self.files.values() if f.file_path == path), None)
