"""What the knowledge-base upkeep handlers share: dialogue state, the draft, small helpers.

The /kb_add and /kb_edit dialogues keep their work in ``user_data[DRAFT]`` and end the same way
(/cancel, the 取消 button, a timeout), so the state numbers, the draft and the endings live here
rather than in either dialogue. A dialogue step re-checks the member's permission
(:func:`manager`): the role may have changed while the dialogue was waiting.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.permissions import Perm, allowed
from bot.services.staff.directory import Member
from bot.texts import kb as texts
from handlers.access import command_args
from handlers.args import number
from handlers.replies import reply
from knowledge_base.service import KnowledgeBase

__all__ = [
    "CONFIRM",
    "DRAFT",
    "OPTIONAL",
    "PICK",
    "VALUE",
    "A",
    "C",
    "K",
    "Q",
    "S",
    "buttons",
    "clear_draft",
    "dialogue_cancel",
    "draft",
    "end_buttons",
    "id_arg",
    "kb_of",
    "manager",
    "message_text",
    "staff_names",
    "timed_out",
]

# dialogue states
Q, A, K, C, S, CONFIRM, PICK, VALUE = range(8)
DRAFT = "kb_draft"
OPTIONAL = ("keywords", "category", "source", "similar")  # fields that may be left empty


def kb_of(context: BotContext) -> KnowledgeBase:
    assert context.svc.kb is not None, "build_services() builds the knowledge base"
    return context.svc.kb


def staff_names(context: BotContext) -> dict[int, str]:
    return {m.telegram_id: m.name for m in context.svc.staff.all()}


def manager(update: Update, context: BotContext) -> Member | None:
    """The member behind a dialogue step, if (still) allowed to maintain the KB."""
    user = update.effective_user
    member = context.svc.staff.get(user.id) if user else None
    if member is None or not allowed(member.role, Perm.manage_kb):
        return None
    return member


def draft(context: BotContext) -> dict[str, Any]:
    return context.user_data.setdefault(DRAFT, {})  # type: ignore[union-attr]


def clear_draft(context: BotContext) -> None:
    for key in (DRAFT, "kb_cats"):
        context.user_data.pop(key, None)  # type: ignore[union-attr]


def message_text(update: Update) -> str:
    msg = update.effective_message
    return ((msg.text or "") if msg else "").strip()


def buttons(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)
                                  for label, data in pairs]])


def id_arg(context: BotContext) -> int | None:
    args = command_args(context)
    return number(args[0]) if len(args) == 1 else None


async def end_buttons(update: Update) -> None:
    """Answer the button press and take the buttons off its message."""
    query = update.callback_query
    if query is not None:
        await query.answer()
        await query.edit_message_reply_markup(None)


async def dialogue_cancel(update: Update, context: BotContext) -> int:
    """/cancel or the 取消 button inside /kb_add or /kb_edit."""
    if update.callback_query is not None:
        await end_buttons(update)
    clear_draft(context)
    await reply(update, texts.ADD_CANCELLED)
    return ConversationHandler.END


async def timed_out(update: Update, context: BotContext) -> None:
    clear_draft(context)
    if update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, texts.ADD_TIMEOUT)
