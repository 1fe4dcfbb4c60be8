"""/kb_edit and /kb_del: changing or removing one existing entry.

/kb_edit changes one field per round (pick it with a button, send the new value), each saved
as a new version, so the history says exactly what changed. /kb_del asks for confirmation with
a standalone button (``kb1:del:<id>`` / ``kb1:x``); the entry is marked deleted, its history
stays for /kb_history.
"""

from __future__ import annotations

import asyncio

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from bot.callbackdata.codec import encode
from bot.callbackdata.kinds import KbCancel, KbDelete, KbDialogue
from bot.context import BotContext
from bot.offload import db
from bot.permissions import Perm
from bot.services.staff.directory import Member
from bot.texts import kb as texts
from bot.texts.escape import escape
from handlers.access import guard
from handlers.buttons import read, stale
from handlers.kb_common import (
    DRAFT,
    OPTIONAL,
    PICK,
    VALUE,
    buttons,
    clear_draft,
    draft,
    end_buttons,
    id_arg,
    kb_of,
    manager,
    message_text,
    staff_names,
)
from handlers.replies import reply
from knowledge_base.service import FIELD_NAMES_ZH, FIELDS, Entry, KbError

__all__ = ["cancel_button", "delete", "delete_button", "edit_pick", "edit_start", "edit_value"]


def _full(e: Entry, context: BotContext) -> str:
    """The entry as a manager checks it before and after a change: every phrasing shown."""
    return texts.render_entry(e, now=context.svc.clock.now(), names=staff_names(context),
                              similar_max=None)


# ----------------------------------------------------------------------------- /kb_edit
@guard("kb_edit")
async def edit_start(update: Update, context: BotContext, member: Member) -> int | None:
    """/kb_edit <id>: pick a field (buttons), send the new value; saved as a new version."""
    entry_id = id_arg(context)
    if entry_id is None:
        await reply(update, texts.EDIT_USAGE)
        return ConversationHandler.END
    e = await db(kb_of(context).entries.get, entry_id)
    if e is None or not e.active:
        await reply(update, texts.NOT_FOUND_ID.format(id=entry_id))
        return ConversationHandler.END
    context.user_data[DRAFT] = {"id": entry_id}  # type: ignore[index]
    labels = [InlineKeyboardButton(FIELD_NAMES_ZH[f], callback_data=f"kbd1:f:{f}")
              for f in FIELDS]
    markup = InlineKeyboardMarkup([labels[:3], labels[3:],
                                   [InlineKeyboardButton(texts.BTN_CANCEL,
                                                         callback_data="kbd1:no")]])
    await reply(update, _full(e, context) + "\n\n" + texts.EDIT_PICK.format(id=entry_id),
                reply_markup=markup)
    return PICK


async def edit_pick(update: Update, context: BotContext) -> int:
    query = update.callback_query
    assert query is not None
    await end_buttons(update)
    press = read(update, KbDialogue)
    name = press.field if press is not None else ""
    values = draft(context)
    e = await db(kb_of(context).entries.get, int(values.get("id", 0)))
    if name not in FIELDS or e is None or not e.active:
        clear_draft(context)
        await reply(update, texts.STALE)
        return ConversationHandler.END
    values["field"] = name
    current = e.fields()[name]
    if isinstance(current, list):
        current = ("｜" if name == "similar" else "、").join(current)
    prompt = texts.EDIT_ASK.format(field=FIELD_NAMES_ZH[name],
                                   current=escape(str(current)) or "—")
    if name == "similar":
        prompt += "\n" + texts.EDIT_ASK_SIMILAR
    if name in OPTIONAL:
        prompt += "\n" + texts.EDIT_ASK_CLEAR
    await reply(update, prompt, reply_markup=buttons((texts.BTN_CANCEL, "kbd1:no")))
    return VALUE


async def edit_value(update: Update, context: BotContext) -> int:
    values = draft(context)
    member = manager(update, context)
    name = values.get("field")
    if member is None or name is None:
        clear_draft(context)
        return ConversationHandler.END
    value: object = message_text(update)
    if name in OPTIONAL and value in texts.CLEAR_WORDS:
        value = ""
    kb = kb_of(context)
    before = await db(kb.entries.get, int(values["id"]))
    try:
        e = await asyncio.to_thread(  # off the event loop: the entry is re-embedded
            kb.entries.edit, actor=member.telegram_id, entry_id=int(values["id"]),
            **{name: value})
    except KbError as exc:
        await reply(update, texts.RETRY_OR_CANCEL.format(error=texts.kb_error(exc)))
        return VALUE
    clear_draft(context)
    if before is not None and e.version == before.version:
        await reply(update, texts.EDIT_SAME)
        return ConversationHandler.END
    await reply(update, texts.EDIT_DONE.format(id=e.id, version=e.version) + "\n\n"
                + _full(e, context))
    return ConversationHandler.END


# ----------------------------------------------------------------------------- /kb_del
@guard("kb_del")
async def delete(update: Update, context: BotContext, member: Member) -> None:
    """/kb_del <id>: confirm with a button; the entry's history stays."""
    entry_id = id_arg(context)
    if entry_id is None:
        await reply(update, texts.DEL_USAGE)
        return
    e = await db(kb_of(context).entries.get, entry_id)
    if e is None or not e.active:
        await reply(update, texts.NOT_FOUND_ID.format(id=entry_id))
        return
    await reply(update, texts.DEL_CONFIRM.format(id=entry_id, preview=_full(e, context)),
                reply_markup=buttons((texts.BTN_DEL, encode(KbDelete(entry_id))),
                                     (texts.BTN_CANCEL, encode(KbCancel()))))


@guard(Perm.manage_kb)
async def delete_button(update: Update, context: BotContext, member: Member) -> None:
    query = update.callback_query
    assert query is not None
    press = read(update, KbDelete)
    if press is None:
        await stale(query)
        return
    entry_id = press.entry_id
    try:
        await db(kb_of(context).entries.delete, actor=member.telegram_id, entry_id=entry_id)
    except KbError as exc:
        await query.answer(texts.kb_error(exc, html=False), show_alert=True)
        await query.edit_message_reply_markup(None)
        return
    await query.answer()
    await query.edit_message_text(texts.DEL_DONE.format(id=entry_id))


@guard(Perm.kb)
async def cancel_button(update: Update, context: BotContext, member: Member) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_text(texts.ADD_CANCELLED)
