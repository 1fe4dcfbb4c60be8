"""The roster: /duty, /roster, /roster_set, /special, /handover, /swap and its buttons (`sw1:`).

Swap flow: /swap (private) → pick one of my shifts (`sw1:pk:<yyyymmdd>:<shift no>`) → the duty
group gets the offer with 接班 (`sw1:take:<id>`) → the managers get 批准/驳回 privately
(`sw1:ok:<id>`, `sw1:no:<id>`) → the roster, the group message and both people are updated.
"""

from __future__ import annotations

from datetime import date, timedelta

from telegram import Update

from bot.callbackdata.kinds import NO, OK, TAKE, SwapPick, SwapPress
from bot.context import BotContext
from bot.offload import db
from bot.permissions import Perm, allowed
from bot.services.compliance.gate import OnboardingRefused
from bot.services.roster.errors import RosterError
from bot.services.roster.model import parse_date
from bot.services.roster.service import RosterService
from bot.services.staff.directory import Member
from bot.texts import common as common_texts
from bot.texts import compliance as compliance_texts
from bot.texts import roster as texts
from bot.texts import swaps as swap_texts
from handlers.access import command_args, guard
from handlers.args import number
from handlers.buttons import read, stale
from handlers.delivery import markup
from handlers.replies import chat_id_of, reply
from models.staff import ROLE_NAMES_ZH


def _roster(context: BotContext) -> RosterService:
    return context.svc.roster


def _today(context: BotContext) -> date:
    return context.svc.clock.now().astimezone(_roster(context).config.tz).date()


@guard("duty")
async def duty(update: Update, context: BotContext, member: Member) -> None:
    """Who is on duty now (with the shift lead) and who is next."""
    roster, now = _roster(context), context.svc.clock.now()
    current, upcoming = await db(roster.current_shift, now), await db(roster.next_shift, now)
    await reply(update, texts.render_duty(current, upcoming, now))


@guard("roster")
async def roster_week(update: Update, context: BotContext, member: Member) -> None:
    """This week's roster (Monday–Sunday); `/roster next` for next week."""
    args = command_args(context)
    if len(args) > 1 or (args and args[0].lower() not in texts.NEXT_WEEK_ARGS):
        await reply(update, texts.ROSTER_USAGE)
        return
    now = context.svc.clock.now()
    monday, slots = await db(_roster(context).week, now, next_week=bool(args))
    await reply(update, texts.render_week(slots, texts.week_title(monday, next_week=bool(args)),
                                          now))


@guard("roster_set")
async def roster_set(update: Update, context: BotContext, member: Member) -> None:
    """Replace one shift's team at short notice; the people added or removed are told."""
    args = command_args(context)
    if len(args) < 3:
        await reply(update, texts.ROSTER_SET_USAGE)
        return
    try:
        d = parse_date(args[0], _today(context))
        slot = await db(_roster(context).reassign, d=d, shift_name=args[1], people=args[2:],
                        actor_id=member.telegram_id, chat_id=chat_id_of(update))
    except RosterError as exc:
        await reply(update, texts.error(exc))
        return
    except OnboardingRefused as exc:  # ONBOARDING_GATE=refuse: nothing was changed
        await reply(update, compliance_texts.gate_refused(exc))
        return
    text = texts.roster_set_done(slot, context.svc.clock.now())
    flagged = await db(context.svc.compliance.gate.check, [m.telegram_id for m in slot.members])
    if flagged:
        text += "\n\n" + compliance_texts.gate_warning(flagged)
    await reply(update, text)


