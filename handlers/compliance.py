"""Contract compliance (docs/assessment.md): /staffinfo, /training, /incident, /assess,
/workreport and /ledger — parse, call `svc.compliance`, render with `bot.texts.compliance`.
Files sent to the bot (/policies) are in `handlers/compliance_files.py`; the ticket card's
parts in `handlers/compliance_tickets.py` and `handlers/compliance_recordings.py`.

Buttons: `cs1:f:<tid>:<field>` picks a register field, `cs1:v:<tid>:<field>:<i|x>` sets a
choice. The register-value dialogue state is wired in `bot/routes.py`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable

from telegram import InputFile, Update
from telegram.ext import ConversationHandler

from bot.callbackdata.codec import encode
from bot.callbackdata.kinds import StaffChoice, StaffField
from bot.context import BotContext
from bot.offload import db
from bot.permissions import Perm, allowed
from bot.services.compliance.errors import ComplianceError
from bot.services.compliance.incident_args import record_command
from bot.services.compliance.ledger import ledger_period
from bot.services.compliance.periods import parse_month, parse_period
from bot.services.compliance.register import RecordView, parse_changes, parse_value
from bot.services.compliance.trainings import parse_form
from bot.services.reports.periods import PeriodError
from bot.services.staff.directory import Member
from bot.texts import common
from bot.texts import compliance as texts
from bot.texts import compliance_tickets as ticket_texts
from bot.texts.compliance_words import period_label
from bot.texts.escape import escape
from bot.texts.reports.periods import why
from handlers.access import command_args, guard
from handlers.args import number
from handlers.buttons import read, stale
from handlers.delivery import markup
from handlers.replies import chat_id_of, reply

log = logging.getLogger(__name__)

VALUE = 0  # dialogue state: a typed register value
END = ConversationHandler.END


# ---------------------------------------------------------------- /staffinfo
async def _card(update: Update, context: BotContext, view: RecordView, *, saved: bool,
                edit: bool = False) -> None:
    tid = view.member.telegram_id
    attended = len(await db(context.svc.compliance.trainings.attended_by, tid))
    text = texts.record_card(view, attended)
    if saved:
        text = texts.SAVED.format(name=escape(view.member.name)) + "\n\n" + text
    buttons = markup(texts.record_buttons(tid))
    query = update.callback_query
    if edit and query is not None:
        await query.edit_message_text(text, reply_markup=buttons)
    else:
        await reply(update, text, reply_markup=buttons)


@guard("staffinfo")
async def staffinfo(update: Update, context: BotContext, member: Member) -> None:
    """Show or change a person's register entry; without arguments list the gaps."""
    args, register = command_args(context), context.svc.compliance.register
    if not args:
        await reply(update, texts.register_overview(await db(register.records)))
        return
    try:
        person = await db(register.person, args[0])
        changes = parse_changes(args[1:])
        view = await db(register.update, actor_id=member.telegram_id,
                        telegram_id=person.telegram_id, changes=changes,
                        chat_id=chat_id_of(update)) if changes \
            else await db(register.get, person.telegram_id)
    except ComplianceError as exc:
        await reply(update, texts.error(exc) + "\n\n" + texts.STAFFINFO_USAGE)
        return
    await _card(update, context, view, saved=bool(changes))


@guard(Perm.compliance)
async def field_button(update: Update, context: BotContext, member: Member) -> int:
    """A register field was picked: offer its choices, or ask for the value as text."""
    query = update.callback_query
    assert query is not None
    press = read(update, StaffField)
    if press is None or press.field not in texts.LABELS or query.message is None:
        await stale(query)
        return END
    await query.answer()
    tid, field = press
    options = texts.CHOICE_VALUES.get(field)
    if options is not None:
        rows = [[(o, encode(StaffChoice(tid, field, i))) for i, o in enumerate(options)],
                [(texts.BTN_CLEAR, encode(StaffChoice(tid, field)))]]
        await query.edit_message_reply_markup(markup(rows))
        return END
    context.user_data["cs_field"] = (tid, field)  # type: ignore[index]
    await query.message.reply_text(texts.ASK_VALUE.format(label=texts.LABELS[field]))
    return VALUE


@guard(Perm.compliance)
async def choice_button(update: Update, context: BotContext, member: Member) -> None:
    """A choice for a register field (`cs1:v:<tid>:<field>:<i|x>`)."""
    query = update.callback_query
    assert query is not None
    press = read(update, StaffChoice)
    options = texts.CHOICE_VALUES.get(press.field, []) if press is not None else []
    if press is None or not options or press.index >= len(options):
        await stale(query)
        return
    try:
        value = parse_value(press.field, "-" if press.index < 0 else options[press.index])
        view = await db(
            context.svc.compliance.register.update,
            actor_id=member.telegram_id, telegram_id=press.telegram_id,
            changes={press.field: value},
            chat_id=chat_id_of(update))
    except ComplianceError as exc:
        await query.answer(texts.error(exc), show_alert=True)
        return
    await query.answer()
    await _card(update, context, view, saved=True, edit=True)


