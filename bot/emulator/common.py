"""Helpers shared by method implementations: the handler context, parameter access, chat lookup.

Kept apart from the methods so each method body reads like the Bot API documentation.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.emulator.errors import bad_request, forbidden
from bot.emulator.faults import RateLimiter
from bot.emulator.state import JSON, EmulatorState, StoredMessage, Upload


@dataclass
class Context:
    """What a method implementation may touch: the world state and the flood counter."""

    state: EmulatorState
    limiter: RateLimiter
    files: dict[str, Upload] = field(default_factory=dict)
    client_alive: Callable[[], bool] = lambda: True


def int_param(params: dict[str, Any], name: str, default: int | None = None) -> int:
    """A required (or defaulted) integer parameter, 400 when missing or malformed."""
    value = params.get(name)
    if value is None or value == "":
        if default is not None:
            return default
        raise bad_request(f"{name} is empty")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad_request(f"invalid {name} specified") from None


def resolve_chat(ctx: Context, params: dict[str, Any], *, writing: bool = True) -> JSON:
    """Find the target chat of a request, with Telegram's errors for unknown/left/blocked."""
    raw = params.get("chat_id")
    if raw is None or raw == "":
        raise bad_request("chat_id is empty")
    state = ctx.state
    chat: JSON | None
    if isinstance(raw, str) and raw.startswith("@"):
        name = raw[1:].lower()
        chat = next(
            (c for c in state.chats.values() if str(c.get("username", "")).lower() == name), None
        )
    else:
        try:
            chat = state.chat(int(raw))
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None
    if chat is None:
        raise bad_request("chat not found")
    if writing:
        check_can_write(ctx, chat)
    return chat


def check_can_write(ctx: Context, chat: JSON) -> None:
    """403 for a private chat whose user blocked the bot or a group the bot is not in."""
    chat_id = chat["id"]
    if chat["type"] == "private" and chat_id in ctx.state.blocked:
        raise forbidden("bot was blocked by the user")
    if chat_id in ctx.state.left_chats:
        if chat["type"] == "channel":
            raise forbidden("bot is not a member of the channel chat")
        raise forbidden(f"bot was kicked from the {chat['type']} chat")


def find_message(ctx: Context, chat_id: int, message_id: int, *, missing: str) -> StoredMessage:
    """A live message or 400 with the given Telegram wording."""
    stored = ctx.state.get_message(chat_id, message_id)
    if stored is None:
        raise bad_request(missing)
    return stored


def reply_to(ctx: Context, chat_id: int, params: dict[str, Any]) -> JSON | None:
    """The replied message for ``reply_parameters``/``reply_to_message_id``, if any."""
    reply = params.get("reply_parameters")
    if isinstance(reply, dict):
        target_id = reply.get("message_id")
        allow = bool(reply.get("allow_sending_without_reply"))
        target_chat = reply.get("chat_id", chat_id)
    else:
        target_id = params.get("reply_to_message_id")
        allow = bool(params.get("allow_sending_without_reply"))
        target_chat = chat_id
    if not target_id:
        return None
    try:
        stored = ctx.state.get_message(int(target_chat), int(target_id))
    except (TypeError, ValueError):
        stored = None
    if stored is None:
        if allow:
            return None
        raise bad_request("message to be replied not found")
    replied = copy.deepcopy(stored.data)
    replied.pop("reply_to_message", None)
    return replied
