"""The access gate and the role check every handler uses (the only place roles are checked)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import TypeVar

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.callbackdata.codec import encode
from bot.callbackdata.kinds import IGNORE, AccessRequest
from bot.commands import spec
from bot.context import BotContext
from bot.offload import db
from bot.permissions import Perm, allowed
from bot.services.staff.directory import Member
from bot.texts import admin as admin_texts
from bot.texts import common as texts
from bot.texts.escape import escape
from handlers.args import NumberOutOfRange
from handlers.menus import ensure_menu
from models.staff import ROLE_NAMES_ZH, Role

log = logging.getLogger(__name__)

R = TypeVar("R")
Handler = Callable[[Update, BotContext, Member], Awaitable[R]]
Wrapped = Callable[[Update, BotContext], Awaitable[R | None]]


async def gate(update: Update, context: BotContext) -> None:
    """Stop updates from foreign groups and unregistered users before any feature handler."""
    svc = context.svc
    chat = update.effective_chat
    if chat is not None and chat.type != Chat.PRIVATE and chat.id not in svc.group_ids:
        await _leave(context, chat.id)
        raise ApplicationHandlerStop
    if update.my_chat_member is not None:
        raise ApplicationHandlerStop  # joins to configured groups need no reply
    user = update.effective_user
    if user is None or user.is_bot:
        raise ApplicationHandlerStop
    member = svc.staff.get(user.id)
    if member is not None:
        if chat is not None and chat.type == Chat.PRIVATE:
            await ensure_menu(context.bot, svc, member)
        return
    await _refuse(update, context)
    raise ApplicationHandlerStop


async def _leave(context: BotContext, chat_id: int) -> None:
    log.info("leaving unconfigured chat %s", chat_id)
    try:
        await context.bot.leave_chat(chat_id)
    except TelegramError as exc:
        log.warning("could not leave chat %s: %s", chat_id, exc)


async def _refuse(update: Update, context: BotContext) -> None:
    user = update.effective_user
    assert user is not None
    if update.callback_query is not None:
        await update.callback_query.answer(texts.REFUSAL_CALLBACK, show_alert=True)
        return
    if update.inline_query is not None:
        await update.inline_query.answer([], cache_time=0, is_personal=True)
        return
    chat = update.effective_chat
    if update.effective_message is None or chat is None or chat.type != Chat.PRIVATE:
        return  # never answer strangers inside a group
    await update.effective_message.reply_text(texts.REFUSAL.format(user_id=user.id))
    if await db(context.svc.staff.request_access, user.id, user.full_name):
        await _tell_admins(context, user.id, user.full_name)


async def _tell_admins(context: BotContext, user_id: int, name: str) -> None:
    roles = [Role.staff, Role.leader, Role.manager]
    rows = [
        [InlineKeyboardButton(admin_texts.BTN_APPROVE.format(role=ROLE_NAMES_ZH[r]),
                              callback_data=encode(AccessRequest(r.value, user_id)))]
        for r in roles
    ]
    rows.append([InlineKeyboardButton(admin_texts.BTN_IGNORE,
                                      callback_data=encode(AccessRequest(IGNORE, user_id)))])
    text = admin_texts.REQUEST.format(name=escape(name), tid=user_id)
    for admin in context.svc.staff.active(Role.admin):
        try:
            await context.bot.send_message(admin.telegram_id, text,
                                           reply_markup=InlineKeyboardMarkup(rows))
        except TelegramError as exc:
            log.warning("could not tell admin %s about an access request: %s",
                        admin.telegram_id, exc)


def guard(what: Perm | str) -> Callable[[Handler[R]], Wrapped[R]]:
    """Run the handler only for an active member whose role has the permission.

    `what` is a permission, or a command name whose registry entry gives the permission and
    whether it may be used in a group. A number the handler reads that no row can have
    (``handlers.args.NumberOutOfRange``) is answered here, the same for every command.
    """
    perm = what if isinstance(what, Perm) else spec(what).perm
    command = None if isinstance(what, Perm) else spec(what)

    def deco(fn: Handler[R]) -> Wrapped[R]:
        @wraps(fn)
        async def wrapper(update: Update, context: BotContext) -> R | None:
            user = update.effective_user
            member = context.svc.staff.get(user.id) if user else None
            if member is None:
                return None
            if not allowed(member.role, perm):
                await _deny(update, texts.NOT_ALLOWED.format(role=ROLE_NAMES_ZH[member.role]))
                return None
            chat = update.effective_chat
            if command is not None and not command.in_group and chat and chat.type != "private":
                await _deny(update, texts.GROUP_ONLY_PRIVATE.format(command=command.name))
                return None
            try:
                return await fn(update, context, member)
            except NumberOutOfRange as exc:  # `/kb_del 99999999999`: no row has it
                await _deny(update, texts.NO_SUCH_NUMBER.format(number=escape(exc.typed)))
                return None

        return wrapper

    return deco


async def _deny(update: Update, text: str) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.inline_query is not None:
        await update.inline_query.answer([], cache_time=0, is_personal=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text)


def command_args(context: BotContext) -> list[str]:
    return list(context.args or [])