@guard(Perm.compliance)
async def field_value(update: Update, context: BotContext, member: Member) -> int:
    """The typed value of the register field asked for."""
    msg = update.effective_message
    pending = context.user_data.get("cs_field")  # type: ignore[union-attr]
    if msg is None or pending is None:
        return END
    tid, field = pending
    try:
        view = await db(
            context.svc.compliance.register.update, actor_id=member.telegram_id,
            telegram_id=tid, changes={field: parse_value(field, msg.text or "")},
            chat_id=chat_id_of(update))
    except ComplianceError as exc:
        await reply(update, texts.error(exc) + "\n" + texts.ASK_VALUE.format(
            label=texts.LABELS[field]))
        return VALUE
    context.user_data.pop("cs_field", None)  # type: ignore[union-attr]
    await _card(update, context, view, saved=True)
    return END


async def dialogue_cancel(update: Update, context: BotContext) -> int:
    """/cancel inside a compliance dialogue."""
    for key in ("cs_field", "cp_policy"):
        context.user_data.pop(key, None)  # type: ignore[union-attr]
    await reply(update, common.CANCELLED)
    return END


# ---------------------------------------------------------------- /training
def _rest_of(update: Update, words: int) -> str:
    """The message text after its first `words` words, line breaks kept (the form)."""
    text = (update.effective_message.text or "") if update.effective_message else ""
    m = re.match(r"\s*\S+" + r"\s+\S+" * (words - 1), text)
    return text[m.end():] if m else ""


def _training_add(update: Update, context: BotContext, member: Member, args: list[str]) -> str:
    svc = context.svc
    draft = parse_form(_rest_of(update, 2), people=svc.staff, today=svc.clock.today())
    view = svc.compliance.trainings.add(draft, actor_id=member.telegram_id,
                                         chat_id=chat_id_of(update))
    return texts.training_detail(view, svc.clock.tz, added=True)


def _training_list(update: Update, context: BotContext, member: Member, args: list[str]) -> str:
    c, today = context.svc.compliance, context.svc.clock.today()
    if len(args) > 1:
        p = parse_period(args[1:2], today, c.rules.service)
        first, last, label = p.first, p.last, period_label(p)
    else:
        first, last = c.rules.training_years(today, today)[0]
        label = f"{first}~{last} "
    return texts.training_list(c.trainings.between(first, last), label)


def _training_follow(update: Update, context: BotContext, member: Member,
                     args: list[str]) -> str:
    training_id = number(args[1]) if len(args) >= 3 else None
    if training_id is None:
        raise ComplianceError("missing_args", kind="follow")
    view = context.svc.compliance.trainings.follow_up(training_id, _rest_of(update, 3),
                                                      actor_id=member.telegram_id)
    return texts.FOLLOW_SAVED.format(id=view.id)


def _training_person(update: Update, context: BotContext, member: Member,
                     args: list[str]) -> str:
    if len(args) < 2:
        raise ComplianceError("missing_args", kind="person")
    c = context.svc.compliance
    who = c.register.person(args[1])
    return texts.person_trainings(who, c.trainings.attended_by(who.telegram_id))


def _training_del(update: Update, context: BotContext, member: Member, args: list[str]) -> str:
    training_id = number(args[1]) if len(args) == 2 else None
    if training_id is None:
        raise ComplianceError("missing_args", kind="del")
    v = context.svc.compliance.trainings.delete(training_id, actor_id=member.telegram_id)
    return texts.TRAINING_DELETED.format(id=v.id, held_on=v.held_on, kind=escape(v.kind),
                                         topic=escape(v.topic))


_TRAINING: dict[str, Callable[[Update, BotContext, Member, list[str]], str]] = {
    "add": _training_add, "list": _training_list, "follow": _training_follow,
    "person": _training_person, "del": _training_del,
}


@guard("training")
async def training(update: Update, context: BotContext, member: Member) -> None:
    """Record and list trainings: /training add|list|follow|person|del|<编号>."""
    args = command_args(context)
    sub = args[0].lower() if args else ""
    try:
        if sub in _TRAINING:
            text = await db(_TRAINING[sub], update, context, member, args)
        elif number(sub) is not None:
            view = await db(context.svc.compliance.trainings.get, number(sub) or 0)
            text = texts.training_detail(view, context.svc.clock.tz)
        else:
            text = texts.TRAINING_USAGE
    except ComplianceError as exc:
        text = texts.error(exc) + "\n\n" + texts.TRAINING_USAGE
    await reply(update, text)


