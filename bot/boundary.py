"""The privacy boundary of everything the bot says in Telegram: one Bot class.

Every Bot API call the bot makes — ``context.bot.send_message``, ``query.edit_message_text``,
``message.reply_text``/``reply_document``, the courier's sends and edits — ends in
``Bot._post(endpoint, data)``. :class:`PrivacyBot` (the only bot ``build_application`` makes)
looks at that one call: when it is bound for a chat that is not a private chat (a group,
supergroup or channel: a negative chat id or an ``@username``; or an inline message, whose
chat is unknown), every text, caption and button label in it that is not already a
:class:`~bot.services.masker.Masked` text is masked with THE masker (patterns: labelled names,
phones in any writing, IDs, bank cards, e-mail addresses) before it leaves.

So a renderer that forgets its audience, a handler that edits a card into a group with raw
text, or a direct ``send_message`` to the duty group cannot put a citizen's data there: masking
is a property of the bot, not a convention each call site keeps. Texts rendered for a group
by ``bot.texts.render.render`` or ``handlers.replies.reply`` are ``Masked`` already (masked
with the ticket's own name and phone as known secrets too) and go out as they are.

Calls that would put a message in a group whose words cannot be masked here — a forward, a
copy, a media group, a poll — are refused (``UnmaskableSend``); the bot uses none of them.
A private chat (a positive chat id) is left alone: who may read what there is the renderers'
business (``bot.texts.audience``: the handling staff see the full ticket, a leader a masked
one).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from telegram import ForceReply, InlineKeyboardMarkup, ReplyKeyboardMarkup
from telegram.ext import ExtBot

from bot.services.masker import Masked, mask

TEXT_KEYS = ("text", "caption", "question", "explanation")
MARKUP_KEYS = ("text", "input_field_placeholder")  # button labels, the reply box's hint
# Endpoints whose words for a group this boundary cannot see or rewrite.
UNMASKABLE = frozenset({"forwardMessage", "forwardMessages", "copyMessage", "copyMessages",
                        "sendMediaGroup", "editMessageMedia", "sendPoll", "sendPaidMedia"})
_MARKUPS: tuple[type[Any], ...] = (InlineKeyboardMarkup, ReplyKeyboardMarkup, ForceReply)


class UnmaskableSend(RuntimeError):
    """A call that would put words in a group that the boundary cannot mask."""


def is_private(chat_id: object) -> bool:
    """A private chat's id is the user's id, a positive number; groups, supergroups and
    channels have negative ids, a public channel may be named by ``@username``."""
    if isinstance(chat_id, bool):
        return False
    try:
        return int(str(chat_id)) > 0
    except ValueError:
        return False


def leaves_private(data: Mapping[str, object]) -> bool:
    """Whether the call puts words in a chat that is not a private one."""
    if data.get("inline_message_id") is not None:  # its chat is unknown: assume a group
        return True
    chat = data.get("chat_id")
    return chat is not None and not is_private(chat)


def for_group(text: str) -> str:
    """``text`` as a group may see it: masked unless the masker has been through it."""
    return text if isinstance(text, Masked) else mask(text)


def guard_payload(endpoint: str, data: dict[str, Any]) -> dict[str, Any]:
    """The call's parameters as they may leave: masked when bound for a group."""
    if not leaves_private(data):
        return data
    if endpoint in UNMASKABLE:
        raise UnmaskableSend(f"{endpoint} to chat {data.get('chat_id')} cannot be masked")
    out = dict(data)
    for key in TEXT_KEYS:
        value = out.get(key)
        if isinstance(value, str):
            out[key] = for_group(value)
    markup = out.get("reply_markup")
    if isinstance(markup, _MARKUPS):
        out["reply_markup"] = _masked_markup(markup)
    return out


def _masked_markup(markup: Any) -> Any:
    """The keyboard with every label masked (the same object when nothing changes)."""
    raw = markup.to_dict()
    masked = _mask_labels(raw)
    return markup if masked == raw else type(markup).de_json(masked, None)


def _mask_labels(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (for_group(v) if k in MARKUP_KEYS and isinstance(v, str)
                    else _mask_labels(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_labels(v) for v in value]
    return value


class PrivacyBot(ExtBot[Any]):
    """The application's bot: every call passes :func:`guard_payload` on its way out."""

    __slots__ = ()

    async def _post(self, endpoint: str, data: dict[str, Any] | None = None, *,
                    api_kwargs: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        merged = {**(data or {}), **(api_kwargs or {})}
        if leaves_private(merged):
            data, api_kwargs = guard_payload(endpoint, merged), None
        return await super()._post(endpoint, data, api_kwargs=api_kwargs, **kwargs)
