"""Method registry plus the non-message methods (updates, webhook, commands, chats, files).

``METHODS`` maps the canonical Bot API name to its implementation; the HTTP layer looks names
up case-insensitively (as Telegram does) and records calls under the canonical name.
"""

from __future__ import annotations

import asyncio
import copy
import re
from collections.abc import Awaitable, Callable
from typing import Any

from bot.emulator import messages
from bot.emulator.common import Context, int_param, resolve_chat
from bot.emulator.errors import ApiError, bad_request, forbidden
from bot.emulator.state import DEFAULT_ALLOWED, JSON, EmulatorState

Handler = Callable[[Context, dict[str, Any]], Any | Awaitable[Any]]
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_ADMIN_RIGHTS = {
    "can_be_edited": False, "is_anonymous": False, "can_manage_chat": True,
    "can_delete_messages": True, "can_manage_video_chats": True, "can_restrict_members": True,
    "can_promote_members": False, "can_change_info": True, "can_invite_users": True,
    "can_post_stories": False, "can_edit_stories": False, "can_delete_stories": False,
    "can_pin_messages": True,
}  # fmt: skip


def get_me(ctx: Context, params: dict[str, Any]) -> JSON:
    """getMe: the bot user with the capability flags Telegram adds."""
    return {
        **ctx.state.bot_user,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": True,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def _confirm(state: EmulatorState, offset: int) -> None:
    """Telegram semantics: offset N forgets updates < N; offset -N keeps only the last N."""
    if offset > 0:
        state.updates = [u for u in state.updates if u["update_id"] >= offset]
        state.delivered_up_to = max(state.delivered_up_to, offset - 1)
    elif offset < 0:
        state.updates = state.updates[offset:]


def _drop_not_allowed(state: EmulatorState) -> None:
    state.updates = [u for u in state.updates if set(u) - {"update_id"} <= state.allowed_updates]


async def get_updates(ctx: Context, params: dict[str, Any]) -> list[JSON]:
    """getUpdates with offset/limit/allowed_updates and long polling (returns on arrival)."""
    state = ctx.state
    if state.webhook_url:
        raise ApiError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        )
    offset = int_param(params, "offset", 0)
    limit = min(max(int_param(params, "limit", 100), 1), 100)
    timeout = max(int_param(params, "timeout", 0), 0)
    allowed = params.get("allowed_updates")
    if isinstance(allowed, list):
        state.allowed_updates = frozenset(allowed) if allowed else DEFAULT_ALLOWED
    _confirm(state, offset)
    state.poll_generation += 1
    generation = state.poll_generation
    state.notify_updates()  # a still-waiting older poll must now fail with 409
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        if generation != state.poll_generation:
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            )
        _drop_not_allowed(state)
        remaining = deadline - loop.time()
        if state.updates or state.closing or remaining <= 0:
            break
        try:
            await asyncio.wait_for(state.update_event.wait(), remaining)
        except TimeoutError:
            continue
    if not ctx.client_alive():  # the client gave up (e.g. PTB shutting down): deliver nothing
        return []
    batch = state.updates[:limit]
    if batch:
        state.delivered_up_to = max(state.delivered_up_to, batch[-1]["update_id"])
    return copy.deepcopy(batch)


def delete_webhook(ctx: Context, params: dict[str, Any]) -> bool:
    """deleteWebhook (drop_pending_updates clears the queue)."""
    state = ctx.state
    state.webhook_url = ""
    if params.get("drop_pending_updates"):
        if state.updates:
            state.delivered_up_to = max(state.delivered_up_to, state.updates[-1]["update_id"])
        state.updates = []
        state.notify_updates()
    return True


def set_webhook(ctx: Context, params: dict[str, Any]) -> bool:
    """setWebhook: only remembered (the emulator never pushes)."""
    ctx.state.webhook_url = str(params.get("url") or "")
    return True


def get_webhook_info(ctx: Context, params: dict[str, Any]) -> JSON:
    """getWebhookInfo."""
    state = ctx.state
    return {
        "url": state.webhook_url,
        "has_custom_certificate": False,
        "pending_update_count": len(state.updates),
    }


def scope_key(ctx: Context, params: dict[str, Any]) -> str:
    """Storage key for a BotCommandScope (+ ``#lang`` when a language_code is given)."""
    scope = params.get("scope") or {"type": "default"}
    if not isinstance(scope, dict):
        raise bad_request("can't parse BotCommandScope JSON object")
    kind = scope.get("type")
    if kind in ("default", "all_private_chats", "all_group_chats", "all_chat_administrators"):
        key = str(kind)
    elif kind in ("chat", "chat_administrators", "chat_member"):
        chat = resolve_chat(ctx, scope, writing=False)
        key = f"{kind}:{chat['id']}"
        if kind == "chat_member":
            key += f":{int_param(scope, 'user_id')}"
    else:
        raise bad_request("wrong parameter scope in request")
    language = params.get("language_code")
    return f"{key}#{language}" if language else key


