"""/weekly, /monthly, /quarterly, /halfyear, /annual and /report: summary, chart and files.

In a private chat the files (XLSX with personal data, DOCX draft) come as documents. In a
group only the summary (no personal data) and the chart go to the group; the files go to the
requester's private chat, or the group is told how to get them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from telegram import InputFile, Update
from telegram.error import BadRequest, Forbidden

from bot.context import BotContext
from bot.services.reports.periods import PeriodError
from bot.services.staff.directory import Member
from bot.texts.reports import summary as texts
from bot.texts.reports.files import ReportFiles, build_files
from handlers.access import command_args, guard
from handlers.replies import is_group, reply

log = logging.getLogger(__name__)

COMMAND_KINDS = {"weekly": "week", "monthly": "month", "quarterly": "quarter",
                 "halfyear": "halfyear", "annual": "year", "report": "custom"}


def _documents(files: ReportFiles) -> list[tuple[bytes, str, str]]:
    """(content, file name, HTML caption) of each file that goes privately."""
    out = []
    if files.xlsx is not None:
        out.append((files.xlsx, f"{files.stem}.xlsx", texts.xlsx_caption(files.figures)))
    if files.docx is not None:
        out.append((files.docx, f"{files.stem}.docx", texts.docx_caption(files.figures)))
    return out


async def _send(update: Update, context: BotContext, member: Member, kind: str) -> None:
    reports = context.svc.reports
    try:
        period = reports.period(kind, command_args(context))
    except PeriodError as exc:
        await reply(update, texts.bad_period(exc, kind))
        return
    if kind != "week":
        await reply(update, texts.working(kind, period))
    try:
        files = await asyncio.to_thread(build_files, reports, period)
    except Exception:
        log.exception("report %s %s failed", kind, period.key)
        await reply(update, texts.FAILED)
        return
    msg = update.effective_message
    assert msg is not None
    await reply(update, files.summary)
    await msg.reply_photo(InputFile(files.chart_png, filename=f"{files.stem}.png"),
                          caption=texts.chart_caption(files.figures))
    docs = _documents(files)
    if not is_group(update):
        for data, name, caption in docs:
            await msg.reply_document(InputFile(data, filename=name), caption=caption)
        return
    try:
        for data, name, caption in docs:
            await context.bot.send_document(member.telegram_id, InputFile(data, filename=name),
                                            caption=caption)
    except (Forbidden, BadRequest) as exc:
        log.info("could not send report files privately: %s", exc)
        await reply(update, texts.FILES_NOT_SENT)
        return
    await reply(update, texts.files_sent_privately(with_docx=files.docx is not None))


def report_command(command: str) -> Callable[[Update, BotContext], Awaitable[None]]:
    """The handler of one report command: the same flow, the period kind differs."""
    kind = COMMAND_KINDS[command]

    async def handler(update: Update, context: BotContext, member: Member) -> None:
        await _send(update, context, member, kind)

    handler.__name__ = handler.__qualname__ = f"report_{command}"
    handler.__doc__ = f"Answer /{command}: the summary, the chart and the files."
    return guard(command)(handler)
