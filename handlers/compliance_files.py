"""Files sent to the bot: the policy documents (/policies, then a document in reply to the
prompt), kept as a new version (Telegram `file_id` plus a 0600 copy under ATTACHMENTS_DIR).

`incoming_of()` and `fetch()` are what any file upload uses (the ticket attachments — call
recordings at 回访 — will too): read the file's metadata from the message, refuse it over the
size limit before downloading, download it.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import ForceReply, Message, Update
from telegram.error import TelegramError

from bot.callbackdata.kinds import PolicyPick
from bot.context import BotContext
from bot.offload import db
from bot.permissions import Perm
from bot.services.compliance.attachments import IncomingFile
from bot.services.compliance.errors import ComplianceError
from bot.services.compliance.periods import first_date_in
from bot.services.staff.directory import Member
from bot.texts import compliance as texts
from bot.texts.escape import escape
from handlers.access import command_args, guard
from handlers.buttons import read, stale
from handlers.compliance import END
from handlers.delivery import markup
from handlers.replies import chat_id_of, reply

log = logging.getLogger(__name__)

WAIT_FILE = 1  # dialogue state: the policy file


def incoming_of(msg: Message) -> IncomingFile | None:
    """The file a message carries (document, voice, audio or the largest photo), or None."""
    if msg.document is not None:
        d = msg.document
        return IncomingFile("document", d.file_id, d.file_unique_id, d.file_name or "",
                            d.mime_type or "", d.file_size)
    if msg.voice is not None:
        v = msg.voice
        return IncomingFile("voice", v.file_id, v.file_unique_id, "voice.ogg",
                            v.mime_type or "", v.file_size)
    if msg.audio is not None:
        a = msg.audio
        return IncomingFile("audio", a.file_id, a.file_unique_id, a.file_name or "audio",
                            a.mime_type or "", a.file_size)
    if msg.photo:
        p = msg.photo[-1]
        return IncomingFile("photo", p.file_id, p.file_unique_id, "photo.jpg", "image/jpeg",
                            p.file_size)
    return None


async def fetch(context: BotContext, incoming: IncomingFile) -> bytes:
    """Download a file after checking its announced size (raises ComplianceError too_large)."""
    context.svc.compliance.attachments.check_size(incoming.size)
    tg_file = await context.bot.get_file(incoming.file_id)
    return bytes(await tg_file.download_as_bytearray())


# ---------------------------------------------------------------- /policies
@guard("policies")
async def policies(update: Update, context: BotContext, member: Member) -> int:
    """Show the policies with upload buttons, or ask for one policy's file."""
    c, args = context.svc.compliance, command_args(context)
    if not args:
        items = await db(c.policies.status)
        await reply(update, texts.policies_status(items, context.svc.clock.tz,
                                                  amount=c.rules.policies.amount),
                    reply_markup=markup(texts.policy_buttons(items)))
        return END
    try:
        policy = c.policies.named(" ".join(args))
    except ComplianceError as exc:
        await reply(update, texts.error(exc) + "\n" + texts.POLICIES_USAGE)
        return END
    return await _ask_file(update, context, policy)


@guard(Perm.compliance)
async def policy_button(update: Update, context: BotContext, member: Member) -> int:
    """`cp1:<i>`: ask for that policy's file."""
    query = update.callback_query
    assert query is not None
    required = context.svc.compliance.policies.required
    press = read(update, PolicyPick)
    if press is None or press.index >= len(required):
        await stale(query)
        return END
    await query.answer()
    return await _ask_file(update, context, required[press.index])


async def _ask_file(update: Update, context: BotContext, policy: str) -> int:
    context.user_data["cp_policy"] = policy  # type: ignore[index]
    msg = update.effective_message
    assert msg is not None
    await msg.reply_text(texts.POLICY_PROMPT.format(
        policy=escape(policy), limit=context.svc.settings.attachment_max_mb),
        reply_markup=ForceReply(selective=True))
    return WAIT_FILE


@guard(Perm.compliance)
async def policy_file(update: Update, context: BotContext, member: Member) -> int:
    """The policy document: checked for size, downloaded, kept as a new version."""
    msg, c = update.effective_message, context.svc.compliance
    policy = context.user_data.get("cp_policy")  # type: ignore[union-attr]
    if msg is None or msg.document is None or policy is None:
        return END
    incoming = incoming_of(msg)
    assert incoming is not None
    try:
        content = await fetch(context, incoming)
        status = await asyncio.to_thread(
            c.policies.store, policy=policy, incoming=incoming, content=content,
            actor_id=member.telegram_id, revised_on=first_date_in(msg.caption or ""),
            chat_id=chat_id_of(update))
    except ComplianceError as exc:
        await reply(update, texts.error(exc))
        return WAIT_FILE
    except TelegramError as exc:
        log.warning("policy file download failed: %s", exc)
        await reply(update, texts.POLICY_DOWNLOAD_FAILED)
        return WAIT_FILE
    context.user_data.pop("cp_policy", None)  # type: ignore[union-attr]
    await reply(update, texts.POLICY_SAVED.format(
        policy=escape(policy), version=status.version, revised_on=status.revised_on,
        file=escape(status.file_name or "—")))
    return END


async def policy_not_file(update: Update, context: BotContext) -> int:
    """Anything but a document while a policy file is awaited."""
    policy = context.user_data.get("cp_policy", "")  # type: ignore[union-attr]
    await reply(update, texts.POLICY_NOT_A_FILE.format(policy=escape(policy)))
    return WAIT_FILE


async def policy_timeout(update: Update, context: BotContext) -> None:
    context.user_data.pop("cp_policy", None)  # type: ignore[union-attr]
    if update.effective_message is not None:
        await reply(update, texts.POLICY_TIMEOUT)
