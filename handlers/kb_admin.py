"""Knowledge-base upkeep (managers and admins): /kb_add and /kb_edit dialogues, /kb_del,
/kb_gaps, /kb_syn.

Dialogue buttons use `kbd1:` (only meaningful while the dialogue runs; afterwards the stale
handler answers them); standalone buttons use `kb1:` — `kb1:del:<id>` / `kb1:x` (confirm or
cancel a deletion), `kb1:gc:<gap id>` (close a gap).
"""

from __future__ import annotations

from html import escape
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.context import BotContext
from bot.permissions import Perm, allowed
from bot.services.staff import Member
from bot.texts import kb as texts
from handlers.access import command_args, guard
from handlers.replies import reply
from knowledge_base.service import (
    FIELD_NAMES_ZH,
    FIELDS,
    KbError,
    KnowledgeBase,
    check_field,
)

# dialogue states
Q, A, K, C, S, CONFIRM, PICK, VALUE = range(8)
DRAFT = "kb_draft"
GAPS_SHOWN = 10
_OPTIONAL = ("keywords", "category", "source")


def _kb(context: BotContext) -> KnowledgeBase:
    assert context.svc.kb is not None, "knowledge_base.service.attach(svc) was not called"
    return context.svc.kb


def _names(context: BotContext) -> dict[int, str]:
    return {m.telegram_id: m.name for m in context.svc.staff.all()}


def _manager(update: Update, context: BotContext) -> Member | None:
    """The member behind a dialogue step, if (still) allowed to maintain the KB."""
    user = update.effective_user
    member = context.svc.staff.get(user.id) if user else None
    if member is None or not allowed(member.role, Perm.manage_kb):
        return None
    return member


def _draft(context: BotContext) -> dict[str, Any]:
    return context.user_data.setdefault(DRAFT, {})  # type: ignore[union-attr]


def _clear(context: BotContext) -> None:
    for key in (DRAFT, "kb_cats"):
        context.user_data.pop(key, None)  # type: ignore[union-attr]


def _text(update: Update) -> str:
    msg = update.effective_message
    return ((msg.text or "") if msg else "").strip()


def _buttons(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)
                                  for label, data in pairs]])


def _id_arg(context: BotContext) -> int | None:
    args = command_args(context)
    if len(args) != 1 or not args[0].lstrip("#").isdigit():
        return None
    return int(args[0].lstrip("#"))


async def _end_buttons(update: Update) -> None:
    """Answer the button press and take the buttons off its message."""
    query = update.callback_query
    if query is not None:
        await query.answer()
        await query.edit_message_reply_markup(None)


# ----------------------------------------------------------------------------- /kb_add
@guard("kb_add")
async def add_start(update: Update, context: BotContext, member: Member) -> int:
    """/kb_add: question → answer → keywords → category → source → confirm."""
    context.user_data[DRAFT] = {}  # type: ignore[index]
    await reply(update, texts.ADD_QUESTION)
    return Q


async def _take(update: Update, context: BotContext, name: str, value: object) -> bool:
    """Validate one field into the draft; on a problem say so and return False."""
    try:
        _draft(context)[name] = check_field(name, value)
    except KbError as exc:
        await reply(update, escape(str(exc)) + "，请重新发送：")
        return False
    return True


async def add_question(update: Update, context: BotContext) -> int:
    text = _text(update)
    if not await _take(update, context, "question", text):
        return Q
    same = _kb(context).find_question(_draft(context)["question"])
    if same is not None:
        await reply(update, f"已有相同的问题：#{same.id} {escape(same.question)}\n"
                    f"修改请用 /kb_edit {same.id}；或发送另一个问题：")
        return Q
    await reply(update, texts.ADD_ANSWER)
    return A


async def add_answer(update: Update, context: BotContext) -> int:
    if not await _take(update, context, "answer", _text(update)):
        return A
    await reply(update, texts.ADD_KEYWORDS, reply_markup=_buttons((texts.BTN_SKIP, "kbd1:skip")))
    return K


