"""/start and /help: show exactly what the user's role can do; `/start ack_<token>` (a channel
message's deep link) opens an urgent alert with its 收到 button."""

from __future__ import annotations

from telegram import Update

from bot.commands import commands_for
from bot.context import BotContext
from bot.offload import db
from bot.services.alerts.common import may_ack
from bot.services.alerts.links import token_of
from bot.services.staff.directory import Member
from bot.texts import alerts as alert_texts
from bot.texts import common as texts
from bot.texts.escape import escape
from handlers.access import guard
from handlers.alerts import open_link
from handlers.replies import is_group, reply
from models.staff import ROLE_NAMES_ZH


def _help_for(member: Member, *, group: bool) -> str:
    lines = [(c.usage, c.description) for c in commands_for(member.role, group=group)]
    return texts.help_text(lines, group=group)


@guard("start")
async def start(update: Update, context: BotContext, member: Member) -> None:
    """Greet a member by name and role, with their help; a leader (anyone who may press 收到)
    also gets again, in private, the alerts addressed to them that still wait for 收到. With
    an alert's deep link (`/start ack_<token>`), show that alert instead."""
    token = token_of(context.args[0]) if context.args else None
    if token is not None:
        await open_link(update, context, member, token)
        return
    group = is_group(update)
    alerts = context.svc.alerts
    waiting = await db(alerts.waiting_for, member.telegram_id) \
        if may_ack(member.role) and not group else []
    text = texts.START.format(name=escape(member.name), role=ROLE_NAMES_ZH[member.role],
                              help=_help_for(member, group=group))
    if waiting:
        text += alert_texts.START_WAITING.format(n=len(waiting))
    await reply(update, text)
    await db(alerts.send_again, waiting, member.telegram_id, "start")


@guard("help")
async def help_command(update: Update, context: BotContext, member: Member) -> None:
    """List the commands this member's role may use."""
    await reply(update, _help_for(member, group=is_group(update)))
