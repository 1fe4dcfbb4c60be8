"""Knowledge-base search: /kb, plain text in a private chat, inline mode, result buttons, gaps.

Buttons (`kb1:`): `kb1:o:<id>:<token>` opens an entry's full answer and records the pick
against the query (the learning loop); `kb1:gap:<token>` records the search as a knowledge-base
gap (the query is kept server-side, masked, under the token: callback data is limited to 64
bytes). Maintenance (/kb_add, /kb_edit, /kb_del, /kb_gaps, /kb_syn) lives in
`handlers/kb_admin.py`; `register(app)` adds both, the dialogues first and the plain-text
search last, so a running dialogue keeps its text.
"""

from __future__ import annotations

import asyncio
import re

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode

from bot.callbackdata.codec import encode
from bot.callbackdata.kinds import KbGap, KbOpen
from bot.context import BotContext
from bot.offload import db
from bot.permissions import Perm, allowed
from bot.services.staff.directory import Member
from bot.texts import kb as texts
from bot.texts.escape import escape
from handlers.access import command_args, guard
from handlers.args import numbers
from handlers.buttons import read, stale
from handlers.kb_common import kb_of, staff_names
from handlers.replies import reply
from knowledge_base.fusion import Confidence
from knowledge_base.normalize import normalize
from knowledge_base.scoring import SearchHit

MAX_RESULTS = 5
_BY_ID = re.compile(r"#\s*(\d{1,9})")


def _text_after_command(update: Update) -> str:
    msg = update.effective_message
    text = (msg.text or "") if msg else ""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


async def _show_entry(update: Update, context: BotContext, entry_id: int) -> None:
    e = await db(kb_of(context).entries.get, entry_id)
    if e is None or not e.active:
        await reply(update, texts.NOT_FOUND_ID.format(id=entry_id))
        return
    await reply(update, texts.render_entry(e, now=context.svc.clock.now(),
                                           names=staff_names(context)))


def _hit_button(pos: int, hit: SearchHit, token: str) -> list[InlineKeyboardButton]:
    # the token lets the pick be recorded against the query (the learning loop)
    return [InlineKeyboardButton(texts.result_button(pos, hit.question),
                                 callback_data=encode(KbOpen(hit.id, token)))]


async def search_reply(update: Update, context: BotContext, member: Member, query: str) -> None:
    """Answer a search: a strong match with its full answer (and the other hits as buttons),
    or the candidates ("都相符" / "可能相关") with the gap button, or nothing with the gap
    button. Pressing a candidate records the pick (see knowledge_base/store/learning.py)."""
    kb = kb_of(context)
    # off the event loop: the query embedding and the ranking take tens of milliseconds
    out = await asyncio.to_thread(kb.lookup, query, limit=MAX_RESULTS)
    by_id = _BY_ID.fullmatch(query.strip())
    if out.mode == "id" and by_id is not None:
        await _show_entry(update, context, int(by_id.group(1)))
        return
    entries = await db(kb.entries.get_many, [h.id for h in out.hits])
    hits = [h for h in out.hits if h.id in entries]
    token = kb.tokens.remember(query)
    if hits and hits[0].strong:
        top, others = hits[0], hits[1:]
        text = texts.render_strong(query, entries[top.id], top.score, others,
                                   now=context.svc.clock.now(), names=staff_names(context))
        rows = [_hit_button(i, h, token) for i, h in enumerate(others, start=2)]
    else:
        several = out.confidence == Confidence.SEVERAL
        text = texts.render_weak(query, hits, several=several) if hits \
            else texts.render_none(query)
        rows = [_hit_button(i, h, token) for i, h in enumerate(hits, start=1)]
        rows.append([InlineKeyboardButton(texts.BTN_GAP, callback_data=encode(KbGap(token)))])
    await reply(update, text, reply_markup=InlineKeyboardMarkup(rows) if rows else None)


@guard("kb")
async def kb_command(update: Update, context: BotContext, member: Member) -> None:
    """/kb <words>: search the knowledge base."""
    query = _text_after_command(update)
    if not normalize(query):
        await reply(update, texts.USAGE)
        return
    await search_reply(update, context, member, query)


@guard(Perm.kb)
async def private_text(update: Update, context: BotContext, member: Member) -> None:
    """Plain text in a private chat (no dialogue running): treated as a search."""
    msg = update.effective_message
    query = ((msg.text or "") if msg else "").strip()
    if not normalize(query):
        await reply(update, texts.PRIVATE_HINT)
        return
    await search_reply(update, context, member, query)