async def _ask_category(update: Update, context: BotContext) -> int:
    cats = _kb(context).categories()
    context.user_data["kb_cats"] = cats  # type: ignore[index]
    rows = [[InlineKeyboardButton(c, callback_data=f"kbd1:cat:{i}") for i, c in
             enumerate(cats) if i // 3 == r] for r in range((len(cats) + 2) // 3)]
    rows.append([InlineKeyboardButton(texts.BTN_SKIP, callback_data="kbd1:skip")])
    await reply(update, texts.ADD_CATEGORY, reply_markup=InlineKeyboardMarkup(rows))
    return C


async def add_keywords(update: Update, context: BotContext) -> int:
    if not await _take(update, context, "keywords", _text(update)):
        return K
    return await _ask_category(update, context)


async def add_keywords_skip(update: Update, context: BotContext) -> int:
    await _end_buttons(update)
    _draft(context)["keywords"] = ()
    return await _ask_category(update, context)


async def _ask_source(update: Update) -> int:
    await reply(update, texts.ADD_SOURCE, reply_markup=_buttons((texts.BTN_SKIP, "kbd1:skip")))
    return S


async def add_category(update: Update, context: BotContext) -> int:
    if not await _take(update, context, "category", _text(update)):
        return C
    return await _ask_source(update)


async def add_category_button(update: Update, context: BotContext) -> int:
    query = update.callback_query
    assert query is not None and query.data is not None
    await _end_buttons(update)
    cats: list[str] = context.user_data.get("kb_cats", [])  # type: ignore[union-attr]
    value = ""
    if query.data.startswith("kbd1:cat:"):
        idx = int(query.data.rsplit(":", 1)[1])
        value = cats[idx] if idx < len(cats) else ""
    _draft(context)["category"] = value
    return await _ask_source(update)


async def _confirm(update: Update, context: BotContext) -> int:
    preview = texts.render_draft(_draft(context))
    await reply(update, texts.ADD_CONFIRM.format(preview=preview),
                reply_markup=_buttons((texts.BTN_SAVE, "kbd1:save"),
                                      (texts.BTN_CANCEL, "kbd1:no")))
    return CONFIRM


async def add_source(update: Update, context: BotContext) -> int:
    if not await _take(update, context, "source", _text(update)):
        return S
    return await _confirm(update, context)


async def add_source_skip(update: Update, context: BotContext) -> int:
    await _end_buttons(update)
    _draft(context)["source"] = ""
    return await _confirm(update, context)


async def add_save(update: Update, context: BotContext) -> int:
    await _end_buttons(update)
    member = _manager(update, context)
    draft = _draft(context)
    _clear(context)
    if member is None:
        return ConversationHandler.END
    try:
        e = _kb(context).add(actor=member.telegram_id, question=draft.get("question", ""),
                             answer=draft.get("answer", ""),
                             keywords=draft.get("keywords", ()),
                             category=draft.get("category", ""), source=draft.get("source", ""))
    except KbError as exc:
        await reply(update, escape(str(exc)))
        return ConversationHandler.END
    await reply(update, texts.ADD_DONE.format(id=e.id))
    return ConversationHandler.END


async def dialogue_cancel(update: Update, context: BotContext) -> int:
    """/cancel or the 取消 button inside /kb_add or /kb_edit."""
    if update.callback_query is not None:
        await _end_buttons(update)
    _clear(context)
    await reply(update, texts.ADD_CANCELLED)
    return ConversationHandler.END


async def timed_out(update: Update, context: BotContext) -> None:
    _clear(context)
    if update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, texts.ADD_TIMEOUT)


# ----------------------------------------------------------------------------- /kb_edit
@guard("kb_edit")
async def edit_start(update: Update, context: BotContext, member: Member) -> int | None:
    """/kb_edit <id>: pick a field (buttons), send the new value; saved as a new version."""
    entry_id = _id_arg(context)
    if entry_id is None:
        await reply(update, texts.EDIT_USAGE)
        return ConversationHandler.END
    e = _kb(context).get(entry_id)
    if e is None or not e.active:
        await reply(update, texts.NOT_FOUND_ID.format(id=entry_id))
        return ConversationHandler.END
    context.user_data[DRAFT] = {"id": entry_id}  # type: ignore[index]
    labels = [InlineKeyboardButton(FIELD_NAMES_ZH[f], callback_data=f"kbd1:f:{f}")
              for f in FIELDS]
    markup = InlineKeyboardMarkup([labels[:3], labels[3:],
                                   [InlineKeyboardButton(texts.BTN_CANCEL,
                                                         callback_data="kbd1:no")]])
    preview = texts.render_entry(e, now=context.svc.clock.now(), names=_names(context))
    await reply(update, preview + "\n\n" + texts.EDIT_PICK.format(id=entry_id),
                reply_markup=markup)
    return PICK


async def edit_pick(update: Update, context: BotContext) -> int:
    query = update.callback_query
    assert query is not None and query.data is not None
    await _end_buttons(update)
    name = query.data.rsplit(":", 1)[1]
    draft = _draft(context)
    e = _kb(context).get(int(draft.get("id", 0)))
    if name not in FIELDS or e is None or not e.active:
        _clear(context)
        await reply(update, texts.STALE)
        return ConversationHandler.END
    draft["field"] = name
    current = e.fields()[name]
    if isinstance(current, list):
        current = "、".join(current)
    prompt = texts.EDIT_ASK.format(field=FIELD_NAMES_ZH[name],
                                   current=escape(str(current)) or "—")
    if name in _OPTIONAL:
        prompt += "\n" + texts.EDIT_ASK_CLEAR
    await reply(update, prompt, reply_markup=_buttons((texts.BTN_CANCEL, "kbd1:no")))
    return VALUE


async def edit_value(update: Update, context: BotContext) -> int:
    draft = _draft(context)
    member = _manager(update, context)
    name = draft.get("field")
    if member is None or name is None:
        _clear(context)
        return ConversationHandler.END
    value: object = _text(update)
    if name in _OPTIONAL and value in texts.CLEAR_WORDS:
        value = ""
    kb = _kb(context)
    before = kb.get(int(draft["id"]))
    try:
        e = kb.edit(actor=member.telegram_id, entry_id=int(draft["id"]), **{name: value})
    except KbError as exc:
        await reply(update, escape(str(exc)) + "，请重新发送（/cancel 取消）：")
        return VALUE
    _clear(context)
    if before is not None and e.version == before.version:
        await reply(update, texts.EDIT_SAME)
        return ConversationHandler.END
    await reply(update, texts.EDIT_DONE.format(id=e.id, version=e.version) + "\n\n"
                + texts.render_entry(e, now=context.svc.clock.now(), names=_names(context)))
    return ConversationHandler.END


# ----------------------------------------------------------------------------- /kb_del
@guard("kb_del")
async def delete(update: Update, context: BotContext, member: Member) -> None:
    """/kb_del <id>: confirm with a button; the entry's history stays."""
    entry_id = _id_arg(context)
    if entry_id is None:
        await reply(update, texts.DEL_USAGE)
        return
    e = _kb(context).get(entry_id)
    if e is None or not e.active:
        await reply(update, texts.NOT_FOUND_ID.format(id=entry_id))
        return
    preview = texts.render_entry(e, now=context.svc.clock.now(), names=_names(context))
    await reply(update, texts.DEL_CONFIRM.format(id=entry_id, preview=preview),
                reply_markup=_buttons((texts.BTN_DEL, f"kb1:del:{entry_id}"),
                                      (texts.BTN_CANCEL, "kb1:x")))


@guard(Perm.manage_kb)
async def delete_button(update: Update, context: BotContext, member: Member) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    entry_id = int(query.data.rsplit(":", 1)[1])
    try:
        _kb(context).delete(actor=member.telegram_id, entry_id=entry_id)
    except KbError as exc:
        await query.answer(str(exc), show_alert=True)
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


# ----------------------------------------------------------------------------- /kb_gaps
def _gaps_view(context: BotContext) -> tuple[str, InlineKeyboardMarkup | None]:
    kb = _kb(context)
    gaps = kb.open_gaps(limit=GAPS_SHOWN)
    total = kb.count_open_gaps()
    text = texts.render_gaps(gaps, total, now=context.svc.clock.now(), names=_names(context))
    buttons = [InlineKeyboardButton(texts.BTN_CLOSE_GAP.format(id=g.id),
                                    callback_data=f"kb1:gc:{g.id}") for g in gaps]
    rows = [buttons[i:i + 3] for i in range(0, len(buttons), 3)]
    return text, InlineKeyboardMarkup(rows) if rows else None


@guard("kb_gaps")
async def gaps(update: Update, context: BotContext, member: Member) -> None:
    """/kb_gaps: the open gaps (close buttons); `/kb_gaps close <gap> [entry]`."""
    args = command_args(context)
    if not args:
        text, markup = _gaps_view(context)
        await reply(update, text, reply_markup=markup)
        return
    ok = (args[0].lower() in ("close", "关闭") and 2 <= len(args) <= 3
          and all(a.lstrip("#").isdigit() for a in args[1:]))
    if not ok:
        await reply(update, texts.GAPS_USAGE)
        return
    gap_id = int(args[1].lstrip("#"))
    entry_id = int(args[2].lstrip("#")) if len(args) == 3 else None
    try:
        _kb(context).close_gap(actor=member.telegram_id, gap_id=gap_id, entry_id=entry_id)
    except KbError as exc:
        await reply(update, escape(str(exc)))
        return
    done = texts.GAP_CLOSED_WITH.format(id=gap_id, entry=entry_id) if entry_id is not None \
        else texts.GAP_CLOSED.format(id=gap_id)
    await reply(update, done)


@guard(Perm.manage_kb)
async def close_gap_button(update: Update, context: BotContext, member: Member) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    gap_id = int(query.data.rsplit(":", 1)[1])
    try:
        _kb(context).close_gap(actor=member.telegram_id, gap_id=gap_id)
    except KbError as exc:
        await query.answer(str(exc), show_alert=True)
    else:
        await query.answer(texts.GAP_CLOSED.format(id=gap_id))
    text, markup = _gaps_view(context)
    await query.edit_message_text(text, reply_markup=markup)


# ----------------------------------------------------------------------------- /kb_syn
@guard("kb_syn")
async def synonyms(update: Update, context: BotContext, member: Member) -> None:
    """/kb_syn: list; `/kb_syn add 词1 词2 …`; `/kb_syn del <组号> [词]`."""
    args = command_args(context)
    kb = _kb(context)
    try:
        if not args:
            await reply(update, texts.render_synonyms(kb.synonyms()))
            return
        verb = args[0].lower()
        if verb in ("add", "新增") and len(args) >= 2:
            group = kb.add_synonyms(actor=member.telegram_id, members=args[1:])
            await reply(update, texts.SYN_ADDED.format(
                id=group.id, members=texts.join_members(group.members)))
            return
        if verb in ("del", "删除") and len(args) in (2, 3) and args[1].lstrip("#").isdigit():
            group_id = int(args[1].lstrip("#"))
            left = kb.remove_synonyms(actor=member.telegram_id, group_id=group_id,
                                      member=args[2] if len(args) == 3 else None)
            if left is None:
                await reply(update, texts.SYN_DELETED.format(id=group_id))
            else:
                await reply(update, texts.SYN_MEMBER_DELETED.format(
                    id=group_id, member=escape(args[2]),
                    members=texts.join_members(left.members)))
            return
    except KbError as exc:
        await reply(update, escape(str(exc)))
        return
    await reply(update, texts.SYN_USAGE)


# ----------------------------------------------------------------------------- wiring
def register_dialogues(app: Application) -> None:  # type: ignore[type-arg]
    text = filters.TEXT & ~filters.COMMAND
    timeout = app.bot_data.svc.settings.new_ticket_timeout_minutes * 60
    cancel = [CommandHandler("cancel", dialogue_cancel),
              CallbackQueryHandler(dialogue_cancel, pattern=r"^kbd1:no$")]
    skip = r"^kbd1:skip$"
    app.add_handler(ConversationHandler(
        entry_points=[CommandHandler("kb_add", add_start)],
        states={
            Q: [MessageHandler(text, add_question)],
            A: [MessageHandler(text, add_answer)],
            K: [MessageHandler(text, add_keywords),
                CallbackQueryHandler(add_keywords_skip, pattern=skip)],
            C: [MessageHandler(text, add_category),
                CallbackQueryHandler(add_category_button, pattern=r"^kbd1:(cat:\d+|skip)$")],
            S: [MessageHandler(text, add_source),
                CallbackQueryHandler(add_source_skip, pattern=skip)],
            CONFIRM: [CallbackQueryHandler(add_save, pattern=r"^kbd1:save$")],
            ConversationHandler.TIMEOUT: [TypeHandler(Update, timed_out)],
        },
        fallbacks=cancel,
        conversation_timeout=timeout,
        allow_reentry=True,
        name="kb_add",
    ))
    app.add_handler(ConversationHandler(
        entry_points=[CommandHandler("kb_edit", edit_start)],
        states={
            PICK: [CallbackQueryHandler(edit_pick, pattern=r"^kbd1:f:\w+$")],
            VALUE: [MessageHandler(text, edit_value)],
            ConversationHandler.TIMEOUT: [TypeHandler(Update, timed_out)],
        },
        fallbacks=cancel,
        conversation_timeout=timeout,
        allow_reentry=True,
        name="kb_edit",
    ))


def register_commands(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("kb_del", delete))
    app.add_handler(CommandHandler("kb_gaps", gaps))
    app.add_handler(CommandHandler("kb_syn", synonyms))


def register_buttons(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CallbackQueryHandler(delete_button, pattern=r"^kb1:del:\d+$"))
    app.add_handler(CallbackQueryHandler(cancel_button, pattern=r"^kb1:x$"))
    app.add_handler(CallbackQueryHandler(close_gap_button, pattern=r"^kb1:gc:\d+$"))
