"""What every button handler shares: read the data through the codec, answer a stale press.

A press whose data the codec does not accept — forged, from an old keyboard, or of a dialogue
that has ended — is answered "按钮已失效，请重新打开" and changes nothing; `unknown_button`,
registered last in bot/routes.py, does the same for data no handler's pattern took, so no
button ever keeps spinning.
"""

from __future__ import annotations

from typing import Any, TypeVar

from telegram import CallbackQuery, Update

from bot.callbackdata.codec import parse
from bot.context import BotContext
from bot.texts import common as texts

T = TypeVar("T", bound=tuple[Any, ...])


def read(update: Update, kind: type[T]) -> T | None:
    """The press's value of `kind`, or None when its data is not one."""
    query = update.callback_query
    return parse(query.data, kind) if query is not None else None


async def stale(query: CallbackQuery) -> None:
    """Answer a press that cannot be acted on."""
    await query.answer(texts.BUTTON_STALE, show_alert=True)


async def unknown_button(update: Update, context: BotContext) -> None:
    """Any press nothing above took (an unknown prefix, or a dialogue's button afterwards)."""
    if update.callback_query is not None:
        await stale(update.callback_query)

