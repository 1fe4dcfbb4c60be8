"""Workflow buttons on the ticket card, and the short dialogues some actions need.

Simple actions (签收, 已联系) apply at once; 办结 turns the card's buttons into one 确认办结 tap
(closing cannot be undone). 派发 shows a unit picker; 反馈, 回访, 督办, 退回 and 延期 ask for
what they carry. The card is edited in place after every action.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import ConversationHandler

from bot.callbackdata.kinds import (
    CONFIRM_CLOSE,
    HISTORY,
    NO,
    OK,
    REFRESH,
    ActionPick,
    TicketPress,
)
from bot.context import BotContext
from bot.offload import db
from bot.permissions import Perm, allowed
from bot.services.staff.directory import Member
from bot.services.tickets.actions import ActionInput
from bot.services.tickets.errors import Refusal, TicketError
from bot.services.tickets.feedback import compose, missing_parts, read_feedback
from bot.services.tickets.values import parse_datetime
from bot.services.tickets.vocabulary import SATISFACTION
from bot.services.tickets.workflow import Action, check
from bot.texts import common as common_texts
from bot.texts import tickets as texts
from bot.texts.audience import Audience
from bot.texts.escape import escape
from handlers.access import guard
from handlers.buttons import read, stale
from handlers.compliance_recordings import ask_recording
from handlers.keyboards import CODE_ACTIONS, choices, confirm_close, multi_select
from handlers.replies import audience_of, reply
from handlers.tickets import card_for

TEXT, PICK = range(2)
ACT = "ticket_act"


@dataclass
class Pending:
    """An action waiting for input; remembers the card to edit afterwards."""

    ticket_id: int
    action: Action
    chat_id: int
    message_id: int
    audience: Audience  # who reads the card's chat: masked for a group or a leader
    step: str = ""
    options: list[str] = field(default_factory=list)
    chosen: set[int] = field(default_factory=set)
    data: ActionInput = field(default_factory=ActionInput)
    feedback: dict[str, str] = field(default_factory=dict)  # the parts accepted so far


async def _refresh_card(context: BotContext, p: Pending, viewer: Member | None = None) -> None:
    card = await db(card_for, context, p.ticket_id, audience=p.audience, viewer=viewer)
    if card is None:
        return
    text, markup = card
    try:
        await context.bot.edit_message_text(text, chat_id=p.chat_id, message_id=p.message_id,
                                            reply_markup=markup)  # type: ignore[arg-type]
    except BadRequest as exc:
        if "not modified" not in str(exc):
            raise


async def _apply(update: Update, context: BotContext, member: Member, p: Pending) -> bool:
    try:
        await db(context.svc.tickets.apply, ticket_id=p.ticket_id, action=p.action,
                 actor_id=member.telegram_id, data=p.data)
    except TicketError as exc:
        if update.callback_query is not None:
            await update.callback_query.answer(texts.refusal(exc), show_alert=True)
        else:
            await reply(update, escape(texts.refusal(exc)))
        return False
    # The card first, then the answer: when the button stops spinning the card already shows
    # the new status and the next actions.
    await _refresh_card(context, p, member)
    if update.callback_query is not None:
        await update.callback_query.answer(texts.ACTION_DONE.format(action=p.action.value))
    else:
        await reply(update, texts.ACTION_DONE.format(action=p.action.value))
    return True


@guard(Perm.ticket_view)
async def on_button(update: Update, context: BotContext, member: Member) -> int:
    """Handle `t1:<code>:<ticket_id>`: apply, open a dialogue, refresh or show history."""
    query = update.callback_query
    assert query is not None
    press = read(update, TicketPress)
    if press is None or query.message is None:
        await stale(query)
        return ConversationHandler.END
    code, ticket_id = press
    p = Pending(ticket_id, Action.sign, query.message.chat.id, query.message.message_id,
                audience_of(update, context))
    if code == REFRESH:
        await query.answer()
        await _refresh_card(context, p, member)
        return ConversationHandler.END
    if code == HISTORY:
        await query.answer()
        await _send_history(update, context, ticket_id)
        return ConversationHandler.END
    if not member_may_act(member):
        await query.answer(texts.VIEW_ONLY, show_alert=True)
        return ConversationHandler.END
    p.action = Action.close if code == CONFIRM_CLOSE else CODE_ACTIONS[code]
    t = await db(context.svc.tickets.get_by_id, ticket_id)
    if t is None:
        await query.answer(texts.REFUSALS[Refusal.not_found], show_alert=True)
        return ConversationHandler.END
    refused = check(t.status, p.action)
    if refused is not None:
        await query.answer(texts.refusal(refused), show_alert=True)
        await _refresh_card(context, p)
        return ConversationHandler.END
    if p.action is Action.close and code != CONFIRM_CLOSE:
        await _ask_to_confirm_close(update, context, p)
        return ConversationHandler.END
    if p.action in (Action.sign, Action.contact, Action.close):
        await _apply(update, context, member, p)
        return ConversationHandler.END
    context.user_data[ACT] = p  # type: ignore[index]
    await query.answer()
    return await _open_dialogue(update, context, p, t.unit)


async def _ask_to_confirm_close(update: Update, context: BotContext, p: Pending) -> None:
    """办结 cannot be undone: the card asks for one more tap (确认办结, or 取消 to go back)."""
    query = update.callback_query
    assert query is not None
    await query.answer(texts.CLOSE_CONFIRM_SHORT)
    card = await db(card_for, context, p.ticket_id, audience=p.audience)
    if card is None:
        return
    await query.edit_message_text(f"{card[0]}\n\n{texts.CLOSE_CONFIRM}",
                                  reply_markup=confirm_close(p.ticket_id))


def member_may_act(member: Member) -> bool:
    return allowed(member.role, Perm.tickets)


async def _open_dialogue(update: Update, context: BotContext, p: Pending, unit: str) -> int:
    prompts = texts.ACTION_PROMPT
    if p.action is Action.dispatch:
        ref = context.svc.reference.current
        own = ref.unit(unit)
        section = own.section if own else ""
        names = [unit] + [u.name for u in ref.units_in_section(section) if u.name != unit]
        if section and section not in names:
            names.insert(1, section)
        p.options, p.chosen, p.step = names[:10], {0}, "units"
        await reply(update, prompts["dispatch"],
                    reply_markup=multi_select("td1", p.options, p.chosen,
                                              confirm=texts.BTN_DISPATCH))
        return PICK
    if p.action is Action.callback:
        p.step = "solved"
        await reply(update, prompts["callback_solved"],
                    reply_markup=choices("td1", list(texts.CALLBACK_OUTCOMES)))
        return PICK
    p.step = {Action.feedback: "feedback", Action.supervise: "reason",
              Action.give_back: "reason", Action.extend: "date"}[p.action]
    key = {Action.feedback: "feedback", Action.supervise: "supervise",
           Action.give_back: "give_back", Action.extend: "extend_date"}[p.action]
    await reply(update, prompts[key])
    return TEXT


@guard(Perm.tickets)
async def on_pick(update: Update, context: BotContext, member: Member) -> int:
    """Buttons inside a dialogue (`td1:<index|ok|no>`): units, solved, satisfaction, skip."""
    query = update.callback_query
    assert query is not None
    p: Pending | None = context.user_data.get(ACT)  # type: ignore[union-attr]
    pick = read(update, ActionPick)
    if p is None:
        await query.answer(texts.EXPIRED, show_alert=True)
        return ConversationHandler.END
    if pick is None or not _fits(p, pick):
        await stale(query)
        return PICK
    choice = pick.word or str(pick.index)
    if choice == NO:
        await query.answer(texts.CANCELLED_SHORT)
        await query.edit_message_text(common_texts.CANCELLED)
        return _end(context)
    if p.step == "units":
        return await _pick_unit(update, context, member, p, choice)
    if p.step == "solved":
        await query.answer()
        if choice == "2":
            p.data.reached = False
            await query.edit_message_text(
                texts.CALLBACK_OUTCOME.format(outcome=texts.CALLBACK_OUTCOMES[2]))
            p.step = "note"
            await reply(update, texts.ACTION_PROMPT["callback_note"],
                        reply_markup=choices("td1", [texts.BTN_SKIP]))
            return PICK
        p.data.solved = choice == "0"
        p.step = "sat"
        await query.edit_message_text(texts.CALLBACK_OUTCOME.format(
            outcome=texts.CALLBACK_OUTCOMES[0 if p.data.solved else 1]))
        await reply(update, texts.ACTION_PROMPT["callback_sat"],
                    reply_markup=choices("td1", list(SATISFACTION)))
        return PICK
    if p.step == "sat":
        await query.answer()
        p.data.satisfaction = SATISFACTION[int(choice)]
        await query.edit_message_text(
            texts.SATISFACTION_CHOSEN.format(satisfaction=p.data.satisfaction))
        p.step = "note"
        await reply(update, texts.ACTION_PROMPT["callback_note"],
                    reply_markup=choices("td1", [texts.BTN_SKIP]))
        return PICK
    if p.step == "note":  # "跳过"
        await query.edit_message_reply_markup(None)
        return await _finish(update, context, member, p)
    await query.answer()
    return PICK


def _fits(p: Pending, pick: ActionPick) -> bool:
    """The pick is one the current step offered (a forged index is not)."""
    if pick.word:
        return pick.word == NO or (pick.word == OK and p.step == "units")
    size = {"units": len(p.options), "solved": len(texts.CALLBACK_OUTCOMES),
            "sat": len(SATISFACTION), "note": 1}.get(p.step, 0)
    return pick.index < size


async def _pick_unit(update: Update, context: BotContext, member: Member, p: Pending,
                     choice: str) -> int:
    """Toggle a unit in the picker, or dispatch to the chosen ones (copying their leaders)."""
    query = update.callback_query
    assert query is not None
    if choice != OK:
        p.chosen ^= {int(choice)}
        await query.answer()
        await query.edit_message_reply_markup(
            multi_select("td1", p.options, p.chosen, confirm=texts.BTN_DISPATCH))
        return PICK
    if not p.chosen:
        await query.answer(texts.DISPATCH_NONE, show_alert=True)
        return PICK
    ref = context.svc.reference.current
    p.data.units = [p.options[i] for i in sorted(p.chosen)]
    units = [ref.unit(name) for name in p.data.units]
    p.data.copied_to = [f"{u.name}{u.leader}" for u in units if u and u.leader]
    await query.edit_message_text(
        texts.DISPATCHED_TO.format(units=escape("、".join(p.data.units))))
    return await _finish(update, context, member, p)


@guard(Perm.tickets)
async def on_text(update: Update, context: BotContext, member: Member) -> int:
    """Typed input inside a dialogue: feedback, reasons, dates, callback notes."""
    p: Pending | None = context.user_data.get(ACT)  # type: ignore[union-attr]
    msg = update.effective_message
    if p is None or msg is None:
        return _end(context)
    text = (msg.text or "").strip()
    if not text:
        return TEXT
    if p.step == "feedback":
        return await _take_feedback(update, context, member, p, text)
    if p.step == "date":
        when = parse_datetime(text, now=context.svc.clock.now(), end_of_day=True)
        if when is None:
            await reply(update, texts.EXTEND_BAD_DATE.format(value=escape(text[:40])))
            return TEXT
        p.data.new_deadline, p.step = when, "reason"
        await reply(update, texts.ACTION_PROMPT["extend_reason"])
        return TEXT
    if p.step == "units":  # a unit typed by name joins the picker
        match = context.svc.reference.current.match_unit(text)
        if match.value is None:
            await reply(update, texts.UNIT_NOT_FOUND)
            return PICK
        if match.value not in p.options:
            p.options.append(match.value)
        p.chosen.add(p.options.index(match.value))
        await reply(update, texts.ACTION_PROMPT["dispatch"],
                    reply_markup=multi_select("td1", p.options, p.chosen,
                                              confirm=texts.BTN_DISPATCH))
        return PICK
    p.data.note = text  # reasons and callback notes
    if p.step == "note":
        p.data.recording = ""
    return await _finish(update, context, member, p)


async def _take_feedback(update: Update, context: BotContext, member: Member, p: Pending,
                         text: str) -> int:
    """Collect the labelled parts; text outside them is said to be left out, never stored."""
    got = read_feedback(text)
    p.feedback.update(got.parts)
    missing = missing_parts(p.feedback)
    if not missing:
        p.data.note = compose(p.feedback)
        return await _finish(update, context, member, p)
    await reply(update, texts.feedback_more(missing, read_nothing=not got.parts,
                                            left_out=got.stray if got.parts else ""))
    return TEXT


async def _finish(update: Update, context: BotContext, member: Member, p: Pending) -> int:
    ok = await _apply(update, context, member, p)
    if not ok and p.step in ("reason", "date", "feedback"):
        return TEXT  # a refusal keeps the dialogue so the user can fix the input
    if ok and p.action is Action.callback and p.data.reached:  # then the call's recording
        _end(context)
        return await ask_recording(update, context, ticket_id=p.ticket_id, chat_id=p.chat_id,
                                   message_id=p.message_id, audience=p.audience)
    return _end(context)


async def cancel(update: Update, context: BotContext) -> int:
    """Abandon the action; the ticket is unchanged."""
    _end(context)
    await reply(update, texts.ACTION_CANCELLED)
    return ConversationHandler.END


def _end(context: BotContext) -> int:
    context.user_data.pop(ACT, None)  # type: ignore[union-attr]
    return ConversationHandler.END


async def _send_history(update: Update, context: BotContext, ticket_id: int) -> None:
    svc = context.svc
    t = await db(svc.tickets.get_by_id, ticket_id)
    if t is None:
        return
    names = {m.telegram_id: m.name for m in svc.staff.all()}
    events = await db(svc.tickets.events, ticket_id, limit=500)
    await reply(update, texts.history(t, events, now=svc.clock.now(), names=names,
                                      masked=audience_of(update, context).masked))