# ---------------------------------------------------------------- /incident
def _incident_text(update: Update, context: BotContext, member: Member,
                   args: list[str]) -> str:
    c, tz, sub = context.svc.compliance, context.svc.clock.tz, args[0].lower()
    if sub == "list":
        p = parse_period(args[1:], context.svc.clock.today(), c.rules.service)
        items = c.incidents.between(p.first, p.last, include_removed=True)
        return texts.incident_list(items, period_label(p))
    if sub == "del":
        if not allowed(member.role, Perm.manage_users):
            return texts.ONLY_ADMIN_REMOVES
        incident_id = number(args[1]) if len(args) >= 3 else None
        if incident_id is None:
            raise ComplianceError("missing_args", kind="del")
        removed = c.incidents.remove(incident_id=incident_id, actor_id=member.telegram_id,
                                     reason=" ".join(args[2:]))
        return texts.incident_removed(removed)
    if number(sub) is not None:
        return texts.incident_detail(c.incidents.get(number(sub) or 0), tz)
    view = record_command(c.incidents, args, find_ticket=c.find_ticket,
                          actor_id=member.telegram_id)
    return texts.incident_recorded(view, getattr(c.rules.incidents, view.kind))


@guard("incident")
async def incident(update: Update, context: BotContext, member: Member) -> None:
    """Record, list, show or (admins) remove an assessment item."""
    args = command_args(context)
    if not args:
        await reply(update, texts.INCIDENT_USAGE)
        return
    try:
        text = await db(_incident_text, update, context, member, args)
    except ComplianceError as exc:
        text = texts.error(exc) + "\n\n" + texts.INCIDENT_USAGE
    await reply(update, text)


# ---------------------------------------------------------------- /assess, /workreport
@guard("assess")
async def assess(update: Update, context: BotContext, member: Member) -> None:
    """The 考核细则 self-check for a period: summary in chat, evidence as XLSX."""
    svc, msg = context.svc, update.effective_message
    assert msg is not None
    try:
        period = parse_period(command_args(context), svc.clock.today(),
                              svc.compliance.rules.service)
    except ComplianceError as exc:
        await reply(update, texts.error(exc) + "\n" + texts.ASSESS_USAGE)
        return
    from bot.texts.compliance_files import assess_xlsx  # openpyxl: imported when first used

    result = await asyncio.to_thread(svc.compliance.tracker.assess, period)
    data = await asyncio.to_thread(assess_xlsx.assessment_xlsx, result, svc.clock.tz)
    await reply(update, texts.assessment_summary(result))
    await msg.reply_document(InputFile(data, filename=assess_xlsx.file_name(result)),
                             caption=texts.ASSESS_CAPTION)


@guard("workreport")
async def workreport(update: Update, context: BotContext, member: Member) -> None:
    """Draft the month's work report to the commission as DOCX."""
    svc, msg = context.svc, update.effective_message
    assert msg is not None
    reports = svc.compliance.workreports
    near_end = svc.compliance.rules.monthly_report.remind_days_before_end
    try:
        month = parse_month(command_args(context), svc.clock.today(), near_end_days=near_end)
    except ComplianceError as exc:
        await reply(update, texts.error(exc) + "\n" + texts.WORKREPORT_USAGE)
        return
    from bot.texts.compliance_files import workreport_docx  # python-docx: when first used

    label = escape(period_label(month))
    await reply(update, texts.WORKREPORT_WORKING.format(label=label))
    try:
        draft = await asyncio.to_thread(reports.draft, month)
        data = await asyncio.to_thread(workreport_docx.workreport_docx, draft, svc.clock.tz)
    except Exception:
        log.exception("work report %s failed", month.key)
        await reply(update, texts.WORKREPORT_FAILED)
        return
    await msg.reply_document(InputFile(data, filename=workreport_docx.file_name(draft)),
                             caption=texts.WORKREPORT_CAPTION.format(label=label))
    await db(reports.mark_produced, month, actor_id=member.telegram_id)



@guard("ledger")
async def ledger(update: Update, context: BotContext, member: Member) -> None:
    """The callback ledger (回访台账) of a period as XLSX, missing recordings in red."""
    svc, msg = context.svc, update.effective_message
    assert msg is not None
    try:
        period = ledger_period(command_args(context), svc.clock.now(),
                               start_day=svc.reports.config.month_start_day)
    except PeriodError as exc:
        await reply(update, escape(why(exc)) + "\n" + ticket_texts.LEDGER_USAGE)
        return
    book = await asyncio.to_thread(svc.compliance.ledger.build, period)
    if not book.rows:
        await reply(update, ticket_texts.ledger_empty(period))
        return
    from bot.texts.compliance_files import ledger_xlsx  # openpyxl: imported when first used

    data = await asyncio.to_thread(ledger_xlsx.ledger_xlsx, book, svc.clock.tz)
    await msg.reply_document(InputFile(data, filename=ledger_xlsx.file_name(book)),
                             caption=ticket_texts.ledger_caption(book))
