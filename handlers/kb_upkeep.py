"""/kb_gaps, /kb_syn and /kb_stats: tending what search learns from — gaps, synonyms — and
seeing how it runs.

Gaps are the searches staff marked as unanswered; a maintainer closes one (optionally naming
the entry that now answers it) from the list's buttons (``kb1:gc:<gap id>``) or by command.
Synonym groups change how every entry is indexed, so they are edited here by command only.
"""

from __future__ import annotations

import asyncio

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.callbackdata.codec import encode
from bot.callbackdata.kinds import KbCloseGap
from bot.context import BotContext
from bot.offload import db
from bot.permissions import Perm
from bot.services.staff.directory import Member
from bot.texts import kb as texts
from bot.texts.escape import escape
from handlers.access import command_args, guard
from handlers.args import number, numbers
from handlers.buttons import read, stale
from handlers.kb_common import kb_of, staff_names
from handlers.replies import reply
from knowledge_base.service import KbError

__all__ = ["GAPS_SHOWN", "close_gap_button", "gaps", "stats", "synonyms"]

GAPS_SHOWN = 10


# ----------------------------------------------------------------------------- /kb_gaps
def _gaps_view(context: BotContext) -> tuple[str, InlineKeyboardMarkup | None]:
    """The open gaps and their close buttons (reads the database: call through ``db``)."""
    kb = kb_of(context)
    gaps = kb.gaps.open(limit=GAPS_SHOWN)
    total = kb.gaps.count_open()
    text = texts.render_gaps(gaps, total, now=context.svc.clock.now(), names=staff_names(context))
    buttons = [InlineKeyboardButton(texts.BTN_CLOSE_GAP.format(id=g.id),
                                    callback_data=encode(KbCloseGap(g.id))) for g in gaps]
    rows = [buttons[i:i + 3] for i in range(0, len(buttons), 3)]
    return text, InlineKeyboardMarkup(rows) if rows else None


@guard("kb_gaps")
async def gaps(update: Update, context: BotContext, member: Member) -> None:
    """/kb_gaps: the open gaps (close buttons); `/kb_gaps close <gap> [entry]`."""
    args = command_args(context)
    if not args:
        text, markup = await db(_gaps_view, context)
        await reply(update, text, reply_markup=markup)
        return
    if args[0].lower() not in ("close", "关闭") or not 2 <= len(args) <= 3 or \
            (ids := numbers(args[1:])) is None:
        await reply(update, texts.GAPS_USAGE)
        return
    gap_id = ids[0]
    entry_id = ids[1] if len(ids) == 2 else None
    try:
        await asyncio.to_thread(  # naming an entry teaches it the phrasing (re-embedding)
            kb_of(context).gaps.close, actor=member.telegram_id, gap_id=gap_id,
            entry_id=entry_id)
    except KbError as exc:
        await reply(update, texts.kb_error(exc))
        return
    done = texts.GAP_CLOSED_WITH.format(id=gap_id, entry=entry_id) if entry_id is not None \
        else texts.GAP_CLOSED.format(id=gap_id)
    await reply(update, done)


@guard(Perm.manage_kb)
async def close_gap_button(update: Update, context: BotContext, member: Member) -> None:
    query = update.callback_query
    assert query is not None
    press = read(update, KbCloseGap)
    if press is None:
        await stale(query)
        return
    gap_id = press.gap_id
    try:
        await db(kb_of(context).gaps.close, actor=member.telegram_id, gap_id=gap_id)
    except KbError as exc:
        await query.answer(texts.kb_error(exc, html=False), show_alert=True)
    else:
        await query.answer(texts.GAP_CLOSED.format(id=gap_id))
    text, markup = await db(_gaps_view, context)
    await query.edit_message_text(text, reply_markup=markup)


# ----------------------------------------------------------------------------- /kb_syn
@guard("kb_syn")
async def synonyms(update: Update, context: BotContext, member: Member) -> None:
    """/kb_syn: list; `/kb_syn add 词1 词2 …`; `/kb_syn del <组号> [词]`."""
    args = command_args(context)
    kb = kb_of(context)
    try:
        if not args:
            await reply(update, texts.render_synonyms(await db(kb.synonyms.list)))
            return
        verb = args[0].lower()
        if verb in ("add", "新增") and len(args) >= 2:
            group = await db(kb.synonyms.add, actor=member.telegram_id, members=args[1:])
            await reply(update, texts.SYN_ADDED.format(
                id=group.id, members=texts.join_members(group.members)))
            return
        deleting = verb in ("del", "删除") and len(args) in (2, 3)
        group_id = number(args[1]) if deleting else None
        if group_id is not None:
            left = await db(kb.synonyms.remove, actor=member.telegram_id, group_id=group_id,
                            member=args[2] if len(args) == 3 else None)
            if left is None:
                await reply(update, texts.SYN_DELETED.format(id=group_id))
            else:
                await reply(update, texts.SYN_MEMBER_DELETED.format(
                    id=group_id, member=escape(args[2]),
                    members=texts.join_members(left.members)))
            return
    except KbError as exc:
        await reply(update, texts.kb_error(exc))
        return
    await reply(update, texts.SYN_USAGE)


# ----------------------------------------------------------------------------- /kb_stats
@guard("kb_stats")
async def stats(update: Update, context: BotContext, member: Member) -> None:
    """/kb_stats: size, whether semantic search runs (and why not), index state, learning."""
    await reply(update, texts.render_stats(await db(kb_of(context).stats)))
