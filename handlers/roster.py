"""The roster: /duty, /roster, /roster_set, /special, /handover, /swap and its buttons (`sw1:`).

Swap flow: /swap (private) → pick one of my shifts (`sw1:pk:<yyyymmdd>:<shift no>`) → the duty
group gets the offer with 接班 (`sw1:take:<id>`) → the managers get 批准/驳回 privately
(`sw1:ok:<id>`, `sw1:no:<id>`) → the roster, the group message and both people are updated.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.context import BotContext, Services
from bot.permissions import Perm, allowed
from bot.services.roster.errors import Refusal, RosterError
from bot.services.roster.model import SwapView, parse_date
from bot.services.roster.service import RosterService
from bot.services.staff.directory import Member
from bot.texts import common as common_texts
from bot.texts import roster as texts
from bot.texts import swaps as swap_texts
from handlers.access import command_args, guard
from handlers.replies import chat_id_of, reply
from models.staff import ROLE_NAMES_ZH, Role


def _roster(context: BotContext) -> RosterService:
    return context.svc.roster


def _today(context: BotContext) -> date:
    return context.svc.clock.now().astimezone(_roster(context).config.tz).date()


@guard("duty")
async def duty(update: Update, context: BotContext, member: Member) -> None:
    """Who is on duty now (with the shift lead) and who is next."""
    roster, now = _roster(context), context.svc.clock.now()
    await reply(update, texts.render_duty(roster.current_shift(now), roster.next_shift(now), now))


@guard("roster")
async def roster_week(update: Update, context: BotContext, member: Member) -> None:
    """This week's roster (Monday–Sunday); `/roster next` for next week."""
    args = command_args(context)
    if len(args) > 1 or (args and args[0].lower() not in texts.NEXT_WEEK_ARGS):
        await reply(update, texts.ROSTER_USAGE)
        return
    today = _today(context)
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=1 if args else 0)
    title = texts.week_title(monday, next_week=bool(args))
    slots = _roster(context).slots(monday, monday + timedelta(days=6))
    await reply(update, texts.render_week(slots, title, context.svc.clock.now()))


@guard("roster_set")
async def roster_set(update: Update, context: BotContext, member: Member) -> None:
    """Replace one shift's team at short notice; the people added or removed are told."""
    args = command_args(context)
    if len(args) < 3:
        await reply(update, texts.ROSTER_SET_USAGE)
        return
    roster, now = _roster(context), context.svc.clock.now()
    try:
        d = parse_date(args[0], _today(context))
        slot, added, removed = roster.set_slot(d=d, shift_name=args[1], people=args[2:],
                                               actor_id=member.telegram_id,
                                               chat_id=chat_id_of(update))
    except RosterError as exc:
        await reply(update, texts.error(exc))
        return
    stamp = now.isoformat()
    for ids, was_added in ((added, True), (removed, False)):
        for sid in ids:
            context.svc.outbox.enqueue(
                key=f"rset:{slot.instance.key}:{sid}:{int(was_added)}:{stamp}", kind="roster",
                ref=f"roster:{slot.instance.key}", chat_id=sid,
                text=texts.roster_changed_private(slot, was_added, now))
    await reply(update, texts.roster_set_done(slot, now))