@guard("special")
async def special(update: Update, context: BotContext, member: Member) -> None:
    """Declare a special period (重大任务/重要时段); alone: list them; `del <id>`: remove."""
    args = command_args(context)
    roster, now, today = _roster(context), context.svc.clock.now(), _today(context)
    try:
        if not args:
            rows = await db(roster.specials_between, today, today + timedelta(days=366))
            await reply(update, texts.specials_list(
                [(r.id or 0, r.start_date, r.end_date, r.name) for r in rows], now))
            return
        deleting = args[0].lower() in texts.DELETE_ARGS and len(args) == 2
        special_id = number(args[1]) if deleting else None
        if special_id is not None:
            row = await db(roster.remove_special, special_id=special_id,
                           actor_id=member.telegram_id)
            await reply(update, texts.special_removed(row.id or 0))
            return
        if len(args) < 3:
            await reply(update, texts.SPECIAL_USAGE)
            return
        start, end = parse_date(args[0], today), parse_date(args[1], today)
        row = await db(roster.declare_special, start=start, end=end, name=" ".join(args[2:]),
                       actor_id=member.telegram_id, chat_id=chat_id_of(update))
    except RosterError as exc:
        await reply(update, texts.error(exc))
        return
    await reply(update, texts.special_done(row.id or 0, row.start_date, row.end_date, row.name,
                                           now))


@guard("handover")
async def handover(update: Update, context: BotContext, member: Member) -> None:
    """Leave a note for the next shift; it goes out with this shift's handover."""
    msg = update.effective_message
    text = (msg.text or "") if msg else ""
    note = text.partition(" ")[2] if " " in text.split("\n", 1)[0] else \
        text.partition("\n")[2]
    if not note.strip():
        await reply(update, texts.HANDOVER_USAGE)
        return
    now = context.svc.clock.now()
    try:
        inst = await db(_roster(context).add_note, author_id=member.telegram_id, text=note,
                        at=now)
    except RosterError as exc:
        await reply(update, texts.error(exc))
        return
    await reply(update, texts.handover_noted(inst, now))


# --------------------------------------------------------------------------- swaps


@guard("swap")
async def swap(update: Update, context: BotContext, member: Member) -> None:
    """Offer one of my coming shifts to the team."""
    if context.svc.settings.duty_group_id is None:
        await reply(update, swap_texts.SWAP_NO_GROUP)
        return
    mine = await db(_roster(context).upcoming_for, member.telegram_id, context.svc.clock.now())
    if not mine:
        await reply(update, swap_texts.SWAP_NONE)
        return
    await reply(update, swap_texts.SWAP_PICK,
                reply_markup=markup(swap_texts.pick_buttons(mine)))


@guard(Perm.duty)
async def swap_button(update: Update, context: BotContext, member: Member) -> None:
    """The swap buttons: pick my shift, take a colleague's, approve or reject (managers)."""
    query = update.callback_query
    assert query is not None
    pick, press = read(update, SwapPick), read(update, SwapPress)
    if pick is None and press is None:
        await stale(query)
        return
    deciding = press is not None and press.action in (OK, NO)
    if not allowed(member.role, Perm.manage_roster if deciding else Perm.tickets):
        await query.answer(common_texts.NOT_ALLOWED.format(role=ROLE_NAMES_ZH[member.role]),
                           show_alert=True)
        return
    swaps, now = _roster(context).swaps, context.svc.clock.now()
    try:
        if pick is not None:
            v = await db(swaps.offer_by_order, staff_id=member.telegram_id, order=pick.order,
                         d=pick.day, now=now)
            await query.answer()
            await query.edit_message_text(swap_texts.swap_posted(v, now))
        elif press is not None and press.action == TAKE:
            v = await db(swaps.take, offer_id=press.swap_id, taker_id=member.telegram_id,
                         now=now)
            await query.answer(swap_texts.SWAP_TAKEN_ANSWER)
            await query.edit_message_text(swap_texts.swap_taken(v, now))
        elif press is not None:
            approved = press.action == OK
            v = await db(swaps.decide, offer_id=press.swap_id, manager_id=member.telegram_id,
                         approve=approved, now=now)
            await query.answer(swap_texts.decision_answer(approved=approved))
            await query.edit_message_text(swap_texts.swap_decided(v, now, approved=approved))
    except RosterError as exc:
        await query.answer(texts.error(exc, html=False), show_alert=True)
