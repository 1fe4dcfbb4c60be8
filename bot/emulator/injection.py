"""Injection side of the emulator: what users do (write, press buttons, query inline, add the
bot to groups). Each action becomes an Update queued for getUpdates, exactly as Telegram would
deliver it, and returns the created object so tests can refer to it.
"""

from __future__ import annotations

import copy
from typing import Any

from bot.emulator.state import JSON, EmulatorState
from bot.emulator.text import command_entities


def _buttons(message: JSON) -> list[JSON]:
    markup = message.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


class InjectionMixin:
    """User-side actions of :class:`BotApiEmulator`."""

    state: EmulatorState

    @property
    def last_update_id(self) -> int:
        """The update_id of the newest injected update (0 before any): tests wait for the
        bot to have processed it."""
        return self.state.next_update_id - 1

    def add_user(
        self,
        user_id: int,
        first_name: str = "用户",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "zh-hans",
    ) -> JSON:
        """Register a user (and their private chat, whose id equals the user id)."""
        return self.state.add_user(
            user_id, first_name, last_name=last_name, username=username,
            language_code=language_code,
        )  # fmt: skip

    def add_group(
        self,
        chat_id: int,
        title: str = "值班群",
        *,
        type: str = "supergroup",
        creator_id: int | None = None,
        admin_ids: tuple[int, ...] = (),
    ) -> JSON:
        """Register a group the bot is in; optional creator/admins for getChatMember."""
        chat = self.state.add_group(chat_id, title, type=type)
        for admin_id in admin_ids:
            self.set_member_status(chat_id, admin_id, "administrator")
        if creator_id is not None:
            self.set_member_status(chat_id, creator_id, "creator")
        return chat

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """getChatMember status: member, administrator, creator, left or kicked."""
        if status not in ("member", "administrator", "creator", "left", "kicked"):
            raise ValueError(f"unsupported chat member status {status!r}")
        self.state.ensure_user(user_id)
        self.state.member_status[(chat_id, user_id)] = status

    def block(self, user_id: int) -> None:
        """The user blocked the bot: sends to their private chat get 403."""
        self.state.ensure_user(user_id)
        self.state.blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        """The user restarted the bot."""
        self.state.blocked.discard(user_id)

    def send_message(
        self,
        *,
        user_id: int,
        text: str,
        chat_id: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> JSON:
        """A user writes ``text`` (commands get ``bot_command`` entities)."""
        state = self.state
        user = state.ensure_user(user_id)
        if chat_id is None:
            chat_id = user_id
        existing = state.chat(chat_id)
        if chat_id != user_id and (chat_id > 0 or (existing or {}).get("type") == "private"):
            raise ValueError(f"chat {chat_id} is another user's private chat")
        if existing is None:
            state.add_group(chat_id)
        reply = None
        if reply_to_message_id is not None:
            stored = state.get_message(chat_id, reply_to_message_id)
            if stored is None:
                raise LookupError(f"no message {reply_to_message_id} in chat {chat_id}")
            reply = copy.deepcopy(stored.data)
            reply.pop("reply_to_message", None)
        message = state.new_message(
            chat_id, user, from_bot=False, text=text,
            entities=command_entities(text) or None, reply_to_message=reply,
        )  # fmt: skip
        state.queue_update("message", message)
        return copy.deepcopy(message)

    def edit_message(self, *, chat_id: int, message_id: int, text: str) -> JSON:
        """The user edits a message they sent: its text changes and an ``edited_message``
        update carries the new version (with ``edit_date``), as Telegram sends it."""
        state = self.state
        stored = state.get_message(chat_id, message_id)
        if stored is None or stored.from_bot:
            raise LookupError(f"no user message {message_id} in chat {chat_id}")
        stored.data["text"] = text
        stored.data["edit_date"] = state.now()
        entities = command_entities(text)
        if entities:
            stored.data["entities"] = entities
        else:
            stored.data.pop("entities", None)
        state.queue_update("edited_message", stored.data)
        return copy.deepcopy(stored.data)

    def press_button(
        self, *, user_id: int, chat_id: int, message_id: int, data: str, check: bool = True
    ) -> str:
        """Press an inline button carrying ``data`` on a bot message; returns the query id.

        ``check=False`` allows data that is no longer on the keyboard (stale button races).
        """
        state = self.state
        user = state.ensure_user(user_id)
        stored = state.get_message(chat_id, message_id)
        if stored is None or not stored.from_bot:
            raise LookupError(f"no live bot message {message_id} in chat {chat_id}")
        if check and data not in [b.get("callback_data") for b in _buttons(stored.data)]:
            raise ValueError(f"message {message_id} has no button with callback_data {data!r}")
        query_id = state.new_id()
        query: JSON = {
            "id": query_id,
            "from": copy.deepcopy(user),
            "message": copy.deepcopy(stored.data),
            "chat_instance": str(abs(chat_id) * 7 + 1),
            "data": data,
        }
        state.callback_queries[query_id] = query
        state.queue_update("callback_query", query)
        return query_id

    def press(self, *, user_id: int, message: JSON, text: str) -> str:
        """Press the button labelled ``text`` on the *current* version of ``message``."""
        chat_id, message_id = message["chat"]["id"], message["message_id"]
        stored = self.state.get_message(chat_id, message_id)
        if stored is None:
            raise LookupError(f"message {message_id} in chat {chat_id} is gone")
        buttons = _buttons(stored.data)
        for button in buttons:
            if button.get("text") == text and "callback_data" in button:
                return self.press_button(
                    user_id=user_id, chat_id=chat_id, message_id=message_id,
                    data=button["callback_data"],
                )  # fmt: skip
        labels = [b.get("text") for b in buttons]
        raise LookupError(f"no callback button {text!r}; buttons: {labels}")

    def inline_query(
        self, *, user_id: int, query: str, offset: str = "", chat_type: str = "private"
    ) -> str:
        """The user types ``@bot query``; returns the inline query id."""
        state = self.state
        query_id = state.new_id()
        payload: dict[str, Any] = {
            "id": query_id,
            "from": copy.deepcopy(state.ensure_user(user_id)),
            "query": query,
            "offset": offset,
            "chat_type": chat_type,
        }
        state.inline_queries[query_id] = payload
        state.queue_update("inline_query", payload)
        return query_id

    def inline_answer(self, query_id: str) -> JSON | None:
        """The bot's answerInlineQuery parameters for ``query_id`` (None if unanswered)."""
        return copy.deepcopy(self.state.inline_answers.get(query_id))

    def callback_answer(self, query_id: str) -> JSON | None:
        """The bot's answerCallbackQuery parameters for ``query_id`` (None if unanswered)."""
        return copy.deepcopy(self.state.answered_callbacks.get(query_id))

    def _membership_update(self, chat_id: int, by_user_id: int, old: str, new: str) -> None:
        state = self.state
        bot = copy.deepcopy(state.bot_user)
        state.queue_update(
            "my_chat_member",
            {
                "chat": copy.deepcopy(state.chats[chat_id]),
                "from": copy.deepcopy(state.ensure_user(by_user_id)),
                "date": state.now(),
                "old_chat_member": {"status": old, "user": bot},
                "new_chat_member": {"status": new, "user": bot, **(
                    {"until_date": 0} if new == "kicked" else {})},
            },
        )  # fmt: skip

    def add_bot_to_group(self, *, chat_id: int, by_user_id: int, title: str = "群") -> None:
        """``by_user_id`` adds the bot to a group: my_chat_member left -> member."""
        if self.state.chat(chat_id) is None:
            self.state.add_group(chat_id, title)
        self.state.left_chats.discard(chat_id)
        self._membership_update(chat_id, by_user_id, "left", "member")

    def remove_bot_from_group(self, *, chat_id: int, by_user_id: int) -> None:
        """``by_user_id`` kicks the bot: my_chat_member member -> kicked; sends then get 403."""
        self.state.left_chats.add(chat_id)
        self._membership_update(chat_id, by_user_id, "member", "kicked")
