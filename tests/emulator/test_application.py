"""A real python-telegram-bot Application polling the emulator end to end."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from bot.emulator import BotApiEmulator
from tests.emulator.conftest import GROUP, USER


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_user is not None and update.effective_message is not None
    name = html.escape(update.effective_user.first_name)
    args = html.escape(" ".join(context.args or []))
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("确认", callback_data="ok:1")]])
    await update.effective_message.reply_html(
        f"你好, <b>{name}</b>! 参数: {args or '无'}", reply_markup=keyboard
    )


async def _confirm(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("已确认")
    await query.edit_message_text("已确认 ✅")


@pytest.fixture
async def app(emu: BotApiEmulator) -> AsyncIterator[Application]:
    application = (
        ApplicationBuilder()
        .token(emu.token)
        .base_url(emu.base_url)
        .base_file_url(emu.base_file_url)
        .build()
    )
    application.add_handler(CommandHandler("start", _start))
    application.add_handler(CallbackQueryHandler(_confirm, pattern=r"^ok:"))
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=1)
    try:
        yield application
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()


@pytest.mark.usefixtures("app")
async def test_start_reply_and_button(emu: BotApiEmulator) -> None:
    mark = emu.mark()
    emu.send_message(user_id=USER, text="/start 工单 <1>")
    reply = await emu.wait_for_message(USER, contains="你好", after=mark)
    assert reply["text"] == "你好, 张三! 参数: 工单 <1>"
    assert reply["html"] == "你好, <b>张三</b>! 参数: 工单 &lt;1&gt;"

    mark = emu.mark()
    query_id = emu.press(user_id=USER, message=reply, text="确认")
    edited = await emu.wait_for_message(USER, contains="已确认", after=mark)
    assert edited["message_id"] == reply["message_id"] and "edit_date" in edited
    answer = emu.callback_answer(query_id)
    assert answer is not None and answer["text"] == "已确认"
    (current,) = emu.bot_messages(USER)
    assert current["text"] == "已确认 ✅" and "reply_markup" not in current


@pytest.mark.usefixtures("app")
async def test_group_command_with_bot_mention(emu: BotApiEmulator) -> None:
    emu.send_message(user_id=USER, chat_id=GROUP, text="/start@hotline_duty_bot")
    reply = await emu.wait_for_message(GROUP, contains="参数: 无")
    assert reply["reply_to_message"]["text"] == "/start@hotline_duty_bot"
    assert [c.method for c in emu.calls if c.method != "getUpdates"][:2] == [
        "getMe", "deleteWebhook",
    ]  # fmt: skip
