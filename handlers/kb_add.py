"""/kb_add: a new knowledge-base entry, one field per message.

question → answer → keywords → category → source → confirm. Each field is validated as it
arrives (:func:`knowledge_base.service.check_field`), so a mistake is caught at the step that
made it rather than at the end; a question that already exists is caught before its answer is
typed. The optional fields have a 跳过 button; the category offers the ones in use as buttons,
which keeps the categories from fragmenting into spelling variants.
"""

from __future__ import annotations

import asyncio

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from bot.callbackdata.codec import encode
from bot.callbackdata.kinds import SKIP, KbDialogue
from bot.context import BotContext
from bot.offload import db
from bot.services.staff.directory import Member
from bot.texts import kb as texts
from bot.texts.escape import escape
from handlers.access import guard
from handlers.buttons import read, stale
from handlers.kb_common import (
    CONFIRM,
    DRAFT,
    A,
    C,
    K,
    Q,
    S,
    buttons,
    clear_draft,
    draft,
    end_buttons,
    kb_of,
    manager,
    message_text,
)
from handlers.replies import reply
from knowledge_base.service import KbError, check_field

__all__ = [
    "add_answer",
    "add_category",
    "add_category_button",
    "add_keywords",
    "add_keywords_skip",
    "add_question",
    "add_save",
    "add_source",
    "add_source_skip",
    "add_start",
]


@guard("kb_add")
async def add_start(update: Update, context: BotContext, member: Member) -> int:
    """/kb_add: question → answer → keywords → category → source → confirm."""
    context.user_data[DRAFT] = {}  # type: ignore[index]
    await reply(update, texts.ADD_QUESTION)
    return Q


async def _take(update: Update, context: BotContext, name: str, value: object) -> bool:
    """Validate one field into the draft; on a problem say so and return False."""
    try:
        draft(context)[name] = check_field(name, value)
    except KbError as exc:
        await reply(update, texts.RETRY.format(error=texts.kb_error(exc)))
        return False
    return True


async def add_question(update: Update, context: BotContext) -> int:
    text = message_text(update)
    if not await _take(update, context, "question", text):
        return Q
    same = await db(kb_of(context).entries.find_question, draft(context)["question"])
    if same is not None:
        await reply(update, texts.DUPLICATE_IN_DIALOGUE.format(id=same.id,
                                                                question=escape(same.question)))
        return Q
    await reply(update, texts.ADD_ANSWER)
    return A


async def add_answer(update: Update, context: BotContext) -> int:
    if not await _take(update, context, "answer", message_text(update)):
        return A
    await reply(update, texts.ADD_KEYWORDS, reply_markup=buttons((texts.BTN_SKIP, "kbd1:skip")))
    return K


async def _ask_category(update: Update, context: BotContext) -> int:
    cats = await db(kb_of(context).entries.categories)
    context.user_data["kb_cats"] = cats  # type: ignore[index]
    rows = [[InlineKeyboardButton(c, callback_data=encode(KbDialogue(index=i))) for i, c in
             enumerate(cats) if i // 3 == r] for r in range((len(cats) + 2) // 3)]
    rows.append([InlineKeyboardButton(texts.BTN_SKIP, callback_data="kbd1:skip")])
    await reply(update, texts.ADD_CATEGORY, reply_markup=InlineKeyboardMarkup(rows))
    return C


async def add_keywords(update: Update, context: BotContext) -> int:
    if not await _take(update, context, "keywords", message_text(update)):
        return K
    return await _ask_category(update, context)


async def add_keywords_skip(update: Update, context: BotContext) -> int:
    await end_buttons(update)
    draft(context)["keywords"] = ()
    return await _ask_category(update, context)


async def _ask_source(update: Update) -> int:
    await reply(update, texts.ADD_SOURCE, reply_markup=buttons((texts.BTN_SKIP, "kbd1:skip")))
    return S


async def add_category(update: Update, context: BotContext) -> int:
    if not await _take(update, context, "category", message_text(update)):
        return C
    return await _ask_source(update)


async def add_category_button(update: Update, context: BotContext) -> int:
    query = update.callback_query
    assert query is not None
    cats: list[str] = context.user_data.get("kb_cats", [])  # type: ignore[union-attr]
    press = read(update, KbDialogue)
    if press is None or (press.word != SKIP and not 0 <= press.index < len(cats)):
        await stale(query)
        return C
    await end_buttons(update)
    value = cats[press.index] if press.index >= 0 else ""
    draft(context)["category"] = value
    return await _ask_source(update)


async def _confirm(update: Update, context: BotContext) -> int:
    preview = texts.render_draft(draft(context))
    await reply(update, texts.ADD_CONFIRM.format(preview=preview),
                reply_markup=buttons((texts.BTN_SAVE, "kbd1:save"),
                                     (texts.BTN_CANCEL, "kbd1:no")))
    return CONFIRM


async def add_source(update: Update, context: BotContext) -> int:
    if not await _take(update, context, "source", message_text(update)):
        return S
    return await _confirm(update, context)


async def add_source_skip(update: Update, context: BotContext) -> int:
    await end_buttons(update)
    draft(context)["source"] = ""
    return await _confirm(update, context)


async def add_save(update: Update, context: BotContext) -> int:
    await end_buttons(update)
    member = manager(update, context)
    values = draft(context)
    clear_draft(context)
    if member is None:
        return ConversationHandler.END
    try:
        e = await asyncio.to_thread(  # off the event loop: the entry is embedded
            kb_of(context).entries.add,
            actor=member.telegram_id, question=values.get("question", ""),
            answer=values.get("answer", ""), keywords=values.get("keywords", ()),
            category=values.get("category", ""), source=values.get("source", ""))
    except KbError as exc:
        await reply(update, texts.kb_error(exc))
        return ConversationHandler.END
    await reply(update, texts.ADD_DONE.format(id=e.id))
    return ConversationHandler.END