@guard("special")
async def special(update: Update, context: BotContext, member: Member) -> None:
    """Declare a special period (重大任务/重要时段); alone: list them; `del <id>`: remove."""
    args = command_args(context)
    roster, now, today = _roster(context), context.svc.clock.now(), _today(context)
    try:
        if not args:
            rows = roster.specials_between(today, today + timedelta(days=366))
            await reply(update, texts.specials_list(
                [(r.id or 0, r.start_date, r.end_date, r.name) for r in rows], now))
            return
        if args[0].lower() in texts.DELETE_ARGS and len(args) == 2 and args[1].isdigit():
            row = roster.remove_special(special_id=int(args[1]), actor_id=member.telegram_id)
            await reply(update, texts.special_removed(row.id or 0))
            return
        if len(args) < 3:
            await reply(update, texts.SPECIAL_USAGE)
            return
        start, end = parse_date(args[0], today), parse_date(args[1], today)
        row = roster.declare_special(start=start, end=end, name=" ".join(args[2:]),
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
        inst = _roster(context).add_note(author_id=member.telegram_id, text=note, at=now)
    except RosterError as exc:
        await reply(update, texts.error(exc))
        return
    await reply(update, texts.handover_noted(inst, now))


# --------------------------------------------------------------------------- swaps


@guard("swap")
async def swap(update: Update, context: BotContext, member: Member) -> None:
    """Offer one of my coming shifts to the team."""
    if context.svc.settings.duty_group_id is None:
        await reply(update, texts.SWAP_NO_GROUP)
        return
    roster, now = _roster(context), context.svc.clock.now()
    mine = roster.upcoming_for(member.telegram_id, now)
    if not mine:
        await reply(update, texts.SWAP_NONE)
        return
    rows = [[InlineKeyboardButton(
        texts.swap_pick_label(sl.instance),
        callback_data=f"sw1:pk:{sl.instance.date:%Y%m%d}:{sl.instance.shift.order}")]
        for sl in mine[:10]]
    await reply(update, texts.SWAP_PICK, reply_markup=InlineKeyboardMarkup(rows))


@guard(Perm.duty)
async def swap_button(update: Update, context: BotContext, member: Member) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    parts = query.data.split(":")
    action = parts[1] if len(parts) > 1 else ""
    need = Perm.manage_roster if action in ("ok", "no") else Perm.tickets
    if not allowed(member.role, need):
        await query.answer(common_texts.NOT_ALLOWED.format(role=ROLE_NAMES_ZH[member.role]),
                           show_alert=True)
        return
    roster, svc, now = _roster(context), context.svc, context.svc.clock.now()
    try:
        if action == "pk" and len(parts) == 4:
            await _pick(update, svc, roster, member, parts[2], int(parts[3]), now)
        elif action == "take" and len(parts) == 3:
            v = roster.take(offer_id=int(parts[2]), taker_id=member.telegram_id, now=now)
            await query.answer(texts.SWAP_TAKEN_ANSWER)
            await query.edit_message_text(swap_texts.swap_taken(v, now))
            _ask_managers(svc, v, now)
        elif action in ("ok", "no") and len(parts) == 3:
            if action == "ok":
                v = roster.approve(offer_id=int(parts[2]), manager_id=member.telegram_id,
                                   now=now)
            else:
                v = roster.reject(offer_id=int(parts[2]), manager_id=member.telegram_id, now=now)
            await query.answer(texts.SWAP_APPROVED_ANSWER if action == "ok"
                               else texts.SWAP_REJECTED_ANSWER)
            done = (swap_texts.swap_approved(v, now) if action == "ok"
                    else swap_texts.swap_rejected(v, now))
            await query.edit_message_text(done)
            _tell_decision(svc, v, now, approved=action == "ok", group_text=done)
        else:
            await query.answer(texts.BUTTON_STALE, show_alert=True)
    except RosterError as exc:
        await query.answer(texts.error(exc, html=False), show_alert=True)


async def _pick(update: Update, svc: Services, roster: RosterService, member: Member,
                ymd: str, order: int, now: datetime) -> None:
    query = update.callback_query
    assert query is not None
    d = date(int(ymd[:4]), int(ymd[4:6]), int(ymd[6:8]))
    if not 0 <= order < len(roster.config.shifts) or svc.settings.duty_group_id is None:
        raise RosterError(Refusal.no_such_shift)
    v = roster.offer(staff_id=member.telegram_id, d=d,
                     shift_name=roster.config.shifts[order].name, now=now)
    out_id = svc.outbox.enqueue(key=f"swap:{v.id}:offer", kind="swap", ref=f"swap:{v.id}",
                                chat_id=svc.settings.duty_group_id,
                                text=swap_texts.swap_offer(v, now),
                                buttons=[[(texts.BTN_TAKE, f"sw1:take:{v.id}")]])
    roster.set_offer_message(v.id, out_id)
    await query.answer()
    await query.edit_message_text(texts.SWAP_POSTED.format(shift=texts.shift_label(v.instance,
                                                                                   now)))


def _managers(svc: Services) -> list[Member]:
    return svc.staff.active(Role.manager) or svc.staff.active(Role.admin)


def _ask_managers(svc: Services, v: SwapView, now: datetime) -> None:
    buttons = [[(texts.BTN_APPROVE, f"sw1:ok:{v.id}"), (texts.BTN_REJECT, f"sw1:no:{v.id}")]]
    for m in _managers(svc):
        svc.outbox.enqueue(key=f"swap:{v.id}:ask:{m.telegram_id}", kind="swap",
                           ref=f"swap:{v.id}", chat_id=m.telegram_id,
                           text=swap_texts.swap_ask_manager(v, now), buttons=buttons)


def _tell_decision(svc: Services, v: SwapView, now: datetime, *, approved: bool,
                   group_text: str) -> None:
    ref = f"swap:{v.id}"
    if v.group_outbox_id is not None and svc.settings.duty_group_id is not None:
        svc.outbox.enqueue(key=f"{ref}:decided", kind="swap", ref=ref,
                           chat_id=svc.settings.duty_group_id, text=group_text,
                           edit_of=v.group_outbox_id)
    if approved:
        assert v.taker_id is not None
        svc.outbox.enqueue(key=f"{ref}:done:{v.from_id}", kind="swap", ref=ref,
                           chat_id=v.from_id,
                           text=swap_texts.swap_approved_private(v, now, taker=False))
        svc.outbox.enqueue(key=f"{ref}:done:{v.taker_id}", kind="swap", ref=ref,
                           chat_id=v.taker_id,
                           text=swap_texts.swap_approved_private(v, now, taker=True))
    else:
        for who in {v.from_id, v.taker_id} - {None}:
            svc.outbox.enqueue(key=f"{ref}:rejected:{who}", kind="swap", ref=ref,
                               chat_id=who,  # type: ignore[arg-type]
                               text=swap_texts.swap_rejected_private(v, now))
