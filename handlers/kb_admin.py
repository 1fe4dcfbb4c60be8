"""Knowledge-base upkeep (managers and admins): /kb_add and /kb_edit dialogues, /kb_del,
/kb_gaps, /kb_syn, /kb_stats.

Dialogue buttons use `kbd1:` (only meaningful while the dialogue runs; afterwards the stale
handler answers them); standalone buttons use `kb1:` — `kb1:del:<id>` / `kb1:x` (confirm or
cancel a deletion), `kb1:gc:<gap id>` (close a gap).

The handlers live in `handlers/kb_add.py` (/kb_add), `handlers/kb_edit.py` (/kb_edit, /kb_del),
`handlers/kb_upkeep.py` (/kb_gaps, /kb_syn) and `handlers/kb_common.py` (what they share). This
module wires them — `handlers/kb.py`'s `register(app)` calls the three `register_*` functions
at the right points of its handler order — and re-exports the handlers.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from handlers.kb_add import (
    add_answer,
    add_category,
    add_category_button,
    add_keywords,
    add_keywords_skip,
    add_question,
    add_save,
    add_source,
    add_source_skip,
    add_start,
)
from handlers.kb_common import (
    CONFIRM,
    DRAFT,
    PICK,
    VALUE,
    A,
    C,
    K,
    Q,
    S,
    dialogue_cancel,
    timed_out,
)
from handlers.kb_edit import (
    cancel_button,
    delete,
    delete_button,
    edit_pick,
    edit_start,
    edit_value,
)
from handlers.kb_upkeep import GAPS_SHOWN, close_gap_button, gaps, stats, synonyms

__all__ = [
    "CONFIRM",
    "DRAFT",
    "GAPS_SHOWN",
    "PICK",
    "VALUE",
    "A",
    "C",
    "K",
    "Q",
    "S",
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
    "cancel_button",
    "close_gap_button",
    "delete",
    "delete_button",
    "dialogue_cancel",
    "edit_pick",
    "edit_start",
    "edit_value",
    "gaps",
    "register_buttons",
    "register_commands",
    "register_dialogues",
    "stats",
    "synonyms",
    "timed_out",
]


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
    app.add_handler(CommandHandler("kb_stats", stats))


def register_buttons(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CallbackQueryHandler(delete_button, pattern=r"^kb1:del:\d+$"))
    app.add_handler(CallbackQueryHandler(cancel_button, pattern=r"^kb1:x$"))
    app.add_handler(CallbackQueryHandler(close_gap_button, pattern=r"^kb1:gc:\d+$"))