def set_my_commands(ctx: Context, params: dict[str, Any]) -> bool:
    """setMyCommands: validated like Telegram and stored per scope."""
    commands = params.get("commands")
    if not isinstance(commands, list):
        raise bad_request('parameter "commands" is required')
    if len(commands) > 100:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    cleaned = []
    for item in commands:
        if not isinstance(item, dict) or not _COMMAND_RE.match(str(item.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(item.get("description", "")).strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        cleaned.append({"command": item["command"], "description": item["description"]})
    key = scope_key(ctx, params)
    if cleaned:
        ctx.state.commands[key] = cleaned
    else:
        ctx.state.commands.pop(key, None)
    return True


def get_my_commands(ctx: Context, params: dict[str, Any]) -> list[JSON]:
    """getMyCommands for exactly that scope (no fallback, like Telegram)."""
    return copy.deepcopy(ctx.state.commands.get(scope_key(ctx, params), []))


def delete_my_commands(ctx: Context, params: dict[str, Any]) -> bool:
    """deleteMyCommands for that scope."""
    ctx.state.commands.pop(scope_key(ctx, params), None)
    return True


def _describer(field: str) -> tuple[Handler, Handler]:
    def setter(ctx: Context, params: dict[str, Any]) -> bool:
        ctx.state.descriptions[field] = str(params.get(field) or "")
        return True

    def getter(ctx: Context, params: dict[str, Any]) -> JSON:
        return {field: ctx.state.descriptions.get(field, "")}

    return setter, getter


def leave_chat(ctx: Context, params: dict[str, Any]) -> bool:
    """leaveChat: the group lands in ``left_chats``; later sends get 403."""
    chat = resolve_chat(ctx, params, writing=False)
    if chat["type"] == "private":
        raise bad_request("chat member status can't be changed in private chats")
    if chat["id"] in ctx.state.left_chats:
        raise forbidden(f"bot is not a member of the {chat['type']} chat")
    ctx.state.left_chats.add(chat["id"])
    return True


def get_chat(ctx: Context, params: dict[str, Any]) -> JSON:
    """getChat: a ChatFullInfo (fields PTB requires included)."""
    chat = resolve_chat(ctx, params, writing=False)
    if chat["id"] in ctx.state.left_chats:
        raise forbidden(f"bot is not a member of the {chat['type']} chat")
    gifts = {
        "unlimited_gifts": True, "limited_gifts": True, "unique_gifts": True,
        "premium_subscription": True, "gifts_from_channels": True,
    }  # fmt: skip
    return {
        **copy.deepcopy(chat),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": gifts,
    }


def get_chat_member(ctx: Context, params: dict[str, Any]) -> JSON:
    """getChatMember: member unless set otherwise via ``set_member_status``."""
    state = ctx.state
    chat = resolve_chat(ctx, params, writing=False)
    user_id = int_param(params, "user_id")
    user = state.bot_user if user_id == state.bot_user["id"] else state.users.get(user_id)
    if user is None:
        raise bad_request("user not found")
    if user_id == state.bot_user["id"] and chat["id"] in state.left_chats:
        status = "left"
    elif chat["type"] == "private":
        status = "member" if user_id in (chat["id"], state.bot_user["id"]) else "left"
    else:
        status = state.member_status.get((chat["id"], user_id), "member")
    member: JSON = {"status": status, "user": copy.deepcopy(user)}
    if status == "administrator":
        member.update(_ADMIN_RIGHTS)
    elif status == "creator":
        member["is_anonymous"] = False
    elif status == "kicked":
        member["until_date"] = 0
    return member


def get_file(ctx: Context, params: dict[str, Any]) -> JSON:
    """getFile: file_path is served under base_file_url + token + "/" + file_path."""
    stored = ctx.state.files.get(str(params.get("file_id") or ""))
    if stored is None:
        raise bad_request("wrong file_id or the file is temporarily unavailable")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.content),
        "file_path": stored.file_path,
    }


def _true(ctx: Context, params: dict[str, Any]) -> bool:
    return True


_set_description, _get_description = _describer("description")
_set_short, _get_short = _describer("short_description")

METHODS: dict[str, Handler] = {
    "getMe": get_me,
    "getUpdates": get_updates,
    "deleteWebhook": delete_webhook,
    "setWebhook": set_webhook,
    "getWebhookInfo": get_webhook_info,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "setMyDescription": _set_description,
    "getMyDescription": _get_description,
    "setMyShortDescription": _set_short,
    "getMyShortDescription": _get_short,
    "sendMessage": messages.send_message,
    "editMessageText": messages.edit_message_text,
    "editMessageCaption": messages.edit_message_caption,
    "editMessageReplyMarkup": messages.edit_message_reply_markup,
    "deleteMessage": messages.delete_message,
    "answerCallbackQuery": messages.answer_callback_query,
    "answerInlineQuery": messages.answer_inline_query,
    "sendDocument": messages.send_document,
    "sendPhoto": messages.send_photo,
    "sendChatAction": messages.send_chat_action,
    "leaveChat": leave_chat,
    "getChat": get_chat,
    "getChatMember": get_chat_member,
    "getFile": get_file,
    "close": _true,
    "logOut": _true,
}
METHODS_LOWER: dict[str, str] = {name.lower(): name for name in METHODS}
