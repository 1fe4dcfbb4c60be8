"""Every Telegram handler, in dispatch order — the one list to read to know what an update hits.

PTB tries the handlers of a group in order and the first that matches wins; groups run in
ascending order. So:

* group -1 holds the access gate: it sees every update first and stops strangers and
  foreign groups before any feature runs. Before it, edited messages are dropped: an edit
  must never run a command again (an edit into `/urgent …` would raise a second alert);
* every button's data is read by one codec (`bot/callbackdata`); the last handler answers
  any press nothing else took with 按钮已失效, so no button keeps spinning;
* in group 0, the dialogues (ConversationHandlers) come first: while one runs, its own
  ``/cancel`` and free-text steps must win over the plain commands and the private-chat
  knowledge-base search at the end;
* stale-button catch-alls come after the real button patterns of their prefix;
* the private-chat text search and the unknown-command answer come last, so they only see
  what nothing above took.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from handlers import (
    access,
    admin,
    alerts,
    buttons,
    compliance,
    compliance_files,
    compliance_recordings,
    compliance_tickets,
    daily,
    fallback,
    kb,
    kb_admin,
    reminders,
    reports,
    roster,
    start,
    ticket_actions,
    ticket_new,
    tickets,
)

GATE_GROUP = -1
FEATURE_GROUP = 0

Handler = BaseHandler[Update, object, object]
TEXT = filters.TEXT & ~filters.COMMAND
RECORDINGS = filters.VOICE | filters.AUDIO | filters.Document.ALL
#: what may be sent in reply to a ticket card (videos are refused with a reason)
TICKET_FILES = RECORDINGS | filters.PHOTO | filters.VIDEO | filters.VIDEO_NOTE


def routes(*, dialogue_timeout_minutes: int) -> list[tuple[Handler, int]]:
    """(handler, group) pairs in the order they are added to the Application."""
    timeout = dialogue_timeout_minutes * 60
    gate: list[Handler] = [
        # first: an edited message (or channel post) goes no further, whatever it says
        MessageHandler(filters.UpdateType.EDITED, fallback.drop_edit),
        TypeHandler(Update, access.gate),
    ]
    features: list[Handler] = [
        # dialogues first (see the module docstring)
        _new_ticket_dialogue(timeout),
        # before the ticket actions: it only takes a reply to its own prompt
        _mistake_dialogue(timeout),
        _ticket_action_dialogue(timeout),
        _reminder_done_dialogue(timeout),
        _kb_add_dialogue(timeout),
        _kb_edit_dialogue(timeout),
        _staffinfo_dialogue(timeout),
        _policy_dialogue(timeout),
        *_people(),
        *_tickets_and_alerts(),
        *_duty(),
        *_knowledge_base(),
        *_compliance(),
        # files: after the dialogues that wait for one (policies, the 回访 recording)
        MessageHandler(TICKET_FILES & (filters.REPLY | filters.ChatType.PRIVATE),
                       compliance_recordings.reply_file),
        # last: only what nothing above took
        CommandHandler("cancel", fallback.cancel_nothing),
        MessageHandler(TEXT & filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE,
                       kb.private_text),
        MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, fallback.unknown_command),
        CallbackQueryHandler(buttons.unknown_button),
    ]
    return [(h, GATE_GROUP) for h in gate] + [(h, FEATURE_GROUP) for h in features]


def _people() -> list[Handler]:
    """Start, help and staff administration."""
    return [
        CommandHandler("start", start.start),
        CommandHandler("help", start.help_command),
        CommandHandler("adduser", admin.adduser),
        CommandHandler("setrole", admin.setrole),
        CommandHandler("deluser", admin.deluser),
        CommandHandler("staff", admin.staff_list),
        CommandHandler("setcontact", admin.setcontact),
        CallbackQueryHandler(admin.access_request_button, pattern=r"^ar1:"),
    ]


def _tickets_and_alerts() -> list[Handler]:
    return [
        CommandHandler("t", tickets.show_ticket),
        CommandHandler("mine", tickets.mine),
        CommandHandler("open", tickets.open_tickets),
        CommandHandler("overdue", tickets.overdue),
        CommandHandler("find", tickets.find),
        CommandHandler("complex", tickets.mark_complex),
        CallbackQueryHandler(tickets.page_button, pattern=r"^pg1:"),
        CommandHandler("urgent", alerts.urgent),
        CommandHandler("alerts", alerts.alerts_list),
        CommandHandler("setsection", alerts.setsection),
        CallbackQueryHandler(alerts.on_button, pattern=r"^al1:"),
        CallbackQueryHandler(reminders.on_snooze, pattern=r"^rm1:snz:"),
    ]


def _duty() -> list[Handler]:
    """The holiday calendar, the roster, the daily post and the reports."""
    return [
        CommandHandler("holidays", reminders.holidays),
        CommandHandler("duty", roster.duty),
        CommandHandler("roster", roster.roster_week),
        CommandHandler("roster_set", roster.roster_set),
        CommandHandler("special", roster.special),
        CommandHandler("handover", roster.handover),
        CommandHandler("swap", roster.swap),
        CallbackQueryHandler(roster.swap_button, pattern=r"^sw1:"),
        CommandHandler("daily", daily.daily),
        *[CommandHandler(command, reports.report_command(command))
          for command in reports.COMMAND_KINDS],
    ]


def _knowledge_base() -> list[Handler]:
    return [
        CommandHandler("kb", kb.kb_command),
        CommandHandler("kb_history", kb.history),
        CommandHandler("kb_del", kb_admin.delete),
        CommandHandler("kb_gaps", kb_admin.gaps),
        CommandHandler("kb_syn", kb_admin.synonyms),
        CommandHandler("kb_stats", kb_admin.stats),
        CallbackQueryHandler(kb.open_button, pattern=r"^kb1:o:"),
        CallbackQueryHandler(kb.gap_button, pattern=r"^kb1:gap:"),
        CallbackQueryHandler(kb_admin.delete_button, pattern=r"^kb1:del:\d+$"),
        CallbackQueryHandler(kb_admin.cancel_button, pattern=r"^kb1:x$"),
        CallbackQueryHandler(kb_admin.close_gap_button, pattern=r"^kb1:gc:\d+$"),
        # after every kb1:/kbd1: pattern above: a button of a dialogue that has ended
        CallbackQueryHandler(kb.stale_button, pattern=r"^kbd?1:"),
        InlineQueryHandler(kb.inline_search),
    ]


def _compliance() -> list[Handler]:
    """Contract compliance (docs/assessment.md); its two dialogues are above."""
    return [
        CommandHandler("staffinfo", compliance.staffinfo),
        CallbackQueryHandler(compliance.choice_button, pattern=r"^cs1:v:"),
        CommandHandler("training", compliance.training),
        CommandHandler("incident", compliance.incident),
        CommandHandler("assess", compliance.assess),
        CommandHandler("workreport", compliance.workreport),
        CommandHandler("ledger", compliance.ledger),
        CallbackQueryHandler(compliance_tickets.mistake_button, pattern=r"^tm1:m:\d+$"),
        CallbackQueryHandler(compliance_tickets.cancel_button, pattern=r"^tm1:x$"),
        # after the 回访 step's own 跳过 (in the ticket-action dialogue): a stale one
        CallbackQueryHandler(compliance_recordings.stale_skip, pattern=r"^tr1:"),
    ]


def _staffinfo_dialogue(timeout: float) -> ConversationHandler:  # type: ignore[type-arg]
    """A register field button, then (for dates and the major) the typed value."""
    return ConversationHandler(
        entry_points=[CallbackQueryHandler(compliance.field_button, pattern=r"^cs1:f:")],
        states={compliance.VALUE: [MessageHandler(TEXT, compliance.field_value)]},
        fallbacks=[CommandHandler("cancel", compliance.dialogue_cancel),
                   CallbackQueryHandler(compliance.field_button, pattern=r"^cs1:f:")],
        conversation_timeout=timeout,
        allow_reentry=True,
        name="staffinfo",
    )


def _policy_dialogue(timeout: float) -> ConversationHandler:  # type: ignore[type-arg]
    """/policies (or its upload button), then the document in reply to the prompt."""
    return ConversationHandler(
        entry_points=[CommandHandler("policies", compliance_files.policies),
                      CallbackQueryHandler(compliance_files.policy_button, pattern=r"^cp1:\d+$")],
        states={
            compliance_files.WAIT_FILE: [
                MessageHandler(filters.Document.ALL, compliance_files.policy_file),
                MessageHandler(~filters.COMMAND & filters.UpdateType.MESSAGE,
                               compliance_files.policy_not_file)],
            ConversationHandler.TIMEOUT: [TypeHandler(Update, compliance_files.policy_timeout)],
        },
        fallbacks=[CommandHandler("cancel", compliance.dialogue_cancel),
                   CommandHandler("policies", compliance_files.policies),
                   CallbackQueryHandler(compliance_files.policy_button, pattern=r"^cp1:\d+$")],
        conversation_timeout=timeout,
        allow_reentry=True,
        name="policies",
    )


def _new_ticket_dialogue(timeout: float) -> ConversationHandler:  # type: ignore[type-arg]
    return ConversationHandler(
        entry_points=[CommandHandler("new", ticket_new.start_new)],
        states={
            ticket_new.ASK: [MessageHandler(TEXT, ticket_new.answer_text),
                             CallbackQueryHandler(ticket_new.answer_button, pattern=r"^nf1:")],
            ConversationHandler.TIMEOUT: [TypeHandler(Update, ticket_new.timed_out)],
        },
        fallbacks=[CommandHandler("cancel", ticket_new.cancel)],
        conversation_timeout=timeout,
        name="new_ticket",
    )


def _ticket_action_dialogue(timeout: float) -> ConversationHandler:  # type: ignore[type-arg]
    return ConversationHandler(
        entry_points=[CallbackQueryHandler(ticket_actions.on_button, pattern=r"^t1:")],
        states={
            ticket_actions.TEXT: [MessageHandler(TEXT, ticket_actions.on_text)],
            ticket_actions.PICK: [CallbackQueryHandler(ticket_actions.on_pick, pattern=r"^td1:"),
                                  MessageHandler(TEXT, ticket_actions.on_text)],
            compliance_recordings.RECORDING: _recording_step(),
        },
        fallbacks=[CommandHandler("cancel", ticket_actions.cancel),
                   CallbackQueryHandler(ticket_actions.on_button, pattern=r"^t1:")],
        conversation_timeout=timeout,
        allow_reentry=True,
        name="ticket_action",
    )


def _recording_step() -> list[Handler]:
    """After a callback that reached the citizen: its recording, or 跳过 (/cancel too)."""
    return [MessageHandler(RECORDINGS, compliance_recordings.recording_file),
            CallbackQueryHandler(compliance_recordings.recording_skip, pattern=r"^tr1:skip$"),
            CommandHandler("cancel", compliance_recordings.recording_skip),
            MessageHandler(~filters.COMMAND & filters.UpdateType.MESSAGE,
                           compliance_recordings.recording_other)]


def _mistake_dialogue(timeout: float) -> ConversationHandler:  # type: ignore[type-arg]
    """标记失误 on a manager's ticket card: the stage (a button), then what failed, as a reply
    to the prompt (so a later message is never taken for it)."""
    stage = CallbackQueryHandler(compliance_tickets.stage_button, pattern=r"^tm1:s:\d+:\d+$")
    return ConversationHandler(
        entry_points=[stage],
        states={
            compliance_tickets.NOTE: [MessageHandler(TEXT & filters.REPLY,
                                                     compliance_tickets.mistake_note)],
            ConversationHandler.TIMEOUT: [TypeHandler(Update, compliance_tickets.mistake_timeout)],
        },
        fallbacks=[CommandHandler("cancel", compliance_tickets.mistake_cancel), stage],
        conversation_timeout=timeout,
        allow_reentry=True,
        name="ticket_mistake",
    )


def _reminder_done_dialogue(timeout: float) -> ConversationHandler:  # type: ignore[type-arg]
    return ConversationHandler(
        entry_points=[CallbackQueryHandler(reminders.on_done, pattern=r"^rm1:done:")],
        states={
            reminders.DONE_TEXT: [MessageHandler(TEXT, reminders.on_done_text)],
            ConversationHandler.TIMEOUT: [TypeHandler(Update, reminders.done_timed_out)],
        },
        fallbacks=[CommandHandler("cancel", reminders.cancel_done),
                   CallbackQueryHandler(reminders.on_done, pattern=r"^rm1:done:")],
        conversation_timeout=timeout,
        allow_reentry=True,
        name="reminder_done",
    )


def _kb_cancel() -> list[Handler]:
    return [CommandHandler("cancel", kb_admin.dialogue_cancel),
            CallbackQueryHandler(kb_admin.dialogue_cancel, pattern=r"^kbd1:no$")]


def _kb_add_dialogue(timeout: float) -> ConversationHandler:  # type: ignore[type-arg]
    skip = r"^kbd1:skip$"
    return ConversationHandler(
        entry_points=[CommandHandler("kb_add", kb_admin.add_start)],
        states={
            kb_admin.Q: [MessageHandler(TEXT, kb_admin.add_question)],
            kb_admin.A: [MessageHandler(TEXT, kb_admin.add_answer)],
            kb_admin.K: [MessageHandler(TEXT, kb_admin.add_keywords),
                         CallbackQueryHandler(kb_admin.add_keywords_skip, pattern=skip)],
            kb_admin.C: [MessageHandler(TEXT, kb_admin.add_category),
                         CallbackQueryHandler(kb_admin.add_category_button,
                                              pattern=r"^kbd1:(cat:\d+|skip)$")],
            kb_admin.S: [MessageHandler(TEXT, kb_admin.add_source),
                         CallbackQueryHandler(kb_admin.add_source_skip, pattern=skip)],
            kb_admin.CONFIRM: [CallbackQueryHandler(kb_admin.add_save, pattern=r"^kbd1:save$")],
            ConversationHandler.TIMEOUT: [TypeHandler(Update, kb_admin.timed_out)],
        },
        fallbacks=_kb_cancel(),
        conversation_timeout=timeout,
        allow_reentry=True,
        name="kb_add",
    )


def _kb_edit_dialogue(timeout: float) -> ConversationHandler:  # type: ignore[type-arg]
    return ConversationHandler(
        entry_points=[CommandHandler("kb_edit", kb_admin.edit_start)],
        states={
            kb_admin.PICK: [CallbackQueryHandler(kb_admin.edit_pick, pattern=r"^kbd1:f:\w+$")],
            kb_admin.VALUE: [MessageHandler(TEXT, kb_admin.edit_value)],
            ConversationHandler.TIMEOUT: [TypeHandler(Update, kb_admin.timed_out)],
        },
        fallbacks=_kb_cancel(),
        conversation_timeout=timeout,
        allow_reentry=True,
        name="kb_edit",
    )
