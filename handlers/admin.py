"""Staff administration: /adduser, /setrole, /deluser, /staff, /setcontact and access-request
buttons."""

from __future__ import annotations

from telegram import Update
from telegram.error import TelegramError

from bot.callbackdata.kinds import IGNORE, AccessRequest
from bot.context import BotContext
from bot.offload import db
from bot.permissions import Perm
from bot.services.staff.contacts import ContactError, parse_changes
from bot.services.staff.directory import Member, StaffError, parse_role, parse_telegram_id
from bot.texts import admin as texts
from bot.texts import contacts as contact_texts
from bot.texts.escape import escape
from handlers.access import guard
from handlers.buttons import read, stale
from handlers.menus import sync_member_menu
from handlers.replies import chat_id_of, reply
from models.staff import ROLE_NAMES_ZH


async def _tell(context: BotContext, user_id: int, text: str) -> None:
    try:
        await context.bot.send_message(user_id, text)
    except TelegramError:
        pass  # the person has not opened a chat with the bot yet; they see it on /start


@guard("adduser")
async def adduser(update: Update, context: BotContext, member: Member) -> None:
    """Register someone: /adduser <telegram_id> <role> <name>."""
    args = context.args or []
    if len(args) < 3:
        await reply(update, texts.ADDUSER_USAGE)
        return
    try:
        tid, role = parse_telegram_id(args[0]), parse_role(args[1])
        added, created = await db(context.svc.staff.add, actor_id=member.telegram_id,
                                  telegram_id=tid, role=role, name=" ".join(args[2:]),
                                  chat_id=chat_id_of(update))
    except StaffError as exc:
        await reply(update, f"{texts.staff_error(exc)}\n\n{texts.ADDUSER_USAGE}")
        return
    template = texts.ADDED if created else texts.REACTIVATED
    role_zh = ROLE_NAMES_ZH[added.role]
    await reply(update, template.format(name=escape(added.name), tid=tid, role=role_zh))
    await sync_member_menu(context.bot, added, context.svc.menus_synced)
    await _tell(context, tid, texts.WELCOME.format(role=role_zh))


@guard("setrole")
async def setrole(update: Update, context: BotContext, member: Member) -> None:
    """Change someone's role: /setrole <telegram_id> <role>."""
    args = context.args or []
    if len(args) != 2:
        await reply(update, texts.SETROLE_USAGE)
        return
    try:
        changed = await db(context.svc.staff.set_role, actor_id=member.telegram_id,
                           telegram_id=parse_telegram_id(args[0]),
                           role=parse_role(args[1]), chat_id=chat_id_of(update))
    except StaffError as exc:
        await reply(update, texts.staff_error(exc))
        return
    role_zh = ROLE_NAMES_ZH[changed.role]
    await reply(update, texts.ROLE_SET.format(name=escape(changed.name),
                                              tid=changed.telegram_id, role=role_zh))
    await sync_member_menu(context.bot, changed, context.svc.menus_synced)
    await _tell(context, changed.telegram_id, texts.ROLE_CHANGED.format(role=role_zh))


@guard("deluser")
async def deluser(update: Update, context: BotContext, member: Member) -> None:
    """Deactivate someone, keeping their history: /deluser <telegram_id>."""
    args = context.args or []
    if len(args) != 1:
        await reply(update, texts.DELUSER_USAGE)
        return
    try:
        gone = await db(context.svc.staff.deactivate, actor_id=member.telegram_id,
                        telegram_id=parse_telegram_id(args[0]),
                        chat_id=chat_id_of(update))
    except StaffError as exc:
        await reply(update, texts.staff_error(exc))
        return
    await reply(update, texts.DEACTIVATED.format(name=escape(gone.name), tid=gone.telegram_id))
    await sync_member_menu(context.bot, gone, context.svc.menus_synced)


@guard("staff")
async def staff_list(update: Update, context: BotContext, member: Member) -> None:
    """List everyone registered, active first (with their contacts: /staff is admins')."""
    people = context.svc.staff.all()
    contacts = await db(context.svc.contacts.all)
    active = [p for p in people if p.active]
    lines = [texts.STAFF_HEAD.format(active=len(active))]
    lines += [texts.STAFF_LINE.format(mark="•", name=escape(p.name), role=ROLE_NAMES_ZH[p.role],
                                      tid=p.telegram_id)
              + contact_texts.staff_suffix(contacts.get(p.telegram_id)) for p in active]
    inactive = [p for p in people if not p.active]
    if inactive:
        lines.append(texts.STAFF_INACTIVE_HEAD)
        lines += [texts.STAFF_LINE.format(mark="·", name=escape(p.name),
                                          role=ROLE_NAMES_ZH[p.role], tid=p.telegram_id)
                  for p in inactive]
    await reply(update, "\n".join(lines))


@guard("setcontact")
async def setcontact(update: Update, context: BotContext, member: Member) -> None:
    """Record a member's phone and/or e-mail: /setcontact <telegram_id> phone … email …."""
    args = context.args or []
    if len(args) < 2:
        await reply(update, contact_texts.SETCONTACT_USAGE)
        return
    try:
        tid = parse_telegram_id(args[0])
        contact = await db(context.svc.contacts.set, actor_id=member.telegram_id, telegram_id=tid,
                           changes=parse_changes(args[1:]), chat_id=chat_id_of(update))
    except StaffError as exc:
        await reply(update, texts.staff_error(exc))
        return
    except ContactError as exc:
        await reply(update, f"{contact_texts.error(exc)}\n\n{contact_texts.SETCONTACT_USAGE}")
        return
    target = context.svc.staff.get_any(tid)
    assert target is not None
    await reply(update, contact_texts.contact_set(target, contact))


@guard(Perm.manage_users)
async def access_request_button(update: Update, context: BotContext, member: Member) -> None:
    """Approve an access request as a role, or ignore it (callback `ar1:<role|no>:<id>`)."""
    query = update.callback_query
    assert query is not None
    press = read(update, AccessRequest)
    if press is None:
        await stale(query)
        return
    choice, tid = press
    req = await db(context.svc.staff.pending_request, tid)
    if req is None:
        await query.answer(texts.REQUEST_DONE, show_alert=True)
        await query.edit_message_reply_markup(None)
        return
    name = req.display_name or str(tid)
    if choice == IGNORE:
        await db(context.svc.staff.ignore_request, actor_id=member.telegram_id, telegram_id=tid)
        await query.answer()
        await query.edit_message_text(texts.REQUEST_IGNORED.format(
            name=escape(name), tid=tid, admin=escape(member.name)))
        return
    role = parse_role(choice)
    added, _ = await db(context.svc.staff.add, actor_id=member.telegram_id, telegram_id=tid,
                        role=role, name=name[:32] or str(tid))
    await query.answer()
    role_zh = ROLE_NAMES_ZH[role]
    await query.edit_message_text(texts.REQUEST_APPROVED.format(
        admin=escape(member.name), name=escape(added.name), tid=tid, role=role_zh))
    await sync_member_menu(context.bot, added, context.svc.menus_synced)
    await _tell(context, tid, texts.WELCOME.format(role=role_zh))
