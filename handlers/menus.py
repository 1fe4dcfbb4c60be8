"""Register each role's command menu with Telegram (`setMyCommands` per scope)."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError

from bot.commands import commands_for
from bot.context import Services
from bot.services.staff.directory import Member
from bot.texts import common as texts

log = logging.getLogger(__name__)


def _menu(role: str | None, *, group: bool = False) -> list[BotCommand]:
    return [BotCommand(c.name, c.description) for c in commands_for(role, group=group)]


async def sync_member_menu(bot: Bot, member: Member, synced: set[int] | None = None) -> None:
    """Give one person the menu of their role (or clear it when deactivated)."""
    scope = BotCommandScopeChat(member.telegram_id)
    try:
        if member.active:
            await bot.set_my_commands(_menu(member.role), scope=scope)
        else:
            await bot.delete_my_commands(scope=scope)
    except TelegramError as exc:  # a user who never opened the chat: Telegram says chat not found
        log.info("menu for %s not set yet: %s", member.telegram_id, exc)
        if synced is not None:
            synced.discard(member.telegram_id)
        return
    if synced is not None:
        synced.add(member.telegram_id)


async def ensure_menu(bot: Bot, svc: Services, member: Member) -> None:
    """Set a member's menu the first time we see them (their chat may not have existed before)."""
    if member.telegram_id not in svc.menus_synced:
        await sync_member_menu(bot, member, svc.menus_synced)


async def sync_all_menus(bot: Bot, svc: Services) -> None:
    """At start: strangers see only /start; each member and each group get their own menu."""
    await bot.set_my_commands([BotCommand("start", texts.START_MENU)],
                              scope=BotCommandScopeDefault())
    for member in svc.staff.active():
        await sync_member_menu(bot, member, svc.menus_synced)
    for chat_id in svc.group_ids:
        try:
            await bot.set_my_commands(_menu("staff", group=True),
                                      scope=BotCommandScopeChat(chat_id))
        except TelegramError as exc:
            log.info("menu for group %s not set: %s", chat_id, exc)