@guard(Perm.kb)
async def open_button(update: Update, context: BotContext, member: Member) -> None:
    """`kb1:o:<id>[:<token>]`: send the entry's full answer; record the pick for the query."""
    query = update.callback_query
    assert query is not None
    press = read(update, KbOpen)
    if press is None:
        await stale(query)
        return
    entry_id, kb = press.entry_id, kb_of(context)
    e = await db(kb.entries.get, entry_id)
    if e is None or not e.active:
        await query.answer(texts.ENTRY_GONE, show_alert=True)
        return
    await query.answer()
    await reply(update, texts.render_entry(e, now=context.svc.clock.now(),
                                           names=staff_names(context)))
    asked = kb.tokens.get(press.token) if press.token else None
    if asked:
        outcome = await asyncio.to_thread(
            kb.learning.record_pick, query=asked, entry_id=entry_id, actor=member.telegram_id,
            by_manager=allowed(member.role, Perm.manage_kb))
        if outcome.status == "learned":
            await reply(update, texts.render_pick(outcome, asked, entry_id))


@guard(Perm.kb)
async def gap_button(update: Update, context: BotContext, member: Member) -> None:
    """`kb1:gap:<token>`: record the search as a knowledge-base gap (masked)."""
    query = update.callback_query
    assert query is not None
    press, kb = read(update, KbGap), kb_of(context)
    text = kb.tokens.get(press.token) if press is not None else None
    if text is None:
        await query.answer(texts.GAP_EXPIRED, show_alert=True)
        return
    gap, created = await db(kb.gaps.record, text, member.telegram_id)
    await query.answer()
    markup = query.message.reply_markup if query.message is not None else None
    if markup is not None:  # the gap button has done its job: drop it, keep the results
        rows = [[b for b in row if b.callback_data != query.data]
                for row in markup.inline_keyboard]
        rows = [r for r in rows if r]
        await query.edit_message_reply_markup(InlineKeyboardMarkup(rows) if rows else None)
    if created:
        await reply(update, texts.GAP_RECORDED.format(id=gap.id, q=escape(gap.query)))
    else:
        await reply(update, texts.GAP_AGAIN.format(id=gap.id, times=gap.times))


async def stale_button(update: Update, context: BotContext) -> None:
    """A knowledge-base button whose dialogue or purpose is over."""
    if update.callback_query is not None:
        await stale(update.callback_query)


@guard(Perm.kb)
async def inline_search(update: Update, context: BotContext, member: Member) -> None:
    """`@bot words` from any chat: up to five entries; choosing one sends its full answer."""
    iq = update.inline_query
    assert iq is not None
    query = iq.query.strip()
    if not normalize(query):
        await iq.answer([], cache_time=0, is_personal=True)
        return
    kb = kb_of(context)
    hits = (await asyncio.to_thread(kb.lookup, query, limit=MAX_RESULTS)).hits
    entries = await db(kb.entries.get_many, [h.id for h in hits])
    now = context.svc.clock.now()
    results = []
    for i, hit in enumerate(h for h in hits if h.id in entries):
        e = entries[hit.id]
        results.append(InlineQueryResultArticle(
            id=f"kb{e.id}",
            title=texts.inline_title(hit, strong=i == 0 and hit.strong),
            description=texts.inline_description(e, hit),
            input_message_content=InputTextMessageContent(
                texts.inline_text(e, now=now), parse_mode=ParseMode.HTML),
        ))
    await iq.answer(results, cache_time=0, is_personal=True)


@guard("kb_history")
async def history(update: Update, context: BotContext, member: Member) -> None:
    """/kb_history <id> [version]: who changed the entry when; one version's content."""
    args = command_args(context)
    ids = numbers(args)
    if not 1 <= len(args) <= 2 or ids is None:
        await reply(update, texts.HISTORY_USAGE)
        return
    entry_id = ids[0]
    kb = kb_of(context)
    e = await db(kb.entries.get, entry_id)
    if e is None:
        await reply(update, texts.NOT_FOUND_ID.format(id=entry_id))
        return
    versions = await db(kb.entries.history, entry_id)
    now, names = context.svc.clock.now(), staff_names(context)
    if len(args) == 2:
        wanted = ids[1]
        match = [v for v in versions if v.version == wanted]
        if not match:
            await reply(update, texts.HISTORY_NO_VERSION.format(id=entry_id, v=wanted))
            return
        await reply(update, texts.render_version(e, match[0], now=now, names=names))
        return
    await reply(update, texts.render_history(e, versions, now=now, names=names))
